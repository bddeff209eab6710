#include "sync/dispatcher.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "metrics/metrics.h"
#include "store/circuitstore.h"
#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/hash.h"

#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

namespace mdsync {

std::int64_t BackoffPolicy::delayMs(int attempt, double u) const
{
    const int shift = std::clamp(attempt - 1, 0, 40);
    const double raw = std::min(static_cast<double>(maxMs), static_cast<double>(baseMs) * std::ldexp(1.0, shift));
    const double factor = 1.0 + jitter * (2.0 * std::clamp(u, 0.0, 1.0) - 1.0);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(raw * factor)));
}

namespace {

std::string severityFor(SubscriptionDef::Criticality c)
{
    return std::string(criticalityName(c));
}

std::string str(std::string_view v)
{
    return std::string(v);
}

// A delivery exception's category from the outcome that ended it.
std::string categoryFor(const DeliveryOutcome& o)
{
    switch (o.kind) {
    case DeliveryOutcome::Kind::RateLimited:
        return "rate_limited";
    case DeliveryOutcome::Kind::Rejected:
    case DeliveryOutcome::Kind::Unauthorized:
        return "target_rejected";
    case DeliveryOutcome::Kind::Retryable:
        if (o.httpStatus == 0 && o.message.find("timed out") != std::string::npos)
            return "timeout";
        if (o.httpStatus == 0 && o.message.find("timeout") != std::string::npos)
            return "timeout";
        return "transport";
    case DeliveryOutcome::Kind::Acked:
        break;
    }
    return "internal";
}

// Per-transaction bookkeeping: counter deltas.
struct TxnDeltas
{
    Outbox::Deltas delivery; // delivery_counter, written by the Outbox
    std::map<std::pair<std::string, std::string>, std::int64_t> exception; // category, status
    metrics::Deltas metrics; // KPI counters: metric_minute, latency_bucket, kpi_counter (core/metrics)
};

void run(SqlStatement& st, const char* what)
{
    if (!st.exec())
        throw store::SqlError::of(st, QLatin1String(what));
}

// A status read from the delivery table; anything else is a storage error that names the delivery.
DeliveryStatus statusOf(std::string_view text, std::int64_t deliveryId)
{
    if (auto s = parseDeliveryStatus(text))
        return *s;
    throw store::SqlError(QStringLiteral("delivery %1").arg(deliveryId),
        QStringLiteral("unknown status '%1'").arg(QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()))));
}

} // namespace

// ---- internal types -----------------------------------------------------------------------------------

struct Dispatcher::Target
{
    const SystemDef* def = nullptr;
    QPointer<Connector> connector;
    bool paused = false;
    bool microBatch = false;
    int inFlight = 0; // calls
    TimeMs notBefore = 0;
    double tokens = 0;
    TimeMs lastRefill = 0;
    bool recheckHeld = true;
    std::set<std::int64_t> busyObjects; // a delivery in flight or an outcome not yet committed
    std::int64_t consecutiveFailures = 0;
    TimeMs lastAckAt = 0;
    std::int64_t calls = 0;
    // The last probe request read from the workspace (system.probe_requested_at; 0 = none); unset before the first
    // read.
    std::optional<TimeMs> probeRequestSeen;

    // The circuit breaker (docs/DISPATCHER.md "Circuit breaker"). writeOutcomes() changes it in memory and
    // syncCircuit() writes it, with the deliveries it blocks or releases, in the same transaction.
    struct Circuit
    {
        bool open = false;
        TimeMs openedAt = 0;
        std::string lastError;
        std::int64_t intervalMs = 0;
        TimeMs nextProbeAt = 0;
        std::int64_t probes = 0;
        std::int64_t incidentId = 0; // the open target_outage exception (0 = none written yet)
        std::int64_t probeDelivery = 0; // the delivery picked as the probe, until its outcome is written
        TimeMs forcedRequest = 0; // a steward's probe request (requestProbe) whose probe is due or on its way
        TimeMs lastForcedRequest = 0; // the latest request already answered by a probe (in the probe history)
        nlohmann::json history = nlohmann::json::array(); // the last kProbeHistory probes
        bool dirty = false;
    } circuit;

    double rate() const { return def ? def->rateLimitPerSecond : 0.0; }
    double burst() const
    {
        if (!def)
            return 1;
        return def->rateBurst > 0 ? def->rateBurst : std::max(1.0, def->rateLimitPerSecond);
    }
    void refill(TimeMs now)
    {
        if (rate() <= 0)
            return;
        if (lastRefill == 0) {
            tokens = burst();
        } else if (now > lastRefill) {
            tokens = std::min(burst(), tokens + rate() * static_cast<double>(now - lastRefill) / 1000.0);
        }
        lastRefill = now;
    }
    bool hasToken() const { return rate() <= 0 || tokens >= 1.0; }
    void takeToken()
    {
        if (rate() > 0)
            tokens -= 1.0;
    }
};

namespace {
constexpr size_t kProbeHistory = 20; // probes kept in a target_outage incident's details
} // namespace

struct Dispatcher::Pick
{
    std::int64_t deliveryId = 0, objectId = 0, revisionId = 0, revisionNo = 0, exceptionId = 0;
    TimeMs dueAt = 0;
    std::string target, domain, key, subscriptionId, idempotencyKey, contractVersion;
    DeliveryStatus status = DeliveryStatus::Pending;
    std::string op = "upsert", correlationId;
    int attempt = 0; // this attempt's number (attempts so far + 1)
    TimeMs receivedAt = 0;
    const SubscriptionDef* sub = nullptr;
    nlohmann::json payload;
    std::vector<std::string> warnings;
    std::string reason; // hold reason, mapping error, superseding revision
    nlohmann::json rawState; // mapping failures keep the canonical state
    std::string stateText; // the revision's state as read, parsed into rawState when the delivery is picked
    bool olderOpen = false; // an older revision of the object is still open at this target
    std::string payloadOverride; // a steward's edited payload (JSON text): sent instead of the mapping
    std::int64_t supersededBy = 0;
};

struct Dispatcher::Outcome
{
    Pick pick;
    DeliveryOutcome outcome;
    TimeMs at = 0;
    bool notSent = false; // picked but never handed to the connector: requeue, not an attempt
};

struct Dispatcher::Statements
{
    Outbox* outbox = nullptr; // delivery, object_target, delivery counters and lineage
    SqlStatement due, older, refLookup, mergedInto, exception, exceptionCategory, closeException, exceptionCounter,
        anyDue;
    metrics::CounterWriter metricWriter;
    CircuitStore circuits;

    // The ledger's view of a pick.
    static Outbox::Ref ref(const Pick& p) { return { p.deliveryId, p.objectId, p.target, p.domain, p.status }; }
    static Outbox::Ref ref(const Pick& p, DeliveryStatus status)
    {
        return { p.deliveryId, p.objectId, p.target, p.domain, status };
    }

    // One lineage event; an empty correlation id is stored as NULL.
    void lineageEvent(TimeMs at, std::string_view domain, std::string_view key, std::int64_t objectId,
        std::int64_t revisionId, const char* kind, std::string_view system, std::string_view actor,
        std::string_view correlationId, const nlohmann::json& detail) const
    {
        const std::string text = detail.dump();
        outbox->lineage({ at, domain, key, objectId, revisionId, kind, system, actor, correlationId, text });
    }

    // One open delivery exception about a pick (severity from its subscription); `raw` empty: nothing kept.
    std::int64_t deliveryException(const Pick& p, std::string_view category, TimeMs at, std::string_view message,
        std::string_view details, std::string_view raw)
    {
        exception.bind(0, category);
        exception.bind(1, std::string_view(p.sub ? severityFor(p.sub->criticality) : std::string("medium")));
        exception.bind(2, std::int64_t(at));
        exception.bind(3, std::string_view(p.target));
        exception.bindOptional(4, std::string_view(p.correlationId));
        exception.bind(5, std::string_view(p.domain));
        exception.bind(6, std::string_view(p.key));
        exception.bind(7, p.objectId);
        exception.bind(8, p.revisionId);
        exception.bind(9, p.deliveryId);
        exception.bind(10, std::string_view(p.target));
        exception.bind(11, message);
        exception.bind(12, details);
        if (raw.empty()) {
            exception.bindOptional(13, std::string_view());
            exception.bindOptional(14, std::string_view());
        } else {
            exception.bindBlob(13, raw);
            exception.bind(14, std::string_view(sha256Hex(raw)));
        }
        std::int64_t id = 0;
        if (!exception.execReturningId(id))
            throw store::SqlError::of(exception, QStringLiteral("insert exception"));
        return id;
    }

    // Adds a transaction's counter deltas to delivery_counter (the Outbox), exception_counter and the KPIs.
    void writeCounters(TxnDeltas& deltas)
    {
        outbox->writeCounters(deltas.delivery);
        for (const auto& [k, n] : deltas.exception) {
            if (n == 0)
                continue;
            exceptionCounter.bind(0, std::string_view(k.first));
            exceptionCounter.bind(1, std::string_view(k.second));
            exceptionCounter.bind(2, n);
            run(exceptionCounter, "exception counters");
        }
        if (QString error; !deltas.metrics.empty() && !metricWriter.write(deltas.metrics, error))
            throw store::SqlError(QString(), error);
    }

    bool prepare(QSqlDatabase& db, Outbox& ledger, QString& error)
    {
        outbox = &ledger;
        using S = DeliveryStatus;
        const std::string held = sqlStatus(S::Held);
        const std::string olderOpen
            = sqlStatusList({ S::Pending, S::RetryWait, S::Held, S::Failed, S::InFlight, S::BlockedByOutage });
        const std::vector<std::pair<SqlStatement*, std::string>> all = {
            // sqlOpenStatusCondition: the partial index delivery_due. A delivery in flight is in it but is not due
            // (its outcome decides what comes next): it is left out before the joins.
            { &due,
                "SELECT d.id, d.object_id, d.revision_id, d.revision_no, d.status, d.attempts, d.idempotency_key,"
                " d.contract_version, d.subscription_id, o.domain, o.key, ot.latest_delivery_id, d.exception_id,"
                " ot.latest_revision_no, d.payload_override, d.due_at,"
                // The revision travels with its delivery, and so does whether an older revision of the object
                // is still open at this target (rare: then `older` reads those rows). One read per tick, not
                // two more per picked delivery: on PostgreSQL each read is a round trip.
                " r.state, r.op, r.correlation_id, r.received_at,"
                " EXISTS (SELECT 1 FROM delivery x WHERE x.object_id = d.object_id AND x.target_id = d.target_id"
                " AND x.revision_no < d.revision_no AND x.status IN "
                    + olderOpen
                    + ")"
                      " FROM delivery d JOIN object o ON o.id = d.object_id"
                      " JOIN revision r ON r.id = d.revision_id"
                      " LEFT JOIN object_target ot ON ot.object_id = d.object_id AND ot.target_id = d.target_id"
                      " WHERE d.target_id = ?1 AND "
                    + sqlOpenStatusCondition("d.status") + " AND d.status <> " + sqlStatus(S::InFlight)
                    + " AND d.due_at <= ?2 AND (coalesce(d.next_attempt_at, 0) <= ?2 OR (d.status = " + held
                    + " AND ?4)) ORDER BY d.due_at, d.id LIMIT ?3" },
            { &older,
                "SELECT id, status, revision_no, exception_id, revision_id FROM delivery"
                " WHERE object_id = ?1 AND target_id = ?2 AND revision_no < ?3 AND status IN "
                    + olderOpen },
            { &mergedInto, "SELECT survivor_key FROM object_merge WHERE merged_id = ?1 AND status = 'applied'" },
            { &refLookup,
                "SELECT o.id, ot.acked_revision_no, ot.status,"
                " EXISTS (SELECT 1 FROM revision r WHERE r.object_id = o.id AND r.source_system = ?3)"
                " FROM object o"
                " LEFT JOIN object_target ot ON ot.object_id = o.id AND ot.target_id = ?3"
                " WHERE o.domain = ?1 AND o.key = ?2" },
            { &exception,
                "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, source_system,"
                " correlation_id, domain, object_key, object_id, revision_id, delivery_id, target_id, message,"
                " details, raw, raw_sha256) VALUES ('delivery',?1,?2,'open',?3,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
                "?14,?15) RETURNING id" },
            { &exceptionCategory, "SELECT category, status FROM exception WHERE id = ?1" },
            { &closeException, "UPDATE exception SET status = ?2, updated_at = ?3 WHERE id = ?1" },
            { &exceptionCounter,
                "INSERT INTO exception_counter(stage, category, status, n) VALUES ('delivery',?1,?2,?3)"
                " ON CONFLICT(stage, category, status) DO UPDATE SET n = exception_counter.n + excluded.n" },
            { &anyDue,
                "SELECT 1 FROM delivery WHERE target_id = ?1 AND " + sqlOpenStatusCondition("status")
                    + " AND status <> " + held + " AND due_at <= ?2 AND coalesce(next_attempt_at, 0) <= ?2 LIMIT 1" },
        };
        for (const auto& [st, sql] : all) {
            if (!st->prepare(db, sql)) {
                error = QStringLiteral("dispatcher: prepare: ") + st->error();
                return false;
            }
        }
        return metricWriter.prepare(db, error) && circuits.prepare(db, error);
    }
};

// ---- construction -------------------------------------------------------------------------------------

Dispatcher::Dispatcher(
    Workspace& ws, ActiveConfig config, ContractSet contracts, DispatcherOptions options, QObject* parent)
    : QObject(parent)
    , m_ws(ws)
    , m_config(std::move(config))
    , m_contracts(std::make_shared<const ContractSet>(std::move(contracts)))
    , m_contractsVersionId(m_config.contractsVersionId)
    , m_o(std::move(options))
    , m_rng(m_o.seed ? m_o.seed : std::random_device {}())
{
    for (const SystemDef& s : m_config.landscape->systems()) {
        auto t = std::make_unique<Target>();
        t->def = &s;
        t->microBatch = s.connector.is_object() && s.connector.value("micro_batch", false);
        m_targets.emplace(s.id, std::move(t));
    }
    m_tickTimer = new QTimer(this);
    m_tickTimer->setInterval(m_o.tickMs);
    connect(m_tickTimer, &QTimer::timeout, this, &Dispatcher::tick);
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(m_o.flushMs);
    connect(m_flushTimer, &QTimer::timeout, this, [this] {
        if (auto r = flush(); !r)
            fail(r.error());
    });
}

Dispatcher::~Dispatcher()
{
    // Outcomes that arrived are still written: an ack that is not recorded would be sent again (harmless,
    // the target de-duplicates by idempotency key), but there is no reason to lose it.
    if (!m_pending.empty() && m_lastError.isEmpty()) {
        try {
            (void)flush();
        } catch (...) { // a destructor must not throw; unrecorded outcomes are sent again (idempotency key)
        }
    }
}

void Dispatcher::setConnector(const std::string& target, Connector* connector)
{
    auto it = m_targets.find(target);
    if (it != m_targets.end())
        it->second->connector = connector;
}

TimeMs Dispatcher::now() const
{
    return m_o.clock ? m_o.clock() : nowMs();
}

double Dispatcher::jitterDraw()
{
    return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
}

void Dispatcher::fail(const QString& message)
{
    m_lastError = message;
    stop();
    Q_EMIT storageFailed(message);
}

Result<void> Dispatcher::start()
{
    Q_ASSERT(QThread::currentThread() == thread()); // the workspace writer's thread (docs/ARCHITECTURE.md)
    if (m_running)
        return {};
    if (!m_st) {
        m_st = std::make_unique<Statements>();
        QString error;
        if (!m_st->prepare(m_ws.db(), m_ws.outbox(), error)) {
            m_st.reset();
            return makeError(error);
        }
    }
    if (auto r = loadCircuits(); !r)
        return r;
    if (auto r = readPauseFlags(); !r) // after the circuits: a probe request applies to an open one
        return r;

    // Crash recovery: a delivery found in flight was sent (or about to be) by a run that stopped before the
    // answer was recorded. It is sent again with the same idempotency key; the target de-duplicates.
    const TimeMs t = now();
    std::vector<std::tuple<std::int64_t, std::string, std::string, std::int64_t, std::string, std::int64_t,
        std::int64_t>>
        found; // id, target, domain, object, key, revision id, revision no
    {
        QSqlQuery q(m_ws.db());
        if (!q.exec(
                QStringLiteral("SELECT d.id, d.target_id, o.domain, d.object_id, o.key, d.revision_id, d.revision_no"
                               " FROM delivery d JOIN object o ON o.id = d.object_id WHERE d.status = ")
                + QString::fromStdString(sqlStatus(DeliveryStatus::InFlight))))
            return makeError(sqlError(q, QStringLiteral("dispatcher: find in-flight deliveries")));
        while (q.next())
            found.emplace_back(q.value(0).toLongLong(), q.value(1).toString().toStdString(),
                q.value(2).toString().toStdString(), q.value(3).toLongLong(), q.value(4).toString().toStdString(),
                q.value(5).toLongLong(), q.value(6).toLongLong());
    }
    if (!found.empty()) {
        Workspace::Transaction tx(m_ws);
        if (!tx)
            return tx.error();
        try {
            TxnDeltas deltas;
            const std::string why = "recovered at start: the previous run stopped while this delivery was in "
                                    "flight; it is sent again with the same idempotency key";
            for (const auto& [id, target, domain, objectId, key, revisionId, revisionNo] : found) {
                m_st->outbox->recover(
                    { id, objectId, target, domain, DeliveryStatus::InFlight }, why, t, deltas.delivery);
                const nlohmann::json detail = { { "target", target }, { "revision_no", revisionNo },
                    { "delivery_id", id }, { "message", why } };
                m_st->lineageEvent(
                    t, domain, key, objectId, revisionId, "delivery_recovered", target, m_o.actor, {}, detail);
            }
            m_st->writeCounters(deltas);
        } catch (const store::SqlError& e) {
            return e.error();
        }
        if (auto r = tx.commit(); !r)
            return r;
        m_stats.recovered += static_cast<std::int64_t>(found.size());
    }

    m_running = true;
    m_tickTimer->start();
    QTimer::singleShot(0, this, &Dispatcher::tick);
    return {};
}

void Dispatcher::stop()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_running = false;
    m_tickTimer->stop();
}

void Dispatcher::poke()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_running && !m_inTick)
        QTimer::singleShot(0, this, &Dispatcher::tick);
}

// ---- pause / resume -----------------------------------------------------------------------------------

Result<void> Dispatcher::readPauseFlags()
{
    QSqlQuery q(m_ws.db());
    if (!q.exec(QStringLiteral("SELECT id, paused, probe_requested_at FROM system")))
        return makeError(sqlError(q, QStringLiteral("dispatcher: read pause flags")));
    bool wake = false;
    const TimeMs t = now();
    while (q.next()) {
        auto it = m_targets.find(q.value(0).toString().toStdString());
        if (it == m_targets.end())
            continue;
        Target& tgt = *it->second;
        const bool paused = q.value(1).toInt() != 0;
        wake = wake || (tgt.paused && !paused);
        tgt.paused = paused;

        // A steward's "probe now" (requestProbe): a request not seen before makes the open circuit's next probe due
        // at once. At start, a request counts when it was made during this outage and no probe answered it yet (the
        // probe history records the requests it answered). One probe: a request that arrives while one is due or on
        // its way is answered by that one.
        const TimeMs requested = q.value(2).isNull() ? 0 : q.value(2).toLongLong();
        Target::Circuit& c = tgt.circuit;
        if (requested != 0 && c.open) {
            const bool fresh = tgt.probeRequestSeen ? requested != *tgt.probeRequestSeen
                                                    : requested >= c.openedAt && requested > c.lastForcedRequest;
            if (fresh && c.forcedRequest == 0 && c.probeDelivery == 0) {
                c.forcedRequest = requested;
                c.nextProbeAt = std::min(c.nextProbeAt, t);
                ++m_stats.probeRequests;
                wake = true;
            }
        }
        tgt.probeRequestSeen = requested;
    }
    m_sincePauseRead.start();
    if (auto r = reloadContractsIfDue(); !r)
        return r;
    if (wake)
        poke();
    return {};
}

Result<void> Dispatcher::reloadContractsIfDue()
{
    // Real time, as the effective times of configuration versions are.
    auto versions = configVersionsAt(m_ws, nowMs());
    if (!versions)
        return makeError(versions.error());
    const qint64 due = versions->contracts;
    if (due == 0 || due == m_contractsVersionId)
        return {};
    m_contractsVersionId = due;
    auto cfg = loadConfigAt(m_ws, nowMs());
    Result<ContractSet> next = cfg
        ? ContractSet::fromJson(cfg->contracts->document(), QStringLiteral("contracts version #%1").arg(due),
            *m_config.model, *m_config.landscape, ContractSet::Fit::AllowDormant)
        : Result<ContractSet>(makeError(cfg.error()));
    if (!next) {
        Q_EMIT contractsRefused(due, next.error());
        return {};
    }
    m_contracts = std::make_shared<const ContractSet>(std::move(next).value());
    m_config.contracts = m_contracts;
    m_config.contractsVersionId = due;
    ++m_stats.contractReloads;
    Q_EMIT contractsChanged(due, QString::fromStdString(m_contracts->version()));
    return {};
}

void Dispatcher::applyConfig(const ActiveConfig& config)
{
    Q_ASSERT(QThread::currentThread() == thread());
    // Picks of calls in flight point into the landscape they were made with, and a target of a system that left the
    // landscape keeps its definition: the configurations replaced stay alive with the dispatcher.
    m_replaced.push_back(m_config);
    const bool landscapeChanged = config.landscapeVersionId != m_config.landscapeVersionId;
    m_config = config;
    if (config.contracts) { // built against the new model and landscape (a contracts version taken first included)
        m_contracts = config.contracts;
        m_contractsVersionId = config.contractsVersionId;
    } else {
        m_config.contracts = m_contracts;
        m_config.contractsVersionId = m_contractsVersionId;
    }
    for (const SystemDef& s : m_config.landscape->systems()) {
        std::unique_ptr<Target>& t = m_targets[s.id];
        if (!t)
            t = std::make_unique<Target>(); // a system new in the landscape: its connector comes with setConnector()
        t->def = &s; // rate limit, concurrency and circuit settings as the new landscape says
        t->microBatch = s.connector.is_object() && s.connector.value("micro_batch", false);
        t->recheckHeld = true; // a reference rule of the new model may release (or hold) what waits
    }
    if (landscapeChanged)
        ++m_stats.configReloads;
    poke();
}

Result<void> setTargetPaused(
    Workspace& ws, const std::string& target, bool paused, const std::string& actor, const std::string& reason)
{
    if (auto r = requirePermission(ws.db(), actor, Action::PauseTarget); !r)
        return r;
    if (reason.empty())
        return makeError(
            QStringLiteral("%1 %2: a reason is required")
                .arg(paused ? QStringLiteral("pause") : QStringLiteral("resume"), QString::fromStdString(target)));
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("UPDATE system SET paused = :p WHERE id = :id AND paused <> :p"));
    q.bindValue(QStringLiteral(":p"), paused ? 1 : 0);
    q.bindValue(QStringLiteral(":id"), QString::fromStdString(target));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("pause flag of %1").arg(QString::fromStdString(target))));
    if (q.numRowsAffected() != 1) {
        QSqlQuery known(ws.db());
        known.prepare(QStringLiteral("SELECT 1 FROM system WHERE id = ?"));
        known.addBindValue(QString::fromStdString(target));
        if (!known.exec())
            return makeError(sqlError(known, QStringLiteral("system %1").arg(QString::fromStdString(target))));
        if (!known.next())
            return makeError(
                QStringLiteral("%1: unknown target system '%2'")
                    .arg(paused ? QStringLiteral("pause") : QStringLiteral("resume"), QString::fromStdString(target)));
        return makeError(
            QStringLiteral("target %1 is already %2")
                .arg(QString::fromStdString(target), paused ? QStringLiteral("paused") : QStringLiteral("running")));
    }
    AuditLog audit(ws.db());
    if (auto r = audit.append(actor, paused ? "target.pause" : "target.resume", "target/" + target,
            nlohmann::json { { "paused", !paused } }, nlohmann::json { { "paused", paused } }, reason);
        !r)
        return makeError(r.error());
    return tx.commit();
}

Result<void> requestProbe(Workspace& ws, const std::string& target, const std::string& actor, const std::string& reason)
{
    const QString name = QString::fromStdString(target);
    if (auto r = requirePermission(ws.db(), actor, Action::PauseTarget); !r)
        return r;
    if (reason.empty())
        return makeError(QStringLiteral("probe %1: a reason is required").arg(name));
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT s.paused, s.probe_requested_at, c.state FROM system s"
                             " LEFT JOIN target_circuit c ON c.target_id = s.id WHERE s.id = ?"));
    q.addBindValue(name);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("probe: target system %1").arg(name)));
    if (!q.next())
        return makeError(QStringLiteral("probe: unknown target system '%1'").arg(name));
    const bool paused = q.value(0).toInt() != 0;
    const TimeMs previous = q.value(1).isNull() ? 0 : q.value(1).toLongLong();
    const bool open = q.value(2).toString() == QLatin1String("open");
    q.finish();
    if (!open)
        return makeError(QStringLiteral("probe %1: its circuit is not open (the target is not known to be down), so "
                                        "there is nothing to probe; deliveries go to it as usual")
                             .arg(name));
    if (paused)
        return makeError(QStringLiteral("probe %1: the target is paused and is sent nothing, probes included; resume "
                                        "it first")
                             .arg(name));
    // Strictly increasing, so that two requests within one millisecond are two requests.
    const TimeMs at = std::max(nowMs(), previous + 1);
    QSqlQuery u(ws.db());
    u.prepare(QStringLiteral("UPDATE system SET probe_requested_at = ? WHERE id = ?"));
    u.addBindValue(QVariant::fromValue<qlonglong>(at));
    u.addBindValue(name);
    if (!u.exec())
        return makeError(sqlError(u, QStringLiteral("probe request of %1").arg(name)));
    AuditLog audit(ws.db());
    nlohmann::json before = { { "probe_requested_at", nullptr } };
    if (previous != 0)
        before["probe_requested_at"] = formatRfc3339(previous);
    if (auto r = audit.append(actor, "target.probe", "target/" + target, before,
            nlohmann::json { { "probe_requested_at", formatRfc3339(at) } }, reason);
        !r)
        return makeError(r.error());
    return tx.commit();
}

// ---- picking ------------------------------------------------------------------------------------------

void Dispatcher::tick()
{
    if (!m_running || m_inTick)
        return;
    m_inTick = true;
    // Another session may have paused or resumed a target (`mdsyncctl pause`, a steward on a shared workspace).
    if (m_sincePauseRead.hasExpired(m_o.pauseRecheckMs)) {
        if (auto r = readPauseFlags(); !r) {
            m_inTick = false;
            fail(r.error());
            return;
        }
    }
    const TimeMs t = now();
    std::vector<std::pair<Target*, std::vector<Pick>>> toSend;
    std::vector<Pick> holds;
    std::vector<Pick> superseded;
    std::vector<Pick> mappingFailures;
    for (auto& [id, tp] : m_targets) {
        Target& tgt = *tp;
        if (!tgt.connector || tgt.paused || tgt.notBefore > t || tgt.inFlight >= tgt.def->maxConcurrency)
            continue;
        if (tgt.circuit.open) {
            // Half-open: one probe at a time once its interval has passed; nothing else goes to the target.
            if (tgt.circuit.probeDelivery != 0 || tgt.inFlight > 0 || t < tgt.circuit.nextProbeAt)
                continue;
            auto probe = prepareProbe(tgt, t);
            if (!probe) {
                m_inTick = false;
                fail(probe.error());
                return;
            }
            if (!probe.value())
                continue;
        }
        std::vector<Pick> picks;
        Result<void> picked;
        try {
            picked = pickFor(tgt, t, picks, holds, superseded, mappingFailures);
        } catch (const store::SqlError& e) { // a status the ledger does not know
            picked = e.error();
        }
        if (!picked) {
            m_inTick = false;
            fail(picked.error());
            return;
        }
        if (tgt.circuit.open) {
            // The probe was superseded, held or could not be mapped: the next oldest is tried at the next tick.
            const bool sending = std::any_of(
                picks.begin(), picks.end(), [&](const Pick& p) { return p.deliveryId == tgt.circuit.probeDelivery; });
            if (!sending)
                tgt.circuit.probeDelivery = 0;
        }
        if (!picks.empty())
            toSend.emplace_back(&tgt, std::move(picks));
    }

    bool anyWrite = !holds.empty() || !superseded.empty() || !mappingFailures.empty();
    for (const auto& ts : toSend)
        anyWrite = anyWrite || !ts.second.empty();
    // Acks waiting for the group commit ride with this tick's transaction: one commit instead of two, and they are
    // durable now instead of at the end of the flush interval (under a steady flow calls are always out, so the
    // interval would be their usual wait). Only plain acks: a failure, a retry or a probe's answer may open or close
    // a circuit, which this tick's picks were made without, so those wait for the flush as before.
    std::vector<Outcome> riding;
    auto requeueRiding = [&] { m_pending.insert(m_pending.begin(), riding.begin(), riding.end()); };
    auto releasePicks = [&] {
        for (auto& [tgt, picks] : toSend)
            for (const Pick& p : picks)
                tgt->busyObjects.erase(p.objectId);
    };
    if (anyWrite) {
        Workspace::Transaction tx(m_ws);
        if (!tx) {
            m_inTick = false;
            fail(tx.error().message);
            return;
        }
        std::vector<Outcome> waiting;
        for (Outcome& o : m_pending) {
            const auto it = m_targets.find(o.pick.target);
            const bool plainAck = o.outcome.kind == DeliveryOutcome::Kind::Acked && !o.notSent && it != m_targets.end()
                && !it->second->circuit.open;
            (plainAck ? riding : waiting).push_back(std::move(o));
        }
        m_pending.swap(waiting);
        try {
            // PostgreSQL: the ledger's writes go without waiting; the commit reports a failure among them.
            Outbox::DeferredWrites deferred(*m_st->outbox);
            TxnDeltas deltas;
            auto lineage = [&](const Pick& p, const char* kind, const nlohmann::json& detail) {
                m_st->lineageEvent(
                    t, p.domain, p.key, p.objectId, p.revisionId, kind, p.target, m_o.actor, p.correlationId, detail);
            };
            Outbox& outbox = *m_st->outbox;
            // The category and status of the exception a delivery points at ("" when none).
            auto linkedException = [&](const Pick& p) {
                std::pair<std::string, std::string> cs;
                if (!p.exceptionId)
                    return cs;
                auto& c = m_st->exceptionCategory;
                c.bind(0, p.exceptionId);
                if (c.next())
                    cs = { str(c.text(0)), str(c.text(1)) };
                c.reset();
                return cs;
            };
            // A released delivery closes the dependency_timeout exception its hold raised.
            auto closeDependencyTimeout = [&](const Pick& p) {
                const auto [category, status] = linkedException(p);
                if (category != "dependency_timeout" || !isOpen(status))
                    return;
                auto& x = m_st->closeException;
                x.bind(0, p.exceptionId);
                x.bind(1, toString(ExceptionStatus::Resolved));
                x.bind(2, std::int64_t(t));
                run(x, "close dependency timeout");
                --deltas.exception[{ category, status }];
                ++deltas.exception[{ category, std::string(toString(ExceptionStatus::Resolved)) }];
                lineage(p, "dependency_resolved",
                    { { "target", p.target }, { "revision_no", p.revisionNo }, { "exception_id", p.exceptionId } });
            };
            // A hold that still waits hold_timeout_minutes after the delivery became due raises one exception that
            // names what it waits for (docs/DISPATCHER.md "Dependency holds").
            auto raiseDependencyTimeout = [&](const Pick& p) {
                const std::int64_t limit = std::int64_t(p.sub ? p.sub->holdTimeoutMinutes : 60) * 60000;
                if (t - p.dueAt < limit)
                    return;
                if (const auto [category, status] = linkedException(p);
                    category == "dependency_timeout" && !isClosed(status))
                    return; // raised already (and not closed; a held delivery cannot be replayed, so "replayed" does
                            // not occur here)
                const std::string minutes = std::to_string((t - p.dueAt) / 60000);
                const std::string message = p.domain + " " + p.key + " revision " + std::to_string(p.revisionNo)
                    + " has been held for " + p.target + " for " + minutes + " min (hold timeout "
                    + std::to_string(limit / 60000) + " min): " + p.reason
                    + ". Send or correct the referenced object, or discard this delivery.";
                const std::string details = nlohmann::json(
                    { { "waiting_for", p.reason }, { "held_minutes", (t - p.dueAt) / 60000 },
                        { "hold_timeout_minutes", limit / 60000 }, { "subscription", p.subscriptionId } })
                                                .dump();
                const std::int64_t exceptionId
                    = m_st->deliveryException(p, "dependency_timeout", t, message, details, {});
                outbox.linkException(p.deliveryId, exceptionId);
                ++deltas.exception[{ "dependency_timeout", std::string(toString(ExceptionStatus::Open)) }];
                lineage(p, "dependency_timeout",
                    { { "target", p.target }, { "revision_no", p.revisionNo }, { "waiting_for", p.reason },
                        { "exception_id", exceptionId } });
            };
            for (auto& [tgt, picks] : toSend) {
                for (const Pick& p : picks) {
                    outbox.markInFlight(Statements::ref(p), t, deltas.delivery);
                    if (p.status == DeliveryStatus::Held) {
                        lineage(p, "released",
                            { { "target", p.target }, { "revision_no", p.revisionNo },
                                { "message", "every referenced object is now at the target" } });
                        closeDependencyTimeout(p);
                    }
                    if (!p.warnings.empty())
                        lineage(p, "mapping_warning",
                            { { "target", p.target }, { "revision_no", p.revisionNo }, { "warnings", p.warnings },
                                { "contract_version", p.contractVersion } });
                }
            }
            for (const Pick& p : holds) {
                outbox.hold(Statements::ref(p), t + m_o.holdRecheckMs, p.reason, t, deltas.delivery);
                if (p.status != DeliveryStatus::Held) {
                    lineage(
                        p, "held", { { "target", p.target }, { "revision_no", p.revisionNo }, { "reason", p.reason } });
                    ++m_stats.held;
                }
                raiseDependencyTimeout(p);
            }
            for (const Pick& p : superseded) {
                const std::string why = "superseded by revision " + std::to_string(p.supersededBy);
                outbox.supersede(Statements::ref(p), why, t, deltas.delivery);
                if (p.exceptionId) {
                    auto& c = m_st->exceptionCategory;
                    c.bind(0, p.exceptionId);
                    std::string category;
                    std::string status;
                    if (c.next()) {
                        category = str(c.text(0));
                        status = str(c.text(1));
                    }
                    c.reset();
                    if (!category.empty() && isOpen(status)) {
                        auto& x = m_st->closeException;
                        x.bind(0, p.exceptionId);
                        x.bind(1, toString(ExceptionStatus::Superseded));
                        x.bind(2, std::int64_t(t));
                        run(x, "close superseded exception");
                        --deltas.exception[{ category, status }];
                        ++deltas.exception[{ category, std::string(toString(ExceptionStatus::Superseded)) }];
                    }
                }
                lineage(p, "superseded",
                    { { "target", p.target }, { "revision_no", p.revisionNo }, { "by_revision_no", p.supersededBy },
                        { "previous_status", toString(p.status) }, { "exception_id", p.exceptionId } });
                ++m_stats.superseded;
            }
            for (Pick& p : mappingFailures) {
                const std::string raw = p.rawState.dump();
                const std::int64_t exceptionId = m_st->deliveryException(p, "mapping", t,
                    "cannot map " + p.domain + " " + p.key + " revision " + std::to_string(p.revisionNo) + " for "
                        + p.target + " (contract v" + p.contractVersion + "): " + p.reason,
                    nlohmann::json({ { "contract_version", p.contractVersion }, { "subscription", p.subscriptionId },
                                       { "issues", p.reason } })
                        .dump(),
                    raw);
                outbox.recordFailure(Statements::ref(p), p.reason, exceptionId, t, deltas.delivery);
                ++deltas.exception[{ "mapping", std::string(toString(ExceptionStatus::Open)) }];
                lineage(p, "delivery_failed",
                    { { "target", p.target }, { "revision_no", p.revisionNo }, { "category", "mapping" },
                        { "error", p.reason }, { "exception_id", exceptionId } });
                ++m_stats.failed;
                deltas.metrics.failed(p.target, p.domain, t, false, p.exceptionId != 0);
            }
            m_st->writeCounters(deltas);
        } catch (const store::SqlError& e) {
            tx.rollback(); // now: fail() emits storageFailed, whose receivers must not see the open transaction
            m_inTick = false;
            // Objects picked for sending were marked busy: nothing was sent, release them.
            releasePicks();
            requeueRiding();
            fail(e.message());
            return;
        }
        if (!riding.empty()) {
            if (auto r = writeOutcomes(riding, t); !r) {
                tx.rollback();
                m_inTick = false;
                releasePicks();
                requeueRiding();
                fail(r.error());
                return;
            }
        }
        if (auto r = tx.commit(); !r) {
            m_inTick = false;
            releasePicks();
            requeueRiding();
            fail(r.error());
            return;
        }
        if (!riding.empty() && m_pending.empty())
            m_flushTimer->stop();
    }
    m_inTick = false;
    for (auto& [tgt, picks] : toSend)
        sendPicks(*tgt, std::move(picks));
    if (!riding.empty())
        afterOutcomesCommitted(riding, false); // this tick has just picked: the next one picks what they free

    // Idle notification (once per transition), for --until-idle and tests.
    const bool nowIdle = toSend.empty() && m_pending.empty() && isIdle(0);
    if (nowIdle && !m_wasIdle)
        Q_EMIT idle();
    m_wasIdle = nowIdle;
}

Result<void> Dispatcher::pickFor(Target& tgt, TimeMs t, std::vector<Pick>& out, std::vector<Pick>& holds,
    std::vector<Pick>& superseded, std::vector<Pick>& mappingFailures)
{
    tgt.refill(t);
    const int freeCalls = tgt.def->maxConcurrency - tgt.inFlight;
    int callsByTokens = freeCalls;
    if (tgt.rate() > 0)
        callsByTokens = std::min(freeCalls, static_cast<int>(std::floor(tgt.tokens)));
    if (tgt.circuit.open)
        callsByTokens = std::min(callsByTokens, 1); // the probe
    if (callsByTokens <= 0)
        return {};
    // Held deliveries are not released to a target whose circuit is open (only the probe goes).
    const bool recheckHeld = tgt.recheckHeld && !tgt.circuit.open;
    if (!tgt.circuit.open)
        tgt.recheckHeld = false;

    // Room for as many deliveries as the free calls can carry (batches carry several each).
    bool mayBatch = tgt.microBatch;
    for (const SubscriptionDef& s : m_config.landscape->subscriptions())
        mayBatch = mayBatch || (s.target == tgt.def->id && s.pattern == SubscriptionDef::Pattern::ScheduledBatch);
    const int perCall = mayBatch ? std::max(1, m_o.maxBatchItems) : 1;
    const int limit = std::min(4000, callsByTokens * perCall + static_cast<int>(tgt.busyObjects.size()) + 64);
    // Calls left, and how full the open batch of each domain is (the same grouping as sendPicks()).
    int callsLeft = callsByTokens;
    std::map<std::string, int, std::less<>> batchFill;
    auto batchable = [&](const Pick& p) {
        return tgt.connector && tgt.connector->supportsBatch(p.domain)
            && ((p.sub && p.sub->pattern == SubscriptionDef::Pattern::ScheduledBatch) || tgt.microBatch);
    };
    auto needsCall = [&](const Pick& p) {
        if (!batchable(p))
            return true;
        auto it = batchFill.find(p.domain);
        return it == batchFill.end() || it->second == 0 || it->second >= m_o.maxBatchItems;
    };
    auto reserve = [&](const Pick& p) {
        const bool newCall = needsCall(p);
        if (newCall)
            --callsLeft;
        if (batchable(p)) {
            int& fill = batchFill[p.domain];
            fill = newCall ? 1 : fill + 1;
        }
    };

    // Whether the target receives the referenced domain from us: only then can a reference hold a delivery.
    auto receives = [&](const std::string& refDomain) {
        return std::ranges::any_of(m_config.landscape->subscriptionsFor(refDomain),
            [&](const SubscriptionDef* s) { return s->target == tgt.def->id; });
    };
    // Whether a delivery can be held for a reference (then it may not be sent this tick): only when its state names
    // an attribute that references a domain the target receives. The quoted names per domain are looked for in the
    // state's text, before it is parsed (a name that appears as a value only makes the guess cautious, not wrong).
    std::map<std::string, std::vector<std::string>, std::less<>> holdingNames;
    auto canBeHeld = [&](const std::string& domain, std::string_view stateText) {
        auto it = holdingNames.find(domain);
        if (it == holdingNames.end()) {
            std::vector<std::string> names;
            if (const DomainDef* dom = m_config.model->domain(domain))
                for (const auto& [path, refDomain] : dom->references())
                    if (receives(refDomain))
                        names.push_back('"' + path.substr(0, path.find('.')) + '"');
            it = holdingNames.emplace(domain, std::move(names)).first;
        }
        return std::any_of(it->second.begin(), it->second.end(),
            [&](const std::string& name) { return stateText.find(name) != std::string_view::npos; });
    };
    // The due list is read only as far as the free calls need: a row that will surely be sent (no older revision
    // open, no attempt of its object in flight, a state to send, no reference that could hold it) counts, and the
    // reading stops once they fill the calls. Reading the rest (up to the limit) cost most of a per-call tick.
    const int wanted = callsByTokens * perCall;
    int sure = 0;

    SqlStatement& q = m_st->due;
    q.bind(0, std::string_view(tgt.def->id));
    q.bind(1, std::int64_t(t));
    q.bind(2, std::int64_t(limit));
    q.bind(3, std::int64_t(recheckHeld ? 1 : 0));
    std::vector<Pick> rows;
    while (q.next()) {
        ++m_stats.dueRowsRead;
        Pick p;
        p.deliveryId = q.int64(0);
        p.objectId = q.int64(1);
        p.revisionId = q.int64(2);
        p.revisionNo = q.int64(3);
        p.status = statusOf(q.text(4), p.deliveryId);
        p.attempt = static_cast<int>(q.int64(5)) + 1;
        p.idempotencyKey = str(q.text(6));
        p.contractVersion = str(q.text(7));
        p.subscriptionId = str(q.text(8));
        p.domain = str(q.text(9));
        p.key = str(q.text(10));
        const std::int64_t latest = q.isNull(11) ? 0 : q.int64(11);
        p.exceptionId = q.isNull(12) ? 0 : q.int64(12);
        if (!q.isNull(14))
            p.payloadOverride = str(q.text(14));
        p.dueAt = q.int64(15);
        p.stateText = str(q.text(16));
        p.op = str(q.text(17));
        p.correlationId = str(q.text(18));
        p.receivedAt = q.int64(19);
        p.olderOpen = q.int64(20) != 0;
        p.target = tgt.def->id;
        if (p.status == DeliveryStatus::InFlight)
            continue;
        if (latest != 0 && latest != p.deliveryId) {
            // An older revision still waiting while a newer one is queued: the newer full state supersedes it,
            // unless an attempt of this object is in flight right now (then the outcome decides first).
            if (tgt.busyObjects.contains(p.objectId))
                continue;
            p.supersededBy = q.isNull(13) ? 0 : q.int64(13);
            superseded.push_back(std::move(p));
            continue;
        }
        const bool certain = !p.olderOpen && !p.stateText.empty() && !tgt.busyObjects.contains(p.objectId)
            && (p.op == "delete" || !canBeHeld(p.domain, p.stateText));
        rows.push_back(std::move(p));
        if (certain && ++sure >= wanted)
            break;
    }
    const bool failed = q.failed();
    const QString err = q.error();
    q.reset();
    if (failed)
        return makeError(
            QStringLiteral("dispatcher: due deliveries of %1: %2").arg(QString::fromStdString(tgt.def->id), err));

    std::map<std::string, const SubscriptionDef*> subs;
    for (const SubscriptionDef& s : m_config.landscape->subscriptions())
        subs.emplace(s.id, &s);

    for (Pick& p : rows) {
        if (tgt.busyObjects.contains(p.objectId))
            continue; // ordering: an attempt of an older revision is in flight
        {
            auto sit = subs.find(p.subscriptionId);
            p.sub = sit == subs.end() ? nullptr : sit->second;
        }
        if (callsLeft <= 0 && needsCall(p))
            break;

        // Older deliveries of this object to this target that never got through are superseded by this one.
        bool olderInFlight = false;
        if (p.olderOpen) {
            SqlStatement& o = m_st->older;
            o.bind(0, p.objectId);
            o.bind(1, std::string_view(p.target));
            o.bind(2, p.revisionNo);
            std::vector<Pick> olderRows;
            while (o.next()) {
                const DeliveryStatus status = statusOf(o.text(1), o.int64(0));
                if (status == DeliveryStatus::InFlight) {
                    olderInFlight = true;
                    continue;
                }
                Pick s;
                s.deliveryId = o.int64(0);
                s.status = status;
                s.revisionNo = o.int64(2);
                s.exceptionId = o.isNull(3) ? 0 : o.int64(3);
                s.objectId = p.objectId;
                s.revisionId = o.int64(4);
                s.target = p.target;
                s.domain = p.domain;
                s.key = p.key;
                s.supersededBy = p.revisionNo;
                olderRows.push_back(std::move(s));
            }
            o.reset();
            if (olderInFlight)
                continue;
            // A superseded row picked from the due list above already has an entry: skip duplicates.
            for (Pick& s : olderRows) {
                auto dup = std::find_if(
                    superseded.begin(), superseded.end(), [&](const Pick& x) { return x.deliveryId == s.deliveryId; });
                if (dup != superseded.end()) {
                    dup->supersededBy = p.revisionNo;
                    continue;
                }
                superseded.push_back(std::move(s));
            }
        }

        // The revision's state, read with the due row.
        {
            const bool archived = p.stateText.empty();
            // An archived revision's state is '' (docs/RETENTION.md); retention never archives a revision with a
            // delivery in the backlog, but a replay racing an archive run could queue one: never send an empty
            // payload; the delivery becomes an exception that says why (the other deliveries go on).
            if (archived) {
                p.reason = "revision " + std::to_string(p.revisionNo) + " of " + p.domain + " " + p.key
                    + " is archived (its payload is in an archive file, docs/RETENTION.md): it cannot be sent; "
                      "correct the object at its source or replay a newer revision";
                mappingFailures.push_back(std::move(p));
                continue;
            }
            auto parsed = nlohmann::json::parse(p.stateText, nullptr, false);
            std::string().swap(p.stateText);
            if (parsed.is_discarded())
                return makeError(
                    QStringLiteral("dispatcher: revision %1 has a state that is not JSON").arg(p.revisionId));
            p.rawState = std::move(parsed);
        }
        // Dependency holds: every referenced object must already be at this target.
        const DomainDef* dom = m_config.model->domain(p.domain);
        std::string holdReason;
        if (dom && p.op != "delete") {
            for (const auto& [path, refDomain] : dom->references()) {
                if (!receives(refDomain))
                    continue; // the target never receives that domain from us: nothing to wait for
                std::vector<std::string> keys;
                collectReferences(p.rawState, path, keys);
                for (const std::string& refKey : keys) {
                    if (refDomain == p.domain && refKey == p.key)
                        continue;
                    SqlStatement& l = m_st->refLookup;
                    l.bind(0, std::string_view(refDomain));
                    l.bind(1, std::string_view(refKey));
                    l.bind(2, std::string_view(p.target));
                    std::string why;
                    // NOLINTBEGIN(performance-inefficient-string-concatenation): the message of a held
                    // delivery, built once per reference that holds it
                    if (!l.next()) {
                        why = refDomain + " " + refKey + " (" + path + ") is unknown to MDSync";
                    } else if (l.isNull(1) && l.int64(3) == 0) { // the target sent it itself: it has it
                        const std::string st = l.isNull(2) ? std::string("not subscribed") : str(l.text(2));
                        why = refDomain + " " + refKey + " (" + path + ") is not yet acked by " + p.target + " (" + st
                            + ")";
                    }
                    // NOLINTEND(performance-inefficient-string-concatenation)
                    l.reset();
                    if (!why.empty()) {
                        holdReason += (holdReason.empty() ? "waiting for " : "; ") + why;
                    }
                }
            }
        }
        if (!holdReason.empty()) {
            p.reason = holdReason;
            holds.push_back(std::move(p));
            continue;
        }

        // Map through the contract (identity when the target has none for this domain and version), or send the
        // payload a steward corrected.
        auto mapped = deliveryPayload(*m_contracts, m_config.model->units(), p.domain, p.target, p.contractVersion,
            p.key, p.rawState, p.payloadOverride);
        if (!mapped) {
            p.reason = mapped.error().toStdString();
            mappingFailures.push_back(std::move(p));
            continue;
        }
        p.payload = std::move(mapped->payload);
        // A merged object's retire, at a target whose contract redirects merges: an upsert naming the survivor.
        if (p.op == "delete" && p.payloadOverride.empty()) {
            const Contract* c = m_contracts->find(p.domain, p.target, p.contractVersion);
            if (c && !c->mergeRedirectField.empty()) {
                SqlStatement& mi = m_st->mergedInto;
                mi.bind(0, std::int64_t(p.objectId));
                const bool merged = mi.next();
                const std::string survivor = merged ? std::string(mi.text(0)) : std::string();
                const bool failed = mi.failed();
                const QString error = mi.error();
                mi.reset();
                if (failed)
                    return makeError(QStringLiteral("dispatcher: the merge of %1 '%2': %3")
                                         .arg(QString::fromStdString(p.domain), QString::fromStdString(p.key), error));
                if (merged) {
                    p.op = "upsert";
                    p.payload[c->mergeRedirectField] = survivor;
                }
            }
        }
        for (const MappingIssue& w : mapped->warnings)
            p.warnings.push_back(w.field + ": " + w.message);
        p.rawState = nlohmann::json();
        tgt.busyObjects.insert(p.objectId);
        reserve(p);
        out.push_back(std::move(p));
    }
    return {};
}

// ---- sending ------------------------------------------------------------------------------------------

void Dispatcher::sendPicks(Target& tgt, std::vector<Pick> picks)
{
    Connector* conn = tgt.connector;
    // Group: scheduled batches (and micro-batching targets) go as one call per domain where supported.
    std::vector<std::vector<Pick>> calls;
    std::map<std::string, size_t> openBatch; // domain -> index into calls
    for (Pick& p : picks) {
        const bool batchable = conn && conn->supportsBatch(p.domain)
            && ((p.sub && p.sub->pattern == SubscriptionDef::Pattern::ScheduledBatch) || tgt.microBatch);
        if (batchable) {
            auto it = openBatch.find(p.domain);
            if (it != openBatch.end() && calls[it->second].size() < static_cast<size_t>(m_o.maxBatchItems)) {
                calls[it->second].push_back(std::move(p));
                continue;
            }
            openBatch[p.domain] = calls.size();
        }
        calls.emplace_back();
        calls.back().push_back(std::move(p));
    }

    const TimeMs t = now();
    tgt.refill(t);
    std::vector<Pick> unsent;
    for (auto& call : calls) {
        if (!conn || tgt.inFlight >= tgt.def->maxConcurrency || !tgt.hasToken()) {
            for (Pick& p : call)
                unsent.push_back(std::move(p));
            continue;
        }
        tgt.takeToken();
        ++tgt.inFlight;
        ++tgt.calls;
        ++m_stats.calls;
        if (tgt.circuit.open) {
            ++tgt.circuit.probes;
            ++m_stats.probes;
        }
        m_stats.sent += static_cast<std::int64_t>(call.size());
        QPointer<Dispatcher> self(this);
        const std::string target = tgt.def->id;
        auto toDelivery = [](const Pick& p) {
            OutboundDelivery d;
            d.deliveryId = p.deliveryId;
            d.domain = p.domain;
            d.key = p.key;
            d.op = p.op;
            d.revisionNo = p.revisionNo;
            d.idempotencyKey = p.idempotencyKey;
            d.correlationId = p.correlationId;
            d.contractVersion = p.contractVersion;
            d.payload = p.payload;
            d.attempt = p.attempt;
            return d;
        };
        if (call.size() == 1) {
            auto pick = std::make_shared<Pick>(std::move(call.front()));
            conn->send(toDelivery(*pick), [self, pick, target](const DeliveryOutcome& o) {
                if (!self)
                    return;
                auto it = self->m_targets.find(target);
                if (it != self->m_targets.end())
                    --it->second->inFlight;
                self->onOutcome(std::move(*pick), o);
                self->outcomesQueued();
            });
        } else {
            std::vector<OutboundDelivery> batch;
            batch.reserve(call.size());
            for (const Pick& p : call)
                batch.push_back(toDelivery(p));
            auto items = std::make_shared<std::vector<Pick>>(std::move(call));
            conn->sendBatch(batch, [self, items, target](std::vector<DeliveryOutcome> outcomes) {
                if (!self)
                    return;
                auto it = self->m_targets.find(target);
                if (it != self->m_targets.end())
                    --it->second->inFlight;
                for (size_t i = 0; i < items->size(); ++i) {
                    DeliveryOutcome o;
                    if (i < outcomes.size()) {
                        o = std::move(outcomes[i]);
                    } else {
                        o.kind = DeliveryOutcome::Kind::Retryable;
                        o.message = "the connector returned no outcome for this item";
                    }
                    self->onOutcome(std::move((*items)[i]), o);
                }
                self->outcomesQueued();
            });
        }
    }
    if (!unsent.empty()) {
        // Marked in flight but not sent (the connector went away between pick and send): back to the queue
        // without counting an attempt.
        for (Pick& p : unsent) {
            m_pending.push_back({ std::move(p), DeliveryOutcome {}, now(), true });
        }
        if (!m_flushTimer->isActive())
            m_flushTimer->start();
    }
}

void Dispatcher::onOutcome(Pick pick, DeliveryOutcome outcome)
{
    m_pending.push_back({ std::move(pick), std::move(outcome), now(), false });
}

// Group commit: while calls are still out, outcomes wait up to flushMs for more (one commit for many under load);
// when none is out, nothing more is on its way, so they are committed now rather than after the interval (an ack at
// a light load is durable in the time of one commit, not of the flush interval).
void Dispatcher::outcomesQueued()
{
    bool callsOut = false;
    for (const auto& [id, t] : m_targets)
        callsOut = callsOut || t->inFlight > 0;
    if (static_cast<int>(m_pending.size()) >= m_o.flushMaxOutcomes || !callsOut) {
        if (auto r = flush(); !r)
            fail(r.error());
    } else if (!m_flushTimer->isActive()) {
        m_flushTimer->start();
    }
}

Result<void> Dispatcher::flush()
{
    m_flushTimer->stop();
    if (m_pending.empty())
        return {};
    if (!m_st)
        return makeError(QStringLiteral("dispatcher: not started"));
    std::vector<Outcome> outcomes;
    outcomes.swap(m_pending);
    const TimeMs t = now();
    Workspace::Transaction tx(m_ws);
    if (!tx) {
        m_pending.insert(m_pending.begin(), outcomes.begin(), outcomes.end());
        return tx.error();
    }
    if (auto r = writeOutcomes(outcomes, t); !r) {
        tx.rollback(); // before the outcomes are queued again
        m_pending.insert(m_pending.begin(), outcomes.begin(), outcomes.end());
        return r;
    }
    if (auto r = tx.commit(); !r) {
        m_pending.insert(m_pending.begin(), outcomes.begin(), outcomes.end());
        return r;
    }
    afterOutcomesCommitted(outcomes, true);
    return {};
}

void Dispatcher::afterOutcomesCommitted(const std::vector<Outcome>& outcomes, bool pokeTick)
{
    for (const Outcome& o : outcomes) {
        auto it = m_targets.find(o.pick.target);
        if (it == m_targets.end())
            continue;
        it->second->busyObjects.erase(o.pick.objectId);
        if (o.outcome.kind == DeliveryOutcome::Kind::Acked)
            it->second->recheckHeld = true;
    }
    Q_EMIT outcomesCommitted(static_cast<int>(outcomes.size()));
    if (pokeTick)
        poke();
}

Result<void> Dispatcher::writeOutcomes(std::vector<Outcome>& outcomes, TimeMs t)
{
    try {
        // PostgreSQL: the ledger's writes go without waiting; the commit reports a failure among them.
        Outbox::DeferredWrites deferred(*m_st->outbox);
        TxnDeltas deltas;
        Outbox& outbox = *m_st->outbox;
        for (Outcome& oc : outcomes) {
            Pick& p = oc.pick;
            const DeliveryOutcome& o = oc.outcome;
            const Outbox::Ref inFlight = Statements::ref(p, DeliveryStatus::InFlight);
            Target* tgt = nullptr;
            if (auto it = m_targets.find(p.target); it != m_targets.end())
                tgt = it->second.get();
            const bool isProbe = tgt && tgt->circuit.probeDelivery == p.deliveryId;
            if (isProbe)
                tgt->circuit.probeDelivery = 0;
            if (oc.notSent) {
                outbox.unsend(inFlight, p.status, t, deltas.delivery);
                continue;
            }
            nlohmann::json detail = { { "target", p.target }, { "revision_no", p.revisionNo }, { "attempt", p.attempt },
                { "latency_ms", o.latencyMs }, { "http_status", o.httpStatus }, { "idempotency_key", p.idempotencyKey },
                { "outcome", outcomeKindName(o.kind) } };
            if (!o.message.empty())
                detail["error"] = o.message;
            const char* kind = nullptr;
            if (o.kind == DeliveryOutcome::Kind::Acked) {
                const std::int64_t e2e = std::max<std::int64_t>(0, oc.at - p.receivedAt);
                outbox.recordAck(inFlight, p.revisionNo, oc.at, e2e, o.message, t, deltas.delivery);
                detail["end_to_end_ms"] = e2e;
                if (o.response.is_object() && o.response.value("replay", false))
                    detail["replay"] = true;
                kind = "acked";
                ++m_stats.acked;
                deltas.metrics.acked(p.target, p.domain, oc.at, e2e, p.sub ? p.sub->slaMinutes : 0, p.exceptionId != 0,
                    o.response.is_object() && o.response.value("replay", false));
                if (tgt) {
                    tgt->consecutiveFailures = 0;
                    tgt->lastAckAt = oc.at;
                    if (tgt->circuit.open) { // the target answers again
                        tgt->circuit.open = false;
                        tgt->circuit.dirty = true;
                    }
                }
            } else {
                const bool rateLimited = o.kind == DeliveryOutcome::Kind::RateLimited;
                const BackoffPolicy& policy = rateLimited ? m_o.rateLimited : m_o.retryable;
                const bool retry = o.retryable() && p.attempt < policy.maxAttempts;
                // Circuit breaker: connection failures, timeouts and 5xx count toward opening; any other answer
                // (a rejection, 401/403, 429) shows that the target is up and closes an open circuit.
                const bool transport = o.kind == DeliveryOutcome::Kind::Retryable;
                const std::string err = std::string(outcomeKindName(o.kind)) + ": " + o.message;
                if (tgt && transport) {
                    Target::Circuit& c = tgt->circuit;
                    ++tgt->consecutiveFailures;
                    if (!c.open && tgt->consecutiveFailures >= tgt->def->circuitFailures) {
                        c.open = true;
                        c.openedAt = oc.at;
                        c.intervalMs = tgt->def->probeInitialMs;
                        c.nextProbeAt = t + c.intervalMs;
                        c.probes = 0;
                        c.history = nlohmann::json::array();
                        c.dirty = true;
                        ++m_stats.circuitsOpened;
                    }
                    if (c.open) {
                        c.lastError = err;
                        if (isProbe) {
                            nlohmann::json entry
                                = { { "at", formatRfc3339(oc.at) }, { "error", err }, { "latency_ms", o.latencyMs } };
                            // A probe a steward requested does not lengthen the schedule; the history says so.
                            if (c.forcedRequest != 0) {
                                entry["requested_at_ms"] = c.forcedRequest;
                                c.lastForcedRequest = std::max(c.lastForcedRequest, c.forcedRequest);
                            } else {
                                c.intervalMs = std::min(tgt->def->probeMaxMs, c.intervalMs * 2);
                            }
                            c.forcedRequest = 0;
                            c.history.push_back(std::move(entry));
                            if (c.history.size() > kProbeHistory)
                                c.history.erase(c.history.begin());
                            c.nextProbeAt = t + c.intervalMs;
                            c.dirty = true;
                        }
                        // Waits for the circuit to close: no exception, and a probe's attempt is not counted.
                        outbox.block(inFlight, err, !isProbe, t, deltas.delivery);
                        detail["circuit"] = "open";
                        detail["probe"] = isProbe;
                        ++m_stats.blocked;
                        m_st->lineageEvent(oc.at, p.domain, p.key, p.objectId, p.revisionId, "blocked_by_outage",
                            p.target, m_o.actor, p.correlationId, detail);
                        continue;
                    }
                } else if (tgt) {
                    if (!rateLimited)
                        tgt->consecutiveFailures = 0;
                    if (tgt->circuit.open) {
                        tgt->circuit.open = false;
                        tgt->circuit.dirty = true;
                    }
                }
                if (retry) {
                    std::int64_t delay = policy.delayMs(p.attempt, jitterDraw());
                    if (rateLimited && o.retryAfterMs)
                        delay = std::max<std::int64_t>(0, o.retryAfterMs.value_or(0));
                    if (rateLimited && tgt)
                        tgt->notBefore = std::max(tgt->notBefore, t + delay);
                    outbox.recordRetry(inFlight, t + delay, err, t, deltas.delivery);
                    detail["next_attempt_in_ms"] = delay;
                    detail["max_attempts"] = policy.maxAttempts;
                    kind = "delivery_retry";
                    ++m_stats.retried;
                    deltas.metrics.retried(p.target, p.domain, oc.at);
                } else {
                    const std::string category = categoryFor(o);
                    std::string message = p.target + " did not accept " + p.domain + " " + p.key + " revision "
                        + std::to_string(p.revisionNo) + " (attempt " + std::to_string(p.attempt);
                    if (o.retryable())
                        message += ", retries exhausted";
                    // The connector's message says how the target answered ("HTTP 422: ...", a Tryton refusal).
                    message += "): " + o.message;
                    nlohmann::json details = { { "attempts", p.attempt }, { "http_status", o.httpStatus },
                        { "outcome", outcomeKindName(o.kind) }, { "contract_version", p.contractVersion },
                        { "subscription", p.subscriptionId }, { "idempotency_key", p.idempotencyKey } };
                    if (!o.response.is_null())
                        details["response"] = o.response;
                    const std::string raw = p.payload.dump();
                    const std::int64_t exceptionId
                        = m_st->deliveryException(p, category, t, message, details.dump(), raw);
                    outbox.recordFailure(inFlight, message, exceptionId, t, deltas.delivery);
                    ++deltas.exception[{ category, std::string(toString(ExceptionStatus::Open)) }];
                    detail["category"] = category;
                    detail["exception_id"] = exceptionId;
                    kind = "delivery_failed";
                    ++m_stats.failed;
                    deltas.metrics.failed(p.target, p.domain, oc.at, true, p.exceptionId != 0);
                }
            }
            m_st->lineageEvent(
                oc.at, p.domain, p.key, p.objectId, p.revisionId, kind, p.target, m_o.actor, p.correlationId, detail);
        }
        for (auto& [id, tp] : m_targets)
            if (tp->circuit.dirty)
                syncCircuit(*tp, t, deltas.delivery, deltas.exception);
        m_st->writeCounters(deltas);
    } catch (const store::SqlError& e) {
        return makeError(QStringLiteral("dispatcher: record outcomes: ") + e.message());
    }
    return {};
}

// ---- circuit breaker ----------------------------------------------------------------------------------

Result<void> Dispatcher::loadCircuits()
{
    try {
        for (const CircuitRow& r : m_st->circuits.load()) {
            auto it = m_targets.find(r.target);
            if (it == m_targets.end() || !r.open)
                continue; // a target no longer in the landscape sends nothing anyway
            Target::Circuit& c = it->second->circuit;
            c.open = true;
            c.openedAt = r.openedAt;
            c.lastError = r.lastError;
            c.intervalMs = r.probeIntervalMs > 0 ? r.probeIntervalMs : it->second->def->probeInitialMs;
            c.nextProbeAt = r.nextProbeAt;
            c.probes = r.probes;
            c.incidentId = r.incidentId;
            const auto details = nlohmann::json::parse(r.incidentDetails, nullptr, false);
            if (details.is_object() && details.contains("probes") && details["probes"].is_array())
                c.history = details["probes"];
            for (const nlohmann::json& probe : c.history)
                if (probe.is_object())
                    c.lastForcedRequest
                        = std::max<TimeMs>(c.lastForcedRequest, probe.value("requested_at_ms", TimeMs(0)));
        }
    } catch (const store::SqlError& e) {
        return e.error();
    }
    return {};
}

// Half-open: the deliveries queued for the target since the last look wait too, and the oldest waiting one goes
// back to pending to be picked as the probe. False when nothing waits (then nothing is probed).
Result<bool> Dispatcher::prepareProbe(Target& tgt, TimeMs t)
{
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    std::int64_t id = 0;
    try {
        Outbox::Deltas deltas;
        Outbox& outbox = *m_st->outbox;
        outbox.blockTarget(tgt.def->id, "waiting for the circuit of " + tgt.def->id + " to close", t, deltas);
        id = outbox.releaseOldestBlocked(tgt.def->id, t, deltas);
        outbox.writeCounters(deltas);
    } catch (const store::SqlError& e) {
        tx.rollback();
        return e.error();
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    if (id == 0) {
        tgt.circuit.nextProbeAt = t + tgt.circuit.intervalMs;
        tgt.circuit.forcedRequest = 0; // nothing to probe with: the request is void
        return false;
    }
    tgt.circuit.probeDelivery = id;
    return true;
}

// Writes what writeOutcomes() changed in a target's circuit, in its transaction: opening blocks the target's queue
// and raises (or updates) the one target_outage incident; closing releases every blocked delivery and resolves it
// with the outage's duration.
void Dispatcher::syncCircuit(Target& tgt, TimeMs t, Outbox::Deltas& deliveries,
    std::map<std::pair<std::string, std::string>, std::int64_t>& exceptions)
{
    Target::Circuit& c = tgt.circuit;
    c.dirty = false;
    Outbox& outbox = *m_st->outbox;
    const std::string& id = tgt.def->id;
    const std::string open(toString(ExceptionStatus::Open));
    CircuitRow row;
    row.target = id;
    if (c.open) {
        outbox.blockTarget(id, "waiting for the circuit of " + id + " to close", t, deliveries);
        const std::int64_t waiting = m_st->circuits.countBlocked(id);
        const nlohmann::json details = { { "target", id }, { "since", formatRfc3339(c.openedAt) },
            { "since_ms", c.openedAt }, { "last_error", c.lastError }, { "waiting", waiting },
            { "probes_sent", c.probes }, { "probes", c.history }, { "probe_interval_ms", c.intervalMs },
            { "next_probe_at", formatRfc3339(c.nextProbeAt) }, { "failures_to_open", tgt.def->circuitFailures } };
        const std::string message = id + " is down since " + formatRfc3339(c.openedAt) + ": " + std::to_string(waiting)
            + " deliveries wait (blocked_by_outage), next probe at " + formatRfc3339(c.nextProbeAt)
            + "; last error: " + c.lastError;
        if (c.incidentId == 0) {
            c.incidentId = m_st->circuits.openIncident(id, t, message, details.dump());
            ++exceptions[{ "target_outage", open }];
        } else {
            m_st->circuits.updateIncident(c.incidentId, t, message, details.dump());
        }
        row.open = true;
        row.openedAt = c.openedAt;
        row.lastError = c.lastError;
        row.probeIntervalMs = c.intervalMs;
        row.nextProbeAt = c.nextProbeAt;
        row.probes = c.probes;
        row.incidentId = c.incidentId;
    } else {
        const std::int64_t released = outbox.unblockTarget(id, t, deliveries);
        if (c.incidentId != 0) {
            const std::int64_t durationMs = std::max<std::int64_t>(0, t - c.openedAt);
            const nlohmann::json details
                = { { "target", id }, { "since", formatRfc3339(c.openedAt) }, { "since_ms", c.openedAt },
                      { "resolved_at", formatRfc3339(t) }, { "duration_ms", durationMs }, { "last_error", c.lastError },
                      { "released", released }, { "probes_sent", c.probes }, { "probes", c.history } };
            const std::string message = id + " was down for " + formatDuration(durationMs) + " (since "
                + formatRfc3339(c.openedAt) + "); " + std::to_string(released)
                + " waiting deliveries released; last error: " + c.lastError;
            m_st->circuits.resolveIncident(c.incidentId, t, message, details.dump());
            --exceptions[{ "target_outage", open }];
            ++exceptions[{ "target_outage", std::string(toString(ExceptionStatus::Resolved)) }];
        }
        ++m_stats.circuitsClosed;
        c = Target::Circuit {};
        tgt.recheckHeld = true;
    }
    m_st->circuits.save(row, t);
}

// ---- status -------------------------------------------------------------------------------------------

bool Dispatcher::isIdle(std::int64_t horizonMs)
{
    if (!m_pending.empty())
        return false;
    for (const auto& [id, t] : m_targets)
        if (t->inFlight > 0)
            return false;
    if (!m_st)
        return true;
    const TimeMs limit = now() + horizonMs;
    for (const auto& [id, t] : m_targets) {
        if (!t->connector || t->paused)
            continue;
        if (t->circuit.open) { // only the probe is due: at nextProbeAt
            if (t->circuit.probeDelivery != 0 || t->circuit.nextProbeAt <= limit)
                return false;
            continue;
        }
        SqlStatement& q = m_st->anyDue;
        q.bind(0, std::string_view(id));
        q.bind(1, std::int64_t(limit));
        const bool any = q.next();
        q.reset();
        if (any)
            return false;
    }
    return true;
}

int Dispatcher::callsInFlight() const
{
    int n = static_cast<int>(m_pending.size());
    for (const auto& [id, t] : m_targets)
        n += t->inFlight;
    return n;
}

std::vector<TargetState> Dispatcher::targets() const
{
    std::vector<TargetState> out;
    for (const auto& [id, t] : m_targets) {
        TargetState s;
        s.id = id;
        s.connected = !t->connector.isNull();
        s.paused = t->paused;
        s.inFlight = t->inFlight;
        s.notBefore = t->notBefore;
        s.tokens = t->tokens;
        s.consecutiveFailures = t->consecutiveFailures;
        s.lastAckAt = t->lastAckAt;
        s.circuitOpen = t->circuit.open;
        s.circuitOpenedAt = t->circuit.openedAt;
        s.nextProbeAt = t->circuit.nextProbeAt;
        s.probes = t->circuit.probes;
        s.calls = t->calls;
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace mdsync
