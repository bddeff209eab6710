#include "views/exceptioncommands.h"

#include "contract/contract.h"
#include "engine/embeddedcore.h"
#include "steward/corrections.h"
#include "steward/replayjob.h"
#include "store/readexceptions.h"
#include "store/workspace.h"

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

// The contracts the core sends with (built from the configuration in force).
Result<ContractSet> exContracts(EmbeddedCore& core)
{
    return ContractSet::builtin(*core.config.model, *core.config.landscape);
}

} // namespace

CoreCommand exceptionAssignCommand(std::vector<std::int64_t> ids, std::string assignee)
{
    return [ids = std::move(ids), assignee = std::move(assignee)](CoreCommandContext& c) -> Result<json> {
        ExceptionActions actions(*c.core.ws);
        return exBulkLoop(c, "assign", ids, [&](std::int64_t id) { return actions.assign(c.actor, id, assignee); });
    };
}

CoreCommand exceptionDiscardCommand(std::vector<std::int64_t> ids, DiscardReason reason, std::string text)
{
    return [ids = std::move(ids), reason, text = std::move(text)](CoreCommandContext& c) -> Result<json> {
        ExceptionActions actions(*c.core.ws);
        return exBulkLoop(
            c, "discard", ids, [&](std::int64_t id) { return actions.discard(c.actor, id, reason, text); });
    };
}

CoreCommand exceptionReplayCommand(std::vector<std::int64_t> ids, std::string reason)
{
    return [ids = std::move(ids), reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        auto contracts = exContracts(c.core);
        if (!contracts)
            return makeError(contracts.error());
        ReplayJobs jobs(*c.core.ws, contracts.value(), c.core.config.model->units());
        ReplayFilter f;
        f.exceptionIds = ids;
        f.limit = std::max<int>(f.limit, static_cast<int>(ids.size()));
        auto r = jobs.run(c.actor, f, reason, [&](std::int64_t done, std::int64_t total, const ReplayItem& item) {
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
        auto contracts = exContracts(c.core);
        if (!contracts)
            return makeError(contracts.error());
        Corrections corrections(*c.core.ws, *c.core.pipeline, contracts.value());
        FixRules rules(*c.core.ws, corrections);
        c.progress(0, 1, apply ? QStringLiteral("applying") : QStringLiteral("preview"));
        auto r = apply ? rules.apply(c.actor, rule) : rules.preview(c.actor, rule);
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
            const auto subject = read::exceptionSubject(c.core.ws->db(), exceptionId);
            if (!subject)
                return makeError(QStringLiteral("correct exception #%1: no such exception").arg(exceptionId));
            const bool payload = subject->isPayload();
            const std::string domain = subject->domain.toStdString();
            const std::string key = subject->key.toStdString();
            auto contracts = exContracts(c.core);
            if (!contracts)
                return makeError(contracts.error());
            Corrections corrections(*c.core.ws, *c.core.pipeline, contracts.value());
            auto r = payload ? corrections.correctPayload(c.actor, exceptionId, changes, reason)
                             : corrections.correctAttributes(c.actor, domain, key, changes, reason, exceptionId);
            if (!r)
                return makeError(r.error());
            return r->toJson();
        };
}

CoreCommand correctionDecisionCommand(std::int64_t correctionId, bool approve, std::string reason)
{
    return [correctionId, approve, reason = std::move(reason)](CoreCommandContext& c) -> Result<json> {
        auto contracts = exContracts(c.core);
        if (!contracts)
            return makeError(contracts.error());
        Corrections corrections(*c.core.ws, *c.core.pipeline, contracts.value());
        auto r = approve ? corrections.approve(c.actor, correctionId, reason)
                         : corrections.reject(c.actor, correctionId, reason);
        if (!r)
            return makeError(r.error());
        return r->toJson();
    };
}

CoreCommand exceptionDryRunCommand(std::int64_t exceptionId)
{
    return [exceptionId](CoreCommandContext& c) -> Result<json> {
        auto contracts = exContracts(c.core);
        if (!contracts)
            return makeError(contracts.error());
        ReplayJobs jobs(*c.core.ws, contracts.value(), c.core.config.model->units());
        ReplayFilter f;
        f.exceptionIds = { exceptionId };
        auto r = jobs.dryRun(c.actor, f);
        if (!r)
            return makeError(r.error());
        return r->toJson();
    };
}

} // namespace mdsync::ui
