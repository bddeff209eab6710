#include "views/auditview.h"

#include "audit/auditlog.h"
#include "corecontroller.h"
#include "views/exportdialog.h"
#include "views/pagedtable.h"
#include "widgets/statusstyle.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace mdsync::ui {

AuditView::AuditView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
    , m_model(new AuditLogModel(ctx.reader, this))
{
    auto* layout = new QVBoxLayout(this);

    auto* filters = new QHBoxLayout();
    auto edit = [this, filters](const QString& label, const QString& placeholder, const QString& name) {
        filters->addWidget(new QLabel(label, this));
        auto* e = new QLineEdit(this);
        e->setObjectName(name);
        e->setPlaceholderText(placeholder);
        e->setClearButtonEnabled(true);
        filters->addWidget(e, 1);
        return e;
    };
    m_actor = edit(tr("Actor:"), tr("login or system"), QStringLiteral("auditActor"));
    m_action = edit(tr("Action:"), tr("e.g. correction"), QStringLiteral("auditAction"));
    m_subject = edit(tr("Object:"), tr("e.g. item/FG-1000"), QStringLiteral("auditSubject"));
    auto time = [this, filters](QCheckBox*& on, QDateTimeEdit*& e, const QString& label, const QDateTime& initial) {
        on = new QCheckBox(label, this);
        e = new QDateTimeEdit(initial, this);
        e->setTimeSpec(Qt::UTC);
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        e->setCalendarPopup(true);
        e->setEnabled(false);
        connect(on, &QCheckBox::toggled, e, &QWidget::setEnabled);
        filters->addWidget(on);
        filters->addWidget(e);
    };
    const QDateTime now = QDateTime::currentDateTimeUtc();
    time(m_fromOn, m_from, tr("from"), now.addDays(-1));
    time(m_toOn, m_to, tr("until"), now.addSecs(3600));
    layout->addLayout(filters);

    auto* actions = new QHBoxLayout();
    m_count = new QLabel(this);
    m_verifyButton = new QPushButton(uiIcon(QStringLiteral("audit")), tr("Verify chain"), this);
    m_verifyButton->setToolTip(tr("Recompute every entry's SHA-256 hash and check the chain and its recorded head"));
    auto* exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(
        tr("Export the audit trail and lineage (CSV, JSON Lines, PDF) with a verifiable manifest"));
    m_verify = new QLabel(this);
    m_verify->setTextInteractionFlags(Qt::TextSelectableByMouse);
    actions->addWidget(m_count);
    actions->addStretch(1);
    actions->addWidget(m_verify);
    actions->addWidget(m_verifyButton);
    actions->addWidget(exportButton);
    layout->addLayout(actions);
    connect(m_verifyButton, &QPushButton::clicked, this, &AuditView::verifyChain);
    connect(exportButton, &QPushButton::clicked, this, &AuditView::openExportDialog);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(split);
    m_table->setModel(m_model);
    keepRowsInView(m_table, m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(AuditLogModel::SeqColumn, 70);
    m_table->setColumnWidth(AuditLogModel::TimeColumn, 190);
    m_table->setColumnWidth(AuditLogModel::ActorColumn, 150);
    m_table->setColumnWidth(AuditLogModel::ActionColumn, 190);
    m_table->setColumnWidth(AuditLogModel::SubjectColumn, 220);

    auto* detail = new QWidget(split);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detailHeader = new QLabel(tr("Select an entry to see what it changed."), detail);
    m_detailHeader->setWordWrap(true);
    m_detailHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailLayout->addWidget(m_detailHeader);
    auto* grid = new QGridLayout();
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_before = new QPlainTextEdit(detail);
    m_after = new QPlainTextEdit(detail);
    for (QPlainTextEdit* e : { m_before, m_after }) {
        e->setReadOnly(true);
        e->setFont(mono);
        e->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    grid->addWidget(new QLabel(tr("<b>Before</b>"), detail), 0, 0);
    grid->addWidget(new QLabel(tr("<b>After</b>"), detail), 0, 1);
    grid->addWidget(m_before, 1, 0);
    grid->addWidget(m_after, 1, 1);
    detailLayout->addLayout(grid, 1);
    split->addWidget(m_table);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, &AuditView::applyFilterNow);
    for (QLineEdit* e : { m_actor, m_action, m_subject })
        connect(e, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    for (QCheckBox* c : { m_fromOn, m_toOn })
        connect(c, &QCheckBox::toggled, m_debounce, qOverload<>(&QTimer::start));
    for (QDateTimeEdit* e : { m_from, m_to })
        connect(e, &QDateTimeEdit::dateTimeChanged, m_debounce, qOverload<>(&QTimer::start));

    connect(m_model, &PagedSqlModel::listLoaded, this, [this] {
        m_ready = true;
        updateCount();
    });
    connect(m_model, &PagedSqlModel::queryFailed, this,
        [this](const QString& message) { m_count->setText(tr("Cannot read the audit log: %1").arg(message)); });
    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
            // Only the user's moves: the model keeps the current entry by id through a refresh.
            if (current.isValid() && !m_model->isApplyingList())
                showDetail(m_model->idAt(current.row()));
        });
    if (m_ctx.core)
        connect(m_ctx.core, &CoreController::changed, this, [this] {
            if (m_started && isVisible())
                m_model->refresh();
        });
}

void AuditView::activate()
{
    if (!m_started) {
        m_started = true;
        m_model->setFilter(currentFilter());
    } else {
        m_model->refresh();
    }
}

AuditFilter AuditView::currentFilter() const
{
    AuditFilter f;
    f.actor = m_actor->text();
    f.action = m_action->text();
    f.subject = m_subject->text();
    if (m_fromOn->isChecked())
        f.from = m_from->dateTime().toMSecsSinceEpoch();
    if (m_toOn->isChecked())
        f.to = m_to->dateTime().toMSecsSinceEpoch();
    return f;
}

void AuditView::applyFilterNow()
{
    m_debounce->stop();
    m_started = true;
    m_model->setFilter(currentFilter());
}

void AuditView::applyFilter(const QVariantMap& filter)
{
    {
        const QSignalBlocker b1(m_actor), b2(m_action), b3(m_subject);
        m_actor->setText(filter.value(QStringLiteral("actor")).toString());
        m_action->setText(filter.value(QStringLiteral("action")).toString());
        m_subject->setText(filter.value(QStringLiteral("subject")).toString());
    }
    applyFilterNow();
}

void AuditView::updateCount()
{
    m_count->setText(tr("%n entries", nullptr, m_model->rowCount()));
}

void AuditView::showDetail(qint64 seq)
{
    if (!m_ctx.reader || seq <= 0)
        return;
    m_ctx.reader->run<AuditDetail>(
        this, &m_detailChannel, [seq](QSqlDatabase& db) { return AuditLogModel::loadDetail(db, seq); },
        [this](Result<AuditDetail> r) {
            if (!r) {
                m_detailHeader->setText(r.error());
                m_before->clear();
                m_after->clear();
                return;
            }
            const AuditDetail& d = r.value();
            m_detailHeader->setText(
                tr("<b>#%1</b> %2 · <b>%3</b> by %4 on <b>%5</b><br>Reason: %6<br><small>hash %7 · previous %8</small>")
                    .arg(d.seq)
                    .arg(d.at.toHtmlEscaped(), d.action.toHtmlEscaped(), d.actor.toHtmlEscaped(),
                        d.subject.toHtmlEscaped(), d.reason.isEmpty() ? tr("(none)") : d.reason.toHtmlEscaped(),
                        d.hash.left(16), d.prevHash.left(16)));
            m_before->setPlainText(d.before.isEmpty() ? tr("(nothing)") : d.before);
            m_after->setPlainText(d.after.isEmpty() ? tr("(nothing)") : d.after);
            Q_EMIT detailShown(d.seq);
        });
}

void AuditView::verifyChain()
{
    if (!m_ctx.reader)
        return;
    m_verifyButton->setEnabled(false);
    m_verify->setText(tr("Verifying…"));
    m_ctx.reader->run<AuditVerification>(
        this, nullptr, [](QSqlDatabase& db) -> Result<AuditVerification> { return AuditLog(db).verify(); },
        [this](Result<AuditVerification> r) {
            m_verifyButton->setEnabled(true);
            if (!r) {
                m_verifyOk = false;
                m_verifyText = tr("Cannot verify: %1").arg(r.error());
            } else if (r.value().ok) {
                m_verifyOk = true;
                m_verifyText = tr("✔ Chain intact: %n entries, head %1", nullptr, static_cast<int>(r.value().entries))
                                   .arg(QString::fromStdString(r.value().headHash).left(16));
            } else {
                m_verifyOk = false;
                QStringList problems;
                for (const std::string& p : r.value().problems)
                    problems << QString::fromStdString(p);
                m_verifyText = tr("✘ Chain BROKEN: %n problems", nullptr, static_cast<int>(problems.size()));
                m_verify->setToolTip(problems.mid(0, 20).join(QLatin1Char('\n')));
            }
            const StatusLook look = deliveryStatusLook(m_verifyOk ? QStringLiteral("acked") : QStringLiteral("failed"));
            m_verify->setText(QStringLiteral("<span style=\"color:%1\">%2</span>")
                                  .arg(look.color.name(), m_verifyText.toHtmlEscaped()));
            Q_EMIT verified(m_verifyOk);
        });
}

void AuditView::openExportDialog()
{
    if (!m_ctx.core)
        return;
    auto* dialog = new ExportDialog(m_ctx.core->workspacePath(), m_ctx.core->actor(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const AuditFilter f = currentFilter();
    dialog->setRange(f.from, f.to);
    if (f.subject.contains(QLatin1Char('/')))
        dialog->setObjects(f.subject.trimmed());
    dialog->open();
}

} // namespace mdsync::ui
