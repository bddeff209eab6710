#include "engine/coreservice.h"

#include "engine/demohook.h"
#include "engine/embeddedcore.h"
#include "store/changefeed.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QThread>

namespace mdsync {

CoreCommandContext::CoreCommandContext(EmbeddedCore& c, const std::string& a,
    std::function<void(int, int, QString)> progress, std::shared_ptr<std::atomic_bool> cancel)
    : core(c)
    , actor(a)
    , m_progress(std::move(progress))
    , m_cancel(std::move(cancel))
{ }

void CoreCommandContext::progress(int done, int total, const QString& text) const
{
    if (m_progress)
        m_progress(done, total, text);
}

CoreService::CoreService(CoreServiceOptions options, QObject* parent)
    : QObject(parent)
    , m_o(std::move(options))
{
    qRegisterMetaType<mdsync::CoreService::State>();
    qRegisterMetaType<mdsync::LiveStatus>();
    qRegisterMetaType<nlohmann::json>();
}

CoreService::~CoreService()
{
    shutdown();
}

void CoreService::setState(State s)
{
    if (m_state == s)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void CoreService::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_core)
        return;
    setState(State::Starting);
    auto fail = [this](const QString& message) {
        m_feed.reset();
        m_runner.reset();
        m_demo.reset();
        m_core.reset();
        setState(State::Failed);
        Q_EMIT failed(message);
    };
    if (m_o.demo) {
        // The GUI's demo starts fresh every time (its workspace is the demo's own file).
        if (auto r = initDemoWorkspace(m_o.workspacePath, m_o.actor, true); !r)
            return fail(r.error());
    }
    // A shared workspace's deliveries are sent by its service (DispatchMode::Never below): no connectors here, and
    // no "not connected" notes about targets this process never calls.
    const bool shared = WorkspaceLocation::looksLikePostgres(m_o.workspacePath);
    auto core = openEmbeddedCore(m_o.workspacePath, m_o.demo ? demoDispatcherOptions(m_o.seed) : DispatcherOptions {},
        !m_o.demo && !shared && m_o.connectFromLandscape);
    if (!core)
        return fail(core.error());
    m_core = std::move(core).value();
    QStringList notes;
    for (const QString& n : m_core->notes)
        notes << n;
    CoreRunnerOptions ro;
    ro.notifyIntervalMs = m_o.notifyIntervalMs;
    ro.alertIntervalMs = m_o.alertIntervalMs;
    if (!m_o.demo) {
        ro.webhook = m_o.webhook;
        ro.inbox = m_o.inbox;
        if (ro.inbox)
            ro.inbox->actor = m_o.actor; // the steward running the application
    }
    ro.reconcileSchedule = !m_o.demo && m_o.connectFromLandscape;
    m_shared = m_core->ws->isPostgres();
    if (m_shared) {
        // A steward's GUI on a shared workspace is a client: the service sends and reconciles.
        ro.dispatch = DispatchMode::Never;
        ro.reconcileSchedule = false;
    }
    m_runner = std::make_unique<CoreRunner>(*m_core, ro);
    connect(m_runner.get(), &CoreRunner::changed, this, &CoreService::announce);
    connect(m_runner.get(), &CoreRunner::alertsFired, this, &CoreService::alertsFired);
    connect(m_runner.get(), &CoreRunner::message, this, &CoreService::message);
    connect(m_runner.get(), &CoreRunner::storageFailed, this, [this](const QString& m) {
        setState(State::Failed);
        Q_EMIT failed(m);
    });
    if (m_o.demo) {
        LiveDemoOptions lo;
        lo.seed = m_o.seed;
        lo.eventIntervalMs = m_o.demoEventIntervalMs;
        auto demo = attachRegisteredDemo(*m_core, lo);
        if (!demo)
            return fail(demo.error());
        m_demo = std::move(demo).value();
        connect(m_demo.get(), &DemoTraffic::ingested, m_runner.get(), &CoreRunner::markChanged);
        connect(m_demo.get(), &DemoTraffic::ingestFailed, this,
            [this](const QString& m) { Q_EMIT failed(QStringLiteral("demo traffic: ") + m); });
        if (auto r = ingestDemoHistory(*m_core, m_o.actor); !r)
            return fail(r.error());
    }
    if (auto r = m_runner->start(); !r)
        return fail(r.error());
    if (m_shared) {
        m_feed = std::make_unique<ChangeFeed>();
        if (auto r = m_feed->start(m_o.workspacePath); !r)
            return fail(r.error());
        connect(m_feed.get(), &ChangeFeed::changed, m_runner.get(), &CoreRunner::markChanged);
        connect(m_feed.get(), &ChangeFeed::interrupted, this, [this](const QString& why) {
            Q_EMIT message(tr("Live updates interrupted (the connection for change notices broke: %1); "
                              "reconnecting - other stewards' actions show when it is back")
                               .arg(why),
                true);
        });
        connect(m_feed.get(), &ChangeFeed::restored, this,
            [this] { Q_EMIT message(tr("Live updates restored: the views are refreshed"), false); });
    }
    if (m_demo)
        m_demo->startTraffic();
    setState(State::Running);
    Q_EMIT started(m_core->ws->path(), notes);
    announce();
    m_runner->evaluateAlerts();
}

void CoreService::shutdown()
{
    if (!m_core)
        return;
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_demo)
        m_demo->stopTraffic();
    m_feed.reset();
    if (m_runner)
        (void)m_runner->stop(); // a storage failure was reported when it happened
    m_runner.reset();
    m_demo.reset();
    m_core.reset();
    setState(State::Stopped);
}

void CoreService::setSendingPaused(bool paused)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_runner || m_state == State::Failed || m_shared)
        return;
    if (paused && m_state == State::Running) {
        (void)m_runner->setSendingPaused(true);
        setState(State::Paused);
    } else if (!paused && m_state == State::Paused) {
        if (auto r = m_runner->setSendingPaused(false); !r) {
            setState(State::Failed);
            Q_EMIT failed(r.error());
            return;
        }
        setState(State::Running);
    }
}

void CoreService::execute(quint64 id, const CoreCommand& command, const std::shared_ptr<std::atomic_bool>& cancel)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_core) {
        Q_EMIT commandFinished(id, false, QStringLiteral("the core is not running"), nlohmann::json());
        return;
    }
    // Progress is throttled to ~20 updates per second so that a bulk action does not flood the UI thread.
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    CoreCommandContext ctx(
        *m_core, m_o.actor,
        [this, id, &sinceProgress](int done, int total, const QString& text) {
            if (done < total && sinceProgress.elapsed() < 50)
                return;
            sinceProgress.restart();
            Q_EMIT commandProgress(id, done, total, text);
        },
        cancel);
    Result<nlohmann::json> r = [&] {
        const EmbeddedCore::BusyScope busy(*m_core); // a configuration version is applied after the command
        return command(ctx);
    }();
    m_core->dispatcher->poke();
    m_runner->markChanged();
    if (r)
        Q_EMIT commandFinished(id, true, QString(), r.value());
    else
        Q_EMIT commandFinished(id, false, r.error(), nlohmann::json());
}

quint64 CoreService::noticesReceived() const
{
    return m_feed ? m_feed->received() : 0;
}

void CoreService::announce()
{
    if (!m_core)
        return;
    Q_EMIT changed(++m_version);
    Q_EMIT status(read::liveStatus(m_core->ws->db()));
}

} // namespace mdsync
