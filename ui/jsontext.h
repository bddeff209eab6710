#pragma once

#include <QString>

#include <nlohmann/json.hpp>

namespace mdsync::ui {

// A field of a JSON snapshot as display text: strings as they are, other values as JSON, missing or null as "".
inline QString jsonFieldText(const nlohmann::json& j, const char* field)
{
    auto it = j.find(field);
    if (it == j.end() || it->is_null())
        return {};
    return QString::fromStdString(it->is_string() ? it->get<std::string>() : it->dump());
}

} // namespace mdsync::ui
