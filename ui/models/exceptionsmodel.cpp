#include "models/exceptionsmodel.h"

#include "widgets/statusstyle.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace mdsync::ui {

namespace {

// Row values in the order of the row query.
enum ExValue {
    VCategory,
    VSeverity,
    VDomain,
    VKey,
    VTarget,
    VCreated,
    VAttempts,
    VAssignee,
    VStatus,
    VMessage,
    VStage
};

QString exSqlError(const QSqlQuery& q, const QString& what)
{
    return QStringLiteral("exceptions: %1 failed: %2").arg(what, q.lastError().text());
}

QString exSortExpression(int column)
{
    switch (column) {
    case ExceptionsModel::Category:
        return QStringLiteral("e.category");
    case ExceptionsModel::Severity:
        return QStringLiteral("CASE e.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2"
                              " WHEN 'low' THEN 1 ELSE 0 END");
    case ExceptionsModel::Object:
        return QStringLiteral("e.domain, e.object_key");
    case ExceptionsModel::Target:
        return QStringLiteral("e.target_id");
    case ExceptionsModel::Age:
        return QStringLiteral("-e.created_at");
    case ExceptionsModel::Attempts:
        return QStringLiteral("COALESCE(d.attempts, 0)");
    case ExceptionsModel::Assignee:
        return QStringLiteral("e.assignee");
    case ExceptionsModel::Status:
        return exceptionDisplayStatusSql();
    case ExceptionsModel::Message:
        return QStringLiteral("e.message");
    default:
        return QStringLiteral("e.id");
    }
}

} // namespace

ExceptionFilter ExceptionFilter::fromMap(const QVariantMap& map)
{
    ExceptionFilter f;
    f.text = map.value(QStringLiteral("text")).toString();
    f.category = map.value(QStringLiteral("category")).toString();
    f.severity = map.value(QStringLiteral("severity")).toString();
    f.target = map.value(QStringLiteral("target")).toString();
    f.domain = map.value(QStringLiteral("domain")).toString();
    f.objectKey = map.value(QStringLiteral("object_key"), map.value(QStringLiteral("key"))).toString();
    if (map.contains(QStringLiteral("status"))) {
        const QVariant s = map.value(QStringLiteral("status"));
        f.statuses = s.typeId() == QMetaType::QStringList || s.typeId() == QMetaType::QVariantList
            ? s.toStringList()
            : s.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    }
    f.olderThanMinutes = map.value(QStringLiteral("older_than_minutes")).toLongLong();
    f.id = map.value(QStringLiteral("id")).toLongLong();
    if (f.id)
        f.statuses.clear(); // one exception by id: whatever its status
    return f;
}

ExceptionSql exceptionFilterSql(const ExceptionFilter& f, qint64 nowMs)
{
    QStringList where;
    ExceptionSql out;
    auto eq = [&](const QString& column, const QString& value) {
        if (value.isEmpty())
            return;
        where << column + QStringLiteral(" = ?");
        out.binds << value;
    };
    if (f.id) {
        where << QStringLiteral("e.id = ?");
        out.binds << f.id;
    }
    eq(QStringLiteral("e.category"), f.category);
    eq(QStringLiteral("e.severity"), f.severity);
    eq(QStringLiteral("e.target_id"), f.target);
    eq(QStringLiteral("e.domain"), f.domain);
    eq(QStringLiteral("e.object_key"), f.objectKey);
    if (!f.text.isEmpty()) {
        where << QStringLiteral("(e.object_key LIKE ? ESCAPE '\\' OR e.message LIKE ? ESCAPE '\\')");
        QString t = f.text;
        t.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('%'), QStringLiteral("\\%"))
            .replace(QLatin1Char('_'), QStringLiteral("\\_"));
        const QString pattern = QLatin1Char('%') + t + QLatin1Char('%');
        out.binds << pattern << pattern;
    }
    if (f.olderThanMinutes > 0) {
        where << QStringLiteral("e.created_at <= ?");
        out.binds << nowMs - f.olderThanMinutes * 60 * 1000;
    }
    if (!f.statuses.isEmpty()) {
        QStringList marks;
        for (const QString& s : f.statuses) {
            marks << QStringLiteral("?");
            out.binds << s;
        }
        where << exceptionDisplayStatusSql() + QStringLiteral(" IN (") + marks.join(QLatin1Char(','))
                + QLatin1Char(')');
    }
    out.where = where.isEmpty() ? QStringLiteral("1") : where.join(QStringLiteral(" AND "));
    return out;
}

Result<std::map<QString, qint64>> exceptionGroupCounts(QSqlDatabase& db, const ExceptionFilter& f, const QString& by)
{
    const QString column
        = by == QLatin1String("target") ? QStringLiteral("COALESCE(e.target_id, '')") : QStringLiteral("e.category");
    const ExceptionSql sql = exceptionFilterSql(f, QDateTime::currentMSecsSinceEpoch());
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT %1, count(*) FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                                  " WHERE %2 GROUP BY 1")
                       .arg(column, sql.where)))
        return makeError(exSqlError(q, QStringLiteral("group counts")));
    for (const QVariant& v : sql.binds)
        q.addBindValue(v);
    if (!q.exec())
        return makeError(exSqlError(q, QStringLiteral("group counts")));
    std::map<QString, qint64> out;
    while (q.next())
        out[q.value(0).toString()] = q.value(1).toLongLong();
    return out;
}

ExceptionsModel::ExceptionsModel(DbReader* reader, QObject* parent)
    : PagedSqlModel(reader, parent)
{ }

int ExceptionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ExceptionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("#");
    case Category:
        return tr("Category");
    case Severity:
        return tr("Severity");
    case Object:
        return tr("Object");
    case Target:
        return tr("Target");
    case Age:
        return tr("Age");
    case Attempts:
        return tr("Attempts");
    case Assignee:
        return tr("Assignee");
    case Status:
        return tr("Status");
    case Message:
        return tr("Message");
    default:
        return {};
    }
}

void ExceptionsModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    reload();
}

void ExceptionsModel::setFilter(const ExceptionFilter& f)
{
    m_filter = f;
    reload();
}

QString ExceptionsModel::statusLabel(const QString& status)
{
    if (status == QLatin1String("open"))
        return tr("open");
    if (status == QLatin1String("assigned"))
        return tr("assigned");
    if (status == QLatin1String("awaiting_approval"))
        return tr("awaiting approval");
    if (status == QLatin1String("replayed"))
        return tr("replayed");
    if (status == QLatin1String("resolved"))
        return tr("resolved");
    if (status == QLatin1String("discarded"))
        return tr("discarded");
    if (status == QLatin1String("superseded"))
        return tr("superseded");
    return status;
}

QString ExceptionsModel::ageText(qint64 ms)
{
    const qint64 minutes = std::max<qint64>(0, ms / 60000);
    if (minutes < 1)
        return tr("< 1 min");
    if (minutes < 60)
        return tr("%1 min").arg(minutes);
    if (minutes < 48 * 60)
        return tr("%1 h").arg(minutes / 60);
    return tr("%1 d").arg(minutes / (24 * 60));
}

PagedSqlModel::IdQuery ExceptionsModel::idQuery() const
{
    const ExceptionFilter f = m_filter;
    const QString order = exSortExpression(m_sortColumn);
    const QString direction = m_sortOrder == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC");
    return [f, order, direction](QSqlDatabase& db) -> Result<std::vector<qint64>> {
        const ExceptionSql sql = exceptionFilterSql(f, QDateTime::currentMSecsSinceEpoch());
        QStringList orderBy;
        for (const QString& part : order.split(QStringLiteral(", ")))
            orderBy << part + QLatin1Char(' ') + direction;
        orderBy << QStringLiteral("e.id ") + direction;
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.prepare(QStringLiteral("SELECT e.id FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                                      " WHERE %1 ORDER BY %2")
                           .arg(sql.where, orderBy.join(QStringLiteral(", ")))))
            return makeError(exSqlError(q, QStringLiteral("list")));
        for (const QVariant& v : sql.binds)
            q.addBindValue(v);
        if (!q.exec())
            return makeError(exSqlError(q, QStringLiteral("list")));
        std::vector<qint64> ids;
        while (q.next())
            ids.push_back(q.value(0).toLongLong());
        return ids;
    };
}

PagedSqlModel::RowQuery ExceptionsModel::rowQuery() const
{
    return [](QSqlDatabase& db, const std::vector<qint64>& ids) -> Result<std::vector<PagedRow>> {
        std::vector<PagedRow> rows;
        if (ids.empty())
            return rows;
        QStringList idList;
        idList.reserve(static_cast<qsizetype>(ids.size()));
        for (qint64 id : ids)
            idList << QString::number(id);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT e.id, e.category, e.severity, e.domain, e.object_key, e.target_id,"
                                   " e.created_at, COALESCE(d.attempts, 0), e.assignee, %1, e.message, e.stage"
                                   " FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                                   " WHERE e.id IN (%2)")
                        .arg(exceptionDisplayStatusSql(), idList.join(QLatin1Char(',')))))
            return makeError(exSqlError(q, QStringLiteral("rows")));
        rows.reserve(ids.size());
        while (q.next()) {
            PagedRow r;
            r.id = q.value(0).toLongLong();
            r.values.reserve(11);
            for (int i = 1; i <= 11; ++i)
                r.values.push_back(q.value(i));
            rows.push_back(std::move(r));
        }
        return rows;
    };
}

QVariant ExceptionsModel::cellData(const PagedRow& row, int column, int role) const
{
    auto v = [&row](int i) { return row.values[static_cast<size_t>(i)]; };
    switch (role) {
    case DomainRole:
        return v(VDomain);
    case KeyRole:
        return v(VKey);
    case StageRole:
        return v(VStage);
    case RawStatusRole:
        return v(VStatus);
    case CreatedRole:
        return v(VCreated);
    default:
        break;
    }
    if (column == Severity) {
        const StatusLook look = severityLook(v(VSeverity).toString());
        if (role == Qt::DisplayRole)
            return look.label;
        if (role == Qt::DecorationRole)
            return look.icon;
        if (role == Qt::ForegroundRole)
            return look.color;
        return {};
    }
    if (role == Qt::ToolTipRole && column == Message)
        return v(VMessage);
    if (role == Qt::TextAlignmentRole && (column == Id || column == Attempts || column == Age))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (column) {
    case Id:
        return row.id;
    case Category:
        return v(VCategory);
    case Object:
        return QString(v(VDomain).toString() + QLatin1Char('/') + v(VKey).toString());
    case Target:
        return v(VTarget);
    case Age:
        return ageText(QDateTime::currentMSecsSinceEpoch() - v(VCreated).toLongLong());
    case Attempts:
        return v(VAttempts);
    case Assignee:
        return v(VAssignee);
    case Status:
        return statusLabel(v(VStatus).toString());
    case Message:
        return v(VMessage).toString().left(300);
    default:
        return {};
    }
}

} // namespace mdsync::ui
