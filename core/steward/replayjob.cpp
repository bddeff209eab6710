#include "steward/replayjob.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "steward/corrections.h"
#include "steward/exceptionactions.h"
#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include "util/sqlvalue.h"

#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <array>
#include <set>

namespace mdsync {

namespace {

std::optional<std::int64_t> parseDuration(const QString& text)
{
    static const std::array<std::pair<QChar, std::int64_t>, 5> units
        = { { { QLatin1Char('s'), 1000 }, { QLatin1Char('m'), 60000 }, { QLatin1Char('h'), 3600000 },
            { QLatin1Char('d'), 86400000 }, { QLatin1Char('w'), 7 * 86400000LL } } };
    if (text.size() < 2)
        return std::nullopt;
    for (const auto& [u, ms] : units) {
        if (text.back() != u)
            continue;
        bool ok = false;
        const double n = text.chopped(1).toDouble(&ok);
        if (!ok || n < 0)
            return std::nullopt;
        return static_cast<std::int64_t>(n * static_cast<double>(ms));
    }
    return std::nullopt;
}

} // namespace

Result<ReplayFilter> ReplayFilter::parse(const std::string& expr)
{
    ReplayFilter f;
    const QString text = sqlText(expr).trimmed();
    if (text.isEmpty())
        return f;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const auto eq = part.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return makeError(QStringLiteral("filter part '%1' is not key=value (keys: target, category, domain,"
                                            " older-than, error, id)")
                                 .arg(part));
        const QString k = part.left(eq).trimmed();
        const QString v = part.mid(eq + 1).trimmed();
        if (v.isEmpty())
            return makeError(QStringLiteral("filter part '%1' has no value").arg(part));
        if (k == QLatin1String("target")) {
            f.target = v.toStdString();
        } else if (k == QLatin1String("category")) {
            f.category = v.toStdString();
        } else if (k == QLatin1String("domain")) {
            f.domain = v.toStdString();
        } else if (k == QLatin1String("error")) {
            f.errorText = v.toStdString();
        } else if (k == QLatin1String("older-than") || k == QLatin1String("age")) {
            const auto d = parseDuration(v);
            if (!d)
                return makeError(
                    QStringLiteral("filter %1=%2: a duration is a number with s, m, h, d or w (e.g. 2h)").arg(k, v));
            f.olderThanMs = d.value_or(0);
        } else if (k == QLatin1String("id")) {
            for (const QString& id : v.split(QLatin1Char('+'), Qt::SkipEmptyParts)) {
                bool ok = false;
                const qint64 n = id.toLongLong(&ok);
                if (!ok || n <= 0)
                    return makeError(
                        QStringLiteral("filter id=%1: exception ids are positive numbers, joined with +").arg(v));
                f.exceptionIds.push_back(n);
            }
        } else {
            return makeError(QStringLiteral("unknown filter key '%1' (keys: target, category, domain, older-than,"
                                            " error, id)")
                                 .arg(k));
        }
    }
    return f;
}

bool ReplayFilter::empty() const
{
    return target.empty() && category.empty() && domain.empty() && errorText.empty() && olderThanMs == 0
        && exceptionIds.empty();
}

nlohmann::json ReplayFilter::toJson() const
{
    nlohmann::json j = nlohmann::json::object();
    if (!target.empty())
        j["target"] = target;
    if (!category.empty())
        j["category"] = category;
    if (!domain.empty())
        j["domain"] = domain;
    if (!errorText.empty())
        j["error"] = errorText;
    if (olderThanMs)
        j["older_than_ms"] = olderThanMs;
    if (!exceptionIds.empty())
        j["exception_ids"] = exceptionIds;
    return j;
}

nlohmann::json ReplayItem::toJson() const
{
    nlohmann::json j
        = { { "exception_id", exceptionId }, { "delivery_id", deliveryId }, { "domain", domain }, { "key", key },
              { "target", target }, { "revision_no", revisionNo }, { "category", category }, { "result", result } };
    if (!message.empty())
        j["message"] = message;
    if (!payload.is_null()) {
        j["payload"] = payload;
        j["last_acked_revision_no"] = lastAckedRevisionNo ? nlohmann::json(lastAckedRevisionNo) : nlohmann::json();
        j["last_acked_payload"] = lastAcked;
        j["diff"] = diff;
    }
    return j;
}

nlohmann::json ReplayJobResult::toJson() const
{
    nlohmann::json items_ = nlohmann::json::array();
    for (const ReplayItem& i : items)
        items_.push_back(i.toJson());
    return { { "job_id", jobId ? nlohmann::json(jobId) : nlohmann::json() }, { "dry_run", dryRun },
        { "cancelled", cancelled }, { "total", total }, { "succeeded", succeeded }, { "failed", failed },
        { "items", items_ } };
}

nlohmann::json payloadDiff(const nlohmann::json& before, const nlohmann::json& after)
{
    nlohmann::json out = nlohmann::json::array();
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& b = before.is_object() ? before : empty;
    const nlohmann::json& a = after.is_object() ? after : empty;
    std::set<std::string> fields;
    for (auto it = b.begin(); it != b.end(); ++it)
        fields.insert(it.key());
    for (auto it = a.begin(); it != a.end(); ++it)
        fields.insert(it.key());
    for (const std::string& f : fields) {
        auto ib = b.find(f);
        auto ia = a.find(f);
        if (ib == b.end())
            out.push_back({ { "field", f }, { "change", "added" }, { "before", nullptr }, { "after", *ia } });
        else if (ia == a.end())
            out.push_back({ { "field", f }, { "change", "removed" }, { "before", *ib }, { "after", nullptr } });
        else if (*ib != *ia)
            out.push_back({ { "field", f }, { "change", "changed" }, { "before", *ib }, { "after", *ia } });
    }
    return out;
}

ReplayJobs::ReplayJobs(Workspace& ws, const ContractSet& contracts, const UnitRegistry& units)
    : m_ws(ws)
    , m_contracts(contracts)
    , m_units(units)
{ }

read::ExceptionQuery ReplayFilter::query() const
{
    read::ExceptionQuery q;
    q.statuses.clear();
    q.category = sqlText(category);
    q.target = sqlText(target);
    q.domain = sqlText(domain);
    q.errorText = sqlText(errorText);
    q.olderThanMs = olderThanMs;
    q.ids.assign(exceptionIds.begin(), exceptionIds.end());
    q.sort = read::ExceptionQuery::Sort::Oldest;
    q.limit = limit;
    return q;
}

Result<void> execFiltered(
    QSqlQuery& q, QString selectWhere, const ReplayFilter& f, bool withDelivery, const QString& what)
{
    const read::ExceptionQuery query = f.query();
    const read::ExceptionQuery::Sql sql = query.conditions(nowMs(), withDelivery);
    for (const QString& c : sql.conditions)
        selectWhere += QStringLiteral(" AND ") + c;
    selectWhere += QStringLiteral(" ORDER BY ") + query.orderBy() + QStringLiteral(" LIMIT ?");
    q.prepare(selectWhere);
    for (const QVariant& b : sql.binds)
        q.addBindValue(b);
    q.addBindValue(query.limit);
    if (!q.exec())
        return makeError(sqlError(q, what));
    return {};
}

Result<std::vector<ReplayItem>> ReplayJobs::match(const ReplayFilter& f) const
{
    // Walks the exception_open index (status, category, created_at).
    read::ExceptionQuery query = f.query();
    query.storedStatus = qs(toString(ExceptionStatus::Open));
    query.stage = QStringLiteral("delivery");
    query.deliveryStatus = qs(toString(DeliveryStatus::Failed));
    QSqlQuery q(m_ws.db());
    if (auto r = query.exec(q,
            QStringLiteral("SELECT e.id, e.delivery_id, coalesce(e.domain,''), coalesce(e.object_key,''),"
                           " coalesce(e.target_id,''), e.category, e.message, d.revision_no"
                           " FROM exception e JOIN delivery d ON d.id = e.delivery_id"),
            nowMs(), true, QStringLiteral("replay: find failed deliveries"));
        !r)
        return makeError(r.error());
    std::vector<ReplayItem> items;
    while (q.next()) {
        ReplayItem i;
        i.exceptionId = q.value(0).toLongLong();
        i.deliveryId = q.value(1).toLongLong();
        i.domain = q.value(2).toString().toStdString();
        i.key = q.value(3).toString().toStdString();
        i.target = q.value(4).toString().toStdString();
        i.category = q.value(5).toString().toStdString();
        i.error = q.value(6).toString().toStdString();
        i.revisionNo = q.value(7).toLongLong();
        items.push_back(std::move(i));
    }
    return items;
}

Result<ReplayJobResult> ReplayJobs::dryRun(const std::string& actor, const ReplayFilter& filter) const
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Read); !r)
        return makeError(r.error());
    auto items = match(filter);
    if (!items)
        return makeError(items.error());
    ReplayJobResult out;
    out.dryRun = true;
    QSqlQuery q(m_ws.db());
    for (ReplayItem& i : items.value()) {
        // The delivery the dispatcher would really send: a newer revision's, if one is queued for this target.
        std::int64_t sendId = i.deliveryId;
        q.prepare(QStringLiteral("SELECT ot.latest_delivery_id, ot.latest_revision_no FROM object_target ot"
                                 " JOIN delivery d ON d.object_id = ot.object_id AND d.id = ?"
                                 " WHERE ot.target_id = d.target_id"));
        q.addBindValue(sqlInt(i.deliveryId));
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("replay dry run: object state")));
        if (q.next() && !q.value(0).isNull() && q.value(0).toLongLong() != i.deliveryId) {
            sendId = q.value(0).toLongLong();
            i.result = "superseded";
            i.message = "revision " + std::to_string(q.value(1).toLongLong())
                + " is newer and queued for this target; the dispatcher sends it instead of revision "
                + std::to_string(i.revisionNo);
        }
        auto payload = payloadOfDelivery(m_ws.db(), m_contracts, m_units, sendId);
        if (!payload) {
            i.result = "blocked";
            i.message = payload.error().toStdString();
        } else {
            if (i.result.empty())
                i.result = "would_send";
            i.payload = payload.value();
        }
        q.prepare(QStringLiteral("SELECT d2.id, d2.revision_no FROM delivery d JOIN delivery d2"
                                 " ON d2.object_id = d.object_id AND d2.target_id = d.target_id AND d2.status = 'acked'"
                                 " WHERE d.id = ? ORDER BY d2.revision_no DESC LIMIT 1"));
        q.addBindValue(sqlInt(i.deliveryId));
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("replay dry run: last acknowledged delivery")));
        if (q.next()) {
            i.lastAckedRevisionNo = q.value(1).toLongLong();
            auto acked = payloadOfDelivery(m_ws.db(), m_contracts, m_units, q.value(0).toLongLong());
            i.lastAcked = acked ? acked.value() : nlohmann::json { { "error", acked.error().toStdString() } };
        }
        if (!i.payload.is_null())
            i.diff = payloadDiff(i.lastAcked, i.payload);
        ++out.total;
        out.items.push_back(std::move(i));
    }
    return out;
}

Result<ReplayJobResult> ReplayJobs::run(
    const std::string& actor, const ReplayFilter& filter, const std::string& reason, const Progress& progress)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Replay); !r)
        return makeError(r.error());
    if (filter.empty())
        return makeError(QStringLiteral("a bulk replay needs a filter (target, category, domain, older-than, error or"
                                        " id); to replay everything say so with a filter such as older-than=0s"));
    auto items = match(filter);
    if (!items)
        return makeError(items.error());
    ReplayJobResult out;
    out.total = static_cast<std::int64_t>(items->size());
    QSqlQuery q(m_ws.db());
    q.prepare(QStringLiteral("INSERT INTO replay_job(created_by, created_at, filter, dry_run, reason, status, total)"
                             " VALUES (?,?,?,0,?,'running',?) RETURNING id"));
    q.addBindValue(sqlText(actor));
    q.addBindValue(sqlInt(nowMs()));
    q.addBindValue(sqlText(filter.toJson().dump()));
    q.addBindValue(reason.empty() ? QVariant() : QVariant(sqlText(reason)));
    q.addBindValue(sqlInt(out.total));
    if (!q.exec() || !readReturnedId(q, out.jobId))
        return makeError(sqlError(q, QStringLiteral("replay: create job")));

    ExceptionActions actions(m_ws);
    const std::string note = "bulk replay job " + std::to_string(out.jobId) + (reason.empty() ? "" : ": " + reason);
    std::int64_t seq = 0;
    for (ReplayItem& i : items.value()) {
        Workspace::Transaction tx(m_ws);
        if (!tx)
            return tx.error();
        auto replayed = actions.replay(actor, i.exceptionId, note);
        if (replayed) {
            i.result = "requeued";
            ++out.succeeded;
        } else {
            i.result = "failed";
            i.message = replayed.error().toStdString();
            ++out.failed;
        }
        q.prepare(QStringLiteral("INSERT INTO replay_job_item(job_id, seq, exception_id, delivery_id, result, message)"
                                 " VALUES (?,?,?,?,?,?)"));
        q.addBindValue(sqlInt(out.jobId));
        q.addBindValue(sqlInt(++seq));
        q.addBindValue(sqlInt(i.exceptionId));
        q.addBindValue(sqlInt(i.deliveryId));
        q.addBindValue(sqlText(i.result));
        q.addBindValue(i.message.empty() ? QVariant() : QVariant(sqlText(i.message)));
        bool ok = q.exec();
        if (ok) {
            q.prepare(QStringLiteral("UPDATE replay_job SET done = ?, succeeded = ?, failed = ? WHERE id = ?"));
            q.addBindValue(sqlInt(seq));
            q.addBindValue(sqlInt(out.succeeded));
            q.addBindValue(sqlInt(out.failed));
            q.addBindValue(sqlInt(out.jobId));
            ok = q.exec();
        }
        if (!ok) {
            const QString e = sqlError(q, QStringLiteral("replay: record item"));
            return makeError(e);
        }
        if (auto r = tx.commit(); !r)
            return makeError(r.error());
        out.items.push_back(i);
        if (progress && !progress(seq, out.total, i)) {
            out.cancelled = true;
            break;
        }
    }

    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    q.prepare(QStringLiteral("UPDATE replay_job SET status = ?, finished_at = ? WHERE id = ?"));
    q.addBindValue(out.cancelled ? QStringLiteral("cancelled") : QStringLiteral("done"));
    q.addBindValue(sqlInt(nowMs()));
    q.addBindValue(sqlInt(out.jobId));
    if (!q.exec()) {
        const QString e = sqlError(q, QStringLiteral("replay: finish job"));
        return makeError(e);
    }
    AuditLog audit(m_ws.db());
    if (auto a = audit.append(actor, "replay.job", "replay job " + std::to_string(out.jobId), filter.toJson(),
            nlohmann::json { { "total", out.total }, { "requeued", out.succeeded }, { "failed", out.failed },
                { "cancelled", out.cancelled } },
            reason.empty() ? std::nullopt : std::optional<std::string>(reason));
        !a) {
        return makeError(a.error());
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return out;
}

} // namespace mdsync
