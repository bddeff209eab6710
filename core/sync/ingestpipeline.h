#pragma once

#include "config/configstore.h"
#include "store/duplicatedecisions.h"
#include "sync/duplicateindex.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlQuery>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

class QIODevice;

class QThread;

namespace mdsync {

class Workspace;

// Per-run counts. received = accepted + rejected + duplicates; accepted = revisions + unchanged.
struct IngestSummary
{
    std::int64_t runId = 0;
    std::int64_t received = 0; // non-blank lines
    std::int64_t accepted = 0; // merged (possibly without the attributes the sender does not own)
    std::int64_t revisions = 0; // new revisions created
    std::int64_t unchanged = 0; // accepted, but the object's state did not change: no revision
    std::int64_t rejected = 0; // nothing merged; an exception keeps the raw line
    std::int64_t duplicates = 0; // same (source, event_id) as an accepted event, or a rejected line already open
    std::int64_t exceptions = 0; // exceptions created by this run (rejections, policy violations, suspects)
    std::int64_t policyViolations = 0; // events with attributes not merged because the sender does not own them
    std::int64_t duplicateSuspects = 0;
    std::int64_t deliveries = 0; // outbox rows written
    // Events run again after a conflict with another writer of a shared workspace (the same new object or event
    // at once, a deadlock); in the JSON only when not 0.
    std::int64_t retries = 0;
    std::map<std::string, std::int64_t> exceptionsByCategory;
    std::string inputSha256; // of all bytes read

    nlohmann::json toJson() const;
    // Adds another summary's counts (not its run id or input hash).
    void add(const IngestSummary& other);
};

// One attention point of an accepted line: an exception created for review although the event was merged.
struct LineIssue
{
    std::string category; // "policy_violation" (attributes not merged) or "duplicate_suspect"
    std::string message; // the exception's message
    nlohmann::json details; // the exception's details ("not_merged", "suspect")
    std::int64_t exceptionId = 0; // 0 in a dry run

    nlohmann::json toJson() const;
};

// What became of one non-blank input line; collected when IngestOptions::verdicts is set.
// NOLINTNEXTLINE(bugprone-exception-escape): the implicit noexcept move; clang-tidy 14 follows nlohmann::json's
// assert_invariant, which asserts and never throws
struct LineVerdict
{
    std::int64_t lineNo = 0;
    // "accepted" (a new revision), "unchanged" (accepted, the object already had this state), "rejected" (nothing
    // merged; an exception keeps the raw line) or "duplicate" (the same event was accepted before, or the same raw
    // line is already waiting in an open exception: then exceptionId names that exception).
    std::string outcome;
    std::string eventId, domain, key; // as far as the line could be read
    std::int64_t revisionNo = 0; // accepted: the new revision; unchanged: the current one
    std::string category; // rejected/duplicate of an open exception: the exception category
    std::string message; // rejected: the exception's message (names source, line and what is wrong)
    nlohmann::json details; // rejected: the exception's details (validation issues, missing, not_merged, ...)
    std::int64_t exceptionId = 0; // see outcome; 0 in a dry run
    std::vector<LineIssue> warnings; // accepted: exceptions created for review

    bool isProblem() const { return outcome == "rejected" || (outcome == "duplicate" && exceptionId != 0); }
    nlohmann::json toJson() const;
};

struct IngestOptions
{
    QString sourceName = QStringLiteral("-"); // file name, "webhook", "inbox/<file>": shown in exceptions
    std::string actor = "system"; // who started the ingest (OS login for the CLI)
    qsizetype maxLineBytes = qsizetype(1024) * 1024; // longer lines are rejected (kept verbatim)
    int batchSize = 256; // events per transaction
    int batchMillis = 1000; // a batch is also committed after this long (slow producers, e.g. stdin)
    // Test hook: called at named points inside an event's transaction; throwing from it simulates a
    // failure mid-event. Stages: "revision", "outbox", "lineage".
    std::function<void(std::string_view stage)> faultHook;
    // Clock override for tests (UTC ms); nullptr = system clock.
    std::function<TimeMs()> clock;
    // When set, one LineVerdict per non-blank line is appended, in input order. Costs nothing when null.
    std::vector<LineVerdict>* verdicts = nullptr;
    // Validate only: the whole run is one transaction that is rolled back at the end, so nothing is stored (no
    // ingest_run, audit entry, object, revision, delivery, exception or lineage row). The summary and verdicts say
    // what a real ingest would do now (runId and exception ids are 0). The pipeline's in-memory id counters and
    // duplicate indexes are restored, so a real ingest afterwards is unaffected.
    bool dryRun = false;
    // Lines (by line number) the caller already found malformed while converting its input (e.g. a CSV row with
    // an unterminated quote), with why. Such a line becomes a "malformed" exception that keeps it verbatim.
    const std::map<std::int64_t, std::string>* malformed = nullptr;
    // A steward's correction recorded on behalf of the owning system: that system did not send the values, so
    // its subscription receives the revision too (normally a change never goes back to the system it came from).
    bool deliverToSource = false;
};

// The ingest path: parse -> validate -> ownership -> duplicate suspects -> enrich -> merge (revision) ->
// outbox -> lineage. All writes of one event happen inside one savepoint, events are grouped into
// transactions. Runs on the thread that owns the read-write Workspace; the only writer.
class IngestPipeline
{
public:
    IngestPipeline(Workspace& ws, ActiveConfig config);
    ~IngestPipeline();

    // Reads JSON Lines from `in` until EOF. Each line's outcome is independent: a bad line becomes an
    // exception and the rest goes on. Errors returned here are storage failures only (nothing half-done
    // stays: the open batch is rolled back and its events are reported as not processed).
    Result<IngestSummary> ingest(QIODevice& in, const IngestOptions& options);
    // Same for lines already in memory (webhook bodies, tests).
    Result<IngestSummary> ingestLines(const std::vector<std::string>& lines, const IngestOptions& options);

    const ActiveConfig& config() const { return m_config; }
    // A configuration version fell due (CoreRunner): events are validated, owned, matched and fanned out with it
    // from the next batch on. Between batches only (never during ingest()).
    void setConfig(const ActiveConfig& config);

private:
    QThread* m_owner; // the thread that created it (the workspace writer's): the only one that may ingest
    class Run;
    struct Statements;
    Result<void> prepareStatements();

    Workspace& m_ws;
    ActiveConfig m_config;
    std::unique_ptr<Statements> m_st;
    std::map<std::string, DuplicateIndex, std::less<>> m_dupIndex; // per domain, loaded lazily
    // Pairs of objects a steward decided are not duplicates (table duplicate_decision, any domain): the duplicate
    // check skips them. Reloaded at the start of a batch when the table's row count or highest id changed (a decision
    // made by another process, e.g. the GUI while `mdsyncctl run` ingests).
    std::set<std::pair<std::int64_t, std::int64_t>> m_dismissed;
    std::pair<std::int64_t, std::int64_t> m_dismissedStamp { -1, -1 }; // count, max id
    // Keys merged into another object (table object_merge, docs/DUPLICATES.md "Merging"): an event for a merged key
    // updates the object that stands for it, and references to a merged key are redirected. Reloaded like m_dismissed.
    store::MergeAliases m_aliases;
    std::pair<std::int64_t, std::int64_t> m_aliasStamp { -1, -1 }; // count, max id of the applied merges
    std::string m_instanceId; // the workspace's instance id, part of every idempotency key
    // Ids of new objects, revisions and deliveries. SQLite (one writer): counters from max(id) + 1 at the start of
    // each run. PostgreSQL (several writers: the service's webhook and inbox, stewards' CLIs and GUIs): drawn in
    // blocks from the tables' identity sequences, so that two processes ingesting at once never pick the same id.
    enum IdKind { ObjectId, RevisionId, DeliveryId };
    std::int64_t nextId(IdKind kind);
    bool m_sequenceIds = false;
    std::array<std::int64_t, 3> m_nextId {};
    std::array<std::vector<std::int64_t>, 3> m_idPool; // PostgreSQL: ids drawn, not used yet (taken from the back)
    bool m_referencesIndexed = false; // meta ref_index seen (set once, never unset): not read again at each run
};

} // namespace mdsync
