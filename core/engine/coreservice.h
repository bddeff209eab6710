#pragma once

// The embedded core as a service for a GUI: created on the UI thread, moved to its own QThread, and driven
// only through queued calls. It is the only writer to the workspace. Steward actions arrive as commands
// (functions run on the core thread against the core, which checks permissions and audits them); results,
// progress and change notifications go back as signals with value snapshots.

#include "engine/corerunner.h"
#include "store/livestatus.h"
#include "util/result.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace mdsync {

struct EmbeddedCore;
class ChangeFeed;
class DemoTraffic;

struct CoreServiceOptions
{
    QString workspacePath;
    bool demo = false; // (re)create the demo workspace at workspacePath and run the live demo in it
    std::uint32_t seed = 2026;
    int demoEventIntervalMs = 250;
    bool connectFromLandscape = true; // a real workspace: connect every subscriber the landscape describes
    std::string actor; // the login running the application (commands run as this user)
    int notifyIntervalMs = 250; // changes are announced at most this often
    int alertIntervalMs = 30 * 1000;
    // Ingress of a real workspace (not the demo): the webhook and the file inbox, as `mdsyncctl run` has them.
    std::optional<InboundOptions> webhook;
    std::optional<FileInboxOptions> inbox;
};

// What a command may use while it runs on the core thread.
class CoreCommandContext
{
public:
    CoreCommandContext(EmbeddedCore& core, const std::string& actor, std::function<void(int, int, QString)> progress,
        std::shared_ptr<std::atomic_bool> cancel);
    EmbeddedCore& core;
    const std::string& actor;
    // Reports progress (queued to the UI); cheap enough to call per item.
    void progress(int done, int total, const QString& text = {}) const;
    bool cancelled() const { return m_cancel && m_cancel->load(); }
    const std::shared_ptr<std::atomic_bool>& cancelFlag() const { return m_cancel; }

private:
    std::function<void(int, int, QString)> m_progress;
    std::shared_ptr<std::atomic_bool> m_cancel;
};

using CoreCommand = std::function<Result<nlohmann::json>(CoreCommandContext&)>;

class CoreService final : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Running, Paused, Failed };
    Q_ENUM(State)

    explicit CoreService(CoreServiceOptions options, QObject* parent = nullptr);
    ~CoreService() override;

    State state() const { return m_state; }
    // A shared (PostgreSQL) workspace: this core never dispatches (the workspace's service, `mdsyncctl run`, does)
    // and learns of other sessions' changes by LISTEN/NOTIFY (store/changefeed.h). Core thread.
    bool isShared() const { return m_shared; }
    // Change notices received from the workspace (0 on SQLite). Core thread.
    quint64 noticesReceived() const;

    // Core thread. Opens (in demo mode first creates) the workspace and starts the dispatcher (on a shared
    // workspace: the change feed instead).
    void start();
    // Core thread. Stops traffic and the dispatcher, lets calls in flight finish (bounded) and closes the core.
    void shutdown();
    // Core thread. Pauses or resumes sending (inbound and demo traffic keep queuing). Nothing on a shared
    // workspace (this core does not send).
    void setSendingPaused(bool paused);
    // Core thread. Runs a command now; commandFinished(id, ...) follows.
    void execute(quint64 id, const CoreCommand& command, const std::shared_ptr<std::atomic_bool>& cancel);

Q_SIGNALS:
    void started(const QString& workspacePath, const QStringList& notes);
    void failed(const QString& message);
    void stateChanged(mdsync::CoreService::State state);
    // The workspace changed (ingest, outcomes, commands); `version` grows. Throttled.
    void changed(quint64 version);
    // Deliveries per status and open exceptions per category (read::liveStatus()).
    void status(const mdsync::LiveStatus& status);
    // New alerts of severity critical or high.
    void alertsFired(const QList<mdsync::FiredAlert>& alerts);
    // An operator line from the run loop (webhook address, inbox, reconcile results, alert errors).
    void message(const QString& line, bool problem);
    void commandProgress(quint64 id, int done, int total, const QString& text);
    void commandFinished(quint64 id, bool ok, const QString& error, const nlohmann::json& result);

private:
    void setState(State s);
    void announce();

    CoreServiceOptions m_o;
    std::unique_ptr<EmbeddedCore> m_core;
    std::unique_ptr<DemoTraffic> m_demo;
    std::unique_ptr<CoreRunner> m_runner;
    std::unique_ptr<ChangeFeed> m_feed;
    bool m_shared = false;
    State m_state = State::Stopped;
    quint64 m_version = 0;
};

} // namespace mdsync

Q_DECLARE_METATYPE(nlohmann::json)
