#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include "util/fastsha256.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
// The entry hash without temporaries: canonical JSON serialised by hand into a reused buffer (byte-identical
// to nlohmann::json::dump() of the canonical array, which defines the hash; falls back to it for text that
// is not valid UTF-8, so that such text fails the same way), hashed with FastSha256 (SHA-NI when available)
// and hex-encoded into a fixed buffer. One instance per thread.
class AuditHasher
{
public:
    using Text = std::optional<std::string_view>;

    // The canonical form [seq, at, actor, action, subject, before, after, reason] (nullopt = null).
    static void appendCanonical(std::string& out, std::int64_t seq, std::string_view at, std::string_view actor,
        std::string_view action, std::string_view subject, Text before, Text after, Text reason);
    // SHA-256 hex of canonical + prevHash; the view is valid until the next call.
    std::string_view hash(std::int64_t seq, std::string_view at, std::string_view actor, std::string_view action,
        std::string_view subject, Text before, Text after, Text reason, std::string_view prevHash);
    std::string_view hash(const AuditEntry& e);
    // The same hash from the JSON texts of the eight canonical fields exactly as appendCanonical writes them (the
    // number, each string literal with its quotes as appendJsonString (util/text.h) encodes it, or null), as they stand
    // in an export's JSON Lines: verify-export hashes them without decoding and encoding the values again.
    std::string_view hashLiterals(std::span<const std::string_view, 8> literals, std::string_view prevHash);

private:
    std::string_view digest(); // SHA-256 hex of m_buf

    std::string m_buf;
    FastSha256 m_sha;
    std::array<char, 64> m_hex {};
};

class AuditLog
{
public:
    explicit AuditLog(const QSqlDatabase& db);
    ~AuditLog();
    AuditLog(AuditLog&& other) noexcept;
    AuditLog& operator=(AuditLog&& other) noexcept;

    // Appends one entry inside the caller's transaction (the caller commits or rolls back).
    Result<std::int64_t> append(const std::string& actor, const std::string& action, const std::string& subject,
        const std::optional<nlohmann::json>& before, const std::optional<nlohmann::json>& after,
        const std::optional<std::string>& reason);

    // Reads the whole chain in seq order and checks sequence, links, hashes and the recorded head.
    AuditVerification verify() const;

    static std::string computeHash(const AuditEntry& e);
    // The canonical JSON text of an entry as computeHash() hashes it (before prev_hash is appended).
    static std::string canonical(const AuditEntry& e);
    // The same through nlohmann::json::dump(): the definition, kept for tests that compare the two.
    static std::string canonicalReference(const AuditEntry& e);
    static const std::string& genesisHash();

private:
    // append()'s statements, prepared at its first call: an AuditLog kept beside a connection (the ingest pipeline's)
    // compiles them once, not at every entry.
    struct Prepared;
    QSqlDatabase m_db;
    std::unique_ptr<Prepared> m_prepared;
};

} // namespace mdsync
