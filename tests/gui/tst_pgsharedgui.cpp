// Two stewards' GUIs on one shared PostgreSQL workspace (issue 15 item 4). Each runs its own CoreController (as
// the login that authenticated: gui_sa or gui_sb, passwords in a temporary pgpass file) with an exception backlog
// view. Neither dispatches; a change one of them commits reaches the other's view by LISTEN/NOTIFY within a
// second, with no polling (a quiet workspace announces nothing; a bare NOTIFY alone makes the view refresh).

#include "corecontroller.h"
#include "dbreader.h"
#include "mainwindow.h"
#include "models/exceptionsmodel.h"
#include "pgtestenv.h"
#include "sharedworkspacedialog.h"
#include "testutil.h"
#include "views/exceptioncommands.h"
#include "views/exceptionsview.h"
#include "workspacefixture.h"

#include <QCoreApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;

namespace {

QString uri(const QString& database, const QString& user = {})
{
    if (user.isEmpty())
        return QStringLiteral("postgresql:///") + database;
    return QStringLiteral("postgresql://") + user + QStringLiteral("@/") + database;
}

// One steward's GUI: core thread, reader, the exception backlog view.
struct Gui
{
    std::unique_ptr<CoreController> core;
    std::unique_ptr<DbReader> reader;
    Navigator nav;
    std::unique_ptr<ExceptionsView> view;

    bool start(const QString& location, const std::string& login)
    {
        CoreServiceOptions o;
        o.workspacePath = location;
        o.connectFromLandscape = false;
        o.actor = login;
        core = std::make_unique<CoreController>(o);
        QSignalSpy started(core.get(), &CoreController::started);
        QSignalSpy failed(core.get(), &CoreController::failed);
        core->start();
        if (!started.wait(15000)) {
            if (!failed.isEmpty())
                qWarning("%s", qPrintable(failed.first().first().toString()));
            return false;
        }
        reader = std::make_unique<DbReader>(location);
        view = std::make_unique<ExceptionsView>(AppContext { core.get(), reader.get(), &nav });
        view->resize(1400, 800);
        view->show();
        return true;
    }
    // Only exception `id` in the backlog, loaded.
    bool showOnly(qint64 id)
    {
        QVariantMap f;
        f.insert(QStringLiteral("id"), id);
        view->applyFilter(f);
        return QTest::qWaitFor(
            [&] {
                return view->model()->rowCount() == 1 && view->model()->idAt(0) == id
                    && view->model()
                           ->data(view->model()->index(0, ExceptionsModel::Id), PagedSqlModel::LoadedRole)
                           .toBool();
            },
            5000);
    }
    QString cell(int column) const { return view->model()->data(view->model()->index(0, column)).toString(); }
    // Runs a command and waits for its result.
    std::pair<bool, QString> run(CoreCommand command)
    {
        bool done = false, ok = false;
        QString error;
        core->submit(std::move(command), [&](bool k, const QString& e, const nlohmann::json& result) {
            done = true;
            ok = k;
            error = e;
            // Bulk commands report per item.
            if (ok && result.contains("failed") && result["failed"].get<int>() > 0) {
                ok = false;
                error = QString::fromStdString(result["items"][0].value("message", std::string()));
            }
        });
        if (!QTest::qWaitFor([&] { return done; }, 15000))
            return { false, QStringLiteral("timed out") };
        return { ok, error };
    }
    void stop()
    {
        view.reset();
        if (reader)
            reader->waitForIdle();
        reader.reset();
        core.reset();
    }
    ~Gui() { stop(); }
};

} // namespace

class TestPgSharedGui : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgsharedgui") };
    QTemporaryDir m_dir;
    QString m_db;

    QSqlDatabase workspaceDb()
    {
        const QString name = QStringLiteral("pgsharedgui-ws-") + m_db;
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name)
                                                       : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setDatabaseName(m_db);
        db.setUserName(QStringLiteral("postgres"));
        db.open();
        return db;
    }

    // An open exception of the workspace (the NPI scenario's WMS policy violation among them).
    qint64 openException()
    {
        return scalar(workspaceDb(), QStringLiteral("SELECT min(id) FROM exception WHERE status = 'open'"))
            .toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_pg.admin().isOpen(), qPrintable(m_pg.admin().lastError().text()));
        // Two logins of this test only (cluster-wide; kept between runs, their passwords renewed).
        const QString password = QString::number(QRandomGenerator::global()->generate64(), 36);
        QStringList lines;
        QFile old(qEnvironmentVariable("PGPASSFILE"));
        QVERIFY2(old.open(QIODevice::ReadOnly), qPrintable(old.fileName()));
        lines << QString::fromUtf8(old.readAll()).trimmed();
        for (const QString& login : { QStringLiteral("gui_sa"), QStringLiteral("gui_sb") }) {
            QSqlQuery q(m_pg.admin());
            QVERIFY2(q.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1')"
                                           " THEN CREATE ROLE %1 LOGIN; END IF; END $$")
                                .arg(login)),
                qPrintable(q.lastError().text()));
            QVERIFY2(q.exec(QStringLiteral("ALTER ROLE %1 LOGIN PASSWORD '%2'").arg(login, password)),
                qPrintable(q.lastError().text()));
            for (const QString& host : { QStringLiteral("127.0.0.1"), qEnvironmentVariable("MDSYNC_PG_DIR") })
                lines << QStringLiteral("%1:*:*:%2:%3").arg(host, login, password);
        }
        QFile pgpass(m_dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        QVERIFY(pgpass.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        pgpass.write((lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
        pgpass.close();
        qputenv("PGPASSFILE", QFile::encodeName(pgpass.fileName()));
    }

    // A fresh shared workspace per test: initialised by its owner (mdsync), both logins steward and approver,
    // the NPI scenario ingested (it leaves open exceptions).
    void init()
    {
        m_db = m_pg.create();
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), uri(m_db) });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
        for (const char* login : { "gui_sa", "gui_sb" })
            for (const char* role : { "steward", "approver" }) {
                const CtlResult g = runCtl({ QStringLiteral("--workspace"), uri(m_db), QStringLiteral("grant"),
                    QStringLiteral("--login"), QLatin1String(login), QStringLiteral("--role"), QLatin1String(role),
                    QStringLiteral("--reason"), QStringLiteral("MDM team") });
                QVERIFY2(g.exitCode == 0, qPrintable(show(g)));
            }
        const CtlResult ingest = runCtl({ QStringLiteral("--workspace"), uri(m_db), QStringLiteral("ingest"),
            sourcePath(QStringLiteral("tests/fixtures/data/npi-scenario.jsonl")) });
        QVERIFY2(ingest.exitCode == 0 || ingest.exitCode == 2, qPrintable(show(ingest)));
        QVERIFY(openException() > 0);
    }

    void cleanup()
    {
        for (const QString& name : QSqlDatabase::connectionNames())
            if (name.startsWith(QStringLiteral("pgsharedgui-ws-")))
                QSqlDatabase::removeDatabase(name);
        m_pg.dropAll();
    }

    void anAssignmentShowsInTheOtherGuiByNotify()
    {
        const qint64 id = openException();
        Gui a, b;
        QVERIFY(a.start(uri(m_db, QStringLiteral("gui_sa")), "gui_sa"));
        QVERIFY(b.start(uri(m_db, QStringLiteral("gui_sb")), "gui_sb"));
        QVERIFY(a.core->isShared() && b.core->isShared());
        QVERIFY(b.showOnly(id));
        QCOMPARE(b.cell(ExceptionsModel::Assignee), QString());

        // No polling: once the start-up announcements are over (bounded), with nobody acting, B's core announces
        // nothing for 1.5 s.
        QSignalSpy bChanged(b.core.get(), &CoreController::changed);
        for (int i = 0; i < 20; ++i) {
            bChanged.clear();
            QTest::qWait(500);
            if (bChanged.isEmpty())
                break;
        }
        QTest::qWait(1500);
        QCOMPARE(bChanged.count(), 0);

        // A assigns the exception to itself; B's backlog shows it within a second.
        const auto [ok, error] = a.run(exceptionAssignCommand({ id }, "gui_sa"));
        QVERIFY2(ok, qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(b.cell(ExceptionsModel::Assignee), QStringLiteral("gui_sa"), 1000);
        QVERIFY(bChanged.count() >= 1);

        // What moved B is the notice: a bare NOTIFY on the channel (no change at all) makes B's core announce.
        bChanged.clear();
        QSqlQuery q(workspaceDb());
        QVERIFY2(q.exec(QStringLiteral("SELECT pg_notify('mdsync_changed', 'exception')")),
            qPrintable(q.lastError().text()));
        QTRY_VERIFY_WITH_TIMEOUT(bChanged.count() >= 1, 1000);
    }

    // Both stewards discard the same exception at the same moment: one wins, the other is told who acted first
    // and when, and the discard is applied (and audited) once.
    void theSecondStewardIsToldWhoActedFirst()
    {
        const qint64 id = openException();
        Gui a, b;
        QVERIFY(a.start(uri(m_db, QStringLiteral("gui_sa")), "gui_sa"));
        QVERIFY(b.start(uri(m_db, QStringLiteral("gui_sb")), "gui_sb"));
        QVERIFY(b.showOnly(id));
        std::map<QString, std::pair<bool, QString>> outcome;
        int finished = 0;
        for (auto [gui, login] :
            { std::pair { &a, QStringLiteral("gui_sa") }, std::pair { &b, QStringLiteral("gui_sb") } })
            gui->core->submit(exceptionDiscardCommand({ id }, DiscardReason::Duplicate, "double entry"),
                [&outcome, &finished, login](bool ok, const QString& error, const nlohmann::json& result) {
                    ++finished;
                    QString message = error;
                    if (ok && result.value("failed", 0) > 0) {
                        ok = false;
                        message = QString::fromStdString(result["items"][0].value("message", std::string()));
                    }
                    outcome[login] = { ok, message };
                });
        QTRY_COMPARE_WITH_TIMEOUT(finished, 2, 15000);
        QVERIFY2(outcome[QStringLiteral("gui_sa")].first != outcome[QStringLiteral("gui_sb")].first,
            qPrintable(outcome[QStringLiteral("gui_sa")].second + QLatin1Char('|')
                + outcome[QStringLiteral("gui_sb")].second));
        const QString winner
            = outcome[QStringLiteral("gui_sa")].first ? QStringLiteral("gui_sa") : QStringLiteral("gui_sb");
        const QString loser = winner == QLatin1String("gui_sa") ? QStringLiteral("gui_sb") : QStringLiteral("gui_sa");
        const QString message = outcome[loser].second;
        QVERIFY2(
            message.startsWith(QStringLiteral("exception #%1 was already discarded by %2 at ").arg(id).arg(winner)),
            qPrintable(message));
        QCOMPARE(scalar(workspaceDb(),
                     QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'exception.discard' AND subject = "
                                    "'exception/%1'")
                         .arg(id))
                     .toInt(),
            1);
        // B's backlog shows the outcome.
        QTRY_COMPARE_WITH_TIMEOUT(
            b.view->model()->data(b.view->model()->index(0, 0), ExceptionsModel::RawStatusRole).toString(),
            QStringLiteral("discarded"), 1000);
    }

    // File -> Open shared workspace…: the fields make a location without a password, "Test connection" connects
    // for real and says as whom, a recent connection fills the fields again. With MDSYNC_SHOT_DIR set, the dialog
    // and a main window on the shared workspace are saved as PNGs there (docs/screenshot-shared-*.png).
    void openSharedWorkspaceDialog()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("mdsync-test-pgsharedgui"));
        QSettings().clear();
        SharedWorkspaceDialog dialog;
        dialog.show();
        QVERIFY(!dialog.testButton()->isEnabled()); // no database yet
        dialog.databaseEdit()->setText(m_db);
        dialog.userEdit()->setText(QStringLiteral("gui_sa"));
        QCOMPARE(dialog.location(), QStringLiteral("postgresql://gui_sa@/") + m_db);
        QVERIFY(dialog.testButton()->isEnabled());
        QSignalSpy tested(&dialog, &SharedWorkspaceDialog::tested);
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QVERIFY(tested.wait(15000));
        QVERIFY2(tested.first().at(0).toBool(), qPrintable(tested.first().at(1).toString()));
        QVERIFY2(tested.first().at(1).toString().contains(QStringLiteral(" as gui_sa: an MDSync workspace")),
            qPrintable(tested.first().at(1).toString()));
        // A database that is not there: the message says so and names it.
        dialog.databaseEdit()->setText(QStringLiteral("no_such_db"));
        tested.clear();
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        QVERIFY(tested.wait(15000));
        QVERIFY(!tested.first().at(0).toBool());
        QVERIFY2(tested.first().at(1).toString().contains(QStringLiteral("no_such_db")),
            qPrintable(tested.first().at(1).toString()));
        // Recent connections: the display form, refilled into the fields; a service replaces the fields.
        SharedWorkspaceDialog::remember(QStringLiteral("postgresql://gui_sa@/") + m_db);
        QCOMPARE(SharedWorkspaceDialog::recent(), QStringList { QStringLiteral("postgresql://gui_sa@/") + m_db });
        SharedWorkspaceDialog::remember(QStringLiteral("postgresql://gui_sa:secret@/") + m_db); // refused: password
        QCOMPARE(SharedWorkspaceDialog::recent().size(), 1);
        dialog.setLocation(QStringLiteral("postgresql://gui_sb@db.plant.example:5433/mdm"));
        QCOMPARE(dialog.hostEdit()->text(), QStringLiteral("db.plant.example"));
        QCOMPARE(dialog.location(), QStringLiteral("postgresql://gui_sb@db.plant.example:5433/mdm"));
        dialog.serviceEdit()->setText(QStringLiteral("mdm"));
        QCOMPARE(dialog.location(), QStringLiteral("service=mdm"));
        QVERIFY(!dialog.hostEdit()->isEnabled());

        const QString shots = qEnvironmentVariable("MDSYNC_SHOT_DIR");
        if (shots.isEmpty())
            return;
        // (The dialog's screenshot, docs/screenshot-shared-open.png, is tst_pgkeyring's: with a saved password.)
        ui::MainWindow w;
        w.resize(1440, 900);
        w.show();
        QSignalSpy opened(&w, &MainWindow::workspaceOpened);
        CoreServiceOptions o;
        o.workspacePath = uri(m_db, QStringLiteral("gui_sa"));
        o.connectFromLandscape = false;
        w.openWorkspace(o);
        QVERIFY(opened.wait(15000));
        w.showView(QStringLiteral("exceptions"));
        auto* view = qobject_cast<ExceptionsView*>(w.view(QStringLiteral("exceptions")));
        QVERIFY(view);
        QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 0
                && view->model()->data(view->model()->index(0, 0), PagedSqlModel::LoadedRole).toBool(),
            10000);
        QTest::qWait(500);
        QVERIFY(w.grab().save(shots + QStringLiteral("/screenshot-shared-exceptions.png")));
        w.closeWorkspace();
    }
};

QTEST_MAIN(TestPgSharedGui)
#include "tst_pgsharedgui.moc"
