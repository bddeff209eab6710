#pragma once

#include "connectors/connector.h"
#include "util/result.h"

#include <QByteArray>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace mdsync {

// Delivers to a REST endpoint with QNetworkAccessManager. Configuration (the system's "connector" object):
//   {"kind": "rest", "base_url": "https://wms.plant.example:8443",
//    "paths": {"item": "/api/items/{key}"},          // default "/api/{domain}/{key}"
//    "method": "PUT",                                 // upserts; deletes always use DELETE
//    "auth": {"type": "bearer", "token_env": "MDSYNC_WMS_TOKEN"}
//          | {"type": "basic", "user_env": "...", "password_env": "..."}
//          | {"type": "api_key", "header": "X-API-Key", "key_env": "..."},
//    "timeout_ms": 10000, "tls_verify": true}
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

    // The URL a delivery goes to ({domain} and {key} substituted, the key percent-encoded).
    QUrl urlFor(const OutboundDelivery& delivery) const;

    // Classifies an HTTP answer (status 0 = no answer, with the transport error text).
    static DeliveryOutcome classify(int httpStatus, const QByteArray& body, const QByteArray& retryAfter,
        const std::string& transportError, bool timedOut, bool tlsError);

private:
    RestConnector(std::string systemId, QObject* parent);

    std::string m_systemId;
    QUrl m_base;
    nlohmann::json m_paths;
    QByteArray m_method = "PUT";
    QByteArray m_authHeader, m_authValue;
    int m_timeoutMs = 10000;
    bool m_tlsVerify = true;
    QNetworkAccessManager* m_nam = nullptr;
};

} // namespace mdsync
