#include "dbreader.h"

#include "store/workspace.h"

#include <map>

namespace mdsync::ui {

DbReader::DbReader(QString workspacePath, QObject* parent)
    : QObject(parent)
    , m_path(std::move(workspacePath))
    , m_calls(new CallReceiver(this))
{
    // Two workers: one long query (a 1M-row filter) never starves the small ones entirely.
    m_pool.setMaxThreadCount(2);
    m_pool.setExpiryTimeout(-1); // keep the threads, and so their connections
}

DbReader::~DbReader()
{
    m_pool.waitForDone();
}

Result<QSqlDatabase> DbReader::connection(const QString& path)
{
    // One read-only Workspace per (thread, path), closed by the thread's exit.
    thread_local std::map<QString, std::unique_ptr<Workspace>> open;
    auto it = open.find(path);
    if (it == open.end()) {
        auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
        if (!ws)
            return makeError(ws.error());
        it = open.emplace(path, std::move(ws).value()).first;
    }
    return it->second->db();
}

} // namespace mdsync::ui
