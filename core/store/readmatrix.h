#pragma once

// Reads of the propagation matrix (objects × target systems): its layout (targets, subscriptions), the id list of
// a filter and sort, the rows of a page of ids, and the revisions of one object with their delivery per target.
// Any thread, with that thread's read-only connection; value snapshots.

#include "store/readrows.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>
#include <QVariantList>

#include <map>
#include <set>
#include <utility>
#include <vector>

namespace mdsync::read {

// Columns of the matrix (the sort keys): the object's fields, then one per target in layout order.
enum MatrixColumn {
    MatrixDomainColumn,
    MatrixKeyColumn,
    MatrixDescriptionColumn,
    MatrixRevisionColumn,
    MatrixLifecycleColumn,
    MatrixUpdatedColumn,
    MatrixFirstTargetColumn
};

struct MatrixFilter
{
    QString text; // key prefix (as typed or upper-case), or a description substring of 3+ characters
    QString domain;
    QString status; // a delivery status (object_target.status) at `target` (any target when empty); "backlog" =
                    // pending, sending, retrying or held
    QString target;
    QString plant; // objects delivered to a system of this plant
    int olderThanMinutes = 0; // last change older than this
    int sortColumn = MatrixKeyColumn; // a MatrixColumn value
    Qt::SortOrder order = Qt::AscendingOrder;
};

// The targets (columns) and subscriptions of the workspace, read once per model.
struct MatrixLayout
{
    struct Target
    {
        QString id, name, kind;
        QStringList plants;
    };
    std::vector<Target> targets;
    std::set<std::pair<QString, QString>> subscribed; // (domain, target)
    bool postgres = false; // the SQL dialect of the description search (FTS5 trigram or pg_trgm)
};
Result<MatrixLayout> matrixLayout(QSqlDatabase& db);

// The SQL of a filter (the object ids in order), for matrixIds and for bench_ui's raw comparison.
struct MatrixSql
{
    QString sql;
    QVariantList binds;
};
MatrixSql matrixIdSql(const MatrixFilter& f, const MatrixLayout& layout, qint64 nowMs);
Result<std::vector<qint64>> matrixIds(QSqlDatabase& db, const MatrixSql& sql);

// Values of a matrix row: the object's fields, then kMatrixPerTarget values per target in layout order.
enum MatrixValue { MxDomain, MxKey, MxDescription, MxRevision, MxLifecycle, MxUpdated, MxFirstTarget };
enum MatrixTargetValue { MxStatus, MxTargetRevision, MxAcked, MxTargetUpdated, MxError, MxAttempts, kMatrixPerTarget };
// The rows of the given object ids (any order); `column` maps a target id to its index in the layout.
Result<std::vector<PagedRow>> matrixRows(
    QSqlDatabase& db, const std::vector<qint64>& ids, const std::map<QString, size_t>& column);

// One object's latest 100 revisions (newest first) with the status and last error of each target's delivery.
struct ObjectRevisions
{
    struct Revision
    {
        qint64 no = 0;
        QString source, actor, changed; // changed: the changed attribute names, comma-separated
        qint64 receivedAt = 0;
        std::map<QString, std::pair<QString, QString>> byTarget; // target -> (status, last error)
    };
    QString domain, key;
    std::vector<Revision> revisions;
};
Result<ObjectRevisions> objectRevisions(QSqlDatabase& db, qint64 objectId);

} // namespace mdsync::read
