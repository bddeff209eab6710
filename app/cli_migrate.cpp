#include "clicommands.h"

#include "engine/migrateworkspace.h"
#include "store/workspace.h"

namespace mdsync::cli {

int cmdMigrate(const Args& a)
{
    const QString from = a.value(QStringLiteral("from"));
    const QString to = a.value(QStringLiteral("to"));
    if (from.isEmpty() || to.isEmpty())
        return fail(QStringLiteral("'migrate' needs --from FILE (a SQLite workspace) and --to LOCATION (an empty "
                                   "PostgreSQL database: postgresql://host/db or service=NAME)"));
    auto r = migrateWorkspace(from, to);
    if (!r)
        return fail(r.error());
    const nlohmann::json& j = r.value();
    if (a.has(QStringLiteral("json"))) {
        printJson(j);
    } else {
        out() << "migrated " << jstr(j["from"]) << " to " << jstr(j["to"]) << ": " << j["rows"].get<std::int64_t>()
              << " rows in " << j["tables"].size() << " tables, " << j["ms"].get<std::int64_t>() << " ms\n";
        for (const auto& t : j["tables"])
            if (t["rows"].get<std::int64_t>() > 0)
                out() << "  " << jstr(t["table"]) << ": " << t["rows"].get<std::int64_t>() << '\n';
        out() << "  audit chain " << (j["audit_ok"].get<bool>() ? "verified" : "BROKEN") << ": "
              << j["audit_entries"].get<std::int64_t>() << " entries (" << j["source_audit_entries"].get<std::int64_t>()
              << " copied), head " << jstr(j["audit_head"]) << '\n';
        for (const auto& p : j["audit_problems"])
            out() << "  audit problem: " << jstr(p) << '\n';
        out() << "  migrated by " << jstr(j["migrated_by"])
              << (j["migrator_made_admin"].get<bool>() ? " (now admin)" : "") << '\n';
        for (const auto& g : j["granted"])
            out() << "  database role granted: " << jstr(g) << '\n';
        for (const auto& m : j["missing_logins"])
            out() << "  no database login for " << jstr(m)
                  << ": CREATE ROLE <login> LOGIN, then mdsyncctl grant (docs/DEPLOYMENT.md)\n";
    }
    return j["audit_ok"].get<bool>() ? Ok : DataProblems;
}

int cmdUpgrade(const Args& a)
{
    // The read-write open is the upgrade: it migrates an older schema forward in one transaction (on PostgreSQL
    // under the migration lock) and writes nothing else.
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    const int version = ws.value()->schemaVersion();
    if (a.has(QStringLiteral("json"))) {
        printJson({ { "workspace", ws.value()->path().toStdString() }, { "schema_version", version },
            { "latest", Workspace::latestSchemaVersion(ws.value()->backend()) } });
    } else {
        out() << ws.value()->path() << ": schema " << version << ", the latest this MDSync knows\n";
    }
    return Ok;
}

} // namespace mdsync::cli
