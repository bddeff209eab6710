#pragma once

#include "appcontext.h"
#include "dbreader.h"

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTableWidget;
class QTimer;

namespace mdsync::ui {

class MatrixModel;

// The propagation matrix (docs/GUI.md): objects × target systems, filter-as-you-type, sort, and the
// per-revision drill-down of the selected object.
class MatrixView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit MatrixView(AppContext ctx, QWidget* parent = nullptr);
    ~MatrixView() override;
    QString viewId() const override { return QStringLiteral("matrix"); }
    QString title() const override { return tr("Propagation"); }
    void activate() override;
    bool isReady() const override;

    // Applies a filter (see Navigator::matrixRequested).
    void applyFilter(const QVariantMap& filter);

    MatrixModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    QLineEdit* textFilter() const { return m_text; }
    QTableWidget* revisionsTable() const { return m_revisions; }

private:
    void createModel();
    void filterChanged();
    void showRevisions(qint64 objectId);
    void updateCount();

    MatrixModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_text = nullptr;
    QComboBox* m_domain = nullptr;
    QComboBox* m_status = nullptr;
    QComboBox* m_target = nullptr;
    QComboBox* m_plant = nullptr;
    QComboBox* m_age = nullptr;
    QLabel* m_count = nullptr;
    QLabel* m_revisionsTitle = nullptr;
    QTableWidget* m_revisions = nullptr;
    QTimer* m_debounce = nullptr;
    QueryChannel m_layoutChannel;
    QueryChannel m_revisionChannel;
    QVariantMap m_pendingFilter;
    bool m_stale = false;
    qint64 m_revisionsObject = 0; // the object whose revisions are shown
};

} // namespace mdsync::ui
