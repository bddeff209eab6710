#pragma once

#include <QObject>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

// One delivery as a connector sends it: the payload is already mapped through the target's contract.
struct OutboundDelivery
{
    std::int64_t deliveryId = 0;
    std::string domain;
    std::string key;
    std::string op = "upsert"; // "upsert" or "delete" (retire)
    std::int64_t revisionNo = 0;
    std::string idempotencyKey; // sent as Idempotency-Key; the same on every attempt and replay
    std::string correlationId; // sent as X-Correlation-Id
    std::string contractVersion;
    nlohmann::json payload;
    int attempt = 1;
};

// What a target answered, classified into the dispatcher's error classes.
// NOLINTNEXTLINE(bugprone-exception-escape): its implicit destructor destroys a json (may allocate)
struct DeliveryOutcome
{
    enum class Kind {
        Acked, // 2xx
        Retryable, // connection refused/reset, timeout, 5xx, 408: back off and retry
        RateLimited, // 429 (or 503 with Retry-After): retry after retryAfterMs
        Rejected, // other 4xx, TLS failure: non-retryable, becomes an exception at once
        Unauthorized, // 401/403: non-retryable, the credentials need fixing
    };
    Kind kind = Kind::Retryable;
    int httpStatus = 0; // 0 when no HTTP answer
    std::string message; // the target's error text verbatim, or the transport error
    std::optional<std::int64_t> retryAfterMs;
    std::int64_t latencyMs = 0;
    nlohmann::json response; // the target's JSON body, when it sent one

    bool retryable() const { return kind == Kind::Retryable || kind == Kind::RateLimited; }
};

std::string_view outcomeKindName(DeliveryOutcome::Kind kind); // "acked", "retryable", ...

// What a target holds for some objects of one domain (reconciliation, core/sync/reconcile.h): per key, the
// record in the vocabulary of the contract's target fields (the same shape as a delivery payload). Keys the
// target does not hold are absent; a record the target keeps retired has "active": false (Tryton) or
// "retired": true (REST targets).
struct ReadBackResult
{
    bool ok = true;
    std::string error; // when !ok: why nothing could be read (transport, auth, ...)
    std::map<std::string, nlohmann::json> records;
};

// A way to reach one target system. Asynchronous: send() returns at once and calls `done` exactly once,
// on the connector's thread, with the outcome. Connectors never retry by themselves: the dispatcher does.
class Connector : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(const DeliveryOutcome&)>;
    // One outcome per delivery, in the order of the deliveries given to sendBatch().
    using BatchDone = std::function<void(std::vector<DeliveryOutcome>)>;
    using QObject::QObject;

    virtual void send(const OutboundDelivery& delivery, Done done) = 0;

    // Whether the target takes several deliveries of a domain in one call (scheduled batch windows and
    // event micro-batches use it). Default: no.
    virtual bool supportsBatch(std::string_view domain) const;
    // Sends deliveries of one domain as one call when supported; the outcome of each item is independent
    // (a rejected item does not fail the others). The default sends them one by one with send() and
    // calls `done` once every answer is in. `done` is called exactly once, on the connector's thread.
    virtual void sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done);

    // Reading back (reconciliation). Default: not supported (fetch answers an error).
    using FetchDone = std::function<void(ReadBackResult)>;
    virtual bool supportsReadBack(std::string_view domain) const;
    // Reads what the target holds for `keys` of `domain`; `fields`: the target fields of interest (the
    // contract's "to" names; empty = every field the connector knows). `done` is called exactly once, on the
    // connector's thread.
    virtual void fetch(const std::string& domain, const std::vector<std::string>& keys,
        const std::vector<std::string>& fields, FetchDone done);
};

} // namespace mdsync
