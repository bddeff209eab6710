#pragma once

// Users and roles: OS logins mapped to roles in the workspace (table user_role). Every action API of the
// core checks the acting user here (the CLI and the GUI only pass the login). A login without a row is a viewer.

#include "util/result.h"

#include <QSqlDatabase>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

enum class Role { Viewer, Steward, Approver, Auditor, Admin };

enum class Action {
    Read,
    Assign, // assign / unassign an exception
    Comment,
    Correct, // change attribute values or a failed delivery's payload
    Approve, // approve / reject a four-eyes correction
    Replay,
    Discard,
    Resolve,
    PauseTarget, // pause / resume a target system, probe a target whose circuit is open (requestProbe)
    ManageRoles,
    ExportAudit,
    ProposeChange, // propose a configuration change
    ApproveChange,
    AcknowledgeAlert, // acknowledge an alert (steward, approver, admin)
    DecideDuplicate, // decide a duplicate suspect: not a duplicate (steward, admin)
    Onboard, // start, pause, resume or cancel an initial load of a target (steward, admin)
    Archive, // move superseded revision payloads into an archive file (`mdsyncctl archive`; admin)
};

std::string_view roleName(Role role);
std::optional<Role> roleFromName(std::string_view name);
std::string_view actionName(Action action); // "assign exceptions", ...
// Whether a role allows an action. Viewer: read. Steward: assign, comment, correct, replay, discard, resolve,
// pause (and probe) targets, decide duplicate suspects, run initial loads. Approver: approve, comment. Auditor: export
// the audit trail. Admin: roles, pause, configuration proposals and their approval, initial loads, archiving
// (retention). Every role reads.
bool allows(Role role, Action action);

struct UserRoles
{
    std::string login;
    std::set<Role> roles; // never empty: Viewer when nothing is granted
};

// Roles of a login (Viewer when none is granted).
Result<UserRoles> rolesOf(const QSqlDatabase& db, const std::string& login);
// All logins with granted roles.
Result<std::vector<UserRoles>> allUserRoles(const QSqlDatabase& db);
// PostgreSQL: ok when `login` is the connection's authenticated login (session_user), else an error naming both;
// SQLite: always ok (the entry points decide the actor, access/identity.h). `action` is for the message.
Result<void> requireActor(const QSqlDatabase& db, const std::string& login, Action action);
// requireActor, then ok when one of the login's roles allows the action; otherwise an error that names the user, the
// action and the roles that would allow it.
Result<void> requirePermission(const QSqlDatabase& db, const std::string& login, Action action);

// The operating-system login of this process, the identity every action is recorded under (access/identity.h):
// on Unix the password database's name for the real user id (never $USER, which the caller controls), "uid-N"
// when it has none; on Windows the logon session's user (GetUserNameW).
std::string osLogin();

} // namespace mdsync
