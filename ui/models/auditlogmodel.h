#pragma once

// The audit log (table audit_log) as a paged model in seq order (new entries are appended at the end, so a
// refresh inserts rows instead of resetting). Filters: actor, action and subject (case-insensitive "contains"),
// and a time range [from, to) on the entry time. Before/after JSON are not loaded with the rows: the detail
// pane reads them for one entry (loadDetail).

#include "models/pagedsqlmodel.h"
#include "store/readaudit.h"
#include "util/timeutil.h"

#include <optional>

namespace mdsync::ui {

// Filter and entry are the core's (core/store/readaudit.h).
using AuditFilter = read::AuditFilter;
// One entry with its before/after JSON (pretty-printed when valid JSON).
using AuditDetail = read::AuditEntry;

class AuditLogModel final : public PagedSqlModel
{
    Q_OBJECT
public:
    enum Columns { SeqColumn, TimeColumn, ActorColumn, ActionColumn, SubjectColumn, ReasonColumn, ColumnCount };

    explicit AuditLogModel(DbReader* reader, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const final;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const final;

    const AuditFilter& filter() const { return m_filter; }
    void setFilter(const AuditFilter& filter);

    // Reads one entry with its JSON (worker thread).
    static Result<AuditDetail> loadDetail(QSqlDatabase& db, qint64 seq);

protected:
    IdQuery idQuery() const final;
    RowQuery rowQuery() const final;
    QVariant cellData(const PagedRow& row, int column, int role) const final;

private:
    AuditFilter m_filter;
    bool m_loaded = false;
};

} // namespace mdsync::ui
