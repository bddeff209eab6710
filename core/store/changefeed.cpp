#include "store/changefeed.h"

#include "store/workspace.h"
#include "store/workspaceuri.h"

#include <QSqlDriver>
#include <QSqlError>
#include <QVariant>

namespace mdsync {

ChangeFeed::ChangeFeed(QObject* parent)
    : QObject(parent)
{ }

ChangeFeed::~ChangeFeed()
{
    stop();
}

Result<void> ChangeFeed::start(const QString& location)
{
    stop();
    auto where = WorkspaceLocation::parse(location);
    if (!where)
        return makeError(where.error());
    if (!where->isPostgres())
        return {};
    auto ws = Workspace::open(location, Workspace::Mode::ReadOnly);
    if (!ws)
        return makeError(QStringLiteral("change notices: %1").arg(ws.error()));
    QSqlDriver* driver = ws.value()->db().driver();
    if (!driver->subscribeToNotification(channel()))
        return makeError(QStringLiteral("%1: cannot LISTEN %2: %3")
                             .arg(where->display(), channel(), driver->lastError().text().trimmed()));
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

void ChangeFeed::stop()
{
    if (!m_ws)
        return;
    QSqlDriver* driver = m_ws->db().driver();
    disconnect(driver, nullptr, this, nullptr);
    driver->unsubscribeFromNotification(channel());
    m_ws.reset();
}

} // namespace mdsync
