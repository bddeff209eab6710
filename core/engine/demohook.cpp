#include "engine/demohook.h"

namespace mdsync {

namespace {

// Set once in main before any core thread starts (the thread start orders it before every read).
DemoAttach& registeredDemo()
{
    static DemoAttach attach;
    return attach;
}

} // namespace

void setDemoAttach(DemoAttach attach)
{
    registeredDemo() = std::move(attach);
}

Result<std::unique_ptr<DemoTraffic>> attachRegisteredDemo(EmbeddedCore& core, const LiveDemoOptions& options)
{
    const DemoAttach& attach = registeredDemo();
    if (!attach)
        return makeError(QStringLiteral("this program has no live demo: its main does not call registerLiveDemo() "
                                        "(demo/livedemo.h, target mdsync_demo)"));
    return attach(core, options);
}

} // namespace mdsync
