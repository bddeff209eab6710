#include "store/sqlstatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QVariant>

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace mdsync {

namespace {

constexpr Oid kByteaOid = 17; // pg_type.oid of bytea (stable since PostgreSQL 7)

PGconn* pgHandle(const QSqlDatabase& db)
{
    if (!db.isOpen() || !db.driver())
        return nullptr;
    const QVariant v = db.driver()->handle();
    if (!v.isValid())
        return nullptr;
    const char* type = v.typeName();
    if (qstrcmp(type, "PGconn*") != 0 && qstrcmp(type, "pg_conn*") != 0)
        return nullptr;
    return *static_cast<PGconn* const*>(v.data());
}

QString sqlStart(std::string_view sql)
{
    return QString::fromUtf8(sql.data(), static_cast<qsizetype>(std::min<size_t>(sql.size(), 80)));
}

SqlErrorKind kindOfSqlState(const char* state)
{
    if (!state || std::strlen(state) != 5)
        return SqlErrorKind::Other;
    if (std::strcmp(state, "23505") == 0)
        return SqlErrorKind::UniqueViolation;
    if (std::strcmp(state, "40001") == 0)
        return SqlErrorKind::SerializationFailure;
    if (std::strcmp(state, "40P01") == 0)
        return SqlErrorKind::Deadlock;
    return SqlErrorKind::Other;
}

SqlErrorKind kindOfSqliteCode(int extended)
{
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY)
        return SqlErrorKind::UniqueViolation;
    if ((extended & 0xff) == SQLITE_BUSY)
        return SqlErrorKind::SerializationFailure;
    if ((extended & 0xff) == SQLITE_LOCKED)
        return SqlErrorKind::Deadlock;
    return SqlErrorKind::Other;
}

std::atomic<std::uint64_t> g_pgStatementSeq { 0 };

// "SQLSTATE 23505: duplicate key value ... [INSERT INTO ...]": a failed result (or the connection's message) with
// the start of its statement.
QString pgErrorText(const PGresult* r, PGconn* conn, const char* fallback, std::string_view sql, SqlErrorKind* kind)
{
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    *kind = kindOfSqlState(state);
    QString message = QString::fromUtf8(r ? PQresultErrorMessage(r) : "").trimmed();
    if (message.isEmpty() && conn)
        message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
    if (message.isEmpty())
        message = QString::fromUtf8(fallback);
    message = message.simplified();
    if (message.startsWith(QLatin1String("ERROR: ")))
        message = message.mid(7);
    return (state ? QStringLiteral("SQLSTATE ") + QLatin1String(state) + QStringLiteral(": ") : QString()) + message
        + QStringLiteral(" [") + sqlStart(sql) + QStringLiteral("]");
}

// The deferred statements of a PostgreSQL connection (SqlStatement::execDeferred). Per thread: a connection
// belongs to one thread, so no lock.
// A statement sent in pipeline mode: its SQL (for error texts) and, for a prefetch, where its rows go.
struct PgSent
{
    const std::string* sql;
    PGresult** rows = nullptr; // a prefetch: receives the result (TUPLES_OK only), else it is cleared
};

struct PgPipe
{
    std::vector<PgSent> sent; // the statements sent since the last sync, in order
    bool failed = false; // one of them failed and nobody was told yet
    QString error;
    SqlErrorKind kind = SqlErrorKind::None;

    void fail(const PGresult* r, PGconn* conn, const char* fallback, std::string_view sql)
    {
        if (failed)
            return; // the first error is the cause; the rest were skipped because of it
        failed = true;
        error = pgErrorText(r, conn, fallback, sql, &kind);
    }
};

thread_local std::unordered_map<PGconn*, PgPipe> t_pipes;

// At most this many statements wait for their results: the server's answers pile up in its send buffer while the
// client only writes, so a long pipeline is synced on the way.
constexpr size_t kMaxDeferred = 256;

PgPipe* pipeOf(PGconn* conn)
{
    if (t_pipes.empty())
        return nullptr;
    const auto it = t_pipes.find(conn);
    return it == t_pipes.end() ? nullptr : &it->second;
}

// Reads the results of the statements in p.sent (sent before a sync point the caller has already sent) and of
// that sync point; records the first failure in p.
void readDeferred(PGconn* conn, PgPipe& p)
{
    for (const PgSent& e : p.sent) {
        PGresult* r = PQgetResult(conn);
        if (!r) { // the connection broke
            p.fail(nullptr, conn, "no result (connection lost?)", *e.sql);
            continue;
        }
        const ExecStatusType status = PQresultStatus(r);
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_PIPELINE_ABORTED)
            p.fail(r, conn, "deferred statement failed", *e.sql);
        if (e.rows && status == PGRES_TUPLES_OK) {
            PQclear(*e.rows);
            *e.rows = r;
        } else {
            PQclear(r);
        }
        while (PGresult* rest = PQgetResult(conn)) // each statement's results end with a null result
            PQclear(rest);
    }
    p.sent.clear();
    if (PGresult* r = PQgetResult(conn); r) { // the sync point
        if (PQresultStatus(r) != PGRES_PIPELINE_SYNC)
            p.fail(r, conn, "pipeline out of step", "(sync)");
        PQclear(r);
    }
}

// Waits for every deferred statement of the connection and leaves pipeline mode; a failure stays in the pipe
// until reported.
void drainDeferred(PGconn* conn)
{
    PgPipe* p = pipeOf(conn);
    if (!p || PQpipelineStatus(conn) == PQ_PIPELINE_OFF)
        return;
    if (!p->sent.empty()) {
        if (PQpipelineSync(conn) != 1)
            p->fail(nullptr, conn, "cannot send the pipeline's sync point", "(sync)");
        else
            readDeferred(conn, *p);
        p->sent.clear();
    }
    PQexitPipelineMode(conn);
}

} // namespace

SqlBackend sqlBackend(const QSqlDatabase& db)
{
    const QString driver = db.driverName();
    if (driver == QLatin1String("QSQLITE"))
        return SqlBackend::SQLite;
    if (driver == QLatin1String("QPSQL"))
        return SqlBackend::PostgreSQL;
    return SqlBackend::None;
}

sqlite3* sqliteHandle(const QSqlDatabase& db)
{
    if (!db.isOpen() || !db.driver())
        return nullptr;
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(v.data());
}

bool readReturnedId(QSqlQuery& query, std::int64_t& id)
{
    const bool row = query.next();
    if (row)
        id = query.value(0).toLongLong();
    query.finish();
    return row;
}

std::string sqlJsonText(SqlBackend backend, std::string_view column, std::string_view pathParam)
{
    std::string out;
    if (backend == SqlBackend::PostgreSQL) {
        out.append("(CAST(").append(column).append(" AS jsonb) #>> string_to_array(substr(CAST(");
        out.append(pathParam).append(" AS text), 3), '.'))");
    } else {
        out.append("json_extract(").append(column).append(", ").append(pathParam).append(")");
    }
    return out;
}

std::string toPgPlaceholders(std::string_view sql, int* count)
{
    std::string out;
    out.reserve(sql.size() + 16);
    int highest = 0;
    const size_t n = sql.size();
    size_t i = 0;
    auto copyUntil = [&](size_t end) {
        out.append(sql.substr(i, end - i));
        i = end;
    };
    while (i < n) {
        const char c = sql[i];
        if (c == '\'' || c == '"') { // a literal or an identifier; a doubled quote inside is two adjacent runs
            const size_t close = sql.find(c, i + 1);
            copyUntil(close == std::string_view::npos ? n : close + 1);
        } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
            const size_t eol = sql.find('\n', i);
            copyUntil(eol == std::string_view::npos ? n : eol);
        } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
            const size_t close = sql.find("*/", i + 2);
            copyUntil(close == std::string_view::npos ? n : close + 2);
        } else if (c == '?') {
            size_t j = i + 1;
            int number = 0;
            while (j < n && sql[j] >= '0' && sql[j] <= '9' && number < 100000)
                number = number * 10 + (sql[j++] - '0');
            if (j == i + 1)
                number = highest + 1;
            highest = std::max(highest, number);
            out += '$';
            out += std::to_string(number);
            i = j;
        } else {
            out += c;
            ++i;
        }
    }
    if (count)
        *count = highest;
    return out;
}

// ---- PostgreSQL state ----------------------------------------------------------------------------------------------

struct SqlStatement::Pg
{
    PGconn* conn = nullptr;
    std::string name;
    std::string sql; // as sent ($n placeholders), for error texts
    int nParams = 0;
    std::vector<std::string> values;
    std::vector<char> null;
    std::vector<int> lengths, formats;
    std::vector<const char*> pointers;
    PGresult* result = nullptr;
    int row = -1;
    int rows = 0;
    mutable std::vector<std::string> decoded; // bytea columns of the current row, decoded on demand
    mutable std::vector<int> decodedRow;
    // prefetch(): sent with these parameters; its rows arrive in `prefetched` when the pipeline is read.
    bool prefetchSent = false;
    PGresult* prefetched = nullptr;
    std::vector<std::string> prefetchValues;
    std::vector<char> prefetchNull;

    ~Pg()
    {
        if (conn)
            drainDeferred(conn); // a synchronous command follows; a deferred failure stays to be reported
        PQclear(result);
        PQclear(prefetched);
        if (!conn)
            return;
        // Not transactional and refused in a failed transaction: then the name stays until the session ends.
        const PGTransactionStatusType ts = conn ? PQtransactionStatus(conn) : PQTRANS_UNKNOWN;
        if (ts == PQTRANS_IDLE || ts == PQTRANS_INTRANS)
            PQclear(PQexec(conn, ("DEALLOCATE " + name).c_str()));
    }
    void clearResult()
    {
        PQclear(result);
        result = nullptr;
        row = -1;
        rows = 0;
        std::fill(decodedRow.begin(), decodedRow.end(), -1);
    }
};

SqlStatement::SqlStatement() = default;

SqlStatement::~SqlStatement()
{
    sqlite3_finalize(m_stmt);
}

bool SqlStatement::prepare(const QSqlDatabase& db, std::string_view sql)
{
    if (sqlite3* h = sqliteHandle(db))
        return prepare(h, sql);
    if (PGconn* conn = pgHandle(db))
        return pgPrepare(conn, sql);
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_db = nullptr;
    m_pg.reset();
    m_failed = true;
    m_errorKind = SqlErrorKind::Other;
    m_error = QStringLiteral("no open SQLite or PostgreSQL connection (driver %1) [%2]")
                  .arg(db.driverName().isEmpty() ? QStringLiteral("none") : db.driverName(), sqlStart(sql));
    return false;
}

bool SqlStatement::prepare(sqlite3* db, std::string_view sql)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_pg.reset();
    m_db = db;
    m_failed = false;
    m_errorKind = SqlErrorKind::None;
    if (!db) {
        m_failed = true;
        m_errorKind = SqlErrorKind::Other;
        m_error = QStringLiteral("no SQLite connection [") + sqlStart(sql) + QStringLiteral("]");
        return false;
    }
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
        != SQLITE_OK) {
        m_failed = true;
        m_errorKind = kindOfSqliteCode(sqlite3_extended_errcode(db));
        m_error = QString::fromUtf8(sqlite3_errmsg(db)) + QStringLiteral(" [") + sqlStart(sql) + QStringLiteral("]");
        return false;
    }
    return true;
}

bool SqlStatement::pgPrepare(void* conn, std::string_view sql)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_db = nullptr;
    m_pg.reset();
    m_failed = false;
    m_errorKind = SqlErrorKind::None;
    auto pg = std::make_unique<Pg>();
    pg->sql = toPgPlaceholders(sql, &pg->nParams);
    pg->name = "mdsync_" + std::to_string(++g_pgStatementSeq);
    const auto n = static_cast<size_t>(pg->nParams);
    pg->values.resize(n);
    pg->null.assign(n, 1);
    pg->lengths.assign(n, 0);
    pg->formats.assign(n, 0);
    pg->pointers.assign(n, nullptr);
    drainDeferred(static_cast<PGconn*>(conn)); // PQprepare is synchronous
    PGresult* r = PQprepare(static_cast<PGconn*>(conn), pg->name.c_str(), pg->sql.c_str(), pg->nParams, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        m_pg = std::move(pg); // for the error text; conn stays null so nothing is deallocated
        pgFail(r, "prepare failed");
        PQclear(r);
        m_pg.reset();
        return false;
    }
    PQclear(r);
    pg->conn = static_cast<PGconn*>(conn);
    m_pg = std::move(pg);
    return true;
}

// ---- binding -------------------------------------------------------------------------------------------------------

void SqlStatement::bind(int index, std::int64_t value)
{
    if (m_pg) [[unlikely]] {
        std::array<char, 24> buf {};
        const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value);
        pgBind(index, std::string_view(buf.data(), static_cast<size_t>(res.ptr - buf.data())), 0);
        return;
    }
    sqlite3_bind_int64(m_stmt, index + 1, value);
}

void SqlStatement::bind(int index, std::string_view text)
{
    if (m_pg) [[unlikely]] {
        pgBind(index, text, 0);
        return;
    }
    sqlite3_bind_text(m_stmt, index + 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void SqlStatement::bindView(int index, std::string_view text)
{
    if (m_pg) [[unlikely]] {
        pgBind(index, text, 0);
        return;
    }
    sqlite3_bind_text(m_stmt, index + 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    m_views = true;
}

void SqlStatement::bindOptionalView(int index, std::string_view text)
{
    if (text.empty())
        bindNull(index);
    else
        bindView(index, text);
}

// After a run with unowned texts bound (bindView): the statement forgets them.
void SqlStatement::forgetViews()
{
    if (m_views) {
        sqlite3_clear_bindings(m_stmt);
        m_views = false;
    }
}

void SqlStatement::bindOptional(int index, std::string_view text)
{
    if (text.empty())
        bindNull(index);
    else
        bind(index, text);
}

void SqlStatement::bindOptional(int index, std::int64_t id)
{
    if (id)
        bind(index, id);
    else
        bindNull(index);
}

void SqlStatement::bindNull(int index)
{
    if (m_pg) [[unlikely]] {
        pgBindNull(index);
        return;
    }
    sqlite3_bind_null(m_stmt, index + 1);
}

void SqlStatement::bindBlob(int index, std::string_view bytes)
{
    if (m_pg) [[unlikely]] {
        pgBind(index, bytes, 1);
        return;
    }
    // An empty view may have no data pointer, which SQLite would bind as NULL: an empty blob is not NULL.
    sqlite3_bind_blob64(m_stmt, index + 1, bytes.data() ? bytes.data() : "", bytes.size(), SQLITE_TRANSIENT);
}

void SqlStatement::pgBind(int index, std::string_view bytes, int format)
{
    if (index < 0 || index >= m_pg->nParams)
        return; // like SQLITE_RANGE, which the SQLite path ignores too
    const auto i = static_cast<size_t>(index);
    m_pg->values[i].assign(bytes);
    m_pg->null[i] = 0;
    m_pg->lengths[i] = static_cast<int>(bytes.size());
    m_pg->formats[i] = format;
}

void SqlStatement::pgBindNull(int index)
{
    if (index < 0 || index >= m_pg->nParams)
        return;
    m_pg->null[static_cast<size_t>(index)] = 1;
}

// ---- running -------------------------------------------------------------------------------------------------------

void SqlStatement::setSqliteError(int rc)
{
    m_failed = true;
    m_errorKind = kindOfSqliteCode(m_db ? sqlite3_extended_errcode(m_db) : rc);
    m_error = QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc)) + QStringLiteral(" [")
        + QString::fromUtf8(sqlite3_sql(m_stmt)).left(80) + QStringLiteral("]");
}

bool SqlStatement::exec()
{
    if (m_pg) [[unlikely]] {
        m_pg->prefetchSent = false;
        m_pg->clearResult();
        const bool ok = pgExecute();
        m_pg->clearResult();
        return ok;
    }
    // With RETURNING the first step returns a row, and all the changes are made by then.
    const int rc = sqlite3_step(m_stmt);
    m_failed = rc != SQLITE_DONE && rc != SQLITE_ROW;
    if (m_failed)
        setSqliteError(rc);
    sqlite3_reset(m_stmt);
    forgetViews();
    return !m_failed;
}

bool SqlStatement::next()
{
    if (m_pg) [[unlikely]]
        return pgNext();
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        m_failed = false;
        return true;
    }
    m_failed = rc != SQLITE_DONE;
    if (m_failed)
        setSqliteError(rc);
    return false;
}

bool SqlStatement::execReturningId(std::int64_t& id)
{
    if (!next()) {
        if (!m_failed) {
            m_failed = true;
            m_errorKind = SqlErrorKind::Other;
            m_error = QStringLiteral("the statement returned no row [")
                + (m_pg ? sqlStart(m_pg->sql) : QString::fromUtf8(sqlite3_sql(m_stmt)).left(80)) + QStringLiteral("]");
        }
        reset();
        return false;
    }
    id = int64(0);
    reset();
    return true;
}

void SqlStatement::reset()
{
    if (m_pg) [[unlikely]] {
        m_pg->clearResult();
        return;
    }
    sqlite3_reset(m_stmt);
    forgetViews();
}

bool SqlStatement::pgExecute()
{
    Pg& pg = *m_pg;
    for (size_t i = 0; i < pg.pointers.size(); ++i)
        pg.pointers[i] = pg.null[i] ? nullptr : pg.values[i].c_str();
    if (PgPipe* p = pipeOf(pg.conn); p && (p->failed || PQpipelineStatus(pg.conn) != PQ_PIPELINE_OFF)) [[unlikely]]
        return pgExecuteAfterDeferred(p);
    pg.result = PQexecPrepared(
        pg.conn, pg.name.c_str(), pg.nParams, pg.pointers.data(), pg.lengths.data(), pg.formats.data(), 0);
    return pgTakeResult();
}

// The statements deferred before this one, this one and their sync points in one round trip:
// [deferred..., sync, this, sync] - two sync points, so that this statement runs even when a deferred one failed
// (the server skips the rest of a failed pipeline segment, not the next one): a ROLLBACK TO after a failed insert
// must run.
bool SqlStatement::pgExecuteAfterDeferred(void* pipe)
{
    Pg& pg = *m_pg;
    PgPipe& p = *static_cast<PgPipe*>(pipe);
    if (PQpipelineStatus(pg.conn) == PQ_PIPELINE_OFF) {
        pg.result = PQexecPrepared(
            pg.conn, pg.name.c_str(), pg.nParams, pg.pointers.data(), pg.lengths.data(), pg.formats.data(), 0);
    } else {
        const bool sent = PQpipelineSync(pg.conn) == 1
            && PQsendQueryPrepared(
                   pg.conn, pg.name.c_str(), pg.nParams, pg.pointers.data(), pg.lengths.data(), pg.formats.data(), 0)
                == 1
            && PQpipelineSync(pg.conn) == 1;
        if (!sent) {
            p.fail(nullptr, pg.conn, "cannot send to the server", pg.sql);
            p.sent.clear();
            PQexitPipelineMode(pg.conn);
        } else {
            readDeferred(pg.conn, p);
            pg.result = PQgetResult(pg.conn);
            while (PGresult* rest = PQgetResult(pg.conn)) // ends with a null result; then the second sync point
                if (PQresultStatus(rest) == PGRES_PIPELINE_SYNC) {
                    PQclear(rest);
                    break;
                } else {
                    PQclear(rest);
                }
            if (PGresult* sync = PQgetResult(pg.conn))
                PQclear(sync);
            PQexitPipelineMode(pg.conn);
        }
    }
    if (!p.failed)
        return pgTakeResult();
    // A deferred statement failed: that is this statement's failure (reported once), whatever its own result.
    pg.clearResult();
    m_failed = true;
    m_errorKind = p.kind;
    m_error = p.error;
    t_pipes.erase(pg.conn);
    return false;
}

bool SqlStatement::pgTakeResult()
{
    Pg& pg = *m_pg;
    const ExecStatusType status = PQresultStatus(pg.result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        pgFail(pg.result, "no result");
        pg.clearResult();
        return false;
    }
    m_failed = false;
    pg.rows = PQntuples(pg.result);
    return true;
}

bool SqlStatement::execDeferred()
{
    if (!m_pg) [[likely]]
        return exec();
    Pg& pg = *m_pg;
    pg.clearResult();
    if (PQpipelineStatus(pg.conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(pg.conn) != 1)
        return exec(); // the connection is busy with something else: wait for this one then
    for (size_t i = 0; i < pg.pointers.size(); ++i)
        pg.pointers[i] = pg.null[i] ? nullptr : pg.values[i].c_str();
    PgPipe& p = t_pipes[pg.conn];
    if (PQsendQueryPrepared(
            pg.conn, pg.name.c_str(), pg.nParams, pg.pointers.data(), pg.lengths.data(), pg.formats.data(), 0)
        != 1) {
        pgFail(nullptr, "cannot send to the server");
        return false;
    }
    p.sent.push_back({ &pg.sql });
    if (p.sent.size() >= kMaxDeferred)
        drainDeferred(pg.conn);
    m_failed = false;
    return true;
}

bool SqlStatement::finishDeferred(const QSqlDatabase& db, QString* error, SqlErrorKind* kind)
{
    if (t_pipes.empty())
        return true;
    PGconn* conn = pgHandle(db);
    if (!conn)
        return true;
    drainDeferred(conn);
    PgPipe* p = pipeOf(conn);
    if (!p)
        return true;
    const bool failed = p->failed;
    if (failed) {
        if (error)
            *error = p->error;
        if (kind)
            *kind = p->kind;
    }
    t_pipes.erase(conn);
    return !failed;
}

bool SqlStatement::pgNext()
{
    Pg& pg = *m_pg;
    if (!pg.result) {
        if (pg.prefetchSent && pgTakePrefetched()) {
            if (m_failed)
                return false;
        } else if (!pgExecute()) {
            return false;
        }
        pg.row = 0;
    } else {
        ++pg.row;
    }
    if (pg.row < pg.rows)
        return true;
    pg.clearResult(); // the next call runs the statement again, as sqlite3_step does after SQLITE_DONE
    return false;
}

// The rows of this statement's prefetch() as its result, when it was sent with the parameters bound now: true when
// taken (or when waiting for them reported a deferred failure: m_failed), false to run the statement instead.
bool SqlStatement::pgTakePrefetched()
{
    Pg& pg = *m_pg;
    pg.prefetchSent = false;
    if (!pg.prefetched) { // not read yet: read the pipeline now (one round trip for everything sent before)
        drainDeferred(pg.conn);
        if (PgPipe* p = pipeOf(pg.conn); p && p->failed) {
            m_failed = true;
            m_errorKind = p->kind;
            m_error = p->error;
            t_pipes.erase(pg.conn);
            PQclear(pg.prefetched);
            pg.prefetched = nullptr;
            return true;
        }
    }
    bool same = pg.prefetched && pg.prefetchNull == pg.null;
    for (size_t i = 0; same && i < pg.values.size(); ++i)
        same = pg.null[i] || pg.values[i] == pg.prefetchValues[i];
    if (!same) {
        PQclear(pg.prefetched);
        pg.prefetched = nullptr;
        return false;
    }
    pg.result = pg.prefetched;
    pg.prefetched = nullptr;
    pg.rows = PQntuples(pg.result);
    m_failed = false;
    return true;
}

bool SqlStatement::prefetch()
{
    if (!m_pg) [[likely]]
        return true; // SQLite: next() runs it
    Pg& pg = *m_pg;
    pg.clearResult();
    PQclear(pg.prefetched); // (a prefetch still in the pipeline delivers before this one: pipelines keep order)
    pg.prefetched = nullptr;
    pg.prefetchSent = false;
    if (PQpipelineStatus(pg.conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(pg.conn) != 1)
        return true; // the connection is busy: next() runs it
    for (size_t i = 0; i < pg.pointers.size(); ++i)
        pg.pointers[i] = pg.null[i] ? nullptr : pg.values[i].c_str();
    if (PQsendQueryPrepared(
            pg.conn, pg.name.c_str(), pg.nParams, pg.pointers.data(), pg.lengths.data(), pg.formats.data(), 0)
        != 1) {
        pgFail(nullptr, "cannot send to the server");
        return false;
    }
    pg.prefetchValues = pg.values;
    pg.prefetchNull = pg.null;
    pg.prefetchSent = true;
    PgPipe& p = t_pipes[pg.conn];
    p.sent.push_back({ &pg.sql, &pg.prefetched });
    if (p.sent.size() >= kMaxDeferred)
        drainDeferred(pg.conn);
    m_failed = false;
    return true;
}

void SqlStatement::dropPrefetch()
{
    if (!m_pg) [[likely]]
        return;
    m_pg->prefetchSent = false;
    PQclear(m_pg->prefetched);
    m_pg->prefetched = nullptr;
}

void SqlStatement::pgFail(const void* result, const char* fallback)
{
    m_failed = true;
    m_error = pgErrorText(static_cast<const PGresult*>(result), m_pg->conn, fallback, m_pg->sql, &m_errorKind);
}

// ---- reading -------------------------------------------------------------------------------------------------------

std::int64_t SqlStatement::int64(int column) const
{
    if (m_pg) [[unlikely]] {
        const std::string_view v = text(column);
        if (v == "t")
            return 1;
        if (v == "f")
            return 0;
        std::int64_t value = 0;
        std::from_chars(v.data(), v.data() + v.size(), value);
        return value;
    }
    return sqlite3_column_int64(m_stmt, column);
}

std::string_view SqlStatement::text(int column) const
{
    if (m_pg) [[unlikely]] {
        const Pg& pg = *m_pg;
        if (!pg.result || pg.row < 0 || pg.row >= pg.rows || column < 0 || column >= PQnfields(pg.result))
            return {};
        const char* p = PQgetvalue(pg.result, pg.row, column);
        const auto len = static_cast<size_t>(PQgetlength(pg.result, pg.row, column));
        if (PQftype(pg.result, column) != kByteaOid)
            return { p, len };
        const auto c = static_cast<size_t>(column);
        if (pg.decoded.size() <= c) {
            pg.decoded.resize(c + 1);
            pg.decodedRow.resize(c + 1, -1);
        }
        std::string& out = pg.decoded[c];
        if (pg.decodedRow[c] != pg.row) {
            // bytea in text format: hex ("\x...") or escape (QPSQL sets bytea_output to escape on its connections).
            size_t n = 0;
            unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(p), &n);
            out.assign(reinterpret_cast<const char*>(bytes), bytes ? n : 0);
            PQfreemem(bytes);
            pg.decodedRow[c] = pg.row;
        }
        return out;
    }
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
}

bool SqlStatement::isNull(int column) const
{
    if (m_pg) [[unlikely]] {
        const Pg& pg = *m_pg;
        return !pg.result || pg.row < 0 || pg.row >= pg.rows || column < 0 || column >= PQnfields(pg.result)
            || PQgetisnull(pg.result, pg.row, column);
    }
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

QString SqlStatement::error() const
{
    return m_error;
}

} // namespace mdsync
