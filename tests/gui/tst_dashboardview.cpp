// The dashboard: KPI tiles show what computeKpis computes on a fixture workspace, the severity tiles count the
// open exceptions, and clicking a tile, a system or a bar asks the navigator for the filtered list behind it.

#include "corecontroller.h"
#include "dbreader.h"
#include "metrics/metrics.h"
#include "store/circuitstore.h"
#include "views/dashboardview.h"
#include "views/policiesview.h"
#include "widgets/healthstrip.h"
#include "widgets/kpitile.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTest>

#include <tuple>

using namespace mdsync;
using namespace mdsync::ui;
using nlohmann::json;

class TestDashboardView : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::TempWorkspace> m_tw;
    QString m_path;

    // The dashboard on a workspace file, shown and active (it loads its snapshot off the UI thread).
    struct OpenDashboard
    {
        explicit OpenDashboard(const QString& path)
            : reader(path)
            , ctx { nullptr, &reader, &nav }
            , view(ctx)
        {
            view.resize(1280, 900);
            view.show();
            view.activate();
        }
        // The workspace closed (its writer releases the file), then opened here.
        explicit OpenDashboard(test::TempWorkspace& tw)
            : OpenDashboard(closed(tw))
        { }
        // Waits for the first snapshot: true when it loaded without an error.
        bool ready()
        {
            QElapsedTimer t;
            t.start();
            while (!view.isReady() && t.elapsed() < 8000)
                QTest::qWait(20);
            return view.isReady() && view.lastError().isEmpty();
        }
        static QString closed(test::TempWorkspace& tw)
        {
            const QString path = tw.path();
            tw.close();
            return path;
        }
        DbReader reader;
        Navigator nav;
        AppContext ctx;
        DashboardView view;
    };

    static bool exec(QSqlDatabase db, const QString& sql)
    {
        QSqlQuery q(db);
        if (!q.exec(sql)) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_tw = std::make_unique<test::TempWorkspace>();
        QVERIFY2(m_tw->ok(), qPrintable(m_tw->error()));
        m_path = m_tw->path();
        QSqlDatabase db = m_tw->db();
        // Counters as the dispatcher and the triggers keep them: a backlog at two targets, outcomes three minutes
        // ago, latency histograms, open exceptions of three severities and repair times.
        const qint64 minute = nowMs() / metrics::kMinuteMs - 3;
        const QString m = QString::number(minute);
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO delivery_counter VALUES ('ERP','item','pending',7),"
                           "('ERP','item','acked',40),('MES-P100','bom','retry_wait',3),"
                           "('MES-P100','bom','held',2),('MES-P100','item','failed',1)")));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO metric_minute(target_id, minute, domain, attempts, acked, retried,"
                           " failed, latency_sum, sla_breaches) VALUES ('ERP',%1,'item',20,18,2,0,9000,1),"
                           "('MES-P100',%1,'bom',10,4,5,1,40000,2)")
                .arg(m)));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO latency_bucket VALUES ('ERP',%1,%2,18),('MES-P100',%1,%3,4)")
                .arg(m)
                .arg(metrics::latencyBucket(500))
                .arg(metrics::latencyBucket(10000))));
        const qint64 now = nowMs();
        const QString ins = QStringLiteral(
            "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, domain, object_key,"
            " target_id, message, details) VALUES ('delivery','%1','%2','%3',%4,%4,'item','FG-%5','ERP','m','{}')");
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("target_rejected"), QStringLiteral("critical"), QStringLiteral("open"))
                .arg(now - 1000)
                .arg(1)));
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("target_rejected"), QStringLiteral("high"), QStringLiteral("open"))
                .arg(now - 2 * 3600 * 1000)
                .arg(2)));
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("target_rejected"), QStringLiteral("high"), QStringLiteral("assigned"))
                .arg(now - 3000)
                .arg(3)));
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("mapping"), QStringLiteral("medium"), QStringLiteral("open"))
                .arg(now - 3LL * 24 * 3600 * 1000)
                .arg(4)));
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("mapping"), QStringLiteral("low"), QStringLiteral("resolved"))
                .arg(now - 1000)
                .arg(5)));
        QVERIFY(exec(db,
            ins.arg(QStringLiteral("validation"), QStringLiteral("error"), QStringLiteral("open"))
                .arg(now - 1000)
                .arg(6)));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO exception_counter VALUES ('delivery','target_rejected','open',2),"
                           "('delivery','target_rejected','assigned',1),('delivery','mapping','open',1),"
                           "('delivery','mapping','resolved',1),('delivery','validation','open',1)")));
        QVERIFY(exec(db,
            QStringLiteral("INSERT INTO kpi_counter(name, key, n, total) VALUES ('repair','mapping',2,"
                           "7200000) ON CONFLICT(name, key) DO UPDATE SET n = 2, total = 7200000")));
        m_tw->close();
    }

    void tilesMatchComputeKpis()
    {
        OpenDashboard d(m_path);
        DbReader& reader = d.reader;
        DashboardView& view = d.view;
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 8000);
        QVERIFY2(view.lastError().isEmpty(), qPrintable(view.lastError()));

        KpiOptions o;
        o.now = view.snapshot().now;
        auto kpis = reader.runNow<json>([&](QSqlDatabase& db) { return computeKpis(db, o); });
        QVERIFY2(kpis.ok(), kpis.ok() ? "" : qPrintable(kpis.error()));
        const json& k = kpis.value();
        QCOMPARE(k["backlog_total"].get<qint64>(), 12); // 7 pending + 3 retrying + 2 held
        QCOMPARE(view.tile(QStringLiteral("backlog"))->rawValue().toLongLong(), k["backlog_total"].get<qint64>());
        QCOMPARE(view.tile(QStringLiteral("backlog"))->valueText(), QStringLiteral("12"));
        QCOMPARE(view.tile(QStringLiteral("acked"))->rawValue().toLongLong(), k["window"]["acked"].get<qint64>());
        QCOMPARE(view.tile(QStringLiteral("acked"))->rawValue().toLongLong(), 22);
        QCOMPARE(
            view.tile(QStringLiteral("retry_rate"))->rawValue().toDouble(), k["window"]["retry_rate"].get<double>());
        QCOMPARE(view.tile(QStringLiteral("retry_rate"))->valueText(), QStringLiteral("23.3 %")); // 7 / 30
        QCOMPARE(view.tile(QStringLiteral("sla_breaches"))->rawValue().toLongLong(),
            k["window"]["sla_breaches"].get<qint64>());
        QCOMPARE(view.tile(QStringLiteral("sla_breaches"))->rawValue().toLongLong(), 3);
        QCOMPARE(view.tile(QStringLiteral("p95"))->rawValue().toLongLong(),
            std::max(k["targets"]["ERP"]["window"]["latency_p95_ms"].get<qint64>(),
                k["targets"]["MES-P100"]["window"]["latency_p95_ms"].get<qint64>()));
        QVERIFY(view.tile(QStringLiteral("p95"))->detailText().contains(QStringLiteral("MES-P100")));
        QCOMPARE(view.tile(QStringLiteral("mttr"))->rawValue().toLongLong(), k["mttr"]["mean_ms"].get<qint64>());
        QCOMPARE(view.tile(QStringLiteral("mttr"))->valueText(), QStringLiteral("60.0 min"));
        QCOMPARE(view.tile(QStringLiteral("outages"))->valueText(), QStringLiteral("all up"));
        QCOMPARE(view.tile(QStringLiteral("outages"))->detailText(),
            QStringLiteral("no target down · 0.0 outage min, MTTR –"));
        QCOMPARE(view.tile(QStringLiteral("open_critical"))->rawValue().toLongLong(), 1);
        QCOMPARE(view.tile(QStringLiteral("open_high"))->rawValue().toLongLong(), 2); // open + assigned
        QCOMPARE(view.tile(QStringLiteral("open_medium"))->rawValue().toLongLong(), 1);
        QCOMPARE(view.tile(QStringLiteral("open_low"))->rawValue().toLongLong(), 0); // resolved does not count
        // A severity outside the four (inbound "error") gets its own tile.
        QVERIFY(view.tile(QStringLiteral("open_error")));
        QCOMPARE(view.tile(QStringLiteral("open_error"))->rawValue().toLongLong(), 1);
        QVERIFY(!view.tile(QStringLiteral("open_warning")));
        // The severity tiles add up to the open exceptions of the KPIs.
        QCOMPARE(k["exceptions"]["open"].get<qint64>(), 5);

        // The health strip: every system of the landscape; MES-P100 had more retries than acks -> slow.
        const auto& systems = view.snapshot().systems;
        QVERIFY(systems.size() >= 2);
        auto find = [&](const QString& id) -> const SystemHealth* {
            for (const auto& s : systems)
                if (s.id == id)
                    return &s;
            return nullptr;
        };
        QVERIFY(find(QStringLiteral("ERP")) && find(QStringLiteral("MES-P100")));
        QCOMPARE(find(QStringLiteral("ERP"))->state, SystemHealth::State::Up);
        QCOMPARE(find(QStringLiteral("ERP"))->backlog, 7);
        QCOMPARE(find(QStringLiteral("MES-P100"))->state, SystemHealth::State::Slow);
        QVERIFY(find(QStringLiteral("ERP"))->lastAckMs > 0);
    }

    // A target whose circuit is open (issue 19): its card says "down since <time>, <n> waiting" with the last error
    // in the tooltip, whatever its metrics say.
    void aTargetWithAnOpenCircuitIsDownSinceThenWithItsWaitingDeliveries()
    {
        test::TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const qint64 since = nowMs() - 10 * 60 * 1000;
        QVERIFY(exec(tw.db(),
            QStringLiteral("INSERT INTO target_circuit(target_id, state, opened_at, last_error, probe_interval_ms,"
                           " next_probe_at, probes, incident_id, updated_at) VALUES ('WMS-P100','open',%1,"
                           "'retryable: connection refused',5000,%1,3,NULL,%1)")
                .arg(since)));
        QVERIFY(exec(tw.db(),
            QStringLiteral("INSERT INTO delivery_counter VALUES ('WMS-P100','item','blocked_by_outage',4388),"
                           "('WMS-P100','location','blocked_by_outage',2)")));
        OpenDashboard d(tw);
        QVERIFY2(d.ready(), qPrintable(d.view.lastError()));
        DashboardView& view = d.view;
        const SystemHealth* wms = nullptr;
        for (const SystemHealth& s : view.snapshot().systems)
            if (s.id == QLatin1String("WMS-P100"))
                wms = &s;
        QVERIFY(wms);
        QCOMPARE(wms->state, SystemHealth::State::Down);
        QCOMPARE(wms->downSinceMs, since);
        QCOMPARE(wms->waiting, 4390);
        QVERIFY2(wms->reason.contains(QLatin1String("connection refused")), qPrintable(wms->reason));
        auto* card = view.findChild<QWidget*>(QStringLiteral("health-WMS-P100"));
        QVERIFY(card);
        auto* line = card->findChild<QLabel*>(QStringLiteral("backlog"));
        QVERIFY(line);
        QVERIFY2(line->text().startsWith(QStringLiteral("down since "))
                && line->text().endsWith(QStringLiteral(", %1 waiting").arg(QLocale().toString(4390))),
            qPrintable(line->text()));
        // A target whose circuit is closed keeps its usual line.
        auto* erp = view.findChild<QWidget*>(QStringLiteral("health-ERP"));
        QVERIFY(
            erp && erp->findChild<QLabel*>(QStringLiteral("backlog"))->text().startsWith(QStringLiteral("backlog ")));
    }

    // An initial load in progress (docs/ONBOARDING.md): its line and progress bar, gone when there is none.
    void initialLoadInProgressShowsItsProgress()
    {
        test::TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        const QString team = tw.makeTeam("ada", { { "sam", Role::Steward } });
        QVERIFY2(team.isEmpty(), qPrintable(team));
        std::vector<std::string> events;
        for (int i = 0; i < 300; ++i)
            events.push_back(test::event("PLM", "item", "RM-" + std::to_string(1000 + i),
                test::releasedItem("Lab sample holder " + std::to_string(i), { "P100" })));
        MDSYNC_REQUIRE_OK(ingested, tw.ingest(events));
        MDSYNC_REQUIRE_OK(cfg, test::addTargetToLandscape(tw, "LIMS", { "item" }));
        MDSYNC_REQUIRE_OK(job, startOnboarding(tw.as("sam"), cfg.value(), "sam", "LIMS", "LIMS go-live"));
        MDSYNC_REQUIRE_OK(queued, advanceOnboarding(tw.ws(), cfg.value(), job->row.id, 200));
        QCOMPARE(queued->queued, 200);
        // The lab acknowledged the first 120 (as the dispatcher records it).
        QVERIFY(exec(tw.db(),
            QStringLiteral("UPDATE delivery SET status = 'acked', acked_at = %1 WHERE id IN (SELECT delivery_id FROM"
                           " onboard_delivery ORDER BY delivery_id LIMIT 120)")
                .arg(nowMs())));
        QVERIFY(exec(tw.db(),
            QStringLiteral("UPDATE delivery_counter SET n = n - 120 WHERE target_id = 'LIMS' AND status = 'pending'")));
        QVERIFY(exec(tw.db(), QStringLiteral("INSERT INTO delivery_counter VALUES ('LIMS','item','acked',120)")));
        OpenDashboard d(tw);
        QVERIFY2(d.ready(), qPrintable(d.view.lastError()));
        DashboardView& view = d.view;
        auto* line = view.findChild<QLabel*>(QStringLiteral("onboard-%1").arg(job->row.id));
        QVERIFY(line);
        QCOMPARE(line->text(),
            QStringLiteral("#%1 LIMS, running: 120 of 300 acknowledged, 200 queued, 80 open, 0 failed")
                .arg(job->row.id));
        auto* bar = view.findChild<QProgressBar*>(QStringLiteral("onboard-bar-%1").arg(job->row.id));
        QVERIFY(bar);
        QCOMPARE(bar->maximum(), 300);
        QCOMPARE(bar->value(), 120);
        if (const QString shots = qEnvironmentVariable("MDSYNC_SHOT_DIR"); !shots.isEmpty())
            QVERIFY(view.grab().save(shots + QStringLiteral("/gui-initial-load.png")));
    }

    // The Outages tile: targets down now (the longest first, "down since"), outage minutes and MTTR over 30 days
    // from the target_outage incidents; a click shows those incidents.
    void outagesTileShowsTargetsDownMinutesAndMttr()
    {
        test::TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        {
            CircuitStore circuits;
            QString error;
            QVERIFY2(circuits.prepare(tw.db(), error), qPrintable(error));
            const qint64 minute = 60 * 1000;
            const qint64 now = nowMs();
            // Two ended outages (20 and 40 min) and two targets down now, WMS-P100 the longest (since 50 min).
            for (const auto& [target, since, duration] :
                { std::tuple<std::string, qint64, qint64> { "ERP", now - 300 * minute, 20 * minute },
                    std::tuple<std::string, qint64, qint64> { "MES-P100", now - 200 * minute, 40 * minute } }) {
                const std::int64_t id = circuits.openIncident(target, since, "down", "{}");
                const json details = { { "since_ms", since }, { "duration_ms", duration } };
                circuits.resolveIncident(id, since + duration, "was down", details.dump());
            }
            for (const auto& [target, since] : { std::pair<std::string, qint64> { "MES-P100", now - 10 * minute },
                     std::pair<std::string, qint64> { "WMS-P100", now - 50 * minute } }) {
                CircuitRow row;
                row.target = target;
                row.open = true;
                row.openedAt = since;
                row.lastError = "retryable: connection refused";
                row.probeIntervalMs = 5000;
                row.nextProbeAt = now;
                row.incidentId = circuits.openIncident(target, since, "down", "{}");
                circuits.save(row, now);
            }
        }
        OpenDashboard d(tw);
        QVERIFY2(d.ready(), qPrintable(d.view.lastError()));
        DashboardView& view = d.view;
        const json& o = view.snapshot().kpis["outages"];
        QCOMPARE(o["window_minutes"].get<qint64>(), qint64(DashboardView::kOutageWindowDays) * 24 * 60);
        KpiTile* tile = view.tile(QStringLiteral("outages"));
        QVERIFY(tile);
        QCOMPARE(tile->rawValue().toLongLong(), 2);
        QCOMPARE(tile->valueText(), QStringLiteral("2 down"));
        const qint64 since = o["down"][0]["since_ms"].get<qint64>();
        QCOMPARE(o["down"][0]["target"].get<std::string>(), std::string("WMS-P100"));
        const QString detail = tile->detailText();
        QVERIFY2(detail.startsWith(
                     QStringLiteral("WMS-P100 down since %1 (UTC)")
                         .arg(QDateTime::fromMSecsSinceEpoch(since, Qt::UTC)
                                  .toString(QDateTime::fromMSecsSinceEpoch(since, Qt::UTC).date()
                                              == QDateTime::fromMSecsSinceEpoch(view.snapshot().now, Qt::UTC).date()
                                          ? QStringLiteral("HH:mm")
                                          : QStringLiteral("yyyy-MM-dd HH:mm")))),
            qPrintable(detail));
        // 20 + 40 ended, 10 + 50 (and the seconds since) running: 120 outage minutes; MTTR (20 + 40) / 2 = 30 min.
        const double minutes = o["outage_minutes"].get<double>();
        QVERIFY2(minutes >= 120.0 && minutes < 121.0, qPrintable(QString::number(minutes)));
        QVERIFY2(detail.contains(QStringLiteral("%1 outage min").arg(QLocale().toString(minutes, 'f', 1))),
            qPrintable(detail));
        QVERIFY2(detail.endsWith(QStringLiteral("MTTR 30.0 min")), qPrintable(detail));
        QCOMPARE(o["mttr_ms"].get<qint64>(), 30 * 60 * 1000);

        QSignalSpy exceptions(&d.nav, &Navigator::exceptionsRequested);
        QVERIFY(tile->isClickable());
        QTest::mouseClick(tile, Qt::LeftButton);
        QCOMPARE(exceptions.count(), 1);
        const QVariantMap f = exceptions.at(0).at(0).toMap();
        QCOMPARE(f.value(QStringLiteral("category")).toString(), QStringLiteral("target_outage"));
        QVERIFY(f.value(QStringLiteral("status")).toStringList().contains(QStringLiteral("resolved")));
    }

    void clicksNavigate()
    {
        DbReader reader(m_path);
        Navigator nav;
        AppContext ctx { nullptr, &reader, &nav };
        DashboardView view(ctx);
        view.resize(1280, 900);
        view.show();
        view.activate();
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 8000);
        QSignalSpy exceptions(&nav, &Navigator::exceptionsRequested);
        QSignalSpy matrix(&nav, &Navigator::matrixRequested);

        QTest::mouseClick(view.tile(QStringLiteral("open_critical")), Qt::LeftButton);
        QCOMPARE(exceptions.count(), 1);
        QCOMPARE(
            exceptions.at(0).at(0).toMap().value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));

        QTest::mouseClick(view.tile(QStringLiteral("backlog")), Qt::LeftButton);
        QCOMPARE(matrix.count(), 1);
        QCOMPARE(matrix.at(0).at(0).toMap().value(QStringLiteral("status")).toString(), QStringLiteral("backlog"));

        QTest::mouseClick(view.tile(QStringLiteral("retry_rate")), Qt::LeftButton);
        QCOMPARE(matrix.count(), 2);
        QCOMPARE(matrix.at(1).at(0).toMap().value(QStringLiteral("status")).toString(), QStringLiteral("retry_wait"));

        QTest::mouseClick(view.tile(QStringLiteral("p95")), Qt::LeftButton);
        QCOMPARE(matrix.count(), 3);
        QCOMPARE(matrix.at(2).at(0).toMap().value(QStringLiteral("target")).toString(), QStringLiteral("MES-P100"));

        // A tile that leads nowhere does not navigate.
        QTest::mouseClick(view.tile(QStringLiteral("sla_breaches")), Qt::LeftButton);
        QCOMPARE(matrix.count() + exceptions.count(), 4);

        // A system card opens the matrix of that target.
        auto* card = view.findChild<QWidget*>(QStringLiteral("health-ERP"));
        QVERIFY(card);
        QTest::mouseClick(card, Qt::LeftButton);
        QCOMPARE(matrix.count(), 4);
        QCOMPARE(matrix.at(3).at(0).toMap().value(QStringLiteral("target")).toString(), QStringLiteral("ERP"));
    }

    void refreshesOnCoreChanges()
    {
        // With a running core: a change notification refreshes the visible dashboard (throttled).
        CoreServiceOptions o;
        o.workspacePath = m_path;
        o.connectFromLandscape = false;
        o.actor = "tester";
        o.notifyIntervalMs = 50;
        CoreController core(o);
        QSignalSpy started(&core, &CoreController::started);
        QSignalSpy failed(&core, &CoreController::failed);
        core.start();
        QTRY_VERIFY_WITH_TIMEOUT(started.count() + failed.count() > 0, 8000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
        DbReader reader(m_path);
        Navigator nav;
        DashboardView view(AppContext { &core, &reader, &nav });
        view.show();
        view.activate();
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 8000);
        QSignalSpy refreshed(&view, &DashboardView::refreshed);
        Q_EMIT core.changed(core.dataVersion() + 1);
        QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, DashboardView::kMinRefreshMs + 4000);
    }

    void policiesShowOwnershipAndSubscriptions()
    {
        DbReader reader(m_path);
        Navigator nav;
        PoliciesView view(AppContext { nullptr, &reader, &nav });
        view.show();
        view.activate();
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 8000);
        auto subs = reader.runNow<qint64>([](QSqlDatabase& db) -> Result<qint64> {
            QSqlQuery q(db);
            q.exec(QStringLiteral("SELECT count(*) FROM subscription"));
            return q.next() ? q.value(0).toLongLong() : -1;
        });
        QVERIFY(subs.ok() && subs.value() > 0);
        QCOMPARE(view.subscriptionTable()->rowCount(), static_cast<int>(subs.value()));
        QVERIFY(view.ownershipTable()->rowCount() > 0);
        QVERIFY(view.contractTable()->rowCount() > 0);
        // Some attribute group has an owner from the landscape.
        bool owned = false;
        for (int r = 0; r < view.ownershipTable()->rowCount(); ++r)
            owned = owned || view.ownershipTable()->item(r, 3)->text() != QStringLiteral("(none)");
        QVERIFY(owned);
    }

    // Issue 18: a reload (the view activated after the workspace changed) keeps the steward's selected and current
    // rows and the scroll position instead of jumping back to the top.
    void policiesKeepSelectionThroughAReload()
    {
        DbReader reader(m_path);
        Navigator nav;
        PoliciesView view(AppContext { nullptr, &reader, &nav });
        view.resize(900, 300);
        view.show();
        view.activate();
        QTRY_VERIFY_WITH_TIMEOUT(view.isReady(), 8000);
        QTableWidget* t = view.ownershipTable();
        QVERIFY2(t->rowCount() > 12, "too few rows to scroll");
        const int row = t->rowCount() - 3;
        t->setCurrentCell(row, 1);
        t->selectRow(row);
        t->scrollToBottom();
        const int scroll = t->verticalScrollBar()->value();
        QVERIFY(scroll > 0);
        const QString key = t->item(row, 0)->text() + t->item(row, 2)->text();

        QSignalSpy loaded(&view, &PoliciesView::loaded);
        view.reload();
        QVERIFY(loaded.wait(8000));
        const QModelIndexList selected = t->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(t->item(selected.first().row(), 0)->text() + t->item(selected.first().row(), 2)->text(), key);
        QCOMPARE(t->currentRow(), selected.first().row());
        QCOMPARE(t->verticalScrollBar()->value(), scroll);
    }
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
