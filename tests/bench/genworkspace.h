#pragma once

// Generates a large workspace for the GUI's scale test and bench_ui: N objects (items) delivered to eight
// target systems (the built-in landscape plus MES-P300 and WMS-P200), with a realistic status mix, the
// deliveries and exceptions behind the non-acked cells, counters, a per-minute metric history and one busy
// object with a long lineage. Rows are written with prepared statements in one transaction (the generator
// is the workspace's only writer while it runs). Deterministic for a seed.

#include "util/result.h"

#include <QString>

#include <cstdint>

namespace mdsync::gen {

struct Options
{
    QString path;
    std::int64_t objects = 1'000'000;
    std::uint32_t seed = 7;
    int busyObjectEvents = 2000; // lineage events of the busy object (key GEN-0000001)
};

struct Summary
{
    std::int64_t objects = 0, cells = 0, deliveries = 0, exceptions = 0, lineageEvents = 0;
    std::int64_t elapsedMs = 0;
};

inline constexpr int kTargets = 8;
inline constexpr const char* kBusyKey = "GEN-0000001";

// Creates the workspace at options.path (refuses an existing file).
Result<Summary> generate(const Options& options);

// A cached copy for tests: generates `objects` objects once into a file under the temp dir named by the
// object count, seed and schema version, and returns its path (later calls, and the sanitizer run of the
// same CI job, reuse it). The file must be opened read-only by its users.
Result<QString> cachedWorkspace(std::int64_t objects, std::uint32_t seed = 7);

} // namespace mdsync::gen
