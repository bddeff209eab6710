#include "model/units.h"

#include <QTest>

#include <nlohmann/json.hpp>

using namespace mdsync;
using json = nlohmann::json;

class TestUnits : public QObject
{
    Q_OBJECT

private:
    static json registryJson()
    {
        return json::parse(R"([
            {"symbol":"EA","name":"each","dimension":"count","factor":1,"aliases":["ST","PC","EACH"]},
            {"symbol":"DZ","name":"dozen","dimension":"count","factor":12,"aliases":["DOZ"]},
            {"symbol":"kg","name":"kilogram","dimension":"mass","factor":1,"aliases":["KG","KGM","kilogram"]},
            {"symbol":"g","name":"gram","dimension":"mass","factor":0.001,"aliases":["G","GRM"]},
            {"symbol":"lb","name":"pound","dimension":"mass","factor":0.45359237,"aliases":["LB","LBR"]},
            {"symbol":"m","name":"metre","dimension":"length","factor":1,"aliases":["M","MTR"]},
            {"symbol":"mm","name":"millimetre","dimension":"length","factor":0.001,"aliases":["MM","MMT"]},
            {"symbol":"in","name":"inch","dimension":"length","factor":0.0254,"aliases":["IN","INH"]},
            {"symbol":"ft","name":"foot","dimension":"length","factor":0.3048,"aliases":["FT"]}
        ])");
    }

    UnitRegistry m_reg;

private Q_SLOTS:
    void initTestCase()
    {
        auto reg = UnitRegistry::fromJson(registryJson());
        QVERIFY2(reg.ok(), qPrintable(reg.ok() ? QString() : reg.error()));
        m_reg = std::move(reg.value());
        QCOMPARE(m_reg.units().size(), size_t(9));
    }

    void dimensionNames()
    {
        QCOMPARE(dimensionName(Dimension::Mass), std::string_view("mass"));
        QCOMPARE(dimensionFromName("volume"), std::optional<Dimension>(Dimension::Volume));
        QVERIFY(!dimensionFromName("weight"));
        QVERIFY(!dimensionFromName("Mass")); // names are lower case
    }

    void find_data()
    {
        QTest::addColumn<QString>("spelling");
        QTest::addColumn<QString>("symbol"); // empty: unknown

        QTest::newRow("symbol") << "kg"
                                << "kg";
        QTest::newRow("alias") << "KGM"
                               << "kg";
        QTest::newRow("alias upper") << "KG"
                                     << "kg";
        QTest::newRow("alias long name") << "kilogram"
                                         << "kg";
        QTest::newRow("case-folded symbol") << "Kg"
                                            << "kg";
        QTest::newRow("case-folded alias") << "Kilogram"
                                           << "kg";
        QTest::newRow("count alias") << "ST"
                                     << "EA";
        QTest::newRow("count alias folded") << "each"
                                            << "EA";
        QTest::newRow("mm") << "MMT"
                            << "mm";
        QTest::newRow("inch") << "INH"
                              << "in";
        QTest::newRow("PCS is not an alias") << "PCS"
                                             << "";
        QTest::newRow("unknown") << "furlong"
                                 << "";
        QTest::newRow("empty") << ""
                               << "";
    }
    void find()
    {
        QFETCH(QString, spelling);
        QFETCH(QString, symbol);
        const Unit* u = m_reg.find(spelling.toStdString());
        if (symbol.isEmpty()) {
            QVERIFY2(!u, u ? u->symbol.c_str() : "");
        } else {
            QVERIFY(u);
            QCOMPARE(QString::fromStdString(u->symbol), symbol);
        }
    }

    void ambiguousCaseFoldingIsRefused()
    {
        // "MM" folds to both "mm" (millimetre) and "Mm" (megametre): no case-folded guess, exact spellings still work.
        auto reg = UnitRegistry::fromJson(json::parse(R"([
            {"symbol":"m","dimension":"length","factor":1},
            {"symbol":"mm","dimension":"length","factor":0.001},
            {"symbol":"Mm","name":"megametre","dimension":"length","factor":1000000}
        ])"));
        QVERIFY2(reg.ok(), qPrintable(reg.ok() ? QString() : reg.error()));
        QCOMPARE(reg->find("Mm")->symbol, std::string("Mm")); // exact still works
        QCOMPARE(reg->find("mm")->symbol, std::string("mm"));
        QVERIFY(!reg->find("MM"));
    }

    void convert_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<double>("expected");

        QTest::newRow("lb->kg") << 1.0 << "lb"
                                << "kg" << 0.45359237;
        QTest::newRow("10 lb->kg") << 10.0 << "LB"
                                   << "kg" << 4.5359237;
        QTest::newRow("in->mm") << 1.0 << "in"
                                << "mm" << 25.4;
        QTest::newRow("12 in->mm") << 12.0 << "IN"
                                   << "mm" << 304.8;
        QTest::newRow("g->kg") << 250.0 << "g"
                               << "kg" << 0.25;
        QTest::newRow("kg->g") << 1.5 << "kg"
                               << "g" << 1500.0;
        QTest::newRow("ft->m rounds noise") << 0.1 << "ft"
                                            << "m" << 0.03048;
        QTest::newRow("dozen->each") << 2.0 << "DZ"
                                     << "EA" << 24.0;
        QTest::newRow("identity keeps digits") << 1.23456789012 << "kg"
                                               << "kg" << 1.23456789012;
    }
    void convert()
    {
        QFETCH(double, value);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(double, expected);
        const Unit* f = m_reg.find(from.toStdString());
        const Unit* t = m_reg.find(to.toStdString());
        QVERIFY(f && t);
        const auto r = UnitRegistry::convert(value, *f, *t);
        QVERIFY(r);
        // Exact comparison (QCOMPARE on doubles is fuzzy): conversions are rounded to 9 significant digits.
        QVERIFY2(*r == expected, qPrintable(QString::number(*r, 'g', 17)));
    }

    void crossDimensionIsRefused()
    {
        QVERIFY(!UnitRegistry::convert(1.0, *m_reg.find("kg"), *m_reg.find("mm")));
        QVERIFY(!UnitRegistry::convert(1.0, *m_reg.find("EA"), *m_reg.find("g")));
    }

    void roundSignificantDigits()
    {
        QVERIFY(0.1 + 0.2 != 0.3);
        QVERIFY(roundSignificant(0.1 + 0.2) == 0.3);
        QVERIFY(roundSignificant(123456789012.0) == 123456789000.0);
        QVERIFY(roundSignificant(0.0) == 0.0);
        QVERIFY(roundSignificant(-2.5400000000000005) == -2.54);
        QVERIFY(roundSignificant(1.0 / 3.0) == 0.333333333);
    }

    void registryErrors_data()
    {
        QTest::addColumn<QString>("units");
        QTest::addColumn<QString>("expected"); // substring of the error

        QTest::newRow("no base unit") << R"([{"symbol":"g","dimension":"mass","factor":0.001}])"
                                      << "dimension 'mass' has no base unit";
        QTest::newRow("unknown dimension") << R"([{"symbol":"kg","dimension":"weight","factor":1}])"
                                           << "units[0] ('kg').dimension: unknown dimension 'weight'";
        QTest::newRow("duplicate alias") << R"([{"symbol":"kg","dimension":"mass","factor":1,"aliases":["K"]},
                                               {"symbol":"g","dimension":"mass","factor":0.001,"aliases":["K"]}])"
                                         << "units[1] ('g'): 'K' is already used by unit 'kg'";
        QTest::newRow("zero factor") << R"([{"symbol":"kg","dimension":"mass","factor":0}])"
                                     << "units[0] ('kg').factor: must be a positive number";
        QTest::newRow("missing symbol") << R"([{"dimension":"mass","factor":1}])"
                                        << "units[0].symbol";
        QTest::newRow("unknown field") << R"([{"symbol":"kg","dimension":"mass","factor":1,"alias":["KG"]}])"
                                       << "unknown field 'alias'";
        QTest::newRow("not an array") << R"({"kg":1})"
                                      << "units: expected an array";
    }
    void registryErrors()
    {
        QFETCH(QString, units);
        QFETCH(QString, expected);
        const auto reg = UnitRegistry::fromJson(json::parse(units.toStdString()));
        QVERIFY(!reg.ok());
        QVERIFY2(reg.error().contains(expected), qPrintable(reg.ok() ? QString() : reg.error()));
    }
};

QTEST_GUILESS_MAIN(TestUnits)
#include "tst_units.moc"
