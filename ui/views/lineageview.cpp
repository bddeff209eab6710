#include "views/lineageview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mdsync::ui {

// Work in progress (issue 5): the view's content arrives with its own commit.
LineageView::LineageView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("This view is being built."), this));
}

void LineageView::showObject(const QString&, const QString&) { }

} // namespace mdsync::ui
