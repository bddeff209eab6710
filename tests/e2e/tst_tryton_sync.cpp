// MDSync into a real Tryton 6.0 server (started by the CTest fixture tests/tryton/tryton-env.sh fixture-setup,
// its directory in MDSYNC_TRYTON_DIR): the NPI scenario through the real ingest pipeline and dispatcher, read
// back with plain JSON-RPC and compared field by field through the contract; update; retire; a record Tryton
// refuses inside a batch; session expiry; drift found by reconciliation. Each test uses its own database.

#include "config/configstore.h"
#include "connectors/tryton/trytonconnector.h"
#include "connectors/tryton/trytonschema.h"
#include "contract/contract.h"
#include "dispatcherharness.h"
#include "sync/dispatcher.h"
#include "sync/ingestpipeline.h"
#include "sync/reconcile.h"
#include "testutil.h"
#include "trytonrpc.h"
#include "util/jsonfile.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <memory>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

// A plain JSON-RPC client (blocking, with its own session): what the test reads and edits in Tryton directly.
// Inactive records are included (active_test false) so that retired ones can be read back.
class PlainRpc : public mdsync::test::PlainTrytonRpc
{
public:
    PlainRpc(int port, const QString& db)
        : PlainTrytonRpc(
            QUrl(QStringLiteral("http://127.0.0.1:%1/%2/").arg(port).arg(db)), json { { "active_test", false } })
    { }
};

json decimalNumber(const json& v)
{
    if (v.is_object() && v.contains("decimal"))
        return std::stod(v["decimal"].get<std::string>());
    return v;
}

json dotted(const json& record, const std::string& field, const char* sub)
{
    if (!record.is_object() || !record.contains(field + ".") || !record[field + "."].is_object())
        return nullptr;
    return record[field + "."].value(sub, json());
}

// What Tryton holds for an object, in the vocabulary of the contract's target fields, read with plain
// JSON-RPC (independently of the connector's own read-back).
json readTryton(PlainRpc& rpc, const std::string& domain, const std::string& key)
{
    using tryton::FieldKind;
    const auto* schema = tryton::schemaFor(domain);
    if (!schema)
        return nullptr;
    json fields = json::array();
    for (const auto& f : schema->fields) {
        switch (f.kind) {
        case FieldKind::Uom:
            fields.push_back(f.name + ".symbol");
            break;
        case FieldKind::Product:
        case FieldKind::Party:
        case FieldKind::Location:
            fields.push_back(f.name + ".code");
            break;
        case FieldKind::VariantDecimal:
            fields.push_back("products");
            break;
        case FieldKind::SupplierLink:
            fields.push_back("product_suppliers");
            break;
        case FieldKind::OutputProduct:
            fields.push_back("outputs");
            break;
        case FieldKind::OutputQuantity:
        case FieldKind::OutputUom:
            break;
        default:
            fields.push_back(f.name);
        }
    }
    const json r = rpc.find(schema->model, schema->keyField, key, fields);
    if (r.is_null())
        return nullptr;
    json out = json::object();
    for (const auto& f : schema->fields) {
        switch (f.kind) {
        case FieldKind::Plain:
            out[f.name] = r.value(f.name, json());
            break;
        case FieldKind::Bool:
            out[f.name]
                = r.value(f.name, json(0)).is_number() ? json(r[f.name].get<int>() != 0) : r.value(f.name, json());
            break;
        case FieldKind::Decimal:
            out[f.name] = decimalNumber(r.value(f.name, json()));
            break;
        case FieldKind::Uom:
            out[f.name] = dotted(r, f.name, "symbol");
            break;
        case FieldKind::Product:
        case FieldKind::Party:
        case FieldKind::Location:
            out[f.name] = dotted(r, f.name, "code");
            break;
        case FieldKind::VariantDecimal: {
            const json v = rpc.call("model.product.product.read", json::array({ r["products"], { f.name } }));
            out[f.name] = v.is_array() && !v.empty() ? decimalNumber(v[0].value(f.name, json())) : json();
            break;
        }
        case FieldKind::SupplierLink: {
            const json v = rpc.call(
                "model.purchase.product_supplier.read", json::array({ r["product_suppliers"], { "party.code" } }));
            out[f.name] = v.is_array() && !v.empty() ? dotted(v[0], "party", "code") : json();
            break;
        }
        case FieldKind::OutputProduct: {
            const json v = rpc.call("model.production.bom.output.read",
                json::array({ r["outputs"], { "product.code", "quantity", "uom.symbol" } }));
            const json row = v.is_array() && !v.empty() ? v[0] : json::object();
            out["output_product"] = dotted(row, "product", "code");
            out["output_quantity"] = row.value("quantity", json());
            out["output_uom"] = dotted(row, "uom", "symbol");
            break;
        }
        case FieldKind::Rows: {
            const auto* rd = schema->rowsOf(f.name);
            json cols = json::array();
            for (const auto& c : rd->columns)
                cols.push_back(c.kind == FieldKind::Uom  ? c.name + ".symbol"
                        : c.kind == FieldKind::Product   ? c.name + ".code"
                        : c.kind == FieldKind::Operation ? c.name + ".name"
                                                         : c.name);
            const json v = rpc.call("model." + rd->model + ".read", json::array({ r[f.name], cols }));
            json rows = json::array();
            for (const auto& src : v.is_array() ? v : json::array()) {
                json row = json::object();
                for (const auto& c : rd->columns)
                    row[c.name] = c.kind == FieldKind::Uom ? dotted(src, c.name, "symbol")
                        : c.kind == FieldKind::Product     ? dotted(src, c.name, "code")
                        : c.kind == FieldKind::Operation   ? dotted(src, c.name, "name")
                                                           : src.value(c.name, json());
                rows.push_back(std::move(row));
            }
            out[f.name] = std::move(rows);
            break;
        }
        default:
            break;
        }
    }
    return out;
}

// The test's MDSync: a workspace whose landscape makes ERP a Tryton target (contract version "tryton-1"),
// the real ingest pipeline, the dispatcher and the Tryton connector.
struct TrytonSync
{
    TempWorkspace tw;
    ActiveConfig config;
    std::unique_ptr<IngestPipeline> pipeline;
    ContractSet contracts;
    std::unique_ptr<TrytonConnector> connector;
    std::unique_ptr<Dispatcher> dispatcher;
    QString db;
    int port = 0;

    ~TrytonSync()
    {
        dispatcher.reset();
        connector.reset();
        pipeline.reset();
    }

    QString setUp(const QString&, int trytonPort, const QString& name)
    {
        port = trytonPort;
        db = name;
        if (!tw.ok())
            return tw.error();
        auto doc = readJsonFile(
            sourcePath(QStringLiteral("resources/landscape/default-landscape.json")), QStringLiteral("landscape"));
        if (!doc)
            return doc.error();
        json l = doc.value();
        const json connectorConfig = { { "kind", "tryton" }, { "base_url", "http://127.0.0.1:" + std::to_string(port) },
            { "database", db.toStdString() }, { "user_env", "MDSYNC_TRYTON_USER" },
            { "password_env", "MDSYNC_TRYTON_PASSWORD" }, { "company", 1 }, { "batch_size", 200 },
            { "micro_batch", true } };
        for (auto& s : l["systems"])
            if (s["id"] == "ERP") {
                s["connector"] = connectorConfig;
                s.erase("rate_limit");
                s["max_concurrency"] = 1;
            }
        for (auto& s : l["subscriptions"])
            if (s["target"] == "ERP")
                s["contract_version"] = "tryton-1";
        // MDSync does not echo a system's own changes back to it: the groups the ERP masters in the demo
        // landscape (prices, procurement, locations, supplier status) are mastered elsewhere here, so that they
        // flow into Tryton.
        for (auto& o : l["ownership"])
            if (o["system"] == "ERP")
                o["system"] = o["domain"] == "supplier" ? "SUPPLIER-PORTAL" : "PLM";
        for (auto& r : l["enrichment_rules"])
            if (r["system"] == "ERP")
                r["system"] = "PLM";
        auto landscape = Landscape::fromJson(l, QStringLiteral("tryton-landscape"), *tw.config().model);
        if (!landscape)
            return landscape.error();
        if (auto r = installConfig(tw.ws(), *tw.config().model, QStringLiteral("built-in"), landscape.value(),
                QStringLiteral("tryton-landscape"), "test");
            !r)
            return r.error();
        auto cfg = loadActiveConfig(tw.ws());
        if (!cfg)
            return cfg.error();
        config = cfg.value();
        pipeline = std::make_unique<IngestPipeline>(tw.ws(), config);
        auto set = ContractSet::builtin(*config.model, *config.landscape);
        if (!set)
            return set.error();
        contracts = set.value();
        qputenv("MDSYNC_TRYTON_USER", "admin");
        qputenv("MDSYNC_TRYTON_PASSWORD", "admin");
        auto c = TrytonConnector::create("ERP", connectorConfig);
        if (!c)
            return c.error();
        connector = std::move(c).value();
        dispatcher = std::make_unique<Dispatcher>(tw.ws(), config, contracts, fastOptions());
        dispatcher->setConnector("ERP", connector.get());
        if (auto r = dispatcher->start(); !r)
            return r.error();
        return {};
    }

    bool ingest(const std::vector<std::string>& lines)
    {
        IngestOptions o;
        o.sourceName = QStringLiteral("tryton-test.jsonl");
        auto r = pipeline->ingestLines(lines, o);
        if (!r) {
            qWarning("ingest: %s", qPrintable(r.error()));
            return false;
        }
        dispatcher->poke();
        return true;
    }

    // Until no ERP delivery is waiting or in flight (held ones count as waiting).
    bool settle(int timeoutMs = 30000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            if (dispatcher->callsInFlight() == 0
                && count(tw.db(), QStringLiteral("delivery"),
                       QStringLiteral("target_id = 'ERP' AND status IN ('pending','in_flight','retry_wait','held')"))
                    == 0)
                return dispatcher->flush().ok();
            QTest::qWait(10);
        }
        return false;
    }

    QString status(const QString& domain, const QString& key)
    {
        return scalar(tw.db(),
            QStringLiteral("SELECT ot.status FROM object_target ot JOIN object o ON o.id = ot.object_id"
                           " WHERE o.domain = '%1' AND o.key = '%2' AND ot.target_id = 'ERP'")
                .arg(domain, key))
            .toString();
    }

    // The acknowledged revision's state through the contract: what Tryton must hold.
    json expected(const std::string& domain, const std::string& key)
    {
        QSqlQuery q(tw.db());
        q.prepare(QStringLiteral("SELECT r.state FROM object_target ot JOIN object o ON o.id = ot.object_id"
                                 " JOIN revision r ON r.object_id = o.id AND r.revision_no = ot.acked_revision_no"
                                 " WHERE o.domain = ? AND o.key = ? AND ot.target_id = 'ERP'"));
        q.addBindValue(qs(domain));
        q.addBindValue(qs(key));
        if (!q.exec() || !q.next())
            return nullptr;
        const Contract* c = contracts.find(domain, "ERP", "tryton-1");
        if (!c)
            return nullptr;
        auto m = c->map(key, json::parse(q.value(0).toString().toStdString()), config.model->units());
        return m ? m->payload : json();
    }
};

json supplier(const std::string& name)
{
    return { { "name", name }, { "country", "DE" }, { "city", "Solingen" }, { "tax_id", "DE811234567" } };
}

} // namespace

class TstTrytonSync : public QObject
{
    Q_OBJECT

    QString m_dir;
    int m_port = 0;

    QString m_db; // one fresh copy of the template per run of this program; tests use distinct keys

    QString newDb() { return m_db; }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = qEnvironmentVariable("MDSYNC_TRYTON_DIR");
        QFile portFile(m_dir + QStringLiteral("/port"));
        if (m_dir.isEmpty() || !portFile.open(QIODevice::ReadOnly))
            QFAIL("no Tryton test server: MDSYNC_TRYTON_DIR must name the directory of a server started with "
                  "'tests/tryton/tryton-env.sh fixture-setup DIR' (ctest does this in the fixture "
                  "tryton_server_start; it needs apt-get and the Tryton packages of Debian 12)");
        m_port = portFile.readAll().trimmed().toInt();
        QVERIFY(m_port > 0);
        m_db = QStringLiteral("t") + QUuid::createUuid().toString(QUuid::Id128).left(12);
        QVERIFY2(QFile::copy(m_dir + QStringLiteral("/template.sqlite"),
                     m_dir + QLatin1Char('/') + m_db + QStringLiteral(".sqlite")),
            "cannot copy the Tryton template database");
        // The server loads a database on its first call (about 2 s): once, here.
        PlainRpc warm(m_port, m_db);
        std::string e;
        QVERIFY2(
            warm.call("model.product.uom.search_count", json::array({ json::array() }), &e).is_number(), e.c_str());
    }

    void cleanupTestCase()
    {
        if (!m_db.isEmpty())
            QFile::remove(m_dir + QLatin1Char('/') + m_db + QStringLiteral(".sqlite"));
    }

    void npiScenarioReadsBackAsContracted()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        std::vector<std::string> lines;
        QFile f(sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        lines.push_back(
            mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-7001", supplier("Schäfer Edelstahl GmbH")));
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            // The scenario's ERP enrichment (price, procurement) comes from PLM here (see TrytonSync::setUp).
            if (!line.isEmpty())
                lines.push_back(QString::fromUtf8(line)
                                    .replace(QLatin1String("\"source\": \"ERP\""), QLatin1String("\"source\": \"PLM\""))
                                    .toStdString());
        }
        // ERP enrichment of the raw material: price, procurement and its supplier; a routing; locations.
        lines.push_back(mdsync::test::event("PLM", "item", "RM-7100",
            { { "standard_price", 4.25 }, { "currency", "EUR" }, { "procurement_type", "buy" },
                { "preferred_supplier", "SUP-7001" } }));
        lines.push_back(mdsync::test::event(
            "SUPPLIER-PORTAL", "supplier", "SUP-7001", { { "lifecycle_status", "approved" }, { "currency", "EUR" } }));
        lines.push_back(mdsync::test::event("PLM", "routing", "FG-7000/P100/1",
            { { "item", "FG-7000" }, { "plant", "P100" }, { "description", "CP-90 assembly" },
                { "lifecycle_status", "released" },
                { "operations",
                    { { { "op_number", 10 }, { "work_center", "ASSY-01" },
                          { "description", "Mount motor on housing" } },
                        { { "op_number", 20 }, { "work_center", "TEST-02" },
                            { "description", "Pressure and run test" } } } } }));
        lines.push_back(mdsync::test::event("PLM", "location", "P100",
            { { "name", "Stuttgart plant" }, { "location_type", "plant" }, { "plant", "P100" } }));
        lines.push_back(mdsync::test::event("PLM", "location", "P100-RM",
            { { "name", "Raw material store" }, { "location_type", "storage_area" }, { "plant", "P100" },
                { "parent_location", "P100" } }));
        QVERIFY(s.ingest(lines));
        QVERIFY2(s.settle(),
            qPrintable(column(s.tw.db(),
                QStringLiteral(
                    "SELECT o.key || ' ' || d.status || ' ' || coalesce(d.last_error, '') FROM delivery d"
                    " JOIN object o ON o.id = d.object_id WHERE d.target_id = 'ERP' AND d.status <> 'acked'"))
                           .join(QLatin1Char('\n'))));
        const std::vector<std::pair<std::string, std::string>> objects
            = { { "supplier", "SUP-7001" }, { "item", "RM-7100" }, { "item", "EC-7200" }, { "item", "SA-7300" },
                  { "item", "FG-7000" }, { "bom", "FG-7000/P100/1" }, { "routing", "FG-7000/P100/1" },
                  { "location", "P100" }, { "location", "P100-RM" } };
        for (const auto& [domain, key] : objects)
            QVERIFY2(s.status(qs(domain), qs(key)) == QLatin1String("acked"),
                qPrintable(qs(domain + " " + key) + QStringLiteral(": ") + s.status(qs(domain), qs(key))
                    + QStringLiteral(" objects: ")
                    + column(s.tw.db(), QStringLiteral("SELECT domain || ' ' || key FROM object"))
                          .join(QLatin1Char(','))
                    + QStringLiteral(" exceptions: ")
                    + column(s.tw.db(), QStringLiteral("SELECT message FROM exception")).join(QLatin1Char('\n'))));

        // Read back with plain JSON-RPC: every field the contract maps, as the contract says.
        PlainRpc rpc(m_port, s.db);
        for (const auto& [domain, key] : objects) {
            const json expected = s.expected(domain, key);
            QVERIFY2(expected.is_object() && !expected.empty(), (domain + " " + key).c_str());
            const json actual = readTryton(rpc, domain, key);
            QVERIFY2(actual.is_object(), (domain + " " + key + " is not in Tryton").c_str());
            const auto diffs = compareRecord(expected, actual, 1e-9);
            std::string text;
            for (const auto& d : diffs)
                text += domain + " " + key + " " + d.field + ": expected " + d.expected.dump() + ", Tryton "
                    + d.actual.dump() + "\n";
            QVERIFY2(diffs.empty(), text.c_str());
        }
        // A few values spelled out (the contract's units, codes and typed prices).
        const json fg = readTryton(rpc, "item", "FG-7000");
        QCOMPARE(fg["default_uom"].get<std::string>(), std::string("u"));
        QCOMPARE(fg["weight"].get<double>(), 61200.0); // PLM's 61.2 kg (the warehouse does not own the weight), in g
        QCOMPARE(fg["cost_price"].get<double>(), 1480.0);
        QCOMPARE(fg["producible"].get<bool>(), true);
        const json rm = readTryton(rpc, "item", "RM-7100");
        QCOMPARE(rm["cost_price"].get<double>(), 4.25);
        QCOMPARE(rm["product_suppliers"].get<std::string>(), std::string("SUP-7001"));
        const json bom = readTryton(rpc, "bom", "FG-7000/P100/1");
        QCOMPARE(bom["inputs"].size(), size_t(3));
        QCOMPARE(bom["inputs"][2]["product"].get<std::string>(), std::string("RM-7100"));
        QCOMPARE(bom["inputs"][2]["uom"].get<std::string>(), std::string("kg"));
        QCOMPARE(bom["inputs"][2]["quantity"].get<double>(), 0.4);
        QCOMPARE(bom["output_product"].get<std::string>(), std::string("FG-7000"));
        const json routing = readTryton(rpc, "routing", "FG-7000/P100/1");
        QCOMPARE(routing["steps"].size(), size_t(2));
        QCOMPARE(routing["steps"][1]["operation"].get<std::string>(), std::string("Pressure and run test"));
        QCOMPARE(readTryton(rpc, "location", "P100-RM")["parent"].get<std::string>(), std::string("P100"));
        QCOMPARE(s.connector->loginCount(), 1);
        verifyCounters(s.tw.db());
    }

    // The live demo's BOMs and locations (docs/TRYTON.md, "Demo"): the NPI batch of the demo (its BOM, the plant
    // and the warehouse P100-WH1 below it), BOMs of the shape the live demo generates (bar stock in kg, the rest in
    // EA), and a BOM whose lines are in units of the component's category other than its own (g, t for an item in
    // kg; a quantity finer than Tryton keeps in kg). All land in Tryton and read back as sent, the fitted lines in
    // the unit Tryton keeps them in, the same quantity.
    void demoBomsAndLocationsReadBack()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        std::vector<std::string> lines;
        QFile f(sourcePath(QStringLiteral("resources/demo/npi-batch.jsonl")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            // What the demo's ERP masters comes from PLM here (see TrytonSync::setUp), so that it flows to Tryton.
            if (!line.isEmpty())
                lines.push_back(QString::fromUtf8(line)
                                    .replace(QLatin1String("\"source\": \"ERP\""), QLatin1String("\"source\": \"PLM\""))
                                    .toStdString());
        }
        auto item = [](const std::string& desc, const char* type, const char* uom, const char* weight) {
            return json { { "description", desc }, { "item_type", type }, { "material_group", "RAW-STEEL" },
                { "base_uom", uom }, { "net_weight", weight }, { "plants", { "P100" } },
                { "lifecycle_status", "released" } };
        };
        std::vector<std::string> boms = { "FG-1000/P100/1" };
        for (int n : { 6, 12 }) { // the live demo's new product introductions (LiveDemo::queueStory)
            const std::string base = "00" + std::to_string(n < 10 ? 0 : 1) + std::to_string(n % 10);
            const std::string fg = "FG-D" + base, sa = "SA-D" + base, rm = "RM-D" + base, ec = "EC-D" + base;
            lines.push_back(mdsync::test::event("PLM", "item", rm, item("Bar stock " + base, "ROH", "kg", "1 kg")));
            lines.push_back(mdsync::test::event("PLM", "item", ec, item("Motor " + base, "HALB", "EA", "14 kg")));
            lines.push_back(mdsync::test::event("PLM", "item", sa, item("Housing " + base, "HALB", "EA", "8.2 kg")));
            lines.push_back(mdsync::test::event("PLM", "item", fg, item("Pump " + base, "FERT", "EA", "52 kg")));
            json comps = json::array();
            int pos = 10;
            for (const std::string& c : { sa, ec, rm }) {
                comps.push_back({ { "position", pos }, { "component", c }, { "quantity", c == rm ? 0.4 : 1 },
                    { "uom", c == rm ? "kg" : "EA" }, { "item_category", "L" } });
                pos += 10;
            }
            boms.push_back(fg + "/P100/1");
            lines.push_back(mdsync::test::event("PLM", "bom", boms.back(),
                { { "parent_item", fg }, { "plant", "P100" }, { "usage", "production" }, { "base_quantity", 1 },
                    { "base_uom", "EA" }, { "description", "production BOM " + base }, { "components", comps },
                    { "lifecycle_status", "released" } }));
        }
        // Lines in other units of the component's category: 250 g and 0.25 t of an item kept in kg (Tryton 6.0
        // has no t), 0.005 kg (Tryton keeps 2 decimals in kg); and a BOM for 2.5 kg of output in g.
        // (Tryton takes a product once per BOM: three items.)
        for (const char* rm : { "RM-U100", "RM-U101", "RM-U102" })
            lines.push_back(
                mdsync::test::event("PLM", "item", rm, item(std::string("Wire ") + rm, "ROH", "kg", "1 kg")));
        lines.push_back(mdsync::test::event("PLM", "item", "SA-U200", item("Wound coil", "HALB", "kg", "1 kg")));
        json comps = json::array({ { { "position", 10 }, { "component", "RM-U100" }, { "quantity", 250 },
                                       { "uom", "g" }, { "item_category", "L" } },
            { { "position", 20 }, { "component", "RM-U101" }, { "quantity", 0.25 }, { "uom", "t" },
                { "item_category", "L" } },
            { { "position", 30 }, { "component", "RM-U102" }, { "quantity", 0.005 }, { "uom", "kg" },
                { "item_category", "L" } } });
        lines.push_back(mdsync::test::event("PLM", "bom", "SA-U200/P100/1",
            { { "parent_item", "SA-U200" }, { "plant", "P100" }, { "usage", "production" }, { "base_quantity", 2500 },
                { "base_uom", "g" }, { "description", "coil" }, { "components", comps },
                { "lifecycle_status", "released" } }));
        QVERIFY(s.ingest(lines));
        QVERIFY2(s.settle(),
            qPrintable(column(s.tw.db(),
                QStringLiteral(
                    "SELECT o.key || ' ' || d.status || ' ' || coalesce(d.last_error, '') FROM delivery d"
                    " JOIN object o ON o.id = d.object_id WHERE d.target_id = 'ERP' AND d.status <> 'acked'"))
                           .join(QLatin1Char('\n'))));
        std::vector<std::pair<std::string, std::string>> objects
            = { { "location", "P100" }, { "location", "P100-WH1" } };
        for (const auto& b : boms)
            objects.emplace_back("bom", b);
        PlainRpc rpc(m_port, s.db);
        for (const auto& [domain, key] : objects) {
            QVERIFY2(s.status(qs(domain), qs(key)) == QLatin1String("acked"),
                qPrintable(qs(domain + " " + key) + QStringLiteral(": ") + s.status(qs(domain), qs(key))
                    + QStringLiteral(" exceptions: ")
                    + column(s.tw.db(),
                        QStringLiteral("SELECT message FROM exception WHERE category <> "
                                       "'duplicate_suspect'"))
                          .join(QLatin1Char('\n'))));
            const json expected = s.expected(domain, key);
            QVERIFY2(expected.is_object() && !expected.empty(), (domain + " " + key).c_str());
            const json actual = readTryton(rpc, domain, key);
            QVERIFY2(actual.is_object(), (domain + " " + key + " is not in Tryton").c_str());
            const auto diffs = compareRecord(expected, actual, 1e-9);
            std::string text;
            for (const auto& d : diffs)
                text += domain + " " + key + " " + d.field + ": expected " + d.expected.dump() + ", Tryton "
                    + d.actual.dump() + "\n";
            QVERIFY2(diffs.empty(), text.c_str());
        }
        QCOMPARE(readTryton(rpc, "location", "P100-WH1")["parent"].get<std::string>(), std::string("P100"));
        QCOMPARE(readTryton(rpc, "bom", "FG-D0006/P100/1")["inputs"][2]["uom"].get<std::string>(), std::string("kg"));

        // The lines in other units of the category: acknowledged, read back in a unit Tryton has, same quantity.
        QVERIFY2(s.status(QStringLiteral("bom"), QStringLiteral("SA-U200/P100/1")) == QLatin1String("acked"),
            qPrintable(column(s.tw.db(),
                QStringLiteral("SELECT message FROM exception WHERE object_key = "
                               "'SA-U200/P100/1'"))
                           .join(QLatin1Char('\n'))));
        const json coil = readTryton(rpc, "bom", "SA-U200/P100/1");
        QCOMPARE(coil["inputs"].size(), size_t(3));
        const std::map<std::string, double> kg = { { "g", 0.001 }, { "kg", 1.0 } };
        const double wanted[] = { 0.25, 250.0, 0.005 }; // in kg
        for (size_t r = 0; r < 3; ++r) {
            const std::string uom = coil["inputs"][r]["uom"].get<std::string>();
            QVERIFY2(kg.count(uom), uom.c_str());
            QCOMPARE(coil["inputs"][r]["quantity"].get<double>() * kg.at(uom), wanted[r]);
        }
        QCOMPARE(coil["inputs"][0]["uom"].get<std::string>(), std::string("g")); // its own unit where it can
        QCOMPARE(coil["inputs"][2]["uom"].get<std::string>(), std::string("g")); // 5 g, not 0.005 kg
        QCOMPARE(coil["output_uom"].get<std::string>(), std::string("g"));
        QCOMPARE(coil["output_quantity"].get<double>(), 2500.0);
        verifyCounters(s.tw.db());
    }

    // A BOM row the connector cannot fit into its product's unit category is refused by MDSync, saying which row,
    // which units and categories (the ingest refuses such lines before; this is the connector's own guard).
    void bomRowOfAnotherCategoryIsRefusedByMdsync()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "UC-100", releasedItem("Pump", { "P100" })),
            mdsync::test::event("PLM", "item", "UC-200", releasedItem("Housing", { "P100" })) }));
        QVERIFY(s.settle());
        auto bom = [](const char* key, json qty, const char* uom) {
            OutboundDelivery d;
            d.domain = "bom";
            d.key = key;
            d.payload = { { "name", key }, { "active", true },
                { "inputs", json::array({ { { "product", "UC-200" }, { "quantity", qty }, { "uom", uom } } }) },
                { "output_product", "UC-100" }, { "output_quantity", 1 }, { "output_uom", "u" } };
            return d;
        };
        std::vector<DeliveryOutcome> out;
        bool done = false;
        s.connector->sendBatch({ bom("UC-100/A", 0.4, "kg"), bom("UC-100/B", 2.5, "u"), bom("UC-100/C", 2, "u") },
            [&](std::vector<DeliveryOutcome> o) {
                out = std::move(o);
                done = true;
            });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(out.size(), size_t(3));
        QCOMPARE(out[0].kind, DeliveryOutcome::Kind::Rejected);
        QVERIFY2(out[0].message.find("MDSync (unit-category): inputs[0].uom: unit 'kg' is of Tryton's unit category "
                                     "Weight, product 'UC-200' is kept in 'u' (category Units)")
                != std::string::npos,
            out[0].message.c_str());
        QCOMPARE(out[1].kind, DeliveryOutcome::Kind::Rejected);
        QVERIFY2(out[1].message.find("MDSync (digits): inputs[0]: quantity 2.5 u") != std::string::npos,
            out[1].message.c_str());
        QCOMPARE(out[2].kind, DeliveryOutcome::Kind::Acked);
    }

    void updateAndRetire()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "UP-100", releasedItem("Valve body", { "P100" })),
            mdsync::test::event("PLM", "item", "UP-200", releasedItem("Old gasket", { "P100" })) }));
        QVERIFY(s.settle());
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "UP-100",
                               { { "description", "Valve body DN50" }, { "net_weight", "2.5 kg" } }),
            mdsync::test::event("PLM", "item", "UP-200", nullptr, {}, "delete") }));
        QVERIFY(s.settle());
        QCOMPARE(s.status(QStringLiteral("item"), QStringLiteral("UP-100")), QStringLiteral("acked"));
        QVERIFY2(s.status(QStringLiteral("item"), QStringLiteral("UP-200")) == QLatin1String("acked"),
            qPrintable(column(s.tw.db(), QStringLiteral("SELECT message FROM exception")).join(QLatin1Char('\n'))));
        PlainRpc rpc(m_port, s.db);
        const json up = readTryton(rpc, "item", "UP-100");
        QCOMPARE(up["name"].get<std::string>(), std::string("Valve body DN50"));
        QCOMPARE(up["weight"].get<double>(), 2500.0);
        // Still one template and one variant: updated in place.
        QCOMPARE(rpc.call("model.product.product.search_count",
                        json::array({ json::array({ json::array({ "code", "=", "UP-100" }) }) }))
                     .get<int>(),
            1);
        // Retired = inactive, never deleted.
        const json gone = readTryton(rpc, "item", "UP-200");
        QVERIFY2(gone.is_object(), "a retired item must stay in Tryton");
        QCOMPARE(gone["active"].get<bool>(), false);
    }

    void refusedRecordIsIsolatedInItsBatch()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        // Someone made a variant "DUP-9" in Tryton directly (template DUP, variant suffix -9): Tryton refuses a
        // second active product with that code.
        PlainRpc rpc(m_port, s.db);
        std::string e;
        const json made = rpc.call("model.product.template.create",
            json::array({ json::array({ { { "name", "Manual" }, { "code", "DUP" }, { "default_uom", 1 },
                { "type", "goods" }, { "list_price", { { "__class__", "Decimal" }, { "decimal", "1" } } },
                { "products",
                    json::array({ json::array({ "create", json::array({ { { "suffix_code", "-9" } } }) }) }) } } }) }),
            &e);
        QVERIFY2(made.is_array(), e.c_str());
        std::vector<std::string> lines;
        for (const char* key : { "BT-101", "BT-102", "BT-103", "DUP-9", "BT-104", "BT-105", "BT-106" })
            lines.push_back(
                mdsync::test::event("PLM", "item", key, releasedItem(std::string("Batch item ") + key, { "P100" })));
        const int callsBefore = s.connector->callCount();
        QVERIFY(s.ingest(lines));
        QVERIFY(s.settle());
        for (const char* key : { "BT-101", "BT-102", "BT-103", "BT-104", "BT-105", "BT-106" }) {
            QCOMPARE(s.status(QStringLiteral("item"), QLatin1String(key)), QStringLiteral("acked"));
            QVERIFY2(readTryton(rpc, "item", key).is_object(), key);
        }
        QCOMPARE(s.status(QStringLiteral("item"), QStringLiteral("DUP-9")), QStringLiteral("failed"));
        const QString message = scalar(s.tw.db(),
            QStringLiteral("SELECT message FROM exception WHERE object_key = 'DUP-9' AND category = 'target_rejected'"))
                                    .toString();
        QVERIFY2(message.contains(QLatin1String("Code of active product must be unique.")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("(unique)")), qPrintable(message));
        const json details
            = json::parse(scalar(s.tw.db(), QStringLiteral("SELECT details FROM exception WHERE object_key = 'DUP-9'"))
                              .toString()
                              .toStdString());
        QCOMPARE(details["response"].value("error_class", std::string()), std::string("unique"));
        // Batched: a handful of calls for seven records (lookups, the refused create bisected), not seven creates.
        const int calls = s.connector->callCount() - callsBefore;
        QVERIFY2(calls <= 12, qPrintable(QString::number(calls)));
        verifyCounters(s.tw.db());
    }

    void sessionExpiryNeedsOneNewLogin()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "SE-100", releasedItem("Session item", { "P100" })) }));
        QVERIFY(s.settle());
        QCOMPARE(s.connector->loginCount(), 1);
        {
            // The server forgets every session (as after its timeout).
            RawConnection raw(m_dir + QLatin1Char('/') + s.db + QStringLiteral(".sqlite"));
            QCOMPARE(raw.exec(QStringLiteral("DELETE FROM ir_session")), QString());
        }
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "SE-100", { { "description", "Session item v2" } }),
            mdsync::test::event("PLM", "item", "SE-200", releasedItem("Second session item", { "P100" })) }));
        QVERIFY(s.settle());
        QCOMPARE(s.status(QStringLiteral("item"), QStringLiteral("SE-100")), QStringLiteral("acked"));
        QCOMPARE(s.status(QStringLiteral("item"), QStringLiteral("SE-200")), QStringLiteral("acked"));
        QCOMPARE(s.connector->loginCount(), 2); // exactly one new login
        PlainRpc rpc(m_port, s.db);
        QCOMPARE(readTryton(rpc, "item", "SE-100")["name"].get<std::string>(), std::string("Session item v2"));
    }

    void failedLoginIsNotRetried()
    {
        // A login nobody has (Tryton delays repeated failures of one login: a fresh name keeps this fast).
        qputenv("MDSYNC_TRYTON_BAD_PASSWORD", "wrong");
        qputenv("MDSYNC_TRYTON_BAD_USER", "nobody-" + QUuid::createUuid().toString(QUuid::Id128).left(8).toLatin1());
        const json cfg = { { "kind", "tryton" }, { "base_url", "http://127.0.0.1:" + std::to_string(m_port) },
            { "database", m_db.toStdString() }, { "user_env", "MDSYNC_TRYTON_BAD_USER" },
            { "password_env", "MDSYNC_TRYTON_BAD_PASSWORD" } };
        auto c = TrytonConnector::create("ERP", cfg);
        QVERIFY(c.ok());
        OutboundDelivery d;
        d.domain = "item";
        d.key = "X-1";
        d.payload = { { "code", "X-1" } };
        std::vector<DeliveryOutcome> out;
        bool done = false;
        c.value()->sendBatch({ d, d }, [&](std::vector<DeliveryOutcome> o) {
            out = std::move(o);
            done = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QCOMPARE(out.size(), size_t(2));
        QCOMPARE(out[0].kind, DeliveryOutcome::Kind::Unauthorized);
        QVERIFY2(out[0].message.find("not retried") != std::string::npos, out[0].message.c_str());
        QCOMPARE(c.value()->loginCount(), 1);
    }

    void driftAfterDirectEdit()
    {
        TrytonSync s;
        const QString err = s.setUp(m_dir, m_port, newDb());
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QVERIFY(s.ingest({ mdsync::test::event("PLM", "item", "DR-100", releasedItem("Drift pump", { "P100" })),
            mdsync::test::event("PLM", "item", "DR-200", releasedItem("Steady pump", { "P100" })) }));
        QVERIFY(s.settle());
        ReconcileOptions o;
        o.target = "ERP";
        o.actor = "system:reconcile";
        o.checkPermission = false;
        auto clean = reconcileTarget(s.tw.ws(), s.config, s.contracts, *s.connector, o);
        QVERIFY2(clean.ok(), clean.ok() ? "" : qPrintable(clean.error()));
        QCOMPARE(clean->compared, 2);
        QCOMPARE(clean->inSync, 2);
        // Someone edits the item in Tryton directly.
        PlainRpc rpc(m_port, s.db);
        const json rec = rpc.find("product.template", "code", "DR-100", { "id" });
        QVERIFY(rec.is_object());
        rpc.call("model.product.template.write",
            json::array(
                { json::array({ rec["id"] }), { { "name", "Drift pump (edited in ERP)" }, { "weight", 99.0 } } }));
        auto found = reconcileTarget(s.tw.ws(), s.config, s.contracts, *s.connector, o);
        QVERIFY2(found.ok(), found.ok() ? "" : qPrintable(found.error()));
        QCOMPARE(found->exceptionsCreated, 1);
        QCOMPARE(found->drifts.size(), size_t(1));
        QCOMPARE(found->drifts[0].key, std::string("DR-100"));
        QCOMPARE(found->drifts[0].differences.size(), size_t(2));
        const QString message
            = scalar(s.tw.db(), QStringLiteral("SELECT message FROM exception WHERE category = 'drift'")).toString();
        QVERIFY2(message.contains(QLatin1String("\"Drift pump\""))
                && message.contains(QLatin1String("Drift pump (edited in ERP)")),
            qPrintable(message));
        QCOMPARE(count(s.tw.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind = 'drift_detected' AND object_key = 'DR-100'")),
            1);
        // Not again while it is open.
        auto again = reconcileTarget(s.tw.ws(), s.config, s.contracts, *s.connector, o);
        QVERIFY(again.ok());
        QCOMPARE(again->exceptionsCreated, 0);
        QVERIFY(again->drifts.size() == 1 && again->drifts[0].alreadyOpen);
        QCOMPARE(count(s.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'drift'")), 1);
        QCOMPARE(count(s.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'reconcile.run'")), 3);
        verifyCounters(s.tw.db());
    }
};

QTEST_GUILESS_MAIN(TstTrytonSync)
#include "tst_tryton_sync.moc"
