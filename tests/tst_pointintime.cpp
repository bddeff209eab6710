// Authority at a point in time: values, owners by the policy in force at T (across a governed ownership change),
// suppliers per attribute (systems, an enrichment rule, a steward correction with four-eyes approval) and the
// revision each target had acknowledged at T.

#include "access/roles.h"
#include "audit/pointintime.h"
#include "contract/contract.h"
#include "steward/configchange.h"
#include "steward/corrections.h"
#include "steward/rolegrants.h"
#include "workspacefixture.h"

#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace mdsync;
using namespace mdsync::test;

namespace {

constexpr TimeMs kMinute = 60 * 1000;
constexpr TimeMs kHour = 60 * kMinute;

const nlohmann::json* attribute(const nlohmann::json& a, const std::string& name)
{
    for (const auto& row : a["attributes"])
        if (row["attribute"] == name)
            return &row;
    return nullptr;
}

std::string owner(const nlohmann::json& a, const std::string& name)
{
    const nlohmann::json* row = attribute(a, name);
    return row && (*row)["owner"].is_string() ? (*row)["owner"].get<std::string>() : std::string("?");
}

nlohmann::json supplier(const nlohmann::json& a, const std::string& name)
{
    const nlohmann::json* row = attribute(a, name);
    return row ? (*row)["supplied_by"] : nlohmann::json();
}

Result<IngestSummary> ingestAt(IngestPipeline& p, const std::string& line, TimeMs at, const std::string& actor = "test")
{
    IngestOptions o;
    o.clock = [at] { return at; };
    o.actor = actor;
    o.sourceName = QStringLiteral("test");
    return p.ingestLines({ line }, o);
}

} // namespace

class TestPointInTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void authorityAcrossRevisionsCorrectionAndOwnershipChange()
    {
        MDSYNC_SQLITE_ONLY("sam proposes and abe approves through one connection; on PostgreSQL each is a login "
                           "(tst_pgroles)");
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        QVERIFY(grantRole(tw.ws(), "ada", "ada", Role::Admin, "bootstrap").ok());
        QVERIFY(grantRole(tw.ws(), "ada", "ben", Role::Admin, "second admin").ok());
        QVERIFY(grantRole(tw.ws(), "ada", "sam", Role::Steward, "steward").ok());
        QVERIFY(grantRole(tw.ws(), "ada", "abe", Role::Approver, "approver").ok());

        // Before the configuration was installed (N0): PLM creates the item, ERP adds its price.
        const TimeMs n0 = nowMs();
        const TimeMs t1 = n0 - 3 * kHour, t1b = n0 - 2 * kHour;
        MDSYNC_REQUIRE_OK(s1,
            ingestAt(tw.pipeline(),
                mdsync::test::event("PLM", "item", "FG-1", releasedItem("Pump", { "P100" }), std::string(), "upsert",
                    formatRfc3339(t1)),
                t1));
        QCOMPARE(s1->revisions, std::int64_t(1));
        MDSYNC_REQUIRE_OK(s2,
            ingestAt(tw.pipeline(),
                mdsync::test::event("ERP", "item", "FG-1", { { "standard_price", 99.5 }, { "currency", "EUR" } },
                    std::string(), "upsert", formatRfc3339(t1b)),
                t1b));
        QCOMPARE(s2->revisions, std::int64_t(1));
        // MES-P100 acknowledged revision 1 at t1+30 min and revision 2 at t1b+30 min (as the dispatcher records).
        QSqlQuery q(tw.db());
        for (const auto& [rev, ackAt] : { std::pair { 1, t1 + 30 * kMinute }, std::pair { 2, t1b + 30 * kMinute } })
            QVERIFY(q.exec(QStringLiteral("UPDATE delivery SET status = 'acked', acked_at = %1 WHERE target_id ="
                                          " 'MES-P100' AND revision_no = %2")
                               .arg(ackAt)
                               .arg(rev))
                && q.numRowsAffected() == 1);

        // Before the item existed.
        MDSYNC_REQUIRE_OK(a0, authorityAt(tw.db(), "item", "FG-1", t1 - kMinute));
        QCOMPARE(a0->value("exists", true), false);
        QVERIFY(a0.value()["revision_no"].is_null());
        QVERIFY(a0.value()["attributes"].empty());

        // Revision 1: everything from PLM, the valuation class from ERP's enrichment rule, nothing acknowledged.
        MDSYNC_REQUIRE_OK(a1, authorityAt(tw.db(), "item", "FG-1", t1 + 10 * kMinute));
        QCOMPARE(a1.value()["revision_no"].get<int>(), 1);
        QCOMPARE(a1->value("exists", false), true);
        QCOMPARE(dumped(a1.value()["landscape_version"]), dumped(nlohmann::json("1")));
        QVERIFY(a1->contains("policy_note")); // before the first recorded configuration
        QCOMPARE(owner(a1.value(), "lifecycle_status"), std::string("PLM"));
        QCOMPARE(dumped(supplier(a1.value(), "lifecycle_status")["system"]), dumped(nlohmann::json("PLM")));
        QCOMPARE(supplier(a1.value(), "lifecycle_status")["revision_no"].get<int>(), 1);
        QCOMPARE(dumped(supplier(a1.value(), "valuation_class")["system"]), dumped(nlohmann::json("ERP")));
        QCOMPARE(dumped(supplier(a1.value(), "valuation_class")["rule"]),
            dumped(nlohmann::json("item.valuation_class.fg-pump")));
        QCOMPARE(owner(a1.value(), "valuation_class"), std::string("ERP"));
        QVERIFY(!attribute(a1.value(), "standard_price"));
        QVERIFY(a1.value()["acknowledged"].empty());

        // Revision 2: the price from ERP, the description still from PLM revision 1; MES-P100 had revision 2.
        MDSYNC_REQUIRE_OK(a2, authorityAt(tw.db(), "item", "FG-1", t1b + 40 * kMinute));
        QCOMPARE(a2.value()["revision_no"].get<int>(), 2);
        QCOMPARE(dumped(supplier(a2.value(), "standard_price")["system"]), dumped(nlohmann::json("ERP")));
        QCOMPARE(supplier(a2.value(), "standard_price")["revision_no"].get<int>(), 2);
        QCOMPARE(dumped(supplier(a2.value(), "description")["system"]), dumped(nlohmann::json("PLM")));
        QCOMPARE(supplier(a2.value(), "description")["revision_no"].get<int>(), 1);
        QCOMPARE(a2.value()["acknowledged"].size(), size_t(1));
        QCOMPARE(dumped(a2.value()["acknowledged"][0]["target"]), dumped(nlohmann::json("MES-P100")));
        QCOMPARE(a2.value()["acknowledged"][0]["revision_no"].get<int>(), 2);
        MDSYNC_REQUIRE_OK(a2early, authorityAt(tw.db(), "item", "FG-1", t1b + 10 * kMinute));
        QCOMPARE(a2early->at("acknowledged").at(0)["revision_no"].get<int>(), 1); // rev 2 not acked yet

        // A steward correction of a critical attribute (lifecycle), approved by a second person: a steward
        // revision on behalf of PLM (through the lead's Corrections API and the real ingest pipeline).
        MDSYNC_REQUIRE_OK(contracts, ContractSet::builtin(*tw.config().model, *tw.config().landscape));
        Corrections corrections(tw.ws(), tw.pipeline(), contracts.value());
        MDSYNC_REQUIRE_OK(c,
            corrections.correctAttributes(
                "sam", "item", "FG-1", { { "lifecycle_status", "in_review" } }, "drawing revision pending"));
        QCOMPARE(c->status, std::string("awaiting_approval"));
        MDSYNC_REQUIRE_OK(ok, corrections.approve("abe", c->id, "checked with engineering"));
        QCOMPARE(ok->status, std::string("applied"));
        QThread::msleep(5);

        // A governed ownership change: ERP owns the item lifecycle from now on (T2).
        nlohmann::json doc = tw.config().landscape->document();
        for (auto& rule : doc["ownership"])
            if (rule["domain"] == "item" && rule["group"] == "lifecycle")
                rule["system"] = "ERP";
        doc["version"] = "2";
        MDSYNC_REQUIRE_OK(
            p, propose(tw.ws(), "ada", "landscape", doc.dump(), "lifecycle to ERP", "release in ERP", std::nullopt));
        MDSYNC_REQUIRE_OK(approved, approveChange(tw.ws(), "ben", p->id, "agreed"));
        const TimeMs t2 = approved->effectiveAt.value_or(0);
        QVERIFY(t2 > 0);

        // Just before T2: the steward's value, owner PLM, with the correction and its approver.
        MDSYNC_REQUIRE_OK(a3, authorityAt(tw.db(), "item", "FG-1", t2 - 1));
        QCOMPARE(a3.value()["revision_no"].get<int>(), 3);
        QCOMPARE(dumped(attribute(a3.value(), "lifecycle_status")->at("value")), dumped(nlohmann::json("in_review")));
        QCOMPARE(owner(a3.value(), "lifecycle_status"), std::string("PLM"));
        const nlohmann::json s = supplier(a3.value(), "lifecycle_status");
        QCOMPARE(dumped(s["steward"]), dumped(nlohmann::json(true)));
        QCOMPARE(dumped(s["actor"]), dumped(nlohmann::json("sam")));
        QCOMPARE(dumped(s["system"]), dumped(nlohmann::json("PLM")));
        QCOMPARE(s["correction_id"].get<std::int64_t>(), c->id);
        QCOMPARE(dumped(s["approved_by"]), dumped(nlohmann::json("abe")));
        QCOMPARE(dumped(supplier(a3.value(), "description")["steward"]), dumped(nlohmann::json(false)));
        QCOMPARE(a3.value()["approvals"].size(), size_t(1));
        QCOMPARE(dumped(a3.value()["approvals"][0]["decided_by"]), dumped(nlohmann::json("abe")));
        QCOMPARE(dumped(a3.value()["approvals"][0]["proposed_by"]), dumped(nlohmann::json("sam")));
        QCOMPARE(dumped(a3.value()["approvals"][0]["decision"]), dumped(nlohmann::json("approved")));
        QVERIFY(!a3->contains("policy_note"));
        QVERIFY(a2.value()["approvals"].empty()); // not decided yet at that time

        // From T2: the same value, now owned by ERP under landscape 2.
        MDSYNC_REQUIRE_OK(a4, authorityAt(tw.db(), "item", "FG-1", t2));
        QCOMPARE(dumped(a4.value()["landscape_version"]), dumped(nlohmann::json("2")));
        QCOMPARE(owner(a4.value(), "lifecycle_status"), std::string("ERP"));
        QCOMPARE(owner(a4.value(), "description"), std::string("PLM"));
        QCOMPARE(supplier(a4.value(), "lifecycle_status")["revision_no"].get<int>(), 3);

        // An hour later ERP blocks the item (a pipeline with the configuration in force then).
        const TimeMs t3 = t2 + kHour;
        MDSYNC_REQUIRE_OK(cfg3, loadConfigAt(tw.ws(), t3));
        IngestPipeline later(tw.ws(), cfg3.value());
        MDSYNC_REQUIRE_OK(s3,
            ingestAt(later,
                mdsync::test::event("ERP", "item", "FG-1", { { "lifecycle_status", "blocked" } }, std::string(),
                    "upsert", formatRfc3339(t3)),
                t3));
        QCOMPARE(s3->revisions, std::int64_t(1));
        MDSYNC_REQUIRE_OK(a5, authorityAt(tw.db(), "item", "FG-1", t3 + kMinute));
        QCOMPARE(a5.value()["revision_no"].get<int>(), 4);
        QCOMPARE(owner(a5.value(), "lifecycle_status"), std::string("ERP"));
        QCOMPARE(dumped(supplier(a5.value(), "lifecycle_status")["system"]), dumped(nlohmann::json("ERP")));
        QCOMPARE(dumped(supplier(a5.value(), "lifecycle_status")["steward"]), dumped(nlohmann::json(false)));
        QCOMPARE(supplier(a5.value(), "lifecycle_status")["revision_no"].get<int>(), 4);
        QCOMPARE(supplier(a5.value(), "standard_price")["revision_no"].get<int>(), 2);

        // Still answerable for the past after all that.
        MDSYNC_REQUIRE_OK(again, authorityAt(tw.db(), "item", "FG-1", t1 + 10 * kMinute));
        QCOMPARE(dumped(again.value()), dumped(a1.value()));

        const auto bad = authorityAt(tw.db(), "gadget", "X", t3);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("domain 'gadget' is not in the model")), qPrintable(bad.error()));
        MDSYNC_REQUIRE_OK(none, authorityAt(tw.db(), "item", "NOPE", t3));
        QCOMPARE(none->value("exists", true), false);
    }
};

QTEST_GUILESS_MAIN(TestPointInTime)
#include "tst_pointintime.moc"
