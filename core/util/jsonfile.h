#pragma once

#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace mdsync {

// Reads and parses a JSON file (a ":/mdsync/..." path reads the built-in resources). Errors start with
// `origin`: "origin: cannot open: ..." or "origin: invalid JSON: ...".
Result<nlohmann::json> readJsonFile(const QString& path, const QString& origin);

// Writes `doc` (indented by `indent`, -1: one line) and a newline to `path` atomically (QSaveFile: readers see the
// old file or the new one, never a part). Error: "path: cannot write: ...".
Result<void> writeJsonFile(const QString& path, const nlohmann::json& doc, int indent = -1);

// Registers the built-in resources (model, landscape, contracts, demo data). Call before reading any
// ":/mdsync/..." path directly, so that static linking never drops them; readJsonFile does it itself.
void ensureBuiltinResources();

} // namespace mdsync
