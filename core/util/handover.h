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

} // namespace mdsync
