#include "audit/auditlog.h"

#include "store/workspace.h"
#include "util/hash.h"
#include "util/timeutil.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace mdsync {

namespace {

const QString kHeadKey = QStringLiteral("audit_head");

nlohmann::json optionalText(const std::optional<std::string>& s)
{
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

QVariant toVariant(const std::optional<std::string>& s)
{
    return s ? QVariant(QString::fromStdString(*s)) : QVariant(QMetaType(QMetaType::QString));
}

std::optional<std::string> fromVariant(const QVariant& v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toString().toStdString();
}

} // namespace

AuditLog::AuditLog(QSqlDatabase db)
    : m_db(std::move(db))
{ }

const std::string& AuditLog::genesisHash()
{
    static const std::string zeros(64, '0');
    return zeros;
}

std::string AuditLog::computeHash(const AuditEntry& e)
{
    const nlohmann::json canonical = nlohmann::json::array({ e.seq, e.at, e.actor, e.action, e.subject,
        optionalText(e.before), optionalText(e.after), optionalText(e.reason) });
    return sha256Hex(canonical.dump() + e.prevHash);
}

Result<std::int64_t> AuditLog::append(const std::string& actor, const std::string& action, const std::string& subject,
    const std::optional<nlohmann::json>& before, const std::optional<nlohmann::json>& after,
    const std::optional<std::string>& reason)
{
    AuditEntry e;
    e.seq = 1;
    e.prevHash = genesisHash();
    {
        // The chain continues from the recorded head, not from whatever row is last now: if the newest
        // rows were deleted, the gap stays visible to verify() instead of being papered over.
        QSqlQuery q(m_db);
        q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
        q.addBindValue(kHeadKey);
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("audit log head")));
        if (q.next()) {
            const QString head = q.value(0).toString();
            const auto colon = head.indexOf(QLatin1Char(':'));
            bool ok = false;
            const qint64 seq = head.left(colon).toLongLong(&ok);
            if (colon <= 0 || !ok)
                return makeError(QStringLiteral("audit log head '%1' is malformed; run verify-audit").arg(head));
            e.seq = seq + 1;
            e.prevHash = head.mid(colon + 1).toStdString();
        } else if (!q.exec(QStringLiteral("SELECT count(*) FROM audit_log")) || !q.next()
            || q.value(0).toLongLong() != 0) {
            return makeError(QStringLiteral("audit log has entries but no recorded head; run verify-audit"));
        }
    }
    e.at = formatRfc3339(nowMs());
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    if (before)
        e.before = before->dump();
    if (after)
        e.after = after->dump();
    e.reason = reason;
    e.hash = computeHash(e);

    QSqlQuery ins(m_db);
    ins.prepare(
        QStringLiteral("INSERT INTO audit_log(seq, at, actor, action, subject, before, after, reason, prev_hash, hash)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ins.addBindValue(QVariant::fromValue<qlonglong>(e.seq));
    ins.addBindValue(QString::fromStdString(e.at));
    ins.addBindValue(QString::fromStdString(e.actor));
    ins.addBindValue(QString::fromStdString(e.action));
    ins.addBindValue(QString::fromStdString(e.subject));
    ins.addBindValue(toVariant(e.before));
    ins.addBindValue(toVariant(e.after));
    ins.addBindValue(toVariant(e.reason));
    ins.addBindValue(QString::fromStdString(e.prevHash));
    ins.addBindValue(QString::fromStdString(e.hash));
    if (!ins.exec())
        return makeError(sqlError(ins, QStringLiteral("audit log append")));

    QSqlQuery head(m_db);
    head.prepare(QStringLiteral("INSERT INTO meta(key, value) VALUES (?, ?)"
                                " ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    head.addBindValue(kHeadKey);
    head.addBindValue(QStringLiteral("%1:%2").arg(e.seq).arg(QString::fromStdString(e.hash)));
    if (!head.exec())
        return makeError(sqlError(head, QStringLiteral("audit log head")));
    return e.seq;
}

AuditVerification AuditLog::verify() const
{
    AuditVerification v;
    auto problem = [&v](std::string text) {
        v.ok = false;
        if (v.problems.size() < 100)
            v.problems.push_back(std::move(text));
    };

    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT seq, at, actor, action, subject, before, after, reason, prev_hash, hash"
                               " FROM audit_log ORDER BY seq"))) {
        problem("cannot read audit_log: " + q.lastError().text().toStdString());
        return v;
    }
    std::int64_t expectedSeq = 1;
    std::string prevHash = genesisHash();
    AuditEntry e;
    while (q.next()) {
        e.seq = q.value(0).toLongLong();
        e.at = q.value(1).toString().toStdString();
        e.actor = q.value(2).toString().toStdString();
        e.action = q.value(3).toString().toStdString();
        e.subject = q.value(4).toString().toStdString();
        e.before = fromVariant(q.value(5));
        e.after = fromVariant(q.value(6));
        e.reason = fromVariant(q.value(7));
        e.prevHash = q.value(8).toString().toStdString();
        e.hash = q.value(9).toString().toStdString();
        ++v.entries;

        if (e.seq != expectedSeq) {
            if (e.seq > expectedSeq)
                problem("seq " + std::to_string(expectedSeq)
                    + (e.seq - expectedSeq > 1 ? "-" + std::to_string(e.seq - 1) : "") + ": missing (deleted entries)");
            else
                problem("seq " + std::to_string(e.seq) + ": out of order");
        }
        if (e.prevHash != prevHash)
            problem("seq " + std::to_string(e.seq)
                + ": prev_hash does not link to the previous entry (entry inserted, "
                  "deleted or re-chained)");
        if (computeHash(e) != e.hash)
            problem("seq " + std::to_string(e.seq) + ": content does not match its hash (entry modified)");
        prevHash = e.hash;
        expectedSeq = e.seq + 1;
    }
    v.headHash = v.entries ? prevHash : std::string();

    QSqlQuery head(m_db);
    head.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    head.addBindValue(kHeadKey);
    if (head.exec() && head.next()) {
        const std::string recorded = head.value(0).toString().toStdString();
        const std::string actual = std::to_string(expectedSeq - 1) + ":" + prevHash;
        if (recorded != actual)
            problem("head: the log ends at seq " + std::to_string(expectedSeq - 1) + " but the recorded head is "
                + recorded.substr(0, recorded.find(':')) + " (newest entries deleted or head altered)");
    } else if (v.entries > 0) {
        problem("head: no recorded head although the log has entries");
    }
    return v;
}

} // namespace mdsync
