// Audit export with a manifest and its offline verification: round trip, CSV quoting, filters, and detection of
// tampering with the exported files and with the workspace before the export.

#include "audit/auditexport.h"
#include "audit/auditlog.h"
#include "util/fastsha256.h"
#include "util/hash.h"
#include "util/text.h"
#include "workspacefixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

#include <cstring>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

// Makes the manifest's size and SHA-256 of `name` match the file again (a tamperer who also edits the manifest).
bool refreshManifest(const QString& dir, const QString& name)
{
    const QString mpath = QDir(dir).filePath(QStringLiteral("manifest.json"));
    json m = json::parse(readAll(mpath).toStdString(), nullptr, false);
    if (m.is_discarded())
        return false;
    const QByteArray data = readAll(QDir(dir).filePath(name));
    for (auto& f : m["files"])
        if (f["name"] == name.toStdString()) {
            f["bytes"] = data.size();
            f["sha256"] = sha256Hex(std::string_view(data.constData(), static_cast<size_t>(data.size())));
        }
    return writeAll(mpath, QByteArray::fromStdString(m.dump(2)));
}

bool anyProblem(const json& v, const std::string& needle, const std::string& needle2 = {})
{
    for (const auto& p : v["problems"]) {
        const auto s = p.get<std::string>();
        if (s.find(needle) != std::string::npos && (needle2.empty() || s.find(needle2) != std::string::npos))
            return true;
    }
    return false;
}

std::string item(const std::string& key, const std::string& description)
{
    json a = releasedItem(description, { "P100" });
    a["lifecycle_status"] = "released";
    // Before the earliest ingest clock below: an event from more than 24 h ahead of the clock is refused.
    return event("PLM", "item", key, a, {}, "upsert", "2026-11-01T07:00:00Z");
}

} // namespace

class TestAuditExport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TempWorkspace> m_tw;

    // A workspace with ingested items (lineage + "ingest.run" entries) and `n` extra audit entries.
    bool makeWorkspace(int n, const std::optional<std::string>& reason = std::nullopt)
    {
        m_tw = std::make_unique<TempWorkspace>();
        if (!m_tw->ok()) {
            qWarning("%s", qPrintable(m_tw->error()));
            return false;
        }
        IngestOptions early;
        early.clock = [] { return at("2026-11-01T08:00:00Z"); };
        if (!m_tw->ingest({ item("FG-1000", "Pump CP-90") }, early))
            return false;
        if (!m_tw->ingest({ item("FG-1001", "Pump CP-91"), item("FG-1002", "Pump CP-92") }))
            return false;
        if (!m_tw->ws().begin())
            return false;
        AuditLog log(m_tw->db());
        for (int i = 1; i <= n; ++i)
            if (!log.append("steward" + std::to_string(i), "exception.correct", "item/FG-1000",
                    json { { "net_weight", i } }, json { { "net_weight", i + 1 } }, reason))
                return false;
        return static_cast<bool>(m_tw->ws().commit());
    }

    QString exportDir(const char* name) const { return m_tw->filePath(QLatin1String(name)); }

private Q_SLOTS:
    void roundTripVerifies()
    {
        QVERIFY(makeWorkspace(5));
        ExportOptions o;
        o.directory = exportDir("exp");
        qint64 lastDone = -1, lastTotal = -1;
        o.progress = [&](qint64 done, qint64 total) {
            lastDone = done;
            lastTotal = total;
        };
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const qint64 entries = count(m_tw->db(), QStringLiteral("audit_log"));
        const qint64 events = count(m_tw->db(), QStringLiteral("lineage_event"));
        QVERIFY(entries >= 5);
        QVERIFY(events >= 3);
        QCOMPARE(m.value()["audit"]["count"].get<qint64>(), entries);
        QCOMPARE(m.value()["lineage"]["count"].get<qint64>(), events);
        QCOMPARE(m.value()["audit"]["first_seq"].get<qint64>(), qint64(1));
        QCOMPARE(qs(m.value()["audit"]["first_prev_hash"].get<std::string>()), qs(AuditLog::genesisHash()));
        QCOMPARE(dumped(m.value()["audit"]["last_hash"]), dumped(m.value()["chain_head_at_export"]["hash"]));
        QCOMPARE(m.value()["files"].size(), size_t(4));
        QCOMPARE(lastDone, entries + events);
        QCOMPARE(lastTotal, entries + events);
        for (const char* f : { "audit.csv", "audit.jsonl", "lineage.csv", "lineage.jsonl", "manifest.json" })
            QVERIFY2(QFile::exists(QDir(o.directory).filePath(QLatin1String(f))), f);

        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["checked"]["audit_hashes"].get<qint64>(), entries);
        QCOMPARE(v.value()["checked"]["lineage_events"].get<qint64>(), events);

        // The lineage time is RFC 3339 in the files.
        const QByteArray lineage = readAll(QDir(o.directory).filePath(QStringLiteral("lineage.jsonl")));
        QVERIFY(lineage.contains("\"at\":\"2026-11-01T08:00:00.000Z\""));
    }

    void csvQuoting()
    {
        const std::string tricky = "typo, in \"PLM\"\nsecond line";
        QVERIFY(makeWorkspace(2, tricky));
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const QByteArray csv = readAll(QDir(o.directory).filePath(QStringLiteral("audit.csv")));
        QVERIFY(csv.startsWith("seq,at,actor,action,subject,before,after,reason,prev_hash,hash\r\n"));
        QVERIFY2(csv.contains(",\"typo, in \"\"PLM\"\"\nsecond line\","), csv.constData());
        // JSON text with quotes and commas is quoted too.
        QVERIFY(csv.contains(",\"{\"\"net_weight\"\":1}\","));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));
    }

    void timeAndObjectFilter()
    {
        QVERIFY(makeWorkspace(1));
        // Lineage: only the second ingest (kNow) is at or after the 15th.
        ExportOptions o;
        o.directory = exportDir("late");
        o.from = at("2026-11-15T00:00:00Z");
        o.to = at("2030-01-01T00:00:00Z");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const qint64 late = count(
            m_tw->db(), QStringLiteral("lineage_event"), QStringLiteral("at >= %1").arg(at("2026-11-15T00:00:00Z")));
        QVERIFY(late > 0);
        QVERIFY(late < count(m_tw->db(), QStringLiteral("lineage_event")));
        QCOMPARE(m.value()["lineage"]["count"].get<qint64>(), late);
        QVERIFY(!readAll(QDir(o.directory).filePath(QStringLiteral("lineage.jsonl")))
                     .contains("\"object_key\":\"FG-1000\""));
        // Audit entries are written with the real clock (now), which lies before 2030.
        QCOMPARE(m.value()["audit"]["count"].get<qint64>(), count(m_tw->db(), QStringLiteral("audit_log")));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));

        // A range before everything: nothing, and that verifies.
        ExportOptions early;
        early.directory = exportDir("early");
        early.to = at("2020-01-01T00:00:00Z");
        MDSYNC_REQUIRE_OK(e, exportAudit(m_tw->db(), early));
        QCOMPARE(e.value()["audit"]["count"].get<qint64>(), qint64(0));
        QCOMPARE(e.value()["lineage"]["count"].get<qint64>(), qint64(0));
        MDSYNC_REQUIRE_OK(ev, verifyExport(early.directory));
        QVERIFY2(ev.value()["ok"].get<bool>(), qPrintable(dumped(ev.value())));

        // Objects filter applies to lineage only.
        ExportOptions one;
        one.directory = exportDir("one");
        one.objects = { { "item", "FG-1001" } };
        MDSYNC_REQUIRE_OK(x, exportAudit(m_tw->db(), one));
        QCOMPARE(x.value()["lineage"]["count"].get<qint64>(),
            count(m_tw->db(), QStringLiteral("lineage_event"), QStringLiteral("object_key = 'FG-1001'")));
        const QByteArray lj = readAll(QDir(one.directory).filePath(QStringLiteral("lineage.jsonl")));
        QVERIFY(lj.contains("\"object_key\":\"FG-1001\""));
        QVERIFY(!lj.contains("\"object_key\":\"FG-1002\""));
        QCOMPARE(x.value()["audit"]["count"].get<qint64>(), count(m_tw->db(), QStringLiteral("audit_log")));

        // An empty range is refused.
        ExportOptions bad;
        bad.directory = exportDir("bad");
        bad.from = at("2026-11-15T00:00:00Z");
        bad.to = at("2026-11-15T00:00:00Z");
        const auto b = exportAudit(m_tw->db(), bad);
        QVERIFY(!b);
        QVERIFY2(b.error().contains(QStringLiteral("empty time range")), qPrintable(b.error()));
    }

    void csvOnlyExportVerifiesChain()
    {
        QVERIFY(makeWorkspace(3, std::string("a, \"b\"")));
        ExportOptions o;
        o.directory = exportDir("exp");
        o.jsonl = false;
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        QVERIFY(!QFile::exists(QDir(o.directory).filePath(QStringLiteral("audit.jsonl"))));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["checked"]["audit_hashes"].get<qint64>(), count(m_tw->db(), QStringLiteral("audit_log")));

        // Without a JSONL to compare with, the hash recomputation from the CSV catches a changed value.
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.csv"));
        QByteArray csv = readAll(path);
        const auto pos = csv.indexOf("steward1");
        QVERIFY(pos > 0);
        csv[pos + 7] = '8';
        QVERIFY(writeAll(path, csv));
        QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.csv")));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "audit.csv line", "content does not match its hash"),
            qPrintable(dumped(v2.value())));
    }

    void oneByteOfCsvChanged()
    {
        QVERIFY(makeWorkspace(3));
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.csv"));
        QByteArray csv = readAll(path);
        const auto pos = csv.indexOf("steward2");
        QVERIFY(pos > 0);
        csv[pos] = 'S';
        QVERIFY(writeAll(path, csv));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY(!v.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v.value(), "audit.csv", "SHA-256"), qPrintable(dumped(v.value())));
        // The file's SHA-256 (computed on a second thread while the rows are parsed) is listed first, before what
        // the parse found in its rows, and counted once.
        const json& problems = v.value()["problems"];
        QVERIFY2(problems.size() >= 2, qPrintable(dumped(v.value())));
        QVERIFY2(qs(problems[0].get<std::string>()).startsWith(QStringLiteral("audit.csv: SHA-256")),
            qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["problem_count"].get<qint64>(), static_cast<qint64>(problems.size()));
        // Even with the manifest fixed, the row disagrees with audit.jsonl.
        QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.csv")));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "audit.csv line", "field 'actor'"), qPrintable(dumped(v2.value())));
    }

    // A few thousand entries whose reasons cover the CSV edge cases (null, empty, comma, quotes, embedded CRLF);
    // one byte changed in the middle of each file is found and named by file, line and seq.
    void largeExportTamperedInTheMiddle()
    {
        QVERIFY(makeWorkspace(0));
        const std::vector<std::optional<std::string>> reasons { std::nullopt, std::string(), std::string("a,b"),
            std::string("say \"hi\", \"\""), std::string("line1\r\nline2"), std::string("plain") };
        QVERIFY(m_tw->ws().begin());
        AuditLog log(m_tw->db());
        for (int i = 1; i <= 3000; ++i)
            QVERIFY(log.append("steward" + std::to_string(i), "exception.correct", "item/FG-1000",
                json { { "net_weight", i } }, json { { "net_weight", i + 1 } }, reasons[size_t(i) % reasons.size()]));
        QVERIFY(m_tw->ws().commit());
        const qint64 seq
            = scalar(m_tw->db(), QStringLiteral("SELECT seq FROM audit_log WHERE actor = 'steward1500'")).toLongLong();
        QVERIFY(seq > 0);
        const std::string seqText = "(seq " + std::to_string(seq) + ")";
        auto exportTo = [this](const char* name) {
            ExportOptions o;
            o.directory = exportDir(name);
            const auto m = exportAudit(m_tw->db(), o);
            const auto v = verifyExport(o.directory);
            return m && v && v.value()["ok"].get<bool>() ? o.directory : QString();
        };
        // Physical line (1-based) on which the CSV record containing `pos` starts.
        auto recordLine = [](const QByteArray& csv, qsizetype pos) {
            const qsizetype start = csv.lastIndexOf("\r\n", pos) + 2;
            return std::to_string(csv.left(start).count('\n') + 1);
        };

        // audit.csv: one byte of an actor, manifest fixed: the row disagrees with audit.jsonl.
        const QString d1 = exportTo("exp1");
        QVERIFY(!d1.isEmpty());
        const QString csvPath = QDir(d1).filePath(QStringLiteral("audit.csv"));
        QByteArray csv = readAll(csvPath);
        auto pos = csv.indexOf(",steward1500,");
        QVERIFY(pos > csv.size() / 3);
        const std::string line = recordLine(csv, pos);
        QVERIFY(line != "1501"); // embedded line breaks before it: the physical line, not the seq
        csv[pos + 1] = 'S';
        QVERIFY(writeAll(csvPath, csv));
        QVERIFY(refreshManifest(d1, QStringLiteral("audit.csv")));
        MDSYNC_REQUIRE_OK(v1, verifyExport(d1));
        QVERIFY(!v1.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v1.value(), "audit.csv line " + line + ": field 'actor' (seq " + std::to_string(seq)),
            qPrintable(dumped(v1.value())));
        QCOMPARE(v1.value()["problem_count"].get<qint64>(), qint64(1));

        // audit.jsonl: one byte of the same actor, manifest fixed: the hash and the CSV give it away.
        const QString d2 = exportTo("exp2");
        QVERIFY(!d2.isEmpty());
        const QString jsonlPath = QDir(d2).filePath(QStringLiteral("audit.jsonl"));
        QByteArray text = readAll(jsonlPath);
        pos = text.indexOf("\"steward1500\"");
        QVERIFY(pos > text.size() / 3);
        const std::string jline = std::to_string(text.left(pos).count('\n') + 1);
        text[pos + 1] = 'S';
        QVERIFY(writeAll(jsonlPath, text));
        QVERIFY(refreshManifest(d2, QStringLiteral("audit.jsonl")));
        MDSYNC_REQUIRE_OK(v2, verifyExport(d2));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(
            anyProblem(v2.value(), "audit.jsonl line " + jline + " " + seqText + ": content does not match its hash"),
            qPrintable(dumped(v2.value())));
        QVERIFY2(anyProblem(v2.value(), "field 'actor' " + seqText), qPrintable(dumped(v2.value())));

        // CSV quoting: an empty string turned into an empty (null) field, and an embedded CRLF turned into LF.
        const QString d3 = exportTo("exp3");
        QVERIFY(!d3.isEmpty());
        const QString csv3Path = QDir(d3).filePath(QStringLiteral("audit.csv"));
        QByteArray csv3 = readAll(csv3Path);
        const auto empty = csv3.indexOf(",\"\",", csv3.size() / 2);
        QVERIFY(empty > 0);
        const std::string emptyLine = recordLine(csv3, empty);
        csv3.remove(empty + 1, 2);
        const auto crlf = csv3.indexOf("line1\r\nline2", empty);
        QVERIFY(crlf > 0);
        const std::string crlfLine = recordLine(csv3, crlf);
        csv3.remove(crlf + 5, 1);
        QVERIFY(writeAll(csv3Path, csv3));
        QVERIFY(refreshManifest(d3, QStringLiteral("audit.csv")));
        MDSYNC_REQUIRE_OK(v3, verifyExport(d3));
        QVERIFY(!v3.value()["ok"].get<bool>());
        QVERIFY2(
            anyProblem(v3.value(), "audit.csv line " + emptyLine + ": field 'reason'"), qPrintable(dumped(v3.value())));
        QVERIFY2(
            anyProblem(v3.value(), "audit.csv line " + crlfLine + ": field 'reason'"), qPrintable(dumped(v3.value())));
        QCOMPARE(v3.value()["problem_count"].get<qint64>(), qint64(2));
    }

    void valueInJsonlChanged()
    {
        QVERIFY(makeWorkspace(3));
        ExportOptions o;
        o.directory = exportDir("exp");
        o.csv = false; // only the JSONL: the hash is the last line of defence
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.jsonl"));
        QByteArray text = readAll(path);
        const auto pos = text.indexOf("\"steward2\"");
        QVERIFY(pos > 0);
        text[pos + 8] = '7'; // steward2 -> steward7, same size
        QVERIFY(writeAll(path, text));
        QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.jsonl")));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY(!v.value()["ok"].get<bool>());
        const qint64 seq
            = scalar(m_tw->db(), QStringLiteral("SELECT seq FROM audit_log WHERE actor = 'steward2'")).toLongLong();
        QVERIFY(seq > 0);
        QVERIFY2(anyProblem(v.value(), "(seq " + std::to_string(seq) + "): content does not match its hash"),
            qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["problem_count"].get<qint64>(), qint64(1));
    }

    // verify-export hashes the JSON texts of a line as they stand when they are exactly what the exporter writes;
    // an equivalent spelling ("\/" for "/", "\u0069" for "i") must be decoded first, else the hash would differ.
    void equivalentEscapesInJsonlStillVerify()
    {
        QVERIFY(makeWorkspace(3));
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.jsonl"));
        const QByteArray original = readAll(path);
        QVERIFY(original.contains("\"item/FG-1000\""));
        for (const char* spelling : { "\"item\\/FG-1000\"", "\"\\u0069tem/FG-1000\"" }) {
            QByteArray text = original;
            text.replace("\"item/FG-1000\"", spelling);
            QVERIFY(writeAll(path, text));
            QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.jsonl")));
            MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
            QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(QLatin1String(spelling) + dumped(v.value())));
            QCOMPARE(
                v.value()["checked"]["audit_hashes"].get<qint64>(), count(m_tw->db(), QStringLiteral("audit_log")));
        }
    }

    // verify-export compares the CSV with the JSONL without unescaping where it can: a JSON string whose only
    // escapes are \" against the CSV's "" byte for byte, other escapes (\\ here) unescaped first. A CSV field
    // changed in either kind of text, inside the first 16 bytes or in the last few, is still a difference; with
    // the CSV's manifest entry fixed, that difference is the only problem (the chain is checked on the JSONL).
    void escapedFieldDiffersBetweenCsvAndJsonl()
    {
        QVERIFY(makeWorkspace(3, std::string(R"("quoted" C:\dir\file, 100%)")));
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        MDSYNC_REQUIRE_OK(clean, verifyExport(o.directory));
        QVERIFY2(clean.value()["ok"].get<bool>(), qPrintable(dumped(clean.value())));
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.csv"));
        const QByteArray original = readAll(path);
        const auto row = original.indexOf("steward2");
        QVERIFY(row > 0);
        // the CSV texts of steward2's row as the exporter writes them
        QCOMPARE(original.indexOf(R"("{""net_weight"":2}")", row), original.indexOf("{", row) - 1);
        QVERIFY(original.indexOf(R"("""quoted"" C:\dir\file, 100%")", row) > row);
        struct Change
        {
            const char* from;
            const char* to;
            const char* field;
        };
        for (const Change& c : { Change { "net_weight", "net_Weight", "before" }, // in the first 16 bytes
                 Change { R"("":2})", R"("":7})", "before" }, // in the last bytes
                 Change { R"(C:\dir)", R"(C:/dir)", "reason" } }) { // a field with a backslash
            QByteArray csv = original;
            const auto pos = csv.indexOf(c.from, row);
            QVERIFY(pos > row);
            csv.replace(pos, static_cast<qsizetype>(std::strlen(c.from)), c.to);
            QCOMPARE(csv.size(), original.size());
            QVERIFY(writeAll(path, csv));
            QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.csv")));
            MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
            QVERIFY2(!v.value()["ok"].get<bool>(), c.to);
            QVERIFY2(anyProblem(v.value(), "audit.csv line", "field '" + std::string(c.field) + "'"),
                qPrintable(QLatin1String(c.to) + dumped(v.value())));
            QCOMPARE(v.value()["problem_count"].get<qint64>(), qint64(1));
        }
    }

    void lineDeleted()
    {
        QVERIFY(makeWorkspace(4));
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const QString path = QDir(o.directory).filePath(QStringLiteral("audit.jsonl"));
        QList<QByteArray> lines = readAll(path).split('\n');
        QVERIFY(lines.size() > 3);
        lines.removeAt(2); // seq 3
        QVERIFY(writeAll(path, lines.join('\n')));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY(!v.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v.value(), "audit.jsonl", "size"), qPrintable(dumped(v.value())));

        // With the manifest's size and hash fixed, the chain, the seq and the counts still give it away.
        QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.jsonl")));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "(seq 4): prev_hash does not link"), qPrintable(dumped(v2.value())));
        QVERIFY2(anyProblem(v2.value(), "(seq 4): seq follows 2"), qPrintable(dumped(v2.value())));
        QVERIFY2(anyProblem(v2.value(), "entries read, the manifest records"), qPrintable(dumped(v2.value())));
        QVERIFY(!anyProblem(v2.value(), "SHA-256"));
    }

    void workspaceTamperedBeforeExport()
    {
        QVERIFY(makeWorkspace(4));
        {
            RawConnection raw(m_tw->path());
            QVERIFY(raw.dropAuditTriggers());
            const QString err = raw.exec(QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"));
            QVERIFY2(err.isEmpty(), qPrintable(err));
        }
        ExportOptions o;
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY(!v.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v.value(), "(seq 3): content does not match its hash"), qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["problem_count"].get<qint64>(), qint64(1));
    }

    void nonEmptyDirectoryRefused()
    {
        QVERIFY(makeWorkspace(1));
        const QString dir = exportDir("busy");
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(writeAll(QDir(dir).filePath(QStringLiteral("notes.txt")), "keep me"));
        ExportOptions o;
        o.directory = dir;
        const auto r = exportAudit(m_tw->db(), o);
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("is not empty")), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("notes.txt")), qPrintable(r.error()));
        QCOMPARE(QDir(dir).entryList(QDir::Files).size(), 1);

        // A second export into the same directory is refused too.
        o.directory = exportDir("exp");
        MDSYNC_REQUIRE_OK(first, exportAudit(m_tw->db(), o));
        QVERIFY(!exportAudit(m_tw->db(), o));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));

        // Verify of a directory without a manifest reports it.
        MDSYNC_REQUIRE_OK(none, verifyExport(dir));
        QVERIFY(!none.value()["ok"].get<bool>());
        QVERIFY(anyProblem(none.value(), "manifest.json"));
    }

    // FastSha256 (SHA-NI or portable) is the standard SHA-256: compared with QCryptographicHash on every length
    // around the block and padding boundaries, fed in pieces.
    void fastSha256MatchesQt()
    {
        for (const bool accel : { true, false }) {
            FastSha256::setAccelerationAllowed(accel);
            for (size_t n : { 0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 300, 1000, 70000 }) {
                std::string s(n, '\0');
                for (size_t i = 0; i < n; ++i)
                    s[i] = static_cast<char>(i * 131 + n);
                FastSha256 h;
                h.addData(std::string_view(s).substr(0, n / 3));
                h.addData(std::string_view(s).substr(n / 3, n / 5));
                h.addData(std::string_view(s).substr(n / 3 + n / 5));
                char hex[64];
                h.resultHex(hex);
                QCOMPARE(QString::fromLatin1(hex, 64), qs(sha256Hex(s)));
            }
        }
        FastSha256::setAccelerationAllowed(true);
    }

    // resultHex (the entry hashes and the files' SHA-256s are compared as hex text) against Qt's hex of Qt's digest:
    // fastSha256MatchesQt compares resultHex with sha256Hex, which is resultHex too.
    void fastSha256HexMatchesQt()
    {
        for (const bool accel : { true, false }) {
            FastSha256::setAccelerationAllowed(accel);
            for (size_t n : { 0, 3, 64, 865, 70000 }) {
                QByteArray data(static_cast<qsizetype>(n), '\0');
                for (size_t i = 0; i < n; ++i)
                    data[static_cast<qsizetype>(i)] = static_cast<char>(i * 131 + n);
                FastSha256 h;
                h.addData(data.constData(), n);
                char hex[64];
                h.resultHex(hex);
                QCOMPARE(QByteArray(hex, 64), QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
            }
        }
        FastSha256::setAccelerationAllowed(true);
    }

    // The hand-written canonical serializer must be byte-identical to nlohmann's dump, which defines the hash.
    void fastCanonicalMatchesNlohmann()
    {
        const std::vector<std::string> tricky = { "", "plain", "quote \" and backslash \\ and slash /",
            "tab\tnewline\ncr\rbs\bff\f", std::string("nul\0byte", 8), "\x01\x02\x1f\x7f del",
            "Gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xe2\x80\xa8 \xef\xbf\xbf",
            "{\"net_weight\":\"12.5 kg\",\"list\":[1,2,null]}", "</script><!--", "\\u00e9 literally",
            std::string(300, 'x') + "\"" };
        int cases = 0;
        for (const auto& a : tricky)
            for (const auto& b : { std::optional<std::string>(), std::optional<std::string>(a) }) {
                AuditEntry e;
                e.seq = cases % 2 ? 9007199254740993LL : 1 + cases;
                e.at = "2026-11-28T10:00:00.123Z";
                e.actor = a;
                e.action = "exception.correct";
                e.subject = "item/" + a;
                e.before = b;
                e.after = cases % 3 ? b : std::nullopt;
                e.reason = cases % 2 ? std::optional<std::string>(a) : std::nullopt;
                e.prevHash = AuditLog::genesisHash();
                const std::string ref = AuditLog::canonicalReference(e);
                QCOMPARE(qs(AuditLog::canonical(e)), qs(ref));
                QCOMPARE(AuditLog::computeHash(e), sha256Hex(ref + e.prevHash));
                ++cases;
            }
        // Every single byte below 0x80 on its own.
        for (int c = 0; c < 0x80; ++c) {
            const std::string one(1, static_cast<char>(c));
            std::string fast;
            QVERIFY(appendJsonString(fast, one));
            QCOMPARE(qs(fast), qs(json(one).dump()));
        }
        // Invalid UTF-8 fails the same way as the definition (nlohmann throws), for the fast path too.
        for (const std::string bad : { "\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe2\x82" }) {
            std::string out;
            QVERIFY(!appendJsonString(out, bad));
            AuditEntry e;
            e.seq = 1;
            e.reason = bad;
            QVERIFY_THROWS_EXCEPTION(std::exception, AuditLog::canonicalReference(e));
            QVERIFY_THROWS_EXCEPTION(std::exception, AuditLog::computeHash(e));
        }
        // Entries appended through AuditLog (nlohmann-dumped JSON values) verify with the fast path.
        QVERIFY(makeWorkspace(2, std::string("\"quoted\"\n\xe2\x82\xac reason\x01")));
        const AuditVerification v = AuditLog(m_tw->db()).verify();
        QVERIFY2(v.ok, v.problems.empty() ? "" : v.problems.front().c_str());
    }

    // JsonObjectText (util/text.h) writes what dump() writes for the same object: ingest stores the payload hash's
    // text and the lineage details through it, and both must stay byte for byte what they were.
    void jsonObjectTextMatchesDump()
    {
        const std::vector<std::string> tricky
            = { "", "plain", "quote \" and backslash \\", "tab\tnewline\ncr\r", std::string("nul\0byte", 8),
                  "\x01\x1f\x7f", "Gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80 \xe2\x80\xa8", "\\u00e9 literally" };
        const json nested = { { "b", { 1, 2.5, nullptr, "x\"y" } }, { "a", { { "z", true } } } };
        int cases = 0;
        for (const std::string& a : tricky)
            for (const std::string& b : tricky) {
                const std::int64_t n = cases % 2 ? -9007199254740993LL : cases;
                const std::string text = JsonObjectText()
                                             .strings("changed", { a, b })
                                             .string("event_id", a)
                                             .integer("line", n)
                                             .value("nested", nested)
                                             .raw("raw", "[1,2]")
                                             .string("zz", b)
                                             .take();
                const json expected = { { "changed", { a, b } }, { "event_id", a }, { "line", n }, { "nested", nested },
                    { "raw", { 1, 2 } }, { "zz", b } };
                QCOMPARE(qs(text), qs(expected.dump()));
                ++cases;
            }
        QCOMPARE(cases, int(tricky.size() * tricky.size()));
        // An empty object, and a writer used again after take().
        JsonObjectText w;
        QCOMPARE(qs(w.take()), QStringLiteral("{}"));
        QCOMPARE(qs(w.string("a", "b").take()), QStringLiteral("{\"a\":\"b\"}"));
        // Invalid UTF-8: replaced as dump()'s `replace` handler replaces it, or thrown as the strict dump() throws.
        for (const std::string bad : { "\xff", "ok\xe2\x82", "\xed\xa0\x80 surrogate" }) {
            const std::string replaced = JsonObjectText(true).string("k", bad).strings("l", { bad }).take();
            const json expected = { { "k", bad }, { "l", { bad } } };
            QCOMPARE(qs(replaced), qs(expected.dump(-1, ' ', false, json::error_handler_t::replace)));
            QVERIFY_THROWS_EXCEPTION(json::type_error, JsonObjectText().string("k", bad));
        }
    }

    void openLineageExport()
    {
        QVERIFY(makeWorkspace(1));
        {
            // A failed delivery with an error (FAIL + errorMessage facet), sharing the ingest's correlation id.
            QSqlQuery c(m_tw->db());
            QVERIFY(c.exec(QStringLiteral("SELECT correlation_id, revision_id FROM lineage_event"
                                          " WHERE object_key = 'FG-1000' AND correlation_id IS NOT NULL LIMIT 1"))
                && c.next());
            QSqlQuery q(m_tw->db());
            q.prepare(QStringLiteral("INSERT INTO lineage_event(at, domain, object_key, revision_id, kind, system_id,"
                                     " actor, correlation_id, detail) VALUES (?, 'item', 'FG-1000', ?,"
                                     " 'delivery_failed', 'WMS-P100', 'system:dispatcher', ?, ?)"));
            q.addBindValue(QVariant::fromValue<qlonglong>(at("2026-11-02T08:00:00Z")));
            q.addBindValue(c.value(1));
            q.addBindValue(c.value(0));
            q.addBindValue(QStringLiteral(R"({"attempt":3,"revision_no":1,"error":"unit PCS unknown"})"));
            QVERIFY(q.exec());
        }
        ExportOptions o;
        o.directory = exportDir("ol");
        o.openLineage = true;
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        const qint64 events = count(m_tw->db(), QStringLiteral("lineage_event"));
        QCOMPARE(m.value()["openlineage"]["count"].get<qint64>(), events);
        bool listed = false;
        for (const auto& f : m.value()["files"])
            listed = listed || f["name"] == "openlineage.jsonl";
        QVERIFY(listed);

        const QList<QByteArray> lines
            = readAll(QDir(o.directory).filePath(QStringLiteral("openlineage.jsonl"))).split('\n');
        QCOMPARE(lines.size(), events + 1); // last line ends with \n
        std::map<std::string, std::string> runOfJob;
        bool sawFail = false, sawCreated = false;
        for (const auto& line : lines) {
            if (line.isEmpty())
                continue;
            const json e = json::parse(line.toStdString());
            QVERIFY(!QUuid::fromString(qs(e["run"]["runId"].get<std::string>())).isNull());
            QCOMPARE(qs(e["schemaURL"].get<std::string>()),
                QStringLiteral("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"));
            QVERIFY(e["job"]["namespace"].get<std::string>().rfind("mdsync://", 0) == 0);
            QVERIFY(e["run"]["facets"]["mdsync"].contains("_producer"));
            if (e["run"]["facets"]["mdsync"]["kind"] == "delivery_failed") {
                sawFail = true;
                QCOMPARE(qs(e["eventType"].get<std::string>()), QStringLiteral("FAIL"));
                QCOMPARE(qs(e["job"]["name"].get<std::string>()), QStringLiteral("item.WMS-P100"));
                QCOMPARE(qs(e["outputs"][0]["namespace"].get<std::string>()), QStringLiteral("WMS-P100"));
                QCOMPARE(qs(e["outputs"][0]["name"].get<std::string>()), QStringLiteral("item/FG-1000"));
                QCOMPARE(e["run"]["facets"]["mdsync"]["attempt"].get<int>(), 3);
                QCOMPARE(e["run"]["facets"]["mdsync"]["revision"].get<int>(), 1);
                QCOMPARE(qs(e["run"]["facets"]["errorMessage"]["message"].get<std::string>()),
                    QStringLiteral("unit PCS unknown"));
            }
            if (e["run"]["facets"]["mdsync"]["kind"] == "created" && e["inputs"][0]["name"] == "item/FG-1000") {
                sawCreated = true;
                QCOMPARE(qs(e["eventType"].get<std::string>()), QStringLiteral("COMPLETE"));
                QCOMPARE(qs(e["inputs"][0]["namespace"].get<std::string>()), QStringLiteral("PLM"));
                QCOMPARE(qs(e["job"]["name"].get<std::string>()), QStringLiteral("item.PLM"));
            }
            // One run per (correlation, job): same job + correlation => same runId.
            const std::string corr = e["run"]["facets"]["mdsync"]["correlationId"].is_string()
                ? e["run"]["facets"]["mdsync"]["correlationId"].get<std::string>()
                : std::string();
            if (!corr.empty()) {
                const std::string k = corr + "|" + e["job"]["name"].get<std::string>();
                const std::string run = e["run"]["runId"].get<std::string>();
                QVERIFY(!runOfJob.count(k) || runOfJob[k] == run);
                runOfJob[k] = run;
            }
        }
        QVERIFY(sawFail);
        QVERIFY(sawCreated);
        // Deterministic: a second export gives the same run ids.
        ExportOptions o2 = o;
        o2.directory = exportDir("ol2");
        MDSYNC_REQUIRE_OK(m2, exportAudit(m_tw->db(), o2));
        const QByteArray a = readAll(QDir(o.directory).filePath(QStringLiteral("openlineage.jsonl")));
        QCOMPARE(readAll(QDir(o2.directory).filePath(QStringLiteral("openlineage.jsonl"))), a);

        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));
        QCOMPARE(v.value()["checked"]["openlineage_events"].get<qint64>(), events);
        // One byte changed: the SHA-256 no longer matches; with the manifest fixed, the event is malformed.
        QByteArray changed = a;
        changed[changed.indexOf("eventType") + 2] = 'X';
        const QString path = QDir(o.directory).filePath(QStringLiteral("openlineage.jsonl"));
        QVERIFY(writeAll(path, changed));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "openlineage.jsonl", "SHA-256"), qPrintable(dumped(v2.value())));
        QVERIFY(refreshManifest(o.directory, QStringLiteral("openlineage.jsonl")));
        MDSYNC_REQUIRE_OK(v3, verifyExport(o.directory));
        QVERIFY2(anyProblem(v3.value(), "openlineage.jsonl line 1", "not an OpenLineage RunEvent"),
            qPrintable(dumped(v3.value())));
    }

    void extraFileListedAndVerified()
    {
        QVERIFY(makeWorkspace(1));
        ExportOptions o;
        o.directory = exportDir("extra");
        o.extraFiles.push_back({ QStringLiteral("notes.txt"), "report", [](QSqlDatabase&, const QString& path) {
                                    return writeAll(path, "hello auditors\n")
                                        ? Result<void>()
                                        : Result<void>(makeError(QStringLiteral("cannot write")));
                                } });
        MDSYNC_REQUIRE_OK(m, exportAudit(m_tw->db(), o));
        bool listed = false;
        for (const auto& f : m.value()["files"])
            listed = listed || (f["name"] == "notes.txt" && f["kind"] == "report" && f["bytes"] == 15);
        QVERIFY2(listed, qPrintable(dumped(m.value()["files"])));
        MDSYNC_REQUIRE_OK(v, verifyExport(o.directory));
        QVERIFY2(v.value()["ok"].get<bool>(), qPrintable(dumped(v.value())));
        QVERIFY(writeAll(QDir(o.directory).filePath(QStringLiteral("notes.txt")), "hello auditorS\n"));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(anyProblem(v2.value(), "notes.txt", "SHA-256"));

        // A failing writer fails the export and leaves the directory reusable.
        ExportOptions bad;
        bad.directory = exportDir("bad");
        bad.extraFiles.push_back({ QStringLiteral("x.pdf"), "report",
            [](QSqlDatabase&, const QString&) { return Result<void>(makeError(QStringLiteral("renderer broke"))); } });
        const auto r = exportAudit(m_tw->db(), bad);
        QVERIFY(!r);
        QVERIFY(r.error().contains(QStringLiteral("renderer broke")));
        QVERIFY(QDir(bad.directory).entryList(QDir::Files).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditExport)
#include "tst_auditexport.moc"
