#include "views/auditview.h"

#include <QLabel>
#include <QVBoxLayout>

namespace mdsync::ui {

// Work in progress (issue 5): the view's content arrives with its own commit.
AuditView::AuditView(AppContext ctx, QWidget* parent)
    : ControlTowerView(ctx, parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("This view is being built."), this));
}

void AuditView::applyFilter(const QVariantMap&) { }

} // namespace mdsync::ui
