#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class AuditView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit AuditView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("audit"); }
    QString title() const override { return tr("Audit"); }
    // Applies a filter (see Navigator::auditRequested).
    void applyFilter(const QVariantMap& filter);
};

} // namespace mdsync::ui
