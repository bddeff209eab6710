// Dispatcher failover on a shared PostgreSQL workspace (issue 15, item 3), end to end: two `mdsyncctl run` on one
// workspace, one active (it holds the dispatcher lease) and one standby. The active one is killed (SIGKILL) while
// deliveries are in flight to real HTTP targets on 127.0.0.1; the standby takes over within the 10 s,
// recovers the calls in flight and drains. A fresh standby is started and the second active one is killed too.
// Counted at the targets: every change applied exactly once per target (none missing, none twice), and never two
// dispatchers sending at once (a second active would re-send rows the first has in flight).

#include "demo/simulatedsystem.h"
#include "pgtestenv.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

const char* const kTargets[] = { "ERP", "MES-P100", "WMS-P100", "QMS" };
constexpr int kItems = 80;

QString ctl()
{
    return qEnvironmentVariable("MDSYNCCTL");
}

// One `mdsyncctl run` with its output collected line by line.
struct RunProcess
{
    QProcess p;
    QByteArray out;
    void start(const QString& uri)
    {
        p.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&p, &QProcess::readyRead, &p, [this] { out += p.readAll(); });
        p.start(ctl(), { QStringLiteral("run"), QStringLiteral("--workspace"), uri });
    }
    bool says(const char* text) const { return out.contains(text); }
};

} // namespace

class TestPgFailover : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgfailover") };
    QSqlDatabase m_db;

    qint64 count(const QString& sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY2(!ctl().isEmpty(), "MDSYNCCTL is not set");
    }

    void cleanupTestCase()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("pgfailover-check"));
        const QString error = m_pg.dropAll();
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void standbyTakesOverAndNothingIsLostOrDoubled()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Targets that apply at once and answer 40-160 ms later: a kill leaves applied-but-unacked calls.
        SimulatedLandscape sims;
        json configs = json::array();
        for (const char* id : kTargets)
            configs.push_back({ { "id", id }, { "latency_ms", { 40, 160 } } });
        auto ports = sims.start(configs);
        QVERIFY2(ports.ok(), ports.ok() ? "" : qPrintable(ports.error()));
        const QString landscapeFile = dir.filePath(QStringLiteral("landscape.json"));
        const QString written = writeLandscapeForTargets(landscapeFile, ports.value());
        QVERIFY2(written.isEmpty(), qPrintable(written));
        const QString database = m_pg.create();
        const QString uri = QStringLiteral("postgresql:///") + database;
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), uri,
            QStringLiteral("--landscape"), landscapeFile });
        QVERIFY2(init.exitCode == 0, init.err.constData());
        QByteArray events;
        for (int i = 0; i < kItems; ++i)
            events += QByteArray::fromStdString(mdsync::test::event("PLM", "item", "FG-F" + std::to_string(1000 + i),
                          releasedItem("Pump " + std::to_string(i), { "P100" })))
                + '\n';
        const CtlResult ingest
            = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("ingest"), QStringLiteral("-") }, events);
        QVERIFY2(ingest.exitCode == 0 || ingest.exitCode == 2, ingest.err.constData()); // 2: duplicate suspects

        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pgfailover-check"));
        m_db.setDatabaseName(database);
        QVERIFY2(m_db.open(), qPrintable(m_db.lastError().text()));
        const QString ours = QStringLiteral("target_id IN ('ERP','MES-P100','WMS-P100','QMS')");
        const qint64 expected = count(QStringLiteral("SELECT count(*) FROM delivery WHERE ") + ours);
        QCOMPARE(expected, qint64(kItems * 4));
        auto totalApplied = [&] {
            qint64 n = 0;
            for (const char* id : kTargets)
                n += sims.system(QLatin1String(id))->totalApplied();
            return n;
        };

        // Two processes: the first holds the lease, the second waits.
        std::vector<std::unique_ptr<RunProcess>> runs;
        runs.push_back(std::make_unique<RunProcess>());
        runs.back()->start(uri);
        QTRY_VERIFY_WITH_TIMEOUT(runs.back()->says("active dispatcher of this workspace"), 15000);
        int active = 0;
        QList<double> takeOverMs;
        for (int kill = 1; kill <= 2; ++kill) {
            runs.push_back(std::make_unique<RunProcess>());
            runs.back()->start(uri);
            const int standby = static_cast<int>(runs.size()) - 1;
            QTRY_VERIFY_WITH_TIMEOUT(runs[standby]->says("standby: the active dispatcher is"), 15000);
            QVERIFY2(!runs[standby]->says("took over"), runs[standby]->out.constData());

            // Kill the active one while calls are in flight, after a share of the work was applied.
            QElapsedTimer wait;
            wait.start();
            bool inFlight = false;
            while (wait.elapsed() < 60000) {
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
                if (totalApplied() >= expected * kill / 3
                    && count(QStringLiteral("SELECT count(*) FROM delivery WHERE status = 'in_flight'")) > 0) {
                    inFlight = true;
                    break;
                }
            }
            QVERIFY2(inFlight, "no delivery in flight at the planned kill");
            const qint64 appliedBefore = totalApplied();
            QVERIFY2(appliedBefore < expected, "everything was applied before the kill: nothing to take over");
            QElapsedTimer sinceKill;
            runs[active]->p.kill();
            sinceKill.start();
            QVERIFY(runs[active]->p.waitForFinished(10000));
            QTRY_VERIFY_WITH_TIMEOUT(runs[standby]->says("took over as the active dispatcher"), 15000);
            takeOverMs << static_cast<double>(sinceKill.elapsed());
            QVERIFY2(sinceKill.elapsed() < 10000,
                qPrintable(QStringLiteral("take-over took %1 ms").arg(sinceKill.elapsed())));
            active = standby;
        }
        qInfo("take-over after SIGKILL of the active dispatcher: %.0f ms and %.0f ms", takeOverMs[0], takeOverMs[1]);

        // The last one drains everything.
        QTRY_COMPARE_WITH_TIMEOUT(
            count(QStringLiteral("SELECT count(*) FROM delivery WHERE status = 'acked' AND ") + ours), expected, 90000);
        runs[active]->p.terminate();
        QVERIFY(runs[active]->p.waitForFinished(15000));
        QVERIFY2(runs[active]->p.exitStatus() == QProcess::NormalExit && runs[active]->p.exitCode() == 0,
            runs[active]->out.constData());

        // Nothing lost, nothing doubled, counted at the targets.
        for (const char* id : kTargets) {
            SimulatedSystem* s = sims.system(QLatin1String(id));
            QCOMPARE(s->totalApplied(), qint64(kItems));
            for (int i = 0; i < kItems; ++i)
                QCOMPARE(s->appliedCount(QStringLiteral("item"), QStringLiteral("FG-F%1").arg(1000 + i)), 1);
        }
        // The calls the killed processes had in flight were recovered by the ones that took over, and they are the
        // only calls made twice: one dispatcher at a time (two would both send what is due).
        const qint64 recovered
            = count(QStringLiteral("SELECT count(*) FROM lineage_event WHERE kind = 'delivery_recovered'"));
        QVERIFY(recovered > 0);
        qint64 requests = 0;
        for (const char* id : kTargets)
            requests += sims.system(QLatin1String(id))->requestsReceived();
        qInfo("%lld deliveries, %lld requests at the targets, %lld recovered after the kills",
            static_cast<long long>(expected), static_cast<long long>(requests), static_cast<long long>(recovered));
        // (A recovered call may not have reached its target before the kill: at most one request more each.)
        QVERIFY2(requests >= expected && requests <= expected + recovered,
            qPrintable(QStringLiteral("%1 requests for %2 deliveries and %3 recovered calls")
                           .arg(requests)
                           .arg(expected)
                           .arg(recovered)));
    }
};

QTEST_GUILESS_MAIN(TestPgFailover)
#include "tst_pgfailover.moc"
