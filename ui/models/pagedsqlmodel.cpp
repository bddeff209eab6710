#include "models/pagedsqlmodel.h"

#include <QThread>

#include <algorithm>
#include <cstring>

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

void PagedSqlModel::startListQuery(bool reset)
{
    if (!m_loading) {
        m_loading = true;
        Q_EMIT loadingChanged(true);
    }
    if (reset)
        m_refreshQueued = false;
    IdQuery query = idQuery();
    m_reader->run<std::pair<std::vector<qint64>, qint64>>(
        this, &m_listChannel,
        [query](QSqlDatabase& db) -> Result<std::pair<std::vector<qint64>, qint64>> {
            QElapsedTimer t;
            t.start();
            auto ids = query(db);
            if (!ids)
                return makeError(ids.error());
            return std::make_pair(std::move(ids).value(), t.elapsed());
        },
        [this, reset](Result<std::pair<std::vector<qint64>, qint64>> r) {
            if (!r) {
                m_error = r.error();
                m_loading = false;
                Q_EMIT loadingChanged(false);
                Q_EMIT queryFailed(m_error);
                return;
            }
            m_error.clear();
            applyList(std::move(r.value().first), reset, r.value().second);
        });
}

void PagedSqlModel::applyList(std::vector<qint64> ids, bool reset, qint64 queryMs)
{
    m_lastQueryMs = queryMs;
    const bool same = !reset && ids == m_ids;
    const bool appended
        = !reset && !same && ids.size() > m_ids.size() && std::equal(m_ids.begin(), m_ids.end(), ids.begin());
    if (same) {
        // Same rows: re-read the cached chunks in place.
    } else if (appended) {
        const int first = static_cast<int>(m_ids.size());
        beginInsertRows({}, first, static_cast<int>(ids.size()) - 1);
        m_ids = std::move(ids);
        ++m_listVersion;
        // The last cached chunk may be partial: drop it so that it is read again with its new rows.
        const int lastChunk = first / kChunkRows;
        if (auto it = m_chunks.find(lastChunk); it != m_chunks.end()) {
            m_lru.erase(it->second.lru);
            m_chunks.erase(it);
        }
        endInsertRows();
    } else {
        beginResetModel();
        m_ids = std::move(ids);
        ++m_listVersion;
        m_chunks.clear();
        m_lru.clear();
        m_pending.clear();
        endResetModel();
    }
    if (same || appended) {
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
