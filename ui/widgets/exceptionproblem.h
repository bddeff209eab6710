#pragma once

// What went wrong with an exception, as a table a steward reads instead of JSON: the facts of its details in words
// (validation issues by attribute, the target's answer, drift differences, attempts), and for a duplicate suspect
// the two objects side by side, the compared attributes marked and the differing values flagged. The exception
// detail pane shows it; the JSON stays one tab away.

#include "store/readexceptions.h"

#include <QCoreApplication>
#include <QStringList>

#include <vector>

namespace mdsync::ui {

struct ProblemTable
{
    QString heading; // one line above the table
    QStringList columns; // header labels
    struct Row
    {
        QStringList cells; // one per column
        bool compared = false; // duplicate suspect: an attribute the matcher compared
        bool differs = false; // duplicate suspect: the two objects hold different values
    };
    std::vector<Row> rows;
};

class ExceptionProblem
{
    Q_DECLARE_TR_FUNCTIONS(mdsync::ui::ExceptionProblem)
public:
    static ProblemTable build(const read::ExceptionDetail& d);
};

} // namespace mdsync::ui
