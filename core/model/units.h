#pragma once

#include "util/result.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mdsync {

// Physical dimension of a unit of measure. Values of different dimensions never convert.
enum class Dimension { Count, Mass, Length, Volume, Time };

std::string_view dimensionName(Dimension d);
std::optional<Dimension> dimensionFromName(std::string_view name); // "count", "mass", ...

struct Unit
{
    std::string symbol; // canonical symbol, e.g. "kg", "mm", "EA"
    std::string name; // "kilogram"
    Dimension dimension = Dimension::Count;
    double factor = 1.0; // value in the dimension's base unit = value * factor
    std::vector<std::string> aliases; // other spellings systems send: "KG", "KGM", "kilogram"
};

// Rounds to `digits` significant decimal digits (locale-independent); 0, inf and nan are returned unchanged.
double roundSignificant(double value, int digits = 9);

// The units of measure known to the canonical model, with conversions inside a dimension.
class UnitRegistry
{
public:
    // JSON: [{"symbol":"kg","name":"kilogram","dimension":"mass","factor":1,"aliases":["KG","KGM"]}, ...]
    // Errors name the offending entry (index and symbol). Each dimension must have a unit with factor 1.
    static Result<UnitRegistry> fromJson(const nlohmann::json& units);

    // Exact symbol first, then aliases (case-sensitive), then a case-insensitive match of symbol or alias
    // when that is unambiguous. nullptr if unknown.
    const Unit* find(std::string_view symbolOrAlias) const;

    // nullopt when the dimensions differ. Results of a real conversion (different factors) are rounded to
    // 9 significant digits (roundSignificant) so 0.1 ft does not come out as 0.030480000000000004 m.
    static std::optional<double> convert(double value, const Unit& from, const Unit& to);

    const std::vector<Unit>& units() const { return m_units; }

private:
    std::vector<Unit> m_units;
    std::unordered_map<std::string, size_t> m_exact; // symbol and aliases
    std::unordered_map<std::string, size_t> m_folded; // lower-cased, only unambiguous entries
};

} // namespace mdsync
