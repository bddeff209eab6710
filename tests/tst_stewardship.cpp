// Corrections (steward revisions on behalf of the owner, payload corrections of failed deliveries), four-eyes on
// critical attribute groups, bulk replay jobs with progress and mixed outcomes, replay dry-run diffs and
// fix-once rules — against real simulated targets on 127.0.0.1 where deliveries are involved.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "contract/contract.h"
#include "dispatcherharness.h"
#include "steward/corrections.h"
#include "steward/fixrules.h"
#include "steward/replayjob.h"
#include "steward/rolegrants.h"
#include "workspacefixture.h"

#include <QTest>

#include <map>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

// admin ada; stewards sam and sue; approver abe; amy is steward and approver; auditor aud; vic has no role.
bool grantTeam(TempWorkspace& tw)
{
    if (!tw.makeAdmin("ada").isEmpty())
        return false;
    for (const auto& [login, role] : { std::pair { "sam", Role::Steward }, std::pair { "sue", Role::Steward },
             std::pair { "abe", Role::Approver }, std::pair { "amy", Role::Steward },
             std::pair { "amy", Role::Approver }, std::pair { "aud", Role::Auditor } })
        if (!grantRole(tw.as("ada"), "ada", login, role, "team").ok())
            return false;
    return true;
}

// Each person's desk on a workspace: the corrections API, bulk replay and fix rules on that person's own
// connection and pipeline (on PostgreSQL their own login, TempWorkspace::as).
struct Desk
{
    TempWorkspace* tw = nullptr;
    ContractSet contracts;
    struct Tools
    {
        std::unique_ptr<Corrections> corrections;
        std::unique_ptr<ReplayJobs> jobs;
        std::unique_ptr<FixRules> rules;
    };
    std::map<std::string, Tools, std::less<>> people;

    bool open(TempWorkspace& w)
    {
        auto c = ContractSet::builtin(*w.config().model, *w.config().landscape);
        if (!c)
            return false;
        tw = &w;
        contracts = std::move(c).value();
        return true;
    }
    Tools& of(const std::string& login)
    {
        Tools& t = people[login];
        if (!t.corrections) {
            t.corrections = std::make_unique<Corrections>(tw->as(login), tw->pipelineAs(login), contracts);
            t.jobs = std::make_unique<ReplayJobs>(tw->as(login), contracts, tw->config().model->units());
            t.rules = std::make_unique<FixRules>(tw->as(login), *t.corrections);
        }
        return t;
    }
    Corrections& as(const std::string& login) { return *of(login).corrections; }
    ReplayJobs& jobs(const std::string& login) { return *of(login).jobs; }
    FixRules& rules(const std::string& login) { return *of(login).rules; }
};

// An attribute of an item's current state, as text (a string as is, anything else as JSON).
QString stateOf(TempWorkspace& tw, const QString& key, const QString& attribute)
{
    const QString state = scalar(tw.db(),
        QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                       " WHERE o.domain = 'item' AND o.key = '%1'")
            .arg(key))
                              .toString();
    const json j = json::parse(state.toStdString(), nullptr, false);
    if (!j.is_object() || !j.contains(attribute.toStdString()))
        return {};
    const json& v = j[attribute.toStdString()];
    return QString::fromStdString(v.is_string() ? v.get<std::string>() : v.dump());
}

qint64 revisionNo(TempWorkspace& tw, const QString& key)
{
    return scalar(
        tw.db(), QStringLiteral("SELECT revision_no FROM object WHERE domain = 'item' AND key = '%1'").arg(key))
        .toLongLong();
}

} // namespace

class TestStewardship : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nonCriticalCorrectionIsAStewardRevisionOnBehalfOfTheOwner()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(
            tw.ingest({ mdsync::test::event("PLM", "item", "FG-1", releasedItem("Pump housing", { "P100" })) }).ok());
        Desk d;
        QVERIFY(d.open(tw));
        MDSYNC_REQUIRE_OK(r,
            d.as("sam").correctAttributes(
                "sam", "item", "FG-1", { { "description", "Pump housing, cast iron" } }, "typo in PLM"));
        QCOMPARE(qs(r->status), QStringLiteral("applied"));
        QCOMPARE(qs(r->onBehalfOf), QStringLiteral("PLM"));
        QCOMPARE(r->revisionNo, 2);
        QVERIFY(r->criticalGroups.empty());
        QCOMPARE(dumped(r->before["description"]), dumped(json("Pump housing")));
        // The revision is recorded as PLM's (the owner), supplied by the steward.
        QCOMPARE(
            scalar(tw.db(), QStringLiteral("SELECT source_system || '/' || actor FROM revision WHERE revision_no = 2"))
                .toString(),
            QStringLiteral("PLM/sam"));
        QCOMPARE(stateOf(tw, QStringLiteral("FG-1"), QStringLiteral("description")),
            QStringLiteral("Pump housing, cast iron"));
        QCOMPARE(scalar(tw.db(), QStringLiteral("SELECT status || '/' || revision_id FROM correction")).toString(),
            scalar(tw.db(), QStringLiteral("SELECT 'applied/' || id FROM revision WHERE revision_no = 2")).toString());
        // Queued for the subscribers like any change, never back to the owner.
        QVERIFY(count(tw.db(), QStringLiteral("delivery"), QStringLiteral("revision_no = 2")) >= 3);
        QCOMPARE(
            count(tw.db(), QStringLiteral("delivery"), QStringLiteral("revision_no = 2 AND target_id = 'PLM'")), 0);
        QCOMPARE(
            column(tw.db(), QStringLiteral("SELECT kind FROM lineage_event WHERE kind LIKE 'correct%' ORDER BY id")),
            (QStringList { QStringLiteral("correction_proposed"), QStringLiteral("corrected") }));
        QCOMPARE(count(tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'correction.propose'")), 1);
        QVERIFY(AuditLog(tw.db()).verify().ok);
    }

    void criticalCorrectionWaitsForADifferentApprover()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FG-2", releasedItem("Valve", { "P100" })),
                              mdsync::test::event("PLM", "item", "FG-3", releasedItem("Seal", { "P100" })) })
                    .ok());
        Desk d;
        QVERIFY(d.open(tw));
        MDSYNC_REQUIRE_OK(r,
            d.as("sam").correctAttributes(
                "sam", "item", "FG-2", { { "lifecycle_status", "blocked" } }, "quality hold from the plant"));
        QCOMPARE(qs(r->status), QStringLiteral("awaiting_approval"));
        QCOMPARE(r->criticalGroups, std::vector<std::string> { "lifecycle" });
        QCOMPARE(revisionNo(tw, QStringLiteral("FG-2")), 1); // nothing applied yet

        // A steward is not an approver; an approver who made the correction cannot approve it either.
        auto bySteward = d.as("sue").approve("sue", r->id, "ok");
        QVERIFY(!bySteward.ok());
        QVERIFY2(bySteward.error().contains(QStringLiteral("may not")), qPrintable(bySteward.error()));
        MDSYNC_REQUIRE_OK(
            own, d.as("amy").correctAttributes("amy", "item", "FG-3", { { "lifecycle_status", "obsolete" } }, "EOL"));
        auto self = d.as("amy").approve("amy", own->id, "mine");
        QVERIFY(!self.ok());
        QVERIFY2(self.error().contains(QStringLiteral("four-eyes")), qPrintable(self.error()));
        QVERIFY(!d.as("amy").reject("amy", own->id, "changed my mind").ok());

        MDSYNC_REQUIRE_OK(ok, d.as("abe").approve("abe", r->id, "confirmed with the plant"));
        QCOMPARE(qs(ok->status), QStringLiteral("applied"));
        QCOMPARE(ok->revisionNo, 2);
        QCOMPARE(stateOf(tw, QStringLiteral("FG-2"), QStringLiteral("lifecycle_status")), QStringLiteral("blocked"));
        QCOMPARE(scalar(tw.db(),
                     QStringLiteral("SELECT decided_by || '/' || status FROM correction WHERE id = %1").arg(r->id))
                     .toString(),
            QStringLiteral("abe/applied"));
        const auto again = d.as("abe").approve("abe", r->id, "again");
        QVERIFY(!again.ok());
        QVERIFY2(again.error().startsWith(QStringLiteral("correction #%1 was already applied by abe at 20").arg(r->id)),
            qPrintable(again.error()));

        // Reject needs a reason and leaves the object alone.
        QVERIFY(!d.as("abe").reject("abe", own->id, "").ok());
        MDSYNC_REQUIRE_OK(no, d.as("abe").reject("abe", own->id, "FG-3 is still sold"));
        QCOMPARE(qs(no->status), QStringLiteral("rejected"));
        QCOMPARE(revisionNo(tw, QStringLiteral("FG-3")), 1);
        QCOMPARE(column(tw.db(),
                     QStringLiteral("SELECT actor || ':' || action FROM audit_log WHERE action LIKE 'correction.%'"
                                    " ORDER BY seq")),
            (QStringList { QStringLiteral("sam:correction.propose"), QStringLiteral("amy:correction.propose"),
                QStringLiteral("abe:correction.approve"), QStringLiteral("abe:correction.reject") }));
        QVERIFY(AuditLog(tw.db()).verify().ok);
    }

    void invalidCorrectionsAreRefusedAndLeaveNothing()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FG-4", releasedItem("Motor", { "P100" })) }).ok());
        Desk d;
        QVERIFY(d.open(tw));
        const qint64 exceptions = count(tw.db(), QStringLiteral("exception"));
        const qint64 revisions = count(tw.db(), QStringLiteral("revision"));
        const qint64 audit = count(tw.db(), QStringLiteral("audit_log"));
        const struct
        {
            json changes;
            const char* reason;
            const char* expected;
        } cases[] = {
            { { { "colour", "red" } }, "x", "attribute 'colour' is not in the item model" },
            { { { "net_weight", "3 m" } }, "x", "does not validate" },
            { { { "description", "Motor 2" }, { "standard_price", 12.5 } }, "x", "split the correction" },
            { { { "description", "Motor" } }, "x", "nothing to correct" },
            { { { "description", "Motor 3" } }, "", "a reason is required" },
            { json::object(), "x", "no attribute values" },
        };
        for (const auto& c : cases) {
            auto r = d.as("sam").correctAttributes("sam", "item", "FG-4", c.changes, c.reason);
            QVERIFY2(!r.ok(), c.expected);
            QVERIFY2(r.error().contains(QString::fromUtf8(c.expected)), qPrintable(r.error()));
        }
        auto missing = d.as("sam").correctAttributes("sam", "item", "NOPE", { { "description", "x" } }, "x");
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QStringLiteral("no item 'NOPE'")), qPrintable(missing.error()));
        QCOMPARE(count(tw.db(), QStringLiteral("correction")), 0);
        QCOMPARE(count(tw.db(), QStringLiteral("exception")), exceptions);
        QCOMPARE(count(tw.db(), QStringLiteral("revision")), revisions);
        QCOMPARE(count(tw.db(), QStringLiteral("audit_log")), audit);
    }

    void roleRefusals()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FG-5", releasedItem("Gear", { "P100" })) }).ok());
        Desk d;
        QVERIFY(d.open(tw));
        for (const char* who : { "vic", "abe", "aud", "ada" }) {
            auto r = d.as(who).correctAttributes(who, "item", "FG-5", { { "description", "Gear 2" } }, "x");
            QVERIFY2(!r.ok(), who);
            QVERIFY2(r.error().contains(QStringLiteral("may not")), qPrintable(r.error()));
        }
        ReplayFilter f;
        f.target = "WMS-P100";
        auto replay = d.jobs("abe").run("abe", f, "x");
        QVERIFY(!replay.ok());
        QVERIFY2(replay.error().contains(QStringLiteral("may not")), qPrintable(replay.error()));
        QVERIFY(d.jobs("vic").dryRun("vic", f).ok()); // looking is reading
        FixRule rule;
        rule.name = "x";
        rule.scope.target = "WMS-P100";
        rule.field = "storageClass";
        rule.setTo = "AMB";
        rule.reason = "x";
        QVERIFY(!d.rules("aud").apply("aud", rule).ok());
        QVERIFY(!d.jobs("sam").run("sam", ReplayFilter {}, "everything").ok()); // a bulk replay needs a filter
        QCOMPARE(count(tw.db(), QStringLiteral("correction")), 0);
        QCOMPARE(count(tw.db(), QStringLiteral("replay_job")), 0);
        QCOMPARE(count(tw.db(), QStringLiteral("fix_rule")), 0);
    }

    void staleCorrectionIsRefusedAtApproval()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FG-6", releasedItem("Shaft", { "P100" })) }).ok());
        Desk d;
        QVERIFY(d.open(tw));
        MDSYNC_REQUIRE_OK(
            r, d.as("sam").correctAttributes("sam", "item", "FG-6", { { "lifecycle_status", "blocked" } }, "hold"));
        json later = releasedItem("Shaft", { "P100" });
        later["lifecycle_status"] = "obsolete";
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FG-6", later) }).ok());
        auto stale = d.as("abe").approve("abe", r->id, "ok");
        QVERIFY(!stale.ok());
        QVERIFY2(stale.error().contains(QStringLiteral("stale")), qPrintable(stale.error()));
        QCOMPARE(stateOf(tw, QStringLiteral("FG-6"), QStringLiteral("lifecycle_status")), QStringLiteral("obsolete"));
    }

    void inboundExceptionIsResolvedByItsCorrection()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        json bad = releasedItem("Bracket", { "P100" });
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "RM-1", bad) }).ok());
        bad["net_weight"] = "3 m";
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "RM-1", bad) }).ok());
        const qint64 ex
            = scalar(tw.db(), QStringLiteral("SELECT id FROM exception WHERE category = 'validation'")).toLongLong();
        QVERIFY(ex > 0);
        Desk d;
        QVERIFY(d.open(tw));
        MDSYNC_REQUIRE_OK(r,
            d.as("sam").correctAttributes("sam", "item", "RM-1",
                { { "net_weight", { { "value", 3.2 }, { "unit", "kg" } } } }, "weight confirmed by the plant", ex));
        QCOMPARE(qs(r->status), QStringLiteral("applied"));
        QCOMPARE(scalar(tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(ex)).toString(),
            QStringLiteral("resolved"));
    }

    void payloadRuleDryRunAndBulkReplayWithMixedOutcomes()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        QVERIFY(grantTeam(h.tw));
        // The WMS takes active and inactive items only, and its unit codes are EA, KG, ... while the contract maps
        // EA to PCS (the old WMS release's code).
        auto* wms = h.addTarget("WMS-P100",
            { { "rules",
                { { "item",
                    { { "accepted",
                        { { "status", { "ACTIVE", "INACTIVE" } },
                            { "baseUnit", { "EA", "KG", "G", "M", "MM", "L", "PR" } } } } } } } } });
        QVERIFY(wms);
        QVERIFY(h.start(fastOptions(), true));
        json each = releasedItem("Pump", { "P100" });
        json blocked = releasedItem("Old pump", { "P100" });
        blocked["base_uom"] = "kg";
        blocked["lifecycle_status"] = "blocked";
        each["description"] = "Pump A";
        std::vector<std::string> events { mdsync::test::event("PLM", "item", "FG-10", each) };
        each["description"] = "Valve B";
        events.push_back(mdsync::test::event("PLM", "item", "FG-11", each));
        events.push_back(mdsync::test::event("PLM", "item", "FG-12", blocked));
        blocked["description"] = "Old seal";
        events.push_back(mdsync::test::event("PLM", "item", "FG-13", blocked));
        QVERIFY(h.ingest(events));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("target_id = 'WMS-P100' AND message LIKE '%baseUnit%' AND status = 'open'")),
            2);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"),
                     QStringLiteral("target_id = 'WMS-P100' AND message LIKE '%BLOCKED%' AND status = 'open'")),
            2);
        Desk d;
        QVERIFY(d.open(h.tw));
        ReplayFilter wmsOnly;
        wmsOnly.target = "WMS-P100";

        // Dry run before the fix: the same payloads would go again.
        MDSYNC_REQUIRE_OK(before, d.jobs("vic").dryRun("vic", wmsOnly));
        QCOMPARE(before->total, 4);
        for (const auto& i : before->items) {
            QCOMPARE(qs(i.result), QStringLiteral("would_send"));
            QCOMPARE(i.diff.size(), i.payload.size()); // never acknowledged: every field is new
        }

        // Fix once: baseUnit PCS -> EA for every WMS delivery it failed on. Preview, then apply.
        FixRule rule;
        rule.name = "WMS unit codes";
        rule.scope.target = "WMS-P100";
        rule.scope.errorText = "baseUnit";
        rule.field = "baseUnit";
        rule.equals = "PCS";
        rule.setTo = "EA";
        rule.reason = "WMS 7.2 uses ISO unit codes";
        MDSYNC_REQUIRE_OK(preview, d.rules("sam").preview("sam", rule));
        QCOMPARE(preview->matches.size(), size_t(2));
        QCOMPARE(dumped(preview->matches[0].before), dumped((json { { "baseUnit", "PCS" } })));
        QCOMPARE(count(h.tw.db(), QStringLiteral("correction")), 0); // a preview changes nothing
        MDSYNC_REQUIRE_OK(applied, d.rules("sam").apply("sam", rule));
        QCOMPARE(applied->applied, 2);
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("payload_override IS NOT NULL")), 2);
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("correction"), QStringLiteral("rule_id = %1").arg(applied->ruleId)), 2);
        // A field the contract does not mark editable is refused.
        const qint64 blockedEx = scalar(
            h.tw.db(), QStringLiteral("SELECT id FROM exception WHERE message LIKE '%BLOCKED%' ORDER BY id LIMIT 1"))
                                     .toLongLong();
        auto notEditable = d.as("sam").correctPayload("sam", blockedEx, { { "status", "ACTIVE" } }, "x");
        QVERIFY(!notEditable.ok());
        QVERIFY2(notEditable.error().contains(QStringLiteral("not editable")), qPrintable(notEditable.error()));

        // The dry run now shows the corrected payload and its difference to what WMS last acknowledged (nothing).
        MDSYNC_REQUIRE_OK(after, d.jobs("sam").dryRun("sam", wmsOnly));
        for (const auto& i : after->items) {
            if (i.key != "FG-10")
                continue;
            QCOMPARE(qs(i.result), QStringLiteral("would_send"));
            QCOMPARE(dumped(i.payload["baseUnit"]), dumped(json("EA")));
            QCOMPARE(i.lastAckedRevisionNo, 0);
        }

        // Bulk replay: all four go again; the corrected two are acked, the blocked two fail again.
        std::vector<std::int64_t> progress;
        MDSYNC_REQUIRE_OK(job,
            d.jobs("sam").run("sam", wmsOnly, "WMS storage classes fixed",
                [&](std::int64_t done, std::int64_t total, const ReplayItem&) {
                    progress.push_back(done * 10 + total);
                    return true;
                }));
        QCOMPARE(job->total, 4);
        QCOMPARE(job->succeeded, 4);
        QCOMPARE(progress, (std::vector<std::int64_t> { 14, 24, 34, 44 }));
        QCOMPARE(scalar(h.tw.db(),
                     QStringLiteral("SELECT status || ' ' || done FROM replay_job WHERE id = %1").arg(job->jobId))
                     .toString(),
            QStringLiteral("done 4"));
        h.dispatcher->poke();
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-10"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("acked"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-11"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("acked"));
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-12"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("failed"));
        const auto fg10 = wms->record(QStringLiteral("item"), QStringLiteral("FG-10"));
        QVERIFY(fg10.has_value());
        QCOMPARE(fg10.value_or(SimulatedRecord {}).payload.value("baseUnit", ""), std::string("EA"));

        // A cancelled job stops after the item the callback refused to go on from.
        MDSYNC_REQUIRE_OK(cancelled,
            d.jobs("sam").run(
                "sam", wmsOnly, "retry blocked", [](std::int64_t, std::int64_t, const ReplayItem&) { return false; }));
        QVERIFY(cancelled->cancelled);
        QCOMPARE(cancelled->items.size(), size_t(1));
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT status FROM replay_job WHERE id = %1").arg(cancelled->jobId))
                     .toString(),
            QStringLiteral("cancelled"));
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'replay.job'")), 2);
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'exception.replay'")), 5);
        verifyCounters(h.tw.db());
        QVERIFY(AuditLog(h.tw.db()).verify().ok);
    }

    void attributeRuleReachesTheOwningSystem()
    {
        // QMS owns item.inspection_plan and, after an upgrade, refuses items without one. A steward's attribute rule
        // sets it on QMS's behalf: QMS did not send that value, so the steward revision must be delivered to QMS
        // (it was not: "never back to the source" skipped it) and the refusals must close.
        Harness h;
        QVERIFY(h.tw.ok());
        QVERIFY(grantTeam(h.tw));
        auto* qms = h.addTarget("QMS", { { "rules", { { "item", { { "required", { "inspection_plan" } } } } } } });
        QVERIFY(qms);
        QVERIFY(h.start());
        json a = releasedItem("Pump", { "P100" });
        QVERIFY(h.ingest({ mdsync::test::event("PLM", "item", "FG-20", a) }));
        a["description"] = "Valve";
        QVERIFY(h.ingest({ mdsync::test::event("PLM", "item", "FG-21", a) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("target_id = 'QMS' AND status = 'open'")), 2);

        Desk d;
        QVERIFY(d.open(h.tw));
        FixRule rule;
        rule.name = "default inspection plan";
        rule.kind = "attribute";
        rule.scope.target = "QMS";
        rule.field = "inspection_plan";
        rule.setTo = "IP-STD-01";
        rule.reason = "QMS 5 requires a plan";
        MDSYNC_REQUIRE_OK(applied, d.rules("sam").apply("sam", rule));
        QCOMPARE(applied->applied, 2);
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("delivery"), QStringLiteral("target_id = 'QMS' AND revision_no = 2")), 2);
        h.dispatcher->poke();
        QVERIFY(h.runUntilIdle());
        for (const char* key : { "FG-20", "FG-21" }) {
            QCOMPARE(h.status(QStringLiteral("item"), QLatin1String(key), QStringLiteral("QMS"), 2),
                QStringLiteral("acked"));
            QCOMPARE(qms->appliedCount(QStringLiteral("item"), QLatin1String(key)), 1);
        }
        QCOMPARE(
            count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("target_id = 'QMS' AND status = 'open'")), 0);
        verifyCounters(h.tw.db());
    }

    void dryRunDiffsAgainstTheLastAcknowledgedPayload()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        QVERIFY(grantTeam(h.tw));
        json strict = { { "rules", { { "item", { { "accepted", { { "status", { "ACTIVE", "INACTIVE" } } } } } } } } };
        QVERIFY(h.addTarget("WMS-P100", strict));
        QVERIFY(h.start(fastOptions(), true));
        json a = releasedItem("Fan", { "P100" });
        a["storage_conditions"] = "cool";
        QVERIFY(h.ingest({ mdsync::test::event("PLM", "item", "FG-20", a) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-20"), QStringLiteral("WMS-P100"), 1),
            QStringLiteral("acked"));
        a["description"] = "Fan 230V";
        a["lifecycle_status"] = "blocked";
        QVERIFY(h.ingest({ mdsync::test::event("PLM", "item", "FG-20", a) }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-20"), QStringLiteral("WMS-P100"), 2),
            QStringLiteral("failed"));
        Desk d;
        QVERIFY(d.open(h.tw));
        ReplayFilter f;
        f.target = "WMS-P100";
        f.errorText = "STATUS"; // case-insensitive, in the target's message
        MDSYNC_REQUIRE_OK(dry, d.jobs("sam").dryRun("sam", f));
        QCOMPARE(dry->total, 1);
        const ReplayItem& i = dry->items.front();
        QCOMPARE(i.lastAckedRevisionNo, 1);
        QCOMPARE(dumped(i.diff),
            dumped((json {
                { { "field", "shortText" }, { "change", "changed" }, { "before", "Fan" }, { "after", "Fan 230V" } },
                { { "field", "status" }, { "change", "changed" }, { "before", "ACTIVE" }, { "after", "BLOCKED" } } })));
        f.errorText = "no such text";
        MDSYNC_REQUIRE_OK(none, d.jobs("sam").dryRun("sam", f));
        QCOMPARE(none->total, 0);
        QVERIFY(!ReplayFilter::parse("target").ok());
        QVERIFY(!ReplayFilter::parse("older-than=soon").ok());
        MDSYNC_REQUIRE_OK(parsed, ReplayFilter::parse("target=WMS-P100,older-than=2h,id=4+5"));
        QCOMPARE(parsed->olderThanMs, 2 * 3600 * 1000);
        QCOMPARE(parsed->exceptionIds, (std::vector<std::int64_t> { 4, 5 }));
    }
};

QTEST_GUILESS_MAIN(TestStewardship)
#include "tst_stewardship.moc"
