#pragma once

#include <QString>

#include <cstdint>
#include <string_view>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

namespace mdsync {

// The sqlite3 handle behind a QSQLITE connection (same library, same connection, same transaction).
// nullptr when the connection is not an open QSQLITE one.
sqlite3* sqliteHandle(const QSqlDatabase& db);

// A prepared statement on the raw SQLite handle, for the single writer's hot paths (the ingest pipeline):
// binding through QSqlQuery costs a QString::arg and a hash lookup per value, which dominated ingest.
// Indexes are 0-based like QSqlQuery's. Text is bound as UTF-8 and copied. Belongs to the connection's
// thread; must be destroyed before the connection is closed.
class SqlStatement
{
public:
    SqlStatement() = default;
    ~SqlStatement();
    SqlStatement(const SqlStatement&) = delete;
    SqlStatement& operator=(const SqlStatement&) = delete;

    bool prepare(sqlite3* db, std::string_view sql);
    bool isPrepared() const { return m_stmt != nullptr; }

    void bind(int index, std::int64_t value);
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    void bind(int index, std::string_view text);
    void bind(int index, const char* text) { bind(index, std::string_view(text)); }
    void bindOptional(int index, std::string_view text); // empty -> NULL
    void bindOptional(int index, std::int64_t id); // 0 -> NULL
    void bindNull(int index);
    void bindBlob(int index, std::string_view bytes);

    // Runs a statement that returns no rows, then resets it for the next use. False on error (see error()).
    bool exec();
    // Steps a query: true while a row is available. Call reset() (or exec()) when done with the rows.
    bool next();
    bool failed() const { return m_failed; }
    void reset();

    std::int64_t int64(int column) const;
    std::string_view text(int column) const;
    bool isNull(int column) const;

    // The SQLite error of the last exec()/next(), with the start of the statement.
    QString error() const;
    std::int64_t lastInsertId() const;

private:
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    bool m_failed = false;
    QString m_error;
};

} // namespace mdsync
