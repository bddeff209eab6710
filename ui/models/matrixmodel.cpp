#include "models/matrixmodel.h"

#include "store/workspace.h"
#include "widgets/statusstyle.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSqlQuery>

#include <limits>
#include <map>

namespace mdsync::ui {

namespace {

QString idList(const std::vector<qint64>& ids)
{
    QString s;
    s.reserve(static_cast<qsizetype>(ids.size() * 8));
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            s += QLatin1Char(',');
        s += QString::number(ids[i]);
    }
    return s;
}

} // namespace

QString ageText(qint64 atMs, const QDateTime& now)
{
    if (atMs <= 0)
        return {};
    const qint64 s = std::max<qint64>(0, (now.toMSecsSinceEpoch() - atMs) / 1000);
    // Plain int variables as counts: lupdate (Qt 6.4) skips or hangs on casts and divisions in the argument.
    const int secs = static_cast<int>(std::min<qint64>(s, std::numeric_limits<int>::max()));
    const int mins = secs / 60;
    const int hours = secs / 3600;
    const int days = secs / 86400;
    if (s < 60)
        return QCoreApplication::translate("Age", "%n s", nullptr, secs);
    if (s < 3600)
        return QCoreApplication::translate("Age", "%n min", nullptr, mins);
    if (s < 86400)
        return QCoreApplication::translate("Age", "%n h", nullptr, hours);
    return QCoreApplication::translate("Age", "%n d", nullptr, days);
}

Result<MatrixLayout> loadMatrixLayout(QSqlDatabase& db)
{
    MatrixLayout layout;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT s.id, s.name, s.kind, s.plants FROM system s"
                               " WHERE s.id IN (SELECT target_id FROM subscription) ORDER BY s.kind, s.id")))
        return makeError(sqlError(q, QStringLiteral("matrix targets")));
    while (q.next()) {
        MatrixLayout::Target t;
        t.id = q.value(0).toString();
        t.name = q.value(1).toString();
        t.kind = q.value(2).toString();
        const auto plants = nlohmann::json::parse(q.value(3).toString().toStdString(), nullptr, false);
        if (plants.is_array())
            for (const auto& p : plants)
                if (p.is_string())
                    t.plants << QString::fromStdString(p.get<std::string>());
        layout.targets.push_back(std::move(t));
    }
    if (!q.exec(QStringLiteral("SELECT DISTINCT domain, target_id FROM subscription")))
        return makeError(sqlError(q, QStringLiteral("matrix subscriptions")));
    while (q.next())
        layout.subscribed.emplace(q.value(0).toString(), q.value(1).toString());
    return layout;
}

MatrixSql matrixIdSql(const MatrixFilter& f, const MatrixLayout& layout)
{
    MatrixSql m;
    QStringList where;
    if (!f.domain.isEmpty()) {
        where << QStringLiteral("o.domain = ?");
        m.binds << f.domain;
    }
    if (const QString t = f.text.trimmed(); !t.isEmpty()) {
        // Key prefix as index ranges (as typed and upper-cased: keys are mostly upper-case codes), or a
        // description containing the text through the FTS5 trigram index (three characters or more).
        const QString top = QString::fromUcs4(U"\U0010FFFF", 1); // above every other character in UTF-8 order
        QStringList parts;
        QStringList variants = { t };
        if (t.toUpper() != t)
            variants << t.toUpper();
        for (const QString& v : variants) {
            parts << QStringLiteral("SELECT id FROM object WHERE key >= ? AND key < ?");
            m.binds << v << QString(v + top);
        }
        if (t.size() >= 3) {
            parts << QStringLiteral("SELECT rowid FROM object_text WHERE object_text MATCH ?");
            QString phrase = t;
            phrase.replace(QLatin1Char('"'), QStringLiteral("\"\""));
            m.binds << QString(QLatin1Char('"') + phrase + QLatin1Char('"'));
        }
        where << QStringLiteral("o.id IN (%1)").arg(parts.join(QStringLiteral(" UNION ")));
    }
    if (f.olderThanMinutes > 0) {
        where << QStringLiteral("o.updated_at < ?");
        m.binds << QDateTime::currentMSecsSinceEpoch() - qint64(f.olderThanMinutes) * 60000;
    }
    if (!f.status.isEmpty()) {
        // "backlog": not delivered yet (the dashboard's backlog tile).
        const QStringList statuses = f.status == QLatin1String("backlog") ? QStringList { QStringLiteral("pending"),
            QStringLiteral("in_flight"), QStringLiteral("retry_wait"), QStringLiteral("held") }
                                                                          : QStringList { f.status };
        QStringList marks;
        for (const QString& st : statuses) {
            marks << QStringLiteral("?");
            m.binds << st;
        }
        if (f.target.isEmpty()) {
            where << QStringLiteral("o.id IN (SELECT object_id FROM object_target WHERE status IN (%1))")
                         .arg(marks.join(QLatin1Char(',')));
        } else {
            where << QStringLiteral(
                "o.id IN (SELECT object_id FROM object_target WHERE status IN (%1) AND target_id = ?)")
                         .arg(marks.join(QLatin1Char(',')));
            m.binds << f.target;
        }
    }
    if (!f.plant.isEmpty()) {
        QStringList marks;
        for (const auto& t : layout.targets)
            if (t.plants.contains(f.plant)) {
                marks << QStringLiteral("?");
                m.binds << t.id;
            }
        if (marks.isEmpty())
            where << QStringLiteral("0");
        else
            where << QStringLiteral("o.id IN (SELECT object_id FROM object_target WHERE target_id IN (%1))")
                         .arg(marks.join(QLatin1Char(',')));
    }
    QString order;
    const QString dir = f.order == Qt::DescendingOrder ? QStringLiteral(" DESC") : QString();
    switch (f.sortColumn) {
    case MatrixModel::DomainColumn:
    case MatrixModel::KeyColumn:
        // The (domain, key) unique index gives this order without sorting.
        order = QStringLiteral("o.domain%1, o.key%1").arg(dir);
        break;
    case MatrixModel::DescriptionColumn:
        order = QStringLiteral("o.description%1, o.id").arg(dir);
        break;
    case MatrixModel::RevisionColumn:
        order = QStringLiteral("o.revision_no%1, o.id").arg(dir);
        break;
    case MatrixModel::LifecycleColumn:
        order = QStringLiteral("o.lifecycle%1, o.id").arg(dir);
        break;
    case MatrixModel::UpdatedColumn:
        order = QStringLiteral("o.updated_at%1, o.id").arg(dir);
        break;
    default: {
        // A target column: by that target's status.
        const size_t t = static_cast<size_t>(f.sortColumn - MatrixModel::FirstTargetColumn);
        if (t < layout.targets.size()) {
            order = QStringLiteral("(SELECT status FROM object_target WHERE object_id = o.id AND target_id = ?)%1,"
                                   " o.domain, o.key")
                        .arg(dir);
            m.binds << layout.targets[t].id;
        } else {
            order = QStringLiteral("o.domain, o.key");
        }
    }
    }
    m.sql = QStringLiteral("SELECT o.id FROM object o")
        + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND ")))
        + QStringLiteral(" ORDER BY ") + order;
    return m;
}

MatrixModel::MatrixModel(DbReader* reader, MatrixLayout layout, QObject* parent)
    : PagedSqlModel(reader, parent)
    , m_layout(std::move(layout))
{
    reload();
}

int MatrixModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FirstTargetColumn + static_cast<int>(m_layout.targets.size());
}

QVariant MatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (section >= FirstTargetColumn) {
        const size_t t = static_cast<size_t>(section - FirstTargetColumn);
        if (t >= m_layout.targets.size())
            return {};
        const auto& target = m_layout.targets[t];
        if (role == Qt::DisplayRole)
            return target.id;
        if (role == Qt::ToolTipRole)
            return tr("%1 (%2)%3")
                .arg(target.name, target.kind,
                    target.plants.isEmpty() ? QString()
                                            : tr(", plants %1").arg(target.plants.join(QStringLiteral(", "))));
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case DomainColumn:
        return tr("Domain");
    case KeyColumn:
        return tr("Key");
    case DescriptionColumn:
        return tr("Description");
    case RevisionColumn:
        return tr("Rev");
    case LifecycleColumn:
        return tr("Lifecycle");
    case UpdatedColumn:
        return tr("Changed");
    }
    return {};
}

void MatrixModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= columnCount())
        return;
    if (m_filter.sortColumn == column && m_filter.order == order)
        return;
    m_filter.sortColumn = column;
    m_filter.order = order;
    reload();
}

void MatrixModel::setFilter(const MatrixFilter& filter)
{
    const int sortColumn = m_filter.sortColumn;
    const Qt::SortOrder order = m_filter.order;
    m_filter = filter;
    m_filter.sortColumn = sortColumn;
    m_filter.order = order;
    reload();
}

PagedSqlModel::IdQuery MatrixModel::idQuery() const
{
    const MatrixSql sql = matrixIdSql(m_filter, m_layout);
    return [sql](QSqlDatabase& db) -> Result<std::vector<qint64>> {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(sql.sql);
        for (const QVariant& v : sql.binds)
            q.addBindValue(v);
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("matrix filter")));
        std::vector<qint64> ids;
        ids.reserve(4096);
        while (q.next())
            ids.push_back(q.value(0).toLongLong());
        return ids;
    };
}

PagedSqlModel::RowQuery MatrixModel::rowQuery() const
{
    std::map<QString, size_t> column;
    for (size_t i = 0; i < m_layout.targets.size(); ++i)
        column[m_layout.targets[i].id] = i;
    const size_t targets = m_layout.targets.size();
    return [column, targets](QSqlDatabase& db, const std::vector<qint64>& ids) -> Result<std::vector<PagedRow>> {
        std::vector<PagedRow> rows;
        if (ids.empty())
            return rows;
        const QString list = idList(ids);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id, domain, key, description, revision_no, lifecycle, updated_at"
                                   " FROM object WHERE id IN (%1)")
                        .arg(list)))
            return makeError(sqlError(q, QStringLiteral("matrix rows")));
        std::map<qint64, size_t> at;
        while (q.next()) {
            PagedRow r;
            r.id = q.value(0).toLongLong();
            r.values.resize(VFirstTarget + targets * kPerTarget);
            for (int v = VDomain; v < VFirstTarget; ++v)
                r.values[static_cast<size_t>(v)] = q.value(v + 1);
            at[r.id] = rows.size();
            rows.push_back(std::move(r));
        }
        if (!q.exec(QStringLiteral("SELECT ot.object_id, ot.target_id, ot.status, ot.latest_revision_no,"
                                   " ot.acked_revision_no, ot.updated_at, d.last_error, d.attempts"
                                   " FROM object_target ot LEFT JOIN delivery d ON d.id = ot.latest_delivery_id"
                                   " WHERE ot.object_id IN (%1)")
                        .arg(list)))
            return makeError(sqlError(q, QStringLiteral("matrix cells")));
        while (q.next()) {
            auto row = at.find(q.value(0).toLongLong());
            auto col = column.find(q.value(1).toString());
            if (row == at.end() || col == column.end())
                continue;
            auto& values = rows[row->second].values;
            const size_t base = VFirstTarget + col->second * kPerTarget;
            for (int v = TStatus; v < kPerTarget; ++v)
                values[base + static_cast<size_t>(v)] = q.value(v + 2);
        }
        return rows;
    };
}

QVariant MatrixModel::cellData(const PagedRow& row, int column, int role) const
{
    auto value = [&row](size_t i) { return i < row.values.size() ? row.values[i] : QVariant(); };
    if (role == DomainRole)
        return value(VDomain);
    if (role == KeyRole)
        return value(VKey);
    if (column < FirstTargetColumn) {
        if (role == Qt::DisplayRole || role == Qt::EditRole) {
            if (column == UpdatedColumn)
                return ageText(value(VUpdated).toLongLong(), now());
            return value(static_cast<size_t>(column));
        }
        if (role == Qt::ToolTipRole && column == UpdatedColumn)
            return QLocale().toString(
                QDateTime::fromMSecsSinceEpoch(value(VUpdated).toLongLong()).toLocalTime(), QLocale::ShortFormat);
        if (role == Qt::TextAlignmentRole && column == RevisionColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    const size_t t = static_cast<size_t>(column - FirstTargetColumn);
    if (t >= m_layout.targets.size())
        return {};
    const size_t base = VFirstTarget + t * kPerTarget;
    QString status = value(base + TStatus).toString();
    if (status.isEmpty()) {
        // No delivery of this object to the target: it does not subscribe to the domain, or its filter
        // excludes the object.
        status = QStringLiteral("not_subscribed");
        if (role == Qt::ToolTipRole) {
            const bool subscribed
                = m_layout.subscribed.count({ value(VDomain).toString(), m_layout.targets[t].id }) > 0;
            return subscribed
                ? tr("%1 subscribes to %2, but its subscription filter excludes this object")
                      .arg(m_layout.targets[t].id, value(VDomain).toString())
                : tr("%1 does not subscribe to %2").arg(m_layout.targets[t].id, value(VDomain).toString());
        }
    }
    if (role == StatusRole)
        return status;
    const StatusLook look = deliveryStatusLook(status);
    switch (role) {
    case Qt::DisplayRole:
        return look.label;
    case Qt::DecorationRole:
        return look.icon;
    case Qt::BackgroundRole:
        return status == QLatin1String("not_subscribed") ? QVariant() : QVariant(tinted(look.color));
    case Qt::ToolTipRole: {
        QString tip = tr("<b>%1</b> at %2<br>revision %3 (object at revision %4)")
                          .arg(look.label, m_layout.targets[t].id)
                          .arg(value(base + TRevision).toLongLong())
                          .arg(value(VRevision).toLongLong());
        if (!value(base + TAcked).isNull())
            tip += tr("<br>last acknowledged: revision %1").arg(value(base + TAcked).toLongLong());
        tip += tr("<br>status for %1").arg(ageText(value(base + TUpdated).toLongLong(), now()));
        if (value(base + TAttempts).toInt() > 0)
            tip += tr("<br>attempts: %1").arg(value(base + TAttempts).toInt());
        const QString error = value(base + TError).toString();
        if (!error.isEmpty())
            tip += tr("<br>last error: %1").arg(error.toHtmlEscaped());
        return tip;
    }
    }
    return {};
}

} // namespace mdsync::ui
