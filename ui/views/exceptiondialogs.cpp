#include "views/exceptiondialogs.h"

#include "corecontroller.h"
#include "jsontext.h"
#include "views/exceptioncommands.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

using json = nlohmann::json;

// A value typed by the steward: JSON when it parses (numbers, true, "text", ...), else the plain text.
json exDlgValue(const QString& text)
{
    auto j = json::parse(text.toStdString(), nullptr, false);
    return j.is_discarded() ? json(text.toStdString()) : j;
}

void exFillResults(QTableWidget* table, const json& items, bool withChange)
{
    table->setRowCount(static_cast<int>(items.size()));
    int row = 0;
    for (const auto& i : items) {
        QStringList cells { jsonFieldText(i, "id"), jsonFieldText(i, "result"), jsonFieldText(i, "message") };
        if (withChange)
            cells << QStringLiteral("%1 → %2").arg(jsonFieldText(i, "before"), jsonFieldText(i, "after"));
        for (int c = 0; c < cells.size(); ++c)
            table->setItem(row, c, new QTableWidgetItem(cells[c]));
        ++row;
    }
}

} // namespace

ExceptionBulkResultDialog::ExceptionBulkResultDialog(const QString& title, const json& result, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    setAttribute(Qt::WA_DeleteOnClose);
    auto* layout = new QVBoxLayout(this);
    const qint64 ok = result.value("succeeded", 0LL);
    const qint64 failed = result.value("failed", 0LL);
    QString summary = tr("%1 done, %2 not done.").arg(ok).arg(failed);
    if (result.value("cancelled", false))
        summary += QLatin1Char(' ') + tr("Cancelled: the remaining items were left as they were.");
    if (result.value("action", std::string()) == "replay")
        summary += QLatin1Char(' ')
            + tr("Requeued deliveries are sent by the dispatcher in order, after their dependencies.");
    auto* label = new QLabel(summary, this);
    label->setWordWrap(true);
    layout->addWidget(label);
    m_table = new QTableWidget(this);
    m_table->setColumnCount(3);
    m_table->setHorizontalHeaderLabels({ tr("Exception"), tr("Result"), tr("Message") });
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    const auto items = result.value("items", json::array());
    exFillResults(m_table, items, false);
    // Measuring every cell of a large result would stall the UI thread: fixed widths beyond a screenful.
    if (items.size() <= 200) {
        m_table->resizeColumnsToContents();
    } else {
        m_table->setColumnWidth(0, 90);
        m_table->setColumnWidth(1, 110);
    }
    layout->addWidget(m_table, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(640, 420);
}

int ExceptionBulkResultDialog::rowCount() const
{
    return m_table->rowCount();
}

ExceptionDiscardDialog::ExceptionDiscardDialog(int count, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Discard %n exception(s)", nullptr, count));
    auto* form = new QFormLayout(this);
    m_reason = new QComboBox(this);
    m_reason->addItem(tr("Superseded by a newer change"), QStringLiteral("superseded"));
    m_reason->addItem(tr("Obsolete object"), QStringLiteral("obsolete_object"));
    m_reason->addItem(tr("Duplicate"), QStringLiteral("duplicate"));
    m_reason->addItem(tr("Target decommissioned"), QStringLiteral("target_decommissioned"));
    m_reason->addItem(tr("Other (explain)"), QStringLiteral("other"));
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("Explanation (required for “Other”)"));
    form->addRow(tr("Reason code:"), m_reason);
    form->addRow(tr("Explanation:"), m_text);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Discard"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reason, &QComboBox::currentIndexChanged, this, &ExceptionDiscardDialog::check);
    connect(m_text, &QLineEdit::textChanged, this, &ExceptionDiscardDialog::check);
    form->addRow(buttons);
    check();
}

void ExceptionDiscardDialog::check()
{
    m_ok->setEnabled(reason() != DiscardReason::Other || !m_text->text().trimmed().isEmpty());
}

DiscardReason ExceptionDiscardDialog::reason() const
{
    DiscardReason r = DiscardReason::Other;
    discardReasonFromName(m_reason->currentData().toString().toStdString(), r);
    return r;
}

QString ExceptionDiscardDialog::text() const
{
    return m_text->text().trimmed();
}

ExceptionFixRuleDialog::ExceptionFixRuleDialog(AppContext ctx, std::vector<std::int64_t> ids, QWidget* parent)
    : QDialog(parent)
    , m_ctx(ctx)
    , m_ids(std::move(ids))
{
    setWindowTitle(tr("Apply a fix rule to %n exception(s)", nullptr, static_cast<int>(m_ids.size())));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_kind = new QComboBox(this);
    m_kind->addItem(tr("Payload field of the failed delivery"), QStringLiteral("payload"));
    m_kind->addItem(tr("Attribute of the object"), QStringLiteral("attribute"));
    m_field = new QLineEdit(this);
    m_equals = new QLineEdit(this);
    m_equals->setPlaceholderText(tr("any value"));
    m_setTo = new QLineEdit(this);
    m_setTo->setPlaceholderText(tr("JSON or text, e.g. \"EA\" or 12.5"));
    m_reason = new QLineEdit(this);
    form->addRow(tr("Rule name:"), m_name);
    form->addRow(tr("Changes:"), m_kind);
    form->addRow(tr("Field / attribute:"), m_field);
    form->addRow(tr("Only where it equals:"), m_equals);
    form->addRow(tr("Set to:"), m_setTo);
    form->addRow(tr("Reason:"), m_reason);
    layout->addLayout(form);
    m_status = new QLabel(tr("Preview first: which exceptions, and before → after. Nothing changes."), this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_preview = new QTableWidget(this);
    m_preview->setColumnCount(4);
    m_preview->setHorizontalHeaderLabels({ tr("Exception"), tr("Result"), tr("Message"), tr("Before → after") });
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->verticalHeader()->hide();
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(m_preview, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    auto* previewButton = buttons->addButton(tr("Preview"), QDialogButtonBox::ActionRole);
    auto* applyButton = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    connect(previewButton, &QPushButton::clicked, this, &ExceptionFixRuleDialog::preview);
    connect(applyButton, &QPushButton::clicked, this, [this] {
        if (auto r = rule(); !r)
            m_status->setText(r.error());
        else
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(720, 480);
}

Result<FixRule> ExceptionFixRuleDialog::rule() const
{
    FixRule r;
    r.name = m_name->text().trimmed().toStdString();
    r.kind = m_kind->currentData().toString().toStdString();
    r.field = m_field->text().trimmed().toStdString();
    r.reason = m_reason->text().trimmed().toStdString();
    r.scope.exceptionIds = m_ids;
    r.scope.limit = std::max<int>(r.scope.limit, static_cast<int>(m_ids.size()));
    if (r.field.empty())
        return makeError(tr("Name the field or attribute the rule changes."));
    if (m_setTo->text().trimmed().isEmpty())
        return makeError(tr("Say what the rule sets the field to."));
    r.setTo = exDlgValue(m_setTo->text().trimmed());
    if (!m_equals->text().trimmed().isEmpty())
        r.equals = exDlgValue(m_equals->text().trimmed());
    return r;
}

void ExceptionFixRuleDialog::preview()
{
    auto r = rule();
    if (!r) {
        m_status->setText(r.error());
        return;
    }
    m_status->setText(tr("Previewing…"));
    m_ctx.core->submit(exceptionFixRuleCommand(r.value(), false),
        exGuarded(this, [this](bool ok, const QString& error, const nlohmann::json& result) {
            if (!ok) {
                m_status->setText(tr("Refused by the core: %1").arg(error));
                return;
            }
            const auto items = result.value("items", json::array());
            m_status->setText(
                tr("%n exception(s) match; nothing was changed.", nullptr, static_cast<int>(items.size())));
            exFillResults(m_preview, items, true);
            m_preview->resizeColumnsToContents();
        }));
}

} // namespace mdsync::ui
