#include "clicommon.h"

#include "access/identity.h"
#include "access/roles.h"

#include <algorithm>

namespace mdsync::cli {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

// A user error: one line on stderr, exit code 1.
int fail(const QString& message)
{
    out().flush();
    err() << "mdsyncctl: " << message << Qt::endl;
    return UserError;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString jstr(const nlohmann::json& v)
{
    if (v.is_null())
        return QStringLiteral("-");
    if (v.is_string())
        return q(v.get<std::string>());
    return q(v.dump());
}

std::string actor(const Args& a)
{
    const QString user = a.value(QStringLiteral("user"));
    return user.isEmpty() ? osLogin() : user.toStdString();
}

// Prints rows as an aligned text table.
void printTable(const QStringList& headers, const std::vector<QStringList>& rows)
{
    std::vector<qsizetype> width(static_cast<size_t>(headers.size()));
    for (qsizetype c = 0; c < headers.size(); ++c)
        width[static_cast<size_t>(c)] = headers[c].size();
    for (const auto& r : rows)
        for (qsizetype c = 0; c < r.size() && c < headers.size(); ++c)
            width[static_cast<size_t>(c)]
                = std::max(width[static_cast<size_t>(c)], std::min<qsizetype>(r[c].size(), 60));
    auto line = [&](const QStringList& cells) {
        QString text;
        for (qsizetype c = 0; c < headers.size(); ++c) {
            QString cell = c < cells.size() ? cells[c] : QString();
            if (cell.size() > 60)
                cell = cell.left(59) + QChar(0x2026);
            text += c + 1 < headers.size() ? cell.leftJustified(width[static_cast<size_t>(c)] + 2) : cell;
        }
        out() << text << '\n';
    };
    line(headers);
    for (const auto& r : rows)
        line(r);
}

void printJson(const nlohmann::json& j)
{
    out() << q(j.dump(2)) << '\n';
}

QString identityProblem(Args& a)
{
    const std::string requested = a.value(QStringLiteral("user")).toStdString();
    const QString path = a.value(QStringLiteral("workspace"));
    if (a.command == QLatin1String("demo"))
        return {}; // the demo creates a demo workspace, whose identities are asserted
    // On PostgreSQL the acting user is the database login (which need not be the OS login): every command acts
    // as session_user, and --user may only repeat it.
    if (WorkspaceLocation::looksLikePostgres(path)) {
        if (a.command == QLatin1String("init")) {
            if (requested.empty())
                return {};
            return QStringLiteral("--user %1: a PostgreSQL workspace records every action under the database login "
                                  "the server authenticated; leave out --user and connect as the login you mean "
                                  "(user@ in the workspace URI, PGUSER or a service file)")
                .arg(QString::fromStdString(requested));
        }
        auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
        if (!ws)
            return {}; // the command reports why it cannot open the workspace
        auto user = actingUser(*ws.value(), requested);
        if (!user)
            return user.error();
        a.options[QStringLiteral("user")] = QString::fromStdString(user.value()); // what actor(a) returns
        return {};
    }
    if (requested.empty() || requested == osLogin())
        return {};
    if (a.command == QLatin1String("init")) {
        if (a.has(QStringLiteral("asserted-identities")))
            return {};
        return QStringLiteral("--user %1: a workspace records every action under the OS login of the process (%2), "
                              "so 'init' cannot act as another user. Leave out --user, or create a demo/test "
                              "workspace with --asserted-identities (its audit trail marks identities as asserted).")
            .arg(QString::fromStdString(requested), QString::fromStdString(osLogin()));
    }
    if (path.isEmpty())
        return {}; // the command itself says that it needs --workspace
    auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
    if (!ws)
        return {}; // the command reports why it cannot open the workspace
    if (auto user = actingUser(*ws.value(), requested); !user)
        return user.error();
    return {};
}

Result<std::unique_ptr<Workspace>> openWorkspace(const Args& a, Workspace::Mode mode)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        return makeError(QStringLiteral("--workspace PATH is required for '%1'").arg(a.command));
    return Workspace::open(path, mode);
}

bool requireObject(const Args& a, std::string& domain, std::string& key)
{
    domain = a.value(QStringLiteral("domain")).toStdString();
    key = a.value(QStringLiteral("key")).toStdString();
    return !domain.empty() && !key.empty();
}

std::optional<qint64> timeOption(const Args& a, const QString& name, QString& error)
{
    if (!a.options.count(name))
        return std::nullopt;
    const auto t = parseRfc3339(a.value(name).toStdString());
    if (!t) {
        error = QStringLiteral("--%1 takes an RFC 3339 time, e.g. 2026-11-28T00:00:00Z, got '%2'")
                    .arg(name, a.value(name));
        return std::nullopt;
    }
    return t;
}

} // namespace mdsync::cli
