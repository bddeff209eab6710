#include "store/backup.h"

#include "store/sqlstatement.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>
#include <QThread>

#include <sqlite3.h>

#include <map>

namespace mdsync {

namespace {

QString sqliteMessage(sqlite3* db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// The destination connection, closed on every path out.
struct Destination
{
    sqlite3* db = nullptr;
    ~Destination()
    {
        if (db)
            sqlite3_close(db);
    }
};

bool hasNull(sqlite3* db, const QString& table, const QString& column)
{
    const QByteArray sql
        = QStringLiteral("SELECT 1 FROM \"%1\" WHERE \"%2\" IS NULL LIMIT 1").arg(table, column).toUtf8();
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, sql.constData(), -1, &q, nullptr) != SQLITE_OK)
        return true; // cannot tell: keep the complaint
    const bool found = sqlite3_step(q) == SQLITE_ROW;
    sqlite3_finalize(q);
    return found;
}

// PRAGMA integrity_check's complaints, empty when the database is sound. A "NULL value in T.C" is kept only if a
// NULL is really there: SQLite 3.40 reports one for every row of a WITHOUT ROWID table whose non-key NOT NULL
// column sits between key columns (object_ref before schema 6).
QString integrityProblems(sqlite3* db)
{
    static const QRegularExpression notNull(QStringLiteral("^NULL value in (\\w+)\\.(\\w+)$"));
    sqlite3_stmt* check = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, nullptr) != SQLITE_OK)
        return QStringLiteral("integrity_check could not run: ") + sqliteMessage(db);
    QStringList problems;
    std::map<QString, bool> checked; // "T.C" -> a NULL is really there
    while (sqlite3_step(check) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
        const QString line = QString::fromUtf8(text ? text : "?");
        if (line == QLatin1String("ok"))
            continue;
        if (const auto m = notNull.match(line); m.hasMatch()) {
            const QString key = m.captured(1) + QLatin1Char('.') + m.captured(2);
            auto it = checked.find(key);
            if (it == checked.end())
                it = checked.emplace(key, hasNull(db, m.captured(1), m.captured(2))).first;
            if (!it->second)
                continue;
        }
        problems << line;
    }
    sqlite3_finalize(check);
    return problems.join(QStringLiteral("; "));
}

} // namespace

Result<BackupSummary> backupWorkspace(Workspace& ws, const QString& destination, int restarts)
{
    if (destination.isEmpty())
        return makeError(QStringLiteral("backup: no destination file given"));
    if (ws.isPostgres())
        return makeError(QStringLiteral("backup: %1 is a PostgreSQL workspace: back it up with the database's own "
                                        "tools while it runs, e.g. pg_dump -Fc -f FILE DBNAME, and restore with "
                                        "pg_restore -d NEWDB FILE (docs/DEPLOYMENT.md \"Backup and restore\")")
                             .arg(ws.path()));
    if (QFileInfo::exists(destination))
        return makeError(QStringLiteral("backup: %1 exists already; a backup never replaces a file (choose a new name)")
                             .arg(destination));
    if (QFileInfo(destination).absoluteFilePath() == QFileInfo(ws.path()).absoluteFilePath())
        return makeError(QStringLiteral("backup: the destination is the workspace itself"));
    sqlite3* source = sqliteHandle(ws.db());
    if (!source)
        return makeError(QStringLiteral("backup: %1 is not an open workspace file").arg(ws.path()));

    const QString partial = destination + QStringLiteral(".partial");
    QFile::remove(partial); // a leftover of an interrupted backup of ours
    QElapsedTimer timer;
    timer.start();
    BackupSummary out;
    out.file = destination;
    {
        Destination dest;
        if (sqlite3_open_v2(partial.toUtf8().constData(), &dest.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
            != SQLITE_OK)
            return makeError(QStringLiteral("backup: cannot create %1: %2").arg(partial, sqliteMessage(dest.db)));
        sqlite3_backup* b = sqlite3_backup_init(dest.db, "main", source, "main");
        if (!b)
            return makeError(QStringLiteral("backup: cannot start: %1").arg(sqliteMessage(dest.db)));
        // Steps of 256 pages (1 MiB at 4 KiB pages) let the core's writer commit between them; a commit restarts
        // the copy, which the remaining pages count shows.
        int rc = SQLITE_OK;
        int lastRemaining = -1;
        int busyWaits = 0;
        while (true) {
            rc = sqlite3_backup_step(b, 256);
            const int remaining = sqlite3_backup_remaining(b);
            if (lastRemaining >= 0 && remaining > lastRemaining)
                ++out.restarts;
            lastRemaining = remaining;
            if (rc == SQLITE_DONE)
                break;
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
                if (++busyWaits > 600) // 30 s of a locked source
                    break;
                QThread::msleep(50);
                continue;
            }
            if (rc != SQLITE_OK || out.restarts > restarts)
                break;
        }
        out.pages = sqlite3_backup_pagecount(b);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            const QString why = out.restarts > restarts
                ? QStringLiteral("the workspace changed during the copy %1 times; try again when it is quieter")
                      .arg(out.restarts)
                : rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? QStringLiteral("the workspace stayed locked for 30 s")
                                                           : sqliteMessage(dest.db);
            sqlite3_close(dest.db);
            dest.db = nullptr;
            QFile::remove(partial);
            return makeError(QStringLiteral("backup of %1 failed: %2").arg(ws.path(), why));
        }
        // The copy must be a sound database before it is called a backup.
        const QString verdict = integrityProblems(dest.db);
        if (!verdict.isEmpty()) {
            sqlite3_close(dest.db);
            dest.db = nullptr;
            QFile::remove(partial);
            return makeError(QStringLiteral("backup of %1: the copy failed its integrity check (%2)")
                                 .arg(ws.path(), verdict.left(300)));
        }
    }
    // The copy's connection is closed: SQLite has checkpointed and removed its WAL.
    if (!QFile::rename(partial, destination)) {
        QFile::remove(partial);
        return makeError(QStringLiteral("backup: cannot rename %1 to %2").arg(partial, destination));
    }
    out.bytes = QFileInfo(destination).size();
    out.ms = timer.elapsed();
    return out;
}

} // namespace mdsync
