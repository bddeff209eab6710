// End to end through the real mdsyncctl binary on a PostgreSQL workspace (the `postgres` fixture's cluster): the
// commands of issue 15's "Must show" - init, ingest, exceptions --json, objects, roles, export-audit, verify-audit,
// verify-export - and the identity rule (the acting user is the database login; --user with another name is
// refused). Every test function gets a fresh database t_<random>, dropped at the end.

#include "pgtestenv.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

class TestPgCli : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgcli") };
    QSqlDatabase admin() { return m_pg.admin(); }
    QTemporaryDir m_dir;

    // A fresh, empty database owned by the login mdsync; its postgresql:/// URI (host, port, user and password
    // come from the environment and the fixture's pgpass file).
    QString newWorkspaceUri() { return QStringLiteral("postgresql:///") + m_pg.create(); }

private slots:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY2(admin().isOpen(), qPrintable(admin().lastError().text()));
        QVERIFY(m_dir.isValid());
    }

    void cleanup() { m_pg.dropAll(); }

    // The service on a database that is not up yet: exit 75 (EX_TEMPFAIL), which mdsync.service restarts, not
    // exit 1 (a configuration error, which it does not).
    void runWithoutItsServerAsksToBeRestarted()
    {
        const CtlResult r = runCtl({ QStringLiteral("--workspace"), QStringLiteral("postgresql://127.0.0.1:1/nothing"),
            QStringLiteral("run"), QStringLiteral("--until-idle") });
        QVERIFY2(r.exitCode == 75 && r.err.contains("cannot connect"), qPrintable(show(r)));
        const CtlResult wrong = runCtl({ QStringLiteral("--workspace"),
            QStringLiteral("postgresql://127.0.0.1:1/nothing?sslmod=require"), QStringLiteral("run") });
        QVERIFY2(wrong.exitCode == 1, qPrintable(show(wrong))); // a misspelt parameter stays a configuration error
    }

    void mustShowCommandsWorkOnPostgres()
    {
        const QString ws = newWorkspaceUri();
        const CtlResult init
            = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), ws, QStringLiteral("--json") });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));

        // The creator is the database login, and the first admin.
        const CtlResult roles = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("roles") });
        QVERIFY2(roles.exitCode == 0, qPrintable(show(roles)));
        QVERIFY2(roles.out.contains("mdsync") && roles.out.contains("admin"), qPrintable(show(roles)));

        const QString npi = sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl"));
        const CtlResult ingest = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("ingest"), npi });
        QVERIFY2(ingest.exitCode == 2, qPrintable(show(ingest))); // the WMS policy violation, as on SQLite
        const json summary = ingest.json();
        QVERIFY2(summary.is_object(), qPrintable(show(ingest)));
        QCOMPARE(summary.value("accepted", 0), 7);
        QCOMPARE(summary.value("exceptions", 0), 1);

        const CtlResult exceptions
            = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("exceptions"), QStringLiteral("--json") });
        QVERIFY2(exceptions.exitCode == 0, qPrintable(show(exceptions)));
        const json list = exceptions.json();
        QVERIFY2(list.is_array() && list.size() == 1, qPrintable(show(exceptions)));
        QCOMPARE(list[0].value("category", std::string()), std::string("policy_violation"));

        // A key-prefix filter (a range on object.key: byte order on both backends).
        const CtlResult fg = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("objects"),
            QStringLiteral("--prefix"), QStringLiteral("FG") });
        QVERIFY2(fg.exitCode == 0, qPrintable(show(fg)));
        QVERIFY2(fg.out.contains("FG-7000") && !fg.out.contains("RM-7100"), qPrintable(show(fg)));

        // The creator is admin, not auditor: the export needs the grant first (audited like every grant).
        const QString out = m_dir.filePath(QStringLiteral("export-") + ws.section(QLatin1Char('/'), -1));
        CtlResult exported = runCtl(
            { QStringLiteral("--workspace"), ws, QStringLiteral("export-audit"), QStringLiteral("--out"), out });
        QVERIFY2(exported.exitCode != 0 && exported.err.contains("auditor"), qPrintable(show(exported)));
        const CtlResult grant = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("grant"),
            QStringLiteral("--login"), QStringLiteral("mdsync"), QStringLiteral("--role"), QStringLiteral("auditor"),
            QStringLiteral("--reason"), QStringLiteral("audit drill") });
        QVERIFY2(grant.exitCode == 0, qPrintable(show(grant)));
        exported = runCtl(
            { QStringLiteral("--workspace"), ws, QStringLiteral("export-audit"), QStringLiteral("--out"), out });
        QVERIFY2(exported.exitCode == 0, qPrintable(show(exported)));
        const CtlResult verifyExport = runCtl({ QStringLiteral("verify-export"), out });
        QVERIFY2(verifyExport.exitCode == 0 && verifyExport.out.contains("export OK"), qPrintable(show(verifyExport)));

        // workspace.init, the creator made admin, model, landscape and contracts install, the ingest, the grant.
        const CtlResult verify = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode == 0 && verify.out.contains("audit log OK: 7 entries"), qPrintable(show(verify)));

        // Every entry is recorded under the database login.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pgcli-check"));
        db.setDatabaseName(ws.section(QLatin1Char('/'), -1));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT DISTINCT actor FROM audit_log")));
            QStringList actors;
            while (q.next())
                actors << q.value(0).toString();
            QCOMPARE(actors, QStringList { QStringLiteral("mdsync") });
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("pgcli-check"));
    }

    void anotherUserIsRefused()
    {
        const QString ws = newWorkspaceUri();
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), ws });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
        const CtlResult asAlice = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("--user"),
            QStringLiteral("alice"), QStringLiteral("exceptions") });
        QVERIFY2(asAlice.exitCode != 0, qPrintable(show(asAlice)));
        QVERIFY2(asAlice.err.contains("database login") && asAlice.err.contains("alice"), qPrintable(show(asAlice)));
        // The login itself may be named.
        const CtlResult asLogin = runCtl({ QStringLiteral("--workspace"), ws, QStringLiteral("--user"),
            QStringLiteral("mdsync"), QStringLiteral("exceptions") });
        QVERIFY2(asLogin.exitCode == 0, qPrintable(show(asLogin)));
    }

    void passwordInTheUriIsRefused()
    {
        const CtlResult r = runCtl({ QStringLiteral("--workspace"),
            QStringLiteral("postgresql://mdsync:secret@127.0.0.1/mdsync"), QStringLiteral("overview") });
        QVERIFY2(r.exitCode != 0, qPrintable(show(r)));
        QVERIFY2(r.err.contains("pgpass") && !r.err.contains("secret"), qPrintable(show(r)));
    }
};

QTEST_GUILESS_MAIN(TestPgCli)
#include "tst_pgcli.moc"
