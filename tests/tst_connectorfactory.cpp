#include "connectors/connectorfactory.h"
#include "connectors/filedropconnector.h"
#include "connectors/restconnector.h"
#include "policy/landscape.h"

#include <QTest>

using namespace mdsync;
using json = nlohmann::json;

class TestConnectorFactory : public QObject
{
    Q_OBJECT

private slots:
    void restFromSystemDef()
    {
        SystemDef sys;
        sys.id = "WMS-P100";
        sys.connector
            = { { "kind", "rest" }, { "base_url", "http://127.0.0.1:1" }, { "batch_path", "/api/{domain}/_batch" } };
        QObject parent;
        auto c = createConnector(sys, &parent);
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        QVERIFY(qobject_cast<RestConnector*>(c.value().get()));
        QCOMPARE(c.value()->parent(), &parent);
        QVERIFY(c.value()->supportsBatch("item"));
        // `c` goes out of scope before `parent`: the unique_ptr deletes it, which unparents it.
    }

    void fileDrop()
    {
        auto c = createConnector("MES-P100", { { "kind", "file_drop" }, { "directory", "/var/spool/mdsync/mes" } });
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        auto* drop = qobject_cast<FileDropConnector*>(c.value().get());
        QVERIFY(drop);
        QCOMPARE(drop->directory(), QStringLiteral("/var/spool/mdsync/mes"));
        QCOMPARE(drop->format(), FileDropConnector::Format::Json);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("config");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown kind") << QByteArray("{\"kind\":\"ftp\",\"host\":\"x\"}")
                                      << QStringLiteral("QMS: unknown connector.kind \"ftp\" (expected \"rest\" or "
                                                        "\"file_drop\")");
        QTest::newRow("no kind") << QByteArray("{\"base_url\":\"https://x\"}")
                                 << QStringLiteral("QMS: connector.kind is missing");
        QTest::newRow("no connector") << QByteArray("null") << QStringLiteral("QMS: no connector configured");
        QTest::newRow("not an object") << QByteArray("\"rest\"")
                                       << QStringLiteral("QMS: connector must be a JSON object");
        QTest::newRow("rest error passed on") << QByteArray("{\"kind\":\"rest\",\"base_url\":\"ftp://x\"}")
                                              << QStringLiteral("QMS: connector.base_url must be an http(s) URL");
        QTest::newRow("file drop error passed on")
            << QByteArray("{\"kind\":\"file_drop\"}") << QStringLiteral("QMS: connector.directory must be");
    }
    void errors()
    {
        QFETCH(QByteArray, config);
        QFETCH(QString, error);
        auto c = createConnector("QMS", json::parse(config.toStdString()));
        QVERIFY(!c.ok());
        QVERIFY2(c.error().startsWith(error), qPrintable(c.error()));
    }
};

QTEST_GUILESS_MAIN(TestConnectorFactory)
#include "tst_connectorfactory.moc"
