// Initial loads (docs/ONBOARDING.md): a target added to the landscape gets the current state of every object its
// subscriptions match, domain by domain in dependency order, in chunks that survive a crash of the core: counted at
// the target, none missing and none twice.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "config/configstore.h"
#include "dispatcherharness.h"
#include "workspacefixture.h"

#include "demo/simulatedsystem.h"
#include "engine/corerunner.h"
#include "engine/embeddedcore.h"
#include "steward/configchange.h"
#include "steward/steward.h"
#include "sync/dispatcher.h"
#include "sync/onboarding.h"

#include <QElapsedTimer>
#include <QSignalSpy>
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
                     std::string("when in force LIMS gets an initial load of the objects it does not have; "
                                 "`mdsyncctl onboard --target LIMS --dry-run` counts them"))
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

    // The target's "initial_load" setting bounds each step and the load's open deliveries (docs/ONBOARDING.md).
    void loadFollowsTheTargetsChunkAndMaxOpen()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString team = tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        std::vector<std::string> events;
        for (int i = 0; i < 7; ++i)
            events.push_back(item(itemKey(i), "Valve body " + std::to_string(i)));
        MDSYNC_REQUIRE_OK(ingested, tw.ingest(events));
        MDSYNC_REQUIRE_OK(cfg,
            addTargetToLandscape(
                tw, "LIMS", { "item" }, { { "initial_load", { { "chunk", 2 }, { "max_open", 3 } } } }));
        const SystemDef* lims = cfg->landscape->system("LIMS");
        QVERIFY(lims);
        QCOMPARE(lims->initialLoadChunk, 2);
        QCOMPARE(lims->initialLoadMaxOpen, 3);
        MDSYNC_REQUIRE_OK(job, startOnboarding(tw.as("sam"), cfg.value(), "sam", "LIMS", "LIMS go-live"));
        QCOMPARE(job->planned(), 7);
        // A chunk of 2, then 1 (3 open at most), then nothing while all 3 stay open (no dispatcher runs here).
        std::vector<std::int64_t> queued;
        for (int step = 0; step < 3; ++step) {
            MDSYNC_REQUIRE_OK(advanced, advanceOnboarding(tw.ws(), cfg.value(), job->row.id));
            queued.push_back(advanced->queued);
        }
        QCOMPARE(queued, (std::vector<std::int64_t> { 2, 1, 0 }));
        // Once the target acknowledges them, the next steps go on in chunks of 2.
        QSqlQuery ack(tw.db());
        QVERIFY2(ack.exec(QStringLiteral("UPDATE delivery SET status = 'acked' WHERE target_id = 'LIMS'")),
            qPrintable(ack.lastError().text()));
        MDSYNC_REQUIRE_OK(next, advanceOnboarding(tw.ws(), cfg.value(), job->row.id));
        QCOMPARE(next->queued, 2);
        QCOMPARE(count(tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'LIMS'")), 5);
    }

    // docs/GOVERNANCE.md "Hot configuration": `mdsyncctl run` keeps running while admins change the model and the
    // landscape; each version is applied between batches when it falls due, without a restart, and a landscape that
    // adds a target starts its initial load.
    void runningCoreAppliesApprovedModelAndLandscape()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        // ada runs the core (on PostgreSQL her login ingests: the steward's grants) and administers; abe approves.
        const QString team = tw.makeTeam("ada", { { "abe", Role::Admin }, { "ada", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        std::vector<std::string> events;
        for (int i = 0; i < 30; ++i)
            events.push_back(item(itemKey(i), "Valve body " + std::to_string(i)));
        events.push_back(bom("BOM-1", itemKey(0), { itemKey(1), itemKey(2) }));
        MDSYNC_REQUIRE_OK(ingested, tw.ingest(events));
        const nlohmann::json modelDoc = tw.config().model->document();
        nlohmann::json landscapeDoc = tw.config().landscape->document();

        // The lab's system, on loopback; the landscape proposal gives its address.
        MDSYNC_REQUIRE_OK(limsConfig, SimulatedConfig::fromJson({ { "id", "LIMS" } }));
        SimulatedSystem lims(limsConfig.value());
        MDSYNC_REQUIRE_OK(port, lims.start());
        landscapeDoc["version"] = "2026.12-lims";
        landscapeDoc["systems"].push_back({ { "id", "LIMS" }, { "name", "Lab system" }, { "kind", "QMS" },
            { "plants", nlohmann::json::array() }, { "max_concurrency", 4 },
            { "connector",
                { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(port.value()) },
                    { "timeout_ms", 5000 } } } });
        for (const char* domain : { "bom", "item" })
            landscapeDoc["subscriptions"].push_back({ { "domain", domain }, { "target", "LIMS" },
                { "pattern", "event" }, { "sla_minutes", 120 }, { "criticality", "medium" } });

        // The core runs as ada (on PostgreSQL her login: a shared workspace's service or her GUI).
        const QString location = tw.locationAs("ada");
        if (!testBackendIsPostgres())
            tw.close(); // the core becomes the file's one writer
        MDSYNC_REQUIRE_OK(core, openEmbeddedCore(location, DispatcherOptions {}, true));
        EmbeddedCore& c = *core.value();
        CoreRunnerOptions o;
        o.reconcileSchedule = false;
        o.alertIntervalMs = 0;
        o.configCheckMs = 100;
        o.onboardIntervalMs = 100;
        CoreRunner runner(c, o);
        QStringList said;
        connect(&runner, &CoreRunner::message, this, [&](const QString& line, bool) { said << line; });
        MDSYNC_REQUIRE_OK(started, runner.start());
        // Admins act in their own sessions on PostgreSQL; on SQLite through the core (the file's one writer), as in
        // the GUI.
        Workspace& ada = testBackendIsPostgres() ? tw.as("ada") : *c.ws;
        Workspace& abe = testBackendIsPostgres() ? tw.as("abe") : *c.ws;
        auto ingestNow = [&](const std::string& line) {
            IngestOptions io;
            io.actor = "ada";
            io.sourceName = QStringLiteral("test");
            auto r = c.pipeline->ingestLines({ line }, io);
            c.dispatcher->poke();
            return r;
        };

        // The model: items get a coating. Before the version is in force an event with one is refused...
        nlohmann::json coated = releasedItem("Coated valve", { "P100" });
        coated["coating"] = "zinc-nickel";
        MDSYNC_REQUIRE_OK(refused, ingestNow(mdsync::test::event("PLM", "item", "COAT-1", coated)));
        QCOMPARE(refused->accepted, 0);
        nlohmann::json newModel = modelDoc;
        newModel["version"] = "2026.12-coating";
        newModel["domains"]["item"]["attributes"]["coating"]
            = { { "type", "string" }, { "group", "engineering" }, { "label", "Coating" }, { "max_length", 40 } };
        MDSYNC_REQUIRE_OK(mp, propose(ada, "ada", "model", newModel.dump(), "coating", "surface spec", std::nullopt));
        MDSYNC_REQUIRE_OK(ma, approveChange(abe, "abe", mp->id, "needed by QA"));
        // ...and after it, without a restart, accepted.
        QTRY_VERIFY_WITH_TIMEOUT(c.config.modelVersionId == ma->versionId, 10000);
        QVERIFY2(said.filter(QStringLiteral("model 2026.12-coating (#%1) in force").arg(ma->versionId)).size() == 1,
            qPrintable(said.join(QLatin1Char('\n'))));
        MDSYNC_REQUIRE_OK(accepted, ingestNow(mdsync::test::event("PLM", "item", "COAT-1", coated)));
        QCOMPARE(accepted->accepted, 1);

        // The landscape: LIMS joins. The approval starts its initial load; the running core connects LIMS and sends
        // it every object, and the changes made from then on.
        MDSYNC_REQUIRE_OK(
            lp, propose(ada, "ada", "landscape", landscapeDoc.dump(), "LIMS", "lab go-live", std::nullopt));
        MDSYNC_REQUIRE_OK(la, approveChange(abe, "abe", lp->id, "lab ready"));
        QCOMPARE(la->initialLoads.size(), size_t { 1 });
        QVERIFY2(la->initialLoads.front().starts_with("LIMS: initial load #"), la->initialLoads.front().c_str());
        QVERIFY2(la->initialLoads.front().find("(32 objects;") != std::string::npos, la->initialLoads.front().c_str());
        QTRY_VERIFY_WITH_TIMEOUT(c.config.landscapeVersionId == la->versionId, 10000);
        QVERIFY2(said.contains(QStringLiteral("LIMS: connected (landscape 2026.12-lims)")),
            qPrintable(said.join(QLatin1Char('\n'))));
        MDSYNC_REQUIRE_OK(later, ingestNow(item("RM-LATER", "Gasket added after the go-live")));
        QCOMPARE(later->accepted, 1);
        QTRY_COMPARE_WITH_TIMEOUT(lims.totalApplied(), qint64 { 33 }, 60000);
        for (int i = 0; i < 30; ++i)
            QCOMPARE(lims.appliedCount(QStringLiteral("item"), QString::fromStdString(itemKey(i))), 1);
        QCOMPARE(lims.appliedCount(QStringLiteral("item"), QStringLiteral("COAT-1")), 1);
        QCOMPARE(lims.appliedCount(QStringLiteral("item"), QStringLiteral("RM-LATER")), 1);
        QCOMPARE(lims.appliedCount(QStringLiteral("bom"), QStringLiteral("BOM-1")), 1);
        QTRY_VERIFY_WITH_TIMEOUT(
            said.filter(QStringLiteral("initial load #")).filter(QStringLiteral(" done: 32 acknowledged")).size() == 1,
            20000);
        // The steward's commands use the new configuration too: the contracts know the new subscriptions.
        QVERIFY(std::ranges::any_of(
            c.config.contracts->generic(), [](const GenericContract& g) { return g.subscription == "item->LIMS"; }));

        // A future-dated landscape adds a second lab. The approval starts nothing; the running core applies the
        // version when it falls due, connects the lab and starts its initial load.
        MDSYNC_REQUIRE_OK(lab2Config, SimulatedConfig::fromJson({ { "id", "LAB2" } }));
        SimulatedSystem lab2(lab2Config.value());
        MDSYNC_REQUIRE_OK(port2, lab2.start());
        landscapeDoc["version"] = "2026.12-lab2";
        landscapeDoc["systems"].push_back({ { "id", "LAB2" }, { "name", "Second lab" }, { "kind", "QMS" },
            { "plants", nlohmann::json::array() }, { "max_concurrency", 4 },
            { "connector",
                { { "kind", "rest" }, { "base_url", "http://127.0.0.1:" + std::to_string(port2.value()) },
                    { "timeout_ms", 5000 } } } });
        landscapeDoc["subscriptions"].push_back({ { "domain", "item" }, { "target", "LAB2" }, { "pattern", "event" },
            { "sla_minutes", 120 }, { "criticality", "medium" } });
        MDSYNC_REQUIRE_OK(
            fp, propose(ada, "ada", "landscape", landscapeDoc.dump(), "LAB2", "second lab", nowMs() + 1500));
        MDSYNC_REQUIRE_OK(fa, approveChange(abe, "abe", fp->id, "from the next shift"));
        QVERIFY(fa->initialLoads.empty());
        QCOMPARE(c.config.landscapeVersionId, la->versionId); // not yet
        QTRY_VERIFY_WITH_TIMEOUT(c.config.landscapeVersionId == fa->versionId, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(lab2.totalApplied(), qint64 { 32 }, 60000); // every item, once
        QVERIFY2(said.filter(QStringLiteral("LAB2: initial load #")).filter(QStringLiteral("(32 objects;")).size() == 1,
            qPrintable(said.join(QLatin1Char('\n'))));
        MDSYNC_REQUIRE_OK(stopped, runner.stop());
        QCOMPARE(c.dispatcher->stats().configReloads, 2);
        QVERIFY(AuditLog(c.ws->db()).verify().ok);
        // LIMS's load was started once, by the approval, on behalf of the approving admin; LAB2's by the core when
        // the version fell due (on PostgreSQL under the core's login), and the projections were written then.
        QCOMPARE(count(c.ws->db(), QStringLiteral("audit_log"),
                     QStringLiteral("action = 'onboard.start' AND actor = 'abe'")),
            testBackendIsPostgres() ? 1 : 2);
        QCOMPARE(count(c.ws->db(), QStringLiteral("audit_log"), QStringLiteral("action = 'onboard.start'")), 2);
        QCOMPARE(count(c.ws->db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.activate'")), 1);
        QCOMPARE(count(c.ws->db(), QStringLiteral("subscription"), QStringLiteral("target_id = 'LAB2'")), 1);
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
