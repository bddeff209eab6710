#include "engine/migrateworkspace.h"

#include "audit/auditlog.h"
#include "steward/rolegrants.h"
#include "store/migrate.h"
#include "store/workspace.h"
#include "util/timeutil.h"

namespace mdsync {

Result<nlohmann::json> migrateWorkspace(const QString& fromFile, const QString& to)
{
    auto target = WorkspaceLocation::parse(to);
    if (!target)
        return makeError(target.error());
    if (!target->isPostgres())
        return makeError(QStringLiteral("--to %1: migrate copies into a PostgreSQL database (postgresql://host/db or "
                                        "service=NAME); for a copy of a file use 'mdsyncctl backup'")
                             .arg(to));
    if (WorkspaceLocation::looksLikePostgres(fromFile))
        return makeError(QStringLiteral("--from %1: migrate reads a SQLite workspace file; a PostgreSQL workspace is "
                                        "copied with pg_dump/pg_restore (docs/DEPLOYMENT.md)")
                             .arg(fromFile));
    // Read-write: the lock keeps `mdsyncctl run` and the GUI away while the rows are read.
    auto source = Workspace::open(fromFile, Workspace::Mode::ReadWrite);
    if (!source)
        return makeError(source.error());
    Workspace& from = *source.value();
    const AuditVerification before = AuditLog(from.db()).verify();
    if (!before.ok)
        return makeError(QStringLiteral("%1: the audit chain does not verify (%2); a copy would carry the break. Run "
                                        "'mdsyncctl verify-audit' on it and settle that first")
                             .arg(from.path(),
                                 before.problems.empty() ? QStringLiteral("broken")
                                                         : QString::fromStdString(before.problems.front())));
    auto created = Workspace::create(target.value());
    if (!created)
        return makeError(created.error());
    Workspace& dst = *created.value();
    auto login = dst.sessionUser();
    if (!login)
        return makeError(login.error());
    const std::string actor = login->toStdString();
    const auto emptySchemaLeft = [&](const QString& why) {
        return makeError(QStringLiteral("%1\nNothing was copied; %2 now holds an empty MDSync schema: drop and "
                                        "create the database again before the next attempt")
                             .arg(why, dst.path()));
    };
    auto copy = copyWorkspace(from, dst);
    if (!copy)
        return emptySchemaLeft(copy.error());
    const std::string reason = "migrated from " + from.path().toStdString();
    {
        Workspace::Transaction tx(dst);
        if (!tx)
            return tx.error();
        nlohmann::json tables = nlohmann::json::object();
        for (const TableCopy& t : copy->tables)
            tables[t.table.toStdString()] = t.rows;
        AuditLog audit(dst.db());
        if (auto r = audit.append(actor, "workspace.migrate", "workspace", std::nullopt,
                nlohmann::json { { "from", from.path().toStdString() }, { "to", dst.path().toStdString() },
                    { "source_audit_head", before.headHash }, { "source_audit_entries", before.entries },
                    { "rows", copy->rows }, { "tables", tables } },
                reason);
            !r)
            return makeError(r.error());
        if (auto r = dst.setMeta(QStringLiteral("migrated_from"),
                QStringLiteral("%1 at %2").arg(from.path(), QString::fromStdString(formatRfc3339(nowMs()))));
            !r)
            return makeError(r.error());
        if (auto r = tx.commit(); !r)
            return makeError(r.error());
    }
    auto roles = adoptMigratedRoles(dst, actor, reason);
    if (!roles)
        return makeError(roles.error());
    const AuditVerification after = AuditLog(dst.db()).verify();
    nlohmann::json tables = nlohmann::json::array();
    for (const TableCopy& t : copy->tables)
        tables.push_back({ { "table", t.table.toStdString() }, { "rows", t.rows } });
    return nlohmann::json { { "from", from.path().toStdString() }, { "to", dst.path().toStdString() },
        { "instance_id", dst.instanceId().toStdString() }, { "migrated_by", actor }, { "rows", copy->rows },
        { "ms", copy->ms }, { "tables", tables }, { "audit_ok", after.ok }, { "audit_entries", after.entries },
        { "audit_head", after.headHash }, { "source_audit_entries", before.entries },
        { "audit_problems", after.problems }, { "granted", roles->granted }, { "missing_logins", roles->missing },
        { "migrator_made_admin", roles->migratorMadeAdmin } };
}

} // namespace mdsync
