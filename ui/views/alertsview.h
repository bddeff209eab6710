#pragma once

// The alerts view (docs/GUI.md, "Alerts"): the alerts the core's rules raised (core/metrics/alerts.h) by status,
// a detail pane that says in words why the alert fired and what was notified, one click to the objects, exceptions
// and matrix cells behind it (through the Navigator), and "Acknowledge…" through the core. Reads go through the
// DbReader (read::alerts); refreshes on CoreController::changed keep the selected alert by id.

#include "appcontext.h"
#include "dbreader.h"
#include "engine/coreservice.h"
#include "store/readalerts.h"

#include <QMap>
#include <QVariantMap>

#include <cstdint>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QToolButton;

namespace mdsync::ui {

// Acknowledges alert `id` with `note` as the session's actor (AlertEngine::acknowledge on the core thread; the core
// checks Action::AcknowledgeAlert). Result {"action": "acknowledge_alert", "id"}.
CoreCommand alertAcknowledgeCommand(std::int64_t id, std::string note);

// What the view shows: the alerts of the status filter, the counts per status, and whether the session's user may
// acknowledge (a value snapshot from a reader thread).
struct AlertsSnapshot
{
    std::vector<read::AlertRow> rows;
    QMap<QString, qint64> counts;
    bool mayAcknowledge = false;
};

class AlertsView final : public ControlTowerView
{
    Q_OBJECT
public:
    enum Columns {
        SeverityColumn,
        StatusColumn,
        RuleColumn,
        MessageColumn,
        SubjectColumn,
        FiredColumn,
        LastSeenColumn,
        AckedByColumn,
        ColumnCount
    };

    explicit AlertsView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("alerts"); }
    QString title() const override { return tr("Alerts"); }
    void activate() override;
    bool isReady() const override { return m_ready; }

    // "open", "acknowledged", "cleared" or "all".
    void setStatusFilter(const QString& status);
    QString statusFilter() const;
    const QMap<QString, qint64>& counts() const { return m_snapshot.counts; }
    bool mayAcknowledge() const { return m_snapshot.mayAcknowledge; }

    QTableWidget* table() const { return m_table; }
    QComboBox* statusCombo() const { return m_status; }
    QTextBrowser* detail() const { return m_detail; }
    QPlainTextEdit* rawDetails() const { return m_raw; }
    QPushButton* acknowledgeButton() const { return m_ackButton; }
    QPushButton* objectButton() const { return m_objectButton; }
    QPushButton* exceptionsButton() const { return m_exceptionsButton; }
    QPushButton* matrixButton() const { return m_matrixButton; }
    QToolButton* rawButton() const { return m_rawButton; }

    // The selected alert (nullptr when none) and its id (0).
    const read::AlertRow* currentAlert() const;
    qint64 currentAlertId() const { return m_currentId; }
    // Selects the alert's row; false when it is not listed.
    bool selectAlert(qint64 id);
    // The objects the detail pane links to (the alert's own object first, then the referenced ones): (domain, key).
    const std::vector<std::pair<QString, QString>>& linkedObjects() const { return m_links; }

public Q_SLOTS:
    void refresh();
    // The primary action of the selected alert (double-click, Enter): its object, else the matrix, else exceptions.
    void openPrimary();
    void showObject();
    void showExceptions();
    void showInMatrix();
    // Asks for an optional note, then acknowledges the selected alert.
    void acknowledgeWithDialog();
    // Acknowledges the selected alert through the core (the core checks the role).
    void acknowledgeCurrent(const QString& note);

Q_SIGNALS:
    void loaded();
    void acknowledged(qint64 id, bool ok, const QString& error);

private:
    void apply(AlertsSnapshot snapshot);
    void showDetail();
    void updateActions();
    void openLink(const QUrl& url);

    QueryChannel m_channel;
    AlertsSnapshot m_snapshot;
    qint64 m_currentId = 0;
    std::vector<std::pair<QString, QString>> m_links;
    QComboBox* m_status;
    QLabel* m_count;
    QTableWidget* m_table;
    QTextBrowser* m_detail;
    QPlainTextEdit* m_raw;
    QToolButton* m_rawButton;
    QPushButton* m_objectButton;
    QPushButton* m_exceptionsButton;
    QPushButton* m_matrixButton;
    QPushButton* m_ackButton;
    bool m_started = false;
    bool m_ready = false;
    bool m_applying = false;
};

} // namespace mdsync::ui
