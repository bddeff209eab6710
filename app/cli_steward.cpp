#include "clicommands.h"

#include "steward/exceptionactions.h"

namespace mdsync::cli {

// Placeholders until the steward commands land (this file is being written).
int cmdCorrect(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdDecide(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdReplay(const Args& a)
{
    bool ok = false;
    const std::int64_t id = a.value(QStringLiteral("id")).toLongLong(&ok);
    if (!ok || id <= 0)
        return fail(QStringLiteral("replay needs --id N (an exception id, see mdsyncctl exceptions)"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    ExceptionActions actions(*ws.value());
    if (auto r = actions.replay(actor(a), id, a.value(QStringLiteral("reason")).toStdString()); !r)
        return fail(r.error());
    out() << "replay #" << id << ": done\n";
    return Ok;
}
int cmdRule(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }
int cmdCorrections(const Args& a) { return fail(QStringLiteral("'%1' is not built yet").arg(a.command)); }

} // namespace mdsync::cli
