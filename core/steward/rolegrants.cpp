#include "steward/rolegrants.h"

#include "audit/auditlog.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

namespace mdsync {

namespace {

Result<void> changeRole(
    Workspace& ws, const std::string& actor, const std::string& login, Role role, const std::string& reason, bool grant)
{
    if (login.empty())
        return makeError(QStringLiteral("a login is required"));
    if (reason.empty())
        return makeError(QStringLiteral("a reason is required for a role change (it goes into the audit log)"));
    if (role == Role::Viewer)
        return makeError(QStringLiteral("viewer is implicit for every login; grant or revoke another role"));
    QSqlQuery q(ws.db());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM user_role WHERE role = 'admin'")) || !q.next())
        return makeError(sqlError(q, QStringLiteral("count admins")));
    const qint64 admins = q.value(0).toLongLong();
    const bool bootstrap = grant && admins == 0 && role == Role::Admin && login == actor;
    if (!bootstrap) {
        if (auto r = requirePermission(ws.db(), actor, Action::ManageRoles); !r)
            return r;
    }
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    if (grant) {
        q.prepare(QStringLiteral("INSERT INTO user_role(login, role, granted_by, granted_at)"
                                 " VALUES (:l, :r, :by, :at) ON CONFLICT DO NOTHING"));
        q.bindValue(QStringLiteral(":by"), qs(actor));
        q.bindValue(QStringLiteral(":at"), QVariant::fromValue<qlonglong>(nowMs()));
    } else {
        if (role == Role::Admin && admins <= 1) {
            return makeError(QStringLiteral("cannot revoke the last admin (%1)").arg(qs(login)));
        }
        q.prepare(QStringLiteral("DELETE FROM user_role WHERE login = :l AND role = :r"));
    }
    q.bindValue(QStringLiteral(":l"), qs(login));
    q.bindValue(QStringLiteral(":r"), qs(std::string(roleName(role))));
    if (!q.exec()) {
        return makeError(sqlError(q, QStringLiteral("role change")));
    }
    if (q.numRowsAffected() != 1) {
        return makeError(QStringLiteral("%1 %2 the role %3")
                             .arg(qs(login), grant ? QStringLiteral("already has") : QStringLiteral("does not have"),
                                 qs(std::string(roleName(role)))));
    }
    AuditLog audit(ws.db());
    if (auto r = audit.append(actor, grant ? "role.grant" : "role.revoke", "user/" + login, std::nullopt,
            nlohmann::json { { "role", roleName(role) }, { "bootstrap", bootstrap } }, reason);
        !r) {
        return makeError(r.error());
    }
    return tx.commit();
}

} // namespace

Result<void> grantRole(
    Workspace& ws, const std::string& actor, const std::string& login, Role role, const std::string& reason)
{
    return changeRole(ws, actor, login, role, reason, true);
}

Result<void> revokeRole(
    Workspace& ws, const std::string& actor, const std::string& login, Role role, const std::string& reason)
{
    return changeRole(ws, actor, login, role, reason, false);
}

} // namespace mdsync
