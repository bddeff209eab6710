#pragma once

// Commands implemented outside cli.cpp, one file per area.

#include "clicommon.h"

#include <QObject>

#include <memory>

namespace mdsync {
struct EmbeddedCore;
class LocalTrytonServer;
} // namespace mdsync

namespace mdsync::cli {

// cli_steward.cpp: corrections, four-eyes, replay (one / --filter / --dry-run), fix rules.
// assign, unassign, comment, discard, resolve, replay of one exception (--id N), through the steward facade.
int cmdExceptionAction(const Args& a);
int cmdCorrect(const Args& a);
int cmdDecide(const Args& a); // approve / reject a correction
int cmdReplay(const Args& a);
int cmdRule(const Args& a);
int cmdCorrections(const Args& a);
// duplicates list | compare | dismiss: the open duplicate suspects, a pair side by side, "not a duplicate".
int cmdDuplicates(const Args& a);

// cli_metrics.cpp: KPIs and alerts.
int cmdMetrics(const Args& a);
int cmdAlerts(const Args& a);

// cli_governance.cpp: authority at a point in time, governed configuration changes.
int cmdAuthority(const Args& a);
int cmdPropose(const Args& a);
int cmdConfigShow(const Args& a);
int cmdOnboard(const Args& a);
int cmdDecideChange(const Args& a); // approve-change / reject-change
int cmdProposals(const Args& a);

// cli_export.cpp: audit exports (CSV, JSON Lines, PDF, OpenLineage) and their offline verification.
int cmdExportAudit(const Args& a);
int cmdVerifyExport(const Args& a);

// cli_retention.cpp: archive revision payloads per the retention policy (docs/RETENTION.md), verify an archive offline.
int cmdArchive(const Args& a);
int cmdVerifyArchive(const Args& a);

// cli_migrate.cpp: a SQLite workspace file into an empty PostgreSQL database, with its history.
int cmdMigrate(const Args& a);
// upgrade: the read-write open alone (migrates an older schema; docs/DEPLOYMENT.md "Upgrades").
int cmdUpgrade(const Args& a);

// cli_reconcile.cpp: reconciliation on demand. (The per-subscription schedule of `run`, "reconcile_minutes", is
// CoreRunner's.)
int cmdReconcile(const Args& a);
// Milliseconds per "minute" of reconcile_minutes: 60000, or MDSYNC_RECONCILE_MINUTE_MS (tests).
int reconcileMinuteMs();

// cli_trytondemo.cpp: demo --tryton. Starts a Tryton server with a fresh database and switches the demo
// workspace's landscape to it (ERP connector kind tryton, ERP subscriptions on contract tryton-1); then, once the
// core and the simulated systems run, connectDemoTryton() makes the dispatcher deliver ERP's share to Tryton.
Result<std::unique_ptr<LocalTrytonServer>> startDemoTryton(const QString& workspacePath, const std::string& who);
Result<void> connectDemoTryton(EmbeddedCore& core);

} // namespace mdsync::cli
