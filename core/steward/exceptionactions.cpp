#include "steward/exceptionactions.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "steward/retention.h"
#include "store/archive.h"
#include "store/deliverystatus.h"
#include "store/duplicatedecisions.h"
#include "store/exceptionstatus.h"
#include "store/idempotency.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <map>
#include <optional>

namespace mdsync {

namespace {

constexpr std::array<std::pair<DiscardReason, std::string_view>, 5> kReasons
    = { { { DiscardReason::Superseded, "superseded" }, { DiscardReason::ObsoleteObject, "obsolete_object" },
        { DiscardReason::Duplicate, "duplicate" }, { DiscardReason::TargetDecommissioned, "target_decommissioned" },
        { DiscardReason::Other, "other" } } };

struct ExceptionRow
{
    std::int64_t id = 0;
    std::string stage, category, status, domain, key, targetId, assignee;
    std::int64_t objectId = 0, revisionId = 0, deliveryId = 0;
};

// `lock`: SELECT ... FOR UPDATE (PostgreSQL, inside the action's transaction): a second steward acting on the same
// exception at the same time waits for the first one's commit and then sees its outcome.
Result<ExceptionRow> load(const QSqlDatabase& db, std::int64_t id, bool lock = false)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT stage, category, status, coalesce(domain, ''), coalesce(object_key, ''),"
                             " coalesce(target_id, ''), coalesce(assignee, ''), coalesce(object_id, 0),"
                             " coalesce(revision_id, 0), coalesce(delivery_id, 0) FROM exception WHERE id = :id")
        + (lock ? QStringLiteral(" FOR UPDATE") : QString()));
    q.bindValue(QStringLiteral(":id"), QVariant::fromValue<qlonglong>(id));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("exception #%1").arg(id)));
    if (!q.next())
        return makeError(QStringLiteral("there is no exception #%1").arg(id));
    ExceptionRow r;
    r.id = id;
    r.stage = q.value(0).toString().toStdString();
    r.category = q.value(1).toString().toStdString();
    r.status = q.value(2).toString().toStdString();
    r.domain = q.value(3).toString().toStdString();
    r.key = q.value(4).toString().toStdString();
    r.targetId = q.value(5).toString().toStdString();
    r.assignee = q.value(6).toString().toStdString();
    r.objectId = q.value(7).toLongLong();
    r.revisionId = q.value(8).toLongLong();
    r.deliveryId = q.value(9).toLongLong();
    return r;
}

// "by <login> at <time>" of the latest audited `action` on exception `id` (empty when there is none, e.g. the
// exception was closed by a later revision).
QString whoActed(const QSqlDatabase& db, std::int64_t id, const QString& action)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT actor, at FROM audit_log WHERE subject = :subject AND action = :action"
                             " ORDER BY seq DESC LIMIT 1"));
    q.bindValue(QStringLiteral(":subject"), QStringLiteral("exception/%1").arg(id));
    q.bindValue(QStringLiteral(":action"), action);
    if (!q.exec() || !q.next())
        return {};
    return QStringLiteral(" by %1 at %2").arg(q.value(0).toString(), q.value(1).toString());
}

// Why an action on a closed exception is refused: "exception #N was already discarded by sam at 2026-...".
QString alreadyClosed(const QSqlDatabase& db, const ExceptionRow& row)
{
    const QString status = qs(row.status);
    static const std::map<QString, QString> byStatus
        = { { QStringLiteral("discarded"), QStringLiteral("exception.discard") },
              { QStringLiteral("resolved"), QStringLiteral("exception.resolve") },
              { QStringLiteral("replayed"), QStringLiteral("exception.replay") } };
    const auto it = byStatus.find(status);
    const QString who = it == byStatus.end() ? QString() : whoActed(db, row.id, it->second);
    if (who.isEmpty())
        return QStringLiteral("exception #%1 is already %2").arg(row.id).arg(status);
    return QStringLiteral("exception #%1 was already %2%3").arg(row.id).arg(status, who);
}

bool exec(QSqlQuery& q, QString& error, const QString& what)
{
    if (q.exec())
        return true;
    error = sqlError(q, what);
    return false;
}

// Runs one steward action: permission, load, open check, then `body` inside a transaction, then the lineage
// event and the audit entry; all or nothing.
Result<void> act(Workspace& ws, const std::string& actor, Action action, std::int64_t id, bool needsOpen,
    const std::string& auditAction, const std::optional<std::string>& reason,
    const std::function<bool(const ExceptionRow&, nlohmann::json& before, nlohmann::json& after, QString& error)>& body)
{
    if (auto r = requirePermission(ws.db(), actor, action); !r)
        return r;
    // The row is read inside the transaction (locked on PostgreSQL, where other stewards' sessions write too;
    // SQLite's BEGIN IMMEDIATE already admits one writer at a time): two stewards acting on the same exception
    // at once are applied one after the other, and the second sees what the first did.
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto row = load(ws.db(), id, ws.isPostgres());
    if (!row)
        return makeError(row.error());
    if (needsOpen && isClosed(row->status))
        return makeError(alreadyClosed(ws.db(), row.value()));
    nlohmann::json before = { { "status", row->status }, { "assignee", row->assignee } };
    nlohmann::json after = nlohmann::json::object();
    QString error;
    try {
        if (!body(row.value(), before, after, error))
            return makeError(error);
    } catch (const store::SqlError& e) {
        return e.error();
    }
    const TimeMs t = nowMs();
    nlohmann::json detail = after;
    detail["exception_id"] = id;
    if (reason)
        detail["reason"] = *reason;
    const std::string detailText = detail.dump();
    try {
        ws.outbox().lineage({ t, row->domain.empty() ? std::string_view("-") : std::string_view(row->domain),
            row->key.empty() ? std::string_view("-") : std::string_view(row->key), row->objectId, row->revisionId,
            auditAction, row->targetId, actor, {}, detailText });
    } catch (const store::SqlError& e) {
        return e.error();
    }
    AuditLog audit(ws.db());
    if (auto r = audit.append(actor, auditAction, "exception/" + std::to_string(id), before, after, reason); !r)
        return makeError(r.error());
    return tx.commit();
}

// Moves an exception to a new status with the counter rows that summarise it.
bool setStatus(const QSqlDatabase& db, const ExceptionRow& row, ExceptionStatus to, QString& error)
{
    const std::string status(toString(to));
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE exception SET status = :s, updated_at = :t WHERE id = :id"));
    q.bindValue(QStringLiteral(":s"), qs(status));
    q.bindValue(QStringLiteral(":t"), QVariant::fromValue<qlonglong>(nowMs()));
    q.bindValue(QStringLiteral(":id"), QVariant::fromValue<qlonglong>(row.id));
    if (!exec(q, error, QStringLiteral("exception status")))
        return false;
    for (const auto& [st, n] : { std::pair { row.status, -1 }, std::pair { status, 1 } }) {
        q.prepare(
            QStringLiteral("INSERT INTO exception_counter(stage, category, status, n) VALUES (:g, :c, :s, :n)"
                           " ON CONFLICT(stage, category, status) DO UPDATE SET n = exception_counter.n + excluded.n"));
        q.bindValue(QStringLiteral(":g"), qs(row.stage));
        q.bindValue(QStringLiteral(":c"), qs(row.category));
        q.bindValue(QStringLiteral(":s"), qs(st));
        q.bindValue(QStringLiteral(":n"), n);
        if (!exec(q, error, QStringLiteral("exception counters")))
            return false;
    }
    return true;
}

// Moves the failed delivery behind an exception back to pending (replay) or to discarded, through the Outbox
// (object_target and counters with it). Storage failures throw store::SqlError.
bool setDeliveryStatus(Workspace& ws, const ExceptionRow& row, DeliveryStatus status, QString& error)
{
    if (!row.deliveryId)
        return true;
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT status FROM delivery WHERE id = :id"));
    q.bindValue(QStringLiteral(":id"), QVariant::fromValue<qlonglong>(row.deliveryId));
    if (!exec(q, error, QStringLiteral("delivery")) || !q.next()) {
        if (error.isEmpty())
            error = QStringLiteral("delivery %1 of exception #%2 is missing").arg(row.deliveryId).arg(row.id);
        return false;
    }
    const std::string old = q.value(0).toString().toStdString();
    if (parseDeliveryStatus(old) != DeliveryStatus::Failed) {
        error = QStringLiteral("the delivery behind exception #%1 is %2, not failed").arg(row.id).arg(qs(old));
        return false;
    }
    const bool replay = status == DeliveryStatus::Pending;
    const std::string note = (replay ? std::string(toString(ExceptionStatus::Replayed)) : std::string(toString(status)))
        + " by a steward (exception #" + std::to_string(row.id) + ")";
    Outbox::Deltas deltas;
    const Outbox::Ref d { row.deliveryId, row.objectId, row.targetId, row.domain, DeliveryStatus::Failed };
    if (replay)
        ws.outbox().requeue(d, note, nowMs(), deltas);
    else
        ws.outbox().discard(d, note, nowMs(), deltas);
    ws.outbox().writeCounters(deltas);
    return true;
}

bool setAssignee(const QSqlDatabase& db, std::int64_t id, const std::string& assignee, QString& error)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE exception SET assignee = :a, updated_at = :t WHERE id = :id"));
    q.bindValue(QStringLiteral(":a"), assignee.empty() ? QVariant() : QVariant(qs(assignee)));
    q.bindValue(QStringLiteral(":t"), QVariant::fromValue<qlonglong>(nowMs()));
    q.bindValue(QStringLiteral(":id"), QVariant::fromValue<qlonglong>(id));
    return exec(q, error, QStringLiteral("assignee"));
}

std::optional<std::string> optionalText(const std::string& s)
{
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

} // namespace

std::string_view discardReasonName(DiscardReason r)
{
    for (const auto& [v, n] : kReasons)
        if (v == r)
            return n;
    return "other";
}

bool discardReasonFromName(std::string_view name, DiscardReason& out)
{
    for (const auto& [v, n] : kReasons) {
        if (n == name) {
            out = v;
            return true;
        }
    }
    return false;
}

ExceptionActions::ExceptionActions(Workspace& ws)
    : m_ws(ws)
{ }

Result<void> ExceptionActions::assign(
    const std::string& actor, std::int64_t id, const std::string& assignee, const std::string& note)
{
    if (assignee.empty())
        return makeError(QStringLiteral("assign #%1: who to assign it to is required").arg(id));
    return act(m_ws, actor, Action::Assign, id, true, "exception.assign", optionalText(note),
        [&](const ExceptionRow& row, nlohmann::json&, nlohmann::json& after, QString& error) {
            if (row.assignee == assignee) {
                error = QStringLiteral("exception #%1 is already assigned to %2%3")
                            .arg(id)
                            .arg(qs(assignee), whoActed(m_ws.db(), id, QStringLiteral("exception.assign")));
                return false;
            }
            after = { { "assignee", assignee } };
            return setAssignee(m_ws.db(), id, assignee, error);
        });
}

Result<void> ExceptionActions::unassign(const std::string& actor, std::int64_t id, const std::string& note)
{
    return act(m_ws, actor, Action::Assign, id, true, "exception.unassign", optionalText(note),
        [&](const ExceptionRow& row, nlohmann::json&, nlohmann::json& after, QString& error) {
            if (row.assignee.empty()) {
                error = QStringLiteral("exception #%1 is not assigned").arg(id);
                return false;
            }
            after = { { "assignee", nullptr } };
            return setAssignee(m_ws.db(), id, {}, error);
        });
}

Result<void> ExceptionActions::comment(const std::string& actor, std::int64_t id, const std::string& text)
{
    if (text.empty())
        return makeError(QStringLiteral("comment on #%1: the text is empty").arg(id));
    return act(m_ws, actor, Action::Comment, id, false, "exception.comment", std::nullopt,
        [&](const ExceptionRow&, nlohmann::json&, nlohmann::json& after, QString&) {
            after = { { "comment", text } };
            return true;
        });
}

Result<void> ExceptionActions::discard(
    const std::string& actor, std::int64_t id, DiscardReason reason, const std::string& text)
{
    if (reason == DiscardReason::Other && text.empty())
        return makeError(QStringLiteral("discard #%1: reason code 'other' needs a text saying why").arg(id));
    const std::string why = std::string(discardReasonName(reason)) + (text.empty() ? "" : ": " + text);
    return act(m_ws, actor, Action::Discard, id, true, "exception.discard", why,
        [&](const ExceptionRow& row, nlohmann::json&, nlohmann::json& after, QString& error) {
            after
                = { { "status", toString(ExceptionStatus::Discarded) }, { "reason_code", discardReasonName(reason) } };
            return setStatus(m_ws.db(), row, ExceptionStatus::Discarded, error)
                && (row.stage != "delivery" || setDeliveryStatus(m_ws, row, DeliveryStatus::Discarded, error));
        });
}

namespace {
Result<void> resolveUnder(
    Workspace& ws, Action permission, const std::string& actor, std::int64_t id, const std::string& text)
{
    if (text.empty())
        return makeError(QStringLiteral("resolve #%1: say how it was resolved").arg(id));
    return act(ws, actor, permission, id, true, "exception.resolve", text,
        [&](const ExceptionRow& row, nlohmann::json&, nlohmann::json& after, QString& error) {
            after = { { "status", toString(ExceptionStatus::Resolved) } };
            return setStatus(ws.db(), row, ExceptionStatus::Resolved, error);
        });
}
} // namespace

Result<void> ExceptionActions::resolve(const std::string& actor, std::int64_t id, const std::string& text)
{
    return resolveUnder(m_ws, Action::Resolve, actor, id, text);
}

Result<void> ExceptionActions::resolveByCorrection(const std::string& actor, std::int64_t id, const std::string& text)
{
    // The caller checked the correction's own permission (correct, or approve for a four-eyes one); an approver may
    // not resolve exceptions otherwise, so only the identity is checked here (Action::Read: every role).
    return resolveUnder(m_ws, Action::Read, actor, id, text);
}

// A drift (the target's copy differs from the revision it acknowledged): replaying it re-sends the object's current
// revision to that target as a new delivery. Its idempotency key differs from the acknowledged one's (the
// exception id is part of it), or the target would answer "already applied" and keep its edited copy.
static bool resendCurrentRevision(
    Workspace& ws, const ExceptionRow& row, std::int64_t& deliveryId, std::int64_t& revisionNo, QString& error)
{
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT o.current_revision_id, o.revision_no, o.deleted, d.subscription_id,"
                             " d.contract_version, (SELECT value FROM meta WHERE key = 'instance_id')"
                             " FROM object o JOIN delivery d ON d.object_id = o.id AND d.target_id = :t"
                             " WHERE o.id = :o ORDER BY d.id DESC LIMIT 1"));
    q.bindValue(QStringLiteral(":t"), qs(row.targetId));
    q.bindValue(QStringLiteral(":o"), QVariant::fromValue<qlonglong>(row.objectId));
    if (!exec(q, error, QStringLiteral("current revision")))
        return false;
    if (!q.next()) {
        error = QStringLiteral("exception #%1: %2 %3 was never delivered to %4; nothing to re-send")
                    .arg(row.id)
                    .arg(qs(row.domain), qs(row.key), qs(row.targetId));
        return false;
    }
    const std::int64_t revisionId = q.value(0).toLongLong();
    revisionNo = q.value(1).toLongLong();
    if (q.value(2).toInt() != 0) {
        error = QStringLiteral("exception #%1: %2 %3 is deleted; nothing to re-send")
                    .arg(row.id)
                    .arg(qs(row.domain), qs(row.key));
        return false;
    }
    const std::string subscription = q.value(3).toString().toStdString();
    const std::string contract = q.value(4).toString().toStdString();
    const std::string key = idempotencyKey(q.value(5).toString().toStdString(), row.domain, row.key, revisionNo,
        row.targetId, contract + "/resend-" + std::to_string(row.id));
    const std::string instanceId = q.value(5).toString().toStdString();
    const std::string note = "re-sent by a steward: drift (exception #" + std::to_string(row.id) + ")";
    Outbox::Deltas deltas;
    deliveryId = ws.outbox().enqueueResend({ revisionId, row.objectId, revisionNo, instanceId, row.domain, row.key },
        row.targetId, subscription, contract, key, note, nowMs(), deltas);
    ws.outbox().writeCounters(deltas);
    return true;
}

Result<void> ExceptionActions::replay(const std::string& actor, std::int64_t id, const std::string& note)
{
    return act(m_ws, actor, Action::Replay, id, true, "exception.replay", optionalText(note),
        [&](const ExceptionRow& row, nlohmann::json&, nlohmann::json& after, QString& error) {
            if (row.stage == "delivery" && row.category == "drift" && row.objectId) {
                std::int64_t deliveryId = 0;
                std::int64_t revisionNo = 0;
                if (!resendCurrentRevision(m_ws, row, deliveryId, revisionNo, error))
                    return false;
                after = { { "status", toString(ExceptionStatus::Replayed) }, { "delivery_id", deliveryId },
                    { "target", row.targetId }, { "resent_revision_no", revisionNo } };
                return setStatus(m_ws.db(), row, ExceptionStatus::Replayed, error);
            }
            if (row.stage != "delivery" || !row.deliveryId) {
                error = QStringLiteral("exception #%1 is an inbound exception: nothing to replay (fix it at the"
                                       " source and re-send, then resolve it)")
                            .arg(id);
                return false;
            }
            // An archived revision has no payload left to send (docs/RETENTION.md): refused, naming the archive.
            auto archived = store::archiveOfDelivery(m_ws.db(), row.deliveryId);
            if (!archived) {
                error = archived.error();
                return false;
            }
            if (const std::optional<store::ArchivedRevision>& a = archived.value()) {
                error = QStringLiteral("exception #%1: ").arg(id)
                    + qs(archivedRevisionMessage(
                        row.domain, row.key, a->revisionNo, a->archive.fileName, a->archive.manifestSha256));
                return false;
            }
            after = { { "status", toString(ExceptionStatus::Replayed) }, { "delivery_id", row.deliveryId },
                { "target", row.targetId } };
            return setStatus(m_ws.db(), row, ExceptionStatus::Replayed, error)
                && setDeliveryStatus(m_ws, row, DeliveryStatus::Pending, error);
        });
}

Result<std::vector<std::int64_t>> resolvePairSuspects(Workspace& ws, std::int64_t a, std::int64_t b)
{
    const ObjectPair pair = orderedPair(a, b);
    // The open suspects of the pair, either way round (a re-created object may have raised it again).
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT id FROM exception WHERE category = 'duplicate_suspect' AND object_id IN (?, ?)"
                             " AND status IN %1 ORDER BY id")
                  .arg(qs(sqlOpenExceptionStatuses())));
    q.addBindValue(QVariant::fromValue<qlonglong>(pair.first));
    q.addBindValue(QVariant::fromValue<qlonglong>(pair.second));
    QString error;
    if (!exec(q, error, QStringLiteral("the suspects of a pair")))
        return makeError(error);
    std::vector<std::int64_t> candidates;
    while (q.next())
        candidates.push_back(q.value(0).toLongLong());
    q.finish();
    std::vector<std::int64_t> closed;
    for (std::int64_t id : candidates) {
        auto s = read::duplicateSuspect(ws.db(), id);
        if (!s)
            return makeError(s.error());
        if (orderedPair(s->objectId, s->suspectId) != pair)
            continue;
        auto row = load(ws.db(), id, ws.isPostgres());
        if (!row)
            return makeError(row.error());
        if (!setStatus(ws.db(), row.value(), ExceptionStatus::Resolved, error))
            return makeError(error);
        closed.push_back(id);
    }
    return closed;
}

namespace {

// The pair a "not a duplicate" decision is about, and the exception it was asked from (if any).
struct DismissedPair
{
    std::string domain;
    std::int64_t a = 0, b = 0;
    std::optional<ExceptionRow> exception;
};

// Records the decision on the pair `find` names (inside the transaction), closes the pair's open suspects, writes the
// lineage events and the audit entry; all or nothing.
Result<void> dismissPair(Workspace& ws, const std::string& actor, const std::string& reason,
    const std::function<Result<DismissedPair>()>& find)
{
    if (auto r = requirePermission(ws.db(), actor, Action::DecideDuplicate); !r)
        return r;
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    auto found = find();
    if (!found)
        return makeError(found.error());
    const DismissedPair& p = found.value();
    const ObjectPair pair = orderedPair(p.a, p.b);
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT id, key, current_revision_id FROM object WHERE id IN (?, ?)"));
    q.addBindValue(QVariant::fromValue<qlonglong>(pair.first));
    q.addBindValue(QVariant::fromValue<qlonglong>(pair.second));
    QString error;
    if (!exec(q, error, QStringLiteral("the objects of a duplicate suspect")))
        return makeError(error);
    std::map<std::int64_t, std::pair<std::string, std::int64_t>> objects; // id -> key, current revision
    while (q.next())
        objects[q.value(0).toLongLong()] = { q.value(1).toString().toStdString(), q.value(2).toLongLong() };
    q.finish();
    for (std::int64_t id : { pair.first, pair.second })
        if (!objects.contains(id))
            return makeError(QStringLiteral("%1 object %2 of the pair no longer exists").arg(qs(p.domain)).arg(id));
    const std::string& lowKey = objects[pair.first].first;
    const std::string& highKey = objects[pair.second].first;
    const QString pairName = QStringLiteral("%1 '%2' and '%3'").arg(qs(p.domain), qs(lowKey), qs(highKey));
    auto decided = store::duplicateDecision(ws.db(), pair);
    if (!decided)
        return makeError(decided.error());
    if (decided.value())
        return makeError(QStringLiteral("%1 were already decided not duplicates by %2 at %3 (%4)")
                             .arg(pairName, decided.value()->actor, qs(formatRfc3339(decided.value()->at)),
                                 decided.value()->reason));
    if (p.exception && isClosed(p.exception->status))
        return makeError(alreadyClosed(ws.db(), *p.exception));
    const TimeMs t = nowMs();
    if (auto r = store::insertDuplicateDecision(
            ws.db(), qs(p.domain), pair, QStringLiteral("not_duplicate"), qs(actor), t, qs(reason));
        !r)
        return r;

    auto resolved = resolvePairSuspects(ws, pair.first, pair.second);
    if (!resolved)
        return makeError(resolved.error());
    const nlohmann::json closed = resolved.value();

    const nlohmann::json after = { { "decision", "not_duplicate" }, { "domain", p.domain },
        { "objects", { { { "id", pair.first }, { "key", lowKey } }, { { "id", pair.second }, { "key", highKey } } } },
        { "resolved_exceptions", closed }, { "status", toString(ExceptionStatus::Resolved) },
        { "reason_code", "not_a_duplicate" } };
    try {
        for (const auto& [self, other] :
            { std::pair { pair.first, pair.second }, std::pair { pair.second, pair.first } }) {
            const nlohmann::json detail = { { "decision", "not_duplicate" }, { "other_key", objects[other].first },
                { "other_object_id", other }, { "resolved_exceptions", closed }, { "reason", reason } };
            ws.outbox().lineage({ t, p.domain, objects[self].first, self, objects[self].second, "duplicate.dismiss", {},
                actor, {}, detail.dump() });
        }
    } catch (const store::SqlError& e) {
        return e.error();
    }
    AuditLog audit(ws.db());
    const std::string subject = p.domain + "/" + lowKey + " <> " + p.domain + "/" + highKey;
    if (auto r = audit.append(actor, "duplicate.dismiss", subject, nlohmann::json { { "decision", nullptr } }, after,
            std::optional<std::string>(reason));
        !r)
        return makeError(r.error());
    return tx.commit();
}

} // namespace

Result<void> ExceptionActions::dismissDuplicate(const std::string& actor, std::int64_t id, const std::string& reason)
{
    if (reason.empty())
        return makeError(
            QStringLiteral("not a duplicate #%1: a reason is required (why are they different objects?)").arg(id));
    return dismissPair(m_ws, actor, reason, [&]() -> Result<DismissedPair> {
        auto row = load(m_ws.db(), id, m_ws.isPostgres());
        if (!row)
            return makeError(row.error());
        if (row->category != "duplicate_suspect")
            return makeError(QStringLiteral("exception #%1 is a %2 exception, not a duplicate_suspect: only a"
                                            " duplicate suspect can be dismissed as not a duplicate")
                                 .arg(id)
                                 .arg(qs(row->category)));
        auto s = read::duplicateSuspect(m_ws.db(), id);
        if (!s)
            return makeError(s.error());
        if (!s->objectId)
            return makeError(QStringLiteral("exception #%1 is a held event (nothing was created): discard it, or"
                                            " re-send it under a duplicate check that flags instead of holding")
                                 .arg(id));
        if (!s->suspectId || s->suspectId == s->objectId)
            return makeError(QStringLiteral("exception #%1 names no other object").arg(id));
        return DismissedPair { row->domain, s->objectId, s->suspectId, row.value() };
    });
}

Result<void> ExceptionActions::dismissDuplicatePair(const std::string& actor, const std::string& domain,
    const std::string& keyA, const std::string& keyB, const std::string& reason)
{
    if (reason.empty())
        return makeError(QStringLiteral("not a duplicate: %1 '%2' and '%3': a reason is required (why are they"
                                        " different objects?)")
                             .arg(qs(domain), qs(keyA), qs(keyB)));
    if (keyA == keyB)
        return makeError(QStringLiteral("not a duplicate: %1 '%2' is the same object twice").arg(qs(domain), qs(keyA)));
    return dismissPair(m_ws, actor, reason, [&]() -> Result<DismissedPair> {
        DismissedPair p { domain, 0, 0, std::nullopt };
        QSqlQuery q(m_ws.db());
        for (const auto& [key, out] : { std::pair { &keyA, &p.a }, std::pair { &keyB, &p.b } }) {
            q.prepare(QStringLiteral("SELECT id FROM object WHERE domain = ? AND key = ?"));
            q.addBindValue(qs(domain));
            q.addBindValue(qs(*key));
            QString error;
            if (!exec(q, error, QStringLiteral("an object of the pair")))
                return makeError(error);
            if (!q.next())
                return makeError(QStringLiteral("there is no %1 '%2'").arg(qs(domain), qs(*key)));
            *out = q.value(0).toLongLong();
            q.finish();
        }
        return p;
    });
}

} // namespace mdsync
