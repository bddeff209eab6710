#pragma once

// Audit export with a manifest, and its offline verification (no workspace needed).
//
// exportAudit() writes audit.csv / audit.jsonl (the hash-chained audit entries), lineage.csv / lineage.jsonl
// (lineage events) and manifest.json (range, filter, counts, chain anchors, SHA-256 and size of every file)
// into a new or empty directory. Rows are streamed: memory use does not grow with the number of entries.
//
// Filtering: audit entries are selected by time only and exported as one contiguous seq range (from the first
// entry at or after `from` to the last entry before `to`), so the exported chain can be re-verified link by link.
// Lineage events are filtered by time and by the (domain, key) objects. Ranges are [from, to).
//
// CSV is RFC 4180 with CRLF line ends; a SQL NULL is an empty unquoted field, an empty string is "".
//
// Optionally also openlineage.jsonl (OpenLineage RunEvents of the same lineage events) and extra files such as
// the PDF report (core/report), all listed in the manifest and checked by verifyExport().

#include "util/result.h"
#include "util/timeutil.h"

#include <QSqlDatabase>
#include <QString>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mdsync {

// A further file of an export (e.g. the PDF report): written by `write` into `path` inside the export's read
// snapshot, after the tables; listed in the manifest with its size and SHA-256 like the others.
struct ExportExtraFile
{
    QString name; // plain file name, e.g. "report.pdf"
    std::string kind; // manifest "kind", e.g. "report"
    std::function<Result<void>(QSqlDatabase& db, const QString& path)> write;
};

struct ExportOptions
{
    QString directory; // created if missing; must be empty
    std::optional<TimeMs> from, to; // [from, to) on audit_log.at and lineage_event.at
    std::vector<std::pair<std::string, std::string>> objects; // (domain, key) filter for lineage; empty = all
    bool csv = true, jsonl = true; // at least one
    // openlineage.jsonl: one OpenLineage 2-0-2 RunEvent per exported lineage event (see docs/AUDIT.md).
    bool openLineage = false;
    std::vector<ExportExtraFile> extraFiles;
    std::function<void(qint64 done, qint64 total)> progress; // called on the caller's thread
};

// Runs on the caller's thread, reads `db` inside one read transaction (a consistent snapshot) unless the
// caller already has a transaction open. Returns the manifest that was written.
Result<nlohmann::json> exportAudit(QSqlDatabase db, const ExportOptions& options);

// Offline check of an export directory. An Error only when `directory` is not a directory; everything else
// (missing or unreadable manifest included) is reported as {ok, problems: [...], problem_count, checked: {...}}.
// Problems name the file, the line and/or seq, and what is wrong (at most 200 are listed).
Result<nlohmann::json> verifyExport(const QString& directory);

// The OpenLineage RunEvent (spec 2-0-2) of one lineage event row. `workspace` names the job namespace
// ("mdsync://<workspace>"). Exposed for tests and other exporters.
nlohmann::json openLineageEvent(const std::string& workspace, std::int64_t id, TimeMs at, const std::string& domain,
    const std::string& key, std::optional<std::int64_t> revisionId, const std::string& kind,
    const std::optional<std::string>& system, const std::optional<std::string>& actor,
    const std::optional<std::string>& correlationId, const std::string& detail);

// exportAudit() for a user: refused unless one of the user's roles may export the audit trail (auditor).
Result<nlohmann::json> exportAuditAs(const QSqlDatabase& db, const std::string& actor, const ExportOptions& options);

} // namespace mdsync
