#include "sync/duplicateindex.h"

#include <QTest>

#include <cmath>
#include <map>

using namespace mdsync;

namespace {

// The texts in memory, as the workspace's match_text holds them for the pipeline; counts the index's reads.
class MemoryTexts final : public TextSource
{
public:
    std::map<std::int64_t, std::string> rows;
    int lookups = 0; // texts() calls
    size_t idsRead = 0; // ids asked for by texts()
    int scans = 0;
    size_t rowsScanned = 0;

    void texts(std::span<const std::int64_t> ids, const Visit& visit) override
    {
        ++lookups;
        idsRead += ids.size();
        for (const std::int64_t id : ids)
            if (auto it = rows.find(id); it != rows.end())
                visit(id, it->second);
    }
    void scan(const Visit& visit) override
    {
        ++scans;
        for (const auto& [id, text] : rows) {
            ++rowsScanned;
            visit(id, text);
        }
    }
};

// An index and its texts kept together, as the pipeline keeps the index and match_text.
struct Indexed
{
    DuplicateIndex idx;
    MemoryTexts texts;

    void add(std::int64_t id, const std::string& text)
    {
        const auto it = texts.rows.find(id);
        idx.add(id, text, it == texts.rows.end() ? std::string() : it->second);
        texts.rows[id] = text;
    }
    void remove(std::int64_t id)
    {
        const auto it = texts.rows.find(id);
        if (it == texts.rows.end())
            return;
        idx.remove(id, it->second);
        texts.rows.erase(it);
    }
    DuplicateIndex::Match best(const std::string& text, double threshold, std::int64_t self = 0,
        const std::function<bool(std::int64_t)>& skip = {})
    {
        return idx.best(text, threshold, self, texts, skip);
    }
    size_t size() const { return idx.size(); }
};

} // namespace

class TestDuplicateIndex : public QObject
{
    Q_OBJECT
private slots:
    // Pairs a steward dismissed (tst_duplicatedecisions): the predicate's ids are passed over, the next best is taken.
    void skipsWhatThePredicateExcludes()
    {
        Indexed x;
        const std::string t1 = DuplicateIndex::join({ DuplicateIndex::normalise("Hex nut M10 DIN 934 zinc") });
        const std::string t2 = DuplicateIndex::join({ DuplicateIndex::normalise("Hex nut M10 DIN934 zinc plated") });
        x.add(1, t1);
        x.add(2, t2);
        QCOMPARE(x.best(t1, 0.8, 9).objectId, std::int64_t(1));
        QCOMPARE(x.best(t1, 0.8, 9, [](std::int64_t id) { return id == 1; }).objectId, std::int64_t(2));
        QCOMPARE(x.best(t1, 0.8, 9, [](std::int64_t) { return true; }).objectId, std::int64_t(0));
    }

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
    // A different identifier on both sides caps the score, so a caller with a higher floor gets no comparison and the
    // texts are not compared; below the cap, or with the same identifier anywhere, the full comparison is returned.
    void differentIdentifiersSettleWithoutTheTexts()
    {
        using DI = DuplicateIndex;
        const auto a = DI::parse(DI::join({ DI::normalise("Hex bolt M8x40 zinc"), DI::identifier("933-M8X40") }));
        const auto other = DI::parse(DI::join({ DI::normalise("Hex bolt M8x40 zinc"), DI::identifier("931-M8X40") }));
        QCOMPARE(DI::compare(a, other).score, DI::kNumberConflictCap); // identical texts, capped
        QVERIFY(!DI::compare(a, other, 0.85).has_value());
        QVERIFY(!DI::compare(a, other, std::nextafter(DI::kNumberConflictCap, 1.0)).has_value());
        auto c = DI::compare(a, other, DI::kNumberConflictCap); // the cap reaches this floor: compared
        QVERIFY(c.has_value());
        QCOMPARE(c->score, DI::kNumberConflictCap);
        QCOMPARE(c->compared, 3U);
        // The same identifier, or none on one side: the texts count, whatever the floor.
        c = DI::compare(a, a, 0.85);
        QVERIFY(c.has_value());
        QCOMPARE(c->score, 1.0);
        const auto noId = DI::parse(DI::join({ DI::normalise("Hex bolt M8x40 zinc"), "" }));
        c = DI::compare(a, noId, 0.85);
        QVERIFY(c.has_value());
        QCOMPARE(c->score, 1.0);
        QCOMPARE(c->compared, 1U);
        // Two identifier fields, one the same and one different: the same one wins, so no early answer.
        const auto two = DI::parse(DI::join({ DI::normalise("Washer"), DI::identifier("A1"), DI::identifier("B1") }));
        const auto twoOther
            = DI::parse(DI::join({ DI::normalise("Lock nut"), DI::identifier("A1"), DI::identifier("B2") }));
        c = DI::compare(two, twoOther, 0.85);
        QVERIFY(c.has_value());
        QVERIFY(c->score >= DI::kSameIdentifier);
        // best() with a threshold at or below the cap still finds the capped candidate; above it, nothing.
        Indexed idx;
        idx.add(1, DI::join({ DI::normalise("Hex bolt M8x40 zinc"), DI::identifier("931-M8X40") }));
        const std::string text = DI::join({ DI::normalise("Hex bolt M8x40 zinc"), DI::identifier("933-M8X40") });
        QCOMPARE(idx.best(text, 0.85).objectId, std::int64_t(0));
        const auto low = idx.best(text, 0.4);
        QCOMPARE(low.objectId, std::int64_t(1));
        QCOMPARE(low.score, DI::kNumberConflictCap);
    }
    // The same in best(): a candidate whose identifiers all differ from the text's is set aside before its text is
    // read, with the same result as comparing it; the same identifier (a tax id with or without its country prefix)
    // on any field keeps it.
    void candidatesWithOtherIdentifiersAreNotRead()
    {
        using DI = DuplicateIndex;
        auto item = [](std::string_view description, std::string_view partNumber) {
            return DI::join({ DI::normalise(description), DI::identifier(partNumber) });
        };
        Indexed idx;
        for (int i = 1; i <= 20; ++i)
            idx.add(i, item("Hex bolt M8x40 zinc", "931-M8X40-" + std::to_string(i)));
        idx.add(21, item("Hex bolt M8x40 zinc", "")); // no part number: compared on the text
        const std::string text = item("Hex bolt M8x40 zinc", "933-M8X40");
        auto m = idx.best(text, 0.85);
        QCOMPARE(m.objectId, std::int64_t(21));
        QCOMPARE(idx.texts.idsRead, size_t(1));
        // At or below the cap every candidate is read, and the capped ones still count.
        idx.texts.idsRead = 0;
        idx.remove(21);
        m = idx.best(text, 0.5);
        QCOMPARE(m.objectId, std::int64_t(1));
        QCOMPARE(m.score, DI::kNumberConflictCap);
        QCOMPARE(idx.texts.idsRead, size_t(20));
        // The same part number as candidate 7: read and found.
        idx.idx = DuplicateIndex(); // an empty parse cache, so reads are counted again
        for (const auto& [id, t] : idx.texts.rows)
            idx.idx.add(id, t);
        idx.texts.idsRead = 0;
        m = idx.best(item("Hex bolt M8x40 zinc", "931-M8X40-7"), 0.85);
        QCOMPARE(m.objectId, std::int64_t(7));
        QCOMPARE(idx.texts.idsRead, size_t(1));
        // A tax id with its country prefix on one side: the same to compare, so read.
        Indexed suppliers;
        suppliers.add(1, item("Schaefer Edelstahl GmbH", "DE811234567"));
        suppliers.add(2, item("Schaefer Edelstahl GmbH", "DE999999999"));
        m = suppliers.best(item("Schäfer Edelstahl", "811234567"), 0.85);
        QCOMPARE(m.objectId, std::int64_t(1));
        QCOMPARE(suppliers.texts.idsRead, size_t(1));
        // Two identifier fields: one the same keeps the candidate, both different set it aside; an update's new part
        // number counts, a removed object's does not linger.
        Indexed two;
        two.add(1, DI::join({ DI::normalise("Washer"), DI::identifier("A1"), DI::identifier("B1") }));
        two.add(2, DI::join({ DI::normalise("Washer"), DI::identifier("A2"), DI::identifier("B2") }));
        m = two.best(DI::join({ DI::normalise("Washer"), DI::identifier("A9"), DI::identifier("B1") }), 0.85);
        QCOMPARE(m.objectId, std::int64_t(1));
        QCOMPARE(two.texts.idsRead, size_t(1));
        two.add(2, DI::join({ DI::normalise("Washer"), DI::identifier("A9"), DI::identifier("B2") }));
        two.texts.idsRead = 0;
        m = two.best(DI::join({ DI::normalise("Washer"), DI::identifier("A9"), DI::identifier("B9") }), 0.85);
        QCOMPARE(m.objectId, std::int64_t(2));
        QCOMPARE(two.texts.idsRead, size_t(1));
        two.remove(2); // and back without part numbers: its old ones must not set it aside
        two.add(2, DI::join({ DI::normalise("Washer"), "", "" }));
        two.texts.idsRead = 0;
        m = two.best(DI::join({ DI::normalise("Washer"), DI::identifier("A8"), DI::identifier("B8") }), 0.85);
        QCOMPARE(m.objectId, std::int64_t(2));
        QCOMPARE(two.texts.idsRead, size_t(1));
    }
    void bestMatch()
    {
        Indexed idx;
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
        Indexed idx;
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
        Indexed idx;
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
        // An object updated 3000 times (each update takes the previous text's tokens out) is found by its last text
        // only, and the other objects stay findable.
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
        QCOMPARE(idx.best(DuplicateIndex::normalise(longText + "rev17"), 0.99).objectId, std::int64_t(0));
    }
    void saturatedTokenRebuiltFromSource()
    {
        // "gasket" in more than 2 * kMaxPosting objects keeps no ids; removals bring it back to kMaxPosting, and the
        // next lookup that needs it rebuilds its ids from the source's texts (once). The probe shares no other token
        // with its duplicate ("sealbcdx" / "sealbcd"), so only "gasket" can find it (among the kMaxCandidates
        // lowest ids of the kMaxPosting that share it).
        Indexed idx;
        const int n = 2 * int(DuplicateIndex::kMaxPosting) + 50;
        const int target = n - int(DuplicateIndex::kMaxPosting) + 1; // the first one left after the removals
        auto word = [](int i) { // "seal" and three letters a..p (no digits: a number would be a token of its own)
            return "seal" + std::string { char('a' + i / 256), char('a' + i / 16 % 16), char('a' + i % 16) };
        };
        auto text = [&](int i) { return DuplicateIndex::normalise("gasket " + word(i) + "x"); };
        for (int i = 1; i <= n; ++i)
            idx.add(i, text(i));
        idx.add(n + 1, DuplicateIndex::normalise("flange plate")); // no "gasket": not part of the rebuilt list
        const std::string probe = DuplicateIndex::normalise("gasket " + word(target));
        QVERIFY(DuplicateIndex::similarity(probe, text(target)) >= 0.8);
        QCOMPARE(idx.best(probe, 0.8).objectId, std::int64_t(0));
        for (int i = 1; i < target; ++i)
            idx.remove(i);
        QCOMPARE(idx.texts.scans, 0);
        const int lookupsBefore = idx.texts.lookups;
        const auto m = idx.best(probe, 0.8);
        QCOMPARE(m.objectId, std::int64_t(target));
        QCOMPARE(idx.texts.scans, 1);
        QCOMPARE(idx.texts.lookups, lookupsBefore + 1); // the candidates' texts in one call
        // Rebuilt once; kept up to date by adds and removes from then on.
        idx.remove(target);
        idx.add(1, text(target));
        QCOMPARE(idx.best(probe, 0.8).objectId, std::int64_t(1));
        QCOMPARE(idx.best(DuplicateIndex::normalise("gasket " + word(n)), 0.8).objectId, std::int64_t(0)); // 33rd
        QCOMPARE(idx.texts.scans, 1);
        QCOMPARE(idx.size(), size_t(DuplicateIndex::kMaxPosting + 1));
    }
    void loadManyTexts()
    {
        // An index loaded from more than 10,000 texts (the pipeline reads them in pages of 10,000 when it rebuilds a
        // token): every object found by its own text, each lookup reading its candidates in one call.
        Indexed idx;
        const int n = 12000;
        auto text = [](int i) {
            return DuplicateIndex::join(
                { DuplicateIndex::normalise("Valve body DN" + std::to_string(i % 200) + " type " + std::to_string(i)),
                    DuplicateIndex::identifier("VB-" + std::to_string(i)) });
        };
        for (int i = 1; i <= n; ++i)
            idx.texts.rows[i] = text(i);
        for (const auto& [id, t] : idx.texts.rows) // as the pipeline loads: tokens only
            idx.idx.add(id, t);
        QCOMPARE(idx.size(), size_t(n));
        for (int i = 1; i <= n; i += 997) {
            const int lookups = idx.texts.lookups;
            const auto m = idx.best(text(i), 0.99);
            QCOMPARE(m.objectId, std::int64_t(i));
            QVERIFY(idx.texts.lookups <= lookups + 1);
        }
        idx.remove(n);
        QCOMPARE(idx.best(text(n), 0.99).objectId, std::int64_t(0));
        QCOMPARE(idx.size(), size_t(n - 1));
        // Updating an object with a text it was not indexed with is refused (its tokens would be counted twice).
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, idx.idx.add(1, text(2)));
    }
};

QTEST_GUILESS_MAIN(TestDuplicateIndex)
#include "tst_duplicateindex.moc"
