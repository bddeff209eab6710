// The dispatcher against real HTTP targets on 127.0.0.1 (SimulatedSystem) through the REST connector:
// acks and counters, ordering and supersede, dependency holds, backoff, rate limits, Retry-After, pause,
// per-target isolation, non-retryable answers and exhausted retries.

#include "access/roles.h"
#include "connectors/restconnector.h"
#include "contract/contract.h"
#include "demo/simulatedsystem.h"
#include "dispatcherharness.h"
#include "steward/duplicatemerge.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "sync/dispatcher.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>

#include <map>
#include <memory>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {
// WMS-P100 as a strict target: it rejects (HTTP 422) every item without a storage_zone, which no test item has.
SimulatedSystem* addStrictWms(Harness& h)
{
    return h.addTarget("WMS-P100", { { "rules", { { "item", { { "required", { "storage_zone" } } } } } } });
}
} // namespace

class TestDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backoffSchedule()
    {
        const BackoffPolicy p { 1000, 30000, 0.2, 8 };
        QCOMPARE(p.delayMs(1, 0.5), 1000);
        QCOMPARE(p.delayMs(2, 0.5), 2000);
        QCOMPARE(p.delayMs(3, 0.5), 4000);
        QCOMPARE(p.delayMs(5, 0.5), 16000);
        QCOMPARE(p.delayMs(6, 0.5), 30000); // capped
        QCOMPARE(p.delayMs(60, 0.5), 30000);
        QCOMPARE(p.delayMs(3, 0.0), 3200); // -20 %
        QCOMPARE(p.delayMs(3, 1.0), 4800); // +20 %
    }

    void deliversToEverySubscriberAndRecordsAcks()
    {
        Harness h;
        QVERIFY2(h.tw.ok(), qPrintable(h.tw.error()));
        for (const char* id : { "ERP", "MES-P100", "WMS-P100", "QMS" })
            QVERIFY(h.addTarget(id));
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-1000", "Pump CP-90"), item("FG-1001", "Pump CP-91") }));
        QVERIFY(h.runUntilIdle());

        for (const char* id : { "ERP", "MES-P100", "WMS-P100", "QMS" }) {
            for (const char* key : { "FG-1000", "FG-1001" }) {
                QCOMPARE(h.status(QStringLiteral("item"), QLatin1String(key), QLatin1String(id), 1),
                    QStringLiteral("acked"));
                QCOMPARE(h.sims[id]->appliedCount(QStringLiteral("item"), QLatin1String(key)), 1);
                // The key the target saw is the delivery's idempotency key.
                QCOMPARE(h.sims[id]->appliedKeys(QStringLiteral("item"), QLatin1String(key)),
                    QStringList { h.idempotencyKey(QLatin1String(key), QLatin1String(id), 1) });
            }
        }
        // ANALYTICS is a nightly batch subscription: queued for its window, not sent now.
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-1000"), QStringLiteral("ANALYTICS"), 1),
            QStringLiteral("pending"));
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'acked' AND latency_ms >= 0")), 8);
        QCOMPARE(count(h.tw.db(), QStringLiteral("object_target"),
                     QStringLiteral("status = 'acked' AND acked_revision_no = 1")),
            8);
        QCOMPARE(count(h.tw.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'acked'")), 8);
        const json detail = json::parse(
            scalar(h.tw.db(), QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'acked' LIMIT 1"))
                .toString()
                .toStdString());
        QVERIFY(detail.contains("latency_ms") && detail.contains("end_to_end_ms") && detail.contains("attempt"));
        QCOMPARE(h.dispatcher->stats().acked, 8);
        verifyCounters(h.tw.db());
    }

    // A merge (docs/DUPLICATES.md "Merging") reaches each target as its contract says: WMS-P100's contract redirects
    // (an upsert of the merged item naming the survivor in "replacedBy"), MES-P100's retires it (the default).
    void mergeRetiresOrRedirectsPerContract()
    {
        Harness h;
        QVERIFY2(h.tw.ok(), qPrintable(h.tw.error()));
        QCOMPARE(h.tw.makeTeam("ada", { { "sam", Role::Steward }, { "abe", Role::Approver } }), QString());
        for (const char* id : { "WMS-P100", "MES-P100" })
            QVERIFY(h.addTarget(id));
        auto builtin = ContractSet::builtin(*h.tw.config().model, *h.tw.config().landscape);
        QVERIFY2(builtin, builtin ? "" : qPrintable(builtin.error()));
        json doc = builtin->document();
        int redirects = 0;
        for (json& c : doc["contracts"])
            if (c["domain"] == "item" && c["target"] == "WMS-P100") {
                c["on_merge"] = { { "redirect_field", "replacedBy" } };
                ++redirects;
            }
        QCOMPARE(redirects, 1);
        auto contracts = ContractSet::fromJson(doc, QStringLiteral("test"), *h.tw.config().model,
            *h.tw.config().landscape, ContractSet::Fit::AllowDormant);
        QVERIFY2(contracts, contracts ? "" : qPrintable(contracts.error()));
        h.contracts = std::move(contracts).value();
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FA-1", "Hex nut M10 DIN 934 zinc"), item("FA-2", "Hex nut M10 DIN934 zinc") }));
        QVERIFY(h.runUntilIdle());

        DuplicateMerge sam(h.tw.as("sam"), h.tw.pipelineAs("sam"));
        MergeRequest req;
        req.domain = "item";
        req.keyA = "FA-1";
        req.keyB = "FA-2";
        req.survivorKey = "FA-1";
        req.reason = "one nut";
        MDSYNC_REQUIRE_OK(p, sam.merge("sam", req));
        DuplicateMerge abe(h.tw.as("abe"), h.tw.pipelineAs("abe"));
        MDSYNC_REQUIRE_OK(a, abe.approve("abe", p->id, "checked"));
        QVERIFY(h.runUntilIdle());

        const auto wms = h.sims["WMS-P100"]->record(QStringLiteral("item"), QStringLiteral("FA-2"));
        QVERIFY(wms);
        QVERIFY(!wms->retired);
        QCOMPARE(wms->payload.value("replacedBy", std::string()), std::string("FA-1"));
        const auto mes = h.sims["MES-P100"]->record(QStringLiteral("item"), QStringLiteral("FA-2"));
        QVERIFY(mes);
        QVERIFY(mes->retired);
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FA-2"), QStringLiteral("WMS-P100"), 2),
            QStringLiteral("acked"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FA-2"), QStringLiteral("MES-P100"), 2),
            QStringLiteral("acked"));
        verifyCounters(h.tw.db());
    }

    void newerRevisionSupersedesUnsentOlderOnes()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        QVERIFY(erp);
        // Three revisions queued before the dispatcher runs: only the newest full state goes out.
        QVERIFY(h.ingest({ item("FG-2000", "Pump rev A", { "P300" }) }));
        QVERIFY(h.ingest({ item("FG-2000", "Pump rev B", { "P300" }) }));
        QVERIFY(h.ingest({ item("FG-2000", "Pump rev C", { "P300" }) }));
        QVERIFY(h.start());
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-2000"), QStringLiteral("ERP"), 1),
            QStringLiteral("superseded"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-2000"), QStringLiteral("ERP"), 2),
            QStringLiteral("superseded"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-2000"), QStringLiteral("ERP"), 3),
            QStringLiteral("acked"));
        QCOMPARE(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-2000")), 1);
        const auto rec = erp->record(QStringLiteral("item"), QStringLiteral("FG-2000"));
        QVERIFY(rec);
        QCOMPARE(rec->payload.value("description", ""), std::string("Pump rev C"));
        // Recorded in lineage, not silently dropped.
        const QStringList sup = column(h.tw.db(),
            QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'superseded' AND system_id = 'ERP'"
                           " ORDER BY id"));
        QCOMPARE(sup.size(), 2);
        QVERIFY2(sup[0].contains(QStringLiteral("\"by_revision_no\":3")), qPrintable(sup[0]));
        verifyCounters(h.tw.db());
    }

    void revisionWaitsForTheOlderOneInFlight()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        // The target applies at once but answers only after 300 ms: revision 2 must not be sent meanwhile.
        auto* erp = h.addTarget("ERP", { { "latency_ms", { 300, 300 } } });
        QVERIFY(erp);
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-3000", "Valve rev A", { "P300" }) }));
        QTRY_COMPARE_WITH_TIMEOUT(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-3000")), 1, 5000);
        QVERIFY(h.ingest({ item("FG-3000", "Valve rev B", { "P300" }) }));
        QString rev1StatusWhenRev2Applied;
        QObject::connect(
            erp, &SimulatedSystem::changeApplied, erp, [&](const QString&, const QString&, const QString& k) {
                if (k == h.idempotencyKey(QStringLiteral("FG-3000"), QStringLiteral("ERP"), 2))
                    rev1StatusWhenRev2Applied
                        = h.status(QStringLiteral("item"), QStringLiteral("FG-3000"), QStringLiteral("ERP"), 1);
            });
        QVERIFY(h.runUntilIdle());
        QCOMPARE(rev1StatusWhenRev2Applied, QStringLiteral("acked"));
        QCOMPARE(erp->appliedKeys(QStringLiteral("item"), QStringLiteral("FG-3000")),
            QStringList({ h.idempotencyKey(QStringLiteral("FG-3000"), QStringLiteral("ERP"), 1),
                h.idempotencyKey(QStringLiteral("FG-3000"), QStringLiteral("ERP"), 2) }));
    }

    // A tick reads the due list only as far as its free calls need: with 8 calls in flight at a slow target and
    // 60 items queued, each freed call reads one row, not the whole backlog again (the rows in flight are not read
    // at all).
    void dueListIsReadOnlyAsFarAsTheFreeCallsNeed()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP", { { "latency_ms", { 30, 30 } } });
        QVERIFY(erp);
        QVERIFY(h.start());
        std::vector<std::string> items;
        for (int i = 0; i < 60; ++i)
            items.push_back(item("FG-" + std::to_string(5000 + i), "Valve " + std::to_string(i)));
        QVERIFY(h.ingest(items));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'ERP' AND status = 'acked'")), 60);
        const DispatcherStats s = h.dispatcher->stats();
        QCOMPARE(s.sent, 60);
        QCOMPARE(s.dueRowsRead, s.sent);
    }

    // Outcomes wait for more (group commit) only while other calls are out: the one ack of a quiet target is
    // committed at once, not after the flush interval (a minute here, so the wait would fail the test).
    void outcomeIsCommittedAtOnceWhenNoOtherCallIsOut()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        QVERIFY(h.addTarget("ERP"));
        DispatcherOptions o = fastOptions();
        o.flushMs = 60000;
        QVERIFY(h.start(o));
        QVERIFY(h.ingest({ item("FG-6000", "Valve rev A") }));
        QTRY_COMPARE_WITH_TIMEOUT(h.status(QStringLiteral("item"), QStringLiteral("FG-6000"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"), 10000);
        QCOMPARE(h.dispatcher->stats().acked, 1);
    }

    // While another call is out an ack waits for the group commit, but only until the next tick that writes: the
    // ack rides with that tick's transaction (the next deliveries marked in flight). The flush interval is a minute
    // and QMS answers after 4 s, so only the ride can commit ERP's first ack within the test's wait.
    void waitingAckRidesWithTheNextTicksCommit()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        QVERIFY(erp);
        QVERIFY(h.addTarget("QMS", { { "latency_ms", { 4000, 4000 } } }));
        DispatcherOptions o = fastOptions();
        o.flushMs = 60000;
        QVERIFY(h.start(o));
        QVERIFY(h.ingest({ item("FG-6100", "Valve rev A") }));
        QTRY_COMPARE_WITH_TIMEOUT(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-6100")), 1, 3000);
        QTest::qWait(300); // ERP's answer arrives and waits: QMS's call is out
        const QString domain = QStringLiteral("item");
        QCOMPARE(h.status(domain, QStringLiteral("FG-6100"), QStringLiteral("ERP"), 1), QStringLiteral("in_flight"));
        QCOMPARE(h.dispatcher->stats().acked, 0);

        QVERIFY(h.ingest({ item("FG-6101", "Valve rev B") }));
        QTRY_COMPARE_WITH_TIMEOUT(
            h.status(domain, QStringLiteral("FG-6100"), QStringLiteral("ERP"), 1), QStringLiteral("acked"), 2500);
        QCOMPARE(h.status(domain, QStringLiteral("FG-6100"), QStringLiteral("QMS"), 1), QStringLiteral("in_flight"));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'acked'")), 4);
        verifyCounters(h.tw.db());
    }

    void bomIsHeldUntilItsItemsAreAtTheTarget()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* mes = h.addTarget("MES-P100");
        QVERIFY(mes);
        QVERIFY(h.addTarget("ERP"));
        QVERIFY(h.start());
        // RM-2 is still in review: MES (released items only) does not have it, so the BOM waits.
        QVERIFY(h.ingest(
            { item("FG-4000", "Gearbox"), item("RM-4001", "Housing"), item("RM-4002", "Shaft", { "P100" }, "in_review"),
                bom("FG-4000/P100/1", "FG-4000", { "RM-4001", "RM-4002" }) }));
        QTRY_COMPARE_WITH_TIMEOUT(
            h.status(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("held"), 5000);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("held"));
        QCOMPARE(mes->appliedCount(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1")), 0);
        const QString reason = scalar(h.tw.db(),
            QStringLiteral("SELECT last_error FROM delivery WHERE target_id = 'MES-P100' AND status = 'held'"))
                                   .toString();
        QVERIFY2(reason.contains(QStringLiteral("RM-4002")) && !reason.contains(QStringLiteral("RM-4001")),
            qPrintable(reason));
        QCOMPARE(scalar(h.tw.db(),
                     QStringLiteral("SELECT ot.status FROM object_target ot JOIN object o ON o.id = ot.object_id"
                                    " WHERE o.key = 'FG-4000/P100/1' AND ot.target_id = 'MES-P100'"))
                     .toString(),
            QStringLiteral("held"));
        // ERP has no lifecycle filter: it got all items, so its BOM went through.
        QCOMPARE(h.status(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));
        // A hold is not a failure: no exception.
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'delivery'")), 0);

        // Releasing the item sends it to MES, and then the BOM follows.
        QVERIFY(h.ingest({ item("RM-4002", "Shaft") }));
        QTRY_COMPARE_WITH_TIMEOUT(
            h.status(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("acked"), 10000);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(mes->appliedCount(QStringLiteral("bom"), QStringLiteral("FG-4000/P100/1")), 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind IN ('held','released') AND system_id = 'MES-P100'")),
            2);
        verifyCounters(h.tw.db());
    }

    void twoWorkspacesNeverShareIdempotencyKeys()
    {
        // A second workspace (rebuilt, for tests, a second plant's core) that sends the same first event to the same
        // system: the target must apply it, not answer "already applied" because the keys collide.
        const std::string first = item("FG-1000", "Pump CP-90");
        Harness a;
        QVERIFY(a.tw.ok());
        SimulatedSystem* erp = a.addTarget("ERP");
        QVERIFY(erp);
        QVERIFY(a.start());
        QVERIFY(a.ingest({ first }));
        QVERIFY(a.runUntilIdle());
        QCOMPARE(a.status(QStringLiteral("item"), QStringLiteral("FG-1000"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));

        Harness b;
        QVERIFY(b.tw.ok());
        auto c = RestConnector::create(
            "ERP", json { { "kind", "rest" }, { "base_url", erp->baseUrl().toStdString() }, { "timeout_ms", 5000 } });
        QVERIFY(c);
        b.connectors["ERP"] = std::move(c).value();
        QVERIFY(b.start());
        QVERIFY(b.ingest({ first }));
        QVERIFY(b.runUntilIdle());
        QCOMPARE(b.status(QStringLiteral("item"), QStringLiteral("FG-1000"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));
        QVERIFY(a.idempotencyKey(QStringLiteral("FG-1000"), QStringLiteral("ERP"), 1)
            != b.idempotencyKey(QStringLiteral("FG-1000"), QStringLiteral("ERP"), 1));
        QCOMPARE(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-1000")), 2);
        QCOMPARE(count(b.tw.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind = 'acked' AND detail LIKE '%\"replay\":true%'")),
            0);
    }

    void holdIsSatisfiedWhenTheTargetIsTheSource()
    {
        // ERP creates plant P100 and its warehouse P100-WH1; WMS-P100 adds the capacity, which goes to ERP. ERP
        // never receives P100 from MDSync (it sent it): the hold for the parent must not wait for that for ever.
        Harness h;
        QVERIFY(h.tw.ok());
        for (const char* id : { "ERP", "WMS-P100", "MES-P100" })
            QVERIFY(h.addTarget(id));
        QVERIFY(h.start());
        QVERIFY(
            h.ingest({ test::event("ERP", "location", "P100",
                           json { { "name", "Plant Stuttgart" }, { "location_type", "plant" }, { "plant", "P100" } }),
                test::event("ERP", "location", "P100-WH1",
                    json { { "name", "Stuttgart finished goods" }, { "location_type", "warehouse" },
                        { "parent_location", "P100" }, { "plant", "P100" } }),
                test::event("WMS-P100", "location", "P100-WH1", json { { "capacity_pallets", 1800 } }) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("location"), QStringLiteral("P100-WH1"), QStringLiteral("ERP"), 2),
            QStringLiteral("acked"));
        QCOMPARE(h.status(QStringLiteral("location"), QStringLiteral("P100-WH1"), QStringLiteral("MES-P100"), 2),
            QStringLiteral("acked"));
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'held'")), 0);
        verifyCounters(h.tw.db());
    }

    void holdThatWaitsTooLongRaisesAnExceptionThatClosesOnRelease()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* mes = h.addTarget("MES-P100");
        QVERIFY(mes);
        // The dispatcher's clock runs 61 minutes ahead: every hold is older than the default timeout of 60 min.
        DispatcherOptions o = fastOptions();
        o.clock = [] { return nowMs() + 61 * 60 * 1000; };
        QVERIFY(h.start(o));
        QVERIFY(h.ingest({ item("FG-4100", "Gearbox"), item("RM-4102", "Shaft", { "P100" }, "in_review"),
            bom("FG-4100/P100/1", "FG-4100", { "RM-4102" }) }));
        QTRY_COMPARE_WITH_TIMEOUT(count(h.tw.db(), QStringLiteral("exception"),
                                      QStringLiteral("category = 'dependency_timeout' AND status = 'open'")),
            1, 5000);
        QVERIFY(h.runUntilIdle());
        QTest::qWait(300); // several hold re-checks (100 ms): still one exception
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'dependency_timeout'")), 1);
        const QString message
            = scalar(h.tw.db(), QStringLiteral("SELECT message FROM exception WHERE category = 'dependency_timeout'"))
                  .toString();
        QVERIFY2(message.contains(QStringLiteral("FG-4100/P100/1")) && message.contains(QStringLiteral("RM-4102"))
                && message.contains(QStringLiteral("MES-P100")),
            qPrintable(message));
        QCOMPARE(h.status(QStringLiteral("bom"), QStringLiteral("FG-4100/P100/1"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("held"));

        // The item is released and reaches MES: the BOM follows and the exception closes itself.
        QVERIFY(h.ingest({ item("RM-4102", "Shaft") }));
        // Released by the re-check after the item's ack (a tick later than the idle state the ack may leave).
        QTRY_COMPARE_WITH_TIMEOUT(
            h.status(QStringLiteral("bom"), QStringLiteral("FG-4100/P100/1"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("acked"), 10000);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT status FROM exception WHERE category = 'dependency_timeout'"))
                     .toString(),
            QStringLiteral("resolved"));
        QCOMPARE(count(h.tw.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'dependency_resolved'")), 1);
        verifyCounters(h.tw.db());
    }

    void retryableFailuresBackOffThenSucceed()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        QVERIFY(erp);
        erp->goDown(400);
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-5000", "Motor", { "P300" }) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-5000"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));
        QCOMPARE(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-5000")), 1);
        const QStringList retries = column(
            h.tw.db(), QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'delivery_retry' ORDER BY id"));
        QVERIFY2(!retries.isEmpty(), "expected retries while the target was down");
        // Each attempt is in lineage with its error text and the delay chosen.
        const json first = json::parse(retries.first().toStdString());
        QCOMPARE(first.value("attempt", 0), 1);
        QVERIFY(!first.value("error", "").empty());
        QVERIFY(first.value("next_attempt_in_ms", 0) >= 40 && first.value("next_attempt_in_ms", 0) <= 60);
        const int attempts
            = scalar(h.tw.db(), QStringLiteral("SELECT attempts FROM delivery WHERE target_id = 'ERP'")).toInt();
        QCOMPARE(attempts, retries.size() + 1);
        verifyCounters(h.tw.db());
    }

    void exhaustedRetriesBecomeAnException()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        QVERIFY(erp);
        erp->goDown(); // stays down
        // One delivery's retry budget (5 attempts) runs out before ERP's circuit would open (tst_breaker covers
        // the circuit: with it open, a delivery waits instead of failing).
        h.config = withCircuits(h.tw.config(), { { "ERP", { { "failures", 50 } } } });
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-5100", "Motor", { "P300" }) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-5100"), QStringLiteral("ERP"), 1),
            QStringLiteral("failed"));
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT attempts FROM delivery WHERE target_id = 'ERP'")).toInt(), 5);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("stage = 'delivery' AND category = 'transport' AND status = 'open'"
                                    " AND target_id = 'ERP' AND message LIKE '%retries exhausted%'")),
            1);
        // The payload that could not be delivered is kept.
        const QByteArray raw
            = scalar(h.tw.db(), QStringLiteral("SELECT raw FROM exception WHERE stage = 'delivery'")).toByteArray();
        QVERIFY2(raw.contains("\"description\":\"Motor\""), raw.constData());
        verifyCounters(h.tw.db());
    }

    void rejectionBecomesAnExceptionAtOnce()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* wms = addStrictWms(h);
        QVERIFY(wms);
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-6000", "Pump") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-6000"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("failed"));
        QCOMPARE(
            scalar(h.tw.db(), QStringLiteral("SELECT attempts FROM delivery WHERE target_id = 'WMS-P100'")).toInt(), 1);
        const QString msg = scalar(h.tw.db(),
            QStringLiteral(
                "SELECT message FROM exception WHERE category = 'target_rejected' AND target_id = 'WMS-P100'"))
                                .toString();
        QVERIFY2(msg.contains(QStringLiteral("): HTTP 422: ")) && msg.contains(QStringLiteral("storage_zone")),
            qPrintable(msg));
        QVERIFY2(!msg.contains(QStringLiteral("422 422")), qPrintable(msg)); // the status once, not twice
        verifyCounters(h.tw.db());
    }

    // A failed delivery is not due any more, so only the newer revision's pick finds it: it is superseded and its
    // exception closed as superseded, not left open beside the newer attempt.
    void newerRevisionSupersedesAFailedOlderOne()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* wms = addStrictWms(h);
        QVERIFY(wms);
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-6100", "Pump rev A") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-6100"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("failed"));
        QVERIFY(h.ingest({ item("FG-6100", "Pump rev B") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-6100"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("superseded"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-6100"), QStringLiteral("WMS-P100"), 2),
            QStringLiteral("failed"));
        QCOMPARE(column(h.tw.db(),
                     QStringLiteral("SELECT e.status FROM exception e JOIN delivery d ON d.id = e.delivery_id"
                                    " WHERE e.target_id = 'WMS-P100' ORDER BY d.revision_no")),
            (QStringList { QStringLiteral("superseded"), QStringLiteral("open") }));
        verifyCounters(h.tw.db());
    }

    void stewardReplaySendsTheFailedDeliveryAgain()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        // The WMS rejects items without storage_zone; after its fix (a new release) the steward replays.
        auto* strict = addStrictWms(h);
        QVERIFY(strict);
        QVERIFY(h.start());
        QVERIFY(h.ingest({ item("FG-6100", "Pump") }));
        QVERIFY(h.runUntilIdle());
        const qint64 exceptionId
            = scalar(h.tw.db(), QStringLiteral("SELECT id FROM exception WHERE target_id = 'WMS-P100'")).toLongLong();
        QVERIFY(exceptionId > 0);
        const QString key = h.idempotencyKey(QStringLiteral("FG-6100"), QStringLiteral("WMS-P100"), 1);
        h.sims.erase("WMS-P100");
        h.connectors.erase("WMS-P100");
        auto* fixed = h.addTarget("WMS-P100");
        QVERIFY(fixed);
        QVERIFY(h.tw.makeAdmin("ada").isEmpty());
        QVERIFY(grantRole(h.tw.as("ada"), "ada", "sam", Role::Steward, "team").ok());
        QVERIFY(!ExceptionActions(h.tw.as("ada")).replay("ada", exceptionId).ok()); // admins do not replay
        ExceptionActions actions(h.tw.as("sam"));
        QVERIFY(actions.replay("sam", exceptionId, "WMS release 7.2 accepts it").ok());
        QVERIFY(!actions.replay("sam", exceptionId).ok()); // already replayed
        h.dispatcher->poke();
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-6100"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("acked"));
        QCOMPARE(fixed->appliedKeys(QStringLiteral("item"), QStringLiteral("FG-6100")), QStringList { key });
        QCOMPARE(
            scalar(h.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(exceptionId)).toString(),
            QStringLiteral("replayed"));
        verifyCounters(h.tw.db());
    }

    void ownRateLimitSpacesCalls()
    {
        // WMS-P100 in the landscape: 5 calls/s, burst 10. 20 items: 10 at once, then ~5 per second.
        Harness h;
        QVERIFY(h.tw.ok());
        auto* wms = h.addTarget("WMS-P100");
        QVERIFY(wms);
        std::vector<qint64> appliedAt;
        QElapsedTimer clock;
        clock.start();
        QObject::connect(wms, &SimulatedSystem::changeApplied, wms,
            [&](const QString&, const QString&, const QString&) { appliedAt.push_back(clock.elapsed()); });
        std::vector<std::string> lines;
        for (int i = 0; i < 20; ++i)
            lines.push_back(item("RM-70" + std::to_string(10 + i), "Bolt"));
        QVERIFY(h.ingest(lines));
        QVERIFY(h.start());
        QVERIFY(h.runUntilIdle(20000));
        QCOMPARE(appliedAt.size(), size_t(20));
        // The 10 calls after the burst need at least 10 / 5 per second = 2 s (lower bound only: a slow
        // machine may take longer, never shorter).
        QVERIFY2(appliedAt.back() - appliedAt.front() >= 1700,
            qPrintable(QStringLiteral("20 calls in %1 ms").arg(appliedAt.back() - appliedAt.front())));
    }

    void retryAfterFromTheTargetIsHonoured()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        // The target allows 2 requests and refills one per second; it answers 429 with Retry-After: 1.
        auto* erp = h.addTarget("ERP", { { "rate_limit", { { "per_second", 1 }, { "burst", 2 } } } });
        QVERIFY(erp);
        std::vector<std::string> lines;
        for (int i = 0; i < 4; ++i)
            lines.push_back(item("RM-71" + std::to_string(10 + i), "Nut", { "P300" }));
        QVERIFY(h.ingest(lines));
        QVERIFY(h.start());
        QVERIFY(h.runUntilIdle(20000));
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'ERP' AND status = 'acked'")), 4);
        const QStringList limited = column(h.tw.db(),
            QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'delivery_retry'"
                           " AND detail LIKE '%rate_limited%'"));
        QVERIFY2(!limited.isEmpty(), "expected 429 answers");
        // Retry-After: 1 s -> the next attempt is scheduled a second later, not after the 50 ms backoff.
        QCOMPARE(json::parse(limited.first().toStdString()).value("next_attempt_in_ms", 0), 1000);
        for (const char* k : { "RM-7110", "RM-7111", "RM-7112", "RM-7113" })
            QCOMPARE(erp->appliedCount(QStringLiteral("item"), QLatin1String(k)), 1);
    }

    void pausedTargetQueuesUntilResumed()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        auto* qms = h.addTarget("QMS");
        QVERIFY(erp && qms);
        QVERIFY(h.start());
        // Pausing is a steward's (or admin's) action, checked in the core. The steward pauses from a session of
        // their own (on PostgreSQL their own login), not through the running dispatcher: it notices within
        // pauseRecheckMs.
        Workspace& steward = h.tw.as("steward1");
        const auto refused = setTargetPaused(steward, "ERP", true, "steward1", "ERP upgrade weekend");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("steward1")), qPrintable(refused.error()));
        QVERIFY(h.tw.makeAdmin("admin1").isEmpty());
        QVERIFY(grantRole(h.tw.as("admin1"), "admin1", "steward1", Role::Steward, "plant IT").ok());
        QVERIFY(setTargetPaused(steward, "ERP", true, "steward1", "ERP upgrade weekend").ok());
        const auto twice = setTargetPaused(steward, "ERP", true, "steward1", "again");
        QVERIFY2(!twice.ok() && twice.error().contains(QStringLiteral("already paused")), qPrintable(twice.error()));
        const auto unknown = setTargetPaused(steward, "NOPE", true, "steward1", "x");
        QVERIFY2(!unknown.ok() && unknown.error().contains(QStringLiteral("unknown target system 'NOPE'")),
            qPrintable(unknown.error()));
        const auto pausedAtDispatcher = [&h] {
            for (const auto& t : h.dispatcher->targets())
                if (t.id == "ERP")
                    return t.paused;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(pausedAtDispatcher(), 5000);
        QVERIFY(h.ingest({ item("FG-8000", "Compressor") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-8000"), QStringLiteral("QMS"), 1),
            QStringLiteral("acked"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-8000"), QStringLiteral("ERP"), 1),
            QStringLiteral("pending"));
        QCOMPARE(erp->requestsReceived(), 0);
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"),
                     QStringLiteral("action = 'target.pause' AND subject = 'target/ERP'"
                                    " AND reason = 'ERP upgrade weekend' AND actor = 'steward1'")),
            1);
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT paused FROM system WHERE id = 'ERP'")).toInt(), 1);
        QVERIFY(setTargetPaused(steward, "ERP", false, "steward1", "upgrade done").ok());
        QTRY_VERIFY_WITH_TIMEOUT(!pausedAtDispatcher(), 5000);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-8000"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));
    }

    void oneTargetDownDoesNotHoldUpTheOthers()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        auto* qms = h.addTarget("QMS");
        auto* mes = h.addTarget("MES-P100");
        QVERIFY(erp && qms && mes);
        mes->goDown();
        DispatcherOptions o = fastOptions();
        o.retryable = { 100, 400, 0.2, 1000 }; // keep retrying for the whole outage
        QVERIFY(h.start(o));
        std::vector<std::string> lines;
        for (int i = 0; i < 30; ++i)
            lines.push_back(item("FG-9" + std::to_string(100 + i), "Pump"));
        QVERIFY(h.ingest(lines));
        // While MES is down, ERP and QMS get everything.
        QTRY_VERIFY_WITH_TIMEOUT(count(h.tw.db(), QStringLiteral("delivery"),
                                     QStringLiteral("target_id IN ('ERP','QMS') AND status = 'acked'"))
                == 60,
            10000);
        QCOMPARE(mes->totalApplied(), 0);
        QVERIFY(count(h.tw.db(), QStringLiteral("delivery"),
                    QStringLiteral("target_id = 'MES-P100' AND status IN"
                                   " ('retry_wait','in_flight','pending','blocked_by_outage')"))
            == 30);
        const qint64 worstHealthy
            = scalar(h.tw.db(), QStringLiteral("SELECT max(latency_ms) FROM delivery WHERE target_id IN ('ERP','QMS')"))
                  .toLongLong();
        // MES recovers: its backlog drains, nothing lost, nothing applied twice.
        QVERIFY(mes->goUp().ok());
        QVERIFY(h.runUntilIdle(20000));
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("status = 'acked'")), 90);
        for (int i = 0; i < 30; ++i) {
            const QString key = QStringLiteral("FG-9%1").arg(100 + i);
            QCOMPARE(mes->appliedCount(QStringLiteral("item"), key), 1);
            QCOMPARE(erp->appliedCount(QStringLiteral("item"), key), 1);
            QCOMPARE(qms->appliedCount(QStringLiteral("item"), key), 1);
        }
        // The healthy targets' worst end-to-end latency did not wait for the outage (it lasted seconds).
        const qint64 mesWorst
            = scalar(h.tw.db(), QStringLiteral("SELECT max(latency_ms) FROM delivery WHERE target_id = 'MES-P100'"))
                  .toLongLong();
        QVERIFY2(worstHealthy < mesWorst,
            qPrintable(QStringLiteral("healthy worst %1 ms, MES worst %2 ms").arg(worstHealthy).arg(mesWorst)));
        verifyCounters(h.tw.db());
    }

    void scheduledBatchGoesAsOneCallInItsWindow()
    {
        // ANALYTICS subscribes to items as a nightly batch (window 01:00-03:00 UTC). Changes received inside the
        // window are due at once and go to the target as one batch call.
        Harness h;
        QVERIFY(h.tw.ok());
        auto* analytics = h.addTarget("ANALYTICS", json::object(), { { "batch_path", "/api/{domain}/_batch" } });
        QVERIFY(analytics);
        // Yesterday's window: received in it, so due then, which is past at any time of day the test runs (today's
        // 01:30 is still ahead between midnight and 01:30 UTC, and nothing would be due).
        const QDateTime inWindow(QDateTime::currentDateTimeUtc().date().addDays(-1), QTime(1, 30), Qt::UTC);
        std::vector<std::string> lines;
        for (int i = 0; i < 6; ++i)
            lines.push_back(item("RM-77" + std::to_string(10 + i), "Washer", { "P300" }));
        QVERIFY(h.ingest(lines, inWindow.toMSecsSinceEpoch()));
        QVERIFY(h.start());
        QVERIFY(h.runUntilIdle());
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"),
                     QStringLiteral("target_id = 'ANALYTICS' AND status = 'acked'")),
            6);
        QCOMPARE(analytics->requestsReceived(), 1); // one call carried all six
        QCOMPARE(analytics->totalApplied(), 6);
        QCOMPARE(h.dispatcher->stats().calls, 1);
    }

    void restartRecoversInFlightDeliveries()
    {
        // In-process variant of crash recovery (the child-process kill is in e2e/tst_crash_recovery): rows left
        // in_flight are sent again with the same idempotency key and the target applies them once.
        Harness h;
        QVERIFY(h.tw.ok());
        auto* erp = h.addTarget("ERP");
        QVERIFY(erp);
        QVERIFY(h.ingest({ item("FG-9900", "Fan", { "P300" }) }));
        // Simulate a run that sent the delivery (the target applied it) and died before recording the ack.
        const QString key = h.idempotencyKey(QStringLiteral("FG-9900"), QStringLiteral("ERP"), 1);
        {
            OutboundDelivery d;
            d.domain = "item";
            d.key = "FG-9900";
            d.revisionNo = 1;
            d.idempotencyKey = key.toStdString();
            d.payload = { { "description", "Fan" } };
            bool answered = false;
            h.connectors["ERP"]->send(d, [&](const DeliveryOutcome&) { answered = true; });
            QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);
            QCOMPARE(erp->appliedCount(QStringLiteral("item"), QStringLiteral("FG-9900")), 1);
        }
        {
            QSqlQuery q(h.tw.db());
            QVERIFY(q.exec(
                QStringLiteral("UPDATE delivery SET status = 'in_flight', attempts = 1 WHERE target_id = 'ERP'")));
            QVERIFY(q.exec(QStringLiteral(
                "UPDATE delivery_counter SET n = n - 1 WHERE target_id = 'ERP' AND status = 'pending'")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO delivery_counter VALUES ('ERP','item','in_flight',1)")));
        }
        QVERIFY(h.start());
        QCOMPARE(h.dispatcher->stats().recovered, 1);
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-9900"), QStringLiteral("ERP"), 1),
            QStringLiteral("acked"));
        QCOMPARE(erp->appliedKeys(QStringLiteral("item"), QStringLiteral("FG-9900")), QStringList { key });
        QCOMPARE(count(h.tw.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'delivery_recovered'")), 1);
        verifyCounters(h.tw.db());
    }
};

QTEST_GUILESS_MAIN(TestDispatcher)
#include "tst_dispatcher.moc"
