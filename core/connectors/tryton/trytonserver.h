#pragma once

// A Tryton server on 127.0.0.1 for `mdsyncctl demo --tryton` and bench_tryton: started with
// `tests/tryton/tryton-env.sh serve DIR` into a temporary directory (the template database is cached per machine),
// stopped by PID when the object goes away. Never installs anything (docs/TRYTON.md, "Setup").

#include "util/result.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace mdsync {

class LocalTrytonServer
{
public:
    LocalTrytonServer();
    ~LocalTrytonServer(); // stops the server
    LocalTrytonServer(const LocalTrytonServer&) = delete;
    LocalTrytonServer& operator=(const LocalTrytonServer&) = delete;

    // tryton-env.sh: $MDSYNC_TRYTON_ENV, else $MDSYNC_SOURCE_DIR/tests/tryton/, else ../lib/mdsync/ next to the
    // installed binary, else tests/tryton/ in a parent
    // directory of the running program (a build tree inside the source tree). Empty when not found.
    static QString findScript();
    // Whether trytond is on the PATH.
    static bool installed();

    // Starts the server (template made on first use, about 35 s; then a few seconds). Errors say what is missing.
    Result<void> start(int timeoutMs = 240000);
    // A fresh database (a copy of the template) named `name`; the server picks it up by itself.
    Result<void> newDatabase(const QString& name);
    void stop();

    int port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    QString dir() const { return m_dir ? m_dir->path() : QString(); }

private:
    Result<QString> runScript(const QStringList& args, int timeoutMs);

    QString m_script;
    std::unique_ptr<QTemporaryDir> m_dir;
    int m_port = 0;
};

} // namespace mdsync
