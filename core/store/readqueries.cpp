#include "store/readqueries.h"

#include "store/archive.h"
#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/readexceptions.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <utility>
#include <vector>

namespace mdsync::read {

namespace {

nlohmann::json text(const QVariant& v)
{
    return v.isNull() ? nlohmann::json(nullptr) : nlohmann::json(v.toString().toStdString());
}

nlohmann::json integer(const QVariant& v)
{
    return v.isNull() ? nlohmann::json(nullptr) : nlohmann::json(v.toLongLong());
}

nlohmann::json time(const QVariant& v)
{
    return v.isNull() ? nlohmann::json(nullptr) : nlohmann::json(formatRfc3339(v.toLongLong()));
}

nlohmann::json jsonColumn(const QVariant& v)
{
    if (v.isNull())
        return nullptr;
    auto j = nlohmann::json::parse(v.toString().toStdString(), nullptr, false);
    return j.is_discarded() ? nlohmann::json(v.toString().toStdString()) : j;
}

Result<void> run(QSqlQuery& q, const char* what)
{
    return execPrepared(q, QString::fromLatin1(what));
}

} // namespace

Result<nlohmann::json> objects(const QSqlDatabase& db, const ObjectFilter& f)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT domain, key, revision_no, lifecycle, description, deleted, updated_at FROM object"
                             " WHERE (:domain = '' OR domain = :domain)"
                             " AND (:prefix = '' OR (key >= :prefix AND key < :upper))"
                             " ORDER BY domain, key LIMIT :limit"));
    q.bindValue(QStringLiteral(":domain"), qs(f.domain));
    q.bindValue(QStringLiteral(":prefix"), qs(f.keyPrefix));
    // Every key that starts with the prefix sorts below prefix + U+10FFFF (byte order on both backends: BINARY on
    // SQLite, COLLATE "C" on PostgreSQL).
    q.bindValue(QStringLiteral(":upper"), QString(qs(f.keyPrefix) + QString::fromUcs4(U"\U0010FFFF", 1)));
    q.bindValue(QStringLiteral(":limit"), f.limit);
    if (auto r = run(q, "objects"); !r)
        return makeError(r.error());
    nlohmann::json out = nlohmann::json::array();
    while (q.next())
        out.push_back({ { "domain", text(q.value(0)) }, { "key", text(q.value(1)) },
            { "revision", integer(q.value(2)) }, { "lifecycle", text(q.value(3)) }, { "description", text(q.value(4)) },
            { "deleted", q.value(5).toInt() != 0 }, { "updated_at", time(q.value(6)) } });
    return out;
}

Result<std::vector<std::pair<std::string, nlohmann::json>>> newestStates(
    const QSqlDatabase& db, const std::string& domain, int limit)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT o.key, r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                             " WHERE o.domain = ? AND o.deleted = 0 ORDER BY o.updated_at DESC, o.id DESC LIMIT ?"));
    q.addBindValue(qs(domain));
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("newest %1 objects").arg(qs(domain))));
    std::vector<std::pair<std::string, nlohmann::json>> out;
    while (q.next()) {
        nlohmann::json state = nlohmann::json::parse(q.value(1).toString().toStdString(), nullptr, false);
        if (!state.is_discarded())
            out.emplace_back(q.value(0).toString().toStdString(), std::move(state));
    }
    return out;
}

Result<nlohmann::json> objectStatus(const QSqlDatabase& db, const std::string& domain, const std::string& key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT o.id, o.revision_no, o.lifecycle, o.description, o.deleted, o.created_at, o.updated_at,"
        " o.content_hash, r.state, r.source_system, r.correlation_id, r.received_at, r.model_version"
        " FROM object o JOIN revision r ON r.id = o.current_revision_id WHERE o.domain = ? AND o.key = ?"));
    q.addBindValue(qs(domain));
    q.addBindValue(qs(key));
    if (auto r = run(q, "object status"); !r)
        return makeError(r.error());
    if (!q.next())
        return makeError(QStringLiteral("no %1 '%2' in this workspace").arg(qs(domain), qs(key)));
    const qint64 objectId = q.value(0).toLongLong();
    nlohmann::json out = { { "domain", domain }, { "key", key }, { "revision", integer(q.value(1)) },
        { "lifecycle", text(q.value(2)) }, { "description", text(q.value(3)) }, { "deleted", q.value(4).toInt() != 0 },
        { "created_at", time(q.value(5)) }, { "updated_at", time(q.value(6)) }, { "content_hash", text(q.value(7)) },
        { "state", jsonColumn(q.value(8)) }, { "last_source", text(q.value(9)) },
        { "correlation_id", text(q.value(10)) }, { "received_at", time(q.value(11)) },
        { "model_version", text(q.value(12)) } };

    // Per subscribed target: the state row, or "not_subscribed" when the object never matched its filter.
    auto days = store::retentionDays(db); // before the query below (see exceptions())
    if (!days)
        return makeError(days.error());
    QSqlQuery t(db);
    t.prepare(
        QStringLiteral("SELECT s.target_id, s.id, s.pattern, s.sla_minutes, ot.latest_revision_no, ot.status,"
                       " ot.acked_revision_no, ot.updated_at, d.attempts, d.due_at, d.last_error, d.idempotency_key,"
                       " d.id FROM subscription s"
                       " LEFT JOIN object_target ot ON ot.object_id = ? AND ot.target_id = s.target_id"
                       " LEFT JOIN delivery d ON d.id = ot.latest_delivery_id"
                       " WHERE s.domain = ? ORDER BY s.target_id"));
    t.addBindValue(objectId);
    t.addBindValue(qs(domain));
    if (auto r = run(t, "delivery state"); !r)
        return makeError(r.error());
    nlohmann::json targets = nlohmann::json::array();
    std::vector<std::pair<size_t, qint64>> deliveries; // read after the loop (see exceptions())
    while (t.next()) {
        const bool has = !t.value(5).isNull();
        // docs/RETENTION.md: how long the revision this target's latest delivery sends can be replayed.
        const nlohmann::json replayable;
        if (!t.value(12).isNull())
            deliveries.emplace_back(targets.size(), t.value(12).toLongLong());
        targets.push_back({ { "target", text(t.value(0)) }, { "subscription", text(t.value(1)) },
            { "pattern", text(t.value(2)) }, { "sla_minutes", integer(t.value(3)) },
            { "revision", integer(t.value(4)) },
            { "status", has ? text(t.value(5)) : nlohmann::json("not_subscribed") },
            { "acked_revision", integer(t.value(6)) }, { "updated_at", time(t.value(7)) },
            { "attempts", integer(t.value(8)) }, { "due_at", time(t.value(9)) }, { "last_error", text(t.value(10)) },
            { "idempotency_key", text(t.value(11)) }, { "replayable_until", replayable } });
    }
    t.finish();
    for (const auto& [at, delivery] : deliveries) {
        auto until = store::replayableUntilOfDelivery(db, delivery, days.value());
        if (!until)
            return makeError(until.error());
        targets[at]["replayable_until"] = until->text();
    }
    out["targets"] = targets;

    QSqlQuery e(db);
    e.prepare(QStringLiteral("SELECT count(*) FROM exception WHERE domain = ? AND object_key = ? AND status NOT IN ")
        + QString::fromStdString(sqlClosedExceptionStatuses()));
    e.addBindValue(qs(domain));
    e.addBindValue(qs(key));
    if (auto r = run(e, "open exceptions"); !r)
        return makeError(r.error());
    out["open_exceptions"] = e.next() ? e.value(0).toLongLong() : 0;
    return out;
}

Result<nlohmann::json> lineage(const QSqlDatabase& db, const std::string& domain, const std::string& key, int limit)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT l.id, l.at, l.kind, l.system_id, l.actor, l.correlation_id, r.revision_no, l.detail"
                       " FROM lineage_event l LEFT JOIN revision r ON r.id = l.revision_id"
                       " WHERE l.domain = ? AND l.object_key = ? ORDER BY l.id LIMIT ?"));
    q.addBindValue(qs(domain));
    q.addBindValue(qs(key));
    q.addBindValue(limit);
    if (auto r = run(q, "lineage"); !r)
        return makeError(r.error());
    nlohmann::json out = nlohmann::json::array();
    while (q.next())
        out.push_back({ { "id", integer(q.value(0)) }, { "at", time(q.value(1)) }, { "kind", text(q.value(2)) },
            { "system", text(q.value(3)) }, { "actor", text(q.value(4)) }, { "correlation_id", text(q.value(5)) },
            { "revision", integer(q.value(6)) }, { "detail", jsonColumn(q.value(7)) } });
    return out;
}

QString exceptionDisplayStatusSql()
{
    return QStringLiteral(
        "(CASE WHEN e.status = 'open' AND EXISTS (SELECT 1 FROM correction c WHERE c.exception_id = e.id"
        " AND c.status = 'awaiting_approval') THEN 'awaiting_approval'"
        " WHEN e.status = 'open' AND e.assignee IS NOT NULL AND e.assignee <> '' THEN 'assigned'"
        " ELSE e.status END)");
}

const std::vector<std::string>& exceptionStatuses()
{
    static const std::vector<std::string> all { "open", "assigned", "awaiting_approval", "resolved", "discarded",
        "superseded", "replayed" };
    return all;
}

Result<nlohmann::json> exceptions(const QSqlDatabase& db, const ExceptionQuery& query, bool withRaw)
{
    const auto& all = exceptionStatuses();
    for (const QString& status : query.statuses)
        if (std::find(all.begin(), all.end(), status.toStdString()) == all.end()) {
            std::string list;
            for (const auto& s : all)
                list += (list.empty() ? "" : ", ") + s;
            return makeError(QStringLiteral("unknown exception status '%1' (statuses: %2)").arg(status, qs(list)));
        }
    auto days = store::retentionDays(db); // before the forward-only query below (see `deliveries`)
    if (!days)
        return makeError(days.error());
    QSqlQuery q(db);
    if (auto r = query.exec(q,
            QStringLiteral("SELECT e.id, e.stage, e.category, e.severity, %1, e.created_at, e.source_name, e.line_no,"
                           " e.source_system, e.event_id, e.domain, e.object_key, e.target_id, e.message, e.details,"
                           " e.raw, e.assignee, e.delivery_id FROM exception e")
                .arg(exceptionDisplayStatusSql()),
            nowMs(), false, QStringLiteral("exceptions"));
        !r)
        return makeError(r.error());
    nlohmann::json out = nlohmann::json::array();
    // (position in out, delivery id): "replayable until" is read after the loop: another query on the connection
    // while a forward-only one is fetched would end the fetch on PostgreSQL (single-row mode).
    std::vector<std::pair<size_t, qint64>> deliveries;
    while (q.next()) {
        nlohmann::json e = { { "id", integer(q.value(0)) }, { "stage", text(q.value(1)) },
            { "category", text(q.value(2)) }, { "severity", text(q.value(3)) }, { "status", text(q.value(4)) },
            { "created_at", time(q.value(5)) }, { "source_name", text(q.value(6)) }, { "line", integer(q.value(7)) },
            { "source", text(q.value(8)) }, { "event_id", text(q.value(9)) }, { "domain", text(q.value(10)) },
            { "key", text(q.value(11)) }, { "target", text(q.value(12)) }, { "message", text(q.value(13)) },
            { "details", jsonColumn(q.value(14)) }, { "assignee", text(q.value(16)) } };
        // A delivery exception: how long its revision can be replayed (docs/RETENTION.md).
        if (!q.value(17).isNull())
            deliveries.emplace_back(out.size(), q.value(17).toLongLong());
        if (withRaw) {
            const QByteArray raw = q.value(15).toByteArray();
            // Raw bytes are kept verbatim; shown as text when valid UTF-8, else base64.
            const auto decoded = QString::fromUtf8(raw);
            if (decoded.toUtf8() == raw)
                e["raw"] = raw.toStdString();
            else
                e["raw_base64"] = raw.toBase64().toStdString();
        }
        out.push_back(std::move(e));
    }
    if (q.lastError().isValid())
        return makeError(sqlError(q, QStringLiteral("exceptions")));
    q.finish();
    for (const auto& [at, delivery] : deliveries) {
        auto until = store::replayableUntilOfDelivery(db, delivery, days.value());
        if (!until)
            return makeError(until.error());
        out[at]["replayable_until"] = until->text();
    }
    return out;
}

Result<nlohmann::json> overview(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    nlohmann::json out;
    if (!q.exec(QStringLiteral("SELECT domain, count(*), sum(deleted) FROM object GROUP BY domain ORDER BY domain")))
        return makeError(sqlError(q, QStringLiteral("overview")));
    nlohmann::json objects = nlohmann::json::object();
    while (q.next())
        objects[q.value(0).toString().toStdString()] = q.value(1).toLongLong();
    out["objects"] = objects;

    if (!q.exec(QStringLiteral("SELECT target_id, status, sum(n) FROM delivery_counter GROUP BY target_id, status"
                               " HAVING sum(n) <> 0 ORDER BY target_id, status")))
        return makeError(sqlError(q, QStringLiteral("overview")));
    nlohmann::json deliveries = nlohmann::json::object();
    while (q.next())
        deliveries[q.value(0).toString().toStdString()][q.value(1).toString().toStdString()] = q.value(2).toLongLong();
    out["deliveries"] = deliveries;

    if (!q.exec(QStringLiteral("SELECT category, sum(n) FROM exception_counter WHERE status NOT IN ")
            + QString::fromStdString(sqlClosedExceptionStatuses())
            + QStringLiteral(" GROUP BY category HAVING sum(n) <> 0 ORDER BY category")))
        return makeError(sqlError(q, QStringLiteral("overview")));
    nlohmann::json open = nlohmann::json::object();
    while (q.next())
        open[q.value(0).toString().toStdString()] = q.value(1).toLongLong();
    out["open_exceptions"] = open;

    if (!q.exec(QStringLiteral("SELECT count(*) FROM revision")) || !q.next())
        return makeError(sqlError(q, QStringLiteral("overview")));
    out["revisions"] = q.value(0).toLongLong();
    if (!q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'instance_id'")))
        return makeError(sqlError(q, QStringLiteral("overview")));
    out["instance_id"] = q.next() ? q.value(0).toString().toStdString() : std::string();
    // Paused targets queue and send nothing (mdsyncctl pause / resume).
    if (!q.exec(QStringLiteral("SELECT id FROM system WHERE paused <> 0 ORDER BY id")))
        return makeError(sqlError(q, QStringLiteral("overview")));
    nlohmann::json paused = nlohmann::json::array();
    while (q.next())
        paused.push_back(q.value(0).toString().toStdString());
    out["paused_targets"] = paused;
    auto openNow = openCircuits(db);
    if (!openNow)
        return makeError(openNow.error());
    nlohmann::json circuits = nlohmann::json::array();
    for (const OpenCircuit& c : openNow.value())
        circuits.push_back({ { "target", c.target }, { "since", formatRfc3339(c.sinceMs) }, { "since_ms", c.sinceMs },
            { "last_error", c.lastError }, { "incident_id", c.incidentId }, { "probes", c.probes },
            { "next_probe_at", formatRfc3339(c.nextProbeAtMs) }, { "waiting", c.waiting } });
    out["open_circuits"] = circuits;
    return out;
}

Result<std::vector<OpenCircuit>> openCircuits(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT c.target_id, c.opened_at, c.last_error, c.incident_id, c.probes,"
                               " c.next_probe_at, (SELECT coalesce(sum(n), 0) FROM delivery_counter k"
                               " WHERE k.target_id = c.target_id AND k.status = ")
            + QString::fromStdString(sqlStatus(DeliveryStatus::BlockedByOutage))
            + QStringLiteral(") FROM target_circuit c WHERE c.state = 'open' ORDER BY c.target_id")))
        return makeError(sqlError(q, QStringLiteral("open circuits")));
    std::vector<OpenCircuit> out;
    while (q.next())
        out.push_back({ q.value(0).toString().toStdString(), q.value(1).toLongLong(), q.value(3).toLongLong(),
            q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toLongLong(),
            q.value(2).toString().toStdString() });
    return out;
}

Result<std::vector<ResolvedOutage>> resolvedOutages(
    const QSqlDatabase& db, std::int64_t endedFromMs, const std::string& target)
{
    // updated_at is the resolution time or later, so it bounds the candidates; the details say exactly.
    QSqlQuery q(db);
    q.setForwardOnly(true);
    const bool oneTarget = !target.empty();
    if (!q.prepare(QStringLiteral("SELECT id, target_id, details FROM exception WHERE status = '")
            + QString::fromUtf8(toString(ExceptionStatus::Resolved))
            + QStringLiteral("' AND category = 'target_outage' AND updated_at >= ?")
            + (oneTarget ? QStringLiteral(" AND target_id = ?") : QString()) + QStringLiteral(" ORDER BY id")))
        return makeError(sqlError(q, QStringLiteral("resolved outages")));
    q.addBindValue(QVariant::fromValue<qlonglong>(endedFromMs));
    if (oneTarget)
        q.addBindValue(QString::fromStdString(target));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("resolved outages")));
    std::vector<ResolvedOutage> out;
    while (q.next()) {
        const auto details = nlohmann::json::parse(q.value(2).toString().toStdString(), nullptr, false);
        if (!details.is_object())
            continue;
        const auto since = details.find("since_ms");
        const auto duration = details.find("duration_ms");
        if (since == details.end() || duration == details.end() || !since->is_number_integer()
            || !duration->is_number_integer())
            continue;
        ResolvedOutage o;
        o.incidentId = q.value(0).toLongLong();
        o.target = q.value(1).toString().toStdString();
        o.sinceMs = since->get<std::int64_t>();
        o.endedMs = o.sinceMs + std::max<std::int64_t>(0, duration->get<std::int64_t>());
        if (o.endedMs >= endedFromMs)
            out.push_back(std::move(o));
    }
    std::stable_sort(
        out.begin(), out.end(), [](const ResolvedOutage& a, const ResolvedOutage& b) { return a.endedMs < b.endedMs; });
    return out;
}

} // namespace mdsync::read
