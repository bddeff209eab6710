#include "connectors/restconnector.h"
#include "connectors/simulated/simulatedsystem.h"

#include <QSignalSpy>
#include <QTest>

using namespace mdsync;
using json = nlohmann::json;

// The REST connector against a real simulated target on 127.0.0.1 (QHttpServer), no mocks.
class TestRestConnector : public QObject
{
    Q_OBJECT

    static DeliveryOutcome sendAndWait(Connector& c, const OutboundDelivery& d)
    {
        DeliveryOutcome result;
        bool done = false;
        c.send(d, [&](const DeliveryOutcome& o) {
            result = o;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, 10000))
            result.message = "test: no answer within 10 s";
        return result;
    }

    static OutboundDelivery item(const std::string& key, const std::string& idem, json payload)
    {
        OutboundDelivery d;
        d.deliveryId = 1;
        d.domain = "item";
        d.key = key;
        d.idempotencyKey = idem;
        d.correlationId = "corr-1";
        d.payload = std::move(payload);
        return d;
    }

    std::unique_ptr<SimulatedSystem> startTarget(const json& config)
    {
        auto cfg = SimulatedConfig::fromJson(config);
        if (!cfg.ok())
            return nullptr;
        auto sys = std::make_unique<SimulatedSystem>(cfg.value());
        if (!sys->start().ok())
            return nullptr;
        return sys;
    }

    static json connectorConfig(quint16 port, json auth = nullptr)
    {
        json c = { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(port) },
            { "timeout_ms", 3000 } };
        if (!auth.is_null())
            c["auth"] = auth;
        return c;
    }

private slots:
    void ackAndIdempotentReplay()
    {
        qputenv("MDSYNC_TEST_WMS_TOKEN", "s3cret");
        auto target = startTarget({ { "id", "WMS-P100" }, { "token", "s3cret" } });
        QVERIFY(target);
        auto c = RestConnector::create("WMS-P100",
            connectorConfig(target->port(), { { "type", "bearer" }, { "token_env", "MDSYNC_TEST_WMS_TOKEN" } }));
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        const auto d = item("FG-1000", "k-1", { { "itemNumber", "FG-1000" }, { "storageClass", "DRY" } });
        const DeliveryOutcome first = sendAndWait(*c.value(), d);
        QCOMPARE(first.kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(first.httpStatus, 200);
        QVERIFY(first.latencyMs >= 0);
        const DeliveryOutcome replay = sendAndWait(*c.value(), d); // a retry after a lost ack
        QCOMPARE(replay.kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("FG-1000")), 1);
    }

    void wrongTokenIsUnauthorized()
    {
        qputenv("MDSYNC_TEST_WRONG_TOKEN", "nope");
        auto target = startTarget({ { "id", "WMS-P100" }, { "token", "s3cret" } });
        QVERIFY(target);
        auto c = RestConnector::create("WMS-P100",
            connectorConfig(target->port(), { { "type", "bearer" }, { "token_env", "MDSYNC_TEST_WRONG_TOKEN" } }));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), item("FG-1", "k-2", json::object()));
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Unauthorized);
        QCOMPARE(o.httpStatus, 401);
        QVERIFY(!o.retryable());
    }

    void ruleRejectionKeepsTheTargetsMessage()
    {
        auto target = startTarget({ { "id", "MES-P100" },
            { "rules", { { "item", { { "accepted", { { "status", json::array({ "RELEASED" }) } } } } } } } });
        QVERIFY(target);
        auto c = RestConnector::create("MES-P100", connectorConfig(target->port()));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), item("FG-2", "k-3", { { "status", "DRAFT" } }));
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Rejected);
        QCOMPARE(o.httpStatus, 422);
        QVERIFY2(o.message.find("status") != std::string::npos, o.message.c_str());
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("FG-2")), 0);
    }

    void rateLimitedCarriesRetryAfter()
    {
        auto target
            = startTarget({ { "id", "SUPPLIER-PORTAL" }, { "rate_limit", { { "per_second", 0.5 }, { "burst", 1 } } } });
        QVERIFY(target);
        auto c = RestConnector::create("SUPPLIER-PORTAL", connectorConfig(target->port()));
        QVERIFY(c.ok());
        QCOMPARE(sendAndWait(*c.value(), item("S-1", "k-4", json::object())).kind, DeliveryOutcome::Kind::Acked);
        const DeliveryOutcome o = sendAndWait(*c.value(), item("S-2", "k-5", json::object()));
        QCOMPARE(o.kind, DeliveryOutcome::Kind::RateLimited);
        QVERIFY(o.retryAfterMs.has_value());
        QVERIFY(*o.retryAfterMs >= 1000);
    }

    void connectionRefusedIsRetryable()
    {
        auto target = startTarget({ { "id", "ANALYTICS" } });
        QVERIFY(target);
        const quint16 port = target->port();
        target.reset(); // nothing listens there any more
        auto c = RestConnector::create("ANALYTICS", connectorConfig(port));
        QVERIFY(c.ok());
        const DeliveryOutcome o = sendAndWait(*c.value(), item("X-1", "k-6", json::object()));
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QCOMPARE(o.httpStatus, 0);
        QVERIFY2(!o.message.empty(), "the transport error is kept");
    }

    void classification_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("retryAfter");
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("retryMs");
        QTest::newRow("201") << 201 << QByteArray() << int(DeliveryOutcome::Kind::Acked) << qint64(-1);
        QTest::newRow("400") << 400 << QByteArray() << int(DeliveryOutcome::Kind::Rejected) << qint64(-1);
        QTest::newRow("403") << 403 << QByteArray() << int(DeliveryOutcome::Kind::Unauthorized) << qint64(-1);
        QTest::newRow("408") << 408 << QByteArray() << int(DeliveryOutcome::Kind::Retryable) << qint64(-1);
        QTest::newRow("429 seconds") << 429 << QByteArray("7") << int(DeliveryOutcome::Kind::RateLimited)
                                     << qint64(7000);
        QTest::newRow("503 with Retry-After")
            << 503 << QByteArray("2") << int(DeliveryOutcome::Kind::RateLimited) << qint64(2000);
        QTest::newRow("503 without") << 503 << QByteArray() << int(DeliveryOutcome::Kind::Retryable) << qint64(-1);
        QTest::newRow("500") << 500 << QByteArray() << int(DeliveryOutcome::Kind::Retryable) << qint64(-1);
    }
    void classification()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, retryAfter);
        QFETCH(int, kind);
        QFETCH(qint64, retryMs);
        const auto o
            = RestConnector::classify(status, QByteArrayLiteral("{\"error\":\"boom\"}"), retryAfter, {}, false, false);
        QCOMPARE(int(o.kind), kind);
        QCOMPARE(o.retryAfterMs.value_or(-1), retryMs);
        if (o.kind != DeliveryOutcome::Kind::Acked)
            QCOMPARE(o.message, std::to_string(status) + ": boom");
    }

    void configurationErrors()
    {
        qunsetenv("MDSYNC_TEST_UNSET");
        auto missing = RestConnector::create("ERP",
            { { "kind", "rest" }, { "base_url", "http://127.0.0.1:1" },
                { "auth", { { "type", "bearer" }, { "token_env", "MDSYNC_TEST_UNSET" } } } });
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QStringLiteral(
                     "ERP: environment variable MDSYNC_TEST_UNSET (connector.auth.token_env) is not set")),
            qPrintable(missing.error()));
        auto badUrl = RestConnector::create("ERP", { { "kind", "rest" }, { "base_url", "ftp://x" } });
        QVERIFY(!badUrl.ok());
        auto c = RestConnector::create("ERP",
            { { "kind", "rest" }, { "base_url", "https://erp.example:8443/base/" },
                { "paths", { { "bom", "/boms/{key}" } } } });
        QVERIFY(c.ok());
        OutboundDelivery d;
        d.domain = "bom";
        d.key = "FG-1000/P100/1";
        QCOMPARE(c.value()->urlFor(d).toString(QUrl::FullyEncoded),
            QStringLiteral("https://erp.example:8443/base/boms/FG-1000%2FP100%2F1"));
        d.domain = "item";
        d.key = "FG 1";
        QCOMPARE(c.value()->urlFor(d).toString(QUrl::FullyEncoded),
            QStringLiteral("https://erp.example:8443/base/api/item/FG%201"));
    }
};

QTEST_GUILESS_MAIN(TestRestConnector)
#include "tst_restconnector.moc"
