#include "metrics/alertnotifier.h"

#include <QDateTime>
#include <QHostInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <functional>

namespace mdsync {

namespace {

int severityRank(const QString& s)
{
    if (s == QLatin1String("critical"))
        return 3;
    if (s == QLatin1String("high"))
        return 2;
    if (s == QLatin1String("medium"))
        return 1;
    return 0;
}

QString jsonText(const nlohmann::json& v)
{
    return QString::fromStdString(v.get<std::string>());
}

// A mailbox as SMTP takes it: local@domain, no spaces, no angle brackets or line breaks.
bool plainAddress(const QString& a)
{
    const auto at = a.indexOf(QLatin1Char('@'));
    if (at <= 0 || at != a.lastIndexOf(QLatin1Char('@')) || at == a.size() - 1)
        return false;
    return std::ranges::none_of(
        a, [](QChar c) { return c.isSpace() || c == QLatin1Char('<') || c == QLatin1Char('>') || c.unicode() < 0x21; });
}

// One message over one SMTP connection: greeting, EHLO (HELO when refused), MAIL FROM, RCPT TO per recipient, DATA,
// the dot-stuffed message, QUIT. `done` gets (ok, detail) exactly once; the object deletes itself afterwards.
class SmtpSession : public QObject
{
public:
    using Done = std::function<void(bool ok, const QString& detail)>;

    SmtpSession(const NotifySettings& s, QByteArray message, Done done, QObject* parent)
        : QObject(parent)
        , m_settings(s)
        , m_message(std::move(message))
        , m_done(std::move(done))
    {
        m_where = QStringLiteral("SMTP %1:%2").arg(s.smtpHost).arg(s.smtpPort);
        connect(&m_socket, &QTcpSocket::readyRead, this, &SmtpSession::onReadyRead);
        connect(&m_socket, &QTcpSocket::errorOccurred, this,
            [this] { finish(false, m_where + QStringLiteral(": ") + m_socket.errorString()); });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] {
            if (m_step != Step::Quit)
                finish(false, m_where + QStringLiteral(": the server closed the connection"));
        });
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this,
            [this] { finish(false, m_where + QStringLiteral(": no answer within %1 ms").arg(m_settings.timeoutMs)); });
    }

    ~SmtpSession() override
    {
        // The socket (a member) may signal while it is destroyed; nothing reaches the notifier from here on.
        m_finished = true;
        m_socket.disconnect(this);
        m_timer.disconnect(this);
    }
    SmtpSession(const SmtpSession&) = delete;
    SmtpSession& operator=(const SmtpSession&) = delete;

    void start()
    {
        m_timer.start(m_settings.timeoutMs);
        m_socket.connectToHost(m_settings.smtpHost, m_settings.smtpPort);
    }

private:
    enum class Step { Greeting, Ehlo, Helo, MailFrom, RcptTo, Data, Body, Quit };

    void onReadyRead()
    {
        while (m_socket.canReadLine()) {
            const QByteArray line = m_socket.readLine().trimmed();
            // A multi-line reply ("250-...") ends with the line whose code is followed by a space.
            if (line.size() >= 4 && line.at(3) == '-')
                continue;
            if (line.size() < 3) {
                finish(false, m_where + QStringLiteral(": malformed reply '%1'").arg(QString::fromLatin1(line)));
                return;
            }
            const int code = line.left(3).toInt();
            m_lastReply = QString::fromLatin1(line);
            reply(code);
            if (m_finished)
                return;
        }
    }

    void reply(int code)
    {
        switch (m_step) {
        case Step::Greeting:
            if (code != 220)
                return refuse(QStringLiteral("greeting"));
            m_step = Step::Ehlo;
            return write("EHLO " + helloName());
        case Step::Ehlo:
            if (code != 250) { // an old server: HELO
                m_step = Step::Helo;
                return write("HELO " + helloName());
            }
            [[fallthrough]];
        case Step::Helo:
            if (code != 250)
                return refuse(QStringLiteral("HELO"));
            m_step = Step::MailFrom;
            return write("MAIL FROM:<" + m_settings.from.toUtf8() + '>');
        case Step::MailFrom:
            if (code != 250)
                return refuse(QStringLiteral("MAIL FROM"));
            m_step = Step::RcptTo;
            return write("RCPT TO:<" + m_settings.to.at(m_rcpt).toUtf8() + '>');
        case Step::RcptTo:
            if (code != 250 && code != 251)
                return refuse(QStringLiteral("RCPT TO <%1>").arg(m_settings.to.at(m_rcpt)));
            if (++m_rcpt < m_settings.to.size())
                return write("RCPT TO:<" + m_settings.to.at(m_rcpt).toUtf8() + '>');
            m_step = Step::Data;
            return write("DATA");
        case Step::Data:
            if (code != 354)
                return refuse(QStringLiteral("DATA"));
            m_step = Step::Body;
            m_socket.write(m_message);
            return write(".");
        case Step::Body:
            if (code != 250)
                return refuse(QStringLiteral("the message"));
            m_accepted = m_lastReply;
            m_step = Step::Quit;
            return write("QUIT");
        case Step::Quit:
            m_socket.disconnectFromHost();
            return finish(true, m_where + QStringLiteral(": ") + m_accepted);
        }
    }

    QByteArray helloName() const
    {
        const QString host = QHostInfo::localHostName();
        return host.isEmpty() ? QByteArrayLiteral("mdsync") : host.toUtf8();
    }
    void write(const QByteArray& command) { m_socket.write(command + "\r\n"); }
    void refuse(const QString& what)
    {
        finish(false, m_where + QStringLiteral(": %1 refused: %2").arg(what, m_lastReply));
    }
    void finish(bool ok, const QString& detail)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        if (!ok)
            m_socket.abort();
        Done done = std::move(m_done);
        deleteLater();
        done(ok, detail);
    }

    NotifySettings m_settings;
    QByteArray m_message;
    Done m_done;
    QTcpSocket m_socket;
    QTimer m_timer;
    QString m_where;
    QString m_lastReply;
    QString m_accepted;
    Step m_step = Step::Greeting;
    qsizetype m_rcpt = 0;
    bool m_finished = false;
};

// RFC 5322 message: headers, a UTF-8 text body (8bit), CRLF line ends, lines starting with '.' doubled (RFC 5321).
QByteArray mailMessage(const NotifySettings& s, const NotifyAlert& a, const QString& origin)
{
    const QString subject
        = QStringLiteral("[MDSync %1] %2: %3").arg(a.severity, a.rule, a.message.left(120).simplified());
    QByteArray m;
    m += "From: " + s.from.toUtf8() + "\r\n";
    m += "To: " + s.to.join(QStringLiteral(", ")).toUtf8() + "\r\n";
    m += "Subject: =?UTF-8?B?" + subject.toUtf8().toBase64() + "?=\r\n";
    m += "Date: " + QDateTime::currentDateTime().toString(Qt::RFC2822Date).toUtf8() + "\r\n";
    m += "Message-ID: <" + QUuid::createUuid().toString(QUuid::WithoutBraces).toUtf8() + "@mdsync>\r\n";
    m += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
    const QString body = QStringLiteral("%1\n\nAlert #%2 (rule %3, severity %4) in %5.\nDedup key: %6\n\n"
                                        "Open MDSync or run: mdsyncctl alerts --status open\n")
                             .arg(a.message)
                             .arg(a.id)
                             .arg(a.rule, a.severity, origin, a.dedupKey);
    for (QString line : body.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1Char('.')))
            line.prepend(QLatin1Char('.'));
        m += line.toUtf8() + "\r\n";
    }
    return m;
}

} // namespace

bool NotifySettings::wants(const QString& severity) const
{
    return severityRank(severity) >= severityRank(minSeverity);
}

Result<NotifySettings> parseNotifySettings(const nlohmann::json& n)
{
    NotifySettings s;
    if (n.is_null())
        return s;
    auto bad = [](const QString& what) { return makeError(QStringLiteral("alert rules: notify: ") + what); };
    if (!n.is_object())
        return bad(QStringLiteral("must be an object"));
    for (auto it = n.begin(); it != n.end(); ++it)
        if (it.key() != "min_severity" && it.key() != "email" && it.key() != "webhooks" && it.key() != "attempts"
            && it.key() != "retry_delay_ms" && it.key() != "timeout_ms")
            return bad(QStringLiteral("unknown field '%1' (min_severity, email, webhooks, attempts, retry_delay_ms,"
                                      " timeout_ms)")
                           .arg(QString::fromStdString(it.key())));
    if (n.contains("min_severity")) {
        static const QStringList kSeverities { QStringLiteral("critical"), QStringLiteral("high"),
            QStringLiteral("medium"), QStringLiteral("low") };
        if (!n["min_severity"].is_string() || !kSeverities.contains(jsonText(n["min_severity"])))
            return bad(QStringLiteral("min_severity: critical, high, medium or low"));
        s.minSeverity = jsonText(n["min_severity"]);
    }
    auto whole = [&](const char* field, int min, int max, int& out) -> Result<void> {
        if (!n.contains(field))
            return {};
        if (!n[field].is_number_integer() || n[field].get<std::int64_t>() < min || n[field].get<std::int64_t>() > max)
            return bad(QStringLiteral("%1: a whole number from %2 to %3").arg(QLatin1String(field)).arg(min).arg(max));
        out = n[field].get<int>();
        return {};
    };
    if (auto r = whole("attempts", 1, 20, s.attempts); !r)
        return makeError(r.error());
    if (auto r = whole("retry_delay_ms", 0, 3600000, s.retryDelayMs); !r)
        return makeError(r.error());
    if (auto r = whole("timeout_ms", 100, 300000, s.timeoutMs); !r)
        return makeError(r.error());
    if (n.contains("email")) {
        const auto& e = n["email"];
        if (!e.is_object() || !e.contains("smtp_host") || !e["smtp_host"].is_string()
            || e["smtp_host"].get<std::string>().empty())
            return bad(QStringLiteral("email: needs \"smtp_host\" (the relay's host name or address)"));
        s.smtpHost = jsonText(e["smtp_host"]);
        if (e.contains("smtp_port")) {
            if (!e["smtp_port"].is_number_integer() || e["smtp_port"].get<int>() < 1
                || e["smtp_port"].get<int>() > 65535)
                return bad(QStringLiteral("email: smtp_port: a port from 1 to 65535"));
            s.smtpPort = static_cast<quint16>(e["smtp_port"].get<int>());
        }
        if (!e.contains("from") || !e["from"].is_string() || !plainAddress(jsonText(e["from"])))
            return bad(QStringLiteral("email: from: an address such as mdsync@plant.example"));
        s.from = jsonText(e["from"]);
        if (!e.contains("to") || !e["to"].is_array() || e["to"].empty())
            return bad(QStringLiteral("email: to: a list of one or more addresses"));
        for (const auto& t : e["to"]) {
            if (!t.is_string() || !plainAddress(jsonText(t)))
                return bad(QStringLiteral("email: to: '%1' is not an address").arg(QString::fromStdString(t.dump())));
            s.to.push_back(jsonText(t));
        }
    }
    if (n.contains("webhooks")) {
        if (!n["webhooks"].is_array())
            return bad(QStringLiteral("webhooks: a list of {\"url\": \"http(s)://...\"}"));
        for (const auto& w : n["webhooks"]) {
            const QUrl url = w.is_object() && w.contains("url") && w["url"].is_string()
                ? QUrl(jsonText(w["url"]), QUrl::StrictMode)
                : QUrl();
            if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
                || url.host().isEmpty())
                return bad(QStringLiteral("webhooks: %1 is not {\"url\": \"http(s)://host/...\"}")
                               .arg(QString::fromStdString(w.dump())));
            s.webhooks.push_back(url.toString());
        }
    }
    return s;
}

AlertNotifier::AlertNotifier(NotifySettings settings, QString origin, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_origin(std::move(origin))
    , m_http(std::make_unique<QNetworkAccessManager>())
{
    qRegisterMetaType<mdsync::NotifyAttempt>();
}

AlertNotifier::~AlertNotifier()
{
    // Sends under way are dropped: the SMTP sessions (children) and the replies (m_http's) go with it, and what they
    // signal while they are destroyed must not come back here.
    m_closing = true;
    m_http.reset();
}

int AlertNotifier::notify(const NotifyAlert& alert)
{
    if (!m_settings.wants(alert.severity))
        return 0;
    int started = 0;
    if (!m_settings.smtpHost.isEmpty() && !m_settings.to.isEmpty()) { // parseNotifySettings requires both
        send(alert, QStringLiteral("email"), 1);
        ++started;
    }
    for (const QString& url : m_settings.webhooks) {
        send(alert, QStringLiteral("webhook ") + url, 1);
        ++started;
    }
    return started;
}

void AlertNotifier::send(const NotifyAlert& alert, const QString& channel, int attempt)
{
    ++m_pending;
    if (channel == QLatin1String("email"))
        sendMail(alert, channel, attempt);
    else
        postWebhook(alert, channel.mid(8), channel, attempt);
}

void AlertNotifier::finish(
    const NotifyAlert& alert, const QString& channel, int attempt, bool ok, const QString& detail)
{
    if (m_closing)
        return;
    const bool last = ok || attempt >= m_settings.attempts;
    Q_EMIT attempted({ alert.id, channel, attempt, ok, last, detail });
    if (last) {
        --m_pending;
        return;
    }
    // The next attempt after retryDelayMs, doubled per failed attempt; m_pending counts the waiting send.
    const qint64 delay = static_cast<qint64>(m_settings.retryDelayMs) << std::min(attempt - 1, 10);
    QTimer::singleShot(std::chrono::milliseconds(delay), this, [this, alert, channel, attempt] {
        --m_pending;
        send(alert, channel, attempt + 1);
    });
}

void AlertNotifier::sendMail(const NotifyAlert& alert, const QString& channel, int attempt)
{
    auto* session = new SmtpSession(
        m_settings, mailMessage(m_settings, alert, m_origin),
        [this, alert, channel, attempt](
            bool ok, const QString& detail) { finish(alert, channel, attempt, ok, detail); },
        this);
    session->start();
}

void AlertNotifier::postWebhook(const NotifyAlert& alert, const QString& url, const QString& channel, int attempt)
{
    QNetworkRequest request { QUrl(url) };
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setTransferTimeout(m_settings.timeoutMs);
    const nlohmann::json body = { { "source", "mdsync" }, { "origin", m_origin.toStdString() },
        { "alert_id", alert.id }, { "rule", alert.rule.toStdString() }, { "severity", alert.severity.toStdString() },
        { "message", alert.message.toStdString() }, { "dedup_key", alert.dedupKey.toStdString() },
        { "attempt", attempt } };
    QNetworkReply* reply = m_http->post(request, QByteArray::fromStdString(body.dump()));
    connect(reply, &QNetworkReply::finished, this, [this, reply, alert, channel, attempt, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300)
            return finish(alert, channel, attempt, true, QStringLiteral("%1: HTTP %2").arg(url).arg(status));
        const QString why = status ? QStringLiteral("HTTP %1 %2")
                                         .arg(status)
                                         .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                                   : reply->errorString();
        finish(alert, channel, attempt, false, QStringLiteral("%1: %2").arg(url, why.trimmed()));
    });
}

} // namespace mdsync
