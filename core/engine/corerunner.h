#pragma once

// One run loop for the embedded core (docs/ARCHITECTURE.md, "One change end to end"). `mdsyncctl run`,
// `mdsyncctl demo` and the GUI's core thread (CoreService) all run the core through a CoreRunner: it owns the
// ingress (webhook, file inbox, scheduled reconciliation), the dispatcher's start and stop, the alert timer,
// the change notifications and the bounded shutdown. It lives on the thread that owns the EmbeddedCore.

#include "sync/fileinbox.h"
#include "sync/inboundserver.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

class QTimer;

namespace mdsync {

struct EmbeddedCore;
class AlertEngine;
class AlertNotifier;
class DispatcherLease;

// A new alert of severity critical or high (what the GUI notifies and `mdsyncctl run` prints).
struct FiredAlert
{
    std::int64_t id = 0;
    std::string rule, severity, message;
    bool operator==(const FiredAlert&) const = default;
};

// Who sends the workspace's deliveries. Auto: this runner's dispatcher (on a PostgreSQL workspace only while it
// holds the workspace's dispatcher lease, docs/DISPATCHER.md). Never: ingress, alerts and notifications only; the
// deliveries are sent by another process (a steward's GUI on a shared workspace served by `mdsyncctl run`).
enum class DispatchMode { Auto, Never };

struct CoreRunnerOptions
{
    DispatchMode dispatch = DispatchMode::Auto;
    std::optional<InboundOptions> webhook; // the webhook (POST /events) when set
    std::optional<FileInboxOptions> inbox; // the file inbox when set
    bool reconcileSchedule = true; // per subscription "reconcile_minutes" (docs/STEWARDSHIP.md)
    int reconcileMinuteMs = 60 * 1000; // milliseconds per reconcile minute (tests shorten it)
    int alertIntervalMs = 30 * 1000; // alert rules are evaluated this often (docs/METRICS.md); 0 = never
    int onboardIntervalMs = 1000; // running initial loads queue their next chunk this often (docs/ONBOARDING.md)
    // A model, landscape or contracts version that fell due is applied this often (docs/GOVERNANCE.md "Hot
    // configuration"); 0 = only at start.
    int configCheckMs = 1000;
    int notifyIntervalMs = 250; // changed() at most this often
    int drainTimeoutMs = 5000; // at stop: how long calls in flight may take to finish
    // PostgreSQL (DispatchMode::Auto): how often a standby tries to take the dispatcher lease, and how often the
    // active one checks that its lease connection is alive (docs/DISPATCHER.md "One dispatcher per shared
    // workspace").
    int leasePollMs = 1000;
    int leaseCheckMs = 2000;
};

class CoreRunner final : public QObject
{
    Q_OBJECT
public:
    CoreRunner(EmbeddedCore& core, CoreRunnerOptions options, QObject* parent = nullptr);
    ~CoreRunner() override; // stop()

    // Starts the ingress, the dispatcher and the timers. An error (a port in use, an inbox folder that cannot
    // be created) leaves nothing running.
    Result<void> start();
    // Stops the ingress and the timers, then the dispatcher; lets calls in flight finish (bounded by
    // drainTimeoutMs) and records their outcomes. An error is the dispatcher's (storage) failure. Idempotent.
    Result<void> stop();
    // Pauses or resumes sending; ingress keeps queuing.
    Result<void> setSendingPaused(bool paused);

    bool isRunning() const { return m_running; }
    bool isSendingPaused() const { return m_paused; }
    // Whether this runner's dispatcher sends: not with DispatchMode::Never, not while paused, and on PostgreSQL
    // only while it holds the workspace's dispatcher lease (a standby waits).
    bool isDispatching() const;
    // This process is the workspace's active instance: SQLite (one writer), or the PostgreSQL lease holder. Only
    // the active instance evaluates alert rules and runs the reconciliation schedule; every instance ingests.
    bool isActiveInstance() const;
    // The dispatcher stopped on a storage failure (storageFailed() was emitted): the run should end.
    bool hasFailed() const { return m_failed; }
    quint16 webhookPort() const { return m_webhookPort; }
    EmbeddedCore& core() const { return m_core; }

    // Something changed the workspace outside the runner's view (a steward command); changed() follows.
    void markChanged();
    // Evaluates the alert rules now (also done every alertIntervalMs).
    void evaluateAlerts();
    void updateNotifier(); // (re)makes m_notifier when the rules' "notify" changed
    // Queues the next chunk of every running initial load (also done every onboardIntervalMs; the active instance
    // only).
    void advanceOnboardings();
    // Initial loads that were running at the last advanceOnboardings() and not done by it (`run --until-idle` waits
    // for them: between two chunks the dispatcher may be idle).
    int runningOnboardings() const { return m_onboardingsRunning; }
    // Applies the configuration versions in force now when they differ from those the core runs with (also done
    // every configCheckMs): the ingest pipeline, the steward, the dispatcher and the connectors use them from the
    // next batch or command on. Deferred while a command or reconciliation runs (EmbeddedCore::busy).
    void applyDueConfig();

Q_SIGNALS:
    // The workspace changed (ingress, outcomes, markChanged); throttled to notifyIntervalMs.
    void changed();
    // A line for the operator: what runs where ("webhook on http://127.0.0.1:8080 ..."), scheduled
    // reconciliation results, alert evaluation errors. `problem` marks errors.
    void message(const QString& line, bool problem);
    // New alerts of severity critical or high.
    void alertsFired(const QList<mdsync::FiredAlert>& alerts);
    // The dispatcher stopped on a storage failure.
    void storageFailed(const QString& message);

private:
    void startReconcileSchedule();
    void startDueInitialLoads(); // of a landscape version that fell due (steward/configchange.h startInitialLoads)
    void announce();
    Result<void> startDispatching(); // SQLite, or the lease held
    void enterStandby(); // PostgreSQL: wait for the lease
    void onLeaseAcquired();
    void onLeaseLost();

    EmbeddedCore& m_core;
    CoreRunnerOptions m_o;
    std::unique_ptr<InboundServer> m_webhook;
    std::unique_ptr<FileInbox> m_inbox;
    std::unique_ptr<AlertEngine> m_alerts;
    AlertNotifier* m_notifier = nullptr; // child; e-mail and webhooks of the rules' "notify" (none: nullptr)
    std::string m_notifySettings; // the "notify" JSON m_notifier was made from
    std::unique_ptr<DispatcherLease> m_lease; // PostgreSQL with DispatchMode::Auto
    QElapsedTimer m_standbySince;
    std::unique_ptr<QObject> m_reconcile; // parent of the reconcile timers
    QTimer* m_alertTimer = nullptr;
    QTimer* m_onboardTimer = nullptr;
    QTimer* m_configTimer = nullptr;
    int m_onboardingsRunning = 0;
    std::optional<std::pair<std::int64_t, std::int64_t>> m_configRefused; // (model, landscape) ids said once
    std::map<std::int64_t, std::string> m_onboardWaiting; // initial load -> why it waits (said once)
    QTimer* m_notifyTimer = nullptr;
    quint16 m_webhookPort = 0;
    bool m_running = false;
    bool m_paused = false;
    bool m_dirty = false;
    bool m_failed = false;
};

} // namespace mdsync

Q_DECLARE_METATYPE(mdsync::FiredAlert)
