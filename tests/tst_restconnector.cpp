#include "connectors/restconnector.h"
#include "demo/simulatedsystem.h"

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

    static std::vector<DeliveryOutcome> sendBatchAndWait(Connector& c, const std::vector<OutboundDelivery>& batch)
    {
        std::vector<DeliveryOutcome> result;
        int calls = 0;
        c.sendBatch(batch, [&](std::vector<DeliveryOutcome> outcomes) {
            result = std::move(outcomes);
            ++calls;
        });
        if (!QTest::qWaitFor([&] { return calls > 0; }, 10000))
            return {};
        QTest::qWait(20); // a second call would be a defect: "exactly once"
        return calls == 1 ? result : std::vector<DeliveryOutcome> {};
    }

    static OutboundDelivery retire(const std::string& key, const std::string& idem)
    {
        OutboundDelivery d = item(key, idem, nullptr);
        d.op = "delete";
        return d;
    }

    static json batchConfig(quint16 port, json domains = nullptr)
    {
        json c = connectorConfig(port);
        c["batch_path"] = "/api/{domain}/_batch";
        if (!domains.is_null())
            c["batch_domains"] = domains;
        return c;
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

    // A started target holding n item records K-0 ... K-<n-1>, each {"n": i} (restored from a saved state).
    std::unique_ptr<SimulatedSystem> seededTarget(const json& config, int n, std::vector<std::string>& keys)
    {
        auto sys = startTarget(config);
        if (!sys || !sys->restoreState(seeded(n, keys)))
            return nullptr;
        return sys;
    }

    static std::unique_ptr<RestConnector> readBackConnector(const SimulatedSystem& target)
    {
        json cfg = connectorConfig(target.port());
        cfg["read_back"] = true;
        auto c = RestConnector::create(target.id().toStdString(), cfg);
        return c.ok() ? std::move(c.value()) : nullptr;
    }

    static json seeded(int n, std::vector<std::string>& keys)
    {
        json records = json::array();
        for (int i = 0; i < n; ++i) {
            keys.push_back("K-" + std::to_string(i));
            records.push_back({ { "domain", "item" }, { "key", keys.back() }, { "payload", { { "n", i } } },
                { "retired", false }, { "applied_count", 1 }, { "applied_keys", { "seed-" + std::to_string(i) } } });
        }
        return { { "records", records }, { "answered", json::array() } };
    }

    static ReadBackResult fetchAndWait(Connector& c, const std::vector<std::string>& keys, int timeoutMs = 20000)
    {
        ReadBackResult result;
        int calls = 0;
        c.fetch("item", keys, {}, [&](ReadBackResult r) {
            result = std::move(r);
            ++calls;
        });
        if (!QTest::qWaitFor([&] { return calls > 0; }, timeoutMs)) {
            result.ok = false;
            result.error = "test: no answer in time";
        }
        return result;
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
        QTest::newRow("404") << 404 << QByteArray() << int(DeliveryOutcome::Kind::Rejected) << qint64(-1);
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
            QCOMPARE(o.message, "HTTP " + std::to_string(status) + ": boom");
    }

    // A retire of something the target never had leaves it in the wanted state: not an error.
    void deleteOfUnknownIsAcked()
    {
        const auto o = RestConnector::classify(
            404, QByteArrayLiteral("{\"error\":\"no such record\"}"), {}, {}, false, false, /*retire*/ true);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(o.message, std::string("already absent"));
        QCOMPARE(o.httpStatus, 404);

        auto target = startTarget({ { "id", "MES-P100" } });
        QVERIFY(target);
        auto c = RestConnector::create("MES-P100", connectorConfig(target->port()));
        QVERIFY(c.ok());
        const DeliveryOutcome gone = sendAndWait(*c.value(), retire("NEVER-SENT", "k-del-1"));
        QCOMPARE(gone.kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(gone.httpStatus, 404);
        QCOMPARE(gone.message, std::string("already absent"));
        // A real retire still goes through as such.
        QCOMPARE(sendAndWait(*c.value(), item("FG-9", "k-del-2", { { "a", 1 } })).kind, DeliveryOutcome::Kind::Acked);
        const DeliveryOutcome retired = sendAndWait(*c.value(), retire("FG-9", "k-del-3"));
        QCOMPARE(retired.kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(retired.httpStatus, 200);
        QVERIFY(retired.message.empty());
        QVERIFY(target->record(QStringLiteral("item"), QStringLiteral("FG-9")).value_or(SimulatedRecord {}).retired);
    }

    void batchConfiguration()
    {
        auto none = RestConnector::create("ERP", { { "kind", "rest" }, { "base_url", "http://127.0.0.1:1" } });
        QVERIFY(none.ok());
        QVERIFY(!none.value()->supportsBatch("item"));
        QVERIFY(none.value()->batchUrlFor("item").isEmpty());

        auto all = RestConnector::create("ERP", batchConfig(1));
        QVERIFY(all.ok());
        QVERIFY(all.value()->supportsBatch("item"));
        QVERIFY(all.value()->supportsBatch("bom"));
        QCOMPARE(all.value()->batchUrlFor("item").toString(), QStringLiteral("http://127.0.0.1:1/api/item/_batch"));

        auto some = RestConnector::create("ERP", batchConfig(1, json::array({ "item" })));
        QVERIFY(some.ok());
        QVERIFY(some.value()->supportsBatch("item"));
        QVERIFY(!some.value()->supportsBatch("bom"));

        json bad = batchConfig(1);
        bad["batch_domains"] = "item";
        auto notArray = RestConnector::create("ERP", bad);
        QVERIFY(!notArray.ok());
        QVERIFY2(notArray.error().contains(QStringLiteral("ERP: connector.batch_domains must be an array")),
            qPrintable(notArray.error()));
        bad = batchConfig(1);
        bad["batch_path"] = "api/_batch";
        auto relative = RestConnector::create("ERP", bad);
        QVERIFY(!relative.ok());
        QVERIFY2(relative.error().contains(QStringLiteral("connector.batch_path")), qPrintable(relative.error()));
        bad = connectorConfig(1);
        bad["batch_domains"] = json::array({ "item" });
        QVERIFY(!RestConnector::create("ERP", bad).ok()); // batch_domains without batch_path
    }

    void batchAllApplied()
    {
        auto target = startTarget({ { "id", "WMS-P100" } });
        QVERIFY(target);
        auto c = RestConnector::create("WMS-P100", batchConfig(target->port()));
        QVERIFY(c.ok());
        const auto outcomes = sendBatchAndWait(*c.value(),
            { item("B-1", "kb-1", { { "n", 1 } }), item("B-2", "kb-2", { { "n", 2 } }),
                item("B-3", "kb-3", { { "n", 3 } }) });
        QCOMPARE(outcomes.size(), size_t(3));
        for (const auto& o : outcomes) {
            QCOMPARE(o.kind, DeliveryOutcome::Kind::Acked);
            QCOMPARE(o.httpStatus, 200);
        }
        QCOMPARE(target->requestsReceived(), qint64(1)); // one call, not three
        for (const char* key : { "B-1", "B-2", "B-3" })
            QCOMPARE(target->appliedCount(QStringLiteral("item"), QString::fromLatin1(key)), 1);
        const auto rec = target->record(QStringLiteral("item"), QStringLiteral("B-2"));
        QVERIFY(rec);
        QVERIFY(rec.value_or(SimulatedRecord {}).payload == json({ { "n", 2 } }));
        QCOMPARE(rec.value_or(SimulatedRecord {}).lastCorrelationId, QStringLiteral("corr-1"));
    }

    void batchItemRejectedOthersApply()
    {
        auto target = startTarget({ { "id", "MES-P100" },
            { "rules", { { "item", { { "accepted", { { "status", json::array({ "RELEASED" }) } } } } } } } });
        QVERIFY(target);
        auto c = RestConnector::create("MES-P100", batchConfig(target->port(), json::array({ "item" })));
        QVERIFY(c.ok());
        const auto outcomes = sendBatchAndWait(*c.value(),
            { item("R-1", "kr-1", { { "status", "RELEASED" } }), item("R-2", "kr-2", { { "status", "DRAFT" } }),
                item("R-3", "kr-3", { { "status", "RELEASED" } }), retire("R-NEVER", "kr-4") });
        QCOMPARE(outcomes.size(), size_t(4));
        QCOMPARE(outcomes[0].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(outcomes[1].kind, DeliveryOutcome::Kind::Rejected);
        QCOMPARE(outcomes[1].httpStatus, 422);
        QCOMPARE(outcomes[1].message, std::string("HTTP 422: field 'status' must be one of [RELEASED], got DRAFT"));
        QVERIFY(!outcomes[1].retryable());
        QCOMPARE(outcomes[2].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(outcomes[3].kind, DeliveryOutcome::Kind::Acked); // retire of an unknown record
        QCOMPARE(outcomes[3].message, std::string("already absent"));
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("R-1")), 1);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("R-2")), 0);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("R-3")), 1);
    }

    void batchRateLimitedAsAWhole()
    {
        auto target
            = startTarget({ { "id", "SUPPLIER-PORTAL" }, { "rate_limit", { { "per_second", 0.5 }, { "burst", 1 } } } });
        QVERIFY(target);
        auto c = RestConnector::create("SUPPLIER-PORTAL", batchConfig(target->port()));
        QVERIFY(c.ok());
        const auto first = sendBatchAndWait(*c.value(), { item("S-1", "kl-1", json::object()) });
        QCOMPARE(first.size(), size_t(1));
        QCOMPARE(first[0].kind, DeliveryOutcome::Kind::Acked);
        const auto limited = sendBatchAndWait(
            *c.value(), { item("S-2", "kl-2", json::object()), item("S-3", "kl-3", json::object()) });
        QCOMPARE(limited.size(), size_t(2));
        for (const auto& o : limited) {
            QCOMPARE(o.kind, DeliveryOutcome::Kind::RateLimited);
            QCOMPARE(o.httpStatus, 429);
            QVERIFY(o.retryAfterMs.value_or(0) >= 1000);
        }
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("S-2")), 0);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("S-3")), 0);
    }

    void batchTargetDownIsRetryable()
    {
        auto target = startTarget({ { "id", "ANALYTICS" } });
        QVERIFY(target);
        auto c = RestConnector::create("ANALYTICS", batchConfig(target->port()));
        QVERIFY(c.ok());
        target->goDown();
        const auto outcomes = sendBatchAndWait(
            *c.value(), { item("D-1", "kd-1", json::object()), item("D-2", "kd-2", json::object()) });
        QCOMPARE(outcomes.size(), size_t(2));
        for (const auto& o : outcomes) {
            QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
            QCOMPARE(o.httpStatus, 0);
            QVERIFY2(!o.message.empty(), "the transport error is kept");
        }
    }

    void batchItemReplayIsNotAppliedTwice()
    {
        auto target = startTarget({ { "id", "WMS-P100" } });
        QVERIFY(target);
        auto c = RestConnector::create("WMS-P100", batchConfig(target->port()));
        QVERIFY(c.ok());
        const auto a = item("P-1", "kp-1", { { "v", 1 } });
        const auto first = sendBatchAndWait(*c.value(), { a, item("P-2", "kp-2", { { "v", 2 } }) });
        QCOMPARE(first.size(), size_t(2));
        QCOMPARE(first[0].kind, DeliveryOutcome::Kind::Acked);
        // The dispatcher lost the ack and resends P-1 in the next batch, together with a new delivery.
        const auto second = sendBatchAndWait(*c.value(), { item("P-3", "kp-3", { { "v", 3 } }), a });
        QCOMPARE(second.size(), size_t(2));
        QCOMPARE(second[0].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(second[1].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(second[1].response.value("replay", false), true);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("P-1")), 1);
        QCOMPARE(target->appliedCount(QStringLiteral("item"), QStringLiteral("P-3")), 1);
    }

    void batchForAnotherDomainGoesOneByOne()
    {
        auto target = startTarget({ { "id", "ERP" } });
        QVERIFY(target);
        auto c = RestConnector::create("ERP", batchConfig(target->port(), json::array({ "item" })));
        QVERIFY(c.ok());
        OutboundDelivery b1 = item("BOM-1", "ko-1", { { "x", 1 } });
        OutboundDelivery b2 = item("BOM-2", "ko-2", { { "x", 2 } });
        b1.domain = b2.domain = "bom";
        const auto outcomes = sendBatchAndWait(*c.value(), { b1, b2 });
        QCOMPARE(outcomes.size(), size_t(2));
        QCOMPARE(outcomes[0].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(outcomes[1].kind, DeliveryOutcome::Kind::Acked);
        QCOMPARE(target->requestsReceived(), qint64(2)); // two PUTs
        QCOMPARE(target->appliedCount(QStringLiteral("bom"), QStringLiteral("BOM-2")), 1);
    }

    // Per-item classification of answers the simulated target does not give (other targets may).
    void batchAnswerClassification()
    {
        const std::vector<OutboundDelivery> batch { item("A", "ka", json::object()), item("B", "kb", json::object()),
            item("C", "kc", json::object()), item("D", "kd", json::object()) };
        DeliveryOutcome http = RestConnector::classify(200,
            QByteArray::fromStdString(json::array({ { { "idempotency_key", "kc" }, { "status", "applied" } },
                                                      { { "index", 0 }, { "status", 503 }, { "error", "busy" } },
                                                      { { "idempotency_key", "kd" }, { "status", "queued" } } })
                                          .dump()),
            {}, {}, false, false);
        http.latencyMs = 42;
        const auto outcomes = RestConnector::classifyBatch(batch, http);
        QCOMPARE(outcomes.size(), size_t(4));
        QCOMPARE(outcomes[0].kind, DeliveryOutcome::Kind::Retryable); // item-level 503 (matched by index)
        QCOMPARE(outcomes[0].message, std::string("HTTP 503: busy"));
        QCOMPARE(outcomes[0].httpStatus, 503);
        QCOMPARE(outcomes[1].kind, DeliveryOutcome::Kind::Retryable); // missing from the answer
        QCOMPARE(outcomes[1].message, std::string("target did not answer for this item"));
        QCOMPARE(outcomes[2].kind, DeliveryOutcome::Kind::Acked); // matched by idempotency key
        QCOMPARE(outcomes[3].kind, DeliveryOutcome::Kind::Retryable); // unknown status
        for (const auto& o : outcomes)
            QCOMPARE(o.latencyMs, qint64(42));

        const auto notArray = RestConnector::classifyBatch(
            batch, RestConnector::classify(200, QByteArrayLiteral("{\"ok\":true}"), {}, {}, false, false));
        QCOMPARE(notArray.size(), size_t(4));
        QCOMPARE(notArray[3].kind, DeliveryOutcome::Kind::Retryable);

        const auto unauthorized = RestConnector::classifyBatch(
            batch, RestConnector::classify(401, QByteArrayLiteral("{\"error\":\"bad token\"}"), {}, {}, false, false));
        QCOMPARE(unauthorized.size(), size_t(4));
        QCOMPARE(unauthorized[2].kind, DeliveryOutcome::Kind::Unauthorized);
        QCOMPARE(unauthorized[2].message, std::string("HTTP 401: bad token"));
    }

    // Reading back (reconciliation) from a target that rate-limits: the read-back waits as long as the target
    // says (Retry-After) instead of failing, and does not keep asking meanwhile.
    void readBackWaitsForARateLimitedTarget()
    {
        std::vector<std::string> keys;
        auto target
            = seededTarget({ { "id", "WMS" }, { "rate_limit", { { "per_second", 10 }, { "burst", 2 } } } }, 12, keys);
        QVERIFY(target);
        auto c = readBackConnector(*target);
        QVERIFY(c);
        const ReadBackResult r = fetchAndWait(*c, keys);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.records.size(), keys.size());
        QCOMPARE(r.records.at("K-7").value("n", 0), 7);
        const json byStatus = target->stats()["by_status"];
        const int refused = byStatus.value("429", 0);
        QVERIFY2(refused > 0, byStatus.dump().c_str()); // the limit was reached ...
        // ... and waited for, not hammered: a few refusals per wait (the reads in flight), where asking on at once
        // would have every key refused up to 8 times and the read-back fail.
        QVERIFY2(refused <= 2 * 12, byStatus.dump().c_str());
    }

    // A flaky target (5xx now and then): each failed read is asked again; a target that always fails makes the
    // read-back fail after a bounded number of attempts, naming the key and the last answer.
    void readBackRetriesTransientFailuresBounded()
    {
        std::vector<std::string> keys;
        auto flaky = seededTarget({ { "id", "ERP" }, { "error_rate", 0.3 } }, 20, keys);
        QVERIFY(flaky);
        auto c = readBackConnector(*flaky);
        QVERIFY(c);
        const ReadBackResult r = fetchAndWait(*c, keys);
        QVERIFY2(r.ok, r.error.c_str());
        QCOMPARE(r.records.size(), keys.size());
        QVERIFY(flaky->requestsReceived() > 20); // some were asked again

        std::vector<std::string> one;
        auto broken = seededTarget({ { "id", "QMS" }, { "error_rate", 1.0 } }, 1, one);
        QVERIFY(broken);
        auto b = readBackConnector(*broken);
        QVERIFY(b);
        const ReadBackResult failed = fetchAndWait(*b, one, 30000);
        QVERIFY(!failed.ok);
        QVERIFY2(
            failed.error.starts_with("GET K-0: HTTP 5") && failed.error.ends_with("(attempt 8)"), failed.error.c_str());
        QCOMPARE(broken->requestsReceived(), 8);
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
