#pragma once

// Fix once, apply to N: a correction recorded as a rule (e.g. "for WMS-P100 items, payload field uom PCS -> EA")
// and applied to every open exception it matches, each as an ordinary correction (so editable-field checks,
// validation, ownership and four-eyes apply per item). Preview first: which exceptions, and before -> after.

#include "steward/replayjob.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync {

class Corrections;
class Workspace;

struct FixRule
{
    std::string name;
    // "payload": a field of the failed delivery's payload (target required); "attribute": an attribute of the
    // object behind the exception (a steward revision per object).
    std::string kind = "payload";
    ReplayFilter scope; // target, category, domain, error text, age, ids: which open exceptions
    std::string field; // payload field or attribute
    nlohmann::json equals; // only where the current value equals this (null: any value)
    nlohmann::json setTo; // the new value
    std::string reason;

    nlohmann::json toJson() const;
};

struct RuleMatch
{
    std::int64_t exceptionId = 0;
    std::string domain, key, target;
    nlohmann::json before, after;
    // preview: "would_apply"; apply: "applied", "awaiting_approval" or "failed" (message says why)
    std::string result;
    std::string message;
    std::int64_t correctionId = 0;

    nlohmann::json toJson() const;
};

struct RuleApplication
{
    std::int64_t ruleId = 0; // 0 for a preview
    std::vector<RuleMatch> matches;
    std::int64_t applied = 0, awaitingApproval = 0, failed = 0;

    nlohmann::json toJson() const;
};

class FixRules
{
public:
    FixRules(Workspace& ws, Corrections& corrections);

    // Which open exceptions the rule matches and what it would change. Changes nothing.
    Result<RuleApplication> preview(const std::string& actor, const FixRule& rule) const;
    // Records the rule (table fix_rule, audited) and applies it to every match as a correction.
    Result<RuleApplication> apply(const std::string& actor, const FixRule& rule);
    // Recorded rules, newest first.
    Result<nlohmann::json> list() const;

private:
    Result<void> check(const FixRule& rule) const;
    Workspace& m_ws;
    Corrections& m_corrections;
};

} // namespace mdsync
