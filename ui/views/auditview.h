#pragma once

// The audit view: the audit log browser (filter by actor, action, subject/object and time range), a detail
// pane with the entry's before/after JSON and hashes, "Verify chain" (AuditLog::verify on a worker) and the
// export dialog.

#include "appcontext.h"
#include "dbreader.h"
#include "models/auditlogmodel.h"

#include <QVariantMap>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace mdsync::ui {

class AuditView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit AuditView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("audit"); }
    QString title() const override { return tr("Audit"); }
    void activate() override;
    bool isReady() const override { return m_ready; }
    // Applies a filter (see Navigator::auditRequested).
    void applyFilter(const QVariantMap& filter);

    AuditLogModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    // The text of the last chain verification ("" before the first).
    const QString& verifyText() const { return m_verifyText; }
    bool lastVerifyOk() const { return m_verifyOk; }

public Q_SLOTS:
    void verifyChain();
    void openExportDialog();

Q_SIGNALS:
    void verified(bool ok);
    void detailShown(qint64 seq);

private:
    AuditFilter currentFilter() const;
    void applyFilterNow();
    void showDetail(qint64 seq);
    void updateCount();

    AuditLogModel* m_model;
    QueryChannel m_detailChannel;
    QLineEdit* m_actor;
    QLineEdit* m_action;
    QLineEdit* m_subject;
    QCheckBox* m_fromOn;
    QCheckBox* m_toOn;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QTableView* m_table;
    QLabel* m_count;
    QLabel* m_verify;
    QPushButton* m_verifyButton;
    QLabel* m_detailHeader;
    QPlainTextEdit* m_before;
    QPlainTextEdit* m_after;
    QTimer* m_debounce;
    QString m_verifyText;
    bool m_verifyOk = false;
    bool m_started = false;
    bool m_ready = false;
};

} // namespace mdsync::ui
