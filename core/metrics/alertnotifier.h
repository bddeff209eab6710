#pragma once

// Outgoing alert notifications (issue 18, docs/METRICS.md "Notifications"): an e-mail over SMTP and a POST to each
// webhook for every alert that fires at or above a severity. Each send is retried with a doubling delay up to a
// bounded number of attempts, and every attempt is reported (attempted()) so that the caller records it with the
// alert (AlertEngine::recordNotification). The desktop notification is the GUI's (MainWindow::notifyAlerts).
//
// Settings are the "notify" object of the alert rules document (set with the rules, audited with them):
//   { "min_severity": "high",
//     "email": { "smtp_host": "127.0.0.1", "smtp_port": 25, "from": "mdsync@plant.example",
//                "to": ["steward@plant.example"] },
//     "webhooks": [ { "url": "http://127.0.0.1:8099/alerts" } ],
//     "attempts": 4, "retry_delay_ms": 2000, "timeout_ms": 10000 }
// SMTP is plain SMTP to a relay (a plant's internal relay on port 25 or a local MTA): no TLS, no authentication.
//
// Lives on one thread with an event loop (the core thread); nothing here blocks it.

#include "util/result.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <vector>

class QNetworkAccessManager;

namespace mdsync {

struct NotifySettings
{
    QString minSeverity = QStringLiteral("high");
    QString smtpHost; // empty: no e-mail
    quint16 smtpPort = 25;
    QString from;
    QStringList to;
    QStringList webhooks;
    int attempts = 4; // per alert and channel, the first included
    int retryDelayMs = 2000; // before the second attempt; doubles after each failure
    int timeoutMs = 10000; // per attempt
    bool empty() const { return smtpHost.isEmpty() && webhooks.isEmpty(); }
    // Whether an alert of `severity` is sent (critical > high > medium > low).
    bool wants(const QString& severity) const;
};

// The "notify" object of a rules document (null or absent: nothing is sent). Errors name the field.
Result<NotifySettings> parseNotifySettings(const nlohmann::json& notify);

struct NotifyAlert
{
    std::int64_t id = 0;
    QString rule, severity, message, dedupKey;
};

struct NotifyAttempt
{
    std::int64_t alertId = 0;
    QString channel; // "email" or "webhook <url>"
    int attempt = 0; // 1-based
    bool ok = false;
    bool final = false; // no further attempt follows (sent, or the last one failed)
    QString detail; // the server's last reply, or what went wrong (names host and port or the URL)
};

class AlertNotifier : public QObject
{
    Q_OBJECT

public:
    // `origin` names the sender in the e-mail subject and the webhook body (the workspace).
    AlertNotifier(NotifySettings settings, QString origin, QObject* parent = nullptr);
    ~AlertNotifier() override;

    // Sends `alert` on every channel when its severity is wanted; returns the number of channels started.
    int notify(const NotifyAlert& alert);
    // Sends still running or waiting for a retry.
    int pending() const { return m_pending; }
    const NotifySettings& settings() const { return m_settings; }

Q_SIGNALS:
    void attempted(const mdsync::NotifyAttempt& attempt);

private:
    void send(const NotifyAlert& alert, const QString& channel, int attempt);
    void finish(const NotifyAlert& alert, const QString& channel, int attempt, bool ok, const QString& detail);
    void sendMail(const NotifyAlert& alert, const QString& channel, int attempt);
    void postWebhook(const NotifyAlert& alert, const QString& url, const QString& channel, int attempt);

    NotifySettings m_settings;
    QString m_origin;
    std::unique_ptr<QNetworkAccessManager> m_http;
    int m_pending = 0;
    bool m_closing = false; // in the destructor: late signals of the sends under way are ignored
};

} // namespace mdsync

Q_DECLARE_METATYPE(mdsync::NotifyAttempt)
