#include "util/jsonfile.h"

#include <QFile>

// Global scope: Q_INIT_RESOURCE declares a function of the global namespace.
static void initMdsyncData()
{
    Q_INIT_RESOURCE(mdsync_data);
}

namespace mdsync {

void ensureBuiltinResources()
{
    initMdsyncData();
}

Result<nlohmann::json> readJsonFile(const QString& path, const QString& origin)
{
    if (path.startsWith(QLatin1String(":/")))
        ensureBuiltinResources();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(origin + QStringLiteral(": cannot open: ") + file.errorString());
    const QByteArray bytes = file.readAll();
    try {
        return nlohmann::json::parse(bytes.constBegin(), bytes.constEnd());
    } catch (const nlohmann::json::parse_error& e) {
        return makeError(origin + QStringLiteral(": invalid JSON: ") + QString::fromUtf8(e.what()));
    }
}

} // namespace mdsync
