#pragma once

// Duplicate decisions (table duplicate_decision, docs/DUPLICATES.md "Deciding a suspect"): a steward's word that two
// objects of a duplicate_suspect exception are not duplicates, remembered per pair so that the duplicate check never
// raises the pair again; and the reads behind `mdsyncctl duplicates list|compare` and the GUI's comparison: the open
// suspects and a pair side by side. The read functions run on any thread with that thread's connection and return
// value snapshots.

#include "store/readexceptions.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace mdsync {

class SqlStatement;

// Two objects, the lower id first.
using ObjectPair = std::pair<std::int64_t, std::int64_t>;
inline ObjectPair orderedPair(std::int64_t a, std::int64_t b)
{
    return a < b ? ObjectPair { a, b } : ObjectPair { b, a };
}

namespace store {

// What changes when a decision is added (by any process): the pipeline reloads its pairs when it differs.
struct DuplicateDecisionStamp
{
    qint64 count = 0, maxId = 0;
    bool operator==(const DuplicateDecisionStamp&) const = default;
};
// `st` is the caller's, kept for its next calls: prepared on `db` at the first (the pipeline reads the stamps at every
// batch, so at every REST call).
Result<DuplicateDecisionStamp> duplicateDecisionStamp(const QSqlDatabase& db, SqlStatement& st);
// Every pair decided "not a duplicate" (object ids are unique across domains).
Result<std::set<ObjectPair>> dismissedDuplicatePairs(const QSqlDatabase& db);

struct DuplicateDecision
{
    qint64 id = 0, at = 0;
    QString domain, decision, actor, reason;
};
// The decision on a pair, if any.
Result<std::optional<DuplicateDecision>> duplicateDecision(const QSqlDatabase& db, ObjectPair pair);
// Records a decision (inside the caller's transaction; a second one on the same pair fails: UNIQUE).
Result<void> insertDuplicateDecision(const QSqlDatabase& db, const QString& domain, ObjectPair pair,
    const QString& decision, const QString& actor, qint64 at, const QString& reason);

// A merge of two objects of a domain (table object_merge, docs/DUPLICATES.md "Merging"): `merged` becomes an alias
// of `survivor`.
struct ObjectMerge
{
    qint64 id = 0;
    QString domain;
    qint64 mergedId = 0, survivorId = 0;
    QString mergedKey, survivorKey;
    QString status; // awaiting_approval | applied | rejected
    QString reason, proposedBy;
    qint64 proposedAt = 0;
    QString decidedBy, decisionReason; // four-eyes: who approved or rejected, and why
    qint64 decidedAt = 0, appliedAt = 0, exceptionId = 0;
    QString detail; // JSON: what applying it did (redirected references, the retire revision)
};
// Records a merge (inside the caller's transaction); returns its id.
Result<qint64> insertObjectMerge(const QSqlDatabase& db, const ObjectMerge& m);
// A decision or the outcome of applying: status, decided_*, applied_at, detail.
Result<void> updateObjectMerge(const QSqlDatabase& db, const ObjectMerge& m);
// Four-eyes: records who decides merge `m.id` (m.decidedBy, decidedAt, decisionReason) only while nobody has: a second
// approver at the same time on a shared workspace waits for the first one's row lock, then matches no row (false).
Result<bool> claimObjectMergeDecision(const QSqlDatabase& db, const ObjectMerge& m);
Result<ObjectMerge> objectMerge(const QSqlDatabase& db, qint64 id);
// Merges, newest first: of one status (all when empty), of one domain (all when empty).
Result<std::vector<ObjectMerge>> objectMerges(
    const QSqlDatabase& db, const QString& status = {}, const QString& domain = {});
// The merges that involve an object (as merged or survivor) and are not rejected, oldest first.
Result<std::vector<ObjectMerge>> objectMergesOf(const QSqlDatabase& db, qint64 objectId);
// What changes when a merge is applied (by any process): the pipeline reloads its aliases when it differs.
Result<DuplicateDecisionStamp> objectMergeStamp(const QSqlDatabase& db, SqlStatement& st); // as above
// The aliases in force: (domain, merged key) -> the key of the object that now stands for it, chains followed
// (A merged into B, later B into C: A -> C).
using MergeAliases = std::map<std::pair<std::string, std::string>, std::string, std::less<>>;
Result<MergeAliases> mergeAliases(const QSqlDatabase& db);

} // namespace store

namespace read {

// An open duplicate_suspect exception: the object created (`key`) and the existing one it looks like.
struct DuplicateSuspect
{
    qint64 exceptionId = 0, createdAt = 0;
    QString domain, key, suspectKey, status;
    qint64 objectId = 0, suspectId = 0; // objectId 0: a held event (action "hold"), nothing was created
    double score = 0;
    QStringList compared;
};
// The open duplicate suspects (of one domain when `domain` is set), oldest first.
Result<std::vector<DuplicateSuspect>> openDuplicateSuspects(const QSqlDatabase& db, const QString& domain = {});
// The duplicate_suspect exception `id` as a DuplicateSuspect (whatever its status); an error when it is none.
Result<DuplicateSuspect> duplicateSuspect(const QSqlDatabase& db, qint64 id);

// One object of a pair as a steward compares it.
struct DuplicateSide
{
    qint64 objectId = 0;
    ExceptionDetail::ObjectSide object; // its current revision
    qint64 revisions = 0; // revisions stored
    QStringList sources; // systems that sent its revisions, in order of first appearance
    QStringList ackedTargets; // "ERP r2": targets that acknowledged a revision of it, and the latest acknowledged
};
struct DuplicateComparison
{
    QString domain;
    DuplicateSide a, b;
    QStringList attributes; // attribute names of both current states, sorted
    std::optional<store::DuplicateDecision> decision;
    std::vector<store::ObjectMerge> merges; // merges between the two (awaiting approval, applied or rejected)
};
// Two objects of a domain side by side; an error naming the key that does not exist.
Result<DuplicateComparison> compareDuplicates(
    const QSqlDatabase& db, const QString& domain, const QString& keyA, const QString& keyB);

} // namespace read

} // namespace mdsync
