#pragma once

// Commands implemented outside cli.cpp, one file per area.

#include "clicommon.h"

namespace mdsync::cli {

// cli_steward.cpp: corrections, four-eyes, replay (one / --filter / --dry-run), fix rules.
int cmdCorrect(const Args& a);
int cmdDecide(const Args& a); // approve / reject a correction
int cmdReplay(const Args& a);
int cmdRule(const Args& a);
int cmdCorrections(const Args& a);

// cli_metrics.cpp: KPIs and alerts.
int cmdMetrics(const Args& a);
int cmdAlerts(const Args& a);

// cli_governance.cpp: authority at a point in time, governed configuration changes.
int cmdAuthority(const Args& a);
int cmdPropose(const Args& a);
int cmdDecideChange(const Args& a); // approve-change / reject-change
int cmdProposals(const Args& a);

// cli_export.cpp: audit exports (CSV, JSON Lines, PDF, OpenLineage) and their offline verification.
int cmdExportAudit(const Args& a);
int cmdVerifyExport(const Args& a);

} // namespace mdsync::cli
