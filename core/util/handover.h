#pragma once

// Cross-thread hand-over that ThreadSanitizer can see (docs/RELIABILITY.md, "ThreadSanitizer").
// Qt passes queued calls and thread-pool tasks through its own mutexes and event queue. Debian's Qt is not built
// with TSan, so TSan sees the sending thread write a call's captures and the receiving thread read them with no
// order between the two, and reports a race that is not there. These helpers allocate the carrier (an event, a
// runnable) in our code, publish it with __tsan_release once it is complete, and the receiving thread calls
// __tsan_acquire on it before touching anything: the edge Qt's mutex provides, made visible. Outside TSan builds
// they are a plain QCoreApplication::postEvent and QThreadPool::start.

#include <QObject>

#include <functional>
#include <type_traits>

class QThreadPool;

namespace mdsync {

// Runs posted functions on the thread it lives in. Make it a child of the object whose thread should run them
// (moveToThread moves children along).
class CallReceiver final : public QObject
{
public:
    using QObject::QObject;
    // Queues `f` to run on this object's thread; dropped if the receiver is destroyed first. Any thread.
    void post(std::function<void()> f);

protected:
    bool event(QEvent* e) override;
};

// Runs `f` on one of `pool`'s threads.
void startOnPool(QThreadPool& pool, std::function<void()> f);

// A queued signal connection through `to`: every emission of `signal` (on the sender's thread) copies the
// arguments into a posted call, and `f` runs with them on `to`'s thread. Use it instead of a queued connect() across
// threads: Qt copies queued arguments through its metatype code, which TSan cannot see ordered with the receiver.
// The connection ends with `to` (or the sender).
template<typename Sender, typename... Args, typename F>
QMetaObject::Connection relay(const Sender* sender, void (Sender::*signal)(Args...), CallReceiver* to, F f)
{
    return QObject::connect(
        sender, signal, to,
        [to, f = std::move(f)](
            Args... args) { to->post([f, ... copies = std::decay_t<Args>(args)]() mutable { f(copies...); }); },
        Qt::DirectConnection);
}

} // namespace mdsync
