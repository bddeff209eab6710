#pragma once

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace mdsync {

// The status of one row of `delivery` (and of `object_target.status`, the latest delivery's status per object and
// target). docs/DISPATCHER.md "Delivery states" says what each means. The strings are the ones stored in the
// workspace (schema unchanged): toString() gives them, parse() reads them back.
enum class DeliveryStatus {
    Pending, // queued, due at due_at
    Held, // waiting for a referenced object to reach the same target
    InFlight, // handed to the connector, the answer is not recorded yet
    RetryWait, // a retryable answer; next attempt at next_attempt_at
    Acked, // the target accepted it
    Failed, // refused, mapping failure or retries exhausted: exception_id names the exception
    Superseded, // a newer revision of the object went to this target instead
    Discarded, // a steward discarded the exception behind it
    BlockedByOutage, // its target's circuit is open: not attempted until a probe gets through (no retry counted)
};

// Every status, in the order above.
inline constexpr std::array kDeliveryStatuses = { DeliveryStatus::Pending, DeliveryStatus::Held,
    DeliveryStatus::InFlight, DeliveryStatus::RetryWait, DeliveryStatus::Acked, DeliveryStatus::Failed,
    DeliveryStatus::Superseded, DeliveryStatus::Discarded, DeliveryStatus::BlockedByOutage };

constexpr std::string_view toString(DeliveryStatus s)
{
    switch (s) {
    case DeliveryStatus::Pending:
        return "pending";
    case DeliveryStatus::Held:
        return "held";
    case DeliveryStatus::InFlight:
        return "in_flight";
    case DeliveryStatus::RetryWait:
        return "retry_wait";
    case DeliveryStatus::Acked:
        return "acked";
    case DeliveryStatus::Failed:
        return "failed";
    case DeliveryStatus::Superseded:
        return "superseded";
    case DeliveryStatus::Discarded:
        return "discarded";
    case DeliveryStatus::BlockedByOutage:
        return "blocked_by_outage";
    }
    return "pending";
}

// The status a stored string names; nullopt for anything else (the caller says where it came from).
constexpr std::optional<DeliveryStatus> parseDeliveryStatus(std::string_view text)
{
    for (DeliveryStatus s : kDeliveryStatuses)
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

// The statuses a delivery can still leave by itself: the backlog. The partial index delivery_due (schema.cpp,
// pgschema.cpp) holds exactly these; SQL that filters on them states sqlOpenStatusCondition, so it can use the index.
inline constexpr std::array kOpenDeliveryStatuses
    = { DeliveryStatus::Pending, DeliveryStatus::RetryWait, DeliveryStatus::InFlight, DeliveryStatus::Held };

// The same statuses as a range: they are exactly the statuses between "held" and "retry_wait" in byte order (checked
// below). SQLite's partial index delivery_due (schema 15) is defined by this range, since SQLite evaluates a
// `status IN (...)` index predicate through a temporary table at every INSERT and UPDATE of a delivery (2-3 times
// the cost of the two comparisons: docs/BENCHMARKS.md, "The delivery_due predicate as a range").
inline constexpr std::string_view kOpenStatusLow = "held";
inline constexpr std::string_view kOpenStatusHigh = "retry_wait";

namespace detail {
constexpr bool openStatusesAreTheRange()
{
    for (DeliveryStatus s : kDeliveryStatuses) {
        const bool inList = std::ranges::any_of(kOpenDeliveryStatuses, [s](DeliveryStatus o) { return o == s; });
        const bool inRange = toString(s) >= kOpenStatusLow && toString(s) <= kOpenStatusHigh;
        if (inList != inRange)
            return false;
    }
    return true;
}
} // namespace detail
static_assert(detail::openStatusesAreTheRange(),
    "a new delivery status falls between 'held' and 'retry_wait' (or an open one outside): delivery_due's range and "
    "kOpenDeliveryStatuses must be changed together, with a schema migration");

// The backlog with the deliveries that wait for their target's circuit to close (docs/DISPATCHER.md "Circuit
// breaker"). They have an index of their own (delivery_blocked), so that the dispatcher's due query keeps its list.
inline constexpr std::array kBacklogDeliveryStatuses = { DeliveryStatus::Pending, DeliveryStatus::RetryWait,
    DeliveryStatus::InFlight, DeliveryStatus::Held, DeliveryStatus::BlockedByOutage };

// Not delivered yet and not failed: the backlog (blocked_by_outage included).
constexpr bool isOpen(DeliveryStatus s)
{
    return std::ranges::any_of(kBacklogDeliveryStatuses, [s](DeliveryStatus o) { return o == s; });
}

// A status list for SQL text: "('pending','retry_wait','in_flight','held')".
template<typename List> std::string sqlStatusList(const List& list)
{
    std::string out = "(";
    for (DeliveryStatus s : list)
        out.append(out.size() > 1 ? ",'" : "'").append(toString(s)).append("'");
    return out + ")";
}
inline std::string sqlStatusList(std::initializer_list<DeliveryStatus> list)
{
    return sqlStatusList<std::initializer_list<DeliveryStatus>>(list);
}
// The SQL condition that lets a query use the partial index delivery_due, for the status column `column`
// ("d.status"): the list, which PostgreSQL's index has as its predicate, and the range, which SQLite's has.
inline std::string sqlOpenStatusCondition(std::string_view column)
{
    const std::string c(column);
    return c + " IN " + sqlStatusList(kOpenDeliveryStatuses) + " AND " + c + " BETWEEN '" + std::string(kOpenStatusLow)
        + "' AND '" + std::string(kOpenStatusHigh) + "'";
}
// One status quoted for SQL text: "'held'".
inline std::string sqlStatus(DeliveryStatus s)
{
    return "'" + std::string(toString(s)) + "'";
}

} // namespace mdsync
