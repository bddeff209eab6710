#pragma once

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>

class QLockFile;
class QSqlQuery;

namespace mdsync {

// One SQLite workspace file (WAL). A read-write Workspace is the single writer: it holds a lock file
// beside the database for its lifetime, so a second writer (another process or thread) is refused with a
// message that names the holder. Read-only Workspaces can be opened any number of times beside it.
// A Workspace (and its connection) belongs to the thread that opened it.
class Workspace
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    static constexpr int kSchemaVersion = 5;
    // SQLite's application_id of a workspace file: "MDSY" (0x4D445359), set when the file is created.
    static constexpr int kApplicationId = 0x4D445359;

    // Creates a new workspace file (refuses an existing non-empty file) and migrates it to the latest schema.
    static Result<std::unique_ptr<Workspace>> create(const QString& path);
    // Opens an existing workspace; ReadWrite migrates an older schema forward, ReadOnly refuses one.
    static Result<std::unique_ptr<Workspace>> open(const QString& path, Mode mode);

    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    QSqlDatabase& db() { return m_db; }
    const QString& path() const { return m_path; }
    Mode mode() const { return m_mode; }
    int schemaVersion() const;

    // Runs one statement (no result rows); the error names the statement's first words.
    Result<void> exec(const QString& sql);
    // Transactions on the writer connection; they nest (inner ones are savepoints, committed or rolled back
    // with the outermost). commit() reports the SQLite error.
    Result<void> begin();
    Result<void> commit();
    void rollback();
    bool inTransaction() const;

    QString meta(const QString& key, const QString& fallback = {}) const;
    // The workspace's random instance id (schema 5): part of every idempotency key, shown by overview and
    // written into export manifests.
    QString instanceId() const { return meta(QStringLiteral("instance_id")); }
    Result<void> setMeta(const QString& key, const QString& value);

private:
    Workspace() = default;
    static Result<std::unique_ptr<Workspace>> openConnection(const QString& path, Mode mode, bool creating);
    Result<void> migrate();

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    Mode m_mode = Mode::ReadOnly;
    std::unique_ptr<QLockFile> m_lock;
    int m_txDepth = 0;
};

// Formats a failed query's error for a message: "<what>: <driver text> (<sqlite text>)".
QString sqlError(const QSqlQuery& query, const QString& what);
// Executes a prepared query; the error is sqlError(query, what).
Result<void> execPrepared(QSqlQuery& query, const QString& what);

} // namespace mdsync
