#pragma once

// Retention (docs/RETENTION.md): `mdsyncctl archive` moves the payloads (state) of revisions that are superseded and
// older than their domain's "archive_superseded_after_days" into a gzip-compressed JSON Lines file with a manifest
// (SHA-256 of the file and, per revision, its object key, number and hash). Revision rows, their hashes, lineage and
// the audit log stay; an archived revision can no longer be replayed.
//
// Order (crash safety): the archive file and its manifest are written and fsynced first, then one transaction marks
// the revisions archived, clears their state, records the archive and appends the audit entry archive.create (with
// the manifest's SHA-256). A crash in between leaves a file without a record: harmless (the workspace still has every
// payload), reported by the next run as an orphan.

#include "util/result.h"
#include "util/timeutil.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace mdsync {

class CanonicalModel;
class Workspace;

struct ArchiveOptions
{
    std::string domain; // empty: every domain with a retention policy
    std::string reason; // required unless dryRun
    // Where the archive files go. Empty: SQLite "<workspace file without .mdsync>-archive/" beside the workspace;
    // PostgreSQL needs it (an error says so).
    QString dir;
    bool dryRun = false; // count per domain, write nothing (any role)
    // SQLite: VACUUM after the commit, so the file shrinks by what was archived (docs/RETENTION.md "What retention
    // bounds"); without it the space stays inside half-empty pages of the revision table. PostgreSQL: ignored.
    bool compact = false;
    std::optional<TimeMs> now; // the time the policy is applied at (tests); default: the clock
};

struct ArchiveDomainCount
{
    std::string domain;
    std::optional<int> days; // the domain's policy; nullopt: kept forever (nothing archived)
    qint64 archivable = 0; // superseded longer than `days` and no delivery in the backlog
    qint64 skippedOpen = 0; // old enough, but a delivery of theirs is still in the backlog
    qint64 bytes = 0; // payload bytes of the archivable ones
};

struct ArchiveResult
{
    bool dryRun = false;
    std::vector<ArchiveDomainCount> domains;
    qint64 revisions = 0, payloadBytes = 0; // archived (dry run: would be)
    qint64 workspaceBytesBefore = 0, workspaceBytesAfter = 0; // bytes in use (SQLite: pages not free; PG: database)
    QString file, manifest; // full paths; empty when nothing was archived
    std::string fileSha256, manifestSha256;
    qint64 archiveId = 0;
    std::vector<QString> orphans; // archive files in the folder without a committed record (an earlier crash)

    nlohmann::json toJson() const;
};

// Archives (or, with dryRun, counts) per the retention policy of `model`. Checks Action::Archive (admins) unless dry.
Result<ArchiveResult> archiveRevisions(
    Workspace& ws, const CanonicalModel& model, const std::string& actor, const ArchiveOptions& options);

// The folder archive files of `ws` go to by default (SQLite; empty for PostgreSQL).
QString defaultArchiveDir(const Workspace& ws);

struct ArchiveVerification
{
    QString file, manifest;
    std::string fileSha256, manifestSha256;
    qint64 revisions = 0;
    std::vector<std::string> problems; // empty: OK
    bool ok() const { return problems.empty(); }
    nlohmann::json toJson() const;
};

// Checks an archive offline: `path` is the .jsonl.gz file or its .manifest.json. The file's SHA-256 against the
// manifest, every line against the manifest's entry (object key, revision number, hash) and every payload against
// its revision hash. An error only when neither file can be read at all.
Result<ArchiveVerification> verifyArchive(const QString& path);

// The message a refused replay (or anything else that needs the payload) gives for an archived revision.
std::string archivedRevisionMessage(const std::string& domain, const std::string& key, qint64 revisionNo,
    const std::string& file, const std::string& manifestSha256);

} // namespace mdsync
