// Governed configuration changes: proposals with a diff, four-eyes among admins, stale bases, validation with the
// location of the problem, future effective times (projections rewritten when due) and the audit trail.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "audit/pointintime.h"
#include "config/configstore.h"
#include "dispatcherharness.h"
#include "steward/configchange.h"
#include "steward/rolegrants.h"
#include "workspacefixture.h"

#include "demo/simulatedsystem.h"
#include "sync/dispatcher.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace mdsync;
using namespace mdsync::test;

namespace {

// A workspace with admins "ada" and "ben", steward "sam".
struct Fixture
{
    TempWorkspace tw;

    bool setUp()
    {
        return tw.ok() && tw.makeAdmin("ada").isEmpty()
            && grantRole(tw.as("ada"), "ada", "ben", Role::Admin, "second admin").ok()
            && grantRole(tw.as("ada"), "ada", "sam", Role::Steward, "steward").ok();
    }
    // The landscape in force with item.<group> owned by `system` and a new version string.
    std::string landscapeWith(const std::string& group, const std::string& system, const std::string& version)
    {
        nlohmann::json doc = tw.config().landscape->document();
        for (auto& rule : doc["ownership"])
            if (rule["domain"] == "item" && rule["group"] == group)
                rule["system"] = system;
        doc["version"] = version;
        return doc.dump(2);
    }
    QString ownerProjection(const char* group)
    {
        return scalar(tw.db(),
            QStringLiteral("SELECT system_id FROM ownership WHERE domain = 'item' AND attr_group = '%1'")
                .arg(QLatin1String(group)))
            .toString();
    }
};

// The contracts in force, as version 2026.12, with the WMS keeping 40 characters of short text (its release 7.2);
// withSample: the sample of a long description expects the 40 characters (else still the 30 of today).
nlohmann::json wmsShortText40(const ContractSet& inForce, bool withSample)
{
    nlohmann::json doc = inForce.document();
    doc["version"] = "2026.12";
    for (auto& c : doc["contracts"])
        if (c["target"] == "WMS-P100")
            for (auto& field : c["fields"])
                if (field["to"] == "shortText")
                    field["max_length"] = 40;
    for (auto& t : doc["tests"])
        if (withSample && t["name"].get<std::string>().starts_with("long description"))
            t["expected"]["shortText"] = "Pump housing CP-80 machined, stainless 1";
    return doc;
}

} // namespace

class TestConfigChange : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyAdminsPropose()
    {
        Fixture f;
        QVERIFY(f.setUp());
        for (const char* who : { "sam", "vic" }) {
            const auto r = propose(f.tw.as(who), who, "landscape", f.landscapeWith("lifecycle", "ERP", "2"),
                "lifecycle to ERP", "ERP runs the release process", std::nullopt);
            QVERIFY(!r.ok());
            QVERIFY2(r.error().contains(QStringLiteral("may not propose")), qPrintable(r.error()));
            QVERIFY2(r.error().contains(QStringLiteral("admin")), qPrintable(r.error()));
        }
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_proposal")), 0);
        // Title and reason are required; a contracts document needs its own version.
        QVERIFY(!propose(
            f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "", "r", std::nullopt)
                     .ok());
        QVERIFY(!propose(
            f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "t", "", std::nullopt)
                     .ok());
        const auto c = propose(f.tw.as("ada"), "ada", "contracts", "{}", "t", "r", std::nullopt);
        QVERIFY(!c.ok());
        QVERIFY2(c.error().contains(QStringLiteral("proposal: version: missing")), qPrintable(c.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_proposal")), 0);
    }

    void contractsAreGovernedConfiguration()
    {
        Fixture f;
        QVERIFY(f.setUp());
        // init stored the built-in contracts for this landscape as the first version.
        const ActiveConfig& cfg = f.tw.config();
        QVERIFY(cfg.contractsVersionId > 0);
        QCOMPARE(cfg.contracts->version(), std::string("2026.11"));
        QCOMPARE(
            count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.contracts.install'")), 1);
        // Real objects to try the change on: a description of 38 characters (cut at 30 today) and a short one.
        auto wmsItem = [](const std::string& description) {
            nlohmann::json a = releasedItem(description, { "P100" });
            a["storage_conditions"] = "dry"; // the WMS requires a storage class
            return a;
        };
        MDSYNC_REQUIRE_OK(ingested,
            f.tw.ingest({ mdsync::test::event("PLM", "item", "FG-1", wmsItem("Pump housing CP-80 machined, stainless")),
                mdsync::test::event("PLM", "item", "FG-2", wmsItem("Valve")) }));

        // The WMS's new release keeps 40 characters of short text.
        nlohmann::json doc = wmsShortText40(*cfg.contracts, false);
        // Its own sample still expects 30 characters: refused, nothing stored.
        const auto failing = propose(f.tw.as("ada"), "ada", "contracts", doc.dump(), "WMS short text 40",
            "WMS release 7.2", std::nullopt, QStringLiteral("contracts.json"));
        QVERIFY(!failing.ok());
        QVERIFY2(failing.error().contains(QStringLiteral("contracts.json: 1 of 53 test samples fail")),
            qPrintable(failing.error()));
        QVERIFY2(failing.error().contains(QStringLiteral("shortText: expected \"Pump housing CP-80 machined, s\"")),
            qPrintable(failing.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_proposal")), 0);

        doc = wmsShortText40(*cfg.contracts, true);
        MDSYNC_REQUIRE_OK(p,
            propose(f.tw.as("ada"), "ada", "contracts", doc.dump(), "WMS short text 40", "WMS release 7.2",
                std::nullopt, QStringLiteral("contracts.json")));
        QCOMPARE(p->kind, std::string("contracts"));
        QCOMPARE(p->baseVersion, std::string("2026.11"));
        auto has = [&p](const std::string& line) {
            return std::find(p->summary.begin(), p->summary.end(), line) != p->summary.end();
        };
        QVERIFY2(has("contracts version 2026.11 → 2026.12"), qPrintable(dumped(p->summary)));
        QVERIFY2(has("contract item->WMS-P100 v1: field shortText changed (max_length: 30 → 40)"),
            qPrintable(dumped(p->summary)));
        // The trial on the workspace's items: both map, none loses information now, and the long one's payload
        // changes.
        QVERIFY2(has("trial item->WMS-P100 v1 on the 2 newest item objects: 2 map, 0 blocked, 0 lose information; "
                     "the payload changes for 1 (e.g. FG-1: shortText: \"Pump housing CP-80 machined, s\" → "
                     "\"Pump housing CP-80 machined, stainless\")"),
            qPrintable(dumped(p->summary)));
        // Nothing changes before the approval; the author cannot approve.
        MDSYNC_REQUIRE_OK(still, loadActiveConfig(f.tw.ws()));
        QCOMPARE(still->contractsVersionId, cfg.contractsVersionId);
        QVERIFY(!approveChange(f.tw.as("ada"), "ada", p->id, "fine").ok());

        MDSYNC_REQUIRE_OK(a, approveChange(f.tw.as("ben"), "ben", p->id, "the WMS release is live"));
        MDSYNC_REQUIRE_OK(now, loadActiveConfig(f.tw.ws()));
        QCOMPARE(now->contractsVersionId, a->versionId);
        QCOMPARE(now->contracts->version(), std::string("2026.12"));
        QCOMPARE(now->modelVersionId, cfg.modelVersionId);
        QCOMPARE(now->landscapeVersionId, cfg.landscapeVersionId);
        const Contract* wms = now->contracts->find("item", "WMS-P100", "1");
        QVERIFY(wms);
        const auto shortText = std::find_if(
            wms->fields.begin(), wms->fields.end(), [](const FieldMapping& m) { return m.to == "shortText"; });
        QVERIFY(shortText != wms->fields.end());
        QCOMPARE(shortText->maxLength.value_or(0), 40);
        // Audited: the install with the version and hash before and after.
        const nlohmann::json install = nlohmann::json::parse(
            scalar(f.tw.db(),
                QStringLiteral("SELECT after FROM audit_log WHERE action = 'config.contracts.install'"
                               " ORDER BY seq DESC LIMIT 1"))
                .toString()
                .toStdString(),
            nullptr, false);
        QCOMPARE(install.value("version", std::string()), std::string("2026.12"));
        QCOMPARE(install.value("content_hash", std::string()), now->contracts->contentHash());
        // The document in force at a time before the approval is still the first one.
        MDSYNC_REQUIRE_OK(then, loadConfigAt(f.tw.ws(), a->effectiveAt.value_or(0) - 1));
        QCOMPARE(then->contracts->version(), std::string("2026.11"));
        // Authority at a time names the contracts in force then.
        MDSYNC_REQUIRE_OK(before, authorityAt(f.tw.db(), "item", "FG-1", a->effectiveAt.value_or(0) - 1));
        QCOMPARE(before->value("contracts_version", std::string()), std::string("2026.11"));
        MDSYNC_REQUIRE_OK(after, authorityAt(f.tw.db(), "item", "FG-1", nowMs()));
        QCOMPARE(after->value("contracts_version", std::string()), std::string("2026.12"));
        QCOMPARE(after->value("contracts_hash", std::string()), now->contracts->contentHash());
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void runningDispatcherMapsWithApprovedContracts()
    {
        // A contracts version approved while the dispatcher runs is used for the deliveries sent after it falls due,
        // without a restart (docs/CONTRACTS.md "Governance").
        Harness h;
        QVERIFY(h.tw.ok());
        const QString team = h.tw.makeTeam("ada", { { "ben", Role::Admin } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        SimulatedSystem* wms = h.addTarget("WMS-P100");
        QVERIFY(wms);
        DispatcherOptions o = fastOptions();
        o.pauseRecheckMs = 20;
        QVERIFY(h.start(o, true));
        QSignalSpy changed(h.dispatcher.get(), &Dispatcher::contractsChanged);
        auto wmsItem = [](const std::string& key) {
            nlohmann::json a = releasedItem("Pump housing CP-80 machined, stainless", { "P100" });
            a["storage_conditions"] = "dry";
            return mdsync::test::event("PLM", "item", key, a);
        };
        auto shortText = [wms](const char* key) {
            const auto r = wms->record(QStringLiteral("item"), QLatin1String(key));
            return r ? r->payload.value("shortText", std::string()) : std::string("(not received)");
        };
        QVERIFY(h.ingest({ wmsItem("FG-1") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(shortText("FG-1"), std::string("Pump housing CP-80 machined, s"));

        const nlohmann::json doc = wmsShortText40(*h.tw.config().contracts, true);
        MDSYNC_REQUIRE_OK(
            p, propose(h.tw.as("ada"), "ada", "contracts", doc.dump(), "WMS short text 40", "WMS 7.2", std::nullopt));
        MDSYNC_REQUIRE_OK(a, approveChange(h.tw.as("ben"), "ben", p->id, "live"));
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
        QCOMPARE(changed.at(0).at(0).value<qint64>(), a->versionId);
        QCOMPARE(changed.at(0).at(1).toString(), QStringLiteral("2026.12"));
        QCOMPARE(h.dispatcher->stats().contractReloads, 1);
        QCOMPARE(h.dispatcher->contracts()->version(), std::string("2026.12"));

        QVERIFY(h.ingest({ wmsItem("FG-2") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(shortText("FG-2"), std::string("Pump housing CP-80 machined, stainless"));
        QCOMPARE(shortText("FG-1"), std::string("Pump housing CP-80 machined, s")); // sent before: as it was
        QCOMPARE(changed.size(), 1); // once
    }

    void modelChangeMustKeepTheContractsValid()
    {
        Fixture f;
        QVERIFY(f.setUp());
        // Rename an item attribute the WMS contract maps (stackable -> can_stack): nothing else in the model or the
        // landscape uses it, the contracts do.
        nlohmann::json doc = f.tw.config().model->document();
        doc["version"] = "2";
        nlohmann::json& attributes = doc["domains"]["item"]["attributes"];
        QVERIFY(attributes.contains("stackable"));
        attributes["can_stack"] = attributes["stackable"];
        attributes.erase("stackable");
        const auto r = propose(f.tw.as("ada"), "ada", "model", doc.dump(), "rename", "tidy", std::nullopt);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("the contracts in force (version 2026.11) would no longer be valid "
                                                   "with this model")),
            qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("stackable")), qPrintable(r.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_proposal")), 0);
    }

    void fourEyesAndInstall()
    {
        Fixture f;
        QVERIFY(f.setUp());
        MDSYNC_REQUIRE_OK(p,
            propose(f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "lifecycle to ERP",
                "ERP runs the release process from now on", std::nullopt));
        QCOMPARE(p->status, std::string("proposed"));
        QCOMPARE(p->baseVersion, std::string("1"));
        QVERIFY(!p->ops.empty());
        QVERIFY2(
            std::find(p->summary.begin(), p->summary.end(), "ownership item.lifecycle: PLM → ERP") != p->summary.end(),
            qPrintable(dumped(p->summary)));
        // Nothing changes before the approval.
        QCOMPARE(f.ownerProjection("lifecycle"), QStringLiteral("PLM"));

        const auto own = approveChange(f.tw.as("ada"), "ada", p->id, "looks right");
        QVERIFY(!own.ok());
        QCOMPARE(own.error(),
            QStringLiteral("four-eyes: the author of proposal #%1 cannot approve it; another admin must").arg(p->id));
        const auto steward = approveChange(f.tw.as("sam"), "sam", p->id, "fine by me");
        QVERIFY(!steward.ok());
        QVERIFY2(steward.error().contains(QStringLiteral("may not")), qPrintable(steward.error()));
        QVERIFY(!approveChange(f.tw.as("ben"), "ben", p->id, "").ok()); // reason required

        MDSYNC_REQUIRE_OK(a, approveChange(f.tw.as("ben"), "ben", p->id, "agreed with the plant controller"));
        QCOMPARE(a->status, std::string("approved"));
        QVERIFY(a->versionId > p->baseVersionId);
        QVERIFY(!approveChange(f.tw.as("ben"), "ben", p->id, "again").ok());

        MDSYNC_REQUIRE_OK(cfg, loadActiveConfig(f.tw.ws()));
        QCOMPARE(cfg->landscape->version(), std::string("2"));
        QCOMPARE(cfg->landscapeVersionId, a->versionId);
        QCOMPARE(cfg->modelVersionId, f.tw.config().modelVersionId); // the model was not stored again
        QCOMPARE(cfg->landscape->owner("item", "lifecycle", nowMs())->id, std::string("ERP"));
        QCOMPARE(f.ownerProjection("lifecycle"), QStringLiteral("ERP"));
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_version"), QStringLiteral("kind = 'model'")), 1);

        // Audited with before/after version and hash, and the chain verifies.
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"),
                     QStringLiteral("action = 'config.propose' AND actor = 'ada'")),
            1);
        const auto after = nlohmann::json::parse(
            scalar(f.tw.db(), QStringLiteral("SELECT after FROM audit_log WHERE action = 'config.approve'"))
                .toString()
                .toStdString());
        const auto before = nlohmann::json::parse(
            scalar(f.tw.db(), QStringLiteral("SELECT before FROM audit_log WHERE action = 'config.approve'"))
                .toString()
                .toStdString());
        QCOMPARE(after.value("version", std::string()), std::string("2"));
        QCOMPARE(after.value("content_hash", std::string()), cfg->landscape->contentHash());
        QCOMPARE(before.value("content_hash", std::string()), f.tw.config().landscape->contentHash());
        QCOMPARE(
            scalar(f.tw.db(), QStringLiteral("SELECT actor FROM audit_log WHERE action = 'config.approve'")).toString(),
            QStringLiteral("ben"));
        QCOMPARE(
            count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.landscape.install'")), 2);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);

        MDSYNC_REQUIRE_OK(list, listProposals(f.tw.db(), "approved"));
        QCOMPARE(list->size(), size_t(1));
        QCOMPARE(list->front().decidedBy, std::string("ben"));
        QCOMPARE(list->front().version, std::string("2"));
    }

    void staleBaseIsRefused()
    {
        Fixture f;
        QVERIFY(f.setUp());
        MDSYNC_REQUIRE_OK(p1,
            propose(f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "lifecycle to ERP",
                "release process", std::nullopt));
        MDSYNC_REQUIRE_OK(p2,
            propose(f.tw.as("ben"), "ben", "landscape", f.landscapeWith("inventory", "PLM", "3"), "quality to PLM",
                "QMS retired", std::nullopt));
        QVERIFY(approveChange(f.tw.as("ben"), "ben", p1->id, "ok").ok());
        const auto stale = approveChange(f.tw.as("ada"), "ada", p2->id, "ok");
        QVERIFY(!stale.ok());
        QVERIFY2(
            stale.error().contains(QStringLiteral("proposal #%1 is stale").arg(p2->id)), qPrintable(stale.error()));
        QVERIFY2(stale.error().contains(QStringLiteral("version 2")), qPrintable(stale.error()));
        MDSYNC_REQUIRE_OK(cfg, loadActiveConfig(f.tw.ws()));
        QCOMPARE(cfg->landscape->owner("item", "quality", nowMs())->id, std::string("QMS"));
        QCOMPARE(loadProposal(f.tw.db(), p2->id)->status, std::string("proposed"));
    }

    void invalidDocumentsAreRefusedWithTheirLocation()
    {
        Fixture f;
        QVERIFY(f.setUp());
        nlohmann::json doc = nlohmann::json::parse(f.landscapeWith("lifecycle", "ERP", "2"));
        doc["ownership"][1]["group"] = "lifecyle";
        auto r = propose(
            f.tw.as("ada"), "ada", "landscape", doc.dump(), "typo", "test", std::nullopt, QStringLiteral("bad.json"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("bad.json")), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("ownership[1]")), qPrintable(r.error()));

        r = propose(f.tw.as("ada"), "ada", "landscape", "{\n  \"version\": \"2\",\n  oops\n}", "t", "r", std::nullopt,
            QStringLiteral("broken.json"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("broken.json: not valid JSON")), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("line 3")), qPrintable(r.error()));

        // The same document as in force, or a used version string.
        r = propose(
            f.tw.as("ada"), "ada", "landscape", f.tw.config().landscape->document().dump(), "t", "r", std::nullopt);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("nothing to propose")), qPrintable(r.error()));
        r = propose(
            f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "1"), "t", "r", std::nullopt);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("already used")), qPrintable(r.error()));

        // A model change that would break the landscape in force.
        nlohmann::json model = f.tw.config().model->document();
        model["version"] = "2026.12";
        auto& groups = model["domains"]["item"]["groups"];
        groups.erase(std::remove(groups.begin(), groups.end(), nlohmann::json("quality")), groups.end());
        for (auto& [name, attr] : model["domains"]["item"]["attributes"].items())
            if (attr["group"] == "quality")
                attr["group"] = "engineering";
        r = propose(f.tw.as("ada"), "ada", "model", model.dump(), "fold quality into engineering", "r", std::nullopt,
            QStringLiteral("model.json"));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("would no longer be valid")), qPrintable(r.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_proposal")), 0);

        // A valid model change: a new attribute; the summary names it.
        model = f.tw.config().model->document();
        model["version"] = "2026.12";
        model["domains"]["item"]["attributes"]["ecl_number"]
            = { { "type", "string" }, { "group", "engineering" }, { "label", "Export control" }, { "max_length", 20 } };
        MDSYNC_REQUIRE_OK(
            m, propose(f.tw.as("ada"), "ada", "model", model.dump(), "export control", "r", std::nullopt));
        QVERIFY2(std::find(m->summary.begin(), m->summary.end(), "attribute item.ecl_number added") != m->summary.end(),
            qPrintable(dumped(m->summary)));
        MDSYNC_REQUIRE_OK(a, approveChange(f.tw.as("ben"), "ben", m->id, "ok"));
        MDSYNC_REQUIRE_OK(cfg, loadActiveConfig(f.tw.ws()));
        QCOMPARE(cfg->model->version(), std::string("2026.12"));
        QVERIFY(cfg->model->domain("item")->attribute("ecl_number"));
        QCOMPARE(cfg->landscapeVersionId, f.tw.config().landscapeVersionId);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void futureEffectiveTime()
    {
        Fixture f;
        QVERIFY(f.setUp());
        QVERIFY(!propose(f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "t", "r",
            nowMs() - 3600 * 1000)
                     .ok()); // not in the past
        const TimeMs due = nowMs() + 1500;
        MDSYNC_REQUIRE_OK(p,
            propose(f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "lifecycle to ERP",
                "from the next shift", due));
        MDSYNC_REQUIRE_OK(a, approveChange(f.tw.as("ben"), "ben", p->id, "ok"));
        QCOMPARE(a->effectiveAt.value_or(0), due);
        // Stored, audited, but not in force yet: the projections still show PLM.
        MDSYNC_REQUIRE_OK(now, loadActiveConfig(f.tw.ws()));
        QCOMPARE(now->landscape->version(), std::string("1"));
        QCOMPARE(f.ownerProjection("lifecycle"), QStringLiteral("PLM"));
        MDSYNC_REQUIRE_OK(later, loadConfigAt(f.tw.ws(), due));
        QCOMPARE(later->landscape->version(), std::string("2"));
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.activate'")), 0);

        while (nowMs() <= due)
            QThread::msleep(50);
        MDSYNC_REQUIRE_OK(due1, loadActiveConfig(f.tw.ws()));
        QCOMPARE(due1->landscape->version(), std::string("2"));
        QCOMPARE(f.ownerProjection("lifecycle"), QStringLiteral("ERP"));
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.activate'")), 1);
        MDSYNC_REQUIRE_OK(due2, loadActiveConfig(f.tw.ws())); // once only
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.activate'")), 1);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    void rejectAndWithdraw()
    {
        Fixture f;
        QVERIFY(f.setUp());
        MDSYNC_REQUIRE_OK(p1,
            propose(
                f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "2"), "t1", "r", std::nullopt));
        MDSYNC_REQUIRE_OK(p2,
            propose(
                f.tw.as("ada"), "ada", "landscape", f.landscapeWith("lifecycle", "ERP", "3"), "t2", "r", std::nullopt));
        QVERIFY(!rejectChange(f.tw.as("sam"), "sam", p1->id, "no").ok());
        QVERIFY(!rejectChange(f.tw.as("ben"), "ben", p1->id, "").ok());
        MDSYNC_REQUIRE_OK(r1, rejectChange(f.tw.as("ben"), "ben", p1->id, "PLM still owns the release process"));
        QCOMPARE(r1->status, std::string("rejected"));
        MDSYNC_REQUIRE_OK(r2, rejectChange(f.tw.as("ada"), "ada", p2->id, "duplicate of #1"));
        QCOMPARE(r2->status, std::string("withdrawn"));
        const auto late = approveChange(f.tw.as("ben"), "ben", p1->id, "changed my mind");
        QVERIFY(!late.ok());
        QVERIFY2(late.error().contains(QStringLiteral("already rejected")), qPrintable(late.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'config.reject'")), 2);
        QCOMPARE(count(f.tw.db(), QStringLiteral("config_version"), QStringLiteral("kind = 'landscape'")), 1);
        QCOMPARE(f.ownerProjection("lifecycle"), QStringLiteral("PLM"));
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }
};

QTEST_GUILESS_MAIN(TestConfigChange)
#include "tst_configchange.moc"
