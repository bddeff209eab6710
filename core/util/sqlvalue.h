#pragma once

// Conversions between std::string / integers and the QString / QVariant values QSqlQuery binds and returns.

#include <QString>
#include <QVariant>

#include <cstdint>
#include <string>

namespace mdsync {

inline QString sqlText(const std::string& s)
{
    return QString::fromStdString(s);
}

inline QVariant sqlInt(std::int64_t v)
{
    return QVariant::fromValue<qlonglong>(v);
}

inline std::string stdText(const QVariant& v)
{
    return v.toString().toStdString();
}

} // namespace mdsync
