#include "store/onboardjobs.h"

#include "store/deliverystatus.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QSqlQuery>
#include <QVariant>

namespace mdsync::store {

namespace {

QVariant optionalTime(const std::optional<qint64>& t)
{
    return t ? QVariant::fromValue<qlonglong>(*t) : QVariant(QMetaType(QMetaType::LongLong));
}

std::optional<qint64> optionalTime(const QVariant& v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

} // namespace

Result<std::vector<OnboardCandidate>> onboardCandidates(
    const QSqlDatabase& db, const std::string& domain, const std::string& target, qint64 afterId, int limit)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT o.id, o.current_revision_id, o.revision_no, o.key, r.state,"
                             " coalesce(ot.latest_revision_no, 0) FROM object o"
                             " JOIN revision r ON r.id = o.current_revision_id"
                             " LEFT JOIN object_target ot ON ot.object_id = o.id AND ot.target_id = ?"
                             " WHERE o.domain = ? AND o.id > ? AND o.deleted = 0 ORDER BY o.id LIMIT ?"));
    q.addBindValue(qs(target));
    q.addBindValue(qs(domain));
    q.addBindValue(QVariant::fromValue<qlonglong>(afterId));
    q.addBindValue(limit);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("initial load: %1 objects").arg(qs(domain))));
    std::vector<OnboardCandidate> out;
    while (q.next())
        out.push_back({ q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(),
            q.value(3).toString().toStdString(), q.value(4).toString().toStdString(), q.value(5).toLongLong() });
    return out;
}

Result<qint64> insertOnboardJob(const QSqlDatabase& db, const OnboardJobRow& job)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO onboard_job(target_id, status, reason, created_by, created_at, updated_at,"
                             " plan) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    q.addBindValue(qs(job.target));
    q.addBindValue(qs(job.status));
    q.addBindValue(qs(job.reason));
    q.addBindValue(qs(job.createdBy));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.createdAt));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.createdAt));
    q.addBindValue(qs(job.plan.dump()));
    if (!q.exec() || !q.next())
        return makeError(sqlError(q, QStringLiteral("initial load of %1").arg(qs(job.target))));
    return q.value(0).toLongLong();
}

Result<std::vector<OnboardJobRow>> onboardJobs(
    const QSqlDatabase& db, const std::string& target, qint64 id, std::optional<qint64> activeOrDoneSince)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, target_id, status, reason, created_by, created_at, updated_at, plan, step,"
                             " cursor, queued, skipped, queued_all_at, done_at FROM onboard_job"
                             " WHERE (? = '' OR target_id = ?) AND (? = 0 OR id = ?) AND (? = 0"
                             " OR status IN ('running','paused') OR coalesce(done_at, 0) >= ?) ORDER BY id DESC"));
    q.addBindValue(qs(target));
    q.addBindValue(qs(target));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    q.addBindValue(activeOrDoneSince ? 1 : 0);
    q.addBindValue(QVariant::fromValue<qlonglong>(activeOrDoneSince.value_or(0)));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("initial loads")));
    std::vector<OnboardJobRow> out;
    while (q.next()) {
        OnboardJobRow j;
        j.id = q.value(0).toLongLong();
        j.target = q.value(1).toString().toStdString();
        j.status = q.value(2).toString().toStdString();
        j.reason = q.value(3).toString().toStdString();
        j.createdBy = q.value(4).toString().toStdString();
        j.createdAt = q.value(5).toLongLong();
        j.updatedAt = q.value(6).toLongLong();
        j.plan = nlohmann::json::parse(q.value(7).toString().toStdString(), nullptr, false);
        if (!j.plan.is_array())
            return makeError(QStringLiteral("initial load #%1: its stored plan is not a JSON array").arg(j.id));
        j.step = q.value(8).toLongLong();
        j.cursor = q.value(9).toLongLong();
        j.queued = q.value(10).toLongLong();
        j.skipped = q.value(11).toLongLong();
        j.queuedAllAt = optionalTime(q.value(12));
        j.doneAt = optionalTime(q.value(13));
        out.push_back(std::move(j));
    }
    return out;
}

Result<void> updateOnboardJob(const QSqlDatabase& db, const OnboardJobRow& job)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE onboard_job SET status = ?, step = ?, cursor = ?, queued = ?, skipped = ?,"
                             " queued_all_at = ?, done_at = ?, updated_at = ? WHERE id = ?"));
    q.addBindValue(qs(job.status));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.step));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.cursor));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.queued));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.skipped));
    q.addBindValue(optionalTime(job.queuedAllAt));
    q.addBindValue(optionalTime(job.doneAt));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.updatedAt));
    q.addBindValue(QVariant::fromValue<qlonglong>(job.id));
    return execPrepared(q, QStringLiteral("initial load #%1").arg(job.id));
}

Result<void> insertOnboardDelivery(const QSqlDatabase& db, qint64 jobId, qint64 deliveryId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO onboard_delivery(job_id, delivery_id) VALUES (?, ?)"));
    q.addBindValue(QVariant::fromValue<qlonglong>(jobId));
    q.addBindValue(QVariant::fromValue<qlonglong>(deliveryId));
    return execPrepared(q, QStringLiteral("initial load #%1: delivery").arg(jobId));
}

Result<OnboardProgress> onboardProgress(const QSqlDatabase& db, qint64 jobId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT d.status, count(*), min(d.acked_at), max(d.acked_at) FROM onboard_delivery j"
                             " JOIN delivery d ON d.id = j.delivery_id WHERE j.job_id = ? GROUP BY d.status"));
    q.addBindValue(QVariant::fromValue<qlonglong>(jobId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("initial load #%1: progress").arg(jobId)));
    OnboardProgress p;
    while (q.next()) {
        const auto status = parseDeliveryStatus(q.value(0).toString().toStdString());
        const qint64 n = q.value(1).toLongLong();
        if (status == DeliveryStatus::Acked) {
            p.acked += n;
            p.firstAckAt = optionalTime(q.value(2));
            p.lastAckAt = optionalTime(q.value(3));
        } else if (status == DeliveryStatus::Failed) {
            p.failed += n;
        } else if (status == DeliveryStatus::Superseded || status == DeliveryStatus::Discarded) {
            p.other += n;
        } else {
            p.open += n;
        }
    }
    return p;
}

} // namespace mdsync::store
