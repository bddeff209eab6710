#pragma once

// A simulated subscriber system: a real HTTP/1.1 server on 127.0.0.1 with its own schema rules and faults.
// Used by tests (count effective changes per object at a target) and by the live demo. See docs/SIMULATED.md.
//
// REST shape (all bodies JSON; every error body is {"error": "...", "field": "..."}):
//   PUT    /api/<domain>/<key>         body: the target payload (a JSON object) -> 200 {"status":"applied",...}
//   DELETE /api/<domain>/<key>         retire the record                        -> 200 {"status":"retired",...}
//                                      (404 if the record was never applied)
//   POST   /api/<domain>/_batch        body: [{"key","op":"upsert"|"delete","payload","idempotency_key"}, ...]
//                                      -> 200 [{"key","status","idempotency_key","replay",["error","field"]}, ...]
//                                      Items are independent (no all-or-nothing); each counts like one PUT/DELETE.
//   GET    /api/<domain>/<key>         -> 200 the stored record, 404 if absent (a retired record has "retired":true)
//   GET    /_stats                     -> 200 counters. Observer endpoint: no auth, no faults, not counted.
// Headers on PUT/DELETE: Idempotency-Key (required, 400 without), X-Correlation-Id (optional, stored),
// Authorization: Bearer <token> on every /api request when a token is configured (401 otherwise).
// A repeated Idempotency-Key is not applied again: 200 with the original body and "Idempotent-Replay: true".
// Order of checks: 401 auth, 429 rate limit (Retry-After seconds), random 5xx, 400 bad request, 404/405,
// idempotent replay, 422 schema rules, apply. Latency delays the response, never the apply: a change can be
// applied while its response is still pending (or lost), as with a real target.
//
// Threading: a SimulatedSystem lives on one thread with an event loop; call every function on that thread.
// Responses are deferred with QTimer (no thread ever sleeps), so many systems can share one thread.

#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace mdsync {

// Schema rules of one domain at a target (top-level or dotted field names, e.g. "dimensions.length_mm").
struct SimulatedDomainRules
{
    QStringList required; // 422 when missing or null
    QHash<QString, QStringList> accepted; // field -> accepted string values; 422 when absent or another value
};

// What changes once the target "upgrades" (schema drift).
struct SimulatedDrift
{
    QHash<QString, QString> rename; // old field name -> new field name (the old name is then rejected)
    QStringList require; // fields that become required
};

struct SimulatedOutage
{
    qint64 afterRequests = 0; // the outage starts when this many /api requests have been received
    int forMs = 0;
};

// JSON shape (every key but "id" optional):
// {"id":"WMS-P100", "seed":42, "token":"s3cret",
//  "rules":{"item":{"required":["storage_conditions"],"accepted":{"lifecycle_status":["released"]}}},
//  "latency_ms":[min,max], "error_rate":0.05, "rate_limit":{"per_second":20,"burst":5},
//  "outages":[{"after_requests":N,"for_ms":M}],
//  "drift_after_requests":N, "drift":{"item":{"rename":{"storage_conditions":"storage_class"},"require":["x"]}}}
struct SimulatedConfig
{
    QString id;
    quint64 seed = 0; // default: derived from id, so every run is reproducible
    QString token; // empty: no auth
    QHash<QString, SimulatedDomainRules> rules; // domain -> rules
    int latencyMinMs = 0;
    int latencyMaxMs = 0;
    double errorRate = 0.0; // probability of a random 5xx per /api request
    double ratePerSecond = 0.0; // 0: unlimited
    double rateBurst = 0.0;
    std::vector<SimulatedOutage> outages;
    qint64 driftAfterRequests = -1; // < 0: never
    QHash<QString, SimulatedDrift> drift; // domain -> drift

    static Result<SimulatedConfig> fromJson(const nlohmann::json& j);
};

struct SimulatedRecord
{
    QString domain;
    QString key;
    nlohmann::json payload; // the last applied payload (kept when retired)
    bool retired = false;
    int appliedCount = 0; // effective changes (replays excluded)
    QStringList appliedKeys; // idempotency keys of the applied changes, in order
    QString lastCorrelationId;

    nlohmann::json toJson() const;
};

class SimulatedSystem final : public QObject
{
    Q_OBJECT
public:
    explicit SimulatedSystem(SimulatedConfig config, QObject* parent = nullptr);
    ~SimulatedSystem() override;

    // Binds 127.0.0.1:port (0 = ephemeral). Returns the bound port.
    Result<quint16> start(quint16 port = 0);
    quint16 port() const { return m_port; }
    QString id() const { return m_config.id; }
    QString baseUrl() const; // "http://127.0.0.1:<port>"

    // Outage: stop listening (connection refused) and drop open connections; ms > 0 comes back up by itself.
    void goDown(int ms = 0);
    // Listen again on the same port. Fails if another process took the port meanwhile.
    Result<void> goUp();
    bool isDown() const { return m_down; }
    bool isDrifted() const;

    // For tests and reconciliation.
    int appliedCount(const QString& domain, const QString& key) const;
    QStringList appliedKeys(const QString& domain, const QString& key) const;
    std::optional<SimulatedRecord> record(const QString& domain, const QString& key) const;
    qint64 totalApplied() const { return m_totalApplied; }
    qint64 requestsReceived() const { return m_requestsReceived; }
    nlohmann::json stats() const;
    // What the system holds (records, the answers to idempotency keys, request count), to be restored by another
    // process: `mdsyncctl simulate` keeps a demo workspace's targets across its runs.
    nlohmann::json state() const;
    Result<void> restoreState(const nlohmann::json& state);

Q_SIGNALS:
    void changeApplied(const QString& domain, const QString& key, const QString& idempotencyKey);
    void downChanged(bool down);

private:
    struct Impl;
    friend struct Impl;
    std::unique_ptr<Impl> d;
    SimulatedConfig m_config;
    quint16 m_port = 0;
    bool m_down = false;
    qint64 m_totalApplied = 0;
    qint64 m_requestsReceived = 0;
};

// One SimulatedSystem per entry of a JSON array of SimulatedConfig objects (ids must be unique).
class SimulatedLandscape final : public QObject
{
    Q_OBJECT
public:
    explicit SimulatedLandscape(QObject* parent = nullptr);
    ~SimulatedLandscape() override;

    // Starts every system on an ephemeral port, or with firstPort > 0 the i-th system on firstPort + i;
    // returns id -> port. On error nothing stays running.
    Result<QHash<QString, quint16>> start(const nlohmann::json& systems, quint16 firstPort = 0);
    SimulatedSystem* system(const QString& id) const;
    QHash<QString, quint16> ports() const;
    QStringList ids() const;

private:
    std::vector<std::pair<QString, SimulatedSystem*>> m_systems; // children of this
};

} // namespace mdsync
