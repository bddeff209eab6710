#pragma once

// The UI thread's handle on the embedded core (docs/GUI.md, "Threads"): runs a CoreService in its own
// QThread and talks to it only through queued calls. Steward actions are submitted as commands that run on
// the core thread; their results come back as signals (or a callback) on the UI thread.

#include "engine/coreservice.h"
#include "store/workspaceuri.h"
#include "util/handover.h"

#include <QObject>
#include <QThread>

#include <nlohmann/json.hpp>

#include <functional>
#include <map>

namespace mdsync::ui {

class CoreController final : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(bool ok, const QString& error, const nlohmann::json& result)>;

    explicit CoreController(CoreServiceOptions options, QObject* parent = nullptr);
    ~CoreController() override; // shuts the core down on its thread and joins it

    void start();
    CoreService::State state() const { return m_state; }
    bool isRunning() const { return m_state == CoreService::State::Running || m_state == CoreService::State::Paused; }
    const QString& workspacePath() const { return m_options.workspacePath; }
    const std::string& actor() const { return m_options.actor; }
    bool isDemo() const { return m_options.demo; }
    // A shared (PostgreSQL) workspace: the workspace's service sends the deliveries (this core never does) and
    // other sessions' changes arrive as notices (CoreService::isShared()).
    bool isShared() const { return !m_options.demo && WorkspaceLocation::looksLikePostgres(m_options.workspacePath); }
    const QStringList& notes() const { return m_notes; }
    // Deliveries per status and open exceptions per category (read::liveStatus()), as last announced.
    const LiveStatus& lastStatus() const { return m_status; }
    quint64 dataVersion() const { return m_version; }

    // Runs `command` on the core thread. `done` (optional) runs on the UI thread when it finished; the
    // signals commandProgress/commandFinished carry the returned id as well. `cancel` lets the UI stop a
    // long command between items.
    quint64 submit(CoreCommand command, Done done = {}, std::shared_ptr<std::atomic_bool> cancel = {});
    void setSendingPaused(bool paused);

Q_SIGNALS:
    void started(const QString& workspacePath, const QStringList& notes);
    void failed(const QString& message);
    void stateChanged(mdsync::CoreService::State state);
    void changed(quint64 version);
    void statusChanged();
    void alertsFired(const QList<mdsync::FiredAlert>& alerts);
    // An operator line from the core's run loop (webhook, inbox, scheduled reconciliation, alert errors).
    void message(const QString& line, bool problem);
    void commandProgress(quint64 id, int done, int total, const QString& text);
    void commandFinished(quint64 id, bool ok, const QString& error, const nlohmann::json& result);

private:
    CoreServiceOptions m_options;
    QThread m_thread;
    CoreService* m_service = nullptr; // lives in m_thread
    CallReceiver* m_serviceCalls = nullptr; // child of m_service: runs posted calls on the core thread
    CallReceiver* m_uiCalls = nullptr; // child of this: runs the service's relayed signals on the UI thread
    CoreService::State m_state = CoreService::State::Stopped;
    QStringList m_notes;
    LiveStatus m_status;
    quint64 m_version = 0;
    quint64 m_nextId = 0;
    std::map<quint64, Done> m_callbacks;
};

} // namespace mdsync::ui
