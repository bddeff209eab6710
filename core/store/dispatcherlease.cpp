#include "store/dispatcherlease.h"

#include "util/hash.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <QUuid>
#include <QVariant>

namespace mdsync {

namespace {
// "MDSyncDL" as a 64-bit constant: the MDSync namespace of advisory-lock keys.
constexpr quint64 kNamespace = 0x4d4453796e63444cULL;
} // namespace

qint64 DispatcherLease::keyFor(const QString& instanceId)
{
    const std::string hex = sha256Hex(instanceId.toStdString());
    const quint64 h = std::stoull(hex.substr(0, 16), nullptr, 16);
    return static_cast<qint64>(h ^ kNamespace);
}

QString DispatcherLease::Holder::describe() const
{
    return QStringLiteral("%1 on %2 (pid %3) since %4")
        .arg(applicationName, clientAddr.isEmpty() ? QStringLiteral("local socket") : clientAddr)
        .arg(pid)
        .arg(backendStart.toLocalTime().toString(QStringLiteral("HH:mm")));
}

DispatcherLease::DispatcherLease(const QSqlDatabase& params, const QString& instanceId, QObject* parent)
    : QObject(parent)
    , m_conn(QStringLiteral("mdsync-lease-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
    , m_instanceId(instanceId)
    , m_key(keyFor(instanceId))
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_conn);
    db.setHostName(params.hostName());
    if (params.port() > 0)
        db.setPort(params.port());
    db.setDatabaseName(params.databaseName());
    db.setUserName(params.userName());
    db.setPassword(params.password());
    const QString app = QStringLiteral("mdsync dispatcher %1 %2")
                            .arg(QSysInfo::machineHostName())
                            .arg(QCoreApplication::applicationPid());
    // Keepalives end a dead host's session (and so free the lock) within idle + interval * count = 5 s.
    db.setConnectOptions(QStringLiteral("keepalives=1;keepalives_idle=2;keepalives_interval=1;keepalives_count=3;"
                                        "application_name='%1'")
                             .arg(app));
    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        const Result<bool> r = tryAcquire();
        if (r.ok() && r.value()) {
            m_poll.stop();
            emit acquired();
        }
    });
    m_check.setInterval(3000);
    connect(&m_check, &QTimer::timeout, this, &DispatcherLease::check);
}

DispatcherLease::~DispatcherLease()
{
    m_poll.stop();
    m_check.stop();
    {
        QSqlDatabase db = QSqlDatabase::database(m_conn, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_conn);
}

Result<bool> DispatcherLease::ensureOpen()
{
    QSqlDatabase db = QSqlDatabase::database(m_conn, false);
    if (db.isOpen())
        return true;
    if (!db.open())
        return Error { QStringLiteral("dispatcher lease for workspace %1: cannot connect to PostgreSQL: %2")
                           .arg(m_instanceId, db.lastError().text()) };
    return true;
}

Result<bool> DispatcherLease::tryAcquire()
{
    if (m_active)
        return true;
    if (Result<bool> o = ensureOpen(); !o.ok())
        return Error { o.error() };
    QSqlQuery q(QSqlDatabase::database(m_conn, false));
    q.prepare(QStringLiteral("SELECT pg_try_advisory_lock(?)"));
    q.addBindValue(m_key);
    if (!q.exec() || !q.next()) {
        const QString why = q.lastError().text();
        QSqlDatabase::database(m_conn, false).close(); // reconnect on the next attempt
        return Error {
            QStringLiteral("dispatcher lease for workspace %1: pg_try_advisory_lock failed: %2").arg(m_instanceId, why)
        };
    }
    m_active = q.value(0).toBool();
    if (m_active)
        m_check.start();
    return m_active;
}

void DispatcherLease::release()
{
    m_check.stop();
    if (!m_active)
        return;
    m_active = false;
    QSqlQuery q(QSqlDatabase::database(m_conn, false));
    q.prepare(QStringLiteral("SELECT pg_advisory_unlock(?)"));
    q.addBindValue(m_key);
    if (!q.exec())
        QSqlDatabase::database(m_conn, false).close(); // closing the session frees the lock too
}

void DispatcherLease::startStandby(int pollMs)
{
    m_poll.setInterval(pollMs);
    m_poll.start();
}

qint64 DispatcherLease::backendPid()
{
    QSqlDatabase db = QSqlDatabase::database(m_conn, false);
    if (!db.isOpen())
        return 0;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT pg_backend_pid()")) || !q.next())
        return 0;
    return q.value(0).toLongLong();
}

Result<DispatcherLease::Holder> DispatcherLease::holder()
{
    if (Result<bool> o = ensureOpen(); !o.ok())
        return Error { o.error() };
    // A bigint key is stored as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
    QSqlQuery q(QSqlDatabase::database(m_conn, false));
    q.prepare(QStringLiteral("SELECT a.application_name, host(a.client_addr), a.pid, a.backend_start "
                             "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                             "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                             "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                             "AND ((l.classid::bigint << 32) | l.objid::bigint) = ?"));
    q.addBindValue(m_key);
    if (!q.exec())
        return Error { QStringLiteral("dispatcher lease for workspace %1: cannot read pg_locks: %2")
                           .arg(m_instanceId, q.lastError().text()) };
    Holder h;
    if (q.next()) {
        h.applicationName = q.value(0).toString();
        h.clientAddr = q.value(1).toString();
        h.pid = q.value(2).toLongLong();
        h.backendStart = q.value(3).toDateTime();
    }
    return h;
}

void DispatcherLease::check()
{
    if (!m_active)
        return;
    QSqlQuery q(QSqlDatabase::database(m_conn, false));
    if (q.exec(QStringLiteral("SELECT 1")) && q.next())
        return;
    m_active = false;
    m_check.stop();
    QSqlDatabase::database(m_conn, false).close();
    emit lost();
}

} // namespace mdsync
