#pragma once

// The live status the running core announces (the GUI's status bar and systems strip, `mdsyncctl run/demo`
// progress lines): deliveries per status and open exceptions per category, read from the counters (no scans).

#include <QMetaType>
#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace mdsync {

struct LiveStatus
{
    std::map<std::string, std::int64_t> deliveries; // status -> count (non-zero only)
    std::map<std::string, std::int64_t> exceptions; // category -> open count (non-zero only)

    std::int64_t openExceptions() const;
    std::int64_t deliveriesIn(const std::string& status) const;
    // {"deliveries": {status: n}, "exceptions": {category: n}}
    nlohmann::json toJson() const;
    bool operator==(const LiveStatus&) const = default;
};

namespace read {
LiveStatus liveStatus(const QSqlDatabase& db);
}

} // namespace mdsync

Q_DECLARE_METATYPE(mdsync::LiveStatus)
