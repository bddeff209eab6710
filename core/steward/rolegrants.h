#pragma once

// Granting and revoking roles: audited administration of the permissions in access/roles.h (kept apart from
// them because it writes the audit log, a layer above the permission checks).

#include "access/roles.h"
#include "util/result.h"

#include <string>
#include <vector>

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

// After `mdsyncctl migrate` into PostgreSQL (engine/migrateworkspace.h): every copied user_role row becomes a
// membership in the database role mdsync_<role> for each login the cluster has (`granted`, "login:role"); the
// logins it lacks are listed (`missing`: create them, then grant again). The login that migrated becomes admin
// unless it is one (audited as role.grant with "bootstrap": "migrate", with the reason). One transaction.
struct AdoptedRoles
{
    std::vector<std::string> granted, missing;
    bool migratorMadeAdmin = false;
};
Result<AdoptedRoles> adoptMigratedRoles(Workspace& ws, const std::string& migrator, const std::string& reason);

} // namespace mdsync
