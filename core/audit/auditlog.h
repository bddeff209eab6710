#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mdsync {

struct AuditEntry
{
    std::int64_t seq = 0;
    std::string at; // RFC 3339 UTC
    std::string actor; // user login or "system:<id>"
    std::string action; // "workspace.init", "config.model.load", "ingest.run", ...
    std::string subject; // what it is about: "workspace", "model 2026.11", "item/FG-1000", ...
    std::optional<std::string> before; // JSON text or absent
    std::optional<std::string> after; // JSON text or absent
    std::optional<std::string> reason;
    std::string prevHash;
    std::string hash;
};

struct AuditVerification
{
    bool ok = true;
    std::int64_t entries = 0;
    std::string headHash; // hash of the last entry ("" for an empty log)
    std::vector<std::string> problems; // each names the seq and what is wrong
};

// The append-only, SHA-256 hash-chained audit log. hash = SHA-256(canonical(entry) + prev_hash), where
// canonical(entry) is the JSON array [seq, at, actor, action, subject, before, after, reason] (absent
// values as null) dumped without spaces. The first entry's prev_hash is 64 zeros. The head (last seq and
// hash) is also kept in the meta table so that deleting the newest rows is detected too.
class AuditLog
{
public:
    explicit AuditLog(QSqlDatabase db);

    // Appends one entry inside the caller's transaction (the caller commits or rolls back).
    Result<std::int64_t> append(const std::string& actor, const std::string& action, const std::string& subject,
        const std::optional<nlohmann::json>& before, const std::optional<nlohmann::json>& after,
        const std::optional<std::string>& reason);

    // Reads the whole chain in seq order and checks sequence, links, hashes and the recorded head.
    AuditVerification verify() const;

    static std::string computeHash(const AuditEntry& e);
    static const std::string& genesisHash();

private:
    QSqlDatabase m_db;
};

} // namespace mdsync
