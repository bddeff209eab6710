#include "connectors/tryton/trytonserver.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace mdsync {

LocalTrytonServer::LocalTrytonServer() = default;

LocalTrytonServer::~LocalTrytonServer()
{
    stop();
}

QString LocalTrytonServer::findScript()
{
    const QString rel = QStringLiteral("tests/tryton/tryton-env.sh");
    if (const QString env = qEnvironmentVariable("MDSYNC_TRYTON_ENV"); !env.isEmpty())
        return QFileInfo(env).isFile() ? env : QString();
    if (const QString src = qEnvironmentVariable("MDSYNC_SOURCE_DIR"); !src.isEmpty())
        if (QFileInfo(QDir(src).filePath(rel)).isFile())
            return QDir(src).filePath(rel);
    // Installed: <prefix>/bin/mdsyncctl and <prefix>/lib/mdsync/tryton-env.sh (installer/CMakeLists.txt).
    const QString installed
        = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../lib/mdsync/tryton-env.sh"));
    if (QFileInfo(installed).isFile())
        return QDir::cleanPath(installed);
    QDir d(QCoreApplication::applicationDirPath());
    for (int i = 0; i < 6; ++i) {
        if (QFileInfo(d.filePath(rel)).isFile())
            return d.filePath(rel);
        if (!d.cdUp())
            break;
    }
    return {};
}

bool LocalTrytonServer::installed()
{
    return !QStandardPaths::findExecutable(QStringLiteral("trytond")).isEmpty();
}

Result<QString> LocalTrytonServer::runScript(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("bash"), QStringList { m_script } + args);
    if (!p.waitForStarted(10000))
        return makeError(QStringLiteral("cannot run %1: %2").arg(m_script, p.errorString()));
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        return makeError(QStringLiteral("%1 %2 did not finish within %3 s")
                             .arg(m_script, args.join(QLatin1Char(' ')))
                             .arg(timeoutMs / 1000));
    }
    const QString output = QString::fromLocal8Bit(p.readAll()).trimmed();
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return makeError(
            QStringLiteral("%1 %2 failed: %3").arg(m_script, args.join(QLatin1Char(' ')), output.right(600)));
    return output;
}

Result<void> LocalTrytonServer::start(int timeoutMs)
{
    if (!installed())
        return makeError(QStringLiteral("Tryton is not installed (trytond is not on the PATH; "
                                        "tests/tryton/tryton-env.sh install installs it)"));
    m_script = findScript();
    if (m_script.isEmpty())
        return makeError(QStringLiteral("tests/tryton/tryton-env.sh not found (set MDSYNC_TRYTON_ENV to its path)"));
    m_dir = std::make_unique<QTemporaryDir>(QDir::temp().filePath(QStringLiteral("mdsync-tryton-XXXXXX")));
    if (!m_dir->isValid())
        return makeError(QStringLiteral("cannot create a temporary directory for Tryton"));
    if (auto r = runScript({ QStringLiteral("serve"), m_dir->path() }, timeoutMs); !r)
        return makeError(r.error());
    QFile portFile(m_dir->filePath(QStringLiteral("port")));
    if (!portFile.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("tryton-env.sh serve wrote no port file in %1").arg(m_dir->path()));
    m_port = portFile.readAll().trimmed().toInt();
    if (m_port <= 0)
        return makeError(QStringLiteral("tryton-env.sh serve wrote no valid port in %1").arg(m_dir->path()));
    return {};
}

Result<void> LocalTrytonServer::newDatabase(const QString& name)
{
    if (!m_dir)
        return makeError(QStringLiteral("the Tryton server is not started"));
    if (auto r = runScript({ QStringLiteral("newdb"), m_dir->path(), name }, 30000); !r)
        return makeError(r.error());
    return {};
}

void LocalTrytonServer::stop()
{
    if (!m_dir || m_script.isEmpty())
        return;
    (void)runScript({ QStringLiteral("stop"), m_dir->path() }, 15000);
    m_port = 0;
    m_dir.reset();
}

} // namespace mdsync
