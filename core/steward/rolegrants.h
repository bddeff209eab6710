#pragma once

// Granting and revoking roles: audited administration of the permissions in access/roles.h (kept apart from
// them because it writes the audit log, a layer above the permission checks).

#include "access/roles.h"
#include "util/result.h"

#include <string>

namespace mdsync {

class Workspace;

// Grants a role (one transaction, audited with the reason). The actor must be an admin, except for the very
// first grant of a workspace that has no admin yet, which must make the actor itself admin (bootstrap,
// done by `mdsyncctl init` for the OS login that creates the workspace).
Result<void> grantRole(
    Workspace& ws, const std::string& actor, const std::string& login, Role role, const std::string& reason);
// Revokes a role (admin only, audited). The last admin cannot be revoked.
Result<void> revokeRole(
    Workspace& ws, const std::string& actor, const std::string& login, Role role, const std::string& reason);

} // namespace mdsync
