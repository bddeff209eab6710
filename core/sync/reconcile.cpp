#include "sync/reconcile.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "connectors/connector.h"
#include "policy/landscape.h"
#include "store/deliverystatus.h"
#include "store/exceptionstatus.h"
#include "store/outbox.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/hash.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QEventLoop>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <QVariant>

#include <cmath>
#include <map>
#include <memory>
#include <set>

namespace mdsync {

using json = nlohmann::json;

namespace {

bool reconcileSame(const json& expected, const json& actual, double tolerance)
{
    if (expected.is_null())
        return actual.is_null();
    if (expected.is_number() && actual.is_number()) {
        const auto e = expected.get<double>();
        const auto a = actual.get<double>();
        return std::fabs(e - a) <= tolerance * std::max(1.0, std::max(std::fabs(e), std::fabs(a)));
    }
    if (expected.is_boolean() && actual.is_number())
        return expected.get<bool>() == (actual.get<double>() != 0);
    return expected == actual;
}

void reconcileCompare(const std::string& path, const json& expected, const json& actual, double tolerance,
    std::vector<ReconcileDifference>& out)
{
    if (expected.is_array() && actual.is_array()) {
        if (expected.size() != actual.size()) {
            out.push_back({ path, expected, actual });
            return;
        }
        for (size_t i = 0; i < expected.size(); ++i)
            reconcileCompare(path + "[" + std::to_string(i) + "]", expected[i], actual[i], tolerance, out);
        return;
    }
    if (expected.is_object() && actual.is_object()) {
        for (auto it = expected.begin(); it != expected.end(); ++it)
            reconcileCompare(path + (path.empty() ? "" : ".") + it.key(), it.value(),
                actual.contains(it.key()) ? actual[it.key()] : json(), tolerance, out);
        return;
    }
    if (!reconcileSame(expected, actual, tolerance))
        out.push_back({ path, expected, actual });
}

QString reconcileSqlError(const QSqlQuery& q, const char* what)
{
    return QStringLiteral("reconcile: %1: %2").arg(QLatin1String(what), q.lastError().text());
}

// NOLINTNEXTLINE(bugprone-exception-escape): the implicit noexcept move; clang-tidy 14 follows nlohmann::json's
// assert_invariant, which asserts and never throws
struct ReconcileRow
{
    std::int64_t objectId = 0, revisionId = 0, revisionNo = 0, deliveryId = 0;
    std::string domain, key, op, contractVersion, payloadOverride, correlationId;
    json state;
};

} // namespace

json ReconcileSummary::toJson() const
{
    json drifted = json::array();
    for (const auto& d : drifts) {
        json diffs = json::array();
        for (const auto& x : d.differences)
            diffs.push_back({ { "field", x.field }, { "expected", x.expected }, { "actual", x.actual } });
        drifted.push_back({ { "domain", d.domain }, { "key", d.key }, { "acked_revision_no", d.ackedRevisionNo },
            { "exception_id", d.exceptionId }, { "already_open", d.alreadyOpen }, { "differences", diffs } });
    }
    return { { "target", target }, { "compared", compared }, { "in_sync", inSync }, { "drifted", drifts.size() },
        { "exceptions_created", exceptionsCreated }, { "skipped", skipped }, { "drifts", drifted } };
}

std::vector<ReconcileDifference> compareRecord(const json& expected, const json& actual, double tolerance)
{
    std::vector<ReconcileDifference> out;
    if (!expected.is_object())
        return out;
    for (auto it = expected.begin(); it != expected.end(); ++it)
        reconcileCompare(it.key(), it.value(),
            actual.is_object() && actual.contains(it.key()) ? actual[it.key()] : json(), tolerance, out);
    return out;
}

Result<ReconcileSummary> reconcileTarget(Workspace& ws, const ActiveConfig& config, const ContractSet& contracts,
    Connector& connector, const ReconcileOptions& o)
{
    if (o.checkPermission)
        if (auto r = requirePermission(ws.db(), o.actor, Action::Replay); !r)
            return makeError(r.error());
    const Landscape& landscape = *config.landscape;
    if (!landscape.system(o.target))
        return makeError(QStringLiteral("reconcile: unknown target system '%1'").arg(qs(o.target)));
    ReconcileSummary summary;
    summary.target = o.target;

    // What the target acknowledged last, per object: the revision, the delivery and its contract version.
    std::map<std::string, std::vector<ReconcileRow>> byDomain;
    {
        QSqlQuery q(ws.db());
        // The acknowledged delivery of the revision the target has: its id, contract version and payload override.
        const std::string acked = sqlStatus(DeliveryStatus::Acked);
        q.prepare(QString::fromStdString(
            "SELECT o.id, o.domain, o.key, r.id, r.revision_no, r.op, r.state, r.correlation_id,"
            " (SELECT d.id FROM delivery d WHERE d.object_id = o.id AND d.target_id = ot.target_id"
            "   AND d.revision_no = ot.acked_revision_no AND d.status = "
            + acked
            + " ORDER BY d.id DESC LIMIT 1),"
              " (SELECT d.contract_version FROM delivery d WHERE d.object_id = o.id AND d.target_id = ot.target_id"
              "   AND d.revision_no = ot.acked_revision_no AND d.status = "
            + acked
            + " ORDER BY d.id DESC LIMIT 1),"
              " (SELECT d.payload_override FROM delivery d WHERE d.object_id = o.id AND d.target_id = ot.target_id"
              "   AND d.revision_no = ot.acked_revision_no AND d.status = "
            + acked
            + " ORDER BY d.id DESC LIMIT 1)"
              " FROM object_target ot JOIN object o ON o.id = ot.object_id"
              " JOIN revision r ON r.object_id = o.id AND r.revision_no = ot.acked_revision_no"
              " WHERE ot.target_id = ? AND ot.acked_revision_no IS NOT NULL AND (? = '' OR o.domain = ?)"
              " ORDER BY o.domain, o.key"));
        q.addBindValue(qs(o.target));
        q.addBindValue(qs(o.domain));
        q.addBindValue(qs(o.domain));
        if (!q.exec())
            return makeError(reconcileSqlError(q, "acknowledged objects"));
        while (q.next()) {
            ReconcileRow r;
            r.objectId = q.value(0).toLongLong();
            r.domain = q.value(1).toString().toStdString();
            r.key = q.value(2).toString().toStdString();
            r.revisionId = q.value(3).toLongLong();
            r.revisionNo = q.value(4).toLongLong();
            r.op = q.value(5).toString().toStdString();
            r.state = json::parse(q.value(6).toString().toStdString(), nullptr, false);
            r.correlationId = q.value(7).toString().toStdString();
            r.deliveryId = q.value(8).toLongLong();
            r.contractVersion = q.value(9).toString().toStdString();
            r.payloadOverride = q.value(10).toString().toStdString();
            if (r.contractVersion.empty())
                for (const SubscriptionDef* s : landscape.subscriptionsFor(r.domain))
                    if (s->target == o.target)
                        r.contractVersion = s->contractVersion;
            byDomain[r.domain].push_back(std::move(r));
        }
    }

    struct Found
    {
        const ReconcileRow* row;
        std::vector<ReconcileDifference> differences;
        json actual;
    };
    std::vector<Found> found;
    for (auto& [domain, rows] : byDomain) {
        if (!connector.supportsReadBack(domain)) {
            summary.skipped += static_cast<int>(rows.size());
            continue;
        }
        // Expected payloads through the contract of each acknowledged delivery.
        std::vector<json> expected(rows.size());
        std::set<std::string> fieldSet;
        for (size_t i = 0; i < rows.size(); ++i) {
            const ReconcileRow& r = rows[i];
            if (r.op == "delete" || r.state.is_discarded())
                continue;
            auto mapped = deliveryPayload(contracts, config.model->units(), r.domain, o.target, r.contractVersion,
                r.key, r.state, r.payloadOverride, true);
            if (!mapped) {
                ++summary.skipped;
                expected[i] = nullptr;
                continue;
            }
            expected[i] = mapped->payload;
            for (auto it = expected[i].begin(); it != expected[i].end(); ++it)
                fieldSet.insert(it.key());
        }
        const std::vector<std::string> fields(fieldSet.begin(), fieldSet.end());
        // At the target's rate limit a read-back call must fit half of its time budget.
        size_t chunk = std::max<size_t>(1, o.chunk);
        if (const double rate = landscape.system(o.target)->rateLimitPerSecond; rate > 0)
            chunk = std::clamp<size_t>(static_cast<size_t>(rate * o.fetchTimeoutMs / 2000.0), 1, chunk);
        for (size_t from = 0; from < rows.size(); from += chunk) {
            const size_t to = std::min(rows.size(), from + chunk);
            std::vector<std::string> keys;
            for (size_t i = from; i < to; ++i)
                keys.push_back(rows[i].key);
            // Wait for the connector in a local event loop (bounded).
            auto result = std::make_shared<ReadBackResult>();
            auto finished = std::make_shared<bool>(false);
            QEventLoop loop;
            QTimer timeout;
            timeout.setSingleShot(true);
            QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
            connector.fetch(domain, keys, fields, [result, finished, &loop](ReadBackResult r) {
                *result = std::move(r);
                *finished = true;
                loop.quit();
            });
            if (!*finished) {
                timeout.start(o.fetchTimeoutMs);
                loop.exec();
            }
            if (!*finished)
                return makeError(QStringLiteral("reconcile: %1 did not answer the read-back of %2 %3 within %4 ms")
                                     .arg(qs(o.target), qs(domain))
                                     .arg(keys.size())
                                     .arg(o.fetchTimeoutMs));
            if (!result->ok)
                return makeError(QStringLiteral("reconcile: reading back %1 from %2 failed: %3")
                                     .arg(qs(domain), qs(o.target), qs(result->error)));
            for (size_t i = from; i < to; ++i) {
                const ReconcileRow& r = rows[i];
                auto rec = result->records.find(r.key);
                Found f { &r, {}, rec == result->records.end() ? json() : rec->second };
                if (r.op == "delete") {
                    // Retired: the target may keep the record, inactive.
                    if (rec != result->records.end()) {
                        const json& a = rec->second;
                        if (a.value("active", json(false)) == json(true))
                            f.differences.push_back({ "active", false, true });
                        else if (a.value("retired", json(true)) == json(false))
                            f.differences.push_back({ "retired", true, false });
                    }
                } else if (expected[i].is_null()) {
                    continue;
                } else if (rec == result->records.end()) {
                    f.differences.push_back({ "(record)", "present", "absent" });
                } else {
                    f.differences = compareRecord(expected[i], rec->second, o.tolerance);
                }
                ++summary.compared;
                if (f.differences.empty())
                    ++summary.inSync;
                else
                    found.push_back(std::move(f));
            }
        }
    }

    // One transaction: drift exceptions (not while one is open), lineage, counters, one audit entry.
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    const TimeMs t = nowMs();
    auto fail = [](const QString& e) -> Result<ReconcileSummary> { return makeError(e); }; // tx rolls back
    json created = json::array();
    for (const Found& f : found) {
        const ReconcileRow& r = *f.row;
        ReconcileDrift d { r.domain, r.key, r.revisionNo, f.differences, 0, false };
        QSqlQuery q(ws.db());
        // A newer revision acknowledged while the read-back was under way (the dispatcher runs on this thread
        // during the wait): the comparison is stale, the next run compares again.
        q.prepare(QStringLiteral("SELECT acked_revision_no FROM object_target WHERE object_id = ? AND target_id = ?"));
        q.addBindValue(QVariant::fromValue<qlonglong>(r.objectId));
        q.addBindValue(qs(o.target));
        if (!q.exec())
            return fail(reconcileSqlError(q, "acknowledged revision"));
        if (!q.next() || q.value(0).toLongLong() != r.revisionNo) {
            ++summary.skipped;
            --summary.compared;
            continue;
        }
        q.prepare(QString::fromStdString("SELECT id FROM exception WHERE category = 'drift' AND object_id = ? AND"
                                         " target_id = ? AND status NOT IN "
            + sqlClosedExceptionStatuses() + " ORDER BY id LIMIT 1"));
        q.addBindValue(QVariant::fromValue<qlonglong>(r.objectId));
        q.addBindValue(qs(o.target));
        if (!q.exec())
            return fail(reconcileSqlError(q, "open drift"));
        if (q.next()) {
            d.exceptionId = q.value(0).toLongLong();
            d.alreadyOpen = true;
            summary.drifts.push_back(std::move(d));
            continue;
        }
        json diffs = json::array();
        std::string text;
        for (const auto& x : f.differences) {
            diffs.push_back({ { "field", x.field }, { "expected", x.expected }, { "actual", x.actual } });
            if (text.size() < 600)
                text += (text.empty() ? "" : "; ") + x.field + ": expected " + x.expected.dump() + ", " + o.target
                    + " has " + x.actual.dump();
        }
        const std::string message = "drift at " + o.target + ": " + r.domain + " " + r.key
            + " differs from the acknowledged revision " + std::to_string(r.revisionNo) + " in "
            + std::to_string(f.differences.size()) + " field(s): " + text;
        const json details = { { "differences", diffs }, { "acked_revision_no", r.revisionNo },
            { "contract_version", r.contractVersion }, { "detected_by", o.actor } };
        const std::string raw = f.actual.dump();
        std::string severity = "medium";
        for (const SubscriptionDef* s : landscape.subscriptionsFor(r.domain))
            if (s->target == o.target)
                severity = std::string(criticalityName(s->criticality));
        q.prepare(QStringLiteral(
            "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, correlation_id, domain,"
            " object_key, object_id, revision_id, delivery_id, target_id, message, details, raw, raw_sha256)"
            " VALUES ('delivery', 'drift', ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"));
        q.addBindValue(qs(severity));
        q.addBindValue(QVariant::fromValue<qlonglong>(t));
        q.addBindValue(QVariant::fromValue<qlonglong>(t));
        q.addBindValue(r.correlationId.empty() ? QVariant() : QVariant(qs(r.correlationId)));
        q.addBindValue(qs(r.domain));
        q.addBindValue(qs(r.key));
        q.addBindValue(QVariant::fromValue<qlonglong>(r.objectId));
        q.addBindValue(QVariant::fromValue<qlonglong>(r.revisionId));
        q.addBindValue(r.deliveryId ? QVariant::fromValue<qlonglong>(r.deliveryId) : QVariant());
        q.addBindValue(qs(o.target));
        q.addBindValue(qs(message));
        q.addBindValue(qs(details.dump()));
        q.addBindValue(QByteArray::fromStdString(raw));
        q.addBindValue(qs(sha256Hex(raw)));
        if (!q.exec() || !readReturnedId(q, d.exceptionId))
            return fail(reconcileSqlError(q, "insert drift exception"));
        q.prepare(QStringLiteral(
            "INSERT INTO exception_counter(stage, category, status, n) VALUES ('delivery', 'drift',"
            " 'open', 1) ON CONFLICT(stage, category, status) DO UPDATE SET n = exception_counter.n + 1"));
        if (!q.exec())
            return fail(reconcileSqlError(q, "exception counters"));
        const std::string detail = json({ { "exception_id", d.exceptionId }, { "differences", diffs } }).dump();
        try {
            ws.outbox().lineage({ t, r.domain, r.key, r.objectId, r.revisionId, "drift_detected", o.target, o.actor,
                r.correlationId, detail });
        } catch (const store::SqlError& e) {
            return fail(QStringLiteral("reconcile: ") + e.message());
        }
        created.push_back({ { "exception_id", d.exceptionId }, { "object", r.domain + "/" + r.key } });
        ++summary.exceptionsCreated;
        summary.drifts.push_back(std::move(d));
    }
    AuditLog audit(ws.db());
    json after = { { "domain", o.domain.empty() ? json() : json(o.domain) }, { "compared", summary.compared },
        { "in_sync", summary.inSync }, { "drifted", summary.drifts.size() }, { "exceptions_created", created } };
    if (auto a = audit.append(o.actor, "reconcile.run", "target/" + o.target, std::nullopt, after, std::nullopt); !a)
        return fail(a.error());
    if (auto c = tx.commit(); !c)
        return makeError(c.error());
    return summary;
}

} // namespace mdsync
