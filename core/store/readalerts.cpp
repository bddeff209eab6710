#include "store/readalerts.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace mdsync::read {

Result<std::vector<AlertRow>> alerts(QSqlDatabase& db, const QString& status, int limit)
{
    const bool all = status.isEmpty() || status == QLatin1String("all");
    if (!all && status != QLatin1String("open") && status != QLatin1String("acknowledged")
        && status != QLatin1String("cleared"))
        return makeError(QStringLiteral("alerts: unknown status '%1' (open, acknowledged, cleared, all)").arg(status));
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(
            QStringLiteral("SELECT id, rule, severity, status, dedup_key, domain, object_key, target_id, message,"
                           " details, fired_at, last_seen_at, acked_by, acked_at, cleared_at FROM alert")
            + (all ? QString() : QStringLiteral(" WHERE status = ?"))
            + QStringLiteral(" ORDER BY fired_at DESC, id DESC LIMIT ?")))
        return makeError(QStringLiteral("alerts: %1").arg(q.lastError().text()));
    if (!all)
        q.addBindValue(status);
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(QStringLiteral("alerts: %1").arg(q.lastError().text()));
    std::vector<AlertRow> out;
    while (q.next()) {
        AlertRow a;
        a.id = q.value(0).toLongLong();
        a.rule = q.value(1).toString();
        a.severity = q.value(2).toString();
        a.status = q.value(3).toString();
        a.dedupKey = q.value(4).toString();
        a.domain = q.value(5).toString();
        a.objectKey = q.value(6).toString();
        a.target = q.value(7).toString();
        a.message = q.value(8).toString();
        a.details = nlohmann::json::parse(q.value(9).toString().toStdString(), nullptr, false);
        if (a.details.is_discarded())
            a.details = nlohmann::json();
        a.firedAt = q.value(10).toLongLong();
        a.lastSeenAt = q.value(11).toLongLong();
        a.ackedBy = q.value(12).toString();
        a.ackedAt = q.value(13).toLongLong();
        a.clearedAt = q.value(14).toLongLong();
        out.push_back(std::move(a));
    }
    return out;
}

Result<QMap<QString, qint64>> alertCounts(QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT status, count(*) FROM alert GROUP BY status")))
        return makeError(QStringLiteral("alert counts: %1").arg(q.lastError().text()));
    QMap<QString, qint64> out;
    while (q.next())
        out.insert(q.value(0).toString(), q.value(1).toLongLong());
    return out;
}

} // namespace mdsync::read
