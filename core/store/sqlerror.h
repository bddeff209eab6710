#pragma once

#include "store/sqlstatement.h"
#include "util/result.h"

#include <QString>

class QSqlError;
class QSqlQuery;

namespace mdsync::store {

// The kind of a QtSql error, on either backend: QPSQL's native code is the SQLSTATE (23505, 40001, 40P01),
// QSQLITE's the SQLite result code (19 with "UNIQUE constraint failed", 2067, 1555; 5 and 517 busy; 6 locked).
SqlErrorKind classify(const QSqlError& error);

// A failed SQL statement, thrown inside a unit of work and turned into an Error (a message) where the unit ends,
// after its transaction or savepoint was rolled back. It keeps what the statement was for ("insert deliveries",
// "lineage") and the driver's text verbatim (SQLite's message, with the start of the statement).
class SqlError
{
public:
    SqlError(QString purpose, QString driverText, SqlErrorKind kind = SqlErrorKind::Other)
        : m_purpose(std::move(purpose))
        , m_driverText(std::move(driverText))
        , m_kind(kind)
    { }

    // From a failed QSqlQuery: the driver text is the query's error with the start of the statement.
    static SqlError of(const QSqlQuery& query, const QString& purpose);
    // From a failed SqlStatement (its error() already names the start of the statement).
    static SqlError of(const SqlStatement& statement, const QString& purpose);

    const QString& purpose() const { return m_purpose; }
    const QString& driverText() const { return m_driverText; }
    SqlErrorKind kind() const { return m_kind; }
    bool isUniqueViolation() const { return m_kind == SqlErrorKind::UniqueViolation; }
    // A serialization failure or a deadlock: running the whole unit of work again may succeed.
    bool isRetryable() const
    {
        return m_kind == SqlErrorKind::SerializationFailure || m_kind == SqlErrorKind::Deadlock;
    }
    // "<purpose>: <driver text>" (either part alone when the other is empty).
    QString message() const;
    Error error() const { return makeError(message()); }

private:
    QString m_purpose;
    QString m_driverText;
    SqlErrorKind m_kind = SqlErrorKind::Other;
};

} // namespace mdsync::store
