#pragma once

#include "connectors/connector.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

class QObject;

namespace mdsync {

struct SystemDef;

// Creates the connector a system's "connector" object describes, dispatching on its "kind":
//   "rest"      -> RestConnector     (see restconnector.h)
//   "file_drop" -> FileDropConnector (see filedropconnector.h)
//   "tryton"    -> TrytonConnector   (see tryton/trytonconnector.h)
// Errors name the system and the offending field or kind (docs/CONNECTORS.md).
Result<std::unique_ptr<Connector>> createConnector(const SystemDef& system, QObject* parent = nullptr);
Result<std::unique_ptr<Connector>> createConnector(
    const std::string& systemId, const nlohmann::json& connectorConfig, QObject* parent = nullptr);

} // namespace mdsync
