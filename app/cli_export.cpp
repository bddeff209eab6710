#include "clicommands.h"

#include "audit/auditexport.h"
#include "report/auditreport.h"

namespace mdsync::cli {

int cmdExportAudit(const Args& a)
{
    ExportOptions o;
    o.directory = a.value(QStringLiteral("out"));
    if (o.directory.isEmpty())
        return fail(QStringLiteral("export-audit needs --out DIR (a new or empty directory)"));
    // --to (as in the usage) or --until (its older spelling).
    for (const auto& [name, target] : { std::pair { QStringLiteral("from"), &o.from },
             std::pair { QStringLiteral("to"), &o.to }, std::pair { QStringLiteral("until"), &o.to } }) {
        if (!a.options.count(name))
            continue;
        const auto t = parseRfc3339(a.value(name).toStdString());
        if (!t)
            return fail(QStringLiteral("--%1 takes an RFC 3339 time, e.g. 2026-11-28T00:00:00Z, got '%2'")
                            .arg(name, a.value(name)));
        *target = t.value_or(0);
    }
    if (a.options.count(QStringLiteral("domain")) || a.options.count(QStringLiteral("key"))) {
        std::string domain, key;
        if (!requireObject(a, domain, key))
            return fail(QStringLiteral("export-audit: --domain and --key go together"));
        o.objects.emplace_back(domain, key);
    }
    o.openLineage = a.has(QStringLiteral("openlineage"));
    const std::string who = actor(a);
    if (a.has(QStringLiteral("pdf"))) {
        ReportOptions ro;
        ro.generatedBy = who;
        o.extraFiles.push_back({ QStringLiteral("report.pdf"), "report",
            [&o, ro](QSqlDatabase& db, const QString& path) { return writeAuditReportPdf(db, o, path, ro); } });
    }
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto m = exportAuditAs(ws.value()->db(), who, o);
    if (!m)
        return fail(m.error());
    if (a.has(QStringLiteral("json")))
        printJson(m.value());
    else
        out() << "exported to " << o.directory << ": " << q(m.value().dump()) << '\n';
    return Ok;
}

int cmdVerifyExport(const Args& a)
{
    if (a.positionals.size() != 1)
        return fail(QStringLiteral("verify-export takes the export directory"));
    auto v = verifyExport(a.positionals.first());
    if (!v)
        return fail(v.error());
    const bool ok = v.value().value("ok", false);
    if (a.has(QStringLiteral("json"))) {
        printJson(v.value());
    } else {
        out() << (ok ? "export OK: " : "export BROKEN: ") << q(v.value()["checked"].dump()) << '\n';
        for (const auto& p : v.value()["problems"])
            out() << "  " << q(p.get<std::string>()) << '\n';
    }
    return ok ? Ok : DataProblems;
}

} // namespace mdsync::cli
