#include "models/auditlogmodel.h"

#include "i18n.h"

#include <QDateTime>

namespace mdsync::ui {

namespace {

constexpr bool auditSameValue(int a, int b)
{
    return a == b;
}
// The columns are the core's row values, in order.
static_assert(auditSameValue(AuditLogModel::ColumnCount, read::AuValueCount)
    && auditSameValue(AuditLogModel::ReasonColumn, read::AuReason)
    && auditSameValue(AuditLogModel::TimeColumn, read::AuAt));

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
    return [f](QSqlDatabase& db) { return read::auditSeqs(db, f); };
}

PagedSqlModel::RowQuery AuditLogModel::rowQuery() const
{
    return [](QSqlDatabase& db, const std::vector<qint64>& ids) { return read::auditRows(db, ids); };
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
    return read::auditEntry(db, seq);
}

} // namespace mdsync::ui
