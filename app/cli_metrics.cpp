#include "clicommands.h"

#include "metrics/alerts.h"
#include "metrics/metrics.h"
#include "util/jsonfile.h"
#include "util/timeutil.h"

namespace mdsync::cli {

namespace {

using json = nlohmann::json;

QString percent(const json& v)
{
    if (!v.is_number())
        return QStringLiteral("-");
    return QString::number(v.get<double>() * 100.0, 'f', 1) + QLatin1Char('%');
}

QString ms(const json& v)
{
    return v.is_number() ? QString::fromStdString(formatDuration(v.get<std::int64_t>())) : QStringLiteral("-");
}

// --window MINUTES (default 60).
bool windowOption(const Args& a, std::int64_t& windowMs)
{
    bool ok = true;
    const qint64 minutes = a.value(QStringLiteral("window"), QStringLiteral("60")).toLongLong(&ok);
    if (!ok || minutes <= 0 || minutes > 366LL * 24 * 60)
        return false;
    windowMs = minutes * 60 * 1000;
    return true;
}

void printKpis(const json& k)
{
    out() << "KPIs at " << jstr(k["now"]) << ", window " << jstr(k["window_minutes"]) << " min\n\n";
    std::vector<QStringList> rows;
    for (auto it = k["targets"].begin(); it != k["targets"].end(); ++it) {
        const json& t = it.value();
        const json& w = t["window"];
        rows.push_back({ q(it.key()) + (t.value("paused", false) ? QStringLiteral(" (paused)") : QString()),
            jstr(t["backlog"]), jstr(t["pending"]), jstr(t["held"]), jstr(t["retrying"]), jstr(t["in_flight"]),
            jstr(t["acked"]), jstr(t["failed"]), jstr(w["attempts"]), percent(w["retry_rate"]), ms(w["latency_p50_ms"]),
            ms(w["latency_p95_ms"]), jstr(w["sla_breaches"]) });
    }
    printTable({ QStringLiteral("TARGET"), QStringLiteral("BACKLOG"), QStringLiteral("PENDING"), QStringLiteral("HELD"),
                   QStringLiteral("RETRYING"), QStringLiteral("IN FLIGHT"), QStringLiteral("ACKED"),
                   QStringLiteral("FAILED"), QStringLiteral("ATTEMPTS*"), QStringLiteral("RETRY RATE*"),
                   QStringLiteral("P50*"), QStringLiteral("P95*"), QStringLiteral("SLA BREACHES*") },
        rows);
    out() << "(* over the window; latency = revision received -> target ack)\n\n";
    rows.clear();
    for (auto it = k["sla_by_domain"].begin(); it != k["sla_by_domain"].end(); ++it)
        rows.push_back({ q(it.key()), jstr(it.value()["acked"]), jstr(it.value()["sla_breaches"]),
            percent(it.value()["sla_compliance"]) });
    if (!rows.empty()) {
        printTable({ QStringLiteral("DOMAIN"), QStringLiteral("ACKED*"), QStringLiteral("SLA BREACHES*"),
                       QStringLiteral("SLA COMPLIANCE*") },
            rows);
        out() << '\n';
    }
    const json& e = k["exceptions"];
    const json& ag = e["aging"];
    out() << "open exceptions: " << jstr(e["open"]) << " (< 1 h " << jstr(ag["lt_1h"]) << ", < 1 d "
          << jstr(ag["lt_1d"]) << ", < 1 w " << jstr(ag["lt_1w"]) << ", older " << jstr(ag["older"]) << ")\n";
    out() << "retry rate: " << percent(k["window"]["retry_rate"]) << " (" << jstr(k["window"]["retried"]) << " of "
          << jstr(k["window"]["attempts"]) << " attempts)\n";
    out() << "mean time to repair: " << ms(k["mttr"]["mean_ms"]) << " (" << jstr(k["mttr"]["closed"])
          << " closed exceptions)\n";
    out() << "replay success rate: " << percent(k["replay"]["success_rate"]) << " (" << jstr(k["replay"]["acked"])
          << " acked, " << jstr(k["replay"]["failed"]) << " failed again)\n";
    out() << "duplicates prevented: " << jstr(k["duplicates_prevented"]["total"]) << '\n';

    const json& o = k["outages"];
    const std::int64_t days = o["window_minutes"].get<std::int64_t>() / (24 * 60);
    out() << "\nTarget outages (circuit open) over the last " << days << (days == 1 ? " day" : " days") << ": "
          << jstr(o["outage_minutes"]) << " outage min, MTTR " << ms(o["mttr_ms"]) << " (" << jstr(o["resolved"])
          << " ended), " << jstr(o["down_now"]) << " down now\n";
    for (const json& d : o["down"])
        out() << "  " << jstr(d["target"]) << " down since " << jstr(d["since"]) << " (" << ms(d["down_ms"]) << ", "
              << jstr(d["waiting"]) << " waiting)\n";
    rows.clear();
    for (auto it = o["by_target"].begin(); it != o["by_target"].end(); ++it)
        rows.push_back(
            { q(it.key()), jstr(it.value()["outage_minutes"]), jstr(it.value()["resolved"]), ms(it.value()["mttr_ms"]),
                it.value()["down_since"].is_null() ? QStringLiteral("-") : jstr(it.value()["down_since"]) });
    if (!rows.empty())
        printTable({ QStringLiteral("TARGET"), QStringLiteral("OUTAGE MIN"), QStringLiteral("ENDED"),
                       QStringLiteral("MTTR"), QStringLiteral("DOWN SINCE") },
            rows);
}

void printAlerts(const json& list)
{
    std::vector<QStringList> rows;
    for (const json& a : list)
        rows.push_back({ jstr(a["id"]), jstr(a["status"]), jstr(a["severity"]), jstr(a["rule"]), jstr(a["fired_at"]),
            jstr(a["last_seen_at"]), jstr(a["acked_by"]), jstr(a["message"]) });
    if (rows.empty()) {
        out() << "no alerts\n";
        return;
    }
    printTable({ QStringLiteral("ID"), QStringLiteral("STATUS"), QStringLiteral("SEVERITY"), QStringLiteral("RULE"),
                   QStringLiteral("FIRED"), QStringLiteral("LAST SEEN"), QStringLiteral("ACKED BY"),
                   QStringLiteral("MESSAGE") },
        rows);
}

} // namespace

int cmdMetrics(const Args& a)
{
    KpiOptions o;
    if (!windowOption(a, o.windowMs))
        return fail(QStringLiteral("--window takes a number of minutes (1 to 527040), got '%1'")
                        .arg(a.value(QStringLiteral("window"))));
    o.target = a.value(QStringLiteral("target")).toStdString();
    {
        bool ok = false;
        const qint64 days = a.value(QStringLiteral("outage-days"), QStringLiteral("30")).toLongLong(&ok);
        if (!ok || days <= 0 || days > 3660)
            return fail(QStringLiteral("--outage-days takes a number of days (1 to 3660), got '%1'")
                            .arg(a.value(QStringLiteral("outage-days"))));
        o.outageWindowMs = days * 24 * 60 * 60 * 1000;
    }
    const QString format = a.value(QStringLiteral("format"), QStringLiteral("kpis"));
    if (format != QLatin1String("kpis") && format != QLatin1String("series"))
        return fail(QStringLiteral("metrics --format takes kpis or series, got '%1'").arg(format));
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    const bool asJson = a.has(QStringLiteral("json"));
    if (format == QLatin1String("series")) {
        if (o.target.empty())
            return fail(QStringLiteral("metrics --format series needs --target T"));
        const TimeMs now = nowMs();
        auto s = timeSeries(ws.value()->db(), o.target, now - o.windowMs, now);
        if (!s)
            return fail(s.error());
        if (asJson) {
            printJson(s.value());
            return Ok;
        }
        std::vector<QStringList> rows;
        for (const json& p : s.value()["points"])
            rows.push_back({ jstr(p["at"]), jstr(p["attempts"]), jstr(p["acked"]), jstr(p["retried"]),
                jstr(p["failed"]), ms(p["latency_avg_ms"]), jstr(p["sla_breaches"]) });
        printTable(
            { QStringLiteral("MINUTE"), QStringLiteral("ATTEMPTS"), QStringLiteral("ACKED"), QStringLiteral("RETRIED"),
                QStringLiteral("FAILED"), QStringLiteral("AVG LATENCY"), QStringLiteral("SLA BREACHES") },
            rows);
        return Ok;
    }
    auto k = computeKpis(ws.value()->db(), o);
    if (!k)
        return fail(k.error());
    if (asJson)
        printJson(k.value());
    else
        printKpis(k.value());
    return Ok;
}

int cmdAlerts(const Args& a)
{
    const QString action = a.value(QStringLiteral("action"));
    const bool asJson = a.has(QStringLiteral("json"));
    if (!action.isEmpty() && action != QLatin1String("acknowledge") && action != QLatin1String("set-rules")
        && action != QLatin1String("rules"))
        return fail(QStringLiteral("alerts --action takes acknowledge, rules or set-rules, got '%1'").arg(action));
    const bool writes = a.has(QStringLiteral("evaluate")) || action == QLatin1String("acknowledge")
        || action == QLatin1String("set-rules");
    auto ws = openWorkspace(a, writes ? Workspace::Mode::ReadWrite : Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    AlertEngine engine(*ws.value());
    if (action == QLatin1String("acknowledge")) {
        bool ok = false;
        const std::int64_t id = a.value(QStringLiteral("id")).toLongLong(&ok);
        if (!ok || id <= 0)
            return fail(QStringLiteral("alerts --action acknowledge needs --id N (an alert id, see mdsyncctl alerts)"));
        if (auto r = engine.acknowledge(actor(a), id, a.value(QStringLiteral("reason")).toStdString()); !r)
            return fail(r.error());
        if (asJson)
            printJson({ { "acknowledged", id } });
        else
            out() << "alert #" << id << ": acknowledged\n";
        return Ok;
    }
    if (action == QLatin1String("set-rules")) {
        const QString file = a.value(QStringLiteral("file"));
        if (file.isEmpty())
            return fail(QStringLiteral("alerts --action set-rules needs --file RULES.json"));
        auto doc = readJsonFile(file, file);
        if (!doc)
            return fail(doc.error());
        if (auto r = setAlertRules(*ws.value(), actor(a), doc.value(), a.value(QStringLiteral("reason")).toStdString());
            !r)
            return fail(r.error());
        out() << "alert rules set from " << file << '\n';
        return Ok;
    }
    if (action == QLatin1String("rules")) {
        auto rules = activeAlertRules(*ws.value());
        if (!rules)
            return fail(rules.error());
        const QString stored = ws.value()->meta(QStringLiteral("alert_rules"));
        if (!stored.isEmpty()) {
            printJson(json::parse(stored.toStdString(), nullptr, false));
        } else {
            auto doc
                = readJsonFile(QStringLiteral(":/mdsync/alerts/default-alert-rules.json"), QStringLiteral("rules"));
            if (!doc)
                return fail(doc.error());
            printJson(doc.value());
        }
        return Ok;
    }
    json evaluation;
    if (a.has(QStringLiteral("evaluate"))) {
        auto r = engine.evaluate();
        if (!r)
            return fail(r.error());
        evaluation = r->toJson();
        if (!asJson)
            out() << "evaluated: " << r->fired.size() << " fired, " << r->refreshed.size() << " still firing, "
                  << r->cleared.size() << " cleared\n";
    }
    const std::string status = a.value(QStringLiteral("status"), QStringLiteral("open")).toStdString();
    auto list = engine.list(status);
    if (!list)
        return fail(list.error());
    if (asJson) {
        json j = { { "alerts", list.value() } };
        if (!evaluation.is_null())
            j["evaluation"] = evaluation;
        printJson(j);
    } else {
        printAlerts(list.value());
    }
    return Ok;
}

} // namespace mdsync::cli
