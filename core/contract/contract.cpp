#include "contract/contract.h"

#include "policy/landscape.h"
#include "util/hash.h"
#include "util/jsonfile.h"
#include "util/text.h"
#include "util/timeutil.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <utility>

namespace mdsync {

namespace {

using json = nlohmann::json;

struct Loader
{
    const CanonicalModel& model;
    const Landscape& landscape;
    std::vector<std::string> errors;

    void error(const std::string& path, const std::string& message) { errors.push_back(path + ": " + message); }

    std::string str(const json& o, const char* key, const std::string& path, bool required)
    {
        auto it = o.find(key);
        if (it == o.end() || it->is_null()) {
            if (required)
                error(path + "." + key, "missing");
            return {};
        }
        if (!it->is_string()) {
            error(path + "." + key, "must be a string");
            return {};
        }
        return it->get<std::string>();
    }

    void checkKeys(const json& o, const std::string& path, std::initializer_list<const char*> allowed)
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            bool ok = it.key() == "comment";
            for (const char* a : allowed)
                ok = ok || it.key() == a;
            if (!ok)
                error(path + "." + it.key(), "unknown field");
        }
    }

    // `attr` is the canonical attribute the field reads (nullptr for "$key"/constants); `owner` the domain for
    // top-level fields, nullptr inside columns (then `attr` comes from the table's columns).
    FieldMapping field(const json& f, const std::string& path, const DomainDef& domain, const AttributeDef* table)
    {
        FieldMapping m;
        if (!f.is_object()) {
            error(path, "must be an object");
            return m;
        }
        checkKeys(f, path,
            { "from", "to", "value", "format", "default", "map", "unit", "decimals", "date_format", "max_length",
                "required", "editable", "columns" });
        m.from = str(f, "from", path, false);
        m.to = str(f, "to", path, true);
        if (auto v = f.find("value"); v != f.end())
            m.value = *v;
        m.format = str(f, "format", path, false);
        if (int(!m.from.empty()) + int(m.value.has_value()) + int(!m.format.empty()) != 1)
            error(path,
                R"(needs exactly one of "from" (a canonical attribute or "$key"), "value" (a constant) and "format")"
                R"( (a text with {attribute} placeholders))");
        if (!m.format.empty()) {
            auto parts = parseFieldFormat(m.format);
            if (!parts) {
                error(path + ".format", parts.error().toStdString());
            } else {
                m.formatParts = std::move(parts).value();
                for (const auto& part : m.formatParts) {
                    if (!part.placeholder || part.text == "$key")
                        continue;
                    if (!(table ? table->column(part.text) : domain.attribute(part.text)))
                        error(path + ".format",
                            "unknown " + std::string(table ? "column of " + table->name : "attribute of " + domain.name)
                                + " '" + part.text + "' in {" + part.text + "}");
                }
            }
        }
        const AttributeDef* attr = nullptr;
        if (!m.from.empty() && m.from != "$key") {
            attr = table ? table->column(m.from) : domain.attribute(m.from);
            if (!attr)
                error(path + ".from",
                    "unknown " + std::string(table ? "column of " + table->name : "attribute of " + domain.name) + " '"
                        + m.from + "'");
        }
        if (auto d = f.find("default"); d != f.end())
            m.defaultValue = *d;
        if (auto mp = f.find("map"); mp != f.end()) {
            if (!mp->is_object()) {
                error(path + ".map", "must be an object (canonical value -> target value)");
            } else {
                for (auto it = mp->begin(); it != mp->end(); ++it) {
                    if (attr && attr->type == AttrType::Code && !attr->hasCode(it.key()))
                        error(path + ".map." + it.key(), "'" + it.key() + "' is not a code of " + attr->name);
                    m.valueMap.emplace_back(it.key(), it.value());
                }
            }
        }
        m.unit = str(f, "unit", path, false);
        if (!m.unit.empty()) {
            const Unit* u = model.units().find(m.unit);
            if (!u)
                error(path + ".unit", "unknown unit '" + m.unit + "'");
            else if (attr && (attr->type != AttrType::Quantity || attr->dimension != u->dimension))
                error(path + ".unit",
                    "'" + m.unit + "' needs a quantity attribute of dimension "
                        + std::string(dimensionName(u->dimension)) + "; " + attr->name + " is not");
        }
        auto integer = [&](const char* key, std::optional<int>& out, int min) {
            if (auto it = f.find(key); it != f.end()) {
                if (!it->is_number_integer() || it->get<int>() < min)
                    error(path + "." + key, "must be an integer >= " + std::to_string(min));
                else
                    out = it->get<int>();
            }
        };
        integer("decimals", m.decimals, 0);
        integer("max_length", m.maxLength, 1);
        if (f.contains("date_format")) {
            m.dateFormat = str(f, "date_format", path, false);
            if (!isDateFormatPattern(m.dateFormat))
                error(path + ".date_format",
                    "must be a date pattern with at least one of y, M, d, h, m, s (e.g. \"dd.MM.yyyy\"), got '"
                        + m.dateFormat + "'");
            else if (attr && attr->type != AttrType::Date && attr->type != AttrType::DateTime
                && attr->type != AttrType::String)
                error(path + ".date_format", "needs a date, date-time or string attribute; " + attr->name + " is not");
        }
        auto flag = [&](const char* key, bool& out) {
            if (auto it = f.find(key); it != f.end()) {
                if (!it->is_boolean())
                    error(path + "." + key, "must be true or false");
                else
                    out = it->get<bool>();
            }
        };
        flag("required", m.required);
        flag("editable", m.editable);
        if (auto cols = f.find("columns"); cols != f.end()) {
            if (!attr || attr->type != AttrType::Table) {
                error(path + ".columns", "only for a table attribute");
            } else if (!cols->is_array()) {
                error(path + ".columns", "must be an array of field mappings");
            } else {
                for (size_t i = 0; i < cols->size(); ++i)
                    m.columns.push_back(field((*cols)[i], path + ".columns[" + std::to_string(i) + "]", domain, attr));
            }
        }
        return m;
    }
};

std::string numberText(double v)
{
    std::array<char, 64> buf {};
    std::snprintf(buf.data(), buf.size(), "%.10g", v);
    return buf.data();
}

std::string truncateUtf8(const std::string& s, size_t codePoints)
{
    size_t count = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (count == codePoints)
                return s.substr(0, i);
            ++count;
        }
    }
    return s;
}

// A canonical value as it reads inside a `format`: strings as they are, integers without a fraction, quantities
// as "12.5 kg", anything else as its JSON text.
std::string formatPiece(const json& v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_integer() || v.is_number_unsigned())
        return v.dump();
    if (v.is_number())
        return numberText(v.get<double>());
    if (v.is_object() && v.contains("value") && v.contains("unit") && v["unit"].is_string())
        return formatPiece(v["value"]) + " " + v["unit"].get<std::string>();
    return v.dump();
}

json placeholderValue(const std::string& name, const std::string& key, const json& source)
{
    if (name == "$key")
        return key;
    auto it = source.find(name);
    return it == source.end() ? json() : *it;
}

// The `format` of a field filled in; null when a placeholder's attribute has no value.
json formatText(const FieldMapping& f, const std::string& key, const json& source)
{
    std::string out;
    for (const auto& part : f.formatParts) {
        if (!part.placeholder) {
            out += part.text;
            continue;
        }
        const json v = placeholderValue(part.text, key, source);
        if (v.is_null())
            return {};
        out += formatPiece(v);
    }
    return out;
}

std::string missingPlaceholder(const FieldMapping& f, const json& source)
{
    for (const auto& part : f.formatParts)
        if (part.placeholder && placeholderValue(part.text, {}, source).is_null() && part.text != "$key")
            return part.text;
    return "a placeholder";
}

// An ISO-8601 date ("2026-11-28") or RFC 3339 date-time (formatted in UTC) in a Qt date pattern; nullopt when the
// text is neither. Month and day names are English (the C locale), whatever the machine's language.
std::optional<std::string> formatDate(const std::string& iso, const std::string& pattern)
{
    const QString qpattern = QString::fromStdString(pattern);
    if (iso.size() == 10) {
        if (!parseIsoDate(iso))
            return std::nullopt;
        const QDate d = QDate::fromString(QString::fromStdString(iso), Qt::ISODate);
        if (!d.isValid())
            return std::nullopt;
        return QLocale::c().toString(QDateTime(d, QTime(0, 0), QTimeZone::utc()), qpattern).toStdString();
    }
    const auto ms = parseRfc3339(iso);
    if (!ms)
        return std::nullopt;
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(*ms, QTimeZone::utc()), qpattern).toStdString();
}

// Maps `source` (state or table row) into `out`, collecting issues; `prefix` for field paths in rows.
void mapFields(const Contract& c, const std::vector<FieldMapping>& fields, const std::string& key, const json& source,
    const UnitRegistry& units, const std::string& prefix, json& out, std::vector<MappingIssue>& issues)
{
    for (const FieldMapping& f : fields) {
        const std::string path = prefix + f.to;
        json v;
        if (!f.formatParts.empty()) {
            v = formatText(f, key, source);
            if (v.is_null() && !f.defaultValue && f.required) {
                issues.push_back({ path,
                    path + ": required by " + c.target + " but " + missingPlaceholder(f, source)
                        + " has no value (format '" + f.format + "')",
                    false });
                continue;
            }
        } else if (f.value)
            v = *f.value;
        else if (f.from == "$key")
            v = key;
        else if (auto it = source.find(f.from); it != source.end())
            v = *it;
        if (v.is_null() && f.defaultValue)
            v = *f.defaultValue;
        if (v.is_null()) {
            if (f.required)
                issues.push_back(
                    { path, path + ": required by " + c.target + " but " + f.from + " has no value", false });
            continue;
        }
        if (!f.valueMap.empty()) {
            const std::string k = v.is_string() ? v.get<std::string>() : v.dump();
            bool found = false;
            for (const auto& [from, to] : f.valueMap) {
                if (from == k) {
                    v = to;
                    found = true;
                    break;
                }
            }
            if (!found) {
                std::string message = path;
                message.append(": ").append(f.from).append(" value '").append(k).append("' has no value in ");
                message.append(c.target).append(" (the contract maps ").append(std::to_string(f.valueMap.size()));
                issues.push_back({ path, message.append(" values)"), true });
            }
        }
        if (!f.unit.empty()) {
            const Unit* to = units.find(f.unit);
            const Unit* from = v.is_object() && v.contains("unit") && v["unit"].is_string()
                ? units.find(v["unit"].get<std::string>())
                : nullptr;
            const auto converted = (to && from && v.contains("value") && v["value"].is_number())
                ? UnitRegistry::convert(v["value"].get<double>(), *from, *to)
                : std::nullopt;
            if (!converted) {
                issues.push_back(
                    { path, path + ": " + f.from + " must be a quantity convertible to " + f.unit + ", got " + v.dump(),
                        false });
                continue;
            }
            v = *converted;
        }
        if (f.decimals && v.is_number()) {
            const double x = v.get<double>();
            const double scale = std::pow(10.0, *f.decimals);
            const double rounded = std::round(x * scale) / scale;
            if (std::fabs(rounded - x) > c.tolerance * std::max(1.0, std::fabs(x)))
                issues.push_back({ path,
                    path + ": " + f.from + " " + numberText(x) + " rounds to " + numberText(rounded) + " with "
                        + std::to_string(*f.decimals) + " decimals in " + c.target,
                    true });
            // decimals 0: an integer, if it fits in one (the cast of a larger double is undefined; found by
            // fuzz_contract).
            constexpr double kInt64Bound = 9223372036854775808.0; // 2^63
            if (*f.decimals == 0 && !(rounded >= -kInt64Bound && rounded < kInt64Bound)) {
                issues.push_back({ path,
                    path + ": " + f.from + " " + numberText(x) + " is too large for an integer field in " + c.target,
                    false });
                v = json(rounded);
            } else {
                v = *f.decimals == 0 ? json(static_cast<std::int64_t>(rounded)) : json(rounded);
            }
        }
        if (!f.dateFormat.empty()) {
            auto text = v.is_string() ? formatDate(v.get<std::string>(), f.dateFormat) : std::nullopt;
            if (!text) {
                issues.push_back({ path,
                    path + ": " + f.from + " value " + v.dump()
                        + " is not an ISO-8601 date (YYYY-MM-DD) or date-time for the date format '" + f.dateFormat
                        + "'",
                    false });
                continue;
            }
            v = *text;
        }
        if (f.maxLength && v.is_string()) {
            const std::string s = v.get<std::string>();
            const size_t len = utf8Length(s).value_or(s.size());
            if (len > static_cast<size_t>(*f.maxLength)) {
                issues.push_back({ path,
                    path + ": " + f.from + " has " + std::to_string(len) + " characters, " + c.target + " keeps "
                        + std::to_string(*f.maxLength) + " ('" + truncateUtf8(s, static_cast<size_t>(*f.maxLength))
                        + "…')",
                    true });
                v = truncateUtf8(s, static_cast<size_t>(*f.maxLength));
            }
        }
        if (!f.columns.empty()) {
            if (!v.is_array()) {
                issues.push_back({ path, path + ": " + f.from + " must be a table (array of rows)", false });
                continue;
            }
            json rows = json::array();
            for (size_t i = 0; i < v.size(); ++i) {
                json row = json::object();
                mapFields(c, f.columns, key, v[i], units, path + "[" + std::to_string(i) + "].", row, issues);
                rows.push_back(std::move(row));
            }
            v = std::move(rows);
        }
        out[f.to] = std::move(v);
    }
}

} // namespace

MappedPayload Contract::mapAll(
    const std::string& key, const json& state, const UnitRegistry& units, std::vector<MappingIssue>& blocking) const
{
    MappedPayload result;
    std::vector<MappingIssue> issues;
    mapFields(*this, fields, key, state, units, "", result.payload, issues);
    for (auto& i : issues) {
        if (i.lossy && !blockOnLoss)
            result.warnings.push_back(std::move(i));
        else
            blocking.push_back(std::move(i));
    }
    return result;
}

Result<MappedPayload> Contract::map(const std::string& key, const json& state, const UnitRegistry& units) const
{
    std::vector<MappingIssue> blocking;
    MappedPayload result = mapAll(key, state, units, blocking);
    if (!blocking.empty()) {
        std::vector<std::string> messages;
        messages.reserve(blocking.size());
        for (const auto& i : blocking)
            messages.push_back(i.message);
        return makeError(
            QString::fromStdString(domain + "->" + target + " contract v" + version + ": " + join(messages, "; ")));
    }
    return result;
}

Result<std::vector<FieldMapping::FormatPart>> parseFieldFormat(const std::string& format)
{
    std::vector<FieldMapping::FormatPart> parts;
    std::string literal;
    for (size_t i = 0; i < format.size(); ++i) {
        const char ch = format[i];
        if (ch == '{' && i + 1 < format.size() && format[i + 1] == '{') {
            literal += '{';
            ++i;
        } else if (ch == '}' && i + 1 < format.size() && format[i + 1] == '}') {
            literal += '}';
            ++i;
        } else if (ch == '{') {
            const size_t end = format.find('}', i + 1);
            if (end == std::string::npos)
                return makeError(QStringLiteral("placeholder at character %1 is not closed with '}'").arg(i + 1));
            const std::string name = format.substr(i + 1, end - i - 1);
            if (name.empty() || name.find('{') != std::string::npos)
                return makeError(
                    QStringLiteral("placeholder at character %1 must name an attribute or $key").arg(i + 1));
            if (!literal.empty())
                parts.push_back({ false, std::exchange(literal, {}) });
            parts.push_back({ true, name });
            i = end;
        } else if (ch == '}') {
            return makeError(QStringLiteral("a lone '}' at character %1 (write '}}' for a brace)").arg(i + 1));
        } else {
            literal += ch;
        }
    }
    if (!literal.empty())
        parts.push_back({ false, literal });
    if (parts.empty())
        return makeError(QStringLiteral("must not be empty"));
    return parts;
}

bool isDateFormatPattern(const std::string& pattern)
{
    // Quoted text ('at') is literal in a Qt pattern: only letters outside quotes count.
    bool quoted = false;
    for (char ch : pattern) {
        if (ch == '\'')
            quoted = !quoted;
        else if (!quoted && std::string_view("yMdhHms").find(ch) != std::string_view::npos)
            return true;
    }
    return false;
}

std::string contractName(std::string_view domain, std::string_view target, std::string_view version)
{
    std::string name(domain);
    name.append("->").append(target).append(" v").append(version);
    return name;
}

// Whether a subscription of the landscape sends `domain` to `target` (a contract is used only then).
static bool subscribes(const Landscape& landscape, const std::string& domain, const std::string& target)
{
    return std::ranges::any_of(
        landscape.subscriptionsFor(domain), [&target](const SubscriptionDef* s) { return s->target == target; });
}

Result<ContractSet> ContractSet::fromJson(
    const json& doc, const QString& origin, const CanonicalModel& model, const Landscape& landscape, Fit fit)
{
    Loader l { model, landscape, {} };
    ContractSet set;
    if (!doc.is_object())
        return makeError(origin + QStringLiteral(": expected a JSON object"));
    l.checkKeys(doc, "$", { "version", "contracts", "tests" });
    set.m_version = l.str(doc, "version", "$", false);
    set.m_document = doc;
    set.m_hash = sha256Hex(doc.dump());
    std::set<std::string> dormant;
    const json contracts = doc.value("contracts", json::array());
    if (!contracts.is_array())
        l.error("contracts", "must be an array");
    std::set<std::string> ids;
    for (size_t i = 0; contracts.is_array() && i < contracts.size(); ++i) {
        const std::string path = "contracts[" + std::to_string(i) + "]";
        const json& c = contracts[i];
        if (!c.is_object()) {
            l.error(path, "must be an object");
            continue;
        }
        l.checkKeys(c, path, { "domain", "target", "version", "on_loss", "tolerance", "on_merge", "fields" });
        Contract k;
        k.domain = l.str(c, "domain", path, true);
        k.target = l.str(c, "target", path, true);
        k.version = l.str(c, "version", path, true);
        const DomainDef* domain = model.domain(k.domain);
        if (!k.domain.empty() && !domain)
            l.error(path + ".domain", "unknown domain '" + k.domain + "'");
        const bool used = subscribes(landscape, k.domain, k.target);
        if (fit == Fit::Strict && !k.target.empty() && !landscape.system(k.target))
            l.error(path + ".target", "unknown system '" + k.target + "'");
        if (fit == Fit::Strict && domain && landscape.system(k.target) && !used)
            l.error(path, "no subscription of " + k.target + " to " + k.domain + " uses this contract");
        const std::string onLoss = l.str(c, "on_loss", path, false);
        if (onLoss == "warn")
            k.blockOnLoss = false;
        else if (!onLoss.empty() && onLoss != "block")
            l.error(path + ".on_loss", R"(must be "block" or "warn")");
        if (auto m = c.find("on_merge"); m != c.end()) {
            if (m->is_object() && m->size() == 1 && m->contains("redirect_field") && (*m)["redirect_field"].is_string()
                && !(*m)["redirect_field"].get_ref<const std::string&>().empty())
                k.mergeRedirectField = (*m)["redirect_field"].get<std::string>();
            else if (!(m->is_string() && m->get_ref<const std::string&>() == "retire"))
                l.error(path + ".on_merge", R"(must be "retire" or {"redirect_field": "<target field>"})");
        }
        if (auto t = c.find("tolerance"); t != c.end()) {
            if (!t->is_number() || t->get<double>() < 0)
                l.error(path + ".tolerance", "must be a number >= 0");
            else
                k.tolerance = t->get<double>();
        }
        const std::string id = contractName(k.domain, k.target, k.version);
        if (!ids.insert(id).second)
            l.error(path, "a second contract " + id);
        const json fields = c.value("fields", json::array());
        if (!fields.is_array() || fields.empty())
            l.error(path + ".fields", "must be a non-empty array");
        std::set<std::string> targets;
        for (size_t j = 0; domain && fields.is_array() && j < fields.size(); ++j) {
            FieldMapping m = l.field(fields[j], path + ".fields[" + std::to_string(j) + "]", *domain, nullptr);
            if (!m.to.empty() && !targets.insert(m.to).second)
                l.error(path + ".fields[" + std::to_string(j) + "].to", "target field '" + m.to + "' is mapped twice");
            k.fields.push_back(std::move(m));
        }
        if (!used && !k.domain.empty() && !k.target.empty()) {
            dormant.insert(id); // checked like the others, not used
            set.m_dormant.push_back(id);
            continue;
        }
        set.m_contracts.push_back(std::move(k));
    }
    const json tests = doc.value("tests", json::array());
    for (size_t i = 0; tests.is_array() && i < tests.size(); ++i) {
        const std::string path = "tests[" + std::to_string(i) + "]";
        const json& t = tests[i];
        if (!t.is_object()) {
            l.error(path, "must be an object");
            continue;
        }
        l.checkKeys(t, path, { "contract", "name", "key", "state", "expected", "expect_blocked" });
        Sample s { l.str(t, "contract", path, true), l.str(t, "name", path, true), l.str(t, "key", path, true),
            t.value("state", json::object()), t.value("expected", json()), t.value("expect_blocked", false) };
        if (!ids.contains(s.contract))
            l.error(path + ".contract", "unknown contract '" + s.contract + "' (write it as \"item->WMS-P100 v1\")");
        if (!dormant.contains(s.contract))
            set.m_samples.push_back(std::move(s));
    }
    if (!l.errors.empty())
        return makeError(origin + QStringLiteral(": ")
            + QString::fromStdString(join(l.errors, "\n" + origin.toStdString() + ": ", 20, "\n…")));
    for (const SubscriptionDef& s : landscape.subscriptions())
        if (!set.find(s.domain, s.target, s.contractVersion))
            set.m_generic.push_back({ s.id, s.domain, s.target, s.contractVersion });
    return set;
}

Result<ContractSet> ContractSet::builtin(const CanonicalModel& model, const Landscape& landscape)
{
    const QString origin = QStringLiteral("default-contracts.json");
    auto doc = readJsonFile(QStringLiteral(":/mdsync/contracts/default-contracts.json"), origin);
    if (!doc)
        return makeError(doc.error());
    // Defaults, not requirements: a contract for a (domain, target) that no subscription of this landscape has is
    // left out, with its samples. What stays is checked as strictly as a contracts file.
    json filtered = doc.value();
    if (filtered.is_object() && filtered.contains("contracts") && filtered["contracts"].is_array()) {
        std::set<std::string> dropped;
        json kept = json::array();
        for (const json& c : filtered["contracts"]) {
            if (c.is_object() && c.value("domain", json()).is_string() && c.value("target", json()).is_string()) {
                const auto domain = c["domain"].get<std::string>();
                const auto target = c["target"].get<std::string>();
                if (!subscribes(landscape, domain, target)) {
                    const json version = c.value("version", json());
                    dropped.insert(contractName(domain, target, version.is_string() ? version.get<std::string>() : ""));
                    continue;
                }
            }
            kept.push_back(c);
        }
        filtered["contracts"] = std::move(kept);
        if (filtered.contains("tests") && filtered["tests"].is_array()) {
            json tests = json::array();
            for (const json& t : filtered["tests"])
                if (!t.is_object() || !t.value("contract", json()).is_string()
                    || !dropped.contains(t["contract"].get<std::string>()))
                    tests.push_back(t);
            filtered["tests"] = std::move(tests);
        }
    }
    return fromJson(filtered, origin, model, landscape);
}

const Contract* ContractSet::find(std::string_view domain, std::string_view target, std::string_view version) const
{
    for (const Contract& c : m_contracts)
        if (c.domain == domain && c.target == target && c.version == version)
            return &c;
    return nullptr;
}

std::vector<ContractTestResult> ContractSet::runTests(const UnitRegistry& units) const
{
    std::vector<ContractTestResult> results;
    for (const Sample& s : m_samples) {
        ContractTestResult r { s.contract, s.name, false, {} };
        const Contract* c = nullptr;
        for (const Contract& k : m_contracts)
            if (contractName(k.domain, k.target, k.version) == s.contract)
                c = &k;
        if (!c) {
            r.differences.emplace_back("no such contract");
            results.push_back(std::move(r));
            continue;
        }
        auto mapped = c->map(s.key, s.state, units);
        if (s.expectBlocked) {
            if (mapped)
                r.differences.push_back("expected the mapping to be blocked, it passed: " + mapped->payload.dump());
        } else if (!mapped) {
            r.differences.push_back("blocked: " + mapped.error().toStdString());
        } else {
            const json& actual = mapped->payload;
            for (auto it = s.expected.begin(); it != s.expected.end(); ++it)
                if (!actual.contains(it.key()) || actual[it.key()] != it.value())
                    r.differences.push_back(it.key() + ": expected " + it.value().dump() + ", got "
                        + (actual.contains(it.key()) ? actual[it.key()].dump() : std::string("nothing")));
            for (auto it = actual.begin(); it != actual.end(); ++it)
                if (!s.expected.contains(it.key()))
                    r.differences.push_back(it.key() + ": not expected, got " + it.value().dump());
        }
        r.passed = r.differences.empty();
        results.push_back(std::move(r));
    }
    return results;
}

Result<MappedPayload> deliveryPayload(const ContractSet& contracts, const UnitRegistry& units, std::string_view domain,
    std::string_view target, std::string_view contractVersion, const std::string& key, const nlohmann::json& state,
    std::string_view payloadOverride, bool bestEffort)
{
    MappedPayload out;
    if (!payloadOverride.empty()) {
        out.payload = nlohmann::json::parse(payloadOverride, nullptr, false);
        if (out.payload.is_discarded() || !out.payload.is_object())
            return makeError(QStringLiteral("the corrected payload stored for this delivery is not a JSON object"));
        return out;
    }
    if (const Contract* c = contracts.find(domain, target, contractVersion)) {
        if (!bestEffort)
            return c->map(key, state, units);
        std::vector<MappingIssue> blocking;
        return c->mapAll(key, state, units, blocking);
    }
    out.payload = state;
    return out;
}

} // namespace mdsync
