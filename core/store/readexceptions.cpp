#include "store/readexceptions.h"
#include "store/archive.h"

#include "store/readqueries.h"
#include "store/workspace.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace mdsync::read {

namespace {

QString exError(const QSqlQuery& q, const QString& what)
{
    return QStringLiteral("exceptions: %1 failed: %2").arg(what, q.lastError().text());
}

QString likePattern(const QString& text)
{
    QString t = text;
    t.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + t + QLatin1Char('%');
}

// The current revision of an object (key, revision_no, source, state, id), for a condition appended.
QString objectSideSql()
{
    return QStringLiteral("SELECT o.key, o.revision_no, r.source_system, r.state, o.id FROM object o"
                          " JOIN revision r ON r.id = o.current_revision_id WHERE ");
}

// Where an object's revisions came from and which targets hold it (the two sides of a duplicate suspect).
Result<void> objectHistory(const QSqlDatabase& db, qint64 objectId, ExceptionDetail::ObjectSide& s)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT source_system FROM revision WHERE object_id = ? ORDER BY revision_no"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("the revisions of an object")));
    while (q.next()) {
        ++s.revisions;
        const QString source = q.value(0).toString();
        if (!s.sources.contains(source))
            s.sources << source;
    }
    q.finish();
    q.prepare(QStringLiteral("SELECT target_id, acked_revision_no FROM object_target"
                             " WHERE object_id = ? AND acked_revision_no IS NOT NULL ORDER BY target_id"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("the targets of an object")));
    while (q.next())
        s.ackedTargets << QStringLiteral("%1 r%2").arg(q.value(0).toString()).arg(q.value(1).toLongLong());
    return {};
}

} // namespace

QStringList ExceptionQuery::openStatuses()
{
    return { QStringLiteral("open"), QStringLiteral("assigned"), QStringLiteral("awaiting_approval") };
}

ExceptionQuery ExceptionQuery::fromMap(const QVariantMap& map)
{
    ExceptionQuery f;
    f.text = map.value(QStringLiteral("text")).toString();
    f.category = map.value(QStringLiteral("category")).toString();
    f.severity = map.value(QStringLiteral("severity")).toString();
    f.target = map.value(QStringLiteral("target")).toString();
    f.domain = map.value(QStringLiteral("domain")).toString();
    f.objectKey = map.value(QStringLiteral("object_key"), map.value(QStringLiteral("key"))).toString();
    if (map.contains(QStringLiteral("status"))) {
        const QVariant s = map.value(QStringLiteral("status"));
        f.statuses = s.typeId() == QMetaType::QStringList || s.typeId() == QMetaType::QVariantList
            ? s.toStringList()
            : s.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    }
    f.olderThanMs = map.value(QStringLiteral("older_than_minutes")).toLongLong() * 60 * 1000;
    if (const qint64 id = map.value(QStringLiteral("id")).toLongLong()) {
        f.ids = { id };
        f.statuses.clear(); // one exception by id: whatever its status
    }
    return f;
}

QString ExceptionQuery::Sql::where() const
{
    return conditions.isEmpty() ? QStringLiteral("1 = 1") : conditions.join(QStringLiteral(" AND "));
}

ExceptionQuery::Sql ExceptionQuery::conditions(qint64 nowMs, bool withDelivery) const
{
    Sql out;
    auto eq = [&out](const QString& column, const QString& value) {
        if (value.isEmpty())
            return;
        out.conditions << column + QStringLiteral(" = ?");
        out.binds << value;
    };
    // Stored values first: the index exception_open (status, category, created_at) starts with them.
    eq(QStringLiteral("e.status"), storedStatus);
    eq(QStringLiteral("e.stage"), stage);
    if (withDelivery)
        eq(QStringLiteral("d.status"), deliveryStatus);
    if (ids.size() == 1) {
        out.conditions << QStringLiteral("e.id = ?");
        out.binds << ids.front();
    } else if (!ids.empty()) {
        QStringList marks;
        for (qint64 id : ids) {
            marks << QStringLiteral("?");
            out.binds << id;
        }
        out.conditions << QStringLiteral("e.id IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    eq(QStringLiteral("e.category"), category);
    eq(QStringLiteral("e.severity"), severity);
    eq(QStringLiteral("e.target_id"), target);
    eq(QStringLiteral("e.domain"), domain);
    eq(QStringLiteral("e.object_key"), objectKey);
    // lower(...) LIKE lower(?): case-insensitive on both backends (SQLite's LIKE is, PostgreSQL's is not).
    if (!text.isEmpty()) {
        out.conditions << QStringLiteral(
            "(lower(e.object_key) LIKE lower(?) ESCAPE '\\' OR lower(e.message) LIKE lower(?) ESCAPE '\\')");
        const QString pattern = likePattern(text);
        out.binds << pattern << pattern;
    }
    if (!errorText.isEmpty()) {
        const QString pattern = likePattern(errorText);
        if (withDelivery) {
            out.conditions << QStringLiteral("(lower(e.message) LIKE lower(?) ESCAPE '\\'"
                                             " OR lower(coalesce(d.last_error,'')) LIKE lower(?) ESCAPE '\\')");
            out.binds << pattern << pattern;
        } else {
            out.conditions << QStringLiteral("lower(e.message) LIKE lower(?) ESCAPE '\\'");
            out.binds << pattern;
        }
    }
    if (olderThanMs > 0) {
        out.conditions << QStringLiteral("e.created_at <= ?");
        out.binds << nowMs - olderThanMs;
    }
    if (!statuses.isEmpty()) {
        QStringList marks;
        for (const QString& s : statuses) {
            marks << QStringLiteral("?");
            out.binds << s;
        }
        out.conditions << exceptionDisplayStatusSql() + QStringLiteral(" IN (") + marks.join(QLatin1Char(','))
                + QLatin1Char(')');
    }
    return out;
}

QString ExceptionQuery::orderBy() const
{
    QStringList parts;
    switch (sort) {
    case Sort::Category:
        parts << QStringLiteral("e.category");
        break;
    case Sort::Severity:
        parts << QStringLiteral("CASE e.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2"
                                " WHEN 'low' THEN 1 ELSE 0 END");
        break;
    case Sort::Object:
        parts << QStringLiteral("e.domain") << QStringLiteral("e.object_key");
        break;
    case Sort::Target:
        parts << QStringLiteral("e.target_id");
        break;
    case Sort::Age:
        parts << QStringLiteral("-e.created_at");
        break;
    case Sort::Attempts:
        parts << QStringLiteral("COALESCE(d.attempts, 0)");
        break;
    case Sort::Assignee:
        parts << QStringLiteral("e.assignee");
        break;
    case Sort::Status:
        parts << exceptionDisplayStatusSql();
        break;
    case Sort::Message:
        parts << QStringLiteral("e.message");
        break;
    case Sort::Oldest:
        parts << QStringLiteral("e.created_at");
        break;
    case Sort::Impact:
        parts << QStringLiteral(
            "COALESCE((SELECT max(CASE s.criticality WHEN 'critical' THEN 4 WHEN 'high' THEN 3"
            " WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END) FROM subscription s"
            " WHERE s.domain = e.domain AND (e.target_id IS NULL OR s.target_id = e.target_id)), 0)")
              << QStringLiteral("COALESCE((SELECT CASE o.lifecycle WHEN 'released' THEN 3 WHEN 'in_review' THEN 2"
                                " WHEN 'blocked' THEN 2 WHEN 'draft' THEN 1 ELSE 0 END FROM object o"
                                " WHERE o.domain = e.domain AND o.key = e.object_key), 0)")
              << QStringLiteral("(SELECT count(*) FROM object_ref r WHERE r.ref_domain = e.domain"
                                " AND r.ref_key = e.object_key)")
              << QStringLiteral("CASE e.severity WHEN 'critical' THEN 5 WHEN 'error' THEN 4 WHEN 'high' THEN 3"
                                " WHEN 'medium' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END")
              << QStringLiteral("-e.created_at");
        break;
    case Sort::Id:
        break;
    }
    parts << QStringLiteral("e.id");
    const QString direction = descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    for (QString& p : parts)
        p += direction;
    return parts.join(QStringLiteral(", "));
}

Result<void> ExceptionQuery::exec(
    QSqlQuery& q, const QString& selectFrom, qint64 nowMs, bool withDelivery, const QString& what) const
{
    const Sql sql = conditions(nowMs, withDelivery);
    QString statement = selectFrom + QStringLiteral(" WHERE ") + sql.where() + QStringLiteral(" ORDER BY ") + orderBy();
    if (limit >= 0)
        statement += QStringLiteral(" LIMIT ?");
    q.setForwardOnly(true);
    if (!q.prepare(statement))
        return makeError(sqlError(q, what));
    for (const QVariant& v : sql.binds)
        q.addBindValue(v);
    if (limit >= 0)
        q.addBindValue(limit);
    if (!q.exec())
        return makeError(sqlError(q, what));
    return {};
}

Result<std::vector<qint64>> exceptionIds(QSqlDatabase& db, const ExceptionQuery& query, qint64 nowMs)
{
    QSqlQuery q(db);
    if (auto r
        = query.exec(q, QStringLiteral("SELECT e.id FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"),
            nowMs, true, QStringLiteral("exceptions: list"));
        !r)
        return makeError(r.error());
    std::vector<qint64> ids;
    while (q.next())
        ids.push_back(q.value(0).toLongLong());
    return ids;
}

Result<std::vector<PagedRow>> exceptionRows(QSqlDatabase& db, const std::vector<qint64>& ids)
{
    std::vector<PagedRow> rows;
    if (ids.empty())
        return rows;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT e.id, e.category, e.severity, e.domain, e.object_key, e.target_id,"
                               " e.created_at, COALESCE(d.attempts, 0), e.assignee, %1, e.message, e.stage"
                               " FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                               " WHERE e.id IN (%2)")
                    .arg(exceptionDisplayStatusSql(), idList(ids))))
        return makeError(exError(q, QStringLiteral("rows")));
    rows.reserve(ids.size());
    while (q.next()) {
        PagedRow r;
        r.id = q.value(0).toLongLong();
        r.values.reserve(ExValueCount);
        for (int i = 1; i <= ExValueCount; ++i)
            r.values.push_back(q.value(i));
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<std::map<QString, qint64>> exceptionGroupCounts(
    QSqlDatabase& db, const ExceptionQuery& query, const QString& by, qint64 nowMs)
{
    const QString column
        = by == QLatin1String("target") ? QStringLiteral("COALESCE(e.target_id, '')") : QStringLiteral("e.category");
    const ExceptionQuery::Sql sql = query.conditions(nowMs, true);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT %1, count(*) FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                                  " WHERE %2 GROUP BY 1")
                       .arg(column, sql.where())))
        return makeError(exError(q, QStringLiteral("group counts")));
    for (const QVariant& v : sql.binds)
        q.addBindValue(v);
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("group counts")));
    std::map<QString, qint64> out;
    while (q.next())
        out[q.value(0).toString()] = q.value(1).toLongLong();
    return out;
}

QString causeText(const QString& message, const QString& key)
{
    QString t = message;
    if (!key.isEmpty())
        t.replace(key, QStringLiteral("<key>"));
    static const QRegularExpression quoted(QStringLiteral("'[^']*'|\"[^\"]*\"|«[^»]*»"));
    t.replace(quoted, QStringLiteral("'…'"));
    static const QRegularExpression number(QStringLiteral("\\d+(?:[.,]\\d+)*"));
    t.replace(number, QStringLiteral("#"));
    return t.simplified();
}

Result<ExceptionCauses> exceptionCauses(QSqlDatabase& db, const ExceptionQuery& query, qint64 nowMs, int maxRows)
{
    ExceptionQuery q = query;
    q.sort = ExceptionQuery::Sort::Id;
    q.descending = false;
    q.limit = maxRows + 1;
    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    if (auto r = q.exec(rows,
            QStringLiteral("SELECT e.id, COALESCE(e.target_id, ''), e.category, COALESCE(NULLIF(d.last_error, ''),"
                           " e.message), COALESCE(e.object_key, '') FROM exception e"
                           " LEFT JOIN delivery d ON d.id = e.delivery_id"),
            nowMs, true, QStringLiteral("causes"));
        !r)
        return makeError(r.error());
    ExceptionCauses out;
    std::map<std::tuple<QString, QString, QString>, std::vector<qint64>> byCause;
    int n = 0;
    while (rows.next()) {
        if (++n > maxRows) {
            out.truncated = true;
            break;
        }
        byCause[{ rows.value(1).toString(), rows.value(2).toString(),
                    causeText(rows.value(3).toString(), rows.value(4).toString()) }]
            .push_back(rows.value(0).toLongLong());
    }
    for (auto& [k, ids] : byCause)
        out.groups.push_back({ std::get<0>(k), std::get<1>(k), std::get<2>(k), std::move(ids) });
    std::stable_sort(out.groups.begin(), out.groups.end(),
        [](const ExceptionCause& a, const ExceptionCause& b) { return a.ids.size() > b.ids.size(); });
    return out;
}

Result<ExceptionChoices> exceptionChoices(QSqlDatabase& db)
{
    ExceptionChoices c;
    QString error;
    auto list = [&db, &error](const char* sql, QStringList& out) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QLatin1String(sql))) {
            if (error.isEmpty())
                error = exError(q, QStringLiteral("filter choices"));
            return;
        }
        while (q.next())
            if (!q.value(0).toString().isEmpty())
                out << q.value(0).toString();
    };
    list("SELECT DISTINCT category FROM exception_counter ORDER BY 1", c.categories);
    // GROUP BY, not DISTINCT: PostgreSQL orders a DISTINCT only by what it selects.
    list("SELECT severity FROM exception GROUP BY severity ORDER BY CASE severity WHEN 'critical' THEN 0"
         " WHEN 'error' THEN 1 WHEN 'high' THEN 2 WHEN 'warning' THEN 3 WHEN 'medium' THEN 4 ELSE 5 END",
        c.severities);
    list("SELECT id FROM system ORDER BY 1", c.targets);
    list("SELECT name FROM domain ORDER BY 1", c.domains);
    if (!error.isEmpty())
        return makeError(error);
    return c;
}

Result<ExceptionDetail> exceptionDetail(QSqlDatabase& db, qint64 id)
{
    ExceptionDetail d;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT e.stage, e.category, e.severity, e.status, COALESCE(e.domain, ''),"
                             " COALESCE(e.object_key, ''), COALESCE(e.target_id, ''), e.message, e.details, e.raw,"
                             " COALESCE(e.delivery_id, 0), e.created_at, COALESCE(e.assignee, ''),"
                             " d.payload_override FROM exception e LEFT JOIN delivery d ON d.id = e.delivery_id"
                             " WHERE e.id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(QStringLiteral("exception #%1: %2").arg(id).arg(q.lastError().text()));
    if (!q.next())
        return makeError(QStringLiteral("exception #%1 does not exist").arg(id));
    d.id = id;
    d.stage = q.value(0).toString();
    d.category = q.value(1).toString();
    d.severity = q.value(2).toString();
    d.status = q.value(3).toString();
    d.domain = q.value(4).toString();
    d.key = q.value(5).toString();
    d.target = q.value(6).toString();
    d.message = q.value(7).toString();
    d.details = q.value(8).toString();
    d.raw = q.value(9).toByteArray();
    d.deliveryId = q.value(10).toLongLong();
    d.createdAt = q.value(11).toLongLong();
    d.assignee = q.value(12).toString();
    d.payloadOverride = q.value(13).toString();
    q.finish();
    if (d.deliveryId) {
        auto days = store::retentionDays(db);
        if (!days)
            return makeError(days.error());
        auto until = store::replayableUntilOfDelivery(db, d.deliveryId, days.value());
        if (!until)
            return makeError(until.error());
        d.replayableUntil = until.value();
    }

    q.prepare(QStringLiteral("SELECT id, status, kind, proposed_by, proposed_at, changes, reason, critical_groups"
                             " FROM correction WHERE exception_id = ? ORDER BY id DESC LIMIT 1"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("the correction of an exception")));
    if (q.next()) {
        d.correctionId = q.value(0).toLongLong();
        d.correctionStatus = q.value(1).toString();
        d.correctionKind = q.value(2).toString();
        d.proposedBy = q.value(3).toString();
        d.proposedAt = q.value(4).toLongLong();
        d.correctionChanges = q.value(5).toString();
        d.correctionReason = q.value(6).toString();
        d.criticalGroups = q.value(7).toString();
    }
    q.finish();

    if (d.category == QLatin1String("target_outage") && !d.target.isEmpty()) {
        q.prepare(QStringLiteral("SELECT s.paused, c.state FROM system s LEFT JOIN target_circuit c"
                                 " ON c.target_id = s.id WHERE s.id = ?"));
        q.addBindValue(d.target);
        if (!q.exec())
            return makeError(exError(q, QStringLiteral("the target of an outage")));
        if (q.next()) {
            d.targetPaused = q.value(0).toInt() != 0;
            d.circuitOpen = q.value(1).toString() == QLatin1String("open");
        }
        q.finish();
    }

    if (!d.domain.isEmpty()) {
        q.prepare(QStringLiteral("SELECT at, kind, COALESCE(actor, ''), COALESCE(system_id, ''), detail FROM ("
                                 " SELECT * FROM lineage_event WHERE domain = ? AND object_key = ?"
                                 " ORDER BY id DESC LIMIT 200) newest ORDER BY id"));
        q.addBindValue(d.domain);
        q.addBindValue(d.key);
        if (!q.exec())
            return makeError(exError(q, QStringLiteral("the lineage of an exception's object")));
        while (q.next())
            d.lineage.push_back({ q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                q.value(3).toString(), q.value(4).toString().left(400) });
        q.finish();
    }
    // The object and, for a duplicate suspect, the object it looks like, each at its current revision.
    qint64 objectId = 0;
    const auto side = [&q, &objectId](ExceptionDetail::ObjectSide& s) -> bool {
        if (!q.exec())
            return false;
        if (q.next()) {
            s.exists = true;
            s.key = q.value(0).toString();
            s.revisionNo = q.value(1).toLongLong();
            s.source = q.value(2).toString();
            s.state = q.value(3).toString();
            objectId = q.value(4).toLongLong();
        }
        q.finish();
        return true;
    };
    const QString sideSql = objectSideSql();
    if (!d.domain.isEmpty() && !d.key.isEmpty()) {
        q.prepare(sideSql + QStringLiteral("o.domain = ? AND o.key = ?"));
        q.addBindValue(d.domain);
        q.addBindValue(d.key);
        if (!side(d.object))
            return makeError(exError(q, QStringLiteral("the object of an exception")));
        if (d.object.exists && d.category == QLatin1String("duplicate_suspect"))
            if (auto h = objectHistory(db, objectId, d.object); !h)
                return makeError(h.error());
    }
    if (d.category == QLatin1String("duplicate_suspect")) {
        const auto details = nlohmann::json::parse(d.details.toStdString(), nullptr, false);
        const auto* suspect = details.is_object() && details.contains("suspect") && details["suspect"].is_object()
            ? &details["suspect"]
            : nullptr;
        if (suspect && suspect->contains("object_id") && (*suspect)["object_id"].is_number_integer()) {
            const qint64 suspectId = (*suspect)["object_id"].get<std::int64_t>();
            auto s = objectSide(db, suspectId);
            if (!s)
                return makeError(s.error());
            d.suspect = s.value();
            if (objectId && suspectId) {
                q.prepare(
                    QStringLiteral("SELECT id, proposed_at, merged_key, survivor_key, proposed_by, reason"
                                   " FROM object_merge WHERE status = 'awaiting_approval'"
                                   " AND ((merged_id = ? AND survivor_id = ?) OR (merged_id = ? AND survivor_id = ?))"
                                   " ORDER BY id DESC LIMIT 1"));
                q.addBindValue(objectId);
                q.addBindValue(suspectId);
                q.addBindValue(suspectId);
                q.addBindValue(objectId);
                if (!q.exec())
                    return makeError(exError(q, QStringLiteral("a merge awaiting approval")));
                if (q.next())
                    d.pendingMerge = ExceptionDetail::PendingMerge { q.value(0).toLongLong(), q.value(1).toLongLong(),
                        q.value(2).toString(), q.value(3).toString(), q.value(4).toString(), q.value(5).toString() };
                q.finish();
            }
        }
    }

    q.prepare(QStringLiteral("SELECT at, action, actor, COALESCE(reason, ''), subject FROM audit_log"
                             " WHERE subject = ? OR subject = ? ORDER BY seq LIMIT 500"));
    q.addBindValue(QStringLiteral("exception/%1").arg(id));
    q.addBindValue(QString(d.domain + QLatin1Char('/') + d.key));
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("the audit entries of an exception")));
    while (q.next())
        d.audit.push_back(
            { q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString() });
    return d;
}

Result<ExceptionDetail::ObjectSide> objectSide(const QSqlDatabase& db, qint64 objectId)
{
    QSqlQuery q(db);
    q.prepare(objectSideSql() + QStringLiteral("o.id = ?"));
    q.addBindValue(objectId);
    if (!q.exec())
        return makeError(exError(q, QStringLiteral("an object to compare")));
    ExceptionDetail::ObjectSide s;
    if (q.next()) {
        s.exists = true;
        s.key = q.value(0).toString();
        s.revisionNo = q.value(1).toLongLong();
        s.source = q.value(2).toString();
        s.state = q.value(3).toString();
        q.finish();
        if (auto h = objectHistory(db, objectId, s); !h)
            return makeError(h.error());
    }
    return s;
}

Result<ExceptionSubject> exceptionSubject(const QSqlDatabase& db, qint64 id)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT stage, COALESCE(delivery_id, 0), COALESCE(domain, ''),"
                             " COALESCE(object_key, '') FROM exception WHERE id = ?"));
    q.addBindValue(id);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("exception #%1").arg(id)));
    if (!q.next())
        return makeError(QStringLiteral("exception #%1 does not exist").arg(id));
    ExceptionSubject s;
    s.stage = q.value(0).toString();
    s.deliveryId = q.value(1).toLongLong();
    s.domain = q.value(2).toString();
    s.key = q.value(3).toString();
    return s;
}

} // namespace mdsync::read
