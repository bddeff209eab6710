// "Not a duplicate" (issue 18 item 1; docs/DUPLICATES.md "Deciding a suspect"): a steward's decision on a duplicate
// suspect pair is remembered, closes the pair's suspects, is audited and in both objects' lineage, and the duplicate
// check never raises the pair again (a different pair still is); refusals say why. On SQLite and PostgreSQL (.pg).

#include "access/roles.h"
#include "audit/auditlog.h"
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
};

QTEST_GUILESS_MAIN(TestDuplicateDecisions)
#include "tst_duplicatedecisions.moc"
