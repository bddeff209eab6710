// bench_propagate: end-to-end propagation, durable and acked: N item events ingested (validated, merged,
// revision + 5-row outbox committed with synchronous=FULL) and delivered by the dispatcher to 5 loopback
// targets (bench_sink, a separate process), until every delivery's ack is committed.
//
// Modes (alternating with the baseline, medians reported):
//   calls  one HTTP call per delivery (the default connector behaviour);
//   batch  the targets opt in to micro-batching: deliveries due together go as one POST /api/item/_batch.
// Baseline, same run: a plain client with QNetworkAccessManager that PUTs each event to the 5 targets (8 calls in
// flight per target, the dispatcher's concurrency) and stores nothing: the network work alone.
// Figures: events/s (first ingest -> last ack committed), p50/p99 event -> all 5 acked (revision received_at ->
// the last of its 5 acked_at), peak RSS of this process (VmHWM, includes every run), ratio to the baseline.
//
// Open loop (--open-loop): after the runs above, each MDSync mode once more with the events offered at a fixed rate,
// half of that mode's median events/s (not a backlog): events are ingested when their time comes (every 5 ms, the
// events whose scheduled time has passed), and p50/p99 from each event's scheduled time to the last of its 5 acks
// are reported (so a feeder behind its schedule counts), with the largest lag of the feeder.
// The sink's own maximum (--sink-max): the plain client again with 32 calls in flight per target ("sinkmax"), and
// with POST /api/item/_batch of 100 items, 8 in flight per target ("sinkbatch"): what the sink can take, measured in
// the same run, to show it is not the limit of the MDSync modes.
//
// Usage: bench_propagate [--events N] [--repeat R] [--modes calls,batch] [--sink PATH] [--json] [--open-loop]
//                        [--sink-max]
// A fresh sink process and a fresh workspace per run (idempotency keys derive from revision ids, which restart
// in a fresh workspace). Exit 1 when a sanity check fails (not everything acked/applied), 2 on a setup error.

#include "benchlocation.h"

#include "config/configstore.h"
#include "connectors/connectorfactory.h"
#include "contract/contract.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"
#include "sync/dispatcher.h"
#include "sync/ingestpipeline.h"
#include "util/jsonfile.h"
#include "util/timeutil.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <time.h>

using namespace mdsync;
using json = nlohmann::json;

namespace {

constexpr int kTargets = 5;

[[noreturn]] void die(int code, const std::string& message)
{
    std::cerr << "bench_propagate: " << message << '\n';
    std::exit(code);
}

double cpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double peakRssMb()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atof(line.c_str() + 6) / 1024.0;
    return 0;
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
    return v[i];
}

double median(std::vector<double> v)
{
    return percentile(std::move(v), 0.5);
}

struct Sink
{
    std::unique_ptr<QProcess> proc;
    std::vector<int> ports;

    void start(const QString& path)
    {
        proc = std::make_unique<QProcess>();
        proc->setProcessChannelMode(QProcess::SeparateChannels);
        proc->start(
            path, { QStringLiteral("--targets"), QString::number(kTargets), QStringLiteral("--until-stdin-eof") });
        if (!proc->waitForStarted(10000))
            die(2, "cannot start the sink " + path.toStdString() + " (build target bench_sink, or pass --sink)");
        QElapsedTimer t;
        t.start();
        while (!proc->canReadLine() && t.elapsed() < 10000)
            proc->waitForReadyRead(200);
        const json j = json::parse(proc->readLine().toStdString(), nullptr, false);
        if (j.is_discarded() || !j.contains("ports"))
            die(2, "the sink did not print its ports");
        ports = j["ports"].get<std::vector<int>>();
    }
    json stop()
    {
        proc->closeWriteChannel();
        proc->waitForFinished(10000);
        const QByteArray rest = proc->readAllStandardOutput().trimmed();
        const auto lines = rest.split('\n');
        return lines.isEmpty() ? json() : json::parse(lines.last().toStdString(), nullptr, false);
    }
};

std::vector<std::string> makeEvents(int n, std::uint32_t salt)
{
    static const char* words[] = { "Pump", "Valve", "Motor", "Flange", "Seal", "Housing", "Shaft", "Bearing", "Gasket",
        "Impeller", "Coupling", "Sensor" };
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        const std::string key = "FG-" + std::to_string(salt) + "-" + std::to_string(100000 + i);
        json e = { { "event_id", "PLM-" + key }, { "source", "PLM" }, { "domain", "item" }, { "key", key },
            { "op", "upsert" }, { "occurred_at", "2026-11-28T08:00:00Z" },
            { "attributes",
                { { "description", std::string(words[i % 12]) + " " + words[(i / 12) % 12] + " T" + std::to_string(i) },
                    { "item_type", "FERT" }, { "material_group", "FG-PUMP" }, { "base_uom", "EA" },
                    { "net_weight", "12.5 kg" }, { "plants", { "P100" } }, { "lifecycle_status", "released" } } } };
        out.push_back(e.dump());
    }
    return out;
}

struct RunResult
{
    double eventsPerS = 0, p50 = 0, p99 = 0, wallS = 0, cpuS = 0;
    double offeredPerS = 0, maxLagMs = 0; // open loop: the fixed rate, and how far the feeder fell behind it
    std::int64_t applied = 0;
};

// The built-in landscape with 5 sink systems subscribed to items (no filters, no rate limits).
json benchLandscape(const std::vector<int>& ports, bool batch)
{
    auto doc = readJsonFile(QStringLiteral(":/mdsync/landscape/default-landscape.json"), QStringLiteral("built-in"));
    if (!doc)
        die(2, doc.error().toStdString());
    json land = doc.value();
    json subs = json::array();
    for (int i = 0; i < kTargets; ++i) {
        const std::string id = "SINK-" + std::to_string(i + 1);
        json conn = { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(ports[size_t(i)]) },
            { "timeout_ms", 30000 } };
        if (batch) {
            conn["batch_path"] = "/api/{domain}/_batch";
            conn["micro_batch"] = true;
        }
        land["systems"].push_back({ { "id", id }, { "name", "Bench sink " + std::to_string(i + 1) }, { "kind", "SaaS" },
            { "plants", json::array() }, { "max_concurrency", 8 }, { "inbound", false }, { "connector", conn } });
        subs.push_back({ { "domain", "item" }, { "target", id }, { "pattern", "event" }, { "sla_minutes", 15 },
            { "criticality", "high" }, { "contract_version", "1" } });
    }
    land["subscriptions"] = subs;
    return land;
}

// `rate` > 0: open loop, event i is offered at i / rate seconds; 0: as fast as the loop allows.
RunResult runMdsync(const QString& sinkPath, const std::vector<std::string>& events, bool batch, double rate = 0)
{
    Sink sink;
    sink.start(sinkPath);
    const bench::BenchLocation where(QStringLiteral("propagate"));
    const QString path = where.location();
    RunResult res;
    {
        auto model = CanonicalModel::builtin();
        if (!model)
            die(2, model.error().toStdString());
        auto land = Landscape::fromJson(benchLandscape(sink.ports, batch), QStringLiteral("bench"), model.value());
        if (!land)
            die(2, land.error().toStdString());
        auto ws = Workspace::create(path);
        if (!ws)
            die(2, ws.error().toStdString());
        if (auto r = installConfig(
                *ws.value(), model.value(), QStringLiteral("built-in"), land.value(), QStringLiteral("bench"), "bench");
            !r)
            die(2, r.error().toStdString());
        auto cfg = loadActiveConfig(*ws.value());
        if (!cfg)
            die(2, cfg.error().toStdString());
        IngestPipeline pipeline(*ws.value(), cfg.value());
        DispatcherOptions o;
        o.tickMs = 10;
        Dispatcher dispatcher(*ws.value(), cfg.value(), ContractSet {}, o);
        std::vector<std::unique_ptr<Connector>> connectors;
        for (const SystemDef& s : cfg->landscape->systems()) {
            if (s.id.rfind("SINK-", 0) != 0)
                continue;
            auto c = createConnector(s);
            if (!c)
                die(2, c.error().toStdString());
            dispatcher.setConnector(s.id, c.value().get());
            connectors.push_back(std::move(c).value());
        }
        if (auto r = dispatcher.start(); !r)
            die(2, r.error().toStdString());

        const std::int64_t expected = static_cast<std::int64_t>(events.size()) * kTargets;
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        const TimeMs startMs = nowMs(); // the open loop's schedule, in the clock of acked_at
        size_t fed = 0;
        std::int64_t acked = 0;
        QEventLoop loop;
        QTimer feeder;
        feeder.setInterval(rate > 0 ? 5 : 0);
        feeder.setTimerType(Qt::PreciseTimer);
        double maxLagMs = 0;
        QObject::connect(&feeder, &QTimer::timeout, &loop, [&] {
            if (fed < events.size()) {
                size_t n = std::min<size_t>(256, events.size() - fed);
                if (rate > 0) {
                    const double nowS = static_cast<double>(wall.nsecsElapsed()) / 1e9;
                    const size_t due = std::min(events.size(), static_cast<size_t>(nowS * rate) + 1);
                    if (due <= fed)
                        return;
                    n = due - fed;
                    maxLagMs = std::max(maxLagMs, (nowS - static_cast<double>(fed) / rate) * 1000.0);
                }
                std::vector<std::string> chunk(
                    events.begin() + static_cast<long>(fed), events.begin() + static_cast<long>(fed + n));
                IngestOptions io;
                io.sourceName = QStringLiteral("bench");
                auto r = pipeline.ingestLines(chunk, io);
                if (!r || r->revisions != static_cast<std::int64_t>(n))
                    die(1, "ingest failed or rejected events: " + (r ? r->toJson().dump() : r.error().toStdString()));
                fed += n;
                dispatcher.poke();
            } else {
                feeder.setInterval(20);
            }
        });
        res.offeredPerS = rate;
        QObject::connect(&dispatcher, &Dispatcher::outcomesCommitted, &loop, [&](int) {
            QSqlQuery q(ws.value()->db());
            if (q.exec(QStringLiteral("SELECT coalesce(sum(n), 0) FROM delivery_counter WHERE status = 'acked'"))
                && q.next())
                acked = q.value(0).toLongLong();
            if (acked >= expected)
                loop.quit();
        });
        QObject::connect(&dispatcher, &Dispatcher::storageFailed, &loop,
            [](const QString& m) { die(1, "dispatcher: " + m.toStdString()); });
        QTimer guard;
        guard.setSingleShot(true);
        guard.start(600000);
        QObject::connect(&guard, &QTimer::timeout, &loop, [&] {
            die(1, "not all acked after 10 minutes: " + std::to_string(acked) + " of " + std::to_string(expected));
        });
        feeder.start();
        loop.exec();
        res.wallS = static_cast<double>(wall.nsecsElapsed()) / 1e9;
        res.cpuS = cpuSeconds() - cpu0;
        res.eventsPerS = static_cast<double>(events.size()) / res.wallS;
        res.maxLagMs = maxLagMs;
        dispatcher.stop();

        // Closed loop: from the revision's received_at to the last acked_at. Open loop: from the event's scheduled
        // time (startMs + i / rate; i is the key's number), so that a feeder behind its schedule and the ingest count
        // too, to the commit of its last ack (object_target.updated_at is the commit's time; acked_at is when the
        // answer arrived, before its group commit).
        std::vector<double> lat;
        QSqlQuery q(ws.value()->db());
        if (!q.exec(QStringLiteral(
                "SELECT max(d.acked_at) - r.received_at, (SELECT max(ot.updated_at) FROM object_target ot"
                " WHERE ot.object_id = r.object_id AND ot.target_id LIKE 'SINK-%' AND ot.status = 'acked'), o.key"
                " FROM delivery d JOIN revision r ON r.id = d.revision_id JOIN object o ON o.id = r.object_id"
                " GROUP BY d.revision_id, r.received_at, r.object_id, o.key")))
            die(1, "latency query failed: " + q.lastError().text().toStdString());
        while (q.next()) {
            if (rate <= 0) {
                lat.push_back(q.value(0).toDouble());
                continue;
            }
            const std::string key = q.value(2).toString().toStdString();
            const double i = std::atof(key.c_str() + key.rfind('-') + 1) - 100000;
            lat.push_back(q.value(1).toDouble() - (static_cast<double>(startMs) + i * 1000.0 / rate));
        }
        res.p50 = percentile(lat, 0.50);
        res.p99 = percentile(lat, 0.99);
        if (static_cast<std::int64_t>(lat.size()) != static_cast<std::int64_t>(events.size()))
            die(1, "latency rows " + std::to_string(lat.size()) + " for " + std::to_string(events.size()) + " events");
    }
    const json stats = sink.stop();
    res.applied = stats.value("total_applied", std::int64_t(0));
    if (res.applied != static_cast<std::int64_t>(events.size()) * kTargets)
        die(1,
            "the sink applied " + std::to_string(res.applied) + " changes, expected "
                + std::to_string(events.size() * kTargets));
    return res;
}

// The network work alone: each event PUT to the 5 targets, at most `inFlightMax` calls in flight per target (8, the
// dispatcher's concurrency, for the baseline). `batchItems` > 1: the events go to each target as POST
// /api/item/_batch of that many items (the body the REST connector sends), for the sink's maximum in batches.
RunResult runBaseline(
    const QString& sinkPath, const std::vector<std::string>& events, int inFlightMax = 8, int batchItems = 1)
{
    Sink sink;
    sink.start(sinkPath);
    RunResult res;
    QNetworkAccessManager nam;
    struct Ev
    {
        std::string key;
        QByteArray body;
        int pending = kTargets;
        qint64 startNs = 0;
    };
    std::vector<Ev> evs;
    evs.reserve(events.size());
    for (const std::string& line : events) {
        const json e = json::parse(line);
        evs.push_back({ e["key"].get<std::string>(), QByteArray::fromStdString(e["attributes"].dump()), kTargets, 0 });
    }
    // Per target, the calls in order: each a run of consecutive events [first, first + count).
    std::vector<std::deque<std::pair<size_t, size_t>>> queues(kTargets);
    const size_t per = static_cast<size_t>(std::max(1, batchItems));
    for (size_t i = 0; i < evs.size(); i += per)
        for (auto& q : queues)
            q.emplace_back(i, std::min(per, evs.size() - i));
    std::vector<int> inFlight(kTargets, 0);
    std::vector<double> lat;
    size_t done = 0;
    QElapsedTimer wall;
    wall.start();
    const double cpu0 = cpuSeconds();
    QEventLoop loop;
    std::function<void(int)> pump = [&](int t) {
        while (inFlight[size_t(t)] < inFlightMax && !queues[size_t(t)].empty()) {
            const auto [first, count] = queues[size_t(t)].front();
            queues[size_t(t)].pop_front();
            for (size_t i = first; i < first + count; ++i)
                if (evs[i].startNs == 0)
                    evs[i].startNs = wall.nsecsElapsed();
            QNetworkReply* reply = nullptr;
            if (batchItems <= 1) {
                const Ev& ev = evs[first];
                QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1/api/item/%2")
                                             .arg(sink.ports[size_t(t)])
                                             .arg(QString::fromStdString(ev.key))));
                req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
                req.setRawHeader("Idempotency-Key", QByteArray::fromStdString(ev.key + ":" + std::to_string(t)));
                reply = nam.put(req, ev.body);
            } else {
                QByteArray body = "[";
                for (size_t i = first; i < first + count; ++i) {
                    if (i != first)
                        body += ',';
                    body += R"({"key":")" + QByteArray::fromStdString(evs[i].key) + R"(","op":"upsert","payload":)"
                        + evs[i].body + R"(,"idempotency_key":")"
                        + QByteArray::fromStdString(evs[i].key + ":" + std::to_string(t)) + "\"}";
                }
                body += ']';
                QNetworkRequest req(
                    QUrl(QStringLiteral("http://127.0.0.1:%1/api/item/_batch").arg(sink.ports[size_t(t)])));
                req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
                reply = nam.post(req, body);
            }
            ++inFlight[size_t(t)];
            QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, first, count, t] {
                reply->deleteLater();
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
                    die(1, "baseline: the sink answered " + reply->errorString().toStdString());
                --inFlight[size_t(t)];
                for (size_t i = first; i < first + count; ++i) {
                    if (--evs[i].pending == 0) {
                        lat.push_back(static_cast<double>(wall.nsecsElapsed() - evs[i].startNs) / 1e6);
                        ++done;
                    }
                }
                if (done == evs.size())
                    loop.quit();
                pump(t);
            });
        }
    };
    for (int t = 0; t < kTargets; ++t)
        pump(t);
    loop.exec();
    res.wallS = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    res.cpuS = cpuSeconds() - cpu0;
    res.eventsPerS = static_cast<double>(events.size()) / res.wallS;
    res.p50 = percentile(lat, 0.5);
    res.p99 = percentile(lat, 0.99);
    const json stats = sink.stop();
    res.applied = stats.value("total_applied", std::int64_t(0));
    if (res.applied != static_cast<std::int64_t>(events.size()) * kTargets)
        die(1, "baseline: the sink applied " + std::to_string(res.applied));
    return res;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    int n = 5000, repeat = 3;
    bool asJson = false;
    bool openLoop = false;
    bool sinkMax = false;
    std::vector<std::string> modes = { "calls", "batch" };
    QString sinkPath = QCoreApplication::applicationDirPath() + QStringLiteral("/bench_sink");
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                die(2, a + " needs a value");
            return argv[++i];
        };
        if (a == "--events")
            n = std::atoi(value().c_str());
        else if (a == "--repeat")
            repeat = std::atoi(value().c_str());
        else if (a == "--sink")
            sinkPath = QString::fromStdString(value());
        else if (a == "--backend") {
            const std::string b = value();
            if (b != "sqlite" && b != "postgres")
                die(2, "--backend takes sqlite or postgres, not " + b);
            bench::g_postgres = b == "postgres";
        } else if (a == "--json")
            asJson = true;
        else if (a == "--open-loop")
            openLoop = true;
        else if (a == "--sink-max")
            sinkMax = true;
        else if (a == "--modes") {
            modes.clear();
            std::string v = value();
            for (size_t p = 0; p <= v.size();) {
                const size_t c = std::min(v.find(',', p), v.size());
                modes.push_back(v.substr(p, c - p));
                p = c + 1;
            }
        } else
            die(2,
                "unknown option " + a
                    + " (usage: bench_propagate [--events N] [--repeat R] [--modes calls,batch]"
                      " [--sink PATH] [--json] [--backend sqlite|postgres] [--open-loop] [--sink-max])");
    }
    if (n <= 0 || repeat <= 0)
        die(2, "--events and --repeat must be positive");
    for (const auto& m : modes)
        if (m != "calls" && m != "batch")
            die(2, "unknown mode " + m);
    if (sinkMax)
        for (const char* m : { "sinkmax", "sinkbatch" })
            modes.emplace_back(m);
    ensureBuiltinResources();

    std::map<std::string, std::vector<RunResult>> results;
    std::uint32_t salt = 1;
    for (int r = 0; r < repeat; ++r) {
        // Alternate the order (B M..., M... B) so a noisy minute hurts both sides.
        std::vector<std::string> order = modes;
        if (r % 2 == 0)
            order.insert(order.begin(), "baseline");
        else
            order.push_back("baseline");
        for (const std::string& m : order) {
            const auto events = makeEvents(n, salt++);
            RunResult res;
            if (m == "baseline")
                res = runBaseline(sinkPath, events);
            else if (m == "sinkmax")
                res = runBaseline(sinkPath, events, 32);
            else if (m == "sinkbatch")
                res = runBaseline(sinkPath, events, 8, 100);
            else
                res = runMdsync(sinkPath, events, m == "batch");
            std::fprintf(stderr, "  run %d %-8s %8.0f events/s  p50 %7.1f ms  p99 %7.1f ms  wall %.2f s  cpu %.2f s\n",
                r + 1, m.c_str(), res.eventsPerS, res.p50, res.p99, res.wallS, res.cpuS);
            results[m].push_back(res);
        }
    }
    auto med = [&](const std::string& m, double RunResult::*f) {
        std::vector<double> v;
        for (const RunResult& r : results[m])
            v.push_back(r.*f);
        return median(v);
    };
    // Open loop: each MDSync mode at half its median rate, once.
    std::map<std::string, RunResult> open;
    if (openLoop) {
        for (const std::string& m : modes) {
            if (m != "calls" && m != "batch")
                continue;
            const double rate = med(m, &RunResult::eventsPerS) / 2;
            const RunResult res = runMdsync(sinkPath, makeEvents(n, salt++), m == "batch", rate);
            std::fprintf(stderr,
                "  open loop %-8s offered %6.0f events/s, done %6.0f events/s  p50 %7.1f ms  p99 %7.1f ms  feeder "
                "behind by at most %.1f ms  cpu %.2f s\n",
                m.c_str(), rate, res.eventsPerS, res.p50, res.p99, res.maxLagMs, res.cpuS);
            open[m] = res;
        }
    }
    const double base = med("baseline", &RunResult::eventsPerS);
    json out = { { "bench", "bench_propagate" }, { "backend", bench::g_postgres ? "postgres" : "sqlite" },
        { "events", n }, { "repeat", repeat }, { "targets", kTargets }, { "peak_rss_mb", peakRssMb() },
        { "nproc", std::thread::hardware_concurrency() }, { "date", formatRfc3339(nowMs()) } };
    for (const auto& [m, list] : results) {
        out[m] = { { "events_per_s", med(m, &RunResult::eventsPerS) }, { "p50_ms", med(m, &RunResult::p50) },
            { "p99_ms", med(m, &RunResult::p99) }, { "cpu_s", med(m, &RunResult::cpuS) },
            { "ratio_to_baseline", base > 0 ? med(m, &RunResult::eventsPerS) / base : 0.0 },
            { "durable", m == "calls" || m == "batch" } };
    }
    for (const auto& [m, r] : open)
        out["open_loop"][m] = { { "offered_per_s", r.offeredPerS }, { "p50_ms", r.p50 }, { "p99_ms", r.p99 },
            { "feeder_max_lag_ms", r.maxLagMs }, { "cpu_s", r.cpuS } };
    if (asJson) {
        std::cout << out.dump() << '\n';
    } else {
        std::cout << "bench_propagate (" << (bench::g_postgres ? "PostgreSQL" : "SQLite") << "): " << n << " events x "
                  << kTargets << " targets, " << repeat << " repeats, medians (peak RSS "
                  << static_cast<int>(out["peak_rss_mb"].get<double>()) << " MB)\n";
        for (const auto& [m, list] : results) {
            const json& j = out[m];
            std::printf("  %-8s %8.0f events/s  p50 %7.1f ms  p99 %7.1f ms  x%.2f of baseline%s\n", m.c_str(),
                j["events_per_s"].get<double>(), j["p50_ms"].get<double>(), j["p99_ms"].get<double>(),
                j["ratio_to_baseline"].get<double>(),
                j["durable"].get<bool>() ? "  (durable, acked)" : "  (not durable)");
        }
        for (const auto& [m, r] : open)
            std::printf("  open loop %-8s at %6.0f events/s (half of its maximum): p50 %7.1f ms  p99 %7.1f ms  (feeder "
                        "behind its schedule by at most %.1f ms)\n",
                m.c_str(), r.offeredPerS, r.p50, r.p99, r.maxLagMs);
    }
    return 0;
}
