#pragma once

// Read queries off the UI thread (docs/GUI.md, "Threads"). Each worker thread keeps its own read-only
// connection to the workspace (WAL lets it read beside the core's writer). Results come back to the UI
// thread as value snapshots; a QueryChannel drops the results of queries that a newer one replaced.

#include "util/handover.h"
#include "util/result.h"

#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace mdsync::ui {

// One stream of queries whose older results are worthless once a newer query was started (a filter being
// typed, a model refreshing). Owned by the UI object that issues the queries.
class QueryChannel
{
public:
    quint64 next() { return ++*m_generation; }
    bool isCurrent(quint64 ticket) const { return m_generation->load() == ticket; }
    // Drops every result in flight (e.g. the model is being reset).
    void invalidate() { ++*m_generation; }
    std::shared_ptr<std::atomic<quint64>> state() const { return m_generation; }

private:
    std::shared_ptr<std::atomic<quint64>> m_generation = std::make_shared<std::atomic<quint64>>(0);
};

class DbReader final : public QObject
{
    Q_OBJECT
public:
    explicit DbReader(QString workspacePath, QObject* parent = nullptr);
    ~DbReader() override; // waits for running queries

    const QString& path() const { return m_path; }

    // Runs `query` on a worker thread with that thread's read-only connection. `done` runs on `context`'s
    // thread, unless `context` was destroyed or (with a channel) a newer query of the channel was started.
    template<typename T>
    void run(QObject* context, QueryChannel* channel, std::function<Result<T>(QSqlDatabase&)> query,
        std::function<void(Result<T>)> done)
    {
        const quint64 ticket = channel ? channel->next() : 0;
        auto generation = channel ? channel->state() : nullptr;
        QPointer<QObject> guard(context);
        const QString path = m_path;
        // Results are posted to the reader (it outlives every worker: its destructor waits for them) and handed
        // to `done` there, on the UI thread, only if `context` still exists — a QPointer is only safe to test on
        // the thread that owns its object.
        Q_ASSERT(!context || context->thread() == thread());
        DbReader* self = this;
        // startOnPool/post rather than QThreadPool::start/invokeMethod: the same hand-over, visible to TSan
        // (util/handover.h). std::function needs a copyable callable: the result travels in a shared_ptr.
        startOnPool(m_pool, [self, path, ticket, generation, guard, query = std::move(query), done = std::move(done)] {
            if (generation && generation->load() != ticket)
                return; // superseded before it started
            auto result = std::make_shared<Result<T>>(withConnection<T>(path, query));
            if (generation && generation->load() != ticket)
                return;
            self->m_calls->post([guard, ticket, generation, done, result] {
                if (!guard || (generation && generation->load() != ticket))
                    return;
                done(std::move(*result));
            });
        });
    }

    // Runs `query` on the calling thread with that thread's read-only connection (tests, benchmarks,
    // worker code). Never call it on the UI thread for anything that can take long.
    template<typename T> Result<T> runNow(const std::function<Result<T>(QSqlDatabase&)>& query) const
    {
        return withConnection<T>(m_path, query);
    }

    // Waits until no query runs (tests).
    void waitForIdle() { m_pool.waitForDone(); }

    // The calling thread's read-only connection to `path` (opened on first use, closed when the thread ends).
    static Result<QSqlDatabase> connection(const QString& path);

private:
    template<typename T>
    static Result<T> withConnection(const QString& path, const std::function<Result<T>(QSqlDatabase&)>& query)
    {
        auto db = connection(path);
        if (!db)
            return makeError(db.error());
        return query(db.value());
    }

    QString m_path;
    CallReceiver* m_calls; // child: results are handed to the UI thread through it
    QThreadPool m_pool;
};

} // namespace mdsync::ui
