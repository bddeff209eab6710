#include "contract/contract.h"
#include "policy/landscape.h"

#include <QTest>

#include <set>

using namespace mdsync;
using json = nlohmann::json;

class TestContract : public QObject
{
    Q_OBJECT

    std::unique_ptr<CanonicalModel> m_model;
    std::unique_ptr<Landscape> m_landscape;
    std::unique_ptr<ContractSet> m_contracts;

    json builtinDoc()
    {
        QFile f(QStringLiteral(":/mdsync/contracts/default-contracts.json"));
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return json::parse(f.readAll().toStdString());
    }

private slots:
    void initTestCase()
    {
        auto model = CanonicalModel::builtin();
        QVERIFY2(model.ok(), model.ok() ? "" : qPrintable(model.error()));
        m_model = std::make_unique<CanonicalModel>(std::move(model).value());
        auto landscape = Landscape::builtin(*m_model);
        QVERIFY2(landscape.ok(), landscape.ok() ? "" : qPrintable(landscape.error()));
        m_landscape = std::make_unique<Landscape>(std::move(landscape).value());
        auto contracts = ContractSet::builtin(*m_model, *m_landscape);
        QVERIFY2(contracts.ok(), contracts.ok() ? "" : qPrintable(contracts.error()));
        m_contracts = std::make_unique<ContractSet>(std::move(contracts).value());
    }

    void builtinSamplesPass()
    {
        const auto results = m_contracts->runTests(m_model->units());
        QVERIFY(results.size() >= 6);
        for (const auto& r : results)
            QVERIFY2(r.passed,
                (r.contract + " / " + r.name + ": " + (r.differences.empty() ? "" : r.differences.front())).c_str());
    }

    // Issue 17: the built-in contracts are defaults. A landscape without MES-P200 (its subscriptions and the
    // system gone) loads them without the MES-P200 contracts and their samples; a contracts file naming MES-P200
    // is still refused. Subscriptions without a contract are listed as generic.
    void builtinContractsFollowTheLandscape()
    {
        QFile f(QStringLiteral(":/mdsync/landscape/default-landscape.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        json doc = json::parse(f.readAll().toStdString());
        auto drop = [](json& list, const char* field, const std::string& id) {
            json kept = json::array();
            for (const json& e : list)
                if (e.value(field, std::string()) != id)
                    kept.push_back(e);
            list = std::move(kept);
        };
        drop(doc["subscriptions"], "target", "MES-P200");
        drop(doc["systems"], "id", "MES-P200");
        drop(doc["ownership"], "system", "MES-P200");
        // Every subscription of the built-in landscape has a contract; one that asks for a version without one is
        // generic.
        for (json& s : doc["subscriptions"])
            if (s["domain"] == "item" && s["target"] == "QMS")
                s["contract_version"] = "2";
        auto smaller = Landscape::fromJson(doc, QStringLiteral("smaller.json"), *m_model);
        QVERIFY2(smaller.ok(), smaller.ok() ? "" : qPrintable(smaller.error()));

        auto contracts = ContractSet::builtin(*m_model, smaller.value());
        QVERIFY2(contracts.ok(), contracts.ok() ? "" : qPrintable(contracts.error()));
        QVERIFY(!contracts->find("item", "MES-P200", "1"));
        QVERIFY(contracts->find("item", "MES-P100", "1"));
        // item, bom, routing, location and asset to MES-P200 are left out.
        QCOMPARE(contracts->contracts().size(), m_contracts->contracts().size() - 5);
        for (const auto& r : contracts->runTests(m_model->units()))
            QVERIFY2(r.passed && r.contract.find("MES-P200") == std::string::npos, r.contract.c_str());

        // Generic: exactly the subscriptions without a contract for their version (QMS among them).
        std::set<std::string> generic;
        for (const GenericContract& g : contracts->generic()) {
            QVERIFY(!contracts->find(g.domain, g.target, g.version));
            generic.insert(g.subscription);
        }
        for (const SubscriptionDef& s : smaller->subscriptions())
            QCOMPARE(generic.contains(s.id), contracts->find(s.domain, s.target, s.contractVersion) == nullptr);
        QCOMPARE(generic, std::set<std::string> { "item->QMS" });
        QVERIFY(m_contracts->generic().empty()); // the built-in landscape: a contract for each of its subscriptions

        auto strict = ContractSet::fromJson(builtinDoc(), QStringLiteral("c.json"), *m_model, smaller.value());
        QVERIFY(!strict.ok());
        QVERIFY2(strict.error().contains(QStringLiteral("c.json: contracts[2].target: unknown system 'MES-P200'")),
            qPrintable(strict.error()));
    }

    void unitsAndCodesAreMapped()
    {
        const Contract* wms = m_contracts->find("item", "WMS-P100", "1");
        QVERIFY(wms);
        const json state = { { "description", "Bar" }, { "base_uom", "kg" },
            { "net_weight",
                { {
                      "value",
                      1.25,
                  },
                    { "unit", "kg" } } },
            { "length",
                { {
                      "value",
                      2000,
                  },
                    { "unit", "mm" } } },
            { "storage_conditions", "cool" } };
        auto r = wms->map("RM-1", state, m_model->units());
        QVERIFY(r.ok());
        QCOMPARE(r->payload["weightG"].get<std::int64_t>(), std::int64_t(1250));
        QCOMPARE(r->payload["lengthMm"].get<std::int64_t>(), std::int64_t(2000));
        QCOMPARE(r->payload["baseUnit"].get<std::string>(), std::string("KG"));
        QCOMPARE(r->payload["storageClass"].get<std::string>(), std::string("COOL"));
        QVERIFY(!r->payload.contains("status")); // no lifecycle in the state: the field is left out
        QVERIFY(r->warnings.empty());
    }

    void integerFieldOutOfRangeIsBlockingNotUndefined()
    {
        // Found by fuzz_contract: a decimals-0 field cast a double beyond int64 (UBSan: outside the range of 'long').
        const Contract* wms = m_contracts->find("item", "WMS-P100", "1");
        QVERIFY(wms);
        const json state = { { "description", "Bar" }, { "base_uom", "kg" },
            { "width", { { "value", 1.11111e33 }, { "unit", "mm" } } } };
        auto r = wms->map("RM-1", state, m_model->units());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("width"))
                && r.error().contains(QStringLiteral("too large for an integer")),
            qPrintable(r.error()));
    }

    void lossPolicy()
    {
        // WMS: on_loss = warn -> truncation passes with a warning that names the fields and the kept text.
        const Contract* wms = m_contracts->find("item", "WMS-P100", "1");
        const json state = { { "description", "A description that is longer than thirty characters" },
            { "storage_conditions", "ambient" } };
        auto r = wms->map("X-1", state, m_model->units());
        QVERIFY(r.ok());
        QCOMPARE(r->warnings.size(), size_t(1));
        QVERIFY(r->warnings[0].lossy);
        QVERIFY(r->warnings[0].message.find("shortText: description has 51 characters, WMS-P100 keeps 30")
            != std::string::npos);
        // A code with no target value is lossy too: warned for WMS, original value passed on.
        auto u = wms->map("X-1", { { "storage_conditions", "ambient" }, { "base_uom", "DZ" } }, m_model->units());
        QVERIFY(u.ok());
        QCOMPARE(u->payload["baseUnit"].get<std::string>(), std::string("DZ"));
        QVERIFY(u->warnings.at(0).message.find("'DZ' has no value in WMS-P100") != std::string::npos);

        // MES: on_loss = block -> rounding beyond tolerance is a mapping error naming the field.
        const Contract* mes = m_contracts->find("item", "MES-P100", "1");
        QVERIFY(mes);
        auto b = mes->map("FA-1",
            { { "item_type", "ROH" }, { "base_uom", "EA" }, { "lifecycle_status", "released" },
                { "net_weight", { { "value", 0.0214 }, { "unit", "kg" } } } },
            m_model->units());
        QVERIFY(!b.ok());
        QVERIFY2(b.error().contains(QStringLiteral("netWeightKg: net_weight 0.0214 rounds to 0.021")),
            qPrintable(b.error()));
    }

    void requiredFieldBlocksEvenWhenLossIsWarned()
    {
        const Contract* wms = m_contracts->find("item", "WMS-P100", "1");
        auto r = wms->map("X-2", { { "description", "No storage" } }, m_model->units());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(
                     QStringLiteral("storageClass: required by WMS-P100 but storage_conditions has no value")),
            qPrintable(r.error()));
    }

    void tableColumns()
    {
        const Contract* bom = m_contracts->find("bom", "MES-P200", "1");
        QVERIFY(bom);
        auto r = bom->map("B-1",
            { { "parent_item", "FG-1" }, { "plant", "P200" },
                { "components", json::array({ { { "position", 10 }, { "quantity", 2 }, { "uom", "EA" } } }) } },
            m_model->units());
        QVERIFY(!r.ok()); // component is required in each line
        QVERIFY2(r.error().contains(QStringLiteral("lines[0].material: required by MES-P200")), qPrintable(r.error()));
    }

    // Issue 17: "format" concatenates attributes and the key; an absent attribute blocks a required field and
    // leaves an optional one out.
    void formatConcatenates()
    {
        const json doc = { { "contracts",
            json::array({ { { "domain", "item" }, { "target", "WMS-P100" }, { "version", "1" },
                { "fields",
                    json::array({ { { "format", "{description} ({$key})" }, { "to", "label" }, { "required", true } },
                        { { "format", "{{{item_type}}}/{net_weight}" }, { "to", "typeWeight" } },
                        { { "format", "{storage_conditions}-{$key}" }, { "to", "storage" },
                            { "map", { { "dry-K-1", "D1" } } } } }) } } }) } };
        auto set = ContractSet::fromJson(doc, QStringLiteral("f.json"), *m_model, *m_landscape);
        QVERIFY2(set.ok(), set.ok() ? "" : qPrintable(set.error()));
        const Contract* c = set->find("item", "WMS-P100", "1");
        QVERIFY(c);
        auto r = c->map("K-1",
            { { "description", "Pump" }, { "item_type", "FERT" },
                { "net_weight", { { "value", 12.5 }, { "unit", "kg" } } }, { "storage_conditions", "dry" } },
            m_model->units());
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error()));
        QCOMPARE(r->payload["label"].get<std::string>(), std::string("Pump (K-1)"));
        QCOMPARE(r->payload["typeWeight"].get<std::string>(), std::string("{FERT}/12.5 kg"));
        QCOMPARE(r->payload["storage"].get<std::string>(), std::string("D1")); // the format's text is mapped

        // No item_type: the optional field is left out; no description: the required one blocks, naming both.
        auto partial = c->map("K-1", { { "description", "Pump" } }, m_model->units());
        QVERIFY(partial.ok());
        QVERIFY(!partial->payload.contains("typeWeight"));
        auto blocked = c->map("K-2", { { "item_type", "FERT" } }, m_model->units());
        QVERIFY(!blocked.ok());
        QVERIFY2(blocked.error().contains(QStringLiteral(
                     "label: required by WMS-P100 but description has no value (format '{description} ({$key})')")),
            qPrintable(blocked.error()));
    }

    // Issue 17: "date_format" writes an ISO date or date-time in the target's pattern; anything else blocks.
    void dateFormat()
    {
        const json doc = { { "contracts",
            json::array({ { { "domain", "supplier" }, { "target", "QMS" }, { "version", "1" },
                { "fields",
                    json::array({ { { "from", "$key" }, { "to", "id" } },
                        { { "from", "certificate_expiry" }, { "to", "expires" }, { "date_format", "dd.MM.yyyy" } },
                        { { "from", "certificate_expiry" }, { "to", "expiresLong" },
                            { "date_format", "d MMM yyyy 'at' HH:mm" } } }) } } }) } };
        auto set = ContractSet::fromJson(doc, QStringLiteral("d.json"), *m_model, *m_landscape);
        QVERIFY2(set.ok(), set.ok() ? "" : qPrintable(set.error()));
        const Contract* c = set->find("supplier", "QMS", "1");
        QVERIFY(c);
        auto r = c->map("S-1", { { "certificate_expiry", "2027-03-05" } }, m_model->units());
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error()));
        QCOMPARE(r->payload["expires"].get<std::string>(), std::string("05.03.2027"));
        QCOMPARE(r->payload["expiresLong"].get<std::string>(), std::string("5 Mar 2027 at 00:00"));
        // A date-time is written in UTC.
        auto t = c->map("S-1", { { "certificate_expiry", "2027-03-05T23:30:00+02:00" } }, m_model->units());
        QVERIFY(t.ok());
        QCOMPARE(t->payload["expiresLong"].get<std::string>(), std::string("5 Mar 2027 at 21:30"));
        auto bad = c->map("S-2", { { "certificate_expiry", "5.3.2027" } }, m_model->units());
        QVERIFY(!bad.ok());
        QVERIFY2(
            bad.error().contains(QStringLiteral("expires: certificate_expiry value \"5.3.2027\" is not an ISO-8601"
                                                " date (YYYY-MM-DD) or date-time for the date format 'dd.MM.yyyy'")),
            qPrintable(bad.error()));
    }

    void formatAndDateLoadErrors_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown placeholder")
            << QStringLiteral(R"({"format": "{colour}", "to": "x"})")
            << QStringLiteral("contracts[0].fields[0].format: unknown attribute of item 'colour' in {colour}");
        QTest::newRow("unclosed placeholder")
            << QStringLiteral(R"({"format": "{description", "to": "x"})")
            << QStringLiteral("contracts[0].fields[0].format: placeholder at character 1 is not closed");
        QTest::newRow("lone brace") << QStringLiteral(R"({"format": "a}b", "to": "x"})")
                                    << QStringLiteral("contracts[0].fields[0].format: a lone '}' at character 2");
        QTest::newRow("format and from") << QStringLiteral(
            R"({"format": "{description}", "from": "description", "to": "x"})")
                                         << QStringLiteral("contracts[0].fields[0]: needs exactly one of \"from\"");
        QTest::newRow("bad date pattern")
            << QStringLiteral(R"({"from": "description", "date_format": "'day'", "to": "x"})")
            << QStringLiteral("contracts[0].fields[0].date_format: must be a date pattern");
        QTest::newRow("date format on a number")
            << QStringLiteral(R"({"from": "net_weight", "date_format": "yyyy", "to": "x"})")
            << QStringLiteral("contracts[0].fields[0].date_format: needs a date, date-time or string attribute;"
                              " net_weight is not");
    }
    void formatAndDateLoadErrors()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        const json doc = { { "contracts",
            json::array({ { { "domain", "item" }, { "target", "WMS-P100" }, { "version", "1" },
                { "fields", json::array({ json::parse(field.toStdString()) }) } } }) } };
        auto r = ContractSet::fromJson(doc, QStringLiteral("c.json"), *m_model, *m_landscape);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("c.json: ") + expected), qPrintable(r.error()));
    }

    void loadErrorsNamePaths_data()
    {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown attribute")
            << QStringLiteral(R"({"op":"replace","path":"/contracts/0/fields/1/from","value":"colour"})")
            << QStringLiteral("contracts[0].fields[1].from: unknown attribute of item 'colour'");
        QTest::newRow("unit of wrong dimension")
            << QStringLiteral(R"({"op":"replace","path":"/contracts/0/fields/3/unit","value":"mm"})")
            << QStringLiteral("contracts[0].fields[3].unit: 'mm' needs a quantity attribute of dimension length");
        QTest::newRow("no subscription") << QStringLiteral(
            R"({"op":"replace","path":"/contracts/0/target","value":"CRM"})")
                                         << QStringLiteral("contracts[0]: no subscription of CRM to item");
        QTest::newRow("bad on_loss") << QStringLiteral(
            R"({"op":"replace","path":"/contracts/0/on_loss","value":"ignore"})")
                                     << QStringLiteral("contracts[0].on_loss: must be \"block\" or \"warn\"");
        QTest::newRow("bad on_merge")
            << QStringLiteral(R"({"op":"add","path":"/contracts/0/on_merge","value":{"redirect":"replacedBy"}})")
            << QStringLiteral("contracts[0].on_merge: must be \"retire\" or {\"redirect_field\": \"<target field>\"}");
        QTest::newRow("code not in list")
            << QStringLiteral(R"({"op":"add","path":"/contracts/0/fields/7/map/arctic","value":"ARC"})")
            << QStringLiteral("contracts[0].fields[7].map.arctic: 'arctic' is not a code of storage_conditions");
        QTest::newRow("unknown test contract")
            << QStringLiteral(R"({"op":"replace","path":"/tests/0/contract","value":"item->ERP v9"})")
            << QStringLiteral("tests[0].contract: unknown contract 'item->ERP v9'");
    }
    void loadErrorsNamePaths()
    {
        QFETCH(QString, patch);
        QFETCH(QString, expected);
        json doc = builtinDoc();
        QVERIFY(!doc.is_null());
        doc = doc.patch(json::array({ json::parse(patch.toStdString()) }));
        auto r = ContractSet::fromJson(doc, QStringLiteral("c.json"), *m_model, *m_landscape);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("c.json: ") + expected), qPrintable(r.error()));
    }
};

QTEST_GUILESS_MAIN(TestContract)
#include "tst_contract.moc"
