// Database roles on a PostgreSQL workspace (issue 15 item 5): MDSync roles map to the database roles mdsync_*
// (store/pgschema.cpp, version 2) and the database enforces them too. Two logins of the `postgres` fixture's
// cluster, steward_a and approver_b, with passwords in a temporary pgpass file: steward_a's own SQL session
// cannot update, delete or truncate audit entries, revisions or lineage, nor decide its own correction (the core
// refuses it, and so does the trigger on a raw UPDATE); approver_b may. Every test gets a fresh database.

#include "pgtestenv.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;

namespace {

// The SQLSTATE of a statement, empty when it succeeds; `text` gets the message.
QString sqlState(QSqlDatabase db, const QString& sql, QString* text = nullptr)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return {};
    if (text)
        *text = q.lastError().text();
    return q.lastError().nativeErrorCode();
}

} // namespace

class TestPgRoles : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgroles") };
    QSqlDatabase admin() { return m_pg.admin(); }
    QString newDatabase() { return m_pg.create(); }
    QTemporaryDir m_dir;
    int m_connections = 0;

    static QSqlDatabase connectAs(const QString& name, const QString& database, const QString& user)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setDatabaseName(database);
        db.setUserName(user);
        db.open();
        return db;
    }

    QSqlDatabase as(const QString& user, const QString& database)
    {
        return connectAs(QStringLiteral("pgroles-%1").arg(++m_connections), database, user);
    }

    static QString uri(const QString& database, const QString& user = {})
    {
        if (user.isEmpty())
            return QStringLiteral("postgresql:///") + database;
        return QStringLiteral("postgresql://") + user + QStringLiteral("@/") + database;
    }

    static CtlResult ctl(const QString& ws, const QStringList& args)
    {
        return runCtl(QStringList { QStringLiteral("--workspace"), ws } + args);
    }

    // An initialised workspace (as mdsync, the owner) where steward_a is steward and approver and approver_b is
    // approver, granted through mdsyncctl.
    QString teamWorkspace()
    {
        const QString db = newDatabase();
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), uri(db) });
        if (init.exitCode != 0)
            qFatal("init: %s", qPrintable(show(init)));
        for (const auto& [login, role] : { std::pair { "steward_a", "steward" }, std::pair { "steward_a", "approver" },
                 std::pair { "approver_b", "approver" } }) {
            const CtlResult g = ctl(uri(db),
                { QStringLiteral("grant"), QStringLiteral("--login"), QLatin1String(login), QStringLiteral("--role"),
                    QLatin1String(role), QStringLiteral("--reason"), QStringLiteral("MDM team") });
            if (g.exitCode != 0)
                qFatal("grant: %s", qPrintable(show(g)));
        }
        return db;
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY(m_dir.isValid());
        QVERIFY2(admin().isOpen(), qPrintable(admin().lastError().text()));
        // Two logins (cluster-wide; kept between runs, their passwords renewed).
        const QString password = QString::number(QRandomGenerator::global()->generate64(), 36);
        QStringList lines;
        QFile old(qEnvironmentVariable("PGPASSFILE"));
        QVERIFY2(old.open(QIODevice::ReadOnly), qPrintable(old.fileName()));
        lines << QString::fromUtf8(old.readAll()).trimmed();
        for (const QString& login :
            { QStringLiteral("steward_a"), QStringLiteral("approver_b"), QStringLiteral("svc_c") }) {
            QSqlQuery q(admin());
            QVERIFY2(q.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1')"
                                           " THEN CREATE ROLE %1 LOGIN; END IF; END $$")
                                .arg(login)),
                qPrintable(q.lastError().text()));
            QVERIFY2(q.exec(QStringLiteral("ALTER ROLE %1 LOGIN PASSWORD '%2'").arg(login, password)),
                qPrintable(q.lastError().text()));
            for (const QString& host : { QStringLiteral("127.0.0.1"), qEnvironmentVariable("MDSYNC_PG_DIR") })
                lines << QStringLiteral("%1:*:*:%2:%3").arg(host, login, password);
        }
        QFile pgpass(m_dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        QVERIFY(pgpass.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        pgpass.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        pgpass.close();
        qputenv("PGPASSFILE", QFile::encodeName(pgpass.fileName()));
    }

    void cleanup() { m_pg.dropAll(); }

    void initCreatesRolesAndMakesTheOwnerAdmin()
    {
        const QString db = teamWorkspace();
        QSqlQuery q(admin());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM pg_roles WHERE rolname IN ('mdsync_viewer',"
                                      " 'mdsync_steward', 'mdsync_approver', 'mdsync_auditor', 'mdsync_admin',"
                                      " 'mdsync_service') AND NOT rolcanlogin")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 6);
        for (const auto& [login, group, member] :
            { std::tuple { "mdsync", "mdsync_admin", true }, std::tuple { "steward_a", "mdsync_steward", true },
                std::tuple { "steward_a", "mdsync_approver", true },
                std::tuple { "approver_b", "mdsync_approver", true },
                std::tuple { "approver_b", "mdsync_steward", false } }) {
            QVERIFY(q.exec(QStringLiteral("SELECT pg_has_role('%1', '%2', 'MEMBER')")
                               .arg(QLatin1String(login), QLatin1String(group))));
            QVERIFY(q.next());
            QVERIFY2(q.value(0).toBool() == member,
                qPrintable(QLatin1String(login) + QLatin1Char(' ') + QLatin1String(group)));
        }
        // PUBLIC has nothing on the tables: a login without an MDSync role reads nothing.
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM information_schema.role_table_grants"
                                      " WHERE grantee = 'PUBLIC' AND table_schema = 'public'")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        // Revoking takes the membership away again; the MDSync record goes too.
        const CtlResult r = ctl(uri(db),
            { QStringLiteral("revoke"), QStringLiteral("--login"), QStringLiteral("approver_b"),
                QStringLiteral("--role"), QStringLiteral("approver"), QStringLiteral("--reason"),
                QStringLiteral("left the team") });
        QVERIFY2(r.exitCode == 0, qPrintable(show(r)));
        QVERIFY(q.exec(QStringLiteral("SELECT pg_has_role('approver_b', 'mdsync_approver', 'MEMBER')")));
        QVERIFY(q.next());
        QVERIFY(!q.value(0).toBool());
    }

    void grantToAMissingLoginSaysCreateItFirst()
    {
        const QString db = newDatabase();
        QCOMPARE(runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), uri(db) }).exitCode, 0);
        const CtlResult g = ctl(uri(db),
            { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("no_such_login"),
                QStringLiteral("--role"), QStringLiteral("steward"), QStringLiteral("--reason"), QStringLiteral("x") });
        QVERIFY2(g.exitCode != 0, qPrintable(show(g)));
        QVERIFY2(g.err.contains("create it first: CREATE ROLE no_such_login LOGIN"), qPrintable(show(g)));
        // A login name that needs quoting is quoted (format('%I')), not split or injected.
        QSqlQuery q(admin());
        QVERIFY(q.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'Odd.Login')"
                                      " THEN CREATE ROLE \"Odd.Login\" LOGIN; END IF; END $$")));
        const CtlResult odd = ctl(uri(db),
            { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("Odd.Login"), QStringLiteral("--role"),
                QStringLiteral("auditor"), QStringLiteral("--reason"), QStringLiteral("x") });
        QVERIFY2(odd.exitCode == 0, qPrintable(show(odd)));
        QVERIFY(q.exec(QStringLiteral("SELECT pg_has_role('Odd.Login', 'mdsync_auditor', 'MEMBER')")));
        QVERIFY(q.next());
        QVERIFY(q.value(0).toBool());
    }

    void aStewardsSessionCannotRewriteHistory()
    {
        const QString db = teamWorkspace();
        QSqlDatabase s = as(QStringLiteral("steward_a"), db);
        QVERIFY2(s.isOpen(), qPrintable(s.lastError().text()));
        // It reads (viewer) ...
        QCOMPARE(sqlState(s, QStringLiteral("SELECT count(*) FROM audit_log")), QString());
        // ... but neither updates, deletes nor truncates the append-only tables: permission denied (42501), before
        // the append-only triggers are even reached.
        for (const QString& sql : { QStringLiteral("UPDATE audit_log SET actor = 'nobody'"),
                 QStringLiteral("DELETE FROM audit_log"), QStringLiteral("DELETE FROM revision"),
                 QStringLiteral("UPDATE revision SET model_version = 'x'"), QStringLiteral("DELETE FROM lineage_event"),
                 QStringLiteral("TRUNCATE audit_log"), QStringLiteral("TRUNCATE revision"),
                 QStringLiteral("TRUNCATE lineage_event"), QStringLiteral("DELETE FROM user_role"),
                 QStringLiteral("INSERT INTO user_role(login, role, granted_by, granted_at)"
                                " VALUES ('steward_a', 'admin', 'steward_a', 0)") }) {
            QString text;
            QCOMPARE(sqlState(s, sql, &text), QStringLiteral("42501"));
            QVERIFY2(text.contains(QLatin1String("permission denied")), qPrintable(sql + QLatin1String(": ") + text));
        }
        // INSERT into audit_log is allowed (the steward's own actions append there through the core); a forged entry
        // does not chain: verify-audit finds it.
        QCOMPARE(sqlState(s,
                     QStringLiteral("INSERT INTO audit_log(seq, at, actor, action, subject, prev_hash, hash)"
                                    " SELECT max(seq) + 1, '2026-12-04T00:00:00Z', 'steward_a', 'forged', 'x', 'x', 'x'"
                                    " FROM audit_log")),
            QString());
        const CtlResult verify = ctl(uri(db), { QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode != 0, qPrintable(show(verify)));
    }

    void fourEyesHoldsInTheDatabase()
    {
        const QString db = teamWorkspace();
        QSqlDatabase s = as(QStringLiteral("steward_a"), db);
        QSqlDatabase b = as(QStringLiteral("approver_b"), db);
        QVERIFY2(s.isOpen() && b.isOpen(), qPrintable(s.lastError().text() + b.lastError().text()));

        // steward_a proposes a correction of a critical group (a raw INSERT, as psql would).
        const QString insert = QStringLiteral(
            "INSERT INTO correction(kind, status, domain, object_key, changes, before, critical_groups, reason,"
            " proposed_by, proposed_at) VALUES ('attributes', 'awaiting_approval', 'item', 'FG-1',"
            " '{\"lifecycle_status\":\"released\"}', '{}', '[\"lifecycle\"]', 'ECN-1', '%1', 0)");
        QString text;
        // Not in someone else's name ...
        QCOMPARE(sqlState(s, insert.arg(QStringLiteral("approver_b")), &text), QStringLiteral("42501"));
        QVERIFY2(text.contains(QLatin1String("is not the database login")), qPrintable(text));
        // ... in its own.
        QCOMPARE(sqlState(s, insert.arg(QStringLiteral("steward_a")), &text), QString());
        QSqlQuery q(s);
        QVERIFY(q.exec(QStringLiteral("SELECT max(id) FROM correction")) && q.next());
        const QString id = q.value(0).toString();

        // The core refuses steward_a's approval (four-eyes) ...
        const CtlResult own = ctl(uri(db, QStringLiteral("steward_a")),
            { QStringLiteral("approve"), QStringLiteral("--id"), id, QStringLiteral("--reason"),
                QStringLiteral("ok") });
        QVERIFY2(own.exitCode != 0 && own.err.contains("four-eyes"), qPrintable(show(own)));
        // ... and so does the database on a raw UPDATE: deciding its own, recording someone else as the decider,
        // or applying a critical correction without a decider.
        const QString decide = QStringLiteral("UPDATE correction SET decided_by = '%1', decided_at = 1 WHERE id = %2");
        QCOMPARE(sqlState(s, decide.arg(QStringLiteral("steward_a"), id), &text), QStringLiteral("42501"));
        QVERIFY2(text.contains(QLatin1String("four-eyes")), qPrintable(text));
        QCOMPARE(sqlState(s, decide.arg(QStringLiteral("approver_b"), id), &text), QStringLiteral("42501"));
        QVERIFY2(text.contains(QLatin1String("four-eyes")), qPrintable(text));
        QCOMPARE(sqlState(s, QStringLiteral("UPDATE correction SET status = 'applied' WHERE id = %1").arg(id), &text),
            QStringLiteral("42501"));
        QVERIFY2(text.contains(QLatin1String("four-eyes")), qPrintable(text));
        // The owner is held to it too (the trigger does not look at privileges).
        QSqlDatabase o = as(QStringLiteral("mdsync"), db);
        QCOMPARE(sqlState(o, decide.arg(QStringLiteral("approver_b"), id), &text), QStringLiteral("42501"));

        // approver_b decides it: allowed, once.
        QCOMPARE(sqlState(b, decide.arg(QStringLiteral("approver_b"), id), &text), QString());
        QCOMPARE(sqlState(b, QStringLiteral("UPDATE correction SET status = 'rejected' WHERE id = %1").arg(id), &text),
            QString());
        QCOMPARE(sqlState(b, QStringLiteral("UPDATE correction SET status = 'applied' WHERE id = %1").arg(id), &text),
            QStringLiteral("42501"));
        // A viewer-only column stays out of reach: approver_b cannot rewrite what was proposed.
        QCOMPARE(sqlState(b, QStringLiteral("UPDATE correction SET changes = '{}' WHERE id = %1").arg(id), &text),
            QStringLiteral("42501"));
    }
    // The ordinary workflow runs under the grants: the owner ingests, steward_a (steward, approver) lists
    // exceptions and corrects a critical attribute under its own login, approver_b approves and the correction is
    // applied (a revision, the object, deliveries, lineage, audit), and the audit chain still verifies.
    void theWorkflowRunsUnderTheGrants()
    {
        const QString db = teamWorkspace();
        const QString npi = sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl"));
        const CtlResult ingest = ctl(uri(db), { QStringLiteral("ingest"), npi });
        QVERIFY2(ingest.exitCode == 2, qPrintable(show(ingest))); // the WMS policy violation
        const CtlResult exceptions
            = ctl(uri(db, QStringLiteral("steward_a")), { QStringLiteral("exceptions"), QStringLiteral("--json") });
        QVERIFY2(exceptions.exitCode == 0, qPrintable(show(exceptions)));
        const nlohmann::json list = exceptions.json();
        QVERIFY2(list.is_array() && list.size() == 1, qPrintable(show(exceptions)));
        const QString exceptionId = QString::number(list[0]["id"].get<qint64>());
        const CtlResult corrected = ctl(uri(db, QStringLiteral("steward_a")),
            { QStringLiteral("correct"), QStringLiteral("--id"), exceptionId, QStringLiteral("--set"),
                QStringLiteral("lifecycle_status=blocked"), QStringLiteral("--reason"), QStringLiteral("ECN-7") });
        QVERIFY2(corrected.exitCode == 0, qPrintable(show(corrected)));
        const CtlResult pending = ctl(uri(db, QStringLiteral("steward_a")),
            { QStringLiteral("corrections"), QStringLiteral("--status"), QStringLiteral("awaiting_approval"),
                QStringLiteral("--json") });
        QVERIFY2(pending.json().is_array() && pending.json().size() == 1, qPrintable(show(pending)));
        const QString id = QString::number(pending.json()[0]["id"].get<qint64>());
        const CtlResult own = ctl(uri(db, QStringLiteral("steward_a")),
            { QStringLiteral("approve"), QStringLiteral("--id"), id, QStringLiteral("--reason"),
                QStringLiteral("ok") });
        QVERIFY2(own.exitCode != 0 && own.err.contains("four-eyes"), qPrintable(show(own)));
        const CtlResult approved = ctl(uri(db, QStringLiteral("approver_b")),
            { QStringLiteral("approve"), QStringLiteral("--id"), id, QStringLiteral("--reason"),
                QStringLiteral("ok") });
        QVERIFY2(approved.exitCode == 0, qPrintable(show(approved)));
        QSqlQuery q(admin());
        QSqlDatabase o = as(QStringLiteral("mdsync"), db);
        QSqlQuery c(o);
        QVERIFY(c.exec(QStringLiteral("SELECT status, decided_by, proposed_by FROM correction WHERE id = %1").arg(id)));
        QVERIFY(c.next());
        QCOMPARE(c.value(0).toString(), QStringLiteral("applied"));
        QCOMPARE(c.value(1).toString(), QStringLiteral("approver_b"));
        QCOMPARE(c.value(2).toString(), QStringLiteral("steward_a"));
        const CtlResult verify = ctl(uri(db), { QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode == 0, qPrintable(show(verify)));
    }
    // The service's login (a member of mdsync_service, no MDSync role record) ingests and runs the dispatcher.
    void theServiceLoginIngestsAndDispatches()
    {
        const QString db = teamWorkspace();
        QSqlQuery q(admin());
        QVERIFY2(q.exec(QStringLiteral("GRANT mdsync_service TO svc_c")), qPrintable(q.lastError().text()));
        const QString npi = sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl"));
        const CtlResult ingest = ctl(uri(db, QStringLiteral("svc_c")), { QStringLiteral("ingest"), npi });
        QVERIFY2(ingest.exitCode == 2, qPrintable(show(ingest))); // the WMS policy violation, as for the owner
        const CtlResult run = ctl(uri(db, QStringLiteral("svc_c")),
            { QStringLiteral("run"), QStringLiteral("--until-idle"), QStringLiteral("--timeout"),
                QStringLiteral("30") });
        QVERIFY2(run.exitCode == 0, qPrintable(show(run)));
        QSqlDatabase o = as(QStringLiteral("mdsync"), db);
        QSqlQuery c(o);
        QVERIFY(c.exec(QStringLiteral("SELECT count(*) FROM audit_log WHERE actor = 'svc_c'")) && c.next());
        QVERIFY2(c.value(0).toInt() > 0, "the service's actions are audited under its login");
        // Its ingest queued the deliveries. They stay pending after `run --until-idle` here, as they do when the
        // owner runs it: dispatch to a target is not exercised by this test.
        QVERIFY(c.exec(QStringLiteral("SELECT count(*) FROM delivery")) && c.next());
        QVERIFY(c.value(0).toInt() > 0);
        // Its session cannot rewrite history either.
        QSqlDatabase svc = as(QStringLiteral("svc_c"), db);
        QCOMPARE(sqlState(svc, QStringLiteral("DELETE FROM lineage_event")), QStringLiteral("42501"));
        QCOMPARE(sqlState(svc, QStringLiteral("UPDATE correction SET decided_by = 'svc_c'")), QStringLiteral("42501"));
    }
};

QTEST_GUILESS_MAIN(TestPgRoles)
#include "tst_pgroles.moc"
