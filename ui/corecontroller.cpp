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
    connect(m_service, &CoreService::started, this, [this](const QString& path, const QStringList& notes) {
        m_notes = notes;
        Q_EMIT started(path, notes);
    });
    connect(m_service, &CoreService::failed, this, &CoreController::failed);
    connect(m_service, &CoreService::stateChanged, this, [this](CoreService::State s) {
        m_state = s;
        Q_EMIT stateChanged(s);
    });
    connect(m_service, &CoreService::changed, this, [this](quint64 v) {
        m_version = v;
        Q_EMIT changed(v);
    });
    connect(m_service, &CoreService::status, this, [this](const LiveStatus& status) {
        m_status = status;
        Q_EMIT statusChanged();
    });
    connect(m_service, &CoreService::alertsFired, this, &CoreController::alertsFired);
    connect(m_service, &CoreService::message, this, &CoreController::message);
    connect(m_service, &CoreService::commandProgress, this, &CoreController::commandProgress);
    connect(m_service, &CoreService::commandFinished, this,
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
        CoreService* service = m_service;
        QMetaObject::invokeMethod(
            service, [service] { service->shutdown(); }, Qt::BlockingQueuedConnection);
        m_thread.quit();
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
