#include "sync/onboarding.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/idempotency.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <algorithm>
#include <limits>
#include <set>

namespace mdsync {

namespace {

using nlohmann::json;

constexpr int kPage = 1000; // objects read per statement
constexpr int kPagesPerChunk = 10; // a chunk looks at no more objects than this many pages (most may not match)

// The target's subscriptions, a domain after the domains its references point to (items before the BOMs and
// routings that use them); the model's order otherwise.
std::vector<const SubscriptionDef*> inDependencyOrder(
    const CanonicalModel& model, const Landscape& landscape, const std::string& target)
{
    std::vector<const SubscriptionDef*> subs;
    for (const SubscriptionDef& s : landscape.subscriptions())
        if (s.target == target)
            subs.push_back(&s);
    std::vector<const SubscriptionDef*> ordered;
    std::set<std::string> placed;
    while (ordered.size() < subs.size()) {
        bool progressed = false;
        for (const DomainDef& d : model.domains()) {
            if (placed.contains(d.name))
                continue;
            const bool ready = std::ranges::all_of(d.references(), [&](const auto& ref) {
                const std::string& to = ref.second;
                return to == d.name || placed.contains(to)
                    || std::ranges::none_of(subs, [&to](const SubscriptionDef* s) { return s->domain == to; });
            });
            if (!ready)
                continue;
            placed.insert(d.name);
            progressed = true;
            for (const SubscriptionDef* s : subs)
                if (s->domain == d.name)
                    ordered.push_back(s);
        }
        if (!progressed) { // references in a circle: the rest in model order
            for (const DomainDef& d : model.domains())
                if (placed.insert(d.name).second)
                    for (const SubscriptionDef* s : subs)
                        if (s->domain == d.name)
                            ordered.push_back(s);
        }
    }
    return ordered;
}

Result<OnboardJob> withProgress(const QSqlDatabase& db, store::OnboardJobRow row)
{
    auto p = store::onboardProgress(db, row.id);
    if (!p)
        return makeError(p.error());
    return OnboardJob { std::move(row), p.value() };
}

Result<OnboardJob> loadJob(const QSqlDatabase& db, std::int64_t id)
{
    auto jobs = onboardingJobs(db, {}, id);
    if (!jobs)
        return makeError(jobs.error());
    if (jobs->empty())
        return makeError(QStringLiteral("initial load #%1 does not exist").arg(id));
    return jobs->front();
}

} // namespace

std::int64_t OnboardPlan::toQueue() const
{
    std::int64_t n = 0;
    for (const OnboardStep& s : steps)
        n += s.toQueue();
    return n;
}

nlohmann::json OnboardPlan::toJson() const
{
    json steps_ = json::array();
    for (const OnboardStep& s : steps)
        steps_.push_back({ { "subscription", s.subscription }, { "domain", s.domain }, { "matching", s.matching },
            { "current", s.current }, { "to_queue", s.toQueue() } });
    return { { "target", target }, { "steps", steps_ }, { "to_queue", toQueue() } };
}

Result<OnboardPlan> planOnboarding(Workspace& ws, const ActiveConfig& config, const std::string& target)
{
    const Landscape& landscape = *config.landscape;
    if (!landscape.system(target))
        return makeError(QStringLiteral("initial load: unknown target '%1'").arg(qs(target)));
    const auto subs = inDependencyOrder(*config.model, landscape, target);
    if (subs.empty())
        return makeError(QStringLiteral("initial load: no subscription sends anything to %1 (add one to the "
                                        "landscape first)")
                             .arg(qs(target)));
    OnboardPlan plan { target, {} };
    for (const SubscriptionDef* sub : subs) {
        const DomainDef* dom = config.model->domain(sub->domain);
        if (!dom)
            continue;
        OnboardStep step { sub->id, sub->domain, 0, 0 };
        qint64 after = 0;
        for (;;) {
            auto page = store::onboardCandidates(ws.db(), sub->domain, target, after, kPage);
            if (!page)
                return makeError(page.error());
            for (const store::OnboardCandidate& c : page.value()) {
                const json state = json::parse(c.stateText, nullptr, false);
                if (state.is_discarded() || !landscape.matches(*sub, *dom, state))
                    continue;
                ++step.matching;
                step.current += c.targetRevisionNo >= c.revisionNo ? 1 : 0;
            }
            if (page->size() < static_cast<size_t>(kPage))
                break;
            after = page->back().objectId;
        }
        plan.steps.push_back(std::move(step));
    }
    return plan;
}

std::int64_t OnboardJob::planned() const
{
    std::int64_t n = 0;
    for (const json& s : row.plan)
        n += s.value("to_queue", std::int64_t { 0 });
    return n;
}

nlohmann::json OnboardJob::toJson() const
{
    json j = { { "id", row.id }, { "target", row.target }, { "status", row.status }, { "reason", row.reason },
        { "created_by", row.createdBy }, { "created_at", formatRfc3339(row.createdAt) },
        { "updated_at", formatRfc3339(row.updatedAt) }, { "plan", row.plan }, { "planned", planned() },
        { "queued", row.queued }, { "skipped", row.skipped }, { "acked", progress.acked }, { "open", progress.open },
        { "failed", progress.failed }, { "superseded_or_discarded", progress.other },
        { "queued_all_at", row.queuedAllAt ? json(formatRfc3339(*row.queuedAllAt)) : json(nullptr) },
        { "done_at", row.doneAt ? json(formatRfc3339(*row.doneAt)) : json(nullptr) } };
    if (progress.firstAckAt && progress.lastAckAt)
        j["time_to_onboard_ms"] = *progress.lastAckAt - *progress.firstAckAt;
    return j;
}

// Rows with their progress.
Result<std::vector<OnboardJob>> withProgress(const QSqlDatabase& db, Result<std::vector<store::OnboardJobRow>> rows)
{
    if (!rows)
        return makeError(rows.error());
    std::vector<OnboardJob> out;
    for (store::OnboardJobRow& r : rows.value()) {
        auto j = withProgress(db, std::move(r));
        if (!j)
            return makeError(j.error());
        out.push_back(std::move(j).value());
    }
    return out;
}

Result<std::vector<OnboardJob>> onboardingJobs(const QSqlDatabase& db, const std::string& target, std::int64_t id)
{
    return withProgress(db, store::onboardJobs(db, target, id));
}

Result<std::vector<OnboardJob>> activeOnboardings(const QSqlDatabase& db, TimeMs doneSince)
{
    return withProgress(db, store::onboardJobs(db, {}, 0, doneSince));
}

Result<std::vector<std::int64_t>> runningOnboardings(const QSqlDatabase& db)
{
    auto rows = store::onboardJobs(db, {}, 0, std::numeric_limits<qint64>::max()); // running and paused only
    if (!rows)
        return makeError(rows.error());
    std::vector<std::int64_t> ids;
    for (const store::OnboardJobRow& r : rows.value())
        if (r.status == "running")
            ids.push_back(r.id);
    std::ranges::reverse(ids); // oldest first
    return ids;
}

Result<OnboardJob> startOnboarding(Workspace& ws, const ActiveConfig& config, const std::string& actor,
    const std::string& target, const std::string& reason)
{
    QSqlDatabase db = ws.db();
    if (auto r = requirePermission(db, actor, Action::Onboard); !r)
        return makeError(r.error());
    const QString what = QStringLiteral("initial load of %1").arg(qs(target));
    if (reason.empty())
        return makeError(what + QStringLiteral(": a reason is required"));
    auto existing = store::onboardJobs(db, target);
    if (!existing)
        return makeError(existing.error());
    for (const store::OnboardJobRow& r : existing.value())
        if (r.status == "running" || r.status == "paused")
            return makeError(what
                + QStringLiteral(": initial load #%1 of this target is %2; resume or cancel it first")
                      .arg(r.id)
                      .arg(qs(r.status)));
    auto plan = planOnboarding(ws, config, target);
    if (!plan)
        return makeError(plan.error());
    if (plan->toQueue() == 0)
        return makeError(what
            + QStringLiteral(": nothing to send, %1 has the current state of every object its "
                             "subscriptions match")
                  .arg(qs(target)));
    store::OnboardJobRow row;
    row.target = target;
    row.status = "running";
    row.reason = reason;
    row.createdBy = actor;
    row.createdAt = nowMs();
    row.updatedAt = row.createdAt;
    row.plan = plan->toJson()["steps"];

    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto id = store::insertOnboardJob(db, row);
    if (!id)
        return makeError(id.error());
    row.id = id.value();
    AuditLog audit(db);
    if (auto a = audit.append(actor, "onboard.start", "target/" + target, std::nullopt,
            json { { "job", row.id }, { "plan", row.plan }, { "to_queue", plan->toQueue() } }, reason);
        !a)
        return makeError(a.error());
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return OnboardJob { std::move(row), {} };
}

Result<OnboardJob> controlOnboarding(
    Workspace& ws, const std::string& actor, std::int64_t id, const std::string& action, const std::string& reason)
{
    QSqlDatabase db = ws.db();
    if (auto r = requirePermission(db, actor, Action::Onboard); !r)
        return makeError(r.error());
    const QString what = QStringLiteral("%1 initial load #%2").arg(qs(action)).arg(id);
    if (action != "pause" && action != "resume" && action != "cancel")
        return makeError(QStringLiteral("initial load: unknown action '%1' (pause, resume or cancel)").arg(qs(action)));
    if (reason.empty())
        return makeError(what + QStringLiteral(": a reason is required"));
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto job = loadJob(db, id);
    if (!job)
        return makeError(job.error());
    store::OnboardJobRow row = job->row;
    const std::string before = row.status;
    const bool allowed = (action == "pause" && before == "running") || (action == "resume" && before == "paused")
        || (action == "cancel" && (before == "running" || before == "paused"));
    if (!allowed)
        return makeError(what + QStringLiteral(": it is %1").arg(qs(before)));
    row.status = action == "pause" ? "paused" : action == "resume" ? "running" : "cancelled";
    row.updatedAt = nowMs();
    if (auto r = store::updateOnboardJob(db, row); !r)
        return makeError(r.error());
    AuditLog audit(db);
    if (auto a
        = audit.append(actor, "onboard." + action, "target/" + row.target, json { { "job", id }, { "status", before } },
            json { { "job", id }, { "status", row.status }, { "queued", row.queued } }, reason);
        !a)
        return makeError(a.error());
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return withProgress(db, std::move(row));
}

Result<OnboardAdvance> advanceOnboarding(
    Workspace& ws, const ActiveConfig& config, std::int64_t id, int chunk, int window)
{
    QSqlDatabase db = ws.db();
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto job = loadJob(db, id);
    if (!job)
        return makeError(job.error());
    OnboardAdvance out;
    store::OnboardJobRow row = job->row;
    if (row.status != "running")
        return out;
    const TimeMs now = nowMs();
    const std::string instance = ws.instanceId().toStdString();
    Outbox::Deltas deltas;
    // A target no longer in this configuration keeps the defaults: the subscription check below says why it waits.
    const SystemDef defaults;
    const SystemDef* target = config.landscape->system(row.target);
    chunk = chunk > 0 ? chunk : (target ? target : &defaults)->initialLoadChunk;
    window = window > 0 ? window : (target ? target : &defaults)->initialLoadMaxOpen;
    std::int64_t budget = std::max<std::int64_t>(0, std::min<std::int64_t>(chunk, window - job->progress.open));
    int pages = 0; // the transaction stays short when a filter leaves most objects out
    try {
        while (budget > 0 && row.step < static_cast<qint64>(row.plan.size()) && pages++ < kPagesPerChunk) {
            const json& step = row.plan[static_cast<size_t>(row.step)];
            const std::string subscriptionId = step.value("subscription", std::string());
            const SubscriptionDef* sub = nullptr;
            for (const SubscriptionDef& s : config.landscape->subscriptions())
                if (s.id == subscriptionId && s.target == row.target)
                    sub = &s;
            const DomainDef* dom = sub ? config.model->domain(sub->domain) : nullptr;
            if (!dom) {
                // Not in the configuration this core runs with: a landscape version this core has not applied yet
                // (it does within a second of the version falling due), or the subscription was removed since.
                // Nothing is skipped; the job waits.
                out.waiting = "subscription " + subscriptionId
                    + " is not in the landscape this core runs with: the load waits until the landscape version "
                      "that has it is in force here (cancel the load if the subscription was removed)";
                break;
            }
            auto page = store::onboardCandidates(db, sub->domain, row.target, row.cursor, kPage);
            if (!page)
                return makeError(page.error());
            size_t used = 0;
            for (const store::OnboardCandidate& c : page.value()) {
                if (budget == 0)
                    break;
                ++used;
                row.cursor = c.objectId;
                const json state = json::parse(c.stateText, nullptr, false);
                if (state.is_discarded() || !config.landscape->matches(*sub, *dom, state))
                    continue;
                if (c.targetRevisionNo >= c.revisionNo) {
                    ++row.skipped; // the target has it already (a change since the plan was made, or before)
                    continue;
                }
                const std::string key
                    = idempotencyKey(instance, sub->domain, c.key, c.revisionNo, row.target, sub->contractVersion);
                const std::string note = "initial load #" + std::to_string(row.id);
                const std::int64_t deliveryId = ws.outbox().enqueueResend(
                    { c.revisionId, c.objectId, c.revisionNo, instance, sub->domain, c.key }, row.target, sub->id,
                    sub->contractVersion, key, note, now, deltas);
                if (auto r = store::insertOnboardDelivery(db, row.id, deliveryId); !r)
                    return makeError(r.error());
                const std::string detail
                    = json { { "target", row.target }, { "job", row.id }, { "revision_no", c.revisionNo } }.dump();
                ws.outbox().lineage({ now, sub->domain, c.key, c.objectId, c.revisionId, "initial_load", row.target,
                    row.createdBy, {}, detail });
                ++row.queued;
                ++out.queued;
                --budget;
            }
            if (used == page->size() && page->size() < static_cast<size_t>(kPage)) {
                ++row.step; // the domain is through
                row.cursor = 0;
            }
        }
        ws.outbox().writeCounters(deltas);
    } catch (const store::SqlError& e) {
        return makeError(e.message());
    }
    if (row.step >= static_cast<qint64>(row.plan.size()) && !row.queuedAllAt)
        row.queuedAllAt = now;
    if (row.queuedAllAt && out.queued == 0 && job->progress.open == 0) {
        row.status = "done";
        row.doneAt = now;
        out.done = true;
        auto finished = withProgress(db, row);
        if (!finished)
            return makeError(finished.error());
        json after = finished->toJson();
        after.erase("plan");
        AuditLog audit(db);
        if (auto a = audit.append("system", "onboard.done", "target/" + row.target, std::nullopt, after,
                std::string("every object of the plan was queued and no delivery is open"));
            !a)
            return makeError(a.error());
    }
    if (out.queued > 0 || out.done || row.cursor != job->row.cursor || row.step != job->row.step) {
        row.updatedAt = now;
        if (auto r = store::updateOnboardJob(db, row); !r)
            return makeError(r.error());
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return out;
}

} // namespace mdsync
