#pragma once

#include "store/workspaceuri.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <memory>
#include <string_view>

class QLockFile;
class QSqlQuery;

class QThread;

namespace mdsync {

class Outbox;
class SqlStatement;
class WalCheckpointer;

// One workspace: a SQLite file (WAL) or a PostgreSQL database (store/workspaceuri.h, store/pgschema.h).
// SQLite: a read-write Workspace is the single writer: it holds a lock file beside the database for its
// lifetime, so a second writer (another process or thread) is refused with a message that names the holder.
// Read-only Workspaces can be opened any number of times beside it.
// PostgreSQL: a QPSQL connection (application_name mdsync); no lock file, the database arbitrates; a read-only
// Workspace's session is read-only (default_transaction_read_only).
// A Workspace (and its connection) belongs to the thread that opened it.
class Workspace
{
public:
    enum class Mode { ReadWrite, ReadOnly };
    using Backend = WorkspaceLocation::Backend;

    // The latest SQLite schema (PRAGMA user_version). PostgreSQL has its own list: latestSchemaVersion().
    static constexpr int kSchemaVersion = 15;
    // SQLite's application_id of a workspace file: "MDSY" (0x4D445359), set when the file is created.
    static constexpr int kApplicationId = 0x4D445359;
    static int latestSchemaVersion(Backend backend);

    // Creates a new workspace (refuses an existing non-empty file, or a database that holds any table) and
    // migrates it to the latest schema. `location` is a file path or a PostgreSQL location (workspaceuri.h).
    static Result<std::unique_ptr<Workspace>> create(const QString& location);
    static Result<std::unique_ptr<Workspace>> create(const WorkspaceLocation& location);
    // Opens an existing workspace; ReadWrite migrates an older schema forward, ReadOnly refuses one.
    static Result<std::unique_ptr<Workspace>> open(const QString& location, Mode mode);
    static Result<std::unique_ptr<Workspace>> open(const WorkspaceLocation& location, Mode mode);
    // One meta value of a workspace FILE, read without opening it as a workspace: any schema version, read-only, no
    // lock, nothing written. For a caller that must decide what an existing file is (the live demo replaces only a
    // previous demo workspace, also one an older MDSync made). Empty when the key is not set; an error when the
    // file cannot be read or is not an MDSync workspace.
    static Result<QString> peekMeta(const QString& path, const QString& key);

    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

    QSqlDatabase& db() { return m_db; }
    // SQLite: the absolute file path. PostgreSQL: the display form of the location (no password).
    const QString& path() const { return m_path; }
    Backend backend() const { return m_location.backend; }
    bool isPostgres() const { return m_location.isPostgres(); }
    // For messages and audit entries: the file path or the PostgreSQL location without secrets.
    QString location() const { return m_path; }
    Mode mode() const { return m_mode; }
    int schemaVersion() const;

    // Runs one statement (no result rows); the error names the statement's first words.
    Result<void> exec(const QString& sql);
    // Transactions on the writer connection; they nest (inner ones are savepoints, committed or rolled back
    // with the outermost). commit() reports the SQLite error. Prefer Transaction below, which cannot forget
    // the rollback; begin/commit/rollback remain for a unit of work that spans calls.
    Result<void> begin();
    Result<void> commit();
    void rollback();
    bool inTransaction() const;

    // One unit of work (after Akonadi's storage/transaction.h): begins in the constructor, commit() ends it,
    // and the destructor rolls it back unless it was committed, so every early return and every exception
    // undoes what the unit wrote. Nests like begin(): inside another transaction it is a savepoint.
    //     Workspace::Transaction tx(ws);
    //     if (!tx) return tx.error();
    //     ...write, return an error on failure...
    //     return tx.commit();
    class Transaction
    {
    public:
        explicit Transaction(Workspace& ws);
        ~Transaction();
        Transaction(const Transaction&) = delete;
        Transaction& operator=(const Transaction&) = delete;

        // False when BEGIN (or the SAVEPOINT) failed; error() says why.
        explicit operator bool() const { return m_begun.ok(); }
        Error error() const { return makeError(m_begun.error()); }
        // Commits (releases a savepoint); on failure the destructor rolls back. Returns the begin error when
        // the transaction never began.
        Result<void> commit();
        // Rolls back now (the destructor then does nothing).
        void rollback();
        bool isActive() const { return m_begun.ok() && !m_done; }

    private:
        Workspace& m_ws;
        Result<void> m_begun;
        bool m_done = false;
    };

    // The delivery ledger of this connection (created on first use, statements prepared once). Read-write only.
    Outbox& outbox();
    // A read-write SQLite workspace's WAL checkpoints run on a thread of their own (store/walcheckpointer.h); null
    // otherwise.
    const WalCheckpointer* walCheckpointer() const { return m_checkpointer.get(); }

    QString meta(const QString& key, const QString& fallback = {}) const;
    // The workspace's random instance id (schema 5): part of every idempotency key, shown by overview and
    // written into export manifests.
    QString instanceId() const { return meta(QStringLiteral("instance_id")); }
    Result<void> setMeta(const QString& key, const QString& value);
    // PostgreSQL: the login the server authenticated for this connection (SELECT session_user). SQLite: an error.
    Result<QString> sessionUser() const;
    // The same for any connection to a PostgreSQL workspace (the core's actor check has only the connection).
    static Result<QString> sessionUser(const QSqlDatabase& db);

private:
    Workspace() = default;
    static Result<std::unique_ptr<Workspace>> openConnection(const QString& path, Mode mode, bool creating);
    static Result<std::unique_ptr<Workspace>> openPostgres(const WorkspaceLocation& location, Mode mode, bool creating);
    Result<void> migrate();
    // SQLite: indexes the descriptions the triggers queued in object_text_pending (schema 14) into the FTS5 table
    // object_text, in the transaction that is about to commit (docs/BENCHMARKS.md "Full-text index per batch").
    Result<void> flushTextIndex();
    // Whether object_text_pending holds a row (false before schema 14 and on PostgreSQL).
    Result<bool> textQueued();
    // SQLite: runs one of the statements that transactions run (BEGIN IMMEDIATE, COMMIT, the full-text flush),
    // compiled once per connection instead of at every call (docs/BENCHMARKS.md "Statements compiled once").
    Result<void> execOnce(SqlStatement& st, std::string_view sql);

    QSqlDatabase m_db;
    QString m_connectionName;
    QString m_path;
    WorkspaceLocation m_location;
    Mode m_mode = Mode::ReadOnly;
    std::unique_ptr<QLockFile> m_lock;
    int m_txDepth = 0;
    bool m_textQueue = false; // SQLite at schema >= 14: object_text_pending exists
    QThread* m_owner = nullptr; // the thread that opened it: the only one that may write through it
    std::unique_ptr<Outbox> m_outbox; // destroyed before the connection closes
    struct Prepared; // the transaction statements of a SQLite connection; destroyed before it closes
    std::unique_ptr<Prepared> m_prepared;
    Prepared& prepared();
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite read-write; stopped before the connection closes
};

// Formats a failed query's error for a message: "<what>: <driver text> (<sqlite text>)".
QString sqlError(const QSqlQuery& query, const QString& what);
// Executes a prepared query; the error is sqlError(query, what).
Result<void> execPrepared(QSqlQuery& query, const QString& what);

} // namespace mdsync
