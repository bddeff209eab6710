#pragma once

// The exception backlog as a paged table (PagedSqlModel over table `exception`): filter and sort run in SQL on a
// worker thread, rows are fetched in chunks. The displayed status folds in what the steward needs to know:
// "assigned" (open with an assignee) and "awaiting_approval" (open with a correction waiting for four-eyes).

#include "models/pagedsqlmodel.h"
#include "store/readqueries.h"

#include <QStringList>
#include <QVariantMap>

#include <map>

namespace mdsync::ui {

struct ExceptionFilter
{
    QString text; // part of the object key or the message (case-insensitive)
    QString category, severity, target, domain, objectKey;
    QStringList statuses { QStringLiteral("open"), QStringLiteral("assigned"), QStringLiteral("awaiting_approval") };
    qint64 olderThanMinutes = 0;
    qint64 id = 0;

    // Navigator::exceptionsRequested keys: category, severity, target, domain, status (text or list), key,
    // object_key, older_than_minutes, id, text.
    static ExceptionFilter fromMap(const QVariantMap& map);
    bool operator==(const ExceptionFilter&) const = default;
};

// SQL of a filter: the WHERE clause over exception alias `e` (with delivery `d` LEFT JOINed) and its positional
// bind values. Shared by the model, the group counts and the tests.
struct ExceptionSql
{
    QString where;
    QVariantList binds;
};
ExceptionSql exceptionFilterSql(const ExceptionFilter& f, qint64 nowMs);
// The displayed status of `e` as an SQL expression (one definition, in core/store: the CLI filters by it too).
using read::exceptionDisplayStatusSql;
// Open-backlog counts by group ("category" or "target") under the filter: group -> count.
Result<std::map<QString, qint64>> exceptionGroupCounts(QSqlDatabase& db, const ExceptionFilter& f, const QString& by);

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
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    static QString statusLabel(const QString& status);
    static QString ageText(qint64 ms);

protected:
    IdQuery idQuery() const final;
    RowQuery rowQuery() const final;
    QVariant cellData(const PagedRow& row, int column, int role) const final;

private:
    ExceptionFilter m_filter;
    int m_sortColumn = Id;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
};

} // namespace mdsync::ui
