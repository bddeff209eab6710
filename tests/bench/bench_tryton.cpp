// bench_tryton: items/s synced into a real Tryton 6.0 (SQLite backend, 127.0.0.1) by MDSync, against a plain
// batched JSON-RPC client creating the same records, same run, same server, each in its own fresh database.
//
// MDSync: N item change events (as PLM sends them) through the ingest pipeline (validated, merged, revision and
// outbox committed), the dispatcher (micro-batches of --batch deliveries, one call in flight: Tryton's SQLite
// database has one writer) and the Tryton connector (upsert by code: one search_read + one create per batch),
// until every ERP delivery is acknowledged and committed. The landscape is the built-in one with the ERP as the
// Tryton target (contract tryton-1); the other subscribers keep their placeholder addresses (not connected), so
// ingest still writes their outbox rows (item: ERP + MES-P100, WMS-P100, QMS, ANALYTICS) as in production.
// Baseline: a plain client that logs in once, looks up the two units once, and creates the same product.template
// records (with their variant) with one create call per --batch records, one call at a time. Nothing else.
// Both databases are warmed (loaded by the server) before timing. Ratio = MDSync items/s / baseline items/s.
//
// Usage: bench_tryton [--items N] [--batch B] [--repeat R] [--ingest-chunk C] [--concurrency K] [--json]
// Defaults: 2000 items, batches of 200, 3 repeats (alternating order, medians; two fresh databases per repeat).
// The events are ingested C at a time (default = B) while the dispatcher runs, as from a feed: the next chunk is
// ingested while a batch is in Tryton. --ingest-chunk 0: the whole file first, then the deliveries.
// --concurrency K: the ERP's max_concurrency (default 1; the baseline always has one call in flight).
// Needs Tryton installed (tests/tryton/tryton-env.sh install); starts its own server with `tryton-env.sh serve`.
// Exit 1 when a sanity check fails (counts or records differ), 2 on a setup error.

#include "connectors/tryton/trytonserver.h"
#include "engine/embeddedcore.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"
#include "sync/dispatcher.h"
#include "sync/ingestpipeline.h"
#include "trytonrpc.h"
#include "util/jsonfile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryDir>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

using namespace mdsync;
using json = nlohmann::json;

namespace {

int setupError(const QString& what)
{
    std::fprintf(stderr, "bench_tryton: %s\n", qPrintable(what));
    return 2;
}

// A plain, blocking JSON-RPC client with one session.
class Rpc : public mdsync::test::PlainTrytonRpc
{
public:
    Rpc(const QString& baseUrl, const QString& db)
        : PlainTrytonRpc(QUrl(baseUrl + QLatin1Char('/') + db + QLatin1Char('/')), json::object(), 120000)
    { }
};

std::string itemKey(int i)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "BENCH-%06d", i);
    return buf;
}

json itemAttributes(int i)
{
    return { { "description", "Bench item " + std::to_string(i) }, { "item_type", "FERT" },
        { "material_group", "FG-PUMP" }, { "base_uom", "EA" },
        { "net_weight", { { "value", 1.0 + (i % 100) / 4.0 }, { "unit", "kg" } } }, { "plants", { "P100" } },
        { "lifecycle_status", "released" } };
}

json decimal(const std::string& v)
{
    return { { "__class__", "Decimal" }, { "decimal", v } };
}

// The baseline: the same product.template values the Tryton contract produces, created in batches.
Result<double> runPlain(const QString& baseUrl, const QString& db, int items, int batch)
{
    Rpc rpc(baseUrl, db);
    std::string e;
    const json uoms = rpc.call("model.product.uom.search_read",
        json::array({ json::array({ json::array({ "symbol", "in", json::array({ "u", "g", "cm", "l" }) }) }), 0,
            nullptr, nullptr, json::array({ "symbol" }) }),
        &e);
    if (!uoms.is_array() || uoms.size() < 4)
        return makeError(QStringLiteral("plain client: unit look-up failed: %1").arg(QString::fromStdString(e)));
    std::map<std::string, int> uom;
    for (const json& u : uoms)
        uom[u["symbol"].get<std::string>()] = u["id"].get<int>();
    QElapsedTimer t;
    t.start();
    for (int from = 0; from < items; from += batch) {
        json vals = json::array();
        for (int i = from; i < std::min(items, from + batch); ++i) {
            const json a = itemAttributes(i);
            vals.push_back({ { "code", itemKey(i) }, { "name", a["description"] }, { "type", "goods" },
                { "default_uom", uom["u"] }, { "purchase_uom", uom["u"] }, { "list_price", decimal("0") },
                { "weight", a["net_weight"]["value"].get<double>() * 1000.0 }, { "weight_uom", uom["g"] },
                { "length_uom", uom["cm"] }, { "width_uom", uom["cm"] }, { "height_uom", uom["cm"] },
                { "volume_uom", uom["l"] }, { "active", true },
                { "products", json::array({ json::array({ "create", json::array({ json::object() }) }) }) } });
        }
        const json ids = rpc.call("model.product.template.create", json::array({ vals }), &e);
        if (!ids.is_array() || ids.size() != vals.size())
            return makeError(QStringLiteral("plain client: create failed: %1").arg(QString::fromStdString(e)));
    }
    return t.nsecsElapsed() / 1e9;
}

struct MdsyncRun
{
    double seconds = 0, ingestSeconds = 0;
    std::int64_t calls = 0;
};

Result<MdsyncRun> runMdsync(const QString& baseUrl, const QString& db, int items, int batch, int ingestChunk,
    int concurrency, const QString& tmp)
{
    auto model = CanonicalModel::builtin();
    if (!model)
        return makeError(model.error());
    auto base = Landscape::builtin(model.value());
    if (!base)
        return makeError(base.error());
    json l = base->document();
    for (auto& s : l["systems"])
        if (s["id"] == "ERP") {
            s["connector"]
                = { { "kind", "tryton" }, { "base_url", baseUrl.toStdString() }, { "database", db.toStdString() },
                      { "user_env", "MDSYNC_BENCH_TRYTON_USER" }, { "password_env", "MDSYNC_BENCH_TRYTON_PASSWORD" },
                      { "company", 1 }, { "batch_size", batch }, { "timeout_ms", 120000 }, { "micro_batch", true } };
            s.erase("rate_limit");
            s["max_concurrency"] = concurrency;
        }
    for (auto& s : l["subscriptions"])
        if (s["target"] == "ERP")
            s["contract_version"] = "tryton-1";
    const QString landscapeFile = tmp + QStringLiteral("/landscape.json");
    {
        QFile f(landscapeFile);
        if (!f.open(QIODevice::WriteOnly))
            return makeError(QStringLiteral("cannot write %1").arg(landscapeFile));
        f.write(QByteArray::fromStdString(l.dump()));
    }
    const QString path = tmp + QStringLiteral("/bench.mdsync");
    if (auto r = initWorkspace(path, {}, landscapeFile, "bench"); !r)
        return makeError(r.error());
    qputenv("MDSYNC_BENCH_TRYTON_USER", "admin");
    qputenv("MDSYNC_BENCH_TRYTON_PASSWORD", "admin");
    DispatcherOptions o;
    o.maxBatchItems = batch;
    auto core = openEmbeddedCore(path, o, true);
    if (!core)
        return makeError(core.error());
    EmbeddedCore& c = *core.value();
    if (!c.connectors.count("ERP"))
        return makeError(QStringLiteral("ERP not connected: %1").arg(c.notes.empty() ? QString() : c.notes.front()));
    std::vector<std::string> lines;
    lines.reserve(static_cast<size_t>(items));
    for (int i = 0; i < items; ++i)
        lines.push_back(json({ { "event_id", "bench-" + std::to_string(i) }, { "source", "PLM" }, { "domain", "item" },
                                 { "key", itemKey(i) }, { "op", "upsert" }, { "occurred_at", "2026-11-27T08:00:00Z" },
                                 { "attributes", itemAttributes(i) } })
                            .dump());
    MdsyncRun run;
    QElapsedTimer t;
    t.start();
    IngestOptions io;
    io.sourceName = QStringLiteral("bench.jsonl");
    io.actor = "bench";
    if (auto r = c.dispatcher->start(); !r)
        return makeError(r.error());
    // Events arrive in chunks (as from a feed); the dispatcher sends while the next chunk is ingested.
    const size_t chunk = ingestChunk > 0 ? static_cast<size_t>(ingestChunk) : lines.size();
    size_t next = 0;
    int accepted = 0;
    qint64 ingestNs = 0;
    while (c.dispatcher->stats().acked + c.dispatcher->stats().failed < items && t.elapsed() < 600000
        && c.dispatcher->lastError().isEmpty()) {
        if (next < lines.size()) {
            QElapsedTimer it;
            it.start();
            const std::vector<std::string> part(lines.begin() + static_cast<std::ptrdiff_t>(next),
                lines.begin() + static_cast<std::ptrdiff_t>(std::min(lines.size(), next + chunk)));
            auto ingested = c.pipeline->ingestLines(part, io);
            if (!ingested)
                return makeError(ingested.error());
            accepted += ingested->accepted;
            next += part.size();
            ingestNs += it.nsecsElapsed();
            c.dispatcher->poke();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        } else {
            QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 5);
        }
    }
    run.ingestSeconds = ingestNs / 1e9;
    if (accepted != items)
        return makeError(QStringLiteral("ingest accepted %1 of %2").arg(accepted).arg(items));
    c.dispatcher->stop();
    if (auto r = c.dispatcher->flush(); !r)
        return makeError(r.error());
    run.seconds = t.nsecsElapsed() / 1e9;
    run.calls = c.dispatcher->stats().calls;
    if (!c.dispatcher->lastError().isEmpty())
        return makeError(c.dispatcher->lastError());
    if (c.dispatcher->stats().acked != items)
        return makeError(QStringLiteral("%1 of %2 deliveries acknowledged, %3 failed")
                             .arg(c.dispatcher->stats().acked)
                             .arg(items)
                             .arg(c.dispatcher->stats().failed));
    return run;
}

// A record as stored, for the parity check of the two runs.
json storedItem(Rpc& rpc, const std::string& code)
{
    const json r = rpc.call("model.product.template.search_read",
        json::array({ json::array({ json::array({ "code", "=", code }) }), 0, nullptr, nullptr,
            json::array({ "code", "name", "type", "default_uom.symbol", "purchase_uom.symbol", "list_price", "weight",
                "weight_uom.symbol", "length_uom.symbol", "volume_uom.symbol", "active", "purchasable",
                "producible" }) }));
    if (!r.is_array() || r.size() != 1)
        return nullptr;
    json x = r[0];
    x.erase("id");
    for (const char* f : { "default_uom.", "purchase_uom.", "weight_uom.", "length_uom.", "volume_uom." })
        if (x.contains(f) && x[f].is_object())
            x[f].erase("id");
    return x;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    int items = 2000, batch = 200, repeat = 3, ingestChunk = -1, concurrency = 1;
    bool asJson = false;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--items") && i + 1 < args.size())
            items = args[++i].toInt();
        else if (args[i] == QLatin1String("--batch") && i + 1 < args.size())
            batch = args[++i].toInt();
        else if (args[i] == QLatin1String("--repeat") && i + 1 < args.size())
            repeat = args[++i].toInt();
        else if (args[i] == QLatin1String("--concurrency") && i + 1 < args.size())
            concurrency = args[++i].toInt();
        else if (args[i] == QLatin1String("--ingest-chunk") && i + 1 < args.size())
            ingestChunk = args[++i].toInt();
        else if (args[i] == QLatin1String("--json"))
            asJson = true;
        else
            return setupError(QStringLiteral("usage: bench_tryton [--items N] [--batch B] [--repeat R] [--ingest-chunk "
                                             "C] [--concurrency K] [--json]"));
    }
    if (ingestChunk < 0)
        ingestChunk = batch;
    if (items <= 0 || batch <= 0 || repeat <= 0 || concurrency <= 0)
        return setupError(QStringLiteral("--items, --batch and --repeat must be positive"));

    LocalTrytonServer server;
    QElapsedTimer setup;
    setup.start();
    if (auto r = server.start(); !r)
        return setupError(r.error());
    std::cerr << "bench_tryton: Tryton on " << server.baseUrl().toStdString() << " ready after "
              << setup.elapsed() / 1000.0 << " s; " << items << " items, batches of " << batch << ", " << repeat
              << " repeat(s)\n";

    std::vector<double> plainRates, mdRates, ratios, ingestSeconds;
    std::int64_t calls = 0;
    bool ok = true;
    for (int rep = 0; rep < repeat; ++rep) {
        const QString plainDb = QStringLiteral("bench_plain_%1").arg(rep),
                      mdDb = QStringLiteral("bench_mdsync_%1").arg(rep);
        for (const QString& db : { plainDb, mdDb }) {
            if (auto r = server.newDatabase(db); !r)
                return setupError(r.error());
            // The server loads a database on its first call (about 2 s): warm it before timing.
            Rpc warm(server.baseUrl(), db);
            std::string e;
            if (!warm.call("model.product.uom.search_count", json::array({ json::array() }), &e).is_number())
                return setupError(QStringLiteral("warming %1: %2").arg(db, QString::fromStdString(e)));
        }
        // Alternate the order (A B, B A, ...) so that a noisy minute hurts both sides.
        Result<double> plain = makeError(QString());
        Result<MdsyncRun> md = makeError(QString());
        QTemporaryDir tmp;
        if (!tmp.isValid())
            return setupError(QStringLiteral("no temporary directory"));
        for (int side = 0; side < 2; ++side) {
            if ((side == 0) == (rep % 2 == 0))
                plain = runPlain(server.baseUrl(), plainDb, items, batch);
            else
                md = runMdsync(server.baseUrl(), mdDb, items, batch, ingestChunk, concurrency, tmp.path());
        }
        if (!plain)
            return setupError(plain.error());
        if (!md)
            return setupError(md.error());

        // Sanity: both databases hold the N items, and a sample of them is stored identically.
        Rpc a(server.baseUrl(), plainDb), b(server.baseUrl(), mdDb);
        const json like = json::array({ json::array({ json::array({ "code", "like", "BENCH-%" }) }) });
        const json na = a.call("model.product.product.search_count", like),
                   nb = b.call("model.product.product.search_count", like);
        if (na != json(items) || nb != json(items)) {
            std::fprintf(stderr, "bench_tryton: variants: plain %s, MDSync %s, expected %d\n", na.dump().c_str(),
                nb.dump().c_str(), items);
            ok = false;
        }
        for (int i : { 0, items / 2, items - 1 }) {
            const json ra = storedItem(a, itemKey(i)), rb = storedItem(b, itemKey(i));
            if (ra.is_null() || ra != rb) {
                std::fprintf(stderr, "bench_tryton: %s differs:\n  plain  %s\n  MDSync %s\n", itemKey(i).c_str(),
                    ra.dump().c_str(), rb.dump().c_str());
                ok = false;
            }
        }
        plainRates.push_back(items / plain.value());
        mdRates.push_back(items / md->seconds);
        ratios.push_back(mdRates.back() / plainRates.back());
        ingestSeconds.push_back(md->ingestSeconds);
        calls = md->calls;
        std::cerr << "bench_tryton: run " << rep + 1 << ": plain " << plainRates.back() << " items/s, MDSync "
                  << mdRates.back() << " items/s (ingest " << md->ingestSeconds << " s), ratio " << ratios.back()
                  << '\n';
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
    };
    const double plainRate = median(plainRates), mdRate = median(mdRates), ratio = median(ratios);
    if (asJson) {
        std::cout << json(
            { { "items", items }, { "batch", batch }, { "ingest_chunk", ingestChunk }, { "repeat", repeat },
                { "plain_items_per_s", plainRate }, { "mdsync_items_per_s", mdRate },
                { "mdsync_ingest_seconds", median(ingestSeconds) }, { "mdsync_connector_calls", calls },
                { "ratio", ratio }, { "ratios", ratios }, { "records_match", ok } })
                         .dump()
                  << '\n';
    } else {
        std::printf("items %d, batches of %d, ingest chunks of %d, Tryton 6.0 SQLite on loopback, median of %d\n",
            items, batch, ingestChunk, repeat);
        std::printf("  plain JSON-RPC client  %8.1f items/s\n", plainRate);
        std::printf("  MDSync                 %8.1f items/s  (ingest %.2f s of it; %lld dispatcher calls)\n", mdRate,
            median(ingestSeconds), static_cast<long long>(calls));
        std::printf("  ratio MDSync / plain   %8.1f %%  (goal >= 80 %%; per run:", ratio * 100);
        for (double r : ratios)
            std::printf(" %.1f", r * 100);
        std::printf(")  records identical: %s\n", ok ? "yes" : "NO");
    }
    return ok ? 0 : 1;
}
