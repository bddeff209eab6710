#pragma once

// The exception backlog as a paged table (PagedSqlModel over table `exception`): filter and sort run in the core's
// read API (read::ExceptionQuery) on a worker thread, rows are fetched in chunks. The displayed status folds in what
// the steward needs to know: "assigned" (open with an assignee) and "awaiting_approval" (open with a correction waiting
// for four-eyes).

#include "models/pagedsqlmodel.h"
#include "store/readexceptions.h"

#include <QDateTime>
#include <QStringList>
#include <QVariantMap>

#include <map>

namespace mdsync::ui {

// The backlog's filter is the core's one exception query (core/store/readexceptions.h); the model keeps the
// sort apart (its column and order) and sets it on the query it runs.
using ExceptionFilter = read::ExceptionQuery;
using read::exceptionGroupCounts;
// Open-backlog counts by group ("category" or "target") under the filter, now: group -> count.
inline Result<std::map<QString, qint64>> exceptionGroupCounts(
    QSqlDatabase& db, const ExceptionFilter& f, const QString& by)
{
    return read::exceptionGroupCounts(db, f, by, QDateTime::currentMSecsSinceEpoch());
}

class ExceptionsModel final : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Columns { Id, Category, Severity, Object, Target, Age, Attempts, Assignee, Status, Message, ColumnCount };
    enum Roles { DomainRole = FirstSubclassRole, KeyRole, StageRole, RawStatusRole, CreatedRole };

    explicit ExceptionsModel(DbReader* reader, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) final;

    const ExceptionFilter& filter() const { return m_filter; }
    void setFilter(const ExceptionFilter& f);
    // Business impact (read::ExceptionQuery::Sort::Impact), most first, instead of the sort column; a click on a
    // column header turns it off (impactSortChanged).
    void setImpactSort(bool on);
    bool impactSort() const { return m_impactSort; }
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    static QString statusLabel(const QString& status);
    // "item/FG-1000", or for an exception about a whole system (a target_outage) words that say so.
    static QString objectLabel(const QString& domain, const QString& key);
    static QString ageText(qint64 ms);

Q_SIGNALS:
    void impactSortChanged(bool on);

protected:
    IdQuery idQuery() const final;
    RowQuery rowQuery() const final;
    QVariant cellData(const PagedRow& row, int column, int role) const final;

private:
    ExceptionFilter m_filter;
    int m_sortColumn = Id;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
    bool m_impactSort = false;
};

} // namespace mdsync::ui
