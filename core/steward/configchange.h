#pragma once

// Governed configuration changes: a change to the canonical model, the landscape (ownership, systems,
// subscriptions, enrichment rules) or the contracts (canonical -> target payload mappings) is a proposal with a diff
// against the version it builds on. It takes effect
// only when an admin other than its author approves it; it then becomes a new config_version with an effective
// time (now or later) and is audited (config.propose / config.approve / config.reject, with version and content
// hash before and after). Every function checks the acting user's role in the core and runs in one transaction.
//
// A contracts proposal must pass its own test samples and is tried on the newest real objects of each changed
// contract's domain; the trial's lines end its summary (docs/CONTRACTS.md "Governance").

#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mdsync {

class Workspace;
struct ActiveConfig;

struct ConfigProposal
{
    std::int64_t id = 0;
    std::string kind; // "model", "landscape" or "contracts"
    std::string status; // proposed, approved, rejected, withdrawn (rejected by its own author)
    std::string title;
    std::string reason;
    std::string proposedBy;
    TimeMs proposedAt = 0;
    std::string decidedBy; // empty while proposed
    TimeMs decidedAt = 0;
    std::string decisionReason;
    // Proposed: the requested effective time (nullopt = when approved). Approved: when it took / takes effect.
    std::optional<TimeMs> effectiveAt;
    std::int64_t baseVersionId = 0; // config_version the proposal was made against (the newest of its kind then)
    std::int64_t versionId = 0; // config_version created by the approval
    std::string baseVersion; // "version" of the base document
    std::string version; // "version" of the proposed document
    std::string contentHash; // of the proposed document
    nlohmann::json ops; // RFC 6902 patch from the base document to the proposed one
    std::vector<std::string> summary; // short human-readable lines, e.g. "ownership item.lifecycle: PLM → ERP"
    std::string document; // the proposed document (JSON text)
    // Approved landscape change in force at once: the initial loads it started, one line per target
    // (startInitialLoads).
    std::vector<std::string> initialLoads;

    nlohmann::json toJson(bool withDocument = false) const;
};

// Proposes a new model, landscape or contracts document (Action::ProposeChange, i.e. admins). The document is parsed
// and validated as the loader would (a landscape against the newest model; a model must keep the newest landscape
// and contracts valid; contracts against both, with their samples passing); errors name `origin` and the JSON path. It
// must differ from the version it builds on and carry a version string not used before. effectiveAt: when it should
// take effect (nullopt = on approval; not in the past). Audited as "config.propose".
Result<ConfigProposal> propose(Workspace& ws, const std::string& actor, const std::string& kind,
    const std::string& documentJson, const std::string& title, const std::string& reason,
    std::optional<TimeMs> effectiveAt, const QString& origin = QStringLiteral("proposal"));

// Approves a proposal (Action::ApproveChange) and installs it as a new version, effective at the requested time
// or now, whichever is later. Refused for the proposal's author (four-eyes) and for a stale proposal (another
// version of its kind was installed since it was made). Audited as "config.approve".
Result<ConfigProposal> approveChange(
    Workspace& ws, const std::string& actor, std::int64_t id, const std::string& reason);

// Rejects a proposal (Action::ApproveChange) with a reason; its author may withdraw it the same way (status
// "withdrawn"). Audited as "config.reject".
Result<ConfigProposal> rejectChange(
    Workspace& ws, const std::string& actor, std::int64_t id, const std::string& reason);

// When a landscape version comes into force that adds subscriptions or widens their filters (plants, lifecycle
// states), each target concerned gets an initial load of the objects it now should have (sync/onboarding.h), started
// on behalf of the admin who approved the version. `Approval`: right after an approval that is in force at once
// (approveChange does it). `FellDue`: a future-dated version that came into force later; the running core's active
// instance calls it when it applies the version, and again at its start (a version that fell due while no core ran).
// A target with a load started since the version took effect is left alone; so is a version installed without a
// proposal (init). Returns one line per target: the load started, or why none was (nothing to send, a load of it
// running).
enum class InitialLoadTrigger { Approval, FellDue };
Result<std::vector<std::string>> startInitialLoads(
    Workspace& ws, const ActiveConfig& config, InitialLoadTrigger trigger);

Result<ConfigProposal> loadProposal(const QSqlDatabase& db, std::int64_t id);
// All proposals (optionally of one status), oldest first.
Result<std::vector<ConfigProposal>> listProposals(const QSqlDatabase& db, const std::string& status = {});

// The readable summary of a change from one document of a kind to another (used in proposals).
std::vector<std::string> configChangeSummary(
    const std::string& kind, const nlohmann::json& before, const nlohmann::json& after);

} // namespace mdsync
