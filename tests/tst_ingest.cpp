// Ingest pipeline: parse -> validate -> ownership -> duplicate suspects -> merge (revision) -> outbox ->
// lineage, on a real workspace with the built-in model and landscape. Every test checks the summary
// invariants (received = accepted + rejected + duplicates; accepted = revisions + unchanged).

#include "audit/auditlog.h"
#include "store/idempotency.h"
#include "sync/duplicateindex.h"
#include "sync/ingestpipeline.h"
#include "testutil.h"
#include "util/hash.h"
#include "workspacefixture.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

#include <set>
#include <stdexcept>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

struct Ex
{
    qint64 id = 0;
    QString category, severity, status, message, sourceName, sourceSystem, eventId, domain, key;
    QByteArray raw;
    QString rawSha;
    qint64 lineNo = 0;
    QVariant objectId, revisionId;
    json details;
};

std::vector<Ex> exceptionsWhere(QSqlDatabase db, const QString& where = QStringLiteral("1 = 1"))
{
    std::vector<Ex> out;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT id, category, severity, status, message, source_name, source_system, event_id,"
                               " domain, object_key, raw, raw_sha256, line_no, object_id, revision_id, details"
                               " FROM exception WHERE ")
            + where + QStringLiteral(" ORDER BY id"))) {
        qWarning("%s", qPrintable(q.lastError().text()));
        return out;
    }
    while (q.next()) {
        Ex e;
        e.id = q.value(0).toLongLong();
        e.category = q.value(1).toString();
        e.severity = q.value(2).toString();
        e.status = q.value(3).toString();
        e.message = q.value(4).toString();
        e.sourceName = q.value(5).toString();
        e.sourceSystem = q.value(6).toString();
        e.eventId = q.value(7).toString();
        e.domain = q.value(8).toString();
        e.key = q.value(9).toString();
        e.raw = q.value(10).toByteArray();
        e.rawSha = q.value(11).toString();
        e.lineNo = q.value(12).toLongLong();
        e.objectId = q.value(13);
        e.revisionId = q.value(14);
        e.details = json::parse(q.value(15).toString().toStdString(), nullptr, false);
        out.push_back(std::move(e));
    }
    return out;
}

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

json stateOf(QSqlDatabase db, const QString& domain, const QString& key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT r.state FROM object o JOIN revision r ON r.id = o.current_revision_id"
                             " WHERE o.domain = ? AND o.key = ?"));
    q.addBindValue(domain);
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return nullptr;
    return json::parse(q.value(0).toString().toStdString());
}

qint64 revisionNo(QSqlDatabase db, const QString& domain, const QString& key)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT revision_no FROM object WHERE domain = ? AND key = ?"));
    q.addBindValue(domain);
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

// Sorted targets of the deliveries of one revision of an object.
QStringList deliveryTargets(QSqlDatabase db, const QString& key, qint64 revNo)
{
    return column(db,
        QStringLiteral("SELECT d.target_id FROM delivery d JOIN object o ON o.id = d.object_id"
                       " WHERE o.key = '%1' AND d.revision_no = %2 ORDER BY d.target_id")
            .arg(key)
            .arg(revNo));
}

// All rows of a query, each row's columns joined with '|', for whole-table comparisons.
QStringList rows(QSqlDatabase db, const QString& sql)
{
    QStringList out;
    QSqlQuery q(db);
    if (!q.exec(sql)) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return { QStringLiteral("query failed") };
    }
    while (q.next()) {
        QStringList cells;
        for (int i = 0; i < q.record().count(); ++i)
            cells << (q.value(i).isNull() ? QStringLiteral("<null>") : q.value(i).toString());
        out << cells.join(QLatin1Char('|'));
    }
    return out;
}

std::vector<std::string> demoLines()
{
    QFile f(sourcePath(QStringLiteral("resources/demo/npi-batch.jsonl")));
    std::vector<std::string> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    while (!f.atEnd()) {
        QByteArray l = f.readLine();
        if (l.endsWith('\n'))
            l.chop(1);
        out.push_back(l.toStdString());
    }
    return out;
}

// Row counts of everything an event can write.
struct Counts
{
    qint64 object, revision, delivery, objectTarget, exception, lineage, inbound, matchText, deliveryCounter;
    bool operator==(const Counts&) const = default;
};

Counts counts(QSqlDatabase db)
{
    return { count(db, QStringLiteral("object")), count(db, QStringLiteral("revision")),
        count(db, QStringLiteral("delivery")), count(db, QStringLiteral("object_target")),
        count(db, QStringLiteral("exception")), count(db, QStringLiteral("lineage_event")),
        count(db, QStringLiteral("inbound_event")), count(db, QStringLiteral("match_text")),
        scalar(db, QStringLiteral("SELECT coalesce(sum(n), 0) FROM delivery_counter")).toLongLong() };
}

QString describe(const Counts& c)
{
    return QStringLiteral("object %1 revision %2 delivery %3 object_target %4 exception %5 lineage %6 inbound %7"
                          " match_text %8 delivery_counter %9")
        .arg(c.object)
        .arg(c.revision)
        .arg(c.delivery)
        .arg(c.objectTarget)
        .arg(c.exception)
        .arg(c.lineage)
        .arg(c.inbound)
        .arg(c.matchText)
        .arg(c.deliveryCounter);
}

const std::string kValidItem
    = R"({"description":"Shaft 20 mm","item_type":"HALB","material_group":"SEMI-MACH","base_uom":"EA"})";

} // namespace

#define MDSYNC_TEMP_WS(name)                                                                                           \
    TempWorkspace name;                                                                                                \
    QVERIFY2(name.ok(), qPrintable(name.error()))

class TestIngest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- ownership ---------------------------------------------------------------------------------

    void nonOwnerAttributeIsNotMerged()
    {
        MDSYNC_TEMP_WS(t);
        const std::string create = test::event("PLM", "item", "FG-1", releasedItem("Pump CP-80", { "P100" }));
        const std::string wms = test::event("WMS-P100", "item", "FG-1",
            { { "storage_conditions", "dry" }, { "handling_unit_type", "PALLET" },
                { "net_weight", { { "value", 99 }, { "unit", "kg" } } } });
        MDSYNC_REQUIRE_OK(s, t.ingest({ create, wms }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->received, 2);
        QCOMPARE(s->accepted, 2);
        QCOMPARE(s->revisions, 2);
        QCOMPARE(s->rejected, 0);
        QCOMPARE(s->policyViolations, 1);
        QCOMPARE(s->exceptions, 1);
        QCOMPARE(s->exceptionsByCategory.at("policy_violation"), 1);

        // Owned attributes merged, the engineering attribute kept PLM's value.
        const json state = stateOf(t.db(), QStringLiteral("item"), QStringLiteral("FG-1"));
        QCOMPARE(qs(state.value("storage_conditions", "")), QStringLiteral("dry"));
        QCOMPARE(qs(state.value("handling_unit_type", "")), QStringLiteral("PALLET"));
        QCOMPARE(state["net_weight"]["value"].get<double>(), 12.5);
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("FG-1")), 2);
        const json changed
            = json::parse(scalar(t.db(), QStringLiteral("SELECT changed FROM revision WHERE revision_no = 2"))
                              .toString()
                              .toStdString());
        QVERIFY(changed.contains("storage_conditions"));
        QVERIFY(!changed.contains("net_weight"));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT source_system FROM revision WHERE revision_no = 2")).toString(),
            QStringLiteral("WMS-P100"));

        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("policy_violation"));
        QCOMPARE(ex[0].severity, QStringLiteral("warning"));
        QCOMPARE(ex[0].status, QStringLiteral("open"));
        QCOMPARE(ex[0].raw, bytes(wms));
        QCOMPARE(ex[0].rawSha, qs(sha256Hex(wms)));
        QCOMPARE(ex[0].lineNo, 2);
        QCOMPARE(ex[0].sourceSystem, QStringLiteral("WMS-P100"));
        QVERIFY2(ex[0].message.startsWith(QStringLiteral("test.jsonl:2: ")), qPrintable(ex[0].message));
        QVERIFY2(ex[0].message.contains(QStringLiteral("net_weight (item.engineering, owned by PLM)")),
            qPrintable(ex[0].message));
        QVERIFY(!ex[0].message.contains(QStringLiteral("storage_conditions")));
        // The exception points at the revision that merged the rest.
        QCOMPARE(ex[0].revisionId.toLongLong(),
            scalar(t.db(), QStringLiteral("SELECT id FROM revision WHERE revision_no = 2")).toLongLong());
        QCOMPARE(qs(ex[0].details["not_merged"][0]["attribute"].get<std::string>()), QStringLiteral("net_weight"));
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind = 'policy_violation' AND object_key = 'FG-1'")),
            1);
        // The WMS change is not delivered back to WMS-P100.
        QVERIFY(!deliveryTargets(t.db(), QStringLiteral("FG-1"), 2).contains(QStringLiteral("WMS-P100")));
    }

    void onlyNonOwnedAttributesIsRejected()
    {
        MDSYNC_TEMP_WS(t);
        const std::string create = test::event("PLM", "item", "FG-2", releasedItem("Pump CP-100", { "P100" }));
        const std::string erp
            = test::event("ERP", "item", "FG-2", { { "description", "Pump renamed by ERP" }, { "item_type", "HALB" } });
        MDSYNC_REQUIRE_OK(s, t.ingest({ create, erp }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->accepted, 1);
        QCOMPARE(s->rejected, 1);
        // The summary counts the rejection as exceptions_by_category does (it said 0 while the category said 1).
        QCOMPARE(s->policyViolations, 1);
        QCOMPARE(s->exceptionsByCategory.at("policy_violation"), 1);
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("FG-2")), 1);
        QCOMPARE(qs(stateOf(t.db(), QStringLiteral("item"), QStringLiteral("FG-2"))["description"].get<std::string>()),
            QStringLiteral("Pump CP-100"));
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("policy_violation"));
        QCOMPARE(ex[0].severity, QStringLiteral("error"));
        QCOMPARE(ex[0].raw, bytes(erp));
        QVERIFY2(ex[0].message.contains(QStringLiteral("ERP is not the system of record for any attribute it sent")),
            qPrintable(ex[0].message));
        QVERIFY2(ex[0].message.contains(QStringLiteral("description (item.engineering, owned by PLM)")),
            qPrintable(ex[0].message));
        QVERIFY2(ex[0].message.contains(QStringLiteral("item_type (item.engineering, owned by PLM)")),
            qPrintable(ex[0].message));
        // A rejected event is not recorded as seen: no inbound_event row.
        QCOMPARE(count(t.db(), QStringLiteral("inbound_event"), QStringLiteral("source = 'ERP'")), 0);
    }

    void nonCreatorCannotCreateOrDelete()
    {
        MDSYNC_TEMP_WS(t);
        const std::string erpCreate = test::event("ERP", "item", "NEW-1", { { "standard_price", 10.5 } });
        const std::string create
            = test::event("PLM", "item", "FG-3", releasedItem("Valve V-10", { "P200" }, "FERT", "FG-VALVE"));
        const std::string erpDelete = test::event("ERP", "item", "FG-3", nullptr, {}, "delete");
        const std::string plmDeleteMissing = test::event("PLM", "item", "NOPE-9", nullptr, {}, "delete");
        MDSYNC_REQUIRE_OK(s, t.ingest({ erpCreate, create, erpDelete, plmDeleteMissing }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->received, 4);
        QCOMPARE(s->accepted, 1);
        QCOMPARE(s->rejected, 3);
        QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("key = 'NEW-1'")), 0);
        QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-3' AND deleted = 0")), 1);

        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(3));
        QCOMPARE(ex[0].category, QStringLiteral("policy_violation"));
        QCOMPARE(ex[0].raw, bytes(erpCreate));
        QVERIFY2(ex[0].message.contains(QStringLiteral(
                     "item 'NEW-1' does not exist; only PLM (system of record for item.engineering) may create "
                     "it; sent by ERP")),
            qPrintable(ex[0].message));
        QCOMPARE(ex[1].category, QStringLiteral("policy_violation"));
        QCOMPARE(ex[1].raw, bytes(erpDelete));
        QVERIFY2(
            ex[1].message.contains(QStringLiteral("cannot delete item 'FG-3': only PLM")), qPrintable(ex[1].message));
        QCOMPARE(ex[2].category, QStringLiteral("validation"));
        QVERIFY2(ex[2].message.contains(QStringLiteral("cannot delete item 'NOPE-9': it does not exist")),
            qPrintable(ex[2].message));
        // Rejected creates leave a lineage trail for the key that never existed.
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("object_key = 'NEW-1' AND kind = 'rejected'")),
            1);
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("object_key = 'NEW-1' AND object_id IS NOT NULL")),
            0);
    }

    void ownerDeletesAndNobodyRecreatesButTheCreator()
    {
        MDSYNC_TEMP_WS(t);
        const std::string create
            = test::event("PLM", "item", "FG-4", releasedItem("Drive D-4", { "P100" }, "FERT", "FG-DRIVE"));
        const std::string del = test::event("PLM", "item", "FG-4", nullptr, {}, "delete");
        const std::string delAgain = test::event("PLM", "item", "FG-4", nullptr, {}, "delete");
        const std::string erpRecreate = test::event("ERP", "item", "FG-4", { { "standard_price", 1 } });
        MDSYNC_REQUIRE_OK(s, t.ingest({ create, del, delAgain, erpRecreate }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->revisions, 2);
        QCOMPARE(s->unchanged, 1); // deleting a deleted object changes nothing
        QCOMPARE(s->rejected, 1);
        QCOMPARE(
            count(t.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-4' AND deleted = 1 AND revision_no = 2")),
            1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT op FROM revision WHERE revision_no = 2")).toString(),
            QStringLiteral("delete"));
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QVERIFY2(ex[0].message.contains(QStringLiteral("(it was deleted)")), qPrintable(ex[0].message));
        // The delete is propagated to the subscribers the object matched before it was deleted.
        QCOMPARE(
            deliveryTargets(t.db(), QStringLiteral("FG-4"), 2), deliveryTargets(t.db(), QStringLiteral("FG-4"), 1));
    }

    void nonCreatorDeleteOfDeletedObjectIsStillAPolicyViolation()
    {
        // Ownership is checked for every delete; that the object is already deleted must not let another
        // system's delete through as an accepted no-op.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s1,
            t.ingest({ test::event("PLM", "item", "FG-6", releasedItem("Drive D-6", { "P100" }, "FERT", "FG-DRIVE")),
                test::event("PLM", "item", "FG-6", nullptr, {}, "delete") }));
        QCOMPARE(s1->revisions, 2);
        const std::string erpDelete = test::event("ERP", "item", "FG-6", nullptr, {}, "delete");
        MDSYNC_REQUIRE_OK(s2, t.ingest({ erpDelete }));
        MDSYNC_CHECK_SUMMARY(s2.value());
        QCOMPARE(s2->revisions, 0);
        QCOMPARE(s2->rejected, 1);
        QCOMPARE(count(t.db(), QStringLiteral("exception"), QStringLiteral("category = 'policy_violation'")), 1);
    }

    // ---- validation -------------------------------------------------------------------------------

    void validationMessages_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("attributes");
        QTest::addColumn<QStringList>("expected");

        auto item = [](json patch) {
            json a = json::parse(kValidItem);
            for (auto it = patch.begin(); it != patch.end(); ++it) {
                if (it->is_null())
                    a.erase(it.key());
                else
                    a[it.key()] = *it;
            }
            return qs(a.dump());
        };
        QTest::newRow("wrong unit dimension")
            << QStringLiteral("SA-10") << item({ { "net_weight", { { "value", 2.1 }, { "unit", "mm" } } } })
            << QStringList { QStringLiteral("item 'SA-10'"), QStringLiteral("net_weight"), QStringLiteral("length"),
                   QStringLiteral("mass") };
        QTest::newRow("code not in list") << QStringLiteral("SA-11") << item({ { "material_group", "UNOBTAINIUM" } })
                                          << QStringList { QStringLiteral("material_group"),
                                                 QStringLiteral("'UNOBTAINIUM'"), QStringLiteral("material_groups") };
        QTest::newRow("inline code not in list")
            << QStringLiteral("SA-12") << item({ { "item_type", "SPARE" } })
            << QStringList { QStringLiteral("item_type"), QStringLiteral("SPARE") };
        QTest::newRow("too long string") << QStringLiteral("SA-13") << item({ { "description", std::string(41, 'x') } })
                                         << QStringList { QStringLiteral("description"),
                                                QStringLiteral("41 characters, at most 40") };
        QTest::newRow("unknown attribute")
            << QStringLiteral("SA-14") << item({ { "colour", "red" } })
            << QStringList { QStringLiteral("colour: unknown attribute of domain item") };
        QTest::newRow("unknown plant in code set")
            << QStringLiteral("SA-15") << item({ { "plants", { "P100", "P999" } } })
            << QStringList { QStringLiteral("plants"), QStringLiteral("P999") };
        QTest::newRow("mandatory on release")
            << QStringLiteral("SA-16") << item({ { "lifecycle_status", "released" } })
            << QStringList { QStringLiteral("released item requires net_weight (missing)"),
                   QStringLiteral("released item requires plants (missing)") };
        QTest::newRow("mandatory on draft") << QStringLiteral("SA-17") << item({ { "base_uom", nullptr } })
                                            << QStringList { QStringLiteral("draft item requires base_uom (missing)") };
        QTest::newRow("bad key pattern") << QStringLiteral("sa 18") << item({})
                                         << QStringList { QStringLiteral("item_number"), QStringLiteral("sa 18"),
                                                QStringLiteral("does not match") };
        QTest::newRow("key too long") << QString(41, QLatin1Char('K')) << item({})
                                      << QStringList { QStringLiteral("item_number"), QStringLiteral("41 characters") };
    }

    void validationMessages()
    {
        QFETCH(QString, key);
        QFETCH(QString, attributes);
        QFETCH(QStringList, expected);
        MDSYNC_TEMP_WS(t);
        const std::string good = test::event("PLM", "item", "OK-1", json::parse(kValidItem));
        const std::string bad = test::event("PLM", "item", key.toStdString(), json::parse(attributes.toStdString()));
        IngestOptions o;
        o.sourceName = QStringLiteral("plm-export.jsonl");
        // Blank lines count: the bad event is on physical line 4.
        MDSYNC_REQUIRE_OK(s, t.ingest({ good, "", "   ", bad }, o));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->received, 2);
        QCOMPARE(s->accepted, 1);
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->exceptionsByCategory.at("validation"), 1);
        QCOMPARE(count(t.db(), QStringLiteral("object")), 1);
        QCOMPARE(count(t.db(), QStringLiteral("inbound_event")), 1);

        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("validation"));
        QCOMPARE(ex[0].raw, bytes(bad));
        QCOMPARE(ex[0].lineNo, 4);
        QCOMPARE(ex[0].sourceName, QStringLiteral("plm-export.jsonl"));
        QCOMPARE(ex[0].key, key);
        QVERIFY2(ex[0].message.startsWith(QStringLiteral("plm-export.jsonl:4: ")), qPrintable(ex[0].message));
        for (const QString& part : expected)
            QVERIFY2(
                ex[0].message.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, ex[0].message)));
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'rejected'")), 1);
    }

    // ---- malformed and unacceptable lines ---------------------------------------------------------

    void rejectedLinesKeptVerbatim_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("category");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("maxLineBytes");

        const QByteArray valid = bytes(test::event("PLM", "item", "BIG-1", json::parse(kValidItem), "PLM-big"));
        QTest::newRow("not JSON") << QByteArray(R"({"event_id": "PLM-x1", "source": "PLM", "domain": "item")")
                                  << QStringLiteral("malformed") << QStringList { QStringLiteral("not JSON") } << 0;
        QTest::newRow("trailing garbage")
            << QByteArray(R"({"event_id": "PLM-x2"} trailing)") << QStringLiteral("malformed")
            << QStringList { QStringLiteral("not JSON") } << 0;
        QByteArray latin1 = bytes(test::event("PLM", "item", "LAT-1", json::parse(kValidItem), "PLM-lat"));
        const qsizetype pos = latin1.indexOf("Shaft");
        latin1.replace(pos, 5,
            "Sch\xe4"
            "ft");
        QTest::newRow("not UTF-8 (Latin-1 umlaut)")
            << latin1 << QStringLiteral("malformed")
            << QStringList { QStringLiteral("not valid UTF-8 (invalid byte at offset %1)").arg(pos + 3) } << 0;
        QTest::newRow("overlong UTF-8") << QByteArray("{\"event_id\": \"\xc0\xaf\"}") << QStringLiteral("malformed")
                                        << QStringList { QStringLiteral("not valid UTF-8 (invalid byte at offset 14)") }
                                        << 0;
        QTest::newRow("too large")
            << valid << QStringLiteral("malformed")
            << QStringList { QStringLiteral("line is %1 bytes, more than the limit of 64 bytes").arg(valid.size()) }
            << 64;
        QTest::newRow("array") << QByteArray("[1, 2, 3]") << QStringLiteral("malformed")
                               << QStringList { QStringLiteral("expected a JSON object"), QStringLiteral("got array") }
                               << 0;
        QTest::newRow("string") << QByteArray(R"("PLM item FG-1")") << QStringLiteral("malformed")
                                << QStringList { QStringLiteral("got string") } << 0;
        QTest::newRow("missing envelope fields")
            << QByteArray(R"({"event_id": "PLM-x3", "source": "PLM", "attributes": {"description": "x"}})")
            << QStringLiteral("malformed")
            << QStringList { QStringLiteral("invalid envelope"), QStringLiteral("domain is missing"),
                   QStringLiteral("key is missing"), QStringLiteral("op is missing"),
                   QStringLiteral("occurred_at is missing") }
            << 0;
        QTest::newRow("bad op and time") << bytes(test::event("PLM", "item", "X-100", json::parse(kValidItem), "PLM-x4",
            "merge", "yesterday")) << QStringLiteral("malformed")
                                         << QStringList { QStringLiteral("op 'merge' must be"),
                                                QStringLiteral("occurred_at 'yesterday' is not an RFC 3339") }
                                         << 0;
        QTest::newRow("unknown envelope field")
            << QByteArray(R"({"event_id":"PLM-x5","source":"PLM","domain":"item","key":"X-101","op":"upsert",)"
                          R"("occurred_at":"2026-11-27T08:00:00Z","attrs":{"description":"x"}})")
            << QStringLiteral("malformed") << QStringList { QStringLiteral("unknown envelope field 'attrs'") } << 0;
        QTest::newRow("empty attributes")
            << bytes(test::event("PLM", "item", "X-102", json::object(), "PLM-x6")) << QStringLiteral("malformed")
            << QStringList { QStringLiteral("attributes is empty") } << 0;
        QTest::newRow("unknown domain") << bytes(test::event("PLM", "widget", "W-1", { { "name", "x" } }, "PLM-x7"))
                                        << QStringLiteral("validation")
                                        << QStringList { QStringLiteral("unknown domain 'widget'"),
                                               QStringLiteral("(known: "), QStringLiteral("item") }
                                        << 0;
        QTest::newRow("unknown source") << bytes(test::event("SAP-ECC", "item", "X-103", json::parse(kValidItem),
            "SAP-1")) << QStringLiteral("policy_violation")
                                        << QStringList { QStringLiteral("unknown source system 'SAP-ECC'") } << 0;
        QTest::newRow("outbound-only source")
            << bytes(test::event("ANALYTICS", "item", "X-104", json::parse(kValidItem), "AN-1"))
            << QStringLiteral("policy_violation")
            << QStringList { QStringLiteral("system ANALYTICS is not allowed to send change events") } << 0;
    }

    void rejectedLinesKeptVerbatim()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, category);
        QFETCH(QStringList, expected);
        QFETCH(int, maxLineBytes);
        MDSYNC_TEMP_WS(t);
        const std::string before = test::event("PLM", "item", "OK-1", json::parse(kValidItem));
        json other = json::parse(kValidItem);
        other["description"] = "Gear wheel Z40 module 2"; // not a duplicate suspect of OK-1
        const std::string after = test::event("PLM", "item", "OK-2", other);
        IngestOptions o;
        o.sourceName = QStringLiteral("batch-7.jsonl");
        // Through the QIODevice path (what the CLI uses), with a CRLF line end on the bad line.
        QByteArray input = bytes(before) + '\n' + line + "\r\n" + bytes(after) + '\n';
        if (maxLineBytes) {
            o.maxLineBytes = maxLineBytes;
            input = line + '\n';
        }
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        const TimeMs now = at(kNow);
        o.clock = [now] { return now; };
        MDSYNC_REQUIRE_OK(s, t.pipeline().ingest(buffer, o));
        MDSYNC_CHECK_SUMMARY(s.value());
        const qint64 goodLines = maxLineBytes ? 0 : 2;
        QCOMPARE(s->received, goodLines + 1);
        QCOMPARE(s->accepted, goodLines);
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->exceptions, 1);
        QCOMPARE(s->exceptionsByCategory.at(category.toStdString()), 1);
        // Against Qt's SHA-256: an implementation independent of the pipeline's (util/fastsha256).
        QCOMPARE(qs(s->inputSha256),
            QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex()));
        QCOMPARE(count(t.db(), QStringLiteral("object")), goodLines);

        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, category);
        QCOMPARE(ex[0].status, QStringLiteral("open"));
        QCOMPARE(ex[0].raw, line); // byte for byte, without the line end
        QCOMPARE(ex[0].rawSha, qs(sha256Hex(line.toStdString())));
        const qint64 lineNo = maxLineBytes ? 1 : 2;
        QCOMPARE(ex[0].lineNo, lineNo);
        QCOMPARE(ex[0].sourceName, QStringLiteral("batch-7.jsonl"));
        QVERIFY2(ex[0].message.startsWith(QStringLiteral("batch-7.jsonl:%1: ").arg(lineNo)), qPrintable(ex[0].message));
        for (const QString& part : expected)
            QVERIFY2(
                ex[0].message.contains(part), qPrintable(QStringLiteral("'%1' not in: %2").arg(part, ex[0].message)));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT n FROM exception_counter WHERE category = '%1'").arg(category))
                     .toLongLong(),
            1);
    }

    void malformedLineTwiceIsOneException()
    {
        MDSYNC_TEMP_WS(t);
        const std::string bad = R"({"event_id": "PLM-b1", "source": )";
        MDSYNC_REQUIRE_OK(s1, t.ingest({ bad, bad }));
        MDSYNC_CHECK_SUMMARY(s1.value());
        QCOMPARE(s1->rejected, 1);
        QCOMPARE(s1->duplicates, 1);
        MDSYNC_REQUIRE_OK(s2, t.ingest({ bad }));
        MDSYNC_CHECK_SUMMARY(s2.value());
        QCOMPARE(s2->duplicates, 1);
        QCOMPARE(s2->exceptions, 0);
        QCOMPARE(count(t.db(), QStringLiteral("exception")), 1);
    }

    // ---- duplicate suspects -----------------------------------------------------------------------

    void duplicateSuspectFlaggedForItems()
    {
        MDSYNC_TEMP_WS(t);
        const std::string a = test::event("PLM", "item", "FA-5000",
            { { "description", "Hex bolt M8x40 DIN 933 8.8 zinc" }, { "item_type", "ROH" }, { "base_uom", "EA" },
                { "manufacturer_part_number", "DIN933-M8X40-88-ZN" } });
        const std::string b = test::event("PLM", "item", "FA-5012",
            { { "description", "Hex bolt M8 x 40 DIN933 8.8 zinc plated" }, { "item_type", "ROH" },
                { "base_uom", "EA" }, { "manufacturer_part_number", "DIN933-M8X40-88-ZN" } });
        const std::string unrelated = test::event("PLM", "item", "EC-4000", json::parse(kValidItem));
        MDSYNC_REQUIRE_OK(s, t.ingest({ a, b, unrelated }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->accepted, 3);
        QCOMPARE(s->revisions, 3);
        QCOMPARE(s->duplicateSuspects, 1);
        QCOMPARE(s->exceptionsByCategory.at("duplicate_suspect"), 1);
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("duplicate_suspect"));
        QCOMPARE(ex[0].severity, QStringLiteral("warning"));
        QCOMPARE(ex[0].raw, bytes(b));
        QCOMPARE(ex[0].key, QStringLiteral("FA-5012"));
        QVERIFY2(ex[0].message.contains(
                     QStringLiteral("item 'FA-5012' was created but looks like a duplicate of item 'FA-5000'")),
            qPrintable(ex[0].message));
        QCOMPARE(ex[0].objectId.toLongLong(),
            scalar(t.db(), QStringLiteral("SELECT id FROM object WHERE key = 'FA-5012'")).toLongLong());
        QCOMPARE(qs(ex[0].details["suspect"]["key"].get<std::string>()), QStringLiteral("FA-5000"));
        // The flagged object is created and propagated as usual.
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("FA-5012")), 1);
        QVERIFY(count(t.db(), QStringLiteral("delivery d JOIN object o ON o.id = d.object_id"),
                    QStringLiteral("o.key = 'FA-5012'"))
            > 0);
    }

    void duplicateSuspectFoundAcrossPipelines()
    {
        // A new pipeline (next mdsyncctl run) loads the candidate index from the workspace.
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s1,
            t.ingest({ test::event("PLM", "item", "FA-1",
                { { "description", "Hex nut M10 DIN 934 zinc" }, { "item_type", "ROH" }, { "base_uom", "EA" } }) }));
        IngestPipeline second(t.ws(), t.config());
        IngestOptions o;
        const TimeMs now = at(kNow);
        o.clock = [now] { return now; };
        MDSYNC_REQUIRE_OK(s2,
            second.ingestLines(
                { test::event("PLM", "item", "FA-2",
                    { { "description", "Hex nut M10 DIN934 zinc" }, { "item_type", "ROH" }, { "base_uom", "EA" } }) },
                o));
        MDSYNC_CHECK_SUMMARY(s2.value());
        QCOMPARE(s2->duplicateSuspects, 1);
        QCOMPARE(count(t.db(), QStringLiteral("exception"),
                     QStringLiteral("category = 'duplicate_suspect' AND object_key = 'FA-2'")),
            1);
    }

    void duplicateSuspectNamesOnlyComparedAttributes()
    {
        // Issue 18: the reason named "description, manufacturer_part_number" when no part number was sent, and
        // near-identical names with different sizes were flagged.
        MDSYNC_TEMP_WS(t);
        auto item = [](const char* key, const char* description, const char* mpn) {
            json a = { { "description", description }, { "item_type", "ROH" }, { "base_uom", "EA" } };
            if (mpn)
                a["manufacturer_part_number"] = mpn;
            return test::event("PLM", "item", key, a);
        };
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ item("SR-11", "Spacer ring size 11", nullptr), item("SR-22", "Spacer ring size 22", nullptr),
                item("HB-1", "Hex bolt M8x40 DIN 933 zinc", "DIN933-M8X40"),
                item("HB-2", "Hexagon bolt M8 x 40 DIN933 zinc", nullptr) }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->duplicateSuspects, 1);
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].key, QStringLiteral("HB-2"));
        QCOMPARE(ex[0].details["suspect"]["compared"].dump(), std::string(R"(["description"])"));
        QVERIFY2(ex[0].message.contains(QStringLiteral(" on description); review")), qPrintable(ex[0].message));
    }

    void duplicateSuspectHeldForSuppliers()
    {
        MDSYNC_TEMP_WS(t);
        const std::string a = test::event("SUPPLIER-PORTAL", "supplier", "SUP-1001",
            { { "name", "Schäfer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } });
        const std::string b = test::event("SUPPLIER-PORTAL", "supplier", "SUP-1007",
            { { "name", "Schaefer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } });
        MDSYNC_REQUIRE_OK(s, t.ingest({ a, b }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->accepted, 1);
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->duplicateSuspects, 1);
        QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("key = 'SUP-1007'")), 0);
        QCOMPARE(count(t.db(), QStringLiteral("revision")), 1);
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("duplicate_suspect"));
        QCOMPARE(ex[0].raw, bytes(b));
        QVERIFY(ex[0].objectId.isNull());
        QVERIFY2(ex[0].message.contains(QStringLiteral("looks like a duplicate of supplier 'SUP-1001'")),
            qPrintable(ex[0].message));
        QVERIFY2(ex[0].message.contains(QStringLiteral("held for steward review, nothing merged")),
            qPrintable(ex[0].message));
        // A held supplier does not become a candidate itself.
        QCOMPARE(count(t.db(), QStringLiteral("match_text"), QStringLiteral("domain = 'supplier'")), 1);
    }

    void duplicateIndexRebuildsCommonTokenFromWorkspace()
    {
        // The duplicate index keeps no texts, it reads them from match_text. A token in more than 2 * kMaxPosting
        // items ("gasket") keeps no ids; when updates bring it back to kMaxPosting items its ids are rebuilt from a
        // scan of match_text in pages of 10,000 rows (12,000 other texts come first here: the gaskets are on the
        // second page). Updates take the old text's tokens out (read before match_text is overwritten).
        MDSYNC_TEMP_WS(t);
        QSqlQuery fill(t.db());
        QVERIFY2(
            fill.exec(QStringLiteral(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)"
                " INSERT INTO match_text(object_id, domain, text) SELECT -i, 'item', 'filler ' || i || '|' FROM n")),
            qPrintable(fill.lastError().text()));
        const int n = 2 * int(DuplicateIndex::kMaxPosting) + 50;
        const int target = n - int(DuplicateIndex::kMaxPosting) + 1; // the first gasket left after the updates
        auto word = [](int i) { // "seal" and three letters a..p: no two one typo apart, no number (a token of its own)
            return "seal" + std::string { char('a' + i / 256), char('a' + i / 16 % 16), char('a' + i % 16) };
        };
        auto item = [](const std::string& key, const std::string& description, const char* at) {
            return test::event("PLM", "item", key,
                { { "description", description }, { "item_type", "ROH" }, { "base_uom", "EA" } }, {}, "upsert", at);
        };
        std::vector<std::string> lines;
        for (int i = 1; i <= n; ++i)
            lines.push_back(item("GK-" + std::to_string(i), "Gasket " + word(i) + "x", "2026-11-27T08:00:00Z"));
        MDSYNC_REQUIRE_OK(s1, t.ingest(lines));
        QCOMPARE(s1->revisions, n);
        lines.clear();
        for (int i = 1; i < target; ++i)
            lines.push_back(item("GK-" + std::to_string(i), "Plain " + word(i) + "x", "2026-11-27T09:00:00Z"));
        MDSYNC_REQUIRE_OK(s2, t.ingest(lines));
        QCOMPARE(s2->revisions, target - 1);
        // "gasket sealXYZ" shares only "gasket" with "gasket sealXYZx" (one typo apart: a suspect).
        const std::string probe = "Gasket " + word(target);
        MDSYNC_REQUIRE_OK(s3, t.ingest({ item("GK-NEW", probe, "2026-11-27T10:00:00Z") }));
        QCOMPARE(s3->duplicateSuspects, 1);
        const auto ex
            = exceptionsWhere(t.db(), QStringLiteral("category = 'duplicate_suspect' AND object_key = 'GK-NEW'"));
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(qs(ex[0].details["suspect"]["key"].get<std::string>()), qs("GK-" + std::to_string(target)));
        // An updated item is a suspect for its new text, not for its old one.
        MDSYNC_REQUIRE_OK(s4,
            t.ingest({ item("GK-NEW2", "Plain " + word(1) + "x", "2026-11-27T10:00:00Z"),
                item("GK-NEW3", "Gasket " + word(2) + "x", "2026-11-27T10:00:00Z") }));
        QCOMPARE(s4->duplicateSuspects, 1);
        const auto ex2
            = exceptionsWhere(t.db(), QStringLiteral("category = 'duplicate_suspect' AND object_key = 'GK-NEW2'"));
        QCOMPARE(ex2.size(), size_t(1));
        QCOMPARE(qs(ex2[0].details["suspect"]["key"].get<std::string>()), QStringLiteral("GK-1"));
    }

    // ---- revisions and no-ops ---------------------------------------------------------------------

    void sameStateIsUnchanged_data()
    {
        QTest::addColumn<QString>("netWeight");
        QTest::newRow("same value") << QStringLiteral(R"({"value": 1, "unit": "kg"})");
        QTest::newRow("1000 g") << QStringLiteral(R"({"value": 1000, "unit": "g"})");
        QTest::newRow("text 1000 g") << QStringLiteral(R"("1000 g")");
        QTest::newRow("1.0 KG alias") << QStringLiteral(R"({"value": 1.0, "unit": "KG"})");
    }

    void sameStateIsUnchanged()
    {
        QFETCH(QString, netWeight);
        MDSYNC_TEMP_WS(t);
        json attrs = releasedItem("Bar 1.4404", { "P100" }, "ROH", "RAW-STEEL");
        attrs["net_weight"] = { { "value", 1 }, { "unit", "kg" } };
        MDSYNC_REQUIRE_OK(s1, t.ingest({ test::event("PLM", "item", "RM-1", attrs) }));
        QCOMPARE(s1->revisions, 1);
        const Counts before = counts(t.db());
        const QString hash
            = scalar(t.db(), QStringLiteral("SELECT content_hash FROM object WHERE key = 'RM-1'")).toString();

        const std::string again = test::event("PLM", "item", "RM-1",
            { { "net_weight", json::parse(netWeight.toStdString()) }, { "plants", { "P100" } } },
            "PLM-again-" + netWeight.toStdString());
        MDSYNC_REQUIRE_OK(s2, t.ingest({ again }));
        MDSYNC_CHECK_SUMMARY(s2.value());
        QCOMPARE(s2->accepted, 1);
        QCOMPARE(s2->unchanged, 1);
        QCOMPARE(s2->revisions, 0);
        QCOMPARE(s2->deliveries, 0);
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("RM-1")), 1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT content_hash FROM object WHERE key = 'RM-1'")).toString(), hash);
        const Counts after = counts(t.db());
        QCOMPARE(after.revision, before.revision);
        QCOMPARE(after.delivery, before.delivery);
        QCOMPARE(after.exception, before.exception);
        QCOMPARE(after.lineage, before.lineage + 1); // one 'unchanged' entry
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"), QStringLiteral("kind = 'unchanged'")), 1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT outcome FROM inbound_event WHERE event_id LIKE 'PLM-again-%'"))
                     .toString(),
            QStringLiteral("unchanged"));
    }

    // A null removes an attribute: gone from the state, and `changed` holds its old value and a null new one. A null
    // for an attribute the object does not have changes nothing.
    void nullRemovesAnAttribute()
    {
        MDSYNC_TEMP_WS(t);
        json attrs = releasedItem("Bar 1.4404", { "P100" }, "ROH", "RAW-STEEL");
        attrs["long_description"] = "Round bar, peeled";
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ test::event("PLM", "item", "RM-3", attrs),
                test::event("PLM", "item", "RM-3", { { "long_description", nullptr } }),
                test::event("PLM", "item", "RM-3", { { "long_description", nullptr } }) }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->revisions, 2);
        const json state = stateOf(t.db(), QStringLiteral("item"), QStringLiteral("RM-3"));
        QVERIFY(!state.contains("long_description"));
        QCOMPARE(state.value("description", std::string()), std::string("Bar 1.4404"));
        const json changed
            = json::parse(scalar(t.db(), QStringLiteral("SELECT changed FROM revision WHERE revision_no = 2"))
                              .toString()
                              .toStdString());
        QCOMPARE(changed.size(), size_t(1));
        QCOMPARE(changed["long_description"]["old"].get<std::string>(), std::string("Round bar, peeled"));
        QVERIFY(changed["long_description"].contains("new"));
        QVERIFY(changed["long_description"]["new"].is_null());
    }

    void changedValueMakesRevision()
    {
        MDSYNC_TEMP_WS(t);
        json attrs = releasedItem("Bar 1.4404", { "P100" }, "ROH", "RAW-STEEL");
        attrs["net_weight"] = { { "value", 1 }, { "unit", "kg" } };
        MDSYNC_REQUIRE_OK(s,
            t.ingest({ test::event("PLM", "item", "RM-2", attrs),
                test::event("PLM", "item", "RM-2", { { "net_weight", "1500 g" } }) }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->revisions, 2);
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("RM-2")), 2);
        const json state = stateOf(t.db(), QStringLiteral("item"), QStringLiteral("RM-2"));
        QCOMPARE(state["net_weight"]["value"].get<double>(), 1.5);
        QCOMPARE(qs(state["net_weight"]["unit"].get<std::string>()), QStringLiteral("kg"));
        const json changed
            = json::parse(scalar(t.db(), QStringLiteral("SELECT changed FROM revision WHERE revision_no = 2"))
                              .toString()
                              .toStdString());
        QCOMPARE(changed.size(), size_t(1));
        QCOMPARE(changed["net_weight"]["old"]["value"].get<double>(), 1.0);
        QCOMPARE(changed["net_weight"]["new"]["value"].get<double>(), 1.5);
        // Revisions are immutable.
        QSqlQuery q(t.db());
        QVERIFY(!q.exec(QStringLiteral("UPDATE revision SET state = '{}' WHERE revision_no = 1")));
        QVERIFY2(q.lastError().text().contains(QStringLiteral("immutable")), qPrintable(q.lastError().text()));
    }

    // ---- idempotency ------------------------------------------------------------------------------

    void reingestSameFileIsAllDuplicates()
    {
        MDSYNC_TEMP_WS(t);
        std::vector<std::string> lines = demoLines();
        QCOMPARE(lines.size(), size_t(25));
        lines.push_back("{\"event_id\": \"broken"); // a malformed line too
        MDSYNC_REQUIRE_OK(s1, t.ingest(lines));
        MDSYNC_CHECK_SUMMARY(s1.value());
        QCOMPARE(s1->received, 26);
        QVERIFY(s1->revisions > 0 && s1->rejected > 0);
        const Counts first = counts(t.db());
        const QStringList keys = column(t.db(), QStringLiteral("SELECT idempotency_key FROM delivery ORDER BY id"));

        MDSYNC_REQUIRE_OK(s2, t.ingest(lines));
        MDSYNC_CHECK_SUMMARY(s2.value());
        QCOMPARE(s2->received, 26);
        QCOMPARE(s2->duplicates, 26);
        QCOMPARE(s2->accepted, 0);
        QCOMPARE(s2->rejected, 0);
        QCOMPARE(s2->exceptions, 0);
        QCOMPARE(s2->deliveries, 0);
        QVERIFY2(
            counts(t.db()) == first, qPrintable(describe(counts(t.db())) + QStringLiteral(" vs ") + describe(first)));
        QCOMPARE(column(t.db(), QStringLiteral("SELECT idempotency_key FROM delivery ORDER BY id")), keys);

        // A new pipeline (another process) sees the same.
        IngestPipeline other(t.ws(), t.config());
        MDSYNC_REQUIRE_OK(s3, other.ingestLines(lines, IngestOptions {}));
        MDSYNC_CHECK_SUMMARY(s3.value());
        QCOMPARE(s3->duplicates, 26);
        QVERIFY(counts(t.db()) == first);
        // Every run is audited.
        QCOMPARE(count(t.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'ingest.run'")), 3);
        QCOMPARE(count(t.db(), QStringLiteral("ingest_run"), QStringLiteral("finished_at IS NOT NULL")), 3);
        QVERIFY(AuditLog(t.db()).verify().ok);

        // The two pipelines' runs alternate on one chain. Each keeps its statements prepared from one run to the
        // next, and each entry still continues from the head the other recorded.
        MDSYNC_REQUIRE_OK(s4, t.ingest(lines));
        MDSYNC_REQUIRE_OK(s5, other.ingestLines(lines, IngestOptions {}));
        QCOMPARE(s5->duplicates, 26);
        QCOMPARE(count(t.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'ingest.run'")), 5);
        QCOMPARE(count(t.db(), QStringLiteral("ingest_run"), QStringLiteral("finished_at IS NOT NULL")), 5);
        const AuditVerification chain = AuditLog(t.db()).verify();
        QVERIFY2(chain.ok, chain.problems.empty() ? "" : chain.problems.front().c_str());
        QCOMPARE(chain.entries, count(t.db(), QStringLiteral("audit_log")));
    }

    // A run's ingest_run row is written in its first batch's transaction (a call of one event commits once, not
    // twice), so a run whose storage fails before its first commit leaves nothing, not even an unfinished run.
    void runThatFailsBeforeItsFirstCommitLeavesNoRow()
    {
        MDSYNC_TEMP_WS(t);
        const std::vector<std::string> lines { test::event(
            "PLM", "item", "FG-9", releasedItem("Pump CP-90", { "P100" })) };
        // The run's last write, its summary, fails.
        const QStringList failing = testBackendIsPostgres()
            ? QStringList { QStringLiteral("CREATE FUNCTION fail_run() RETURNS trigger LANGUAGE plpgsql AS"
                                           " $$ BEGIN RAISE EXCEPTION 'no space left'; END $$"),
                  QStringLiteral("CREATE TRIGGER fail_run BEFORE UPDATE OF summary ON ingest_run FOR EACH ROW"
                                 " EXECUTE FUNCTION fail_run()") }
            : QStringList { QStringLiteral("CREATE TRIGGER fail_run BEFORE UPDATE OF summary ON ingest_run"
                                           " BEGIN SELECT RAISE(ABORT, 'no space left'); END") };
        for (const QString& sql : failing)
            QVERIFY(t.ws().exec(sql));
        const Counts before = counts(t.db());
        const auto failed = t.ingest(lines);
        QVERIFY(!failed);
        QVERIFY2(failed.error().contains(QStringLiteral("finish ingest run")), qPrintable(failed.error()));
        QVERIFY2(
            counts(t.db()) == before, qPrintable(describe(counts(t.db())) + QStringLiteral(" vs ") + describe(before)));
        QCOMPARE(count(t.db(), QStringLiteral("ingest_run")), 0);

        // Without the failure the same call stores the event and its run, finished.
        QVERIFY(t.ws().exec(QStringLiteral("DROP TRIGGER fail_run")
            + (testBackendIsPostgres() ? QStringLiteral(" ON ingest_run") : QString())));
        MDSYNC_REQUIRE_OK(s, t.ingest(lines));
        QCOMPARE(s->revisions, 1);
        QCOMPARE(count(t.db(), QStringLiteral("ingest_run"), QStringLiteral("finished_at IS NOT NULL")), 1);
        QCOMPARE(count(t.db(), QStringLiteral("ingest_run")), 1);
    }

    void sameEventIdDifferentContentIsConflict()
    {
        MDSYNC_TEMP_WS(t);
        const std::string first = test::event("PLM", "item", "FG-9", json::parse(kValidItem), "PLM-777");
        json other = json::parse(kValidItem);
        other["description"] = "Shaft 25 mm";
        const std::string reused = test::event("PLM", "item", "FG-9", other, "PLM-777");
        const std::string sameFromErp = test::event("ERP", "item", "FG-9", { { "standard_price", 3.5 } }, "PLM-777");
        MDSYNC_REQUIRE_OK(s, t.ingest({ first, reused, sameFromErp }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->accepted, 2); // event ids are per source: ERP's PLM-777 is a different event
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->duplicates, 0);
        QCOMPARE(s->exceptionsByCategory.at("conflict"), 1);
        QCOMPARE(qs(stateOf(t.db(), QStringLiteral("item"), QStringLiteral("FG-9"))["description"].get<std::string>()),
            QStringLiteral("Shaft 20 mm"));
        const auto ex = exceptionsWhere(t.db(), QStringLiteral("category = 'conflict'"));
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].raw, bytes(reused));
        QCOMPARE(ex[0].lineNo, 2);
        QVERIFY2(ex[0].message.contains(QStringLiteral("event_id 'PLM-777' from PLM was already accepted")),
            qPrintable(ex[0].message));
        QCOMPARE(ex[0].eventId, QStringLiteral("PLM-777"));
    }

    // ---- outbox -----------------------------------------------------------------------------------

    void outboxPerSubscription()
    {
        MDSYNC_TEMP_WS(t);
        const std::string release
            = test::event("PLM", "item", "FG-1000", releasedItem("Centrifugal pump CP-80", { "P100" }));
        const std::string erp
            = test::event("ERP", "item", "FG-1000", { { "standard_price", 1249.5 }, { "currency", "EUR" } });
        const std::string draftP200 = test::event("PLM", "item", "FG-2000",
            { { "description", "Valve draft" }, { "item_type", "FERT" }, { "base_uom", "EA" },
                { "plants", { "P200" } } });
        MDSYNC_REQUIRE_OK(s, t.ingest({ release, erp, draftP200 }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->revisions, 3);

        // Released FG item at P100 from PLM: every item subscriber whose filter it passes; MES-P200 is for P200.
        const QStringList rev1 = { QStringLiteral("ANALYTICS"), QStringLiteral("ERP"), QStringLiteral("MES-P100"),
            QStringLiteral("QMS"), QStringLiteral("WMS-P100") };
        QCOMPARE(deliveryTargets(t.db(), QStringLiteral("FG-1000"), 1), rev1);
        // ERP's change goes to the same systems except back to ERP.
        const QStringList rev2 = { QStringLiteral("ANALYTICS"), QStringLiteral("MES-P100"), QStringLiteral("QMS"),
            QStringLiteral("WMS-P100") };
        QCOMPARE(deliveryTargets(t.db(), QStringLiteral("FG-1000"), 2), rev2);
        // A draft at P200 only goes to the unfiltered subscribers.
        QCOMPARE(deliveryTargets(t.db(), QStringLiteral("FG-2000"), 1),
            (QStringList { QStringLiteral("ANALYTICS"), QStringLiteral("ERP") }));
        QCOMPARE(s->deliveries, qint64(rev1.size() + rev2.size() + 2));
        QCOMPARE(count(t.db(), QStringLiteral("delivery")), s->deliveries);
        QCOMPARE(count(t.db(), QStringLiteral("delivery"), QStringLiteral("status <> 'pending' OR attempts <> 0")), 0);

        // Event and hybrid deliveries are due now; the scheduled batch at the next window (01:00 UTC).
        const TimeMs now = at(kNow);
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT count(DISTINCT due_at) FROM delivery WHERE target_id <> 'ANALYTICS'"))
                .toInt(),
            1);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT due_at FROM delivery WHERE target_id = 'WMS-P100' LIMIT 1"))
                     .toLongLong(),
            now);
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT due_at FROM delivery WHERE target_id = 'ERP' LIMIT 1")).toLongLong(),
            now);
        QCOMPARE(column(t.db(), QStringLiteral("SELECT DISTINCT due_at FROM delivery WHERE target_id = 'ANALYTICS'")),
            QStringList { QString::number(at("2026-11-29T01:00:00Z")) });

        // Lineage of the create names what was queued and what did not match.
        const json merged = json::parse(scalar(t.db(),
            QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'created'"
                           " AND object_key = 'FG-1000'"))
                                            .toString()
                                            .toStdString());
        QCOMPARE(dumped(merged["not_subscribed"]), dumped(json { "MES-P200" }));
        QCOMPARE(merged["queued"].size(), size_t(5));
    }

    // Texts ingest writes without building a json tree first are byte for byte what dump() writes for the tree:
    // the payload hash (what a re-sent event is compared with: a workspace written by an older version must still
    // see its duplicates) and every lineage detail (members by key, strings escaped as dump() escapes them).
    void storedJsonTextsAreWhatDumpWrites()
    {
        MDSYNC_TEMP_WS(t);
        const std::string key = "RM-7"; // keys follow the model's pattern: the tricky text is in ids and values
        // RAW-STEEL: ERP's enrichment rule sets valuation_class, so the create also writes an "enriched" row.
        const std::string create = test::event("PLM", "item", key,
            releasedItem("Round bar \"\xc3\x98 20\" \\ 5 mm \xe2\x80\x93 S235", { "P100" }, "ROH", "RAW-STEEL"),
            "PLM-\"1\"\\\xc3\xa9");
        const std::string change = test::event("ERP", "item", key, { { "standard_price", 2.5 } }, "ERP-\xc3\xbc-2");
        MDSYNC_REQUIRE_OK(s, t.ingest({ create, change }));
        MDSYNC_CHECK_SUMMARY(s.value());
        QStringList rejected;
        for (const Ex& e : exceptionsWhere(t.db()))
            rejected << e.message;
        QVERIFY2(s->revisions == 2, qPrintable(rejected.join(u'\n')));

        // The payload hash, as ingest computed it before it wrote the text itself.
        const QStringList hashes
            = column(t.db(), QStringLiteral("SELECT payload_hash FROM inbound_event ORDER BY source DESC"));
        QCOMPARE(hashes.size(), 2); // PLM's, then ERP's
        QStringList expected;
        for (const std::string& line : { create, change }) {
            const json e = json::parse(line);
            expected << qs(sha256Hex(json { { "domain", e["domain"] }, { "key", e["key"] }, { "op", e["op"] },
                { "occurred_at", at(e["occurred_at"].get<std::string>().c_str()) },
                { "attributes",
                    e["attributes"] } }.dump()));
        }
        QCOMPARE(hashes, expected);
        // So the same events again are duplicates, not conflicts.
        MDSYNC_REQUIRE_OK(again, t.ingest({ create, change }));
        QCOMPARE(again->duplicates, 2);

        // Every lineage detail is the dump of its own parse: canonical, keys in order.
        const QStringList kinds = column(t.db(), QStringLiteral("SELECT kind FROM lineage_event ORDER BY id"));
        QVERIFY2(kinds.contains(QStringLiteral("created")) && kinds.contains(QStringLiteral("merged"))
                && kinds.contains(QStringLiteral("enriched")),
            qPrintable(kinds.join(u',')));
        for (const QString& d : column(t.db(), QStringLiteral("SELECT detail FROM lineage_event ORDER BY id")))
            QCOMPARE(d, qs(json::parse(d.toStdString()).dump()));
        const json created
            = json::parse(scalar(t.db(), QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'created'"))
                              .toString()
                              .toStdString());
        QCOMPARE(qs(created["event_id"].get<std::string>()), qs(std::string("PLM-\"1\"\\\xc3\xa9")));
        QCOMPARE(created["revision_no"].get<int>(), 1);
        QVERIFY(created["changed"].is_array() && !created["changed"].empty());
        const json enriched
            = json::parse(scalar(t.db(), QStringLiteral("SELECT detail FROM lineage_event WHERE kind = 'enriched'"))
                              .toString()
                              .toStdString());
        QCOMPARE(qs(enriched.dump()),
            qs(json({ { "revision_no", 1 },
                        { "set",
                            { { { "attribute", "valuation_class" }, { "new", "3000" },
                                  { "rule", "item.valuation_class.raw-steel" } },
                                { { "attribute", "price_unit" }, { "new", 1 }, { "rule", "item.price_unit" } } } } })
                    .dump()));
    }

    void idempotencyKeysUniqueAndStable()
    {
        MDSYNC_TEMP_WS(t);
        MDSYNC_REQUIRE_OK(s, t.ingest(demoLines()));
        MDSYNC_CHECK_SUMMARY(s.value());
        QVERIFY(s->deliveries > 20);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT count(DISTINCT idempotency_key) FROM delivery")).toLongLong(),
            s->deliveries);
        // Every stored key is the documented one (docs/DISPATCHER.md, core/store/idempotency.h) of the workspace's
        // instance id, the object's domain and key, the revision number, the target and the contract version.
        const std::string instance = t.ws().instanceId().toStdString();
        QCOMPARE(instance.size(), size_t(32));
        QSqlQuery q(t.db());
        QVERIFY(q.exec(QStringLiteral("SELECT o.domain, o.key, d.revision_no, d.target_id, d.contract_version,"
                                      " d.idempotency_key FROM delivery d JOIN object o ON o.id = d.object_id")));
        int n = 0;
        while (q.next()) {
            ++n;
            const std::string expected
                = idempotencyKey(instance, q.value(0).toString().toStdString(), q.value(1).toString().toStdString(),
                    q.value(2).toLongLong(), q.value(3).toString().toStdString(), q.value(4).toString().toStdString());
            QCOMPARE(q.value(5).toString(), qs(expected));
        }
        QCOMPARE(n, s->deliveries);
    }

    void idempotencyKeysDifferAcrossWorkspaces()
    {
        // Two workspaces (a rebuilt one, a second plant's core) ingesting the same events must not produce the same
        // keys: a target that remembers keys would answer "already applied" for the second one's changes.
        QStringList keys[2];
        QString instances[2];
        for (int i = 0; i < 2; ++i) {
            MDSYNC_TEMP_WS(t);
            MDSYNC_REQUIRE_OK(s, t.ingest(demoLines()));
            instances[i] = t.ws().instanceId();
            keys[i] = rows(t.db(), QStringLiteral("SELECT idempotency_key FROM delivery ORDER BY id"));
        }
        QVERIFY(!instances[0].isEmpty());
        QVERIFY(instances[0] != instances[1]);
        QVERIFY(!keys[0].isEmpty());
        QCOMPARE(keys[0].size(), keys[1].size());
        for (const QString& k : keys[0])
            QVERIFY2(!keys[1].contains(k), qPrintable(k));
    }

    void scheduledBatchDueInsideAndBeforeWindow_data()
    {
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("due");
        QTest::newRow("inside window") << QStringLiteral("2026-11-28T02:10:00Z")
                                       << QStringLiteral("2026-11-28T02:10:00Z");
        QTest::newRow("before window") << QStringLiteral("2026-11-28T00:30:00Z")
                                       << QStringLiteral("2026-11-28T01:00:00Z");
        QTest::newRow("at window end") << QStringLiteral("2026-11-28T03:00:00Z")
                                       << QStringLiteral("2026-11-29T01:00:00Z");
    }

    void scheduledBatchDueInsideAndBeforeWindow()
    {
        QFETCH(QString, now);
        QFETCH(QString, due);
        MDSYNC_TEMP_WS(t);
        IngestOptions o;
        const TimeMs n = at(now.toLatin1().constData());
        o.clock = [n] { return n; };
        MDSYNC_REQUIRE_OK(s, t.ingest({ test::event("PLM", "item", "FG-5", releasedItem("Pump", { "P100" })) }, o));
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT due_at FROM delivery WHERE target_id = 'ANALYTICS'")).toLongLong(),
            at(due.toLatin1().constData()));
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT due_at FROM delivery WHERE target_id = 'ERP'")).toLongLong(), n);
    }

    void countersConsistentAfterMixedBatch()
    {
        MDSYNC_TEMP_WS(t);
        std::vector<std::string> lines = demoLines();
        lines.push_back(test::event("PLM", "item", "FG-1000", { { "lifecycle_status", "blocked" } }));
        lines.push_back(test::event("PLM", "item", "FG-1000", { { "lifecycle_status", "released" } }));
        lines.push_back(test::event("PLM", "item", "RM-3000", nullptr, {}, "delete"));
        lines.push_back("not json at all");
        lines.push_back(
            test::event("WMS-P100", "item", "FG-1000", { { "stackable", true }, { "description", "WMS rename" } }));
        MDSYNC_REQUIRE_OK(s1, t.ingest(lines));
        MDSYNC_CHECK_SUMMARY(s1.value());
        MDSYNC_REQUIRE_OK(s2, t.ingest({ test::event("ERP", "item", "FG-1000", { { "standard_price", 1300 } }) }));
        MDSYNC_CHECK_SUMMARY(s2.value());

        // delivery_counter == the delivery table grouped by (target, domain, status).
        const QString fromTable = QStringLiteral(
            "SELECT d.target_id, o.domain, d.status, count(*) FROM delivery d JOIN object o ON o.id = d.object_id"
            " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
        const QString fromCounter
            = QStringLiteral("SELECT target_id, domain, status, n FROM delivery_counter WHERE n <> 0"
                             " ORDER BY 1, 2, 3");
        QCOMPARE(rows(t.db(), fromCounter), rows(t.db(), fromTable));
        QCOMPARE(count(t.db(), QStringLiteral("delivery")), s1->deliveries + s2->deliveries);

        // object_target: one row per (object, target) that ever got a delivery, pointing at the latest one.
        QCOMPARE(count(t.db(), QStringLiteral("object_target")),
            scalar(
                t.db(), QStringLiteral("SELECT count(*) FROM (SELECT DISTINCT object_id, target_id FROM delivery) x"))
                .toLongLong());
        QCOMPARE(count(t.db(), QStringLiteral("object_target ot"),
                     QStringLiteral(
                         "ot.latest_delivery_id <> (SELECT max(d.id) FROM delivery d WHERE d.object_id = ot.object_id"
                         " AND d.target_id = ot.target_id)"
                         " OR ot.latest_revision_no <> (SELECT max(d.revision_no) FROM delivery d"
                         " WHERE d.object_id = ot.object_id AND d.target_id = ot.target_id)"
                         " OR ot.status <> 'pending'")),
            0);
        // Deliveries reference their revision and object consistently.
        QCOMPARE(count(t.db(), QStringLiteral("delivery d JOIN revision r ON r.id = d.revision_id"),
                     QStringLiteral("r.object_id <> d.object_id OR r.revision_no <> d.revision_no")),
            0);
        // exception_counter == the exception table.
        QCOMPARE(rows(t.db(), QStringLiteral("SELECT category, n FROM exception_counter WHERE n <> 0 ORDER BY 1")),
            rows(t.db(), QStringLiteral("SELECT category, count(*) FROM exception GROUP BY 1 ORDER BY 1")));
        QCOMPARE(count(t.db(), QStringLiteral("exception")), s1->exceptions + s2->exceptions);
        // Every object's current revision exists and carries its revision number.
        QCOMPARE(count(t.db(), QStringLiteral("object o"),
                     QStringLiteral("NOT EXISTS (SELECT 1 FROM revision r WHERE r.id = o.current_revision_id"
                                    " AND r.revision_no = o.revision_no AND r.object_id = o.id)")),
            0);
    }

    // ---- atomicity --------------------------------------------------------------------------------

    void faultInsideEventLeavesNothing_data()
    {
        QTest::addColumn<QString>("stage");
        QTest::addColumn<bool>("update");
        for (const char* stage : { "revision", "outbox", "lineage" }) {
            QTest::newRow((std::string(stage) + " create").c_str()) << QString::fromLatin1(stage) << false;
            QTest::newRow((std::string(stage) + " update").c_str()) << QString::fromLatin1(stage) << true;
        }
    }

    void faultInsideEventLeavesNothing()
    {
        QFETCH(QString, stage);
        QFETCH(bool, update);
        MDSYNC_TEMP_WS(t);
        const std::string a = test::event("PLM", "item", "FG-A", releasedItem("Pump A", { "P100" }));
        // Event 2 is the one that fails: a create of FG-B, or ERP's update of FG-A.
        const std::string b = update ? test::event("ERP", "item", "FG-A", { { "standard_price", 99 } })
                                     : test::event("PLM", "item", "FG-B", releasedItem("Pump B", { "P100" }));
        const std::string c = test::event("PLM", "item", "FG-C", releasedItem("Pump C", { "P100" }));
        const QString bKey = update ? QStringLiteral("FG-A") : QStringLiteral("FG-B");

        IngestOptions o;
        int calls = 0;
        const std::string target = stage.toStdString();
        o.faultHook = [&calls, target](std::string_view s) {
            if (s == target && ++calls == 2)
                throw std::runtime_error("disk on fire (injected)");
        };
        MDSYNC_REQUIRE_OK(s, t.ingest({ a, b, c }, o));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->received, 3);
        QCOMPARE(s->accepted, 2);
        QCOMPARE(s->revisions, 2);
        QCOMPARE(s->rejected, 1);
        QCOMPARE(s->exceptions, 1);
        QCOMPARE(s->exceptionsByCategory.at("internal"), 1);
        QCOMPARE(s->deliveries, 10); // 5 each for FG-A and FG-C, none for event 2

        // Events 1 and 3 are stored.
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("FG-A")), 1);
        QCOMPARE(revisionNo(t.db(), QStringLiteral("item"), QStringLiteral("FG-C")), 1);
        QCOMPARE(count(t.db(), QStringLiteral("revision")), 2);
        QCOMPARE(count(t.db(), QStringLiteral("delivery")), 10);
        QCOMPARE(count(t.db(), QStringLiteral("object_target")), 10);
        QCOMPARE(scalar(t.db(), QStringLiteral("SELECT sum(n) FROM delivery_counter")).toLongLong(), 10);
        QCOMPARE(count(t.db(), QStringLiteral("inbound_event")), 2);

        // Nothing of event 2 but the exception and its 'rejected' lineage entry.
        const QString bEventId = qs(json::parse(b)["event_id"].get<std::string>());
        QCOMPARE(count(t.db(), QStringLiteral("revision"), QStringLiteral("event_id = '%1'").arg(bEventId)), 0);
        QCOMPARE(count(t.db(), QStringLiteral("inbound_event"), QStringLiteral("event_id = '%1'").arg(bEventId)), 0);
        if (!update) {
            QCOMPARE(count(t.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-B'")), 0);
            QCOMPARE(count(t.db(), QStringLiteral("match_text")), 2);
        } else {
            QVERIFY(!stateOf(t.db(), QStringLiteral("item"), QStringLiteral("FG-A")).contains("standard_price"));
        }
        const QStringList kinds = column(
            t.db(), QStringLiteral("SELECT kind FROM lineage_event WHERE object_key = '%1' ORDER BY id").arg(bKey));
        QCOMPARE(kinds.count(QStringLiteral("rejected")), 1);
        QCOMPARE(kinds.last(), QStringLiteral("rejected"));
        QCOMPARE(kinds.count(QStringLiteral("created")), update ? 1 : 0);
        QVERIFY2(!kinds.contains(QStringLiteral("merged")), qPrintable(kinds.join(QLatin1Char(','))));

        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].category, QStringLiteral("internal"));
        QCOMPARE(ex[0].severity, QStringLiteral("critical"));
        QCOMPARE(ex[0].raw, bytes(b));
        QCOMPARE(ex[0].lineNo, 2);
        QVERIFY2(
            ex[0].message.startsWith(QStringLiteral("test.jsonl:2: could not be stored")), qPrintable(ex[0].message));
        QVERIFY2(ex[0].message.contains(QStringLiteral("disk on fire (injected)")), qPrintable(ex[0].message));
        QVERIFY(ex[0].revisionId.isNull());
        QCOMPARE(
            scalar(t.db(), QStringLiteral("SELECT n FROM exception_counter WHERE category = 'internal'")).toLongLong(),
            1);
    }

    void faultOnCreateLeavesNoDanglingObjectId()
    {
        // The exception (and 'rejected' lineage) of a create that failed must not point at the object id the
        // rolled-back create had taken: the next run hands that id to another object.
        MDSYNC_TEMP_WS(t);
        IngestOptions o;
        o.faultHook = [](std::string_view s) {
            if (s == "outbox")
                throw std::runtime_error("injected");
        };
        MDSYNC_REQUIRE_OK(s1, t.ingest({ test::event("PLM", "item", "FG-X", releasedItem("Pump X", { "P100" })) }, o));
        QCOMPARE(s1->rejected, 1);
        MDSYNC_REQUIRE_OK(s2, t.ingest({ test::event("PLM", "item", "FG-Y", releasedItem("Pump Y", { "P100" })) }));
        QCOMPARE(s2->revisions, 1);
        const QString dangling = QStringLiteral(
            "object_id IS NOT NULL AND object_id NOT IN (SELECT id FROM object WHERE key = object_key)");
        QCOMPARE(count(t.db(), QStringLiteral("exception"), dangling), 0);
        QCOMPARE(count(t.db(), QStringLiteral("lineage_event"), dangling), 0);
    }

    // ---- batching ---------------------------------------------------------------------------------

    void batchSizeDoesNotChangeResults()
    {
        std::vector<std::string> lines = demoLines();
        lines.push_back("{\"broken\": ");
        // Later than the demo's events (an older one would be stale).
        lines.push_back(test::event("PLM", "item", "FG-1000", { { "lifecycle_status", "blocked" } }, "PLM-b-1",
            "upsert", "2026-11-27T16:00:00Z"));
        lines.push_back(test::event("PLM", "item", "FG-1000", { { "lifecycle_status", "blocked" } }, "PLM-b-2",
            "upsert", "2026-11-27T16:01:00Z"));
        lines.push_back(test::event("ERP", "item", "FG-1000", { { "standard_price", 1300 } }, "PLM-b-1"));
        lines.push_back(lines[3]); // a repeated event
        const QStringList queries = {
            QStringLiteral("SELECT id, domain, key, revision_no, current_revision_id, content_hash, lifecycle, "
                           "description, deleted FROM object ORDER BY id"),
            QStringLiteral("SELECT id, object_id, revision_no, op, source_system, event_id, state, changed, "
                           "content_hash FROM revision ORDER BY id"),
            // Not idempotency_key: it includes the workspace's random instance id.
            QStringLiteral("SELECT id, revision_id, object_id, revision_no, target_id, subscription_id, status, "
                           "due_at FROM delivery ORDER BY id"),
            QStringLiteral("SELECT * FROM object_target ORDER BY object_id, target_id"),
            QStringLiteral("SELECT * FROM delivery_counter ORDER BY 1, 2, 3"),
            QStringLiteral("SELECT * FROM exception_counter ORDER BY 1, 2, 3"),
            QStringLiteral("SELECT id, category, severity, message, details, raw, line_no, domain, object_key, "
                           "object_id, revision_id FROM exception ORDER BY id"),
            QStringLiteral("SELECT id, domain, object_key, object_id, revision_id, kind, system_id, detail FROM "
                           "lineage_event ORDER BY id"),
            QStringLiteral(
                "SELECT source, event_id, payload_hash, outcome, revision_id FROM inbound_event ORDER BY 1, 2"),
            QStringLiteral("SELECT * FROM match_text ORDER BY object_id"),
        };
        std::vector<QStringList> results[2];
        json summaries[2];
        const int sizes[2] = { 1, 256 };
        for (int i = 0; i < 2; ++i) {
            MDSYNC_TEMP_WS(t);
            IngestOptions o;
            o.batchSize = sizes[i];
            o.batchMillis = 60 * 60 * 1000;
            MDSYNC_REQUIRE_OK(s, t.ingest(lines, o));
            MDSYNC_CHECK_SUMMARY(s.value());
            summaries[i] = s->toJson();
            for (const QString& sql : queries)
                results[i].push_back(rows(t.db(), sql));
        }
        QCOMPARE(dumped(summaries[0]), dumped(summaries[1]));
        QVERIFY(summaries[0]["revisions"].get<int>() > 20);
        QCOMPARE(summaries[0]["duplicates"].get<int>(), 1);
        QCOMPARE(summaries[0]["unchanged"].get<int>(), 1);
        for (size_t q = 0; q < results[0].size(); ++q) {
            QVERIFY2(!results[0][q].isEmpty(), qPrintable(queries[int(q)]));
            QCOMPARE(results[0][q], results[1][q]);
        }
    }

    void lineNumbersAndLineEndsFromDevice()
    {
        MDSYNC_TEMP_WS(t);
        const std::string a = test::event("PLM", "item", "LN-1", json::parse(kValidItem));
        const std::string bad = R"({"bad": true})";
        // CRLF line ends, blank lines and no newline after the last line.
        QByteArray input = bytes(a) + "\r\n\r\n  \r\n" + bytes(bad);
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        IngestOptions o;
        o.sourceName = QStringLiteral("inbox/plm.jsonl");
        MDSYNC_REQUIRE_OK(s, t.pipeline().ingest(buffer, o));
        MDSYNC_CHECK_SUMMARY(s.value());
        QCOMPARE(s->received, 2);
        QCOMPARE(s->accepted, 1);
        const auto ex = exceptionsWhere(t.db());
        QCOMPARE(ex.size(), size_t(1));
        QCOMPARE(ex[0].lineNo, 4);
        QCOMPARE(ex[0].raw, bytes(bad));
        QVERIFY2(ex[0].message.startsWith(QStringLiteral("inbox/plm.jsonl:4: ")), qPrintable(ex[0].message));
        // Against Qt's SHA-256: an implementation independent of the pipeline's (util/fastsha256).
        QCOMPARE(qs(s->inputSha256),
            QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex()));
        // The run's summary is stored and audited.
        const json stored
            = json::parse(scalar(t.db(), QStringLiteral("SELECT summary FROM ingest_run WHERE id = %1").arg(s->runId))
                              .toString()
                              .toStdString());
        QCOMPARE(stored["received"].get<int>(), 2);
        QCOMPARE(qs(stored["source"].get<std::string>()), QStringLiteral("inbox/plm.jsonl"));
    }
};

QTEST_GUILESS_MAIN(TestIngest)
#include "tst_ingest.moc"
