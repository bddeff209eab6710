#include "connectors/connectorfactory.h"

#include "connectors/filedropconnector.h"
#include "connectors/restconnector.h"
#include "connectors/tryton/trytonconnector.h"
#include "policy/landscape.h"

namespace mdsync {

namespace {

template<typename T> Result<std::unique_ptr<Connector>> upcast(Result<std::unique_ptr<T>> created)
{
    if (!created)
        return makeError(created.error());
    return std::unique_ptr<Connector>(std::move(created).value());
}

} // namespace

Result<std::unique_ptr<Connector>> createConnector(const SystemDef& system, QObject* parent)
{
    return createConnector(system.id, system.connector, parent);
}

Result<std::unique_ptr<Connector>> createConnector(
    const std::string& systemId, const nlohmann::json& config, QObject* parent)
{
    const QString sys = QString::fromStdString(systemId);
    if (config.is_null())
        return makeError(QStringLiteral("%1: no connector configured (system.connector is missing)").arg(sys));
    if (!config.is_object())
        return makeError(QStringLiteral("%1: connector must be a JSON object with a \"kind\"").arg(sys));
    const auto kindIt = config.find("kind");
    if (kindIt == config.end() || !kindIt->is_string())
        return makeError(QStringLiteral("%1: connector.kind is missing (expected \"rest\" or \"file_drop\")").arg(sys));
    const auto& kind = kindIt->get_ref<const std::string&>();
    if (kind == "rest")
        return upcast(RestConnector::create(systemId, config, parent));
    if (kind == "file_drop")
        return upcast(FileDropConnector::create(systemId, config, parent));
    if (kind == "tryton")
        return upcast(TrytonConnector::create(systemId, config, parent));
    return makeError(QStringLiteral("%1: unknown connector.kind \"%2\" (expected \"rest\" or \"file_drop\")")
                         .arg(sys, QString::fromStdString(kind)));
}

} // namespace mdsync
