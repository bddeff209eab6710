#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace mdsync {

// The stored status of one row of `exception` (exception.status, exception_counter.status). The strings are the
// ones stored in the workspace (schema unchanged): toString() gives them, parseExceptionStatus() reads them back.
// "awaiting_approval" and a shown "assigned" are derived for display (read::exceptionStatusSql, readqueries.h), not
// stored by the steward; "assigned" is kept here because the counters and the dispatcher treat it as open.
enum class ExceptionStatus {
    Open, // waiting for a steward (or for the object or answer that closes it by itself)
    Assigned, // open, with an assignee
    Resolved, // fixed: a correction, a later revision or the referenced object closed it
    Discarded, // a steward discarded it (with a reason code)
    Superseded, // a newer revision of the object made it moot
    Replayed, // a steward replayed the delivery behind it; a new failure raises a new exception
};

// Every status, in the order above.
inline constexpr std::array kExceptionStatuses = { ExceptionStatus::Open, ExceptionStatus::Assigned,
    ExceptionStatus::Resolved, ExceptionStatus::Discarded, ExceptionStatus::Superseded, ExceptionStatus::Replayed };

constexpr std::string_view toString(ExceptionStatus s)
{
    switch (s) {
    case ExceptionStatus::Open:
        return "open";
    case ExceptionStatus::Assigned:
        return "assigned";
    case ExceptionStatus::Resolved:
        return "resolved";
    case ExceptionStatus::Discarded:
        return "discarded";
    case ExceptionStatus::Superseded:
        return "superseded";
    case ExceptionStatus::Replayed:
        return "replayed";
    }
    return "open";
}

// The status a stored string names; nullopt for anything else (the caller says where it came from).
constexpr std::optional<ExceptionStatus> parseExceptionStatus(std::string_view text)
{
    for (ExceptionStatus s : kExceptionStatuses)
        if (toString(s) == text)
            return s;
    return std::nullopt;
}

// The statuses an exception leaves only by a steward's action or by the event that closes it: the backlog
// (the kpi_counter 'open_exceptions' triggers of schema.cpp count exactly these).
inline constexpr std::array kOpenExceptionStatuses = { ExceptionStatus::Open, ExceptionStatus::Assigned };

// The closed statuses: the exception is done with, and no action (assign, discard, resolve, replay, correct)
// applies to it any more. The 'repair' counter trigger of schema.cpp has exactly this list.
inline constexpr std::array kClosedExceptionStatuses
    = { ExceptionStatus::Resolved, ExceptionStatus::Discarded, ExceptionStatus::Superseded, ExceptionStatus::Replayed };

constexpr bool isClosed(ExceptionStatus s)
{
    return std::ranges::find(kClosedExceptionStatuses, s) != kClosedExceptionStatuses.end();
}

// The same predicate for a stored string: closed only if it names one of the closed statuses (an unknown string
// is not closed, so the action that reads it goes on and reports what it finds).
constexpr bool isClosed(std::string_view stored)
{
    const std::optional<ExceptionStatus> s = parseExceptionStatus(stored);
    return s && isClosed(*s);
}

// In the backlog: the stored string names one of the open statuses (an unknown string is not open).
constexpr bool isOpen(std::string_view stored)
{
    const std::optional<ExceptionStatus> s = parseExceptionStatus(stored);
    return s && std::ranges::find(kOpenExceptionStatuses, *s) != kOpenExceptionStatuses.end();
}

// A status list for SQL text: "('resolved','discarded','superseded','replayed')".
template<typename List> std::string sqlExceptionStatusList(const List& list)
{
    std::string out = "(";
    for (ExceptionStatus s : list)
        out.append(out.size() > 1 ? ",'" : "'").append(toString(s)).append("'");
    return out + ")";
}

// The two lists as SQL text, built once.
inline const std::string& sqlClosedExceptionStatuses()
{
    static const std::string list = sqlExceptionStatusList(kClosedExceptionStatuses);
    return list;
}
inline const std::string& sqlOpenExceptionStatuses()
{
    static const std::string list = sqlExceptionStatusList(kOpenExceptionStatuses);
    return list;
}

} // namespace mdsync
