#include "store/walcheckpointer.h"

#include <QThread>

#include <sqlite3.h>

namespace mdsync {

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const QString& path, sqlite3* writer)
{
    if (!writer)
        return makeError(QStringLiteral("%1: no SQLite connection to checkpoint for").arg(path));
    std::unique_ptr<WalCheckpointer> c(new WalCheckpointer);
    // SQLITE_OPEN_NOMUTEX: the connection is used by the thread alone.
    if (sqlite3_open_v2(path.toUtf8().constData(), &c->m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr)
        != SQLITE_OK) {
        const QString message = c->m_db ? QString::fromUtf8(sqlite3_errmsg(c->m_db)) : QStringLiteral("out of memory");
        return makeError(QStringLiteral("%1: cannot open the checkpoint connection: %2").arg(path, message));
    }
    // A checkpoint syncs the database file before it marks the WAL's pages as copied only at NORMAL or FULL; FULL,
    // as on the writer. No automatic checkpoint of its own: it never commits.
    if (sqlite3_exec(c->m_db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK)
        return makeError(
            QStringLiteral("%1: checkpoint connection: %2").arg(path, QString::fromUtf8(sqlite3_errmsg(c->m_db))));
    sqlite3_busy_timeout(c->m_db, 5000);

    WalCheckpointer* self = c.get();
    c->m_thread = QThread::create([self] { self->run(); });
    c->m_thread->setObjectName(QStringLiteral("mdsync-checkpoint")); // the thread's name in top, perf and gdb
    c->m_thread->start();
    // Replaces SQLite's own hook (sqlite3_wal_autocheckpoint): PRAGMA wal_autocheckpoint now reads 0.
    sqlite3_wal_hook(writer, &WalCheckpointer::onCommit, self);
    c->m_writer = writer;
    return c;
}

WalCheckpointer::~WalCheckpointer()
{
    if (m_writer) // SQLite's own hook again, for whatever the connection commits before it closes
        sqlite3_wal_autocheckpoint(m_writer, kWakePages);
    if (m_thread) {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread->wait();
        delete m_thread;
    }
    // Not the last connection (the writer's closes after it), so closing does not checkpoint.
    sqlite3_close(m_db);
}

WalCheckpointer::Stats WalCheckpointer::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

int WalCheckpointer::onCommit(void* self, sqlite3* db, const char* schema, int walPages)
{
    auto* c = static_cast<WalCheckpointer*>(self);
    if (walPages >= kInlineLimit) {
        // What SQLite's own hook does at every 1,000 pages. PASSIVE: when the thread is checkpointing right now, this
        // returns SQLITE_BUSY at once and the next commit tries again.
        if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
            std::lock_guard lock(c->m_mutex);
            ++c->m_stats.inlineCheckpoints;
        }
        return SQLITE_OK; // an error here would make the COMMIT, which has happened, report one
    }
    if (walPages >= kWakePages) {
        {
            std::lock_guard lock(c->m_mutex);
            c->m_due = true;
        }
        c->m_wake.notify_one();
    }
    return SQLITE_OK;
}

void WalCheckpointer::run()
{
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_due || m_stop; });
            if (m_stop)
                return;
            m_due = false;
        }
        int walPages = 0;
        int copied = 0;
        // PASSIVE: copies the pages no reader still needs, waits for no one (busy when the writer's inline
        // checkpoint runs; then there is nothing to do).
        const int rc = sqlite3_wal_checkpoint_v2(m_db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &walPages, &copied);
        std::lock_guard lock(m_mutex);
        if (rc == SQLITE_OK) {
            ++m_stats.threadCheckpoints;
            m_stats.lastWalPages = walPages;
            m_stats.lastCopied = copied;
        } else if (rc != SQLITE_BUSY) {
            ++m_stats.failures;
            m_stats.lastError = QString::fromUtf8(sqlite3_errmsg(m_db));
        }
    }
}

} // namespace mdsync
