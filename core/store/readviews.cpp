#include "store/readviews.h"

#include "store/exceptionstatus.h"
#include "store/readqueries.h"
#include "store/workspace.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace mdsync::read {

namespace {

Result<void> dashQuery(QSqlQuery& q, const QString& sql)
{
    if (!q.prepare(sql))
        return makeError(QStringLiteral("dashboard: %1").arg(q.lastError().text()));
    if (!q.exec())
        return makeError(QStringLiteral("dashboard: %1").arg(q.lastError().text()));
    return {};
}

nlohmann::json parsedOrNull(const QVariant& v)
{
    auto j = nlohmann::json::parse(v.toString().toStdString(), nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
}

} // namespace

Result<DashboardData> dashboard(QSqlDatabase& db)
{
    DashboardData d;
    // Open exceptions by severity: the open set through the index exception_open (status prefix).
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (auto r = dashQuery(q,
            QStringLiteral("SELECT severity, count(*) FROM exception WHERE status IN ")
                + QString::fromStdString(sqlOpenExceptionStatuses()) + QStringLiteral(" GROUP BY severity"));
        !r)
        return makeError(r.error());
    while (q.next())
        d.openBySeverity[q.value(0).toString()] = q.value(1).toLongLong();
    if (auto r = dashQuery(q, QStringLiteral("SELECT id, name, kind, paused FROM system ORDER BY id")); !r)
        return makeError(r.error());
    while (q.next()) {
        DashboardData::System sys;
        sys.id = q.value(0).toString();
        sys.name = q.value(1).toString();
        sys.kind = q.value(2).toString();
        sys.paused = q.value(3).toInt() != 0;
        d.systems.push_back(std::move(sys));
    }
    if (auto r = dashQuery(q, QStringLiteral("SELECT DISTINCT target_id FROM subscription ORDER BY target_id")); !r)
        return makeError(r.error());
    while (q.next())
        d.subscribedTargets << q.value(0).toString();
    auto circuits = openCircuits(db);
    if (!circuits)
        return makeError(circuits.error());
    for (const OpenCircuit& c : circuits.value()) {
        const QString id = QString::fromStdString(c.target);
        for (DashboardData::System& sys : d.systems)
            if (sys.id == id) {
                sys.downSinceMs = c.sinceMs;
                sys.waiting = c.waiting;
                sys.lastError = QString::fromStdString(c.lastError);
            }
    }
    return d;
}

Result<PoliciesData> policies(QSqlDatabase& db, TimeMs now)
{
    PoliciesData s;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT name, label, attribute_groups, model_version FROM domain ORDER BY name")))
        return makeError(QStringLiteral("policies: domains: %1").arg(q.lastError().text()));
    while (q.next()) {
        PoliciesData::Domain d;
        d.name = q.value(0).toString();
        d.label = q.value(1).toString();
        const auto groups = nlohmann::json::parse(q.value(2).toString().toStdString(), nullptr, false);
        if (groups.is_array())
            for (const auto& g : groups)
                if (g.is_string())
                    d.groups << QString::fromStdString(g.get<std::string>());
        s.modelVersion = q.value(3).toString();
        s.domains.push_back(std::move(d));
    }
    if (!q.prepare(QStringLiteral("SELECT domain, attr_group, system_id FROM ownership"
                                  " WHERE valid_from <= ? AND valid_to > ? ORDER BY domain, attr_group, valid_from")))
        return makeError(QStringLiteral("policies: ownership: %1").arg(q.lastError().text()));
    q.addBindValue(QVariant::fromValue<qlonglong>(now));
    q.addBindValue(QVariant::fromValue<qlonglong>(now));
    if (!q.exec())
        return makeError(QStringLiteral("policies: ownership: %1").arg(q.lastError().text()));
    while (q.next())
        s.ownership.push_back({ q.value(0).toString(), q.value(1).toString(), q.value(2).toString() });
    if (!q.exec(
            QStringLiteral("SELECT domain, target_id, pattern, sla_minutes, criticality, contract_version,"
                           " window_start, window_end, filter, id FROM subscription ORDER BY domain, target_id, id")))
        return makeError(QStringLiteral("policies: subscriptions: %1").arg(q.lastError().text()));
    while (q.next()) {
        PoliciesData::Subscription sub;
        sub.domain = q.value(0).toString();
        sub.target = q.value(1).toString();
        sub.pattern = q.value(2).toString();
        sub.slaMinutes = q.value(3).toInt();
        sub.criticality = q.value(4).toString();
        sub.contractVersion = q.value(5).toString();
        if (!q.value(6).isNull())
            sub.windowStart = q.value(6).toInt();
        if (!q.value(7).isNull())
            sub.windowEnd = q.value(7).toInt();
        sub.filter = q.value(8).toString();
        sub.id = q.value(9).toString();
        s.subscriptions.push_back(std::move(sub));
    }
    return s;
}

Result<std::vector<RevisionState>> revisionStates(
    QSqlDatabase& db, const QString& domain, const QString& key, int limit)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT r.revision_no, r.state, r.changed, r.source_system, r.actor FROM revision r"
                             " JOIN object o ON o.id = r.object_id WHERE o.domain = ? AND o.key = ?"
                             " ORDER BY r.revision_no DESC LIMIT ?"));
    q.addBindValue(domain);
    q.addBindValue(key);
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("revisions")));
    std::vector<RevisionState> out;
    while (q.next())
        out.push_back({ q.value(0).toLongLong(), parsedOrNull(q.value(1)), parsedOrNull(q.value(2)),
            q.value(3).toString().toStdString(), q.value(4).toString().toStdString() });
    return out;
}

Result<std::optional<CurrentObject>> currentObject(QSqlDatabase& db, const QString& domain, const QString& key)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT o.revision_no, r.state, o.deleted FROM object o"
                             " JOIN revision r ON r.id = o.current_revision_id WHERE o.domain = ? AND o.key = ?"));
    q.addBindValue(domain);
    q.addBindValue(key);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("object")));
    if (!q.next())
        return std::optional<CurrentObject>();
    return std::optional<CurrentObject>(
        CurrentObject { q.value(0).toLongLong(), parsedOrNull(q.value(1)), q.value(2).toInt() != 0 });
}

Result<std::optional<AckedDelivery>> lastAckedDelivery(
    QSqlDatabase& db, const QString& domain, const QString& key, const QString& target)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT d.id, d.revision_no, d.contract_version, d.acked_at, d.payload_override, r.state"
                       " FROM delivery d JOIN object o ON o.id = d.object_id JOIN revision r ON r.id = d.revision_id"
                       " WHERE o.domain = ? AND o.key = ? AND d.target_id = ? AND d.status = 'acked'"
                       " ORDER BY d.acked_at DESC, d.id DESC LIMIT 1"));
    q.addBindValue(domain);
    q.addBindValue(key);
    q.addBindValue(target);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("acknowledged delivery")));
    if (!q.next())
        return std::optional<AckedDelivery>();
    return std::optional<AckedDelivery>(AckedDelivery { q.value(0).toLongLong(), q.value(1).toLongLong(),
        q.value(2).toString(), q.value(3).toLongLong(), q.value(4).toString(), parsedOrNull(q.value(5)) });
}

Result<std::vector<ObjectKey>> objectKeys(QSqlDatabase& db, const QString& domain, const QString& prefix, int limit)
{
    // A key range rather than LIKE: an index range on both backends, and case-sensitive on both.
    QString upper;
    if (!prefix.isEmpty()) {
        upper = prefix;
        upper.back() = QChar(static_cast<char16_t>(upper.back().unicode() + 1));
    }
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT key, coalesce(description, '') FROM object WHERE domain = ? AND deleted = 0")
        + (upper.isEmpty() ? QString() : QStringLiteral(" AND key >= ? AND key < ?"))
        + QStringLiteral(" ORDER BY key LIMIT ?"));
    q.addBindValue(domain);
    if (!upper.isEmpty()) {
        q.addBindValue(prefix);
        q.addBindValue(upper);
    }
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("object keys")));
    std::vector<ObjectKey> out;
    while (q.next())
        out.push_back({ q.value(0).toString(), q.value(1).toString() });
    return out;
}

Result<std::optional<std::pair<QString, QString>>> busiestObject(QSqlDatabase& db)
{
    QSqlQuery q(db);
    // A bounded read: the latest 2,000 events.
    if (!q.exec(QStringLiteral("SELECT domain, object_key FROM lineage_event"
                               " WHERE id > (SELECT coalesce(max(id), 0) - 2000 FROM lineage_event)"
                               " GROUP BY domain, object_key ORDER BY count(*) DESC, max(id) DESC LIMIT 1")))
        return makeError(sqlError(q, QStringLiteral("latest object")));
    if (!q.next())
        return std::optional<std::pair<QString, QString>>();
    return std::optional<std::pair<QString, QString>>(std::make_pair(q.value(0).toString(), q.value(1).toString()));
}

} // namespace mdsync::read
