#pragma once

// `mdsyncctl migrate --from FILE --to postgresql://...` (docs/DEPLOYMENT.md "From a workstation to a plant team"):
// a SQLite workspace becomes a shared PostgreSQL workspace with its whole history.

#include "util/result.h"

#include <nlohmann/json.hpp>

#include <QString>

namespace mdsync {

// Checks the source's audit chain, creates the PostgreSQL schema at `to` (an empty database), copies every row
// (store/migrate.h), adopts the roles (steward/rolegrants.h: adoptMigratedRoles; the login that migrates becomes
// admin), appends a `workspace.migrate` audit entry by that login and verifies the copy's audit chain. The source
// file is held read-write meanwhile (a running `mdsyncctl run` on it is refused: stop it first) and is not changed.
// The result: tables and rows copied, time taken, the copy's audit verification, granted and missing logins.
Result<nlohmann::json> migrateWorkspace(const QString& fromFile, const QString& to);

} // namespace mdsync
