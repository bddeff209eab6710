#pragma once

// Retention (docs/RETENTION.md): the archive records (table archive) and the revisions whose payload moved into an
// archive file (revision.archived_in, state ''), and "replayable until" of a revision. The archiving itself (the
// file, its manifest, the permission check and the audit entry) is core/steward/retention.h; these functions only
// read and write rows, inside the caller's transaction where they write.

#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlDatabase>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mdsync::store {

// A superseded revision that is not archived yet, with what archiving it needs to know.
struct ArchiveCandidate
{
    qint64 revisionId = 0, objectId = 0, revisionNo = 0;
    std::string domain, key, contentHash;
    std::string state; // the payload (canonical JSON text); empty unless asked for
    std::string changed; // {attribute: {old, new, ...}}; empty unless asked for
    TimeMs receivedAt = 0;
    TimeMs supersededAt = 0; // when the next revision of the object was received
    bool deleted = false; // a delete revision (its hash is SHA-256 of "deleted:" + state)
    bool openDelivery = false; // a delivery of this revision is still in the backlog (pending ... blocked_by_outage)
};

// The superseded, not yet archived revisions of `domain` superseded at or before `supersededBefore`, in id order.
// `withState`: also read their payloads (the archive writes them; a dry run does not need them).
Result<std::vector<ArchiveCandidate>> archiveCandidates(
    const QSqlDatabase& db, const std::string& domain, TimeMs supersededBefore, bool withState);

struct ArchiveRow
{
    qint64 id = 0;
    std::string fileName, fileSha256, manifestName, manifestSha256;
    std::vector<std::string> domains;
    qint64 revisions = 0, bytes = 0; // bytes: the payload bytes moved out of the workspace
    TimeMs createdAt = 0;
    std::string actor, reason;
};

// `changed` of an archived revision: {attribute: {"archived": true[, "by", "rule"]}}.
std::string archivedChanged(const std::string& changed);

Result<qint64> insertArchive(const QSqlDatabase& db, const ArchiveRow& row);
// All archive records, oldest first; or the one named `fileName`.
Result<std::vector<ArchiveRow>> archives(const QSqlDatabase& db, const std::string& fileName = {});
// Marks the revisions archived in `archiveId`, clears their state and keeps of `changed` only the attribute names
// (and an enrichment's "by" and "rule": who supplied a value stays answerable, authority at a point in time). Refuses
// (an error naming the revision) when one of them is archived already or has a delivery in the backlog by now: the
// caller rolls back.
Result<void> markArchived(const QSqlDatabase& db, qint64 archiveId, const std::vector<ArchiveCandidate>& revisions);

// Bytes the workspace uses: SQLite (page_count - freelist_count) * page_size (freed pages are reused, so this is
// what a steady stream fills); PostgreSQL pg_database_size().
Result<qint64> workspaceBytesInUse(const QSqlDatabase& db, bool postgres);

// SQLite: VACUUM (rewrites the file without the space archiving left inside the revision table's pages, which SQLite
// does not refill: new revisions are appended at the end of the table). PostgreSQL: nothing (autovacuum makes the
// space of the old row versions reusable). Outside a transaction.
Result<void> compactWorkspace(const QSqlDatabase& db, bool postgres);

// The archive a revision's payload is in (nullopt: the payload is in the workspace).
Result<std::optional<ArchiveRow>> archiveOfRevision(const QSqlDatabase& db, qint64 revisionId);

// The archive the revision of delivery `deliveryId` is in, with that revision's number (nullopt: not archived).
struct ArchivedRevision
{
    qint64 revisionNo = 0;
    ArchiveRow archive;
};
Result<std::optional<ArchivedRevision>> archiveOfDelivery(const QSqlDatabase& db, qint64 deliveryId);

// Retention policy of the model in force: domain -> archive_superseded_after_days (domains without "retention" are
// absent: kept forever). Read from the model document in config_version, which CanonicalModel validated when it was
// installed (the store layer does not parse models).
Result<std::map<std::string, int>> retentionDays(const QSqlDatabase& db);

// "Replayable until" of a revision (docs/RETENTION.md): the one place it is computed.
struct ReplayableUntil
{
    enum class Kind {
        Forever, // no retention policy for the domain
        WhileCurrent, // the revision is current: N days after it is superseded
        Until, // superseded: until `until` (it may be archived after that)
        Archived, // its payload is in an archive file: not replayable
    };
    Kind kind = Kind::Forever;
    std::optional<int> days;
    TimeMs until = 0; // Until
    std::string archiveFile, archiveManifestSha256; // Archived
    TimeMs archivedAt = 0;
    bool replayable() const { return kind != Kind::Archived; }
    // "forever (no retention policy)", "while current; 730 days after it is superseded",
    // "until 2028-12-06T09:00:00.000Z", "archived in item-....jsonl.gz on 2026-12-06: not replayable".
    std::string text() const;
};

// From the facts: the domain's policy, the archive (empty file: not archived) and when the next revision arrived.
ReplayableUntil replayableUntilOf(std::optional<int> days, const std::string& archiveFile,
    const std::string& manifestSha256, TimeMs archivedAt, std::optional<TimeMs> supersededAt);

// Of revision `revisionId`, with the policy `days` (from retentionDays()) of its domain.
Result<ReplayableUntil> replayableUntil(
    const QSqlDatabase& db, qint64 revisionId, const std::map<std::string, int>& days);
// Of the revision delivery `deliveryId` sends (a delivery, or the exception of a failed one).
Result<ReplayableUntil> replayableUntilOfDelivery(
    const QSqlDatabase& db, qint64 deliveryId, const std::map<std::string, int>& days);

} // namespace mdsync::store
