#include "steward/configchange.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "config/configstore.h"
#include "contract/contract.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/readqueries.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "sync/onboarding.h"
#include "util/qtext.h"
#include "util/text.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>
#include <set>

namespace mdsync {

namespace {

using nlohmann::json;

constexpr size_t kMaxSummaryLines = 40;

// ---- readable summary ------------------------------------------------------------------------------------

bool isScalar(const json& v)
{
    return !v.is_object() && !v.is_array();
}

// "sla_minutes: 60 → 30, filter" — the changed keys of two objects (scalars with their values).
std::string changedKeys(const json& before, const json& after)
{
    std::set<std::string> keys;
    for (const json* o : { &before, &after })
        if (o->is_object())
            for (auto it = o->begin(); it != o->end(); ++it)
                keys.insert(it.key());
    std::string text;
    for (const std::string& k : keys) {
        const json b = before.is_object() && before.contains(k) ? before.at(k) : json(nullptr);
        const json a = after.is_object() && after.contains(k) ? after.at(k) : json(nullptr);
        if (a == b)
            continue;
        if (!text.empty())
            text += ", ";
        text += k;
        if (isScalar(a) && isScalar(b))
            text += ": " + scalarText(b) + " → " + scalarText(a);
    }
    return text;
}

// Entries of an array of objects by a key function; entries without a key are skipped.
template<typename KeyFn> std::map<std::string, json> byKey(const json& doc, const char* member, KeyFn keyOf)
{
    std::map<std::string, json> out;
    if (!doc.is_object() || !doc.contains(member) || !doc.at(member).is_array())
        return out;
    for (const json& e : doc.at(member)) {
        if (!e.is_object())
            continue;
        const std::string k = keyOf(e);
        if (!k.empty())
            out[k] = e;
    }
    return out;
}

std::map<std::string, json> membersOf(const json& doc, const char* member)
{
    std::map<std::string, json> out;
    if (doc.is_object() && doc.contains(member) && doc.at(member).is_object())
        for (auto it = doc.at(member).begin(); it != doc.at(member).end(); ++it)
            out[it.key()] = it.value();
    return out;
}

std::string stringOf(const json& e, const char* key)
{
    return e.contains(key) && e.at(key).is_string() ? e.at(key).get<std::string>() : std::string();
}

// Added / removed / changed entries of two keyed maps, as "<what><key> added" etc.
void compareMaps(const std::map<std::string, json>& before, const std::map<std::string, json>& after,
    const std::string& what, std::vector<std::string>& lines)
{
    for (const auto& [k, v] : after) {
        auto b = before.find(k);
        if (b == before.end())
            lines.push_back(what + k + " added");
        else if (b->second != v)
            lines.push_back(what + k + " changed (" + changedKeys(b->second, v) + ")");
    }
    for (const auto& [k, v] : before)
        if (!after.contains(k))
            lines.push_back(what + k + " removed");
}

void compareTopLevel(
    const json& before, const json& after, const std::set<std::string>& handled, std::vector<std::string>& lines)
{
    json b = json::object();
    json a = json::object();
    for (const auto& [src, dst] : { std::pair { &before, &b }, std::pair { &after, &a } })
        if (src->is_object())
            for (auto it = src->begin(); it != src->end(); ++it)
                if (!handled.contains(it.key()))
                    (*dst)[it.key()] = it.value();
    if (a != b)
        lines.push_back(changedKeys(b, a));
}

void landscapeSummary(const json& before, const json& after, std::vector<std::string>& lines)
{
    // Ownership per (domain, group): the rules as "ERP until 2026-01-01T00:00:00Z, CRM from ...".
    auto owners = [](const json& doc) {
        std::map<std::string, std::string> out;
        if (!doc.is_object() || !doc.contains("ownership") || !doc.at("ownership").is_array())
            return out;
        for (const json& r : doc.at("ownership")) {
            if (!r.is_object())
                continue;
            std::string text = stringOf(r, "system");
            if (const std::string from = stringOf(r, "valid_from"); !from.empty())
                text += " from " + from;
            if (const std::string to = stringOf(r, "valid_to"); !to.empty())
                text += " until " + to;
            std::string& slot = out[stringOf(r, "domain") + "." + stringOf(r, "group")];
            slot += (slot.empty() ? "" : ", ") + text;
        }
        return out;
    };
    const auto ob = owners(before);
    const auto oa = owners(after);
    std::set<std::string> keys;
    for (const auto* m : { &ob, &oa })
        for (const auto& [k, v] : *m)
            keys.insert(k);
    for (const std::string& k : keys) {
        auto b = ob.find(k);
        auto a = oa.find(k);
        const std::string bt = b == ob.end() ? "(none)" : b->second;
        const std::string at = a == oa.end() ? "(none)" : a->second;
        if (bt != at) {
            std::string line = "ownership ";
            line.append(k).append(": ").append(bt).append(" → ").append(at);
            lines.push_back(std::move(line));
        }
    }
    auto idOf = [](const json& e) { return stringOf(e, "id"); };
    compareMaps(byKey(before, "systems", idOf), byKey(after, "systems", idOf), "system ", lines);
    auto subId = [](const json& e) {
        const std::string id = stringOf(e, "id");
        return id.empty() ? stringOf(e, "domain") + "->" + stringOf(e, "target") : id;
    };
    const auto subsBefore = byKey(before, "subscriptions", subId);
    const auto subsAfter = byKey(after, "subscriptions", subId);
    compareMaps(subsBefore, subsAfter, "subscription ", lines);
    // A new subscription (or a wider filter) gets the current state by an initial load when the version takes
    // effect (startInitialLoads).
    std::set<std::string> newTargets;
    for (const auto& [id, s] : subsAfter)
        if (!subsBefore.contains(id))
            newTargets.insert(stringOf(s, "target"));
    for (const std::string& t : newTargets) {
        std::string line = "when in force " + t;
        line.append(" gets an initial load of the objects it does not have; `mdsyncctl onboard --target ").append(t);
        line.append(" --dry-run` counts them");
        lines.push_back(std::move(line));
    }
    compareMaps(
        byKey(before, "enrichment_rules", idOf), byKey(after, "enrichment_rules", idOf), "enrichment rule ", lines);
    compareMaps(byKey(before, "plants", idOf), byKey(after, "plants", idOf), "plant ", lines);
    compareTopLevel(before, after,
        { "version", "ownership", "systems", "subscriptions", "enrichment_rules", "plants", "description" }, lines);
}

void modelSummary(const json& before, const json& after, std::vector<std::string>& lines)
{
    const auto db = membersOf(before, "domains");
    const auto da = membersOf(after, "domains");
    for (const auto& [name, a] : da) {
        auto b = db.find(name);
        if (b == db.end()) {
            lines.push_back("domain " + name + " added");
            continue;
        }
        if (b->second == a)
            continue;
        compareMaps(membersOf(b->second, "attributes"), membersOf(a, "attributes"), "attribute " + name + ".", lines);
        json bRest = b->second;
        json aRest = a;
        bRest.erase("attributes");
        aRest.erase("attributes");
        if (bRest != aRest)
            lines.push_back("domain " + name + " changed (" + changedKeys(bRest, aRest) + ")");
    }
    for (const auto& [name, b] : db)
        if (!da.contains(name))
            lines.push_back("domain " + name + " removed");
    const auto cb = membersOf(before, "code_lists");
    const auto ca = membersOf(after, "code_lists");
    for (const auto& [name, a] : ca) {
        auto b = cb.find(name);
        if (b == cb.end()) {
            lines.push_back("code list " + name + " added");
        } else if (b->second != a) {
            std::string text = "code list " + name + ":";
            auto codes = [](const json& list) {
                std::set<std::string> out;
                const json& arr = list.is_object() && list.contains("codes") ? list.at("codes") : list;
                if (arr.is_array())
                    for (const json& c : arr)
                        out.insert(c.is_string() ? c.get<std::string>()
                                : c.is_object()  ? stringOf(c, "code")
                                                 : c.dump());
                return out;
            };
            const auto sb = codes(b->second);
            const auto sa = codes(a);
            for (const auto& c : sa)
                if (!sb.contains(c))
                    text += " +" + c;
            for (const auto& c : sb)
                if (!sa.contains(c))
                    text += " -" + c;
            if (text.back() == ':')
                text += " changed";
            lines.push_back(text);
        }
    }
    for (const auto& [name, b] : cb)
        if (!ca.contains(name))
            lines.push_back("code list " + name + " removed");
    if (before.is_object() && after.is_object() && before.value("units", json()) != after.value("units", json()))
        lines.emplace_back("units changed");
    compareTopLevel(before, after, { "version", "domains", "code_lists", "units", "comment" }, lines);
}

std::string contractId(const json& c)
{
    return contractName(stringOf(c, "domain"), stringOf(c, "target"), stringOf(c, "version"));
}

// The mapping of one target field, by its name.
std::map<std::string, json> fieldsByTarget(const json& contract)
{
    json doc = json::object();
    if (contract.is_object() && contract.contains("fields"))
        doc["fields"] = contract.at("fields");
    return byKey(doc, "fields", [](const json& f) { return stringOf(f, "to"); });
}

void contractsSummary(const json& before, const json& after, std::vector<std::string>& lines)
{
    const auto b = byKey(before, "contracts", contractId);
    const auto a = byKey(after, "contracts", contractId);
    for (const auto& [id, c] : a) {
        auto old = b.find(id);
        if (old == b.end()) {
            lines.push_back("contract " + id + " added (" + std::to_string(fieldsByTarget(c).size()) + " fields)");
            continue;
        }
        if (old->second == c)
            continue;
        std::vector<std::string> changes;
        json bo = old->second;
        json ao = c;
        bo.erase("fields");
        ao.erase("fields");
        if (bo != ao)
            changes.push_back(changedKeys(bo, ao));
        std::vector<std::string> fieldLines;
        compareMaps(fieldsByTarget(old->second), fieldsByTarget(c), "field ", fieldLines);
        changes.insert(changes.end(), fieldLines.begin(), fieldLines.end());
        lines.push_back("contract " + id + ": " + join(changes, "; "));
    }
    for (const auto& [id, c] : b)
        if (!a.contains(id))
            lines.push_back("contract " + id
                + " removed (its subscriptions get the canonical payload unless another "
                  "version is pinned)");
    const auto samples = [](const json& d) {
        return d.is_object() && d.contains("tests") && d.at("tests").is_array() ? d.at("tests").size() : size_t { 0 };
    };
    if (samples(before) != samples(after))
        lines.push_back("test samples: " + std::to_string(samples(before)) + " → " + std::to_string(samples(after)));
    compareTopLevel(before, after, { "version", "contracts", "tests", "comment" }, lines);
}

// ---- storage --------------------------------------------------------------------------------------------

struct StoredVersion
{
    qint64 id = 0;
    std::string version, hash;
    TimeMs effectiveAt = 0;
    json document;
};

// The newest stored version of a kind (in force, or scheduled to be).
Result<StoredVersion> newestVersion(const QSqlDatabase& db, const std::string& kind)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, version, content_hash, effective_at, document FROM config_version"
                             " WHERE kind = ? ORDER BY id DESC LIMIT 1"));
    q.addBindValue(qs(kind));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("newest %1").arg(qs(kind))));
    StoredVersion v;
    if (!q.next())
        return v;
    v.id = q.value(0).toLongLong();
    v.version = q.value(1).toString().toStdString();
    v.hash = q.value(2).toString().toStdString();
    v.effectiveAt = q.value(3).toLongLong();
    v.document = json::parse(q.value(4).toString().toStdString(), nullptr, false);
    if (v.document.is_discarded())
        return makeError(QStringLiteral("the stored %1 document #%2 is not valid JSON").arg(qs(kind)).arg(v.id));
    return v;
}

Result<StoredVersion> versionById(const QSqlDatabase& db, qint64 id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT version, content_hash, effective_at FROM config_version WHERE id = ?"));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("config version #%1").arg(id)));
    StoredVersion v;
    if (q.next()) {
        v.id = id;
        v.version = q.value(0).toString().toStdString();
        v.hash = q.value(1).toString().toStdString();
        v.effectiveAt = q.value(2).toLongLong();
    }
    return v;
}

json versionJson(const StoredVersion& v)
{
    return { { "version_id", v.id }, { "version", v.version }, { "content_hash", v.hash } };
}

// The proposed document parsed and validated as the loader would; `other` is the newest document of the other
// kind. Returns the canonical document and its version and hash.
struct Checked
{
    json document;
    std::string version, hash;
};

Result<Checked> validate(const std::string& kind, const json& doc, const QString& origin, const json& otherDoc,
    const std::string& otherVersion, const StoredVersion& contracts)
{
    if (kind == "landscape") {
        auto model = CanonicalModel::fromJson(otherDoc, QStringLiteral("model %1").arg(qs(otherVersion)));
        if (!model)
            return makeError(model.error());
        auto l = Landscape::fromJson(doc, origin, model.value());
        if (!l)
            return makeError(l.error());
        return Checked { l->document(), l->version(), l->contentHash() };
    }
    auto model = CanonicalModel::fromJson(doc, origin);
    if (!model)
        return makeError(model.error());
    auto l = Landscape::fromJson(otherDoc, QStringLiteral("landscape %1").arg(qs(otherVersion)), model.value());
    if (!l)
        return makeError(QStringLiteral("%1: the landscape in force (version %2) would no longer be valid with this "
                                        "model: %3")
                             .arg(origin, qs(otherVersion), l.error()));
    if (contracts.id) {
        auto c = ContractSet::fromJson(contracts.document, QStringLiteral("contracts %1").arg(qs(contracts.version)),
            model.value(), l.value(), ContractSet::Fit::AllowDormant);
        if (!c)
            return makeError(QStringLiteral("%1: the contracts in force (version %2) would no longer be valid with "
                                            "this model: %3")
                                 .arg(origin, qs(contracts.version), c.error()));
    }
    return Checked { model->document(), model->version(), model->contentHash() };
}

constexpr int kTrialObjects = 200; // real objects a proposed contract is tried on, per contract

std::string clipped(std::string text, size_t max = 160)
{
    if (text.size() > max) {
        text.resize(max);
        text += "…";
    }
    return text;
}

// The fields of two payloads that differ, with their JSON values: shortText: "Pump housing" → "Pump housing CP-80".
std::string payloadChanges(const json& before, const json& after)
{
    std::vector<std::string> out;
    for (const json* side : { &after, &before })
        for (auto it = side->begin(); side->is_object() && it != side->end(); ++it) {
            const json b = before.value(it.key(), json());
            const json a = after.value(it.key(), json());
            if (a == b || (side == &before && after.contains(it.key())))
                continue;
            out.push_back(
                it.key() + ": " + (b.is_null() ? "(none)" : b.dump()) + " → " + (a.is_null() ? "(none)" : a.dump()));
        }
    return join(out, ", ");
}

// A proposed contracts document: checked against the newest model and landscape (contracts no subscription uses are
// dormant), its test samples must pass, and each added or changed contract is tried on the newest real objects of
// its domain. `report` gets the trial's lines (docs/CONTRACTS.md "Governance").
Result<Checked> validateContracts(const QSqlDatabase& db, const json& doc, const QString& origin,
    const StoredVersion& modelVersion, const StoredVersion& landscapeVersion, const json& baseDoc,
    std::vector<std::string>& report)
{
    auto model
        = CanonicalModel::fromJson(modelVersion.document, QStringLiteral("model %1").arg(qs(modelVersion.version)));
    if (!model)
        return makeError(model.error());
    auto landscape = Landscape::fromJson(
        landscapeVersion.document, QStringLiteral("landscape %1").arg(qs(landscapeVersion.version)), model.value());
    if (!landscape)
        return makeError(landscape.error());
    if (!doc.is_object() || !doc.contains("version") || !doc.at("version").is_string()
        || doc.at("version").get_ref<const std::string&>().empty())
        return makeError(origin
            + QStringLiteral(": version: missing; a contracts document has its own version, such as \"2026.12\""));
    auto set = ContractSet::fromJson(doc, origin, model.value(), landscape.value(), ContractSet::Fit::AllowDormant);
    if (!set)
        return makeError(set.error());
    const UnitRegistry& units = model->units();
    std::vector<std::string> failures;
    const auto results = set->runTests(units);
    for (const ContractTestResult& r : results)
        if (!r.passed)
            failures.push_back("test '" + r.name + "' of " + r.contract + ": " + join(r.differences, "; "));
    if (!failures.empty())
        return makeError(QStringLiteral("%1: %2 of %3 test samples fail, nothing is proposed:\n%4")
                             .arg(origin)
                             .arg(failures.size())
                             .arg(results.size())
                             .arg(qs(join(failures, "\n"))));
    std::optional<ContractSet> base;
    if (auto b = ContractSet::fromJson(baseDoc, QStringLiteral("the contracts in force"), model.value(),
            landscape.value(), ContractSet::Fit::AllowDormant))
        base = std::move(b).value();
    const auto before = byKey(baseDoc, "contracts", contractId);
    for (const json& c : doc.value("contracts", json::array())) {
        const std::string id = contractId(c);
        const auto old = before.find(id);
        if (old != before.end() && old->second == c)
            continue; // unchanged
        const Contract* k = set->find(stringOf(c, "domain"), stringOf(c, "target"), stringOf(c, "version"));
        if (!k)
            continue; // dormant
        const Contract* prev = base && old != before.end() ? base->find(k->domain, k->target, k->version) : nullptr;
        auto states = read::newestStates(db, k->domain, kTrialObjects);
        if (!states)
            return makeError(states.error());
        if (states->empty()) {
            report.push_back("trial " + id + ": no " + k->domain + " objects in the workspace yet");
            continue;
        }
        int mapped = 0;
        int blocked = 0;
        int lossy = 0;
        int changed = 0;
        std::string firstBlocked;
        std::string firstChange;
        for (const auto& [key, state] : states.value()) {
            std::vector<MappingIssue> blocking;
            const MappedPayload out = k->mapAll(key, state, units, blocking);
            if (!blocking.empty()) {
                if (blocked++ == 0)
                    firstBlocked = key + ": " + blocking.front().message;
                continue;
            }
            ++mapped;
            lossy += out.warnings.empty() ? 0 : 1;
            if (prev) {
                std::vector<MappingIssue> prevBlocking;
                const MappedPayload was = prev->mapAll(key, state, units, prevBlocking);
                if (was.payload != out.payload && changed++ == 0)
                    firstChange = key + ": " + payloadChanges(was.payload, out.payload);
            }
        }
        std::string line = "trial " + id + " on the " + std::to_string(states->size()) + " newest " + k->domain
            + " objects: " + std::to_string(mapped) + " map, " + std::to_string(blocked) + " blocked";
        if (blocked)
            line += " (first: " + clipped(firstBlocked) + ")";
        line += ", " + std::to_string(lossy) + " lose information";
        if (prev) {
            line += "; the payload changes for " + std::to_string(changed);
            if (changed)
                line += " (e.g. " + clipped(firstChange) + ")";
        }
        report.push_back(line);
    }
    for (const std::string& d : set->dormant())
        report.push_back("contract " + d + " is dormant: no subscription of its target to its domain uses it");
    if (!set->generic().empty()) {
        std::vector<std::string> ids;
        for (const GenericContract& g : set->generic())
            ids.push_back(g.subscription);
        report.push_back(std::to_string(ids.size()) + " subscriptions stay generic (no contract): " + join(ids));
    }
    return Checked { doc, set->version(), set->contentHash() };
}

const char* kSelect = "SELECT id, kind, status, title, reason, proposed_by, proposed_at, coalesce(decided_by, ''),"
                      " coalesce(decided_at, 0), coalesce(decision_reason, ''), effective_at,"
                      " coalesce(base_version_id, 0), coalesce(version_id, 0), diff, document FROM config_proposal";

ConfigProposal fromRow(const QSqlQuery& q)
{
    ConfigProposal p;
    p.id = q.value(0).toLongLong();
    p.kind = q.value(1).toString().toStdString();
    p.status = q.value(2).toString().toStdString();
    p.title = q.value(3).toString().toStdString();
    p.reason = q.value(4).toString().toStdString();
    p.proposedBy = q.value(5).toString().toStdString();
    p.proposedAt = q.value(6).toLongLong();
    p.decidedBy = q.value(7).toString().toStdString();
    p.decidedAt = q.value(8).toLongLong();
    p.decisionReason = q.value(9).toString().toStdString();
    if (!q.value(10).isNull())
        p.effectiveAt = q.value(10).toLongLong();
    p.baseVersionId = q.value(11).toLongLong();
    p.versionId = q.value(12).toLongLong();
    const json diff = json::parse(q.value(13).toString().toStdString(), nullptr, false);
    if (diff.is_object()) {
        p.ops = diff.value("ops", json::array());
        p.summary = diff.value("summary", std::vector<std::string>());
        p.baseVersion = diff.value("base_version", std::string());
        p.version = diff.value("version", std::string());
        p.contentHash = diff.value("content_hash", std::string());
    }
    p.document = q.value(14).toString().toStdString();
    return p;
}

std::string subjectOf(const ConfigProposal& p)
{
    return p.kind + " proposal #" + std::to_string(p.id);
}

} // namespace

nlohmann::json ConfigProposal::toJson(bool withDocument) const
{
    json j = { { "id", id }, { "kind", kind }, { "status", status }, { "title", title }, { "reason", reason },
        { "proposed_by", proposedBy }, { "proposed_at", formatRfc3339(proposedAt) },
        { "decided_by", decidedBy.empty() ? json(nullptr) : json(decidedBy) },
        { "decided_at", decidedAt ? json(formatRfc3339(decidedAt)) : json(nullptr) },
        { "decision_reason", decisionReason.empty() ? json(nullptr) : json(decisionReason) },
        { "effective_at", effectiveAt ? json(formatRfc3339(*effectiveAt)) : json(nullptr) },
        { "base_version_id", baseVersionId }, { "base_version", baseVersion },
        { "version_id", versionId ? json(versionId) : json(nullptr) }, { "version", version },
        { "content_hash", contentHash }, { "summary", summary }, { "diff", ops } };
    if (!initialLoads.empty())
        j["initial_loads"] = initialLoads;
    if (withDocument)
        j["document"] = json::parse(document, nullptr, false);
    return j;
}

std::vector<std::string> configChangeSummary(const std::string& kind, const json& before, const json& after)
{
    std::vector<std::string> lines;
    const std::string vb = before.is_object() ? scalarText(before.value("version", json())) : "(none)";
    const std::string va = after.is_object() ? scalarText(after.value("version", json())) : "(none)";
    if (vb != va)
        lines.push_back(kind + " version " + vb + " → " + va);
    if (kind == "landscape")
        landscapeSummary(before, after, lines);
    else if (kind == "contracts")
        contractsSummary(before, after, lines);
    else
        modelSummary(before, after, lines);
    if (lines.size() > kMaxSummaryLines) {
        const size_t more = lines.size() - kMaxSummaryLines;
        lines.resize(kMaxSummaryLines);
        lines.push_back("… and " + std::to_string(more) + " more (see the diff)");
    }
    return lines;
}

Result<ConfigProposal> propose(Workspace& ws, const std::string& actor, const std::string& kind,
    const std::string& documentJson, const std::string& title, const std::string& reason,
    std::optional<TimeMs> effectiveAt, const QString& origin)
{
    QSqlDatabase db = ws.db();
    if (auto r = requirePermission(db, actor, Action::ProposeChange); !r)
        return makeError(r.error());
    const QString what = QStringLiteral("propose %1 change").arg(qs(kind));
    if (kind != "model" && kind != "landscape" && kind != "contracts")
        return makeError(QStringLiteral("propose: unknown kind '%1' (model, landscape or contracts)").arg(qs(kind)));
    if (title.empty())
        return makeError(what + QStringLiteral(": a title is required"));
    if (reason.empty())
        return makeError(what + QStringLiteral(": a reason is required"));
    const TimeMs now = nowMs();
    if (effectiveAt && *effectiveAt < now - 1000)
        return makeError(what
            + QStringLiteral(": the effective time %1 is in the past; a change takes effect now or later")
                  .arg(qs(formatRfc3339(*effectiveAt))));

    json doc;
    try {
        doc = json::parse(documentJson);
    } catch (const json::parse_error& e) {
        return makeError(QStringLiteral("%1: not valid JSON: %2").arg(origin, QString::fromUtf8(e.what())));
    }
    auto model = newestVersion(db, "model");
    if (!model)
        return makeError(model.error());
    auto landscape = newestVersion(db, "landscape");
    if (!landscape)
        return makeError(landscape.error());
    auto contracts = newestVersion(db, "contracts");
    if (!contracts)
        return makeError(contracts.error());
    if (!model->id || !landscape->id)
        return makeError(
            what + QStringLiteral(": the workspace has no configuration installed (run 'mdsyncctl init')"));
    if (kind == "contracts" && !contracts->id)
        return makeError(what
            + QStringLiteral(": the workspace has no contracts stored yet; open it read-write once (e.g. "
                             "'mdsyncctl status') so that the built-in defaults it uses are stored, then propose"));
    StoredVersion& base = kind == "model" ? model.value() : kind == "landscape" ? landscape.value() : contracts.value();
    std::vector<std::string> trial;
    auto checked = kind == "contracts"
        ? validateContracts(db, doc, origin, model.value(), landscape.value(), base.document, trial)
        : kind == "model" ? validate(kind, doc, origin, landscape->document, landscape->version, contracts.value())
                          : validate(kind, doc, origin, model->document, model->version, contracts.value());
    if (!checked)
        return makeError(checked.error());
    if (checked->hash == base.hash)
        return makeError(what
            + QStringLiteral(": %1 is the same as the %2 version %3 in force; nothing to propose")
                  .arg(origin, qs(kind), qs(base.version)));
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id FROM config_version WHERE kind = ? AND version = ? LIMIT 1"));
        q.addBindValue(qs(kind));
        q.addBindValue(qs(checked->version));
        if (!q.exec())
            return makeError(sqlError(q, what));
        if (q.next())
            return makeError(QStringLiteral("%1: version: %2 version '%3' is already used by config version #%4; "
                                            "give the changed document a new \"version\"")
                                 .arg(origin, qs(kind), qs(checked->version))
                                 .arg(q.value(0).toLongLong()));
    }
    if (effectiveAt && *effectiveAt < base.effectiveAt)
        return makeError(what
            + QStringLiteral(": the effective time %1 is before %2 (when version %3, which it builds on, takes effect)")
                  .arg(qs(formatRfc3339(*effectiveAt)), qs(formatRfc3339(base.effectiveAt)), qs(base.version)));

    ConfigProposal p;
    p.kind = kind;
    p.status = "proposed";
    p.title = title;
    p.reason = reason;
    p.proposedBy = actor;
    p.proposedAt = now;
    p.effectiveAt = effectiveAt;
    p.baseVersionId = base.id;
    p.baseVersion = base.version;
    p.version = checked->version;
    p.contentHash = checked->hash;
    p.ops = json::diff(base.document, checked->document);
    p.summary = configChangeSummary(kind, base.document, checked->document);
    p.summary.insert(p.summary.end(), trial.begin(), trial.end()); // after the changes: the trial on real objects
    p.document = checked->document.dump();
    const json diff = { { "ops", p.ops }, { "summary", p.summary }, { "base_version", p.baseVersion },
        { "version", p.version }, { "content_hash", p.contentHash } };

    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO config_proposal(kind, status, title, document, diff, base_version_id, reason,"
                             " proposed_by, proposed_at, effective_at) VALUES (?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?)"
                             " RETURNING id"));
    q.addBindValue(qs(kind));
    q.addBindValue(qs(title));
    q.addBindValue(qs(p.document));
    q.addBindValue(qs(diff.dump()));
    q.addBindValue(QVariant::fromValue<qlonglong>(p.baseVersionId));
    q.addBindValue(qs(reason));
    q.addBindValue(qs(actor));
    q.addBindValue(QVariant::fromValue<qlonglong>(now));
    q.addBindValue(
        effectiveAt ? QVariant::fromValue<qlonglong>(*effectiveAt) : QVariant(QMetaType(QMetaType::LongLong)));
    if (!q.exec() || !readReturnedId(q, p.id)) {
        const QString e = sqlError(q, what);
        return makeError(e);
    }
    AuditLog audit(db);
    auto a = audit.append(actor, "config.propose", subjectOf(p), versionJson(base),
        json { { "version", p.version }, { "content_hash", p.contentHash }, { "title", title },
            { "effective_at", effectiveAt ? json(formatRfc3339(*effectiveAt)) : json("on approval") },
            { "summary", p.summary }, { "changes", p.ops.size() } },
        reason);
    if (!a) {
        return makeError(a.error());
    }
    if (auto r = tx.commit(); !r) {
        return makeError(r.error());
    }
    return p;
}

namespace {

// A proposal the actor may decide on: the permission, and still 'proposed'.
Result<ConfigProposal> decidableProposal(const QSqlDatabase& db, const std::string& actor, std::int64_t id)
{
    if (auto r = requirePermission(db, actor, Action::ApproveChange); !r)
        return makeError(r.error());
    auto p = loadProposal(db, id);
    if (p && p->status != "proposed")
        return makeError(QStringLiteral("proposal #%1 is already %2").arg(id).arg(qs(p->status)));
    return p;
}

} // namespace

Result<ConfigProposal> approveChange(
    Workspace& ws, const std::string& actor, std::int64_t id, const std::string& reason)
{
    QSqlDatabase db = ws.db();
    auto loaded = decidableProposal(db, actor, id);
    if (!loaded)
        return loaded;
    ConfigProposal p = std::move(loaded).value();
    const QString what = QStringLiteral("approve proposal #%1").arg(id);
    if (p.proposedBy == actor)
        return makeError(
            QStringLiteral("four-eyes: the author of proposal #%1 cannot approve it; another admin must").arg(id));
    if (reason.empty())
        return makeError(what + QStringLiteral(": a reason is required"));
    auto newest = newestVersion(db, p.kind);
    if (!newest)
        return makeError(newest.error());
    if (newest->id != p.baseVersionId)
        return makeError(
            QStringLiteral("proposal #%1 is stale: it was made against %2 version %3 (#%4), but version %5 "
                           "(#%6) has been installed since; propose the change again against it")
                .arg(id)
                .arg(qs(p.kind), qs(p.baseVersion))
                .arg(p.baseVersionId)
                .arg(qs(newest->version))
                .arg(newest->id));
    const TimeMs now = nowMs();
    const TimeMs effective = std::max(p.effectiveAt.value_or(now), now);
    if (effective < newest->effectiveAt)
        return makeError(what
            + QStringLiteral(": it would take effect at %1, before version %2 it builds on (due %3)")
                  .arg(qs(formatRfc3339(effective)), qs(newest->version), qs(formatRfc3339(newest->effectiveAt))));

    // Re-validate against the configuration in force when it takes effect, and install it.
    auto cfg = loadConfigAt(ws, effective);
    if (!cfg)
        return makeError(cfg.error());
    const json doc = json::parse(p.document, nullptr, false);
    const QString origin = QStringLiteral("proposal #%1").arg(id);
    std::optional<CanonicalModel> newModel;
    const CanonicalModel* model = cfg->model.get();
    std::optional<Landscape> landscape;
    std::optional<ContractSet> contracts;
    if (p.kind == "contracts") {
        auto c = ContractSet::fromJson(doc, origin, *model, *cfg->landscape, ContractSet::Fit::AllowDormant);
        if (!c)
            return makeError(c.error());
        contracts = std::move(c).value();
    } else if (p.kind == "landscape") {
        auto l = Landscape::fromJson(doc, origin, *model);
        if (!l)
            return makeError(l.error());
        landscape = std::move(l).value();
    } else {
        auto m = CanonicalModel::fromJson(doc, origin);
        if (!m)
            return makeError(m.error());
        newModel = std::move(m).value();
        model = &*newModel;
        auto l = Landscape::fromJson(
            cfg->landscape->document(), QStringLiteral("landscape %1").arg(qs(cfg->landscape->version())), *model);
        if (!l)
            return makeError(what + QStringLiteral(": the landscape in force would no longer be valid: ") + l.error());
        landscape = std::move(l).value();
        auto c = ContractSet::fromJson(cfg->contracts->document(), QStringLiteral("the contracts in force"), *model,
            *landscape, ContractSet::Fit::AllowDormant);
        if (!c)
            return makeError(what + QStringLiteral(": the contracts in force would no longer be valid: ") + c.error());
    }

    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto fail = [](const QString& e) -> Result<ConfigProposal> { return makeError(e); }; // tx rolls back
    const QString modelOrigin = p.kind == "model" ? origin : QStringLiteral("unchanged");
    const QString landscapeOrigin = p.kind == "landscape" ? origin : QStringLiteral("unchanged");
    if (contracts) {
        if (auto r = installContractsInTransaction(ws, *contracts, origin, actor, effective); !r)
            return fail(r.error());
    } else if (auto r
               = installConfigInTransaction(ws, *model, modelOrigin, *landscape, landscapeOrigin, actor, effective);
               !r) {
        return fail(r.error());
    }
    auto installed = newestVersion(db, p.kind);
    if (!installed)
        return fail(installed.error());
    if (installed->id == p.baseVersionId)
        return fail(what + QStringLiteral(": the document was not stored (it equals the version in force)"));
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("UPDATE config_proposal SET status = 'approved', decided_by = ?, decided_at = ?,"
                       " decision_reason = ?, effective_at = ?, version_id = ? WHERE id = ? AND status = 'proposed'"));
    q.addBindValue(qs(actor));
    q.addBindValue(QVariant::fromValue<qlonglong>(now));
    q.addBindValue(qs(reason));
    q.addBindValue(QVariant::fromValue<qlonglong>(effective));
    q.addBindValue(QVariant::fromValue<qlonglong>(installed->id));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    if (!q.exec())
        return fail(sqlError(q, what));
    auto base = versionById(db, p.baseVersionId);
    if (!base)
        return fail(base.error());
    AuditLog audit(db);
    json after = versionJson(installed.value());
    after["effective_at"] = formatRfc3339(installed->effectiveAt);
    after["title"] = p.title;
    after["proposed_by"] = p.proposedBy;
    if (auto a = audit.append(actor, "config.approve", subjectOf(p), versionJson(base.value()), after, reason); !a)
        return fail(a.error());
    if (auto r = tx.commit(); !r)
        return fail(r.error());
    p.status = "approved";
    p.decidedBy = actor;
    p.decidedAt = now;
    p.decisionReason = reason;
    p.effectiveAt = installed->effectiveAt;
    p.versionId = installed->id;
    if (p.kind == "landscape" && installed->effectiveAt <= nowMs()) {
        // The subscriptions it adds or widens get the current state of what they now match.
        auto inForce = loadConfigAt(ws, nowMs());
        auto loads = inForce ? startInitialLoads(ws, inForce.value(), InitialLoadTrigger::Approval)
                             : Result<std::vector<std::string>>(makeError(inForce.error()));
        if (loads)
            p.initialLoads = std::move(loads).value();
        else // approved all the same: `mdsyncctl onboard` starts the load
            p.initialLoads.push_back("no initial load was started: " + loads.error().toStdString());
    }
    return p;
}

namespace {

// A filter list (plants, lifecycle states; empty = all) that lets more through than before.
bool widens(const std::vector<std::string>& before, const std::vector<std::string>& after)
{
    if (after.empty())
        return !before.empty();
    return std::ranges::any_of(
        after, [&](const std::string& v) { return std::ranges::find(before, v) == before.end(); });
}

} // namespace

Result<std::vector<std::string>> startInitialLoads(
    Workspace& ws, const ActiveConfig& config, InitialLoadTrigger trigger)
{
    QSqlDatabase db = ws.db();
    auto version = versionById(db, config.landscapeVersionId);
    if (!version)
        return makeError(version.error());
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, decided_by, decided_at FROM config_proposal WHERE version_id = ?"
                             " AND status = 'approved'"));
    q.addBindValue(QVariant::fromValue<qlonglong>(config.landscapeVersionId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("the proposal of landscape version #%1").arg(version->id)));
    if (!q.next())
        return std::vector<std::string> {}; // installed without a proposal (init)
    const std::int64_t proposal = q.value(0).toLongLong();
    const std::string approver = q.value(1).toString().toStdString();
    const TimeMs decidedAt = q.value(2).toLongLong();
    if (trigger == InitialLoadTrigger::FellDue && decidedAt >= version->effectiveAt)
        return std::vector<std::string> {}; // in force at its approval: the approval started the loads
    auto before = loadConfigAt(ws, version->effectiveAt - 1);
    if (!before || before->landscapeVersionId == config.landscapeVersionId)
        return std::vector<std::string> {}; // no landscape before it

    // Per target, the subscriptions that now match objects they did not before.
    std::map<std::string, std::vector<std::string>> why;
    for (const SubscriptionDef& s : config.landscape->subscriptions()) {
        const auto& old = before->landscape->subscriptions();
        const auto was = std::ranges::find_if(old, [&](const SubscriptionDef& o) { return o.id == s.id; });
        if (was == old.end())
            why[s.target].push_back("adds " + s.id);
        else if (widens(was->plants, s.plants) || widens(was->lifecycleStates, s.lifecycleStates))
            why[s.target].push_back("widens the filter of " + s.id);
    }
    std::vector<std::string> lines;
    for (const auto& [target, changes] : why) {
        auto jobs = onboardingJobs(db, target);
        if (!jobs)
            return makeError(jobs.error());
        const auto since = std::ranges::find_if(
            jobs.value(), [&](const OnboardJob& j) { return j.row.createdAt >= version->effectiveAt; });
        if (since != jobs->end()) {
            lines.push_back(QStringLiteral("%1: initial load #%2 was started since landscape %3 took effect")
                                .arg(qs(target))
                                .arg(since->row.id)
                                .arg(qs(version->version))
                                .toStdString());
            continue;
        }
        std::string reason = "landscape " + version->version + " (proposal #" + std::to_string(proposal)
            + ", approved by " + approver + ") ";
        for (size_t i = 0; i < changes.size(); ++i)
            reason += (i == 0 ? "" : ", ") + changes[i];
        // On behalf of the approving admin; on PostgreSQL a load that starts later (FellDue) is the running core's
        // login's, as every action there is the connection's login's (it needs the steward or admin role).
        std::string actor = approver;
        if (trigger == InitialLoadTrigger::FellDue && ws.isPostgres()) {
            auto login = Workspace::sessionUser(db);
            if (!login)
                return makeError(login.error());
            actor = login->toStdString();
            reason += " (in force since " + formatRfc3339(version->effectiveAt) + ")";
        }
        auto job = startOnboarding(ws, config, actor, target, reason);
        if (!job) {
            lines.push_back(job.error().toStdString()); // "initial load of T: nothing to send, ..."
            continue;
        }
        lines.push_back(QStringLiteral("%1: initial load #%2 started (%3 objects; `mdsyncctl onboard --id %2`)")
                            .arg(qs(target))
                            .arg(job->row.id)
                            .arg(job->planned())
                            .toStdString());
    }
    return lines;
}

Result<ConfigProposal> rejectChange(Workspace& ws, const std::string& actor, std::int64_t id, const std::string& reason)
{
    QSqlDatabase db = ws.db();
    auto loaded = decidableProposal(db, actor, id);
    if (!loaded)
        return loaded;
    ConfigProposal p = std::move(loaded).value();
    const QString what = QStringLiteral("reject proposal #%1").arg(id);
    if (reason.empty())
        return makeError(what + QStringLiteral(": a reason is required"));
    const std::string status = p.proposedBy == actor ? "withdrawn" : "rejected";
    const TimeMs now = nowMs();
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE config_proposal SET status = ?, decided_by = ?, decided_at = ?,"
                             " decision_reason = ? WHERE id = ? AND status = 'proposed'"));
    q.addBindValue(qs(status));
    q.addBindValue(qs(actor));
    q.addBindValue(QVariant::fromValue<qlonglong>(now));
    q.addBindValue(qs(reason));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    if (!q.exec()) {
        const QString e = sqlError(q, what);
        return makeError(e);
    }
    AuditLog audit(db);
    auto a = audit.append(actor, "config.reject", subjectOf(p),
        json { { "status", "proposed" }, { "version", p.version }, { "content_hash", p.contentHash } },
        json { { "status", status } }, reason);
    if (!a) {
        return makeError(a.error());
    }
    if (auto r = tx.commit(); !r) {
        return makeError(r.error());
    }
    p.status = status;
    p.decidedBy = actor;
    p.decidedAt = now;
    p.decisionReason = reason;
    return p;
}

Result<ConfigProposal> loadProposal(const QSqlDatabase& db, std::int64_t id)
{
    QSqlQuery q(db);
    q.prepare(QString::fromLatin1(kSelect) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("proposal #%1").arg(id)));
    if (!q.next())
        return makeError(QStringLiteral("there is no configuration proposal #%1").arg(id));
    return fromRow(q);
}

Result<std::vector<ConfigProposal>> listProposals(const QSqlDatabase& db, const std::string& status)
{
    QSqlQuery q(db);
    q.prepare(QString::fromLatin1(kSelect)
        + (status.empty() ? QStringLiteral(" ORDER BY id") : QStringLiteral(" WHERE status = ? ORDER BY id")));
    if (!status.empty())
        q.addBindValue(qs(status));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("proposals")));
    std::vector<ConfigProposal> out;
    while (q.next())
        out.push_back(fromRow(q));
    return out;
}

} // namespace mdsync
