#pragma once

// The control tower dashboard (docs/GUI.md): KPI tiles from computeKpis (counters only), charts (throughput
// and latency per target, exception aging, SLA compliance per domain) and the system health strip. Every
// tile, bar and system leads to the filtered list behind it through the Navigator. Refreshes on core changes
// at most every kMinRefreshMs while visible; all reads run on the DbReader's workers.

#include "appcontext.h"
#include "dbreader.h"
#include "sync/onboarding.h"
#include "util/result.h"
#include "util/timeutil.h"
#include "widgets/healthstrip.h"

#include <QElapsedTimer>
#include <QMap>
#include <QSqlDatabase>

#include <nlohmann/json.hpp>

#include <vector>

class QChart;
class QGridLayout;
class QChartView;
class QLabel;
class QTimer;
class QVBoxLayout;

namespace mdsync::ui {

class KpiTile;

// Everything the dashboard shows, read in one worker query.
struct DashboardSnapshot
{
    TimeMs now = 0;
    nlohmann::json kpis; // computeKpis, window 60 min (outages: kOutageWindowDays)
    QMap<QString, qint64> openBySeverity; // open or assigned exceptions per severity
    struct Series
    {
        QString target;
        std::vector<std::pair<TimeMs, qint64>> acked; // per minute, last 60 min
    };
    std::vector<Series> throughput;
    std::vector<SystemHealth> systems;
    // Initial loads running or paused, and those that finished within the window (docs/ONBOARDING.md).
    std::vector<OnboardJob> onboardings;
};

class DashboardView final : public ControlTowerView
{
    Q_OBJECT
public:
    static constexpr int kMinRefreshMs = 2000;
    static constexpr int kWindowMinutes = 60;
    static constexpr int kOutageWindowDays = 30; // the Outages tile: outage minutes and MTTR

    explicit DashboardView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("dashboard"); }
    QString title() const override { return tr("Dashboard"); }
    void activate() override;
    bool isReady() const override { return m_ready; }

    // The snapshot of the dashboard at `now` (worker thread; public for tests and bench_ui).
    static Result<DashboardSnapshot> loadSnapshot(QSqlDatabase& db, TimeMs now);

    // Tiles: "backlog", "acked", "retry_rate", "p95", "sla_breaches", "mttr", "outages", "open_critical", "open_high",
    // "open_medium", "open_low" and "open_<severity>" for any other severity with open exceptions (e.g. the
    // inbound "error" and "warning").
    KpiTile* tile(const QString& id) const;
    const DashboardSnapshot& snapshot() const { return m_snapshot; }
    const QString& lastError() const { return m_error; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void refreshed();

private:
    void onCoreChanged();
    void apply(DashboardSnapshot s);
    void updateTiles();
    void updateCharts();
    void updateOnboardings();
    void tileClicked(const QString& id);
    KpiTile* severityTile(const QString& severity);
    void layoutTiles();

    QueryChannel m_channel;
    static constexpr int kTileColumns = 5;
    QMap<QString, KpiTile*> m_tiles;
    QWidget* m_tileParent = nullptr;
    QGridLayout* m_tileGrid = nullptr;
    HealthStrip* m_health = nullptr;
    QWidget* m_onboard = nullptr; // "Initial loads": one line and progress bar per job; hidden when none
    QVBoxLayout* m_onboardRows = nullptr;
    QLabel* m_status = nullptr;
    QChartView* m_throughput = nullptr;
    QChartView* m_latency = nullptr;
    QChartView* m_aging = nullptr;
    QChartView* m_sla = nullptr;
    QTimer* m_throttle = nullptr;
    QElapsedTimer m_sinceRefresh;
    DashboardSnapshot m_snapshot;
    QStringList m_latencyTargets;
    QStringList m_slaDomains;
    QString m_worstTarget;
    QString m_error;
    bool m_ready = false;
    bool m_inFlight = false;
    bool m_again = false;
    bool m_stale = true;
};

} // namespace mdsync::ui
