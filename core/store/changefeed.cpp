#include "store/changefeed.h"

#include "store/workspace.h"
#include "store/workspaceuri.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

#include <algorithm>

namespace mdsync {

ChangeFeed::ChangeFeed(QObject* parent)
    : QObject(parent)
    , m_check(new QTimer(this))
    , m_retry(new QTimer(this))
{
    connect(m_check, &QTimer::timeout, this, &ChangeFeed::check);
    m_retry->setSingleShot(true);
    connect(m_retry, &QTimer::timeout, this, &ChangeFeed::reconnect);
}

ChangeFeed::~ChangeFeed()
{
    stop();
}

Result<void> ChangeFeed::start(const QString& location, int checkIntervalMs)
{
    stop();
    auto where = WorkspaceLocation::parse(location);
    if (!where)
        return makeError(where.error());
    if (!where->isPostgres())
        return {};
    m_location = location;
    if (auto r = listen(); !r)
        return r;
    m_check->start(std::max(100, checkIntervalMs));
    return {};
}

Result<void> ChangeFeed::listen()
{
    auto ws = Workspace::open(m_location, Workspace::Mode::ReadOnly);
    if (!ws)
        return makeError(QStringLiteral("change notices: %1").arg(ws.error()));
    QSqlDriver* driver = ws.value()->db().driver();
    if (!driver->subscribeToNotification(channel()))
        return makeError(QStringLiteral("%1: cannot LISTEN %2: %3")
                             .arg(ws.value()->path(), channel(), driver->lastError().text().trimmed()));
    connect(driver, &QSqlDriver::notification, this,
        [this](const QString& name, QSqlDriver::NotificationSource, const QVariant& payload) {
            if (name != channel())
                return;
            ++m_received;
            Q_EMIT changed(payload.toString());
        });
    m_ws = std::move(ws).value();
    return {};
}

void ChangeFeed::check()
{
    if (!m_ws)
        return;
    const auto alive = m_ws->exec(QStringLiteral("SELECT 1"));
    if (alive)
        return;
    QSqlDriver* driver = m_ws->db().driver();
    disconnect(driver, nullptr, this, nullptr);
    m_ws.reset();
    m_check->stop();
    m_retryDelayMs = 1000;
    m_retry->start(m_retryDelayMs);
    Q_EMIT interrupted(alive.error());
}

void ChangeFeed::reconnect()
{
    if (auto r = listen(); !r) {
        m_retryDelayMs = std::min(30000, m_retryDelayMs * 2);
        m_retry->start(m_retryDelayMs);
        return;
    }
    m_check->start();
    Q_EMIT restored();
    Q_EMIT changed(QString());
}

void ChangeFeed::stop()
{
    m_check->stop();
    m_retry->stop();
    if (!m_ws)
        return;
    QSqlDriver* driver = m_ws->db().driver();
    disconnect(driver, nullptr, this, nullptr);
    driver->unsubscribeFromNotification(channel());
    m_ws.reset();
}

} // namespace mdsync
