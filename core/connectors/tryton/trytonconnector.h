#pragma once

#include "connectors/connector.h"
#include "connectors/tryton/trytonschema.h"
#include "util/result.h"

#include <QByteArray>
#include <QUrl>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

class QNetworkAccessManager;

namespace mdsync {

// The answer to one JSON-RPC call, classified (TrytonConnector::classifyAnswer).
// NOLINTNEXTLINE(bugprone-exception-escape): its implicit destructor destroys a json (may allocate)
struct TrytonAnswer
{
    bool ok = false;
    nlohmann::json result; // when ok
    DeliveryOutcome failure; // when !ok: kind, HTTP status (0 for a JSON-RPC error), Tryton's message verbatim
    std::string errorClass; // when !ok: "required", "unique", "session", "server-error", ... (docs/TRYTON.md)
    bool rpcError = false; // Tryton answered with a JSON-RPC error (HTTP 200; failure.httpStatus is then 0)
    bool dataError() const; // an error about the records sent (bisecting a batch can isolate it)
};

// Delivers to Tryton 6.0 over JSON-RPC (docs/TRYTON.md). Configuration (the system's "connector" object):
//   {"kind": "tryton", "base_url": "http://127.0.0.1:8000", "database": "mdsync",
//    "user_env": "MDSYNC_TRYTON_USER", "password_env": "MDSYNC_TRYTON_PASSWORD",
//    "company": 1, "batch_size": 200, "timeout_ms": 30000}
// Logs in once (common.db.login) and reuses the session; on HTTP 401 during work it logs in again once and
// repeats that call once. A failed login is never retried by the connector: the deliveries it was for become
// Unauthorized and the dispatcher decides what happens next. Payloads are the contract's target fields
// (contract version "tryton-1" in resources/contracts); the connector resolves references (unit symbols,
// item numbers, party and location codes) and upserts by key: search by code (or name), then create or write.
// A retire writes active = false (never a delete).
class TrytonConnector final : public Connector
{
    Q_OBJECT
public:
    static Result<std::unique_ptr<TrytonConnector>> create(
        const std::string& systemId, const nlohmann::json& config, QObject* parent = nullptr);
    ~TrytonConnector() override;

    void send(const OutboundDelivery& delivery, Done done) override;
    bool supportsBatch(std::string_view domain) const override;
    // Deliveries of one domain in chunks of batch_size: one create call for the new records and one write call
    // for the existing ones (and the retired) per chunk. A call Tryton refuses for a record is bisected until
    // the refused record(s) are isolated: the others land, each refused one gets its own outcome.
    void sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done) override;

    bool supportsReadBack(std::string_view domain) const override;
    void fetch(const std::string& domain, const std::vector<std::string>& keys, const std::vector<std::string>& fields,
        FetchDone done) override;

    // Classifies one HTTP answer to a JSON-RPC call (pure; unit-tested on recorded Tryton answers):
    // 2xx {"result"} -> ok; HTTP 401/403 -> Unauthorized; 429 -> RateLimited; 5xx/no answer -> Retryable;
    // {"error": ["UserError", [message, ...]]} -> Rejected with the class of the message;
    // {"error": ["ConcurrencyException", message]} -> Retryable ("concurrency");
    // {"error": [message, ""]} (other server exceptions) -> Rejected ("server-error").
    static TrytonAnswer classifyAnswer(
        int httpStatus, const QByteArray& body, const std::string& transportError = {}, bool timedOut = false);
    // The class of a UserError message: required, selection, size, digits, domain, unique, not-found, in-use,
    // recursion, access-denied, or user-error.
    static std::string userErrorClass(std::string_view message);

    // Diagnostics for tests and the benchmark.
    int loginCount() const { return m_logins; }
    int callCount() const { return m_calls; }
    const std::string& database() const { return m_database; }

private:
    struct Job;
    using Reply = std::function<void(const TrytonAnswer&)>;

    TrytonConnector(std::string systemId, QObject* parent);
    // One JSON-RPC call with the session (logging in first when there is none); `params` without the context.
    void call(const std::string& method, nlohmann::json params, Reply reply, bool activeTest = true);
    void post(const std::string& method, const nlohmann::json& params, bool activeTest, bool mayRelogin, Reply done);
    void ensureSession(std::function<void(const TrytonAnswer*)> then);
    nlohmann::json context(bool activeTest) const;

    // A job (one chunk of deliveries of one domain) runs its stages in this order; each look-up is one call (or
    // none when nothing needs it), and a failed look-up fails the whole job.
    struct RefKind;
    struct Draft;
    using Step = std::function<void(std::function<void()>)>; // a stage; it gets the function that starts the next
    void runJob(const std::shared_ptr<Job>& job);
    void rejectUnsupported(const std::shared_ptr<Job>& job);
    void failJob(const std::shared_ptr<Job>& job, const TrytonAnswer& a);
    void loadUoms(const std::shared_ptr<Job>& job, std::function<void()> next);
    void findExisting(const std::shared_ptr<Job>& job, std::function<void()> next);
    void readSupplierLinks(const std::shared_ptr<Job>& job, std::function<void()> next);
    void readCompanyCurrency(const std::shared_ptr<Job>& job, std::function<void()> next);
    void lookUpReferences(const std::shared_ptr<Job>& job, const RefKind& kind, std::function<void()> next);
    void createMissingOperations(
        const std::shared_ptr<Job>& job, const std::set<std::string>& names, std::function<void()> next);
    void buildValues(Job& job) const;
    void buildRetire(Job& job, size_t i, const nlohmann::json* existing) const;
    nlohmann::json resolveRef(
        Job& job, Draft& draft, tryton::FieldKind kind, const nlohmann::json& value, const std::string& field) const;
    void mapField(Job& job, Draft& draft, const std::string& field, const nlohmann::json& value) const;
    nlohmann::json mapRows(Job& job, Draft& draft, const std::string& field, const nlohmann::json& value) const;
    void fitOutput(const Job& job, const nlohmann::json& payload, Draft& draft) const;
    void finishValues(Job& job, size_t i, Draft& draft) const;
    void createRecords(const std::shared_ptr<Job>& job, std::function<void()> next);
    void writeRecords(const std::shared_ptr<Job>& job, std::function<void()> next);
    void finishJob(const std::shared_ptr<Job>& job);
    void bisect(const std::shared_ptr<Job>& job, const std::string& method, const std::vector<size_t>& items,
        const std::function<nlohmann::json(const std::vector<size_t>&)>& params, std::function<void()> then);

    std::string m_systemId;
    QUrl m_url; // base_url + "/<database>/"
    std::string m_database;
    std::string m_user, m_password;
    int m_company = 1;
    size_t m_batchSize = 200;
    int m_timeoutMs = 30000;
    QByteArray m_session; // "Session base64(login:uid:session)"; empty: not logged in
    bool m_loggingIn = false;
    std::vector<std::function<void(const TrytonAnswer*)>> m_loginWaiters;
    int m_currency = 0; // the company's currency (supplier links), read once
    struct Uom
    {
        std::string symbol;
        int category = 0;
        std::string categoryName;
        double factor = 1; // to the category's reference unit
        int digits = 2; // decimals Tryton keeps for a quantity in this unit
    };
    std::map<std::string, int> m_uomBySymbol; // product.uom, read once
    std::map<int, Uom> m_uoms; // by id
    // A BOM quantity (input or output row) in a unit of the product's unit category that Tryton keeps it in:
    // the row's own unit when it can; else the nearest unit of that category that holds the quantity with its
    // decimals (0.005 kg -> 5 g; 0.25 t -> 250 kg, Tryton 6.0 has no t). False (and `problem`) when the unit is of
    // another category than the product's or no unit of the category holds the quantity.
    bool fitBomUnit(const std::string& where, const std::string& product, int productUom, const nlohmann::json& unit,
        const nlohmann::json& quantity, nlohmann::json& uomId, nlohmann::json& quantityOut, std::string& problem,
        std::string& problemClass) const;
    int m_logins = 0;
    int m_calls = 0;
    QNetworkAccessManager* m_nam = nullptr;
};

} // namespace mdsync
