#pragma once

#include "appcontext.h"

namespace mdsync::ui {

class MatrixView final : public ControlTowerView
{
    Q_OBJECT
public:
    explicit MatrixView(AppContext ctx, QWidget* parent = nullptr);
    QString viewId() const override { return QStringLiteral("matrix"); }
    QString title() const override { return tr("Propagation"); }
    // Applies a filter (see Navigator::matrixRequested).
    void applyFilter(const QVariantMap& filter);
};

} // namespace mdsync::ui
