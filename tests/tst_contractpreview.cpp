// The mapping editor's preview API (issue 17): an edited contract's payload for a real object, its issues per field,
// the payload the target last acknowledged (a corrected one as sent, else mapped by the contracts in force at the
// ack) and the field-by-field diff; the object picker's key search.

#include "access/roles.h"
#include "config/configstore.h"
#include "steward/configchange.h"
#include "steward/contractpreview.h"
#include "steward/rolegrants.h"
#include "store/readviews.h"
#include "workspacefixture.h"

#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

// The contracts in force with item->WMS-P100 v1's shortText cut at `maxLength`.
json wmsShortText(const ContractSet& inForce, int maxLength, const std::string& version)
{
    json doc = inForce.document();
    doc["version"] = version;
    for (auto& c : doc["contracts"])
        if (c["target"] == "WMS-P100" && c["domain"] == "item")
            for (auto& field : c["fields"])
                if (field["to"] == "shortText")
                    field["max_length"] = maxLength;
    json tests = json::array();
    for (const auto& t : doc["tests"])
        if (t["contract"] != "item->WMS-P100 v1")
            tests.push_back(t);
    doc["tests"] = tests;
    return doc;
}

const char* const kLong = "Pump housing CP-80 machined, stainless";

} // namespace

class TestContractPreview : public QObject
{
    Q_OBJECT

    // Items FG-1 and FG-2 (WMS-P100 subscribes to P100 items), their WMS deliveries acknowledged at `ackedAt`.
    static bool makeAcked(TempWorkspace& tw, TimeMs ackedAt)
    {
        std::vector<std::string> lines;
        for (const char* key : { "FG-1", "FG-2", "RM-7" }) {
            json a = releasedItem(kLong, { "P100" });
            a["storage_conditions"] = "dry";
            lines.push_back(mdsync::test::event("PLM", "item", key, a));
        }
        if (!tw.ingest(lines).ok())
            return false;
        RawConnection raw(tw.path());
        return raw
            .exec(QStringLiteral("UPDATE delivery SET status = 'acked', acked_at = %1 WHERE target_id = 'WMS-P100'")
                      .arg(ackedAt))
            .isEmpty();
    }

private Q_SLOTS:
    void previewShowsPayloadIssuesAndDiff()
    {
        MDSYNC_SQLITE_ONLY("acknowledges deliveries through a raw SQLite connection");
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(makeAcked(tw, nowMs()));
        const json edited = wmsShortText(*tw.config().contracts, 12, "2026.12");
        MDSYNC_REQUIRE_OK(p, previewContract(tw.ws(), edited, "item", "WMS-P100", "1", "FG-1"));
        QCOMPARE(p->revisionNo, 1);
        QCOMPARE(qs(p->payload["shortText"].get<std::string>()), QStringLiteral("Pump housing"));
        QCOMPARE(qs(p->payload["itemNumber"].get<std::string>()), QStringLiteral("FG-1"));
        // The WMS contract warns on loss: the cut is a lossy issue on shortText that does not block.
        QCOMPARE(p->issues.size(), size_t(1));
        QCOMPARE(qs(p->issues[0].field), QStringLiteral("shortText"));
        QVERIFY(p->issues[0].lossy);
        QVERIFY(!p->blocked);
        QVERIFY(!p->blocks(p->issues[0]));
        // Acknowledged: the 30 characters of the contracts in force then.
        QVERIFY(p->hasAcked);
        QVERIFY(!p->ackedCorrected);
        QCOMPARE(p->ackedRevisionNo, 1);
        QCOMPARE(qs(p->ackedPayload["shortText"].get<std::string>()), QStringLiteral("Pump housing CP-80 machined, s"));
        int changed = 0;
        for (const PreviewDiffRow& r : p->diff) {
            if (!r.changed())
                continue;
            ++changed;
            QCOMPARE(qs(r.field), QStringLiteral("shortText"));
            QCOMPARE(qs(r.edited.get<std::string>()), QStringLiteral("Pump housing"));
        }
        QCOMPARE(changed, 1);
        QCOMPARE(p->diff.size(), p->payload.size());
    }

    void ackedPayloadIsMappedByTheContractsOfItsTime()
    {
        MDSYNC_SQLITE_ONLY("acknowledges deliveries through a raw SQLite connection");
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        QVERIFY(grantRole(tw.as("ada"), "ada", "ben", Role::Admin, "second admin").ok());
        QVERIFY(makeAcked(tw, nowMs()));
        const std::string versionThen = tw.config().contracts->version();
        QTest::qWait(5); // the new version takes effect after the ack
        // After the ack, a version keeping 40 characters takes effect.
        MDSYNC_REQUIRE_OK(prop,
            propose(tw.as("ada"), "ada", "contracts", wmsShortText(*tw.config().contracts, 40, "2026.12").dump(), "40",
                "WMS 7.2", std::nullopt));
        MDSYNC_REQUIRE_OK(approved, approveChange(tw.as("ben"), "ben", prop->id, "ok"));
        MDSYNC_REQUIRE_OK(cfg, loadActiveConfig(tw.ws()));
        QCOMPARE(cfg->contracts->version(), std::string("2026.12"));

        MDSYNC_REQUIRE_OK(p, previewContract(tw.ws(), cfg->contracts->document(), "item", "WMS-P100", "1", "FG-2"));
        QCOMPARE(qs(p->payload["shortText"].get<std::string>()), QString::fromLatin1(kLong));
        QCOMPARE(qs(p->ackedContracts), qs(versionThen));
        QCOMPARE(qs(p->ackedPayload["shortText"].get<std::string>()), QStringLiteral("Pump housing CP-80 machined, s"));
        QVERIFY(p->issues.empty());

        // A steward's corrected payload is what the target acknowledged, as sent.
        RawConnection raw(tw.path());
        QVERIFY(raw.exec(QStringLiteral("UPDATE delivery SET payload_override = '{\"itemNumber\":\"FG-2\","
                                        "\"shortText\":\"corrected\"}' WHERE target_id = 'WMS-P100'"))
                    .isEmpty());
        MDSYNC_REQUIRE_OK(c, previewContract(tw.ws(), cfg->contracts->document(), "item", "WMS-P100", "1", "FG-2"));
        QVERIFY(c->ackedCorrected);
        QVERIFY(c->ackedPayload == json({ { "itemNumber", "FG-2" }, { "shortText", "corrected" } }));
        bool onlyInEdited = false;
        for (const PreviewDiffRow& r : c->diff)
            if (r.field == "storageClass")
                onlyInEdited = r.inEdited && !r.inAcked && r.changed();
        QVERIFY(onlyInEdited);
    }

    void blockingIssuesAndErrors()
    {
        MDSYNC_SQLITE_ONLY("acknowledges deliveries through a raw SQLite connection");
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(makeAcked(tw, nowMs()));
        json edited = tw.config().contracts->document();
        for (auto& c : edited["contracts"])
            if (c["target"] == "WMS-P100" && c["domain"] == "item")
                c["fields"].push_back({ { "from", "drawing_number" }, { "to", "drawing" }, { "required", true } });
        MDSYNC_REQUIRE_OK(p, previewContract(tw.ws(), edited, "item", "WMS-P100", "1", "FG-1"));
        QVERIFY(p->blocked);
        bool found = false;
        for (const MappingIssue& i : p->issues)
            found = found || (i.field == "drawing" && !i.lossy && p->blocks(i));
        QVERIFY(found);

        // A document that does not load says where; an unknown object and an absent contract are errors.
        json bad = edited;
        bad["contracts"][0]["fields"][0]["from"] = "colour";
        auto e = previewContract(tw.ws(), bad, "item", "WMS-P100", "1", "FG-1");
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains(QStringLiteral("contracts[0].fields[0].from: unknown attribute")),
            qPrintable(e.error()));
        auto none = previewContract(tw.ws(), edited, "item", "WMS-P100", "1", "NOPE-1");
        QVERIFY(!none.ok());
        QVERIFY2(none.error().contains(QStringLiteral("no item object NOPE-1")), qPrintable(none.error()));
        auto noContract = previewContract(tw.ws(), edited, "item", "WMS-P100", "9", "FG-1");
        QVERIFY(!noContract.ok());
    }

    void objectKeysByPrefix()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        std::vector<std::string> lines;
        for (const char* key : { "FG-1", "FG-2", "FG-10", "RM-1" })
            lines.push_back(
                mdsync::test::event("PLM", "item", key, releasedItem(std::string("Item ") + key, { "P100" })));
        QVERIFY(tw.ingest(lines).ok());
        MDSYNC_REQUIRE_OK(fg, read::objectKeys(tw.ws().db(), QStringLiteral("item"), QStringLiteral("FG-"), 10));
        QStringList keys;
        for (const auto& k : fg.value())
            keys << k.key;
        QCOMPARE(keys, (QStringList { QStringLiteral("FG-1"), QStringLiteral("FG-10"), QStringLiteral("FG-2") }));
        QCOMPARE(fg->front().description, QStringLiteral("Item FG-1"));
        MDSYNC_REQUIRE_OK(two, read::objectKeys(tw.ws().db(), QStringLiteral("item"), {}, 2));
        QCOMPARE(two->size(), size_t(2));
        MDSYNC_REQUIRE_OK(none, read::objectKeys(tw.ws().db(), QStringLiteral("bom"), QStringLiteral("FG-"), 10));
        QVERIFY(none->empty());
    }
};

QTEST_GUILESS_MAIN(TestContractPreview)
#include "tst_contractpreview.moc"
