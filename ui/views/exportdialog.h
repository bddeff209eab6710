#pragma once

// The audit export dialog: CSV / JSONL / PDF (and OpenLineage), a time range and objects, written by
// core/audit/auditexport.h (exportAuditAs: the user must be an auditor) in a worker thread with its own
// read-only connection, with progress and cancel. A cancelled or failed export leaves no files behind.

#include "util/timeutil.h"

#include <QDialog>

#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class QCheckBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QThread;

namespace mdsync::ui {

class ExportDialog final : public QDialog
{
    Q_OBJECT
public:
    ExportDialog(QString workspacePath, std::string actor, QWidget* parent = nullptr);
    ~ExportDialog() override; // cancels and joins a running export

    // Presets (the audit view passes its filter; tests drive the dialog with them).
    void setDirectory(const QString& dir);
    void setFormats(bool csv, bool jsonl, bool pdf, bool openLineage = false);
    void setRange(std::optional<TimeMs> from, std::optional<TimeMs> to);
    void setObjects(const QString& objects); // "domain/key, domain/key"

    bool isRunning() const { return m_thread != nullptr; }
    const nlohmann::json& manifest() const { return m_manifest; }
    const QString& lastMessage() const { return m_message; }

    // "item/FG-1000, bom/FG-1000" -> pairs; an error names the first bad entry.
    static bool parseObjects(
        const QString& text, std::vector<std::pair<std::string, std::string>>& out, QString& error);

public Q_SLOTS:
    void start();
    void cancel();

Q_SIGNALS:
    // The export ended: ok, a message (where it was written, or what went wrong, or "cancelled").
    void exportFinished(bool ok, const QString& message);

protected:
    void reject() override;

private:
    void browse();
    void setRunning(bool running);
    void onProgress(qint64 done, qint64 total);
    void onFinished(bool ok, bool cancelled, const QString& error, const nlohmann::json& manifest);

    QString m_path;
    std::string m_actor;
    QLineEdit* m_dir;
    QCheckBox* m_csv;
    QCheckBox* m_jsonl;
    QCheckBox* m_pdf;
    QCheckBox* m_openLineage;
    QCheckBox* m_fromOn;
    QCheckBox* m_toOn;
    QDateTimeEdit* m_from;
    QDateTimeEdit* m_to;
    QLineEdit* m_objects;
    QProgressBar* m_progress;
    QLabel* m_status;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QDialogButtonBox* m_buttons;
    QThread* m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancelFlag;
    nlohmann::json m_manifest;
    QString m_message;
};

} // namespace mdsync::ui
