#pragma once

#include "appcontext.h"
#include "dbreader.h"

#include <nlohmann/json.hpp>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTableWidget;

namespace mdsync::ui {

class TimelineWidget;

// The lineage of one object as swimlanes per system on a time axis (zoom, pan, click an event for its
// details and the revision's changes), and the point-in-time view: each attribute's value, owner and
// supplier at a chosen time.
class LineageView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit LineageView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("lineage"); }
    QString title() const override { return tr("Lineage"); }
    void activate() override;
    bool isReady() const override { return m_ready; }

    // Shows the lineage timeline and point-in-time view of one object.
    void showObject(const QString& domain, const QString& key);
    void showAuthorityAt(const QDateTime& at);

    TimelineWidget* timeline() const { return m_timeline; }
    QTableWidget* authorityTable() const { return m_authority; }
    QPlainTextEdit* detail() const { return m_detail; }

Q_SIGNALS:
    void lineageLoaded(int events);
    void authorityLoaded(int attributes);

private:
    void showEvent(int index);

    QComboBox* m_domain = nullptr;
    QLineEdit* m_key = nullptr;
    QLabel* m_summary = nullptr;
    TimelineWidget* m_timeline = nullptr;
    QPlainTextEdit* m_detail = nullptr;
    QDateTimeEdit* m_at = nullptr;
    QTableWidget* m_authority = nullptr;
    QLabel* m_authorityTitle = nullptr;
    QueryChannel m_lineageChannel;
    QueryChannel m_authorityChannel;
    nlohmann::json m_events = nlohmann::json::array();
    nlohmann::json m_revisions = nlohmann::json::object(); // revision_no (text) -> {state, changed, source}
    QString m_domainShown, m_keyShown;
    bool m_ready = true;
    bool m_pickedDefault = false;
};

} // namespace mdsync::ui
