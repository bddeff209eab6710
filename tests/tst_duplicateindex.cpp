#include "sync/duplicateindex.h"

#include <QTest>

using namespace mdsync;

class TestDuplicateIndex : public QObject
{
    Q_OBJECT
private slots:
    void normalise()
    {
        QCOMPARE(DuplicateIndex::normalise("  Hex-Bolt  M8x40, DIN 933 "), std::string("hex bolt m 8 x 40 din 933"));
        QCOMPARE(DuplicateIndex::normalise("Schäfer Straße GmbH & Co. KG"), std::string("schaefer strasse"));
        QCOMPARE(DuplicateIndex::normalise("ÉLAN ÖL Übergröße"), std::string("elan oel uebergroesse"));
        QCOMPARE(DuplicateIndex::normalise("Hexagon nut SS 0,75kW 1 kg"),
            std::string("hex nut stainless steel 0.75 kw 1 kg"));
        QCOMPARE(DuplicateIndex::normalise(""), std::string());
        QCOMPARE(DuplicateIndex::identifier("DE 811-234.567"), std::string("#de811234567"));
        QCOMPARE(DuplicateIndex::identifier(" - "), std::string());
        QCOMPARE(DuplicateIndex::join({ "", "" }), std::string());
        QCOMPARE(DuplicateIndex::join({ "hex nut", "" }), std::string("hex nut|"));
    }
    void similarity()
    {
        const auto a = DuplicateIndex::normalise("Hex bolt M8x40 DIN 933 8.8 zinc");
        const auto b = DuplicateIndex::normalise("Hex bolt M8 x 40 DIN933 8.8 zinc");
        QCOMPARE(DuplicateIndex::similarity(a, b), 1.0); // spacing does not matter
        const auto c = DuplicateIndex::normalise("Centrifugal pump CP-80 4 kW");
        const auto d = DuplicateIndex::normalise("Gear motor 0.75 kW flange");
        QVERIFY(DuplicateIndex::similarity(c, d) < 0.4);
        QCOMPARE(DuplicateIndex::similarity("", "abc"), 0.0);
        // Word order and a typo cost little.
        QVERIFY(DuplicateIndex::similarity(
                    DuplicateIndex::normalise("Bolt hex M8x40 zinc"), DuplicateIndex::normalise("Hex blot M8x40 zinc"))
            >= 0.85);
    }
    void numbersMustAgree_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("size") << QStringLiteral("Spacer ring size 11") << QStringLiteral("Spacer ring size 22");
        QTest::newRow("length") << QStringLiteral("Hex bolt M8x40") << QStringLiteral("Hex bolt M8x45");
        QTest::newRow("unit") << QStringLiteral("Gear motor 4 kW") << QStringLiteral("Gear motor 4 W");
        QTest::newRow("voltage") << QStringLiteral("Pump 1.1 kW 230 V") << QStringLiteral("Pump 1.1 kW 400 V");
        QTest::newRow("DN") << QStringLiteral("Ball valve DN50") << QStringLiteral("Ball valve DN80");
        QTest::newRow("lot") << QStringLiteral("Bar stock D20 lot 0012") << QStringLiteral("Bar stock D20 lot 0018");
    }
    void numbersMustAgree()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const double s = DuplicateIndex::similarity(
            DuplicateIndex::normalise(a.toStdString()), DuplicateIndex::normalise(b.toStdString()));
        QVERIFY2(s <= DuplicateIndex::kNumberConflictCap, qPrintable(QString::number(s)));
        // The same numbers written differently do agree.
        QCOMPARE(DuplicateIndex::similarity(DuplicateIndex::normalise("Motor 4kW 400V lot 0012"),
                     DuplicateIndex::normalise("Motor 4 kW 400 V lot 12")),
            1.0);
    }
    void comparedOnlyWhenOnBothSides()
    {
        using DI = DuplicateIndex;
        const std::string withPn = DI::join({ DI::normalise("Hex bolt M8x40"), DI::identifier("933-M8X40") });
        const std::string noPn = DI::join({ DI::normalise("Hex bolt M8x40"), "" });
        auto c = DI::compare(withPn, noPn);
        QCOMPARE(c.compared, 1U); // description only
        QCOMPARE(c.score, 1.0);
        c = DI::compare(withPn, withPn);
        QCOMPARE(c.compared, 3U);
        // Same identifier: strong evidence for; a different one: strong evidence against.
        c = DI::compare(withPn, DI::join({ DI::normalise("Screw hexagon head"), DI::identifier("933 m8x40") }));
        QVERIFY(c.score >= DI::kSameIdentifier);
        c = DI::compare(withPn, DI::join({ DI::normalise("Hex bolt M8x40"), DI::identifier("931-M8X40") }));
        QVERIFY(c.score <= DI::kNumberConflictCap);
    }
    void bestMatch()
    {
        DuplicateIndex idx;
        idx.add(1, DuplicateIndex::normalise("Schaefer Edelstahl GmbH DE811234567"));
        idx.add(2, DuplicateIndex::normalise("Nordmotor AG DE100200300"));
        auto m = idx.best(DuplicateIndex::normalise("Schäfer Edelstahl GmbH DE811234567"), 0.85);
        QCOMPARE(m.compared, 1U);
        QCOMPARE(m.objectId, std::int64_t(1));
        QVERIFY(m.score >= 0.9);
        // An object never matches itself, and below the threshold nothing is returned.
        QCOMPARE(idx.best(DuplicateIndex::normalise("Schaefer Edelstahl GmbH DE811234567"), 0.85, 1).objectId,
            std::int64_t(0));
        QCOMPARE(idx.best(DuplicateIndex::normalise("Acme Plastics Ltd"), 0.85).objectId, std::int64_t(0));
        idx.remove(1);
        QCOMPARE(
            idx.best(DuplicateIndex::normalise("Schaefer Edelstahl GmbH DE811234567"), 0.85).objectId, std::int64_t(0));
        QCOMPARE(idx.size(), size_t(1));
    }
    void commonTokensStayCheap()
    {
        // A token shared by more than kMaxPosting objects is not used for candidate lookup, but a rarer
        // token still finds the duplicate.
        DuplicateIndex idx;
        for (int i = 0; i < int(DuplicateIndex::kMaxPosting) + 10; ++i)
            idx.add(i + 1, DuplicateIndex::normalise("bolt variant" + std::to_string(i)));
        idx.add(100000, DuplicateIndex::normalise("bolt flanged m12 special"));
        auto m = idx.best(DuplicateIndex::normalise("bolt flanged m12 special"), 0.9);
        QCOMPARE(m.objectId, std::int64_t(100000));
    }
    void commonTokenUsableAgainAfterRemovals()
    {
        // A token in more objects than the index keeps ids for ("flanged", 600 objects) finds candidates again
        // once updates and removals bring it back to kMaxPosting objects or fewer.
        DuplicateIndex idx;
        const int n = 600;
        for (int i = 1; i <= n; ++i)
            idx.add(i, DuplicateIndex::normalise("flanged variant" + std::to_string(i)));
        const std::string probe = DuplicateIndex::normalise("flanged variant77");
        QCOMPARE(idx.best(probe, 0.5, 77).objectId, std::int64_t(0)); // "flanged" too common, "variant77" unique
        for (int i = 1; i <= n - int(DuplicateIndex::kMaxPosting); ++i)
            if (i != 7)
                idx.remove(i);
        idx.add(7, DuplicateIndex::normalise("plain variant7")); // an update: no longer "flanged"
        QCOMPARE(idx.size(), size_t(DuplicateIndex::kMaxPosting + 1));
        const auto m = idx.best(DuplicateIndex::normalise("flanged variant999"), 0.5);
        QVERIFY(m.objectId > n - int(DuplicateIndex::kMaxPosting)); // found through "flanged" again
        QVERIFY(m.score >= 0.5);
        // Texts stay intact through the table's backward shifts and the compaction of the text arena (an object
        // updated 3000 times with a 700-byte text leaves 2 MB of old texts behind).
        std::string longText;
        for (int w = 0; w < 100; ++w)
            longText += "word" + std::string(1, char('a' + w % 26)) + std::string(1, char('a' + w / 26)) + ' ';
        for (int k = 0; k < 3000; ++k)
            idx.add(5000, DuplicateIndex::normalise(longText + "rev" + std::to_string(k)));
        QCOMPARE(idx.best(DuplicateIndex::normalise(longText + "rev2999"), 0.99).objectId, std::int64_t(5000));
        for (int i = n - int(DuplicateIndex::kMaxPosting) + 1; i <= n; i += 37)
            QCOMPARE(idx.best(DuplicateIndex::normalise("flanged variant" + std::to_string(i)), 0.99).objectId,
                std::int64_t(i));
        QCOMPARE(idx.best(DuplicateIndex::normalise("plain variant7"), 0.99).objectId, std::int64_t(7));
    }
};

QTEST_GUILESS_MAIN(TestDuplicateIndex)
#include "tst_duplicateindex.moc"
