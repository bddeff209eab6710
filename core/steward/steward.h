#pragma once

// The one steward facade (docs/STEWARDSHIP.md): every steward action of the GUI (ui/views/exceptioncommands.cpp)
// and of `mdsyncctl` (app/cli_steward.cpp, app/cli.cpp) goes through it. It composes the action classes
// (ExceptionActions, Corrections, ReplayJobs, FixRules) over one workspace, its configuration in force, the
// contracts the dispatcher sends with and the writer's ingest pipeline. Each action checks the actor's
// permission in the core and writes its audit entry; the facade adds nothing but the wiring and the one place
// where "correct exception #N" decides between a payload and an attribute correction.
// Thread: the workspace writer's (the core thread in the GUI, the main thread of mdsyncctl).

#include "contract/contract.h"
#include "steward/corrections.h"
#include "steward/duplicatemerge.h"
#include "steward/exceptionactions.h"
#include "steward/fixrules.h"
#include "steward/replayjob.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace mdsync {

class IngestPipeline;
class Workspace;
struct ActiveConfig;

class Steward
{
public:
    // The contracts are built from `config` (the configuration in force); an error is kept and returned by every
    // action that needs them (replay, corrections, fix rules).
    Steward(Workspace& ws, const ActiveConfig& config, IngestPipeline& pipeline);
    ~Steward();
    Steward(const Steward&) = delete;
    Steward& operator=(const Steward&) = delete;

    // Exception actions.
    Result<void> assign(
        const std::string& actor, std::int64_t exceptionId, const std::string& assignee, const std::string& note = {});
    Result<void> unassign(const std::string& actor, std::int64_t exceptionId, const std::string& note = {});
    Result<void> comment(const std::string& actor, std::int64_t exceptionId, const std::string& text);
    Result<void> discard(
        const std::string& actor, std::int64_t exceptionId, DiscardReason reason, const std::string& text);
    Result<void> resolve(const std::string& actor, std::int64_t exceptionId, const std::string& text);
    // Sends the failed delivery behind one exception again (ExceptionActions::replay).
    Result<void> replay(const std::string& actor, std::int64_t exceptionId, const std::string& note = {});
    // "Not a duplicate" for the pair of a duplicate suspect, or two objects by key (ExceptionActions).
    Result<void> dismissDuplicate(const std::string& actor, std::int64_t exceptionId, const std::string& reason);
    Result<void> dismissDuplicatePair(const std::string& actor, const std::string& domain, const std::string& keyA,
        const std::string& keyB, const std::string& reason);
    // Merge a duplicate pair into its survivor (DuplicateMerge): applied at once, or awaiting four-eyes approval in a
    // domain with critical groups; an approver applies or rejects it.
    Result<store::ObjectMerge> mergeDuplicate(const std::string& actor, const MergeRequest& request);
    Result<store::ObjectMerge> approveMerge(const std::string& actor, std::int64_t mergeId, const std::string& reason);
    Result<store::ObjectMerge> rejectMerge(const std::string& actor, std::int64_t mergeId, const std::string& reason);

    // Replay jobs (bulk, by filter) and their dry run.
    Result<ReplayJobResult> replayJob(const std::string& actor, const ReplayFilter& filter, const std::string& reason,
        const ReplayJobs::Progress& progress = {});
    Result<ReplayJobResult> replayDryRun(const std::string& actor, const ReplayFilter& filter);
    Result<std::vector<ReplayItem>> replayMatch(const ReplayFilter& filter);

    // Corrections (four-eyes for critical fields: a proposal waits for another user's approval).
    // The correction an exception asks for: of the mapped payload when it is about a failed delivery, else of
    // the object's attributes (the exception is linked and resolved or superseded by the correction).
    Result<CorrectionResult> correctException(
        const std::string& actor, std::int64_t exceptionId, const nlohmann::json& changes, const std::string& reason);
    // An attribute correction of the object exception #N is about (mdsyncctl correct --id N --set ...).
    Result<CorrectionResult> correctExceptionObject(
        const std::string& actor, std::int64_t exceptionId, const nlohmann::json& changes, const std::string& reason);
    Result<CorrectionResult> correctAttributes(const std::string& actor, const std::string& domain,
        const std::string& key, const nlohmann::json& changes, const std::string& reason, std::int64_t exceptionId = 0);
    Result<CorrectionResult> correctPayload(
        const std::string& actor, std::int64_t exceptionId, const nlohmann::json& fields, const std::string& reason);
    Result<CorrectionResult> approve(const std::string& actor, std::int64_t correctionId, const std::string& reason);
    Result<CorrectionResult> reject(const std::string& actor, std::int64_t correctionId, const std::string& reason);

    // Fix rules: preview (what would change) and apply.
    Result<RuleApplication> previewRule(const std::string& actor, const FixRule& rule);
    Result<RuleApplication> applyRule(const std::string& actor, const FixRule& rule);
    Result<nlohmann::json> rules();

    Workspace& workspace() const { return m_ws; }
    // The configuration it was made with (a reference the owner keeps) changed: contracts, corrections and replays
    // use the new one from the next command on (CoreRunner, between commands).
    void configChanged();

private:
    Result<void> needContracts() const;
    // The correction exception #N asks for: of the failed delivery's payload when `payloadOfFailedDelivery` and
    // it is about one, else of the attributes of the object it is about.
    Result<CorrectionResult> correctFromException(const std::string& actor, std::int64_t exceptionId,
        const nlohmann::json& changes, const std::string& reason, bool payloadOfFailedDelivery);

    Workspace& m_ws;
    const ActiveConfig& m_config;
    IngestPipeline& m_pipeline;
    std::unique_ptr<ContractSet> m_contracts;
    QString m_contractsError; // why there are no contracts (the configuration in force cannot build them)
    ExceptionActions m_actions;
    DuplicateMerge m_merge;
    std::unique_ptr<Corrections> m_corrections;
    std::unique_ptr<ReplayJobs> m_replay;
    std::unique_ptr<FixRules> m_rules;
};

} // namespace mdsync
