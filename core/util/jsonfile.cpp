#include "util/jsonfile.h"

#include <QFile>
#include <QSaveFile>

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

Result<void> writeJsonFile(const QString& path, const nlohmann::json& doc, int indent)
{
    const std::string text = doc.dump(indent) + '\n';
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) < 0 || !f.commit())
        return makeError(QStringLiteral("%1: cannot write: %2").arg(f.fileName(), f.errorString()));
    return {};
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
