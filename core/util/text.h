#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

// Offset of the first byte that is not valid UTF-8 (overlong forms, surrogates and values beyond U+10FFFF
// count as invalid), or std::string_view::npos when all of `s` is valid.
size_t invalidUtf8Offset(std::string_view s);
// Number of Unicode code points, or nullopt when `s` is not valid UTF-8.
std::optional<size_t> utf8Length(std::string_view s);

// "a, b, c"; with `limit`, at most that many items followed by `more` ("a, b, …").
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ",
    size_t limit = std::string::npos, std::string_view more = ", …");

} // namespace mdsync
