#include "store/readmatrix.h"

#include "store/deliverystatus.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"

#include <QSqlQuery>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <limits>

namespace mdsync::read {

Result<MatrixLayout> matrixLayout(QSqlDatabase& db)
{
    MatrixLayout layout;
    layout.postgres = db.driverName() == QLatin1String("QPSQL");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT s.id, s.name, s.kind, s.plants FROM system s"
                               " WHERE s.id IN (SELECT target_id FROM subscription) ORDER BY s.kind, s.id")))
        return makeError(sqlError(q, QStringLiteral("matrix targets")));
    while (q.next()) {
        MatrixLayout::Target t;
        t.id = q.value(0).toString();
        t.name = q.value(1).toString();
        t.kind = q.value(2).toString();
        const auto plants = nlohmann::json::parse(q.value(3).toString().toStdString(), nullptr, false);
        if (plants.is_array())
            for (const auto& p : plants)
                if (p.is_string())
                    t.plants << QString::fromStdString(p.get<std::string>());
        layout.targets.push_back(std::move(t));
    }
    if (!q.exec(QStringLiteral("SELECT DISTINCT domain, target_id FROM subscription")))
        return makeError(sqlError(q, QStringLiteral("matrix subscriptions")));
    while (q.next())
        layout.subscribed.emplace(q.value(0).toString(), q.value(1).toString());
    return layout;
}

MatrixSql matrixIdSql(const MatrixFilter& f, const MatrixLayout& layout, qint64 nowMs)
{
    MatrixSql m;
    QStringList where;
    QStringList parts; // of the text condition, which comes first
    if (const QString t = f.text.trimmed(); !t.isEmpty()) {
        // Key prefix as index ranges (as typed and upper-cased: keys are mostly upper-case codes), or a
        // description containing the text through the FTS5 trigram index (three characters or more).
        const QString top = QString::fromUcs4(U"\U0010FFFF", 1); // above every other character in UTF-8 order
        QStringList variants = { t };
        if (t.toUpper() != t)
            variants << t.toUpper();
        for (const QString& v : variants) {
            parts << QStringLiteral("SELECT id FROM object WHERE key >= ? AND key < ?");
            m.binds << v << QString(v + top);
        }
        if (t.size() >= 3 && layout.postgres) {
            // pg_trgm's GIN index on object.description answers ILIKE '%text%' (store/pgschema.cpp); FTS5's
            // trigram tokenizer matches case-insensitively too.
            parts << QStringLiteral("SELECT id FROM object WHERE description ILIKE ? ESCAPE '\\'");
            QString pattern = t;
            pattern.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
            pattern.replace(QLatin1Char('%'), QStringLiteral("\\%"));
            pattern.replace(QLatin1Char('_'), QStringLiteral("\\_"));
            m.binds << QString(QLatin1Char('%') + pattern + QLatin1Char('%'));
        } else if (t.size() >= 3) {
            parts << QStringLiteral("SELECT rowid FROM object_text WHERE object_text MATCH ?");
            QString phrase = t;
            phrase.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            m.binds << QString(QLatin1Char('"') + phrase + QLatin1Char('"'));
        }
        where << QStringLiteral("o.id IN (%1)").arg(parts.join(QStringLiteral(" UNION ")));
    }
    if (!f.domain.isEmpty()) {
        where << QStringLiteral("o.domain = ?");
        m.binds << f.domain;
    }
    if (f.olderThanMinutes > 0) {
        where << QStringLiteral("o.updated_at < ?");
        m.binds << nowMs - qint64(f.olderThanMinutes) * 60000;
    }
    if (!f.status.isEmpty()) {
        // "backlog": not delivered yet (the dashboard's backlog tile).
        QStringList statuses;
        if (f.status == QLatin1String("backlog")) {
            for (DeliveryStatus s : kBacklogDeliveryStatuses) {
                const std::string_view name = toString(s);
                statuses << QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
            }
        } else {
            statuses << f.status;
        }
        QStringList marks;
        for (const QString& st : statuses) {
            marks << QStringLiteral("?");
            m.binds << st;
        }
        if (f.target.isEmpty()) {
            where << QStringLiteral("o.id IN (SELECT object_id FROM object_target WHERE status IN (%1))")
                         .arg(marks.join(QLatin1Char(',')));
        } else {
            where << QStringLiteral(
                "o.id IN (SELECT object_id FROM object_target WHERE status IN (%1) AND target_id = ?)")
                         .arg(marks.join(QLatin1Char(',')));
            m.binds << f.target;
        }
    }
    if (!f.plant.isEmpty()) {
        QStringList marks;
        for (const auto& t : layout.targets)
            if (t.plants.contains(f.plant)) {
                marks << QStringLiteral("?");
                m.binds << t.id;
            }
        if (marks.isEmpty())
            where << QStringLiteral("0");
        else
            where << QStringLiteral("o.id IN (SELECT object_id FROM object_target WHERE target_id IN (%1))")
                         .arg(marks.join(QLatin1Char(',')));
    }
    QString order;
    const QString dir = f.order == Qt::DescendingOrder ? QStringLiteral(" DESC") : QString();
    switch (f.sortColumn) {
    case MatrixDomainColumn:
    case MatrixKeyColumn:
        // The (domain, key) unique index gives this order without sorting.
        order = QStringLiteral("o.domain%1, o.key%1").arg(dir);
        break;
    // Ties by id in the same direction, so that descending is ascending reversed (as ObjectColumnOrder lists it).
    case MatrixDescriptionColumn:
        order = QStringLiteral("o.description%1, o.id%1").arg(dir);
        break;
    case MatrixRevisionColumn:
        order = QStringLiteral("o.revision_no%1, o.id%1").arg(dir);
        break;
    case MatrixLifecycleColumn:
        order = QStringLiteral("o.lifecycle%1, o.id%1").arg(dir);
        break;
    case MatrixUpdatedColumn:
        order = QStringLiteral("o.updated_at%1, o.id%1").arg(dir);
        break;
    default: {
        // A target column: by that target's status.
        const auto t = static_cast<size_t>(f.sortColumn - MatrixFirstTargetColumn);
        if (t < layout.targets.size()) {
            order = QStringLiteral("(SELECT status FROM object_target WHERE object_id = o.id AND target_id = ?)%1,"
                                   " o.domain, o.key")
                        .arg(dir);
            m.binds << layout.targets[t].id;
        } else {
            order = QStringLiteral("o.domain, o.key");
        }
    }
    }
    const QString filtered = QStringLiteral("SELECT o.id FROM object o")
        + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")));
    m.sql = filtered + QStringLiteral(" ORDER BY ") + order;
    if (f.sortColumn >= 0 && f.sortColumn < MatrixFirstTargetColumn) {
        if (f.sortColumn == MatrixDomainColumn || f.sortColumn == MatrixKeyColumn)
            m.keyOrder = true;
        else
            m.columnOrder = f.sortColumn;
        m.descending = f.order == Qt::DescendingOrder;
        if (!parts.isEmpty()) {
            // The text's matches as the index lists them, without looking each up in object (the ranks sort
            // and de-duplicate them); the object is joined only for the other conditions.
            m.unorderedSql = QStringLiteral("SELECT x.id FROM (%1) x").arg(parts.join(QStringLiteral(" UNION ALL ")));
            if (where.size() > 1)
                m.unorderedSql += QStringLiteral(" JOIN object o ON o.id = x.id WHERE ")
                    + where.mid(1).join(QStringLiteral(" AND "));
        } else if (!where.isEmpty()) {
            m.unorderedSql = filtered;
        }
    }
    return m;
}

namespace {

Result<std::vector<qint64>> idsOf(QSqlDatabase& db, const QString& sql, const QVariantList& binds)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant& v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("matrix filter")));
    std::vector<qint64> ids;
    ids.reserve(4096);
    while (q.next())
        ids.push_back(q.value(0).toLongLong());
    return ids;
}

constexpr quint32 kNoRank = std::numeric_limits<quint32>::max();

// The rank table of an order held in memory: by id (0..maxId), the position in `ordered`.
void setRanks(std::vector<quint32>& rank, const std::vector<qint64>& ordered, qint64 maxId)
{
    rank.assign(static_cast<size_t>(maxId) + 1, kNoRank);
    for (size_t r = 0; r < ordered.size(); ++r)
        rank[static_cast<size_t>(ordered[r])] = static_cast<quint32>(r);
}

// `ids` (in any order, perhaps twice: a key and a description match) in the order of `ordered`, or false when
// one has no rank.
bool sortByRank(
    std::vector<qint64>& ids, const std::vector<quint32>& rank, const std::vector<qint64>& ordered, bool descending)
{
    std::vector<quint32> ranks;
    ranks.reserve(ids.size());
    for (qint64 id : ids) {
        if (id <= 0 || static_cast<size_t>(id) >= rank.size() || rank[static_cast<size_t>(id)] == kNoRank)
            return false; // not expected on SQLite; SQL's order is right whatever happened
        ranks.push_back(rank[static_cast<size_t>(id)]);
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    const size_t n = ranks.size();
    ids.resize(n);
    for (size_t i = 0; i < n; ++i)
        ids[i] = ordered[ranks[descending ? n - 1 - i : i]];
    return true;
}

std::vector<qint64> wholeOrder(const std::vector<qint64>& ordered, bool descending)
{
    std::vector<qint64> all = ordered;
    if (descending)
        std::reverse(all.begin(), all.end());
    return all;
}

// Runs `work` in one read snapshot of db (a savepoint opens a read transaction, or nests in the caller's).
template<typename T, typename Work>
Result<T> inSnapshot(QSqlDatabase& db, const char* name, const QString& what, Work&& work)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SAVEPOINT ") + QLatin1String(name)))
        return makeError(sqlError(q, what));
    Result<T> result = work();
    if (!q.exec(QStringLiteral("RELEASE ") + QLatin1String(name)) && result)
        return makeError(sqlError(q, what));
    return result;
}

// The ids of `sql` in an order held in memory. `refresh` brings the order up to date (false: it cannot serve this
// workspace), in the same read snapshot as the filter's query, so that every id the query lists has a rank.
template<typename Refresh>
Result<std::optional<std::vector<qint64>>> idsInOrder(QSqlDatabase& db, const MatrixSql& sql, const char* savepoint,
    const QString& what, Refresh&& refresh, const std::vector<quint32>& rank, const std::vector<qint64>& ordered)
{
    using Ids = std::optional<std::vector<qint64>>;
    return inSnapshot<Ids>(db, savepoint, what, [&]() -> Result<Ids> {
        auto usable = refresh();
        if (!usable)
            return makeError(usable.error());
        if (!usable.value())
            return Ids();
        if (sql.unorderedSql.isEmpty())
            return Ids(wholeOrder(ordered, sql.descending));
        auto found = idsOf(db, sql.unorderedSql, sql.binds);
        if (!found)
            return makeError(found.error());
        if (!sortByRank(found.value(), rank, ordered, sql.descending))
            return Ids();
        return Ids(std::move(found.value()));
    });
}

} // namespace

Result<std::vector<qint64>> matrixIds(QSqlDatabase& db, const MatrixSql& sql, MatrixOrders* orders)
{
    if (orders) {
        using Ids = std::optional<std::vector<qint64>>;
        Result<Ids> sorted = Ids();
        if (sql.keyOrder)
            sorted = orders->key().ids(db, sql);
        else if (ObjectColumnOrder* column = orders->column(sql.columnOrder))
            sorted = column->ids(db, sql);
        if (!sorted)
            return makeError(sorted.error());
        if (sorted.value())
            return std::move(*sorted.value());
    }
    return idsOf(db, sql.sql, sql.binds);
}

Result<std::optional<std::vector<qint64>>> ObjectKeyOrder::ids(QSqlDatabase& db, const MatrixSql& sql)
{
    if (!sql.keyOrder || sqlBackend(db) != SqlBackend::SQLite)
        return std::optional<std::vector<qint64>>();
    std::lock_guard lock(m_mutex);
    return idsInOrder(
        db, sql, "key_order_ids", QStringLiteral("key order"), [&] { return refresh(db); }, m_rank, m_ordered);
}

ObjectKeyOrder::Stats ObjectKeyOrder::stats() const
{
    std::lock_guard lock(m_mutex);
    Stats s = m_stats;
    s.objects = m_ordered.size();
    return s;
}

Result<bool> ObjectKeyOrder::refresh(QSqlDatabase& db)
{
    if (m_unusable)
        return false;
    // One snapshot for the whole refresh, so that the count, the highest id and the rows read agree.
    return inSnapshot<bool>(db, "key_order", QStringLiteral("key order"), [&]() -> Result<bool> {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // Two statements: each alone is a search (max) or a count of the smallest index (count); together, a
        // scan of the table.
        if (!q.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM object")) || !q.next())
            return makeError(sqlError(q, QStringLiteral("key order")));
        const qint64 maxId = q.value(0).toLongLong();
        if (!q.exec(QStringLiteral("SELECT count(*) FROM object")) || !q.next())
            return makeError(sqlError(q, QStringLiteral("key order")));
        const auto count = static_cast<size_t>(q.value(0).toLongLong());
        q.finish();
        if (maxId == m_maxId && count == m_ordered.size())
            return true;
        // Merging costs an index search per new object, reading the whole order about 0.1 µs per object.
        const qint64 mergeLimit = std::max<qint64>(1000, static_cast<qint64>(m_ordered.size()) / 64);
        if (m_ordered.empty() || maxId < m_maxId || maxId - m_maxId > mergeLimit)
            return rebuild(db, maxId);
        auto merged = merge(db, maxId);
        if (!merged || !merged.value() || m_ordered.size() == count)
            return merged;
        // An object committed below the highest id seen (two writers with their own id counters): read it all.
        return rebuild(db, maxId);
    });
}

Result<bool> ObjectKeyOrder::rebuild(QSqlDatabase& db, qint64 maxId)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // The unique (domain, key) index in order; objects committed after maxId was read wait for the next merge.
    if (!q.exec(QStringLiteral("SELECT id FROM object ORDER BY domain, key")))
        return makeError(sqlError(q, QStringLiteral("key order")));
    m_ordered.clear();
    m_ordered.reserve(static_cast<size_t>(std::min<qint64>(maxId, qint64(1) << 24)));
    while (q.next())
        if (const qint64 id = q.value(0).toLongLong(); id <= maxId)
            m_ordered.push_back(id);
    if (maxId > 2 * static_cast<qint64>(m_ordered.size()) + 65536) {
        // A rank table this sparse would waste memory (not the case for ids SQLite assigns).
        m_unusable = true;
        m_ordered = {};
        m_rank = {};
        return false;
    }
    m_maxId = maxId;
    ++m_stats.rebuilds;
    setRanks();
    return true;
}

Result<bool> ObjectKeyOrder::merge(QSqlDatabase& db, qint64 maxId)
{
    QSqlQuery added(db);
    added.setForwardOnly(true);
    added.prepare(QStringLiteral("SELECT id, domain, key FROM object WHERE id > ? AND id <= ? ORDER BY domain, key"));
    added.addBindValue(m_maxId);
    added.addBindValue(maxId);
    if (!added.exec())
        return makeError(sqlError(added, QStringLiteral("key order: new objects")));
    // Each new object goes after its nearest older object below it in the unique index (rank -1: before all).
    QSqlQuery before(db);
    before.setForwardOnly(true);
    before.prepare(QStringLiteral("SELECT id FROM object WHERE (domain, key) < (?, ?) AND id <= ?"
                                  " ORDER BY domain DESC, key DESC LIMIT 1"));
    std::vector<std::pair<qint64, qint64>> adds; // (rank of the older object before it, id), in key order
    while (added.next()) {
        before.addBindValue(added.value(1));
        before.addBindValue(added.value(2));
        before.addBindValue(m_maxId);
        if (!before.exec())
            return makeError(sqlError(before, QStringLiteral("key order: neighbour")));
        qint64 after = -1;
        if (before.next()) {
            const qint64 id = before.value(0).toLongLong();
            if (id <= 0 || id > m_maxId || m_rank[static_cast<size_t>(id)] == kNoRank)
                return rebuild(db, maxId);
            after = m_rank[static_cast<size_t>(id)];
        }
        before.finish();
        adds.emplace_back(after, added.value(0).toLongLong());
    }
    std::vector<qint64> merged;
    merged.reserve(m_ordered.size() + adds.size());
    size_t a = 0;
    while (a < adds.size() && adds[a].first < 0)
        merged.push_back(adds[a++].second);
    for (size_t r = 0; r < m_ordered.size(); ++r) {
        merged.push_back(m_ordered[r]);
        while (a < adds.size() && adds[a].first == static_cast<qint64>(r))
            merged.push_back(adds[a++].second);
    }
    m_ordered.swap(merged);
    m_maxId = maxId;
    m_stats.merged += static_cast<qint64>(adds.size());
    setRanks();
    return true;
}

void ObjectKeyOrder::setRanks()
{
    read::setRanks(m_rank, m_ordered, m_maxId);
}

namespace {

const char* columnName(int column)
{
    switch (column) {
    case MatrixDescriptionColumn:
        return "description";
    case MatrixRevisionColumn:
        return "revision_no";
    case MatrixLifecycleColumn:
        return "lifecycle";
    case MatrixUpdatedColumn:
        return "updated_at";
    default:
        return nullptr;
    }
}

bool numericColumn(int column)
{
    return column == MatrixRevisionColumn || column == MatrixUpdatedColumn;
}

// The first 8 bytes of a value, big-endian (shorter ones padded with zeros): compares as the bytes do, except that
// equal prefixes must be compared whole.
quint64 prefixOf(std::string_view bytes)
{
    quint64 p = 0;
    for (size_t i = 0; i < 8; ++i)
        p = (p << 8) | (i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0U);
    return p;
}

} // namespace

ObjectColumnOrder::ObjectColumnOrder(int column)
    : m_column(column)
{ }

ObjectColumnOrder::Stats ObjectColumnOrder::stats() const
{
    std::lock_guard lock(m_mutex);
    Stats s = m_stats;
    s.objects = m_ordered.size();
    s.valueBytes = m_liveBytes;
    return s;
}

Result<std::optional<std::vector<qint64>>> ObjectColumnOrder::ids(QSqlDatabase& db, const MatrixSql& sql)
{
    if (sql.columnOrder != m_column || !columnName(m_column) || sqlBackend(db) != SqlBackend::SQLite)
        return std::optional<std::vector<qint64>>();
    std::lock_guard lock(m_mutex);
    // In one snapshot, the values held are those of the rows the filter sees.
    return idsInOrder(
        db, sql, "column_order_ids", QStringLiteral("column order"), [&] { return refresh(db); }, m_rank, m_ordered);
}

Result<bool> ObjectColumnOrder::refresh(QSqlDatabase& db)
{
    if (m_unusable)
        return false;
    return inSnapshot<bool>(db, "column_order", QStringLiteral("column order"), [&]() -> Result<bool> {
        // Four statements: each alone is a search (max) or a count of the smallest index (count).
        Watermark now;
        QSqlQuery q(db);
        q.setForwardOnly(true);
        const auto scalar = [&q](const char* sql, qint64& out) {
            if (!q.exec(QLatin1String(sql)) || !q.next())
                return false;
            out = q.value(0).toLongLong();
            return true;
        };
        if (!scalar("SELECT coalesce(max(id), 0) FROM object", now.maxObject)
            || !scalar("SELECT count(*) FROM object", now.objects)
            || !scalar("SELECT coalesce(max(id), 0) FROM revision", now.maxRevision)
            || !scalar("SELECT count(*) FROM revision", now.revisions))
            return makeError(sqlError(q, QStringLiteral("column order")));
        q.finish();
        if (now == m_seen && !m_value.empty())
            return true;
        // Merging reads the changed objects, places each by a binary search and rewrites the order and ranks;
        // reading every value again costs about 0.4 s at 1M.
        const qint64 mergeLimit = std::max<qint64>(1000, static_cast<qint64>(m_ordered.size()) / 64);
        if (m_value.empty() || now.maxObject < m_seen.maxObject || now.maxRevision < m_seen.maxRevision
            || now.revisions < m_seen.revisions
            || (now.revisions - m_seen.revisions) + (now.maxObject - m_seen.maxObject) > mergeLimit)
            return rebuild(db, now);
        return merge(db, now);
    });
}

bool ObjectColumnOrder::setValue(qint64 id, SqlStatement& row)
{
    Value& v = m_value[static_cast<size_t>(id)];
    if (v.size != kNull)
        m_liveBytes -= v.size;
    v = Value();
    if (row.isNull(1))
        return true;
    std::string_view bytes = row.text(1);
    std::array<char, 8> number {};
    if (numericColumn(m_column)) {
        // The number's 8 bytes, big-endian with the sign bit flipped: they compare as the numbers do.
        const auto u = static_cast<quint64>(row.int64(1)) ^ (quint64(1) << 63);
        for (int i = 0; i < 8; ++i)
            number[static_cast<size_t>(i)] = static_cast<char>(u >> (56 - 8 * i));
        bytes = std::string_view(number.data(), number.size());
    }
    if (m_bytes.size() + bytes.size() >= kNull)
        return false;
    v.offset = static_cast<quint32>(m_bytes.size());
    v.size = static_cast<quint32>(bytes.size());
    m_bytes.append(bytes);
    m_liveBytes += bytes.size();
    return true;
}

bool ObjectColumnOrder::less(qint64 a, qint64 b) const
{
    // SQLite's order: NULL first, then the values (text by its bytes: the BINARY collation), ties by id.
    const Value& x = m_value[static_cast<size_t>(a)];
    const Value& y = m_value[static_cast<size_t>(b)];
    if ((x.size == kNull) != (y.size == kNull))
        return x.size == kNull;
    if (x.size != kNull) {
        const int c = std::string_view(m_bytes.data() + x.offset, x.size)
                          .compare(std::string_view(m_bytes.data() + y.offset, y.size));
        if (c != 0)
            return c < 0;
    }
    return a < b;
}

bool ObjectColumnOrder::sameValue(qint64 a, qint64 b) const
{
    const Value& x = m_value[static_cast<size_t>(a)];
    const Value& y = m_value[static_cast<size_t>(b)];
    if (x.size == kNull || y.size == kNull)
        return x.size == y.size;
    return std::string_view(m_bytes.data() + x.offset, x.size) == std::string_view(m_bytes.data() + y.offset, y.size);
}

Result<bool> ObjectColumnOrder::rebuild(QSqlDatabase& db, const Watermark& now)
{
    SqlStatement q;
    if (!q.prepare(db, std::string("SELECT id, ") + columnName(m_column) + " FROM object"))
        return makeError(QStringLiteral("column order: %1").arg(q.error()));
    m_ordered.clear();
    m_bytes.clear();
    m_liveBytes = 0;
    // Tables by id this sparse would waste memory (ids SQLite assigns are dense): SQL orders.
    bool usable = now.maxObject <= 2 * now.objects + 65536;
    if (usable) {
        m_value.assign(static_cast<size_t>(now.maxObject) + 1, Value());
        m_ordered.reserve(static_cast<size_t>(now.objects));
    }
    while (usable && q.next()) {
        const qint64 id = q.int64(0);
        if (id <= 0 || id > now.maxObject || !setValue(id, q))
            usable = false;
        else
            m_ordered.push_back(id);
    }
    if (q.failed())
        return makeError(QStringLiteral("column order: %1").arg(q.error()));
    if (!usable) {
        m_unusable = true;
        m_ordered = {};
        m_rank = {};
        m_value = {};
        m_bytes = {};
        return false;
    }
    // Sorted by each value's first 16 bytes, the whole value only where those are equal and it is longer.
    struct Keyed
    {
        quint64 high, low;
        qint64 id;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(m_ordered.size());
    for (qint64 id : m_ordered) {
        const Value& v = m_value[static_cast<size_t>(id)];
        if (v.size == kNull) {
            keyed.push_back({ 0, 0, id });
            continue;
        }
        const std::string_view bytes(m_bytes.data() + v.offset, v.size);
        keyed.push_back({ prefixOf(bytes), prefixOf(bytes.size() > 8 ? bytes.substr(8) : std::string_view()), id });
    }
    std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
        return a.high != b.high ? a.high < b.high : a.low != b.low ? a.low < b.low : a.id < b.id;
    });
    // A run of equal prefixes is in order already when its values are equal (the usual case: they are in id
    // order); otherwise it is sorted by the whole values.
    const auto byValue = [this](const Keyed& a, const Keyed& b) { return less(a.id, b.id); };
    for (auto run = keyed.begin(); run != keyed.end();) {
        const auto end = std::find_if(
            run + 1, keyed.end(), [run](const Keyed& k) { return k.high != run->high || k.low != run->low; });
        if (std::any_of(run + 1, end, [&](const Keyed& k) { return !sameValue(run->id, k.id); }))
            std::sort(run, end, byValue);
        run = end;
    }
    for (size_t i = 0; i < keyed.size(); ++i)
        m_ordered[i] = keyed[i].id;
    m_seen = now;
    ++m_stats.rebuilds;
    read::setRanks(m_rank, m_ordered, m_seen.maxObject);
    return true;
}

Result<bool> ObjectColumnOrder::merge(QSqlDatabase& db, const Watermark& now)
{
    // Every revision above the highest id seen must be there (none committed below it).
    SqlStatement count;
    if (!count.prepare(db, "SELECT count(*) FROM revision WHERE id > ?"))
        return makeError(QStringLiteral("column order: %1").arg(count.error()));
    count.bind(0, static_cast<std::int64_t>(m_seen.maxRevision));
    if (!count.next())
        return makeError(QStringLiteral("column order: %1").arg(count.error()));
    if (count.int64(0) != now.revisions - m_seen.revisions)
        return rebuild(db, now);
    count.reset();
    // The objects of the new revisions, and the new objects (a revision's object is committed with it).
    SqlStatement changed;
    if (!changed.prepare(db,
            std::string("SELECT id, ") + columnName(m_column)
                + " FROM object WHERE id IN (SELECT object_id FROM revision WHERE id > ?1"
                  " UNION SELECT id FROM object WHERE id > ?2)"))
        return makeError(QStringLiteral("column order: %1").arg(changed.error()));
    changed.bind(0, static_cast<std::int64_t>(m_seen.maxRevision));
    changed.bind(1, static_cast<std::int64_t>(m_seen.maxObject));
    m_value.resize(static_cast<size_t>(now.maxObject) + 1);
    std::vector<char> out(m_ordered.size(), 0); // by rank: taken out to be merged in again
    std::vector<qint64> adds;
    qint64 added = 0;
    while (changed.next()) {
        const qint64 id = changed.int64(0);
        if (id <= 0 || id > now.maxObject)
            return rebuild(db, now);
        if (id <= m_seen.maxObject) {
            const quint32 r = m_rank[static_cast<size_t>(id)];
            if (r == kNoRank)
                return rebuild(db, now); // committed below the highest id seen
            out[r] = 1;
        } else {
            ++added;
        }
        if (!setValue(id, changed))
            return rebuild(db, now);
        adds.push_back(id);
    }
    if (changed.failed())
        return makeError(QStringLiteral("column order: %1").arg(changed.error()));
    if (static_cast<qint64>(m_ordered.size()) + added != now.objects)
        return rebuild(db, now); // an object committed below the highest id seen
    const auto less = [this](qint64 a, qint64 b) { return this->less(a, b); };
    std::sort(adds.begin(), adds.end(), less);
    std::vector<qint64> kept;
    kept.reserve(m_ordered.size());
    for (size_t r = 0; r < m_ordered.size(); ++r)
        if (!out[r])
            kept.push_back(m_ordered[r]);
    // Each added object's place by a binary search, the runs between them copied. A std::merge compared every
    // kept object, reading its value from all over memory: a refresh that merged took 53-59 ms at 1M, 35-40 ms
    // this way (29 ms with nothing to merge).
    m_ordered.clear();
    m_ordered.reserve(kept.size() + adds.size());
    auto from = kept.begin();
    for (qint64 id : adds) {
        const auto at = std::upper_bound(from, kept.end(), id, less);
        m_ordered.insert(m_ordered.end(), from, at);
        m_ordered.push_back(id);
        from = at;
    }
    m_ordered.insert(m_ordered.end(), from, kept.end());
    m_seen = now;
    m_stats.merged += static_cast<qint64>(adds.size());
    if (m_bytes.size() > 2 * m_liveBytes + (size_t(1) << 20))
        compact();
    read::setRanks(m_rank, m_ordered, m_seen.maxObject);
    return true;
}

void ObjectColumnOrder::compact()
{
    std::string bytes;
    bytes.reserve(m_liveBytes);
    for (qint64 id : m_ordered) {
        Value& v = m_value[static_cast<size_t>(id)];
        if (v.size == kNull)
            continue;
        const auto offset = static_cast<quint32>(bytes.size());
        bytes.append(m_bytes, v.offset, v.size);
        v.offset = offset;
    }
    m_bytes.swap(bytes);
}

ObjectColumnOrder* MatrixOrders::column(int column)
{
    switch (column) {
    case MatrixDescriptionColumn:
        return &m_description;
    case MatrixRevisionColumn:
        return &m_revision;
    case MatrixLifecycleColumn:
        return &m_lifecycle;
    case MatrixUpdatedColumn:
        return &m_updated;
    default:
        return nullptr;
    }
}

Result<std::vector<PagedRow>> matrixRows(
    QSqlDatabase& db, const std::vector<qint64>& ids, const std::map<QString, size_t>& column)
{
    std::vector<PagedRow> rows;
    if (ids.empty())
        return rows;
    const size_t targets = column.size();
    const QString list = idList(ids);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, domain, key, description, revision_no, lifecycle, updated_at"
                               " FROM object WHERE id IN (%1)")
                    .arg(list)))
        return makeError(sqlError(q, QStringLiteral("matrix rows")));
    std::map<qint64, size_t> at;
    while (q.next()) {
        PagedRow r;
        r.id = q.value(0).toLongLong();
        r.values.resize(MxFirstTarget + targets * kMatrixPerTarget);
        for (int v = MxDomain; v < MxFirstTarget; ++v)
            r.values[static_cast<size_t>(v)] = q.value(v + 1);
        at[r.id] = rows.size();
        rows.push_back(std::move(r));
    }
    if (!q.exec(QStringLiteral("SELECT ot.object_id, ot.target_id, ot.status, ot.latest_revision_no,"
                               " ot.acked_revision_no, ot.updated_at, d.last_error, d.attempts"
                               " FROM object_target ot LEFT JOIN delivery d ON d.id = ot.latest_delivery_id"
                               " WHERE ot.object_id IN (%1)")
                    .arg(list)))
        return makeError(sqlError(q, QStringLiteral("matrix cells")));
    while (q.next()) {
        auto row = at.find(q.value(0).toLongLong());
        auto col = column.find(q.value(1).toString());
        if (row == at.end() || col == column.end())
            continue;
        auto& values = rows[row->second].values;
        const size_t base = MxFirstTarget + col->second * kMatrixPerTarget;
        for (int v = MxStatus; v < kMatrixPerTarget; ++v)
            values[base + static_cast<size_t>(v)] = q.value(v + 2);
    }
    return rows;
}

Result<ObjectRevisions> objectRevisions(QSqlDatabase& db, qint64 objectId)
{
    ObjectRevisions s;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT domain, key FROM object WHERE id = ?"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("object")));
    if (!q.next())
        return makeError(QStringLiteral("object #%1 no longer exists").arg(objectId));
    s.domain = q.value(0).toString();
    s.key = q.value(1).toString();
    q.prepare(QStringLiteral("SELECT revision_no, source_system, actor, received_at, changed FROM revision"
                             " WHERE object_id = ? ORDER BY revision_no DESC LIMIT 100"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("revisions")));
    std::map<qint64, size_t> at;
    while (q.next()) {
        ObjectRevisions::Revision r;
        r.no = q.value(0).toLongLong();
        r.source = q.value(1).toString();
        r.actor = q.value(2).toString();
        r.receivedAt = q.value(3).toLongLong();
        const auto changed = nlohmann::json::parse(q.value(4).toString().toStdString(), nullptr, false);
        QStringList names;
        if (changed.is_array())
            for (const auto& c : changed)
                names << QString::fromStdString(c.is_string() ? c.get<std::string>() : c.dump());
        else if (changed.is_object())
            for (const auto& [k, v] : changed.items())
                names << QString::fromStdString(k);
        r.changed = names.join(QStringLiteral(", "));
        at[r.no] = s.revisions.size();
        s.revisions.push_back(std::move(r));
    }
    q.prepare(QStringLiteral("SELECT revision_no, target_id, status, last_error FROM delivery WHERE object_id = ?"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("deliveries")));
    while (q.next())
        if (auto it = at.find(q.value(0).toLongLong()); it != at.end())
            s.revisions[it->second].byTarget[q.value(1).toString()] = { q.value(2).toString(), q.value(3).toString() };
    return s;
}

} // namespace mdsync::read
