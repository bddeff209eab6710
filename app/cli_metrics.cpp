#include "clicommands.h"

namespace mdsync::cli {

// Placeholders until the metrics commands land (this file is being written).
int cmdMetrics(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdAlerts(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }

} // namespace mdsync::cli
