#pragma once

// The one query over the exception backlog (table `exception`, alias `e`, with its delivery `d`): a filter, a sort
// and a limit, turned into one WHERE / ORDER BY by one builder. It serves the GUI backlog (ExceptionsModel, the
// group counts of ExceptionsView), `mdsyncctl exceptions` (read::exceptions) and the selection of replays and fix
// rules (ReplayFilter::query()). Modelled on DB Browser for SQLite's sql/Query.h: the query object is built from
// the filter and the sort; callers never write their own WHERE clause. The read functions here run on any thread
// with that thread's (read-only) connection and return value snapshots.

#include "store/archive.h"
#include "store/readrows.h"
#include "util/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>

#include <map>
#include <vector>

class QSqlQuery;

namespace mdsync::read {

struct ExceptionQuery
{
    // Sort keys; the first ten are the columns of the GUI backlog, in its order.
    // Impact (business impact): the criticality of the subscription the exception blocks (an inbound one: the most
    // critical subscription of its domain), then the object's lifecycle state (released before in review or blocked
    // before draft and obsolete), then how many objects reference it (the BOMs that use an item), then severity
    // and age. Descending: the most impact first.
    enum class Sort {
        Id,
        Category,
        Severity,
        Object,
        Target,
        Age,
        Attempts,
        Assignee,
        Status,
        Message,
        Oldest,
        Impact
    };

    // The displayed statuses of the open backlog: open, assigned, awaiting_approval.
    static QStringList openStatuses();

    // Filter: every field that is set narrows the result.
    std::vector<qint64> ids; // only these exceptions
    QString category, severity, target, domain, objectKey; // exact
    QString text; // part of the object key or the message (LIKE, ASCII case-insensitive): the GUI's search box
    QString errorText; // part of the message or of the delivery's last error (case-insensitive): replays, fix rules
    QStringList statuses = openStatuses(); // displayed statuses (exceptionDisplayStatusSql); empty = any
    QString storedStatus, stage, deliveryStatus; // stored e.status, e.stage and d.status, exact
    qint64 olderThanMs = 0; // only exceptions created at least this long before `now`

    Sort sort = Sort::Id;
    bool descending = false;
    int limit = -1; // at most this many rows (SQL LIMIT); negative = every row

    // Navigator keys (ExceptionsView::applyFilter): category, severity, target, domain, status (text or list),
    // key, object_key, older_than_minutes, id, text. An id shows that exception whatever its status.
    static ExceptionQuery fromMap(const QVariantMap& map);
    bool operator==(const ExceptionQuery&) const = default;

    struct Sql
    {
        QStringList conditions; // over `e`, and `d` when withDelivery; joined with AND
        QVariantList binds; // positional, in the order of the conditions
        QString where() const; // the conditions joined, "1" when there is none
    };
    // The filter's conditions at time `nowMs`. Without the delivery join, errorText looks at the message only and
    // deliveryStatus is ignored.
    Sql conditions(qint64 nowMs, bool withDelivery = true) const;
    // The ORDER BY expression of the sort (e.id breaks ties).
    QString orderBy() const;
    // Prepares and runs `selectFrom` (a "SELECT ... FROM exception e ..." without WHERE) with the filter's WHERE,
    // ORDER BY and LIMIT. `what` names the query in an error.
    Result<void> exec(
        QSqlQuery& q, const QString& selectFrom, qint64 nowMs, bool withDelivery, const QString& what) const;
};

// The ids of the matching exceptions in the query's order (the GUI backlog's id list).
Result<std::vector<qint64>> exceptionIds(QSqlDatabase& db, const ExceptionQuery& query, qint64 nowMs);

// The values of exceptionRows, in this order.
enum ExceptionRowValue {
    ExCategory,
    ExSeverity,
    ExDomain,
    ExKey,
    ExTarget,
    ExCreated,
    ExAttempts,
    ExAssignee,
    ExStatus, // displayed status
    ExMessage,
    ExStage,
    ExValueCount
};
// The backlog rows of the given ids (any order; ids that vanished are missing).
Result<std::vector<PagedRow>> exceptionRows(QSqlDatabase& db, const std::vector<qint64>& ids);

// Counts of the matching exceptions by group: `by` "target" (target id, "" for none) or "category".
Result<std::map<QString, qint64>> exceptionGroupCounts(
    QSqlDatabase& db, const ExceptionQuery& query, const QString& by, qint64 nowMs);

// The backlog grouped by cause: the same target, category and error text once what differs from one exception to the
// next is set aside (the object's key, quoted values, numbers: causeText). Largest group first, then by target,
// category and text. At most `maxRows` matching exceptions are read (the rest are not grouped; `truncated`).
struct ExceptionCause
{
    QString target, category, text;
    std::vector<qint64> ids; // in id order
};
struct ExceptionCauses
{
    std::vector<ExceptionCause> groups;
    bool truncated = false;
};
Result<ExceptionCauses> exceptionCauses(
    QSqlDatabase& db, const ExceptionQuery& query, qint64 nowMs, int maxRows = 200000);
// An error text with the object's key, quoted values ('…', "…") and numbers replaced by placeholders, so that the
// same problem of different objects reads the same: "ERP rejected FG-1: unit 'XX' unknown (code 422)" and "ERP
// rejected FG-2: unit 'ZZ' unknown (code 422)" both become "ERP rejected <key>: unit '…' unknown (code #)".
QString causeText(const QString& message, const QString& key);

// The values the backlog's filter offers: categories seen, severities (most severe first), systems, domains.
struct ExceptionChoices
{
    QStringList categories, severities, targets, domains;
};
Result<ExceptionChoices> exceptionChoices(QSqlDatabase& db);

// One exception as its detail pane shows it, with its latest correction and its history.
struct ExceptionDetail
{
    qint64 id = 0;
    QString stage, category, severity, status, domain, key, target, message, details, assignee;
    QByteArray raw; // verbatim
    qint64 deliveryId = 0, createdAt = 0;
    QString payloadOverride;
    // The latest correction of the exception (0: none).
    qint64 correctionId = 0;
    QString correctionStatus, correctionKind, proposedBy, correctionChanges, correctionReason, criticalGroups;
    qint64 proposedAt = 0;
    // A target_outage incident: whether its target is paused and whether its circuit is open now.
    bool targetPaused = false, circuitOpen = false;
    // A delivery exception: how long the revision it sends can be replayed (docs/RETENTION.md); nullopt otherwise.
    std::optional<store::ReplayableUntil> replayableUntil;

    // An object as a steward compares it: its current revision (exists == false: no such object, e.g. an event
    // held before it created one).
    struct ObjectSide
    {
        bool exists = false;
        QString key, source, state; // state: the revision's JSON attributes
        qint64 revisionNo = 0;
        qint64 revisions = 0; // revisions stored
        QStringList sources; // systems that sent its revisions, in order of first appearance
        QStringList ackedTargets; // "ERP r2": targets that acknowledged a revision of it, and the latest acknowledged
    };
    ObjectSide object; // the exception's object
    ObjectSide suspect; // duplicate_suspect: the existing object it looks like (details.suspect.object_id)
    // duplicate_suspect: a merge of the pair that awaits four-eyes approval (docs/DUPLICATES.md "Merging").
    struct PendingMerge
    {
        qint64 id = 0, proposedAt = 0;
        QString mergedKey, survivorKey, proposedBy, reason;
    };
    std::optional<PendingMerge> pendingMerge;

    struct LineageEntry
    {
        qint64 at = 0;
        QString kind, actor, system, detail; // detail cut to 400 characters
    };
    std::vector<LineageEntry> lineage; // the object's latest 200 lineage events, oldest first
    struct AuditEntry
    {
        QString at, action, actor, reason;
    };
    std::vector<AuditEntry> audit; // audit entries of the exception and of its object (500 at most), in order
};
Result<ExceptionDetail> exceptionDetail(QSqlDatabase& db, qint64 id);
// Object `objectId` at its current revision, as the detail pane's sides show it (exists == false: no such object).
Result<ExceptionDetail::ObjectSide> objectSide(const QSqlDatabase& db, qint64 objectId);

// What a correction of an exception applies to: a failed delivery's payload, or the object's attributes.
struct ExceptionSubject
{
    QString stage, domain, key;
    qint64 deliveryId = 0;
    bool isPayload() const { return stage == QLatin1String("delivery") && deliveryId > 0; }
};
Result<ExceptionSubject> exceptionSubject(const QSqlDatabase& db, qint64 id);

} // namespace mdsync::read
