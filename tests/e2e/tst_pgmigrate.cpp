// Moving and keeping a shared workspace (issue 15, item 6), through the real mdsyncctl binary on the `postgres`
// fixture's cluster: `mdsyncctl migrate --from FILE --to postgresql://...` copies a SQLite workspace with its
// history (same rows, same ids, audit chain verified on the copy, ids continue, KPI counters not doubled by the
// destination's triggers), refuses a destination in use and a source whose audit chain is broken; and the restore
// drill of docs/DEPLOYMENT.md: pg_dump -Fc of a live workspace, pg_restore into a new database, the restored
// workspace verifies and answers like the original.

#include "access/roles.h"
#include "pgtestenv.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

// Every row of a table as text, ordered by all columns (for comparing the two backends).
QStringList rowsOf(const QSqlDatabase& db, const QString& table, const QString& columns)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY %1").arg(columns, table)))
        return { QStringLiteral("error: ") + q.lastError().text() };
    QStringList rows;
    while (q.next()) {
        QStringList values;
        for (int i = 0; i < q.record().count(); ++i)
            values << (q.isNull(i) ? QStringLiteral("NULL") : q.value(i).toString());
        rows << values.join(QLatin1Char('|'));
    }
    return rows;
}

QString pgTool(const QString& name)
{
    const QString found = QStandardPaths::findExecutable(name, { QStringLiteral("/usr/lib/postgresql/15/bin") });
    return found.isEmpty() ? QStandardPaths::findExecutable(name) : found;
}

} // namespace

class TestPgMigrate : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgmigrate") };
    QTemporaryDir m_dir;
    int m_connections = 0;

    // A workspace file with history: two ingest runs (accepted, rejected, a policy violation), a grant, an
    // assignment and a comment.
    QString sqliteWorkspace()
    {
        const QString file = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".mdsync"));
        const auto ok = [](const CtlResult& r) { return r.exitCode == 0 || r.exitCode == 2; };
        CtlResult r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("init") });
        if (!ok(r))
            return QStringLiteral("init failed: ") + show(r);
        for (const char* data : { "tests/fixtures/data/npi-scenario.jsonl", "tests/fixtures/data/mixed-batch.jsonl" }) {
            r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("ingest"),
                sourcePath(QString::fromLatin1(data)) });
            if (!ok(r))
                return QStringLiteral("ingest failed: ") + show(r);
        }
        r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("grant"), QStringLiteral("--login"),
            QStringLiteral("mdsync"), QStringLiteral("--role"), QStringLiteral("steward"), QStringLiteral("--reason"),
            QStringLiteral("the plant team's login") });
        if (!ok(r))
            return QStringLiteral("grant failed: ") + show(r);
        r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("grant"), QStringLiteral("--login"),
            QString::fromStdString(osLogin()), QStringLiteral("--role"), QStringLiteral("steward"),
            QStringLiteral("--reason"), QStringLiteral("the creator triages too") });
        if (!ok(r))
            return QStringLiteral("grant failed: ") + show(r);
        r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("assign"), QStringLiteral("--id"),
            QStringLiteral("1"), QStringLiteral("--to"), QStringLiteral("mdsync") });
        if (!ok(r))
            return QStringLiteral("assign failed: ") + show(r);
        r = runCtl({ QStringLiteral("--workspace"), file, QStringLiteral("comment"), QStringLiteral("--id"),
            QStringLiteral("2"), QStringLiteral("--text"), QStringLiteral("ask the supplier (Zulieferer) again") });
        if (!ok(r))
            return QStringLiteral("comment failed: ") + show(r);
        return file;
    }

    QSqlDatabase open(const QString& driver, const QString& name)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, QStringLiteral("pgmigrate-%1").arg(++m_connections));
        db.setDatabaseName(name);
        db.open();
        return db;
    }

private slots:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY2(m_pg.admin().isOpen(), qPrintable(m_pg.admin().lastError().text()));
        QVERIFY(m_dir.isValid());
    }

    void cleanup()
    {
        const QStringList names = QSqlDatabase::connectionNames();
        for (const QString& n : names) {
            if (n.startsWith(QLatin1String("pgmigrate-"))) {
                QSqlDatabase::database(n, false).close();
                QSqlDatabase::removeDatabase(n);
            }
        }
        const QString dropError = m_pg.dropAll();
        QVERIFY2(dropError.isEmpty(), qPrintable(dropError));
    }

    void migrateCopiesTheHistory()
    {
        const QString file = sqliteWorkspace();
        QVERIFY2(file.endsWith(QLatin1String(".mdsync")), qPrintable(file));
        const QString database = m_pg.create();
        const QString uri = QStringLiteral("postgresql:///") + database;

        const CtlResult migrated = runCtl({ QStringLiteral("migrate"), QStringLiteral("--from"), file,
            QStringLiteral("--to"), uri, QStringLiteral("--json") });
        QVERIFY2(migrated.exitCode == 0, qPrintable(show(migrated)));
        const json report = migrated.json();
        QVERIFY2(report.value("audit_ok", false), qPrintable(show(migrated)));
        QCOMPARE(report.value("migrated_by", std::string()), std::string("mdsync"));
        // The copied entries, the migration's own entry and the migrating login's admin grant.
        QCOMPARE(report.value("audit_entries", 0), report.value("source_audit_entries", 0) + 2);
        // mdsync exists in the cluster and was granted steward in the file: a database role membership now.
        QVERIFY2(dumped(report["granted"]).contains(QLatin1String("mdsync:steward")), qPrintable(show(migrated)));

        const CtlResult upgrade
            = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("upgrade"), QStringLiteral("--json") });
        QVERIFY2(upgrade.exitCode == 0, qPrintable(show(upgrade)));
        QCOMPARE(upgrade.json().value("schema_version", 0), upgrade.json().value("latest", -1));

        const CtlResult verify = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode == 0 && verify.out.contains("audit log OK"), qPrintable(show(verify)));

        // The same exceptions (ids, statuses, assignees, messages) and objects on both sides.
        for (const QStringList& command : { QStringList { QStringLiteral("exceptions"), QStringLiteral("--json") },
                 QStringList { QStringLiteral("objects"), QStringLiteral("--json") } }) {
            const CtlResult a = runCtl(QStringList { QStringLiteral("--workspace"), file } + command);
            const CtlResult b = runCtl(QStringList { QStringLiteral("--workspace"), uri } + command);
            QVERIFY2(a.exitCode == 0 && b.exitCode == 0, qPrintable(show(a) + show(b)));
            QVERIFY2(a.json().is_array() && !a.json().empty(), qPrintable(show(a)));
            QCOMPARE(dumped(b.json()), dumped(a.json()));
        }

        // Tables compared row by row, including the ones the destination's triggers would have written twice.
        QSqlDatabase src = open(QStringLiteral("QSQLITE"), file);
        QSqlDatabase dst = open(QStringLiteral("QPSQL"), database);
        QVERIFY2(src.isOpen() && dst.isOpen(), qPrintable(src.lastError().text() + dst.lastError().text()));
        const QList<QPair<QString, QString>> tables = {
            { QStringLiteral("kpi_counter"), QStringLiteral("name, key, n, total") },
            { QStringLiteral("exception_counter"), QStringLiteral("stage, category, status, n") },
            { QStringLiteral("delivery_counter"), QStringLiteral("target_id, domain, status, n") },
            { QStringLiteral("revision"), QStringLiteral("id, object_id, revision_no, content_hash, state") },
            { QStringLiteral("exception"), QStringLiteral("id, status, assignee, raw_sha256, encode(raw, 'hex')") },
            { QStringLiteral("lineage_event"), QStringLiteral("id, at, kind, detail") },
        };
        for (const auto& [table, columns] : tables) {
            QString sqliteColumns = columns;
            sqliteColumns.replace(QStringLiteral("encode(raw, 'hex')"), QStringLiteral("lower(hex(raw))"));
            const QStringList a = rowsOf(src, table, sqliteColumns);
            QVERIFY2(!a.isEmpty() && !a.first().startsWith(QLatin1String("error")), qPrintable(table));
            QCOMPARE(rowsOf(dst, table, columns), a);
        }

        // The copy is a working workspace: new rows continue after the copied ids.
        QSqlQuery q(dst);
        QVERIFY(q.exec(QStringLiteral("SELECT max(id) FROM revision")) && q.next());
        const qint64 lastRevision = q.value(0).toLongLong();
        q.finish();
        const QByteArray event = R"({"event_id":"after-migrate-1","source":"PLM","domain":"item","key":"FG-7000",)"
                                 R"("op":"upsert","occurred_at":"2026-12-04T10:00:00Z",)"
                                 R"("attributes":{"description":"Gearbox housing, migrated"}})"
                                 "\n";
        const CtlResult ingest
            = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("ingest"), QStringLiteral("--source-name"),
                         QStringLiteral("after-migrate"), QStringLiteral("-") },
                event);
        QVERIFY2(ingest.exitCode == 0 || ingest.exitCode == 2, qPrintable(show(ingest)));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM revision WHERE id > %1").arg(lastRevision)) && q.next());
        QCOMPARE(q.value(0).toLongLong(), qint64(ingest.json().value("revisions", 0)));
        q.finish();

        // A database in use is refused; nothing is written into it.
        const CtlResult before = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("verify-audit") });
        const CtlResult again
            = runCtl({ QStringLiteral("migrate"), QStringLiteral("--from"), file, QStringLiteral("--to"), uri });
        QVERIFY2(again.exitCode != 0 && again.err.contains("holds"), qPrintable(show(again)));
        const CtlResult after = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("verify-audit") });
        QVERIFY2(after.exitCode == 0, qPrintable(show(after)));
        QCOMPARE(after.out, before.out);
    }

    void migrateRefusesABrokenAuditChain()
    {
        const QString file = sqliteWorkspace();
        QVERIFY2(file.endsWith(QLatin1String(".mdsync")), qPrintable(file));
        {
            QSqlDatabase db = open(QStringLiteral("QSQLITE"), file);
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TRIGGER IF EXISTS audit_log_no_update")));
            QVERIFY2(q.exec(QStringLiteral("UPDATE audit_log SET reason = 'edited' WHERE seq = 2")),
                qPrintable(q.lastError().text()));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        const QString uri = QStringLiteral("postgresql:///") + m_pg.create();
        const CtlResult migrated
            = runCtl({ QStringLiteral("migrate"), QStringLiteral("--from"), file, QStringLiteral("--to"), uri });
        QVERIFY2(
            migrated.exitCode != 0 && migrated.err.contains("audit chain does not verify"), qPrintable(show(migrated)));
        // Refused before anything was created there: the database can be used as it is.
        const CtlResult init = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("init") });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
    }

    void migrateRefusesWrongDirections()
    {
        const QString uri = QStringLiteral("postgresql:///") + m_pg.create();
        const CtlResult toFile = runCtl({ QStringLiteral("migrate"), QStringLiteral("--from"),
            m_dir.filePath(QStringLiteral("a.mdsync")), QStringLiteral("--to"), m_dir.filePath(QStringLiteral("b")) });
        QVERIFY2(toFile.exitCode != 0 && toFile.err.contains("backup"), qPrintable(show(toFile)));
        const CtlResult fromPg
            = runCtl({ QStringLiteral("migrate"), QStringLiteral("--from"), uri, QStringLiteral("--to"), uri });
        QVERIFY2(fromPg.exitCode != 0 && fromPg.err.contains("pg_dump"), qPrintable(show(fromPg)));
        const CtlResult missing = runCtl({ QStringLiteral("migrate"), QStringLiteral("--to"), uri });
        QVERIFY2(missing.exitCode != 0 && missing.err.contains("--from FILE"), qPrintable(show(missing)));
    }

    // docs/DEPLOYMENT.md "Backup and restore": pg_dump -Fc while the workspace is in use, pg_restore into a new
    // database, verify-audit and the same answers.
    void restoreDrill()
    {
        const QString pgDump = pgTool(QStringLiteral("pg_dump"));
        const QString pgRestore = pgTool(QStringLiteral("pg_restore"));
        QVERIFY2(!pgDump.isEmpty() && !pgRestore.isEmpty(), "pg_dump/pg_restore not found (postgresql-client-15)");
        const QString original = m_pg.create();
        const QString uri = QStringLiteral("postgresql:///") + original;
        QVERIFY(runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("init") }).exitCode == 0);
        const CtlResult ingest = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("ingest"),
            sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl")) });
        QVERIFY2(ingest.exitCode == 2, qPrintable(show(ingest)));

        const QString dump = m_dir.filePath(original + QStringLiteral(".dump"));
        QProcess p;
        p.start(pgDump, { QStringLiteral("-Fc"), QStringLiteral("-f"), dump, original });
        QVERIFY2(p.waitForFinished(60000) && p.exitCode() == 0, p.readAllStandardError().constData());
        const QString restored = m_pg.create();
        p.start(pgRestore, { QStringLiteral("--exit-on-error"), QStringLiteral("-d"), restored, dump });
        QVERIFY2(p.waitForFinished(60000) && p.exitCode() == 0, p.readAllStandardError().constData());

        const QString restoredUri = QStringLiteral("postgresql:///") + restored;
        const CtlResult a = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("verify-audit") });
        const CtlResult b = runCtl({ QStringLiteral("--workspace"), restoredUri, QStringLiteral("verify-audit") });
        QVERIFY2(a.exitCode == 0 && b.exitCode == 0, qPrintable(show(a) + show(b)));
        QCOMPARE(b.out, a.out); // same entry count, same head hash
        const CtlResult ea
            = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("exceptions"), QStringLiteral("--json") });
        const CtlResult eb = runCtl(
            { QStringLiteral("--workspace"), restoredUri, QStringLiteral("exceptions"), QStringLiteral("--json") });
        QVERIFY2(ea.json().is_array() && ea.json().size() == 1, qPrintable(show(ea)));
        QCOMPARE(dumped(eb.json()), dumped(ea.json()));
        // The restored workspace still enforces its rules (triggers and grants came along).
        QSqlDatabase db = open(QStringLiteral("QPSQL"), restored);
        QSqlQuery q(db);
        QVERIFY(!q.exec(QStringLiteral("UPDATE audit_log SET reason = 'edited' WHERE seq = 1")));
        QVERIFY2(q.lastError().text().contains(QLatin1String("append-only")), qPrintable(q.lastError().text()));
    }
};

QTEST_GUILESS_MAIN(TestPgMigrate)
#include "tst_pgmigrate.moc"
