#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class LineageView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit LineageView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("lineage"); }
    QString title() const override { return tr("Lineage"); }
    // Shows the lineage timeline and point-in-time view of one object.
    void showObject(const QString& domain, const QString& key);
};

} // namespace mdsync::ui
