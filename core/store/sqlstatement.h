#pragma once

#include <QString>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

class QSqlDatabase;
class QSqlQuery;
struct sqlite3;
struct sqlite3_stmt;

namespace mdsync {

// The database engine behind a connection, as far as the store's SQL text cares.
enum class SqlBackend : std::uint8_t { None, SQLite, PostgreSQL };

// QSQLITE -> SQLite, QPSQL -> PostgreSQL, anything else (or a closed connection) -> None.
SqlBackend sqlBackend(const QSqlDatabase& db);

// The sqlite3 handle behind a QSQLITE connection (same library, same connection, same transaction).
// nullptr when the connection is not an open QSQLITE one.
sqlite3* sqliteHandle(const QSqlDatabase& db);

// Why a statement failed, as far as a caller may act on it: retry the unit of work (serialization failure,
// deadlock), or tell the user that the row exists (unique violation). SQLite: SQLITE_CONSTRAINT_UNIQUE /
// _PRIMARYKEY -> UniqueViolation, SQLITE_BUSY (incl. BUSY_SNAPSHOT) -> SerializationFailure, SQLITE_LOCKED ->
// Deadlock; PostgreSQL: SQLSTATE 23505, 40001, 40P01.
enum class SqlErrorKind : std::uint8_t { None, Other, UniqueViolation, SerializationFailure, Deadlock };

// "?" placeholders -> PostgreSQL's "$1".."$n" (SQLite's numbered "?3" -> "$3"; a bare "?" is one more than the
// largest number so far, as in SQLite). Skips '...' literals, "..." identifiers, -- and /* */ comments. *count
// (optional) receives the highest parameter number.
std::string toPgPlaceholders(std::string_view sql, int* count = nullptr);

// Dialect: an SQL expression for the JSON value at a path from a text column holding JSON, as text (NULL when the
// path is absent). The path parameter (e.g. "?3") is bound to "$.name" on both backends (one level or dotted
// names without quotes). SQLite: json_extract(column, ?3); PostgreSQL: CAST(column AS jsonb) #>> the path's keys.
std::string sqlJsonText(SqlBackend backend, std::string_view column, std::string_view pathParam);

// After QSqlQuery::exec() of an INSERT ... RETURNING id (the portable lastInsertId: QPSQL has none): reads the
// first row's column 0 and finishes the query (a RETURNING statement left open would keep SQLite's write
// statement active). False when no row came back.
bool readReturnedId(QSqlQuery& query, std::int64_t& id);

// A prepared statement on the raw handle of the connection, for the single writer's hot paths (the ingest
// pipeline): binding through QSqlQuery costs a QString::arg and a hash lookup per value, which dominated ingest.
//
// One class for both backends; prepare(QSqlDatabase&) picks the backend from the connection:
//  - QSQLITE: a sqlite3 prepared statement on the connection's sqlite3* handle;
//  - QPSQL: a named libpq prepared statement (PQprepare once, PQexecPrepared per exec with text parameters, blobs
//    in binary format) on the connection's PGconn*, so it runs inside the QSqlDatabase's transaction. Results are
//    read as text: int64() parses, text() returns the value (bytea decoded to bytes), next() walks the rows.
//    The connection must not have a QSqlQuery with unread rows pending (a forward-only QPSQL query in
//    single-row mode keeps the connection busy): finish such queries first.
// SQL is written once with "?" / "?N" placeholders (converted for PostgreSQL, see toPgPlaceholders). Where the
// server cannot infer a parameter's type (`? IS NULL`, a bare `SELECT ?`), write CAST(? AS bigint).
// Indexes are 0-based like QSqlQuery's. Text is bound as UTF-8 and copied. Belongs to the connection's
// thread; must be destroyed before the connection is closed. The SQLite path costs one predictable branch per
// call over the raw sqlite3 API (no virtual call, no allocation).
class SqlStatement
{
public:
    SqlStatement();
    ~SqlStatement();
    SqlStatement(const SqlStatement&) = delete;
    SqlStatement& operator=(const SqlStatement&) = delete;

    bool prepare(const QSqlDatabase& db, std::string_view sql);
    bool prepare(sqlite3* db, std::string_view sql);
    bool isPrepared() const { return m_stmt != nullptr || m_pg != nullptr; }
    SqlBackend backend() const
    {
        return m_pg ? SqlBackend::PostgreSQL : (m_db ? SqlBackend::SQLite : SqlBackend::None);
    }

    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, std::string_view text);
    void bind(int index, const char* text) { bind(index, std::string_view(text)); }
    void bindOptional(int index, std::string_view text); // empty -> NULL
    // bind(index, text) without a copy on SQLite: the bytes must stay valid and unchanged until exec() or reset()
    // returns, which then clear all of the statement's bindings (NULL), so nothing can read them later. Not for a
    // temporary (`bindView(0, s.dump())` dangles). For statements bound in full before each run on the hot write
    // paths: SQLite's copy of each bound text was 5 % of the ingest's instructions (docs/BENCHMARKS.md).
    void bindView(int index, std::string_view text);
    void bindOptionalView(int index, std::string_view text); // empty -> NULL
    void bindOptional(int index, std::int64_t id); // 0 -> NULL
    void bindNull(int index);
    void bindBlob(int index, std::string_view bytes);

    // Runs a statement, ignoring any rows it returns, then resets it for the next use. False on error (see error()).
    bool exec();
    // Steps a query: true while a row is available (the first call executes the statement; an INSERT ... RETURNING
    // yields its row here). Call reset() (or exec()) when done with the rows; after the last row (false), the next
    // call runs the statement again.
    bool next();
    // Runs an INSERT ... RETURNING id (any statement whose first row's column 0 is wanted), reads the id and
    // resets. False on error or when no row came back (see error()). The portable lastInsertId.
    bool execReturningId(std::int64_t& id);
    bool failed() const { return m_failed; }
    void reset();

    // Pipelined execution, for writes whose rows nobody reads (the ingest's inserts and updates). PostgreSQL: sends
    // the statement in libpq's pipeline mode and returns without waiting for the server; the connection's next
    // synchronous statement (exec()/next()/execReturningId() of any SqlStatement on it) travels in the same round
    // trip and fails with the first error of the deferred statements sent before it, if one failed (the server
    // skipped the rest of them; the transaction is then in a failed state until a ROLLBACK [TO]), whatever its own
    // outcome - a deferred error is reported exactly once. So a unit of work ends with a synchronous statement
    // (e.g. RELEASE of its savepoint) and acts on its result. QtSql must not use the connection while statements are
    // deferred: finishDeferred() first (Workspace's commit and rollback do). false only when the statement could
    // not be sent. SQLite: exec().
    bool execDeferred();
    // Prefetch (PostgreSQL): sends a query with the parameters bound now in the same pipeline, without waiting;
    // its rows arrive with the connection's next round trip, and the statement's next next() with the same
    // parameters walks them instead of running it again (other parameters: it runs). So several reads of a unit of
    // work known in advance cost one round trip. A prefetched result is as of when it was sent; dropPrefetch()
    // discards it (at the end of the unit of work). SQLite: nothing (next() runs the statement).
    bool prefetch();
    void dropPrefetch();
    // Waits for the deferred statements of a connection (none: returns at once). false with the first failure's
    // text and kind when one failed (reported once). SQLite and other connections: true.
    static bool finishDeferred(const QSqlDatabase& db, QString* error = nullptr, SqlErrorKind* kind = nullptr);

    std::int64_t int64(int column) const; // PostgreSQL booleans read as 1/0
    std::string_view text(int column) const; // valid until the next next()/reset()/exec()
    bool isNull(int column) const;

    // The driver's error of the last prepare()/exec()/next(), with the start of the statement (PostgreSQL: the
    // SQLSTATE first, e.g. "SQLSTATE 23505: duplicate key value violates ... [INSERT INTO ...]").
    QString error() const;
    SqlErrorKind errorKind() const { return m_errorKind; }

private:
    struct Pg;
    void setSqliteError(int rc);
    bool pgPrepare(void* conn, std::string_view sql);
    void pgBind(int index, std::string_view bytes, int format);
    void pgBindNull(int index);
    bool pgExecute();
    bool pgExecuteAfterDeferred(void* pipe);
    bool pgTakeResult();
    bool pgTakePrefetched();
    bool pgNext();
    void pgReset();
    void pgFail(const void* result, const char* fallback);
    void forgetViews();

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    std::unique_ptr<Pg> m_pg; // set while prepared on PostgreSQL
    bool m_failed = false;
    bool m_views = false; // bindView was called since the last exec() or reset()
    SqlErrorKind m_errorKind = SqlErrorKind::None;
    QString m_error;
};

} // namespace mdsync
