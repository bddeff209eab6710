#include "views/lineageview.h"

#include "audit/pointintime.h"
#include "corecontroller.h"
#include "jsontext.h"
#include "store/readqueries.h"
#include "store/readviews.h"
#include "store/workspace.h"
#include "util/timeutil.h"
#include "widgets/timelinewidget.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <optional>

namespace mdsync::ui {

namespace {

struct LineageSnapshot
{
    nlohmann::json events;
    nlohmann::json revisions; // "N" -> {state, changed, source, actor}
};

Result<LineageSnapshot> loadLineage(QSqlDatabase& db, const std::string& domain, const std::string& key)
{
    LineageSnapshot s;
    auto events = read::lineage(db, domain, key, 5000);
    if (!events)
        return makeError(events.error());
    s.events = std::move(events).value();
    s.revisions = nlohmann::json::object();
    auto revisions = read::revisionStates(db, QString::fromStdString(domain), QString::fromStdString(key));
    if (!revisions)
        return makeError(revisions.error());
    for (auto& r : revisions.value())
        s.revisions[std::to_string(r.no)] = { { "state", std::move(r.state) }, { "changed", std::move(r.changed) },
            { "source", std::move(r.source) }, { "actor", std::move(r.actor) } };
    return s;
}

} // namespace

LineageView::LineageView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_domain = new QComboBox(this);
    for (const char* d : { "item", "bom", "routing", "supplier", "customer", "location", "asset" })
        m_domain->addItem(QString::fromLatin1(d), QString::fromLatin1(d));
    m_key = new QLineEdit(this);
    m_key->setPlaceholderText(tr("Object key, e.g. FG-1000"));
    auto* show = new QPushButton(tr("Show lineage"), this);
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(new QLabel(tr("Object:"), this));
    bar->addWidget(m_domain);
    bar->addWidget(m_key, 1);
    bar->addWidget(show);
    bar->addWidget(m_summary, 2);
    layout->addLayout(bar);

    auto* split = new QSplitter(Qt::Vertical, this);
    auto* upper = new QSplitter(Qt::Horizontal, split);
    m_timeline = new TimelineWidget(upper);
    m_detail = new QPlainTextEdit(upper);
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(
        tr("Click an event for its details and the revision's changes. Wheel: zoom, drag: pan."));
    upper->addWidget(m_timeline);
    upper->addWidget(m_detail);
    upper->setStretchFactor(0, 3);
    upper->setStretchFactor(1, 1);
    upper->setSizes({ 900, 380 });

    auto* lower = new QWidget(split);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    auto* atBar = new QHBoxLayout;
    m_authorityTitle = new QLabel(tr("Point in time: each attribute's value, owner and supplier"), lower);
    m_at = new QDateTimeEdit(QDateTime::currentDateTime(), lower);
    m_at->setCalendarPopup(true);
    m_at->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    auto* atShow = new QPushButton(tr("Show authority at this time"), lower);
    atBar->addWidget(m_authorityTitle, 1);
    atBar->addWidget(m_at);
    atBar->addWidget(atShow);
    lowerLayout->addLayout(atBar);
    m_authority = new QTableWidget(lower);
    m_authority->setColumnCount(5);
    m_authority->setHorizontalHeaderLabels(
        { tr("Attribute"), tr("Value"), tr("Owner"), tr("Supplied by"), tr("Revision") });
    m_authority->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_authority->verticalHeader()->hide();
    m_authority->horizontalHeader()->setStretchLastSection(true);
    lowerLayout->addWidget(m_authority);
    split->addWidget(upper);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    auto go = [this] { showObject(m_domain->currentData().toString(), m_key->text().trimmed()); };
    connect(show, &QPushButton::clicked, this, go);
    connect(m_key, &QLineEdit::returnPressed, this, go);
    connect(atShow, &QPushButton::clicked, this, [this] { showAuthorityAt(m_at->dateTime()); });
    connect(m_timeline, &TimelineWidget::eventSelected, this, &LineageView::showEvent);
    connect(ctx.core, &CoreController::changed, this, [this] {
        if (isVisible() && !m_keyShown.isEmpty() && m_ready)
            showObject(m_domainShown, m_keyShown);
    });
}

void LineageView::activate()
{
    if (!m_keyShown.isEmpty() || m_pickedDefault)
        return;
    // Nothing chosen yet: show the object with the most recent activity.
    m_pickedDefault = true;
    m_ready = false;
    using Busiest = std::optional<std::pair<QString, QString>>;
    m_ctx.reader->run<Busiest>(
        this, &m_lineageChannel, [](QSqlDatabase& db) { return read::busiestObject(db); },
        [this](Result<Busiest> r) {
            m_ready = true;
            if (r && r.value() && !r.value()->second.isEmpty())
                showObject(r.value()->first, r.value()->second);
        });
}

void LineageView::showObject(const QString& domain, const QString& key)
{
    if (key.isEmpty())
        return;
    m_domain->setCurrentIndex(std::max(0, m_domain->findData(domain)));
    if (m_key->text() != key)
        m_key->setText(key);
    const bool sameObject = domain == m_domainShown && key == m_keyShown;
    if (!sameObject)
        m_at->setDateTime(QDateTime::currentDateTime()); // authority now, until the user picks a time
    m_domainShown = domain;
    m_keyShown = key;
    m_ready = false;
    const std::string d = domain.toStdString(), k = key.toStdString();
    m_ctx.reader->run<LineageSnapshot>(
        this, &m_lineageChannel, [d, k](QSqlDatabase& db) { return loadLineage(db, d, k); },
        [this, sameObject](Result<LineageSnapshot> r) {
            m_ready = true;
            if (!r) {
                m_summary->setText(r.error());
                return;
            }
            if (sameObject && r->events.size() == m_events.size())
                return; // nothing new (a refresh)
            m_events = std::move(r->events);
            m_revisions = std::move(r->revisions);
            std::vector<TimelineEvent> events;
            QStringList correlations;
            for (const auto& e : m_events) {
                TimelineEvent t;
                t.atMs = parseRfc3339(e.value("at", std::string())).value_or(0);
                t.lane = jsonFieldText(e, "system");
                t.kind = jsonFieldText(e, "kind");
                const QString rev = jsonFieldText(e, "revision");
                const QString actor = jsonFieldText(e, "actor");
                t.label = (rev.isEmpty() ? QString() : tr("revision %1").arg(rev))
                    + (actor.isEmpty() ? QString() : tr(" by %1").arg(actor));
                events.push_back(std::move(t));
                const QString c = jsonFieldText(e, "correlation_id");
                if (!c.isEmpty() && !correlations.contains(c))
                    correlations << c;
            }
            m_timeline->setEvents(std::move(events));
            m_summary->setText(
                tr("%1 %2: %n event(s), correlation %3", nullptr, static_cast<int>(m_events.size()))
                    .arg(m_domainShown, m_keyShown, correlations.isEmpty() ? tr("none") : correlations.last()));
            if (!m_events.empty())
                m_timeline->selectEvent(static_cast<int>(m_events.size()) - 1);
            Q_EMIT lineageLoaded(static_cast<int>(m_events.size()));
            showAuthorityAt(m_at->dateTime());
        });
}

void LineageView::showEvent(int index)
{
    if (index < 0 || static_cast<size_t>(index) >= m_events.size())
        return;
    const auto& e = m_events[static_cast<size_t>(index)];
    QString text = QString::fromStdString(e.dump(2));
    const QString rev = jsonFieldText(e, "revision");
    if (!rev.isEmpty()) {
        auto cur = m_revisions.find(rev.toStdString());
        if (cur != m_revisions.end()) {
            auto prev = m_revisions.find(std::to_string(rev.toLongLong() - 1));
            text += tr("\n\nRevision %1 from %2 (%3), changes:\n")
                        .arg(rev, jsonFieldText(*cur, "source"), jsonFieldText(*cur, "actor"));
            const nlohmann::json& state = (*cur)["state"];
            const nlohmann::json before = prev != m_revisions.end() ? (*prev)["state"] : nlohmann::json::object();
            if (state.is_object())
                for (const auto& [attr, value] : state.items()) {
                    const auto old = before.is_object() ? before.find(attr) : before.end();
                    const bool changed = !before.is_object() || old == before.end() || *old != value;
                    if (changed)
                        text += QStringLiteral("  %1: %2 → %3\n")
                                    .arg(QString::fromStdString(attr),
                                        before.is_object() && old != before.end() ? QString::fromStdString(old->dump())
                                                                                  : tr("(none)"),
                                        QString::fromStdString(value.dump()));
                }
        }
    }
    m_detail->setPlainText(text);
}

void LineageView::showAuthorityAt(const QDateTime& at)
{
    if (m_keyShown.isEmpty())
        return;
    const std::string d = m_domainShown.toStdString(), k = m_keyShown.toStdString();
    const qint64 atMs = at.toMSecsSinceEpoch();
    m_ctx.reader->run<nlohmann::json>(
        this, &m_authorityChannel, [d, k, atMs](QSqlDatabase& db) { return authorityAt(db, d, k, atMs); },
        [this, at](Result<nlohmann::json> r) {
            m_authority->setRowCount(0);
            if (!r) {
                m_authorityTitle->setText(r.error());
                return;
            }
            const nlohmann::json& j = r.value();
            m_authorityTitle->setText(j.value("exists", false)
                    ? tr("At %1: revision %2, landscape %3")
                          .arg(QLocale().toString(at, QLocale::ShortFormat), jsonFieldText(j, "revision_no"),
                              jsonFieldText(j, "landscape_version"))
                    : tr("At %1 the object did not exist yet").arg(QLocale().toString(at, QLocale::ShortFormat)));
            const auto& attrs = j["attributes"];
            m_authority->setRowCount(static_cast<int>(attrs.size()));
            int row = 0;
            for (const auto& a : attrs) {
                const auto& s = a["supplied_by"];
                QString supplier;
                if (s.is_object()) {
                    supplier = jsonFieldText(s, "system");
                    if (s.value("steward", false))
                        supplier += tr(" via steward %1").arg(jsonFieldText(s, "actor"));
                    const QString approver = jsonFieldText(s, "approved_by");
                    if (!approver.isEmpty())
                        supplier += tr(", approved by %1").arg(approver);
                }
                const QString value = a["value"].is_string() ? QString::fromStdString(a["value"].get<std::string>())
                                                             : QString::fromStdString(a["value"].dump());
                const QStringList cells = { jsonFieldText(a, "attribute"), value, jsonFieldText(a, "owner"), supplier,
                    s.is_object() ? jsonFieldText(s, "revision_no") : QString() };
                for (int c = 0; c < cells.size(); ++c)
                    m_authority->setItem(row, c, new QTableWidgetItem(cells[c]));
                ++row;
            }
            m_authority->resizeColumnsToContents();
            Q_EMIT authorityLoaded(row);
        });
}

} // namespace mdsync::ui
