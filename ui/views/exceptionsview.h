#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class ExceptionsView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit ExceptionsView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("exceptions"); }
    QString title() const override { return tr("Exceptions"); }
    // Applies a filter (see Navigator::exceptionsRequested).
    void applyFilter(const QVariantMap& filter);
};

} // namespace mdsync::ui
