// Ingest from several places at once into one shared workspace (issue 15, item 3): three `mdsyncctl ingest`
// processes on one PostgreSQL database, changing the same 30 objects, one of them sending the same events as
// another (a source that retries). Per-object order and idempotency must hold: every event is stored once, each
// object's revisions are numbered 1..n without gap or repeat and follow each sender's order, the object row points
// at its last revision, nothing becomes an "internal" exception, and the delivery counters match the deliveries.
// (Before ids came from the sequences and objects were locked, the second process's every event failed on a
// duplicate id.)

#include "pgtestenv.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QProcess>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

constexpr int kObjects = 30;
constexpr int kEventsPerSender = 450;

// JSON Lines of one sender: event i changes object i % kObjects to a description naming the sender and i.
QByteArray senderEvents(const QString& sender)
{
    QByteArray lines;
    for (int i = 0; i < kEventsPerSender; ++i) {
        const json e { { "event_id", QStringLiteral("%1-%2").arg(sender).arg(i).toStdString() }, { "source", "PLM" },
            { "domain", "item" },
            { "key", QStringLiteral("CC-%1").arg(i % kObjects, 3, 10, QLatin1Char('0')).toStdString() },
            { "op", "upsert" }, { "occurred_at", "2026-12-04T10:00:00Z" },
            { "attributes",
                { { "description", QStringLiteral("Spacer %1 from %2").arg(i).arg(sender).toStdString() },
                    { "item_type", "ROH" }, { "material_group", "RAW-STEEL" }, { "base_uom", "kg" },
                    { "net_weight", { { "value", 1 }, { "unit", "kg" } } }, { "plants", { "P100" } },
                    { "lifecycle_status", "released" } } } };
        lines += QByteArray::fromStdString(e.dump()) + '\n';
    }
    return lines;
}

qint64 rowCount(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery q(db);
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

} // namespace

class TestPgConcurrentIngest : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgconc") };
    QTemporaryDir m_dir;

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
        QSqlDatabase::database(QStringLiteral("pgconc-check"), false).close();
        QSqlDatabase::removeDatabase(QStringLiteral("pgconc-check"));
        const QString dropError = m_pg.dropAll();
        QVERIFY2(dropError.isEmpty(), qPrintable(dropError));
    }

    void threeWritersKeepOrderAndIdempotency()
    {
        const QString database = m_pg.create();
        const QString uri = QStringLiteral("postgresql:///") + database;
        const CtlResult init = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("init") });
        QVERIFY2(init.exitCode == 0, init.err.constData());

        // Senders a and b with their own events; a2 sends a's events again (a source retrying a batch).
        const std::map<QString, QString> files = { { QStringLiteral("a"), QStringLiteral("a") },
            { QStringLiteral("b"), QStringLiteral("b") }, { QStringLiteral("a2"), QStringLiteral("a") } };
        std::vector<std::unique_ptr<QProcess>> processes;
        for (const auto& [name, sender] : files) {
            const QString path = m_dir.filePath(sender + QStringLiteral(".jsonl"));
            if (!QFile::exists(path)) {
                QFile f(path);
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write(senderEvents(sender));
            }
            auto p = std::make_unique<QProcess>();
            p->setProgram(QString::fromLocal8Bit(qgetenv("MDSYNCCTL")));
            p->setArguments({ QStringLiteral("--workspace"), uri, QStringLiteral("ingest"),
                QStringLiteral("--source-name"), name, path });
            processes.push_back(std::move(p));
        }
        for (auto& p : processes)
            p->start();
        json total = { { "revisions", 0 }, { "duplicates", 0 }, { "retries", 0 } };
        for (auto& p : processes) {
            QVERIFY2(p->waitForFinished(120000), "an ingest process did not finish within 120 s");
            const QByteArray out = p->readAllStandardOutput();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && (p->exitCode() == 0 || p->exitCode() == 2),
                qPrintable(QString::fromUtf8(out + p->readAllStandardError())));
            const json summary = json::parse(out.trimmed().toStdString(), nullptr, false);
            QVERIFY2(summary.is_object(), out.constData());
            QCOMPARE(summary.value("rejected", -1), 0);
            for (const char* k : { "revisions", "duplicates", "retries" })
                total[k] = total[k].get<int>() + summary.value(k, 0);
        }
        qInfo("3 writers: %d revisions, %d duplicates, %d events run again after a conflict",
            total["revisions"].get<int>(), total["duplicates"].get<int>(), total["retries"].get<int>());
        // Every distinct event made exactly one revision; a2's copies are duplicates (whichever of a/a2 came first).
        QCOMPARE(total["revisions"].get<int>(), 2 * kEventsPerSender);
        QCOMPARE(total["duplicates"].get<int>(), kEventsPerSender);

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pgconc-check"));
        db.setDatabaseName(database);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QCOMPARE(rowCount(db, QStringLiteral("SELECT count(*) FROM inbound_event")), qint64(2 * kEventsPerSender));
        QCOMPARE(rowCount(db, QStringLiteral("SELECT count(*) FROM revision")), qint64(2 * kEventsPerSender));
        QCOMPARE(rowCount(db, QStringLiteral("SELECT count(*) FROM exception WHERE category = 'internal'")), qint64(0));
        // Revisions 1..n per object, none twice, none missing; the object row at its last revision.
        QCOMPARE(
            rowCount(db,
                QStringLiteral("SELECT count(*) FROM (SELECT object_id FROM revision GROUP BY object_id"
                               " HAVING count(*) <> max(revision_no) OR count(DISTINCT revision_no) <> count(*)) x")),
            qint64(0));
        QCOMPARE(rowCount(db,
                     QStringLiteral(
                         "SELECT count(*) FROM object o JOIN revision r ON r.id = o.current_revision_id"
                         " WHERE o.key LIKE 'CC-%' AND (r.object_id <> o.id OR r.revision_no <> o.revision_no"
                         " OR o.revision_no <> (SELECT max(revision_no) FROM revision x WHERE x.object_id = o.id))")),
            qint64(0));
        QCOMPARE(rowCount(db, QStringLiteral("SELECT count(*) FROM object WHERE key LIKE 'CC-%'")), qint64(kObjects));
        // Each sender's events of one object in the sender's order: event numbers rise with the revision number.
        QSqlQuery q(db);
        QVERIFY(q.exec(
            QStringLiteral("SELECT object_id, split_part(event_id, '-', 1),"
                           " CAST(split_part(event_id, '-', 2) AS int) FROM revision"
                           " WHERE event_id LIKE 'a-%' OR event_id LIKE 'b-%' ORDER BY object_id, revision_no")));
        std::map<std::pair<qint64, QString>, int> last;
        int checked = 0;
        while (q.next()) {
            const auto key = std::make_pair(q.value(0).toLongLong(), q.value(1).toString());
            const int n = q.value(2).toInt();
            auto it = last.find(key);
            QVERIFY2(it == last.end() || it->second < n,
                qPrintable(QStringLiteral("object %1: %2-%3 stored after %2-%4")
                               .arg(key.first)
                               .arg(key.second)
                               .arg(n)
                               .arg(it == last.end() ? -1 : it->second)));
            last[key] = n;
            ++checked;
        }
        QCOMPARE(checked, 2 * kEventsPerSender);
        // The counters the dashboard reads agree with the rows.
        QVERIFY(q.exec(QStringLiteral("SELECT status, count(*) FROM delivery GROUP BY status ORDER BY status")));
        QStringList rows;
        while (q.next())
            rows << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
        QVERIFY(q.exec(QStringLiteral(
            "SELECT status, sum(n) FROM delivery_counter GROUP BY status HAVING sum(n) <> 0 ORDER BY status")));
        QStringList counters;
        while (q.next())
            counters << q.value(0).toString() + QLatin1Char('=') + q.value(1).toString();
        QCOMPARE(counters, rows);
        q.finish();
        const CtlResult verify = runCtl({ QStringLiteral("--workspace"), uri, QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode == 0, verify.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestPgConcurrentIngest)
#include "tst_pgconcurrentingest.moc"
