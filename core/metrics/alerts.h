#pragma once

// Policy-based alerts (docs/METRICS.md): rules evaluated by the core, stored in table `alert`, acknowledged
// by users. Rule kinds:
//  - sla_unacked: revisions of a domain not acknowledged by a target within the subscription's SLA (one alert
//    per rule, domain and target; from the delivery_due index, i.e. only non-final deliveries are read);
//  - attribute_changed: a revision that changed a watched attribute of a domain (named in `attributes`, or in one of
//    the `groups`), optionally only to one of the values `to` and/or from one of the values `from` ("lifecycle_status
//    -> blocked"); one alert per rule and object; only revisions newer than the rule's watermark in meta are read.
//    A rule added by setAlertRules starts at the newest revision then (it fires on changes made after it was created)
//    unless it says "evaluate_history": true. Scoped by "plants" and "targets" (see AlertRule); "while_referenced":
//    {"attribute": A, "in": [values]} fires only while an object the changed one references has A at one of them
//    ("a BOM revision released while a component is blocked");
//  - open_exceptions_over: more than `threshold` open exceptions for a domain (one alert per rule and domain;
//    from kpi_counter 'open_exceptions', kept by triggers);
//  - target_outage_over: a target whose circuit has been open (the target down) for longer than `minutes` (one
//    alert per rule and target; from target_circuit). It clears when the circuit closes.
// Rules: the built-in resources/alerts/default-alert-rules.json, replaced as a whole by the workspace's meta
// key "alert_rules" when it is set.
//
// At most one live (open or acknowledged) alert per dedup key. Re-firing updates last_seen_at (and the
// message); a condition alert whose condition no longer holds becomes 'cleared'. attribute_changed is an
// event: a new change of an object whose alert was acknowledged clears that one and opens a new alert.

#include "util/result.h"
#include "util/timeutil.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mdsync {

class Workspace;

struct AlertRule
{
    enum class Kind { SlaUnacked, AttributeChanged, OpenExceptionsOver, TargetOutageOver };
    std::string id;
    Kind kind = Kind::SlaUnacked;
    std::string severity = "high";
    std::string description;
    std::vector<std::string> domains; // empty = every domain (attribute_changed needs exactly one)
    std::vector<std::string> targets; // sla_unacked, target_outage_over: empty = every target
    std::vector<std::string> groups; // attribute_changed: watched attribute groups
    std::vector<std::string> attributes; // attribute_changed: watched attributes (beside those of `groups`)
    std::vector<nlohmann::json> to; // attribute_changed: fires only when the new value is one of these (empty: any)
    std::vector<nlohmann::json> from; // attribute_changed: ... and the old value one of these (empty: any)
    bool evaluateHistory = false; // attribute_changed, when the rule is added: also the revisions made before
    // attribute_changed scope: only objects of these plants (the domain's plant attribute; empty: any), and only
    // objects one of `targets` subscribes to now (a subscription of the domain to it whose filter matches the
    // object; empty: any).
    std::vector<std::string> plants;
    // attribute_changed, cross-object: fires only when an object the changed one references (the model's
    // references: a BOM's components and parent, a routing's item) has `attribute` at one of `values` now, e.g.
    // "a BOM released while a component is blocked". The alert names those objects.
    struct ReferencedCondition
    {
        std::string attribute;
        std::vector<nlohmann::json> values;
    };
    std::optional<ReferencedCondition> whileReferenced;
    std::int64_t threshold = 0; // open_exceptions_over
    std::int64_t minutes = 0; // target_outage_over: open for longer than this
};

// Parses a rules document ({"rules": [...]}); errors name the rule and the field.
Result<std::vector<AlertRule>> parseAlertRules(const nlohmann::json& doc);
// The rules in force: meta "alert_rules" when set, else the built-in default document.
Result<std::vector<AlertRule>> activeAlertRules(Workspace& ws);
// The "notify" object of the rules document in force (alertnotifier.h; none in the built-in rules).
Result<nlohmann::json> activeNotifySettings(Workspace& ws);
// Replaces the workspace's rules (admins: Action::ApproveChange), validated (against the model in force too: domains,
// attributes, groups), audited ("alert.rules"). An attribute_changed rule whose id was not in force before starts at
// the newest revision (its watermark), or at the first with "evaluate_history": true; a kept rule keeps its watermark.
Result<void> setAlertRules(
    Workspace& ws, const std::string& actor, const nlohmann::json& doc, const std::string& reason);

struct AlertChange
{
    std::int64_t id = 0;
    std::string rule, dedupKey, message, severity;
};

struct AlertEvaluation
{
    std::vector<AlertChange> fired; // new alerts
    std::vector<AlertChange> refreshed; // live alerts whose condition still holds (last_seen_at updated)
    std::vector<AlertChange> cleared;
    nlohmann::json toJson() const;
};

class AlertEngine
{
public:
    explicit AlertEngine(Workspace& ws);

    // Evaluates every rule in one transaction (runs on the writer's thread).
    Result<AlertEvaluation> evaluate(TimeMs now = 0);
    // Acknowledges an open alert (steward, approver or admin), audited as "alert.acknowledge".
    Result<void> acknowledge(const std::string& actor, std::int64_t alertId, const std::string& note = {});
    // Records a notification attempt with the alert (details.notifications, the newest 20 kept), own transaction.
    Result<void> recordNotification(std::int64_t alertId, const nlohmann::json& attempt);
    // Alerts with a status (open, acknowledged, cleared; empty or "all" = every status), newest first.
    Result<nlohmann::json> list(const std::string& status = "open", int limit = 500);

private:
    Workspace& m_ws;
};

} // namespace mdsync
