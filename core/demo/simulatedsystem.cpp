#include "demo/simulatedsystem.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QtHttpServer/QAbstractHttpServer>
#include <QtHttpServer/QHttpServerRequest>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <random>

using nlohmann::json;
using namespace Qt::StringLiterals;

namespace mdsync {

namespace {

QString qstr(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string sstr(const QString& v)
{
    return v.toStdString();
}

// A response produced now and written now or later (latency).
struct Reply
{
    int status = 200;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
};

Reply jsonReply(int status, const json& body)
{
    return Reply { status, QByteArray::fromStdString(body.dump()), {} };
}

json errorBody(const QString& message, const QString& field = {})
{
    return json { { "error", sstr(message) }, { "field", sstr(field) } };
}

const char* reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

// Our own request handling on QAbstractHttpServer (QHttpServer is final). We get the socket itself, so a
// deferred response can check through a QPointer that the client is still there: a QHttpServerResponder kept
// past the handler holds a raw socket pointer and a reference to a per-socket request object, both of which
// die when the client disconnects (Qt 6.4), e.g. when a dispatcher times out.
class HttpFront final : public QAbstractHttpServer
{
public:
    using Handler = std::function<void(const QHttpServerRequest&, QTcpSocket*)>;
    HttpFront(Handler handler, QObject* parent)
        : QAbstractHttpServer(parent)
        , m_handler(std::move(handler))
    { }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override
    {
        m_handler(request, socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest& /*request*/, QTcpSocket* /*socket*/) override { }

private:
    Handler m_handler;
};

const json* lookup(const json& payload, const QString& field)
{
    const json* cur = &payload;
    for (const QString& part : field.split(u'.')) {
        if (!cur->is_object())
            return nullptr;
        const auto it = cur->find(sstr(part));
        if (it == cur->end())
            return nullptr;
        cur = &*it;
    }
    return cur;
}

quint64 fnv1a(const QString& text)
{
    quint64 h = 1469598103934665603ULL;
    for (const char c : text.toUtf8()) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

template<typename T> Result<T> configError(const QString& id, const QString& what)
{
    return makeError(u"simulated system '"_s + id + u"': "_s + what);
}

Result<QStringList> stringList(const json& v, const QString& id, const QString& where)
{
    if (!v.is_array())
        return configError<QStringList>(id, where + u" must be an array of strings"_s);
    QStringList out;
    for (const auto& e : v) {
        if (!e.is_string())
            return configError<QStringList>(id, where + u" must be an array of strings"_s);
        out.append(qstr(e.get<std::string>()));
    }
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------
// Config

Result<SimulatedConfig> SimulatedConfig::fromJson(const json& j)
{
    SimulatedConfig c;
    if (!j.is_object())
        return makeError(u"simulated system: entry must be a JSON object"_s);
    if (!j.contains("id") || !j["id"].is_string() || j["id"].get<std::string>().empty())
        return makeError(u"simulated system: key 'id' (non-empty string) is required"_s);
    c.id = qstr(j["id"].get<std::string>());
    const QString id = c.id;
    static const QStringList known { u"id"_s, u"seed"_s, u"token"_s, u"rules"_s, u"latency_ms"_s, u"error_rate"_s,
        u"rate_limit"_s, u"outages"_s, u"drift_after_requests"_s, u"drift"_s, u"kind"_s, u"name"_s };
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!known.contains(qstr(it.key())))
            return configError<SimulatedConfig>(id, u"unknown key '"_s + qstr(it.key()) + u"'"_s);
    }
    c.seed = fnv1a(id);
    if (j.contains("seed")) {
        if (!j["seed"].is_number_integer())
            return configError<SimulatedConfig>(id, u"key 'seed' must be an integer"_s);
        c.seed = j["seed"].get<quint64>();
    }
    if (j.contains("token")) {
        if (!j["token"].is_string())
            return configError<SimulatedConfig>(id, u"key 'token' must be a string"_s);
        c.token = qstr(j["token"].get<std::string>());
    }
    if (j.contains("latency_ms")) {
        const auto& l = j["latency_ms"];
        if (!l.is_array() || l.size() != 2 || !l[0].is_number_integer() || !l[1].is_number_integer()
            || l[0].get<int>() < 0 || l[1].get<int>() < l[0].get<int>())
            return configError<SimulatedConfig>(id, u"key 'latency_ms' must be [min,max] with 0 <= min <= max"_s);
        c.latencyMinMs = l[0].get<int>();
        c.latencyMaxMs = l[1].get<int>();
    }
    if (j.contains("error_rate")) {
        const auto& e = j["error_rate"];
        if (!e.is_number() || e.get<double>() < 0.0 || e.get<double>() > 1.0)
            return configError<SimulatedConfig>(id, u"key 'error_rate' must be a number in [0,1]"_s);
        c.errorRate = e.get<double>();
    }
    if (j.contains("rate_limit")) {
        const auto& r = j["rate_limit"];
        if (!r.is_object() || !r.contains("per_second") || !r["per_second"].is_number()
            || r["per_second"].get<double>() <= 0.0)
            return configError<SimulatedConfig>(id, u"key 'rate_limit.per_second' must be a number > 0"_s);
        c.ratePerSecond = r["per_second"].get<double>();
        c.rateBurst = std::max(1.0, c.ratePerSecond);
        if (r.contains("burst")) {
            if (!r["burst"].is_number() || r["burst"].get<double>() < 1.0)
                return configError<SimulatedConfig>(id, u"key 'rate_limit.burst' must be a number >= 1"_s);
            c.rateBurst = r["burst"].get<double>();
        }
    }
    if (j.contains("outages")) {
        if (!j["outages"].is_array())
            return configError<SimulatedConfig>(id, u"key 'outages' must be an array"_s);
        for (const auto& o : j["outages"]) {
            if (!o.is_object() || !o.contains("after_requests") || !o["after_requests"].is_number_integer()
                || !o.contains("for_ms") || !o["for_ms"].is_number_integer() || o["for_ms"].get<int>() <= 0
                || o["after_requests"].get<qint64>() < 0)
                return configError<SimulatedConfig>(
                    id, u"each entry of 'outages' must be {\"after_requests\":N>=0,\"for_ms\":M>0}"_s);
            c.outages.push_back({ o["after_requests"].get<qint64>(), o["for_ms"].get<int>() });
        }
        std::sort(c.outages.begin(), c.outages.end(),
            [](const SimulatedOutage& a, const SimulatedOutage& b) { return a.afterRequests < b.afterRequests; });
    }
    if (j.contains("rules")) {
        if (!j["rules"].is_object())
            return configError<SimulatedConfig>(id, u"key 'rules' must be an object {domain: rules}"_s);
        for (auto it = j["rules"].begin(); it != j["rules"].end(); ++it) {
            const QString where = u"rules."_s + qstr(it.key());
            if (!it->is_object())
                return configError<SimulatedConfig>(id, where + u" must be an object"_s);
            SimulatedDomainRules r;
            for (auto k = it->begin(); k != it->end(); ++k) {
                if (k.key() == "required") {
                    auto list = stringList(*k, id, where + u".required"_s);
                    if (!list)
                        return makeError(list.error());
                    r.required = list.value();
                } else if (k.key() == "accepted") {
                    if (!k->is_object())
                        return configError<SimulatedConfig>(id, where + u".accepted must be {field: [values]}"_s);
                    for (auto a = k->begin(); a != k->end(); ++a) {
                        auto list = stringList(*a, id, where + u".accepted."_s + qstr(a.key()));
                        if (!list)
                            return makeError(list.error());
                        r.accepted.insert(qstr(a.key()), list.value());
                    }
                } else {
                    return configError<SimulatedConfig>(
                        id, u"unknown key '"_s + where + u"."_s + qstr(k.key()) + u"'"_s);
                }
            }
            c.rules.insert(qstr(it.key()), r);
        }
    }
    if (j.contains("drift_after_requests")) {
        if (!j["drift_after_requests"].is_number_integer() || j["drift_after_requests"].get<qint64>() < 0)
            return configError<SimulatedConfig>(id, u"key 'drift_after_requests' must be an integer >= 0"_s);
        c.driftAfterRequests = j["drift_after_requests"].get<qint64>();
    }
    if (j.contains("drift")) {
        if (!j["drift"].is_object())
            return configError<SimulatedConfig>(id, u"key 'drift' must be an object {domain: drift}"_s);
        for (auto it = j["drift"].begin(); it != j["drift"].end(); ++it) {
            const QString where = u"drift."_s + qstr(it.key());
            if (!it->is_object())
                return configError<SimulatedConfig>(id, where + u" must be an object"_s);
            SimulatedDrift d;
            for (auto k = it->begin(); k != it->end(); ++k) {
                if (k.key() == "rename") {
                    if (!k->is_object())
                        return configError<SimulatedConfig>(id, where + u".rename must be {old: new}"_s);
                    for (auto r = k->begin(); r != k->end(); ++r) {
                        if (!r->is_string())
                            return configError<SimulatedConfig>(id, where + u".rename must be {old: new}"_s);
                        d.rename.insert(qstr(r.key()), qstr(r->get<std::string>()));
                    }
                } else if (k.key() == "require") {
                    auto list = stringList(*k, id, where + u".require"_s);
                    if (!list)
                        return makeError(list.error());
                    d.require = list.value();
                } else {
                    return configError<SimulatedConfig>(
                        id, u"unknown key '"_s + where + u"."_s + qstr(k.key()) + u"'"_s);
                }
            }
            c.drift.insert(qstr(it.key()), d);
        }
        if (c.driftAfterRequests < 0)
            return configError<SimulatedConfig>(id, u"key 'drift' needs 'drift_after_requests'"_s);
    }
    return c;
}

json SimulatedRecord::toJson() const
{
    json keys = json::array();
    for (const QString& k : appliedKeys)
        keys.push_back(sstr(k));
    return json { { "domain", sstr(domain) }, { "key", sstr(key) }, { "payload", payload }, { "retired", retired },
        { "applied_count", appliedCount }, { "applied_keys", keys }, { "correlation_id", sstr(lastCorrelationId) } };
}

// ---------------------------------------------------------------------------------------------------------------
// SimulatedSystem

struct SimulatedSystem::Impl
{
    struct Stored
    {
        QString domain;
        QString key;
        int status = 200;
        json body;
    };
    struct ItemResult
    {
        int status = 200;
        json body;
        bool replay = false;
    };

    SimulatedSystem* q = nullptr;
    HttpFront* front = nullptr; // child of q, deleted first in ~SimulatedSystem
    QTcpServer* tcp = nullptr; // child of front
    QTimer* upTimer = nullptr; // child of q
    std::mt19937_64 rng;
    QElapsedTimer clock;
    double tokens = 0.0;
    qint64 lastRefillMs = 0;
    size_t nextOutage = 0;
    std::map<std::pair<QString, QString>, SimulatedRecord> records;
    QHash<QString, Stored> byIdempotencyKey;
    std::map<int, qint64> byStatus;
    qint64 replays = 0;

    double uniform() { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
    int latencyMs()
    {
        const auto& c = q->m_config;
        if (c.latencyMaxMs <= 0)
            return 0;
        return c.latencyMinMs + static_cast<int>(rng() % static_cast<quint64>(c.latencyMaxMs - c.latencyMinMs + 1));
    }

    // Token bucket; returns 0 when a token was taken, else the seconds until one is available.
    int takeToken()
    {
        const auto& c = q->m_config;
        if (c.ratePerSecond <= 0.0)
            return 0;
        const qint64 now = clock.elapsed();
        tokens = std::min(c.rateBurst, tokens + static_cast<double>(now - lastRefillMs) / 1000.0 * c.ratePerSecond);
        lastRefillMs = now;
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return 0;
        }
        return std::max(1, static_cast<int>(std::ceil((1.0 - tokens) / c.ratePerSecond)));
    }

    void handle(const QHttpServerRequest& request, QTcpSocket* socket);
    Reply process(const QHttpServerRequest& request);
    Reply batch(const QString& domain, const QByteArray& body, const QString& correlationId);
    ItemResult applyOne(const QString& domain, const QString& key, bool retire, const json& payload,
        const QString& idempotencyKey, const QString& correlationId);
    std::optional<std::pair<QString, QString>> violation(const QString& domain, const json& payload) const;
    void send(QTcpSocket* socket, const Reply& reply, bool close);
};

namespace {

QByteArray header(const QHttpServerRequest& request, const QByteArray& name)
{
    for (const auto& [k, v] : request.headers()) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v.trimmed();
    }
    return {};
}

} // namespace

void SimulatedSystem::Impl::handle(const QHttpServerRequest& request, QTcpSocket* socket)
{
    Q_ASSERT(QThread::currentThread() == q->thread());
    const bool close = header(request, "connection").compare("close", Qt::CaseInsensitive) == 0;
    const QString path = request.url().path(QUrl::FullyEncoded);
    if (path == u"/_stats"_s) {
        send(socket, jsonReply(request.method() == QHttpServerRequest::Method::Get ? 200 : 405, q->stats()), close);
        return;
    }
    ++q->m_requestsReceived;
    const auto& outages = q->m_config.outages;
    if (nextOutage < outages.size() && q->m_requestsReceived > outages[nextOutage].afterRequests) {
        // This request is cut off (connection closed without a response) and the listener goes away.
        const int ms = outages[nextOutage].forMs;
        ++nextOutage;
        q->goDown(ms);
        return;
    }
    Reply reply = process(request);
    ++byStatus[reply.status];
    const int delay = latencyMs();
    if (delay <= 0) {
        send(socket, reply, close);
        return;
    }
    QTimer::singleShot(delay, q, [this, socket = QPointer<QTcpSocket>(socket), reply = std::move(reply), close] {
        // The client may have given up (socket gone) or the system may be down meanwhile: then nobody hears back.
        if (socket && socket->state() == QAbstractSocket::ConnectedState && !q->m_down)
            send(socket, reply, close);
    });
}

void SimulatedSystem::Impl::send(QTcpSocket* socket, const Reply& reply, bool close)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    for (const auto& [k, v] : reply.headers)
        out += k + ": " + v + "\r\n";
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n" + reply.body;
    socket->write(out);
    socket->flush();
    if (close)
        socket->disconnectFromHost();
}

Reply SimulatedSystem::Impl::process(const QHttpServerRequest& request)
{
    const auto& c = q->m_config;
    if (!c.token.isEmpty() && header(request, "authorization") != "Bearer " + c.token.toUtf8()) {
        Reply r = jsonReply(401, errorBody(u"missing or wrong bearer token"_s, u"Authorization"_s));
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    if (const int wait = takeToken(); wait > 0) {
        Reply r = jsonReply(429, errorBody(u"rate limit exceeded"_s));
        r.headers.emplace_back("Retry-After", QByteArray::number(wait));
        return r;
    }
    if (c.errorRate > 0.0 && uniform() < c.errorRate) {
        static constexpr std::array<int, 3> codes = { 500, 502, 503 };
        return jsonReply(codes[rng() % 3], errorBody(u"simulated server failure"_s));
    }

    QStringList parts;
    for (const QString& seg : request.url().path(QUrl::FullyEncoded).split(u'/', Qt::SkipEmptyParts))
        parts.append(QUrl::fromPercentEncoding(seg.toUtf8()));
    if (parts.size() != 3 || parts[0] != u"api"_s)
        return jsonReply(404, errorBody(u"no such endpoint; expected /api/<domain>/<key>"_s));
    const QString& domain = parts[1];
    const QString& key = parts[2];
    const auto method = request.method();
    const QString correlationId = QString::fromUtf8(header(request, "x-correlation-id"));

    if (key == u"_batch"_s) {
        if (method != QHttpServerRequest::Method::Post)
            return jsonReply(405, errorBody(u"use POST for /api/<domain>/_batch"_s));
        return batch(domain, request.body(), correlationId);
    }
    if (method == QHttpServerRequest::Method::Get) {
        const auto it = records.find({ domain, key });
        if (it == records.end())
            return jsonReply(404, errorBody(u"no record "_s + domain + u"/"_s + key));
        return jsonReply(200, it->second.toJson());
    }
    if (method != QHttpServerRequest::Method::Put && method != QHttpServerRequest::Method::Delete)
        return jsonReply(405, errorBody(u"use PUT, DELETE or GET on /api/<domain>/<key>"_s));

    const QString idempotencyKey = QString::fromUtf8(header(request, "idempotency-key"));
    if (idempotencyKey.isEmpty())
        return jsonReply(400, errorBody(u"header Idempotency-Key is required"_s, u"Idempotency-Key"_s));
    const bool retire = method == QHttpServerRequest::Method::Delete;
    json payload;
    if (!retire) {
        const QByteArray body = request.body();
        payload = json::parse(body.begin(), body.end(), nullptr, false);
        if (payload.is_discarded() || !payload.is_object())
            return jsonReply(400, errorBody(u"body must be a JSON object"_s));
    }
    const ItemResult item = applyOne(domain, key, retire, payload, idempotencyKey, correlationId);
    Reply r = jsonReply(item.status, item.body);
    if (item.replay)
        r.headers.emplace_back("Idempotent-Replay", "true");
    return r;
}

Reply SimulatedSystem::Impl::batch(const QString& domain, const QByteArray& body, const QString& correlationId)
{
    const json items = json::parse(body.begin(), body.end(), nullptr, false);
    if (items.is_discarded() || !items.is_array())
        return jsonReply(400, errorBody(u"batch body must be a JSON array of {key, op, payload, idempotency_key}"_s));
    json results = json::array();
    for (size_t i = 0; i < items.size(); ++i) {
        const json& it = items[i];
        const auto str = [&it](const char* name) {
            return it.is_object() && it.contains(name) && it[name].is_string() ? qstr(it[name].get<std::string>())
                                                                               : QString();
        };
        const QString key = str("key");
        const QString op = str("op");
        const QString idem = str("idempotency_key");
        json result { { "index", i }, { "key", sstr(key) }, { "idempotency_key", sstr(idem) }, { "replay", false } };
        const auto fail = [&](int status, const QString& message, const QString& field) {
            result["status"] = status;
            result["error"] = sstr(message);
            result["field"] = sstr(field);
            ++byStatus[status];
        };
        const bool retire = op == u"delete"_s || op == u"retire"_s;
        if (key.isEmpty() || key == u"_batch"_s) {
            fail(400, u"item "_s + QString::number(i) + u": 'key' must be a non-empty string"_s, u"key"_s);
        } else if (!retire && op != u"upsert"_s && op != u"put"_s) {
            fail(400, u"item "_s + QString::number(i) + u": 'op' must be upsert or delete"_s, u"op"_s);
        } else if (idem.isEmpty()) {
            fail(400, u"item "_s + QString::number(i) + u": 'idempotency_key' is required"_s, u"idempotency_key"_s);
        } else if (!retire && (!it.contains("payload") || !it["payload"].is_object())) {
            fail(400, u"item "_s + QString::number(i) + u": 'payload' must be a JSON object"_s, u"payload"_s);
        } else {
            const ItemResult r = applyOne(domain, key, retire, retire ? json() : it["payload"], idem, correlationId);
            result["status"] = r.status;
            result["replay"] = r.replay;
            if (r.status != 200) {
                result["error"] = r.body.value("error", "");
                result["field"] = r.body.value("field", "");
            }
        }
        results.push_back(std::move(result));
    }
    return jsonReply(200, results);
}

std::optional<std::pair<QString, QString>> SimulatedSystem::Impl::violation(
    const QString& domain, const json& payload) const
{
    const SimulatedDomainRules rules = q->m_config.rules.value(domain);
    const bool drifted = q->isDrifted();
    const SimulatedDrift drift = drifted ? q->m_config.drift.value(domain) : SimulatedDrift {};
    for (auto it = drift.rename.cbegin(); it != drift.rename.cend(); ++it) {
        if (lookup(payload, it.key()))
            return std::pair {
                u"field '"_s + it.key() + u"' was renamed to '"_s + it.value() + u"' by a target upgrade"_s, it.key()
            };
    }
    const auto name = [&drift](const QString& f) { return drift.rename.value(f, f); };
    QStringList required;
    for (const QString& f : rules.required)
        required.append(name(f));
    required += drift.require;
    for (const QString& f : std::as_const(required)) {
        const json* v = lookup(payload, f);
        if (!v || v->is_null())
            return std::pair { u"missing required field '"_s + f + u"'"_s, f };
    }
    for (auto it = rules.accepted.cbegin(); it != rules.accepted.cend(); ++it) {
        const QString f = name(it.key());
        const json* v = lookup(payload, f);
        const QString got = !v ? u"nothing"_s : v->is_string() ? qstr(v->get<std::string>()) : qstr(v->dump());
        if (!v || !v->is_string() || !it.value().contains(got))
            return std::pair {
                u"field '"_s + f + u"' must be one of ["_s + it.value().join(u", "_s) + u"], got "_s + got, f
            };
    }
    return std::nullopt;
}

SimulatedSystem::Impl::ItemResult SimulatedSystem::Impl::applyOne(const QString& domain, const QString& key,
    bool retire, const json& payload, const QString& idempotencyKey, const QString& correlationId)
{
    if (const auto it = byIdempotencyKey.constFind(idempotencyKey); it != byIdempotencyKey.cend()) {
        if (it->domain != domain || it->key != key) {
            return { 422,
                errorBody(u"Idempotency-Key '"_s + idempotencyKey + u"' was already used for "_s + it->domain + u"/"_s
                        + it->key,
                    u"Idempotency-Key"_s),
                false };
        }
        ++replays;
        return { it->status, it->body, true };
    }
    auto rec = records.find({ domain, key });
    if (retire) {
        if (rec == records.end())
            return { 404, errorBody(u"cannot retire "_s + domain + u"/"_s + key + u": no such record"_s), false };
    } else if (const auto bad = violation(domain, payload)) {
        return { 422, errorBody(bad->first, bad->second), false };
    }
    if (rec == records.end()) {
        rec = records.emplace(std::pair { domain, key }, SimulatedRecord {}).first;
        rec->second.domain = domain;
        rec->second.key = key;
    }
    SimulatedRecord& r = rec->second;
    if (retire) {
        r.retired = true;
    } else {
        r.payload = payload;
        r.retired = false;
    }
    ++r.appliedCount;
    r.appliedKeys.append(idempotencyKey);
    r.lastCorrelationId = correlationId;
    ++q->m_totalApplied;
    const json body { { "status", retire ? "retired" : "applied" }, { "domain", sstr(domain) }, { "key", sstr(key) },
        { "applied_count", r.appliedCount }, { "idempotency_key", sstr(idempotencyKey) } };
    byIdempotencyKey.insert(idempotencyKey, Stored { domain, key, 200, body });
    Q_EMIT q->changeApplied(domain, key, idempotencyKey);
    return { 200, body, false };
}

SimulatedSystem::SimulatedSystem(SimulatedConfig config, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Impl>())
    , m_config(std::move(config))
{
    d->q = this;
    d->rng.seed(m_config.seed);
    d->clock.start();
    d->tokens = m_config.rateBurst;
    d->front = new HttpFront(
        [this](const QHttpServerRequest& request, QTcpSocket* socket) { d->handle(request, socket); }, this);
    d->upTimer = new QTimer(this);
    d->upTimer->setSingleShot(true);
    connect(d->upTimer, &QTimer::timeout, this, [this] {
        if (auto up = goUp(); !up) {
            qWarning("%s; retrying in 100 ms", qUtf8Printable(up.error()));
            d->upTimer->start(100);
        }
    });
}

SimulatedSystem::~SimulatedSystem()
{
    delete d->front; // sockets and the listener go first: nothing may call into d afterwards
    d->front = nullptr;
}

Result<quint16> SimulatedSystem::start(quint16 port)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (d->tcp)
        return makeError(u"simulated system '"_s + m_config.id + u"' is already started"_s);
    auto* tcp = new QTcpServer(this);
    if (!tcp->listen(QHostAddress::LocalHost, port)) {
        const QString why = tcp->errorString();
        delete tcp;
        return makeError(u"simulated system '"_s + m_config.id + u"': cannot listen on 127.0.0.1:"_s
            + QString::number(port) + u": "_s + why);
    }
    d->front->bind(tcp); // reparents to front
    d->tcp = tcp;
    m_port = tcp->serverPort();
    return m_port;
}

QString SimulatedSystem::baseUrl() const
{
    return u"http://127.0.0.1:"_s + QString::number(m_port);
}

void SimulatedSystem::goDown(int ms)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!d->tcp)
        return;
    if (!m_down) {
        d->tcp->close();
        // Close open keep-alive connections too, or clients would keep talking to a "dead" system.
        const auto sockets = d->tcp->findChildren<QTcpSocket*>();
        for (QTcpSocket* socket : sockets)
            socket->disconnectFromHost();
        m_down = true;
        Q_EMIT downChanged(true);
    }
    if (ms > 0)
        d->upTimer->start(ms);
    else
        d->upTimer->stop();
}

Result<void> SimulatedSystem::goUp()
{
    Q_ASSERT(QThread::currentThread() == thread());
    d->upTimer->stop();
    if (!d->tcp || !m_down)
        return {};
    if (!d->tcp->listen(QHostAddress::LocalHost, m_port)) {
        return makeError(u"simulated system '"_s + m_config.id + u"': cannot listen again on 127.0.0.1:"_s
            + QString::number(m_port) + u": "_s + d->tcp->errorString());
    }
    m_down = false;
    Q_EMIT downChanged(false);
    return {};
}

bool SimulatedSystem::isDrifted() const
{
    return m_config.driftAfterRequests >= 0 && m_requestsReceived > m_config.driftAfterRequests;
}

int SimulatedSystem::appliedCount(const QString& domain, const QString& key) const
{
    const auto it = d->records.find({ domain, key });
    return it == d->records.end() ? 0 : it->second.appliedCount;
}

QStringList SimulatedSystem::appliedKeys(const QString& domain, const QString& key) const
{
    const auto it = d->records.find({ domain, key });
    return it == d->records.end() ? QStringList() : it->second.appliedKeys;
}

std::optional<SimulatedRecord> SimulatedSystem::record(const QString& domain, const QString& key) const
{
    const auto it = d->records.find({ domain, key });
    if (it == d->records.end())
        return std::nullopt;
    return it->second;
}

json SimulatedSystem::stats() const
{
    json byStatus = json::object();
    for (const auto& [status, n] : d->byStatus)
        byStatus[std::to_string(status)] = n;
    return json { { "id", sstr(m_config.id) }, { "port", m_port }, { "down", m_down }, { "drifted", isDrifted() },
        { "requests_received", m_requestsReceived }, { "total_applied", m_totalApplied }, { "replays", d->replays },
        { "records", d->records.size() }, { "by_status", byStatus } };
}

json SimulatedSystem::state() const
{
    json records = json::array();
    for (const auto& [k, r] : d->records)
        records.push_back(r.toJson());
    json answered = json::array();
    for (auto it = d->byIdempotencyKey.cbegin(); it != d->byIdempotencyKey.cend(); ++it)
        answered.push_back({ { "idempotency_key", sstr(it.key()) }, { "domain", sstr(it->domain) },
            { "key", sstr(it->key) }, { "status", it->status }, { "body", it->body } });
    return json { { "id", sstr(m_config.id) }, { "requests_received", m_requestsReceived },
        { "total_applied", m_totalApplied }, { "records", records }, { "answered", answered } };
}

Result<void> SimulatedSystem::restoreState(const json& state)
{
    const QString where = u"simulated system '"_s + m_config.id + u"': saved state: "_s;
    if (!state.is_object() || !state.value("records", json()).is_array() || !state.value("answered", json()).is_array())
        return makeError(where + u"expected {\"records\": [...], \"answered\": [...]}"_s);
    std::map<std::pair<QString, QString>, SimulatedRecord> records;
    QHash<QString, Impl::Stored> answered;
    try {
        for (const json& j : state["records"]) {
            SimulatedRecord r;
            r.domain = qstr(j.at("domain").get<std::string>());
            r.key = qstr(j.at("key").get<std::string>());
            r.payload = j.at("payload");
            r.retired = j.at("retired").get<bool>();
            r.appliedCount = j.at("applied_count").get<int>();
            for (const json& k : j.at("applied_keys"))
                r.appliedKeys.append(qstr(k.get<std::string>()));
            r.lastCorrelationId = qstr(j.value("correlation_id", std::string()));
            records[{ r.domain, r.key }] = std::move(r);
        }
        for (const json& j : state["answered"])
            answered.insert(qstr(j.at("idempotency_key").get<std::string>()),
                Impl::Stored { qstr(j.at("domain").get<std::string>()), qstr(j.at("key").get<std::string>()),
                    j.at("status").get<int>(), j.at("body") });
        m_requestsReceived = state.value("requests_received", qint64(0));
        m_totalApplied = state.value("total_applied", qint64(0));
    } catch (const json::exception& e) {
        return makeError(where + QString::fromUtf8(e.what()));
    }
    d->records = std::move(records);
    d->byIdempotencyKey = std::move(answered);
    // Outages already past stay past.
    d->nextOutage = 0;
    while (
        d->nextOutage < m_config.outages.size() && m_config.outages[d->nextOutage].afterRequests < m_requestsReceived)
        ++d->nextOutage;
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// SimulatedLandscape

SimulatedLandscape::SimulatedLandscape(QObject* parent)
    : QObject(parent)
{ }

SimulatedLandscape::~SimulatedLandscape() = default;

Result<QHash<QString, quint16>> SimulatedLandscape::start(const json& systems, quint16 firstPort)
{
    if (!systems.is_array())
        return makeError(u"simulated landscape: expected a JSON array of systems"_s);
    std::vector<std::pair<QString, SimulatedSystem*>> started;
    const auto rollback = [&started] {
        for (auto& [id, sys] : started)
            delete sys;
    };
    for (size_t i = 0; i < systems.size(); ++i) {
        auto config = SimulatedConfig::fromJson(systems[i]);
        if (!config) {
            rollback();
            return makeError(u"simulated landscape entry "_s + QString::number(i) + u": "_s + config.error());
        }
        const QString id = config->id;
        const auto dup = [&id](const auto& e) { return e.first == id; };
        if (std::any_of(started.begin(), started.end(), dup) || std::any_of(m_systems.begin(), m_systems.end(), dup)) {
            rollback();
            return makeError(
                u"simulated landscape entry "_s + QString::number(i) + u": duplicate id '"_s + id + u"'"_s);
        }
        auto* sys = new SimulatedSystem(std::move(config.value()), this);
        if (firstPort > 0 && firstPort + i > 65535) {
            delete sys;
            rollback();
            return makeError(u"simulated landscape: port "_s + QString::number(firstPort + i) + u" is out of range"_s);
        }
        if (auto port = sys->start(firstPort > 0 ? static_cast<quint16>(firstPort + i) : 0); !port) {
            delete sys;
            rollback();
            return makeError(port.error());
        }
        started.emplace_back(id, sys);
    }
    m_systems.insert(m_systems.end(), started.begin(), started.end());
    return ports();
}

SimulatedSystem* SimulatedLandscape::system(const QString& id) const
{
    for (const auto& [sid, sys] : m_systems) {
        if (sid == id)
            return sys;
    }
    return nullptr;
}

QHash<QString, quint16> SimulatedLandscape::ports() const
{
    QHash<QString, quint16> out;
    for (const auto& [id, sys] : m_systems)
        out.insert(id, sys->port());
    return out;
}

QStringList SimulatedLandscape::ids() const
{
    QStringList out;
    for (const auto& [id, sys] : m_systems)
        out.append(id);
    return out;
}

} // namespace mdsync
