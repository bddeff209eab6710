#include "store/circuitstore.h"

#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/sqlerror.h"

#include <utility>

namespace mdsync {

namespace {

void exec(SqlStatement& st, const char* what)
{
    if (!st.exec())
        throw store::SqlError::of(st, QLatin1String(what));
}

} // namespace

bool CircuitStore::prepare(const QSqlDatabase& db, QString& error)
{
    const std::string resolved(toString(ExceptionStatus::Resolved));
    const std::vector<std::pair<SqlStatement*, std::string>> all = {
        { &m_load,
            "SELECT c.target_id, c.state, c.opened_at, c.last_error, c.probe_interval_ms, c.next_probe_at, c.probes,"
            " c.incident_id, e.details FROM target_circuit c LEFT JOIN exception e ON e.id = c.incident_id"
            " ORDER BY c.target_id" },
        { &m_save,
            "INSERT INTO target_circuit(target_id, state, opened_at, last_error, probe_interval_ms, next_probe_at,"
            " probes, incident_id, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
            " ON CONFLICT(target_id) DO UPDATE SET state = excluded.state, opened_at = excluded.opened_at,"
            " last_error = excluded.last_error, probe_interval_ms = excluded.probe_interval_ms,"
            " next_probe_at = excluded.next_probe_at, probes = excluded.probes, incident_id = excluded.incident_id,"
            " updated_at = excluded.updated_at" },
        { &m_count,
            "SELECT count(*) FROM delivery WHERE target_id = ?1 AND status = "
                + sqlStatus(DeliveryStatus::BlockedByOutage) },
        { &m_open,
            "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, target_id, message,"
            " details) VALUES ('delivery','target_outage','high','open',?1,?1,?2,?3,?4) RETURNING id" },
        { &m_update, "UPDATE exception SET updated_at = ?2, message = ?3, details = ?4 WHERE id = ?1" },
        { &m_resolve,
            "UPDATE exception SET status = '" + resolved
                + "', updated_at = ?2, message = ?3, details = ?4 WHERE id = ?1" },
    };
    for (const auto& [st, sql] : all) {
        if (!st->prepare(db, sql)) {
            error = QStringLiteral("circuit store: prepare: ") + st->error();
            return false;
        }
    }
    return true;
}

std::vector<CircuitRow> CircuitStore::load()
{
    std::vector<CircuitRow> out;
    while (m_load.next()) {
        CircuitRow r;
        r.target = std::string(m_load.text(0));
        r.open = m_load.text(1) == "open";
        r.openedAt = m_load.isNull(2) ? 0 : m_load.int64(2);
        r.lastError = m_load.isNull(3) ? std::string() : std::string(m_load.text(3));
        r.probeIntervalMs = m_load.isNull(4) ? 0 : m_load.int64(4);
        r.nextProbeAt = m_load.isNull(5) ? 0 : m_load.int64(5);
        r.probes = m_load.int64(6);
        r.incidentId = m_load.isNull(7) ? 0 : m_load.int64(7);
        r.incidentDetails = m_load.isNull(8) ? std::string() : std::string(m_load.text(8));
        out.push_back(std::move(r));
    }
    if (m_load.failed())
        throw store::SqlError::of(m_load, QStringLiteral("circuit store: load"));
    m_load.reset();
    return out;
}

void CircuitStore::save(const CircuitRow& row, TimeMs now)
{
    m_save.bind(0, std::string_view(row.target));
    m_save.bind(1, row.open ? "open" : "closed");
    if (row.openedAt)
        m_save.bind(2, std::int64_t(row.openedAt));
    else
        m_save.bindNull(2);
    m_save.bindOptional(3, std::string_view(row.lastError));
    m_save.bindOptional(4, row.probeIntervalMs);
    m_save.bindOptional(5, std::int64_t(row.nextProbeAt));
    m_save.bind(6, row.probes);
    m_save.bindOptional(7, row.incidentId);
    m_save.bind(8, std::int64_t(now));
    exec(m_save, "circuit store: save");
}

std::int64_t CircuitStore::countBlocked(std::string_view target)
{
    m_count.bind(0, target);
    std::int64_t n = 0;
    if (m_count.next())
        n = m_count.int64(0);
    if (m_count.failed())
        throw store::SqlError::of(m_count, QStringLiteral("circuit store: count blocked deliveries"));
    m_count.reset();
    return n;
}

std::int64_t CircuitStore::openIncident(
    std::string_view target, TimeMs at, std::string_view message, std::string_view details)
{
    m_open.bind(0, std::int64_t(at));
    m_open.bind(1, target);
    m_open.bind(2, message);
    m_open.bind(3, details);
    std::int64_t id = 0;
    if (!m_open.execReturningId(id))
        throw store::SqlError::of(m_open, QStringLiteral("circuit store: open target_outage incident"));
    return id;
}

void CircuitStore::updateIncident(std::int64_t id, TimeMs at, std::string_view message, std::string_view details)
{
    writeIncident(m_update, id, at, message, details, "circuit store: update target_outage incident");
}

void CircuitStore::resolveIncident(std::int64_t id, TimeMs at, std::string_view message, std::string_view details)
{
    writeIncident(m_resolve, id, at, message, details, "circuit store: resolve target_outage incident");
}

void CircuitStore::writeIncident(SqlStatement& statement, std::int64_t id, TimeMs at, std::string_view message,
    std::string_view details, const char* what)
{
    statement.bind(0, id);
    statement.bind(1, std::int64_t(at));
    statement.bind(2, message);
    statement.bind(3, details);
    exec(statement, what);
}

} // namespace mdsync
