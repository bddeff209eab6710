#include "metrics/metrics.h"

#include "store/deliverystatus.h"
#include "store/readqueries.h"
#include "store/workspace.h"

#include "util/sqlvalue.h"

#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

namespace mdsync {

namespace metrics {

int latencyBucket(std::int64_t ms)
{
    if (ms < 1)
        return 0;
    int b = static_cast<int>(std::floor(std::log2(static_cast<double>(ms)) * kBucketsPerDoubling)) + 1;
    // log2 rounding at the bounds: make sure lower <= ms < upper.
    while (b > 1 && bucketLower(b) > static_cast<double>(ms))
        --b;
    while (bucketUpper(b) <= static_cast<double>(ms))
        ++b;
    return b;
}

double bucketLower(int bucket)
{
    return bucket <= 0 ? 0.0 : std::exp2(static_cast<double>(bucket - 1) / kBucketsPerDoubling);
}

double bucketUpper(int bucket)
{
    return bucket <= 0 ? 1.0 : std::exp2(static_cast<double>(bucket) / kBucketsPerDoubling);
}

std::int64_t bucketValue(int bucket)
{
    if (bucket <= 0)
        return 0;
    const double lo = bucketLower(bucket);
    const double hi = bucketUpper(bucket);
    const auto mid = static_cast<std::int64_t>(std::llround(std::sqrt(lo * hi)));
    // Latencies are whole milliseconds: stay inside the integers the bucket can hold.
    const auto minInt = static_cast<std::int64_t>(std::ceil(lo));
    const auto maxInt = static_cast<std::int64_t>(std::ceil(hi)) - 1;
    return std::clamp(mid, minInt, std::max(minInt, maxInt));
}

void Deltas::acked(const std::string& target, const std::string& domain, TimeMs at, std::int64_t latencyMs,
    int slaMinutes, bool replayed, bool targetDuplicate)
{
    const std::int64_t minute = at / kMinuteMs;
    Minute& m = minutes[{ target, minute, domain }];
    ++m.attempts;
    ++m.acked;
    m.latencySum += latencyMs;
    if (slaMinutes > 0 && latencyMs > static_cast<std::int64_t>(slaMinutes) * kMinuteMs)
        ++m.slaBreaches;
    ++latency[{ target, minute, latencyBucket(latencyMs) }];
    if (replayed)
        ++counters[{ "replay", "acked" }];
    if (targetDuplicate)
        ++counters[{ "duplicates_prevented", "target_idempotent" }];
}

void Deltas::retried(const std::string& target, const std::string& domain, TimeMs at)
{
    Minute& m = minutes[{ target, at / kMinuteMs, domain }];
    ++m.attempts;
    ++m.retried;
}

void Deltas::failed(const std::string& target, const std::string& domain, TimeMs at, bool attempted, bool replayed)
{
    Minute& m = minutes[{ target, at / kMinuteMs, domain }];
    if (attempted)
        ++m.attempts;
    ++m.failed;
    if (replayed)
        ++counters[{ "replay", "failed" }];
}

bool CounterWriter::prepare(QSqlDatabase& db, QString& error)
{
    const std::array<std::pair<SqlStatement*, const char*>, 3> all { {
        { &m_minute,
            "INSERT INTO metric_minute(target_id, minute, domain, attempts, acked, retried, failed, latency_sum,"
            " sla_breaches) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(target_id, minute, domain) DO UPDATE SET"
            " attempts = metric_minute.attempts + excluded.attempts, acked = metric_minute.acked + excluded.acked,"
            " retried = metric_minute.retried + excluded.retried, failed = metric_minute.failed + excluded.failed,"
            " latency_sum = metric_minute.latency_sum + excluded.latency_sum,"
            " sla_breaches = metric_minute.sla_breaches + excluded.sla_breaches" },
        { &m_latency,
            "INSERT INTO latency_bucket(target_id, minute, bucket, n) VALUES (?,?,?,?)"
            " ON CONFLICT(target_id, minute, bucket) DO UPDATE SET n = latency_bucket.n + excluded.n" },
        { &m_counter,
            "INSERT INTO kpi_counter(name, key, n, total) VALUES (?,?,?,0)"
            " ON CONFLICT(name, key) DO UPDATE SET n = kpi_counter.n + excluded.n" },
    } };
    for (const auto& [st, sql] : all) {
        if (!st->prepare(db, sql)) {
            error = QStringLiteral("metrics: prepare: ") + st->error();
            return false;
        }
    }
    return true;
}

bool CounterWriter::write(const Deltas& d, QString& error)
{
    for (const auto& [k, m] : d.minutes) {
        m_minute.bind(0, std::string_view(std::get<0>(k)));
        m_minute.bind(1, std::get<1>(k));
        m_minute.bind(2, std::string_view(std::get<2>(k)));
        m_minute.bind(3, m.attempts);
        m_minute.bind(4, m.acked);
        m_minute.bind(5, m.retried);
        m_minute.bind(6, m.failed);
        m_minute.bind(7, m.latencySum);
        m_minute.bind(8, m.slaBreaches);
        if (!m_minute.exec()) {
            error = QStringLiteral("metric_minute: ") + m_minute.error();
            return false;
        }
    }
    for (const auto& [k, n] : d.latency) {
        m_latency.bind(0, std::string_view(std::get<0>(k)));
        m_latency.bind(1, std::get<1>(k));
        m_latency.bind(2, std::get<2>(k));
        m_latency.bind(3, n);
        if (!m_latency.exec()) {
            error = QStringLiteral("latency_bucket: ") + m_latency.error();
            return false;
        }
    }
    for (const auto& [k, n] : d.counters) {
        m_counter.bind(0, std::string_view(k.first));
        m_counter.bind(1, std::string_view(k.second));
        m_counter.bind(2, n);
        if (!m_counter.exec()) {
            error = QStringLiteral("kpi_counter: ") + m_counter.error();
            return false;
        }
    }
    return true;
}

} // namespace metrics

namespace {

using json = nlohmann::json;

json ratio(std::int64_t num, std::int64_t den)
{
    if (den <= 0)
        return nullptr;
    return static_cast<double>(num) / static_cast<double>(den);
}

// Nearest-rank percentile from a histogram (bucket -> count); null when empty.
json percentile(const std::map<int, std::int64_t>& hist, double p)
{
    std::int64_t total = 0;
    for (const auto& [b, n] : hist)
        total += n;
    if (total <= 0)
        return nullptr;
    const auto rank = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(p * static_cast<double>(total))));
    std::int64_t seen = 0;
    for (const auto& [b, n] : hist) {
        seen += n;
        if (seen >= rank)
            return metrics::bucketValue(b);
    }
    return metrics::bucketValue(hist.rbegin()->first);
}

struct Query
{
    QSqlQuery q;
    QString error;
    explicit Query(const QSqlDatabase& db)
        : q(db)
    { }
    bool run(const QString& sql, const std::vector<QVariant>& binds, const QString& what)
    {
        if (!q.prepare(sql)) {
            error = sqlError(q, what);
            return false;
        }
        for (const QVariant& b : binds)
            q.addBindValue(b);
        if (!q.exec()) {
            error = sqlError(q, what);
            return false;
        }
        return true;
    }
};

} // namespace

Result<json> computeKpis(const QSqlDatabase& db, const KpiOptions& o)
{
    const TimeMs now = o.now ? o.now : nowMs();
    const std::int64_t fromMinute = (now - std::max<std::int64_t>(0, o.windowMs)) / metrics::kMinuteMs;
    const std::int64_t toMinute = now / metrics::kMinuteMs;
    const bool oneTarget = !o.target.empty();
    json targets = json::object();
    auto targetNode = [&](const std::string& t) -> json& {
        json& n = targets[t];
        if (n.is_null()) {
            n = { { "backlog", 0 }, { "backlog_by_domain", json::object() }, { "pending", 0 }, { "held", 0 },
                { "retrying", 0 }, { "in_flight", 0 }, { "acked", 0 }, { "failed", 0 }, { "superseded", 0 },
                { "discarded", 0 } };
        }
        return n;
    };
    Query q(db);

    // Paused targets (mdsyncctl pause): they queue and send nothing, which explains a growing backlog.
    json pausedTargets = json::array();
    if (!q.run(QStringLiteral("SELECT id FROM system WHERE paused <> 0")
                + (oneTarget ? QStringLiteral(" AND id = ?") : QString()) + QStringLiteral(" ORDER BY id"),
            oneTarget ? std::vector<QVariant> { sqlText(o.target) } : std::vector<QVariant> {},
            QStringLiteral("paused targets")))
        return makeError(q.error);
    while (q.q.next()) {
        pausedTargets.push_back(stdText(q.q.value(0)));
        targetNode(pausedTargets.back().get<std::string>())["paused"] = true;
    }

    // Backlog and status counts per target and domain: delivery_counter.
    if (!q.run(QStringLiteral("SELECT target_id, domain, status, n FROM delivery_counter WHERE n <> 0")
                + (oneTarget ? QStringLiteral(" AND target_id = ?") : QString()),
            oneTarget ? std::vector<QVariant> { sqlText(o.target) } : std::vector<QVariant> {},
            QStringLiteral("delivery counters")))
        return makeError(q.error);
    std::int64_t backlogTotal = 0;
    while (q.q.next()) {
        const std::string target = stdText(q.q.value(0));
        const std::string domain = stdText(q.q.value(1));
        const std::string status = stdText(q.q.value(2));
        const std::int64_t n = q.q.value(3).toLongLong();
        json& t = targetNode(target);
        const auto parsed = parseDeliveryStatus(status);
        const bool backlog = parsed && isOpen(*parsed);
        const std::string field = parsed == DeliveryStatus::RetryWait ? "retrying" : status;
        if (t.contains(field))
            t[field] = t[field].get<std::int64_t>() + n;
        if (backlog) {
            t["backlog"] = t["backlog"].get<std::int64_t>() + n;
            t["backlog_by_domain"][domain] = t["backlog_by_domain"].value(domain, std::int64_t(0)) + n;
            backlogTotal += n;
        }
    }

    // Outcomes over the window: metric_minute.
    std::vector<QVariant> binds { sqlInt(fromMinute), sqlInt(toMinute) };
    if (oneTarget)
        binds.emplace_back(sqlText(o.target));
    if (!q.run(
            QStringLiteral("SELECT target_id, domain, sum(attempts), sum(acked), sum(retried), sum(failed),"
                           " sum(latency_sum), sum(sla_breaches) FROM metric_minute WHERE minute >= ? AND minute <= ?")
                + (oneTarget ? QStringLiteral(" AND target_id = ?") : QString())
                + QStringLiteral(" GROUP BY target_id, domain"),
            binds, QStringLiteral("metric_minute")))
        return makeError(q.error);
    struct Window
    {
        std::int64_t attempts = 0, acked = 0, retried = 0, failed = 0, latencySum = 0, breaches = 0;
        void add(const Window& w)
        {
            attempts += w.attempts;
            acked += w.acked;
            retried += w.retried;
            failed += w.failed;
            latencySum += w.latencySum;
            breaches += w.breaches;
        }
    };
    std::map<std::string, Window> byTarget;
    std::map<std::string, Window> byDomain;
    Window all;
    while (q.q.next()) {
        Window w;
        w.attempts = q.q.value(2).toLongLong();
        w.acked = q.q.value(3).toLongLong();
        w.retried = q.q.value(4).toLongLong();
        w.failed = q.q.value(5).toLongLong();
        w.latencySum = q.q.value(6).toLongLong();
        w.breaches = q.q.value(7).toLongLong();
        byTarget[stdText(q.q.value(0))].add(w);
        byDomain[stdText(q.q.value(1))].add(w);
        all.add(w);
    }
    // Latency histograms over the window: latency_bucket.
    if (!q.run(QStringLiteral("SELECT target_id, bucket, sum(n) FROM latency_bucket WHERE minute >= ? AND minute <= ?")
                + (oneTarget ? QStringLiteral(" AND target_id = ?") : QString())
                + QStringLiteral(" GROUP BY target_id, bucket"),
            binds, QStringLiteral("latency_bucket")))
        return makeError(q.error);
    std::map<std::string, std::map<int, std::int64_t>> hist;
    while (q.q.next())
        hist[stdText(q.q.value(0))][q.q.value(1).toInt()] += q.q.value(2).toLongLong();
    for (const auto& [target, w] : byTarget) {
        json& t = targetNode(target);
        t["window"] = { { "attempts", w.attempts }, { "acked", w.acked }, { "retried", w.retried },
            { "failed", w.failed }, { "retry_rate", ratio(w.retried, w.attempts) },
            { "latency_avg_ms", w.acked ? json(w.latencySum / w.acked) : json(nullptr) },
            { "latency_p50_ms", percentile(hist[target], 0.50) }, { "latency_p95_ms", percentile(hist[target], 0.95) },
            { "sla_breaches", w.breaches }, { "sla_compliance", ratio(w.acked - w.breaches, w.acked) } };
    }
    for (const auto& [id, t] : targets.items()) {
        if (!t.contains("window"))
            t["window"] = { { "attempts", 0 }, { "acked", 0 }, { "retried", 0 }, { "failed", 0 },
                { "retry_rate", nullptr }, { "latency_avg_ms", nullptr }, { "latency_p50_ms", nullptr },
                { "latency_p95_ms", nullptr }, { "sla_breaches", 0 }, { "sla_compliance", nullptr } };
    }
    json slaByDomain = json::object();
    for (const auto& [domain, w] : byDomain)
        slaByDomain[domain] = { { "acked", w.acked }, { "sla_breaches", w.breaches },
            { "sla_compliance", ratio(w.acked - w.breaches, w.acked) } };

    // Exceptions: open per category from the counters, aging by index range counts on exception_open.
    if (!q.run(QStringLiteral("SELECT status, category, sum(n) FROM exception_counter"
                              " WHERE status IN ('open','assigned') GROUP BY status, category HAVING sum(n) > 0"),
            {}, QStringLiteral("exception counters")))
        return makeError(q.error);
    std::vector<std::pair<std::string, std::string>> openKeys;
    while (q.q.next())
        openKeys.emplace_back(stdText(q.q.value(0)), stdText(q.q.value(1)));
    const TimeMs hour = 60 * metrics::kMinuteMs;
    const TimeMs day = 24 * hour;
    const TimeMs week = 7 * day;
    const std::array<TimeMs, 3> limits = { now - hour, now - day, now - week };
    std::array<std::int64_t, 4> aging = { 0, 0, 0, 0 };
    json openByCategory = json::object();
    std::int64_t openTotal = 0;
    for (const auto& [status, category] : openKeys) {
        std::array<std::int64_t, 4> counts = { 0, 0, 0, 0 }; // newer than 1 h, 1 d, 1 w, all
        for (std::size_t i = 0; i < counts.size(); ++i) {
            const bool ranged = i < 3;
            std::vector<QVariant> b { sqlText(status), sqlText(category) };
            if (ranged)
                b.push_back(sqlInt(limits[i]));
            if (!q.run(QStringLiteral("SELECT count(*) FROM exception WHERE status = ? AND category = ?")
                        + (ranged ? QStringLiteral(" AND created_at > ?") : QString()),
                    b, QStringLiteral("exception aging")))
                return makeError(q.error);
            counts[i] = q.q.next() ? q.q.value(0).toLongLong() : 0;
        }
        aging[0] += counts[0];
        aging[1] += counts[1] - counts[0];
        aging[2] += counts[2] - counts[1];
        aging[3] += counts[3] - counts[2];
        openByCategory[category] = openByCategory.value(category, std::int64_t(0)) + counts[3];
        openTotal += counts[3];
    }

    // Named counters: open exceptions per domain, repair times, replay outcomes, duplicates prevented.
    if (!q.run(QStringLiteral("SELECT name, key, n, total FROM kpi_counter"), {}, QStringLiteral("kpi counters")))
        return makeError(q.error);
    json openByDomain = json::object();
    json repairByCategory = json::object();
    json duplicates = json::object();
    std::int64_t repairN = 0;
    std::int64_t repairTotal = 0;
    std::int64_t replayAcked = 0;
    std::int64_t replayFailed = 0;
    std::int64_t duplicatesTotal = 0;
    while (q.q.next()) {
        const std::string name = stdText(q.q.value(0));
        const std::string key = stdText(q.q.value(1));
        const std::int64_t n = q.q.value(2).toLongLong();
        const std::int64_t total = q.q.value(3).toLongLong();
        if (name == "open_exceptions" && n != 0) {
            openByDomain[key.empty() ? std::string("-") : key] = n;
        } else if (name == "repair") {
            repairN += n;
            repairTotal += total;
            repairByCategory[key] = { { "closed", n }, { "mean_ms", n ? json(total / n) : json(nullptr) } };
        } else if (name == "replay") {
            (key == "acked" ? replayAcked : replayFailed) += n;
        } else if (name == "duplicates_prevented") {
            duplicates[key] = n;
            duplicatesTotal += n;
        }
    }
    duplicates["total"] = duplicatesTotal;

    auto outages = outageKpis(db, now, o.outageWindowMs, o.target);
    if (!outages)
        return makeError(outages.error());

    return json { { "now", formatRfc3339(now) }, { "window_minutes", o.windowMs / metrics::kMinuteMs },
        { "targets", targets }, { "paused_targets", pausedTargets }, { "backlog_total", backlogTotal },
        { "window",
            { { "attempts", all.attempts }, { "acked", all.acked }, { "retried", all.retried },
                { "failed", all.failed }, { "retry_rate", ratio(all.retried, all.attempts) },
                { "sla_breaches", all.breaches } } },
        { "sla_by_domain", slaByDomain },
        { "exceptions",
            { { "open", openTotal }, { "open_by_category", openByCategory }, { "open_by_domain", openByDomain },
                { "aging",
                    { { "lt_1h", aging[0] }, { "lt_1d", aging[1] }, { "lt_1w", aging[2] },
                        { "older", aging[3] } } } } },
        { "mttr",
            { { "closed", repairN }, { "mean_ms", repairN ? json(repairTotal / repairN) : json(nullptr) },
                { "by_category", repairByCategory } } },
        { "replay",
            { { "acked", replayAcked }, { "failed", replayFailed },
                { "success_rate", ratio(replayAcked, replayAcked + replayFailed) } } },
        { "duplicates_prevented", duplicates }, { "outages", std::move(outages).value() } };
}

Result<json> outageKpis(const QSqlDatabase& db, TimeMs now, std::int64_t windowMs, const std::string& target)
{
    const TimeMs from = now - std::max<std::int64_t>(0, windowMs);
    auto minutes = [](std::int64_t ms) { return std::round(static_cast<double>(ms) / 6000.0) / 10.0; };
    struct PerTarget
    {
        std::int64_t resolved = 0;
        std::int64_t resolvedMs = 0;
        std::int64_t outageMs = 0;
        json downSince;
    };
    std::map<std::string, PerTarget> per;
    std::int64_t resolved = 0;
    std::int64_t resolvedMs = 0;
    std::int64_t outageMs = 0;

    // Ended outages: the resolved incidents, clipped to the window for the minutes; the MTTR over whole outages.
    auto ended = read::resolvedOutages(db, from, target);
    if (!ended)
        return makeError(QStringLiteral("outage KPIs: ") + ended.error());
    for (const read::ResolvedOutage& e : ended.value()) {
        if (e.endedMs > now)
            continue; // after `now` (a KPI of the past)
        PerTarget& p = per[e.target];
        const std::int64_t inWindow = std::max<std::int64_t>(0, e.endedMs - std::max(e.sinceMs, from));
        const std::int64_t duration = e.endedMs - e.sinceMs;
        ++p.resolved;
        p.resolvedMs += duration;
        p.outageMs += inWindow;
        ++resolved;
        resolvedMs += duration;
        outageMs += inWindow;
    }
    // Running outages: the open circuits, longest first.
    auto open = read::openCircuits(db);
    if (!open)
        return makeError(QStringLiteral("outage KPIs: ") + open.error());
    std::vector<read::OpenCircuit> running;
    for (const read::OpenCircuit& c : open.value())
        if ((target.empty() || c.target == target) && c.sinceMs <= now)
            running.push_back(c);
    std::stable_sort(running.begin(), running.end(),
        [](const read::OpenCircuit& a, const read::OpenCircuit& b) { return a.sinceMs < b.sinceMs; });
    json down = json::array();
    for (const read::OpenCircuit& c : running) {
        PerTarget& p = per[c.target];
        const std::int64_t inWindow = std::max<std::int64_t>(0, now - std::max(c.sinceMs, from));
        p.outageMs += inWindow;
        p.downSince = formatRfc3339(c.sinceMs);
        outageMs += inWindow;
        down.push_back({ { "target", c.target }, { "since", formatRfc3339(c.sinceMs) }, { "since_ms", c.sinceMs },
            { "down_ms", now - c.sinceMs }, { "waiting", c.waiting }, { "last_error", c.lastError },
            { "incident_id", c.incidentId } });
    }
    json byTarget = json::object();
    for (const auto& [id, p] : per)
        byTarget[id] = { { "down_since", p.downSince }, { "resolved", p.resolved }, { "outage_ms", p.outageMs },
            { "outage_minutes", minutes(p.outageMs) },
            { "mttr_ms", p.resolved ? json(p.resolvedMs / p.resolved) : json(nullptr) } };
    return json { { "window_minutes", (now - from) / metrics::kMinuteMs }, { "from", formatRfc3339(from) },
        { "down_now", down.size() }, { "down", down }, { "resolved", resolved }, { "outage_ms", outageMs },
        { "outage_minutes", minutes(outageMs) }, { "mttr_ms", resolved ? json(resolvedMs / resolved) : json(nullptr) },
        { "by_target", byTarget } };
}

Result<json> timeSeries(
    const QSqlDatabase& db, const std::string& target, TimeMs fromMs, TimeMs toMs, std::int64_t stepMs)
{
    if (stepMs < metrics::kMinuteMs || stepMs % metrics::kMinuteMs != 0)
        return makeError(QStringLiteral("time series of %1: the step must be a whole number of minutes, got %2 ms")
                             .arg(sqlText(target))
                             .arg(stepMs));
    if (toMs <= fromMs)
        return makeError(QStringLiteral("time series of %1: the range is empty").arg(sqlText(target)));
    const std::int64_t stepMin = stepMs / metrics::kMinuteMs;
    const std::int64_t first = fromMs / metrics::kMinuteMs;
    const std::int64_t last = (toMs - 1) / metrics::kMinuteMs;
    const std::int64_t steps = (last - first) / stepMin + 1;
    if (steps > 100000)
        return makeError(QStringLiteral("time series of %1: %2 points are too many; use a larger step")
                             .arg(sqlText(target))
                             .arg(steps));
    struct Point
    {
        std::int64_t attempts = 0, acked = 0, retried = 0, failed = 0, latencySum = 0, breaches = 0;
    };
    std::vector<Point> points(static_cast<std::size_t>(steps));
    Query q(db);
    if (!q.run(
            QStringLiteral("SELECT minute, sum(attempts), sum(acked), sum(retried), sum(failed), sum(latency_sum),"
                           " sum(sla_breaches) FROM metric_minute WHERE target_id = ? AND minute >= ? AND minute <= ?"
                           " GROUP BY minute"),
            { sqlText(target), sqlInt(first), sqlInt(last) }, QStringLiteral("time series")))
        return makeError(q.error);
    while (q.q.next()) {
        Point& p = points[static_cast<std::size_t>((q.q.value(0).toLongLong() - first) / stepMin)];
        p.attempts += q.q.value(1).toLongLong();
        p.acked += q.q.value(2).toLongLong();
        p.retried += q.q.value(3).toLongLong();
        p.failed += q.q.value(4).toLongLong();
        p.latencySum += q.q.value(5).toLongLong();
        p.breaches += q.q.value(6).toLongLong();
    }
    json arr = json::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Point& p = points[i];
        const TimeMs at = (first + static_cast<std::int64_t>(i) * stepMin) * metrics::kMinuteMs;
        arr.push_back({ { "at", formatRfc3339(at) }, { "at_ms", at }, { "attempts", p.attempts }, { "acked", p.acked },
            { "retried", p.retried }, { "failed", p.failed },
            { "latency_avg_ms", p.acked ? json(p.latencySum / p.acked) : json(nullptr) },
            { "sla_breaches", p.breaches } });
    }
    return json { { "target", target }, { "step_minutes", stepMin }, { "points", arr } };
}

} // namespace mdsync
