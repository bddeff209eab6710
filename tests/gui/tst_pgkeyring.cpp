// Saved connections' passwords in the desktop keyring (issue 15 item 2): File -> Open shared workspace saves a
// typed password in a REAL Secret Service (gnome-keyring-daemon on a private D-Bus session, started by
// tests/gui/keyring-session.sh in temporary HOME/XDG folders), a new dialog finds it for the recent connection and
// the workspace opens with it, while pgpass cannot help (PGPASSFILE is an empty file): without the keyring's
// entry the connection is refused. The settings never hold the password; "Forget saved password" removes it; a
// saved password the server refuses is replaced. Run with MDSYNC_NO_KEYRING=1 and no session bus
// (tst_pgkeyring_nokeyring), the dialog says the keyring is not available and pgpass still serves.
// With MDSYNC_SHOT_DIR set, the dialog is saved as docs/screenshot-shared-open.png there.

#include "keyring.h"
#include "pgtestenv.h"
#include "sharedworkspacedialog.h"
#include "store/changefeed.h"
#include "store/workspace.h"
#include "store/workspaceuri.h"
#include "workspacefixture.h"

#include <QCheckBox>
#include <QComboBox>
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
#include <QTemporaryDir>
#include <QTest>

using namespace mdsync;
using namespace mdsync::test;
using namespace mdsync::ui;

namespace {

const QString kLogin = QStringLiteral("keyring_k");

QString show(const CtlResult& r)
{
    return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
        .arg(r.exitCode)
        .arg(QString::fromUtf8(r.out.left(2000)), QString::fromUtf8(r.err));
}

QString randomPassword()
{
    return QStringLiteral("k%1-%2").arg(QString::number(QRandomGenerator::global()->generate64(), 36),
        QString::number(QRandomGenerator::global()->generate64(), 36));
}

} // namespace

class TestPgKeyring : public QObject
{
    Q_OBJECT

    PgTestDatabases m_pg { QStringLiteral("pgkeyring") };
    QTemporaryDir m_dir;
    QString m_db;
    QString m_password;
    QByteArray m_fixturePgpass;

    QString location() const { return QStringLiteral("postgresql://") + kLogin + QStringLiteral("@/") + m_db; }
    WorkspaceLocation where() const { return WorkspaceLocation::parse(location()).value(); }
    bool noKeyring() const { return qEnvironmentVariableIsSet("MDSYNC_NO_KEYRING"); }

    // Picks the recent connection `text` in a dialog, as a user does, and waits for its keyring lookup.
    static bool pickRecent(SharedWorkspaceDialog& dialog, const QString& text, QSignalSpy& replied)
    {
        auto* combo = dialog.findChild<QComboBox*>();
        const int index = combo ? combo->findText(text) : -1;
        if (index < 0)
            return false;
        replied.clear();
        combo->setCurrentIndex(index);
        Q_EMIT combo->activated(index);
        return replied.wait(15000);
    }
    static bool test(SharedWorkspaceDialog& dialog, QString* message)
    {
        QSignalSpy tested(&dialog, &SharedWorkspaceDialog::tested);
        QTest::mouseClick(dialog.testButton(), Qt::LeftButton);
        if (!tested.wait(15000)) {
            *message = QStringLiteral("no outcome");
            return false;
        }
        *message = tested.first().at(1).toString();
        return tested.first().at(0).toBool();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString why;
        if (!loadPgTestEnv(&why))
            QFAIL(qPrintable(why));
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_pg.admin().isOpen(), qPrintable(m_pg.admin().lastError().text()));
        // A login of this test only (cluster-wide; kept between runs, its password renewed) whose password is in
        // no pgpass file.
        m_password = randomPassword();
        QSqlQuery q(m_pg.admin());
        QVERIFY2(q.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1')"
                                       " THEN CREATE ROLE %1 LOGIN; END IF; END $$")
                            .arg(kLogin)),
            qPrintable(q.lastError().text()));
        QVERIFY2(q.exec(QStringLiteral("ALTER ROLE %1 LOGIN PASSWORD '%2'").arg(kLogin, m_password)),
            qPrintable(q.lastError().text()));
        // A shared workspace, initialised by its owner (mdsync, through the fixture's pgpass); the login a steward.
        m_db = m_pg.create();
        const QString owner = QStringLiteral("postgresql:///") + m_db;
        const CtlResult init = runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), owner });
        QVERIFY2(init.exitCode == 0, qPrintable(show(init)));
        const CtlResult g = runCtl({ QStringLiteral("--workspace"), owner, QStringLiteral("grant"),
            QStringLiteral("--login"), kLogin, QStringLiteral("--role"), QStringLiteral("steward"),
            QStringLiteral("--reason"), QStringLiteral("keyring test") });
        QVERIFY2(g.exitCode == 0, qPrintable(show(g)));
        m_fixturePgpass = qgetenv("PGPASSFILE");
        // From here on pgpass cannot help the login: an empty file.
        QFile empty(m_dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        QVERIFY(empty.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        empty.close();
        qputenv("PGPASSFILE", QFile::encodeName(empty.fileName()));
        QCoreApplication::setOrganizationName(QStringLiteral("mdsync-test-pgkeyring"));
        QSettings().clear();
    }

    void cleanupTestCase()
    {
        qputenv("PGPASSFILE", m_fixturePgpass);
        for (const QString& name : QSqlDatabase::connectionNames())
            if (name.startsWith(QStringLiteral("pgkeyring-")))
                QSqlDatabase::removeDatabase(name);
        m_pg.dropAll();
    }

    void savedPasswordOpensTheWorkspace()
    {
        if (noKeyring())
            QSKIP("MDSYNC_NO_KEYRING: this run has no Secret Service");
        // A clean keyring, and without a password the login is refused (so what follows proves the keyring).
        QCOMPARE(int(Keyring::lookupNow(where()).status), int(Keyring::Status::NotFound));
        {
            auto refused = Workspace::open(location(), Workspace::Mode::ReadOnly);
            QVERIFY(!refused);
            QVERIFY2(refused.error().contains(QStringLiteral("password")), qPrintable(refused.error()));
        }

        // 1. A new connection: the password typed, "save" ticked, Open.
        {
            SharedWorkspaceDialog dialog;
            dialog.show();
            QSignalSpy replied(&dialog, &SharedWorkspaceDialog::keyringReplied);
            dialog.databaseEdit()->setText(m_db);
            dialog.userEdit()->setText(kLogin);
            QCOMPARE(dialog.location(), location());
            QCOMPARE(dialog.passwordEdit()->echoMode(), QLineEdit::Password);
            QTest::keyClicks(dialog.passwordEdit(), m_password);
            QString message;
            QVERIFY2(test(dialog, &message), qPrintable(message)); // the typed password, before it is saved
            QVERIFY2(message.contains(QStringLiteral(" as keyring_k: an MDSync workspace")), qPrintable(message));
            dialog.saveCheck()->setChecked(true);
            replied.clear();
            QTest::mouseClick(dialog.openButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(dialog.result() == QDialog::Accepted, 15000);
            QVERIFY(!replied.isEmpty());
            QVERIFY2(replied.last().at(0).toBool(), qPrintable(replied.last().at(1).toString()));
            SharedWorkspaceDialog::remember(dialog.location()); // what the main window does once it is open
        }
        const Keyring::Reply saved = Keyring::lookupNow(where());
        QCOMPARE(int(saved.status), int(Keyring::Status::Ok));
        QCOMPARE(saved.password, m_password);
        // Forget this session's copy: the next dialog must get it from the keyring.
        setSessionPassword(where(), QString());
        QVERIFY(!Workspace::open(location(), Workspace::Mode::ReadOnly));

        // 2. A new dialog, the recent connection chosen: the password comes from the keyring, unseen.
        {
            SharedWorkspaceDialog dialog;
            dialog.show();
            QSignalSpy replied(&dialog, &SharedWorkspaceDialog::keyringReplied);
            QVERIFY(pickRecent(dialog, location(), replied));
            QVERIFY2(replied.last().at(0).toBool(), qPrintable(replied.last().at(1).toString()));
            QCOMPARE(dialog.passwordEdit()->text(), QString());
            QCOMPARE(dialog.passwordEdit()->placeholderText(), QStringLiteral("password from the keyring"));
            QVERIFY2(dialog.keyringLabel()->text().contains(QStringLiteral("saved in the desktop keyring")),
                qPrintable(dialog.keyringLabel()->text()));
            QVERIFY(!dialog.keyringLabel()->text().contains(m_password));
            QVERIFY(dialog.forgetButton()->isEnabled());
            QString message;
            QVERIFY2(test(dialog, &message), qPrintable(message));
            QVERIFY(!message.contains(m_password));
            const QString shots = qEnvironmentVariable("MDSYNC_SHOT_DIR");
            if (!shots.isEmpty()) {
                dialog.adjustSize();
                QVERIFY(dialog.grab().save(shots + QStringLiteral("/screenshot-shared-open.png")));
            }
            QTest::mouseClick(dialog.openButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(dialog.result() == QDialog::Accepted, 15000);
        }
        // The main window opens the workspace by its text: the core, its reader and the change feed's LISTEN
        // connection all get the password in memory.
        {
            auto ws = Workspace::open(location(), Workspace::Mode::ReadOnly);
            QVERIFY2(ws, qPrintable(ws ? QString() : ws.error()));
            QCOMPARE(ws.value()->sessionUser().value(), kLogin);
            QVERIFY(!ws.value()->path().contains(m_password));
            ChangeFeed feed;
            const auto started = feed.start(location());
            QVERIFY2(started, qPrintable(started ? QString() : started.error()));
        }

        // 3. The settings never hold it.
        {
            QSettings settings;
            settings.sync();
            QFile file(settings.fileName());
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(settings.fileName()));
            const QByteArray bytes = file.readAll();
            QVERIFY2(bytes.contains(m_db.toUtf8()), bytes.constData()); // the recent connection is there
            QVERIFY(!bytes.contains(m_password.toUtf8()));
        }

        // 4. A saved password the server refuses (changed since): the dialog says so and the new one replaces it.
        QCOMPARE(int(Keyring::storeNow(where(), QStringLiteral("outdated")).status), int(Keyring::Status::Ok));
        setSessionPassword(where(), QString());
        {
            SharedWorkspaceDialog dialog;
            dialog.show();
            QSignalSpy replied(&dialog, &SharedWorkspaceDialog::keyringReplied);
            QVERIFY(pickRecent(dialog, location(), replied));
            QVERIFY(replied.last().at(0).toBool());
            QString message;
            QVERIFY(!test(dialog, &message));
            QVERIFY2(dialog.resultLabel()->text().contains(QStringLiteral("If it has changed, type the new one")),
                qPrintable(dialog.resultLabel()->text()));
            QVERIFY(dialog.saveCheck()->isChecked());
            QTest::keyClicks(dialog.passwordEdit(), m_password);
            QTest::mouseClick(dialog.openButton(), Qt::LeftButton);
            QTRY_VERIFY_WITH_TIMEOUT(dialog.result() == QDialog::Accepted, 15000);
        }
        QCOMPARE(Keyring::lookupNow(where()).password, m_password);

        // 5. "Forget saved password": gone from the keyring and from this session; the login is refused again.
        {
            SharedWorkspaceDialog dialog;
            dialog.show();
            QSignalSpy replied(&dialog, &SharedWorkspaceDialog::keyringReplied);
            QVERIFY(pickRecent(dialog, location(), replied));
            QVERIFY(dialog.forgetButton()->isEnabled());
            replied.clear();
            QTest::mouseClick(dialog.forgetButton(), Qt::LeftButton);
            QVERIFY(replied.wait(15000));
            QVERIFY2(replied.last().at(0).toBool(), qPrintable(replied.last().at(1).toString()));
            QCOMPARE(dialog.password(), QString());
            QVERIFY(!dialog.forgetButton()->isEnabled());
        }
        QCOMPARE(int(Keyring::lookupNow(where()).status), int(Keyring::Status::NotFound));
        QVERIFY(!Workspace::open(location(), Workspace::Mode::ReadOnly));
    }

    // No Secret Service (tst_pgkeyring_nokeyring: no session bus): the dialog says so in words, never hangs, and
    // libpq's pgpass still serves.
    void withoutAKeyringPgpassServes()
    {
        if (!noKeyring())
            QSKIP("run by tst_pgkeyring_nokeyring (MDSYNC_NO_KEYRING=1, no D-Bus session)");
        const Keyring::Reply r = Keyring::lookupNow(where());
        QCOMPARE(int(r.status), int(Keyring::Status::Unavailable));
        SharedWorkspaceDialog::remember(location());
        SharedWorkspaceDialog dialog;
        dialog.show();
        QSignalSpy replied(&dialog, &SharedWorkspaceDialog::keyringReplied);
        QVERIFY(pickRecent(dialog, location(), replied));
        QVERIFY(!replied.last().at(0).toBool());
        QVERIFY2(dialog.keyringLabel()->text().contains(QStringLiteral("desktop keyring (Secret Service) is not "
                                                                       "available")),
            qPrintable(dialog.keyringLabel()->text()));
        // Saving fails in words and the dialog stays open.
        QTest::keyClicks(dialog.passwordEdit(), m_password);
        dialog.saveCheck()->setChecked(true);
        replied.clear();
        QTest::mouseClick(dialog.openButton(), Qt::LeftButton);
        QVERIFY(replied.wait(15000));
        QVERIFY2(dialog.keyringLabel()->text().contains(QStringLiteral("The password was not saved")),
            qPrintable(dialog.keyringLabel()->text()));
        QVERIFY(dialog.result() != QDialog::Accepted);
        QVERIFY(!dialog.saveCheck()->isChecked());
        // pgpass: a line for the login, and the password field left empty.
        QFile pgpass(m_dir.filePath(QStringLiteral("pgpass")));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        pgpass.write(QStringLiteral("*:*:*:%1:%2\n").arg(kLogin, m_password).toUtf8());
        pgpass.close();
        dialog.passwordEdit()->clear();
        QString message;
        QVERIFY2(test(dialog, &message), qPrintable(message));
        QFile::resize(pgpass.fileName(), 0);
    }
};

QTEST_MAIN(TestPgKeyring)
#include "tst_pgkeyring.moc"
