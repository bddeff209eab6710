#pragma once

// File -> Open shared workspace… (docs/GUI.md, "A shared workspace"): a PostgreSQL workspace named by host, port,
// database and user, or by a libpq service name. There is no password field: libpq reads the password from
// ~/.pgpass (PGPASSFILE) or the service file, so it is never typed here, kept in the settings or shown. "Test
// connection" opens the workspace read-only off the UI thread and says as whom. Recent connections are kept in
// QSettings ("workspace/sharedRecent") as display() strings, which never hold a password.

#include <QDialog>
#include <QString>
#include <QThreadPool>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace mdsync {
class CallReceiver;
}

namespace mdsync::ui {

class SharedWorkspaceDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SharedWorkspaceDialog(QWidget* parent = nullptr);
    ~SharedWorkspaceDialog() override; // waits for a connection test in flight

    // The location the fields describe ("" when incomplete): service=NAME, or postgresql://[user@]host[:port]/db.
    QString location() const;
    // Fills the fields from a location (a recent connection).
    void setLocation(const QString& location);

    // Recent shared workspaces, newest first (settings); remember() puts one in front.
    static QStringList recent();
    static void remember(const QString& location);

    QLineEdit* hostEdit() const { return m_host; }
    QLineEdit* databaseEdit() const { return m_database; }
    QLineEdit* userEdit() const { return m_user; }
    QLineEdit* serviceEdit() const { return m_service; }
    QPushButton* testButton() const { return m_test; }
    QLabel* resultLabel() const { return m_result; }

Q_SIGNALS:
    // The outcome of "Test connection" (also shown in resultLabel()).
    void tested(bool ok, const QString& message);

private:
    void updateButtons();
    void testConnection();

    QComboBox* m_recent = nullptr;
    QLineEdit* m_host = nullptr;
    QSpinBox* m_port = nullptr;
    QLineEdit* m_database = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_service = nullptr;
    QPushButton* m_test = nullptr;
    QPushButton* m_open = nullptr;
    QLabel* m_result = nullptr;
    quint64 m_testGeneration = 0;
    CallReceiver* m_calls = nullptr; // child: the test's outcome is handed to the UI thread through it
    QThreadPool m_pool; // last member: destroyed (joined) first, while m_calls still exists
};

} // namespace mdsync::ui
