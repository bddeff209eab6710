// Crash recovery, end to end: `mdsyncctl run` is killed (SIGKILL) while deliveries are in flight to real
// HTTP targets on 127.0.0.1, then started again. Every revision must reach every subscriber, and each target
// must have applied each change exactly once (the restarted core re-sends with the same idempotency keys).

#include "demo/simulatedsystem.h"
#include "dispatcherharness.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

const char* const kTargets[] = { "ERP", "MES-P100", "WMS-P100", "QMS" };
constexpr int kItems = 60;

QString ctl()
{
    return qEnvironmentVariable("MDSYNCCTL");
}

// Runs mdsyncctl synchronously (no target is involved).
bool ctlSync(const QStringList& args, int okExitCodes = 0)
{
    QProcess p;
    p.start(ctl(), args);
    if (!p.waitForFinished(60000)) {
        qWarning("mdsyncctl %s did not finish", qPrintable(args.join(QLatin1Char(' '))));
        return false;
    }
    const bool ok = p.exitCode() == 0 || (okExitCodes == 2 && p.exitCode() == 2);
    if (!ok)
        qWarning("mdsyncctl %s: exit %d: %s", qPrintable(args.join(QLatin1Char(' '))), p.exitCode(),
            p.readAllStandardError().constData());
    return p.exitStatus() == QProcess::NormalExit && ok;
}

// A count through a connection of its own: read-only on the SQLite file, or on PostgreSQL a connection to the
// database of a postgresql:///<db> workspace (host, port, login from the fixture's environment).
qint64 queryCount(const QString& ws, const QString& sql)
{
    const QString name = QStringLiteral("crash-reader");
    qint64 n = -1;
    {
        QSqlDatabase db;
        if (testBackendIsPostgres()) {
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
            db.setDatabaseName(ws.section(QLatin1Char('/'), -1));
        } else {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(ws);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
        }
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                n = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return n;
}

} // namespace

class TestCrashRecovery : public QObject
{
    Q_OBJECT

    CtlWorkspaces m_workspaces { QStringLiteral("crash") };

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = m_workspaces.setUp();
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
    void cleanup() { m_workspaces.dropAll(); }

    // On both backends (a PostgreSQL database for the `.pg` variant).
    void killedCoreLosesNothingAndAppliesEachChangeOnce()
    {
        QVERIFY2(!ctl().isEmpty(), "MDSYNCCTL is not set");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());

        // Targets that apply at once and answer 40-160 ms later: a kill leaves applied-but-unacked calls.
        SimulatedLandscape sims;
        json configs = json::array();
        for (const char* id : kTargets)
            configs.push_back({ { "id", id }, { "latency_ms", { 40, 160 } } });
        auto ports = sims.start(configs);
        QVERIFY2(ports.ok(), ports.ok() ? "" : qPrintable(ports.error()));

        // The built-in landscape with its connectors pointed at them (rate limits lifted to keep this short).
        const QString landscapeFile = dir.filePath(QStringLiteral("landscape.json"));
        const QString written = writeLandscapeForTargets(landscapeFile, ports.value());
        QVERIFY2(written.isEmpty(), qPrintable(written));
        const QString ws = m_workspaces.fresh(QStringLiteral("crash.mdsync"));
        QVERIFY(ctlSync({ QStringLiteral("init"), QStringLiteral("--workspace"), ws, QStringLiteral("--landscape"),
            landscapeFile }));
        const QString events = dir.filePath(QStringLiteral("events.jsonl"));
        {
            QFile f(events);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < kItems; ++i)
                f.write(QByteArray::fromStdString(mdsync::test::event("PLM", "item", "FG-C" + std::to_string(1000 + i),
                                                      releasedItem("Pump " + std::to_string(i), { "P100" }))
                    + "\n"));
        }
        // Exit 2 is allowed: similar descriptions are flagged as duplicate suspects (a flag, still delivered).
        QVERIFY(ctlSync({ QStringLiteral("ingest"), events, QStringLiteral("--workspace"), ws }, 2));
        const qint64 expected = queryCount(
            ws, QStringLiteral("SELECT count(*) FROM delivery WHERE target_id IN ('ERP','MES-P100','WMS-P100','QMS')"));
        QCOMPARE(expected, qint64(kItems * 4));

        auto totalApplied = [&] {
            qint64 n = 0;
            for (const char* id : kTargets)
                n += sims.system(QLatin1String(id))->totalApplied();
            return n;
        };

        // First run: killed mid-way, while calls are in flight.
        QProcess first;
        first.start(ctl(), { QStringLiteral("run"), QStringLiteral("--workspace"), ws });
        QVERIFY(first.waitForStarted(10000));
        QElapsedTimer timer;
        timer.start();
        bool killedInFlight = false;
        while (timer.elapsed() < 30000 && first.state() == QProcess::Running) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            if (totalApplied() >= expected / 3
                && queryCount(ws, QStringLiteral("SELECT count(*) FROM delivery WHERE status = 'in_flight'")) > 0) {
                first.kill();
                killedInFlight = true;
                break;
            }
        }
        QVERIFY2(killedInFlight, "the first run never had deliveries in flight after a third was applied");
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        const qint64 appliedAtKill = totalApplied();
        QVERIFY2(appliedAtKill < expected, "everything was applied before the kill: nothing to recover");
        const qint64 inFlightAtKill
            = queryCount(ws, QStringLiteral("SELECT count(*) FROM delivery WHERE status = 'in_flight'"));
        QVERIFY(inFlightAtKill > 0);

        // Second run: recovers the in-flight rows and drains the rest.
        QProcess second;
        second.start(ctl(),
            { QStringLiteral("run"), QStringLiteral("--workspace"), ws, QStringLiteral("--until-idle"),
                QStringLiteral("--timeout"), QStringLiteral("90"), QStringLiteral("--json") });
        QVERIFY(second.waitForStarted(10000));
        timer.restart();
        while (timer.elapsed() < 100000 && second.state() != QProcess::NotRunning)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QCOMPARE(second.state(), QProcess::NotRunning);
        const QByteArray out = second.readAllStandardOutput();
        QVERIFY2(second.exitStatus() == QProcess::NormalExit && second.exitCode() == 0,
            QByteArray(out + second.readAllStandardError()).constData());
        const json report = json::parse(out.toStdString(), nullptr, false);
        QVERIFY2(!report.is_discarded(), out.constData());
        QCOMPARE(report["stats"].value("recovered", 0), inFlightAtKill);

        // Nothing lost: every delivery acked. Nothing doubled: each change applied exactly once per target.
        QCOMPARE(queryCount(ws,
                     QStringLiteral("SELECT count(*) FROM delivery WHERE status = 'acked'"
                                    " AND target_id IN ('ERP','MES-P100','WMS-P100','QMS')")),
            expected);
        for (const char* id : kTargets) {
            SimulatedSystem* s = sims.system(QLatin1String(id));
            QCOMPARE(s->totalApplied(), qint64(kItems));
            for (int i = 0; i < kItems; ++i) {
                const QString key = QStringLiteral("FG-C%1").arg(1000 + i);
                QCOMPARE(s->appliedCount(QStringLiteral("item"), key), 1);
            }
        }
        QCOMPARE(queryCount(ws, QStringLiteral("SELECT count(*) FROM lineage_event WHERE kind = 'delivery_recovered'")),
            inFlightAtKill);
    }

    // docs/ONBOARDING.md "Crash and restart": a lab system joins by an approved landscape change while 1,500 items and
    // 100 BOMs exist; the approval starts its initial load and `mdsyncctl run` is killed (SIGKILL) twice during it.
    // Counted at the lab: every object once, none missing, each BOM after its components.
    void killedCoreResumesAnInitialLoad()
    {
        QVERIFY2(!ctl().isEmpty(), "MDSYNCCTL is not set");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        constexpr int kLoadItems = 1500;
        constexpr int kLoadBoms = 100;
        SimulatedLandscape sims;
        json configs = json::array();
        for (const char* id : { "ERP", "LIMS" })
            configs.push_back({ { "id", id }, { "latency_ms", { 5, 40 } } });
        auto ports = sims.start(configs);
        QVERIFY2(ports.ok(), ports.ok() ? "" : qPrintable(ports.error()));
        const quint16 limsPort = ports.value().value(QStringLiteral("LIMS"));
        QHash<QString, quint16> erpOnly = ports.value();
        erpOnly.remove(QStringLiteral("LIMS"));
        const QString landscapeFile = dir.filePath(QStringLiteral("landscape.json"));
        const QString written = writeLandscapeForTargets(landscapeFile, erpOnly);
        QVERIFY2(written.isEmpty(), qPrintable(written));
        const QString ws = m_workspaces.fresh(QStringLiteral("onboard.mdsync"));
        const QString made
            = m_workspaces.initWithAdmin(ws, QStringLiteral("ada"), { QStringLiteral("--landscape"), landscapeFile });
        QVERIFY2(made.isEmpty(), qPrintable(made));
        // abe is the second admin (four-eyes); ada also a steward (she ingests). On PostgreSQL the owner grants (its
        // login can GRANT the database roles: CREATEROLE).
        const QString granter = testBackendIsPostgres() ? pgOwnerLogin() : QStringLiteral("ada");
        for (const auto& [login, role] : { std::pair { QStringLiteral("abe"), QStringLiteral("admin") },
                 { QStringLiteral("ada"), QStringLiteral("steward") } }) {
            const CtlResult grant = runCtlAs(granter,
                { QStringLiteral("grant"), QStringLiteral("--workspace"), ws, QStringLiteral("--login"), login,
                    QStringLiteral("--role"), role, QStringLiteral("--reason"), QStringLiteral("onboarding team") });
            QVERIFY2(grant.exitCode == 0, qPrintable(show(grant)));
        }

        const QString events = dir.filePath(QStringLiteral("load.jsonl"));
        {
            QFile f(events);
            QVERIFY(f.open(QIODevice::WriteOnly));
            auto key = [](int i) { return "RM-L" + std::to_string(10000 + i); };
            for (int i = 0; i < kLoadItems; ++i)
                f.write(QByteArray::fromStdString(mdsync::test::event("PLM", "item", key(i),
                                                      releasedItem("Lab part type " + std::to_string(i), { "P100" }))
                    + "\n"));
            for (int b = 0; b < kLoadBoms; ++b)
                f.write(QByteArray::fromStdString(
                    bom("BOM-L" + std::to_string(b), key(b), { key(kLoadItems - 1 - b), key(b + 1) }) + "\n"));
        }
        const CtlResult ingested = runCtlAs(
            QStringLiteral("ada"), { QStringLiteral("ingest"), events, QStringLiteral("--workspace"), ws }, {}, 120000);
        QVERIFY2(ingested.exitCode == 0 || ingested.exitCode == 2, qPrintable(show(ingested)));

        // The landscape with the lab: proposed by ada, approved by abe; the approval starts the load.
        QFile lf(landscapeFile);
        QVERIFY(lf.open(QIODevice::ReadOnly));
        json land = json::parse(lf.readAll().toStdString(), nullptr, false);
        QVERIFY(!land.is_discarded());
        land["version"] = "with-lims";
        land["systems"].push_back({ { "id", "LIMS" }, { "name", "Lab system" }, { "kind", "QMS" },
            { "plants", json::array() }, { "max_concurrency", 4 },
            // At most 300 of the load's deliveries open: the load queues as the lab acknowledges (the lab is served
            // by this test's event loop), so the first kill comes while the load still queues, however fast the
            // machine queues.
            { "initial_load", { { "chunk", 100 }, { "max_open", 300 } } },
            { "connector", { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(limsPort) } } } });
        for (const char* domain : { "bom", "item" })
            land["subscriptions"].push_back({ { "domain", domain }, { "target", "LIMS" }, { "pattern", "event" },
                { "sla_minutes", 120 }, { "criticality", "medium" } });
        const QString withLims = dir.filePath(QStringLiteral("landscape-lims.json"));
        {
            QFile f(withLims);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(land.dump(2)));
        }
        const CtlResult proposed = runCtlAs(QStringLiteral("ada"),
            { QStringLiteral("propose"), QStringLiteral("--workspace"), ws, QStringLiteral("--kind"),
                QStringLiteral("landscape"), QStringLiteral("--file"), withLims, QStringLiteral("--title"),
                QStringLiteral("LIMS"), QStringLiteral("--reason"), QStringLiteral("lab go-live"),
                QStringLiteral("--json") });
        QVERIFY2(proposed.exitCode == 0, qPrintable(show(proposed)));
        const json proposal = json::parse(proposed.out.toStdString(), nullptr, false);
        QVERIFY2(proposal.is_object() && proposal.contains("id"), qPrintable(show(proposed)));
        const CtlResult approved = runCtlAs(QStringLiteral("abe"),
            { QStringLiteral("approve-change"), QStringLiteral("--workspace"), ws, QStringLiteral("--id"),
                QString::number(proposal["id"].get<qint64>()), QStringLiteral("--reason"),
                QStringLiteral("lab ready") });
        QVERIFY2(approved.exitCode == 0, qPrintable(show(approved)));
        QVERIFY2(approved.out.contains("LIMS: initial load #1 started (1600 objects;"), qPrintable(show(approved)));

        // The lab's order of arrival: a BOM only after its components.
        SimulatedSystem* lims = sims.system(QStringLiteral("LIMS"));
        std::map<QString, int> appliedAt;
        int sequence = 0;
        connect(lims, &SimulatedSystem::changeApplied, this,
            [&](const QString& domain, const QString& key, const QString&) {
                appliedAt.emplace(domain + QLatin1Char('/') + key, sequence++);
            });
        // Killed twice: early (the job has queued a few chunks of 100: its cursor is mid-way) and at half.
        std::vector<qint64> queuedAtKill;
        for (const qint64 killAt : { qint64 { 100 }, qint64 { 1600 / 2 } }) {
            QProcess run;
            run.start(ctl(), { QStringLiteral("run"), QStringLiteral("--workspace"), ws });
            QVERIFY(run.waitForStarted(10000));
            QElapsedTimer timer;
            timer.start();
            while (timer.elapsed() < 120000 && run.state() == QProcess::Running && lims->totalApplied() < killAt)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QVERIFY2(run.state() == QProcess::Running, run.readAllStandardError().constData());
            QVERIFY2(lims->totalApplied() >= killAt, "the load did not get far enough before the kill");
            run.kill();
            QVERIFY(run.waitForFinished(10000));
            QCOMPARE(run.exitStatus(), QProcess::CrashExit);
            queuedAtKill.push_back(queryCount(ws, QStringLiteral("SELECT queued FROM onboard_job WHERE id = 1")));
            // Never more than max_open beyond what the lab had applied.
            QVERIFY2(queuedAtKill.back() <= lims->totalApplied() + 300,
                qPrintable(QStringLiteral("%1 queued, %2 applied").arg(queuedAtKill.back()).arg(lims->totalApplied())));
        }
        qInfo("queued by the load at the kills: %lld, %lld of 1600", static_cast<long long>(queuedAtKill[0]),
            static_cast<long long>(queuedAtKill[1]));
        QVERIFY2(queuedAtKill[0] > 0 && queuedAtKill[0] < 1600, "the first kill must come while the load queues");
        QVERIFY2(lims->totalApplied() < 1600, "everything was applied before the last kill: nothing to resume");

        // The last run goes on from the job's cursor and ends when the load is done.
        QProcess last;
        last.start(ctl(),
            { QStringLiteral("run"), QStringLiteral("--workspace"), ws, QStringLiteral("--until-idle"),
                QStringLiteral("--timeout"), QStringLiteral("150") });
        QVERIFY(last.waitForStarted(10000));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 160000 && last.state() != QProcess::NotRunning)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QCOMPARE(last.state(), QProcess::NotRunning);
        const QByteArray out = last.readAllStandardOutput() + last.readAllStandardError();
        QVERIFY2(last.exitStatus() == QProcess::NormalExit && last.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("initial load #1 of LIMS done: 1600 acknowledged, 0 failed"), out.constData());
        QCOMPARE(
            queryCount(ws, QStringLiteral("SELECT count(*) FROM onboard_job WHERE id = 1 AND status = 'done'")), 1);

        // Counted at the lab: every object once, none missing, each BOM after its components.
        QCOMPARE(lims->totalApplied(), qint64 { 1600 });
        for (int i = 0; i < kLoadItems; ++i)
            QCOMPARE(lims->appliedCount(QStringLiteral("item"), QStringLiteral("RM-L%1").arg(10000 + i)), 1);
        for (int b = 0; b < kLoadBoms; ++b) {
            const QString bomKey = QStringLiteral("bom/BOM-L%1").arg(b);
            QCOMPARE(lims->appliedCount(QStringLiteral("bom"), bomKey.mid(4)), 1);
            for (const int c : { kLoadItems - 1 - b, b + 1 })
                QVERIFY(appliedAt.at(QStringLiteral("item/RM-L%1").arg(10000 + c)) < appliedAt.at(bomKey));
        }
    }
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
