#include "connectors/filedropconnector.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace mdsync;
using json = nlohmann::json;

// The file drop connector against a real temporary directory.
class TestFileDropConnector : public QObject
{
    Q_OBJECT

    static OutboundDelivery delivery(const std::string& key = "FG-1000/P100", const std::string& idem = "idem-3")
    {
        OutboundDelivery d;
        d.deliveryId = 7;
        d.domain = "item";
        d.key = key;
        d.revisionNo = 3;
        d.idempotencyKey = idem;
        d.correlationId = "corr-9";
        d.contractVersion = "2";
        d.payload = { { "itemNumber", "FG-1000" }, { "description", "Bolt, \"M8\"\nzinc" },
            { "dims", { { "l", 10 }, { "w", 2.5 } } }, { "tags", json::array({ "a", "b" }) }, { "weight", 1.5 },
            { "active", true }, { "note", nullptr } };
        return d;
    }

    static json config(const QString& dir, const char* format = "json")
    {
        return { { "kind", "file_drop" }, { "directory", dir.toStdString() }, { "format", format } };
    }

    // Sends and checks that the callback comes later from the event loop, exactly once.
    static DeliveryOutcome sendAndWait(Connector& c, const OutboundDelivery& d)
    {
        DeliveryOutcome result;
        int calls = 0;
        c.send(d, [&](const DeliveryOutcome& o) {
            result = o;
            ++calls;
        });
        if (calls != 0) {
            result.kind = DeliveryOutcome::Kind::Rejected;
            result.message = "test: callback was called inside send()";
            return result;
        }
        if (!QTest::qWaitFor([&] { return calls > 0; }, 10000))
            result.message = "test: no answer within 10 s";
        QTest::qWait(10);
        if (calls > 1)
            result.message = "test: callback called more than once";
        return result;
    }

    static QByteArray read(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<cannot open ") + QFile::encodeName(path) + '>';
    }

    static QStringList files(const QString& dir) { return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name); }

private slots:
    void jsonContentIsExact()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto c = FileDropConnector::create("MES-P100", config(dir.path()));
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        const DeliveryOutcome o = sendAndWait(*c.value(), delivery());
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Acked, o.message.c_str());
        QVERIFY(o.latencyMs >= 0);
        const QString name = QStringLiteral("item-FG-1000%2FP100-3-idem-3.json");
        QCOMPARE(files(dir.path()), QStringList { name }); // no .tmp left behind
        QCOMPARE(o.response.value("file", std::string()), QString(dir.path() + u'/' + name).toStdString());
        QCOMPARE(read(dir.filePath(name)),
            QByteArray("{\"op\":\"upsert\",\"domain\":\"item\",\"key\":\"FG-1000/P100\",\"revision_no\":3,"
                       "\"idempotency_key\":\"idem-3\",\"correlation_id\":\"corr-9\",\"contract_version\":\"2\","
                       "\"payload\":{\"active\":true,\"description\":\"Bolt, \\\"M8\\\"\\nzinc\","
                       "\"dims\":{\"l\":10,\"w\":2.5},\"itemNumber\":\"FG-1000\",\"note\":null,"
                       "\"tags\":[\"a\",\"b\"],\"weight\":1.5}}\n"));
    }

    void csvContentIsExact()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto c = FileDropConnector::create("MES-P100", config(dir.path(), "csv"));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), delivery());
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Acked, o.message.c_str());
        const QString name = QStringLiteral("item-FG-1000%2FP100-3-idem-3.csv");
        QCOMPARE(files(dir.path()), QStringList { name });
        QCOMPARE(read(dir.filePath(name)),
            QByteArray("op,domain,key,revision_no,idempotency_key,correlation_id,contract_version,"
                       "active,description,dims,itemNumber,note,tags,weight\r\n"
                       "upsert,item,FG-1000/P100,3,idem-3,corr-9,2,"
                       "true,\"Bolt, \"\"M8\"\"\nzinc\",\"{\"\"l\"\":10,\"\"w\"\":2.5}\",FG-1000,,"
                       "\"[\"\"a\"\",\"\"b\"\"]\",1.5\r\n"));

        // A retire carries no payload: the envelope columns only.
        OutboundDelivery retire = delivery("FG-1", "idem-4");
        retire.op = "delete";
        retire.payload = nullptr;
        const DeliveryOutcome r = sendAndWait(*c.value(), retire);
        QVERIFY2(r.kind == DeliveryOutcome::Kind::Acked, r.message.c_str());
        QCOMPARE(read(dir.filePath(QStringLiteral("item-FG-1-3-idem-4.csv"))),
            QByteArray("op,domain,key,revision_no,idempotency_key,correlation_id,contract_version\r\n"
                       "delete,item,FG-1,3,idem-4,corr-9,2\r\n"));
    }

    void csvCannotTakeANonObjectPayload()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto c = FileDropConnector::create("MES-P100", config(dir.path(), "csv"));
        QVERIFY(c.ok());
        OutboundDelivery d = delivery();
        d.payload = json::array({ 1, 2 });
        const DeliveryOutcome o = sendAndWait(*c.value(), d);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Rejected);
        QVERIFY2(o.message.find("delivery 7 (item/FG-1000/P100): payload is a JSON array, not an object")
                != std::string::npos,
            o.message.c_str());
        d.payload = { { "key", "clash" } };
        const DeliveryOutcome clash = sendAndWait(*c.value(), d);
        QCOMPARE(clash.kind, DeliveryOutcome::Kind::Rejected);
        QVERIFY2(clash.message.find("payload field 'key'") != std::string::npos, clash.message.c_str());
        QCOMPARE(files(dir.path()), QStringList());
    }

    void retryOverwritesTheSameFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto c = FileDropConnector::create("MES-P100", config(dir.path()));
        QVERIFY(c.ok());
        OutboundDelivery d = delivery();
        QCOMPARE(sendAndWait(*c.value(), d).kind, DeliveryOutcome::Kind::Acked);
        const QByteArray first = read(dir.filePath(QStringLiteral("item-FG-1000%2FP100-3-idem-3.json")));
        d.attempt = 2; // the dispatcher retries after a lost outcome
        QCOMPARE(sendAndWait(*c.value(), d).kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(files(dir.path()), QStringList { QStringLiteral("item-FG-1000%2FP100-3-idem-3.json") });
        QCOMPARE(read(dir.filePath(QStringLiteral("item-FG-1000%2FP100-3-idem-3.json"))), first);
        // The next revision is another delivery: another file.
        d.revisionNo = 4;
        d.idempotencyKey = "idem-4";
        QCOMPARE(sendAndWait(*c.value(), d).kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(files(dir.path()).size(), 2);
    }

    void missingDirectoryIsRetryable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(QStringLiteral("not-there"));
        auto c = FileDropConnector::create("MES-P100", config(missing));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), delivery());
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.message.find(missing.toStdString() + "/item-FG-1000%2FP100-3-idem-3.json.tmp") != std::string::npos,
            o.message.c_str());
        QVERIFY2(o.message.find("No such file or directory") != std::string::npos, o.message.c_str());

        // Once the operator creates it, the retry goes through.
        QVERIFY(QDir().mkpath(missing));
        QCOMPARE(sendAndWait(*c.value(), delivery()).kind, DeliveryOutcome::Kind::Acked);
    }

    void unwritableDirectoryIsRetryable()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A file where the directory should be: fails for root too.
        const QString notADir = dir.filePath(QStringLiteral("plain-file"));
        QFile f(notADir);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto c = FileDropConnector::create("MES-P100", config(notADir));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), delivery());
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.message.find("Not a directory") != std::string::npos, o.message.c_str());

        if (::geteuid() == 0)
            return; // root writes into read-only directories
        const QString readOnly = dir.filePath(QStringLiteral("ro"));
        QVERIFY(QDir().mkpath(readOnly));
        QVERIFY(QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        auto ro = FileDropConnector::create("MES-P100", config(readOnly));
        QVERIFY(ro.ok());
        const DeliveryOutcome denied = sendAndWait(*ro.value(), delivery());
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QCOMPARE(denied.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(denied.message.find("Permission denied") != std::string::npos, denied.message.c_str());
    }

    void batchWritesOneFilePerDelivery()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto c = FileDropConnector::create("MES-P100", config(dir.path(), "csv"));
        QVERIFY(c.ok());
        QVERIFY(c.value()->supportsBatch("item"));
        OutboundDelivery bad = delivery("B-2", "kb-2");
        bad.payload = "not an object";
        std::vector<DeliveryOutcome> outcomes;
        int calls = 0;
        c.value()->sendBatch(
            { delivery("B-1", "kb-1"), bad, delivery("B-3", "kb-3") }, [&](std::vector<DeliveryOutcome> o) {
                outcomes = std::move(o);
                ++calls;
            });
        QCOMPARE(calls, 0); // never inside sendBatch()
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, 10000);
        QCOMPARE(outcomes.size(), size_t(3));
        QCOMPARE(outcomes[0].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(outcomes[1].kind, DeliveryOutcome::Kind::Rejected);
        QCOMPARE(outcomes[2].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(files(dir.path()),
            QStringList({ QStringLiteral("item-B-1-3-kb-1.csv"), QStringLiteral("item-B-3-3-kb-3.csv") }));
    }

    void customFileName()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        json cfg = config(dir.path());
        cfg["file_name"] = "{op}_{domain}_{idempotency_key}.{ext}";
        auto c = FileDropConnector::create("MES-P100", cfg);
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        QCOMPARE(c.value()->fileNameFor(delivery("K", "a b/c")), QStringLiteral("upsert_item_a%20b%2Fc.json"));
    }

    void configurationErrors_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("error");
        QTest::newRow("no directory") << QByteArray("{\"kind\":\"file_drop\"}")
                                      << QStringLiteral("MES: connector.directory must be an absolute directory path");
        QTest::newRow("relative directory")
            << QByteArray("{\"kind\":\"file_drop\",\"directory\":\"spool/mes\"}")
            << QStringLiteral("MES: connector.directory must be an absolute directory path");
        QTest::newRow("format") << QByteArray("{\"kind\":\"file_drop\",\"directory\":\"/tmp\",\"format\":\"xml\"}")
                                << QStringLiteral("MES: connector.format must be \"json\" or \"csv\"");
        QTest::newRow("no idempotency key")
            << QByteArray("{\"kind\":\"file_drop\",\"directory\":\"/tmp\",\"file_name\":\"{domain}-{key}.{ext}\"}")
            << QStringLiteral("MES: connector.file_name must contain {idempotency_key}");
        QTest::newRow("placeholder") << QByteArray(
            "{\"kind\":\"file_drop\",\"directory\":\"/tmp\",\"file_name\":\"{idempotency_key}-{plant}.csv\"}")
                                     << QStringLiteral("MES: connector.file_name: unknown placeholder {plant}");
        QTest::newRow("subdirectory") << QByteArray(
            "{\"kind\":\"file_drop\",\"directory\":\"/tmp\",\"file_name\":\"x/{idempotency_key}\"}")
                                      << QStringLiteral("MES: connector.file_name must be a file name, without '/'");
        QTest::newRow("kind") << QByteArray("{\"kind\":\"rest\",\"directory\":\"/tmp\"}")
                              << QStringLiteral("MES: connector.kind must be \"file_drop\"");
    }
    void configurationErrors()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, error);
        auto c = FileDropConnector::create("MES", json::parse(config.toStdString()));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().startsWith(error), qPrintable(c.error()));
    }
};

QTEST_GUILESS_MAIN(TestFileDropConnector)
#include "tst_filedropconnector.moc"
