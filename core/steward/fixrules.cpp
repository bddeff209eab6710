#include "steward/fixrules.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "steward/corrections.h"
#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/timeutil.h"

#include "util/sqlvalue.h"

#include <QSqlQuery>
#include <QVariant>

#include <set>

namespace mdsync {

nlohmann::json FixRule::toJson() const
{
    return { { "name", name }, { "kind", kind }, { "scope", scope.toJson() }, { "field", field }, { "equals", equals },
        { "set", setTo }, { "reason", reason } };
}

nlohmann::json RuleMatch::toJson() const
{
    nlohmann::json j = { { "exception_id", exceptionId }, { "domain", domain }, { "key", key }, { "before", before },
        { "after", after }, { "result", result } };
    if (!target.empty())
        j["target"] = target;
    if (!message.empty())
        j["message"] = message;
    if (correctionId)
        j["correction_id"] = correctionId;
    return j;
}

nlohmann::json RuleApplication::toJson() const
{
    nlohmann::json m = nlohmann::json::array();
    for (const RuleMatch& x : matches)
        m.push_back(x.toJson());
    return { { "rule_id", ruleId ? nlohmann::json(ruleId) : nlohmann::json() }, { "matches", m },
        { "applied", applied }, { "awaiting_approval", awaitingApproval }, { "failed", failed } };
}

FixRules::FixRules(Workspace& ws, Corrections& corrections)
    : m_ws(ws)
    , m_corrections(corrections)
{ }

Result<void> FixRules::check(const FixRule& rule) const
{
    if (rule.name.empty())
        return makeError(QStringLiteral("a fix rule needs a name"));
    const QString where = QStringLiteral("rule '%1'").arg(sqlText(rule.name));
    if (rule.kind != "payload" && rule.kind != "attribute")
        return makeError(where + QStringLiteral(": kind is payload or attribute, got '%1'").arg(sqlText(rule.kind)));
    if (rule.field.empty())
        return makeError(where
            + QStringLiteral(": which %1 to change is missing")
                  .arg(rule.kind == "payload" ? QStringLiteral("payload field") : QStringLiteral("attribute")));
    if (rule.kind == "payload" && rule.scope.target.empty())
        return makeError(where + QStringLiteral(": a payload rule is for one target system (target=...)"));
    if (rule.reason.empty())
        return makeError(where + QStringLiteral(": a reason is required"));
    return {};
}

Result<RuleApplication> FixRules::preview(const std::string& actor, const FixRule& rule) const
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Read); !r)
        return makeError(r.error());
    if (auto r = check(rule); !r)
        return makeError(r.error());
    RuleApplication out;
    std::set<std::pair<std::string, std::string>> seenObjects;
    if (rule.kind == "payload") {
        // Open delivery exceptions with a failed delivery (as for replays) whose payload field matches.
        QSqlQuery q(m_ws.db());
        QString sql = QStringLiteral(
            "SELECT e.id, e.delivery_id, coalesce(e.domain,''), coalesce(e.object_key,''), e.target_id FROM exception e"
            " JOIN delivery d ON d.id = e.delivery_id WHERE e.status = 'open' AND e.stage = 'delivery'"
            " AND d.status = 'failed'");
        if (auto r = execFiltered(q, sql, rule.scope, true, QStringLiteral("rule preview")); !r)
            return makeError(r.error());
        struct Row
        {
            std::int64_t ex, delivery;
            std::string domain, key, target;
        };
        std::vector<Row> rows;
        while (q.next())
            rows.push_back({ q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString().toStdString(),
                q.value(3).toString().toStdString(), q.value(4).toString().toStdString() });
        for (const Row& r : rows) {
            auto payload = m_corrections.currentPayload(r.delivery, true);
            if (!payload)
                continue; // a payload that cannot be built is not this rule's to fix
            auto it = payload->find(rule.field);
            const nlohmann::json cur = it == payload->end() ? nlohmann::json() : *it;
            if ((!rule.equals.is_null() && cur != rule.equals) || cur == rule.setTo)
                continue;
            RuleMatch m;
            m.exceptionId = r.ex;
            m.domain = r.domain;
            m.key = r.key;
            m.target = r.target;
            m.before = { { rule.field, cur } };
            m.after = { { rule.field, rule.setTo } };
            m.result = "would_apply";
            out.matches.push_back(std::move(m));
        }
        return out;
    }
    // Attribute rules: open exceptions (inbound or delivery) about existing objects whose attribute matches; one
    // correction per object.
    QSqlQuery q(m_ws.db());
    QString sql = QStringLiteral(
        "SELECT e.id, e.domain, e.object_key, coalesce(e.target_id,''), r.state FROM exception e"
        " JOIN object o ON o.domain = e.domain AND o.key = e.object_key JOIN revision r ON r.id = o.current_revision_id"
        " WHERE e.status = 'open' AND o.deleted = 0");
    if (auto r = execFiltered(q, sql, rule.scope, false, QStringLiteral("rule preview")); !r)
        return makeError(r.error());
    while (q.next()) {
        const std::string domain = q.value(1).toString().toStdString();
        const std::string key = q.value(2).toString().toStdString();
        if (!seenObjects.insert({ domain, key }).second)
            continue;
        auto state = nlohmann::json::parse(q.value(4).toString().toStdString(), nullptr, false);
        if (state.is_discarded())
            continue;
        auto it = state.find(rule.field);
        const nlohmann::json cur = it == state.end() ? nlohmann::json() : *it;
        if ((!rule.equals.is_null() && cur != rule.equals) || cur == rule.setTo)
            continue;
        RuleMatch m;
        m.exceptionId = q.value(0).toLongLong();
        m.domain = domain;
        m.key = key;
        m.target = q.value(3).toString().toStdString();
        m.before = { { rule.field, cur } };
        m.after = { { rule.field, rule.setTo } };
        m.result = "would_apply";
        out.matches.push_back(std::move(m));
    }
    return out;
}

Result<RuleApplication> FixRules::apply(const std::string& actor, const FixRule& rule)
{
    if (auto r = requirePermission(m_ws.db(), actor, Action::Correct); !r)
        return makeError(r.error());
    auto plan = preview(actor, rule);
    if (!plan)
        return makeError(plan.error());
    RuleApplication out = std::move(plan.value());
    Workspace::Transaction tx(m_ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(m_ws.db());
    q.prepare(
        QStringLiteral("INSERT INTO fix_rule(name, target_id, domain, category, match, action, reason, created_by,"
                       " created_at) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id"));
    q.addBindValue(sqlText(rule.name));
    q.addBindValue(rule.scope.target.empty() ? QVariant() : QVariant(sqlText(rule.scope.target)));
    q.addBindValue(rule.scope.domain.empty() ? QVariant() : QVariant(sqlText(rule.scope.domain)));
    q.addBindValue(rule.scope.category.empty() ? QVariant() : QVariant(sqlText(rule.scope.category)));
    q.addBindValue(sqlText(nlohmann::json { { "kind", rule.kind }, { "scope", rule.scope.toJson() },
        { "field", rule.field },
        { "equals",
            rule.equals } }.dump()));
    q.addBindValue(sqlText(nlohmann::json { { "set", { { rule.field, rule.setTo } } } }.dump()));
    q.addBindValue(sqlText(rule.reason));
    q.addBindValue(sqlText(actor));
    q.addBindValue(sqlInt(nowMs()));
    if (!q.exec() || !readReturnedId(q, out.ruleId)) {
        const QString e = sqlError(q, QStringLiteral("record rule"));
        return makeError(e);
    }
    AuditLog audit(m_ws.db());
    if (auto a = audit.append(actor, "rule.create", "rule " + std::to_string(out.ruleId) + " (" + rule.name + ")",
            std::nullopt, rule.toJson(), rule.reason);
        !a) {
        return makeError(a.error());
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());

    // Each match is its own correction (its own transaction): one that fails does not stop the others.
    const std::string reason = "rule '" + rule.name + "' (#" + std::to_string(out.ruleId) + "): " + rule.reason;
    for (RuleMatch& m : out.matches) {
        auto c = rule.kind == "payload"
            ? m_corrections.correctPayload(actor, m.exceptionId, m.after, reason, out.ruleId)
            : m_corrections.correctAttributes(actor, m.domain, m.key, m.after, reason, m.exceptionId, out.ruleId);
        if (!c) {
            m.result = "failed";
            m.message = c.error().toStdString();
            ++out.failed;
            continue;
        }
        m.correctionId = c->id;
        m.result = c->status;
        ++(c->status == "applied" ? out.applied : out.awaitingApproval);
    }
    q.prepare(QStringLiteral("UPDATE fix_rule SET applied = ? WHERE id = ?"));
    q.addBindValue(sqlInt(out.applied + out.awaitingApproval));
    q.addBindValue(sqlInt(out.ruleId));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("rule counts")));
    return out;
}

Result<nlohmann::json> FixRules::list() const
{
    QSqlQuery q(m_ws.db());
    if (!q.exec(QStringLiteral("SELECT id, name, match, action, reason, created_by, created_at, applied FROM fix_rule"
                               " ORDER BY id DESC LIMIT 200")))
        return makeError(sqlError(q, QStringLiteral("rules")));
    nlohmann::json out = nlohmann::json::array();
    while (q.next()) {
        out.push_back({ { "id", q.value(0).toLongLong() }, { "name", q.value(1).toString().toStdString() },
            { "match", nlohmann::json::parse(q.value(2).toString().toStdString(), nullptr, false) },
            { "action", nlohmann::json::parse(q.value(3).toString().toStdString(), nullptr, false) },
            { "reason", q.value(4).toString().toStdString() }, { "created_by", q.value(5).toString().toStdString() },
            { "created_at", formatRfc3339(q.value(6).toLongLong()) }, { "applied", q.value(7).toLongLong() } });
    }
    return out;
}

} // namespace mdsync
