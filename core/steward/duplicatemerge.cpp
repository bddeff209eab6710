#include "steward/duplicatemerge.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "steward/corrections.h"
#include "steward/exceptionactions.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/workspace.h"
#include "sync/ingestpipeline.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace mdsync {

namespace {

std::string st(const QString& s)
{
    return s.toStdString();
}

// A live object of a pair or a referrer: a deleted one cannot take part in a merge.
Result<StewardObject> liveMergeObject(const QSqlDatabase& db, const std::string& domain, const std::string& key)
{
    return loadLiveObject(db, domain, key, QStringLiteral("is retired (deleted or merged already)"));
}

// One object that references the merged key, and through which paths.
struct Referrer
{
    std::int64_t id = 0;
    std::string domain, key;
    std::vector<std::string> paths;
};

Result<std::vector<Referrer>> referrersOf(const QSqlDatabase& db, const std::string& domain, const std::string& key)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT r.object_id, o.domain, o.key, r.path FROM object_ref r"
                       " JOIN object o ON o.id = r.object_id"
                       " WHERE r.ref_domain = ? AND r.ref_key = ? AND o.deleted = 0 ORDER BY r.object_id, r.path"));
    q.addBindValue(qs(domain));
    q.addBindValue(qs(key));
    if (!q.exec())
        return makeError(
            sqlError(q, QStringLiteral("merge: the objects that reference %1 '%2'").arg(qs(domain), qs(key))));
    std::vector<Referrer> out;
    while (q.next()) {
        const std::int64_t id = q.value(0).toLongLong();
        if (out.empty() || out.back().id != id)
            out.push_back({ id, st(q.value(1).toString()), st(q.value(2).toString()), {} });
        out.back().paths.push_back(st(q.value(3).toString()));
    }
    return out;
}

Result<void> mergeLineage(Workspace& ws, const std::string& domain, const std::string& key, std::int64_t objectId,
    std::int64_t revisionId, const std::string& kind, const std::string& actor, const std::string& correlation,
    const nlohmann::json& detail)
{
    const std::string text = detail.dump();
    try {
        ws.outbox().lineage({ nowMs(), domain, key, objectId, revisionId, kind, {}, actor, correlation, text });
    } catch (const store::SqlError& e) {
        return e.error();
    }
    return {};
}

std::string mergeCorrelation(std::int64_t mergeId)
{
    return "merge-" + std::to_string(mergeId);
}

std::string subjectOf(const store::ObjectMerge& m)
{
    return st(m.domain) + "/" + st(m.mergedKey) + " -> " + st(m.domain) + "/" + st(m.survivorKey);
}

} // namespace

nlohmann::json mergeToJson(const store::ObjectMerge& m)
{
    nlohmann::json j = { { "id", m.id }, { "domain", st(m.domain) }, { "merged_key", st(m.mergedKey) },
        { "survivor_key", st(m.survivorKey) }, { "status", st(m.status) }, { "reason", st(m.reason) },
        { "proposed_by", st(m.proposedBy) }, { "proposed_at", formatRfc3339(m.proposedAt) } };
    if (!m.decidedBy.isEmpty()) {
        j["decided_by"] = st(m.decidedBy);
        j["decided_at"] = formatRfc3339(m.decidedAt);
        j["decision_reason"] = st(m.decisionReason);
    }
    if (m.appliedAt)
        j["applied_at"] = formatRfc3339(m.appliedAt);
    if (m.exceptionId)
        j["exception_id"] = m.exceptionId;
    if (!m.detail.isEmpty())
        j["applied"] = nlohmann::json::parse(st(m.detail), nullptr, false);
    return j;
}

DuplicateMerge::DuplicateMerge(Workspace& ws, IngestPipeline& pipeline)
    : m_ws(ws)
    , m_pipeline(pipeline)
{ }

Result<store::ObjectMerge> DuplicateMerge::merge(const std::string& actor, const MergeRequest& request)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::DecideDuplicate); !r)
        return makeError(r.error());
    MergeRequest req = request;
    QString where = req.exceptionId
        ? QStringLiteral("merge duplicate suspect #%1").arg(req.exceptionId)
        : QStringLiteral("merge %1 '%2' and '%3'").arg(qs(req.domain), qs(req.keyA), qs(req.keyB));
    const auto fail = [&where](const QString& why) { return makeError(where + QStringLiteral(": ") + why); };
    if (req.reason.empty())
        return fail(QStringLiteral("a reason is required (why are they one object?)"));
    if (req.exceptionId) {
        auto s = read::duplicateSuspect(m_ws.db(), req.exceptionId);
        if (!s)
            return fail(s.error());
        if (!s->objectId || !s->suspectId)
            return fail(QStringLiteral("it is a held event (nothing was created): discard it, or re-send it under a"
                                       " duplicate check that flags instead of holding"));
        if (s->status == QLatin1String("resolved") || s->status == QLatin1String("discarded"))
            return fail(QStringLiteral("the exception is already %1").arg(s->status));
        req.domain = st(s->domain);
        req.keyA = st(s->key);
        req.keyB = st(s->suspectKey);
    }
    if (req.domain.empty() || req.keyA.empty() || req.keyB.empty())
        return fail(QStringLiteral("name the pair: a duplicate suspect exception, or a domain and two keys"));
    if (req.keyA == req.keyB)
        return fail(QStringLiteral("it is the same object twice"));
    if (req.survivorKey.empty())
        return fail(
            QStringLiteral("say which object survives (--into %1 or --into %2)").arg(qs(req.keyA), qs(req.keyB)));
    if (req.survivorKey != req.keyA && req.survivorKey != req.keyB)
        return fail(QStringLiteral("the survivor '%1' is neither '%2' nor '%3'")
                        .arg(qs(req.survivorKey), qs(req.keyA), qs(req.keyB)));
    const std::string mergedKey = req.survivorKey == req.keyA ? req.keyB : req.keyA;
    const DomainDef* dom = m_pipeline.config().model->domain(req.domain);
    if (!dom)
        return fail(QStringLiteral("there is no domain '%1' in the model").arg(qs(req.domain)));

    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    auto survivor = liveMergeObject(m_ws.db(), req.domain, req.survivorKey);
    if (!survivor)
        return fail(survivor.error());
    auto merged = liveMergeObject(m_ws.db(), req.domain, mergedKey);
    if (!merged)
        return fail(merged.error());
    auto decided = store::duplicateDecision(m_ws.db(), orderedPair(survivor->id, merged->id));
    if (!decided)
        return makeError(decided.error());
    if (decided.value())
        return fail(QStringLiteral("%1 decided they are not duplicates at %2 (%3)")
                        .arg(decided.value()->actor, qs(formatRfc3339(decided.value()->at)), decided.value()->reason));
    auto earlier = store::objectMergesOf(m_ws.db(), merged->id);
    if (!earlier)
        return makeError(earlier.error());
    for (const store::ObjectMerge& e : earlier.value())
        if (e.status == QLatin1String("awaiting_approval"))
            return fail(QStringLiteral("merge #%1 (%2 into %3, by %4) already awaits approval")
                            .arg(e.id)
                            .arg(e.mergedKey, e.survivorKey, e.proposedBy));

    store::ObjectMerge m;
    m.domain = qs(req.domain);
    m.mergedId = merged->id;
    m.mergedKey = qs(mergedKey);
    m.survivorId = survivor->id;
    m.survivorKey = qs(req.survivorKey);
    m.status = QStringLiteral("awaiting_approval");
    m.reason = qs(req.reason);
    m.proposedBy = qs(actor);
    m.proposedAt = nowMs();
    m.exceptionId = req.exceptionId;
    auto id = store::insertObjectMerge(m_ws.db(), m);
    if (!id)
        return makeError(id.error());
    m.id = id.value();
    where = QStringLiteral("merge #%1 (%2 '%3' into '%4')").arg(m.id).arg(m.domain, m.mergedKey, m.survivorKey);

    const bool fourEyes = !dom->criticalGroups.empty();
    if (fourEyes) {
        const nlohmann::json detail
            = { { "merge_id", m.id }, { "merged_key", mergedKey }, { "survivor_key", req.survivorKey },
                  { "awaiting_approval", dom->criticalGroups }, { "reason", req.reason } };
        using Side = std::pair<const StewardObject*, const std::string*>;
        for (const auto& [o, key] :
            { Side { &survivor.value(), &req.survivorKey }, Side { &merged.value(), &mergedKey } })
            if (auto r = mergeLineage(m_ws, req.domain, *key, o->id, o->revisionId, "merge.proposed", actor,
                    mergeCorrelation(m.id), detail);
                !r)
                return makeError(r.error());
        AuditLog audit(m_ws.db());
        nlohmann::json after = mergeToJson(m);
        after["critical_groups"] = dom->criticalGroups;
        if (auto a = audit.append(actor, "duplicate.merge", subjectOf(m), std::nullopt, after, req.reason); !a)
            return makeError(a.error());
    } else if (auto r = apply(actor, m); !r) {
        return makeError(where + QStringLiteral(": ") + r.error());
    }
    if (auto c = tx.commit(); !c)
        return makeError(c.error());
    return m;
}

Result<store::ObjectMerge> DuplicateMerge::approve(
    const std::string& actor, std::int64_t mergeId, const std::string& reason)
{
    return decide(actor, mergeId, true, reason);
}

Result<store::ObjectMerge> DuplicateMerge::reject(
    const std::string& actor, std::int64_t mergeId, const std::string& reason)
{
    return decide(actor, mergeId, false, reason);
}

// Four-eyes, one transaction: the checks both decisions share, the claim of the decision, then the merge applied
// (approve) or recorded as rejected with its lineage and audit entry.
Result<store::ObjectMerge> DuplicateMerge::decide(
    const std::string& actor, std::int64_t mergeId, bool approve, const std::string& reason)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Approve); !r)
        return makeError(r.error());
    const QString verb = approve ? QStringLiteral("approve") : QStringLiteral("reject");
    if (!approve && reason.empty())
        return makeError(QStringLiteral("reject merge #%1: a reason is required").arg(mergeId));
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    auto m = store::objectMerge(m_ws.db(), mergeId);
    if (!m)
        return makeError(m.error());
    const QString where = QStringLiteral("%1 merge #%2 (%3 '%4' into '%5')")
                              .arg(verb)
                              .arg(mergeId)
                              .arg(m->domain, m->mergedKey, m->survivorKey);
    // "by abe at 2026-…": who decided a merge (empty while nobody has).
    const auto decidedBy = [](const store::ObjectMerge& x) {
        return x.decidedBy.isEmpty() ? QString()
                                     : QStringLiteral("by %1 at %2").arg(x.decidedBy, qs(formatRfc3339(x.decidedAt)));
    };
    if (m->status != QLatin1String("awaiting_approval")) {
        const QString by = decidedBy(m.value());
        return makeError(where + QStringLiteral(": it is %1").arg(m->status)
            + (by.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(by)));
    }
    if (m->proposedBy == qs(actor))
        return makeError(where
            + QStringLiteral(": four-eyes: %1 proposed it and cannot %2 it; another user with the approver role must")
                  .arg(qs(actor), verb));
    m->decidedBy = qs(actor);
    m->decidedAt = nowMs();
    m->decisionReason = qs(reason);
    auto claimed = store::claimObjectMergeDecision(m_ws.db(), m.value());
    if (!claimed)
        return makeError(claimed.error());
    if (!claimed.value()) {
        auto now = store::objectMerge(m_ws.db(), mergeId);
        const QString by = now ? decidedBy(now.value()) : QString();
        return makeError(where
            + QStringLiteral(": it was already decided %1").arg(by.isEmpty() ? QStringLiteral("by someone else") : by));
    }
    if (approve) {
        if (auto r = apply(actor, m.value()); !r)
            return makeError(where + QStringLiteral(": ") + r.error());
    } else {
        m->status = QStringLiteral("rejected");
        if (auto r = store::updateObjectMerge(m_ws.db(), m.value()); !r)
            return makeError(r.error());
        const nlohmann::json detail = { { "merge_id", m->id }, { "merged_key", st(m->mergedKey) },
            { "survivor_key", st(m->survivorKey) }, { "reason", reason } };
        for (const auto& [id, key] :
            { std::pair { m->survivorId, m->survivorKey }, std::pair { m->mergedId, m->mergedKey } })
            if (auto r = mergeLineage(
                    m_ws, st(m->domain), st(key), id, 0, "merge.rejected", actor, mergeCorrelation(m->id), detail);
                !r)
                return makeError(r.error());
        AuditLog audit(m_ws.db());
        if (auto a = audit.append(actor, "duplicate.merge.reject", subjectOf(m.value()),
                nlohmann::json { { "status", "awaiting_approval" } }, mergeToJson(m.value()), reason);
            !a)
            return makeError(a.error());
    }
    if (auto c = tx.commit(); !c)
        return makeError(c.error());
    return m;
}

Result<std::int64_t> DuplicateMerge::stewardRevision(const std::string& actor, const std::string& onBehalfOf,
    const std::string& domain, const std::string& key, const nlohmann::json& changes, const std::string& eventId)
{
    std::vector<LineVerdict> verdicts;
    IngestOptions o;
    o.sourceName = QString::fromStdString(eventId);
    o.actor = actor;
    o.verdicts = &verdicts;
    o.batchSize = 1 << 20;
    o.deliverToSource = true; // the owner still holds the old key: it must learn the merge too
    auto r = m_pipeline.ingestLines({ stewardEvent(onBehalfOf, domain, key, changes, eventId, nowMs()) }, o);
    if (!r)
        return makeError(r.error());
    if (const std::string why = refusal(verdicts); !why.empty())
        return makeError(QStringLiteral("%1 '%2': %3").arg(qs(domain), qs(key), qs(why)));
    return verdicts.front().revisionNo;
}

// Inside the caller's transaction: redirect the references, retire the merged object, make its key an alias.
Result<void> DuplicateMerge::apply(const std::string& actor, store::ObjectMerge& m)
{
    const CanonicalModel& model = *m_pipeline.config().model;
    const Landscape& land = *m_pipeline.config().landscape;
    const std::string domain = st(m.domain);
    const std::string mergedKey = st(m.mergedKey);
    const std::string survivorKey = st(m.survivorKey);
    const DomainDef* dom = model.domain(domain);
    if (!dom)
        return makeError(QStringLiteral("there is no domain '%1' in the model").arg(m.domain));
    auto survivor = liveMergeObject(m_ws.db(), domain, survivorKey);
    if (!survivor)
        return makeError(survivor.error());
    auto merged = liveMergeObject(m_ws.db(), domain, mergedKey);
    if (!merged)
        return makeError(merged.error());
    // Decided "not a duplicate" while the merge waited for approval: the later word stands until someone rejects this.
    auto decided = store::duplicateDecision(m_ws.db(), orderedPair(survivor->id, merged->id));
    if (!decided)
        return makeError(decided.error());
    if (decided.value())
        return makeError(
            QStringLiteral("%1 decided they are not duplicates at %2 (%3); reject the merge")
                .arg(decided.value()->actor, qs(formatRfc3339(decided.value()->at)), decided.value()->reason));
    const TimeMs t = nowMs();
    const std::string correlation = mergeCorrelation(m.id);

    // 1. Every object that references the merged key gets a revision that references the survivor instead, one per
    //    owning system of the attributes concerned.
    auto referrers = referrersOf(m_ws.db(), domain, mergedKey);
    if (!referrers)
        return makeError(referrers.error());
    nlohmann::json redirected = nlohmann::json::array();
    int n = 0;
    for (const Referrer& ref : referrers.value()) {
        const DomainDef* rdom = model.domain(ref.domain);
        auto obj = liveMergeObject(m_ws.db(), ref.domain, ref.key);
        if (!rdom || !obj)
            continue; // not in the model any more, or retired since: nothing to redirect
        nlohmann::json state = obj->state;
        std::set<std::string> attrs;
        for (const std::string& path : ref.paths) {
            const int replaced = replaceReferences(state, path,
                [&](const std::string& k) -> const std::string* { return k == mergedKey ? &survivorKey : nullptr; });
            if (replaced)
                attrs.insert(path.substr(0, path.find('.')));
        }
        std::map<std::string, nlohmann::json> byOwner; // owning system -> attribute -> new value
        for (const std::string& a : attrs) {
            const AttributeDef* def = rdom->attribute(a);
            const SystemDef* owner = def ? land.owner(ref.domain, def->group, t) : nullptr;
            if (!owner)
                return makeError(
                    QStringLiteral("%1 '%2' references '%3' through %4, and no system owns that attribute's"
                                   " group: nobody may redirect it")
                        .arg(qs(ref.domain), qs(ref.key), m.mergedKey, qs(a)));
            byOwner[owner->id][a] = state[a];
        }
        for (const auto& [owner, changes] : byOwner) {
            auto no = stewardRevision(
                actor, owner, ref.domain, ref.key, changes, correlation + "-redirect-" + std::to_string(++n));
            if (!no)
                return makeError(QStringLiteral("cannot redirect %1 '%2' to '%3': %4")
                                     .arg(qs(ref.domain), qs(ref.key), m.survivorKey, no.error()));
            nlohmann::json names = nlohmann::json::array();
            for (auto it = changes.begin(); it != changes.end(); ++it)
                names.push_back(it.key());
            redirected.push_back({ { "domain", ref.domain }, { "key", ref.key }, { "revision_no", no.value() },
                { "on_behalf_of", owner }, { "attributes", names } });
        }
    }

    // 2. The merged object is retired on behalf of the domain's creator; contracts decide what each target gets.
    const SystemDef* creator = land.owner(domain, dom->creatorGroup, t);
    if (!creator)
        return makeError(QStringLiteral("no system owns the %1 group '%2', so nobody may retire '%3'")
                             .arg(m.domain, qs(dom->creatorGroup), m.mergedKey));
    auto retired = stewardRevision(actor, creator->id, domain, mergedKey, nlohmann::json(), correlation + "-retire");
    if (!retired)
        return makeError(QStringLiteral("cannot retire '%1': %2").arg(m.mergedKey, retired.error()));

    // 3. The alias: from now on the merged key stands for the survivor (the pipeline reloads it with its next batch).
    auto suspects = resolvePairSuspects(m_ws, survivor->id, merged->id);
    if (!suspects)
        return makeError(suspects.error());
    const nlohmann::json detail = { { "redirected", redirected }, { "retired_revision_no", retired.value() },
        { "retired_on_behalf_of", creator->id }, { "resolved_exceptions", suspects.value() } };
    m.status = QStringLiteral("applied");
    m.appliedAt = nowMs();
    m.detail = qs(detail.dump());
    if (auto r = store::updateObjectMerge(m_ws.db(), m); !r)
        return r;

    nlohmann::json common = { { "merge_id", m.id }, { "reason", st(m.reason) }, { "proposed_by", st(m.proposedBy) },
        { "redirected", redirected }, { "resolved_exceptions", suspects.value() } };
    if (!m.decidedBy.isEmpty())
        common["approved_by"] = st(m.decidedBy);
    nlohmann::json onSurvivor = common;
    nlohmann::json onMerged = common;
    onSurvivor["merged_key"] = mergedKey;
    onSurvivor["merged_object_id"] = merged->id;
    onMerged["survivor_key"] = survivorKey;
    onMerged["survivor_object_id"] = survivor->id;
    onMerged["retired_revision_no"] = retired.value();
    if (auto r = mergeLineage(m_ws, domain, survivorKey, survivor->id, survivor->revisionId, "merge.survivor", actor,
            correlation, onSurvivor);
        !r)
        return r;
    if (auto r
        = mergeLineage(m_ws, domain, mergedKey, merged->id, 0, "merge.merged_into", actor, correlation, onMerged);
        !r)
        return r;
    AuditLog audit(m_ws.db());
    const bool approval = !m.decidedBy.isEmpty();
    nlohmann::json before = nullptr;
    if (approval)
        before = { { "status", "awaiting_approval" } };
    if (auto a = audit.append(actor, approval ? "duplicate.merge.approve" : "duplicate.merge", subjectOf(m), before,
            mergeToJson(m), approval ? st(m.decisionReason) : st(m.reason));
        !a)
        return makeError(a.error());
    return {};
}

} // namespace mdsync
