#pragma once

// The live demo (simulated systems and their traffic) lives in mdsync_demo, a layer above the engine that the
// production layers neither include nor link. CoreService's demo mode (the GUI's) starts it through this hook:
// mdsync_demo's registerLiveDemo() installs the function that attaches a live demo to an opened core. The apps'
// mains call it; a program that did not gets an error naming the missing registration, not a silent no-op.

#include "sync/ingestpipeline.h"
#include "util/result.h"

#include <QObject>
#include <QString>

#include <cstdint>
#include <functional>
#include <memory>

namespace mdsync {

struct EmbeddedCore;

struct LiveDemoOptions
{
    std::uint32_t seed = 2026;
    int eventIntervalMs = 250; // one traffic step (1-4 events) this often
    bool faults = true; // error rates, an outage, rate limits, schema rules that reject
};

// What the engine drives of a running demo: its traffic, and what the traffic did.
class DemoTraffic : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual void startTraffic() = 0;
    virtual void stopTraffic() = 0;

Q_SIGNALS:
    void ingested(const mdsync::IngestSummary& summary);
    void ingestFailed(const QString& message);
};

using DemoAttach = std::function<Result<std::unique_ptr<DemoTraffic>>(EmbeddedCore&, const LiveDemoOptions&)>;

// Installs the live demo (registerLiveDemo() in demo/livedemo.h). Call it in main, before any CoreService starts.
void setDemoAttach(DemoAttach attach);
// Attaches the registered live demo to `core`; an error when none is registered.
Result<std::unique_ptr<DemoTraffic>> attachRegisteredDemo(EmbeddedCore& core, const LiveDemoOptions& options);

} // namespace mdsync
