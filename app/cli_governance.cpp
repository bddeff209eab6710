#include "clicommands.h"

namespace mdsync::cli {

// Placeholders until the governance commands land (this file is being written).
int cmdAuthority(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdPropose(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdDecideChange(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdProposals(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }

} // namespace mdsync::cli
