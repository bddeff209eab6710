#include "connectors/tryton/trytonconnector.h"

#include "connectors/tryton/trytonschema.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <set>

namespace mdsync {

using json = nlohmann::json;
using tryton::DomainSchema;
using tryton::FieldKind;

namespace {

Q_LOGGING_CATEGORY(lcTryton, "mdsync.tryton", QtWarningMsg)

// A number as Tryton's typed Decimal (shortest text that reads back as the same double).
json trytonDecimal(const json& v)
{
    std::string text;
    if (v.is_number_integer()) {
        text = std::to_string(v.get<std::int64_t>());
    } else if (v.is_number()) {
        std::array<char, 64> buf {};
        auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v.get<double>());
        text.assign(buf.data(), r.ptr);
    } else if (v.is_string()) {
        text = v.get<std::string>();
    } else {
        return v;
    }
    return json { { "__class__", "Decimal" }, { "decimal", text } };
}

// Tryton's Decimal (or a plain number) back as a JSON number.
json trytonNumber(const json& v)
{
    if (v.is_object() && v.value("__class__", std::string()) == "Decimal") {
        const std::string text = v.value("decimal", std::string("0"));
        double d = 0;
        std::from_chars(text.data(), text.data() + text.size(), d);
        return d;
    }
    return v;
}

json trytonBool(const json& v)
{
    if (v.is_number())
        return v.get<double>() != 0;
    return v;
}

std::string trytonLower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// A dotted read ("uom.symbol") answers {"uom.": {"symbol": ..., "id": ...}}.
json trytonDotted(const json& record, const std::string& field, const char* sub)
{
    auto it = record.find(field + ".");
    if (it == record.end() || !it->is_object())
        return nullptr;
    auto s = it->find(sub);
    return s == it->end() ? json(nullptr) : *s;
}

const char* trytonRefField(FieldKind k)
{
    switch (k) {
    case FieldKind::Uom:
    case FieldKind::OutputUom:
        return "symbol";
    case FieldKind::Operation:
        return "name";
    default:
        return "code";
    }
}

// Asynchronous steps run in order: each gets the function that starts the next one.
using TrytonStep = std::function<void(std::function<void()>)>;
void trytonRunSteps(const std::shared_ptr<std::vector<TrytonStep>>& steps, size_t n)
{
    if (n < steps->size())
        (*steps)[n]([steps, n]() { trytonRunSteps(steps, n + 1); });
}

bool trytonIsRef(FieldKind k)
{
    return k == FieldKind::Uom || k == FieldKind::Product || k == FieldKind::Party || k == FieldKind::Location
        || k == FieldKind::Operation;
}

// Whether a domain's fields or rows name units of measure (then the job reads product.uom first, once).
bool trytonNeedsUoms(const DomainSchema& schema)
{
    bool needsUom = false;
    for (const auto& f : schema.fields)
        needsUom = needsUom || f.kind == FieldKind::Uom || f.kind == FieldKind::OutputUom;
    for (const auto& r : schema.rows)
        for (const auto& c : r.columns)
            needsUom = needsUom || c.kind == FieldKind::Uom;
    return needsUom;
}

// The codes of one reference kind that the deliveries' payloads name (fields and row columns); retires name none.
std::set<std::string> trytonReferencedCodes(
    const std::vector<OutboundDelivery>& deliveries, const DomainSchema& schema, FieldKind kind)
{
    std::set<std::string> codes;
    for (const auto& d : deliveries) {
        if (d.op == "delete")
            continue;
        for (auto it = d.payload.begin(); it != d.payload.end(); ++it) {
            FieldKind k = schema.kindOf(it.key());
            if (k == FieldKind::OutputProduct)
                k = FieldKind::Product;
            if (k == FieldKind::SupplierLink)
                k = FieldKind::Party;
            if (k == kind && it->is_string())
                codes.insert(it->get<std::string>());
            if (k == FieldKind::Rows && it->is_array()) {
                const auto* rows = schema.rowsOf(it.key());
                for (const auto& row : *it)
                    for (const auto& c : rows ? rows->columns : std::vector<tryton::FieldDef> {})
                        if (c.kind == kind && row.is_object() && row.value(c.name, json()).is_string())
                            codes.insert(row[c.name].get<std::string>());
            }
        }
    }
    return codes;
}

// The fields a read-back reads from a domain's model: plain fields, references dotted ("uom.symbol"), and the
// one2many ids (variants, supplier links, BOM outputs) whose rows are read next.
json trytonReadFields(const DomainSchema& schema, const std::vector<std::string>& wanted)
{
    json readFields = json::array({ schema.keyField, "active" });
    bool variants = false;
    bool links = false;
    bool outputs = false;
    for (const std::string& f : wanted) {
        const FieldKind k = schema.kindOf(f);
        if (trytonIsRef(k))
            readFields.push_back(f + "." + trytonRefField(k));
        else if (k == FieldKind::VariantDecimal)
            variants = true;
        else if (k == FieldKind::SupplierLink)
            links = true;
        else if (k == FieldKind::OutputProduct || k == FieldKind::OutputQuantity || k == FieldKind::OutputUom)
            outputs = true;
        else
            readFields.push_back(f);
    }
    if (variants)
        readFields.push_back("products");
    if (links)
        readFields.push_back("product_suppliers");
    if (outputs)
        readFields.push_back("outputs");
    return readFields;
}

// One record read back from Tryton in the vocabulary of the contract's target fields (the shape of a payload);
// `subRows` holds the one2many rows read by id.
json trytonReadBackRecord(
    const json& r, const DomainSchema& schema, const std::vector<std::string>& wanted, std::map<int, json>& subRows)
{
    json out = json::object();
    for (const std::string& f : wanted) {
        const FieldKind k = schema.kindOf(f);
        switch (k) {
        case FieldKind::Plain:
            out[f] = r.value(f, json());
            break;
        case FieldKind::Bool:
            out[f] = trytonBool(r.value(f, json()));
            break;
        case FieldKind::Decimal:
            out[f] = trytonNumber(r.value(f, json()));
            break;
        case FieldKind::Uom:
        case FieldKind::Product:
        case FieldKind::Party:
        case FieldKind::Location:
        case FieldKind::Operation:
            out[f] = trytonDotted(r, f, trytonRefField(k));
            break;
        case FieldKind::VariantDecimal: {
            const json ids = r.value("products", json::array());
            out[f] = ids.empty() ? json() : trytonNumber(subRows[ids[0].get<int>()].value(f, json()));
            break;
        }
        case FieldKind::SupplierLink: {
            const json ids = r.value("product_suppliers", json::array());
            out[f] = ids.empty() ? json() : trytonDotted(subRows[ids[0].get<int>()], "party", "code");
            break;
        }
        case FieldKind::OutputProduct:
        case FieldKind::OutputQuantity:
        case FieldKind::OutputUom: {
            const json ids = r.value("outputs", json::array());
            const json row = ids.empty() ? json::object() : subRows[ids[0].get<int>()];
            out[f] = k == FieldKind::OutputQuantity ? row.value("quantity", json())
                : k == FieldKind::OutputProduct     ? trytonDotted(row, "product", "code")
                                                    : trytonDotted(row, "uom", "symbol");
            break;
        }
        case FieldKind::Rows: {
            const tryton::RowsDef* rd = schema.rowsOf(f);
            json rows = json::array();
            for (const auto& id : r.value(f, json::array())) {
                const json& src = subRows[id.get<int>()];
                json row = json::object();
                for (const auto& c : rd->columns)
                    row[c.name] = trytonIsRef(c.kind) ? trytonDotted(src, c.name, trytonRefField(c.kind))
                                                      : src.value(c.name, json());
                rows.push_back(std::move(row));
            }
            out[f] = std::move(rows);
            break;
        }
        }
    }
    if (!out.contains("active"))
        out["active"] = trytonBool(r.value("active", json(true)));
    return out;
}

} // namespace

bool TrytonAnswer::dataError() const
{
    return !ok && rpcError && errorClass != "concurrency";
}

// ---- classification -----------------------------------------------------------------------------------------

std::string TrytonConnector::userErrorClass(std::string_view message)
{
    const std::string m = trytonLower(std::string(message));
    auto has = [&m](const char* s) { return m.find(s) != std::string::npos; };
    if (has("a value is required for field"))
        return "required";
    if (has("is not one of the allowed options"))
        return "selection";
    if (has("is too long"))
        return "size";
    if (has("number of digits"))
        return "digits";
    if (has("according to its domain"))
        return "domain";
    if (has("must be unique") || has("unique"))
        return "unique";
    if (has("don't exist anymore") || has("does not exist") || has("doesn't exist"))
        return "not-found";
    if (has("could not be deleted because they are used") || has("because they are used by"))
        return "in-use";
    if (has("recursion"))
        return "recursion";
    if (has("you are not allowed") || has("is not allowed") || has("access denied"))
        return "access-denied";
    return "user-error";
}

TrytonAnswer TrytonConnector::classifyAnswer(
    int status, const QByteArray& body, const std::string& transportError, bool timedOut)
{
    TrytonAnswer a;
    DeliveryOutcome& o = a.failure;
    o.httpStatus = status;
    if (status == 0) {
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.message = timedOut ? "timeout: no answer from Tryton" : "Tryton unreachable: " + transportError;
        a.errorClass = timedOut ? "timeout" : "transport";
        return a;
    }
    json doc;
    if (!body.isEmpty()) {
        doc = json::parse(body.toStdString(), nullptr, false);
        if (doc.is_discarded())
            doc = nullptr;
    }
    auto httpText = [&]() {
        // Tryton's HTTP errors are small HTML pages: keep their text part.
        std::string t = body.left(600).toStdString();
        const auto p = t.find("<p>");
        if (p != std::string::npos) {
            const auto e = t.find("</p>", p);
            t = t.substr(p + 3, e == std::string::npos ? std::string::npos : e - p - 3);
        }
        return t;
    };
    if (status < 200 || status >= 300) {
        o.message = "HTTP " + std::to_string(status) + ": " + httpText();
        if (status == 401) {
            o.kind = DeliveryOutcome::Kind::Unauthorized;
            a.errorClass = "session";
        } else if (status == 403) {
            o.kind = DeliveryOutcome::Kind::Unauthorized;
            a.errorClass = "forbidden";
        } else if (status == 429) {
            o.kind = DeliveryOutcome::Kind::RateLimited;
            a.errorClass = "too-many-requests";
        } else if (status >= 500 || status == 408 || status == 503) {
            o.kind = DeliveryOutcome::Kind::Retryable;
            a.errorClass = "server-error";
        } else {
            o.kind = DeliveryOutcome::Kind::Rejected;
            a.errorClass = "http-" + std::to_string(status);
        }
        return a;
    }
    if (!doc.is_object()) {
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.message = "Tryton answered without JSON: " + body.left(300).toStdString();
        a.errorClass = "bad-answer";
        return a;
    }
    if (auto r = doc.find("result"); r != doc.end()) {
        a.ok = true;
        a.result = *r;
        return a;
    }
    const json err = doc.value("error", json());
    // A JSON-RPC error: Tryton answered (HTTP 200) and refused the call. Its label is the JSON-RPC error name,
    // not an HTTP status (the dispatcher prints "HTTP <status>" for a non-zero httpStatus).
    a.rpcError = true;
    o.httpStatus = 0;
    o.response = doc;
    std::string exceptionName;
    std::string message;
    if (err.is_array() && !err.empty() && err[0].is_string()) {
        exceptionName = err[0].get<std::string>();
        if (err.size() > 1 && err[1].is_array() && !err[1].empty() && err[1][0].is_string())
            message = err[1][0].get<std::string>();
        else if (err.size() > 1 && err[1].is_string())
            message = err[1].get<std::string>();
    } else {
        exceptionName = "error";
        message = err.dump();
    }
    if (exceptionName == "UserError" || exceptionName == "UserWarning") {
        a.errorClass = exceptionName == "UserWarning" ? "warning" : userErrorClass(message);
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = "Tryton refused it, JSON-RPC error " + exceptionName + " (" + a.errorClass + "): " + message;
    } else if (exceptionName == "ConcurrencyException") {
        a.errorClass = "concurrency";
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.message = "Tryton JSON-RPC error ConcurrencyException (concurrency): " + message;
    } else if (exceptionName == "LoginException" || exceptionName == "RateLimitException") {
        a.errorClass = exceptionName == "LoginException" ? "session" : "too-many-requests";
        o.kind = exceptionName == "LoginException" ? DeliveryOutcome::Kind::Unauthorized
                                                   : DeliveryOutcome::Kind::RateLimited;
        o.message = "Tryton JSON-RPC error " + exceptionName + ": " + message;
    } else {
        // Other server exceptions come as [message, ""]: an unknown field or model, a bad literal.
        a.errorClass = "server-error";
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = "Tryton refused it, JSON-RPC error (server-error): " + exceptionName;
        message = exceptionName;
    }
    o.response = { { "tryton_exception", exceptionName == message ? std::string("error") : exceptionName },
        { "error_class", a.errorClass }, { "message", message } };
    return a;
}

// ---- creation, session, calls ---------------------------------------------------------------------------------

TrytonConnector::TrytonConnector(std::string systemId, QObject* parent)
    : Connector(parent)
    , m_systemId(std::move(systemId))
    , m_nam(new QNetworkAccessManager(this))
{ }

TrytonConnector::~TrytonConnector() = default;

Result<std::unique_ptr<TrytonConnector>> TrytonConnector::create(
    const std::string& systemId, const json& config, QObject* parent)
{
    const QString sys = QString::fromStdString(systemId);
    if (!config.is_object() || config.value("kind", std::string()) != "tryton")
        return makeError(QStringLiteral("%1: connector.kind must be \"tryton\"").arg(sys));
    std::unique_ptr<TrytonConnector> c(new TrytonConnector(systemId, parent));
    const QUrl base(QString::fromStdString(config.value("base_url", std::string())), QUrl::StrictMode);
    if (!base.isValid() || (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https"))
        || base.host().isEmpty())
        return makeError(QStringLiteral("%1: connector.base_url must be an http(s) URL such as "
                                        "\"http://127.0.0.1:8000\"")
                             .arg(sys));
    c->m_database = config.value("database", std::string());
    if (c->m_database.empty() || c->m_database.find('/') != std::string::npos)
        return makeError(QStringLiteral("%1: connector.database must name the Tryton database").arg(sys));
    QUrl url = base;
    QString path = base.path();
    if (!path.endsWith(QLatin1Char('/')))
        path += QLatin1Char('/');
    url.setPath(path + QString::fromStdString(c->m_database) + QLatin1Char('/'));
    c->m_url = url;
    for (const char* field : { "user_env", "password_env" }) {
        const std::string var = config.value(field, std::string());
        if (var.empty())
            return makeError(QStringLiteral("%1: connector.%2 must name an environment variable")
                                 .arg(sys, QString::fromLatin1(field)));
        const QByteArray value = qgetenv(var.c_str());
        if (value.isEmpty())
            return makeError(QStringLiteral("%1: environment variable %2 (connector.%3) is not set")
                                 .arg(sys, QString::fromStdString(var), QString::fromLatin1(field)));
        (std::string_view(field) == "user_env" ? c->m_user : c->m_password) = value.toStdString();
    }
    const json company = config.value("company", json(1));
    const json batch = config.value("batch_size", json(200));
    const json timeout = config.value("timeout_ms", json(30000));
    if (!company.is_number_integer() || company.get<int>() < 1)
        return makeError(QStringLiteral("%1: connector.company must be the id of the Tryton company (>= 1)").arg(sys));
    if (!batch.is_number_integer() || batch.get<int>() < 1 || batch.get<int>() > 10000)
        return makeError(QStringLiteral("%1: connector.batch_size must be an integer from 1 to 10000").arg(sys));
    if (!timeout.is_number_integer() || timeout.get<int>() < 100)
        return makeError(QStringLiteral("%1: connector.timeout_ms must be an integer >= 100").arg(sys));
    c->m_company = company.get<int>();
    c->m_batchSize = static_cast<size_t>(batch.get<int>());
    c->m_timeoutMs = timeout.get<int>();
    return c;
}

json TrytonConnector::context(bool activeTest) const
{
    json ctx = { { "company", m_company }, { "language", "en" } };
    if (!activeTest)
        ctx["active_test"] = false;
    return ctx;
}

void TrytonConnector::ensureSession(std::function<void(const TrytonAnswer*)> then)
{
    if (!m_session.isEmpty()) {
        then(nullptr);
        return;
    }
    m_loginWaiters.push_back(std::move(then));
    if (m_loggingIn)
        return;
    m_loggingIn = true;
    ++m_logins;
    ++m_calls;
    QNetworkRequest req(m_url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setTransferTimeout(m_timeoutMs);
    const json body = { { "id", 1 }, { "method", "common.db.login" },
        { "params", { m_user, { { "password", m_password } }, "en" } } };
    QNetworkReply* reply = m_nam->post(req, QByteArray::fromStdString(body.dump()));
    connect(reply, &QNetworkReply::finished, this, [this, reply]() {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto err = reply->error();
        const bool timedOut = err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError;
        TrytonAnswer a = classifyAnswer(status, reply->readAll(),
            status == 0 && err != QNetworkReply::NoError ? reply->errorString().toStdString() : std::string(),
            timedOut);
        if (a.ok
            && (!a.result.is_array() || a.result.size() != 2 || !a.result[0].is_number_integer()
                || !a.result[1].is_string())) {
            a.ok = false;
            a.failure.kind = DeliveryOutcome::Kind::Unauthorized;
            a.failure.message = "Tryton refused the login of " + m_user + ": " + a.result.dump();
            a.errorClass = "login";
        }
        if (a.ok) {
            const std::string token
                = m_user + ":" + std::to_string(a.result[0].get<int>()) + ":" + a.result[1].get<std::string>();
            m_session = "Session " + QByteArray::fromStdString(token).toBase64();
        } else {
            // Never retried here: the pending calls fail and the dispatcher decides about the next attempt.
            if (a.failure.kind == DeliveryOutcome::Kind::Unauthorized || a.failure.httpStatus == 401) {
                a.failure.kind = DeliveryOutcome::Kind::Unauthorized;
                a.errorClass = "login";
                a.failure.message = "Tryton login of " + m_user + " to database " + m_database
                    + " failed (not retried; check the credentials): " + a.failure.message;
            }
        }
        m_loggingIn = false;
        auto waiters = std::move(m_loginWaiters);
        m_loginWaiters.clear();
        for (auto& w : waiters)
            w(a.ok ? nullptr : &a);
    });
}

void TrytonConnector::call(const std::string& method, json params, Reply reply, bool activeTest)
{
    ensureSession([this, method, params = std::move(params), reply = std::move(reply), activeTest](
                      const TrytonAnswer* loginFailure) mutable {
        if (loginFailure) {
            reply(*loginFailure);
            return;
        }
        post(method, params, activeTest, true, std::move(reply));
    });
}

void TrytonConnector::post(const std::string& method, const json& params, bool activeTest, bool mayRelogin, Reply done)
{
    ++m_calls;
    QElapsedTimer took;
    took.start();
    QNetworkRequest req(m_url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    req.setRawHeader("Authorization", m_session);
    req.setTransferTimeout(m_timeoutMs);
    json p = params;
    p.push_back(context(activeTest));
    const json body = { { "id", m_calls }, { "method", method }, { "params", p } };
    const QByteArray sessionUsed = m_session;
    const QByteArray bytes = QByteArray::fromStdString(body.dump());
    QNetworkReply* reply = m_nam->post(req, bytes);
    connect(reply, &QNetworkReply::finished, this,
        [this, reply, method, params, activeTest, mayRelogin, sessionUsed, took, size = bytes.size(),
            done = std::move(done)]() {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            // QT_LOGGING_RULES="mdsync.tryton.debug=true": one line per call, for profiling.
            qCDebug(lcTryton, "%s: %lld ms, %lld bytes sent, HTTP %d", method.c_str(),
                static_cast<long long>(took.elapsed()), static_cast<long long>(size), status);
            const auto err = reply->error();
            const bool timedOut = err == QNetworkReply::OperationCanceledError || err == QNetworkReply::TimeoutError;
            const TrytonAnswer a = classifyAnswer(status, reply->readAll(),
                status == 0 && err != QNetworkReply::NoError ? reply->errorString().toStdString() : std::string(),
                timedOut);
            if (!a.ok && status == 401 && mayRelogin) {
                // The session expired or was removed: exactly one new login (shared by the calls that noticed
                // it at the same time), then this call once more.
                if (m_session == sessionUsed)
                    m_session.clear();
                ensureSession([this, method, params, activeTest, done](const TrytonAnswer* loginFailure) {
                    if (loginFailure) {
                        done(*loginFailure);
                        return;
                    }
                    post(method, params, activeTest, false, done);
                });
                return;
            }
            done(a);
        });
}

// ---- batches ---------------------------------------------------------------------------------------------------

struct TrytonConnector::Job
{
    const DomainSchema* schema = nullptr;
    std::vector<OutboundDelivery> deliveries;
    std::vector<DeliveryOutcome> outcomes;
    std::vector<bool> decided;
    BatchDone done;
    QElapsedTimer timer;
    std::map<std::string, json> existing; // key -> Tryton record (id and the one2many ids)
    std::map<int, int> linkParty; // purchase.product_supplier id -> party id
    std::map<std::string, std::map<std::string, int>> refs; // kind ("product", "party", ...) -> code -> id
    std::map<std::string, int> productUom; // item number -> the product's default_uom id
    std::vector<json> vals; // per delivery: create values, or write values
    std::vector<size_t> creates, writes;

    void decide(size_t i, DeliveryOutcome o)
    {
        if (decided[i])
            return;
        decided[i] = true;
        outcomes[i] = std::move(o);
    }
    void failAll(const TrytonAnswer& a)
    {
        for (size_t i = 0; i < deliveries.size(); ++i)
            decide(i, a.failure);
    }
    void reject(size_t i, const std::string& errorClass, const std::string& message)
    {
        DeliveryOutcome o;
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = "MDSync (" + errorClass + "): " + message;
        o.response = { { "error_class", errorClass }, { "message", message } };
        decide(i, std::move(o));
    }
};

bool TrytonConnector::supportsBatch(std::string_view domain) const
{
    return tryton::schemaFor(domain) != nullptr;
}

bool TrytonConnector::supportsReadBack(std::string_view domain) const
{
    return tryton::schemaFor(domain) != nullptr;
}

void TrytonConnector::send(const OutboundDelivery& delivery, Done done)
{
    sendBatch({ delivery }, [done = std::move(done)](std::vector<DeliveryOutcome> outcomes) {
        done(outcomes.empty() ? DeliveryOutcome {} : outcomes.front());
    });
}

void TrytonConnector::sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done)
{
    if (deliveries.empty()) {
        QMetaObject::invokeMethod(
            this, [done = std::move(done)]() { done({}); }, Qt::QueuedConnection);
        return;
    }
    // Chunks of batch_size deliveries of one domain, one after the other; outcomes in the given order.
    struct Whole
    {
        std::vector<DeliveryOutcome> outcomes;
        size_t remaining = 0;
        BatchDone done;
    };
    auto whole = std::make_shared<Whole>();
    whole->outcomes.resize(deliveries.size());
    whole->done = std::move(done);
    std::map<std::string, std::vector<size_t>> byDomain;
    for (size_t i = 0; i < deliveries.size(); ++i)
        byDomain[deliveries[i].domain].push_back(i);
    std::vector<std::pair<std::shared_ptr<Job>, std::vector<size_t>>> jobs;
    for (auto& [domain, idx] : byDomain) {
        for (size_t from = 0; from < idx.size(); from += m_batchSize) {
            auto job = std::make_shared<Job>();
            job->schema = tryton::schemaFor(domain);
            std::vector<size_t> part(idx.begin() + static_cast<std::ptrdiff_t>(from),
                idx.begin() + static_cast<std::ptrdiff_t>(std::min(idx.size(), from + m_batchSize)));
            for (size_t i : part)
                job->deliveries.push_back(deliveries[i]);
            jobs.emplace_back(std::move(job), std::move(part));
        }
    }
    whole->remaining = jobs.size();
    for (auto& [job, part] : jobs) {
        job->outcomes.resize(job->deliveries.size());
        job->decided.assign(job->deliveries.size(), false);
        job->vals.resize(job->deliveries.size());
        job->done = [whole, part = part](std::vector<DeliveryOutcome> outcomes) {
            for (size_t k = 0; k < part.size() && k < outcomes.size(); ++k)
                whole->outcomes[part[k]] = std::move(outcomes[k]);
            if (--whole->remaining == 0)
                whole->done(std::move(whole->outcomes));
        };
        job->timer.start();
    }
    // Sequential: the next chunk starts when the previous one is done (Tryton serialises writes anyway).
    auto steps = std::make_shared<std::vector<TrytonStep>>();
    for (auto& entry : jobs) {
        auto job = entry.first;
        steps->push_back([this, job](std::function<void()> next) {
            auto inner = std::move(job->done);
            job->done = [inner = std::move(inner), next = std::move(next)](std::vector<DeliveryOutcome> outcomes) {
                inner(std::move(outcomes));
                next();
            };
            runJob(job);
        });
    }
    trytonRunSteps(steps, 0);
}

void TrytonConnector::finishJob(const std::shared_ptr<Job>& job)
{
    const std::int64_t ms = job->timer.elapsed();
    for (size_t i = 0; i < job->deliveries.size(); ++i) {
        if (!job->decided[i]) {
            job->outcomes[i].kind = DeliveryOutcome::Kind::Retryable;
            job->outcomes[i].message = "Tryton connector: no answer for this record";
        }
        job->outcomes[i].latencyMs = ms;
    }
    auto done = std::move(job->done);
    done(std::move(job->outcomes));
}

void TrytonConnector::bisect(const std::shared_ptr<Job>& job, const std::string& method,
    const std::vector<size_t>& items, const std::function<json(const std::vector<size_t>&)>& params,
    std::function<void()> then)
{
    if (items.empty()) {
        then();
        return;
    }
    call(method, params(items), [this, job, method, items, params, then = std::move(then)](const TrytonAnswer& a) {
        if (a.ok) {
            for (size_t i : items) {
                DeliveryOutcome o;
                o.kind = DeliveryOutcome::Kind::Acked;
                o.httpStatus = 200;
                job->decide(i, std::move(o));
            }
            then();
            return;
        }
        if (!a.dataError() || items.size() == 1) {
            for (size_t i : items)
                job->decide(i, a.failure);
            then();
            return;
        }
        // The call is atomic in Tryton: split it to find the record(s) it refuses; the others land.
        const auto mid = items.begin() + static_cast<std::ptrdiff_t>(items.size() / 2);
        std::vector<size_t> left(items.begin(), mid);
        std::vector<size_t> right(mid, items.end());
        bisect(job, method, left, params,
            [this, job, method, right, params, then]() { bisect(job, method, right, params, then); });
    });
}

bool TrytonConnector::fitBomUnit(const std::string& where, const std::string& product, int productUom, const json& unit,
    const json& quantity, json& uomId, json& quantityOut, std::string& problem, std::string& problemClass) const
{
    if (!unit.is_string()) {
        problem = where + ".uom must be a unit symbol, got " + unit.dump();
        return false;
    }
    const std::string symbol = unit.get<std::string>();
    // Units Tryton 6.0 does not have, as a multiple of one it has.
    static const std::map<std::string, std::pair<std::string, double>> missing
        = { { "t", { "kg", 1000.0 } }, { "mg", { "g", 0.001 } }, { "ml", { "l", 0.001 } } };
    const Uom* from = nullptr;
    int fromId = 0;
    double factor = 1;
    if (auto u = m_uomBySymbol.find(symbol); u != m_uomBySymbol.end() && m_uoms.contains(u->second)) {
        fromId = u->second;
        from = &m_uoms.at(fromId);
        factor = from->factor;
    } else if (auto m = missing.find(symbol); m != missing.end() && m_uomBySymbol.contains(m->second.first)
               && m_uoms.contains(m_uomBySymbol.at(m->second.first))) {
        from = &m_uoms.at(m_uomBySymbol.at(m->second.first));
        factor = from->factor * m->second.second;
    } else {
        problem = where + ".uom: unit '" + symbol + "' is not a unit of measure in Tryton (product.uom symbol)";
        problemClass = "not-found";
        return false;
    }
    const Uom* productUnit = productUom && m_uoms.contains(productUom) ? &m_uoms.at(productUom) : nullptr;
    const int category = productUnit ? productUnit->category : from->category;
    if (from->category != category) {
        problem = where + ".uom: unit '" + symbol + "' is of Tryton's unit category " + from->categoryName
            + ", product '" + product + "' is kept in '" + productUnit->symbol + "' (category "
            + productUnit->categoryName + "); Tryton takes only units of the product's category";
        problemClass = "unit-category";
        return false;
    }
    if (!quantity.is_number()) {
        // Nothing to convert: Tryton says what is wrong with it.
        uomId = fromId ? json(fromId) : json(productUom);
        quantityOut = quantity;
        return fromId != 0;
    }
    const double q = quantity.get<double>();
    auto fits = [](double v, int digits, double& rounded) {
        const double scale = std::pow(10.0, std::max(0, digits));
        rounded = std::round(v * scale) / scale;
        return std::fabs(rounded - v) <= 1e-9 * std::max(1.0, std::fabs(v));
    };
    // Candidates: the row's own unit, the product's unit, then the category's units nearest in size first.
    std::vector<std::pair<int, const Uom*>> candidates;
    if (fromId)
        candidates.emplace_back(fromId, from);
    if (productUnit && productUom != fromId)
        candidates.emplace_back(productUom, productUnit);
    std::vector<std::pair<int, const Uom*>> others;
    for (const auto& [id, u] : m_uoms)
        if (u.category == category && id != fromId && id != productUom)
            others.emplace_back(id, &u);
    std::sort(others.begin(), others.end(), [factor](const auto& a, const auto& b) {
        return std::fabs(std::log(a.second->factor / factor)) < std::fabs(std::log(b.second->factor / factor));
    });
    candidates.insert(candidates.end(), others.begin(), others.end());
    for (const auto& [id, u] : candidates) {
        double rounded = 0;
        if (fits(q * factor / u->factor, u->digits, rounded)) {
            uomId = id;
            quantityOut = rounded;
            return true;
        }
    }
    problem = where + ": quantity " + quantity.dump() + " " + symbol
        + " cannot be kept by Tryton in any unit of category " + from->categoryName
        + " (each keeps a fixed number of decimals)";
    problemClass = "digits";
    return false;
}

// ---- one job: its stages in order ------------------------------------------------------------------------------

// A kind of record referenced by code (or by name) in a payload: looked up once per job.
struct TrytonConnector::RefKind
{
    const char* name; // the key of Job::refs
    const char* model;
    const char* field; // the field the code is matched with
    FieldKind kind;
};

// The Tryton values of one delivery while they are being built (buildValues).
struct TrytonConnector::Draft
{
    const json* existing = nullptr; // the record in Tryton (id and the one2many ids); null for a new record
    json vals = json::object(); // the record's values (a template's for items)
    json variant = json::object(); // an item's variant (product.product) values
    json output = json::object(); // a BOM's output row
    std::string problem; // why the delivery cannot be sent; empty: it can
    std::string problemClass = "not-found";
};

// Look-ups, values, create, write, then the outcomes; a failed look-up fails the whole job (finishJob).
void TrytonConnector::runJob(const std::shared_ptr<Job>& job)
{
    if (!job->schema) {
        rejectUnsupported(job);
        return;
    }
    static const std::array<RefKind, 4> refKinds = { { { "product", "product.product", "code", FieldKind::Product },
        { "party", "party.party", "code", FieldKind::Party },
        { "location", "stock.location", "code", FieldKind::Location },
        { "operation", "production.routing.operation", "name", FieldKind::Operation } } };
    using Stage = void (TrytonConnector::*)(const std::shared_ptr<Job>&, std::function<void()>);
    auto stage = [this, job](Stage run) {
        return Step([this, job, run](std::function<void()> next) { (this->*run)(job, std::move(next)); });
    };
    std::vector<Step> steps;
    if (trytonNeedsUoms(*job->schema))
        steps.push_back(stage(&TrytonConnector::loadUoms));
    steps.push_back(stage(&TrytonConnector::findExisting));
    if (job->schema->domain == "item") {
        steps.push_back(stage(&TrytonConnector::readSupplierLinks));
        steps.push_back(stage(&TrytonConnector::readCompanyCurrency));
    }
    for (const RefKind& kind : refKinds)
        steps.emplace_back(
            [this, job, &kind](std::function<void()> next) { lookUpReferences(job, kind, std::move(next)); });
    steps.emplace_back([this, job](const std::function<void()>& next) {
        buildValues(*job);
        next();
    });
    steps.push_back(stage(&TrytonConnector::createRecords));
    steps.push_back(stage(&TrytonConnector::writeRecords));
    steps.emplace_back([this, job](const std::function<void()>& /*last*/) { finishJob(job); });
    trytonRunSteps(std::make_shared<std::vector<Step>>(std::move(steps)), 0);
}

void TrytonConnector::rejectUnsupported(const std::shared_ptr<Job>& job)
{
    for (size_t i = 0; i < job->deliveries.size(); ++i)
        job->reject(i, "unsupported", "the Tryton connector has no mapping for domain " + job->deliveries[i].domain);
    QMetaObject::invokeMethod(
        this, [this, job]() { finishJob(job); }, Qt::QueuedConnection);
}

void TrytonConnector::failJob(const std::shared_ptr<Job>& job, const TrytonAnswer& a)
{
    job->failAll(a);
    finishJob(job);
}

// 1. Units of measure (once per connector).
void TrytonConnector::loadUoms(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    if (!m_uomBySymbol.empty()) {
        next();
        return;
    }
    call("model.product.uom.search_read",
        json::array(
            { json::array(), 0, nullptr, nullptr, { "symbol", "category", "category.name", "factor", "digits" } }),
        [this, job, next = std::move(next)](const TrytonAnswer& a) {
            if (!a.ok)
                return failJob(job, a);
            for (const auto& u : a.result) {
                if (!u.value("symbol", json()).is_string())
                    continue;
                Uom info;
                info.symbol = u["symbol"].get<std::string>();
                info.category = u.value("category", json(0)).is_number() ? u["category"].get<int>() : 0;
                const json cn = trytonDotted(u, "category", "name");
                info.categoryName = cn.is_string() ? cn.get<std::string>() : std::string();
                const json f = trytonNumber(u.value("factor", json(1.0)));
                info.factor = f.is_number() && f.get<double>() > 0 ? f.get<double>() : 1.0;
                info.digits = u.value("digits", json(2)).is_number() ? u["digits"].get<int>() : 2;
                m_uomBySymbol.emplace(info.symbol, u.value("id", 0));
                m_uoms[u.value("id", 0)] = std::move(info);
            }
            next();
        });
}

// 2. The records that exist already (active or not), by key.
void TrytonConnector::findExisting(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    const DomainSchema* schema = job->schema;
    json keys = json::array();
    for (const auto& d : job->deliveries)
        keys.push_back(d.key);
    json fields = { schema->keyField };
    if (schema->domain == "item")
        fields.insert(fields.end(), { "products", "product_suppliers" });
    if (schema->domain == "bom")
        fields.insert(fields.end(), { "inputs", "outputs" });
    if (schema->domain == "routing")
        fields.push_back("steps");
    call(
        "model." + schema->model + ".search_read",
        json::array({ json::array({ json::array({ schema->keyField, "in", keys }) }), 0, nullptr, nullptr, fields }),
        [this, job, schema, next = std::move(next)](const TrytonAnswer& a) {
            if (!a.ok)
                return failJob(job, a);
            for (const auto& r : a.result)
                if (r.value(schema->keyField, json()).is_string())
                    job->existing[r[schema->keyField].get<std::string>()] = r;
            next();
        },
        false);
}

// 3a. Supplier links of existing items (which parties they link already).
void TrytonConnector::readSupplierLinks(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    json ids = json::array();
    for (const auto& d : job->deliveries) {
        auto e = job->existing.find(d.key);
        if (e != job->existing.end() && d.payload.contains("product_suppliers"))
            for (const auto& id : e->second.value("product_suppliers", json::array()))
                ids.push_back(id);
    }
    if (ids.empty())
        return next();
    call(
        "model.purchase.product_supplier.read", json::array({ ids, { "party" } }),
        [this, job, next = std::move(next)](const TrytonAnswer& a) {
            if (!a.ok)
                return failJob(job, a);
            for (const auto& r : a.result)
                job->linkParty[r.value("id", 0)] = r.value("party", json(0)).is_number() ? r["party"].get<int>() : 0;
            next();
        },
        false);
}

// 3b. The company's currency (new supplier links need it), once per connector.
void TrytonConnector::readCompanyCurrency(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    bool links = false;
    for (const auto& d : job->deliveries)
        links = links || d.payload.contains("product_suppliers");
    if (!links || m_currency)
        return next();
    call("model.company.company.read", json::array({ json::array({ m_company }), { "currency" } }),
        [this, job, next = std::move(next)](const TrytonAnswer& a) {
            if (!a.ok)
                return failJob(job, a);
            if (a.result.is_array() && !a.result.empty() && a.result[0].value("currency", json()).is_number())
                m_currency = a.result[0]["currency"].get<int>();
            next();
        });
}

// 4. References of one kind by code: products, parties, locations, operations.
void TrytonConnector::lookUpReferences(const std::shared_ptr<Job>& job, const RefKind& kind, std::function<void()> next)
{
    std::set<std::string> codes = trytonReferencedCodes(job->deliveries, *job->schema, kind.kind);
    if (codes.empty())
        return next();
    json list = json::array();
    for (const auto& c : codes)
        list.push_back(c);
    // A product's unit (its unit category bounds the units of BOM rows).
    json fields = json::array({ kind.field });
    if (kind.kind == FieldKind::Product)
        fields.push_back("default_uom");
    call(std::string("model.") + kind.model + ".search_read",
        json::array({ json::array({ json::array({ kind.field, "in", list }) }), 0, nullptr, nullptr, fields }),
        [this, job, next = std::move(next), kind, codes = std::move(codes)](const TrytonAnswer& a) {
            if (!a.ok)
                return failJob(job, a);
            auto& found = job->refs[kind.name];
            for (const auto& r : a.result)
                if (r.value(kind.field, json()).is_string()) {
                    found.emplace(r[kind.field].get<std::string>(), r.value("id", 0));
                    if (r.value("default_uom", json()).is_number())
                        job->productUom[r[kind.field].get<std::string>()] = r["default_uom"].get<int>();
                }
            if (kind.kind != FieldKind::Operation)
                return next();
            createMissingOperations(job, codes, next);
        });
}

// 4b. Routing operations are shared records named by the operation text: create the missing.
void TrytonConnector::createMissingOperations(
    const std::shared_ptr<Job>& job, const std::set<std::string>& names, std::function<void()> next)
{
    const auto& found = job->refs["operation"];
    json create = json::array();
    std::vector<std::string> missing;
    for (const auto& name : names)
        if (!found.contains(name)) {
            create.push_back({ { "name", name } });
            missing.push_back(name);
        }
    if (create.empty())
        return next();
    call("model.production.routing.operation.create", json::array({ create }),
        [this, job, next = std::move(next), missing](const TrytonAnswer& c) {
            if (!c.ok)
                return failJob(job, c);
            for (size_t i = 0; i < missing.size() && i < c.result.size(); ++i)
                job->refs["operation"][missing[i]] = c.result[i].get<int>();
            next();
        });
}

// 5. Values per delivery: the create values of a new record, the write values of an existing one, or a refusal
// (a reference that does not resolve, a quantity Tryton cannot keep).
void TrytonConnector::buildValues(Job& job) const
{
    for (size_t i = 0; i < job.deliveries.size(); ++i) {
        const OutboundDelivery& d = job.deliveries[i];
        auto ex = job.existing.find(d.key);
        const json* existing = ex == job.existing.end() ? nullptr : &ex->second;
        if (d.op == "delete") {
            buildRetire(job, i, existing);
            continue;
        }
        if (!d.payload.is_object()) {
            job.reject(i, "payload", "the payload is not a JSON object");
            continue;
        }
        Draft draft;
        draft.existing = existing;
        for (auto it = d.payload.begin(); it != d.payload.end() && draft.problem.empty(); ++it)
            mapField(job, draft, it.key(), *it);
        if (draft.problem.empty())
            fitOutput(job, d.payload, draft);
        if (!draft.problem.empty()) {
            job.reject(i, draft.problemClass, draft.problem);
            continue;
        }
        finishValues(job, i, draft);
    }
}

// A retire: active = false (never a delete); already absent is done.
void TrytonConnector::buildRetire(Job& job, size_t i, const json* existing) const
{
    if (!existing) {
        DeliveryOutcome o;
        o.kind = DeliveryOutcome::Kind::Acked;
        o.message = "already absent";
        job.decide(i, std::move(o));
        return;
    }
    job.vals[i] = { { "active", false } };
    // A template's variants follow its active flag (Tryton's domain on "Variants").
    if (existing->contains("products") && !(*existing)["products"].empty())
        job.vals[i]["products"]
            = json::array({ json::array({ "write", (*existing)["products"], { { "active", false } } }) });
    job.writes.push_back(i);
}

// A reference by code as the id of the Tryton record; null (and draft.problem) when there is none.
json TrytonConnector::resolveRef(
    Job& job, Draft& draft, FieldKind kind, const json& value, const std::string& field) const
{
    if (!value.is_string()) {
        draft.problem = field + " must be a code, got " + value.dump();
        return nullptr;
    }
    const std::string code = value.get<std::string>();
    if (kind == FieldKind::Uom) {
        auto u = m_uomBySymbol.find(code);
        if (u == m_uomBySymbol.end()) {
            draft.problem = field + ": unit '" + code + "' is not a unit of measure in Tryton (product.uom symbol)";
            return nullptr;
        }
        return u->second;
    }
    const char* kindName = kind == FieldKind::Product ? "product"
        : kind == FieldKind::Party                    ? "party"
        : kind == FieldKind::Location                 ? "location"
                                                      : "operation";
    const auto& m = job.refs[kindName];
    auto it = m.find(code);
    if (it == m.end()) {
        draft.problem = field + ": " + kindName + " '" + code + "' does not exist in Tryton";
        return nullptr;
    }
    return it->second;
}

// One payload field into the draft, by the kind the schema gives it.
void TrytonConnector::mapField(Job& job, Draft& draft, const std::string& field, const json& value) const
{
    const FieldKind kind = job.schema->kindOf(field);
    switch (kind) {
    case FieldKind::Plain:
    case FieldKind::Bool:
        draft.vals[field] = value;
        break;
    case FieldKind::Decimal:
        draft.vals[field] = trytonDecimal(value);
        break;
    case FieldKind::Uom:
    case FieldKind::Product:
    case FieldKind::Party:
    case FieldKind::Location:
    case FieldKind::Operation:
        draft.vals[field] = resolveRef(job, draft, kind, value, field);
        break;
    case FieldKind::VariantDecimal:
        draft.variant[field] = trytonDecimal(value);
        break;
    case FieldKind::SupplierLink: {
        const json party = resolveRef(job, draft, FieldKind::Party, value, field);
        if (!draft.problem.empty())
            break;
        bool linked = false;
        if (draft.existing)
            for (const auto& id : draft.existing->value("product_suppliers", json::array()))
                linked = linked || job.linkParty[id.get<int>()] == party.get<int>();
        if (!linked)
            draft.vals[field] = json::array({ json::array({ "create",
                json::array({ { { "party", party }, { "company", m_company }, { "currency", m_currency } } }) }) });
        break;
    }
    case FieldKind::Rows:
        draft.vals[field] = mapRows(job, draft, field, value);
        break;
    case FieldKind::OutputProduct:
        draft.output["product"] = resolveRef(job, draft, FieldKind::Product, value, field);
        break;
    case FieldKind::OutputQuantity:
    case FieldKind::OutputUom:
        break; // fitOutput
    }
}

// One2many rows (BOM inputs, routing steps): the existing rows deleted, the payload's rows created.
json TrytonConnector::mapRows(Job& job, Draft& draft, const std::string& field, const json& value) const
{
    const tryton::RowsDef* rd = job.schema->rowsOf(field);
    json rows = json::array();
    for (size_t r = 0; value.is_array() && r < value.size() && draft.problem.empty(); ++r) {
        const json& in = value[r];
        const std::string where = field + "[" + std::to_string(r) + "]";
        json row = json::object();
        for (auto c = in.begin(); c != in.end() && draft.problem.empty(); ++c) {
            const tryton::FieldDef* cd = nullptr;
            for (const auto& col : rd->columns)
                if (col.name == c.key())
                    cd = &col;
            const FieldKind ck = cd ? cd->kind : FieldKind::Plain;
            if (rd->model == "production.bom.input" && (c.key() == "uom" || c.key() == "quantity"))
                continue; // fitted below (fitBomUnit)
            row[c.key()] = trytonIsRef(ck) ? resolveRef(job, draft, ck, *c, where + "." + c.key()) : *c;
        }
        if (draft.problem.empty() && rd->model == "production.bom.input" && in.is_object() && in.contains("uom")) {
            const std::string product = in.value("product", std::string());
            auto pu = job.productUom.find(product);
            fitBomUnit(where, product, pu == job.productUom.end() ? 0 : pu->second, in["uom"],
                in.value("quantity", json()), row["uom"], row["quantity"], draft.problem, draft.problemClass);
        }
        rows.push_back(std::move(row));
    }
    json ops = json::array();
    if (draft.existing && draft.existing->contains(field) && !(*draft.existing)[field].empty())
        ops.push_back(json::array({ "delete", (*draft.existing)[field] }));
    ops.push_back(json::array({ "create", rows }));
    return ops;
}

// A BOM's output row: its quantity in a unit Tryton keeps it in (fitBomUnit).
void TrytonConnector::fitOutput(const Job& job, const json& payload, Draft& draft) const
{
    if (payload.contains("output_uom")) {
        const std::string product = payload.value("output_product", std::string());
        auto pu = job.productUom.find(product);
        fitBomUnit("output", product, pu == job.productUom.end() ? 0 : pu->second, payload["output_uom"],
            payload.value("output_quantity", json(1)), draft.output["uom"], draft.output["quantity"], draft.problem,
            draft.problemClass);
    } else if (payload.contains("output_quantity")) {
        draft.output["quantity"] = payload["output_quantity"];
    }
}

// The draft as the values of one create or write: the output row, an item's variant, the key of a new record.
void TrytonConnector::finishValues(Job& job, size_t i, Draft& draft) const
{
    const DomainSchema* schema = job.schema;
    json& vals = draft.vals;
    if (!draft.output.empty()) {
        json ops = json::array();
        if (draft.existing && draft.existing->contains("outputs") && !(*draft.existing)["outputs"].empty())
            ops.push_back(json::array({ "delete", (*draft.existing)["outputs"] }));
        ops.push_back(json::array({ "create", json::array({ draft.output }) }));
        vals["outputs"] = ops;
    }
    if (schema->domain == "item") {
        // The variant (product.product) is made with the template; its own fields go with it, and it follows the
        // template's active flag.
        if (vals.contains("active"))
            draft.variant["active"] = vals["active"];
        const json variants = draft.existing ? draft.existing->value("products", json::array()) : json::array();
        if (variants.empty())
            vals["products"] = json::array({ json::array({ "create", json::array({ draft.variant }) }) });
        else if (!draft.variant.empty())
            vals["products"] = json::array({ json::array({ "write", variants, draft.variant }) });
    }
    vals.erase(schema->keyField);
    if (!draft.existing) {
        vals[schema->keyField] = job.deliveries[i].key;
        job.creates.push_back(i);
    } else {
        job.writes.push_back(i);
    }
    job.vals[i] = std::move(vals);
}

// 6. One create call for the new records (bisected on refusal).
void TrytonConnector::createRecords(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    bisect(
        job, "model." + job->schema->model + ".create", job->creates,
        [job](const std::vector<size_t>& items) {
            json list = json::array();
            for (size_t i : items)
                list.push_back(job->vals[i]);
            return json::array({ list });
        },
        std::move(next));
}

// 7. One write call for the existing records and the retired (bisected on refusal).
void TrytonConnector::writeRecords(const std::shared_ptr<Job>& job, std::function<void()> next)
{
    bisect(
        job, "model." + job->schema->model + ".write", job->writes,
        [job](const std::vector<size_t>& items) {
            json params = json::array();
            for (size_t i : items) {
                params.push_back(json::array({ job->existing[job->deliveries[i].key].value("id", 0) }));
                params.push_back(job->vals[i]);
            }
            return params;
        },
        std::move(next));
}

// ---- read-back ------------------------------------------------------------------------------------------------

void TrytonConnector::fetch(const std::string& domain, const std::vector<std::string>& keys,
    const std::vector<std::string>& fields, FetchDone done)
{
    const DomainSchema* schema = tryton::schemaFor(domain);
    if (!schema) {
        Connector::fetch(domain, keys, fields, std::move(done));
        return;
    }
    std::vector<std::string> wanted = fields;
    if (wanted.empty())
        for (const auto& f : schema->fields)
            wanted.push_back(f.name);
    const json readFields = trytonReadFields(*schema, wanted);
    json keyList = json::array();
    for (const auto& k : keys)
        keyList.push_back(k);

    // NOLINTNEXTLINE(bugprone-exception-escape): its implicit destructor destroys a json (may allocate)
    struct State
    {
        ReadBackResult result;
        json records;
        std::map<int, json> subRows; // id -> row of a one2many model
    };
    auto st = std::make_shared<State>();
    auto failed = [st, done](const TrytonAnswer& a) {
        st->result.ok = false;
        st->result.error = a.failure.message;
        done(std::move(st->result));
    };
    // Reads rows of a one2many (or variants, links) by id with dotted fields, then continues.
    auto readRows = [this, st, failed](const std::string& model, const json& ids, const json& rowFields,
                        const std::function<void()>& next) {
        if (ids.empty())
            return next();
        call(
            "model." + model + ".read", json::array({ ids, rowFields }),
            [st, failed, next](const TrytonAnswer& a) {
                if (!a.ok)
                    return failed(a);
                for (const auto& r : a.result)
                    st->subRows[r.value("id", 0)] = r;
                next();
            },
            false);
    };
    auto finish = [st, schema, wanted, done]() {
        for (const auto& r : st->records)
            st->result.records[r.value(schema->keyField, std::string())]
                = trytonReadBackRecord(r, *schema, wanted, st->subRows);
        done(std::move(st->result));
    };
    call(
        "model." + schema->model + ".search_read",
        json::array(
            { json::array({ json::array({ schema->keyField, "in", keyList }) }), 0, nullptr, nullptr, readFields }),
        [st, schema, wanted, failed, readRows, finish](const TrytonAnswer& a) {
            if (!a.ok)
                return failed(a);
            st->records = a.result;
            // One2many reads, one after the other: rows of the schema's tables, variants, links, outputs.
            auto steps = std::make_shared<std::vector<TrytonStep>>();
            auto idsOf = [st](const char* field) {
                json ids = json::array();
                for (const auto& r : st->records)
                    for (const auto& id : r.value(field, json::array()))
                        ids.push_back(id);
                return ids;
            };
            for (const std::string& f : wanted) {
                const FieldKind k = schema->kindOf(f);
                if (k == FieldKind::Rows) {
                    const tryton::RowsDef* rd = schema->rowsOf(f);
                    json cols = json::array();
                    for (const auto& c : rd->columns)
                        cols.push_back(trytonIsRef(c.kind) ? c.name + "." + trytonRefField(c.kind) : c.name);
                    const std::string model = rd->model;
                    const json ids = idsOf(rd->field.c_str());
                    steps->push_back([readRows, model, ids, cols](
                                         const std::function<void()>& next) { readRows(model, ids, cols, next); });
                } else if (k == FieldKind::VariantDecimal) {
                    const json ids = idsOf("products");
                    steps->push_back([readRows, ids, f](const std::function<void()>& next) {
                        readRows("product.product", ids, json::array({ f }), next);
                    });
                } else if (k == FieldKind::SupplierLink) {
                    const json ids = idsOf("product_suppliers");
                    steps->push_back([readRows, ids](const std::function<void()>& next) {
                        readRows("purchase.product_supplier", ids, json::array({ "party.code" }), next);
                    });
                } else if (k == FieldKind::OutputProduct) {
                    const json ids = idsOf("outputs");
                    steps->push_back([readRows, ids](const std::function<void()>& next) {
                        readRows("production.bom.output", ids,
                            json::array({ "product.code", "quantity", "uom.symbol" }), next);
                    });
                }
            }
            steps->emplace_back([finish](const std::function<void()>& /*last*/) { finish(); });
            trytonRunSteps(steps, 0);
        },
        false);
}

} // namespace mdsync
