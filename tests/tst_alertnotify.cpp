// Alert notifications (issue 18): e-mail to an SMTP sink on 127.0.0.1 and webhook POSTs to a local HTTP server,
// retried with a bounded number of attempts, every attempt reported and recorded with the alert.

#include "access/roles.h"
#include "metrics/alertnotifier.h"
#include "metrics/alerts.h"
#include "smtpsink.h"
#include "workspacefixture.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

// A minimal HTTP server: answers each request with the next status of `statuses` (the last one repeats) and keeps
// the request bodies.
class HookServer : public QObject
{
public:
    QList<int> statuses { 200 };
    QList<QByteArray> bodies;

    quint16 listen()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                auto* buffer = new QByteArray;
                connect(s, &QObject::destroyed, this, [buffer] { delete buffer; });
                connect(s, &QTcpSocket::readyRead, this, [this, s, buffer] {
                    buffer->append(s->readAll());
                    const auto end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    qsizetype length = 0;
                    for (const QByteArray& h : buffer->left(end).split('\n'))
                        if (h.toLower().startsWith("content-length:"))
                            length = h.mid(15).trimmed().toLongLong();
                    if (buffer->size() < end + 4 + length)
                        return;
                    bodies.push_back(buffer->mid(end + 4, length));
                    const int status = statuses.at(std::min<qsizetype>(bodies.size() - 1, statuses.size() - 1));
                    s->write("HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Server Error")
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        return m_server.listen(QHostAddress::LocalHost, 0) ? m_server.serverPort() : 0;
    }

private:
    QTcpServer m_server;
};

NotifySettings mailTo(quint16 port, QStringList to)
{
    NotifySettings s;
    s.smtpHost = QStringLiteral("127.0.0.1");
    s.smtpPort = port;
    s.from = QStringLiteral("mdsync@plant.example");
    s.to = std::move(to);
    s.retryDelayMs = 50;
    s.timeoutMs = 5000;
    return s;
}

NotifyAlert blocked()
{
    return { 7, QStringLiteral("item-blocked"), QStringLiteral("critical"),
        QStringLiteral("item FG-1000 revision 4 changed lifecycle_status released → blocked (from PLM)\n.hidden line"),
        QStringLiteral("item-blocked:item:FG-1000") };
}

QList<NotifyAttempt> attempts(const QSignalSpy& spy)
{
    QList<NotifyAttempt> out;
    for (const QList<QVariant>& args : spy)
        out.push_back(args.at(0).value<NotifyAttempt>());
    return out;
}

} // namespace

class TestAlertNotify : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emailReachesTheSmtpSink()
    {
        SmtpSink sink;
        const quint16 port = sink.listen();
        QVERIFY(port);
        AlertNotifier n(mailTo(port, { QStringLiteral("steward@plant.example"), QStringLiteral("qa@plant.example") }),
            QStringLiteral("/plants/ws.mdsync"));
        QSignalSpy spy(&n, &AlertNotifier::attempted);
        QCOMPARE(n.notify(blocked()), 1);
        QTRY_COMPARE(spy.size(), 1);
        const NotifyAttempt a = attempts(spy).front();
        QVERIFY2(a.ok && a.final, qPrintable(a.detail));
        QCOMPARE(a.alertId, std::int64_t(7));
        QCOMPARE(a.channel, QStringLiteral("email"));
        QCOMPARE(a.detail, QStringLiteral("SMTP 127.0.0.1:%1: 250 2.0.0 queued as 42").arg(port));
        QCOMPARE(n.pending(), 0);
        QVERIFY(sink.commands.contains(QStringLiteral("MAIL FROM:<mdsync@plant.example>")));
        QVERIFY(sink.commands.contains(QStringLiteral("RCPT TO:<steward@plant.example>")));
        QVERIFY(sink.commands.contains(QStringLiteral("RCPT TO:<qa@plant.example>")));
        QCOMPARE(sink.commands.last(), QStringLiteral("QUIT"));
        QCOMPARE(sink.messages.size(), 1);
        const QByteArray m = sink.messages.front();
        QVERIFY(m.contains("To: steward@plant.example, qa@plant.example\r\n"));
        const auto subjectAt = m.indexOf("Subject: =?UTF-8?B?");
        QVERIFY(subjectAt >= 0);
        const QByteArray encoded = m.mid(subjectAt + 19, m.indexOf("?=", subjectAt) - subjectAt - 19);
        QCOMPARE(QString::fromUtf8(QByteArray::fromBase64(encoded)),
            QStringLiteral("[MDSync critical] item-blocked: item FG-1000 revision 4 changed lifecycle_status released "
                           "→ blocked (from PLM) .hidden line"));
        QVERIFY(m.contains("\r\n..hidden line\r\n")); // dot-stuffed: the sink's end-of-data is not hit early
        QVERIFY(m.contains("Alert #7 (rule item-blocked, severity critical) in /plants/ws.mdsync."));
    }

    void refusedRecipientIsRetriedThenFails()
    {
        SmtpSink sink;
        sink.refuse = QStringList { QStringLiteral("nobody@plant.example") };
        const quint16 port = sink.listen();
        QVERIFY(port);
        NotifySettings s = mailTo(port, { QStringLiteral("nobody@plant.example") });
        s.attempts = 3;
        AlertNotifier n(s, QStringLiteral("ws"));
        QSignalSpy spy(&n, &AlertNotifier::attempted);
        QCOMPARE(n.notify(blocked()), 1);
        QTRY_COMPARE(spy.size(), 3);
        QTest::qWait(200); // no fourth attempt
        QCOMPARE(spy.size(), 3);
        const auto all = attempts(spy);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(all[i].attempt, i + 1);
            QVERIFY(!all[i].ok);
            QCOMPARE(all[i].final, i == 2);
            QCOMPARE(all[i].detail,
                QStringLiteral("SMTP 127.0.0.1:%1: RCPT TO <nobody@plant.example> refused: 550 5.1.1 no such user")
                    .arg(port));
        }
        QVERIFY(sink.messages.isEmpty());
        QCOMPARE(n.pending(), 0);
    }

    void unreachableRelayNamesHostAndPort()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        } // closed: nothing listens there now
        NotifySettings s = mailTo(port, { QStringLiteral("steward@plant.example") });
        s.attempts = 2;
        AlertNotifier n(s, QStringLiteral("ws"));
        QSignalSpy spy(&n, &AlertNotifier::attempted);
        n.notify(blocked());
        QTRY_COMPARE(spy.size(), 2);
        const NotifyAttempt last = attempts(spy).last();
        QVERIFY(!last.ok && last.final);
        QVERIFY2(last.detail.startsWith(QStringLiteral("SMTP 127.0.0.1:%1: ").arg(port)), qPrintable(last.detail));
        QVERIFY2(last.detail.contains(QLatin1String("refused"), Qt::CaseInsensitive), qPrintable(last.detail));
    }

    void webhookRetriedAfterAServerError()
    {
        HookServer hook;
        hook.statuses = { 500, 200 };
        const quint16 port = hook.listen();
        QVERIFY(port);
        NotifySettings s;
        s.webhooks = QStringList { QStringLiteral("http://127.0.0.1:%1/alerts").arg(port) };
        s.retryDelayMs = 50;
        AlertNotifier n(s, QStringLiteral("ws"));
        QSignalSpy spy(&n, &AlertNotifier::attempted);
        QCOMPARE(n.notify(blocked()), 1);
        QTRY_COMPARE(spy.size(), 2);
        const auto all = attempts(spy);
        QVERIFY(!all[0].ok && !all[0].final);
        QCOMPARE(all[0].detail, QStringLiteral("http://127.0.0.1:%1/alerts: HTTP 500 Server Error").arg(port));
        QVERIFY(all[1].ok && all[1].final);
        QCOMPARE(all[1].channel, QStringLiteral("webhook http://127.0.0.1:%1/alerts").arg(port));
        QCOMPARE(hook.bodies.size(), 2);
        const json body = json::parse(hook.bodies.last().toStdString());
        QCOMPARE(body["alert_id"].get<std::int64_t>(), std::int64_t(7));
        QCOMPARE(body["rule"].get<std::string>(), std::string("item-blocked"));
        QCOMPARE(body["severity"].get<std::string>(), std::string("critical"));
        QCOMPARE(body["attempt"].get<int>(), 2);
        QCOMPARE(body["dedup_key"].get<std::string>(), std::string("item-blocked:item:FG-1000"));
    }

    // The run stops (the notifier is deleted) while an e-mail and a webhook call are under way: nothing is reported
    // afterwards, nothing is touched after it is gone (the sanitizer build checks the latter).
    void deletedWhileSending()
    {
        QTcpServer silent; // accepts and never answers
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        NotifySettings s = mailTo(silent.serverPort(), { QStringLiteral("steward@plant.example") });
        s.webhooks = QStringList { QStringLiteral("http://127.0.0.1:%1/alerts").arg(silent.serverPort()) };
        auto n = std::make_unique<AlertNotifier>(s, QStringLiteral("ws"));
        QSignalSpy spy(n.get(), &AlertNotifier::attempted);
        QCOMPARE(n->notify(blocked()), 2);
        QTRY_VERIFY(silent.hasPendingConnections());
        QCOMPARE(n->pending(), 2);
        QTest::qWait(100); // both connections are up and waiting for an answer
        n.reset();
        QTest::qWait(200);
        QCOMPARE(spy.size(), 0);
    }

    void belowTheMinimumSeverityNothingIsSent()
    {
        SmtpSink sink;
        const quint16 port = sink.listen();
        NotifySettings s = mailTo(port, { QStringLiteral("steward@plant.example") });
        s.minSeverity = QStringLiteral("high");
        AlertNotifier n(s, QStringLiteral("ws"));
        NotifyAlert a = blocked();
        a.severity = QStringLiteral("medium");
        QCOMPARE(n.notify(a), 0);
        a.severity = QStringLiteral("high");
        QCOMPARE(n.notify(a), 1);
        QTRY_COMPARE(sink.messages.size(), 1);
    }

    void settingsErrorsNameTheField_data()
    {
        QTest::addColumn<QString>("notify");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown field") << R"({"mail":{}})"
                                       << "alert rules: notify: unknown field 'mail'";
        QTest::newRow("no host") << R"({"email":{"from":"a@b.c","to":["x@y.z"]}})"
                                 << "alert rules: notify: email: needs \"smtp_host\"";
        QTest::newRow("bad from") << R"({"email":{"smtp_host":"relay","from":"mdsync","to":["x@y.z"]}})"
                                  << "alert rules: notify: email: from: an address";
        QTest::newRow("bad to") << R"({"email":{"smtp_host":"relay","from":"a@b.c","to":["x y@z"]}})"
                                << "alert rules: notify: email: to: '\"x y@z\"' is not an address";
        QTest::newRow("no to") << R"({"email":{"smtp_host":"relay","from":"a@b.c","to":[]}})"
                               << "alert rules: notify: email: to: a list of one or more addresses";
        QTest::newRow("port") << R"({"email":{"smtp_host":"relay","smtp_port":0,"from":"a@b.c","to":["x@y.z"]}})"
                              << "alert rules: notify: email: smtp_port: a port from 1 to 65535";
        QTest::newRow("webhook scheme") << R"({"webhooks":[{"url":"ftp://host/x"}]})"
                                        << "alert rules: notify: webhooks: {\"url\":\"ftp://host/x\"} is not";
        QTest::newRow("attempts") << R"({"attempts":0})"
                                  << "alert rules: notify: attempts: a whole number from 1 to 20";
        QTest::newRow("severity") << R"({"min_severity":"urgent"})"
                                  << "alert rules: notify: min_severity: critical, high, medium or low";
    }

    void settingsErrorsNameTheField()
    {
        QFETCH(QString, notify);
        QFETCH(QString, error);
        const auto r = parseNotifySettings(json::parse(notify.toStdString()));
        QVERIFY(!r.ok());
        QVERIFY2(r.error().startsWith(error), qPrintable(r.error()));
    }

    // The rules document carries the settings; set-rules refuses bad ones; an attempt is recorded with its alert.
    void attemptsAreRecordedWithTheAlert()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        SmtpSink sink;
        const quint16 port = sink.listen();
        QVERIFY(port);
        json rules = { { "rules",
            json::array({ { { "id", "compliance" }, { "kind", "attribute_changed" }, { "domain", "supplier" },
                { "groups", { "compliance" } }, { "severity", "high" } } }) } };
        rules["notify"] = { { "email", { { "smtp_host", "127.0.0.1" }, { "from", "mdsync@plant.example" } } } };
        const auto refused = setAlertRules(tw.as("ada"), "ada", rules, "notify");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QLatin1String("email: to:")), qPrintable(refused.error()));
        rules["notify"]["email"]["to"] = { "steward@plant.example" };
        rules["notify"]["email"]["smtp_port"] = port;
        QVERIFY(setAlertRules(tw.as("ada"), "ada", rules, "notify").ok());

        QVERIFY(tw.ingest({ mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-1",
                              { { "name", "Acme" }, { "tax_id", "DE811234567" }, { "country", "DE" },
                                  { "street", "Weg 1" }, { "city", "Köln" }, { "postal_code", "50667" } }) })
                    .ok());
        QVERIFY(tw.ingest({ mdsync::test::event("QMS", "supplier", "SUP-1", { { "reach_compliant", false } }) }).ok());
        AlertEngine engine(tw.ws());
        auto r = engine.evaluate();
        QVERIFY(r.ok());
        QCOMPARE(r->fired.size(), std::size_t(1));
        auto doc = activeNotifySettings(tw.ws());
        QVERIFY(doc.ok());
        auto settings = parseNotifySettings(doc.value());
        QVERIFY(settings.ok());
        AlertNotifier n(settings.value(), QStringLiteral("ws"));
        connect(&n, &AlertNotifier::attempted, this, [&](const NotifyAttempt& a) {
            QVERIFY(
                engine.recordNotification(a.alertId, { { "channel", a.channel.toStdString() }, { "ok", a.ok } }).ok());
        });
        const auto& f = r->fired.front();
        QCOMPARE(n.notify({ f.id, QString::fromStdString(f.rule), QString::fromStdString(f.severity),
                     QString::fromStdString(f.message), QString::fromStdString(f.dedupKey) }),
            1);
        QTRY_COMPARE(sink.messages.size(), 1);
        QTRY_VERIFY(scalar(tw.db(), QStringLiteral("SELECT details FROM alert WHERE id = %1").arg(f.id))
                        .toString()
                        .contains(QLatin1String("\"notifications\":[{\"channel\":\"email\",\"ok\":true}]")));
        // A further change refreshes the alert (new details); what was sent for it stays recorded.
        QVERIFY(tw.ingest({ mdsync::test::event("QMS", "supplier", "SUP-1", { { "reach_compliant", true } }) }).ok());
        auto again = engine.evaluate();
        QVERIFY(again.ok());
        QCOMPARE(again->refreshed.size(), std::size_t(1));
        const QString details
            = scalar(tw.db(), QStringLiteral("SELECT details FROM alert WHERE id = %1").arg(f.id)).toString();
        QVERIFY2(details.contains(QLatin1String("\"notifications\":[{\"channel\":\"email\",\"ok\":true}]"))
                && details.contains(QLatin1String("\"new\":true")),
            qPrintable(details));
    }
};

QTEST_GUILESS_MAIN(TestAlertNotify)
#include "tst_alertnotify.moc"
