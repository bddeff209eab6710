#pragma once

// Saved connections' passwords in the desktop keyring (the freedesktop Secret Service through libsecret:
// GNOME Keyring, KeePassXC, KWallet 5.97+). One item per connection, schema "org.mdsync.SharedWorkspace", with the
// attributes host, port, dbname, user and service of the location (empty when absent). libsecret's calls are
// D-Bus round trips (and may wait for an unlock prompt), so they run on this object's own worker thread and the
// outcome comes back on the thread the Keyring lives in; the UI thread never waits on them. glib stays in
// keyring.cpp.

#include "store/workspaceuri.h"

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <functional>
#include <memory>

namespace mdsync {
class CallReceiver;
}

namespace mdsync::ui {

class Keyring final : public QObject
{
    Q_OBJECT
public:
    enum class Status {
        Ok, // done (lookup: found)
        NotFound, // lookup: no password saved for this connection
        Unavailable, // no Secret Service reachable (no D-Bus session, no keyring daemon) or the keyring is locked
        Failed, // any other error
    };
    struct Reply
    {
        Status status = Status::Failed;
        QString password; // lookup, Ok
        QString message; // Unavailable, Failed: what went wrong, in words
    };
    using Done = std::function<void(const Reply&)>;

    explicit Keyring(QObject* parent = nullptr);
    ~Keyring() override; // cancels the calls in flight and waits for them (their `done` is not called)

    // Each returns at once; `done` runs later on this object's thread. Calls run one at a time, in order.
    void lookup(const WorkspaceLocation& where, Done done);
    void store(const WorkspaceLocation& where, const QString& password, Done done);
    void clear(const WorkspaceLocation& where, Done done);

    // The same, blocking (a worker thread, a test). Thread-safe.
    static Reply lookupNow(const WorkspaceLocation& where);
    static Reply storeNow(const WorkspaceLocation& where, const QString& password);
    static Reply clearNow(const WorkspaceLocation& where);

private:
    struct Cancel;
    void run(std::function<Reply(Cancel&)> call, Done done);

    std::shared_ptr<Cancel> m_cancel;
    CallReceiver* m_calls = nullptr;
    QThreadPool m_pool; // last member: destroyed (joined) first
};

} // namespace mdsync::ui
