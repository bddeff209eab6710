// Crash recovery, end to end: `mdsyncctl run` is killed (SIGKILL) while deliveries are in flight to real
// HTTP targets on 127.0.0.1, then started again. Every revision must reach every subscriber, and each target
// must have applied each change exactly once (the restarted core re-sends with the same idempotency keys).

#include "demo/simulatedsystem.h"
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
};

QTEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crash_recovery.moc"
