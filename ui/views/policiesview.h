#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class PoliciesView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit PoliciesView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("policies"); }
    QString title() const override { return tr("Policies"); }
};

} // namespace mdsync::ui
