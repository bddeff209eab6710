#include "genworkspace.h"

#include "engine/embeddedcore.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/jsonfile.h"
#include "util/qtext.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QStringList>
#include <QTemporaryDir>

#include <array>
#include <cstring>
#include <map>
#include <random>
#include <string>

namespace mdsync::gen {

namespace {

// The built-in landscape with two more plant systems subscribing to items: eight item subscribers.
Result<QString> writeLandscape(const QString& dir)
{
    auto doc = readJsonFile(QStringLiteral(":/mdsync/landscape/default-landscape.json"), QStringLiteral("landscape"));
    if (!doc)
        return makeError(doc.error());
    nlohmann::json l = doc.value();
    auto cloneSystem = [&l](const std::string& from, const std::string& id, const std::string& plant) {
        for (const auto& s : l["systems"])
            if (s.value("id", "") == from) {
                nlohmann::json c = s;
                c["id"] = id;
                c["name"] = s.value("name", from) + " (" + plant + ")";
                c["plants"] = nlohmann::json::array({ plant });
                l["systems"].push_back(c);
                break;
            }
        nlohmann::json added = nlohmann::json::array();
        for (const auto& sub : l["subscriptions"])
            if (sub.value("target", "") == from && sub.value("domain", "") == "item") {
                nlohmann::json c = sub;
                c["id"] = sub.value("id", std::string("sub")) + "-" + id;
                c["target"] = id;
                added.push_back(c);
            }
        for (auto& a : added)
            l["subscriptions"].push_back(a);
    };
    cloneSystem("MES-P200", "MES-P300", "P300");
    cloneSystem("WMS-P100", "WMS-P200", "P200");
    const QString file = QDir(dir).filePath(QStringLiteral("gen-landscape.json"));
    QFile f(file);
    if (!f.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("%1: %2").arg(file, f.errorString()));
    f.write(QByteArray::fromStdString(l.dump(2)));
    return file;
}

constexpr std::array<const char*, 12> kNouns = { "Hex bolt", "Bracket", "Housing", "Shaft", "Bearing", "Gasket",
    "Valve body", "Cable harness", "Sensor", "Pump impeller", "Cover plate", "Spring" };
constexpr std::array<const char*, 10> kSpecs = { "M8x30 zinc", "steel 2 mm", "aluminium", "stainless 316", "NBR 40 mm",
    "24 V", "PA66 GF30", "6204-2RS", "DN50 PN16", "powder coated" };
constexpr std::array<const char*, 4> kLifecycle = { "released", "released", "in_design", "obsolete" };

} // namespace

Result<Summary> generate(const Options& o)
{
    QElapsedTimer clock;
    clock.start();
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(QStringLiteral("generator: no temporary directory"));
    auto landscape = writeLandscape(tmp.path());
    if (!landscape)
        return makeError(landscape.error());
    if (auto r = initWorkspace(o.path, {}, landscape.value(), "generator"); !r)
        return makeError(r.error());
    auto opened = Workspace::open(o.path, Workspace::Mode::ReadWrite);
    if (!opened)
        return makeError(opened.error());
    Workspace& ws = *opened.value();
    sqlite3* db = sqliteHandle(ws.db());

    std::vector<std::string> targets;
    {
        SqlStatement s;
        if (!s.prepare(db, "SELECT DISTINCT target_id FROM subscription WHERE domain = 'item' ORDER BY 1"))
            return makeError(s.error());
        while (s.next())
            targets.emplace_back(s.text(0));
        if (targets.size() != static_cast<size_t>(kTargets))
            return makeError(QStringLiteral("generator: expected %1 item subscribers, the landscape has %2")
                                 .arg(kTargets)
                                 .arg(targets.size()));
    }
    std::map<std::string, std::string> subscriptionOf;
    {
        SqlStatement s;
        s.prepare(db, "SELECT target_id, id FROM subscription WHERE domain = 'item'");
        while (s.next())
            subscriptionOf[std::string(s.text(0))] = std::string(s.text(1));
    }

    // Bulk load: the secondary indexes and triggers of the loaded tables are dropped and made again at the end
    // from their own definitions (sorting once is much faster than 8M random index inserts); the FTS index is
    // rebuilt in one pass.
    (void)ws.exec(QStringLiteral("PRAGMA synchronous = OFF"));
    (void)ws.exec(QStringLiteral("PRAGMA cache_size = -262144"));
    QStringList deferred;
    {
        SqlStatement defs;
        if (!defs.prepare(db,
                "SELECT name, type, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
                " AND tbl_name IN ('object', 'revision', 'object_target', 'delivery', 'exception', 'lineage_event')"))
            return makeError(defs.error());
        std::vector<std::pair<QString, QString>> drops;
        while (defs.next()) {
            drops.emplace_back(QStringLiteral("DROP %1 %2").arg(qs(defs.text(1)), qs(defs.text(0))), qs(defs.text(2)));
        }
        for (const auto& [drop, create] : drops) {
            if (auto r = ws.exec(drop); !r)
                return makeError(r.error());
            deferred << create;
        }
    }
    if (auto r = ws.begin(); !r)
        return makeError(r.error());
    SqlStatement obj, rev, ot, del, exc, lin, met;
    const bool ok = obj.prepare(db,
                        "INSERT INTO object(id, domain, key, revision_no, current_revision_id, content_hash, lifecycle,"
                        " description, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)")
        && rev.prepare(db,
            "INSERT INTO revision(id, object_id, revision_no, op, source_system, actor, correlation_id, received_at,"
            " model_version, state, changed, content_hash) VALUES (?,?,?,'upsert','PLM','PLM',?,?,'gen',?,?,?)")
        && ot.prepare(db,
            "INSERT INTO object_target(object_id, target_id, latest_revision_no, latest_delivery_id, status,"
            " acked_revision_no, updated_at) VALUES (?,?,?,?,?,?,?)")
        && del.prepare(db,
            "INSERT INTO delivery(id, revision_id, object_id, revision_no, target_id, subscription_id, status, "
            "attempts,"
            " due_at, idempotency_key, contract_version, created_at, updated_at, last_error, exception_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,'1',?,?,?,?)")
        && exc.prepare(db,
            "INSERT INTO exception(id, stage, category, severity, status, created_at, updated_at, domain, object_key,"
            " object_id, revision_id, delivery_id, target_id, message, details) VALUES"
            " (?,'delivery',?,?,'open',?,?,'item',?,?,?,?,?,?,'{}')")
        && lin.prepare(db,
            "INSERT INTO lineage_event(at, domain, object_key, object_id, revision_id, kind, system_id, actor,"
            " correlation_id, detail) VALUES (?,'item',?,?,?,?,?,?,?,?)")
        && met.prepare(db,
            "INSERT INTO metric_minute(target_id, minute, domain, attempts, acked, retried, failed, latency_sum,"
            " sla_breaches) VALUES (?,?,'item',?,?,?,?,?,?)");
    if (!ok) {
        ws.rollback();
        return makeError(QStringLiteral("generator: %1%2%3").arg(obj.error(), rev.error(), del.error()));
    }
    auto failed = [&ws](const SqlStatement& s) -> Result<Summary> {
        ws.rollback();
        return makeError(QStringLiteral("generator: %1").arg(s.error()));
    };

    std::mt19937 rng(o.seed);
    std::uniform_int_distribution<int> pct(0, 9999);
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    const std::int64_t span = 30LL * 24 * 3600 * 1000; // changes over the last 30 days
    Summary sum;
    std::int64_t deliveryId = 0, exceptionId = 0;
    std::map<std::pair<std::string, std::string>, std::int64_t> counters; // (target, status) -> n
    char key[32];
    for (std::int64_t id = 1; id <= o.objects; ++id) {
        std::snprintf(key, sizeof key, "GEN-%07lld", static_cast<long long>(id));
        const int revNo = 1 + static_cast<int>(rng() % 3);
        const std::int64_t updated
            = now - static_cast<std::int64_t>(rng() % static_cast<std::uint32_t>(span / 1000)) * 1000;
        const std::string desc = std::string(kNouns[rng() % kNouns.size()]) + " " + kSpecs[rng() % kSpecs.size()];
        const char* lifecycle = kLifecycle[rng() % kLifecycle.size()];
        const std::string hash = std::to_string(id * 2654435761u);
        obj.bind(0, id);
        obj.bind(1, "item");
        obj.bind(2, key);
        obj.bind(3, revNo);
        obj.bind(4, id);
        obj.bind(5, hash);
        obj.bind(6, lifecycle);
        obj.bind(7, desc);
        obj.bind(8, updated - 86400000);
        obj.bind(9, updated);
        if (!obj.exec())
            return failed(obj);
        const std::string state = nlohmann::json {
            { "item_number", key }, { "description", desc }, { "lifecycle_status", lifecycle }, { "base_uom", "EA" }
        }.dump();
        rev.bind(0, id);
        rev.bind(1, id);
        rev.bind(2, revNo);
        rev.bind(3, std::string("corr-") + key);
        rev.bind(4, updated);
        rev.bind(5, state);
        rev.bind(6, "[\"description\"]");
        rev.bind(7, hash);
        if (!rev.exec())
            return failed(rev);
        for (const std::string& t : targets) {
            const int p = pct(rng);
            const char* status = p < 9000 ? "acked"
                : p < 9400                ? "pending"
                : p < 9600                ? "held"
                : p < 9800                ? "retry_wait"
                : p < 9900                ? "failed"
                                          : "superseded";
            const bool acked = p < 9000;
            std::int64_t delivery = 0;
            if (!acked) {
                delivery = ++deliveryId;
                const bool isFailed = std::strcmp(status, "failed") == 0;
                std::int64_t exception = isFailed ? ++exceptionId : 0;
                del.bind(0, delivery);
                del.bind(1, id);
                del.bind(2, id);
                del.bind(3, revNo);
                del.bind(4, t);
                del.bind(5, subscriptionOf[t]);
                del.bind(6, status);
                del.bind(7, isFailed ? 8 : (std::strcmp(status, "retry_wait") == 0 ? 3 : 0));
                del.bind(8, updated);
                del.bind(9, std::string(key) + "/" + t + "/" + std::to_string(revNo));
                del.bind(10, updated);
                del.bind(11, updated);
                if (isFailed || std::strcmp(status, "retry_wait") == 0)
                    del.bind(12, isFailed ? "HTTP 422: unit of measure EA is not configured" : "HTTP 503: busy");
                else
                    del.bindNull(12);
                del.bindOptional(13, exception);
                if (!del.exec())
                    return failed(del);
                ++sum.deliveries;
                if (isFailed) {
                    exc.bind(0, exception);
                    exc.bind(1, "target_rejected");
                    exc.bind(2, (exception % 7 == 0) ? "critical" : (exception % 3 == 0) ? "high" : "medium");
                    exc.bind(3, updated);
                    exc.bind(4, updated);
                    exc.bind(5, key);
                    exc.bind(6, id);
                    exc.bind(7, id);
                    exc.bind(8, delivery);
                    exc.bind(9, t);
                    exc.bind(10, "HTTP 422: unit of measure EA is not configured");
                    if (!exc.exec())
                        return failed(exc);
                    ++sum.exceptions;
                }
            }
            ot.bind(0, id);
            ot.bind(1, t);
            ot.bind(2, revNo);
            ot.bindOptional(3, delivery);
            ot.bind(4, status);
            if (acked)
                ot.bind(5, revNo);
            else
                ot.bindNull(5);
            ot.bind(6, updated);
            if (!ot.exec())
                return failed(ot);
            ++counters[{ t, status }];
            ++sum.cells;
        }
        ++sum.objects;
    }
    // The busy object's lineage: repeated change/deliver/ack cycles.
    static const char* const kinds[] = { "received", "validated", "merged", "delivered", "acked" };
    for (int e = 0; e < o.busyObjectEvents; ++e) {
        lin.bind(0, now - static_cast<std::int64_t>(o.busyObjectEvents - e) * 60000);
        lin.bind(1, kBusyKey);
        lin.bind(2, 1);
        lin.bind(3, 1);
        const char* kind = kinds[e % 5];
        lin.bind(4, kind);
        lin.bind(5, e % 5 < 3 ? std::string("PLM") : targets[static_cast<size_t>(e / 5) % targets.size()]);
        lin.bind(6, "generator");
        lin.bind(7, "corr-busy-" + std::to_string(e / 5));
        lin.bind(8, "{}");
        if (!lin.exec())
            return failed(lin);
        ++sum.lineageEvents;
    }
    // An hour of per-minute metrics per target (the dashboard's throughput and latency).
    const std::int64_t minuteNow = now / 60000 * 60000;
    for (const std::string& t : targets)
        for (int m = 0; m < 60; ++m) {
            const int acked = 50 + static_cast<int>(rng() % 50);
            met.bind(0, t);
            met.bind(1, static_cast<std::int64_t>(minuteNow - m * 60000LL));
            met.bind(2, acked + 3);
            met.bind(3, acked);
            met.bind(4, 2);
            met.bind(5, 1);
            met.bind(6, static_cast<std::int64_t>(acked) * (200 + static_cast<int>(rng() % 400)));
            met.bind(7, 0);
            if (!met.exec())
                return failed(met);
        }
    {
        SqlStatement c;
        c.prepare(db, "INSERT INTO delivery_counter(target_id, domain, status, n) VALUES (?, 'item', ?, ?)");
        for (const auto& [k, n] : counters) {
            c.bind(0, k.first);
            c.bind(1, k.second);
            c.bind(2, n);
            if (!c.exec())
                return failed(c);
        }
        SqlStatement e;
        e.prepare(db,
            "INSERT INTO exception_counter(stage, category, status, n) VALUES ('delivery','target_rejected','open',?)");
        e.bind(0, sum.exceptions);
        if (!e.exec())
            return failed(e);
    }
    for (const QString& create : std::as_const(deferred))
        if (auto r = ws.exec(create); !r) {
            ws.rollback();
            return makeError(r.error());
        }
    if (auto r = ws.exec(QStringLiteral("INSERT INTO object_text(object_text) VALUES ('rebuild')")); !r) {
        ws.rollback();
        return makeError(r.error());
    }
    if (auto r = ws.commit(); !r)
        return makeError(r.error());
    (void)ws.exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    (void)ws.exec(QStringLiteral("PRAGMA analysis_limit = 1000")); // sampled statistics: enough for the planner
    (void)ws.exec(QStringLiteral("ANALYZE"));
    sum.elapsedMs = clock.elapsed();
    return sum;
}

Result<QString> cachedWorkspace(std::int64_t objects, std::uint32_t seed)
{
    const QString dir = QDir(QDir::tempPath()).filePath(QStringLiteral("mdsync-generated"));
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(
        QStringLiteral("gen-%1-seed%2-v%3.mdsync").arg(objects).arg(seed).arg(Workspace::kSchemaVersion));
    QLockFile lock(path + QStringLiteral(".genlock"));
    lock.setStaleLockTime(0);
    if (!lock.lock())
        return makeError(QStringLiteral("generator: cannot lock %1").arg(path));
    const QString done = path + QStringLiteral(".done");
    if (QFileInfo::exists(done) && QFileInfo::exists(path))
        return path;
    for (const QString& suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral(".lock") })
        QFile::remove(path + suffix);
    Options o;
    o.path = path;
    o.objects = objects;
    o.seed = seed;
    auto r = generate(o);
    if (!r)
        return makeError(r.error());
    QFile marker(done);
    if (!marker.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("%1: %2").arg(done, marker.errorString()));
    return path;
}

} // namespace mdsync::gen
