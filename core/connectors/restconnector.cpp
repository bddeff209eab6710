#include "connectors/restconnector.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>

namespace mdsync {

std::string_view outcomeKindName(DeliveryOutcome::Kind kind)
{
    switch (kind) {
    case DeliveryOutcome::Kind::Acked:
        return "acked";
    case DeliveryOutcome::Kind::Retryable:
        return "retryable";
    case DeliveryOutcome::Kind::RateLimited:
        return "rate_limited";
    case DeliveryOutcome::Kind::Rejected:
        return "rejected";
    case DeliveryOutcome::Kind::Unauthorized:
        return "unauthorized";
    }
    return "unknown";
}

namespace {

Result<QByteArray> secret(const nlohmann::json& auth, const char* field, const std::string& systemId)
{
    const std::string var = auth.value(field, std::string());
    if (var.empty())
        return makeError(QStringLiteral("%1: connector.auth.%2 must name an environment variable")
                             .arg(QString::fromStdString(systemId), QString::fromLatin1(field)));
    const QByteArray value = qgetenv(var.c_str());
    if (value.isEmpty())
        return makeError(
            QStringLiteral("%1: environment variable %2 (connector.auth.%3) is not set")
                .arg(QString::fromStdString(systemId), QString::fromStdString(var), QString::fromLatin1(field)));
    return value;
}

// Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
std::optional<std::int64_t> retryAfterMs(const QByteArray& header)
{
    if (header.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = header.trimmed().toLongLong(&ok);
    if (ok && seconds >= 0)
        return seconds * 1000;
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(header.trimmed()), Qt::RFC2822Date);
    if (at.isValid())
        return std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at));
    return std::nullopt;
}

} // namespace

RestConnector::RestConnector(std::string systemId, QObject* parent)
    : Connector(parent)
    , m_systemId(std::move(systemId))
    , m_nam(new QNetworkAccessManager(this))
{ }

RestConnector::~RestConnector() = default;

Result<std::unique_ptr<RestConnector>> RestConnector::create(
    const std::string& systemId, const nlohmann::json& config, QObject* parent)
{
    const QString sys = QString::fromStdString(systemId);
    if (!config.is_object() || config.value("kind", std::string()) != "rest")
        return makeError(QStringLiteral("%1: connector.kind must be \"rest\"").arg(sys));
    std::unique_ptr<RestConnector> c(new RestConnector(systemId, parent));
    const QUrl base(QString::fromStdString(config.value("base_url", std::string())), QUrl::StrictMode);
    if (!base.isValid() || (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))
        || base.host().isEmpty())
        return makeError(QStringLiteral("%1: connector.base_url must be an http(s) URL").arg(sys));
    c->m_base = base;
    c->m_paths = config.value("paths", nlohmann::json::object());
    c->m_method = QByteArray::fromStdString(config.value("method", std::string("PUT")));
    if (c->m_method != "PUT" && c->m_method != "POST" && c->m_method != "PATCH")
        return makeError(QStringLiteral("%1: connector.method must be PUT, POST or PATCH").arg(sys));
    c->m_timeoutMs = config.value("timeout_ms", 10000);
    c->m_tlsVerify = config.value("tls_verify", true);
    if (auto auth = config.find("auth"); auth != config.end() && !auth->is_null()) {
        const std::string type = auth->value("type", std::string());
        if (type == "bearer") {
            auto token = secret(*auth, "token_env", systemId);
            if (!token)
                return makeError(token.error());
            c->m_authHeader = "Authorization";
            c->m_authValue = "Bearer " + token.value();
        } else if (type == "basic") {
            auto user = secret(*auth, "user_env", systemId);
            auto password = secret(*auth, "password_env", systemId);
            if (!user)
                return makeError(user.error());
            if (!password)
                return makeError(password.error());
            c->m_authHeader = "Authorization";
            c->m_authValue = "Basic " + QByteArray(user.value() + ':' + password.value()).toBase64();
        } else if (type == "api_key") {
            auto key = secret(*auth, "key_env", systemId);
            if (!key)
                return makeError(key.error());
            c->m_authHeader = QByteArray::fromStdString(auth->value("header", std::string("X-API-Key")));
            c->m_authValue = key.value();
        } else {
            return makeError(QStringLiteral("%1: connector.auth.type must be bearer, basic or api_key").arg(sys));
        }
    }
    return c;
}

QUrl RestConnector::urlFor(const OutboundDelivery& d) const
{
    std::string path = "/api/{domain}/{key}";
    if (auto it = m_paths.find(d.domain); it != m_paths.end() && it->is_string())
        path = it->get<std::string>();
    QString p = QString::fromStdString(path);
    p.replace(
        QLatin1String("{domain}"), QString::fromLatin1(QUrl::toPercentEncoding(QString::fromStdString(d.domain))));
    p.replace(QLatin1String("{key}"), QString::fromLatin1(QUrl::toPercentEncoding(QString::fromStdString(d.key))));
    QUrl url = m_base;
    url.setPath(m_base.path(QUrl::FullyEncoded).chopped(m_base.path().endsWith(QLatin1Char('/')) ? 1 : 0) + p,
        QUrl::TolerantMode);
    return url;
}

DeliveryOutcome RestConnector::classify(int status, const QByteArray& body, const QByteArray& retryAfter,
    const std::string& transportError, bool timedOut, bool tlsError)
{
    DeliveryOutcome o;
    o.httpStatus = status;
    if (!body.isEmpty()) {
        o.response = nlohmann::json::parse(body.toStdString(), nullptr, false);
        if (o.response.is_discarded())
            o.response = nullptr;
    }
    auto text = [&]() {
        if (o.response.is_object())
            for (const char* k : { "error", "message", "detail" })
                if (auto it = o.response.find(k); it != o.response.end() && it->is_string())
                    return it->get<std::string>();
        return body.left(500).toStdString();
    };
    if (status == 0) {
        o.kind = tlsError ? DeliveryOutcome::Kind::Rejected : DeliveryOutcome::Kind::Retryable;
        o.message = timedOut ? "timeout: no answer" : transportError;
        return o;
    }
    o.message = std::to_string(status) + (body.isEmpty() ? std::string() : ": " + text());
    if (status >= 200 && status < 300) {
        o.kind = DeliveryOutcome::Kind::Acked;
        o.message.clear();
    } else if (status == 429 || (status == 503 && !retryAfter.isEmpty())) {
        o.kind = DeliveryOutcome::Kind::RateLimited;
        o.retryAfterMs = retryAfterMs(retryAfter);
    } else if (status >= 500 || status == 408) {
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.retryAfterMs = retryAfterMs(retryAfter);
    } else if (status == 401 || status == 403) {
        o.kind = DeliveryOutcome::Kind::Unauthorized;
    } else {
        o.kind = DeliveryOutcome::Kind::Rejected;
    }
    return o;
}

void RestConnector::send(const OutboundDelivery& d, Done done)
{
    QNetworkRequest req(urlFor(d));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Idempotency-Key", QByteArray::fromStdString(d.idempotencyKey));
    if (!d.correlationId.empty())
        req.setRawHeader("X-Correlation-Id", QByteArray::fromStdString(d.correlationId));
    if (!m_authHeader.isEmpty())
        req.setRawHeader(m_authHeader, m_authValue);
    req.setTransferTimeout(m_timeoutMs);
    if (!m_tlsVerify && req.url().scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = req.sslConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        req.setSslConfiguration(ssl);
    }
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkReply* reply = d.op == "delete"
        ? m_nam->deleteResource(req)
        : m_nam->sendCustomRequest(req, m_method, QByteArray::fromStdString(d.payload.dump()));
    connect(reply, &QNetworkReply::finished, this, [reply, timer, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto err = reply->error();
        const bool timedOut = err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError;
        const bool tls = err == QNetworkReply::SslHandshakeFailedError;
        DeliveryOutcome o = classify(status, reply->readAll(), reply->rawHeader("Retry-After"),
            err == QNetworkReply::NoError ? std::string() : reply->errorString().toStdString(), timedOut, tls);
        o.latencyMs = timer->elapsed();
        done(o);
    });
}

} // namespace mdsync
