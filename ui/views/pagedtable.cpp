#include "views/pagedtable.h"

#include "models/pagedsqlmodel.h"

#include <QPersistentModelIndex>
#include <QTableView>

#include <memory>

namespace mdsync::ui {

void keepRowsInView(QTableView* table, PagedSqlModel* model)
{
    auto top = std::make_shared<QPersistentModelIndex>();
    // Called before the first change of a refresh, while the view still shows the old rows.
    auto remember = [table, model, top] {
        if (!model->isApplyingList() || top->isValid())
            return;
        // rowAt() reads the header's offset, which lags the scroll bar until the view's posted layout runs (after
        // scrollToBottom() or a resize): lay out first, so that the row remembered is the row the steward sees.
        table->doItemsLayout();
        if (const int row = table->rowAt(0); row >= 0)
            *top = model->index(row, 0);
    };
    QObject::connect(model, &QAbstractItemModel::rowsAboutToBeInserted, table, remember);
    QObject::connect(model, &QAbstractItemModel::rowsAboutToBeRemoved, table, remember);
    QObject::connect(model, &QAbstractItemModel::layoutAboutToBeChanged, table, remember);
    QObject::connect(model, &PagedSqlModel::listLoaded, table, [table, model, top] {
        if (top->isValid() && !model->lastListWasReset()) {
            // The scroll bar's range grows with the rows only in the view's posted layout: without it, rows
            // inserted above would clamp the scroll to the old maximum and move the rows in view.
            table->doItemsLayout();
            if (table->rowAt(0) != top->row())
                table->scrollTo(model->index(top->row(), 0), QAbstractItemView::PositionAtTop);
        }
        *top = QPersistentModelIndex();
    });
}

} // namespace mdsync::ui
