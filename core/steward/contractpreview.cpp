#include "steward/contractpreview.h"

#include "config/configstore.h"
#include "store/readviews.h"
#include "store/workspace.h"

namespace mdsync {

std::vector<PreviewDiffRow> diffPayloads(const nlohmann::json& edited, const nlohmann::json& acked)
{
    std::vector<PreviewDiffRow> rows;
    if (edited.is_object())
        for (auto it = edited.begin(); it != edited.end(); ++it) {
            PreviewDiffRow r { it.key(), it.value(), nlohmann::json(), true, false };
            if (acked.is_object())
                if (auto a = acked.find(it.key()); a != acked.end()) {
                    r.acked = *a;
                    r.inAcked = true;
                }
            rows.push_back(std::move(r));
        }
    if (acked.is_object())
        for (auto it = acked.begin(); it != acked.end(); ++it)
            if (!edited.is_object() || !edited.contains(it.key()))
                rows.push_back({ it.key(), nlohmann::json(), it.value(), false, true });
    return rows;
}

Result<ContractPreview> previewContract(Workspace& ws, const nlohmann::json& contractsDocument,
    const std::string& domain, const std::string& target, const std::string& contractVersion, const std::string& key)
{
    const TimeMs now = nowMs();
    auto config = loadConfigAt(ws, now);
    if (!config)
        return makeError(config.error());
    const CanonicalModel& model = *config->model;
    auto edited = ContractSet::fromJson(contractsDocument, QStringLiteral("edited contracts"), model,
        *config->landscape, ContractSet::Fit::AllowDormant);
    if (!edited)
        return makeError(edited.error());
    const Contract* contract = nullptr;
    for (const Contract& c : edited->contracts())
        if (c.domain == domain && c.target == target && c.version == contractVersion)
            contract = &c;
    if (!contract)
        return makeError(QStringLiteral("the edited contracts have no contract %1 used by a subscription")
                             .arg(QString::fromStdString(contractName(domain, target, contractVersion))));

    ContractPreview p;
    p.domain = domain;
    p.target = target;
    p.contractVersion = contractVersion;
    p.key = key;
    p.blockOnLoss = contract->blockOnLoss;
    auto object = read::currentObject(ws.db(), QString::fromStdString(domain), QString::fromStdString(key));
    if (!object)
        return makeError(object.error());
    if (!object.value())
        return makeError(QStringLiteral("there is no %1 object %2")
                             .arg(QString::fromStdString(domain), QString::fromStdString(key)));
    p.revisionNo = object->value().revisionNo;
    p.deleted = object->value().deleted;
    std::vector<MappingIssue> blocking;
    MappedPayload mapped = contract->mapAll(key, object->value().state, model.units(), blocking);
    p.payload = std::move(mapped.payload);
    p.blocked = !blocking.empty();
    p.issues = std::move(blocking);
    for (auto& w : mapped.warnings)
        p.issues.push_back(std::move(w));

    auto acked = read::lastAckedDelivery(
        ws.db(), QString::fromStdString(domain), QString::fromStdString(key), QString::fromStdString(target));
    if (!acked)
        return makeError(acked.error());
    if (acked.value()) {
        const read::AckedDelivery& d = acked->value();
        p.hasAcked = true;
        p.ackedRevisionNo = d.revisionNo;
        p.ackedAt = d.ackedAt;
        if (!d.payloadOverride.isEmpty()) {
            p.ackedCorrected = true;
            auto payload = deliveryPayload(*config->contracts, model.units(), domain, target,
                d.contractVersion.toStdString(), key, d.state, d.payloadOverride.toStdString(), true);
            if (!payload)
                return makeError(payload.error());
            p.ackedPayload = std::move(payload->payload);
        } else {
            // Mapped as it was sent: by the contracts in force when the target acknowledged it.
            auto then = loadConfigAt(ws, d.ackedAt);
            if (!then)
                return makeError(then.error());
            p.ackedContracts = then->contracts->version();
            auto payload = deliveryPayload(*then->contracts, then->model->units(), domain, target,
                d.contractVersion.toStdString(), key, d.state, {}, true);
            if (!payload)
                return makeError(payload.error());
            p.ackedPayload = std::move(payload->payload);
        }
    }
    p.diff = diffPayloads(p.payload, p.hasAcked ? p.ackedPayload : nlohmann::json::object());
    return p;
}

} // namespace mdsync
