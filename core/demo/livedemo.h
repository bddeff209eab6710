#pragma once

// The live demo: every subscriber system of the built-in landscape as a simulated HTTP target on 127.0.0.1
// with its own schema rules and faults, a REST connector for each, and a traffic generator that feeds
// realistic change events through the ingest pipeline. Used by `mdsyncctl demo` and the GUI's demo mode.

#include "connectors/connector.h"
#include "engine/demohook.h"
#include "sync/ingestpipeline.h"
#include "util/result.h"

#include <QObject>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

class QTimer;

namespace mdsync {

class SimulatedLandscape;
class SimulatedSystem;

struct EmbeddedCore;

// LiveDemoOptions: engine/demohook.h.
class LiveDemo final : public DemoTraffic
{
    Q_OBJECT
public:
    LiveDemo(IngestPipeline& pipeline, LiveDemoOptions options = {}, QObject* parent = nullptr);
    ~LiveDemo() override;

    // The simulated configuration of each subscriber system (JSON array, see SimulatedConfig).
    static nlohmann::json systemsConfig(bool faults);
    // The REST connector to the simulated system `systemId` listening on 127.0.0.1:port (reads back, for
    // `reconcile`).
    static nlohmann::json connectorConfig(const std::string& systemId, quint16 port);

    // Starts a simulated system for every subscriber of the landscape and a REST connector to each.
    Result<void> startSystems();
    Connector* connector(const std::string& systemId) const;
    std::vector<std::string> systemIds() const;
    SimulatedSystem* system(const std::string& systemId) const;

    void startTraffic() override;
    void stopTraffic() override;
    // One traffic step now (tests, and the timer).
    void step();

    std::int64_t eventsSent() const { return m_eventsSent; }
    const IngestSummary& totals() const { return m_totals; }

    // Signals (DemoTraffic): ingested(summary) after each traffic step, ingestFailed(message).

private:
    void queueStory();
    std::string nowText() const;
    std::string next(const std::string& source);

    IngestPipeline& m_pipeline;
    LiveDemoOptions m_o;
    SimulatedLandscape* m_systems = nullptr;
    std::map<std::string, std::unique_ptr<Connector>> m_connectors;
    QTimer* m_timer = nullptr;
    std::mt19937 m_rng;
    std::vector<std::vector<std::string>> m_queue; // pending steps, each a list of event lines
    std::vector<std::string> m_releasedItems; // for lifecycle changes and BOM components
    std::int64_t m_eventsSent = 0;
    int m_story = 0;
    int m_eventNo = 0;
    IngestSummary m_totals;
};

// Starts the simulated systems of the live demo, connects the dispatcher to them and makes ingested traffic
// wake the dispatcher. Traffic itself starts with LiveDemo::startTraffic().
Result<std::unique_ptr<LiveDemo>> attachLiveDemo(EmbeddedCore& core, const LiveDemoOptions& options);

// Makes CoreService's demo mode run this live demo (engine/demohook.h). Call once in main, before a core starts.
void registerLiveDemo();

} // namespace mdsync
