#pragma once

// Views of a PagedSqlModel (backlog, matrix, audit log): what they share about a refresh that changes rows.

class QTableView;

namespace mdsync::ui {

class PagedSqlModel;

// Keeps the rows a user looks at in view while a refresh inserts, removes or moves rows above them: the top visible
// row is held as a persistent index (it follows its id through the model's row signals) and put back at the top once
// the list is in place. A filter change (a reset) starts at the top as before. Runs on the UI thread.
void keepRowsInView(QTableView* table, PagedSqlModel* model);

} // namespace mdsync::ui
