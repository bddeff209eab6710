#include "views/alertsview.h"

#include "access/roles.h"
#include "corecontroller.h"
#include "engine/embeddedcore.h"
#include "metrics/alerts.h"
#include "views/exceptioncommands.h"
#include "widgets/statusstyle.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QThread>
#include <QTimeZone>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace mdsync::ui {

namespace {

using json = nlohmann::json;

constexpr int kAlertIdRole = Qt::UserRole;

QString alText(const json& j, const char* key)
{
    if (!j.is_object())
        return {};
    const auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    return it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString::fromStdString(it->dump());
}

QString alValue(const json& v)
{
    if (v.is_null())
        return AlertsView::tr("(none)");
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString::fromStdString(v.dump());
}

QString alTime(TimeMs t)
{
    if (t <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"));
}

QString alStatusLabel(const QString& status)
{
    if (status == QLatin1String("open"))
        return AlertsView::tr("open");
    if (status == QLatin1String("acknowledged"))
        return AlertsView::tr("acknowledged");
    if (status == QLatin1String("cleared"))
        return AlertsView::tr("cleared");
    return status;
}

QString alKind(const read::AlertRow& a)
{
    QString k = alText(a.details, "kind");
    return k.isEmpty() ? alText(a.details, "rule_kind") : k;
}

// "domain key" of an alert, or its target.
QString alSubject(const read::AlertRow& a)
{
    QStringList parts;
    if (!a.domain.isEmpty())
        parts << a.domain;
    if (!a.objectKey.isEmpty())
        parts << a.objectKey;
    QString s = parts.join(QLatin1Char(' '));
    if (!a.target.isEmpty())
        s = s.isEmpty() ? a.target : AlertsView::tr("%1 → %2").arg(s, a.target);
    return s;
}

Result<AlertsSnapshot> alLoad(QSqlDatabase& db, const QString& status, const std::string& actor)
{
    AlertsSnapshot s;
    auto rows = read::alerts(db, status);
    if (!rows)
        return makeError(rows.error());
    s.rows = std::move(rows.value());
    auto counts = read::alertCounts(db);
    if (!counts)
        return makeError(counts.error());
    s.counts = counts.value();
    if (auto roles = rolesOf(db, actor))
        for (Role r : roles->roles)
            s.mayAcknowledge = s.mayAcknowledge || allows(r, Action::AcknowledgeAlert);
    return s;
}

} // namespace

CoreCommand alertAcknowledgeCommand(std::int64_t id, std::string note)
{
    return [id, note = std::move(note)](CoreCommandContext& c) -> Result<json> {
        if (auto r = AlertEngine(*c.core.ws).acknowledge(c.actor, id, note); !r)
            return makeError(r.error());
        return json { { "action", "acknowledge_alert" }, { "id", id } };
    };
}

AlertsView::AlertsView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);

    auto* bar = new QHBoxLayout();
    bar->addWidget(new QLabel(tr("Status:"), this));
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("alertStatus"));
    m_status->addItem(tr("Open"), QStringLiteral("open"));
    m_status->addItem(tr("Acknowledged"), QStringLiteral("acknowledged"));
    m_status->addItem(tr("Cleared"), QStringLiteral("cleared"));
    m_status->addItem(tr("All"), QStringLiteral("all"));
    m_status->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    bar->addWidget(m_status);
    m_count = new QLabel(this);
    bar->addWidget(m_count, 1);
    layout->addLayout(bar);
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_applying)
            refresh();
    });

    auto* split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableWidget(0, ColumnCount, split);
    m_table->setHorizontalHeaderLabels({ tr("Severity"), tr("Status"), tr("Rule"), tr("Message"),
        tr("Object or target"), tr("Fired"), tr("Last seen"), tr("Acknowledged by") });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(SeverityColumn, 100);
    m_table->setColumnWidth(StatusColumn, 110);
    m_table->setColumnWidth(RuleColumn, 190);
    m_table->setColumnWidth(MessageColumn, 330);
    m_table->setColumnWidth(SubjectColumn, 170);
    m_table->setColumnWidth(FiredColumn, 175);
    m_table->setColumnWidth(LastSeenColumn, 175);

    auto* detailBox = new QWidget(split);
    auto* detailLayout = new QVBoxLayout(detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto* actions = new QHBoxLayout();
    m_objectButton = new QPushButton(uiIcon(QStringLiteral("lineage")), tr("Show object"), detailBox);
    m_objectButton->setToolTip(tr("The lineage of the object the alert names"));
    m_exceptionsButton = new QPushButton(uiIcon(QStringLiteral("exceptions")), tr("Show exceptions"), detailBox);
    m_exceptionsButton->setToolTip(tr("The exception backlog filtered to the alert's domain, target and object"));
    m_matrixButton = new QPushButton(uiIcon(QStringLiteral("matrix")), tr("Show in matrix"), detailBox);
    m_matrixButton->setToolTip(tr("The propagation matrix filtered to the alert's domain and target"));
    m_ackButton = new QPushButton(tr("Acknowledge…"), detailBox);
    m_rawButton = new QToolButton(detailBox);
    m_rawButton->setText(tr("Raw details"));
    m_rawButton->setCheckable(true);
    m_rawButton->setToolTip(tr("Show the alert's details as stored (JSON)"));
    for (QWidget* w : std::initializer_list<QWidget*> { m_objectButton, m_exceptionsButton, m_matrixButton })
        actions->addWidget(w);
    actions->addStretch(1);
    actions->addWidget(m_rawButton);
    actions->addWidget(m_ackButton);
    detailLayout->addLayout(actions);
    auto* detailRow = new QHBoxLayout();
    m_detail = new QTextBrowser(detailBox);
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select an alert to see why it fired."));
    m_raw = new QPlainTextEdit(detailBox);
    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_raw->hide();
    detailRow->addWidget(m_detail, 3);
    detailRow->addWidget(m_raw, 2);
    detailLayout->addLayout(detailRow, 1);
    split->addWidget(m_table);
    split->addWidget(detailBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_rawButton, &QToolButton::toggled, m_raw, &QWidget::setVisible);
    connect(m_detail, &QTextBrowser::anchorClicked, this, &AlertsView::openLink);
    connect(m_objectButton, &QPushButton::clicked, this, &AlertsView::showObject);
    connect(m_exceptionsButton, &QPushButton::clicked, this, &AlertsView::showExceptions);
    connect(m_matrixButton, &QPushButton::clicked, this, &AlertsView::showInMatrix);
    connect(m_ackButton, &QPushButton::clicked, this, &AlertsView::acknowledgeWithDialog);
    // Enter and double-click (activated covers both).
    connect(m_table, &QAbstractItemView::activated, this, &AlertsView::openPrimary);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
            if (m_applying)
                return; // a refresh restores the selection by id itself
            const QTableWidgetItem* item = current.isValid() ? m_table->item(current.row(), SeverityColumn) : nullptr;
            m_currentId = item ? item->data(kAlertIdRole).toLongLong() : 0;
            showDetail();
        });
    if (m_ctx.core) {
        connect(m_ctx.core, &CoreController::changed, this, [this] {
            if (m_started && isVisible())
                refresh();
        });
        connect(m_ctx.core, &CoreController::alertsFired, this, [this] {
            if (m_started)
                refresh();
        });
    }
    updateActions();
}

void AlertsView::activate()
{
    m_started = true;
    refresh();
}

void AlertsView::setStatusFilter(const QString& status)
{
    const int i = m_status->findData(status);
    if (i >= 0 && i != m_status->currentIndex())
        m_status->setCurrentIndex(i); // refreshes
    else
        refresh();
}

QString AlertsView::statusFilter() const
{
    return m_status->currentData().toString();
}

void AlertsView::refresh()
{
    if (!m_ctx.reader)
        return;
    m_started = true;
    const QString status = statusFilter();
    const std::string actor = m_ctx.core ? m_ctx.core->actor() : std::string();
    m_ctx.reader->run<AlertsSnapshot>(
        this, &m_channel, [status, actor](QSqlDatabase& db) { return alLoad(db, status, actor); },
        [this](Result<AlertsSnapshot> r) {
            if (!r) {
                m_count->setText(tr("Cannot read the alerts: %1").arg(r.error()));
                return;
            }
            apply(std::move(r.value()));
        });
}

void AlertsView::apply(AlertsSnapshot snapshot)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_applying = true;
    m_snapshot = std::move(snapshot);
    const auto n = [this](const char* s) { return m_snapshot.counts.value(QLatin1String(s)); };
    qint64 total = 0;
    for (qint64 c : std::as_const(m_snapshot.counts))
        total += c;
    m_status->setItemText(0, tr("Open (%1)").arg(n("open")));
    m_status->setItemText(1, tr("Acknowledged (%1)").arg(n("acknowledged")));
    m_status->setItemText(2, tr("Cleared (%1)").arg(n("cleared")));
    m_status->setItemText(3, tr("All (%1)").arg(total));
    m_count->setText(tr("%n alert(s) shown, newest first", nullptr, static_cast<int>(m_snapshot.rows.size())));

    m_table->setRowCount(static_cast<int>(m_snapshot.rows.size()));
    int selectedRow = -1;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const read::AlertRow& a = m_snapshot.rows[static_cast<size_t>(row)];
        const StatusLook look = severityLook(a.severity);
        auto* sev = new QTableWidgetItem(look.icon, look.label);
        sev->setData(kAlertIdRole, a.id);
        sev->setForeground(look.color);
        m_table->setItem(row, SeverityColumn, sev);
        auto* status = new QTableWidgetItem(alStatusLabel(a.status));
        if (a.status == QLatin1String("open")) {
            QFont bold = m_table->font();
            bold.setBold(true);
            status->setFont(bold);
        }
        m_table->setItem(row, StatusColumn, status);
        m_table->setItem(row, RuleColumn, new QTableWidgetItem(a.rule));
        auto* message = new QTableWidgetItem(a.message);
        message->setToolTip(a.message);
        m_table->setItem(row, MessageColumn, message);
        m_table->setItem(row, SubjectColumn, new QTableWidgetItem(alSubject(a)));
        m_table->setItem(row, FiredColumn, new QTableWidgetItem(alTime(a.firedAt)));
        m_table->setItem(row, LastSeenColumn, new QTableWidgetItem(alTime(a.lastSeenAt)));
        m_table->setItem(row, AckedByColumn, new QTableWidgetItem(a.ackedBy));
        if (a.id == m_currentId)
            selectedRow = row;
    }
    // The selection stays on the same alert (issue 18 item 0); when it is no longer listed, nothing is selected.
    if (selectedRow >= 0) {
        m_table->setCurrentCell(selectedRow, SeverityColumn);
        m_table->selectRow(selectedRow);
    } else {
        m_table->clearSelection();
        m_table->setCurrentIndex({});
        m_currentId = 0;
    }
    m_applying = false;
    showDetail();
    m_ready = true;
    Q_EMIT loaded();
}

const read::AlertRow* AlertsView::currentAlert() const
{
    if (m_currentId == 0)
        return nullptr;
    for (const read::AlertRow& a : m_snapshot.rows)
        if (a.id == m_currentId)
            return &a;
    return nullptr;
}

bool AlertsView::selectAlert(qint64 id)
{
    for (int row = 0; row < m_table->rowCount(); ++row)
        if (m_table->item(row, SeverityColumn)->data(kAlertIdRole).toLongLong() == id) {
            m_table->setCurrentCell(row, SeverityColumn);
            m_table->selectRow(row);
            return true;
        }
    return false;
}

void AlertsView::showDetail()
{
    m_links.clear();
    const read::AlertRow* a = currentAlert();
    if (!a) {
        m_detail->clear();
        m_raw->clear();
        updateActions();
        return;
    }
    auto esc = [](const QString& s) { return s.toHtmlEscaped(); };
    auto objectLink = [this, &esc](const QString& domain, const QString& key) {
        m_links.emplace_back(domain, key);
        return QStringLiteral("<a href=\"object:%1\">%2 %3</a>").arg(m_links.size() - 1).arg(esc(domain), esc(key));
    };
    const json& d = a->details;
    const QString kind = alKind(*a);
    const StatusLook look = severityLook(a->severity);
    QString html
        = QStringLiteral("<p><b>#%1</b> · <span style=\"color:%2\">%3</span> · %4 · %5</p><p><b>%6</b></p>")
              .arg(a->id)
              .arg(look.color.name(), esc(look.label), esc(alStatusLabel(a->status)), esc(a->rule), esc(a->message));
    QStringList facts;
    if (!a->objectKey.isEmpty() && !a->domain.isEmpty())
        facts << tr("Object: %1").arg(objectLink(a->domain, a->objectKey));
    if (kind == QLatin1String("attribute_changed")) {
        facts << tr("Revision %1, from %2 (by %3, received %4)")
                     .arg(alText(d, "revision_no"), esc(alText(d, "source")), esc(alText(d, "actor")),
                         esc(alText(d, "received_at")));
        if (const auto changes = d.find("changes"); changes != d.end() && changes->is_object()) {
            QStringList lines;
            for (auto it = changes->begin(); it != changes->end(); ++it) {
                const QString attribute = QString::fromStdString(it.key());
                if (it->is_object() && (it->contains("old") || it->contains("new")))
                    lines << tr("%1: %2 → %3")
                                 .arg(esc(attribute), esc(alValue(it->value("old", json()))),
                                     esc(alValue(it->value("new", json()))));
                else
                    lines << tr("%1: %2").arg(esc(attribute), esc(alValue(*it)));
            }
            facts << tr("Changes:<ul><li>%1</li></ul>").arg(lines.join(QStringLiteral("</li><li>")));
        }
        if (d.contains("while_referenced")) {
            QStringList refs;
            if (const auto objects = d.find("referenced_objects"); objects != d.end() && objects->is_array()) {
                for (const json& o : *objects)
                    refs << tr("%1 (%2 %3)")
                                .arg(objectLink(alText(o, "domain"), alText(o, "key")), esc(alText(o, "attribute")),
                                    esc(alValue(o.value("value", json()))));
            } else {
                // Alerts fired before the details named the objects: "item RM-7 lifecycle_status blocked, ...".
                for (const QString& part : alText(d, "while_referenced").split(QStringLiteral(", "))) {
                    const QStringList words = part.split(QLatin1Char(' '));
                    if (words.size() >= 2)
                        refs << tr("%1 (%2)").arg(
                            objectLink(words[0], words[1]), esc(words.mid(2).join(QLatin1Char(' '))));
                }
            }
            facts << tr("While the referenced objects are:<ul><li>%1</li></ul>")
                         .arg(refs.join(QStringLiteral("</li><li>")));
        }
    } else if (kind == QLatin1String("sla_unacked")) {
        facts << tr("%1 revision(s) of %2 not acknowledged by %3 within the SLA of %4 min; the oldest received %5")
                     .arg(alText(d, "overdue"), esc(a->domain), esc(a->target), alText(d, "sla_minutes"),
                         esc(alText(d, "oldest_received_at")));
        if (const auto examples = d.find("examples");
            examples != d.end() && examples->is_array() && !examples->empty()) {
            QStringList keys;
            for (const json& e : *examples)
                if (const QString key = alText(e, "key"); !key.isEmpty() && key != a->objectKey)
                    keys << objectLink(a->domain, key);
            if (!keys.isEmpty())
                facts << tr("For example: %1").arg(keys.join(QStringLiteral(", ")));
        }
    } else if (kind == QLatin1String("open_exceptions_over")) {
        facts << tr("%1 open exceptions for %2 (more than %3)")
                     .arg(alText(d, "open"), esc(a->domain), alText(d, "threshold"));
    } else if (kind == QLatin1String("target_outage_over")) {
        facts << tr("%1 is down since %2 (%3 min, the rule allows %4 min); %5 deliveries wait")
                     .arg(esc(a->target), esc(alText(d, "since")), alText(d, "down_minutes"), alText(d, "minutes"),
                         alText(d, "waiting"));
        if (const QString e = alText(d, "last_error"); !e.isEmpty())
            facts << tr("Last error: %1").arg(esc(e));
    }
    facts << tr("Fired %1, last seen %2").arg(alTime(a->firedAt), alTime(a->lastSeenAt));
    if (!a->ackedBy.isEmpty())
        facts << tr("Acknowledged by %1 at %2").arg(esc(a->ackedBy), alTime(a->ackedAt));
    if (a->clearedAt > 0)
        facts << tr("Cleared at %1").arg(alTime(a->clearedAt));
    html += QStringLiteral("<p>") + facts.join(QStringLiteral("<br>")) + QStringLiteral("</p>");

    if (const auto notes = d.find("notifications"); notes != d.end() && notes->is_array() && !notes->empty()) {
        html += tr("<p><b>Notifications</b></p>") + QStringLiteral("<table cellpadding=\"2\">");
        for (const json& n : *notes) {
            const bool ok = n.value("ok", false);
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                        .arg(esc(alText(n, "channel")), ok ? tr("✔ sent") : tr("✘ failed"), esc(alText(n, "at")),
                            esc(alText(n, "detail")));
        }
        html += QStringLiteral("</table>");
    } else {
        html += tr("<p><small>No notification was sent for this alert.</small></p>");
    }
    m_detail->setHtml(html);
    m_raw->setPlainText(QString::fromStdString(d.dump(2)));
    updateActions();
}

void AlertsView::updateActions()
{
    const read::AlertRow* a = currentAlert();
    const QString kind = a ? alKind(*a) : QString();
    m_objectButton->setEnabled(a && !a->domain.isEmpty() && !a->objectKey.isEmpty());
    m_exceptionsButton->setEnabled(a && (!a->domain.isEmpty() || !a->target.isEmpty()));
    m_matrixButton->setEnabled(
        a && (kind == QLatin1String("sla_unacked") || kind == QLatin1String("target_outage_over")));
    m_rawButton->setEnabled(a != nullptr);
    if (!m_snapshot.mayAcknowledge) {
        m_ackButton->setEnabled(false);
        m_ackButton->setToolTip(tr("Only stewards, approvers and admins can acknowledge alerts"));
    } else {
        m_ackButton->setEnabled(a && a->status == QLatin1String("open"));
        m_ackButton->setToolTip(a && a->status != QLatin1String("open")
                ? tr("Only open alerts can be acknowledged")
                : tr("Acknowledge the alert, with an optional note (recorded in the audit log)"));
    }
}

void AlertsView::openPrimary()
{
    if (m_objectButton->isEnabled())
        showObject();
    else if (m_matrixButton->isEnabled())
        showInMatrix();
    else if (m_exceptionsButton->isEnabled())
        showExceptions();
}

void AlertsView::showObject()
{
    const read::AlertRow* a = currentAlert();
    if (a && m_ctx.nav && !a->domain.isEmpty() && !a->objectKey.isEmpty())
        Q_EMIT m_ctx.nav->objectRequested(a->domain, a->objectKey);
}

// The navigator filter of an alert: its domain and target, and its object for the exceptions view.
static QVariantMap navigatorFilter(const read::AlertRow& a, bool withObject)
{
    QVariantMap filter;
    if (!a.domain.isEmpty())
        filter.insert(QStringLiteral("domain"), a.domain);
    if (!a.target.isEmpty())
        filter.insert(QStringLiteral("target"), a.target);
    if (withObject && !a.objectKey.isEmpty())
        filter.insert(QStringLiteral("object_key"), a.objectKey);
    return filter;
}

void AlertsView::showExceptions()
{
    if (const read::AlertRow* a = currentAlert(); a && m_ctx.nav)
        Q_EMIT m_ctx.nav->exceptionsRequested(navigatorFilter(*a, true));
}

void AlertsView::showInMatrix()
{
    if (const read::AlertRow* a = currentAlert(); a && m_ctx.nav)
        Q_EMIT m_ctx.nav->matrixRequested(navigatorFilter(*a, false));
}

void AlertsView::openLink(const QUrl& url)
{
    if (url.scheme() != QLatin1String("object") || !m_ctx.nav)
        return;
    bool ok = false;
    const int i = url.path().toInt(&ok);
    if (ok && i >= 0 && i < static_cast<int>(m_links.size()))
        Q_EMIT m_ctx.nav->objectRequested(
            m_links[static_cast<size_t>(i)].first, m_links[static_cast<size_t>(i)].second);
}

void AlertsView::acknowledgeWithDialog()
{
    const read::AlertRow* a = currentAlert();
    if (!a)
        return;
    bool ok = false;
    const QString note = QInputDialog::getText(this, tr("Acknowledge alert #%1").arg(a->id),
        tr("%1\n\nNote (optional, recorded in the audit log):").arg(a->message), QLineEdit::Normal, QString(), &ok);
    if (ok)
        acknowledgeCurrent(note);
}

void AlertsView::acknowledgeCurrent(const QString& note)
{
    const read::AlertRow* a = currentAlert();
    if (!a || !m_ctx.core)
        return;
    const qint64 id = a->id;
    m_ackButton->setEnabled(false);
    m_ctx.core->submit(alertAcknowledgeCommand(id, note.trimmed().toStdString()),
        exGuarded(this, [this, id](bool ok, const QString& error, const json&) {
            if (!ok)
                m_count->setText(tr("Cannot acknowledge alert #%1: %2").arg(id).arg(error));
            refresh();
            Q_EMIT acknowledged(id, ok, error);
        }));
}

} // namespace mdsync::ui
