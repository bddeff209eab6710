// What a careless source must never do to master data (issue 14): out-of-order and far-future events, structures
// that contain themselves or mix units, parent chains that loop, references to objects nobody sent, control
// characters, bidirectional overrides, non-NFC text and numbers no downstream system can store.

#include "store/deliverystatus.h"
#include "store/workspace.h"
#include "sync/ingestpipeline.h"
#include "util/timeutil.h"
#include "workspacefixture.h"

#include <QSqlQuery>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

json stateOf(QSqlDatabase db, const char* domain, const char* key)
{
    const QString text = scalar(db,
        QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                       " WHERE o.domain = '%1' AND o.key = '%2'")
            .arg(QLatin1String(domain), QLatin1String(key)))
                             .toString();
    return text.isEmpty() ? json() : json::parse(text.toStdString());
}

std::string at(const std::string& source, const char* domain, const std::string& key, const json& attributes,
    const char* occurredAt)
{
    return test::event(source, domain, key, attributes, {}, "upsert", occurredAt);
}

// Closes a workspace taken back to an older schema and opens it again read-write, which migrates it; an error when it
// does not open or does not reach this program's schema version.
// Schemas 13 and 12 undone (merges, docs/DUPLICATES.md; retention, docs/RETENTION.md): object_merge, the archive
// table, revision.archived_in and the trigger that lets archiving clear a revision's state, back to version 1's
// trigger that refuses every update.
// Schema 14's queued description index undone: version 4's triggers that index at once.
#define MDSYNC_DOWNGRADE_TEXT_13                                                                                       \
    "DROP TRIGGER object_text_insert", "DROP TRIGGER object_text_update", "DROP TABLE object_text_pending",            \
        "CREATE TRIGGER object_text_insert AFTER INSERT ON object BEGIN"                                               \
        " INSERT INTO object_text(rowid, description) VALUES (new.id, coalesce(new.description, '')); END",            \
        "CREATE TRIGGER object_text_update AFTER UPDATE OF description ON object"                                      \
        " WHEN coalesce(old.description, '') <> coalesce(new.description, '') BEGIN"                                   \
        " INSERT INTO object_text(object_text, rowid, description)"                                                    \
        " VALUES ('delete', old.id, coalesce(old.description, ''));"                                                   \
        " INSERT INTO object_text(rowid, description) VALUES (new.id, coalesce(new.description, '')); END"
#define MDSYNC_DOWNGRADE_12                                                                                            \
    "DROP INDEX delivery_key", MDSYNC_DOWNGRADE_TEXT_13, "DROP TABLE object_merge", "DROP TRIGGER revision_immutable", \
        "ALTER TABLE revision DROP COLUMN archived_in",                                                                \
        "CREATE TRIGGER revision_immutable BEFORE UPDATE ON revision"                                                  \
        " BEGIN SELECT RAISE(ABORT, 'revisions are immutable'); END",                                                  \
        "DROP TABLE archive"

Result<std::unique_ptr<Workspace>> reopenMigrated(test::TempWorkspace& t)
{
    const QString path = t.path();
    t.close();
    auto ws = Workspace::open(path, Workspace::Mode::ReadWrite);
    if (ws && ws.value()->schemaVersion() != Workspace::kSchemaVersion)
        return makeError(QStringLiteral("%1 opened at schema %2, not %3")
                             .arg(path)
                             .arg(ws.value()->schemaVersion())
                             .arg(Workspace::kSchemaVersion));
    return ws;
}

json itemIn(const char* unit)
{
    // Descriptions differ so that no item is a duplicate suspect of another.
    static const char* const names[] = { "Hex bolt M8x40", "IE3 motor 4 kW", "Stainless bar D40", "Pump housing GG25",
        "Shaft 20 mm h6", "Seal kit NBR", "Impeller bronze", "Ball bearing 6204", "Terminal box", "Coupling claw" };
    static size_t n = 0;
    json a = releasedItem(names[n++ % std::size(names)], { "P100" });
    a["base_uom"] = unit;
    return a;
}

json bomOf(const std::string& parent, const json& lines)
{
    return { { "parent_item", parent }, { "plant", "P100" }, { "base_quantity", 1 }, { "base_uom", "EA" },
        { "description", "BOM of " + parent }, { "components", lines } };
}

json line(int position, const std::string& component, json quantity = 1, const char* uom = "EA")
{
    return { { "position", position }, { "component", component }, { "quantity", quantity }, { "uom", uom } };
}

json location(const std::string& parent)
{
    json a = { { "name", "Area" }, { "location_type", "storage_area" }, { "plant", "P100" } };
    if (!parent.empty())
        a["parent_location"] = parent;
    return a;
}

// The single open (or any) exception of a category: its message.
QString messageOf(QSqlDatabase db, const char* category)
{
    return column(db,
        QStringLiteral("SELECT message FROM exception WHERE category = '%1' ORDER BY id").arg(QLatin1String(category)))
        .join(QStringLiteral(" | "));
}

} // namespace

#define MDSYNC_TEMP_WS(name)                                                                                           \
    TempWorkspace name;                                                                                                \
    QVERIFY2(name.ok(), qPrintable(name.error()))

class TestIntegrity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- order of events ----------------------------------------------------------------------------

    void olderEventFromTheSameSourceIsStaleNotMerged()
    {
        MDSYNC_TEMP_WS(t);
        json newer = releasedItem("Pump CP-80 rev B", { "P100" });
        json older = releasedItem("Pump CP-80 rev A", { "P100" });
        const std::string late = at("PLM", "item", "FG-1", older, "2026-11-27T08:00:00Z");
        MDSYNC_REQUIRE_OK(s, t.ingest({ at("PLM", "item", "FG-1", newer, "2026-11-27T09:00:00Z"), late }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->revisions, 1);
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->exceptionsByCategory.at("stale"), 1);
        QCOMPARE(
            qs(stateOf(t.db(), "item", "FG-1")["description"].get<std::string>()), QStringLiteral("Pump CP-80 rev B"));
        // Kept verbatim, with what was newer and when.
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT raw FROM exception WHERE category = 'stale'")).toByteArray(),
            QByteArray::fromStdString(late));
        const QString msg = messageOf(t.db(), "stale");
        QVERIFY2(msg.contains(QStringLiteral("description (2026-11-27T09:00:00.000Z)"))
                && msg.contains(QStringLiteral("occurred_at 2026-11-27T08:00:00.000Z")),
            qPrintable(msg));

        // An older event that changes nothing it is older for is not stale; a newer one merges.
        MDSYNC_REQUIRE_OK(s2, t.ingest({ at("PLM", "item", "FG-1", newer, "2026-11-27T08:30:00Z") }));
        QCOMPARE(s2->unchanged, 1);
        MDSYNC_REQUIRE_OK(s3,
            t.ingest({ at("PLM", "item", "FG-1", { { "description", "Pump CP-80 rev C" } }, "2026-11-27T09:00:00Z") }));
        QCOMPARE(s3->revisions, 1); // the same time is not older
        QCOMPARE(
            qs(stateOf(t.db(), "item", "FG-1")["description"].get<std::string>()), QStringLiteral("Pump CP-80 rev C"));
        // Another source's attributes have their own times.
        MDSYNC_REQUIRE_OK(
            s4, t.ingest({ at("ERP", "item", "FG-1", { { "standard_price", 120 } }, "2026-11-27T07:00:00Z") }));
        QCOMPARE(s4->revisions, 1);
    }

    void olderDeleteIsStale()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s, t.ingest({ at("PLM", "item", "FG-2", itemIn("EA"), "2026-11-27T09:00:00Z") }));
        MDSYNC_REQUIRE_OK(
            d, t.ingest({ test::event("PLM", "item", "FG-2", nullptr, {}, "delete", "2026-11-27T08:00:00Z") }));
        QCOMPARE(d->exceptionsByCategory.at("stale"), 1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT deleted FROM object WHERE key = 'FG-2'")).toInt(), 0);
    }

    void occurredAtFarInTheFutureIsRefused()
    {
        MDSYNC_TEMP_WS(t);
        IngestOptions o;
        const TimeMs now = *parseRfc3339("2026-11-27T08:00:00Z");
        o.clock = [now] { return now; };
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-3", itemIn("EA"), "2026-11-28T07:00:00Z"),
                         at("PLM", "item", "FG-4", itemIn("EA"), "2026-11-28T09:00:00Z") },
                o));
        QCOMPARE(s->revisions, 1); // 23 h ahead: within the default skew of 24 h
        QCOMPARE(s->exceptionsByCategory.at("validation"), 1);
        const QString msg = messageOf(t.db(), "validation");
        QVERIFY2(msg.contains(QStringLiteral("item 'FG-4'")) && msg.contains(QStringLiteral("25.0 h ahead"))
                && msg.contains(QStringLiteral("max_clock_skew_minutes")),
            qPrintable(msg));
    }

    // ---- structures ---------------------------------------------------------------------------------

    void bomLinesAreCheckedAsStructure_data()
    {
        QTest::addColumn<QString>("lines");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("own parent") << qs(json::array({ line(10, "FG-10"), line(20, "RM-KG", 2, "kg") }).dump())
                                    << QStringList { QStringLiteral("components[0] (position 10), item FG-10"),
                                           QStringLiteral("cannot contain its own parent") };
        QTest::newRow("metres of a kg item")
            << qs(json::array({ line(10, "RM-KG", 2, "m") }).dump())
            << QStringList { QStringLiteral("components[0] (position 10), item RM-KG"), QStringLiteral("'m' is length"),
                   QStringLiteral("kept in 'kg' (mass)") };
        QTest::newRow("kg of a counted item")
            << qs(json::array({ line(10, "RM-KG", 1, "kg"), line(20, "RM-EA", 3, "kg") }).dump())
            << QStringList { QStringLiteral("components[1] (position 20), item RM-EA"),
                   QStringLiteral("kept in 'EA' (count)") };
        QTest::newRow("quantity zero") << qs(json::array({ line(10, "RM-EA", 0) }).dump())
                                       << QStringList { QStringLiteral("components[0] (position 10), item RM-EA"),
                                              QStringLiteral("quantity 0 must be greater than 0") };
    }

    void bomLinesAreCheckedAsStructure()
    {
        QFETCH(QString, lines);
        QFETCH(QStringList, expected);
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(items,
            t.ingest({ at("PLM", "item", "FG-10", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "RM-KG", itemIn("kg"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "RM-EA", itemIn("EA"), "2026-11-27T07:00:00Z") }));
        QCOMPARE(items->revisions, 3);
        const std::string bad = at(
            "PLM", "bom", "FG-10/P100/1", bomOf("FG-10", json::parse(lines.toStdString())), "2026-11-27T08:00:00Z");
        MDSYNC_REQUIRE_OK(s, t.ingest({ bad }));
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->exceptionsByCategory.at("validation"), 1);
        QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("domain = 'bom'")), 0);
        const QString msg = messageOf(t.db(), "validation");
        for (const QString& part : expected)
            QVERIFY2(msg.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, msg)));
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT raw FROM exception WHERE category = 'validation'")).toByteArray(),
            QByteArray::fromStdString(bad));
    }

    void baseUnitOfAComponentInUseKeepsItsDimension()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-70", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "RM-71", itemIn("kg"), "2026-11-27T07:00:00Z"),
                at("PLM", "bom", "B-70", bomOf("FG-70", json::array({ line(10, "RM-71", 0.4, "kg") })),
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 3);
        // kg -> g keeps the dimension; kg -> EA would leave the BOM line in a unit of another dimension.
        MDSYNC_REQUIRE_OK(g, t.ingest({ at("PLM", "item", "RM-71", { { "base_uom", "g" } }, "2026-11-27T09:00:00Z") }));
        QCOMPARE(g->revisions, 1);
        MDSYNC_REQUIRE_OK(
            e, t.ingest({ at("PLM", "item", "RM-71", { { "base_uom", "EA" } }, "2026-11-27T10:00:00Z") }));
        QCOMPARE(e->rejected, 1);
        const QString msg = messageOf(t.db(), "validation");
        QVERIFY2(msg.contains(QStringLiteral("base_uom 'EA' is count, but bom 'B-70' components[0] (position 10) uses"
                                             " RM-71 in 'kg' (mass)")),
            qPrintable(msg));
        QCOMPARE(qs(stateOf(t.db(), "item", "RM-71")["base_uom"].get<std::string>()), QStringLiteral("g"));
    }

    void bomCycleOfAnyDepthIsRefused()
    {
        MDSYNC_TEMP_WS(t);
        std::vector<std::string> lines;
        for (const char* k : { "FG-20", "SA-21", "SA-22", "SA-23", "RM-24" })
            lines.push_back(at("PLM", "item", k, itemIn("EA"), "2026-11-27T07:00:00Z"));
        // FG-20 contains SA-21 contains SA-22 contains SA-23.
        lines.push_back(
            at("PLM", "bom", "B-20", bomOf("FG-20", json::array({ line(10, "SA-21") })), "2026-11-27T08:00:00Z"));
        lines.push_back(
            at("PLM", "bom", "B-21", bomOf("SA-21", json::array({ line(10, "SA-22") })), "2026-11-27T08:00:00Z"));
        lines.push_back(
            at("PLM", "bom", "B-22", bomOf("SA-22", json::array({ line(10, "SA-23") })), "2026-11-27T08:00:00Z"));
        MDSYNC_REQUIRE_OK(s, t.ingest(lines));
        QCOMPARE(s->revisions, 8);
        // SA-23 containing FG-20 closes a cycle of depth 4; a line before it that is fine does not hide it.
        MDSYNC_REQUIRE_OK(c,
            t.ingest({ at("PLM", "bom", "B-23", bomOf("SA-23", json::array({ line(10, "RM-24"), line(20, "FG-20") })),
                "2026-11-27T08:00:00Z") }));
        QCOMPARE(c->rejected, 1);
        const QString msg = messageOf(t.db(), "validation");
        QVERIFY2(msg.contains(QStringLiteral("components[1] (position 20), item FG-20: makes a cycle: SA-23 (bom B-23)"
                                             " contains FG-20 (bom B-20) contains SA-21 (bom B-21) contains SA-22 (bom"
                                             " B-22) contains SA-23")),
            qPrintable(msg));
        QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("domain = 'bom'")), 3);

        // A direct two-BOM cycle, and a BOM changed later into a cycle (its old lines do not count).
        MDSYNC_REQUIRE_OK(d,
            t.ingest({ at(
                "PLM", "bom", "B-21", bomOf("SA-21", json::array({ line(10, "FG-20") })), "2026-11-27T09:00:00Z") }));
        QCOMPARE(d->rejected, 1);
        MDSYNC_REQUIRE_OK(e,
            t.ingest({ at(
                "PLM", "bom", "B-22", bomOf("SA-22", json::array({ line(10, "RM-99") })), "2026-11-27T09:00:00Z") }));
        QCOMPARE(e->revisions, 1); // SA-22 no longer contains SA-23...
        MDSYNC_REQUIRE_OK(f,
            t.ingest({ at(
                "PLM", "bom", "B-23", bomOf("SA-23", json::array({ line(10, "FG-20") })), "2026-11-27T09:00:00Z") }));
        QCOMPARE(f->revisions, 1); // ...so SA-23 may contain FG-20
    }

    void routingOperationsAreChecked()
    {
        MDSYNC_TEMP_WS(t);
        auto op = [](int n, const char* setup) {
            return json { { "op_number", n }, { "work_center", "ASSY-01" }, { "setup_time", setup },
                { "run_time", "6 min" } };
        };
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "routing", "R-1",
                           { { "item", "FG-1" }, { "plant", "P100" },
                               { "operations", { op(10, "5 min"), op(10, "5 min") } } },
                           "2026-11-27T08:00:00Z"),
                at("PLM", "routing", "R-2",
                    { { "item", "FG-1" }, { "plant", "P100" }, { "operations", { op(10, "5 kg") } } },
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->rejected, 2);
        const QString msg = messageOf(t.db(), "validation");
        QVERIFY2(msg.contains(QStringLiteral("operations[1]: duplicate table key op_number 10")), qPrintable(msg));
        QVERIFY2(msg.contains(QStringLiteral("operations[0].setup_time: unit 'kg' is a mass, expected a time")),
            qPrintable(msg));
    }

    void locationParentChainMustNotCycle()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("ERP", "location", "L-A", location(""), "2026-11-27T08:00:00Z"),
                at("ERP", "location", "L-B", location("L-A"), "2026-11-27T08:00:00Z"),
                at("ERP", "location", "L-C", location("L-B"), "2026-11-27T08:00:00Z"),
                at("ERP", "location", "L-D", location("L-D"), "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 3);
        QVERIFY2(
            messageOf(t.db(), "validation").contains(QStringLiteral("parent_location 'L-D' is the location itself")),
            qPrintable(messageOf(t.db(), "validation")));
        MDSYNC_REQUIRE_OK(c, t.ingest({ at("ERP", "location", "L-A", location("L-C"), "2026-11-27T09:00:00Z") }));
        QCOMPARE(c->rejected, 1);
        const QString msg = messageOf(t.db(), "validation");
        QVERIFY2(msg.contains(QStringLiteral("makes a cycle: L-A is inside L-C is inside L-B is inside L-A")),
            qPrintable(msg));
        QVERIFY(!stateOf(t.db(), "location", "L-A").contains("parent_location"));
    }

    // ---- references ---------------------------------------------------------------------------------

    void unknownReferenceIsAnExceptionThatClosesItself()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-30", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "bom", "B-30", bomOf("FG-30", json::array({ line(10, "RM-404"), line(20, "RM-405") })),
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 2); // accepted: the components may come later
        QCOMPARE(s->exceptionsByCategory.at("unresolved_reference"), 2);
        QCOMPARE(count(t.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'unresolved_reference' AND status = 'open' AND severity = 'warning'")),
            2);
        const QString msg = messageOf(t.db(), "unresolved_reference");
        QVERIFY2(msg.contains(QStringLiteral("components.component references item 'RM-404'")), qPrintable(msg));
        // Another revision of the BOM does not open them again.
        MDSYNC_REQUIRE_OK(again,
            t.ingest({ at("PLM", "bom", "B-30",
                bomOf("FG-30", json::array({ line(10, "RM-404", 2), line(20, "RM-405") })), "2026-11-27T08:10:00Z") }));
        QCOMPARE(again->revisions, 1);
        QCOMPARE(count(t.db(), QStringLiteral("exception"), QStringLiteral("category = 'unresolved_reference'")), 2);

        // RM-404 arrives: its exception closes itself.
        MDSYNC_REQUIRE_OK(a, t.ingest({ at("PLM", "item", "RM-404", itemIn("EA"), "2026-11-27T09:00:00Z") }));
        QCOMPARE(a->revisions, 1);
        QCOMPARE(scalar(t.db(),
                     QStringLiteral("SELECT status FROM exception WHERE category = 'unresolved_reference'"
                                    " AND message LIKE '%RM-404%'"))
                     .toString(),
            QStringLiteral("resolved"));
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind = 'reference_resolved' AND object_key = 'B-30'")),
            1);
        // RM-405 is dropped from the BOM: its exception closes too.
        MDSYNC_REQUIRE_OK(b,
            t.ingest({ at(
                "PLM", "bom", "B-30", bomOf("FG-30", json::array({ line(10, "RM-404") })), "2026-11-27T09:30:00Z") }));
        QCOMPARE(b->revisions, 1);
        QCOMPARE(count(t.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'unresolved_reference' AND status = 'open'")),
            0);
        // The counters the overview reads agree with the rows.
        QCOMPARE(scalar(t.db(),
                     QStringLiteral("SELECT coalesce(sum(n), 0) FROM exception_counter WHERE category ="
                                    " 'unresolved_reference' AND status = 'open'"))
                     .toLongLong(),
            0);
        QCOMPARE(scalar(t.db(),
                     QStringLiteral("SELECT coalesce(sum(n), 0) FROM exception_counter WHERE category ="
                                    " 'unresolved_reference' AND status = 'resolved'"))
                     .toLongLong(),
            2);
    }

    void deleteOfAReferencedObjectIsRefused()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-80", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "RM-81", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "bom", "B-80", bomOf("FG-80", json::array({ line(10, "RM-81") })),
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 3);
        const std::string del = test::event("PLM", "item", "RM-81", nullptr, {}, "delete", "2026-11-27T09:00:00Z");
        MDSYNC_REQUIRE_OK(d, t.ingest({ del }));
        QCOMPARE(d->rejected, 1);
        QVERIFY2(messageOf(t.db(), "validation")
                     .contains(QStringLiteral("cannot delete item 'RM-81': still referenced by bom 'B-80'"
                                              " (components.component)")),
            qPrintable(messageOf(t.db(), "validation")));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT deleted FROM object WHERE key = 'RM-81'")).toInt(), 0);
        // Once the BOM is gone, the item may go.
        MDSYNC_REQUIRE_OK(b,
            t.ingest({ test::event("PLM", "bom", "B-80", nullptr, {}, "delete", "2026-11-27T09:00:00Z"),
                test::event("PLM", "item", "RM-81", nullptr, {}, "delete", "2026-11-27T09:10:00Z") }));
        QCOMPARE(b->revisions, 2);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT deleted FROM object WHERE key = 'RM-81'")).toInt(), 1);
    }

    void workspaceFromSchema14GetsTheDueIndexAsARange()
    {
        MDSYNC_SQLITE_ONLY("SQLite's partial index (PostgreSQL's keeps its status list)");
        // Schema 14's delivery_due had `status IN (...)` as its predicate; 15 has the same statuses as a range. The
        // queries that read the index state sqlOpenStatusCondition: SQLite must still be able to use the index for
        // them (INDEXED BY fails the statement when it cannot), and it must hold exactly the open deliveries.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-93", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "SA-94", itemIn("EA"), "2026-11-27T07:00:00Z") }));
        QVERIFY(s->deliveries >= 2);
        QSqlQuery q(t.db());
        QVERIFY(
            q.exec(QStringLiteral("UPDATE delivery SET status = 'acked' WHERE id = (SELECT min(id) FROM delivery)")));
        for (const char* sql : { "DROP INDEX delivery_due",
                 "CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                 " WHERE status IN ('pending','retry_wait','in_flight','held')",
                 "PRAGMA user_version = 14" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QSqlDatabase db = ws.value()->db();
        QCOMPARE(scalar(db, QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'delivery_due'")).toString(),
            QStringLiteral("CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                           " WHERE status BETWEEN 'held' AND 'retry_wait'"));
        const QString open = QString::fromStdString(sqlOpenStatusCondition("status"));
        const QString viaIndex = QStringLiteral("SELECT count(*) FROM delivery INDEXED BY delivery_due WHERE ") + open;
        QCOMPARE(scalar(db, viaIndex).toInt(), int(s->deliveries) - 1);
        QCOMPARE(scalar(db,
                     QStringLiteral("SELECT count(*) FROM delivery WHERE status IN ")
                         + QString::fromStdString(sqlStatusList(kOpenDeliveryStatuses)))
                     .toInt(),
            int(s->deliveries) - 1);
        // The list alone no longer reaches the index: what the condition's range is for.
        QSqlQuery listOnly(db);
        QVERIFY(!listOnly.exec(QStringLiteral("SELECT count(*) FROM delivery INDEXED BY delivery_due WHERE status IN ")
            + QString::fromStdString(sqlStatusList(kOpenDeliveryStatuses))));
        QVERIFY2(listOnly.lastError().text().contains(QLatin1String("no query solution")),
            qPrintable(listOnly.lastError().text()));
    }

    void workspaceFromSchema13GetsKeysUniquePerRevision()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 13's delivery table (PostgreSQL's version 12 is in tst_pgworkspace)");
        // Schema 13 had idempotency_key UNIQUE across all deliveries; 14 rebuilds the table with the keys unique
        // within their revision (delivery_key). Every row and key stays; a second delivery of a revision with the
        // same key is still refused.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-90", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "SA-91", itemIn("EA"), "2026-11-27T07:00:00Z") }));
        QCOMPARE(s->revisions, 2);
        const QString all = QStringLiteral("SELECT id || ' ' || revision_id || ' ' || target_id || ' ' || status || ' '"
                                           " || idempotency_key FROM delivery ORDER BY id");
        const QStringList before = column(t.db(), all);
        QVERIFY(before.size() >= 2);
        QSqlQuery q(t.db());
        for (const char* sql :
            { "DROP INDEX delivery_key", MDSYNC_DOWNGRADE_TEXT_13, "ALTER TABLE delivery RENAME TO delivery_14",
                "CREATE TABLE delivery ( id INTEGER PRIMARY KEY, revision_id INTEGER NOT NULL REFERENCES revision(id),"
                " object_id INTEGER NOT NULL, revision_no INTEGER NOT NULL, target_id TEXT NOT NULL,"
                " subscription_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                " due_at INTEGER NOT NULL, next_attempt_at INTEGER, idempotency_key TEXT NOT NULL UNIQUE,"
                " contract_version TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
                " acked_at INTEGER, latency_ms INTEGER, last_error TEXT, exception_id INTEGER,"
                " payload_override TEXT)",
                "INSERT INTO delivery SELECT * FROM delivery_14", "DROP TABLE delivery_14",
                "CREATE INDEX delivery_due ON delivery(target_id, due_at)"
                " WHERE status IN ('pending','retry_wait','in_flight','held')",
                "CREATE INDEX delivery_object ON delivery(object_id, target_id, revision_no)",
                "CREATE INDEX delivery_blocked ON delivery(target_id, due_at, id) WHERE status = 'blocked_by_outage'",
                "PRAGMA user_version = 13" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        q.finish();
        QCOMPARE(scalar(t.db(),
                     QStringLiteral("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'delivery'"
                                    " AND name LIKE 'sqlite_autoindex_%'"))
                     .toInt(),
            1);
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QSqlDatabase db = ws.value()->db();
        QCOMPARE(column(db, all), before);
        QCOMPARE(scalar(db,
                     QStringLiteral("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'delivery'"
                                    " AND name LIKE 'sqlite_autoindex_%'"))
                     .toInt(),
            0);
        QCOMPARE(scalar(db, QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 'delivery_key'")).toString(),
            QStringLiteral("CREATE UNIQUE INDEX delivery_key ON delivery(revision_id, idempotency_key)"));
        QSqlQuery dup(db);
        QVERIFY(
            !dup.exec(QStringLiteral("INSERT INTO delivery(revision_id, object_id, revision_no, target_id,"
                                     " subscription_id, status, due_at, idempotency_key, contract_version,"
                                     " created_at, updated_at) SELECT revision_id, object_id, revision_no,"
                                     " target_id, subscription_id, 'pending', due_at, idempotency_key,"
                                     " contract_version, created_at, updated_at FROM delivery ORDER BY id LIMIT 1")));
        QVERIFY2(dup.lastError().text().contains(QLatin1String("UNIQUE")), qPrintable(dup.lastError().text()));
        // The workspace goes on: a new event queues its deliveries.
        IngestPipeline pipeline(*ws.value(), t.config());
        MDSYNC_REQUIRE_OK(
            c, pipeline.ingestLines({ at("PLM", "item", "FG-92", itemIn("EA"), "2026-11-27T09:00:00Z") }, {}));
        QCOMPARE(c->revisions, 1);
        QCOMPARE(
            scalar(db, QStringLiteral("SELECT count(*) FROM delivery")).toInt(), before.size() + int(c->deliveries));
    }

    void descriptionIndexIsCurrentAtEveryCommit()
    {
        MDSYNC_SQLITE_ONLY("SQLite's FTS5 description index (PostgreSQL indexes object.description with pg_trgm)");
        // Schema 14 queues the objects whose description changed and indexes them when the transaction commits:
        // after each ingest the index finds the new words and not the replaced ones, FTS5's own check against the
        // content table passes, and nothing stays queued. A create and a change of the same object in one batch,
        // and two changes in one batch, each leave one entry with the last text.
        MDSYNC_TEMP_WS(t);
        const auto described = [](const char* description) {
            json a = releasedItem(description, { "P100" });
            a["base_uom"] = "EA";
            return a;
        };
        const auto matches = [&](const char* word) {
            return column(t.db(),
                QStringLiteral("SELECT o.key FROM object_text JOIN object o ON o.id = object_text.rowid"
                               " WHERE object_text MATCH '\"%1\"' ORDER BY o.key")
                    .arg(QLatin1String(word)));
        };
        const auto indexSound = [&]() -> QString {
            QSqlQuery q(t.db());
            if (!q.exec(QStringLiteral("INSERT INTO object_text(object_text, rank) VALUES ('integrity-check', 1)")))
                return q.lastError().text();
            return {};
        };
        MDSYNC_REQUIRE_OK(a,
            t.ingest({ at("PLM", "item", "FG-95", described("Impeller bronze 120"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "FG-96", described("Pump housing GG25"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "FG-96", described("Pump casing GG25"), "2026-11-27T07:01:00Z") }));
        QCOMPARE(a->revisions, 3);
        QCOMPARE(matches("impeller"), QStringList { QStringLiteral("FG-95") });
        QCOMPARE(matches("casing"), QStringList { QStringLiteral("FG-96") });
        QCOMPARE(matches("housing"), QStringList {});
        QCOMPARE(indexSound(), QString());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT count(*) FROM object_text_pending")).toInt(), 0);
        MDSYNC_REQUIRE_OK(b,
            t.ingest({ at("PLM", "item", "FG-95", described("Impeller cast iron 120"), "2026-11-27T08:00:00Z"),
                at("PLM", "item", "FG-95", described("Rotor cast iron 120"), "2026-11-27T08:01:00Z"),
                at("PLM", "item", "FG-97", described("Pump housing GG40"), "2026-11-27T08:00:00Z") }));
        QCOMPARE(b->revisions, 3);
        QCOMPARE(matches("impeller"), QStringList {});
        QCOMPARE(matches("bronze"), QStringList {});
        QCOMPARE(matches("rotor"), QStringList { QStringLiteral("FG-95") });
        QCOMPARE(matches("housing"), QStringList { QStringLiteral("FG-97") });
        QCOMPARE(matches("pump"), (QStringList { QStringLiteral("FG-96"), QStringLiteral("FG-97") }));
        QCOMPARE(indexSound(), QString());
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT count(*) FROM object_text_pending")).toInt(), 0);
        // A writer outside a workspace transaction (a repair by hand) queues; the next read-write open indexes it.
        {
            QSqlQuery q(t.db());
            QVERIFY(q.exec(QStringLiteral("UPDATE object SET description = 'Spindle nut' WHERE key = 'FG-97'")));
        }
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT count(*) FROM object_text_pending")).toInt(), 1);
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QSqlQuery q(ws.value()->db());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM object_text_pending")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM object_text WHERE object_text MATCH '\"spindle\"'"))
            && q.next());
        QCOMPARE(q.value(0).toInt(), 1);
        QVERIFY2(q.exec(QStringLiteral("INSERT INTO object_text(object_text, rank) VALUES ('integrity-check', 1)")),
            qPrintable(q.lastError().text()));
    }

    void workspaceFromSchema4IsUpgraded()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 4 and its migration (PostgreSQL's schemas start at its version 1)");
        // A workspace made before instance ids and the reference index: its keys stay as sent, it gets an
        // instance id, and its references are indexed on the next ingest (so structure checks see old BOMs).
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-60", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "SA-61", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "bom", "B-60", bomOf("FG-60", json::array({ line(10, "SA-61") })),
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 3);
        const QStringList keys = column(t.db(), QStringLiteral("SELECT idempotency_key FROM delivery ORDER BY id"));
        QVERIFY(!keys.isEmpty());
        QSqlQuery q(t.db());
        for (const char* sql : { MDSYNC_DOWNGRADE_12, "DROP TABLE onboard_delivery", "DROP TABLE onboard_job",
                 "DROP TABLE duplicate_decision", "ALTER TABLE system DROP COLUMN probe_requested_at",
                 "DROP TABLE target_circuit", "DROP INDEX delivery_blocked", "DROP TABLE pending_ref",
                 "DROP TABLE object_ref", "ALTER TABLE object DROP COLUMN source_times",
                 "DELETE FROM meta WHERE key IN ('instance_id', 'ref_index')", "PRAGMA user_version = 4" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QCOMPARE(ws.value()->instanceId().size(), 32);
        QCOMPARE(column(ws.value()->db(), QStringLiteral("SELECT idempotency_key FROM delivery ORDER BY id")), keys);
        IngestPipeline pipeline(*ws.value(), t.config());
        MDSYNC_REQUIRE_OK(c,
            pipeline.ingestLines({ at("PLM", "bom", "B-61", bomOf("SA-61", json::array({ line(10, "FG-60") })),
                                     "2026-11-27T09:00:00Z") },
                {}));
        QCOMPARE(c->rejected, 1);
        QVERIFY2(messageOf(ws.value()->db(), "validation").contains(QStringLiteral("makes a cycle")),
            qPrintable(messageOf(ws.value()->db(), "validation")));
        QCOMPARE(ws.value()->meta(QStringLiteral("ref_index")), QStringLiteral("1"));
    }

    void workspaceFromSchema5GetsObjectRefInKeyOrder()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 5's table layout and PRAGMA integrity_check");
        // Schema 5 declared object_ref's non-key column `domain` between key columns; SQLite 3.40's
        // integrity_check then reported "NULL value in object_ref.domain" for every row. Schema 6 keeps the rows
        // with the key columns first, and the check passes.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ at("PLM", "item", "FG-70", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "item", "SA-71", itemIn("EA"), "2026-11-27T07:00:00Z"),
                at("PLM", "bom", "B-70", bomOf("FG-70", json::array({ line(10, "SA-71") })),
                    "2026-11-27T08:00:00Z") }));
        QCOMPARE(s->revisions, 3);
        const QString refs = QStringLiteral(
            "SELECT object_id || ' ' || domain || ' ' || path || ' ' || ref_domain || ' ' || ref_key FROM object_ref"
            " ORDER BY 1");
        const QStringList before = column(t.db(), refs);
        QVERIFY(!before.isEmpty()); // the BOM line (and whatever else the item refers to)
        QSqlQuery q(t.db());
        for (const char* sql : { MDSYNC_DOWNGRADE_12, "DROP TABLE onboard_delivery", "DROP TABLE onboard_job",
                 "DROP TABLE duplicate_decision", "ALTER TABLE system DROP COLUMN probe_requested_at",
                 "DROP TABLE target_circuit", "DROP INDEX delivery_blocked",
                 "CREATE TABLE object_ref_v5 (object_id INTEGER NOT NULL, domain TEXT NOT NULL,"
                 " path TEXT NOT NULL, ref_domain TEXT NOT NULL, ref_key TEXT NOT NULL,"
                 " PRIMARY KEY (object_id, path, ref_domain, ref_key)) WITHOUT ROWID",
                 "INSERT INTO object_ref_v5 SELECT object_id, domain, path, ref_domain, ref_key FROM object_ref",
                 "DROP TABLE object_ref", "ALTER TABLE object_ref_v5 RENAME TO object_ref",
                 "CREATE INDEX object_ref_target ON object_ref(ref_domain, ref_key, domain, path)",
                 "PRAGMA user_version = 5" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("NULL value in object_ref.domain")); // the 3.40 report
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QCOMPARE(column(ws.value()->db(), refs), before);
        QCOMPARE(
            column(ws.value()->db(), QStringLiteral("PRAGMA integrity_check")), QStringList { QStringLiteral("ok") });
    }

    void workspaceFromSchema6GetsTargetCircuits()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 6 and its migration (PostgreSQL's schema 5 is tst_pgworkspace's)");
        // Schema 7 adds the circuit breaker's table and the index of blocked deliveries, schema 8 the column of a
        // steward's probe request; the outbox is kept.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s, t.ingest({ at("PLM", "item", "FG-90", itemIn("EA"), "2026-11-27T07:00:00Z") }));
        const QString deliveries
            = QStringLiteral("SELECT id || ' ' || target_id || ' ' || status FROM delivery ORDER BY id");
        const QStringList before = column(t.db(), deliveries);
        QVERIFY(!before.isEmpty());
        QSqlQuery q(t.db());
        for (const char* sql : { MDSYNC_DOWNGRADE_12, "DROP TABLE onboard_delivery", "DROP TABLE onboard_job",
                 "DROP TABLE duplicate_decision", "ALTER TABLE system DROP COLUMN probe_requested_at",
                 "DROP TABLE target_circuit", "DROP INDEX delivery_blocked", "PRAGMA user_version = 6" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QCOMPARE(column(ws.value()->db(), deliveries), before);
        QCOMPARE(column(ws.value()->db(), QStringLiteral("SELECT count(*) FROM target_circuit")),
            QStringList { QStringLiteral("0") });
        QCOMPARE(
            column(ws.value()->db(),
                QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'delivery_blocked'")),
            QStringList { QStringLiteral("delivery_blocked") });
        QCOMPARE(
            column(ws.value()->db(),
                QStringLiteral("SELECT count(*) FROM pragma_table_info('system') WHERE name = 'probe_requested_at'")),
            QStringList { QStringLiteral("1") });
        QCOMPARE(
            column(ws.value()->db(), QStringLiteral("PRAGMA integrity_check")), QStringList { QStringLiteral("ok") });
    }

    void workspaceFromSchema8GetsDuplicateDecisions()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 8 and its migration (PostgreSQL's schema 6 is tst_pgworkspace's)");
        // Schema 9 adds the table of stewards' duplicate decisions; what was there is kept.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s, t.ingest({ at("PLM", "item", "FG-95", itemIn("EA"), "2026-11-27T07:00:00Z") }));
        const QString objects = QStringLiteral("SELECT id || ' ' || key FROM object ORDER BY id");
        const QStringList before = column(t.db(), objects);
        QVERIFY(!before.isEmpty());
        QSqlQuery q(t.db());
        for (const char* sql : { MDSYNC_DOWNGRADE_12, "DROP TABLE onboard_delivery", "DROP TABLE onboard_job",
                 "DROP TABLE duplicate_decision", "PRAGMA user_version = 8" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QCOMPARE(column(ws.value()->db(), objects), before);
        QCOMPARE(column(ws.value()->db(), QStringLiteral("SELECT count(*) FROM duplicate_decision")),
            QStringList { QStringLiteral("0") });
        QCOMPARE(
            column(ws.value()->db(), QStringLiteral("PRAGMA integrity_check")), QStringList { QStringLiteral("ok") });
    }

    void workspaceFromSchema9StoresContracts()
    {
        MDSYNC_SQLITE_ONLY("SQLite schema 9 and its migration (PostgreSQL's schema 7 is tst_pgworkspace's)");
        // Schema 10 lets config_version hold contracts; SQLite rebuilds the table (and sets ownership aside while
        // it does). Every configuration version and ownership row is kept with its id.
        MDSYNC_TEMP_WS(t);
        const QString versions = QStringLiteral("SELECT id || ' ' || kind || ' ' || content_hash FROM config_version"
                                                " WHERE kind <> 'contracts' ORDER BY id");
        const QString ownership = QStringLiteral("SELECT id || ' ' || landscape_version_id || ' ' || system_id"
                                                 " FROM ownership ORDER BY id");
        const QStringList versionsBefore = column(t.db(), versions);
        const QStringList ownershipBefore = column(t.db(), ownership);
        QCOMPARE(versionsBefore.size(), 2);
        QVERIFY(!ownershipBefore.isEmpty());
        QSqlQuery q(t.db());
        for (const char* sql : { MDSYNC_DOWNGRADE_12, "DROP TABLE onboard_delivery", "DROP TABLE onboard_job",
                 "DELETE FROM config_version WHERE kind = 'contracts'",
                 "CREATE TABLE cv9 (id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('model','landscape')),"
                 " version TEXT NOT NULL, content_hash TEXT NOT NULL, document TEXT NOT NULL, origin TEXT NOT NULL,"
                 " effective_at INTEGER NOT NULL, loaded_by TEXT NOT NULL)",
                 "INSERT INTO cv9 SELECT * FROM config_version", "CREATE TEMP TABLE o9 AS SELECT * FROM ownership",
                 "DELETE FROM ownership", "DROP TABLE config_version", "ALTER TABLE cv9 RENAME TO config_version",
                 "INSERT INTO ownership SELECT * FROM o9", "PRAGMA user_version = 9" })
            QVERIFY2(q.exec(QLatin1String(sql)), sql);
        QVERIFY(!q.exec(QStringLiteral("INSERT INTO config_version(kind, version, content_hash, document, origin,"
                                       " effective_at, loaded_by) VALUES ('contracts', '1', 'h', '{}', 'o', 0, 'x')")));
        q.finish();
        MDSYNC_REQUIRE_OK(ws, reopenMigrated(t));
        QCOMPARE(column(ws.value()->db(), versions), versionsBefore);
        QCOMPARE(column(ws.value()->db(), ownership), ownershipBefore);
        QCOMPARE(column(ws.value()->db(), QStringLiteral("PRAGMA foreign_key_check")), QStringList());
        QCOMPARE(
            column(ws.value()->db(), QStringLiteral("PRAGMA integrity_check")), QStringList { QStringLiteral("ok") });
        // Opened read-write with its configuration loaded, it stores the built-in contracts it has been using.
        MDSYNC_REQUIRE_OK(cfg, loadActiveConfig(*ws.value()));
        QVERIFY(cfg->contractsVersionId > 0);
        QCOMPARE(column(ws.value()->db(),
                     QStringLiteral("SELECT loaded_by || ' ' || version FROM config_version WHERE kind = 'contracts'")),
            QStringList { QStringLiteral("system 2026.11") });
        QCOMPARE(column(ws.value()->db(),
                     QStringLiteral("SELECT actor FROM audit_log WHERE action = 'config.contracts.install'"
                                    " ORDER BY seq DESC LIMIT 1")),
            QStringList { QStringLiteral("system") });
    }

    // ---- text and numbers ---------------------------------------------------------------------------

    void textAndNumberHygiene_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("attributes");
        QTest::addColumn<QStringList>("expected");
        auto item = [](json patch) {
            json a = releasedItem("Pump", { "P100" });
            for (auto it = patch.begin(); it != patch.end(); ++it)
                a[it.key()] = *it;
            return qs(a.dump());
        };
        QTest::newRow("NUL in description")
            << QStringLiteral("FG-40") << item({ { "description", std::string("Pump\0X", 6) } })
            << QStringList { QStringLiteral("description: contains the control character U+0000 at character 5") };
        QTest::newRow("line feed in a one-line text")
            << QStringLiteral("FG-41") << item({ { "description", "Pump\nCP" } })
            << QStringList { QStringLiteral("description: contains the control character U+000A at character 5") };
        QTest::newRow("DEL") << QStringLiteral("FG-42") << item({ { "manufacturer", "ACME\x7f" } })
                             << QStringList { QStringLiteral("manufacturer: contains the control character U+007F") };
        QTest::newRow("C1 control") << QStringLiteral("FG-43") << item({ { "manufacturer", "ACME\xc2\x85" } })
                                    << QStringList { QStringLiteral("U+0085") };
        QTest::newRow("tab in a one-line text, not in a multiline one")
            << QStringLiteral("FG-44") << item({ { "long_description", "ok\tok\nok" }, { "description", "a\tb" } })
            << QStringList { QStringLiteral("description: contains the control character U+0009") };
        QTest::newRow("bidi override in a key")
            << QStringLiteral("FG-45\u202E") << item({})
            << QStringList { QStringLiteral("item_number"), QStringLiteral("bidirectional override U+202E") };
        QTest::newRow("integer 2^63") << QStringLiteral("FG-46")
                                      << item({ { "shelf_life_days", 9223372036854775808ULL } })
                                      << QStringList { QStringLiteral("shelf_life_days: integer 9223372036854775808 is "
                                                                      "outside the 64-bit range") };
        QTest::newRow("decimal beyond 64 bit")
            << QStringLiteral("FG-47") << item({ { "safety_stock", 1e19 } })
            << QStringList { QStringLiteral("safety_stock: "), QStringLiteral("outside the range") };
    }

    void textAndNumberHygiene()
    {
        QFETCH(QString, key);
        QFETCH(QString, attributes);
        QFETCH(QStringList, expected);
        MDSYNC_TEMP_WS(t);
        const std::string bad = test::event("PLM", "item", key.toStdString(), json::parse(attributes.toStdString()));
        MDSYNC_REQUIRE_OK(s, t.ingest({ bad }));
        QCOMPARE(s->rejected, 1);
        QCOMPARE(count(t.db(), QStringLiteral("object")), 0);
        const QString msg = messageOf(t.db(), "validation");
        for (const QString& part : expected)
            QVERIFY2(msg.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, msg)));
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT raw FROM exception WHERE category = 'validation'")).toByteArray(),
            QByteArray::fromStdString(bad));
    }

    void textIsStoredInNfcAndBidiIsFlagged()
    {
        MDSYNC_TEMP_WS(t);
        json a = releasedItem("Pumpe f\u0075\u0308r Kaffee", { "P100" }); // u + combining diaeresis
        a["long_description"] = "Line 1\r\nLine 2\tindented";
        a["manufacturer"] = "ACME \u202Eevil\u202C";
        MDSYNC_REQUIRE_OK(s, t.ingest({ test::event("PLM", "item", "FG-50", a) }));
        QCOMPARE(s->revisions, 1);
        const json state = stateOf(t.db(), "item", "FG-50");
        QCOMPARE(qs(state["description"].get<std::string>()), QStringLiteral("Pumpe f\u00fcr Kaffee"));
        QCOMPARE(qs(state["long_description"].get<std::string>()), QStringLiteral("Line 1\r\nLine 2\tindented"));
        QCOMPARE(s->exceptionsByCategory.at("suspicious_text"), 1);
        const QString msg = messageOf(t.db(), "suspicious_text");
        QVERIFY2(msg.contains(QStringLiteral("manufacturer: contains U+202E at character 6")), qPrintable(msg));
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT severity FROM exception")).toString(), QStringLiteral("warning"));
    }
};

QTEST_GUILESS_MAIN(TestIntegrity)
#include "tst_integrity.moc"
