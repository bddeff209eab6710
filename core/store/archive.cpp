#include "store/archive.h"

#include "store/deliverystatus.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <nlohmann/json.hpp>

#include <array>

namespace mdsync::store {

namespace {

QString backlogList()
{
    return QString::fromStdString(sqlStatusList(kBacklogDeliveryStatuses));
}

QVariant ms(TimeMs t)
{
    return QVariant::fromValue<qlonglong>(t);
}

ArchiveRow archiveRowAt(const QSqlQuery& q, int first)
{
    ArchiveRow a;
    a.id = q.value(first).toLongLong();
    a.fileName = q.value(first + 1).toString().toStdString();
    a.fileSha256 = q.value(first + 2).toString().toStdString();
    a.manifestName = q.value(first + 3).toString().toStdString();
    a.manifestSha256 = q.value(first + 4).toString().toStdString();
    for (const QString& d : q.value(first + 5).toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
        a.domains.push_back(d.toStdString());
    a.revisions = q.value(first + 6).toLongLong();
    a.bytes = q.value(first + 7).toLongLong();
    a.createdAt = q.value(first + 8).toLongLong();
    a.actor = q.value(first + 9).toString().toStdString();
    a.reason = q.value(first + 10).toString().toStdString();
    return a;
}

const char* const kArchiveColumns = "a.id, a.file_name, a.file_sha256, a.manifest_name, a.manifest_sha256, a.domains,"
                                    " a.revisions, a.bytes, a.created_at, a.actor, a.reason";

} // namespace

Result<std::vector<ArchiveCandidate>> archiveCandidates(
    const QSqlDatabase& db, const std::string& domain, TimeMs supersededBefore, bool withState)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // superseded_at: the first newer revision's arrival. Only revisions below the object's latest number can have
    // one, so the current revisions are never looked at.
    q.prepare(QStringLiteral("SELECT * FROM (SELECT r.id, r.object_id, r.revision_no, o.key, r.content_hash,"
                             " r.received_at, %1, %3,"
                             " (SELECT min(n.received_at) FROM revision n WHERE n.object_id = r.object_id"
                             " AND n.revision_no > r.revision_no) AS superseded_at,"
                             " CASE WHEN EXISTS (SELECT 1 FROM delivery d WHERE d.revision_id = r.id"
                             " AND d.status IN %2) THEN 1 ELSE 0 END AS open_delivery, r.op"
                             " FROM revision r JOIN object o ON o.id = r.object_id"
                             " WHERE o.domain = ? AND r.archived_in IS NULL AND r.revision_no < o.revision_no) c"
                             " WHERE c.superseded_at <= ? ORDER BY c.id")
                  .arg(withState ? QStringLiteral("r.state") : QStringLiteral("''"), backlogList(),
                      withState ? QStringLiteral("r.changed") : QStringLiteral("''")));
    q.addBindValue(qs(domain));
    q.addBindValue(ms(supersededBefore));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("archive: superseded revisions of %1").arg(qs(domain))));
    std::vector<ArchiveCandidate> out;
    while (q.next()) {
        ArchiveCandidate c;
        c.revisionId = q.value(0).toLongLong();
        c.objectId = q.value(1).toLongLong();
        c.revisionNo = q.value(2).toLongLong();
        c.domain = domain;
        c.key = q.value(3).toString().toStdString();
        c.contentHash = q.value(4).toString().toStdString();
        c.receivedAt = q.value(5).toLongLong();
        c.state = q.value(6).toString().toStdString();
        c.changed = q.value(7).toString().toStdString();
        c.supersededAt = q.value(8).toLongLong();
        c.openDelivery = q.value(9).toLongLong() != 0;
        c.deleted = q.value(10).toString() == QLatin1String("delete");
        out.push_back(std::move(c));
    }
    return out;
}

std::string archivedChanged(const std::string& changed)
{
    const nlohmann::json full = nlohmann::json::parse(changed, nullptr, false);
    nlohmann::json out = nlohmann::json::object();
    if (!full.is_object())
        return out.dump();
    for (auto it = full.begin(); it != full.end(); ++it) {
        nlohmann::json stub = { { "archived", true } };
        if (it->is_object())
            for (const char* k : { "by", "rule" })
                if (it->contains(k))
                    stub[k] = (*it)[k];
        out[it.key()] = std::move(stub);
    }
    return out.dump();
}

Result<qint64> insertArchive(const QSqlDatabase& db, const ArchiveRow& row)
{
    QStringList domains;
    for (const std::string& d : row.domains)
        domains << qs(d);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO archive(file_name, file_sha256, manifest_name, manifest_sha256, domains,"
                             " revisions, bytes, created_at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             " RETURNING id"));
    q.addBindValue(qs(row.fileName));
    q.addBindValue(qs(row.fileSha256));
    q.addBindValue(qs(row.manifestName));
    q.addBindValue(qs(row.manifestSha256));
    q.addBindValue(domains.join(QLatin1Char(',')));
    q.addBindValue(QVariant::fromValue<qlonglong>(row.revisions));
    q.addBindValue(QVariant::fromValue<qlonglong>(row.bytes));
    q.addBindValue(ms(row.createdAt));
    q.addBindValue(qs(row.actor));
    q.addBindValue(qs(row.reason));
    if (!q.exec() || !q.next())
        return makeError(sqlError(q, QStringLiteral("archive record %1").arg(qs(row.fileName))));
    return q.value(0).toLongLong();
}

Result<std::vector<ArchiveRow>> archives(const QSqlDatabase& db, const std::string& fileName)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM archive a WHERE (? = '' OR a.file_name = ?) ORDER BY a.id")
                  .arg(QLatin1String(kArchiveColumns)));
    q.addBindValue(qs(fileName));
    q.addBindValue(qs(fileName));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("archive records")));
    std::vector<ArchiveRow> out;
    while (q.next())
        out.push_back(archiveRowAt(q, 0));
    return out;
}

Result<void> markArchived(const QSqlDatabase& db, qint64 archiveId, const std::vector<ArchiveCandidate>& revisions)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("UPDATE revision SET state = '', changed = ?, archived_in = ? WHERE id = ?"
                             " AND archived_in IS NULL"
                             " AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.revision_id = revision.id"
                             " AND d.status IN %1)")
                  .arg(backlogList()));
    for (const ArchiveCandidate& c : revisions) {
        q.addBindValue(qs(archivedChanged(c.changed)));
        q.addBindValue(QVariant::fromValue<qlonglong>(archiveId));
        q.addBindValue(QVariant::fromValue<qlonglong>(c.revisionId));
        const QString what
            = QStringLiteral("archive: revision %1 of %2 %3").arg(c.revisionNo).arg(qs(c.domain), qs(c.key));
        if (!q.exec())
            return makeError(sqlError(q, what));
        if (q.numRowsAffected() != 1)
            return makeError(what
                + QStringLiteral(": it was archived or got a delivery in the backlog (a replay?) while the archive "
                                 "file was written; nothing was archived, run the archive again"));
    }
    return {};
}

Result<qint64> workspaceBytesInUse(const QSqlDatabase& db, bool postgres)
{
    QSqlQuery q(db);
    if (postgres) {
        if (!q.exec(QStringLiteral("SELECT pg_database_size(current_database())")) || !q.next())
            return makeError(sqlError(q, QStringLiteral("database size")));
        return q.value(0).toLongLong();
    }
    std::array<qint64, 3> v {};
    const std::array<const char*, 3> pragmas = { "PRAGMA page_count", "PRAGMA freelist_count", "PRAGMA page_size" };
    for (size_t i = 0; i < pragmas.size(); ++i) {
        if (!q.exec(QLatin1String(pragmas[i])) || !q.next())
            return makeError(sqlError(q, QLatin1String(pragmas[i])));
        v[i] = q.value(0).toLongLong();
    }
    return (v[0] - v[1]) * v[2];
}

Result<void> compactWorkspace(const QSqlDatabase& db, bool postgres)
{
    if (postgres)
        return {};
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("VACUUM")))
        return makeError(sqlError(q, QStringLiteral("archive --compact: VACUUM")));
    return {};
}

Result<std::optional<ArchiveRow>> archiveOfRevision(const QSqlDatabase& db, qint64 revisionId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM revision r JOIN archive a ON a.id = r.archived_in WHERE r.id = ?")
                  .arg(QLatin1String(kArchiveColumns)));
    q.addBindValue(QVariant::fromValue<qlonglong>(revisionId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("archive of revision #%1").arg(revisionId)));
    if (!q.next())
        return std::optional<ArchiveRow> {};
    return std::optional<ArchiveRow>(archiveRowAt(q, 0));
}

Result<std::optional<ArchivedRevision>> archiveOfDelivery(const QSqlDatabase& db, qint64 deliveryId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT r.revision_no, %1 FROM delivery d JOIN revision r ON r.id = d.revision_id"
                             " JOIN archive a ON a.id = r.archived_in WHERE d.id = ?")
                  .arg(QLatin1String(kArchiveColumns)));
    q.addBindValue(QVariant::fromValue<qlonglong>(deliveryId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("archive of delivery #%1").arg(deliveryId)));
    if (!q.next())
        return std::optional<ArchivedRevision> {};
    return std::optional<ArchivedRevision>(ArchivedRevision { q.value(0).toLongLong(), archiveRowAt(q, 1) });
}

Result<std::map<std::string, int>> retentionDays(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT document FROM config_version WHERE kind = 'model' AND effective_at <= ?"
                             " ORDER BY effective_at DESC, id DESC LIMIT 1"));
    q.addBindValue(ms(nowMs()));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("retention policy of the model in force")));
    std::map<std::string, int> out;
    if (!q.next())
        return out;
    const nlohmann::json doc = nlohmann::json::parse(q.value(0).toString().toStdString(), nullptr, false);
    if (doc.is_discarded() || !doc.contains("domains") || !doc["domains"].is_object())
        return makeError(QStringLiteral("retention policy: the model in force is not a JSON object with domains"));
    for (auto it = doc["domains"].begin(); it != doc["domains"].end(); ++it) {
        if (!it->is_object())
            continue;
        const auto rt = it->find("retention");
        if (rt == it->end() || !rt->is_object())
            continue;
        const auto days = rt->find("archive_superseded_after_days");
        if (days != rt->end() && days->is_number_integer())
            out[it.key()] = days->get<int>();
    }
    return out;
}

std::string ReplayableUntil::text() const
{
    switch (kind) {
    case Kind::Forever:
        return "forever (no retention policy)";
    case Kind::WhileCurrent:
        return "while current; " + std::to_string(days.value_or(0)) + " days after it is superseded";
    case Kind::Until:
        return "until " + formatRfc3339(until);
    case Kind::Archived:
        return "archived in " + archiveFile + " on " + formatRfc3339(archivedAt).substr(0, 10) + ": not replayable";
    }
    return {};
}

ReplayableUntil replayableUntilOf(std::optional<int> days, const std::string& archiveFile,
    const std::string& manifestSha256, TimeMs archivedAt, std::optional<TimeMs> supersededAt)
{
    ReplayableUntil r;
    r.days = days;
    if (!archiveFile.empty()) {
        r.kind = ReplayableUntil::Kind::Archived;
        r.archiveFile = archiveFile;
        r.archiveManifestSha256 = manifestSha256;
        r.archivedAt = archivedAt;
    } else if (!days) {
        r.kind = ReplayableUntil::Kind::Forever;
    } else if (!supersededAt) {
        r.kind = ReplayableUntil::Kind::WhileCurrent;
    } else {
        r.kind = ReplayableUntil::Kind::Until;
        r.until = *supersededAt + static_cast<TimeMs>(*days) * 24 * 3600 * 1000;
    }
    return r;
}

namespace {

Result<ReplayableUntil> replayableUntilWhere(const QSqlDatabase& db, const QString& revisionCondition, qint64 id,
    const std::map<std::string, int>& days, const QString& what)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT o.domain, r.archived_in, a.file_name, a.manifest_sha256, a.created_at,"
                             " (SELECT min(n.received_at) FROM revision n WHERE n.object_id = r.object_id"
                             " AND n.revision_no > r.revision_no)"
                             " FROM revision r JOIN object o ON o.id = r.object_id"
                             " LEFT JOIN archive a ON a.id = r.archived_in WHERE r.id = %1")
                  .arg(revisionCondition));
    q.addBindValue(QVariant::fromValue<qlonglong>(id));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("replayable until of %1").arg(what)));
    if (!q.next())
        return makeError(QStringLiteral("replayable until: no %1").arg(what));
    const auto policy = days.find(q.value(0).toString().toStdString());
    return replayableUntilOf(policy != days.end() ? std::optional<int>(policy->second) : std::nullopt,
        q.value(1).isNull() ? std::string() : q.value(2).toString().toStdString(), q.value(3).toString().toStdString(),
        q.value(4).toLongLong(), q.value(5).isNull() ? std::nullopt : std::optional<TimeMs>(q.value(5).toLongLong()));
}

} // namespace

Result<ReplayableUntil> replayableUntil(
    const QSqlDatabase& db, qint64 revisionId, const std::map<std::string, int>& days)
{
    return replayableUntilWhere(
        db, QStringLiteral("?"), revisionId, days, QStringLiteral("revision #%1").arg(revisionId));
}

Result<ReplayableUntil> replayableUntilOfDelivery(
    const QSqlDatabase& db, qint64 deliveryId, const std::map<std::string, int>& days)
{
    return replayableUntilWhere(db, QStringLiteral("(SELECT revision_id FROM delivery WHERE id = ?)"), deliveryId, days,
        QStringLiteral("delivery #%1").arg(deliveryId));
}

} // namespace mdsync::store
