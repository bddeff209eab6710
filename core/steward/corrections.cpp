#include "steward/corrections.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "contract/contract.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "steward/exceptionactions.h"
#include "steward/retention.h"
#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "sync/ingestpipeline.h"
#include "util/timeutil.h"

#include "util/qtext.h"
#include "util/sqlvalue.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <set>

namespace mdsync {

namespace {

nlohmann::json parseJson(const QVariant& v)
{
    auto j = nlohmann::json::parse(v.toString().toStdString(), nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
}

// Runs `q` (prepared, one `?` for the id) for one row; error "there is no <what> #<id>" when there is none.
Result<void> rowById(QSqlQuery& q, std::int64_t id, const QString& what)
{
    q.addBindValue(sqlInt(id));
    if (auto r = execPrepared(q, QStringLiteral("%1 #%2").arg(what).arg(id)); !r)
        return r;
    if (!q.next())
        return makeError(QStringLiteral("there is no %1 #%2").arg(what).arg(id));
    return {};
}

const QString kCorrectionOfDeleted = QStringLiteral("is deleted; a correction cannot change it");

struct ExceptionInfo
{
    std::int64_t id = 0, deliveryId = 0;
    std::string stage, status, domain, key, target, category;
};

Result<ExceptionInfo> loadException(const QSqlDatabase& db, std::int64_t id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT stage, status, coalesce(domain,''), coalesce(object_key,''),"
                             " coalesce(target_id,''), category, coalesce(delivery_id,0) FROM exception WHERE id = ?"));
    if (auto r = rowById(q, id, QStringLiteral("exception")); !r)
        return makeError(r.error());
    ExceptionInfo e;
    e.id = id;
    e.stage = stdText(q.value(0));
    e.status = stdText(q.value(1));
    e.domain = stdText(q.value(2));
    e.key = stdText(q.value(3));
    e.target = stdText(q.value(4));
    e.category = stdText(q.value(5));
    e.deliveryId = q.value(6).toLongLong();
    return e;
}

struct DeliveryInfo
{
    std::int64_t id = 0, revisionId = 0, revisionNo = 0, objectId = 0;
    std::string target, status, contractVersion, domain, key, payloadOverride;
    nlohmann::json state;
};

Result<DeliveryInfo> loadDelivery(const QSqlDatabase& db, std::int64_t id)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("SELECT d.revision_id, d.revision_no, d.object_id, d.target_id, d.status,"
                       " d.contract_version, o.domain, o.key, coalesce(d.payload_override, ''), r.state,"
                       " a.file_name, a.manifest_sha256"
                       " FROM delivery d JOIN object o ON o.id = d.object_id JOIN revision r ON r.id = d.revision_id"
                       " LEFT JOIN archive a ON a.id = r.archived_in WHERE d.id = ?"));
    if (auto r = rowById(q, id, QStringLiteral("delivery")); !r)
        return makeError(r.error());
    // An archived revision has no payload in the workspace (docs/RETENTION.md): nothing can be mapped, corrected or
    // sent from it; the message names the archive.
    if (!q.value(10).isNull())
        return makeError(qs(archivedRevisionMessage(stdText(q.value(6)), stdText(q.value(7)), q.value(1).toLongLong(),
            stdText(q.value(10)), stdText(q.value(11)))));
    DeliveryInfo d;
    d.id = id;
    d.revisionId = q.value(0).toLongLong();
    d.revisionNo = q.value(1).toLongLong();
    d.objectId = q.value(2).toLongLong();
    d.target = stdText(q.value(3));
    d.status = stdText(q.value(4));
    d.contractVersion = stdText(q.value(5));
    d.domain = stdText(q.value(6));
    d.key = stdText(q.value(7));
    d.payloadOverride = stdText(q.value(8));
    d.state = parseJson(q.value(9));
    return d;
}

Result<void> lineage(Workspace& ws, const std::string& domain, const std::string& key, std::int64_t objectId,
    std::int64_t revisionId, const std::string& kind, const std::string& system, const std::string& actor,
    const std::string& correlationId, const nlohmann::json& detail)
{
    const std::string text = detail.dump();
    try {
        ws.outbox().lineage({ nowMs(), domain, key, objectId, revisionId, kind, system, actor, correlationId, text });
    } catch (const store::SqlError& e) {
        return e.error();
    }
    return {};
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string correlationOf(std::int64_t id)
{
    return "correction-" + std::to_string(id);
}

// Runs `body` in a transaction; rolls back on error.
Result<void> inTransaction(Workspace& ws, const std::function<Result<void>()>& body)
{
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    if (auto r = body(); !r)
        return r;
    return tx.commit();
}

} // namespace

Result<StewardObject> loadLiveObject(
    const QSqlDatabase& db, const std::string& domain, const std::string& key, const QString& whenDeleted)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT o.id, o.revision_no, o.current_revision_id, r.state, o.deleted FROM object o"
                             " JOIN revision r ON r.id = o.current_revision_id WHERE o.domain = ? AND o.key = ?"));
    q.addBindValue(sqlText(domain));
    q.addBindValue(sqlText(key));
    if (auto r = execPrepared(q, QStringLiteral("object %1/%2").arg(sqlText(domain), sqlText(key))); !r)
        return makeError(r.error());
    if (!q.next())
        return makeError(QStringLiteral("there is no %1 '%2' in this workspace").arg(sqlText(domain), sqlText(key)));
    if (q.value(4).toInt() != 0)
        return makeError(QStringLiteral("%1 '%2' %3").arg(sqlText(domain), sqlText(key), whenDeleted));
    StewardObject o;
    o.id = q.value(0).toLongLong();
    o.revisionNo = q.value(1).toLongLong();
    o.revisionId = q.value(2).toLongLong();
    o.state = parseJson(q.value(3));
    if (!o.state.is_object())
        o.state = nlohmann::json::object(); // the current revision is never archived; guard anyway
    return o;
}

std::string stewardEvent(const std::string& source, const std::string& domain, const std::string& key,
    const nlohmann::json& changes, const std::string& eventId, TimeMs at)
{
    nlohmann::json e = { { "event_id", eventId }, { "source", source }, { "domain", domain }, { "key", key },
        { "op", changes.is_null() ? "delete" : "upsert" }, { "occurred_at", formatRfc3339(at) },
        { "correlation_id", eventId } };
    if (!changes.is_null())
        e["attributes"] = changes;
    return e.dump();
}

std::string refusal(const std::vector<LineVerdict>& verdicts)
{
    if (verdicts.empty())
        return "the validation gave no verdict";
    const LineVerdict& v = verdicts.front();
    if (v.outcome == "unchanged")
        return "the object already has these values; nothing to correct";
    if (v.outcome != "accepted")
        return "the correction does not validate: " + v.message;
    for (const LineIssue& w : v.warnings)
        if (w.category == "policy_violation")
            return w.message;
    return {};
}

nlohmann::json CorrectionResult::toJson() const
{
    nlohmann::json j = { { "id", id }, { "kind", kind }, { "status", status }, { "domain", domain }, { "key", key },
        { "critical_groups", criticalGroups }, { "changes", changes }, { "before", before } };
    if (!target.empty())
        j["target"] = target;
    if (!onBehalfOf.empty())
        j["on_behalf_of"] = onBehalfOf;
    if (revisionNo)
        j["revision_no"] = revisionNo;
    if (exceptionId)
        j["exception_id"] = exceptionId;
    return j;
}

// A correction as stored (or about to be): enough to apply it later.
struct Corrections::Pending
{
    std::int64_t id = 0;
    std::string kind, status, domain, key, target, onBehalfOf, reason, proposedBy;
    std::int64_t objectId = 0, exceptionId = 0, deliveryId = 0, baseRevisionNo = 0, ruleId = 0;
    nlohmann::json changes = nlohmann::json::object();
    nlohmann::json before = nlohmann::json::object();
    std::vector<std::string> criticalGroups;

    CorrectionResult result() const
    {
        CorrectionResult r;
        r.id = id;
        r.kind = kind;
        r.status = status;
        r.domain = domain;
        r.key = key;
        r.target = target;
        r.criticalGroups = criticalGroups;
        r.onBehalfOf = onBehalfOf;
        r.exceptionId = exceptionId;
        r.changes = changes;
        r.before = before;
        return r;
    }
};

Corrections::Corrections(Workspace& ws, IngestPipeline& pipeline, const ContractSet& contracts)
    : m_ws(ws)
    , m_pipeline(pipeline)
    , m_contracts(contracts)
{ }

Result<CorrectionResult> Corrections::correctAttributes(const std::string& actor, const std::string& domain,
    const std::string& key, const nlohmann::json& changes, const std::string& reason, std::int64_t exceptionId,
    std::int64_t ruleId)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Correct); !r)
        return makeError(r.error());
    const QString where = QStringLiteral("correct %1/%2").arg(sqlText(domain), sqlText(key));
    if (reason.empty())
        return makeError(where + QStringLiteral(": a reason is required"));
    if (!changes.is_object() || changes.empty())
        return makeError(where + QStringLiteral(": no attribute values given (e.g. --set lifecycle_status=RELEASED)"));
    const CanonicalModel& model = *m_pipeline.config().model;
    const Landscape& land = *m_pipeline.config().landscape;
    const DomainDef* dom = model.domain(domain);
    if (!dom)
        return makeError(where + QStringLiteral(": there is no domain '%1' in the model").arg(sqlText(domain)));
    auto obj = loadLiveObject(m_ws.db(), domain, key, kCorrectionOfDeleted);
    if (!obj)
        return makeError(where + QStringLiteral(": ") + obj.error());

    Pending p;
    p.kind = "attributes";
    p.domain = domain;
    p.key = key;
    p.reason = reason;
    p.proposedBy = actor;
    p.objectId = obj->id;
    p.baseRevisionNo = obj->revisionNo;
    p.ruleId = ruleId;
    p.changes = changes;
    std::set<std::string> groups;
    std::set<std::string> owners;
    std::set<std::string> critical;
    std::vector<std::string> ownerList;
    const TimeMs t = nowMs();
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        const AttributeDef* a = dom->attribute(it.key());
        if (!a)
            return makeError(where
                + QStringLiteral(": attribute '%1' is not in the %2 model").arg(sqlText(it.key()), sqlText(domain)));
        const SystemDef* owner = land.owner(domain, a->group, t);
        if (!owner)
            return makeError(where
                + QStringLiteral(": no system owns the %1 group '%2' (attribute '%3'), so nobody may change it")
                      .arg(sqlText(domain), sqlText(a->group), sqlText(it.key())));
        if (owners.insert(owner->id).second)
            ownerList.push_back(owner->id + " (" + a->group + ")");
        groups.insert(a->group);
        if (std::find(dom->criticalGroups.begin(), dom->criticalGroups.end(), a->group) != dom->criticalGroups.end())
            critical.insert(a->group);
        auto cur = obj->state.find(it.key());
        p.before[it.key()] = cur == obj->state.end() ? nlohmann::json() : *cur;
    }
    if (owners.size() > 1)
        return makeError(where
            + QStringLiteral(
                ": the attributes belong to groups owned by different systems (%1); a steward revision acts"
                " on behalf of one owner, so split the correction")
                  .arg(sqlText(joined(ownerList))));
    p.onBehalfOf = *owners.begin();
    p.criticalGroups.assign(critical.begin(), critical.end());
    if (exceptionId) {
        auto ex = loadException(m_ws.db(), exceptionId);
        if (!ex)
            return makeError(where + QStringLiteral(": ") + ex.error());
        if (ex->domain != domain || ex->key != key)
            return makeError(where
                + QStringLiteral(": exception #%1 is about %2/%3, not this object")
                      .arg(exceptionId)
                      .arg(sqlText(ex->domain), sqlText(ex->key)));
        if (isClosed(ex->status))
            return makeError(
                where + QStringLiteral(": exception #%1 is already %2").arg(exceptionId).arg(sqlText(ex->status)));
        p.exceptionId = exceptionId;
        p.deliveryId = ex->deliveryId;
        p.target = ex->target;
    }

    // A correction that waits for approval is validated now (a dry run through the real pipeline), so that one that
    // would be rejected is refused at once instead of after an approval; one applied at once is validated by the
    // real run, which is rolled back with everything else when it does not pass.
    if (!p.criticalGroups.empty()) {
        std::vector<LineVerdict> verdicts;
        IngestOptions o;
        o.sourceName = QStringLiteral("steward correction");
        o.actor = actor;
        o.dryRun = true;
        o.verdicts = &verdicts;
        auto dry = m_pipeline.ingestLines(
            { stewardEvent(p.onBehalfOf, domain, key, changes, "steward-correction-preview", t) }, o);
        if (!dry)
            return makeError(where + QStringLiteral(": ") + dry.error());
        if (const std::string why = refusal(verdicts); !why.empty())
            return makeError(where + QStringLiteral(": ") + sqlText(why));
    }
    auto r = propose(actor, p);
    if (!r)
        return makeError(where + QStringLiteral(": ") + r.error());
    return r;
}

Result<CorrectionResult> Corrections::correctPayload(const std::string& actor, std::int64_t exceptionId,
    const nlohmann::json& fields, const std::string& reason, std::int64_t ruleId)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Correct); !r)
        return makeError(r.error());
    const QString where = QStringLiteral("correct the payload of exception #%1").arg(exceptionId);
    if (reason.empty())
        return makeError(where + QStringLiteral(": a reason is required"));
    if (!fields.is_object() || fields.empty())
        return makeError(where + QStringLiteral(": no payload fields given (e.g. --payload '{\"uom\":\"EA\"}')"));
    auto ex = loadException(m_ws.db(), exceptionId);
    if (!ex)
        return makeError(ex.error());
    if (ex->stage != "delivery" || !ex->deliveryId)
        return makeError(where
            + QStringLiteral(": it is an inbound exception; there is no delivery payload (correct the object's"
                             " attributes instead)"));
    if (isClosed(ex->status))
        return makeError(where + QStringLiteral(": the exception is already %1").arg(sqlText(ex->status)));
    auto d = loadDelivery(m_ws.db(), ex->deliveryId);
    if (!d)
        return makeError(d.error());
    if (parseDeliveryStatus(d->status) != DeliveryStatus::Failed)
        return makeError(where + QStringLiteral(": its delivery is %1, not failed").arg(sqlText(d->status)));
    const Contract* contract = m_contracts.find(d->domain, d->target, d->contractVersion);
    if (!contract)
        return makeError(where
            + QStringLiteral(": %1 has no contract for %2 v%3, so no field is marked editable")
                  .arg(sqlText(d->target), sqlText(d->domain), sqlText(d->contractVersion)));
    auto current = currentPayload(d->id, true);
    if (!current)
        return makeError(where + QStringLiteral(": ") + current.error());
    const CanonicalModel& model = *m_pipeline.config().model;
    const DomainDef* dom = model.domain(d->domain);
    std::vector<std::string> editable;
    for (const FieldMapping& f : contract->fields)
        if (f.editable)
            editable.push_back(f.to);
    Pending p;
    p.kind = "payload";
    p.domain = d->domain;
    p.key = d->key;
    p.target = d->target;
    p.reason = reason;
    p.proposedBy = actor;
    p.objectId = d->objectId;
    p.exceptionId = exceptionId;
    p.deliveryId = d->id;
    p.baseRevisionNo = d->revisionNo;
    p.ruleId = ruleId;
    p.changes = fields;
    std::set<std::string> critical;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        auto m = std::find_if(
            contract->fields.begin(), contract->fields.end(), [&](const FieldMapping& f) { return f.to == it.key(); });
        if (m == contract->fields.end() || !m->editable)
            return makeError(where
                + QStringLiteral(": field '%1' of the %2 → %3 contract v%4 is not editable by stewards (editable: %5)")
                      .arg(sqlText(it.key()), sqlText(d->domain), sqlText(d->target), sqlText(contract->version),
                          editable.empty() ? QStringLiteral("none") : sqlText(joined(editable))));
        if (dom && !m->from.empty() && m->from != "$key") {
            if (const AttributeDef* a = dom->attribute(m->from); a
                && std::find(dom->criticalGroups.begin(), dom->criticalGroups.end(), a->group)
                    != dom->criticalGroups.end())
                critical.insert(a->group);
        }
        auto cur = current->find(it.key());
        p.before[it.key()] = cur == current->end() ? nlohmann::json() : *cur;
    }
    if (p.before == p.changes)
        return makeError(where + QStringLiteral(": the payload already has these values; nothing to correct"));
    p.criticalGroups.assign(critical.begin(), critical.end());
    return propose(actor, p);
}

Result<CorrectionResult> Corrections::propose(const std::string& actor, Pending& p)
{
    const bool needsApproval = !p.criticalGroups.empty();
    p.status = needsApproval ? "awaiting_approval" : "applied";
    CorrectionResult out;
    auto r = inTransaction(m_ws, [&]() -> Result<void> {
        QSqlQuery q(m_ws.db());
        q.prepare(QStringLiteral(
            "INSERT INTO correction(kind, status, domain, object_key, object_id, exception_id, delivery_id, target_id,"
            " base_revision_no, changes, before, critical_groups, on_behalf_of, reason, proposed_by, proposed_at,"
            " rule_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
        q.addBindValue(sqlText(p.kind));
        q.addBindValue(QStringLiteral("awaiting_approval"));
        q.addBindValue(sqlText(p.domain));
        q.addBindValue(sqlText(p.key));
        q.addBindValue(sqlInt(p.objectId));
        q.addBindValue(p.exceptionId ? sqlInt(p.exceptionId) : QVariant());
        q.addBindValue(p.deliveryId ? sqlInt(p.deliveryId) : QVariant());
        q.addBindValue(p.target.empty() ? QVariant() : QVariant(sqlText(p.target)));
        q.addBindValue(sqlInt(p.baseRevisionNo));
        q.addBindValue(sqlText(p.changes.dump()));
        q.addBindValue(sqlText(p.before.dump()));
        q.addBindValue(sqlText(nlohmann::json(p.criticalGroups).dump()));
        q.addBindValue(p.onBehalfOf.empty() ? QVariant() : QVariant(sqlText(p.onBehalfOf)));
        q.addBindValue(sqlText(p.reason));
        q.addBindValue(sqlText(actor));
        q.addBindValue(sqlInt(nowMs()));
        q.addBindValue(p.ruleId ? sqlInt(p.ruleId) : QVariant());
        if (auto e = execPrepared(q, QStringLiteral("record correction")); !e)
            return e;
        if (!readReturnedId(q, p.id))
            return makeError(sqlError(q, QStringLiteral("record correction: no id returned")));
        out = p.result();
        out.status = "awaiting_approval";
        nlohmann::json detail = { { "correction_id", p.id }, { "kind", p.kind }, { "changes", p.changes },
            { "before", p.before }, { "reason", p.reason } };
        if (needsApproval)
            detail["awaiting_approval"] = p.criticalGroups;
        if (!p.target.empty())
            detail["target"] = p.target;
        if (p.exceptionId)
            detail["exception_id"] = p.exceptionId;
        if (auto e = lineage(m_ws, p.domain, p.key, p.objectId, 0, "correction_proposed",
                p.kind == "payload" ? p.target : p.onBehalfOf, actor, correlationOf(p.id), detail);
            !e)
            return e;
        AuditLog audit(m_ws.db());
        nlohmann::json after = { { "correction_id", p.id }, { "kind", p.kind }, { "changes", p.changes },
            { "critical_groups", p.criticalGroups }, { "status", needsApproval ? "awaiting_approval" : "applied" } };
        if (!p.onBehalfOf.empty())
            after["on_behalf_of"] = p.onBehalfOf;
        if (!p.target.empty())
            after["target"] = p.target;
        if (auto a = audit.append(actor, "correction.propose", p.domain + "/" + p.key, p.before, after, p.reason); !a)
            return makeError(a.error());
        if (needsApproval)
            return {};
        return p.kind == "payload" ? applyPayload(actor, p, out) : applyAttributes(actor, p, out);
    });
    if (!r)
        return makeError(r.error());
    return out;
}

// Inside the caller's transaction.
Result<void> Corrections::applyAttributes(const std::string& actor, Pending& p, CorrectionResult& out)
{
    const std::string correlation = correlationOf(p.id);
    std::vector<LineVerdict> verdicts;
    IngestOptions o;
    o.sourceName = QStringLiteral("correction #%1").arg(p.id);
    o.actor = p.proposedBy; // the steward who made the correction supplies the values
    o.verdicts = &verdicts;
    o.batchSize = 1 << 20;
    o.deliverToSource = true; // e.g. a QMS-owned attribute fixed by a steward must reach QMS
    auto r
        = m_pipeline.ingestLines({ stewardEvent(p.onBehalfOf, p.domain, p.key, p.changes, correlation, nowMs()) }, o);
    if (!r)
        return makeError(r.error());
    if (const std::string why = refusal(verdicts); !why.empty())
        return makeError(sqlText(why));
    const std::int64_t revisionNo = verdicts.front().revisionNo;
    QSqlQuery q(m_ws.db());
    q.prepare(QStringLiteral("SELECT id FROM revision WHERE object_id = ? AND revision_no = ?"));
    q.addBindValue(sqlInt(p.objectId));
    q.addBindValue(sqlInt(revisionNo));
    if (auto e = execPrepared(q, QStringLiteral("steward revision")); !e)
        return e;
    const std::int64_t revisionId = q.next() ? q.value(0).toLongLong() : 0;
    q.prepare(QStringLiteral("UPDATE correction SET status = 'applied', revision_id = ? WHERE id = ?"));
    q.addBindValue(sqlInt(revisionId));
    q.addBindValue(sqlInt(p.id));
    if (auto e = execPrepared(q, QStringLiteral("correction status")); !e)
        return e;
    if (auto e = lineage(m_ws, p.domain, p.key, p.objectId, revisionId, "corrected", p.onBehalfOf, actor, correlation,
            { { "correction_id", p.id }, { "revision_no", revisionNo }, { "on_behalf_of", p.onBehalfOf },
                { "proposed_by", p.proposedBy }, { "changes", p.changes } });
        !e)
        return e;
    // An inbound exception the correction fixes is resolved; a failed delivery is superseded by the new revision
    // when the dispatcher sends it (that closes its exception as superseded).
    if (p.exceptionId) {
        auto ex = loadException(m_ws.db(), p.exceptionId);
        if (ex && ex->stage == "inbound" && !isClosed(ex->status)) {
            ExceptionActions actions(m_ws);
            // Under the login applying the correction (its proposer, or the approver who releases it): the audit
            // entry names who did it, and on PostgreSQL no one acts under another login's name.
            if (auto e = actions.resolveByCorrection(actor, p.exceptionId,
                    "fixed by correction #" + std::to_string(p.id) + " of " + p.proposedBy + " (revision "
                        + std::to_string(revisionNo) + ")");
                !e)
                return e;
        }
    }
    out.status = "applied";
    out.revisionNo = revisionNo;
    p.status = "applied";
    return {};
}

// Inside the caller's transaction.
Result<void> Corrections::applyPayload(const std::string& actor, Pending& p, CorrectionResult& out)
{
    auto d = loadDelivery(m_ws.db(), p.deliveryId);
    if (!d)
        return makeError(d.error());
    if (parseDeliveryStatus(d->status) != DeliveryStatus::Failed)
        return makeError(QStringLiteral("correction #%1: the delivery is %2 now, not failed; reject the correction")
                             .arg(p.id)
                             .arg(sqlText(d->status)));
    auto current = currentPayload(p.deliveryId, true);
    if (!current)
        return makeError(current.error());
    nlohmann::json payload = current.value();
    for (auto it = p.changes.begin(); it != p.changes.end(); ++it)
        payload[it.key()] = it.value();
    try {
        m_ws.outbox().setPayloadOverride(p.deliveryId, payload.dump(), nowMs());
    } catch (const store::SqlError& e) {
        return e.error();
    }
    QSqlQuery q(m_ws.db());
    q.prepare(QStringLiteral("UPDATE correction SET status = 'applied' WHERE id = ?"));
    q.addBindValue(sqlInt(p.id));
    if (auto e = execPrepared(q, QStringLiteral("correction status")); !e)
        return e;
    if (auto e = lineage(m_ws, p.domain, p.key, p.objectId, d->revisionId, "payload_corrected", p.target, actor,
            correlationOf(p.id),
            { { "correction_id", p.id }, { "delivery_id", p.deliveryId }, { "revision_no", d->revisionNo },
                { "exception_id", p.exceptionId }, { "changes", p.changes }, { "before", p.before } });
        !e)
        return e;
    out.status = "applied";
    p.status = "applied";
    return {};
}

Result<Corrections::Pending> Corrections::loadPending(std::int64_t id) const
{
    QSqlQuery q(m_ws.db());
    q.prepare(QStringLiteral("SELECT kind, status, domain, object_key, coalesce(object_id,0), coalesce(exception_id,0),"
                             " coalesce(delivery_id,0), coalesce(target_id,''), coalesce(base_revision_no,0), changes,"
                             " before, critical_groups, coalesce(on_behalf_of,''), reason, proposed_by,"
                             " coalesce(rule_id,0) FROM correction WHERE id = ?"));
    if (auto r = rowById(q, id, QStringLiteral("correction")); !r)
        return makeError(r.error());
    Pending p;
    p.id = id;
    p.kind = stdText(q.value(0));
    p.status = stdText(q.value(1));
    p.domain = stdText(q.value(2));
    p.key = stdText(q.value(3));
    p.objectId = q.value(4).toLongLong();
    p.exceptionId = q.value(5).toLongLong();
    p.deliveryId = q.value(6).toLongLong();
    p.target = stdText(q.value(7));
    p.baseRevisionNo = q.value(8).toLongLong();
    p.changes = parseJson(q.value(9));
    p.before = parseJson(q.value(10));
    for (const auto& g : parseJson(q.value(11)))
        p.criticalGroups.push_back(g.get<std::string>());
    p.onBehalfOf = stdText(q.value(12));
    p.reason = stdText(q.value(13));
    p.proposedBy = stdText(q.value(14));
    p.ruleId = q.value(15).toLongLong();
    return p;
}

Result<CorrectionResult> Corrections::approve(const std::string& actor, std::int64_t id, const std::string& reason)
{
    return decide(actor, id, true, reason);
}

Result<CorrectionResult> Corrections::reject(const std::string& actor, std::int64_t id, const std::string& reason)
{
    if (reason.empty())
        return makeError(QStringLiteral("reject correction #%1: a reason is required").arg(id));
    return decide(actor, id, false, reason);
}

Result<CorrectionResult> Corrections::decide(
    const std::string& actor, std::int64_t id, bool approve, const std::string& reason)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Approve); !r)
        return makeError(r.error());
    auto p = loadPending(id);
    if (!p)
        return makeError(p.error());
    // " by <login> at <time>" of the decision already taken on the correction (empty when none).
    auto decidedBy = [this, id]() -> QString {
        QSqlQuery q(m_ws.db());
        q.prepare(
            QStringLiteral("SELECT decided_by, decided_at FROM correction WHERE id = ? AND decided_by IS NOT NULL"));
        q.addBindValue(sqlInt(id));
        if (!q.exec() || !q.next())
            return {};
        return QStringLiteral(" by %1 at %2")
            .arg(q.value(0).toString(), sqlText(formatRfc3339(q.value(1).toLongLong())));
    };
    if (p->status != "awaiting_approval") {
        const QString who = decidedBy();
        if (!who.isEmpty())
            return makeError(QStringLiteral("correction #%1 was already %2%3").arg(id).arg(sqlText(p->status), who));
        return makeError(QStringLiteral("correction #%1 is %2, not awaiting approval").arg(id).arg(sqlText(p->status)));
    }
    if (p->proposedBy == actor)
        return makeError(QStringLiteral("four-eyes: %1 made correction #%2 and cannot %3 it; another user with"
                                        " the approver role must")
                             .arg(sqlText(actor))
                             .arg(id)
                             .arg(approve ? QStringLiteral("approve") : QStringLiteral("reject")));
    // The values it was judged against must still be in force.
    if (approve && p->kind == "attributes") {
        auto obj = loadLiveObject(m_ws.db(), p->domain, p->key, kCorrectionOfDeleted);
        if (!obj)
            return makeError(obj.error());
        for (auto it = p->before.begin(); it != p->before.end(); ++it) {
            auto cur = obj->state.find(it.key());
            const nlohmann::json now = cur == obj->state.end() ? nlohmann::json() : *cur;
            if (now != it.value())
                return makeError(QStringLiteral("correction #%1 is stale: %2 of %3/%4 changed from %5 to %6 since it"
                                                " was proposed; reject it and correct again")
                                     .arg(id)
                                     .arg(sqlText(it.key()), sqlText(p->domain), sqlText(p->key),
                                         sqlText(it.value().dump()), sqlText(now.dump())));
        }
    }
    CorrectionResult out = p->result();
    const std::string decided = approve ? "applied" : "rejected";
    if (!approve)
        out.status = decided;
    auto r = inTransaction(m_ws, [&]() -> Result<void> {
        QSqlQuery q(m_ws.db());
        // An approval's status becomes 'applied' when it is applied, below, in the same transaction.
        // Only while nobody decided it: a second approver acting at the same time (another steward's session on
        // a shared workspace) waits for the first one's row lock, then matches no row and is told who decided.
        q.prepare(QStringLiteral("UPDATE correction SET status = CASE WHEN ? <> 0 THEN status ELSE 'rejected' END,"
                                 " decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ?"
                                 " AND status = 'awaiting_approval' AND decided_by IS NULL"));
        q.addBindValue(approve ? 1 : 0);
        q.addBindValue(sqlText(actor));
        q.addBindValue(sqlInt(nowMs()));
        q.addBindValue(reason.empty() ? QVariant() : QVariant(sqlText(reason)));
        q.addBindValue(sqlInt(id));
        if (auto e = execPrepared(q, QStringLiteral("correction decision")); !e)
            return e;
        if (q.numRowsAffected() == 0) {
            const QString who = decidedBy();
            return makeError(QStringLiteral("correction #%1 was already decided%2")
                                 .arg(id)
                                 .arg(who.isEmpty() ? QStringLiteral(" by someone else") : who));
        }
        nlohmann::json detail = { { "correction_id", id }, { "proposed_by", p->proposedBy }, { "reason", reason } };
        if (approve)
            detail["critical_groups"] = p->criticalGroups;
        if (auto e
            = lineage(m_ws, p->domain, p->key, p->objectId, 0, approve ? "correction_approved" : "correction_rejected",
                p->kind == "payload" ? p->target : p->onBehalfOf, actor, correlationOf(id), detail);
            !e)
            return e;
        nlohmann::json after = { { "correction_id", id }, { "status", decided }, { "proposed_by", p->proposedBy } };
        if (approve)
            after["changes"] = p->changes;
        AuditLog audit(m_ws.db());
        if (auto a = audit.append(actor, approve ? "correction.approve" : "correction.reject", p->domain + "/" + p->key,
                nlohmann::json { { "correction_id", id }, { "status", "awaiting_approval" } }, after,
                reason.empty() ? std::nullopt : std::optional<std::string>(reason));
            !a)
            return makeError(a.error());
        if (!approve)
            return {};
        return p->kind == "payload" ? applyPayload(actor, p.value(), out) : applyAttributes(actor, p.value(), out);
    });
    if (!r)
        return makeError(r.error());
    return out;
}

Result<nlohmann::json> Corrections::currentPayload(std::int64_t deliveryId, bool bestEffort) const
{
    return payloadOfDelivery(m_ws.db(), m_contracts, m_pipeline.config().model->units(), deliveryId, bestEffort);
}

Result<nlohmann::json> payloadOfDelivery(const QSqlDatabase& db, const ContractSet& contracts,
    const UnitRegistry& units, std::int64_t deliveryId, bool bestEffort)
{
    auto d = loadDelivery(db, deliveryId);
    if (!d)
        return makeError(d.error());
    auto m = deliveryPayload(
        contracts, units, d->domain, d->target, d->contractVersion, d->key, d->state, d->payloadOverride, bestEffort);
    if (!m)
        return makeError(m.error());
    return m->payload;
}

Result<nlohmann::json> listCorrections(
    const QSqlDatabase& db, const std::string& status, const std::string& domain, const std::string& key, int limit)
{
    QString sql = QStringLiteral(
        "SELECT id, kind, status, domain, object_key, coalesce(target_id,''), coalesce(exception_id,0), changes, "
        "before,"
        " critical_groups, coalesce(on_behalf_of,''), reason, proposed_by, proposed_at, coalesce(decided_by,''),"
        " decided_at, coalesce(decision_reason,''), coalesce(revision_id,0), coalesce(rule_id,0) FROM correction"
        " WHERE 1=1");
    if (!status.empty())
        sql += QStringLiteral(" AND status = :s");
    if (!domain.empty())
        sql += QStringLiteral(" AND domain = :d AND object_key = :k");
    sql += QStringLiteral(" ORDER BY id DESC LIMIT :n");
    QSqlQuery q(db);
    q.prepare(sql);
    if (!status.empty())
        q.bindValue(QStringLiteral(":s"), sqlText(status));
    if (!domain.empty()) {
        q.bindValue(QStringLiteral(":d"), sqlText(domain));
        q.bindValue(QStringLiteral(":k"), sqlText(key));
    }
    q.bindValue(QStringLiteral(":n"), limit);
    if (auto r = execPrepared(q, QStringLiteral("corrections")); !r)
        return makeError(r.error());
    nlohmann::json out = nlohmann::json::array();
    while (q.next()) {
        nlohmann::json j = { { "id", q.value(0).toLongLong() }, { "kind", stdText(q.value(1)) },
            { "status", stdText(q.value(2)) }, { "domain", stdText(q.value(3)) }, { "key", stdText(q.value(4)) },
            { "changes", parseJson(q.value(7)) }, { "before", parseJson(q.value(8)) },
            { "critical_groups", parseJson(q.value(9)) }, { "reason", stdText(q.value(11)) },
            { "proposed_by", stdText(q.value(12)) }, { "proposed_at", formatRfc3339(q.value(13).toLongLong()) } };
        if (!stdText(q.value(5)).empty())
            j["target"] = stdText(q.value(5));
        if (q.value(6).toLongLong())
            j["exception_id"] = q.value(6).toLongLong();
        if (!stdText(q.value(10)).empty())
            j["on_behalf_of"] = stdText(q.value(10));
        if (!stdText(q.value(14)).empty()) {
            j["decided_by"] = stdText(q.value(14));
            j["decided_at"] = formatRfc3339(q.value(15).toLongLong());
            j["decision_reason"] = stdText(q.value(16));
        }
        if (q.value(17).toLongLong())
            j["revision_id"] = q.value(17).toLongLong();
        if (q.value(18).toLongLong())
            j["rule_id"] = q.value(18).toLongLong();
        out.push_back(std::move(j));
    }
    return out;
}

} // namespace mdsync
