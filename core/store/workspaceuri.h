#pragma once

// Where a workspace lives (docs/DEPLOYMENT.md, "Workspace locations"): a SQLite file path, or a PostgreSQL
// database named by a connection URI (postgresql://[user@]host[:port]/db[?param=value&...], postgres://,
// postgresql:///db for the Unix socket or the PGHOST of the environment) or by libpq keyword=value pairs
// starting with a known keyword (service=NAME [more=...]). A location's text never carries a password: libpq
// reads it from ~/.pgpass, PGPASSFILE or a service file (docs/SECURITY.md), so it never appears on a command line,
// in settings, in messages or in the audit trail. The GUI may have one in memory (typed, or from the desktop
// keyring): WorkspaceLocation::password and setSessionPassword, which no text form ever includes.

#include "util/result.h"

#include <QString>

#include <utility>
#include <vector>

namespace mdsync {

struct WorkspaceLocation
{
    enum class Backend { Sqlite, Postgres };

    Backend backend = Backend::Sqlite;
    QString path; // Sqlite: the file path as given
    // Postgres: libpq connection keywords in the order given (host, port, user, dbname, service, sslmode, ...);
    // values are decoded (no percent escapes). Never "password".
    std::vector<std::pair<QString, QString>> params;
    // Postgres: a password held in memory only (the GUI's password field or desktop keyring). Never parsed from,
    // nor written to, any text: display(), settings, messages, audit. Empty: the session password (below), else
    // libpq's own sources (pgpass, service file).
    QString password;

    // Parses what --workspace (or a caller) gave. A location with a password, a malformed URI or an unknown
    // keyword is refused with a message that names the problem; the message never repeats a password.
    static Result<WorkspaceLocation> parse(const QString& text);
    // True when `text` names a PostgreSQL database rather than a file (parse decides the same way).
    static bool looksLikePostgres(const QString& text);

    bool isPostgres() const { return backend == Backend::Postgres; }
    // The value of a connection keyword ("" when absent).
    QString param(const QString& key) const;
    // For messages and audit entries: the file path, or postgresql://[user@]host[:port]/db[?...] (or
    // "service=NAME ..." for a service), passwords never included (there are none; see parse).
    QString display() const;
};

// This process's in-memory password for a PostgreSQL location (keyed by its display() form), used by every
// connection opened to it when the location itself carries none: the GUI's core thread, its reader, the change
// feed's LISTEN connection and the dispatcher lease all open the workspace from its text. Empty `password`
// forgets it. Thread-safe; never persisted.
void setSessionPassword(const WorkspaceLocation& where, const QString& password);
QString sessionPassword(const WorkspaceLocation& where);

// The same text with any password replaced by "***" (user:pw@ in a URI, password= in a URI query or keyword
// list), for messages about text that failed to parse.
QString redactLocation(const QString& text);

} // namespace mdsync
