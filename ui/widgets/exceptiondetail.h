#pragma once

// The detail pane of the exception backlog: what went wrong (message, validation messages, raw payload verbatim),
// a JSON editor for a correction (attributes for inbound problems, payload fields for a failed delivery) checked as
// you type and refused inline by the core, the replay dry run, the four-eyes state of a correction awaiting
// approval, and the history (lineage and audit) of the exception and its object. Reads run off the UI thread;
// every change goes through the core.

#include "appcontext.h"
#include "dbreader.h"
#include "engine/coreservice.h"
#include "store/readexceptions.h"

#include <QWidget>

#include <nlohmann/json.hpp>

#include <functional>

class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTreeWidget;

namespace mdsync::ui {

struct ProblemTable;

// One exception as the core reads it (read::ExceptionDetail), with what the pane adds: whether the current user may
// approve, and the history as lines.
struct ExceptionDetailData : read::ExceptionDetail
{
    bool mayApprove = false; // the current user has a role that approves
    bool mayPauseTarget = false; // ... that pauses (and probes) targets
    bool mayDecideDuplicate = false; // ... that decides duplicate suspects
    QStringList history; // "L|A <tab> time <tab> kind <tab> actor <tab> detail", lineage then audit, each oldest first
};

class ExceptionDetailPane final : public QWidget
{
    Q_OBJECT
public:
    ExceptionDetailPane(AppContext ctx, QWidget* parent = nullptr);

    void showException(qint64 id); // 0 clears
    // Re-reads the shown exception (a change in the workspace): the pane stays on it and keeps the editor's text;
    // if another actor closed it since it was opened, the pane says so. `ownChange`: the change is the user's own
    // (a bulk action of the backlog), so its new status is no one else's doing.
    void refresh(bool ownChange = false);
    // Whether the shown exception is still a row of the backlog's list (the view tells after each refresh); when it
    // is not, the pane says so instead of switching to another exception.
    void setListed(bool listed);
    // The note about the shown exception (closed by someone else, no longer listed); empty when none.
    QString noteText() const;
    qint64 exceptionId() const { return m_data.id; }
    bool isLoaded() const { return m_loaded; }
    const ExceptionDetailData& data() const { return m_data; }

    // The "replayable until" line of a delivery exception (docs/RETENTION.md), translated; empty for other exceptions.
    static QString replayableText(const ExceptionDetailData& d);
    // The editor's text parsed as a JSON object; error text when it is not one.
    static Result<nlohmann::json> parseCorrection(const QString& text);

    // Actions (also bound to the buttons): submit the editor's correction, approve/reject the pending one, dry run.
    void submitCorrection();
    void approve();
    void reject();
    void dryRun();
    // A target_outage incident: probe its target now, pause or resume it (the reason from outageReasonEdit()).
    void probeTarget();
    void toggleTargetPause();
    // A duplicate_suspect: "not a duplicate" for its pair (the reason from duplicateReasonEdit()), or merge the pair
    // into the object it looks like (intoSuspect) or into its own object; approve or reject a merge awaiting approval.
    void dismissDuplicate();
    void mergeDuplicate(bool intoSuspect);
    void decideMerge(bool approve);

    // For tests and the status line.
    QPlainTextEdit* editor() const { return m_editor; }
    QLineEdit* reasonEdit() const { return m_reason; }
    QLineEdit* decisionReasonEdit() const { return m_decisionReason; }
    QString correctionMessage() const;
    QString fourEyesText() const;
    QPushButton* approveButton() const { return m_approve; }
    QPushButton* rejectButton() const { return m_reject; }
    QTableWidget* problemTable() const { return m_problem; }
    QString problemHeading() const;
    QPlainTextEdit* rawPayloadView() const { return m_raw; }
    QGroupBox* outageBox() const { return m_outage; }
    QPushButton* probeButton() const { return m_probe; }
    QPushButton* pauseTargetButton() const { return m_pauseTarget; }
    QLineEdit* outageReasonEdit() const { return m_outageReason; }
    QString outageMessage() const;
    QGroupBox* duplicateBox() const { return m_duplicate; }
    QPushButton* notDuplicateButton() const { return m_notDuplicate; }
    QLineEdit* duplicateReasonEdit() const { return m_duplicateReason; }
    QPushButton* mergeIntoSuspectButton() const { return m_mergeIntoSuspect; }
    QPushButton* mergeIntoObjectButton() const { return m_mergeIntoObject; }
    QPushButton* approveMergeButton() const { return m_approveMerge; }
    QPushButton* rejectMergeButton() const { return m_rejectMerge; }
    QString duplicateMessage() const;

Q_SIGNALS:
    void loaded(qint64 id);
    // A command of this pane finished (ok or refused); the backlog refreshes.
    void actionFinished(bool ok, const QString& message);

private:
    void reload();
    void apply(const ExceptionDetailData& d);
    void validateEditor();
    void setBusy(bool busy);
    void updateNote();
    void showProblem(const ProblemTable& t);
    void updateOutageActions();
    void updateDuplicateActions();
    void runTargetCommand(const QString& what, bool pause, bool paused);
    // Runs a command of the duplicate box on the core: busy meanwhile, then the answer under the box (`success` words
    // a result), the reason cleared after a success, and the exception read again.
    void runDuplicateCommand(CoreCommand command, const std::function<QString(const nlohmann::json&)>& success);

    AppContext m_ctx;
    QueryChannel m_channel;
    ExceptionDetailData m_data;
    bool m_loaded = false;
    bool m_busy = false;
    bool m_listed = true;
    QString m_openedStatus; // the status when the steward opened (or last acted on) the exception

    QLabel* m_title;
    QLabel* m_message;
    QLabel* m_replayable; // "Replayable until …" of a delivery exception (docs/RETENTION.md)
    QLabel* m_note;
    QTabWidget* m_tabs;
    QLabel* m_problemHeading;
    QTableWidget* m_problem;
    QPlainTextEdit* m_detailsJson;
    QPlainTextEdit* m_raw;
    QWidget* m_correctionTab;
    QPlainTextEdit* m_editor;
    QLabel* m_editorHint;
    QLabel* m_syntax;
    QLineEdit* m_reason;
    QPushButton* m_submit;
    QLabel* m_correctionResult;
    QPushButton* m_dryRunButton;
    QPlainTextEdit* m_diff;
    QGroupBox* m_fourEyes;
    QLabel* m_fourEyesLabel;
    QLineEdit* m_decisionReason;
    QPushButton* m_approve;
    QPushButton* m_reject;
    QTreeWidget* m_history;
    QGroupBox* m_outage; // target_outage incidents only
    QLabel* m_outageLabel;
    QLineEdit* m_outageReason;
    QPushButton* m_probe;
    QPushButton* m_pauseTarget;
    QLabel* m_outageResult;
    QGroupBox* m_duplicate; // duplicate_suspect exceptions only
    QLabel* m_duplicateLabel;
    QLineEdit* m_duplicateReason;
    QPushButton* m_notDuplicate;
    QPushButton* m_mergeIntoSuspect;
    QPushButton* m_mergeIntoObject;
    QPushButton* m_approveMerge;
    QPushButton* m_rejectMerge;
    QLabel* m_duplicateResult;
};

} // namespace mdsync::ui
