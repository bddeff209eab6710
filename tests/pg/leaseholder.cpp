// mdsync_leaseholder <instance-id>: holds the dispatcher lease (store/dispatcherlease.h) for tst_pglease. Prints
// "active" when it holds the lock, "standby" when another session does (then takes over and prints "active"), and
// runs until killed. Connects with the PG* environment (no host/user/password set).
#include "store/dispatcherlease.h"

#include <QCoreApplication>
#include <QSqlDatabase>

#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: mdsync_leaseholder <instance-id>\n");
        return 2;
    }
    QSqlDatabase params = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("params"));
    mdsync::DispatcherLease lease(params, QString::fromLocal8Bit(argv[1]));
    lease.setCheckInterval(500);
    auto say = [](const char* s) {
        std::printf("%s\n", s);
        std::fflush(stdout);
    };
    QObject::connect(&lease, &mdsync::DispatcherLease::acquired, [&] { say("active"); });
    QObject::connect(&lease, &mdsync::DispatcherLease::lost, [&] {
        say("lost");
        QCoreApplication::exit(3);
    });
    const mdsync::Result<bool> r = lease.tryAcquire();
    if (!r.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(r.error()));
        return 1;
    }
    if (r.value()) {
        say("active");
    } else {
        say("standby");
        lease.startStandby(200);
    }
    return app.exec();
}
