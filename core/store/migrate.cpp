#include "store/migrate.h"

#include "store/sqlstatement.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <map>

namespace mdsync {

namespace {

struct Column
{
    QString name;
    bool bytea = false;
    bool identity = false;
};

// SQLite's FTS5 description index and its shadow tables; PostgreSQL indexes object.description with pg_trgm.
bool sqliteOnly(const QString& table)
{
    return table == QLatin1String("object_text") || table.startsWith(QLatin1String("object_text_"))
        || table.startsWith(QLatin1String("sqlite_"));
}

// The meta keys that describe the backend rather than the workspace: the destination keeps its own.
bool backendMeta(const QString& key)
{
    return key == QLatin1String("format") || key == QLatin1String("schema_version")
        || key == QLatin1String("identities");
}

// Tables copied first, in this order: the ones foreign keys refer to (ownership -> config_version,
// revision -> object and archive, delivery -> revision).
const QStringList& referencedFirst()
{
    static const QStringList tables = { QStringLiteral("config_version"), QStringLiteral("object"),
        QStringLiteral("archive"), QStringLiteral("revision") };
    return tables;
}

bool plainIdentifier(const QString& name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z_][a-z0-9_]*$"));
    return re.match(name).hasMatch();
}

Result<QStringList> sqliteTables(Workspace& ws)
{
    QSqlQuery q(ws.db());
    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")))
        return makeError(sqlError(q, QStringLiteral("%1: list the tables").arg(ws.path())));
    QStringList tables;
    while (q.next()) {
        const QString t = q.value(0).toString();
        if (!sqliteOnly(t))
            tables << t;
    }
    std::stable_sort(tables.begin(), tables.end(), [](const QString& a, const QString& b) {
        const auto rank = [](const QString& t) {
            const qsizetype i = referencedFirst().indexOf(t);
            return i < 0 ? referencedFirst().size() : i;
        };
        return rank(a) < rank(b);
    });
    return tables;
}

Result<QStringList> sqliteColumns(Workspace& ws, const QString& table)
{
    QSqlQuery q(ws.db());
    if (!q.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table)))
        return makeError(sqlError(q, QStringLiteral("%1: columns of %2").arg(ws.path(), table)));
    QStringList columns;
    while (q.next())
        columns << q.value(1).toString();
    return columns;
}

Result<std::vector<Column>> pgColumns(Workspace& ws, const QString& table)
{
    QSqlQuery q(ws.db());
    q.prepare(QStringLiteral("SELECT column_name, data_type, is_identity FROM information_schema.columns"
                             " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position"));
    q.addBindValue(table);
    if (!q.exec())
        return makeError(sqlError(q, QStringLiteral("%1: columns of %2").arg(ws.path(), table)));
    std::vector<Column> columns;
    while (q.next())
        columns.push_back({ q.value(0).toString(), q.value(1).toString() == QLatin1String("bytea"),
            q.value(2).toString() == QLatin1String("YES") });
    return columns;
}

Result<std::int64_t> countRows(Workspace& ws, const QString& table)
{
    QSqlQuery q(ws.db());
    if (!q.exec(QStringLiteral("SELECT count(*) FROM %1").arg(table)) || !q.next())
        return makeError(sqlError(q, QStringLiteral("%1: count the rows of %2").arg(ws.path(), table)));
    return q.value(0).toLongLong();
}

// Binds one SQLite value for a PostgreSQL column (parameters in text form, blobs binary).
void bindValue(SqlStatement& s, int index, const QVariant& v, const Column& column)
{
    if (v.isNull()) {
        s.bindNull(index);
        return;
    }
    if (column.bytea) {
        const QByteArray bytes = v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8();
        s.bindBlob(index, std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
        return;
    }
    switch (v.typeId()) {
    case QMetaType::LongLong:
    case QMetaType::Int:
        s.bind(index, static_cast<std::int64_t>(v.toLongLong()));
        return;
    case QMetaType::Double: {
        const QByteArray text = QByteArray::number(v.toDouble(), 'g', 17);
        s.bind(index, std::string_view(text.constData(), static_cast<size_t>(text.size())));
        return;
    }
    default: {
        const QByteArray text = v.typeId() == QMetaType::QByteArray ? v.toByteArray() : v.toString().toUtf8();
        s.bind(index, std::string_view(text.constData(), static_cast<size_t>(text.size())));
        return;
    }
    }
}

// INSERT INTO table(columns) VALUES (?, ...), ... for `rows` rows.
std::string insertSql(const QString& table, const QStringList& columns, int rows)
{
    QString one = QStringLiteral("(");
    for (qsizetype i = 0; i < columns.size(); ++i)
        one += i ? QStringLiteral(", ?") : QStringLiteral("?");
    one += QLatin1Char(')');
    QStringList values;
    values.reserve(rows);
    for (int i = 0; i < rows; ++i)
        values << one;
    return QStringLiteral("INSERT INTO %1(%2) VALUES %3")
        .arg(table, columns.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")))
        .toStdString();
}

class TableCopier
{
public:
    TableCopier(Workspace& from, Workspace& to, QString table, std::vector<Column> columns)
        : m_from(from)
        , m_to(to)
        , m_table(std::move(table))
        , m_columns(std::move(columns))
    {
        for (const Column& c : m_columns)
            m_names << c.name;
        // Rows per INSERT: many, within PostgreSQL's 65535 parameters.
        m_batch = std::clamp(20000 / static_cast<int>(std::max<size_t>(m_columns.size(), 1)), 1, 256);
    }

    Result<std::int64_t> run()
    {
        QSqlQuery src(m_from.db());
        src.setForwardOnly(true);
        if (!src.exec(QStringLiteral("SELECT %1 FROM %2").arg(m_names.join(QStringLiteral(", ")), m_table)))
            return makeError(sqlError(src, QStringLiteral("%1: read %2").arg(m_from.path(), m_table)));
        std::vector<QVariant> pending;
        pending.reserve(static_cast<size_t>(m_batch) * m_columns.size());
        std::int64_t rows = 0;
        while (src.next()) {
            for (int c = 0; c < static_cast<int>(m_columns.size()); ++c)
                pending.push_back(src.value(c));
            if (++rows % m_batch == 0) {
                if (auto r = flush(pending); !r)
                    return makeError(r.error());
            }
        }
        if (src.lastError().isValid())
            return makeError(sqlError(src, QStringLiteral("%1: read %2").arg(m_from.path(), m_table)));
        if (auto r = flush(pending); !r)
            return makeError(r.error());
        return rows;
    }

private:
    Result<void> flush(std::vector<QVariant>& values)
    {
        const int n = static_cast<int>(m_columns.size());
        const int rows = static_cast<int>(values.size()) / std::max(n, 1);
        if (rows == 0)
            return {};
        SqlStatement& s = rows == m_batch ? m_full : m_tail;
        if (&s == &m_tail || !s.isPrepared()) {
            s.reset();
            if (!s.prepare(m_to.db(), insertSql(m_table, m_names, rows)))
                return makeError(QStringLiteral("%1: prepare the copy of %2: %3").arg(m_to.path(), m_table, s.error()));
        }
        s.reset();
        for (int i = 0; i < static_cast<int>(values.size()); ++i)
            bindValue(s, i, values[static_cast<size_t>(i)], m_columns[static_cast<size_t>(i % n)]);
        if (!s.exec())
            return makeError(QStringLiteral("%1: copy rows of %2: %3").arg(m_to.path(), m_table, s.error()));
        values.clear();
        return {};
    }

    Workspace& m_from;
    Workspace& m_to;
    QString m_table;
    std::vector<Column> m_columns;
    QStringList m_names;
    int m_batch = 1;
    SqlStatement m_full;
    SqlStatement m_tail; // the last, shorter batch of a table
};

Result<void> copyMeta(Workspace& from, Workspace& to)
{
    QSqlQuery src(from.db());
    if (!src.exec(QStringLiteral("SELECT key, value FROM meta ORDER BY key")))
        return makeError(sqlError(src, QStringLiteral("%1: read meta").arg(from.path())));
    std::map<QString, QString> meta;
    while (src.next())
        meta[src.value(0).toString()] = src.value(1).toString();
    QSqlQuery dst(to.db());
    dst.prepare(QStringLiteral(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    for (const auto& [key, value] : meta) {
        if (backendMeta(key))
            continue;
        dst.addBindValue(key);
        dst.addBindValue(value);
        if (auto r = execPrepared(dst, QStringLiteral("%1: write meta %2").arg(to.path(), key)); !r)
            return r;
    }
    return {};
}

// The rows Workspace::create wrote are meta rows only; anything else means the destination is in use.
Result<void> requireEmpty(Workspace& to, const QStringList& tables)
{
    for (const QString& t : tables) {
        if (t == QLatin1String("meta"))
            continue;
        auto n = countRows(to, t);
        if (!n)
            return makeError(n.error());
        if (n.value() > 0)
            return makeError(QStringLiteral("%1 is not a new workspace: table %2 has %3 row(s); migrate copies into "
                                            "an empty database only (create one: createdb -O <owner> <name>)")
                                 .arg(to.path(), t)
                                 .arg(n.value()));
    }
    return {};
}

} // namespace

Result<WorkspaceCopy> copyWorkspace(Workspace& from, Workspace& to)
{
    if (from.isPostgres() || !to.isPostgres())
        return makeError(QStringLiteral("migrate copies a SQLite workspace file into a PostgreSQL database (from %1 "
                                        "to %2); for a copy of a file use 'mdsyncctl backup'")
                             .arg(from.path(), to.path()));
    if (from.schemaVersion() != Workspace::latestSchemaVersion(from.backend()))
        return makeError(QStringLiteral("%1 is at schema %2, not %3: open it read-write with this MDSync first")
                             .arg(from.path())
                             .arg(from.schemaVersion())
                             .arg(Workspace::latestSchemaVersion(from.backend())));
    QElapsedTimer timer;
    timer.start();
    auto tables = sqliteTables(from);
    if (!tables)
        return makeError(tables.error());
    // Check every table's columns before writing anything.
    std::map<QString, std::vector<Column>> columns;
    for (const QString& t : tables.value()) {
        if (!plainIdentifier(t))
            return makeError(QStringLiteral("%1: unexpected table name '%2'").arg(from.path(), t));
        auto src = sqliteColumns(from, t);
        if (!src)
            return makeError(src.error());
        auto dst = pgColumns(to, t);
        if (!dst)
            return makeError(dst.error());
        if (dst->empty())
            return makeError(QStringLiteral("%1 has no table %2 (which %3 has): the two schemas differ; is this MDSync "
                                            "older than the file?")
                                 .arg(to.path(), t, from.path()));
        QStringList dstNames;
        for (const Column& c : dst.value())
            dstNames << c.name;
        if (dstNames != src.value())
            return makeError(QStringLiteral("table %1 differs: %2 has columns (%3), %4 has (%5)")
                                 .arg(t, from.path(), src->join(QStringLiteral(", ")), to.path(),
                                     dstNames.join(QStringLiteral(", "))));
        columns[t] = std::move(dst.value());
    }

    // The source's lock keeps writers away; one read transaction gives one consistent state all the same.
    Workspace::Transaction read(from);
    if (!read)
        return read.error();
    Workspace::Transaction tx(to);
    if (!tx)
        return tx.error();
    if (auto r = requireEmpty(to, tables.value()); !r)
        return makeError(r.error());
    WorkspaceCopy summary;
    for (const QString& t : tables.value()) {
        if (auto r = to.exec(QStringLiteral("ALTER TABLE %1 DISABLE TRIGGER USER").arg(t)); !r)
            return makeError(r.error());
        std::int64_t rows = 0;
        if (t == QLatin1String("meta")) {
            if (auto r = copyMeta(from, to); !r)
                return makeError(r.error());
            auto n = countRows(from, t);
            if (!n)
                return makeError(n.error());
            rows = n.value();
        } else {
            auto r = TableCopier(from, to, t, columns[t]).run();
            if (!r)
                return makeError(r.error());
            rows = r.value();
        }
        if (auto r = to.exec(QStringLiteral("ALTER TABLE %1 ENABLE TRIGGER USER").arg(t)); !r)
            return makeError(r.error());
        for (const Column& c : columns[t]) {
            if (!c.identity)
                continue;
            QSqlQuery q(to.db());
            if (!q.exec(QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', '%2'),"
                                       " (SELECT coalesce(max(%2), 0) FROM %1) + 1, false)")
                            .arg(t, c.name)))
                return makeError(sqlError(q, QStringLiteral("%1: continue the ids of %2").arg(to.path(), t)));
        }
        summary.tables.push_back({ t, rows });
        summary.rows += rows;
    }
    // Row counts on both sides (meta: the destination keeps its backend keys, so it is compared by content above).
    for (const TableCopy& c : summary.tables) {
        if (c.table == QLatin1String("meta"))
            continue;
        auto a = countRows(from, c.table);
        auto b = countRows(to, c.table);
        if (!a || !b)
            return makeError(!a ? a.error() : b.error());
        if (a.value() != b.value())
            return makeError(QStringLiteral("table %1: %2 rows in %3 but %4 in %5 after the copy; nothing was kept")
                                 .arg(c.table)
                                 .arg(a.value())
                                 .arg(from.path())
                                 .arg(b.value())
                                 .arg(to.path()));
    }
    if (auto r = tx.commit(); !r)
        return makeError(r.error());
    read.rollback();
    summary.ms = timer.elapsed();
    return summary;
}

} // namespace mdsync
