// Landscape: loading the built-in default, ownership at time, subscriptions and their filters, batch windows,
// enrichment rules, and every cross-check error a plant IT engineer can make in a landscape file.

#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "testutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace mdsync;
using namespace Qt::StringLiterals;
using nlohmann::json;

namespace {

TimeMs at(const char* rfc3339)
{
    const auto t = parseRfc3339(rfc3339);
    if (!t)
        qFatal("bad time literal in test: %s", rfc3339);
    return *t;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

// QVERIFY2 evaluates its message even when the check passes: never call error() on a good result.
template<typename T> QString errorOf(const Result<T>& r)
{
    return r.ok() ? QString() : r.error();
}

// JSON values are compared through their dump: QCOMPARE cannot print (or even overload-resolve) json.
QString dumped(const json& v)
{
    return QString::fromStdString(v.dump());
}

} // namespace

class TestLandscape : public QObject
{
    Q_OBJECT

private:
    std::optional<CanonicalModel> m_model;
    json m_doc; // resources/landscape/default-landscape.json as in the source tree

    const CanonicalModel& model() const { return *m_model; }

    // The default document with an RFC 6902 JSON patch applied.
    json patched(const QString& patch) const { return m_doc.patch(json::parse(patch.toStdString())); }

    Landscape load(const json& doc) const
    {
        auto r = Landscape::fromJson(doc, QStringLiteral("default-landscape.json"), model());
        if (!r)
            qFatal("landscape should load: %s", qPrintable(errorOf(r)));
        return std::move(r).value();
    }

    const SubscriptionDef* sub(const Landscape& ls, const std::string& id) const
    {
        for (const auto& s : ls.subscriptions())
            if (s.id == id)
                return &s;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        auto m = CanonicalModel::builtin();
        QVERIFY2(m.ok(), qPrintable(errorOf(m)));
        m_model.emplace(std::move(m).value());

        QFile f(test::sourcePath(QStringLiteral("resources/landscape/default-landscape.json")));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QByteArray bytes = f.readAll();
        m_doc = json::parse(bytes.constBegin(), bytes.constEnd());
    }

    void builtinLoads()
    {
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const Landscape& ls = r.value();
        QCOMPARE(dumped(ls.document()), dumped(m_doc)); // the compiled-in resource is the file in the source tree
        QCOMPARE(q(ls.name()), QStringLiteral("Demo Manufacturing Group"));
        QCOMPARE(q(ls.version()), QStringLiteral("1"));
        QCOMPARE(ls.plants(), (std::vector<std::string> { "P100", "P200", "P300" }));

        const std::vector<std::string> ids { "PLM", "ERP", "MES-P100", "MES-P200", "WMS-P100", "CRM", "QMS",
            "ANALYTICS", "SUPPLIER-PORTAL" };
        QCOMPARE(ls.systems().size(), ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
            QCOMPARE(q(ls.systems()[i].id), q(ids[i]));
            QVERIFY(ls.system(ids[i]) == &ls.systems()[i]);
            QVERIFY(!ls.systems()[i].name.empty());
            QVERIFY(ls.systems()[i].connector.is_object());
        }
        QVERIFY(ls.system("MES-P900") == nullptr);
        QCOMPARE(ls.system("MES-P100")->plants, std::vector<std::string> { "P100" });
        QCOMPARE(q(ls.system("MES-P100")->kind), QStringLiteral("MES"));
        QVERIFY(ls.system("SUPPLIER-PORTAL")->rateLimitPerSecond > 0);
        QVERIFY(ls.system("ANALYTICS")->rateLimitPerSecond < 1);
        QCOMPARE(ls.system("ANALYTICS")->maxConcurrency, 1);
        QVERIFY(!ls.system("ANALYTICS")->inbound);
        QVERIFY(ls.system("PLM")->inbound);
        QCOMPARE(ls.system("PLM")->rateLimitPerSecond, 0.0);

        QCOMPARE(ls.ownership().size(), size_t(30));
        QCOMPARE(ls.subscriptions().size(), size_t(25));
        QCOMPARE(ls.enrichmentRules().size(), size_t(16));

        // Every group of every domain has a system of record today (otherwise nobody could send it).
        for (const DomainDef& d : model().domains())
            for (const std::string& g : d.groups)
                QVERIFY2(ls.owner(d.name, g, at("2025-06-01T00:00:00Z")) != nullptr, qPrintable(q(d.name + "." + g)));
    }

    void owner_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("time");
        QTest::addColumn<QString>("expected"); // empty = nobody

        QTest::newRow("commercial long before") << "item"
                                                << "commercial"
                                                << "2020-01-01T00:00:00Z"
                                                << "ERP";
        QTest::newRow("commercial 1 ms before change") << "item"
                                                       << "commercial"
                                                       << "2025-12-31T23:59:59.999Z"
                                                       << "ERP";
        QTest::newRow("commercial at change") << "item"
                                              << "commercial"
                                              << "2026-01-01T00:00:00Z"
                                              << "CRM";
        QTest::newRow("commercial at change, +01:00 offset") << "item"
                                                             << "commercial"
                                                             << "2026-01-01T00:00:00+01:00"
                                                             << "ERP";
        QTest::newRow("commercial after change") << "item"
                                                 << "commercial"
                                                 << "2030-06-15T12:00:00Z"
                                                 << "CRM";
        QTest::newRow("engineering at epoch") << "item"
                                              << "engineering"
                                              << "1970-01-01T00:00:00Z"
                                              << "PLM";
        QTest::newRow("item warehouse") << "item"
                                        << "warehouse"
                                        << "2026-03-01T00:00:00Z"
                                        << "WMS-P100";
        QTest::newRow("supplier general") << "supplier"
                                          << "general"
                                          << "2026-03-01T00:00:00Z"
                                          << "SUPPLIER-PORTAL";
        QTest::newRow("customer financial") << "customer"
                                            << "financial"
                                            << "2026-03-01T00:00:00Z"
                                            << "ERP";
        QTest::newRow("unknown group") << "item"
                                       << "design"
                                       << "2026-03-01T00:00:00Z"
                                       << "";
        QTest::newRow("unknown domain") << "material"
                                        << "engineering"
                                        << "2026-03-01T00:00:00Z"
                                        << "";
    }

    void owner()
    {
        QFETCH(QString, domain);
        QFETCH(QString, group);
        QFETCH(QString, time);
        QFETCH(QString, expected);
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const SystemDef* o = r->owner(domain.toStdString(), group.toStdString(), at(time.toUtf8().constData()));
        QCOMPARE(o ? q(o->id) : QString(), expected);
    }

    void ownerGapAndCopy()
    {
        // item.financial owned by ERP only from 2025: before that nobody owns it.
        const Landscape ls = load(patched(
            QStringLiteral(R"([{"op":"add","path":"/ownership/2/valid_from","value":"2025-01-01T00:00:00Z"}])")));
        QVERIFY(ls.owner("item", "financial", at("2024-12-31T23:59:59Z")) == nullptr);
        QCOMPARE(q(ls.owner("item", "financial", at("2025-01-01T00:00:00Z"))->id), QStringLiteral("ERP"));

        // A copy answers with its own systems, not the original's.
        const Landscape copy = ls;
        const SystemDef* o = copy.owner("item", "financial", at("2025-06-01T00:00:00Z"));
        QVERIFY(o >= copy.systems().data() && o < copy.systems().data() + copy.systems().size());
    }

    void crossCheckErrors_data()
    {
        QTest::addColumn<QString>("patch"); // RFC 6902 patch applied to the default document
        QTest::addColumn<QString>("expected"); // must appear in the error message (after the origin)

        auto row = [](const char* name, const char* patch, const char* expected) {
            QTest::newRow(name) << QString::fromUtf8(patch) << QString::fromUtf8(expected);
        };
        row("duplicate system id", R"([{"op":"replace","path":"/systems/3/id","value":"MES-P100"}])",
            "systems[3].id: duplicate system id 'MES-P100' (first defined at systems[2])");
        row("unknown system kind", R"([{"op":"replace","path":"/systems/0/kind","value":"Mainframe"}])",
            "systems[0].kind: unknown kind 'Mainframe'");
        row("unknown plant of a system", R"([{"op":"replace","path":"/systems/2/plants","value":["P101"]}])",
            "systems[2].plants[0]: unknown plant 'P101'");
        row("unknown subscription target", R"([{"op":"replace","path":"/subscriptions/3/target","value":"MES-P900"}])",
            "subscriptions[3].target: unknown system 'MES-P900'");
        row("unknown ownership system", R"([{"op":"replace","path":"/ownership/0/system","value":"PLMX"}])",
            "ownership[0].system: unknown system 'PLMX'");
        row("outbound-only owner", R"([{"op":"replace","path":"/ownership/0/system","value":"ANALYTICS"}])",
            "ownership[0].system: system 'ANALYTICS' is not inbound");
        row("unknown rule system", R"([{"op":"replace","path":"/enrichment_rules/11/system","value":"FINANCE"}])",
            "enrichment_rules[11].system: unknown system 'FINANCE'");
        row("unknown domain", R"([{"op":"replace","path":"/subscriptions/0/domain","value":"material"}])",
            "subscriptions[0].domain: unknown domain 'material'");
        row("unknown group", R"([{"op":"replace","path":"/ownership/0/group","value":"design"}])",
            "ownership[0].group: domain 'item' has no attribute group 'design'");
        row("unknown set attribute",
            R"([{"op":"replace","path":"/enrichment_rules/11/set","value":{"price_units":1}}])",
            "enrichment_rules[11].set.price_units: unknown attribute 'price_units' of domain 'item'");
        row("unknown when attribute",
            R"([{"op":"replace","path":"/enrichment_rules/0/when","value":{"materialgroup":"RAW-STEEL"}}])",
            "enrichment_rules[0].when.materialgroup: unknown attribute 'materialgroup'");
        row("invalid set value",
            R"([{"op":"replace","path":"/enrichment_rules/0/set/valuation_class","value":"3999"}])",
            "enrichment_rules[0].set.valuation_class: invalid value \"3999\"");
        row("invalid when value", R"([{"op":"replace","path":"/enrichment_rules/12/when/item_type","value":"XXXX"}])",
            "enrichment_rules[12].when.item_type: invalid value \"XXXX\"");
        row("null set value", R"([{"op":"replace","path":"/enrichment_rules/11/set/price_unit","value":null}])",
            "enrichment_rules[11].set.price_unit: an enrichment rule cannot clear an attribute");
        row("unknown plant in filter", R"([{"op":"replace","path":"/subscriptions/1/filter/plants","value":["P900"]}])",
            "subscriptions[1].filter.plants[0]: unknown plant 'P900'");
        row("plant filter without plant attribute",
            R"([{"op":"add","path":"/subscriptions/13/filter","value":{"plants":["P100"]}}])",
            "subscriptions[13].filter.plants: domain 'supplier' has no plant attribute");
        row("unknown lifecycle state",
            R"([{"op":"replace","path":"/subscriptions/1/filter/lifecycle_states/0","value":"approved"}])",
            "subscriptions[1].filter.lifecycle_states[0]: unknown lifecycle state 'approved' of domain 'item'");
        row("overlapping ownership",
            R"([{"op":"replace","path":"/ownership/5/valid_to","value":"2026-06-01T00:00:00Z"}])",
            "ownership[6]: ownership of item.commercial by CRM [2026-01-01T00:00:00.000Z, forever) overlaps "
            "ownership[5] (ERP [beginning, 2026-06-01T00:00:00.000Z))");
        row("two open-ended owners",
            R"([{"op":"add","path":"/ownership/-","value":{"domain":"item","group":"engineering","system":"ERP"}}])",
            "ownership[30]: ownership of item.engineering by ERP [beginning, forever) overlaps ownership[0] (PLM");
        row("valid_to before valid_from",
            R"([{"op":"replace","path":"/ownership/6/valid_from","value":"2026-01-01T00:00:00Z"},
                {"op":"add","path":"/ownership/6/valid_to","value":"2025-01-01T00:00:00Z"}])",
            "ownership[6].valid_to: must be later than valid_from (2026-01-01T00:00:00.000Z)");
        row("empty validity", R"([{"op":"add","path":"/ownership/6/valid_to","value":"2026-01-01T01:00:00+01:00"}])",
            "ownership[6].valid_to: must be later than valid_from");
        row("time without offset", R"([{"op":"replace","path":"/ownership/6/valid_from","value":"2026-01-01"}])",
            "ownership[6].valid_from: invalid time '2026-01-01'");
        row("window on an event subscription",
            R"([{"op":"add","path":"/subscriptions/0/window","value":{"start":"01:00","end":"03:00"}}])",
            "subscriptions[0].window: only a scheduled_batch subscription has a window (pattern is event)");
        row("batch without window", R"([{"op":"remove","path":"/subscriptions/5/window"}])",
            "subscriptions[5].window: missing: a scheduled_batch subscription needs a UTC window");
        row("batch window bad time", R"([{"op":"replace","path":"/subscriptions/5/window/start","value":"25:00"}])",
            "subscriptions[5].window.start: invalid time of day '25:00'");
        row("batch window empty", R"([{"op":"replace","path":"/subscriptions/5/window/end","value":"01:00"}])",
            "subscriptions[5].window: start and end must differ");
        row("duplicate subscription id", R"([{"op":"add","path":"/subscriptions/1/id","value":"item->ERP"}])",
            "subscriptions[1].id: duplicate subscription id 'item->ERP' (also subscriptions[0])");
        row("duplicate domain and target",
            R"([{"op":"add","path":"/subscriptions/-","value":{"id":"item-erp-2","domain":"item","target":"ERP"}}])",
            "subscriptions[25].target: system 'ERP' already subscribes to domain 'item' at subscriptions[0]");
        row("unknown pattern", R"([{"op":"replace","path":"/subscriptions/0/pattern","value":"push"}])",
            "subscriptions[0].pattern: unknown pattern 'push'");
        row("unknown criticality", R"([{"op":"replace","path":"/subscriptions/0/criticality","value":"urgent"}])",
            "subscriptions[0].criticality: unknown criticality 'urgent'");
        row("misspelt field", R"([{"op":"add","path":"/ownership/5/valid_unti","value":"2026-01-01T00:00:00Z"}])",
            "ownership[5].valid_unti: unknown field");
        row("sla not a number", R"([{"op":"replace","path":"/subscriptions/0/sla_minutes","value":"15"}])",
            "subscriptions[0].sla_minutes: must be a whole number, not string");
        row("rule system is not the owner", R"([{"op":"replace","path":"/enrichment_rules/12/system","value":"ERP"}])",
            "enrichment_rules[12].set.storage_conditions: rule system 'ERP' sets item.storage_conditions of group "
            "'warehouse', but ownership[4] makes 'WMS-P100' its system of record");
        row("rule system owns only part of the history",
            R"([{"op":"add","path":"/enrichment_rules/-","value":{"id":"sales-status","domain":"item","system":"ERP",
                 "set":{"sales_status":"active"}}}])",
            "enrichment_rules[16].set.sales_status: rule system 'ERP' sets item.sales_status of group 'commercial', "
            "but ownership[6] makes 'CRM' its system of record [2026-01-01T00:00:00.000Z, forever)");
        row("rule on a group nobody owns",
            R"([{"op":"remove","path":"/ownership/7"},
                {"op":"remove","path":"/enrichment_rules/15"},
                {"op":"add","path":"/enrichment_rules/-","value":{"id":"shelf","domain":"item","system":"QMS",
                 "set":{"shelf_life_days":365}}}])",
            "enrichment_rules[15].set.shelf_life_days: no ownership entry names a system of record for item.quality");
        row("duplicate rule id",
            R"([{"op":"replace","path":"/enrichment_rules/1/id","value":"item.valuation_class.raw-steel"}])",
            "enrichment_rules[1].id: duplicate enrichment rule id 'item.valuation_class.raw-steel'");
        row("unknown rule mode", R"([{"op":"replace","path":"/enrichment_rules/0/mode","value":"always"}])",
            "enrichment_rules[0].mode: unknown mode 'always'");
        row("rule without set", R"([{"op":"remove","path":"/enrichment_rules/0/set"}])",
            "enrichment_rules[0].set: missing");
        row("initial load not an object", R"([{"op":"add","path":"/systems/1/initial_load","value":500}])",
            R"(systems[1].initial_load: must be an object like {"chunk": 500, "max_open": 2000}, not number)");
        row("initial load max_open below chunk",
            R"([{"op":"add","path":"/systems/1/initial_load","value":{"chunk":100,"max_open":50}}])",
            "systems[1].initial_load.max_open: must be between 100 and 1000000, not 50");
        row("initial load unknown key", R"([{"op":"add","path":"/systems/1/initial_load","value":{"window":10}}])",
            "systems[1].initial_load.window: unknown");
        row("missing name", R"([{"op":"remove","path":"/name"}])", "name: missing");
        row("systems not an array", R"([{"op":"replace","path":"/systems","value":{}}])",
            "systems: must be an array, not object");
    }

    void crossCheckErrors()
    {
        QFETCH(QString, patch);
        QFETCH(QString, expected);
        const json doc = patched(patch);
        auto r = Landscape::fromJson(doc, QStringLiteral("default-landscape.json"), model());
        QVERIFY2(!r.ok(), "a broken document must not load");
        const QString want = QStringLiteral("default-landscape.json: ") + expected;
        QVERIFY2(r.error().contains(want),
            qPrintable(QStringLiteral("expected\n  ") + want + QStringLiteral("\nin\n  ") + r.error()));
    }

    void oneErrorPerMistake()
    {
        // An unreadable time must not default to "always" and then be reported again as an overlap.
        auto r = Landscape::fromJson(
            patched(QStringLiteral(R"([{"op":"replace","path":"/ownership/6/valid_from","value":"2026-01-01"}])")),
            QStringLiteral("default-landscape.json"), model());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().count(u'\n'), 0);

        // Several independent mistakes are all reported, one line each.
        r = Landscape::fromJson(
            patched(QStringLiteral(R"([{"op":"replace","path":"/subscriptions/0/pattern","value":"push"},
                {"op":"replace","path":"/ownership/0/group","value":"design"}])")),
            QStringLiteral("default-landscape.json"), model());
        QVERIFY(!r.ok());
        QCOMPARE(r.error().count(u'\n'), 1);
    }

    void fileErrors()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(QStringLiteral("missing.json"));
        auto r = Landscape::fromFile(missing, model());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(missing + QStringLiteral(": cannot open")), qPrintable(errorOf(r)));

        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\n  \"version\": \"1\",\n  \"name\": \"x\"\n  \"systems\": []\n}\n");
        f.close();
        r = Landscape::fromFile(broken, model());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(broken + QStringLiteral(": invalid JSON")), qPrintable(errorOf(r)));
        QVERIFY2(r.error().contains(QStringLiteral("line 4")), qPrintable(errorOf(r)));

        // A valid file loads with the file's path as origin of later errors.
        const QString good = dir.filePath(QStringLiteral("good.json"));
        QFile g(good);
        QVERIFY(g.open(QIODevice::WriteOnly));
        g.write(QByteArray::fromStdString(m_doc.dump(2)));
        g.close();
        auto ok = Landscape::fromFile(good, model());
        QVERIFY2(ok.ok(), qPrintable(errorOf(ok)));
        QCOMPARE(q(ok->contentHash()), q(load(m_doc).contentHash()));
    }

    void subscriptionsFor_data()
    {
        QTest::addColumn<QString>("domain");
        QTest::addColumn<QStringList>("targets");
        QTest::newRow("item") << "item"
                              << QStringList { u"ERP"_s, u"MES-P100"_s, u"MES-P200"_s, u"WMS-P100"_s, u"QMS"_s,
                                     u"ANALYTICS"_s };
        QTest::newRow("bom") << "bom" << QStringList { u"ERP"_s, u"MES-P100"_s, u"MES-P200"_s, u"ANALYTICS"_s };
        QTest::newRow("routing") << "routing" << QStringList { u"ERP"_s, u"MES-P100"_s, u"MES-P200"_s };
        QTest::newRow("supplier") << "supplier" << QStringList { u"ERP"_s, u"QMS"_s, u"ANALYTICS"_s };
        QTest::newRow("customer") << "customer" << QStringList { u"ERP"_s, u"ANALYTICS"_s };
        QTest::newRow("location") << "location"
                                  << QStringList { u"ERP"_s, u"WMS-P100"_s, u"MES-P100"_s, u"MES-P200"_s };
        QTest::newRow("asset") << "asset" << QStringList { u"MES-P100"_s, u"MES-P200"_s, u"ANALYTICS"_s };
        QTest::newRow("unknown") << "material" << QStringList {};
    }

    void subscriptionsFor()
    {
        QFETCH(QString, domain);
        QFETCH(QStringList, targets);
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const auto subs = r->subscriptionsFor(domain.toStdString());
        QStringList got;
        for (const SubscriptionDef* s : subs) {
            QCOMPARE(q(s->domain), domain);
            QCOMPARE(q(s->id), domain + QStringLiteral("->") + q(s->target)); // default id
            got << q(s->target);
        }
        QCOMPARE(got, targets);
    }

    void subscriptionFields()
    {
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const SubscriptionDef* a = sub(r.value(), "item->ANALYTICS");
        QVERIFY(a);
        QCOMPARE(a->pattern, SubscriptionDef::Pattern::ScheduledBatch);
        QCOMPARE(a->windowStartMinute, 60);
        QCOMPARE(a->windowEndMinute, 180);
        QCOMPARE(a->slaMinutes, 1440);
        QCOMPARE(a->criticality, SubscriptionDef::Criticality::Low);
        const SubscriptionDef* mes = sub(r.value(), "item->MES-P100");
        QVERIFY(mes);
        QCOMPARE(mes->pattern, SubscriptionDef::Pattern::Event);
        QCOMPARE(mes->plants, std::vector<std::string> { "P100" });
        QCOMPARE(mes->lifecycleStates, (std::vector<std::string> { "released", "blocked", "obsolete" }));
        QCOMPARE(mes->slaMinutes, 30);
        QCOMPARE(mes->criticality, SubscriptionDef::Criticality::Critical);
        QCOMPARE(q(mes->contractVersion), QStringLiteral("1"));
        QCOMPARE(sub(r.value(), "item->WMS-P100")->pattern, SubscriptionDef::Pattern::Hybrid);
        QCOMPARE(patternName(SubscriptionDef::Pattern::ScheduledBatch), std::string_view("scheduled_batch"));
        QCOMPARE(criticalityName(SubscriptionDef::Criticality::Critical), std::string_view("critical"));

        // An explicit id replaces the default one.
        const Landscape ls
            = load(patched(QStringLiteral(R"([{"op":"add","path":"/subscriptions/0/id","value":"erp-items"}])")));
        QVERIFY(sub(ls, "erp-items"));
        QVERIFY(!sub(ls, "item->ERP"));
    }

    void matches_data()
    {
        QTest::addColumn<QString>("subscription");
        QTest::addColumn<QString>("state");
        QTest::addColumn<bool>("expected");

        QTest::newRow("codeset plant hit, released")
            << "item->MES-P100"
            << R"({"plants":["P100","P200"],"lifecycle_status":"released"})" << true;
        QTest::newRow("codeset other plant") << "item->MES-P100"
                                             << R"({"plants":["P200"],"lifecycle_status":"released"})" << false;
        QTest::newRow("other MES sees it") << "item->MES-P200"
                                           << R"({"plants":["P200"],"lifecycle_status":"released"})" << true;
        QTest::newRow("missing plant attribute") << "item->MES-P100"
                                                 << R"({"lifecycle_status":"released"})" << false;
        QTest::newRow("null plant attribute") << "item->MES-P100"
                                              << R"({"plants":null,"lifecycle_status":"released"})" << false;
        QTest::newRow("empty plant set") << "item->MES-P100"
                                         << R"({"plants":[],"lifecycle_status":"released"})" << false;
        QTest::newRow("plant ok, state draft") << "item->MES-P100"
                                               << R"({"plants":["P100"],"lifecycle_status":"draft"})" << false;
        QTest::newRow("plant ok, obsolete") << "item->MES-P100"
                                            << R"({"plants":["P100"],"lifecycle_status":"obsolete"})" << true;
        QTest::newRow("no lifecycle = initial draft") << "item->MES-P100"
                                                      << R"({"plants":["P100"]})" << false;
        QTest::newRow("QMS: initial draft") << "item->QMS"
                                            << R"({"description":"Pump"})" << false;
        QTest::newRow("QMS: in review, no plant filter") << "item->QMS"
                                                         << R"({"lifecycle_status":"in_review"})" << true;
        QTest::newRow("ERP: no filter") << "item->ERP"
                                        << R"({})" << true;
        QTest::newRow("bom code plant hit") << "bom->MES-P100"
                                            << R"({"plant":"P100","lifecycle_status":"released"})" << true;
        QTest::newRow("bom code plant miss") << "bom->MES-P100"
                                             << R"({"plant":"P200","lifecycle_status":"released"})" << false;
        QTest::newRow("bom released only") << "bom->MES-P100"
                                           << R"({"plant":"P100","lifecycle_status":"draft"})" << false;
        QTest::newRow("location plant only") << "location->WMS-P100"
                                             << R"({"plant":"P100"})" << true;
        QTest::newRow("location missing plant") << "location->WMS-P100"
                                                << R"({"name":"Rack 1"})" << false;
    }

    void matches()
    {
        QFETCH(QString, subscription);
        QFETCH(QString, state);
        QFETCH(bool, expected);
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const SubscriptionDef* s = sub(r.value(), subscription.toStdString());
        QVERIFY(s);
        const DomainDef* d = model().domain(s->domain);
        QVERIFY(d);
        QCOMPARE(r->matches(*s, *d, json::parse(state.toStdString())), expected);
    }

    void dueAt_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("end");
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("expected");

        QTest::newRow("event: now") << "event"
                                    << ""
                                    << ""
                                    << "2026-03-10T12:34:56.789Z"
                                    << "2026-03-10T12:34:56.789Z";
        QTest::newRow("hybrid: now") << "hybrid"
                                     << ""
                                     << ""
                                     << "2026-03-10T12:34:56Z"
                                     << "2026-03-10T12:34:56Z";
        QTest::newRow("before window") << "scheduled_batch"
                                       << "01:00"
                                       << "03:00"
                                       << "2026-03-10T00:30:00Z"
                                       << "2026-03-10T01:00:00Z";
        QTest::newRow("at window start") << "scheduled_batch"
                                         << "01:00"
                                         << "03:00"
                                         << "2026-03-10T01:00:00Z"
                                         << "2026-03-10T01:00:00Z";
        QTest::newRow("inside window") << "scheduled_batch"
                                       << "01:00"
                                       << "03:00"
                                       << "2026-03-10T02:59:59.999Z"
                                       << "2026-03-10T02:59:59.999Z";
        QTest::newRow("at window end") << "scheduled_batch"
                                       << "01:00"
                                       << "03:00"
                                       << "2026-03-10T03:00:00Z"
                                       << "2026-03-11T01:00:00Z";
        QTest::newRow("evening") << "scheduled_batch"
                                 << "01:00"
                                 << "03:00"
                                 << "2026-03-10T23:00:00Z"
                                 << "2026-03-11T01:00:00Z";
        QTest::newRow("offset input") << "scheduled_batch"
                                      << "01:00"
                                      << "03:00"
                                      << "2026-03-10T02:30:00+02:00"
                                      << "2026-03-10T01:00:00Z";
        QTest::newRow("year end") << "scheduled_batch"
                                  << "01:00"
                                  << "03:00"
                                  << "2026-12-31T05:00:00Z"
                                  << "2027-01-01T01:00:00Z";
        QTest::newRow("wrap: late evening") << "scheduled_batch"
                                            << "22:00"
                                            << "02:00"
                                            << "2026-03-10T23:30:00Z"
                                            << "2026-03-10T23:30:00Z";
        QTest::newRow("wrap: after midnight") << "scheduled_batch"
                                              << "22:00"
                                              << "02:00"
                                              << "2026-03-11T01:59:00Z"
                                              << "2026-03-11T01:59:00Z";
        QTest::newRow("wrap: at end") << "scheduled_batch"
                                      << "22:00"
                                      << "02:00"
                                      << "2026-03-11T02:00:00Z"
                                      << "2026-03-11T22:00:00Z";
        QTest::newRow("wrap: midday") << "scheduled_batch"
                                      << "22:00"
                                      << "02:00"
                                      << "2026-03-11T12:00:00Z"
                                      << "2026-03-11T22:00:00Z";
        QTest::newRow("wrap: at start") << "scheduled_batch"
                                        << "22:00"
                                        << "02:00"
                                        << "2026-03-11T22:00:00Z"
                                        << "2026-03-11T22:00:00Z";
        QTest::newRow("until midnight: inside") << "scheduled_batch"
                                                << "20:00"
                                                << "24:00"
                                                << "2026-03-11T23:59:00Z"
                                                << "2026-03-11T23:59:00Z";
        QTest::newRow("until midnight: after") << "scheduled_batch"
                                               << "20:00"
                                               << "24:00"
                                               << "2026-03-12T00:00:00Z"
                                               << "2026-03-12T20:00:00Z";
    }

    void dueAt()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, start);
        QFETCH(QString, end);
        QFETCH(QString, now);
        QFETCH(QString, expected);
        // subscriptions[5] is item->ANALYTICS (a scheduled batch in the default document).
        json doc = m_doc;
        json& s = doc["subscriptions"][5];
        s["pattern"] = pattern.toStdString();
        if (start.isEmpty())
            s.erase("window");
        else
            s["window"] = { { "start", start.toStdString() }, { "end", end.toStdString() } };
        const Landscape ls = load(doc);
        const TimeMs due = ls.dueAt(*sub(ls, "item->ANALYTICS"), at(now.toUtf8().constData()));
        QCOMPARE(q(formatRfc3339(due)), q(formatRfc3339(at(expected.toUtf8().constData()))));
    }

    void enrichDefaults()
    {
        auto r = Landscape::builtin(model());
        QVERIFY2(r.ok(), qPrintable(errorOf(r)));
        const DomainDef& item = *model().domain("item");
        json state = { { "description", "Steel plate" }, { "item_type", "ROH" }, { "material_group", "RAW-STEEL" },
            { "price_unit", nullptr } };
        const auto got = r->enrich(item, state, at("2026-03-01T00:00:00Z"));
        QCOMPARE(got.size(), size_t(4));
        QCOMPARE(q(got[0].attribute), QStringLiteral("valuation_class"));
        QCOMPARE(q(got[0].ruleId), QStringLiteral("item.valuation_class.raw-steel"));
        QCOMPARE(q(got[0].system), QStringLiteral("ERP"));
        QVERIFY(got[0].oldValue.is_null());
        QCOMPARE(dumped(got[0].newValue), dumped(json("3000")));
        QCOMPARE(q(got[1].attribute), QStringLiteral("price_unit")); // null counts as absent
        QCOMPARE(dumped(got[1].newValue), dumped(json(1)));
        QCOMPARE(q(got[2].attribute), QStringLiteral("storage_conditions"));
        QCOMPARE(q(got[2].system), QStringLiteral("WMS-P100"));
        QCOMPARE(q(got[3].attribute), QStringLiteral("inspection_required"));
        QCOMPARE(q(got[3].system), QStringLiteral("QMS"));
        QCOMPARE(dumped(state["valuation_class"]), dumped(json("3000")));
        QCOMPARE(dumped(state["price_unit"]), dumped(json(1)));
        QCOMPARE(dumped(state["storage_conditions"]), dumped(json("ambient")));
        QCOMPARE(dumped(state["inspection_required"]), dumped(json(true)));

        // Applying again changes nothing and reports nothing.
        const json before = state;
        QVERIFY(r->enrich(item, state, at("2026-03-01T00:00:00Z")).empty());
        QCOMPARE(dumped(state), dumped(before));

        // Default mode never overrides a value finance has set; `when` must match.
        json set = { { "item_type", "FERT" }, { "material_group", "FG-PUMP" }, { "valuation_class", "3001" },
            { "price_unit", 100 }, { "inspection_required", false } };
        const auto got2 = r->enrich(item, set, at("2026-03-01T00:00:00Z"));
        QCOMPARE(got2.size(), size_t(1));
        QCOMPARE(q(got2[0].ruleId), QStringLiteral("item.storage_conditions.fert"));
        QCOMPARE(dumped(set["valuation_class"]), dumped(json("3001")));
        QCOMPARE(dumped(set["price_unit"]), dumped(json(100)));

        json packaging = { { "item_type", "VERP" }, { "material_group", "PACKAGING" }, { "price_unit", 1 } };
        QVERIFY(r->enrich(item, packaging, at("2026-03-01T00:00:00Z")).empty());
        QVERIFY(!packaging.contains("valuation_class"));

        // Domains without rules are untouched.
        json supplier = { { "name", "ACME" } };
        QVERIFY(r->enrich(*model().domain("supplier"), supplier, at("2026-03-01T00:00:00Z")).empty());
        QCOMPARE(dumped(supplier), dumped(json({ { "name", "ACME" } })));
    }

    void enrichDerive()
    {
        const Landscape ls
            = load(patched(QStringLiteral(R"([{"op":"replace","path":"/enrichment_rules/0/mode","value":"derive"}])")));
        const DomainDef& item = *model().domain("item");
        json state = { { "material_group", "RAW-STEEL" }, { "valuation_class", "3001" }, { "price_unit", 1 } };
        auto got = ls.enrich(item, state, at("2026-03-01T00:00:00Z"));
        QCOMPARE(got.size(), size_t(1));
        QCOMPARE(q(got[0].ruleId), QStringLiteral("item.valuation_class.raw-steel"));
        QCOMPARE(dumped(got[0].oldValue), dumped(json("3001")));
        QCOMPARE(dumped(got[0].newValue), dumped(json("3000")));
        QCOMPARE(dumped(state["valuation_class"]), dumped(json("3000")));
        // Derive of an equal value is no change.
        QVERIFY(ls.enrich(item, state, at("2026-03-01T00:00:00Z")).empty());
    }

    void enrichSkipsRulesOfNonOwners()
    {
        // ERP owns item.financial only from 2025: before that its rules must not write financial data.
        const Landscape ls = load(patched(
            QStringLiteral(R"([{"op":"add","path":"/ownership/2/valid_from","value":"2025-01-01T00:00:00Z"}])")));
        const DomainDef& item = *model().domain("item");
        json state = { { "item_type", "ROH" }, { "material_group", "RAW-ALU" } };
        auto got = ls.enrich(item, state, at("2024-06-01T00:00:00Z"));
        QStringList attrs;
        for (const auto& e : got)
            attrs << q(e.attribute);
        QCOMPARE(attrs, (QStringList { u"storage_conditions"_s, u"inspection_required"_s }));
        QVERIFY(!state.contains("valuation_class"));
        QVERIFY(!state.contains("price_unit"));

        got = ls.enrich(item, state, at("2025-01-01T00:00:00Z"));
        attrs.clear();
        for (const auto& e : got)
            attrs << q(e.attribute);
        QCOMPARE(attrs, (QStringList { u"valuation_class"_s, u"price_unit"_s }));
    }

    void contentHash()
    {
        auto a = Landscape::builtin(model());
        auto b = Landscape::builtin(model());
        QVERIFY2(a.ok() && b.ok(), qPrintable(errorOf(a) + errorOf(b)));
        QCOMPARE(a->contentHash().size(), size_t(64));
        QCOMPARE(q(a->contentHash()), q(b->contentHash()));
        // Key order and whitespace of the file do not matter, content does.
        const json reparsed = json::parse(m_doc.dump(4));
        QCOMPARE(q(load(reparsed).contentHash()), q(a->contentHash()));
        const Landscape changed
            = load(patched(QStringLiteral(R"([{"op":"replace","path":"/subscriptions/0/sla_minutes","value":16}])")));
        QVERIFY(changed.contentHash() != a->contentHash());
    }
};

QTEST_GUILESS_MAIN(TestLandscape)
#include "tst_landscape.moc"
