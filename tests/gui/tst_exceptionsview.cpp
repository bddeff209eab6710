// The exception backlog view: the model under QAbstractItemModelTester, filters against SQL, a bulk replay of
// 1,000 failed deliveries that keeps the UI thread responsive, keyboard-first assign and discard (and the core
// refusing a user without the role), a correction refused by the core, four-eyes, and the actions of a target outage
// incident (probe now, pause / resume the target), "Not a duplicate" of a duplicate suspect.

#include "access/roles.h"
#include "corecontroller.h"
#include "dbreader.h"
#include "models/exceptionsmodel.h"
#include "steward/rolegrants.h"
#include "store/readviews.h"
#include "util/timeutil.h"
#include "views/exceptionsview.h"
#include "widgets/exceptiondetail.h"
#include "widgets/exceptionproblem.h"
#include "workspacefixture.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDateTime>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;
using json = nlohmann::json;

namespace {

// admin ada; steward sam; amy is steward and approver; abe is approver. Each acts through their own login on
// PostgreSQL (TempWorkspace::locationAs), as on a shared workspace.
bool grantTeam(TempWorkspace& tw)
{
    if (!tw.makeAdmin("ada").isEmpty())
        return false;
    for (const auto& [login, role] : { std::pair { "sam", Role::Steward }, std::pair { "amy", Role::Steward },
             std::pair { "amy", Role::Approver }, std::pair { "abe", Role::Approver } })
        if (!grantRole(tw.as("ada"), "ada", login, role, "team").ok())
            return false;
    return true;
}

// `n` released items; every QMS delivery made a failed delivery with an open "rejected" exception (as the dispatcher
// records a rejection), plus one inbound validation exception on RM-1.
bool makeBacklog(TempWorkspace& tw, int n)
{
    std::vector<std::string> lines;
    lines.reserve(static_cast<size_t>(n) + 2);
    for (int i = 0; i < n; ++i) {
        // Distinct words, so that the duplicate-suspect check finds nothing alike.
        std::string word = "Q";
        for (int v = i + 26 * 26; v > 0; v /= 26)
            word += static_cast<char>('a' + v % 26);
        json a = releasedItem(word + "x" + word, { "P100" });
        lines.push_back(mdsync::test::event("PLM", "item", "FG-" + std::to_string(1000 + i), a));
    }
    json rm = releasedItem("Bracket", { "P100" });
    lines.push_back(mdsync::test::event("PLM", "item", "RM-1", rm));
    if (!tw.ingest(lines).ok())
        return false;
    rm["net_weight"] = "3 m";
    if (!tw.ingest({ mdsync::test::event("PLM", "item", "RM-1", rm) }).ok())
        return false;
    RawConnection raw(tw.path());
    for (const char* sql : {
             "UPDATE delivery SET status = 'failed', attempts = 1, last_error = 'QMS rejected: unknown unit'"
             " WHERE target_id = 'QMS' AND object_id IN (SELECT id FROM object WHERE key LIKE 'FG-%')",
             "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, domain, object_key,"
             " object_id, revision_id, delivery_id, target_id, message, details)"
             " SELECT 'delivery', 'rejected', 'high', 'open', d.created_at, d.created_at, o.domain, o.key, o.id,"
             " d.revision_id, d.id, d.target_id, 'QMS rejected: unknown unit', '{\"http_status\": 422}'"
             " FROM delivery d JOIN object o ON o.id = d.object_id WHERE d.status = 'failed' ORDER BY d.id",
             "UPDATE delivery SET exception_id = (SELECT e.id FROM exception e WHERE e.delivery_id = delivery.id)"
             " WHERE status = 'failed'",
         }) {
        const QString error = raw.exec(QString::fromUtf8(sql));
        if (!error.isEmpty()) {
            qWarning("%s", qPrintable(error));
            return false;
        }
    }
    return true;
}

// The GUI side on a closed workspace: core thread, reader, navigator and the view.
struct Rig
{
    std::unique_ptr<CoreController> core;
    std::unique_ptr<DbReader> reader;
    Navigator nav;
    std::unique_ptr<ExceptionsView> view;

    bool start(const QString& path, const std::string& actor)
    {
        CoreServiceOptions o;
        o.workspacePath = path;
        o.connectFromLandscape = false;
        o.actor = actor;
        core = std::make_unique<CoreController>(o);
        QSignalSpy started(core.get(), &CoreController::started);
        core->start();
        if (!started.wait(10000))
            return false;
        reader = std::make_unique<DbReader>(path);
        view = std::make_unique<ExceptionsView>(AppContext { core.get(), reader.get(), &nav });
        view->resize(1400, 800);
        view->show();
        return true;
    }
    // Only the deliveries to one target system in the backlog.
    void showTarget(const QString& target)
    {
        QVariantMap only;
        only.insert(QStringLiteral("target"), target);
        view->applyFilter(only);
    }
    void stop()
    {
        view.reset();
        if (reader)
            reader->waitForIdle();
        reader.reset();
        core.reset();
    }
    ~Rig() { stop(); }
};

qint64 countSql(const QString& path, const QString& sql)
{
    RawConnection raw(path);
    return scalar(raw.db(), sql).toLongLong();
}

bool selectException(Rig& r, qint64 id)
{
    QVariantMap f;
    f.insert(QStringLiteral("id"), id);
    r.view->applyFilter(f);
    if (!QTest::qWaitFor([&] { return r.view->model()->rowCount() == 1 && r.view->model()->idAt(0) == id; }, 5000))
        return false;
    r.view->table()->setCurrentIndex(r.view->model()->index(0, 0));
    return QTest::qWaitFor([&] { return r.view->detail()->isLoaded() && r.view->detail()->exceptionId() == id; }, 5000);
}

} // namespace

class TestExceptionsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // An exception about a whole system (a target outage) has no object: the Object column and the detail title
    // say so in words, not "/".
    void objectOfAWholeSystemException()
    {
        QCOMPARE(ExceptionsModel::objectLabel(QStringLiteral("item"), QStringLiteral("FG-1000")),
            QStringLiteral("item/FG-1000"));
        QCOMPARE(ExceptionsModel::objectLabel({}, {}), QStringLiteral("(the whole system)"));
    }

    void modelAndFilters()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 40));
        tw.close();
        const QString path = tw.path();

        DbReader reader(path);
        ExceptionsModel model(&reader);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy listed(&model, &PagedSqlModel::listLoaded);
        model.setFilter(ExceptionFilter {});
        QVERIFY(listed.wait(5000));
        const qint64 open = countSql(path, QStringLiteral("SELECT count(*) FROM exception WHERE status = 'open'"));
        QCOMPARE(
            countSql(path, QStringLiteral("SELECT count(*) FROM exception WHERE category = 'duplicate_suspect'")), 0);
        QCOMPARE(open, 41);
        QCOMPARE(model.rowCount(), open);
        // Rows load in chunks; every cell of a loaded row answers.
        QTRY_VERIFY(model.data(model.index(0, ExceptionsModel::Object), PagedSqlModel::LoadedRole).toBool());
        QVERIFY(model.data(model.index(0, ExceptionsModel::Severity), Qt::DecorationRole).isValid());
        QCOMPARE(model.data(model.index(0, ExceptionsModel::Status)).toString(), QStringLiteral("open"));

        // Category and text filters narrow the rows like SQL does.
        ExceptionFilter f;
        f.category = QStringLiteral("validation");
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(),
            countSql(path, QStringLiteral("SELECT count(*) FROM exception WHERE category = 'validation'")));
        QCOMPARE(model.rowCount(), 1);
        f = {};
        f.text = QStringLiteral("FG-101");
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(),
            countSql(path, QStringLiteral("SELECT count(*) FROM exception WHERE object_key LIKE '%FG-101%'")));
        QCOMPARE(model.rowCount(), 10); // FG-1010 .. FG-1019
        // Sorting in SQL: by object descending, the first row is the greatest key.
        f = {};
        f.target = QStringLiteral("QMS");
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(), 40);
        model.sort(ExceptionsModel::Object, Qt::DescendingOrder);
        QVERIFY(listed.wait(5000));
        QTRY_VERIFY(model.data(model.index(0, 0), PagedSqlModel::LoadedRole).toBool());
        QCOMPARE(model.data(model.index(0, ExceptionsModel::Object)).toString(), QStringLiteral("item/FG-1039"));
        // Older-than filters by age (the fixture's events are from the fixed ingest clock).
        f.olderThanMs = 60LL * 60 * 1000;
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(),
            countSql(path,
                QStringLiteral("SELECT count(*) FROM exception WHERE target_id = 'QMS' AND created_at <= %1")
                    .arg(QDateTime::currentMSecsSinceEpoch() - 3600 * 1000)));
        f.olderThanMs = 20LL * 365 * 24 * 60 * 60 * 1000; // nothing is 20 years old
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(), 0);
        // Closed statuses are outside the default filter; asking for them shows them.
        f = {};
        f.statuses = { QStringLiteral("replayed") };
        model.setFilter(f);
        QVERIFY(listed.wait(5000));
        QCOMPARE(model.rowCount(), 0);

        // Group counts (the view's summary) come from GROUP BY.
        using GroupCounts = std::map<QString, qint64>;
        const auto groups = reader.runNow<GroupCounts>(
            [](QSqlDatabase& db) { return exceptionGroupCounts(db, ExceptionFilter {}, QStringLiteral("category")); });
        QVERIFY2(groups.ok(), groups.ok() ? "" : qPrintable(groups.error()));
        QCOMPARE(groups.value().at(QStringLiteral("rejected")), 40);
        QCOMPARE(groups.value().at(QStringLiteral("validation")), 1);
        reader.waitForIdle();
    }

    // Issue 18 item 5: the backlog grouped by cause (same target, category and error text whatever the object), one
    // click lists a cause's exceptions, Ctrl+A selects them for one action on the group.
    void groupByCauseListsTheGroup()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 40));
        tw.close();
        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 41, 5000);
        QComboBox* by = r.view->groupByCombo();
        by->setCurrentIndex(by->findData(QStringLiteral("cause")));
        // The tree is rebuilt on every refresh: items are looked up after the waits, never kept across them.
        auto allItem = [&] { return r.view->groupTree()->topLevelItem(0); };
        QTRY_VERIFY(r.view->groupTree()->topLevelItemCount() == 1 && allItem()->text(1) == QLatin1String("41")
            && allItem()->childCount() == 2);
        QTreeWidgetItem* biggest = allItem()->child(0);
        QVERIFY2(biggest->text(0).startsWith(QStringLiteral("QMS · rejected: ")), qPrintable(biggest->text(0)));
        QCOMPARE(biggest->text(1), QStringLiteral("40"));
        QVERIFY2(!biggest->text(0).contains(QStringLiteral("FG-10")), qPrintable(biggest->text(0))); // no object key

        Q_EMIT r.view->groupTree()->itemClicked(biggest, 0);
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 40, 5000);
        r.view->table()->setFocus();
        QTest::keySequence(r.view->table(), QKeySequence::SelectAll);
        QCOMPARE(r.view->selectedIds().size(), size_t(40));
        // "All causes" lists everything again.
        QTRY_VERIFY(r.view->groupTree()->topLevelItemCount() == 1);
        Q_EMIT r.view->groupTree()->itemClicked(allItem(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 41, 5000);

        // By business impact: the inbound validation problem (it blocks every item subscription, MES's critical)
        // before the QMS rejections (medium); a click on a column header sorts by that column again.
        QSignalSpy listed(r.view->model(), &PagedSqlModel::listLoaded);
        r.view->impactButton()->click();
        QVERIFY(r.view->model()->impactSort());
        QVERIFY(listed.wait(5000));
        QTRY_VERIFY(r.view->model()->data(r.view->model()->index(0, 0), PagedSqlModel::LoadedRole).toBool());
        QCOMPARE(r.view->model()->data(r.view->model()->index(0, ExceptionsModel::Category)).toString(),
            QStringLiteral("validation"));
        r.view->table()->sortByColumn(ExceptionsModel::Category, Qt::AscendingOrder);
        QVERIFY(!r.view->model()->impactSort());
        QVERIFY(!r.view->impactButton()->isChecked());
    }

    // Issue 18 item 5: saved filters per workspace and user (this workstation's settings).
    void savedFiltersPerUser()
    {
        QStandardPaths::setTestModeEnabled(true);
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 5));
        tw.close();
        {
            Rig r;
            QVERIFY(r.start(tw.locationAs("sam"), "sam"));
            QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 6, 5000);
            for (const QString& n : r.view->savedFilterNames())
                r.view->deleteSavedFilter(n);
            QVariantMap qms;
            qms.insert(QStringLiteral("target"), QStringLiteral("QMS"));
            qms.insert(QStringLiteral("category"), QStringLiteral("rejected"));
            r.view->applyFilter(qms);
            r.view->groupByCombo()->setCurrentIndex(r.view->groupByCombo()->findData(QStringLiteral("cause")));
            r.view->saveFilter(QStringLiteral("QMS rejections"));
            QCOMPARE(r.view->savedFilterNames(), QStringList { QStringLiteral("QMS rejections") });

            r.view->applyFilter({});
            r.view->groupByCombo()->setCurrentIndex(0);
            QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 6, 5000);
            QVERIFY(r.view->applySavedFilter(QStringLiteral("QMS rejections")));
            QCOMPARE(r.view->model()->filter().target, QStringLiteral("QMS"));
            QCOMPARE(r.view->model()->filter().category, QStringLiteral("rejected"));
            QCOMPARE(r.view->groupByCombo()->currentData().toString(), QStringLiteral("cause"));
            QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 5, 5000);
            QVERIFY(!r.view->applySavedFilter(QStringLiteral("no such filter")));
        }
        // Another user of the same workspace has filters of their own.
        Rig other;
        QVERIFY(other.start(tw.locationAs("ada"), "ada"));
        QVERIFY(other.view->savedFilterNames().isEmpty());
        other.stop();
        Rig again;
        QVERIFY(again.start(tw.locationAs("sam"), "sam"));
        QCOMPARE(again.view->savedFilterNames(), QStringList { QStringLiteral("QMS rejections") });
        again.view->deleteSavedFilter(QStringLiteral("QMS rejections"));
        QVERIFY(again.view->savedFilterNames().isEmpty());
    }

    void bulkReplayOfAThousandKeepsTheWindowResponsive()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QElapsedTimer setup;
        setup.start();
        QVERIFY(makeBacklog(tw, 1000));
        tw.close();
        qInfo("fixture: 1000 failed deliveries in %lld ms", static_cast<long long>(setup.elapsed()));
        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        r.showTarget(QStringLiteral("QMS"));
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 1000, 5000);
        QVERIFY(r.view->isReady());

        // Group summary: clicking a group filters the table.
        r.view->groupByCombo()->setCurrentIndex(1);
        QTRY_VERIFY(r.view->groupTree()->topLevelItemCount() == 1);
        QTRY_COMPARE(r.view->groupTree()->topLevelItem(0)->text(1), QStringLiteral("1000"));

        r.view->table()->selectAll();
        QCOMPARE(r.view->selectedIds().size(), size_t(1000));

        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, maxGap = 0;
        QTimer tick;
        tick.setInterval(10);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            maxGap = std::max(maxGap, now - last);
            last = now;
        });
        int progressSignals = 0, lastDone = 0;
        bool monotonic = true;
        connect(r.view.get(), &ExceptionsView::bulkProgress, this, [&](int done, int) {
            ++progressSignals;
            monotonic = monotonic && done >= lastDone;
            lastDone = done;
        });
        QSignalSpy finished(r.view.get(), &ExceptionsView::bulkFinished);
        last = clock.elapsed();
        tick.start();
        r.view->action(QStringLiteral("replay"))->trigger();
        QVERIFY(r.view->isBulkRunning());
        QVERIFY(r.view->progressDialog());
        QVERIFY(r.view->progressDialog()->isVisible());
        QVERIFY(finished.wait(60000));
        tick.stop();
        const qint64 took = clock.elapsed();
        qInfo("bulk replay of 1000 from the GUI: %lld ms, max UI gap %lld ms, %d progress updates",
            static_cast<long long>(took), static_cast<long long>(maxGap), progressSignals);
        QVERIFY(finished.at(0).at(0).toBool());
        // The UI thread stayed free while the core worked: the job ran on the core thread and the UI thread took
        // its progress reports as they came (below). How long the UI thread was ever busy is a measurement, not an
        // assertion here (printed above; bench_ui measures the UI's latency on a quiet machine).
        // The core coalesces progress reports; the dialog still advances many times, never backwards.
        QVERIFY(progressSignals >= 10);
        QVERIFY(monotonic);
        QCOMPARE(lastDone, 1000);
        const json& result = r.view->lastBulkResult();
        QCOMPARE(result["items"].size(), size_t(1000));
        QCOMPARE(result["succeeded"].get<int>(), 1000);
        for (const auto& i : result["items"])
            QCOMPARE(QString::fromStdString(i["result"].get<std::string>()), QStringLiteral("requeued"));
        QVERIFY(r.view->resultDialog());
        QCOMPARE(r.view->resultDialog()->rowCount(), 1000);
        // The backlog refreshes: the replayed exceptions left the default (open) filter.
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 0, 5000);
        r.stop(); // closes the workspace: the checks below read the file
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM exception WHERE status = 'replayed'")), 1000);
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM replay_job_item")), 1000);
    }

    void keyboardFirstAssignDiscardAndPermissions()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 6));
        tw.close();
        {
            // abe approves but is no steward: the core refuses his assignment, item by item, and changes nothing.
            Rig r;
            QVERIFY(r.start(tw.locationAs("abe"), "abe"));
            r.showTarget(QStringLiteral("QMS"));
            QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 6, 5000);
            r.view->table()->selectAll();
            QSignalSpy finished(r.view.get(), &ExceptionsView::bulkFinished);
            r.view->assignSelected(QStringLiteral("abe"));
            QVERIFY(finished.wait(10000));
            const json& result = r.view->lastBulkResult();
            QCOMPARE(result["items"].size(), size_t(6));
            QCOMPARE(result.value("succeeded", -1), 0);
            const std::string why = result["items"][0].value("message", std::string());
            QVERIFY2(why.find("abe") != std::string::npos, why.c_str());
        }
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM exception WHERE assignee IS NOT NULL")), 0);

        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        r.showTarget(QStringLiteral("QMS"));
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 6, 5000);
        r.view->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(r.view.get()));
        r.view->table()->setFocus();
        r.view->table()->setCurrentIndex(r.view->model()->index(0, 0));
        // J / K walk the backlog (Alt+Down / Alt+Up do the same).
        QTest::keyClick(r.view->table(), Qt::Key_J);
        QTest::keyClick(r.view->table(), Qt::Key_J);
        QCOMPARE(r.view->table()->currentIndex().row(), 2);
        QTest::keyClick(r.view->table(), Qt::Key_K);
        QCOMPARE(r.view->table()->currentIndex().row(), 1);
        QTest::keyClick(r.view->table(), Qt::Key_Down, Qt::AltModifier);
        QCOMPARE(r.view->table()->currentIndex().row(), 2);

        // Ctrl+Shift+A assigns the selection to the user running the window.
        r.view->table()->selectAll();
        QSignalSpy finished(r.view.get(), &ExceptionsView::bulkFinished);
        QTest::keyClick(r.view->table(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(finished.wait(10000));
        QCOMPARE(r.view->lastBulkResult().value("succeeded", -1), 6);
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM exception WHERE assignee = 'sam'")), 6);

        // Ctrl+D asks for the reason (a dialog); the view then discards the selection with it.
        QCOMPARE(r.view->action(QStringLiteral("discard"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+D")));
        QCOMPARE(r.view->action(QStringLiteral("replay"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+R")));
        r.view->table()->clearSelection();
        r.view->table()->selectionModel()->select(
            r.view->model()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        r.view->table()->selectionModel()->select(
            r.view->model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const auto chosen = r.view->selectedIds();
        QCOMPARE(chosen.size(), size_t(2));
        finished.clear();
        r.view->discardSelected(DiscardReason::Other, QStringLiteral("test data, not a real item"));
        QVERIFY(finished.wait(10000));
        QCOMPARE(r.view->lastBulkResult().value("succeeded", -1), 2);
        QTRY_COMPARE_WITH_TIMEOUT(r.view->model()->rowCount(), 4, 5000); // discarded left the open backlog
        r.stop(); // closes the workspace: the checks below read the file
        QCOMPARE(countSql(tw.path(),
                     QStringLiteral("SELECT count(*) FROM exception WHERE status = 'discarded' AND id IN (%1, %2)")
                         .arg(chosen[0])
                         .arg(chosen[1])),
            2);
        // Each action is in the audit trail, by sam.
        QVERIFY(countSql(tw.path(),
                    QStringLiteral("SELECT count(*) FROM audit_log WHERE actor = 'sam' AND action LIKE '%discard%'"))
            >= 2);
    }

    void refusedCorrectionShowsTheCoreMessageAndChangesNothing()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 2));
        tw.close();
        const qint64 ex = countSql(tw.path(), QStringLiteral("SELECT id FROM exception WHERE category = 'validation'"));
        QVERIFY(ex > 0);
        const qint64 revisions = countSql(tw.path(), QStringLiteral("SELECT count(*) FROM revision"));
        const qint64 audit = countSql(tw.path(), QStringLiteral("SELECT count(*) FROM audit_log"));
        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        QVERIFY(selectException(r, ex));
        ExceptionDetailPane* d = r.view->detail();
        // Syntax is checked as you type.
        d->editor()->setPlainText(QStringLiteral("{ \"net_weight\": "));
        QVERIFY(!ExceptionDetailPane::parseCorrection(d->editor()->toPlainText()).ok());
        d->editor()->setPlainText(QStringLiteral("{ \"net_weight\": \"3 m\" }"));
        d->reasonEdit()->setText(QStringLiteral("weight from the plant"));
        QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
        d->submitCorrection();
        QVERIFY(done.wait(10000));
        QVERIFY(!done.at(0).at(0).toBool());
        QVERIFY2(
            d->correctionMessage().contains(QStringLiteral("does not validate")), qPrintable(d->correctionMessage()));
        QVERIFY(d->correctionMessage().contains(QStringLiteral("nothing was changed")));
        r.stop(); // closes the workspace: the checks below read the file
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM correction")), 0);
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM revision")), revisions);
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM audit_log")), audit);
    }

    // Issue 18: the detail pane says what went wrong in words and tables, not JSON: a duplicate suspect shows the
    // two objects side by side (the held event when the object was not created), compared attributes in bold and
    // differing values marked; a validation problem one row per attribute. The raw JSON is one tab away, wrapped
    // and verbatim.
    void problemPaneShowsWordsAndTables()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        const std::string fa0 = mdsync::test::event("PLM", "item", "FA-5000",
            { { "description", "Hex bolt M8x40 DIN 933 8.8 zinc" }, { "item_type", "ROH" }, { "base_uom", "EA" },
                { "manufacturer_part_number", "DIN933-M8X40-88-ZN" } });
        const std::string fa1 = mdsync::test::event("PLM", "item", "FA-5012",
            { { "description", "Hex bolt M8 x 40 DIN933 8.8 zinc plated" }, { "item_type", "ROH" },
                { "base_uom", "EA" }, { "manufacturer_part_number", "DIN933-M8X40-88-ZN" } });
        const std::string sup0 = mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-1001",
            { { "name", "Schäfer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } });
        const std::string sup1 = mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-1007",
            { { "name", "Schaefer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" },
                { "city", "Solingen" } });
        json rm = releasedItem("Bracket", { "P100" });
        rm["net_weight"] = "3 m";
        const std::string bad = mdsync::test::event("PLM", "item", "RM-1", rm);
        QVERIFY(tw.ingest({ fa0, fa1, sup0, sup1, bad }).ok());
        tw.close();
        const auto exceptionOf = [&](const char* key) {
            return countSql(
                tw.path(), QStringLiteral("SELECT id FROM exception WHERE object_key = '%1'").arg(QLatin1String(key)));
        };
        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        ExceptionDetailPane* d = r.view->detail();
        QTableWidget* t = d->problemTable();
        const auto rowOf = [t](const QString& attribute) {
            for (int i = 0; i < t->rowCount(); ++i)
                if (t->item(i, 0)->text().endsWith(attribute))
                    return i;
            return -1;
        };

        // A flagged suspect: both objects at their current revision.
        QVERIFY(selectException(r, exceptionOf("FA-5012")));
        QVERIFY2(d->problemHeading().contains(QStringLiteral("item FA-5012 looks like item FA-5000: similarity")),
            qPrintable(d->problemHeading()));
        QCOMPARE(t->columnCount(), 3);
        QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("FA-5012\nrevision 1, from PLM"));
        QCOMPARE(t->horizontalHeaderItem(2)->text(), QStringLiteral("FA-5000\nrevision 1, from PLM"));
        int row = rowOf(QStringLiteral("description"));
        QCOMPARE(row, 0); // compared attributes come first
        QVERIFY(t->item(row, 0)->font().bold());
        QCOMPARE(t->item(row, 0)->text(), QStringLiteral("≠ description"));
        QCOMPARE(t->item(row, 1)->text(), QStringLiteral("Hex bolt M8 x 40 DIN933 8.8 zinc plated"));
        QCOMPARE(t->item(row, 2)->text(), QStringLiteral("Hex bolt M8x40 DIN 933 8.8 zinc"));
        QVERIFY(t->item(row, 1)->background().style() != Qt::NoBrush);
        row = rowOf(QStringLiteral("base_uom"));
        QVERIFY(row > 0);
        QCOMPARE(t->item(row, 0)->text(), QStringLiteral("base_uom")); // same on both sides: not marked
        QCOMPARE(t->item(row, 1)->background().style(), Qt::NoBrush);
        // Where each came from and who holds it, last: revisions, sources, acknowledging targets.
        row = rowOf(QStringLiteral("(revisions)"));
        QCOMPARE(row, t->rowCount() - 3);
        QCOMPARE(t->item(row, 1)->text(), QStringLiteral("1"));
        QCOMPARE(t->item(rowOf(QStringLiteral("(sent by)")), 1)->text(), QStringLiteral("PLM"));
        QCOMPARE(t->item(rowOf(QStringLiteral("(sent by)")), 2)->text(), QStringLiteral("PLM"));
        QCOMPARE(t->item(rowOf(QStringLiteral("(acknowledged by targets)")), 2)->text(), QStringLiteral("none yet"));
        // The JSON is one tab away: the payload verbatim, wrapped to the pane.
        QCOMPARE(d->rawPayloadView()->toPlainText(), QString::fromStdString(fa1));
        QCOMPARE(d->rawPayloadView()->lineWrapMode(), QPlainTextEdit::WidgetWidth);

        // A held suspect (no object created): the event against the existing supplier; an attribute only one side
        // holds shows a dash on the other.
        QVERIFY(selectException(r, exceptionOf("SUP-1007")));
        QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("SUP-1007\nthe held event"));
        QCOMPARE(t->horizontalHeaderItem(2)->text(), QStringLiteral("SUP-1001\nrevision 1, from SUPPLIER-PORTAL"));
        row = rowOf(QStringLiteral("name"));
        QVERIFY(row >= 0);
        QCOMPARE(t->item(row, 0)->text(), QStringLiteral("≠ name"));
        QCOMPARE(t->item(row, 1)->text(), QStringLiteral("Schaefer Edelstahl GmbH"));
        QCOMPARE(t->item(row, 2)->text(), QStringLiteral("Schäfer Edelstahl GmbH"));
        row = rowOf(QStringLiteral("city"));
        QVERIFY(row >= 0);
        QCOMPARE(t->item(row, 2)->text(), QStringLiteral("—"));
        QCOMPARE(t->item(rowOf(QStringLiteral("tax_id")), 0)->text(), QStringLiteral("tax_id"));
        QCOMPARE(t->item(rowOf(QStringLiteral("(sent by)")), 1)->text(), QStringLiteral("—")); // no object: no history
        QCOMPARE(t->item(rowOf(QStringLiteral("(sent by)")), 2)->text(), QStringLiteral("SUPPLIER-PORTAL"));

        // A validation problem: one row per attribute, in words.
        QVERIFY(selectException(r, exceptionOf("RM-1")));
        QCOMPARE(t->columnCount(), 2);
        row = rowOf(QStringLiteral("net_weight"));
        QVERIFY2(row >= 0, qPrintable(d->problemHeading()));
        QVERIFY2(
            t->item(row, 1)->text().contains(QStringLiteral("expected a mass")), qPrintable(t->item(row, 1)->text()));
    }

    // The words for what the dispatcher and the reconciler record: a target's rejection and a drift.
    // Retention (docs/RETENTION.md): the pane's line under the message says until when a delivery exception's
    // revision can be replayed, and names the archive once it cannot.
    void replayableUntilLine()
    {
        ExceptionDetailData d;
        d.domain = QStringLiteral("item");
        QVERIFY(ExceptionDetailPane::replayableText(d).isEmpty()); // not a delivery exception
        store::ReplayableUntil r;
        r.kind = store::ReplayableUntil::Kind::WhileCurrent;
        r.days = 730;
        d.replayableUntil = r;
        QCOMPARE(ExceptionDetailPane::replayableText(d),
            QStringLiteral("Replayable while this revision is current; 730 day(s) after it is superseded"));
        r.kind = store::ReplayableUntil::Kind::Until;
        r.until = *parseRfc3339("2028-11-30T10:00:00Z");
        d.replayableUntil = r;
        QCOMPARE(ExceptionDetailPane::replayableText(d),
            QStringLiteral("Replayable until 2028-11-30T10:00:00.000Z (then its payload may be archived)"));
        r.kind = store::ReplayableUntil::Kind::Archived;
        r.archiveFile = "item-2028-12-01-0001.jsonl.gz";
        r.archiveManifestSha256 = "4be2c1f09a3e55667788";
        r.archivedAt = *parseRfc3339("2028-12-01T10:00:00Z");
        d.replayableUntil = r;
        QCOMPARE(ExceptionDetailPane::replayableText(d),
            QStringLiteral("Not replayable: the revision's payload was archived in item-2028-12-01-0001.jsonl.gz on "
                           "2028-12-01 (manifest SHA-256 4be2c1f09a3e…); correct the object at its source"));
    }

    void problemTableOfDeliveryExceptions()
    {
        read::ExceptionDetail rejected;
        rejected.category = QStringLiteral("target_rejected");
        rejected.details = QString::fromStdString(json(
            { { "attempts", 1 }, { "http_status", 422 },
                { "response",
                    { { "error", "field 'status' must be one of [ACTIVE, INACTIVE]" }, { "field", "status" } } },
                { "subscription",
                    "item->WMS-P100" } }).dump());
        ProblemTable t = ExceptionProblem::build(rejected);
        QCOMPARE(t.columns.size(), 2);
        QStringList lines;
        for (const auto& row : t.rows)
            lines << row.cells.join(QStringLiteral(" = "));
        QCOMPARE(lines,
            QStringList({ QStringLiteral("Attempts = 1"), QStringLiteral("HTTP status = 422"),
                QStringLiteral("The target's answer = field 'status' must be one of [ACTIVE, INACTIVE]"),
                QStringLiteral("The target's answer: field = status"),
                QStringLiteral("Subscription = item->WMS-P100") }));

        read::ExceptionDetail drift;
        drift.category = QStringLiteral("drift");
        drift.details = QString::fromStdString(
            json({ { "acked_revision_no", 3 },
                     { "differences",
                         json::array({ { { "field", "base_uom" }, { "expected", "EA" }, { "actual", "PCE" } } }) } })
                .dump());
        t = ExceptionProblem::build(drift);
        QCOMPARE(t.rows.size(), size_t(2));
        QCOMPARE(t.rows[1].cells,
            QStringList({ QStringLiteral("base_uom"), QStringLiteral("expected \"EA\", the target has \"PCE\"") }));

        // Nothing recorded: what the source sent.
        read::ExceptionDetail policy;
        policy.category = QStringLiteral("policy_violation");
        policy.details = QStringLiteral("{}");
        policy.raw = QByteArray::fromStdString(
            json({ { "source", "WMS-P100" }, { "attributes", { { "net_weight", "2 kg" } } } }).dump());
        t = ExceptionProblem::build(policy);
        QCOMPARE(t.heading, QStringLiteral("What WMS-P100 sent (the message above says what went wrong)"));
        QCOMPARE(t.rows.size(), size_t(1));
        QCOMPARE(t.rows[0].cells, QStringList({ QStringLiteral("net_weight"), QStringLiteral("2 kg") }));
    }

    // Issue 18: while new exceptions keep arriving at the top of the (newest first) backlog and the view refreshes,
    // the selection, the current row and the detail pane stay on the exception the steward chose, the rows they look
    // at stay in view, and the correction they type lands on that exception. When another actor closes the exception
    // shown, the pane says so and keeps the typed text instead of switching.
    void selectionStaysOnItsExceptionWhileRowsArrive()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 80));
        tw.close();
        const QString path = tw.path();
        // The inbound validation exception is the oldest: the last row of the newest-first backlog.
        const qint64 ex = countSql(path, QStringLiteral("SELECT id FROM exception WHERE category = 'validation'"));
        QVERIFY(ex > 0);
        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        ExceptionsModel* model = r.view->model();
        QTableView* table = r.view->table();
        ExceptionDetailPane* d = r.view->detail();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 81, 5000);
        QTRY_VERIFY(d->isLoaded()); // the first row (the newest exception) is shown first
        QVERIFY(d->exceptionId() != ex);

        // The steward scrolls to the bottom and clicks the validation exception.
        const int exRow = model->rowOfId(ex);
        QCOMPARE(exRow, 80);
        table->scrollToBottom();
        QTRY_VERIFY(model->rowAt(exRow));
        const QRect cell = table->visualRect(model->index(exRow, ExceptionsModel::Object));
        QVERIFY(cell.isValid());
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_VERIFY(d->isLoaded() && d->exceptionId() == ex);
        const qint64 topId = model->idAt(table->rowAt(2));
        QVERIFY(topId > 0);

        // New exceptions keep arriving (another system's rejections), each followed by the refresh the core's change
        // notice starts, as in the live demo.
        RawConnection raw(path);
        const qint64 template_ = countSql(path, QStringLiteral("SELECT max(id) FROM exception"));
        int arrived = 0;
        QTimer feed;
        feed.setInterval(60);
        QObject::connect(&feed, &QTimer::timeout, [&] {
            const QString error = raw.exec(QStringLiteral(
                "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, domain, object_key,"
                " object_id, revision_id, target_id, message, details) SELECT stage, category, severity, 'open',"
                " created_at, updated_at, domain, object_key, object_id, revision_id, target_id, 'arrived later', "
                "details"
                " FROM exception WHERE id = %1")
                                               .arg(template_));
            QVERIFY2(error.isEmpty(), qPrintable(error));
            ++arrived;
            Q_EMIT r.core->changed(0);
        });
        feed.start();
        QSignalSpy listed(model, &PagedSqlModel::listLoaded);
        // The steward types a correction while the rows arrive.
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= 2, 5000);
        d->editor()->setPlainText(QStringLiteral("{ \"lifecycle_status\": \"blocked\" }"));
        d->reasonEdit()->setText(QStringLiteral("quality hold"));
        QTRY_VERIFY_WITH_TIMEOUT(arrived >= 8 && model->rowCount() >= 81 + 8 && listed.count() >= 6, 10000);
        // Still on it: the pane with the typed text, the current row and the selection, and the rows in view.
        QCOMPARE(d->exceptionId(), ex);
        QCOMPARE(d->editor()->toPlainText(), QStringLiteral("{ \"lifecycle_status\": \"blocked\" }"));
        QVERIFY(table->currentIndex().isValid());
        QCOMPARE(model->idAt(table->currentIndex().row()), ex);
        QCOMPARE(r.view->selectedIds(), std::vector<std::int64_t> { ex });
        QCOMPARE(model->idAt(table->rowAt(2)), topId);
        QVERIFY(d->noteText().isEmpty());

        // Another row leaves the list (discarded elsewhere): still on the same exception.
        const qint64 other = model->idAt(model->rowOfId(ex) - 3);
        QVERIFY(
            raw.exec(QStringLiteral("UPDATE exception SET status = 'discarded' WHERE id = %1").arg(other)).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOfId(other) < 0, 5000);
        QCOMPARE(model->idAt(table->currentIndex().row()), ex);
        QCOMPARE(r.view->selectedIds(), std::vector<std::int64_t> { ex });
        QCOMPARE(d->exceptionId(), ex);

        // The steward submits while the rows still arrive: the correction is recorded for that exception.
        QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
        d->submitCorrection();
        QVERIFY(done.wait(10000));
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QCOMPARE(countSql(path, QStringLiteral("SELECT count(*) FROM correction")), 1);
        QCOMPARE(countSql(path, QStringLiteral("SELECT exception_id FROM correction")), ex);

        // Another exception, a correction typed but not submitted; someone else resolves it meanwhile.
        const int nextRow = model->rowOfId(ex) - 1;
        const qint64 ex2 = model->idAt(nextRow);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
            table->visualRect(model->index(nextRow, ExceptionsModel::Object)).center());
        QTRY_VERIFY(d->isLoaded() && d->exceptionId() == ex2);
        d->editor()->setPlainText(QStringLiteral("{ \"unit\": \"kg\" }"));
        QVERIFY(raw.exec(QStringLiteral("UPDATE exception SET status = 'resolved' WHERE id = %1").arg(ex2)).isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(model->rowOfId(ex2) < 0, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(d->noteText().contains(QStringLiteral("closed by someone else")), 5000);
        QVERIFY2(d->noteText().contains(QStringLiteral("no longer in the backlog")), qPrintable(d->noteText()));
        QVERIFY(d->noteText().contains(QStringLiteral("correction text is kept")));
        const int before = listed.count();
        QTRY_VERIFY_WITH_TIMEOUT(listed.count() >= before + 3, 5000);
        QCOMPARE(d->exceptionId(), ex2);
        QCOMPARE(d->editor()->toPlainText(), QStringLiteral("{ \"unit\": \"kg\" }"));
        // No row stands for it: the current index is not on another exception.
        QVERIFY(!table->currentIndex().isValid() || model->idAt(table->currentIndex().row()) == ex2);

        // The steward's own bulk discard of the exception shown is not "someone else": the pane only says it left.
        const qint64 ex3 = model->idAt(model->rowOfId(ex) - 1);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
            table->visualRect(model->index(model->rowOfId(ex3), ExceptionsModel::Object)).center());
        QTRY_VERIFY(d->isLoaded() && d->exceptionId() == ex3);
        QVERIFY(d->noteText().isEmpty());
        QSignalSpy finished(r.view.get(), &ExceptionsView::bulkFinished);
        r.view->discardSelected(DiscardReason::Other, QStringLiteral("test data"));
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.at(0).at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(d->data().status == QLatin1String("discarded") && model->rowOfId(ex3) < 0, 5000);
        QTRY_VERIFY(d->noteText().contains(QStringLiteral("no longer in the backlog")));
        QVERIFY2(!d->noteText().contains(QStringLiteral("someone else")), qPrintable(d->noteText()));
        QCOMPARE(d->exceptionId(), ex3);
        feed.stop();
    }

    // Issue 19 item 3: a target_outage incident offers "Probe now" and "Pause target" / "Resume target" (with a
    // reason); other exceptions do not. Pausing goes through the core and pauses the target in the workspace.
    void targetOutageIncidentProbesAndPausesItsTarget()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 1));
        {
            RawConnection raw(tw.path());
            for (const char* sql : {
                     "INSERT INTO exception(stage, category, severity, status, created_at, updated_at, target_id,"
                     " message, details) VALUES ('delivery', 'target_outage', 'high', 'open', 1000, 1000, 'QMS',"
                     " 'QMS is down since 1970-01-01T00:00:01Z: 1 deliveries wait', '{}')",
                     "INSERT INTO target_circuit(target_id, state, opened_at, last_error, probe_interval_ms,"
                     " next_probe_at, probes, incident_id, updated_at) SELECT 'QMS', 'open', 1000, 'connection"
                     " refused', 30000, 31000, 0, id, 1000 FROM exception WHERE category = 'target_outage'",
                 })
                QVERIFY2(raw.exec(QString::fromUtf8(sql)).isEmpty(), sql);
        }
        tw.close();
        const qint64 incident
            = countSql(tw.path(), QStringLiteral("SELECT id FROM exception WHERE category = 'target_outage'"));
        const qint64 rejected
            = countSql(tw.path(), QStringLiteral("SELECT min(id) FROM exception WHERE category = 'rejected'"));
        QVERIFY(incident > 0 && rejected > 0);
        const auto qmsPaused = [&tw]() -> int {
            RawConnection raw(tw.path());
            QSqlDatabase db = raw.db();
            auto d = read::dashboard(db);
            if (!d)
                return -1;
            for (const auto& sys : d->systems)
                if (sys.id == QLatin1String("QMS"))
                    return sys.paused ? 1 : 0;
            return -1;
        };
        QCOMPARE(qmsPaused(), 0);

        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        ExceptionDetailPane* d = r.view->detail();
        QVERIFY(selectException(r, rejected));
        QVERIFY(d->outageBox()->isHidden()); // not an outage: no target actions
        QVERIFY(selectException(r, incident));
        QTRY_VERIFY(d->outageBox()->isVisible());
        QCOMPARE(d->probeButton()->text(), QStringLiteral("Probe now"));
        QCOMPARE(d->pauseTargetButton()->text(), QStringLiteral("Pause target"));
        QVERIFY(!d->pauseTargetButton()->isEnabled()); // a reason first
        QVERIFY(!d->probeButton()->isEnabled());
        d->outageReasonEdit()->setText(QStringLiteral("QMS is back, says plant IT"));
        QVERIFY(d->probeButton()->isEnabled());

        // Probe now: recorded for the dispatcher and audited.
        QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
        QTest::mouseClick(d->probeButton(), Qt::LeftButton);
        QVERIFY(done.wait(10000));
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY2(d->outageMessage().contains(QStringLiteral("requested")), qPrintable(d->outageMessage()));
        QCOMPARE(countSql(tw.path(),
                     QStringLiteral("SELECT count(*) FROM system WHERE id = 'QMS' AND probe_requested_at IS NOT NULL")),
            1);

        // Pause target: the system's pause flag is set; the button then offers to resume.
        d->outageReasonEdit()->setText(QStringLiteral("stop hammering QMS during its upgrade"));
        QTRY_VERIFY(d->pauseTargetButton()->isEnabled());
        QTest::mouseClick(d->pauseTargetButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QVERIFY2(done.at(1).at(0).toBool(), qPrintable(done.at(1).at(1).toString()));
        QCOMPARE(qmsPaused(), 1);
        QTRY_COMPARE(d->pauseTargetButton()->text(), QStringLiteral("Resume target"));
        QVERIFY(!d->probeButton()->isEnabled()); // a paused target is sent nothing, probes included
        QCOMPARE(countSql(tw.path(),
                     QStringLiteral("SELECT count(*) FROM audit_log WHERE actor = 'sam' AND subject = 'target/QMS'"
                                    " AND action IN ('target.probe', 'target.pause')")),
            2);

        // Resume: without a reason the button stays disabled; with one the target runs again.
        d->outageReasonEdit()->setText(QStringLiteral("upgrade done"));
        QTRY_VERIFY(d->pauseTargetButton()->isEnabled());
        QTest::mouseClick(d->pauseTargetButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 10000);
        QVERIFY2(done.at(2).at(0).toBool(), qPrintable(done.at(2).at(1).toString()));
        QCOMPARE(qmsPaused(), 0);
    }

    // Compare and merge from the detail pane (issue 18 item 1): the Problem tab shows the pair side by side; a steward
    // merges the new item into the one it looks like (item is a critical domain: it awaits approval, the pane says so
    // and offers no approval to its proposer); an approver sees the pending merge and approves it, and the merge is
    // applied (the merged item retired, the suspect resolved).
    void compareAndMergeFromTheDetailPane()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(tw.ingest({ mdsync::test::event("PLM", "item", "FA-5000",
                                { { "description", "Hex bolt M8x40 DIN 933 8.8 zinc" }, { "item_type", "ROH" },
                                    { "base_uom", "EA" } }),
                              mdsync::test::event("PLM", "item", "FA-5012",
                                  { { "description", "Hex bolt M8 x 40 DIN933 8.8 zinc" }, { "item_type", "ROH" },
                                      { "base_uom", "EA" } }) })
                    .ok());
        tw.close();
        const qint64 suspect
            = countSql(tw.path(), QStringLiteral("SELECT id FROM exception WHERE object_key = 'FA-5012'"));
        QVERIFY(suspect > 0);
        {
            Rig r;
            QVERIFY(r.start(tw.locationAs("sam"), "sam"));
            ExceptionDetailPane* d = r.view->detail();
            QVERIFY(selectException(r, suspect));
            QTRY_VERIFY(d->duplicateBox()->isVisible());
            // Side by side: one column per object, named by its key.
            QTableWidget* t = d->problemTable();
            QStringList headers;
            for (int c = 0; c < t->columnCount(); ++c)
                headers << (t->horizontalHeaderItem(c) ? t->horizontalHeaderItem(c)->text() : QString());
            QVERIFY2(headers.join(QLatin1Char('|')).contains(QStringLiteral("FA-5012"))
                    && headers.join(QLatin1Char('|')).contains(QStringLiteral("FA-5000")),
                qPrintable(headers.join(QLatin1Char('|'))));
            QCOMPARE(d->mergeIntoSuspectButton()->text(), QStringLiteral("Merge into FA-5000"));
            QCOMPARE(d->mergeIntoObjectButton()->text(), QStringLiteral("Merge into FA-5012"));
            QVERIFY(!d->mergeIntoSuspectButton()->isEnabled()); // a reason first
            QVERIFY(!d->approveMergeButton()->isVisible());
            d->duplicateReasonEdit()->setText(QStringLiteral("same bolt, DIN 933 written two ways"));
            QVERIFY(d->mergeIntoSuspectButton()->isEnabled());
            QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
            QTest::mouseClick(d->mergeIntoSuspectButton(), Qt::LeftButton);
            QVERIFY(done.wait(10000));
            QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
            QVERIFY2(d->duplicateMessage().startsWith(QStringLiteral("✔ Merge #1 of FA-5012 into FA-5000 proposed")),
                qPrintable(d->duplicateMessage()));
            // The pending merge: no second merge, no approval for its proposer (a steward, not an approver).
            d->duplicateReasonEdit()->setText(QStringLiteral("again"));
            QTRY_VERIFY(!d->mergeIntoSuspectButton()->isEnabled());
            QVERIFY(!d->mergeIntoObjectButton()->isEnabled());
            QVERIFY(d->approveMergeButton()->isHidden());
        }
        QCOMPARE(
            countSql(tw.path(), QStringLiteral("SELECT count(*) FROM object WHERE key = 'FA-5012' AND deleted = 1")),
            0);
        {
            Rig r;
            QVERIFY(r.start(tw.locationAs("abe"), "abe"));
            ExceptionDetailPane* d = r.view->detail();
            QVERIFY(selectException(r, suspect));
            QTRY_VERIFY(d->duplicateBox()->isVisible());
            QTRY_VERIFY(!d->approveMergeButton()->isHidden());
            QVERIFY(d->approveMergeButton()->isEnabled());
            QVERIFY(!d->rejectMergeButton()->isEnabled()); // a rejection needs a reason
            QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
            QTest::mouseClick(d->approveMergeButton(), Qt::LeftButton);
            QVERIFY(done.wait(10000));
            QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
            QCOMPARE(d->duplicateMessage(), QStringLiteral("✔ Merge #1 approved and applied."));
            QTRY_VERIFY(d->approveMergeButton()->isHidden()); // the suspect is resolved
        }
        QCOMPARE(countSql(tw.path(),
                     QStringLiteral("SELECT count(*) FROM object_merge WHERE id = 1 AND status = 'applied'"
                                    " AND proposed_by = 'sam' AND decided_by = 'abe'")),
            1);
        QCOMPARE(
            countSql(tw.path(), QStringLiteral("SELECT count(*) FROM object WHERE key = 'FA-5012' AND deleted = 1")),
            1);
        QCOMPARE(
            countSql(tw.path(),
                QStringLiteral("SELECT count(*) FROM exception WHERE id = %1 AND status = 'resolved'").arg(suspect)),
            1);
    }

    // A duplicate suspect's "Not a duplicate" (issue 18 item 1): needs a reason and the role; the core's refusal or its
    // "✔" shows in the pane; the decision is recorded and the suspect resolved. A held suspect has no pair to decide.
    void notADuplicateFromTheDetailPane()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(
            tw
                .ingest({ mdsync::test::event("PLM", "item", "FA-5000",
                              { { "description", "Hex bolt M8x40 DIN 933 8.8 zinc" }, { "item_type", "ROH" },
                                  { "base_uom", "EA" } }),
                    mdsync::test::event("PLM", "item", "FA-5012",
                        { { "description", "Hex bolt M8 x 40 DIN933 8.8 zinc plated" }, { "item_type", "ROH" },
                            { "base_uom", "EA" } }),
                    mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-1001",
                        { { "name", "Schäfer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } }),
                    mdsync::test::event("SUPPLIER-PORTAL", "supplier", "SUP-1007",
                        { { "name", "Schaefer Edelstahl GmbH" }, { "tax_id", "DE811234567" }, { "country", "DE" } }) })
                .ok());
        tw.close();
        const auto exceptionOf = [&](const char* key) {
            return countSql(
                tw.path(), QStringLiteral("SELECT id FROM exception WHERE object_key = '%1'").arg(QLatin1String(key)));
        };
        const qint64 suspect = exceptionOf("FA-5012");
        const qint64 held = exceptionOf("SUP-1007");
        QVERIFY(suspect > 0 && held > 0);
        {
            // An approver sees the action but may not take it; forced, the core refuses and the pane says so.
            Rig r;
            QVERIFY(r.start(tw.locationAs("abe"), "abe"));
            ExceptionDetailPane* d = r.view->detail();
            QVERIFY(selectException(r, suspect));
            QTRY_VERIFY(d->duplicateBox()->isVisible());
            d->duplicateReasonEdit()->setText(QStringLiteral("different surface"));
            QVERIFY(!d->notDuplicateButton()->isEnabled());
            QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
            d->dismissDuplicate();
            QVERIFY(done.wait(10000));
            QVERIFY(!done.at(0).at(0).toBool());
            QVERIFY2(d->duplicateMessage().startsWith(QStringLiteral("✘ Refused by the core"))
                    && d->duplicateMessage().contains(QStringLiteral("decide duplicate suspects")),
                qPrintable(d->duplicateMessage()));
        }
        QCOMPARE(countSql(tw.path(), QStringLiteral("SELECT count(*) FROM duplicate_decision")), 0);

        Rig r;
        QVERIFY(r.start(tw.locationAs("sam"), "sam"));
        ExceptionDetailPane* d = r.view->detail();
        QVERIFY(selectException(r, held));
        QTRY_VERIFY(d->duplicateBox()->isVisible());
        d->duplicateReasonEdit()->setText(QStringLiteral("x"));
        QVERIFY(!d->notDuplicateButton()->isEnabled()); // nothing was created: no pair
        d->duplicateReasonEdit()->clear();
        QVERIFY(selectException(r, suspect));
        QTRY_VERIFY(d->duplicateBox()->isVisible());
        QCOMPARE(d->notDuplicateButton()->text(), QStringLiteral("Not a duplicate"));
        QVERIFY(!d->notDuplicateButton()->isEnabled()); // a reason first
        d->duplicateReasonEdit()->setText(QStringLiteral("zinc vs zinc plated: different surface"));
        QVERIFY(d->notDuplicateButton()->isEnabled());
        QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
        QTest::mouseClick(d->notDuplicateButton(), Qt::LeftButton);
        QVERIFY(done.wait(10000));
        QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
        QVERIFY2(d->duplicateMessage().startsWith(QStringLiteral("✔ FA-5012 and FA-5000 are not duplicates")),
            qPrintable(d->duplicateMessage()));
        QCOMPARE(countSql(tw.path(),
                     QStringLiteral("SELECT count(*) FROM duplicate_decision WHERE actor = 'sam'"
                                    " AND reason = 'zinc vs zinc plated: different surface'")),
            1);
        QCOMPARE(
            countSql(tw.path(),
                QStringLiteral("SELECT count(*) FROM exception WHERE id = %1 AND status = 'resolved'").arg(suspect)),
            1);
        QTRY_VERIFY(!d->notDuplicateButton()->isEnabled()); // closed now
        QVERIFY(d->duplicateReasonEdit()->text().isEmpty());
    }

    void fourEyesOnACriticalCorrection()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        QVERIFY(grantTeam(tw));
        QVERIFY(makeBacklog(tw, 2));
        tw.close();
        const qint64 ex = countSql(tw.path(), QStringLiteral("SELECT id FROM exception WHERE category = 'validation'"));
        {
            // amy (steward and approver) proposes a critical change: it awaits approval, and her own approval is
            // refused by the core.
            Rig r;
            QVERIFY(r.start(tw.locationAs("amy"), "amy"));
            QVERIFY(selectException(r, ex));
            ExceptionDetailPane* d = r.view->detail();
            d->editor()->setPlainText(QStringLiteral("{ \"lifecycle_status\": \"blocked\" }"));
            d->reasonEdit()->setText(QStringLiteral("quality hold"));
            QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
            d->submitCorrection();
            QVERIFY(done.wait(10000));
            QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
            QTRY_VERIFY(d->fourEyesText().contains(QStringLiteral("awaiting approval")));
            QVERIFY(d->fourEyesText().contains(QStringLiteral("proposed by amy")));
            QVERIFY(d->fourEyesText().contains(QStringLiteral("another user with the approver role")));
            QVERIFY(!d->approveButton()->isEnabled());
            // The backlog shows it as awaiting approval.
            QTRY_COMPARE(r.view->model()->data(r.view->model()->index(0, ExceptionsModel::Status)).toString(),
                QStringLiteral("awaiting approval"));
            d->decisionReasonEdit()->setText(QStringLiteral("mine"));
            d->approve();
            QVERIFY(done.wait(10000));
            QVERIFY(!done.at(1).at(0).toBool());
            QVERIFY2(d->correctionMessage().contains(QStringLiteral("four-eyes")), qPrintable(d->correctionMessage()));
        }
        QCOMPARE(
            countSql(tw.path(), QStringLiteral("SELECT count(*) FROM correction WHERE status = 'awaiting_approval'")),
            1);
        {
            Rig r;
            QVERIFY(r.start(tw.locationAs("abe"), "abe"));
            QVERIFY(selectException(r, ex));
            ExceptionDetailPane* d = r.view->detail();
            QVERIFY(d->fourEyesText().contains(QStringLiteral("awaiting approval")));
            QVERIFY(d->approveButton()->isEnabled());
            d->decisionReasonEdit()->setText(QStringLiteral("confirmed with the plant"));
            QSignalSpy done(d, &ExceptionDetailPane::actionFinished);
            QTRY_VERIFY(d->approveButton()->isVisible()); // the pane shows the pending correction
            QTest::mouseClick(d->approveButton(), Qt::LeftButton);
            QVERIFY(done.wait(10000));
            QVERIFY2(done.at(0).at(0).toBool(), qPrintable(done.at(0).at(1).toString()));
            QTRY_VERIFY(d->fourEyesText().contains(QStringLiteral("applied")));
        }
        RawConnection raw(tw.path());
        QCOMPARE(scalar(raw.db(), QStringLiteral("SELECT status || '/' || decided_by FROM correction")).toString(),
            QStringLiteral("applied/abe"));
    }
};

QTEST_MAIN(TestExceptionsView)
#include "tst_exceptionsview.moc"
