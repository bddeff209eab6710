#include "views/exceptionsview.h"

#include "corecontroller.h"
#include "views/exceptioncommands.h"
#include "views/exceptiondialogs.h"
#include "views/pagedtable.h"
#include "widgets/exceptiondetail.h"
#include "widgets/statusstyle.h"

#include <QAction>
#include <QComboBox>
#include <QCryptographicHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressDialog>
#include <QSettings>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

using ExChoices = read::ExceptionChoices;

const char* const kExStatuses[]
    = { "open", "assigned", "awaiting_approval", "replayed", "resolved", "discarded", "superseded" };

} // namespace

ExceptionsView::ExceptionsView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
    , m_model(new ExceptionsModel(ctx.reader, this))
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QWidget(this);
    buildFilterBar(bar);
    layout->addWidget(bar);

    auto* toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    layout->addWidget(toolbar);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* left = new QSplitter(Qt::Vertical, split);
    m_groups = new QTreeWidget(left);
    m_groups->setColumnCount(2);
    m_groups->setHeaderLabels({ tr("Group"), tr("Open") });
    m_groups->setRootIsDecorated(true);
    m_groups->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_groups->hide();
    m_table = new QTableView(left);
    m_table->setModel(m_model);
    keepRowsInView(m_table, m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(ExceptionsModel::Id, Qt::DescendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    const int widths[] = { 56, 130, 90, 160, 90, 60, 64, 80, 120 };
    for (int c = 0; c < ExceptionsModel::Message; ++c)
        m_table->setColumnWidth(c, widths[c]);
    left->setStretchFactor(1, 3);
    m_detail = new ExceptionDetailPane(ctx, split);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({ 900, 480 });
    layout->addWidget(split, 1);
    m_statusLine = new QLabel(this);
    layout->addWidget(m_statusLine);

    buildActions();
    for (const char* name : { "assignMe", "assignTo", "replay", "discard", "rule" })
        toolbar->addAction(m_actions.value(QLatin1String(name)));
    toolbar->addSeparator();
    toolbar->addAction(m_actions.value(QStringLiteral("previous")));
    toolbar->addAction(m_actions.value(QStringLiteral("next")));
    toolbar->addSeparator();
    toolbar->addWidget(m_impactButton); // made with the filter bar; the bar has no room left
    toolbar->addWidget(m_savedButton);

    connect(m_model, &PagedSqlModel::listLoaded, this, &ExceptionsView::onListLoaded);
    connect(m_model, &PagedSqlModel::queryFailed, this,
        [this](const QString& message) { m_statusLine->setText(tr("Query failed: %1").arg(message)); });
    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ExceptionsView::onCurrentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ExceptionsView::updateActions);
    connect(m_groups, &QTreeWidget::itemClicked, this, &ExceptionsView::onGroupClicked);
    connect(m_detail, &ExceptionDetailPane::actionFinished, this, [this] { m_model->refresh(); });
    if (ctx.core)
        connect(ctx.core, &CoreController::changed, this, &ExceptionsView::onCoreChanged);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    for (const char* name : { "assignMe", "assignTo", "replay", "discard", "rule" })
        m_table->addAction(m_actions.value(QLatin1String(name)));

    m_model->setFilter(filterFromWidgets());
    loadChoices();
    updateActions();
}

void ExceptionsView::buildFilterBar(QWidget* bar)
{
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_text = new QLineEdit(bar);
    m_text->setPlaceholderText(tr("Object key or message (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->setMinimumWidth(200);
    row->addWidget(m_text, 2);
    auto combo = [&](const QString& any) {
        auto* c = new QComboBox(bar);
        c->addItem(any, QString());
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        row->addWidget(c);
        connect(c, &QComboBox::currentIndexChanged, this, &ExceptionsView::onFilterEdited);
        return c;
    };
    m_category = combo(tr("All categories"));
    m_severity = combo(tr("All severities"));
    m_target = combo(tr("All targets"));
    m_domain = combo(tr("All domains"));

    m_statusButton = new QToolButton(bar);
    m_statusButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_statusButton);
    const QStringList defaults { QStringLiteral("open"), QStringLiteral("assigned"),
        QStringLiteral("awaiting_approval") };
    for (const char* s : kExStatuses) {
        QAction* a = menu->addAction(ExceptionsModel::statusLabel(QLatin1String(s)));
        a->setData(QLatin1String(s));
        a->setCheckable(true);
        a->setChecked(defaults.contains(QLatin1String(s)));
        connect(a, &QAction::toggled, this, &ExceptionsView::onFilterEdited);
        m_statusActions << a;
    }
    m_statusButton->setMenu(menu);
    m_statusButton->setToolTip(tr("Statuses shown"));
    m_statusButton->setText(tr("open, assigned, awaiting approval"));
    row->addWidget(m_statusButton);

    m_olderThan = combo(tr("Any age"));
    const std::pair<const char*, int> ages[] = { { QT_TR_NOOP("Older than 15 min"), 15 },
        { QT_TR_NOOP("Older than 1 h"), 60 }, { QT_TR_NOOP("Older than 4 h"), 240 },
        { QT_TR_NOOP("Older than 1 day"), 1440 }, { QT_TR_NOOP("Older than 7 days"), 7 * 1440 } };
    for (const auto& [label, minutes] : ages)
        m_olderThan->addItem(tr(label), minutes);

    m_groupBy = new QComboBox(bar);
    m_groupBy->addItem(tr("No grouping"), QString());
    m_groupBy->addItem(tr("Group by category"), QStringLiteral("category"));
    m_groupBy->addItem(tr("Group by target"), QStringLiteral("target"));
    m_groupBy->addItem(tr("Group by cause"), QStringLiteral("cause"));
    m_groupBy->setToolTip(tr("Cause: the same target, category and error text, whatever object, value or number "
                             "it names. Click a cause to list its exceptions, then select them all (Ctrl+A) for "
                             "one action on the group."));
    row->addWidget(m_groupBy);
    connect(m_groupBy, &QComboBox::currentIndexChanged, this, [this] {
        m_groups->setVisible(!m_groupBy->currentData().toString().isEmpty());
        refreshGroups();
    });

    m_impactButton = new QToolButton(bar);
    m_impactButton->setText(tr("By impact"));
    m_impactButton->setCheckable(true);
    m_impactButton->setToolTip(tr("Most business impact first: the criticality of the subscription it blocks, the "
                                  "object's lifecycle state (released first), how many objects use it (BOMs of an "
                                  "item), then severity and age. A click on a column header sorts by that column."));
    connect(m_impactButton, &QToolButton::toggled, this, [this](bool on) {
        if (on)
            m_table->horizontalHeader()->setSortIndicator(-1, Qt::DescendingOrder);
        m_model->setImpactSort(on);
    });
    connect(m_model, &ExceptionsModel::impactSortChanged, m_impactButton, [this](bool on) {
        const QSignalBlocker block(m_impactButton);
        m_impactButton->setChecked(on);
    });

    m_savedButton = new QToolButton(bar);
    m_savedButton->setText(tr("Saved filters"));
    m_savedButton->setToolTip(tr("Save the current filter and grouping under a name, or apply one saved before (kept "
                                 "per workspace and user on this workstation)"));
    m_savedButton->setPopupMode(QToolButton::InstantPopup);
    auto* savedMenu = new QMenu(m_savedButton);
    connect(savedMenu, &QMenu::aboutToShow, this, [this, savedMenu] {
        savedMenu->clear();
        savedMenu->addAction(tr("Save the current filter…"), this, [this] {
            bool ok = false;
            const QString name = QInputDialog::getText(
                this, tr("Save filter"), tr("Name of the filter:"), QLineEdit::Normal, QString(), &ok);
            if (ok && !name.trimmed().isEmpty())
                saveFilter(name.trimmed());
        });
        const QStringList names = savedFilterNames();
        if (names.isEmpty())
            return;
        savedMenu->addSeparator();
        for (const QString& name : names)
            savedMenu->addAction(name, this, [this, name] { applySavedFilter(name); });
        QMenu* remove = savedMenu->addMenu(tr("Delete"));
        for (const QString& name : names)
            remove->addAction(name, this, [this, name] { deleteSavedFilter(name); });
    });
    m_savedButton->setMenu(savedMenu);

    m_textTimer = new QTimer(this);
    m_textTimer->setSingleShot(true);
    m_textTimer->setInterval(250);
    connect(m_text, &QLineEdit::textChanged, m_textTimer, qOverload<>(&QTimer::start));
    connect(m_textTimer, &QTimer::timeout, this, &ExceptionsView::onFilterEdited);
}

void ExceptionsView::buildActions()
{
    auto make = [this](const char* name, const QString& text, const QString& icon, const QList<QKeySequence>& keys,
                    auto slot) {
        auto* a = new QAction(icon.isEmpty() ? QIcon() : uiIcon(icon), text, this);
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        QStringList shown;
        for (const QKeySequence& k : keys)
            shown << k.toString(QKeySequence::NativeText);
        a->setToolTip(shown.isEmpty() ? text : tr("%1 (%2)").arg(text, shown.join(tr(" or "))));
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_actions.insert(QLatin1String(name), a);
        return a;
    };
    make("assignMe", tr("Assign to me"), QStringLiteral("status-acked"), { QKeySequence(tr("Ctrl+Shift+A")) },
        [this] { assignSelected(QString::fromStdString(m_ctx.core ? m_ctx.core->actor() : std::string())); });
    make("assignTo", tr("Assign to…"), QString(), {}, [this] {
        bool ok = false;
        const QString login = QInputDialog::getText(this, tr("Assign"),
            tr("Assign %n exception(s) to login:", nullptr, static_cast<int>(selectedIds().size())), QLineEdit::Normal,
            QString(), &ok);
        if (ok && !login.trimmed().isEmpty())
            assignSelected(login.trimmed());
    });
    make("replay", tr("Replay"), QStringLiteral("status-retrying"), { QKeySequence(tr("Ctrl+R")) },
        [this] { replaySelected(); });
    make("discard", tr("Discard…"), QStringLiteral("status-superseded"), { QKeySequence(tr("Ctrl+D")) }, [this] {
        const auto ids = selectedIds();
        if (ids.empty())
            return;
        ExceptionDiscardDialog d(static_cast<int>(ids.size()), this);
        if (d.exec() == QDialog::Accepted)
            discardSelected(d.reason(), d.text());
    });
    make("rule", tr("Fix rule…"), QString(), {}, [this] {
        const auto ids = selectedIds();
        if (ids.empty())
            return;
        ExceptionFixRuleDialog d(m_ctx, ids, this);
        if (d.exec() == QDialog::Accepted)
            if (auto r = d.rule())
                applyFixRule(r.value());
    });
    make("next", tr("Next"), QString(), { QKeySequence(Qt::Key_J), QKeySequence(tr("Alt+Down")) },
        [this] { selectNext(1); });
    make("previous", tr("Previous"), QString(), { QKeySequence(Qt::Key_K), QKeySequence(tr("Alt+Up")) },
        [this] { selectNext(-1); });
    make("focusFilter", tr("Find"), QString(), { QKeySequence(tr("Ctrl+F")) }, [this] {
        m_text->setFocus();
        m_text->selectAll();
    });
}

QAction* ExceptionsView::action(const QString& name) const
{
    return m_actions.value(name);
}

QString ExceptionsView::savedFiltersKey() const
{
    const QString who = m_ctx.core
        ? m_ctx.core->workspacePath() + QLatin1Char('\n') + QString::fromStdString(m_ctx.core->actor())
        : QString();
    return QStringLiteral("exceptions/savedFilters/")
        + QString::fromLatin1(QCryptographicHash::hash(who.toUtf8(), QCryptographicHash::Sha256).toHex().left(16));
}

QVariantMap ExceptionsView::currentFilterMap() const
{
    const ExceptionFilter f = filterFromWidgets();
    QVariantMap m;
    m[QStringLiteral("text")] = f.text;
    m[QStringLiteral("category")] = f.category;
    m[QStringLiteral("severity")] = f.severity;
    m[QStringLiteral("target")] = f.target;
    m[QStringLiteral("domain")] = f.domain;
    m[QStringLiteral("status")] = f.statuses;
    m[QStringLiteral("older_than_minutes")] = f.olderThanMs / (60 * 1000);
    if (!f.objectKey.isEmpty())
        m[QStringLiteral("object_key")] = f.objectKey;
    m[QStringLiteral("group_by")] = m_groupBy->currentData().toString();
    return m;
}

void ExceptionsView::saveFilter(const QString& name)
{
    QSettings settings;
    QVariantMap all = settings.value(savedFiltersKey()).toMap();
    all[name] = currentFilterMap();
    settings.setValue(savedFiltersKey(), all);
}

QStringList ExceptionsView::savedFilterNames() const
{
    QStringList names = QSettings().value(savedFiltersKey()).toMap().keys();
    names.sort(Qt::CaseInsensitive);
    return names;
}

bool ExceptionsView::applySavedFilter(const QString& name)
{
    const QVariantMap all = QSettings().value(savedFiltersKey()).toMap();
    const auto it = all.find(name);
    if (it == all.end())
        return false;
    const QVariantMap m = it->toMap();
    applyFilter(m);
    m_groupBy->setCurrentIndex(std::max(0, m_groupBy->findData(m.value(QStringLiteral("group_by")).toString())));
    return true;
}

void ExceptionsView::deleteSavedFilter(const QString& name)
{
    QSettings settings;
    QVariantMap all = settings.value(savedFiltersKey()).toMap();
    all.remove(name);
    settings.setValue(savedFiltersKey(), all);
}

ExceptionFilter ExceptionsView::filterFromWidgets() const
{
    ExceptionFilter f;
    f.text = m_text->text().trimmed();
    f.category = m_category->currentData().toString();
    f.severity = m_severity->currentData().toString();
    f.target = m_target->currentData().toString();
    f.domain = m_domain->currentData().toString();
    f.objectKey = m_objectKey;
    f.ids = m_idFilter;
    f.olderThanMs = m_olderThan->currentData().toLongLong() * 60 * 1000;
    f.statuses.clear();
    for (QAction* a : m_statusActions)
        if (a->isChecked())
            f.statuses << a->data().toString();
    return f;
}

void ExceptionsView::onFilterEdited()
{
    if (m_applyingFilter)
        return;
    QStringList labels;
    for (QAction* a : m_statusActions)
        if (a->isChecked())
            labels << a->text();
    m_statusButton->setText(labels.isEmpty() ? tr("Any status") : labels.join(QStringLiteral(", ")));
    const ExceptionFilter f = filterFromWidgets();
    if (f == m_model->filter())
        return;
    m_model->setFilter(f);
    refreshGroups();
}

void ExceptionsView::setCombo(QComboBox* combo, const QString& value)
{
    int i = combo->findData(value);
    if (i < 0 && !value.isEmpty()) {
        combo->addItem(value, value);
        i = combo->count() - 1;
    }
    combo->setCurrentIndex(std::max(0, i));
}

void ExceptionsView::applyFilter(const QVariantMap& map)
{
    const ExceptionFilter f = ExceptionFilter::fromMap(map);
    m_applyingFilter = true;
    m_text->setText(f.text);
    m_textTimer->stop();
    setCombo(m_category, f.category);
    setCombo(m_severity, f.severity);
    setCombo(m_target, f.target);
    setCombo(m_domain, f.domain);
    m_objectKey = f.objectKey;
    m_idFilter = f.ids;
    const qint64 olderThanMinutes = f.olderThanMs / (60 * 1000);
    int age = 0;
    for (int i = 1; i < m_olderThan->count(); ++i)
        if (m_olderThan->itemData(i).toLongLong() <= olderThanMinutes)
            age = i;
    m_olderThan->setCurrentIndex(olderThanMinutes > 0 ? std::max(1, age) : 0);
    for (QAction* a : m_statusActions)
        a->setChecked(f.statuses.contains(a->data().toString()));
    m_applyingFilter = false;
    onFilterEdited();
    // The navigator's exact age wins over the nearest preset.
    if (f.olderThanMs > 0 && m_model->filter().olderThanMs != f.olderThanMs) {
        ExceptionFilter exact = m_model->filter();
        exact.olderThanMs = f.olderThanMs;
        m_model->setFilter(exact);
    }
}

void ExceptionsView::loadChoices()
{
    if (!m_ctx.reader)
        return;
    m_ctx.reader->run<ExChoices>(
        this, &m_choiceChannel, [](QSqlDatabase& db) { return read::exceptionChoices(db); },
        [this](Result<ExChoices> r) {
            if (!r)
                return;
            m_applyingFilter = true;
            auto fill = [](QComboBox* c, const QStringList& values) {
                for (const QString& v : values)
                    if (c->findData(v) < 0)
                        c->addItem(v, v);
            };
            fill(m_category, r->categories);
            for (const QString& v : r->severities) {
                if (m_severity->findData(v) >= 0)
                    continue;
                const StatusLook look = severityLook(v);
                m_severity->addItem(look.icon, look.label, v);
            }
            fill(m_target, r->targets);
            fill(m_domain, r->domains);
            m_applyingFilter = false;
        });
}

void ExceptionsView::refreshGroups()
{
    const QString by = m_groupBy->currentData().toString();
    if (by.isEmpty() || !m_ctx.reader) {
        m_groupChannel.invalidate();
        return;
    }
    ExceptionFilter f = m_model->filter();
    if (by == QLatin1String("cause")) {
        refreshCauses(f);
        return;
    }
    if (by == QLatin1String("category"))
        f.category.clear();
    else
        f.target.clear();
    m_ctx.reader->run<std::map<QString, qint64>>(
        this, &m_groupChannel, [f, by](QSqlDatabase& db) { return exceptionGroupCounts(db, f, by); },
        [this, by](Result<std::map<QString, qint64>> r) {
            if (!r) {
                m_statusLine->setText(r.error());
                return;
            }
            const QString selected
                = by == QLatin1String("category") ? m_model->filter().category : m_model->filter().target;
            m_groups->clear();
            qint64 total = 0;
            for (const auto& [group, n] : r.value())
                total += n;
            auto* all = new QTreeWidgetItem(m_groups,
                { by == QLatin1String("category") ? tr("All categories") : tr("All targets"), QString::number(total) });
            all->setData(0, Qt::UserRole, QString());
            for (const auto& [group, n] : r.value()) {
                auto* item = new QTreeWidgetItem(
                    all, { group.isEmpty() ? tr("(inbound: no target)") : group, QString::number(n) });
                item->setData(0, Qt::UserRole, group);
                item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
                if (group == selected && !selected.isEmpty())
                    m_groups->setCurrentItem(item);
            }
            all->setExpanded(true);
            Q_EMIT groupsLoaded();
        });
}

void ExceptionsView::refreshCauses(ExceptionFilter f)
{
    f.ids.clear(); // the causes of everything else the filter shows
    m_ctx.reader->run<read::ExceptionCauses>(
        this, &m_groupChannel, [f](QSqlDatabase& db) { return read::exceptionCauses(db, f, nowMs()); },
        [this](Result<read::ExceptionCauses> r) {
            if (!r) {
                m_statusLine->setText(r.error());
                return;
            }
            m_groups->clear();
            qint64 total = 0;
            for (const read::ExceptionCause& c : r->groups)
                total += static_cast<qint64>(c.ids.size());
            auto* all = new QTreeWidgetItem(m_groups, { tr("All causes"), QString::number(total) });
            all->setData(0, Qt::UserRole, QVariantList());
            for (const read::ExceptionCause& c : r->groups) {
                const QString where = c.target.isEmpty() ? tr("inbound") : c.target;
                auto* item = new QTreeWidgetItem(all,
                    { QStringLiteral("%1 · %2: %3").arg(where, c.category, c.text), QString::number(c.ids.size()) });
                item->setToolTip(0, item->text(0));
                QVariantList ids;
                ids.reserve(static_cast<qsizetype>(c.ids.size()));
                for (const qint64 id : c.ids)
                    ids << id;
                item->setData(0, Qt::UserRole, ids);
                item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
                if (!m_idFilter.empty() && c.ids == m_idFilter)
                    m_groups->setCurrentItem(item);
            }
            if (r->truncated)
                new QTreeWidgetItem(all, { tr("(more exceptions than are grouped: narrow the filter)"), QString() });
            all->setExpanded(true);
            Q_EMIT groupsLoaded();
        });
}

void ExceptionsView::onGroupClicked(QTreeWidgetItem* item)
{
    if (!item)
        return;
    if (m_groupBy->currentData().toString() == QLatin1String("cause")) {
        // The exceptions of the cause as it was grouped (a later one of the same cause shows after regrouping).
        m_idFilter.clear();
        for (const QVariant& v : item->data(0, Qt::UserRole).toList())
            m_idFilter.push_back(v.toLongLong());
        onFilterEdited();
        return;
    }
    const QString group = item->data(0, Qt::UserRole).toString();
    setCombo(m_groupBy->currentData().toString() == QLatin1String("category") ? m_category : m_target, group);
}

void ExceptionsView::showEvent(QShowEvent* event)
{
    ControlTowerView::showEvent(event);
    if (m_stale)
        activate();
}

void ExceptionsView::activate()
{
    if (!m_stale)
        return;
    m_stale = false;
    m_model->refresh();
    refreshGroups();
    loadChoices();
    m_detail->refresh();
}

void ExceptionsView::onCoreChanged()
{
    m_stale = true;
    if (isVisible())
        activate();
}

void ExceptionsView::onListLoaded()
{
    m_ready = true;
    // The model keeps the current row and the selection on their exceptions by id through a refresh; here only
    // what it cannot do: a first row when nothing was shown yet, the shown exception found again after a filter
    // change, and no current row when the shown exception left the list (the pane stays on it and says so).
    const qint64 shown = m_detail->exceptionId();
    const QModelIndex current = m_table->currentIndex();
    if (shown && (!current.isValid() || m_model->idAt(current.row()) != shown)) {
        const int row = m_model->rowOfId(shown);
        if (row >= 0) {
            const QModelIndex target = m_model->index(row, std::max(0, current.column()));
            m_table->selectionModel()->setCurrentIndex(
                target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_table->scrollTo(target);
        } else if (m_model->lastListWasReset()) {
            // The steward's own filter change removed it: the first exception of the new list, if any.
            if (m_model->rowCount() > 0)
                m_table->setCurrentIndex(m_model->index(0, 0));
            else
                m_detail->showException(0);
        } else if (current.isValid()) {
            // A refresh removed its row and Qt moved the current index to a neighbour: no row stands for it now.
            m_keepDetail = true;
            m_table->selectionModel()->clearCurrentIndex();
            m_keepDetail = false;
        }
    } else if (!shown && !current.isValid() && m_model->rowCount() > 0 && !isBulkRunning()) {
        m_table->setCurrentIndex(m_model->index(0, 0));
    }
    const qint64 id = m_detail->exceptionId();
    const QModelIndex now = m_table->currentIndex();
    m_detail->setListed(!id || (now.isValid() && m_model->idAt(now.row()) == id) || m_model->rowOfId(id) >= 0);
    updateActions();
}

void ExceptionsView::onCurrentChanged()
{
    // Only the steward moves the detail pane: a current index that a refresh moved (its row left the list) does not,
    // so an edit in progress is never carried over to another exception.
    if (!m_model->isApplyingList() && !m_keepDetail) {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            m_detail->showException(m_model->idAt(current.row()));
    }
    updateActions();
}

void ExceptionsView::updateActions()
{
    const bool any = !m_table->selectionModel()->selectedRows().isEmpty() || m_table->currentIndex().isValid();
    for (const char* name : { "assignMe", "assignTo", "replay", "discard", "rule" })
        m_actions.value(QLatin1String(name))->setEnabled(any && !isBulkRunning());
    updateStatusLine();
}

void ExceptionsView::updateStatusLine()
{
    const int selected = static_cast<int>(m_table->selectionModel()->selectedRows().size());
    QString text = tr("%n exception(s)", nullptr, m_model->rowCount());
    if (selected > 1)
        text += tr(", %n selected", nullptr, selected);
    text += tr(" · query %1 ms").arg(m_model->lastQueryMs());
    m_statusLine->setText(text);
}

std::vector<std::int64_t> ExceptionsView::selectedIds() const
{
    std::vector<std::int64_t> ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    ids.reserve(static_cast<size_t>(rows.size()));
    for (const QModelIndex& i : rows)
        if (const qint64 id = m_model->idAt(i.row()))
            ids.push_back(id);
    if (ids.empty() && m_table->currentIndex().isValid())
        if (const qint64 id = m_model->idAt(m_table->currentIndex().row()))
            ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

void ExceptionsView::selectNext(int step)
{
    const int rows = m_model->rowCount();
    if (!rows)
        return;
    const QModelIndex current = m_table->currentIndex();
    const int row = current.isValid() ? std::clamp(current.row() + step, 0, rows - 1) : 0;
    const QModelIndex target = m_model->index(row, std::max(0, current.column()));
    m_table->selectionModel()->setCurrentIndex(target, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(target);
}

void ExceptionsView::assignSelected(const QString& login)
{
    auto ids = selectedIds();
    if (ids.empty() || login.isEmpty())
        return;
    const int n = static_cast<int>(ids.size());
    runBulk(tr("Assigning %n exception(s) to %1", nullptr, n).arg(login),
        exceptionAssignCommand(std::move(ids), login.toStdString()), n);
}

void ExceptionsView::replaySelected(const QString& reason)
{
    auto ids = selectedIds();
    if (ids.empty())
        return;
    const int n = static_cast<int>(ids.size());
    runBulk(
        tr("Replaying %n exception(s)", nullptr, n), exceptionReplayCommand(std::move(ids), reason.toStdString()), n);
}

void ExceptionsView::discardSelected(DiscardReason reason, const QString& text)
{
    auto ids = selectedIds();
    if (ids.empty())
        return;
    const int n = static_cast<int>(ids.size());
    runBulk(tr("Discarding %n exception(s)", nullptr, n),
        exceptionDiscardCommand(std::move(ids), reason, text.toStdString()), n);
}

void ExceptionsView::applyFixRule(const FixRule& rule)
{
    runBulk(
        tr("Applying fix rule “%1”").arg(QString::fromStdString(rule.name)), exceptionFixRuleCommand(rule, true), 1);
}

void ExceptionsView::runBulk(const QString& title, CoreCommand command, int total)
{
    if (isBulkRunning() || !m_ctx.core)
        return;
    m_cancel = std::make_shared<std::atomic_bool>(false);
    // Not modal: a modal QProgressDialog spins the event loop inside setValue(); the backlog's actions are
    // disabled instead while the command runs.
    auto* progress = new QProgressDialog(title, tr("Cancel"), 0, std::max(1, total), this);
    progress->setWindowModality(Qt::NonModal);
    progress->setMinimumDuration(0);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setValue(0);
    progress->show();
    m_progress = progress;
    auto cancel = m_cancel;
    connect(progress, &QProgressDialog::canceled, this, [cancel, progress] {
        cancel->store(true);
        progress->setLabelText(tr("Cancelling after the current item…"));
    });
    m_bulkId = m_ctx.core->submit(std::move(command),
        exGuarded(this,
            [this, title](bool ok, const QString& error, const nlohmann::json& result) {
                m_bulkId = 0;
                if (m_progress)
                    m_progress->close();
                m_lastBulk = ok ? result : nlohmann::json { { "error", error.toStdString() } };
                updateActions();
                m_model->refresh();
                refreshGroups();
                m_detail->refresh(true); // the steward's own action
                if (ok) {
                    auto* dialog = new ExceptionBulkResultDialog(title, result, this);
                    dialog->show();
                    m_resultDialog = dialog;
                } else {
                    m_statusLine->setText(tr("%1: refused by the core: %2").arg(title, error));
                }
                Q_EMIT bulkFinished(ok, error);
            }),
        m_cancel);
    const quint64 id = m_bulkId;
    connect(m_ctx.core, &CoreController::commandProgress, progress,
        [this, progress, id](quint64 command, int done, int max, const QString& text) {
            if (command != id)
                return;
            if (progress->maximum() != std::max(1, max))
                progress->setMaximum(std::max(1, max));
            progress->setValue(done);
            if (!m_cancel || !m_cancel->load())
                progress->setLabelText(tr("%1 of %2: %3").arg(done).arg(max).arg(text));
            Q_EMIT bulkProgress(done, max);
        });
    updateActions();
}

} // namespace mdsync::ui
