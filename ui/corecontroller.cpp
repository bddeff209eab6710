#include "corecontroller.h"

namespace mdsync::ui {

CoreController::CoreController(CoreServiceOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_thread.setObjectName(QStringLiteral("mdsync-core"));
    m_service = new CoreService(m_options);
    // Calls to the service are posted through a child of it (it moves to the core thread with the service): the
    // hand-over ThreadSanitizer can see (util/handover.h).
    m_serviceCalls = new CallReceiver(m_service);
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
    // The service's signals come back the same way, through a receiver of ours (relay() in util/handover.h): a
    // queued connect() would copy their arguments in Qt's metatype code, where TSan cannot see the hand-over.
    m_uiCalls = new CallReceiver(this);
    relay(m_service, &CoreService::started, m_uiCalls, [this](const QString& path, const QStringList& notes) {
        m_notes = notes;
        Q_EMIT started(path, notes);
    });
    relay(m_service, &CoreService::failed, m_uiCalls, [this](const QString& message) { Q_EMIT failed(message); });
    relay(m_service, &CoreService::stateChanged, m_uiCalls, [this](CoreService::State s) {
        m_state = s;
        Q_EMIT stateChanged(s);
    });
    relay(m_service, &CoreService::changed, m_uiCalls, [this](quint64 v) {
        m_version = v;
        Q_EMIT changed(v);
    });
    relay(m_service, &CoreService::status, m_uiCalls, [this](const LiveStatus& status) {
        m_status = status;
        Q_EMIT statusChanged();
    });
    relay(m_service, &CoreService::alertsFired, m_uiCalls,
        [this](const QList<FiredAlert>& alerts) { Q_EMIT alertsFired(alerts); });
    relay(m_service, &CoreService::message, m_uiCalls,
        [this](const QString& line, bool problem) { Q_EMIT message(line, problem); });
    relay(m_service, &CoreService::commandProgress, m_uiCalls,
        [this](
            quint64 id, int done, int total, const QString& text) { Q_EMIT commandProgress(id, done, total, text); });
    relay(m_service, &CoreService::commandFinished, m_uiCalls,
        [this](quint64 id, bool ok, const QString& error, const nlohmann::json& result) {
            if (auto it = m_callbacks.find(id); it != m_callbacks.end()) {
                Done done = std::move(it->second);
                m_callbacks.erase(it);
                if (done)
                    done(ok, error, result);
            }
            Q_EMIT commandFinished(id, ok, error, result);
        });
    m_thread.start();
}

CoreController::~CoreController()
{
    if (m_thread.isRunning()) {
        // Shut the service down on its thread, then end the thread's loop from there; wait() orders all of it
        // before this destructor goes on.
        CoreService* service = m_service;
        m_serviceCalls->post([service] {
            service->shutdown();
            QThread::currentThread()->quit();
        });
        m_thread.wait();
    }
}

void CoreController::start()
{
    CoreService* service = m_service;
    m_serviceCalls->post([service] { service->start(); });
}

quint64 CoreController::submit(CoreCommand command, Done done, std::shared_ptr<std::atomic_bool> cancel)
{
    const quint64 id = ++m_nextId;
    if (done)
        m_callbacks.emplace(id, std::move(done));
    CoreService* service = m_service;
    m_serviceCalls->post([service, id, command = std::move(command), cancel = std::move(cancel)] {
        service->execute(id, command, cancel);
    });
    return id;
}

void CoreController::setSendingPaused(bool paused)
{
    CoreService* service = m_service;
    m_serviceCalls->post([service, paused] { service->setSendingPaused(paused); });
}

} // namespace mdsync::ui
