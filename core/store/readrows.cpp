#include "store/readrows.h"

namespace mdsync::read {

QString idList(const std::vector<qint64>& ids)
{
    QString s;
    s.reserve(static_cast<qsizetype>(ids.size()) * 8);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            s += QLatin1Char(',');
        s += QString::number(ids[i]);
    }
    return s;
}

} // namespace mdsync::read
