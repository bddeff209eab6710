#include "clicommands.h"

#include "audit/pointintime.h"
#include "config/configstore.h"
#include "steward/configchange.h"

#include <QFile>
#include <QFileInfo>

namespace mdsync::cli {

namespace {

QString timeText(const nlohmann::json& v)
{
    return v.is_string() ? q(v.get<std::string>()) : QStringLiteral("-");
}

void printProposal(const ConfigProposal& p)
{
    out() << "proposal #" << p.id << " (" << q(p.kind) << ", " << q(p.status) << "): " << q(p.title) << '\n';
    out() << "  " << q(p.kind) << " version " << q(p.baseVersion) << " (#" << p.baseVersionId << ") → " << q(p.version)
          << ", proposed by " << q(p.proposedBy) << " at " << q(formatRfc3339(p.proposedAt)) << '\n';
    out() << "  effective: " << (p.effectiveAt ? q(formatRfc3339(*p.effectiveAt)) : QStringLiteral("on approval"))
          << '\n';
    if (!p.decidedBy.empty())
        out() << "  " << q(p.status) << " by " << q(p.decidedBy) << " at " << q(formatRfc3339(p.decidedAt)) << ": "
              << q(p.decisionReason) << '\n';
    out() << "  changes (" << p.ops.size() << " JSON patch operations):\n";
    for (const std::string& line : p.summary)
        out() << "    " << q(line) << '\n';
}

bool idOption(const Args& a, std::int64_t& id)
{
    bool ok = false;
    id = a.value(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0;
}

} // namespace

int cmdAuthority(const Args& a)
{
    std::string domain, key;
    if (!requireObject(a, domain, key))
        return fail(QStringLiteral("authority needs --domain D --key K [--at T]"));
    QString error;
    const auto t = timeOption(a, QStringLiteral("at"), error);
    if (!error.isEmpty())
        return fail(error);
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto r = authorityAt(ws.value()->db(), domain, key, t.value_or(nowMs()));
    if (!r)
        return fail(r.error());
    const nlohmann::json& j = r.value();
    if (a.has(QStringLiteral("json"))) {
        printJson(j);
        return Ok;
    }
    out() << q(domain) << '/' << q(key) << " at " << timeText(j["at"]) << ": ";
    if (j["revision_no"].is_null()) {
        out() << "did not exist yet\n";
    } else {
        out() << "revision " << j["revision_no"].get<qint64>() << (j.value("deleted", false) ? " (deleted)" : "")
              << ", landscape " << jstr(j["landscape_version"]) << ", model " << jstr(j["model_version"]);
        if (j.value("contracts_version", nlohmann::json()).is_string())
            out() << ", contracts " << jstr(j["contracts_version"]);
        out() << '\n';
    }
    for (const char* note : { "policy_note", "contracts_note" })
        if (j.contains(note))
            out() << "note: " << jstr(j[note]) << '\n';
    if (!j["attributes"].empty()) {
        std::vector<QStringList> rows;
        for (const auto& attr : j["attributes"]) {
            const nlohmann::json& s = attr["supplied_by"];
            QString by = QStringLiteral("-"), rev = QStringLiteral("-");
            if (s.is_object()) {
                by = jstr(s["system"]);
                if (s.value("steward", false)) {
                    by += QStringLiteral(" (steward ") + jstr(s["actor"]);
                    if (s["approved_by"].is_string())
                        by += QStringLiteral(", approved by ") + jstr(s["approved_by"]);
                    by += QLatin1Char(')');
                } else if (s.contains("rule")) {
                    by += QStringLiteral(" (rule ") + jstr(s["rule"]) + QLatin1Char(')');
                }
                rev = QString::number(s["revision_no"].get<qint64>());
            }
            rows.push_back({ jstr(attr["attribute"]), jstr(attr["value"]), jstr(attr["owner"]), by, rev });
        }
        printTable({ QStringLiteral("ATTRIBUTE"), QStringLiteral("VALUE"), QStringLiteral("OWNER"),
                       QStringLiteral("SUPPLIED BY"), QStringLiteral("REVISION") },
            rows);
    }
    if (!j["acknowledged"].empty()) {
        out() << "\nacknowledged at that time:\n";
        std::vector<QStringList> rows;
        for (const auto& ack : j["acknowledged"])
            rows.push_back(
                { jstr(ack["target"]), QString::number(ack["revision_no"].get<qint64>()), jstr(ack["acked_at"]) });
        printTable({ QStringLiteral("TARGET"), QStringLiteral("REVISION"), QStringLiteral("ACKED AT") }, rows);
    }
    if (!j["approvals"].empty()) {
        out() << "\napprovals:\n";
        std::vector<QStringList> rows;
        for (const auto& ap : j["approvals"])
            rows.push_back({ QString::number(ap["correction_id"].get<qint64>()), jstr(ap["decision"]),
                jstr(ap["decided_by"]), jstr(ap["proposed_by"]), jstr(ap["decided_at"]) });
        printTable({ QStringLiteral("CORRECTION"), QStringLiteral("DECISION"), QStringLiteral("BY"),
                       QStringLiteral("PROPOSED BY"), QStringLiteral("AT") },
            rows);
    }
    for (const auto& m : j.value("merges", nlohmann::json::array())) {
        const QString approved
            = m.contains("approved_by") ? QStringLiteral(", approved by %1").arg(jstr(m["approved_by"])) : QString();
        if (m["role"] == "merged")
            out() << "\nmerged into " << jstr(m["survivor_key"]) << " at " << jstr(m["applied_at"]) << " (merge #"
                  << m["merge_id"].get<qint64>() << ", by " << jstr(m["proposed_by"]) << approved << "): events for "
                  << q(key) << " update " << jstr(m["survivor_key"]) << " since\n";
        else
            out() << "\n"
                  << jstr(m["merged_key"]) << " merged into it at " << jstr(m["applied_at"]) << " (merge #"
                  << m["merge_id"].get<qint64>() << ", by " << jstr(m["proposed_by"]) << approved << ")\n";
    }
    return Ok;
}

int cmdPropose(const Args& a)
{
    const QString kind = a.value(QStringLiteral("kind"));
    const QString file = a.value(QStringLiteral("file"));
    const std::string title = a.value(QStringLiteral("title")).toStdString();
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    if (kind.isEmpty() || file.isEmpty() || title.empty() || reason.empty())
        return fail(QStringLiteral("propose needs --kind landscape|model|contracts --file F --title TEXT --reason TEXT"
                                   " [--effective T]"));
    QString error;
    const auto effective = timeOption(a, QStringLiteral("effective"), error);
    if (!error.isEmpty())
        return fail(error);
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("propose: cannot read %1: %2").arg(file, f.errorString()));
    const QByteArray text = f.readAll();
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    // Loading the configuration stores the built-in contracts of a workspace that has none stored yet.
    if (auto cfg = loadActiveConfig(*ws.value()); !cfg)
        return fail(cfg.error());
    auto p = propose(*ws.value(), actor(a), kind.toStdString(), text.toStdString(), title, reason,
        effective ? std::optional<TimeMs>(*effective) : std::nullopt, QFileInfo(file).fileName());
    if (!p)
        return fail(p.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(p->toJson());
        return Ok;
    }
    printProposal(p.value());
    out() << "another admin approves it with: mdsyncctl approve-change --id " << p->id << " --reason TEXT\n";
    return Ok;
}

int cmdConfigShow(const Args& a)
{
    const QString kind = a.value(QStringLiteral("kind"));
    if (kind != QLatin1String("model") && kind != QLatin1String("landscape") && kind != QLatin1String("contracts"))
        return fail(QStringLiteral("config-show needs --kind model|landscape|contracts [--at T]"));
    QString error;
    const auto at = timeOption(a, QStringLiteral("at"), error);
    if (!error.isEmpty())
        return fail(error);
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto cfg = loadConfigAt(*ws.value(), at.value_or(nowMs()));
    if (!cfg)
        return fail(cfg.error());
    if (kind == QLatin1String("model"))
        printJson(cfg->model->document());
    else if (kind == QLatin1String("landscape"))
        printJson(cfg->landscape->document());
    else
        printJson(cfg->contracts->document());
    return Ok;
}

int cmdDecideChange(const Args& a)
{
    const bool approve = a.command == QLatin1String("approve-change");
    std::int64_t id = 0;
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    if (!idOption(a, id) || reason.empty())
        return fail(QStringLiteral("%1 needs --id N (see mdsyncctl proposals) and --reason TEXT").arg(a.command));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    auto p
        = approve ? approveChange(*ws.value(), actor(a), id, reason) : rejectChange(*ws.value(), actor(a), id, reason);
    if (!p)
        return fail(p.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(p->toJson());
        return Ok;
    }
    out() << "proposal #" << id << ' ' << q(p->status);
    if (approve)
        out() << ": " << q(p->kind) << " version " << q(p->version) << " (#" << p->versionId << ") in force from "
              << q(formatRfc3339(p->effectiveAt.value_or(0)));
    out() << '\n';
    for (const std::string& line : p->initialLoads)
        out() << "  " << q(line) << '\n';
    return Ok;
}

int cmdProposals(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    const std::string status = a.value(QStringLiteral("status")).toStdString();
    if (!status.empty() && status != "proposed" && status != "approved" && status != "rejected"
        && status != "withdrawn")
        return fail(QStringLiteral("proposals: --status is proposed, approved, rejected or withdrawn, not '%1'")
                        .arg(q(status)));
    if (a.options.count(QStringLiteral("id"))) {
        std::int64_t id = 0;
        if (!idOption(a, id))
            return fail(QStringLiteral("proposals: --id takes a proposal number"));
        auto p = loadProposal(ws.value()->db(), id);
        if (!p)
            return fail(p.error());
        if (a.has(QStringLiteral("json")))
            printJson(p->toJson(true));
        else
            printProposal(p.value());
        return Ok;
    }
    auto list = listProposals(ws.value()->db(), status);
    if (!list)
        return fail(list.error());
    if (a.has(QStringLiteral("json"))) {
        nlohmann::json j = nlohmann::json::array();
        for (const ConfigProposal& p : list.value())
            j.push_back(p.toJson());
        printJson(j);
        return Ok;
    }
    std::vector<QStringList> rows;
    for (const ConfigProposal& p : list.value())
        rows.push_back(
            { QString::number(p.id), q(p.kind), q(p.status), q(p.baseVersion) + QStringLiteral(" → ") + q(p.version),
                q(p.proposedBy), p.decidedBy.empty() ? QStringLiteral("-") : q(p.decidedBy),
                p.effectiveAt ? q(formatRfc3339(*p.effectiveAt)) : QStringLiteral("on approval"), q(p.title) });
    printTable({ QStringLiteral("ID"), QStringLiteral("KIND"), QStringLiteral("STATUS"), QStringLiteral("VERSION"),
                   QStringLiteral("PROPOSED BY"), QStringLiteral("DECIDED BY"), QStringLiteral("EFFECTIVE"),
                   QStringLiteral("TITLE") },
        rows);
    return Ok;
}

} // namespace mdsync::cli
