#pragma once

// The PDF audit report for humans (auditors, QA): the audit entries of an export's range (who, when, action,
// subject, old and new value, reason), the lineage of the selected objects and, per selected object, the
// authority-at-time table (each attribute's value, owner by policy, who supplied it, acknowledgements).
// Rendered with QTextDocument + QPdfWriter on A4 with a header (workspace, range, generated at, chain head)
// and page numbers on every page. Needs a QGuiApplication (QT_QPA_PLATFORM=offscreen works headless).
// Linked separately (mdsync_report) so that mdsync_core never links QtGui.

#include "audit/auditexport.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

#include <optional>
#include <string>

namespace mdsync {

struct ReportOptions
{
    int maxEntries = 2000; // audit entries listed; beyond that a note points to audit.csv / audit.jsonl
    int maxLineage = 2000; // lineage events listed
    int maxValueChars = 240; // longer old/new values and reasons are cut, with a note
    std::optional<TimeMs> authorityAt; // time of the authority table; default: the range's end, else now
    std::string generatedBy; // shown in the header
};

// Writes the report for the export options' range and objects (entries: the export's time range; when objects
// are selected, only entries whose subject is "<domain>/<key>" of one of them). Reads `db` as it is (call it
// inside the export's read transaction for a consistent snapshot).
Result<void> writeAuditReportPdf(
    QSqlDatabase db, const ExportOptions& o, const QString& pdfPath, const ReportOptions& r = {});

// The report's authority table of one object as HTML, from authorityAt()'s JSON (core/audit/pointintime.h):
// per attribute its value, owner by policy, and who supplied it (system, enrichment rule, steward, approver).
QString authorityTableHtml(const nlohmann::json& authority, int maxChars = 240);

// The number of pages of a PDF file written by QPdfWriter (counts page objects); -1 when it is not a PDF.
int pdfPageCount(const QByteArray& pdf);

} // namespace mdsync
