#pragma once

// Steward corrections with four-eyes approval (docs/STEWARDSHIP.md).
//
// Two kinds:
// - attribute correction: new values for attributes of an object. Applied as a steward revision that goes
//   through the ingest pipeline like any change (validation, ownership, outbox, lineage): the event's source is
//   the system that owns the changed attribute groups by policy (the steward acts on its behalf), the
//   revision's actor is the steward. All changed attributes must have the same owner.
// - payload correction: new values for fields of a failed delivery's mapped payload, where the target's contract
//   marks the field editable. Stored as the delivery's payload_override; a replay sends it.
// A correction that touches a critical attribute group of the domain (model: critical_groups, e.g. item
// lifecycle, BOM structure, supplier compliance) waits in awaiting_approval until a different user with the
// approver role approves (then it is applied) or rejects it. Every step: one transaction, lineage, audit.

#include "util/result.h"

#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync {

class ContractSet;
class IngestPipeline;
class Workspace;

struct CorrectionResult
{
    std::int64_t id = 0;
    std::string kind; // attributes | payload
    std::string status; // applied | awaiting_approval | rejected
    std::string domain, key, target;
    std::vector<std::string> criticalGroups; // why it needs approval (empty: applied at once)
    std::string onBehalfOf; // attributes: the owning system the steward revision is recorded for
    std::int64_t revisionNo = 0; // attributes, applied: the steward revision
    std::int64_t exceptionId = 0;
    nlohmann::json changes; // attribute/field -> new value
    nlohmann::json before; // attribute/field -> value before

    nlohmann::json toJson() const;
};

class Corrections
{
public:
    // The pipeline is the workspace's writer pipeline (its config is the one in force); contracts are those the
    // dispatcher sends with.
    Corrections(Workspace& ws, IngestPipeline& pipeline, const ContractSet& contracts);

    // Changes attributes of an existing object. `changes`: attribute -> value (null clears). exceptionId (optional)
    // links the exception the correction fixes: an inbound one is resolved when the correction is applied; a
    // failed delivery is superseded by the steward revision when the dispatcher sends it.
    Result<CorrectionResult> correctAttributes(const std::string& actor, const std::string& domain,
        const std::string& key, const nlohmann::json& changes, const std::string& reason, std::int64_t exceptionId = 0,
        std::int64_t ruleId = 0);
    // Changes fields of the mapped payload of the failed delivery behind a delivery exception. Only fields the
    // contract marks editable. Replay the exception afterwards to send it.
    Result<CorrectionResult> correctPayload(const std::string& actor, std::int64_t exceptionId,
        const nlohmann::json& fields, const std::string& reason, std::int64_t ruleId = 0);
    // Four-eyes: the approver must not be the author. Approving applies the correction.
    Result<CorrectionResult> approve(const std::string& actor, std::int64_t correctionId, const std::string& reason);
    Result<CorrectionResult> reject(const std::string& actor, std::int64_t correctionId, const std::string& reason);

    // The payload a delivery would carry now (its override, else the contract mapping of its revision; with
    // bestEffort, what could be mapped even when a required field is missing).
    Result<nlohmann::json> currentPayload(std::int64_t deliveryId, bool bestEffort = false) const;

private:
    struct Pending;
    Result<CorrectionResult> propose(const std::string& actor, Pending& p);
    Result<void> applyAttributes(const std::string& actor, Pending& p, CorrectionResult& out);
    Result<void> applyPayload(const std::string& actor, Pending& p, CorrectionResult& out);
    Result<Pending> loadPending(std::int64_t id) const;
    Result<CorrectionResult> decide(const std::string& actor, std::int64_t id, bool approve, const std::string& reason);

    Workspace& m_ws;
    IngestPipeline& m_pipeline;
    const ContractSet& m_contracts;
};

struct LineVerdict;

// An object at its current revision, for a steward action on it (a correction, a merge).
struct StewardObject
{
    std::int64_t id = 0, revisionNo = 0, revisionId = 0;
    nlohmann::json state; // an object (empty when the stored state is not JSON)
};
// Error "there is no <domain> '<key>' in this workspace", or "<domain> '<key>' <whenDeleted>" for a deleted object.
Result<StewardObject> loadLiveObject(
    const QSqlDatabase& db, const std::string& domain, const std::string& key, const QString& whenDeleted);

// The change event of a steward revision (a correction, a merge's redirect or retire): from the owning system the
// steward acts for, with the changed attributes; a null `changes` makes it a delete.
std::string stewardEvent(const std::string& source, const std::string& domain, const std::string& key,
    const nlohmann::json& changes, const std::string& eventId, std::int64_t at);
// Why the verdict on a steward revision is not a change that can be applied ("" when it is).
std::string refusal(const std::vector<LineVerdict>& verdicts);

class UnitRegistry;

// The payload a delivery carries now: its steward override, else its revision mapped through its contract version
// (identity without a contract). Error when the mapping fails, unless bestEffort (then: what could be mapped).
Result<nlohmann::json> payloadOfDelivery(const QSqlDatabase& db, const ContractSet& contracts,
    const UnitRegistry& units, std::int64_t deliveryId, bool bestEffort = false);

// Corrections for lists: newest first, optionally by status and/or object. Read-only.
Result<nlohmann::json> listCorrections(const QSqlDatabase& db, const std::string& status, const std::string& domain,
    const std::string& key, int limit = 100);

} // namespace mdsync
