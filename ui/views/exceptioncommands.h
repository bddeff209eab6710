#pragma once

// Core commands of the exception backlog (they run on the core thread, through CoreController::submit). Bulk
// commands report progress per item, stop between items when cancelled and return per-item results:
// {"action", "items": [{"id", "result", "message"}], "succeeded", "failed", "cancelled"}.

#include "corecontroller.h"
#include "engine/coreservice.h"
#include "steward/exceptionactions.h"
#include "steward/fixrules.h"

#include <QPointer>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync::ui {

// A command callback that does nothing once `owner` was destroyed (the core may finish after a view or dialog
// closed).
template<typename T, typename F> CoreController::Done exGuarded(T* owner, F f)
{
    QPointer<T> guard(owner);
    return [guard, f = std::move(f)](bool ok, const QString& error, const nlohmann::json& result) {
        if (guard)
            f(ok, error, result);
    };
}

CoreCommand exceptionAssignCommand(std::vector<std::int64_t> ids, std::string assignee);
CoreCommand exceptionDiscardCommand(std::vector<std::int64_t> ids, DiscardReason reason, std::string text);
// Bulk replay as a ReplayJobs job over the selected ids; ids that are not open failed deliveries are reported as
// "skipped".
CoreCommand exceptionReplayCommand(std::vector<std::int64_t> ids, std::string reason);
// A fix rule scoped to the selected ids: preview (changes nothing) or apply.
CoreCommand exceptionFixRuleCommand(FixRule rule, bool apply);
// A correction for one exception: payload fields for a failed delivery, attributes otherwise.
CoreCommand exceptionCorrectionCommand(std::int64_t exceptionId, nlohmann::json changes, std::string reason);
CoreCommand correctionDecisionCommand(std::int64_t correctionId, bool approve, std::string reason);
// Replay dry run of one exception (changes nothing): ReplayJobResult JSON.
CoreCommand exceptionDryRunCommand(std::int64_t exceptionId);
// A target_outage incident's actions (core/sync/dispatcher.h): pause or resume the target, probe it now. Result
// {"action": "pause"|"resume"|"probe", "target"}.
CoreCommand targetPauseCommand(std::string target, bool paused, std::string reason);
CoreCommand targetProbeCommand(std::string target, std::string reason);
// "Not a duplicate" for the pair of a duplicate_suspect exception (ExceptionActions::dismissDuplicate). Result
// {"action": "dismiss_duplicate", "id"}.
CoreCommand duplicateDismissCommand(std::int64_t exceptionId, std::string reason);
// Merge the pair of a duplicate_suspect exception into `survivorKey` (DuplicateMerge::merge). Result: the merge
// (mergeToJson: "id", "status" applied | awaiting_approval, ...).
CoreCommand duplicateMergeCommand(std::int64_t exceptionId, std::string survivorKey, std::string reason);
// Four-eyes on a merge: approve (applies it) or reject. Result: the merge.
CoreCommand mergeDecisionCommand(std::int64_t mergeId, bool approve, std::string reason);

} // namespace mdsync::ui
