#pragma once

#include <QString>

#include <string_view>

namespace mdsync {

// UTF-8 std::string / string_view to QString (the core keeps text as UTF-8 std::string).
inline QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

} // namespace mdsync
