#include "views/exceptioncommands.h"

#include "engine/embeddedcore.h"
#include "steward/steward.h"
#include "sync/dispatcher.h"

#include <set>

namespace mdsync::ui {

namespace {

using json = nlohmann::json;

// Per-item loop of a bulk action: progress after each item, stops between items when cancelled.
Result<json> exBulkLoop(CoreCommandContext& c, const char* action, const std::vector<std::int64_t>& ids,
    const std::function<Result<void>(std::int64_t)>& one)
{
    json items = json::array();
    int ok = 0, failed = 0;
    bool cancelled = false;
    const int total = static_cast<int>(ids.size());
    for (int i = 0; i < total; ++i) {
        if (c.cancelled()) {
            cancelled = true;
            break;
        }
        const std::int64_t id = ids[static_cast<size_t>(i)];
        auto r = one(id);
        if (r)
            ++ok;
        else
            ++failed;
        items.push_back(
            { { "id", id }, { "result", r ? "done" : "failed" }, { "message", r ? "" : r.error().toStdString() } });
        c.progress(i + 1, total, QStringLiteral("#%1").arg(id));
    }
    return json { { "action", action }, { "items", std::move(items) }, { "succeeded", ok }, { "failed", failed },
        { "cancelled", cancelled } };
}

} // namespace

CoreCommand exceptionAssignCommand(std::vector<std::int64_t> ids, std::string assignee)
{
    return [ids = std::move(ids), assignee = std::move(assignee)](CoreCommandContext& c) -> Result<json> {
        return exBulkLoop(
            c, "assign", ids, [&](std::int64_t id) { return c.core.steward->assign(c.actor, id, assignee); });
    };
}

CoreCommand exceptionDiscardCommand(std::vector<std::int64_t> ids, DiscardReason reason, std::string text)
{
    return [ids = std::move(ids), reason, text = std::move(text)](CoreCommandContext& c) -> Result<json> {
        return exBulkLoop(
            c, "discard", ids, [&](std::int64_t id) { return c.core.steward->discard(c.actor, id, reason, text); });
    };
}

CoreCommand exceptionReplayCommand(std::vector<std::int64_t> ids, std::string reason)
{
    return [ids = std::move(ids), reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        ReplayFilter f;
        f.exceptionIds = ids;
        f.limit = std::max<int>(f.limit, static_cast<int>(ids.size()));
        auto r = c.core.steward->replayJob(
            c.actor, f, reason, [&](std::int64_t done, std::int64_t total, const ReplayItem& item) {
                c.progress(static_cast<int>(done), static_cast<int>(total),
                    QStringLiteral("#%1 %2/%3 → %4")
                        .arg(item.exceptionId)
                        .arg(QString::fromStdString(item.domain), QString::fromStdString(item.key),
                            QString::fromStdString(item.target)));
                return !c.cancelled();
            });
        if (!r)
            return makeError(r.error());
        json items = json::array();
        std::set<std::int64_t> seen;
        int ok = 0, failed = 0;
        for (const ReplayItem& i : r->items) {
            seen.insert(i.exceptionId);
            const bool good = i.result == "requeued";
            good ? ++ok : ++failed;
            items.push_back({ { "id", i.exceptionId }, { "result", i.result }, { "message", i.message } });
        }
        for (std::int64_t id : ids) {
            if (seen.count(id))
                continue;
            ++failed;
            items.push_back({ { "id", id }, { "result", r->cancelled ? "cancelled" : "skipped" },
                { "message",
                    r->cancelled ? "not replayed: the job was cancelled"
                                 : "not replayed: not an open exception of a failed delivery" } });
        }
        return json { { "action", "replay" }, { "job_id", r->jobId }, { "items", std::move(items) },
            { "succeeded", ok }, { "failed", failed }, { "cancelled", r->cancelled } };
    };
}

CoreCommand exceptionFixRuleCommand(FixRule rule, bool apply)
{
    return [rule = std::move(rule), apply](CoreCommandContext& c) -> Result<json> {
        c.progress(0, 1, apply ? QStringLiteral("applying") : QStringLiteral("preview"));
        auto r = apply ? c.core.steward->applyRule(c.actor, rule) : c.core.steward->previewRule(c.actor, rule);
        if (!r)
            return makeError(r.error());
        c.progress(1, 1);
        json items = json::array();
        int ok = 0, failed = 0;
        for (const RuleMatch& m : r->matches) {
            const bool good = m.result != "failed";
            good ? ++ok : ++failed;
            items.push_back({ { "id", m.exceptionId }, { "result", m.result }, { "message", m.message },
                { "before", m.before }, { "after", m.after } });
        }
        return json { { "action", apply ? "rule" : "rule_preview" }, { "rule_id", r->ruleId },
            { "items", std::move(items) }, { "succeeded", ok }, { "failed", failed }, { "cancelled", false } };
    };
}

CoreCommand exceptionCorrectionCommand(std::int64_t exceptionId, nlohmann::json changes, std::string reason)
{
    return
        [exceptionId, changes = std::move(changes), reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
            auto r = c.core.steward->correctException(c.actor, exceptionId, changes, reason);
            if (!r)
                return makeError(r.error());
            return r->toJson();
        };
}

CoreCommand correctionDecisionCommand(std::int64_t correctionId, bool approve, std::string reason)
{
    return [correctionId, approve, reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        auto r = approve ? c.core.steward->approve(c.actor, correctionId, reason)
                         : c.core.steward->reject(c.actor, correctionId, reason);
        if (!r)
            return makeError(r.error());
        return r->toJson();
    };
}

CoreCommand exceptionDryRunCommand(std::int64_t exceptionId)
{
    return [exceptionId](CoreCommandContext& c) -> Result<json> {
        ReplayFilter f;
        f.exceptionIds = { exceptionId };
        auto r = c.core.steward->replayDryRun(c.actor, f);
        if (!r)
            return makeError(r.error());
        return r->toJson();
    };
}

CoreCommand targetPauseCommand(std::string target, bool paused, std::string reason)
{
    return [target = std::move(target), paused, reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        if (auto r = setTargetPaused(*c.core.ws, target, paused, c.actor, reason); !r)
            return makeError(r.error());
        return json { { "action", paused ? "pause" : "resume" }, { "target", target } };
    };
}

CoreCommand targetProbeCommand(std::string target, std::string reason)
{
    return [target = std::move(target), reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        if (auto r = requestProbe(*c.core.ws, target, c.actor, reason); !r)
            return makeError(r.error());
        return json { { "action", "probe" }, { "target", target } };
    };
}

CoreCommand duplicateDismissCommand(std::int64_t exceptionId, std::string reason)
{
    return [exceptionId, reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        if (auto r = c.core.steward->dismissDuplicate(c.actor, exceptionId, reason); !r)
            return makeError(r.error());
        return json { { "action", "dismiss_duplicate" }, { "id", exceptionId } };
    };
}

CoreCommand duplicateMergeCommand(std::int64_t exceptionId, std::string survivorKey, std::string reason)
{
    return [exceptionId, survivorKey = std::move(survivorKey), reason = std::move(reason)](
               CoreCommandContext& c) -> Result<json> {
        MergeRequest req;
        req.exceptionId = exceptionId;
        req.survivorKey = survivorKey;
        req.reason = reason;
        auto m = c.core.steward->mergeDuplicate(c.actor, req);
        if (!m)
            return makeError(m.error());
        return mergeToJson(m.value());
    };
}

CoreCommand mergeDecisionCommand(std::int64_t mergeId, bool approve, std::string reason)
{
    return [mergeId, approve, reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        auto m = approve ? c.core.steward->approveMerge(c.actor, mergeId, reason)
                         : c.core.steward->rejectMerge(c.actor, mergeId, reason);
        if (!m)
            return makeError(m.error());
        return mergeToJson(m.value());
    };
}

} // namespace mdsync::ui
