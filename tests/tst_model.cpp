#include "model/canonicalmodel.h"
#include "testutil.h"
#include "util/hash.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace mdsync;
using json = nlohmann::json;

namespace {

QStringList strings(std::initializer_list<const char*> items)
{
    QStringList out;
    for (const char* i : items)
        out << QString::fromUtf8(i);
    return out;
}

QString joinIssues(const std::vector<ValidationIssue>& issues)
{
    QStringList lines;
    for (const auto& i : issues)
        lines << QString::fromStdString(i.path + " | " + i.message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestModel : public QObject
{
    Q_OBJECT

private:
    CanonicalModel m_model;

    const DomainDef& domain(const QString& name)
    {
        const DomainDef* d = m_model.domain(name.toStdString());
        Q_ASSERT(d);
        return *d;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto model = CanonicalModel::builtin();
        QVERIFY2(model.ok(), qPrintable(model.ok() ? QString() : model.error()));
        m_model = std::move(model.value());
    }

    void builtinHasAllDomains()
    {
        QCOMPARE(m_model.version(), std::string("2026.11"));
        QCOMPARE(m_model.domains().size(), size_t(7));
        QCOMPARE(m_model.contentHash().size(), size_t(64));
        QCOMPARE(m_model.contentHash(), sha256Hex(m_model.document().dump()));
        QVERIFY(!m_model.domain("material"));
        QVERIFY(m_model.codeList("plants"));
        QCOMPARE(m_model.codeList("plants")->size(), size_t(3));
        QVERIFY(m_model.units().find("PCS") == nullptr); // deliberately not an alias (a fix rule maps it)
        QCOMPARE(m_model.units().find("ST")->symbol, std::string("EA"));
    }

    void builtinMatchesSourceFile()
    {
        // The compiled-in resource must be the file in the source tree (a stale rcc would fail here).
        const auto fromSource
            = CanonicalModel::fromFile(test::sourcePath(QStringLiteral("resources/model/canonical-model.json")));
        QVERIFY2(fromSource.ok(), qPrintable(fromSource.ok() ? QString() : fromSource.error()));
        QCOMPARE(fromSource->contentHash(), m_model.contentHash());
    }

    void domains_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("keyName");
        QTest::addColumn<QStringList>("groups");
        QTest::addColumn<QString>("initialState");
        QTest::addColumn<QString>("creatorGroup");
        QTest::addColumn<QString>("plantAttribute");

        QTest::newRow("item") << "item"
                              << "item_number"
                              << strings({ "engineering", "lifecycle", "financial", "inventory", "warehouse",
                                     "commercial", "quality" })
                              << "draft"
                              << "engineering"
                              << "plants";
        QTest::newRow("bom") << "bom"
                             << "bom_id" << strings({ "header", "structure", "lifecycle" }) << "draft"
                             << "header"
                             << "plant";
        QTest::newRow("routing") << "routing"
                                 << "routing_id" << strings({ "header", "operations", "lifecycle" }) << "draft"
                                 << "header"
                                 << "plant";
        QTest::newRow("supplier") << "supplier"
                                  << "supplier_number"
                                  << strings({ "general", "banking", "purchasing", "compliance", "lifecycle" })
                                  << "prospect"
                                  << "general"
                                  << "";
        QTest::newRow("customer") << "customer"
                                  << "customer_number" << strings({ "general", "commercial", "financial", "lifecycle" })
                                  << "prospect"
                                  << "general"
                                  << "";
        QTest::newRow("location") << "location"
                                  << "location_id" << strings({ "general", "warehouse", "lifecycle" }) << "active"
                                  << "general"
                                  << "plant";
        QTest::newRow("asset") << "asset"
                               << "asset_number" << strings({ "general", "maintenance", "financial", "lifecycle" })
                               << "in_service"
                               << "general"
                               << "plant";
    }
    void domains()
    {
        QFETCH(QString, name);
        QFETCH(QString, keyName);
        QFETCH(QStringList, groups);
        QFETCH(QString, initialState);
        QFETCH(QString, creatorGroup);
        QFETCH(QString, plantAttribute);

        const DomainDef* d = m_model.domain(name.toStdString());
        QVERIFY(d);
        QCOMPARE(QString::fromStdString(d->keyName), keyName);
        QStringList actualGroups;
        for (const auto& g : d->groups)
            actualGroups << QString::fromStdString(g);
        QCOMPARE(actualGroups, groups);
        QCOMPARE(QString::fromStdString(d->lifecycleAttribute), QStringLiteral("lifecycle_status"));
        QCOMPARE(QString::fromStdString(d->initialState), initialState);
        QCOMPARE(QString::fromStdString(d->creatorGroup), creatorGroup);
        QCOMPARE(QString::fromStdString(d->plantAttribute), plantAttribute);
        QVERIFY(d->keyRegex);
        // Every attribute is reachable through the index and sits in a declared group; order is group, then name.
        QCOMPARE(d->index.size(), d->attributes.size());
        size_t lastRank = 0;
        for (const auto& a : d->attributes) {
            QCOMPARE(d->attribute(a.name), &a);
            const auto rank
                = static_cast<size_t>(std::find(d->groups.begin(), d->groups.end(), a.group) - d->groups.begin());
            QVERIFY2(rank < d->groups.size(), a.name.c_str());
            QVERIFY2(rank >= lastRank, a.name.c_str());
            lastRank = rank;
        }
    }

    void domainDetails()
    {
        const DomainDef& item = domain(QStringLiteral("item"));
        QCOMPARE(item.criticalGroups, std::vector<std::string> { "lifecycle" });
        QCOMPARE(item.duplicateCheck.attributes, (std::vector<std::string> { "description" }));
        QCOMPARE(item.duplicateCheck.identifiers, (std::vector<std::string> { "manufacturer_part_number" }));
        QCOMPARE(item.duplicateCheck.threshold, 0.85);
        QVERIFY(item.duplicateCheck.action == DuplicateCheck::Action::Flag);
        QCOMPARE(item.mandatoryByState.at("released"),
            (std::vector<std::string> {
                "description", "item_type", "base_uom", "material_group", "net_weight", "plants" }));
        const AttributeDef* weight = item.attribute("net_weight");
        QVERIFY(weight);
        QVERIFY(weight->type == AttrType::Quantity);
        QVERIFY(weight->dimension == Dimension::Mass);
        QCOMPARE(weight->canonicalUnit, std::string("kg"));
        QCOMPARE(item.attribute("material_group")->codes.size(), size_t(12));
        QVERIFY(item.attribute("material_group")->codeIndex); // long list: hash lookup

        const DomainDef& supplier = domain(QStringLiteral("supplier"));
        QVERIFY(supplier.duplicateCheck.action == DuplicateCheck::Action::Hold);
        QCOMPARE(supplier.criticalGroups, (std::vector<std::string> { "compliance", "banking" }));
        QVERIFY(!domain(QStringLiteral("bom")).duplicateCheck.enabled());

        const auto refs = domain(QStringLiteral("bom")).references();
        QVERIFY(std::find(refs.begin(), refs.end(), std::make_pair(std::string("parent_item"), std::string("item")))
            != refs.end());
        QVERIFY(std::find(
                    refs.begin(), refs.end(), std::make_pair(std::string("components.component"), std::string("item")))
            != refs.end());
        const AttributeDef* components = domain(QStringLiteral("bom")).attribute("components");
        QCOMPARE(components->tableKey, std::vector<std::string> { "position" });
        QVERIFY(components->column("uom")->required);
        QVERIFY(!components->column("scrap_percent")->required);
    }

    void normalise_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("attribute");
        QTest::addColumn<QString>("input"); // JSON text
        QTest::addColumn<QString>("expected"); // ok: normalised JSON (compared as dump); error: message substring
        QTest::addColumn<QString>("path"); // error: path of the first issue; empty when the value is valid

        // string
        QTest::newRow("string") << "item"
                                << "description"
                                << R"("Pump housing")"
                                << R"("Pump housing")"
                                << "";
        QTest::newRow("string too long") << "item"
                                         << "description" << QStringLiteral("\"%1\"").arg(QString(52, QLatin1Char('x')))
                                         << "description: 52 characters, at most 40 allowed"
                                         << "description";
        QTest::newRow("string counts code points")
            << "item"
            << "description" << QStringLiteral("\"%1\"").arg(QString(40, QChar(0xE4)))
            << QStringLiteral("\"%1\"").arg(QString(40, QChar(0xE4))) << "";
        QTest::newRow("string 41 code points")
            << "item"
            << "description" << QStringLiteral("\"%1\"").arg(QString(41, QChar(0xE4)))
            << "41 characters, at most 40 allowed"
            << "description";
        QTest::newRow("string wrong type") << "item"
                                           << "description"
                                           << "12"
                                           << "description: expected a string, got number 12"
                                           << "description";
        // code
        QTest::newRow("code") << "item"
                              << "item_type"
                              << R"("FERT")"
                              << R"("FERT")"
                              << "";
        QTest::newRow("code unknown")
            << "item"
            << "item_type"
            << R"("XYZ")"
            << "item_type: 'XYZ' is not in code list item_type (FERT, HALB, ROH, HIBE, VERP, DIEN)"
            << "item_type";
        QTest::newRow("code wrong case") << "item"
                                         << "item_type"
                                         << R"("fert")"
                                         << "did you mean 'FERT'?"
                                         << "item_type";
        QTest::newRow("code long list ok") << "item"
                                           << "material_group"
                                           << R"("SERVICE")"
                                           << R"("SERVICE")"
                                           << "";
        QTest::newRow("code long list cut")
            << "item"
            << "material_group"
            << R"("RAW-COPPER")"
            << "'RAW-COPPER' is not in code list material_groups (RAW-STEEL, RAW-ALU, RAW-POLY, ELEC-COMP, FASTENER, "
               "SEMI-MACH, SEMI-ASSY, FG-PUMP, …)"
            << "material_group";
        QTest::newRow("code number") << "item"
                                     << "valuation_class"
                                     << "3000"
                                     << "expected a code (string) of code list valuation_class, got number 3000"
                                     << "valuation_class";
        // code set
        QTest::newRow("codeset sorted") << "item"
                                        << "plants"
                                        << R"(["P300","P100"])"
                                        << R"(["P100","P300"])"
                                        << "";
        QTest::newRow("codeset duplicate") << "item"
                                           << "plants"
                                           << R"(["P100","P100"])"
                                           << "plants[1]: 'P100' appears more than once"
                                           << "plants[1]";
        QTest::newRow("codeset unknown") << "item"
                                         << "plants"
                                         << R"(["P100","P999"])"
                                         << "plants[1]: 'P999' is not in code list plants (P100, P200, P300)"
                                         << "plants[1]";
        QTest::newRow("codeset not array") << "item"
                                           << "plants"
                                           << R"("P100")"
                                           << "plants: expected an array of codes of code list plants"
                                           << "plants";
        // unit
        QTest::newRow("unit alias") << "item"
                                    << "base_uom"
                                    << R"("KG")"
                                    << R"("kg")"
                                    << "";
        QTest::newRow("unit folded") << "item"
                                     << "base_uom"
                                     << R"("each")"
                                     << R"("EA")"
                                     << "";
        QTest::newRow("unit unknown") << "item"
                                      << "base_uom"
                                      << R"("PCS")"
                                      << "base_uom: unknown unit 'PCS' (expected one of EA"
                                      << "base_uom";
        QTest::newRow("unit dimension") << "item"
                                        << "base_uom"
                                        << R"("h")"
                                        << "base_uom: unit 'h' is a time, expected a count, mass, length or volume"
                                        << "base_uom";
        // quantity
        QTest::newRow("quantity object") << "item"
                                         << "length"
                                         << R"({"value":12.5,"unit":"cm"})"
                                         << R"({"unit":"mm","value":125})"
                                         << "";
        QTest::newRow("quantity string") << "item"
                                         << "length"
                                         << R"("12.5 cm")"
                                         << R"({"unit":"mm","value":125})"
                                         << "";
        QTest::newRow("quantity no space") << "item"
                                           << "length"
                                           << R"("12.5cm")"
                                           << R"({"unit":"mm","value":125})"
                                           << "";
        QTest::newRow("quantity lb") << "item"
                                     << "net_weight"
                                     << R"("2 lb")"
                                     << R"({"unit":"kg","value":0.90718474})"
                                     << "";
        QTest::newRow("quantity canonical") << "item"
                                            << "net_weight"
                                            << R"({"value":1.5,"unit":"KG"})"
                                            << R"({"unit":"kg","value":1.5})"
                                            << "";
        QTest::newRow("quantity rounding") << "item"
                                           << "length"
                                           << R"({"value":0.1,"unit":"ft"})"
                                           << R"({"unit":"mm","value":30.48})"
                                           << "";
        QTest::newRow("quantity volume") << "item"
                                         << "volume"
                                         << R"("250 mL")"
                                         << R"({"unit":"L","value":0.25})"
                                         << "";
        QTest::newRow("quantity wrong dimension") << "item"
                                                  << "net_weight"
                                                  << R"({"value":12,"unit":"mm"})"
                                                  << "net_weight: unit 'mm' is a length, expected a mass (e.g. kg)"
                                                  << "net_weight";
        QTest::newRow("quantity plain number")
            << "item"
            << "net_weight"
            << "12"
            << R"(a quantity needs a unit, got the plain number 12 (expected {"value": 12.5, "unit": "kg"} or "12.5 kg"))"
            << "net_weight";
        QTest::newRow("quantity below min") << "item"
                                            << "net_weight"
                                            << R"("-1 kg")"
                                            << "net_weight: -1 kg is below the minimum 0 kg"
                                            << "net_weight";
        QTest::newRow("quantity below min after conversion") << "item"
                                                             << "net_weight"
                                                             << R"("-500 g")"
                                                             << "net_weight: -0.5 kg is below the minimum 0 kg"
                                                             << "net_weight";
        QTest::newRow("quantity garbage") << "item"
                                          << "net_weight"
                                          << R"("twelve kg")"
                                          << "net_weight: 'twelve kg' is not a quantity"
                                          << "net_weight";
        QTest::newRow("quantity value string") << "item"
                                               << "net_weight"
                                               << R"({"value":"12","unit":"kg"})"
                                               << "expected a number as value, got string '12'"
                                               << "net_weight";
        QTest::newRow("quantity unknown unit")
            << "item"
            << "net_weight"
            << R"("3 stone")"
            << "net_weight: unknown unit 'stone' (expected a mass unit such as kg, g, mg"
            << "net_weight";
        QTest::newRow("quantity extra field") << "item"
                                              << "net_weight"
                                              << R"({"value":1,"unit":"kg","tolerance":0.1})"
                                              << "unexpected field 'tolerance'"
                                              << "net_weight";
        QTest::newRow("quantity time")
            << "routing"
            << "operations"
            << R"([{"op_number":10,"work_center":"WC-01","setup_time":"1.5 h"}])"
            << R"([{"op_number":10,"setup_time":{"unit":"min","value":90},"work_center":"WC-01"}])"
            << "";
        // integer
        QTest::newRow("integer") << "item"
                                 << "price_unit"
                                 << "100"
                                 << "100"
                                 << "";
        QTest::newRow("integer as 12.0") << "item"
                                         << "price_unit"
                                         << "12.0"
                                         << "12"
                                         << "";
        QTest::newRow("integer fraction") << "item"
                                          << "price_unit"
                                          << "1.5"
                                          << "price_unit: expected an integer, got number 1.5"
                                          << "price_unit";
        QTest::newRow("integer string") << "item"
                                        << "price_unit"
                                        << R"("12")"
                                        << "price_unit: expected an integer, got string '12'"
                                        << "price_unit";
        QTest::newRow("integer below min") << "item"
                                           << "price_unit"
                                           << "0"
                                           << "price_unit: 0 is below the minimum 1"
                                           << "price_unit";
        // decimal
        QTest::newRow("decimal") << "item"
                                 << "standard_price"
                                 << "12.3456"
                                 << "12.3456"
                                 << "";
        QTest::newRow("decimal integral") << "item"
                                          << "standard_price"
                                          << "12.0"
                                          << "12"
                                          << "";
        QTest::newRow("decimal too many decimals") << "item"
                                                   << "standard_price"
                                                   << "12.34567"
                                                   << "standard_price: 12.34567 has 5 decimals, at most 4 allowed"
                                                   << "standard_price";
        QTest::newRow("decimal string") << "item"
                                        << "standard_price"
                                        << R"("12.5")"
                                        << "standard_price: expected a number, got string '12.5'"
                                        << "standard_price";
        QTest::newRow("decimal below min") << "bom"
                                           << "base_quantity"
                                           << "0"
                                           << "base_quantity: 0 is below the minimum 0.001"
                                           << "base_quantity";
        QTest::newRow("decimal above max")
            << "bom"
            << "components"
            << R"([{"position":1,"component":"ROH-1","quantity":1,"uom":"EA","scrap_percent":101}])"
            << "components[0].scrap_percent: 101 is above the maximum 100"
            << "components[0].scrap_percent";
        // boolean, date
        QTest::newRow("boolean") << "item"
                                 << "stackable"
                                 << "true"
                                 << "true"
                                 << "";
        QTest::newRow("boolean string") << "item"
                                        << "stackable"
                                        << R"("true")"
                                        << "stackable: expected true or false, got string 'true'"
                                        << "stackable";
        QTest::newRow("date") << "bom"
                              << "valid_from"
                              << R"("2026-11-28")"
                              << R"("2026-11-28")"
                              << "";
        QTest::newRow("date impossible") << "bom"
                                         << "valid_from"
                                         << R"("2026-02-30")"
                                         << "valid_from: expected a date YYYY-MM-DD (e.g. 2026-11-28), got '2026-02-30'"
                                         << "valid_from";
        // reference
        QTest::newRow("reference") << "bom"
                                   << "parent_item"
                                   << R"("FG-1000")"
                                   << R"("FG-1000")"
                                   << "";
        QTest::newRow("reference bad key")
            << "bom"
            << "parent_item"
            << R"("ab")"
            << "parent_item: 'ab' is not a valid item key (item_number 'ab' does not match"
            << "parent_item";
        // table
        QTest::newRow("table")
            << "bom"
            << "components"
            << R"([{"position":10,"component":"ROH-1","quantity":2,"uom":"KG"},{"position":20,"component":"ROH-2","quantity":1.5,"uom":"EA","item_category":"L"}])"
            << R"([{"component":"ROH-1","position":10,"quantity":2,"uom":"kg"},{"component":"ROH-2","item_category":"L","position":20,"quantity":1.5,"uom":"EA"}])"
            << "";
        QTest::newRow("table cell type")
            << "bom"
            << "components"
            << R"([{"position":10,"component":"ROH-1","quantity":2,"uom":"EA"},{"position":20,"component":"ROH-2","quantity":1,"uom":"EA"},{"position":30,"component":"ROH-3","quantity":"3","uom":"EA"}])"
            << "components[2].quantity: expected a number, got string"
            << "components[2].quantity";
        QTest::newRow("table unknown column")
            << "bom"
            << "components"
            << R"([{"position":10,"component":"ROH-1","quantity":2,"uom":"EA","colour":"red"}])"
            << "components[0].colour: unknown column of components (expected"
            << "components[0].colour";
        QTest::newRow("table required column") << "bom"
                                               << "components"
                                               << R"([{"position":10,"component":"ROH-1","quantity":2}])"
                                               << "components[0].uom: required column uom is missing"
                                               << "components[0].uom";
        QTest::newRow("table duplicate key")
            << "bom"
            << "components"
            << R"([{"position":10,"component":"ROH-1","quantity":2,"uom":"EA"},{"position":10,"component":"ROH-2","quantity":1,"uom":"EA"}])"
            << "components[1]: duplicate table key position 10 (already used by components[0])"
            << "components[1]";
        QTest::newRow("table row not object") << "bom"
                                              << "components"
                                              << R"(["ROH-1"])"
                                              << "components[0]: expected a row (an object with columns"
                                              << "components[0]";
        QTest::newRow("table not array") << "bom"
                                         << "components"
                                         << R"({"position":1})"
                                         << "components: expected an array of rows"
                                         << "components";
        // null and unknown
        QTest::newRow("null clears") << "item"
                                     << "net_weight"
                                     << "null"
                                     << "null"
                                     << "";
        QTest::newRow("unknown attribute") << "item"
                                           << "colour"
                                           << R"("red")"
                                           << "colour: unknown attribute of domain item"
                                           << "colour";
    }
    void normalise()
    {
        QFETCH(QString, domain);
        QFETCH(QString, attribute);
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QFETCH(QString, path);

        json value = json::parse(input.toStdString());
        std::vector<ValidationIssue> issues;
        const bool ok = m_model.normalise(this->domain(domain), attribute.toStdString(), value, issues);
        QCOMPARE(ok, issues.empty());
        if (path.isEmpty()) {
            QVERIFY2(ok, qPrintable(joinIssues(issues)));
            QCOMPARE(QString::fromStdString(value.dump()),
                QString::fromStdString(json::parse(expected.toStdString()).dump()));
        } else {
            QVERIFY2(!ok, qPrintable(QString::fromStdString(value.dump())));
            QCOMPARE(QString::fromStdString(issues.front().path), path);
            QVERIFY2(QString::fromStdString(issues.front().message).contains(expected), qPrintable(joinIssues(issues)));
            // Every message starts with its path, so a steward can find the field.
            for (const auto& issue : issues)
                QVERIFY2(issue.message.rfind(issue.path + ": ", 0) == 0, issue.message.c_str());
        }
    }

    void integersAreStoredAsIntegers()
    {
        json v = 12.0;
        std::vector<ValidationIssue> issues;
        QVERIFY(m_model.normalise(domain(QStringLiteral("item")), "price_unit", v, issues));
        QVERIFY(v.is_number_integer());
        QCOMPARE(v.get<int>(), 12);
    }

    void tableReportsEveryRow()
    {
        json v = json::parse(R"([{"position":0,"component":"ROH-1","quantity":-1,"uom":"EA"},
                                 {"position":"x","component":"ROH-2","quantity":1,"uom":"EA"}])");
        std::vector<ValidationIssue> issues;
        QVERIFY(!m_model.normalise(domain(QStringLiteral("bom")), "components", v, issues));
        QCOMPARE(issues.size(), size_t(3)); // position 0 < 1, quantity -1 < 0, position "x"
        QCOMPARE(issues[0].path, std::string("components[0].position"));
        QCOMPARE(issues[2].path, std::string("components[1].position"));
    }

    void dateTimeNormalisesToUtc()
    {
        const json doc = json::parse(R"({
            "version": "t1",
            "units": [{"symbol":"EA","dimension":"count","factor":1}],
            "domains": {"event": {
                "key": {"name": "event_id"},
                "groups": ["main"],
                "creator_group": "main",
                "attributes": {"at": {"type": "datetime", "group": "main"}}
            }}})");
        const auto model = CanonicalModel::fromJson(doc, QStringLiteral("t.json"));
        QVERIFY2(model.ok(), qPrintable(model.ok() ? QString() : model.error()));
        const DomainDef& d = *model->domain("event");
        json v = "2026-11-28T07:40:01.5+02:00";
        std::vector<ValidationIssue> issues;
        QVERIFY2(model->normalise(d, "at", v, issues), qPrintable(joinIssues(issues)));
        QCOMPARE(v.get<std::string>(), std::string("2026-11-28T05:40:01.500Z"));
        v = "2026-11-28 07:40";
        QVERIFY(!model->normalise(d, "at", v, issues));
        QVERIFY2(issues.back().message.find("at: expected an RFC 3339 date-time") == 0, issues.back().message.c_str());
        // No lifecycle: nothing is mandatory, no key pattern: any non-empty key up to 40 characters.
        QVERIFY(model->checkMandatory(d, json::object(), issues));
        QCOMPARE(model->checkKey(d, "anything goes"), std::string());
    }

    void checkMandatory_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QStringList>("expected"); // one message (substring) per expected issue, in order

        const QString releasedItem = QStringLiteral(
            R"({"lifecycle_status":"released","description":"Pump","item_type":"FERT","base_uom":"EA",
                "material_group":"FG-PUMP","net_weight":{"value":12,"unit":"kg"},"plants":["P100"]})");
        QTest::newRow("released item complete") << "item" << releasedItem << QStringList();
        QTest::newRow("initial state applies")
            << "item"
            << "{}"
            << strings({ "draft item requires description (missing)", "draft item requires item_type (missing)",
                   "draft item requires base_uom (missing)" });
        QTest::newRow("draft item complete")
            << "item"
            << R"({"description":"Pump","item_type":"FERT","base_uom":"EA"})" << QStringList();
        QTest::newRow("released needs net_weight")
            << "item"
            << R"({"lifecycle_status":"released","description":"Pump","item_type":"FERT","base_uom":"EA","material_group":"FG-PUMP","plants":["P100"]})"
            << strings({ "released item requires net_weight (missing)" });
        QTest::newRow("null counts as missing")
            << "item"
            << R"({"lifecycle_status":"released","description":"Pump","item_type":"FERT","base_uom":"EA","material_group":"FG-PUMP","net_weight":null,"plants":["P100"]})"
            << strings({ "released item requires net_weight (missing)" });
        QTest::newRow("empty plants")
            << "item"
            << R"({"lifecycle_status":"released","description":"Pump","item_type":"FERT","base_uom":"EA","material_group":"FG-PUMP","net_weight":{"value":1,"unit":"kg"},"plants":[]})"
            << strings({ "released item requires plants (empty)" });
        QTest::newRow("invalid state") << "item"
                                       << R"({"lifecycle_status":"frozen"})"
                                       << strings({ "lifecycle_status: 'frozen' is not a lifecycle state of item "
                                                    "(draft, in_review, released, blocked, obsolete)" });
        QTest::newRow("state not a string")
            << "item"
            << R"({"lifecycle_status":3})"
            << strings({ "lifecycle_status: number 3 is not a lifecycle state of item" });
        QTest::newRow("released bom") << "bom"
                                      << R"({"lifecycle_status":"released","parent_item":"FG-1","plant":"P100"})"
                                      << strings({ "released bom requires components (missing)",
                                             "released bom requires base_quantity (missing)",
                                             "released bom requires base_uom (missing)" });
        QTest::newRow("location initial active") << "location"
                                                 << R"({"name":"Hall 1"})"
                                                 << strings({ "active location requires location_type (missing)",
                                                        "active location requires plant (missing)" });
        QTest::newRow("asset planned has no list") << "asset"
                                                   << R"({"lifecycle_status":"planned"})" << QStringList();
        QTest::newRow("supplier approved")
            << "supplier"
            << R"({"lifecycle_status":"approved","name":"ACME","country":"DE"})"
            << strings({ "approved supplier requires tax_id (missing)", "approved supplier requires city (missing)" });
        QTest::newRow("not an object") << "item"
                                       << "[]" << strings({ "attributes: expected an object" });
    }
    void checkMandatory()
    {
        QFETCH(QString, domain);
        QFETCH(QString, state);
        QFETCH(QStringList, expected);

        std::vector<ValidationIssue> issues;
        const bool ok = m_model.checkMandatory(this->domain(domain), json::parse(state.toStdString()), issues);
        QCOMPARE(ok, expected.isEmpty());
        QVERIFY2(issues.size() == size_t(expected.size()), qPrintable(joinIssues(issues)));
        for (qsizetype i = 0; i < expected.size(); ++i)
            QVERIFY2(QString::fromStdString(issues[size_t(i)].message).contains(expected[i]),
                qPrintable(joinIssues(issues)));
    }

    void checkKey_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected"); // empty: valid

        QTest::newRow("item ok") << "item"
                                 << "FG-1000"
                                 << "";
        QTest::newRow("item dots") << "item"
                                   << "ROH.100_A"
                                   << "";
        QTest::newRow("item empty") << "item"
                                    << ""
                                    << "item_number is empty";
        QTest::newRow("item pattern") << "item"
                                      << "ab"
                                      << "item_number 'ab' does not match ^[A-Z0-9][A-Z0-9._-]{2,39}$";
        QTest::newRow("item slash") << "item"
                                    << "FG-1000/P100"
                                    << "item_number 'FG-1000/P100' does not match";
        QTest::newRow("item trailing newline") << "item"
                                               << "FG-1000\n"
                                               << "contains the control character U+000A at character 8";
        QTest::newRow("item too long") << "item" << QString(41, QLatin1Char('A'))
                                       << QStringLiteral("item_number '%1' has 41 characters, at most 40 allowed")
                                              .arg(QString(41, QLatin1Char('A')));
        QTest::newRow("bom ok") << "bom"
                                << "FG-1000/P100/1"
                                << "";
        QTest::newRow("supplier lower case") << "supplier"
                                             << "s-100"
                                             << "supplier_number 's-100' does not match";
        QTest::newRow("location two chars") << "location"
                                            << "P1"
                                            << "";
    }
    void checkKey()
    {
        QFETCH(QString, domain);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        const QString actual = QString::fromStdString(m_model.checkKey(this->domain(domain), key.toStdString()));
        if (expected.isEmpty())
            QCOMPARE(actual, QString());
        else
            QVERIFY2(actual.contains(expected), qPrintable(actual));
    }

    void fromJsonErrors_data()
    {
        QTest::addColumn<QString>("pointer"); // JSON pointer into the built-in document
        QTest::addColumn<QString>("value"); // JSON text to put there; "<remove>" erases it
        QTest::addColumn<QString>("expected"); // substring of the error

        QTest::newRow("unknown dimension")
            << "/domains/item/attributes/net_weight/dimension"
            << R"("weight")"
            << "test-model.json: domains.item.attributes.net_weight.dimension: unknown dimension 'weight' (expected "
               "count, mass, length, volume, time)";
        QTest::newRow("unknown group")
            << "/domains/item/attributes/description/group"
            << R"("design")"
            << "test-model.json: domains.item.attributes.description.group: unknown group 'design'";
        QTest::newRow("unknown code list")
            << "/domains/item/attributes/material_group/code_list"
            << R"("material_group")"
            << "domains.item.attributes.material_group.code_list: unknown code list 'material_group'";
        QTest::newRow("mandatory attribute unknown")
            << "/domains/item/lifecycle/mandatory/released/5"
            << R"("plant")"
            << "domains.item.lifecycle.mandatory.released[5]: unknown attribute 'plant' of domain item";
        QTest::newRow("mandatory state unknown")
            << "/domains/item/lifecycle/mandatory/approved"
            << R"(["description"])"
            << "domains.item.lifecycle.mandatory.approved: unknown state 'approved'";
        QTest::newRow("states differ from codes")
            << "/domains/item/lifecycle/states/4"
            << R"("retired")"
            << "domains.item.lifecycle.states: states (draft, in_review, released, blocked, retired) differ from the "
               "codes of lifecycle_status";
        QTest::newRow("lifecycle attribute not a code")
            << "/domains/item/lifecycle/attribute"
            << R"("description")"
            << "domains.item.lifecycle.attribute: attribute 'description' must be of type code";
        QTest::newRow("initial not a state")
            << "/domains/bom/lifecycle/initial"
            << R"("new")"
            << "domains.bom.lifecycle.initial: initial state 'new' is not one of the states";
        QTest::newRow("creator group unknown") << "/domains/bom/creator_group"
                                               << R"("structures")"
                                               << "domains.bom.creator_group: unknown group 'structures'";
        QTest::newRow("critical group unknown") << "/domains/supplier/critical_groups/1"
                                                << R"("bank")"
                                                << "domains.supplier.critical_groups[1]: unknown group 'bank'";
        QTest::newRow("plant attribute unknown")
            << "/domains/asset/plant_attribute"
            << R"("plants")"
            << "domains.asset.plant_attribute: unknown attribute 'plants' of domain asset";
        QTest::newRow("plant attribute wrong type") << "/domains/asset/plant_attribute"
                                                    << R"("description")"
                                                    << "must be of type code or codeset, is string";
        QTest::newRow("duplicate check attribute")
            << "/domains/supplier/duplicate_check/identifiers/0"
            << R"("vat_id")"
            << "domains.supplier.duplicate_check.identifiers[0]: unknown attribute 'vat_id' of domain supplier";
        QTest::newRow("duplicate check action")
            << "/domains/supplier/duplicate_check/action"
            << R"("block")"
            << "domains.supplier.duplicate_check.action: unknown action 'block' (expected flag or hold)";
        QTest::newRow("ref domain unknown")
            << "/domains/bom/attributes/parent_item/ref_domain"
            << R"("material")"
            << "domains.bom.attributes.parent_item.ref_domain: unknown domain 'material'";
        QTest::newRow("canonical unit wrong dimension")
            << "/domains/item/attributes/net_weight/unit"
            << R"("mm")"
            << "domains.item.attributes.net_weight.unit: unit 'mm' is a length, but the attribute's dimension is mass";
        QTest::newRow("canonical unit unknown") << "/domains/item/attributes/net_weight/unit"
                                                << R"("kilo")"
                                                << "domains.item.attributes.net_weight.unit: unknown unit 'kilo'";
        QTest::newRow("table key not a column")
            << "/domains/bom/attributes/components/table_key/0"
            << R"("pos")"
            << "domains.bom.attributes.components.table_key[0]: unknown column 'pos'";
        QTest::newRow("column type unknown")
            << "/domains/bom/attributes/components/columns/quantity/type"
            << R"("float")"
            << "domains.bom.attributes.components.columns.quantity.type: unknown type 'float'";
        QTest::newRow("field typo")
            << "/domains/item/attributes/description/max_lenght"
            << "40"
            << "domains.item.attributes.description.max_lenght: field does not apply to an attribute of type string";
        QTest::newRow("code attribute without codes")
            << "/domains/item/attributes/item_type/codes"
            << "<remove>"
            << "domains.item.attributes.item_type: a code attribute needs exactly one of";
        QTest::newRow("bad key pattern") << "/domains/item/key/pattern"
                                         << "\"^[A-Z\"" // (moc mis-lexes "[" in raw strings)
                                         << "domains.item.key.pattern: invalid regular expression '^[A-Z'";
        QTest::newRow("key is an attribute")
            << "/domains/item/key/name"
            << R"("description")"
            << "domains.item.key.name: the key 'description' must not also be an attribute";
        QTest::newRow("unit without base") << "/units/20/factor"
                                           << "2"
                                           << "units: dimension 'time' has no base unit";
        QTest::newRow("missing version") << "/version"
                                         << "<remove>"
                                         << "test-model.json: version: missing";
        QTest::newRow("empty code list") << "/code_lists/plants"
                                         << "[]"
                                         << "code_lists.plants: must not be empty";
        QTest::newRow("min above max")
            << "/domains/bom/attributes/components/columns/scrap_percent/min"
            << "200"
            << "domains.bom.attributes.components.columns.scrap_percent: min 200 is greater than max 100";
    }
    void fromJsonErrors()
    {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, expected);

        json doc = m_model.document();
        const json::json_pointer ptr(pointer.toStdString());
        if (value == QLatin1String("<remove>"))
            doc[ptr.parent_pointer()].erase(ptr.back());
        else
            doc[ptr] = json::parse(value.toStdString());
        const auto model = CanonicalModel::fromJson(doc, QStringLiteral("test-model.json"));
        QVERIFY(!model.ok());
        QVERIFY2(model.error().contains(expected), qPrintable(model.ok() ? QString() : model.error()));
    }

    void fromJsonAcceptsItsOwnDocument()
    {
        const auto again = CanonicalModel::fromJson(m_model.document(), QStringLiteral("copy.json"));
        QVERIFY2(again.ok(), qPrintable(again.ok() ? QString() : again.error()));
        QCOMPARE(again->contentHash(), m_model.contentHash());
        json changed = m_model.document();
        changed["version"] = "2026.12";
        const auto other = CanonicalModel::fromJson(changed, QStringLiteral("changed.json"));
        QVERIFY(other.ok());
        QVERIFY(other->contentHash() != m_model.contentHash());
    }

    void fromFileErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto write = [&](const QString& name, const QByteArray& bytes) {
            QFile f(dir.filePath(name));
            if (!f.open(QIODevice::WriteOnly))
                return QString();
            f.write(bytes);
            return f.fileName();
        };

        const auto missing = CanonicalModel::fromFile(dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing.ok());
        QVERIFY2(missing.error().contains(QLatin1String("nope.json: cannot open the model")),
            qPrintable(missing.ok() ? QString() : missing.error()));

        const QString broken
            = write(QStringLiteral("broken.json"), QByteArrayLiteral("{\n  \"version\": \"x\",\n  \"units\": [\n}"));
        const auto bad = CanonicalModel::fromFile(broken);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QLatin1String("broken.json: invalid JSON: parse error at line 4")),
            qPrintable(bad.ok() ? QString() : bad.error()));

        // nlohmann keeps the last of two equal keys silently; the loader must refuse.
        std::string text = m_model.document().dump(2);
        const std::string needle = "\"description\": {";
        const auto pos = text.find(needle);
        QVERIFY(pos != std::string::npos);
        text.insert(pos,
            R"("description": {"type": "string", "group": "engineering"},)"
            "\n");
        const QString dup = write(QStringLiteral("dup.json"), QByteArray::fromStdString(text));
        const auto dupModel = CanonicalModel::fromFile(dup);
        QVERIFY(!dupModel.ok());
        QVERIFY2(
            dupModel.error().contains(QLatin1String("dup.json: domains.asset.attributes.description: duplicate key")),
            qPrintable(dupModel.ok() ? QString() : dupModel.error()));
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
