// FileInbox: files dropped into a folder go through the IngestPipeline and end in done/ or failed/ with a
// report; on a real workspace with the built-in model and landscape.

#include "sync/fileinbox.h"
#include "util/hash.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

QByteArray jsonl(const std::vector<std::string>& lines)
{
    QByteArray out;
    for (const std::string& l : lines)
        out += bytes(l) + '\n';
    return out;
}

bool writeFile(const QString& path, const QByteArray& content, QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile f(path);
    return f.open(mode) && f.write(content) == content.size();
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Drops a file the way a well-behaved producer does: written as "<name>.part", dated `ageMs` back, renamed in.
bool drop(const QString& folder, const QString& name, const QByteArray& content, qint64 ageMs = 60000)
{
    const QString part = QDir(folder).filePath(name + QStringLiteral(".part"));
    if (!writeFile(part, content))
        return false;
    QFile f(part);
    if (!f.open(QIODevice::ReadWrite)
        || !f.setFileTime(QDateTime::currentDateTimeUtc().addMSecs(-ageMs), QFileDevice::FileModificationTime))
        return false;
    f.close();
    return QFile::rename(part, QDir(folder).filePath(name));
}

json readJson(const QString& path)
{
    const QByteArray b = readFile(path);
    return json::parse(b.constData(), b.constData() + b.size(), nullptr, false);
}

QStringList filesIn(const QString& folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

qint64 num(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<qint64>() : -1;
}

std::string str(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

struct Ex
{
    QString category, message, sourceName;
    qint64 lineNo = 0;
    QByteArray raw;
};

Ex exception(QSqlDatabase db, qint64 id)
{
    QSqlQuery q(db);
    Ex e;
    if (q.exec(
            QStringLiteral("SELECT category, message, source_name, line_no, raw FROM exception WHERE id = %1").arg(id))
        && q.next()) {
        e.category = q.value(0).toString();
        e.message = q.value(1).toString();
        e.sourceName = q.value(2).toString();
        e.lineNo = q.value(3).toLongLong();
        e.raw = q.value(4).toByteArray();
    }
    return e;
}

json stateOf(QSqlDatabase db, const QString& key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                             " WHERE o.key = ?"));
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return nullptr;
    return json::parse(q.value(0).toString().toStdString());
}

// A workspace with an inbox folder beside it.
class Harness
{
public:
    explicit Harness(int settleMs = 1000)
    {
        folder = ws.filePath(QStringLiteral("inbox"));
        QDir().mkpath(folder);
        FileInboxOptions o;
        o.folder = folder;
        o.settleMs = settleMs;
        const TimeMs now = at(kNow);
        o.clock = [now] { return now; };
        inbox = std::make_unique<FileInbox>(ws.pipeline(), o);
    }
    QString inFolder(const QString& name) const { return QDir(folder).filePath(name); }
    QString done(const QString& name) const { return QDir(inbox->doneFolder()).filePath(name); }
    QString failed(const QString& name) const { return QDir(inbox->failedFolder()).filePath(name); }

    TempWorkspace ws;
    QString folder;
    std::unique_ptr<FileInbox> inbox;
};

#define MDSYNC_HARNESS(h, ...)                                                                                         \
    Harness h { __VA_ARGS__ };                                                                                         \
    QVERIFY2(h.ws.ok(), qPrintable(h.ws.error()))

const QByteArray kCsvHeader = "source,event_id,domain,key,op,occurred_at,description,item_type,material_group,base_uom,"
                              "net_weight,plants,lifecycle_status\r\n";

} // namespace

class TestFileInbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodJsonlGoesToDone()
    {
        MDSYNC_HARNESS(h);
        QSignalSpy processed(h.inbox.get(), &FileInbox::fileProcessed);
        const QByteArray content = jsonl({ test::event("PLM", "item", "FG-501", releasedItem("Pump CP-80", { "P100" })),
            test::event("PLM", "item", "FG-502", releasedItem("Valve DN50", { "P100" })) });
        QVERIFY(drop(h.folder, QStringLiteral("good.jsonl"), content));
        QCOMPARE(h.inbox->scanNow(), 1);

        QCOMPARE(filesIn(h.folder), QStringList());
        QCOMPARE(filesIn(h.inbox->doneFolder()),
            QStringList({ QStringLiteral("good.jsonl"), QStringLiteral("good.jsonl.report.json") }));
        QCOMPARE(readFile(h.done(QStringLiteral("good.jsonl"))), content);
        QCOMPARE(processed.count(), 1);
        QCOMPARE(processed.at(0).at(0).toString(), h.done(QStringLiteral("good.jsonl")));
        QCOMPARE(processed.at(0).at(1).toBool(), true);

        const json report = readJson(h.done(QStringLiteral("good.jsonl.report.json")));
        QVERIFY2(report.is_object(), "report is not JSON");
        QCOMPARE(report.value("ok", false), true);
        QCOMPARE(qs(str(report, "sha256")), qs(sha256Hex(content.toStdString())));
        QCOMPARE(qs(str(report, "source_name")), QStringLiteral("inbox/good.jsonl"));
        QCOMPARE(qs(str(report, "moved_to")), QStringLiteral("done/good.jsonl"));
        QCOMPARE(qs(str(report, "processed_at")), qs(formatRfc3339(at(kNow))));
        QCOMPARE(num(report["summary"], "revisions"), 2);
        QCOMPARE(report["rejected"].size(), size_t(0));
        QCOMPARE(count(h.ws.db(), QStringLiteral("object")), 2);
        QCOMPARE(count(h.ws.db(), QStringLiteral("ingest_run"), QStringLiteral("source_name = 'inbox/good.jsonl'")), 1);
        QCOMPARE(h.inbox->scanNow(), 0); // nothing left
    }

    void badLineGoesToFailed()
    {
        MDSYNC_HARNESS(h);
        QSignalSpy processed(h.inbox.get(), &FileInbox::fileProcessed);
        json unknown = releasedItem("Valve DN50", { "P100" });
        unknown["colour"] = "red";
        const std::string bad = test::event("PLM", "item", "FG-512", unknown);
        const QByteArray content = jsonl({ test::event("PLM", "item", "FG-511", releasedItem("Pump CP-80", { "P100" })),
            bad, test::event("PLM", "item", "FG-513", releasedItem("Motor M-3", { "P100" })) });
        QVERIFY(drop(h.folder, QStringLiteral("mixed.jsonl"), content));
        QCOMPARE(h.inbox->scanNow(), 1);

        QCOMPARE(filesIn(h.folder), QStringList());
        QCOMPARE(filesIn(h.inbox->failedFolder()),
            QStringList({ QStringLiteral("mixed.jsonl"), QStringLiteral("mixed.jsonl.report.json") }));
        QCOMPARE(processed.count(), 1);
        QCOMPARE(processed.at(0).at(1).toBool(), false);
        const json report = readJson(h.failed(QStringLiteral("mixed.jsonl.report.json")));
        QCOMPARE(report.value("ok", true), false);
        QCOMPARE(num(report["summary"], "accepted"), 2);
        QCOMPARE(num(report["summary"], "rejected"), 1);
        QCOMPARE(report["rejected"].size(), size_t(1));
        const json& v = report["rejected"][0];
        QCOMPARE(num(v, "line"), 2);
        QCOMPARE(qs(str(v, "category")), QStringLiteral("validation"));
        QVERIFY2(qs(str(v, "message")).contains(QStringLiteral("inbox/mixed.jsonl:2:")), qPrintable(dumped(v)));
        QVERIFY2(qs(str(v, "message")).contains(QStringLiteral("colour")), qPrintable(dumped(v)));
        const qint64 exId = num(v, "exception_id");
        QVERIFY(exId > 0);
        const Ex e = exception(h.ws.db(), exId);
        QCOMPARE(e.lineNo, 2);
        QCOMPARE(e.sourceName, QStringLiteral("inbox/mixed.jsonl"));
        QCOMPARE(e.raw, bytes(bad));
        // The good lines are in.
        QCOMPARE(count(h.ws.db(), QStringLiteral("object")), 2);

        // The same file dropped again: its bad line is still waiting in that exception, so it fails again and
        // the report points at the open exception; nothing new is stored.
        const qint64 exceptions = count(h.ws.db(), QStringLiteral("exception"));
        QVERIFY(drop(h.folder, QStringLiteral("mixed.jsonl"), content));
        QCOMPARE(h.inbox->scanNow(), 1);
        QVERIFY(QFile::exists(h.failed(QStringLiteral("mixed-1.jsonl"))));
        const json again = readJson(h.failed(QStringLiteral("mixed-1.jsonl.report.json")));
        QCOMPARE(again.value("ok", true), false);
        QCOMPARE(again["rejected"].size(), size_t(1));
        QCOMPARE(qs(str(again["rejected"][0], "outcome")), QStringLiteral("duplicate"));
        QCOMPARE(num(again["rejected"][0], "exception_id"), exId);
        QCOMPARE(count(h.ws.db(), QStringLiteral("exception")), exceptions);
    }

    void csvFile()
    {
        MDSYNC_HARNESS(h);
        // A quoted cell may span lines; only a multiline attribute (long_description) may keep the line break.
        const QByteArray header = kCsvHeader.chopped(2) + ",long_description\r\n";
        const QByteArray content = "\xEF\xBB\xBF" + header // with the BOM spreadsheet programs write
            + "PLM,plm-csv-1,item,FG-521,upsert,2026-11-27T08:00:00Z,\"Pump, 2\"\" \"\"CP\"\"\",FERT,FG-PUMP,EA,"
              "12.5 kg,P100,released,\r\n"
            + "PLM,plm-csv-2,item,FG-522,upsert,2026-11-27T08:00:00Z,Valve "
              "DN50,HALB,SEMI-MACH,EA,,,,\"Valve\r\nDN50\"\r\n"
            + ",,,,,,,,,,,,,\r\n"; // an empty row, as spreadsheets add them
        QVERIFY(drop(h.folder, QStringLiteral("items.csv"), content));
        QCOMPARE(h.inbox->scanNow(), 1);
        const json report = readJson(h.done(QStringLiteral("items.csv.report.json")));
        QVERIFY2(report.value("ok", false), qPrintable(dumped(report)));
        QCOMPARE(qs(str(report, "format")), QStringLiteral("csv"));
        QCOMPARE(num(report["summary"], "received"), 2);
        QCOMPARE(num(report["summary"], "revisions"), 2);

        const json a = stateOf(h.ws.db(), QStringLiteral("FG-521"));
        QCOMPARE(qs(a.value("description", "")), QStringLiteral("Pump, 2\" \"CP\""));
        QCOMPARE(dumped(a["net_weight"]), QStringLiteral(R"({"unit":"kg","value":12.5})"));
        QCOMPARE(dumped(a["plants"]), QStringLiteral(R"(["P100"])"));
        QCOMPARE(qs(a.value("lifecycle_status", "")), QStringLiteral("released"));
        const json b = stateOf(h.ws.db(), QStringLiteral("FG-522"));
        QCOMPARE(qs(b.value("description", "")), QStringLiteral("Valve DN50"));
        QCOMPARE(qs(b.value("long_description", "")), QStringLiteral("Valve\r\nDN50"));
        QVERIFY2(!b.contains("net_weight") && !b.contains("plants"), qPrintable(dumped(b))); // empty cell = absent
        QCOMPARE(qs(b.value("lifecycle_status", "")), QStringLiteral("draft"));
        // Line numbers are the file's: the second record starts on line 3.
        const json created = json::parse(
            scalar(h.ws.db(),
                QStringLiteral("SELECT detail FROM lineage_event WHERE object_key = 'FG-522' AND kind = 'created'"))
                .toString()
                .toStdString(),
            nullptr, false);
        QCOMPARE(created.value("line", 0), 3);
    }

    void malformedCsvRows()
    {
        MDSYNC_HARNESS(h);
        const QByteArray wrongCount = "PLM,plm-csv-12,item,FG-532,upsert,2026-11-27T08:00:00Z,Too few";
        const QByteArray strayQuote
            = "PLM,plm-csv-13,item,FG-533,upsert,2026-11-27T08:00:00Z,Bolt 5\" long,ROH,FG-PUMP,EA,,,";
        const QByteArray unterminated
            = "PLM,plm-csv-14,item,FG-534,upsert,2026-11-27T08:00:00Z,\"Nut M8,ROH,FG-PUMP,EA,,,";
        const QByteArray content = kCsvHeader
            + "PLM,plm-csv-11,item,FG-531,upsert,2026-11-27T08:00:00Z,Pump,FERT,FG-PUMP,EA,,,\r\n" // line 2
            + wrongCount + "\r\n" // line 3
            + strayQuote + "\r\n" // line 4
            + unterminated + "\r\n" // line 5
            + "PLM,plm-csv-15,item,FG-535,upsert,2026-11-27T08:00:00Z,Gear,FERT,FG-PUMP,EA,,,\r\n"; // line 6
        QVERIFY(drop(h.folder, QStringLiteral("rows.csv"), content));
        QCOMPARE(h.inbox->scanNow(), 1);
        QVERIFY(QFile::exists(h.failed(QStringLiteral("rows.csv"))));
        const json report = readJson(h.failed(QStringLiteral("rows.csv.report.json")));
        QCOMPARE(num(report["summary"], "accepted"), 2); // lines 2 and 6: one bad row does not stop the rest
        QCOMPARE(num(report["summary"], "rejected"), 3);
        const json& rejected = report["rejected"];
        QCOMPARE(rejected.size(), size_t(3));
        const struct
        {
            qint64 line;
            QByteArray raw;
            QString message;
        } expected[] = {
            { 3, wrongCount, QStringLiteral("inbox/rows.csv:3: CSV row: row has 7 cells, the header has 13") },
            { 4, strayQuote, QStringLiteral("inbox/rows.csv:4: CSV row: cell 7 has a quote inside an unquoted value") },
            { 5, unterminated, QStringLiteral("inbox/rows.csv:5: CSV row: cell 7 opens a quote on line 5") },
        };
        for (size_t i = 0; i < 3; ++i) {
            const json& v = rejected[i];
            QCOMPARE(num(v, "line"), expected[i].line);
            QCOMPARE(qs(str(v, "category")), QStringLiteral("malformed"));
            QVERIFY2(qs(str(v, "message")).startsWith(expected[i].message), qPrintable(dumped(v)));
            const Ex e = exception(h.ws.db(), num(v, "exception_id"));
            QCOMPARE(e.raw, expected[i].raw); // the row verbatim
            QCOMPARE(e.lineNo, expected[i].line);
        }
        QCOMPARE(count(h.ws.db(), QStringLiteral("object"), QStringLiteral("key IN ('FG-531', 'FG-535')")), 2);
    }

    void csvWithoutEnvelopeColumnsFails()
    {
        MDSYNC_HARNESS(h);
        const QByteArray content = "source,key,description\nPLM,FG-541,Pump\n";
        QVERIFY(drop(h.folder, QStringLiteral("nohead.csv"), content));
        QCOMPARE(h.inbox->scanNow(), 1);
        const json report = readJson(h.failed(QStringLiteral("nohead.csv.report.json")));
        QVERIFY2(
            qs(str(report, "error")).contains(QStringLiteral("missing column(s) event_id, domain, op, occurred_at")),
            qPrintable(dumped(report)));
        // The problem is in the backlog too, with the file's bytes.
        QCOMPARE(report["rejected"].size(), size_t(1));
        const Ex e = exception(h.ws.db(), num(report["rejected"][0], "exception_id"));
        QCOMPARE(e.raw, content);
        QVERIFY2(e.message.contains(QStringLiteral("kept as failed/nohead.csv")), qPrintable(e.message));
        QCOMPARE(count(h.ws.db(), QStringLiteral("object")), 0);
    }

    void notUtf8()
    {
        MDSYNC_HARNESS(h);
        // A Latin-1 line: that line is rejected (kept verbatim), the other goes in, the file fails.
        std::string latin1 = test::event("PLM", "item", "FG-551", releasedItem("Pump XX", { "P100" }));
        latin1.replace(latin1.find("XX"), 2, "\xE9\xE9");
        const QByteArray content
            = jsonl({ latin1, test::event("PLM", "item", "FG-552", releasedItem("Valve", { "P100" })) });
        QVERIFY(drop(h.folder, QStringLiteral("latin1.jsonl"), content));
        // A UTF-16 file: not read at all.
        const QString text
            = QString::fromUtf8(test::event("PLM", "item", "FG-553", releasedItem("Motor", { "P100" })).c_str());
        QByteArray utf16("\xFF\xFE", 2);
        utf16.append(reinterpret_cast<const char*>(text.utf16()), text.size() * 2);
        QVERIFY(drop(h.folder, QStringLiteral("utf16.jsonl"), utf16));
        QCOMPARE(h.inbox->scanNow(), 2);

        const json r1 = readJson(h.failed(QStringLiteral("latin1.jsonl.report.json")));
        QCOMPARE(r1.value("ok", true), false);
        QCOMPARE(num(r1["summary"], "accepted"), 1);
        QCOMPARE(r1["rejected"].size(), size_t(1));
        QCOMPARE(num(r1["rejected"][0], "line"), 1);
        QVERIFY2(
            qs(str(r1["rejected"][0], "message")).contains(QStringLiteral("not valid UTF-8")), qPrintable(dumped(r1)));
        QCOMPARE(exception(h.ws.db(), num(r1["rejected"][0], "exception_id")).raw, bytes(latin1));

        const json r2 = readJson(h.failed(QStringLiteral("utf16.jsonl.report.json")));
        QCOMPARE(r2.value("ok", true), false);
        QVERIFY2(qs(str(r2, "error")).contains(QStringLiteral("UTF-16")), qPrintable(dumped(r2)));
        QCOMPARE(num(r2["summary"], "accepted"), 0);
        QCOMPARE(readFile(h.failed(QStringLiteral("utf16.jsonl"))), utf16); // kept as it was
        QCOMPARE(exception(h.ws.db(), num(r2["rejected"][0], "exception_id")).raw, utf16);
        QCOMPARE(count(h.ws.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-553'")), 0);
    }

    void nameClashGetsSuffix()
    {
        MDSYNC_HARNESS(h);
        const QByteArray first = jsonl({ test::event("PLM", "item", "FG-561", releasedItem("Pump", { "P100" })) });
        const QByteArray second = jsonl({ test::event("PLM", "item", "FG-562", releasedItem("Valve", { "P100" })) });
        const QByteArray third = jsonl({ test::event("PLM", "item", "FG-563", releasedItem("Motor", { "P100" })) });
        QVERIFY(drop(h.folder, QStringLiteral("daily.export.jsonl"), first));
        QCOMPARE(h.inbox->scanNow(), 1);
        QVERIFY(drop(h.folder, QStringLiteral("daily.export.jsonl"), second));
        QCOMPARE(h.inbox->scanNow(), 1);
        // A stray report with the next free name is not overwritten either.
        QVERIFY(writeFile(h.done(QStringLiteral("daily.export-2.jsonl.report.json")), "keep me"));
        QVERIFY(drop(h.folder, QStringLiteral("daily.export.jsonl"), third));
        QCOMPARE(h.inbox->scanNow(), 1);
        QCOMPARE(readFile(h.done(QStringLiteral("daily.export.jsonl"))), first);
        QCOMPARE(readFile(h.done(QStringLiteral("daily.export-1.jsonl"))), second);
        QCOMPARE(readFile(h.done(QStringLiteral("daily.export-3.jsonl"))), third);
        QCOMPARE(readFile(h.done(QStringLiteral("daily.export-2.jsonl.report.json"))), QByteArray("keep me"));
        QCOMPARE(qs(str(readJson(h.done(QStringLiteral("daily.export-1.jsonl.report.json"))), "moved_to")),
            QStringLiteral("done/daily.export-1.jsonl"));
        QVERIFY(QFile::exists(h.done(QStringLiteral("daily.export-3.jsonl.report.json"))));
    }

    void halfWrittenFileWaitsUntilStable()
    {
        MDSYNC_HARNESS(h, 60000); // only the two-scan rule applies
        const std::string a = test::event("PLM", "item", "FG-571", releasedItem("Pump", { "P100" }));
        const std::string b = test::event("PLM", "item", "FG-572", releasedItem("Valve", { "P100" }));
        const QString path = h.inFolder(QStringLiteral("slow.jsonl"));
        // Written in place, first line and half of the second.
        QVERIFY(writeFile(path, bytes(a) + '\n' + bytes(b.substr(0, b.size() / 2))));
        QCOMPARE(h.inbox->scanNow(), 0); // first sight
        QVERIFY(writeFile(path, bytes(b.substr(b.size() / 2)) + '\n', QIODevice::Append));
        QCOMPARE(h.inbox->scanNow(), 0); // it grew
        QCOMPARE(count(h.ws.db(), QStringLiteral("ingest_run")), 0);
        QVERIFY(QFile::exists(path));
        QCOMPARE(h.inbox->scanNow(), 1); // the same size and time twice: taken
        const json report = readJson(h.done(QStringLiteral("slow.jsonl.report.json")));
        QVERIFY2(report.value("ok", false), qPrintable(dumped(report)));
        QCOMPARE(num(report["summary"], "revisions"), 2);
    }

    void ignoredFiles()
    {
        MDSYNC_HARNESS(h);
        const QByteArray content = jsonl({ test::event("PLM", "item", "FG-581", releasedItem("Pump", { "P100" })) });
        const QStringList names = { QStringLiteral(".hidden.jsonl"), QStringLiteral("a.jsonl.tmp"),
            QStringLiteral("b.jsonl.part"), QStringLiteral("notes.txt") };
        for (const QString& n : names)
            QVERIFY(drop(h.folder, n, content));
        QCOMPARE(h.inbox->scanNow(), 0);
        QStringList expected = names;
        expected.sort();
        QCOMPARE(filesIn(h.folder), expected);
        QCOMPARE(count(h.ws.db(), QStringLiteral("ingest_run")), 0);
    }

    void watcherPicksUpDroppedFile()
    {
        TempWorkspace ws;
        QVERIFY2(ws.ok(), qPrintable(ws.error()));
        const QString folder = ws.filePath(QStringLiteral("watched"));
        FileInboxOptions o;
        o.folder = folder;
        o.settleMs = 200;
        o.rescanMs = 500;
        FileInbox inbox(ws.pipeline(), o);
        auto missing = inbox.start();
        QVERIFY(!missing);
        QVERIFY2(missing.error().contains(folder), qPrintable(missing.error()));
        QVERIFY(QDir().mkpath(folder));
        auto started = inbox.start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error()));
        QVERIFY(QFileInfo(inbox.doneFolder()).isDir());
        QVERIFY(QFileInfo(inbox.failedFolder()).isDir());
        QSignalSpy processed(&inbox, &FileInbox::fileProcessed);
        // Written in place with a fresh time: taken once it stops changing.
        QVERIFY(writeFile(QDir(folder).filePath(QStringLiteral("live.jsonl")),
            jsonl({ test::event("PLM", "item", "FG-591", releasedItem("Pump", { "P100" })) })));
        QTRY_COMPARE_WITH_TIMEOUT(processed.count(), 1, 10000);
        QCOMPARE(processed.at(0).at(1).toBool(), true);
        QCOMPARE(count(ws.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-591'")), 1);
        inbox.stop();
    }
};

QTEST_GUILESS_MAIN(TestFileInbox)
#include "tst_fileinbox.moc"
