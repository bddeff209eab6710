#pragma once

// File -> Open shared workspace… (docs/GUI.md, "A shared workspace"): a PostgreSQL workspace named by host, port,
// database and user, or by a libpq service name. The password is optional: typed here, or saved in the desktop
// keyring (ui/keyring.h) for a connection, else libpq reads it from ~/.pgpass (PGPASSFILE) or the service file.
// A typed or saved password stays in memory (WorkspaceLocation::password, setSessionPassword); it is never
// shown, kept in the settings or put in a location's text. Choosing a connection looks its password up in the
// keyring off the UI thread. "Test connection" opens the workspace read-only off the UI thread and says as whom.
// Recent connections are kept in QSettings ("workspace/sharedRecent") as display() strings, without passwords.

#include <QDialog>
#include <QString>
#include <QThreadPool>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mdsync {
class CallReceiver;
}

namespace mdsync::ui {

class Keyring;

class SharedWorkspaceDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SharedWorkspaceDialog(QWidget* parent = nullptr);
    ~SharedWorkspaceDialog() override; // waits for a connection test in flight

    // The location the fields describe ("" when incomplete): service=NAME, or postgresql://[user@]host[:port]/db.
    QString location() const;
    // Fills the fields from a location (a recent connection) and looks its password up in the keyring.
    void setLocation(const QString& location);
    // The password to connect with: the one typed, else the keyring's for location(), else "" (libpq's pgpass).
    QString password() const;
    // Open: when "Save password in the desktop keyring" is ticked with a password typed, saves it first (off the
    // UI thread; on failure the dialog stays open and says why). Registers the password for this session
    // (setSessionPassword) so every connection the GUI opens to the workspace uses it.
    void accept() override;

    // Recent shared workspaces, newest first (settings); remember() puts one in front.
    static QStringList recent();
    static void remember(const QString& location);

    QLineEdit* hostEdit() const { return m_host; }
    QLineEdit* databaseEdit() const { return m_database; }
    QLineEdit* userEdit() const { return m_user; }
    QLineEdit* serviceEdit() const { return m_service; }
    QLineEdit* passwordEdit() const { return m_password; }
    QCheckBox* saveCheck() const { return m_save; }
    QPushButton* forgetButton() const { return m_forget; }
    QPushButton* testButton() const { return m_test; }
    QPushButton* openButton() const { return m_open; }
    QLabel* resultLabel() const { return m_result; }
    QLabel* keyringLabel() const { return m_keyringNote; }

Q_SIGNALS:
    // The outcome of "Test connection" (also shown in resultLabel()).
    void tested(bool ok, const QString& message);
    // A keyring lookup, save or forget has ended (also shown in keyringLabel()); ok false: not found or failed.
    void keyringReplied(bool ok, const QString& message);

private:
    void updateButtons();
    void testConnection();
    void lookupKeyring();
    void forgetPassword();
    void showKeyring(bool ok, const QString& message);
    bool keyringPasswordApplies() const;

    QComboBox* m_recent = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_database = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_service = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_save = nullptr;
    QPushButton* m_forget = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_open = nullptr;
    QLabel* m_keyringNote = nullptr;
    QLabel* m_result = nullptr;
    quint64 m_testGeneration = 0;
    quint64 m_keyringGeneration = 0;
    QString m_keyringFor; // the location() the saved password below belongs to
    QString m_keyringPassword;
    bool m_saving = false;
    CallReceiver* m_calls = nullptr; // child: the test's outcome is handed to the UI thread through it
    Keyring* m_keyring = nullptr; // child: its destructor cancels and joins its calls
    QThreadPool m_pool; // last member: destroyed (joined) first, while m_calls still exists
};

} // namespace mdsync::ui
