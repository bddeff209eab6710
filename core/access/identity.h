#pragma once

// Who is acting (docs/SECURITY.md). On a workspace file the acting user is the OS login of the process: the CLI
// and the GUI never take an identity from a free-text argument. A demo or test workspace is created with
// "asserted identities": there `mdsyncctl --user NAME` may act as another login (a steward story, a four-eyes
// test), and the workspace's first audit entry says so, so that no export can pass such a trail off as
// authenticated. On a PostgreSQL workspace the acting user is the authenticated database login (session_user):
// `--user` may only repeat it, and asserted identities do not exist there.

#include "util/result.h"

#include <QString>

#include <string>
#include <string_view>

namespace mdsync {

class Workspace;

enum class IdentityMode {
    OsLogin, // the acting user is the authenticated OS login of the process
    Asserted, // demo/test: the acting user is whatever the caller asserts (`--user`)
    DatabaseLogin, // PostgreSQL: the acting user is the database login the server authenticated (session_user)
};

std::string_view toString(IdentityMode mode); // "os_login", "asserted", "database_login"
std::string_view describe(IdentityMode mode); // one line for people: what the mode guarantees

// The workspace's mode: DatabaseLogin on PostgreSQL; on SQLite the meta key "identities", written at init.
// Workspaces created before it existed: demo workspaces are asserted, the others use the OS login.
IdentityMode identityMode(const Workspace& ws);
IdentityMode identityModeFromMeta(const QString& identities, const QString& demo); // the same, from the meta values
// Refuses Asserted on PostgreSQL (and DatabaseLogin on SQLite).
Result<void> setIdentityMode(Workspace& ws, IdentityMode mode);

// The acting user for a command on `ws` when the caller asked for `requested` (empty: none). PostgreSQL: the
// session_user of the workspace's connection, and `requested` must be empty or that login. SQLite: the OS login,
// or `requested` if it is the OS login or the workspace's identities are asserted. Otherwise an error that says
// why and what to do.
Result<std::string> actingUser(const Workspace& ws, const std::string& requested);

} // namespace mdsync
