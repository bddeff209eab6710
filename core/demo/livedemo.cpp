#include "demo/livedemo.h"

#include "connectors/restconnector.h"
#include "demo/simulatedsystem.h"
#include "engine/embeddedcore.h"
#include "util/timeutil.h"

#include <QTimer>

#include <algorithm>
#include <array>

namespace mdsync {

namespace {

using json = nlohmann::json;

std::string padded(int n, int width)
{
    std::string s = std::to_string(n);
    return std::string(static_cast<size_t>(std::max(0, width - static_cast<int>(s.size()))), '0') + s;
}

} // namespace

LiveDemo::LiveDemo(IngestPipeline& pipeline, LiveDemoOptions options, QObject* parent)
    : DemoTraffic(parent)
    , m_pipeline(pipeline)
    , m_o(options)
    , m_rng(options.seed)
{
    m_timer = new QTimer(this);
    m_timer->setInterval(m_o.eventIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &LiveDemo::step);
}

LiveDemo::~LiveDemo()
{
    m_timer->stop();
    m_connectors.clear();
}

// Each system's own schema and behaviour. Field names are the targets' (after the contracts in
// resources/contracts): WMS wants storageClass; MES takes released items only; analytics is slow; QMS and
// WMS rate-limit below what the landscape allows; ERP fails now and then; MES Brno has an outage.
json LiveDemo::systemsConfig(bool faults)
{
    json erp = { { "id", "ERP" }, { "latency_ms", { 5, 40 } } };
    json mes1 = { { "id", "MES-P100" }, { "latency_ms", { 10, 60 } },
        { "rules", { { "item", { { "accepted", { { "status", { "RELEASED", "LOCKED" } } } } } } } } };
    json mes2 = mes1;
    mes2["id"] = "MES-P200";
    // WMS cannot take a blocked item through its interface (status BLOCKED): a steward must act.
    json wms = {
        { "id", "WMS-P100" }, { "latency_ms", { 5, 30 } },
        { "rules",
            { { "item",
                { { "required", { "storageClass" } }, { "accepted", { { "status", { "ACTIVE", "INACTIVE" } } } } } } } }
    };
    json qms = { { "id", "QMS" }, { "latency_ms", { 20, 120 } } };
    json analytics = { { "id", "ANALYTICS" }, { "latency_ms", { 800, 1500 } } };
    if (faults) {
        erp["error_rate"] = 0.08;
        mes2["outages"] = json::array({ { { "after_requests", 25 }, { "for_ms", 20000 } } });
        wms["rate_limit"] = { { "per_second", 3 }, { "burst", 3 } };
        qms["rate_limit"] = { { "per_second", 2 }, { "burst", 4 } };
        // After an upgrade QMS wants an inspection plan on every item (schema drift): inspectionPlan, its field for
        // the canonical inspection_plan (contract item->QMS v1).
        qms["drift_after_requests"] = 150;
        qms["drift"] = { { "item", { { "require", { "inspectionPlan" } } } } };
    }
    return json::array({ erp, mes1, mes2, wms, qms, analytics });
}

json LiveDemo::connectorConfig(const std::string& systemId, quint16 port)
{
    json cfg = { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(port) }, { "timeout_ms", 5000 },
        { "read_back", true } };
    if (systemId == "ANALYTICS")
        cfg["batch_path"] = "/api/{domain}/_batch";
    return cfg;
}

Result<void> LiveDemo::startSystems()
{
    if (m_systems)
        return {};
    auto* systems = new SimulatedLandscape(this);
    auto ports = systems->start(systemsConfig(m_o.faults));
    if (!ports) {
        delete systems;
        return makeError(QStringLiteral("live demo: ") + ports.error());
    }
    for (auto it = ports.value().cbegin(); it != ports.value().cend(); ++it) {
        const std::string id = it.key().toStdString();
        auto c = RestConnector::create(id, connectorConfig(id, it.value()));
        if (!c) {
            delete systems;
            m_connectors.clear();
            return makeError(QStringLiteral("live demo: connector for %1: %2").arg(it.key(), c.error()));
        }
        m_connectors[id] = std::move(c.value());
    }
    m_systems = systems;
    return {};
}

Connector* LiveDemo::connector(const std::string& systemId) const
{
    auto it = m_connectors.find(systemId);
    return it == m_connectors.end() ? nullptr : it->second.get();
}

std::vector<std::string> LiveDemo::systemIds() const
{
    std::vector<std::string> out;
    for (const auto& [id, c] : m_connectors)
        out.push_back(id);
    return out;
}

SimulatedSystem* LiveDemo::system(const std::string& systemId) const
{
    return m_systems ? m_systems->system(QString::fromStdString(systemId)) : nullptr;
}

void LiveDemo::startTraffic()
{
    m_timer->start();
}

void LiveDemo::stopTraffic()
{
    m_timer->stop();
}

std::string LiveDemo::nowText() const
{
    return formatRfc3339(nowMs());
}

std::string LiveDemo::next(const std::string& source)
{
    return source + "-D" + padded(++m_eventNo, 6);
}

// Builds the next story (a few steps) and appends its steps to the queue. Stories, in rotation: a new
// product introduction (items, BOM, routing, later releases and ERP financials), a customer from CRM,
// supplier onboarding (portal -> ERP -> QMS), a lifecycle change, and now and then an event with a mistake.
void LiveDemo::queueStory()
{
    const int n = ++m_story;
    const std::string t = nowText();
    auto ev = [&](const std::string& source, const std::string& domain, const std::string& key, json attrs,
                  const std::string& corr) {
        json e = { { "event_id", next(source) }, { "source", source }, { "domain", domain }, { "key", key },
            { "op", "upsert" }, { "occurred_at", t }, { "correlation_id", corr }, { "attributes", std::move(attrs) } };
        return e.dump();
    };
    std::uniform_int_distribution<int> pick(0, 99);
    const int kind = n % 6;
    if (kind == 0 || kind == 3) {
        // New product introduction at one or both plants.
        const std::string base = padded(n, 4);
        const std::string fg = "FG-D" + base;
        const std::string sa = "SA-D" + base;
        const std::string rm = "RM-D" + base;
        const std::string ec = "EC-D" + base;
        const std::string plant = (n % 4 == 0) ? "P200" : "P100";
        const std::string corr = "npi-" + fg;
        const json plants = json::array({ plant });
        auto item = [&](const std::string& desc, const char* type, const char* group, const char* state, json weight,
                        const char* baseUom = "EA") {
            return json { { "description", desc }, { "item_type", type }, { "material_group", group },
                { "base_uom", baseUom }, { "net_weight", std::move(weight) }, { "plants", plants },
                { "lifecycle_status", state } };
        };
        m_queue.push_back({ ev("PLM", "item", rm,
                                item("Bar stock 1.4404 D" + std::to_string(20 + n % 40) + " lot " + base, "ROH",
                                    "RAW-STEEL", "released", "1 kg", "kg"), // bar stock is kept in kg, used in kg
                                corr),
            ev("PLM", "item", ec,
                item("Motor IE3 " + std::to_string(1 + n % 9) + " kW type " + base, "HALB", "ELEC-COMP", "released",
                    "14 kg"),
                corr) });
        // The sub-assembly stays in review for a while: the BOM waits for it at MES (a hold, not a failure).
        m_queue.push_back(
            { ev("PLM", "item", sa, item("Pump housing machined H" + base, "HALB", "SEMI-MACH", "in_review", "8.2 kg"),
                  corr),
                ev("PLM", "item", fg,
                    item("Centrifugal pump CP-" + std::to_string(100 + n), "FERT", "FG-PUMP", "released", "52 kg"),
                    corr) });
        json comps = json::array();
        int pos = 10;
        for (const std::string& c : { sa, ec, rm }) {
            comps.push_back({ { "position", pos }, { "component", c }, { "quantity", c == rm ? 0.4 : 1 },
                { "uom", c == rm ? "kg" : "EA" }, { "item_category", "L" } });
            pos += 10;
        }
        m_queue.push_back({ ev("PLM", "bom", fg + "/" + plant + "/1",
                                { { "parent_item", fg }, { "plant", plant }, { "usage", "production" },
                                    { "base_quantity", 1 }, { "base_uom", "EA" },
                                    { "description", "CP-" + std::to_string(100 + n) + " production BOM" },
                                    { "components", comps }, { "lifecycle_status", "released" } },
                                corr),
            ev("PLM", "routing", fg + "/" + plant + "/1",
                { { "item", fg }, { "plant", plant }, { "description", "CP-" + std::to_string(100 + n) + " assembly" },
                    { "base_quantity", 1 }, { "usage", "production" },
                    { "operations",
                        json::array({ { { "op_number", 10 }, { "work_center", "ASSY-01" },
                                          { "description", "Mount motor on housing" }, { "control_key", "PP01" },
                                          { "setup_time", "15 min" }, { "run_time", "24 min" } },
                            { { "op_number", 20 }, { "work_center", "TEST-02" }, { "description", "Pressure test" },
                                { "control_key", "QM01" }, { "setup_time", "10 min" }, { "run_time", "12 min" } } }) },
                    { "lifecycle_status", "released" } },
                corr) });
        m_queue.push_back({ ev("ERP", "item", fg,
            { { "standard_price", 900 + n }, { "price_unit", 1 }, { "currency", "EUR" },
                { "profit_center", "PC-PUMPS" }, { "procurement_type", "make" }, { "mrp_type", "PD" } },
            corr) });
        // Engineering release of the sub-assembly, a few steps later: the held BOM goes out.
        m_queue.emplace_back();
        m_queue.push_back({ ev("PLM", "item", sa,
            item("Pump housing machined H" + base, "HALB", "SEMI-MACH", "released", "8.2 kg"), corr) });
        m_releasedItems.push_back(fg);
        m_releasedItems.push_back(rm);
        if (pick(m_rng) < 35) {
            // A mistake at the source: a weight in metres. Rejected at ingest, kept verbatim as an exception.
            m_queue.push_back({ ev("PLM", "item", "RM-DX" + base,
                item("Sheet metal 2 mm", "ROH", "RAW-STEEL", "released", "3 m"), corr) });
        }
    } else if (kind == 1) {
        const std::string c = "CUST-D" + padded(n, 4);
        const std::array<const char*, 5> cities = { "Köln", "Lyon", "Brno", "Milano", "Wien" };
        const std::array<const char*, 5> countries = { "DE", "FR", "CZ", "IT", "AT" };
        const int i = n % 5;
        m_queue.push_back({ ev("CRM", "customer", c,
            { { "name", "Kunde " + std::to_string(n) + " Wasserwerke" }, { "country", countries[i] },
                { "city", cities[i] }, { "customer_group", "OEM" }, { "lifecycle_status", "active" } },
            "crm-" + c) });
        m_queue.push_back({ ev(
            "ERP", "customer", c, { { "payment_terms", "N30" }, { "credit_limit", 50000 + 1000 * n } }, "crm-" + c) });
        if (pick(m_rng) < 20) {
            // Now and then a sales rep enters the same customer again under a new CRM key, spelled a little
            // differently: a real duplicate, flagged for the steward (docs/DUPLICATES.md).
            const std::string again = c + "-2";
            m_queue.push_back({ ev("CRM", "customer", again,
                { { "name", "KUNDE " + std::to_string(n) + " Wasserwerke GmbH" }, { "country", countries[i] },
                    { "city", cities[i] }, { "customer_group", "OEM" }, { "lifecycle_status", "active" } },
                "crm-" + again) });
        }
    } else if (kind == 2) {
        const std::string s = "SUP-D" + padded(n, 4);
        m_queue.push_back({ ev("SUPPLIER-PORTAL", "supplier", s,
            { { "name", "Lieferant " + std::to_string(n) + " GmbH" }, { "tax_id", "DE8" + padded(n, 8) },
                { "country", "DE" }, { "city", "Solingen" } },
            "onb-" + s) });
        m_queue.push_back({ ev("ERP", "supplier", s,
            { { "payment_terms", "N30" }, { "currency", "EUR" }, { "lifecycle_status", "approved" } }, "onb-" + s) });
        m_queue.push_back({ ev("QMS", "supplier", s,
            { { "iso9001_certified", true }, { "certificate_expiry", "2028-03-31" }, { "reach_compliant", true } },
            "onb-" + s) });
        if (pick(m_rng) < 40) {
            // ERP tries to change the supplier's name: owned by the supplier portal -> policy violation.
            m_queue.push_back(
                { ev("ERP", "supplier", s, { { "name", "LIEFERANT " + std::to_string(n) } }, "onb-" + s) });
        }
    } else if (kind == 4 && !m_releasedItems.empty()) {
        // Engineering blocks a released item (quality issue) -> MES and WMS must learn it quickly.
        const std::string key = m_releasedItems[static_cast<size_t>(pick(m_rng)) % m_releasedItems.size()];
        m_queue.push_back({ ev("PLM", "item", key, { { "lifecycle_status", "blocked" } }, "eco-" + key) });
    } else {
        // Warehouse data from WMS for a recent item.
        if (!m_releasedItems.empty()) {
            const std::string key = m_releasedItems.back();
            m_queue.push_back({ ev("WMS-P100", "item", key,
                { { "storage_conditions", pick(m_rng) < 50 ? "dry" : "ambient" }, { "handling_unit_type", "PALLET" },
                    { "stackable", false } },
                "wms-" + key) });
        }
    }
}

void LiveDemo::step()
{
    if (m_queue.empty())
        queueStory();
    if (m_queue.empty())
        return;
    std::vector<std::string> lines = std::move(m_queue.front());
    m_queue.erase(m_queue.begin());
    if (lines.empty())
        return;
    IngestOptions o;
    o.sourceName = QStringLiteral("demo-traffic");
    o.actor = "system:demo";
    auto r = m_pipeline.ingestLines(lines, o);
    if (!r) {
        Q_EMIT ingestFailed(r.error());
        return;
    }
    m_eventsSent += static_cast<std::int64_t>(lines.size());
    const IngestSummary& s = r.value();
    m_totals.add(s);
    Q_EMIT ingested(s);
}

Result<std::unique_ptr<LiveDemo>> attachLiveDemo(EmbeddedCore& core, const LiveDemoOptions& options)
{
    auto demo = std::make_unique<LiveDemo>(*core.pipeline, options);
    if (auto r = demo->startSystems(); !r)
        return makeError(r.error());
    for (const std::string& id : demo->systemIds())
        core.dispatcher->setConnector(id, demo->connector(id));
    Dispatcher* dispatcher = core.dispatcher.get();
    QObject::connect(demo.get(), &LiveDemo::ingested, dispatcher, [dispatcher] { dispatcher->poke(); });
    return demo;
}

void registerLiveDemo()
{
    setDemoAttach([](EmbeddedCore& core, const LiveDemoOptions& options) -> Result<std::unique_ptr<DemoTraffic>> {
        auto demo = attachLiveDemo(core, options);
        if (!demo)
            return makeError(demo.error());
        return std::unique_ptr<DemoTraffic>(std::move(demo).value());
    });
}

} // namespace mdsync
