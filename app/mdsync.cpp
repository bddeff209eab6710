// mdsync: the control tower GUI with the embedded sync core.
//
//   mdsync [WORKSPACE | --workspace PATH]     open a workspace (default: the last one)
//   mdsync --demo [--workspace PATH]          the live demo: simulated systems and traffic
//   --screenshot FILE [--view NAME|all|welcome] [--screenshot-delay S]
//                                             render a view (or every view: FILE-<view>.png) to PNG and quit
//   --lang LANG                               the UI language (en, de, fr; default: setting, then system)
#include "appcontext.h"
#include "demo/livedemo.h"
#include "i18n.h"
#include "mainwindow.h"
#include "store/workspaceuri.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>

using namespace mdsync;
using namespace mdsync::ui;

namespace {

// Renders the requested views one after the other, each once it shows data (bounded wait), then quits.
class ScreenshotRun final : public QObject
{
public:
    ScreenshotRun(MainWindow* w, QString file, QStringList views, int delayMs)
        : m_w(w)
        , m_file(std::move(file))
        , m_views(std::move(views))
        , m_delayMs(delayMs)
    {
        connect(
            w, &MainWindow::workspaceOpened, this, [this] { QTimer::singleShot(m_delayMs, this, [this] { next(); }); });
        connect(w, &MainWindow::coreFailed, this, [](const QString& m) {
            std::fprintf(stderr, "mdsync: %s\n", qPrintable(m));
            QApplication::exit(1);
        });
    }

private:
    void next()
    {
        if (m_views.isEmpty()) {
            QApplication::exit(m_failed ? 1 : 0);
            return;
        }
        const QString id = m_views.takeFirst();
        if (!m_w->view(id)) {
            std::fprintf(stderr, "mdsync: no view '%s' (views: %s)\n", qPrintable(id),
                qPrintable(m_w->viewIds().join(QStringLiteral(", "))));
            m_failed = true;
            return next();
        }
        m_w->showView(id);
        m_waitedMs = 0;
        waitReady(id);
    }

    void waitReady(const QString& id)
    {
        ControlTowerView* v = m_w->view(id);
        if (!v->isReady() && m_waitedMs < 15000) {
            m_waitedMs += 100;
            QTimer::singleShot(100, this, [this, id] { waitReady(id); });
            return;
        }
        // Let the last rows and charts paint.
        QTimer::singleShot(700, this, [this, id] {
            const QString target = m_single ? m_file : withSuffix(id);
            if (!m_w->grab().save(target)) {
                std::fprintf(stderr, "mdsync: cannot write %s\n", qPrintable(target));
                m_failed = true;
            } else {
                std::printf("mdsync: %s view saved to %s\n", qPrintable(id), qPrintable(target));
                std::fflush(stdout);
            }
            next();
        });
    }

    QString withSuffix(const QString& id) const
    {
        QFileInfo fi(m_file);
        const QString base = fi.completeBaseName().isEmpty() ? QStringLiteral("mdsync") : fi.completeBaseName();
        const QString ext = fi.suffix().isEmpty() ? QStringLiteral("png") : fi.suffix();
        return fi.dir().filePath(QStringLiteral("%1-%2.%3").arg(base, id, ext));
    }

public:
    bool m_single = true;

private:
    MainWindow* m_w;
    QString m_file;
    QStringList m_views;
    int m_delayMs;
    int m_waitedMs = 0;
    bool m_failed = false;
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    mdsync::registerLiveDemo(); // File > Open the live demo, and --demo (mdsync_demo)
    QApplication::setApplicationName(QStringLiteral("mdsync"));
    QApplication::setApplicationDisplayName(QStringLiteral("MDSync Control Tower"));
    QApplication::setOrganizationName(QStringLiteral("MDSync"));
    QApplication::setOrganizationDomain(QStringLiteral("mdsync.example.org"));
    QApplication::setApplicationVersion(QStringLiteral(MDSYNC_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.example.mdsync"));

    // The language must be known before any translated text (the option help included) is built.
    QString requestedLang;
    const QStringList args = QApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--lang") && i + 1 < args.size())
            requestedLang = args[i + 1];
        else if (args[i].startsWith(QLatin1String("--lang=")))
            requestedLang = args[i].mid(7);
    }
    const LanguageChoice lang = installTranslations(requestedLang);
    if (!lang.warning.isEmpty())
        std::fprintf(stderr, "mdsync: %s\n", qPrintable(lang.warning));

    QCommandLineParser p;
    p.setApplicationDescription(QApplication::translate("main", "MDSync Control Tower"));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
        QApplication::translate(
            "main", "Run the live demo (simulated systems and traffic) in a fresh demo workspace."));
    const QCommandLineOption workspace(QStringLiteral("workspace"),
        QApplication::translate("main", "The workspace file to open (or, with --demo, to create)."),
        QStringLiteral("path"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QApplication::translate("main", "Render the view to this PNG file and quit."), QStringLiteral("file"));
    const QCommandLineOption viewOpt(QStringLiteral("view"),
        QApplication::translate("main",
            "The view to show: dashboard, matrix, lineage, exceptions, policies, audit, alerts,"
            " or all (with --screenshot: one file per view); welcome is the first-run page."),
        QStringLiteral("name"), QStringLiteral("dashboard"));
    const QCommandLineOption delay(QStringLiteral("screenshot-delay"),
        QApplication::translate("main", "Seconds of live traffic before the screenshot (default 8 with --demo)."),
        QStringLiteral("seconds"));
    const QCommandLineOption seed(QStringLiteral("seed"), QApplication::translate("main", "Seed of the demo traffic."),
        QStringLiteral("n"), QStringLiteral("2026"));
    const QCommandLineOption langOpt(QStringLiteral("lang"),
        QApplication::translate(
            "main", "The user interface language (en, de, fr); default: the saved choice, else the system's."),
        QStringLiteral("language"));
    const QCommandLineOption listen(QStringLiteral("listen"),
        QApplication::translate("main",
            "Run the webhook (POST /events) of the opened workspace on this loopback port, like mdsyncctl run"
            " --listen; the token comes from the environment variable MDSYNC_WEBHOOK_TOKEN."),
        QStringLiteral("port"));
    const QCommandLineOption inbox(QStringLiteral("inbox"),
        QApplication::translate(
            "main", "Watch this folder for change-event files for the opened workspace, like mdsyncctl run --inbox."),
        QStringLiteral("folder"));
    p.addOptions({ demo, workspace, screenshot, viewOpt, delay, seed, langOpt, listen, inbox });
    p.addPositionalArgument(QStringLiteral("workspace"), QApplication::translate("main", "The workspace to open."));
    p.process(app);

    MainWindow w;
    std::unique_ptr<ScreenshotRun> shot;
    if (p.isSet(screenshot)) {
        const QString v = p.value(viewOpt);
        const QStringList views = v == QLatin1String("all") ? w.viewIds() : QStringList { v };
        bool ok = true;
        const double seconds = p.value(delay).isEmpty() ? (p.isSet(demo) ? 8.0 : 1.0) : p.value(delay).toDouble(&ok);
        if (!ok || seconds < 0) {
            std::fprintf(stderr, "mdsync: --screenshot-delay takes seconds, got '%s'\n", qPrintable(p.value(delay)));
            return 2;
        }
        shot = std::make_unique<ScreenshotRun>(&w, p.value(screenshot), views, static_cast<int>(seconds * 1000));
        shot->m_single = views.size() == 1;
    } else if (p.isSet(viewOpt)) {
        QObject::connect(&w, &MainWindow::workspaceOpened, &w, [&w, v = p.value(viewOpt)] { w.showView(v); });
    }

    QString path = p.value(workspace);
    if (path.isEmpty() && !p.positionalArguments().isEmpty())
        path = p.positionalArguments().first();
    CoreServiceOptions o;
    o.seed = p.value(seed).toUInt();
    // Ingress of the embedded core (a real workspace; the demo has its own traffic).
    if (p.isSet(listen)) {
        bool ok = false;
        const uint port = p.value(listen).toUInt(&ok);
        if (!ok || port > 65535) {
            std::fprintf(
                stderr, "mdsync: --listen takes a TCP port (0-65535), got '%s'\n", qPrintable(p.value(listen)));
            return 2;
        }
        InboundOptions io;
        io.port = static_cast<quint16>(port);
        io.token = qgetenv("MDSYNC_WEBHOOK_TOKEN");
        if (io.token.isEmpty()) {
            std::fprintf(stderr,
                "mdsync: --listen needs the webhook token in the environment variable"
                " MDSYNC_WEBHOOK_TOKEN\n");
            return 2;
        }
        o.webhook = io;
    }
    if (p.isSet(inbox)) {
        FileInboxOptions fo;
        fo.folder = QFileInfo(p.value(inbox)).absoluteFilePath();
        o.inbox = fo;
    }
    const bool shared = WorkspaceLocation::looksLikePostgres(path);
    if (shared && p.isSet(demo)) {
        std::fprintf(stderr, "mdsync: --demo runs on a workspace file, not on %s\n", qPrintable(redactLocation(path)));
        return 2;
    }
    if (shared) {
        // A shared workspace (docs/DEPLOYMENT.md): the core opens it; a password in the location is refused there.
        o.workspacePath = path;
        w.openWorkspace(o);
    } else if (p.isSet(demo)) {
        o.demo = true;
        o.workspacePath = path.isEmpty() ? MainWindow::defaultDemoPath() : QFileInfo(path).absoluteFilePath();
        w.openWorkspace(o);
    } else if (!path.isEmpty()) {
        if (!QFileInfo::exists(path)) {
            std::fprintf(stderr, "mdsync: %s does not exist (mdsyncctl init creates a workspace)\n", qPrintable(path));
            return 2;
        }
        o.workspacePath = QFileInfo(path).absoluteFilePath();
        w.openWorkspace(o);
    } else if (!p.isSet(screenshot)) {
        const QString last = QSettings().value(QStringLiteral("workspace/last")).toString();
        if (!last.isEmpty() && QFileInfo::exists(last)) {
            o.workspacePath = last;
            w.openWorkspace(o);
        }
    } else if (p.value(viewOpt) == QLatin1String("welcome")) {
        // The first-run page: no workspace needed.
        shot.reset();
        QTimer::singleShot(500, &w, [&w, file = p.value(screenshot)] {
            const bool saved = w.grab().save(file);
            std::fprintf(saved ? stdout : stderr,
                saved ? "mdsync: welcome page saved to %s\n" : "mdsync: cannot write %s\n", qPrintable(file));
            QApplication::exit(saved ? 0 : 1);
        });
    } else {
        std::fprintf(stderr, "mdsync: --screenshot needs --demo, a workspace or --view welcome\n");
        return 2;
    }
    if (p.isSet(screenshot))
        w.show(); // the size the screenshots are made for (docs/)
    else
        w.showAsLastTime();
    return app.exec();
}
