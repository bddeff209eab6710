#include "steward/steward.h"

#include "config/configstore.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/readexceptions.h"
#include "store/workspace.h"

namespace mdsync {

Steward::Steward(Workspace& ws, const ActiveConfig& config, IngestPipeline& pipeline)
    : m_ws(ws)
    , m_config(config)
    , m_pipeline(pipeline)
    , m_actions(ws)
    , m_merge(ws, pipeline)
{
    configChanged();
}

void Steward::configChanged()
{
    m_rules.reset();
    m_replay.reset();
    m_corrections.reset();
    m_contracts.reset();
    if (!m_config.contracts) {
        m_contractsError = QStringLiteral("the configuration was loaded without them");
        return;
    }
    m_contractsError.clear();
    m_contracts = std::make_unique<ContractSet>(*m_config.contracts);
    m_corrections = std::make_unique<Corrections>(m_ws, m_pipeline, *m_contracts);
    // The units are the model's: the owner keeps the configuration it replaces alive (CoreRunner).
    m_replay = std::make_unique<ReplayJobs>(m_ws, *m_contracts, m_config.model->units());
    m_rules = std::make_unique<FixRules>(m_ws, *m_corrections);
}

Steward::~Steward() = default;

Result<void> Steward::needContracts() const
{
    if (m_contracts)
        return {};
    return makeError(
        QStringLiteral("the contracts of the configuration in force cannot be built: ") + m_contractsError);
}

Result<void> Steward::assign(
    const std::string& actor, std::int64_t exceptionId, const std::string& assignee, const std::string& note)
{
    return m_actions.assign(actor, exceptionId, assignee, note);
}

Result<void> Steward::unassign(const std::string& actor, std::int64_t exceptionId, const std::string& note)
{
    return m_actions.unassign(actor, exceptionId, note);
}

Result<void> Steward::comment(const std::string& actor, std::int64_t exceptionId, const std::string& text)
{
    return m_actions.comment(actor, exceptionId, text);
}

Result<void> Steward::dismissDuplicate(const std::string& actor, std::int64_t exceptionId, const std::string& reason)
{
    return m_actions.dismissDuplicate(actor, exceptionId, reason);
}

Result<void> Steward::dismissDuplicatePair(const std::string& actor, const std::string& domain, const std::string& keyA,
    const std::string& keyB, const std::string& reason)
{
    return m_actions.dismissDuplicatePair(actor, domain, keyA, keyB, reason);
}

Result<store::ObjectMerge> Steward::mergeDuplicate(const std::string& actor, const MergeRequest& request)
{
    return m_merge.merge(actor, request);
}

Result<store::ObjectMerge> Steward::approveMerge(
    const std::string& actor, std::int64_t mergeId, const std::string& reason)
{
    return m_merge.approve(actor, mergeId, reason);
}

Result<store::ObjectMerge> Steward::rejectMerge(
    const std::string& actor, std::int64_t mergeId, const std::string& reason)
{
    return m_merge.reject(actor, mergeId, reason);
}

Result<void> Steward::discard(
    const std::string& actor, std::int64_t exceptionId, DiscardReason reason, const std::string& text)
{
    return m_actions.discard(actor, exceptionId, reason, text);
}

Result<void> Steward::resolve(const std::string& actor, std::int64_t exceptionId, const std::string& text)
{
    return m_actions.resolve(actor, exceptionId, text);
}

Result<void> Steward::replay(const std::string& actor, std::int64_t exceptionId, const std::string& note)
{
    return m_actions.replay(actor, exceptionId, note);
}

Result<ReplayJobResult> Steward::replayJob(const std::string& actor, const ReplayFilter& filter,
    const std::string& reason, const ReplayJobs::Progress& progress)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_replay->run(actor, filter, reason, progress);
}

Result<ReplayJobResult> Steward::replayDryRun(const std::string& actor, const ReplayFilter& filter)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_replay->dryRun(actor, filter);
}

Result<std::vector<ReplayItem>> Steward::replayMatch(const ReplayFilter& filter)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_replay->match(filter);
}

Result<CorrectionResult> Steward::correctFromException(const std::string& actor, std::int64_t exceptionId,
    const nlohmann::json& changes, const std::string& reason, bool payloadOfFailedDelivery)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    auto s = read::exceptionSubject(m_ws.db(), exceptionId);
    if (!s)
        return makeError(QStringLiteral("correct exception #%1: ").arg(exceptionId) + s.error());
    if (payloadOfFailedDelivery && s->isPayload())
        return m_corrections->correctPayload(actor, exceptionId, changes, reason);
    return m_corrections->correctAttributes(
        actor, s->domain.toStdString(), s->key.toStdString(), changes, reason, exceptionId);
}

Result<CorrectionResult> Steward::correctException(
    const std::string& actor, std::int64_t exceptionId, const nlohmann::json& changes, const std::string& reason)
{
    return correctFromException(actor, exceptionId, changes, reason, true);
}

Result<CorrectionResult> Steward::correctExceptionObject(
    const std::string& actor, std::int64_t exceptionId, const nlohmann::json& changes, const std::string& reason)
{
    return correctFromException(actor, exceptionId, changes, reason, false);
}

Result<CorrectionResult> Steward::correctAttributes(const std::string& actor, const std::string& domain,
    const std::string& key, const nlohmann::json& changes, const std::string& reason, std::int64_t exceptionId)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_corrections->correctAttributes(actor, domain, key, changes, reason, exceptionId);
}

Result<CorrectionResult> Steward::correctPayload(
    const std::string& actor, std::int64_t exceptionId, const nlohmann::json& fields, const std::string& reason)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_corrections->correctPayload(actor, exceptionId, fields, reason);
}

Result<CorrectionResult> Steward::approve(
    const std::string& actor, std::int64_t correctionId, const std::string& reason)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_corrections->approve(actor, correctionId, reason);
}

Result<CorrectionResult> Steward::reject(const std::string& actor, std::int64_t correctionId, const std::string& reason)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_corrections->reject(actor, correctionId, reason);
}

Result<RuleApplication> Steward::previewRule(const std::string& actor, const FixRule& rule)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_rules->preview(actor, rule);
}

Result<RuleApplication> Steward::applyRule(const std::string& actor, const FixRule& rule)
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_rules->apply(actor, rule);
}

Result<nlohmann::json> Steward::rules()
{
    if (auto r = needContracts(); !r)
        return makeError(r.error());
    return m_rules->list();
}

} // namespace mdsync
