#pragma once

#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace mdsync {

// Reads and parses a JSON file (a ":/mdsync/..." path reads the built-in resources). Errors start with
// `origin`: "origin: cannot open: ..." or "origin: invalid JSON: ...".
Result<nlohmann::json> readJsonFile(const QString& path, const QString& origin);

// Registers the built-in resources (model, landscape, contracts, demo data). Call before reading any
// ":/mdsync/..." path directly, so that static linking never drops them; readJsonFile does it itself.
void ensureBuiltinResources();

} // namespace mdsync
