#pragma once

// Reads of the audit log for the audit view: the sequence numbers of a filter (in order), the rows of a page of
// them, and one entry with its before/after and hashes. Any thread, with that thread's read-only connection.

#include "store/readrows.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <vector>

namespace mdsync::read {

struct AuditFilter
{
    QString actor; // each: case-insensitive "contains"
    QString action;
    QString subject;
    std::optional<TimeMs> from, to; // [from, to)
    bool operator==(const AuditFilter&) const = default;
};
Result<std::vector<qint64>> auditSeqs(QSqlDatabase& db, const AuditFilter& f);

// Values of an audit row, in this order (seq is also the row's id).
enum AuditValue { AuSeq, AuAt, AuActor, AuAction, AuSubject, AuReason, AuValueCount };
Result<std::vector<PagedRow>> auditRows(QSqlDatabase& db, const std::vector<qint64>& seqs);

struct AuditEntry
{
    qint64 seq = 0;
    QString at, actor, action, subject, reason, before, after, hash, prevHash; // before/after: JSON pretty-printed
};
Result<AuditEntry> auditEntry(QSqlDatabase& db, qint64 seq);

} // namespace mdsync::read
