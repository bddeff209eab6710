// mdsyncctl: the MDSync command line and headless sync core.
#include "cli.h"

#include <QCoreApplication>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mdsyncctl"));
    QCoreApplication::setOrganizationName(QStringLiteral("MDSync"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("mdsync.example.org"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MDSYNC_VERSION));
    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    return mdsync::cli::run(args);
}
