#include "util/handover.h"

#include <QCoreApplication>
#include <QEvent>
#include <QRunnable>
#include <QThreadPool>

#if defined(__SANITIZE_THREAD__)
#define MDSYNC_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MDSYNC_TSAN_ANNOTATE 1
#endif
#endif

#ifdef MDSYNC_TSAN_ANNOTATE
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace mdsync {

namespace {

void publish([[maybe_unused]] void* carrier)
{
#ifdef MDSYNC_TSAN_ANNOTATE
    __tsan_release(carrier);
#endif
}

void receive([[maybe_unused]] void* carrier)
{
#ifdef MDSYNC_TSAN_ANNOTATE
    __tsan_acquire(carrier);
#endif
}

const QEvent::Type kCallEvent = static_cast<QEvent::Type>(QEvent::registerEventType());

class CallEvent final : public QEvent
{
public:
    explicit CallEvent(std::function<void()> f)
        : QEvent(kCallEvent)
        , fn(std::move(f))
    { }
    std::function<void()> fn;
};

class CallRunnable final : public QRunnable
{
public:
    explicit CallRunnable(std::function<void()> f)
        : fn(std::move(f))
    {
        setAutoDelete(true);
    }
    void run() override
    {
        receive(this);
        fn();
    }
    std::function<void()> fn;
};

} // namespace

void CallReceiver::post(std::function<void()> f)
{
    auto* e = new CallEvent(std::move(f));
    publish(e);
    QCoreApplication::postEvent(this, e);
}

bool CallReceiver::event(QEvent* e)
{
    if (e->type() != kCallEvent)
        return QObject::event(e);
    receive(e);
    static_cast<CallEvent*>(e)->fn();
    return true;
}

void startOnPool(QThreadPool& pool, std::function<void()> f)
{
    auto* r = new CallRunnable(std::move(f));
    publish(r);
    pool.start(r);
}

} // namespace mdsync
