// InboundServer: the webhook endpoints on a real QHttpServer (127.0.0.1, any port) in front of a real workspace,
// talked to with QNetworkAccessManager. Checks answers (status, JSON bodies, per-line verdicts) and what the
// workspace holds afterwards: bad events are exceptions with their raw text, /validate stores nothing.

#include "sync/inboundserver.h"
#include "workspacefixture.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

const QByteArray kToken = QByteArrayLiteral("s3cret-token-for-tests");

struct Reply
{
    int status = 0; // 0: no answer
    QByteArray body;
    json doc; // body parsed as JSON (discarded when it is not)
    QList<QNetworkReply::RawHeaderPair> headers;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& [k, v] : headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }
    QString describe() const { return QStringLiteral("HTTP %1: %2").arg(status).arg(QString::fromUtf8(body)); }
};

// Everything an ingest (or a validation that wrongly stores) can write.
struct Counts
{
    qint64 object, revision, delivery, exception, lineage, inbound, matchText, ingestRun, audit, counters;
    bool operator==(const Counts&) const = default;
};

Counts counts(QSqlDatabase db)
{
    return { count(db, QStringLiteral("object")), count(db, QStringLiteral("revision")),
        count(db, QStringLiteral("delivery")), count(db, QStringLiteral("exception")),
        count(db, QStringLiteral("lineage_event")), count(db, QStringLiteral("inbound_event")),
        count(db, QStringLiteral("match_text")), count(db, QStringLiteral("ingest_run")),
        count(db, QStringLiteral("audit_log")),
        scalar(db,
            QStringLiteral("SELECT (SELECT coalesce(sum(n), 0) FROM delivery_counter)"
                           " + (SELECT coalesce(sum(n), 0) FROM exception_counter)"))
            .toLongLong() };
}

QString describe(const Counts& c)
{
    return QStringLiteral("object %1 revision %2 delivery %3 exception %4 lineage %5 inbound %6 match_text %7"
                          " ingest_run %8 audit %9 counters %10")
        .arg(c.object)
        .arg(c.revision)
        .arg(c.delivery)
        .arg(c.exception)
        .arg(c.lineage)
        .arg(c.inbound)
        .arg(c.matchText)
        .arg(c.ingestRun)
        .arg(c.audit)
        .arg(c.counters);
}

QByteArray bytes(const std::string& s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

QByteArray jsonl(const std::vector<std::string>& lines)
{
    QByteArray out;
    for (const std::string& l : lines)
        out += bytes(l) + '\n';
    return out;
}

// A workspace, a server on it and a client.
class Harness
{
public:
    explicit Harness(InboundOptions options = {})
    {
        if (!ws.ok())
            return;
        if (options.token.isNull())
            options.token = kToken;
        const TimeMs now = at(kNow);
        options.clock = [now] { return now; };
        server = std::make_unique<InboundServer>(ws.pipeline(), std::move(options));
    }

    Result<quint16> start()
    {
        auto r = server->start();
        if (r)
            port = r.value();
        return r;
    }

    Reply send(const QByteArray& verb, const QString& path, const QByteArray& body = {},
        const QByteArray& auth = "Bearer " + kToken, const QByteArray& contentType = "application/json")
    {
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
        if (!auth.isEmpty())
            req.setRawHeader("Authorization", auth);
        if (!contentType.isEmpty())
            req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        req.setTransferTimeout(10000);
        QNetworkReply* r = nam.sendCustomRequest(req, verb, body);
        QSignalSpy finished(r, &QNetworkReply::finished);
        if (!r->isFinished())
            finished.wait(10000);
        Reply out;
        out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = r->readAll();
        out.headers = r->rawHeaderPairs();
        out.doc = json::parse(out.body.constData(), out.body.constData() + out.body.size(), nullptr, false);
        r->deleteLater();
        return out;
    }
    Reply post(const QString& path, const QByteArray& body) { return send("POST", path, body); }

    TempWorkspace ws;
    std::unique_ptr<InboundServer> server;
    QNetworkAccessManager nam;
    quint16 port = 0;
};

#define MDSYNC_HARNESS(h, ...)                                                                                         \
    Harness h { __VA_ARGS__ };                                                                                         \
    QVERIFY2(h.ws.ok(), qPrintable(h.ws.error()));                                                                     \
    {                                                                                                                  \
        auto started = h.start();                                                                                      \
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error()));                                       \
    }

#define MDSYNC_EXPECT_STATUS(reply, code) QVERIFY2((reply).status == (code), qPrintable((reply).describe()))

QString errorOf(const Reply& r)
{
    return r.doc.is_object() && r.doc.contains("error") && r.doc["error"].is_string()
        ? QString::fromStdString(r.doc["error"].get<std::string>())
        : QStringLiteral("<no error field>");
}

std::string str(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

qint64 num(const json& j, const char* key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<qint64>() : -1;
}

} // namespace

class TestInboundServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesToStartWithoutToken()
    {
        TempWorkspace ws;
        QVERIFY2(ws.ok(), qPrintable(ws.error()));
        InboundServer server(ws.pipeline(), InboundOptions {});
        auto r = server.start();
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("no bearer token")), qPrintable(r.error()));
        QVERIFY2(r.error().contains(QStringLiteral("127.0.0.1")), qPrintable(r.error()));
        QVERIFY(!server.isListening());
    }

    void bindsToLoopbackOnAFreePort()
    {
        MDSYNC_HARNESS(h);
        QVERIFY(h.port != 0);
        QCOMPARE(h.server->port(), h.port);
        QVERIFY(h.server->isListening());
        auto again = h.server->start();
        QVERIFY(!again);
        QVERIFY2(again.error().contains(QStringLiteral("already listening")), qPrintable(again.error()));
        // A second server on the same port is refused with the reason.
        InboundOptions o;
        o.token = kToken;
        o.port = h.port;
        InboundServer other(h.ws.pipeline(), o);
        auto clash = other.start();
        QVERIFY(!clash);
        QVERIFY2(clash.error().contains(QStringLiteral("cannot listen")), qPrintable(clash.error()));
    }

    void health()
    {
        MDSYNC_HARNESS(h);
        const Reply r = h.send("GET", QStringLiteral("/health"), {}, {}, {});
        MDSYNC_EXPECT_STATUS(r, 200);
        QCOMPARE(dumped(r.doc), QStringLiteral(R"({"status":"ok"})"));
        QVERIFY(r.header("Content-Type").startsWith("application/json"));
        const Reply missing = h.send("GET", QStringLiteral("/nowhere"), {}, {}, {});
        MDSYNC_EXPECT_STATUS(missing, 404);
        QVERIFY2(errorOf(missing).contains(QStringLiteral("/nowhere")), qPrintable(missing.describe()));
        const Reply wrongMethod = h.send("GET", QStringLiteral("/events"));
        MDSYNC_EXPECT_STATUS(wrongMethod, 405);
        QCOMPARE(wrongMethod.header("Allow"), QByteArray("POST"));
    }

    void unauthorizedStoresNothing_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("auth");
        QTest::addColumn<QString>("expected");
        for (const QString& path : { QStringLiteral("/events"), QStringLiteral("/validate") }) {
            QTest::addRow("%s no header", qPrintable(path)) << path << QByteArray() << QStringLiteral("missing header");
            QTest::addRow("%s wrong token", qPrintable(path))
                << path << QByteArray("Bearer not-the-token") << QStringLiteral("wrong bearer token");
            QTest::addRow("%s token prefix", qPrintable(path))
                << path << QByteArray("Bearer " + kToken.left(5)) << QStringLiteral("wrong bearer token");
            QTest::addRow("%s basic scheme", qPrintable(path))
                << path << QByteArray("Basic " + kToken.toBase64()) << QStringLiteral("Bearer scheme");
        }
    }

    void unauthorizedStoresNothing()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, auth);
        QFETCH(QString, expected);
        MDSYNC_HARNESS(h);
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const Counts before = counts(h.ws.db());
        const Reply r = h.send("POST", path,
            bytes(test::event("PLM", "item", "FG-401", releasedItem("Pump CP-80", { "P100" }))) + '\n', auth);
        MDSYNC_EXPECT_STATUS(r, 401);
        QVERIFY2(errorOf(r).contains(expected), qPrintable(r.describe()));
        QVERIFY2(errorOf(r).contains(path), qPrintable(r.describe()));
        QVERIFY(r.header("WWW-Authenticate").startsWith("Bearer"));
        const Counts after = counts(h.ws.db());
        QVERIFY2(after == before, qPrintable(describe(before) + QStringLiteral(" -> ") + describe(after)));
        QCOMPARE(ingested.count(), 0);
    }

    void singleEnvelope()
    {
        MDSYNC_HARNESS(h);
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const std::string e = test::event("PLM", "item", "FG-410", releasedItem("Pump CP-80", { "P100" }), "plm-410");
        const Reply r = h.post(QStringLiteral("/events"), bytes(e)); // no trailing newline: a plain JSON object
        MDSYNC_EXPECT_STATUS(r, 200);
        QCOMPARE(num(r.doc, "received"), 1);
        QCOMPARE(num(r.doc, "revisions"), 1);
        QVERIFY(num(r.doc, "run_id") > 0);
        QVERIFY(num(r.doc, "deliveries") > 0);
        QCOMPARE(r.doc["lines"].size(), size_t(1));
        const json& v = r.doc["lines"][0];
        QCOMPARE(qs(str(v, "outcome")), QStringLiteral("accepted"));
        QCOMPARE(num(v, "line"), 1);
        QCOMPARE(num(v, "revision_no"), 1);
        QCOMPARE(qs(str(v, "event_id")), QStringLiteral("plm-410"));
        QCOMPARE(qs(str(v, "key")), QStringLiteral("FG-410"));
        QCOMPARE(count(h.ws.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-410' AND revision_no = 1")), 1);
        QCOMPARE(scalar(h.ws.db(),
                     QStringLiteral("SELECT source_name FROM ingest_run WHERE id = %1").arg(num(r.doc, "run_id")))
                     .toString(),
            QStringLiteral("webhook"));
        QCOMPARE(
            scalar(h.ws.db(), QStringLiteral("SELECT actor FROM ingest_run WHERE id = %1").arg(num(r.doc, "run_id")))
                .toString(),
            QStringLiteral("webhook"));
        QCOMPARE(ingested.count(), 1);
        const auto summary = ingested.at(0).at(0).value<IngestSummary>();
        QCOMPARE(summary.revisions, 1);
        QCOMPARE(summary.runId, num(r.doc, "run_id"));

        // The same event again: a duplicate, no new revision.
        const Reply again
            = h.send("POST", QStringLiteral("/events"), bytes(e), "Bearer " + kToken, "application/x-ndjson");
        MDSYNC_EXPECT_STATUS(again, 200);
        QCOMPARE(num(again.doc, "duplicates"), 1);
        QCOMPARE(qs(str(again.doc["lines"][0], "outcome")), QStringLiteral("duplicate"));
        QCOMPARE(count(h.ws.db(), QStringLiteral("revision")), 1);
    }

    void prettyPrintedEnvelopeIsOneEvent()
    {
        MDSYNC_HARNESS(h);
        const json e = json::parse(test::event("PLM", "item", "FG-411", releasedItem("Pump CP-81", { "P100" })));
        const Reply r = h.post(QStringLiteral("/events"), bytes(e.dump(2)));
        MDSYNC_EXPECT_STATUS(r, 200);
        QCOMPARE(num(r.doc, "received"), 1);
        QCOMPARE(num(r.doc, "revisions"), 1);
    }

    void batchWithBadLine()
    {
        MDSYNC_HARNESS(h);
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const std::string bad = R"({"event_id":"plm-bad","source":"PLM","domain":"item",)"; // cut off
        const std::vector<std::string> lines = {
            test::event("PLM", "item", "FG-420", releasedItem("Pump CP-90", { "P100" })),
            bad,
            "",
            test::event("PLM", "item", "FG-421", releasedItem("Valve DN50", { "P100" })),
        };
        const Reply r
            = h.send("POST", QStringLiteral("/events"), jsonl(lines), "Bearer " + kToken, "application/x-ndjson");
        MDSYNC_EXPECT_STATUS(r, 200);
        QCOMPARE(num(r.doc, "received"), 3);
        QCOMPARE(num(r.doc, "accepted"), 2);
        QCOMPARE(num(r.doc, "rejected"), 1);
        QCOMPARE(r.doc["lines"].size(), size_t(3));
        QCOMPARE(qs(str(r.doc["lines"][0], "outcome")), QStringLiteral("accepted"));
        QCOMPARE(qs(str(r.doc["lines"][2], "outcome")), QStringLiteral("accepted"));
        QCOMPARE(num(r.doc["lines"][2], "line"), 4); // the body's own line numbers, blank lines counted
        const json& v = r.doc["lines"][1];
        QCOMPARE(qs(str(v, "outcome")), QStringLiteral("rejected"));
        QCOMPARE(qs(str(v, "category")), QStringLiteral("malformed"));
        QVERIFY2(qs(str(v, "message")).startsWith(QStringLiteral("webhook:2: not JSON")), qPrintable(dumped(v)));
        const qint64 exId = num(v, "exception_id");
        QVERIFY(exId > 0);
        QSqlQuery q(h.ws.db());
        QVERIFY(q.exec(
            QStringLiteral("SELECT raw, source_name, line_no, category FROM exception WHERE id = %1").arg(exId)));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toByteArray(), bytes(bad));
        QCOMPARE(q.value(1).toString(), QStringLiteral("webhook"));
        QCOMPARE(q.value(2).toLongLong(), 2);
        QCOMPARE(q.value(3).toString(), QStringLiteral("malformed"));
        QCOMPARE(count(h.ws.db(), QStringLiteral("object")), 2);
        QCOMPARE(ingested.count(), 1);
    }

    void oversizeBody()
    {
        InboundOptions o;
        o.maxBodyBytes = 1000;
        MDSYNC_HARNESS(h, o);
        const Counts before = counts(h.ws.db());
        std::vector<std::string> lines;
        for (int i = 0; i < 10; ++i)
            lines.push_back(test::event("PLM", "item", "FG-43" + std::to_string(i), releasedItem("Pump", { "P100" })));
        const QByteArray body = jsonl(lines);
        QVERIFY(body.size() > 1000);
        const Reply r = h.post(QStringLiteral("/events"), body);
        MDSYNC_EXPECT_STATUS(r, 413);
        QVERIFY2(errorOf(r).contains(QStringLiteral("%1 bytes, more than the limit of 1000 bytes").arg(body.size())),
            qPrintable(r.describe()));
        QVERIFY(counts(h.ws.db()) == before);
        // Exactly at the limit is fine.
        const std::string one = test::event("PLM", "item", "FG-439", releasedItem("Pump", { "P100" }));
        QVERIFY(one.size() <= 1000);
        MDSYNC_EXPECT_STATUS(h.post(QStringLiteral("/events"), bytes(one)), 200);
    }

    void emptyOrArrayBody_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("body is empty");
        QTest::newRow("blank lines") << QByteArray(" \r\n\n\t\n") << QStringLiteral("body is empty");
        QTest::newRow("json array") << QByteArray(R"([{"event_id":"x"}])") << QStringLiteral("JSON array");
    }

    void emptyOrArrayBody()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, expected);
        MDSYNC_HARNESS(h);
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const Counts before = counts(h.ws.db());
        const Reply r = h.post(QStringLiteral("/events"), body);
        MDSYNC_EXPECT_STATUS(r, 400);
        QVERIFY2(errorOf(r).contains(expected), qPrintable(r.describe()));
        QVERIFY2(errorOf(r).startsWith(QStringLiteral("POST /events: ")), qPrintable(r.describe()));
        QVERIFY(counts(h.ws.db()) == before);
        QCOMPARE(ingested.count(), 0);
    }

    void unsupportedContentType()
    {
        MDSYNC_HARNESS(h);
        const Reply r = h.send("POST", QStringLiteral("/events"), "source,event_id\n", "Bearer " + kToken, "text/csv");
        MDSYNC_EXPECT_STATUS(r, 415);
        QVERIFY2(errorOf(r).contains(QStringLiteral("text/csv")), qPrintable(r.describe()));
    }

    void validateStoresNothing()
    {
        MDSYNC_HARNESS(h);
        // Something real first, so the workspace is not empty and the duplicate index is loaded.
        MDSYNC_EXPECT_STATUS(h.post(QStringLiteral("/events"),
                                 bytes(test::event("PLM", "item", "FG-440", releasedItem("Gearbox G-7", { "P100" })))),
            200);
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const Counts before = counts(h.ws.db());
        json missing = releasedItem("Motor M-3", { "P100" });
        missing.erase("net_weight");
        const std::vector<std::string> lines = {
            // 1: a good create
            test::event("PLM", "item", "FG-441", releasedItem("Pump CP-100", { "P100" }), "plm-441"),
            // 2: WMS updates it, including net_weight that PLM owns
            test::event("WMS-P100", "item", "FG-441",
                { { "storage_conditions", "dry" }, { "net_weight", { { "value", 99 }, { "unit", "kg" } } } }),
            // 3: released without a mandatory attribute
            test::event("PLM", "item", "FG-442", missing),
        };
        const Reply r = h.post(QStringLiteral("/validate"), jsonl(lines));
        MDSYNC_EXPECT_STATUS(r, 200);
        QCOMPARE(r.doc.value("dry_run", false), true);
        QVERIFY(!r.doc.contains("run_id"));
        QCOMPARE(num(r.doc, "received"), 3);
        QCOMPARE(num(r.doc, "accepted"), 2);
        QCOMPARE(num(r.doc, "rejected"), 1);
        QCOMPARE(num(r.doc, "policy_violations"), 1);
        const json& good = r.doc["lines"][0];
        QCOMPARE(qs(str(good, "outcome")), QStringLiteral("accepted"));
        QCOMPARE(num(good, "revision_no"), 1);
        QVERIFY(!good.contains("warnings"));

        const json& owned = r.doc["lines"][1];
        QCOMPARE(qs(str(owned, "outcome")), QStringLiteral("accepted"));
        QCOMPARE(owned["warnings"].size(), size_t(1));
        const json& w = owned["warnings"][0];
        QCOMPARE(qs(str(w, "category")), QStringLiteral("policy_violation"));
        QVERIFY2(qs(str(w, "message")).contains(QStringLiteral("net_weight (item.engineering, owned by PLM)")),
            qPrintable(dumped(w)));
        QCOMPARE(w["details"]["not_merged"].size(), size_t(1));
        QCOMPARE(qs(str(w["details"]["not_merged"][0], "attribute")), QStringLiteral("net_weight"));
        QVERIFY(!w.contains("exception_id")); // nothing was stored

        const json& bad = r.doc["lines"][2];
        QCOMPARE(qs(str(bad, "outcome")), QStringLiteral("rejected"));
        QCOMPARE(qs(str(bad, "category")), QStringLiteral("validation"));
        QVERIFY2(qs(str(bad, "message")).contains(QStringLiteral("released item requires net_weight (missing)")),
            qPrintable(dumped(bad)));
        QVERIFY(!bad.contains("exception_id"));

        const Counts after = counts(h.ws.db());
        QVERIFY2(after == before, qPrintable(describe(before) + QStringLiteral(" -> ") + describe(after)));
        QCOMPARE(ingested.count(), 0);
    }

    void validateThenIngest()
    {
        MDSYNC_HARNESS(h);
        MDSYNC_EXPECT_STATUS(h.post(QStringLiteral("/events"),
                                 bytes(test::event("PLM", "item", "FG-450", releasedItem("Gearbox G-9", { "P100" })))),
            200);
        const std::string create
            = test::event("PLM", "item", "FG-451", releasedItem("Centrifugal pump CP-200 stainless", { "P100" }));
        const Reply v = h.post(QStringLiteral("/validate"), bytes(create));
        MDSYNC_EXPECT_STATUS(v, 200);
        QCOMPARE(qs(str(v.doc["lines"][0], "outcome")), QStringLiteral("accepted"));

        // A look-alike of the validated (not stored) object is no duplicate suspect: the dry run left no trace
        // in the pipeline's in-memory duplicate index.
        const Reply other = h.post(QStringLiteral("/events"),
            bytes(test::event("PLM", "item", "FG-452", releasedItem("Centrifugal pump CP-200 stainless", { "P100" }))));
        MDSYNC_EXPECT_STATUS(other, 200);
        QCOMPARE(num(other.doc, "revisions"), 1);
        QCOMPARE(num(other.doc, "duplicate_suspects"), 0);

        // The validated event itself, for real: accepted with a revision, not a duplicate.
        const Reply r = h.post(QStringLiteral("/events"), bytes(create));
        MDSYNC_EXPECT_STATUS(r, 200);
        const json& line = r.doc["lines"][0];
        QCOMPARE(qs(str(line, "outcome")), QStringLiteral("accepted"));
        QCOMPARE(num(line, "revision_no"), 1);
        QCOMPARE(count(h.ws.db(), QStringLiteral("object"), QStringLiteral("key = 'FG-451'")), 1);
        QCOMPARE(count(h.ws.db(), QStringLiteral("revision")), 3);
        // Ids stay dense on SQLite: the dry run's ids were handed out again (PostgreSQL's sequences never give
        // an id twice: a gap there).
        if (!testBackendIsPostgres()) {
            QCOMPARE(scalar(h.ws.db(), QStringLiteral("SELECT max(id) FROM revision")).toLongLong(), 3);
            QCOMPARE(scalar(h.ws.db(), QStringLiteral("SELECT max(id) FROM object")).toLongLong(), 3);
        }
    }

    void storageFailureIs503()
    {
        MDSYNC_SQLITE_ONLY("a second SQLite writer (BEGIN IMMEDIATE) makes the storage fail");
        MDSYNC_HARNESS(h);
        // Another connection holds the write lock: the ingest cannot start its run (after SQLite's busy wait).
        RawConnection other(h.ws.path());
        QCOMPARE(other.exec(QStringLiteral("BEGIN IMMEDIATE")), QString());
        QSignalSpy ingested(h.server.get(), &InboundServer::eventsIngested);
        const Reply r = h.post(QStringLiteral("/events"),
            bytes(test::event("PLM", "item", "FG-460", releasedItem("Pump CP-80", { "P100" }))));
        QCOMPARE(other.exec(QStringLiteral("ROLLBACK")), QString());
        MDSYNC_EXPECT_STATUS(r, 503);
        QVERIFY2(errorOf(r).startsWith(QStringLiteral("POST /events: the workspace could not store")),
            qPrintable(r.describe()));
        QCOMPARE(ingested.count(), 0);
        // Once the lock is gone the same request goes through.
        MDSYNC_EXPECT_STATUS(h.post(QStringLiteral("/events"),
                                 bytes(test::event("PLM", "item", "FG-460", releasedItem("Pump CP-80", { "P100" })))),
            200);
    }
};

QTEST_GUILESS_MAIN(TestInboundServer)
#include "tst_inboundserver.moc"
