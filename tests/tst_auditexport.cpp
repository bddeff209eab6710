// Audit export with a manifest and its offline verification: round trip, CSV quoting, filters, and detection of
// tampering with the exported files and with the workspace before the export.

#include "audit/auditexport.h"
#include "audit/auditlog.h"
#include "util/hash.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QTest>

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
    return event("PLM", "item", key, a);
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
        // Even with the manifest fixed, the row disagrees with audit.jsonl.
        QVERIFY(refreshManifest(o.directory, QStringLiteral("audit.csv")));
        MDSYNC_REQUIRE_OK(v2, verifyExport(o.directory));
        QVERIFY(!v2.value()["ok"].get<bool>());
        QVERIFY2(anyProblem(v2.value(), "audit.csv line", "field 'actor'"), qPrintable(dumped(v2.value())));
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
};

QTEST_GUILESS_MAIN(TestAuditExport)
#include "tst_auditexport.moc"
