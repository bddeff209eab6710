#include "views/exportdialog.h"

#include "audit/auditexport.h"
#include "report/auditreport.h"
#include "store/workspace.h"
#include "util/qtext.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QThread>
#include <QVBoxLayout>

#include <exception>

namespace mdsync::ui {

namespace {

// Thrown from the progress callback to stop an export; exportAudit catches it, rolls back and removes the
// files it wrote.
struct ExportCancelledSignal : std::exception
{
    const char* what() const noexcept override { return "cancelled"; }
};

QDateTime exportUtcNow()
{
    return QDateTime::currentDateTimeUtc();
}

} // namespace

ExportDialog::ExportDialog(QString workspacePath, std::string actor, QWidget* parent)
    : QDialog(parent)
    , m_path(std::move(workspacePath))
    , m_actor(std::move(actor))
{
    setWindowTitle(tr("Export the audit trail"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout();
    layout->addLayout(form);

    auto* dirRow = new QHBoxLayout();
    m_dir = new QLineEdit(this);
    m_dir->setObjectName(QStringLiteral("exportDirectory"));
    m_dir->setPlaceholderText(tr("a new or empty directory"));
    auto* browseButton = new QPushButton(tr("Browse…"), this);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    dirRow->addWidget(m_dir, 1);
    dirRow->addWidget(browseButton);
    form->addRow(tr("Directory:"), dirRow);

    auto* formats = new QHBoxLayout();
    m_csv = new QCheckBox(tr("CSV"), this);
    m_jsonl = new QCheckBox(tr("JSON Lines"), this);
    m_pdf = new QCheckBox(tr("PDF report"), this);
    m_openLineage = new QCheckBox(tr("OpenLineage"), this);
    m_csv->setChecked(true);
    m_jsonl->setChecked(true);
    for (QCheckBox* c : { m_csv, m_jsonl, m_pdf, m_openLineage })
        formats->addWidget(c);
    formats->addStretch(1);
    form->addRow(tr("Formats:"), formats);

    auto makeTime = [this](QCheckBox*& on, QDateTimeEdit*& edit, const QString& label, const QDateTime& initial) {
        auto* row = new QHBoxLayout();
        on = new QCheckBox(label, this);
        edit = new QDateTimeEdit(initial, this);
        edit->setTimeSpec(Qt::UTC);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
        edit->setCalendarPopup(true);
        edit->setEnabled(false);
        connect(on, &QCheckBox::toggled, edit, &QWidget::setEnabled);
        row->addWidget(on);
        row->addWidget(edit, 1);
        return row;
    };
    form->addRow(tr("Range:"), makeTime(m_fromOn, m_from, tr("from"), exportUtcNow().addDays(-1)));
    form->addRow(QString(), makeTime(m_toOn, m_to, tr("until (exclusive)"), exportUtcNow()));
    m_objects = new QLineEdit(this);
    m_objects->setPlaceholderText(tr("all objects; or e.g. item/FG-1000, bom/FG-1000"));
    m_objects->setToolTip(tr("Lineage and the PDF report are limited to these objects; the audit entries of the range "
                             "are always exported whole, so that their hash chain can be verified."));
    form->addRow(tr("Objects:"), m_objects);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);

    m_buttons = new QDialogButtonBox(this);
    m_start = m_buttons->addButton(tr("Export"), QDialogButtonBox::AcceptRole);
    m_cancel = m_buttons->addButton(tr("Cancel export"), QDialogButtonBox::ActionRole);
    m_buttons->addButton(QDialogButtonBox::Close);
    m_cancel->setEnabled(false);
    connect(m_start, &QPushButton::clicked, this, &ExportDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &ExportDialog::cancel);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    layout->addWidget(m_buttons);
    resize(560, sizeHint().height());
}

ExportDialog::~ExportDialog()
{
    if (m_cancelFlag)
        m_cancelFlag->store(true);
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
}

void ExportDialog::setDirectory(const QString& dir)
{
    m_dir->setText(dir);
}

void ExportDialog::setFormats(bool csv, bool jsonl, bool pdf, bool openLineage)
{
    m_csv->setChecked(csv);
    m_jsonl->setChecked(jsonl);
    m_pdf->setChecked(pdf);
    m_openLineage->setChecked(openLineage);
}

void ExportDialog::setRange(std::optional<TimeMs> from, std::optional<TimeMs> to)
{
    m_fromOn->setChecked(from.has_value());
    m_toOn->setChecked(to.has_value());
    if (from)
        m_from->setDateTime(QDateTime::fromMSecsSinceEpoch(from.value_or(0), Qt::UTC));
    if (to)
        m_to->setDateTime(QDateTime::fromMSecsSinceEpoch(to.value_or(0), Qt::UTC));
}

void ExportDialog::setObjects(const QString& objects)
{
    m_objects->setText(objects);
}

bool ExportDialog::parseObjects(
    const QString& text, std::vector<std::pair<std::string, std::string>>& out, QString& error)
{
    out.clear();
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
    for (const QString& p : parts) {
        const qsizetype slash = p.indexOf(QLatin1Char('/'));
        if (slash <= 0 || slash == p.size() - 1) {
            error = tr("'%1' is not an object; write domain/key, e.g. item/FG-1000").arg(p);
            return false;
        }
        out.emplace_back(p.left(slash).toStdString(), p.mid(slash + 1).toStdString());
    }
    return true;
}

void ExportDialog::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export directory"), m_dir->text());
    if (!dir.isEmpty())
        m_dir->setText(dir);
}

void ExportDialog::setRunning(bool running)
{
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
    for (QWidget* w :
        std::initializer_list<QWidget*> { m_dir, m_csv, m_jsonl, m_pdf, m_openLineage, m_fromOn, m_toOn, m_objects })
        w->setEnabled(!running);
    m_from->setEnabled(!running && m_fromOn->isChecked());
    m_to->setEnabled(!running && m_toOn->isChecked());
}

void ExportDialog::start()
{
    if (m_thread)
        return;
    ExportOptions o;
    o.directory = m_dir->text().trimmed();
    if (o.directory.isEmpty()) {
        m_status->setText(tr("Choose a new or empty directory to export to."));
        return;
    }
    o.csv = m_csv->isChecked();
    o.jsonl = m_jsonl->isChecked();
    o.openLineage = m_openLineage->isChecked();
    if (!o.csv && !o.jsonl) {
        m_status->setText(tr("Choose CSV, JSON Lines or both (the PDF report comes with them)."));
        return;
    }
    if (m_fromOn->isChecked())
        o.from = m_from->dateTime().toMSecsSinceEpoch();
    if (m_toOn->isChecked())
        o.to = m_to->dateTime().toMSecsSinceEpoch();
    if (o.from && o.to && o.to.value_or(0) <= o.from.value_or(0)) {
        m_status->setText(tr("The end of the range must be after its start."));
        return;
    }
    QString error;
    if (!parseObjects(m_objects->text(), o.objects, error)) {
        m_status->setText(error);
        return;
    }
    const bool pdf = m_pdf->isChecked();
    m_cancelFlag = std::make_shared<std::atomic_bool>(false);
    m_manifest = nlohmann::json();
    m_progress->setRange(0, 0);
    m_status->setText(tr("Exporting…"));
    setRunning(true);

    QPointer<ExportDialog> guard(this);
    auto cancelFlag = m_cancelFlag;
    const QString path = m_path;
    const std::string actor = m_actor;
    m_thread = QThread::create([guard, cancelFlag, path, actor, o, pdf]() mutable {
        auto report = [guard](bool ok, bool cancelled, const QString& err, const nlohmann::json& manifest) {
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, ok, cancelled, err, manifest] {
                    if (guard)
                        guard->onFinished(ok, cancelled, err, manifest);
                },
                Qt::QueuedConnection);
        };
        auto ws = Workspace::open(path, Workspace::Mode::ReadOnly);
        if (!ws) {
            report(false, false, ws.error(), {});
            return;
        }
        if (pdf) {
            const ExportOptions base = o;
            ReportOptions ro;
            ro.generatedBy = actor;
            o.extraFiles.push_back(
                { QStringLiteral("report.pdf"), "report", [base, ro](QSqlDatabase& db, const QString& file) {
                     return writeAuditReportPdf(db, base, file, ro);
                 } });
        }
        o.progress = [guard, cancelFlag](qint64 done, qint64 total) {
            if (cancelFlag->load())
                throw ExportCancelledSignal();
            QMetaObject::invokeMethod(
                guard.data(),
                [guard, done, total] {
                    if (guard)
                        guard->onProgress(done, total);
                },
                Qt::QueuedConnection);
        };
        auto m = exportAuditAs(ws.value()->db(), actor, o);
        ws.value().reset();
        if (cancelFlag->load())
            report(false, true, {}, {});
        else if (!m)
            report(false, false, m.error(), {});
        else
            report(true, false, {}, m.value());
    });
    m_thread->start();
}

void ExportDialog::cancel()
{
    if (m_cancelFlag && m_thread) {
        m_cancelFlag->store(true);
        m_status->setText(tr("Cancelling…"));
    }
}

void ExportDialog::reject()
{
    if (m_thread) {
        cancel();
        return; // closes once the worker stopped
    }
    QDialog::reject();
}

void ExportDialog::onProgress(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    // QProgressBar takes int: scale large counts.
    const int scale = total > 1000000 ? static_cast<int>(total / 1000000 + 1) : 1;
    m_progress->setRange(0, static_cast<int>(total / scale));
    m_progress->setValue(static_cast<int>(done / scale));
    m_status->setText(tr("Exporting… %1 of %2 rows").arg(done).arg(total));
}

void ExportDialog::onFinished(bool ok, bool cancelled, const QString& error, const nlohmann::json& manifest)
{
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    setRunning(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(ok ? 1 : 0);
    m_manifest = manifest;
    if (cancelled)
        m_message = tr("Export cancelled; nothing was written.");
    else if (!ok)
        m_message = tr("Export failed: %1").arg(error);
    else
        m_message = tr("Exported to %1. Check it offline with: mdsyncctl verify-export \"%1\"").arg(m_dir->text());
    m_status->setText(m_message);
    Q_EMIT exportFinished(ok, m_message);
}

} // namespace mdsync::ui
