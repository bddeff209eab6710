#include "models/auditlogmodel.h"

#include "i18n.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

#include <nlohmann/json.hpp>

namespace mdsync::ui {

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

AuditLogModel::AuditLogModel(DbReader* reader, QObject* parent)
    : PagedSqlModel(reader, parent)
{ }

int AuditLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case SeqColumn:
        return tr("Seq");
    case TimeColumn:
        return tr("Time (UTC)");
    case ActorColumn:
        return tr("Actor");
    case ActionColumn:
        return tr("Action");
    case SubjectColumn:
        return tr("Subject");
    case ReasonColumn:
        return tr("Reason");
    default:
        return {};
    }
}

void AuditLogModel::setFilter(const AuditFilter& filter)
{
    if (m_loaded && filter == m_filter)
        return;
    m_filter = filter;
    m_loaded = true;
    reload();
}

PagedSqlModel::IdQuery AuditLogModel::idQuery() const
{
    const AuditFilter f = m_filter;
    return [f](QSqlDatabase& db) -> Result<std::vector<qint64>> {
        QStringList where;
        QVariantList binds;
        auto like = [&](const char* column, const QString& text) {
            if (text.trimmed().isEmpty())
                return;
            where << QStringLiteral("%1 LIKE ? ESCAPE '\\'").arg(QLatin1String(column));
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
    };
}

PagedSqlModel::RowQuery AuditLogModel::rowQuery() const
{
    return [](QSqlDatabase& db, const std::vector<qint64>& ids) -> Result<std::vector<PagedRow>> {
        std::vector<PagedRow> rows;
        if (ids.empty())
            return rows;
        QString list;
        for (qint64 id : ids) {
            if (!list.isEmpty())
                list += QLatin1Char(',');
            list += QString::number(id);
        }
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT seq, at, actor, action, subject, reason FROM audit_log WHERE seq IN (%1)")
                        .arg(list)))
            return makeError(QStringLiteral("audit log rows: %1").arg(q.lastError().text()));
        while (q.next()) {
            PagedRow r;
            r.id = q.value(0).toLongLong();
            for (int c = 0; c < ColumnCount; ++c)
                r.values.push_back(q.value(c));
            rows.push_back(std::move(r));
        }
        return rows;
    };
}

QVariant AuditLogModel::cellData(const PagedRow& row, int column, int role) const
{
    if (column < 0 || column >= ColumnCount || static_cast<size_t>(column) >= row.values.size())
        return {};
    const QVariant& v = row.values[static_cast<size_t>(column)];
    if (role == Qt::DisplayRole) {
        if (column == TimeColumn) {
            const QDateTime at = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
            return at.isValid() ? formatUtcDateTime(at.toUTC(), false) : v.toString();
        }
        if (column == ReasonColumn)
            return v.toString().simplified();
        return v;
    }
    if (role == Qt::ToolTipRole && (column == ReasonColumn || column == SubjectColumn))
        return v.toString();
    if (role == Qt::TextAlignmentRole && column == SeqColumn)
        return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
    return {};
}

Result<AuditDetail> AuditLogModel::loadDetail(QSqlDatabase& db, qint64 seq)
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
    AuditDetail d;
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

} // namespace mdsync::ui
