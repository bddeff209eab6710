#include "store/readmatrix.h"

#include "store/deliverystatus.h"
#include "store/workspace.h"

#include <QSqlQuery>

#include <nlohmann/json.hpp>

#include <algorithm>
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
    case MatrixDescriptionColumn:
        order = QStringLiteral("o.description%1, o.id").arg(dir);
        break;
    case MatrixRevisionColumn:
        order = QStringLiteral("o.revision_no%1, o.id").arg(dir);
        break;
    case MatrixLifecycleColumn:
        order = QStringLiteral("o.lifecycle%1, o.id").arg(dir);
        break;
    case MatrixUpdatedColumn:
        order = QStringLiteral("o.updated_at%1, o.id").arg(dir);
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
    if (f.sortColumn == MatrixDomainColumn || f.sortColumn == MatrixKeyColumn) {
        m.keyOrder = true;
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

} // namespace

Result<std::vector<qint64>> matrixIds(QSqlDatabase& db, const MatrixSql& sql, ObjectKeyOrder* order)
{
    if (order) {
        auto sorted = order->ids(db, sql);
        if (!sorted)
            return makeError(sorted.error());
        if (sorted.value())
            return std::move(*sorted.value());
    }
    return idsOf(db, sql.sql, sql.binds);
}

Result<std::optional<std::vector<qint64>>> ObjectKeyOrder::ids(QSqlDatabase& db, const MatrixSql& sql)
{
    using Ids = std::optional<std::vector<qint64>>;
    if (!sql.keyOrder || db.driverName() != QLatin1String("QSQLITE"))
        return Ids();
    std::lock_guard lock(m_mutex);
    auto usable = refresh(db);
    if (!usable)
        return makeError(usable.error());
    if (!usable.value())
        return Ids();
    if (sql.unorderedSql.isEmpty()) {
        std::vector<qint64> all = m_ordered;
        if (sql.descending)
            std::reverse(all.begin(), all.end());
        return Ids(std::move(all));
    }
    auto found = idsOf(db, sql.unorderedSql, sql.binds);
    if (!found)
        return makeError(found.error());
    std::vector<qint64>& ids = found.value();
    if (!ids.empty() && *std::max_element(ids.begin(), ids.end()) > m_maxId) {
        // Committed after the refresh: merge them in (a later snapshot holds every id the query saw).
        usable = refresh(db);
        if (!usable)
            return makeError(usable.error());
        if (!usable.value())
            return Ids();
    }
    std::vector<quint32> ranks;
    ranks.reserve(ids.size());
    for (qint64 id : ids) {
        if (id <= 0 || id > m_maxId || m_rank[static_cast<size_t>(id)] == kNoRank)
            return Ids(); // not expected on SQLite; SQL's order is right whatever happened
        ranks.push_back(m_rank[static_cast<size_t>(id)]);
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end()); // a key and a description match
    const size_t n = ranks.size();
    ids.resize(n);
    for (size_t i = 0; i < n; ++i)
        ids[i] = m_ordered[ranks[sql.descending ? n - 1 - i : i]];
    return Ids(std::move(ids));
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
    // One snapshot for the whole refresh (a savepoint opens a read transaction, or nests in the caller's), so
    // that the count, the highest id and the rows read agree.
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SAVEPOINT key_order")))
        return makeError(sqlError(q, QStringLiteral("key order")));
    auto result = [&]() -> Result<bool> {
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
    }();
    if (!q.exec(QStringLiteral("RELEASE key_order")) && result)
        return makeError(sqlError(q, QStringLiteral("key order")));
    return result;
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
    m_rank.assign(static_cast<size_t>(m_maxId) + 1, kNoRank);
    for (size_t r = 0; r < m_ordered.size(); ++r)
        m_rank[static_cast<size_t>(m_ordered[r])] = static_cast<quint32>(r);
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
