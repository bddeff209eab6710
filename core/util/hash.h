#pragma once

#include <string>
#include <string_view>

namespace mdsync {

// SHA-256 of the bytes, lower-case hex (64 characters).
std::string sha256Hex(std::string_view bytes);
// Random RFC 4122 version-4 UUID, lower case, with dashes.
std::string newUuid();

} // namespace mdsync
