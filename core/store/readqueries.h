#pragma once

#include "util/result.h"

#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mdsync::read {

// Read-side queries returning value snapshots (JSON) for the CLI and, later, views. Safe on a read-only
// connection. Every list query is bounded by `limit`.

struct ObjectFilter
{
    std::string domain; // empty = all
    std::string keyPrefix;
    int limit = 100;
};
Result<nlohmann::json> objects(const QSqlDatabase& db, const ObjectFilter& f);

// One object: header, current state, per-target delivery state (incl. subscriptions it does not match),
// open exceptions. Error when the object does not exist.
Result<nlohmann::json> objectStatus(const QSqlDatabase& db, const std::string& domain, const std::string& key);

// The current state of the `limit` most recently updated live objects of a domain (key, state), newest first: the
// sample of real objects a proposed contract is tried on (docs/CONTRACTS.md "Governance").
Result<std::vector<std::pair<std::string, nlohmann::json>>> newestStates(
    const QSqlDatabase& db, const std::string& domain, int limit);

// Lineage events of one object in order (also for objects that were never created: rejected events).
Result<nlohmann::json> lineage(
    const QSqlDatabase& db, const std::string& domain, const std::string& key, int limit = 1000);

// The status an exception shows, as SQL over `exception e`: "awaiting_approval" (open, a correction waits for
// four-eyes) and "assigned" (open with an assignee) are derived; the others are the stored status.
QString exceptionDisplayStatusSql();

// Every status an exception can have: open, assigned, awaiting_approval, resolved, discarded, superseded, replayed.
const std::vector<std::string>& exceptionStatuses();

struct ExceptionQuery;
// `mdsyncctl exceptions`: the matching exceptions (query.statuses: each one of exceptionStatuses(), an unknown one is
// an error), with the raw input when `withRaw`.
Result<nlohmann::json> exceptions(const QSqlDatabase& db, const ExceptionQuery& query, bool withRaw);

// Workspace overview from counters: objects per domain, deliveries per target and status, open exceptions
// per category.
Result<nlohmann::json> overview(const QSqlDatabase& db);

// The targets whose circuit is open (docs/DISPATCHER.md "Circuit breaker"), by target id: since when, the last
// error, the target_outage incident, the probes so far and how many deliveries wait (from the counters, no scan).
struct OpenCircuit
{
    std::string target;
    std::int64_t sinceMs = 0, incidentId = 0, probes = 0, nextProbeAtMs = 0, waiting = 0;
    std::string lastError;
};
Result<std::vector<OpenCircuit>> openCircuits(const QSqlDatabase& db);

// The outages that ended (their circuit closed) at or after `endedFromMs`: the resolved target_outage incidents,
// start and end from the details the dispatcher recorded when it closed the circuit (since_ms, duration_ms), by
// end time. `target` empty = every target. Through the index exception_open (status, category); an incident
// without those details (resolved by hand while its circuit stays open) is not an ended outage and is skipped.
struct ResolvedOutage
{
    std::string target;
    std::int64_t incidentId = 0, sinceMs = 0, endedMs = 0;
};
Result<std::vector<ResolvedOutage>> resolvedOutages(
    const QSqlDatabase& db, std::int64_t endedFromMs, const std::string& target = {});

} // namespace mdsync::read
