#pragma once

// Bulk replay of failed deliveries by filter, as a job with progress and a per-item result, and its dry run:
// per delivery, the payload that would be sent and its difference to the last payload that target acknowledged.
// Replaying puts each failed delivery back to pending (ExceptionActions::replay, audited per item); the
// dispatcher then sends them honouring order per (object, target) and dependency holds.

#include "store/readexceptions.h"
#include "util/result.h"

#include <QSqlQuery>
#include <QString>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mdsync {

class ContractSet;
class UnitRegistry;
class Workspace;

struct ReplayFilter
{
    std::string target, category, domain;
    std::string errorText; // part of the exception message or the delivery's last error (case-insensitive)
    std::int64_t olderThanMs = 0; // only exceptions at least this old
    std::vector<std::int64_t> exceptionIds; // only these (still open, failed deliveries)
    int limit = 10000;

    // "target=WMS-P100,category=rejected,domain=item,older-than=2h,error=timeout" (keys may repeat the CLI's
    // options; durations: 30s, 15m, 2h, 1d). Error names the bad part.
    static Result<ReplayFilter> parse(const std::string& expr);
    bool empty() const;
    // The filter as the one exception query (any status, oldest first, at most `limit` rows); callers add the
    // stored status, stage and delivery status they select.
    read::ExceptionQuery query() const;
    nlohmann::json toJson() const;
};

struct ReplayItem
{
    std::int64_t exceptionId = 0, deliveryId = 0, revisionNo = 0;
    std::string domain, key, target, category, error;
    // run: "requeued" or "failed" (could not be requeued; message says why).
    // dry run: "would_send", "superseded" (a newer revision will be sent instead; payload is the newer one's) or
    // "blocked" (the payload cannot be built: message has the mapping error).
    std::string result;
    std::string message;
    nlohmann::json payload; // dry run: what would be sent
    std::int64_t lastAckedRevisionNo = 0; // dry run: 0 when the target never acknowledged this object
    nlohmann::json lastAcked; // dry run: the payload of that acknowledgement (null when none)
    nlohmann::json diff = nlohmann::json::array(); // dry run: [{field, change: added|removed|changed, before, after}]

    nlohmann::json toJson() const;
};

struct ReplayJobResult
{
    std::int64_t jobId = 0; // 0 for a dry run (nothing is stored)
    bool dryRun = false;
    bool cancelled = false;
    std::int64_t total = 0, succeeded = 0, failed = 0;
    std::vector<ReplayItem> items;

    nlohmann::json toJson() const;
};

// Runs `selectWhere` (a SELECT over exception alias `e`, joined with delivery alias `d` when withDelivery, ending in
// a WHERE clause) with the conditions of f.query() appended, oldest exception first, at most f.limit rows. Shared by
// fix rules. `what` names the query in an error.
Result<void> execFiltered(
    QSqlQuery& q, QString selectWhere, const ReplayFilter& f, bool withDelivery, const QString& what);

// Field-by-field difference of two payload objects (top-level fields; nested values compared whole).
nlohmann::json payloadDiff(const nlohmann::json& before, const nlohmann::json& after);

class ReplayJobs
{
public:
    ReplayJobs(Workspace& ws, const ContractSet& contracts, const UnitRegistry& units);

    // Open delivery exceptions whose delivery is failed, oldest first, matching the filter.
    Result<std::vector<ReplayItem>> match(const ReplayFilter& filter) const;
    // What a replay would send, per item. Changes nothing. Any role may look.
    Result<ReplayJobResult> dryRun(const std::string& actor, const ReplayFilter& filter) const;
    // Replays every match as a job (table replay_job / replay_job_item; progress in replay_job.done). `progress`
    // is called after each item; returning false cancels the rest (the job ends as cancelled). Needs the replay
    // permission; one audit entry for the job plus one per replayed exception.
    using Progress = std::function<bool(std::int64_t done, std::int64_t total, const ReplayItem& item)>;
    Result<ReplayJobResult> run(
        const std::string& actor, const ReplayFilter& filter, const std::string& reason, const Progress& progress = {});

private:
    Workspace& m_ws;
    const ContractSet& m_contracts;
    const UnitRegistry& m_units;
};

} // namespace mdsync
