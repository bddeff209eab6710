#include "policy/landscape.h"

#include "util/jsonfile.h"
#include "util/text.h"

#include "util/hash.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <set>
#include <utility>

namespace mdsync {

using nlohmann::json;

// (Outside the anonymous namespace: the parser class below holds one.)
// Collects every problem of a document, each as "<origin>: <json path>: <message>".
class LandscapeErrors
{
public:
    explicit LandscapeErrors(const QString& origin)
        : m_origin(origin.toStdString())
    { }
    void add(const std::string& path, const std::string& message)
    {
        m_list.push_back(m_origin + ": " + (path.empty() ? std::string("(document)") : path) + ": " + message);
    }
    bool empty() const { return m_list.empty(); }
    size_t count() const { return m_list.size(); }
    QString text() const
    {
        std::string all;
        for (size_t i = 0; i < m_list.size() && i < kMaxReported; ++i) {
            if (i)
                all += '\n';
            all += m_list[i];
        }
        if (m_list.size() > kMaxReported)
            all += "\n(" + std::to_string(m_list.size() - kMaxReported) + " more errors)";
        return QString::fromStdString(all);
    }

private:
    static constexpr size_t kMaxReported = 50;
    std::string m_origin;
    std::vector<std::string> m_list;
};

namespace {

constexpr TimeMs kDayMs = 86400000;
constexpr TimeMs kMinuteMs = 60000;

constexpr std::array<std::string_view, 9> kSystemKinds
    = { "PLM", "ERP", "MES", "WMS", "CRM", "QMS", "Analytics", "SupplierPortal", "SaaS" };

using Errors = LandscapeErrors;

std::string field(const std::string& path, std::string_view key)
{
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, size_t i)
{
    return path + "[" + std::to_string(i) + "]";
}

std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

std::string typeName(const json& v)
{
    return v.type_name(); // "string", "number", "object", ...
}

template<typename C> bool contains(const C& c, std::string_view v)
{
    return std::find(c.begin(), c.end(), v) != c.end();
}

// Rejects misspelt field names: a silently ignored "valid_form" would be worse than an error.
void checkKeys(
    const json& obj, const std::string& path, std::initializer_list<std::string_view> allowed, Errors& errors)
{
    for (const auto& item : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
            std::string expected;
            for (auto a : allowed)
                expected += (expected.empty() ? "" : ", ") + std::string(a);
            errors.add(field(path, item.key()), "unknown field (expected one of: " + expected + ")");
        }
    }
}

// Object field accessors: missing optional fields return nullopt silently; wrong types and missing
// required fields are reported.
std::optional<std::string> getString(const json& obj, std::string_view key, const std::string& path, Errors& errors,
    bool required, bool allowEmpty = false)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required)
            errors.add(field(path, key), "missing (a string is required)");
        return std::nullopt;
    }
    if (!it->is_string()) {
        errors.add(field(path, key), "must be a string, not " + typeName(*it));
        return std::nullopt;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.empty() && !allowEmpty) {
        errors.add(field(path, key), "must not be empty");
        return std::nullopt;
    }
    return s;
}

std::optional<std::int64_t> getInt(
    const json& obj, std::string_view key, const std::string& path, Errors& errors, std::int64_t min, std::int64_t max)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number_integer()) {
        errors.add(field(path, key), "must be a whole number, not " + (it->is_number() ? it->dump() : typeName(*it)));
        return std::nullopt;
    }
    const auto v = it->get<std::int64_t>();
    if (v < min || v > max) {
        errors.add(field(path, key),
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", not " + it->dump());
        return std::nullopt;
    }
    return v;
}

std::optional<double> getNumber(const json& obj, std::string_view key, const std::string& path, Errors& errors)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return std::nullopt;
    if (!it->is_number()) {
        errors.add(field(path, key), "must be a number, not " + typeName(*it));
        return std::nullopt;
    }
    const auto v = it->get<double>();
    if (v < 0) {
        errors.add(field(path, key), "must not be negative");
        return std::nullopt;
    }
    return v;
}

std::optional<bool> getBool(const json& obj, std::string_view key, const std::string& path, Errors& errors)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return std::nullopt;
    if (!it->is_boolean()) {
        errors.add(field(path, key), "must be true or false, not " + typeName(*it));
        return std::nullopt;
    }
    return it->get<bool>();
}

// An optional array of strings; each element is checked by `accept`, which reports and returns false.
template<typename Accept>
std::vector<std::string> getStringList(
    const json& obj, std::string_view key, const std::string& path, Errors& errors, Accept accept)
{
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null())
        return out;
    const std::string p = field(path, key);
    if (!it->is_array()) {
        errors.add(p, "must be an array of strings, not " + typeName(*it));
        return out;
    }
    for (size_t i = 0; i < it->size(); ++i) {
        const json& v = (*it)[i];
        if (!v.is_string()) {
            errors.add(index(p, i), "must be a string, not " + typeName(v));
            continue;
        }
        const auto& s = v.get_ref<const std::string&>();
        if (contains(out, s)) {
            errors.add(index(p, i), "duplicate entry " + quote(s));
            continue;
        }
        if (accept(s, index(p, i)))
            out.push_back(s);
    }
    return out;
}

// An array-valued section; absent = empty. Calls `each(element, path)` for every object element.
template<typename Each> void forEachObject(const json& doc, std::string_view key, Errors& errors, Each each)
{
    const auto it = doc.find(key);
    if (it == doc.end() || it->is_null())
        return;
    const std::string p(key);
    if (!it->is_array()) {
        errors.add(p, "must be an array, not " + typeName(*it));
        return;
    }
    for (size_t i = 0; i < it->size(); ++i) {
        const json& e = (*it)[i];
        if (!e.is_object()) {
            errors.add(index(p, i), "must be an object, not " + typeName(e));
            continue;
        }
        each(e, index(p, i), i);
    }
}

std::optional<TimeMs> getTime(const json& obj, std::string_view key, const std::string& path, Errors& errors)
{
    const auto s = getString(obj, key, path, errors, false);
    if (!s)
        return std::nullopt;
    const auto t = parseRfc3339(*s);
    if (!t)
        errors.add(field(path, key),
            "invalid time " + quote(*s) + " (expected RFC 3339 with offset, e.g. 2026-01-01T00:00:00Z)");
    return t;
}

// "HH:MM" -> minutes after midnight; "24:00" only when allowMidnightEnd.
std::optional<int> parseTimeOfDay(std::string_view s, bool allowMidnightEnd)
{
    if (s.size() != 5 || s[2] != ':')
        return std::nullopt;
    for (size_t i : { 0, 1, 3, 4 })
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
    const int h = (s[0] - '0') * 10 + (s[1] - '0');
    const int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59)
        return std::nullopt;
    if (h == 24 && m == 0 && allowMidnightEnd)
        return 24 * 60;
    if (h > 23)
        return std::nullopt;
    return h * 60 + m;
}

std::string intervalText(TimeMs from, TimeMs to)
{
    return "[" + (from == 0 ? std::string("beginning") : formatRfc3339(from)) + ", "
        + (to == kForever ? std::string("forever") : formatRfc3339(to)) + ")";
}

// The lifecycle states of a domain: the lifecycle attribute's codes, else the states named by the
// mandatory-by-state table plus the initial state.
std::vector<std::string> lifecycleStates(const DomainDef& domain)
{
    if (const AttributeDef* a = domain.attribute(domain.lifecycleAttribute); a && !a->codes.empty())
        return a->codes;
    std::vector<std::string> out;
    for (const auto& [state, attrs] : domain.mandatoryByState)
        out.push_back(state);
    if (!domain.initialState.empty() && !contains(out, domain.initialState))
        out.push_back(domain.initialState);
    return out;
}

std::optional<SubscriptionDef::Pattern> patternFromName(std::string_view s)
{
    for (auto p :
        { SubscriptionDef::Pattern::Event, SubscriptionDef::Pattern::ScheduledBatch, SubscriptionDef::Pattern::Hybrid })
        if (patternName(p) == s)
            return p;
    return std::nullopt;
}

std::optional<SubscriptionDef::Criticality> criticalityFromName(std::string_view s)
{
    for (auto c : { SubscriptionDef::Criticality::Low, SubscriptionDef::Criticality::Medium,
             SubscriptionDef::Criticality::High, SubscriptionDef::Criticality::Critical })
        if (criticalityName(c) == s)
            return c;
    return std::nullopt;
}

} // namespace

std::string_view patternName(SubscriptionDef::Pattern p)
{
    switch (p) {
    case SubscriptionDef::Pattern::Event:
        return "event";
    case SubscriptionDef::Pattern::ScheduledBatch:
        return "scheduled_batch";
    case SubscriptionDef::Pattern::Hybrid:
        return "hybrid";
    }
    return "event";
}

std::string_view criticalityName(SubscriptionDef::Criticality c)
{
    switch (c) {
    case SubscriptionDef::Criticality::Low:
        return "low";
    case SubscriptionDef::Criticality::Medium:
        return "medium";
    case SubscriptionDef::Criticality::High:
        return "high";
    case SubscriptionDef::Criticality::Critical:
        return "critical";
    }
    return "medium";
}

// Reads a landscape document stage by stage (docs/LANDSCAPE.md): header, plants, systems, ownership (and its
// overlaps), subscriptions, enrichment rules. Every stage adds its findings to one error list, so that one run
// reports every problem of the document with its JSON path.
class LandscapeParser
{
public:
    LandscapeParser(const json& doc, const QString& origin, const CanonicalModel& model, Landscape& ls)
        : doc(doc)
        , model(model)
        , errors(origin)
        , m_ls(ls)
    { }

    Result<void> run()
    {
        if (!doc.is_object()) {
            errors.add({}, "a landscape document must be a JSON object, not " + typeName(doc));
            return makeError(errors.text());
        }
        readHeader();
        readPlants();
        readSystems();
        readOwnership();
        checkOwnershipOverlaps();
        readSubscriptions();
        readEnrichmentRules(); // after ownership: a rule may only set groups its system owns
        if (!errors.empty())
            return makeError(errors.text());
        return {};
    }

private:
    void readHeader()
    {
        checkKeys(doc, {},
            { "version", "name", "description", "plants", "systems", "ownership", "subscriptions", "enrichment_rules" },
            errors);
        m_ls.m_doc = doc;
        m_ls.m_hash = sha256Hex(doc.dump());
        m_ls.m_version = getString(doc, "version", {}, errors, true).value_or(std::string());
        m_ls.m_name = getString(doc, "name", {}, errors, true).value_or(std::string());
        getString(doc, "description", {}, errors, false, true);
    }

    void readPlants()
    {
        forEachObject(doc, "plants", errors, [&](const json& p, const std::string& path, size_t) {
            checkKeys(p, path, { "id", "name", "country" }, errors);
            getString(p, "name", path, errors, false);
            getString(p, "country", path, errors, false);
            const auto id = getString(p, "id", path, errors, true);
            if (!id)
                return;
            if (contains(m_ls.m_plants, *id))
                errors.add(field(path, "id"), "duplicate plant id " + quote(*id));
            else
                m_ls.m_plants.push_back(*id);
        });
    }

    bool knownPlant(const std::string& plant, const std::string& path)
    {
        if (contains(m_ls.m_plants, plant))
            return true;
        errors.add(path, "unknown plant " + quote(plant) + " (plants: " + join(m_ls.m_plants) + ")");
        return false;
    }
    auto plantCheck()
    {
        return [this](const std::string& plant, const std::string& path) { return knownPlant(plant, path); };
    }

    void readSystems()
    {
        std::map<std::string, size_t, std::less<>> systemPos; // id -> position in the document
        forEachObject(doc, "systems", errors, [&](const json& s, const std::string& path, size_t i) {
            checkKeys(s, path,
                { "id", "name", "kind", "description", "plants", "max_concurrency", "rate_limit", "inbound",
                    "connector", "max_clock_skew_minutes", "circuit", "initial_load" },
                errors);
            SystemDef sys;
            const auto id = getString(s, "id", path, errors, true);
            sys.name = getString(s, "name", path, errors, true).value_or(std::string());
            getString(s, "description", path, errors, false, true);
            if (const auto kind = getString(s, "kind", path, errors, true)) {
                if (!contains(kSystemKinds, *kind))
                    errors.add(field(path, "kind"),
                        "unknown kind " + quote(*kind)
                            + " (expected one of: " + join({ kSystemKinds.begin(), kSystemKinds.end() }) + ")");
                sys.kind = *kind;
            }
            sys.plants = getStringList(s, "plants", path, errors, plantCheck());
            sys.maxConcurrency = static_cast<int>(getInt(s, "max_concurrency", path, errors, 1, 1000).value_or(4));
            if (const auto rl = s.find("rate_limit"); rl != s.end() && !rl->is_null()) {
                const std::string rp = field(path, "rate_limit");
                if (!rl->is_object()) {
                    errors.add(rp, R"(must be an object like {"per_second": 2, "burst": 5}, not )" + typeName(*rl));
                } else {
                    checkKeys(*rl, rp, { "per_second", "burst" }, errors);
                    sys.rateLimitPerSecond = getNumber(*rl, "per_second", rp, errors).value_or(0);
                    sys.rateBurst = static_cast<int>(getInt(*rl, "burst", rp, errors, 0, 1000000).value_or(0));
                }
            }
            if (const auto cb = s.find("circuit"); cb != s.end() && !cb->is_null()) {
                const std::string cp = field(path, "circuit");
                if (!cb->is_object()) {
                    errors.add(cp,
                        R"(must be an object like {"failures": 5, "probe_initial_s": 5, "probe_max_s": 300}, not )"
                            + typeName(*cb));
                } else {
                    checkKeys(*cb, cp, { "failures", "probe_initial_s", "probe_max_s" }, errors);
                    sys.circuitFailures
                        = static_cast<int>(getInt(*cb, "failures", cp, errors, 1, 1000).value_or(sys.circuitFailures));
                    // Seconds, fractions allowed (tests probe every few hundred milliseconds).
                    const auto seconds = [&](std::string_view key, std::int64_t fallbackMs, double min) {
                        const auto v = getNumber(*cb, key, cp, errors);
                        if (!v)
                            return fallbackMs;
                        if (*v < min || *v > 86400) {
                            const auto text = [](double x) { return QString::number(x).toStdString(); };
                            errors.add(
                                field(cp, key), "must be between " + text(min) + " and 86400 seconds, not " + text(*v));
                            return fallbackMs;
                        }
                        return static_cast<std::int64_t>(std::llround(*v * 1000));
                    };
                    sys.probeInitialMs = seconds("probe_initial_s", sys.probeInitialMs, 0.01);
                    sys.probeMaxMs = seconds("probe_max_s", std::max(sys.probeMaxMs, sys.probeInitialMs),
                        static_cast<double>(sys.probeInitialMs) / 1000.0);
                }
            }
            if (const auto il = s.find("initial_load"); il != s.end() && !il->is_null()) {
                const std::string ip = field(path, "initial_load");
                if (!il->is_object()) {
                    errors.add(ip, R"(must be an object like {"chunk": 500, "max_open": 2000}, not )" + typeName(*il));
                } else {
                    checkKeys(*il, ip, { "chunk", "max_open" }, errors);
                    sys.initialLoadChunk
                        = static_cast<int>(getInt(*il, "chunk", ip, errors, 1, 100000).value_or(sys.initialLoadChunk));
                    sys.initialLoadMaxOpen
                        = static_cast<int>(getInt(*il, "max_open", ip, errors, sys.initialLoadChunk, 1000000)
                                               .value_or(std::max(sys.initialLoadMaxOpen, sys.initialLoadChunk)));
                }
            }
            sys.inbound = getBool(s, "inbound", path, errors).value_or(true);
            sys.maxClockSkewMinutes
                = static_cast<int>(getInt(s, "max_clock_skew_minutes", path, errors, 1, 525600).value_or(24 * 60));
            if (const auto c = s.find("connector"); c != s.end() && !c->is_null()) {
                if (!c->is_object())
                    errors.add(field(path, "connector"), "must be an object with a \"kind\", not " + typeName(*c));
                else if (getString(*c, "kind", field(path, "connector"), errors, true))
                    sys.connector = *c;
            }
            if (!id)
                return;
            sys.id = *id;
            if (const auto prev = systemPos.find(sys.id); prev != systemPos.end()) {
                errors.add(field(path, "id"),
                    "duplicate system id " + quote(sys.id) + " (first defined at systems["
                        + std::to_string(prev->second) + "])");
                return;
            }
            systemPos.emplace(sys.id, i);
            m_ls.m_systems.push_back(std::move(sys));
        });
    }

    const SystemDef* knownSystem(const json& obj, std::string_view key, const std::string& path)
    {
        const auto id = getString(obj, key, path, errors, true);
        if (!id)
            return nullptr;
        if (const SystemDef* s = m_ls.system(*id))
            return s;
        errors.add(field(path, key), "unknown system " + quote(*id));
        return nullptr;
    }

    const DomainDef* knownDomain(const json& obj, const std::string& path)
    {
        const auto name = getString(obj, "domain", path, errors, true);
        if (!name)
            return nullptr;
        if (const DomainDef* d = model.domain(*name))
            return d;
        std::vector<std::string> names;
        for (const auto& d : model.domains())
            names.push_back(d.name);
        errors.add(field(path, "domain"), "unknown domain " + quote(*name) + " (domains: " + join(names) + ")");
        return nullptr;
    }

    void readOwnership()
    {
        forEachObject(doc, "ownership", errors, [&](const json& o, const std::string& path, size_t) {
            checkKeys(o, path, { "domain", "group", "system", "valid_from", "valid_to", "note" }, errors);
            getString(o, "note", path, errors, false, true);
            const DomainDef* domain = knownDomain(o, path);
            const auto group = getString(o, "group", path, errors, true);
            const SystemDef* sys = knownSystem(o, "system", path);
            const auto from = getTime(o, "valid_from", path, errors);
            const auto to = getTime(o, "valid_to", path, errors);
            const auto given = [&](std::string_view key) { return o.contains(key) && !o[std::string(key)].is_null(); };
            if ((given("valid_from") && !from) || (given("valid_to") && !to))
                return; // reported; an unreadable bound must not default to "always" and cause a false overlap
            if (domain && group && !domain->hasGroup(*group)) {
                errors.add(field(path, "group"),
                    "domain " + quote(domain->name) + " has no attribute group " + quote(*group)
                        + " (groups: " + join(domain->groups) + ")");
                return;
            }
            if (sys && !sys->inbound)
                errors.add(field(path, "system"),
                    "system " + quote(sys->id)
                        + " is not inbound (\"inbound\": false) and so cannot be the system of record");
            OwnershipRule rule;
            rule.validFrom = from.value_or(0);
            rule.validTo = to.value_or(kForever);
            if (rule.validFrom >= rule.validTo) {
                errors.add(field(path, "valid_to"),
                    "must be later than valid_from (" + formatRfc3339(rule.validFrom) + "), not "
                        + formatRfc3339(rule.validTo));
                return;
            }
            if (!domain || !group || !sys)
                return;
            rule.domain = domain->name;
            rule.group = *group;
            rule.system = sys->id;
            m_ls.m_ownership.push_back(std::move(rule));
            ownershipPaths.push_back(path);
        });
    }

    void checkOwnershipOverlaps()
    {
        // Overlaps per (domain, group): sort each key's intervals by start, compare neighbours.
        std::map<std::pair<std::string, std::string>, std::vector<size_t>> byKey;
        for (size_t i = 0; i < m_ls.m_ownership.size(); ++i)
            byKey[{ m_ls.m_ownership[i].domain, m_ls.m_ownership[i].group }].push_back(i);
        for (auto& [key, list] : byKey) {
            std::stable_sort(list.begin(), list.end(),
                [&](size_t a, size_t b) { return m_ls.m_ownership[a].validFrom < m_ls.m_ownership[b].validFrom; });
            for (size_t k = 1; k < list.size(); ++k) {
                const OwnershipRule& prev = m_ls.m_ownership[list[k - 1]];
                const OwnershipRule& cur = m_ls.m_ownership[list[k]];
                if (cur.validFrom < prev.validTo)
                    errors.add(ownershipPaths[list[k]],
                        "ownership of " + key.first + "." + key.second + " by " + cur.system + " "
                            + intervalText(cur.validFrom, cur.validTo) + " overlaps " + ownershipPaths[list[k - 1]]
                            + " (" + prev.system + " " + intervalText(prev.validFrom, prev.validTo)
                            + "); a group has one system of record at any time");
            }
        }
    }

    void readSubscriptions()
    {
        std::map<std::string, std::string, std::less<>> subscriptionIds; // id -> path
        std::map<std::pair<std::string, std::string>, std::string> subscriptionPairs; // (domain, target) -> path
        forEachObject(doc, "subscriptions", errors, [&](const json& s, const std::string& path, size_t) {
            checkKeys(s, path,
                { "id", "domain", "target", "pattern", "filter", "sla_minutes", "criticality", "contract_version",
                    "window", "description", "reconcile_minutes", "hold_timeout_minutes" },
                errors);
            getString(s, "description", path, errors, false, true);
            SubscriptionDef sub;
            bool ok = true;
            const DomainDef* domain = knownDomain(s, path);
            const SystemDef* target = knownSystem(s, "target", path);
            ok = domain && target;
            if (const auto p = getString(s, "pattern", path, errors, false)) {
                if (const auto pattern = patternFromName(*p)) {
                    sub.pattern = *pattern;
                } else {
                    errors.add(field(path, "pattern"),
                        "unknown pattern " + quote(*p) + " (expected event, scheduled_batch or hybrid)");
                    ok = false;
                }
            }
            if (const auto f = s.find("filter"); f != s.end() && !f->is_null()) {
                const std::string fp = field(path, "filter");
                if (!f->is_object()) {
                    errors.add(fp, "must be an object, not " + typeName(*f));
                    ok = false;
                } else {
                    checkKeys(*f, fp, { "plants", "lifecycle_states" }, errors);
                    sub.plants = getStringList(*f, "plants", fp, errors, plantCheck());
                    if (!sub.plants.empty() && domain && domain->plantAttribute.empty()) {
                        errors.add(field(fp, "plants"),
                            "domain " + quote(domain->name)
                                + " has no plant attribute, so a plant filter could never match");
                        ok = false;
                    }
                    const std::vector<std::string> states
                        = domain ? lifecycleStates(*domain) : std::vector<std::string>();
                    sub.lifecycleStates = getStringList(
                        *f, "lifecycle_states", fp, errors, [&](const std::string& st, const std::string& p) {
                            if (!domain || contains(states, st))
                                return true;
                            errors.add(p,
                                "unknown lifecycle state " + quote(st) + " of domain " + quote(domain->name)
                                    + " (states: " + join(states) + ")");
                            return false;
                        });
                }
            }
            sub.slaMinutes = static_cast<int>(getInt(s, "sla_minutes", path, errors, 1, 525600).value_or(60));
            // Scheduled reconciliation (core/sync/reconcile.h) every N minutes while `mdsyncctl run` runs; 0 = never.
            sub.reconcileMinutes = static_cast<int>(getInt(s, "reconcile_minutes", path, errors, 1, 10080).value_or(0));
            sub.holdTimeoutMinutes
                = static_cast<int>(getInt(s, "hold_timeout_minutes", path, errors, 1, 10080).value_or(60));
            if (const auto c = getString(s, "criticality", path, errors, false)) {
                if (const auto crit = criticalityFromName(*c))
                    sub.criticality = *crit;
                else
                    errors.add(field(path, "criticality"),
                        "unknown criticality " + quote(*c) + " (expected low, medium, high or critical)");
            }
            if (const auto cv = s.find("contract_version"); cv != s.end() && !cv->is_null()) {
                if (cv->is_string() && !cv->get_ref<const std::string&>().empty())
                    sub.contractVersion = cv->get<std::string>();
                else if (cv->is_number_unsigned())
                    sub.contractVersion = std::to_string(cv->get<std::uint64_t>());
                else
                    errors.add(
                        field(path, "contract_version"), "must be a non-empty string such as \"1\", not " + cv->dump());
            }
            const auto w = s.find("window");
            const bool hasWindow = w != s.end() && !w->is_null();
            if (sub.pattern == SubscriptionDef::Pattern::ScheduledBatch) {
                if (!hasWindow) {
                    errors.add(field(path, "window"),
                        "missing: a scheduled_batch subscription needs a UTC window such as "
                        "{\"start\": \"01:00\", \"end\": \"03:00\"}");
                    ok = false;
                } else if (!w->is_object()) {
                    errors.add(field(path, "window"), "must be an object, not " + typeName(*w));
                    ok = false;
                } else {
                    const std::string wp = field(path, "window");
                    checkKeys(*w, wp, { "start", "end" }, errors);
                    const auto start = getString(*w, "start", wp, errors, true);
                    const auto end = getString(*w, "end", wp, errors, true);
                    const auto sm = start ? parseTimeOfDay(*start, false) : std::nullopt;
                    const auto em = end ? parseTimeOfDay(*end, true) : std::nullopt;
                    if (start && !sm)
                        errors.add(
                            field(wp, "start"), "invalid time of day " + quote(*start) + " (expected HH:MM, UTC)");
                    if (end && !em)
                        errors.add(field(wp, "end"), "invalid time of day " + quote(*end) + " (expected HH:MM, UTC)");
                    if (sm && em) {
                        // value_or: GCC 12 at -O2 warns (maybe-uninitialized) on operator* here.
                        const int startMinute = sm.value_or(0);
                        const int endMinute = em.value_or(0) % (24 * 60);
                        if (startMinute == endMinute) {
                            errors.add(wp, "start and end must differ (an empty window would never be due)");
                            ok = false;
                        }
                        sub.windowStartMinute = startMinute;
                        sub.windowEndMinute = endMinute;
                    } else {
                        ok = false;
                    }
                }
            } else if (hasWindow) {
                errors.add(field(path, "window"),
                    "only a scheduled_batch subscription has a window (pattern is "
                        + std::string(patternName(sub.pattern)) + ")");
            }
            if (!ok)
                return;
            sub.domain = domain->name;
            sub.target = target->id;
            if (const auto id = getString(s, "id", path, errors, false))
                sub.id = *id;
            else
                sub.id = sub.domain + "->" + sub.target;
            if (const auto prev = subscriptionIds.find(sub.id); prev != subscriptionIds.end()) {
                errors.add(s.contains("id") ? field(path, "id") : path,
                    "duplicate subscription id " + quote(sub.id) + " (also " + prev->second + ")");
                return;
            }
            if (const auto prev = subscriptionPairs.find({ sub.domain, sub.target }); prev != subscriptionPairs.end()) {
                errors.add(field(path, "target"),
                    "system " + quote(sub.target) + " already subscribes to domain " + quote(sub.domain) + " at "
                        + prev->second + "; one subscription per (domain, target)");
                return;
            }
            subscriptionIds.emplace(sub.id, path);
            subscriptionPairs.emplace(std::make_pair(sub.domain, sub.target), path);
            m_ls.m_subscriptions.push_back(std::move(sub));
        });
    }

    void readEnrichmentRules()
    {
        std::set<std::string, std::less<>> ruleIds;
        forEachObject(doc, "enrichment_rules", errors, [&](const json& r, const std::string& path, size_t) {
            checkKeys(r, path, { "id", "domain", "system", "description", "when", "set", "mode" }, errors);
            EnrichmentRule rule;
            const auto id = getString(r, "id", path, errors, true);
            const DomainDef* domain = knownDomain(r, path);
            const SystemDef* sys = knownSystem(r, "system", path);
            rule.description = getString(r, "description", path, errors, false, true).value_or(std::string());
            bool ok = id && domain && sys;
            if (id && !ruleIds.insert(*id).second) {
                errors.add(field(path, "id"), "duplicate enrichment rule id " + quote(*id));
                ok = false;
            }
            if (const auto m = getString(r, "mode", path, errors, false)) {
                if (*m == "default")
                    rule.mode = EnrichmentRule::Mode::Default;
                else if (*m == "derive")
                    rule.mode = EnrichmentRule::Mode::Derive;
                else {
                    errors.add(field(path, "mode"), "unknown mode " + quote(*m) + " (expected default or derive)");
                    ok = false;
                }
            }
            // `when` and `set` values are validated and normalised like event values, so that they compare
            // equal to merged (normalised) states.
            const auto readValues = [&](std::string_view key, bool isSet, std::map<std::string, json>& out) {
                const auto it = r.find(key);
                const std::string p = field(path, key);
                if (it == r.end() || it->is_null()) {
                    if (isSet) {
                        errors.add(p, "missing: a rule must set at least one attribute");
                        ok = false;
                    }
                    return;
                }
                if (!it->is_object()) {
                    errors.add(p, "must be an object of attribute: value, not " + typeName(*it));
                    ok = false;
                    return;
                }
                if (isSet && it->empty()) {
                    errors.add(p, "must set at least one attribute");
                    ok = false;
                }
                for (const auto& item : it->items()) {
                    const std::string ap = field(p, item.key());
                    if (!domain)
                        continue;
                    if (!domain->attribute(item.key())) {
                        errors.add(ap, "unknown attribute " + quote(item.key()) + " of domain " + quote(domain->name));
                        ok = false;
                        continue;
                    }
                    json value = item.value();
                    if (isSet && value.is_null()) {
                        errors.add(ap, "an enrichment rule cannot clear an attribute (value is null)");
                        ok = false;
                        continue;
                    }
                    std::vector<ValidationIssue> issues;
                    if (!model.normalise(*domain, item.key(), value, issues)) {
                        for (const auto& issue : issues)
                            errors.add(ap, "invalid value " + item.value().dump() + ": " + issue.message);
                        ok = false;
                        continue;
                    }
                    out.emplace(item.key(), std::move(value));
                }
            };
            readValues("when", false, rule.when);
            readValues("set", true, rule.set);
            if (!ok)
                return;
            // The rule's system must be the system of record of every group it sets, in every ownership interval
            // of that group; otherwise it would write another system's data.
            for (const auto& [attr, value] : rule.set) {
                const std::string& group = domain->attribute(attr)->group;
                const std::string ap = field(field(path, "set"), attr);
                bool any = false;
                for (size_t i = 0; i < m_ls.m_ownership.size(); ++i) {
                    const OwnershipRule& o = m_ls.m_ownership[i];
                    if (o.domain != domain->name || o.group != group)
                        continue;
                    any = true;
                    if (o.system != sys->id) {
                        errors.add(ap,
                            "rule system " + quote(sys->id) + " sets " + domain->name + "." + attr + " of group "
                                + quote(group) + ", but " + ownershipPaths[i] + " makes " + quote(o.system)
                                + " its system of record " + intervalText(o.validFrom, o.validTo)
                                + "; a rule may only set groups its system owns for the whole ownership history");
                        ok = false;
                    }
                }
                if (!any) {
                    errors.add(ap,
                        "no ownership entry names a system of record for " + domain->name + "." + group
                            + ", so rule system " + quote(sys->id) + " may never set " + quote(attr));
                    ok = false;
                }
            }
            if (!ok)
                return;
            rule.id = *id;
            rule.domain = domain->name;
            rule.system = sys->id;
            m_ls.m_rules.push_back(std::move(rule));
        });
    }

    const json& doc;
    const CanonicalModel& model;
    Errors errors;
    Landscape& m_ls;
    std::vector<std::string> ownershipPaths; // parallel to m_ls.m_ownership
};

Result<Landscape> Landscape::fromJson(const json& doc, const QString& origin, const CanonicalModel& model)
{
    Landscape ls;
    if (auto r = LandscapeParser(doc, origin, model, ls).run(); !r)
        return makeError(r.error());
    ls.buildIndexes();
    return ls;
}

void Landscape::buildIndexes()
{
    m_ownerIndex.clear();
    m_subscriptionsByDomain.clear();
    m_rulesByDomain.clear();
    for (const OwnershipRule& o : m_ownership) {
        const auto sys
            = std::find_if(m_systems.begin(), m_systems.end(), [&](const SystemDef& s) { return s.id == o.system; });
        Q_ASSERT(sys != m_systems.end());
        m_ownerIndex[o.domain][o.group].push_back(
            OwnerInterval { o.validFrom, o.validTo, static_cast<size_t>(sys - m_systems.begin()) });
    }
    for (auto& [domain, groups] : m_ownerIndex)
        for (auto& [group, intervals] : groups)
            std::sort(intervals.begin(), intervals.end(),
                [](const OwnerInterval& a, const OwnerInterval& b) { return a.from < b.from; });
    for (size_t i = 0; i < m_subscriptions.size(); ++i)
        m_subscriptionsByDomain[m_subscriptions[i].domain].push_back(i);
    for (size_t i = 0; i < m_rules.size(); ++i)
        m_rulesByDomain[m_rules[i].domain].push_back(i);
}

Result<Landscape> Landscape::fromFile(const QString& path, const CanonicalModel& model)
{
    auto doc = readJsonFile(path, path);
    if (!doc)
        return makeError(doc.error());
    return fromJson(doc.value(), path, model);
}

Result<Landscape> Landscape::builtin(const CanonicalModel& model)
{
    const QString origin = QStringLiteral("default-landscape.json");
    auto doc = readJsonFile(QStringLiteral(":/mdsync/landscape/default-landscape.json"), origin);
    if (!doc)
        return makeError(doc.error());
    return fromJson(doc.value(), origin, model);
}

const SystemDef* Landscape::system(std::string_view id) const
{
    for (const SystemDef& s : m_systems)
        if (s.id == id)
            return &s;
    return nullptr;
}

const SystemDef* Landscape::owner(std::string_view domain, std::string_view group, TimeMs at) const
{
    const auto d = m_ownerIndex.find(domain);
    if (d == m_ownerIndex.end())
        return nullptr;
    const auto g = d->second.find(group);
    if (g == d->second.end())
        return nullptr;
    for (const OwnerInterval& iv : g->second) {
        if (at < iv.from)
            break; // sorted by start, and intervals do not overlap
        if (at < iv.to)
            return &m_systems[iv.system];
    }
    return nullptr;
}

std::vector<const SubscriptionDef*> Landscape::subscriptionsFor(std::string_view domain) const
{
    std::vector<const SubscriptionDef*> out;
    if (const auto it = m_subscriptionsByDomain.find(domain); it != m_subscriptionsByDomain.end()) {
        out.reserve(it->second.size());
        for (size_t i : it->second)
            out.push_back(&m_subscriptions[i]);
    }
    return out;
}

bool Landscape::matches(const SubscriptionDef& sub, const DomainDef& domain, const json& state) const
{
    if (!sub.plants.empty()) {
        if (domain.plantAttribute.empty() || !state.is_object())
            return false;
        const auto p = state.find(domain.plantAttribute);
        if (p == state.end())
            return false;
        bool hit = false;
        if (p->is_string()) {
            hit = contains(sub.plants, p->get_ref<const std::string&>());
        } else if (p->is_array()) {
            for (const json& v : *p)
                if (v.is_string() && contains(sub.plants, v.get_ref<const std::string&>())) {
                    hit = true;
                    break;
                }
        }
        if (!hit)
            return false;
    }
    if (!sub.lifecycleStates.empty()) {
        std::string_view st = domain.initialState;
        if (!domain.lifecycleAttribute.empty() && state.is_object()) {
            const auto l = state.find(domain.lifecycleAttribute);
            if (l != state.end() && l->is_string())
                st = l->get_ref<const std::string&>();
        }
        if (!contains(sub.lifecycleStates, st))
            return false;
    }
    return true;
}

TimeMs Landscape::dueAt(const SubscriptionDef& sub, TimeMs now) const
{
    if (sub.pattern != SubscriptionDef::Pattern::ScheduledBatch)
        return now;
    const TimeMs dayStart = now >= 0 ? now / kDayMs * kDayMs : (now - (kDayMs - 1)) / kDayMs * kDayMs;
    const TimeMs ofDay = now - dayStart;
    const TimeMs start = sub.windowStartMinute * kMinuteMs;
    const TimeMs end = sub.windowEndMinute * kMinuteMs;
    const bool inside = start < end ? (ofDay >= start && ofDay < end) // same day, e.g. 01:00-03:00
                                    : (ofDay >= start || ofDay < end); // wraps midnight, e.g. 22:00-02:00
    if (inside)
        return now;
    return ofDay < start ? dayStart + start : dayStart + kDayMs + start;
}

std::vector<Enrichment> Landscape::enrich(const DomainDef& domain, json& state, TimeMs at) const
{
    std::vector<Enrichment> out;
    const auto rules = m_rulesByDomain.find(domain.name);
    if (rules == m_rulesByDomain.end())
        return out;
    if (state.is_null())
        state = json::object();
    if (!state.is_object())
        return out;
    static const json kAbsent;
    for (size_t idx : rules->second) {
        const EnrichmentRule& rule = m_rules[idx];
        bool fires = true;
        for (const auto& [attr, expected] : rule.when) {
            const auto it = state.find(attr);
            if ((it == state.end() ? kAbsent : *it) != expected) {
                fires = false;
                break;
            }
        }
        for (auto it = rule.set.begin(); fires && it != rule.set.end(); ++it) {
            const AttributeDef* a = domain.attribute(it->first);
            const SystemDef* o = a ? owner(domain.name, a->group, at) : nullptr;
            fires = o && o->id == rule.system;
        }
        if (!fires)
            continue;
        for (const auto& [attr, value] : rule.set) {
            const auto it = state.find(attr);
            const bool absent = it == state.end() || it->is_null();
            if (!absent && (rule.mode == EnrichmentRule::Mode::Default || *it == value))
                continue;
            out.push_back(Enrichment { attr, rule.id, rule.system, absent ? json() : *it, value });
            state[attr] = value;
        }
    }
    return out;
}

} // namespace mdsync
