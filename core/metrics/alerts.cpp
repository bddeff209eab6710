#include "metrics/alerts.h"

#include "metrics/alertnotifier.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "config/configstore.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/deliverystatus.h"
#include "store/readalerts.h"
#include "store/readqueries.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/jsonfile.h"
#include "util/text.h"

#include "util/sqlvalue.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>
#include <set>

namespace mdsync {

namespace {

using json = nlohmann::json;

constexpr const char* kRulesMetaKey = "alert_rules";
constexpr int kRevisionsPerEvaluation = 20000; // attribute_changed: the rest waits for the next evaluation
constexpr int kExamples = 5;

QVariant optional(const std::string& s)
{
    return s.empty() ? QVariant() : QVariant(sqlText(s));
}

// (Named apart from the other files' `contains`: in a unity batch a same-named overload would be picked silently.)
// Empty: any value.
bool oneOf(const std::vector<json>& values, const json& v)
{
    return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

bool emptyOrContains(const std::vector<std::string>& list, const std::string& v)
{
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

std::string kindName(AlertRule::Kind k)
{
    switch (k) {
    case AlertRule::Kind::SlaUnacked:
        return "sla_unacked";
    case AlertRule::Kind::AttributeChanged:
        return "attribute_changed";
    case AlertRule::Kind::OpenExceptionsOver:
        return "open_exceptions_over";
    case AlertRule::Kind::TargetOutageOver:
        return "target_outage_over";
    }
    return "?";
}

// One firing condition of a rule.
struct Firing
{
    std::string dedupKey, domain, objectKey, target, message;
    json details;
};

struct LiveAlert
{
    std::int64_t id = 0;
    std::string rule, status;
};

QSqlQuery run(const QSqlDatabase& db, const QString& sql, const std::vector<QVariant>& binds, const QString& what)
{
    QSqlQuery q(db);
    if (!q.prepare(sql))
        throw store::SqlError::of(q, what);
    for (const QVariant& b : binds)
        q.addBindValue(b);
    if (!q.exec())
        throw store::SqlError::of(q, what);
    return q;
}

std::string minutesText(std::int64_t ms)
{
    return std::to_string(ms / 60000) + " min";
}

// sla_unacked: per subscription of the rule's domains and targets, the non-final deliveries older than the SLA.
void slaUnacked(const QSqlDatabase& db, const AlertRule& rule, TimeMs now, std::vector<Firing>& out)
{
    QSqlQuery subs = run(db, QStringLiteral("SELECT id, domain, target_id, sla_minutes FROM subscription ORDER BY id"),
        {}, QStringLiteral("subscriptions"));
    struct Sub
    {
        std::string id, domain, target;
        std::int64_t slaMs = 0;
    };
    std::vector<Sub> list;
    while (subs.next()) {
        Sub s { stdText(subs.value(0)), stdText(subs.value(1)), stdText(subs.value(2)),
            subs.value(3).toLongLong() * 60000 };
        if (s.slaMs > 0 && emptyOrContains(rule.domains, s.domain) && emptyOrContains(rule.targets, s.target))
            list.push_back(std::move(s));
    }
    // The condition of the partial index delivery_due: only non-final deliveries are read.
    const QString open = QString::fromStdString(sqlOpenStatusCondition("d.status"));
    for (const Sub& s : list) {
        QSqlQuery q = run(db,
            QStringLiteral("SELECT count(*), min(d.created_at) FROM delivery d"
                           " WHERE d.target_id = ? AND ")
                + open + QStringLiteral(" AND d.subscription_id = ? AND d.created_at < ?"),
            { sqlText(s.target), sqlText(s.id), sqlInt(now - s.slaMs) }, QStringLiteral("overdue deliveries"));
        if (!q.next() || q.value(0).toLongLong() == 0)
            continue;
        const std::int64_t n = q.value(0).toLongLong();
        const std::int64_t oldest = q.value(1).toLongLong();
        QSqlQuery ex = run(db,
            QStringLiteral("SELECT o.key, d.revision_no, d.status, d.created_at FROM delivery d"
                           " JOIN object o ON o.id = d.object_id"
                           " WHERE d.target_id = ? AND ")
                + open
                + QStringLiteral(" AND d.subscription_id = ? AND d.created_at < ? ORDER BY d.created_at, d.id LIMIT ?"),
            { sqlText(s.target), sqlText(s.id), sqlInt(now - s.slaMs), kExamples },
            QStringLiteral("overdue deliveries"));
        json examples = json::array();
        while (ex.next())
            examples.push_back({ { "key", stdText(ex.value(0)) }, { "revision_no", ex.value(1).toLongLong() },
                { "status", stdText(ex.value(2)) }, { "received_at", formatRfc3339(ex.value(3).toLongLong()) } });
        Firing f;
        f.dedupKey = rule.id + ":" + s.domain + ":" + s.target;
        f.domain = s.domain;
        f.target = s.target;
        if (n == 1 && !examples.empty())
            f.objectKey = examples[0]["key"].get<std::string>();
        f.message = std::to_string(n) + " " + s.domain + (n == 1 ? " revision" : " revisions") + " not acknowledged by "
            + s.target + " within the SLA of " + minutesText(s.slaMs) + " (oldest waiting " + minutesText(now - oldest)
            + ")";
        f.details = { { "kind", "sla_unacked" }, { "subscription", s.id }, { "sla_minutes", s.slaMs / 60000 },
            { "overdue", n }, { "oldest_received_at", formatRfc3339(oldest) }, { "examples", examples } };
        out.push_back(std::move(f));
    }
}

// attribute_changed: revisions after the rule's watermark that changed an attribute of a watched group.
// The current state of an object (null when there is none).
json currentState(const QSqlDatabase& db, const std::string& domain, const std::string& key)
{
    QSqlQuery q = run(db,
        QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                       " WHERE o.domain = ? AND o.key = ? AND o.deleted = 0"),
        { sqlText(domain), sqlText(key) }, QStringLiteral("state of %1 %2").arg(sqlText(domain), sqlText(key)));
    return q.next() ? json::parse(q.value(0).toString().toStdString(), nullptr, false) : json();
}

// attribute_changed's scope ("plants", "targets") and cross-object condition ("while_referenced") for one changed
// object; `why` gets the referenced objects that meet the condition ("item RM-7 lifecycle_status blocked"), `refs`
// the same as [{"domain", "key", "attribute", "value"}] (what the GUI links to).
bool inScope(const QSqlDatabase& db, const CanonicalModel& model, const Landscape* landscape, const DomainDef& dom,
    const AlertRule& rule, const json& state, std::string& why, json& refs)
{
    if (!rule.plants.empty()) {
        const json p = state.value(dom.plantAttribute, json());
        bool any = false;
        if (p.is_string())
            any = std::ranges::find(rule.plants, p.get<std::string>()) != rule.plants.end();
        else if (p.is_array())
            for (const json& v : p)
                any = any
                    || (v.is_string() && std::ranges::find(rule.plants, v.get<std::string>()) != rule.plants.end());
        if (!any)
            return false;
    }
    if (!rule.targets.empty()) {
        if (!landscape)
            return false;
        bool subscribed = false;
        for (const SubscriptionDef* s : landscape->subscriptionsFor(dom.name))
            subscribed = subscribed
                || (std::ranges::find(rule.targets, s->target) != rule.targets.end()
                    && landscape->matches(*s, dom, state));
        if (!subscribed)
            return false;
    }
    if (!rule.whileReferenced)
        return true;
    const AlertRule::ReferencedCondition& c = *rule.whileReferenced;
    for (const auto& [path, refDomain] : dom.references()) {
        std::vector<std::string> keys;
        collectReferences(state, path, keys);
        std::ranges::sort(keys);
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        const DomainDef* ref = model.domain(refDomain);
        if (!ref || !ref->attribute(c.attribute))
            continue;
        for (const std::string& k : keys) {
            const json refState = currentState(db, refDomain, k);
            if (!refState.is_object() || !oneOf(c.values, refState.value(c.attribute, json())))
                continue;
            why.append(why.empty() ? "" : ", ").append(refDomain).append(" ").append(k).append(" ");
            why.append(c.attribute).append(" ").append(scalarText(refState.value(c.attribute, json())));
            refs.push_back({ { "domain", refDomain }, { "key", k }, { "attribute", c.attribute },
                { "value", refState.value(c.attribute, json()) } });
        }
    }
    return !why.empty();
}

void attributeChanged(Workspace& ws, const CanonicalModel* model, const Landscape* landscape, const AlertRule& rule,
    std::vector<Firing>& out)
{
    const QString metaKey = QStringLiteral("alert_watermark.") + sqlText(rule.id);
    const std::int64_t watermark = ws.meta(metaKey, QStringLiteral("0")).toLongLong();
    const std::string& domainName = rule.domains.front();
    const DomainDef* dom = model ? model->domain(domainName) : nullptr;
    const bool scoped = !rule.plants.empty() || !rule.targets.empty() || rule.whileReferenced.has_value();
    QSqlQuery q = run(ws.db(),
        QStringLiteral(
            "SELECT r.id, o.domain, o.key, r.revision_no, r.changed, r.source_system, r.actor, r.received_at,"
            " CASE WHEN ? = 1 THEN r.state END"
            " FROM revision r JOIN object o ON o.id = r.object_id WHERE r.id > ? ORDER BY r.id LIMIT ?"),
        { sqlInt(scoped ? 1 : 0), sqlInt(watermark), kRevisionsPerEvaluation }, QStringLiteral("new revisions"));
    std::int64_t last = watermark;
    std::map<std::string, Firing> byObject; // the newest change of an object wins
    while (q.next()) {
        last = q.value(0).toLongLong();
        if (stdText(q.value(1)) != domainName)
            continue;
        const json changed = json::parse(q.value(4).toString().toStdString(), nullptr, false);
        if (!changed.is_object())
            continue;
        json hits = json::object();
        const bool transition = !rule.to.empty() || !rule.from.empty();
        for (auto it = changed.begin(); it != changed.end(); ++it) {
            const AttributeDef* a = dom ? dom->attribute(it.key()) : nullptr;
            const bool watched = a
                && (std::find(rule.groups.begin(), rule.groups.end(), a->group) != rule.groups.end()
                    || std::find(rule.attributes.begin(), rule.attributes.end(), it.key()) != rule.attributes.end());
            if (!watched)
                continue;
            if (transition) {
                const json oldValue = it->is_object() ? it->value("old", json()) : json();
                const json newValue = it->is_object() ? it->value("new", json()) : json();
                if (oldValue == newValue || !oneOf(rule.to, newValue) || !oneOf(rule.from, oldValue))
                    continue;
            }
            hits[it.key()] = it.value();
        }
        if (hits.empty())
            continue;
        std::string referenced;
        json referencedObjects = json::array();
        if (scoped) {
            const json state = json::parse(q.value(8).toString().toStdString(), nullptr, false);
            if (!dom || !model || !state.is_object()
                || !inScope(ws.db(), *model, landscape, *dom, rule, state, referenced, referencedObjects))
                continue;
        }
        const std::string key = stdText(q.value(2));
        Firing f;
        f.dedupKey.append(rule.id).append(":").append(domainName).append(":").append(key);
        f.domain = domainName;
        f.objectKey = key;
        std::string names;
        for (auto it = hits.begin(); it != hits.end(); ++it) {
            names.append(names.empty() ? "" : ", ").append(it.key());
            if (transition) // "lifecycle_status draft → blocked"
                names.append(" ")
                    .append(scalarText(it->value("old", json())))
                    .append(" → ")
                    .append(scalarText(it->value("new", json())));
        }
        f.message.append(domainName).append(" ").append(key).append(" revision ");
        f.message.append(std::to_string(q.value(3).toLongLong())).append(" changed ").append(names);
        f.message.append(" (from ").append(stdText(q.value(5))).append(")");
        if (!referenced.empty())
            f.message.append(" while ").append(referenced);
        f.details
            = { { "kind", "attribute_changed" }, { "revision_id", last }, { "revision_no", q.value(3).toLongLong() },
                  { "source", stdText(q.value(5)) }, { "actor", stdText(q.value(6)) },
                  { "received_at", formatRfc3339(q.value(7).toLongLong()) }, { "changes", hits } };
        if (!referenced.empty()) {
            f.details["while_referenced"] = referenced;
            f.details["referenced_objects"] = referencedObjects;
        }
        byObject[key] = std::move(f);
    }
    for (auto& [k, f] : byObject)
        out.push_back(std::move(f));
    if (last != watermark) {
        if (auto r = ws.setMeta(metaKey, QString::number(last)); !r)
            throw store::SqlError(QString(), r.error());
    }
}

// open_exceptions_over: open exceptions per domain from kpi_counter (kept by triggers on exception).
void openExceptionsOver(const QSqlDatabase& db, const AlertRule& rule, std::vector<Firing>& out)
{
    QSqlQuery q = run(db, QStringLiteral("SELECT key, n FROM kpi_counter WHERE name = 'open_exceptions' ORDER BY key"),
        {}, QStringLiteral("open exception counters"));
    while (q.next()) {
        const std::string domain = stdText(q.value(0));
        const std::int64_t n = q.value(1).toLongLong();
        if (domain.empty() || n <= rule.threshold || !emptyOrContains(rule.domains, domain))
            continue;
        Firing f;
        f.dedupKey = rule.id + ":" + domain;
        f.domain = domain;
        f.message = std::to_string(n) + " open exceptions for " + domain + " (more than "
            + std::to_string(rule.threshold) + ")";
        f.details = { { "kind", "open_exceptions_over" }, { "open", n }, { "threshold", rule.threshold } };
        out.push_back(std::move(f));
    }
}

// target_outage_over: the open circuits (read::openCircuits) open for longer than the rule's minutes.
void targetOutageOver(const QSqlDatabase& db, const AlertRule& rule, TimeMs now, std::vector<Firing>& out)
{
    auto circuits = read::openCircuits(db);
    if (!circuits)
        throw store::SqlError(QString(), circuits.error());
    const std::int64_t limitMs = rule.minutes * 60000;
    for (const read::OpenCircuit& c : circuits.value()) {
        const std::int64_t downMs = now - c.sinceMs;
        if (downMs <= limitMs || !emptyOrContains(rule.targets, c.target))
            continue;
        Firing f;
        f.dedupKey = rule.id + ":" + c.target;
        f.target = c.target;
        f.message = c.target + " is down since " + formatRfc3339(c.sinceMs) + " (" + minutesText(downMs)
            + ", longer than " + std::to_string(rule.minutes) + " min): " + std::to_string(c.waiting)
            + " deliveries wait; last error: " + c.lastError;
        f.details = { { "kind", "target_outage_over" }, { "since", formatRfc3339(c.sinceMs) },
            { "down_minutes", downMs / 60000 }, { "minutes", rule.minutes }, { "waiting", c.waiting },
            { "last_error", c.lastError }, { "incident_id", c.incidentId } };
        out.push_back(std::move(f));
    }
}

std::vector<std::string> stringList(const json& r, const char* field, const std::string& where, QString& error)
{
    std::vector<std::string> out;
    auto it = r.find(field);
    if (it == r.end())
        return out;
    if (!it->is_array()) {
        error = QStringLiteral("%1: '%2' must be a list of strings").arg(sqlText(where), QLatin1String(field));
        return out;
    }
    for (const auto& v : *it) {
        if (!v.is_string()) {
            error = QStringLiteral("%1: '%2' must be a list of strings").arg(sqlText(where), QLatin1String(field));
            return {};
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

} // namespace

Result<std::vector<AlertRule>> parseAlertRules(const json& doc)
{
    if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array())
        return makeError(QStringLiteral("alert rules: the document needs a list \"rules\""));
    std::vector<AlertRule> out;
    std::set<std::string> ids;
    int n = 0;
    for (const json& r : doc["rules"]) {
        ++n;
        std::string where = "alert rule " + std::to_string(n);
        if (!r.is_object())
            return makeError(QStringLiteral("%1: must be an object").arg(sqlText(where)));
        AlertRule rule;
        rule.id = r.value("id", std::string());
        if (rule.id.empty())
            return makeError(QStringLiteral("%1: 'id' is required").arg(sqlText(where)));
        where = "alert rule '" + rule.id + "'";
        if (!ids.insert(rule.id).second)
            return makeError(QStringLiteral("%1: the id is used twice").arg(sqlText(where)));
        const std::string kind = r.value("kind", std::string());
        if (kind == "sla_unacked")
            rule.kind = AlertRule::Kind::SlaUnacked;
        else if (kind == "attribute_changed")
            rule.kind = AlertRule::Kind::AttributeChanged;
        else if (kind == "open_exceptions_over")
            rule.kind = AlertRule::Kind::OpenExceptionsOver;
        else if (kind == "target_outage_over")
            rule.kind = AlertRule::Kind::TargetOutageOver;
        else
            return makeError(QStringLiteral("%1: unknown kind '%2' (sla_unacked, attribute_changed,"
                                            " open_exceptions_over, target_outage_over)")
                                 .arg(sqlText(where), sqlText(kind)));
        rule.severity = r.value("severity", std::string("high"));
        rule.description = r.value("description", std::string());
        QString error;
        rule.domains = stringList(r, "domains", where, error);
        if (r.contains("domain")) {
            if (!r["domain"].is_string())
                return makeError(QStringLiteral("%1: 'domain' must be a string").arg(sqlText(where)));
            rule.domains.push_back(r["domain"].get<std::string>());
        }
        rule.targets = stringList(r, "targets", where, error);
        rule.groups = stringList(r, "groups", where, error);
        rule.attributes = stringList(r, "attributes", where, error);
        if (!error.isEmpty())
            return makeError(error);
        if (rule.kind == AlertRule::Kind::AttributeChanged
            && (rule.domains.size() != 1 || (rule.groups.empty() && rule.attributes.empty())))
            return makeError(QStringLiteral("%1: attribute_changed needs one 'domain' and a list 'groups' or"
                                            " 'attributes'")
                                 .arg(sqlText(where)));
        for (auto [field, values] : { std::pair { "to", &rule.to }, std::pair { "from", &rule.from } }) {
            const auto it = r.find(field);
            if (it == r.end())
                continue;
            if (rule.kind != AlertRule::Kind::AttributeChanged)
                return makeError(QStringLiteral("%1: '%2' applies to attribute_changed only")
                                     .arg(sqlText(where), QLatin1String(field)));
            if (it->is_array() && it->empty())
                return makeError(QStringLiteral("%1: '%2' is an empty list (leave it out to accept any value)")
                                     .arg(sqlText(where), QLatin1String(field)));
            if (it->is_array())
                values->assign(it->begin(), it->end());
            else
                values->push_back(*it); // one value
        }
        rule.plants = stringList(r, "plants", where, error);
        if (!error.isEmpty())
            return makeError(error);
        if (!rule.plants.empty() && rule.kind != AlertRule::Kind::AttributeChanged)
            return makeError(QStringLiteral("%1: 'plants' applies to attribute_changed only").arg(sqlText(where)));
        if (const auto w = r.find("while_referenced"); w != r.end()) {
            if (rule.kind != AlertRule::Kind::AttributeChanged)
                return makeError(
                    QStringLiteral("%1: 'while_referenced' applies to attribute_changed only").arg(sqlText(where)));
            if (!w->is_object() || !w->contains("attribute") || !(*w)["attribute"].is_string() || !w->contains("in"))
                return makeError(QStringLiteral("%1: 'while_referenced' is {\"attribute\": NAME, \"in\": [values]}")
                                     .arg(sqlText(where)));
            AlertRule::ReferencedCondition c;
            c.attribute = (*w)["attribute"].get<std::string>();
            const json& in = (*w)["in"];
            if (in.is_array())
                c.values.assign(in.begin(), in.end());
            else
                c.values.push_back(in);
            if (c.values.empty())
                return makeError(QStringLiteral("%1: 'while_referenced.in' is an empty list").arg(sqlText(where)));
            rule.whileReferenced = std::move(c);
        }
        if (r.contains("evaluate_history")) {
            if (!r["evaluate_history"].is_boolean() || rule.kind != AlertRule::Kind::AttributeChanged)
                return makeError(QStringLiteral("%1: 'evaluate_history' is true or false, for attribute_changed")
                                     .arg(sqlText(where)));
            rule.evaluateHistory = r["evaluate_history"].get<bool>();
        }
        if (rule.kind == AlertRule::Kind::OpenExceptionsOver) {
            if (!r.contains("threshold") || !r["threshold"].is_number_integer()
                || r["threshold"].get<std::int64_t>() < 0)
                return makeError(QStringLiteral("%1: open_exceptions_over needs 'threshold' (a whole number >= 0)")
                                     .arg(sqlText(where)));
            rule.threshold = r["threshold"].get<std::int64_t>();
        }
        if (rule.kind == AlertRule::Kind::TargetOutageOver) {
            if (!r.contains("minutes") || !r["minutes"].is_number_integer() || r["minutes"].get<std::int64_t>() < 0
                || r["minutes"].get<std::int64_t>() > 366LL * 24 * 60)
                return makeError(QStringLiteral("%1: target_outage_over needs 'minutes' (a whole number from 0 to"
                                                " 527040)")
                                     .arg(sqlText(where)));
            if (!rule.domains.empty())
                return makeError(QStringLiteral("%1: target_outage_over is about targets: 'domains' does not apply")
                                     .arg(sqlText(where)));
            rule.minutes = r["minutes"].get<std::int64_t>();
        }
        out.push_back(std::move(rule));
    }
    return out;
}

Result<std::vector<AlertRule>> activeAlertRules(Workspace& ws)
{
    const QString stored = ws.meta(QLatin1String(kRulesMetaKey));
    if (!stored.isEmpty()) {
        const json doc = json::parse(stored.toStdString(), nullptr, false);
        if (doc.is_discarded())
            return makeError(QStringLiteral("alert rules in the workspace (meta '%1'): invalid JSON")
                                 .arg(QLatin1String(kRulesMetaKey)));
        return parseAlertRules(doc);
    }
    auto doc = readJsonFile(QStringLiteral(":/mdsync/alerts/default-alert-rules.json"),
        QStringLiteral("built-in default-alert-rules.json"));
    if (!doc)
        return makeError(doc.error());
    return parseAlertRules(doc.value());
}

Result<json> activeNotifySettings(Workspace& ws)
{
    const QString stored = ws.meta(QLatin1String(kRulesMetaKey));
    if (stored.isEmpty())
        return json();
    const json doc = json::parse(stored.toStdString(), nullptr, false);
    return doc.is_object() ? doc.value("notify", json()) : json();
}

Result<void> setAlertRules(Workspace& ws, const std::string& actor, const json& doc, const std::string& reason)
{
    if (auto r = requirePermission(ws.db(), actor, Action::ApproveChange); !r)
        return r;
    if (reason.empty())
        return makeError(QStringLiteral("alert rules: a reason is required (it goes into the audit log)"));
    auto rules = parseAlertRules(doc);
    if (!rules)
        return makeError(rules.error());
    if (auto n = parseNotifySettings(doc.value("notify", json())); !n)
        return makeError(n.error());
    auto cfg = loadActiveConfig(ws);
    if (!cfg)
        return makeError(QStringLiteral("alert rules: ") + cfg.error());
    for (const AlertRule& rule : rules.value()) {
        const QString where = QStringLiteral("alert rule '%1'").arg(sqlText(rule.id));
        for (const std::string& d : rule.domains)
            if (!cfg->model->domain(d))
                return makeError(QStringLiteral("%1: domain '%2' is not in the model in force").arg(where, sqlText(d)));
        if (rule.kind != AlertRule::Kind::AttributeChanged)
            continue;
        const DomainDef& dom = *cfg->model->domain(rule.domains.front());
        for (const std::string& a : rule.attributes) {
            const AttributeDef* def = dom.attribute(a);
            if (!def)
                return makeError(QStringLiteral("%1: attributes: '%2' is not an attribute of %3")
                                     .arg(where, sqlText(a), sqlText(dom.name)));
            // One watched code attribute: "to" and "from" must be its codes ("blocked", not "Blocked").
            if (rule.attributes.size() != 1 || !rule.groups.empty() || def->type != AttrType::Code)
                continue;
            for (auto [field, values] : { std::pair { "to", &rule.to }, std::pair { "from", &rule.from } })
                for (const json& v : *values)
                    if (!v.is_null() && (!v.is_string() || !def->hasCode(v.get<std::string>())))
                        return makeError(QStringLiteral("%1: %2: %3 is not a code of %4.%5 (%6)")
                                             .arg(where, QLatin1String(field), sqlText(v.dump()), sqlText(dom.name),
                                                 sqlText(a), sqlText(join(def->codes))));
        }
        for (const std::string& g : rule.groups)
            if (std::none_of(
                    dom.attributes.begin(), dom.attributes.end(), [&](const AttributeDef& a) { return a.group == g; }))
                return makeError(QStringLiteral("%1: groups: no attribute of %2 is in group '%3'")
                                     .arg(where, sqlText(dom.name), sqlText(g)));
        for (const std::string& p : rule.plants)
            if (std::ranges::find(cfg->landscape->plants(), p) == cfg->landscape->plants().end())
                return makeError(
                    QStringLiteral("%1: plants: '%2' is not a plant of the landscape in force").arg(where, sqlText(p)));
        if (!rule.plants.empty() && dom.plantAttribute.empty())
            return makeError(
                QStringLiteral("%1: plants: %2 objects have no plant attribute").arg(where, sqlText(dom.name)));
        for (const std::string& t : rule.targets)
            if (!cfg->landscape->system(t))
                return makeError(QStringLiteral("%1: targets: '%2' is not a system of the landscape in force")
                                     .arg(where, sqlText(t)));
        if (rule.whileReferenced) {
            // The attribute must exist in a domain the rule's domain references.
            bool found = false;
            for (const auto& [path, refDomain] : dom.references()) {
                const DomainDef* ref = cfg->model->domain(refDomain);
                found = found || (ref && ref->attribute(rule.whileReferenced->attribute));
            }
            if (!found)
                return makeError(QStringLiteral("%1: while_referenced: no domain that %2 references has an attribute "
                                                "'%3'")
                                     .arg(where, sqlText(dom.name), sqlText(rule.whileReferenced->attribute)));
        }
    }
    std::set<std::string> previous; // rule ids in force before
    if (auto old = activeAlertRules(ws))
        for (const AlertRule& r : old.value())
            previous.insert(r.id);
    const QString before = ws.meta(QLatin1String(kRulesMetaKey));
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    if (auto r = ws.setMeta(QLatin1String(kRulesMetaKey), sqlText(doc.dump())); !r) {
        return r;
    }
    // A new attribute_changed rule fires on changes made from now on: its watermark is the newest revision (or the
    // first, on request). A rule kept under its id keeps its watermark.
    try {
        std::int64_t newest = -1;
        for (const AlertRule& rule : rules.value()) {
            if (rule.kind != AlertRule::Kind::AttributeChanged || previous.contains(rule.id))
                continue;
            if (newest < 0 && !rule.evaluateHistory) {
                QSqlQuery q = run(ws.db(), QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM revision"), {},
                    QStringLiteral("newest revision"));
                newest = q.next() ? q.value(0).toLongLong() : 0;
            }
            if (auto r = ws.setMeta(QStringLiteral("alert_watermark.") + sqlText(rule.id),
                    QString::number(rule.evaluateHistory ? 0 : newest));
                !r)
                return r;
        }
    } catch (const store::SqlError& e) {
        return makeError(e.message());
    }
    AuditLog audit(ws.db());
    const json beforeJson = before.isEmpty() ? json("built-in") : json::parse(before.toStdString(), nullptr, false);
    if (auto r = audit.append(actor, "alert.rules", "alert rules", beforeJson, doc, reason); !r) {
        return makeError(r.error());
    }
    return tx.commit();
}

json AlertEvaluation::toJson() const
{
    auto arr = [](const std::vector<AlertChange>& v) {
        json a = json::array();
        for (const AlertChange& c : v)
            a.push_back({ { "id", c.id }, { "rule", c.rule }, { "dedup_key", c.dedupKey }, { "message", c.message } });
        return a;
    };
    return { { "fired", arr(fired) }, { "refreshed", arr(refreshed) }, { "cleared", arr(cleared) } };
}

AlertEngine::AlertEngine(Workspace& ws)
    : m_ws(ws)
{ }

Result<AlertEvaluation> AlertEngine::evaluate(TimeMs now)
{
    if (!now)
        now = nowMs();
    auto rules = activeAlertRules(m_ws);
    if (!rules)
        return makeError(rules.error());
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
    for (const AlertRule& r : rules.value()) {
        if (r.kind == AlertRule::Kind::AttributeChanged) {
            auto cfg = loadActiveConfig(m_ws);
            if (!cfg)
                return makeError(QStringLiteral("alerts: ") + cfg.error());
            model = cfg->model;
            landscape = cfg->landscape;
            break;
        }
    }
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    AlertEvaluation result;
    QSqlDatabase db = m_ws.db();
    try {
        std::map<std::string, LiveAlert> live;
        {
            QSqlQuery q = run(db,
                QStringLiteral("SELECT id, rule, dedup_key, status FROM alert WHERE status IN ('open','acknowledged')"),
                {}, QStringLiteral("live alerts"));
            while (q.next())
                live[stdText(q.value(2))] = { q.value(0).toLongLong(), stdText(q.value(1)), stdText(q.value(3)) };
        }
        std::set<std::string> seen;
        std::map<std::string, const AlertRule*> ruleById;
        auto clear = [&](std::int64_t id, const std::string& rule, const std::string& key, const std::string& why) {
            run(db, QStringLiteral("UPDATE alert SET status = 'cleared', cleared_at = ? WHERE id = ?"),
                { sqlInt(now), sqlInt(id) }, QStringLiteral("clear alert"));
            result.cleared.push_back({ id, rule, key, why, {} });
        };
        for (const AlertRule& rule : rules.value()) {
            ruleById[rule.id] = &rule;
            std::vector<Firing> firings;
            switch (rule.kind) {
            case AlertRule::Kind::SlaUnacked:
                slaUnacked(db, rule, now, firings);
                break;
            case AlertRule::Kind::AttributeChanged:
                attributeChanged(m_ws, model.get(), landscape.get(), rule, firings);
                break;
            case AlertRule::Kind::OpenExceptionsOver:
                openExceptionsOver(db, rule, firings);
                break;
            case AlertRule::Kind::TargetOutageOver:
                targetOutageOver(db, rule, now, firings);
                break;
            }
            for (Firing& f : firings) {
                seen.insert(f.dedupKey);
                f.details["rule_kind"] = kindName(rule.kind);
                auto it = live.find(f.dedupKey);
                if (it != live.end() && rule.kind == AlertRule::Kind::AttributeChanged
                    && it->second.status == "acknowledged") {
                    // A new change after the last one was acknowledged: a new alert.
                    clear(it->second.id, rule.id, f.dedupKey, "superseded by a new change");
                    live.erase(it);
                    it = live.end();
                }
                if (it != live.end()) {
                    // The notifications sent for the alert stay with it (recordNotification).
                    QSqlQuery old = run(db, QStringLiteral("SELECT details FROM alert WHERE id = ?"),
                        { sqlInt(it->second.id) }, QStringLiteral("refresh alert"));
                    if (old.next()) {
                        const json was = json::parse(old.value(0).toString().toStdString(), nullptr, false);
                        if (was.is_object() && was.contains("notifications"))
                            f.details["notifications"] = was["notifications"];
                    }
                    run(db, QStringLiteral("UPDATE alert SET last_seen_at = ?, message = ?, details = ? WHERE id = ?"),
                        { sqlInt(now), sqlText(f.message), sqlText(f.details.dump()), sqlInt(it->second.id) },
                        QStringLiteral("refresh alert"));
                    result.refreshed.push_back({ it->second.id, rule.id, f.dedupKey, f.message, rule.severity });
                    continue;
                }
                QSqlQuery ins = run(db,
                    QStringLiteral("INSERT INTO alert(rule, severity, status, dedup_key, domain, object_key, target_id,"
                                   " message, details, fired_at, last_seen_at) VALUES (?,?,'open',?,?,?,?,?,?,?,?)"
                                   " RETURNING id"),
                    { sqlText(rule.id), sqlText(rule.severity), sqlText(f.dedupKey), optional(f.domain),
                        optional(f.objectKey), optional(f.target), sqlText(f.message), sqlText(f.details.dump()),
                        sqlInt(now), sqlInt(now) },
                    QStringLiteral("insert alert"));
                std::int64_t id = 0;
                if (!readReturnedId(ins, id))
                    throw store::SqlError::of(ins, QStringLiteral("insert alert: no id returned"));
                live[f.dedupKey] = { id, rule.id, "open" };
                result.fired.push_back({ id, rule.id, f.dedupKey, f.message, rule.severity });
            }
        }
        // Condition alerts whose condition no longer holds (or whose rule is gone) are cleared.
        for (const auto& [key, a] : live) {
            if (seen.contains(key))
                continue;
            auto r = ruleById.find(a.rule);
            if (r == ruleById.end())
                clear(a.id, a.rule, key, "the rule is no longer configured");
            else if (r->second->kind != AlertRule::Kind::AttributeChanged)
                clear(a.id, a.rule, key, "the condition no longer holds");
        }
    } catch (const store::SqlError& e) {
        return makeError(QStringLiteral("alerts: evaluate: ") + e.message());
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return result;
}

Result<void> AlertEngine::acknowledge(const std::string& actor, std::int64_t alertId, const std::string& note)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::AcknowledgeAlert); !r)
        return r;
    QSqlQuery q(m_ws.db());
    q.prepare(QStringLiteral("SELECT status, rule, dedup_key, message FROM alert WHERE id = ?"));
    q.addBindValue(sqlInt(alertId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("alert #%1").arg(alertId)));
    if (!q.next())
        return makeError(QStringLiteral("there is no alert #%1").arg(alertId));
    const std::string status = stdText(q.value(0));
    if (status != "open")
        return makeError(QStringLiteral("alert #%1 is already %2").arg(alertId).arg(sqlText(status)));
    const json before = { { "status", status }, { "rule", stdText(q.value(1)) }, { "dedup_key", stdText(q.value(2)) },
        { "message", stdText(q.value(3)) } };
    q.finish();
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    const TimeMs t = nowMs();
    QSqlQuery u(m_ws.db());
    u.prepare(QStringLiteral("UPDATE alert SET status = 'acknowledged', acked_by = ?, acked_at = ? WHERE id = ?"));
    u.addBindValue(sqlText(actor));
    u.addBindValue(sqlInt(t));
    u.addBindValue(sqlInt(alertId));
    if (!u.exec()) {
        const QString e = sqlError(u, QStringLiteral("acknowledge alert #%1").arg(alertId));
        return makeError(e);
    }
    AuditLog audit(m_ws.db());
    const json after = { { "status", "acknowledged" }, { "acked_by", actor }, { "acked_at", formatRfc3339(t) } };
    if (auto r = audit.append(actor, "alert.acknowledge", "alert/" + std::to_string(alertId), before, after,
            note.empty() ? std::nullopt : std::optional<std::string>(note));
        !r) {
        return makeError(r.error());
    }
    return tx.commit();
}

Result<void> AlertEngine::recordNotification(std::int64_t alertId, const json& attempt)
{
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    try {
        QSqlQuery q = run(m_ws.db(), QStringLiteral("SELECT details FROM alert WHERE id = ?"), { sqlInt(alertId) },
            QStringLiteral("alert #%1").arg(alertId));
        if (!q.next())
            return makeError(QStringLiteral("there is no alert #%1").arg(alertId));
        json details = json::parse(q.value(0).toString().toStdString(), nullptr, false);
        q.finish();
        if (!details.is_object())
            details = json::object();
        json& list = details["notifications"];
        if (!list.is_array())
            list = json::array();
        list.push_back(attempt);
        constexpr size_t kKept = 20;
        if (list.size() > kKept)
            list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(list.size() - kKept));
        run(m_ws.db(), QStringLiteral("UPDATE alert SET details = ? WHERE id = ?"),
            { sqlText(details.dump()), sqlInt(alertId) },
            QStringLiteral("record the notification of alert #%1").arg(alertId));
    } catch (const store::SqlError& e) {
        return makeError(e.message());
    }
    return tx.commit();
}

Result<json> AlertEngine::list(const std::string& status, int limit)
{
    auto rows = read::alerts(m_ws.db(), sqlText(status), limit);
    if (!rows)
        return makeError(rows.error());
    auto text = [](const QString& v) { return v.isEmpty() ? json(nullptr) : json(v.toStdString()); };
    auto time = [](TimeMs t) { return t == 0 ? json(nullptr) : json(formatRfc3339(t)); };
    json out = json::array();
    for (const read::AlertRow& a : rows.value())
        out.push_back({ { "id", a.id }, { "rule", a.rule.toStdString() }, { "severity", a.severity.toStdString() },
            { "status", a.status.toStdString() }, { "dedup_key", a.dedupKey.toStdString() },
            { "domain", text(a.domain) }, { "object_key", text(a.objectKey) }, { "target", text(a.target) },
            { "message", a.message.toStdString() }, { "details", a.details }, { "fired_at", time(a.firedAt) },
            { "last_seen_at", time(a.lastSeenAt) }, { "acked_by", text(a.ackedBy) }, { "acked_at", time(a.ackedAt) },
            { "cleared_at", time(a.clearedAt) } });
    return out;
}

} // namespace mdsync
