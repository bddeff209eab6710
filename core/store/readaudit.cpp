#include "store/readaudit.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

#include <nlohmann/json.hpp>

namespace mdsync::read {

namespace {

QString auditLikePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('%'), QLatin1String("\\%"))
        .replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

QString auditPretty(const QVariant& v)
{
    if (v.isNull())
        return {};
    const std::string text = v.toString().toStdString();
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded())
        return v.toString();
    return QString::fromStdString(j.dump(2));
}

} // namespace

Result<std::vector<qint64>> auditSeqs(QSqlDatabase& db, const AuditFilter& f)
{
    QStringList where;
    QVariantList binds;
    auto like = [&](const char* column, const QString& text) {
        if (text.trimmed().isEmpty())
            return;
        // lower(...) LIKE lower(?): case-insensitive on both backends (SQLite's LIKE is, PostgreSQL's is not).
        where << QStringLiteral("lower(%1) LIKE lower(?) ESCAPE '\\'").arg(QLatin1String(column));
        binds << auditLikePattern(text.trimmed());
    };
    like("actor", f.actor);
    like("action", f.action);
    like("subject", f.subject);
    // Entry times are RFC 3339 UTC with milliseconds, so text order is time order.
    if (f.from) {
        where << QStringLiteral("at >= ?");
        binds << QString::fromStdString(formatRfc3339(*f.from));
    }
    if (f.to) {
        where << QStringLiteral("at < ?");
        binds << QString::fromStdString(formatRfc3339(*f.to));
    }
    QString sql = QStringLiteral("SELECT seq FROM audit_log");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY seq");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return makeError(QStringLiteral("audit log: %1").arg(q.lastError().text()));
    for (const QVariant& b : binds)
        q.addBindValue(b);
    if (!q.exec())
        return makeError(QStringLiteral("audit log: %1").arg(q.lastError().text()));
    std::vector<qint64> ids;
    while (q.next())
        ids.push_back(q.value(0).toLongLong());
    return ids;
}

Result<std::vector<PagedRow>> auditRows(QSqlDatabase& db, const std::vector<qint64>& seqs)
{
    std::vector<PagedRow> rows;
    if (seqs.empty())
        return rows;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT seq, at, actor, action, subject, reason FROM audit_log WHERE seq IN (%1)")
                    .arg(idList(seqs))))
        return makeError(QStringLiteral("audit log rows: %1").arg(q.lastError().text()));
    while (q.next()) {
        PagedRow r;
        r.id = q.value(0).toLongLong();
        for (int c = 0; c < AuValueCount; ++c)
            r.values.push_back(q.value(c));
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<AuditEntry> auditEntry(QSqlDatabase& db, qint64 seq)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT seq, at, actor, action, subject, reason, before, after, hash, prev_hash"
                                  " FROM audit_log WHERE seq = ?")))
        return makeError(QStringLiteral("audit entry %1: %2").arg(seq).arg(q.lastError().text()));
    q.addBindValue(seq);
    if (!q.exec())
        return makeError(QStringLiteral("audit entry %1: %2").arg(seq).arg(q.lastError().text()));
    if (!q.next())
        return makeError(QStringLiteral("audit entry %1: not found").arg(seq));
    AuditEntry d;
    d.seq = q.value(0).toLongLong();
    d.at = q.value(1).toString();
    d.actor = q.value(2).toString();
    d.action = q.value(3).toString();
    d.subject = q.value(4).toString();
    d.reason = q.value(5).toString();
    d.before = auditPretty(q.value(6));
    d.after = auditPretty(q.value(7));
    d.hash = q.value(8).toString();
    d.prevHash = q.value(9).toString();
    return d;
}

} // namespace mdsync::read
