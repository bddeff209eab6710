#include "models/pagedsqlmodel.h"

#include <QThread>

#include <algorithm>
#include <cstring>
#include <optional>

namespace mdsync::ui {

PagedSqlModel::PagedSqlModel(DbReader* reader, QObject* parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{ }

int PagedSqlModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

qint64 PagedSqlModel::idAt(int row) const
{
    return row >= 0 && row < static_cast<int>(m_ids.size()) ? m_ids[static_cast<size_t>(row)] : 0;
}

int PagedSqlModel::rowOfId(qint64 id) const
{
    auto it = std::find(m_ids.begin(), m_ids.end(), id);
    return it == m_ids.end() ? -1 : static_cast<int>(it - m_ids.begin());
}

const PagedRow* PagedSqlModel::rowAt(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_ids.size()))
        return nullptr;
    if (m_applying) { // rows are moving: the loaded rows are kept by id meanwhile
        auto it = m_carried.find(m_ids[static_cast<size_t>(row)]);
        return it != m_carried.end() && it->second.id ? &it->second : nullptr;
    }
    const int chunk = row / kChunkRows;
    auto it = m_chunks.find(chunk);
    if (it == m_chunks.end()) {
        requestChunk(chunk);
        return nullptr;
    }
    touch(chunk);
    const PagedRow& r = it->second.rows[static_cast<size_t>(row % kChunkRows)];
    return r.id ? &r : nullptr;
}

QVariant PagedSqlModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role == IdRole)
        return idAt(index.row());
    const PagedRow* row = rowAt(index.row());
    if (role == LoadedRole)
        return row != nullptr;
    if (!row)
        return role == Qt::DisplayRole && index.column() == 0 ? QVariant(QStringLiteral("…")) : QVariant();
    return cellData(*row, index.column(), role);
}

void PagedSqlModel::reload()
{
    Q_ASSERT(QThread::currentThread() == thread());
    startListQuery(true);
}

void PagedSqlModel::refresh()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_loading) {
        m_refreshQueued = true; // one more pass after the running one
        return;
    }
    startListQuery(false);
}

namespace {

// What the list query hands to the UI thread: the new ids and, on a refresh, how they differ from the ids the
// model had when the query started (version `base`).
struct PagedListResult
{
    std::vector<qint64> ids;
    qint64 queryMs = 0;
    quint64 base = 0;
    std::optional<PagedSqlModel::ListDiff> diff;
};

// The inclusive ranges of [0, count) where `pred` holds, ascending.
template<typename Pred> std::vector<std::pair<int, int>> pagedRanges(size_t count, Pred pred)
{
    std::vector<std::pair<int, int>> ranges;
    for (size_t i = 0; i < count;) {
        if (!pred(i)) {
            ++i;
            continue;
        }
        const size_t first = i;
        while (i < count && pred(i))
            ++i;
        ranges.emplace_back(static_cast<int>(first), static_cast<int>(i - 1));
    }
    return ranges;
}

// Above this many element moves (ranges × rows) a refresh is applied as two layout changes around one removal
// and one insertion at the end instead of range by range: O(rows) whatever the diff.
constexpr double kMaxPreciseMoves = 16.0 * 1024 * 1024;

} // namespace

// Runs on a worker thread (the list query).
PagedSqlModel::ListDiff PagedSqlModel::diffLists(const std::vector<qint64>& before, const std::vector<qint64>& after)
{
    ListDiff d;
    const size_t n = before.size();
    const size_t m = after.size();
    d.oldToNew.assign(n, -1);
    std::vector<char> kept(m, 0);
    // The usual refresh (new rows at the top or the end, a few gone) leaves a long equal head and tail: no hashing.
    size_t head = 0;
    while (head < n && head < m && before[head] == after[head]) {
        d.oldToNew[head] = static_cast<int>(head);
        kept[head] = 1;
        ++head;
    }
    size_t tail = 0;
    while (tail < n - head && tail < m - head && before[n - 1 - tail] == after[m - 1 - tail]) {
        d.oldToNew[n - 1 - tail] = static_cast<int>(m - 1 - tail);
        kept[m - 1 - tail] = 1;
        ++tail;
    }
    std::unordered_map<qint64, int> newRow;
    newRow.reserve(m - head - tail);
    for (size_t i = head; i < m - tail; ++i)
        newRow.emplace(after[i], static_cast<int>(i));
    for (size_t i = head; i < n - tail; ++i) {
        auto it = newRow.find(before[i]);
        if (it == newRow.end() || kept[static_cast<size_t>(it->second)])
            continue; // left the list (or a duplicate id: the second one leaves)
        d.oldToNew[i] = it->second;
        kept[static_cast<size_t>(it->second)] = 1;
    }
    d.removed = pagedRanges(n, [&](size_t i) { return d.oldToNew[i] < 0; });
    d.inserted = pagedRanges(m, [&](size_t i) { return !kept[i]; });
    int last = -1;
    for (int to : d.oldToNew) {
        if (to < 0)
            continue;
        if (to < last) {
            d.moved = true;
            break;
        }
        last = to;
    }
    return d;
}

void PagedSqlModel::startListQuery(bool reset)
{
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    if (reset)
        m_refreshQueued = false;
    IdQuery query = idQuery();
    // A refresh diffs against a snapshot of the current ids on the worker (1M ids: 8 MB copied here, the hashing
    // off the UI thread); the UI thread applies the diff only if the list is still that snapshot.
    std::vector<qint64> before = reset ? std::vector<qint64>() : m_ids;
    const quint64 base = m_listVersion;
    m_reader->run<PagedListResult>(
        this, &m_listChannel,
        [query, reset, base, before = std::move(before)](QSqlDatabase& db) -> Result<PagedListResult> {
            QElapsedTimer t;
            t.start();
            auto ids = query(db);
            if (!ids)
                return makeError(ids.error());
            PagedListResult r;
            r.ids = std::move(ids).value();
            r.queryMs = t.elapsed();
            r.base = base;
            if (!reset && r.ids != before)
                r.diff = diffLists(before, r.ids);
            return r;
        },
        [this, reset](Result<PagedListResult> r) {
            if (!r) {
                m_error = r.error();
                m_loading = false;
                Q_EMIT loadingChanged(false);
                Q_EMIT queryFailed(m_error);
                return;
            }
            m_error.clear();
            if (!reset && r->base != m_listVersion) {
                startListQuery(false); // the list changed since the snapshot: diff again
                return;
            }
            applyList(std::move(r.value().ids), reset, r->queryMs, r->diff ? &*r->diff : nullptr);
        });
}

void PagedSqlModel::applyList(std::vector<qint64> ids, bool reset, qint64 queryMs, const ListDiff* diff)
{
    m_lastQueryMs = queryMs;
    m_lastReset = reset;
    if (reset) {
        beginResetModel();
        m_ids = std::move(ids);
        ++m_listVersion;
        m_chunks.clear();
        m_lru.clear();
        m_pending.clear();
        endResetModel();
    } else {
        if (diff)
            applyDiff(std::move(ids), *diff);
        // The cached rows may have changed (status of a cell, a revision): read them again.
        ++m_listVersion;
        std::vector<int> cached;
        cached.reserve(m_chunks.size());
        for (const auto& [chunk, c] : m_chunks)
            cached.push_back(chunk);
        m_pending.clear();
        for (int chunk : cached)
            requestChunk(chunk);
    }
    m_loading = false;
    Q_EMIT loadingChanged(false);
    Q_EMIT listLoaded(static_cast<int>(m_ids.size()), queryMs);
    if (m_refreshQueued) {
        m_refreshQueued = false;
        startListQuery(false);
    }
}

void PagedSqlModel::applyDiff(std::vector<qint64> ids, const ListDiff& diff)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const size_t oldCount = m_ids.size();
    Q_ASSERT(diff.oldToNew.size() == oldCount);
    // The loaded rows travel by id: readable (by id) while the rows move, put back at their new rows afterwards.
    std::vector<std::pair<int, qint64>> placed; // new row, id
    for (auto& [chunk, c] : m_chunks) {
        for (size_t i = 0; i < c.rows.size(); ++i) {
            const size_t oldRow = static_cast<size_t>(chunk) * kChunkRows + i;
            if (!c.rows[i].id || oldRow >= oldCount)
                continue;
            if (const int to = diff.oldToNew[oldRow]; to >= 0)
                placed.emplace_back(to, c.rows[i].id);
            const qint64 id = c.rows[i].id;
            m_carried.insert_or_assign(id, std::move(c.rows[i]));
        }
    }
    m_chunks.clear();
    m_lru.clear();
    m_pending.clear();
    ++m_listVersion; // chunks in flight were read for the old rows
    m_applying = true;

    const double moves = static_cast<double>(diff.removed.size() + diff.inserted.size())
        * static_cast<double>(std::max(oldCount, ids.size()));
    if (moves <= kMaxPreciseMoves) {
        // Range by range: what a view needs to keep its scroll position and its selection.
        for (auto it = diff.removed.rbegin(); it != diff.removed.rend(); ++it) {
            beginRemoveRows({}, it->first, it->second);
            m_ids.erase(m_ids.begin() + it->first, m_ids.begin() + it->second + 1);
            endRemoveRows();
        }
        if (diff.moved) {
            // m_ids holds the staying rows in their old order: put them in their new order.
            std::vector<int> stayingRank(ids.size(), -1);
            std::vector<qint64> staying;
            staying.reserve(m_ids.size());
            size_t next = 0;
            for (const auto& [first, last] : diff.inserted) {
                for (; next < static_cast<size_t>(first); ++next) {
                    stayingRank[next] = static_cast<int>(staying.size());
                    staying.push_back(ids[next]);
                }
                next = static_cast<size_t>(last) + 1;
            }
            for (; next < ids.size(); ++next) {
                stayingRank[next] = static_cast<int>(staying.size());
                staying.push_back(ids[next]);
            }
            std::vector<int> oldRowOfStaying;
            oldRowOfStaying.reserve(staying.size());
            for (size_t o = 0; o < oldCount; ++o)
                if (diff.oldToNew[o] >= 0)
                    oldRowOfStaying.push_back(static_cast<int>(o));
            permute(std::move(staying), [&](int row) {
                return stayingRank[static_cast<size_t>(diff.oldToNew[static_cast<size_t>(oldRowOfStaying[row])])];
            });
        }
        for (const auto& [first, last] : diff.inserted) {
            beginInsertRows({}, first, last);
            m_ids.insert(m_ids.begin() + first, ids.begin() + first, ids.begin() + last + 1);
            endInsertRows();
        }
        Q_ASSERT(m_ids == ids);
    } else {
        // Many ranges: (1) the staying rows in their new order, then the leaving ones; (2) remove the leaving ones
        // at the end; (3) append the new ones; (4) every row to its new place. Persistent indexes follow by id.
        std::vector<int> newToOld(ids.size(), -1);
        for (size_t o = 0; o < oldCount; ++o)
            if (diff.oldToNew[o] >= 0)
                newToOld[static_cast<size_t>(diff.oldToNew[o])] = static_cast<int>(o);
        std::vector<int> order; // the new row of each row after step 3
        order.reserve(ids.size());
        for (size_t p = 0; p < ids.size(); ++p)
            if (newToOld[p] >= 0)
                order.push_back(static_cast<int>(p));
        const size_t staying = order.size();
        for (size_t p = 0; p < ids.size(); ++p)
            if (newToOld[p] < 0)
                order.push_back(static_cast<int>(p));
        std::vector<int> oldToStep1(oldCount, -1);
        std::vector<qint64> step1;
        step1.reserve(oldCount);
        for (size_t r = 0; r < staying; ++r) {
            oldToStep1[static_cast<size_t>(newToOld[static_cast<size_t>(order[r])])] = static_cast<int>(r);
            step1.push_back(ids[static_cast<size_t>(order[r])]);
        }
        for (size_t o = 0; o < oldCount; ++o)
            if (diff.oldToNew[o] < 0) {
                oldToStep1[o] = static_cast<int>(step1.size());
                step1.push_back(m_ids[o]);
            }
        permute(std::move(step1), [&](int row) { return oldToStep1[static_cast<size_t>(row)]; });
        if (oldCount > staying) {
            beginRemoveRows({}, static_cast<int>(staying), static_cast<int>(oldCount) - 1);
            m_ids.resize(staying);
            endRemoveRows();
        }
        if (ids.size() > staying) {
            beginInsertRows({}, static_cast<int>(staying), static_cast<int>(ids.size()) - 1);
            for (size_t r = staying; r < ids.size(); ++r)
                m_ids.push_back(ids[static_cast<size_t>(order[r])]);
            endInsertRows();
        }
        permute(std::move(ids), [&](int row) { return order[static_cast<size_t>(row)]; });
    }
    m_applying = false;

    for (const auto& [row, id] : placed) {
        const int chunk = row / kChunkRows;
        auto it = m_chunks.find(chunk);
        if (it == m_chunks.end()) {
            Chunk c;
            c.rows.resize(
                std::min(static_cast<size_t>(kChunkRows), m_ids.size() - static_cast<size_t>(chunk) * kChunkRows));
            m_lru.push_back(chunk);
            c.lru = std::prev(m_lru.end());
            it = m_chunks.emplace(chunk, std::move(c)).first;
        }
        if (auto carried = m_carried.find(id); carried != m_carried.end())
            it->second.rows[static_cast<size_t>(row % kChunkRows)] = std::move(carried->second);
    }
    m_carried.clear();
    while (m_chunks.size() > static_cast<size_t>(kMaxChunks)) {
        m_chunks.erase(m_lru.back());
        m_lru.pop_back();
    }
}

void PagedSqlModel::permute(std::vector<qint64> next, const std::function<int(int)>& newRow)
{
    Q_ASSERT(next.size() == m_ids.size());
    Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    QModelIndexList to;
    to.reserve(from.size());
    m_ids = std::move(next);
    for (const QModelIndex& i : from) {
        const int row = newRow(i.row());
        to << (row >= 0 ? index(row, i.column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void PagedSqlModel::requestChunk(int chunk) const
{
    if (auto it = m_pending.find(chunk); it != m_pending.end() && it->second == m_listVersion)
        return;
    const size_t first = static_cast<size_t>(chunk) * kChunkRows;
    if (first >= m_ids.size())
        return;
    const size_t last = std::min(m_ids.size(), first + kChunkRows);
    std::vector<qint64> ids(
        m_ids.begin() + static_cast<std::ptrdiff_t>(first), m_ids.begin() + static_cast<std::ptrdiff_t>(last));
    const quint64 version = m_listVersion;
    m_pending[chunk] = version;
    RowQuery query = rowQuery();
    auto* self = const_cast<PagedSqlModel*>(this);
    m_reader->run<std::vector<PagedRow>>(
        self, nullptr, [query, ids](QSqlDatabase& db) { return query(db, ids); },
        [self, chunk, version](Result<std::vector<PagedRow>> r) {
            if (!r) {
                self->m_pending.erase(chunk);
                Q_EMIT self->queryFailed(r.error());
                return;
            }
            self->applyChunk(chunk, version, std::move(r).value());
        });
}

void PagedSqlModel::applyChunk(int chunk, quint64 listVersion, std::vector<PagedRow> rows)
{
    auto pending = m_pending.find(chunk);
    if (pending == m_pending.end() || pending->second != listVersion || listVersion != m_listVersion)
        return; // the list changed since: a newer request is (or will be) on its way
    m_pending.erase(pending);
    const size_t first = static_cast<size_t>(chunk) * kChunkRows;
    if (first >= m_ids.size())
        return;
    const size_t last = std::min(m_ids.size(), first + kChunkRows);
    // Align by id: rows come in any order, vanished ids stay empty (shown as loading until the next refresh).
    std::unordered_map<qint64, size_t> byId;
    byId.reserve(rows.size());
    for (size_t i = 0; i < rows.size(); ++i)
        byId.emplace(rows[i].id, i);
    Chunk c;
    c.rows.resize(last - first);
    for (size_t i = first; i < last; ++i)
        if (auto it = byId.find(m_ids[i]); it != byId.end())
            c.rows[i - first] = std::move(rows[it->second]);
    if (auto old = m_chunks.find(chunk); old != m_chunks.end()) {
        m_lru.erase(old->second.lru);
        m_chunks.erase(old);
    }
    m_lru.push_front(chunk);
    c.lru = m_lru.begin();
    m_chunks.emplace(chunk, std::move(c));
    while (m_chunks.size() > static_cast<size_t>(kMaxChunks)) {
        const int evict = m_lru.back();
        m_lru.pop_back();
        m_chunks.erase(evict);
    }
    const int firstRow = static_cast<int>(first);
    const int lastRow = static_cast<int>(last) - 1;
    Q_EMIT dataChanged(index(firstRow, 0), index(lastRow, columnCount() - 1));
    Q_EMIT chunkLoaded(firstRow, lastRow);
}

void PagedSqlModel::touch(int chunk) const
{
    auto it = m_chunks.find(chunk);
    if (it == m_chunks.end() || it->second.lru == m_lru.begin())
        return;
    m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
}

} // namespace mdsync::ui
