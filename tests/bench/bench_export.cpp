// bench_export: audit export throughput against `sqlite3 -csv` of the same rows, and hash-chain verification speed.
//
// Usage: bench_export [--entries N] [--repeat R] [--keep DIR] [--json]
//   --entries N  audit entries in the generated workspace (default 1000000)
//   --repeat R   timed runs per side for the export comparison, alternating A B / B A (default 3); median reported
//   --keep DIR   generate into DIR (must not exist) and keep it, else a temporary directory that is removed
//   --json       one JSON line with all figures at the end
//
// The workspace is generated fast: one transaction, one prepared INSERT on the raw SQLite handle, the chain
// hashes computed with AuditHasher (the same bytes AuditLog::computeHash hashes), the head recorded in meta as
// AuditLog::append records it. AuditLog::verify() must accept the result (checked).
//
// Compared (same run, same rows, page cache warm for both):
//   baseline  `sqlite3 -csv WORKSPACE "SELECT seq, at, actor, action, subject, before, after, reason, prev_hash,
//             hash FROM audit_log ORDER BY seq" > file` (a child process, wall time)
//   mdsync    exportAudit() with CSV only (audit.csv + lineage.csv + manifest, SHA-256 of every file): MB/s of
//             audit.csv bytes — the same bytes the baseline writes plus one header line
//   full      exportAudit() with CSV + JSON Lines: reported as audit.csv MB/s (the baseline's byte basis; the
//             JSONL is written on top) and total MB/s of all files
// Verification: AuditLog::verify() on the workspace and verifyExport() on the full export, entries/s.
// Exit 1 when a sanity check fails, 2 on a usage or setup error.

#include "audit/auditexport.h"
#include "audit/auditlog.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/timeutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>
#include <time.h>

using namespace mdsync;
using nlohmann::json;

namespace {

[[noreturn]] void die(const std::string& message, int code = 2)
{
    std::cerr << "bench_export: " << message << '\n';
    std::exit(code);
}

const char* const kBaselineSql = "SELECT seq, at, actor, action, subject, before, after, reason, prev_hash, hash"
                                 " FROM audit_log ORDER BY seq";

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

double processCpu()
{
    timespec t {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double childrenCpu()
{
    rusage u {};
    getrusage(RUSAGE_CHILDREN, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
        + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double mb(qint64 bytes)
{
    return static_cast<double>(bytes) / 1e6;
}

// Realistic entries: steward actions on items/BOMs/suppliers with a few attributes before/after, ~60 % with a
// reason, ingest runs with summaries. Deterministic (fixed seed).
Result<qint64> generate(Workspace& ws, qint64 n)
{
    sqlite3* h = sqliteHandle(ws.db());
    SqlStatement ins, head;
    if (!ins.prepare(h,
            "INSERT INTO audit_log(seq, at, actor, action, subject, before, after, reason, prev_hash, hash)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)")
        || !head.prepare(h,
            "INSERT INTO meta(key, value) VALUES ('audit_head', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value"))
        return makeError(QStringLiteral("prepare: ") + ins.error() + head.error());
    // Continue the chain the workspace already has (Workspace::create may have written entries).
    std::int64_t seq = 0;
    std::string prev = AuditLog::genesisHash();
    const QString recorded = ws.meta(QStringLiteral("audit_head"));
    if (!recorded.isEmpty()) {
        const auto colon = recorded.indexOf(QLatin1Char(':'));
        seq = recorded.left(colon).toLongLong();
        prev = recorded.mid(colon + 1).toStdString();
    }
    static const char* const actors[]
        = { "anna.berg", "ben.okafor", "chen.li", "dora.santos", "erik.holm", "system:dispatcher", "system:ingest" };
    static const char* const actions[] = { "exception.correct", "exception.assign", "exception.comment",
        "delivery.replay", "exception.discard", "correction.approve", "ingest.run" };
    static const char* const units[] = { "kg", "g", "EA", "PCS", "m" };
    static const char* const statuses[] = { "in_design", "released", "blocked", "obsolete" };
    static const char* const reasons[] = { "supplier confirmed the new weight (ticket INC-%d)",
        "WMS rejected unit PCS; mapped to EA as agreed with plant IT (CHG-%d)",
        "duplicate of an existing item, superseded by the merge in change %d", "BOM position corrected after ECN %d",
        "\"urgent\" fix requested by production planning, line %d" };
    std::mt19937_64 rng(20261128);
    auto pick = [&rng](std::size_t count) { return static_cast<std::size_t>(rng() % count); };

    AuditHasher hasher;
    char buf[256];
    std::string before, after, reason, subject;
    const TimeMs t0 = *parseRfc3339("2026-01-05T06:00:00Z");
    if (auto r = ws.begin(); !r)
        return makeError(r.error());
    for (qint64 i = 0; i < n; ++i) {
        ++seq;
        const std::string at = formatRfc3339(t0 + i * 3217 + static_cast<TimeMs>(pick(1000)));
        const char* actor = actors[pick(std::size(actors))];
        const std::size_t a = pick(std::size(actions));
        const char* action = actions[a];
        const char* domain = a == 5 ? "bom" : (i % 7 == 3 ? "supplier" : "item");
        std::snprintf(buf, sizeof buf, "%s/%s-%06d", domain, domain[0] == 's' ? "S" : "FG",
            static_cast<int>(pick(900000) + 100000));
        subject = buf;
        bool hasBefore = true, hasAfter = true;
        if (a == 6) { // ingest run: no before, a run summary after
            subject = "ingest run " + std::to_string(i);
            hasBefore = false;
            std::snprintf(buf, sizeof buf,
                "{\"accepted\":%d,\"exceptions\":%d,\"received\":%d,\"run_id\":%d,\"source_name\":\"plm-%06d.jsonl\"}",
                static_cast<int>(pick(500)), static_cast<int>(pick(5)), static_cast<int>(pick(505)),
                static_cast<int>(i), static_cast<int>(i));
            after = buf;
        } else if (a == 1 || a == 2) { // assign / comment
            std::snprintf(buf, sizeof buf, "{\"assignee\":null,\"status\":\"open\"}");
            before = buf;
            std::snprintf(buf, sizeof buf, "{\"assignee\":\"%s\",\"comment\":\"checked with %s, waiting for PLM\"}",
                actors[pick(5)], actors[pick(5)]);
            after = buf;
        } else {
            const double w = static_cast<double>(pick(100000)) / 100.0;
            std::snprintf(buf, sizeof buf,
                "{\"base_uom\":\"%s\",\"lifecycle_status\":\"%s\",\"net_weight\":\"%.2f kg\"}", units[pick(5)],
                statuses[pick(4)], w);
            before = buf;
            std::snprintf(buf, sizeof buf,
                "{\"base_uom\":\"%s\",\"lifecycle_status\":\"%s\",\"net_weight\":\"%.2f kg\"}", units[pick(3)],
                statuses[pick(4)], w * 1.02);
            after = buf;
            hasAfter = a != 4;
        }
        const bool hasReason = pick(10) < 6;
        if (hasReason) {
            std::snprintf(buf, sizeof buf, reasons[pick(std::size(reasons))], static_cast<int>(pick(90000) + 10000));
            reason = buf;
        }
        const AuditHasher::Text b = hasBefore ? AuditHasher::Text(before) : std::nullopt;
        const AuditHasher::Text af = hasAfter ? AuditHasher::Text(after) : std::nullopt;
        const AuditHasher::Text re = hasReason ? AuditHasher::Text(reason) : std::nullopt;
        const std::string hash(hasher.hash(seq, at, actor, action, subject, b, af, re, prev));
        ins.bind(0, seq);
        ins.bind(1, std::string_view(at));
        ins.bind(2, actor);
        ins.bind(3, action);
        ins.bind(4, std::string_view(subject));
        b ? ins.bind(5, *b) : ins.bindNull(5);
        af ? ins.bind(6, *af) : ins.bindNull(6);
        re ? ins.bind(7, *re) : ins.bindNull(7);
        ins.bind(8, std::string_view(prev));
        ins.bind(9, std::string_view(hash));
        if (!ins.exec()) {
            ws.rollback();
            return makeError(ins.error());
        }
        prev = hash;
    }
    head.bind(0, std::string_view(std::to_string(seq) + ":" + prev));
    if (!head.exec()) {
        ws.rollback();
        return makeError(head.error());
    }
    if (auto r = ws.commit(); !r)
        return makeError(r.error());
    if (auto r = ws.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")); !r)
        return makeError(r.error());
    return seq;
}

struct Run
{
    double seconds = 0, cpu = 0;
    qint64 csvBytes = 0, totalBytes = 0, entries = 0;
};

Run runExport(QSqlDatabase db, const QString& dir, bool jsonl)
{
    ExportOptions o;
    o.directory = dir;
    o.csv = true;
    o.jsonl = jsonl;
    QElapsedTimer t;
    const double c0 = processCpu();
    t.start();
    auto m = exportAudit(db, o);
    Run r;
    r.seconds = static_cast<double>(t.nsecsElapsed()) / 1e9;
    r.cpu = processCpu() - c0;
    if (!m)
        die("export failed: " + m.error().toStdString(), 1);
    r.entries = m.value()["audit"]["count"].get<qint64>();
    for (const auto& f : m.value()["files"]) {
        r.totalBytes += f["bytes"].get<qint64>();
        if (f["name"] == "audit.csv")
            r.csvBytes = f["bytes"].get<qint64>();
    }
    return r;
}

Run runBaseline(const QString& sqlite3, const QString& workspace, const QString& outFile)
{
    QProcess p;
    p.setStandardOutputFile(outFile, QIODevice::Truncate);
    QElapsedTimer t;
    const double c0 = childrenCpu();
    t.start();
    p.start(sqlite3, { QStringLiteral("-csv"), workspace, QString::fromLatin1(kBaselineSql) });
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        die("sqlite3 failed: " + QString::fromLocal8Bit(p.readAllStandardError()).toStdString(), 1);
    Run r;
    r.seconds = static_cast<double>(t.nsecsElapsed()) / 1e9;
    r.cpu = childrenCpu() - c0;
    r.csvBytes = r.totalBytes = QFileInfo(outFile).size();
    return r;
}

QString cpuModel()
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly))
        for (const QByteArray& line : f.readAll().split('\n'))
            if (line.startsWith("model name"))
                return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    return QStringLiteral("?");
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    qint64 entries = 1000000;
    int repeat = 3;
    QString keep;
    bool jsonOut = false;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        auto value = [&]() -> QString {
            if (i + 1 >= args.size())
                die("option " + a.toStdString() + " needs a value");
            return args[++i];
        };
        bool ok = true;
        if (a == QStringLiteral("--entries"))
            entries = value().toLongLong(&ok);
        else if (a == QStringLiteral("--repeat"))
            repeat = value().toInt(&ok);
        else if (a == QStringLiteral("--keep"))
            keep = value();
        else if (a == QStringLiteral("--json"))
            jsonOut = true;
        else
            die("usage: bench_export [--entries N] [--repeat R] [--keep DIR] [--json]");
        if (!ok || entries < 1 || repeat < 1)
            die("bad value for " + a.toStdString());
    }

    const QString sqlite3 = QStandardPaths::findExecutable(QStringLiteral("sqlite3"));
    if (sqlite3.isEmpty())
        std::cout << "*** sqlite3 CLI NOT FOUND: the baseline cannot run (apt-get install -y sqlite3); only MDSync's "
                     "figures are reported, no ratio ***\n";

    QTemporaryDir tmp;
    QString root = tmp.path();
    if (!keep.isEmpty()) {
        if (QFileInfo::exists(keep))
            die("--keep directory exists already: " + keep.toStdString());
        QDir().mkpath(keep);
        root = keep;
    }
    const QString wsPath = QDir(root).filePath(QStringLiteral("bench.mdsync"));
    auto ws = Workspace::create(wsPath);
    if (!ws)
        die("workspace: " + ws.error().toStdString());

    std::cout << "bench_export: " << entries << " audit entries; " << std::thread::hardware_concurrency() << " cores, "
              << cpuModel().toStdString() << ", " << QSysInfo::prettyProductName().toStdString() << ", "
              << formatRfc3339(nowMs()) << '\n';
    QElapsedTimer gen;
    gen.start();
    auto last = generate(*ws.value(), entries);
    if (!last)
        die("generate: " + last.error().toStdString());
    const double genS = static_cast<double>(gen.nsecsElapsed()) / 1e9;
    std::printf("generated %lld entries in %.2f s (%.0f entries/s), workspace %.1f MB\n",
        static_cast<long long>(last.value()), genS, static_cast<double>(entries) / genS, mb(QFileInfo(wsPath).size()));
    std::fflush(stdout);
    int failures = 0;
    QSqlDatabase db = ws.value()->db();

    // ---- export vs sqlite3 -csv, alternating -----------------------------------------------------------------
    std::vector<double> mdRate, baseRate, ratio, mdCpuRate, baseCpuRate, cpuRatio;
    Run md, base;
    int runNo = 0;
    for (int r = 0; r < repeat; ++r) {
        const bool mdFirst = r % 2 == 0;
        for (int side = 0; side < 2; ++side) {
            const bool doMd = (side == 0) == mdFirst;
            if (doMd) {
                const QString dir = QDir(root).filePath(QStringLiteral("csv%1").arg(runNo++));
                md = runExport(db, dir, false);
                QDir(dir).removeRecursively();
                mdRate.push_back(mb(md.csvBytes) / md.seconds);
                mdCpuRate.push_back(mb(md.csvBytes) / md.cpu);
            } else if (!sqlite3.isEmpty()) {
                const QString file = QDir(root).filePath(QStringLiteral("baseline.csv"));
                base = runBaseline(sqlite3, wsPath, file);
                if (r + 1 < repeat)
                    QFile::remove(file);
                baseRate.push_back(mb(base.csvBytes) / base.seconds);
                baseCpuRate.push_back(mb(base.csvBytes) / base.cpu);
            }
        }
        if (!sqlite3.isEmpty()) {
            // Same bytes basis: MDSync's time for the same rows, counted on the baseline's bytes (MDSync's own
            // audit.csv has a header line and CRLF line ends, sqlite3's LF: ~0.3 % more).
            mdRate.back() = mb(base.csvBytes) / md.seconds;
            mdCpuRate.back() = mb(base.csvBytes) / md.cpu;
            ratio.push_back(mdRate.back() / baseRate.back());
            cpuRatio.push_back(mdCpuRate.back() / baseCpuRate.back());
        }
        std::printf("  run %d: mdsync csv %.1f MB/s (%.2f s wall, %.2f s cpu)%s", r + 1, mdRate.back(), md.seconds,
            md.cpu, sqlite3.isEmpty() ? "\n" : "");
        if (!sqlite3.isEmpty())
            std::printf(", sqlite3 -csv %.1f MB/s (%.2f s wall, %.2f s cpu), ratio %.2f (cpu %.2f)\n", baseRate.back(),
                base.seconds, base.cpu, ratio.back(), cpuRatio.back());
        std::fflush(stdout);
    }
    if (md.entries != last.value()) {
        std::printf("SANITY: export has %lld entries, expected %lld\n", static_cast<long long>(md.entries),
            static_cast<long long>(last.value()));
        ++failures;
    }

    // Same bytes? The baseline has no header line; otherwise RFC 4180 output of both should agree.
    QString sameBytes = QStringLiteral("n/a");
    const QString fullDir = QDir(root).filePath(QStringLiteral("full"));
    QElapsedTimer ft;
    ft.start();
    const Run full = runExport(db, fullDir, true);
    if (!sqlite3.isEmpty()) {
        QFile a(QDir(fullDir).filePath(QStringLiteral("audit.csv"))),
            b(QDir(root).filePath(QStringLiteral("baseline.csv")));
        if (a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly)) {
            // Not byte-identical by design: sqlite3 also quotes fields that contain a space and ends lines with LF;
            // MDSync quotes only what RFC 4180 requires and ends lines with CRLF. Report the byte difference.
            sameBytes
                = QStringLiteral("MDSync %1 bytes (incl. header), sqlite3 %2 bytes (%3 %)")
                      .arg(a.size())
                      .arg(b.size())
                      .arg(100.0 * static_cast<double>(a.size() - b.size()) / static_cast<double>(b.size()), 0, 'f', 2);
        }
        QFile::remove(QDir(root).filePath(QStringLiteral("baseline.csv")));
    }

    // ---- verification ----------------------------------------------------------------------------------------
    QElapsedTimer vt;
    double c0 = processCpu();
    vt.start();
    const AuditVerification v = AuditLog(db).verify();
    const double verifyS = static_cast<double>(vt.nsecsElapsed()) / 1e9;
    const double verifyCpu = processCpu() - c0;
    if (!v.ok || v.entries != last.value()) {
        std::printf("SANITY: AuditLog::verify ok=%d entries=%lld, first problem: %s\n", v.ok,
            static_cast<long long>(v.entries), v.problems.empty() ? "-" : v.problems.front().c_str());
        ++failures;
    }
    c0 = processCpu();
    vt.restart();
    auto ve = verifyExport(fullDir);
    const double verifyExportS = static_cast<double>(vt.nsecsElapsed()) / 1e9;
    const double verifyExportCpu = processCpu() - c0;
    if (!ve || !ve.value().value("ok", false)) {
        std::printf("SANITY: verifyExport failed: %s\n", ve ? ve.value().dump().substr(0, 400).c_str() : "error");
        ++failures;
    }

    const double mdMed = median(mdRate), baseMed = median(baseRate), ratioMed = median(ratio);
    const double entriesPerS
        = static_cast<double>(md.entries) / (mb(sqlite3.isEmpty() ? md.csvBytes : base.csvBytes) / mdMed);
    std::printf("\nexport, CSV only (audit.csv + lineage.csv + manifest, SHA-256 per file), median of %d:\n", repeat);
    std::printf("  mdsync        %8.1f MB/s (%s), %.0f entries/s; its audit.csv: %.1f MB\n", mdMed,
        sqlite3.isEmpty() ? "of its audit.csv" : "the baseline's bytes / MDSync's time", entriesPerS, mb(md.csvBytes));
    if (!sqlite3.isEmpty()) {
        std::printf("  sqlite3 -csv  %8.1f MB/s (%.1f MB)\n", baseMed, mb(base.csvBytes));
        std::printf("  ratio mdsync/sqlite3 = %.2f wall (goal >= 0.70: %s), %.2f by CPU time (MB per CPU second)\n",
            ratioMed, ratioMed >= 0.7 ? "met" : "NOT met", median(cpuRatio));
        std::printf("  CSV sizes: %s\n", qPrintable(sameBytes));
    } else {
        std::printf("  sqlite3 -csv  NOT MEASURED (sqlite3 CLI missing)\n");
    }
    const double fullCsvRate = mb(sqlite3.isEmpty() ? full.csvBytes : base.csvBytes) / full.seconds;
    std::printf("export, CSV + JSON Lines (1 run): %.2f s, %.1f MB/s of audit.csv (ratio to sqlite3 %.2f), "
                "%.1f MB/s of all files (%.1f MB), %.0f entries/s\n",
        full.seconds, fullCsvRate, baseMed > 0 ? fullCsvRate / baseMed : 0.0, mb(full.totalBytes) / full.seconds,
        mb(full.totalBytes), static_cast<double>(full.entries) / full.seconds);
    const double vRate = static_cast<double>(v.entries) / verifyS;
    const double veRate = static_cast<double>(full.entries) / verifyExportS;
    std::printf("verification (goal >= 1000000 entries/s):\n");
    std::printf("  AuditLog::verify  %.2f s wall (%.2f s cpu), %.0f entries/s (%s)\n", verifyS, verifyCpu, vRate,
        vRate >= 1e6 ? "met" : "NOT met");
    std::printf("  verifyExport      %.2f s wall (%.2f s cpu), %.0f entries/s (%s; reads, compares and hashes "
                "audit.csv and audit.jsonl, SHA-256 of every file)\n",
        verifyExportS, verifyExportCpu, veRate, veRate >= 1e6 ? "met" : "NOT met");
    if (jsonOut) {
        json j = { { "entries", entries }, { "repeat", repeat }, { "generate_s", genS }, { "mdsync_csv_mb_s", mdMed },
            { "mdsync_csv_entries_s", entriesPerS }, { "csv_mb", mb(md.csvBytes) },
            { "sqlite3_csv_mb_s", sqlite3.isEmpty() ? json(nullptr) : json(baseMed) },
            { "ratio", sqlite3.isEmpty() ? json(nullptr) : json(ratioMed) },
            { "ratio_cpu", sqlite3.isEmpty() ? json(nullptr) : json(median(cpuRatio)) }, { "full_s", full.seconds },
            { "full_csv_mb_s", fullCsvRate }, { "full_total_mb", mb(full.totalBytes) }, { "verify_entries_s", vRate },
            { "verify_export_entries_s", veRate }, { "sanity_failures", failures } };
        std::cout << j.dump() << '\n';
    }
    if (!keep.isEmpty())
        std::printf("kept: %s\n", qPrintable(root));
    return failures ? 1 : 0;
}
