#include "store/livestatus.h"

#include "store/exceptionstatus.h"

#include <QSqlQuery>
#include <QVariant>

namespace mdsync {

std::int64_t LiveStatus::openExceptions() const
{
    std::int64_t n = 0;
    for (const auto& [category, count] : exceptions)
        n += count;
    return n;
}

std::int64_t LiveStatus::deliveriesIn(const std::string& status) const
{
    const auto it = deliveries.find(status);
    return it == deliveries.end() ? 0 : it->second;
}

nlohmann::json LiveStatus::toJson() const
{
    nlohmann::json j = { { "deliveries", nlohmann::json::object() }, { "exceptions", nlohmann::json::object() } };
    for (const auto& [status, n] : deliveries)
        j["deliveries"][status] = n;
    for (const auto& [category, n] : exceptions)
        j["exceptions"][category] = n;
    return j;
}

namespace read {

LiveStatus liveStatus(const QSqlDatabase& db)
{
    LiveStatus s;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("SELECT status, sum(n) FROM delivery_counter GROUP BY status HAVING sum(n) <> 0")))
        while (q.next())
            s.deliveries[q.value(0).toString().toStdString()] = q.value(1).toLongLong();
    if (q.exec(QStringLiteral("SELECT category, sum(n) FROM exception_counter WHERE status NOT IN ")
            + QString::fromStdString(sqlClosedExceptionStatuses())
            + QStringLiteral(" GROUP BY category HAVING sum(n) <> 0")))
        while (q.next())
            s.exceptions[q.value(0).toString().toStdString()] = q.value(1).toLongLong();
    return s;
}

} // namespace read
} // namespace mdsync
