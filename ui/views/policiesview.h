#pragma once

// The policies view (read-only): the ownership matrix (domain × attribute group → owning system, rules valid
// now), the subscriptions (domain, target, pattern, SLA, criticality, contract version, filter, window) and
// the contracts with their versions (the built-in ContractSet of the configuration in force).

#include "appcontext.h"
#include "dbreader.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QMap>
#include <QSqlDatabase>
#include <QStringList>

#include <vector>

class QLabel;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace mdsync::ui {

struct PoliciesSnapshot
{
    struct Domain
    {
        QString name, label;
        QStringList groups;
    };
    std::vector<Domain> domains;
    QMap<QString, QMap<QString, QStringList>> owners; // domain -> group -> owning systems (valid now)
    std::vector<QStringList> subscriptions; // rows of PoliciesView::subscriptionHeaders()
    std::vector<QStringList> contracts; // rows of PoliciesView::contractHeaders()
    QString modelVersion;
    QString note; // e.g. why contracts could not be loaded
};

class PoliciesView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit PoliciesView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("policies"); }
    QString title() const override { return tr("Policies"); }
    void activate() override;
    bool isReady() const override { return m_ready; }
    // Reads the policies again (activate() does when the workspace changed); the tables keep their selected and
    // current rows and their scroll position.
    void reload();

    // Reads the policies in force (worker thread). `workspacePath` opens the configuration for the contracts.
    static Result<PoliciesSnapshot> loadSnapshot(QSqlDatabase& db, const QString& workspacePath, TimeMs now);
    static QStringList subscriptionHeaders();
    static QStringList contractHeaders();

    QTableWidget* ownershipTable() const { return m_ownership; }
    QTableWidget* subscriptionTable() const { return m_subscriptions; }
    QTableWidget* contractTable() const { return m_contracts; }
    // "Edit mapping…": the mapping editor on the selected subscription's contract (Navigator::mappingEditorRequested).
    QPushButton* editMappingButton() const { return m_editMapping; }

Q_SIGNALS:
    void loaded();

private:
    void load();
    void apply(const PoliciesSnapshot& s);

    QueryChannel m_channel;
    QTabWidget* m_tabs;
    QLabel* m_status;
    QTableWidget* m_ownership;
    QTableWidget* m_subscriptions;
    QTableWidget* m_contracts;
    QPushButton* m_editMapping;
    quint64 m_loadedVersion = 0;
    bool m_ready = false;
};

} // namespace mdsync::ui
