#pragma once

#include "config/configstore.h"
#include "connectors/connector.h"
#include "contract/contract.h"
#include "store/outbox.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

class QTimer;

namespace mdsync {

class Workspace;

// Retry schedule of one error class: delay(attempt) = min(maxMs, baseMs * 2^(attempt-1)), then multiplied
// by a random factor in [1 - jitter, 1 + jitter]. After maxAttempts attempts the delivery becomes an
// exception.
struct BackoffPolicy
{
    std::int64_t baseMs = 1000;
    std::int64_t maxMs = std::int64_t(5) * 60 * 1000;
    double jitter = 0.2;
    int maxAttempts = 8;

    // `u` in [0, 1): the random draw (0.5 = no jitter).
    std::int64_t delayMs(int attempt, double u) const;
};

struct DispatcherOptions
{
    BackoffPolicy retryable; // connection refused/reset, timeout, 5xx
    BackoffPolicy rateLimited { 1000, std::int64_t(60) * 1000, 0.2,
        20 }; // 429 / 503: Retry-After when given, else this
    int tickMs = 50; // how often due deliveries are looked for (also woken by poke())
    int holdRecheckMs = 1000; // a held delivery is re-checked at least this often
    // The targets' pause flags (and steward's probe requests, requestProbe) are read again this often (monotonic
    // time), so a pause, resume or "probe now" made by another session (`mdsyncctl pause`, a steward on a shared
    // workspace) takes effect within it.
    int pauseRecheckMs = 1000;
    int flushMs = 20; // outcomes are committed at most this long after they arrive (at once when no call is out)...
    int flushMaxOutcomes = 512; // ...or when this many are waiting
    int maxBatchItems = 100; // deliveries per batch call (scheduled batches, micro-batches)
    // Event deliveries to a target whose connector supports batches are grouped into one call when several
    // are due at once (the target's "connector": {"micro_batch": true}). Scheduled batches always group.
    std::uint32_t seed = 0; // jitter; 0 = random
    std::string actor = "system:dispatcher";
    std::function<TimeMs()> clock; // nullptr = system clock
};

// Counts since start(), for status lines and tests.
struct DispatcherStats
{
    std::int64_t calls = 0; // connector calls (a batch is one)
    std::int64_t sent = 0; // delivery attempts
    std::int64_t acked = 0;
    std::int64_t retried = 0; // attempts that ended in retry_wait
    std::int64_t failed = 0; // deliveries that became exceptions
    std::int64_t superseded = 0;
    std::int64_t held = 0; // transitions into held
    std::int64_t recovered = 0; // in-flight deliveries found at start (crash recovery)
    std::int64_t blocked = 0; // transitions into blocked_by_outage of in-flight deliveries (bulk moves not counted)
    std::int64_t circuitsOpened = 0;
    std::int64_t circuitsClosed = 0;
    std::int64_t probes = 0; // probe calls sent to targets with an open circuit
    std::int64_t probeRequests = 0; // steward's probe requests (requestProbe) that made a probe due at once
    std::int64_t contractReloads = 0; // contracts versions that fell due while running (contractsChanged)
    std::int64_t configReloads = 0; // landscape versions applied while running (applyConfig)
    std::int64_t dueRowsRead = 0; // rows of the due list read: one a delivery sent when nothing can be held
};

// Live state of one target, for status displays.
struct TargetState
{
    std::string id;
    bool connected = false; // a connector is configured
    bool paused = false;
    int inFlight = 0;
    TimeMs notBefore = 0; // Retry-After: nothing is sent before this time
    double tokens = 0;
    std::int64_t consecutiveFailures = 0; // transport failures and timeouts since the last answer
    TimeMs lastAckAt = 0;
    bool circuitOpen = false; // docs/DISPATCHER.md "Circuit breaker"
    TimeMs circuitOpenedAt = 0;
    TimeMs nextProbeAt = 0;
    std::int64_t probes = 0; // during the current outage
    std::int64_t calls = 0; // connector calls since start()
};

// Sets a target's pause flag in the workspace with an audit entry (reason required): events keep queuing for
// a paused target. `mdsyncctl pause/resume` and a steward's session call it; a running dispatcher reads the
// flags at start() and again every DispatcherOptions::pauseRecheckMs. An unknown target is refused.
Result<void> setTargetPaused(
    Workspace& ws, const std::string& target, bool paused, const std::string& actor, const std::string& reason);

// A steward's "probe now" for a target whose circuit is open (docs/DISPATCHER.md "Circuit breaker"): records the
// request in the workspace (system.probe_requested_at) with an audit entry "target.probe" (reason required, the
// permission to pause targets). The dispatcher that serves the target, in this process or another, sees the request
// where it re-reads the pause flags and sends its next probe at once: one probe, whose answer decides as any probe's
// (an answer closes the circuit; a failure keeps it open without lengthening the probe interval). Refused for an
// unknown target, a paused one, and one whose circuit is not open.
Result<void> requestProbe(
    Workspace& ws, const std::string& target, const std::string& actor, const std::string& reason);

// Sends the outbox. Runs on the thread that owns the read-write Workspace (the single writer), with
// asynchronous connectors on the same thread; never blocks on the network.
//
// Guarantees (see docs/DISPATCHER.md):
//  - per (object, target), revisions go in order: N+1 is sent only when no older delivery is in flight, and
//    an unsent older revision is superseded by the newer full state (lineage "superseded"), never dropped;
//  - a delivery whose object references other objects (BOM -> items, routing -> item, asset -> location)
//    is held until each referenced object has been acked by the same target (status "held", not a failure);
//  - per target: at most max_concurrency calls in flight, a token bucket (rate_limit), Retry-After, pause;
//  - retryable answers back off exponentially with jitter up to the class's max attempts, then become an
//    exception; rejected/unauthorized answers and mapping failures become an exception at once;
//  - every attempt is a lineage event; an ack records end-to-end latency (revision received -> ack) and
//    updates the delivery, object_target and counters in the same transaction;
//  - crash-safe: deliveries found in_flight at start() are sent again with the same idempotency key;
//  - circuit breaker per target: `circuit.failures` consecutive transport failures or timeouts open it; its
//    deliveries then wait as blocked_by_outage (no attempt, no exception, no retry counted) under one
//    target_outage incident, and one probe (the oldest waiting delivery) goes out at doubling intervals until the
//    target answers; then the circuit closes, the incident is resolved and the backlog drains in order. The
//    circuit is persisted (target_circuit) and survives a restart.
class Dispatcher : public QObject
{
    Q_OBJECT
public:
    Dispatcher(Workspace& ws, ActiveConfig config, ContractSet contracts, DispatcherOptions options = {},
        QObject* parent = nullptr);
    ~Dispatcher() override;

    // The connector of a target (not owned; must outlive the dispatcher or be removed first). A target
    // without a connector keeps its deliveries queued.
    void setConnector(const std::string& target, Connector* connector);

    // Recovers deliveries left in flight by a previous run, loads pause flags and starts sending.
    Result<void> start();
    // Stops picking new deliveries; in-flight calls still complete and are recorded.
    void stop();
    bool isRunning() const { return m_running; }

    // Something was added to the outbox (ingest): look for due deliveries now.
    void poke();

    // Commits outcomes that arrived but are not yet written (normally done by a timer).
    Result<void> flush();

    // Nothing in flight, no outcome waiting to be written and nothing due before `horizonMs` from now
    // (held deliveries and scheduled batch windows later than that do not count).
    bool isIdle(std::int64_t horizonMs = 0);

    // Connector calls not answered yet plus answers not yet written.
    int callsInFlight() const;

    const DispatcherStats& stats() const { return m_stats; }
    std::vector<TargetState> targets() const;
    const QString& lastError() const { return m_lastError; } // last storage error (the dispatcher stops)
    // The contracts deliveries are mapped with now: those given at construction until a contracts version of the
    // workspace falls due (checked with the pause flags, between batches; docs/CONTRACTS.md "Governance").
    std::shared_ptr<const ContractSet> contracts() const { return m_contracts; }

    // A model or landscape version fell due (CoreRunner): deliveries are picked, held and mapped with `config` from
    // the next batch on. Targets keep their state (circuit, tokens, calls in flight); a system new in the landscape
    // gets a target (and its connector with setConnector()); one that left it keeps what is queued for it. The
    // contracts of `config` (built against its model and landscape) replace those in use.
    void applyConfig(const ActiveConfig& config);
    const ActiveConfig& config() const { return m_config; }

Q_SIGNALS:
    void outcomesCommitted(int count);
    // A contracts version fell due and deliveries are mapped with it from now (`version`: its "version").
    void contractsChanged(qint64 versionId, const QString& version);
    // A contracts version fell due but cannot be used with the model and landscape this dispatcher runs with.
    void contractsRefused(qint64 versionId, const QString& reason);
    void idle();
    void storageFailed(const QString& message);

private:
    struct Target;
    struct Pick;
    struct Outcome;
    struct Statements;

    void tick();
    Result<void> readPauseFlags();
    Result<void> reloadContractsIfDue();
    Result<void> pickFor(Target& tgt, TimeMs t, std::vector<Pick>& out, std::vector<Pick>& holds,
        std::vector<Pick>& superseded, std::vector<Pick>& mappingFailures);
    void sendPicks(Target& t, std::vector<Pick> picks);
    void onOutcome(Pick pick, DeliveryOutcome outcome); // queues it
    void outcomesQueued(); // after a call's outcomes are queued: commit them now, or within flushMs
    Result<void> writeOutcomes(std::vector<Outcome>& outcomes, TimeMs t);
    // After flush or a tick committed them; `pokeTick`: a tick picks what they freed now, not at the next interval.
    void afterOutcomesCommitted(const std::vector<Outcome>& outcomes, bool pokeTick);
    Result<void> loadCircuits();
    Result<bool> prepareProbe(Target& tgt, TimeMs t);
    void syncCircuit(Target& tgt, TimeMs t, Outbox::Deltas& deliveries,
        std::map<std::pair<std::string, std::string>, std::int64_t>& exceptions);
    void fail(const QString& message);
    TimeMs now() const;
    double jitterDraw();

    Workspace& m_ws;
    ActiveConfig m_config;
    std::vector<ActiveConfig> m_replaced; // configurations replaced while running (applyConfig)
    std::shared_ptr<const ContractSet> m_contracts;
    qint64 m_contractsVersionId = 0; // in use (or refused: not tried again)
    DispatcherOptions m_o;
    std::unique_ptr<Statements> m_st;
    std::map<std::string, std::unique_ptr<Target>, std::less<>> m_targets;
    std::vector<Outcome> m_pending; // outcomes not yet committed
    QTimer* m_tickTimer = nullptr;
    QTimer* m_flushTimer = nullptr;
    QElapsedTimer m_sincePauseRead;
    bool m_running = false;
    bool m_inTick = false;
    bool m_wasIdle = false;
    DispatcherStats m_stats;
    QString m_lastError;
    std::mt19937 m_rng;
};

} // namespace mdsync
