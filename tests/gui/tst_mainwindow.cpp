// The main window's first-run experience and help: the welcome page's three ways in and its recent list,
// creating a workspace from a landscape file (a bad file is refused with the file named and nothing is
// created; a good one is created and opened), the new-workspace dialog's checks, and F1 opening the help
// page of the current view.

#include "appcontext.h"
#include "helppages.h"
#include "mainwindow.h"
#include "newworkspacedialog.h"
#include "views/mappingeditor.h"
#include "welcomepage.h"

#include <QComboBox>
#include <QCommandLinkButton>
#include <QDialogButtonBox>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::ui;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            return {};
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MDSyncTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void welcomePageOffersThreeWaysIn()
    {
        {
            MainWindow w; // shows the welcome page while no workspace is open
            QVERIFY(w.welcomePage());
            QVERIFY(!w.currentView());
        }
        // On its own, so its buttons do not open the window's modal dialogs.
        WelcomePage welcome;
        WelcomePage* page = &welcome;
        QVERIFY(!page->demoButton()->text().isEmpty());
        QVERIFY(!page->createButton()->text().isEmpty());
        QVERIFY(!page->openButton()->text().isEmpty());
        QSignalSpy create(page, &WelcomePage::createRequested);
        QSignalSpy open(page, &WelcomePage::openRequested);
        QSignalSpy recent(page, &WelcomePage::recentRequested);
        page->createButton()->click();
        page->openButton()->click();
        QCOMPARE(create.count(), 1);
        QCOMPARE(open.count(), 1);
        // The recent list shows what was opened before, newest first; activating an entry asks to open it.
        page->setRecent({ QStringLiteral("/plants/p100.mdsync"), QStringLiteral("/plants/p200.mdsync") });
        QCOMPARE(page->recentList()->count(), 2);
        QVERIFY(page->recentList()->item(0)->text().contains(QLatin1String("p100")));
        Q_EMIT page->recentList()->itemActivated(page->recentList()->item(1));
        QCOMPARE(recent.count(), 1);
        QCOMPARE(recent.at(0).at(0).toString(), QStringLiteral("/plants/p200.mdsync"));
        page->setRecent({});
        QCOMPARE(page->recentList()->count(), 0);
        QVERIFY(page->recentList()->isHidden());
    }

    // The first run opens maximised; later runs where and as large as the window was when it was closed.
    void windowOpensMaximisedFirstThenAsLastClosed()
    {
        QSettings().remove(QStringLiteral("window/geometry"));
        {
            MainWindow first;
            first.showAsLastTime();
            QVERIFY(first.windowState().testFlag(Qt::WindowMaximized));
            first.showNormal();
            first.setGeometry(60, 70, 900, 640);
            QVERIFY(QTest::qWaitForWindowExposed(&first));
            QVERIFY(first.close()); // saves the geometry
        }
        MainWindow second;
        second.showAsLastTime();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        QVERIFY(!second.windowState().testFlag(Qt::WindowMaximized));
        QCOMPARE(second.size(), QSize(900, 640));
        second.close();
    }

    void newWorkspaceDialogChecksItsFields()
    {
        NewWorkspaceDialog d;
        QPushButton* ok = d.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!d.problem().isEmpty());
        QVERIFY(!ok->isEnabled());
        d.setWorkspacePath(m_dir.filePath(QStringLiteral("x.mdsync")));
        QVERIFY2(d.problem().isEmpty(), qPrintable(d.problem()));
        QVERIFY(ok->isEnabled());
        QVERIFY(d.landscapePath().isEmpty()); // the built-in landscape
        d.setLandscapePath(QStringLiteral("/tmp/site.json"));
        QCOMPARE(d.landscapePath(), QDir::toNativeSeparators(QStringLiteral("/tmp/site.json")));
        d.setLandscapePath({});
        QVERIFY(!d.problem().isEmpty()); // "a landscape file" chosen but none given
        QVERIFY(!ok->isEnabled());
    }

    void badLandscapeIsRefusedAndNothingIsCreated()
    {
        const QString landscape = writeFile(QStringLiteral("broken-landscape.json"), "{ \"systems\": [ { \"id\": ");
        QVERIFY(!landscape.isEmpty());
        const QString target = m_dir.filePath(QStringLiteral("bad.mdsync"));
        MainWindow w;
        QSignalSpy failed(&w, &MainWindow::workspaceCreateFailed);
        QSignalSpy opened(&w, &MainWindow::workspaceOpened);
        w.createWorkspace(target, landscape);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(QLatin1String("broken-landscape.json")), qPrintable(message));
        QCOMPARE(opened.count(), 0);
        QVERIFY(!QFile::exists(target));
    }

    void landscapeFileMakesAWorkspaceThatOpens()
    {
        // A landscape file of the user's: here a copy of the built-in one.
        QFile builtin(QStringLiteral(":/mdsync/landscape/default-landscape.json"));
        QVERIFY(builtin.open(QIODevice::ReadOnly));
        const QString landscape = writeFile(QStringLiteral("site-landscape.json"), builtin.readAll());
        QVERIFY(!landscape.isEmpty());
        const QString target = m_dir.filePath(QStringLiteral("site.mdsync"));
        MainWindow w;
        QSignalSpy failed(&w, &MainWindow::workspaceCreateFailed);
        QSignalSpy opened(&w, &MainWindow::workspaceOpened);
        w.createWorkspace(target, landscape);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 15000);
        QCOMPARE(failed.count(), 0);
        QCOMPARE(opened.at(0).at(0).toString(), target);
        QVERIFY(QFile::exists(target));
        QVERIFY(w.currentView());
        // It is remembered: the recent list of the welcome page and the last workspace.
        QCOMPARE(QSettings().value(QStringLiteral("workspace/last")).toString(), target);
        QCOMPARE(w.welcomePage()->recentList()->item(0)->data(Qt::UserRole).toString(), target);

        // F1 opens the help page of the view being shown.
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.showView(QStringLiteral("exceptions"));
        QTest::keyClick(&w, Qt::Key_F1);
        QVERIFY(w.helpWindow());
        QTRY_VERIFY(w.helpWindow()->isVisible());
        QCOMPARE(w.helpWindow()->currentPage(), QStringLiteral("exceptions"));
        w.showView(QStringLiteral("lineage"));
        QTest::keyClick(&w, Qt::Key_F1);
        QCOMPARE(w.helpWindow()->currentPage(), QStringLiteral("lineage"));
        // Ctrl+7: the alerts view, listed in the navigator; F1 there shows its page.
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_7, Qt::ControlModifier);
        QTRY_COMPARE(w.currentView()->viewId(), QStringLiteral("alerts"));
        QTest::keyClick(&w, Qt::Key_F1);
        QCOMPARE(w.helpWindow()->currentPage(), QStringLiteral("alerts"));

        // Ctrl+M: the mapping editor, a window of its own; the policies view's "Edit mapping…" (a navigator request)
        // shows it on that subscription's contract. Closing the workspace closes it.
        QTest::keyClick(&w, Qt::Key_M, Qt::ControlModifier);
        QTRY_VERIFY(w.mappingEditor() && w.mappingEditor()->isVisible());
        Q_EMIT w.navigator()->mappingEditorRequested(QStringLiteral("location"), QStringLiteral("WMS-P100"));
        QTRY_COMPARE_WITH_TIMEOUT(w.mappingEditor()->findChild<QComboBox*>(QStringLiteral("domainBox"))->currentText(),
            QStringLiteral("location"), 10000);
        QCOMPARE(w.mappingEditor()->findChild<QComboBox*>(QStringLiteral("targetBox"))->currentText(),
            QStringLiteral("WMS-P100"));
        QTRY_VERIFY(w.mappingEditor()->fieldTable()->rowCount() > 3);
        w.closeWorkspace();
        QVERIFY(!w.mappingEditor());
    }

    void helpPagesCoverEveryViewAndLinkToEachOther()
    {
        MainWindow w;
        for (const QString& id : w.viewIds()) {
            QVERIFY2(HelpPages::ids().contains(id), qPrintable(id));
            const QString html = HelpPages::html(id);
            QVERIFY2(html.contains(HelpPages::title(id).toHtmlEscaped()), qPrintable(id));
            QVERIFY2(html.size() > 300, qPrintable(id));
        }
        QVERIFY(HelpPages::ids().contains(QStringLiteral("mapping"))); // the mapping editor's page (F1 there)
        QVERIFY(HelpPages::html(QStringLiteral("mapping")).contains(HelpPages::title(QStringLiteral("mapping"))));
        HelpWindow help;
        help.showPage(QStringLiteral("matrix"));
        QCOMPARE(help.currentPage(), QStringLiteral("matrix"));
        QVERIFY(help.currentHtml().contains(QLatin1String("help:shortcuts")));
        help.showPage(QStringLiteral("no-such-page"));
        QCOMPARE(help.currentPage(), QStringLiteral("welcome"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
