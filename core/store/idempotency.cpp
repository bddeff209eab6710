#include "store/idempotency.h"

#include "util/hash.h"

namespace mdsync {

std::string idempotencyKey(std::string_view instanceId, std::string_view domain, std::string_view key,
    std::int64_t revisionNo, std::string_view target, std::string_view contractVersion)
{
    // U+001F separates the parts: no part can contain it (keys and ids with control characters are refused).
    std::string text;
    text.reserve(instanceId.size() + domain.size() + key.size() + target.size() + contractVersion.size() + 32);
    text.append(instanceId).append(1, '\x1f').append(domain).append(1, '\x1f').append(key).append(1, '\x1f');
    text.append(std::to_string(revisionNo)).append(1, '\x1f').append(target).append(1, '\x1f').append(contractVersion);
    return sha256Hex(text).substr(0, 32);
}

} // namespace mdsync
