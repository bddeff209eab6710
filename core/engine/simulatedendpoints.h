#pragma once

// Where `mdsyncctl simulate` serves the demo's simulated systems. The demo landscape leaves every target at a
// placeholder address ("http://127.0.0.1:0/erp"): nothing to connect to. While `simulate` runs it writes, next to
// the demo workspace, a small file with the connector of each system it serves ("<workspace>.simulate.json":
// the process id and, per system id, a REST connector object); `run` and `reconcile` on that demo workspace
// connect those targets there. The landscape itself (governed configuration) is not changed.

#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mdsync {

struct SystemDef;

// "http://127.0.0.1:0/..." or "http://localhost:0/...": a target the landscape has no address for yet.
bool isPlaceholderAddress(const nlohmann::json& connector);

struct SimulatedEndpoints
{
    std::int64_t pid = 0; // the `mdsyncctl simulate` process serving them
    std::map<std::string, nlohmann::json> connectors; // system id -> connector object ({"kind":"rest",...})

    static QString filePath(const QString& workspacePath);
    // What the simulated systems hold ("<workspace>.simulated-state.json"), saved by `demo` when it ends and by
    // `simulate`, restored by `simulate`: the targets keep what they acknowledged across runs.
    static QString stateFilePath(const QString& workspacePath);
    // The file of a running `simulate`, or nullopt: no file, or its process is gone (`stale` says so then).
    static Result<std::optional<SimulatedEndpoints>> read(const QString& workspacePath, bool* stale = nullptr);
    // Written atomically; remove() deletes it only while it still names this process.
    Result<void> write(const QString& workspacePath) const;
    static void remove(const QString& workspacePath, std::int64_t pid);
};

// The system as it can be connected: the landscape's connector, or for a placeholder address the simulated
// system's (when `simulated` serves it). The error says why it cannot be connected.
Result<SystemDef> connectableSystem(const SystemDef& sys, const std::optional<SimulatedEndpoints>& simulated);

} // namespace mdsync
