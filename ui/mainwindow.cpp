#include "mainwindow.h"

#include "access/roles.h"
#include "appcontext.h"
#include "corecontroller.h"
#include "dbreader.h"
#include "engine/embeddedcore.h"
#include "helppages.h"
#include "i18n.h"
#include "newworkspacedialog.h"
#include "sharedworkspacedialog.h"
#include "store/workspaceuri.h"
#include "views/alertsview.h"
#include "views/auditview.h"
#include "views/dashboardview.h"
#include "views/exceptionsview.h"
#include "views/lineageview.h"
#include "views/mappingeditor.h"
#include "views/matrixview.h"
#include "views/policiesview.h"
#include "welcomepage.h"
#include "widgets/statusstyle.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QThreadPool>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

namespace mdsync::ui {

namespace {

constexpr int kMaxRecent = 8;

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("MDSync Control Tower"));
    setWindowIcon(uiIcon(QStringLiteral("app")));
    m_nav = new Navigator(this);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_navList = new QListWidget(central);
    m_navList->setIconSize(QSize(22, 22));
    m_navList->setFixedWidth(168);
    m_navList->setFrameShape(QFrame::NoFrame);
    m_navList->setSpacing(2);
    m_stack = new QStackedWidget(central);
    layout->addWidget(m_navList);
    m_navList->hide(); // until a workspace is open
    layout->addWidget(m_stack, 1);
    setCentralWidget(central);
    m_welcome = new WelcomePage(this);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::openDemo);
    connect(m_welcome, &WelcomePage::createRequested, this, &MainWindow::createDialog);
    connect(m_welcome, &WelcomePage::openRequested, this, &MainWindow::openDialog);
    connect(m_welcome, &WelcomePage::openSharedRequested, this, &MainWindow::openSharedDialog);
    connect(m_welcome, &WelcomePage::recentRequested, this, &MainWindow::openRecent);
    m_stack->addWidget(m_welcome);
    connect(m_navList, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_views.size())
            showView(m_views[row]->viewId());
    });

    m_workspaceLabel = new QLabel(this);
    m_coreLabel = new QLabel(this);
    m_backlogLabel = new QLabel(this);
    m_exceptionsLabel = new QLabel(this);
    statusBar()->addWidget(m_workspaceLabel, 1);
    statusBar()->addPermanentWidget(m_backlogLabel);
    statusBar()->addPermanentWidget(m_exceptionsLabel);
    statusBar()->addPermanentWidget(m_coreLabel);

    buildMenus();

    connect(m_nav, &Navigator::viewRequested, this, &MainWindow::showView);
    connect(m_nav, &Navigator::objectRequested, this, [this](const QString& domain, const QString& key) {
        if (auto* v = qobject_cast<LineageView*>(view(QStringLiteral("lineage")))) {
            showView(v->viewId());
            v->showObject(domain, key);
        }
    });
    connect(m_nav, &Navigator::exceptionsRequested, this, [this](const QVariantMap& f) {
        if (auto* v = qobject_cast<ExceptionsView*>(view(QStringLiteral("exceptions")))) {
            showView(v->viewId());
            v->applyFilter(f);
        }
    });
    connect(m_nav, &Navigator::matrixRequested, this, [this](const QVariantMap& f) {
        if (auto* v = qobject_cast<MatrixView*>(view(QStringLiteral("matrix")))) {
            showView(v->viewId());
            v->applyFilter(f);
        }
    });
    connect(m_nav, &Navigator::mappingEditorRequested, this,
        [this](const QString& domain, const QString& target) { openMappingEditor(domain, target); });
    connect(m_nav, &Navigator::auditRequested, this, [this](const QVariantMap& f) {
        if (auto* v = qobject_cast<AuditView*>(view(QStringLiteral("audit")))) {
            showView(v->viewId());
            v->applyFilter(f);
        }
    });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(uiIcon(QStringLiteral("app")), this);
        m_tray->setToolTip(tr("MDSync Control Tower"));
        m_tray->show();
    }

    QSettings settings;
    m_geometryRestored = restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    if (!m_geometryRestored)
        resize(1440, 900); // what un-maximising a first-run window gives
    updateStatus();
}

MainWindow::~MainWindow()
{
    closeWorkspace();
}

QString MainWindow::defaultDemoPath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty())
        dir = QDir::tempPath();
    QDir().mkpath(dir);
    return QDir(dir).filePath(QStringLiteral("mdsync-demo.mdsync"));
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open the &live demo"), this, &MainWindow::openDemo);
    file->addAction(tr("&New workspace…"), QKeySequence::New, this, &MainWindow::createDialog);
    file->addAction(tr("&Open workspace…"), QKeySequence::Open, this, &MainWindow::openDialog);
    file->addAction(tr("Open &shared workspace…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
        &MainWindow::openSharedDialog);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    file->addAction(tr("&Close workspace"), this, &MainWindow::closeWorkspace);
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    updateRecentMenu();

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    const QStringList ids = viewIds();
    const QStringList names = { tr("&Dashboard"), tr("&Propagation matrix"), tr("&Lineage"), tr("&Exceptions"),
        tr("P&olicies"), tr("&Audit"), tr("A&lerts") };
    for (int i = 0; i < ids.size(); ++i) {
        QAction* a = viewMenu->addAction(names[i], this, [this, id = ids[i]] { showView(id); });
        a->setShortcut(QKeySequence(Qt::CTRL | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    viewMenu->addSeparator();
    m_mappingAction = viewMenu->addAction(tr("&Mapping editor…"), this, [this] { openMappingEditor(); });
    m_mappingAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_mappingAction->setEnabled(false);
    viewMenu->addSeparator();
    viewMenu->addMenu(createLanguageMenu(this));

    QMenu* core = menuBar()->addMenu(tr("&Core"));
    core->setToolTipsVisible(true); // says why sending cannot be paused here on a shared workspace
    m_pauseAction = core->addAction(tr("&Pause sending"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setEnabled(false);
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) {
        if (m_core)
            m_core->setSendingPaused(paused);
    });

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    m_helpAction = help->addAction(tr("&Help for this view"), this, [this] { showHelp(); });
    m_helpAction->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&Keyboard shortcuts"), this, [this] { showHelp(QStringLiteral("shortcuts")); });
    help->addSeparator();
    help->addAction(tr("&About MDSync"), this, [this] {
        QMessageBox::about(this, tr("About MDSync"),
            tr("<h3>MDSync Control Tower %1</h3><p>Governed master data synchronisation for manufacturers:"
               " PLM, ERP, MES, WMS and more, with stewardship and audit.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

QStringList MainWindow::viewIds() const
{
    return { QStringLiteral("dashboard"), QStringLiteral("matrix"), QStringLiteral("lineage"),
        QStringLiteral("exceptions"), QStringLiteral("policies"), QStringLiteral("audit"), QStringLiteral("alerts") };
}

void MainWindow::buildViews()
{
    AppContext ctx { m_core.get(), m_reader.get(), m_nav };
    m_views = { new DashboardView(ctx, m_stack), new MatrixView(ctx, m_stack), new LineageView(ctx, m_stack),
        new ExceptionsView(ctx, m_stack), new PoliciesView(ctx, m_stack), new AuditView(ctx, m_stack),
        new AlertsView(ctx, m_stack) };
    static const char* const icons[]
        = { "dashboard", "matrix", "lineage", "exceptions", "policies", "audit", "alerts" };
    m_navList->clear();
    for (int i = 0; i < m_views.size(); ++i) {
        m_stack->addWidget(m_views[i]);
        auto* item = new QListWidgetItem(uiIcon(QLatin1String(icons[i])), m_views[i]->title(), m_navList);
        item->setSizeHint(QSize(150, 36));
    }
    m_navList->show();
    m_mappingAction->setEnabled(true);
}

void MainWindow::openMappingEditor(const QString& domain, const QString& target)
{
    if (!m_core || !m_reader || m_views.isEmpty())
        return;
    if (!m_mappingEditor) {
        m_mappingEditor = new MappingEditor(AppContext { m_core.get(), m_reader.get(), m_nav }, this);
        m_mappingEditor->setAttribute(Qt::WA_DeleteOnClose);
    }
    if (!domain.isEmpty() || !target.isEmpty())
        m_mappingEditor->selectContract(domain, target);
    m_mappingEditor->show();
    m_mappingEditor->raise();
    m_mappingEditor->activateWindow();
}

MappingEditor* MainWindow::mappingEditor() const
{
    return m_mappingEditor.data();
}

ControlTowerView* MainWindow::view(const QString& id) const
{
    for (ControlTowerView* v : m_views)
        if (v->viewId() == id)
            return v;
    return nullptr;
}

ControlTowerView* MainWindow::currentView() const
{
    return qobject_cast<ControlTowerView*>(m_stack->currentWidget());
}

void MainWindow::showView(const QString& id)
{
    ControlTowerView* v = view(id);
    if (!v)
        return;
    const int row = static_cast<int>(m_views.indexOf(v));
    if (m_navList->currentRow() != row) {
        const QSignalBlocker block(m_navList);
        m_navList->setCurrentRow(row);
    }
    if (m_stack->currentWidget() != v) {
        m_stack->setCurrentWidget(v);
        v->activate();
    }
}

void MainWindow::openWorkspace(CoreServiceOptions options)
{
    closeWorkspace();
    if (options.actor.empty())
        options.actor = osLogin();
    m_reader = std::make_unique<DbReader>(options.workspacePath);
    m_core = std::make_unique<CoreController>(options);
    connect(m_core.get(), &CoreController::statusChanged, this, &MainWindow::updateStatus);
    connect(m_core.get(), &CoreController::stateChanged, this, &MainWindow::updateStatus);
    connect(m_core.get(), &CoreController::alertsFired, this, &MainWindow::notifyAlerts);
    connect(m_core.get(), &CoreController::message, this, [this](const QString& line, bool problem) {
        statusBar()->showMessage(problem ? tr("Core: %1").arg(line) : line, problem ? 15000 : 5000);
    });
    connect(m_core.get(), &CoreController::failed, this, [this](const QString& message) {
        Q_EMIT coreFailed(message);
        statusBar()->showMessage(tr("Core: %1").arg(message));
        if (!m_core || !m_core->isRunning())
            QMessageBox::warning(this, tr("MDSync core"), message);
    });
    connect(m_core.get(), &CoreController::started, this, [this](const QString& path, const QStringList& notes) {
        // The views read the workspace only once the core has it open (the demo creates it first).
        buildViews();
        showView(QStringLiteral("dashboard"));
        rememberWorkspace(path);
        if (m_core->isShared())
            SharedWorkspaceDialog::remember(path);
        if (!notes.isEmpty())
            statusBar()->showMessage(notes.join(QStringLiteral("; ")), 15000);
        Q_EMIT workspaceOpened(path);
    });
    m_workspaceLabel->setText(QDir::toNativeSeparators(options.workspacePath));
    setWindowTitle(tr("%1 — MDSync Control Tower").arg(QFileInfo(options.workspacePath).fileName()));
    m_core->start();
    updateStatus();
}

void MainWindow::closeWorkspace()
{
    if (!m_core)
        return;
    delete m_mappingEditor; // it uses the core and the reader
    if (m_mappingAction)
        m_mappingAction->setEnabled(false);
    m_stack->setCurrentIndex(0);
    for (ControlTowerView* v : std::as_const(m_views)) {
        m_stack->removeWidget(v);
        delete v;
    }
    m_views.clear();
    m_navList->clear();
    m_navList->hide(); // the welcome page needs no navigation
    m_core.reset(); // shuts the core down on its thread
    m_reader.reset();
    m_workspaceLabel->clear();
    setWindowTitle(tr("MDSync Control Tower"));
    updateStatus();
}

void MainWindow::updateStatus()
{
    if (!m_core) {
        m_coreLabel->setText(tr("No workspace"));
        m_backlogLabel->clear();
        m_exceptionsLabel->clear();
        m_pauseAction->setEnabled(false);
        return;
    }
    QString state;
    switch (m_core->state()) {
    case CoreService::State::Stopped:
        state = tr("Core stopped");
        break;
    case CoreService::State::Starting:
        state = tr("Core starting…");
        break;
    case CoreService::State::Running:
        state = tr("Core running");
        break;
    case CoreService::State::Paused:
        state = tr("Core paused (not sending)");
        break;
    case CoreService::State::Failed:
        state = tr("Core failed");
        break;
    }
    if (m_core->isShared() && m_core->isRunning())
        state = tr("Shared workspace: deliveries sent by the workspace's service");
    m_coreLabel->setText(state);
    m_pauseAction->setEnabled(m_core->isRunning() && !m_core->isShared());
    m_pauseAction->setToolTip(m_core->isShared()
            ? tr("On a shared workspace the workspace's service (mdsyncctl run) sends the deliveries; a target is "
                 "paused for everyone with mdsyncctl pause --target")
            : QString());
    {
        const QSignalBlocker block(m_pauseAction);
        m_pauseAction->setChecked(m_core->state() == CoreService::State::Paused);
    }
    const LiveStatus& s = m_core->lastStatus();
    qint64 backlog = 0;
    for (const char* k : { "pending", "in_flight", "retry_wait", "held", "blocked_by_outage" })
        backlog += s.deliveriesIn(k);
    const qint64 open = s.openExceptions();
    m_backlogLabel->setText(tr("Backlog: %L1").arg(backlog));
    m_exceptionsLabel->setText(tr("Open exceptions: %L1").arg(open));
}

void MainWindow::notifyAlerts(const QList<FiredAlert>& alerts)
{
    if (alerts.isEmpty())
        return;
    const QString first = QString::fromStdString(alerts.front().message);
    const QString text
        = alerts.size() == 1 ? first : tr("%1 (and %n more)", nullptr, static_cast<int>(alerts.size()) - 1).arg(first);
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(tr("MDSync alert"), text, QSystemTrayIcon::Warning, 10000);
    else
        statusBar()->showMessage(tr("Alert: %1").arg(text), 15000);
}

void MainWindow::rememberWorkspace(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value(QStringLiteral("workspace/recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(QStringLiteral("workspace/recent"), recent);
    settings.setValue(QStringLiteral("workspace/last"), path);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("workspace/recent")).toStringList();
    for (const QString& path : recent) {
        m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openRecent(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
    m_welcome->setRecent(recent);
}

void MainWindow::openRecent(const QString& path)
{
    auto where = WorkspaceLocation::parse(path);
    if (where && where->isPostgres() && sessionPassword(where.value()).isEmpty()) {
        SharedWorkspaceDialog dialog(this);
        dialog.setLocation(path);
        if (dialog.exec() != QDialog::Accepted || dialog.location().isEmpty())
            return;
        CoreServiceOptions o;
        o.workspacePath = dialog.location();
        openWorkspace(o);
        return;
    }
    CoreServiceOptions o;
    o.workspacePath = path;
    openWorkspace(o);
}

void MainWindow::openSharedDialog()
{
    SharedWorkspaceDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted || dialog.location().isEmpty())
        return;
    CoreServiceOptions o;
    o.workspacePath = dialog.location();
    openWorkspace(o);
}

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open workspace"), QString(), tr("MDSync workspaces (*.mdsync);;All files (*)"));
    if (path.isEmpty())
        return;
    CoreServiceOptions o;
    o.workspacePath = path;
    openWorkspace(o);
}

void MainWindow::showHelp(const QString& page)
{
    if (!m_help)
        m_help = new HelpWindow(this);
    ControlTowerView* v = currentView();
    m_help->showPage(!page.isEmpty() ? page : v ? v->viewId() : QStringLiteral("welcome"));
    m_help->show();
    m_help->raise();
    m_help->activateWindow();
}

void MainWindow::createDialog()
{
    NewWorkspaceDialog d(this);
    if (d.exec() != QDialog::Accepted)
        return;
    createWorkspace(d.workspacePath(), d.landscapePath());
}

void MainWindow::createWorkspace(const QString& nativePath, const QString& nativeLandscape)
{
    const QString path = QFileInfo(QDir::fromNativeSeparators(nativePath)).absoluteFilePath();
    const QString landscape = QDir::fromNativeSeparators(nativeLandscape);
    // Creating writes the file: off the UI thread, then open it.
    const std::string actor = osLogin();
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, path, landscape, actor] {
        auto r = initWorkspace(path, {}, landscape, actor);
        const QString error = r ? QString() : r.error();
        QMetaObject::invokeMethod(
            qApp,
            [self, path, error] {
                if (!self)
                    return;
                if (!error.isEmpty()) {
                    auto* box = new QMessageBox(QMessageBox::Warning, tr("Create a workspace"),
                        tr("The workspace was not created."), QMessageBox::Ok, self);
                    box->setInformativeText(error);
                    box->setAttribute(Qt::WA_DeleteOnClose);
                    box->open();
                    Q_EMIT self->workspaceCreateFailed(error);
                    return;
                }
                CoreServiceOptions o;
                o.workspacePath = path;
                self->openWorkspace(o);
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::openDemo()
{
    CoreServiceOptions o;
    o.workspacePath = defaultDemoPath();
    o.demo = true;
    openWorkspace(o);
}

void MainWindow::showAsLastTime()
{
    if (m_geometryRestored)
        show();
    else
        showMaximized();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    closeWorkspace();
    event->accept();
}

} // namespace mdsync::ui
