// The steward story, end to end through mdsyncctl only (issue 4's "must show"): a WMS delivery fails, steward
// sam corrects a critical attribute, sam's own approval is refused (four-eyes), approver abe approves, a bulk
// replay and a run get it acknowledged, `authority --at` before and after gives the right values, owners and
// suppliers; a duplicate suspect is dismissed and the audit export verifies offline; a real duplicate is merged
// (four-eyes: sam proposes, abe approves; its BOM is redirected, its old number updates the survivor), and the second
// export verifies and fails after one byte is changed (issue 18).
// The transcript of every command is printed (and written to $MDSYNC_STORY_OUT when set) for docs/STEWARD-STORY.md.

#include "demo/simulatedsystem.h"
#include "testutil.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

class Story
{
public:
    QString ws;
    QString transcript;

    // Runs one command as `user` (runCtlAs: --user on SQLite, the login on PostgreSQL); records it and its
    // output. Returns the result for checks.
    CtlResult ctl(const QString& user, QStringList args, int timeoutMs = 60000)
    {
        args << QStringLiteral("--workspace") << ws;
        CtlResult r = runCtlAs(user, args, {}, timeoutMs);
        QStringList shown = args;
        shown.replace(shown.indexOf(ws), QStringLiteral("story.mdsync"));
        if (testBackendIsPostgres())
            transcript += QStringLiteral("$ PGUSER=%1 mdsyncctl %2\n").arg(user, shown.join(QLatin1Char(' ')));
        else
            transcript += QStringLiteral("$ mdsyncctl %1 --user %2\n").arg(shown.join(QLatin1Char(' ')), user);
        transcript += QString::fromUtf8(r.out);
        if (!r.err.isEmpty())
            transcript += QString::fromUtf8(r.err);
        transcript += QStringLiteral("(exit %1)\n\n").arg(r.exitCode);
        return r;
    }
    // Runs one command without recording it (machine-readable twins of recorded commands).
    CtlResult quiet(const QString& user, QStringList args)
    {
        args << QStringLiteral("--workspace") << ws;
        return runCtlAs(user, args);
    }
    void note(const QString& text) { transcript += QStringLiteral("# %1\n").arg(text); }
};

// The auditor exports FG-9001's trail into `dir` (shown as `shown`), verify-export passes offline, and the audit.csv
// holds every text of `expected`.
void exportAndVerify(Story& s, const QString& dir, std::initializer_list<const char*> expected,
    const QString& shown = QStringLiteral("export"))
{
    QCOMPARE(s.quiet(QStringLiteral("aud"),
                  { QStringLiteral("export-audit"), QStringLiteral("--out"), dir, QStringLiteral("--domain"),
                      QStringLiteral("item"), QStringLiteral("--key"), QStringLiteral("FG-9001") })
                 .exitCode,
        0);
    s.transcript += testBackendIsPostgres()
        ? QStringLiteral("$ PGUSER=aud mdsyncctl export-audit --out %1 --domain item --key FG-9001"
                         " --workspace story.mdsync\n(exit 0)\n\n")
              .arg(shown)
        : QStringLiteral("$ mdsyncctl export-audit --out %1 --domain item --key FG-9001"
                         " --workspace story.mdsync --user aud\n(exit 0)\n\n")
              .arg(shown);
    const CtlResult verified = runCtl({ QStringLiteral("verify-export"), dir });
    QCOMPARE(verified.exitCode, 0);
    QFile audit(QDir(dir).filePath(QStringLiteral("audit.csv")));
    QVERIFY(audit.open(QIODevice::ReadOnly));
    const QByteArray trail = audit.readAll();
    for (const char* text : expected)
        QVERIFY2(trail.contains(text), text);
    s.transcript += QStringLiteral("$ mdsyncctl verify-export %1\n").arg(shown) + QString::fromUtf8(verified.out)
        + QStringLiteral("\n");
}

// One attribute row of `authority --json`.
json attributeRow(const json& authority, const std::string& name)
{
    for (const auto& a : authority.value("attributes", json::array()))
        if (a.value("attribute", "") == name)
            return a;
    return json();
}

} // namespace

class TestStewardStory : public QObject
{
    Q_OBJECT

    CtlWorkspaces m_workspaces { QStringLiteral("story") };

private Q_SLOTS:
    void initTestCase()
    {
        const QString why = m_workspaces.setUp();
        QVERIFY2(why.isEmpty(), qPrintable(why));
    }
    void cleanup() { m_workspaces.dropAll(); }

    // On both backends: on SQLite a demo/test workspace where --user names the person, on PostgreSQL a database
    // where each person is a login (the child runs with PGUSER=<person>).
    void wmsFailureCorrectedApprovedReplayedAndAudited()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // The WMS of plant P100 takes active and inactive items only (status mapped from the lifecycle).
        SimulatedLandscape sims;
        auto ports = sims.start(json::array({ { { "id", "WMS-P100" },
            { "rules", { { "item", { { "accepted", { { "status", { "ACTIVE", "INACTIVE" } } } } } } } } } }));
        QVERIFY2(ports.ok(), ports.ok() ? "" : qPrintable(ports.error()));
        QFile src(
            qEnvironmentVariable("MDSYNC_SOURCE_DIR") + QStringLiteral("/resources/landscape/default-landscape.json"));
        QVERIFY(src.open(QIODevice::ReadOnly));
        json land = json::parse(src.readAll().toStdString());
        for (auto& sys : land["systems"])
            if (sys["id"] == "WMS-P100")
                sys["connector"]["base_url"]
                    = "http://127.0.0.1:" + std::to_string(ports.value().value(QStringLiteral("WMS-P100")));
        const QString landscapeFile = dir.filePath(QStringLiteral("landscape.json"));
        {
            QFile f(landscapeFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(land.dump(2)));
        }
        Story s;
        s.ws = m_workspaces.fresh(QStringLiteral("story.mdsync"));

        if (testBackendIsPostgres()) {
            // The database's owner creates the schema (and is its first admin); ada is made admin.
            s.note(QStringLiteral("the database owner creates the workspace and makes ada an admin"));
            QCOMPARE(s.ctl(pgOwnerLogin(), { QStringLiteral("init"), QStringLiteral("--landscape"), landscapeFile })
                         .exitCode,
                0);
            QCOMPARE(s.ctl(pgOwnerLogin(),
                          { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("ada"),
                              QStringLiteral("--role"), QStringLiteral("admin"), QStringLiteral("--reason"),
                              QStringLiteral("MDM lead") })
                         .exitCode,
                0);
            // ada also feeds PLM's file: writing revisions is a steward's (or the service's) privilege in the database
            // (an admin manages roles and configuration). On the file the core alone decides, and lets her.
            QCOMPARE(s.ctl(pgOwnerLogin(),
                          { QStringLiteral("grant"), QStringLiteral("--login"), QStringLiteral("ada"),
                              QStringLiteral("--role"), QStringLiteral("steward"), QStringLiteral("--reason"),
                              QStringLiteral("MDM lead feeds PLM files") })
                         .exitCode,
                0);
            // A grant on PostgreSQL is a GRANT of a database role, which needs CREATEROLE (the owner has it, ada
            // not: docs/DEPLOYMENT.md): the owner sets up the team.
            s.note(QStringLiteral("the owner (CREATEROLE) sets up the team"));
        } else {
            s.note(QStringLiteral("ada creates the workspace (and is its first admin) and sets up the team"));
            QCOMPARE(s.ctl(QStringLiteral("ada"),
                          { QStringLiteral("init"), QStringLiteral("--landscape"), landscapeFile,
                              QStringLiteral("--asserted-identities") })
                         .exitCode,
                0);
        }
        for (const auto& [login, role] : { std::pair { "sam", "steward" }, std::pair { "sam", "approver" },
                 std::pair { "abe", "approver" }, std::pair { "aud", "auditor" } }) {
            const CtlResult g = s.ctl(testBackendIsPostgres() ? pgOwnerLogin() : QStringLiteral("ada"),
                { QStringLiteral("grant"), QStringLiteral("--login"), QLatin1String(login), QStringLiteral("--role"),
                    QLatin1String(role), QStringLiteral("--reason"), QStringLiteral("MDM team") });
            QVERIFY2(g.exitCode == 0, qPrintable(show(g)));
        }

        s.note(QStringLiteral("PLM releases FG-9001 but marks it blocked by mistake; the WMS rejects it"));
        const QString events = dir.filePath(QStringLiteral("plm.jsonl"));
        {
            json item = releasedItem("Centrifugal pump 40 l/min", { "P100" });
            item["lifecycle_status"] = "blocked";
            QFile f(events);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(mdsync::test::event("PLM", "item", "FG-9001", item, "plm-7781", "upsert",
                                                  "2026-11-28T08:00:00Z", "ecn-4711")
                + "\n"));
        }
        {
            const CtlResult in = s.ctl(QStringLiteral("ada"), { QStringLiteral("ingest"), events });
            QVERIFY2(in.exitCode == 0, qPrintable(show(in)));
        }
        QCOMPARE(s.ctl(QStringLiteral("ada"),
                      { QStringLiteral("run"), QStringLiteral("--until-idle"), QStringLiteral("--timeout"),
                          QStringLiteral("30") })
                     .exitCode,
            0);
        s.ctl(QStringLiteral("sam"),
            { QStringLiteral("exceptions"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001") });
        auto ex = s.quiet(QStringLiteral("sam"),
            { QStringLiteral("exceptions"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001"), QStringLiteral("--json") });
        QCOMPARE(ex.exitCode, 0);
        const json exceptions = ex.json();
        QVERIFY2(exceptions.is_array() && exceptions.size() == 1, ex.out.constData());
        QCOMPARE(exceptions[0].value("target_id", exceptions[0].value("target", "")), std::string("WMS-P100"));
        const QString exceptionId = QString::number(exceptions[0]["id"].get<qint64>());

        // A moment that is after the PLM revision and before the correction, for `authority --at`.
        QThread::msleep(1100);
        const QString before = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        QThread::msleep(1100);

        s.note(QStringLiteral("sam corrects the lifecycle status: a critical attribute (item lifecycle), so it"
                              " waits for approval"));
        auto corrected = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("correct"), QStringLiteral("--id"), exceptionId, QStringLiteral("--set"),
                QStringLiteral("lifecycle_status=released"), QStringLiteral("--reason"),
                QStringLiteral("ECN-4711 released it; PLM flag set by mistake") });
        QCOMPARE(corrected.exitCode, 0);
        auto pending = s.quiet(QStringLiteral("sam"),
            { QStringLiteral("corrections"), QStringLiteral("--status"), QStringLiteral("awaiting_approval"),
                QStringLiteral("--json") });
        QVERIFY2(pending.json().is_array() && pending.json().size() == 1, pending.out.constData());
        const QString correctionId = QString::number(pending.json()[0]["id"].get<qint64>());

        s.note(QStringLiteral("sam may approve corrections, but not his own (four-eyes)"));
        auto own = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("approve"), QStringLiteral("--id"), correctionId, QStringLiteral("--reason"),
                QStringLiteral("looks right") });
        QCOMPARE(own.exitCode, 1);
        QVERIFY2(own.err.contains("four-eyes"), own.err.constData());

        s.note(QStringLiteral("abe approves: the steward revision is recorded on behalf of PLM, the owner"));
        auto approved = s.ctl(QStringLiteral("abe"),
            { QStringLiteral("approve"), QStringLiteral("--id"), correctionId, QStringLiteral("--reason"),
                QStringLiteral("checked ECN-4711") });
        QCOMPARE(approved.exitCode, 0);
        QVERIFY2(approved.out.contains("applied as revision 2 on behalf of PLM"), approved.out.constData());

        s.note(QStringLiteral("dry run of a bulk replay of WMS failures: what would be sent, against what WMS"
                              " last acknowledged"));
        auto dry = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("replay"), QStringLiteral("--filter"), QStringLiteral("target=WMS-P100"),
                QStringLiteral("--dry-run") });
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.contains("status: - → ACTIVE"), dry.out.constData());

        s.note(QStringLiteral("bulk replay of the WMS failures, then the core runs"));
        auto replay = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("replay"), QStringLiteral("--filter"), QStringLiteral("target=WMS-P100"),
                QStringLiteral("--reason"),
                QStringLiteral("lifecycle corrected (correction #") + correctionId + QLatin1Char(')') });
        QCOMPARE(replay.exitCode, 0);
        QCOMPARE(s.ctl(QStringLiteral("ada"),
                      { QStringLiteral("run"), QStringLiteral("--until-idle"), QStringLiteral("--timeout"),
                          QStringLiteral("30") })
                     .exitCode,
            0);
        auto status = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("status"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001") });
        QCOMPARE(status.exitCode, 0);
        const auto wmsRecord
            = sims.system(QStringLiteral("WMS-P100"))->record(QStringLiteral("item"), QStringLiteral("FG-9001"));
        QVERIFY(wmsRecord.has_value());
        QCOMPARE(wmsRecord.value_or(SimulatedRecord {}).payload.value("status", ""), std::string("ACTIVE"));

        s.note(QStringLiteral("authority before the correction: PLM's value, owned and supplied by PLM"));
        s.ctl(QStringLiteral("aud"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001"), QStringLiteral("--at"), before });
        auto at1 = s.quiet(QStringLiteral("aud"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001"), QStringLiteral("--at"), before, QStringLiteral("--json") });
        QCOMPARE(at1.exitCode, 0);
        const json l1 = attributeRow(at1.json(), "lifecycle_status");
        QCOMPARE(dumped(l1.value("value", json())), dumped(json("blocked")));
        QCOMPARE(dumped(l1.value("owner", json())), dumped(json("PLM")));
        QCOMPARE(dumped(l1["supplied_by"].value("system", json())), dumped(json("PLM")));
        QCOMPARE(dumped(l1["supplied_by"].value("steward", json())), dumped(json(false)));

        s.note(QStringLiteral("authority now: the steward's value on behalf of PLM, approved by abe, acknowledged"
                              " by the WMS"));
        s.ctl(QStringLiteral("aud"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001") });
        auto at2 = s.quiet(QStringLiteral("aud"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001"), QStringLiteral("--json") });
        QCOMPARE(at2.exitCode, 0);
        const json l2 = attributeRow(at2.json(), "lifecycle_status");
        QCOMPARE(dumped(l2.value("value", json())), dumped(json("released")));
        QCOMPARE(dumped(l2.value("owner", json())), dumped(json("PLM")));
        QCOMPARE(dumped(l2["supplied_by"].value("system", json())), dumped(json("PLM")));
        QCOMPARE(dumped(l2["supplied_by"].value("actor", json())), dumped(json("sam")));
        QCOMPARE(dumped(l2["supplied_by"].value("steward", json())), dumped(json(true)));
        QCOMPARE(dumped(l2["supplied_by"].value("approved_by", json())), dumped(json("abe")));
        bool wmsAcked = false;
        for (const auto& a : at2.json().value("acknowledged", json::array()))
            wmsAcked |= a.value("target", "") == "WMS-P100" && a.value("revision_no", 0) == 2;
        QVERIFY2(wmsAcked, at2.out.constData());

        s.note(QStringLiteral("PLM creates FG-9002, the ATEX variant, under the same description: a duplicate"
                              " suspect of FG-9001"));
        const QString variant = dir.filePath(QStringLiteral("plm-2.jsonl"));
        {
            json item = releasedItem("Centrifugal pump, 40 l/min", { "P100" });
            QFile f(variant);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(mdsync::test::event("PLM", "item", "FG-9002", item, "plm-7790", "upsert",
                                                  "2026-11-28T09:00:00Z", "ecn-4720")
                + "\n"));
        }
        {
            // Exit 2: accepted, with an exception raised (the suspect).
            const CtlResult in = s.ctl(QStringLiteral("ada"), { QStringLiteral("ingest"), variant });
            QVERIFY2(in.exitCode == 2 && in.json().value("duplicate_suspects", 0) == 1, qPrintable(show(in)));
        }
        s.ctl(QStringLiteral("sam"), { QStringLiteral("duplicates"), QStringLiteral("list") });
        auto suspects = s.quiet(
            QStringLiteral("sam"), { QStringLiteral("duplicates"), QStringLiteral("list"), QStringLiteral("--json") });
        QVERIFY2(suspects.json().is_array() && suspects.json().size() == 1, suspects.out.constData());
        QCOMPARE(suspects.json()[0].value("key", ""), std::string("FG-9002"));
        QCOMPARE(suspects.json()[0].value("suspect_key", ""), std::string("FG-9001"));
        const QString suspectId = QString::number(suspects.json()[0]["exception_id"].get<qint64>());
        s.note(QStringLiteral("sam compares the two side by side and dismisses the suspect with the reason"));
        QCOMPARE(
            s.ctl(QStringLiteral("sam"),
                 { QStringLiteral("duplicates"), QStringLiteral("compare"), QStringLiteral("--exception"), suspectId })
                .exitCode,
            0);
        auto dismissed = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("duplicates"), QStringLiteral("dismiss"), QStringLiteral("--exception"), suspectId,
                QStringLiteral("--reason"), QStringLiteral("FG-9002 is the ATEX variant (ECN-4720), not FG-9001") });
        QVERIFY2(dismissed.exitCode == 0, qPrintable(show(dismissed)));
        auto none = s.ctl(QStringLiteral("sam"), { QStringLiteral("duplicates"), QStringLiteral("list") });
        QVERIFY2(none.out.contains("0 open duplicate suspect(s)"), none.out.constData());

        s.note(QStringLiteral("the auditor exports the trail and anyone can verify it offline"));
        const QString exportDir = dir.filePath(QStringLiteral("export"));
        exportAndVerify(s, exportDir, { "duplicate.dismiss", "the ATEX variant" });
        if (QTest::currentTestFailed())
            return;

        s.note(QStringLiteral("PLM creates FG-9003 for the same pump by mistake and uses it in the pump set's BOM:"
                              " a real duplicate of FG-9001"));
        const QString copy = dir.filePath(QStringLiteral("plm-3.jsonl"));
        {
            QFile f(copy);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(
                mdsync::test::event("PLM", "item", "FG-9003", releasedItem("Centrifugal pump 40 l/min.", { "P100" }),
                    "plm-7801", "upsert", "2026-11-28T10:00:00Z", "ecn-4731")
                + "\n"
                + mdsync::test::event("PLM", "item", "FG-9100", releasedItem("Pump set with motor 4 kW", { "P100" }),
                    "plm-7802", "upsert", "2026-11-28T10:01:00Z", "ecn-4731")
                + "\n"
                + mdsync::test::event("PLM", "bom", "BOM-9100",
                    { { "parent_item", "FG-9100" }, { "plant", "P100" }, { "usage", "production" },
                        { "base_quantity", 1 }, { "base_uom", "EA" }, { "description", "Pump set" },
                        { "components",
                            json::array({ { { "position", 10 }, { "component", "FG-9003" }, { "quantity", 1 },
                                { "uom", "EA" }, { "item_category", "L" } } }) } },
                    "plm-7803", "upsert", "2026-11-28T10:02:00Z", "ecn-4731")
                + "\n"));
        }
        {
            const CtlResult in = s.ctl(QStringLiteral("ada"), { QStringLiteral("ingest"), copy });
            QVERIFY2(in.exitCode == 2 && in.json().value("duplicate_suspects", 0) == 1, qPrintable(show(in)));
        }
        auto copies = s.quiet(
            QStringLiteral("sam"), { QStringLiteral("duplicates"), QStringLiteral("list"), QStringLiteral("--json") });
        QVERIFY2(copies.json().is_array() && copies.json().size() == 1, copies.out.constData());
        QCOMPARE(copies.json()[0].value("key", ""), std::string("FG-9003"));
        QCOMPARE(copies.json()[0].value("suspect_key", ""), std::string("FG-9001"));
        const QString copyId = QString::number(copies.json()[0]["exception_id"].get<qint64>());
        s.note(QStringLiteral("sam compares them and merges FG-9003 into FG-9001: the item lifecycle is critical,"
                              " so the merge waits for an approver other than sam"));
        QCOMPARE(
            s.ctl(QStringLiteral("sam"),
                 { QStringLiteral("duplicates"), QStringLiteral("compare"), QStringLiteral("--exception"), copyId })
                .exitCode,
            0);
        auto proposed = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("duplicates"), QStringLiteral("merge"), QStringLiteral("--exception"), copyId,
                QStringLiteral("--into"), QStringLiteral("FG-9001"), QStringLiteral("--reason"),
                QStringLiteral("same pump, created twice under ECN-4731") });
        QVERIFY2(proposed.exitCode == 0 && proposed.out.contains("awaiting approval"), qPrintable(show(proposed)));
        auto ownMerge = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("duplicates"), QStringLiteral("approve-merge"), QStringLiteral("--merge"),
                QStringLiteral("1") });
        QVERIFY2(ownMerge.exitCode == 1 && ownMerge.err.contains("four-eyes"), qPrintable(show(ownMerge)));
        s.note(QStringLiteral("abe approves: the BOM gets a revision that uses FG-9001, FG-9003 is retired and"
                              " becomes an alias of FG-9001"));
        auto mergeApproved = s.ctl(QStringLiteral("abe"),
            { QStringLiteral("duplicates"), QStringLiteral("approve-merge"), QStringLiteral("--merge"),
                QStringLiteral("1"), QStringLiteral("--reason"),
                QStringLiteral("drawings 4711-A and 4711-B are one") });
        QVERIFY2(mergeApproved.exitCode == 0 && mergeApproved.out.contains("bom 'BOM-9100' (revision 2)"),
            qPrintable(show(mergeApproved)));
        s.note(QStringLiteral("PLM still sends the old number: the change updates FG-9001"));
        const QString late = dir.filePath(QStringLiteral("plm-4.jsonl"));
        {
            json change = releasedItem("Centrifugal pump 40 l/min", { "P100" });
            change["net_weight"] = { { "value", 12.8 }, { "unit", "kg" } };
            QFile f(late);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(mdsync::test::event("PLM", "item", "FG-9003", change, "plm-7810",
                                                  "upsert", "2026-11-28T11:00:00Z", "ecn-4740")
                + "\n"));
        }
        QCOMPARE(s.ctl(QStringLiteral("ada"), { QStringLiteral("ingest"), late }).exitCode, 0);
        auto merged = s.ctl(QStringLiteral("sam"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9003") });
        QVERIFY2(
            merged.out.contains("(deleted)") && merged.out.contains("merged into FG-9001"), merged.out.constData());
        auto survivor = s.quiet(QStringLiteral("sam"),
            { QStringLiteral("authority"), QStringLiteral("--domain"), QStringLiteral("item"), QStringLiteral("--key"),
                QStringLiteral("FG-9001"), QStringLiteral("--json") });
        QCOMPARE(dumped(attributeRow(survivor.json(), "net_weight")["value"]),
            dumped(json { { "unit", "kg" }, { "value", 12.8 } }));
        QCOMPARE(survivor.json()["merges"].size(), size_t(1));
        QCOMPARE(survivor.json()["merges"][0].value("approved_by", ""), std::string("abe"));

        s.note(QStringLiteral("the auditor exports FG-9001's trail again: it holds the merge, and it verifies"));
        const QString exportDir2 = dir.filePath(QStringLiteral("export-2"));
        exportAndVerify(
            s, exportDir2, { "duplicate.merge.approve", "same pump, created twice" }, QStringLiteral("export-2"));
        if (QTest::currentTestFailed())
            return;

        s.note(QStringLiteral("one byte of the CSV changed: verification fails"));
        {
            QFile f(QDir(exportDir2).filePath(QStringLiteral("audit.csv")));
            QVERIFY(f.open(QIODevice::ReadWrite));
            QByteArray bytes = f.readAll();
            const qsizetype at = bytes.indexOf("abe");
            QVERIFY(at > 0);
            bytes[at] = 'e';
            f.seek(0);
            f.write(bytes);
        }
        auto tampered = runCtl({ QStringLiteral("verify-export"), exportDir2 });
        s.transcript += QStringLiteral("$ mdsyncctl verify-export export-2\n") + QString::fromUtf8(tampered.out)
            + QStringLiteral("(exit %1)\n").arg(tampered.exitCode);
        QCOMPARE(tampered.exitCode, 2);

        qInfo().noquote() << "\n" << s.transcript;
        if (const QString outFile = qEnvironmentVariable("MDSYNC_STORY_OUT"); !outFile.isEmpty()) {
            QFile f(outFile);
            if (f.open(QIODevice::WriteOnly))
                f.write(s.transcript.toUtf8());
        }
    }
};

QTEST_GUILESS_MAIN(TestStewardStory)
#include "tst_steward_story.moc"
