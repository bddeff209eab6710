#include "widgets/exceptiondetail.h"

#include "access/roles.h"
#include "corecontroller.h"
#include "i18n.h"
#include "models/exceptionsmodel.h"
#include "views/exceptioncommands.h"
#include "widgets/exceptionproblem.h"
#include "widgets/statusstyle.h"

#include "util/timeutil.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

using json = nlohmann::json;

QString exDetailTime(qint64 ms)
{
    return ms ? formatUtcDateTime(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)) : QString();
}

// Pretty JSON of a stored JSON text (the text itself when it is not JSON).
QString exPrettyJson(const QString& text)
{
    auto j = json::parse(text.toStdString(), nullptr, false);
    return j.is_discarded() ? text : QString::fromStdString(j.dump(2));
}

Result<ExceptionDetailData> exLoadDetail(QSqlDatabase& db, qint64 id, const std::string& actor)
{
    auto detail = read::exceptionDetail(db, id);
    if (!detail)
        return makeError(detail.error());
    ExceptionDetailData d;
    static_cast<read::ExceptionDetail&>(d) = std::move(detail).value();
    if (auto roles = rolesOf(db, actor))
        for (Role r : roles->roles) {
            d.mayApprove = d.mayApprove || allows(r, Action::Approve);
            d.mayPauseTarget = d.mayPauseTarget || allows(r, Action::PauseTarget);
            d.mayDecideDuplicate = d.mayDecideDuplicate || allows(r, Action::DecideDuplicate);
        }
    for (const auto& l : d.lineage)
        d.history << QStringLiteral("L\t%1\t%2\t%3\t%4")
                         .arg(exDetailTime(l.at), l.kind, l.actor.isEmpty() ? l.system : l.actor, l.detail);
    for (const auto& a : d.audit)
        d.history << QStringLiteral("A\t%1\t%2\t%3\t%4").arg(a.at, a.action, a.actor, a.reason);
    return d;
}

} // namespace

ExceptionDetailPane::ExceptionDetailPane(AppContext ctx, QWidget* parent)
    : QWidget(parent)
    , m_ctx(ctx)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 0, 0);
    m_title = new QLabel(tr("Select an exception to see what went wrong."), this);
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::RichText);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setObjectName(QStringLiteral("exceptionNote"));
    m_note->setStyleSheet(QStringLiteral("QLabel { background: #fff3cd; color: #664d03; padding: 4px; }"));
    m_note->hide();
    layout->addWidget(m_title);
    layout->addWidget(m_note);
    layout->addWidget(m_message);
    m_replayable = new QLabel(this);
    m_replayable->setObjectName(QStringLiteral("replayableUntil"));
    m_replayable->setWordWrap(true);
    m_replayable->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_replayable->hide();
    layout->addWidget(m_replayable);

    // A target outage (one incident for a target that is down): probe it now, pause or resume it.
    m_outage = new QGroupBox(tr("Target outage"), this);
    m_outage->setObjectName(QStringLiteral("outageActions"));
    auto* ol = new QVBoxLayout(m_outage);
    m_outageLabel = new QLabel(m_outage);
    m_outageLabel->setWordWrap(true);
    ol->addWidget(m_outageLabel);
    auto* outageRow = new QHBoxLayout;
    m_outageReason = new QLineEdit(m_outage);
    m_outageReason->setPlaceholderText(tr("Reason (required, goes into the audit log)"));
    m_probe = new QPushButton(tr("Probe now"), m_outage);
    m_probe->setToolTip(tr("Send one probe to the target at once instead of waiting for the next scheduled one. If "
                           "the target answers, the circuit closes and the waiting deliveries are sent."));
    m_pauseTarget = new QPushButton(tr("Pause target"), m_outage);
    outageRow->addWidget(m_outageReason, 1);
    outageRow->addWidget(m_probe);
    outageRow->addWidget(m_pauseTarget);
    ol->addLayout(outageRow);
    m_outageResult = new QLabel(m_outage);
    m_outageResult->setWordWrap(true);
    m_outageResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    ol->addWidget(m_outageResult);
    m_outage->hide();
    layout->addWidget(m_outage);

    // A duplicate suspect: "not a duplicate" for the pair (remembered, never raised again). The two objects are side
    // by side in the Problem tab.
    m_duplicate = new QGroupBox(tr("Duplicate suspect"), this);
    m_duplicate->setObjectName(QStringLiteral("duplicateActions"));
    auto* dupl = new QVBoxLayout(m_duplicate);
    m_duplicateLabel = new QLabel(m_duplicate);
    m_duplicateLabel->setWordWrap(true);
    dupl->addWidget(m_duplicateLabel);
    auto* duplicateRow = new QHBoxLayout;
    m_duplicateReason = new QLineEdit(m_duplicate);
    m_duplicateReason->setPlaceholderText(
        tr("Why are they different objects, or one object? (required, goes into the audit log)"));
    m_notDuplicate = new QPushButton(tr("Not a duplicate"), m_duplicate);
    m_notDuplicate->setToolTip(tr("Record that the two objects are different: the exception is resolved and the pair "
                                  "is never raised as a duplicate suspect again."));
    // Merge: one button per survivor, named by its key ("Merge into FA-1").
    const QString mergeTip = tr("Merge the pair into this object: it keeps its key, the other one is retired at the "
                                "targets (or redirected, as each target's contract says) and its key becomes an alias; "
                                "objects that reference it are redirected by new revisions. In a domain with critical "
                                "attribute groups an approver must approve the merge (four-eyes).");
    m_mergeIntoSuspect = new QPushButton(m_duplicate);
    m_mergeIntoSuspect->setObjectName(QStringLiteral("mergeIntoSuspect"));
    m_mergeIntoSuspect->setToolTip(mergeTip);
    m_mergeIntoObject = new QPushButton(m_duplicate);
    m_mergeIntoObject->setObjectName(QStringLiteral("mergeIntoObject"));
    m_mergeIntoObject->setToolTip(mergeTip);
    // A merge of the pair awaiting four-eyes approval: an approver (not its proposer) decides here.
    m_approveMerge = new QPushButton(tr("Approve merge"), m_duplicate);
    m_rejectMerge = new QPushButton(tr("Reject merge"), m_duplicate);
    // The reason on its own line (the decisions share it), the decisions below it.
    dupl->addWidget(m_duplicateReason);
    duplicateRow->addWidget(m_notDuplicate);
    duplicateRow->addWidget(m_mergeIntoSuspect);
    duplicateRow->addWidget(m_mergeIntoObject);
    duplicateRow->addStretch(1);
    duplicateRow->addWidget(m_approveMerge);
    duplicateRow->addWidget(m_rejectMerge);
    dupl->addLayout(duplicateRow);
    m_duplicateResult = new QLabel(m_duplicate);
    m_duplicateResult->setWordWrap(true);
    m_duplicateResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    dupl->addWidget(m_duplicateResult);
    m_duplicate->hide();
    layout->addWidget(m_duplicate);

    m_tabs = new QTabWidget(this);
    layout->addWidget(m_tabs, 1);

    // Problem: what went wrong in words and tables (ExceptionProblem); the JSON one tab away.
    auto* problem = new QWidget(m_tabs);
    auto* pl = new QVBoxLayout(problem);
    m_problemHeading = new QLabel(problem);
    m_problemHeading->setWordWrap(true);
    m_problemHeading->setTextInteractionFlags(Qt::TextSelectableByMouse);
    pl->addWidget(m_problemHeading);
    m_problem = new QTableWidget(problem);
    m_problem->setObjectName(QStringLiteral("problemTable"));
    m_problem->setWordWrap(true);
    m_problem->setAlternatingRowColors(true);
    m_problem->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problem->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_problem->verticalHeader()->hide();
    // Rows as high as their wrapped text; the name column fits its names, the value columns share the rest.
    m_problem->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_problem->horizontalHeader()->setStretchLastSection(true);
    pl->addWidget(m_problem, 1);
    m_tabs->addTab(problem, tr("Problem"));

    // Raw JSON: the details as stored and the payload verbatim, wrapped to the pane's width.
    auto* rawTab = new QWidget(m_tabs);
    auto* rl = new QVBoxLayout(rawTab);
    rl->addWidget(new QLabel(tr("Details (JSON)"), rawTab));
    m_detailsJson = new QPlainTextEdit(rawTab);
    m_detailsJson->setReadOnly(true);
    m_detailsJson->setFont(mono);
    m_detailsJson->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_detailsJson->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    rl->addWidget(m_detailsJson, 1);
    rl->addWidget(new QLabel(tr("Raw payload (verbatim)"), rawTab));
    m_raw = new QPlainTextEdit(rawTab);
    m_raw->setReadOnly(true);
    m_raw->setFont(mono);
    m_raw->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_raw->setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    rl->addWidget(m_raw, 1);
    m_tabs->addTab(rawTab, tr("Raw JSON"));

    // Correction: JSON editor, reason, submit; the core's answer inline; four-eyes state; dry run.
    auto* fix = new QWidget(m_tabs);
    m_correctionTab = fix;
    auto* fl = new QVBoxLayout(fix);
    m_editorHint = new QLabel(fix);
    m_editorHint->setWordWrap(true);
    fl->addWidget(m_editorHint);
    m_editor = new QPlainTextEdit(fix);
    m_editor->setFont(mono);
    m_editor->setPlaceholderText(QStringLiteral("{ \"attribute\": \"new value\" }"));
    fl->addWidget(m_editor, 1);
    m_syntax = new QLabel(fix);
    fl->addWidget(m_syntax);
    auto* submitRow = new QHBoxLayout;
    m_reason = new QLineEdit(fix);
    m_reason->setPlaceholderText(tr("Reason (required)"));
    m_submit = new QPushButton(tr("Submit correction"), fix);
    m_submit->setToolTip(tr("The core validates the correction; nothing changes when it is refused."));
    submitRow->addWidget(m_reason, 1);
    submitRow->addWidget(m_submit);
    fl->addLayout(submitRow);
    m_correctionResult = new QLabel(fix);
    m_correctionResult->setWordWrap(true);
    m_correctionResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fl->addWidget(m_correctionResult);

    m_fourEyes = new QGroupBox(tr("Four-eyes approval"), fix);
    auto* fe = new QVBoxLayout(m_fourEyes);
    m_fourEyesLabel = new QLabel(m_fourEyes);
    m_fourEyesLabel->setWordWrap(true);
    fe->addWidget(m_fourEyesLabel);
    auto* decideRow = new QHBoxLayout;
    m_decisionReason = new QLineEdit(m_fourEyes);
    m_decisionReason->setPlaceholderText(tr("Reason of the decision"));
    m_approve = new QPushButton(uiIcon(QStringLiteral("status-acked")), tr("Approve"), m_fourEyes);
    m_reject = new QPushButton(uiIcon(QStringLiteral("status-failed")), tr("Reject"), m_fourEyes);
    decideRow->addWidget(m_decisionReason, 1);
    decideRow->addWidget(m_approve);
    decideRow->addWidget(m_reject);
    fe->addLayout(decideRow);
    fl->addWidget(m_fourEyes);
    m_fourEyes->hide();
    m_tabs->addTab(fix, tr("Correction"));

    // Replay dry run.
    auto* dry = new QWidget(m_tabs);
    auto* dl = new QVBoxLayout(dry);
    m_dryRunButton = new QPushButton(tr("Dry run: what would a replay send?"), dry);
    dl->addWidget(m_dryRunButton, 0, Qt::AlignLeft);
    m_diff = new QPlainTextEdit(dry);
    m_diff->setReadOnly(true);
    m_diff->setFont(mono);
    dl->addWidget(m_diff, 1);
    m_tabs->addTab(dry, tr("Replay dry run"));

    // History: lineage and audit.
    m_history = new QTreeWidget(m_tabs);
    m_history->setColumnCount(4);
    m_history->setHeaderLabels({ tr("When"), tr("What"), tr("Who"), tr("Detail") });
    m_history->setRootIsDecorated(true);
    m_history->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tabs->addTab(m_history, tr("History"));

    connect(m_editor, &QPlainTextEdit::textChanged, this, &ExceptionDetailPane::validateEditor);
    connect(m_submit, &QPushButton::clicked, this, &ExceptionDetailPane::submitCorrection);
    connect(m_approve, &QPushButton::clicked, this, &ExceptionDetailPane::approve);
    connect(m_reject, &QPushButton::clicked, this, &ExceptionDetailPane::reject);
    connect(m_dryRunButton, &QPushButton::clicked, this, &ExceptionDetailPane::dryRun);
    connect(m_probe, &QPushButton::clicked, this, &ExceptionDetailPane::probeTarget);
    connect(m_pauseTarget, &QPushButton::clicked, this, &ExceptionDetailPane::toggleTargetPause);
    connect(m_outageReason, &QLineEdit::textChanged, this, &ExceptionDetailPane::updateOutageActions);
    connect(m_notDuplicate, &QPushButton::clicked, this, &ExceptionDetailPane::dismissDuplicate);
    connect(m_mergeIntoSuspect, &QPushButton::clicked, this, [this] { mergeDuplicate(true); });
    connect(m_mergeIntoObject, &QPushButton::clicked, this, [this] { mergeDuplicate(false); });
    connect(m_approveMerge, &QPushButton::clicked, this, [this] { decideMerge(true); });
    connect(m_rejectMerge, &QPushButton::clicked, this, [this] { decideMerge(false); });
    connect(m_duplicateReason, &QLineEdit::textChanged, this, &ExceptionDetailPane::updateDuplicateActions);
    setEnabled(false);
    validateEditor();
}

Result<nlohmann::json> ExceptionDetailPane::parseCorrection(const QString& text)
{
    try {
        auto j = json::parse(text.toStdString());
        if (!j.is_object())
            return makeError(tr("a correction is a JSON object: { \"name\": value, ... }"));
        if (j.empty())
            return makeError(tr("the correction has no values"));
        return j;
    } catch (const json::parse_error& e) {
        return makeError(tr("JSON syntax error at byte %1: %2").arg(e.byte).arg(QString::fromUtf8(e.what())));
    }
}

void ExceptionDetailPane::validateEditor()
{
    if (m_editor->toPlainText().trimmed().isEmpty()) {
        m_syntax->setText(tr("Type the new values as a JSON object."));
        m_submit->setEnabled(false);
        return;
    }
    auto r = parseCorrection(m_editor->toPlainText());
    m_syntax->setText(r ? tr("✔ valid JSON") : QStringLiteral("✘ ") + r.error());
    m_syntax->setForegroundRole(QPalette::WindowText);
    QPalette p = m_syntax->palette();
    p.setColor(QPalette::WindowText, r ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    m_syntax->setPalette(p);
    m_submit->setEnabled(r.ok() && !m_busy && m_data.id);
}

void ExceptionDetailPane::showException(qint64 id)
{
    if (id == m_data.id && m_loaded)
        return;
    if (id != m_data.id) {
        m_outageResult->clear();
        m_correctionResult->clear();
        m_diff->clear();
        m_editor->clear();
    }
    m_data = ExceptionDetailData {};
    m_data.id = id;
    m_loaded = false;
    m_listed = true;
    m_openedStatus.clear();
    updateNote();
    reload();
}

void ExceptionDetailPane::refresh(bool ownChange)
{
    if (!m_data.id || !m_loaded)
        return;
    if (ownChange)
        m_openedStatus.clear(); // the next read sets it again
    reload();
}

void ExceptionDetailPane::setListed(bool listed)
{
    if (listed == m_listed)
        return;
    m_listed = listed;
    updateNote();
}

QString ExceptionDetailPane::noteText() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

QString ExceptionDetailPane::problemHeading() const
{
    return m_problemHeading->text();
}

void ExceptionDetailPane::showProblem(const ProblemTable& t)
{
    m_problemHeading->setText(t.heading);
    m_problem->clearContents();
    m_problem->setColumnCount(static_cast<int>(t.columns.size()));
    m_problem->setRowCount(static_cast<int>(t.rows.size()));
    m_problem->setHorizontalHeaderLabels(t.columns);
    QFont bold = m_problem->font();
    bold.setBold(true);
    const QBrush differs(QColor(0xff, 0xf3, 0xcd)); // the note's amber: look here
    for (int r = 0; r < static_cast<int>(t.rows.size()); ++r) {
        const ProblemTable::Row& row = t.rows[static_cast<size_t>(r)];
        for (int c = 0; c < row.cells.size(); ++c) {
            auto* item = new QTableWidgetItem(row.cells[c]);
            item->setToolTip(row.cells[c]);
            if (row.compared)
                item->setFont(bold);
            if (row.differs && c > 0)
                item->setBackground(differs);
            m_problem->setItem(r, c, item);
        }
    }
    m_problem->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    for (int c = 1; c < t.columns.size(); ++c)
        m_problem->horizontalHeader()->setSectionResizeMode(c, QHeaderView::Stretch);
}

void ExceptionDetailPane::updateNote()
{
    QStringList lines;
    const bool closed = m_data.status == QLatin1String("resolved") || m_data.status == QLatin1String("discarded")
        || m_data.status == QLatin1String("superseded");
    if (m_loaded && closed && !m_openedStatus.isEmpty() && m_data.status != m_openedStatus)
        lines << tr("Exception #%1 is now %2: it was closed by someone else while it was open here.")
                     .arg(m_data.id)
                     .arg(ExceptionsModel::statusLabel(m_data.status));
    if (m_data.id && !m_listed)
        lines << tr("Exception #%1 is no longer in the backlog's list (its status changed or it no longer matches the "
                    "filter). This pane stays on it.")
                     .arg(m_data.id);
    if (!lines.isEmpty() && !m_editor->toPlainText().trimmed().isEmpty())
        lines << tr("Your correction text is kept.");
    m_note->setText(lines.join(QLatin1Char('\n')));
    m_note->setVisible(!lines.isEmpty());
}

void ExceptionDetailPane::reload()
{
    const qint64 id = m_data.id;
    if (!id) {
        m_channel.invalidate();
        apply(ExceptionDetailData {});
        return;
    }
    const std::string actor = m_ctx.core ? m_ctx.core->actor() : std::string();
    m_ctx.reader->run<ExceptionDetailData>(
        this, &m_channel, [id, actor](QSqlDatabase& db) { return exLoadDetail(db, id, actor); },
        [this](Result<ExceptionDetailData> r) {
            if (!r) {
                m_title->setText(r.error().toHtmlEscaped());
                return;
            }
            apply(r.value());
        });
}

QString ExceptionDetailPane::replayableText(const ExceptionDetailData& d)
{
    if (!d.replayableUntil)
        return {};
    const store::ReplayableUntil& r = *d.replayableUntil;
    using Kind = store::ReplayableUntil::Kind;
    switch (r.kind) {
    case Kind::Forever:
        return tr("Replayable: always (no retention policy for %1)").arg(d.domain);
    case Kind::WhileCurrent:
        return tr(
            "Replayable while this revision is current; %n day(s) after it is superseded", nullptr, r.days.value_or(0));
    case Kind::Until:
        return tr("Replayable until %1 (then its payload may be archived)")
            .arg(QString::fromStdString(formatRfc3339(r.until)));
    case Kind::Archived:
        return tr("Not replayable: the revision's payload was archived in %1 on %2 (manifest SHA-256 %3…); correct "
                  "the object at its source")
            .arg(QString::fromStdString(r.archiveFile),
                QString::fromStdString(formatRfc3339(r.archivedAt).substr(0, 10)),
                QString::fromStdString(r.archiveManifestSha256.substr(0, 12)));
    }
    return {};
}

void ExceptionDetailPane::apply(const ExceptionDetailData& d)
{
    const bool newException = d.id != m_data.id || !m_loaded;
    m_data = d;
    m_loaded = d.id != 0;
    if (m_loaded && m_openedStatus.isEmpty())
        m_openedStatus = d.status;
    updateNote();
    setEnabled(m_loaded);
    if (!m_loaded) {
        m_title->setText(tr("Select an exception to see what went wrong."));
        m_message->clear();
        m_replayable->hide();
        m_problemHeading->clear();
        m_problem->clear();
        m_detailsJson->clear();
        m_raw->clear();
        m_history->clear();
        m_fourEyes->hide();
        m_outage->hide();
        m_duplicate->hide();
        return;
    }
    const StatusLook sev = severityLook(d.severity);
    m_title->setText(tr("<b>#%1</b> %2 · %3 · <b>%4</b>%5 · %6")
                         .arg(d.id)
                         .arg(d.category.toHtmlEscaped(), sev.label.toHtmlEscaped(),
                             ExceptionsModel::objectLabel(d.domain, d.key).toHtmlEscaped(),
                             d.target.isEmpty() ? QString() : tr(" → %1").arg(d.target.toHtmlEscaped()),
                             ExceptionsModel::statusLabel(d.status).toHtmlEscaped()));
    m_message->setText(d.message);
    m_replayable->setText(replayableText(d));
    m_replayable->setVisible(d.replayableUntil.has_value());
    showProblem(ExceptionProblem::build(d));
    m_detailsJson->setPlainText(d.details.isEmpty() ? tr("(no details recorded)") : exPrettyJson(d.details));
    m_raw->setPlainText(d.raw.isEmpty() ? tr("(no raw payload kept)") : QString::fromUtf8(d.raw));
    const bool payload = d.stage == QLatin1String("delivery") && d.deliveryId;
    m_editorHint->setText(payload
            ? tr("Payload correction of the failed delivery to %1: the fields of the mapped payload to change (only "
                 "fields the contract marks editable). Replay the exception afterwards to send it.")
                  .arg(d.target)
            : tr("Attribute correction of %1/%2: the attributes to change (a steward revision on behalf of the "
                 "owning system; validated like any change).")
                  .arg(d.domain, d.key));
    if (newException && m_editor->toPlainText().isEmpty() && payload && !d.payloadOverride.isEmpty())
        m_editor->setPlainText(exPrettyJson(d.payloadOverride));
    m_dryRunButton->setEnabled(payload);
    updateOutageActions();
    if (newException)
        m_duplicateResult->clear();
    updateDuplicateActions();

    // Four-eyes.
    if (d.correctionId && d.correctionStatus == QLatin1String("awaiting_approval")) {
        m_fourEyes->show();
        const bool own = d.proposedBy.toStdString() == (m_ctx.core ? m_ctx.core->actor() : std::string());
        QString text
            = tr("Correction #%1 awaiting approval: proposed by %2 on %3 (%4), it touches the critical "
                 "group(s) %5. Changes: %6.")
                  .arg(d.correctionId)
                  .arg(d.proposedBy, exDetailTime(d.proposedAt), d.correctionReason,
                      exPrettyJson(d.criticalGroups).simplified(), exPrettyJson(d.correctionChanges).simplified());
        if (own)
            text += QLatin1Char(' ') + tr("You proposed it: another user with the approver role must decide.");
        else if (!d.mayApprove)
            text += QLatin1Char(' ') + tr("A user with the approver role must decide.");
        m_fourEyesLabel->setText(text);
        const bool may = d.mayApprove && !own;
        if (newException)
            m_tabs->setCurrentWidget(m_correctionTab); // the pending decision is what matters first
        m_approve->setEnabled(may && !m_busy);
        m_reject->setEnabled(may && !m_busy);
        m_decisionReason->setEnabled(may);
    } else if (d.correctionId) {
        m_fourEyes->show();
        m_fourEyesLabel->setText(
            tr("Correction #%1 by %2: %3.")
                .arg(d.correctionId)
                .arg(d.proposedBy, d.correctionStatus == QLatin1String("applied") ? tr("applied") : tr("rejected")));
        m_approve->setEnabled(false);
        m_reject->setEnabled(false);
        m_decisionReason->setEnabled(false);
    } else {
        m_fourEyes->hide();
    }

    m_history->clear();
    auto* lineage = new QTreeWidgetItem(m_history, { tr("Lineage of %1/%2").arg(d.domain, d.key) });
    auto* audit = new QTreeWidgetItem(m_history, { tr("Audit entries") });
    for (const QString& h : d.history) {
        const QStringList parts = h.split(QLatin1Char('\t'));
        if (parts.size() < 5)
            continue;
        new QTreeWidgetItem(parts[0] == QLatin1String("L") ? lineage : audit, parts.mid(1));
    }
    lineage->setExpanded(true);
    audit->setExpanded(true);
    validateEditor();
    Q_EMIT loaded(d.id);
}

void ExceptionDetailPane::updateOutageActions()
{
    const bool outage = m_loaded && m_data.category == QLatin1String("target_outage") && !m_data.target.isEmpty();
    m_outage->setVisible(outage);
    if (!outage)
        return;
    QString text = m_data.circuitOpen
        ? tr("%1 is down: its deliveries wait and one probe goes out at growing intervals.").arg(m_data.target)
        : tr("The circuit of %1 is closed: the target answers again, there is nothing to probe.").arg(m_data.target);
    if (m_data.targetPaused)
        text += QLatin1Char(' ') + tr("%1 is paused: nothing is sent to it, probes included.").arg(m_data.target);
    if (!m_data.mayPauseTarget)
        text += QLatin1Char(' ') + tr("Probing and pausing a target need the steward or admin role.");
    m_outageLabel->setText(text);
    m_pauseTarget->setText(m_data.targetPaused ? tr("Resume target") : tr("Pause target"));
    const bool may = m_data.mayPauseTarget && !m_busy && !m_outageReason->text().trimmed().isEmpty();
    m_probe->setEnabled(may && m_data.circuitOpen && !m_data.targetPaused);
    m_pauseTarget->setEnabled(may);
}

QString ExceptionDetailPane::outageMessage() const
{
    return m_outageResult->text();
}

void ExceptionDetailPane::probeTarget()
{
    runTargetCommand(QStringLiteral("probe"), false, false);
}

void ExceptionDetailPane::toggleTargetPause()
{
    runTargetCommand(QStringLiteral("pause"), true, !m_data.targetPaused);
}

// `pause`: pause (`paused`) or resume the incident's target; otherwise probe it. The core checks and audits.
void ExceptionDetailPane::runTargetCommand(const QString& what, bool pause, bool paused)
{
    if (!m_data.id || m_busy || m_data.target.isEmpty())
        return;
    const std::string target = m_data.target.toStdString();
    const std::string reason = m_outageReason->text().trimmed().toStdString();
    setBusy(true);
    m_outageResult->setText(tr("Submitting…"));
    const qint64 id = m_data.id;
    const QString targetName = m_data.target;
    m_ctx.core->submit(pause ? targetPauseCommand(target, paused, reason) : targetProbeCommand(target, reason),
        exGuarded(this, [this, id, what, paused, targetName](bool ok, const QString& error, const nlohmann::json&) {
            setBusy(false);
            if (id == m_data.id) {
                if (!ok)
                    m_outageResult->setText(tr("✘ Refused by the core (nothing was changed): %1").arg(error));
                else if (what == QLatin1String("probe"))
                    m_outageResult->setText(tr("✔ Probe of %1 requested: the dispatcher sends it within a second; "
                                               "the incident closes if the target answers.")
                                                .arg(targetName));
                else
                    m_outageResult->setText(
                        paused ? tr("✔ %1 paused.").arg(targetName) : tr("✔ %1 resumed.").arg(targetName));
                if (ok)
                    m_outageReason->clear();
                m_loaded = false;
                m_openedStatus.clear(); // the steward's own action
                reload();
            }
            Q_EMIT actionFinished(ok, error);
        }));
}

void ExceptionDetailPane::updateDuplicateActions()
{
    const bool suspect = m_loaded && m_data.category == QLatin1String("duplicate_suspect");
    m_duplicate->setVisible(suspect);
    if (!suspect)
        return;
    const bool open = m_data.status == QLatin1String("open") || m_data.status == QLatin1String("assigned");
    const bool pair = m_data.object.exists && m_data.suspect.exists;
    QString text;
    if (!pair)
        text = tr("The event was held: nothing was created, so there is no pair to decide. Discard it, or re-send it.");
    else if (!open)
        text = tr("This suspect is closed.");
    else
        text = tr("%1 was created looking like %2 (compared side by side under Problem). If they are different "
                  "objects, say why: the pair is remembered and never raised as a duplicate suspect again. If they are "
                  "one object, merge them into the one that stays.")
                   .arg(m_data.object.key, m_data.suspect.key);
    const auto& pending = m_data.pendingMerge;
    if (pair && open && pending)
        text += QStringLiteral("\n")
            + tr("Merge #%1 (%2 into %3) by %4 awaits approval by another user with the approver role: %5")
                  .arg(pending->id)
                  .arg(pending->mergedKey, pending->survivorKey, pending->proposedBy, pending->reason);
    if (!m_data.mayDecideDuplicate)
        text += QLatin1Char(' ') + tr("Deciding a duplicate suspect needs the steward or admin role.");
    m_duplicateLabel->setText(text);
    const bool reason = !m_duplicateReason->text().trimmed().isEmpty();
    const bool decide = pair && open && m_data.mayDecideDuplicate && !m_busy;
    m_notDuplicate->setEnabled(decide && reason && !pending);
    m_mergeIntoSuspect->setText(tr("Merge into %1").arg(m_data.suspect.key));
    m_mergeIntoObject->setText(tr("Merge into %1").arg(m_data.object.key));
    m_mergeIntoSuspect->setVisible(pair);
    m_mergeIntoObject->setVisible(pair);
    m_mergeIntoSuspect->setEnabled(decide && reason && !pending);
    m_mergeIntoObject->setEnabled(decide && reason && !pending);
    const bool decideMerge = pair && open && pending && m_data.mayApprove;
    m_approveMerge->setVisible(decideMerge);
    m_rejectMerge->setVisible(decideMerge);
    m_approveMerge->setEnabled(decideMerge && !m_busy);
    m_rejectMerge->setEnabled(decideMerge && !m_busy && reason);
}

QString ExceptionDetailPane::duplicateMessage() const
{
    return m_duplicateResult->text();
}

void ExceptionDetailPane::dismissDuplicate()
{
    if (!m_data.id || m_busy)
        return;
    const QString a = m_data.object.key, b = m_data.suspect.key;
    runDuplicateCommand(duplicateDismissCommand(m_data.id, m_duplicateReason->text().trimmed().toStdString()),
        [a, b](const nlohmann::json&) {
            return tr("✔ %1 and %2 are not duplicates: recorded, and the pair will not be raised again.").arg(a, b);
        });
}

void ExceptionDetailPane::mergeDuplicate(bool intoSuspect)
{
    if (!m_data.id || m_busy)
        return;
    const QString survivor = intoSuspect ? m_data.suspect.key : m_data.object.key;
    const QString merged = intoSuspect ? m_data.object.key : m_data.suspect.key;
    runDuplicateCommand(
        duplicateMergeCommand(m_data.id, survivor.toStdString(), m_duplicateReason->text().trimmed().toStdString()),
        [survivor, merged](const nlohmann::json& result) {
            if (result.value("status", std::string()) == "awaiting_approval")
                return tr("✔ Merge #%1 of %2 into %3 proposed: it awaits approval by another user with the approver "
                          "role (four-eyes).")
                    .arg(result.value("id", 0))
                    .arg(merged, survivor);
            return tr("✔ %1 merged into %2 (merge #%3): %1 is retired and now stands for %2; references were "
                      "redirected.")
                .arg(merged, survivor)
                .arg(result.value("id", 0));
        });
}

void ExceptionDetailPane::decideMerge(bool approve)
{
    if (!m_data.id || m_busy || !m_data.pendingMerge)
        return;
    const qint64 mergeId = m_data.pendingMerge->id;
    runDuplicateCommand(mergeDecisionCommand(mergeId, approve, m_duplicateReason->text().trimmed().toStdString()),
        [mergeId, approve](const nlohmann::json&) {
            return approve ? tr("✔ Merge #%1 approved and applied.").arg(mergeId)
                           : tr("✔ Merge #%1 rejected.").arg(mergeId);
        });
}

void ExceptionDetailPane::runDuplicateCommand(
    CoreCommand command, const std::function<QString(const nlohmann::json&)>& success)
{
    setBusy(true);
    m_duplicateResult->setText(tr("Submitting…"));
    const qint64 id = m_data.id;
    m_ctx.core->submit(std::move(command),
        exGuarded(this, [this, id, success](bool ok, const QString& error, const nlohmann::json& result) {
            setBusy(false);
            if (id == m_data.id) {
                m_duplicateResult->setText(
                    ok ? success(result) : tr("✘ Refused by the core (nothing was changed): %1").arg(error));
                if (ok)
                    m_duplicateReason->clear();
                m_loaded = false;
                m_openedStatus.clear(); // the steward's own action
                reload();
            }
            Q_EMIT actionFinished(ok, error);
        }));
}

void ExceptionDetailPane::setBusy(bool busy)
{
    m_busy = busy;
    validateEditor();
    updateOutageActions();
    updateDuplicateActions();
    if (busy) {
        m_approve->setEnabled(false);
        m_reject->setEnabled(false);
    }
}

QString ExceptionDetailPane::correctionMessage() const
{
    return m_correctionResult->text();
}

QString ExceptionDetailPane::fourEyesText() const
{
    return m_fourEyes->isHidden() ? QString() : m_fourEyesLabel->text();
}

void ExceptionDetailPane::submitCorrection()
{
    if (!m_data.id || m_busy)
        return;
    auto changes = parseCorrection(m_editor->toPlainText());
    if (!changes) {
        m_correctionResult->setText(changes.error());
        return;
    }
    setBusy(true);
    m_correctionResult->setText(tr("Submitting…"));
    const qint64 id = m_data.id;
    m_ctx.core->submit(exceptionCorrectionCommand(id, changes.value(), m_reason->text().trimmed().toStdString()),
        exGuarded(this, [this, id](bool ok, const QString& error, const nlohmann::json& result) {
            setBusy(false);
            if (id != m_data.id)
                return;
            if (!ok) {
                m_correctionResult->setText(tr("✘ Refused by the core (nothing was changed): %1").arg(error));
            } else {
                const std::string status = result.value("status", std::string());
                m_correctionResult->setText(status == "awaiting_approval"
                        ? tr("✔ Correction #%1 recorded; it awaits approval by another user with the approver role.")
                              .arg(result.value("id", 0LL))
                        : tr("✔ Correction #%1 applied.").arg(result.value("id", 0LL)));
            }
            m_loaded = false;
            m_openedStatus.clear(); // the steward's own action: its outcome is not someone else's
            reload();
            Q_EMIT actionFinished(ok, error);
        }));
}

void ExceptionDetailPane::approve()
{
    if (!m_data.correctionId || m_busy)
        return;
    setBusy(true);
    const qint64 cid = m_data.correctionId;
    m_ctx.core->submit(correctionDecisionCommand(cid, true, m_decisionReason->text().trimmed().toStdString()),
        exGuarded(this, [this, cid](bool ok, const QString& error, const nlohmann::json&) {
            setBusy(false);
            m_correctionResult->setText(ok ? tr("✔ Correction #%1 approved and applied.").arg(cid)
                                           : tr("✘ Approval refused by the core: %1").arg(error));
            m_loaded = false;
            m_openedStatus.clear(); // the steward's own action: its outcome is not someone else's
            reload();
            Q_EMIT actionFinished(ok, error);
        }));
}

void ExceptionDetailPane::reject()
{
    if (!m_data.correctionId || m_busy)
        return;
    setBusy(true);
    const qint64 cid = m_data.correctionId;
    m_ctx.core->submit(correctionDecisionCommand(cid, false, m_decisionReason->text().trimmed().toStdString()),
        exGuarded(this, [this, cid](bool ok, const QString& error, const nlohmann::json&) {
            setBusy(false);
            m_correctionResult->setText(
                ok ? tr("✔ Correction #%1 rejected.").arg(cid) : tr("✘ Rejection refused by the core: %1").arg(error));
            m_loaded = false;
            m_openedStatus.clear(); // the steward's own action: its outcome is not someone else's
            reload();
            Q_EMIT actionFinished(ok, error);
        }));
}

void ExceptionDetailPane::dryRun()
{
    if (!m_data.id)
        return;
    m_diff->setPlainText(tr("Running the dry run…"));
    const qint64 id = m_data.id;
    m_ctx.core->submit(exceptionDryRunCommand(id),
        exGuarded(this, [this, id](bool ok, const QString& error, const nlohmann::json& result) {
            if (id != m_data.id)
                return;
            if (!ok) {
                m_diff->setPlainText(tr("Dry run failed: %1").arg(error));
                return;
            }
            QStringList lines;
            const auto items = result.value("items", json::array());
            if (items.empty())
                lines << tr("Nothing would be sent: this exception has no failed delivery to replay.");
            for (const auto& i : items) {
                lines << tr("Would send revision %1 to %2: %3")
                             .arg(i.value("revision_no", 0LL))
                             .arg(QString::fromStdString(i.value("target", std::string())),
                                 QString::fromStdString(i.value("result", std::string())));
                if (const std::string m = i.value("message", std::string()); !m.empty())
                    lines << QString::fromStdString(m);
                const auto ackedIt = i.find("last_acked_revision_no");
                const qint64 acked
                    = ackedIt != i.end() && ackedIt->is_number_integer() ? ackedIt->get<qint64>() : qint64(0);
                lines << (acked ? tr("Compared with the last acknowledged revision %1:").arg(acked)
                                : tr("The target never acknowledged this object: every field is new."));
                for (const auto& d : i.value("diff", json::array())) {
                    const std::string change = d.value("change", std::string());
                    const QChar mark = change == "added" ? QLatin1Char('+')
                        : change == "removed"            ? QLatin1Char('-')
                                                         : QLatin1Char('~');
                    lines << QStringLiteral("  %1 %2: %3 → %4")
                                 .arg(mark)
                                 .arg(QString::fromStdString(d.value("field", std::string())),
                                     QString::fromStdString(d.value("before", json()).dump()),
                                     QString::fromStdString(d.value("after", json()).dump()));
                }
                lines << tr("Payload:") << QString::fromStdString(i.value("payload", json()).dump(2));
            }
            m_diff->setPlainText(lines.join(QLatin1Char('\n')));
        }));
}

} // namespace mdsync::ui
