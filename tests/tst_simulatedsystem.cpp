// SimulatedSystem: the HTTP targets of the simulated landscape. Idempotent apply, auth, schema rules, rate limit,
// random 5xx, outages on the same port, latency, batch, GET, drift. Loopback only; every wait is bounded.

#include "demo/simulatedsystem.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace mdsync;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

struct Response
{
    int status = 0; // 0: no HTTP response
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QByteArray replayHeader;
    QByteArray retryAfter;
    json doc() const { return json::parse(body.begin(), body.end(), nullptr, false); }
};

class Client
{
public:
    explicit Client(quint16 port)
        : m_port(port)
    { }

    Response send(const QByteArray& verb, const QString& path, const QByteArray& body = {},
        const QByteArray& idempotencyKey = {}, const QByteArray& token = {}, int timeoutMs = 3000)
    {
        QNetworkRequest req(QUrl(u"http://127.0.0.1:"_s + QString::number(m_port) + path));
        req.setRawHeader("Content-Type", "application/json");
        if (!idempotencyKey.isEmpty())
            req.setRawHeader("Idempotency-Key", idempotencyKey);
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token);
        req.setRawHeader("X-Correlation-Id", "corr-1");
        req.setTransferTimeout(timeoutMs);
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(req, verb, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(timeoutMs + 500))
            qWarning("request %s %s did not finish in time", verb.constData(), qUtf8Printable(path));
        Response r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        if (reply->isOpen())
            r.body = reply->readAll();
        r.replayHeader = reply->rawHeader("Idempotent-Replay");
        r.retryAfter = reply->rawHeader("Retry-After");
        return r;
    }

    Response put(const QString& path, const json& payload, const QByteArray& key, const QByteArray& token = {})
    {
        return send("PUT", path, QByteArray::fromStdString(payload.dump()), key, token);
    }

private:
    quint16 m_port;
    QNetworkAccessManager m_nam;
};

std::unique_ptr<SimulatedSystem> startSystem(const json& config)
{
    auto c = SimulatedConfig::fromJson(config);
    if (!c)
        qFatal("bad config in test: %s", qUtf8Printable(c.error()));
    auto sys = std::make_unique<SimulatedSystem>(std::move(c.value()));
    auto port = sys->start();
    if (!port)
        qFatal("cannot start: %s", qUtf8Printable(port.error()));
    return sys;
}

const json kWmsItem { { "item_no", "P-100" }, { "storage_conditions", "dry" }, { "length_mm", 120 } };

} // namespace

class TestSimulatedSystem : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void applyAndIdempotentReplay()
    {
        auto sys = startSystem({ { "id", "WMS" } });
        QVERIFY(sys->port() != 0);
        Client c(sys->port());
        const Response first = c.put(u"/api/item/P-100"_s, kWmsItem, "rev-1");
        QCOMPARE(first.status, 200);
        QVERIFY(first.replayHeader.isEmpty());
        const Response again = c.put(u"/api/item/P-100"_s, kWmsItem, "rev-1");
        QCOMPARE(again.status, 200);
        QCOMPARE(again.replayHeader, QByteArray("true"));
        QCOMPARE(again.body, first.body);
        QCOMPARE(sys->appliedCount(u"item"_s, u"P-100"_s), 1);

        json changed = kWmsItem;
        changed["length_mm"] = 130;
        QCOMPARE(c.put(u"/api/item/P-100"_s, changed, "rev-2").status, 200);
        QCOMPARE(sys->appliedCount(u"item"_s, u"P-100"_s), 2);
        QCOMPARE(sys->appliedKeys(u"item"_s, u"P-100"_s), (QStringList { u"rev-1"_s, u"rev-2"_s }));
        QCOMPARE(sys->totalApplied(), 2);
        QCOMPARE(sys->requestsReceived(), 3);
        const auto rec = sys->record(u"item"_s, u"P-100"_s);
        QVERIFY(rec);
        QCOMPARE(rec->payload.at("length_mm").get<int>(), 130);
        QCOMPARE(rec->lastCorrelationId, u"corr-1"_s);

        // The same key for another object is a client bug, not a replay.
        const Response misuse = c.put(u"/api/item/P-200"_s, kWmsItem, "rev-1");
        QCOMPARE(misuse.status, 422);
        QCOMPARE(misuse.doc().value("field", ""), std::string("Idempotency-Key"));

        // Retire, then replay the retire.
        QCOMPARE(c.send("DELETE", u"/api/item/P-100"_s, {}, "ret-1").status, 200);
        const Response retireAgain = c.send("DELETE", u"/api/item/P-100"_s, {}, "ret-1");
        QCOMPARE(retireAgain.status, 200);
        QCOMPARE(retireAgain.replayHeader, QByteArray("true"));
        QVERIFY(sys->record(u"item"_s, u"P-100"_s)->retired);
        QCOMPARE(sys->appliedCount(u"item"_s, u"P-100"_s), 3);
        QCOMPARE(c.send("DELETE", u"/api/item/NOPE"_s, {}, "ret-2").status, 404);
    }

    // `mdsyncctl simulate` keeps a demo workspace's targets across its runs: what one process held, another holds
    // after restoreState(), and a change it had applied is recognised as a replay there (not applied twice).
    void stateCarriesRecordsAndIdempotencyToAnotherProcess()
    {
        auto first = startSystem({ { "id", "WMS" } });
        Client c1(first->port());
        QCOMPARE(c1.put(u"/api/item/P-100"_s, kWmsItem, "rev-1").status, 200);
        QCOMPARE(c1.send("DELETE", u"/api/item/P-100"_s, {}, "ret-1").status, 200);
        const json state = first->state();
        QCOMPARE(state["records"].size(), size_t(1));
        QCOMPARE(state["answered"].size(), size_t(2));

        // An outage due after the first request: the first process had it behind it.
        auto second
            = startSystem({ { "id", "WMS" }, { "outages", { { { "after_requests", 1 }, { "for_ms", 60000 } } } } });
        const auto restored = second->restoreState(state);
        QVERIFY2(restored, qPrintable(restored.error()));
        QCOMPARE(second->requestsReceived(), 2);
        QCOMPARE(second->totalApplied(), 2);
        const auto rec = second->record(u"item"_s, u"P-100"_s);
        QVERIFY(rec && rec->retired);
        QVERIFY(rec->payload == kWmsItem);
        QCOMPARE(second->appliedKeys(u"item"_s, u"P-100"_s), (QStringList { u"rev-1"_s, u"ret-1"_s }));
        Client c2(second->port());
        const Response replay = c2.put(u"/api/item/P-100"_s, kWmsItem, "rev-1");
        QCOMPARE(replay.status, 200);
        QCOMPARE(replay.replayHeader, QByteArray("true"));
        QCOMPARE(second->appliedCount(u"item"_s, u"P-100"_s), 2);
        // The outage was due in the first process's time: it does not start now.
        QVERIFY(!second->isDown());
        QCOMPARE(c2.put(u"/api/item/P-200"_s, kWmsItem, "rev-3").status, 200);

        QVERIFY(!second->restoreState(json::object()));
        const auto bad
            = second->restoreState({ { "records", { { { "domain", "item" } } } }, { "answered", json::array() } });
        QVERIFY(!bad);
        QVERIFY2(bad.error().startsWith(u"simulated system 'WMS': saved state: "_s), qPrintable(bad.error()));
        QCOMPARE(second->appliedCount(u"item"_s, u"P-200"_s), 1); // a bad state changes nothing
    }

    void missingIdempotencyKeyIs400()
    {
        auto sys = startSystem({ { "id", "ERP" } });
        Client c(sys->port());
        const Response r = c.put(u"/api/item/P-1"_s, kWmsItem, {});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.doc().value("field", ""), std::string("Idempotency-Key"));
        QCOMPARE(c.send("PUT", u"/api/item/P-1"_s, "not json", "k1").status, 400);
        QCOMPARE(sys->totalApplied(), 0);
    }

    void tokenRequired()
    {
        auto sys = startSystem({ { "id", "CRM" }, { "token", "s3cret" } });
        Client c(sys->port());
        QCOMPARE(c.put(u"/api/customer/C1"_s, json { { "name", "A" } }, "k1").status, 401);
        QCOMPARE(c.put(u"/api/customer/C1"_s, json { { "name", "A" } }, "k1", "wrong").status, 401);
        QCOMPARE(c.send("GET", u"/api/customer/C1"_s).status, 401);
        QCOMPARE(sys->totalApplied(), 0);
        QCOMPARE(c.put(u"/api/customer/C1"_s, json { { "name", "A" } }, "k1", "s3cret").status, 200);
        QCOMPARE(sys->totalApplied(), 1);
    }

    void schemaRules_data()
    {
        QTest::addColumn<QString>("payload");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("field");
        QTest::newRow("ok") << u"{\"storage_conditions\":\"dry\",\"lifecycle_status\":\"released\"}"_s << 200
                            << QString();
        QTest::newRow("missing storage") << u"{\"lifecycle_status\":\"released\"}"_s << 422 << u"storage_conditions"_s;
        QTest::newRow("null storage") << u"{\"storage_conditions\":null,\"lifecycle_status\":\"released\"}"_s << 422
                                      << u"storage_conditions"_s;
        QTest::newRow("not released") << u"{\"storage_conditions\":\"dry\",\"lifecycle_status\":\"in_work\"}"_s << 422
                                      << u"lifecycle_status"_s;
        QTest::newRow("no status") << u"{\"storage_conditions\":\"dry\"}"_s << 422 << u"lifecycle_status"_s;
    }
    void schemaRules()
    {
        QFETCH(QString, payload);
        QFETCH(int, status);
        QFETCH(QString, field);
        auto sys = startSystem({ { "id", "WMS" },
            { "rules",
                { { "item",
                    { { "required", { "storage_conditions" } },
                        { "accepted", { { "lifecycle_status", { "released" } } } } } } } } });
        Client c(sys->port());
        const Response r = c.send("PUT", u"/api/item/X"_s, payload.toUtf8(), "k");
        QCOMPARE(r.status, status);
        if (status == 422) {
            QCOMPARE(QString::fromStdString(r.doc().value("field", "")), field);
            QVERIFY(QString::fromStdString(r.doc().value("error", "")).contains(field));
            QCOMPARE(sys->appliedCount(u"item"_s, u"X"_s), 0);
        } else {
            QCOMPARE(sys->appliedCount(u"item"_s, u"X"_s), 1);
        }
        // Other domains are not subject to item rules.
        QCOMPARE(c.put(u"/api/bom/X"_s, json { { "lines", json::array() } }, "b").status, 200);
    }

    void rateLimit429WithRetryAfter()
    {
        // 1 token per 10 s, burst 2: the third request in a row is limited.
        auto sys = startSystem({ { "id", "SUP" }, { "rate_limit", { { "per_second", 0.1 }, { "burst", 2 } } } });
        Client c(sys->port());
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200);
        QCOMPARE(c.put(u"/api/item/B"_s, kWmsItem, "b").status, 200);
        const Response limited = c.put(u"/api/item/C"_s, kWmsItem, "c");
        QCOMPARE(limited.status, 429);
        bool ok = false;
        const int retryAfter = limited.retryAfter.toInt(&ok);
        QVERIFY2(ok && retryAfter >= 1 && retryAfter <= 10, limited.retryAfter.constData());
        QCOMPARE(sys->appliedCount(u"item"_s, u"C"_s), 0);
        QCOMPARE(sys->stats()["by_status"]["429"].get<int>(), 1);
    }

    void errorRateRoughlyAsConfigured()
    {
        auto sys = startSystem({ { "id", "ANA" }, { "error_rate", 0.3 }, { "seed", 7 } });
        Client c(sys->port());
        int errors = 0;
        constexpr int n = 100;
        for (int i = 0; i < n; ++i) {
            const Response r = c.put(u"/api/item/I"_s + QString::number(i), kWmsItem, "k" + QByteArray::number(i));
            if (r.status >= 500 && r.status < 600)
                ++errors;
            else
                QCOMPARE(r.status, 200);
        }
        QVERIFY2(errors >= 15 && errors <= 45, qPrintable(QString::number(errors)));
        QCOMPARE(sys->totalApplied(), n - errors);

        // Same seed, same sequence.
        auto twin = startSystem({ { "id", "ANA" }, { "error_rate", 0.3 }, { "seed", 7 } });
        Client c2(twin->port());
        int twinErrors = 0;
        for (int i = 0; i < n; ++i) {
            if (c2.put(u"/api/item/I"_s + QString::number(i), kWmsItem, "k" + QByteArray::number(i)).status >= 500)
                ++twinErrors;
        }
        QCOMPARE(twinErrors, errors);
    }

    void outageRefusesThenRecoversOnSamePort()
    {
        auto sys = startSystem({ { "id", "MES" } });
        const quint16 port = sys->port();
        Client c(port);
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200); // keep-alive connection now open
        QSignalSpy downChanged(sys.get(), &SimulatedSystem::downChanged);
        sys->goDown(400);
        QVERIFY(sys->isDown());
        const Response refused = c.put(u"/api/item/B"_s, kWmsItem, "b");
        QCOMPARE(refused.status, 0);
        QCOMPARE(refused.error, QNetworkReply::ConnectionRefusedError);
        QVERIFY(downChanged.wait(2000)); // back up by itself
        QVERIFY(!sys->isDown());
        QCOMPARE(sys->port(), port);
        QCOMPARE(c.put(u"/api/item/B"_s, kWmsItem, "b").status, 200);
        QCOMPARE(sys->appliedCount(u"item"_s, u"B"_s), 1);

        // Manual down/up.
        sys->goDown();
        QCOMPARE(c.put(u"/api/item/C"_s, kWmsItem, "c").error, QNetworkReply::ConnectionRefusedError);
        QVERIFY(sys->goUp());
        QCOMPARE(c.put(u"/api/item/C"_s, kWmsItem, "c").status, 200);
    }

    void configuredOutageAfterRequests()
    {
        auto sys = startSystem({ { "id", "QMS" }, { "outages", { { { "after_requests", 2 }, { "for_ms", 300 } } } } });
        Client c(sys->port());
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200);
        QCOMPARE(c.put(u"/api/item/B"_s, kWmsItem, "b").status, 200);
        const Response cut = c.put(u"/api/item/C"_s, kWmsItem, "c");
        QCOMPARE(cut.status, 0);
        QVERIFY(cut.error != QNetworkReply::NoError);
        QVERIFY(sys->isDown());
        QCOMPARE(c.put(u"/api/item/C"_s, kWmsItem, "c").error, QNetworkReply::ConnectionRefusedError);
        QTRY_VERIFY_WITH_TIMEOUT(!sys->isDown(), 2000);
        QCOMPARE(c.put(u"/api/item/C"_s, kWmsItem, "c").status, 200);
        QCOMPARE(sys->appliedCount(u"item"_s, u"C"_s), 1);
    }

    void latencyHonoured()
    {
        auto sys = startSystem({ { "id", "ANA" }, { "latency_ms", { 150, 200 } } });
        Client c(sys->port());
        QElapsedTimer t;
        t.start();
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200);
        QVERIFY2(t.elapsed() >= 145, qPrintable(QString::number(t.elapsed()))); // lower bound only
        // Latency delays the answer, not the apply: an abandoned request is still applied exactly once.
        const Response abandoned
            = c.send("PUT", u"/api/item/B"_s, QByteArray::fromStdString(kWmsItem.dump()), "b", {}, 50);
        QVERIFY(abandoned.error != QNetworkReply::NoError);
        QCOMPARE(sys->appliedCount(u"item"_s, u"B"_s), 1);
        QTest::qWait(250); // the deferred answer finds its socket gone: no crash, nothing written
        QCOMPARE(c.put(u"/api/item/B"_s, kWmsItem, "b").replayHeader, QByteArray("true"));
        QCOMPARE(sys->appliedCount(u"item"_s, u"B"_s), 1);
    }

    void batchWithOneBadItem()
    {
        auto sys = startSystem(
            { { "id", "WMS" }, { "rules", { { "item", { { "required", { "storage_conditions" } } } } } } });
        Client c(sys->port());
        const json batch = json::array({
            { { "key", "A" }, { "op", "upsert" }, { "payload", kWmsItem }, { "idempotency_key", "a1" } },
            { { "key", "B" }, { "op", "upsert" }, { "payload", { { "item_no", "B" } } }, { "idempotency_key", "b1" } },
            { { "key", "C" }, { "op", "upsert" }, { "payload", kWmsItem } },
            { { "key", "D" }, { "op", "upsert" }, { "payload", kWmsItem }, { "idempotency_key", "d1" } },
        });
        const Response r = c.send("POST", u"/api/item/_batch"_s, QByteArray::fromStdString(batch.dump()));
        QCOMPARE(r.status, 200);
        const json results = r.doc();
        QVERIFY(results.is_array());
        QCOMPARE(results.size(), size_t(4));
        QCOMPARE(results[0]["status"].get<int>(), 200);
        QCOMPARE(results[1]["status"].get<int>(), 422);
        QCOMPARE(results[1]["field"].get<std::string>(), std::string("storage_conditions"));
        QCOMPARE(results[2]["status"].get<int>(), 400);
        QCOMPARE(results[2]["field"].get<std::string>(), std::string("idempotency_key"));
        QCOMPARE(results[3]["status"].get<int>(), 200);
        QCOMPARE(sys->totalApplied(), 2);
        // Resending the batch replays the applied items and applies nothing twice.
        const json again = c.send("POST", u"/api/item/_batch"_s, QByteArray::fromStdString(batch.dump())).doc();
        QCOMPARE(again[0]["replay"].get<bool>(), true);
        QCOMPARE(sys->totalApplied(), 2);
        // A single PUT with a key applied through the batch is a replay as well.
        QCOMPARE(c.put(u"/api/item/D"_s, kWmsItem, "d1").replayHeader, QByteArray("true"));
        QCOMPARE(c.send("POST", u"/api/item/_batch"_s, "{}").status, 400);
    }

    void getStoredRecord()
    {
        auto sys = startSystem({ { "id", "PLM" }, { "token", "t" } });
        Client c(sys->port());
        QCOMPARE(c.send("GET", u"/api/item/A"_s, {}, {}, "t").status, 404);
        QCOMPARE(c.put(u"/api/item/A%2F1"_s, kWmsItem, "a", "t").status, 200);
        const Response r = c.send("GET", u"/api/item/A%2F1"_s, {}, {}, "t");
        QCOMPARE(r.status, 200);
        const json doc = r.doc();
        QCOMPARE(doc["key"].get<std::string>(), std::string("A/1"));
        QVERIFY(doc["payload"] == kWmsItem);
        QCOMPARE(doc["applied_count"].get<int>(), 1);
        QVERIFY(doc["applied_keys"] == json::array({ "a" }));
        const Response stats = c.send("GET", u"/_stats"_s);
        QCOMPARE(stats.status, 200);
        QCOMPARE(stats.doc()["total_applied"].get<int>(), 1);
        QCOMPARE(stats.doc()["requests_received"].get<int>(), 3); // /_stats itself is not counted
    }

    void schemaDrift()
    {
        auto sys = startSystem({ { "id", "WMS" },
            { "rules", { { "item", { { "required", { "storage_conditions" } } } } } }, { "drift_after_requests", 1 },
            { "drift",
                { { "item",
                    { { "rename", { { "storage_conditions", "storage_class" } } },
                        { "require", { "hazard_class" } } } } } } });
        Client c(sys->port());
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200);
        QVERIFY(!sys->isDrifted());
        const Response renamed = c.put(u"/api/item/B"_s, kWmsItem, "b");
        QVERIFY(sys->isDrifted());
        QCOMPARE(renamed.status, 422);
        QCOMPARE(renamed.doc()["field"].get<std::string>(), std::string("storage_conditions"));
        const json upgraded { { "storage_class", "dry" } };
        const Response missing = c.put(u"/api/item/B"_s, upgraded, "b2");
        QCOMPARE(missing.status, 422);
        QCOMPARE(missing.doc()["field"].get<std::string>(), std::string("hazard_class"));
        QCOMPARE(
            c.put(u"/api/item/B"_s, json { { "storage_class", "dry" }, { "hazard_class", "none" } }, "b3").status, 200);
        QCOMPARE(sys->appliedKeys(u"item"_s, u"B"_s), QStringList { u"b3"_s });
    }

    void configErrorsNameTheKey()
    {
        const auto bad = SimulatedConfig::fromJson({ { "id", "X" }, { "latency_ms", { 10, 5 } } });
        QVERIFY(!bad);
        QVERIFY(bad.error().contains(u"latency_ms"_s));
        const auto unknown = SimulatedConfig::fromJson({ { "id", "X" }, { "eror_rate", 0.1 } });
        QVERIFY(!unknown);
        QVERIFY(unknown.error().contains(u"eror_rate"_s));
        QVERIFY(!SimulatedConfig::fromJson({ { "latency_ms", { 1, 2 } } }));
    }

    void landscapeStartsEverySystem()
    {
        SimulatedLandscape landscape;
        const auto ports = landscape.start(json::array({ { { "id", "WMS" } }, { { "id", "MES" } } }));
        QVERIFY2(ports.ok(), ports.ok() ? "" : qPrintable(ports.error()));
        QCOMPARE(ports->size(), 2);
        QVERIFY(ports->value(u"WMS"_s) != ports->value(u"MES"_s));
        Client c(ports->value(u"MES"_s));
        QCOMPARE(c.put(u"/api/item/A"_s, kWmsItem, "a").status, 200);
        QCOMPARE(landscape.system(u"MES"_s)->totalApplied(), 1);
        QCOMPARE(landscape.system(u"WMS"_s)->totalApplied(), 0);
        const auto dup = landscape.start(json::array({ { { "id", "ERP" } }, { { "id", "WMS" } } }));
        QVERIFY(!dup);
        QVERIFY(dup.error().contains(u"duplicate id 'WMS'"_s));
        QCOMPARE(landscape.ids().size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestSimulatedSystem)
#include "tst_simulatedsystem.moc"
