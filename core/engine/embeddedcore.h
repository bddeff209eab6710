#pragma once

// The embedded sync core as one unit: the workspace (single writer), the ingest pipeline, the connectors and
// the dispatcher, plus the steps that set a workspace up. Used by `mdsyncctl run/demo` and by the GUI's core
// thread (CoreService), so both run exactly the same core.

#include "access/identity.h"
#include "config/configstore.h"
#include "sync/dispatcher.h"
#include "sync/ingestpipeline.h"
#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mdsync {

class Connector;
class Steward;
class Workspace;

// Creates a workspace file with a model and landscape (built-in when the file names are empty), audits it
// and makes `actor` its first admin. Returns a summary: workspace, model_version, landscape, landscape_version,
// domains, systems, subscriptions.
Result<nlohmann::json> initWorkspace(const QString& path, const QString& modelFile, const QString& landscapeFile,
    const std::string& actor, IdentityMode identities = IdentityMode::OsLogin);

// (Re)creates the live-demo workspace at `path`: refuses to replace a file that is not a demo workspace.
// An existing file is replaced only with `replace` and only when it is a previous demo workspace.
Result<nlohmann::json> initDemoWorkspace(const QString& path, const std::string& actor, bool replace);

// Opened in the thread that will run it; destroyed in the reverse order of use.
struct EmbeddedCore
{
    std::unique_ptr<Workspace> ws;
    ActiveConfig config;
    std::unique_ptr<IngestPipeline> pipeline;
    std::map<std::string, std::unique_ptr<Connector>> connectors;
    std::unique_ptr<Dispatcher> dispatcher;
    std::unique_ptr<Steward> steward; // every steward action of the GUI goes through it
    std::vector<QString> notes; // targets left unconnected, and why (on a demo workspace: what serves them)
    std::int64_t simulatedBy = 0; // a demo workspace's targets served by `mdsyncctl simulate` (its pid), or 0
    std::vector<GenericContract> generic; // subscriptions without a contract: the canonical payload passes through
    QString path; // the workspace location, when its targets are connected from the landscape (else empty)
    // Connectors a landscape version replaced while the core ran (new connector settings): their calls in flight
    // still finish. Destroyed with the core.
    std::vector<std::unique_ptr<Connector>> replacedConnectors;
    // Configurations replaced while the core ran (CoreRunner): what was built from them (a steward's replay, a
    // reconciliation's contracts) may still refer to them.
    std::vector<ActiveConfig> replacedConfigs;
    // > 0 while a command or a reconciliation runs on the core's thread (it may wait in a nested event loop): a
    // configuration version that falls due meanwhile is applied after it (CoreRunner).
    int busy = 0;
    struct BusyScope
    {
        explicit BusyScope(EmbeddedCore& c)
            : core(c)
        {
            ++core.busy;
        }
        ~BusyScope() { --core.busy; }
        BusyScope(const BusyScope&) = delete;
        BusyScope& operator=(const BusyScope&) = delete;
        EmbeddedCore& core;
    };

    EmbeddedCore();
    ~EmbeddedCore();
    EmbeddedCore(const EmbeddedCore&) = delete;
    EmbeddedCore& operator=(const EmbeddedCore&) = delete;
};

// Opens the workspace read-write and builds the core. `connectFromLandscape`: a connector for every
// subscribed system the landscape describes (placeholder addresses are left unconnected, with a note).
Result<std::unique_ptr<EmbeddedCore>> openEmbeddedCore(
    const QString& path, DispatcherOptions options, bool connectFromLandscape);

// Connects every subscribed system of core.config's landscape that has no connector yet, or whose connector settings
// differ from those in `previous` (the landscape it replaces; null at start): the connector it replaces is kept in
// replacedConnectors. Placeholder addresses are left unconnected, with a note in core.notes. Returns the systems
// connected by this call.
std::vector<std::string> connectLandscape(EmbeddedCore& core, const Landscape* previous);

// Dispatcher options of the live demo (short backoffs so that the story moves within minutes).
DispatcherOptions demoDispatcherOptions(std::uint32_t seed);

// The live demo (simulated systems and traffic) is attached by mdsync_demo: demo/livedemo.h, engine/demohook.h.

// Ingests the built-in NPI batch (the demo's history).
Result<IngestSummary> ingestDemoHistory(EmbeddedCore& core, const std::string& actor);

} // namespace mdsync
