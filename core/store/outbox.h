#pragma once

#include "store/deliverystatus.h"
#include "store/sqlstatement.h"
#include "util/timeutil.h"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>

namespace mdsync {

class Workspace;

// The delivery ledger: the only writer of `delivery`, `object_target` (the latest delivery's state per object and
// target), `delivery_counter` and `lineage_event`. Ingest enqueues (IngestPipeline), the dispatcher moves
// deliveries through their states (docs/DISPATCHER.md "Delivery states"), stewards requeue and discard
// (ExceptionActions) and correct payloads (Corrections); each of them calls this class inside its own transaction.
//
// One Outbox per read-write Workspace (Workspace::outbox()), on the thread that owns the connection. Statements are
// prepared once and bound through the sqlite3 handle (SqlStatement), so the ingest hot path pays no re-prepare.
// Writes throw store::SqlError; the caller's transaction (Workspace::Transaction) undoes the unit of work.
//
// Counters: each state change adds to a Deltas that the caller owns (so that an event rolled back to its savepoint
// can drop its own) and hands to writeCounters() before the transaction commits.
class Outbox
{
public:
    explicit Outbox(Workspace& ws);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // delivery_counter changes of one transaction, by (target, domain, status).
    class Deltas
    {
    public:
        void add(std::string_view target, std::string_view domain, DeliveryStatus status, std::int64_t n);
        void move(std::string_view target, std::string_view domain, DeliveryStatus from, DeliveryStatus to);
        void merge(const Deltas& other);
        bool empty() const { return m_n.empty(); }
        void clear() { m_n.clear(); }

    private:
        friend class Outbox;
        std::map<std::tuple<std::string, std::string, DeliveryStatus>, std::int64_t> m_n;
    };

    // One delivery as the ledger needs to know it for a state change.
    struct Ref
    {
        std::int64_t deliveryId = 0;
        std::int64_t objectId = 0;
        std::string_view target;
        std::string_view domain;
        DeliveryStatus status = DeliveryStatus::Pending; // its status now (before the change)
    };

    // One lineage row. objectId/revisionId 0, and empty system/correlation id, are stored as NULL.
    struct Lineage
    {
        TimeMs at = 0;
        std::string_view domain, key;
        std::int64_t objectId = 0, revisionId = 0;
        std::string_view kind, system, actor, correlationId;
        std::string_view detail; // JSON text
    };

    // ---- enqueue -------------------------------------------------------------------------------------------
    // One new pending delivery of a revision (ingest): its id is chosen by the caller.
    struct NewDelivery
    {
        std::int64_t id = 0;
        std::string_view target, subscription, contractVersion;
        TimeMs dueAt = 0;
    };
    struct Revision
    {
        std::int64_t revisionId = 0, objectId = 0, revisionNo = 0;
        std::string_view instanceId, domain, key; // for the idempotency keys
    };
    // Now: the statement's result is awaited (a failure throws here). Deferred: sent without waiting on PostgreSQL
    // (SqlStatement::execDeferred): a failure is reported by the connection's next synchronous statement or commit.
    enum class Write : std::uint8_t { Now, Deferred };

    // Inserts the deliveries of one revision and makes each the latest of its (object, target); older pending
    // deliveries stay until the dispatcher supersedes them. Counts them as pending in `deltas`.
    void enqueue(const Revision& revision, std::span<const NewDelivery> rows, TimeMs now, Deltas& deltas,
        Write write = Write::Now);
    // A re-send of an object's current revision to one target (a steward's drift replay, an initial load): a new
    // pending delivery with the given idempotency key, the latest of its (object, target). Returns its id.
    std::int64_t enqueueResend(const Revision& revision, std::string_view target, std::string_view subscription,
        std::string_view contractVersion, std::string_view idempotencyKey, std::string_view note, TimeMs now,
        Deltas& deltas);

    // ---- dispatcher ----------------------------------------------------------------------------------------
    // Handed to the connector: in_flight, one more attempt.
    void markInFlight(const Ref& d, TimeMs now, Deltas& deltas);
    // Found in flight at start (crash recovery): back to pending.
    void recover(const Ref& d, std::string_view why, TimeMs now, Deltas& deltas);
    // Picked but never handed to the connector: back to `to` without counting the attempt.
    void unsend(const Ref& d, DeliveryStatus to, TimeMs now, Deltas& deltas);
    // Waiting for referenced objects; re-checked at `recheckAt`.
    void hold(const Ref& d, TimeMs recheckAt, std::string_view reason, TimeMs now, Deltas& deltas);
    // The exception a delivery's long hold raised.
    void linkException(std::int64_t deliveryId, std::int64_t exceptionId);
    // A newer revision of the object goes to the target instead.
    void supersede(const Ref& d, std::string_view why, TimeMs now, Deltas& deltas);
    // Outcomes: the target accepted it (revision `revisionNo`; `endToEndMs` from receipt to ack).
    void recordAck(const Ref& d, std::int64_t revisionNo, TimeMs ackedAt, std::int64_t endToEndMs,
        std::string_view message, TimeMs now, Deltas& deltas);
    // A retryable answer: next attempt at `nextAttemptAt`.
    void recordRetry(const Ref& d, TimeMs nextAttemptAt, std::string_view error, TimeMs now, Deltas& deltas);
    // Refused, mapping failure or retries exhausted: failed, pointing at `exceptionId`.
    void recordFailure(const Ref& d, std::string_view error, std::int64_t exceptionId, TimeMs now, Deltas& deltas);

    // ---- circuit breaker (docs/DISPATCHER.md "Circuit breaker") -------------------------------------------
    // The target's circuit is open: its pending and retry_wait deliveries wait as blocked_by_outage (attempts
    // unchanged). Returns how many moved.
    std::int64_t blockTarget(std::string_view target, std::string_view why, TimeMs now, Deltas& deltas);
    // An in-flight delivery whose transport failed with the circuit open (or opening): blocked_by_outage. With
    // `countAttempt` false the attempt is taken back (a probe does not spend the delivery's retry budget).
    void block(const Ref& d, std::string_view error, bool countAttempt, TimeMs now, Deltas& deltas);
    // The probe: the target's oldest blocked delivery back to pending. Returns its id, 0 when none waits.
    std::int64_t releaseOldestBlocked(std::string_view target, TimeMs now, Deltas& deltas);
    // The circuit closed: every blocked delivery of the target is pending again, due at once. Returns how many.
    std::int64_t unblockTarget(std::string_view target, TimeMs now, Deltas& deltas);

    // ---- stewards ------------------------------------------------------------------------------------------
    // A failed delivery replayed: pending again with its attempts reset.
    void requeue(const Ref& d, std::string_view note, TimeMs now, Deltas& deltas);
    // A failed delivery discarded with its exception.
    void discard(const Ref& d, std::string_view note, TimeMs now, Deltas& deltas);
    // A steward's corrected payload (JSON text), sent instead of the mapping from then on.
    void setPayloadOverride(std::int64_t deliveryId, std::string_view payload, TimeMs now);

    // ---- lineage and counters ------------------------------------------------------------------------------
    void lineage(const Lineage& row, Write write = Write::Now);
    // Adds `deltas` to delivery_counter and clears it.
    void writeCounters(Deltas& deltas);

    // While one exists, every write of the outbox is Write::Deferred: for a caller whose transaction ends with
    // Workspace's commit, which reports a failure among them (the dispatcher's batches of outcomes).
    class DeferredWrites
    {
    public:
        explicit DeferredWrites(Outbox& outbox)
            : m_outbox(outbox)
            , m_previous(outbox.m_deferAll)
        {
            outbox.m_deferAll = true;
        }
        ~DeferredWrites() { m_outbox.m_deferAll = m_previous; }
        DeferredWrites(const DeferredWrites&) = delete;
        DeferredWrites& operator=(const DeferredWrites&) = delete;

    private:
        Outbox& m_outbox;
        bool m_previous;
    };

private:
    struct Statements;
    void run(SqlStatement& st, const char* purpose, Write write = Write::Now) const;
    SqlStatement& multiRow(std::map<size_t, std::unique_ptr<SqlStatement>>& cache, size_t rows, const char* head,
        const char* tuple, const char* tail);
    Statements& st();
    void objectTargetStatus(const Ref& d, DeliveryStatus to, TimeMs now);
    void changeStatus(
        SqlStatement& q, const Ref& d, DeliveryStatus to, std::string_view note, TimeMs now, Deltas& deltas);
    // Moves the target's deliveries that `select` finds (id, object_id, domain, status) to `to`.
    std::int64_t moveAll(SqlStatement& select, std::string_view target, DeliveryStatus to, std::string_view note,
        TimeMs now, Deltas& deltas);

    Workspace& m_ws;
    std::unique_ptr<Statements> m_st;
    bool m_deferAll = false;
};

} // namespace mdsync
