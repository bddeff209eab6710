#include "access/roles.h"

#include "store/workspace.h"
#include "util/qtext.h"

#include <QSqlQuery>
#include <QtGlobal>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <windows.h>
#endif
#include <QVariant>

#include <array>

namespace mdsync {

namespace {

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles
    = { { { Role::Viewer, "viewer" }, { Role::Steward, "steward" }, { Role::Approver, "approver" },
        { Role::Auditor, "auditor" }, { Role::Admin, "admin" } } };

} // namespace

std::string_view roleName(Role role)
{
    for (const auto& [r, n] : kRoles)
        if (r == role)
            return n;
    return "viewer";
}

std::optional<Role> roleFromName(std::string_view name)
{
    for (const auto& [r, n] : kRoles)
        if (n == name)
            return r;
    return std::nullopt;
}

std::string_view actionName(Action action)
{
    switch (action) {
    case Action::Read:
        return "read the workspace";
    case Action::Assign:
        return "assign exceptions";
    case Action::Comment:
        return "comment on exceptions";
    case Action::Correct:
        return "correct data";
    case Action::Approve:
        return "approve corrections and merges";
    case Action::Replay:
        return "replay deliveries";
    case Action::Discard:
        return "discard exceptions";
    case Action::Resolve:
        return "resolve exceptions";
    case Action::PauseTarget:
        return "pause, resume or probe target systems";
    case Action::ManageRoles:
        return "manage user roles";
    case Action::ExportAudit:
        return "export the audit trail";
    case Action::ProposeChange:
        return "propose configuration changes";
    case Action::ApproveChange:
        return "approve configuration changes";
    case Action::AcknowledgeAlert:
        return "acknowledge alerts";
    case Action::DecideDuplicate:
        return "decide duplicate suspects";
    case Action::Onboard:
        return "start or control initial loads";
    case Action::Archive:
        return "archive revision payloads";
    }
    return "do this";
}

bool allows(Role role, Action action)
{
    if (action == Action::Read)
        return true;
    if (action == Action::AcknowledgeAlert)
        return role == Role::Steward || role == Role::Approver || role == Role::Admin;
    if (action == Action::DecideDuplicate || action == Action::Onboard)
        return role == Role::Steward || role == Role::Admin;
    switch (role) {
    case Role::Viewer:
        return false;
    case Role::Steward:
        return action == Action::Assign || action == Action::Comment || action == Action::Correct
            || action == Action::Replay || action == Action::Discard || action == Action::Resolve
            || action == Action::PauseTarget;
    case Role::Approver:
        return action == Action::Approve || action == Action::Comment;
    case Role::Auditor:
        return action == Action::ExportAudit;
    case Role::Admin:
        return action == Action::ManageRoles || action == Action::PauseTarget || action == Action::ProposeChange
            || action == Action::ApproveChange || action == Action::Archive;
    }
    return false;
}

Result<UserRoles> rolesOf(const QSqlDatabase& db, const std::string& login)
{
    UserRoles u { login, {} };
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT role FROM user_role WHERE login = :login"));
    q.bindValue(QStringLiteral(":login"), qs(login));
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("roles of %1").arg(qs(login))));
    while (q.next())
        if (auto r = roleFromName(q.value(0).toString().toStdString()))
            u.roles.insert(*r);
    if (u.roles.empty())
        u.roles.insert(Role::Viewer);
    return u;
}

Result<std::vector<UserRoles>> allUserRoles(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT login, role FROM user_role ORDER BY login, role")))
        return makeError(sqlError(q, QStringLiteral("user roles")));
    std::vector<UserRoles> out;
    while (q.next()) {
        const std::string login = q.value(0).toString().toStdString();
        if (out.empty() || out.back().login != login)
            out.push_back({ login, {} });
        if (auto r = roleFromName(q.value(1).toString().toStdString()))
            out.back().roles.insert(*r);
    }
    return out;
}

Result<void> requireActor(const QSqlDatabase& db, const std::string& login, Action action)
{
    // PostgreSQL: an action is the connection's authenticated login's (access/identity.h). The entry points take
    // the actor from session_user; this holds every caller of the core to the same rule, so a name passed on
    // someone else's connection is refused here and not only by the database's triggers and grants.
    if (db.driverName() != QLatin1String("QPSQL"))
        return {};
    auto user = Workspace::sessionUser(db);
    if (!user)
        return makeError(user.error());
    if (const QString& session = user.value(); session != qs(login))
        return makeError(QStringLiteral("user '%1' may not %2 on a connection authenticated as the database login "
                                        "'%3': on PostgreSQL every action is recorded under the login that performs "
                                        "it; connect as '%1'")
                             .arg(qs(login), qs(std::string(actionName(action))), session));
    return {};
}

Result<void> requirePermission(const QSqlDatabase& db, const std::string& login, Action action)
{
    if (auto r = requireActor(db, login, action); !r)
        return r;
    auto u = rolesOf(db, login);
    if (!u)
        return makeError(u.error());
    for (Role r : u->roles)
        if (allows(r, action))
            return {};
    std::string needed;
    std::string has;
    for (const auto& [r, n] : kRoles) {
        if (allows(r, action))
            needed += (needed.empty() ? "" : " or ") + std::string(n);
    }
    for (Role r : u->roles)
        has += (has.empty() ? "" : ", ") + std::string(roleName(r));
    return makeError(QStringLiteral("user '%1' may not %2: that needs the role %3 (has: %4)")
                         .arg(qs(login), qs(std::string(actionName(action))), qs(needed), qs(has)));
}

std::string osLogin()
{
#ifdef Q_OS_UNIX
    // The kernel's user id, not $USER: the environment is whatever the caller sets (USER=admin mdsyncctl ...).
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    return "uid-" + std::to_string(getuid());
#elif defined(Q_OS_WIN)
    // The logon session's user (advapi32, linked by default), not %USERNAME%.
    std::array<wchar_t, 257> name {};
    DWORD size = static_cast<DWORD>(name.size());
    if (GetUserNameW(name.data(), &size) && size > 1)
        return QString::fromWCharArray(name.data(), static_cast<qsizetype>(size) - 1).toStdString();
    return "unknown";
#else
    return "unknown";
#endif
}

} // namespace mdsync
