#pragma once

// The propagation matrix: one row per business object (domain, key, description, current revision,
// lifecycle, last change), one column per target system; a cell is the status of the object's latest
// revision at that system (acked, pending, sending, held by dependency, retrying, failed, superseded, not
// subscribed) with icon, text and tint, and a tooltip with revision, age, attempts and last error.
// Filtering and sorting happen in the core's read API on a worker (PagedSqlModel): 1M objects never sit in memory.

#include "models/pagedsqlmodel.h"
#include "store/readmatrix.h"

#include <QDateTime>
#include <QStringList>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mdsync::ui {

// Filter, layout and SQL of the matrix are the core's (core/store/readmatrix.h).
using MatrixFilter = read::MatrixFilter;
using MatrixLayout = read::MatrixLayout;
using MatrixSql = read::MatrixSql;
// The targets (columns) and subscriptions of the workspace, read once per model.
inline Result<MatrixLayout> loadMatrixLayout(QSqlDatabase& db)
{
    return read::matrixLayout(db);
}
// The id query of a filter now, for the model and for bench_ui's raw comparison.
inline MatrixSql matrixIdSql(const MatrixFilter& f, const MatrixLayout& layout)
{
    return read::matrixIdSql(f, layout, QDateTime::currentMSecsSinceEpoch());
}

class MatrixModel final : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Columns {
        DomainColumn,
        KeyColumn,
        DescriptionColumn,
        RevisionColumn,
        LifecycleColumn,
        UpdatedColumn,
        FirstTargetColumn
    };
    enum Roles { StatusRole = FirstSubclassRole, DomainRole, KeyRole };
    // Values of a loaded row: the object's fields, then kPerTarget values per target in layout order.
    enum Value { VDomain, VKey, VDescription, VRevision, VLifecycle, VUpdated, VFirstTarget };
    enum TargetValue { TStatus, TRevision, TAcked, TUpdated, TError, TAttempts, kPerTarget };

    MatrixModel(DbReader* reader, MatrixLayout layout, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    const MatrixLayout& layout() const { return m_layout; }
    const MatrixFilter& filter() const { return m_filter; }
    void setFilter(const MatrixFilter& filter);
    // The clock the ages are computed against (tests pin it).
    void setNow(const QDateTime& now) { m_now = now; }

protected:
    IdQuery idQuery() const override;
    RowQuery rowQuery() const override;
    QVariant cellData(const PagedRow& row, int column, int role) const override;

private:
    QDateTime now() const { return m_now.isValid() ? m_now : QDateTime::currentDateTimeUtc(); }

    MatrixLayout m_layout;
    MatrixFilter m_filter;
    QDateTime m_now;
    // Filters sorted by an object's column are sorted in memory by these (shared with the queries running on the
    // reader's workers).
    std::shared_ptr<read::MatrixOrders> m_orders = std::make_shared<read::MatrixOrders>();
};

// "3 min", "2 h", "5 d" — the age of a timestamp (UTC ms) relative to `now`.
QString ageText(qint64 atMs, const QDateTime& now);

} // namespace mdsync::ui
