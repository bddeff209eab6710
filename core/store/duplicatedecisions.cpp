#include "store/duplicatedecisions.h"

#include "store/exceptionstatus.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QSqlQuery>
#include <QVariant>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace mdsync {

namespace store {

namespace {

Result<DuplicateDecisionStamp> readStamp(
    const QSqlDatabase& db, SqlStatement& st, std::string_view sql, const char* what)
{
    if (!st.isPrepared() && !st.prepare(db, sql))
        return makeError(QStringLiteral("%1: %2").arg(QLatin1String(what), st.error()));
    const bool row = st.next();
    const DuplicateDecisionStamp stamp
        = row ? DuplicateDecisionStamp { st.int64(0), st.int64(1) } : DuplicateDecisionStamp {};
    const QString error = row ? QString() : st.failed() ? st.error() : QStringLiteral("no row");
    st.reset();
    if (!error.isEmpty())
        return makeError(QStringLiteral("%1: %2").arg(QLatin1String(what), error));
    return stamp;
}

} // namespace

Result<DuplicateDecisionStamp> duplicateDecisionStamp(const QSqlDatabase& db, SqlStatement& st)
{
    return readStamp(db, st, "SELECT count(*), coalesce(max(id), 0) FROM duplicate_decision", "duplicate decisions");
}

Result<std::set<ObjectPair>> dismissedDuplicatePairs(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(
            QStringLiteral("SELECT object_low, object_high FROM duplicate_decision WHERE decision = 'not_duplicate'")))
        return makeError(sqlError(q, QStringLiteral("duplicate decisions")));
    std::set<ObjectPair> pairs;
    while (q.next())
        pairs.insert(orderedPair(q.value(0).toLongLong(), q.value(1).toLongLong()));
    return pairs;
}

Result<std::optional<DuplicateDecision>> duplicateDecision(const QSqlDatabase& db, ObjectPair pair)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, at, domain, decision, actor, reason FROM duplicate_decision"
                             " WHERE object_low = ? AND object_high = ?"));
    q.addBindValue(qint64(pair.first));
    q.addBindValue(qint64(pair.second));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("duplicate decision")));
    if (!q.next())
        return std::optional<DuplicateDecision>();
    return std::optional<DuplicateDecision>(DuplicateDecision { q.value(0).toLongLong(), q.value(1).toLongLong(),
        q.value(2).toString(), q.value(3).toString(), q.value(4).toString(), q.value(5).toString() });
}

Result<void> insertDuplicateDecision(const QSqlDatabase& db, const QString& domain, ObjectPair pair,
    const QString& decision, const QString& actor, qint64 at, const QString& reason)
{
    const ObjectPair p = orderedPair(pair.first, pair.second);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO duplicate_decision(domain, object_low, object_high, decision, actor, at,"
                             " reason) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(domain);
    q.addBindValue(qint64(p.first));
    q.addBindValue(qint64(p.second));
    q.addBindValue(decision);
    q.addBindValue(actor);
    q.addBindValue(at);
    q.addBindValue(reason);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("record duplicate decision")));
    return {};
}

namespace {

const QString kMergeColumns
    = QStringLiteral("SELECT id, domain, merged_id, merged_key, survivor_id, survivor_key, status, reason,"
                     " proposed_by, proposed_at, coalesce(decided_by, ''), coalesce(decided_at, 0),"
                     " coalesce(decision_reason, ''), coalesce(exception_id, 0), coalesce(applied_at, 0),"
                     " coalesce(detail, '') FROM object_merge");

ObjectMerge mergeOf(const QSqlQuery& q)
{
    ObjectMerge m;
    m.id = q.value(0).toLongLong();
    m.domain = q.value(1).toString();
    m.mergedId = q.value(2).toLongLong();
    m.mergedKey = q.value(3).toString();
    m.survivorId = q.value(4).toLongLong();
    m.survivorKey = q.value(5).toString();
    m.status = q.value(6).toString();
    m.reason = q.value(7).toString();
    m.proposedBy = q.value(8).toString();
    m.proposedAt = q.value(9).toLongLong();
    m.decidedBy = q.value(10).toString();
    m.decidedAt = q.value(11).toLongLong();
    m.decisionReason = q.value(12).toString();
    m.exceptionId = q.value(13).toLongLong();
    m.appliedAt = q.value(14).toLongLong();
    m.detail = q.value(15).toString();
    return m;
}

QVariant nullIfZero(qint64 v)
{
    return v ? QVariant(v) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant nullIfEmpty(const QString& s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

Result<std::vector<ObjectMerge>> merges(QSqlQuery& q, const QString& what)
{
    if (!q.exec())
        return makeError(sqlError(q, what));
    std::vector<ObjectMerge> out;
    while (q.next())
        out.push_back(mergeOf(q));
    return out;
}

} // namespace

Result<qint64> insertObjectMerge(const QSqlDatabase& db, const ObjectMerge& m)
{
    QSqlQuery q(db);
    q.prepare(
        QStringLiteral("INSERT INTO object_merge(domain, merged_id, merged_key, survivor_id, survivor_key, status,"
                       " reason, proposed_by, proposed_at, decided_by, decided_at, decision_reason, exception_id,"
                       " applied_at, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id"));
    q.addBindValue(m.domain);
    q.addBindValue(m.mergedId);
    q.addBindValue(m.mergedKey);
    q.addBindValue(m.survivorId);
    q.addBindValue(m.survivorKey);
    q.addBindValue(m.status);
    q.addBindValue(m.reason);
    q.addBindValue(m.proposedBy);
    q.addBindValue(m.proposedAt);
    q.addBindValue(nullIfEmpty(m.decidedBy));
    q.addBindValue(nullIfZero(m.decidedAt));
    q.addBindValue(nullIfEmpty(m.decisionReason));
    q.addBindValue(nullIfZero(m.exceptionId));
    q.addBindValue(nullIfZero(m.appliedAt));
    q.addBindValue(nullIfEmpty(m.detail));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("record merge of %1 '%2'").arg(m.domain, m.mergedKey)));
    std::int64_t id = 0;
    if (!readReturnedId(q, id))
        return makeError(sqlError(q, QStringLiteral("record merge: no id returned")));
    return qint64(id);
}

Result<void> updateObjectMerge(const QSqlDatabase& db, const ObjectMerge& m)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE object_merge SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?,"
                             " applied_at = ?, detail = ? WHERE id = ?"));
    q.addBindValue(m.status);
    q.addBindValue(nullIfEmpty(m.decidedBy));
    q.addBindValue(nullIfZero(m.decidedAt));
    q.addBindValue(nullIfEmpty(m.decisionReason));
    q.addBindValue(nullIfZero(m.appliedAt));
    q.addBindValue(nullIfEmpty(m.detail));
    q.addBindValue(m.id);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("merge #%1").arg(m.id)));
    return {};
}

Result<bool> claimObjectMergeDecision(const QSqlDatabase& db, const ObjectMerge& m)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE object_merge SET decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ?"
                             " AND status = 'awaiting_approval' AND decided_by IS NULL"));
    q.addBindValue(m.decidedBy);
    q.addBindValue(m.decidedAt);
    q.addBindValue(nullIfEmpty(m.decisionReason));
    q.addBindValue(m.id);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("merge #%1: the decision").arg(m.id)));
    return q.numRowsAffected() > 0;
}

Result<ObjectMerge> objectMerge(const QSqlDatabase& db, qint64 id)
{
    QSqlQuery q(db);
    q.prepare(kMergeColumns + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(id);
    auto all = merges(q, QStringLiteral("merge #%1").arg(id));
    if (!all)
        return makeError(all.error());
    if (all->empty())
        return makeError(QStringLiteral("there is no merge #%1 (see mdsyncctl duplicates merges)").arg(id));
    return all->front();
}

Result<std::vector<ObjectMerge>> objectMerges(const QSqlDatabase& db, const QString& status, const QString& domain)
{
    QSqlQuery q(db);
    q.prepare(kMergeColumns
        + QStringLiteral(" WHERE (? = '' OR status = ?) AND (? = '' OR domain = ?) ORDER BY id DESC LIMIT 1000"));
    // Never NULL: a null QString binds as NULL, and NULL = '' is not true.
    const QString s = status.isNull() ? QStringLiteral("") : status;
    const QString d = domain.isNull() ? QStringLiteral("") : domain;
    q.addBindValue(s);
    q.addBindValue(s);
    q.addBindValue(d);
    q.addBindValue(d);
    return merges(q, QStringLiteral("merges"));
}

Result<std::vector<ObjectMerge>> objectMergesOf(const QSqlDatabase& db, qint64 objectId)
{
    QSqlQuery q(db);
    q.prepare(kMergeColumns
        + QStringLiteral(" WHERE (merged_id = ? OR survivor_id = ?) AND status <> 'rejected' ORDER BY id"));
    q.addBindValue(objectId);
    q.addBindValue(objectId);
    return merges(q, QStringLiteral("merges of object %1").arg(objectId));
}

Result<DuplicateDecisionStamp> objectMergeStamp(const QSqlDatabase& db, SqlStatement& st)
{
    return readStamp(
        db, st, "SELECT count(*), coalesce(max(id), 0) FROM object_merge WHERE status = 'applied'", "merges");
}

Result<MergeAliases> mergeAliases(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT domain, merged_key, survivor_key FROM object_merge WHERE status = 'applied'")))
        return makeError(sqlError(q, QStringLiteral("merge aliases")));
    MergeAliases aliases;
    while (q.next())
        aliases[{ q.value(0).toString().toStdString(), q.value(1).toString().toStdString() }]
            = q.value(2).toString().toStdString();
    // Follow chains to their end (a merge never makes a cycle: the survivor of an applied merge is a live object and
    // a merged one is retired; the bound only guards against a hand-edited table).
    for (auto& [from, to] : aliases) {
        for (size_t hops = 0; hops < aliases.size(); ++hops) {
            auto next = aliases.find(std::pair { from.first, to });
            if (next == aliases.end() || next->second == from.second)
                break;
            to = next->second;
        }
    }
    return aliases;
}

} // namespace store

namespace read {

namespace {

QString dupError(const QSqlQuery& q, const QString& what)
{
    return sqlError(q, QStringLiteral("duplicates: %1").arg(what));
}

const QString kSuspectColumns = QStringLiteral(
    "SELECT id, created_at, coalesce(domain, ''), coalesce(object_key, ''), status, coalesce(object_id, 0), details"
    " FROM exception WHERE category = 'duplicate_suspect'");

DuplicateSuspect suspectOf(const QSqlQuery& q)
{
    DuplicateSuspect s;
    s.exceptionId = q.value(0).toLongLong();
    s.createdAt = q.value(1).toLongLong();
    s.domain = q.value(2).toString();
    s.key = q.value(3).toString();
    s.status = q.value(4).toString();
    s.objectId = q.value(5).toLongLong();
    const auto details = nlohmann::json::parse(q.value(6).toString().toStdString(), nullptr, false);
    if (details.is_object() && details.contains("suspect") && details["suspect"].is_object()) {
        const nlohmann::json& su = details["suspect"];
        if (su.contains("object_id") && su["object_id"].is_number_integer())
            s.suspectId = su["object_id"].get<std::int64_t>();
        if (su.contains("key") && su["key"].is_string())
            s.suspectKey = QString::fromStdString(su["key"].get<std::string>());
        if (su.contains("score") && su["score"].is_number())
            s.score = su["score"].get<double>();
        if (su.contains("compared") && su["compared"].is_array())
            for (const auto& c : su["compared"])
                if (c.is_string())
                    s.compared << QString::fromStdString(c.get<std::string>());
    }
    return s;
}

Result<DuplicateSide> sideOf(const QSqlDatabase& db, const QString& domain, const QString& key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id FROM object WHERE domain = ? AND key = ?"));
    q.addBindValue(domain);
    q.addBindValue(key);
    if (!q.exec())
        return makeError(dupError(q, QStringLiteral("an object to compare")));
    if (!q.next())
        return makeError(QStringLiteral("there is no %1 '%2'").arg(domain, key));
    DuplicateSide s;
    s.objectId = q.value(0).toLongLong();
    q.finish();
    auto side = objectSide(db, s.objectId);
    if (!side)
        return makeError(side.error());
    s.object = side.value();
    s.revisions = s.object.revisions;
    s.sources = s.object.sources;
    s.ackedTargets = s.object.ackedTargets;
    return s;
}

} // namespace

Result<std::vector<DuplicateSuspect>> openDuplicateSuspects(const QSqlDatabase& db, const QString& domain)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(kSuspectColumns + QStringLiteral(" AND status IN %1").arg(qs(sqlOpenExceptionStatuses()))
        + (domain.isEmpty() ? QString() : QStringLiteral(" AND domain = ?")) + QStringLiteral(" ORDER BY id"));
    if (!domain.isEmpty())
        q.addBindValue(domain);
    if (!q.exec())
        return makeError(dupError(q, QStringLiteral("open suspects")));
    std::vector<DuplicateSuspect> out;
    while (q.next())
        out.push_back(suspectOf(q));
    return out;
}

Result<DuplicateSuspect> duplicateSuspect(const QSqlDatabase& db, qint64 id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT category FROM exception WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(dupError(q, QStringLiteral("exception #%1").arg(id)));
    if (!q.next())
        return makeError(QStringLiteral("there is no exception #%1").arg(id));
    if (q.value(0).toString() != QLatin1String("duplicate_suspect"))
        return makeError(QStringLiteral("exception #%1 is a %2 exception, not a duplicate_suspect")
                             .arg(id)
                             .arg(q.value(0).toString()));
    q.finish();
    q.prepare(kSuspectColumns + QStringLiteral(" AND id = ?"));
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return makeError(dupError(q, QStringLiteral("exception #%1").arg(id)));
    return suspectOf(q);
}

Result<DuplicateComparison> compareDuplicates(
    const QSqlDatabase& db, const QString& domain, const QString& keyA, const QString& keyB)
{
    if (keyA == keyB)
        return makeError(QStringLiteral("compare: %1 '%2' is the same object twice").arg(domain, keyA));
    DuplicateComparison c;
    c.domain = domain;
    auto a = sideOf(db, domain, keyA);
    if (!a)
        return makeError(a.error());
    auto b = sideOf(db, domain, keyB);
    if (!b)
        return makeError(b.error());
    c.a = a.value();
    c.b = b.value();
    for (const DuplicateSide* s : { &c.a, &c.b }) {
        const auto state = nlohmann::json::parse(s->object.state.toStdString(), nullptr, false);
        if (!state.is_object())
            continue;
        for (auto it = state.begin(); it != state.end(); ++it)
            if (!c.attributes.contains(QString::fromStdString(it.key())))
                c.attributes << QString::fromStdString(it.key());
    }
    c.attributes.sort();
    auto d = store::duplicateDecision(db, orderedPair(c.a.objectId, c.b.objectId));
    if (!d)
        return makeError(d.error());
    c.decision = d.value();
    auto m = store::objectMergesOf(db, c.a.objectId);
    if (!m)
        return makeError(m.error());
    for (store::ObjectMerge& x : m.value())
        if (x.mergedId == c.b.objectId || x.survivorId == c.b.objectId)
            c.merges.push_back(std::move(x));
    return c;
}

} // namespace read

} // namespace mdsync
