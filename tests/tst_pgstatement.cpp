// SqlStatement on both backends (store/sqlstatement.h): the same SQL text with "?" placeholders, bound and read
// through the raw handle of a QSQLITE connection (a temporary file) and of a QPSQL one (the `postgres` fixture's
// cluster, in a schema of its own that is dropped at the end).
#include "fixtures/pgtestenv.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cstdint>
#include <limits>
#include <string>

using namespace mdsync;

namespace {

const QString kSqlite = QStringLiteral("pgstmt-sqlite");
const QString kPg = QStringLiteral("pgstmt-pg");

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace

class TestPgStatement : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_schema;

    static QSqlDatabase db(const QString& backend)
    {
        return QSqlDatabase::database(backend == QLatin1String("pg") ? kPg : kSqlite);
    }
    static void run(QSqlDatabase d, const QString& sql)
    {
        QSqlQuery q(d);
        QVERIFY2(q.exec(sql), qPrintable(q.lastError().text() + QStringLiteral(" [") + sql + QStringLiteral("]")));
    }
    static qint64 count(QSqlDatabase d, const QString& where = QString())
    {
        QSqlQuery q(d);
        const QString sql = QStringLiteral("SELECT count(*) FROM t") + where;
        if (!q.exec(sql) || !q.next())
            qFatal("count: %s", qPrintable(q.lastError().text()));
        return q.value(0).toLongLong();
    }
    static void backends()
    {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("pg");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!test::loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY(m_dir.isValid());

        QSqlDatabase lite = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), kSqlite);
        lite.setDatabaseName(m_dir.filePath(QStringLiteral("stmt.sqlite")));
        QVERIFY2(lite.open(), qPrintable(lite.lastError().text()));
        run(lite,
            QStringLiteral("CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, s TEXT, b BLOB,"
                           " k TEXT UNIQUE, j TEXT)"));
        run(lite, QStringLiteral("CREATE TABLE c(k TEXT PRIMARY KEY, n INTEGER NOT NULL)"));

        QVERIFY2(QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")),
            "Qt's QPSQL driver is missing (libqt6sql6-psql, installer/install-deps.sh)");
        QSqlDatabase pg = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), kPg); // host, user: the environment
        QVERIFY2(pg.open(), qPrintable(pg.lastError().text()));
        m_schema = QStringLiteral("tst_pgstatement_%1").arg(QCoreApplication::applicationPid());
        run(pg, QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema));
        run(pg, QStringLiteral("CREATE SCHEMA %1").arg(m_schema));
        run(pg, QStringLiteral("SET search_path TO %1").arg(m_schema));
        run(pg,
            QStringLiteral(
                "CREATE TABLE t(id bigserial PRIMARY KEY, n bigint, s text, b bytea, k text UNIQUE, j text)"));
        run(pg, QStringLiteral("CREATE TABLE c(k text PRIMARY KEY, n bigint NOT NULL)"));
    }

    void cleanupTestCase()
    {
        if (QSqlDatabase::contains(kPg)) {
            {
                QSqlDatabase pg = QSqlDatabase::database(kPg);
                if (pg.isOpen() && !m_schema.isEmpty()) {
                    QSqlQuery q(pg);
                    q.exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(m_schema));
                }
                pg.close();
            }
            QSqlDatabase::removeDatabase(kPg);
        }
        if (QSqlDatabase::contains(kSqlite)) {
            QSqlDatabase::database(kSqlite).close();
            QSqlDatabase::removeDatabase(kSqlite);
        }
    }

    void init()
    {
        for (const QString& b : { QStringLiteral("sqlite"), QStringLiteral("pg") }) {
            SqlStatement::finishDeferred(db(b)); // after a failed test function
            db(b).rollback();
            run(db(b), QStringLiteral("DELETE FROM t"));
            run(db(b), QStringLiteral("DELETE FROM c"));
        }
    }

    void placeholders()
    {
        int n = 0;
        QCOMPARE(toPgPlaceholders("SELECT ? , ?", &n), std::string("SELECT $1 , $2"));
        QCOMPARE(n, 2);
        QCOMPARE(toPgPlaceholders("UPDATE x SET a = ?2 WHERE id = ?1 AND b = ?2", &n),
            std::string("UPDATE x SET a = $2 WHERE id = $1 AND b = $2"));
        QCOMPARE(n, 2);
        // SQLite: a bare ? after ?N is N + 1.
        QCOMPARE(toPgPlaceholders("VALUES (?3, ?)", &n), std::string("VALUES ($3, $4)"));
        QCOMPARE(n, 4);
        QCOMPARE(toPgPlaceholders("SELECT '?''?' || ? AS \"a?\" -- why?\n, ? /* ? */", &n),
            std::string("SELECT '?''?' || $1 AS \"a?\" -- why?\n, $2 /* ? */"));
        QCOMPARE(n, 2);
        QCOMPARE(
            toPgPlaceholders("x LIKE ? ESCAPE '\\' AND y = ?", &n), std::string("x LIKE $1 ESCAPE '\\' AND y = $2"));
        QCOMPARE(toPgPlaceholders("SELECT 1", &n), std::string("SELECT 1"));
        QCOMPARE(n, 0);
    }

    void backendOfConnection_data() { backends(); }
    void backendOfConnection()
    {
        QFETCH(QString, backend);
        SqlStatement q;
        QVERIFY2(q.prepare(db(backend), "SELECT 1"), qPrintable(q.error()));
        QCOMPARE(q.backend(), backend == QLatin1String("pg") ? SqlBackend::PostgreSQL : SqlBackend::SQLite);
        QCOMPARE(sqlBackend(db(backend)), q.backend());
    }

    void int64RoundTrip_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<qint64>("value");
        for (const char* b : { "sqlite", "pg" }) {
            const QString backend = QLatin1String(b);
            for (const qint64 v : { qint64(0), qint64(-1), qint64(7), (qint64(1) << 31) + 5, -(qint64(1) << 40),
                     std::numeric_limits<qint64>::max(), std::numeric_limits<qint64>::min() })
                QTest::addRow("%s %lld", b, static_cast<long long>(v)) << backend << v;
        }
    }
    void int64RoundTrip()
    {
        QFETCH(QString, backend);
        QFETCH(qint64, value);
        SqlStatement ins, sel;
        QVERIFY2(ins.prepare(db(backend), "INSERT INTO t(n, k) VALUES (?, ?) RETURNING id"), qPrintable(ins.error()));
        std::int64_t id = 0;
        ins.bind(0, std::int64_t(value));
        ins.bind(1, "int");
        QVERIFY2(ins.execReturningId(id), qPrintable(ins.error()));
        QVERIFY2(sel.prepare(db(backend), "SELECT n, n < 0, id FROM t WHERE id = ?"), qPrintable(sel.error()));
        sel.bind(0, id);
        QVERIFY2(sel.next(), qPrintable(sel.error()));
        QCOMPARE(qint64(sel.int64(0)), value);
        QCOMPARE(sel.int64(1), value < 0 ? 1 : 0); // a boolean on PostgreSQL, 0/1 on SQLite
        QCOMPARE(sel.int64(2), id);
        QVERIFY(!sel.isNull(0));
        QVERIFY(!sel.next());
        QVERIFY(!sel.failed());
    }

    void textAndBlob_data() { backends(); }
    void textAndBlob()
    {
        QFETCH(QString, backend);
        const std::string text = "Grüße 'quoted' \"double\" back\\slash ✓ 東京 %_";
        const std::string blob("\x00\x01'\"\\\xff\xfe\x00z", 9);
        SqlStatement ins, sel;
        QVERIFY2(ins.prepare(db(backend), "INSERT INTO t(s, b, k) VALUES (?1, ?2, ?1)"), qPrintable(ins.error()));
        ins.bind(0, std::string_view(text));
        ins.bindBlob(1, blob);
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        QVERIFY2(sel.prepare(db(backend), "SELECT s, b, length(s) FROM t WHERE k = ?"), qPrintable(sel.error()));
        sel.bind(0, std::string_view(text));
        QVERIFY2(sel.next(), qPrintable(sel.error()));
        QCOMPARE(std::string(sel.text(0)), text);
        QCOMPARE(sel.text(1).size(), blob.size());
        QCOMPARE(std::string(sel.text(1)), blob);
        QCOMPARE(sel.int64(2), qs(text).size()); // characters, not bytes: stored as UTF-8 text on both
        sel.reset();

        // The same bytes through QtSql: the statement wrote what the drivers read.
        QSqlQuery q(db(backend));
        QVERIFY(q.exec(QStringLiteral("SELECT s, b FROM t")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), qs(text));
        QCOMPARE(q.value(1).toByteArray(), QByteArray(blob.data(), qsizetype(blob.size())));
    }

    void nullAndOptional_data() { backends(); }
    void nullAndOptional()
    {
        QFETCH(QString, backend);
        SqlStatement ins, sel;
        QVERIFY2(ins.prepare(db(backend), "INSERT INTO t(n, s, b, k) VALUES (?, ?, ?, ?)"), qPrintable(ins.error()));
        ins.bindOptional(0, std::int64_t(0));
        ins.bindOptional(1, std::string_view());
        ins.bindNull(2);
        ins.bind(3, "nulls");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        // The bindings stay until replaced: the same statement with values.
        ins.bindOptional(0, std::int64_t(42));
        ins.bindOptional(1, std::string_view("x"));
        ins.bindBlob(2, std::string_view());
        ins.bind(3, "values");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));

        QVERIFY2(sel.prepare(db(backend), "SELECT n, s, b FROM t WHERE k = ?"), qPrintable(sel.error()));
        sel.bind(0, "nulls");
        QVERIFY(sel.next());
        QVERIFY(sel.isNull(0));
        QVERIFY(sel.isNull(1));
        QVERIFY(sel.isNull(2));
        QCOMPARE(sel.int64(0), 0);
        QVERIFY(sel.text(1).empty());
        sel.reset();
        sel.bind(0, "values");
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 42);
        QCOMPARE(std::string(sel.text(1)), std::string("x"));
        QVERIFY(!sel.isNull(2)); // an empty blob is not NULL
        QVERIFY(sel.text(2).empty());
        sel.reset();
        QCOMPARE(count(db(backend), QStringLiteral(" WHERE n IS NULL AND s IS NULL AND b IS NULL")), 1);
    }

    void returningTwice_data() { backends(); }
    void returningTwice()
    {
        QFETCH(QString, backend);
        SqlStatement ins;
        QVERIFY2(ins.prepare(db(backend), "INSERT INTO t(s) VALUES (?) RETURNING id, s"), qPrintable(ins.error()));
        std::int64_t first = 0, second = 0;
        ins.bind(0, "one");
        QVERIFY2(ins.execReturningId(first), qPrintable(ins.error()));
        ins.bind(0, "two");
        QVERIFY2(ins.execReturningId(second), qPrintable(ins.error()));
        QVERIFY(first > 0);
        QCOMPARE(second, first + 1);
        // Through next(): the row of the insert, then no more; nothing inserted twice.
        ins.bind(0, "three");
        QVERIFY2(ins.next(), qPrintable(ins.error()));
        QCOMPARE(ins.int64(0), second + 1);
        QCOMPARE(std::string(ins.text(1)), std::string("three"));
        QVERIFY(!ins.next());
        QVERIFY(!ins.failed());
        ins.reset();
        // exec() of a RETURNING statement runs it once and drops the row.
        ins.bind(0, "four");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        QCOMPARE(count(db(backend)), 4);
        QCOMPARE(count(db(backend), QStringLiteral(" WHERE s = 'three'")), 1);

        // QSqlQuery: readReturnedId.
        QSqlQuery q(db(backend));
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO t(s) VALUES (?) RETURNING id")));
        q.addBindValue(QStringLiteral("five"));
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        std::int64_t fifth = 0;
        QVERIFY(readReturnedId(q, fifth));
        QCOMPARE(fifth, second + 3);
    }

    void reexecAfterReset_data() { backends(); }
    void reexecAfterReset()
    {
        QFETCH(QString, backend);
        SqlStatement ins, sel;
        QVERIFY(ins.prepare(db(backend), "INSERT INTO t(n) VALUES (?)"));
        for (int i = 1; i <= 3; ++i) {
            ins.bind(0, i);
            QVERIFY2(ins.exec(), qPrintable(ins.error()));
        }
        QVERIFY(sel.prepare(db(backend), "SELECT n FROM t WHERE n >= ? ORDER BY n"));
        sel.bind(0, 1);
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 1);
        sel.reset(); // mid-way: the next step runs the query again
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 1);
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 2);
        sel.reset();
        sel.bind(0, 2);
        std::vector<std::int64_t> seen;
        while (sel.next())
            seen.push_back(sel.int64(0));
        QVERIFY(!sel.failed());
        QCOMPARE(seen, (std::vector<std::int64_t> { 2, 3 }));
        // After the last row, the next call runs it again (as sqlite3_step does).
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 2);
        sel.reset();
    }

    void questionMarkInLiteral_data() { backends(); }
    void questionMarkInLiteral()
    {
        QFETCH(QString, backend);
        SqlStatement q;
        QVERIFY2(
            q.prepare(db(backend), "SELECT 'why?' || ? || '''?''' AS \"what?\" -- really?\n"), qPrintable(q.error()));
        q.bind(0, "!");
        QVERIFY2(q.next(), qPrintable(q.error()));
        QCOMPARE(std::string(q.text(0)), std::string("why?!'?'"));
        q.reset();
    }

    void errorNamesStatement_data() { backends(); }
    void errorNamesStatement()
    {
        QFETCH(QString, backend);
        const bool pg = backend == QLatin1String("pg");
        SqlStatement ins;
        QVERIFY(ins.prepare(db(backend), "INSERT INTO t(k) VALUES (?)"));
        ins.bind(0, "dup");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        QVERIFY(!ins.exec());
        QVERIFY(ins.failed());
        QVERIFY2(ins.error().contains(QLatin1String("INSERT INTO t(k) VALUES")), qPrintable(ins.error()));
        if (pg)
            QVERIFY2(
                ins.error().startsWith(QLatin1String("SQLSTATE 23505: duplicate key value")), qPrintable(ins.error()));
        else
            QVERIFY2(ins.error().contains(QLatin1String("UNIQUE constraint failed: t.k")), qPrintable(ins.error()));
        QCOMPARE(ins.errorKind(), SqlErrorKind::UniqueViolation);
        const store::SqlError e = store::SqlError::of(ins, QStringLiteral("insert t"));
        QVERIFY(e.isUniqueViolation());
        QVERIFY(!e.isRetryable());
        QVERIFY2(e.message().startsWith(QLatin1String("insert t: ")), qPrintable(e.message()));
        // The statement works again after a failure.
        ins.bind(0, "other");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        QCOMPARE(count(db(backend)), 2);

        // The same classification for QtSql's errors.
        QSqlQuery q(db(backend));
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO t(k) VALUES (?)")));
        q.addBindValue(QStringLiteral("dup"));
        QVERIFY(!q.exec());
        QCOMPARE(store::classify(q.lastError()), SqlErrorKind::UniqueViolation);
        QVERIFY(store::SqlError::of(q, QStringLiteral("insert t")).isUniqueViolation());

        // A statement that does not compile: prepare fails, naming it (and the SQLSTATE on PostgreSQL).
        SqlStatement bad;
        QVERIFY(!bad.prepare(db(backend), "SELECT nosuchcolumn FROM t"));
        QVERIFY2(bad.error().contains(QLatin1String("[SELECT nosuchcolumn FROM t]")), qPrintable(bad.error()));
        QVERIFY2(bad.error().contains(QLatin1String("nosuchcolumn")), qPrintable(bad.error()));
        if (pg)
            QVERIFY2(bad.error().startsWith(QLatin1String("SQLSTATE 42703: ")), qPrintable(bad.error()));
        QCOMPARE(bad.errorKind(), SqlErrorKind::Other);
        QVERIFY(!bad.isPrepared());
    }

    void transactionRollback_data() { backends(); }
    void transactionRollback()
    {
        QFETCH(QString, backend);
        QSqlDatabase d = db(backend);
        SqlStatement ins;
        QVERIFY(ins.prepare(d, "INSERT INTO t(k) VALUES (?) RETURNING id"));
        QVERIFY(d.transaction());
        {
            QSqlQuery q(d);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO t(k) VALUES ('by QSqlQuery')")));
        }
        ins.bind(0, "by SqlStatement");
        std::int64_t id = 0;
        QVERIFY2(ins.execReturningId(id), qPrintable(ins.error()));
        QCOMPARE(count(d), 2); // both visible inside the transaction
        QVERIFY(d.rollback());
        QCOMPARE(count(d), 0);

        QVERIFY(d.transaction());
        ins.bind(0, "kept");
        QVERIFY2(ins.execReturningId(id), qPrintable(ins.error()));
        {
            QSqlQuery q(d);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO t(k) VALUES ('also kept')")));
        }
        QVERIFY(d.commit());
        QCOMPARE(count(d), 2);

        // Savepoints as prepared statements (the ingest pipeline's per-event savepoint): the extended protocol
        // prepares utility statements too.
        SqlStatement savepoint, rollbackTo, release;
        QVERIFY2(savepoint.prepare(d, "SAVEPOINT stmt_event"), qPrintable(savepoint.error()));
        QVERIFY2(rollbackTo.prepare(d, "ROLLBACK TO stmt_event"), qPrintable(rollbackTo.error()));
        QVERIFY2(release.prepare(d, "RELEASE stmt_event"), qPrintable(release.error()));
        QVERIFY(d.transaction());
        QVERIFY2(savepoint.exec(), qPrintable(savepoint.error()));
        ins.bind(0, "undone");
        QVERIFY(ins.execReturningId(id));
        QVERIFY2(rollbackTo.exec(), qPrintable(rollbackTo.error()));
        QVERIFY(release.exec());
        QVERIFY(savepoint.exec());
        ins.bind(0, "released");
        QVERIFY(ins.execReturningId(id));
        QVERIFY(release.exec());
        QVERIFY(d.commit());
        QCOMPARE(count(d, QStringLiteral(" WHERE k = 'undone'")), 0);
        QCOMPARE(count(d, QStringLiteral(" WHERE k = 'released'")), 1);
    }

    // Deferred writes (execDeferred: libpq pipeline mode on PostgreSQL, exec() on SQLite): an event's writes and
    // its RELEASE in one round trip; a failure among them is reported by the next synchronous statement, once,
    // and a ROLLBACK TO after it still runs.
    void deferredWrites_data() { backends(); }
    void deferredWrites()
    {
        QFETCH(QString, backend);
        const bool pg = backend == QLatin1String("pg");
        QSqlDatabase d = db(backend);
        SqlStatement ins, savepoint, rollbackTo, release, countK;
        QVERIFY(ins.prepare(d, "INSERT INTO t(k, n) VALUES (?, ?)"));
        QVERIFY(savepoint.prepare(d, "SAVEPOINT stmt_event"));
        QVERIFY(rollbackTo.prepare(d, "ROLLBACK TO stmt_event"));
        QVERIFY(release.prepare(d, "RELEASE stmt_event"));
        QVERIFY(countK.prepare(d, "SELECT count(*) FROM t WHERE k LIKE ?"));
        QVERIFY(d.transaction());

        // A unit of work that succeeds: its deferred writes are visible to the next read in the same round trip.
        QVERIFY2(savepoint.execDeferred(), qPrintable(savepoint.error()));
        for (int i = 0; i < 5; ++i) {
            ins.bind(0, ("ok-" + std::to_string(i)).c_str());
            ins.bind(1, i);
            QVERIFY2(ins.execDeferred(), qPrintable(ins.error()));
        }
        countK.bind(0, "ok-%");
        QVERIFY2(countK.next(), qPrintable(countK.error()));
        QCOMPARE(countK.int64(0), 5);
        countK.reset();
        QVERIFY2(release.exec(), qPrintable(release.error()));

        // A unit of work with a duplicate key in the middle: execDeferred does not see it on PostgreSQL, the
        // RELEASE reports it (with the failed statement's text and kind), and after ROLLBACK TO the transaction
        // goes on.
        QVERIFY(savepoint.execDeferred());
        ins.bind(0, "fresh-1");
        ins.bind(1, 1);
        QVERIFY(ins.execDeferred());
        ins.bind(0, "ok-2"); // exists
        ins.bind(1, 2);
        QCOMPARE(ins.execDeferred(), pg); // SQLite fails at once
        if (!pg)
            QCOMPARE(ins.errorKind(), SqlErrorKind::UniqueViolation);
        ins.bind(0, "fresh-2"); // skipped by the server on PostgreSQL (after the failure)
        ins.bind(1, 3);
        ins.execDeferred();
        if (pg) {
            QVERIFY(!release.exec());
            QCOMPARE(release.errorKind(), SqlErrorKind::UniqueViolation);
            QVERIFY2(release.error().startsWith(QLatin1String("SQLSTATE 23505: ")), qPrintable(release.error()));
            QVERIFY2(
                release.error().contains(QLatin1String("[INSERT INTO t(k, n) VALUES")), qPrintable(release.error()));
        }
        QVERIFY2(rollbackTo.exec(), qPrintable(rollbackTo.error())); // reported once: the rollback succeeds
        QVERIFY2(release.exec(), qPrintable(release.error()));
        countK.bind(0, "fresh-%");
        QVERIFY(countK.next());
        QCOMPARE(countK.int64(0), 0); // fresh-1 rolled back, fresh-2 never ran (PostgreSQL) or rolled back
        countK.reset();

        // finishDeferred waits for them and reports a failure once; QtSql may then use the connection.
        ins.bind(0, "late");
        ins.bind(1, 9);
        QVERIFY(ins.execDeferred());
        QString error;
        SqlErrorKind kind = SqlErrorKind::None;
        QVERIFY2(SqlStatement::finishDeferred(d, &error, &kind), qPrintable(error));
        QCOMPARE(count(d, QStringLiteral(" WHERE k = 'late'")), 1);
        if (pg) {
            QVERIFY(savepoint.execDeferred());
            ins.bind(0, "late"); // exists
            QVERIFY(ins.execDeferred());
            QVERIFY(!SqlStatement::finishDeferred(d, &error, &kind));
            QCOMPARE(kind, SqlErrorKind::UniqueViolation);
            QVERIFY2(
                error.contains(QLatin1String("late")) || error.contains(QLatin1String("23505")), qPrintable(error));
            QVERIFY(SqlStatement::finishDeferred(d)); // once
            QVERIFY2(rollbackTo.exec(), qPrintable(rollbackTo.error()));
            QVERIFY(release.exec());
        }

        // More deferred statements than the pipeline holds before it syncs on its own: all arrive.
        for (int i = 0; i < 700; ++i) {
            ins.bind(0, ("bulk-" + std::to_string(i)).c_str());
            ins.bind(1, i);
            QVERIFY2(ins.execDeferred(), qPrintable(ins.error()));
        }
        QVERIFY(SqlStatement::finishDeferred(d)); // before QtSql's COMMIT (Workspace::exec does it)
        QVERIFY2(d.commit(), qPrintable(d.lastError().text()));
        QCOMPARE(count(d, QStringLiteral(" WHERE k LIKE 'bulk-%'")), 700);
        QCOMPARE(count(d), 5 + 1 + 700);
    }

    // prefetch(): a read sent ahead in the pipeline (PostgreSQL); next() with the same parameters walks its rows,
    // with other parameters runs the statement; dropPrefetch() discards it. On SQLite next() just runs.
    void prefetchedReads_data() { backends(); }
    void prefetchedReads()
    {
        QFETCH(QString, backend);
        const bool pg = backend == QLatin1String("pg");
        QSqlDatabase d = db(backend);
        SqlStatement ins, byK, deleteK;
        QVERIFY(ins.prepare(d, "INSERT INTO t(k, n) VALUES (?, ?)"));
        QVERIFY(byK.prepare(d, "SELECT n FROM t WHERE k = ?"));
        QVERIFY(deleteK.prepare(d, "DELETE FROM t WHERE k = ?"));
        ins.bind(0, "a");
        ins.bind(1, 1);
        QVERIFY(ins.exec());
        ins.bind(0, "b");
        ins.bind(1, 2);
        QVERIFY(ins.exec());

        // Same parameters: the prefetched row. The row is as of when it was sent: a deferred delete after it does
        // not change what next() returns on PostgreSQL (on SQLite next() runs now and finds nothing).
        byK.bind(0, "a");
        QVERIFY2(byK.prefetch(), qPrintable(byK.error()));
        deleteK.bind(0, "a");
        QVERIFY(deleteK.execDeferred());
        byK.bind(0, "a");
        QCOMPARE(byK.next(), pg);
        if (pg)
            QCOMPARE(byK.int64(0), 1);
        byK.reset();
        QVERIFY(SqlStatement::finishDeferred(d));
        QCOMPARE(count(d, QStringLiteral(" WHERE k = 'a'")), 0); // the delete ran

        // Other parameters: the statement runs with them.
        byK.bind(0, "a");
        QVERIFY(byK.prefetch());
        byK.bind(0, "b");
        QVERIFY2(byK.next(), qPrintable(byK.error()));
        QCOMPARE(byK.int64(0), 2);
        QVERIFY(!byK.next());
        byK.reset();

        // Dropped: the next next() runs the statement (and sees the current state).
        byK.bind(0, "b");
        QVERIFY(byK.prefetch());
        deleteK.bind(0, "b");
        QVERIFY(deleteK.exec());
        byK.dropPrefetch();
        QVERIFY(!byK.next());
        QVERIFY(!byK.failed());
        byK.reset();

        // A deferred failure before a prefetch: next() reports it (once) instead of rows.
        if (pg) {
            QVERIFY(d.transaction());
            ins.bind(0, "c");
            ins.bind(1, 3);
            QVERIFY(ins.execDeferred());
            QVERIFY(ins.execDeferred()); // duplicate key
            byK.bind(0, "c");
            QVERIFY(byK.prefetch());
            QVERIFY(!byK.next());
            QVERIFY(byK.failed());
            QCOMPARE(byK.errorKind(), SqlErrorKind::UniqueViolation);
            QVERIFY(SqlStatement::finishDeferred(d)); // reported once
            QVERIFY(d.rollback());
        }
        QCOMPARE(count(d), 0);
    }

    void portableSql_data() { backends(); }
    void portableSql()
    {
        QFETCH(QString, backend);
        QSqlDatabase d = db(backend);
        // INSERT ... ON CONFLICT DO NOTHING (was INSERT OR IGNORE) and an additive upsert.
        SqlStatement ignore, upsert, sel;
        QVERIFY2(
            ignore.prepare(d, "INSERT INTO c(k, n) VALUES (?, ?) ON CONFLICT DO NOTHING"), qPrintable(ignore.error()));
        QVERIFY2(
            upsert.prepare(d, "INSERT INTO c(k, n) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET n = c.n + excluded.n"),
            qPrintable(upsert.error()));
        ignore.bind(0, "a");
        ignore.bind(1, 1);
        QVERIFY2(ignore.exec(), qPrintable(ignore.error()));
        ignore.bind(1, 100);
        QVERIFY2(ignore.exec(), qPrintable(ignore.error()));
        upsert.bind(0, "a");
        upsert.bind(1, 5);
        QVERIFY2(upsert.exec(), qPrintable(upsert.error()));
        QVERIFY2(upsert.exec(), qPrintable(upsert.error()));
        QVERIFY(sel.prepare(d, "SELECT n FROM c WHERE k = ?"));
        sel.bind(0, "a");
        QVERIFY(sel.next());
        QCOMPARE(sel.int64(0), 11);
        sel.reset();

        // A JSON attribute as text (sqlJsonText), the path bound the same way on both.
        SqlStatement ins, json;
        QVERIFY(ins.prepare(d, "INSERT INTO t(k, j) VALUES (?, ?)"));
        ins.bind(0, "j");
        ins.bind(1, "{\"base_uom\":\"kg\",\"weight\":12.5,\"plants\":[\"P100\"],\"note\":\"it's \\\"x\\\"\"}");
        QVERIFY2(ins.exec(), qPrintable(ins.error()));
        const std::string expr = sqlJsonText(sqlBackend(d), "j", "?2");
        QVERIFY2(json.prepare(d, "SELECT " + expr + " FROM t WHERE k = ?1"), qPrintable(json.error()));
        json.bind(0, "j");
        const auto attribute = [&json](const char* path) -> std::optional<std::string> {
            json.bind(1, path);
            std::optional<std::string> out;
            if (json.next() && !json.isNull(0))
                out = std::string(json.text(0));
            json.reset();
            return out;
        };
        QCOMPARE(attribute("$.base_uom"), std::optional<std::string>("kg"));
        QCOMPARE(attribute("$.weight"), std::optional<std::string>("12.5"));
        QCOMPARE(attribute("$.note"), std::optional<std::string>("it's \"x\""));
        QCOMPARE(attribute("$.missing"), std::optional<std::string>());
        QVERIFY(!json.failed());

        // Case-insensitive substring with LIKE and an escaped pattern (store/readexceptions.cpp).
        SqlStatement like;
        QVERIFY2(like.prepare(d, "SELECT lower(?1) LIKE lower(?2) ESCAPE '\\'"), qPrintable(like.error()));
        const auto matches = [&like](const char* text, const char* pattern) {
            like.bind(0, text);
            like.bind(1, pattern);
            const bool row = like.next();
            const std::int64_t v = row ? like.int64(0) : -1;
            like.reset();
            return v;
        };
        QCOMPARE(matches("HTTP 503 Service", "%service%"), 1);
        QCOMPARE(matches("100% done", "%0\\% d%"), 1);
        QCOMPARE(matches("1000 done", "%0\\% d%"), 0);
        QCOMPARE(matches("a_b", "%a\\_b%"), 1);
        QCOMPARE(matches("axb", "%a\\_b%"), 0);
    }
};

QTEST_GUILESS_MAIN(TestPgStatement)
#include "tst_pgstatement.moc"
