#pragma once

// Authority at a point in time: for one object and a time T, each attribute's value, the system that owned its
// attribute group by the ownership policy in force at T, who supplied the value (system, steward on its behalf,
// enrichment rule) in which revision, the approvals decided by T and which revision each target had
// acknowledged at T. Read-only; used by `mdsyncctl authority` and the audit PDF report.

#include "util/result.h"

#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <string>

namespace mdsync {

// Returns
// { "domain", "key", "at" (RFC 3339), "exists", "revision_no" (in force at T, or null), "deleted",
//   "landscape_version", "model_version",
//   "attributes": [ { "attribute", "group", "value", "owner" (system or null),
//                     "supplied_by": { "system", "actor", "revision_no", "received_at", "steward",
//                                      "correction_id", "approved_by", "rule" (enrichment only) } } ],
//   "acknowledged": [ { "target", "revision_no", "acked_at" } ],
//   "approvals": [ { "correction_id", "proposed_by", "decided_by", "decision", "decided_at", "groups" } ] }.
// The revision in force is the newest with received_at <= T. The policy in force is, per kind, the newest
// config_version with effective_at <= T; for a T before the first recorded version, the first version is used
// (and "policy_note" says so). Errors: storage failures and a domain that is not in the model in force.
Result<nlohmann::json> authorityAt(
    const QSqlDatabase& db, const std::string& domain, const std::string& key, qint64 atMs);

} // namespace mdsync
