#pragma once

// Copying a workspace's content from one backend to another (`mdsyncctl migrate`, docs/DEPLOYMENT.md "From a
// workstation to a plant team"): every table, every row, the same ids, in one transaction on the destination.

#include "util/result.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace mdsync {

class Workspace;

struct TableCopy
{
    QString table;
    std::int64_t rows = 0;
};

struct WorkspaceCopy
{
    std::vector<TableCopy> tables; // in the order they were copied
    std::int64_t rows = 0;
    std::int64_t ms = 0;
};

// Copies every row of `from` (a SQLite workspace at the latest schema, held read-write so that nothing writes it
// meanwhile) into `to` (a PostgreSQL workspace just created: it may hold only what Workspace::create wrote), inside
// one transaction on `to`, and commits it. Keeps ids (the identity sequences continue after the largest), the
// workspace's instance id (part of every idempotency key, so targets recognise deliveries already made) and the
// audit chain byte for byte. The destination's own triggers (KPI counters, four-eyes on inserted corrections) are
// suspended during the copy: the rows come from a workspace that enforced them, and the counters are copied too.
// The meta keys of the destination's backend (format, schema_version, identities) are kept. Tables only SQLite has
// (the FTS5 description index object_text and its shadow tables) are left: PostgreSQL indexes object.description
// itself. A table the destination lacks, or a column the two differ in, is an error naming it; nothing is written
// then. Afterwards the row count of every table is compared on both sides.
Result<WorkspaceCopy> copyWorkspace(Workspace& from, Workspace& to);

} // namespace mdsync
