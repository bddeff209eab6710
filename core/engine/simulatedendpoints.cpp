#include "engine/simulatedendpoints.h"

#include "policy/landscape.h"
#include "util/jsonfile.h"

#include <QFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#endif

namespace mdsync {

namespace {

bool processIsRunning(std::int64_t pid)
{
    if (pid <= 0)
        return false;
#ifdef Q_OS_UNIX
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
#else
    return true; // no cheap check here: a stale file only costs connection errors, which the dispatcher retries
#endif
}

} // namespace

bool isPlaceholderAddress(const nlohmann::json& connector)
{
    const std::string url = connector.is_object() ? connector.value("base_url", "") : "";
    return url.find("127.0.0.1:0/") != std::string::npos || url.find("localhost:0/") != std::string::npos;
}

QString SimulatedEndpoints::filePath(const QString& workspacePath)
{
    return workspacePath + QStringLiteral(".simulate.json");
}

QString SimulatedEndpoints::stateFilePath(const QString& workspacePath)
{
    return workspacePath + QStringLiteral(".simulated-state.json");
}

Result<std::optional<SimulatedEndpoints>> SimulatedEndpoints::read(const QString& workspacePath, bool* stale)
{
    if (stale)
        *stale = false;
    QFile f(filePath(workspacePath));
    if (!f.exists())
        return std::optional<SimulatedEndpoints>();
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("%1: cannot read: %2").arg(f.fileName(), f.errorString()));
    const nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() || !j.contains("systems")
        || !j["systems"].is_object())
        return makeError(QStringLiteral("%1: not a file of 'mdsyncctl simulate' (expected {\"pid\": N, \"systems\": "
                                        "{id: connector}}); delete it")
                             .arg(f.fileName()));
    SimulatedEndpoints e;
    e.pid = j["pid"].get<std::int64_t>();
    if (!processIsRunning(e.pid)) {
        if (stale)
            *stale = true;
        return std::optional<SimulatedEndpoints>();
    }
    for (const auto& [id, c] : j["systems"].items())
        e.connectors[id] = c;
    return std::optional<SimulatedEndpoints>(std::move(e));
}

Result<void> SimulatedEndpoints::write(const QString& workspacePath) const
{
    nlohmann::json systems = nlohmann::json::object();
    for (const auto& [id, c] : connectors)
        systems[id] = c;
    return writeJsonFile(filePath(workspacePath), { { "pid", pid }, { "systems", systems } }, 2);
}

void SimulatedEndpoints::remove(const QString& workspacePath, std::int64_t pid)
{
    QFile f(filePath(workspacePath));
    if (!f.open(QIODevice::ReadOnly))
        return;
    const nlohmann::json j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    f.close();
    if (j.is_object() && j.value("pid", std::int64_t(0)) == pid)
        f.remove();
}

Result<SystemDef> connectableSystem(const SystemDef& sys, const std::optional<SimulatedEndpoints>& simulated)
{
    if (!isPlaceholderAddress(sys.connector))
        return sys;
    if (simulated) {
        if (auto it = simulated->connectors.find(sys.id); it != simulated->connectors.end()) {
            SystemDef served = sys;
            served.connector = it->second;
            return served;
        }
    }
    return makeError(QStringLiteral("the landscape has the placeholder address %1")
                         .arg(QString::fromStdString(sys.connector.value("base_url", ""))));
}

} // namespace mdsync
