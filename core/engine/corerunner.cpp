#include "engine/corerunner.h"

#include "connectors/connector.h"
#include "contract/contract.h"
#include "engine/embeddedcore.h"
#include "metrics/alertnotifier.h"
#include "metrics/alerts.h"
#include "policy/landscape.h"
#include "steward/configchange.h"
#include "steward/steward.h"
#include "store/dispatcherlease.h"
#include "store/workspace.h"
#include "store/workspaceuri.h"
#include "sync/onboarding.h"
#include "sync/reconcile.h"
#include "util/qtext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>

namespace mdsync {

CoreRunner::CoreRunner(EmbeddedCore& core, CoreRunnerOptions options, QObject* parent)
    : QObject(parent)
    , m_core(core)
    , m_o(std::move(options))
{
    qRegisterMetaType<mdsync::FiredAlert>();
    qRegisterMetaType<QList<mdsync::FiredAlert>>();
    connect(m_core.dispatcher.get(), &Dispatcher::outcomesCommitted, this, &CoreRunner::markChanged);
    connect(m_core.dispatcher.get(), &Dispatcher::storageFailed, this, [this](const QString& m) {
        m_failed = true;
        Q_EMIT storageFailed(m);
    });
    connect(m_core.dispatcher.get(), &Dispatcher::contractsChanged, this, [this] {
        // The dispatcher took a contracts version between its batches; the rest of the core follows (after the
        // dispatcher's tick, which emitted this).
        QMetaObject::invokeMethod(this, &CoreRunner::applyDueConfig, Qt::QueuedConnection);
    });
    connect(m_core.dispatcher.get(), &Dispatcher::contractsRefused, this, [this](qint64 id, const QString& reason) {
        Q_EMIT message(
            QStringLiteral("contracts version #%1 fell due but is not used until a restart: %2").arg(id).arg(reason),
            true);
    });
    m_notifyTimer = new QTimer(this);
    m_notifyTimer->setInterval(m_o.notifyIntervalMs);
    m_notifyTimer->setSingleShot(true);
    connect(m_notifyTimer, &QTimer::timeout, this, &CoreRunner::announce);
}

CoreRunner::~CoreRunner()
{
    (void)stop();
}

Result<void> CoreRunner::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_running)
        return {};
    // Inbound first: a port in use or an inbox that cannot be created stops the start before anything is sent.
    if (m_o.webhook) {
        auto webhook = std::make_unique<InboundServer>(*m_core.pipeline, *m_o.webhook);
        connect(webhook.get(), &InboundServer::eventsIngested, this, [this] {
            m_core.dispatcher->poke();
            markChanged();
        });
        auto bound = webhook->start();
        if (!bound)
            return makeError(bound.error());
        m_webhookPort = bound.value();
        m_webhook = std::move(webhook);
        Q_EMIT message(QStringLiteral("webhook on http://%1:%2 (POST /events, POST /validate)")
                           .arg(m_o.webhook->address.toString())
                           .arg(m_webhookPort),
            false);
    }
    if (m_o.inbox) {
        auto inbox = std::make_unique<FileInbox>(*m_core.pipeline, *m_o.inbox);
        connect(inbox.get(), &FileInbox::fileProcessed, this, [this] {
            m_core.dispatcher->poke();
            markChanged();
        });
        connect(inbox.get(), &FileInbox::errorOccurred, this,
            [this](const QString& m) { Q_EMIT message(QStringLiteral("inbox: ") + m, true); });
        if (auto r = inbox->start(); !r) {
            m_webhook.reset();
            return makeError(r.error());
        }
        m_inbox = std::move(inbox);
        Q_EMIT message(
            QStringLiteral("inbox %1 (processed files move to done/ or failed/)").arg(m_o.inbox->folder), false);
    }
    m_running = true;
    m_paused = false;
    if (m_o.dispatch == DispatchMode::Never) {
        Q_EMIT message(QStringLiteral("deliveries are sent by the workspace's dispatcher service, not here"), false);
    } else if (m_core.ws->isPostgres()) {
        // One active dispatcher per shared workspace: the lease decides (docs/DISPATCHER.md).
        m_lease = std::make_unique<DispatcherLease>(m_core.ws->db(), m_core.ws->instanceId());
        m_lease->setCheckInterval(m_o.leaseCheckMs);
        connect(m_lease.get(), &DispatcherLease::acquired, this, &CoreRunner::onLeaseAcquired);
        connect(m_lease.get(), &DispatcherLease::lost, this, &CoreRunner::onLeaseLost);
        auto held = m_lease->tryAcquire();
        Result<void> started;
        if (!held)
            started = makeError(QStringLiteral("dispatcher lease: ") + held.error());
        else if (held.value())
            started = startDispatching();
        else
            enterStandby();
        if (!started) {
            m_running = false;
            m_lease.reset();
            m_inbox.reset();
            m_webhook.reset();
            return started;
        }
    } else if (auto r = startDispatching(); !r) {
        m_running = false;
        m_inbox.reset();
        m_webhook.reset();
        return r;
    }
    if (m_o.alertIntervalMs > 0) {
        m_alerts = std::make_unique<AlertEngine>(*m_core.ws);
        m_alertTimer = new QTimer(this);
        m_alertTimer->setInterval(m_o.alertIntervalMs);
        connect(m_alertTimer, &QTimer::timeout, this, &CoreRunner::evaluateAlerts);
        m_alertTimer->start();
    }
    if (m_o.onboardIntervalMs > 0) {
        m_onboardTimer = new QTimer(this);
        m_onboardTimer->setInterval(m_o.onboardIntervalMs);
        connect(m_onboardTimer, &QTimer::timeout, this, &CoreRunner::advanceOnboardings);
        m_onboardTimer->start();
    }
    if (m_o.reconcileSchedule)
        startReconcileSchedule();
    if (m_o.configCheckMs > 0) {
        m_configTimer = new QTimer(this);
        m_configTimer->setInterval(m_o.configCheckMs);
        connect(m_configTimer, &QTimer::timeout, this, &CoreRunner::applyDueConfig);
        m_configTimer->start();
    }
    // A future-dated landscape version that came into force while no core ran gets its initial loads now; running
    // loads go on at once (and `run --until-idle` knows of them from the start).
    if (isActiveInstance()) {
        startDueInitialLoads();
        if (m_o.onboardIntervalMs > 0)
            advanceOnboardings();
    }
    markChanged();
    return {};
}

void CoreRunner::startDueInitialLoads()
{
    auto lines = startInitialLoads(*m_core.ws, m_core.config, InitialLoadTrigger::FellDue);
    if (!lines) {
        Q_EMIT message(QStringLiteral("initial loads of the landscape in force: ") + lines.error(), true);
        return;
    }
    for (const std::string& line : lines.value())
        Q_EMIT message(qs(line), false);
    if (!lines->empty() && m_running)
        advanceOnboardings();
}

void CoreRunner::applyDueConfig()
{
    if (!m_running || m_core.busy > 0)
        return; // a command or reconciliation waits in a nested event loop: the next check applies it
    auto due = configVersionsAt(*m_core.ws, nowMs());
    if (!due) {
        Q_EMIT message(QStringLiteral("configuration in force: ") + due.error(), true);
        return;
    }
    const ConfigVersionIds running = versionIds(m_core.config);
    if (due.value() == running)
        return;
    const std::pair<std::int64_t, std::int64_t> modelAndLandscape { due->model, due->landscape };
    if (m_configRefused == modelAndLandscape && due->contracts == running.contracts)
        return; // said already; a newer version is tried again
    // Read-write: a version that became due gets its projections written here (audited "config.activate").
    auto cfg = loadActiveConfig(*m_core.ws);
    if (!cfg) {
        m_configRefused = modelAndLandscape;
        Q_EMIT message(QStringLiteral("the configuration that fell due is not used (the core keeps running with the "
                                      "one it has until this is fixed): ")
                + cfg.error(),
            true);
        return;
    }
    m_configRefused.reset();
    const ActiveConfig before = m_core.config;
    m_core.replacedConfigs.push_back(before);
    m_core.config = cfg.value();
    m_core.generic = m_core.config.contracts->generic();
    m_core.pipeline->setConfig(m_core.config);
    m_core.dispatcher->applyConfig(m_core.config);
    m_core.steward->configChanged();

    QStringList what;
    if (before.modelVersionId != m_core.config.modelVersionId)
        what << QStringLiteral("model %1 (#%2)")
                    .arg(qs(m_core.config.model->version()))
                    .arg(m_core.config.modelVersionId);
    const bool landscapeChanged = before.landscapeVersionId != m_core.config.landscapeVersionId;
    if (landscapeChanged)
        what << QStringLiteral("landscape %1 (#%2)")
                    .arg(qs(m_core.config.landscape->version()))
                    .arg(m_core.config.landscapeVersionId);
    if (before.contractsVersionId != m_core.config.contractsVersionId)
        what << QStringLiteral("contracts %1 (#%2)")
                    .arg(qs(m_core.config.contracts->version()))
                    .arg(m_core.config.contractsVersionId);
    Q_EMIT message(QStringLiteral("%1 in force: events are validated and deliveries picked and mapped with it from "
                                  "now (no restart)")
                       .arg(what.join(QStringLiteral(", "))),
        false);
    if (landscapeChanged) {
        if (!m_core.path.isEmpty()) {
            const size_t notes = m_core.notes.size();
            for (const std::string& id : connectLandscape(m_core, before.landscape.get()))
                Q_EMIT message(
                    QStringLiteral("%1: connected (landscape %2)").arg(qs(id), qs(m_core.config.landscape->version())),
                    false);
            for (size_t i = notes; i < m_core.notes.size(); ++i)
                Q_EMIT message(m_core.notes[i], true);
        }
        if (m_o.reconcileSchedule) {
            m_reconcile.reset();
            startReconcileSchedule();
        }
        if (isActiveInstance())
            startDueInitialLoads();
    }
    m_core.dispatcher->poke();
    markChanged();
}

void CoreRunner::advanceOnboardings()
{
    if (!m_running || !isActiveInstance())
        return;
    auto ids = mdsync::runningOnboardings(m_core.ws->db());
    if (!ids) {
        Q_EMIT message(QStringLiteral("initial loads: ") + ids.error(), true);
        return;
    }
    m_onboardingsRunning = static_cast<int>(ids->size());
    for (const std::int64_t id : ids.value()) {
        auto r = advanceOnboarding(*m_core.ws, m_core.config, id);
        if (!r) {
            Q_EMIT message(QStringLiteral("initial load #%1: %2").arg(id).arg(r.error()), true);
            continue;
        }
        if (r->queued > 0) {
            m_core.dispatcher->poke();
            markChanged();
        }
        // Said once per job and reason, not every second.
        if (std::string& said = m_onboardWaiting[id]; said != r->waiting) {
            said = r->waiting;
            if (!said.empty())
                Q_EMIT message(QStringLiteral("initial load #%1 waits: %2").arg(id).arg(qs(said)), true);
        }
        if (r->done) {
            --m_onboardingsRunning;
            markChanged();
            auto job = onboardingJobs(m_core.ws->db(), {}, id);
            if (job && !job->empty()) {
                const nlohmann::json j = job->front().toJson();
                Q_EMIT message(QStringLiteral("initial load #%1 of %2 done: %3 acknowledged, %4 failed, time to "
                                              "onboard %5 s")
                                   .arg(id)
                                   .arg(qs(job->front().row.target))
                                   .arg(job->front().progress.acked)
                                   .arg(job->front().progress.failed)
                                   .arg(static_cast<double>(j.value("time_to_onboard_ms", std::int64_t { 0 })) / 1000.0,
                                       0, 'f', 1),
                    false);
            }
        }
    }
}

Result<void> CoreRunner::stop()
{
    if (!m_running)
        return {};
    Q_ASSERT(QThread::currentThread() == thread());
    m_running = false;
    // Ingress first (nothing new arrives), then the timers, then sending.
    if (m_webhook)
        m_webhook->stop();
    if (m_inbox)
        m_inbox->stop();
    if (m_alertTimer) {
        m_alertTimer->stop();
        delete m_alertTimer;
        m_alertTimer = nullptr;
    }
    delete m_onboardTimer;
    m_onboardTimer = nullptr;
    delete m_configTimer;
    m_configTimer = nullptr;
    m_reconcile.reset();
    m_notifyTimer->stop();
    Dispatcher& d = *m_core.dispatcher;
    d.stop();
    // Calls in flight finish (bounded) and their outcomes are recorded.
    QElapsedTimer drain;
    drain.start();
    while (d.callsInFlight() > 0 && drain.elapsed() < m_o.drainTimeoutMs && d.lastError().isEmpty())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    const auto flushed = d.flush();
    if (m_lease) { // after the outcomes are recorded: a standby may take over now
        m_lease->release();
        m_lease.reset();
    }
    m_webhook.reset();
    m_inbox.reset();
    delete m_notifier; // retries still waiting are dropped; the attempts made are recorded with their alerts
    m_notifier = nullptr;
    m_notifySettings.clear();
    m_alerts.reset();
    if (!d.lastError().isEmpty())
        return makeError(d.lastError());
    if (!flushed)
        return makeError(flushed.error());
    return {};
}

Result<void> CoreRunner::setSendingPaused(bool paused)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_running || paused == m_paused || m_o.dispatch == DispatchMode::Never)
        return {};
    if (paused) {
        m_core.dispatcher->stop();
    } else if (m_lease && !m_lease->isActive()) {
        // A standby: sending starts when the lease is taken.
    } else if (auto r = m_core.dispatcher->start(); !r) {
        return r;
    }
    m_paused = paused;
    return {};
}

bool CoreRunner::isDispatching() const
{
    return m_running && m_o.dispatch != DispatchMode::Never && !m_paused && (!m_lease || m_lease->isActive());
}

bool CoreRunner::isActiveInstance() const
{
    if (m_o.dispatch == DispatchMode::Never)
        return !m_core.ws->isPostgres();
    return !m_lease || m_lease->isActive();
}

Result<void> CoreRunner::startDispatching()
{
    if (auto r = m_core.dispatcher->start(); !r)
        return r;
    if (m_lease)
        Q_EMIT message(QStringLiteral("active dispatcher of this workspace (dispatcher lease held)"), false);
    return {};
}

void CoreRunner::enterStandby()
{
    m_standbySince.start();
    QString who = QStringLiteral("another process");
    if (auto h = m_lease->holder(); h && h->pid != 0)
        who = h->describe();
    Q_EMIT message(
        QStringLiteral("standby: the active dispatcher is %1; taking over when it stops (ingest runs here too)")
            .arg(who),
        false);
    m_lease->startStandby(m_o.leasePollMs);
}

void CoreRunner::onLeaseAcquired()
{
    if (!m_running)
        return;
    const double waited = static_cast<double>(m_standbySince.elapsed()) / 1000.0;
    if (m_paused) {
        Q_EMIT message(QStringLiteral("took over as the active dispatcher after %1 s on standby (sending paused)")
                           .arg(waited, 0, 'f', 1),
            false);
        return;
    }
    if (auto r = m_core.dispatcher->start(); !r) {
        m_failed = true;
        Q_EMIT message(
            QStringLiteral("took over the dispatcher lease, but the dispatcher cannot start: ") + r.error(), true);
        Q_EMIT storageFailed(r.error());
        return;
    }
    Q_EMIT message(
        QStringLiteral("took over as the active dispatcher after %1 s on standby").arg(waited, 0, 'f', 1), false);
    markChanged();
}

void CoreRunner::onLeaseLost()
{
    if (!m_running)
        return;
    // The lock went with the lease's session: another process may be active already. Stop sending at once; the
    // calls in flight finish and their outcomes are recorded (the targets deduplicate by idempotency key).
    m_core.dispatcher->stop();
    Q_EMIT message(QStringLiteral("lost the dispatcher lease (its database connection ended): sending stopped, "
                                  "back to standby"),
        true);
    enterStandby();
}

void CoreRunner::markChanged()
{
    m_dirty = true;
    if (m_o.notifyIntervalMs <= 0)
        announce();
    else if (!m_notifyTimer->isActive())
        m_notifyTimer->start();
}

void CoreRunner::announce()
{
    if (!m_dirty)
        return;
    m_dirty = false;
    Q_EMIT changed();
}

void CoreRunner::evaluateAlerts()
{
    if (!m_alerts || !isActiveInstance())
        return;
    auto r = m_alerts->evaluate();
    if (!r) {
        Q_EMIT message(QStringLiteral("alerts: ") + r.error(), true);
        return;
    }
    updateNotifier();
    if (m_notifier)
        for (const AlertChange& a : r->fired)
            m_notifier->notify({ a.id, QString::fromStdString(a.rule), QString::fromStdString(a.severity),
                QString::fromStdString(a.message), QString::fromStdString(a.dedupKey) });
    if (r->fired.empty() && r->cleared.empty())
        return;
    QList<FiredAlert> fired;
    for (const AlertChange& a : r->fired)
        if (a.severity == "critical" || a.severity == "high")
            fired.push_back({ a.id, a.rule, a.severity, a.message });
    markChanged();
    if (!fired.isEmpty())
        Q_EMIT alertsFired(fired);
}

void CoreRunner::updateNotifier()
{
    auto doc = activeNotifySettings(*m_core.ws);
    const std::string text = doc ? doc->dump() : std::string();
    if (text == m_notifySettings || (m_notifier && m_notifier->pending() > 0))
        return; // unchanged, or the new settings are taken once the sends under way are done
    m_notifySettings = text;
    delete m_notifier;
    m_notifier = nullptr;
    auto settings = parseNotifySettings(doc ? doc.value() : nlohmann::json());
    if (!settings) {
        Q_EMIT message(QStringLiteral("alert notifications: ") + settings.error(), true);
        return;
    }
    if (settings->empty())
        return;
    m_notifier = new AlertNotifier(std::move(settings).value(), redactLocation(m_core.ws->location()), this);
    connect(m_notifier, &AlertNotifier::attempted, this, [this](const NotifyAttempt& a) {
        const nlohmann::json j = { { "channel", a.channel.toStdString() }, { "attempt", a.attempt }, { "ok", a.ok },
            { "final", a.final }, { "at", formatRfc3339(nowMs()) }, { "detail", a.detail.toStdString() } };
        if (m_alerts)
            if (auto r = m_alerts->recordNotification(a.alertId, j); !r)
                Q_EMIT message(QStringLiteral("alert notifications: ") + r.error(), true);
        if (!a.ok && a.final)
            Q_EMIT message(QStringLiteral("alert #%1: %2 failed after %3 attempts: %4")
                               .arg(a.alertId)
                               .arg(a.channel)
                               .arg(a.attempt)
                               .arg(a.detail),
                true);
    });
}

void CoreRunner::startReconcileSchedule()
{
    m_reconcile = std::make_unique<QObject>();
    auto busy = std::make_shared<bool>(false);
    for (const SubscriptionDef& s : m_core.config.landscape->subscriptions()) {
        if (s.reconcileMinutes <= 0)
            continue;
        auto it = m_core.connectors.find(s.target);
        // The connectors the dispatcher uses (the live demo's simulated systems are not in m_core.connectors).
        if (it == m_core.connectors.end() || !it->second->supportsReadBack(s.domain)) {
            Q_EMIT message(QStringLiteral("%1: reconcile_minutes %2 ignored (%3)")
                               .arg(qs(s.id))
                               .arg(s.reconcileMinutes)
                               .arg(it == m_core.connectors.end() ? QStringLiteral("target not connected")
                                                                  : QStringLiteral("its connector cannot read back")),
                false);
            continue;
        }
        Connector* connector = it->second.get();
        auto* timer = new QTimer(m_reconcile.get());
        timer->setInterval(s.reconcileMinutes * m_o.reconcileMinuteMs);
        const std::string target = s.target;
        const std::string domain = s.domain;
        connect(timer, &QTimer::timeout, m_reconcile.get(), [this, busy, connector, target, domain] {
            if (*busy || !isActiveInstance())
                return; // the previous run still waits for its read-back (or a standby): skipped, the next comes
            *busy = true;
            const EmbeddedCore::BusyScope coreBusy(m_core); // waits for the read-back in a nested event loop
            ReconcileOptions o;
            o.target = target;
            o.domain = domain;
            o.actor = "system:reconcile";
            o.checkPermission = false;
            // The dispatcher's contracts: a contracts version that fell due is compared with from then on.
            const std::shared_ptr<const ContractSet> contracts = m_core.dispatcher->contracts();
            auto r = reconcileTarget(*m_core.ws, m_core.config, *contracts, *connector, o);
            *busy = false;
            if (!r) {
                Q_EMIT message(r.error(), true);
                return;
            }
            if (r->exceptionsCreated > 0)
                markChanged();
            Q_EMIT message(QStringLiteral("reconcile %1 %2: %3 compared, %4 drifted, %5 new drift exception(s)")
                               .arg(qs(target), qs(domain))
                               .arg(r->compared)
                               .arg(r->drifts.size())
                               .arg(r->exceptionsCreated),
                false);
        });
        timer->start();
        Q_EMIT message(
            QStringLiteral("reconciling %1 %2 every %3 min").arg(qs(s.target), qs(s.domain)).arg(s.reconcileMinutes),
            false);
    }
}

} // namespace mdsync
