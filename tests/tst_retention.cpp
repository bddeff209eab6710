// Retention (docs/RETENTION.md): superseded revision payloads move into a gzip archive with a SHA-256 manifest;
// the revision rows, their hashes, lineage and the audit chain stay; an archived revision cannot be replayed and
// says where it went; "replayable until" for current, superseded and archived revisions; revisions with a delivery
// in the backlog are skipped; and the workspace's payloads stay bounded under a steady stream.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "dispatcherharness.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "steward/exceptionactions.h"
#include "steward/retention.h"
#include "store/archive.h"
#include "store/readexceptions.h"
#include "store/readqueries.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>
#include <algorithm>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

constexpr TimeMs kDayMs = 24LL * 3600 * 1000;

// An item event whose long description makes the payload about 1.9 KB (as real engineering texts do).
std::string bigItem(const std::string& key, int round)
{
    json a = releasedItem("Pump housing " + key + " r" + std::to_string(round), { "P100" });
    std::string text = "Round " + std::to_string(round) + " of " + key + ": ";
    while (text.size() < 1900)
        text += "cast iron GG25, machined, pressure tested to 16 bar; ";
    a["long_description"] = text.substr(0, 1900);
    const std::string occurred = formatRfc3339(at("2026-11-20T08:00:00Z") + static_cast<TimeMs>(round) * 60000);
    return event("PLM", "item", key, a, {}, "upsert", occurred);
}

QString stateOf(QSqlDatabase db, const char* key, int revisionNo)
{
    return scalar(db,
        QStringLiteral("SELECT r.state FROM revision r JOIN object o ON o.id = r.object_id"
                       " WHERE o.domain = 'item' AND o.key = '%1' AND r.revision_no = %2")
            .arg(QLatin1String(key))
            .arg(revisionNo))
        .toString();
}

qint64 revisionId(QSqlDatabase db, const char* key, int revisionNo)
{
    return scalar(db,
        QStringLiteral("SELECT r.id FROM revision r JOIN object o ON o.id = r.object_id"
                       " WHERE o.domain = 'item' AND o.key = '%1' AND r.revision_no = %2")
            .arg(QLatin1String(key))
            .arg(revisionNo))
        .toLongLong();
}

// The policy of the built-in model applies 730 days after superseding (item): archive as of 731 days after `from`.
ArchiveOptions archiveAt(TimeMs from, const QString& dir, const std::string& reason = "retention test")
{
    ArchiveOptions o;
    o.dir = dir;
    o.reason = reason;
    o.now = from + 731 * kDayMs;
    return o;
}

QStringList zcatLines(const QString& file)
{
    QProcess p;
    p.start(QStringLiteral("zcat"), { file });
    if (!p.waitForFinished(20000) || p.exitCode() != 0)
        return { QStringLiteral("zcat failed: ") + QString::fromUtf8(p.readAllStandardError()) };
    return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// The built-in landscape without the subscriptions `drop` selects, installed as the configuration in force; a
// pipeline ingests with it at the fixed test clock (kNow) unless `clock` says otherwise. Pending deliveries of a
// superseded revision stay in the backlog until the dispatcher supersedes them (ANALYTICS: at its nightly window),
// and retention skips revisions with deliveries in the backlog: the tests that do not dispatch leave the
// subscribers out.
struct Feed
{
    ActiveConfig config;
    std::unique_ptr<IngestPipeline> pipeline;
    std::function<TimeMs()> clock = [] { return at(kNow); };

    Result<IngestSummary> ingest(const std::vector<std::string>& lines)
    {
        IngestOptions o;
        o.clock = clock;
        o.sourceName = QStringLiteral("test.jsonl");
        return pipeline->ingestLines(lines, o);
    }
};

Result<std::unique_ptr<Feed>> feedWithout(TempWorkspace& tw, const std::function<bool(const json&)>& drop)
{
    const ActiveConfig& cfg = tw.config();
    json doc = cfg.landscape->document();
    doc["version"] = doc.value("version", std::string()) + "+retention-test";
    json subscriptions = json::array();
    for (const json& s : doc["subscriptions"])
        if (!drop(s))
            subscriptions.push_back(s);
    doc["subscriptions"] = subscriptions;
    auto landscape = Landscape::fromJson(doc, QStringLiteral("retention test"), *cfg.model);
    if (!landscape)
        return makeError(landscape.error());
    if (auto r = installConfig(tw.ws(), *cfg.model, QStringLiteral("built-in"), landscape.value(),
            QStringLiteral("retention test"), "owner");
        !r)
        return makeError(r.error());
    auto active = loadActiveConfig(tw.ws());
    if (!active)
        return makeError(active.error());
    auto feed = std::make_unique<Feed>();
    feed->config = active.value();
    feed->pipeline = std::make_unique<IngestPipeline>(tw.ws(), feed->config);
    return feed;
}

bool isItem(const json& subscription)
{
    return subscription.value("domain", "") == "item";
}

// WMS-P100 rejects (HTTP 422) every item without a storage_zone, which no test item has: a failed delivery and an
// open exception per item revision it is sent.
SimulatedSystem* addStrictWms(Harness& h)
{
    return h.addTarget("WMS-P100", { { "rules", { { "item", { { "required", { "storage_zone" } } } } } } });
}

} // namespace

class TestRetention : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void policyIsPartOfTheModelAndValidated()
    {
        MDSYNC_REQUIRE_OK(builtin, CanonicalModel::builtin());
        QCOMPARE(builtin->domain("item")->archiveSupersededAfterDays, std::optional<int>(730));
        QCOMPARE(builtin->domain("supplier")->archiveSupersededAfterDays, std::optional<int>(3650));
        json doc = builtin->document();
        doc["domains"]["bom"].erase("retention");
        MDSYNC_REQUIRE_OK(keepForever, CanonicalModel::fromJson(doc, QStringLiteral("m.json")));
        QVERIFY(!keepForever->domain("bom")->archiveSupersededAfterDays);

        const std::vector<std::pair<json, const char*>> bad = {
            { json { { "archive_superseded_after_days", -1 } },
                "domains.item.retention.archive_superseded_after_days: expected an integer of at least 0" },
            { json { { "archive_superseded_after_days", "1y" } },
                "domains.item.retention.archive_superseded_after_days: expected an integer of at least 0" },
            { json { { "archive_after", 5 } }, "domains.item.retention.archive_after: unknown field" },
            { json::object(), "domains.item.retention.archive_superseded_after_days: missing" },
            { json(365), "domains.item.retention: expected an object" },
        };
        for (const auto& [value, message] : bad) {
            json d = builtin->document();
            d["domains"]["item"]["retention"] = value;
            auto m = CanonicalModel::fromJson(d, QStringLiteral("m.json"));
            QVERIFY2(!m.ok(), value.dump().c_str());
            QVERIFY2(m.error().contains(QLatin1String(message)), qPrintable(m.error()));
            QVERIFY2(m.error().startsWith(QLatin1String("m.json")), qPrintable(m.error()));
        }
    }

    void archiveMovesSupersededPayloadsAndKeepsHashesLineageAndAudit()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString team = tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        MDSYNC_REQUIRE_OK(feed, feedWithout(tw, isItem));
        MDSYNC_REQUIRE_OK(s, feed.value()->ingest({ bigItem("FG-1", 1), bigItem("FG-2", 1) }));
        MDSYNC_REQUIRE_OK(s2, feed.value()->ingest({ bigItem("FG-1", 2) }));
        MDSYNC_REQUIRE_OK(s3, feed.value()->ingest({ bigItem("FG-1", 3) }));
        QCOMPARE(s->revisions + s2->revisions + s3->revisions, 4);
        const QString original1 = stateOf(tw.db(), "FG-1", 1);
        const QString original2 = stateOf(tw.db(), "FG-1", 2);
        const QString current = stateOf(tw.db(), "FG-1", 3);
        QVERIFY(original1.size() > 1900 && original2.size() > 1900);
        const QStringList hashesBefore
            = column(tw.db(), QStringLiteral("SELECT id || ' ' || content_hash FROM revision ORDER BY id"));
        const qint64 lineageBefore = count(tw.db(), QStringLiteral("lineage_event"));
        const QString dir = tw.filePath(QStringLiteral("archive"));
        const TimeMs from = at(kNow);

        // Not yet due: superseded, but not 730 days ago.
        ArchiveOptions early = archiveAt(from, dir);
        early.now = from + 10 * kDayMs;
        MDSYNC_REQUIRE_OK(none, archiveRevisions(tw.as("ada"), *tw.config().model, "ada", early));
        QCOMPARE(none->revisions, 0);

        // The dry run counts, for anyone, and writes nothing.
        ArchiveOptions dry = archiveAt(from, dir);
        dry.dryRun = true;
        MDSYNC_REQUIRE_OK(counted, archiveRevisions(tw.as("sam"), *tw.config().model, "sam", dry));
        QCOMPARE(counted->revisions, 2);
        QVERIFY(!QFileInfo::exists(dir));

        // A steward (and a viewer) may not archive: it takes payloads out of the workspace for good.
        auto denied = archiveRevisions(tw.as("sam"), *tw.config().model, "sam", archiveAt(from, dir));
        QVERIFY(!denied.ok());
        QVERIFY2(denied.error().contains(QLatin1String("archive revision payloads"))
                && denied.error().contains(QLatin1String("admin")),
            qPrintable(denied.error()));
        auto noReason = archiveRevisions(tw.as("ada"), *tw.config().model, "ada", archiveAt(from, dir, ""));
        QVERIFY(!noReason.ok());
        QVERIFY2(noReason.error().contains(QLatin1String("reason")), qPrintable(noReason.error()));

        MDSYNC_REQUIRE_OK(r, archiveRevisions(tw.as("ada"), *tw.config().model, "ada", archiveAt(from, dir)));
        QCOMPARE(r->revisions, 2);
        QCOMPARE(r->payloadBytes, static_cast<qint64>(original1.toUtf8().size() + original2.toUtf8().size()));
        QVERIFY2(QFileInfo(r->file).fileName().startsWith(QLatin1String("item-2028-"))
                && r->file.endsWith(QLatin1String("-0001.jsonl.gz")),
            qPrintable(r->file));
        QVERIFY(QFileInfo::exists(r->manifest));

        // The rows stay with their numbers and hashes; only the superseded payloads are gone.
        QCOMPARE(column(tw.db(), QStringLiteral("SELECT id || ' ' || content_hash FROM revision ORDER BY id")),
            hashesBefore);
        QCOMPARE(stateOf(tw.db(), "FG-1", 1), QString());
        QCOMPARE(stateOf(tw.db(), "FG-1", 2), QString());
        QCOMPARE(stateOf(tw.db(), "FG-1", 3), current);
        QCOMPARE(count(tw.db(), QStringLiteral("revision"), QStringLiteral("archived_in IS NOT NULL")), 2);
        QCOMPARE(count(tw.db(), QStringLiteral("lineage_event")), lineageBefore);
        // changed keeps the attribute names (who supplied what stays answerable), not the values.
        const json changed = json::parse(scalar(tw.db(),
            QStringLiteral("SELECT r.changed FROM revision r JOIN object o ON o.id = r.object_id"
                           " WHERE o.key = 'FG-1' AND r.revision_no = 2"))
                                             .toString()
                                             .toStdString());
        QCOMPARE(dumped(changed["long_description"]), QStringLiteral("{\"archived\":true}"));

        // The file is real gzip: zcat gives one line per revision whose state is the original payload.
        const QStringList lines = zcatLines(r->file);
        QCOMPARE(lines.size(), 2);
        const json first = json::parse(lines[0].toStdString());
        const json second = json::parse(lines[1].toStdString());
        QCOMPARE(qs(first["key"].get<std::string>()), QStringLiteral("FG-1"));
        QCOMPARE(first["revision_no"].get<int>(), 1);
        QCOMPARE(qs(first["state"].dump()), original1);
        QCOMPARE(qs(second["state"].dump()), original2);

        // The manifest and the file verify offline; the manifest's hash is in the audit entry; the chain holds.
        MDSYNC_REQUIRE_OK(v, verifyArchive(r->file));
        QVERIFY2(v->ok(), v->problems.empty() ? "" : v->problems.front().c_str());
        QCOMPARE(v->revisions, 2);
        QCOMPARE(v->fileSha256, r->fileSha256);
        QCOMPARE(v->manifestSha256, r->manifestSha256);
        const json after = json::parse(scalar(
            tw.db(), QStringLiteral("SELECT after FROM audit_log WHERE action = 'archive.create' AND actor = 'ada'"))
                                           .toString()
                                           .toStdString());
        QCOMPARE(after["manifest_sha256"].get<std::string>(), r->manifestSha256);
        QCOMPARE(after["revisions"].get<int>(), 2);
        const AuditVerification chain = AuditLog(tw.db()).verify();
        QVERIFY2(chain.ok, chain.problems.empty() ? "" : chain.problems.front().c_str());

        // One changed byte in the file is found, and named.
        const QString copy = tw.filePath(QStringLiteral("tampered"));
        QVERIFY(QDir().mkpath(copy));
        QVERIFY(QFile::copy(r->manifest, copy + QLatin1Char('/') + QFileInfo(r->manifest).fileName()));
        QFile f(r->file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
        QFile t(copy + QLatin1Char('/') + QFileInfo(r->file).fileName());
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(bytes);
        t.close();
        MDSYNC_REQUIRE_OK(broken, verifyArchive(t.fileName()));
        QVERIFY(!broken->ok());
        QVERIFY2(broken->problems.front().find("SHA-256") != std::string::npos, broken->problems.front().c_str());

        // A file without a record (a run that stopped between writing it and its commit) is named by the next run.
        QFile orphan(dir + QStringLiteral("/item-2028-01-01-0001.jsonl.gz"));
        QVERIFY(orphan.open(QIODevice::WriteOnly));
        orphan.write("not committed");
        orphan.close();
        // The revisions cannot be archived twice; nothing is left to archive.
        MDSYNC_REQUIRE_OK(again, archiveRevisions(tw.as("ada"), *tw.config().model, "ada", archiveAt(from, dir)));
        QCOMPARE(again->revisions, 0);
        QCOMPARE(again->orphans, std::vector<QString> { orphan.fileName() });
        // A revision row refuses any other change, archived or not.
        QSqlQuery q(tw.db());
        QVERIFY(!q.exec(QStringLiteral("UPDATE revision SET actor = 'mallory' WHERE archived_in IS NOT NULL")));
        QVERIFY(!q.exec(QStringLiteral("UPDATE revision SET state = '' WHERE archived_in IS NULL")));
    }

    void replayableUntilForCurrentSupersededAndArchived()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        QVERIFY2(tw.makeAdmin("ada").isEmpty(), "makeAdmin");
        MDSYNC_REQUIRE_OK(feed, feedWithout(tw, isItem));
        MDSYNC_REQUIRE_OK(s1, feed.value()->ingest({ bigItem("FG-7", 1) }));
        feed.value()->clock = [] { return at("2026-12-01T10:00:00Z"); };
        MDSYNC_REQUIRE_OK(s2, feed.value()->ingest({ bigItem("FG-7", 2) }));
        MDSYNC_REQUIRE_OK(days, store::retentionDays(tw.db()));
        QCOMPARE(days->at("item"), 730);
        QCOMPARE(days->at("location"), 365);

        MDSYNC_REQUIRE_OK(cur, store::replayableUntil(tw.db(), revisionId(tw.db(), "FG-7", 2), days.value()));
        QCOMPARE(cur->kind, store::ReplayableUntil::Kind::WhileCurrent);
        QCOMPARE(qs(cur->text()), QStringLiteral("while current; 730 days after it is superseded"));
        MDSYNC_REQUIRE_OK(old, store::replayableUntil(tw.db(), revisionId(tw.db(), "FG-7", 1), days.value()));
        QCOMPARE(old->kind, store::ReplayableUntil::Kind::Until);
        QCOMPARE(old->until, at("2026-12-01T10:00:00Z") + 730 * kDayMs);
        QCOMPARE(qs(old->text()), QStringLiteral("until 2028-11-30T10:00:00.000Z"));
        MDSYNC_REQUIRE_OK(noPolicy, store::replayableUntil(tw.db(), revisionId(tw.db(), "FG-7", 1), {}));
        QCOMPARE(qs(noPolicy->text()), QStringLiteral("forever (no retention policy)"));

        // One day before the 730 days are over it is not archived; a day after it is.
        ArchiveOptions o = archiveAt(at("2026-12-01T10:00:00Z"), tw.filePath(QStringLiteral("a")));
        o.now = old->until - kDayMs;
        MDSYNC_REQUIRE_OK(notYet, archiveRevisions(tw.as("ada"), *tw.config().model, "ada", o));
        QCOMPARE(notYet->revisions, 0);
        o.now = old->until + kDayMs;
        MDSYNC_REQUIRE_OK(r, archiveRevisions(tw.as("ada"), *tw.config().model, "ada", o));
        QCOMPARE(r->revisions, 1);
        MDSYNC_REQUIRE_OK(gone, store::replayableUntil(tw.db(), revisionId(tw.db(), "FG-7", 1), days.value()));
        QCOMPARE(gone->kind, store::ReplayableUntil::Kind::Archived);
        QVERIFY(!gone->replayable());
        QCOMPARE(qs(gone->text()),
            QStringLiteral("archived in %1 on 2028-12-01: not replayable").arg(QFileInfo(r->file).fileName()));
    }

    void replayOfAnArchivedRevisionIsRefusedNamingTheArchive()
    {
        Harness h;
        QVERIFY2(h.tw.ok(), qPrintable(h.tw.error()));
        const QString team = h.tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        // ANALYTICS (a nightly batch) would keep revision 1's deliveries in the backlog until its window.
        MDSYNC_REQUIRE_OK(
            feed, feedWithout(h.tw, [](const json& sub) { return sub.value("target", "") == "ANALYTICS"; }));
        feed.value()->clock = [] { return nowMs(); };
        h.config = feed.value()->config;
        QVERIFY(addStrictWms(h));
        for (const char* id : { "ERP", "MES-P100", "QMS" })
            QVERIFY(h.addTarget(id));
        QVERIFY(h.start());
        QVERIFY(feed.value()->ingest({ bigItem("FG-1", 1), bigItem("FG-2", 1) }).ok());
        QVERIFY(h.runUntilIdle());
        const QString failed = QStringLiteral("stage = 'delivery' AND status = 'open' AND target_id = 'WMS-P100'");
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), failed), 2);
        const qint64 ex1
            = scalar(h.tw.db(), QStringLiteral("SELECT id FROM exception WHERE %1 AND object_key = 'FG-1'").arg(failed))
                  .toLongLong();
        const qint64 ex2
            = scalar(h.tw.db(), QStringLiteral("SELECT id FROM exception WHERE %1 AND object_key = 'FG-2'").arg(failed))
                  .toLongLong();
        h.dispatcher->stop();
        // Revision 2 of both arrives while nothing is sent; revision 1 of FG-2 is replayed (pending again).
        QVERIFY(feed.value()->ingest({ bigItem("FG-1", 2), bigItem("FG-2", 2) }).ok());
        MDSYNC_REQUIRE_OK(replayed, ExceptionActions(h.tw.as("sam")).replay("sam", ex2, "WMS fixed"));

        MDSYNC_REQUIRE_OK(r,
            archiveRevisions(h.tw.as("ada"), *h.tw.config().model, "ada",
                archiveAt(nowMs(), h.tw.filePath(QStringLiteral("archive")))));
        // FG-1 revision 1 is archived; FG-2 revision 1 has a delivery in the backlog: skipped and counted.
        QCOMPARE(r->revisions, 1);
        const auto itemCount
            = std::ranges::find_if(r->domains, [](const ArchiveDomainCount& c) { return c.domain == "item"; });
        QVERIFY(itemCount != r->domains.end());
        QCOMPARE(itemCount->skippedOpen, 1);
        QCOMPARE(itemCount->archivable, 1);
        // The invariant the dispatcher relies on: no delivery in the backlog sends an archived revision.
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery d JOIN revision r ON r.id = d.revision_id"),
                     QStringLiteral("r.archived_in IS NOT NULL AND d.status IN ('pending','retry_wait','in_flight',"
                                    "'held','blocked_by_outage')")),
            0);

        const QString file = QFileInfo(r->file).fileName();
        auto refused = ExceptionActions(h.tw.as("sam")).replay("sam", ex1, "try again");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("revision 1 of item FG-1 is archived in ") + file)
                && refused.error().contains(QLatin1String("cannot be replayed"))
                && refused.error().contains(qs(r->manifestSha256.substr(0, 12))),
            qPrintable(refused.error()));
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(ex1)).toString(),
            QStringLiteral("open"));

        // The exception list says so too (CLI `exceptions`, JSON).
        read::ExceptionQuery query;
        query.statuses.clear();
        query.objectKey = QStringLiteral("FG-1");
        MDSYNC_REQUIRE_OK(rows, read::exceptions(h.tw.db(), query, false));
        bool shown = false;
        for (const json& e : rows.value())
            if (e["id"].get<qint64>() == ex1) {
                QCOMPARE(qs(e["replayable_until"].get<std::string>()),
                    QStringLiteral("archived in %1 on %2: not replayable")
                        .arg(file, qs(formatRfc3339(*archiveAt(nowMs(), {}).now).substr(0, 10))));
                shown = true;
            }
        QVERIFY(shown);

        // The dispatcher goes on: what is in the backlog is sent (FG-2 revision 1 is superseded by revision 2, which
        // the strict WMS refuses again), never an empty payload.
        QVERIFY(h.start());
        QVERIFY(h.runUntilIdle());
        for (const char* id : { "ERP", "MES-P100", "QMS" })
            QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("FG-1"), QLatin1String(id), 2),
                QStringLiteral("acked"));
        QCOMPARE(h.sims["ERP"]->appliedCount(QStringLiteral("item"), QStringLiteral("FG-1")), 2);
        const AuditVerification chain = AuditLog(h.tw.db()).verify();
        QVERIFY2(chain.ok, chain.problems.empty() ? "" : chain.problems.front().c_str());
        verifyCounters(h.tw.db());

        // A replay racing an archive run (PostgreSQL: the run does not lock the rows it re-checks) could put a
        // delivery of an archived revision back in the backlog; simulated here. An archived revision is superseded by
        // definition, so the dispatcher supersedes the delivery by the newer revision (were it the newest, it would
        // become an exception that says why): it is not sent, and the dispatcher goes on.
        const qint64 raced = scalar(h.tw.db(),
            QStringLiteral("SELECT d.id FROM delivery d JOIN revision r ON r.id = d.revision_id"
                           " WHERE r.archived_in IS NOT NULL AND d.target_id = 'WMS-P100'"))
                                 .toLongLong();
        QVERIFY(raced > 0);
        QSqlQuery back(h.tw.db());
        QVERIFY(back.exec(QStringLiteral("UPDATE delivery SET status = 'pending', next_attempt_at = NULL, due_at = 0"
                                         " WHERE id = %1")
                              .arg(raced)));
        const qint64 sentBefore = h.sims["WMS-P100"]->totalApplied();
        h.dispatcher->poke();
        QVERIFY(h.runUntilIdle());
        QVERIFY2(h.dispatcher->lastError().isEmpty(), qPrintable(h.dispatcher->lastError()));
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT status FROM delivery WHERE id = %1").arg(raced)).toString(),
            QStringLiteral("superseded"));
        QCOMPARE(h.sims["WMS-P100"]->totalApplied(), sentBefore); // nothing sent
    }

    void workspaceStaysBoundedUnderASteadyStream()
    {
        MDSYNC_SQLITE_ONLY("the size of the workspace file");
        // 40 rounds of an update to each of 300 items (payloads ~1.9 KB), the same stream into two workspaces: one
        // archives after every round (as of 731 days later: everything superseded is due) with --compact (VACUUM:
        // SQLite does not refill the half-empty pages archiving leaves in the revision table, whose new rows go to
        // its end), one keeps everything.
        constexpr int kRounds = 40;
        constexpr int kObjects = 300;
        TempWorkspace kept;
        TempWorkspace archived;
        QVERIFY2(kept.ok() && archived.ok(), qPrintable(kept.error() + archived.error()));
        QVERIFY2(archived.makeAdmin("ada").isEmpty(), "makeAdmin");
        MDSYNC_REQUIRE_OK(keptFeed, feedWithout(kept, isItem));
        MDSYNC_REQUIRE_OK(archivedFeed, feedWithout(archived, isItem));
        const auto fileSize = [](TempWorkspace& tw) {
            QSqlQuery q(tw.db());
            q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
            return QFileInfo(tw.path()).size();
        };
        const auto payloadBytes = [](TempWorkspace& tw) {
            return scalar(tw.db(), QStringLiteral("SELECT sum(length(state)) FROM revision")).toLongLong();
        };
        std::vector<qint64> keptSize, archivedSize, archivedPayload;
        for (int round = 1; round <= kRounds; ++round) {
            std::vector<std::string> events;
            for (int i = 0; i < kObjects; ++i)
                events.push_back(bigItem("FG-" + std::to_string(10000 + i), round));
            for (Feed* feed : { keptFeed->get(), archivedFeed->get() }) {
                MDSYNC_REQUIRE_OK(s, feed->ingest(events));
                QCOMPARE(s->revisions, kObjects);
            }
            ArchiveOptions o = archiveAt(at(kNow), archived.filePath(QStringLiteral("archive")), "nightly retention");
            o.compact = true;
            MDSYNC_REQUIRE_OK(r, archiveRevisions(archived.as("ada"), *archived.config().model, "ada", o));
            QCOMPARE(r->revisions, round == 1 ? 0 : kObjects);
            keptSize.push_back(fileSize(kept));
            archivedSize.push_back(fileSize(archived));
            archivedPayload.push_back(payloadBytes(archived));
        }
        const auto kib = [](qint64 b) { return QString::number(static_cast<double>(b) / 1024.0, 'f', 0); };
        qInfo().noquote()
            << QStringLiteral("steady stream, %1 rounds x %2 items (~1.9 KB payloads):").arg(kRounds).arg(kObjects);
        for (int round : { 1, 5, 10, 20, 30, 40 })
            qInfo().noquote() << QStringLiteral("  after round %1: without retention %2 KiB, with retention %3 KiB "
                                                "(payloads in the workspace %4 KiB)")
                                     .arg(round, 2)
                                     .arg(kib(keptSize[round - 1]), kib(archivedSize[round - 1]),
                                         kib(archivedPayload[round - 1]));
        const qint64 keptGrowth = keptSize[kRounds - 1] - keptSize[9];
        const qint64 archivedGrowth = archivedSize[kRounds - 1] - archivedSize[9];
        qInfo().noquote() << QStringLiteral("  growth rounds 10-40: without retention %1 KiB, with retention %2 KiB "
                                            "(revision rows, deliveries and lineage, which retention keeps)")
                                 .arg(kib(keptGrowth), kib(archivedGrowth));
        // Where the bytes are (SQLite's dbstat, when the library has it): the tables and indexes retention keeps.
        for (TempWorkspace* tw : { &kept, &archived }) {
            QSqlQuery q(tw->db());
            if (!q.exec(QStringLiteral("SELECT name, sum(pgsize) - sum(unused) FROM dbstat GROUP BY name"
                                       " ORDER BY 2 DESC LIMIT 6")))
                break;
            QStringList parts;
            while (q.next())
                parts << q.value(0).toString() + QLatin1Char(' ') + kib(q.value(1).toLongLong())
                        + QStringLiteral(" KiB");
            qInfo().noquote() << (tw == &kept ? QStringLiteral("  without retention: ")
                                              : QStringLiteral("  with retention: "))
                    + parts.join(QStringLiteral(", "));
        }
        // The payloads in the workspace are bounded: the current states (plus nothing superseded, all archived).
        QVERIFY2(archivedPayload[kRounds - 1] < archivedPayload[4] * 101 / 100,
            qPrintable(kib(archivedPayload[kRounds - 1])));
        // Without retention the file grows by the whole stream; with it by the rows retention keeps, a fraction.
        QVERIFY2(keptSize[kRounds - 1] > 4 * keptSize[4], qPrintable(kib(keptSize[kRounds - 1])));
        QVERIFY2(archivedGrowth * 8 < keptGrowth, qPrintable(kib(archivedGrowth) + QLatin1Char('/') + kib(keptGrowth)));
        // What is left per revision is its row, lineage and inbound record: under 1 KiB, against its ~1.9 KB payload.
        QVERIFY2(archivedGrowth / (30 * kObjects) < 1024, qPrintable(kib(archivedGrowth)));
        const AuditVerification chain = AuditLog(archived.db()).verify();
        QVERIFY2(chain.ok, chain.problems.empty() ? "" : chain.problems.front().c_str());
    }
};

QTEST_GUILESS_MAIN(TestRetention)
#include "tst_retention.moc"
