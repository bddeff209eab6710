// Initial loads (docs/ONBOARDING.md): a target added to the landscape gets the current state of every object its
// subscriptions match, domain by domain in dependency order, in chunks that survive a crash of the core: counted at
// the target, none missing and none twice.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "config/configstore.h"
#include "dispatcherharness.h"
#include "workspacefixture.h"

#include "demo/simulatedsystem.h"
#include "steward/configchange.h"
#include "sync/dispatcher.h"
#include "sync/onboarding.h"

#include <QElapsedTimer>
#include <QTest>

#include <functional>
#include <map>

using namespace mdsync;
using namespace mdsync::test;

namespace {

// Items of the crash test: 2,000 by default (also under the sanitizers); tst_onboarding_10k (label long) runs the
// issue's 10,000 (MDSYNC_ONBOARD_ITEMS).
const int kItems
    = qEnvironmentVariableIsSet("MDSYNC_ONBOARD_ITEMS") ? qEnvironmentVariableIntValue("MDSYNC_ONBOARD_ITEMS") : 2000;
constexpr int kBoms = 200;

std::string itemKey(int i)
{
    return QStringLiteral("RM-%1").arg(i, 5, 10, QLatin1Char('0')).toStdString();
}

} // namespace

class TestOnboarding : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dryRunCountsPerDomainInDependencyOrder()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString team = tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        std::vector<std::string> events;
        for (int i = 0; i < 5; ++i)
            events.push_back(item(itemKey(i), "Valve body " + std::to_string(i)));
        events.push_back(item(itemKey(5), "Old valve", { "P100" }, "obsolete"));
        events.push_back(bom("BOM-1", itemKey(0), { itemKey(1), itemKey(2) }));
        MDSYNC_REQUIRE_OK(ingested, tw.ingest(events));

        // LIMS, a lab system, is not in the landscape yet; then it is, subscribed to BOMs and items (BOMs first:
        // the load still sends items first).
        const auto unknown = planOnboarding(tw.ws(), tw.config(), "LIMS");
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error(), QStringLiteral("initial load: unknown target 'LIMS'"));
        const nlohmann::json before = tw.config().landscape->document();
        MDSYNC_REQUIRE_OK(cfg, addTargetToLandscape(tw, "LIMS", { "bom", "item" }));
        // A proposal that adds the subscriptions says how to send the current state.
        const auto summary = configChangeSummary("landscape", before, cfg->landscape->document());
        QVERIFY2(std::ranges::find(summary,
                     std::string("after approval LIMS gets only new changes; `mdsyncctl onboard --target LIMS "
                                 "--dry-run` counts the objects an initial load would send it"))
                != summary.end(),
            qPrintable(dumped(summary)));
        MDSYNC_REQUIRE_OK(plan, planOnboarding(tw.ws(), cfg.value(), "LIMS"));
        QCOMPARE(plan->steps.size(), size_t { 2 });
        QCOMPARE(plan->steps[0].domain, std::string("item")); // before the BOMs that use them
        QCOMPARE(plan->steps[0].matching, 6);
        QCOMPARE(plan->steps[1].domain, std::string("bom"));
        QCOMPARE(plan->steps[1].matching, 1);
        QCOMPARE(plan->toQueue(), 7);
        // An existing target has everything already.
        MDSYNC_REQUIRE_OK(erp, planOnboarding(tw.ws(), cfg.value(), "ERP"));
        QCOMPARE(erp->toQueue(), 0);
        const auto erpItems = std::ranges::find_if(erp->steps, [](const OnboardStep& s) { return s.domain == "item"; });
        QVERIFY(erpItems != erp->steps.end());
        QCOMPARE(erpItems->current, 6);
        const auto nothing = startOnboarding(tw.as("sam"), cfg.value(), "sam", "ERP", "again");
        QVERIFY(!nothing.ok());
        QVERIFY2(nothing.error().contains(QStringLiteral("nothing to send")), qPrintable(nothing.error()));

        // Viewers may not start one; a reason is required; a second load of the same target waits for the first.
        const auto viewer = startOnboarding(tw.as("vic"), cfg.value(), "vic", "LIMS", "go-live");
        QVERIFY(!viewer.ok());
        QVERIFY2(viewer.error().contains(QStringLiteral("initial loads")), qPrintable(viewer.error()));
        QVERIFY(!startOnboarding(tw.as("sam"), cfg.value(), "sam", "LIMS", "").ok());
        MDSYNC_REQUIRE_OK(job, startOnboarding(tw.as("sam"), cfg.value(), "sam", "LIMS", "LIMS go-live"));
        QCOMPARE(job->planned(), 7);
        QCOMPARE(QString::fromStdString(job->row.status), QStringLiteral("running"));
        const auto second = startOnboarding(tw.as("sam"), cfg.value(), "sam", "LIMS", "again");
        QVERIFY(!second.ok());
        QVERIFY2(second.error().contains(QStringLiteral("is running")), qPrintable(second.error()));

        // Paused, it queues nothing; resumed, it does; every step is audited.
        MDSYNC_REQUIRE_OK(paused, controlOnboarding(tw.as("sam"), "sam", job->row.id, "pause", "lab not ready"));
        QCOMPARE(QString::fromStdString(paused->row.status), QStringLiteral("paused"));
        MDSYNC_REQUIRE_OK(none, advanceOnboarding(tw.ws(), cfg.value(), job->row.id));
        QCOMPARE(none->queued, 0);
        QVERIFY(!controlOnboarding(tw.as("sam"), "sam", job->row.id, "pause", "again").ok());
        MDSYNC_REQUIRE_OK(resumed, controlOnboarding(tw.as("sam"), "sam", job->row.id, "resume", "lab ready"));
        // A core still running with the landscape from before LIMS queues nothing and skips nothing: it says why.
        MDSYNC_REQUIRE_OK(stale, advanceOnboarding(tw.ws(), tw.config(), job->row.id));
        QCOMPARE(stale->queued, 0);
        QVERIFY2(stale->waiting.starts_with("subscription item->LIMS is not in the landscape this core runs with"),
            stale->waiting.c_str());
        MDSYNC_REQUIRE_OK(some, advanceOnboarding(tw.ws(), cfg.value(), job->row.id, 4));
        QCOMPARE(some->queued, 4);
        MDSYNC_REQUIRE_OK(rest, advanceOnboarding(tw.ws(), cfg.value(), job->row.id, 500));
        QCOMPARE(rest->queued, 3);
        QVERIFY(!rest->done); // queued, not sent: nothing runs a dispatcher here
        QCOMPARE(count(tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'LIMS'")), 7);
        QCOMPARE(count(tw.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'initial_load'")), 7);
        QCOMPARE(count(tw.db(), QStringLiteral("audit_log"), QStringLiteral("action LIKE 'onboard.%'")), 3);
        QVERIFY(AuditLog(tw.db()).verify().ok);
    }

    void initialLoadSurvivesACrash()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        const QString team = h.tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        std::vector<std::string> events;
        events.reserve(kItems + kBoms);
        static const char* const kWords[] = { "Valve", "Gasket", "Bearing", "Shaft", "Housing", "Seal", "Bracket",
            "Flange", "Spring", "Bolt", "Washer", "Impeller", "Coupling", "Sleeve", "Cover", "Plate", "Ring" };
        for (int i = 0; i < kItems; ++i)
            events.push_back(item(
                itemKey(i), std::string(kWords[i % 17]) + " " + kWords[(i / 17) % 17] + " type " + std::to_string(i)));
        for (int b = 0; b < kBoms; ++b)
            events.push_back(bom("BOM-" + std::to_string(b), itemKey(b), { itemKey(kItems - 1 - b), itemKey(b + 1) }));
        QVERIFY(h.ingest(events));

        MDSYNC_REQUIRE_OK(cfg, addTargetToLandscape(h.tw, "LIMS", { "bom", "item" }));
        h.config = cfg.value();
        SimulatedSystem* lims = h.addTarget("LIMS");
        QVERIFY(lims);
        // The order the lab receives them in: a BOM only after its components.
        std::map<QString, int> appliedAt;
        int sequence = 0;
        connect(lims, &SimulatedSystem::changeApplied, this,
            [&](const QString& domain, const QString& key, const QString&) {
                appliedAt.emplace(domain + QLatin1Char('/') + key, sequence++);
            });
        QVERIFY(h.start());
        MDSYNC_REQUIRE_OK(job, startOnboarding(h.tw.as("sam"), cfg.value(), "sam", "LIMS", "LIMS go-live"));
        QCOMPARE(job->planned(), kItems + kBoms);
        const std::int64_t id = job->row.id;

        // Runs the service's loop (chunks of 100, at most 500 open) until `until` holds or time runs out.
        auto run = [&](const std::function<bool()>& until, int timeoutMs) {
            QElapsedTimer t;
            t.start();
            while (!until() && t.elapsed() < timeoutMs) {
                auto r = advanceOnboarding(h.tw.ws(), cfg.value(), id, 100, 500);
                if (!r) {
                    qWarning("advance: %s", qPrintable(r.error()));
                    return false;
                }
                if (r->queued > 0)
                    h.dispatcher->poke();
                QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            }
            return until();
        };
        auto jobNow = [&] {
            auto j = onboardingJobs(h.tw.db(), {}, id);
            return j && !j->empty() ? j->front() : OnboardJob {};
        };
        // Until about a third is at the lab, then the core dies: no stop, calls in flight are lost.
        QVERIFY(run([&] { return lims->totalApplied() >= kItems / 3; }, 120000));
        const std::int64_t queuedBeforeCrash = jobNow().row.queued;
        QVERIFY2(queuedBeforeCrash < kItems, "the crash must come before everything is queued");
        h.dispatcher.reset();

        // A new core: the dispatcher recovers what was in flight, the job goes on from its cursor.
        QVERIFY(h.start());
        QVERIFY(run([&] { return jobNow().row.status == "done"; }, 240000));
        const OnboardJob done = jobNow();
        QCOMPARE(done.row.queued, kItems + kBoms);
        QCOMPARE(done.progress.acked, kItems + kBoms);
        QCOMPARE(done.progress.open, 0);
        QCOMPARE(done.progress.failed, 0);
        const nlohmann::json summary = done.toJson();
        QVERIFY(summary.contains("time_to_onboard_ms"));
        qInfo("initial load of %lld objects: time to onboard %lld ms (first to last ack, a crash and restart included)",
            static_cast<long long>(done.row.queued), summary["time_to_onboard_ms"].get<long long>());

        // Counted at the lab: every object once, none missing, none twice.
        QCOMPARE(lims->totalApplied(), static_cast<qint64>(kItems + kBoms));
        for (int i = 0; i < kItems; ++i)
            QCOMPARE(lims->appliedCount(QStringLiteral("item"), QString::fromStdString(itemKey(i))), 1);
        for (int b = 0; b < kBoms; ++b) {
            const QString bomKey = QStringLiteral("bom/BOM-%1").arg(b);
            QCOMPARE(lims->appliedCount(QStringLiteral("bom"), bomKey.mid(4)), 1);
            // After its components.
            for (const std::string& c : { itemKey(kItems - 1 - b), itemKey(b + 1) })
                QVERIFY(appliedAt.at(QStringLiteral("item/") + QString::fromStdString(c)) < appliedAt.at(bomKey));
        }
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'onboard.done'")), 1);
        verifyCounters(h.tw.db());
    }
};

QTEST_GUILESS_MAIN(TestOnboarding)
#include "tst_onboarding.moc"
