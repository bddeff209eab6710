#include "views/matrixview.h"

#include "corecontroller.h"
#include "models/matrixmodel.h"
#include "store/workspace.h"
#include "views/pagedtable.h"
#include "widgets/statusstyle.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace mdsync::ui {

namespace {

using RevisionRow = read::ObjectRevisions::Revision;
using RevisionSnapshot = read::ObjectRevisions;

} // namespace

MatrixView::MatrixView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Filter: key prefix or description…"));
    m_text->setClearButtonEnabled(true);
    m_domain = new QComboBox(this);
    m_status = new QComboBox(this);
    m_target = new QComboBox(this);
    m_plant = new QComboBox(this);
    m_age = new QComboBox(this);
    m_domain->addItem(tr("All domains"), QString());
    for (const char* d : { "item", "bom", "routing", "supplier", "customer", "location", "asset" })
        m_domain->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    m_status->addItem(tr("Any status"), QString());
    m_status->addItem(deliveryStatusLook(QStringLiteral("pending")).icon, tr("backlog (not delivered yet)"),
        QStringLiteral("backlog"));
    for (const char* s :
        { "acked", "pending", "in_flight", "held", "retry_wait", "blocked_by_outage", "failed", "superseded" })
        m_status->addItem(deliveryStatusLook(QString::fromLatin1(s)).icon,
            deliveryStatusLook(QString::fromLatin1(s)).label, QString::fromLatin1(s));
    m_target->addItem(tr("at any system"), QString());
    m_plant->addItem(tr("All plants"), QString());
    m_age->addItem(tr("Any age"), 0);
    m_age->addItem(tr("Changed > 15 min ago"), 15);
    m_age->addItem(tr("Changed > 1 h ago"), 60);
    m_age->addItem(tr("Changed > 1 day ago"), 24 * 60);
    m_count = new QLabel(this);
    bar->addWidget(m_text, 2);
    bar->addWidget(m_domain);
    bar->addWidget(m_status);
    bar->addWidget(m_target);
    bar->addWidget(m_plant);
    bar->addWidget(m_age);
    bar->addWidget(m_count, 1);
    layout->addLayout(bar);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(split);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSortIndicator(MatrixModel::KeyColumn, Qt::AscendingOrder);
    m_table->setIconSize(QSize(14, 14));
    auto* lower = new QWidget(split);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    m_revisionsTitle = new QLabel(tr("Select an object to see its revisions at each system."), lower);
    m_revisions = new QTableWidget(lower);
    m_revisions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_revisions->verticalHeader()->hide();
    m_revisions->setIconSize(QSize(14, 14));
    lowerLayout->addWidget(m_revisionsTitle);
    lowerLayout->addWidget(m_revisions);
    split->addWidget(m_table);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_debounce, &QTimer::timeout, this, &MatrixView::filterChanged);
    connect(m_text, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    for (QComboBox* c : { m_domain, m_status, m_target, m_plant, m_age })
        connect(c, &QComboBox::currentIndexChanged, this, &MatrixView::filterChanged);
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        m_ctx.nav->objectRequested(
            index.data(MatrixModel::DomainRole).toString(), index.data(MatrixModel::KeyRole).toString());
    });
    if (ctx.core)
        connect(ctx.core, &CoreController::changed, this, [this] {
            if (!isVisible()) {
                m_stale = true;
                return;
            }
            if (m_model)
                m_model->refresh();
        });
    createModel();
}

MatrixView::~MatrixView() = default;

void MatrixView::createModel()
{
    m_ctx.reader->run<MatrixLayout>(
        this, &m_layoutChannel, [](QSqlDatabase& db) { return loadMatrixLayout(db); },
        [this](Result<MatrixLayout> r) {
            if (!r) {
                m_count->setText(tr("Cannot read the workspace: %1").arg(r.error()));
                return;
            }
            QStringList plants;
            for (const auto& t : r->targets) {
                m_target->addItem(tr("at %1").arg(t.id), t.id);
                for (const QString& p : t.plants)
                    if (!plants.contains(p))
                        plants << p;
            }
            plants.sort();
            for (const QString& p : plants)
                m_plant->addItem(tr("Plant %1").arg(p), p);
            m_model = new MatrixModel(m_ctx.reader, std::move(r).value(), this);
            connect(m_model, &PagedSqlModel::listLoaded, this, &MatrixView::updateCount);
            connect(m_model, &PagedSqlModel::loadingChanged, this, &MatrixView::updateCount);
            connect(m_model, &PagedSqlModel::queryFailed, this,
                [this](const QString& e) { m_count->setText(tr("Query failed: %1").arg(e)); });
            m_table->setModel(m_model);
            keepRowsInView(m_table, m_model);
            auto* header = m_table->horizontalHeader();
            header->resizeSection(MatrixModel::DomainColumn, 70);
            header->resizeSection(MatrixModel::KeyColumn, 150);
            header->resizeSection(MatrixModel::DescriptionColumn, 240);
            header->resizeSection(MatrixModel::RevisionColumn, 44);
            header->resizeSection(MatrixModel::LifecycleColumn, 90);
            header->resizeSection(MatrixModel::UpdatedColumn, 70);
            for (int c = 0; c < MatrixModel::FirstTargetColumn; ++c) // translated headers may be longer
                header->resizeSection(c, std::max(header->sectionSize(c), header->sectionSizeHint(c)));
            // Wide enough for the longest usual status word in the UI language (icon and padding: 40 px).
            const int statusWidth = std::max(118,
                m_table->fontMetrics().horizontalAdvance(deliveryStatusLook(QStringLiteral("not_subscribed")).label)
                    + 40);
            for (int c = MatrixModel::FirstTargetColumn; c < m_model->columnCount(); ++c)
                header->resizeSection(c, statusWidth);
            // The drill-down follows the user's current row only: the model keeps the current row on its object
            // through a refresh, and when that object's row leaves, Qt's move to a neighbour is not followed (the
            // current index is cleared on listLoaded so that clicking the neighbour shows it).
            connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                [this](const QModelIndex& current) {
                    if (!m_model->isApplyingList() && current.isValid())
                        showRevisions(m_model->idAt(current.row()));
                });
            connect(m_model, &PagedSqlModel::listLoaded, this, [this] {
                const QModelIndex current = m_table->currentIndex();
                if (current.isValid() && m_model->idAt(current.row()) != m_revisionsObject
                    && !m_model->lastListWasReset())
                    m_table->selectionModel()->clearCurrentIndex();
            });
            if (!m_pendingFilter.isEmpty())
                applyFilter(std::exchange(m_pendingFilter, {}));
            // The first object's revisions once the first rows are in (the drill-down is never empty).
            connect(m_model, &PagedSqlModel::chunkLoaded, this, [this](int first) {
                if (first == 0 && !m_table->currentIndex().isValid() && m_model->rowCount() > 0
                    && (!m_revisionsObject || m_model->lastListWasReset()))
                    m_table->setCurrentIndex(m_model->index(0, MatrixModel::KeyColumn));
            });
        });
}

bool MatrixView::isReady() const
{
    return m_model && !m_model->isLoading() && (m_model->rowCount() == 0 || m_model->rowAt(0));
}

void MatrixView::activate()
{
    if (m_stale && m_model) {
        m_stale = false;
        m_model->refresh();
    }
}

void MatrixView::applyFilter(const QVariantMap& f)
{
    if (!m_model) {
        m_pendingFilter = f;
        return;
    }
    auto select = [](QComboBox* c, const QVariant& v) {
        const int i = c->findData(v);
        c->setCurrentIndex(i < 0 ? 0 : i);
    };
    const QSignalBlocker b1(m_text), b2(m_domain), b3(m_status), b4(m_target), b5(m_plant), b6(m_age);
    m_text->setText(f.value(QStringLiteral("text")).toString());
    select(m_domain, f.value(QStringLiteral("domain")).toString());
    select(m_status, f.value(QStringLiteral("status")).toString());
    select(m_target, f.value(QStringLiteral("target")).toString());
    select(m_plant, f.value(QStringLiteral("plant")).toString());
    const int age = f.value(QStringLiteral("older_than_minutes")).toInt();
    int best = 0;
    for (int i = 0; i < m_age->count(); ++i)
        if (m_age->itemData(i).toInt() <= age)
            best = i;
    m_age->setCurrentIndex(best);
    filterChanged();
}

void MatrixView::filterChanged()
{
    if (!m_model)
        return;
    MatrixFilter f;
    f.text = m_text->text();
    f.domain = m_domain->currentData().toString();
    f.status = m_status->currentData().toString();
    f.target = m_target->currentData().toString();
    f.plant = m_plant->currentData().toString();
    f.olderThanMinutes = m_age->currentData().toInt();
    m_model->setFilter(f);
}

void MatrixView::updateCount()
{
    if (!m_model)
        return;
    if (m_model->isLoading()) {
        m_count->setText(tr("Filtering…"));
        return;
    }
    m_count->setText(tr("%L1 objects (%2 ms)").arg(m_model->rowCount()).arg(m_model->lastQueryMs()));
}

void MatrixView::showRevisions(qint64 objectId)
{
    if (!objectId)
        return;
    m_revisionsObject = objectId;
    m_ctx.reader->run<RevisionSnapshot>(
        this, &m_revisionChannel, [objectId](QSqlDatabase& db) { return read::objectRevisions(db, objectId); },
        [this](Result<RevisionSnapshot> r) {
            if (!r) {
                m_revisionsTitle->setText(r.error());
                m_revisions->clear();
                return;
            }
            const MatrixLayout& layout = m_model->layout();
            m_revisionsTitle->setText(tr("Revisions of %1 %2 (newest first; double-click a row above for its lineage)")
                                          .arg(r->domain, r->key));
            QStringList headers = { tr("Rev"), tr("Source"), tr("By"), tr("Received"), tr("Changed") };
            for (const auto& t : layout.targets)
                headers << t.id;
            m_revisions->clear();
            m_revisions->setColumnCount(static_cast<int>(headers.size()));
            m_revisions->setHorizontalHeaderLabels(headers);
            m_revisions->setRowCount(static_cast<int>(r->revisions.size()));
            int row = 0;
            for (const RevisionRow& rev : r->revisions) {
                auto set
                    = [&](int col, const QString& text) { m_revisions->setItem(row, col, new QTableWidgetItem(text)); };
                set(0, QString::number(rev.no));
                set(1, rev.source);
                set(2, rev.actor);
                set(3,
                    QLocale().toString(
                        QDateTime::fromMSecsSinceEpoch(rev.receivedAt).toLocalTime(), QLocale::ShortFormat));
                set(4, rev.changed);
                int col = 5;
                for (const auto& t : layout.targets) {
                    auto it = rev.byTarget.find(t.id);
                    const QString status
                        = it == rev.byTarget.end() ? QStringLiteral("not_subscribed") : it->second.first;
                    const StatusLook look = deliveryStatusLook(status);
                    auto* item = new QTableWidgetItem(look.icon, look.label);
                    if (it != rev.byTarget.end() && !it->second.second.isEmpty())
                        item->setToolTip(it->second.second);
                    m_revisions->setItem(row, col++, item);
                }
                ++row;
            }
            m_revisions->resizeColumnsToContents();
        });
}

} // namespace mdsync::ui
