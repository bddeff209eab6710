// `mdsyncctl duplicates list|compare|dismiss` end to end through the real binary (docs/DUPLICATES.md "Deciding a
// suspect"): the open suspect listed, the pair side by side, refusals with their exit code and message, the
// dismissal, and that the pair is not raised again by a later ingest; the audit chain verifies. On SQLite and
// PostgreSQL (.pg).

#include "testutil.h"
#include "workspacefixture.h"

#include <QFile>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

std::string nut(const std::string& key, const std::string& description, const std::string& op = "upsert")
{
    return test::event("PLM", "item", key,
        op == "delete" ? json::object()
                       : json { { "description", description }, { "item_type", "ROH" }, { "base_uom", "EA" } },
        {}, op);
}

} // namespace

class TestCliDuplicates : public QObject
{
    Q_OBJECT

private:
    CtlWorkspaces m_workspaces { QStringLiteral("clidup") };

    QString eventsFile(const QString& name, const std::vector<std::string>& lines)
    {
        const QString path = m_workspaces.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        for (const auto& l : lines)
            f.write(QByteArray::fromStdString(l + "\n"));
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = m_workspaces.setUp();
        QVERIFY2(why.isEmpty(), qPrintable(why));
        QVERIFY2(!qEnvironmentVariable("MDSYNCCTL").isEmpty(), "MDSYNCCTL must name the mdsyncctl binary");
    }
    void cleanup() { m_workspaces.dropAll(); }

    void listCompareDismiss()
    {
        const QString ws = m_workspaces.fresh(QStringLiteral("dup.mdsync"));
        const QString why = m_workspaces.initWithAdmin(ws, QStringLiteral("ada"));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const QString granter = testBackendIsPostgres() ? pgOwnerLogin() : QStringLiteral("ada");
        const CtlResult g = runCtlAs(granter,
            { QStringLiteral("grant"), QStringLiteral("--workspace"), ws, QStringLiteral("--login"),
                QStringLiteral("sam"), QStringLiteral("--role"), QStringLiteral("steward"), QStringLiteral("--reason"),
                QStringLiteral("team") });
        QVERIFY2(g.exitCode == 0, qPrintable(show(g)));
        const auto ctl = [&ws](const char* who, QStringList args) {
            args << QStringLiteral("--workspace") << ws;
            return runCtlAs(QLatin1String(who), args);
        };
        const CtlResult ing = ctl("sam",
            { QStringLiteral("ingest"),
                eventsFile(QStringLiteral("a.jsonl"),
                    { nut("FA-1", "Hex nut M10 DIN 934 zinc"), nut("FA-2", "Hex nut M10 DIN934 zinc") }),
                QStringLiteral("--json") });
        QVERIFY2(ing.finished, qPrintable(show(ing)));
        QCOMPARE(ing.json().value("duplicate_suspects", -1), 1);

        // list: the suspect with both keys, its score and what was compared.
        const CtlResult list
            = ctl("sam", { QStringLiteral("duplicates"), QStringLiteral("list"), QStringLiteral("--json") });
        QVERIFY2(list.exitCode == 0, qPrintable(show(list)));
        const json l = list.json();
        QVERIFY2(l.is_array() && l.size() == 1, qPrintable(show(list)));
        QCOMPARE(qs(l[0]["key"].get<std::string>()), QStringLiteral("FA-2"));
        QCOMPARE(qs(l[0]["suspect_key"].get<std::string>()), QStringLiteral("FA-1"));
        QCOMPARE(l[0]["compared"].dump(), std::string(R"(["description"])"));
        const qint64 id = l[0]["exception_id"].get<qint64>();
        const CtlResult text = ctl("sam", { QStringLiteral("duplicates"), QStringLiteral("list") });
        QVERIFY2(text.exitCode == 0 && text.out.contains("FA-2") && text.out.contains("FA-1")
                && text.out.contains("1 open duplicate suspect(s)"),
            qPrintable(show(text)));

        // compare: by exception and by keys, the two objects side by side.
        const CtlResult cmp = ctl("sam",
            { QStringLiteral("duplicates"), QStringLiteral("compare"), QStringLiteral("--exception"),
                QString::number(id) });
        QVERIFY2(cmp.exitCode == 0, qPrintable(show(cmp)));
        QVERIFY2(cmp.out.contains("item 'FA-2'") && cmp.out.contains("'FA-1'") && cmp.out.contains("description")
                && cmp.out.contains("Hex nut M10 DIN934 zinc") && cmp.out.contains("Hex nut M10 DIN 934 zinc")
                && cmp.out.contains("(revisions)") && cmp.out.contains("(acknowledged by)"),
            qPrintable(show(cmp)));
        const CtlResult cmpKeys = ctl("sam",
            { QStringLiteral("duplicates"), QStringLiteral("compare"), QStringLiteral("--domain"),
                QStringLiteral("item"), QStringLiteral("--keys"), QStringLiteral("FA-1"), QStringLiteral("FA-2"),
                QStringLiteral("--json") });
        QVERIFY2(cmpKeys.exitCode == 0, qPrintable(show(cmpKeys)));
        QCOMPARE(qs(cmpKeys.json()["a"]["key"].get<std::string>()), QStringLiteral("FA-1"));
        QCOMPARE(qs(cmpKeys.json()["b"]["attributes"]["description"].get<std::string>()),
            QStringLiteral("Hex nut M10 DIN934 zinc"));
        QVERIFY(cmpKeys.json()["decision"].is_null());

        // Refusals: no reason, no role, not a suspect.
        const QStringList dismiss = { QStringLiteral("duplicates"), QStringLiteral("dismiss"),
            QStringLiteral("--exception"), QString::number(id) };
        const CtlResult noReason = ctl("sam", dismiss);
        QCOMPARE(noReason.exitCode, 1);
        QVERIFY2(noReason.err.contains("a reason is required"), qPrintable(show(noReason)));
        const CtlResult viewer = ctl("vic", dismiss + QStringList { QStringLiteral("--reason"), QStringLiteral("x") });
        QCOMPARE(viewer.exitCode, 1);
        QVERIFY2(viewer.err.contains("vic"), qPrintable(show(viewer)));
        const CtlResult unknown = ctl("sam",
            { QStringLiteral("duplicates"), QStringLiteral("dismiss"), QStringLiteral("--exception"),
                QStringLiteral("99999"), QStringLiteral("--reason"), QStringLiteral("x") });
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("there is no exception #99999"), qPrintable(show(unknown)));

        // The dismissal: the suspect leaves the list, the decision shows in compare, a second one is refused.
        const CtlResult ok
            = ctl("sam", dismiss + QStringList { QStringLiteral("--reason"), QStringLiteral("different thread") });
        QVERIFY2(ok.exitCode == 0 && ok.out.contains("not a duplicate"), qPrintable(show(ok)));
        const CtlResult after
            = ctl("sam", { QStringLiteral("duplicates"), QStringLiteral("list"), QStringLiteral("--json") });
        QVERIFY2(after.exitCode == 0 && after.json().is_array() && after.json().empty(), qPrintable(show(after)));
        const CtlResult decided = ctl("sam",
            { QStringLiteral("duplicates"), QStringLiteral("compare"), QStringLiteral("--exception"),
                QString::number(id) });
        QVERIFY2(decided.out.contains("decided: not a duplicate, by sam"), qPrintable(show(decided)));
        const CtlResult twice
            = ctl("sam", dismiss + QStringList { QStringLiteral("--reason"), QStringLiteral("again") });
        QCOMPARE(twice.exitCode, 1);
        QVERIFY2(twice.err.contains("already decided not duplicates by sam"), qPrintable(show(twice)));

        // A later ingest (a new process) meets the pair again and does not raise it; another pair still is.
        const CtlResult ing2 = ctl("sam",
            { QStringLiteral("ingest"),
                eventsFile(
                    QStringLiteral("b.jsonl"), { nut("FA-2", {}, "delete"), nut("FA-2", "Hex nut M10 DIN 934 zinc") }),
                QStringLiteral("--json") });
        QVERIFY2(ing2.finished, qPrintable(show(ing2)));
        QCOMPARE(ing2.json().value("duplicate_suspects", -1), 0);
        QCOMPARE(ing2.json().value("revisions", -1), 2);
        const CtlResult ing3 = ctl("sam",
            { QStringLiteral("ingest"),
                eventsFile(QStringLiteral("c.jsonl"), { nut("FA-3", "Hex nut M10 DIN 934 zinc plated") }),
                QStringLiteral("--json") });
        QCOMPARE(ing3.json().value("duplicate_suspects", -1), 1);

        const CtlResult lineage = ctl("sam",
            { QStringLiteral("lineage"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FA-1") });
        QVERIFY2(lineage.exitCode == 0 && lineage.out.contains("duplicate.dismiss"), qPrintable(show(lineage)));
        const CtlResult verify = ctl("sam", { QStringLiteral("verify-audit") });
        QVERIFY2(verify.exitCode == 0, qPrintable(show(verify)));
    }
};

QTEST_GUILESS_MAIN(TestCliDuplicates)
#include "tst_cli_duplicates.moc"
