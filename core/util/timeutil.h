#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace mdsync {

// Times are UTC milliseconds since the epoch everywhere in the core; RFC 3339 strings at the edges.
using TimeMs = std::int64_t;
constexpr TimeMs kForever = std::numeric_limits<TimeMs>::max();

// Full RFC 3339 date-time ("2026-11-28T05:40:01Z", "...T07:40:01.5+02:00"); nullopt when invalid
// (including impossible dates such as 2026-02-30 and a missing offset).
std::optional<TimeMs> parseRfc3339(std::string_view s);
// "YYYY-MM-DD"; returns the UTC midnight of that date.
std::optional<TimeMs> parseIsoDate(std::string_view s);
// "2026-11-28T05:40:01.123Z" (always UTC, always milliseconds).
std::string formatRfc3339(TimeMs ms);
TimeMs nowMs();
// A duration for people, in the unit that reads best: "850 ms", "12.5 s", "45 s", "3.5 min", "25.0 h", "3.2 d"
// (the dashboard's tiles use the same steps, translated).
std::string formatDuration(TimeMs ms);

} // namespace mdsync
