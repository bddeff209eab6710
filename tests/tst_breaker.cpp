// The circuit breaker per target (docs/DISPATCHER.md "Circuit breaker") against real HTTP targets on 127.0.0.1
// (SimulatedSystem) through the REST connector: a target that goes down under load opens one target_outage
// incident, its deliveries wait as blocked_by_outage, the connection attempts while it is down follow the probe
// schedule, and after recovery the backlog drains once and in order; a flaky target (8 % 5xx) keeps its circuit
// closed; a target that times out on every call opens it; an open circuit survives a restart; the landscape's
// circuit settings are validated; a steward's "probe now" (requestProbe) sends one probe at once, from another
// session and across a restart, and is refused where it makes no sense.

#include "access/roles.h"
#include "connectors/restconnector.h"
#include "demo/simulatedsystem.h"
#include "dispatcherharness.h"
#include "metrics/metrics.h"
#include "steward/rolegrants.h"
#include "store/readqueries.h"
#include "sync/dispatcher.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

bool startWith(Harness& h, const ActiveConfig& config, DispatcherOptions o = fastOptions())
{
    h.dispatcher = std::make_unique<Dispatcher>(h.tw.ws(), config, ContractSet {}, std::move(o));
    for (auto& [id, c] : h.connectors)
        h.dispatcher->setConnector(id, c.get());
    auto r = h.dispatcher->start();
    if (!r)
        qWarning("dispatcher start: %s", qPrintable(r.error()));
    return r.ok();
}

bool runUntil(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        if (done())
            return true;
        QTest::qWait(5);
    }
    return false;
}

std::string key(int i)
{
    return "FG-7" + std::to_string(1000 + i);
}

// Each object's applied idempotency keys at the target equal its acked deliveries' keys in revision order.
void verifyAppliedOnceInOrder(Harness& h, SimulatedSystem* target, const QString& targetId)
{
    QSqlQuery q(h.tw.db());
    QVERIFY(q.exec(QStringLiteral("SELECT o.key, d.idempotency_key FROM delivery d JOIN object o ON o.id = d.object_id"
                                  " WHERE d.target_id = '%1' AND d.status = 'acked' ORDER BY o.key, d.revision_no")
                       .arg(targetId)));
    std::map<QString, QStringList> expected;
    while (q.next())
        expected[q.value(0).toString()] << q.value(1).toString();
    QVERIFY(!expected.empty());
    for (const auto& [k, keys] : expected)
        QCOMPARE(target->appliedKeys(QStringLiteral("item"), k), keys);
}

} // namespace

class TestBreaker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void landscapeCircuitSettingsAreValidated_data()
    {
        QTest::addColumn<QString>("circuit");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an object") << QStringLiteral("5") << QStringLiteral("circuit: must be an object");
        QTest::newRow("zero failures") << QStringLiteral("{\"failures\": 0}")
                                       << QStringLiteral("circuit.failures: must be between 1 and 1000");
        QTest::newRow("fractional failures")
            << QStringLiteral("{\"failures\": 2.5}") << QStringLiteral("circuit.failures: must be a whole number");
        QTest::newRow("probe too fast") << QStringLiteral("{\"probe_initial_s\": 0.001}")
                                        << QStringLiteral("circuit.probe_initial_s: must be between 0.01 and 86400");
        QTest::newRow("max below initial") << QStringLiteral("{\"probe_initial_s\": 10, \"probe_max_s\": 5}")
                                           << QStringLiteral("circuit.probe_max_s: must be between 10 and 86400");
        QTest::newRow("unknown key") << QStringLiteral("{\"failure\": 3}") << QStringLiteral("failure");
    }
    void landscapeCircuitSettingsAreValidated()
    {
        QFETCH(QString, circuit);
        QFETCH(QString, error);
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        json doc = tw.config().landscape->document();
        doc["systems"][1]["circuit"] = json::parse(circuit.toStdString());
        auto ls = Landscape::fromJson(doc, QStringLiteral("landscape.json"), *tw.config().model);
        QVERIFY(!ls);
        QVERIFY2(ls.error().contains(error), qPrintable(ls.error()));
        QVERIFY2(ls.error().contains(QStringLiteral("systems[1]")), qPrintable(ls.error())); // says where
        // Defaults when absent; values as given otherwise.
        doc["systems"][1]["circuit"] = { { "failures", 3 }, { "probe_initial_s", 0.25 }, { "probe_max_s", 2 } };
        doc["systems"][2].erase("circuit");
        auto good = Landscape::fromJson(doc, QStringLiteral("landscape.json"), *tw.config().model);
        QVERIFY2(good, good ? "" : qPrintable(good.error()));
        const SystemDef* s1 = good->system(doc["systems"][1]["id"].get<std::string>());
        const SystemDef* s2 = good->system(doc["systems"][2]["id"].get<std::string>());
        QVERIFY(s1 && s2);
        QCOMPARE(s1->circuitFailures, 3);
        QCOMPARE(s1->probeInitialMs, 250);
        QCOMPARE(s1->probeMaxMs, 2000);
        QCOMPARE(s2->circuitFailures, 5);
        QCOMPARE(s2->probeInitialMs, 5000);
        QCOMPARE(s2->probeMaxMs, 300000);
    }

    // The scenario: MES-P100 goes down (connection refused) while 90 deliveries queue for it. The outage
    // lasts MDSYNC_BREAKER_OUTAGE_MS (default 3000) and the probes back off to MDSYNC_BREAKER_PROBE_MAX_MS (default
    // 800); ctest's tst_breaker_60s runs it with 60 s and 5 s (docs/RELIABILITY.md "Target outage").
    void targetDownUnderLoadIsOneIncidentAndDrainsInOrder()
    {
        const auto envMs = [](const char* name, int fallback, int min) {
            bool ok = false;
            const int v = qEnvironmentVariableIntValue(name, &ok);
            return ok && v >= min ? v : fallback;
        };
        const std::int64_t outageMs = envMs("MDSYNC_BREAKER_OUTAGE_MS", 3000, 1000);
        const std::int64_t probeInitialMs = 200;
        const std::int64_t probeMaxMs = envMs("MDSYNC_BREAKER_PROBE_MAX_MS", 800, int(probeInitialMs));
        Harness h;
        QVERIFY2(h.tw.ok(), qPrintable(h.tw.error()));
        auto* mes = h.addTarget("MES-P100");
        QVERIFY(mes);
        const int failures = 3;
        const ActiveConfig config = withCircuits(h.tw.config(),
            { { "MES-P100",
                { { "failures", failures }, { "probe_initial_s", double(probeInitialMs) / 1000.0 },
                    { "probe_max_s", double(probeMaxMs) / 1000.0 } } } });
        QVERIFY(startWith(h, config));
        // 20 objects reach the target while it is up.
        std::vector<std::string> lines;
        for (int i = 0; i < 20; ++i)
            lines.push_back(item(key(i), "Pump rev A"));
        QVERIFY(h.ingest(lines));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(mes->totalApplied(), 20);

        // Down: 60 new objects, a second revision of the first 20 and a third of 10 of them queue for it.
        mes->goDown();
        QElapsedTimer down;
        down.start();
        const std::int64_t callsBefore = h.dispatcher->stats().calls;
        lines.clear();
        for (int i = 20; i < 80; ++i)
            lines.push_back(item(key(i), "Pump rev A"));
        QVERIFY(h.ingest(lines));
        lines.clear();
        for (int i = 0; i < 20; ++i)
            lines.push_back(item(key(i), "Pump rev B"));
        QVERIFY(h.ingest(lines));
        QVERIFY(runUntil([&] { return h.dispatcher->stats().circuitsOpened == 1; }, 5000));
        const qint64 openSeenMs = down.elapsed(); // the circuit opened at or before this
        lines.clear();
        for (int i = 0; i < 10; ++i)
            lines.push_back(item(key(i), "Pump rev C"));
        QVERIFY(h.ingest(lines));
        // Keep it down for the outage.
        QTest::qWait(static_cast<int>(std::max<qint64>(0, outageMs - down.elapsed())));
        QVERIFY(h.dispatcher->isRunning());
        const qint64 downMs = down.elapsed();
        const std::int64_t attemptsWhileDown = h.dispatcher->stats().calls - callsBefore;
        const std::int64_t backlog = count(h.tw.db(), QStringLiteral("delivery"),
            QStringLiteral("target_id = 'MES-P100' AND status NOT IN ('acked','superseded')"));
        QCOMPARE(backlog, 90);
        // Bounded by the schedule, not by the backlog: the failures that open it, at most max_concurrency (2) calls
        // already under way, and the probes the schedule allows in the measured down time (from opening: first after
        // probe_initial, then each interval doubled up to probe_max; e.g. 0.2, 0.4, 0.8, 0.8, ... s, 5 in 3 s) plus
        // one more for timer slack.
        std::int64_t probesPossible = 0;
        for (std::int64_t sum = probeInitialMs, step = probeInitialMs; sum <= downMs;
             step = std::min<std::int64_t>(probeMaxMs, step * 2), sum += step)
            ++probesPossible;
        const std::int64_t bound = failures + 2 + probesPossible + 1;
        QVERIFY2(attemptsWhileDown <= bound,
            qPrintable(QStringLiteral("%1 attempts in %2 ms, bound %3").arg(attemptsWhileDown).arg(downMs).arg(bound)));
        QVERIFY(h.dispatcher->stats().probes >= 2);
        // While open: every waiting delivery is blocked_by_outage (the probe may be in flight), no exception but
        // the one incident, no delivery failed, and no retry counted beyond the attempts that opened it.
        QVERIFY(count(h.tw.db(), QStringLiteral("delivery"),
                    QStringLiteral("target_id = 'MES-P100' AND status = 'blocked_by_outage'"))
            >= 89);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'delivery'")), 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'target_outage' AND status = 'open' AND target_id = 'MES-P100'")),
            1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'failed'")), 0);
        QVERIFY(
            scalar(h.tw.db(), QStringLiteral("SELECT max(attempts) FROM delivery WHERE target_id = 'MES-P100'")).toInt()
            <= failures);
        {
            const json details = json::parse(
                scalar(h.tw.db(), QStringLiteral("SELECT details FROM exception WHERE category = 'target_outage'"))
                    .toString()
                    .toStdString());
            QCOMPARE(details.value("waiting", 0), 90);
            QVERIFY(details["probes"].is_array() && !details["probes"].empty());
            QVERIFY(!details.value("last_error", std::string()).empty());
        }
        // overview --json's source lists the open circuit.
        {
            auto o = read::overview(h.tw.db());
            QVERIFY2(o, o ? "" : qPrintable(o.error()));
            const json& circuits = o.value()["open_circuits"];
            QCOMPARE(circuits.size(), size_t(1));
            QCOMPARE(circuits[0].value("target", std::string()), std::string("MES-P100"));
            QCOMPARE(circuits[0].value("waiting", 0), 90);
            QVERIFY(!circuits[0].value("since", std::string()).empty());
            QVERIFY(!circuits[0].value("last_error", std::string()).empty());
        }

        // Recovery: the next probe gets through, the circuit closes and the backlog drains.
        QVERIFY(mes->goUp().ok());
        QElapsedTimer recovery;
        recovery.start();
        QVERIFY(runUntil(
            [&] {
                return count(h.tw.db(), QStringLiteral("delivery"),
                           QStringLiteral("target_id = 'MES-P100' AND status NOT IN ('acked','superseded')"))
                    == 0;
            },
            30000 + probeMaxMs));
        const qint64 drainedMs = recovery.elapsed();
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.dispatcher->stats().circuitsClosed, 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'delivery'")), 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'target_outage' AND status = 'resolved'")),
            1);
        const json resolved = json::parse(
            scalar(h.tw.db(), QStringLiteral("SELECT details FROM exception WHERE category = 'target_outage'"))
                .toString()
                .toStdString());
        // The incident lasted from the opening (at or before openSeenMs into the outage) to a probe after recovery.
        const std::int64_t durationMs = resolved.value("duration_ms", std::int64_t(0));
        QVERIFY2(durationMs >= downMs - openSeenMs - 50,
            qPrintable(QStringLiteral("duration_ms %1, down %2 ms, opened within %3 ms")
                           .arg(durationMs)
                           .arg(downMs)
                           .arg(openSeenMs)));
        // The outage KPIs read the dispatcher's incident: one ended outage of MES-P100, its duration the MTTR.
        {
            KpiOptions ko;
            auto k = computeKpis(h.tw.db(), ko);
            QVERIFY2(k, k ? "" : qPrintable(k.error()));
            const json& o = k.value()["outages"];
            QCOMPARE(o.value("down_now", -1), 0);
            QCOMPARE(o.value("resolved", -1), 1);
            QCOMPARE(o["mttr_ms"].get<std::int64_t>(), resolved["duration_ms"].get<std::int64_t>());
            QCOMPARE(o["by_target"]["MES-P100"]["outage_ms"].get<std::int64_t>(),
                resolved["duration_ms"].get<std::int64_t>());
        }
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'failed'")), 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("target_circuit"), QStringLiteral("state = 'open'")), 0);
        // Every object has its newest revision at the target, each delivery applied at most once, in order.
        for (int i = 0; i < 80; ++i) {
            const auto rec = mes->record(QStringLiteral("item"), QString::fromStdString(key(i)));
            QVERIFY(rec);
            const std::string want = i < 10 ? "Pump rev C" : i < 20 ? "Pump rev B" : "Pump rev A";
            QCOMPARE(rec->payload.value("description", std::string()), want);
        }
        verifyAppliedOnceInOrder(h, mes, QStringLiteral("MES-P100"));
        QCOMPARE(mes->totalApplied(),
            count(
                h.tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'MES-P100' AND status = 'acked'")));
        verifyCounters(h.tw.db());
        qInfo(
            "target down %lld ms under a backlog of %lld (probes %lld..%lld ms): %lld connection attempts while down"
            " (bound %lld; %lld probes in all), %lld incident(s) opened, %lld resolved (duration %lld ms), %lld failed"
            " deliveries, recovery to drained backlog %lld ms",
            static_cast<long long>(downMs), static_cast<long long>(backlog), static_cast<long long>(probeInitialMs),
            static_cast<long long>(probeMaxMs), static_cast<long long>(attemptsWhileDown),
            static_cast<long long>(bound), static_cast<long long>(h.dispatcher->stats().probes),
            static_cast<long long>(h.dispatcher->stats().circuitsOpened),
            static_cast<long long>(h.dispatcher->stats().circuitsClosed), static_cast<long long>(durationMs),
            static_cast<long long>(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'failed'"))),
            static_cast<long long>(drainedMs));
    }

    // Like the demo's ERP: 8 % of calls answer 5xx. Failures are isolated, so the circuit stays closed.
    void flakyTargetKeepsItsCircuitClosed()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP", { { "error_rate", 0.08 }, { "seed", 19 } });
        QVERIFY(erp);
        const ActiveConfig config = withCircuits(
            h.tw.config(), { { "ERP", { { "failures", 5 }, { "probe_initial_s", 0.2 }, { "probe_max_s", 0.8 } } } });
        DispatcherOptions o = fastOptions();
        o.retryable = { 20, 200, 0.2, 20 };
        QVERIFY(startWith(h, config, o));
        std::vector<std::string> lines;
        for (int i = 0; i < 300; ++i)
            lines.push_back(item(key(i), "Valve", { "P300" }));
        QVERIFY(h.ingest(lines));
        QVERIFY(h.runUntilIdle(60000));
        QVERIFY2(h.dispatcher->stats().retried > 0, "the target failed no call: the test would prove nothing");
        QCOMPARE(h.dispatcher->stats().circuitsOpened, 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'target_outage'")), 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'blocked_by_outage'")), 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'ERP' AND status = 'acked'")),
            300);
        verifyCounters(h.tw.db());
    }

    // Every call times out (the target answers after 400 ms, the connector waits 100 ms): the circuit opens after
    // `failures` calls and nothing but probes follows. The open circuit survives a restart of the dispatcher.
    void targetTimingOutOnEveryCallOpensItsCircuitAcrossRestarts()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* qms = h.addTarget("QMS", { { "latency_ms", { 400, 400 } } });
        QVERIFY(qms);
        auto c = RestConnector::create(
            "QMS", { { "kind", "rest" }, { "base_url", qms->baseUrl().toStdString() }, { "timeout_ms", 100 } });
        QVERIFY(c);
        h.connectors["QMS"] = std::move(c.value());
        const ActiveConfig config = withCircuits(
            h.tw.config(), { { "QMS", { { "failures", 4 }, { "probe_initial_s", 0.3 }, { "probe_max_s", 0.6 } } } });
        QVERIFY(startWith(h, config));
        std::vector<std::string> lines;
        for (int i = 0; i < 40; ++i)
            lines.push_back(item(key(i), "Gauge", { "P300" }));
        QVERIFY(h.ingest(lines));
        QVERIFY(runUntil([&] { return h.dispatcher->stats().circuitsOpened == 1; }, 5000));
        QVERIFY(runUntil([&] { return h.dispatcher->stats().probes >= 2; }, 5000));
        QVERIFY(h.dispatcher->stats().calls <= 4 + 2 + h.dispatcher->stats().probes);
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'failed'")), 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'target_outage' AND status = 'open'")),
            1);
        const QString lastError = scalar(h.tw.db(),
            QStringLiteral("SELECT last_error FROM target_circuit WHERE target_id = 'QMS' AND state = 'open'"))
                                      .toString();
        QVERIFY2(lastError.contains(QStringLiteral("time"), Qt::CaseInsensitive), qPrintable(lastError));

        // Restart: the new dispatcher starts with the circuit open (no new failures needed, no second incident).
        QVERIFY(runUntil([&] { return h.dispatcher->callsInFlight() == 0; }, 5000));
        h.dispatcher.reset();
        QVERIFY(startWith(h, config));
        const auto targets = h.dispatcher->targets();
        const auto qmsState
            = std::find_if(targets.begin(), targets.end(), [](const TargetState& t) { return t.id == "QMS"; });
        QVERIFY(qmsState != targets.end() && qmsState->circuitOpen);
        QTest::qWait(500);
        QCOMPARE(h.dispatcher->stats().circuitsOpened, 0);
        QVERIFY(h.dispatcher->stats().calls <= 2); // probes only

        // The target becomes fast: the next probe closes the circuit and everything arrives once.
        h.dispatcher.reset();
        auto* fast = h.replaceTarget("QMS");
        QVERIFY(fast);
        QVERIFY(startWith(h, config));
        QVERIFY(runUntil(
            [&] {
                return count(h.tw.db(), QStringLiteral("delivery"),
                           QStringLiteral("target_id = 'QMS' AND status NOT IN ('acked','superseded')"))
                    == 0;
            },
            20000));
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'target_outage' AND status = 'resolved'")),
            1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'delivery'")), 1);
        QCOMPARE(fast->totalApplied(), 40);
        verifyCounters(h.tw.db());
    }

    // Issue 19 item 3: the steward forces a probe from the incident. The schedule says 30 s; the request, made from the
    // steward's own session (on PostgreSQL their own login), makes the running dispatcher send exactly one probe at
    // once; a failing forced probe does not lengthen the schedule; an answered request is not answered again after a
    // restart; a request made while no dispatcher runs is answered at its start, and the answer closes the circuit.
    void stewardProbesAnOpenCircuitNow()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* mes = h.addTarget("MES-P100");
        QVERIFY(mes);
        const ActiveConfig config = withCircuits(h.tw.config(),
            { { "MES-P100", { { "failures", 2 }, { "probe_initial_s", 30 }, { "probe_max_s", 600 } } } });
        DispatcherOptions o = fastOptions();
        o.pauseRecheckMs = 50;
        mes->goDown();
        QVERIFY(startWith(h, config, o));
        std::vector<std::string> lines;
        for (int i = 0; i < 6; ++i)
            lines.push_back(item(key(i), "Pump rev A"));
        QVERIFY(h.ingest(lines));
        QVERIFY(runUntil([&] { return h.dispatcher->stats().circuitsOpened == 1; }, 5000));
        QVERIFY(runUntil([&] { return h.dispatcher->callsInFlight() == 0; }, 5000));
        QCOMPARE(h.dispatcher->stats().probes, 0);

        // Refused: a user without the role, then (with it) no reason, an unknown target, a closed circuit, a paused
        // target. Nothing is recorded.
        Workspace& steward = h.tw.as("steward1");
        const auto noRole = requestProbe(steward, "MES-P100", "steward1", "MES is back");
        QVERIFY2(!noRole.ok() && noRole.error().contains(QStringLiteral("steward1")), qPrintable(noRole.error()));
        QVERIFY(h.tw.makeAdmin("admin1").isEmpty());
        QVERIFY(grantRole(h.tw.as("admin1"), "admin1", "steward1", Role::Steward, "plant IT").ok());
        const auto noReason = requestProbe(steward, "MES-P100", "steward1", "");
        QVERIFY2(!noReason.ok() && noReason.error().contains(QStringLiteral("reason is required")),
            qPrintable(noReason.error()));
        const auto unknown = requestProbe(steward, "NOPE", "steward1", "x");
        QVERIFY2(!unknown.ok() && unknown.error().contains(QStringLiteral("unknown target system 'NOPE'")),
            qPrintable(unknown.error()));
        const auto closed = requestProbe(steward, "ERP", "steward1", "x");
        QVERIFY2(
            !closed.ok() && closed.error().contains(QStringLiteral("circuit is not open")), qPrintable(closed.error()));
        QVERIFY(setTargetPaused(steward, "MES-P100", true, "steward1", "maintenance").ok());
        const auto paused = requestProbe(steward, "MES-P100", "steward1", "x");
        QVERIFY2(!paused.ok() && paused.error().contains(QStringLiteral("paused")), qPrintable(paused.error()));
        QVERIFY(setTargetPaused(steward, "MES-P100", false, "steward1", "maintenance over").ok());
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'target.probe'")), 0);
        QVERIFY(
            scalar(h.tw.db(), QStringLiteral("SELECT probe_requested_at FROM system WHERE id = 'MES-P100'")).isNull());

        // Still down: one probe goes at once (not after 30 s), fails, and the interval stays 30 s.
        QVERIFY(requestProbe(steward, "MES-P100", "steward1", "MES says it is back").ok());
        QVERIFY(runUntil([&] { return h.dispatcher->stats().probes == 1; }, 10000));
        QVERIFY(runUntil(
            [&] {
                return count(h.tw.db(), QStringLiteral("exception"),
                           QStringLiteral("category = 'target_outage' AND details LIKE '%requested_at_ms%'"))
                    == 1;
            },
            5000));
        QTest::qWait(300); // several re-reads of the request: it is answered once, not again
        QCOMPARE(h.dispatcher->stats().probes, 1);
        QCOMPARE(h.dispatcher->stats().probeRequests, 1);
        QCOMPARE(h.dispatcher->stats().circuitsClosed, 0);
        QCOMPARE(scalar(h.tw.db(),
                     QStringLiteral("SELECT probe_interval_ms FROM target_circuit WHERE target_id = 'MES-P100'"))
                     .toLongLong(),
            30000);
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"),
                     QStringLiteral("action = 'target.probe' AND subject = 'target/MES-P100' AND actor = 'steward1'"
                                    " AND reason = 'MES says it is back'")),
            1);

        // A restart does not answer that request again.
        h.dispatcher.reset();
        QVERIFY(startWith(h, config, o));
        QTest::qWait(300);
        QCOMPARE(h.dispatcher->stats().probes, 0);

        // Requested while no dispatcher runs, with the target back: answered at start, the circuit closes and the
        // backlog arrives once.
        h.dispatcher.reset();
        QVERIFY(mes->goUp().ok());
        QVERIFY(requestProbe(steward, "MES-P100", "steward1", "MES restarted").ok());
        QVERIFY(startWith(h, config, o));
        QVERIFY(runUntil([&] { return h.dispatcher->stats().circuitsClosed == 1; }, 10000));
        QCOMPARE(h.dispatcher->stats().probes, 1);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(mes->totalApplied(), 6);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'target_outage' AND status = 'resolved'")),
            1);
        // Nothing left to probe: refused.
        const auto after = requestProbe(steward, "MES-P100", "steward1", "again");
        QVERIFY2(
            !after.ok() && after.error().contains(QStringLiteral("circuit is not open")), qPrintable(after.error()));
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'target.probe'")), 2);
        verifyCounters(h.tw.db());
    }
};

QTEST_GUILESS_MAIN(TestBreaker)
#include "tst_breaker.moc"
