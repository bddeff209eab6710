#pragma once

#include "util/result.h"

#include <QString>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

struct sqlite3;
class QThread;

namespace mdsync {

// SQLite's WAL checkpoints on a thread and a connection of their own, off the writer's thread (issue 16).
//
// By default SQLite checkpoints inside the COMMIT that takes the WAL past 1,000 pages: the writer copies the WAL's
// pages into the database file and fsyncs it before its commit returns. That was 5 % of the ingest's CPU and, in an
// open loop, a stall of every few commits (docs/BENCHMARKS.md "WAL checkpoints on a thread of their own").
//
// Here the writer connection's WAL hook (called after each commit with the WAL's size) only wakes a thread, which
// runs a PASSIVE checkpoint on its own connection: it copies what no reader still needs and never blocks the writer
// or a reader. The writer restarts the WAL at a later commit once a checkpoint has copied all of it.
//
// A writer that commits without pause can leave the thread always one commit behind, so the WAL would never be
// copied whole and never restart. At kInlineLimit pages the writer therefore checkpoints itself, as SQLite's own
// hook would have; the thread has copied all but the newest pages by then, so that checkpoint is short.
//
// Durability is SQLite's: a checkpoint syncs the database file before it marks the WAL's pages as copied
// (synchronous=FULL on both connections), and a kill -9 at any point leaves the WAL to replay.
class WalCheckpointer
{
public:
    // The WAL size (pages) at which the thread is woken: SQLite's default autocheckpoint.
    static constexpr int kWakePages = 1000;
    // The WAL size (pages) at which the writer checkpoints itself (4 x 4 KB pages x 1,000: 16 MB).
    static constexpr int kInlineLimit = 4 * kWakePages;

    struct Stats
    {
        std::uint64_t threadCheckpoints = 0; // checkpoints the thread ran
        std::uint64_t inlineCheckpoints = 0; // checkpoints the writer ran itself at kInlineLimit
        int lastWalPages = 0; // the WAL's size at the thread's last checkpoint (pages)
        int lastCopied = 0; // of which in the database file after it
        std::uint64_t failures = 0; // thread checkpoints that failed (not busy): the WAL grows meanwhile
        QString lastError; // SQLite's message for the last of them
    };

    // Opens the checkpoint connection to `path` and installs the WAL hook on `writer` (the Workspace's connection).
    static Result<std::unique_ptr<WalCheckpointer>> start(const QString& path, sqlite3* writer);
    // Gives the writer SQLite's own hook back, stops the thread (after a checkpoint it is running) and closes the
    // thread's connection.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer&) = delete;
    WalCheckpointer& operator=(const WalCheckpointer&) = delete;

    Stats stats() const;

private:
    WalCheckpointer() = default;
    static int onCommit(void* self, sqlite3* db, const char* schema, int walPages);
    void run();

    sqlite3* m_writer = nullptr;
    sqlite3* m_db = nullptr; // the thread's connection
    QThread* m_thread = nullptr;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_due = false;
    bool m_stop = false;
    Stats m_stats; // guarded by m_mutex
};

} // namespace mdsync
