// bench_ingest: throughput of IngestPipeline::ingest() against the raw outbox shape, measured in the same run.
//
// Pipeline side: N item create events (PLM, plants ["P100"], released) in a JSON Lines file, ingested end to end
// into a fresh workspace (parse, validate, ownership, idempotency, duplicate check, enrichment, revision, 5-row
// outbox, per-(object,target) state, counters, lineage, audit; one savepoint per event, batched commits,
// synchronous=FULL).
// Baseline side: a fresh workspace with the same schema and pragmas; per event one revision row (the same state
// and changed texts the pipeline stored) and 5 delivery rows, one prepared INSERT per row, committed every
// IngestOptions::batchSize events. No JSON, no hashing, no savepoints: the floor for the rows the outbox needs.
// Minimal outbox side (the goal: pipeline >= 50 % of it): tables of their own with the smallest shape a
// durable outbox needs (revision: key, number, JSON state; delivery: target, status, due, attempts, idempotency
// key; a due index and a per-target queue index), same rows, same transaction size, same connection settings.
//
// Usage: bench_ingest [--events N] [--repeat R] [--json] [--profile-only-pipeline] [--backend sqlite|postgres]
// --backend postgres: both sides on PostgreSQL (a fresh database per run, created and dropped through the superuser
// `postgres` of the libpq environment: run it inside `tests/pg/throwaway-pg.sh run -- ...`, a durable cluster);
// the baseline's INSERTs are then plain libpq prepared statements (PQprepare/PQexecPrepared) on the connection.
// Runs alternate (P B, B P, P B, ...) to spread machine noise; medians are reported. Exits 1 when a sanity
// check fails (row counts, exceptions), 2 on a usage or setup error.

#include "benchlocation.h"

#include "audit/auditlog.h"
#include "config/configstore.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/sqlstatement.h"
#include "store/walcheckpointer.h"
#include "store/workspace.h"
#include "sync/ingestpipeline.h"
#include "util/timeutil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QVariant>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

using namespace mdsync;

namespace {

constexpr int kExpectedDeliveriesPerEvent = 5; // ERP, MES-P100, WMS-P100, QMS, ANALYTICS
const std::set<std::string> kExpectedTargets = { "ANALYTICS", "ERP", "MES-P100", "QMS", "WMS-P100" };

[[noreturn]] void die(int code, const std::string& message)
{
    std::cerr << "bench_ingest: " << message << '\n';
    std::exit(code);
}

// CPU time of this thread (SQLite does its I/O on the calling thread): wall - cpu = waiting for fsync/disk or
// for a core on a shared machine.
double threadCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Timing
{
    double seconds = 0, cpuSeconds = 0;
};

// Wall and thread CPU time since construction.
class Stopwatch
{
public:
    Stopwatch()
        : m_cpu0(threadCpuSeconds())
    {
        m_wall.start();
    }
    Timing elapsed() const { return { static_cast<double>(m_wall.nsecsElapsed()) / 1e9, threadCpuSeconds() - m_cpu0 }; }

private:
    QElapsedTimer m_wall;
    double m_cpu0;
};

void check(bool ok, const std::string& what)
{
    if (!ok)
        die(1, "sanity check failed: " + what);
}

std::string str(const QString& s)
{
    return s.toStdString();
}

// ---- Event generation ---------------------------------------------------------------------------------------------

// Realistic item master data: descriptions of several words (at most 40 bytes, the model's limit), material
// groups of the built-in code list, net weights as "12.5 kg" strings or {"value", "unit"} objects, a unique
// manufacturer part number. Deterministic (fixed seed) so runs and machines compare.
class EventGenerator
{
public:
    explicit EventGenerator(std::uint32_t seed)
        : m_rng(seed)
    { }

    std::string line(int n)
    {
        struct Kind
        {
            const char* prefix;
            const char* group;
            const char* itemType;
            const char* uom;
        };
        static const std::array<Kind, 12> kinds = { {
            { "RM", "RAW-STEEL", "ROH", "kg" },
            { "RA", "RAW-ALU", "ROH", "kg" },
            { "RP", "RAW-POLY", "ROH", "kg" },
            { "EC", "ELEC-COMP", "ROH", "EA" },
            { "FA", "FASTENER", "ROH", "EA" },
            { "SM", "SEMI-MACH", "HALB", "EA" },
            { "SA", "SEMI-ASSY", "HALB", "EA" },
            { "FP", "FG-PUMP", "FERT", "EA" },
            { "FV", "FG-VALVE", "FERT", "EA" },
            { "FD", "FG-DRIVE", "FERT", "EA" },
            { "PK", "PACKAGING", "VERP", "EA" },
            { "SV", "SERVICE", "DIEN", "EA" },
        } };
        const Kind& k = kinds[static_cast<size_t>(n) % kinds.size()];
        const std::string description = describe(static_cast<size_t>(n) % kinds.size());
        if (description.size() > 40)
            die(2, "generator produced a description longer than 40 bytes: " + description);

        nlohmann::json weight;
        switch (pick(4)) {
        case 0:
            weight = fixed(uniform(0.2, 250.0), 1) + " kg";
            break;
        case 1:
            weight = nlohmann::json { { "value", static_cast<int>(uniform(5, 950)) }, { "unit", "g" } };
            break;
        case 2:
            weight = std::to_string(static_cast<int>(uniform(3, 990))) + " g";
            break;
        default:
            weight = nlohmann::json { { "value", std::stod(fixed(uniform(0.1, 80.0), 2)) }, { "unit", "kg" } };
            break;
        }
        nlohmann::json attributes
            = { { "description", description }, { "item_type", k.itemType }, { "material_group", k.group },
                  { "base_uom", k.uom }, { "net_weight", weight }, { "manufacturer_part_number", partNumber(n) },
                  { "plants", { "P100" } }, { "lifecycle_status", "released" } };
        if (pick(3) == 0)
            attributes["manufacturer"] = oneOf({ "Nordmotor AG", "Schraubenwerk Heilbronn GmbH", "Valvetec s.r.o.",
                "Polymerix SE", "Alu Rheinfelden GmbH", "Drivesys Inc." });
        char key[32];
        std::snprintf(key, sizeof key, "%s-%07d", k.prefix, n + 1);
        char eventId[32];
        std::snprintf(eventId, sizeof eventId, "PLM-%08d", n + 1);
        const nlohmann::json event = { { "event_id", eventId }, { "source", "PLM" }, { "domain", "item" },
            { "key", key }, { "op", "upsert" }, { "occurred_at", formatRfc3339(m_t0 + static_cast<TimeMs>(n) * 250) },
            { "correlation_id", "bench-npi-" + std::to_string(n / 500) }, { "attributes", attributes } };
        return event.dump();
    }

private:
    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(m_rng); }
    double uniform(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(m_rng); }
    std::string oneOf(std::initializer_list<const char*> list) { return *(list.begin() + pick(list.size())); }
    static std::string fixed(double v, int decimals)
    {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        return buf;
    }
    std::string num(int lo, int hi)
    {
        return std::to_string(lo + static_cast<int>(pick(static_cast<size_t>(hi - lo + 1))));
    }

    std::string describe(size_t kind)
    {
        switch (kind) {
        case 0:
            return oneOf({ "Stainless steel", "Carbon steel", "Tool steel", "Spring steel" }) + " "
                + oneOf({ "bar", "sheet", "tube", "plate", "flat bar" }) + " "
                + oneOf({ "1.4404", "1.4301", "S355", "42CrMo4", "C45" }) + " D" + num(6, 220);
        case 1:
            return oneOf({ "Aluminium", "Alu" }) + " " + oneOf({ "profile", "sheet", "round bar", "tube" }) + " "
                + oneOf({ "EN AW-6060", "EN AW-6082", "EN AW-5754" }) + " " + num(10, 120) + "x" + num(2, 10);
        case 2:
            return oneOf({ "PA6 GF30", "POM-C", "PE-HD", "PP copolymer", "PTFE" }) + " "
                + oneOf({ "granulate", "sheet", "rod", "tube" }) + " " + oneOf({ "black", "natural", "white", "blue" })
                + " " + num(1, 50) + " kg";
        case 3:
            switch (pick(3)) {
            case 0:
                return "IE3 motor " + oneOf({ "0.75", "1.5", "2.2", "4", "7.5", "11" }) + " kW 400 V "
                    + oneOf({ "B3", "B5", "B14" });
            case 1:
                return "Proximity sensor M" + oneOf({ "8", "12", "18", "30" }) + " " + oneOf({ "PNP", "NPN" }) + " "
                    + oneOf({ "NO", "NC" }) + " " + num(2, 10) + " m cable";
            default:
                return "Cable " + oneOf({ "3G1.5", "4G2.5", "5G1.5", "7G0.75" }) + " " + oneOf({ "PUR", "PVC" }) + " "
                    + num(1, 50) + " m";
            }
        case 4:
            return oneOf({ "Hex bolt", "Socket screw", "Hex nut", "Washer", "Stud bolt" }) + " M" + num(3, 24) + "x"
                + num(6, 160) + " " + oneOf({ "DIN 933", "ISO 4762", "DIN 934", "ISO 7089" }) + " "
                + oneOf({ "8.8 zinc", "A2-70", "10.9", "A4-80" });
        case 5:
            return oneOf({ "Shaft", "Flange", "Bearing housing", "Impeller hub", "Bracket" }) + " "
                + oneOf({ "machined", "turned", "milled" }) + " D" + num(20, 400) + " rev " + oneOf({ "A", "B", "C" });
        case 6:
            return oneOf({ "Pump housing assy", "Valve body assy", "Gearbox assy", "Control box assy" }) + " "
                + oneOf({ "DN", "size " }) + num(15, 300);
        case 7:
            return oneOf({ "Centrifugal pump", "Booster pump", "Dosing pump" }) + " " + num(2, 160) + " m3/h "
                + num(10, 90) + " m";
        case 8:
            return oneOf({ "Ball valve", "Gate valve", "Check valve", "Butterfly valve" }) + " DN" + num(15, 300)
                + " PN" + oneOf({ "10", "16", "25", "40" });
        case 9:
            return oneOf({ "Geared motor", "Drive unit", "Servo drive" }) + " " + num(1, 90) + " kW i=" + num(3, 60)
                + " " + oneOf({ "foot", "flange" });
        case 10:
            return oneOf({ "Carton", "Pallet", "Crate", "PE bag" }) + " " + num(200, 1200) + "x" + num(200, 800) + "x"
                + num(100, 600) + " mm";
        default:
            return oneOf({ "Commissioning", "Inspection", "Calibration", "Repair" }) + " service "
                + oneOf({ "per hour", "flat rate", "on site" }) + " " + num(1, 99);
        }
    }

    // Unique and different enough from every other item that the duplicate-suspect check flags nothing.
    std::string partNumber(int n)
    {
        static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        std::string s = "MPN-";
        for (int i = 0; i < 8; ++i)
            s += alphabet[pick(sizeof alphabet - 1)];
        return s + "-" + std::to_string(n + 1);
    }

    std::mt19937 m_rng;
    const TimeMs m_t0 = *parseRfc3339("2026-11-27T06:00:00Z");
};

// ---- Workspaces ---------------------------------------------------------------------------------------------------

struct Config
{
    CanonicalModel model;
    Landscape landscape;
};

Config loadBuiltinConfig()
{
    auto model = CanonicalModel::builtin();
    if (!model)
        die(2, "built-in model: " + str(model.error()));
    auto landscape = Landscape::builtin(model.value());
    if (!landscape)
        die(2, "built-in landscape: " + str(landscape.error()));
    return { std::move(model.value()), std::move(landscape.value()) };
}

// A fresh workspace as `mdsyncctl init` makes it (schema, pragmas, audit entry, config in force).
std::unique_ptr<Workspace> createWorkspace(const QString& path, const Config& cfg)
{
    auto ws = Workspace::create(path);
    if (!ws)
        die(2, str(ws.error()));
    Workspace& w = *ws.value();
    if (auto r = w.begin(); !r)
        die(2, str(r.error()));
    AuditLog audit(w.db());
    if (auto e = audit.append("bench", "workspace.init", "workspace", std::nullopt,
            nlohmann::json { { "path", w.path().toStdString() } }, std::nullopt);
        !e)
        die(2, str(e.error()));
    if (auto r = w.commit(); !r)
        die(2, str(r.error()));
    if (auto r
        = installConfig(w, cfg.model, QStringLiteral("built-in"), cfg.landscape, QStringLiteral("built-in"), "bench");
        !r)
        die(2, str(r.error()));
    return std::move(ws.value());
}

std::int64_t scalar(Workspace& w, const QString& sql)
{
    QSqlQuery q(w.db());
    if (!q.exec(sql) || !q.next())
        die(2, str(sqlError(q, QStringLiteral("bench query"))));
    return q.value(0).toLongLong();
}

// Writes events first .. first+count-1 of `gen` (called in order) as JSON Lines to `path`; returns the bytes.
qint64 writeEventFile(EventGenerator& gen, std::int64_t first, std::int64_t count, const QString& path)
{
    std::string all;
    all.reserve(static_cast<size_t>(count) * 450);
    for (std::int64_t i = 0; i < count; ++i) {
        all += gen.line(static_cast<int>(first + i));
        all += '\n';
    }
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(all.data(), static_cast<qint64>(all.size())) != qint64(all.size()))
        die(2, "cannot write " + str(path));
    return static_cast<qint64>(all.size());
}

// Commits every `batchSize` events, as the pipeline does: beforeEvent() begins a transaction when none is open,
// afterEvent() commits a full batch, finish() the rest.
class BatchedTransactions
{
public:
    BatchedTransactions(Workspace& ws, int batchSize)
        : m_ws(ws)
        , m_batchSize(batchSize)
    { }
    void beforeEvent()
    {
        if (m_inTx)
            return;
        if (auto r = m_ws.begin(); !r)
            die(2, str(r.error()));
        m_inTx = true;
    }
    void afterEvent()
    {
        if (++m_inBatch >= m_batchSize)
            finish();
    }
    void finish()
    {
        if (!m_inTx)
            return;
        if (auto c = m_ws.commit(); !c)
            die(1, str(c.error()));
        m_inTx = false;
        m_inBatch = 0;
    }

private:
    Workspace& m_ws;
    const int m_batchSize;
    int m_inBatch = 0;
    bool m_inTx = false;
};

// ---- Pipeline side ------------------------------------------------------------------------------------------------

// What the baseline replays: the revision texts and delivery rows the pipeline wrote for one event.
struct ReplayRow
{
    std::string state, changed, contentHash, correlationId, eventId, key;
    std::array<std::string, kExpectedDeliveriesPerEvent> target, subscription, idempotencyKey;
};

struct PipelineRun
{
    Timing time;
    IngestSummary summary;
    WalCheckpointer::Stats checkpoints; // SQLite: who copied the WAL into the database file (store/walcheckpointer.h)
};

ActiveConfig activeConfig(Workspace& ws)
{
    auto active = loadActiveConfig(ws);
    if (!active)
        die(2, str(active.error()));
    return std::move(active.value());
}

// A fresh workspace made as `mdsyncctl init` makes it, with an ingest pipeline on its active configuration.
struct PipelineWorkspace
{
    PipelineWorkspace(const QString& location, const Config& cfg)
        : ws(createWorkspace(location, cfg))
        , active(activeConfig(*ws))
        , pipeline(*ws, active)
    {
        options.sourceName = QStringLiteral("bench.jsonl");
        options.actor = "bench";
    }
    std::unique_ptr<Workspace> ws;
    ActiveConfig active;
    IngestPipeline pipeline;
    IngestOptions options;
};

PipelineRun runPipeline(const Config& cfg, const QString& jsonlPath, int n, std::vector<ReplayRow>* capture)
{
    const bench::BenchLocation where(QStringLiteral("pipeline"));
    PipelineWorkspace pw(where.location(), cfg);
    Workspace* ws = pw.ws.get();
    QFile file(jsonlPath);
    if (!file.open(QIODevice::ReadOnly))
        die(2, "cannot open " + str(jsonlPath));

    const Stopwatch stopwatch;
    auto summary = pw.pipeline.ingest(file, pw.options);
    const Timing time = stopwatch.elapsed();
    if (!summary)
        die(1, "ingest failed: " + str(summary.error()));

    const IngestSummary& s = summary.value();
    check(s.exceptions == 0,
        "pipeline exceptions == 0 (got " + std::to_string(s.exceptions) + ": "
            + nlohmann::json(s.exceptionsByCategory).dump() + ")");
    check(s.revisions == n, "pipeline revisions == N (got " + std::to_string(s.revisions) + ")");
    check(s.deliveries == std::int64_t(kExpectedDeliveriesPerEvent) * n,
        "pipeline deliveries == 5N (got " + std::to_string(s.deliveries) + ")");
    check(scalar(*ws, QStringLiteral("SELECT count(*) FROM revision")) == n, "pipeline revision rows == N");
    check(scalar(*ws, QStringLiteral("SELECT count(*) FROM delivery")) == std::int64_t(kExpectedDeliveriesPerEvent) * n,
        "pipeline delivery rows == 5N");
    {
        QSqlQuery q(ws->db());
        q.exec(QStringLiteral("SELECT target_id, count(*) FROM delivery GROUP BY target_id"));
        std::set<std::string> targets;
        while (q.next()) {
            targets.insert(q.value(0).toString().toStdString());
            check(q.value(1).toLongLong() == n,
                "every target gets N deliveries (" + q.value(0).toString().toStdString() + ")");
        }
        check(targets == kExpectedTargets, "deliveries go to ERP, MES-P100, WMS-P100, QMS, ANALYTICS");
    }

    if (capture) {
        capture->assign(static_cast<size_t>(n), {});
        QSqlQuery q(ws->db());
        q.setForwardOnly(true);
        q.exec(
            QStringLiteral("SELECT state, changed, content_hash, correlation_id, event_id,"
                           " (SELECT key FROM object WHERE object.id = revision.object_id) FROM revision ORDER BY id"));
        size_t i = 0;
        while (q.next() && i < capture->size()) {
            ReplayRow& r = (*capture)[i++];
            r.state = q.value(0).toString().toStdString();
            r.changed = q.value(1).toString().toStdString();
            r.contentHash = q.value(2).toString().toStdString();
            r.correlationId = q.value(3).toString().toStdString();
            r.eventId = q.value(4).toString().toStdString();
            r.key = q.value(5).toString().toStdString();
        }
        check(i == capture->size(), "captured N revisions");
        q.exec(QStringLiteral(
            "SELECT target_id, subscription_id, idempotency_key FROM delivery ORDER BY revision_id, id"));
        size_t k = 0;
        while (q.next()) {
            ReplayRow& r = (*capture)[k / kExpectedDeliveriesPerEvent];
            const size_t j = k % kExpectedDeliveriesPerEvent;
            r.target[j] = q.value(0).toString().toStdString();
            r.subscription[j] = q.value(1).toString().toStdString();
            r.idempotencyKey[j] = q.value(2).toString().toStdString();
            ++k;
        }
        check(k == capture->size() * kExpectedDeliveriesPerEvent, "captured 5N deliveries");
    }
    const WalCheckpointer* checkpointer = ws->walCheckpointer();
    return { time, s, checkpointer ? checkpointer->stats() : WalCheckpointer::Stats {} };
}

// ---- Baseline side ------------------------------------------------------------------------------------------------

// What --explain-baseline changes in the own-schema baseline, one at a time, to show what each part of the schema
// costs (the rows stay the same otherwise).
struct BaselineVariant
{
    const char* name = "as the workspace has it";
    bool monotonicKeys = false; // idempotency keys in insertion order instead of the pipeline's random hashes
    bool shortChanged = false; // revision.changed "[]" instead of the pipeline's text (for a create: every attribute)
    bool noSecondaryIndexes = false; // without delivery_due and delivery_object
};

Timing runBaseline(
    const Config& cfg, const std::vector<ReplayRow>& rows, int batchSize, const BaselineVariant& variant = {})
{
    const bench::BenchLocation where(QStringLiteral("baseline"));
    auto ws = createWorkspace(where.location(), cfg);
    const TimeMs t = nowMs();
    if (variant.noSecondaryIndexes) {
        QSqlQuery q(ws->db());
        for (const char* index : { "delivery_due", "delivery_object" })
            if (!q.exec(QStringLiteral("DROP INDEX %1").arg(QLatin1String(index))))
                die(2, str(sqlError(q, QStringLiteral("drop index"))));
    }
    char monotonicKey[40];
    // One object row that all revisions belong to (revision.object_id is a foreign key); not timed.
    {
        QSqlQuery q(ws->db());
        if (!q.exec(QStringLiteral("INSERT INTO object(id, domain, key, revision_no, current_revision_id, content_hash,"
                                   " created_at, updated_at) VALUES (1, 'item', 'BENCH-ANCHOR', 0, 0, '-', %1, %1)")
                        .arg(t)))
            die(2, str(sqlError(q, QStringLiteral("anchor object"))));
    }

    const Stopwatch stopwatch;
    // Plain prepared statements on the same raw handle the pipeline uses (store/sqlstatement.h): sqlite3, or
    // libpq's PQprepare/PQexecPrepared on the QPSQL connection.
    SqlStatement rev, del;
    if (!rev.prepare(ws->db(),
            "INSERT INTO revision(id, object_id, revision_no, op, source_system, actor, event_id, correlation_id,"
            " occurred_at, received_at, model_version, state, changed, content_hash)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"))
        die(2, str(rev.error()));
    if (!del.prepare(ws->db(),
            "INSERT INTO delivery(id, revision_id, object_id, revision_no, target_id, subscription_id, status,"
            " due_at, idempotency_key, contract_version, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,'pending',?,?,?,?,?)"))
        die(2, str(del.error()));
    const std::string modelVersion = cfg.model.version();
    std::int64_t deliveryId = 1;
    BatchedTransactions tx(*ws, batchSize);
    for (size_t i = 0; i < rows.size(); ++i) {
        tx.beforeEvent();
        const ReplayRow& r = rows[i];
        const auto revisionId = static_cast<std::int64_t>(i + 1);
        rev.bind(0, revisionId);
        rev.bind(1, std::int64_t(1));
        rev.bind(2, revisionId);
        rev.bind(3, "upsert");
        rev.bind(4, "PLM");
        rev.bind(5, "bench");
        rev.bind(6, r.eventId);
        rev.bind(7, r.correlationId);
        rev.bind(8, std::int64_t(t));
        rev.bind(9, std::int64_t(t));
        rev.bind(10, modelVersion);
        rev.bind(11, r.state);
        rev.bind(12, variant.shortChanged ? std::string("[]") : r.changed);
        rev.bind(13, r.contentHash);
        if (!rev.exec())
            die(1, str(rev.error()));
        for (int j = 0; j < kExpectedDeliveriesPerEvent; ++j) {
            del.bind(0, deliveryId++);
            del.bind(1, revisionId);
            del.bind(2, std::int64_t(1));
            del.bind(3, revisionId);
            del.bind(4, r.target[j]);
            del.bind(5, r.subscription[j]);
            del.bind(6, std::int64_t(t));
            if (variant.monotonicKeys) {
                std::snprintf(monotonicKey, sizeof monotonicKey, "k%020lld", static_cast<long long>(deliveryId));
                del.bind(7, std::string(monotonicKey));
            } else {
                del.bind(7, r.idempotencyKey[j]);
            }
            del.bind(8, "1");
            del.bind(9, std::int64_t(t));
            del.bind(10, std::int64_t(t));
            if (!del.exec())
                die(1, str(del.error()));
        }
        tx.afterEvent();
    }
    tx.finish();
    const Timing time = stopwatch.elapsed();

    const auto n = static_cast<std::int64_t>(rows.size());
    check(scalar(*ws, QStringLiteral("SELECT count(*) FROM revision")) == n, "baseline revision rows == N");
    check(scalar(*ws, QStringLiteral("SELECT count(*) FROM delivery")) == kExpectedDeliveriesPerEvent * n,
        "baseline delivery rows == 5N");
    return time;
}

// ---- Minimal outbox side -----------------------------------------------------------------------------------------

// The floor: the smallest shape a durable outbox needs, in tables of its own (a fresh location with the
// workspace's connection settings: WAL and synchronous=FULL on SQLite, a durable cluster on PostgreSQL). Per event
// one revision row (object key, revision number, the JSON state) and one delivery row per subscriber (target,
// status, due time, attempts, idempotency key), with the two status indexes a dispatcher needs: due work by
// (status, due_at) and a target's queue by (target, status, id). Plain prepared statements, same transaction size.
Timing runMinimal(const std::vector<ReplayRow>& rows, int batchSize)
{
    const bench::BenchLocation where(QStringLiteral("minimal"));
    auto created = Workspace::create(where.location());
    if (!created)
        die(2, str(created.error()));
    Workspace& ws = *created.value();
    const bool pg = ws.isPostgres();
    {
        const char* id = pg ? "BIGINT PRIMARY KEY" : "INTEGER PRIMARY KEY";
        QSqlQuery q(ws.db());
        for (const QString& ddl :
            { QStringLiteral("CREATE TABLE min_revision(id %1, object_key TEXT NOT NULL, revision_no BIGINT NOT NULL,"
                             " state TEXT NOT NULL, created_at BIGINT NOT NULL)")
                    .arg(QLatin1String(id)),
                QStringLiteral("CREATE TABLE min_delivery(id %1, revision_id BIGINT NOT NULL REFERENCES"
                               " min_revision(id), target TEXT NOT NULL, status TEXT NOT NULL, due_at BIGINT NOT NULL,"
                               " attempts INTEGER NOT NULL DEFAULT 0, idempotency_key TEXT NOT NULL)")
                    .arg(QLatin1String(id)),
                QStringLiteral("CREATE INDEX min_delivery_due ON min_delivery(status, due_at)"),
                QStringLiteral("CREATE INDEX min_delivery_queue ON min_delivery(target, status, id)") })
            if (!q.exec(ddl))
                die(2, str(sqlError(q, QStringLiteral("minimal schema"))));
    }
    const TimeMs t = nowMs();
    const Stopwatch stopwatch;
    SqlStatement rev, del;
    if (!rev.prepare(
            ws.db(), "INSERT INTO min_revision(id, object_key, revision_no, state, created_at) VALUES (?,?,?,?,?)"))
        die(2, str(rev.error()));
    if (!del.prepare(ws.db(),
            "INSERT INTO min_delivery(id, revision_id, target, status, due_at, idempotency_key)"
            " VALUES (?,?,?,'pending',?,?)"))
        die(2, str(del.error()));
    std::int64_t deliveryId = 1;
    BatchedTransactions tx(ws, batchSize);
    for (size_t i = 0; i < rows.size(); ++i) {
        tx.beforeEvent();
        const ReplayRow& r = rows[i];
        const auto revisionId = static_cast<std::int64_t>(i + 1);
        rev.bind(0, revisionId);
        rev.bind(1, r.key);
        rev.bind(2, std::int64_t(1));
        rev.bind(3, r.state);
        rev.bind(4, std::int64_t(t));
        if (!rev.exec())
            die(1, str(rev.error()));
        for (int j = 0; j < kExpectedDeliveriesPerEvent; ++j) {
            del.bind(0, deliveryId++);
            del.bind(1, revisionId);
            del.bind(2, r.target[j]);
            del.bind(3, std::int64_t(t));
            del.bind(4, r.idempotencyKey[j]);
            if (!del.exec())
                die(1, str(del.error()));
        }
        tx.afterEvent();
    }
    tx.finish();
    const Timing time = stopwatch.elapsed();

    const auto n = static_cast<std::int64_t>(rows.size());
    check(scalar(ws, QStringLiteral("SELECT count(*) FROM min_revision")) == n, "minimal revision rows == N");
    check(scalar(ws, QStringLiteral("SELECT count(*) FROM min_delivery")) == kExpectedDeliveriesPerEvent * n,
        "minimal delivery rows == 5N");
    return time;
}

// ---- Growth: the same pipeline at 10k, 100k, 1M existing objects -------------------------------------------------

// Bytes the workspace takes: the SQLite file and its WAL, or the PostgreSQL database.
std::int64_t workspaceBytes(Workspace& ws)
{
    if (ws.isPostgres())
        return scalar(ws, QStringLiteral("SELECT pg_database_size(current_database())"));
    const QString path = ws.path();
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

struct GrowthPoint
{
    std::int64_t existing = 0;
    Timing time;
    std::int64_t bytes = 0; // workspace bytes after the slice
    std::int64_t eventsSoFar = 0;
};

// One workspace grows to each size in `sizes` (untimed, in files of up to 50,000 events); at each size the next
// `n` events are timed. They are creates of new items like the rest, so the duplicate check, the idempotency index
// and every table grow with the workspace.
std::vector<GrowthPoint> runGrowth(const Config& cfg, const std::vector<std::int64_t>& sizes, int n, bool quiet)
{
    const bench::BenchLocation where(QStringLiteral("growth"));
    PipelineWorkspace pw(where.location(), cfg);
    QTemporaryDir dir;
    if (!dir.isValid())
        die(2, "cannot create a temporary directory");
    EventGenerator gen(20261127);
    std::int64_t next = 0; // events generated and ingested so far
    const auto ingestRange = [&](std::int64_t count, Timing* timed) {
        while (count > 0) {
            const std::int64_t part = timed ? count : std::min<std::int64_t>(count, 50000);
            const QString path = dir.filePath(QStringLiteral("part.jsonl"));
            writeEventFile(gen, next, part, path);
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                die(2, "cannot open " + str(path));
            const Stopwatch stopwatch;
            auto summary = pw.pipeline.ingest(file, pw.options);
            if (timed)
                *timed = stopwatch.elapsed();
            if (!summary)
                die(1, "ingest failed: " + str(summary.error()));
            check(summary->exceptions == 0 && summary->revisions == part,
                "growth: every event a new revision (" + std::to_string(summary->revisions) + " of "
                    + std::to_string(part) + ", " + std::to_string(summary->exceptions) + " exceptions)");
            next += part;
            count -= part;
        }
    };
    std::vector<GrowthPoint> points;
    for (const std::int64_t size : sizes) {
        if (size > next)
            ingestRange(size - next, nullptr);
        GrowthPoint p;
        p.existing = next;
        ingestRange(n, &p.time);
        p.eventsSoFar = next;
        p.bytes = workspaceBytes(*pw.ws);
        if (!quiet)
            std::cerr << "  " << p.existing << " existing: " << n / p.time.seconds << " events/s (cpu "
                      << p.time.cpuSeconds * 1e6 / n << " us/event), " << p.bytes / p.eventsSoFar
                      << " workspace bytes/event\n";
        points.push_back(p);
    }
    check(scalar(*pw.ws, QStringLiteral("SELECT count(*) FROM object")) == next, "growth: one object per event");
    return points;
}

// ---- Reporting ----------------------------------------------------------------------------------------------------

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

std::string cpuModel()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(line.find_first_not_of(' ', colon + 1));
        }
    }
    return "unknown";
}

std::string sqliteVersion()
{
    auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-version"));
    db.setDatabaseName(QStringLiteral(":memory:"));
    std::string v = "unknown";
    if (db.open()) {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT sqlite_version()")) && q.next())
            v = q.value(0).toString().toStdString();
    }
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("bench-version"));
    return v;
}

int parseInt(const QStringList& args, int& i, const char* name)
{
    bool ok = false;
    const int v = i + 1 < args.size() ? args[i + 1].toInt(&ok) : 0;
    if (!ok || v < 1)
        die(2, std::string(name) + " takes a positive integer");
    ++i;
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int n = 50000, repeat = 3;
    bool json = false, profileOnlyPipeline = false;
    QString writeEvents; // --write-events FILE: only write the input (for tests/bench/memory.sh) and exit
    std::vector<std::int64_t> growth; // --growth 10000,100000,1000000: the growth curve instead of the ratios
    bool explainBaseline = false; // --explain-baseline: what each part of the own schema costs
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--events"))
            n = parseInt(args, i, "--events");
        else if (a == QLatin1String("--repeat"))
            repeat = parseInt(args, i, "--repeat");
        else if (a == QLatin1String("--json"))
            json = true;
        else if (a == QLatin1String("--profile-only-pipeline"))
            profileOnlyPipeline = true;
        else if (a == QLatin1String("--explain-baseline"))
            explainBaseline = true;
        else if (a == QLatin1String("--growth") && i + 1 < args.size()) {
            for (const QString& part : args[++i].split(QLatin1Char(','))) {
                bool ok = false;
                const qint64 v = part.toLongLong(&ok);
                if (!ok || v < 0 || v > 9000000 || (!growth.empty() && v <= growth.back()))
                    die(2, "--growth takes increasing sizes up to 9000000, like 10000,100000,1000000");
                growth.push_back(v);
            }
        } else if (a == QLatin1String("--write-events") && i + 1 < args.size())
            writeEvents = args[++i];
        else if (a == QLatin1String("--backend") && i + 1 < args.size()) {
            const QString b = args[++i];
            if (b != QLatin1String("sqlite") && b != QLatin1String("postgres"))
                die(2, "--backend takes sqlite or postgres, not " + b.toStdString());
            bench::g_postgres = b == QLatin1String("postgres");
        } else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            std::cout << "usage: bench_ingest [--events N] [--repeat R] [--json] [--profile-only-pipeline]"
                         " [--backend sqlite|postgres] [--write-events FILE] [--growth SIZE,SIZE,...]"
                         " [--explain-baseline]\n";
            return 0;
        } else
            die(2, "unknown argument " + a.toStdString() + " (see --help)");
    }

    const Config cfg = loadBuiltinConfig();
    const int batchSize = IngestOptions {}.batchSize;
    if (!growth.empty()) {
        const std::vector<GrowthPoint> points = runGrowth(cfg, growth, n, json);
        const auto rate = [n](const GrowthPoint& p) { return n / p.time.seconds; };
        const auto cpuUs = [n](const GrowthPoint& p) { return p.time.cpuSeconds * 1e6 / n; };
        nlohmann::json out = { { "bench", "ingest-growth" }, { "backend", bench::g_postgres ? "postgres" : "sqlite" },
            { "events_per_point", n }, { "points", nlohmann::json::array() },
            { "ratio_last_to_first", rate(points.back()) / rate(points.front()) }, { "goal_ratio", 0.8 },
            { "machine",
                { { "nproc", std::thread::hardware_concurrency() }, { "cpu", cpuModel() }, { "qt", qVersion() },
                    { "sqlite", sqliteVersion() } } },
            { "date", formatRfc3339(nowMs()) } };
        for (const GrowthPoint& p : points)
            out["points"].push_back({ { "existing_objects", p.existing }, { "events_per_s", rate(p) },
                { "cpu_us_per_event", cpuUs(p) }, { "seconds", p.time.seconds }, { "workspace_bytes", p.bytes },
                { "workspace_bytes_per_event", p.bytes / p.eventsSoFar } });
        if (json) {
            std::cout << out.dump() << '\n';
        } else {
            std::printf("bench_ingest --growth: %d item events timed at each size, %s, %u cores, %s\n", n,
                bench::g_postgres ? "PostgreSQL" : "SQLite", std::thread::hardware_concurrency(), cpuModel().c_str());
            std::printf("  %12s %12s %14s %16s\n", "existing", "events/s", "cpu us/event", "bytes/event");
            for (const GrowthPoint& p : points)
                std::printf("  %12lld %12.0f %14.1f %16lld\n", static_cast<long long>(p.existing), rate(p), cpuUs(p),
                    static_cast<long long>(p.bytes / p.eventsSoFar));
            std::printf("  events/s at %lld / at %lld: %.2f (goal >= 0.80)\n",
                static_cast<long long>(points.back().existing), static_cast<long long>(points.front().existing),
                rate(points.back()) / rate(points.front()));
        }
        return 0;
    }

    // The input file, generated once and read by every pipeline run.
    QTemporaryDir inputDir;
    if (!inputDir.isValid())
        die(2, "cannot create a temporary directory");
    const QString jsonlPath = writeEvents.isEmpty() ? inputDir.filePath(QStringLiteral("events.jsonl")) : writeEvents;
    qint64 inputBytes = 0;
    {
        EventGenerator gen(20261127);
        inputBytes = writeEventFile(gen, 0, n, jsonlPath);
    }

    if (!writeEvents.isEmpty()) {
        std::cout << "wrote " << n << " events (" << inputBytes << " bytes) to " << str(writeEvents) << '\n';
        return 0;
    }
    if (profileOnlyPipeline) {
        // For callgrind/perf: one pipeline run, no baseline, e.g.
        // valgrind --tool=callgrind --collect-atstart=no --toggle-collect='mdsync::IngestPipeline::ingest*' ...
        const PipelineRun p = runPipeline(cfg, jsonlPath, n, nullptr);
        std::cout << "pipeline only: " << n << " events in " << p.time.seconds << " s (cpu " << p.time.cpuSeconds
                  << " s), " << n / p.time.seconds << " events/s; WAL checkpoints: " << p.checkpoints.threadCheckpoints
                  << " on their thread, " << p.checkpoints.inlineCheckpoints << " by the writer\n";
        return 0;
    }

    if (explainBaseline) {
        // One pipeline run for the rows, then the own-schema baseline as it is and with one part changed at a time
        // (and the minimal outbox), in rotating order, medians of --repeat.
        std::vector<ReplayRow> rows;
        runPipeline(cfg, jsonlPath, n, &rows);
        std::vector<BaselineVariant> variants(5);
        variants[1] = { "idempotency keys in insertion order", true, false, false };
        variants[2] = { "revision.changed empty", false, true, false };
        variants[3] = { "without delivery_due, delivery_object", false, false, true };
        variants[4] = { "all three", true, true, true };
        const size_t sides = variants.size() + 1; // + the minimal outbox
        std::vector<std::vector<double>> wall(sides), cpuTimes(sides);
        for (int r = 0; r < repeat; ++r)
            for (size_t k = 0; k < sides; ++k) {
                const size_t side = (k + static_cast<size_t>(r)) % sides;
                const Timing t = side < variants.size() ? runBaseline(cfg, rows, batchSize, variants[side])
                                                        : runMinimal(rows, batchSize);
                wall[side].push_back(t.seconds);
                cpuTimes[side].push_back(t.cpuSeconds);
            }
        std::printf("bench_ingest --explain-baseline: %d events, %d repeats, %s, %u cores, %s\n", n, repeat,
            bench::g_postgres ? "PostgreSQL" : "SQLite", std::thread::hardware_concurrency(), cpuModel().c_str());
        std::printf("  %-45s %10s %12s %12s\n", "own-schema baseline", "events/s", "us/event", "cpu us/event");
        for (size_t side = 0; side < sides; ++side)
            std::printf("  %-45s %10.0f %12.1f %12.1f\n",
                side < variants.size() ? variants[side].name : "minimal outbox (for comparison)",
                n / median(wall[side]), median(wall[side]) * 1e6 / n, median(cpuTimes[side]) * 1e6 / n);
        return 0;
    }

    std::vector<ReplayRow> replay;
    std::vector<double> pipelineSeconds, baselineSeconds, pipelineCpu, baselineCpu, minimalSeconds, minimalCpu;
    // The first pipeline run captures the rows both baselines replay; the order then rotates (P B M, B M P, M P B).
    for (int r = 0; r < repeat; ++r) {
        for (int k = 0; k < 3; ++k) {
            const int side = replay.empty() ? k : (k + r) % 3;
            if (side == 2) {
                const Timing m = runMinimal(replay, batchSize);
                minimalSeconds.push_back(m.seconds);
                minimalCpu.push_back(m.cpuSeconds);
                if (!json)
                    std::cerr << "  run " << r + 1 << " minimal:  " << m.seconds << " s (cpu " << m.cpuSeconds
                              << " s)\n";
            } else if (side == 0) {
                const PipelineRun p = runPipeline(cfg, jsonlPath, n, replay.empty() ? &replay : nullptr);
                pipelineSeconds.push_back(p.time.seconds);
                pipelineCpu.push_back(p.time.cpuSeconds);
                if (!json)
                    std::cerr << "  run " << r + 1 << " pipeline: " << p.time.seconds << " s (cpu " << p.time.cpuSeconds
                              << " s)\n";
            } else {
                const Timing b = runBaseline(cfg, replay, batchSize);
                baselineSeconds.push_back(b.seconds);
                baselineCpu.push_back(b.cpuSeconds);
                if (!json)
                    std::cerr << "  run " << r + 1 << " baseline: " << b.seconds << " s (cpu " << b.cpuSeconds
                              << " s)\n";
            }
        }
    }

    const double pMed = median(pipelineSeconds), bMed = median(baselineSeconds), mMed = median(minimalSeconds);
    const double pRate = n / pMed, bRate = n / bMed, mRate = n / mMed;
    const double ratio = pRate / bRate, minimalRatio = pRate / mRate;
    const double pUs = pMed * 1e6 / n, bUs = bMed * 1e6 / n, mUs = mMed * 1e6 / n;
    const double pCpuUs = median(pipelineCpu) * 1e6 / n, bCpuUs = median(baselineCpu) * 1e6 / n,
                 mCpuUs = median(minimalCpu) * 1e6 / n;
    const unsigned cores = std::thread::hardware_concurrency();
    const std::string cpu = cpuModel();

    if (json) {
        const nlohmann::json out = {
            { "bench", "ingest" },
            { "backend", bench::g_postgres ? "postgres" : "sqlite" },
            { "events", n },
            { "repeats", repeat },
            { "batch_size", batchSize },
            { "deliveries_per_event", kExpectedDeliveriesPerEvent },
            { "input_bytes", inputBytes },
            { "pipeline",
                { { "events_per_s", pRate }, { "us_per_event", pUs }, { "cpu_us_per_event", pCpuUs },
                    { "seconds", pipelineSeconds }, { "cpu_seconds", pipelineCpu } } },
            { "baseline",
                { { "events_per_s", bRate }, { "us_per_event", bUs }, { "cpu_us_per_event", bCpuUs },
                    { "seconds", baselineSeconds }, { "cpu_seconds", baselineCpu } } },
            { "minimal_outbox",
                { { "events_per_s", mRate }, { "us_per_event", mUs }, { "cpu_us_per_event", mCpuUs },
                    { "seconds", minimalSeconds }, { "cpu_seconds", minimalCpu } } },
            { "ratio_pipeline_to_baseline", ratio },
            { "ratio_pipeline_to_minimal_outbox", minimalRatio },
            { "goal_ratio_to_minimal_outbox", 0.5 },
            { "machine", { { "nproc", cores }, { "cpu", cpu }, { "qt", qVersion() }, { "sqlite", sqliteVersion() } } },
            { "date", formatRfc3339(nowMs()) },
        };
        std::cout << out.dump() << '\n';
    } else {
        std::printf("bench_ingest: %d item events (%lld bytes JSONL), %d repeats, batch %d, %d deliveries/event, %s\n",
            n, static_cast<long long>(inputBytes), repeat, batchSize, kExpectedDeliveriesPerEvent,
            bench::g_postgres ? "PostgreSQL" : "SQLite");
        std::printf(
            "  machine: %u cores, %s, Qt %s, SQLite %s\n", cores, cpu.c_str(), qVersion(), sqliteVersion().c_str());
        std::printf("  pipeline  %10.0f events/s  %8.1f us/event  (cpu %7.1f us/event)  median of %d\n", pRate, pUs,
            pCpuUs, repeat);
        std::printf(
            "  baseline  %10.0f events/s  %8.1f us/event  (cpu %7.1f us/event)  revision + 5 delivery INSERTs\n", bRate,
            bUs, bCpuUs);
        std::printf("  minimal   %10.0f events/s  %8.1f us/event  (cpu %7.1f us/event)  minimal outbox tables\n", mRate,
            mUs, mCpuUs);
        std::printf("  ratio pipeline/own-schema baseline: %.2f\n", ratio);
        std::printf("  ratio pipeline/minimal outbox:      %.2f (goal >= 0.50)\n", minimalRatio);
    }
    return 0;
}
