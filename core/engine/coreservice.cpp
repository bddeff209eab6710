#include "engine/coreservice.h"

#include "engine/demohook.h"
#include "engine/embeddedcore.h"
#include "metrics/alerts.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

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
    auto core = openEmbeddedCore(m_o.workspacePath, m_o.demo ? demoDispatcherOptions(m_o.seed) : DispatcherOptions {},
        !m_o.demo && m_o.connectFromLandscape);
    if (!core)
        return fail(core.error());
    m_core = std::move(core).value();
    QStringList notes;
    for (const QString& n : m_core->notes)
        notes << n;
    if (m_o.demo) {
        LiveDemoOptions lo;
        lo.seed = m_o.seed;
        lo.eventIntervalMs = m_o.demoEventIntervalMs;
        auto demo = attachRegisteredDemo(*m_core, lo);
        if (!demo)
            return fail(demo.error());
        m_demo = std::move(demo).value();
        connect(m_demo.get(), &DemoTraffic::ingested, this, &CoreService::markChanged);
        connect(m_demo.get(), &DemoTraffic::ingestFailed, this,
            [this](const QString& m) { Q_EMIT failed(QStringLiteral("demo traffic: ") + m); });
        if (auto r = ingestDemoHistory(*m_core, m_o.actor); !r)
            return fail(r.error());
    }
    connect(m_core->dispatcher.get(), &Dispatcher::outcomesCommitted, this, &CoreService::markChanged);
    connect(m_core->dispatcher.get(), &Dispatcher::storageFailed, this, [this](const QString& m) {
        setState(State::Failed);
        Q_EMIT failed(m);
    });
    if (auto r = m_core->dispatcher->start(); !r)
        return fail(r.error());
    if (m_demo)
        m_demo->startTraffic();
    m_alerts = std::make_unique<AlertEngine>(*m_core->ws);
    m_notifyTimer = new QTimer(this);
    m_notifyTimer->setInterval(m_o.notifyIntervalMs);
    connect(m_notifyTimer, &QTimer::timeout, this, &CoreService::announce);
    m_notifyTimer->start();
    m_alertTimer = new QTimer(this);
    m_alertTimer->setInterval(m_o.alertIntervalMs);
    connect(m_alertTimer, &QTimer::timeout, this, &CoreService::evaluateAlerts);
    m_alertTimer->start();
    setState(State::Running);
    Q_EMIT started(m_core->ws->path(), notes);
    m_dirty = true;
    announce();
    evaluateAlerts();
}

void CoreService::shutdown()
{
    if (!m_core)
        return;
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_notifyTimer)
        m_notifyTimer->stop();
    if (m_alertTimer)
        m_alertTimer->stop();
    if (m_demo)
        m_demo->stopTraffic();
    m_core->dispatcher->stop();
    QElapsedTimer drain;
    drain.start();
    while (
        m_core->dispatcher->callsInFlight() > 0 && drain.elapsed() < 3000 && m_core->dispatcher->lastError().isEmpty())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    (void)m_core->dispatcher->flush();
    m_alerts.reset();
    m_demo.reset();
    m_core.reset();
    setState(State::Stopped);
}

void CoreService::setSendingPaused(bool paused)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_core || m_state == State::Failed)
        return;
    if (paused && m_state == State::Running) {
        m_core->dispatcher->stop();
        setState(State::Paused);
    } else if (!paused && m_state == State::Paused) {
        if (auto r = m_core->dispatcher->start(); !r) {
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
        Q_EMIT commandFinished(id, false, QStringLiteral("the core is not running"), QString());
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
    auto r = command(ctx);
    m_core->dispatcher->poke();
    markChanged();
    if (r)
        Q_EMIT commandFinished(id, true, QString(), qs(r.value().dump()));
    else
        Q_EMIT commandFinished(id, false, r.error(), QString());
}

void CoreService::markChanged()
{
    m_dirty = true;
}

void CoreService::announce()
{
    if (!m_dirty || !m_core)
        return;
    m_dirty = false;
    Q_EMIT changed(++m_version);
    Q_EMIT status(qs(liveStatus(*m_core->ws).dump()));
}

void CoreService::evaluateAlerts()
{
    if (!m_alerts)
        return;
    auto r = m_alerts->evaluate();
    if (!r)
        return;
    if (r->fired.empty())
        return;
    nlohmann::json fired = nlohmann::json::array();
    QSqlQuery q(m_core->ws->db());
    q.prepare(QStringLiteral("SELECT severity FROM alert WHERE id = ?"));
    for (const AlertChange& a : r->fired) {
        q.addBindValue(static_cast<qint64>(a.id));
        const QString severity = q.exec() && q.next() ? q.value(0).toString() : QString();
        if (severity == QLatin1String("critical") || severity == QLatin1String("high"))
            fired.push_back({ { "id", a.id }, { "rule", a.rule }, { "message", a.message },
                { "severity", severity.toStdString() } });
    }
    markChanged();
    if (!fired.empty())
        Q_EMIT alertsFired(qs(fired.dump()));
}

} // namespace mdsync
