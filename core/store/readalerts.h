#pragma once

// Reads of the alert table (docs/METRICS.md, "Alerts"): the one query behind `mdsyncctl alerts` (AlertEngine::list)
// and the control tower's alerts view. Any thread, with that thread's connection; value snapshots.

#include "util/result.h"
#include "util/timeutil.h"

#include <QMap>
#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include <vector>

namespace mdsync::read {

struct AlertRow
{
    qint64 id = 0;
    QString rule, severity, status, dedupKey;
    QString domain, objectKey, target; // empty when the alert names none
    QString message;
    nlohmann::json details; // null when the stored text is not JSON
    TimeMs firedAt = 0, lastSeenAt = 0;
    QString ackedBy; // empty: not acknowledged
    TimeMs ackedAt = 0, clearedAt = 0; // 0: not (yet)
};

// Alerts with `status` (open, acknowledged, cleared; empty or "all": every status), newest first (fired_at, then
// id), at most `limit`. An unknown status is an error that lists the valid ones.
Result<std::vector<AlertRow>> alerts(QSqlDatabase& db, const QString& status, int limit = 500);
// The number of alerts per status (statuses without alerts are absent).
Result<QMap<QString, qint64>> alertCounts(QSqlDatabase& db);

} // namespace mdsync::read
