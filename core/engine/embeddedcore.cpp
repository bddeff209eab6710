#include "engine/embeddedcore.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "connectors/connectorfactory.h"
#include "contract/contract.h"
#include "engine/simulatedendpoints.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "steward/rolegrants.h"
#include "steward/steward.h"
#include "store/workspace.h"
#include "store/workspaceuri.h"
#include "util/jsonfile.h"
#include "util/qtext.h"

#include <QFile>
#include <QFileInfo>

#include <set>

namespace mdsync {

Result<nlohmann::json> initWorkspace(const QString& path, const QString& modelFile, const QString& landscapeFile,
    const std::string& actor, IdentityMode identities)
{
    auto model = modelFile.isEmpty() ? CanonicalModel::builtin() : CanonicalModel::fromFile(modelFile);
    if (!model)
        return makeError(model.error());
    auto landscape = landscapeFile.isEmpty() ? Landscape::builtin(model.value())
                                             : Landscape::fromFile(landscapeFile, model.value());
    if (!landscape)
        return makeError(landscape.error());
    // Refused before anything is created (Workspace::create makes the schema; setIdentityMode below would refuse
    // only after it, leaving a half-made workspace in the database).
    if (identities == IdentityMode::Asserted && WorkspaceLocation::looksLikePostgres(path))
        return makeError(QStringLiteral("%1: a PostgreSQL workspace records every action under the authenticated "
                                        "database login; it cannot be a demo/test workspace with asserted "
                                        "identities (use a SQLite file for that)")
                             .arg(path));
    auto ws = Workspace::create(path);
    if (!ws)
        return makeError(ws.error());
    Workspace& w = *ws.value();
    // On PostgreSQL the creator is the login the server authenticated, whatever the caller assumed.
    std::string creator = actor;
    if (w.isPostgres()) {
        auto login = w.sessionUser();
        if (!login)
            return makeError(login.error());
        creator = login.value().toStdString();
    }
    Workspace::Transaction tx(w);
    if (!tx)
        return tx.error();
    AuditLog audit(w.db());
    auto e = audit.append(creator, "workspace.init", "workspace", std::nullopt,
        nlohmann::json { { "path", w.path().toStdString() }, { "schema_version", Workspace::kSchemaVersion },
            { "identities", std::string(toString(identities)) } },
        std::nullopt);
    if (!e) {
        return makeError(e.error());
    }
    if (auto r = w.setMeta(QStringLiteral("created_by"), qs(creator)); !r) {
        return makeError(r.error());
    }
    if (auto r = setIdentityMode(w, identities); !r)
        return makeError(r.error());
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    // The creator is the workspace's first admin (and may then grant roles to others).
    if (auto r = grantRole(w, creator, creator, Role::Admin, "created the workspace"); !r)
        return makeError(r.error());
    const QString modelOrigin = modelFile.isEmpty() ? QStringLiteral("built-in") : QFileInfo(modelFile).fileName();
    const QString landscapeOrigin
        = landscapeFile.isEmpty() ? QStringLiteral("built-in") : QFileInfo(landscapeFile).fileName();
    if (auto r = installConfig(w, model.value(), modelOrigin, landscape.value(), landscapeOrigin, creator); !r)
        return makeError(r.error());
    // The built-in contracts that fit this landscape, stored by installConfig as the first contracts version.
    auto cfg = loadConfigAt(w, nowMs());
    if (!cfg)
        return makeError(cfg.error());
    return nlohmann::json { { "workspace", w.path().toStdString() }, { "instance_id", w.instanceId().toStdString() },
        { "contracts_version", cfg->contracts->version() }, { "contracts", cfg->contracts->contracts().size() },
        { "generic_contracts", cfg->contracts->generic().size() }, { "model_version", model->version() },
        { "domains", model->domains().size() }, { "landscape", landscape->name() },
        { "landscape_version", landscape->version() }, { "systems", landscape->systems().size() },
        { "subscriptions", landscape->subscriptions().size() }, { "identities", std::string(toString(identities)) } };
}

Result<nlohmann::json> initDemoWorkspace(const QString& path, const std::string& actor, bool replace)
{
    if (WorkspaceLocation::looksLikePostgres(path))
        return makeError(
            QStringLiteral("%1: the demo makes (and with --force replaces) its own demo workspace, a SQLite "
                           "file whose identities are asserted; give --workspace a file path (a "
                           "PostgreSQL workspace is made with 'mdsyncctl init')")
                .arg(path));
    if (QFileInfo::exists(path)) {
        if (!replace)
            return makeError(
                QStringLiteral("%1 exists already; run the demo with --force to replace it (only a previous "
                               "demo workspace is ever replaced), or choose another --workspace")
                    .arg(path));
        // Only ever replace a previous demo workspace (of any schema version: an older MDSync's demo is replaced too).
        if (auto demo = Workspace::peekMeta(path, QStringLiteral("demo")); !demo || demo.value() != QLatin1String("1"))
            return makeError(QStringLiteral("%1 exists and is not a demo workspace; choose another file").arg(path));
        for (const QString& suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(path + suffix);
        QFile::remove(SimulatedEndpoints::stateFilePath(path)); // the old demo's targets go with it
    }
    auto summary = initWorkspace(path, {}, {}, actor, IdentityMode::Asserted);
    if (!summary)
        return summary;
    auto ws = Workspace::open(path, Workspace::Mode::ReadWrite);
    if (!ws)
        return makeError(ws.error());
    if (auto r = ws.value()->setMeta(QStringLiteral("demo"), QStringLiteral("1")); !r)
        return makeError(r.error());
    return summary;
}

EmbeddedCore::EmbeddedCore() = default;

EmbeddedCore::~EmbeddedCore()
{
    steward.reset();
    dispatcher.reset();
    connectors.clear();
    replacedConnectors.clear();
    pipeline.reset();
    ws.reset();
}

std::vector<std::string> connectLandscape(EmbeddedCore& core, const Landscape* previous)
{
    std::vector<std::string> connected;
    std::set<std::string> targets;
    for (const SubscriptionDef& s : core.config.landscape->subscriptions())
        targets.insert(s.target);
    // A demo workspace's targets are the simulated systems `mdsyncctl simulate` serves, while it runs.
    const bool demo = core.ws->meta(QStringLiteral("demo")) == QLatin1String("1");
    std::optional<SimulatedEndpoints> simulated;
    bool stale = false;
    if (demo) {
        auto sim = SimulatedEndpoints::read(core.path, &stale);
        if (!sim)
            core.notes.push_back(sim.error());
        else
            simulated = std::move(sim).value();
        if (simulated)
            core.simulatedBy = simulated->pid;
    }
    bool unserved = false;
    for (const SystemDef& landscapeSys : core.config.landscape->systems()) {
        if (!targets.contains(landscapeSys.id))
            continue;
        if (core.connectors.contains(landscapeSys.id)) {
            // Connected already: kept unless the new landscape changed its connector settings.
            const SystemDef* before = previous ? previous->system(landscapeSys.id) : nullptr;
            if (!before || before->connector == landscapeSys.connector)
                continue;
        }
        auto sys = connectableSystem(landscapeSys, simulated);
        if (!sys) {
            core.notes.push_back(QStringLiteral("%1: not connected (%2; its deliveries stay queued)")
                                     .arg(qs(landscapeSys.id), sys.error()));
            unserved = true;
            continue;
        }
        auto c = createConnector(sys.value());
        if (!c) {
            core.notes.push_back(QStringLiteral("%1: not connected: %2").arg(qs(landscapeSys.id), c.error()));
            continue;
        }
        core.dispatcher->setConnector(landscapeSys.id, c.value().get());
        if (auto old = core.connectors.find(landscapeSys.id); old != core.connectors.end())
            core.replacedConnectors.push_back(std::move(old->second)); // its calls in flight still finish
        core.connectors[landscapeSys.id] = std::move(c).value();
        connected.push_back(landscapeSys.id);
    }
    if (demo && unserved)
        core.notes.push_back(stale ? QStringLiteral("the 'mdsyncctl simulate' that served this demo workspace's "
                                                    "targets has stopped: start it again")
                                   : QStringLiteral("'mdsyncctl simulate --workspace %1' serves this demo workspace's "
                                                    "targets (the demo's simulated systems) until stopped")
                                         .arg(core.path));
    return connected;
}

Result<std::unique_ptr<EmbeddedCore>> openEmbeddedCore(
    const QString& path, DispatcherOptions options, bool connectFromLandscape)
{
    auto core = std::make_unique<EmbeddedCore>();
    auto ws = Workspace::open(path, Workspace::Mode::ReadWrite);
    if (!ws)
        return makeError(ws.error());
    core->ws = std::move(ws).value();
    auto cfg = loadActiveConfig(*core->ws);
    if (!cfg)
        return makeError(cfg.error());
    core->config = cfg.value();
    core->generic = core->config.contracts->generic();
    core->pipeline = std::make_unique<IngestPipeline>(*core->ws, core->config);
    core->steward = std::make_unique<Steward>(*core->ws, core->config, *core->pipeline);
    core->dispatcher
        = std::make_unique<Dispatcher>(*core->ws, core->config, *core->config.contracts, std::move(options));
    if (!connectFromLandscape)
        return core;
    core->path = path;
    connectLandscape(*core, nullptr);
    return core;
}

DispatcherOptions demoDispatcherOptions(std::uint32_t seed)
{
    DispatcherOptions o;
    o.retryable = { 500, 8000, 0.2, 8 };
    o.rateLimited = { 1000, 10000, 0.2, 20 };
    o.seed = seed;
    return o;
}

Result<IngestSummary> ingestDemoHistory(EmbeddedCore& core, const std::string& actor)
{
    ensureBuiltinResources();
    QFile batch(QStringLiteral(":/mdsync/demo/npi-batch.jsonl"));
    if (!batch.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("the built-in demo batch is missing from this build"));
    IngestOptions io;
    io.sourceName = QStringLiteral("npi-batch.jsonl");
    io.actor = actor;
    auto summary = core.pipeline->ingest(batch, io);
    if (summary)
        core.dispatcher->poke();
    return summary;
}

} // namespace mdsync
