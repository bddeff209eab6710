#pragma once

// Where a benchmark run's workspace lives (--backend sqlite|postgres): a file in a temporary folder, or a fresh
// PostgreSQL database created and dropped through the superuser `postgres` of the libpq environment (run the
// benchmark inside `tests/pg/throwaway-pg.sh run -- ...`, a durable cluster). Exits 2 on a setup error.

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTemporaryDir>

#include <cstdlib>
#include <iostream>
#include <string>

namespace mdsync::bench {

inline bool g_postgres = false; // --backend postgres

// Where one run's workspace lives: a file in a temporary folder, or a fresh PostgreSQL database dropped at the end
// (declare it before the Workspace so that the connection closes first).
class BenchLocation
{
public:
    explicit BenchLocation(const QString& name)
    {
        if (!m_dir.isValid())
            fail("cannot create a temporary directory");
        if (!g_postgres) {
            m_location = m_dir.filePath(name + QStringLiteral(".mdsync"));
            return;
        }
        static int counter = 0;
        m_database = QStringLiteral("bench_%1_%2_%3").arg(name).arg(QCoreApplication::applicationPid()).arg(++counter);
        admin(QStringLiteral("CREATE DATABASE %1 OWNER %2").arg(m_database, owner()));
        m_location = QStringLiteral("postgresql:///") + m_database;
    }
    ~BenchLocation()
    {
        if (!m_database.isEmpty()) {
            admin(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_database));
        }
    }
    BenchLocation(const BenchLocation&) = delete;
    BenchLocation& operator=(const BenchLocation&) = delete;
    const QString& location() const { return m_location; }

private:
    [[noreturn]] static void fail(const std::string& message)
    {
        std::cerr << "bench: " << message << '\n';
        std::exit(2);
    }
    static QString owner()
    {
        const QByteArray user = qgetenv("PGUSER");
        return user.isEmpty() ? QStringLiteral("mdsync") : QString::fromLocal8Bit(user);
    }
    static void admin(const QString& sql)
    {
        const QString name = QStringLiteral("bench-admin");
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name)
                                                       : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        if (!db.isOpen()) {
            db.setDatabaseName(QStringLiteral("postgres"));
            db.setUserName(QStringLiteral("postgres"));
            if (!db.open())
                fail("--backend postgres: cannot connect as postgres to the database postgres (run inside "
                     "tests/pg/throwaway-pg.sh run -- ...): "
                    + db.lastError().text().toStdString());
        }
        QSqlQuery q(db);
        if (!q.exec(sql))
            fail(sql.toStdString() + ": " + q.lastError().text().toStdString());
    }
    QTemporaryDir m_dir;
    QString m_location;
    QString m_database;
};

} // namespace mdsync::bench
