#pragma once

// One active dispatcher per PostgreSQL workspace (issue 15, item 3): a session-level advisory lock held on a
// dedicated QPSQL connection of its own (never the writer's). The lock is gone with the session, so the owner must
// stop dispatching at once on lost(). docs/DISPATCHER.md "One dispatcher per shared workspace".
#include "util/result.h"

#include <QDateTime>
#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <QTimer>

#include <cstdint>

namespace mdsync {

class DispatcherLease : public QObject
{
    Q_OBJECT

public:
    struct Holder
    {
        QString applicationName;
        QString clientAddr;
        qint64 pid = 0;
        QDateTime backendStart;
        QString describe() const;
    };

    // params: a connection whose parameters (host, port, database, user, password, options) are cloned.
    DispatcherLease(const QSqlDatabase& params, const QString& instanceId, QObject* parent = nullptr);
    ~DispatcherLease() override;

    // The advisory-lock key: a fixed MDSync namespace constant mixed with the first 8 bytes of SHA-256(instanceId).
    static qint64 keyFor(const QString& instanceId);

    Result<bool> tryAcquire();
    void release();
    bool isActive() const { return m_active; }
    // Polls tryAcquire() every pollMs until acquired() is emitted.
    void startStandby(int pollMs = 1000);
    void setCheckInterval(int ms) { m_check.setInterval(ms); }
    // The backend pid of the lease connection (for tests and diagnostics); 0 when not connected.
    qint64 backendPid();
    // The session that holds the lock now, if any (ok with pid 0 when nobody holds it).
    Result<Holder> holder();

signals:
    void acquired();
    void lost();

private:
    Result<bool> ensureOpen();
    void check();

    QString m_conn;
    QString m_instanceId;
    qint64 m_key = 0;
    bool m_active = false;
    QTimer m_poll;
    QTimer m_check;
};

} // namespace mdsync
