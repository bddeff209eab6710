#pragma once

// Policy-based alerts (docs/METRICS.md): rules evaluated by the core, stored in table `alert`, acknowledged
// by users. Rule kinds:
//  - sla_unacked: revisions of a domain not acknowledged by a target within the subscription's SLA (one alert
//    per rule, domain and target; from the delivery_due index, i.e. only non-final deliveries are read);
//  - attribute_changed: a revision that changed an attribute of a watched group of a domain (one alert per
//    rule and object; only revisions newer than the rule's watermark in meta are read);
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
    std::int64_t threshold = 0; // open_exceptions_over
    std::int64_t minutes = 0; // target_outage_over: open for longer than this
};

// Parses a rules document ({"rules": [...]}); errors name the rule and the field.
Result<std::vector<AlertRule>> parseAlertRules(const nlohmann::json& doc);
// The rules in force: meta "alert_rules" when set, else the built-in default document.
Result<std::vector<AlertRule>> activeAlertRules(Workspace& ws);
// Replaces the workspace's rules (admins: Action::ApproveChange), validated, audited ("alert.rules").
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
    // Alerts with a status (open, acknowledged, cleared; empty or "all" = every status), newest first.
    Result<nlohmann::json> list(const std::string& status = "open", int limit = 500);

private:
    Workspace& m_ws;
};

} // namespace mdsync
