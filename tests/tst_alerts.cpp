// Alert rules: each kind fires, deduplicates (one live alert per dedup key, re-firing refreshes it) and
// clears when its condition no longer holds; acknowledging needs a role and is audited.

#include "access/roles.h"
#include "dispatcherharness.h"
#include "metrics/alerts.h"
#include "steward/rolegrants.h"
#include "store/circuitstore.h"
#include "workspacefixture.h"

#include <QSqlQuery>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

const json kRules = { { "rules",
    json::array({ { { "id", "erp-sla" }, { "kind", "sla_unacked" }, { "domain", "item" }, { "targets", { "ERP" } },
                      { "severity", "critical" } },
        { { "id", "compliance" }, { "kind", "attribute_changed" }, { "domain", "supplier" },
            { "groups", { "compliance" } } },
        { { "id", "too-many" }, { "kind", "open_exceptions_over" }, { "domains", { "bom" } },
            { "threshold", 2 } } }) } };

struct Setup
{
    TempWorkspace tw;
    bool ready = false;
    Setup()
    {
        ready = tw.ok() && tw.makeAdmin("ada").isEmpty()
            && grantRole(tw.as("ada"), "ada", "sam", Role::Steward, "team").ok()
            && setAlertRules(tw.as("ada"), "ada", kRules, "test rules").ok();
    }
    qint64 alerts(const QString& where) { return count(tw.db(), QStringLiteral("alert"), where); }
};

std::string supplier(const std::string& source, const json& attributes)
{
    return mdsync::test::event(source, "supplier", "SUP-1", attributes);
}

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultRulesParse()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        auto rules = activeAlertRules(tw.ws());
        QVERIFY2(rules.ok(), qPrintable(rules.ok() ? QString() : rules.error()));
        QVERIFY(rules->size() >= 3);
        QVERIFY(!parseAlertRules({ { "rules", { { { "id", "x" }, { "kind", "nope" } } } } }).ok());
        const auto bad = parseAlertRules({ { "rules", { { { "id", "x" }, { "kind", "open_exceptions_over" } } } } });
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("'x'")) && bad.error().contains(QStringLiteral("threshold")),
            qPrintable(bad.error()));
        // Only admins replace the rules.
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        QVERIFY(!setAlertRules(tw.as("eve"), "eve", kRules, "mine").ok());
        QVERIFY(setAlertRules(tw.as("ada"), "ada", kRules, "test rules").ok());
        QCOMPARE(count(tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'alert.rules'")), 1);
    }

    void slaUnackedFiresDedupsAndClears()
    {
        Setup s;
        QVERIFY(s.ready);
        const TimeMs now = at("2026-11-28T12:00:00Z");
        IngestOptions io;
        io.clock = [now] { return now - 20 * 60 * 1000; }; // 20 min ago; ERP's item SLA is 15 min
        json a = releasedItem("Pump", { "P300" });
        QVERIFY(s.tw.ingest({ mdsync::test::event("PLM", "item", "FG-1", a),
                                mdsync::test::event("PLM", "item", "FG-2", a) },
                        io)
                    .ok());
        AlertEngine engine(s.tw.ws());

        auto early = engine.evaluate(now - 10 * 60 * 1000); // 10 min after receipt: within the SLA
        QVERIFY(early.ok());
        QCOMPARE(early->fired.size(), std::size_t(0));

        auto r = engine.evaluate(now);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->fired.size(), std::size_t(1)); // one alert for (item, ERP); QMS is not in the rule
        QCOMPARE(r->fired[0].dedupKey, std::string("erp-sla:item:ERP"));
        QVERIFY2(r->fired[0].message.find("2 item revisions not acknowledged by ERP") != std::string::npos,
            r->fired[0].message.c_str());
        QCOMPARE(s.alerts(QStringLiteral("status = 'open' AND severity = 'critical' AND target_id = 'ERP'")), 1);

        auto again = engine.evaluate(now + 60 * 1000);
        QVERIFY(again.ok());
        QCOMPARE(again->fired.size(), std::size_t(0));
        QCOMPARE(again->refreshed.size(), std::size_t(1));
        QCOMPARE(s.alerts({}), 1);
        QCOMPARE(scalar(s.tw.db(), QStringLiteral("SELECT last_seen_at - fired_at FROM alert")).toLongLong(), 60000);

        // The overdue query reads the partial index of non-final deliveries (SQLite's plan; PostgreSQL's planner
        // chooses by its statistics, which a table of two rows does not make meaningful).
        if (!testBackendIsPostgres()) {
            QSqlQuery plan(s.tw.db());
            QVERIFY(plan.exec(
                QStringLiteral(
                    "EXPLAIN QUERY PLAN SELECT count(*), min(d.created_at) FROM delivery d WHERE d.target_id = 'ERP'"
                    " AND ")
                + QString::fromStdString(sqlOpenStatusCondition("d.status"))
                + QStringLiteral(" AND d.subscription_id = 'item->ERP' AND d.created_at < 0")));
            QString detail;
            while (plan.next())
                detail += plan.value(3).toString() + QLatin1Char('\n');
            QVERIFY2(detail.contains(QStringLiteral("delivery_due")), qPrintable(detail));
        }

        // Both deliveries acked (as the dispatcher would): the condition is gone, the alert clears.
        QSqlQuery q(s.tw.db());
        QVERIFY(q.exec(QStringLiteral("UPDATE delivery SET status = 'acked' WHERE target_id = 'ERP'")));
        auto cleared = engine.evaluate(now + 2 * 60 * 1000);
        QVERIFY(cleared.ok());
        QCOMPARE(cleared->cleared.size(), std::size_t(1));
        QCOMPARE(s.alerts(QStringLiteral("status = 'cleared' AND cleared_at IS NOT NULL")), 1);
    }

    void attributeChangedFiresOncePerChange()
    {
        Setup s;
        QVERIFY(s.ready);
        AlertEngine engine(s.tw.ws());
        QVERIFY(s.tw.ingest({ supplier("SUPPLIER-PORTAL",
                                { { "name", "Acme" }, { "tax_id", "DE811234567" }, { "country", "DE" },
                                    { "street", "Weg 1" }, { "city", "Köln" }, { "postal_code", "50667" } }) })
                    .ok());
        auto none = engine.evaluate();
        QVERIFY(none.ok());
        QCOMPARE(none->fired.size(), std::size_t(0)); // general attributes only

        QVERIFY(s.tw.ingest({ supplier("QMS", { { "reach_compliant", false }, { "iso9001_certified", true } }) }).ok());
        auto r = engine.evaluate();
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->fired.size(), std::size_t(1));
        QCOMPARE(r->fired[0].dedupKey, std::string("compliance:supplier:SUP-1"));
        QVERIFY2(r->fired[0].message.find("reach_compliant") != std::string::npos, r->fired[0].message.c_str());
        // The watermark: the same revision does not fire again, and an event alert is not cleared by silence.
        auto quiet = engine.evaluate();
        QVERIFY(quiet.ok());
        QCOMPARE(quiet->fired.size() + quiet->refreshed.size() + quiet->cleared.size(), std::size_t(0));
        QCOMPARE(s.alerts(QStringLiteral("status = 'open'")), 1);

        // Another change while the alert is open refreshes it; after an acknowledge a new change opens a new one.
        QVERIFY(s.tw.ingest({ supplier("QMS", { { "reach_compliant", true } }) }).ok());
        auto refreshed = engine.evaluate();
        QVERIFY(refreshed.ok());
        QCOMPARE(refreshed->refreshed.size(), std::size_t(1));
        QCOMPARE(s.alerts({}), 1);
        const qint64 id = scalar(s.tw.db(), QStringLiteral("SELECT id FROM alert")).toLongLong();
        QVERIFY(AlertEngine(s.tw.as("sam")).acknowledge("sam", id, "QMS confirmed the audit").ok());
        QVERIFY(s.tw.ingest({ supplier("QMS", { { "certificate_expiry", "2029-01-31" } }) }).ok());
        auto renewed = engine.evaluate();
        QVERIFY(renewed.ok());
        QCOMPARE(renewed->fired.size(), std::size_t(1));
        QCOMPARE(renewed->cleared.size(), std::size_t(1));
        QCOMPARE(s.alerts(QStringLiteral("status = 'open'")), 1);
        QCOMPARE(s.alerts(QStringLiteral("status = 'cleared' AND acked_by = 'sam'")), 1);
    }

    // Issue 18: "lifecycle -> blocked" as a rule, and a rule added to a workspace with history fires on the changes
    // made after it was added (48 alerts for existing items were the complaint), unless it asks for the history.
    void transitionRuleFiresOnlyOnLaterChanges()
    {
        Setup s;
        QVERIFY(s.ready);
        AlertEngine engine(s.tw.ws());
        auto item = [](const std::string& key, const std::string& state) {
            json a = releasedItem("Pump housing " + key, { "P100" });
            a["lifecycle_status"] = state;
            return mdsync::test::event("PLM", "item", key, a);
        };
        // History: A released, then blocked; B released.
        QVERIFY(s.tw.ingest({ item("A-1", "released"), item("B-1", "released") }).ok());
        QVERIFY(s.tw.ingest({ item("A-1", "blocked") }).ok());
        QVERIFY(engine.evaluate().ok());

        json rules = kRules;
        rules["rules"].push_back({ { "id", "item-blocked" }, { "kind", "attribute_changed" }, { "domain", "item" },
            { "attributes", { "lifecycle_status" } }, { "to", "blocked" }, { "severity", "critical" } });
        QVERIFY(setAlertRules(s.tw.as("ada"), "ada", rules, "block alert").ok());
        auto history = engine.evaluate();
        QVERIFY(history.ok());
        QCOMPARE(history->fired.size(), std::size_t(0)); // A's block happened before the rule

        // Not watched, or not "to blocked": nothing.
        json b = releasedItem("Pump housing B-1 rev B", { "P100" });
        QVERIFY(s.tw.ingest({ mdsync::test::event("PLM", "item", "B-1", b), item("A-1", "released") }).ok());
        auto quiet = engine.evaluate();
        QVERIFY(quiet.ok());
        QCOMPARE(quiet->fired.size(), std::size_t(0));

        QVERIFY(s.tw.ingest({ item("B-1", "blocked") }).ok());
        auto fired = engine.evaluate();
        QVERIFY(fired.ok());
        QCOMPARE(fired->fired.size(), std::size_t(1));
        QCOMPARE(fired->fired[0].dedupKey, std::string("item-blocked:item:B-1"));
        QVERIFY2(fired->fired[0].message.find("lifecycle_status released → blocked") != std::string::npos,
            fired->fired[0].message.c_str());
        QCOMPARE(fired->fired[0].severity, std::string("critical"));

        // Setting the same rules again keeps the rule's place; a new rule that asks for the history sees A's block.
        QVERIFY(setAlertRules(s.tw.as("ada"), "ada", rules, "unchanged").ok());
        QCOMPARE(engine.evaluate()->fired.size(), std::size_t(0));
        rules["rules"].push_back({ { "id", "blocked-history" }, { "kind", "attribute_changed" }, { "domain", "item" },
            { "attributes", { "lifecycle_status" } }, { "from", { "released", "in_review" } }, { "to", { "blocked" } },
            { "evaluate_history", true } });
        QVERIFY(setAlertRules(s.tw.as("ada"), "ada", rules, "with history").ok());
        auto all = engine.evaluate();
        QVERIFY(all.ok());
        QCOMPARE(all->fired.size(), std::size_t(2)); // A (history) and B
        QCOMPARE(s.alerts(QStringLiteral("rule = 'blocked-history'")), 2);
    }

    // "A BOM revision released while a component is blocked", scoped by plant and target (issue 18 item 3).
    void crossObjectRuleScopedByPlantAndTarget()
    {
        Setup s;
        QVERIFY(s.ready);
        AlertEngine engine(s.tw.ws());
        auto item = [](const std::string& key, const std::string& state, const std::string& plant = "P100") {
            json a = releasedItem("Bracket " + key, { plant });
            a["lifecycle_status"] = state;
            return mdsync::test::event("PLM", "item", key, a);
        };
        auto bomOf = [](const std::string& key, const std::string& state, const std::vector<std::string>& comps) {
            json bomEvent = json::parse(bom(key, "FG-" + key.substr(4), comps));
            bomEvent["attributes"]["lifecycle_status"] = state;
            return bomEvent.dump();
        };
        QVERIFY(s.tw.ingest({ item("C-1", "released"), item("C-2", "blocked"), item("C-3", "released"),
                                item("FG-B1", "released"), item("FG-B2", "released") })
                    .ok());
        json rules = { { "rules", json::array() } };
        rules["rules"].push_back({ { "id", "bom-released-blocked-component" }, { "kind", "attribute_changed" },
            { "domain", "bom" }, { "attributes", { "lifecycle_status" } }, { "to", "released" },
            { "while_referenced", { { "attribute", "lifecycle_status" }, { "in", { "blocked" } } } },
            { "plants", { "P100" } }, { "targets", { "MES-P100" } }, { "severity", "critical" } });
        const auto set = setAlertRules(s.tw.as("ada"), "ada", rules, "BOM guard");
        QVERIFY2(set.ok(), set.ok() ? "" : qPrintable(set.error()));

        // B1 uses the blocked C-2, B2 only released parts: only B1 fires, naming C-2.
        QVERIFY(s.tw.ingest({ bomOf("BOM-B1", "draft", { "C-1", "C-2" }), bomOf("BOM-B2", "draft", { "C-1", "C-3" }) })
                    .ok());
        QVERIFY(s.tw.ingest({ bomOf("BOM-B1", "released", { "C-1", "C-2" }),
                                bomOf("BOM-B2", "released", { "C-1", "C-3" }) })
                    .ok());
        auto fired = engine.evaluate();
        QVERIFY(fired.ok());
        QVERIFY2(fired->fired.size() == 1, fired->toJson().dump().c_str());
        QCOMPARE(fired->fired[0].dedupKey, std::string("bom-released-blocked-component:bom:BOM-B1"));
        QVERIFY2(fired->fired[0].message.find("while item C-2 lifecycle_status blocked") != std::string::npos,
            fired->fired[0].message.c_str());
        // The details name the referenced object in a form a GUI can link to.
        auto listed = engine.list("open");
        QVERIFY(listed.ok());
        json referenced;
        for (const json& a : listed.value())
            if (a["rule"] == "bom-released-blocked-component")
                referenced = a["details"]["referenced_objects"];
        QCOMPARE(dumped(referenced),
            dumped(json::array({ { { "domain", "item" }, { "key", "C-2" }, { "attribute", "lifecycle_status" },
                { "value", "blocked" } } })));

        // Out of scope: a BOM of another plant, which MES-P100 does not subscribe to either.
        auto p200 = [](const std::string& state) {
            json other = json::parse(bom("BOM-B3", "FG-B1", { "C-2" }));
            other["attributes"]["plant"] = "P200";
            other["attributes"]["lifecycle_status"] = state;
            return other.dump();
        };
        QVERIFY(s.tw.ingest({ p200("draft") }).ok());
        auto released = s.tw.ingest({ p200("released") });
        QVERIFY(released.ok());
        QCOMPARE(released->revisions, 1); // accepted: it is the scope that keeps it quiet
        QCOMPARE(engine.evaluate()->fired.size(), std::size_t(0));

        // Errors name the rule and the field.
        json bad = kRules;
        bad["rules"].push_back({ { "id", "r" }, { "kind", "attribute_changed" }, { "domain", "bom" },
            { "attributes", { "lifecycle_status" } }, { "plants", { "P999" } } });
        auto e = setAlertRules(s.tw.as("ada"), "ada", bad, "x");
        QVERIFY(!e.ok());
        QVERIFY2(
            e.error().contains(QStringLiteral("alert rule 'r': plants: 'P999' is not a plant")), qPrintable(e.error()));
        bad["rules"].back().erase("plants");
        bad["rules"].back()["while_referenced"] = { { "attribute", "colour" }, { "in", { "red" } } };
        e = setAlertRules(s.tw.as("ada"), "ada", bad, "x");
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains(QStringLiteral("while_referenced: no domain that bom references has an attribute "
                                                   "'colour'")),
            qPrintable(e.error()));
        bad["rules"].back().erase("while_referenced");
        bad["rules"].back()["targets"] = { "NOPE" };
        e = setAlertRules(s.tw.as("ada"), "ada", bad, "x");
        QVERIFY(!e.ok());
        QVERIFY2(e.error().contains(QStringLiteral("targets: 'NOPE' is not a system")), qPrintable(e.error()));
    }

    void transitionRuleErrorsNameTheRuleAndField_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("error");
        QTest::newRow("not a code") << R"({"id":"r","kind":"attribute_changed","domain":"item",
            "attributes":["lifecycle_status"],"to":"Blocked"})"
                                    << "alert rule 'r': to: \"Blocked\" is not a code of item.lifecycle_status (draft, "
                                       "in_review, released, blocked, obsolete)";
        QTest::newRow("unknown attribute") << R"({"id":"r","kind":"attribute_changed","domain":"item",
            "attributes":["lifecycle"]})"
                                           << "alert rule 'r': attributes: 'lifecycle' is not an attribute of item";
        QTest::newRow("unknown group") << R"({"id":"r","kind":"attribute_changed","domain":"item","groups":["x"]})"
                                       << "alert rule 'r': groups: no attribute of item is in group 'x'";
        QTest::newRow("unknown domain") << R"({"id":"r","kind":"open_exceptions_over","domains":["itm"],"threshold":1})"
                                        << "alert rule 'r': domain 'itm' is not in the model in force";
        QTest::newRow("empty to") << R"({"id":"r","kind":"attribute_changed","domain":"item",
            "attributes":["lifecycle_status"],"to":[]})"
                                  << "alert rule 'r': 'to' is an empty list";
        QTest::newRow("to on another kind") << R"({"id":"r","kind":"open_exceptions_over","threshold":1,"to":"x"})"
                                            << "alert rule 'r': 'to' applies to attribute_changed only";
        QTest::newRow("history on another kind")
            << R"({"id":"r","kind":"open_exceptions_over","threshold":1,"evaluate_history":true})"
            << "alert rule 'r': 'evaluate_history' is true or false, for attribute_changed";
        QTest::newRow("nothing watched")
            << R"({"id":"r","kind":"attribute_changed","domain":"item"})"
            << "alert rule 'r': attribute_changed needs one 'domain' and a list 'groups' or";
    }

    void transitionRuleErrorsNameTheRuleAndField()
    {
        QFETCH(QString, rule);
        QFETCH(QString, error);
        Setup s;
        QVERIFY(s.ready);
        const QString before = s.tw.ws().meta(QStringLiteral("alert_rules"));
        const json doc = { { "rules", json::array({ json::parse(rule.toStdString()) }) } };
        const auto r = setAlertRules(s.tw.as("ada"), "ada", doc, "test");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(error), qPrintable(r.error()));
        QCOMPARE(s.tw.ws().meta(QStringLiteral("alert_rules")), before); // nothing changed
    }

    void openExceptionsOverThreshold()
    {
        Setup s;
        QVERIFY(s.ready);
        AlertEngine engine(s.tw.ws());
        QSqlQuery q(s.tw.db());
        for (int i = 0; i < 3; ++i)
            QVERIFY(q.exec(QStringLiteral("INSERT INTO exception(stage, category, severity, status, created_at,"
                                          " updated_at, domain, object_key, message, details) VALUES ('inbound',"
                                          " 'validation', 'error', 'open', 1, 1, 'bom', 'B-%1', 'test', '{}')")
                               .arg(i)));
        auto r = engine.evaluate();
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error()));
        QCOMPARE(r->fired.size(), std::size_t(1));
        QCOMPARE(r->fired[0].dedupKey, std::string("too-many:bom"));
        QVERIFY(engine.evaluate().ok());
        QCOMPARE(s.alerts({}), 1);
        QVERIFY(q.exec(
            QStringLiteral("UPDATE exception SET status = 'resolved', updated_at = 2 WHERE object_key = 'B-0'")));
        auto cleared = engine.evaluate();
        QVERIFY(cleared.ok());
        QCOMPARE(cleared->cleared.size(), std::size_t(1));
        QCOMPARE(s.alerts(QStringLiteral("status = 'cleared'")), 1);
        // Over the threshold again: a new alert (the cleared one stays as history).
        QVERIFY(q.exec(QStringLiteral("UPDATE exception SET status = 'open' WHERE object_key = 'B-0'")));
        auto again = engine.evaluate();
        QVERIFY(again.ok());
        QCOMPARE(again->fired.size(), std::size_t(1));
        QCOMPARE(s.alerts({}), 2);
    }

    void acknowledgeNeedsARoleAndIsAudited()
    {
        Setup s;
        QVERIFY(s.ready);
        AlertEngine engine(s.tw.ws());
        QSqlQuery q(s.tw.db());
        for (int i = 0; i < 3; ++i)
            QVERIFY(q.exec(QStringLiteral("INSERT INTO exception(stage, category, severity, status, created_at,"
                                          " updated_at, domain, object_key, message, details) VALUES ('inbound',"
                                          " 'validation', 'error', 'open', 1, 1, 'bom', 'B-%1', 'test', '{}')")
                               .arg(i)));
        QVERIFY(engine.evaluate().ok());
        const qint64 id = scalar(s.tw.db(), QStringLiteral("SELECT id FROM alert")).toLongLong();
        QVERIFY(id > 0);
        const auto refused = AlertEngine(s.tw.as("vic")).acknowledge("vic", id, "seen");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("vic")) && refused.error().contains(QStringLiteral("steward")),
            qPrintable(refused.error()));
        QCOMPARE(s.alerts(QStringLiteral("status = 'open'")), 1);
        QCOMPARE(count(s.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'alert.acknowledge'")), 0);

        QVERIFY(AlertEngine(s.tw.as("sam")).acknowledge("sam", id, "looking into the BOM backlog").ok());
        QCOMPARE(s.alerts(QStringLiteral("status = 'acknowledged' AND acked_by = 'sam' AND acked_at IS NOT NULL")), 1);
        QCOMPARE(count(s.tw.db(), QStringLiteral("audit_log"),
                     QStringLiteral("action = 'alert.acknowledge' AND actor = 'sam' AND subject = 'alert/%1'"
                                    " AND reason = 'looking into the BOM backlog'")
                         .arg(id)),
            1);
        const auto twice = AlertEngine(s.tw.as("sam")).acknowledge("sam", id, "again");
        QVERIFY(!twice.ok());
        QVERIFY2(twice.error().contains(QStringLiteral("already acknowledged")), qPrintable(twice.error()));
        QVERIFY(!AlertEngine(s.tw.as("sam")).acknowledge("sam", 9999, {}).ok());
        // An acknowledged condition alert keeps its status while the condition holds.
        auto r = engine.evaluate();
        QVERIFY(r.ok());
        QCOMPARE(r->refreshed.size(), std::size_t(1));
        QCOMPARE(s.alerts(QStringLiteral("status = 'acknowledged'")), 1);
        auto listed = engine.list("acknowledged");
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), std::size_t(1));
        QCOMPARE(listed.value()[0]["acked_by"].get<std::string>(), std::string("sam"));
    }

    // target_outage_over: one alert per rule and target once the circuit has been open longer than `minutes`,
    // refreshed while it stays open, cleared when it closes; a rule limited to targets ignores the others.
    void targetOutageOverFiresAfterNMinutesAndClears()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        const json rules = { { "rules",
            json::array({ { { "id", "down-15" }, { "kind", "target_outage_over" }, { "minutes", 15 } },
                { { "id", "mes-down-60" }, { "kind", "target_outage_over" }, { "minutes", 60 },
                    { "targets", { "MES-P100" } }, { "severity", "critical" } } }) } };
        QVERIFY(setAlertRules(tw.as("ada"), "ada", rules, "outage rules").ok());
        CircuitStore circuits;
        QString error;
        QVERIFY2(circuits.prepare(tw.db(), error), qPrintable(error));
        const TimeMs opened = at("2026-12-05T10:42:00Z");
        const TimeMs minute = 60 * 1000;
        CircuitRow row;
        row.target = "ERP";
        row.open = true;
        row.openedAt = opened;
        row.lastError = "retryable: connection refused";
        row.probeIntervalMs = 5000;
        row.nextProbeAt = opened + 5000;
        row.incidentId = circuits.openIncident("ERP", opened, "ERP is down", "{}");
        circuits.save(row, opened);
        AlertEngine engine(tw.ws());
        auto alerts = [&](const QString& where) { return count(tw.db(), QStringLiteral("alert"), where); };

        // Open for 15 minutes exactly: not longer than 15, nothing fires.
        auto early = engine.evaluate(opened + 15 * minute);
        QVERIFY2(early.ok(), qPrintable(early.ok() ? QString() : early.error()));
        QVERIFY(early->fired.empty());
        QCOMPARE(alerts({}), 0);
        // 16 minutes: the 15-minute rule fires for ERP; the MES-only rule does not.
        auto fired = engine.evaluate(opened + 16 * minute);
        QVERIFY(fired.ok());
        QCOMPARE(fired->fired.size(), std::size_t(1));
        QCOMPARE(fired->fired[0].dedupKey, std::string("down-15:ERP"));
        QVERIFY2(fired->fired[0].message.find("ERP is down since 2026-12-05T10:42") == 0
                && fired->fired[0].message.find("connection refused") != std::string::npos,
            fired->fired[0].message.c_str());
        QCOMPARE(alerts(QStringLiteral("status = 'open' AND target_id = 'ERP' AND severity = 'high'")), 1);
        // Still down two hours later: the same alert is refreshed, not a second one.
        auto later = engine.evaluate(opened + 120 * minute);
        QVERIFY(later.ok());
        QVERIFY(later->fired.empty());
        QCOMPARE(later->refreshed.size(), std::size_t(1));
        QCOMPARE(alerts({}), 1);
        // MES-P100 down for 61 minutes: both rules fire for it.
        CircuitRow mes = row;
        mes.target = "MES-P100";
        mes.openedAt = opened + 59 * minute;
        mes.incidentId = circuits.openIncident("MES-P100", mes.openedAt, "MES-P100 is down", "{}");
        circuits.save(mes, mes.openedAt);
        auto both = engine.evaluate(opened + 120 * minute);
        QVERIFY(both.ok());
        QCOMPARE(both->fired.size(), std::size_t(2));
        QCOMPARE(alerts(QStringLiteral("status = 'open' AND target_id = 'MES-P100'")), 2);
        QCOMPARE(alerts(QStringLiteral("rule = 'mes-down-60' AND severity = 'critical'")), 1);
        // ERP's circuit closes: its alert clears, MES-P100's stay.
        CircuitRow up;
        up.target = "ERP";
        circuits.save(up, opened + 121 * minute);
        auto cleared = engine.evaluate(opened + 122 * minute);
        QVERIFY(cleared.ok());
        QCOMPARE(cleared->cleared.size(), std::size_t(1));
        QCOMPARE(cleared->cleared[0].dedupKey, std::string("down-15:ERP"));
        QCOMPARE(alerts(QStringLiteral("status = 'cleared'")), 1);
        QCOMPARE(alerts(QStringLiteral("status = 'open'")), 2);
    }

    void targetOutageOverParseErrorsNameTheRuleAndField_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("error");
        QTest::newRow("no minutes") << QStringLiteral("{\"id\": \"down\", \"kind\": \"target_outage_over\"}")
                                    << QStringLiteral("alert rule 'down': target_outage_over needs 'minutes'");
        QTest::newRow("negative") << QStringLiteral(
            "{\"id\": \"down\", \"kind\": \"target_outage_over\", \"minutes\": -1}")
                                  << QStringLiteral("alert rule 'down': target_outage_over needs 'minutes'");
        QTest::newRow("fraction") << QStringLiteral(
            "{\"id\": \"down\", \"kind\": \"target_outage_over\", \"minutes\": 2.5}")
                                  << QStringLiteral("alert rule 'down': target_outage_over needs 'minutes'");
        QTest::newRow("text") << QStringLiteral(
            "{\"id\": \"down\", \"kind\": \"target_outage_over\", \"minutes\": \"15\"}")
                              << QStringLiteral("alert rule 'down': target_outage_over needs 'minutes'");
        QTest::newRow("targets not a list") << QStringLiteral(
            "{\"id\": \"down\", \"kind\": \"target_outage_over\", \"minutes\": 5, \"targets\": \"ERP\"}")
                                            << QStringLiteral("alert rule 'down': 'targets' must be a list of strings");
        QTest::newRow("domains") << QStringLiteral(
            "{\"id\": \"down\", \"kind\": \"target_outage_over\", \"minutes\": 5,"
            " \"domains\": [\"item\"]}")
                                 << QStringLiteral("alert rule 'down': target_outage_over is about targets");
    }
    void targetOutageOverParseErrorsNameTheRuleAndField()
    {
        QFETCH(QString, rule);
        QFETCH(QString, error);
        const json doc = { { "rules", json::array({ json::parse(rule.toStdString()) }) } };
        const auto r = parseAlertRules(doc);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(error), qPrintable(r.error()));
        // The shipped default has one such rule: 15 minutes, severity high.
        const json good = { { "rules",
            json::array({ { { "id", "down" }, { "kind", "target_outage_over" }, { "minutes", 5 },
                { "targets", { "ERP" } } } }) } };
        auto ok = parseAlertRules(good);
        QVERIFY(ok.ok());
        QCOMPARE(ok->at(0).minutes, std::int64_t(5));
        QCOMPARE(ok->at(0).targets, std::vector<std::string> { "ERP" });
        TempWorkspace tw;
        QVERIFY(tw.ok());
        auto defaults = activeAlertRules(tw.ws());
        QVERIFY(defaults.ok());
        const auto it = std::find_if(defaults->begin(), defaults->end(),
            [](const AlertRule& a) { return a.kind == AlertRule::Kind::TargetOutageOver; });
        QVERIFY(it != defaults->end());
        QCOMPARE(it->minutes, std::int64_t(15));
        QCOMPARE(it->severity, std::string("high"));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
