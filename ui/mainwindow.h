#pragma once

// The control tower's main window: navigation between the views, the status bar with the core's state,
// backlog and open exceptions (live), workspace handling (open, create, live demo, recent files) and the
// desktop conventions (geometry and last workspace remembered, tray notifications for critical alerts).

#include "engine/coreservice.h"

#include <QMainWindow>
#include <QPointer>

#include <memory>

class QAction;
class QLabel;
class QListWidget;
class QMenu;
class QStackedWidget;
class QSystemTrayIcon;

namespace mdsync::ui {

class ControlTowerView;
class HelpWindow;
class MappingEditor;
class WelcomePage;
class CoreController;
class DbReader;
class Navigator;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a workspace (or, with options.demo, creates the live demo in options.workspacePath) and starts its
    // core. Any open workspace is closed first.
    void openWorkspace(CoreServiceOptions options);
    void closeWorkspace();
    // Shows the window as it was when it was last closed (size, position, maximised), or maximised on the first
    // run, when there is nothing to restore.
    void showAsLastTime();
    // Creates a workspace file from a landscape file (empty: the built-in one) off the UI thread, then opens
    // it; workspaceCreateFailed (and a message box) say why when it cannot.
    void createWorkspace(const QString& path, const QString& landscape);

    // The views by id: dashboard, matrix, lineage, exceptions, policies, audit, alerts.
    QStringList viewIds() const;
    ControlTowerView* view(const QString& id) const;
    void showView(const QString& id);
    // The mapping editor (a window of its own), on the contract of (domain, target) when given.
    void openMappingEditor(const QString& domain = {}, const QString& target = {});
    MappingEditor* mappingEditor() const;
    // The help window on a page (default: the current view's page; F1).
    void showHelp(const QString& page = {});
    HelpWindow* helpWindow() const { return m_help; }
    WelcomePage* welcomePage() const { return m_welcome; }
    ControlTowerView* currentView() const;
    CoreController* core() const { return m_core.get(); }
    DbReader* reader() const { return m_reader.get(); }
    Navigator* navigator() const { return m_nav; }

    // Where the live demo workspace goes by default (the user's data folder).
    static QString defaultDemoPath();

Q_SIGNALS:
    void workspaceOpened(const QString& path);
    void coreFailed(const QString& message);
    void workspaceCreateFailed(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void buildViews();
    void updateStatus();
    void updateRecentMenu();
    void rememberWorkspace(const QString& path);
    void openDialog();
    // File -> Open shared workspace…: a PostgreSQL workspace (SharedWorkspaceDialog).
    void openSharedDialog();
    // A recent workspace: a shared one whose password this session does not hold goes through the shared
    // workspace dialog (filled in, its password looked up in the desktop keyring); anything else opens at once.
    void openRecent(const QString& path);
    void createDialog();
    void openDemo();
    void notifyAlerts(const QList<mdsync::FiredAlert>& alerts);

    std::unique_ptr<CoreController> m_core;
    std::unique_ptr<DbReader> m_reader;
    Navigator* m_nav = nullptr;
    QListWidget* m_navList = nullptr;
    QStackedWidget* m_stack = nullptr;
    QList<ControlTowerView*> m_views;
    QLabel* m_coreLabel = nullptr;
    QLabel* m_backlogLabel = nullptr;
    QLabel* m_exceptionsLabel = nullptr;
    QLabel* m_workspaceLabel = nullptr;
    QAction* m_pauseAction = nullptr;
    QMenu* m_recentMenu = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    bool m_geometryRestored = false; // the size and place of the last session were restored
    WelcomePage* m_welcome = nullptr;
    HelpWindow* m_help = nullptr;
    QAction* m_helpAction = nullptr;
    QAction* m_mappingAction = nullptr;
    QPointer<MappingEditor> m_mappingEditor;
};

} // namespace mdsync::ui
