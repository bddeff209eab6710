// The live demo through the real binary: a short run must start the simulated landscape, move traffic through
// the dispatcher and end with a status summary (acked deliveries, retries), exit 0, and leave a workspace the
// query commands can read.

#include "workspacefixture.h"

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
