// mdsyncctl archive / verify-archive: retention (docs/RETENTION.md).
#include "clicommands.h"

#include "config/configstore.h"
#include "steward/retention.h"

namespace mdsync::cli {

namespace {

QString kib(qint64 bytes)
{
    return QString::number(static_cast<double>(bytes) / 1024.0, 'f', 1) + QStringLiteral(" KiB");
}

} // namespace

// archive [--dry-run] [--domain D] [--dir DIR] [--compact] --reason TEXT
int cmdArchive(const Args& a)
{
    ArchiveOptions o;
    o.domain = a.value(QStringLiteral("domain")).toStdString();
    o.reason = a.value(QStringLiteral("reason")).toStdString();
    o.dir = a.value(QStringLiteral("dir"));
    o.dryRun = a.has(QStringLiteral("dry-run"));
    o.compact = a.has(QStringLiteral("compact"));
    if (!o.dryRun && o.reason.empty())
        return fail(QStringLiteral("archive needs --reason TEXT (archiving is audited) or --dry-run"));
    auto ws = openWorkspace(a, o.dryRun ? Workspace::Mode::ReadOnly : Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    auto cfg = loadActiveConfig(*ws.value());
    if (!cfg)
        return fail(cfg.error());
    auto r = archiveRevisions(*ws.value(), *cfg->model, actor(a), o);
    if (!r)
        return fail(r.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(r->toJson());
        return Ok;
    }
    std::vector<QStringList> rows;
    for (const ArchiveDomainCount& d : r->domains)
        rows.push_back(
            { q(d.domain), d.days ? QString::number(*d.days) + QStringLiteral(" days") : QStringLiteral("kept forever"),
                QString::number(d.archivable), QString::number(d.skippedOpen), kib(d.bytes) });
    out() << (r->dryRun ? "archive (dry run, nothing changes):\n" : "archive:\n");
    printTable({ QStringLiteral("DOMAIN"), QStringLiteral("POLICY"),
                   r->dryRun ? QStringLiteral("WOULD ARCHIVE") : QStringLiteral("ARCHIVED"),
                   QStringLiteral("SKIPPED (OPEN DELIVERY)"), QStringLiteral("PAYLOAD") },
        rows);
    for (const QString& orphan : r->orphans)
        out() << "note: " << orphan
              << " has no archive record (an earlier run stopped before its commit; the workspace still has those "
                 "payloads, the file can be removed)\n";
    if (r->dryRun || r->revisions == 0) {
        out() << (r->revisions == 0 ? "nothing to archive\n" : "")
              << "workspace in use: " << kib(r->workspaceBytesBefore) << '\n';
        return Ok;
    }
    out() << r->revisions << " revisions archived (" << kib(r->payloadBytes) << " of payloads)\n"
          << "file:     " << r->file << "\n  sha256 " << q(r->fileSha256) << '\n'
          << "manifest: " << r->manifest << "\n  sha256 " << q(r->manifestSha256)
          << " (in the audit entry archive.create)\n"
          << "workspace in use: " << kib(r->workspaceBytesBefore) << " before, " << kib(r->workspaceBytesAfter)
          << " after" << (o.compact ? "" : " (--compact gives the space back to the file system; SQLite)") << '\n';
    return Ok;
}

// verify-archive FILE: FILE is the .jsonl.gz or its .manifest.json; needs no workspace.
int cmdVerifyArchive(const Args& a)
{
    if (a.positionals.size() != 1)
        return fail(QStringLiteral("verify-archive takes the archive file (*.jsonl.gz) or its manifest"));
    auto v = verifyArchive(a.positionals.first());
    if (!v)
        return fail(v.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(v->toJson());
    } else {
        out() << (v->ok() ? "archive OK: " : "archive BROKEN: ") << v->revisions << " revisions in " << v->file
              << "\n  file sha256     " << q(v->fileSha256) << "\n  manifest sha256 " << q(v->manifestSha256)
              << " (compare with the audit entry archive.create)\n";
        for (const std::string& p : v->problems)
            out() << "  " << q(p) << '\n';
    }
    return v->ok() ? Ok : DataProblems;
}

} // namespace mdsync::cli
