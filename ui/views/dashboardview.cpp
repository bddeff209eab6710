#include "views/dashboardview.h"

#include "corecontroller.h"
#include "metrics/metrics.h"
#include "store/readviews.h"
#include "util/qtext.h"
#include "widgets/chartstyle.h"
#include "widgets/kpitile.h"
#include "widgets/statusstyle.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

using nlohmann::json;

namespace mdsync::ui {

namespace {

// A count axis from 0 to a little above maxY with ticks on whole numbers: with the default five ticks a range of
// 0..1.1 was labelled "0 0 1 1 1".
void setCountRange(QValueAxis* y, qint64 maxY, qreal headroom)
{
    const qreal top = std::max<qreal>(1, static_cast<qreal>(maxY) * headroom);
    y->setRange(0, top);
    y->setTickType(QValueAxis::TicksDynamic);
    y->setTickAnchor(0);
    y->setTickInterval(std::max<qreal>(1, std::ceil(top / 4)));
}

// Health of a system from its last minutes of metric_minute (kDashHealthMinutes) and its backlog.
constexpr int kDashHealthMinutes = 5;
constexpr qint64 kDashSlowLatencyMs = 30 * 1000;
constexpr double kDashSlowRetryRate = 0.2;

// Severities in the order of their tiles: the exception backlog's four always, inbound "error" and "warning"
// (and any other) when exceptions of that severity are open.
const char* const kDashSeverities[] = { "critical", "high", "medium", "low" };
const char* const kDashSeverityOrder[] = { "critical", "error", "high", "medium", "warning", "low" };

StatusLook dashSeverityLook(const QString& severity)
{
    if (severity == QLatin1String("error"))
        return { DashboardView::tr("error"), QColor(0xc6, 0x28, 0x28), uiIcon(QStringLiteral("status-failed")) };
    if (severity == QLatin1String("warning"))
        return { DashboardView::tr("warning"), QColor(0xf9, 0xa8, 0x25), uiIcon(QStringLiteral("status-pending")) };
    return severityLook(severity);
}

int dashSeverityRank(const QString& severity)
{
    int i = 0;
    for (const char* s : kDashSeverityOrder) {
        if (severity == QLatin1String(s))
            return i;
        ++i;
    }
    return i;
}

qint64 dashInt(const json& j, const char* key)
{
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<qint64>() : 0;
}

QString dashDuration(qint64 ms)
{
    if (ms < 1000)
        return DashboardView::tr("%1 ms").arg(QLocale().toString(ms));
    if (ms < 120 * 1000)
        return DashboardView::tr("%1 s").arg(
            QLocale().toString(static_cast<double>(ms) / 1000.0, 'f', ms < 10000 ? 1 : 0));
    if (ms < 120 * 60 * 1000)
        return DashboardView::tr("%1 min").arg(QLocale().toString(static_cast<double>(ms) / 60000.0, 'f', 1));
    if (ms < 48LL * 3600 * 1000)
        return DashboardView::tr("%1 h").arg(QLocale().toString(static_cast<double>(ms) / 3600000.0, 'f', 1));
    return DashboardView::tr("%1 d").arg(QLocale().toString(static_cast<double>(ms) / 86400000.0, 'f', 1));
}

} // namespace

Result<DashboardSnapshot> DashboardView::loadSnapshot(QSqlDatabase& db, TimeMs now)
{
    DashboardSnapshot s;
    s.now = now;
    KpiOptions ko;
    ko.now = now;
    ko.windowMs = static_cast<std::int64_t>(kWindowMinutes) * metrics::kMinuteMs;
    ko.outageWindowMs = static_cast<std::int64_t>(kOutageWindowDays) * 24 * 60 * metrics::kMinuteMs;
    auto kpis = computeKpis(db, ko);
    if (!kpis)
        return makeError(kpis.error());
    s.kpis = std::move(kpis).value();

    // Open exceptions by severity, the systems and which of them are subscribed targets.
    auto data = read::dashboard(db);
    if (!data)
        return makeError(data.error());
    s.openBySeverity = std::move(data->openBySeverity);
    auto loads = activeOnboardings(db, now - static_cast<TimeMs>(kWindowMinutes) * metrics::kMinuteMs);
    if (!loads)
        return makeError(loads.error());
    s.onboardings = std::move(loads).value();
    using Sys = read::DashboardData::System;
    const std::vector<Sys>& systems = data->systems;
    const QStringList& subscribed = data->subscribedTargets;

    const json targets = s.kpis.value("targets", json::object());
    const TimeMs from = now - static_cast<TimeMs>(kWindowMinutes) * metrics::kMinuteMs;
    for (const Sys& sys : systems) {
        SystemHealth h;
        h.id = sys.id;
        h.name = sys.name;
        h.kind = sys.kind;
        const std::string tid = sys.id.toStdString();
        const json t = targets.value(tid, json::object());
        h.backlog = dashInt(t, "backlog");
        const bool isTarget = subscribed.contains(sys.id) || targets.contains(tid);
        if (isTarget) {
            auto series = timeSeries(db, tid, from, now + 1);
            if (!series)
                return makeError(series.error());
            DashboardSnapshot::Series ts;
            ts.target = sys.id;
            qint64 attempts = 0, acked = 0, retried = 0, failed = 0, latencySum = 0;
            const json& points = series.value()["points"];
            const std::size_t recentFrom = points.size() > static_cast<std::size_t>(kDashHealthMinutes)
                ? points.size() - static_cast<std::size_t>(kDashHealthMinutes)
                : 0;
            for (std::size_t i = 0; i < points.size(); ++i) {
                const json& p = points[i];
                const qint64 a = dashInt(p, "acked");
                ts.acked.emplace_back(dashInt(p, "at_ms"), a);
                if (a > 0)
                    h.lastAckMs = dashInt(p, "at_ms") + metrics::kMinuteMs - 1;
                if (i >= recentFrom) {
                    attempts += dashInt(p, "attempts");
                    acked += a;
                    retried += dashInt(p, "retried");
                    failed += dashInt(p, "failed");
                    latencySum += dashInt(p, "latency_avg_ms") * a;
                }
            }
            h.lastAckMs = std::min(h.lastAckMs, now);
            s.throughput.push_back(std::move(ts));
            const qint64 avgLatency = acked ? latencySum / acked : 0;
            const double retryRate = attempts ? static_cast<double>(retried) / static_cast<double>(attempts) : 0.0;
            if (sys.paused) {
                h.state = SystemHealth::State::Paused;
                h.reason = tr("sending is paused");
            } else if (sys.downSinceMs > 0) {
                // Its circuit is open: deliveries wait, a probe at growing intervals tells when it is back.
                h.state = SystemHealth::State::Down;
                h.downSinceMs = sys.downSinceMs;
                h.waiting = sys.waiting;
                h.reason = tr("circuit open: %1").arg(sys.lastError);
            } else if (attempts + failed == 0) {
                h.state = h.backlog > 0 ? SystemHealth::State::Slow : SystemHealth::State::Idle;
                h.reason = h.backlog > 0 ? tr("backlog waiting, no calls in the last %1 min").arg(kDashHealthMinutes)
                                         : tr("no traffic in the last %1 min").arg(kDashHealthMinutes);
            } else if (acked == 0) {
                h.state = SystemHealth::State::Down;
                h.reason = tr("%1 calls, %2 retried, %3 failed and no ack in the last %4 min")
                               .arg(attempts)
                               .arg(retried)
                               .arg(failed)
                               .arg(kDashHealthMinutes);
            } else if (retryRate >= kDashSlowRetryRate || avgLatency >= kDashSlowLatencyMs) {
                h.state = SystemHealth::State::Slow;
                h.reason = tr("retry rate %1 %, average latency %2 in the last %3 min")
                               .arg(std::lround(retryRate * 100))
                               .arg(dashDuration(avgLatency))
                               .arg(kDashHealthMinutes);
            } else {
                h.state = SystemHealth::State::Up;
                h.reason = tr("%1 acks, average latency %2 in the last %3 min")
                               .arg(acked)
                               .arg(dashDuration(avgLatency))
                               .arg(kDashHealthMinutes);
            }
        } else {
            h.state = sys.paused ? SystemHealth::State::Paused : SystemHealth::State::Idle;
            h.reason = tr("source system (no subscriptions)");
        }
        s.systems.push_back(std::move(h));
    }
    return s;
}

DashboardView::DashboardView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(content);

    m_status = new QLabel(tr("Loading…"), content);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    m_tileParent = content;
    auto* tiles = new QGridLayout();
    m_tileGrid = tiles;
    tiles->setSpacing(8);
    const std::pair<QString, QString> tileDefs[] = { { QStringLiteral("backlog"), tr("Backlog") },
        { QStringLiteral("acked"), tr("Acked last hour") }, { QStringLiteral("retry_rate"), tr("Retry rate (1 h)") },
        { QStringLiteral("p95"), tr("p95 latency (worst target, 1 h)") },
        { QStringLiteral("sla_breaches"), tr("SLA breaches (1 h)") },
        { QStringLiteral("mttr"), tr("Mean time to repair") },
        { QStringLiteral("outages"), tr("Target outages (%1 days)").arg(kOutageWindowDays) } };
    for (const auto& [id, caption] : tileDefs) {
        auto* tile = new KpiTile(id, caption, content);
        m_tiles.insert(id, tile);
        connect(tile, &KpiTile::clicked, this, &DashboardView::tileClicked);
    }
    for (const char* sev : kDashSeverities)
        severityTile(QLatin1String(sev));
    layoutTiles();
    m_tiles[QStringLiteral("backlog")]->setClickable(true, tr("Show the objects not delivered yet"));
    m_tiles[QStringLiteral("acked")]->setClickable(true, tr("Show acknowledged objects"));
    m_tiles[QStringLiteral("retry_rate")]->setClickable(true, tr("Show objects waiting for a retry"));
    m_tiles[QStringLiteral("p95")]->setClickable(true, tr("Show the objects of the slowest target"));
    m_tiles[QStringLiteral("sla_breaches")]->setAccent(QColor(0xef, 0x8f, 0x00));
    m_tiles[QStringLiteral("mttr")]->setClickable(true, tr("Show the exception backlog"));
    m_tiles[QStringLiteral("outages")]->setClickable(true, tr("Show the target outage incidents"));
    layout->addLayout(tiles);

    auto* healthCaption = new QLabel(
        tr("<b>Systems</b> (state over the last %1 minutes; click for its objects)").arg(kDashHealthMinutes), content);
    layout->addWidget(healthCaption);
    m_health = new HealthStrip(content);
    connect(m_health, &HealthStrip::systemClicked, this, [this](const QString& id) {
        Q_EMIT m_ctx.nav->matrixRequested({ { QStringLiteral("target"), id } });
    });
    layout->addWidget(m_health);

    m_onboard = new QWidget(content);
    m_onboardRows = new QVBoxLayout(m_onboard);
    m_onboardRows->setContentsMargins(0, 0, 0, 0);
    m_onboard->hide();
    layout->addWidget(m_onboard);

    auto* charts = new QGridLayout();
    m_throughput = makeChartView(tr("Throughput per target (acks per minute, last hour)"), content);
    m_latency = makeChartView(tr("Latency per target (last hour)"), content);
    m_aging = makeChartView(tr("Open exceptions by age"), content);
    m_sla = makeChartView(tr("SLA compliance per domain (last hour)"), content);
    charts->addWidget(m_throughput, 0, 0);
    charts->addWidget(m_latency, 0, 1);
    charts->addWidget(m_aging, 1, 0);
    charts->addWidget(m_sla, 1, 1);
    layout->addLayout(charts, 1);

    m_throttle = new QTimer(this);
    m_throttle->setSingleShot(true);
    connect(m_throttle, &QTimer::timeout, this, &DashboardView::refresh);
    if (m_ctx.core)
        connect(m_ctx.core, &CoreController::changed, this, &DashboardView::onCoreChanged);
}

KpiTile* DashboardView::severityTile(const QString& severity)
{
    const QString id = QStringLiteral("open_") + severity;
    if (KpiTile* t = m_tiles.value(id, nullptr))
        return t;
    const StatusLook look = dashSeverityLook(severity);
    auto* t = new KpiTile(id, tr("Open exceptions: %1").arg(look.label), m_tileParent);
    t->setAccent(look.color);
    t->setClickable(true, tr("Show the open exceptions of severity %1").arg(look.label));
    connect(t, &KpiTile::clicked, this, &DashboardView::tileClicked);
    m_tiles.insert(id, t);
    return t;
}

void DashboardView::layoutTiles()
{
    QStringList order = { QStringLiteral("backlog"), QStringLiteral("acked"), QStringLiteral("retry_rate"),
        QStringLiteral("p95"), QStringLiteral("sla_breaches") };
    QStringList severities;
    for (auto it = m_tiles.cbegin(); it != m_tiles.cend(); ++it)
        if (it.key().startsWith(QLatin1String("open_")))
            severities << it.key().mid(5);
    std::sort(severities.begin(), severities.end(), [](const QString& a, const QString& b) {
        const int ra = dashSeverityRank(a), rb = dashSeverityRank(b);
        return ra != rb ? ra < rb : a < b;
    });
    for (const QString& s : severities)
        order << QStringLiteral("open_") + s;
    order << QStringLiteral("mttr") << QStringLiteral("outages");
    for (KpiTile* t : std::as_const(m_tiles))
        m_tileGrid->removeWidget(t);
    int i = 0;
    for (const QString& id : order) {
        m_tileGrid->addWidget(m_tiles.value(id), i / kTileColumns, i % kTileColumns);
        ++i;
    }
}

KpiTile* DashboardView::tile(const QString& id) const
{
    return m_tiles.value(id, nullptr);
}

void DashboardView::activate()
{
    if (m_stale || !m_ready)
        refresh();
}

void DashboardView::onCoreChanged()
{
    m_stale = true;
    if (!isVisible())
        return;
    if (m_inFlight) {
        m_again = true;
        return;
    }
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : kMinRefreshMs;
    if (!m_throttle->isActive())
        m_throttle->start(static_cast<int>(std::max<qint64>(0, kMinRefreshMs - since)));
}

void DashboardView::refresh()
{
    if (!m_ctx.reader)
        return;
    m_throttle->stop();
    m_inFlight = true;
    m_again = false;
    m_stale = false;
    m_sinceRefresh.start();
    const TimeMs now = nowMs();
    m_ctx.reader->run<DashboardSnapshot>(
        this, &m_channel, [now](QSqlDatabase& db) { return loadSnapshot(db, now); },
        [this](Result<DashboardSnapshot> r) {
            m_inFlight = false;
            if (!r) {
                m_error = r.error();
                m_status->setText(tr("Cannot read the KPIs: %1").arg(m_error));
            } else {
                m_error.clear();
                apply(std::move(r).value());
            }
            if (m_again)
                onCoreChanged();
        });
}

void DashboardView::apply(DashboardSnapshot s)
{
    m_snapshot = std::move(s);
    m_status->setText(
        tr("As of %1 (UTC) · window %2 minutes · click a tile, bar or system for the list behind it")
            .arg(QDateTime::fromMSecsSinceEpoch(m_snapshot.now, Qt::UTC).toString(QStringLiteral("HH:mm:ss")))
            .arg(kWindowMinutes));
    updateTiles();
    m_health->setSystems(m_snapshot.systems, m_snapshot.now);
    updateOnboardings();
    updateCharts();
    m_ready = true;
    Q_EMIT refreshed();
}

void DashboardView::updateOnboardings()
{
    while (QLayoutItem* item = m_onboardRows->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    m_onboard->setVisible(!m_snapshot.onboardings.empty());
    if (m_snapshot.onboardings.empty())
        return;
    m_onboardRows->addWidget(
        new QLabel(tr("<b>Initial loads</b> (the current state sent to a new target)"), m_onboard));
    QLocale locale;
    for (const OnboardJob& j : m_snapshot.onboardings) {
        const qint64 planned = j.planned();
        QString state = qs(j.row.status);
        if (j.row.status == "running")
            state = tr("running");
        else if (j.row.status == "paused")
            state = tr("paused");
        else if (j.row.status == "done")
            state = tr("done");
        auto* line = new QLabel(tr("#%1 %2, %3: %4 of %5 acknowledged, %6 queued, %7 open, %8 failed")
                                    .arg(j.row.id)
                                    .arg(qs(j.row.target), state, locale.toString(j.progress.acked),
                                        locale.toString(planned), locale.toString(j.row.queued),
                                        locale.toString(j.progress.open), locale.toString(j.progress.failed)),
            m_onboard);
        line->setObjectName(QStringLiteral("onboard-%1").arg(j.row.id));
        auto* bar = new QProgressBar(m_onboard);
        bar->setObjectName(QStringLiteral("onboard-bar-%1").arg(j.row.id));
        bar->setRange(0, static_cast<int>(std::min<qint64>(planned, std::numeric_limits<int>::max())));
        bar->setValue(static_cast<int>(std::min<qint64>(j.progress.acked, bar->maximum())));
        bar->setFormat(tr("%p% acknowledged"));
        m_onboardRows->addWidget(line);
        m_onboardRows->addWidget(bar);
    }
}

void DashboardView::updateTiles()
{
    const json& k = m_snapshot.kpis;
    const json window = k.value("window", json::object());
    const qint64 backlog = dashInt(k, "backlog_total");
    m_tiles[QStringLiteral("backlog")]->setValue(backlog, QLocale().toString(backlog), tr("deliveries not final yet"));
    const qint64 acked = dashInt(window, "acked");
    m_tiles[QStringLiteral("acked")]->setValue(acked, QLocale().toString(acked),
        tr("%1 calls in the window").arg(QLocale().toString(dashInt(window, "attempts"))));
    const json rate = window.value("retry_rate", json(nullptr));
    if (rate.is_number())
        m_tiles[QStringLiteral("retry_rate")]->setValue(rate.get<double>(),
            QStringLiteral("%1 %").arg(QLocale().toString(rate.get<double>() * 100.0, 'f', 1)),
            tr("%1 retried of %2 calls")
                .arg(QLocale().toString(dashInt(window, "retried")), QLocale().toString(dashInt(window, "attempts"))));
    else
        m_tiles[QStringLiteral("retry_rate")]->setValue({}, QStringLiteral("–"), tr("no calls in the window"));

    qint64 worst = -1;
    m_worstTarget.clear();
    const json targets = k.value("targets", json::object());
    for (const auto& [target, t] : targets.items()) {
        const json p95 = t.value("window", json::object()).value("latency_p95_ms", json(nullptr));
        if (p95.is_number() && p95.get<qint64>() > worst) {
            worst = p95.get<qint64>();
            m_worstTarget = qs(target);
        }
    }
    if (worst >= 0)
        m_tiles[QStringLiteral("p95")]->setValue(worst, dashDuration(worst), tr("at %1").arg(m_worstTarget));
    else
        m_tiles[QStringLiteral("p95")]->setValue({}, QStringLiteral("–"), tr("no acks in the window"));
    m_tiles[QStringLiteral("p95")]->setClickable(worst >= 0, tr("Show the objects of %1").arg(m_worstTarget));

    const qint64 breaches = dashInt(window, "sla_breaches");
    m_tiles[QStringLiteral("sla_breaches")]->setValue(
        breaches, QLocale().toString(breaches), tr("acks later than the subscription's SLA"));

    bool added = false;
    for (auto it = m_snapshot.openBySeverity.cbegin(); it != m_snapshot.openBySeverity.cend(); ++it) {
        if (it.value() > 0 && !m_tiles.contains(QStringLiteral("open_") + it.key())) {
            severityTile(it.key());
            added = true;
        }
    }
    if (added)
        layoutTiles();
    for (auto it = m_tiles.cbegin(); it != m_tiles.cend(); ++it) {
        if (!it.key().startsWith(QLatin1String("open_")))
            continue;
        const qint64 n = m_snapshot.openBySeverity.value(it.key().mid(5), 0);
        it.value()->setValue(n, QLocale().toString(n));
    }
    const json mttr = k.value("mttr", json::object());
    const json mean = mttr.value("mean_ms", json(nullptr));
    if (mean.is_number())
        m_tiles[QStringLiteral("mttr")]->setValue(mean.get<qint64>(), dashDuration(mean.get<qint64>()),
            tr("over %1 closed exceptions").arg(dashInt(mttr, "closed")));
    else
        m_tiles[QStringLiteral("mttr")]->setValue({}, QStringLiteral("–"), tr("no exception closed yet"));

    // Target outages: how many targets are down now (the longest first), outage minutes and MTTR over the window.
    const json outages = k.value("outages", json::object());
    const qint64 down = dashInt(outages, "down_now");
    const json mttrOutage = outages.value("mttr_ms", json(nullptr));
    const QString figures
        = tr("%1 outage min, MTTR %2")
              .arg(QLocale().toString(outages.value("outage_minutes", 0.0), 'f', 1),
                  mttrOutage.is_number() ? dashDuration(mttrOutage.get<qint64>()) : QStringLiteral("–"));
    QString detail;
    if (down > 0) {
        const json longest = outages.value("down", json::array()).at(0);
        const QDateTime since = QDateTime::fromMSecsSinceEpoch(dashInt(longest, "since_ms"), Qt::UTC);
        detail = tr("%1 down since %2 (UTC) · %3")
                     .arg(qs(longest.value("target", std::string())),
                         since.toString(since.daysTo(QDateTime::fromMSecsSinceEpoch(m_snapshot.now, Qt::UTC)) > 0
                                 ? QStringLiteral("yyyy-MM-dd HH:mm")
                                 : QStringLiteral("HH:mm")),
                         figures);
    } else {
        detail = tr("no target down · %1").arg(figures);
    }
    KpiTile* outageTile = m_tiles[QStringLiteral("outages")];
    outageTile->setValue(down, down > 0 ? tr("%n down", nullptr, static_cast<int>(down)) : tr("all up"), detail);
    outageTile->setAccent(down > 0 ? QColor(0xc6, 0x28, 0x28) : QColor(0x2e, 0x7d, 0x32));
}

void DashboardView::updateCharts()
{
    const json& k = m_snapshot.kpis;
    const QColor text = palette().color(QPalette::Text);

    // Throughput: one line per target over the last hour.
    {
        QChart* chart = m_throughput->chart();
        clearChart(chart);
        auto* x = new QDateTimeAxis();
        x->setFormat(QStringLiteral("HH:mm"));
        x->setTitleText(tr("UTC"));
        x->setTickCount(7);
        auto* y = new QValueAxis();
        y->setLabelFormat(QStringLiteral("%.0f"));
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        qint64 maxY = 1;
        int n = 0;
        for (const auto& ts : m_snapshot.throughput) {
            auto* line = new QLineSeries();
            line->setName(ts.target);
            line->setColor(seriesColor(n++));
            for (const auto& [at, v] : ts.acked) {
                // Points in local time of the axis: the axis shows UTC labels when given UTC-shifted values.
                const QDateTime utc = QDateTime::fromMSecsSinceEpoch(at, Qt::UTC);
                line->append(
                    static_cast<qreal>(QDateTime(utc.date(), utc.time()).toMSecsSinceEpoch()), static_cast<qreal>(v));
                maxY = std::max(maxY, v);
            }
            chart->addSeries(line);
            line->attachAxis(x);
            line->attachAxis(y);
            const QString target = ts.target;
            connect(line, &QLineSeries::clicked, this, [this, target] {
                Q_EMIT m_ctx.nav->matrixRequested({ { QStringLiteral("target"), target } });
            });
        }
        const QDateTime endUtc = QDateTime::fromMSecsSinceEpoch(m_snapshot.now, Qt::UTC);
        const QDateTime end(endUtc.date(), endUtc.time());
        x->setRange(end.addSecs(-60LL * kWindowMinutes), end);
        setCountRange(y, maxY, 1.1);
        chart->legend()->setVisible(!m_snapshot.throughput.empty());
        styleChart(chart, this);
    }

    // Latency per target: p50 and p95 bars.
    {
        QChart* chart = m_latency->chart();
        clearChart(chart);
        auto* p50 = new QBarSet(tr("p50"));
        auto* p95 = new QBarSet(tr("p95"));
        p50->setColor(seriesColor(0));
        p95->setColor(seriesColor(2));
        m_latencyTargets.clear();
        double maxY = 1;
        const json targets = k.value("targets", json::object());
        for (const auto& [target, t] : targets.items()) {
            const json w = t.value("window", json::object());
            const json a = w.value("latency_p50_ms", json(nullptr)), b = w.value("latency_p95_ms", json(nullptr));
            if (!b.is_number())
                continue;
            m_latencyTargets << qs(target);
            *p50 << (a.is_number() ? a.get<double>() / 1000.0 : 0.0);
            *p95 << b.get<double>() / 1000.0;
            maxY = std::max(maxY, b.get<double>() / 1000.0);
        }
        auto* series = new QBarSeries();
        series->append(p50);
        series->append(p95);
        chart->addSeries(series);
        auto* x = new QBarCategoryAxis();
        x->append(m_latencyTargets);
        auto* y = new QValueAxis();
        y->setTitleText(tr("seconds"));
        y->setRange(0, maxY * 1.1);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        connect(series, &QBarSeries::clicked, this, [this](int index, QBarSet*) {
            if (index >= 0 && index < m_latencyTargets.size())
                Q_EMIT m_ctx.nav->matrixRequested({ { QStringLiteral("target"), m_latencyTargets.at(index) } });
        });
        chart->legend()->setVisible(true);
        styleChart(chart, this);
    }

    // Exception aging histogram.
    {
        QChart* chart = m_aging->chart();
        clearChart(chart);
        const json aging = k.value("exceptions", json::object()).value("aging", json::object());
        auto* set = new QBarSet(tr("open exceptions"));
        set->setColor(severityLook(QStringLiteral("high")).color);
        const qint64 values[]
            = { dashInt(aging, "lt_1h"), dashInt(aging, "lt_1d"), dashInt(aging, "lt_1w"), dashInt(aging, "older") };
        qint64 maxY = 1;
        for (qint64 v : values) {
            *set << static_cast<qreal>(v);
            maxY = std::max(maxY, v);
        }
        set->setLabelColor(text);
        auto* series = new QBarSeries();
        series->append(set);
        series->setLabelsVisible(true);
        series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
        chart->addSeries(series);
        auto* x = new QBarCategoryAxis();
        x->append({ tr("< 1 hour"), tr("1 h – 1 day"), tr("1 day – 1 week"), tr("≥ 1 week") });
        auto* y = new QValueAxis();
        y->setLabelFormat(QStringLiteral("%.0f"));
        setCountRange(y, maxY, 1.2);
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        connect(series, &QBarSeries::clicked, this, [this](int index, QBarSet*) {
            static const int olderThan[] = { 0, 60, 24 * 60, 7 * 24 * 60 };
            if (index < 0 || index > 3)
                return;
            QVariantMap f;
            if (olderThan[index] > 0)
                f.insert(QStringLiteral("older_than_minutes"), olderThan[index]);
            Q_EMIT m_ctx.nav->exceptionsRequested(f);
        });
        chart->legend()->setVisible(false);
        styleChart(chart, this);
    }

    // SLA compliance per domain.
    {
        QChart* chart = m_sla->chart();
        clearChart(chart);
        auto* set = new QBarSet(tr("acked within SLA (%)"));
        set->setColor(deliveryStatusLook(QStringLiteral("acked")).color);
        set->setLabelColor(text);
        m_slaDomains.clear();
        const json byDomain = k.value("sla_by_domain", json::object());
        for (const auto& [domain, d] : byDomain.items()) {
            const json c = d.value("sla_compliance", json(nullptr));
            if (!c.is_number())
                continue;
            m_slaDomains << qs(domain);
            *set << std::round(c.get<double>() * 1000.0) / 10.0;
        }
        auto* series = new QBarSeries();
        series->append(set);
        series->setLabelsVisible(true);
        series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
        chart->addSeries(series);
        auto* x = new QBarCategoryAxis();
        x->append(m_slaDomains);
        auto* y = new QValueAxis();
        y->setRange(0, 100);
        y->setLabelFormat(QStringLiteral("%.0f %")); // the charts localise numbers (chartstyle.cpp): no printf escaping
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
        connect(series, &QBarSeries::clicked, this, [this](int index, QBarSet*) {
            if (index >= 0 && index < m_slaDomains.size())
                Q_EMIT m_ctx.nav->matrixRequested({ { QStringLiteral("domain"), m_slaDomains.at(index) } });
        });
        chart->legend()->setVisible(false);
        styleChart(chart, this);
    }
}

void DashboardView::tileClicked(const QString& id)
{
    Navigator* nav = m_ctx.nav;
    if (!nav)
        return;
    if (id == QLatin1String("backlog"))
        Q_EMIT nav->matrixRequested({ { QStringLiteral("status"), QStringLiteral("backlog") } });
    else if (id == QLatin1String("acked"))
        Q_EMIT nav->matrixRequested({ { QStringLiteral("status"), QStringLiteral("acked") } });
    else if (id == QLatin1String("retry_rate"))
        Q_EMIT nav->matrixRequested({ { QStringLiteral("status"), QStringLiteral("retry_wait") } });
    else if (id == QLatin1String("p95") && !m_worstTarget.isEmpty())
        Q_EMIT nav->matrixRequested({ { QStringLiteral("target"), m_worstTarget } });
    else if (id.startsWith(QLatin1String("open_")))
        Q_EMIT nav->exceptionsRequested({ { QStringLiteral("severity"), id.mid(5) } });
    else if (id == QLatin1String("mttr"))
        Q_EMIT nav->exceptionsRequested({});
    else if (id == QLatin1String("outages"))
        Q_EMIT nav->exceptionsRequested({ { QStringLiteral("category"), QStringLiteral("target_outage") },
            { QStringLiteral("status"),
                QStringList { QStringLiteral("open"), QStringLiteral("assigned"), QStringLiteral("resolved") } } });
}

} // namespace mdsync::ui
