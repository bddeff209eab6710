#include "store/outbox.h"

#include "store/idempotency.h"
#include "store/sqlerror.h"
#include "store/workspace.h"

#include <array>
#include <string>
#include <vector>

namespace mdsync {

namespace {

std::string_view statusText(DeliveryStatus s)
{
    return toString(s);
}

} // namespace

void Outbox::run(SqlStatement& st, const char* purpose, Write write) const
{
    if (!((write == Write::Deferred || m_deferAll) ? st.execDeferred() : st.exec()))
        throw store::SqlError::of(st, QLatin1String(purpose));
}

// ---- counters -----------------------------------------------------------------------------------------

void Outbox::Deltas::add(std::string_view target, std::string_view domain, DeliveryStatus status, std::int64_t n)
{
    m_n[{ std::string(target), std::string(domain), status }] += n;
}

void Outbox::Deltas::move(std::string_view target, std::string_view domain, DeliveryStatus from, DeliveryStatus to)
{
    if (from == to)
        return;
    add(target, domain, from, -1);
    add(target, domain, to, 1);
}

void Outbox::Deltas::merge(const Deltas& other)
{
    for (const auto& [k, n] : other.m_n)
        m_n[k] += n;
}

// ---- statements ---------------------------------------------------------------------------------------

struct Outbox::Statements
{
    SqlStatement setStatus, markInFlight, wait, ack, fail, supersede, unsend, requeue, linkException, otStatus, otAck,
        resend, otResend, payloadOverride, lineage, counter, blockable, blocked, oldestBlocked, moveStatus, block;
    std::map<size_t, std::unique_ptr<SqlStatement>> insertDelivery, upsertObjectTarget;

    void prepare(QSqlDatabase& db)
    {
        const auto all = std::to_array<std::pair<SqlStatement*, std::string>>({
            { &setStatus, "UPDATE delivery SET status = ?2, updated_at = ?3, last_error = ?4 WHERE id = ?1" },
            { &markInFlight,
                "UPDATE delivery SET status = ?3, attempts = attempts + 1, next_attempt_at = NULL, updated_at = ?2"
                " WHERE id = ?1" },
            // retry_wait and held: waiting until next_attempt_at.
            { &wait,
                "UPDATE delivery SET status = ?5, next_attempt_at = ?2, last_error = ?3, updated_at = ?4 WHERE id = "
                "?1" },
            { &ack,
                "UPDATE delivery SET status = ?5, acked_at = ?2, latency_ms = ?3, updated_at = ?2, last_error = ?4,"
                " next_attempt_at = NULL WHERE id = ?1" },
            { &fail,
                "UPDATE delivery SET status = ?5, last_error = ?2, exception_id = ?3, updated_at = ?4,"
                " next_attempt_at = NULL WHERE id = ?1" },
            { &supersede,
                "UPDATE delivery SET status = ?4, updated_at = ?2, last_error = ?3, next_attempt_at = NULL WHERE id = "
                "?1" },
            { &unsend, "UPDATE delivery SET status = ?2, attempts = attempts - 1, updated_at = ?3 WHERE id = ?1" },
            { &requeue,
                "UPDATE delivery SET status = ?2, attempts = 0, next_attempt_at = NULL, updated_at = ?3, last_error = "
                "?4"
                " WHERE id = ?1" },
            { &linkException, "UPDATE delivery SET exception_id = ?2 WHERE id = ?1" },
            { &otStatus,
                "UPDATE object_target SET status = ?3, updated_at = ?4"
                " WHERE object_id = ?1 AND target_id = ?2 AND latest_delivery_id = ?5" },
            { &otAck,
                "UPDATE object_target SET acked_revision_no = CASE WHEN coalesce(acked_revision_no, 0) > ?3"
                " THEN acked_revision_no ELSE ?3 END,"
                " status = CASE WHEN latest_delivery_id = ?5 THEN ?6 ELSE status END, updated_at = ?4"
                " WHERE object_id = ?1 AND target_id = ?2" },
            { &resend,
                "INSERT INTO delivery(revision_id, object_id, revision_no, target_id, subscription_id, status, due_at,"
                " idempotency_key, contract_version, created_at, updated_at, last_error)"
                " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?7,?7,?10) RETURNING id" },
            { &otResend, // an initial load's object may have no row for the target yet
                "INSERT INTO object_target(object_id, target_id, latest_revision_no, latest_delivery_id, status,"
                " updated_at) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(object_id, target_id) DO UPDATE SET"
                " latest_revision_no = excluded.latest_revision_no, latest_delivery_id = excluded.latest_delivery_id,"
                " status = excluded.status, updated_at = excluded.updated_at" },
            // The circuit breaker's bulk moves read the rows first (delivery_due, delivery_blocked), so that the
            // counters move by exactly the rows that changed.
            { &blockable,
                "SELECT d.id, d.object_id, o.domain, d.status FROM delivery d JOIN object o ON o.id = d.object_id"
                " WHERE d.target_id = ?1 AND d.status IN "
                    + sqlStatusList({ DeliveryStatus::Pending, DeliveryStatus::RetryWait }) },
            { &blocked,
                "SELECT d.id, d.object_id, o.domain, d.status FROM delivery d JOIN object o ON o.id = d.object_id"
                " WHERE d.target_id = ?1 AND d.status = "
                    + sqlStatus(DeliveryStatus::BlockedByOutage) + " ORDER BY d.due_at, d.id" },
            { &oldestBlocked,
                "SELECT d.id, d.object_id, o.domain, d.status FROM delivery d JOIN object o ON o.id = d.object_id"
                " WHERE d.target_id = ?1 AND d.status = "
                    + sqlStatus(DeliveryStatus::BlockedByOutage) + " ORDER BY d.due_at, d.id LIMIT 1" },
            { &moveStatus,
                "UPDATE delivery SET status = ?2, updated_at = ?3, last_error = coalesce(?4, last_error),"
                " next_attempt_at = NULL WHERE id = ?1 AND status = ?5" },
            { &block,
                "UPDATE delivery SET status = ?2, updated_at = ?3, last_error = ?4, next_attempt_at = NULL,"
                " attempts = attempts - ?5 WHERE id = ?1" },
            { &payloadOverride, "UPDATE delivery SET payload_override = ?2, updated_at = ?3 WHERE id = ?1" },
            { &lineage,
                "INSERT INTO lineage_event(at, domain, object_key, object_id, revision_id, kind, system_id, actor,"
                " correlation_id, detail) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)" },
            { &counter,
                "INSERT INTO delivery_counter(target_id, domain, status, n) VALUES (?1,?2,?3,?4)"
                " ON CONFLICT(target_id, domain, status) DO UPDATE SET n = delivery_counter.n + excluded.n" },
        });
        for (const auto& [statement, sql] : all)
            if (!statement->prepare(db, sql))
                throw store::SqlError::of(*statement, QStringLiteral("outbox: prepare"));
    }
};

Outbox::Outbox(Workspace& ws)
    : m_ws(ws)
{ }

Outbox::~Outbox() = default;

Outbox::Statements& Outbox::st()
{
    if (!m_st) {
        auto s = std::make_unique<Statements>();
        s->prepare(m_ws.db());
        m_st = std::move(s);
    }
    return *m_st;
}

SqlStatement& Outbox::multiRow(std::map<size_t, std::unique_ptr<SqlStatement>>& cache, size_t rows, const char* head,
    const char* tuple, const char* tail)
{
    auto& q = cache[rows];
    if (!q) {
        std::string sql = head;
        for (size_t i = 0; i < rows; ++i)
            sql += std::string(i ? "," : "") + tuple;
        sql += tail;
        auto s = std::make_unique<SqlStatement>();
        if (!s->prepare(m_ws.db(), sql))
            throw store::SqlError(QString(), s->error(), s->errorKind());
        q = std::move(s);
    }
    return *q;
}

void Outbox::objectTargetStatus(const Ref& d, DeliveryStatus to, TimeMs now)
{
    auto& o = st().otStatus;
    o.bind(0, d.objectId);
    o.bind(1, d.target);
    o.bind(2, statusText(to));
    o.bind(3, std::int64_t(now));
    o.bind(4, d.deliveryId);
    run(o, "object state");
}

// ---- enqueue ------------------------------------------------------------------------------------------

void Outbox::enqueue(const Revision& rev, std::span<const NewDelivery> rows, TimeMs now, Deltas& deltas, Write write)
{
    if (rows.empty())
        return;
    st();
    // One multi-row statement per row count: a revision usually goes to a handful of targets.
    static const std::string deliveryTuple
        = "(?,?,?,?,?,?,'" + std::string(statusText(DeliveryStatus::Pending)) + "',?,?,?,?,?)";
    static const std::string targetTuple = "(?,?,?,?,'" + std::string(statusText(DeliveryStatus::Pending)) + "',?)";
    SqlStatement& d = multiRow(m_st->insertDelivery, rows.size(),
        "INSERT INTO delivery(id, revision_id, object_id, revision_no, target_id, subscription_id, status,"
        " due_at, idempotency_key, contract_version, created_at, updated_at) VALUES ",
        deliveryTuple.c_str(), "");
    SqlStatement& ot = multiRow(m_st->upsertObjectTarget, rows.size(),
        "INSERT INTO object_target(object_id, target_id, latest_revision_no, latest_delivery_id, status,"
        " updated_at) VALUES ",
        targetTuple.c_str(),
        " ON CONFLICT(object_id, target_id) DO UPDATE SET latest_revision_no = excluded.latest_revision_no,"
        " latest_delivery_id = excluded.latest_delivery_id, status = excluded.status,"
        " updated_at = excluded.updated_at");
    int di = 0;
    int oi = 0;
    // The texts are bound without a copy (bindView): the rows' views and these keys live until both statements ran.
    std::vector<std::string> keys;
    keys.reserve(rows.size());
    for (const NewDelivery& r : rows) {
        const std::string& key = keys.emplace_back(
            idempotencyKey(rev.instanceId, rev.domain, rev.key, rev.revisionNo, r.target, r.contractVersion));
        d.bind(di++, std::int64_t(r.id));
        d.bind(di++, std::int64_t(rev.revisionId));
        d.bind(di++, std::int64_t(rev.objectId));
        d.bind(di++, std::int64_t(rev.revisionNo));
        d.bindView(di++, r.target);
        d.bindView(di++, r.subscription);
        d.bind(di++, std::int64_t(r.dueAt));
        d.bindView(di++, key);
        d.bindView(di++, r.contractVersion);
        d.bind(di++, std::int64_t(now));
        d.bind(di++, std::int64_t(now));
        ot.bind(oi++, std::int64_t(rev.objectId));
        ot.bindView(oi++, r.target);
        ot.bind(oi++, std::int64_t(rev.revisionNo));
        ot.bind(oi++, std::int64_t(r.id));
        ot.bind(oi++, std::int64_t(now));
        deltas.add(r.target, rev.domain, DeliveryStatus::Pending, 1);
    }
    run(d, "insert deliveries", write);
    run(ot, "update delivery state", write);
}

std::int64_t Outbox::enqueueResend(const Revision& rev, std::string_view target, std::string_view subscription,
    std::string_view contractVersion, std::string_view idempotencyKey, std::string_view note, TimeMs now,
    Deltas& deltas)
{
    auto& q = st().resend;
    q.bind(0, rev.revisionId);
    q.bind(1, rev.objectId);
    q.bind(2, rev.revisionNo);
    q.bind(3, target);
    q.bind(4, subscription);
    q.bind(5, statusText(DeliveryStatus::Pending));
    q.bind(6, std::int64_t(now));
    q.bind(7, idempotencyKey);
    q.bind(8, contractVersion);
    q.bind(9, note);
    std::int64_t id = 0;
    if (!q.execReturningId(id))
        throw store::SqlError::of(q, QStringLiteral("re-send delivery"));
    auto& o = m_st->otResend;
    o.bind(0, rev.objectId);
    o.bind(1, target);
    o.bind(2, rev.revisionNo);
    o.bind(3, id);
    o.bind(4, statusText(DeliveryStatus::Pending));
    o.bind(5, std::int64_t(now));
    run(o, "object state");
    deltas.add(target, rev.domain, DeliveryStatus::Pending, 1);
    return id;
}

// ---- dispatcher ---------------------------------------------------------------------------------------

void Outbox::markInFlight(const Ref& d, TimeMs now, Deltas& deltas)
{
    auto& q = st().markInFlight;
    q.bind(0, d.deliveryId);
    q.bind(1, std::int64_t(now));
    q.bind(2, statusText(DeliveryStatus::InFlight));
    run(q, "mark in flight");
    objectTargetStatus(d, DeliveryStatus::InFlight, now);
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::InFlight);
}

void Outbox::recover(const Ref& d, std::string_view why, TimeMs now, Deltas& deltas)
{
    auto& q = st().setStatus;
    q.bind(0, d.deliveryId);
    q.bind(1, statusText(DeliveryStatus::Pending));
    q.bind(2, std::int64_t(now));
    q.bind(3, why);
    run(q, "recover delivery");
    auto& o = m_st->otStatus;
    o.bind(0, d.objectId);
    o.bind(1, d.target);
    o.bind(2, statusText(DeliveryStatus::Pending));
    o.bind(3, std::int64_t(now));
    o.bind(4, d.deliveryId);
    run(o, "recover object state");
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::Pending);
}

void Outbox::unsend(const Ref& d, DeliveryStatus to, TimeMs now, Deltas& deltas)
{
    auto& q = st().unsend;
    q.bind(0, d.deliveryId);
    q.bind(1, statusText(to));
    q.bind(2, std::int64_t(now));
    run(q, "requeue delivery");
    objectTargetStatus(d, to, now);
    deltas.move(d.target, d.domain, d.status, to);
}

void Outbox::hold(const Ref& d, TimeMs recheckAt, std::string_view reason, TimeMs now, Deltas& deltas)
{
    auto& q = st().wait;
    q.bind(0, d.deliveryId);
    q.bind(1, std::int64_t(recheckAt));
    q.bind(2, reason);
    q.bind(3, std::int64_t(now));
    q.bind(4, statusText(DeliveryStatus::Held));
    run(q, "hold delivery");
    if (d.status != DeliveryStatus::Held) {
        objectTargetStatus(d, DeliveryStatus::Held, now);
        deltas.move(d.target, d.domain, d.status, DeliveryStatus::Held);
    }
}

void Outbox::linkException(std::int64_t deliveryId, std::int64_t exceptionId)
{
    auto& q = st().linkException;
    q.bind(0, deliveryId);
    q.bind(1, exceptionId);
    run(q, "link dependency timeout");
}

void Outbox::supersede(const Ref& d, std::string_view why, TimeMs now, Deltas& deltas)
{
    auto& q = st().supersede;
    q.bind(0, d.deliveryId);
    q.bind(1, std::int64_t(now));
    q.bind(2, why);
    q.bind(3, statusText(DeliveryStatus::Superseded));
    run(q, "supersede delivery");
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::Superseded);
}

void Outbox::recordAck(const Ref& d, std::int64_t revisionNo, TimeMs ackedAt, std::int64_t endToEndMs,
    std::string_view message, TimeMs now, Deltas& deltas)
{
    auto& a = st().ack;
    a.bind(0, d.deliveryId);
    a.bind(1, std::int64_t(ackedAt));
    a.bind(2, endToEndMs);
    a.bindOptional(3, message);
    a.bind(4, statusText(DeliveryStatus::Acked));
    run(a, "ack delivery");
    auto& o = m_st->otAck;
    o.bind(0, d.objectId);
    o.bind(1, d.target);
    o.bind(2, revisionNo);
    o.bind(3, std::int64_t(now));
    o.bind(4, d.deliveryId);
    o.bind(5, statusText(DeliveryStatus::Acked));
    run(o, "object state");
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::Acked);
}

void Outbox::recordRetry(const Ref& d, TimeMs nextAttemptAt, std::string_view error, TimeMs now, Deltas& deltas)
{
    auto& q = st().wait;
    q.bind(0, d.deliveryId);
    q.bind(1, std::int64_t(nextAttemptAt));
    q.bind(2, error);
    q.bind(3, std::int64_t(now));
    q.bind(4, statusText(DeliveryStatus::RetryWait));
    run(q, "retry delivery");
    objectTargetStatus(d, DeliveryStatus::RetryWait, now);
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::RetryWait);
}

void Outbox::recordFailure(const Ref& d, std::string_view error, std::int64_t exceptionId, TimeMs now, Deltas& deltas)
{
    auto& f = st().fail;
    f.bind(0, d.deliveryId);
    f.bind(1, error);
    f.bind(2, exceptionId);
    f.bind(3, std::int64_t(now));
    f.bind(4, statusText(DeliveryStatus::Failed));
    run(f, "fail delivery");
    objectTargetStatus(d, DeliveryStatus::Failed, now);
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::Failed);
}

// ---- circuit breaker ----------------------------------------------------------------------------------

std::int64_t Outbox::moveAll(
    SqlStatement& select, std::string_view target, DeliveryStatus to, std::string_view note, TimeMs now, Deltas& deltas)
{
    struct Row
    {
        std::int64_t id, objectId;
        std::string domain;
        DeliveryStatus status;
    };
    std::vector<Row> rows;
    select.bind(0, target);
    while (select.next()) {
        const auto status = parseDeliveryStatus(select.text(3));
        if (!status)
            continue;
        rows.push_back({ select.int64(0), select.int64(1), std::string(select.text(2)), *status });
    }
    const bool failed = select.failed();
    select.reset();
    if (failed)
        throw store::SqlError::of(select, QStringLiteral("circuit: read deliveries"));
    auto& m = m_st->moveStatus;
    for (const Row& r : rows) {
        m.bind(0, r.id);
        m.bind(1, statusText(to));
        m.bind(2, std::int64_t(now));
        m.bindOptional(3, note);
        m.bind(4, statusText(r.status));
        run(m, "circuit: move delivery");
        const Ref ref { r.id, r.objectId, target, r.domain, r.status };
        objectTargetStatus(ref, to, now);
        deltas.move(target, r.domain, r.status, to);
    }
    return static_cast<std::int64_t>(rows.size());
}

std::int64_t Outbox::blockTarget(std::string_view target, std::string_view why, TimeMs now, Deltas& deltas)
{
    return moveAll(st().blockable, target, DeliveryStatus::BlockedByOutage, why, now, deltas);
}

void Outbox::block(const Ref& d, std::string_view error, bool countAttempt, TimeMs now, Deltas& deltas)
{
    auto& q = st().block;
    q.bind(0, d.deliveryId);
    q.bind(1, statusText(DeliveryStatus::BlockedByOutage));
    q.bind(2, std::int64_t(now));
    q.bind(3, error);
    q.bind(4, std::int64_t(countAttempt ? 0 : 1));
    run(q, "block delivery");
    objectTargetStatus(d, DeliveryStatus::BlockedByOutage, now);
    deltas.move(d.target, d.domain, d.status, DeliveryStatus::BlockedByOutage);
}

std::int64_t Outbox::releaseOldestBlocked(std::string_view target, TimeMs now, Deltas& deltas)
{
    auto& q = st().oldestBlocked;
    q.bind(0, target);
    std::int64_t id = 0;
    std::int64_t objectId = 0;
    std::string domain;
    if (q.next()) {
        id = q.int64(0);
        objectId = q.int64(1);
        domain = std::string(q.text(2));
    }
    const bool failed = q.failed();
    q.reset();
    if (failed)
        throw store::SqlError::of(q, QStringLiteral("circuit: oldest blocked delivery"));
    if (!id)
        return 0;
    auto& m = m_st->moveStatus;
    m.bind(0, id);
    m.bind(1, statusText(DeliveryStatus::Pending));
    m.bind(2, std::int64_t(now));
    m.bindOptional(3, std::string_view());
    m.bind(4, statusText(DeliveryStatus::BlockedByOutage));
    run(m, "circuit: probe delivery");
    const Ref ref { id, objectId, target, domain, DeliveryStatus::BlockedByOutage };
    objectTargetStatus(ref, DeliveryStatus::Pending, now);
    deltas.move(target, domain, DeliveryStatus::BlockedByOutage, DeliveryStatus::Pending);
    return id;
}

std::int64_t Outbox::unblockTarget(std::string_view target, TimeMs now, Deltas& deltas)
{
    return moveAll(st().blocked, target, DeliveryStatus::Pending, {}, now, deltas);
}

// ---- stewards -----------------------------------------------------------------------------------------

void Outbox::requeue(const Ref& d, std::string_view note, TimeMs now, Deltas& deltas)
{
    changeStatus(st().requeue, d, DeliveryStatus::Pending, note, now, deltas);
}

void Outbox::discard(const Ref& d, std::string_view note, TimeMs now, Deltas& deltas)
{
    changeStatus(st().setStatus, d, DeliveryStatus::Discarded, note, now, deltas);
}

// A steward's status change of one delivery: `q` binds (id, status, now, note).
void Outbox::changeStatus(
    SqlStatement& q, const Ref& d, DeliveryStatus to, std::string_view note, TimeMs now, Deltas& deltas)
{
    q.bind(0, d.deliveryId);
    q.bind(1, statusText(to));
    q.bind(2, std::int64_t(now));
    q.bind(3, note);
    run(q, "delivery status");
    objectTargetStatus(d, to, now);
    deltas.move(d.target, d.domain, d.status, to);
}

void Outbox::setPayloadOverride(std::int64_t deliveryId, std::string_view payload, TimeMs now)
{
    auto& q = st().payloadOverride;
    q.bind(0, deliveryId);
    q.bind(1, payload);
    q.bind(2, std::int64_t(now));
    run(q, "delivery payload");
}

// ---- lineage and counters -----------------------------------------------------------------------------

void Outbox::lineage(const Lineage& row, Write write)
{
    auto& q = st().lineage;
    // The row's views live until the statement ran (bindView).
    q.bind(0, std::int64_t(row.at));
    q.bindView(1, row.domain);
    q.bindView(2, row.key);
    q.bindOptional(3, row.objectId);
    q.bindOptional(4, row.revisionId);
    q.bindView(5, row.kind);
    q.bindOptionalView(6, row.system);
    q.bindView(7, row.actor);
    q.bindOptionalView(8, row.correlationId);
    q.bindView(9, row.detail);
    run(q, "lineage", write);
}

void Outbox::writeCounters(Deltas& deltas)
{
    if (deltas.empty())
        return;
    auto& q = st().counter;
    for (const auto& [k, n] : deltas.m_n) {
        if (n == 0)
            continue;
        q.bind(0, std::string_view(std::get<0>(k)));
        q.bind(1, std::string_view(std::get<1>(k)));
        q.bind(2, statusText(std::get<2>(k)));
        q.bind(3, n);
        run(q, "delivery counters");
    }
    deltas.clear();
}

} // namespace mdsync
