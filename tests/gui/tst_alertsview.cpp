// The alerts view on alerts fired by real rules (AlertEngine::evaluate): the list by status with its counts, the
// detail in words (changes old → new, the referenced objects), one click to the object, its referenced objects and
// the exceptions behind an alert and, for a target outage, to the matrix (Navigator signals), acknowledging through the
// core (acked_by recorded; a viewer's button disabled and the core refusing them), and the selection kept on the same
// alert when a new one arrives. With MDSYNC_SHOT_DIR set, the view is saved there as gui-alerts.png (docs/).

#include "access/roles.h"
#include "corecontroller.h"
#include "dbreader.h"
#include "dispatcherharness.h"
#include "engine/embeddedcore.h"
#include "metrics/alerts.h"
#include "steward/rolegrants.h"
#include "store/circuitstore.h"
#include "store/readalerts.h"
#include "sync/ingestpipeline.h"
#include "views/alertsview.h"
#include "workspacefixture.h"

#include <QComboBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;
using json = nlohmann::json;

namespace {

std::string itemEvent(const std::string& key, const std::string& state)
{
    json a = releasedItem("Bracket " + key, { "P100" });
    a["lifecycle_status"] = state;
    return mdsync::test::event("PLM", "item", key, a);
}

std::string bomEvent(const std::string& key, const std::string& state, const std::vector<std::string>& components)
{
    json e = json::parse(bom(key, "FG-1", components));
    e["attributes"]["lifecycle_status"] = state;
    return e.dump();
}

// Rules: an item blocked (high), a BOM released while a component is blocked (critical), more than 0 open
// exceptions for item (high). Alerts: item C-2 blocked, BOM-1 released while C-2 is blocked, 1 open item exception.
// Team: admin ada, steward sam; val has no role (a viewer).
QString makeAlerts(TempWorkspace& tw)
{
    if (!tw.ok())
        return tw.error();
    if (QString e = tw.makeTeam("ada", { { "sam", Role::Steward } }); !e.isEmpty())
        return e;
    if (!tw.ingest({ itemEvent("FG-1", "released"), itemEvent("C-1", "released"), itemEvent("C-2", "released") }).ok())
        return QStringLiteral("ingest items");
    const json rules = { { "rules",
        json::array({ { { "id", "item-blocked" }, { "kind", "attribute_changed" }, { "domain", "item" },
                          { "attributes", { "lifecycle_status" } }, { "to", "blocked" }, { "severity", "high" } },
            { { "id", "bom-blocked-component" }, { "kind", "attribute_changed" }, { "domain", "bom" },
                { "attributes", { "lifecycle_status" } }, { "to", "released" },
                { "while_referenced", { { "attribute", "lifecycle_status" }, { "in", { "blocked" } } } },
                { "severity", "critical" } },
            { { "id", "item-exceptions" }, { "kind", "open_exceptions_over" }, { "domains", { "item" } },
                { "threshold", 0 } } }) } };
    if (auto r = setAlertRules(tw.as("ada"), "ada", rules, "alert view test"); !r)
        return r.error();
    json bad = releasedItem("Bracket RM-1", { "P100" });
    bad["net_weight"] = "3 m"; // an inbound validation exception
    if (!tw.ingest({ itemEvent("C-2", "blocked"), bomEvent("BOM-1", "draft", { "C-1", "C-2" }),
                       mdsync::test::event("PLM", "item", "RM-1", bad) })
             .ok())
        return QStringLiteral("ingest changes");
    if (!tw.ingest({ bomEvent("BOM-1", "released", { "C-1", "C-2" }) }).ok())
        return QStringLiteral("ingest the release");
    auto fired = AlertEngine(tw.ws()).evaluate();
    if (!fired)
        return fired.error();
    if (fired->fired.size() != 3)
        return QStringLiteral("expected 3 alerts: ") + QString::fromStdString(fired->toJson().dump());
    return {};
}

struct Rig
{
    std::unique_ptr<CoreController> core;
    std::unique_ptr<DbReader> reader;
    Navigator nav;
    std::unique_ptr<AlertsView> view;

    bool start(const QString& path, const std::string& actor)
    {
        CoreServiceOptions o;
        o.workspacePath = path;
        o.connectFromLandscape = false;
        o.actor = actor;
        o.alertIntervalMs = 0; // the test evaluates when it wants to
        core = std::make_unique<CoreController>(o);
        QSignalSpy started(core.get(), &CoreController::started);
        core->start();
        if (!started.wait(10000))
            return false;
        reader = std::make_unique<DbReader>(path);
        view = std::make_unique<AlertsView>(AppContext { core.get(), reader.get(), &nav });
        view->resize(1400, 800);
        view->show();
        QSignalSpy loaded(view.get(), &AlertsView::loaded);
        view->activate();
        return loaded.wait(10000);
    }
    // Selects the listed alert of `rule`; its id (0 when it is not listed).
    qint64 select(const QString& rule)
    {
        QTableWidget* t = view->table();
        for (int row = 0; row < t->rowCount(); ++row)
            if (t->item(row, AlertsView::RuleColumn)->text() == rule) {
                t->setCurrentCell(row, AlertsView::MessageColumn);
                return view->currentAlertId();
            }
        return 0;
    }
    // Runs a command on the core thread and waits for it.
    QString run(CoreCommand command)
    {
        QString error = QStringLiteral("timeout");
        bool done = false;
        core->submit(std::move(command), [&](bool ok, const QString& e, const json&) {
            error = ok ? QString() : e;
            done = true;
        });
        for (int i = 0; i < 1500 && !done; ++i)
            QTest::qWait(10);
        return error;
    }
};

} // namespace

class TestAlertsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void listsDetailsNavigatesAcknowledges()
    {
        TempWorkspace tw;
        const QString setup = makeAlerts(tw);
        QVERIFY2(setup.isEmpty(), qPrintable(setup));
        tw.close();
        Rig rig;
        QVERIFY(rig.start(tw.path(), "sam"));
        AlertsView& v = *rig.view;

        // Open alerts, newest first, with the counts per status.
        QCOMPARE(v.statusFilter(), QStringLiteral("open"));
        QCOMPARE(v.table()->rowCount(), 3);
        QCOMPARE(v.counts().value(QStringLiteral("open")), 3);
        QCOMPARE(v.statusCombo()->itemText(0), QStringLiteral("Open (3)"));
        QCOMPARE(v.statusCombo()->itemText(1), QStringLiteral("Acknowledged (0)"));
        QVERIFY(v.mayAcknowledge());
        QVERIFY(!v.acknowledgeButton()->isEnabled()); // nothing selected

        // The BOM alert: severity as text and icon, the detail in words with links to BOM-1 and the blocked C-2.
        const qint64 bomAlert = rig.select(QStringLiteral("bom-blocked-component"));
        QVERIFY(bomAlert > 0);
        const int bomRow = v.table()->currentRow();
        QCOMPARE(v.table()->item(bomRow, AlertsView::SeverityColumn)->text(), QStringLiteral("critical"));
        QVERIFY(!v.table()->item(bomRow, AlertsView::SeverityColumn)->icon().isNull());
        QCOMPARE(v.table()->item(bomRow, AlertsView::SubjectColumn)->text(), QStringLiteral("bom BOM-1"));
        const QString detail = v.detail()->toPlainText();
        QVERIFY2(detail.contains(QStringLiteral("lifecycle_status: draft → released")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("item C-2 (lifecycle_status blocked)")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("from PLM")), qPrintable(detail));
        QCOMPARE(v.linkedObjects().size(), std::size_t(2));
        QCOMPARE(v.linkedObjects()[1], std::make_pair(QStringLiteral("item"), QStringLiteral("C-2")));
        // The raw details one click away.
        QVERIFY(v.rawDetails()->isHidden());
        v.rawButton()->click();
        QVERIFY(v.rawDetails()->isVisible());
        QVERIFY(v.rawDetails()->toPlainText().contains(QStringLiteral("\"referenced_objects\"")));
        if (const QString shots = qEnvironmentVariable("MDSYNC_SHOT_DIR"); !shots.isEmpty())
            QVERIFY(v.grab().save(shots + QStringLiteral("/gui-alerts.png")));
        v.rawButton()->click();

        // Show object, the referenced object's link, Enter: the lineage of those objects.
        QSignalSpy objects(&rig.nav, &Navigator::objectRequested);
        v.objectButton()->click();
        QCOMPARE(objects.count(), 1);
        QCOMPARE(objects.at(0).at(0).toString(), QStringLiteral("bom"));
        QCOMPARE(objects.at(0).at(1).toString(), QStringLiteral("BOM-1"));
        Q_EMIT v.detail()->anchorClicked(QUrl(QStringLiteral("object:1")));
        QCOMPARE(objects.count(), 2);
        QCOMPARE(objects.at(1).at(0).toString(), QStringLiteral("item"));
        QCOMPARE(objects.at(1).at(1).toString(), QStringLiteral("C-2"));
        v.table()->setFocus();
        QTest::keyClick(v.table(), Qt::Key_Return);
        QCOMPARE(objects.count(), 3);
        QCOMPARE(objects.at(2).at(1).toString(), QStringLiteral("BOM-1"));

        // The exceptions alert names no object: Show exceptions with its domain; it is also its primary action.
        const qint64 exAlert = rig.select(QStringLiteral("item-exceptions"));
        QVERIFY(exAlert > 0);
        QVERIFY(!v.objectButton()->isEnabled());
        QVERIFY(!v.matrixButton()->isEnabled());
        QVERIFY2(v.detail()->toPlainText().contains(QStringLiteral("1 open exceptions for item (more than 0)")),
            qPrintable(v.detail()->toPlainText()));
        QSignalSpy exceptions(&rig.nav, &Navigator::exceptionsRequested);
        v.exceptionsButton()->click();
        QCOMPARE(exceptions.count(), 1);
        QCOMPARE(exceptions.at(0).at(0).toMap().value(QStringLiteral("domain")).toString(), QStringLiteral("item"));
        QTest::keyClick(v.table(), Qt::Key_Return);
        QCOMPARE(exceptions.count(), 2);

        // A new alert arrives (C-1 blocked, evaluated by the core): it is listed first, the selection stays.
        const qint64 itemAlert = rig.select(QStringLiteral("item-blocked"));
        QVERIFY(itemAlert > 0);
        const int rowBefore = v.table()->currentRow();
        QSignalSpy loaded(&v, &AlertsView::loaded);
        const QString fired = rig.run([](CoreCommandContext& c) -> Result<json> {
            IngestOptions o;
            o.sourceName = QStringLiteral("test.jsonl");
            if (auto r = c.core.pipeline->ingestLines({ itemEvent("C-1", "blocked") }, o); !r)
                return makeError(r.error());
            auto e = AlertEngine(*c.core.ws).evaluate();
            if (!e)
                return makeError(e.error());
            return e->toJson();
        });
        QVERIFY2(fired.isEmpty(), qPrintable(fired));
        QTRY_COMPARE_WITH_TIMEOUT(v.table()->rowCount(), 4, 10000);
        QVERIFY(loaded.count() >= 1);
        QCOMPARE(v.counts().value(QStringLiteral("open")), 4);
        QCOMPARE(v.currentAlertId(), itemAlert);
        QCOMPARE(v.table()->currentRow(), rowBefore + 1); // the new alert is above it
        QCOMPARE(
            v.table()->item(v.table()->currentRow(), AlertsView::SubjectColumn)->text(), QStringLiteral("item C-2"));
        QVERIFY(v.table()->selectionModel()->isRowSelected(v.table()->currentRow(), {}));
        QVERIFY(v.detail()->toPlainText().contains(QStringLiteral("C-2")));

        // Acknowledge through the core: it leaves the open list, acked_by is the session's user.
        QVERIFY(v.acknowledgeButton()->isEnabled());
        QSignalSpy acked(&v, &AlertsView::acknowledged);
        v.acknowledgeCurrent(QStringLiteral("checked with purchasing"));
        QVERIFY(acked.wait(15000));
        QVERIFY2(acked.at(0).at(1).toBool(), qPrintable(acked.at(0).at(2).toString()));
        QCOMPARE(acked.at(0).at(0).toLongLong(), itemAlert);
        QTRY_COMPARE_WITH_TIMEOUT(v.table()->rowCount(), 3, 10000);
        QCOMPARE(v.counts().value(QStringLiteral("acknowledged")), 1);
        QCOMPARE(v.statusCombo()->itemText(1), QStringLiteral("Acknowledged (1)"));
        v.setStatusFilter(QStringLiteral("acknowledged"));
        QTRY_COMPARE_WITH_TIMEOUT(v.table()->rowCount(), 1, 10000);
        QCOMPARE(v.table()->item(0, AlertsView::AckedByColumn)->text(), QStringLiteral("sam"));
        QCOMPARE(v.table()->item(0, AlertsView::StatusColumn)->text(), QStringLiteral("acknowledged"));
        QVERIFY(v.selectAlert(itemAlert));
        QVERIFY(!v.acknowledgeButton()->isEnabled()); // not open any more
        QVERIFY(v.detail()->toPlainText().contains(QStringLiteral("Acknowledged by sam")));
        // The same query serves the CLI: the stored row.
        auto stored = rig.reader->runNow<std::vector<read::AlertRow>>(
            [](QSqlDatabase& db) { return read::alerts(db, QStringLiteral("acknowledged")); });
        QVERIFY(stored.ok());
        QCOMPARE(stored->size(), std::size_t(1));
        QCOMPARE(stored->front().ackedBy, QStringLiteral("sam"));
        QVERIFY(stored->front().ackedAt > 0);
    }

    // A target down longer than the rule allows: the detail says since when and what waits; its primary action and
    // "Show in matrix" open the matrix on that target; it names no object.
    void targetOutageLeadsToTheMatrix()
    {
        TempWorkspace tw;
        QVERIFY2(tw.ok(), qPrintable(tw.error()));
        QVERIFY(tw.makeAdmin("ada").isEmpty());
        const json rules = { { "rules",
            json::array({ { { "id", "target-down" }, { "kind", "target_outage_over" }, { "minutes", 15 } } }) } };
        QVERIFY(setAlertRules(tw.as("ada"), "ada", rules, "outage").ok());
        const qint64 now = nowMs();
        {
            CircuitStore circuits;
            QString error;
            QVERIFY2(circuits.prepare(tw.db(), error), qPrintable(error));
            CircuitRow row;
            row.target = "WMS-P100";
            row.open = true;
            row.openedAt = now - 50 * 60 * 1000;
            row.lastError = "retryable: connection refused";
            row.probeIntervalMs = 5000;
            row.nextProbeAt = now;
            row.incidentId = circuits.openIncident(row.target, row.openedAt, "down", "{}");
            circuits.save(row, now);
        }
        auto fired = AlertEngine(tw.ws()).evaluate(now);
        QVERIFY(fired.ok());
        QCOMPARE(fired->fired.size(), std::size_t(1));
        tw.close();
        Rig rig;
        QVERIFY(rig.start(tw.path(), "ada"));
        AlertsView& v = *rig.view;
        QVERIFY(rig.select(QStringLiteral("target-down")) > 0);
        QCOMPARE(v.table()->item(0, AlertsView::SubjectColumn)->text(), QStringLiteral("WMS-P100"));
        const QString detail = v.detail()->toPlainText();
        QVERIFY2(detail.contains(QStringLiteral("WMS-P100 is down since")), qPrintable(detail));
        QVERIFY2(detail.contains(QStringLiteral("Last error: retryable: connection refused")), qPrintable(detail));
        QVERIFY(!v.objectButton()->isEnabled());
        QVERIFY(v.matrixButton()->isEnabled());
        QSignalSpy matrix(&rig.nav, &Navigator::matrixRequested);
        v.matrixButton()->click();
        QCOMPARE(matrix.count(), 1);
        QCOMPARE(matrix.at(0).at(0).toMap().value(QStringLiteral("target")).toString(), QStringLiteral("WMS-P100"));
        v.table()->setFocus();
        QTest::keyClick(v.table(), Qt::Key_Return);
        QCOMPARE(matrix.count(), 2);
    }

    void viewerCannotAcknowledge()
    {
        TempWorkspace tw;
        const QString setup = makeAlerts(tw);
        QVERIFY2(setup.isEmpty(), qPrintable(setup));
        tw.close();
        Rig rig;
        QVERIFY(rig.start(tw.path(), "val"));
        AlertsView& v = *rig.view;
        QCOMPARE(v.table()->rowCount(), 3);
        QVERIFY(!v.mayAcknowledge());
        const qint64 id = rig.select(QStringLiteral("item-blocked"));
        QVERIFY(id > 0);
        QVERIFY(!v.acknowledgeButton()->isEnabled());
        QVERIFY(v.acknowledgeButton()->toolTip().contains(QStringLiteral("stewards")));
        // Navigation still works for a viewer.
        QVERIFY(v.objectButton()->isEnabled());
        // Past the disabled button, the core refuses.
        QSignalSpy acked(&v, &AlertsView::acknowledged);
        v.acknowledgeCurrent(QStringLiteral("sneaky"));
        QVERIFY(acked.wait(15000));
        QVERIFY(!acked.at(0).at(1).toBool());
        QVERIFY2(
            acked.at(0).at(2).toString().contains(QStringLiteral("val")), qPrintable(acked.at(0).at(2).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(v.counts().value(QStringLiteral("open")), 3, 10000);
        QCOMPARE(v.counts().value(QStringLiteral("acknowledged")), 0);
    }
};

QTEST_MAIN(TestAlertsView)
#include "tst_alertsview.moc"
