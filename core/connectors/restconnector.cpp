#include "connectors/restconnector.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>

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

// base + path, keeping a path prefix of the base ("https://erp.example/base/" + "/boms/x").
QUrl joined(const QUrl& base, const QString& path)
{
    QUrl url = base;
    url.setPath(base.path(QUrl::FullyEncoded).chopped(base.path().endsWith(QLatin1Char('/')) ? 1 : 0) + path,
        QUrl::TolerantMode);
    return url;
}

QString encoded(const std::string& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(QString::fromStdString(value)));
}

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
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
    c->m_readBack = config.value("read_back", false);
    if (auto bp = config.find("batch_path"); bp != config.end() && !bp->is_null()) {
        const std::string path = bp->is_string() ? bp->get<std::string>() : std::string();
        if (path.empty() || path.front() != '/' || path.find("{key}") != std::string::npos)
            return makeError(QStringLiteral("%1: connector.batch_path must be a path starting with '/' and without "
                                            "{key}, e.g. \"/api/{domain}/_batch\"")
                                 .arg(sys));
        c->m_batchPath = path;
    }
    if (auto bd = config.find("batch_domains"); bd != config.end() && !bd->is_null()) {
        if (!bd->is_array())
            return makeError(QStringLiteral("%1: connector.batch_domains must be an array of domain names").arg(sys));
        for (size_t i = 0; i < bd->size(); ++i) {
            const auto& domain = (*bd)[i];
            if (!domain.is_string() || domain.get<std::string>().empty())
                return makeError(QStringLiteral("%1: connector.batch_domains[%2] must be a domain name")
                                     .arg(sys, QString::number(i)));
            c->m_batchDomains.push_back(domain.get<std::string>());
        }
        if (c->m_batchPath.empty() && !c->m_batchDomains.empty())
            return makeError(QStringLiteral("%1: connector.batch_domains needs connector.batch_path").arg(sys));
    }
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
    p.replace(QLatin1String("{domain}"), encoded(d.domain));
    p.replace(QLatin1String("{key}"), encoded(d.key));
    return joined(m_base, p);
}

QUrl RestConnector::batchUrlFor(std::string_view domain) const
{
    if (m_batchPath.empty())
        return {};
    QString p = QString::fromStdString(m_batchPath);
    p.replace(QLatin1String("{domain}"), encoded(std::string(domain)));
    return joined(m_base, p);
}

bool RestConnector::supportsBatch(std::string_view domain) const
{
    return !m_batchPath.empty()
        && (m_batchDomains.empty()
            || std::find(m_batchDomains.begin(), m_batchDomains.end(), domain) != m_batchDomains.end());
}

DeliveryOutcome RestConnector::classify(int status, const QByteArray& body, const QByteArray& retryAfter,
    const std::string& transportError, bool timedOut, bool tlsError, bool retire)
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
    if (retire && status == 404) {
        // Retiring what the target never had (or already removed) leaves it in the wanted state.
        o.kind = DeliveryOutcome::Kind::Acked;
        o.message = "already absent";
        return o;
    }
    o.message = "HTTP " + std::to_string(status) + (body.isEmpty() ? std::string() : ": " + text());
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

std::vector<DeliveryOutcome> RestConnector::classifyBatch(
    const std::vector<OutboundDelivery>& deliveries, const DeliveryOutcome& http)
{
    if (http.kind != DeliveryOutcome::Kind::Acked) // no answer, 5xx, 429, 401...: every item
        // NOLINTNEXTLINE(modernize-return-braced-init-list): n copies; braces would read as a list of two outcomes
        return std::vector<DeliveryOutcome>(deliveries.size(), http);
    if (!http.response.is_array()) {
        // Accepted, but we cannot tell which items were applied: resending is safe (idempotency keys).
        DeliveryOutcome o = http;
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.message = "target answered the batch without a per-item result array";
        // NOLINTNEXTLINE(modernize-return-braced-init-list): n copies; braces would read as a list of two outcomes
        return std::vector<DeliveryOutcome>(deliveries.size(), o);
    }
    constexpr auto none = static_cast<size_t>(-1);
    std::vector<const nlohmann::json*> answers(deliveries.size(), nullptr);
    for (const nlohmann::json& item : http.response) {
        if (!item.is_object())
            continue;
        size_t at = none;
        if (auto k = item.find("idempotency_key");
            k != item.end() && k->is_string() && !k->get_ref<const std::string&>().empty()) {
            for (size_t i = 0; i < deliveries.size() && at == none; ++i)
                if (!answers[i] && deliveries[i].idempotencyKey == k->get_ref<const std::string&>())
                    at = i;
        }
        if (auto idx = item.find("index"); at == none && idx != item.end() && idx->is_number_unsigned()
            && idx->get<size_t>() < deliveries.size() && !answers[idx->get<size_t>()])
            at = idx->get<size_t>();
        if (at != none)
            answers[at] = &item;
    }
    std::vector<DeliveryOutcome> out;
    out.reserve(deliveries.size());
    for (size_t i = 0; i < deliveries.size(); ++i) {
        DeliveryOutcome o;
        o.httpStatus = http.httpStatus;
        o.latencyMs = http.latencyMs;
        const nlohmann::json* a = answers[i];
        if (!a) {
            o.kind = DeliveryOutcome::Kind::Retryable;
            o.message = "target did not answer for this item";
            out.push_back(std::move(o));
            continue;
        }
        o.response = *a;
        int status = 0;
        std::string statusText;
        if (auto s = a->find("status"); s != a->end()) {
            if (s->is_number_integer())
                status = s->get<int>();
            else if (s->is_string())
                statusText = s->get<std::string>();
        }
        if (status != 0)
            o.httpStatus = status;
        std::string error;
        if (auto e = a->find("error"); e != a->end() && !e->is_null())
            error = e->is_string() ? e->get<std::string>() : e->dump();
        const auto replayIt = a->find("replay");
        const bool replay
            = (replayIt != a->end() && replayIt->is_boolean() && replayIt->get<bool>()) || statusText == "replay";
        if (deliveries[i].op == "delete" && status == 404) {
            o.kind = DeliveryOutcome::Kind::Acked;
            o.message = "already absent";
        } else if (!error.empty()) {
            // The item's own status decides the class (422 rejected, 5xx retryable...); without one: rejected.
            o.kind = status != 0 && !isSuccess(status) ? classify(status, {}, {}, {}, false, false).kind
                                                       : DeliveryOutcome::Kind::Rejected;
            o.message = (status ? "HTTP " + std::to_string(status) + ": " : std::string()) + error;
        } else if (isSuccess(status) || statusText == "applied" || statusText == "retired" || replay) {
            o.kind = DeliveryOutcome::Kind::Acked;
        } else if (status != 0) {
            o.kind = classify(status, {}, {}, {}, false, false).kind;
            o.message = "HTTP " + std::to_string(status);
        } else {
            o.kind = DeliveryOutcome::Kind::Retryable;
            o.message = "target gave no recognisable status for this item: " + a->dump().substr(0, 300);
        }
        out.push_back(std::move(o));
    }
    return out;
}

QNetworkRequest RestConnector::request(const QUrl& url) const
{
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_authHeader.isEmpty())
        req.setRawHeader(m_authHeader, m_authValue);
    req.setTransferTimeout(m_timeoutMs);
    if (!m_tlsVerify && url.scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = req.sslConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
        req.setSslConfiguration(ssl);
    }
    return req;
}

void RestConnector::send(const OutboundDelivery& d, Done done)
{
    QNetworkRequest req = request(urlFor(d));
    req.setRawHeader("Idempotency-Key", QByteArray::fromStdString(d.idempotencyKey));
    if (!d.correlationId.empty())
        req.setRawHeader("X-Correlation-Id", QByteArray::fromStdString(d.correlationId));
    const bool retire = d.op == "delete";
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkReply* reply = retire
        ? m_nam->deleteResource(req)
        : m_nam->sendCustomRequest(req, m_method, QByteArray::fromStdString(d.payload.dump()));
    connect(reply, &QNetworkReply::finished, this, [reply, timer, retire, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto err = reply->error();
        const bool timedOut = err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError;
        const bool tls = err == QNetworkReply::SslHandshakeFailedError;
        DeliveryOutcome o = classify(status, reply->readAll(), reply->rawHeader("Retry-After"),
            err == QNetworkReply::NoError ? std::string() : reply->errorString().toStdString(), timedOut, tls, retire);
        o.latencyMs = timer->elapsed();
        done(o);
    });
}

void RestConnector::sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (deliveries.empty()) {
        QMetaObject::invokeMethod(
            this, [done = std::move(done)]() { done({}); }, Qt::QueuedConnection);
        return;
    }
    const OutboundDelivery& first = deliveries.front();
    const bool oneDomain = std::all_of(
        deliveries.begin(), deliveries.end(), [&first](const OutboundDelivery& d) { return d.domain == first.domain; });
    if (!oneDomain || !supportsBatch(first.domain)) {
        Connector::sendBatch(deliveries, std::move(done)); // one request per delivery
        return;
    }
    nlohmann::json body = nlohmann::json::array();
    for (const OutboundDelivery& d : deliveries) {
        body.push_back({ { "key", d.key }, { "op", d.op }, { "payload", d.payload },
            { "idempotency_key", d.idempotencyKey }, { "correlation_id", d.correlationId } });
    }
    QNetworkRequest req = request(batchUrlFor(first.domain));
    // Targets that keep one correlation id per request (like the simulated one) get it when all items share it.
    const bool oneCorrelation = std::all_of(deliveries.begin(), deliveries.end(),
        [&first](const OutboundDelivery& d) { return d.correlationId == first.correlationId; });
    if (oneCorrelation && !first.correlationId.empty())
        req.setRawHeader("X-Correlation-Id", QByteArray::fromStdString(first.correlationId));
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QNetworkReply* reply = m_nam->post(req, QByteArray::fromStdString(body.dump()));
    connect(reply, &QNetworkReply::finished, this, [reply, timer, deliveries, done = std::move(done)]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto err = reply->error();
        const bool timedOut = err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError;
        const bool tls = err == QNetworkReply::SslHandshakeFailedError;
        DeliveryOutcome http = classify(status, reply->readAll(), reply->rawHeader("Retry-After"),
            err == QNetworkReply::NoError ? std::string() : reply->errorString().toStdString(), timedOut, tls);
        http.latencyMs = timer->elapsed();
        done(classifyBatch(deliveries, http));
    });
}

bool RestConnector::supportsReadBack(std::string_view /*domain*/) const
{
    return m_readBack;
}

void RestConnector::fetch(const std::string& domain, const std::vector<std::string>& keys,
    const std::vector<std::string>& fields, FetchDone done)
{
    if (!m_readBack) {
        Connector::fetch(domain, keys, fields, std::move(done));
        return;
    }
    // A few GETs at a time, like deliveries (a landscape's max_concurrency defaults to 4). A target that
    // rate-limits the read-back (429, or 503 with Retry-After) makes the whole read-back wait as long as it says;
    // a transient failure (5xx, no answer) is asked again after a short backoff. Each key at most
    // kReadBackAttempts times: a reconciliation waits for a busy or flaky target instead of failing.
    constexpr int kReadBackInFlight = 4;
    constexpr int kReadBackAttempts = 8;
    struct State
    {
        std::string domain;
        ReadBackResult result;
        std::deque<std::pair<std::string, int>> queue; // key, attempt
        size_t remaining = 0;
        int inFlight = 0;
        bool paused = false; // the target asked to wait (Retry-After)
        FetchDone done;
        std::function<void()> pump;
    };
    auto st = std::make_shared<State>();
    st->domain = domain;
    st->remaining = keys.size();
    st->done = std::move(done);
    if (keys.empty()) {
        QMetaObject::invokeMethod(
            this, [st]() { st->done(std::move(st->result)); }, Qt::QueuedConnection);
        return;
    }
    for (const std::string& key : keys)
        st->queue.emplace_back(key, 1);
    const std::weak_ptr<State> weak = st;
    st->pump = [this, weak] {
        const auto s = weak.lock();
        while (s && !s->paused && s->inFlight < kReadBackInFlight && !s->queue.empty()) {
            std::string key = std::move(s->queue.front().first);
            const int attempt = s->queue.front().second;
            s->queue.pop_front();
            ++s->inFlight;
            OutboundDelivery d;
            d.domain = s->domain;
            d.key = key;
            QNetworkReply* reply = m_nam->get(request(urlFor(d)));
            connect(reply, &QNetworkReply::finished, this, [this, reply, s, key, attempt]() {
                reply->deleteLater();
                --s->inFlight;
                const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QByteArray body = reply->readAll();
                const QByteArray retryAfter = reply->rawHeader("Retry-After");
                if ((status == 429 || (status == 503 && !retryAfter.isEmpty())) && attempt < kReadBackAttempts) {
                    // The whole read-back waits (asking for other keys would only be refused too).
                    s->queue.emplace_front(key, attempt + 1);
                    if (!s->paused) {
                        s->paused = true;
                        const auto waitMs
                            = std::clamp<std::int64_t>(retryAfterMs(retryAfter).value_or(1000), 100, 30000);
                        QTimer::singleShot(static_cast<int>(waitMs), this, [s] {
                            s->paused = false;
                            s->pump();
                        });
                    }
                    return;
                }
                if ((status == 0 || status >= 500) && attempt < kReadBackAttempts) {
                    // A transient failure of one call: that key again after a short backoff.
                    const int waitMs = std::min(250 << (attempt - 1), 5000);
                    QTimer::singleShot(waitMs, this, [s, key, attempt] {
                        s->queue.emplace_front(key, attempt + 1);
                        s->pump();
                    });
                    s->pump();
                    return;
                }
                if (isSuccess(status)) {
                    nlohmann::json doc = nlohmann::json::parse(body.toStdString(), nullptr, false);
                    if (doc.is_object() && doc.contains("payload") && doc["payload"].is_object()) {
                        nlohmann::json record = doc["payload"];
                        record["retired"] = doc.value("retired", false);
                        s->result.records[key] = std::move(record);
                    } else if (doc.is_object()) {
                        s->result.records[key] = std::move(doc);
                    }
                } else if (status != 404 && s->result.ok) {
                    s->result.ok = false;
                    s->result.error = "GET " + key + ": "
                        + (status ? "HTTP " + std::to_string(status) : reply->errorString().toStdString())
                        + (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : std::string());
                }
                if (--s->remaining == 0) {
                    FetchDone finish = std::move(s->done);
                    s->pump = nullptr; // the pump holds no one; the last reply lets go of the state
                    finish(std::move(s->result));
                    return;
                }
                s->pump();
            });
        }
    };
    st->pump();
}

} // namespace mdsync
