#pragma once

#include "model/canonicalmodel.h"
#include "policy/landscape.h"
#include "store/workspace.h"
#include "util/result.h"

#include <memory>
#include <string>

namespace mdsync {

// The model and landscape in force in a workspace (the newest config_version of each kind).
struct ActiveConfig
{
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
    qint64 modelVersionId = 0;
    qint64 landscapeVersionId = 0;
};

// Records a model and a landscape as the configuration in force: stores both documents, rewrites the
// projections (system, domain, ownership, subscription) and appends one audit entry per document that
// changed (with the previous version and hash as "before"). Runs in its own transaction.
// Unchanged documents (same content hash as the one in force) are not stored again.
Result<void> installConfig(Workspace& ws, const CanonicalModel& model, const QString& modelOrigin,
    const Landscape& landscape, const QString& landscapeOrigin, const std::string& actor);

// Loads and re-validates the configuration in force.
Result<ActiveConfig> loadActiveConfig(Workspace& ws);

} // namespace mdsync
