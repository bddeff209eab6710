#pragma once

// A row of a paged read (the exception backlog, the propagation matrix, the audit log): the row's id and its
// values in the order the read function documents. Value snapshots: safe to hand from a worker to the UI thread.

#include <QString>
#include <QVariant>

#include <vector>

namespace mdsync::read {

struct PagedRow
{
    qint64 id = 0;
    std::vector<QVariant> values;
};

// "1,2,3": ids for an `IN (...)` list (integers only, so no binding is needed).
QString idList(const std::vector<qint64>& ids);

} // namespace mdsync::read
