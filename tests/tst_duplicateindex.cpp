#include "sync/duplicateindex.h"

#include <QTest>

using namespace mdsync;

class TestDuplicateIndex : public QObject
{
    Q_OBJECT
private slots:
    void normalise()
    {
        QCOMPARE(DuplicateIndex::normalise("  Hex-Bolt  M8x40, DIN 933 "), std::string("hex bolt m8x40 din 933"));
        QCOMPARE(DuplicateIndex::normalise("Schäfer Straße"), std::string("schafer strase"));
        QCOMPARE(DuplicateIndex::normalise("ÉLAN"), std::string("elan"));
        QCOMPARE(DuplicateIndex::normalise(""), std::string());
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
    }
    void bestMatch()
    {
        DuplicateIndex idx;
        idx.add(1, DuplicateIndex::normalise("Schaefer Edelstahl GmbH DE811234567"));
        idx.add(2, DuplicateIndex::normalise("Nordmotor AG DE100200300"));
        auto m = idx.best(DuplicateIndex::normalise("Schäfer Edelstahl GmbH DE811234567"), 0.85);
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
};

QTEST_GUILESS_MAIN(TestDuplicateIndex)
#include "tst_duplicateindex.moc"
