// mdsyncctl: the MDSync command line and headless sync core.
#include "cli.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstring>
#include <memory>

int main(int argc, char* argv[])
{
    // Rendering the PDF audit report (export-audit --pdf) needs a QGuiApplication; everything else runs on
    // QCoreApplication. Headless by default: the offscreen platform unless QT_QPA_PLATFORM says otherwise.
    bool pdf = false;
    for (int i = 1; i < argc; ++i)
        pdf = pdf || std::strcmp(argv[i], "--pdf") == 0;
    std::unique_ptr<QCoreApplication> app;
    if (pdf) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("mdsyncctl"));
    QCoreApplication::setOrganizationName(QStringLiteral("MDSync"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("mdsync.example.org"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MDSYNC_VERSION));
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    return mdsync::cli::run(args);
}
