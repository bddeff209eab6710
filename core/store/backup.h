#pragma once

// Online backup of a workspace file (SQLite's backup API): a consistent copy taken while the core keeps running
// (the copy is the state of one read transaction; a writer that commits meanwhile makes the copy start over from
// its current state, at most `restarts` times). docs/DEPLOYMENT.md "Backup and restore".

#include "util/result.h"

#include <QString>

#include <cstdint>

namespace mdsync {

class Workspace;

struct BackupSummary
{
    QString file;
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
    int restarts = 0; // times a concurrent commit made the copy start again
    qint64 ms = 0;
};

// Copies `ws` (open, any mode) to `destination`, which must not exist: written to "<destination>.partial" first and
// renamed when complete and checked (PRAGMA integrity_check on the copy), so a failed or interrupted backup never
// leaves a file that looks like a backup. `restarts` bounds the retries when writers keep committing.
Result<BackupSummary> backupWorkspace(Workspace& ws, const QString& destination, int restarts = 20);

} // namespace mdsync
