#include "config/configstore.h"

#include "audit/auditlog.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

#include <limits>

namespace mdsync {

namespace {

struct StoredDoc
{
    qint64 id = 0;
    std::string version;
    std::string hash;
};

const QString kProjectedModel = QStringLiteral("projection.model_version_id");
const QString kProjectedLandscape = QStringLiteral("projection.landscape_version_id");

// The version of a kind in force at `at`: the newest with effective_at <= at (ties: the newest id).
StoredDoc current(QSqlDatabase& db, const QString& kind, TimeMs at)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT id, version, content_hash FROM config_version WHERE kind = ? AND effective_at <= ?"
                             " ORDER BY effective_at DESC, id DESC LIMIT 1"));
    q.addBindValue(kind);
    q.addBindValue(QVariant::fromValue<qlonglong>(at));
    StoredDoc d;
    if (q.exec() && q.next()) {
        d.id = q.value(0).toLongLong();
        d.version = q.value(1).toString().toStdString();
        d.hash = q.value(2).toString().toStdString();
    }
    return d;
}

Result<qint64> storeDoc(QSqlDatabase& db, const QString& kind, const std::string& version, const std::string& hash,
    const nlohmann::json& doc, const QString& origin, const std::string& actor, TimeMs effectiveAt)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO config_version(kind, version, content_hash, document, origin, effective_at, loaded_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"));
    q.addBindValue(kind);
    q.addBindValue(QString::fromStdString(version));
    q.addBindValue(QString::fromStdString(hash));
    q.addBindValue(QString::fromStdString(doc.dump()));
    q.addBindValue(origin);
    q.addBindValue(QVariant::fromValue<qlonglong>(effectiveAt));
    q.addBindValue(QString::fromStdString(actor));
    // RETURNING, not lastInsertId(): QPSQL has no last insert id (SQLite 3.35+ and PostgreSQL both return it).
    if (!q.exec() || !q.next())
        return makeError(sqlError(q, QStringLiteral("store %1").arg(kind)));
    return q.value(0).toLongLong();
}

QString jsonText(const nlohmann::json& j)
{
    return QString::fromStdString(j.dump());
}

std::optional<nlohmann::json> describe(const StoredDoc& d)
{
    if (!d.id)
        return std::nullopt;
    return nlohmann::json { { "version", d.version }, { "content_hash", d.hash } };
}

Result<void> writeProjections(
    QSqlDatabase& db, const CanonicalModel& model, const Landscape& landscape, qint64 landscapeVersionId)
{
    QSqlQuery q(db);
    for (const char* table : { "DELETE FROM domain", "DELETE FROM ownership", "DELETE FROM subscription" }) {
        if (!q.exec(QString::fromLatin1(table)))
            return makeError(sqlError(q, QStringLiteral("rewrite projections")));
    }
    q.prepare(QStringLiteral(
        "INSERT INTO domain(name, label, key_name, model_version, attribute_groups) VALUES (?,?,?,?,?)"));
    for (const DomainDef& d : model.domains()) {
        q.addBindValue(QString::fromStdString(d.name));
        q.addBindValue(QString::fromStdString(d.label));
        q.addBindValue(QString::fromStdString(d.keyName));
        q.addBindValue(QString::fromStdString(model.version()));
        q.addBindValue(jsonText(d.groups));
        if (auto r = execPrepared(q, QStringLiteral("domain %1").arg(QString::fromStdString(d.name))); !r)
            return r;
    }
    // Systems keep their paused flag across landscape reloads.
    q.prepare(QStringLiteral(
        "INSERT INTO system(id, name, kind, plants, max_concurrency, rate_limit, rate_burst, inbound, connector)"
        " VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind,"
        " plants=excluded.plants, max_concurrency=excluded.max_concurrency, rate_limit=excluded.rate_limit,"
        " rate_burst=excluded.rate_burst, inbound=excluded.inbound, connector=excluded.connector"));
    for (const SystemDef& s : landscape.systems()) {
        q.addBindValue(QString::fromStdString(s.id));
        q.addBindValue(QString::fromStdString(s.name));
        q.addBindValue(QString::fromStdString(s.kind));
        q.addBindValue(jsonText(s.plants));
        q.addBindValue(s.maxConcurrency);
        q.addBindValue(s.rateLimitPerSecond);
        q.addBindValue(s.rateBurst);
        q.addBindValue(s.inbound ? 1 : 0);
        q.addBindValue(jsonText(s.connector));
        if (auto r = execPrepared(q, QStringLiteral("system %1").arg(QString::fromStdString(s.id))); !r)
            return r;
    }
    q.prepare(QStringLiteral(
        "INSERT INTO ownership(landscape_version_id, domain, attr_group, system_id, valid_from, valid_to)"
        " VALUES (?,?,?,?,?,?)"));
    for (const OwnershipRule& o : landscape.ownership()) {
        q.addBindValue(landscapeVersionId);
        q.addBindValue(QString::fromStdString(o.domain));
        q.addBindValue(QString::fromStdString(o.group));
        q.addBindValue(QString::fromStdString(o.system));
        q.addBindValue(QVariant::fromValue<qlonglong>(o.validFrom));
        q.addBindValue(QVariant::fromValue<qlonglong>(o.validTo));
        if (auto r = execPrepared(q, QStringLiteral("ownership")); !r)
            return r;
    }
    q.prepare(
        QStringLiteral("INSERT INTO subscription(id, domain, target_id, pattern, filter, sla_minutes, criticality,"
                       " contract_version, window_start, window_end) VALUES (?,?,?,?,?,?,?,?,?,?)"));
    for (const SubscriptionDef& s : landscape.subscriptions()) {
        q.addBindValue(QString::fromStdString(s.id));
        q.addBindValue(QString::fromStdString(s.domain));
        q.addBindValue(QString::fromStdString(s.target));
        q.addBindValue(
            QString::fromUtf8(patternName(s.pattern).data(), static_cast<qsizetype>(patternName(s.pattern).size())));
        q.addBindValue(jsonText({ { "plants", s.plants }, { "lifecycle_states", s.lifecycleStates } }));
        q.addBindValue(s.slaMinutes);
        q.addBindValue(QString::fromUtf8(
            criticalityName(s.criticality).data(), static_cast<qsizetype>(criticalityName(s.criticality).size())));
        q.addBindValue(QString::fromStdString(s.contractVersion));
        const bool batch = s.pattern == SubscriptionDef::Pattern::ScheduledBatch;
        q.addBindValue(batch ? QVariant(s.windowStartMinute) : QVariant(QMetaType(QMetaType::Int)));
        q.addBindValue(batch ? QVariant(s.windowEndMinute) : QVariant(QMetaType(QMetaType::Int)));
        if (auto r = execPrepared(q, QStringLiteral("subscription %1").arg(QString::fromStdString(s.id))); !r)
            return r;
    }
    return {};
}

} // namespace

Result<void> installConfig(Workspace& ws, const CanonicalModel& model, const QString& modelOrigin,
    const Landscape& landscape, const QString& landscapeOrigin, const std::string& actor, TimeMs effectiveAt)
{
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    if (auto r = installConfigInTransaction(ws, model, modelOrigin, landscape, landscapeOrigin, actor, effectiveAt);
        !r) {
        return r;
    }
    if (auto r = tx.commit(); !r) {
        return r;
    }
    return {};
}

Result<void> installConfigInTransaction(Workspace& ws, const CanonicalModel& model, const QString& modelOrigin,
    const Landscape& landscape, const QString& landscapeOrigin, const std::string& actor, TimeMs effectiveAt)
{
    QSqlDatabase& db = ws.db();
    auto fail = [](const QString& message) -> Result<void> { return makeError(message); };
    const TimeMs now = nowMs();
    const TimeMs effective = effectiveAt > 0 ? effectiveAt : now;

    AuditLog audit(db);
    const StoredDoc oldModel = current(db, QStringLiteral("model"), effective);
    const StoredDoc oldLandscape = current(db, QStringLiteral("landscape"), effective);

    qint64 modelId = oldModel.id;
    if (oldModel.hash != model.contentHash()) {
        auto id = storeDoc(db, QStringLiteral("model"), model.version(), model.contentHash(), model.document(),
            modelOrigin, actor, effective);
        if (!id)
            return fail(id.error());
        modelId = id.value();
        auto a = audit.append(actor, "config.model.install", "model " + model.version(), describe(oldModel),
            nlohmann::json { { "version", model.version() }, { "content_hash", model.contentHash() },
                { "origin", modelOrigin.toStdString() }, { "domains", model.domains().size() },
                { "effective_at", formatRfc3339(effective) } },
            std::nullopt);
        if (!a)
            return fail(a.error());
    }
    qint64 landscapeId = oldLandscape.id;
    if (oldLandscape.hash != landscape.contentHash()) {
        auto id = storeDoc(db, QStringLiteral("landscape"), landscape.version(), landscape.contentHash(),
            landscape.document(), landscapeOrigin, actor, effective);
        if (!id)
            return fail(id.error());
        landscapeId = id.value();
        auto a = audit.append(actor, "config.landscape.install", "landscape " + landscape.version(),
            describe(oldLandscape),
            nlohmann::json { { "version", landscape.version() }, { "content_hash", landscape.contentHash() },
                { "origin", landscapeOrigin.toStdString() }, { "systems", landscape.systems().size() },
                { "ownership_rules", landscape.ownership().size() },
                { "subscriptions", landscape.subscriptions().size() }, { "effective_at", formatRfc3339(effective) } },
            std::nullopt);
        if (!a)
            return fail(a.error());
    }
    // The workspace's first contracts: the built-in defaults for its landscape (docs/CONTRACTS.md "Governance").
    if (!current(db, QStringLiteral("contracts"), std::numeric_limits<TimeMs>::max()).id) {
        auto defaults = ContractSet::builtin(model, landscape);
        if (!defaults)
            return fail(defaults.error());
        if (auto r = installContractsInTransaction(ws, defaults.value(), QStringLiteral("built-in"), actor, effective);
            !r)
            return fail(r.error());
    }
    if (effective > now) {
        // Future-dated: the projections keep showing the version in force; loadActiveConfig writes them when due.
        // A workspace that never recorded which versions its projections show gets that noted now.
        if (ws.meta(kProjectedLandscape).isEmpty()) {
            const StoredDoc m = current(db, QStringLiteral("model"), now);
            const StoredDoc l = current(db, QStringLiteral("landscape"), now);
            if (auto r = ws.setMeta(kProjectedModel, QString::number(m.id)); !r)
                return r;
            if (auto r = ws.setMeta(kProjectedLandscape, QString::number(l.id)); !r)
                return r;
        }
        return {};
    }
    if (auto r = writeProjections(db, model, landscape, landscapeId); !r)
        return fail(r.error());
    if (auto r = ws.setMeta(kProjectedModel, QString::number(modelId)); !r)
        return r;
    if (auto r = ws.setMeta(kProjectedLandscape, QString::number(landscapeId)); !r)
        return r;
    return {};
}

Result<qint64> installContractsInTransaction(
    Workspace& ws, const ContractSet& contracts, const QString& origin, const std::string& actor, TimeMs effectiveAt)
{
    QSqlDatabase& db = ws.db();
    const TimeMs effective = effectiveAt > 0 ? effectiveAt : nowMs();
    const StoredDoc old = current(db, QStringLiteral("contracts"), effective);
    if (old.id && old.hash == contracts.contentHash())
        return old.id;
    auto id = storeDoc(db, QStringLiteral("contracts"), contracts.version(), contracts.contentHash(),
        contracts.document(), origin, actor, effective);
    if (!id)
        return id;
    nlohmann::json generic = nlohmann::json::array();
    for (const GenericContract& g : contracts.generic())
        generic.push_back(g.subscription);
    AuditLog audit(db);
    auto a = audit.append(actor, "config.contracts.install", "contracts " + contracts.version(), describe(old),
        nlohmann::json { { "version", contracts.version() }, { "content_hash", contracts.contentHash() },
            { "origin", origin.toStdString() }, { "contracts", contracts.contracts().size() },
            { "dormant", contracts.dormant() }, { "generic_subscriptions", generic },
            { "effective_at", formatRfc3339(effective) } },
        std::nullopt);
    if (!a)
        return makeError(a.error());
    return id;
}

Result<ConfigVersionIds> configVersionsAt(Workspace& ws, TimeMs at)
{
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT id FROM config_version WHERE kind = ? AND effective_at <= ?"
                             " ORDER BY effective_at DESC, id DESC LIMIT 1"));
    ConfigVersionIds ids;
    for (auto [kind, id] : { std::pair { "model", &ids.model }, std::pair { "landscape", &ids.landscape },
             std::pair { "contracts", &ids.contracts } }) {
        q.bindValue(0, QString::fromLatin1(kind));
        q.bindValue(1, QVariant::fromValue<qlonglong>(at));
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("configuration versions in force")));
        *id = q.next() ? q.value(0).toLongLong() : qint64 { 0 };
    }
    return ids;
}

ConfigVersionIds versionIds(const ActiveConfig& config)
{
    return { config.modelVersionId, config.landscapeVersionId, config.contractsVersionId };
}

Result<ActiveConfig> loadActiveConfig(Workspace& ws)
{
    auto cfg = loadConfigAt(ws, nowMs());
    if (!cfg || ws.mode() != Workspace::Mode::ReadWrite)
        return cfg;
    if (cfg->contractsVersionId == 0) {
        // A workspace from before contracts were configuration: store the defaults it has been using. Someone
        // who may not write configuration (a viewer on PostgreSQL) keeps using them from memory.
        Workspace::Transaction tx(ws);
        if (tx) {
            auto id = installContractsInTransaction(ws, *cfg->contracts,
                QStringLiteral("built-in (stored when the workspace was first opened with governed contracts)"),
                "system", 0);
            if (id && tx.commit())
                cfg->contractsVersionId = id.value();
        }
    }
    // A future-dated version that has become due: write its projections now (once).
    const QString projectedModel = ws.meta(kProjectedModel);
    const QString projectedLandscape = ws.meta(kProjectedLandscape);
    if (projectedLandscape.isEmpty()
        || (projectedModel.toLongLong() == cfg->modelVersionId
            && projectedLandscape.toLongLong() == cfg->landscapeVersionId))
        return cfg;
    Workspace::Transaction tx(ws);
    if (!tx)
        return cfg; // inside the caller's transaction: a later call does it
    auto fail = [](const QString& message) -> Result<ActiveConfig> { return makeError(message); }; // tx rolls back
    if (auto r = writeProjections(ws.db(), *cfg->model, *cfg->landscape, cfg->landscapeVersionId); !r)
        return fail(r.error());
    if (auto r = ws.setMeta(kProjectedModel, QString::number(cfg->modelVersionId)); !r)
        return fail(r.error());
    if (auto r = ws.setMeta(kProjectedLandscape, QString::number(cfg->landscapeVersionId)); !r)
        return fail(r.error());
    AuditLog audit(ws.db());
    auto a = audit.append("system", "config.activate", "configuration",
        nlohmann::json { { "model_version_id", projectedModel.toLongLong() },
            { "landscape_version_id", projectedLandscape.toLongLong() } },
        nlohmann::json { { "model_version_id", cfg->modelVersionId }, { "model_version", cfg->model->version() },
            { "model_hash", cfg->model->contentHash() }, { "landscape_version_id", cfg->landscapeVersionId },
            { "landscape_version", cfg->landscape->version() }, { "landscape_hash", cfg->landscape->contentHash() } },
        std::string("a future-dated configuration version became due"));
    if (!a)
        return fail(a.error());
    if (auto r = tx.commit(); !r)
        return fail(r.error());
    return cfg;
}

Result<ActiveConfig> loadConfigAt(Workspace& ws, TimeMs at)
{
    QSqlDatabase& db = ws.db();
    auto load
        = [&db, at](const QString& kind, qint64& id, QString& origin, bool required = true) -> Result<nlohmann::json> {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, document, origin FROM config_version WHERE kind = ? AND effective_at <= ?"
                                 " ORDER BY effective_at DESC, id DESC LIMIT 1"));
        q.addBindValue(kind);
        q.addBindValue(QVariant::fromValue<qlonglong>(at));
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("load %1").arg(kind)));
        if (!q.next() && !required)
            return nlohmann::json();
        if (!q.isValid())
            return makeError(QStringLiteral("the workspace has no %1 in force at %2 (run 'mdsyncctl init')")
                                 .arg(kind, QString::fromStdString(formatRfc3339(at))));
        id = q.value(0).toLongLong();
        origin = q.value(2).toString();
        const nlohmann::json doc = nlohmann::json::parse(q.value(1).toString().toStdString(), nullptr, false);
        if (doc.is_discarded())
            return makeError(QStringLiteral("the stored %1 document #%2 is not valid JSON").arg(kind).arg(id));
        return doc;
    };
    ActiveConfig cfg;
    QString modelOrigin;
    QString landscapeOrigin;
    auto modelDoc = load(QStringLiteral("model"), cfg.modelVersionId, modelOrigin);
    if (!modelDoc)
        return makeError(modelDoc.error());
    auto model = CanonicalModel::fromJson(modelDoc.value(), modelOrigin);
    if (!model)
        return makeError(model.error());
    cfg.model = std::make_shared<const CanonicalModel>(std::move(model).value());
    auto landscapeDoc = load(QStringLiteral("landscape"), cfg.landscapeVersionId, landscapeOrigin);
    if (!landscapeDoc)
        return makeError(landscapeDoc.error());
    auto landscape = Landscape::fromJson(landscapeDoc.value(), landscapeOrigin, *cfg.model);
    if (!landscape)
        return makeError(landscape.error());
    cfg.landscape = std::make_shared<const Landscape>(std::move(landscape).value());
    QString contractsOrigin;
    auto contractsDoc = load(QStringLiteral("contracts"), cfg.contractsVersionId, contractsOrigin, false);
    if (!contractsDoc)
        return makeError(contractsDoc.error());
    auto contracts = contractsDoc->is_null()
        ? ContractSet::builtin(*cfg.model, *cfg.landscape)
        : ContractSet::fromJson(contractsDoc.value(),
            QStringLiteral("contracts version #%1 (%2)").arg(cfg.contractsVersionId).arg(contractsOrigin), *cfg.model,
            *cfg.landscape, ContractSet::Fit::AllowDormant);
    if (!contracts)
        return makeError(contracts.error());
    cfg.contracts = std::make_shared<const ContractSet>(std::move(contracts).value());
    return cfg;
}

} // namespace mdsync
