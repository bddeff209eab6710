#include "store/sqlstatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace mdsync {

sqlite3* sqliteHandle(const QSqlDatabase& db)
{
    if (!db.isOpen() || !db.driver())
        return nullptr;
    const QVariant v = db.driver()->handle();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(v.data());
}

SqlStatement::~SqlStatement()
{
    sqlite3_finalize(m_stmt);
}

bool SqlStatement::prepare(sqlite3* db, std::string_view sql)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    m_db = db;
    if (!db) {
        m_error = QStringLiteral("no SQLite connection");
        return false;
    }
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
        != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(db)) + QStringLiteral(" [")
            + QString::fromUtf8(sql.data(), static_cast<qsizetype>(std::min<size_t>(sql.size(), 80)))
            + QStringLiteral("]");
        return false;
    }
    return true;
}

void SqlStatement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index + 1, value);
}

void SqlStatement::bind(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index + 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
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
    sqlite3_bind_null(m_stmt, index + 1);
}

void SqlStatement::bindBlob(int index, std::string_view bytes)
{
    sqlite3_bind_blob64(m_stmt, index + 1, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
}

bool SqlStatement::exec()
{
    const int rc = sqlite3_step(m_stmt);
    m_failed = rc != SQLITE_DONE && rc != SQLITE_ROW;
    if (m_failed)
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db)) + QStringLiteral(" [")
            + QString::fromUtf8(sqlite3_sql(m_stmt)).left(80) + QStringLiteral("]");
    sqlite3_reset(m_stmt);
    return !m_failed;
}

bool SqlStatement::next()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    m_failed = rc != SQLITE_DONE;
    if (m_failed)
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db)) + QStringLiteral(" [")
            + QString::fromUtf8(sqlite3_sql(m_stmt)).left(80) + QStringLiteral("]");
    return false;
}

void SqlStatement::reset()
{
    sqlite3_reset(m_stmt);
}

std::int64_t SqlStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

std::string_view SqlStatement::text(int column) const
{
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
}

bool SqlStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

QString SqlStatement::error() const
{
    return m_error;
}

std::int64_t SqlStatement::lastInsertId() const
{
    return sqlite3_last_insert_rowid(m_db);
}

} // namespace mdsync
