#pragma once

// Reconciliation: compares what a target system holds with the last revision it acknowledged, field by field
// through the contract, and turns each difference into a `drift` exception (docs/TRYTON.md, "Reconciliation").

#include "config/configstore.h"
#include "contract/contract.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync {

class Connector;
class Workspace;

struct ReconcileOptions
{
    std::string target; // system id
    std::string domain; // empty: every domain the target subscribes to and the connector can read back
    std::string actor; // a user login, or "system:reconcile" for scheduled runs
    bool checkPermission = true; // users need the steward role (the role that may replay); scheduled runs don't
    int fetchTimeoutMs = 60000; // per read-back call
    size_t chunk = 200; // keys per read-back call
    double tolerance = 1e-6; // relative, for numbers
};

struct ReconcileDifference
{
    std::string field; // target field ("name", "inputs[2].quantity", "(record)" when the record is missing)
    nlohmann::json expected; // from the acknowledged revision, through the contract
    nlohmann::json actual; // what the target holds
};

struct ReconcileDrift
{
    std::string domain, key;
    std::int64_t ackedRevisionNo = 0;
    std::vector<ReconcileDifference> differences;
    std::int64_t exceptionId = 0; // the drift exception (new, or the one still open)
    bool alreadyOpen = false; // an open drift exception existed: not created again
};

struct ReconcileSummary
{
    std::string target;
    int compared = 0; // objects the target had acknowledged and that were read back
    int inSync = 0;
    int skipped = 0; // domains the connector cannot read back, objects without a mapping
    int exceptionsCreated = 0;
    std::vector<ReconcileDrift> drifts;
    nlohmann::json toJson() const;
};

// The differences between the expected payload (a contract mapping) and the record read back, over the
// expected fields. Numbers compare with a relative tolerance, booleans also against 0/1, tables row by row
// over the expected columns; an expected null matches an absent or null value.
std::vector<ReconcileDifference> compareRecord(
    const nlohmann::json& expected, const nlohmann::json& actual, double tolerance = 1e-6);

// Reconciles one target (optionally one domain) through its connector: reads back every object the target has
// acknowledged, compares, and records one `drift` exception per differing object/target with both values (not
// again while one is open), each with a lineage event ("drift_detected"), plus one audit entry for the run
// ("reconcile.run"), in one transaction. Waits for the connector's answers in a local event loop (run it on
// the thread that owns the workspace and the connector).
Result<ReconcileSummary> reconcileTarget(Workspace& ws, const ActiveConfig& config, const ContractSet& contracts,
    Connector& connector, const ReconcileOptions& options);

} // namespace mdsync
