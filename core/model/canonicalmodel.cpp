#include "model/canonicalmodel.h"

#include "util/jsonfile.h"
#include "util/text.h"

#include "util/hash.h"
#include "util/timeutil.h"

#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>

namespace mdsync {

using json = nlohmann::json;

namespace {

constexpr size_t kLinearCodeLimit = 8; // longer code lists get a hash index
constexpr size_t kCodesInMessage = 8; // messages list at most this many codes, then "…"
constexpr size_t kShownChars = 60; // values quoted in messages are cut after this many bytes
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53
constexpr double kInt64Limit = 9223372036854775808.0; // 2^63: no stored number reaches it

constexpr std::array<std::string_view, 12> kTypeNames { "string", "integer", "decimal", "boolean", "date", "datetime",
    "code", "codeset", "unit", "quantity", "reference", "table" };

std::optional<AttrType> attrTypeFromName(std::string_view name)
{
    for (size_t i = 0; i < kTypeNames.size(); ++i) {
        if (kTypeNames[i] == name)
            return static_cast<AttrType>(i);
    }
    return std::nullopt;
}

// ---- small text helpers -------------------------------------------------------------------------------------

// A value quoted for a message: cut (on a UTF-8 boundary) when long.
std::string shown(std::string_view s)
{
    if (s.size() <= kShownChars)
        return "'" + std::string(s) + "'";
    size_t cut = kShownChars;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    return "'" + std::string(s.substr(0, cut)) + "…'";
}

std::string formatNumber(double v)
{
    std::array<char, 64> buf {};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    return r.ec == std::errc() ? std::string(buf.data(), r.ptr) : std::string("?");
}

std::string numberText(const json& v)
{
    if (v.is_number_unsigned())
        return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_integer())
        return std::to_string(v.get<std::int64_t>());
    return formatNumber(v.get<double>());
}

// "string 'abc'", "number 12", "boolean true", "object", "array", "null"
std::string describe(const json& v)
{
    switch (v.type()) {
    case json::value_t::string:
        return "string " + shown(v.get_ref<const std::string&>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
        return "number " + numberText(v);
    case json::value_t::boolean:
        return v.get<bool>() ? "boolean true" : "boolean false";
    default:
        return v.type_name();
    }
}

std::string joinLimited(const std::vector<std::string>& items, size_t limit = kCodesInMessage)
{
    return join(items, ", ", limit);
}

// Number of decimals of the shortest decimal text that round-trips to `v` (what the sender wrote, as far as a
// double can tell). 0 for integral values.
int decimalsOf(double v)
{
    if (!std::isfinite(v) || v == std::trunc(v))
        return 0;
    std::array<char, 512> buf {};
    const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
    if (r.ec != std::errc())
        return 0;
    const std::string_view text(buf.data(), static_cast<size_t>(r.ptr - buf.data()));
    const auto dot = text.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

// A double that is integral and exactly representable becomes a JSON integer (12.0 -> 12).
json numberJson(double v)
{
    if (v == std::trunc(v) && std::fabs(v) < kMaxExactInteger)
        return static_cast<std::int64_t>(v);
    return v;
}

std::string withArticle(std::string_view noun)
{
    const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
    return (vowel ? "an " : "a ") + std::string(noun);
}

// "count, mass or volume"
std::string orList(const std::vector<std::string>& items)
{
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += i + 1 == items.size() ? " or " : ", ";
        out += items[i];
    }
    return out;
}

std::string codeListName(const AttributeDef& def)
{
    return def.codeList.empty() ? def.name : def.codeList;
}

std::string columnNames(const AttributeDef& table)
{
    std::vector<std::string> names;
    for (const auto& c : table.columns)
        names.push_back(c.name);
    return joinLimited(names);
}

// ---- normalisation ------------------------------------------------------------------------------------------

class Normaliser
{
public:
    Normaliser(const CanonicalModel& model, std::vector<ValidationIssue>& issues,
        std::vector<ValidationIssue>* warnings = nullptr)
        : m_model(model)
        , m_issues(issues)
        , m_warnings(warnings)
    { }

    void value(const AttributeDef& def, const std::string& path, json& v);

private:
    void fail(const std::string& path, const std::string& message)
    {
        m_issues.push_back({ path, path + ": " + message });
    }
    bool text(const std::string& path, json& v, bool multiline);
    void checkRange(const AttributeDef& def, const std::string& path, double v, std::string_view unit = {});
    void string(const AttributeDef& def, const std::string& path, json& v);
    void integer(const AttributeDef& def, const std::string& path, json& v);
    void decimal(const AttributeDef& def, const std::string& path, json& v);
    void code(const AttributeDef& def, const std::string& path, json& v);
    void codeSet(const AttributeDef& def, const std::string& path, json& v);
    void unit(const AttributeDef& def, const std::string& path, json& v);
    void quantity(const AttributeDef& def, const std::string& path, json& v);
    void reference(const AttributeDef& def, const std::string& path, json& v);
    void table(const AttributeDef& def, const std::string& path, json& v);
    std::string notInList(const AttributeDef& def, const std::string& code) const;
    std::string unitExamples(const std::vector<Dimension>& dims) const;

    const CanonicalModel& m_model;
    std::vector<ValidationIssue>& m_issues;
    std::vector<ValidationIssue>* m_warnings;
};

// Text hygiene of a string value (docs/MODEL.md "Text and numbers"): control characters are refused (tab and line
// feed only where the attribute is multiline), bidirectional overrides are flagged, the text is stored in NFC.
bool Normaliser::text(const std::string& path, json& v, bool multiline)
{
    const auto& s = v.get_ref<const std::string&>();
    const TextScan scan = scanText(s, multiline);
    if (scan.control != std::string::npos) {
        fail(path,
            "contains the control character " + describeCodePoint(s, scan.control)
                + "; control characters are not allowed in text" + (multiline ? " (tab and line breaks are)" : ""));
        return false;
    }
    if (scan.bidi != std::string::npos && m_warnings)
        m_warnings->push_back({ path,
            path + ": contains " + describeCodePoint(s, scan.bidi)
                + ", a bidirectional override that can make the text display differently from what it is" });
    if (scan.nonAscii)
        v = normalisedText(s);
    return true;
}

void Normaliser::value(const AttributeDef& def, const std::string& path, json& v)
{
    switch (def.type) {
    case AttrType::String:
        return string(def, path, v);
    case AttrType::Integer:
        return integer(def, path, v);
    case AttrType::Decimal:
        return decimal(def, path, v);
    case AttrType::Boolean:
        if (!v.is_boolean())
            fail(path, "expected true or false, got " + describe(v));
        return;
    case AttrType::Date:
        if (!v.is_string() || !parseIsoDate(v.get_ref<const std::string&>()))
            fail(path,
                "expected a date YYYY-MM-DD (e.g. 2026-11-28), got "
                    + (v.is_string() ? shown(v.get_ref<const std::string&>()) : describe(v)));
        return;
    case AttrType::DateTime: {
        const auto ms = v.is_string() ? parseRfc3339(v.get_ref<const std::string&>()) : std::nullopt;
        if (!ms) {
            fail(path,
                "expected an RFC 3339 date-time with offset (e.g. 2026-11-28T05:40:01Z), got "
                    + (v.is_string() ? shown(v.get_ref<const std::string&>()) : describe(v)));
            return;
        }
        v = formatRfc3339(*ms);
        return;
    }
    case AttrType::Code:
        return code(def, path, v);
    case AttrType::CodeSet:
        return codeSet(def, path, v);
    case AttrType::Unit:
        return unit(def, path, v);
    case AttrType::Quantity:
        return quantity(def, path, v);
    case AttrType::Reference:
        return reference(def, path, v);
    case AttrType::Table:
        return table(def, path, v);
    }
}

void Normaliser::checkRange(const AttributeDef& def, const std::string& path, double v, std::string_view unit)
{
    const std::string suffix = unit.empty() ? std::string() : " " + std::string(unit);
    if (std::fabs(v) >= kInt64Limit)
        fail(path,
            formatNumber(v) + suffix + " is outside the range downstream systems can store (at most 64-bit, "
                + formatNumber(-kInt64Limit) + " < value < " + formatNumber(kInt64Limit) + ")");
    else if (def.min && v < *def.min)
        fail(path, formatNumber(v) + suffix + " is below the minimum " + formatNumber(*def.min) + suffix);
    else if (def.max && v > *def.max)
        fail(path, formatNumber(v) + suffix + " is above the maximum " + formatNumber(*def.max) + suffix);
}

void Normaliser::string(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_string())
        return fail(path, "expected a string, got " + describe(v));
    if (!text(path, v, def.multiline))
        return;
    const auto& s = v.get_ref<const std::string&>();
    const auto len = utf8Length(s);
    if (!len)
        return fail(path, "expected UTF-8 text, got invalid byte sequences");
    if (def.maxLength && *len > static_cast<size_t>(*def.maxLength))
        fail(path, std::to_string(*len) + " characters, at most " + std::to_string(*def.maxLength) + " allowed");
}

void Normaliser::integer(const AttributeDef& def, const std::string& path, json& v)
{
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || d != std::trunc(d))
            return fail(path, "expected an integer, got " + describe(v));
        if (std::fabs(d) >= kMaxExactInteger)
            return fail(path, "integer " + formatNumber(d) + " is out of range");
        v = static_cast<std::int64_t>(d); // 12.0 -> 12
    } else if (!v.is_number_integer()) {
        return fail(path, "expected an integer, got " + describe(v));
    } else if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(INT64_MAX)) {
        return fail(
            path, "integer " + v.dump() + " is outside the 64-bit range (-9223372036854775808 to 9223372036854775807)");
    }
    if (def.min || def.max) // the 64-bit bound is exact above; a double would round it
        checkRange(def, path, v.get<double>());
}

void Normaliser::decimal(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_number())
        return fail(path, "expected a number, got " + describe(v));
    if (!v.is_number_float())
        return checkRange(def, path, v.get<double>());
    const double d = v.get<double>();
    if (!std::isfinite(d))
        return fail(path, "expected a finite number, got " + formatNumber(d));
    if (def.scale) {
        const int decimals = decimalsOf(d);
        if (decimals > *def.scale)
            return fail(path,
                formatNumber(d) + " has " + std::to_string(decimals) + " decimals, at most "
                    + std::to_string(*def.scale) + " allowed");
    }
    const size_t before = m_issues.size();
    checkRange(def, path, d);
    if (m_issues.size() == before)
        v = numberJson(d);
}

std::string Normaliser::notInList(const AttributeDef& def, const std::string& code) const
{
    std::string msg = shown(code) + " is not in code list " + codeListName(def) + " (" + joinLimited(def.codes) + ")";
    // Hint for the most common mistake: right code, wrong case.
    for (const auto& c : def.codes) {
        if (c.size() == code.size() && std::equal(c.begin(), c.end(), code.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return msg.append("; did you mean '").append(c).append("'?");
    }
    return msg;
}

void Normaliser::code(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_string())
        return fail(path, "expected a code (string) of code list " + codeListName(def) + ", got " + describe(v));
    const auto& s = v.get_ref<const std::string&>();
    if (!def.hasCode(s))
        fail(path, notInList(def, s));
}

void Normaliser::codeSet(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_array())
        return fail(path,
            "expected an array of codes of code list " + codeListName(def) + " (" + joinLimited(def.codes) + "), got "
                + describe(v));
    const size_t before = m_issues.size();
    for (size_t i = 0; i < v.size(); ++i) {
        const auto& e = v[i];
        const auto elemPath = [&] { return path + "[" + std::to_string(i) + "]"; };
        if (!e.is_string()) {
            fail(elemPath(), "expected a code (string) of code list " + codeListName(def) + ", got " + describe(e));
            continue;
        }
        const auto& s = e.get_ref<const std::string&>();
        if (!def.hasCode(s)) {
            fail(elemPath(), notInList(def, s));
            continue;
        }
        for (size_t j = 0; j < i; ++j) {
            if (v[j] == e) {
                fail(
                    elemPath(), shown(s) + " appears more than once (also at " + path + "[" + std::to_string(j) + "])");
                break;
            }
        }
    }
    if (m_issues.size() == before)
        std::sort(v.begin(), v.end(), [](const json& a, const json& b) {
            return a.get_ref<const std::string&>() < b.get_ref<const std::string&>();
        });
}

std::string Normaliser::unitExamples(const std::vector<Dimension>& dims) const
{
    std::vector<std::string> symbols;
    for (const auto& u : m_model.units().units()) {
        if (dims.empty() || std::find(dims.begin(), dims.end(), u.dimension) != dims.end())
            symbols.push_back(u.symbol);
    }
    return joinLimited(symbols);
}

void Normaliser::unit(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_string())
        return fail(
            path, "expected a unit symbol (string, e.g. " + unitExamples(def.unitDimensions) + "), got " + describe(v));
    const auto& s = v.get_ref<const std::string&>();
    const Unit* u = m_model.units().find(s);
    if (!u)
        return fail(path, "unknown unit " + shown(s) + " (expected one of " + unitExamples(def.unitDimensions) + ")");
    if (!def.unitDimensions.empty()
        && std::find(def.unitDimensions.begin(), def.unitDimensions.end(), u->dimension) == def.unitDimensions.end()) {
        std::vector<std::string> allowed;
        for (auto d : def.unitDimensions)
            allowed.emplace_back(dimensionName(d));
        return fail(path,
            "unit " + shown(s) + " is " + withArticle(dimensionName(u->dimension)) + ", expected "
                + withArticle(orList(allowed)));
    }
    if (s != u->symbol)
        v = u->symbol; // alias -> canonical symbol ("KG" -> "kg")
}

void Normaliser::quantity(const AttributeDef& def, const std::string& path, json& v)
{
    // Message parts are built only on the error path: this runs for every quantity of every event.
    const std::string& canonical = def.canonicalUnit;
    const auto dim = [&] { return std::string(dimensionName(def.dimension.value_or(Dimension::Count))); };
    const auto form = [&] { return R"({"value": 12.5, "unit": ")" + canonical + R"("} or "12.5 )" + canonical + '"'; };
    double number = 0;
    std::string unitText;
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (it.key() != "value" && it.key() != "unit")
                return fail(path, "unexpected field '" + it.key() + "' in a quantity (expected " + form() + ")");
        }
        const auto value = v.find("value");
        if (value == v.end() || value->is_null())
            return fail(path, "the quantity has no value (expected " + form() + ")");
        if (!value->is_number())
            return fail(path, "expected a number as value, got " + describe(*value));
        number = value->get<double>();
        const auto unit = v.find("unit");
        if (unit == v.end() || unit->is_null())
            return fail(path, "the quantity has no unit (expected " + form() + ")");
        if (!unit->is_string())
            return fail(path, "expected a unit symbol (string) as unit, got " + describe(*unit));
        unitText = unit->get<std::string>();
    } else if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        const char* p = s.data();
        const char* end = s.data() + s.size();
        while (p < end && *p == ' ')
            ++p;
        const auto r = std::from_chars(p, end, number);
        const char* q = r.ptr;
        while (q < end && *q == ' ')
            ++q;
        const char* e = end;
        while (e > q && e[-1] == ' ')
            --e;
        if (r.ec != std::errc() || q == e || std::find(q, e, ' ') != e)
            return fail(path, shown(s) + " is not a quantity (expected " + form() + ")");
        unitText.assign(q, e);
    } else if (v.is_number()) {
        return fail(
            path, "a quantity needs a unit, got the plain number " + numberText(v) + " (expected " + form() + ")");
    } else {
        return fail(path, "expected a quantity such as " + form() + ", got " + describe(v));
    }
    if (!std::isfinite(number))
        return fail(path, "expected a finite number as value, got " + formatNumber(number));

    const Unit* from = m_model.units().find(unitText);
    if (!from)
        return fail(path,
            "unknown unit " + shown(unitText) + " (expected " + withArticle(dim()) + " unit such as "
                + unitExamples({ def.dimension.value_or(Dimension::Count) }) + ")");
    if (from->dimension != def.dimension)
        return fail(path,
            "unit " + shown(unitText) + " is " + withArticle(dimensionName(from->dimension)) + ", expected "
                + withArticle(dim()) + " (e.g. " + canonical + ")");
    double converted = number;
    if (from->symbol != canonical) {
        const Unit* to = m_model.units().find(canonical);
        const auto c = to ? UnitRegistry::convert(number, *from, *to) : std::nullopt;
        if (!c)
            return fail(path, "cannot convert " + shown(unitText) + " to " + canonical);
        converted = *c;
    }
    const size_t before = m_issues.size();
    checkRange(def, path, converted, canonical);
    if (m_issues.size() != before)
        return;
    if (!v.is_object())
        v = json::object();
    v["unit"] = canonical;
    v["value"] = numberJson(converted);
}

void Normaliser::reference(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_string())
        return fail(path, "expected the key of " + withArticle(def.refDomain) + " (string), got " + describe(v));
    v = normalisedText(v.get_ref<const std::string&>());
    const auto& key = v.get_ref<const std::string&>();
    if (const DomainDef* target = m_model.domain(def.refDomain)) {
        const std::string problem = m_model.checkKey(*target, key);
        if (!problem.empty())
            fail(path, shown(key) + " is not a valid " + def.refDomain + " key (" + problem + ")");
    }
}

void Normaliser::table(const AttributeDef& def, const std::string& path, json& v)
{
    if (!v.is_array())
        return fail(
            path, "expected an array of rows (objects with columns " + columnNames(def) + "), got " + describe(v));
    std::unordered_map<std::string, size_t> keys; // table key (dumped) -> first row
    for (size_t i = 0; i < v.size(); ++i) {
        json& row = v[i];
        const std::string rowPath = path + "[" + std::to_string(i) + "]";
        if (!row.is_object()) {
            fail(rowPath, "expected a row (an object with columns " + columnNames(def) + "), got " + describe(row));
            continue;
        }
        for (auto it = row.begin(); it != row.end(); ++it) {
            const AttributeDef* column = def.column(it.key());
            if (!column) {
                fail(
                    rowPath + "." + it.key(), "unknown column of " + def.name + " (expected " + columnNames(def) + ")");
                continue;
            }
            if (!it.value().is_null())
                value(*column, rowPath + "." + it.key(), it.value());
        }
        for (const auto& column : def.columns) {
            if (!column.required)
                continue;
            const auto it = row.find(column.name);
            if (it == row.end() || it->is_null())
                fail(rowPath + "." + column.name, "required column " + column.name + " is missing");
        }
        if (def.tableKey.empty())
            continue;
        std::string key;
        std::string keyText;
        for (const auto& k : def.tableKey) {
            const auto it = row.find(k);
            const std::string cell = it == row.end() ? "null" : it->dump();
            key += cell + '\x1f';
            keyText.append(keyText.empty() ? "" : ", ").append(k).append(" ").append(cell);
        }
        const auto [seen, inserted] = keys.emplace(key, i);
        if (!inserted) {
            std::string msg = "duplicate table key ";
            msg.append(keyText).append(" (already used by ").append(path).append("[");
            fail(rowPath, msg.append(std::to_string(seen->second)).append("])"));
        }
    }
}

// ---- model parsing ------------------------------------------------------------------------------------------

struct ParseContext
{
    std::vector<std::string> errors;
    const UnitRegistry* units = nullptr;
    const std::unordered_map<std::string, std::vector<std::string>>* codeLists = nullptr;
    std::set<std::string> domainNames;

    void error(const std::string& path, const std::string& message) { errors.push_back(path + ": " + message); }
};

std::string fieldPath(const std::string& path, const char* field)
{
    return path.empty() ? std::string(field) : path + "." + field;
}

// Reads an optional string field; errors when present and not a string (or empty when required).
bool readString(
    ParseContext& ctx, const json& obj, const char* field, const std::string& path, std::string& out, bool required)
{
    const auto it = obj.find(field);
    if (it == obj.end()) {
        if (required)
            ctx.error(fieldPath(path, field), "missing (expected a string)");
        return false;
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
        ctx.error(fieldPath(path, field), "expected a non-empty string, got " + describe(*it));
        return false;
    }
    out = it->get<std::string>();
    return true;
}

// An array of distinct non-empty strings at `where`.
bool readStringArray(
    ParseContext& ctx, const json& value, const std::string& where, std::vector<std::string>& out, bool nonEmpty)
{
    if (!value.is_array()) {
        ctx.error(where, "expected an array of strings, got " + describe(value));
        return false;
    }
    if (nonEmpty && value.empty()) {
        ctx.error(where, "must not be empty");
        return false;
    }
    bool ok = true;
    std::set<std::string> seen;
    for (size_t i = 0; i < value.size(); ++i) {
        const auto& e = value[i];
        if (!e.is_string() || e.get_ref<const std::string&>().empty()) {
            ctx.error(where + "[" + std::to_string(i) + "]", "expected a non-empty string, got " + describe(e));
            ok = false;
        } else if (!seen.insert(e.get<std::string>()).second) {
            ctx.error(
                where + "[" + std::to_string(i) + "]", "duplicate entry " + shown(e.get_ref<const std::string&>()));
            ok = false;
        } else {
            out.push_back(e.get<std::string>());
        }
    }
    return ok;
}

bool readStringList(ParseContext& ctx, const json& obj, const char* field, const std::string& path,
    std::vector<std::string>& out, bool required, bool nonEmpty)
{
    const auto it = obj.find(field);
    if (it == obj.end()) {
        if (required)
            ctx.error(fieldPath(path, field), "missing (expected an array of strings)");
        return false;
    }
    return readStringArray(ctx, *it, fieldPath(path, field), out, nonEmpty);
}

std::optional<double> readNumber(ParseContext& ctx, const json& obj, const char* field, const std::string& path)
{
    const auto it = obj.find(field);
    if (it == obj.end())
        return std::nullopt;
    if (!it->is_number()) {
        ctx.error(fieldPath(path, field), "expected a number, got " + describe(*it));
        return std::nullopt;
    }
    return it->get<double>();
}

std::optional<int> readPositiveInt(
    ParseContext& ctx, const json& obj, const char* field, const std::string& path, int minimum)
{
    const auto it = obj.find(field);
    if (it == obj.end())
        return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < minimum || it->get<std::int64_t>() > 1000000) {
        ctx.error(fieldPath(path, field),
            "expected an integer of at least " + std::to_string(minimum) + ", got " + describe(*it));
        return std::nullopt;
    }
    return static_cast<int>(it->get<std::int64_t>());
}

std::string defaultLabel(const std::string& name)
{
    std::string label = name;
    std::replace(label.begin(), label.end(), '_', ' ');
    if (!label.empty() && label[0] >= 'a' && label[0] <= 'z')
        label[0] = static_cast<char>(label[0] - 'a' + 'A');
    return label;
}

std::vector<std::string> allowedFields(AttrType type, bool column)
{
    std::vector<std::string> f { "type", "label", "comment" };
    f.emplace_back(column ? "required" : "group");
    switch (type) {
    case AttrType::String:
        f.insert(f.end(), { "max_length", "multiline" });
        break;
    case AttrType::Integer:
        f.insert(f.end(), { "min", "max" });
        break;
    case AttrType::Decimal:
        f.insert(f.end(), { "min", "max", "scale" });
        break;
    case AttrType::Code:
        f.insert(f.end(), { "code_list", "codes", "max_length" });
        break;
    case AttrType::CodeSet:
        f.insert(f.end(), { "code_list", "codes" });
        break;
    case AttrType::Unit:
        f.emplace_back("unit_dimensions");
        break;
    case AttrType::Quantity:
        f.insert(f.end(), { "dimension", "unit", "min", "max" });
        break;
    case AttrType::Reference:
        f.emplace_back("ref_domain");
        break;
    case AttrType::Table:
        f.insert(f.end(), { "columns", "table_key" });
        break;
    case AttrType::Boolean:
    case AttrType::Date:
    case AttrType::DateTime:
        break;
    }
    return f;
}

std::string dimensionChoices()
{
    return "count, mass, length, volume, time";
}

void parseAttribute(
    ParseContext& ctx, const json& j, const std::string& name, const std::string& path, bool column, AttributeDef& def)
{
    def.name = name;
    if (!j.is_object())
        return ctx.error(path, "expected an object with at least \"type\", got " + describe(j));
    std::string typeName;
    if (!readString(ctx, j, "type", path, typeName, true))
        return;
    const auto type = attrTypeFromName(typeName);
    if (!type) {
        std::vector<std::string> names(kTypeNames.begin(), kTypeNames.end());
        return ctx.error(
            path + ".type", "unknown type " + shown(typeName) + " (expected " + joinLimited(names, 99) + ")");
    }
    def.type = *type;
    const auto allowed = allowedFields(def.type, column);
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end())
            ctx.error(path + "." + it.key(),
                "field does not apply to " + std::string(column ? "a column" : "an attribute") + " of type " + typeName
                    + " (allowed: " + joinLimited(allowed, 99) + ")");
    }
    if (!readString(ctx, j, "label", path, def.label, false))
        def.label = defaultLabel(name);
    if (!column)
        readString(ctx, j, "group", path, def.group, true);
    if (column && j.contains("required")) {
        if (!j["required"].is_boolean())
            ctx.error(path + ".required", "expected true or false, got " + describe(j["required"]));
        else
            def.required = j["required"].get<bool>();
    }
    def.maxLength = readPositiveInt(ctx, j, "max_length", path, 1);
    def.scale = readPositiveInt(ctx, j, "scale", path, 0);
    def.min = readNumber(ctx, j, "min", path);
    def.max = readNumber(ctx, j, "max", path);
    if (const auto m = j.find("multiline"); m != j.end()) {
        if (!m->is_boolean())
            ctx.error(path + ".multiline", "expected true or false, got " + describe(*m));
        else
            def.multiline = m->get<bool>();
    }
    if (def.min && def.max && *def.min > *def.max)
        ctx.error(path, "min " + formatNumber(*def.min) + " is greater than max " + formatNumber(*def.max));

    switch (def.type) {
    case AttrType::Code:
    case AttrType::CodeSet: {
        const bool hasList = j.contains("code_list");
        const bool hasCodes = j.contains("codes");
        if (hasList == hasCodes) {
            ctx.error(path,
                "a " + typeName
                    + " attribute needs exactly one of \"code_list\" (a name from code_lists) "
                      "or \"codes\" (an inline array)");
            break;
        }
        if (hasList) {
            if (readString(ctx, j, "code_list", path, def.codeList, true)) {
                const auto it = ctx.codeLists->find(def.codeList);
                if (it == ctx.codeLists->end()) {
                    std::vector<std::string> names;
                    for (const auto& [n, codes] : *ctx.codeLists)
                        names.push_back(n);
                    std::sort(names.begin(), names.end());
                    ctx.error(path + ".code_list",
                        "unknown code list " + shown(def.codeList) + " (expected one of " + joinLimited(names, 99)
                            + ")");
                } else {
                    def.codes = it->second;
                }
            }
        } else {
            readStringList(ctx, j, "codes", path, def.codes, true, true);
        }
        break;
    }
    case AttrType::Unit: {
        std::vector<std::string> dims;
        readStringList(ctx, j, "unit_dimensions", path, dims, false, false);
        for (size_t i = 0; i < dims.size(); ++i) {
            if (const auto d = dimensionFromName(dims[i]))
                def.unitDimensions.push_back(*d);
            else
                ctx.error(path + ".unit_dimensions[" + std::to_string(i) + "]",
                    "unknown dimension " + shown(dims[i]) + " (expected " + dimensionChoices() + ")");
        }
        break;
    }
    case AttrType::Quantity: {
        std::string dimName;
        if (readString(ctx, j, "dimension", path, dimName, true)) {
            def.dimension = dimensionFromName(dimName);
            if (!def.dimension)
                ctx.error(path + ".dimension",
                    "unknown dimension " + shown(dimName) + " (expected " + dimensionChoices() + ")");
        }
        std::string unitName;
        if (readString(ctx, j, "unit", path, unitName, true)) {
            const Unit* u = ctx.units->find(unitName);
            if (!u) {
                ctx.error(path + ".unit", "unknown unit " + shown(unitName) + " (not in the model's units)");
            } else {
                def.canonicalUnit = u->symbol;
                if (def.dimension && u->dimension != *def.dimension)
                    ctx.error(path + ".unit",
                        "unit " + shown(unitName) + " is " + withArticle(dimensionName(u->dimension))
                            + ", but the attribute's dimension is " + std::string(dimensionName(*def.dimension)));
            }
        }
        break;
    }
    case AttrType::Reference:
        if (readString(ctx, j, "ref_domain", path, def.refDomain, true) && !ctx.domainNames.contains(def.refDomain))
            ctx.error(path + ".ref_domain", "unknown domain " + shown(def.refDomain));
        break;
    case AttrType::Table: {
        if (column) {
            ctx.error(path + ".type", "a table column cannot itself be a table");
            break;
        }
        const auto cols = j.find("columns");
        if (cols == j.end() || !cols->is_object() || cols->empty()) {
            ctx.error(path + ".columns", "expected a non-empty object of columns keyed by column name");
            break;
        }
        for (auto it = cols->begin(); it != cols->end(); ++it) {
            AttributeDef col;
            parseAttribute(ctx, it.value(), it.key(), path + ".columns." + it.key(), true, col);
            def.columns.push_back(std::move(col));
        }
        readStringList(ctx, j, "table_key", path, def.tableKey, false, false);
        for (size_t i = 0; i < def.tableKey.size(); ++i) {
            if (!def.column(def.tableKey[i]))
                ctx.error(path + ".table_key[" + std::to_string(i) + "]",
                    "unknown column " + shown(def.tableKey[i]) + " (expected one of " + columnNames(def) + ")");
        }
        break;
    }
    default:
        break;
    }

    if ((def.type == AttrType::Code || def.type == AttrType::CodeSet) && def.codes.size() > kLinearCodeLimit)
        def.codeIndex = std::make_shared<const std::unordered_set<std::string>>(def.codes.begin(), def.codes.end());
}

void parseDomain(ParseContext& ctx, const json& j, const std::string& name, DomainDef& d)
{
    const std::string path = "domains." + name;
    d.name = name;
    if (!j.is_object())
        return ctx.error(path, "expected an object, got " + describe(j));
    static const std::vector<std::string> known { "label", "comment", "key", "groups", "description_attribute",
        "lifecycle", "creator_group", "critical_groups", "plant_attribute", "duplicate_check", "attributes",
        "structure", "hierarchy", "retention" };
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::find(known.begin(), known.end(), it.key()) == known.end())
            ctx.error(path + "." + it.key(), "unknown field (expected " + joinLimited(known, 99) + ")");
    }
    if (!readString(ctx, j, "label", path, d.label, false))
        d.label = defaultLabel(name);

    // key
    const auto key = j.find("key");
    if (key == j.end() || !key->is_object()) {
        ctx.error(path + ".key", R"(expected an object {"name", "max_length", "pattern"})");
    } else {
        readString(ctx, *key, "name", path + ".key", d.keyName, true);
        if (const auto ml = readPositiveInt(ctx, *key, "max_length", path + ".key", 1))
            d.keyMaxLength = *ml;
        if (readString(ctx, *key, "pattern", path + ".key", d.keyPattern, false) && !d.keyPattern.empty()) {
            auto re = std::make_shared<QRegularExpression>(
                QRegularExpression::anchoredPattern(QString::fromStdString(d.keyPattern)));
            if (!re->isValid()) {
                ctx.error(path + ".key.pattern",
                    "invalid regular expression " + shown(d.keyPattern) + ": " + re->errorString().toStdString()
                        + " at offset " + std::to_string(re->patternErrorOffset()));
            } else {
                re->optimize(); // compile now: matching is then read-only and thread-safe
                d.keyRegex = std::move(re);
            }
        }
        for (auto it = key->begin(); it != key->end(); ++it) {
            if (it.key() != "name" && it.key() != "max_length" && it.key() != "pattern")
                ctx.error(path + ".key." + it.key(), "unknown field (expected name, max_length, pattern)");
        }
    }

    readStringList(ctx, j, "groups", path, d.groups, true, true);
    auto checkGroup = [&](const std::string& group, const std::string& where) {
        if (!d.hasGroup(group))
            ctx.error(where, "unknown group " + shown(group) + " (expected one of " + joinLimited(d.groups, 99) + ")");
    };

    // attributes, ordered by group (display order of `groups`), then by name
    const auto attrs = j.find("attributes");
    if (attrs == j.end() || !attrs->is_object() || attrs->empty()) {
        ctx.error(path + ".attributes", "expected a non-empty object of attributes keyed by attribute name");
    } else {
        for (auto it = attrs->begin(); it != attrs->end(); ++it) {
            AttributeDef def;
            const std::string apath = path + ".attributes." + it.key();
            parseAttribute(ctx, it.value(), it.key(), apath, false, def);
            if (!def.group.empty())
                checkGroup(def.group, apath + ".group");
            d.attributes.push_back(std::move(def));
        }
        auto groupRank = [&](const std::string& g) {
            return static_cast<size_t>(std::find(d.groups.begin(), d.groups.end(), g) - d.groups.begin());
        };
        std::stable_sort(d.attributes.begin(), d.attributes.end(), [&](const AttributeDef& a, const AttributeDef& b) {
            const auto ra = groupRank(a.group);
            const auto rb = groupRank(b.group);
            return ra != rb ? ra < rb : a.name < b.name;
        });
        for (size_t i = 0; i < d.attributes.size(); ++i)
            d.index.emplace(d.attributes[i].name, i);
    }
    if (!d.keyName.empty() && d.index.contains(d.keyName))
        ctx.error(path + ".key.name", "the key " + shown(d.keyName) + " must not also be an attribute");

    auto requireAttribute = [&](const std::string& attr, const std::string& where) -> const AttributeDef* {
        const AttributeDef* a = d.attribute(attr);
        if (!a)
            ctx.error(where, "unknown attribute " + shown(attr) + " of domain " + name);
        return a;
    };

    if (readString(ctx, j, "description_attribute", path, d.descriptionAttribute, false))
        requireAttribute(d.descriptionAttribute, path + ".description_attribute");

    // lifecycle
    if (const auto lc = j.find("lifecycle"); lc != j.end()) {
        const std::string lpath = path + ".lifecycle";
        if (!lc->is_object()) {
            ctx.error(lpath, R"(expected an object {"attribute", "initial", "states", "mandatory"})");
        } else {
            for (auto it = lc->begin(); it != lc->end(); ++it) {
                if (it.key() != "attribute" && it.key() != "initial" && it.key() != "states" && it.key() != "mandatory")
                    ctx.error(lpath + "." + it.key(), "unknown field (expected attribute, initial, states, mandatory)");
            }
            std::vector<std::string> states;
            readStringList(ctx, *lc, "states", lpath, states, true, true);
            if (readString(ctx, *lc, "attribute", lpath, d.lifecycleAttribute, true)) {
                if (const AttributeDef* a = requireAttribute(d.lifecycleAttribute, lpath + ".attribute")) {
                    if (a->type != AttrType::Code)
                        ctx.error(lpath + ".attribute",
                            "attribute " + shown(a->name) + " must be of type code, is "
                                + std::string(attrTypeName(a->type)));
                    else if (std::set<std::string>(a->codes.begin(), a->codes.end())
                        != std::set<std::string>(states.begin(), states.end()))
                        ctx.error(lpath + ".states",
                            "states (" + joinLimited(states, 99) + ") differ from the codes of " + a->name + " ("
                                + joinLimited(a->codes, 99) + ")");
                }
            }
            auto isState
                = [&](const std::string& s) { return std::find(states.begin(), states.end(), s) != states.end(); };
            if (readString(ctx, *lc, "initial", lpath, d.initialState, true) && !isState(d.initialState))
                ctx.error(lpath + ".initial",
                    "initial state " + shown(d.initialState) + " is not one of the states (" + joinLimited(states, 99)
                        + ")");
            if (const auto mand = lc->find("mandatory"); mand != lc->end()) {
                if (!mand->is_object()) {
                    ctx.error(lpath + ".mandatory", "expected an object {state: [attributes]}, got " + describe(*mand));
                } else {
                    for (auto it = mand->begin(); it != mand->end(); ++it) {
                        const std::string mpath = lpath + ".mandatory." + it.key();
                        if (!isState(it.key()))
                            ctx.error(mpath,
                                "unknown state " + shown(it.key()) + " (expected one of " + joinLimited(states, 99)
                                    + ")");
                        std::vector<std::string> list;
                        readStringArray(ctx, it.value(), mpath, list, false);
                        for (size_t i = 0; i < list.size(); ++i)
                            requireAttribute(list[i], mpath + "[" + std::to_string(i) + "]");
                        d.mandatoryByState[it.key()] = std::move(list);
                    }
                }
            }
        }
    }

    if (readString(ctx, j, "creator_group", path, d.creatorGroup, true))
        checkGroup(d.creatorGroup, path + ".creator_group");
    readStringList(ctx, j, "critical_groups", path, d.criticalGroups, false, false);
    for (size_t i = 0; i < d.criticalGroups.size(); ++i)
        checkGroup(d.criticalGroups[i], path + ".critical_groups[" + std::to_string(i) + "]");
    if (const auto rt = j.find("retention"); rt != j.end()) {
        const std::string rpath = path + ".retention";
        if (!rt->is_object()) {
            ctx.error(rpath, R"(expected an object {"archive_superseded_after_days": N}, got )" + describe(*rt));
        } else {
            for (auto it = rt->begin(); it != rt->end(); ++it) {
                if (it.key() != "archive_superseded_after_days")
                    ctx.error(rpath + "." + it.key(), "unknown field (expected archive_superseded_after_days)");
            }
            if (!rt->contains("archive_superseded_after_days"))
                ctx.error(rpath + ".archive_superseded_after_days",
                    "missing (the number of days after which a superseded revision may be archived; leave out "
                    "\"retention\" to keep revisions forever)");
            // 0 days: archivable as soon as superseded (tests, high-volume domains); at most 1,000,000 days.
            d.archiveSupersededAfterDays = readPositiveInt(ctx, *rt, "archive_superseded_after_days", rpath, 0);
        }
    }
    if (readString(ctx, j, "plant_attribute", path, d.plantAttribute, false)) {
        if (const AttributeDef* a = requireAttribute(d.plantAttribute, path + ".plant_attribute")) {
            if (a->type != AttrType::Code && a->type != AttrType::CodeSet)
                ctx.error(path + ".plant_attribute",
                    "attribute " + shown(a->name) + " must be of type code or codeset, is "
                        + std::string(attrTypeName(a->type)));
        }
    }

    if (const auto dc = j.find("duplicate_check"); dc != j.end()) {
        const std::string dpath = path + ".duplicate_check";
        if (!dc->is_object()) {
            ctx.error(dpath, R"(expected an object {"attributes", "identifiers", "threshold", "action"})");
        } else {
            for (auto it = dc->begin(); it != dc->end(); ++it) {
                if (it.key() != "attributes" && it.key() != "identifiers" && it.key() != "threshold"
                    && it.key() != "action")
                    ctx.error(
                        dpath + "." + it.key(), "unknown field (expected attributes, identifiers, threshold, action)");
            }
            readStringList(ctx, *dc, "attributes", dpath, d.duplicateCheck.attributes, true, true);
            for (size_t i = 0; i < d.duplicateCheck.attributes.size(); ++i)
                requireAttribute(d.duplicateCheck.attributes[i], dpath + ".attributes[" + std::to_string(i) + "]");
            if (dc->contains("identifiers")) {
                readStringList(ctx, *dc, "identifiers", dpath, d.duplicateCheck.identifiers, false, true);
                for (size_t i = 0; i < d.duplicateCheck.identifiers.size(); ++i)
                    requireAttribute(
                        d.duplicateCheck.identifiers[i], dpath + ".identifiers[" + std::to_string(i) + "]");
            }
            if (const auto t = readNumber(ctx, *dc, "threshold", dpath)) {
                if (*t <= 0 || *t > 1)
                    ctx.error(
                        dpath + ".threshold", "expected a similarity above 0 and at most 1, got " + formatNumber(*t));
                else
                    d.duplicateCheck.threshold = *t;
            }
            std::string action;
            if (readString(ctx, *dc, "action", dpath, action, false)) {
                if (action == "flag")
                    d.duplicateCheck.action = DuplicateCheck::Action::Flag;
                else if (action == "hold")
                    d.duplicateCheck.action = DuplicateCheck::Action::Hold;
                else
                    ctx.error(dpath + ".action", "unknown action " + shown(action) + " (expected flag or hold)");
            }
        }
    }

    // A bill-of-materials-like structure: a parent reference and a table of component lines of the same domain.
    if (const auto st = j.find("structure"); st != j.end()) {
        const std::string spath = path + ".structure";
        Structure& s = d.structure;
        if (!st->is_object()) {
            ctx.error(spath, R"(expected an object {"parent", "lines", "component", "quantity", "unit"})");
        } else {
            for (auto it = st->begin(); it != st->end(); ++it)
                if (it.key() != "parent" && it.key() != "lines" && it.key() != "component" && it.key() != "quantity"
                    && it.key() != "unit" && it.key() != "component_unit")
                    ctx.error(spath + "." + it.key(),
                        "unknown field (expected parent, lines, component, quantity, unit, component_unit)");
            readString(ctx, *st, "parent", spath, s.parent, true);
            readString(ctx, *st, "lines", spath, s.lines, true);
            readString(ctx, *st, "component", spath, s.component, true);
            readString(ctx, *st, "quantity", spath, s.quantity, false);
            readString(ctx, *st, "unit", spath, s.unit, false);
            readString(ctx, *st, "component_unit", spath, s.componentUnit, false);
            const AttributeDef* parent = s.parent.empty() ? nullptr : requireAttribute(s.parent, spath + ".parent");
            const AttributeDef* lines = s.lines.empty() ? nullptr : requireAttribute(s.lines, spath + ".lines");
            if (parent && parent->type != AttrType::Reference)
                ctx.error(spath + ".parent", "attribute " + shown(s.parent) + " must be a reference");
            if (lines && lines->type != AttrType::Table)
                ctx.error(spath + ".lines", "attribute " + shown(s.lines) + " must be a table");
            if (parent && lines && lines->type == AttrType::Table) {
                const AttributeDef* c = lines->column(s.component);
                if (!c || c->type != AttrType::Reference || c->refDomain != parent->refDomain)
                    ctx.error(spath + ".component",
                        shown(s.component) + " must be a reference column of " + s.lines + " to " + parent->refDomain
                            + ", like the parent");
                const AttributeDef* q = s.quantity.empty() ? nullptr : lines->column(s.quantity);
                if (!s.quantity.empty() && (!q || (q->type != AttrType::Decimal && q->type != AttrType::Integer)))
                    ctx.error(spath + ".quantity", shown(s.quantity) + " must be a number column of " + s.lines);
                const AttributeDef* u = s.unit.empty() ? nullptr : lines->column(s.unit);
                if (!s.unit.empty() && (!u || u->type != AttrType::Unit))
                    ctx.error(spath + ".unit", shown(s.unit) + " must be a unit column of " + s.lines);
            }
        }
    }
    // A parent chain inside the domain (location.parent_location): cycles are refused.
    if (readString(ctx, j, "hierarchy", path, d.hierarchy, false)) {
        const AttributeDef* h = requireAttribute(d.hierarchy, path + ".hierarchy");
        if (h && (h->type != AttrType::Reference || h->refDomain != d.name))
            ctx.error(path + ".hierarchy", "attribute " + shown(d.hierarchy) + " must be a reference to " + d.name);
    }
}

// Detects duplicate object keys while parsing (nlohmann keeps the last one silently) and records their path.
struct DuplicateKeyTracker
{
    struct Frame
    {
        bool array = false;
        size_t index = 0;
        std::string key;
        std::set<std::string> keys;
    };
    std::vector<Frame> frames;
    std::vector<std::string> duplicates;

    std::string path() const
    {
        std::string p;
        for (const auto& f : frames) {
            if (f.array)
                p += "[" + std::to_string(f.index) + "]";
            else if (!f.key.empty())
                p += (p.empty() ? "" : ".") + f.key;
        }
        return p;
    }
    void elementDone()
    {
        if (!frames.empty() && frames.back().array)
            ++frames.back().index;
    }
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed)
    {
        switch (event) {
        case json::parse_event_t::object_start:
            frames.push_back({});
            break;
        case json::parse_event_t::array_start:
            frames.push_back({ true, 0, {}, {} });
            break;
        case json::parse_event_t::object_end:
        case json::parse_event_t::array_end:
            if (!frames.empty())
                frames.pop_back();
            elementDone();
            break;
        case json::parse_event_t::key:
            if (!frames.empty()) {
                frames.back().key = parsed.get<std::string>();
                if (!frames.back().keys.insert(frames.back().key).second)
                    duplicates.push_back(path());
            }
            break;
        case json::parse_event_t::value:
            elementDone();
            break;
        }
        return true;
    }
};

} // namespace

// ---- public API -----------------------------------------------------------------------------------------------

std::string_view attrTypeName(AttrType t)
{
    const auto i = static_cast<size_t>(t);
    return i < kTypeNames.size() ? kTypeNames[i] : std::string_view("unknown");
}

const AttributeDef* AttributeDef::column(std::string_view columnName) const
{
    for (const auto& c : columns) {
        if (c.name == columnName)
            return &c;
    }
    return nullptr;
}

bool AttributeDef::hasCode(const std::string& code) const
{
    if (codeIndex)
        return codeIndex->count(code) != 0;
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

const AttributeDef* DomainDef::attribute(std::string_view attributeName) const
{
    const auto it = index.find(std::string(attributeName));
    return it == index.end() ? nullptr : &attributes[it->second];
}

bool DomainDef::hasGroup(std::string_view group) const
{
    return std::find(groups.begin(), groups.end(), group) != groups.end();
}

namespace {

// Calls `f` with every non-empty key string `state` references through `path` ("attr" or "table.column").
template<typename Json, typename F> void forEachReference(Json& state, const std::string& path, F&& f)
{
    const auto isKey = [](const auto& v) { return v.is_string() && !v.template get_ref<const std::string&>().empty(); };
    const auto dot = path.find('.');
    if (dot == std::string::npos) {
        auto it = state.find(path);
        if (it != state.end() && isKey(*it))
            f(*it);
        return;
    }
    auto it = state.find(path.substr(0, dot));
    if (it == state.end() || !it->is_array())
        return;
    const std::string column = path.substr(dot + 1);
    for (auto& row : *it) {
        if (!row.is_object())
            continue;
        auto c = row.find(column);
        if (c != row.end() && isKey(*c))
            f(*c);
    }
}

} // namespace

void collectReferences(const nlohmann::json& state, const std::string& path, std::vector<std::string>& out)
{
    forEachReference(state, path, [&out](const nlohmann::json& v) { out.push_back(v.get<std::string>()); });
}

int replaceReferences(nlohmann::json& state, const std::string& path,
    const std::function<const std::string*(const std::string&)>& replacement)
{
    int n = 0;
    forEachReference(state, path, [&](nlohmann::json& v) {
        if (const std::string* to = replacement(v.get_ref<const std::string&>())) {
            v = *to;
            ++n;
        }
    });
    return n;
}

std::vector<std::pair<std::string, std::string>> DomainDef::references() const
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& a : attributes) {
        if (a.type == AttrType::Reference)
            out.emplace_back(a.name, a.refDomain);
        for (const auto& c : a.columns) {
            if (c.type == AttrType::Reference)
                out.emplace_back(a.name + "." + c.name, c.refDomain);
        }
    }
    return out;
}

Result<CanonicalModel> CanonicalModel::fromJson(const nlohmann::json& doc, const QString& origin)
{
    const std::string prefix = origin.toStdString() + ": ";
    auto fail = [&](const std::vector<std::string>& errors) {
        std::string msg;
        for (const auto& e : errors)
            msg.append(msg.empty() ? "" : "\n").append(prefix).append(e);
        return makeError(QString::fromStdString(msg));
    };
    if (!doc.is_object())
        return fail(
            { "(document): expected a JSON object with version, units, code_lists, domains, got " + describe(doc) });

    ParseContext ctx;
    CanonicalModel model;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it.key() != "version" && it.key() != "units" && it.key() != "code_lists" && it.key() != "domains"
            && it.key() != "comment")
            ctx.error(it.key(), "unknown field (expected version, units, code_lists, domains, comment)");
    }
    readString(ctx, doc, "version", {}, model.m_version, true);

    const auto units = doc.find("units");
    if (units == doc.end()) {
        ctx.error("units", "missing (expected an array of units)");
    } else {
        auto reg = UnitRegistry::fromJson(*units);
        if (!reg)
            ctx.errors.push_back(reg.error().toStdString()); // already starts with "units..."
        else
            model.m_units = std::move(reg.value());
    }
    ctx.units = &model.m_units;

    if (const auto lists = doc.find("code_lists"); lists != doc.end()) {
        if (!lists->is_object()) {
            ctx.error("code_lists", "expected an object {name: [codes]}, got " + describe(*lists));
        } else {
            for (auto it = lists->begin(); it != lists->end(); ++it) {
                std::vector<std::string> codes;
                readStringArray(ctx, it.value(), "code_lists." + it.key(), codes, true);
                model.m_codeLists.emplace(it.key(), std::move(codes));
            }
        }
    }
    ctx.codeLists = &model.m_codeLists;

    const auto domains = doc.find("domains");
    if (domains == doc.end() || !domains->is_object() || domains->empty()) {
        ctx.error("domains", "expected a non-empty object of domains keyed by domain name");
    } else {
        for (auto it = domains->begin(); it != domains->end(); ++it)
            ctx.domainNames.insert(it.key());
        for (auto it = domains->begin(); it != domains->end(); ++it) {
            DomainDef d;
            parseDomain(ctx, it.value(), it.key(), d);
            model.m_domains.push_back(std::move(d));
        }
    }

    if (!ctx.errors.empty()) {
        constexpr size_t kMaxErrors = 20;
        if (ctx.errors.size() > kMaxErrors) {
            const size_t more = ctx.errors.size() - kMaxErrors;
            ctx.errors.resize(kMaxErrors);
            ctx.errors.push_back("(and " + std::to_string(more) + " more errors)");
        }
        return fail(ctx.errors);
    }
    model.m_doc = doc;
    model.m_hash = sha256Hex(doc.dump());
    return model;
}

Result<CanonicalModel> CanonicalModel::fromFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(path + QStringLiteral(": cannot open the model: ") + file.errorString());
    const QByteArray bytes = file.readAll();
    DuplicateKeyTracker tracker;
    json doc;
    try {
        doc = json::parse(bytes.constBegin(), bytes.constEnd(),
            [&tracker](int depth, json::parse_event_t event, json& parsed) { return tracker(depth, event, parsed); });
    } catch (const json::parse_error& e) {
        std::string what = e.what();
        if (const auto pos = what.find("] "); what.rfind("[json.exception", 0) == 0 && pos != std::string::npos)
            what.erase(0, pos + 2);
        return makeError(path + QStringLiteral(": invalid JSON: ") + QString::fromStdString(what));
    }
    if (!tracker.duplicates.empty()) {
        QString msg;
        for (const auto& d : tracker.duplicates)
            msg += (msg.isEmpty() ? QString() : QStringLiteral("\n")) + path + QStringLiteral(": ")
                + QString::fromStdString(d) + QStringLiteral(": duplicate key (the file defines it more than once)");
        return makeError(msg);
    }
    return fromJson(doc, path);
}

Result<CanonicalModel> CanonicalModel::builtin()
{
    ensureBuiltinResources();
    auto model = fromFile(QStringLiteral(":/mdsync/model/canonical-model.json"));
    if (!model) // keep messages short: name the file, not the resource path
        return makeError(QString(model.error()).replace(QStringLiteral(":/mdsync/model/"), QString()));
    return model;
}

const DomainDef* CanonicalModel::domain(std::string_view name) const
{
    for (const auto& d : m_domains) {
        if (d.name == name)
            return &d;
    }
    return nullptr;
}

const std::vector<std::string>* CanonicalModel::codeList(std::string_view name) const
{
    const auto it = m_codeLists.find(std::string(name));
    return it == m_codeLists.end() ? nullptr : &it->second;
}

std::string CanonicalModel::checkKey(const DomainDef& domain, std::string_view key) const
{
    if (key.empty())
        return domain.keyName + " is empty";
    const auto len = utf8Length(key);
    if (!len)
        return domain.keyName + " " + shown(key) + " is not valid UTF-8 text";
    if (const TextScan scan = scanText(key); scan.control != std::string::npos || scan.bidi != std::string::npos) {
        const bool control = scan.control != std::string::npos;
        return domain.keyName + " " + shown(key) + " contains "
            + (control ? "the control character " : "the bidirectional override ")
            + describeCodePoint(key, control ? scan.control : scan.bidi) + "; keys are plain text";
    }
    if (*len > static_cast<size_t>(domain.keyMaxLength))
        return domain.keyName + " " + shown(key) + " has " + std::to_string(*len) + " characters, at most "
            + std::to_string(domain.keyMaxLength) + " allowed";
    if (domain.keyRegex
        && !domain.keyRegex->match(QString::fromUtf8(key.data(), static_cast<qsizetype>(key.size()))).hasMatch())
        return domain.keyName + " " + shown(key) + " does not match " + domain.keyPattern;
    return {};
}

bool CanonicalModel::normalise(const DomainDef& domain, const std::string& attribute, nlohmann::json& value,
    std::vector<ValidationIssue>& issues, std::vector<ValidationIssue>* warnings) const
{
    const auto it = domain.index.find(attribute);
    if (it == domain.index.end()) {
        issues.push_back({ attribute, attribute + ": unknown attribute of domain " + domain.name });
        return false;
    }
    if (value.is_null())
        return true; // clears the attribute
    const size_t before = issues.size();
    Normaliser(*this, issues, warnings).value(domain.attributes[it->second], attribute, value);
    return issues.size() == before;
}

bool CanonicalModel::checkMandatory(
    const DomainDef& domain, const nlohmann::json& state, std::vector<ValidationIssue>& issues) const
{
    if (!state.is_object()) {
        issues.push_back(
            { "attributes", "attributes: expected an object of attribute values, got " + describe(state) });
        return false;
    }
    std::string current = domain.initialState;
    if (!domain.lifecycleAttribute.empty()) {
        const auto it = state.find(domain.lifecycleAttribute);
        if (it != state.end() && !it->is_null()) {
            const AttributeDef* lc = domain.attribute(domain.lifecycleAttribute);
            const std::string states = lc ? joinLimited(lc->codes, 99) : std::string();
            if (!it->is_string() || !lc || !lc->hasCode(it->get_ref<const std::string&>())) {
                const std::string found = it->is_string() ? shown(it->get_ref<const std::string&>()) : describe(*it);
                issues.push_back({ domain.lifecycleAttribute,
                    domain.lifecycleAttribute + ": " + found + " is not a lifecycle state of " + domain.name + " ("
                        + states + ")" });
                return false;
            }
            current = it->get<std::string>();
        }
    }
    const auto mandatory = domain.mandatoryByState.find(current);
    if (mandatory == domain.mandatoryByState.end())
        return true;
    bool ok = true;
    for (const auto& attr : mandatory->second) {
        const auto it = state.find(attr);
        const char* why = nullptr;
        if (it == state.end() || it->is_null())
            why = "missing";
        else if ((it->is_string() && it->get_ref<const std::string&>().empty())
            || ((it->is_array() || it->is_object()) && it->empty()))
            why = "empty";
        if (why) {
            std::string text = current;
            text.append(" ").append(domain.name).append(" requires ").append(attr).append(" (").append(why).append(")");
            issues.push_back({ attr, std::move(text) });
            ok = false;
        }
    }
    return ok;
}

} // namespace mdsync
