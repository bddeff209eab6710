// mdsyncctl demo --tryton: a real Tryton ERP on 127.0.0.1 as the demo's ERP (docs/TRYTON.md, "Demo").

#include "clicommands.h"

#include "config/configstore.h"
#include "connectors/connectorfactory.h"
#include "connectors/tryton/trytonconnector.h"
#include "connectors/tryton/trytonserver.h"
#include "contract/contract.h"
#include "engine/embeddedcore.h"
#include "policy/landscape.h"
#include "sync/dispatcher.h"

#include <QEventLoop>
#include <QFile>
#include <QTimer>

namespace mdsync::cli {

namespace {

// What the demo's ERP masters itself (the NPI batch's locations from ERP: the plant P100 and its warehouse
// P100-WH1) is in the ERP before the demo starts: MDSync never sends a system its own changes, so a fresh Tryton
// would otherwise lack the plant its warehouse refers to. Written through the Tryton contract and connector,
// one object at a time (a location refers to its parent by code).
Result<void> seedDemoTryton(const SystemDef& erp, const CanonicalModel& model, const ContractSet& contracts)
{
    const Contract* contract = contracts.find("location", "ERP", "tryton-1");
    if (!contract)
        return {};
    auto connector = TrytonConnector::create("ERP", erp.connector);
    if (!connector)
        return makeError(connector.error());
    QFile batch(QStringLiteral(":/mdsync/demo/npi-batch.jsonl"));
    if (!batch.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("demo --tryton: cannot read the built-in NPI batch"));
    int lineNo = 0;
    while (!batch.atEnd()) {
        ++lineNo;
        const QByteArray line = batch.readLine().trimmed();
        const nlohmann::json e = nlohmann::json::parse(line.toStdString(), nullptr, false);
        if (!e.is_object() || e.value("source", std::string()) != "ERP"
            || e.value("domain", std::string()) != "location")
            continue;
        const std::string key = e.value("key", std::string());
        auto mapped = contract->map(key, e.value("attributes", nlohmann::json::object()), model.units());
        if (!mapped)
            return makeError(QStringLiteral("demo --tryton: npi-batch.jsonl line %1 (location %2): %3")
                                 .arg(lineNo)
                                 .arg(QString::fromStdString(key), mapped.error()));
        OutboundDelivery d;
        d.domain = "location";
        d.key = key;
        d.op = "upsert";
        d.payload = mapped->payload;
        QEventLoop loop;
        DeliveryOutcome outcome;
        bool done = false;
        connector.value()->send(d, [&](const DeliveryOutcome& o) {
            outcome = o;
            done = true;
            loop.quit();
        });
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        if (!done)
            loop.exec();
        if (!done || outcome.kind != DeliveryOutcome::Kind::Acked)
            return makeError(
                QStringLiteral("demo --tryton: Tryton did not take the ERP's own location %1: %2")
                    .arg(QString::fromStdString(key),
                        done ? QString::fromStdString(outcome.message) : QStringLiteral("no answer in 60 s")));
    }
    return {};
}

} // namespace

Result<std::unique_ptr<LocalTrytonServer>> startDemoTryton(const QString& workspacePath, const std::string& who)
{
    auto server = std::make_unique<LocalTrytonServer>();
    if (auto r = server->start(); !r)
        return makeError(r.error());
    if (auto r = server->newDatabase(QStringLiteral("demo")); !r)
        return makeError(r.error());
    auto ws = Workspace::open(workspacePath, Workspace::Mode::ReadWrite);
    if (!ws)
        return makeError(ws.error());
    auto cfg = loadActiveConfig(*ws.value());
    if (!cfg)
        return makeError(cfg.error());
    const ContractSet& contracts = *cfg->contracts;
    // The demo's landscape copy: ERP is the Tryton server (one call at a time: its SQLite database has one
    // writer), its subscriptions use the Tryton contracts.
    nlohmann::json doc = cfg->landscape->document();
    doc["version"] = doc.value("version", std::string()) + "+tryton";
    for (auto& s : doc["systems"])
        if (s.value("id", std::string()) == "ERP") {
            s["connector"]
                = { { "kind", "tryton" }, { "base_url", server->baseUrl().toStdString() }, { "database", "demo" },
                      { "user_env", "MDSYNC_DEMO_TRYTON_USER" }, { "password_env", "MDSYNC_DEMO_TRYTON_PASSWORD" },
                      { "company", 1 }, { "batch_size", 100 }, { "timeout_ms", 30000 }, { "micro_batch", true } };
            s["max_concurrency"] = 1;
        }
    for (auto& s : doc["subscriptions"])
        if (s.value("target", std::string()) == "ERP"
            && contracts.find(s.value("domain", std::string()), "ERP", "tryton-1"))
            s["contract_version"] = "tryton-1";
    auto landscape = Landscape::fromJson(doc, QStringLiteral("demo-landscape-tryton"), *cfg->model);
    if (!landscape)
        return makeError(landscape.error());
    if (auto r = installConfig(*ws.value(), *cfg->model, QStringLiteral("built-in"), landscape.value(),
            QStringLiteral("demo-landscape-tryton"), who);
        !r)
        return makeError(r.error());
    // The demo server's own admin login (loopback only, see tests/tryton/tryton-env.sh).
    qputenv("MDSYNC_DEMO_TRYTON_USER", "admin");
    qputenv("MDSYNC_DEMO_TRYTON_PASSWORD", "admin");
    if (auto r = seedDemoTryton(*landscape.value().system("ERP"), *cfg->model, contracts); !r)
        return makeError(r.error());
    return server;
}

Result<void> connectDemoTryton(EmbeddedCore& core)
{
    const SystemDef* erp = core.config.landscape->system("ERP");
    if (!erp)
        return makeError(QStringLiteral("demo --tryton: the landscape has no ERP system"));
    auto c = createConnector(*erp);
    if (!c)
        return makeError(c.error());
    core.dispatcher->setConnector("ERP", c.value().get());
    core.connectors["ERP"] = std::move(c).value();
    return {};
}

} // namespace mdsync::cli
