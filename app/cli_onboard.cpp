#include "clicommands.h"

#include "config/configstore.h"
#include "sync/onboarding.h"

namespace mdsync::cli {

namespace {

QString onboardPercent(const OnboardJob& j)
{
    const std::int64_t planned = j.planned();
    return planned > 0
        ? QString::number(100.0 * static_cast<double>(j.progress.acked) / static_cast<double>(planned), 'f', 1)
            + QLatin1Char('%')
        : QStringLiteral("-");
}

void printJobs(const std::vector<OnboardJob>& jobs)
{
    std::vector<QStringList> rows;
    rows.reserve(jobs.size());
    for (const OnboardJob& j : jobs)
        rows.push_back({ QString::number(j.row.id), q(j.row.target), q(j.row.status), QString::number(j.planned()),
            QString::number(j.row.queued), QString::number(j.progress.acked), QString::number(j.progress.open),
            QString::number(j.progress.failed), onboardPercent(j), q(j.row.createdBy) });
    printTable({ QStringLiteral("JOB"), QStringLiteral("TARGET"), QStringLiteral("STATUS"), QStringLiteral("PLANNED"),
                   QStringLiteral("QUEUED"), QStringLiteral("ACKED"), QStringLiteral("OPEN"), QStringLiteral("FAILED"),
                   QStringLiteral("DONE"), QStringLiteral("BY") },
        rows);
}

} // namespace

// onboard --target T --dry-run | --target T --reason R | --list [--target T] | --id N --action A --reason R
int cmdOnboard(const Args& a)
{
    const std::string target = a.value(QStringLiteral("target")).toStdString();
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    const QString action = a.value(QStringLiteral("action"));
    const bool json = a.has(QStringLiteral("json"));
    if (a.has(QStringLiteral("list")) || (target.empty() && action.isEmpty())) {
        auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
        if (!ws)
            return fail(ws.error());
        auto jobs = onboardingJobs(ws.value()->db(), target);
        if (!jobs)
            return fail(jobs.error());
        if (json) {
            nlohmann::json out = nlohmann::json::array();
            for (const OnboardJob& j : jobs.value())
                out.push_back(j.toJson());
            printJson(out);
        } else {
            printJobs(jobs.value());
        }
        return Ok;
    }
    if (!action.isEmpty()) {
        bool ok = false;
        const std::int64_t id = a.value(QStringLiteral("id")).toLongLong(&ok);
        if (!ok || reason.empty())
            return fail(QStringLiteral("onboard --action pause|resume|cancel needs --id N --reason TEXT"));
        auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
        if (!ws)
            return fail(ws.error());
        auto j = controlOnboarding(*ws.value(), actor(a), id, action.toStdString(), reason);
        if (!j)
            return fail(j.error());
        if (json)
            printJson(j->toJson());
        else
            out() << "initial load #" << id << " of " << q(j->row.target) << " is " << q(j->row.status) << '\n';
        return Ok;
    }
    const bool dryRun = a.has(QStringLiteral("dry-run"));
    if (!dryRun && reason.empty())
        return fail(QStringLiteral("onboard --target T needs --dry-run or --reason TEXT (starting a load is audited)"));
    auto ws = openWorkspace(a, dryRun ? Workspace::Mode::ReadOnly : Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    auto cfg = loadActiveConfig(*ws.value());
    if (!cfg)
        return fail(cfg.error());
    if (dryRun) {
        auto plan = planOnboarding(*ws.value(), cfg.value(), target);
        if (!plan)
            return fail(plan.error());
        if (json) {
            printJson(plan->toJson());
            return Ok;
        }
        std::vector<QStringList> rows;
        for (const OnboardStep& s : plan->steps)
            rows.push_back({ q(s.subscription), q(s.domain), QString::number(s.matching), QString::number(s.current),
                QString::number(s.toQueue()) });
        out() << "initial load of " << q(target) << " (dry run, nothing changes), in this order:\n";
        printTable({ QStringLiteral("SUBSCRIPTION"), QStringLiteral("DOMAIN"), QStringLiteral("MATCHING"),
                       QStringLiteral("AT TARGET"), QStringLiteral("TO SEND") },
            rows);
        out() << plan->toQueue() << " objects would be sent; start it with: mdsyncctl onboard --target " << q(target)
              << " --reason TEXT\n";
        return Ok;
    }
    auto j = startOnboarding(*ws.value(), cfg.value(), actor(a), target, reason);
    if (!j)
        return fail(j.error());
    if (json) {
        printJson(j->toJson());
        return Ok;
    }
    out() << "initial load #" << j->row.id << " of " << q(target) << " started: " << j->planned()
          << " objects to send; `mdsyncctl run` sends them (within the target's rate limit), `mdsyncctl onboard "
             "--list` shows the progress\n";
    return Ok;
}

} // namespace mdsync::cli
