#include "access/identity.h"

#include "access/roles.h"
#include "store/workspace.h"

namespace mdsync {

namespace {
const QString kMetaKey = QStringLiteral("identities");
}

std::string_view toString(IdentityMode mode)
{
    return mode == IdentityMode::Asserted ? "asserted" : "os_login";
}

std::string_view describe(IdentityMode mode)
{
    return mode == IdentityMode::Asserted
        ? "asserted: a demo/test workspace; --user may name any login, so actors in its audit trail are not "
          "authenticated"
        : "OS login: every action is recorded under the login of the process that performed it";
}

IdentityMode identityModeFromMeta(const QString& identities, const QString& demo)
{
    if (identities == QLatin1String("asserted"))
        return IdentityMode::Asserted;
    if (identities.isEmpty() && demo == QLatin1String("1"))
        return IdentityMode::Asserted;
    return IdentityMode::OsLogin;
}

IdentityMode identityMode(const Workspace& ws)
{
    return identityModeFromMeta(ws.meta(kMetaKey), ws.meta(QStringLiteral("demo")));
}

Result<void> setIdentityMode(Workspace& ws, IdentityMode mode)
{
    return ws.setMeta(
        kMetaKey, QString::fromLatin1(toString(mode).data(), static_cast<qsizetype>(toString(mode).size())));
}

Result<std::string> actingUser(const Workspace& ws, const std::string& requested)
{
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
