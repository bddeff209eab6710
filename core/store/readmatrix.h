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
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mdsync {
class SqlStatement;
}

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
    // Sorted by domain and key (the Domain and Key columns): the same filter without ORDER BY and with the same
    // binds, for an ObjectKeyOrder to sort in memory; empty when nothing is filtered.
    bool keyOrder = false;
    // Sorted by description, revision, lifecycle or last change: that MatrixColumn, for an ObjectColumnOrder to
    // sort the same unordered ids in memory; -1 otherwise (a target's status: SQL sorts).
    int columnOrder = -1;
    bool descending = false;
    QString unorderedSql;
};
MatrixSql matrixIdSql(const MatrixFilter& f, const MatrixLayout& layout, qint64 nowMs);

// The (domain, key) order of every object of a SQLite workspace, held in memory by a reader (the matrix model)
// so that a filter in key order sorts its matches by their rank instead of reading and sorting their keys: a
// description word found in 83,000 of 1M objects is 20 ms in the FTS5 index and 80 ms more to order by key
// (docs/BENCHMARKS.md, bench_ui). It stays current without reading every key again because on SQLite an object
// is never deleted, its domain and key never change, and a new one gets an id above every id committed before
// it (one writer; INTEGER PRIMARY KEY): new objects are merged in by their neighbour in the unique index. The
// count of objects, read in the same snapshot, tells when one was committed below the highest id seen (two
// writers with id counters of their own); then the order is read again.
// PostgreSQL's sequence ids commit out of order, so there the order is always SQL's. Thread-safe.
class ObjectKeyOrder
{
public:
    // The ids of `sql` (keyOrder set) in order, or nullopt when the order cannot serve this workspace (PostgreSQL,
    // ids too sparse for a rank table, an id it does not know after a refresh): then run sql.sql.
    Result<std::optional<std::vector<qint64>>> ids(QSqlDatabase& db, const MatrixSql& sql);

    // How the last refresh went (tests, bench_ui): objects held, full reads, objects merged in one by one.
    struct Stats
    {
        size_t objects = 0;
        int rebuilds = 0;
        qint64 merged = 0;
    };
    Stats stats() const;

private:
    Result<bool> refresh(QSqlDatabase& db); // false: not usable for this workspace
    Result<bool> rebuild(QSqlDatabase& db, qint64 maxId);
    Result<bool> merge(QSqlDatabase& db, qint64 maxId);
    void setRanks();

    mutable std::mutex m_mutex;
    std::vector<qint64> m_ordered; // ids in (domain, key) order
    std::vector<quint32> m_rank; // by id: position in m_ordered, kNoRank for an id that is not an object
    qint64 m_maxId = 0; // every object up to this id is in m_ordered
    bool m_unusable = false; // ids too sparse: SQL orders
    Stats m_stats;
};

// The order of every object of a SQLite workspace by one of its own columns (description, revision, lifecycle or
// last change), then by id, held in memory like ObjectKeyOrder so that a filter sorted by that column sorts its
// matches by rank: a description word in 250,000 of 1M objects is 40 ms in the FTS5 index and 250 ms more for
// SQL to look up and sort their descriptions (docs/BENCHMARKS.md, bench_ui). It holds each object's value (a
// description: its UTF-8 bytes, compared as SQLite's BINARY collation does; a number: 8 bytes that compare as
// the number), about 40 bytes an object with the order and ranks (1M descriptions of 19 characters: 39 MB), and is
// built at the first sort by its column (0.4 s at 1M). It stays current without reading every value again because on
// SQLite a value of an object changes only with a new revision of it (the ingest's one UPDATE of object), revisions are
// never deleted and a new one gets an id above every id committed before it: the objects of the revisions above the
// highest id seen, and the objects above the highest object id seen, are taken out and merged in again by their new
// value. The counts of revisions and objects, read in the same snapshot, tell when a row was committed below a
// highest id seen (two writers with id counters of their own); then the order is read again. Thread-safe.
class ObjectColumnOrder
{
public:
    explicit ObjectColumnOrder(int column); // a MatrixColumn: description, revision, lifecycle or updated

    // The ids of `sql` (columnOrder is this column) in order, or nullopt when the order cannot serve this
    // workspace (PostgreSQL, sparse ids, values above 4 GB in all): then run sql.sql.
    Result<std::optional<std::vector<qint64>>> ids(QSqlDatabase& db, const MatrixSql& sql);

    // How the last refresh went (tests, bench_ui): objects held, full reads, objects taken out and merged in
    // again (changed or new), bytes of values held.
    struct Stats
    {
        size_t objects = 0;
        int rebuilds = 0;
        qint64 merged = 0;
        size_t valueBytes = 0;
    };
    Stats stats() const;

private:
    struct Watermark
    {
        qint64 maxObject = 0, objects = 0, maxRevision = 0, revisions = 0;
        bool operator==(const Watermark&) const = default;
    };
    Result<bool> refresh(QSqlDatabase& db);
    Result<bool> rebuild(QSqlDatabase& db, const Watermark& now);
    Result<bool> merge(QSqlDatabase& db, const Watermark& now);
    bool setValue(qint64 id, SqlStatement& row); // column 1 of row; false: the values would pass 4 GB
    bool less(qint64 a, qint64 b) const;
    bool sameValue(qint64 a, qint64 b) const;
    void compact();

    static constexpr quint32 kNull = 0xFFFFFFFFU;
    struct Value
    {
        quint32 offset = 0, size = kNull; // in m_bytes; kNull: NULL (or not an object)
    };
    const int m_column;
    mutable std::mutex m_mutex;
    std::vector<qint64> m_ordered; // ids in (value, id) order
    std::vector<quint32> m_rank; // by id, as ObjectKeyOrder's
    std::vector<Value> m_value; // by id
    std::string m_bytes; // the values, one after the other (replaced ones stay until compact())
    size_t m_liveBytes = 0;
    Watermark m_seen;
    bool m_unusable = false;
    Stats m_stats;
};

// The orders a matrix model keeps in memory: by key, and by each of the object's other columns (each built at
// its first use).
class MatrixOrders
{
public:
    ObjectKeyOrder& key() { return m_key; }
    ObjectColumnOrder* column(int column); // description, revision, lifecycle or updated; nullptr for another

private:
    ObjectKeyOrder m_key;
    ObjectColumnOrder m_description { MatrixDescriptionColumn }, m_revision { MatrixRevisionColumn },
        m_lifecycle { MatrixLifecycleColumn }, m_updated { MatrixUpdatedColumn };
};

// The ids of a filter in its order; with `orders`, a filter sorted by an object's column on SQLite is sorted in
// memory.
Result<std::vector<qint64>> matrixIds(QSqlDatabase& db, const MatrixSql& sql, MatrixOrders* orders = nullptr);

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
