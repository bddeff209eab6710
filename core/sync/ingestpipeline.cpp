#include "sync/ingestpipeline.h"

#include "audit/auditlog.h"
#include "store/duplicatedecisions.h"
#include "store/exceptionstatus.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/fastsha256.h"
#include "util/hash.h"
#include "util/qtext.h"
#include "util/text.h"

#include <QElapsedTimer>
#include <QIODevice>
#include <QSqlError>
#include <QThread>
#include <QVariant>

#include <array>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>

namespace mdsync {

namespace {

// "components[2] (position 20)": a table line for messages, with its first integer column when it has one.
std::string lineName(const std::string& table, size_t i, const nlohmann::json& row, const AttributeDef* lines)
{
    std::string name = table + "[" + std::to_string(i) + "]";
    if (lines && !lines->tableKey.empty()) {
        const auto k = row.find(lines->tableKey.front());
        if (k != row.end() && !k->is_null())
            name += " (" + lines->tableKey.front() + " " + (k->is_string() ? k->get<std::string>() : k->dump()) + ")";
    }
    return name;
}

struct Envelope
{
    std::string eventId, source, domain, key, op, correlationId;
    TimeMs occurredAt = 0;
    nlohmann::json attributes = nlohmann::json::object();
};

} // namespace

void IngestSummary::add(const IngestSummary& o)
{
    received += o.received;
    accepted += o.accepted;
    revisions += o.revisions;
    unchanged += o.unchanged;
    rejected += o.rejected;
    duplicates += o.duplicates;
    exceptions += o.exceptions;
    policyViolations += o.policyViolations;
    duplicateSuspects += o.duplicateSuspects;
    deliveries += o.deliveries;
    retries += o.retries;
    for (const auto& [k, n] : o.exceptionsByCategory)
        exceptionsByCategory[k] += n;
}

nlohmann::json IngestSummary::toJson() const
{
    nlohmann::json j { { "run_id", runId }, { "received", received }, { "accepted", accepted },
        { "revisions", revisions }, { "unchanged", unchanged }, { "rejected", rejected }, { "duplicates", duplicates },
        { "exceptions", exceptions }, { "policy_violations", policyViolations },
        { "duplicate_suspects", duplicateSuspects }, { "deliveries", deliveries },
        { "exceptions_by_category", exceptionsByCategory }, { "input_sha256", inputSha256 } };
    if (retries > 0)
        j["retries"] = retries;
    return j;
}

nlohmann::json LineIssue::toJson() const
{
    nlohmann::json j { { "category", category }, { "message", message } };
    if (!details.is_null() && !details.empty())
        j["details"] = details;
    if (exceptionId)
        j["exception_id"] = exceptionId;
    return j;
}

nlohmann::json LineVerdict::toJson() const
{
    nlohmann::json j { { "line", lineNo }, { "outcome", outcome } };
    if (!eventId.empty())
        j["event_id"] = eventId;
    if (!domain.empty())
        j["domain"] = domain;
    if (!key.empty())
        j["key"] = key;
    if (revisionNo)
        j["revision_no"] = revisionNo;
    if (!category.empty())
        j["category"] = category;
    if (!message.empty())
        j["message"] = message;
    if (!details.is_null() && !details.empty())
        j["details"] = details;
    if (exceptionId)
        j["exception_id"] = exceptionId;
    if (!warnings.empty()) {
        nlohmann::json w = nlohmann::json::array();
        for (const LineIssue& i : warnings)
            w.push_back(i.toJson());
        j["warnings"] = std::move(w);
    }
    return j;
}

// Rows of match_text read at once when the duplicate index scans a domain's texts.
constexpr int kMatchTextPage = 10000;

// Prepared statements of the pipeline, created once per pipeline on the writer connection's raw handle.
struct IngestPipeline::Statements
{
    explicit Statements(QSqlDatabase& db)
        : db(db)
        , audit(db)
    { }

    bool prepare(QString& error)
    {
        struct P
        {
            SqlStatement* q;
            std::string sql;
        };
        const std::string attributeText = sqlJsonText(sqlBackend(db), "r.state", "?3");
        const bool pg = sqlBackend(db) == SqlBackend::PostgreSQL;
        const auto all = std::to_array<P>({
            { &findInbound,
                "SELECT payload_hash, received_at, outcome FROM inbound_event WHERE source = ? AND event_id = ?" },
            // PostgreSQL: the object's row stays locked until the batch commits, so a second writer ingesting a
            // change of the same object waits here and then reads the revision this one made (per-object order).
            { &findObject,
                std::string("SELECT o.id, o.revision_no, o.content_hash, o.deleted, r.state, o.source_times,"
                            " (SELECT m.text FROM match_text m WHERE m.object_id = o.id) FROM object o"
                            " JOIN revision r ON r.id = o.current_revision_id WHERE o.domain = ? AND o.key = ?")
                    + (pg ? " FOR UPDATE OF o" : "") },
            { &drawIds, "SELECT nextval(pg_get_serial_sequence(?, 'id')) FROM generate_series(1, 256)" },
            { &insertObject,
                "INSERT INTO object(id, domain, key, revision_no, current_revision_id, content_hash, lifecycle, "
                "description,"
                " deleted, created_at, updated_at, source_times) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)" },
            { &updateObject,
                "UPDATE object SET revision_no = ?, current_revision_id = ?, content_hash = ?, lifecycle = ?, "
                "description = ?,"
                " deleted = ?, updated_at = ?, source_times = ? WHERE id = ?" },
            { &insertRevision,
                "INSERT INTO revision(id, object_id, revision_no, op, source_system, actor, event_id, correlation_id,"
                " occurred_at, received_at, model_version, state, changed, content_hash) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)" },
            { &insertInbound,
                "INSERT INTO inbound_event(source, event_id, payload_hash, received_at, outcome, revision_id) VALUES "
                "(?,?,?,?,?,?)" },
            { &insertException,
                "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, source_name, line_no,"
                " source_system, event_id, correlation_id, domain, object_key, object_id, revision_id, message, "
                "details,"
                " raw, raw_sha256, ingest_run_id) VALUES ('inbound',?,?,'open',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
                " RETURNING id" },
            { &findOpenRaw,
                "SELECT id FROM exception WHERE raw_sha256 = ? AND stage = 'inbound' AND status NOT IN "
                "('resolved','discarded')"
                " LIMIT 1" },
            { &upsertMatchText,
                "INSERT INTO match_text(object_id, domain, text) VALUES (?,?,?)"
                " ON CONFLICT(object_id) DO UPDATE SET text = excluded.text" },
            // The duplicate index's texts (DuplicateIndex keeps none): a candidate's (SQLite: a primary key lookup
            // each), a lookup's candidates at once (PostgreSQL: one round trip), a domain's by pages.
            { &matchTextOf, "SELECT text FROM match_text WHERE object_id = ?" },
            { &matchTexts, "SELECT object_id, text FROM match_text WHERE object_id = ANY(CAST(? AS bigint[]))" },
            { &matchTextPage,
                "SELECT object_id, text FROM match_text WHERE domain = ? AND object_id > ? ORDER BY object_id"
                " LIMIT "
                    + std::to_string(kMatchTextPage) },
            { &objectKey, "SELECT key FROM object WHERE id = ?" },
            { &setSourceTimes, "UPDATE object SET source_times = ? WHERE id = ?" },
            { &clearRefs, "DELETE FROM object_ref WHERE object_id = ?" },
            { &insertRef,
                "INSERT INTO object_ref(object_id, domain, path, ref_domain, ref_key) VALUES (?,?,?,?,?)"
                " ON CONFLICT DO NOTHING" },
            { &liveObject, "SELECT id FROM object WHERE domain = ? AND key = ? AND deleted = 0" },
            // Live objects other than ?3 that reference (?1, ?2): a delete would leave them dangling.
            { &referencedBy,
                "SELECT o.domain, o.key, r.path FROM object_ref r JOIN object o ON o.id = r.object_id"
                " WHERE r.ref_domain = ?1 AND r.ref_key = ?2 AND o.deleted = 0 AND r.object_id <> ?3"
                " ORDER BY o.domain, o.key LIMIT 6" },
            // The structures (e.g. BOMs) of parent ?2 other than ?6, with their component keys.
            { &structureLines,
                "SELECT o.key, c.ref_key FROM object_ref p JOIN object o ON o.id = p.object_id"
                " JOIN object_ref c ON c.object_id = p.object_id AND c.path = ?4"
                " WHERE p.ref_domain = ?1 AND p.ref_key = ?2 AND p.domain = ?3 AND p.path = ?5 AND p.object_id <> ?6"
                " AND o.deleted = 0" },
            // The structures of domain ?3 whose lines (?4) use component (?1, ?2), with their current state.
            { &structureUsers,
                "SELECT o.key, r.state FROM object_ref x JOIN object o ON o.id = x.object_id"
                " JOIN revision r ON r.id = o.current_revision_id"
                " WHERE x.ref_domain = ?1 AND x.ref_key = ?2 AND x.domain = ?3 AND x.path = ?4 AND o.deleted = 0"
                " ORDER BY o.key" },
            { &hierarchyParent,
                "SELECT r.ref_key FROM object o JOIN object_ref r ON r.object_id = o.id AND r.path = ?3"
                " WHERE o.domain = ?1 AND o.key = ?2 AND o.deleted = 0" },
            { &attributeOf,
                "SELECT " + attributeText
                    + " FROM object o JOIN revision r ON r.id = o.current_revision_id"
                      " WHERE o.domain = ?1 AND o.key = ?2 AND o.deleted = 0" },
            { &pendingOfObject,
                "SELECT p.exception_id, p.ref_domain, p.ref_key, e.status FROM pending_ref p"
                " JOIN exception e ON e.id = p.exception_id WHERE p.object_id = ?" },
            { &pendingOnTarget,
                "SELECT p.exception_id, p.object_id, e.status, e.domain, e.object_key, e.correlation_id"
                " FROM pending_ref p JOIN exception e ON e.id = p.exception_id WHERE p.ref_domain = ? AND p.ref_key = "
                "?" },
            { &insertPending,
                "INSERT INTO pending_ref(exception_id, object_id, ref_domain, ref_key) VALUES (?,?,?,?)" },
            { &deletePending, "DELETE FROM pending_ref WHERE exception_id = ?" },
            { &resolveException, "UPDATE exception SET status = 'resolved', updated_at = ? WHERE id = ?" },
            // A run's own rows (its start, its summary, the counters of its exceptions) and the id counters it
            // reads at its start: once per call, so per REST request - compiled once, not at every call.
            { &insertRun, "INSERT INTO ingest_run(source_name, actor, started_at) VALUES (?, ?, ?) RETURNING id" },
            { &finishRun, "UPDATE ingest_run SET finished_at = ?, summary = ? WHERE id = ?" },
            { &maxObjectId, "SELECT coalesce(max(id), 0) FROM object" },
            { &maxRevisionId, "SELECT coalesce(max(id), 0) FROM revision" },
            { &maxDeliveryId, "SELECT coalesce(max(id), 0) FROM delivery" },
            { &exceptionCounter,
                "INSERT INTO exception_counter(stage, category, status, n) VALUES ('inbound',?,?,?)"
                " ON CONFLICT(stage, category, status) DO UPDATE SET n = exception_counter.n + excluded.n" },
            { &savepoint, "SAVEPOINT ingest_event" },
            { &release, "RELEASE ingest_event" },
            { &rollbackTo, "ROLLBACK TO ingest_event" },
        });
        for (const P& p : all) {
            if ((p.q == &drawIds || p.q == &matchTexts) && !pg)
                continue;
            if ((p.q == &maxObjectId || p.q == &maxRevisionId || p.q == &maxDeliveryId) && pg)
                continue; // ids come from sequences (drawIds)
            if (!p.q->prepare(db, p.sql)) {
                error = QStringLiteral("prepare: ") + p.q->error();
                return false;
            }
        }
        return true;
    }

    QSqlDatabase& db;
    SqlStatement findInbound, findObject, insertObject, updateObject, insertRevision, insertInbound, insertException,
        findOpenRaw, upsertMatchText, matchTextOf, matchTexts, matchTextPage, objectKey, savepoint, release, rollbackTo,
        setSourceTimes, clearRefs, insertRef, liveObject, referencedBy, structureLines, structureUsers, hierarchyParent,
        attributeOf, pendingOfObject, pendingOnTarget, insertPending, deletePending, resolveException, drawIds,
        insertRun, finishRun, maxObjectId, maxRevisionId, maxDeliveryId, exceptionCounter;
    // Prepared at their first use: the steward decisions' stamps (store/duplicatedecisions.h) and the run's audit
    // entry.
    SqlStatement decisionStamp, mergeStamp;
    AuditLog audit;
};

// One ingest run: counts, the open batch transaction and the per-batch counter deltas.
class IngestPipeline::Run
{
public:
    Run(IngestPipeline& p, const IngestOptions& o)
        : m_p(p)
        , m_o(o)
        , m_model(*p.m_config.model)
        , m_land(*p.m_config.landscape)
        , m_st(*p.m_st)
        , m_sourceName(o.sourceName.toStdString())
        , m_outbox(p.m_ws.outbox())
    { }
    ~Run()
    {
        if (m_tx) // an error path that did not roll back (or a dry run that ended early)
            abort();
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    Result<void> start();
    Result<void> line(std::string_view raw, std::int64_t lineNo);
    Result<IngestSummary> finish();
    void abort();
    void hashInput(QByteArrayView bytes) { m_hash.addData(bytes.data(), static_cast<std::size_t>(bytes.size())); }

private:
    struct Ctx
    {
        std::string_view raw;
        std::int64_t lineNo = 0;
        Envelope env;
        const DomainDef* domain = nullptr;
        std::int64_t objectId = 0; // the object, once known (existing, or inserted by this event)
        bool insertedObject = false; // objectId was inserted inside the event's savepoint

        // What the stages of process() share, in the order they set it.
        std::string at; // "source name:line: ", the start of every message
        TimeMs t = 0; // MDSync's clock for the event (after parse)
        std::string payloadHash; // checkIdempotency: the envelope's content
        const SystemDef* source = nullptr; // checkSource: the sending system
        nlohmann::json attrs; // validateAttributes: normalised; checkOwnership removes those not merged
        std::vector<ValidationIssue> textWarnings; // validateAttributes: stored, but flagged for review
        std::string aliasOf; // checkSource: the merged key the event was sent for (env.key: the survivor's)
        nlohmann::json redirected = nlohmann::json::array(); // redirectAliases: references to merged keys redirected
        std::int64_t revisionNo = 0; // loadCurrent: the object's current revision (0: none)
        std::string oldHash; // loadCurrent: the current content hash
        std::string oldMatchText; // loadCurrent: its text in match_text (the one the duplicate index has)
        bool deleted = false; // loadCurrent: the object exists but was deleted
        bool exists = false; // loadCurrent: the object exists and is not deleted
        nlohmann::json state; // loadCurrent: the current state; merge: the new one
        nlohmann::json times; // loadCurrent: source -> attribute -> occurred_at (ms)
        nlohmann::json violations; // checkOwnership: the attributes not merged (not the sender's)
        std::vector<std::string> violatedNames; // checkOwnership: the same, for messages
        nlohmann::json changed; // merge: attribute -> old, new (and who set it)
        std::vector<Enrichment> enrichments; // merge: the landscape's enrichments
        bool timesChanged = false; // recordAttributeTimes: times has newer entries
        std::string timesText; // recordAttributeTimes: times as stored ("" when there are none)
        std::string stateText, newHash; // hashState: the new state as stored, its content hash
        bool unchanged = false; // hashState: the object already has this state (no revision)
        bool creating = false; // flagDuplicates: an upsert of an object that does not exist (or was deleted)
        std::string matchText; // flagDuplicates: the text the duplicate check compares
        nlohmann::json suspect; // flagDuplicates: the object this one looks like (null: none)
        std::int64_t revisionId = 0, newRevisionNo = 0; // storeRevision
        std::vector<std::string> queued, filtered; // fanOut: targets queued, targets whose filter did not match

        bool isUpsert() const { return env.op == "upsert"; }
        bool isDelete() const { return env.op == "delete"; }
    };
    struct PendingException
    {
        std::string category, severity, message;
        nlohmann::json details;
        std::int64_t revisionId = 0;
    };

    TimeMs now() const { return m_o.clock ? m_o.clock() : nowMs(); }
    std::string where(const Ctx& c) const { return m_sourceName + ":" + std::to_string(c.lineNo) + ": "; }
    std::string subject(const Ctx& c) const { return c.env.domain + " '" + c.env.key + "'"; }

    Result<void> ensureTransaction();
    Result<void> maybeCommit(bool force);
    Result<void> flushCounters();

    // A write whose result the event does not read. PostgreSQL: deferred (pipelined), so an event's writes cost one
    // round trip with its RELEASE, which reports a failure of any of them (SqlStatement::execDeferred).
    static void exec(SqlStatement& q, const char* what)
    {
        if (!q.execDeferred())
            throw store::SqlError::of(q, QLatin1String(what));
    }
    // Steps a query to its first row; false when there is none. The caller resets the statement.
    static bool first(SqlStatement& q, const char* what)
    {
        const bool row = q.next();
        if (q.failed())
            throw store::SqlError::of(q, QLatin1String(what));
        return row;
    }
    // Steps a query through all its rows, calling `row` for each, and resets it; a failure aborts the event.
    template<typename F> static void forEachRow(SqlStatement& q, const char* what, F row)
    {
        while (q.next())
            row();
        const bool failed = q.failed();
        const QString error = q.error();
        q.reset();
        if (failed)
            throw store::SqlError(QLatin1String(what), error, q.errorKind());
    }
    void fault(std::string_view stage)
    {
        if (m_o.faultHook)
            m_o.faultHook(stage);
    }

    void process(Ctx& c);
    // The stages of process(), in order. A bool stage returns false when it ended the event (rejected: an
    // exception keeps the raw line; or a duplicate).
    bool parse(Ctx& c);
    bool readEnvelope(Ctx& c, nlohmann::json& doc);
    bool checkIdempotency(Ctx& c);
    bool checkSource(Ctx& c);
    bool checkClockSkew(Ctx& c);
    bool validateAttributes(Ctx& c);
    void redirectAliases(Ctx& c);
    void loadCurrent(Ctx& c);
    bool checkOwnership(Ctx& c);
    bool checkOrder(Ctx& c);
    bool checkDeleteGuard(Ctx& c);
    void merge(Ctx& c);
    bool checkMandatory(Ctx& c);
    bool checkStructures(Ctx& c);
    void recordAttributeTimes(Ctx& c);
    void hashState(Ctx& c);
    bool flagDuplicates(Ctx& c);
    // Accepted from here on.
    void recordUnchanged(Ctx& c);
    void storeRevision(Ctx& c);
    void fanOut(Ctx& c);
    void writeLineage(Ctx& c);
    void reportSuspect(Ctx& c);
    void reportPolicyViolations(const Ctx& c, std::int64_t revisionId);
    void reportSuspiciousText(const Ctx& c, std::int64_t revisionId);
    void updateMatchText(Ctx& c);
    void recordInbound(const Ctx& c, const char* outcome, std::int64_t revisionId);
    void reject(const Ctx& c, const std::string& category, const std::string& severity, const std::string& message,
        nlohmann::json details = nlohmann::json::object());
    std::int64_t insertException(const Ctx& c, const PendingException& e, std::int64_t objectId);
    void insertLineage(const Ctx& c, std::int64_t objectId, std::int64_t revisionId, const char* kind,
        const std::string& system, const nlohmann::json& detail);
    void insertLineageFor(std::string_view domain, std::string_view key, std::string_view correlationId,
        std::int64_t objectId, std::int64_t revisionId, const char* kind, const std::string& system,
        const nlohmann::json& detail);
    void insertLineageText(const Ctx& c, std::int64_t objectId, std::int64_t revisionId, const char* kind,
        const std::string& system, std::string_view detailText);
    void writeLineageRow(std::string_view domain, std::string_view key, std::string_view correlationId,
        std::int64_t objectId, std::int64_t revisionId, const char* kind, const std::string& system,
        std::string_view detailText);
    void checkStructure(const Ctx& c, const DomainDef& d, const nlohmann::json& state, std::vector<std::string>& out);
    void checkStructureCycles(const Ctx& c, const DomainDef& d, const std::string& parent,
        const std::vector<std::pair<std::string, size_t>>& components, const nlohmann::json& lines,
        std::vector<std::string>& out);
    void checkHierarchy(const Ctx& c, const DomainDef& d, const nlohmann::json& state, std::vector<std::string>& out);
    void checkComponentUnit(
        const Ctx& c, const DomainDef& d, const nlohmann::json& changed, std::vector<std::string>& out);
    void updateReferences(const Ctx& c, const DomainDef& d, std::int64_t objectId, std::int64_t revisionId,
        const nlohmann::json& state, bool deleted);
    void resolveWaiting(const Ctx& c, const DomainDef& d, std::int64_t objectId, std::int64_t revisionId);
    void closePending(std::int64_t exceptionId, const std::string& status);
    Result<void> indexReferences();
    class WorkspaceTexts;
    DuplicateIndex& dupIndex(const DomainDef& d);
    Result<void> loadStewardDecisions();
    std::string dupText(const DomainDef& d, const nlohmann::json& state) const;

    IngestPipeline& m_p;
    const IngestOptions& m_o;
    const CanonicalModel& m_model;
    const Landscape& m_land;
    Statements& m_st;
    FastSha256 m_hash; // of every input byte: the run summary's input_sha256
    const std::string m_sourceName;
    IngestSummary m_sum;
    std::optional<Workspace::Transaction> m_tx; // the open batch
    int m_batchEvents = 0;
    QElapsedTimer m_batchTimer;
    Outbox& m_outbox;
    Outbox::Deltas m_deliveryDelta; // the batch's delivery counter changes
    std::map<std::pair<std::string, std::string>, std::int64_t> m_exceptionDelta; // category, status (stage inbound)
    // Event-local state, applied to the run only when the event's savepoint is released.
    IngestSummary m_eventSum;
    Outbox::Deltas m_eventDeliveries; // the event's delivery counter changes
    struct IndexAdd
    {
        const DomainDef* domain;
        std::int64_t objectId;
        std::string text;
        std::string previous; // the text the object is indexed with (empty: not indexed)
    };
    std::vector<IndexAdd> m_eventIndexAdds;
    std::vector<std::pair<std::string, std::string>> m_eventClosed; // category, previous status: now resolved
    bool m_anyIndexChange = false;
    LineVerdict* m_verdict = nullptr; // the current line's verdict, when verdicts are collected
    std::array<std::int64_t, 3> m_savedIds {}; // dry run: the id counters to restore
    std::int64_t m_lastRealExceptionId = 0; // dry run: exceptions above this id exist only inside the run
};

// The duplicate index's texts, read from match_text on the writer connection: in the batch's transaction, after the
// writes sent before (deferred ones included), so the texts of the batch's earlier events are seen.
class IngestPipeline::Run::WorkspaceTexts final : public TextSource
{
public:
    WorkspaceTexts(Statements& st, std::string_view domain)
        : m_st(st)
        , m_domain(domain)
    { }

    void texts(std::span<const std::int64_t> ids, const Visit& visit) override
    {
        if (m_st.matchTexts.isPrepared()) { // PostgreSQL: all in one round trip
            std::string array = "{";
            for (const std::int64_t id : ids) {
                if (array.size() > 1)
                    array += ',';
                array += std::to_string(id);
            }
            array += '}';
            m_st.matchTexts.bind(0, std::string_view(array));
            Run::forEachRow(m_st.matchTexts, "read duplicate candidates",
                [&] { visit(m_st.matchTexts.int64(0), m_st.matchTexts.text(1)); });
            return;
        }
        for (const std::int64_t id : ids) { // SQLite: a primary key lookup each, in process
            m_st.matchTextOf.bind(0, id);
            if (Run::first(m_st.matchTextOf, "read duplicate candidate"))
                visit(id, m_st.matchTextOf.text(0));
            m_st.matchTextOf.reset();
        }
    }

    void scan(const Visit& visit) override
    {
        std::int64_t after = std::numeric_limits<std::int64_t>::min();
        for (;;) {
            m_st.matchTextPage.bind(0, m_domain);
            m_st.matchTextPage.bind(1, after);
            int rows = 0;
            Run::forEachRow(m_st.matchTextPage, "scan duplicate index texts", [&] {
                after = m_st.matchTextPage.int64(0);
                ++rows;
                visit(after, m_st.matchTextPage.text(1));
            });
            if (rows < kMatchTextPage)
                return;
        }
    }

private:
    Statements& m_st;
    std::string_view m_domain;
};

IngestPipeline::IngestPipeline(Workspace& ws, ActiveConfig config)
    : m_owner(QThread::currentThread())
    , m_ws(ws)
    , m_config(std::move(config))
{ }

IngestPipeline::~IngestPipeline() = default;

void IngestPipeline::setConfig(const ActiveConfig& config)
{
    Q_ASSERT(QThread::currentThread() == m_owner);
    if (config.modelVersionId != m_config.modelVersionId)
        m_dupIndex.clear(); // the duplicate rules are the model's: rebuilt on first use
    m_config = config;
}

Result<void> IngestPipeline::Run::start()
{
    if (auto r = indexReferences(); !r)
        return r;
    // The run's row and the id counters' reads go into its first batch's transaction. A call of one or two events (a
    // REST request, a file of one line) thus commits once, not twice: the run's row had a durable commit of its own.
    // A run that stores nothing (it fails before its first commit) leaves no row either.
    if (auto r = ensureTransaction(); !r)
        return r;
    auto maxId = [](SqlStatement& q, std::int64_t& out) -> bool {
        const bool row = q.next();
        if (row)
            out = q.int64(0) + 1;
        const bool ok = row && !q.failed();
        q.reset();
        return ok;
    };
    if (!m_p.m_sequenceIds) {
        for (auto [q, id] : { std::pair { &m_st.maxObjectId, ObjectId }, std::pair { &m_st.maxRevisionId, RevisionId },
                 std::pair { &m_st.maxDeliveryId, DeliveryId } }) {
            if (!maxId(*q, m_p.m_nextId[id]))
                return makeError(QStringLiteral("read id counters: ") + q->error());
        }
    }
    if (m_o.dryRun) {
        // One transaction for the whole run, rolled back by finish(); no ingest_run row.
        m_savedIds = m_p.m_nextId;
        QSqlQuery q(m_p.m_ws.db());
        if (!q.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM exception")) || !q.next())
            return makeError(sqlError(q, QStringLiteral("read exception ids")));
        m_lastRealExceptionId = q.value(0).toLongLong();
        q.finish();
        return {};
    }

    SqlStatement& q = m_st.insertRun;
    q.bind(0, m_sourceName);
    q.bind(1, m_o.actor);
    q.bind(2, now());
    if (!q.execReturningId(m_sum.runId))
        return makeError(QStringLiteral("start ingest run: ") + q.error());
    return {};
}

Result<void> IngestPipeline::Run::ensureTransaction()
{
    if (m_tx)
        return {};
    m_tx.emplace(m_p.m_ws);
    if (!*m_tx) {
        const Error e = m_tx->error();
        m_tx.reset();
        return e;
    }
    m_batchEvents = 0;
    m_batchTimer.start();
    return loadStewardDecisions();
}

// The pairs a steward dismissed (IngestPipeline::m_dismissed) and the keys merged into others (m_aliases), each re-read
// when its table changed since the last batch.
Result<void> IngestPipeline::Run::loadStewardDecisions()
{
    QString deferred;
    SqlErrorKind kind = SqlErrorKind::None;
    if (!SqlStatement::finishDeferred(m_p.m_ws.db(), &deferred, &kind)) // before QtSql uses the connection
        return makeError(QStringLiteral("duplicate decisions: %1").arg(deferred));
    const QSqlDatabase db = m_p.m_ws.db();
    // Re-reads `value` with `load` when its table's stamp (row count, highest id) differs from `seen`.
    const auto reload = [&db](auto stampOf, SqlStatement& stampSt, auto load,
                            std::pair<std::int64_t, std::int64_t>& seen, auto& value) -> Result<void> {
        auto stamp = stampOf(db, stampSt);
        if (!stamp)
            return makeError(stamp.error());
        const std::pair<std::int64_t, std::int64_t> now { stamp->count, stamp->maxId };
        if (now == seen)
            return {};
        auto loaded = load(db);
        if (!loaded)
            return makeError(loaded.error());
        value = std::move(loaded.value());
        seen = now;
        return {};
    };
    if (auto r = reload(store::duplicateDecisionStamp, m_st.decisionStamp, store::dismissedDuplicatePairs,
            m_p.m_dismissedStamp, m_p.m_dismissed);
        !r)
        return r;
    return reload(store::objectMergeStamp, m_st.mergeStamp, store::mergeAliases, m_p.m_aliasStamp, m_p.m_aliases);
}

Result<void> IngestPipeline::Run::flushCounters()
{
    try {
        m_outbox.writeCounters(m_deliveryDelta);
    } catch (const store::SqlError& e) {
        return e.error();
    }
    SqlStatement& q = m_st.exceptionCounter;
    for (const auto& [k, n] : m_exceptionDelta) {
        if (n == 0)
            continue;
        q.bind(0, k.first);
        q.bind(1, k.second);
        q.bind(2, n);
        if (!q.exec())
            return makeError(QStringLiteral("exception counters: ") + q.error());
    }
    return {};
}

Result<void> IngestPipeline::Run::maybeCommit(bool force)
{
    if (!m_tx)
        return {};
    if (!force && (m_o.dryRun || (m_batchEvents < m_o.batchSize && m_batchTimer.elapsed() < m_o.batchMillis)))
        return {};
    if (auto r = flushCounters(); !r) {
        abort();
        return r;
    }
    if (auto r = m_tx->commit(); !r) {
        abort();
        return makeError(
            QStringLiteral("commit failed, the last %1 events were not stored: %2").arg(m_batchEvents).arg(r.error()));
    }
    m_tx.reset();
    m_deliveryDelta.clear();
    m_exceptionDelta.clear();
    return {};
}

void IngestPipeline::Run::abort()
{
    m_tx.reset(); // rolls the batch back unless it was committed
    m_deliveryDelta.clear();
    m_exceptionDelta.clear();
    // The in-memory duplicate indexes may hold objects of the rolled-back batch: reload them lazily.
    if (m_anyIndexChange)
        m_p.m_dupIndex.clear();
    m_anyIndexChange = false;
    if (m_o.dryRun)
        m_p.m_nextId = m_savedIds; // (sequence ids are not given back: a gap is harmless)
}

namespace {

// How often one event is tried when it collides with another writer of a shared (PostgreSQL) workspace.
constexpr int kMaxEventAttempts = 6;

// A conflict with another writer that running the event again resolves: a deadlock or serialization failure, or
// a unique key the other writer took first (the same new object, the same event id). SQLite has one writer: none.
bool concurrentWriterConflict(const store::SqlError& e)
{
    return e.isRetryable() || e.isUniqueViolation();
}

} // namespace

Result<void> IngestPipeline::Run::line(std::string_view raw, std::int64_t lineNo)
{
    if (auto r = ensureTransaction(); !r)
        return r;
    Ctx c;
    c.raw = raw;
    c.lineNo = lineNo;
    ++m_sum.received;
    ++m_batchEvents;

    m_eventSum = IngestSummary {};
    m_eventDeliveries.clear();
    m_eventIndexAdds.clear();
    m_eventClosed.clear();
    if (m_o.verdicts) {
        m_verdict = &m_o.verdicts->emplace_back();
        m_verdict->lineNo = lineNo;
    }
    std::string failure;
    for (int attempt = 1;; ++attempt) {
        if (!m_st.savepoint.execDeferred()) // travels with the event's first read
            return makeError(QStringLiteral("savepoint: ") + m_st.savepoint.error());
        failure.clear();
        bool retry = false;
        try {
            process(c);
            if (!m_st.release.exec())
                throw store::SqlError::of(m_st.release, QStringLiteral("release savepoint"));
        } catch (const store::SqlError& e) {
            failure = e.message().toStdString();
            retry = concurrentWriterConflict(e) && attempt < kMaxEventAttempts && !m_o.dryRun;
        } catch (const std::exception& e) {
            failure = e.what();
        }
        m_st.findObject.dropPrefetch(); // read, or of no use now
        m_st.pendingOnTarget.dropPrefetch();
        if (failure.empty())
            break;
        // Nothing of the event stays (an exception that keeps its raw line follows, unless it is tried again).
        m_st.rollbackTo.exec();
        m_st.release.exec();
        if (c.insertedObject) // the insert was rolled back: the exception must not point at that id
            c.objectId = 0;
        m_eventSum = IngestSummary {};
        m_eventDeliveries.clear();
        m_eventIndexAdds.clear();
        m_eventClosed.clear();
        if (m_verdict) {
            *m_verdict = LineVerdict {};
            m_verdict->lineNo = lineNo;
        }
        if (!retry)
            break;
        // Another writer of a shared workspace created the same object, recorded the same event or deadlocked
        // with this batch: commit the events before this one (their row locks go with it), then run the event
        // again on what is committed now.
        if (auto r = maybeCommit(true); !r)
            return r;
        if (auto r = ensureTransaction(); !r)
            return r;
        m_batchEvents = 1;
        ++m_sum.retries;
        QThread::msleep(5UL * static_cast<unsigned long>(attempt) * static_cast<unsigned long>(attempt));
        c = Ctx {};
        c.raw = raw;
        c.lineNo = lineNo;
    }
    if (!failure.empty()) {
        try {
            reject(c, "internal", "critical",
                where(c) + "could not be stored, nothing of it was kept except this exception: " + failure);
            // Outside the event's savepoint: its deferred writes must not fail unnoticed into the next event.
            QString deferred;
            SqlErrorKind kind = SqlErrorKind::None;
            if (!SqlStatement::finishDeferred(m_p.m_ws.db(), &deferred, &kind))
                throw store::SqlError(QStringLiteral("record the failure"), deferred, kind);
        } catch (const store::SqlError& e) {
            abort();
            return makeError(e.message());
        }
    }
    if (m_verdict) {
        LineVerdict& v = *m_verdict;
        v.outcome = m_eventSum.revisions ? "accepted"
            : m_eventSum.unchanged       ? "unchanged"
            : m_eventSum.rejected        ? "rejected"
                                         : "duplicate";
        v.eventId = c.env.eventId;
        v.domain = c.env.domain;
        v.key = c.env.key;
        m_verdict = nullptr;
    }
    // Apply the event's outcome to the run.
    m_sum.add(m_eventSum);
    for (const auto& [k, n] : m_eventSum.exceptionsByCategory)
        m_exceptionDelta[{ k, std::string(toString(ExceptionStatus::Open)) }] += n;
    for (const auto& [category, previous] : m_eventClosed) {
        --m_exceptionDelta[{ category, previous }];
        ++m_exceptionDelta[{ category, std::string(toString(ExceptionStatus::Resolved)) }];
    }
    m_deliveryDelta.merge(m_eventDeliveries);
    for (const IndexAdd& a : m_eventIndexAdds) {
        try {
            dupIndex(*a.domain).add(a.objectId, a.text, a.previous);
        } catch (const std::invalid_argument&) {
            // Indexed, but match_text has no text for it (changed by another writer): reloaded when next needed.
            m_p.m_dupIndex.erase(a.domain->name);
        }
        m_anyIndexChange = true;
    }
    return maybeCommit(false);
}

bool IngestPipeline::Run::parse(Ctx& c)
{
    const std::string& at = c.at;
    if (m_o.malformed) {
        if (auto it = m_o.malformed->find(c.lineNo); it != m_o.malformed->end()) {
            reject(c, "malformed", "error", at + it->second);
            return false;
        }
    }
    if (static_cast<qsizetype>(c.raw.size()) > m_o.maxLineBytes) {
        reject(c, "malformed", "error",
            at + "line is " + std::to_string(c.raw.size()) + " bytes, more than the limit of "
                + std::to_string(m_o.maxLineBytes) + " bytes");
        return false;
    }
    if (const size_t bad = invalidUtf8Offset(c.raw); bad != std::string_view::npos) {
        reject(c, "malformed", "error", at + "not valid UTF-8 (invalid byte at offset " + std::to_string(bad) + ")");
        return false;
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(c.raw);
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        if (auto p = what.find("parse error"); p != std::string::npos)
            what = what.substr(p);
        if (auto p = what.find("at line 1, column "); p != std::string::npos) // one line is one document
            what.replace(p, 18, "at column ");
        reject(c, "malformed", "error", at + "not JSON: " + what);
        return false;
    }
    if (!doc.is_object()) {
        reject(c, "malformed", "error",
            at + "expected a JSON object (one change-event envelope per line), got " + std::string(doc.type_name()));
        return false;
    }
    return readEnvelope(c, doc);
}

// The envelope's fields into c.env (the attributes moved, not copied); any problem rejects the line as malformed.
bool IngestPipeline::Run::readEnvelope(Ctx& c, nlohmann::json& doc)
{
    static const std::set<std::string, std::less<>> known
        = { "event_id", "source", "domain", "key", "op", "occurred_at", "correlation_id", "attributes" };
    std::vector<std::string> problems;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (!known.contains(it.key()))
            problems.push_back("unknown envelope field '" + it.key() + "'");
    auto text = [&](const char* field, std::string& out, bool required) {
        auto it = doc.find(field);
        if (it == doc.end() || it->is_null()) {
            if (required)
                problems.push_back(std::string(field) + " is missing");
            return;
        }
        if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
            problems.push_back(std::string(field) + " must be a non-empty string");
            return;
        }
        out = it->get<std::string>();
        if (out.size() > 200)
            problems.push_back(std::string(field) + " is longer than 200 bytes");
    };
    text("event_id", c.env.eventId, true);
    text("source", c.env.source, true);
    text("domain", c.env.domain, true);
    text("key", c.env.key, true);
    text("op", c.env.op, true);
    text("correlation_id", c.env.correlationId, false);
    std::string occurred;
    text("occurred_at", occurred, true);
    if (!occurred.empty()) {
        if (auto t = parseRfc3339(occurred))
            c.env.occurredAt = *t;
        else
            problems.push_back(
                "occurred_at '" + occurred + "' is not an RFC 3339 date-time (e.g. 2026-11-28T08:15:00Z)");
    }
    if (!c.env.op.empty() && c.env.op != "upsert" && c.env.op != "delete")
        problems.push_back("op '" + c.env.op + R"(' must be "upsert" or "delete")");
    if (auto it = doc.find("attributes"); it != doc.end() && !it->is_null()) {
        if (!it->is_object())
            problems.push_back("attributes must be an object, got " + std::string(it->type_name()));
        else
            c.env.attributes = std::move(*it);
    } else if (c.env.op == "upsert") {
        problems.emplace_back("attributes is missing (an upsert carries at least one attribute)");
    }
    if (c.env.op == "upsert" && c.env.attributes.is_object() && c.env.attributes.empty())
        problems.emplace_back("attributes is empty (an upsert carries at least one attribute)");
    if (c.env.op == "delete" && !c.env.attributes.empty())
        problems.emplace_back("a delete carries no attributes");
    if (!problems.empty()) {
        reject(c, "malformed", "error", c.at + "invalid envelope: " + join(problems), { { "problems", problems } });
        return false;
    }
    if (c.env.correlationId.empty())
        c.env.correlationId = newUuid();
    return true;
}

// The stages of one event, in order. A check that returns false has ended the event: rejected (nothing merged, an
// exception keeps the raw line) or a duplicate. Everything an event writes happens inside its savepoint (line()).
void IngestPipeline::Run::process(Ctx& c)
{
    c.at = where(c);
    if (!parse(c))
        return;
    c.t = now();
    if (!checkIdempotency(c) || !checkSource(c) || !checkClockSkew(c) || !validateAttributes(c))
        return;
    loadCurrent(c);
    if (!checkOwnership(c) || !checkOrder(c) || !checkDeleteGuard(c))
        return;
    merge(c);
    if (!checkMandatory(c) || !checkStructures(c))
        return;
    recordAttributeTimes(c);
    hashState(c);
    if (!flagDuplicates(c))
        return;

    // From here on the event is accepted.
    ++m_eventSum.accepted;
    if (c.unchanged) {
        recordUnchanged(c);
        return;
    }
    storeRevision(c);
    fanOut(c);
    fault("outbox");
    writeLineage(c);
    fault("lineage");
    reportSuspect(c);
    reportPolicyViolations(c, c.revisionId);
    reportSuspiciousText(c, c.revisionId);

    // References: the index of what this object references, unresolved_reference exceptions for objects MDSync
    // does not know, and the exceptions of objects that waited for this one.
    updateReferences(c, *c.domain, c.objectId, c.revisionId, c.state, c.isDelete());
    if (c.creating)
        resolveWaiting(c, *c.domain, c.objectId, c.revisionId);
    fault("references");
    updateMatchText(c);
}

// Idempotency: the same (source, event_id) again creates nothing new; with different content it is a conflict.
bool IngestPipeline::Run::checkIdempotency(Ctx& c)
{
    const Envelope& env = c.env;
    // The hash of {attributes, domain, key, occurred_at, op} as dump() writes that object, written without copying
    // the attributes into a new json tree (the text, and so the hash, is the one inbound_event rows always held).
    c.payloadHash = sha256Hex(JsonObjectText()
                                  .value("attributes", env.attributes)
                                  .string("domain", env.domain)
                                  .string("key", env.key)
                                  .integer("occurred_at", env.occurredAt)
                                  .string("op", env.op)
                                  .take());
    // PostgreSQL: the object (loadCurrent) and the exceptions waiting for it (resolveWaiting) travel with the event
    // id's lookup, so that the event's reads cost one round trip. (An event that stops here does not read them.)
    m_st.findObject.bind(0, env.domain);
    m_st.findObject.bind(1, env.key);
    m_st.pendingOnTarget.bind(0, env.domain);
    m_st.pendingOnTarget.bind(1, env.key);
    if (!m_st.findObject.prefetch() || !m_st.pendingOnTarget.prefetch())
        throw store::SqlError::of(
            m_st.findObject.failed() ? m_st.findObject : m_st.pendingOnTarget, QStringLiteral("look up object"));
    m_st.findInbound.bind(0, env.source);
    m_st.findInbound.bind(1, env.eventId);
    if (first(m_st.findInbound, "look up event id")) {
        const std::string seenHash(m_st.findInbound.text(0));
        const std::string seenAt = formatRfc3339(m_st.findInbound.int64(1));
        m_st.findInbound.reset();
        if (seenHash == c.payloadHash) {
            ++m_eventSum.duplicates;
            return false;
        }
        c.domain = m_model.domain(env.domain);
        reject(c, "conflict", "error",
            c.at + "event_id '" + env.eventId + "' from " + env.source + " was already accepted at " + seenAt
                + " with different content; this event was not merged (a source must not reuse event ids)");
        return false;
    }
    m_st.findInbound.reset();
    return true;
}

// The domain, the sending system (known, allowed to send) and the key's form.
bool IngestPipeline::Run::checkSource(Ctx& c)
{
    const Envelope& env = c.env;
    c.source = m_land.system(env.source);
    c.domain = m_model.domain(env.domain);
    if (!c.domain) {
        std::vector<std::string> names;
        for (const auto& d : m_model.domains())
            names.push_back(d.name);
        reject(c, "validation", "error", c.at + "unknown domain '" + env.domain + "' (known: " + join(names) + ")");
        return false;
    }
    if (!c.source) {
        reject(c, "policy_violation", "error",
            c.at + "unknown source system '" + env.source + "': it is not a system of landscape " + m_land.version());
        return false;
    }
    if (!c.source->inbound) {
        reject(c, "policy_violation", "error", c.at + "system " + env.source + " is not allowed to send change events");
        return false;
    }
    c.env.key = normalisedText(c.env.key); // keys are compared in NFC (docs/MODEL.md "Text and numbers")
    if (std::string problem = m_model.checkKey(*c.domain, env.key); !problem.empty()) {
        reject(c, "validation", "error", c.at + problem);
        return false;
    }
    // A key merged into another object: an upsert updates the object that stands for it (docs/DUPLICATES.md
    // "Merging"). A delete stays with the merged object, which the merge retired: a source that retires its old
    // number must not delete the survivor.
    if (!m_p.m_aliases.empty() && !c.isDelete()) {
        if (auto it = m_p.m_aliases.find(std::pair { env.domain, env.key }); it != m_p.m_aliases.end()) {
            c.aliasOf = env.key;
            c.env.key = it->second;
        }
    }
    return true;
}

// A source clock far ahead would make its events win over every later correction (see checkOrder).
bool IngestPipeline::Run::checkClockSkew(Ctx& c)
{
    const Envelope& env = c.env;
    const TimeMs skew = TimeMs(c.source->maxClockSkewMinutes) * 60000;
    if (env.occurredAt <= c.t + skew)
        return true;
    reject(c, "validation", "error",
        c.at + subject(c) + ": occurred_at " + formatRfc3339(env.occurredAt) + " is "
            + formatDuration(env.occurredAt - c.t) + " ahead of MDSync's clock (" + formatRfc3339(c.t) + "); "
            + env.source + " may be at most " + formatDuration(skew)
            + " ahead (landscape max_clock_skew_minutes). Check the clock of " + env.source + ".");
    return false;
}

// Validate and normalise every attribute; any problem rejects the whole event.
bool IngestPipeline::Run::validateAttributes(Ctx& c)
{
    c.attrs = std::move(c.env.attributes); // hashed by checkIdempotency; not needed any more
    std::vector<ValidationIssue> issues;
    for (auto it = c.attrs.begin(); it != c.attrs.end(); ++it)
        m_model.normalise(*c.domain, it.key(), it.value(), issues, &c.textWarnings);
    if (issues.empty()) {
        redirectAliases(c);
        return true;
    }
    std::vector<std::string> messages;
    nlohmann::json details = nlohmann::json::array();
    for (const auto& i : issues) {
        messages.push_back(i.message);
        details.push_back({ { "path", i.path }, { "message", i.message } });
    }
    reject(c, "validation", "error", c.at + subject(c) + ": " + join(messages), { { "issues", details } });
    return false;
}

// References to keys merged into another object point to the object that stands for them (docs/DUPLICATES.md
// "Merging"): a source that still sends the old item number in a BOM line updates the BOM with the survivor's.
void IngestPipeline::Run::redirectAliases(Ctx& c)
{
    if (m_p.m_aliases.empty())
        return;
    for (const auto& ref : c.domain->references()) {
        const std::string& path = ref.first;
        const std::string& refDomain = ref.second;
        replaceReferences(c.attrs, path, [&](const std::string& key) -> const std::string* {
            auto it = m_p.m_aliases.find(std::pair { refDomain, key });
            if (it == m_p.m_aliases.end())
                return nullptr;
            c.redirected.push_back({ { "path", path }, { "from", key }, { "to", it->second } });
            return &it->second;
        });
    }
}

// The object's current state, revision number, content hash and source times (none for a new object).
void IngestPipeline::Run::loadCurrent(Ctx& c)
{
    SqlStatement& q = m_st.findObject;
    q.bind(0, c.env.domain);
    q.bind(1, c.env.key);
    c.state = nlohmann::json::object();
    c.times = nlohmann::json::object();
    if (first(q, "look up object")) {
        c.objectId = q.int64(0);
        c.revisionNo = q.int64(1);
        c.oldHash = q.text(2);
        c.deleted = q.int64(3) != 0;
        c.state = nlohmann::json::parse(q.text(4));
        if (!q.isNull(5))
            c.times = nlohmann::json::parse(q.text(5), nullptr, false);
        if (!c.times.is_object())
            c.times = nlohmann::json::object();
        if (!q.isNull(6))
            c.oldMatchText = q.text(6);
    }
    q.reset();
    c.exists = c.objectId && !c.deleted;
}

// Ownership: creating or deleting needs the creator group's owner; each attribute its group's owner. Attributes
// the source does not own are taken out (merged without them, reported as a policy violation).
bool IngestPipeline::Run::checkOwnership(Ctx& c)
{
    const Envelope& env = c.env;
    const DomainDef& dom = *c.domain;
    const SystemDef* creator = m_land.owner(dom.name, dom.creatorGroup, c.t);
    const std::string creatorName = creator ? creator->id : std::string("nobody");
    if (c.isDelete()) {
        if (!c.objectId) {
            reject(c, "validation", "error", c.at + "cannot delete " + subject(c) + ": it does not exist");
            return false;
        }
        if (!creator || creator->id != env.source) {
            reject(c, "policy_violation", "error",
                c.at + "cannot delete " + subject(c) + ": only " + creatorName + " (system of record for " + dom.name
                    + "." + dom.creatorGroup + ") may delete it; sent by " + env.source);
            return false;
        }
    } else if (!c.exists && (!creator || creator->id != env.source)) {
        reject(c, "policy_violation", "error",
            c.at + subject(c) + " does not exist" + (c.deleted ? " (it was deleted)" : "") + "; only " + creatorName
                + " (system of record for " + dom.name + "." + dom.creatorGroup + ") may create it; sent by "
                + env.source);
        return false;
    }

    c.violations = nlohmann::json::array();
    for (auto it = c.attrs.begin(); it != c.attrs.end();) {
        const AttributeDef* a = dom.attribute(it.key());
        const SystemDef* owner = m_land.owner(dom.name, a->group, c.t);
        if (owner && owner->id == env.source) {
            ++it;
            continue;
        }
        c.violations.push_back({ { "attribute", it.key() }, { "group", a->group },
            { "owner", owner ? nlohmann::json(owner->id) : nlohmann::json(nullptr) }, { "sent", it.value() } });
        c.violatedNames.push_back(it.key() + " (" + dom.name + "." + a->group + ", owned by "
            + (owner ? owner->id : std::string("nobody")) + ")");
        it = c.attrs.erase(it);
    }
    if (c.isUpsert() && c.attrs.empty()) {
        reject(c, "policy_violation", "error",
            c.at + subject(c) + ": " + env.source + " is not the system of record for any attribute it sent: "
                + join(c.violatedNames) + "; nothing merged",
            { { "not_merged", c.violations } });
        return false;
    }
    return true;
}

// Out of order: an event older than the event that last set the same attribute from the same source (to a value
// this one would change) is not merged at all but kept as a stale exception (docs/MODEL.md "Order").
bool IngestPipeline::Run::checkOrder(Ctx& c)
{
    const Envelope& env = c.env;
    const auto mine = c.times.find(env.source);
    if (mine == c.times.end() || !mine->is_object())
        return true;
    nlohmann::json newer = nlohmann::json::object();
    std::vector<std::string> newerNames;
    for (auto it = mine->begin(); it != mine->end(); ++it) {
        if (!it->is_number_integer() || it->get<TimeMs>() <= env.occurredAt)
            continue;
        if (c.isUpsert()) {
            const auto sent = c.attrs.find(it.key());
            if (sent == c.attrs.end())
                continue;
            const auto cur = c.state.find(it.key());
            if ((cur == c.state.end() ? nlohmann::json(nullptr) : *cur) == *sent)
                continue; // the same value: nothing an older event could overwrite
        }
        newer[it.key()] = formatRfc3339(it->get<TimeMs>());
        newerNames.push_back(it.key() + " (" + formatRfc3339(it->get<TimeMs>()) + ")");
    }
    if (newerNames.empty())
        return true;
    reject(c, "stale", "warning",
        c.at + subject(c) + ": out of order, not merged: occurred_at " + formatRfc3339(env.occurredAt)
            + " is older than the last change from " + env.source + " to " + join(newerNames, ", ", 8)
            + ". Discard it, or have " + env.source + " send the current values again.",
        { { "occurred_at", formatRfc3339(env.occurredAt) }, { "newer", newer } });
    return false;
}

// A delete must not leave live objects pointing at nothing (a BOM line whose item is gone).
bool IngestPipeline::Run::checkDeleteGuard(Ctx& c)
{
    if (!c.isDelete() || !c.exists)
        return true;
    SqlStatement& q = m_st.referencedBy;
    q.bind(0, std::string_view(c.domain->name));
    q.bind(1, std::string_view(c.env.key));
    q.bind(2, std::int64_t(c.objectId));
    std::vector<std::string> users;
    nlohmann::json details = nlohmann::json::array();
    forEachRow(q, "look up references", [&] {
        users.push_back(std::string(q.text(0)) + " '" + std::string(q.text(1)) + "' (" + std::string(q.text(2)) + ")");
        details.push_back({ { "domain", q.text(0) }, { "key", q.text(1) }, { "path", q.text(2) } });
    });
    if (users.empty())
        return true;
    reject(c, "validation", "error",
        c.at + "cannot delete " + subject(c) + ": still referenced by " + join(users, ", ", 5)
            + "; change or delete those first, then send the delete again",
        { { "referenced_by", details } });
    return false;
}

// Merge into the new state (upserts; a delete keeps the state as it was), remember what changed and who supplied
// it: the sender's attributes, the lifecycle's initial state, then the landscape's enrichments.
void IngestPipeline::Run::merge(Ctx& c)
{
    c.changed = nlohmann::json::object();
    if (!c.isUpsert())
        return;
    const DomainDef& dom = *c.domain;
    nlohmann::json& state = c.state;
    // The sent values are moved into the state (from here on only the names in c.attrs are read); `changed` gets
    // one copy of each, without the temporaries of an initializer list.
    for (auto it = c.attrs.begin(); it != c.attrs.end(); ++it) {
        const auto cur = state.find(it.key());
        if (cur == state.end() ? it.value().is_null() : *cur == it.value())
            continue;
        nlohmann::json entry(nlohmann::json::value_t::object);
        entry.emplace("new", it.value());
        if (cur == state.end()) {
            entry.emplace("old", nullptr);
            state.emplace(it.key(), std::move(it.value()));
        } else {
            entry.emplace("old", std::move(*cur));
            if (it.value().is_null())
                state.erase(cur);
            else
                *cur = std::move(it.value());
        }
        c.changed.emplace(it.key(), std::move(entry));
    }
    if (!dom.lifecycleAttribute.empty() && !state.contains(dom.lifecycleAttribute) && !dom.initialState.empty()) {
        state[dom.lifecycleAttribute] = dom.initialState;
        c.changed[dom.lifecycleAttribute] = { { "old", nullptr }, { "new", dom.initialState }, { "default", true } };
    }
    c.enrichments = m_land.enrich(dom, state, c.t);
    for (const Enrichment& e : c.enrichments)
        c.changed[e.attribute]
            = { { "old", e.oldValue }, { "new", e.newValue }, { "by", e.system }, { "rule", e.ruleId } };
}

// The merged state of an upsert has every mandatory attribute.
bool IngestPipeline::Run::checkMandatory(Ctx& c)
{
    if (!c.isUpsert())
        return true;
    std::vector<ValidationIssue> missing;
    if (m_model.checkMandatory(*c.domain, c.state, missing))
        return true;
    std::vector<std::string> messages;
    messages.reserve(missing.size());
    for (const auto& i : missing)
        messages.push_back(i.message);
    nlohmann::json details = { { "missing", messages } };
    if (!c.violations.empty())
        details["not_merged"] = c.violations;
    reject(c, "validation", "error", c.at + subject(c) + ": " + join(messages), details);
    return false;
}

// Structures and parent chains, checked on the merged state of an upsert when the event touches them.
bool IngestPipeline::Run::checkStructures(Ctx& c)
{
    if (!c.isUpsert())
        return true;
    const DomainDef& dom = *c.domain;
    std::vector<std::string> problems;
    if (dom.structure.enabled() && (c.attrs.contains(dom.structure.parent) || c.attrs.contains(dom.structure.lines)))
        checkStructure(c, dom, c.state, problems);
    if (!dom.hierarchy.empty() && c.attrs.contains(dom.hierarchy))
        checkHierarchy(c, dom, c.state, problems);
    if (c.exists)
        checkComponentUnit(c, dom, c.changed, problems);
    if (problems.empty())
        return true;
    reject(c, "validation", "error", c.at + subject(c) + ": " + join(problems, "; "), { { "structure", problems } });
    return false;
}

// The times of the attributes this source set with this event (upserts; a delete sets none).
void IngestPipeline::Run::recordAttributeTimes(Ctx& c)
{
    if (c.isUpsert()) {
        nlohmann::json& mine = c.times[c.env.source];
        if (!mine.is_object())
            mine = nlohmann::json::object();
        for (auto it = c.attrs.begin(); it != c.attrs.end(); ++it) {
            auto cur = mine.find(it.key());
            if (cur != mine.end() && cur->is_number_integer() && cur->get<TimeMs>() >= c.env.occurredAt)
                continue;
            mine[it.key()] = c.env.occurredAt;
            c.timesChanged = true;
        }
    }
    if (!c.times.empty())
        c.timesText = c.times.dump();
}

// The new state's text and content hash; unchanged when it is the object's current one (also: a delete of an
// already deleted object).
void IngestPipeline::Run::hashState(Ctx& c)
{
    c.stateText = c.state.dump();
    c.newHash = c.isDelete() ? sha256Hex("deleted:" + c.stateText) : sha256Hex(c.stateText);
    c.unchanged = c.objectId && c.newHash == c.oldHash;
}

// Duplicate suspects, on create only: held (rejected) or flagged after the merge (reportSuspect), by the domain's
// duplicate check.
bool IngestPipeline::Run::flagDuplicates(Ctx& c)
{
    const DomainDef& dom = *c.domain;
    c.creating = !c.exists && c.isUpsert();
    if (!dom.duplicateCheck.enabled() || !c.isUpsert())
        return true;
    c.matchText = dupText(dom, c.state);
    if (!c.creating || c.matchText.empty())
        return true;
    // A pair a steward decided is not a duplicate is never raised again: the next best candidate is taken, or none.
    const std::int64_t self = c.objectId;
    const auto dismissed
        = [this, self](std::int64_t other) { return m_p.m_dismissed.contains(orderedPair(self, other)); };
    WorkspaceTexts texts(m_st, dom.name);
    const auto m = dupIndex(dom).best(c.matchText, dom.duplicateCheck.threshold, c.objectId, texts,
        self && !m_p.m_dismissed.empty() ? std::function<bool(std::int64_t)>(dismissed)
                                         : std::function<bool(std::int64_t)>());
    if (!m.objectId)
        return true;
    m_st.objectKey.bind(0, m.objectId);
    const std::string otherKey = first(m_st.objectKey, "look up suspect") ? std::string(m_st.objectKey.text(0)) : "?";
    m_st.objectKey.reset();
    std::array<char, 16> score {};
    std::snprintf(score.data(), score.size(), "%.2f", m.score);
    // The reason names only the attributes present on both sides.
    std::vector<std::string> compared;
    const std::vector<std::string> fields = dom.duplicateCheck.fields();
    for (size_t i = 0; i < fields.size() && i < 32; ++i)
        if (m.compared & (1U << i))
            compared.push_back(fields[i]);
    c.suspect = { { "object_id", m.objectId }, { "key", otherKey }, { "score", m.score }, { "compared", compared } };
    if (dom.duplicateCheck.action != DuplicateCheck::Action::Hold)
        return true;
    reject(c, "duplicate_suspect", "warning",
        c.at + subject(c) + " looks like a duplicate of " + dom.name + " '" + otherKey + "' (similarity " + score.data()
            + " on " + join(compared) + "); held for steward review, nothing merged",
        { { "suspect", c.suspect } });
    return false;
}

// The accepted event, as seen: the inbound_event row that makes a resend a duplicate.
void IngestPipeline::Run::recordInbound(const Ctx& c, const char* outcome, std::int64_t revisionId)
{
    SqlStatement& q = m_st.insertInbound;
    q.bind(0, std::string_view(c.env.source));
    q.bind(1, std::string_view(c.env.eventId));
    q.bind(2, std::string_view(c.payloadHash));
    q.bind(3, std::int64_t(c.t));
    q.bind(4, outcome);
    q.bindOptional(5, std::int64_t(revisionId));
    exec(q, "record event");
}

// Accepted without a change of state: no revision, but the event, newer source times, lineage and warnings.
void IngestPipeline::Run::recordUnchanged(Ctx& c)
{
    ++m_eventSum.unchanged;
    if (m_verdict)
        m_verdict->revisionNo = c.revisionNo;
    recordInbound(c, "unchanged", 0);
    if (c.timesChanged) {
        m_st.setSourceTimes.bind(0, std::string_view(c.timesText));
        m_st.setSourceTimes.bind(1, std::int64_t(c.objectId));
        exec(m_st.setSourceTimes, "update source times");
    }
    insertLineage(c, c.objectId, 0, "unchanged", c.env.source,
        { { "event_id", c.env.eventId }, { "revision_no", c.revisionNo } });
    reportPolicyViolations(c, 0);
    reportSuspiciousText(c, 0);
}

// New immutable revision: the object row (inserted or updated), the revision row and the inbound event.
void IngestPipeline::Run::storeRevision(Ctx& c)
{
    const Envelope& env = c.env;
    const DomainDef& dom = *c.domain;
    const std::int64_t objectId = c.objectId ? c.objectId : m_p.nextId(ObjectId);
    c.revisionId = m_p.nextId(RevisionId);
    c.newRevisionNo = c.revisionNo + 1;
    const std::string lifecycle
        = dom.lifecycleAttribute.empty() ? std::string() : c.state.value(dom.lifecycleAttribute, std::string());
    std::string description;
    if (auto d = c.state.find(dom.descriptionAttribute); d != c.state.end() && d->is_string())
        description = d->get<std::string>();

    if (!c.objectId) {
        SqlStatement& q = m_st.insertObject;
        q.bind(0, std::int64_t(objectId));
        q.bindView(1, std::string_view(env.domain));
        q.bindView(2, std::string_view(env.key));
        q.bind(3, std::int64_t(c.newRevisionNo));
        q.bind(4, std::int64_t(c.revisionId));
        q.bindView(5, std::string_view(c.newHash));
        q.bindOptionalView(6, std::string_view(lifecycle));
        q.bindOptionalView(7, std::string_view(description));
        q.bind(8, 0);
        q.bind(9, std::int64_t(c.t));
        q.bind(10, std::int64_t(c.t));
        q.bindOptionalView(11, std::string_view(c.timesText));
        exec(q, "insert object");
        c.objectId = objectId;
        c.insertedObject = true;
    } else {
        // The one UPDATE of an object's columns, always with its new revision: the matrix's in-memory orders
        // (read::ObjectColumnOrder) find changed objects by their revisions.
        SqlStatement& q = m_st.updateObject;
        q.bind(0, std::int64_t(c.newRevisionNo));
        q.bind(1, std::int64_t(c.revisionId));
        q.bindView(2, std::string_view(c.newHash));
        q.bindOptionalView(3, std::string_view(lifecycle));
        q.bindOptionalView(4, std::string_view(description));
        q.bind(5, c.isDelete() ? 1 : 0);
        q.bind(6, std::int64_t(c.t));
        q.bindOptionalView(7, std::string_view(c.timesText));
        q.bind(8, std::int64_t(objectId));
        exec(q, "update object");
    }
    // Texts that live until the statements ran are bound without a copy (bindView); the dump is a temporary.
    SqlStatement& q = m_st.insertRevision;
    q.bind(0, std::int64_t(c.revisionId));
    q.bind(1, std::int64_t(objectId));
    q.bind(2, std::int64_t(c.newRevisionNo));
    q.bindView(3, std::string_view(env.op));
    q.bindView(4, std::string_view(env.source));
    q.bindView(5, std::string_view(m_o.actor));
    q.bindView(6, std::string_view(env.eventId));
    q.bindView(7, std::string_view(env.correlationId));
    q.bind(8, std::int64_t(env.occurredAt));
    q.bind(9, std::int64_t(c.t));
    q.bindView(10, std::string_view(m_model.version()));
    q.bindView(11, std::string_view(c.stateText));
    q.bind(12, std::string_view(c.changed.dump()));
    q.bindView(13, std::string_view(c.newHash));
    exec(q, "insert revision");
    fault("revision");
    recordInbound(c, "revision", c.revisionId);
    ++m_eventSum.revisions;
    if (m_verdict)
        m_verdict->revisionNo = c.newRevisionNo;
}

// Outbox: one delivery per matching subscription, never back to the system the change came from.
void IngestPipeline::Run::fanOut(Ctx& c)
{
    const DomainDef& dom = *c.domain;
    std::vector<Outbox::NewDelivery> rows;
    for (const SubscriptionDef* sub : m_land.subscriptionsFor(dom.name)) {
        if (sub->target == c.env.source && !m_o.deliverToSource)
            continue;
        if (!m_land.matches(*sub, dom, c.state)) { // a delete leaves the state as it was: same subscribers
            c.filtered.push_back(sub->target);
            continue;
        }
        rows.push_back({ m_p.nextId(DeliveryId), sub->target, sub->id, sub->contractVersion, m_land.dueAt(*sub, c.t) });
        c.queued.push_back(sub->target);
    }
    if (!rows.empty()) {
        m_outbox.enqueue({ c.revisionId, c.objectId, c.newRevisionNo, m_p.m_instanceId, dom.name, c.env.key }, rows,
            c.t, m_eventDeliveries, Outbox::Write::Deferred);
        m_eventSum.deliveries += static_cast<std::int64_t>(rows.size());
    }
}

// Lineage of the merge (received + validated + merged + queued), then of the enrichments by system.
void IngestPipeline::Run::writeLineage(Ctx& c)
{
    const Envelope& env = c.env;
    std::vector<std::string> changedNames;
    changedNames.reserve(c.changed.size());
    for (auto it = c.changed.begin(); it != c.changed.end(); ++it)
        changedNames.push_back(it.key());
    // The detail's text written directly (one row per accepted event: building a json tree only to dump it cost
    // more than the row). Members by key, as dump() writes them: the text is what it always was.
    JsonObjectText detail(true);
    detail.strings("changed", changedNames).string("event_id", env.eventId).integer("line", c.lineNo);
    detail.string("model_version", m_model.version());
    if (!c.filtered.empty())
        detail.strings("not_subscribed", c.filtered);
    detail.string("occurred_at", formatRfc3339(env.occurredAt)).string("op", env.op).strings("queued", c.queued);
    if (!c.redirected.empty())
        detail.value("redirected_references", c.redirected);
    detail.integer("revision_no", c.newRevisionNo);
    if (!c.aliasOf.empty())
        detail.string("sent_for_merged_key", c.aliasOf);
    detail.string("source_name", m_sourceName);
    insertLineageText(c, c.objectId, c.revisionId, c.isDelete() ? "deleted" : (c.creating ? "created" : "merged"),
        env.source, detail.take());
    if (c.enrichments.empty())
        return;
    // One "enriched" row per enriching system: {revision_no, set: [{attribute, new, rule}, ...]}.
    std::map<std::string_view, std::string> bySystem; // system -> the set's items, comma-separated
    for (const Enrichment& e : c.enrichments) {
        std::string& items = bySystem[e.system];
        if (!items.empty())
            items += ',';
        items += detail.string("attribute", e.attribute).value("new", e.newValue).string("rule", e.ruleId).take();
    }
    for (const auto& [system, items] : bySystem)
        insertLineageText(c, c.objectId, c.revisionId, "enriched", std::string(system),
            detail.integer("revision_no", c.newRevisionNo).raw("set", "[" + items + "]").take());
}

// A created object that looks like a duplicate (flagDuplicates, action "flag"): an exception for review.
void IngestPipeline::Run::reportSuspect(Ctx& c)
{
    if (c.suspect.is_null())
        return;
    const DomainDef& dom = *c.domain;
    ++m_eventSum.duplicateSuspects;
    std::array<char, 16> score {};
    std::snprintf(score.data(), score.size(), "%.2f", c.suspect["score"].get<double>());
    PendingException e { "duplicate_suspect", "warning",
        c.at + subject(c) + " was created but looks like a duplicate of " + dom.name + " '"
            + c.suspect["key"].get<std::string>() + "' (similarity " + score.data() + " on "
            + join(c.suspect["compared"].get<std::vector<std::string>>()) + "); review and merge or dismiss",
        { { "suspect", c.suspect } }, c.revisionId };
    const std::int64_t exId = insertException(c, e, c.objectId);
    if (m_verdict)
        m_verdict->warnings.push_back({ e.category, e.message, e.details, m_o.dryRun ? 0 : exId });
    insertLineage(c, c.objectId, c.revisionId, "duplicate_suspect", c.env.source,
        { { "suspect", c.suspect }, { "exception_id", exId } });
}

// Attributes not merged because the sender does not own them (checkOwnership): an exception for review.
void IngestPipeline::Run::reportPolicyViolations(const Ctx& c, std::int64_t revisionId)
{
    if (c.violations.empty())
        return;
    ++m_eventSum.policyViolations;
    PendingException e { "policy_violation", "warning",
        c.at + subject(c) + ": not merged because " + c.env.source
            + " is not their system of record: " + join(c.violatedNames) + "; the other attributes were merged",
        { { "not_merged", c.violations } }, revisionId };
    const std::int64_t exId = insertException(c, e, c.objectId);
    if (m_verdict)
        m_verdict->warnings.push_back({ e.category, e.message, e.details, m_o.dryRun ? 0 : exId });
    insertLineage(c, c.objectId, revisionId, "policy_violation", c.env.source,
        { { "event_id", c.env.eventId }, { "not_merged", c.violations }, { "exception_id", exId } });
}

// Bidirectional overrides in text: stored (they may be legitimate), flagged for review.
void IngestPipeline::Run::reportSuspiciousText(const Ctx& c, std::int64_t revisionId)
{
    if (c.textWarnings.empty())
        return;
    std::vector<std::string> messages;
    nlohmann::json details = nlohmann::json::array();
    for (const auto& w : c.textWarnings) {
        messages.push_back(w.message);
        details.push_back({ { "path", w.path }, { "message", w.message } });
    }
    PendingException e { "suspicious_text", "warning",
        c.at + subject(c) + ": " + join(messages, "; ") + "; stored as sent, review the text",
        { { "issues", details } }, revisionId };
    const std::int64_t exId = insertException(c, e, c.objectId);
    if (m_verdict)
        m_verdict->warnings.push_back({ e.category, e.message, e.details, m_o.dryRun ? 0 : exId });
    insertLineage(c, c.objectId, revisionId, "suspicious_text", c.env.source,
        { { "event_id", c.env.eventId }, { "issues", details }, { "exception_id", exId } });
}

// The text the duplicate check compares, stored and added to the in-memory index when the event is released.
void IngestPipeline::Run::updateMatchText(Ctx& c)
{
    if (!c.domain->duplicateCheck.enabled() || c.isDelete())
        return;
    // The index keeps no texts: the object's previous one (read with the object, before it is overwritten here) takes
    // its words out. The index is loaded first, so that the load does not read the text written here.
    std::string previous;
    if (dupIndex(*c.domain).isIndexed(c.objectId))
        previous = std::move(c.oldMatchText);
    m_st.upsertMatchText.bind(0, std::int64_t(c.objectId));
    m_st.upsertMatchText.bind(1, std::string_view(c.domain->name));
    m_st.upsertMatchText.bind(2, std::string_view(c.matchText));
    exec(m_st.upsertMatchText, "update duplicate index");
    m_eventIndexAdds.push_back({ c.domain, c.objectId, std::move(c.matchText), std::move(previous) });
}

void IngestPipeline::Run::checkStructure(
    const Ctx& c, const DomainDef& d, const nlohmann::json& state, std::vector<std::string>& out)
{
    const Structure& st = d.structure;
    const AttributeDef* parentDef = d.attribute(st.parent);
    const AttributeDef* linesDef = d.attribute(st.lines);
    if (!parentDef || !linesDef)
        return;
    const std::string& refDomain = parentDef->refDomain;
    const auto p = state.find(st.parent);
    const std::string parent = p != state.end() && p->is_string() ? p->get<std::string>() : std::string();
    const auto lines = state.find(st.lines);
    if (lines == state.end() || !lines->is_array())
        return;

    // Line by line: not the parent itself, a positive quantity, a unit of the component's dimension.
    std::vector<std::pair<std::string, size_t>> components; // key, line
    for (size_t i = 0; i < lines->size(); ++i) {
        const nlohmann::json& row = (*lines)[i];
        const auto comp = row.find(st.component);
        if (comp == row.end() || !comp->is_string())
            continue;
        const std::string key = comp->get<std::string>();
        std::string line = lineName(st.lines, i, row, linesDef);
        line.append(", ").append(refDomain).append(" ").append(key);
        // NOLINTBEGIN(performance-inefficient-string-concatenation): messages of problems, built once per problem
        if (key == parent) {
            out.push_back(line + ": the component is the parent " + refDomain + " itself; a " + d.name
                + " cannot contain its own parent");
            continue;
        }
        if (!st.quantity.empty()) {
            const auto q = row.find(st.quantity);
            if (q != row.end() && q->is_number() && !(q->get<double>() > 0))
                out.push_back(line + ": " + st.quantity + " " + q->dump() + " must be greater than 0");
        }
        if (!st.unit.empty() && !st.componentUnit.empty()) {
            const auto u = row.find(st.unit);
            const Unit* lineUnit
                = u != row.end() && u->is_string() ? m_model.units().find(u->get<std::string>()) : nullptr;
            SqlStatement& q = m_st.attributeOf;
            q.bind(0, std::string_view(refDomain));
            q.bind(1, std::string_view(key));
            q.bind(2, std::string_view("$." + st.componentUnit));
            std::string baseSymbol;
            if (first(q, "look up component unit") && !q.isNull(0))
                baseSymbol = q.text(0);
            q.reset();
            const Unit* base = baseSymbol.empty() ? nullptr : m_model.units().find(baseSymbol);
            if (lineUnit && base && lineUnit->dimension != base->dimension)
                out.push_back(line + ": " + st.unit + " '" + lineUnit->symbol + "' is "
                    + std::string(dimensionName(lineUnit->dimension)) + ", but " + key + " is kept in '" + base->symbol
                    + "' (" + std::string(dimensionName(base->dimension)) + "); use a "
                    + std::string(dimensionName(base->dimension)) + " unit");
        }
        // NOLINTEND(performance-inefficient-string-concatenation)
        components.emplace_back(key, i);
    }
    if (parent.empty() || components.empty())
        return;
    checkStructureCycles(c, d, parent, components, *lines, out);
}

// Cycles of any depth: from each component, down through the structures whose parent it is, back to `parent`.
void IngestPipeline::Run::checkStructureCycles(const Ctx& c, const DomainDef& d, const std::string& parent,
    const std::vector<std::pair<std::string, size_t>>& components, const nlohmann::json& lines,
    std::vector<std::string>& out)
{
    const Structure& st = d.structure;
    const AttributeDef* linesDef = d.attribute(st.lines);
    const std::string& refDomain = d.attribute(st.parent)->refDomain;
    const std::string componentPath = st.lines + "." + st.component;
    struct Step
    {
        std::string from, via; // the component this one was reached from, and the structure that lists it
        size_t line = 0;
    };
    std::map<std::string, Step> seen; // component -> how it was reached
    std::vector<std::string> queue;
    for (const auto& [key, line] : components) {
        if (seen.emplace(key, Step { parent, c.env.key, line }).second)
            queue.push_back(key);
    }
    constexpr size_t kMaxVisited = 100000; // a bound, not a limit any real structure reaches
    for (size_t head = 0; head < queue.size() && seen.size() < kMaxVisited; ++head) {
        const std::string item = queue[head];
        SqlStatement& q = m_st.structureLines;
        q.bind(0, std::string_view(refDomain));
        q.bind(1, std::string_view(item));
        q.bind(2, std::string_view(d.name));
        q.bind(3, std::string_view(componentPath));
        q.bind(4, std::string_view(st.parent));
        q.bind(5, std::int64_t(c.objectId));
        std::vector<std::pair<std::string, std::string>> next; // structure key, component
        forEachRow(q, "structure check", [&] { next.emplace_back(std::string(q.text(0)), std::string(q.text(1))); });
        for (const auto& [structure, child] : next) {
            if (child == parent) {
                // Walk back to the line of this event that starts the cycle: items[i] contains items[i + 1]
                // through structure vias[i + 1].
                std::vector<std::string> items { parent };
                std::vector<std::string> vias { structure };
                std::string at = item;
                size_t line = 0;
                for (size_t guard = 0; guard <= seen.size(); ++guard) {
                    const Step& s = seen.at(at);
                    items.push_back(at);
                    vias.push_back(s.via);
                    if (s.from == parent) {
                        line = s.line;
                        break;
                    }
                    at = s.from;
                }
                items.push_back(parent);
                std::reverse(items.begin(), items.end());
                std::reverse(vias.begin(), vias.end());
                std::vector<std::string> chain;
                for (size_t i = 0; i + 1 < items.size(); ++i)
                    chain.push_back(items[i] + " (" + d.name + " " + vias[i] + ")");
                chain.push_back(parent);
                const nlohmann::json& row = lines[line];
                out.push_back(lineName(st.lines, line, row, linesDef) + ", " + refDomain + " "
                    + row.value(st.component, std::string()) + ": makes a cycle: " + join(chain, " contains ") + "; a "
                    + d.name + " cannot contain itself at any depth");
                return;
            }
            if (seen.emplace(child, Step { item, structure, 0 }).second)
                queue.push_back(child);
        }
    }
}

void IngestPipeline::Run::checkComponentUnit(
    const Ctx& c, const DomainDef& d, const nlohmann::json& changed, std::vector<std::string>& out)
{
    // A component's base unit may not move to another dimension while structures use it in the old one.
    for (const DomainDef& sd : m_model.domains()) {
        const Structure& st = sd.structure;
        if (!st.enabled() || st.unit.empty() || st.componentUnit.empty())
            continue;
        const AttributeDef* parentDef = sd.attribute(st.parent);
        const auto ch = changed.find(st.componentUnit);
        if (!parentDef || parentDef->refDomain != d.name || ch == changed.end())
            continue;
        const nlohmann::json& now = (*ch)["new"];
        const Unit* base = now.is_string() ? m_model.units().find(now.get<std::string>()) : nullptr;
        if (!base)
            continue;
        SqlStatement& q = m_st.structureUsers;
        q.bind(0, std::string_view(d.name));
        q.bind(1, std::string_view(c.env.key));
        q.bind(2, std::string_view(sd.name));
        q.bind(3, std::string_view(st.lines + "." + st.component));
        std::vector<std::pair<std::string, std::string>> users; // structure key, state
        forEachRow(q, "structures using the component",
            [&] { users.emplace_back(std::string(q.text(0)), std::string(q.text(1))); });
        const AttributeDef* linesDef = sd.attribute(st.lines);
        for (const auto& [key, text] : users) {
            const auto state = nlohmann::json::parse(text, nullptr, false);
            const auto lines = state.is_object() ? state.find(st.lines) : state.end();
            if (!state.is_object() || lines == state.end() || !lines->is_array())
                continue;
            for (size_t i = 0; i < lines->size() && out.size() < 5; ++i) {
                const nlohmann::json& row = (*lines)[i];
                if (row.value(st.component, std::string()) != c.env.key)
                    continue;
                const Unit* used = m_model.units().find(row.value(st.unit, std::string()));
                if (used && used->dimension != base->dimension)
                    out.push_back(st.componentUnit + " '" + base->symbol + "' is "
                        + std::string(dimensionName(base->dimension)) + ", but " + sd.name + " '" + key + "' "
                        + lineName(st.lines, i, row, linesDef) + " uses " + c.env.key + " in '" + used->symbol + "' ("
                        + std::string(dimensionName(used->dimension)) + "); change those lines first");
            }
        }
    }
}

void IngestPipeline::Run::checkHierarchy(
    const Ctx& c, const DomainDef& d, const nlohmann::json& state, std::vector<std::string>& out)
{
    const auto p = state.find(d.hierarchy);
    if (p == state.end() || !p->is_string())
        return;
    const std::string& self = c.env.key;
    std::vector<std::string> chain { self, p->get<std::string>() };
    if (chain.back() == self) {
        out.push_back(d.hierarchy + " '" + self + "' is the " + d.name + " itself; it cannot be its own parent");
        return;
    }
    std::set<std::string> seen { chain.begin(), chain.end() };
    while (seen.size() < 100000) { // a bound, not a limit any real hierarchy reaches
        SqlStatement& q = m_st.hierarchyParent;
        q.bind(0, std::string_view(d.name));
        q.bind(1, std::string_view(chain.back()));
        q.bind(2, std::string_view(d.hierarchy));
        const bool found = first(q, "look up parent");
        const std::string parent = found ? std::string(q.text(0)) : std::string();
        q.reset();
        if (!found)
            return;
        chain.push_back(parent);
        if (parent == self) {
            out.push_back(d.hierarchy + " '" + chain[1] + "' makes a cycle: " + join(chain, " is inside ") + "; a "
                + d.name + " cannot be inside itself");
            return;
        }
        if (!seen.insert(parent).second)
            return; // a cycle above that does not include this object (kept from before these checks)
    }
}

void IngestPipeline::Run::closePending(std::int64_t exceptionId, const std::string& status)
{
    m_st.deletePending.bind(0, std::int64_t(exceptionId));
    exec(m_st.deletePending, "remove pending reference");
    if (!isOpen(status))
        return; // closed by a steward already
    m_st.resolveException.bind(0, std::int64_t(now()));
    m_st.resolveException.bind(1, std::int64_t(exceptionId));
    exec(m_st.resolveException, "resolve exception");
    m_eventClosed.emplace_back("unresolved_reference", status);
}

void IngestPipeline::Run::updateReferences(const Ctx& c, const DomainDef& d, std::int64_t objectId,
    std::int64_t revisionId, const nlohmann::json& state, bool deleted)
{
    m_st.clearRefs.bind(0, std::int64_t(objectId));
    exec(m_st.clearRefs, "clear references");
    std::map<std::pair<std::string, std::string>, std::string> refs; // (domain, key) -> first path
    if (!deleted) {
        for (const auto& [path, refDomain] : d.references()) {
            std::vector<std::string> keys;
            collectReferences(state, path, keys);
            for (const std::string& key : keys) {
                SqlStatement& q = m_st.insertRef;
                q.bind(0, std::int64_t(objectId));
                q.bind(1, std::string_view(d.name));
                q.bind(2, std::string_view(path));
                q.bind(3, std::string_view(refDomain));
                q.bind(4, std::string_view(key));
                exec(q, "index reference");
                refs.emplace(std::make_pair(refDomain, key), path);
            }
        }
    }

    // Exceptions of this object that wait for a reference it no longer has are resolved.
    std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> pending; // id, domain, key, status
    if (!(c.insertedObject && objectId == c.objectId)) { // (a new object has no pending references yet)
        SqlStatement& q = m_st.pendingOfObject;
        q.bind(0, std::int64_t(objectId));
        forEachRow(q, "pending references", [&] {
            pending.emplace_back(q.int64(0), std::string(q.text(1)), std::string(q.text(2)), std::string(q.text(3)));
        });
    }
    // NOLINTBEGIN(performance-inefficient-string-concatenation): texts of exceptions and their lineage, built once
    // per exception
    for (const auto& [id, refDomain, key, status] : pending) {
        if (refs.erase({ refDomain, key }))
            continue; // still referenced, still waiting: the open exception stays
        closePending(id, status);
        insertLineage(c, objectId, revisionId, "reference_resolved", c.env.source,
            { { "exception_id", id }, { "reference", refDomain + " " + key },
                { "message", "no longer referenced by revision of event " + c.env.eventId } });
    }

    // New references to objects MDSync does not know: one warning each, closed when the object arrives.
    for (const auto& [ref, path] : refs) {
        const auto& [refDomain, key] = ref;
        if (refDomain == d.name && key == c.env.key)
            continue;
        SqlStatement& q = m_st.liveObject;
        q.bind(0, std::string_view(refDomain));
        q.bind(1, std::string_view(key));
        const bool known = first(q, "look up referenced object");
        q.reset();
        if (known)
            continue;
        PendingException e { "unresolved_reference", "warning",
            c.at + subject(c) + ": " + path + " references " + refDomain + " '" + key
                + "', which MDSync does not know (not created, or deleted). Deliveries that need it are held until it "
                  "arrives; this exception closes itself when "
                + refDomain + " '" + key + "' is created.",
            { { "path", path }, { "ref_domain", refDomain }, { "ref_key", key } }, revisionId };
        const std::int64_t exId = insertException(c, e, objectId);
        SqlStatement& ins = m_st.insertPending;
        ins.bind(0, std::int64_t(exId));
        ins.bind(1, std::int64_t(objectId));
        ins.bind(2, std::string_view(refDomain));
        ins.bind(3, std::string_view(key));
        exec(ins, "record pending reference");
        if (m_verdict)
            m_verdict->warnings.push_back({ e.category, e.message, e.details, m_o.dryRun ? 0 : exId });
        insertLineage(c, objectId, revisionId, "unresolved_reference", c.env.source,
            { { "reference", refDomain + " " + key }, { "path", path }, { "exception_id", exId } });
    }
    // NOLINTEND(performance-inefficient-string-concatenation)
}

void IngestPipeline::Run::resolveWaiting(
    const Ctx& c, const DomainDef& d, std::int64_t objectId, std::int64_t revisionId)
{
    struct Waiting
    {
        std::int64_t exceptionId, objectId;
        std::string status, domain, key, correlationId;
    };
    std::vector<Waiting> waiting;
    SqlStatement& q = m_st.pendingOnTarget;
    q.bind(0, std::string_view(d.name));
    q.bind(1, std::string_view(c.env.key));
    forEachRow(q, "waiting references", [&] {
        waiting.push_back({ q.int64(0), q.int64(1), std::string(q.text(2)), std::string(q.text(3)),
            std::string(q.text(4)), std::string(q.text(5)) });
    });
    for (const Waiting& w : waiting) {
        closePending(w.exceptionId, w.status);
        insertLineageFor(w.domain, w.key, w.correlationId, w.objectId, 0, "reference_resolved", c.env.source,
            { { "exception_id", w.exceptionId }, { "reference", d.name + " " + c.env.key }, { "object_id", objectId },
                { "revision_id", revisionId }, { "message", d.name + " " + c.env.key + " arrived" } });
    }
}

// The reference index (object_ref) of a workspace created before schema 5, built once from the current states.
Result<void> IngestPipeline::Run::indexReferences()
{
    Workspace& ws = m_p.m_ws;
    if (m_p.m_referencesIndexed)
        return {};
    if (!ws.meta(QStringLiteral("ref_index")).isEmpty()) {
        m_p.m_referencesIndexed = !ws.inTransaction(); // committed: no caller's rollback can take it back
        return {};
    }
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(ws.db());
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT o.id, o.domain, r.state FROM object o"
                               " JOIN revision r ON r.id = o.current_revision_id WHERE o.deleted = 0"))) {
        return makeError(sqlError(q, QStringLiteral("index references")));
    }
    while (q.next()) {
        const DomainDef* d = m_model.domain(q.value(1).toString().toStdString());
        const auto state = nlohmann::json::parse(q.value(2).toString().toStdString(), nullptr, false);
        if (!d || !state.is_object())
            continue;
        for (const auto& [path, refDomain] : d->references()) {
            std::vector<std::string> keys;
            collectReferences(state, path, keys);
            for (const std::string& key : keys) {
                SqlStatement& ins = m_st.insertRef;
                ins.bind(0, std::int64_t(q.value(0).toLongLong()));
                ins.bind(1, std::string_view(d->name));
                ins.bind(2, std::string_view(path));
                ins.bind(3, std::string_view(refDomain));
                ins.bind(4, std::string_view(key));
                if (!ins.exec()) {
                    return makeError(QStringLiteral("index references: ") + ins.error());
                }
            }
        }
    }
    q.finish();
    if (auto r = ws.setMeta(QStringLiteral("ref_index"), QStringLiteral("1")); !r)
        return r;
    if (auto r = tx.commit(); !r)
        return r;
    m_p.m_referencesIndexed = !ws.inTransaction();
    return {};
}

void IngestPipeline::Run::reject(const Ctx& c, const std::string& category, const std::string& severity,
    const std::string& message, nlohmann::json details)
{
    // The same raw line already waiting in an open exception: nothing new (re-ingest of a file).
    const std::string rawHash = sha256Hex(c.raw);
    m_st.findOpenRaw.bind(0, rawHash);
    const bool open = first(m_st.findOpenRaw, "look up open exception");
    const std::int64_t openId = open ? m_st.findOpenRaw.int64(0) : 0;
    m_st.findOpenRaw.reset();
    if (m_verdict) {
        m_verdict->category = category;
        m_verdict->message = message;
        m_verdict->details = details;
        m_verdict->exceptionId = (m_o.dryRun && openId > m_lastRealExceptionId) ? 0 : openId;
    }
    if (open) {
        ++m_eventSum.duplicates;
        return;
    }
    ++m_eventSum.rejected;
    if (category == "duplicate_suspect")
        ++m_eventSum.duplicateSuspects;
    if (category == "policy_violation") // the summary counts what exceptions_by_category counts
        ++m_eventSum.policyViolations;
    PendingException e { category, severity, message, std::move(details), 0 };
    const std::int64_t exId = insertException(c, e, c.objectId);
    if (m_verdict && !m_o.dryRun)
        m_verdict->exceptionId = exId;
    if (c.domain && !c.env.key.empty())
        insertLineage(c, c.objectId, 0, "rejected", c.env.source,
            { { "event_id", c.env.eventId }, { "category", category }, { "exception_id", exId },
                { "message", message } });
}

std::int64_t IngestPipeline::Run::insertException(const Ctx& c, const PendingException& e, std::int64_t objectId)
{
    const TimeMs t = now();
    SqlStatement& q = m_st.insertException;
    q.bind(0, std::string_view(e.category));
    q.bind(1, std::string_view(e.severity));
    q.bind(2, std::int64_t(t));
    q.bind(3, std::int64_t(t));
    q.bind(4, std::string_view(m_sourceName));
    q.bind(5, std::int64_t(c.lineNo));
    q.bindOptional(6, std::string_view(c.env.source));
    q.bindOptional(7, std::string_view(c.env.eventId));
    q.bindOptional(8, std::string_view(c.env.correlationId));
    q.bindOptional(9, std::string_view(c.env.domain));
    q.bindOptional(10, std::string_view(c.env.key));
    q.bindOptional(11, std::int64_t(objectId));
    q.bindOptional(12, std::int64_t(e.revisionId));
    q.bind(13, std::string_view(e.message));
    q.bind(14, std::string_view(e.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    q.bindBlob(15, c.raw);
    q.bind(16, std::string_view(sha256Hex(c.raw)));
    q.bind(17, std::int64_t(m_sum.runId));
    std::int64_t id = 0;
    if (!q.execReturningId(id))
        throw store::SqlError::of(q, QStringLiteral("insert exception"));
    ++m_eventSum.exceptions;
    ++m_eventSum.exceptionsByCategory[e.category];
    return id;
}

void IngestPipeline::Run::insertLineage(const Ctx& c, std::int64_t objectId, std::int64_t revisionId, const char* kind,
    const std::string& system, const nlohmann::json& detail)
{
    insertLineageFor(c.env.domain, c.env.key, c.env.correlationId, objectId, revisionId, kind, system, detail);
}

void IngestPipeline::Run::insertLineageFor(std::string_view domain, std::string_view key,
    std::string_view correlationId, std::int64_t objectId, std::int64_t revisionId, const char* kind,
    const std::string& system, const nlohmann::json& detail)
{
    writeLineageRow(domain, key, correlationId, objectId, revisionId, kind, system,
        detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void IngestPipeline::Run::insertLineageText(const Ctx& c, std::int64_t objectId, std::int64_t revisionId,
    const char* kind, const std::string& system, std::string_view detailText)
{
    writeLineageRow(c.env.domain, c.env.key, c.env.correlationId, objectId, revisionId, kind, system, detailText);
}

void IngestPipeline::Run::writeLineageRow(std::string_view domain, std::string_view key, std::string_view correlationId,
    std::int64_t objectId, std::int64_t revisionId, const char* kind, const std::string& system,
    std::string_view detailText)
{
    try {
        m_outbox.lineage(
            { now(), domain, key, objectId, revisionId, kind, system, m_o.actor, correlationId, detailText },
            Outbox::Write::Deferred);
    } catch (const store::SqlError& e) {
        throw store::SqlError(QStringLiteral("insert lineage"), e.driverText(), e.kind());
    }
}

DuplicateIndex& IngestPipeline::Run::dupIndex(const DomainDef& d)
{
    auto it = m_p.m_dupIndex.find(d.name);
    if (it != m_p.m_dupIndex.end())
        return it->second;
    DuplicateIndex& idx = m_p.m_dupIndex[d.name];
    QString deferred;
    SqlErrorKind kind = SqlErrorKind::None;
    if (!SqlStatement::finishDeferred(m_p.m_ws.db(), &deferred, &kind)) // before QtSql uses the connection
        throw store::SqlError(QStringLiteral("load duplicate index"), deferred, kind);
    QSqlQuery q(m_p.m_ws.db());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT object_id, text FROM match_text WHERE domain = ?"));
    q.addBindValue(qs(d.name));
    if (!q.exec())
        throw store::SqlError::of(q, QStringLiteral("load duplicate index"));
    while (q.next())
        idx.add(q.value(0).toLongLong(), q.value(1).toString().toStdString());
    return idx;
}

std::string IngestPipeline::Run::dupText(const DomainDef& d, const nlohmann::json& state) const
{
    // One field per compared attribute, in model order (DuplicateCheck::fields); an absent attribute is empty.
    std::vector<std::string> fields;
    auto value = [&](const std::string& a) -> std::string {
        auto it = state.find(a);
        if (it == state.end() || it->is_null())
            return {};
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    for (const std::string& a : d.duplicateCheck.attributes)
        fields.push_back(DuplicateIndex::normalise(value(a)));
    for (const std::string& a : d.duplicateCheck.identifiers)
        fields.push_back(DuplicateIndex::identifier(value(a)));
    return DuplicateIndex::join(fields);
}

Result<IngestSummary> IngestPipeline::Run::finish()
{
    if (auto r = ensureTransaction(); !r)
        return makeError(r.error());
    m_sum.inputSha256.assign(64, '\0');
    m_hash.resultHex(std::span<char, 64>(m_sum.inputSha256.data(), 64));
    if (m_o.dryRun) {
        abort(); // rolls back everything the run wrote and restores the id counters
        return m_sum;
    }
    nlohmann::json summary = m_sum.toJson();
    summary["source"] = m_o.sourceName.toStdString();
    SqlStatement& q = m_st.finishRun;
    q.bind(0, now());
    q.bind(1, summary.dump());
    q.bind(2, m_sum.runId);
    if (!q.exec()) {
        abort();
        return makeError(QStringLiteral("finish ingest run: ") + q.error());
    }
    if (auto a = m_st.audit.append(m_o.actor, "ingest.run",
            "ingest run " + std::to_string(m_sum.runId) + " (" + m_o.sourceName.toStdString() + ")", std::nullopt,
            summary, std::nullopt);
        !a) {
        abort();
        return makeError(a.error());
    }
    if (auto r = maybeCommit(true); !r)
        return makeError(r.error());
    return m_sum;
}

Result<void> IngestPipeline::prepareStatements()
{
    if (m_st)
        return {};
    auto st = std::make_unique<Statements>(m_ws.db());
    QString error;
    if (!st->prepare(error))
        return makeError(error);
    m_instanceId = m_ws.instanceId().toStdString();
    if (m_instanceId.empty())
        return makeError(
            QStringLiteral("workspace %1 has no instance id (meta instance_id); it was not migrated").arg(m_ws.path()));
    m_sequenceIds = m_ws.isPostgres();
    m_st = std::move(st);
    return {};
}

std::int64_t IngestPipeline::nextId(IdKind kind)
{
    if (!m_sequenceIds)
        return m_nextId[kind]++;
    std::vector<std::int64_t>& pool = m_idPool[kind];
    if (pool.empty()) {
        static constexpr std::array<const char*, 3> kTables = { "object", "revision", "delivery" };
        SqlStatement& q = m_st->drawIds;
        q.bind(0, kTables[kind]);
        while (q.next())
            pool.push_back(q.int64(0));
        const bool failed = q.failed();
        q.reset();
        if (failed || pool.empty())
            throw store::SqlError::of(q, QStringLiteral("draw %1 ids").arg(QLatin1String(kTables[kind])));
        std::reverse(pool.begin(), pool.end()); // taken from the back, in ascending order
    }
    const std::int64_t id = pool.back();
    pool.pop_back();
    return id;
}

Result<IngestSummary> IngestPipeline::ingest(QIODevice& in, const IngestOptions& options)
{
    Q_ASSERT_X(QThread::currentThread() == m_owner, "IngestPipeline", "ingest runs on the workspace writer's thread");
    if (auto r = prepareStatements(); !r)
        return makeError(r.error());
    Run run(*this, options);
    if (auto r = run.start(); !r)
        return makeError(r.error());
    std::int64_t lineNo = 0;
    while (true) {
        QByteArray line = in.readLine();
        if (line.isEmpty()) {
            if (in.atEnd() || !in.waitForReadyRead(-1))
                break;
            continue;
        }
        ++lineNo;
        run.hashInput(line);
        qsizetype n = line.size();
        if (n && line[n - 1] == '\n')
            --n;
        if (n && line[n - 1] == '\r')
            --n;
        const std::string_view raw(line.constData(), static_cast<size_t>(n));
        if (raw.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        if (auto r = run.line(raw, lineNo); !r)
            return makeError(r.error());
    }
    return run.finish();
}

Result<IngestSummary> IngestPipeline::ingestLines(const std::vector<std::string>& lines, const IngestOptions& options)
{
    Q_ASSERT_X(QThread::currentThread() == m_owner, "IngestPipeline", "ingest runs on the workspace writer's thread");
    if (auto r = prepareStatements(); !r)
        return makeError(r.error());
    Run run(*this, options);
    if (auto r = run.start(); !r)
        return makeError(r.error());
    std::int64_t lineNo = 0;
    for (const std::string& l : lines) {
        ++lineNo;
        run.hashInput(QByteArrayView(l.data(), static_cast<qsizetype>(l.size())));
        run.hashInput("\n");
        if (l.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        if (auto r = run.line(l, lineNo); !r)
            return makeError(r.error());
    }
    return run.finish();
}

} // namespace mdsync
