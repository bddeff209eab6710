#pragma once

#include "util/result.h"

#include <QString>

class QSqlQuery;

namespace mdsync {

class SqlStatement;

namespace store {

// A failed SQL statement, thrown inside a unit of work and turned into an Error (a message) where the unit ends,
// after its transaction or savepoint was rolled back. It keeps what the statement was for ("insert deliveries",
// "lineage") and the driver's text verbatim (SQLite's message, with the start of the statement).
class SqlError
{
public:
    SqlError(QString purpose, QString driverText)
        : m_purpose(std::move(purpose))
        , m_driverText(std::move(driverText))
    { }

    // From a failed QSqlQuery: the driver text is the query's error with the start of the statement.
    static SqlError of(const QSqlQuery& query, const QString& purpose);
    // From a failed SqlStatement (its error() already names the start of the statement).
    static SqlError of(const SqlStatement& statement, const QString& purpose);

    const QString& purpose() const { return m_purpose; }
    const QString& driverText() const { return m_driverText; }
    // "<purpose>: <driver text>" (either part alone when the other is empty).
    QString message() const;
    Error error() const { return makeError(message()); }

private:
    QString m_purpose;
    QString m_driverText;
};

} // namespace store
} // namespace mdsync
