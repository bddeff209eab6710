#pragma once

// What every view of the control tower is given: the core (commands, change notifications), the reader
// (queries off the UI thread) and the navigator (cross-view navigation).

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <QWidget>

namespace mdsync::ui {

class CoreController;
class DbReader;

// Cross-view navigation: a view asks, the main window switches and hands the filter to the target view.
class Navigator final : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void viewRequested(const QString& viewId);
    // The lineage view of one object (and its point-in-time view).
    void objectRequested(const QString& domain, const QString& key);
    // The exception backlog with a filter: keys category, severity, target, domain, status, key, object_key,
    // older_than_minutes, id (all optional).
    void exceptionsRequested(const QVariantMap& filter);
    // The propagation matrix with a filter: keys text, domain, status, target, plant, older_than_minutes.
    void matrixRequested(const QVariantMap& filter);
    // The audit log with a filter: keys actor, action, subject.
    void auditRequested(const QVariantMap& filter);
    // The mapping editor on the contract the subscription (domain, target) uses.
    void mappingEditorRequested(const QString& domain, const QString& target);
};

struct AppContext
{
    CoreController* core = nullptr;
    DbReader* reader = nullptr;
    Navigator* nav = nullptr;
};

// A page of the main window.
class ControlTowerView : public QWidget
{
    Q_OBJECT
public:
    ControlTowerView(AppContext ctx, QWidget* parent = nullptr)
        : QWidget(parent)
        , m_ctx(ctx)
    { }
    virtual QString viewId() const = 0; // "dashboard", "matrix", "lineage", "exceptions", "policies", "audit", "alerts"
    virtual QString title() const = 0; // translated
    // The view became visible: load what is stale. Views refresh on core changes only while visible.
    virtual void activate() { }
    // True once the view shows data (screenshots wait for it).
    virtual bool isReady() const { return true; }

protected:
    AppContext m_ctx;
};

} // namespace mdsync::ui
