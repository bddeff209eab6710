#pragma once

// The mapping editor (issue 17, docs/GUI.md "Mapping editor"): one contract of the contracts in force — per target
// and domain, canonical attribute -> target field with its transforms and flags — edited with undo/redo, previewed
// live against a real object (the payload, its issues inline per field, the diff against what the target last
// acknowledged) and saved as a contracts proposal that a second admin approves.
//
// Threads: the configuration, the object keys and every preview are read on the reader's threads (DbReader) and
// come back as value snapshots; the proposal is a command on the core thread. The UI thread does no I/O.

#include "appcontext.h"
#include "dbreader.h"
#include "steward/contractpreview.h"
#include "util/result.h"

#include <QDialog>
#include <QMap>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTimer;
class QUndoStack;

namespace mdsync::ui {

// What the editor needs of the configuration in force (read on a worker).
struct MappingEditorSnapshot
{
    nlohmann::json document; // the contracts document in force
    struct Subscription
    {
        QString domain, target, contractVersion;
    };
    std::vector<Subscription> subscriptions; // of the landscape in force
    QMap<QString, QStringList> attributes; // domain -> canonical attribute names
    QStringList units; // unit symbols of the model
    bool mayPropose = false; // the session's login may propose configuration changes (admins)
};

class MappingEditor final : public QDialog
{
    Q_OBJECT
public:
    enum Columns {
        ToColumn,
        SourceColumn,
        UnitColumn,
        DecimalsColumn,
        MaxLengthColumn,
        MapColumn,
        DateFormatColumn,
        RequiredColumn,
        EditableColumn,
        ColumnCount
    };

    explicit MappingEditor(AppContext ctx, QWidget* parent = nullptr);

    // Shows the contract the subscription (domain, target) uses, once the configuration is read.
    void selectContract(const QString& domain, const QString& target);
    // Previews against this object of the domain.
    void setObjectKey(const QString& key);

    // The edited contract's fields (JSON objects as in a contracts document).
    const std::vector<nlohmann::json>& fields() const { return m_fields; }
    // Replaces one field (an undoable edit, as the table's editors make).
    void setField(int row, const nlohmann::json& field, const QString& what);
    void addField();
    void removeField(int row);
    void moveField(int row, int delta);
    // The contract's on_loss: true "block" (a lossy issue blocks the delivery), false "warn". Undoable.
    void setBlockOnLoss(bool block);
    bool blocksOnLoss() const { return m_blockOnLoss; }
    // The contracts document in force with the edited contract in it, and `version` as its version.
    nlohmann::json editedDocument(const QString& version) const;
    // The next unused-looking document version: "2026.11" -> "2026.11.1", "2026.11.1" -> "2026.11.2".
    static QString bumpedVersion(const QString& version);
    // Proposes the edited document (core thread); `done` gets the proposal's JSON or the core's refusal.
    void propose(
        const QString& version, const QString& title, const QString& reason, std::optional<TimeMs> effectiveAt);

    QUndoStack* undoStack() const { return m_undo; }
    QTableWidget* fieldTable() const { return m_table; }
    QTableWidget* diffTable() const { return m_diff; }
    QPlainTextEdit* payloadView() const { return m_payload; }
    QListWidget* messageList() const { return m_messages; }
    QComboBox* objectBox() const { return m_object; }
    QComboBox* onLossBox() const { return m_onLossBox; }
    QPushButton* saveButton() const { return m_save; }
    QLabel* statusLabel() const { return m_status; }
    bool isLoaded() const { return m_loaded; }
    // The newest preview shown (valid once previewShown was emitted).
    const ContractPreview& preview() const { return m_preview; }
    static QString sourceText(const nlohmann::json& field);
    // The text typed in the source column as a field's source: "=<JSON or text>" a constant, text with "{" a format,
    // else an attribute (or "$key"). Sets the keys on `field` and removes the others.
    static void applySourceText(nlohmann::json& field, const QString& text);

Q_SIGNALS:
    void loaded();
    void previewShown();
    void previewFailed(const QString& message);
    void proposed(const nlohmann::json& proposal);
    void proposeRefused(const QString& message);

public Q_SLOTS:
    // Escape or the window's close button: edits that were not proposed are asked about first.
    void reject() override;

private:
    void load();
    void fillChoosers();
    void targetChosen();
    void contractChosen();
    void setFields(const std::vector<nlohmann::json>& fields);
    void pushFields(std::vector<nlohmann::json> after, const QString& what);
    void fillTable();
    void cellEdited(int row, int column);
    void searchObjects(const QString& prefix);
    void schedulePreview();
    void runPreview();
    void showPreview(const ContractPreview& p);
    void showPreviewError(const QString& message);
    void saveDialog();
    void showHelp();
    QString currentDomain() const;
    QString currentTarget() const;
    QString currentVersion() const;

    void applyOnLoss(bool block); // shows the setting (undo commands)

    friend class MappingFieldsCommand;
    friend class MappingOnLossCommand;

    AppContext m_ctx;
    QueryChannel m_configChannel;
    QueryChannel m_keysChannel;
    QueryChannel m_previewChannel;
    MappingEditorSnapshot m_snapshot;
    bool m_loaded = false;
    QString m_wantDomain, m_wantTarget;
    QString m_shownDomain, m_shownTarget; // the contract in the table

    std::vector<nlohmann::json> m_fields;
    bool m_blockOnLoss = true;
    bool m_filling = false;
    ContractPreview m_preview;

    QComboBox* m_targetBox;
    QComboBox* m_domainBox;
    QLabel* m_contractLabel;
    QComboBox* m_onLossBox;
    QComboBox* m_object;
    QTableWidget* m_table;
    QPlainTextEdit* m_payload;
    QTableWidget* m_diff;
    QLabel* m_ackedLabel;
    QListWidget* m_messages;
    QLabel* m_status;
    QPushButton* m_save;
    QUndoStack* m_undo;
    QTimer* m_previewTimer;
    QTimer* m_keysTimer;
};

} // namespace mdsync::ui
