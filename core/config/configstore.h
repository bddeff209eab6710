#pragma once

#include "contract/contract.h"
#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"
#include "util/result.h"

#include <memory>
#include <string>

namespace mdsync {

// The model, landscape and contracts in force in a workspace (per kind, the newest config_version whose
// effective_at has come).
struct ActiveConfig
{
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
    // Built against model and landscape; contracts no subscription uses are dormant (ContractSet::Fit::AllowDormant).
    std::shared_ptr<const ContractSet> contracts;
    qint64 modelVersionId = 0;
    qint64 landscapeVersionId = 0;
    qint64 contractsVersionId = 0; // 0: none stored yet (a workspace from before schema 10): the built-in defaults
};

// Records a model and a landscape as the configuration in force: stores both documents, rewrites the
// projections (system, domain, ownership, subscription) and appends one audit entry per document that
// changed (with the previous version and hash as "before"). Runs in its own transaction.
// Unchanged documents (same content hash as the one in force) are not stored again.
// effectiveAt: when the stored documents take effect (UTC ms; 0 = now; callers pass now or later). The projections
// are rewritten only when the configuration takes effect now; a future-dated version is stored (and audited) at
// once, and its projections are written by loadActiveConfig on a read-write workspace once it is due.
// Unchanged is judged against the version in force at effectiveAt.
Result<void> installConfig(Workspace& ws, const CanonicalModel& model, const QString& modelOrigin,
    const Landscape& landscape, const QString& landscapeOrigin, const std::string& actor, TimeMs effectiveAt = 0);
// The same inside the caller's transaction (the caller commits or rolls back).
Result<void> installConfigInTransaction(Workspace& ws, const CanonicalModel& model, const QString& modelOrigin,
    const Landscape& landscape, const QString& landscapeOrigin, const std::string& actor, TimeMs effectiveAt);

// Stores a contracts document as a new version effective at `effectiveAt` (0 = now) and audits it as
// "config.contracts.install" (before: the version in force then, if any). In the caller's transaction.
// The workspace's first contracts version is stored by installConfig* (the built-in defaults for its landscape).
Result<qint64> installContractsInTransaction(
    Workspace& ws, const ContractSet& contracts, const QString& origin, const std::string& actor, TimeMs effectiveAt);

// The ids of the versions in force at `at`, per kind (0: none stored). A running core compares them with the ones it
// runs with to pick up a version that became due (CoreRunner, docs/GOVERNANCE.md "Hot configuration").
struct ConfigVersionIds
{
    qint64 model = 0;
    qint64 landscape = 0;
    qint64 contracts = 0;
    bool operator==(const ConfigVersionIds&) const = default;
};
Result<ConfigVersionIds> configVersionsAt(Workspace& ws, TimeMs at);
ConfigVersionIds versionIds(const ActiveConfig& config);

// Loads and re-validates the configuration in force now. On a read-write workspace it also rewrites the
// projections when a future-dated version has become due since they were written (audited as
// "config.activate"); when that cannot be done now (e.g. inside the caller's transaction) the projections are
// rewritten on a later call. A read-write workspace without stored contracts gets the built-in defaults installed.
Result<ActiveConfig> loadActiveConfig(Workspace& ws);
// The configuration in force at `at` (per kind, the newest version with effective_at <= at); no side effects.
Result<ActiveConfig> loadConfigAt(Workspace& ws, TimeMs at);

} // namespace mdsync
