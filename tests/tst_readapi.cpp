// The read API of core/store (readexceptions, readmatrix, readaudit, readviews, readqueries) against a real
// workspace built through the core's ingest: the one exception query (filter, sort, limit) as the GUI backlog, the
// CLI and replay selection use it, the exception detail, the propagation matrix, the audit log, the dashboard, the
// policies and an object's revisions. Every value is asserted, most of them against an independent count in SQL.

#include "access/roles.h"
#include "steward/replayjob.h"
#include "steward/rolegrants.h"
#include "store/readaudit.h"
#include "store/readexceptions.h"
#include "store/readmatrix.h"
#include "store/readqueries.h"
#include "store/readviews.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QTest>

#include <algorithm>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

constexpr int kItems = 12;

// `kItems` released items FG-1000.. (FG-1000 changed three more times), RM-1 with a rejected second event (an inbound
// validation exception), and the QMS deliveries of FG-1000..FG-1002 failed with an open "rejected" exception each (as
// the dispatcher records a rejection; written here with plain SQL, like tst_exceptionsview).
bool makeWorkspace(TempWorkspace& tw)
{
    std::vector<std::string> lines;
    for (int i = 0; i < kItems; ++i) {
        std::string word = "Q";
        for (int v = i + 26 * 26; v > 0; v /= 26)
            word += static_cast<char>('a' + v % 26);
        lines.push_back(
            event("PLM", "item", "FG-" + std::to_string(1000 + i), releasedItem(word + "x" + word, { "P100" })));
    }
    json rm = releasedItem("Bracket", { "P100" });
    lines.push_back(event("PLM", "item", "RM-1", rm));
    if (!tw.ingest(lines).ok())
        return false;
    for (const char* d : { "Pump housing, cast", "Pump housing, milled", "Pump housing, coated" })
        if (!tw.ingest({ event("PLM", "item", "FG-1000", releasedItem(d, { "P100" })) }).ok())
            return false;
    rm["net_weight"] = "3 m";
    if (!tw.ingest({ event("PLM", "item", "RM-1", rm) }).ok())
        return false;
    if (!tw.makeAdmin("ada").isEmpty() || !grantRole(tw.as("ada"), "ada", "sam", Role::Steward, "team").ok())
        return false;
    RawConnection raw(tw.path());
    for (const char* sql : {
             "UPDATE delivery SET status = 'failed', attempts = 2, last_error = 'QMS rejected: Unknown Unit'"
             " WHERE target_id = 'QMS' AND object_id IN (SELECT id FROM object WHERE key IN"
             " ('FG-1001','FG-1002','FG-1003'))",
             "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, domain, object_key,"
             " object_id, revision_id, delivery_id, target_id, message, details)"
             " SELECT 'delivery', 'rejected', 'high', 'open', d.created_at + d.id, d.created_at, o.domain, o.key,"
             " o.id, d.revision_id, d.id, d.target_id, 'QMS refused the item', '{\"http_status\": 422}'"
             " FROM delivery d JOIN object o ON o.id = d.object_id WHERE d.status = 'failed' ORDER BY d.id",
             "UPDATE delivery SET exception_id = (SELECT e.id FROM exception e WHERE e.delivery_id = delivery.id)"
             " WHERE status = 'failed'",
         }) {
        const QString error = raw.exec(QString::fromUtf8(sql));
        if (!error.isEmpty()) {
            qWarning("%s", qPrintable(error));
            return false;
        }
    }
    return true;
}

qint64 exceptionIdOf(QSqlDatabase db, const char* key, const char* stage)
{
    return scalar(db,
        QStringLiteral("SELECT id FROM exception WHERE object_key = '%1' AND stage = '%2'")
            .arg(QLatin1String(key), QLatin1String(stage)))
        .toLongLong();
}

// Empty when each filter, in both directions, lists through `orders` the ids SQL's ORDER BY lists, in the same
// order; otherwise what differs, `when`. The first filter must list something.
QString sameOrderAsSql(QSqlDatabase& db, const read::MatrixLayout& layout,
    const std::vector<read::MatrixFilter>& filters, read::MatrixOrders& orders, qint64 now, const QString& when)
{
    for (Qt::SortOrder dir : { Qt::AscendingOrder, Qt::DescendingOrder })
        for (size_t i = 0; i < filters.size(); ++i) {
            read::MatrixFilter f = filters[i];
            f.order = dir;
            const read::MatrixSql sql = read::matrixIdSql(f, layout, now);
            const auto bySql = read::matrixIds(db, sql);
            const auto byOrder = read::matrixIds(db, sql, &orders);
            if (!bySql.ok() || !byOrder.ok())
                return QStringLiteral("%1, filter %2: %3%4")
                    .arg(when)
                    .arg(i)
                    .arg(bySql.ok() ? QString() : bySql.error(), byOrder.ok() ? QString() : byOrder.error());
            if (bySql.value() != byOrder.value() || (i == 0 && bySql.value().empty()))
                return QStringLiteral("%1, filter %2 %3: %4 ids in memory, %5 by SQL, or not in the same order")
                    .arg(when)
                    .arg(i)
                    .arg(QLatin1String(dir == Qt::AscendingOrder ? "asc" : "desc"))
                    .arg(byOrder.value().size())
                    .arg(bySql.value().size());
        }
    return QString();
}

} // namespace

class TestReadApi : public QObject
{
    Q_OBJECT

private:
    TempWorkspace m_tw;
    qint64 m_now = 0;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_tw.ok(), qPrintable(m_tw.error()));
        QVERIFY(makeWorkspace(m_tw));
        m_now = QDateTime::currentMSecsSinceEpoch();
        QCOMPARE(count(m_tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'delivery'")), 3);
        QCOMPARE(count(m_tw.db(), QStringLiteral("exception"), QStringLiteral("stage = 'inbound'")), 1);
    }

    void exceptionQueryFiltersSortsAndLimits()
    {
        QSqlDatabase db = m_tw.db();
        // The default query is the open backlog, by id.
        read::ExceptionQuery q;
        MDSYNC_REQUIRE_OK(all, read::exceptionIds(db, q, m_now));
        QCOMPARE(static_cast<qint64>(all.value().size()),
            count(db, QStringLiteral("exception"), QStringLiteral("status = 'open'")));
        QCOMPARE(all.value().size(), size_t(4));
        QVERIFY(std::is_sorted(all.value().begin(), all.value().end()));

        q.category = QStringLiteral("validation");
        MDSYNC_REQUIRE_OK(validation, read::exceptionIds(db, q, m_now));
        QCOMPARE(validation.value(), std::vector<qint64> { exceptionIdOf(db, "RM-1", "inbound") });

        // Text: part of the key or of the message; LIKE wildcards in the text are literal.
        q = {};
        q.text = QStringLiteral("fg-100");
        MDSYNC_REQUIRE_OK(byText, read::exceptionIds(db, q, m_now));
        QCOMPARE(byText.value().size(), size_t(3));
        q.text = QStringLiteral("FG_100");
        MDSYNC_REQUIRE_OK(literal, read::exceptionIds(db, q, m_now));
        QCOMPARE(literal.value().size(), size_t(0));

        // Error text: the message or the delivery's last error ("QMS rejected: ..."), case-insensitive.
        q = {};
        q.errorText = QStringLiteral("qms REJECTED");
        MDSYNC_REQUIRE_OK(byError, read::exceptionIds(db, q, m_now));
        QCOMPARE(byError.value().size(), size_t(3));

        // Sort by object, descending, and a limit.
        q = {};
        q.target = QStringLiteral("QMS");
        q.sort = read::ExceptionQuery::Sort::Object;
        q.descending = true;
        q.limit = 2;
        MDSYNC_REQUIRE_OK(sorted, read::exceptionIds(db, q, m_now));
        QCOMPARE(sorted.value(),
            (std::vector<qint64> {
                exceptionIdOf(db, "FG-1003", "delivery"), exceptionIdOf(db, "FG-1002", "delivery") }));

        q.limit = 0; // as in SQL: no rows (mdsyncctl exceptions --limit 0)
        MDSYNC_REQUIRE_OK(none, read::exceptionIds(db, q, m_now));
        QCOMPARE(none.value().size(), size_t(0));

        // Age: created at least this long ago (the ingest clock is in 2026-11, so everything is older than a minute
        // and nothing is 20 years old).
        q = {};
        q.olderThanMs = 60 * 1000;
        MDSYNC_REQUIRE_OK(old, read::exceptionIds(db, q, m_now));
        QCOMPARE(old.value().size(), size_t(4));
        q.olderThanMs = 20LL * 365 * 24 * 3600 * 1000;
        MDSYNC_REQUIRE_OK(ancient, read::exceptionIds(db, q, m_now));
        QCOMPARE(ancient.value().size(), size_t(0));

        // Closed statuses are outside the default; ids select whatever the status.
        q = {};
        q.statuses = { QStringLiteral("replayed") };
        MDSYNC_REQUIRE_OK(replayed, read::exceptionIds(db, q, m_now));
        QCOMPARE(replayed.value().size(), size_t(0));
        q = {};
        q.statuses.clear();
        q.ids = { all.value()[1], all.value()[3] };
        MDSYNC_REQUIRE_OK(byIds, read::exceptionIds(db, q, m_now));
        QCOMPARE(byIds.value(), (std::vector<qint64> { all.value()[1], all.value()[3] }));

        // The navigator's map: an id shows that exception whatever its status; minutes become milliseconds.
        const auto fromMap = read::ExceptionQuery::fromMap({ { QStringLiteral("id"), all.value()[0] },
            { QStringLiteral("older_than_minutes"), 30 }, { QStringLiteral("key"), QStringLiteral("RM-1") } });
        QCOMPARE(fromMap.ids, std::vector<qint64> { all.value()[0] });
        QVERIFY(fromMap.statuses.isEmpty());
        QCOMPARE(fromMap.olderThanMs, 30LL * 60 * 1000);
        QCOMPARE(fromMap.objectKey, QStringLiteral("RM-1"));
    }

    void exceptionRowsAndGroups()
    {
        QSqlDatabase db = m_tw.db();
        const qint64 failed = exceptionIdOf(db, "FG-1002", "delivery");
        MDSYNC_REQUIRE_OK(rows, read::exceptionRows(db, { failed, 999999 }));
        QCOMPARE(rows.value().size(), size_t(1)); // a vanished id is no row
        const read::PagedRow& r = rows.value().front();
        QCOMPARE(r.id, failed);
        QCOMPARE(r.values.size(), size_t(read::ExValueCount));
        QCOMPARE(r.values[read::ExCategory].toString(), QStringLiteral("rejected"));
        QCOMPARE(r.values[read::ExSeverity].toString(), QStringLiteral("high"));
        QCOMPARE(r.values[read::ExDomain].toString(), QStringLiteral("item"));
        QCOMPARE(r.values[read::ExKey].toString(), QStringLiteral("FG-1002"));
        QCOMPARE(r.values[read::ExTarget].toString(), QStringLiteral("QMS"));
        QCOMPARE(r.values[read::ExAttempts].toLongLong(), qint64(2));
        QCOMPARE(r.values[read::ExStatus].toString(), QStringLiteral("open"));
        QCOMPARE(r.values[read::ExStage].toString(), QStringLiteral("delivery"));

        MDSYNC_REQUIRE_OK(
            byCategory, read::exceptionGroupCounts(db, read::ExceptionQuery {}, QStringLiteral("category"), m_now));
        QCOMPARE(byCategory.value(),
            (std::map<QString, qint64> { { QStringLiteral("rejected"), 3 }, { QStringLiteral("validation"), 1 } }));
        MDSYNC_REQUIRE_OK(
            byTarget, read::exceptionGroupCounts(db, read::ExceptionQuery {}, QStringLiteral("target"), m_now));
        QCOMPARE(byTarget.value(), (std::map<QString, qint64> { { QString(), 1 }, { QStringLiteral("QMS"), 3 } }));

        // By business impact: the inbound validation problem blocks every item subscription (MES: critical), the
        // QMS rejections only QMS's (medium); among those, the same criticality and lifecycle: severity, then age.
        read::ExceptionQuery impact;
        impact.sort = read::ExceptionQuery::Sort::Impact;
        impact.descending = true;
        MDSYNC_REQUIRE_OK(byImpact, read::exceptionIds(db, impact, m_now));
        QCOMPARE(byImpact->size(), size_t(4));
        QCOMPARE(byImpact->front(), exceptionIdOf(db, "RM-1", "inbound"));
        impact.descending = false;
        MDSYNC_REQUIRE_OK(leastFirst, read::exceptionIds(db, impact, m_now));
        QCOMPARE(leastFirst->back(), exceptionIdOf(db, "RM-1", "inbound"));
        MDSYNC_REQUIRE_OK(cli, read::exceptions(db, impact, false)); // the CLI's query (no delivery join) sorts too
        QCOMPARE(cli->size(), size_t(4));

        // By cause: the same target, category and error text, whatever key, value or number it names.
        MDSYNC_REQUIRE_OK(causes, read::exceptionCauses(db, read::ExceptionQuery {}, m_now));
        QCOMPARE(causes->groups.size(), size_t(2));
        QVERIFY(!causes->truncated);
        QCOMPARE(causes->groups[0].target, QStringLiteral("QMS"));
        QCOMPARE(causes->groups[0].category, QStringLiteral("rejected"));
        QCOMPARE(causes->groups[0].ids.size(), size_t(3)); // the largest group first
        QVERIFY(std::ranges::find(causes->groups[0].ids, failed) != causes->groups[0].ids.end());
        QCOMPARE(causes->groups[1].category, QStringLiteral("validation"));
        MDSYNC_REQUIRE_OK(one, read::exceptionCauses(db, read::ExceptionQuery {}, m_now, 2));
        QVERIFY(one->truncated); // only 2 of the 4 read
        QCOMPARE(read::causeText(
                     QStringLiteral("ERP rejected FG-1: unit 'XX' unknown (code 422, 1.5 kg)"), QStringLiteral("FG-1")),
            QStringLiteral("ERP rejected <key>: unit '…' unknown (code #, # kg)"));
        QCOMPARE(read::causeText(QStringLiteral("ERP rejected FG-2: unit \"ZZ\" unknown (code 422, 2,75 kg)"),
                     QStringLiteral("FG-2")),
            QStringLiteral("ERP rejected <key>: unit '…' unknown (code #, # kg)"));

        MDSYNC_REQUIRE_OK(choices, read::exceptionChoices(db));
        QVERIFY(choices.value().categories.contains(QStringLiteral("validation")));
        QVERIFY(choices.value().severities.contains(QStringLiteral("high")));
        QVERIFY(choices.value().targets.contains(QStringLiteral("QMS")));
        QVERIFY(choices.value().domains.contains(QStringLiteral("item")));
    }

    void replaySelectionAndCliUseTheSameQuery()
    {
        QSqlDatabase db = m_tw.db();
        MDSYNC_REQUIRE_OK(filter, ReplayFilter::parse("target=QMS,error=Rejected:"));
        read::ExceptionQuery q = filter.value().query();
        QVERIFY(q.statuses.isEmpty());
        q.storedStatus = QStringLiteral("open");
        q.stage = QStringLiteral("delivery");
        q.deliveryStatus = QStringLiteral("failed");
        MDSYNC_REQUIRE_OK(ids, read::exceptionIds(db, q, m_now));
        // Oldest first (created_at), as replays walk them.
        QCOMPARE(ids.value(),
            (std::vector<qint64> { exceptionIdOf(db, "FG-1001", "delivery"), exceptionIdOf(db, "FG-1002", "delivery"),
                exceptionIdOf(db, "FG-1003", "delivery") }));
        // Without the delivery join the error text looks at the message only.
        const auto noJoin = q.conditions(m_now, false);
        QVERIFY(!noJoin.where().contains(QStringLiteral("d.")));

        read::ExceptionQuery cli;
        cli.statuses = { QStringLiteral("open") };
        cli.category = QStringLiteral("validation");
        MDSYNC_REQUIRE_OK(rows, read::exceptions(db, cli, true));
        QCOMPARE(rows.value().size(), size_t(1));
        QCOMPARE(qs(rows.value()[0]["key"].get<std::string>()), QStringLiteral("RM-1"));
        QCOMPARE(qs(rows.value()[0]["status"].get<std::string>()), QStringLiteral("open"));
        QVERIFY(rows.value()[0].contains("raw"));
        cli.statuses = { QStringLiteral("lost") };
        const auto bad = read::exceptions(db, cli, false);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().contains(QStringLiteral("unknown exception status 'lost'")), qPrintable(bad.error()));
    }

    void exceptionDetailAndSubject()
    {
        QSqlDatabase db = m_tw.db();
        const qint64 inbound = exceptionIdOf(db, "RM-1", "inbound");
        MDSYNC_REQUIRE_OK(d, read::exceptionDetail(db, inbound));
        QCOMPARE(d.value().id, inbound);
        QCOMPARE(d.value().category, QStringLiteral("validation"));
        QCOMPARE(d.value().domain, QStringLiteral("item"));
        QCOMPARE(d.value().key, QStringLiteral("RM-1"));
        QVERIFY(d.value().raw.contains("3 m")); // verbatim input
        QCOMPARE(d.value().correctionId, qint64(0));
        QCOMPARE(static_cast<qint64>(d.value().lineage.size()),
            count(db, QStringLiteral("lineage_event"), QStringLiteral("object_key = 'RM-1'")));
        QCOMPARE(d.value().lineage.back().kind,
            column(
                db, QStringLiteral("SELECT kind FROM lineage_event WHERE object_key = 'RM-1' ORDER BY id DESC LIMIT 1"))
                .value(0));
        QVERIFY(!read::exceptionDetail(db, 999999).ok());

        MDSYNC_REQUIRE_OK(s, read::exceptionSubject(db, inbound));
        QVERIFY(!s.value().isPayload());
        QCOMPARE(s.value().key, QStringLiteral("RM-1"));
        MDSYNC_REQUIRE_OK(p, read::exceptionSubject(db, exceptionIdOf(db, "FG-1001", "delivery")));
        QVERIFY(p.value().isPayload());
        const auto missing = read::exceptionSubject(db, 999999);
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("#999999")));
    }

    void matrix()
    {
        QSqlDatabase db = m_tw.db();
        MDSYNC_REQUIRE_OK(layout, read::matrixLayout(db));
        auto qms = std::find_if(layout.value().targets.begin(), layout.value().targets.end(),
            [](const auto& t) { return t.id == QLatin1String("QMS"); });
        QVERIFY(qms != layout.value().targets.end());
        QVERIFY(layout.value().subscribed.count({ QStringLiteral("item"), QStringLiteral("QMS") }));

        read::MatrixFilter f;
        f.domain = QStringLiteral("item");
        MDSYNC_REQUIRE_OK(ids, read::matrixIds(db, read::matrixIdSql(f, layout.value(), m_now)));
        QCOMPARE(ids.value().size(), size_t(kItems + 1));
        f.text = QStringLiteral("fg-100"); // key prefix, upper-cased too
        MDSYNC_REQUIRE_OK(prefix, read::matrixIds(db, read::matrixIdSql(f, layout.value(), m_now)));
        QCOMPARE(prefix.value().size(), size_t(10));
        f.text = QStringLiteral("milled"); // description, through the trigram index
        MDSYNC_REQUIRE_OK(described, read::matrixIds(db, read::matrixIdSql(f, layout.value(), m_now)));
        QCOMPARE(described.value().size(), size_t(0)); // FG-1000 is "coated" now
        f.text = QStringLiteral("coated");
        MDSYNC_REQUIRE_OK(coated, read::matrixIds(db, read::matrixIdSql(f, layout.value(), m_now)));
        QCOMPARE(coated.value().size(), size_t(1));
        const qint64 fg1000 = coated.value().front();

        std::map<QString, size_t> column;
        for (size_t i = 0; i < layout.value().targets.size(); ++i)
            column[layout.value().targets[i].id] = i;
        MDSYNC_REQUIRE_OK(rows, read::matrixRows(db, { fg1000 }, column));
        QCOMPARE(rows.value().size(), size_t(1));
        const auto& v = rows.value().front().values;
        QCOMPARE(v.size(), read::MxFirstTarget + layout.value().targets.size() * read::kMatrixPerTarget);
        QCOMPARE(v[read::MxKey].toString(), QStringLiteral("FG-1000"));
        QCOMPARE(v[read::MxRevision].toLongLong(), qint64(4));
        const size_t base = read::MxFirstTarget + column.at(QStringLiteral("QMS")) * read::kMatrixPerTarget;
        QCOMPARE(v[base + read::MxStatus].toString(),
            scalar(db,
                QStringLiteral("SELECT status FROM object_target WHERE object_id = %1 AND target_id = 'QMS'")
                    .arg(fg1000))
                .toString());
        QCOMPARE(v[base + read::MxTargetRevision].toLongLong(), qint64(4));

        MDSYNC_REQUIRE_OK(revs, read::objectRevisions(db, fg1000));
        QCOMPARE(revs.value().key, QStringLiteral("FG-1000"));
        QCOMPARE(revs.value().revisions.size(), size_t(4));
        QCOMPARE(revs.value().revisions.front().no, qint64(4)); // newest first
        QVERIFY(revs.value().revisions.front().changed.contains(QStringLiteral("description")));
        QVERIFY(revs.value().revisions.front().byTarget.count(QStringLiteral("QMS")));
        QVERIFY(!read::objectRevisions(db, 999999).ok());
    }

    // The matrix model's in-memory key order (read::ObjectKeyOrder) lists every filter as SQL's ORDER BY does, and
    // objects created later are merged in by their place in the key index, not by reading every key again.
    void keyOrderListsLikeSqlAndMergesNewObjects()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        // Keys not in id order; "IMP-" keys whose descriptions hold "imp" too (a key and a description match).
        std::vector<std::string> lines;
        for (int i = 0; i < 40; ++i) {
            const std::string key = (i % 3 == 0 ? "IMP-" : i % 3 == 1 ? "M-" : "K-") + std::to_string(977 - i * 13);
            lines.push_back(
                test::event("PLM", "item", key, releasedItem(i % 2 ? "Pump impeller" : "Bracket", { "P100" })));
        }
        QVERIFY(tw.ingest(lines).ok());
        QSqlDatabase db = tw.db();
        MDSYNC_REQUIRE_OK(layout, read::matrixLayout(db));
        read::MatrixOrders orders;
        read::ObjectKeyOrder& order = orders.key();
        std::vector<read::MatrixFilter> filters(7);
        filters[1].text = QStringLiteral("imp"); // key prefix (upper-cased) and description
        filters[2].text = QStringLiteral("M-9"); // key prefix only
        filters[3].domain = QStringLiteral("item");
        filters[4].text = QStringLiteral("impeller");
        filters[4].domain = QStringLiteral("item"); // the text with another condition
        filters[5].status = QStringLiteral("backlog");
        filters[6].text = QStringLiteral("nothing like it");
        const auto check = [&](const char* when) {
            return sameOrderAsSql(db, layout.value(), filters, orders, m_now, QLatin1String(when));
        };
        // PostgreSQL's ids commit out of order: the order stands aside there and SQL sorts.
        const bool sqlite = db.driverName() == QLatin1String("QSQLITE");
        QString failed = check("first read");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(order.stats().rebuilds, sqlite ? 1 : 0);
        QCOMPARE(order.stats().objects, size_t(sqlite ? 40 : 0));
        QCOMPARE(order.stats().merged, qint64(0));

        // New objects before every key, between two, after every key, and one whose key and description match "imp".
        QVERIFY(tw.ingest({ test::event("PLM", "item", "A-1", releasedItem("Impeller blank", { "P100" })),
                              test::event("PLM", "item", "M-500", releasedItem("Bracket", { "P100" })),
                              test::event("PLM", "item", "IMP-0", releasedItem("impeller", { "P100" })),
                              test::event("PLM", "item", "ZZ-9", releasedItem("Pump impeller", { "P100" })) })
                    .ok());
        failed = check("after four new objects");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(order.stats().rebuilds, sqlite ? 1 : 0); // merged, not read again
        QCOMPARE(order.stats().merged, qint64(sqlite ? 4 : 0));
        QCOMPARE(order.stats().objects, size_t(sqlite ? 44 : 0));
        read::MatrixFilter all;
        MDSYNC_REQUIRE_OK(ids, read::matrixIds(db, read::matrixIdSql(all, layout.value(), m_now), &orders));
        QCOMPARE(scalar(db, QStringLiteral("SELECT key FROM object WHERE id = %1").arg(ids.value().front())).toString(),
            QStringLiteral("A-1"));
        QCOMPARE(scalar(db, QStringLiteral("SELECT key FROM object WHERE id = %1").arg(ids.value().back())).toString(),
            QStringLiteral("ZZ-9"));
        if (!sqlite)
            return;

        // A second writer with an id counter of its own commits an object below the highest id seen: the count
        // tells, and the order is read again (ids chosen by hand here, as such a writer would).
        const qint64 top = scalar(db, QStringLiteral("SELECT max(id) FROM object")).toLongLong();
        const auto insert = [&](qint64 id, const char* key) {
            test::RawConnection raw(tw.path());
            return raw.exec(QStringLiteral("INSERT INTO object(id, domain, key, revision_no, current_revision_id,"
                                           " content_hash, description, created_at, updated_at)"
                                           " VALUES (%1, 'item', '%2', 1, 0, 'x', 'impeller', 0, 0)")
                                .arg(id)
                                .arg(QLatin1String(key)));
        };
        QCOMPARE(insert(top + 10, "B-LATE-2"), QString());
        failed = check("after an object above a gap");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(order.stats().merged, qint64(5));
        QCOMPARE(insert(top + 5, "B-LATE-1"), QString());
        failed = check("after an object in the gap");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(order.stats().rebuilds, 2);
        QCOMPARE(order.stats().objects, size_t(46));
    }

    // The orders by the object's other columns (read::ObjectColumnOrder) list every filter as SQL's ORDER BY does
    // (ties by id, NULL first, text by its UTF-8 bytes), and follow changed and new objects by their revisions
    // without reading every value again.
    void columnOrdersListLikeSqlAndFollowChanges()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        // Equal descriptions (ties), descriptions that share their first 8 bytes, and characters whose UTF-16 order
        // differs from their UTF-8 order (U+1F600 is a surrogate pair, below U+FF21 in UTF-16, above it in UTF-8).
        const std::vector<std::string> words = { "Pump impeller", "Bracket", "Pump impeller, cast", "Pump impellers",
            "\xEF\xBC\xA1 plate", "\xF0\x9F\x98\x80 gasket", "bracket", "Pump" };
        std::vector<std::string> lines;
        for (int i = 0; i < 40; ++i)
            lines.push_back(test::event("PLM", "item", "C-" + std::to_string(977 - i * 13),
                releasedItem(words[static_cast<size_t>(i) % words.size()], { "P100" })));
        QVERIFY(tw.ingest(lines).ok());
        QSqlDatabase db = tw.db();
        MDSYNC_REQUIRE_OK(layout, read::matrixLayout(db));
        read::MatrixOrders orders;
        std::vector<read::MatrixFilter> filters(4);
        filters[1].text = QStringLiteral("imp"); // a key prefix and a description word
        filters[2].status = QStringLiteral("backlog");
        filters[3].text = QStringLiteral("nothing like it");
        const std::vector<int> columns = { read::MatrixDescriptionColumn, read::MatrixRevisionColumn,
            read::MatrixLifecycleColumn, read::MatrixUpdatedColumn };
        const auto check = [&](const char* when) {
            for (int column : columns) {
                std::vector<read::MatrixFilter> sorted = filters;
                for (read::MatrixFilter& f : sorted) {
                    f.sortColumn = column;
                    if (read::matrixIdSql(f, layout.value(), m_now).columnOrder != column)
                        return QStringLiteral("%1: column %2 is not ordered in memory")
                            .arg(QLatin1String(when))
                            .arg(column);
                }
                const QString failed = sameOrderAsSql(db, layout.value(), sorted, orders, m_now,
                    QStringLiteral("%1, column %2").arg(QLatin1String(when)).arg(column));
                if (!failed.isEmpty())
                    return failed;
            }
            return QString();
        };
        const auto stats = [&] { return orders.column(read::MatrixDescriptionColumn)->stats(); };
        // PostgreSQL's ids commit out of order: the orders stand aside there and SQL sorts.
        const bool sqlite = db.driverName() == QLatin1String("QSQLITE");
        QString failed = check("first read");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(stats().rebuilds, sqlite ? 1 : 0);
        QCOMPARE(stats().objects, size_t(sqlite ? 40 : 0));
        QCOMPARE(stats().merged, qint64(0));
        QCOMPARE(stats().valueBytes > 40 * 4, sqlite);

        // Changed descriptions (one to the first place, one to the last) and new objects (ties with older ones):
        // taken out and merged in again by their revisions.
        QVERIFY(tw.ingest({ test::event("PLM", "item", "C-977", releasedItem("AAA first now", { "P100" })),
                              test::event("PLM", "item", "C-964", releasedItem("zzz last now", { "P100" })),
                              test::event("PLM", "item", "N-1", releasedItem("Pump impeller", { "P100" })),
                              test::event("PLM", "item", "N-2", releasedItem("Bracket", { "P100" })) })
                    .ok());
        failed = check("after two changes and two new objects");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(stats().rebuilds, sqlite ? 1 : 0); // merged, not read again
        QCOMPARE(stats().merged, qint64(sqlite ? 4 : 0));
        QCOMPARE(stats().objects, size_t(sqlite ? 42 : 0));
        if (!sqlite)
            return;

        // A second writer with id counters of its own: an object without a revision above the highest id (merged
        // in), a NULL description; then a change whose revision is committed below the highest revision id seen
        // (the count tells: read again).
        test::RawConnection raw(tw.path());
        const qint64 topObject = scalar(db, QStringLiteral("SELECT max(id) FROM object")).toLongLong();
        const qint64 topRevision = scalar(db, QStringLiteral("SELECT max(id) FROM revision")).toLongLong();
        QCOMPARE(raw.exec(QStringLiteral("INSERT INTO object(id, domain, key, revision_no, current_revision_id,"
                                         " content_hash, description, created_at, updated_at)"
                                         " VALUES (%1, 'item', 'Z-NULL', 1, 0, 'x', NULL, 0, 0)")
                              .arg(topObject + 10)),
            QString());
        const auto change = [&](qint64 revisionId, const char* key, const char* description) {
            const QString id = QStringLiteral("(SELECT id FROM object WHERE key = '%1')").arg(QLatin1String(key));
            QString e = raw.exec(QStringLiteral("INSERT INTO revision(id, object_id, revision_no, op, source_system,"
                                                " actor, correlation_id, received_at, model_version, state, changed,"
                                                " content_hash) VALUES (%1, %2, 99, 'upsert', 'PLM', 'x', 'c', 0,"
                                                " '1', '{}', '[]', 'x')")
                                     .arg(revisionId)
                                     .arg(id));
            if (e.isEmpty())
                e = raw.exec(QStringLiteral("UPDATE object SET description = '%1', revision_no = 99 WHERE id = %2")
                                 .arg(QLatin1String(description), id));
            return e;
        };
        QCOMPARE(change(topRevision + 10, "C-938", "Bracket"), QString());
        failed = check("after an object and a revision above a gap");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(stats().rebuilds, 1);
        QCOMPARE(stats().merged, qint64(6));
        QCOMPARE(stats().objects, size_t(43));
        QCOMPARE(change(topRevision + 5, "C-925", "AAA in the gap"), QString());
        failed = check("after a revision in the gap");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(stats().rebuilds, 2);
        QCOMPARE(stats().objects, size_t(43));
        // An id far above the others (a rank table by id would take gigabytes): the orders stand aside, SQL sorts.
        QCOMPARE(raw.exec(QStringLiteral("INSERT INTO object(id, domain, key, revision_no, current_revision_id,"
                                         " content_hash, description, created_at, updated_at)"
                                         " VALUES (1000000000000, 'item', 'Z-FAR', 1, 0, 'x', 'Bracket', 0, 0)")),
            QString());
        failed = check("after an id far above the others");
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(stats().objects, size_t(0));
        QCOMPARE(stats().rebuilds, 2); // not one more: it stood aside before reading
        // The order is not used for a target's column: SQL sorts by status.
        read::MatrixFilter byStatus;
        byStatus.sortColumn = read::MatrixFirstTargetColumn;
        QCOMPARE(read::matrixIdSql(byStatus, layout.value(), m_now).columnOrder, -1);
        QVERIFY(!orders.column(read::MatrixFirstTargetColumn));
    }

    void revisionStatesAndBusiestObject()
    {
        QSqlDatabase db = m_tw.db();
        MDSYNC_REQUIRE_OK(revs, read::revisionStates(db, QStringLiteral("item"), QStringLiteral("FG-1000")));
        QCOMPARE(revs.value().size(), size_t(4));
        QCOMPARE(revs.value().front().no, qint64(4));
        QCOMPARE(dumped(revs.value().front().state.value("description", json())),
            QStringLiteral("\"Pump housing, coated\""));
        QCOMPARE(qs(revs.value().front().source), QStringLiteral("PLM"));
        QCOMPARE(revs.value().back().no, qint64(1));

        MDSYNC_REQUIRE_OK(busiest, read::busiestObject(db));
        QVERIFY(busiest.value().has_value());
        QCOMPARE(busiest.value()->first, QStringLiteral("item"));
        QCOMPARE(busiest.value()->second, QStringLiteral("FG-1000"));
    }

    void auditLog()
    {
        QSqlDatabase db = m_tw.db();
        MDSYNC_REQUIRE_OK(all, read::auditSeqs(db, read::AuditFilter {}));
        QCOMPARE(static_cast<qint64>(all.value().size()), count(db, QStringLiteral("audit_log")));
        read::AuditFilter f;
        f.subject = QStringLiteral("SAM"); // contains, case-insensitive
        MDSYNC_REQUIRE_OK(sam, read::auditSeqs(db, f));
        QCOMPARE(static_cast<qint64>(sam.value().size()),
            count(db, QStringLiteral("audit_log"), QStringLiteral("subject LIKE '%sam%'")));
        QVERIFY(!sam.value().empty());
        f.from = at("2100-01-01T00:00:00Z");
        MDSYNC_REQUIRE_OK(future, read::auditSeqs(db, f));
        QCOMPARE(future.value().size(), size_t(0));

        MDSYNC_REQUIRE_OK(rows, read::auditRows(db, sam.value()));
        QCOMPARE(rows.value().size(), sam.value().size());
        QCOMPARE(rows.value().front().values[read::AuActor].toString(), QStringLiteral("ada"));
        QVERIFY(rows.value().front().values[read::AuSubject].toString().contains(QStringLiteral("sam")));

        MDSYNC_REQUIRE_OK(entry, read::auditEntry(db, sam.value().front()));
        QCOMPARE(entry.value().seq, sam.value().front());
        QCOMPARE(entry.value().actor, QStringLiteral("ada"));
        QVERIFY(!entry.value().hash.isEmpty());
        QVERIFY(!read::auditEntry(db, 999999).ok());
    }

    void dashboardAndPolicies()
    {
        QSqlDatabase db = m_tw.db();
        MDSYNC_REQUIRE_OK(d, read::dashboard(db));
        QCOMPARE(d.value().openBySeverity.value(QStringLiteral("high")),
            count(db, QStringLiteral("exception"),
                QStringLiteral("severity = 'high' AND status IN ('open','assigned')")));
        QVERIFY(d.value().openBySeverity.value(QStringLiteral("high")) >= 3);
        qint64 open = 0;
        for (qint64 n : d.value().openBySeverity)
            open += n;
        QCOMPARE(open, count(db, QStringLiteral("exception"), QStringLiteral("status IN ('open','assigned')")));
        QCOMPARE(static_cast<qint64>(d.value().systems.size()), count(db, QStringLiteral("system")));
        QVERIFY(std::is_sorted(d.value().systems.begin(), d.value().systems.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; }));
        QCOMPARE(d.value().subscribedTargets,
            column(db, QStringLiteral("SELECT DISTINCT target_id FROM subscription ORDER BY target_id")));

        MDSYNC_REQUIRE_OK(p, read::policies(db, nowMs()));
        QCOMPARE(static_cast<qint64>(p.value().domains.size()), count(db, QStringLiteral("domain")));
        auto item = std::find_if(p.value().domains.begin(), p.value().domains.end(),
            [](const auto& dom) { return dom.name == QLatin1String("item"); });
        QVERIFY(item != p.value().domains.end());
        QVERIFY(!item->groups.isEmpty());
        QVERIFY(!p.value().modelVersion.isEmpty());
        QVERIFY(std::any_of(p.value().ownership.begin(), p.value().ownership.end(),
            [](const auto& o) { return o.domain == QLatin1String("item") && o.system == QLatin1String("PLM"); }));
        QCOMPARE(static_cast<qint64>(p.value().subscriptions.size()), count(db, QStringLiteral("subscription")));
        QVERIFY(std::any_of(p.value().subscriptions.begin(), p.value().subscriptions.end(),
            [](const auto& s) { return s.domain == QLatin1String("item") && s.target == QLatin1String("QMS"); }));
    }
};

QTEST_GUILESS_MAIN(TestReadApi)
#include "tst_readapi.moc"
