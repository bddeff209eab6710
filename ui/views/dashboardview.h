#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class DashboardView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit DashboardView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("dashboard"); }
    QString title() const override { return tr("Dashboard"); }
};

} // namespace mdsync::ui
