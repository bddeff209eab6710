#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mdsync {

// The idempotency key of one delivery (docs/DISPATCHER.md): the first 32 hex digits of SHA-256 over the workspace's
// random instance id, the object's domain and key, the revision number, the target and the contract version. The
// same delivery always gets the same key (retries, replays, a restarted core); two workspaces never share one, so a
// target that remembers keys cannot mistake one workspace's change for another's. Keys written before schema 5 (a
// hash of revision id, target and contract version) stay in the outbox as they were sent.
std::string idempotencyKey(std::string_view instanceId, std::string_view domain, std::string_view key,
    std::int64_t revisionNo, std::string_view target, std::string_view contractVersion);

} // namespace mdsync
