#include "models/exceptionsmodel.h"

#include "widgets/statusstyle.h"

#include <QDateTime>

namespace mdsync::ui {

namespace {

// Row values: the core's order (read::exceptionRows).
enum ExValue {
    VCategory = read::ExCategory,
    VSeverity = read::ExSeverity,
    VDomain = read::ExDomain,
    VKey = read::ExKey,
    VTarget = read::ExTarget,
    VCreated = read::ExCreated,
    VAttempts = read::ExAttempts,
    VAssignee = read::ExAssignee,
    VStatus = read::ExStatus,
    VMessage = read::ExMessage,
    VStage = read::ExStage
};

// The model's columns are the first sort keys of the query, in the same order.
static_assert(static_cast<int>(read::ExceptionQuery::Sort::Message) == static_cast<int>(ExceptionsModel::Message));

} // namespace

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
    if (column < 0 || column >= ColumnCount || (column == m_sortColumn && order == m_sortOrder && !m_impactSort))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    if (m_impactSort) {
        m_impactSort = false;
        Q_EMIT impactSortChanged(false);
    }
    reload();
}

void ExceptionsModel::setImpactSort(bool on)
{
    if (on == m_impactSort)
        return;
    m_impactSort = on;
    Q_EMIT impactSortChanged(on);
    reload();
}

void ExceptionsModel::setFilter(const ExceptionFilter& f)
{
    m_filter = f;
    reload();
}

QString ExceptionsModel::objectLabel(const QString& domain, const QString& key)
{
    if (domain.isEmpty() && key.isEmpty())
        return tr("(the whole system)");
    return QString(domain + QLatin1Char('/') + key);
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
    read::ExceptionQuery query = m_filter;
    query.sort
        = m_impactSort ? read::ExceptionQuery::Sort::Impact : static_cast<read::ExceptionQuery::Sort>(m_sortColumn);
    query.descending = m_impactSort || m_sortOrder == Qt::DescendingOrder;
    return [query](QSqlDatabase& db) { return read::exceptionIds(db, query, QDateTime::currentMSecsSinceEpoch()); };
}

PagedSqlModel::RowQuery ExceptionsModel::rowQuery() const
{
    return [](QSqlDatabase& db, const std::vector<qint64>& ids) { return read::exceptionRows(db, ids); };
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
        return objectLabel(v(VDomain).toString(), v(VKey).toString());
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
