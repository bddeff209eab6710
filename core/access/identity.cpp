#include "access/identity.h"

#include "access/roles.h"
#include "store/workspace.h"

namespace mdsync {

namespace {
const QString kMetaKey = QStringLiteral("identities");
}

std::string_view toString(IdentityMode mode)
{
    switch (mode) {
    case IdentityMode::Asserted:
        return "asserted";
    case IdentityMode::DatabaseLogin:
        return "database_login";
    case IdentityMode::OsLogin:
        break;
    }
    return "os_login";
}

std::string_view describe(IdentityMode mode)
{
    switch (mode) {
    case IdentityMode::Asserted:
        return "asserted: a demo/test workspace; --user may name any login, so actors in its audit trail are not "
               "authenticated";
    case IdentityMode::DatabaseLogin:
        return "database login: every action is recorded under the PostgreSQL login the server authenticated "
               "(session_user)";
    case IdentityMode::OsLogin:
        break;
    }
    return "OS login: every action is recorded under the login of the process that performed it";
}

IdentityMode identityModeFromMeta(const QString& identities, const QString& demo)
{
    if (identities == QLatin1String("asserted"))
        return IdentityMode::Asserted;
    if (identities == QLatin1String("database_login"))
        return IdentityMode::DatabaseLogin;
    if (identities.isEmpty() && demo == QLatin1String("1"))
        return IdentityMode::Asserted;
    return IdentityMode::OsLogin;
}

IdentityMode identityMode(const Workspace& ws)
{
    if (ws.isPostgres())
        return IdentityMode::DatabaseLogin;
    return identityModeFromMeta(ws.meta(kMetaKey), ws.meta(QStringLiteral("demo")));
}

Result<void> setIdentityMode(Workspace& ws, IdentityMode mode)
{
    if (ws.isPostgres()) {
        // The server authenticates every login: "not asserted" means the database login there.
        if (mode == IdentityMode::Asserted)
            return makeError(QStringLiteral("%1: a PostgreSQL workspace records every action under the authenticated "
                                            "database login; it cannot be a demo/test workspace with asserted "
                                            "identities (use a SQLite file for that)")
                                 .arg(ws.path()));
        mode = IdentityMode::DatabaseLogin;
    } else if (mode == IdentityMode::DatabaseLogin) {
        return makeError(
            QStringLiteral("%1: database logins identify users only on a PostgreSQL workspace").arg(ws.path()));
    }
    return ws.setMeta(
        kMetaKey, QString::fromLatin1(toString(mode).data(), static_cast<qsizetype>(toString(mode).size())));
}

Result<std::string> actingUser(const Workspace& ws, const std::string& requested)
{
    if (ws.isPostgres()) {
        auto session = ws.sessionUser();
        if (!session)
            return makeError(session.error());
        const std::string login = session.value().toStdString();
        if (requested.empty() || requested == login)
            return login;
        return makeError(QStringLiteral("--user %1: %2 records every action under the database login the server "
                                        "authenticated (%3); acting as another user is refused. Connect as %1 "
                                        "instead (user@ in the workspace URI, PGUSER or a service file; the password "
                                        "in ~/.pgpass).")
                             .arg(QString::fromStdString(requested), ws.path(), session.value()));
    }
    const std::string login = osLogin();
    if (requested.empty() || requested == login)
        return login;
    if (identityMode(ws) == IdentityMode::Asserted)
        return requested;
    return makeError(QStringLiteral("--user %1: %2 records every action under the OS login of the process (%3); acting "
                                    "as another user is refused. Log in as %1, or use a demo/test workspace "
                                    "created with 'mdsyncctl init --asserted-identities'.")
                         .arg(QString::fromStdString(requested), ws.path(), QString::fromStdString(login)));
}

} // namespace mdsync
