// Workspaces on PostgreSQL (issue 15): workspace locations (no database needed), the PostgreSQL schema against
// the SQLite one, create/open rules, the append-only triggers, the migration runner and its advisory lock,
// transactions and savepoints. Runs against the `postgres` CTest fixture's cluster (tests/pg/throwaway-pg.sh);
// every database test gets a fresh database t_<random>, dropped in cleanup().

#include "access/identity.h"
#include "access/roles.h"
#include "fixtures/pgtestenv.h"
#include "store/changefeed.h"
#include "store/pgschema.h"
#include "store/readmatrix.h"
#include "store/workspace.h"
#include "store/workspaceuri.h"

#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace mdsync;

namespace {

using Params = std::vector<std::pair<QString, QString>>;

QString paramsText(const Params& params)
{
    QStringList parts;
    for (const auto& [k, v] : params)
        parts << k + QLatin1Char('=') + v;
    return parts.join(QLatin1Char(' '));
}

// A QPSQL connection to `database` as `user` (host, port and password from the environment / PGPASSFILE).
QSqlDatabase pgConnect(const QString& name, const QString& database, const QString& user = QStringLiteral("mdsync"))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setDatabaseName(database);
    db.setUserName(user);
    db.setConnectOptions(QStringLiteral("application_name=tst_pgworkspace"));
    db.open();
    return db;
}

// A SQLite workspace's tables and their columns in order, without FTS5's object_text and its shadow tables
// (PostgreSQL has a pg_trgm index on object.description instead: store/pgschema.h).
QMap<QString, QStringList> sqliteColumns(QSqlDatabase& db)
{
    QMap<QString, QStringList> out;
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE "
                          "'\\' AND name <> 'object_text' AND name NOT LIKE 'object\\_text\\_%' ESCAPE '\\'"));
    while (q.next())
        out[q.value(0).toString()];
    for (auto it = out.begin(); it != out.end(); ++it) {
        QSqlQuery c(db);
        c.prepare(QStringLiteral("SELECT name FROM pragma_table_info(?) ORDER BY cid"));
        c.addBindValue(it.key());
        c.exec();
        while (c.next())
            it.value() << c.value(0).toString();
    }
    return out;
}

QMap<QString, QStringList> pgColumns(QSqlDatabase& db)
{
    QMap<QString, QStringList> out;
    QSqlQuery q(db);
    q.exec(QStringLiteral("SELECT table_name, column_name FROM information_schema.columns"
                          " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"));
    while (q.next())
        out[q.value(0).toString()] << q.value(1).toString();
    return out;
}

// The error of a Result for a failure message (QVERIFY2 evaluates its message even when the check passes).
template<typename R> QString why(const R& r)
{
    return r.ok() ? QString() : r.error();
}

QString errorOf(QSqlQuery& q, const QString& sql)
{
    if (q.exec(sql))
        return {};
    return q.lastError().text();
}

} // namespace

class TestPgWorkspace : public QObject
{
    Q_OBJECT

    test::PgTestDatabases m_pg { QStringLiteral("tst") }; // the databases of the current test function
    int m_connections = 0;

    QSqlDatabase admin() { return m_pg.admin(); }
    // A fresh, empty database owned by mdsync.
    QString newDatabase() { return m_pg.create(); }

    static QString uri(const QString& database) { return QStringLiteral("postgresql:///") + database; }

    QString connectionName() { return QStringLiteral("tst-%1").arg(++m_connections); }

private slots:
    void initTestCase()
    {
        QString why;
        if (!test::loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QSqlDatabase a = admin();
        QVERIFY2(a.isOpen(), qPrintable(a.lastError().text()));
    }

    void cleanup()
    {
        const QString dropError = m_pg.dropAll();
        QVERIFY2(dropError.isEmpty(), qPrintable(dropError));
    }

    void cleanupTestCase()
    {
        if (QSqlDatabase::contains(QStringLiteral("tst-admin"))) {
            QSqlDatabase::database(QStringLiteral("tst-admin")).close();
            QSqlDatabase::removeDatabase(QStringLiteral("tst-admin"));
        }
    }

    // ---- workspace locations (no database) ------------------------------------------------------------------

    void parseLocation_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("postgres");
        QTest::addColumn<QString>("params"); // "key=value ..." in order
        QTest::addColumn<QString>("display");
        QTest::newRow("file") << QStringLiteral("/tmp/plant.mdsync") << false << QString()
                              << QStringLiteral("/tmp/plant.mdsync");
        QTest::newRow("relative file") << QStringLiteral("ws/plant.mdsync") << false << QString()
                                       << QStringLiteral("ws/plant.mdsync");
        QTest::newRow("file with =") << QStringLiteral("./host=a.mdsync") << false << QString()
                                     << QStringLiteral("./host=a.mdsync");
        QTest::newRow("uri") << QStringLiteral("postgresql://alice@db.example:5433/mdsync?sslmode=require") << true
                             << QStringLiteral("user=alice host=db.example port=5433 dbname=mdsync sslmode=require")
                             << QStringLiteral("postgresql://alice@db.example:5433/mdsync?sslmode=require");
        QTest::newRow("postgres scheme") << QStringLiteral("postgres://db.example/mdsync") << true
                                         << QStringLiteral("host=db.example dbname=mdsync")
                                         << QStringLiteral("postgresql://db.example/mdsync");
        QTest::newRow("socket or environment host")
            << QStringLiteral("postgresql:///mdsync") << true << QStringLiteral("dbname=mdsync")
            << QStringLiteral("postgresql:///mdsync");
        QTest::newRow("ipv6") << QStringLiteral("postgresql://[::1]:5432/x") << true
                              << QStringLiteral("host=::1 port=5432 dbname=x")
                              << QStringLiteral("postgresql://[::1]:5432/x");
        QTest::newRow("socket folder") << QStringLiteral("postgresql://%2Fvar%2Frun%2Fpostgresql/x") << true
                                       << QStringLiteral("host=/var/run/postgresql dbname=x")
                                       << QStringLiteral("postgresql://%2Fvar%2Frun%2Fpostgresql/x");
        QTest::newRow("service") << QStringLiteral("service=plant1") << true << QStringLiteral("service=plant1")
                                 << QStringLiteral("service=plant1");
        QTest::newRow("service and more") << QStringLiteral("service=plant1  sslmode = verify-full") << true
                                          << QStringLiteral("service=plant1 sslmode=verify-full")
                                          << QStringLiteral("service=plant1 sslmode=verify-full");
        QTest::newRow("keywords") << QStringLiteral("host=db.example dbname='my db'") << true
                                  << QStringLiteral("host=db.example dbname=my db")
                                  << QStringLiteral("postgresql://db.example/my%20db");
    }

    void parseLocation()
    {
        QFETCH(QString, text);
        QFETCH(bool, postgres);
        QFETCH(QString, params);
        QFETCH(QString, display);
        QCOMPARE(WorkspaceLocation::looksLikePostgres(text), postgres);
        auto loc = WorkspaceLocation::parse(text);
        QVERIFY2(loc.ok(), qPrintable(why(loc)));
        QCOMPARE(loc->isPostgres(), postgres);
        if (!postgres)
            QCOMPARE(loc->path, text);
        QCOMPARE(paramsText(loc->params), params);
        QCOMPARE(loc->display(), display);
        if (postgres) { // the display form parses to the same parameters
            auto again = WorkspaceLocation::parse(loc->display());
            QVERIFY2(again.ok(), qPrintable(why(again)));
            QCOMPARE(paramsText(again->params), params);
        }
    }

    void refuseLocation_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // part of the message
        const QString pgpass = QStringLiteral("~/.pgpass");
        QTest::newRow("user:password@") << QStringLiteral("postgresql://alice:s3cret@db/mdsync") << pgpass;
        QTest::newRow("empty password") << QStringLiteral("postgresql://alice:@db/mdsync") << pgpass;
        QTest::newRow("password param") << QStringLiteral("postgresql://db/mdsync?password=s3cret") << pgpass;
        QTest::newRow("sslpassword param")
            << QStringLiteral("postgres://db/m?sslmode=require&sslpassword=s3cret") << pgpass;
        QTest::newRow("password keyword") << QStringLiteral("service=plant1 password=s3cret") << pgpass;
        QTest::newRow("quoted password") << QStringLiteral("host=db password='s3cret x'") << pgpass;
        QTest::newRow("bad port") << QStringLiteral("postgresql://db:99999/m") << QStringLiteral("port '99999'");
        QTest::newRow("unknown param") << QStringLiteral("postgresql://db/m?sslmod=require")
                                       << QStringLiteral("unknown connection parameter 'sslmod'");
        QTest::newRow("several hosts") << QStringLiteral("postgresql://a,b/m") << QStringLiteral("several hosts");
        QTest::newRow("unclosed quote") << QStringLiteral("service='plant") << QStringLiteral("not closed");
        QTest::newRow("semicolon") << QStringLiteral("postgresql://db/m?options=a;b") << QStringLiteral("';'");
    }

    void refuseLocation()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto loc = WorkspaceLocation::parse(text);
        QVERIFY(!loc.ok());
        QVERIFY2(loc.error().contains(expected), qPrintable(loc.error()));
        QVERIFY2(!loc.error().contains(QLatin1String("s3cret")), qPrintable(loc.error()));
        // Workspace::open refuses it the same way, before connecting anywhere.
        auto ws = Workspace::open(text, Workspace::Mode::ReadOnly);
        QVERIFY(!ws.ok());
        QCOMPARE(ws.error(), loc.error());
    }

    void redact()
    {
        QCOMPARE(redactLocation(QStringLiteral("postgresql://alice:s3cret@db/m")),
            QStringLiteral("postgresql://alice:***@db/m"));
        QCOMPARE(redactLocation(QStringLiteral("postgresql://db/m?sslmode=require&password=s3cret&x=1")),
            QStringLiteral("postgresql://db/m?sslmode=require&password=***&x=1"));
        QCOMPARE(redactLocation(QStringLiteral("service=a password = 'x y' sslpassword=z")),
            QStringLiteral("service=a password = *** sslpassword=***"));
        QCOMPARE(redactLocation(QStringLiteral("/tmp/a.mdsync")), QStringLiteral("/tmp/a.mdsync"));
    }

    // ---- workspaces on PostgreSQL ------------------------------------------------------------------------

    // The GUI's change feed survives a broken LISTEN connection: it notices within a check interval, says so,
    // connects again and LISTENs, and notices flow again (with a "something may have changed" first).
    void changeFeedReconnects()
    {
        const QString db = newDatabase();
        {
            auto ws = Workspace::create(uri(db));
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
        }
        ChangeFeed feed;
        QSignalSpy changed(&feed, &ChangeFeed::changed);
        QSignalSpy interrupted(&feed, &ChangeFeed::interrupted);
        QSignalSpy restored(&feed, &ChangeFeed::restored);
        auto started = feed.start(uri(db), 200);
        QVERIFY2(started.ok(), qPrintable(started.ok() ? QString() : started.error()));
        QVERIFY(feed.isListening());
        // admin() is connected to the database `postgres`: notices are per database, so send from this one.
        QSqlDatabase same = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName());
        same.setDatabaseName(db);
        same.setUserName(QStringLiteral("postgres"));
        QVERIFY2(same.open(), qPrintable(same.lastError().text()));
        auto send = [&](const QString& table) {
            QSqlQuery q(same);
            QVERIFY2(q.exec(QStringLiteral("SELECT pg_notify('mdsync_changed', '%1')").arg(table)),
                qPrintable(q.lastError().text()));
        };
        send(QStringLiteral("exception"));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
        QCOMPARE(changed.at(0).at(0).toString(), QStringLiteral("exception"));

        // An administrator ends the feed's session (as a server restart or a network cut would).
        {
            QSqlQuery q(same);
            QVERIFY2(q.exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                                           " WHERE datname = current_database() AND pid <> pg_backend_pid()")),
                qPrintable(q.lastError().text()));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(interrupted.size(), 1, 5000);
        QVERIFY(!feed.isListening());
        QTRY_COMPARE_WITH_TIMEOUT(restored.size(), 1, 10000);
        QVERIFY(feed.isListening());
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.at(1).at(0).toString(), QString()); // anything may have changed meanwhile
        send(QStringLiteral("delivery"));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 3, 5000);
        QCOMPARE(changed.at(2).at(0).toString(), QStringLiteral("delivery"));
        feed.stop();
        const QString name = same.connectionName();
        same.close();
        same = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }

    void createAndReopen()
    {
        const QString db = newDatabase();
        QString instance;
        {
            auto ws = Workspace::create(uri(db));
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
            Workspace& w = *ws.value();
            QCOMPARE(w.backend(), Workspace::Backend::Postgres);
            QCOMPARE(w.path(), uri(db));
            QCOMPARE(w.location(), uri(db));
            QCOMPARE(w.schemaVersion(), Workspace::latestSchemaVersion(Workspace::Backend::Postgres));
            QCOMPARE(w.meta(QStringLiteral("format")), QStringLiteral("mdsync-workspace"));
            instance = w.instanceId();
            QVERIFY2(
                QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(instance).hasMatch(), qPrintable(instance));
            QVERIFY(w.setMeta(QStringLiteral("created_by"), QStringLiteral("tester")).ok());
            QVERIFY(w.setMeta(QStringLiteral("created_by"), QStringLiteral("tester2")).ok()); // upsert
            QSqlQuery q(w.db());
            QVERIFY(q.exec(QStringLiteral("SELECT application_name FROM pg_stat_activity WHERE pid = "
                                          "pg_backend_pid()"))
                && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("mdsync"));
        }
        {
            auto ws = Workspace::open(uri(db), Workspace::Mode::ReadWrite);
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
            QCOMPARE(ws.value()->instanceId(), instance);
            QCOMPARE(ws.value()->meta(QStringLiteral("created_by")), QStringLiteral("tester2"));
            QCOMPARE(
                ws.value()->meta(QStringLiteral("absent"), QStringLiteral("fallback")), QStringLiteral("fallback"));
        }
        {
            auto ws = Workspace::open(uri(db), Workspace::Mode::ReadOnly);
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
            QCOMPARE(ws.value()->instanceId(), instance);
            auto r = ws.value()->setMeta(QStringLiteral("x"), QStringLiteral("1"));
            QVERIFY(!r.ok());
            QVERIFY2(r.error().contains(QLatin1String("read-only")), qPrintable(r.error()));
        }
    }

    void createRefusesNonEmptyDatabase()
    {
        const QString db = newDatabase();
        {
            QSqlDatabase c = pgConnect(connectionName(), db);
            QSqlQuery q(c);
            QVERIFY2(q.exec(QStringLiteral("CREATE TABLE erp_items (id int)")), qPrintable(q.lastError().text()));
        }
        auto ws = Workspace::create(uri(db));
        QVERIFY(!ws.ok());
        QVERIFY2(ws.error().contains(QLatin1String("is not empty")), qPrintable(ws.error()));
        QVERIFY2(ws.error().contains(QLatin1String("public.erp_items")), qPrintable(ws.error()));
        QVERIFY2(ws.error().startsWith(uri(db)), qPrintable(ws.error()));

        const QString second = newDatabase();
        QVERIFY(Workspace::create(uri(second)).ok());
        auto again = Workspace::create(uri(second));
        QVERIFY(!again.ok());
        QVERIFY2(again.error().contains(QLatin1String("holds an MDSync workspace already")), qPrintable(again.error()));
    }

    void openRefusesOtherDatabases()
    {
        const QString empty = newDatabase();
        for (auto mode : { Workspace::Mode::ReadWrite, Workspace::Mode::ReadOnly }) {
            auto ws = Workspace::open(uri(empty), mode);
            QVERIFY(!ws.ok());
            QVERIFY2(ws.error().contains(QLatin1String("not an MDSync workspace")), qPrintable(ws.error()));
        }
        // A database with someone else's meta table is not taken over, nor changed.
        const QString other = newDatabase();
        QSqlDatabase c = pgConnect(connectionName(), other);
        QSqlQuery q(c);
        QVERIFY(q.exec(QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO meta VALUES ('schema_version', '1'), ('format', 'other-app')")));
        auto ws = Workspace::open(uri(other), Workspace::Mode::ReadWrite);
        QVERIFY(!ws.ok());
        QVERIFY2(ws.error().contains(QLatin1String("not an MDSync workspace")), qPrintable(ws.error()));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        // No server there.
        auto none = Workspace::open(
            QStringLiteral("postgresql://127.0.0.1:1/x?connect_timeout=2"), Workspace::Mode::ReadOnly);
        QVERIFY(!none.ok());
        QVERIFY2(none.error().startsWith(QLatin1String("postgresql://127.0.0.1:1/x?connect_timeout=2: cannot connect")),
            qPrintable(none.error()));
    }

    // The two schemas must not drift apart: the core's SQL runs unchanged on both.
    void schemaMatchesSqlite()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto lite = Workspace::create(dir.filePath(QStringLiteral("ws.mdsync")));
        QVERIFY2(lite.ok(), qPrintable(why(lite)));
        const auto expected = sqliteColumns(lite.value()->db());
        QVERIFY(expected.size() > 30);

        const QString db = newDatabase();
        auto pg = Workspace::create(uri(db));
        QVERIFY2(pg.ok(), qPrintable(why(pg)));
        const auto actual = pgColumns(pg.value()->db());
        QCOMPARE(actual.keys(), expected.keys());
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const QString table = it.key();
            QVERIFY2(actual.value(table) == it.value(),
                qPrintable(
                    QStringLiteral("%1: SQLite (%2) vs PostgreSQL (%3)")
                        .arg(table, it.value().join(QLatin1Char(',')), actual.value(table).join(QLatin1Char(',')))));
        }

        // Every named SQLite index exists on PostgreSQL under the same name.
        QSqlQuery li(lite.value()->db());
        QVERIFY(li.exec(QStringLiteral("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL")));
        QStringList missing;
        while (li.next()) {
            QSqlQuery pi(pg.value()->db());
            pi.prepare(QStringLiteral("SELECT 1 FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?"));
            pi.addBindValue(li.value(0).toString());
            if (!pi.exec() || !pi.next())
                missing << li.value(0).toString();
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(QLatin1Char(','))));
    }

    void appendOnlyTables()
    {
        const QString db = newDatabase();
        auto ws = Workspace::create(uri(db));
        QVERIFY2(ws.ok(), qPrintable(why(ws)));
        QSqlQuery q(ws.value()->db());
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO audit_log(at, actor, action, subject, prev_hash, hash)"
                                       " VALUES ('2026-12-04T00:00:00Z', 'a', 'x', 's', '', 'h')")),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO object(domain, key, revision_no, current_revision_id, content_hash,"
                                      " created_at, updated_at) VALUES ('item', 'K1', 1, 0, 'c', 1, 1)")));
        QVERIFY2(q.exec(QStringLiteral(
                     "INSERT INTO revision(object_id, revision_no, op, source_system, actor, correlation_id,"
                     " received_at, model_version, state, changed, content_hash)"
                     " SELECT id, 1, 'upsert', 'PLM', 'a', 'c1', 1, '1', '{}', '[]', 'c' FROM object")),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO lineage_event(at, domain, object_key, kind, detail)"
                                      " VALUES (1, 'item', 'K1', 'received', '{}')")));

        struct Case
        {
            QString sql, message;
        };
        const std::vector<Case> cases = {
            { QStringLiteral("UPDATE audit_log SET actor = 'mallory'"), QStringLiteral("audit_log is append-only") },
            { QStringLiteral("DELETE FROM audit_log"), QStringLiteral("audit_log is append-only") },
            { QStringLiteral("TRUNCATE audit_log"), QStringLiteral("audit_log is append-only") },
            { QStringLiteral("UPDATE revision SET state = '{\"x\":1}'"), QStringLiteral("revisions are immutable") },
            { QStringLiteral("DELETE FROM revision"), QStringLiteral("revisions are immutable") },
            { QStringLiteral("UPDATE lineage_event SET kind = 'x'"), QStringLiteral("lineage_event is append-only") },
            { QStringLiteral("DELETE FROM lineage_event"), QStringLiteral("lineage_event is append-only") },
        };
        for (const Case& c : cases) {
            const QString error = errorOf(q, c.sql);
            QVERIFY2(error.contains(c.message), qPrintable(c.sql + QStringLiteral(": ") + error));
        }
        for (const QString& table :
            { QStringLiteral("audit_log"), QStringLiteral("revision"), QStringLiteral("lineage_event") }) {
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM ") + table) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        QVERIFY(q.exec(QStringLiteral("SELECT actor FROM audit_log")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("a"));
    }

    // The KPI triggers translated from SQLite keep their counters.
    void kpiTriggers()
    {
        const QString db = newDatabase();
        auto ws = Workspace::create(uri(db));
        QVERIFY2(ws.ok(), qPrintable(why(ws)));
        QSqlQuery q(ws.value()->db());
        const QString insert = QStringLiteral(
            "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, domain, message, details)"
            " VALUES ('inbound', 'validation', 'error', 'open', 1000, 1000, 'item', 'm', '{}')");
        QVERIFY2(q.exec(insert), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(insert));
        QVERIFY2(q.exec(QStringLiteral("UPDATE exception SET status = 'resolved', updated_at = 4000 WHERE id = 1")),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("INSERT INTO ingest_run(source_name, actor, started_at) VALUES ('f', 'a', 1)")));
        QVERIFY2(q.exec(QStringLiteral("UPDATE ingest_run SET summary = '{\"duplicates\":3,\"unchanged\":2}'")),
            qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("SELECT name || '/' || key || '=' || n || '/' || total FROM kpi_counter"
                                      " ORDER BY name, key")));
        QStringList rows;
        while (q.next())
            rows << q.value(0).toString();
        QCOMPARE(rows,
            QStringList({ QStringLiteral("duplicates_prevented/idempotent_event=3/0"),
                QStringLiteral("duplicates_prevented/unchanged=2/0"), QStringLiteral("open_exceptions/item=1/0"),
                QStringLiteral("repair/validation=1/3000") }));
    }

    void migrationFromVersion1()
    {
        const QString db = newDatabase();
        const auto& all = pgschema::migrations();
        {
            QSqlDatabase c = pgConnect(connectionName(), db);
            QVERIFY2(pgschema::migrate(c, { all[0] }, db).ok(), "migration to version 1");
            QCOMPARE(pgschema::schemaVersion(c), 1);
        }
        {
            auto ws = Workspace::open(uri(db), Workspace::Mode::ReadWrite);
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
            QCOMPARE(ws.value()->schemaVersion(), Workspace::latestSchemaVersion(Workspace::Backend::Postgres));
            // Version 5: the circuit breaker's table, readable by viewers, written by the service.
            QSqlQuery v(ws.value()->db());
            QVERIFY(v.exec(QStringLiteral("SELECT has_table_privilege('mdsync_viewer', 'target_circuit', 'SELECT'),"
                                          " has_table_privilege('mdsync_service', 'target_circuit', 'UPDATE'),"
                                          " has_table_privilege('mdsync_steward', 'target_circuit', 'UPDATE'),"
                                          " to_regclass('delivery_blocked') IS NOT NULL")));
            QVERIFY(v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(v.value(1).toBool());
            QVERIFY(!v.value(2).toBool());
            QVERIFY(v.value(3).toBool());
        }
        // A database at version 4 (before the circuit breaker) gets versions 5, 6 (a steward's probe request,
        // system.probe_requested_at, which stewards and admins may update), 7 (duplicate decisions), 8 (contracts
        // in config_version), 9 (initial loads) and 10 (retention: archive records, revision.archived_in) and nothing
        // else.
        {
            const QString db4 = newDatabase();
            QSqlDatabase c4 = pgConnect(connectionName(), db4);
            QVERIFY2(pgschema::migrate(c4, { all[0], all[1], all[2], all[3] }, db4).ok(), "migration to version 4");
            QSqlQuery v(c4);
            QVERIFY(v.exec(QStringLiteral("SELECT to_regclass('target_circuit') IS NULL")) && v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(pgschema::migrate(c4, all, db4).ok());
            QCOMPARE(pgschema::schemaVersion(c4), 12);
            QCOMPARE(static_cast<int>(all.size()), 12);
            // Version 12: idempotency keys unique within their revision, not across all deliveries.
            QVERIFY(
                v.exec(QStringLiteral("SELECT (SELECT count(*) FROM pg_constraint WHERE conrelid = 'delivery'::regclass"
                                      " AND contype = 'u'), (SELECT indexdef FROM pg_indexes"
                                      " WHERE indexname = 'delivery_key')"))
                && v.next());
            QCOMPARE(v.value(0).toInt(), 0);
            QVERIFY2(v.value(1).toString().endsWith(QLatin1String("USING btree (revision_id, idempotency_key)")),
                qPrintable(v.value(1).toString()));
            QVERIFY(v.exec(QStringLiteral("SELECT has_table_privilege('mdsync_viewer', 'onboard_job', 'SELECT'),"
                                          " has_table_privilege('mdsync_steward', 'onboard_job', 'INSERT'),"
                                          " has_table_privilege('mdsync_viewer', 'onboard_job', 'INSERT'),"
                                          " has_table_privilege('mdsync_service', 'onboard_delivery', 'INSERT')"))
                && v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(v.value(1).toBool());
            QVERIFY(!v.value(2).toBool());
            QVERIFY(v.value(3).toBool());
            QVERIFY(v.exec(QStringLiteral("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                          " WHERE conname = 'config_version_kind_check'"))
                && v.next());
            QVERIFY2(v.value(0).toString().contains(QStringLiteral("'contracts'")), qPrintable(v.value(0).toString()));
            QVERIFY(v.exec(QStringLiteral("SELECT count(*) FROM target_circuit")) && v.next());
            QCOMPARE(v.value(0).toInt(), 0);
            QVERIFY(v.exec(QStringLiteral(
                        "SELECT has_column_privilege('mdsync_steward', 'system', 'probe_requested_at', 'UPDATE'),"
                        " has_column_privilege('mdsync_viewer', 'system', 'probe_requested_at', 'UPDATE')"))
                && v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(!v.value(1).toBool());
            // Version 7: stewards' duplicate decisions, recorded by stewards and admins, read by everyone.
            QVERIFY(
                v.exec(QStringLiteral("SELECT has_table_privilege('mdsync_steward', 'duplicate_decision', 'INSERT'),"
                                      " has_table_privilege('mdsync_admin', 'duplicate_decision', 'INSERT'),"
                                      " has_table_privilege('mdsync_viewer', 'duplicate_decision', 'INSERT'),"
                                      " has_table_privilege('mdsync_viewer', 'duplicate_decision', 'SELECT'),"
                                      " has_table_privilege('mdsync_steward', 'duplicate_decision', 'UPDATE')"))
                && v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(v.value(1).toBool());
            QVERIFY(!v.value(2).toBool());
            QVERIFY(v.value(3).toBool());
            QVERIFY(!v.value(4).toBool());
            // Version 10: archive records, written by admins (`mdsyncctl archive`), read by everyone; an admin may
            // set a revision's state and archived_in (the trigger allows only archiving), a steward may not.
            QVERIFY(v.exec(QStringLiteral("SELECT has_table_privilege('mdsync_admin', 'archive', 'INSERT'),"
                                          " has_table_privilege('mdsync_steward', 'archive', 'INSERT'),"
                                          " has_table_privilege('mdsync_viewer', 'archive', 'SELECT'),"
                                          " has_column_privilege('mdsync_admin', 'revision', 'archived_in', 'UPDATE'),"
                                          " has_column_privilege('mdsync_steward', 'revision', 'state', 'UPDATE')"))
                && v.next());
            QVERIFY(v.value(0).toBool());
            QVERIFY(!v.value(1).toBool());
            QVERIFY(v.value(2).toBool());
            QVERIFY(v.value(3).toBool());
            QVERIFY(!v.value(4).toBool());
        }
        // The runner applies what is missing and nothing twice; a newer database is refused by this program.
        QSqlDatabase c = pgConnect(connectionName(), db);
        auto steps = all;
        steps.push_back({ QStringLiteral("CREATE TABLE later_step (x BIGINT)"),
            QStringLiteral("INSERT INTO later_step VALUES (1)") });
        QVERIFY(pgschema::migrate(c, steps, db).ok());
        QVERIFY(pgschema::migrate(c, steps, db).ok());
        QCOMPARE(pgschema::schemaVersion(c), static_cast<int>(steps.size()));
        QSqlQuery q(c);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM later_step")) && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        // A failing step leaves the database as it was.
        auto broken = steps;
        broken.push_back({ QStringLiteral("CREATE TABLE half_done (x BIGINT)"), QStringLiteral("SELECT nonsense") });
        auto r = pgschema::migrate(c, broken, db);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("migration to schema %1 failed").arg(broken.size())),
            qPrintable(r.error()));
        QCOMPARE(pgschema::schemaVersion(c), static_cast<int>(steps.size()));
        QVERIFY(q.exec(QStringLiteral("SELECT to_regclass('half_done') IS NULL")) && q.next());
        QVERIFY(q.value(0).toBool());
        auto newer = Workspace::open(uri(db), Workspace::Mode::ReadWrite);
        QVERIFY(!newer.ok());
        QVERIFY2(newer.error().contains(QLatin1String("newer than this program")), qPrintable(newer.error()));
        auto newerRo = Workspace::open(uri(db), Workspace::Mode::ReadOnly);
        QVERIFY(!newerRo.ok());
        QVERIFY2(newerRo.error().contains(QLatin1String("this program reads version")), qPrintable(newerRo.error()));
    }

    // Two processes migrating one database at once: the second waits for the first (advisory lock) and finds the
    // work done. A third connection holds the lock until both wait on it, so that they really start together.
    void concurrentMigration()
    {
        const QString db = newDatabase();
        QSqlDatabase holder = pgConnect(connectionName(), db);
        QSqlQuery h(holder);
        QVERIFY(h.exec(QStringLiteral("BEGIN")));
        QVERIFY(h.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1, %2)")
                           .arg(pgschema::kLockClass)
                           .arg(pgschema::kMigrationLock)));

        QString results[2];
        std::unique_ptr<QThread> threads[2];
        for (int i = 0; i < 2; ++i) {
            const QString name = connectionName();
            threads[i].reset(QThread::create([&results, i, name, db] {
                {
                    QSqlDatabase c = pgConnect(name, db);
                    if (!c.isOpen()) {
                        results[i] = c.lastError().text();
                    } else {
                        auto r = pgschema::migrate(c, pgschema::migrations(), db);
                        results[i] = r.ok() ? QStringLiteral("ok") : r.error();
                    }
                    c.close();
                }
                QSqlDatabase::removeDatabase(name);
            }));
            threads[i]->start();
        }
        int waiting = 0;
        for (int attempt = 0; attempt < 300 && waiting < 2; ++attempt) {
            QVERIFY(h.exec(QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                                          " AND classid = %1 AND objid = %2")
                               .arg(pgschema::kLockClass)
                               .arg(pgschema::kMigrationLock))
                && h.next());
            waiting = h.value(0).toInt();
            if (waiting < 2)
                QThread::msleep(50);
        }
        QVERIFY(h.exec(QStringLiteral("COMMIT")));
        for (auto& t : threads)
            QVERIFY(t->wait(60000));
        QCOMPARE(waiting, 2);
        QCOMPARE(results[0], QStringLiteral("ok"));
        QCOMPARE(results[1], QStringLiteral("ok"));
        QCOMPARE(pgschema::schemaVersion(holder), Workspace::latestSchemaVersion(Workspace::Backend::Postgres));
        QVERIFY(h.exec(QStringLiteral("SELECT count(*) FROM meta WHERE key = 'instance_id'")) && h.next());
        QCOMPARE(h.value(0).toInt(), 1);
    }

    void transactionsAndSavepoints()
    {
        const QString db = newDatabase();
        auto ws = Workspace::create(uri(db));
        QVERIFY2(ws.ok(), qPrintable(why(ws)));
        Workspace& w = *ws.value();
        QVERIFY(w.begin().ok());
        QVERIFY(w.setMeta(QStringLiteral("outer"), QStringLiteral("1")).ok());
        {
            Workspace::Transaction inner(w); // a savepoint
            QVERIFY(inner);
            QVERIFY(w.setMeta(QStringLiteral("inner"), QStringLiteral("1")).ok());
            // A failing statement aborts the savepoint only (PostgreSQL: the transaction stays usable after
            // ROLLBACK TO).
            QVERIFY(!w.exec(QStringLiteral("INSERT INTO no_such_table VALUES (1)")).ok());
        } // rolled back
        QCOMPARE(w.meta(QStringLiteral("inner"), QStringLiteral("-")), QStringLiteral("-"));
        QCOMPARE(w.meta(QStringLiteral("outer")), QStringLiteral("1"));
        {
            Workspace::Transaction inner(w);
            QVERIFY(w.setMeta(QStringLiteral("kept"), QStringLiteral("1")).ok());
            QVERIFY(inner.commit().ok());
        }
        QVERIFY(w.commit().ok());
        QVERIFY(!w.inTransaction());
        {
            Workspace::Transaction tx(w);
            QVERIFY(w.setMeta(QStringLiteral("undone"), QStringLiteral("1")).ok());
            tx.rollback();
        }
        // What another connection sees.
        auto other = Workspace::open(uri(db), Workspace::Mode::ReadOnly);
        QVERIFY2(other.ok(), qPrintable(why(other)));
        QCOMPARE(other.value()->meta(QStringLiteral("outer")), QStringLiteral("1"));
        QCOMPARE(other.value()->meta(QStringLiteral("kept")), QStringLiteral("1"));
        QCOMPARE(other.value()->meta(QStringLiteral("inner"), QStringLiteral("-")), QStringLiteral("-"));
        QCOMPARE(other.value()->meta(QStringLiteral("undone"), QStringLiteral("-")), QStringLiteral("-"));
    }

    // On PostgreSQL the acting user is the authenticated database login: `--user` may only repeat it.
    void identityIsTheDatabaseLogin()
    {
        const QString db = newDatabase();
        {
            auto ws = Workspace::create(uri(db));
            QVERIFY2(ws.ok(), qPrintable(why(ws)));
            Workspace& w = *ws.value();
            QVERIFY(identityMode(w) == IdentityMode::DatabaseLogin);
            auto asserted = setIdentityMode(w, IdentityMode::Asserted);
            QVERIFY(!asserted.ok());
            QVERIFY2(asserted.error().contains(QLatin1String("asserted identities")), qPrintable(asserted.error()));
            QVERIFY(setIdentityMode(w, IdentityMode::OsLogin).ok()); // "authenticated": the database login here
            QCOMPARE(w.meta(QStringLiteral("identities")), QStringLiteral("database_login"));
            QVERIFY(identityModeFromMeta(w.meta(QStringLiteral("identities")), {}) == IdentityMode::DatabaseLogin);

            auto self = actingUser(w, {});
            QVERIFY2(self.ok(), qPrintable(why(self)));
            QCOMPARE(self.value(), std::string("mdsync"));
            QVERIFY(actingUser(w, "mdsync").ok());
            for (const std::string& other : { std::string("someone-else"), osLogin() }) {
                if (other == "mdsync")
                    continue;
                auto r = actingUser(w, other);
                QVERIFY2(!r.ok(), other.c_str());
                QVERIFY2(r.error().contains(QLatin1String("database login")), qPrintable(r.error()));
                QVERIFY2(r.error().contains(QString::fromStdString(other)), qPrintable(r.error()));
            }
        }
        // Another login on the same workspace acts as itself.
        auto asPostgres = Workspace::open(QStringLiteral("postgresql://postgres@/") + db, Workspace::Mode::ReadOnly);
        QVERIFY2(asPostgres.ok(), qPrintable(why(asPostgres)));
        auto user = actingUser(*asPostgres.value(), {});
        QVERIFY2(user.ok(), qPrintable(why(user)));
        QCOMPARE(user.value(), std::string("postgres"));

        // The CLI refuses --user with another name (the SQLite rule would let the OS login through).
        const QString ctl = qEnvironmentVariable("MDSYNCCTL");
        QVERIFY2(QFileInfo::exists(ctl), "MDSYNCCTL (set by ctest) names no mdsyncctl");
        for (const QString& other : { QStringLiteral("someone-else"), QString::fromStdString(osLogin()) }) {
            QProcess p;
            p.start(ctl,
                { QStringLiteral("--workspace"), uri(db), QStringLiteral("--user"), other,
                    QStringLiteral("overview") });
            QVERIFY(p.waitForFinished(60000));
            const QString err = QString::fromUtf8(p.readAllStandardError());
            QVERIFY2(p.exitCode() != 0, qPrintable(err));
            QVERIFY2(err.contains(QLatin1String("database login")), qPrintable(err));
        }
        QProcess p;
        p.start(ctl,
            { QStringLiteral("--workspace"), uri(db), QStringLiteral("--user"), QStringLiteral("mdsync"),
                QStringLiteral("overview") });
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromUtf8(p.readAllStandardError())));
    }

    // The matrix's description search (FTS5 trigram on SQLite) runs on pg_trgm.
    void descriptionSearch()
    {
        const QString db = newDatabase();
        auto ws = Workspace::create(uri(db));
        QVERIFY2(ws.ok(), qPrintable(why(ws)));
        QSqlQuery q(ws.value()->db());
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO object(domain, key, revision_no, current_revision_id, content_hash, description, created_at,"
            " updated_at) VALUES ('item', 'B-100', 1, 0, 'c', 'Stainless HEX bolt M8', 1, 1),"
            " ('item', 'N-200', 1, 0, 'c', 'Nut 100%_x', 1, 1), ('item', 'B-101', 1, 0, 'c', 'Washer', 1, 1)")));
        auto layout = read::matrixLayout(ws.value()->db());
        QVERIFY2(layout.ok(), qPrintable(why(layout)));
        QVERIFY(layout->postgres);
        read::MatrixOrders orders; // never used on PostgreSQL: its ids commit out of order
        const auto keys = [&](const QString& text) {
            read::MatrixFilter f;
            f.text = text;
            auto ids = read::matrixIds(ws.value()->db(), read::matrixIdSql(f, layout.value(), 0), &orders);
            QStringList out;
            if (!ids.ok())
                return QStringList { ids.error() };
            for (qint64 id : ids.value()) {
                QSqlQuery k(ws.value()->db());
                k.exec(QStringLiteral("SELECT key FROM object WHERE id = %1").arg(id));
                k.next();
                out << k.value(0).toString();
            }
            out.sort();
            return out;
        };
        QCOMPARE(keys(QStringLiteral("hex bolt")), QStringList { QStringLiteral("B-100") });
        QCOMPARE(keys(QStringLiteral("b-10")), QStringList({ QStringLiteral("B-100"), QStringLiteral("B-101") }));
        QCOMPARE(keys(QStringLiteral("0%_")), QStringList { QStringLiteral("N-200") });
        QCOMPARE(keys(QStringLiteral("0%x")), QStringList());
        read::MatrixFilter byDescription;
        byDescription.sortColumn = read::MatrixDescriptionColumn;
        const auto sorted
            = read::matrixIds(ws.value()->db(), read::matrixIdSql(byDescription, layout.value(), 0), &orders);
        QVERIFY2(sorted.ok(), qPrintable(sorted.ok() ? QString() : sorted.error()));
        QCOMPARE(sorted.value().size(), size_t(3));
        QCOMPARE(orders.key().stats().rebuilds, 0);
        QCOMPARE(orders.key().stats().objects, size_t(0));
        QCOMPARE(orders.column(read::MatrixDescriptionColumn)->stats().rebuilds, 0);
    }
};

QTEST_GUILESS_MAIN(TestPgWorkspace)
#include "tst_pgworkspace.moc"
