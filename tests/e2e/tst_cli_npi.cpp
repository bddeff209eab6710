// End to end through the real mdsyncctl binary (path in MDSYNCCTL): a new-product introduction across the
// demo landscape, a mixed batch of good and bad lines, the audit chain before and after tampering, and the
// exit codes and one-line errors of user mistakes.

#include "access/roles.h"
#include "store/circuitstore.h"
#include "store/workspace.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <map>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

QList<QByteArray> fileLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> out = f.readAll().split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

const json* findTarget(const json& status, const std::string& target)
{
    for (const auto& t : status["targets"])
        if (t["target"] == target)
            return &t;
    return nullptr;
}

} // namespace

class TestCliNpi : public QObject
{
    Q_OBJECT

private:
    // SQLite files in a temporary directory, or fresh PostgreSQL databases for the `.pg` variant.
    CtlWorkspaces m_workspaces { QStringLiteral("clinpi") };

    QString newWorkspace()
    {
        static int n = 0;
        const QString path = m_workspaces.fresh(QStringLiteral("ws-%1.mdsync").arg(++n));
        const CtlResult r
            = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), path, QStringLiteral("--json") });
        if (r.exitCode != 0 || !r.finished) {
            qWarning("%s", qPrintable(show(r)));
            return {};
        }
        return path;
    }

    static QString data(const char* name)
    {
        return sourcePath(QStringLiteral("tests/fixtures/data/") + QLatin1String(name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = m_workspaces.setUp();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY2(!qEnvironmentVariable("MDSYNCCTL").isEmpty(), "MDSYNCCTL must name the mdsyncctl binary");
    }
    void cleanup() { m_workspaces.dropAll(); }

    void initReportsConfig()
    {
        const QString path = m_workspaces.fresh(QStringLiteral("init.mdsync"));
        const CtlResult r
            = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), path, QStringLiteral("--json") });
        QVERIFY2(r.finished && r.exitCode == 0, qPrintable(show(r)));
        const json j = r.json();
        QCOMPARE(qs(j.value("model_version", "")), QStringLiteral("2026.11"));
        QCOMPARE(j.value("systems", 0), 9);
        QCOMPARE(j.value("subscriptions", 0), 25);
        // A second init on the same path is a user error and leaves the workspace alone.
        const CtlResult again = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), path });
        QCOMPARE(again.exitCode, 1);
        // (A file exists already; a database holds a workspace already.)
        QVERIFY2(again.err.contains(testBackendIsPostgres() ? "holds an MDSync workspace already" : "already exists"),
            qPrintable(show(again)));
    }

    void npiScenario()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const QString file = data("npi-scenario.jsonl");
        const QList<QByteArray> lines = fileLines(file);
        QCOMPARE(lines.size(), 7);

        const CtlResult ing = runCtl({ QStringLiteral("ingest"), file, QStringLiteral("--workspace"), ws });
        QVERIFY2(ing.finished, qPrintable(show(ing)));
        QCOMPARE(ing.exitCode, 2); // the WMS policy violation is a data problem to report
        const json sum = ing.json();
        QVERIFY2(sum.is_object(), qPrintable(show(ing)));
        QCOMPARE(sum["received"].get<int>(), 7);
        QCOMPARE(sum["accepted"].get<int>(), 7);
        QCOMPARE(sum["revisions"].get<int>(), 7);
        QCOMPARE(sum["rejected"].get<int>(), 0);
        QCOMPARE(sum["duplicates"].get<int>(), 0);
        QCOMPARE(sum["policy_violations"].get<int>(), 1);
        QCOMPARE(sum["exceptions"].get<int>(), 1);
        QCOMPARE(sum["duplicate_suspects"].get<int>(), 0);
        QCOMPARE(qs(sum["source"].get<std::string>()), QStringLiteral("npi-scenario.jsonl"));

        // The finished good: released at P100 by PLM, then ERP, then WMS-P100.
        const CtlResult st
            = runCtl({ QStringLiteral("status"), QStringLiteral("--workspace"), ws, QStringLiteral("--domain"),
                QStringLiteral("item"), QStringLiteral("--key"), QStringLiteral("FG-7000"), QStringLiteral("--json") });
        QVERIFY2(st.exitCode == 0, qPrintable(show(st)));
        const json s = st.json();
        QCOMPARE(s["revision"].get<int>(), 3);
        QCOMPARE(qs(s["lifecycle"].get<std::string>()), QStringLiteral("released"));
        QCOMPARE(qs(s["last_source"].get<std::string>()), QStringLiteral("WMS-P100"));
        QCOMPARE(s["open_exceptions"].get<int>(), 1);
        // WMS-P100 did not get to change the engineering weight; its own attributes and ERP's are merged.
        QCOMPARE(s["state"]["net_weight"]["value"].get<double>(), 61.2);
        QCOMPARE(qs(s["state"]["storage_conditions"].get<std::string>()), QStringLiteral("dry"));
        QCOMPARE(s["state"]["standard_price"].get<double>(), 1480.0);

        struct Expect
        {
            const char* target;
            const char* status;
            int revision;
            const char* pattern;
        };
        // Latest queued revision per target: WMS-P100's own change (rev 3) is not sent back to it.
        const Expect expected[] = { { "ERP", "pending", 3, "event" }, { "MES-P100", "pending", 3, "event" },
            { "WMS-P100", "pending", 2, "hybrid" }, { "ANALYTICS", "pending", 3, "scheduled_batch" },
            { "QMS", "pending", 3, "event" }, { "MES-P200", "not_subscribed", 0, "event" } };
        QCOMPARE(s["targets"].size(), std::size(expected));
        for (const Expect& e : expected) {
            const json* t = findTarget(s, e.target);
            QVERIFY2(t, e.target);
            QCOMPARE(qs((*t)["status"].get<std::string>()), QString::fromLatin1(e.status));
            QCOMPARE(qs((*t)["pattern"].get<std::string>()), QString::fromLatin1(e.pattern));
            if (e.revision)
                QCOMPARE((*t)["revision"].get<int>(), e.revision);
            else
                QVERIFY((*t)["revision"].is_null());
        }
        // The scheduled batch waits for its window (01:00-03:00 UTC): due at the next 01:00, or at once when the
        // test runs inside the window; event deliveries are due at once.
        const std::string analyticsDue = (*findTarget(s, "ANALYTICS"))["due_at"].get<std::string>();
        const int hourNow = QDateTime::currentDateTimeUtc().time().hour();
        if (hourNow >= 1 && hourNow < 3)
            QVERIFY2(analyticsDue.substr(11, 2) == "01" || analyticsDue.substr(11, 2) == "02", analyticsDue.c_str());
        else
            QVERIFY2(analyticsDue.substr(10) == "T01:00:00.000Z", analyticsDue.c_str());
        QVERIFY((*findTarget(s, "ERP"))["due_at"].get<std::string>()
            <= (*findTarget(s, "ERP"))["updated_at"].get<std::string>());
        QCOMPARE((*findTarget(s, "ERP"))["idempotency_key"].get<std::string>().size(), size_t(32));

        // The BOM: ERP, MES-P100 and ANALYTICS; not MES-P200 (other plant), never PLM (the sender).
        const CtlResult bom = runCtl({ QStringLiteral("status"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--domain"), QStringLiteral("bom"), QStringLiteral("--key"),
            QStringLiteral("FG-7000/P100/1"), QStringLiteral("--json") });
        QVERIFY2(bom.exitCode == 0, qPrintable(show(bom)));
        const json b = bom.json();
        std::map<std::string, std::string> bomTargets;
        for (const auto& t : b["targets"])
            bomTargets[t["target"].get<std::string>()] = t["status"].get<std::string>();
        const std::map<std::string, std::string> expectedBom = { { "ANALYTICS", "pending" }, { "ERP", "pending" },
            { "MES-P100", "pending" }, { "MES-P200", "not_subscribed" } };
        QCOMPARE(dumped(json(bomTargets)), dumped(json(expectedBom)));
        QCOMPARE(b["state"]["components"].size(), size_t(3));

        // Lineage of FG-7000: created (queued to the subscribers), enriched, merged (ERP), merged (WMS),
        // and the policy violation.
        const CtlResult lin
            = runCtl({ QStringLiteral("lineage"), QStringLiteral("--workspace"), ws, QStringLiteral("--domain"),
                QStringLiteral("item"), QStringLiteral("--key"), QStringLiteral("FG-7000"), QStringLiteral("--json") });
        QVERIFY2(lin.exitCode == 0, qPrintable(show(lin)));
        const json l = lin.json();
        QVERIFY(l.is_array());
        std::vector<std::string> kinds;
        for (const auto& e : l)
            kinds.push_back(e["kind"].get<std::string>());
        QCOMPARE(qs(kinds.front()), QStringLiteral("created"));
        QCOMPARE(std::count(kinds.begin(), kinds.end(), "merged"), 2);
        QCOMPARE(std::count(kinds.begin(), kinds.end(), "policy_violation"), 1);
        QCOMPARE(qs(kinds.back()), QStringLiteral("policy_violation"));
        const json& created = l.front();
        QCOMPARE(qs(created["system"].get<std::string>()), QStringLiteral("PLM"));
        QCOMPARE(qs(created["correlation_id"].get<std::string>()), QStringLiteral("npi-cp90"));
        std::vector<std::string> queued = created["detail"]["queued"].get<std::vector<std::string>>();
        std::sort(queued.begin(), queued.end());
        QCOMPARE(dumped(json(queued)), dumped(json { "ANALYTICS", "ERP", "MES-P100", "QMS", "WMS-P100" }));
        for (const auto& e : l) {
            if (e["kind"] != "merged")
                continue;
            const std::string sender = e["system"].get<std::string>();
            for (const auto& q : e["detail"]["queued"])
                QVERIFY2(q.get<std::string>() != sender, ("delivery back to sender " + sender).c_str());
        }

        // The one exception: WMS-P100's net_weight, raw line kept verbatim.
        const CtlResult ex
            = runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(ex.exitCode == 0, qPrintable(show(ex)));
        const json e = ex.json();
        QCOMPARE(e.size(), size_t(1));
        QCOMPARE(qs(e[0]["category"].get<std::string>()), QStringLiteral("policy_violation"));
        QCOMPARE(qs(e[0]["key"].get<std::string>()), QStringLiteral("FG-7000"));
        QCOMPARE(qs(e[0]["source"].get<std::string>()), QStringLiteral("WMS-P100"));
        QCOMPARE(e[0]["line"].get<int>(), 7);
        QCOMPARE(QByteArray::fromStdString(e[0]["raw"].get<std::string>()), lines[6]);
        QVERIFY(qs(e[0]["message"].get<std::string>())
                    .contains(QStringLiteral("net_weight (item.engineering, owned by PLM)")));

        // Overview counters agree with the landscape: items RM/EC/SA and FG rev 1-2 go to WMS-P100 (5);
        // ERP gets the 4 PLM item creates, WMS-P100's FG revision and the BOM (6).
        const CtlResult ov
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(ov.exitCode == 0, qPrintable(show(ov)));
        const json o = ov.json();
        QCOMPARE(o["revisions"].get<int>(), 7);
        QCOMPARE(o["objects"]["item"].get<int>(), 4);
        QCOMPARE(o["objects"]["bom"].get<int>(), 1);
        QVERIFY(!o["deliveries"].contains("PLM"));
        // FG-7000 rev 3 (from WMS-P100) is the only revision not sent to WMS-P100; ERP's rev 2 not to ERP.
        QCOMPARE(o["deliveries"]["WMS-P100"]["pending"].get<int>(), 5);
        QCOMPARE(o["deliveries"]["ERP"]["pending"].get<int>(), 6);
    }

    void mixedBatch()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const QString file = data("mixed-batch.jsonl");
        const QList<QByteArray> lines = fileLines(file);
        QCOMPARE(lines.size(), 10);

        const CtlResult ing = runCtl({ QStringLiteral("ingest"), file, QStringLiteral("--workspace"), ws,
            QStringLiteral("--source-name"), QStringLiteral("mixed.jsonl") });
        QVERIFY2(ing.finished, qPrintable(show(ing)));
        QCOMPARE(ing.exitCode, 2);
        const json sum = ing.json();
        QVERIFY2(sum.is_object(), qPrintable(show(ing)));
        const json expected = { { "received", 9 }, { "accepted", 3 }, { "revisions", 3 }, { "unchanged", 0 },
            { "rejected", 5 }, { "duplicates", 1 }, { "exceptions", 5 }, { "policy_violations", 1 },
            { "duplicate_suspects", 0 }, { "deliveries", 5 } };
        for (auto it = expected.begin(); it != expected.end(); ++it)
            QVERIFY2(sum[it.key()] == it.value(),
                qPrintable(QStringLiteral("%1: got %2, expected %3")
                               .arg(qs(it.key()), dumped(sum[it.key()]), dumped(it.value()))));
        QCOMPARE(dumped(sum["exceptions_by_category"]),
            dumped(json { { "conflict", 1 }, { "malformed", 2 }, { "policy_violation", 1 }, { "validation", 1 } }));
        QCOMPARE(sum["received"].get<int>(),
            sum["accepted"].get<int>() + sum["rejected"].get<int>() + sum["duplicates"].get<int>());

        // Every bad line is an exception whose raw is the input line, byte for byte.
        const CtlResult ex
            = runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(ex.exitCode == 0, qPrintable(show(ex)));
        const json e = ex.json();
        QCOMPARE(e.size(), size_t(5));
        const std::map<int, std::string> categoryByLine = { { 2, "malformed" }, { 4, "validation" },
            { 6, "policy_violation" }, { 7, "conflict" }, { 9, "malformed" } };
        for (const auto& row : e) {
            const int line = row["line"].get<int>();
            QVERIFY2(categoryByLine.count(line), qPrintable(dumped(row)));
            QCOMPARE(qs(row["category"].get<std::string>()), qs(categoryByLine.at(line)));
            QCOMPARE(qs(row["source_name"].get<std::string>()), QStringLiteral("mixed.jsonl"));
            QVERIFY2(qs(row["message"].get<std::string>()).startsWith(QStringLiteral("mixed.jsonl:%1: ").arg(line)),
                qPrintable(dumped(row["message"])));
            const QByteArray input = lines[line - 1];
            if (row.contains("raw")) {
                QCOMPARE(QByteArray::fromStdString(row["raw"].get<std::string>()), input);
            } else {
                // Not UTF-8: shown as base64 of the exact bytes.
                QCOMPARE(line, 9);
                QCOMPARE(
                    QByteArray::fromBase64(QByteArray::fromStdString(row["raw_base64"].get<std::string>())), input);
            }
        }

        // Only the good lines made objects.
        const CtlResult objs
            = runCtl({ QStringLiteral("objects"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(objs.exitCode == 0, qPrintable(show(objs)));
        std::vector<std::string> keys;
        for (const auto& o : objs.json())
            keys.push_back(o["key"].get<std::string>() + "@" + std::to_string(o["revision"].get<int>()));
        QCOMPARE(dumped(json(keys)), dumped(json { "MX-100@2", "MX-200@1" }));

        // The same file again: nothing new, every line a duplicate, exit 0.
        const CtlResult again = runCtl({ QStringLiteral("ingest"), file, QStringLiteral("--workspace"), ws });
        QCOMPARE(again.exitCode, 0);
        const json sum2 = again.json();
        QCOMPARE(sum2["received"].get<int>(), 9);
        QCOMPARE(sum2["duplicates"].get<int>(), 9);
        QCOMPARE(sum2["exceptions"].get<int>(), 0);
        QCOMPARE(runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") })
                     .json()
                     .size(),
            size_t(5));
    }

    void ingestFromStdin()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const QByteArray input = QByteArray::fromStdString(test::event("PLM", "item", "STD-1",
                                     { { "description", "From stdin" }, { "item_type", "ROH" }, { "base_uom", "EA" } }))
            + '\n';
        const CtlResult r
            = runCtl({ QStringLiteral("ingest"), QStringLiteral("-"), QStringLiteral("--workspace"), ws }, input);
        QVERIFY2(r.exitCode == 0, qPrintable(show(r)));
        QCOMPARE(r.json()["revisions"].get<int>(), 1);
        QCOMPARE(qs(r.json()["source"].get<std::string>()), QStringLiteral("stdin"));
    }

    void auditVerifyAndTamper()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult ing
            = runCtl({ QStringLiteral("ingest"), data("npi-scenario.jsonl"), QStringLiteral("--workspace"), ws });
        QVERIFY2(ing.exitCode == 2, qPrintable(show(ing)));

        const CtlResult ok
            = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(ok.exitCode == 0, qPrintable(show(ok)));
        QCOMPARE(ok.json()["ok"].get<bool>(), true);
        // workspace.init, the creator made admin, model, landscape and contracts install, one ingest run.
        QCOMPARE(ok.json()["entries"].get<int>(), 6);
        const CtlResult okText = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws });
        QCOMPARE(okText.exitCode, 0);
        QVERIFY2(okText.out.startsWith("audit log OK: 6 entries"), qPrintable(show(okText)));

        {
            // Someone with write access to the storage: on SQLite the file (drops the append-only trigger), on
            // PostgreSQL the owner of the tables (disables their triggers).
            const QString name = QStringLiteral("tamper-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
            {
                const bool pg = testBackendIsPostgres();
                QSqlDatabase db
                    = QSqlDatabase::addDatabase(pg ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(pg ? ws.section(QLatin1Char('/'), -1) : ws);
                QVERIFY2(db.open(), qPrintable(db.lastError().text()));
                QSqlQuery q(db);
                QVERIFY(!q.exec(QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")));
                QVERIFY2(q.exec(pg ? QStringLiteral("ALTER TABLE audit_log DISABLE TRIGGER USER")
                                   : QStringLiteral("DROP TRIGGER audit_log_no_update")),
                    qPrintable(q.lastError().text()));
                QVERIFY2(q.exec(QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")),
                    qPrintable(q.lastError().text()));
                QCOMPARE(q.numRowsAffected(), 1);
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        const CtlResult bad = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws });
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.out.contains("audit log BROKEN"), qPrintable(show(bad)));
        QVERIFY2(bad.out.contains("seq 2: content does not match its hash"), qPrintable(show(bad)));
        const CtlResult badJson
            = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(badJson.exitCode, 2);
        QCOMPARE(badJson.json()["ok"].get<bool>(), false);
        QCOMPARE(badJson.json()["problems"].size(), size_t(1));
    }

    void userErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown command") << QStringList { QStringLiteral("frobnicate"), QStringLiteral("--workspace"),
            QStringLiteral("x") } << QStringLiteral("unknown command 'frobnicate'");
        QTest::newRow("missing --workspace (ingest)") << QStringList { QStringLiteral("ingest"),
            data("mixed-batch.jsonl") } << QStringLiteral("--workspace PATH is required for 'ingest'");
        QTest::newRow("missing --workspace (status)") << QStringList { QStringLiteral("status"),
            QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"), QStringLiteral("A") }
                                                      << QStringLiteral("--workspace PATH is required for 'status'");
        QTest::newRow("missing --workspace (init)")
            << QStringList { QStringLiteral("init") } << QStringLiteral("--workspace PATH is required for 'init'");
        QTest::newRow("unknown option") << QStringList { QStringLiteral("overview"), QStringLiteral("--colour") }
                                        << QStringLiteral("unknown option --colour");
        QTest::newRow("option without value") << QStringList { QStringLiteral("overview"),
            QStringLiteral("--workspace") } << QStringLiteral("option --workspace needs a value");
        QTest::newRow("no such workspace") << QStringList { QStringLiteral("overview"), QStringLiteral("--workspace"),
            QStringLiteral("/nonexistent/ws.mdsync") }
                                           << QStringLiteral("no workspace there");
        QTest::newRow("no such input file")
            << QStringList { QStringLiteral("ingest"), QStringLiteral("/nonexistent/in.jsonl"),
                   QStringLiteral("--workspace"), QStringLiteral("/nonexistent/ws.mdsync") }
            << QStringLiteral("/nonexistent/in.jsonl");
    }

    void userErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CtlResult r = runCtl(args);
        QVERIFY2(r.finished, qPrintable(show(r)));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.isEmpty(), qPrintable(show(r)));
        QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(show(r)));
        QVERIFY2(r.err.startsWith("mdsyncctl: "), qPrintable(show(r)));
        QVERIFY2(QString::fromUtf8(r.err).contains(message), qPrintable(show(r)));
    }

    void userErrorsOnAWorkspace_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown exception status")
            << QStringList { QStringLiteral("exceptions"), QStringLiteral("--status"), QStringLiteral("opn") }
            << QStringLiteral("unknown exception status 'opn' (statuses: open, assigned, awaiting_approval, resolved,"
                              " discarded, superseded, replayed)");
        QTest::newRow("unknown domain (status)") << QStringList {
            QStringLiteral("status"), QStringLiteral("--domain"), QStringLiteral("itm"), QStringLiteral("--key"),
            QStringLiteral("FG-1000")
        } << QStringLiteral("unknown domain 'itm' (domains: asset, bom, customer, item, location, routing, supplier)");
        QTest::newRow("unknown domain (lineage)") << QStringList { QStringLiteral("lineage"),
            QStringLiteral("--domain"), QStringLiteral("itm"), QStringLiteral("--key"), QStringLiteral("FG-1000") }
                                                  << QStringLiteral("unknown domain 'itm'");
        QTest::newRow("demo over an existing workspace")
            << QStringList { QStringLiteral("demo"), QStringLiteral("--duration"), QStringLiteral("1") }
            << (testBackendIsPostgres() ? QStringLiteral(
                    "the demo makes (and with --force replaces) its own demo workspace, a SQLite file")
                                        : QStringLiteral("exists already; run the demo with --force to replace it"));
    }

    void userErrorsOnAWorkspace()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult r = runCtl(args << QStringLiteral("--workspace") << ws);
        QVERIFY2(r.finished, qPrintable(show(r)));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.isEmpty(), qPrintable(show(r)));
        QVERIFY2(r.err.startsWith("mdsyncctl: ") && QString::fromUtf8(r.err).contains(message), qPrintable(show(r)));
        // Nothing was replaced: the workspace is the one init made.
        const CtlResult ov = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws });
        QCOMPARE(ov.exitCode, 0);
    }

    void pausedTargetsShowInOverviewAndMetrics()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult p = runCtl({ QStringLiteral("pause"), QStringLiteral("--target"), QStringLiteral("QMS"),
            QStringLiteral("--reason"), QStringLiteral("QMS upgrade weekend"), QStringLiteral("--workspace"), ws });
        QVERIFY2(p.exitCode == 0, qPrintable(show(p)));
        const CtlResult ov = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws });
        QVERIFY2(
            ov.exitCode == 0 && ov.out.contains("Paused (queuing, sending nothing; mdsyncctl resume --target T): QMS"),
            qPrintable(show(ov)));
        const CtlResult oj
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(dumped(oj.json()["paused_targets"]), dumped(json::array({ "QMS" })));
        const CtlResult m
            = runCtl({ QStringLiteral("metrics"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(m.exitCode == 0, qPrintable(show(m)));
        QCOMPARE(dumped(m.json()["paused_targets"]), dumped(json::array({ "QMS" })));
        QCOMPARE(m.json()["targets"]["QMS"].value("paused", false), true);
        const CtlResult mt = runCtl({ QStringLiteral("metrics"), QStringLiteral("--workspace"), ws });
        QVERIFY2(mt.out.contains("QMS (paused)"), qPrintable(show(mt)));
    }

    // `mdsyncctl probe` (issue 19 item 3): refused without a reason, for a target whose circuit is closed and for a
    // paused one; for an open circuit it records the request for the dispatcher (tst_breaker: the probe goes) and
    // audits it.
    void probeTargetWithAnOpenCircuit()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        auto probe = [&](const QString& reason) {
            QStringList args = { QStringLiteral("probe"), QStringLiteral("--target"), QStringLiteral("QMS"),
                QStringLiteral("--workspace"), ws };
            if (!reason.isEmpty())
                args << QStringLiteral("--reason") << reason;
            return runCtl(args);
        };
        const CtlResult noReason = probe({});
        QVERIFY2(noReason.exitCode != 0 && noReason.err.contains("needs --reason"), qPrintable(show(noReason)));
        const CtlResult closed = probe(QStringLiteral("QMS is back"));
        QVERIFY2(closed.exitCode != 0 && closed.err.contains("circuit is not open"), qPrintable(show(closed)));
        {
            RawConnection raw(ws);
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO target_circuit(target_id, state, opened_at, updated_at)"
                                            " VALUES ('QMS', 'open', 1000, 1000)"))
                        .isEmpty());
        }
        const CtlResult p = runCtl({ QStringLiteral("pause"), QStringLiteral("--target"), QStringLiteral("QMS"),
            QStringLiteral("--reason"), QStringLiteral("upgrade"), QStringLiteral("--workspace"), ws });
        QVERIFY2(p.exitCode == 0, qPrintable(show(p)));
        const CtlResult paused = probe(QStringLiteral("QMS is back"));
        QVERIFY2(paused.exitCode != 0 && paused.err.contains("paused"), qPrintable(show(paused)));
        const CtlResult r = runCtl({ QStringLiteral("resume"), QStringLiteral("--target"), QStringLiteral("QMS"),
            QStringLiteral("--reason"), QStringLiteral("upgrade done"), QStringLiteral("--workspace"), ws });
        QVERIFY2(r.exitCode == 0, qPrintable(show(r)));
        const CtlResult ok = probe(QStringLiteral("QMS is back"));
        QVERIFY2(ok.exitCode == 0 && ok.out.contains("probe of QMS requested"), qPrintable(show(ok)));
        RawConnection raw(ws);
        QCOMPARE(scalar(raw.db(),
                     QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'target.probe'"
                                    " AND subject = 'target/QMS' AND reason = 'QMS is back'"))
                     .toInt(),
            1);
        QVERIFY(!scalar(raw.db(), QStringLiteral("SELECT probe_requested_at FROM system WHERE id = 'QMS'")).isNull());
    }

    // A target down (its circuit open) and an ended outage: overview names it in plain text, metrics prints the
    // outage minutes and MTTR (text and --json), and the default alert rule fires after 15 minutes.
    void outagesShowInOverviewMetricsAndAlerts()
    {
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const qint64 minute = 60 * 1000;
        const qint64 now = nowMs();
        const qint64 since = now - 42 * minute;
        {
            auto writer = Workspace::open(ws, Workspace::Mode::ReadWrite);
            QVERIFY2(writer, writer ? "" : qPrintable(writer.error()));
            CircuitStore circuits;
            QString error;
            QVERIFY2(circuits.prepare(writer.value()->db(), error), qPrintable(error));
            const std::int64_t ended = circuits.openIncident("ERP", now - 300 * minute, "ERP is down", "{}");
            const json details = { { "since_ms", now - 300 * minute }, { "duration_ms", 30 * minute } };
            circuits.resolveIncident(ended, now - 270 * minute, "ERP was down", details.dump());
            CircuitRow row;
            row.target = "MES-P200";
            row.open = true;
            row.openedAt = since;
            row.lastError = "retryable: connection refused";
            row.probeIntervalMs = 60000;
            row.nextProbeAt = now + 60000;
            row.incidentId = circuits.openIncident("MES-P200", since, "MES-P200 is down", "{}");
            circuits.save(row, now);
        }
        const CtlResult ov = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws });
        QVERIFY2(ov.exitCode == 0
                && ov.out.contains(QByteArray::fromStdString(
                    "  MES-P200 down since " + formatRfc3339(since) + ", 0 waiting, next probe at "))
                && ov.out.contains("last error: retryable: connection refused"),
            qPrintable(show(ov)));
        const CtlResult mj
            = runCtl({ QStringLiteral("metrics"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(mj.exitCode == 0, qPrintable(show(mj)));
        const json o = mj.json()["outages"];
        QCOMPARE(o.value("down_now", -1), 1);
        QCOMPARE(o.value("resolved", -1), 1);
        QCOMPARE(o["mttr_ms"].get<qint64>(), 30 * minute);
        QCOMPARE(o["by_target"]["ERP"]["outage_ms"].get<qint64>(), 30 * minute);
        const CtlResult mt = runCtl({ QStringLiteral("metrics"), QStringLiteral("--workspace"), ws });
        QVERIFY2(mt.out.contains("Target outages (circuit open) over the last 30 days: ")
                && mt.out.contains(" outage min, MTTR 30.0 min (1 ended), 1 down now\n")
                && mt.out.contains(QByteArray::fromStdString("  MES-P200 down since " + formatRfc3339(since))),
            qPrintable(show(mt)));
        // The outage window is a positive number of days.
        const CtlResult bad = runCtl({ QStringLiteral("metrics"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--outage-days"), QStringLiteral("0") });
        QVERIFY2(bad.exitCode != 0 && bad.err.contains("--outage-days"), qPrintable(show(bad)));
        const CtlResult al = runCtl({ QStringLiteral("alerts"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--evaluate"), QStringLiteral("--json") });
        QVERIFY2(al.exitCode == 0, qPrintable(show(al)));
        int outageAlerts = 0;
        const json listed = al.json();
        for (const json& a : listed["alerts"])
            if (a.value("rule", std::string()) == "target-down-15-min") {
                ++outageAlerts;
                QCOMPARE(a.value("target", std::string()), std::string("MES-P200"));
                QCOMPARE(a.value("severity", std::string()), std::string("high"));
            }
        QVERIFY2(outageAlerts == 1, qPrintable(show(al)));
    }

    void secondWriterRefused()
    {
        MDSYNC_SQLITE_ONLY("the file's writer lock (one writer per file); on PostgreSQL several writers share a "
                           "database and `run` takes a lease (tst_pglease, tst_pgfailover)");
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        auto writer = Workspace::open(ws, Workspace::Mode::ReadWrite);
        QVERIFY2(writer, writer ? "" : qPrintable(writer.error()));
        const CtlResult r
            = runCtl({ QStringLiteral("ingest"), data("mixed-batch.jsonl"), QStringLiteral("--workspace"), ws });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("open for writing by"), qPrintable(show(r)));
        QVERIFY2(r.err.contains(QByteArray::number(QCoreApplication::applicationPid())), qPrintable(show(r)));
        // Readers are fine beside the writer.
        const CtlResult ov
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(ov.exitCode, 0);
        QCOMPARE(ov.json()["revisions"].get<int>(), 0);
    }

    // PostgreSQL: `backup` copies a file; on a database it says to use pg_dump / pg_restore instead.
    void backupOfADatabaseNamesPgDump()
    {
        if (!testBackendIsPostgres())
            QSKIP("PostgreSQL only: backupWhileAWriterHoldsTheWorkspaceAndRestore is the SQLite test");
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const QString copy = m_workspaces.filePath(QStringLiteral("backup-pg.mdsync"));
        const CtlResult b
            = runCtl({ QStringLiteral("backup"), QStringLiteral("--workspace"), ws, QStringLiteral("--out"), copy });
        QVERIFY2(b.exitCode == 1, qPrintable(show(b)));
        QVERIFY2(b.err.contains("PostgreSQL workspace") && b.err.contains("pg_dump") && b.err.contains("pg_restore"),
            qPrintable(show(b)));
        QVERIFY(!QFile::exists(copy));
    }

    void backupWhileAWriterHoldsTheWorkspaceAndRestore()
    {
        MDSYNC_SQLITE_ONLY("an online copy of the file and a file restore (PostgreSQL: backupOfADatabaseNamesPgDump)");
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult in
            = runCtl({ QStringLiteral("ingest"), data("mixed-batch.jsonl"), QStringLiteral("--workspace"), ws });
        QVERIFY2(in.finished, qPrintable(show(in)));
        const json before
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") })
                  .json();
        QVERIFY(before["revisions"].get<int>() > 0);

        const QString copy = m_workspaces.filePath(QStringLiteral("backup-1.mdsync"));
        {
            // A writer holds the workspace (as `mdsyncctl run` would): the backup is online.
            auto writer = Workspace::open(ws, Workspace::Mode::ReadWrite);
            QVERIFY2(writer, writer ? "" : qPrintable(writer.error()));
            const CtlResult b = runCtl({ QStringLiteral("backup"), QStringLiteral("--workspace"), ws,
                QStringLiteral("--out"), copy, QStringLiteral("--json") });
            QVERIFY2(b.exitCode == 0, qPrintable(show(b)));
            QVERIFY(b.json()["audit_ok"].get<bool>());
            QVERIFY(b.json()["audit_entries"].get<int>() > 0);
            QCOMPARE(dumped(b.json()["instance_id"]), dumped(before["instance_id"]));
            QVERIFY(QFile::exists(copy));
            QVERIFY(!QFile::exists(copy + QStringLiteral(".partial")));
            // A commit after the backup is not in it.
            QVERIFY(writer.value()->setMeta(QStringLiteral("after_backup"), QStringLiteral("1")));
            auto c = Workspace::open(copy, Workspace::Mode::ReadOnly);
            QVERIFY2(c, c ? "" : qPrintable(c.error()));
            QVERIFY(c.value()->meta(QStringLiteral("after_backup")).isEmpty());
            // A backup never replaces a file.
            const CtlResult again = runCtl(
                { QStringLiteral("backup"), QStringLiteral("--workspace"), ws, QStringLiteral("--out"), copy });
            QVERIFY2(again.exitCode == 1 && again.err.contains("exists already"), qPrintable(show(again)));
        }
        // The restore drill: replace the workspace by the backup; it verifies and holds what it held.
        for (const QString& suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(ws + suffix);
        QVERIFY(QFile::copy(copy, ws));
        const CtlResult verify = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws });
        QVERIFY2(verify.exitCode == 0 && verify.out.contains("audit log OK"), qPrintable(show(verify)));
        const json after
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") })
                  .json();
        QCOMPARE(dumped(after["revisions"]), dumped(before["revisions"]));
        QCOMPARE(dumped(after["instance_id"]), dumped(before["instance_id"]));
        QCOMPARE(dumped(after["open_exceptions"]), dumped(before["open_exceptions"]));
    }

    void identityIsTheOsLogin()
    {
        MDSYNC_SQLITE_ONLY("the OS login and asserted identities of files; on PostgreSQL the actor is the database "
                           "login (identityIsTheDatabaseLogin, tst_pgcli, tst_pgroles)");
        // A normal workspace acts as the OS login: --user naming someone else is refused (exit 1) on every
        // command, before anything is done; --user naming the OS login itself is fine.
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult who
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(qs(who.json().value("identities", "")), QStringLiteral("os_login"));
        const CtlResult plain = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws });
        QVERIFY2(plain.out.contains("Identities: OS login"), qPrintable(show(plain)));
        for (const QStringList& cmd :
            { QStringList { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("mallory"),
                  QStringLiteral("--role"), QStringLiteral("admin"), QStringLiteral("--reason"), QStringLiteral("x") },
                QStringList { QStringLiteral("ingest"), data("mixed-batch.jsonl") },
                QStringList { QStringLiteral("exceptions") } }) {
            const CtlResult r = runCtl(cmd
                + QStringList {
                    QStringLiteral("--workspace"), ws, QStringLiteral("--user"), QStringLiteral("someone-else") });
            QVERIFY2(r.exitCode == 1, qPrintable(cmd.first() + QLatin1Char('\n') + show(r)));
            QVERIFY2(r.err.contains("--user someone-else") && r.err.contains("refused")
                    && r.err.contains("--asserted-identities"),
                qPrintable(show(r)));
        }
        const CtlResult ov
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(ov.json()["revisions"].get<int>(), 0); // the refused ingest stored nothing
        const CtlResult roles
            = runCtl({ QStringLiteral("roles"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(!roles.out.contains("mallory"), qPrintable(show(roles)));
        const CtlResult self = runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--user"), qs(osLogin()) });
        QVERIFY2(self.exitCode == 0, qPrintable(show(self)));

        // init: another --user only for a demo/test workspace, whose trail says that identities are asserted.
        const QString refused = m_workspaces.filePath(QStringLiteral("asserted-refused.mdsync"));
        const CtlResult noFlag = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), refused,
            QStringLiteral("--user"), QStringLiteral("ada") });
        QVERIFY2(noFlag.exitCode == 1 && noFlag.err.contains("--asserted-identities"), qPrintable(show(noFlag)));
        QVERIFY(!QFile::exists(refused));
        const QString test = m_workspaces.filePath(QStringLiteral("asserted.mdsync"));
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), test,
            QStringLiteral("--user"), QStringLiteral("ada"), QStringLiteral("--asserted-identities") });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
        const CtlResult asAbe = runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), test,
            QStringLiteral("--user"), QStringLiteral("abe") });
        QVERIFY2(asAbe.exitCode == 0, qPrintable(show(asAbe)));
        const CtlResult ovt
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), test, QStringLiteral("--json") });
        QCOMPARE(qs(ovt.json().value("identities", "")), QStringLiteral("asserted"));
        auto w = Workspace::open(test, Workspace::Mode::ReadOnly);
        QVERIFY2(w, w ? "" : qPrintable(w.error()));
        QSqlQuery q(w.value()->db());
        QVERIFY(
            q.exec(QStringLiteral("SELECT actor, after FROM audit_log WHERE action = 'workspace.init'")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ada"));
        QCOMPARE(
            qs(json::parse(q.value(1).toString().toStdString()).value("identities", "")), QStringLiteral("asserted"));
    }

    // PostgreSQL: the actor is the login of the connection: --user naming another is refused before anything is
    // done; a login acts as itself (PGUSER), and the audit trail names it.
    void identityIsTheDatabaseLogin()
    {
        if (!testBackendIsPostgres())
            QSKIP("PostgreSQL only: identityIsTheOsLogin is the SQLite test");
        const QString ws = newWorkspace();
        QVERIFY(!ws.isEmpty());
        const CtlResult r = runCtl({ QStringLiteral("ingest"), data("mixed-batch.jsonl"), QStringLiteral("--workspace"),
            ws, QStringLiteral("--user"), QStringLiteral("someone-else") });
        QVERIFY2(
            r.exitCode == 1 && r.err.contains("database login") && r.err.contains("someone-else"), qPrintable(show(r)));
        const CtlResult ov
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(ov.json()["revisions"].get<int>(), 0); // the refused ingest stored nothing
        const CtlResult g = runCtl({ QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("ada"),
            QStringLiteral("--role"), QStringLiteral("steward"), QStringLiteral("--reason"), QStringLiteral("team"),
            QStringLiteral("--workspace"), ws });
        QVERIFY2(g.exitCode == 0, qPrintable(show(g)));
        const CtlResult asAda
            = runCtlAs(QStringLiteral("ada"), { QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws });
        QVERIFY2(asAda.exitCode == 0, qPrintable(show(asAda)));
        const CtlResult adaGrants = runCtlAs(QStringLiteral("ada"),
            { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("mallory"), QStringLiteral("--role"),
                QStringLiteral("admin"), QStringLiteral("--reason"), QStringLiteral("x"), QStringLiteral("--workspace"),
                ws });
        QVERIFY2(adaGrants.exitCode != 0, qPrintable(show(adaGrants))); // a steward is no admin
        const CtlResult roles
            = runCtl({ QStringLiteral("roles"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(roles.out.contains("ada") && !roles.out.contains("mallory"), qPrintable(show(roles)));

        // No asserted identities on a database, refused before anything is made: the database stays empty and a
        // plain init then works (it once made the schema first and left a half-made workspace).
        const QString empty = m_workspaces.fresh(QStringLiteral("asserted.mdsync"));
        const CtlResult asserted = runCtl(
            { QStringLiteral("init"), QStringLiteral("--workspace"), empty, QStringLiteral("--asserted-identities") });
        QVERIFY2(asserted.exitCode == 1 && asserted.err.contains("cannot be a demo/test workspace"),
            qPrintable(show(asserted)));
        const CtlResult demo = runCtl({ QStringLiteral("demo"), QStringLiteral("--workspace"), empty,
            QStringLiteral("--duration"), QStringLiteral("1") });
        QVERIFY2(demo.exitCode == 1 && demo.err.contains("give --workspace a file path"), qPrintable(show(demo)));
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), empty });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
    }

    void contractTests()
    {
        // The built-in contract samples pass, as JSON too; a broken contracts file is a user error naming the path.
        const CtlResult ok = runCtl({ QStringLiteral("contract-test"), QStringLiteral("--json") });
        QVERIFY(ok.finished);
        QCOMPARE(ok.exitCode, 0);
        const auto report = ok.json();
        QVERIFY(report.is_array() && report.size() >= 6);
        for (const auto& r : report)
            QVERIFY2(r["passed"].get<bool>(), r.dump().c_str());

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("contracts.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"contracts":[{"domain":"item","target":"WMS-P100","version":"1","fields":[{"from":"colour","to":"c"}]}]})");
        f.close();
        const CtlResult bad = runCtl({ QStringLiteral("contract-test"), QStringLiteral("--contracts"), file });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("contracts.json: contracts[0].fields[0].from: unknown attribute of item 'colour'"),
            bad.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliNpi)
#include "tst_cli_npi.moc"
