#pragma once

// Initial loads (tables onboard_job and onboard_delivery, docs/ONBOARDING.md): the rows of a job and the object
// pages it walks through. The logic (planning, queuing, progress) is core/sync/onboarding.h; these functions only
// read and write rows, inside the caller's transaction where they write.

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mdsync::store {

struct OnboardJobRow
{
    qint64 id = 0;
    std::string target, status, reason, createdBy;
    qint64 createdAt = 0, updatedAt = 0;
    nlohmann::json plan = nlohmann::json::array(); // [{"subscription","domain","objects"}] in dependency order
    qint64 step = 0, cursor = 0, queued = 0, skipped = 0;
    std::optional<qint64> queuedAllAt, doneAt;
};

// One object of a domain as an initial load sees it: its current revision and what the target has of it.
struct OnboardCandidate
{
    qint64 objectId = 0, revisionId = 0, revisionNo = 0;
    std::string key;
    std::string stateText;
    qint64 targetRevisionNo = 0; // the latest revision queued for or sent to the target (0: none)
};

// Live objects of `domain` with id > afterId, in id order, at most `limit`, with what `target` has of each.
Result<std::vector<OnboardCandidate>> onboardCandidates(
    const QSqlDatabase& db, const std::string& domain, const std::string& target, qint64 afterId, int limit);

Result<qint64> insertOnboardJob(const QSqlDatabase& db, const OnboardJobRow& job);
// All jobs (newest first), or those of one target, or one job; with `activeOrDoneSince` only those running or paused
// and those done at or after that time (the dashboard, the service: the history is not read).
Result<std::vector<OnboardJobRow>> onboardJobs(const QSqlDatabase& db, const std::string& target = {}, qint64 id = 0,
    std::optional<qint64> activeOrDoneSince = std::nullopt);
// Writes status, step, cursor, queued, skipped, queued_all_at, done_at and updated_at of `job`.
Result<void> updateOnboardJob(const QSqlDatabase& db, const OnboardJobRow& job);
Result<void> insertOnboardDelivery(const QSqlDatabase& db, qint64 jobId, qint64 deliveryId);

// The job's deliveries by status, and the first and last acknowledgement.
struct OnboardProgress
{
    qint64 acked = 0, open = 0, failed = 0, other = 0; // other: superseded, discarded
    std::optional<qint64> firstAckAt, lastAckAt;
};
Result<OnboardProgress> onboardProgress(const QSqlDatabase& db, qint64 jobId);

} // namespace mdsync::store
