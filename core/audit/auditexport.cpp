#include "audit/auditexport.h"
#include "store/archive.h"

#include "access/identity.h"
#include "access/roles.h"

#include "audit/auditlog.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/fastsha256.h"
#include "util/qtext.h"
#include "util/text.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <QUuid>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <thread>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mdsync {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const char* const kFormat = "mdsync-audit-export";
constexpr int kVersion = 1;
constexpr qint64 kProgressEvery = 1000;
constexpr size_t kMaxProblems = 200;

struct Table
{
    const char* base; // "audit" / "lineage"
    std::vector<std::string> columns;
    std::vector<bool> integer; // column is written as a JSON number
};

const Table& auditTable()
{
    static const Table t { "audit",
        { "seq", "at", "actor", "action", "subject", "before", "after", "reason", "prev_hash", "hash" },
        { true, false, false, false, false, false, false, false, false, false } };
    return t;
}

const Table& lineageTable()
{
    static const Table t { "lineage",
        { "id", "at", "domain", "object_key", "revision_id", "kind", "system_id", "actor", "correlation_id", "detail",
            "replayable_until" },
        { true, false, false, false, true, false, false, false, false, false, false } };
    return t;
}

// ---- writing -------------------------------------------------------------------------------------------------

void appendCsvField(std::string& out, std::optional<std::string_view> v)
{
    if (!v)
        return;
    if (v->empty()) {
        out += "\"\"";
        return;
    }
    if (v->find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(*v);
        return;
    }
    out += '"';
    size_t run = 0;
    for (size_t i = 0; i < v->size(); ++i)
        if ((*v)[i] == '"') {
            out.append(v->substr(run, i + 1 - run));
            out += '"';
            run = i + 1;
        }
    out.append(v->substr(run));
    out += '"';
}

// One output file: rows are appended to a buffer that is written and hashed in blocks of ~1 MiB.
class OutFile
{
public:
    OutFile(const QDir& dir, QString name)
        : m_name(std::move(name))
        , m_file(dir.filePath(m_name))
    {
        m_buf.reserve(kBlock + (64 << 10));
    }

    Result<void> open()
    {
        if (!m_file.open(QIODevice::WriteOnly | QIODevice::NewOnly | QIODevice::Unbuffered))
            return makeError(QStringLiteral("cannot create %1: %2").arg(m_file.fileName(), m_file.errorString()));
        return {};
    }

    std::string& buffer() { return m_buf; }

    // Ends a row (or the header when isRow is false) that was appended to buffer().
    Result<void> endRow(bool isRow = true)
    {
        if (isRow)
            ++m_rows;
        return m_buf.size() >= kBlock ? flush() : Result<void>();
    }

    Result<void> close()
    {
        if (auto r = flush(); !r)
            return r;
        m_file.close();
        return {};
    }

    json describe()
    {
        std::array<char, 64> hex {};
        m_hash.resultHex(hex);
        return json { { "name", m_name.toStdString() }, { "rows", m_rows }, { "bytes", m_bytes },
            { "sha256", std::string(hex.data(), hex.size()) } };
    }

    qint64 rows() const { return m_rows; }
    qint64 bytes() const { return m_bytes; }

private:
    static constexpr size_t kBlock = 1 << 20;

    Result<void> flush()
    {
        const auto n = static_cast<qint64>(m_buf.size());
        if (n == 0)
            return {};
        if (m_file.write(m_buf.data(), n) != n)
            return makeError(QStringLiteral("cannot write %1: %2").arg(m_file.fileName(), m_file.errorString()));
        m_hash.addData(m_buf.data(), m_buf.size());
        m_bytes += n;
        m_buf.clear();
        return {};
    }

    QString m_name;
    QFile m_file;
    FastSha256 m_hash;
    std::string m_buf;
    qint64 m_bytes = 0;
    qint64 m_rows = 0;
};

// Streams the rows of a query (columns in the table's order) into the csv/jsonl files of a table. Columns are
// read by index from SQLite; integer columns are written as numbers. `timeColumn` >= 0 names an integer
// epoch-ms column that is written as RFC 3339 text (lineage "at"). `seen` observes every row.
// `computedLast`, when given, writes the table's last column from the row (the query's columns after it are its input)
// instead of reading it.
Result<qint64> streamTable(SqlStatement& q, const Table& t, OutFile* csv, OutFile* jsonl, int timeColumn,
    const std::function<void()>& tick, const std::function<void(SqlStatement&)>& seen,
    const std::function<std::optional<std::string>(SqlStatement&)>& computedLast = {})
{
    std::optional<std::string> computedText;
    const int columns = static_cast<int>(t.columns.size());
    if (csv) {
        for (int i = 0; i < columns; ++i) {
            if (i)
                csv->buffer() += ',';
            appendCsvField(csv->buffer(), std::string_view(t.columns[static_cast<size_t>(i)]));
        }
        csv->buffer() += "\r\n";
        if (auto r = csv->endRow(false); !r)
            return makeError(r.error());
    }
    // '{"name":' prefixes of the JSON objects, built once.
    std::vector<std::string> keys;
    keys.reserve(static_cast<size_t>(columns));
    for (int i = 0; i < columns; ++i)
        keys.push_back((i ? ",\"" : "{\"") + t.columns[static_cast<size_t>(i)] + "\":");
    std::vector<std::optional<std::string_view>> row(static_cast<size_t>(columns));
    std::string timeText;
    std::array<char, 24> num {};
    qint64 n = 0;
    while (q.next()) {
        for (int i = 0; i < columns; ++i) {
            auto& cell = row[static_cast<size_t>(i)];
            if (computedLast && i == columns - 1) {
                computedText = computedLast(q);
                cell = computedText ? std::optional<std::string_view>(*computedText) : std::nullopt;
            } else if (q.isNull(i))
                cell.reset();
            else if (i == timeColumn) {
                timeText = formatRfc3339(q.int64(i));
                cell = timeText;
            } else if (t.integer[static_cast<size_t>(i)])
                cell = std::string_view(num.data(),
                    static_cast<size_t>(
                        std::to_chars(num.data(), num.data() + num.size(), q.int64(i)).ptr - num.data()));
            else
                cell = q.text(i);
            if (csv) {
                if (i)
                    csv->buffer() += ',';
                appendCsvField(csv->buffer(), cell);
            }
            if (jsonl) {
                std::string& b = jsonl->buffer();
                b += keys[static_cast<size_t>(i)];
                if (!cell)
                    b += "null";
                else if (t.integer[static_cast<size_t>(i)] && i != timeColumn)
                    b.append(*cell);
                else
                    appendDumpedString(b, *cell, true); // invalid UTF-8 becomes U+FFFD
            }
        }
        if (csv) {
            csv->buffer() += "\r\n";
            if (auto r = csv->endRow(); !r)
                return makeError(r.error());
        }
        if (jsonl) {
            jsonl->buffer() += "}\n";
            if (auto r = jsonl->endRow(); !r)
                return makeError(r.error());
        }
        if (seen)
            seen(q);
        ++n;
        tick();
    }
    if (q.failed())
        return makeError(QStringLiteral("export: reading %1 rows: %2").arg(QLatin1String(t.base), q.error()));
    q.reset();
    return n;
}

// SHA-256 (hex) of an open file, read in 1 MiB blocks.
std::string fileSha256(QFile& file)
{
    FastSha256 h;
    QByteArray block;
    while (!(block = file.read(1 << 20)).isEmpty())
        h.addData(block.constData(), static_cast<size_t>(block.size()));
    std::array<char, 64> hex {};
    h.resultHex(hex);
    return { hex.data(), hex.size() };
}

// ---- OpenLineage -----------------------------------------------------------------------------------------------

const char* const kOlProducer = "https://mdsync.example.org/mdsync";
const char* const kOlSchema = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
const char* const kOlFacetSchema = "https://mdsync.example.org/spec/facets/1-0-0/MdsyncLineageRunFacet.json";
const char* const kOlErrorSchema = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/"
                                   "ErrorMessageRunFacet";

// Lineage kinds that describe data coming in from a source system (the system is the input, the hub the output).
bool inboundKind(const std::string& kind)
{
    static const std::set<std::string> inbound { "received", "created", "merged", "deleted", "enriched", "rejected",
        "policy_violation", "duplicate_suspect", "not_merged", "unchanged", "unresolved_reference",
        "reference_resolved", "suspicious_text" };
    return inbound.contains(kind);
}

std::string eventTypeOf(const std::string& kind)
{
    static const std::map<std::string, std::string> types {
        { "received", "START" },
        { "created", "COMPLETE" },
        { "merged", "COMPLETE" },
        { "deleted", "COMPLETE" },
        { "enriched", "COMPLETE" },
        { "unchanged", "COMPLETE" },
        { "duplicate_suspect", "COMPLETE" },
        { "unresolved_reference", "COMPLETE" },
        { "reference_resolved", "COMPLETE" },
        { "suspicious_text", "COMPLETE" },
        { "rejected", "FAIL" },
        { "policy_violation", "FAIL" },
        { "not_merged", "FAIL" },
        { "released", "START" },
        { "sent", "START" },
        { "mapping_warning", "RUNNING" },
        { "delivery_retry", "RUNNING" },
        { "dependency_timeout", "RUNNING" },
        { "dependency_resolved", "RUNNING" },
        { "acked", "COMPLETE" },
        { "delivery_failed", "FAIL" },
        { "superseded", "ABORT" },
        { "exception.discard", "ABORT" },
    };
    const auto it = types.find(kind);
    if (it != types.end())
        return it->second;
    // Steward and configuration actions (exception.*, correction.*, delivery.replay, ...) are finished acts.
    return kind.find('.') != std::string::npos ? "COMPLETE" : "OTHER";
}

} // namespace

json openLineageEvent(const std::string& workspace, std::int64_t id, TimeMs at, const std::string& domain,
    const std::string& key, std::optional<std::int64_t> revisionId, const std::string& kind,
    const std::optional<std::string>& system, const std::optional<std::string>& actor,
    const std::optional<std::string>& correlationId, const std::string& detailText)
{
    const std::string hub = "mdsync://" + workspace;
    const std::string sys = system.value_or("");
    const std::string jobName = domain + "." + (sys.empty() ? std::string("mdsync") : sys);
    // Deterministic run id: UUID v5 of the correlation id and the job (one correlation id spans the inbound
    // merge and every delivery of a revision, and OpenLineage ties a run to one job); without a correlation id,
    // of the lineage event id.
    static const QUuid ns(QStringLiteral("6f1c7e0a-3b5d-5e8f-9a41-2c6d8e0f4b17"));
    const std::string runKey
        = correlationId && !correlationId->empty() ? *correlationId + "|" + jobName : "lineage:" + std::to_string(id);
    const std::string runId
        = QUuid::createUuidV5(ns, QByteArray::fromStdString(runKey)).toString(QUuid::WithoutBraces).toStdString();
    const json detail = json::parse(detailText, nullptr, false);
    auto field
        = [&](const char* name) { return detail.is_object() && detail.contains(name) ? detail[name] : json(nullptr); };

    json facet
        = { { "_producer", kOlProducer }, { "_schemaURL", kOlFacetSchema }, { "lineageEventId", id }, { "kind", kind },
              { "revision", field("revision_no") }, { "revisionId", revisionId ? json(*revisionId) : json(nullptr) },
              { "attempt", detail.is_object() && detail.contains("attempt") ? detail["attempt"] : field("attempts") },
              { "actor", actor ? json(*actor) : json(nullptr) },
              { "correlationId", correlationId ? json(*correlationId) : json(nullptr) } };
    if (!field("error").is_null())
        facet["error"] = field("error");
    json runFacets = { { "mdsync", facet } };
    const json error = field("error");
    if (!error.is_null() || eventTypeOf(kind) == "FAIL") {
        std::string message = error.is_string() ? error.get<std::string>() : (error.is_null() ? kind : error.dump());
        if (error.is_null() && field("message").is_string())
            message = field("message").get<std::string>();
        runFacets["errorMessage"] = { { "_producer", kOlProducer }, { "_schemaURL", kOlErrorSchema },
            { "message", message }, { "programmingLanguage", "C++" } };
    }

    const json objectDataset = { { "namespace", sys.empty() ? hub : sys }, { "name", domain + "/" + key } };
    const json hubDataset = { { "namespace", hub }, { "name", domain + "/" + key } };
    json inputs = json::array();
    json outputs = json::array();
    if (sys.empty()) {
        outputs.push_back(hubDataset);
    } else if (inboundKind(kind)) {
        inputs.push_back(objectDataset);
        outputs.push_back(hubDataset);
    } else {
        inputs.push_back(hubDataset);
        outputs.push_back(objectDataset);
    }
    return json { { "eventType", eventTypeOf(kind) }, { "eventTime", formatRfc3339(at) },
        { "run", { { "runId", runId }, { "facets", runFacets } } },
        { "job", { { "namespace", hub }, { "name", jobName } } }, { "inputs", inputs }, { "outputs", outputs },
        { "producer", kOlProducer }, { "schemaURL", kOlSchema } };
}

namespace {

// Removes what a failed export created, so that the directory can be reused.
struct Cleanup
{
    QDir dir;
    QStringList names;
    bool armed = true;
    ~Cleanup()
    {
        if (armed)
            for (const auto& n : names)
                QFile::remove(dir.filePath(n));
    }
};

Result<json> doExport(QSqlDatabase& db, const ExportOptions& o, const QDir& dir, Cleanup& cleanup)
{
    const std::string fromText = o.from ? formatRfc3339(o.from.value_or(0)) : std::string();
    const std::string toText = o.to ? formatRfc3339(o.to.value_or(0)) : std::string();

    // Head at export time (same snapshot as the rows).
    json head = nullptr;
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'audit_head'")))
            return makeError(sqlError(q, QStringLiteral("export: audit log head")));
        if (q.next()) {
            const std::string h = q.value(0).toString().toStdString();
            const auto colon = h.find(':');
            if (colon == std::string::npos)
                head = json { { "raw", h } };
            else
                head = json { { "seq", std::stoll(h.substr(0, colon)) }, { "hash", h.substr(colon + 1) } };
        }
    }

    // The audit seq range: first entry at/after `from` to the last entry before `to`.
    QString auditTime = QStringLiteral(" WHERE 1 = 1");
    if (o.from)
        auditTime += QStringLiteral(" AND at >= :from");
    if (o.to)
        auditTime += QStringLiteral(" AND at < :to");
    qint64 minSeq = 0;
    qint64 maxSeq = -1;
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT min(seq), max(seq) FROM audit_log") + auditTime);
        if (o.from)
            q.bindValue(QStringLiteral(":from"), qs(fromText));
        if (o.to)
            q.bindValue(QStringLiteral(":to"), qs(toText));
        if (!q.exec() || !q.next())
            return makeError(sqlError(q, QStringLiteral("export: audit range")));
        if (!q.value(0).isNull()) {
            minSeq = q.value(0).toLongLong();
            maxSeq = q.value(1).toLongLong();
        }
    }

    // Positional placeholders, bound in this order: from, to, then (domain, key) per object.
    QString lineageWhere = QStringLiteral(" WHERE 1 = 1");
    if (o.from)
        lineageWhere += QStringLiteral(" AND at >= ?");
    if (o.to)
        lineageWhere += QStringLiteral(" AND at < ?");
    if (!o.objects.empty()) {
        QStringList ors;
        for (size_t i = 0; i < o.objects.size(); ++i)
            ors << QStringLiteral("(domain = ? AND object_key = ?)");
        lineageWhere += QStringLiteral(" AND (") + ors.join(QStringLiteral(" OR ")) + QStringLiteral(")");
    }
    auto bindLineage = [&](QSqlQuery& q) {
        if (o.from)
            q.addBindValue(QVariant::fromValue<qlonglong>(o.from.value_or(0)));
        if (o.to)
            q.addBindValue(QVariant::fromValue<qlonglong>(o.to.value_or(0)));
        for (const auto& [domain, key] : o.objects) {
            q.addBindValue(qs(domain));
            q.addBindValue(qs(key));
        }
    };

    qint64 total = 0;
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT count(*) FROM audit_log WHERE seq BETWEEN :a AND :b"));
        q.bindValue(QStringLiteral(":a"), QVariant::fromValue<qlonglong>(minSeq));
        q.bindValue(QStringLiteral(":b"), QVariant::fromValue<qlonglong>(maxSeq));
        if (!q.exec() || !q.next())
            return makeError(sqlError(q, QStringLiteral("export: counting audit entries")));
        total += q.value(0).toLongLong();
        QSqlQuery l(db);
        l.prepare(QStringLiteral("SELECT count(*) FROM lineage_event") + lineageWhere);
        bindLineage(l);
        if (!l.exec() || !l.next())
            return makeError(sqlError(l, QStringLiteral("export: counting lineage events")));
        total += l.value(0).toLongLong();
    }
    qint64 done = 0;
    auto tick = [&] {
        ++done;
        if (o.progress && done % kProgressEvery == 0)
            o.progress(done, total);
    };
    // The lineage events of the export (range and objects), in order.
    auto selectLineage = [&](SqlStatement& q) -> Result<void> {
        if (!q.prepare(db,
                QString(QStringLiteral(
                            "SELECT l.id, l.at, l.domain, l.object_key, l.revision_id, l.kind, l.system_id, l.actor,"
                            " l.correlation_id, l.detail, NULL, a.file_name, a.manifest_sha256, a.created_at,"
                            " (SELECT min(n.received_at) FROM revision n WHERE n.object_id = r.object_id"
                            " AND n.revision_no > r.revision_no)"
                            " FROM lineage_event l LEFT JOIN revision r ON r.id = l.revision_id"
                            " LEFT JOIN archive a ON a.id = r.archived_in")
                    + lineageWhere + QStringLiteral(" ORDER BY l.id"))
                    .toStdString()))
            return makeError(QStringLiteral("export: reading lineage_event: ") + q.error());
        int b = 0;
        if (o.from)
            q.bind(b++, std::int64_t(o.from.value_or(0)));
        if (o.to)
            q.bind(b++, std::int64_t(o.to.value_or(0)));
        for (const auto& [domain, key] : o.objects) {
            q.bind(b++, std::string_view(domain));
            q.bind(b++, std::string_view(key));
        }
        return {};
    };
    if (o.progress)
        o.progress(0, total);

    std::vector<std::unique_ptr<OutFile>> files;
    auto openFile = [&](const char* base, const char* ext) -> Result<OutFile*> {
        const QString name = QLatin1String(base) + QLatin1Char('.') + QLatin1String(ext);
        auto f = std::make_unique<OutFile>(dir, name);
        if (auto r = f->open(); !r)
            return makeError(r.error());
        cleanup.names << name;
        files.push_back(std::move(f));
        return files.back().get();
    };
    // The CSV and/or JSON Lines file of one table, as the options ask.
    auto openTable = [&](const char* base, OutFile*& csv, OutFile*& jsonl) -> Result<void> {
        for (auto [wanted, ext, out] : { std::tuple { o.csv, "csv", &csv }, std::tuple { o.jsonl, "jsonl", &jsonl } }) {
            if (!wanted)
                continue;
            auto f = openFile(base, ext);
            if (!f)
                return makeError(f.error());
            *out = f.value();
        }
        return {};
    };

    // Audit entries.
    json audit = { { "count", 0 }, { "first_seq", nullptr }, { "last_seq", nullptr }, { "first_hash", nullptr },
        { "last_hash", nullptr }, { "first_prev_hash", nullptr } };
    {
        OutFile* csv = nullptr;
        OutFile* jsonl = nullptr;
        if (auto r = openTable("audit", csv, jsonl); !r)
            return makeError(r.error());
        SqlStatement q;
        if (!q.prepare(db,
                "SELECT seq, at, actor, action, subject, before, after, reason, prev_hash, hash"
                " FROM audit_log WHERE seq BETWEEN ? AND ? ORDER BY seq"))
            return makeError(QStringLiteral("export: reading audit_log: ") + q.error());
        q.bind(0, std::int64_t(minSeq));
        q.bind(1, std::int64_t(maxSeq));
        bool first = true;
        std::int64_t lastSeq = 0;
        std::string lastHash;
        auto seen = [&](SqlStatement& r) {
            if (first) {
                audit["first_seq"] = r.int64(0);
                audit["first_hash"] = std::string(r.text(9));
                audit["first_prev_hash"] = std::string(r.text(8));
                first = false;
            }
            lastSeq = r.int64(0);
            lastHash.assign(r.text(9));
        };
        auto n = streamTable(q, auditTable(), csv, jsonl, -1, tick, seen);
        if (!n)
            return makeError(n.error());
        if (!first) {
            audit["last_seq"] = lastSeq;
            audit["last_hash"] = lastHash;
        }
        audit["count"] = n.value();
    }

    // Lineage events.
    qint64 lineageCount = 0;
    {
        OutFile* csv = nullptr;
        OutFile* jsonl = nullptr;
        if (auto r = openTable("lineage", csv, jsonl); !r)
            return makeError(r.error());
        SqlStatement q;
        if (auto r = selectLineage(q); !r)
            return makeError(r.error());
        // replayable_until of the event's revision (docs/RETENTION.md), from columns 11-14 and the policy in force.
        auto days = store::retentionDays(db);
        if (!days)
            return makeError(days.error());
        const auto replayable = [&days](SqlStatement& row) -> std::optional<std::string> {
            if (row.isNull(4))
                return std::nullopt;
            const auto policy = days->find(std::string(row.text(2)));
            return store::replayableUntilOf(policy != days->end() ? std::optional<int>(policy->second) : std::nullopt,
                row.isNull(11) ? std::string() : std::string(row.text(11)), std::string(row.text(12)),
                row.isNull(13) ? 0 : row.int64(13),
                row.isNull(14) ? std::nullopt : std::optional<TimeMs>(row.int64(14)))
                .text();
        };
        auto n = streamTable(q, lineageTable(), csv, jsonl, 1, tick, {}, replayable);
        if (!n)
            return makeError(n.error());
        lineageCount = n.value();
    }
    // OpenLineage RunEvents of the same lineage events.
    const std::string workspaceName = QFileInfo(db.databaseName()).completeBaseName().toStdString();
    json openLineage = nullptr;
    if (o.openLineage) {
        auto f = openFile("openlineage", "jsonl");
        if (!f)
            return makeError(f.error());
        SqlStatement q;
        if (auto r = selectLineage(q); !r)
            return makeError(r.error());
        auto opt = [&q](int i) { return q.isNull(i) ? std::optional<std::string>() : std::string(q.text(i)); };
        qint64 n = 0;
        while (q.next()) {
            const json e = openLineageEvent(workspaceName, q.int64(0), q.int64(1), std::string(q.text(2)),
                std::string(q.text(3)), q.isNull(4) ? std::nullopt : std::optional<std::int64_t>(q.int64(4)),
                std::string(q.text(5)), opt(6), opt(7), opt(8), std::string(q.text(9)));
            f.value()->buffer() += e.dump(-1, ' ', false, json::error_handler_t::replace);
            f.value()->buffer() += '\n';
            if (auto r = f.value()->endRow(); !r)
                return makeError(r.error());
            ++n;
        }
        if (q.failed())
            return makeError(QStringLiteral("export: reading lineage_event: ") + q.error());
        openLineage = { { "count", n }, { "spec", "https://openlineage.io/spec/2-0-2/OpenLineage.json" },
            { "job_namespace", "mdsync://" + workspaceName } };
    }
    if (o.progress)
        o.progress(done, total);

    json fileList = json::array();
    for (auto& f : files) {
        if (auto r = f->close(); !r)
            return makeError(r.error());
        fileList.push_back(f->describe());
    }
    for (const auto& extra : o.extraFiles) {
        if (extra.name.isEmpty() || extra.name.contains(QLatin1Char('/')) || extra.name.startsWith(QLatin1Char('.'))
            || extra.name == QStringLiteral("manifest.json") || !extra.write)
            return makeError(QStringLiteral("export: invalid extra file name '%1'").arg(extra.name));
        const QString path = dir.filePath(extra.name);
        if (QFileInfo::exists(path))
            return makeError(QStringLiteral("export: %1 exists already").arg(path));
        cleanup.names << extra.name;
        if (auto r = extra.write(db, path); !r)
            return makeError(r.error());
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("export: %1 was not written: %2").arg(path, file.errorString()));
        fileList.push_back(json { { "name", extra.name.toStdString() }, { "kind", extra.kind },
            { "bytes", file.size() }, { "sha256", fileSha256(file) } });
    }

    json objects = json::array();
    for (const auto& [domain, key] : o.objects)
        objects.push_back(json { { "domain", domain }, { "key", key } });

    audit["contiguous"] = true;
    std::string instanceId;
    QString identities;
    QString demo;
    {
        QSqlQuery iq(db);
        if (iq.exec(QStringLiteral("SELECT key, value FROM meta WHERE key IN ('instance_id', 'identities', 'demo')")))
            while (iq.next()) {
                const QString key = iq.value(0).toString();
                if (key == QLatin1String("instance_id"))
                    instanceId = iq.value(1).toString().toStdString();
                else if (key == QLatin1String("identities"))
                    identities = iq.value(1).toString();
                else
                    demo = iq.value(1).toString();
            }
    }
    const IdentityMode identityMode = identityModeFromMeta(identities, demo);
    json manifest = {
        { "format", kFormat },
        { "version", kVersion },
        { "created_at", formatRfc3339(nowMs()) },
        { "workspace", QFileInfo(db.databaseName()).fileName().toStdString() },
        { "instance_id", instanceId },
        { "identities",
            { { "mode", std::string(toString(identityMode)) }, { "meaning", std::string(describe(identityMode)) } } },
        { "range",
            { { "from", o.from ? json(fromText) : json(nullptr) }, { "to", o.to ? json(toText) : json(nullptr) },
                { "semantics", "from inclusive, to exclusive; null = unbounded" } } },
        { "objects", objects },
        { "filters",
            { { "audit",
                  "time only: the contiguous seq range from the first entry at or after 'from' to the last entry "
                  "before 'to', so that the hash chain can be verified; the objects filter does not apply" },
                { "lineage", "time and objects" } } },
        { "audit", audit },
        { "lineage", { { "count", lineageCount } } },
        { "openlineage", openLineage },
        { "chain_head_at_export", head },
        { "csv", "RFC 4180, CRLF line ends, header row; NULL = empty unquoted field, empty string = \"\"" },
        { "files", fileList },
    };

    const QString manifestPath = dir.filePath(QStringLiteral("manifest.json"));
    QFile mf(manifestPath);
    if (!mf.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return makeError(QStringLiteral("cannot create %1: %2").arg(manifestPath, mf.errorString()));
    cleanup.names << QStringLiteral("manifest.json");
    const std::string text = manifest.dump(2) + "\n";
    if (mf.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) || !mf.flush())
        return makeError(QStringLiteral("cannot write %1: %2").arg(manifestPath, mf.errorString()));
    mf.close();
    return manifest;
}

// ---- reading -------------------------------------------------------------------------------------------------

// The whole file, mapped into memory (or read at once where mapping is not possible, e.g. an empty file); the
// readers below scan it with pointers instead of going through QIODevice per byte or per line.
class FileBytes
{
public:
    explicit FileBytes(const QString& path)
        : m_file(path)
    { }
    bool open()
    {
        if (!m_file.open(QIODevice::ReadOnly))
            return false;
        const qint64 size = m_file.size();
        if (size > 0) {
            if (uchar* p = m_file.map(0, size)) {
                m_begin = reinterpret_cast<const char*>(p);
                m_end = m_begin + size;
                return true;
            }
        }
        m_copy = m_file.readAll();
        m_begin = m_copy.constData();
        m_end = m_begin + m_copy.size();
        return true;
    }
    QString errorString() const { return m_file.errorString(); }
    qint64 size() const { return m_file.size(); }
    const char* begin() const { return m_begin; }
    const char* end() const { return m_end; }

private:
    QFile m_file;
    QByteArray m_copy;
    const char* m_begin = nullptr;
    const char* m_end = nullptr;
};

// A field of a row as it stands in the file: a view of the text between the quotes (or of the unquoted CSV field,
// the JSON number), still escaped where `kind` says so. Readers hand these over instead of copies; a field is
// unescaped only when something needs its value (fieldText) or it has to be compared the long way (sameValue).
// Fields of a JSONL line that went through the JSON parser point into strings the chunk owns.
struct Field
{
    enum class Kind : std::uint8_t {
        Null, // SQL NULL: an empty unquoted CSV field, JSON null
        Plain, // the bytes are the value
        CsvEscaped, // quoted CSV content with "" for each quote
        JsonQuoteEscaped, // a JSON string's content whose only escapes are \"
        JsonEscaped, // a JSON string's content with other short escapes (\\ \/ \b \f \n \r \t), maybe \" too
    };
    const char* data = nullptr;
    size_t size = 0;
    Kind kind = Kind::Null;

    std::string_view view() const { return { data, size }; }
};
using Fields = std::span<const Field>;

// The value of a field: the view itself when nothing is escaped, else unescaped into `scratch`.
std::optional<std::string_view> fieldText(const Field& f, std::string& scratch)
{
    switch (f.kind) {
    case Field::Kind::Null:
        return std::nullopt;
    case Field::Kind::Plain:
        return f.view();
    case Field::Kind::CsvEscaped: {
        scratch.clear();
        const char* p = f.data;
        const char* const e = f.data + f.size;
        while (const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(e - p)))) {
            scratch.append(p, q + 1); // keeps one quote of the pair
            p = q + 2;
        }
        scratch.append(p, e);
        return std::string_view(scratch);
    }
    case Field::Kind::JsonQuoteEscaped:
    case Field::Kind::JsonEscaped: {
        scratch.clear();
        const char* p = f.data;
        const char* const e = f.data + f.size;
        while (const char* q = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(e - p)))) {
            scratch.append(p, q);
            switch (q[1]) { // the reader let only these through
            case 'b':
                scratch += '\b';
                break;
            case 'f':
                scratch += '\f';
                break;
            case 'n':
                scratch += '\n';
                break;
            case 'r':
                scratch += '\r';
                break;
            case 't':
                scratch += '\t';
                break;
            default: // " \ /
                scratch += q[1];
            }
            p = q + 2;
        }
        scratch.append(p, e);
        return std::string_view(scratch);
    }
    }
    return std::nullopt;
}

#if defined(__SSE2__)
__m128i load16(const char* p)
{
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
const char* firstOf(const char* p, __m128i stop)
{
    return p + std::countr_zero(static_cast<unsigned>(_mm_movemask_epi8(stop)));
}
#endif

// Scanners: the first byte in [p, e) that ends a run of plain bytes (e if none): one of `Stops`, or with
// `NonAscii` a control character or a byte >= 0x80; 16 bytes at a time where SSE2 is available.
template<bool NonAscii, char... Stops> const char* scanTo(const char* p, const char* const e)
{
#if defined(__SSE2__)
    for (; e - p >= 16; p += 16) {
        const __m128i v = load16(p);
        // signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches them
        __m128i stop = NonAscii ? _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)) : _mm_setzero_si128();
        ((stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, _mm_set1_epi8(Stops)))), ...);
        if (_mm_movemask_epi8(stop))
            return firstOf(p, stop);
    }
#endif
    const auto stops = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return ((c == Stops) || ...) || (NonAscii && (u < 0x20 || u >= 0x80));
    };
    while (p != e && !stops(*p))
        ++p;
    return p;
}

// Inside a JSON string: '"', '\\', a control character or a non-ASCII byte.
const char* jsonStringStop(const char* p, const char* const e)
{
    return scanTo<true, '"', '\\'>(p, e);
}

// An unquoted CSV field: ',', CR, LF or '"'.
const char* csvFieldStop(const char* p, const char* const e)
{
    return scanTo<false, ',', '\r', '\n', '"'>(p, e);
}

// A quoted CSV field: '"' or LF (counted for the line numbers).
const char* csvQuotedStop(const char* p, const char* const e)
{
    return scanTo<false, '"', '\n'>(p, e);
}

// `json` (JSON string content whose only escapes are \") and `csv` (quoted CSV content, "" for a quote), both `n`
// bytes. Replacing each backslash of `json` by a quote gives the value with every quote doubled, which is exactly
// what the CSV holds for the same value (and the CSV's content is nothing else), so the two values are equal
// exactly when these bytes are.
bool sameQuoteEscaped(const char* json, const char* csv, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i quote = _mm_set1_epi8('"');
    for (; i + 16 <= n; i += 16) {
        const __m128i j = load16(json + i);
        const __m128i isBackslash = _mm_cmpeq_epi8(j, backslash);
        const __m128i asCsv = _mm_or_si128(_mm_andnot_si128(isBackslash, j), _mm_and_si128(isBackslash, quote));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(asCsv, load16(csv + i))) != 0xFFFF)
            return false;
    }
#endif
    for (; i < n; ++i)
        if ((json[i] == '\\' ? '"' : json[i]) != csv[i])
            return false;
    return true;
}

// Whether two fields (of the CSV and the JSONL) hold the same value: NULL only equals NULL, texts compare unescaped.
bool sameValue(const Field& a, const Field& b, std::string& scratchA, std::string& scratchB)
{
    using K = Field::Kind;
    if (a.kind == K::Null || b.kind == K::Null)
        return a.kind == b.kind;
    if (a.kind == K::Plain && b.kind == K::Plain)
        return a.size == b.size && std::memcmp(a.data, b.data, a.size) == 0;
    if (a.kind == K::JsonQuoteEscaped && b.kind == K::CsvEscaped)
        return a.size == b.size && sameQuoteEscaped(a.data, b.data, a.size);
    if (a.kind == K::CsvEscaped && b.kind == K::JsonQuoteEscaped)
        return a.size == b.size && sameQuoteEscaped(b.data, a.data, a.size);
    return fieldText(a, scratchA) == fieldText(b, scratchB);
}

// RFC 4180 reader over the whole file. An empty unquoted field reads as NULL, "" as an empty string.
class CsvReader
{
public:
    // `mapped`: the file, opened already (shared with the SHA-256 of the manifest check); else open() opens `path`.
    CsvReader(const QString& path, std::shared_ptr<FileBytes> mapped)
        : m_isOpen(mapped != nullptr)
        , m_bytes(mapped ? std::move(mapped) : std::make_shared<FileBytes>(path))
    { }
    bool open()
    {
        if (!m_isOpen && !m_bytes->open())
            return false;
        m_isOpen = true;
        m_pos = m_bytes->begin();
        m_end = m_bytes->end();
        return true;
    }
    QString errorString() const { return m_bytes->errorString(); }
    int line() const { return m_line; } // line where the last record started
    bool canonical() const { return false; }

    // Appends the next record's fields to `out`. false at the end of the file or on a syntax error (then error() is
    // set and `out` is as it was).
    bool next(std::vector<Field>& out, std::deque<std::string>& /*owned*/)
    {
        if (m_pos == m_end)
            return false;
        m_line = m_physical;
        const size_t start = out.size();
        auto fail = [&](QString message) {
            m_error = std::move(message);
            m_pos = m_end;
            out.resize(start);
            return false;
        };
        const char* p = m_pos;
        const char* const end = m_end;
        for (;;) {
            if (p != end && *p == '"') {
                ++p;
                const char* const b = p;
                bool doubled = false;
                for (;;) {
                    const char* q = csvQuotedStop(p, end);
                    if (q == end)
                        return fail(QStringLiteral("line %1: unterminated quoted field").arg(m_line));
                    p = q + 1;
                    if (*q == '\n') {
                        ++m_physical;
                        continue;
                    }
                    if (p != end && *p == '"') { // "" inside a quoted field
                        doubled = true;
                        ++p;
                        continue;
                    }
                    out.push_back(
                        { b, static_cast<size_t>(q - b), doubled ? Field::Kind::CsvEscaped : Field::Kind::Plain });
                    break;
                }
                if (p != end && *p != ',' && *p != '\r' && *p != '\n')
                    return fail(QStringLiteral("line %1: unexpected character after a closing quote").arg(m_physical));
            } else {
                const char* const b = p;
                p = csvFieldStop(p, end);
                if (p != end && *p == '"')
                    return fail(QStringLiteral("line %1: quote inside an unquoted field").arg(m_physical));
                out.push_back(p == b ? Field {} : Field { b, static_cast<size_t>(p - b), Field::Kind::Plain });
            }
            if (p == end)
                break;
            const char c = *p++;
            if (c == ',')
                continue;
            if (c == '\r') {
                if (p == end || *p != '\n')
                    return fail(QStringLiteral("line %1: CR without LF").arg(m_physical));
                ++p;
            }
            ++m_physical; // '\n' or CRLF
            break;
        }
        m_pos = p;
        return true;
    }
    const QString& error() const { return m_error; }

private:
    bool m_isOpen;
    std::shared_ptr<FileBytes> m_bytes;
    const char* m_pos = nullptr;
    const char* m_end = nullptr;
    int m_physical = 1;
    int m_line = 1;
    QString m_error;
};

class JsonlReader
{
public:
    // `mapped` as for CsvReader.
    JsonlReader(const QString& path, std::shared_ptr<FileBytes> mapped, const Table& t)
        : m_isOpen(mapped != nullptr)
        , m_bytes(mapped ? std::move(mapped) : std::make_shared<FileBytes>(path))
        , m_table(t)
    {
        for (size_t i = 0; i < t.columns.size(); ++i)
            m_keys.push_back((i ? ",\"" : "{\"") + t.columns[i] + "\":");
    }
    bool open()
    {
        if (!m_isOpen && !m_bytes->open())
            return false;
        m_isOpen = true;
        m_pos = m_bytes->begin();
        m_end = m_bytes->end();
        return true;
    }
    QString errorString() const { return m_bytes->errorString(); }
    int line() const { return m_line; }

    // Appends the next line's fields to `out` (strings that had to be decoded by the JSON parser go to `owned`).
    // false at the end of the file or on an error (then error() is set and `out` is as it was).
    bool next(std::vector<Field>& out, std::deque<std::string>& owned)
    {
        if (m_pos == m_end)
            return false;
        ++m_line;
        const char* b = m_pos;
        const char* nl = static_cast<const char*>(std::memchr(b, '\n', static_cast<size_t>(m_end - b)));
        const char* e = nl ? nl : m_end;
        m_pos = nl ? nl + 1 : m_end;
        m_lastCanonical = false;
        const size_t start = out.size();
        if (parseFast(b, e, out)) {
            m_lastCanonical = m_canonical;
            return true;
        }
        out.resize(start);
        if (parseJson(b, e, out, owned))
            return true;
        out.resize(start);
        return false;
    }
    const QString& error() const { return m_error; }
    // Whether every field of the last row is exactly what appendJsonString writes for its value (and
    // the fields are views into the file): the text of a field as it stands in the file (a string with its
    // quotes, a number, null) can then be hashed as it is (literalOf), without encoding the value again. false
    // when the row went through the JSON parser, or a string used an escape the encoder does not write ("\/").
    bool canonical() const { return m_lastCanonical; }

private:
    // The lines the exporter writes: the object's keys in column order, no white space, integers without sign
    // or leading zero, ASCII strings with short escapes. Anything else (valid or not) returns false and goes
    // through the JSON parser, which decides; for what this accepts the parser gives the same fields.
    bool parseFast(const char* p, const char* const e, std::vector<Field>& out)
    {
        const size_t columns = m_table.columns.size();
        m_canonical = true;
        for (size_t i = 0; i < columns; ++i) {
            const std::string& key = m_keys[i];
            if (static_cast<size_t>(e - p) < key.size() || std::memcmp(p, key.data(), key.size()) != 0)
                return false;
            p += key.size();
            if (p == e)
                return false;
            if (*p == 'n') {
                if (e - p < 4 || std::memcmp(p, "null", 4) != 0)
                    return false;
                p += 4;
                out.emplace_back();
            } else if (m_table.integer[i]) {
                const char* d = p;
                while (p != e && *p >= '0' && *p <= '9')
                    ++p;
                if (p == d || p - d > 18 || (*d == '0' && p - d > 1))
                    return false;
                out.push_back({ d, static_cast<size_t>(p - d), Field::Kind::Plain });
            } else {
                if (*p != '"')
                    return false;
                ++p;
                const char* const b = p;
                Field::Kind kind = Field::Kind::Plain;
                for (;;) {
                    p = jsonStringStop(p, e);
                    if (p == e)
                        return false;
                    if (*p == '"')
                        break;
                    if (*p != '\\' || e - p < 2)
                        return false; // control character or non-ASCII: the parser checks it
                    switch (p[1]) {
                    case '"':
                        if (kind == Field::Kind::Plain)
                            kind = Field::Kind::JsonQuoteEscaped;
                        break;
                    case '/':
                        m_canonical = false; // the encoder writes a plain '/'
                        kind = Field::Kind::JsonEscaped;
                        break;
                    case '\\':
                    case 'b':
                    case 'f':
                    case 'n':
                    case 'r':
                    case 't':
                        kind = Field::Kind::JsonEscaped;
                        break;
                    default:
                        return false;
                    }
                    p += 2;
                }
                out.push_back({ b, static_cast<size_t>(p - b), kind });
                ++p;
            }
        }
        return e - p == 1 && *p == '}';
    }

    bool parseJson(const char* b, const char* e, std::vector<Field>& out, std::deque<std::string>& owned)
    {
        const json j = json::parse(b, e, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            m_error = QStringLiteral("line %1: not a JSON object").arg(m_line);
            return false;
        }
        for (size_t i = 0; i < m_table.columns.size(); ++i) {
            const auto it = j.find(m_table.columns[i]);
            if (it == j.end()) {
                m_error = QStringLiteral("line %1: field '%2' is missing").arg(m_line).arg(qs(m_table.columns[i]));
                return false;
            }
            if (it->is_null()) {
                out.emplace_back();
                continue;
            }
            if (m_table.integer[i] && it->is_number_integer())
                owned.push_back(std::to_string(it->get<std::int64_t>()));
            else if (!m_table.integer[i] && it->is_string())
                owned.push_back(it->get<std::string>());
            else {
                m_error
                    = QStringLiteral("line %1: field '%2' has the wrong type").arg(m_line).arg(qs(m_table.columns[i]));
                return false;
            }
            out.push_back({ owned.back().data(), owned.back().size(), Field::Kind::Plain });
        }
        return true;
    }

    bool m_isOpen;
    std::shared_ptr<FileBytes> m_bytes;
    const Table& m_table;
    std::vector<std::string> m_keys; // '{"name":' / ',"name":' per column, as the exporter writes them
    bool m_canonical = false; // parseFast saw no escape the encoder would not write
    bool m_lastCanonical = false;
    const char* m_pos = nullptr;
    const char* m_end = nullptr;
    int m_line = 0;
    QString m_error;
};

// The JSON text of a field of a canonical JSONL row as it stands in the file (JsonlReader::canonical()).
std::string_view literalOf(const Field& f, bool integer)
{
    if (f.kind == Field::Kind::Null)
        return "null";
    if (integer)
        return f.view();
    return { f.data - 1, f.size + 2 }; // with its quotes
}

// One row handed over by a PrefetchedReader: its fields (valid until the next row is asked for) and where it was.
struct RowRef
{
    Fields fields;
    int line = 0;
    bool canonical = false; // JsonlReader::canonical()
};

// Reads a table file on a worker thread, a chunk of rows at a time, and hands the rows to the reading thread in
// order through a bounded queue (kChunks chunks of kChunkRows rows). A chunk holds the rows' fields as views into
// the reader's mapped file (which outlives the chunks), so no field is copied; the vectors keep their capacity from
// one use of the chunk to the next. To the caller it behaves like the reader itself: next() gives the rows in order,
// then false, with error() set when the reader stopped on a syntax error. verify-export reads the CSV and the JSON
// Lines each through one while this thread compares and hashes (issue 16: verify-export was bound by one core).
template<typename Reader> class PrefetchedReader
{
public:
    explicit PrefetchedReader(std::unique_ptr<Reader> reader)
        : m_reader(std::move(reader))
    {
        for (Chunk& c : m_chunks)
            m_free.push_back(&c);
        m_worker = std::jthread([this] { produce(); });
    }
    ~PrefetchedReader()
    {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        // m_worker joins here, before the chunks go away
        m_worker.join();
    }
    PrefetchedReader(const PrefetchedReader&) = delete;
    PrefetchedReader& operator=(const PrefetchedReader&) = delete;

    bool next(RowRef& row)
    {
        if (m_current && m_index + 1 < m_current->count) {
            row = m_current->row(++m_index);
            return true;
        }
        std::unique_lock lock(m_mutex);
        if (m_current) {
            m_free.push_back(m_current);
            m_current = nullptr;
            m_changed.notify_all();
        }
        m_changed.wait(lock, [this] { return !m_ready.empty() || m_done; });
        if (m_ready.empty())
            return false; // m_done: the reader's error (if any) is final
        m_current = m_ready.front();
        m_ready.pop_front();
        m_index = 0;
        row = m_current->row(0);
        return true;
    }
    int line() const { return m_current ? m_current->rows[m_index].line : 0; }
    // Valid once next() returned false.
    const QString& error() const { return m_error; }

private:
    static constexpr size_t kChunkRows = 2048;
    static constexpr size_t kChunks = 4;
    struct RowInfo
    {
        size_t first = 0; // index into Chunk::fields
        size_t count = 0;
        int line = 0;
        bool canonical = false;
    };
    struct Chunk
    {
        std::vector<Field> fields; // of all rows, one after the other
        std::vector<RowInfo> rows = std::vector<RowInfo>(kChunkRows);
        std::deque<std::string> owned; // texts decoded by the JSON parser, which fields point into
        size_t count = 0;
        RowRef row(size_t i) const
        {
            const RowInfo& r = rows[i];
            return { Fields(fields.data() + r.first, r.count), r.line, r.canonical };
        }
    };

    void produce()
    {
        for (;;) {
            Chunk* c = nullptr;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return !m_free.empty() || m_stop; });
                if (m_stop)
                    return;
                c = m_free.front();
                m_free.pop_front();
            }
            c->count = 0;
            c->fields.clear();
            c->owned.clear();
            bool more = true;
            while (c->count < kChunkRows) {
                const size_t first = c->fields.size();
                if (!(more = m_reader->next(c->fields, c->owned)))
                    break;
                c->rows[c->count] = { first, c->fields.size() - first, m_reader->line(), m_reader->canonical() };
                ++c->count;
            }
            {
                const std::lock_guard lock(m_mutex);
                if (c->count)
                    m_ready.push_back(c);
                else
                    m_free.push_back(c);
                if (!more) {
                    m_error = m_reader->error();
                    m_done = true;
                }
            }
            m_changed.notify_all();
            if (!more)
                return;
        }
    }

    std::unique_ptr<Reader> m_reader;
    std::array<Chunk, kChunks> m_chunks;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Chunk*> m_free; // guarded by m_mutex
    std::deque<Chunk*> m_ready; // guarded by m_mutex, in file order
    bool m_done = false; // guarded by m_mutex; m_error is written before it is set and read after
    bool m_stop = false; // guarded by m_mutex
    QString m_error;
    Chunk* m_current = nullptr; // reading thread only
    size_t m_index = 0;
    std::jthread m_worker; // last: started after everything it uses
};

struct Problems
{
    json list = json::array();
    qint64 total = 0;
    void add(const QString& text)
    {
        ++total;
        if (list.size() < kMaxProblems)
            list.push_back(text.toStdString());
    }
    // Problems found beside the others (on another thread), put back at the position they belong to.
    void insert(size_t at, const std::vector<QString>& texts)
    {
        total += static_cast<qint64>(texts.size());
        for (size_t i = 0; i < texts.size() && at + i < kMaxProblems; ++i)
            list.insert(list.begin() + static_cast<std::ptrdiff_t>(at + i), texts[i].toStdString());
        while (list.size() > kMaxProblems)
            list.erase(list.end() - 1);
    }
};

std::optional<qint64> toInt(std::optional<std::string_view> s)
{
    if (!s)
        return std::nullopt;
    qint64 fast = 0;
    if (!s->empty() && s->size() <= 18) { // plain digits, as the exporter writes them: no QString on the way
        const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), fast);
        if (ec == std::errc() && end == s->data() + s->size() && (*s)[0] != '-')
            return fast;
    }
    bool ok = false;
    const qint64 v = qs(*s).toLongLong(&ok);
    return ok ? std::optional<qint64>(v) : std::nullopt;
}

// Where a row was read: "<file> line <n>".
struct RowPlace
{
    const QString& file;
    int line;
    QString text() const { return file + QStringLiteral(" line %1").arg(line); }
};

// Reads <base>.jsonl and/or <base>.csv in lockstep, compares them row by row and hands every row (from jsonl
// when present, else csv) to `onRow` with its location and whether it is canonical (JsonlReader::canonical()).
// Returns the number of rows of the primary file.
// `mapped`: the files opened for the manifest check, by name.
qint64 readTable(const QDir& dir, const std::map<QString, std::shared_ptr<FileBytes>>& mapped, const Table& t,
    bool haveCsv, bool haveJsonl, Problems& p,
    const std::function<void(Fields, const RowPlace& where, bool canonical)>& onRow)
{
    const QString csvName = QLatin1String(t.base) + QStringLiteral(".csv");
    const QString jsonlName = QLatin1String(t.base) + QStringLiteral(".jsonl");
    std::unique_ptr<PrefetchedReader<CsvReader>> csv; // parsed on a worker thread, beside the JSON Lines
    std::unique_ptr<PrefetchedReader<JsonlReader>> jsonl;
    std::string scratchA;
    std::string scratchB;
    auto mappedFile = [&mapped](const QString& name) {
        const auto it = mapped.find(name);
        return it != mapped.end() ? it->second : nullptr;
    };
    if (haveCsv) {
        auto reader = std::make_unique<CsvReader>(dir.filePath(csvName), mappedFile(csvName));
        if (!reader->open()) {
            p.add(csvName + QStringLiteral(": cannot open: ") + reader->errorString());
        } else {
            std::vector<Field> header;
            std::deque<std::string> unused;
            bool same = reader->next(header, unused) && header.size() == t.columns.size();
            for (size_t i = 0; same && i < header.size(); ++i)
                same = fieldText(header[i], scratchA) == std::optional<std::string_view>(t.columns[i]);
            if (!same)
                p.add(csvName + QStringLiteral(" line 1: header is not the expected column list"));
            else
                csv = std::make_unique<PrefetchedReader<CsvReader>>(std::move(reader));
        }
    }
    if (haveJsonl) {
        auto reader = std::make_unique<JsonlReader>(dir.filePath(jsonlName), mappedFile(jsonlName), t);
        if (!reader->open())
            p.add(jsonlName + QStringLiteral(": cannot open: ") + reader->errorString());
        else
            jsonl = std::make_unique<PrefetchedReader<JsonlReader>>(std::move(reader));
    }
    qint64 rows = 0;
    RowRef a; // read only when gotJ
    RowRef b;
    for (;;) {
        const bool gotJ = jsonl && jsonl->next(a);
        if (!gotJ)
            a = {};
        if (jsonl && !gotJ && !jsonl->error().isEmpty()) {
            p.add(jsonlName + QLatin1Char(' ') + jsonl->error() + QStringLiteral("; stopped reading it"));
            jsonl.reset();
        }
        const bool gotC = csv && csv->next(b);
        if (csv && !gotC && !csv->error().isEmpty()) {
            p.add(csvName + QLatin1Char(' ') + csv->error() + QStringLiteral("; stopped reading it"));
            csv.reset();
        }
        if (gotJ && gotC) {
            if (a.fields.size() != b.fields.size() || b.fields.size() != t.columns.size()) {
                p.add(csvName
                    + QStringLiteral(" line %1: %2 fields instead of %3")
                          .arg(csv->line())
                          .arg(b.fields.size())
                          .arg(t.columns.size()));
            } else {
                for (size_t i = 0; i < a.fields.size(); ++i)
                    if (!sameValue(a.fields[i], b.fields[i], scratchA, scratchB))
                        p.add(csvName
                            + QStringLiteral(" line %1: field '%2' (%3 %4) differs from %5 line %6")
                                  .arg(csv->line())
                                  .arg(qs(t.columns[i]), qs(t.columns[0]),
                                      qs(fieldText(a.fields[0], scratchA).value_or("?")), jsonlName)
                                  .arg(jsonl->line()));
            }
        } else if (gotJ && csv) {
            p.add(jsonlName
                + QStringLiteral(" line %1: no matching row in %2 (the CSV has fewer rows)")
                      .arg(jsonl->line())
                      .arg(csvName));
        } else if (gotC && jsonl) {
            p.add(csvName
                + QStringLiteral(" line %1: no matching row in %2 (the JSONL has fewer rows)")
                      .arg(csv->line())
                      .arg(jsonlName));
        }
        if (gotJ) {
            ++rows;
            onRow(a.fields, RowPlace { jsonlName, jsonl->line() }, a.canonical);
        } else if (gotC && !jsonl && !haveJsonl) {
            if (b.fields.size() != t.columns.size()) {
                p.add(csvName
                    + QStringLiteral(" line %1: %2 fields instead of %3")
                          .arg(csv->line())
                          .arg(b.fields.size())
                          .arg(t.columns.size()));
            } else {
                ++rows;
                onRow(b.fields, RowPlace { csvName, csv->line() }, false);
            }
        }
        if (!gotJ && !gotC)
            break;
    }
    return rows;
}

} // namespace

Result<json> exportAudit(QSqlDatabase db, const ExportOptions& options)
{
    if (!options.csv && !options.jsonl)
        return makeError(QStringLiteral("export: neither CSV nor JSON Lines output selected"));
    if (options.from && options.to && options.from.value_or(0) >= options.to.value_or(0))
        return makeError(
            QStringLiteral("export: empty time range (from %1 is not before to %2)")
                .arg(qs(formatRfc3339(options.from.value_or(0))), qs(formatRfc3339(options.to.value_or(0)))));
    if (options.directory.isEmpty())
        return makeError(QStringLiteral("export: no target directory given"));
    const QFileInfo info(options.directory);
    if (info.exists() && !info.isDir())
        return makeError(QStringLiteral("export: target '%1' exists and is not a directory").arg(options.directory));
    QDir dir(options.directory);
    if (info.exists()) {
        const auto entries = dir.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        if (!entries.isEmpty())
            return makeError(
                QStringLiteral("export: target directory '%1' is not empty (contains %2%3); "
                               "choose a new or empty directory")
                    .arg(options.directory, entries.first(),
                        entries.size() > 1 ? QStringLiteral(" and %1 more").arg(entries.size() - 1) : QString()));
    } else if (!QDir().mkpath(options.directory)) {
        return makeError(QStringLiteral("export: cannot create directory '%1'").arg(options.directory));
    }

    // One read transaction gives a consistent snapshot; if the caller already has one open, use that.
    const bool ownTransaction = db.transaction();
    Cleanup cleanup { dir, {} };
    Result<json> r = makeError(QString());
    try {
        r = doExport(db, options, dir, cleanup);
    } catch (const std::exception& e) {
        r = makeError(QStringLiteral("export: unexpected data: %1").arg(QString::fromUtf8(e.what())));
    }
    if (ownTransaction)
        db.rollback();
    if (r)
        cleanup.armed = false;
    return r;
}

Result<json> verifyExport(const QString& directory)
{
    const QDir dir(directory);
    if (!QFileInfo(directory).isDir())
        return makeError(QStringLiteral("verify: '%1' is not a directory").arg(directory));

    Problems p;
    json checked = json::object();
    auto result = [&](bool manifestOk) {
        return json { { "ok", manifestOk && p.total == 0 }, { "problems", p.list }, { "problem_count", p.total },
            { "checked", checked } };
    };

    QFile mf(dir.filePath(QStringLiteral("manifest.json")));
    if (!mf.open(QIODevice::ReadOnly)) {
        p.add(QStringLiteral("manifest.json: cannot open: ") + mf.errorString());
        return result(false);
    }
    const QByteArray mtext = mf.readAll();
    const json m = json::parse(mtext.constData(), mtext.constData() + mtext.size(), nullptr, false);
    if (m.is_discarded() || !m.is_object()) {
        p.add(QStringLiteral("manifest.json: not valid JSON"));
        return result(false);
    }
    if (m.value("format", std::string()) != kFormat || !m.contains("version") || m["version"] != kVersion) {
        p.add(QStringLiteral("manifest.json: not an %1 version %2 manifest").arg(QLatin1String(kFormat)).arg(kVersion));
        return result(false);
    }
    if (!m.contains("files") || !m["files"].is_array() || !m.contains("audit") || !m["audit"].is_object()) {
        p.add(QStringLiteral("manifest.json: 'files' or 'audit' is missing"));
        return result(false);
    }

    // Files: presence, size, SHA-256.
    // Each file is opened and mapped once, here; the readers of the tables use the same mapping.
    struct FileHash
    {
        QString name;
        std::string expected, actual;
        std::shared_ptr<FileBytes> bytes;
    };
    std::vector<FileHash> hashes;
    std::map<QString, std::shared_ptr<FileBytes>> mapped;
    std::map<std::string, qint64> rowsOf;
    qint64 filesChecked = 0;
    for (const auto& f : m["files"]) {
        const std::string name = f.is_object() ? f.value("name", std::string()) : std::string();
        const QString qname = qs(name);
        if (name.empty() || qname.contains(QLatin1Char('/')) || qname.contains(QLatin1Char('\\'))
            || qname.startsWith(QLatin1Char('.'))) {
            p.add(QStringLiteral("manifest.json: invalid file entry %1").arg(qs(f.dump())));
            continue;
        }
        rowsOf[name] = f.value("rows", qint64(-1));
        const QString path = dir.filePath(qname);
        if (!QFile::exists(path)) {
            p.add(qname + QStringLiteral(": missing (named in the manifest)"));
            continue;
        }
        auto file = std::make_shared<FileBytes>(path);
        if (!file->open()) {
            p.add(qname + QStringLiteral(": cannot open: ") + file->errorString());
            continue;
        }
        ++filesChecked;
        const qint64 bytes = f.value("bytes", qint64(-1));
        if (file->size() != bytes)
            p.add(qname + QStringLiteral(": size %1 bytes, the manifest records %2").arg(file->size()).arg(bytes));
        hashes.push_back({ qname, f.value("sha256", std::string()), {}, file });
        mapped[qname] = std::move(file);
    }
    checked["files"] = filesChecked;
    // The whole-file SHA-256s (a second pass over every byte, from the mapped files) run on two more threads, a file
    // at a time in manifest order, while this one parses the files; their problems are put back where they belong,
    // after the other file problems, once the parse is done.
    const size_t fileProblemsAt = p.list.size();
    std::atomic<size_t> nextHash = 0;
    auto hashFiles = [&hashes, &nextHash] {
        for (size_t i = 0; (i = nextHash.fetch_add(1)) < hashes.size();) {
            FileHash& h = hashes[i];
            FastSha256 sha;
            sha.addData(h.bytes->begin(), static_cast<size_t>(h.bytes->end() - h.bytes->begin()));
            std::array<char, 64> hex {};
            sha.resultHex(hex);
            h.actual.assign(hex.data(), hex.size());
        }
    };
    std::array<std::jthread, 2> hashing { std::jthread(hashFiles), std::jthread(hashFiles) };

    // Audit entries: chain, hashes, seq, counts, anchors.
    const json& am = m["audit"];
    auto manifestText = [&](const char* key) {
        return am.contains(key) && am[key].is_string() ? am[key].get<std::string>() : std::string();
    };
    const bool contiguous = am.value("contiguous", false);
    std::optional<std::string> prevHash;
    if (am.contains("first_prev_hash") && am["first_prev_hash"].is_string())
        prevHash = am["first_prev_hash"].get<std::string>();
    std::optional<qint64> expectSeq;
    std::string firstHash;
    std::string lastHash;
    std::optional<qint64> firstSeq;
    std::optional<qint64> lastSeq;
    qint64 hashesChecked = 0;
    AuditHasher hasher;
    const Table& auditColumns = auditTable();
    std::array<std::string, 10> texts; // unescaped field values (fieldText), reused from row to row
    const qint64 auditRows = readTable(dir, mapped, auditTable(), rowsOf.contains("audit.csv"),
        rowsOf.contains("audit.jsonl"), p, [&](Fields r, const RowPlace& where, bool canonical) {
            // The values this needs, unescaped only where the file has an escape.
            auto text = [&r, &texts](size_t i) { return fieldText(r[i], texts[i]); };
            auto present = [&r](size_t i) { return r[i].kind != Field::Kind::Null; };
            const auto seq = toInt(text(0));
            if (!seq || !present(1) || !present(2) || !present(3) || !present(4) || !present(8) || !present(9)) {
                p.add(where.text() + QStringLiteral(": seq, at, actor, action, subject, prev_hash or hash is missing"));
                return;
            }
            const qint64 eseq = seq.value_or(0);
            const std::string_view eHash = text(9).value_or(std::string_view());
            const std::string_view ePrev = text(8).value_or(std::string_view());
            // The location text is built only when there is something to report.
            auto at = [&where, eseq]() -> QString { return where.text() + QStringLiteral(" (seq %1)").arg(eseq); };
            if (!firstSeq) {
                firstSeq = eseq;
                firstHash = eHash;
            }
            lastSeq = eseq;
            lastHash = eHash;
            if (contiguous && expectSeq && eseq != expectSeq.value_or(0))
                p.add(at()
                    + QStringLiteral(": seq follows %1 (entries missing or reordered)").arg(expectSeq.value_or(0) - 1));
            expectSeq = eseq + 1;
            if (prevHash && ePrev != *prevHash)
                p.add(at() + QStringLiteral(": prev_hash does not link to the previous entry's hash (chain broken)"));
            if (prevHash)
                prevHash->assign(eHash);
            else
                prevHash.emplace(eHash);
            ++hashesChecked;
            try {
                std::string_view h;
                if (canonical) {
                    std::array<std::string_view, 8> literals;
                    for (size_t i = 0; i < literals.size(); ++i)
                        literals[i] = literalOf(r[i], auditColumns.integer[i]);
                    h = hasher.hashLiterals(literals, ePrev);
                } else {
                    h = hasher.hash(eseq, *text(1), *text(2), *text(3), *text(4), text(5), text(6), text(7), ePrev);
                }
                if (h != eHash)
                    p.add(at() + QStringLiteral(": content does not match its hash (entry modified)"));
            } catch (const std::exception&) {
                p.add(at() + QStringLiteral(": text is not valid UTF-8 (entry modified)"));
            }
        });
    checked["audit_entries"] = auditRows;
    checked["audit_hashes"] = hashesChecked;

    const qint64 auditCount = am.value("count", qint64(-1));
    if (auditRows != auditCount)
        p.add(QStringLiteral("audit: %1 entries read, the manifest records %2").arg(auditRows).arg(auditCount));
    for (const char* name : { "audit.csv", "audit.jsonl" }) {
        // rows per file are checked by the lockstep comparison; here against the manifest
        if (rowsOf.contains(name) && rowsOf[name] != auditCount)
            p.add(QStringLiteral("manifest.json: %1 rows %2 differ from audit count %3")
                      .arg(QLatin1String(name))
                      .arg(rowsOf[name])
                      .arg(auditCount));
    }
    if (firstHash != manifestText("first_hash") || lastHash != manifestText("last_hash"))
        p.add(QStringLiteral("audit: first/last hash (%1 / %2) do not match the manifest (%3 / %4)")
                  .arg(qs(firstHash), qs(lastHash), qs(manifestText("first_hash")), qs(manifestText("last_hash"))));
    // -1 = none (seq starts at 1); plain integers keep GCC 12's maybe-uninitialized false positives away.
    auto seqText = [](qint64 v) { return v < 0 ? QStringLiteral("none") : QString::number(v); };
    const qint64 mFirst
        = am.contains("first_seq") && am["first_seq"].is_number_integer() ? am["first_seq"].get<qint64>() : -1;
    const qint64 mLast
        = am.contains("last_seq") && am["last_seq"].is_number_integer() ? am["last_seq"].get<qint64>() : -1;
    const qint64 gotFirst = firstSeq.value_or(-1);
    const qint64 gotLast = lastSeq.value_or(-1);
    if (gotFirst != mFirst || gotLast != mLast)
        p.add(QStringLiteral("audit: first/last seq (%1 / %2) do not match the manifest (%3 / %4)")
                  .arg(seqText(gotFirst), seqText(gotLast), seqText(mFirst), seqText(mLast)));

    // Lineage: CSV/JSONL agreement and counts.
    const qint64 lineageRows = readTable(dir, mapped, lineageTable(), rowsOf.contains("lineage.csv"),
        rowsOf.contains("lineage.jsonl"), p, [](Fields, const RowPlace&, bool) {});
    checked["lineage_events"] = lineageRows;
    const qint64 lineageCount
        = m.contains("lineage") && m["lineage"].is_object() ? m["lineage"].value("count", qint64(-1)) : -1;
    if (lineageRows != lineageCount)
        p.add(QStringLiteral("lineage: %1 events read, the manifest records %2").arg(lineageRows).arg(lineageCount));

    // OpenLineage: one well-formed RunEvent per line, as many as lineage events.
    if (rowsOf.contains("openlineage.jsonl") || (m.contains("openlineage") && !m["openlineage"].is_null())) {
        const qint64 olCount = m.contains("openlineage") && m["openlineage"].is_object()
            ? m["openlineage"].value("count", qint64(-1))
            : -1;
        QFile f(dir.filePath(QStringLiteral("openlineage.jsonl")));
        qint64 lines = 0;
        if (!rowsOf.contains("openlineage.jsonl")) {
            p.add(QStringLiteral("manifest.json: records OpenLineage events but does not list openlineage.jsonl"));
        } else if (f.open(QIODevice::ReadOnly)) {
            static const std::set<std::string> types { "START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER" };
            while (!f.atEnd()) {
                ++lines;
                const QByteArray line = f.readLine();
                const json e = json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
                const bool ok = e.is_object() && e.contains("eventType") && e["eventType"].is_string()
                    && types.contains(e["eventType"].get<std::string>()) && e.contains("eventTime")
                    && e["eventTime"].is_string() && e.contains("run") && e["run"].is_object()
                    && e["run"].contains("runId") && e["run"]["runId"].is_string()
                    && !QUuid::fromString(qs(e["run"]["runId"].get<std::string>())).isNull() && e.contains("job")
                    && e["job"].is_object() && e["job"].contains("namespace") && e["job"].contains("name")
                    && e.contains("producer") && e.contains("schemaURL");
                if (!ok)
                    p.add(QStringLiteral("openlineage.jsonl line %1: not an OpenLineage RunEvent").arg(lines));
            }
            if (lines != olCount || lines != lineageRows)
                p.add(QStringLiteral("openlineage: %1 events read, the manifest records %2 and the lineage %3")
                          .arg(lines)
                          .arg(olCount)
                          .arg(lineageRows));
        }
        checked["openlineage_events"] = lines;
    }

    for (std::jthread& t : hashing)
        t.join();
    std::vector<QString> hashProblems;
    for (const FileHash& h : hashes) {
        if (h.actual != h.expected)
            hashProblems.push_back(h.name
                + QStringLiteral(": SHA-256 %1 does not match the manifest's %2").arg(qs(h.actual), qs(h.expected)));
    }
    p.insert(fileProblemsAt, hashProblems);
    return result(true);
}

Result<nlohmann::json> exportAuditAs(const QSqlDatabase& db, const std::string& actor, const ExportOptions& options)
{
    if (auto r = requirePermission(db, actor, Action::ExportAudit); !r)
        return makeError(r.error());
    return exportAudit(db, options);
}

} // namespace mdsync
