#include "views/policiesview.h"

#include "config/configstore.h"
#include "contract/contract.h"
#include "corecontroller.h"
#include "store/readviews.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelection>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSet>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace mdsync::ui {

namespace {

QTableWidget* policiesTable(QWidget* parent)
{
    auto* t = new QTableWidget(parent);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setSortingEnabled(false);
    return t;
}

// A row's identity across reloads: the text of its key columns (domain and group; the subscription's id; domain,
// target and version of a contract).
QString policiesRowKey(const QTableWidget* t, int row, const std::vector<int>& keyColumns)
{
    QStringList key;
    for (int c : keyColumns)
        if (const QTableWidgetItem* item = t->item(row, c))
            key << item->text();
    return key.join(QLatin1Char('\t'));
}

// Fills the table; a reload keeps the selected rows, the current row (by their key) and the scroll position.
void policiesFill(QTableWidget* t, const QStringList& headers, const std::vector<QStringList>& rows,
    const std::vector<int>& keyColumns)
{
    QSet<QString> selected;
    for (const QModelIndex& i : t->selectionModel()->selectedRows())
        selected.insert(policiesRowKey(t, i.row(), keyColumns));
    const QString current = t->currentRow() >= 0 ? policiesRowKey(t, t->currentRow(), keyColumns) : QString();
    const int scrollY = t->verticalScrollBar()->value();
    const int scrollX = t->horizontalScrollBar()->value();
    t->clear();
    t->setColumnCount(static_cast<int>(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->setRowCount(static_cast<int>(rows.size()));
    for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
        const QStringList& row = rows[static_cast<size_t>(r)];
        for (int c = 0; c < row.size() && c < headers.size(); ++c) {
            auto* item = new QTableWidgetItem(row.at(c));
            item->setToolTip(row.at(c));
            t->setItem(r, c, item);
        }
    }
    t->resizeColumnsToContents();
    for (int c = 0; c < t->columnCount(); ++c)
        t->setColumnWidth(c, std::min(t->columnWidth(c), 320));
    if (!selected.isEmpty() || !current.isEmpty()) {
        QItemSelection keep;
        for (int r = 0; r < t->rowCount(); ++r) {
            const QString key = policiesRowKey(t, r, keyColumns);
            if (key == current)
                t->selectionModel()->setCurrentIndex(t->model()->index(r, 0), QItemSelectionModel::NoUpdate);
            if (selected.contains(key))
                keep.select(t->model()->index(r, 0), t->model()->index(r, t->columnCount() - 1));
        }
        t->selectionModel()->select(keep, QItemSelectionModel::ClearAndSelect);
    }
    t->verticalScrollBar()->setValue(scrollY);
    t->horizontalScrollBar()->setValue(scrollX);
}

QString policiesMinutes(int m)
{
    return QStringLiteral("%1:%2").arg(m / 60, 2, 10, QLatin1Char('0')).arg(m % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

QStringList PoliciesView::subscriptionHeaders()
{
    return { tr("Domain"), tr("Target"), tr("Pattern"), tr("SLA"), tr("Criticality"), tr("Contract version"),
        tr("Window (UTC)"), tr("Filter"), tr("Subscription") };
}

QStringList PoliciesView::contractHeaders()
{
    return { tr("Domain"), tr("Target"), tr("Version"), tr("On loss"), tr("Fields"), tr("Required"),
        tr("Editable by stewards"), tr("Used by subscriptions") };
}

Result<PoliciesSnapshot> PoliciesView::loadSnapshot(QSqlDatabase& db, const QString& workspacePath, TimeMs now)
{
    PoliciesSnapshot s;
    auto data = read::policies(db, now);
    if (!data)
        return makeError(data.error());
    for (auto& d : data->domains)
        s.domains.push_back({ std::move(d.name), std::move(d.label), std::move(d.groups) });
    s.modelVersion = data->modelVersion;
    for (const auto& o : data->ownership) {
        QStringList& owners = s.owners[o.domain][o.group];
        if (!owners.contains(o.system))
            owners << o.system;
    }
    QMap<QString, QStringList> usedBy; // "domain|target|version" -> subscription ids
    for (const auto& sub : data->subscriptions) {
        QString window = tr("always");
        if (sub.windowStart && sub.windowEnd)
            window = QStringLiteral("%1–%2").arg(policiesMinutes(*sub.windowStart), policiesMinutes(*sub.windowEnd));
        QString filter = sub.filter;
        if (filter == QLatin1String("{}") || filter == QLatin1String("null") || filter == QLatin1String("[]"))
            filter.clear();
        s.subscriptions.push_back({ sub.domain, sub.target, sub.pattern,
            sub.slaMinutes > 0 ? tr("%n min", nullptr, sub.slaMinutes) : tr("none"), sub.criticality,
            sub.contractVersion, window, filter, sub.id });
        usedBy[sub.domain + QLatin1Char('|') + sub.target + QLatin1Char('|') + sub.contractVersion] << sub.id;
    }

    // Contracts: the built-in set checked against the configuration in force (as the core loads it).
    auto ws = Workspace::open(workspacePath, Workspace::Mode::ReadOnly);
    if (!ws) {
        s.note = tr("Contracts not shown: %1").arg(ws.error());
        return s;
    }
    auto cfg = loadActiveConfig(*ws.value());
    if (!cfg) {
        s.note = tr("Contracts not shown: %1").arg(cfg.error());
        return s;
    }
    for (const Contract& c : cfg.value().contracts->contracts()) {
        QStringList required;
        QStringList editable;
        for (const FieldMapping& f : c.fields) {
            if (f.required)
                required << qs(f.to);
            if (f.editable)
                editable << qs(f.to);
        }
        const QString key = qs(c.domain) + QLatin1Char('|') + qs(c.target) + QLatin1Char('|') + qs(c.version);
        s.contracts.push_back({ qs(c.domain), qs(c.target), qs(c.version), c.blockOnLoss ? tr("block") : tr("warn"),
            QString::number(c.fields.size()), required.join(QStringLiteral(", ")), editable.join(QStringLiteral(", ")),
            usedBy.value(key).join(QStringLiteral(", ")) });
    }
    return s;
}

PoliciesView::PoliciesView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    m_status = new QLabel(tr("Loading…"), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_tabs = new QTabWidget(this);
    m_ownership = policiesTable(m_tabs);
    m_ownership->setObjectName(QStringLiteral("ownershipTable"));
    m_subscriptions = policiesTable(m_tabs);
    m_subscriptions->setObjectName(QStringLiteral("subscriptionTable"));
    m_subscriptions->setSortingEnabled(true);
    m_contracts = policiesTable(m_tabs);
    m_contracts->setObjectName(QStringLiteral("contractTable"));
    m_tabs->addTab(m_ownership, tr("Ownership"));
    m_tabs->addTab(m_subscriptions, tr("Subscriptions"));
    m_tabs->addTab(m_contracts, tr("Contracts"));
    layout->addWidget(m_tabs, 1);
    auto* actions = new QHBoxLayout;
    m_editMapping = new QPushButton(tr("&Edit mapping…"), this);
    m_editMapping->setObjectName(QStringLiteral("editMappingButton"));
    m_editMapping->setToolTip(tr("Open the mapping editor on the contract of the selected subscription or contract"));
    m_editMapping->setEnabled(false);
    actions->addStretch(1);
    actions->addWidget(m_editMapping);
    layout->addLayout(actions);
    // The subscription (or contract) selected: its domain and target are the first two columns of both tables.
    auto selected = [this]() -> QTableWidget* {
        QTableWidget* t = m_tabs->currentWidget() == m_contracts ? m_contracts : m_subscriptions;
        return t->currentRow() >= 0 && m_tabs->currentWidget() != m_ownership ? t : nullptr;
    };
    auto update = [this, selected] { m_editMapping->setEnabled(m_ctx.nav && selected() != nullptr); };
    connect(m_tabs, &QTabWidget::currentChanged, this, update);
    for (QTableWidget* t : { m_subscriptions, m_contracts }) {
        connect(t, &QTableWidget::currentCellChanged, this, update);
    }
    connect(m_editMapping, &QPushButton::clicked, this, [this, selected] {
        QTableWidget* t = selected();
        if (!t || !m_ctx.nav)
            return;
        const QTableWidgetItem* domain = t->item(t->currentRow(), 0);
        const QTableWidgetItem* target = t->item(t->currentRow(), 1);
        if (domain && target)
            Q_EMIT m_ctx.nav->mappingEditorRequested(domain->text(), target->text());
    });
    // The configuration changes rarely (an approved proposal): reload on activation when the workspace changed.
}

void PoliciesView::activate()
{
    const quint64 version = m_ctx.core ? m_ctx.core->dataVersion() : 0;
    if (!m_ready || version != m_loadedVersion)
        load();
}

void PoliciesView::reload()
{
    load();
}

void PoliciesView::load()
{
    if (!m_ctx.reader)
        return;
    m_loadedVersion = m_ctx.core ? m_ctx.core->dataVersion() : 0;
    const QString path = m_ctx.reader->path();
    const TimeMs now = nowMs();
    m_ctx.reader->run<PoliciesSnapshot>(
        this, &m_channel, [path, now](QSqlDatabase& db) { return loadSnapshot(db, path, now); },
        [this](Result<PoliciesSnapshot> r) {
            if (!r) {
                m_status->setText(tr("Cannot read the policies: %1").arg(r.error()));
                return;
            }
            apply(r.value());
        });
}

void PoliciesView::apply(const PoliciesSnapshot& s)
{
    // Ownership matrix: a row per (domain, group), a column per domain would be sparse; instead rows =
    // domain × group with the owning system(s).
    std::vector<QStringList> rows;
    int unowned = 0;
    for (const auto& d : s.domains) {
        for (const QString& g : d.groups) {
            const QStringList owners = s.owners.value(d.name).value(g);
            if (owners.isEmpty())
                ++unowned;
            rows.push_back({ d.name, d.label, g, owners.isEmpty() ? tr("(none)") : owners.join(QStringLiteral(", ")) });
        }
    }
    policiesFill(
        m_ownership, { tr("Domain"), tr("Label"), tr("Attribute group"), tr("Owning system") }, rows, { 0, 2 });
    const bool sorting = m_subscriptions->isSortingEnabled();
    m_subscriptions->setSortingEnabled(false);
    policiesFill(m_subscriptions, subscriptionHeaders(), s.subscriptions, { 8 });
    m_subscriptions->setSortingEnabled(sorting);
    policiesFill(m_contracts, contractHeaders(), s.contracts, { 0, 1, 2 });
    QString text
        = tr("Model %1 · %2 ownership rules in force (%3 groups without owner) · %4 subscriptions · %5 contracts")
              .arg(s.modelVersion)
              .arg(rows.size() - static_cast<size_t>(unowned))
              .arg(unowned)
              .arg(s.subscriptions.size())
              .arg(s.contracts.size());
    if (!s.note.isEmpty())
        text += QStringLiteral("\n") + s.note;
    m_status->setText(text);
    m_ready = true;
    Q_EMIT loaded();
}

} // namespace mdsync::ui
