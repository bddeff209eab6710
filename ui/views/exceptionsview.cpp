#include "views/exceptionsview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mdsync::ui {

// Work in progress (issue 5): the view's content arrives with its own commit.
ExceptionsView::ExceptionsView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("This view is being built."), this));
}

void ExceptionsView::applyFilter(const QVariantMap&) { }

} // namespace mdsync::ui
