// The Tryton connector without a server: classification of recorded Tryton 6.0 answers, configuration errors,
// and the "tryton-1" contracts (the single description of the mapping) on sample objects.

#include "connectors/connectorfactory.h"
#include "connectors/tryton/trytonconnector.h"
#include "connectors/tryton/trytonschema.h"
#include "contract/contract.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"

#include <QTest>

using namespace mdsync;
using json = nlohmann::json;
using Kind = DeliveryOutcome::Kind;

// JSON values compared through their text (QCOMPARE has no overload for nlohmann::json).
#define TRYTON_JSON_COMPARE(actual, expected)                                                                          \
    QCOMPARE(QString::fromStdString((actual).dump()), QString::fromStdString(json(expected).dump()))

class TstTrytonConnector : public QObject
{
    Q_OBJECT

private:
    static TrytonAnswer answer(int status, const char* body) { return TrytonConnector::classifyAnswer(status, body); }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("MDSYNC_TEST_TRYTON_USER", "admin");
        qputenv("MDSYNC_TEST_TRYTON_PASSWORD", "secret");
    }

    void resultIsOk()
    {
        const TrytonAnswer a = answer(200, "{\"id\": 3, \"result\": [12, 13]}");
        QVERIFY(a.ok);
        TRYTON_JSON_COMPARE(a.result, json::array({ 12, 13 }));
        QVERIFY(answer(200, "{\"id\": 3, \"result\": null}").ok);
    }

    void userErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("errorClass");
        // Recorded from Tryton 6.0 (Debian 12) with context language "en".
        QTest::newRow("required") << QByteArray("{\"id\":3,\"error\":[\"UserError\",[\"A value is required for field "
                                                "\\\"Name\\\" in \\\"Product Template\\\".\",\"\",null]]}")
                                  << "required";
        QTest::newRow("selection") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"The value \\\"bogus\\\" for field \\\"Type\\\" in \\\"Product "
            "Template\\\" is not one of the allowed options.\",\"\",null]]}")
                                   << "selection";
        QTest::newRow("size") << QByteArray("{\"id\":3,\"error\":[\"UserError\",[\"The value for field \\\"Code\\\" in "
                                            "\\\"Party\\\" is too long (40 > 30).\",\"\",null]]}")
                              << "size";
        QTest::newRow("digits") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"The number of digits in the value \\\"Decimal('1.123456')\\\" for "
            "field \\\"List Price\\\" in \\\"Product List Price\\\" exceeds the limit of \\\"4\\\".\",\"\",null]]}")
                                << "digits";
        QTest::newRow("domain") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"The value for field \\\"Uom\\\" in \\\"Bill of Material Input\\\" "
            "is not valid according to its domain.\",\"\",[[[\"category\",\"=\",1]],{}]]]}")
                                << "domain";
        QTest::newRow("unique") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"Code of active product must be unique.\",\"\",null]]}")
                                << "unique";
        QTest::newRow("unique party") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"The code on party must be unique.\",\"\",null]]}")
                                      << "unique";
        QTest::newRow("not found") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"You are trying to write to records \\\"999\\\" of \\\"Product "
            "Template\\\" that don't exist anymore.\",\"\",null]]}")
                                   << "not-found";
        QTest::newRow("in use") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"The records could not be deleted because they are used by field "
            "\\\"Default UOM\\\" of \\\"Product Template\\\".\",\"\",null]]}")
                                << "in-use";
        QTest::newRow("recursion") << QByteArray(
            "{\"id\":3,\"error\":[\"UserError\",[\"Recursion error: Record \\\"Input Zone\\\" with parent \\\"Input "
            "Zone\\\" was configured as ancestor of itself.\",\"\",null]]}")
                                   << "recursion";
        QTest::newRow("access denied") << QByteArray("{\"id\":3,\"error\":[\"UserError\",[\"You are not allowed to "
                                                     "access \\\"Product Template\\\".\",\"\",null]]}")
                                       << "access-denied";
        QTest::newRow("other") << QByteArray("{\"id\":3,\"error\":[\"UserError\",[\"For logging purposes users cannot "
                                             "be deleted, instead they should be deactivated.\",\"\",null]]}")
                               << "user-error";
    }

    void userErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, errorClass);
        const TrytonAnswer a = TrytonConnector::classifyAnswer(200, body);
        QVERIFY(!a.ok);
        QVERIFY(a.dataError());
        QCOMPARE(a.failure.kind, Kind::Rejected);
        QCOMPARE(QString::fromStdString(a.errorClass), errorClass);
        // Tryton's message is kept verbatim, after the class.
        const json doc = json::parse(body.toStdString());
        const std::string verbatim = doc["error"][1][0].get<std::string>();
        QVERIFY2(a.failure.message.find(verbatim) != std::string::npos, a.failure.message.c_str());
        QVERIFY(a.failure.message.find("(" + errorClass.toStdString() + ")") != std::string::npos);
        QCOMPARE(a.failure.response.value("error_class", std::string()), errorClass.toStdString());
        QCOMPARE(a.failure.response.value("message", std::string()), verbatim);
        // Labelled as what it is: a Tryton refusal with its JSON-RPC error name, not an HTTP status (the
        // dispatcher prints "HTTP <n>" for a non-zero httpStatus).
        QCOMPARE(a.failure.httpStatus, 0);
        QVERIFY2(a.failure.message.rfind("Tryton refused it, JSON-RPC error UserError (", 0) == 0,
            a.failure.message.c_str());
        QVERIFY2(a.failure.message.find("HTTP") == std::string::npos, a.failure.message.c_str());
    }

    void concurrencyIsRetryable()
    {
        const TrytonAnswer a
            = answer(200, "{\"id\":3,\"error\":[\"ConcurrencyException\",\"Records were modified in the meanwhile\"]}");
        QVERIFY(!a.ok);
        QCOMPARE(a.failure.kind, Kind::Retryable);
        QCOMPARE(a.errorClass, std::string("concurrency"));
        QVERIFY(!a.dataError()); // not bisected: the whole call is tried again later
        QVERIFY(a.failure.message.find("Records were modified in the meanwhile") != std::string::npos);
    }

    void serverExceptionIsRejected()
    {
        // An unknown field: Tryton answers [message, ""].
        const TrytonAnswer a = answer(200, "{\"id\":3,\"error\":[\"'nofield'\",\"\"]}");
        QVERIFY(!a.ok);
        QCOMPARE(a.failure.kind, Kind::Rejected);
        QCOMPARE(a.errorClass, std::string("server-error"));
        QVERIFY(a.failure.message.find("'nofield'") != std::string::npos);
        QCOMPARE(a.failure.httpStatus, 0);
        QVERIFY(a.dataError());
    }

    void http_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("errorClass");
        QTest::newRow("401") << 401 << int(Kind::Unauthorized) << "session";
        QTest::newRow("403") << 403 << int(Kind::Unauthorized) << "forbidden";
        QTest::newRow("429") << 429 << int(Kind::RateLimited) << "too-many-requests";
        QTest::newRow("500") << 500 << int(Kind::Retryable) << "server-error";
        QTest::newRow("503") << 503 << int(Kind::Retryable) << "server-error";
        QTest::newRow("400") << 400 << int(Kind::Rejected) << "http-400";
    }

    void http()
    {
        QFETCH(int, status);
        QFETCH(int, kind);
        QFETCH(QString, errorClass);
        const QByteArray page = "<!doctype html>\n<html lang=en>\n<title>" + QByteArray::number(status)
            + " X</title>\n<h1>X</h1>\n<p>The server said no.</p>\n";
        const TrytonAnswer a = TrytonConnector::classifyAnswer(status, page);
        QVERIFY(!a.ok);
        QCOMPARE(int(a.failure.kind), kind);
        QCOMPARE(QString::fromStdString(a.errorClass), errorClass);
        QCOMPARE(a.failure.httpStatus, status);
        QVERIFY2(a.failure.message.find("The server said no.") != std::string::npos, a.failure.message.c_str());
        QVERIFY(!a.dataError());
    }

    void transport()
    {
        const TrytonAnswer a = TrytonConnector::classifyAnswer(0, {}, "Connection refused");
        QCOMPARE(a.failure.kind, Kind::Retryable);
        QCOMPARE(a.errorClass, std::string("transport"));
        const TrytonAnswer t = TrytonConnector::classifyAnswer(0, {}, {}, true);
        QCOMPARE(t.errorClass, std::string("timeout"));
    }

    void configuration()
    {
        const json good = { { "kind", "tryton" }, { "base_url", "http://127.0.0.1:8000" }, { "database", "mdsync" },
            { "user_env", "MDSYNC_TEST_TRYTON_USER" }, { "password_env", "MDSYNC_TEST_TRYTON_PASSWORD" },
            { "company", 1 }, { "batch_size", 50 } };
        auto c = createConnector("ERP", good);
        QVERIFY2(c.ok(), c.ok() ? "" : qPrintable(c.error()));
        QVERIFY(c.value()->supportsBatch("item"));
        QVERIFY(c.value()->supportsReadBack("bom"));
        QVERIFY(!c.value()->supportsBatch("asset"));

        auto bad = [&](const char* field, const json& value, const char* expected) {
            json cfg = good;
            if (value.is_null())
                cfg.erase(field);
            else
                cfg[field] = value;
            auto r = TrytonConnector::create("ERP", cfg);
            QVERIFY2(!r.ok(), field);
            QVERIFY2(r.error().contains(QLatin1String(expected)), qPrintable(r.error()));
        };
        bad("base_url", "ftp://x", "connector.base_url");
        bad("database", nullptr, "connector.database");
        bad("password_env", "MDSYNC_TEST_TRYTON_NOT_SET", "MDSYNC_TEST_TRYTON_NOT_SET");
        bad("company", 0, "connector.company");
        bad("batch_size", "many", "connector.batch_size");
    }

    // The contract is the single description of the mapping: sample objects through "tryton-1".
    void contracts()
    {
        auto model = CanonicalModel::builtin();
        QVERIFY2(model.ok(), model.ok() ? "" : qPrintable(model.error()));
        auto landscape = Landscape::builtin(model.value());
        QVERIFY(landscape.ok());
        auto set = ContractSet::builtin(model.value(), landscape.value());
        QVERIFY2(set.ok(), set.ok() ? "" : qPrintable(set.error()));
        for (const auto& r : set->runTests(model->units()))
            QVERIFY2(r.passed, qPrintable(QString::fromStdString(r.contract + " " + r.name)));

        const Contract* bom = set->find("bom", "ERP", "tryton-1");
        QVERIFY(bom);
        const json state = { { "parent_item", "FG-7000" }, { "plant", "P100" }, { "base_quantity", 1 },
            { "base_uom", "EA" }, { "lifecycle_status", "released" },
            { "components",
                { { { "position", 10 }, { "component", "SA-7300" }, { "quantity", 1 }, { "uom", "EA" } },
                    { { "position", 30 }, { "component", "RM-7100" }, { "quantity", 0.4 }, { "uom", "kg" } } } } };
        auto mapped = bom->map("FG-7000/P100/1", state, model->units());
        QVERIFY2(mapped.ok(), mapped.ok() ? "" : qPrintable(mapped.error()));
        const json& p = mapped->payload;
        TRYTON_JSON_COMPARE(p["name"], json("FG-7000/P100/1"));
        TRYTON_JSON_COMPARE(p["output_product"], json("FG-7000"));
        TRYTON_JSON_COMPARE(p["output_uom"], json("u"));
        QCOMPARE(p["inputs"].size(), size_t(2));
        TRYTON_JSON_COMPARE(p["inputs"][1]["product"], json("RM-7100"));
        TRYTON_JSON_COMPARE(p["inputs"][1]["uom"], json("kg"));
        QCOMPARE(p["inputs"][1]["quantity"].get<double>(), 0.4);
        TRYTON_JSON_COMPARE(p["active"], json(true));

        // Every target field of the Tryton contracts is one the connector knows how to store and read back.
        for (const Contract& c : set->contracts()) {
            if (c.version != "tryton-1")
                continue;
            const auto* schema = tryton::schemaFor(c.domain);
            QVERIFY2(schema, c.domain.c_str());
            for (const FieldMapping& f : c.fields)
                QVERIFY2(schema->field(f.to) || f.to == schema->keyField, (c.domain + "." + f.to).c_str());
        }

        // A unit Tryton does not know blocks the mapping (no guessing).
        const Contract* item = set->find("item", "ERP", "tryton-1");
        QVERIFY(item);
        auto pair = item->map(
            "X-1", { { "description", "Gloves" }, { "item_type", "HIBE" }, { "base_uom", "PR" } }, model->units());
        QVERIFY(!pair.ok());
        QVERIFY2(pair.error().contains(QLatin1String("default_uom")), qPrintable(pair.error()));
    }
};

QTEST_GUILESS_MAIN(TstTrytonConnector)
#include "tst_trytonconnector.moc"
