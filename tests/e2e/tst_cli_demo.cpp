// The live demo through the real binary: a short run must start the simulated landscape, move traffic through
// the dispatcher and end with a status summary (acked deliveries, retries), exit 0, and leave a workspace the
// query commands can read.

#include "testutil.h"
#include "workspacefixture.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync::test;

class TestCliDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shortLiveDemoDeliversAndSummarises()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ws = dir.filePath(QStringLiteral("demo.mdsync"));
        const CtlResult r = runCtl({ QStringLiteral("demo"), QStringLiteral("--workspace"), ws,
                                       QStringLiteral("--duration"), QStringLiteral("12") },
            {}, 90000);
        QVERIFY2(r.finished, r.err.constData());
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QStringLiteral("== Status after")), qPrintable(out));
        // The final summary line: "deliveries: acked N ... | retried attempts M | open exceptions K".
        const auto acked
            = QRegularExpression(QStringLiteral("== Status after[^\\n]*\\ndeliveries: acked (\\d+)")).match(out);
        QVERIFY2(acked.hasMatch() && acked.captured(1).toInt() > 50, qPrintable(out));
        const auto retried = QRegularExpression(QStringLiteral("retried attempts (\\d+)")).match(out);
        QVERIFY2(retried.hasMatch() && retried.captured(1).toInt() > 0, qPrintable(out)); // ERP fails 8 % of calls
        // The workspace is a normal one afterwards.
        const CtlResult ov
            = runCtl({ QStringLiteral("overview"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QCOMPARE(ov.exitCode, 0);
        const auto j = ov.json();
        QVERIFY2(j.contains("deliveries") && j["deliveries"].contains("ERP"), ov.out.constData());
        const CtlResult audit = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws });
        QCOMPARE(audit.exitCode, 0);
    }

    // After the demo its targets are gone; `mdsyncctl simulate` serves them again (with what they had acknowledged)
    // until stopped, so that run, correct, approve, replay and reconcile can be tried from the CLI. A WMS rejection
    // of a blocked item is corrected (four eyes), replayed and acknowledged; the read-back finds WMS in sync.
    void simulateServesTheDemoTargetsForTheCli()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString ws = dir.filePath(QStringLiteral("demo.mdsync"));
        const QStringList w { QStringLiteral("--workspace"), ws };
        const CtlResult demo = runCtl(
            w + QStringList { QStringLiteral("demo"), QStringLiteral("--duration"), QStringLiteral("8") }, {}, 90000);
        QVERIFY2(demo.exitCode == 0, QByteArray(demo.out + demo.err).constData());
        QVERIFY2(demo.out.contains("mdsyncctl simulate --workspace"), demo.out.constData());
        QVERIFY(QFileInfo::exists(ws + QStringLiteral(".simulated-state.json")));

        // Without simulate: the targets are placeholders, and the note says what serves them.
        const CtlResult offline
            = runCtl(w + QStringList { QStringLiteral("run"), QStringLiteral("--timeout"), QStringLiteral("1") });
        QCOMPARE(offline.exitCode, 0);
        QVERIFY2(offline.err.contains("WMS-P100: not connected (the landscape has the placeholder address")
                && offline.err.contains(
                    QByteArray(QByteArray("'mdsyncctl simulate --workspace ") + ws.toUtf8() + "' serves this demo")),
            offline.err.constData());

        QProcess simulate;
        simulate.setProgram(qEnvironmentVariable("MDSYNCCTL"));
        simulate.setArguments(
            w + QStringList { QStringLiteral("simulate"), QStringLiteral("--duration"), QStringLiteral("240") });
        simulate.start();
        QVERIFY(simulate.waitForStarted());
        QByteArray banner;
        QVERIFY(QTest::qWaitFor(
            [&] {
                banner += simulate.readAllStandardOutput();
                return banner.contains("Stop with Ctrl+C") || simulate.state() == QProcess::NotRunning;
            },
            20000));
        QVERIFY2(banner.contains("WMS-P100") && banner.contains("They hold what they had acknowledged before ("),
            QByteArray(banner + simulate.readAllStandardError()).constData());
        QVERIFY(QFileInfo::exists(ws + QStringLiteral(".simulate.json")));
        const CtlResult twice
            = runCtl(w + QStringList { QStringLiteral("simulate"), QStringLiteral("--duration"), QStringLiteral("1") });
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains("is served already by mdsyncctl simulate (process"), twice.err.constData());

        // The WMS rejection of a blocked item (the demo's traffic blocks FG-D0003 within its first seconds).
        const CtlResult listed = runCtl(w + QStringList { QStringLiteral("exceptions"), QStringLiteral("--json") });
        QCOMPARE(listed.exitCode, 0);
        QString rejected;
        QString key;
        for (const auto& e : listed.json())
            if (e.value("category", "") == "target_rejected"
                && e.value("message", "").find("WMS-P100") != std::string::npos
                && e.value("message", "").find("got BLOCKED") != std::string::npos) {
                rejected = QString::number(e["id"].get<qint64>());
                key = QString::fromStdString(e.value("key", ""));
                break;
            }
        QVERIFY2(!rejected.isEmpty(), listed.out.constData());
        for (const auto& [login, role] : { std::pair { "sam", "steward" }, std::pair { "ada", "approver" } }) {
            const CtlResult granted = runCtl(w
                + QStringList { QStringLiteral("grant"), QStringLiteral("--login"), QLatin1String(login),
                    QStringLiteral("--role"), QLatin1String(role), QStringLiteral("--reason"),
                    QStringLiteral("demo") });
            QVERIFY2(granted.exitCode == 0, qPrintable(show(granted)));
        }
        const CtlResult corrected = runCtl(w
            + QStringList { QStringLiteral("--user"), QStringLiteral("sam"), QStringLiteral("correct"),
                QStringLiteral("--id"), rejected, QStringLiteral("--set"), QStringLiteral("lifecycle_status=released"),
                QStringLiteral("--reason"), QStringLiteral("ECN released it") });
        QVERIFY2(corrected.exitCode == 0 && corrected.out.contains("awaiting approval"), qPrintable(show(corrected)));
        const auto correction
            = QRegularExpression(QStringLiteral("correction #(\\d+)")).match(QString::fromUtf8(corrected.out));
        QVERIFY(correction.hasMatch());
        const CtlResult approved = runCtl(w
            + QStringList { QStringLiteral("--user"), QStringLiteral("ada"), QStringLiteral("approve"),
                QStringLiteral("--id"), correction.captured(1), QStringLiteral("--reason"),
                QStringLiteral("checked") });
        QVERIFY2(approved.exitCode == 0, qPrintable(show(approved)));
        const CtlResult replayed = runCtl(w
            + QStringList { QStringLiteral("--user"), QStringLiteral("sam"), QStringLiteral("replay"),
                QStringLiteral("--id"), rejected, QStringLiteral("--reason"), QStringLiteral("corrected") });
        QVERIFY2(replayed.exitCode == 0, qPrintable(show(replayed)));

        const CtlResult ran = runCtl(w
                + QStringList { QStringLiteral("run"), QStringLiteral("--until-idle"), QStringLiteral("--timeout"),
                    QStringLiteral("90") },
            {}, 120000);
        QVERIFY2(ran.exitCode == 0, qPrintable(show(ran)));
        QVERIFY2(ran.out.contains("targets connected: the demo's simulated systems, served by mdsyncctl simulate"),
            ran.out.constData());
        const CtlResult status = runCtl(w
            + QStringList { QStringLiteral("status"), QStringLiteral("--domain"), QStringLiteral("item"),
                QStringLiteral("--key"), key });
        QVERIFY2(QRegularExpression(QStringLiteral("WMS-P100 +acked")).match(QString::fromUtf8(status.out)).hasMatch(),
            status.out.constData());
        const CtlResult reconciled = runCtl(w
                + QStringList { QStringLiteral("--user"), QStringLiteral("sam"), QStringLiteral("reconcile"),
                    QStringLiteral("--target"), QStringLiteral("WMS-P100") },
            {}, 120000);
        QVERIFY2(reconciled.exitCode == 0 && reconciled.out.contains(" 0 drifted"), qPrintable(show(reconciled)));

        // Stopped cleanly: the address file goes, what the systems hold stays for the next simulate.
        simulate.terminate();
        QVERIFY(simulate.waitForFinished(20000));
        QCOMPARE(simulate.exitCode(), 0);
        QVERIFY(simulate.readAllStandardOutput().contains("Stopped. What the systems received:"));
        QVERIFY(!QFileInfo::exists(ws + QStringLiteral(".simulate.json")));
        QVERIFY(QFileInfo::exists(ws + QStringLiteral(".simulated-state.json")));

        // Only a demo workspace's targets are simulated.
        const QString real = dir.filePath(QStringLiteral("real.mdsync"));
        QCOMPARE(runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), real }).exitCode, 0);
        const CtlResult refused = runCtl({ QStringLiteral("simulate"), QStringLiteral("--workspace"), real });
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("is not a demo workspace"), refused.err.constData());
    }

    // The demo makes its own SQLite file (asserted identities); a PostgreSQL URI is refused before any connection
    // (so this needs no server), naming what to do instead.
    void demoRefusesAPostgresWorkspace()
    {
        const CtlResult r = runCtl({ QStringLiteral("demo"), QStringLiteral("--workspace"),
            QStringLiteral("postgresql://127.0.0.1:1/nothing"), QStringLiteral("--duration"), QStringLiteral("1") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("mdsyncctl: postgresql://127.0.0.1:1/nothing: the demo makes")
                && r.err.contains("give --workspace a file path") && !r.err.contains("cannot connect"),
            QByteArray(r.out + r.err).constData());
    }
};

QTEST_GUILESS_MAIN(TestCliDemo)
#include "tst_cli_demo.moc"
