#include "store/workspace.h"

#include "store/outbox.h"
#include "store/pgschema.h"
#include "store/schema.h"
#include "store/sqlerror.h"
#include "store/sqlstatement.h"
#include "store/walcheckpointer.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringBuilder>
#include <QStringList>
#include <QThread>

#include <algorithm>

namespace mdsync {

namespace {

QAtomicInteger<quint64> s_connectionCounter;

QString lockPath(const QString& dbPath)
{
    return dbPath + QStringLiteral(".lock");
}

} // namespace

QString sqlError(const QSqlQuery& query, const QString& what)
{
    return store::SqlError::of(query, what).message();
}

Result<void> execPrepared(QSqlQuery& query, const QString& what)
{
    if (!query.exec())
        return makeError(sqlError(query, what));
    return {};
}

int Workspace::latestSchemaVersion(Backend backend)
{
    return backend == Backend::Postgres ? static_cast<int>(pgschema::migrations().size()) : kSchemaVersion;
}

Result<std::unique_ptr<Workspace>> Workspace::create(const QString& location)
{
    auto loc = WorkspaceLocation::parse(location);
    if (!loc)
        return makeError(loc.error());
    return create(loc.value());
}

Result<std::unique_ptr<Workspace>> Workspace::open(const QString& location, Mode mode)
{
    auto loc = WorkspaceLocation::parse(location);
    if (!loc)
        return makeError(loc.error());
    return open(loc.value(), mode);
}

Result<std::unique_ptr<Workspace>> Workspace::create(const WorkspaceLocation& location)
{
    if (location.isPostgres())
        return openPostgres(location, Mode::ReadWrite, true);
    const QString& path = location.path;
    QFileInfo fi(path);
    if (fi.exists() && fi.size() > 0)
        return makeError(
            QStringLiteral("%1: a file already exists there; choose a new path or remove it first").arg(path));
    if (!fi.absoluteDir().exists())
        return makeError(QStringLiteral("%1: folder %2 does not exist").arg(path, fi.absolutePath()));
    return openConnection(path, Mode::ReadWrite, true);
}

Result<std::unique_ptr<Workspace>> Workspace::open(const WorkspaceLocation& location, Mode mode)
{
    if (location.isPostgres())
        return openPostgres(location, mode, false);
    const QString& path = location.path;
    if (!QFileInfo::exists(path))
        return makeError(QStringLiteral("%1: no workspace there (create one with 'mdsyncctl init')").arg(path));
    return openConnection(path, mode, false);
}

namespace {

// A libpq keyword value for Qt's QPSQL connect options (joined with ';', which parse() refuses in values).
QString conninfoValue(const QString& v)
{
    QString q = v;
    q.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    q.replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

} // namespace

Result<std::unique_ptr<Workspace>> Workspace::openPostgres(const WorkspaceLocation& location, Mode mode, bool creating)
{
    std::unique_ptr<Workspace> ws(new Workspace);
    const QString where = location.display();
    ws->m_owner = QThread::currentThread();
    ws->m_location = location;
    ws->m_path = where;
    ws->m_mode = mode;
    ws->m_connectionName = QStringLiteral("mdsync-ws-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    ws->m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), ws->m_connectionName);
    if (!ws->m_db.isValid())
        return makeError(QStringLiteral("%1: Qt's PostgreSQL driver (QPSQL) is not installed: install "
                                        "libqt6sql6-psql (installer/install-deps.sh)")
                             .arg(where));
    QStringList options;
    bool named = false;
    for (const auto& [key, value] : location.params) {
        if (key == QLatin1String("host"))
            ws->m_db.setHostName(value);
        else if (key == QLatin1String("port"))
            ws->m_db.setPort(value.toInt());
        else if (key == QLatin1String("dbname"))
            ws->m_db.setDatabaseName(value);
        else if (key == QLatin1String("user"))
            ws->m_db.setUserName(value);
        else
            options << key + QLatin1Char('=') + conninfoValue(value);
        named = named || key == QLatin1String("application_name");
    }
    if (!named)
        options << QStringLiteral("application_name=mdsync");
    // A password in memory (the GUI's field or keyring) if any; otherwise libpq's pgpass or service file.
    if (const QString password = location.password.isEmpty() ? sessionPassword(location) : location.password;
        !password.isEmpty())
        ws->m_db.setPassword(password);
    ws->m_db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!ws->m_db.open())
        return makeError(QStringLiteral("%1: cannot connect: %2").arg(where, ws->m_db.lastError().text().trimmed()));
    // Notices (e.g. "extension ... already exists") would go to stderr.
    if (auto r = ws->exec(QStringLiteral("SET client_min_messages = warning")); !r)
        return makeError(r.error());

    QSqlQuery q(ws->m_db);
    if (creating) {
        // Never take over a database that holds something: an MDSync workspace or anyone else's tables.
        if (!q.exec(QStringLiteral("SELECT n.nspname || '.' || c.relname FROM pg_class c"
                                   " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                   " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
                                   " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                                   " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
                                   " ORDER BY 1")))
            return makeError(sqlError(q, where));
        QStringList tables;
        while (q.next())
            tables << q.value(0).toString();
        if (!tables.isEmpty()) {
            if (pgschema::schemaVersion(ws->m_db) > 0)
                return makeError(QStringLiteral("%1: the database is not empty: it holds an MDSync workspace "
                                                "already (open it instead, or choose an empty database)")
                                     .arg(where));
            const qsizetype shown = std::min<qsizetype>(tables.size(), 5);
            return makeError(QStringLiteral("%1: the database is not empty: it holds %2 table(s) (%3%4); create the "
                                            "workspace in an empty database")
                                 .arg(where)
                                 .arg(tables.size())
                                 .arg(tables.mid(0, shown).join(QStringLiteral(", ")),
                                     tables.size() > shown ? QStringLiteral(", ...") : QString()));
        }
    } else {
        const int v = pgschema::schemaVersion(ws->m_db);
        if (v < 0)
            return makeError(QStringLiteral("%1: cannot read the schema version").arg(where));
        if (v == 0 || ws->meta(QStringLiteral("format")) != QLatin1String("mdsync-workspace"))
            return makeError(QStringLiteral("%1: not an MDSync workspace (no meta table with format "
                                            "mdsync-workspace; create one with 'mdsyncctl init')")
                                 .arg(where));
    }

    if (mode == Mode::ReadWrite) {
        if (auto r = ws->migrate(); !r)
            return makeError(r.error());
    } else {
        const int v = ws->schemaVersion();
        const int latest = latestSchemaVersion(Backend::Postgres);
        if (v != latest)
            return makeError(QStringLiteral("%1: schema version %2, this program reads version %3; open it once "
                                            "read-write to migrate")
                                 .arg(where)
                                 .arg(v)
                                 .arg(latest));
        if (auto r = ws->exec(QStringLiteral("SET default_transaction_read_only = on")); !r)
            return makeError(r.error());
    }
    return ws;
}

Result<std::unique_ptr<Workspace>> Workspace::openConnection(const QString& path, Mode mode, bool creating)
{
    std::unique_ptr<Workspace> ws(new Workspace);
    ws->m_owner = QThread::currentThread();
    ws->m_path = QFileInfo(path).absoluteFilePath();
    ws->m_location.path = ws->m_path;
    ws->m_mode = mode;

    if (mode == Mode::ReadWrite) {
        ws->m_lock = std::make_unique<QLockFile>(lockPath(ws->m_path));
        ws->m_lock->setStaleLockTime(0); // a lock whose process is gone is stale; a live one never is
        if (!ws->m_lock->tryLock(200)) {
            qint64 pid = 0;
            QString host;
            QString app;
            ws->m_lock->getLockInfo(&pid, &host, &app);
            if (ws->m_lock->error() == QLockFile::PermissionError)
                return makeError(QStringLiteral("%1: cannot create lock file %2 (permission denied)")
                                     .arg(path, lockPath(ws->m_path)));
            return makeError(QStringLiteral("%1: workspace is open for writing by %2 (pid %3 on %4); only one "
                                            "writer may run at a time")
                                 .arg(path, app.isEmpty() ? QStringLiteral("another process") : app)
                                 .arg(pid)
                                 .arg(host));
        }
    }

    ws->m_connectionName = QStringLiteral("mdsync-ws-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    ws->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), ws->m_connectionName);
    ws->m_db.setDatabaseName(ws->m_path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000");
    if (mode == Mode::ReadOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    ws->m_db.setConnectOptions(options);
    if (!ws->m_db.open())
        return makeError(QStringLiteral("%1: cannot open: %2").arg(path, ws->m_db.lastError().text()));

    // A file that is not SQLite fails at the first statement.
    {
        QSqlQuery q(ws->m_db);
        if (!q.exec(QStringLiteral("PRAGMA schema_version")))
            return makeError(QStringLiteral("%1: not a workspace file (%2)").arg(path, q.lastError().text()));
    }

    // Never change a file that is not ours: check before any pragma writes to it.
    if (!creating) {
        QSqlQuery q(ws->m_db);
        if (!q.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'format'")) || !q.next()
            || q.value(0).toString() != QLatin1String("mdsync-workspace"))
            return makeError(QStringLiteral("%1: not an MDSync workspace (no schema)").arg(path));
    }

    if (mode == Mode::ReadWrite) {
        // Page cache: 16 MB a read-write connection (a headless core has two or three; issue 16 asks for below
        // 150 MB through a million-event run). 64 MB did not make ingest at a million objects faster; pages it does
        // not hold come from the OS's file cache (docs/BENCHMARKS.md "Memory").
        for (const char* pragma : { "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                 "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16384" }) {
            if (auto r = ws->exec(QString::fromLatin1(pragma)); !r)
                return makeError(r.error());
        }
        // "MDSY": the file type's magic for desktop MIME detection (installer/linux/org.example.mdsync.xml).
        if (creating)
            if (auto r = ws->exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId)); !r)
                return makeError(r.error());
        if (auto r = ws->migrate(); !r)
            return makeError(r.error());
        auto checkpointer = WalCheckpointer::start(ws->m_path, sqliteHandle(ws->m_db));
        if (!checkpointer)
            return makeError(checkpointer.error());
        ws->m_checkpointer = std::move(checkpointer.value());
        // Descriptions queued by a writer outside a Workspace transaction are indexed now; when another process
        // holds the write lock, its next commit indexes them.
        ws->m_textQueue = true;
        if (const auto queued = ws->textQueued(); queued && queued.value() && ws->begin() && !ws->commit())
            ws->rollback();
    } else {
        const int v = ws->schemaVersion();
        if (v == 0)
            return makeError(QStringLiteral("%1: not an MDSync workspace (no schema)").arg(path));
        if (v != kSchemaVersion)
            return makeError(QStringLiteral("%1: schema version %2, this program reads version %3; open it once "
                                            "read-write to migrate")
                                 .arg(path)
                                 .arg(v)
                                 .arg(kSchemaVersion));
    }
    return ws;
}

Result<QString> Workspace::peekMeta(const QString& path, const QString& key)
{
    const QString name = QStringLiteral("mdsync-peek-%1").arg(s_connectionCounter.fetchAndAddRelaxed(1));
    QString error;
    QString value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            error = QStringLiteral("%1: cannot open: %2").arg(path, db.lastError().text());
        } else {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT key, value FROM meta WHERE key = 'format' OR key = ?"));
            q.addBindValue(key);
            bool isWorkspace = false;
            if (q.exec()) {
                while (q.next()) {
                    if (q.value(0).toString() == QLatin1String("format"))
                        isWorkspace = q.value(1).toString() == QLatin1String("mdsync-workspace");
                    if (q.value(0).toString() == key)
                        value = q.value(1).toString();
                }
            }
            if (!isWorkspace)
                error = QStringLiteral("%1: not an MDSync workspace").arg(path);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!error.isEmpty())
        return makeError(error);
    return value;
}

struct Workspace::Prepared
{
    SqlStatement begin, commit, textQueued, textRemove, textAdd, textDone;
};

Workspace::~Workspace()
{
    m_outbox.reset(); // its statements belong to the connection
    m_prepared.reset(); // so do these
    m_checkpointer.reset(); // its hook is on the connection; the connection's close then checkpoints what is left
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

int Workspace::schemaVersion() const
{
    if (isPostgres())
        return pgschema::schemaVersion(m_db);
    QSqlQuery q(m_db);
    if (q.exec(QStringLiteral("PRAGMA user_version")) && q.next())
        return q.value(0).toInt();
    return -1;
}

Result<void> Workspace::exec(const QString& sql)
{
    // The hot paths defer writes on PostgreSQL (SqlStatement::execDeferred): QtSql may use the connection only
    // after they are done, and a COMMIT must not end a transaction one of them failed in (it would roll it back).
    if (QString deferred; !SqlStatement::finishDeferred(m_db, &deferred))
        return makeError(QStringLiteral("%1: %2").arg(m_path, deferred));
    QSqlQuery q(m_db);
    if (!q.exec(sql))
        return makeError(sqlError(q, m_path));
    return {};
}

Workspace::Prepared& Workspace::prepared()
{
    if (!m_prepared)
        m_prepared = std::make_unique<Prepared>();
    return *m_prepared;
}

Result<void> Workspace::execOnce(SqlStatement& st, std::string_view sql)
{
    if (!st.isPrepared() && !st.prepare(m_db, sql))
        return makeError(QStringLiteral("%1: %2").arg(m_path, st.error()));
    if (!st.exec())
        return makeError(QStringLiteral("%1: %2").arg(m_path, st.error()));
    return {};
}

// Transactions nest: the outermost is BEGIN IMMEDIATE ... COMMIT, inner ones are savepoints, so that an action
// made of other actions (a correction that ingests a steward revision and closes an exception) stays one unit.
Result<void> Workspace::begin()
{
    Q_ASSERT_X(QThread::currentThread() == m_owner, "Workspace::begin",
        "a workspace is written only on the thread that opened it (docs/ARCHITECTURE.md, Threads)");
    if (m_txDepth == 0) {
        // SQLite: take the write lock now, not at the first write. PostgreSQL: row locks as rows are written.
        if (auto r = isPostgres() ? exec(QStringLiteral("BEGIN")) : execOnce(prepared().begin, "BEGIN IMMEDIATE"); !r)
            return r;
    } else if (auto r = exec(QStringLiteral("SAVEPOINT ws_nested_%1").arg(m_txDepth)); !r) {
        return r;
    }
    ++m_txDepth;
    return {};
}

Result<bool> Workspace::textQueued()
{
    if (!m_textQueue)
        return false;
    SqlStatement& any = prepared().textQueued;
    if (!any.isPrepared() && !any.prepare(m_db, "SELECT 1 FROM object_text_pending LIMIT 1"))
        return makeError(QStringLiteral("full-text index: ") + any.error());
    const bool queued = any.next();
    const QString error = any.failed() ? any.error() : QString();
    any.reset();
    if (!error.isEmpty())
        return makeError(QStringLiteral("full-text index: ") + error);
    return queued;
}

Result<void> Workspace::flushTextIndex()
{
    // One statement when nothing is queued (most commits: the dispatcher's outcomes, stewardship).
    auto queued = textQueued();
    if (!queued)
        return makeError(queued.error());
    if (!queued.value())
        return {};
    // `indexed` is the text the index holds for the object (NULL: not indexed yet): removed with exactly that text,
    // as FTS5's external content needs, then the current description is indexed.
    Prepared& p = prepared();
    for (const auto& [st, sql] :
        { std::pair<SqlStatement*, const char*> { &p.textRemove,
              "INSERT INTO object_text(object_text, rowid, description)"
              " SELECT 'delete', id, indexed FROM object_text_pending WHERE indexed IS NOT NULL" },
            { &p.textAdd,
                "INSERT INTO object_text(rowid, description)"
                " SELECT p.id, coalesce(o.description, '') FROM object_text_pending p JOIN object o ON o.id = p.id" },
            { &p.textDone, "DELETE FROM object_text_pending" } }) {
        if (auto r = execOnce(*st, sql); !r)
            return makeError(QStringLiteral("full-text index: ") + r.error());
    }
    return {};
}

Result<void> Workspace::commit()
{
    if (m_txDepth <= 1) {
        if (auto f = flushTextIndex(); !f)
            return f;
        auto r = isPostgres() ? exec(QStringLiteral("COMMIT")) : execOnce(prepared().commit, "COMMIT");
        if (r)
            m_txDepth = 0;
        return r;
    }
    // The depth goes down only when the savepoint is released: after a failure it is still open and a
    // rollback() (a Transaction's destructor) undoes it at the right level.
    if (auto r = exec(QStringLiteral("RELEASE ws_nested_%1").arg(m_txDepth - 1)); !r)
        return r;
    --m_txDepth;
    return {};
}

void Workspace::rollback()
{
    SqlStatement::finishDeferred(m_db); // whatever failed is undone now
    QSqlQuery q(m_db);
    if (m_txDepth <= 1) {
        q.exec(QStringLiteral("ROLLBACK"));
        m_txDepth = 0;
        return;
    }
    --m_txDepth;
    q.exec(QStringLiteral("ROLLBACK TO ws_nested_%1").arg(m_txDepth));
    q.exec(QStringLiteral("RELEASE ws_nested_%1").arg(m_txDepth));
}

bool Workspace::inTransaction() const
{
    return m_txDepth > 0;
}

Workspace::Transaction::Transaction(Workspace& ws)
    : m_ws(ws)
    , m_begun(ws.begin())
{ }

Workspace::Transaction::~Transaction()
{
    if (isActive())
        m_ws.rollback();
}

Result<void> Workspace::Transaction::commit()
{
    if (!m_begun)
        return m_begun;
    if (m_done)
        return makeError(QStringLiteral("%1: the transaction was already ended").arg(m_ws.path()));
    auto r = m_ws.commit();
    if (r)
        m_done = true;
    return r;
}

void Workspace::Transaction::rollback()
{
    if (!isActive())
        return;
    m_ws.rollback();
    m_done = true;
}

Outbox& Workspace::outbox()
{
    if (!m_outbox)
        m_outbox = std::make_unique<Outbox>(*this);
    return *m_outbox;
}

Result<void> Workspace::migrate()
{
    if (isPostgres())
        return pgschema::migrate(m_db, pgschema::migrations(), m_path);
    const auto& all = schema::migrations();
    int version = schemaVersion();
    if (version > static_cast<int>(all.size()))
        return makeError(QStringLiteral("%1: schema version %2 is newer than this program (%3); update MDSync")
                             .arg(m_path)
                             .arg(version)
                             .arg(all.size()));
    while (version < static_cast<int>(all.size())) {
        Transaction tx(*this);
        if (!tx)
            return tx.error();
        for (const QString& statement : all[static_cast<size_t>(version)]) {
            if (auto r = exec(statement); !r)
                return makeError(QStringLiteral("migration to schema %1 failed: %2").arg(version + 1).arg(r.error()));
        }
        if (auto r = exec(QStringLiteral("PRAGMA user_version = %1").arg(version + 1)); !r)
            return r;
        if (auto r = tx.commit(); !r)
            return r;
        ++version;
    }
    return {};
}

QString Workspace::meta(const QString& key, const QString& fallback) const
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    q.addBindValue(key);
    if (q.exec() && q.next())
        return q.value(0).toString();
    return fallback;
}

Result<QString> Workspace::sessionUser() const
{
    if (!isPostgres())
        return makeError(QStringLiteral("%1: a workspace file has no database login").arg(m_path));
    auto user = sessionUser(m_db);
    if (!user)
        return makeError(QStringLiteral("%1: %2").arg(m_path, user.error()));
    return user;
}

Result<QString> Workspace::sessionUser(const QSqlDatabase& db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT session_user")) || !q.next())
        return makeError(sqlError(q, QStringLiteral("session_user")));
    return q.value(0).toString();
}

Result<void> Workspace::setMeta(const QString& key, const QString& value)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    q.addBindValue(key);
    q.addBindValue(value);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("meta %1").arg(key)));
    return {};
}

} // namespace mdsync
