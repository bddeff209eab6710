// The duplicate matcher measured on a labelled set (tests/fixtures/data/duplicate-pairs.jsonl, written by
// make-duplicate-pairs.py): precision and recall at each domain's threshold from the built-in model, through the
// index as ingest uses it. The figures are printed; docs/DUPLICATES.md records them.
#include "model/canonicalmodel.h"
#include "sync/duplicateindex.h"

#include <QFile>
#include <QTest>
#include <map>
#include <nlohmann/json.hpp>

using namespace mdsync;
using json = nlohmann::json;

namespace {

// As the ingest pipeline builds it (IngestPipeline::Run::dupText).
std::string matchText(const DuplicateCheck& dc, const json& attrs)
{
    auto value = [&](const std::string& a) -> std::string {
        auto it = attrs.find(a);
        if (it == attrs.end() || it->is_null())
            return {};
        return it->is_string() ? it->get<std::string>() : it->dump();
    };
    std::vector<std::string> fields;
    for (const std::string& a : dc.attributes)
        fields.push_back(DuplicateIndex::normalise(value(a)));
    for (const std::string& a : dc.identifiers)
        fields.push_back(DuplicateIndex::identifier(value(a)));
    return DuplicateIndex::join(fields);
}

struct Tally
{
    int tp = 0, fp = 0, fn = 0, tn = 0;
    double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1.0; }
    double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
};

// The text of object 1, the only indexed one.
struct OneText final : TextSource
{
    explicit OneText(std::string t)
        : text(std::move(t))
    { }
    std::string text;
    void texts(std::span<const std::int64_t> ids, const Visit& visit) override
    {
        for (const std::int64_t id : ids)
            if (id == 1)
                visit(id, text);
    }
    void scan(const Visit& visit) override { visit(1, text); }
};

} // namespace

class TestMatcher : public QObject
{
    Q_OBJECT
private slots:
    void labelledSet()
    {
        auto model = CanonicalModel::builtin();
        QVERIFY2(model, model ? "" : qPrintable(model.error()));
        QFile f(
            qEnvironmentVariable("MDSYNC_SOURCE_DIR") + QStringLiteral("/tests/fixtures/data/duplicate-pairs.jsonl"));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        std::map<std::string, Tally> byDomain;
        Tally all;
        int pairs = 0;
        while (!f.atEnd()) {
            const QByteArray line = f.readLine().trimmed();
            if (line.isEmpty())
                continue;
            const json p = json::parse(line.toStdString());
            const std::string domain = p["domain"].get<std::string>();
            const DomainDef* d = model->domain(domain);
            QVERIFY2(d && d->duplicateCheck.enabled(), domain.c_str());
            const DuplicateCheck& dc = d->duplicateCheck;
            // b arrives while a is indexed, as at ingest.
            DuplicateIndex idx;
            OneText a(matchText(dc, p["a"]));
            idx.add(1, a.text);
            const std::string b = matchText(dc, p["b"]);
            const bool flagged = idx.best(b, dc.threshold, 2, a).objectId == 1;
            const bool duplicate = p["duplicate"].get<bool>();
            for (Tally* t : { &byDomain[domain], &all }) {
                if (flagged && duplicate)
                    ++t->tp;
                else if (flagged)
                    ++t->fp;
                else if (duplicate)
                    ++t->fn;
                else
                    ++t->tn;
            }
            if (flagged != duplicate)
                qInfo("%s %s (%.2f): %s | %s  [%s]", flagged ? "false positive" : "missed", domain.c_str(),
                    DuplicateIndex::similarity(matchText(dc, p["a"]), b), p["a"].dump().c_str(), p["b"].dump().c_str(),
                    p["note"].get<std::string>().c_str());
            ++pairs;
        }
        QVERIFY(pairs >= 200);
        for (const auto& [domain, t] : byDomain)
            qInfo("%-9s threshold %.2f: %3d pairs, TP %3d FP %2d FN %2d TN %3d, precision %.3f recall %.3f",
                domain.c_str(), model->domain(domain)->duplicateCheck.threshold, t.tp + t.fp + t.fn + t.tn, t.tp, t.fp,
                t.fn, t.tn, t.precision(), t.recall());
        qInfo("all      : %3d pairs, TP %3d FP %2d FN %2d TN %3d, precision %.3f recall %.3f", pairs, all.tp, all.fp,
            all.fn, all.tn, all.precision(), all.recall());
        // Floors: a flagged suspect is nearly always worth the steward's time, and most duplicates are caught.
        QVERIFY2(all.precision() >= 0.95, qPrintable(QString::number(all.precision())));
        QVERIFY2(all.recall() >= 0.90, qPrintable(QString::number(all.recall())));
        for (const auto& [domain, t] : byDomain) {
            QVERIFY2(t.precision() >= 0.9, domain.c_str());
            QVERIFY2(t.recall() >= 0.85, domain.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestMatcher)
#include "tst_matcher.moc"
