#include "model/units.h"
#include "util/qtext.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <string>

namespace mdsync {

namespace {

constexpr std::array<std::string_view, 5> kDimensionNames { "count", "mass", "length", "volume", "time" };

std::string foldCase(std::string_view s)
{
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

} // namespace

std::string_view dimensionName(Dimension d)
{
    const auto i = static_cast<size_t>(d);
    return i < kDimensionNames.size() ? kDimensionNames[i] : std::string_view("unknown");
}

std::optional<Dimension> dimensionFromName(std::string_view name)
{
    for (size_t i = 0; i < kDimensionNames.size(); ++i) {
        if (kDimensionNames[i] == name)
            return static_cast<Dimension>(i);
    }
    return std::nullopt;
}

Result<UnitRegistry> UnitRegistry::fromJson(const nlohmann::json& units)
{
    if (!units.is_array())
        return makeError(
            QStringLiteral("units: expected an array of units, got %1").arg(QLatin1String(units.type_name())));

    UnitRegistry reg;
    reg.m_units.reserve(units.size());
    std::array<bool, kDimensionNames.size()> hasUnits {};
    std::array<bool, kDimensionNames.size()> hasBase {};

    for (size_t i = 0; i < units.size(); ++i) {
        const auto& u = units[i];
        std::string where = "units[" + std::to_string(i) + "]";
        if (!u.is_object())
            return makeError(qs(where + ": expected an object, got " + u.type_name()));
        if (!u.contains("symbol") || !u["symbol"].is_string() || u["symbol"].get_ref<const std::string&>().empty())
            return makeError(qs(where + ".symbol: expected a non-empty string"));
        Unit unit;
        unit.symbol = u["symbol"].get<std::string>();
        where += " ('" + unit.symbol + "')";
        for (const auto& [field, value] : u.items()) {
            if (field != "symbol" && field != "name" && field != "dimension" && field != "factor"
                && field != "aliases") {
                std::string msg = where;
                msg.append(": unknown field '")
                    .append(field)
                    .append("' (expected symbol, name, dimension, factor, aliases)");
                return makeError(qs(msg));
            }
        }
        if (u.contains("name")) {
            if (!u["name"].is_string())
                return makeError(qs(where + ".name: expected a string, got " + u["name"].type_name()));
            unit.name = u["name"].get<std::string>();
        }
        if (!u.contains("dimension") || !u["dimension"].is_string())
            return makeError(qs(where + ".dimension: expected one of count, mass, length, volume, time"));
        const auto dim = dimensionFromName(u["dimension"].get_ref<const std::string&>());
        if (!dim)
            return makeError(qs(where + ".dimension: unknown dimension '" + u["dimension"].get<std::string>()
                + "' (expected count, mass, length, volume, time)"));
        unit.dimension = *dim;
        if (!u.contains("factor") || !u["factor"].is_number())
            return makeError(
                qs(where + ".factor: expected a positive number (value in the base unit = value * factor)"));
        unit.factor = u["factor"].get<double>();
        if (!(unit.factor > 0) || !std::isfinite(unit.factor))
            return makeError(qs(where + ".factor: must be a positive number, got " + u["factor"].dump()));
        if (u.contains("aliases")) {
            const auto& aliases = u["aliases"];
            if (!aliases.is_array())
                return makeError(qs(where + ".aliases: expected an array of strings, got " + aliases.type_name()));
            for (size_t a = 0; a < aliases.size(); ++a) {
                if (!aliases[a].is_string() || aliases[a].get_ref<const std::string&>().empty())
                    return makeError(qs(where + ".aliases[" + std::to_string(a) + "]: expected a non-empty string"));
                unit.aliases.push_back(aliases[a].get<std::string>());
            }
        }

        const size_t index = reg.m_units.size();
        auto addExact = [&](const std::string& spelling) -> std::optional<std::string> {
            const auto [it, inserted] = reg.m_exact.emplace(spelling, index);
            if (!inserted && it->second != index) {
                std::string msg = where;
                msg.append(": '").append(spelling).append("' is already used by unit '");
                return msg.append(reg.m_units[it->second].symbol).append("'");
            }
            return std::nullopt;
        };
        if (auto err = addExact(unit.symbol))
            return makeError(qs(*err));
        for (const auto& alias : unit.aliases) {
            if (auto err = addExact(alias))
                return makeError(qs(*err));
        }
        const auto d = static_cast<size_t>(unit.dimension);
        hasUnits[d] = true;
        if (unit.factor == 1.0)
            hasBase[d] = true;
        reg.m_units.push_back(std::move(unit));
    }

    for (size_t d = 0; d < kDimensionNames.size(); ++d) {
        if (hasUnits[d] && !hasBase[d])
            return makeError(qs(
                "units: dimension '" + std::string(kDimensionNames[d]) + "' has no base unit (a unit with factor 1)"));
    }

    // Case-insensitive index: only spellings whose folded form names exactly one unit.
    constexpr auto kAmbiguous = static_cast<size_t>(-1);
    std::unordered_map<std::string, size_t> folded;
    for (const auto& [spelling, index] : reg.m_exact) {
        const auto [it, inserted] = folded.emplace(foldCase(spelling), index);
        if (!inserted && it->second != index)
            it->second = kAmbiguous;
    }
    for (auto& [key, index] : folded) {
        if (index != kAmbiguous)
            reg.m_folded.emplace(key, index);
    }
    return reg;
}

const Unit* UnitRegistry::find(std::string_view symbolOrAlias) const
{
    // Heterogeneous lookup is not available for the declared map types; unit spellings are short (SSO).
    const std::string key(symbolOrAlias);
    if (const auto it = m_exact.find(key); it != m_exact.end())
        return &m_units[it->second];
    if (const auto it = m_folded.find(foldCase(key)); it != m_folded.end())
        return &m_units[it->second];
    return nullptr;
}

std::optional<double> UnitRegistry::convert(double value, const Unit& from, const Unit& to)
{
    if (from.dimension != to.dimension)
        return std::nullopt;
    if (from.factor == to.factor)
        return value;
    return roundSignificant(value * from.factor / to.factor);
}

double roundSignificant(double value, int digits)
{
    if (value == 0 || !std::isfinite(value) || digits <= 0 || digits > 17)
        return value;
    // Locale-independent round trip through the decimal text form (QCoreApplication sets LC_NUMERIC).
    std::array<char, 64> buf {};
    const auto written = std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::general, digits);
    if (written.ec != std::errc())
        return value;
    double out = value;
    std::from_chars(buf.data(), written.ptr, out);
    return out;
}

} // namespace mdsync
