#include "sync/inboundserver.h"

#include <QCryptographicHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QtHttpServer/QHttpServer>
#include <QtHttpServer/QHttpServerRequest>
#include <QtHttpServer/QHttpServerResponder>
#include <QtHttpServer/QHttpServerResponse>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace mdsync {

namespace {

using Status = QHttpServerResponder::StatusCode;
using Method = QHttpServerRequest::Method;

const QByteArray kJson = QByteArrayLiteral("application/json");

QByteArray utf8(const nlohmann::json& j)
{
    const std::string s = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return { s.data(), static_cast<qsizetype>(s.size()) };
}

QHttpServerResponse jsonResponse(const nlohmann::json& body, Status status = Status::Ok)
{
    return { kJson, utf8(body), status };
}

QHttpServerResponse errorResponse(const QString& message, Status status)
{
    return jsonResponse(nlohmann::json { { "error", message.toStdString() } }, status);
}

QByteArray header(const QHttpServerRequest& request, const QByteArray& name)
{
    for (const auto& [k, v] : request.headers()) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v.trimmed();
    }
    return {};
}

// Compares SHA-256 digests of both sides in constant time: neither the content nor the length of the expected
// token leaks through timing.
bool sameSecret(const QByteArray& given, const QByteArray& expected)
{
    const QByteArray a = QCryptographicHash::hash(given, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(expected, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

QString methodName(Method m)
{
    switch (m) {
    case Method::Get:
        return QStringLiteral("GET");
    case Method::Put:
        return QStringLiteral("PUT");
    case Method::Delete:
        return QStringLiteral("DELETE");
    case Method::Post:
        return QStringLiteral("POST");
    case Method::Head:
        return QStringLiteral("HEAD");
    case Method::Options:
        return QStringLiteral("OPTIONS");
    case Method::Patch:
        return QStringLiteral("PATCH");
    default:
        return QStringLiteral("?");
    }
}

// The body as input lines for the pipeline. Blank lines stay (as empty strings) so that line numbers are the
// body's own. A body that is one JSON object over several lines (pretty-printed) is one event, kept verbatim.
struct Lines
{
    std::vector<std::string> lines;
    QString error; // a request error (400): nothing is ingested
};

Lines splitBody(const QByteArray& body)
{
    Lines out;
    std::string_view text(body.constData(), static_cast<size_t>(body.size()));
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    const size_t firstChar = text.find_first_not_of(" \t\r\n");
    if (firstChar == std::string_view::npos) {
        out.error = QStringLiteral("body is empty: send one change-event envelope (a JSON object) or JSON Lines "
                                   "(one envelope per line)");
        return out;
    }
    size_t nonBlank = 0;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        if (line.find_first_not_of(" \t") != std::string_view::npos)
            ++nonBlank;
        out.lines.emplace_back(line);
        pos = end + 1;
    }
    if (text[firstChar] == '[' || (nonBlank > 1 && text[firstChar] == '{')) {
        const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
        if (doc.is_array()) {
            out.lines.clear();
            out.error = QStringLiteral("body is a JSON array: send one change-event envelope (a JSON object) or "
                                       "JSON Lines (one envelope per line)");
        } else if (doc.is_object() && nonBlank > 1) {
            // One pretty-printed envelope: one event, its text kept as sent.
            out.lines.assign(1, std::string(text));
        }
    }
    return out;
}

} // namespace

class InboundServer::Impl
{
public:
    explicit Impl(InboundServer* q)
        : q(q)
    { }

    QHttpServerResponse ingest(const QHttpServerRequest& request, bool dryRun) const;
    QString checkRequest(const QHttpServerRequest& request, Status& status) const;

    InboundServer* q;
    QPointer<QHttpServer> http;
    QPointer<QTcpServer> tcp;
};

QString InboundServer::Impl::checkRequest(const QHttpServerRequest& request, Status& status) const
{
    const QString what = methodName(request.method()) + QLatin1Char(' ') + request.url().path();
    const QByteArray auth = header(request, "authorization");
    if (auth.isEmpty()) {
        status = Status::Unauthorized;
        return what + QStringLiteral(": missing header 'Authorization: Bearer <token>'");
    }
    const qsizetype space = auth.indexOf(' ');
    if (space <= 0 || auth.left(space).compare("Bearer", Qt::CaseInsensitive) != 0) {
        status = Status::Unauthorized;
        return what + QStringLiteral(": the Authorization header must use the Bearer scheme");
    }
    if (!sameSecret(auth.mid(space + 1).trimmed(), q->m_options.token)) {
        status = Status::Unauthorized;
        return what + QStringLiteral(": wrong bearer token");
    }
    const qsizetype size = request.body().size();
    if (size > q->m_options.maxBodyBytes) {
        status = Status::PayloadTooLarge;
        return what
            + QStringLiteral(": body is %1 bytes, more than the limit of %2 bytes; split the batch")
                  .arg(size)
                  .arg(q->m_options.maxBodyBytes);
    }
    QByteArray type = header(request, "content-type");
    if (const qsizetype semi = type.indexOf(';'); semi >= 0)
        type.truncate(semi);
    type = type.trimmed().toLower();
    static const std::array<QByteArray, 5> accepted
        = { "", "application/json", "application/x-ndjson", "application/jsonl", "application/x-jsonlines" };
    if (std::find(std::begin(accepted), std::end(accepted), type) == std::end(accepted)) {
        status = Status::UnsupportedMediaType;
        return what + QStringLiteral(": Content-Type '") + QString::fromLatin1(type)
            + QStringLiteral("' is not accepted; use application/json or application/x-ndjson");
    }
    return {};
}

QHttpServerResponse InboundServer::Impl::ingest(const QHttpServerRequest& request, bool dryRun) const
{
    Q_ASSERT(QThread::currentThread() == q->thread());
    const QString what = dryRun ? QStringLiteral("POST /validate") : QStringLiteral("POST /events");
    if (request.method() != Method::Post) {
        QHttpServerResponse r = errorResponse(methodName(request.method()) + QLatin1Char(' ') + request.url().path()
                + QStringLiteral(": method not allowed, use POST"),
            Status::MethodNotAllowed);
        r.setHeader("Allow", "POST");
        return r;
    }
    Status status = Status::Ok;
    if (QString problem = checkRequest(request, status); !problem.isEmpty()) {
        QHttpServerResponse r = errorResponse(problem, status);
        if (status == Status::Unauthorized)
            r.setHeader("WWW-Authenticate", "Bearer realm=\"mdsync\"");
        return r;
    }
    Lines in = splitBody(request.body());
    if (!in.error.isEmpty())
        return errorResponse(what + QStringLiteral(": ") + in.error, Status::BadRequest);

    std::vector<LineVerdict> verdicts;
    IngestOptions options;
    options.sourceName = QStringLiteral("webhook");
    options.actor = q->m_options.actor;
    options.clock = q->m_options.clock;
    options.verdicts = &verdicts;
    options.dryRun = dryRun;
    auto result = q->m_pipeline.ingestLines(in.lines, options);
    if (!result) {
        return errorResponse(
            what + QStringLiteral(": the workspace could not store the events, retry later: ") + result.error(),
            Status::ServiceUnavailable);
    }
    nlohmann::json body = result->toJson();
    if (dryRun) {
        body.erase("run_id");
        body["dry_run"] = true;
    }
    nlohmann::json lines = nlohmann::json::array();
    for (const LineVerdict& v : verdicts)
        lines.push_back(v.toJson());
    body["lines"] = std::move(lines);
    if (!dryRun)
        Q_EMIT q->eventsIngested(result.value());
    return jsonResponse(body);
}

InboundServer::InboundServer(IngestPipeline& pipeline, InboundOptions options, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Impl>(this))
    , m_pipeline(pipeline)
    , m_options(std::move(options))
{ }

InboundServer::~InboundServer()
{
    delete d->http; // the listener and its sockets go first: no request may reach a half-destroyed server
}

Result<quint16> InboundServer::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString where = QStringLiteral("inbound server on %1:%2")
                              .arg(m_options.address.toString())
                              .arg(m_options.port ? QString::number(m_options.port) : QStringLiteral("<any port>"));
    if (m_options.token.isEmpty())
        return makeError(where
            + QStringLiteral(": no bearer token configured; refusing to start an endpoint that anyone could write "
                             "to (set a token)"));
    if (d->tcp && d->tcp->isListening())
        return makeError(where + QStringLiteral(": already listening on port %1").arg(m_port));

    if (!d->http) {
        auto* http = new QHttpServer(this);
        http->route(QStringLiteral("/events"), [this](const QHttpServerRequest& r) { return d->ingest(r, false); });
        http->route(QStringLiteral("/validate"), [this](const QHttpServerRequest& r) { return d->ingest(r, true); });
        http->route(QStringLiteral("/health"), [](const QHttpServerRequest& r) {
            if (r.method() != Method::Get && r.method() != Method::Head) {
                QHttpServerResponse resp
                    = errorResponse(methodName(r.method()) + QStringLiteral(" /health: method not allowed, use GET"),
                        Status::MethodNotAllowed);
                resp.setHeader("Allow", "GET");
                return resp;
            }
            return jsonResponse(nlohmann::json { { "status", "ok" } });
        });
        http->setMissingHandler([](const QHttpServerRequest& r, QHttpServerResponder&& responder) {
            const QString message = methodName(r.method()) + QLatin1Char(' ') + r.url().path()
                + QStringLiteral(": no such endpoint (POST /events, POST /validate, GET /health)");
            responder.write(utf8(nlohmann::json { { "error", message.toStdString() } }), kJson, Status::NotFound);
        });
        http->afterRequest([](QHttpServerResponse&& resp) {
            resp.setHeader("Cache-Control", "no-store");
            resp.setHeader("X-Content-Type-Options", "nosniff");
            return std::move(resp);
        });
        d->http = http;
    }
    auto* tcp = new QTcpServer(this);
    if (!tcp->listen(m_options.address, m_options.port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return makeError(where + QStringLiteral(": cannot listen: ") + why);
    }
    d->http->bind(tcp); // reparents to the http server
    d->tcp = tcp;
    m_port = tcp->serverPort();
    return m_port;
}

void InboundServer::stop()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!d->tcp)
        return;
    d->tcp->close();
    const auto sockets = d->http->findChildren<QTcpSocket*>();
    for (QTcpSocket* socket : sockets)
        socket->disconnectFromHost();
    delete d->tcp;
    m_port = 0;
}

bool InboundServer::isListening() const
{
    return d->tcp && d->tcp->isListening();
}

} // namespace mdsync
