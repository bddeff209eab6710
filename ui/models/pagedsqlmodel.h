#pragma once

// Base of the large tables (propagation matrix, exception backlog, audit log): it never holds the table.
// A background query yields the ordered ids of the rows that match the filter (8 bytes a row, so 1M rows
// are 8 MB); rows are fetched by id in chunks when a view asks for them, and at most kMaxChunks chunks are
// cached. refresh() (on a core change) re-reads the id list and the cached chunks in the background; the worker
// also diffs the new list against a snapshot of the old one (ListDiff), and the UI thread turns that diff into
// row removals, row insertions and (when rows changed their order) a layout change, so that selections, the
// current index and the scroll position stay on the same rows by id and loaded rows stay loaded (the cache is
// remapped by id, then re-read). Only a filter change (reload()) resets the model. Stale results (an older
// filter, an older list) are dropped. Only the UI thread touches the model.

#include "dbreader.h"
#include "store/readrows.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QVariant>

#include <cstdint>
#include <functional>
#include <list>
#include <unordered_map>
#include <vector>

namespace mdsync::ui {

// One row as loaded by the row query (a read function of core/store/read): the id and the values the subclass
// reads back in cellData().
using PagedRow = read::PagedRow;

class PagedSqlModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kChunkRows = 256;
    static constexpr int kMaxChunks = 64;

    enum Roles { IdRole = Qt::UserRole + 1, LoadedRole, FirstSubclassRole = Qt::UserRole + 16 };

    // The id list of the current filter and sort, computed on a worker thread (a value snapshot of the
    // filter is captured in the function).
    using IdQuery = std::function<Result<std::vector<qint64>>(QSqlDatabase&)>;
    // The rows of the given ids (any order; missing ids are rows that vanished).
    using RowQuery = std::function<Result<std::vector<PagedRow>>(QSqlDatabase&, const std::vector<qint64>&)>;

    explicit PagedSqlModel(DbReader* reader, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    qint64 idAt(int row) const;
    int rowOfId(qint64 id) const; // -1 when not in the list (linear; for selection restore of small lists)
    // The loaded row, or nullptr while its chunk is loading.
    const PagedRow* rowAt(int row) const;
    bool isLoading() const { return m_loading; }
    const QString& lastError() const { return m_error; }
    // Milliseconds the last id query took on the worker (for the status line and bench_ui).
    qint64 lastQueryMs() const { return m_lastQueryMs; }
    const std::vector<qint64>& ids() const { return m_ids; }
    // True while a refresh applies its row removals/insertions/moves: a current-index change seen then is the
    // model's doing, not the user's (views keep their detail panes).
    bool isApplyingList() const { return m_applying; }
    // Whether the last listLoaded() came from a reset (a filter change) rather than an incremental refresh.
    bool lastListWasReset() const { return m_lastReset; }

    // How an id list changed (computed on a worker; public for tests). Rows are inclusive ranges.
    struct ListDiff
    {
        std::vector<int> oldToNew; // new row of each old row, -1 when it left
        std::vector<std::pair<int, int>> removed; // old rows, ascending
        std::vector<std::pair<int, int>> inserted; // new rows, ascending
        bool moved = false; // the rows in both lists changed their relative order
    };
    static ListDiff diffLists(const std::vector<qint64>& before, const std::vector<qint64>& after);

    // Re-reads the list and the cached rows (a change in the workspace). Cheap when nothing changed.
    void refresh();

Q_SIGNALS:
    void loadingChanged(bool loading);
    // The id list of a new filter (or a refresh) is in place: `rows` rows, the query took `queryMs`.
    void listLoaded(int rows, qint64 queryMs);
    void chunkLoaded(int firstRow, int lastRow);
    void queryFailed(const QString& message);

protected:
    // Subclasses: the queries of the current filter (called on the UI thread; the returned functions run on
    // worker threads and must only use what they captured).
    virtual IdQuery idQuery() const = 0;
    virtual RowQuery rowQuery() const = 0;
    // Subclasses: a cell of a loaded row.
    virtual QVariant cellData(const PagedRow& row, int column, int role) const = 0;
    // Subclasses call this when the filter or sort changed: the list is re-read and the model reset.
    void reload();

private:
    struct Chunk
    {
        std::vector<PagedRow> rows; // aligned to the chunk's rows of m_ids
        std::list<int>::iterator lru;
    };
    void startListQuery(bool reset);
    void applyList(std::vector<qint64> ids, bool reset, qint64 queryMs, const ListDiff* diff);
    void applyDiff(std::vector<qint64> ids, const ListDiff& diff);
    // Replaces m_ids by `next` (same size) in a layout change; persistent rows move by `newRow(oldRow)`.
    void permute(std::vector<qint64> next, const std::function<int(int)>& newRow);
    void requestChunk(int chunk) const;
    void applyChunk(int chunk, quint64 listVersion, std::vector<PagedRow> rows);
    void touch(int chunk) const;

    DbReader* m_reader;
    QueryChannel m_listChannel;
    std::vector<qint64> m_ids;
    quint64 m_listVersion = 0; // grows whenever m_ids changes
    mutable std::unordered_map<int, Chunk> m_chunks;
    mutable std::list<int> m_lru; // front = most recently used
    mutable std::unordered_map<int, quint64> m_pending; // chunk -> list version it was requested for
    bool m_loading = false;
    bool m_refreshQueued = false;
    bool m_applying = false;
    bool m_lastReset = true;
    // While a diff is applied: the loaded rows by id (the chunks are rebuilt at their new rows afterwards).
    std::unordered_map<qint64, PagedRow> m_carried;
    QString m_error;
    qint64 m_lastQueryMs = 0;
};

} // namespace mdsync::ui
