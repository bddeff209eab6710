// KPIs on a scripted history: a workspace driven through ingest and the dispatcher with a scripted connector
// and a controlled clock, so that acks with known latencies, retries, failures and replays happen; then
// backlog, status counts, retry rate, SLA breaches, percentiles, replay success, aging buckets and MTTR are
// asserted exactly (percentiles within the documented bucket error).

#include "access/roles.h"
#include "metrics/metrics.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "store/circuitstore.h"
#include "sync/dispatcher.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

TimeMs g_now = 0;

// Answers each delivery from a per-key script (acked when the script is empty), asynchronously.
class ScriptedConnector final : public Connector
{
public:
    std::map<std::string, std::deque<DeliveryOutcome>> script;
    int calls = 0;

    void send(const OutboundDelivery& d, Done done) override
    {
        ++calls;
        DeliveryOutcome o;
        o.kind = DeliveryOutcome::Kind::Acked;
        o.httpStatus = 200;
        auto it = script.find(d.key);
        if (it != script.end() && !it->second.empty()) {
            o = it->second.front();
            it->second.pop_front();
        }
        QTimer::singleShot(0, this, [done, o] { done(o); });
    }
};

DeliveryOutcome outcome(DeliveryOutcome::Kind kind, int http, const char* message)
{
    DeliveryOutcome o;
    o.kind = kind;
    o.httpStatus = http;
    o.message = message;
    return o;
}

// Distinct descriptions: similar ones would be held as duplicate suspects.
std::string item(const std::string& key)
{
    static const std::map<std::string, std::string> kNames = { { "A1", "Centrifugal pump" }, { "A2", "Ball valve" },
        { "A3", "Hex bolt" }, { "A4", "Gear motor" }, { "A5", "Pressure gauge" }, { "A6", "Copper cable" },
        { "A7", "Steel flange" }, { "A8", "Rubber gasket" }, { "A9", "Oil filter" }, { "A10", "Control cabinet" },
        { "R1", "Frequency inverter" }, { "F1", "Level sensor" }, { "F2", "Heat exchanger" } };
    json a = releasedItem(kNames.at(key), { "P300" });
    a["lifecycle_status"] = "released";
    return event("PLM", "item", "FG-" + key, a);
}

// Runs the event loop until nothing is in flight and nothing is due at the (frozen) clock.
bool settle(Dispatcher& d, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    d.poke();
    int idle = 0;
    while (timer.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        if (d.isIdle(0)) {
            if (++idle >= 3)
                return true;
        } else {
            idle = 0;
        }
        QTest::qWait(5);
    }
    return false;
}

std::int64_t exactPercentile(std::vector<std::int64_t> v, double p)
{
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void latencyBuckets()
    {
        // Every value lies in its bucket, and the reported value is within the documented error.
        const double maxError = std::exp2(1.0 / (2 * metrics::kBucketsPerDoubling)) - 1.0;
        QCOMPARE(metrics::latencyBucket(0), 0);
        QCOMPARE(metrics::bucketValue(0), std::int64_t(0));
        for (std::int64_t ms : { 1LL, 2LL, 3LL, 7LL, 100LL, 999LL, 1000LL, 65536LL, 600000LL, 86400000LL }) {
            const int b = metrics::latencyBucket(ms);
            QVERIFY(metrics::bucketLower(b) <= static_cast<double>(ms));
            QVERIFY(static_cast<double>(ms) < metrics::bucketUpper(b));
            // Within the relative bucket error plus the rounding to whole milliseconds.
            const double err = std::abs(static_cast<double>(metrics::bucketValue(b) - ms));
            QVERIFY2(err <= maxError * static_cast<double>(ms) + 0.5,
                qPrintable(QStringLiteral("%1 ms: off by %2 ms").arg(ms).arg(err)));
        }
        QVERIFY(metrics::latencyBucket(1001) >= metrics::latencyBucket(1000));
        QVERIFY(metrics::latencyBucket(2000) > metrics::latencyBucket(1000));
    }

    void kpisOnAScriptedHistory()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const TimeMs t0 = at("2026-11-28T10:00:00Z");
        const TimeMs minute = 60 * 1000;

        // A1..A10 received one minute apart, R1 at +10 min, F1/F2 at +12 min. Every item goes to ERP (connected),
        // QMS and ANALYTICS (not connected: their deliveries stay pending).
        for (int i = 0; i < 10; ++i) {
            IngestOptions io;
            const TimeMs when = t0 + i * minute;
            io.clock = [when] { return when; };
            auto r = tw.ingest({ item("A" + std::to_string(i + 1)) }, io);
            QVERIFY(r.ok());
            QVERIFY2(r->revisions == 1,
                qPrintable(column(tw.db(), QStringLiteral("SELECT message FROM exception")).join(QLatin1Char('\n'))));
        }
        {
            IngestOptions io;
            io.clock = [t0, minute] { return t0 + 10 * minute; };
            QVERIFY(tw.ingest({ item("R1") }, io).ok());
            io.clock = [t0, minute] { return t0 + 12 * minute; };
            QVERIFY(tw.ingest({ item("F1"), item("F2") }, io).ok());
        }

        ScriptedConnector erp;
        erp.script["FG-R1"] = { outcome(DeliveryOutcome::Kind::Retryable, 503, "maintenance") };
        erp.script["FG-F1"] = { outcome(DeliveryOutcome::Kind::Rejected, 422, "plant P300 unknown") };
        erp.script["FG-F2"] = { outcome(DeliveryOutcome::Kind::Retryable, 503, "down"),
            outcome(DeliveryOutcome::Kind::Retryable, 503, "down") };
        DispatcherOptions o;
        o.retryable = { 50, 50, 0.0, 2 };
        o.rateLimited = { 50, 50, 0.0, 2 };
        o.tickMs = 5;
        o.flushMs = 1;
        o.seed = 3;
        o.clock = [] { return g_now; };
        Dispatcher d(tw.ws(), tw.config(), ContractSet {}, o);
        d.setConnector("ERP", &erp);
        g_now = t0 + 20 * minute;
        QVERIFY(d.start().ok());
        QVERIFY(settle(d)); // first attempts: 11 acked, R1 and F2 retry, F1 rejected
        g_now += 1000;
        QVERIFY(settle(d)); // R1 acked, F2 retries exhausted
        QCOMPARE(erp.calls, 15);

        KpiOptions ko;
        ko.now = g_now;
        ko.windowMs = 60 * minute;
        auto k = computeKpis(tw.db(), ko);
        QVERIFY2(k.ok(), qPrintable(k.ok() ? QString() : k.error()));
        const json& erpK = k.value()["targets"]["ERP"];
        QCOMPARE(erpK["backlog"].get<int>(), 0);
        QCOMPARE(erpK["acked"].get<int>(), 11);
        QCOMPARE(erpK["failed"].get<int>(), 2);
        QCOMPARE(erpK["window"]["attempts"].get<int>(), 15);
        QCOMPARE(erpK["window"]["acked"].get<int>(), 11);
        QCOMPARE(erpK["window"]["retried"].get<int>(), 2);
        QCOMPARE(erpK["window"]["failed"].get<int>(), 2);
        QCOMPARE(erpK["window"]["retry_rate"].get<double>(), 2.0 / 15.0);
        // ERP's item SLA is 15 min: A1..A5 waited 20..16 min (breaches), A6 exactly 15 min (not a breach).
        QCOMPARE(erpK["window"]["sla_breaches"].get<int>(), 5);
        QCOMPARE(k.value()["sla_by_domain"]["item"]["sla_breaches"].get<int>(), 5);
        QCOMPARE(k.value()["sla_by_domain"]["item"]["sla_compliance"].get<double>(), 6.0 / 11.0);
        // Backlog of the targets without a connector: every item is pending there.
        for (const char* t : { "QMS", "ANALYTICS" }) {
            QCOMPARE(k.value()["targets"][t]["backlog"].get<int>(), 13);
            QCOMPARE(k.value()["targets"][t]["pending"].get<int>(), 13);
            QCOMPARE(k.value()["targets"][t]["backlog_by_domain"]["item"].get<int>(), 13);
        }
        QCOMPARE(k.value()["backlog_total"].get<int>(), 26);

        // Percentiles: within the bucket error of the exact nearest-rank values over the acked deliveries.
        std::vector<std::int64_t> latencies;
        QSqlQuery q(tw.db());
        QVERIFY(q.exec(QStringLiteral("SELECT latency_ms FROM delivery WHERE target_id = 'ERP' AND status = 'acked'")));
        while (q.next())
            latencies.push_back(q.value(0).toLongLong());
        QCOMPARE(latencies.size(), std::size_t(11));
        const double maxError = std::exp2(1.0 / (2 * metrics::kBucketsPerDoubling)) - 1.0;
        for (const auto& [field, p] : { std::pair { "latency_p50_ms", 0.5 }, std::pair { "latency_p95_ms", 0.95 } }) {
            const std::int64_t exact = exactPercentile(latencies, p);
            const auto got = erpK["window"][field].get<std::int64_t>();
            QVERIFY2(std::abs(static_cast<double>(got - exact)) <= maxError * static_cast<double>(exact) + 0.5,
                qPrintable(QStringLiteral("%1: %2 vs exact %3").arg(QLatin1String(field)).arg(got).arg(exact)));
        }
        // Sorted: 601 s (R1), 660 .. 1200 s: p50 = 6th = 900 s, p95 = 11th = 1200 s.
        QCOMPARE(exactPercentile(latencies, 0.5), std::int64_t(900000));
        QCOMPARE(exactPercentile(latencies, 0.95), std::int64_t(1200000));

        // Outside the window nothing counts; the time series has the minute of the attempts.
        ko.now = g_now + 3 * 60 * minute;
        auto later = computeKpis(tw.db(), ko);
        QVERIFY(later.ok());
        QCOMPARE(later.value()["targets"]["ERP"]["window"]["attempts"].get<int>(), 0);
        QCOMPARE(later.value()["targets"]["ERP"]["acked"].get<int>(), 11); // status counts are not windowed
        auto series = timeSeries(tw.db(), "ERP", t0 + 18 * minute, t0 + 22 * minute);
        QVERIFY2(series.ok(), qPrintable(series.ok() ? QString() : series.error()));
        const json& pts = series.value()["points"];
        QCOMPARE(pts.size(), std::size_t(4));
        QCOMPARE(pts[2]["attempts"].get<int>(), 15); // minute 20
        QCOMPARE(pts[2]["sla_breaches"].get<int>(), 5);
        QCOMPARE(pts[0]["attempts"].get<int>(), 0);

        // Replays: F1 (rejected) is acked after its replay, F2 fails again.
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        QVERIFY(grantRole(tw.as("ada"), "ada", "sam", Role::Steward, "team").ok());
        const qint64 f1
            = scalar(tw.db(), QStringLiteral("SELECT id FROM exception WHERE object_key = 'FG-F1'")).toLongLong();
        const qint64 f2
            = scalar(tw.db(), QStringLiteral("SELECT id FROM exception WHERE object_key = 'FG-F2'")).toLongLong();
        QVERIFY(f1 > 0 && f2 > 0);
        erp.script["FG-F2"] = { outcome(DeliveryOutcome::Kind::Rejected, 400, "still broken") };
        ExceptionActions actions(tw.as("sam"));
        QVERIFY(actions.replay("sam", f1, "fixed at ERP").ok());
        QVERIFY(actions.replay("sam", f2, "try again").ok());
        g_now += 1000;
        QVERIFY(settle(d));
        d.stop();
        ko.now = g_now;
        auto after = computeKpis(tw.db(), ko);
        QVERIFY(after.ok());
        QCOMPARE(after.value()["replay"]["acked"].get<int>(), 1);
        QCOMPARE(after.value()["replay"]["failed"].get<int>(), 1);
        QCOMPARE(after.value()["replay"]["success_rate"].get<double>(), 0.5);
        QCOMPARE(after.value()["targets"]["ERP"]["acked"].get<int>(), 12);
        QCOMPARE(after.value()["targets"]["ERP"]["failed"].get<int>(), 1);
        // Two exceptions were closed by the replays (MTTR has two samples); one new one is open.
        QCOMPARE(after.value()["mttr"]["closed"].get<int>(), 2);
        QCOMPARE(after.value()["exceptions"]["open"].get<int>(), 1);
        QCOMPARE(after.value()["exceptions"]["open_by_domain"]["item"].get<int>(), 1);
    }

    void agingMttrAndDuplicates()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const TimeMs now = nowMs();
        const TimeMs hour = 3600 * 1000;
        // Ages: 10 min, 2 h, 3 h, 2 d, 10 d (open), one 30 min old but resolved.
        const std::vector<std::pair<TimeMs, const char*>> rows
            = { { now - hour / 6, "open" }, { now - 2 * hour, "open" }, { now - 3 * hour, "assigned" },
                  { now - 48 * hour, "open" }, { now - 240 * hour, "open" }, { now - hour / 2, "resolved" } };
        for (const auto& [created, status] : rows) {
            QSqlQuery q(tw.db());
            q.prepare(QStringLiteral("INSERT INTO exception(stage, category, severity, status, created_at, updated_at,"
                                     " domain, object_key, message, details) VALUES ('inbound', 'validation', 'error',"
                                     " ?, ?, ?, 'supplier', 'S-1', 'test', '{}')"));
            q.addBindValue(QString::fromLatin1(status));
            q.addBindValue(QVariant::fromValue<qlonglong>(created));
            q.addBindValue(QVariant::fromValue<qlonglong>(created));
            QVERIFY(q.exec());
            QVERIFY(q.exec(QStringLiteral("INSERT INTO exception_counter(stage, category, status, n) VALUES"
                                          " ('inbound', 'validation', '%1', 1) ON CONFLICT(stage, category, status)"
                                          " DO UPDATE SET n = exception_counter.n + 1")
                               .arg(QLatin1String(status))));
        }
        KpiOptions ko;
        ko.now = now;
        auto k = computeKpis(tw.db(), ko);
        QVERIFY2(k.ok(), qPrintable(k.ok() ? QString() : k.error()));
        const json& ex = k.value()["exceptions"];
        QCOMPARE(ex["open"].get<int>(), 5);
        QCOMPARE(ex["aging"]["lt_1h"].get<int>(), 1);
        QCOMPARE(ex["aging"]["lt_1d"].get<int>(), 2);
        QCOMPARE(ex["aging"]["lt_1w"].get<int>(), 1);
        QCOMPARE(ex["aging"]["older"].get<int>(), 1);
        QCOMPARE(ex["open_by_domain"]["supplier"].get<int>(), 5);
        QVERIFY(k.value()["mttr"]["mean_ms"].is_null());

        // Aging counts are index range counts on exception_open, not table scans (SQLite's plan; PostgreSQL's
        // depends on its statistics).
        if (!testBackendIsPostgres()) {
            QSqlQuery plan(tw.db());
            QVERIFY(plan.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT count(*) FROM exception WHERE status = 'open'"
                                             " AND category = 'validation' AND created_at > 0")));
            QString detail;
            while (plan.next())
                detail += plan.value(3).toString() + QLatin1Char('\n');
            QVERIFY2(detail.contains(QStringLiteral("USING COVERING INDEX exception_open")), qPrintable(detail));
        }

        // MTTR after a resolve: the 2 h old exception is closed now.
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        QVERIFY(grantRole(tw.as("ada"), "ada", "sam", Role::Steward, "team").ok());
        const qint64 id
            = scalar(tw.db(), QStringLiteral("SELECT id FROM exception WHERE created_at = %1").arg(now - 2 * hour))
                  .toLongLong();
        ExceptionActions actions(tw.as("sam"));
        QVERIFY(actions.resolve("sam", id, "fixed in the supplier portal").ok());
        auto k2 = computeKpis(tw.db(), ko);
        QVERIFY(k2.ok());
        QCOMPARE(k2.value()["mttr"]["closed"].get<int>(), 1);
        const auto mttr = k2.value()["mttr"]["mean_ms"].get<std::int64_t>();
        QVERIFY2(mttr >= 2 * hour && mttr < 2 * hour + 60 * 1000, qPrintable(QString::number(mttr)));
        QCOMPARE(k2.value()["exceptions"]["open"].get<int>(), 4);
        QCOMPARE(k2.value()["exceptions"]["aging"]["lt_1d"].get<int>(), 1);
        QCOMPARE(k2.value()["exceptions"]["open_by_domain"]["supplier"].get<int>(), 4);

        // Duplicates prevented: the same events again are not merged again; the ingest run counts them.
        const std::vector<std::string> lines
            = { mdsync::test::event("PLM", "item", "DUP-1", releasedItem("Valve", { "P300" }), "E-1"),
                  mdsync::test::event("PLM", "item", "DUP-2", releasedItem("Thermostat", { "P300" }), "E-2") };
        QVERIFY(tw.ingest(lines).ok());
        QVERIFY(tw.ingest(lines).ok());
        auto k3 = computeKpis(tw.db(), ko);
        QVERIFY(k3.ok());
        QCOMPARE(k3.value()["duplicates_prevented"]["idempotent_event"].get<int>(), 2);
        QCOMPARE(k3.value()["duplicates_prevented"]["total"].get<int>(), 2);
    }

    // Outage minutes and MTTR from the target_outage incidents the circuit store writes (one per outage, resolved
    // with since_ms and duration_ms in its details, as the dispatcher does; tst_breaker checks the dispatcher's own)
    // and from the open circuits, over a 30-day window: an outage that ended before the window is out, one that
    // began before it counts its minutes inside and its whole duration in the MTTR, a running one counts its minutes
    // but not in the MTTR, an incident resolved by hand (no duration) is not an ended outage.
    void outageMinutesAndMttrFromIncidents()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        CircuitStore circuits;
        QString error;
        QVERIFY2(circuits.prepare(tw.db(), error), qPrintable(error));
        const TimeMs now = at("2026-12-05T12:00:00Z");
        const TimeMs minute = 60 * 1000;
        const TimeMs day = 24 * 60 * minute;
        auto outage = [&](const std::string& target, TimeMs since, TimeMs durationMs) {
            const json open = { { "target", target }, { "since_ms", since }, { "last_error", "connection refused" } };
            const std::int64_t id = circuits.openIncident(target, since, target + " is down", open.dump());
            json closed = open;
            closed["duration_ms"] = durationMs;
            closed["resolved_at"] = formatRfc3339(since + durationMs);
            circuits.resolveIncident(id, since + durationMs, target + " was down", closed.dump());
            return id;
        };
        outage("ERP", now - 40 * day, 120 * minute); // ended before the window
        outage("ERP", now - 30 * day - 10 * minute, 30 * minute); // 20 of its 30 minutes inside
        outage("MES-P100", now - 120 * minute, 10 * minute);
        {
            // Resolved by hand while down: no duration recorded, not an ended outage.
            const std::int64_t id = circuits.openIncident("MES-P100", now - 60 * minute, "down", "{}");
            circuits.resolveIncident(id, now - 50 * minute, "resolved by a steward", "{}");
        }
        // WMS-P100 is down since 25 minutes: its circuit is open, with its open incident.
        CircuitRow running;
        running.target = "WMS-P100";
        running.open = true;
        running.openedAt = now - 25 * minute;
        running.lastError = "retryable: connection refused";
        running.probeIntervalMs = 5000;
        running.nextProbeAt = now + 5000;
        running.probes = 4;
        running.incidentId = circuits.openIncident("WMS-P100", running.openedAt, "WMS-P100 is down", "{}");
        circuits.save(running, now);

        KpiOptions ko;
        ko.now = now;
        auto k = computeKpis(tw.db(), ko);
        QVERIFY2(k.ok(), qPrintable(k.ok() ? QString() : k.error()));
        const json& o = k.value()["outages"];
        QCOMPARE(o["window_minutes"].get<std::int64_t>(), 30 * 24 * 60);
        QCOMPARE(o["down_now"].get<int>(), 1);
        QCOMPARE(o["down"][0]["target"].get<std::string>(), std::string("WMS-P100"));
        QCOMPARE(o["down"][0]["down_ms"].get<std::int64_t>(), 25 * minute);
        QCOMPARE(o["resolved"].get<int>(), 2);
        QCOMPARE(o["mttr_ms"].get<std::int64_t>(), 20 * minute); // (30 + 10) / 2
        QCOMPARE(o["outage_ms"].get<std::int64_t>(), (20 + 10 + 25) * minute);
        QCOMPARE(o["outage_minutes"].get<double>(), 55.0);
        const json& by = o["by_target"];
        QCOMPARE(by["ERP"]["resolved"].get<int>(), 1);
        QCOMPARE(by["ERP"]["outage_ms"].get<std::int64_t>(), 20 * minute);
        QCOMPARE(by["ERP"]["mttr_ms"].get<std::int64_t>(), 30 * minute);
        QVERIFY(by["ERP"]["down_since"].is_null());
        QCOMPARE(by["MES-P100"]["resolved"].get<int>(), 1);
        QCOMPARE(by["MES-P100"]["mttr_ms"].get<std::int64_t>(), 10 * minute);
        QCOMPARE(by["WMS-P100"]["resolved"].get<int>(), 0);
        QVERIFY(by["WMS-P100"]["mttr_ms"].is_null());
        QCOMPARE(by["WMS-P100"]["outage_ms"].get<std::int64_t>(), 25 * minute);
        QCOMPARE(by["WMS-P100"]["down_since"].get<std::string>(), formatRfc3339(now - 25 * minute));

        // A longer window takes in the first outage; one target only.
        ko.outageWindowMs = 60 * day;
        ko.target = "ERP";
        auto erp = computeKpis(tw.db(), ko);
        QVERIFY2(erp.ok(), qPrintable(erp.ok() ? QString() : erp.error()));
        const json& e = erp.value()["outages"];
        QCOMPARE(e["resolved"].get<int>(), 2);
        QCOMPARE(e["outage_ms"].get<std::int64_t>(), 150 * minute);
        QCOMPARE(e["mttr_ms"].get<std::int64_t>(), 75 * minute);
        QCOMPARE(e["down_now"].get<int>(), 0);
        QVERIFY(!e["by_target"].contains("WMS-P100"));

        // Closing the circuit: no target down; its incident (resolved with its duration) joins the MTTR.
        json closed = { { "target", "WMS-P100" }, { "since_ms", running.openedAt }, { "duration_ms", 25 * minute } };
        circuits.resolveIncident(running.incidentId, now, "WMS-P100 was down", closed.dump());
        CircuitRow up;
        up.target = "WMS-P100";
        circuits.save(up, now);
        ko.outageWindowMs = 30 * day;
        ko.target.clear();
        auto after = computeKpis(tw.db(), ko);
        QVERIFY(after.ok());
        QCOMPARE(after.value()["outages"]["down_now"].get<int>(), 0);
        QCOMPARE(after.value()["outages"]["resolved"].get<int>(), 3);
        QCOMPARE(after.value()["outages"]["outage_ms"].get<std::int64_t>(), (20 + 10 + 25) * minute);
        QCOMPARE(after.value()["outages"]["mttr_ms"].get<std::int64_t>(), (30 + 10 + 25) * minute / 3);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
