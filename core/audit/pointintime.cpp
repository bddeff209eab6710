#include "audit/pointintime.h"

#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace mdsync {

namespace {

nlohmann::json parsed(const QVariant& v)
{
    if (v.isNull())
        return nullptr;
    nlohmann::json j = nlohmann::json::parse(v.toString().toStdString(), nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

struct StoredVersion
{
    qint64 id = 0;
    std::string version, hash, origin;
    QString document;
    bool assumed = false; // T is before the first recorded version of this kind: the first one is used
};

// The version of a kind in force at `at`; before the first recorded version, the first one.
Result<StoredVersion> versionAt(const QSqlDatabase& db, const QString& kind, qint64 at)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, version, content_hash, origin, document FROM config_version"
                             " WHERE kind = ? AND effective_at <= ? ORDER BY effective_at DESC, id DESC LIMIT 1"));
    q.addBindValue(kind);
    q.addBindValue(QVariant::fromValue<qlonglong>(at));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("%1 in force").arg(kind)));
    bool assumed = false;
    if (!q.next()) {
        q.prepare(QStringLiteral("SELECT id, version, content_hash, origin, document FROM config_version"
                                 " WHERE kind = ? ORDER BY effective_at, id LIMIT 1"));
        q.addBindValue(kind);
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("first %1").arg(kind)));
        if (!q.next())
            return makeError(QStringLiteral("the workspace has no %1 installed").arg(kind));
        assumed = true;
    }
    StoredVersion v;
    v.id = q.value(0).toLongLong();
    v.version = q.value(1).toString().toStdString();
    v.hash = q.value(2).toString().toStdString();
    v.origin = q.value(3).toString().toStdString();
    v.document = q.value(4).toString();
    v.assumed = assumed;
    return v;
}

// Parsed documents, shared by every call in the process: keyed by content hash (a landscape also by the hash of
// the model it was validated against), so each version is parsed and validated once.
struct PolicyCache
{
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<const CanonicalModel>> models;
    std::map<std::string, std::shared_ptr<const Landscape>> landscapes;
};

PolicyCache& cache()
{
    static PolicyCache c;
    return c;
}

Result<std::shared_ptr<const CanonicalModel>> modelOf(const StoredVersion& v)
{
    PolicyCache& c = cache();
    {
        std::lock_guard lock(c.mutex);
        if (auto it = c.models.find(v.hash); it != c.models.end())
            return it->second;
    }
    const nlohmann::json doc = nlohmann::json::parse(v.document.toStdString(), nullptr, false);
    if (doc.is_discarded())
        return makeError(QStringLiteral("the stored model document #%1 is not valid JSON").arg(v.id));
    auto m = CanonicalModel::fromJson(doc, QStringLiteral("model #%1 (%2)").arg(v.id).arg(qs(v.origin)));
    if (!m)
        return makeError(m.error());
    auto p = std::make_shared<const CanonicalModel>(std::move(m).value());
    std::lock_guard lock(c.mutex);
    if (c.models.size() > 16)
        c.models.clear();
    c.models.emplace(v.hash, p);
    return p;
}

Result<std::shared_ptr<const Landscape>> landscapeOf(const StoredVersion& v, const CanonicalModel& model)
{
    PolicyCache& c = cache();
    const std::string key = v.hash + "|" + model.contentHash();
    {
        std::lock_guard lock(c.mutex);
        if (auto it = c.landscapes.find(key); it != c.landscapes.end())
            return it->second;
    }
    const nlohmann::json doc = nlohmann::json::parse(v.document.toStdString(), nullptr, false);
    if (doc.is_discarded())
        return makeError(QStringLiteral("the stored landscape document #%1 is not valid JSON").arg(v.id));
    auto l = Landscape::fromJson(doc, QStringLiteral("landscape #%1 (%2)").arg(v.id).arg(qs(v.origin)), model);
    if (!l)
        return makeError(l.error());
    auto p = std::make_shared<const Landscape>(std::move(l).value());
    std::lock_guard lock(c.mutex);
    if (c.landscapes.size() > 16)
        c.landscapes.clear();
    c.landscapes.emplace(key, p);
    return p;
}

} // namespace

Result<nlohmann::json> authorityAt(
    const QSqlDatabase& db, const std::string& domain, const std::string& key, qint64 atMs)
{
    const QString subject = QStringLiteral("authority %1/%2 at %3").arg(qs(domain), qs(key), qs(formatRfc3339(atMs)));
    auto withSubject = [&subject](const QString& e) { return makeError(subject + QStringLiteral(": ") + e); };

    // Policy in force at T.
    auto modelVersion = versionAt(db, QStringLiteral("model"), atMs);
    if (!modelVersion)
        return withSubject(modelVersion.error());
    auto landscapeVersion = versionAt(db, QStringLiteral("landscape"), atMs);
    if (!landscapeVersion)
        return withSubject(landscapeVersion.error());
    auto model = modelOf(modelVersion.value());
    if (!model)
        return withSubject(model.error());
    auto landscape = landscapeOf(landscapeVersion.value(), *model.value());
    if (!landscape)
        return withSubject(landscape.error());
    const DomainDef* dom = model.value()->domain(domain);
    if (!dom)
        return withSubject(QStringLiteral("domain '%1' is not in the model in force (version %2)")
                               .arg(qs(domain), qs(modelVersion->version)));

    nlohmann::json result = { { "domain", domain }, { "key", key }, { "at", formatRfc3339(atMs) }, { "exists", false },
        { "deleted", false }, { "revision_no", nullptr }, { "landscape_version", landscapeVersion->version },
        { "model_version", modelVersion->version }, { "attributes", nlohmann::json::array() },
        { "acknowledged", nlohmann::json::array() }, { "approvals", nlohmann::json::array() } };
    if (modelVersion->assumed || landscapeVersion->assumed)
        result["policy_note"] = "the time is before the first recorded configuration; the first one is shown";
    // The contracts deliveries were mapped with (a workspace from before contracts were stored has none recorded).
    if (auto contracts = versionAt(db, QStringLiteral("contracts"), atMs)) {
        result["contracts_version"] = contracts->version;
        result["contracts_hash"] = contracts->hash;
        if (contracts->assumed)
            result["contracts_note"] = "the time is before the first stored contracts version; the built-in "
                                       "defaults were in force, and the first stored version is shown";
    } else {
        result["contracts_version"] = nullptr;
    }

    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id FROM object WHERE domain = ? AND key = ?"));
    q.addBindValue(qs(domain));
    q.addBindValue(qs(key));
    if (!q.exec())
        return withSubject(sqlError(q, QStringLiteral("object")));
    const qint64 objectId = q.next() ? q.value(0).toLongLong() : 0;

    if (objectId) {
        // Revisions up to T, newest first, with the steward correction that produced each (if any).
        q.prepare(QStringLiteral(
            "SELECT r.revision_no, r.op, r.source_system, r.actor, r.received_at, r.state, r.changed, c.id,"
            " c.proposed_by, c.decided_by, a.file_name FROM revision r"
            " LEFT JOIN correction c ON c.revision_id = r.id AND c.status = 'applied'"
            " LEFT JOIN archive a ON a.id = r.archived_in"
            " WHERE r.object_id = ? AND r.received_at <= ? ORDER BY r.revision_no DESC"));
        q.addBindValue(QVariant::fromValue<qlonglong>(objectId));
        q.addBindValue(QVariant::fromValue<qlonglong>(atMs));
        if (!q.exec())
            return withSubject(sqlError(q, QStringLiteral("revisions")));
        nlohmann::json state;
        std::map<std::string, nlohmann::json> suppliers;
        std::set<std::string> missing;
        bool first = true;
        while (q.next()) {
            if (first) {
                first = false;
                result["revision_no"] = q.value(0).toLongLong();
                const bool deleted = q.value(1).toString() == QLatin1String("delete");
                result["exists"] = !deleted;
                result["deleted"] = deleted;
                state = parsed(q.value(5));
                if (!state.is_object())
                    state = nlohmann::json::object();
                // Retention (docs/RETENTION.md): the payload of the revision then in force may be in an archive file;
                // its values are not in the workspace any more, the file is named.
                if (!q.value(10).isNull())
                    result["archived_in"] = q.value(10).toString().toStdString();
                for (auto it = state.begin(); it != state.end(); ++it)
                    missing.insert(it.key());
            }
            if (missing.empty())
                break;
            const nlohmann::json changed = parsed(q.value(6));
            if (!changed.is_object())
                continue;
            for (auto it = changed.begin(); it != changed.end(); ++it) {
                if (!missing.contains(it.key()))
                    continue;
                missing.erase(it.key());
                const bool steward = !q.value(7).isNull();
                const std::string proposer = q.value(8).toString().toStdString();
                const std::string decider = q.value(9).toString().toStdString();
                nlohmann::json s = { { "system", q.value(2).toString().toStdString() },
                    { "actor", q.value(3).toString().toStdString() }, { "revision_no", q.value(0).toLongLong() },
                    { "received_at", formatRfc3339(q.value(4).toLongLong()) }, { "steward", steward },
                    { "correction_id", steward ? nlohmann::json(q.value(7).toLongLong()) : nlohmann::json(nullptr) },
                    { "approved_by",
                        steward && !decider.empty() && decider != proposer ? nlohmann::json(decider)
                                                                           : nlohmann::json(nullptr) } };
                if (it->is_object() && it->contains("by")) { // set by an enrichment rule on behalf of its system
                    s["system"] = it->value("by", std::string());
                    s["rule"] = it->value("rule", std::string());
                }
                suppliers[it.key()] = std::move(s);
            }
        }
        for (auto it = state.begin(); it != state.end(); ++it) {
            const AttributeDef* a = dom->attribute(it.key());
            const std::string group = a ? a->group : std::string();
            const SystemDef* owner = a ? landscape.value()->owner(domain, group, atMs) : nullptr;
            auto s = suppliers.find(it.key());
            result["attributes"].push_back(
                { { "attribute", it.key() }, { "group", a ? nlohmann::json(group) : nlohmann::json(nullptr) },
                    { "value", it.value() }, { "owner", owner ? nlohmann::json(owner->id) : nlohmann::json(nullptr) },
                    { "supplied_by", s == suppliers.end() ? nlohmann::json(nullptr) : s->second } });
        }

        // Highest revision acknowledged by each target at T.
        // (Standard SQL: the ack time of that revision's delivery, not SQLite's bare column beside max().)
        q.prepare(QStringLiteral("SELECT d.target_id, d.revision_no, max(d.acked_at) FROM delivery d"
                                 " WHERE d.object_id = ? AND d.acked_at IS NOT NULL AND d.acked_at <= ?"
                                 " AND d.revision_no = (SELECT max(x.revision_no) FROM delivery x"
                                 " WHERE x.object_id = d.object_id AND x.target_id = d.target_id"
                                 " AND x.acked_at IS NOT NULL AND x.acked_at <= ?)"
                                 " GROUP BY d.target_id, d.revision_no ORDER BY d.target_id"));
        q.addBindValue(QVariant::fromValue<qlonglong>(objectId));
        q.addBindValue(QVariant::fromValue<qlonglong>(atMs));
        q.addBindValue(QVariant::fromValue<qlonglong>(atMs));
        if (!q.exec())
            return withSubject(sqlError(q, QStringLiteral("acknowledgements")));
        while (q.next())
            result["acknowledged"].push_back({ { "target", q.value(0).toString().toStdString() },
                { "revision_no", q.value(1).toLongLong() }, { "acked_at", formatRfc3339(q.value(2).toLongLong()) } });
    }

    // Four-eyes decisions on corrections of the object, decided by T (the object need not exist: a rejected
    // correction of a create is still an approval record).
    q.prepare(
        QStringLiteral("SELECT id, proposed_by, decided_by, status, decided_at, critical_groups FROM correction"
                       " WHERE domain = ? AND object_key = ? AND decided_by IS NOT NULL AND decided_by != proposed_by"
                       " AND decided_at IS NOT NULL"
                       " AND decided_at <= ? ORDER BY decided_at, id"));
    q.addBindValue(qs(domain));
    q.addBindValue(qs(key));
    q.addBindValue(QVariant::fromValue<qlonglong>(atMs));
    if (!q.exec())
        return withSubject(sqlError(q, QStringLiteral("approvals")));
    while (q.next()) {
        const QString status = q.value(3).toString();
        nlohmann::json groups = parsed(q.value(5));
        if (!groups.is_array())
            groups = nlohmann::json::array();
        result["approvals"].push_back(
            { { "correction_id", q.value(0).toLongLong() }, { "proposed_by", q.value(1).toString().toStdString() },
                { "decided_by", q.value(2).toString().toStdString() },
                { "decision",
                    status == QLatin1String("applied")
                        ? std::string("approved")
                        : (status == QLatin1String("rejected") ? std::string("rejected") : status.toStdString()) },
                { "decided_at", formatRfc3339(q.value(4).toLongLong()) }, { "groups", groups } });
    }
    // Merges applied by then (docs/DUPLICATES.md "Merging"): this key merged into another (its events since update
    // the survivor), or other keys merged into this object.
    result["merges"] = nlohmann::json::array();
    if (objectId) {
        q.prepare(
            QStringLiteral("SELECT id, merged_key, survivor_key, merged_id, proposed_by, coalesce(decided_by, ''),"
                           " applied_at, reason FROM object_merge WHERE status = 'applied' AND applied_at <= ?"
                           " AND (merged_id = ? OR survivor_id = ?) ORDER BY applied_at, id"));
        q.addBindValue(QVariant::fromValue<qlonglong>(atMs));
        q.addBindValue(QVariant::fromValue<qlonglong>(objectId));
        q.addBindValue(QVariant::fromValue<qlonglong>(objectId));
        if (!q.exec())
            return withSubject(sqlError(q, QStringLiteral("merges")));
        while (q.next()) {
            nlohmann::json m
                = { { "merge_id", q.value(0).toLongLong() }, { "merged_key", q.value(1).toString().toStdString() },
                      { "survivor_key", q.value(2).toString().toStdString() },
                      { "role", q.value(3).toLongLong() == objectId ? "merged" : "survivor" },
                      { "proposed_by", q.value(4).toString().toStdString() },
                      { "applied_at", formatRfc3339(q.value(6).toLongLong()) },
                      { "reason", q.value(7).toString().toStdString() } };
            if (!q.value(5).toString().isEmpty())
                m["approved_by"] = q.value(5).toString().toStdString();
            result["merges"].push_back(std::move(m));
        }
    }
    return result;
}

} // namespace mdsync
