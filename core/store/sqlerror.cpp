#include "store/sqlerror.h"

#include "store/sqlstatement.h"

#include <QSqlError>
#include <QSqlQuery>

namespace mdsync::store {

SqlErrorKind classify(const QSqlError& error)
{
    if (error.type() == QSqlError::NoError)
        return SqlErrorKind::None;
    const QString code = error.nativeErrorCode();
    if (code == QLatin1String("23505") || code == QLatin1String("2067") || code == QLatin1String("1555"))
        return SqlErrorKind::UniqueViolation;
    if (code == QLatin1String("19")
        && (error.databaseText().contains(QLatin1String("UNIQUE constraint failed"))
            || error.databaseText().contains(QLatin1String("PRIMARY KEY"))))
        return SqlErrorKind::UniqueViolation;
    if (code == QLatin1String("40001") || code == QLatin1String("5") || code == QLatin1String("517"))
        return SqlErrorKind::SerializationFailure;
    if (code == QLatin1String("40P01") || code == QLatin1String("6"))
        return SqlErrorKind::Deadlock;
    return SqlErrorKind::Other;
}

SqlError SqlError::of(const QSqlQuery& query, const QString& purpose)
{
    QString text = query.lastError().text();
    const QString sql = query.lastQuery().simplified();
    if (!sql.isEmpty())
        text += QStringLiteral(" [") + sql.left(80) + QStringLiteral("]");
    return { purpose, text, classify(query.lastError()) };
}

SqlError SqlError::of(const SqlStatement& statement, const QString& purpose)
{
    return { purpose, statement.error(), statement.errorKind() };
}

QString SqlError::message() const
{
    if (m_purpose.isEmpty())
        return m_driverText;
    if (m_driverText.isEmpty())
        return m_purpose;
    return m_purpose + QStringLiteral(": ") + m_driverText;
}

} // namespace mdsync::store
