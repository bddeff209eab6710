#pragma once

#include "store/sqlstatement.h"
#include "util/timeutil.h"

#include <QSqlDatabase>
#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

// The persisted circuit breaker of one target (table target_circuit; docs/DISPATCHER.md "Circuit breaker").
struct CircuitRow
{
    std::string target;
    bool open = false;
    TimeMs openedAt = 0;
    std::string lastError;
    std::int64_t probeIntervalMs = 0;
    TimeMs nextProbeAt = 0;
    std::int64_t probes = 0; // probes sent during this outage
    std::int64_t incidentId = 0; // the target_outage exception while open
    std::string incidentDetails; // its details (JSON text, probe history), read by load()
};

// The dispatcher's writes of circuits and their target_outage incidents, on the writer's connection and inside
// the dispatcher's transactions. Only the active dispatcher (the lease holder on PostgreSQL) owns one. Errors throw
// store::SqlError.
class CircuitStore
{
public:
    bool prepare(const QSqlDatabase& db, QString& error);

    // Every persisted circuit, with the details of the open ones' incidents.
    std::vector<CircuitRow> load();
    void save(const CircuitRow& row, TimeMs now);
    // Deliveries of the target waiting as blocked_by_outage.
    std::int64_t countBlocked(std::string_view target);

    // One target_outage exception (stage delivery, severity high, open); returns its id.
    std::int64_t openIncident(std::string_view target, TimeMs at, std::string_view message, std::string_view details);
    void updateIncident(std::int64_t id, TimeMs at, std::string_view message, std::string_view details);
    // Resolved (the circuit closed); `details` records the outage duration.
    void resolveIncident(std::int64_t id, TimeMs at, std::string_view message, std::string_view details);

private:
    static void writeIncident(SqlStatement& statement, std::int64_t id, TimeMs at, std::string_view message,
        std::string_view details, const char* what);

    SqlStatement m_load, m_save, m_count, m_open, m_update, m_resolve;
};

} // namespace mdsync
