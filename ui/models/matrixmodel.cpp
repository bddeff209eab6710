#include "models/matrixmodel.h"

#include "widgets/statusstyle.h"

#include <QCoreApplication>
#include <QLocale>

#include <limits>
#include <map>

namespace mdsync::ui {

namespace {

constexpr bool matrixSameValue(int a, int b)
{
    return a == b;
}
// The model's columns and row values are the core's (read::MatrixColumn, read::MatrixValue).
static_assert(matrixSameValue(MatrixModel::FirstTargetColumn, read::MatrixFirstTargetColumn)
    && matrixSameValue(MatrixModel::UpdatedColumn, read::MatrixUpdatedColumn)
    && matrixSameValue(MatrixModel::KeyColumn, read::MatrixKeyColumn));
static_assert(matrixSameValue(MatrixModel::VFirstTarget, read::MxFirstTarget)
    && matrixSameValue(MatrixModel::kPerTarget, read::kMatrixPerTarget)
    && matrixSameValue(MatrixModel::TAttempts, read::MxAttempts));

} // namespace

QString ageText(qint64 atMs, const QDateTime& now)
{
    if (atMs <= 0)
        return {};
    const qint64 s = std::max<qint64>(0, (now.toMSecsSinceEpoch() - atMs) / 1000);
    // Plain int variables as counts: lupdate (Qt 6.4) skips or hangs on casts and divisions in the argument.
    const int secs = static_cast<int>(std::min<qint64>(s, std::numeric_limits<int>::max()));
    const int mins = secs / 60;
    const int hours = secs / 3600;
    const int days = secs / 86400;
    if (s < 60)
        return QCoreApplication::translate("Age", "%n s", nullptr, secs);
    if (s < 3600)
        return QCoreApplication::translate("Age", "%n min", nullptr, mins);
    if (s < 86400)
        return QCoreApplication::translate("Age", "%n h", nullptr, hours);
    return QCoreApplication::translate("Age", "%n d", nullptr, days);
}

MatrixModel::MatrixModel(DbReader* reader, MatrixLayout layout, QObject* parent)
    : PagedSqlModel(reader, parent)
    , m_layout(std::move(layout))
{
    reload();
}

int MatrixModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstTargetColumn + static_cast<int>(m_layout.targets.size());
}

QVariant MatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (section >= FirstTargetColumn) {
        const size_t t = static_cast<size_t>(section - FirstTargetColumn);
        if (t >= m_layout.targets.size())
            return {};
        const auto& target = m_layout.targets[t];
        if (role == Qt::DisplayRole)
            return target.id;
        if (role == Qt::ToolTipRole)
            return tr("%1 (%2)%3")
                .arg(target.name, target.kind,
                    target.plants.isEmpty() ? QString()
                                            : tr(", plants %1").arg(target.plants.join(QStringLiteral(", "))));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case DomainColumn:
        return tr("Domain");
    case KeyColumn:
        return tr("Key");
    case DescriptionColumn:
        return tr("Description");
    case RevisionColumn:
        return tr("Rev");
    case LifecycleColumn:
        return tr("Lifecycle");
    case UpdatedColumn:
        return tr("Changed");
    }
    return {};
}

void MatrixModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= columnCount())
        return;
    if (m_filter.sortColumn == column && m_filter.order == order)
        return;
    m_filter.sortColumn = column;
    m_filter.order = order;
    reload();
}

void MatrixModel::setFilter(const MatrixFilter& filter)
{
    const int sortColumn = m_filter.sortColumn;
    const Qt::SortOrder order = m_filter.order;
    m_filter = filter;
    m_filter.sortColumn = sortColumn;
    m_filter.order = order;
    reload();
}

PagedSqlModel::IdQuery MatrixModel::idQuery() const
{
    const MatrixSql sql = matrixIdSql(m_filter, m_layout);
    return [sql, orders = m_orders](QSqlDatabase& db) { return read::matrixIds(db, sql, orders.get()); };
}

PagedSqlModel::RowQuery MatrixModel::rowQuery() const
{
    std::map<QString, size_t> column;
    for (size_t i = 0; i < m_layout.targets.size(); ++i)
        column[m_layout.targets[i].id] = i;
    return [column](QSqlDatabase& db, const std::vector<qint64>& ids) { return read::matrixRows(db, ids, column); };
}

QVariant MatrixModel::cellData(const PagedRow& row, int column, int role) const
{
    auto value = [&row](size_t i) { return i < row.values.size() ? row.values[i] : QVariant(); };
    if (role == DomainRole)
        return value(VDomain);
    if (role == KeyRole)
        return value(VKey);
    if (column < FirstTargetColumn) {
        if (role == Qt::DisplayRole || role == Qt::EditRole) {
            if (column == UpdatedColumn)
                return ageText(value(VUpdated).toLongLong(), now());
            return value(static_cast<size_t>(column));
        }
        if (role == Qt::ToolTipRole && column == UpdatedColumn)
            return QLocale().toString(
                QDateTime::fromMSecsSinceEpoch(value(VUpdated).toLongLong()).toLocalTime(), QLocale::ShortFormat);
        if (role == Qt::TextAlignmentRole && column == RevisionColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    const size_t t = static_cast<size_t>(column - FirstTargetColumn);
    if (t >= m_layout.targets.size())
        return {};
    const size_t base = VFirstTarget + t * kPerTarget;
    QString status = value(base + TStatus).toString();
    if (status.isEmpty()) {
        // No delivery of this object to the target: it does not subscribe to the domain, or its filter
        // excludes the object.
        status = QStringLiteral("not_subscribed");
        if (role == Qt::ToolTipRole) {
            const bool subscribed
                = m_layout.subscribed.count({ value(VDomain).toString(), m_layout.targets[t].id }) > 0;
            return subscribed
                ? tr("%1 subscribes to %2, but its subscription filter excludes this object")
                      .arg(m_layout.targets[t].id, value(VDomain).toString())
                : tr("%1 does not subscribe to %2").arg(m_layout.targets[t].id, value(VDomain).toString());
        }
    }
    if (role == StatusRole)
        return status;
    const StatusLook look = deliveryStatusLook(status);
    switch (role) {
    case Qt::DisplayRole:
        return look.label;
    case Qt::DecorationRole:
        return look.icon;
    case Qt::BackgroundRole:
        return status == QLatin1String("not_subscribed") ? QVariant() : QVariant(tinted(look.color));
    case Qt::ToolTipRole: {
        QString tip = tr("<b>%1</b> at %2<br>revision %3 (object at revision %4)")
                          .arg(look.label, m_layout.targets[t].id)
                          .arg(value(base + TRevision).toLongLong())
                          .arg(value(VRevision).toLongLong());
        if (!value(base + TAcked).isNull())
            tip += tr("<br>last acknowledged: revision %1").arg(value(base + TAcked).toLongLong());
        tip += tr("<br>status for %1").arg(ageText(value(base + TUpdated).toLongLong(), now()));
        if (value(base + TAttempts).toInt() > 0)
            tip += tr("<br>attempts: %1").arg(value(base + TAttempts).toInt());
        const QString error = value(base + TError).toString();
        if (!error.isEmpty())
            tip += tr("<br>last error: %1").arg(error.toHtmlEscaped());
        return tip;
    }
    }
    return {};
}

} // namespace mdsync::ui
