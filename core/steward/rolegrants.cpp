#include "steward/rolegrants.h"

#include "audit/auditlog.h"
#include "store/workspace.h"
#include "util/qtext.h"
#include "util/timeutil.h"

#include <QSqlQuery>
#include <QVariant>

namespace mdsync {

namespace {

// On PostgreSQL the MDSync role is also membership in the database role mdsync_<role> (store/pgschema.cpp,
// version 2): GRANT/REVOKE in the caller's transaction, identifiers quoted by format('%I').
Result<void> changeDatabaseRole(Workspace& ws, const std::string& login, Role role, bool grant)
{
    const QString group = QStringLiteral("mdsync_") + qs(std::string(roleName(role)));
    QSqlQuery q(ws.db());
    if (!grant) {
        // A login dropped from the cluster has no membership left; its MDSync record is still revoked.
        q.prepare(QStringLiteral("SELECT 1 FROM pg_roles WHERE rolname = ?"));
        q.addBindValue(qs(login));
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("%1: look up the login").arg(ws.path())));
        if (!q.next())
            return {};
    }
    q.prepare(QStringLiteral("SELECT format(?, ?::text, ?::text)"));
    q.addBindValue(grant ? QStringLiteral("GRANT %I TO %I") : QStringLiteral("REVOKE %I FROM %I"));
    q.addBindValue(group);
    q.addBindValue(qs(login));
    if (!q.exec() || !q.next())
        return makeError(sqlError(q, QStringLiteral("%1: quote the role names").arg(ws.path())));
    const QString statement = q.value(0).toString();
    if (!q.exec(statement))
        return makeError(QStringLiteral("%1: %2 failed (the login running it needs CREATEROLE, as the workspace owner "
                                        "has; see docs/DEPLOYMENT.md): %3")
                             .arg(ws.path(), statement, sqlError(q, QStringLiteral("role membership"))));
    return {};
}

// A database login must exist before it gets a role.
Result<void> requireDatabaseLogin(Workspace& ws, const std::string& login)
{
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT rolcanlogin FROM pg_roles WHERE rolname = ?"));
    q.addBindValue(qs(login));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("%1: look up the login").arg(ws.path())));
    if (!q.next())
        return makeError(QStringLiteral("%1: there is no database login '%2' in this PostgreSQL cluster: create it "
                                        "first: CREATE ROLE %2 LOGIN; password in ~/.pgpass (docs/DEPLOYMENT.md)")
                             .arg(ws.path(), qs(login)));
    if (!q.value(0).toBool())
        return makeError(QStringLiteral("%1: the database role '%2' cannot log in (NOLOGIN); grant MDSync roles to "
                                        "logins (ALTER ROLE %2 LOGIN if it is one)")
                             .arg(ws.path(), qs(login)));
    return {};
}

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
    if (auto r = bootstrap ? requireActor(ws.db(), actor, Action::ManageRoles)
                           : requirePermission(ws.db(), actor, Action::ManageRoles);
        !r)
        return r;
    if (ws.isPostgres() && grant) {
        if (auto r = requireDatabaseLogin(ws, login); !r)
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
    if (ws.isPostgres()) {
        if (auto r = changeDatabaseRole(ws, login, role, grant); !r)
            return r;
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

Result<AdoptedRoles> adoptMigratedRoles(Workspace& ws, const std::string& migrator, const std::string& reason)
{
    if (!ws.isPostgres())
        return makeError(QStringLiteral("%1: database roles exist only on a PostgreSQL workspace").arg(ws.path()));
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    QSqlQuery q(ws.db());
    if (!q.exec(QStringLiteral("SELECT u.login, u.role, coalesce(r.rolcanlogin, false) FROM user_role u"
                               " LEFT JOIN pg_roles r ON r.rolname = u.login ORDER BY u.login, u.role")))
        return makeError(sqlError(q, QStringLiteral("%1: read the roles").arg(ws.path())));
    struct Row
    {
        std::string login, role;
        bool canLogin = false;
    };
    std::vector<Row> rows;
    while (q.next())
        rows.push_back(
            { q.value(0).toString().toStdString(), q.value(1).toString().toStdString(), q.value(2).toBool() });
    q.finish();
    AdoptedRoles adopted;
    bool migratorIsAdmin = false;
    for (const Row& r : rows) {
        const auto role = roleFromName(r.role);
        if (!role)
            return makeError(QStringLiteral("%1: user_role names an unknown role '%2' for %3")
                                 .arg(ws.path(), qs(r.role), qs(r.login)));
        migratorIsAdmin = migratorIsAdmin || (r.login == migrator && *role == Role::Admin);
        if (!r.canLogin) {
            adopted.missing.push_back(r.login + ":" + r.role);
            continue;
        }
        if (*role == Role::Viewer)
            continue; // implicit
        if (auto g = changeDatabaseRole(ws, r.login, *role, true); !g)
            return makeError(g.error());
        adopted.granted.push_back(r.login + ":" + r.role);
    }
    if (!migratorIsAdmin) {
        q.prepare(
            QStringLiteral("INSERT INTO user_role(login, role, granted_by, granted_at) VALUES (?, 'admin', ?, ?)"));
        q.addBindValue(qs(migrator));
        q.addBindValue(qs(migrator));
        q.addBindValue(QVariant::fromValue<qlonglong>(nowMs()));
        if (auto r = execPrepared(q, QStringLiteral("%1: make %2 admin").arg(ws.path(), qs(migrator))); !r)
            return makeError(r.error());
        if (auto r = changeDatabaseRole(ws, migrator, Role::Admin, true); !r)
            return makeError(r.error());
        AuditLog audit(ws.db());
        if (auto r = audit.append(migrator, "role.grant", "user/" + migrator, std::nullopt,
                nlohmann::json { { "role", "admin" }, { "bootstrap", "migrate" } }, reason);
            !r)
            return makeError(r.error());
        adopted.migratorMadeAdmin = true;
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    return adopted;
}

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
