#pragma once

#include "sync/ingestpipeline.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <functional>
#include <memory>
#include <string>

namespace mdsync {

struct InboundOptions
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost); // loopback unless said otherwise
    quint16 port = 0; // 0 = any free port; start() returns the bound one
    QByteArray token; // required bearer token; empty = start() refuses with an error
    qsizetype maxBodyBytes = qsizetype(16) * 1024 * 1024; // larger bodies are answered 413
    std::string actor = "webhook"; // recorded as the actor of the ingest runs
    std::function<TimeMs()> clock; // clock override for tests (UTC ms); nullptr = system clock
};

// The webhook side of the sync core: an HTTP server (QHttpServer) in front of the IngestPipeline.
//   POST /events    one change-event envelope (a JSON object) or JSON Lines; ingested, answered with the run's
//                   summary and a verdict per line (bad events are exceptions, not HTTP errors)
//   POST /validate  same body; validated against schema and ownership, nothing stored; verdict per line
//   GET  /health    {"status":"ok"}, no authentication
// Every error body is {"error": "..."}. See docs/INBOUND.md.
// Lives on the thread of the read-write Workspace (the core's writer thread); requests are handled there,
// one at a time, synchronously.
class InboundServer : public QObject
{
    Q_OBJECT

public:
    InboundServer(IngestPipeline& pipeline, InboundOptions options, QObject* parent = nullptr);
    ~InboundServer() override;
    InboundServer(const InboundServer&) = delete;
    InboundServer& operator=(const InboundServer&) = delete;

    // Starts listening; returns the bound port. Errors: no token, already started, address/port not available.
    Result<quint16> start();
    // Stops listening and closes open connections. start() may be called again.
    void stop();

    bool isListening() const;
    quint16 port() const { return m_port; } // 0 when not listening
    const InboundOptions& options() const { return m_options; }

Q_SIGNALS:
    // After each POST /events that reached the store (not after /validate, not after an error answer).
    void eventsIngested(const mdsync::IngestSummary& summary);

private:
    class Impl;
    std::unique_ptr<Impl> d;
    IngestPipeline& m_pipeline;
    InboundOptions m_options;
    quint16 m_port = 0;
};

} // namespace mdsync
