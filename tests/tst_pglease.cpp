// DispatcherLease (store/dispatcherlease.h) against the `postgres` fixture's cluster: one active dispatcher per
// workspace instance id, a standby that takes over when the active process dies, holder(), lost().
#include "fixtures/pgtestenv.h"
#include "store/dispatcherlease.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

using namespace mdsync;

namespace {
const QString kParams = QStringLiteral("pglease-params");

QString freshId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}
} // namespace

class TestPgLease : public QObject
{
    Q_OBJECT

private:
    static QSqlDatabase params() { return QSqlDatabase::database(kParams, false); }

private slots:
    void initTestCase()
    {
        QString why;
        if (!test::loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), kParams);
        QVERIFY2(params().open(), qPrintable(params().lastError().text()));
    }

    void firstActiveSecondNotThenRelease()
    {
        const QString id = freshId();
        DispatcherLease a(params(), id);
        DispatcherLease b(params(), id);
        const Result<bool> ra = a.tryAcquire();
        QVERIFY2(ra.ok(), qPrintable(ra.ok() ? QString() : ra.error()));
        QVERIFY(ra.value());
        const Result<bool> rb = b.tryAcquire();
        QVERIFY(rb.ok());
        QVERIFY(!rb.value());
        QVERIFY(!b.isActive());
        a.release();
        QSignalSpy acquired(&b, &DispatcherLease::acquired);
        b.startStandby(50);
        QTRY_COMPARE_WITH_TIMEOUT(acquired.count(), 1, 5000);
        QVERIFY(b.isActive());
        const Result<bool> again = a.tryAcquire();
        QVERIFY(again.ok());
        QVERIFY(!again.value());
    }

    void failoverWhenActiveProcessIsKilled()
    {
        const QString id = freshId();
        const QString exe = QStringLiteral(MDSYNC_LEASEHOLDER);
        QProcess first;
        QProcess second;
        QByteArray out1;
        QByteArray out2;
        connect(&first, &QProcess::readyReadStandardOutput, this, [&] { out1 += first.readAllStandardOutput(); });
        connect(&second, &QProcess::readyReadStandardOutput, this, [&] { out2 += second.readAllStandardOutput(); });
        first.start(exe, { id });
        QTRY_VERIFY2_WITH_TIMEOUT(
            out1.contains("active\n"), QByteArray(out1 + first.readAllStandardError()).constData(), 10000);
        second.start(exe, { id });
        QTRY_VERIFY2_WITH_TIMEOUT(
            out2.contains("standby\n"), QByteArray(out2 + second.readAllStandardError()).constData(), 10000);
        QVERIFY(!out2.contains("active\n"));
        QElapsedTimer t;
        t.start();
        first.kill();
        QTRY_VERIFY_WITH_TIMEOUT(out2.contains("active\n"), 15000);
        const qint64 ms = t.elapsed();
        qInfo("take-over after SIGKILL of the active dispatcher: %lld ms", static_cast<long long>(ms));
        QVERIFY2(ms <= 10000, "issue 15: the standby takes over within 10 s");
        second.kill();
        first.waitForFinished(5000);
        second.waitForFinished(5000);
    }

    void holderNamesTheActiveSession()
    {
        const QString id = freshId();
        DispatcherLease a(params(), id);
        DispatcherLease b(params(), id);
        const Result<DispatcherLease::Holder> none = b.holder();
        QVERIFY(none.ok());
        QCOMPARE(none.value().pid, 0);
        QVERIFY(a.tryAcquire().value());
        const Result<DispatcherLease::Holder> h = b.holder();
        QVERIFY2(h.ok(), qPrintable(h.ok() ? QString() : h.error()));
        QCOMPARE(h.value().pid, a.backendPid());
        QVERIFY(h.value().pid != 0);
        QVERIFY2(h.value().applicationName.startsWith(QStringLiteral("mdsync dispatcher ")),
            qPrintable(h.value().applicationName));
        QVERIFY(h.value().applicationName.endsWith(QString::number(QCoreApplication::applicationPid())));
        qInfo("standby would say: waiting: the active dispatcher is %s", qPrintable(h.value().describe()));
    }

    void differentInstancesDoNotBlockEachOther()
    {
        QVERIFY(DispatcherLease::keyFor(QStringLiteral("a")) == DispatcherLease::keyFor(QStringLiteral("a")));
        QVERIFY(DispatcherLease::keyFor(QStringLiteral("a")) != DispatcherLease::keyFor(QStringLiteral("b")));
        DispatcherLease a(params(), freshId());
        DispatcherLease b(params(), freshId());
        QVERIFY(a.tryAcquire().value());
        QVERIFY(b.tryAcquire().value());
    }

    void lostWhenTheSessionIsTerminated()
    {
        DispatcherLease a(params(), freshId());
        a.setCheckInterval(100);
        QSignalSpy lost(&a, &DispatcherLease::lost);
        QVERIFY(a.tryAcquire().value());
        const qint64 pid = a.backendPid();
        QVERIFY(pid != 0);
        QSqlQuery q(params());
        QVERIFY2(q.exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)), qPrintable(q.lastError().text()));
        QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 5000);
        QVERIFY(!a.isActive());
    }

    void cleanupTestCase()
    {
        QSqlDatabase::database(kParams, false).close();
        QSqlDatabase::removeDatabase(kParams);
    }
};

QTEST_GUILESS_MAIN(TestPgLease)
#include "tst_pglease.moc"
