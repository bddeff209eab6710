#pragma once

#include "connectors/connector.h"
#include "util/result.h"

#include <QByteArray>
#include <QUrl>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace mdsync {

// Delivers to a REST endpoint with QNetworkAccessManager. Configuration (the system's "connector" object):
//   {"kind": "rest", "base_url": "https://wms.plant.example:8443",
//    "paths": {"item": "/api/items/{key}"},          // default "/api/{domain}/{key}"
//    "method": "PUT",                                 // upserts; deletes always use DELETE
//    "auth": {"type": "bearer", "token_env": "MDSYNC_WMS_TOKEN"}
//          | {"type": "basic", "user_env": "...", "password_env": "..."}
//          | {"type": "api_key", "header": "X-API-Key", "key_env": "..."},
//    "timeout_ms": 10000, "tls_verify": true,
//    "batch_path": "/api/{domain}/_batch",            // optional: enables sendBatch()
//    "batch_domains": ["item", "bom"]}                // optional: domains sent in batches; absent/empty = all
// Secrets are read from the named environment variables when the connector is created and are never
// written to the workspace; a missing variable is a configuration error naming it. TLS verification is on
// unless "tls_verify": false is set explicitly (for test systems only).
class RestConnector final : public Connector
{
    Q_OBJECT
public:
    static Result<std::unique_ptr<RestConnector>> create(
        const std::string& systemId, const nlohmann::json& config, QObject* parent = nullptr);
    ~RestConnector() override;

    void send(const OutboundDelivery& delivery, Done done) override;

    // True when "batch_path" is configured and the domain is in "batch_domains" (or that list is empty).
    bool supportsBatch(std::string_view domain) const override;
    // One POST of [{"key","op","payload","idempotency_key","correlation_id"}, ...] to the batch URL when
    // every delivery is of one batch-enabled domain; otherwise falls back to one send() per delivery.
    // Outcomes are per item (see classifyBatch). `done` is called once, asynchronously, on this thread.
    void sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done) override;

    // Read-back (reconciliation) when "read_back": true is configured: GET of each key's URL (urlFor); an answer
    // {"payload": {...}, "retired": b} (the simulated systems' GET) gives the payload plus "retired", any other
    // JSON object is the record itself; 404 = the target does not hold it.
    bool supportsReadBack(std::string_view domain) const override;
    void fetch(const std::string& domain, const std::vector<std::string>& keys, const std::vector<std::string>& fields,
        FetchDone done) override;

    // The URL a delivery goes to ({domain} and {key} substituted, the key percent-encoded).
    QUrl urlFor(const OutboundDelivery& delivery) const;
    // The batch URL of a domain ({domain} substituted); empty when batches are not configured.
    QUrl batchUrlFor(std::string_view domain) const;

    // Classifies an HTTP answer (status 0 = no answer, with the transport error text). `retire`: the request
    // was a DELETE, for which 404 means the target never had the record: Acked, message "already absent".
    static DeliveryOutcome classify(int httpStatus, const QByteArray& body, const QByteArray& retryAfter,
        const std::string& transportError, bool timedOut, bool tlsError, bool retire = false);

    // Splits a batch answer into one outcome per delivery. `http` is classify() of the whole answer: unless it
    // is a 2xx with a JSON array body it applies to every item. Array items are matched by "idempotency_key"
    // (else by "index"): "error" -> classified by the item's "status" (default Rejected) with the target's
    // message verbatim; "status" 2xx / "applied" / "retired" / "replay" -> Acked; a delete answered 404 ->
    // Acked "already absent"; an item missing from the answer -> Retryable.
    static std::vector<DeliveryOutcome> classifyBatch(
        const std::vector<OutboundDelivery>& deliveries, const DeliveryOutcome& http);

private:
    RestConnector(std::string systemId, QObject* parent);
    QNetworkRequest request(const QUrl& url) const;

    std::string m_systemId;
    QUrl m_base;
    nlohmann::json m_paths;
    QByteArray m_method = "PUT";
    QByteArray m_authHeader, m_authValue;
    int m_timeoutMs = 10000;
    bool m_tlsVerify = true;
    bool m_readBack = false;
    std::string m_batchPath; // empty: no batches
    std::vector<std::string> m_batchDomains; // empty: every domain
    QNetworkAccessManager* m_nam = nullptr;
};

} // namespace mdsync
