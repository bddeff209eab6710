// CoreRunner, the one run loop of `mdsyncctl run`, `mdsyncctl demo` and the GUI's core thread: ingress (webhook,
// file inbox) into the pipeline, dispatcher start/stop, alert evaluation, change notifications; and CoreService
// (the GUI's embedded core) running the webhook and the inbox through it.

#include "engine/corerunner.h"
#include "engine/coreservice.h"
#include "engine/embeddedcore.h"
#include "metrics/alerts.h"
#include "smtpsink.h"
#include "store/livestatus.h"
#include "store/workspace.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;

namespace {

const QByteArray kToken = "corerunner-test-token";

// POSTs a JSON Lines body to the webhook on `port`; returns the HTTP status (0: no answer in 10 s).
int postEvents(quint16 port, const QByteArray& body)
{
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1/events").arg(port)));
    req.setRawHeader("Authorization", "Bearer " + kToken);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-ndjson"));
    req.setTransferTimeout(10000);
    QNetworkReply* r = nam.post(req, body);
    QSignalSpy finished(r, &QNetworkReply::finished);
    if (!r->isFinished())
        finished.wait(10000);
    const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    delete r;
    return status;
}

QByteArray itemLine(const std::string& key, const std::string& description)
{
    return QByteArray::fromStdString(
        event("PLM", "item", key, releasedItem(description, { "P100" }), {}, "upsert", "2026-11-27T08:00:00Z") + '\n');
}

qint64 objects(const QString& path)
{
    RawConnection raw(path);
    return count(raw.db(), QStringLiteral("object"));
}

} // namespace

class TstCoreRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void webhookAndInboxFeedThePipeline()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString path = tw.path();
        const QString inboxDir = tw.filePath(QStringLiteral("inbox"));
        QVERIFY(QDir().mkpath(inboxDir));
        tw.close();

        MDSYNC_REQUIRE_OK(core, openEmbeddedCore(path, DispatcherOptions {}, false));
        CoreRunnerOptions o;
        InboundOptions io;
        io.token = kToken;
        o.webhook = io;
        FileInboxOptions fo;
        fo.folder = inboxDir;
        fo.rescanMs = 100;
        fo.settleMs = 100;
        o.inbox = fo;
        o.notifyIntervalMs = 50;
        CoreRunner runner(*core.value(), o);
        QSignalSpy messages(&runner, &CoreRunner::message);
        QSignalSpy changed(&runner, &CoreRunner::changed);
        MDSYNC_REQUIRE_OK(started, runner.start());
        QVERIFY(runner.isRunning());
        QVERIFY(core.value()->dispatcher->isRunning());
        QVERIFY(runner.webhookPort() != 0);
        bool sawWebhook = false, sawInbox = false;
        for (const auto& m : messages) {
            sawWebhook |= m.at(0).toString().startsWith(
                QStringLiteral("webhook on http://127.0.0.1:%1").arg(runner.webhookPort()));
            sawInbox |= m.at(0).toString().startsWith(QStringLiteral("inbox ") + inboxDir);
        }
        QVERIFY2(sawWebhook && sawInbox, "start() names the webhook's address and the inbox folder");

        QCOMPARE(postEvents(runner.webhookPort(), itemLine("CR-1", "Core runner webhook item")), 200);
        {
            QFile f(inboxDir + QStringLiteral("/batch.jsonl"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(itemLine("CR-2", "Core runner inbox item"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(inboxDir + QStringLiteral("/done/batch.jsonl")), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(changed.count() > 0, 5000);
        const LiveStatus live = read::liveStatus(core.value()->ws->db());
        QVERIFY2(live.deliveriesIn("pending") > 0, live.toJson().dump().c_str());

        MDSYNC_REQUIRE_OK(stopped, runner.stop());
        QVERIFY(!runner.isRunning());
        QVERIFY(!core.value()->dispatcher->isRunning());
        MDSYNC_REQUIRE_OK(again, runner.stop()); // idempotent
        core.value().reset();
        QCOMPARE(objects(path), qint64(2));
    }

    // Issue 18: an alert that fires in the run loop goes out by e-mail (the rules' "notify") and the attempt is
    // recorded with the alert.
    void firedAlertsAreMailedAndRecorded()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        SmtpSink sink;
        const quint16 smtpPort = sink.listen();
        QVERIFY(smtpPort);
        const nlohmann::json rules
            = { { "rules",
                    nlohmann::json::array({ { { "id", "compliance" }, { "kind", "attribute_changed" },
                        { "domain", "supplier" }, { "groups", { "compliance" } }, { "severity", "critical" } } }) },
                  { "notify",
                      { { "email",
                          { { "smtp_host", "127.0.0.1" }, { "smtp_port", smtpPort }, { "from", "mdsync@plant.example" },
                              { "to", { "steward@plant.example" } } } } } } };
        MDSYNC_REQUIRE_OK(set, setAlertRules(tw.as("ada"), "ada", rules, "mail the stewards"));
        QVERIFY(tw.ingest({ mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-9",
                              { { "name", "Acme" }, { "tax_id", "DE811234567" }, { "country", "DE" },
                                  { "street", "Weg 1" }, { "city", "Köln" }, { "postal_code", "50667" } }) })
                    .ok());
        const QString path = tw.path();
        tw.close();

        MDSYNC_REQUIRE_OK(core, openEmbeddedCore(path, DispatcherOptions {}, false));
        CoreRunnerOptions o;
        InboundOptions io;
        io.token = kToken;
        o.webhook = io;
        o.alertIntervalMs = 100;
        CoreRunner runner(*core.value(), o);
        QSignalSpy fired(&runner, &CoreRunner::alertsFired);
        MDSYNC_REQUIRE_OK(started, runner.start());
        QCOMPARE(postEvents(runner.webhookPort(),
                     QByteArray::fromStdString(
                         mdsync::test::event("QMS", "supplier", "SUP-9", { { "reach_compliant", false } }) + '\n')),
            200);
        QTRY_VERIFY_WITH_TIMEOUT(fired.count() > 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(sink.messages.size(), 1, 10000);
        QVERIFY(sink.messages.front().contains("reach_compliant"));
        QTRY_VERIFY_WITH_TIMEOUT(scalar(core.value()->ws->db(), QStringLiteral("SELECT details FROM alert"))
                                     .toString()
                                     .contains(QLatin1String("\"channel\":\"email\"")),
            10000);
        const QString details = scalar(core.value()->ws->db(), QStringLiteral("SELECT details FROM alert")).toString();
        QVERIFY2(details.contains(QLatin1String("\"ok\":true")), qPrintable(details));
        QVERIFY2(details.contains(QLatin1String("250 2.0.0 queued as 42")), qPrintable(details)); // the relay's answer
        MDSYNC_REQUIRE_OK(stopped, runner.stop());
    }

    // A port in use stops the start before anything runs: no inbox, no dispatcher.
    void aFailedStartLeavesNothingRunning()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString path = tw.path();
        tw.close();
        QTcpServer occupied;
        QVERIFY(occupied.listen(QHostAddress::LocalHost, 0));

        MDSYNC_REQUIRE_OK(core, openEmbeddedCore(path, DispatcherOptions {}, false));
        CoreRunnerOptions o;
        InboundOptions io;
        io.token = kToken;
        io.port = occupied.serverPort();
        o.webhook = io;
        CoreRunner runner(*core.value(), o);
        const auto r = runner.start();
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QString::number(occupied.serverPort())), qPrintable(r.error()));
        QVERIFY(!runner.isRunning());
        QVERIFY(!core.value()->dispatcher->isRunning());
    }

    // After an upgrade the previous demo workspace has an older schema: the demo replaces it (it used to refuse it
    // as "not a demo workspace", so `mdsync --demo` failed until the file was deleted by hand). A workspace that is
    // not a demo is never replaced, whatever its version.
    void demoReplacesAnOlderDemoWorkspaceButNoOtherFile()
    {
        MDSYNC_SQLITE_ONLY("demo workspaces are files");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString demo = dir.filePath(QStringLiteral("demo.mdsync"));
        MDSYNC_REQUIRE_OK(first, initDemoWorkspace(demo, "tester", false));
        auto setUserVersion = [](const QString& path, int version) {
            const QString name = QStringLiteral("tst-user-version");
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)));
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        };
        setUserVersion(demo, Workspace::kSchemaVersion - 1);
        QVERIFY(!Workspace::open(demo, Workspace::Mode::ReadOnly)); // what the old check tripped over
        MDSYNC_REQUIRE_OK(second, initDemoWorkspace(demo, "tester", true));
        MDSYNC_REQUIRE_OK(ws, Workspace::open(demo, Workspace::Mode::ReadOnly));
        QCOMPARE(ws.value()->schemaVersion(), Workspace::kSchemaVersion);
        QCOMPARE(ws.value()->meta(QStringLiteral("demo")), QStringLiteral("1"));
        ws.value().reset();

        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString real = tw.path();
        tw.close();
        setUserVersion(real, Workspace::kSchemaVersion - 1);
        const auto refused = initDemoWorkspace(real, "tester", true);
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("not a demo workspace")), qPrintable(refused.error()));
        QVERIFY(QFileInfo::exists(real));
        QCOMPARE(Workspace::peekMeta(real, QStringLiteral("format")).value(), QStringLiteral("mdsync-workspace"));
        QFile notAWorkspace(dir.filePath(QStringLiteral("notes.txt")));
        QVERIFY(notAWorkspace.open(QIODevice::WriteOnly));
        notAWorkspace.write("not a database");
        notAWorkspace.close();
        QVERIFY(!Workspace::peekMeta(notAWorkspace.fileName(), QStringLiteral("demo")));
        QVERIFY(!initDemoWorkspace(notAWorkspace.fileName(), "tester", true));
    }

    // The GUI's embedded core (CoreService) runs the webhook too, and announces typed status snapshots.
    void guiCoreRunsTheWebhook()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString path = tw.path();
        tw.close();

        CoreServiceOptions o;
        o.workspacePath = path;
        o.connectFromLandscape = false;
        o.actor = "steward.gui";
        o.notifyIntervalMs = 50;
        InboundOptions io;
        io.token = kToken;
        o.webhook = io;
        CoreService service(o);
        QSignalSpy messages(&service, &CoreService::message);
        QSignalSpy statuses(&service, &CoreService::status);
        QSignalSpy failed(&service, &CoreService::failed);
        service.start();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(service.state(), CoreService::State::Running);
        quint16 port = 0;
        for (const auto& m : messages) {
            const QString line = m.at(0).toString();
            if (line.startsWith(QStringLiteral("webhook on http://127.0.0.1:")))
                port = static_cast<quint16>(line.section(QLatin1Char(':'), 2).section(QLatin1Char(' '), 0, 0).toUInt());
        }
        QVERIFY2(port != 0, "the GUI's core announces its webhook address");
        QCOMPARE(postEvents(port, itemLine("CR-GUI", "Item sent to the GUI's core")), 200);
        QTRY_VERIFY_WITH_TIMEOUT(!statuses.isEmpty()
                && statuses.last().at(0).value<LiveStatus>().deliveriesIn("pending")
                        + statuses.last().at(0).value<LiveStatus>().deliveriesIn("in_flight")
                    > 0,
            5000);
        service.shutdown();
        QCOMPARE(service.state(), CoreService::State::Stopped);
        QCOMPARE(objects(path), qint64(1));
    }
};

QTEST_GUILESS_MAIN(TstCoreRunner)
#include "tst_corerunner.moc"
