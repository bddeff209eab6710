#pragma once

#include <QStringList>

namespace mdsync::schema {

// Migration N (1-based) brings the schema from version N-1 to N. Each entry is a list of statements run
// in one transaction, followed by PRAGMA user_version = N.
const std::vector<QStringList>& migrations();

} // namespace mdsync::schema
