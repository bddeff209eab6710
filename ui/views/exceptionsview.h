#pragma once

// The exception backlog (issue 5): a paged, SQL-sorted table with filters and a group summary, bulk steward
// actions through the core (each with a cancellable progress dialog and a per-item result), the detail pane of
// the current exception, keyboard shortcuts, and incremental refresh while visible.

#include "appcontext.h"
#include "dbreader.h"
#include "engine/coreservice.h"
#include "models/exceptionsmodel.h"
#include "steward/exceptionactions.h"
#include "steward/fixrules.h"
#include "views/exceptiondialogs.h"

#include <nlohmann/json.hpp>

#include <QPointer>
#include <QProgressDialog>

#include <atomic>
#include <memory>
#include <vector>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace mdsync::ui {

class ExceptionDetailPane;

class ExceptionsView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit ExceptionsView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("exceptions"); }
    QString title() const override { return tr("Exceptions"); }
    void activate() override;
    bool isReady() const override { return m_ready; }
    // Applies a filter (see Navigator::exceptionsRequested).
    void applyFilter(const QVariantMap& filter);

    // Bulk actions on the selected rows (the menu/toolbar actions call these; tests call them directly).
    std::vector<std::int64_t> selectedIds() const;
    void assignSelected(const QString& login);
    void replaySelected(const QString& reason = {});
    void discardSelected(DiscardReason reason, const QString& text);
    void applyFixRule(const FixRule& rule);
    void selectNext(int step);

    // For tests and screenshots.
    ExceptionsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    ExceptionDetailPane* detail() const { return m_detail; }
    QLineEdit* textFilter() const { return m_text; }
    QComboBox* groupByCombo() const { return m_groupBy; }
    QTreeWidget* groupTree() const { return m_groups; }
    QProgressDialog* progressDialog() const { return m_progress; }
    ExceptionBulkResultDialog* resultDialog() const { return m_resultDialog; }
    const nlohmann::json& lastBulkResult() const { return m_lastBulk; }
    bool isBulkRunning() const { return m_bulkId != 0; }
    QAction* action(const QString& name) const;

    // Saved filters (issue 18 item 5): the filter and grouping under a name, per workspace and user (this
    // workstation's settings). Saving a name that exists replaces it.
    void saveFilter(const QString& name);
    QStringList savedFilterNames() const;
    QToolButton* impactButton() const { return m_impactButton; }
    bool applySavedFilter(const QString& name); // false: no such filter
    void deleteSavedFilter(const QString& name);

Q_SIGNALS:
    void bulkProgress(int done, int total);
    void bulkFinished(bool ok, const QString& error);
    void groupsLoaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildFilterBar(QWidget* bar);
    void buildActions();
    ExceptionFilter filterFromWidgets() const;
    void onFilterEdited();
    void loadChoices();
    void refreshGroups();
    void refreshCauses(ExceptionFilter f); // "Group by cause" (read::exceptionCauses)
    void onGroupClicked(QTreeWidgetItem* item);
    void onCoreChanged();
    void onCurrentChanged();
    void onListLoaded();
    void updateActions();
    void updateStatusLine();
    void runBulk(const QString& title, CoreCommand command, int total);
    void setCombo(QComboBox* combo, const QString& value);

    ExceptionsModel* m_model;
    QTableView* m_table;
    ExceptionDetailPane* m_detail;
    QLineEdit* m_text = nullptr;
    QComboBox* m_category = nullptr;
    QComboBox* m_severity = nullptr;
    QComboBox* m_target = nullptr;
    QComboBox* m_domain = nullptr;
    QToolButton* m_statusButton = nullptr;
    QToolButton* m_savedButton = nullptr;
    QToolButton* m_impactButton = nullptr; // sort by business impact (ExceptionsModel::setImpactSort)
    QString savedFiltersKey() const; // the settings key of this workspace's and user's saved filters
    QVariantMap currentFilterMap() const; // what saveFilter() stores (applyFilter's keys, plus group_by)
    QList<QAction*> m_statusActions;
    QComboBox* m_olderThan = nullptr;
    QComboBox* m_groupBy = nullptr;
    QTreeWidget* m_groups = nullptr;
    QLabel* m_statusLine = nullptr;
    QString m_objectKey; // from the navigator (exact key)
    std::vector<qint64> m_idFilter; // an exception (navigator) or the exceptions of a cause group
    QTimer* m_textTimer = nullptr;

    QueryChannel m_groupChannel;
    QueryChannel m_choiceChannel;
    bool m_ready = false;
    bool m_stale = false;
    bool m_applyingFilter = false;
    bool m_keepDetail = false; // the view itself moves the current index: the detail pane stays

    QPointer<QProgressDialog> m_progress;
    QPointer<ExceptionBulkResultDialog> m_resultDialog;
    quint64 m_bulkId = 0;
    std::shared_ptr<std::atomic_bool> m_cancel;
    nlohmann::json m_lastBulk = nlohmann::json::object();
    QMap<QString, QAction*> m_actions;
};

} // namespace mdsync::ui
