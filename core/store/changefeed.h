#pragma once

// Change notices of a shared (PostgreSQL) workspace (docs/GUI.md, "A shared workspace"). PG schema version 4
// puts a statement-level trigger on the tables that steward actions, ingest and the dispatcher write (revision,
// delivery, exception, correction, audit_log, replay_job, system); each statement sends
// pg_notify('mdsync_changed', <table name>) when its transaction commits (PostgreSQL folds identical notices of
// one transaction into one). A ChangeFeed LISTENs on its own connection (nothing else runs on it, so a notice
// is never held back behind a query) and emits changed(table). No polling: a GUI learns of another steward's
// action or the service's deliveries within the round trip of a notice. On a SQLite workspace it does nothing
// (one process writes the file and announces its own changes).

#include "util/result.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace mdsync {

class Workspace;

class ChangeFeed final : public QObject
{
    Q_OBJECT
public:
    // The notification channel the schema's triggers send on.
    static QString channel() { return QStringLiteral("mdsync_changed"); }

    explicit ChangeFeed(QObject* parent = nullptr);
    ~ChangeFeed() override;

    // Opens a connection of its own to `location` (a workspace location, store/workspaceuri.h) on the calling
    // thread, which must run an event loop, and LISTENs. A SQLite location: nothing to do (isListening() false).
    //
    // A LISTEN connection that breaks (the server restarted, a network cut, an administrator's
    // pg_terminate_backend) would end the notices without a word: so the feed checks its connection every
    // checkIntervalMs (SELECT 1 on that connection; this thread, never the UI's), and when it is gone emits
    // interrupted(why), connects again after 1, 2, 4 ... up to 30 s, LISTENs, and emits restored() and
    // changed(QString()) - "anything may have changed while no notice came".
    Result<void> start(const QString& location, int checkIntervalMs = 5000);
    void stop();
    bool isListening() const { return m_ws != nullptr; }
    // Notices received so far (tests).
    quint64 received() const { return m_received; }

Q_SIGNALS:
    // Some other session (or this process's core) committed a change to `table` (empty: unknown, after a gap).
    void changed(const QString& table);
    // The LISTEN connection broke: notices stop until restored().
    void interrupted(const QString& why);
    void restored();

private:
    Result<void> listen();
    void check();
    void reconnect();

    QString m_location;
    std::unique_ptr<Workspace> m_ws;
    QTimer* m_check = nullptr;
    QTimer* m_retry = nullptr;
    int m_retryDelayMs = 0;
    quint64 m_received = 0;
};

} // namespace mdsync
