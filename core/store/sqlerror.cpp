#include "store/sqlerror.h"

#include "store/sqlstatement.h"

#include <QSqlError>
#include <QSqlQuery>

namespace mdsync::store {

SqlError SqlError::of(const QSqlQuery& query, const QString& purpose)
{
    QString text = query.lastError().text();
    const QString sql = query.lastQuery().simplified();
    if (!sql.isEmpty())
        text += QStringLiteral(" [") + sql.left(80) + QStringLiteral("]");
    return { purpose, text };
}

SqlError SqlError::of(const SqlStatement& statement, const QString& purpose)
{
    return { purpose, statement.error() };
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
