// mdsyncctl reconcile, and the per-subscription reconciliation schedule of `mdsyncctl run` (docs/TRYTON.md,
// "Reconciliation").

#include "clicommands.h"

#include "config/configstore.h"
#include "connectors/connector.h"
#include "connectors/connectorfactory.h"
#include "contract/contract.h"
#include "engine/embeddedcore.h"
#include "engine/simulatedendpoints.h"
#include "policy/landscape.h"
#include "sync/reconcile.h"

#include <map>
#include <set>

namespace mdsync::cli {

namespace {

void printSummary(const ReconcileSummary& s, const std::string& domain)
{
    const size_t open = s.drifts.size() - static_cast<size_t>(s.exceptionsCreated);
    out() << "reconcile " << q(s.target)
          << (domain.empty() ? QString() : QString(QStringLiteral(" (") + q(domain) + QLatin1Char(')'))) << ": "
          << s.compared << " compared, " << s.inSync << " in sync, " << s.drifts.size() << " drifted ("
          << s.exceptionsCreated << " new drift exception(s), " << open << " already open), " << s.skipped
          << " skipped\n";
    for (const ReconcileDrift& d : s.drifts) {
        out() << "  #" << d.exceptionId << ' ' << q(d.domain) << ' ' << q(d.key) << " (acknowledged rev "
              << d.ackedRevisionNo << (d.alreadyOpen ? ", exception already open" : "") << ")\n";
        for (const ReconcileDifference& x : d.differences)
            out() << "      " << q(x.field) << ": expected " << q(x.expected.dump()) << ", " << q(s.target) << " has "
                  << q(x.actual.dump()) << '\n';
    }
}

} // namespace

int reconcileMinuteMs()
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue("MDSYNC_RECONCILE_MINUTE_MS", &ok);
    return ok && v > 0 ? v : 60 * 1000;
}

int cmdReconcile(const Args& a)
{
    const std::string target = a.value(QStringLiteral("target")).toStdString();
    const std::string domain = a.value(QStringLiteral("domain")).toStdString();
    if (target.empty())
        return fail(QStringLiteral("reconcile needs --target SYSTEM (a target whose connector reads back)"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    auto cfg = loadActiveConfig(*ws.value());
    if (!cfg)
        return fail(cfg.error());
    const Landscape& landscape = *cfg->landscape;
    const SystemDef* sys = landscape.system(target);
    if (!sys)
        return fail(QStringLiteral("reconcile: unknown target system '%1'").arg(q(target)));
    std::set<std::string> domains;
    for (const SubscriptionDef& s : landscape.subscriptions())
        if (s.target == target && (domain.empty() || s.domain == domain))
            domains.insert(s.domain);
    if (domains.empty())
        return fail(QStringLiteral("reconcile: %1 subscribes to %2")
                        .arg(q(target),
                            domain.empty() ? QStringLiteral("nothing") : QString(QStringLiteral("no ") + q(domain))));
    // A demo workspace's targets: the simulated systems of a running `mdsyncctl simulate`.
    std::optional<SimulatedEndpoints> simulated;
    if (ws.value()->meta(QStringLiteral("demo")) == QLatin1String("1")) {
        auto sim = SimulatedEndpoints::read(a.value(QStringLiteral("workspace")));
        if (!sim)
            return fail(sim.error());
        simulated = std::move(sim).value();
    }
    auto served = connectableSystem(*sys, simulated);
    if (!served)
        return fail(QStringLiteral("reconcile: %1: %2: nothing to read back").arg(q(target), served.error()));
    sys = &served.value();
    const ContractSet& contracts = *cfg->contracts;
    auto connector = createConnector(*sys);
    if (!connector)
        return fail(connector.error());
    bool readable = false;
    for (const std::string& d : domains)
        readable = readable || connector.value()->supportsReadBack(d);
    if (!readable)
        return fail(QStringLiteral("reconcile: the connector of %1 (kind %2) cannot read back %3 (a REST target needs"
                                   " \"read_back\": true)")
                        .arg(q(target), q(sys->connector.value("kind", "")),
                            domain.empty() ? QStringLiteral("any of its domains") : q(domain)));
    ReconcileOptions o;
    o.target = target;
    o.domain = domain;
    o.actor = actor(a);
    auto summary = reconcileTarget(*ws.value(), cfg.value(), contracts, *connector.value(), o);
    if (!summary)
        return fail(summary.error());
    if (a.has(QStringLiteral("json")))
        printJson(summary->toJson());
    else
        printSummary(summary.value(), domain);
    return summary->drifts.empty() ? Ok : DataProblems;
}

} // namespace mdsync::cli
