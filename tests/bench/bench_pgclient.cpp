// bench_pgclient: which PostgreSQL client the PostgreSQL workspace's write path should use (issue 15: "choose the
// client deliberately by measuring both on the ingest path"). Writes the raw outbox shape of an ingest — one
// revision row (1 KB JSON state) and one delivery row per subscriber (5), the two status indexes a dispatcher
// needs, a unique idempotency key, a foreign key — committed every 256 events, durably (the cluster runs with
// fsync and synchronous_commit on), through each candidate in the same run:
//
//   libpq-pipeline  libpq prepared statements in pipeline mode: the whole transaction sent without waiting for
//                   answers, one round trip per commit (the baseline: the fastest way to run these statements)
//   libpq-copy      COPY ... FROM STDIN into both tables, one per transaction
//   libpq-sync      libpq prepared statements, one round trip per row (what a plain client does)
//   qpsql           QtSql's QPSQL driver, QSqlQuery::prepare/exec per row
//   qpsql-multirow  QPSQL with one multi-row INSERT per table and transaction (the best QtSql can do)
//   qpsql+pipeline  QPSQL's connection and transaction, the inserts through its PGconn* (QSqlDriver::handle()) in
//                   pipeline mode: the store's design on SQLite (store/sqlstatement.h), carried over
//   sqlite-raw      for scale: the same rows into a SQLite file (WAL, synchronous=FULL) with raw prepared statements
//
// Every run starts from empty tables and checks the row counts afterwards. Figures are medians over --repeat runs
// (variants interleaved); ratios are against libpq-pipeline of the same run.
//
// Connection: libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE). Run it on a throwaway cluster:
//   tests/pg/throwaway-pg.sh run -- build/bench/tests/bench/bench_pgclient --events 20000 --repeat 3
// Usage: bench_pgclient [--events N] [--repeat R] [--txn EVENTS] [--only NAME[,NAME]] [--json]

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QTemporaryDir>
#include <QVariant>

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <poll.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int kTargets = 5;
const char* const kTargetIds[kTargets] = { "ERP", "MES-P100", "WMS-P100", "QMS", "MES-P200" };

struct Event
{
    std::string key;
    std::string eventId;
    std::string state; // ~1 KB of JSON
    std::string idemKeys[kTargets];
};

[[noreturn]] void die(int code, const std::string& message)
{
    std::cerr << "bench_pgclient: " << message << '\n';
    std::exit(code);
}

std::vector<Event> makeEvents(int n)
{
    std::vector<Event> events(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
        Event& e = events[static_cast<size_t>(i)];
        e.key = "MAT-" + std::to_string(100000 + i);
        e.eventId = "bench-" + std::to_string(i);
        nlohmann::json attrs = { { "description",
                                     "Hex bolt M" + std::to_string(6 + i % 20) + " x " + std::to_string(20 + i % 80)
                                         + " zinc plated, DIN 933, property class 8.8 \\ \"bulk\"" },
            { "base_uom", "EA" }, { "item_type", "purchased" }, { "lifecycle_state", "released" },
            { "material_group", "FASTENER" },
            { "net_weight", { { "value", 0.012 + i % 7 * 0.001 }, { "unit", "kg" } } },
            { "plants", { "P100", "P200" } }, { "manufacturer", "Acme Fasteners GmbH" },
            { "manufacturer_part_number", "AF-" + std::to_string(7000000 + i) }, { "hazardous", false },
            { "long_text", std::string(520, 'x') } };
        e.state = nlohmann::json { { "domain", "item" }, { "key", e.key }, { "attributes", attrs } }.dump();
        for (int t = 0; t < kTargets; ++t)
            e.idemKeys[t] = "ws-bench:item:" + e.key + ":1:" + kTargetIds[t] + ":v1";
    }
    return events;
}

// ---- libpq ---------------------------------------------------------------------------------------------------------

const char* const kPgSchema = R"(
DROP TABLE IF EXISTS delivery;
DROP TABLE IF EXISTS revision;
CREATE TABLE revision(id bigint PRIMARY KEY, object_key text NOT NULL, revision_no integer NOT NULL,
    source_system text NOT NULL, event_id text NOT NULL, occurred_at bigint NOT NULL, state text NOT NULL);
CREATE TABLE delivery(id bigint PRIMARY KEY, revision_id bigint NOT NULL REFERENCES revision(id),
    target_id text NOT NULL, status text NOT NULL, due_at bigint NOT NULL, idempotency_key text NOT NULL UNIQUE);
CREATE INDEX delivery_status_due ON delivery(status, due_at);
CREATE INDEX delivery_target_status ON delivery(target_id, status);
)";

const char* const kInsertRevision = "INSERT INTO revision(id, object_key, revision_no, source_system, event_id,"
                                    " occurred_at, state) VALUES ($1, $2, 1, 'PLM', $3, $4, $5)";
const char* const kInsertDelivery = "INSERT INTO delivery(id, revision_id, target_id, status, due_at, idempotency_key)"
                                    " VALUES ($1, $2, $3, 'pending', $4, $5)";

class Pg
{
public:
    Pg()
        : m_conn(PQconnectdb(""))
        , m_owned(true)
    {
        if (PQstatus(m_conn) != CONNECTION_OK)
            die(3, std::string("cannot connect to PostgreSQL (PGHOST etc.): ") + PQerrorMessage(m_conn));
    }
    explicit Pg(PGconn* borrowed) // a connection someone else (QPSQL) owns
        : m_conn(borrowed)
        , m_owned(false)
    { }
    ~Pg()
    {
        if (m_owned)
            PQfinish(m_conn);
    }
    Pg(const Pg&) = delete;
    Pg& operator=(const Pg&) = delete;
    PGconn* get() const { return m_conn; }

    void exec(const char* sql, ExecStatusType want = PGRES_COMMAND_OK) const
    {
        PGresult* r = PQexec(m_conn, sql);
        check(r, want, sql);
    }
    void check(PGresult* r, ExecStatusType want, const std::string& what) const
    {
        const ExecStatusType got = PQresultStatus(r);
        if (got != want) {
            const std::string message = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(what.substr(0, 60) + ": " + message);
        }
        PQclear(r);
    }
    long long count(const char* table) const
    {
        PGresult* r = PQexec(m_conn, (std::string("SELECT count(*) FROM ") + table).c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            PQclear(r);
            throw std::runtime_error(PQerrorMessage(m_conn));
        }
        const long long n = std::atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        return n;
    }

private:
    PGconn* m_conn;
    bool m_owned;
};

void pgReset()
{
    Pg pg;
    pg.exec("SET client_min_messages = warning");
    PGresult* r = PQexec(pg.get(), kPgSchema);
    pg.check(r, PGRES_COMMAND_OK, "schema");
}

void pgVerify(int n)
{
    Pg pg;
    const long long revisions = pg.count("revision");
    const long long deliveries = pg.count("delivery");
    if (revisions != n || deliveries != static_cast<long long>(n) * kTargets)
        throw std::runtime_error("row counts " + std::to_string(revisions) + "/" + std::to_string(deliveries)
            + ", expected " + std::to_string(n) + "/" + std::to_string(n * kTargets));
}

struct Params
{
    std::string text[5];
    const char* values[5] {};
};

// Sends one prepared statement per row, one round trip each.
void runLibpqSync(const std::vector<Event>& events, int txn)
{
    Pg pg;
    pg.check(PQprepare(pg.get(), "rev", kInsertRevision, 5, nullptr), PGRES_COMMAND_OK, "prepare rev");
    pg.check(PQprepare(pg.get(), "del", kInsertDelivery, 5, nullptr), PGRES_COMMAND_OK, "prepare del");
    long long deliveryId = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        if (i % static_cast<size_t>(txn) == 0)
            pg.exec("BEGIN");
        const Event& e = events[i];
        const std::string id = std::to_string(i + 1);
        const std::string at = std::to_string(1764800000000LL + static_cast<long long>(i));
        const char* rv[5] = { id.c_str(), e.key.c_str(), e.eventId.c_str(), at.c_str(), e.state.c_str() };
        pg.check(PQexecPrepared(pg.get(), "rev", 5, rv, nullptr, nullptr, 0), PGRES_COMMAND_OK, "insert revision");
        for (int t = 0; t < kTargets; ++t) {
            const std::string did = std::to_string(++deliveryId);
            const char* dv[5] = { did.c_str(), id.c_str(), kTargetIds[t], at.c_str(), e.idemKeys[t].c_str() };
            pg.check(PQexecPrepared(pg.get(), "del", 5, dv, nullptr, nullptr, 0), PGRES_COMMAND_OK, "insert delivery");
        }
        if ((i + 1) % static_cast<size_t>(txn) == 0 || i + 1 == events.size())
            pg.exec("COMMIT");
    }
}

// Pipeline mode: a transaction's statements go out without waiting; results are read as they arrive (non-blocking
// socket, so neither side can stall on a full buffer), and the commit is awaited once.
class Pipeline
{
public:
    explicit Pipeline(Pg& pg)
        : m_c(pg.get())
    {
        if (PQsetnonblocking(m_c, 1) != 0 || PQenterPipelineMode(m_c) != 1)
            throw std::runtime_error(std::string("pipeline mode: ") + PQerrorMessage(m_c));
    }
    void send(const char* stmt, int n, const char* const* values)
    {
        if (PQsendQueryPrepared(m_c, stmt, n, values, nullptr, nullptr, 0) != 1)
            throw std::runtime_error(std::string("send: ") + PQerrorMessage(m_c));
        ++m_queries;
    }
    void sendText(const char* sql)
    {
        if (PQsendQueryParams(m_c, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1)
            throw std::runtime_error(std::string("send: ") + PQerrorMessage(m_c));
        ++m_queries;
    }
    // Pushes what is buffered to the server, reading answers meanwhile.
    void flush()
    {
        int f = 0;
        while ((f = PQflush(m_c)) == 1)
            wait(POLLIN | POLLOUT);
        if (f < 0)
            throw std::runtime_error(std::string("flush: ") + PQerrorMessage(m_c));
    }
    void leave()
    {
        if (PQexitPipelineMode(m_c) != 1 || PQsetnonblocking(m_c, 0) != 0)
            throw std::runtime_error(std::string("leave pipeline mode: ") + PQerrorMessage(m_c));
    }
    void sync()
    {
        if (PQpipelineSync(m_c) != 1)
            throw std::runtime_error(std::string("sync: ") + PQerrorMessage(m_c));
        ++m_syncs;
        flush();
        while (m_queries + m_syncs > 0)
            wait(POLLIN);
    }

private:
    void wait(short events)
    {
        pollfd p { PQsocket(m_c), events, 0 };
        if (::poll(&p, 1, 30000) <= 0)
            throw std::runtime_error("pipeline: no answer from the server within 30 s");
        if (p.revents & (POLLIN | POLLERR | POLLHUP))
            drain();
    }
    void drain()
    {
        if (PQconsumeInput(m_c) != 1)
            throw std::runtime_error(std::string("read: ") + PQerrorMessage(m_c));
        while (m_queries + m_syncs > 0 && PQisBusy(m_c) == 0) {
            PGresult* r = PQgetResult(m_c);
            if (!r) {
                --m_queries; // the end of one statement's results
                continue;
            }
            const ExecStatusType s = PQresultStatus(r);
            if (s == PGRES_PIPELINE_SYNC) {
                --m_syncs;
                PQclear(r);
                continue;
            }
            if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
                const std::string message = PQresultErrorMessage(r);
                PQclear(r);
                throw std::runtime_error("pipeline statement failed: " + message);
            }
            PQclear(r);
        }
    }

    PGconn* m_c;
    int m_queries = 0;
    int m_syncs = 0;
};

// Queues event i's revision and delivery inserts on the pipeline and pushes them out.
void sendEvent(Pipeline& p, const std::vector<Event>& events, size_t i, long long& deliveryId)
{
    const Event& e = events[i];
    const std::string id = std::to_string(i + 1);
    const std::string at = std::to_string(1764800000000LL + static_cast<long long>(i));
    const char* rv[5] = { id.c_str(), e.key.c_str(), e.eventId.c_str(), at.c_str(), e.state.c_str() };
    p.send("rev", 5, rv);
    for (int t = 0; t < kTargets; ++t) {
        const std::string did = std::to_string(++deliveryId);
        const char* dv[5] = { did.c_str(), id.c_str(), kTargetIds[t], at.c_str(), e.idemKeys[t].c_str() };
        p.send("del", 5, dv);
    }
    p.flush();
}

void runLibpqPipeline(const std::vector<Event>& events, int txn)
{
    Pg pg;
    pg.check(PQprepare(pg.get(), "rev", kInsertRevision, 5, nullptr), PGRES_COMMAND_OK, "prepare rev");
    pg.check(PQprepare(pg.get(), "del", kInsertDelivery, 5, nullptr), PGRES_COMMAND_OK, "prepare del");
    Pipeline p(pg);
    long long deliveryId = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        if (i % static_cast<size_t>(txn) == 0)
            p.sendText("BEGIN");
        sendEvent(p, events, i, deliveryId);
        if ((i + 1) % static_cast<size_t>(txn) == 0 || i + 1 == events.size()) {
            p.sendText("COMMIT");
            p.sync();
        }
    }
}

// COPY's text format: backslash, tab, newline and carriage return escaped.
void copyField(std::string& out, const std::string& v)
{
    for (char ch : v) {
        switch (ch) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += ch;
        }
    }
}

void runLibpqCopy(const std::vector<Event>& events, int txn)
{
    Pg pg;
    long long deliveryId = 0;
    std::string rev;
    std::string del;
    auto copy = [&pg](const char* sql, const std::string& data) {
        PGresult* r = PQexec(pg.get(), sql);
        pg.check(r, PGRES_COPY_IN, sql);
        if (PQputCopyData(pg.get(), data.data(), static_cast<int>(data.size())) != 1
            || PQputCopyEnd(pg.get(), nullptr) != 1)
            throw std::runtime_error(std::string("copy: ") + PQerrorMessage(pg.get()));
        pg.check(PQgetResult(pg.get()), PGRES_COMMAND_OK, sql);
        while (PGresult* extra = PQgetResult(pg.get()))
            PQclear(extra);
    };
    for (size_t i = 0; i < events.size(); ++i) {
        const Event& e = events[i];
        const std::string id = std::to_string(i + 1);
        const std::string at = std::to_string(1764800000000LL + static_cast<long long>(i));
        rev += id + '\t' + e.key + "\t1\tPLM\t" + e.eventId + '\t' + at + '\t';
        copyField(rev, e.state);
        rev += '\n';
        for (int t = 0; t < kTargets; ++t)
            del += std::to_string(++deliveryId) + '\t' + id + '\t' + kTargetIds[t] + "\tpending\t" + at + '\t'
                + e.idemKeys[t] + '\n';
        if ((i + 1) % static_cast<size_t>(txn) == 0 || i + 1 == events.size()) {
            pg.exec("BEGIN");
            copy("COPY revision(id, object_key, revision_no, source_system, event_id, occurred_at, state) FROM STDIN",
                rev);
            copy("COPY delivery(id, revision_id, target_id, status, due_at, idempotency_key) FROM STDIN", del);
            pg.exec("COMMIT");
            rev.clear();
            del.clear();
        }
    }
}

// ---- QtSql QPSQL ---------------------------------------------------------------------------------------------------

class QtPg
{
public:
    QtPg()
        : m_name(QStringLiteral("bench-%1").arg(++s_n))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        // Nothing set: the driver hands libpq an empty conninfo, so PGHOST etc. and PGPASSFILE apply as for libpq.
        if (!db.open())
            die(3, "QPSQL cannot connect: " + db.lastError().text().toStdString());
    }
    ~QtPg()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QtPg(const QtPg&) = delete;
    QtPg& operator=(const QtPg&) = delete;
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    static inline int s_n = 0;
    QString m_name;
};

void qcheck(bool ok, const QSqlQuery& q, const char* what)
{
    if (!ok)
        throw std::runtime_error(std::string(what) + ": " + q.lastError().text().toStdString());
}

void runQpsql(const std::vector<Event>& events, int txn)
{
    QtPg pg;
    QSqlDatabase db = pg.db();
    QSqlQuery rev(db);
    QSqlQuery del(db);
    qcheck(rev.prepare(QStringLiteral("INSERT INTO revision(id, object_key, revision_no, source_system, event_id,"
                                      " occurred_at, state) VALUES (?, ?, 1, 'PLM', ?, ?, ?)")),
        rev, "prepare revision");
    qcheck(del.prepare(QStringLiteral("INSERT INTO delivery(id, revision_id, target_id, status, due_at,"
                                      " idempotency_key) VALUES (?, ?, ?, 'pending', ?, ?)")),
        del, "prepare delivery");
    QString targets[kTargets];
    for (int t = 0; t < kTargets; ++t)
        targets[t] = QString::fromLatin1(kTargetIds[t]);
    qint64 deliveryId = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        if (i % static_cast<size_t>(txn) == 0 && !db.transaction())
            throw std::runtime_error("QPSQL begin: " + db.lastError().text().toStdString());
        const Event& e = events[i];
        const qint64 id = static_cast<qint64>(i) + 1;
        const qint64 at = 1764800000000LL + static_cast<qint64>(i);
        rev.bindValue(0, id);
        rev.bindValue(1, QString::fromStdString(e.key));
        rev.bindValue(2, QString::fromStdString(e.eventId));
        rev.bindValue(3, at);
        rev.bindValue(4, QString::fromStdString(e.state));
        qcheck(rev.exec(), rev, "insert revision");
        for (int t = 0; t < kTargets; ++t) {
            del.bindValue(0, ++deliveryId);
            del.bindValue(1, id);
            del.bindValue(2, targets[t]);
            del.bindValue(3, at);
            del.bindValue(4, QString::fromStdString(e.idemKeys[t]));
            qcheck(del.exec(), del, "insert delivery");
        }
        if (((i + 1) % static_cast<size_t>(txn) == 0 || i + 1 == events.size()) && !db.commit())
            throw std::runtime_error("QPSQL commit: " + db.lastError().text().toStdString());
    }
}

QString placeholders(int rows, int columns, const QString& constant)
{
    QString row = QStringLiteral("(");
    for (int c = 0; c < columns; ++c)
        row += c ? QStringLiteral(", ?") : QStringLiteral("?");
    row += constant + QStringLiteral(")");
    QStringList all;
    all.reserve(rows);
    for (int r = 0; r < rows; ++r)
        all << row;
    return all.join(QStringLiteral(", "));
}

void runQpsqlMultirow(const std::vector<Event>& events, int txn)
{
    QtPg pg;
    QSqlDatabase db = pg.db();
    qint64 deliveryId = 0;
    for (size_t begin = 0; begin < events.size(); begin += static_cast<size_t>(txn)) {
        const size_t end = std::min(events.size(), begin + static_cast<size_t>(txn));
        const int rows = static_cast<int>(end - begin);
        if (!db.transaction())
            throw std::runtime_error("QPSQL begin: " + db.lastError().text().toStdString());
        // The constants (revision_no, source_system, status) stay in the VALUES rows, as in the single-row statements.
        QSqlQuery fixed(db);
        QString sql = QStringLiteral("INSERT INTO revision(id, object_key, event_id, occurred_at, state, revision_no,"
                                     " source_system) VALUES ")
            + placeholders(rows, 5, QStringLiteral(", 1, 'PLM'"));
        qcheck(fixed.prepare(sql), fixed, "prepare revisions");
        int p = 0;
        for (size_t i = begin; i < end; ++i) {
            const Event& e = events[i];
            fixed.bindValue(p++, static_cast<qint64>(i) + 1);
            fixed.bindValue(p++, QString::fromStdString(e.key));
            fixed.bindValue(p++, QString::fromStdString(e.eventId));
            fixed.bindValue(p++, 1764800000000LL + static_cast<qint64>(i));
            fixed.bindValue(p++, QString::fromStdString(e.state));
        }
        qcheck(fixed.exec(), fixed, "insert revisions");
        QSqlQuery del(db);
        qcheck(del.prepare(QStringLiteral("INSERT INTO delivery(id, revision_id, target_id, due_at, idempotency_key,"
                                          " status) VALUES ")
                   + placeholders(rows * kTargets, 5, QStringLiteral(", 'pending'"))),
            del, "prepare deliveries");
        p = 0;
        for (size_t i = begin; i < end; ++i) {
            for (int t = 0; t < kTargets; ++t) {
                del.bindValue(p++, ++deliveryId);
                del.bindValue(p++, static_cast<qint64>(i) + 1);
                del.bindValue(p++, QString::fromLatin1(kTargetIds[t]));
                del.bindValue(p++, 1764800000000LL + static_cast<qint64>(i));
                del.bindValue(p++, QString::fromStdString(events[i].idemKeys[t]));
            }
        }
        qcheck(del.exec(), del, "insert deliveries");
        if (!db.commit())
            throw std::runtime_error("QPSQL commit: " + db.lastError().text().toStdString());
    }
}

// The design the store would use (like store/sqlstatement.h on SQLite): the workspace's QPSQL connection for
// everything, its transaction from QSqlDatabase, and the hot inserts through the PGconn* behind that same
// connection (QSqlDriver::handle()) in pipeline mode, left before QtSql touches the connection again.
void runQpsqlHandlePipeline(const std::vector<Event>& events, int txn)
{
    QtPg qpg;
    QSqlDatabase db = qpg.db();
    const QVariant h = db.driver()->handle();
    if (qstrcmp(h.typeName(), "PGconn*") != 0 && qstrcmp(h.typeName(), "pg_conn*") != 0)
        throw std::runtime_error(std::string("QPSQL handle is ") + h.typeName() + ", not PGconn*");
    Pg pg(*static_cast<PGconn* const*>(h.data()));
    pg.check(PQprepare(pg.get(), "rev", kInsertRevision, 5, nullptr), PGRES_COMMAND_OK, "prepare rev");
    pg.check(PQprepare(pg.get(), "del", kInsertDelivery, 5, nullptr), PGRES_COMMAND_OK, "prepare del");
    long long deliveryId = 0;
    for (size_t begin = 0; begin < events.size(); begin += static_cast<size_t>(txn)) {
        const size_t end = std::min(events.size(), begin + static_cast<size_t>(txn));
        if (!db.transaction())
            throw std::runtime_error("QPSQL begin: " + db.lastError().text().toStdString());
        Pipeline p(pg);
        for (size_t i = begin; i < end; ++i) {
            sendEvent(p, events, i, deliveryId);
        }
        p.sync();
        p.leave();
        if (!db.commit())
            throw std::runtime_error("QPSQL commit: " + db.lastError().text().toStdString());
    }
}

// ---- SQLite, for scale -------------------------------------------------------------------------------------------

void sq(sqlite3* db, const char* sql)
{
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string message = err ? err : "?";
        sqlite3_free(err);
        throw std::runtime_error(std::string("sqlite: ") + message);
    }
}

void runSqlite(const std::vector<Event>& events, int txn, const std::string& path)
{
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
    std::remove((path + "-shm").c_str());
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK)
        throw std::runtime_error("sqlite open " + path);
    sq(db,
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        "CREATE TABLE revision(id INTEGER PRIMARY KEY, object_key TEXT NOT NULL, revision_no INTEGER NOT NULL,"
        " source_system TEXT NOT NULL, event_id TEXT NOT NULL, occurred_at INTEGER NOT NULL, state TEXT NOT NULL);"
        "CREATE TABLE delivery(id INTEGER PRIMARY KEY, revision_id INTEGER NOT NULL REFERENCES revision(id),"
        " target_id TEXT NOT NULL, status TEXT NOT NULL, due_at INTEGER NOT NULL, idempotency_key TEXT NOT NULL "
        "UNIQUE);"
        "CREATE INDEX delivery_status_due ON delivery(status, due_at);"
        "CREATE INDEX delivery_target_status ON delivery(target_id, status);");
    sqlite3_stmt* rev = nullptr;
    sqlite3_stmt* del = nullptr;
    sqlite3_prepare_v2(db,
        "INSERT INTO revision(id, object_key, revision_no, source_system, event_id, occurred_at, state)"
        " VALUES (?, ?, 1, 'PLM', ?, ?, ?)",
        -1, &rev, nullptr);
    sqlite3_prepare_v2(db,
        "INSERT INTO delivery(id, revision_id, target_id, status, due_at, idempotency_key)"
        " VALUES (?, ?, ?, 'pending', ?, ?)",
        -1, &del, nullptr);
    long long deliveryId = 0;
    auto step = [db](sqlite3_stmt* s) {
        if (sqlite3_step(s) != SQLITE_DONE)
            throw std::runtime_error(std::string("sqlite insert: ") + sqlite3_errmsg(db));
        sqlite3_reset(s);
    };
    for (size_t i = 0; i < events.size(); ++i) {
        if (i % static_cast<size_t>(txn) == 0)
            sq(db, "BEGIN");
        const Event& e = events[i];
        const sqlite3_int64 id = static_cast<sqlite3_int64>(i) + 1;
        const sqlite3_int64 at = 1764800000000LL + static_cast<sqlite3_int64>(i);
        sqlite3_bind_int64(rev, 1, id);
        sqlite3_bind_text(rev, 2, e.key.data(), static_cast<int>(e.key.size()), SQLITE_STATIC);
        sqlite3_bind_text(rev, 3, e.eventId.data(), static_cast<int>(e.eventId.size()), SQLITE_STATIC);
        sqlite3_bind_int64(rev, 4, at);
        sqlite3_bind_text(rev, 5, e.state.data(), static_cast<int>(e.state.size()), SQLITE_STATIC);
        step(rev);
        for (int t = 0; t < kTargets; ++t) {
            sqlite3_bind_int64(del, 1, ++deliveryId);
            sqlite3_bind_int64(del, 2, id);
            sqlite3_bind_text(del, 3, kTargetIds[t], -1, SQLITE_STATIC);
            sqlite3_bind_int64(del, 4, at);
            sqlite3_bind_text(del, 5, e.idemKeys[t].data(), static_cast<int>(e.idemKeys[t].size()), SQLITE_STATIC);
            step(del);
        }
        if ((i + 1) % static_cast<size_t>(txn) == 0 || i + 1 == events.size())
            sq(db, "COMMIT");
    }
    sqlite3_finalize(rev);
    sqlite3_finalize(del);
    sqlite3_stmt* c = nullptr;
    sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM revision), (SELECT count(*) FROM delivery)", -1, &c, nullptr);
    sqlite3_step(c);
    const long long revisions = sqlite3_column_int64(c, 0);
    const long long deliveries = sqlite3_column_int64(c, 1);
    sqlite3_finalize(c);
    sqlite3_close(db);
    if (revisions != static_cast<long long>(events.size()) || deliveries != revisions * kTargets)
        throw std::runtime_error("sqlite row counts " + std::to_string(revisions) + "/" + std::to_string(deliveries));
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int parseInt(const QStringList& args, int& i, const char* name)
{
    bool ok = false;
    const int v = i + 1 < args.size() ? args[++i].toInt(&ok) : 0;
    if (!ok || v <= 0)
        die(2, std::string(name) + " needs a positive number");
    return v;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int n = 20000;
    int repeat = 3;
    int txn = 256;
    bool json = false;
    QStringList only;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--events"))
            n = parseInt(args, i, "--events");
        else if (a == QLatin1String("--repeat"))
            repeat = parseInt(args, i, "--repeat");
        else if (a == QLatin1String("--txn"))
            txn = parseInt(args, i, "--txn");
        else if (a == QLatin1String("--only") && i + 1 < args.size())
            only = args[++i].split(QLatin1Char(','));
        else if (a == QLatin1String("--json"))
            json = true;
        else if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            std::cout
                << "usage: bench_pgclient [--events N] [--repeat R] [--txn EVENTS] [--only NAME[,NAME]] [--json]\n"
                   "connects with libpq's environment (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSFILE);\n"
                   "e.g. tests/pg/throwaway-pg.sh run -- bench_pgclient\n";
            return 0;
        } else
            die(2, "unknown argument " + a.toStdString() + " (see --help)");
    }
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        die(3, "Qt's QPSQL driver is not installed (Debian: libqt6sql6-psql)");
    {
        Pg probe;
        PGresult* r = PQexec(probe.get(), "SELECT current_setting('fsync'), current_setting('synchronous_commit')");
        const std::string fsync = PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : "?";
        const std::string sc = PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 1) : "?";
        PQclear(r);
        if (fsync != "on" || sc != "on")
            die(3,
                "the server is not durable (fsync=" + fsync + ", synchronous_commit=" + sc
                    + "): start it without --fast");
        std::fprintf(stderr, "server %s on %s:%s, fsync=on, synchronous_commit=on\n",
            PQparameterStatus(probe.get(), "server_version"), PQhost(probe.get()), PQport(probe.get()));
    }

    QTemporaryDir tmp;
    const std::string sqlitePath = tmp.filePath(QStringLiteral("bench.sqlite")).toStdString();
    const std::vector<Event> events = makeEvents(n);
    struct Variant
    {
        const char* name;
        std::function<void()> run;
        bool postgres;
        const char* what;
    };
    const std::vector<Variant> all = {
        { "libpq-pipeline", [&] { runLibpqPipeline(events, txn); }, true, "libpq, prepared, pipeline mode" },
        { "libpq-copy", [&] { runLibpqCopy(events, txn); }, true, "libpq, COPY FROM STDIN per table" },
        { "libpq-sync", [&] { runLibpqSync(events, txn); }, true, "libpq, prepared, a round trip per row" },
        { "qpsql", [&] { runQpsql(events, txn); }, true, "QtSql QPSQL, prepared, exec per row" },
        { "qpsql-multirow", [&] { runQpsqlMultirow(events, txn); }, true, "QtSql QPSQL, one INSERT per table" },
        { "qpsql+pipeline", [&] { runQpsqlHandlePipeline(events, txn); }, true,
            "QPSQL connection and transaction, inserts through its PGconn* in pipeline mode" },
        { "sqlite-raw", [&] { runSqlite(events, txn, sqlitePath); }, false, "SQLite WAL FULL, raw prepared" },
    };
    std::map<std::string, std::vector<double>> rates;
    for (int r = 0; r < repeat; ++r) {
        for (const Variant& v : all) {
            if (!only.isEmpty() && !only.contains(QString::fromLatin1(v.name)))
                continue;
            try {
                if (v.postgres)
                    pgReset();
                QElapsedTimer t;
                t.start();
                v.run();
                const double s = static_cast<double>(t.nsecsElapsed()) / 1e9;
                if (v.postgres)
                    pgVerify(n);
                rates[v.name].push_back(n / s);
                std::fprintf(stderr, "run %d  %-15s %9.0f events/s\n", r + 1, v.name, n / s);
            } catch (const std::exception& e) {
                die(1, std::string(v.name) + ": " + e.what());
            }
        }
    }
    const double base = rates.count("libpq-pipeline") ? median(rates["libpq-pipeline"]) : 0;
    nlohmann::json out = { { "events", n }, { "repeat", repeat }, { "events_per_transaction", txn },
        { "subscribers", kTargets }, { "variants", nlohmann::json::array() } };
    std::printf("%d events x (1 revision + %d delivery rows), %d events per transaction, medians of %d runs\n", n,
        kTargets, txn, repeat);
    for (const Variant& v : all) {
        if (!rates.count(v.name))
            continue;
        const double m = median(rates[v.name]);
        std::printf(
            "  %-15s %9.0f events/s  %6.2fx libpq-pipeline   %s\n", v.name, m, base > 0 ? m / base : 0.0, v.what);
        out["variants"].push_back({ { "name", v.name }, { "events_per_s", m }, { "ratio", base > 0 ? m / base : 0.0 },
            { "runs", rates[v.name] } });
    }
    if (json)
        std::cout << out.dump(2) << '\n';
    return 0;
}
