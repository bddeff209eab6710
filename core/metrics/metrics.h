#pragma once

// KPIs from counters (docs/METRICS.md): nothing here scans the delivery or lineage tables.
//
// Sources: delivery_counter (backlog, status counts), metric_minute (attempts, acks, retries, failures,
// latency sums and SLA breaches per target, domain and UTC minute), latency_bucket (latency histogram per
// target and minute), kpi_counter (open exceptions per domain, repair times, replay outcomes, duplicates
// prevented) and an index range count over exception_open for exception aging; target outages from the open
// circuits (target_circuit) and the resolved target_outage incidents (few: one per outage).
//
// The dispatcher collects metric deltas per transaction in metrics::Deltas and writes them with
// metrics::CounterWriter in the same transaction as the delivery rows they describe.

#include "store/sqlstatement.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace mdsync {

struct KpiOptions
{
    std::int64_t windowMs = 60LL * 60 * 1000; // latency, SLA, retry rate: over [now - windowMs, now]
    TimeMs now = 0; // 0 = the system clock
    std::string target; // empty = every target
    // Outage minutes and MTTR of target outages (the circuit breaker's target_outage incidents): over
    // [now - outageWindowMs, now].
    std::int64_t outageWindowMs = 30LL * 24 * 60 * 60 * 1000;
};

// Every KPI as one JSON document (see docs/METRICS.md for each field and its source).
Result<nlohmann::json> computeKpis(const QSqlDatabase& db, const KpiOptions& o);

// Target outages (docs/METRICS.md "Outages"): the targets down now (open circuits), and over
// [now - windowMs, now] the outage minutes (resolved outages and the running ones, clipped to the window) and the
// MTTR (mean duration of the outages that ended in the window), in total and per target. Part of computeKpis.
Result<nlohmann::json> outageKpis(const QSqlDatabase& db, TimeMs now, std::int64_t windowMs, const std::string& target);

// Per minute of [fromMs, toMs) in steps of stepMs (a multiple of one minute): attempts, acked, retried, failed,
// latency_avg_ms, sla_breaches of one target. Steps without traffic are present with zeros.
Result<nlohmann::json> timeSeries(
    const QSqlDatabase& db, const std::string& target, TimeMs fromMs, TimeMs toMs, std::int64_t stepMs = 60LL * 1000);

namespace metrics {

constexpr std::int64_t kMinuteMs = 60LL * 1000;
// Latency histogram: bucket 0 holds 0 ms; bucket b >= 1 holds [2^((b-1)/8), 2^(b/8)) ms, i.e. 8 buckets per
// doubling. A percentile is reported as the geometric middle of its bucket (clamped to the bucket's integer
// range), so it is within 2^(1/16) - 1 = 4.4 % (+ 0.5 ms rounding) of the exact (nearest-rank) value.
constexpr int kBucketsPerDoubling = 8;
int latencyBucket(std::int64_t ms);
double bucketLower(int bucket); // inclusive, ms
double bucketUpper(int bucket); // exclusive, ms
std::int64_t bucketValue(int bucket); // the value a percentile in this bucket is reported as

// Metric deltas of one dispatcher transaction.
struct Deltas
{
    struct Minute
    {
        std::int64_t attempts = 0, acked = 0, retried = 0, failed = 0, latencySum = 0, slaBreaches = 0;
    };
    std::map<std::tuple<std::string, std::int64_t, std::string>, Minute> minutes; // target, minute, domain
    std::map<std::tuple<std::string, std::int64_t, int>, std::int64_t> latency; // target, minute, bucket
    std::map<std::pair<std::string, std::string>, std::int64_t> counters; // kpi_counter (name, key) -> n

    // An ack with its end-to-end latency (revision received -> ack). slaMinutes <= 0: no SLA.
    // replayed: the delivery had failed before and was replayed by a steward. targetDuplicate: the target
    // answered that it had already applied this idempotency key.
    void acked(const std::string& target, const std::string& domain, TimeMs at, std::int64_t latencyMs, int slaMinutes,
        bool replayed, bool targetDuplicate);
    void retried(const std::string& target, const std::string& domain, TimeMs at);
    // A delivery that became an exception; attempted = false for mapping failures (nothing was sent).
    void failed(const std::string& target, const std::string& domain, TimeMs at, bool attempted, bool replayed);
    bool empty() const { return minutes.empty() && latency.empty() && counters.empty(); }
};

// Writes Deltas (upserts) with prepared statements on the writer's connection.
class CounterWriter
{
public:
    bool prepare(QSqlDatabase& db, QString& error);
    bool write(const Deltas& d, QString& error);

private:
    SqlStatement m_minute, m_latency, m_counter;
};

} // namespace metrics

} // namespace mdsync
