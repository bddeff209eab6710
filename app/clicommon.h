#pragma once

// What every mdsyncctl command uses: the parsed command line, output streams, errors, tables, JSON, the
// acting user and opening the workspace. Commands live in cli*.cpp files, declared in clicommands.h.

#include "cli.h"
#include "store/workspace.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace mdsync::cli {

struct Args
{
    QString command;
    QStringList positionals;
    std::map<QString, QString> options; // the last value of each option
    std::map<QString, QStringList> repeated; // every value of each option, in order
    std::set<QString> flags;

    bool has(const QString& flag) const { return flags.count(flag) > 0; }
    QString value(const QString& name, const QString& fallback = {}) const
    {
        auto it = options.find(name);
        return it == options.end() ? fallback : it->second;
    }
};

QTextStream& out();
QTextStream& err();
// A user error: one line on stderr ("mdsyncctl: <message>"), returns UserError.
int fail(const QString& message);
QString q(const std::string& s);
// A JSON value as table text ("-" for null, strings unquoted).
QString jstr(const nlohmann::json& v);
// --user, else the OS login.
std::string actor(const Args& a);
// Prints rows as an aligned text table (cells cut at 60 characters).
void printTable(const QStringList& headers, const std::vector<QStringList>& rows);
void printJson(const nlohmann::json& j);
// Why the command may not act as --user (empty: it may): the acting user is the OS login, except on a workspace
// whose identities are asserted (demo/test; access/identity.h) and for `init --asserted-identities`. On a
// PostgreSQL workspace it is the database login (session_user), which this sets as --user for actor(a).
QString identityProblem(Args& a);
Result<std::unique_ptr<Workspace>> openWorkspace(const Args& a, Workspace::Mode mode);
// --domain and --key, both required.
bool requireObject(const Args& a, std::string& domain, std::string& key);
// An RFC 3339 option (e.g. --at); nullopt when absent or invalid (then `error` is set).
std::optional<qint64> timeOption(const Args& a, const QString& name, QString& error);

} // namespace mdsync::cli
