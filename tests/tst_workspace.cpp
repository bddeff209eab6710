// Workspace: creating and opening the SQLite file, the single-writer lock, read-only readers beside the
// writer, the schema version and the errors a user sees for a wrong path or a file that is not a workspace.

#include "store/deliverystatus.h"
#include "store/idempotency.h"
#include "store/sqlerror.h"
#include "store/walcheckpointer.h"
#include "store/workspace.h"
#include "util/hash.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace mdsync;
using namespace mdsync::test;

class TestWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createMakesSchemaAndTables()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("new.mdsync"));
        MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
        QCOMPARE(ws.value()->mode(), Workspace::Mode::ReadWrite);
        QCOMPARE(ws.value()->schemaVersion(), Workspace::kSchemaVersion);
        QCOMPARE(ws.value()->path(), QFileInfo(path).absoluteFilePath());
        QVERIFY(QFileInfo(path).size() > 0);
        const QStringList tables = column(
            ws.value()->db(), QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"));
        for (const char* t :
            { "audit_log", "config_version", "delivery", "delivery_counter", "exception", "inbound_event",
                "lineage_event", "meta", "object", "object_target", "revision", "subscription", "system" })
            QVERIFY2(tables.contains(QString::fromLatin1(t)), t);
        QCOMPARE(scalar(ws.value()->db(), QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        // The file type's magic for desktop MIME detection (bytes 68..71 of the header once checkpointed).
        QCOMPARE(scalar(ws.value()->db(), QStringLiteral("PRAGMA application_id")).toInt(), Workspace::kApplicationId);
        // The lock file names the writer while it is open and is gone when it closes.
        QVERIFY(QFileInfo::exists(path + QStringLiteral(".lock")));
        ws.value().reset();
        QVERIFY(!QFileInfo::exists(path + QStringLiteral(".lock")));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.read(72).mid(68), QByteArrayLiteral("MDSY"));
    }

    void createAcceptsAnEmptyFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("empty.mdsync"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
        QCOMPARE(ws.value()->schemaVersion(), Workspace::kSchemaVersion);
    }

    void createRefusesExistingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("taken.mdsync"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("precious data\n");
        f.close();
        auto ws = Workspace::create(path);
        QVERIFY(!ws);
        QVERIFY2(ws.error().contains(path), qPrintable(ws.error()));
        QVERIFY2(ws.error().contains(QStringLiteral("already exists")), qPrintable(ws.error()));
        // The file was not touched.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("precious data\n"));
    }

    void createRefusesExistingWorkspace()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        {
            MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
        }
        auto again = Workspace::create(path);
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("already exists")), qPrintable(again.error()));
    }

    void createInMissingFolder()
    {
        QTemporaryDir dir;
        const QString folder = dir.filePath(QStringLiteral("no/such/folder"));
        auto ws = Workspace::create(folder + QStringLiteral("/x.mdsync"));
        QVERIFY(!ws);
        QVERIFY2(ws.error().contains(QStringLiteral("does not exist")), qPrintable(ws.error()));
        QVERIFY2(ws.error().contains(folder), qPrintable(ws.error()));
    }

    void openMissingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("missing.mdsync"));
        for (auto mode : { Workspace::Mode::ReadWrite, Workspace::Mode::ReadOnly }) {
            auto ws = Workspace::open(path, mode);
            QVERIFY(!ws);
            QVERIFY2(ws.error().contains(path), qPrintable(ws.error()));
            QVERIFY2(ws.error().contains(QStringLiteral("no workspace there")), qPrintable(ws.error()));
            QVERIFY(!QFileInfo::exists(path)); // opening never creates the file
        }
    }

    void reopenKeepsData()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        {
            MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
            QVERIFY(ws.value()->setMeta(QStringLiteral("owner"), QStringLiteral("steward-1")));
            QVERIFY(ws.value()->setMeta(QStringLiteral("owner"), QStringLiteral("steward-2"))); // upsert
        }
        MDSYNC_REQUIRE_OK(ws, Workspace::open(path, Workspace::Mode::ReadWrite));
        QCOMPARE(ws.value()->meta(QStringLiteral("owner")), QStringLiteral("steward-2"));
        QCOMPARE(ws.value()->meta(QStringLiteral("nope"), QStringLiteral("fallback")), QStringLiteral("fallback"));
        QCOMPARE(ws.value()->schemaVersion(), Workspace::kSchemaVersion);
    }

    void secondWriterIsRefusedNamingTheHolder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        MDSYNC_REQUIRE_OK(writer, Workspace::create(path));
        auto second = Workspace::open(path, Workspace::Mode::ReadWrite);
        QVERIFY(!second);
        const QString msg = second.error();
        QVERIFY2(msg.contains(path), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("open for writing")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())), qPrintable(msg));
        QVERIFY2(msg.contains(QCoreApplication::applicationName()), qPrintable(msg));
        // A second create is refused too (the file exists), and the first writer still works.
        QVERIFY(!Workspace::create(path));
        QVERIFY(writer.value()->setMeta(QStringLiteral("k"), QStringLiteral("v")));

        // Once the writer is gone, a new writer gets in.
        writer.value().reset();
        MDSYNC_REQUIRE_OK(next, Workspace::open(path, Workspace::Mode::ReadWrite));
        QCOMPARE(next.value()->meta(QStringLiteral("k")), QStringLiteral("v"));
    }

    void readerBesideWriter()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        MDSYNC_REQUIRE_OK(writer, Workspace::create(path));
        QVERIFY(writer.value()->setMeta(QStringLiteral("before"), QStringLiteral("1")));

        MDSYNC_REQUIRE_OK(reader, Workspace::open(path, Workspace::Mode::ReadOnly));
        MDSYNC_REQUIRE_OK(reader2, Workspace::open(path, Workspace::Mode::ReadOnly));
        QCOMPARE(reader.value()->mode(), Workspace::Mode::ReadOnly);
        QCOMPARE(reader.value()->schemaVersion(), Workspace::kSchemaVersion);
        QCOMPARE(reader.value()->meta(QStringLiteral("before")), QStringLiteral("1"));

        // The reader sees committed writes of the writer, not uncommitted ones.
        QVERIFY(writer.value()->begin());
        QVERIFY(writer.value()->setMeta(QStringLiteral("pending"), QStringLiteral("x")));
        QCOMPARE(reader2.value()->meta(QStringLiteral("pending"), QStringLiteral("absent")), QStringLiteral("absent"));
        QVERIFY(writer.value()->commit());
        QCOMPARE(reader2.value()->meta(QStringLiteral("pending")), QStringLiteral("x"));

        // A reader cannot write.
        auto w = reader.value()->setMeta(QStringLiteral("evil"), QStringLiteral("1"));
        QVERIFY(!w);
        QVERIFY2(w.error().contains(QStringLiteral("meta evil")), qPrintable(w.error()));
        QCOMPARE(writer.value()->meta(QStringLiteral("evil"), QStringLiteral("absent")), QStringLiteral("absent"));
    }

    // SQLite's WAL checkpoints run on a thread of their own (store/walcheckpointer.h): no commit of the writer
    // copies the WAL into the database file until the WAL reaches kInlineLimit, and then the WAL restarts, so it
    // stays bounded under commits without pause.
    void walCheckpointsRunOnAThreadOfTheirOwn()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
        const WalCheckpointer* checkpointer = ws.value()->walCheckpointer();
        QVERIFY(checkpointer);
        // SQLite's own hook, which checkpoints inside the COMMIT, is replaced: the pragma reads 0 then.
        {
            QSqlQuery q(ws.value()->db());
            QVERIFY(q.exec(QStringLiteral("PRAGMA wal_autocheckpoint")) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QVERIFY(ws.value()->exec(QStringLiteral("CREATE TABLE filler (b BLOB)")));
        // One commit of about `pages` pages of 4 KB: rows of 4,000 random bytes, a leaf page each.
        const auto commitPages = [&](int pages) {
            Workspace::Transaction tx(*ws.value());
            return tx
                && ws.value()->exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                                   "WHERE i < %1) INSERT INTO filler SELECT randomblob(4000) "
                                                   "FROM n")
                                        .arg(pages))
                && tx.commit();
        };
        const auto walBytes = [&] { return QFileInfo(path + QStringLiteral("-wal")).size(); };

        // 1,200 pages: past the thread's wake-up, below the writer's own limit.
        for (int i = 0; i < 12; ++i)
            QVERIFY(commitPages(100));
        QTRY_VERIFY_WITH_TIMEOUT(checkpointer->stats().threadCheckpoints >= 1, 10000);
        const WalCheckpointer::Stats first = checkpointer->stats();
        QVERIFY2(first.lastCopied > 0, qPrintable(QStringLiteral("%1 pages copied").arg(first.lastCopied)));
        QCOMPARE(first.inlineCheckpoints, 0u);
        QCOMPARE(first.failures, 0u);

        // 6,000 more pages without pause. The WAL file keeps its largest size, so its size afterwards tells how far
        // it grew: without a restart it would hold all 7,200 pages.
        for (int i = 0; i < 60; ++i)
            QVERIFY(commitPages(100));
        const qint64 pageInWal = 4096 + 24; // a frame: the page and its header
        QVERIFY2(walBytes() <= (WalCheckpointer::kInlineLimit + 1000) * pageInWal,
            qPrintable(QStringLiteral("the WAL grew to %1 bytes").arg(walBytes())));

        // Every row is there, read through a new connection.
        MDSYNC_REQUIRE_OK(reader, Workspace::open(path, Workspace::Mode::ReadOnly));
        QSqlQuery q(reader.value()->db());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM filler")) && q.next());
        QCOMPARE(q.value(0).toInt(), 7200);
    }

    void rollbackDiscards()
    {
        QTemporaryDir dir;
        MDSYNC_REQUIRE_OK(ws, Workspace::create(dir.filePath(QStringLiteral("ws.mdsync"))));
        QVERIFY(ws.value()->begin());
        QVERIFY(ws.value()->setMeta(QStringLiteral("temp"), QStringLiteral("1")));
        ws.value()->rollback();
        QCOMPARE(ws.value()->meta(QStringLiteral("temp"), QStringLiteral("absent")), QStringLiteral("absent"));
        // A failing statement reports what failed.
        auto r = ws.value()->exec(QStringLiteral("INSERT INTO no_such_table VALUES (1)"));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("no_such_table")), qPrintable(r.error()));
    }

    // Workspace::Transaction: whatever was not committed is rolled back when it goes out of scope, on every path.
    void transactionRollsBackUnlessCommitted()
    {
        QTemporaryDir dir;
        MDSYNC_REQUIRE_OK(ws, Workspace::create(dir.filePath(QStringLiteral("ws.mdsync"))));
        Workspace& w = *ws.value();
        auto meta = [&w](const char* key) { return w.meta(QLatin1String(key), QStringLiteral("absent")); };
        {
            Workspace::Transaction tx(w);
            QVERIFY(tx);
            QVERIFY(w.inTransaction());
            QVERIFY(w.setMeta(QStringLiteral("dropped"), QStringLiteral("1")));
        } // no commit: rolled back
        QVERIFY(!w.inTransaction());
        QCOMPARE(meta("dropped"), QStringLiteral("absent"));
        {
            Workspace::Transaction tx(w);
            QVERIFY(w.setMeta(QStringLiteral("kept"), QStringLiteral("1")));
            QVERIFY(tx.commit());
            QVERIFY(!tx.isActive());
        }
        QCOMPARE(meta("kept"), QStringLiteral("1"));
        // An exception thrown through the unit of work rolls it back too.
        try {
            Workspace::Transaction tx(w);
            QVERIFY(w.setMeta(QStringLiteral("thrown"), QStringLiteral("1")));
            throw store::SqlError(QStringLiteral("test"), QStringLiteral("driver text"));
        } catch (const store::SqlError& e) {
            QCOMPARE(e.message(), QStringLiteral("test: driver text"));
        }
        QCOMPARE(meta("thrown"), QStringLiteral("absent"));
        // Nested: the inner one is a savepoint; rolling it back keeps the outer one's writes.
        {
            Workspace::Transaction outer(w);
            QVERIFY(w.setMeta(QStringLiteral("outer"), QStringLiteral("1")));
            {
                Workspace::Transaction inner(w);
                QVERIFY(inner);
                QVERIFY(w.setMeta(QStringLiteral("inner"), QStringLiteral("1")));
            }
            QVERIFY(w.inTransaction());
            QCOMPARE(meta("inner"), QStringLiteral("absent"));
            QVERIFY(outer.commit());
        }
        QCOMPARE(meta("outer"), QStringLiteral("1"));
        QVERIFY(!w.inTransaction());
    }

    // A transaction ends once: a second commit() is an error, and a rollback() after commit() undoes nothing.
    void transactionEndsOnce()
    {
        QTemporaryDir dir;
        MDSYNC_REQUIRE_OK(ws, Workspace::create(dir.filePath(QStringLiteral("ws.mdsync"))));
        Workspace& w = *ws.value();
        Workspace::Transaction tx(w);
        QVERIFY(w.setMeta(QStringLiteral("once"), QStringLiteral("1")));
        QVERIFY(tx.commit());
        auto again = tx.commit();
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("already ended")), qPrintable(again.error()));
        tx.rollback();
        QCOMPARE(w.meta(QStringLiteral("once")), QStringLiteral("1"));
        QVERIFY(!w.inTransaction());
    }

    void deliveryStatusStrings()
    {
        // The strings stored in the workspace (docs/DISPATCHER.md "Delivery states").
        const std::pair<DeliveryStatus, const char*> stored[] = { { DeliveryStatus::Pending, "pending" },
            { DeliveryStatus::Held, "held" }, { DeliveryStatus::InFlight, "in_flight" },
            { DeliveryStatus::RetryWait, "retry_wait" }, { DeliveryStatus::Acked, "acked" },
            { DeliveryStatus::Failed, "failed" }, { DeliveryStatus::Superseded, "superseded" },
            { DeliveryStatus::Discarded, "discarded" }, { DeliveryStatus::BlockedByOutage, "blocked_by_outage" } };
        QCOMPARE(std::size(stored), std::size(kDeliveryStatuses));
        for (const auto& [status, text] : stored) {
            QVERIFY2(toString(status) == std::string_view(text), text);
            QVERIFY2(parseDeliveryStatus(text) == status, text);
        }
        QVERIFY(!parseDeliveryStatus("retrying"));
        QVERIFY(!parseDeliveryStatus(""));
    }

    // The documented formula (docs/DISPATCHER.md): the first 32 hex digits of SHA-256 over instance id, domain, key,
    // revision number, target and contract version joined by U+001F. Tests elsewhere call idempotencyKey().
    void idempotencyKeyFormula()
    {
        // U+001F as separate literals: "\x1f" "FG" is not "\x1fFG" (a hex escape would swallow the F).
        const std::string text = "0123456789abcdef0123456789abcdef"
                                 "\x1f"
                                 "item"
                                 "\x1f"
                                 "FG-1000"
                                 "\x1f"
                                 "3"
                                 "\x1f"
                                 "ERP"
                                 "\x1f"
                                 "2";
        const std::string key = idempotencyKey("0123456789abcdef0123456789abcdef", "item", "FG-1000", 3, "ERP", "2");
        QCOMPARE(key.size(), size_t(32));
        QCOMPARE(QString::fromStdString(key), QString::fromStdString(sha256Hex(text).substr(0, 32)));
        QVERIFY(key != idempotencyKey("0123456789abcdef0123456789abcdef", "item", "FG-1000", 4, "ERP", "2"));
    }

    void notAWorkspaceFile_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text file") << QByteArray("this is a CSV export, not a database\n1;2;3\n")
                                   << QStringLiteral("not a workspace file");
        QTest::newRow("random bytes") << QByteArray(8192, '\x5a') << QStringLiteral("not a workspace file");
    }

    void notAWorkspaceFile()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        for (auto mode : { Workspace::Mode::ReadOnly, Workspace::Mode::ReadWrite }) {
            auto ws = Workspace::open(path, mode);
            QVERIFY(!ws);
            QVERIFY2(ws.error().contains(expected), qPrintable(ws.error()));
            QVERIFY2(ws.error().contains(path), qPrintable(ws.error()));
        }
        // Nothing was written into the user's file.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
    }

    void sqliteFileWithoutSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("other.sqlite"));
        {
            RawConnection raw(path);
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")).isEmpty());
        }
        for (auto mode : { Workspace::Mode::ReadOnly, Workspace::Mode::ReadWrite }) {
            auto ws = Workspace::open(path, mode);
            QVERIFY(!ws);
            QVERIFY2(ws.error().contains(QStringLiteral("not an MDSync workspace")), qPrintable(ws.error()));
        }
        // The read-write attempt did not migrate (create tables in) someone else's database.
        RawConnection raw(path);
        QCOMPARE(count(raw.db(), QStringLiteral("sqlite_master"), QStringLiteral("name = 'object'")), 0);
        QCOMPARE(scalar(raw.db(), QStringLiteral("PRAGMA user_version")).toInt(), 0);
        QCOMPARE(scalar(raw.db(), QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("delete"));
    }

    void newerSchemaIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws.mdsync"));
        {
            MDSYNC_REQUIRE_OK(ws, Workspace::create(path));
        }
        {
            RawConnection raw(path);
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 99")).isEmpty());
        }
        auto rw = Workspace::open(path, Workspace::Mode::ReadWrite);
        QVERIFY(!rw);
        QVERIFY2(rw.error().contains(QStringLiteral("newer than this program")), qPrintable(rw.error()));
        auto ro = Workspace::open(path, Workspace::Mode::ReadOnly);
        QVERIFY(!ro);
        QVERIFY2(ro.error().contains(QStringLiteral("schema version 99")), qPrintable(ro.error()));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
