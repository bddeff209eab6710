// Duplicate decisions (issue 18 item 1; docs/DUPLICATES.md "Deciding a suspect", "Merging"). "Not a duplicate": a
// steward's decision on a duplicate suspect pair is remembered, closes the pair's suspects, is audited and in both
// objects' lineage, and the duplicate check never raises the pair again (a different pair still is). Merge: four-eyes
// in a critical domain, references redirected, the merged object retired, its key an alias for later events.
// Refusals say why. On SQLite and PostgreSQL (.pg).

#include "access/roles.h"
#include "audit/auditlog.h"
#include "steward/duplicatemerge.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "store/duplicatedecisions.h"
#include "sync/duplicateindex.h"
#include "workspacefixture.h"

#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

std::string bolt(const std::string& key, const std::string& description, const std::string& op = "upsert")
{
    return test::event("PLM", "item", key,
        op == "delete" ? json::object()
                       : json { { "description", description }, { "item_type", "ROH" }, { "base_uom", "EA" } },
        {}, op);
}

// A workspace with admin "ada", steward "sam", approver "abe" (viewer "vic" has nothing granted) and one suspect:
// FA-2 created looking like FA-1.
struct Fixture
{
    TempWorkspace tw;
    std::int64_t suspectId = 0;

    bool setUp()
    {
        if (!tw.ok())
            return false;
        if (const QString e = tw.makeTeam("ada", { { "sam", Role::Steward }, { "abe", Role::Approver } });
            !e.isEmpty()) {
            qWarning("%s", qPrintable(e));
            return false;
        }
        auto s = tw.ingest({ bolt("FA-1", "Hex nut M10 DIN 934 zinc"), bolt("FA-2", "Hex nut M10 DIN934 zinc") });
        if (!s || s->duplicateSuspects != 1) {
            qWarning("ingest: %s", s ? "no suspect" : qPrintable(s.error()));
            return false;
        }
        suspectId = openSuspect("FA-2");
        return suspectId > 0;
    }
    std::int64_t openSuspect(const char* key)
    {
        return scalar(tw.db(),
            QStringLiteral("SELECT id FROM exception WHERE category = 'duplicate_suspect' AND object_key = '%1'"
                           " AND status = 'open'")
                .arg(QLatin1String(key)))
            .toLongLong();
    }
    qint64 suspects()
    {
        return count(tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'duplicate_suspect'"));
    }
    ExceptionActions actionsOf(const std::string& who) { return ExceptionActions(tw.as(who)); }
    DuplicateMerge mergerOf(const std::string& who) { return DuplicateMerge(tw.as(who), tw.pipelineAs(who)); }
};

#define MDSYNC_FIXTURE(f)                                                                                              \
    Fixture f;                                                                                                         \
    QVERIFY2(f.setUp(), qPrintable(f.tw.error()))

} // namespace

class TestDuplicateDecisions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whoMayDecide()
    {
        QVERIFY(allows(Role::Steward, Action::DecideDuplicate));
        QVERIFY(allows(Role::Admin, Action::DecideDuplicate));
        QVERIFY(!allows(Role::Approver, Action::DecideDuplicate));
        QVERIFY(!allows(Role::Auditor, Action::DecideDuplicate));
        QVERIFY(!allows(Role::Viewer, Action::DecideDuplicate));
    }

    void dismissedPairIsNeverRaisedAgain()
    {
        MDSYNC_FIXTURE(f);
        const qint64 auditBefore = count(f.tw.db(), QStringLiteral("audit_log"));
        MDSYNC_REQUIRE_OK(ok1,
            f.actionsOf("sam").dismissDuplicate("sam", f.suspectId, "different thread pitch, checked the drawing"));

        // Remembered for the pair (low, high), the suspect resolved, one audit entry, lineage on both objects.
        const std::int64_t a
            = scalar(f.tw.db(), QStringLiteral("SELECT id FROM object WHERE key = 'FA-1'")).toLongLong();
        const std::int64_t b
            = scalar(f.tw.db(), QStringLiteral("SELECT id FROM object WHERE key = 'FA-2'")).toLongLong();
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT domain || ' ' || object_low || ' ' || object_high || ' ' || decision || ' '"
                                    " || actor || ' ' || reason FROM duplicate_decision")),
            QStringList { QStringLiteral("item %1 %2 not_duplicate sam different thread pitch, checked the drawing")
                              .arg(std::min(a, b))
                              .arg(std::max(a, b)) });
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(f.suspectId)).toString(),
            QStringLiteral("resolved"));
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log")), auditBefore + 1);
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT action || ' ' || subject || ' ' || reason FROM audit_log ORDER BY seq DESC"
                                    " LIMIT 1")),
            QStringList { QStringLiteral(
                "duplicate.dismiss item/FA-1 <> item/FA-2 different thread pitch, checked the drawing") });
        QVERIFY(scalar(f.tw.db(), QStringLiteral("SELECT after FROM audit_log ORDER BY seq DESC LIMIT 1"))
                    .toString()
                    .contains(QStringLiteral("\"reason_code\":\"not_a_duplicate\"")));
        QCOMPARE(
            column(f.tw.db(),
                QStringLiteral("SELECT object_key || ' ' || actor FROM lineage_event WHERE kind = 'duplicate.dismiss'"
                               " ORDER BY object_key")),
            (QStringList { QStringLiteral("FA-1 sam"), QStringLiteral("FA-2 sam") }));
        QCOMPARE(count(f.tw.db(), QStringLiteral("exception_counter"),
                     QStringLiteral("category = 'duplicate_suspect' AND status = 'resolved' AND n = 1")),
            1);

        // The same pipeline (which loaded the decisions before there were any) meets the pair again: FA-2 deleted
        // and created anew looks like FA-1 as before, and is not raised.
        MDSYNC_REQUIRE_OK(s1, f.tw.ingest({ bolt("FA-2", {}, "delete") }));
        MDSYNC_REQUIRE_OK(s2, f.tw.ingest({ bolt("FA-2", "Hex nut M10 DIN934 zinc") }));
        QCOMPARE(s2->revisions, 1);
        QCOMPARE(s2->duplicateSuspects, 0);
        QCOMPARE(f.suspects(), 1);
        // A pipeline started afterwards (the next `mdsyncctl run`) does not raise it either.
        IngestPipeline second(f.tw.ws(), f.tw.config());
        MDSYNC_REQUIRE_OK(s3, second.ingestLines({ bolt("FA-2", {}, "delete") }, {}));
        MDSYNC_REQUIRE_OK(s4, second.ingestLines({ bolt("FA-2", "Hex nut M10 DIN 934 zinc") }, {}));
        QCOMPARE(s4->duplicateSuspects, 0);

        // A different pair still is: FA-3 looks like FA-1 (or FA-2).
        MDSYNC_REQUIRE_OK(s5, f.tw.ingest({ bolt("FA-3", "Hex nut M10 DIN 934 zinc plated") }));
        QCOMPARE(s5->duplicateSuspects, 1);
        QVERIFY(f.openSuspect("FA-3") > 0);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void nextBestCandidateIsTaken()
    {
        // FA-2 and FA-1 are dismissed; FA-2 created anew is compared with FA-3 instead (the next best candidate).
        MDSYNC_FIXTURE(f);
        MDSYNC_REQUIRE_OK(ok2, f.actionsOf("sam").dismissDuplicate("sam", f.suspectId, "different parts"));
        MDSYNC_REQUIRE_OK(s1, f.tw.ingest({ bolt("FA-2", {}, "delete") }));
        MDSYNC_REQUIRE_OK(s2, f.tw.ingest({ bolt("FA-3", "Hex nut M10 DIN 934 zinc") })); // looks like FA-1
        QCOMPARE(s2->duplicateSuspects, 1);
        MDSYNC_REQUIRE_OK(s3, f.tw.ingest({ bolt("FA-2", "Hex nut M10 DIN934 zinc") }));
        QCOMPARE(s3->duplicateSuspects, 1);
        const std::int64_t again = f.openSuspect("FA-2");
        QVERIFY(again > 0);
        QVERIFY2(scalar(f.tw.db(), QStringLiteral("SELECT message FROM exception WHERE id = %1").arg(again))
                     .toString()
                     .contains(QStringLiteral("duplicate of item 'FA-3'")),
            qPrintable(scalar(f.tw.db(), QStringLiteral("SELECT message FROM exception WHERE id = %1").arg(again))
                           .toString()));
    }

    void dismissByKeysAndAdmin()
    {
        MDSYNC_FIXTURE(f);
        // An admin may decide too; by keys, the open suspect of the pair is resolved with it.
        MDSYNC_REQUIRE_OK(
            ok3, f.actionsOf("ada").dismissDuplicatePair("ada", "item", "FA-2", "FA-1", "two suppliers' parts"));
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(f.suspectId)).toString(),
            QStringLiteral("resolved"));
        auto again = f.actionsOf("ada").dismissDuplicatePair("ada", "item", "FA-1", "FA-2", "again");
        QVERIFY(!again);
        QVERIFY2(
            again.error().contains(QStringLiteral("already decided not duplicates by ada")), qPrintable(again.error()));
        auto none = f.actionsOf("ada").dismissDuplicatePair("ada", "item", "FA-1", "NOPE", "why");
        QVERIFY(!none);
        QVERIFY2(none.error().contains(QStringLiteral("there is no item 'NOPE'")), qPrintable(none.error()));
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void refusals()
    {
        MDSYNC_FIXTURE(f);
        const auto refused
            = [&f](const std::string& who, std::int64_t id, const std::string& reason, const QString& expected) {
                  auto r = f.actionsOf(who).dismissDuplicate(who, id, reason);
                  if (r)
                      return QStringLiteral("accepted");
                  return r.error().contains(expected) ? QString() : r.error();
              };
        QCOMPARE(refused("sam", f.suspectId, "", QStringLiteral("a reason is required")), QString());
        QCOMPARE(refused("vic", f.suspectId, "why", QStringLiteral("vic")), QString());
        QCOMPARE(refused("abe", f.suspectId, "why", QStringLiteral("decide duplicate suspects")), QString());
        QCOMPARE(refused("sam", 999999, "why", QStringLiteral("there is no exception #999999")), QString());
        nlohmann::json bad = releasedItem("Bracket", { "P100" });
        bad["net_weight"] = "3 m";
        MDSYNC_REQUIRE_OK(s, f.tw.ingest({ test::event("PLM", "item", "RM-1", bad) }));
        const std::int64_t validation
            = scalar(f.tw.db(), QStringLiteral("SELECT id FROM exception WHERE category = 'validation'")).toLongLong();
        QCOMPARE(
            refused("sam", validation, "why", QStringLiteral("is a validation exception, not a duplicate_suspect")),
            QString());
        // A held supplier: nothing was created, there is no pair.
        MDSYNC_REQUIRE_OK(h,
            f.tw.ingest({ test::event("SUPPLIER-PORTAL", "supplier", "SUP-1001",
                              { { "name", "Schäfer Edelstahl GmbH" }, { "tax_id", "DE811234567" },
                                  { "country", "DE" } }),
                test::event("SUPPLIER-PORTAL", "supplier", "SUP-1007",
                    { { "name", "Schaefer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } }) }));
        const std::int64_t held = f.openSuspect("SUP-1007");
        QVERIFY(held > 0);
        QCOMPARE(refused("sam", held, "why", QStringLiteral("is a held event")), QString());
        // Nothing of the refused attempts was written.
        QCOMPARE(count(f.tw.db(), QStringLiteral("duplicate_decision")), 0);
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'duplicate.dismiss'")), 0);
        MDSYNC_REQUIRE_OK(ok4, f.actionsOf("sam").dismissDuplicate("sam", f.suspectId, "different parts"));
        QCOMPARE(
            refused("sam", f.suspectId, "why", QStringLiteral("already decided not duplicates by sam")), QString());
        QCOMPARE(count(f.tw.db(), QStringLiteral("duplicate_decision")), 1);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void readApiListsAndCompares()
    {
        MDSYNC_FIXTURE(f);
        auto list = read::openDuplicateSuspects(f.tw.db(), QStringLiteral("item"));
        QVERIFY2(list, list ? "" : qPrintable(list.error()));
        QCOMPARE(list->size(), size_t(1));
        const read::DuplicateSuspect& s = list->front();
        QCOMPARE(s.exceptionId, f.suspectId);
        QCOMPARE(s.key, QStringLiteral("FA-2"));
        QCOMPARE(s.suspectKey, QStringLiteral("FA-1"));
        QCOMPARE(s.compared, QStringList { QStringLiteral("description") });
        QVERIFY(s.score >= 0.8);
        QCOMPARE(read::openDuplicateSuspects(f.tw.db(), QStringLiteral("supplier"))->size(), size_t(0));
        MDSYNC_REQUIRE_OK(u, f.tw.ingest({ bolt("FA-1", "Hex nut M10 DIN 934 zinc, bright") }));
        auto c = read::compareDuplicates(
            f.tw.db(), QStringLiteral("item"), QStringLiteral("FA-2"), QStringLiteral("FA-1"));
        QVERIFY2(c, c ? "" : qPrintable(c.error()));
        QCOMPARE(c->a.object.key, QStringLiteral("FA-2"));
        QCOMPARE(c->b.revisions, 2);
        QCOMPARE(c->a.revisions, 1);
        QCOMPARE(c->b.sources, QStringList { QStringLiteral("PLM") });
        QVERIFY(c->attributes.contains(QStringLiteral("description")));
        QVERIFY(!c->decision);
        MDSYNC_REQUIRE_OK(ok5, f.actionsOf("sam").dismissDuplicate("sam", f.suspectId, "different parts"));
        QCOMPARE(read::openDuplicateSuspects(f.tw.db())->size(), size_t(0));
        c = read::compareDuplicates(f.tw.db(), QStringLiteral("item"), QStringLiteral("FA-1"), QStringLiteral("FA-2"));
        QVERIFY(c && c->decision);
        QCOMPARE(c->decision->actor, QStringLiteral("sam"));
    }

    // Merge (docs/DUPLICATES.md "Merging"): in the item domain (critical group lifecycle) a merge waits for an approver
    // other than its proposer; applied, it redirects the BOM that used the merged item, retires the merged item at
    // its targets, resolves the suspect, makes the merged key an alias, and is in lineage and the audit trail.
    void mergeWithFourEyesRedirectsRetiresAndAliases()
    {
        MDSYNC_FIXTURE(f);
        MDSYNC_REQUIRE_OK(parent, f.tw.ingest({ bolt("ASM-1", "Pump housing assembly") }));
        MDSYNC_REQUIRE_OK(b, f.tw.ingest({ bomOf("BOM-1", "ASM-1", { "FA-2", "FA-1" }) }));
        QCOMPARE(b->revisions, 1);
        const std::int64_t fa1 = objectId(f, "item", "FA-1"), fa2 = objectId(f, "item", "FA-2");
        const qint64 auditBefore = count(f.tw.db(), QStringLiteral("audit_log"));

        MergeRequest req;
        req.exceptionId = f.suspectId;
        req.survivorKey = "FA-1";
        req.reason = "same nut: DIN 934 written two ways";
        MDSYNC_REQUIRE_OK(proposed, f.mergerOf("sam").merge("sam", req));
        QCOMPARE(proposed->status, QStringLiteral("awaiting_approval"));
        QCOMPARE(proposed->mergedKey, QStringLiteral("FA-2"));
        QCOMPARE(proposed->survivorKey, QStringLiteral("FA-1"));
        QCOMPARE(deleted(f, "FA-2"), 0); // nothing happens before the approval
        // Four-eyes: the proposer cannot approve; a steward is no approver.
        auto self = f.mergerOf("sam").approve("sam", proposed->id, "ok");
        QVERIFY(!self);
        QVERIFY2(self.error().contains(QStringLiteral("approver")), qPrintable(self.error()));
        // A second proposal of the same merge waits for the first.
        auto twice = f.mergerOf("sam").merge("sam", req);
        QVERIFY(!twice);
        QVERIFY2(twice.error().contains(QStringLiteral("already awaits approval")), qPrintable(twice.error()));

        MDSYNC_REQUIRE_OK(applied, f.mergerOf("abe").approve("abe", proposed->id, "checked the drawings"));
        QCOMPARE(applied->status, QStringLiteral("applied"));
        QCOMPARE(applied->decidedBy, QStringLiteral("abe"));
        // The merged item is retired (a delete revision, queued for its subscribers), the survivor untouched.
        QCOMPARE(deleted(f, "FA-2"), 1);
        QCOMPARE(deleted(f, "FA-1"), 0);
        QCOMPARE(
            scalar(f.tw.db(),
                QStringLiteral("SELECT r.op || ' ' || r.source_system || ' ' || r.actor FROM object o JOIN revision r"
                               " ON r.id = o.current_revision_id WHERE o.id = %1")
                    .arg(fa2))
                .toString(),
            QStringLiteral("delete PLM abe"));
        QVERIFY(count(f.tw.db(), QStringLiteral("delivery d JOIN revision r ON r.id = d.revision_id"),
                    QStringLiteral("r.object_id = %1 AND r.op = 'delete'").arg(fa2))
            >= 1);
        // The BOM references the survivor in a new revision on behalf of PLM, queued for the BOM's subscribers.
        const json bomState = json::parse(scalar(f.tw.db(),
            QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                           " WHERE o.domain = 'bom' AND o.key = 'BOM-1'"))
                                              .toString()
                                              .toStdString());
        QCOMPARE(bomState["components"][0]["component"].get<std::string>(), std::string("FA-1"));
        QCOMPARE(bomState["components"][1]["component"].get<std::string>(), std::string("FA-1"));
        QCOMPARE(scalar(f.tw.db(), QStringLiteral("SELECT revision_no FROM object WHERE key = 'BOM-1'")).toInt(), 2);
        QCOMPARE(
            count(f.tw.db(), QStringLiteral("object_ref"), QStringLiteral("ref_domain = 'item' AND ref_key = 'FA-2'")),
            0);
        QCOMPARE(scalar(f.tw.db(),
                     QStringLiteral("SELECT r.source_system || ' ' || r.actor FROM revision r JOIN object o"
                                    " ON o.id = r.object_id WHERE o.key = 'BOM-1' AND r.revision_no = 2"))
                     .toString(),
            QStringLiteral("PLM abe"));
        QVERIFY(count(f.tw.db(), QStringLiteral("delivery d JOIN object o ON o.id = d.object_id"),
                    QStringLiteral("o.key = 'BOM-1' AND d.revision_no = 2 AND d.target_id = 'ERP'"))
            == 1);
        // The suspect is resolved; lineage on both; the proposal and the approval audited; the chain verifies.
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(f.suspectId)).toString(),
            QStringLiteral("resolved"));
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT object_key || ' ' || kind || ' ' || actor FROM lineage_event"
                                    " WHERE kind LIKE 'merge.%' ORDER BY id")),
            (QStringList { QStringLiteral("FA-1 merge.proposed sam"), QStringLiteral("FA-2 merge.proposed sam"),
                QStringLiteral("FA-1 merge.survivor abe"), QStringLiteral("FA-2 merge.merged_into abe") }));
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT action || ' ' || actor || ' ' || subject FROM audit_log WHERE seq > %1"
                                    " AND action LIKE 'duplicate.%' ORDER BY seq")
                         .arg(auditBefore)),
            (QStringList { QStringLiteral("duplicate.merge sam item/FA-2 -> item/FA-1"),
                QStringLiteral("duplicate.merge.approve abe item/FA-2 -> item/FA-1") }));
        QVERIFY(AuditLog(f.tw.db()).verify().ok);

        // From now on FA-2 stands for FA-1: an upsert for it updates FA-1, a BOM line naming it is redirected, and a
        // delete of FA-2 leaves FA-1 alone. The same pipeline that loaded no aliases before sees them.
        MDSYNC_REQUIRE_OK(later, f.tw.ingest({ bolt("FA-2", "Hex nut M10 DIN 934 zinc flake") }));
        QCOMPARE(later->revisions, 1);
        QCOMPARE(deleted(f, "FA-2"), 1);
        QCOMPARE(scalar(f.tw.db(),
                     QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                                    " WHERE o.id = %1")
                         .arg(fa1))
                     .toString()
                     .contains(QStringLiteral("zinc flake")),
            true);
        QVERIFY(scalar(f.tw.db(),
            QStringLiteral("SELECT detail FROM lineage_event WHERE object_id = %1 ORDER BY id DESC LIMIT 1").arg(fa1))
                    .toString()
                    .contains(QStringLiteral("\"sent_for_merged_key\":\"FA-2\"")));
        MDSYNC_REQUIRE_OK(bom2, f.tw.ingest({ bomOf("BOM-2", "ASM-1", { "FA-2" }) }));
        QCOMPARE(bom2->revisions, 1);
        QCOMPARE(count(f.tw.db(), QStringLiteral("object_ref r JOIN object o ON o.id = r.object_id"),
                     QStringLiteral("o.key = 'BOM-2' AND r.ref_key = 'FA-1'")),
            1);
        const qint64 fa1Revisions
            = count(f.tw.db(), QStringLiteral("revision"), QStringLiteral("object_id = %1").arg(fa1));
        MDSYNC_REQUIRE_OK(del, f.tw.ingest({ bolt("FA-2", {}, "delete") }));
        QCOMPARE(del->revisions, 0);
        QCOMPARE(deleted(f, "FA-1"), 0);
        QCOMPARE(count(f.tw.db(), QStringLiteral("revision"), QStringLiteral("object_id = %1").arg(fa1)), fa1Revisions);
        // The comparison (still possible: it reads history) shows the merge.
        auto c = read::compareDuplicates(
            f.tw.db(), QStringLiteral("item"), QStringLiteral("FA-1"), QStringLiteral("FA-2"));
        QVERIFY2(c, c ? "" : qPrintable(c.error()));
        QCOMPARE(c->merges.size(), size_t(1));
        QCOMPARE(c->merges.front().status, QStringLiteral("applied"));
        QCOMPARE(c->merges.front().proposedBy, QStringLiteral("sam"));
    }

    // A domain without critical groups (location): the merge applies at once; a self-reference (parent_location) and
    // a reference from another domain (asset.location) are redirected, each on behalf of its owner.
    void mergeWithoutCriticalGroupsAppliesAtOnce()
    {
        MDSYNC_FIXTURE(f);
        const auto location = [](const std::string& key, const std::string& name, const std::string& parent) {
            json a = { { "name", name }, { "location_type", "storage_area" }, { "plant", "P100" } };
            if (!parent.empty())
                a["parent_location"] = parent;
            return test::event("ERP", "location", key, a);
        };
        MDSYNC_REQUIRE_OK(s,
            f.tw.ingest({ location("P100-A", "Hall A", ""), location("P100-A2", "Hall A (old)", ""),
                location("P100-A2-01", "Rack 1", "P100-A2"),
                test::event("ERP", "asset", "M-100",
                    { { "description", "Press 200t" }, { "asset_class", "MACHINE" }, { "plant", "P100" },
                        { "location", "P100-A2" } }) }));
        QCOMPARE(s->revisions, 4);
        MergeRequest req;
        req.domain = "location";
        req.keyA = "P100-A2";
        req.keyB = "P100-A";
        req.survivorKey = "P100-A";
        req.reason = "Hall A was entered twice";
        MDSYNC_REQUIRE_OK(m, f.mergerOf("sam").merge("sam", req));
        QCOMPARE(m->status, QStringLiteral("applied"));
        QVERIFY(m->decidedBy.isEmpty());
        QCOMPARE(deleted(f, "P100-A2"), 1);
        const json detail = json::parse(m->detail.toStdString());
        QCOMPARE(detail["redirected"].size(), size_t(2));
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT o.key || ' ' || r.path || ' ' || r.ref_key FROM object_ref r JOIN object o"
                                    " ON o.id = r.object_id WHERE r.ref_domain = 'location' ORDER BY o.key")),
            (QStringList {
                QStringLiteral("M-100 location P100-A"), QStringLiteral("P100-A2-01 parent_location P100-A") }));
        QCOMPARE(column(f.tw.db(),
                     QStringLiteral("SELECT action FROM audit_log WHERE action LIKE 'duplicate.%' ORDER BY seq")),
            QStringList { QStringLiteral("duplicate.merge") });
        // Refusals say why and write nothing.
        const auto refused = [&f](const std::string& who, MergeRequest r, const QString& expected) {
            auto x = f.mergerOf(who).merge(who, r);
            if (x)
                return QStringLiteral("accepted");
            return x.error().contains(expected) ? QString() : x.error();
        };
        req.keyA = "P100-A2-01";
        req.keyB = "P100-A";
        MergeRequest noReason = req;
        noReason.reason.clear();
        QCOMPARE(refused("sam", noReason, QStringLiteral("a reason is required")), QString());
        MergeRequest wrongSurvivor = req;
        wrongSurvivor.survivorKey = "P100-B";
        QCOMPARE(refused("sam", wrongSurvivor, QStringLiteral("is neither")), QString());
        MergeRequest retired = req;
        retired.keyA = "P100-A2";
        QCOMPARE(refused("sam", retired, QStringLiteral("is retired")), QString());
        QCOMPARE(refused("abe", req, QStringLiteral("decide duplicate suspects")), QString());
        QCOMPARE(count(f.tw.db(), QStringLiteral("object_merge")), 1);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    // A rejected merge changes nothing but its record; the reason is required.
    void rejectedMergeChangesNothing()
    {
        MDSYNC_FIXTURE(f);
        MergeRequest req;
        req.exceptionId = f.suspectId;
        req.survivorKey = "FA-2";
        req.reason = "keep the newer number";
        MDSYNC_REQUIRE_OK(p, f.mergerOf("sam").merge("sam", req));
        auto noReason = f.mergerOf("abe").reject("abe", p->id, "");
        QVERIFY(!noReason);
        QVERIFY2(noReason.error().contains(QStringLiteral("a reason is required")), qPrintable(noReason.error()));
        MDSYNC_REQUIRE_OK(r, f.mergerOf("abe").reject("abe", p->id, "FA-1 is the catalogue number"));
        QCOMPARE(r->status, QStringLiteral("rejected"));
        QCOMPARE(deleted(f, "FA-1"), 0);
        QCOMPARE(deleted(f, "FA-2"), 0);
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(f.suspectId)).toString(),
            QStringLiteral("open"));
        auto again = f.mergerOf("abe").approve("abe", p->id, "changed my mind");
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("it is rejected (by abe")), qPrintable(again.error()));
        // The pair can be proposed again, the other way round.
        req.survivorKey = "FA-1";
        MDSYNC_REQUIRE_OK(p2, f.mergerOf("sam").merge("sam", req));
        QCOMPARE(p2->status, QStringLiteral("awaiting_approval"));
        // Decided "not a duplicate" while it waits: the approval is refused (the later decision stands), and nothing
        // of the merge is applied; the approver rejects it.
        MDSYNC_REQUIRE_OK(no, f.actionsOf("sam").dismissDuplicatePair("sam", "item", "FA-1", "FA-2", "ATEX variant"));
        auto late = f.mergerOf("abe").approve("abe", p2->id, "ok");
        QVERIFY(!late);
        QVERIFY2(late.error().contains(QStringLiteral("decided they are not duplicates")), qPrintable(late.error()));
        QCOMPARE(deleted(f, "FA-2"), 0);
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT status FROM object_merge WHERE id = %1").arg(p2->id)).toString(),
            QStringLiteral("awaiting_approval"));
        MDSYNC_REQUIRE_OK(r2, f.mergerOf("abe").reject("abe", p2->id, "not duplicates after all"));
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

private:
    static std::string bomOf(const std::string& key, const std::string& parent, const std::vector<std::string>& parts)
    {
        json rows = json::array();
        int pos = 10;
        for (const auto& c : parts) {
            rows.push_back({ { "position", pos }, { "component", c }, { "quantity", 2 }, { "uom", "EA" },
                { "item_category", "L" } });
            pos += 10;
        }
        return test::event("PLM", "bom", key,
            { { "parent_item", parent }, { "plant", "P100" }, { "usage", "production" }, { "base_quantity", 1 },
                { "base_uom", "EA" }, { "description", "Pump housing" }, { "components", rows } });
    }
    static std::int64_t objectId(Fixture& f, const char* domain, const char* key)
    {
        return scalar(f.tw.db(),
            QStringLiteral("SELECT id FROM object WHERE domain = '%1' AND key = '%2'")
                .arg(QLatin1String(domain), QLatin1String(key)))
            .toLongLong();
    }
    static int deleted(Fixture& f, const char* key)
    {
        return scalar(f.tw.db(), QStringLiteral("SELECT deleted FROM object WHERE key = '%1'").arg(QLatin1String(key)))
            .toInt();
    }
};

QTEST_GUILESS_MAIN(TestDuplicateDecisions)
#include "tst_duplicatedecisions.moc"
