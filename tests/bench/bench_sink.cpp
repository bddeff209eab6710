// bench_sink: the shared delivery sink of the propagation benchmarks. Starts K SimulatedSystems (docs/SIMULATED.md)
// on 127.0.0.1 ephemeral ports: no faults, no auth, no schema rules, optional uniform latency. Both MDSync
// (bench_propagate) and the Node-RED peer (tests/bench/nodered/) deliver to it: PUT /api/<domain>/<key> with an
// Idempotency-Key header (400 without it); a repeated key is a replay, not a second apply.
//
// Usage: bench_sink [--targets K] [--latency-ms MIN,MAX] [--until-stdin-eof]
//   --targets K          number of systems, ids SINK-1..SINK-K (default 5)
//   --latency-ms MIN,MAX uniform response delay per request (default 0,0; the apply is never delayed)
//   --until-stdin-eof    also stop when stdin reaches end of file (the parent closed the pipe or died)
// Stdout: one JSON line once every system listens: {"ports":[p1,...],"pid":N}
//         one JSON line on exit: {"targets":[{"id","port","total_applied","requests_received"},...],
//                                 "total_applied":N,"requests_received":N,"cpu_s":S}
// Runs until SIGTERM or SIGINT (or stdin EOF with --until-stdin-eof). Exit 0; 2 on a usage or setup error.

#include "demo/simulatedsystem.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

using namespace mdsync;
using nlohmann::json;
using OJson = nlohmann::ordered_json; // output keys in the documented order

namespace {

[[noreturn]] void die(const std::string& message)
{
    std::cerr << "bench_sink: " << message << '\n';
    std::exit(2);
}

void usage()
{
    std::cerr << "usage: bench_sink [--targets K] [--latency-ms MIN,MAX] [--until-stdin-eof]\n";
}

int parseInt(const std::string& text, const std::string& option, int min, int max)
{
    std::size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < min || value > max)
        die(option + ": expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "], got '" + text
            + "'");
    return value;
}

// Self-pipe: the signal handler only writes one byte; the event loop reads it and quits.
int g_signalFd[2] = { -1, -1 };

void onSignal(int)
{
    const int saved = errno;
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalFd[1], &byte, 1);
    errno = saved;
}

double processCpuSeconds()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);

    int targets = 5;
    int latencyMin = 0, latencyMax = 0;
    bool untilStdinEof = false;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        const std::string arg = args[i].toStdString();
        auto next = [&]() -> std::string {
            if (i + 1 >= args.size()) {
                usage();
                die(arg + " needs a value");
            }
            return args[++i].toStdString();
        };
        if (arg == "--targets") {
            targets = parseInt(next(), arg, 1, 64);
        } else if (arg == "--latency-ms") {
            const std::string v = next();
            const auto comma = v.find(',');
            if (comma == std::string::npos)
                die("--latency-ms: expected MIN,MAX, got '" + v + "'");
            latencyMin = parseInt(v.substr(0, comma), arg, 0, 60000);
            latencyMax = parseInt(v.substr(comma + 1), arg, 0, 60000);
            if (latencyMax < latencyMin)
                die("--latency-ms: MAX < MIN");
        } else if (arg == "--until-stdin-eof") {
            untilStdinEof = true;
        } else if (arg == "--help" || arg == "-h") {
            usage();
            return 0;
        } else {
            usage();
            die("unknown argument '" + arg + "'");
        }
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_signalFd) != 0)
        die("socketpair failed");
    struct sigaction sa
    {
    };
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a vanished stdout reader must not kill the sink before it stops cleanly

    QSocketNotifier signalNotifier(g_signalFd[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char buf[16];
        while (::read(g_signalFd[0], buf, sizeof buf) > 0) { }
        QCoreApplication::quit();
    });

    std::unique_ptr<QSocketNotifier> stdinNotifier;
    if (untilStdinEof) {
        stdinNotifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
        QObject::connect(stdinNotifier.get(), &QSocketNotifier::activated, &app, [&] {
            char buf[4096];
            const auto n = ::read(STDIN_FILENO, buf, sizeof buf); // input is ignored; only EOF matters
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                stdinNotifier->setEnabled(false);
                QCoreApplication::quit();
            }
        });
    }

    std::vector<std::unique_ptr<SimulatedSystem>> systems;
    OJson ports = OJson::array();
    for (int i = 1; i <= targets; ++i) {
        json config = { { "id", "SINK-" + std::to_string(i) } };
        if (latencyMax > 0)
            config["latency_ms"] = { latencyMin, latencyMax };
        auto parsed = SimulatedConfig::fromJson(config);
        if (!parsed)
            die("config: " + parsed.error().toStdString());
        auto system = std::make_unique<SimulatedSystem>(std::move(parsed.value()));
        const auto port = system->start(0);
        if (!port)
            die("start SINK-" + std::to_string(i) + ": " + port.error().toStdString());
        ports.push_back(port.value());
        systems.push_back(std::move(system));
    }
    std::cout << OJson { { "ports", ports }, { "pid", static_cast<long long>(::getpid()) } }.dump() << std::endl;

    const int rc = app.exec();

    OJson perTarget = OJson::array();
    qint64 totalApplied = 0, requestsReceived = 0;
    for (const auto& system : systems) {
        perTarget.push_back({ { "id", system->id().toStdString() }, { "port", system->port() },
            { "total_applied", system->totalApplied() }, { "requests_received", system->requestsReceived() } });
        totalApplied += system->totalApplied();
        requestsReceived += system->requestsReceived();
    }
    std::cout << OJson {
        { "targets", perTarget }, { "total_applied", totalApplied }, { "requests_received", requestsReceived },
        { "cpu_s", processCpuSeconds() }
    }.dump() << std::endl;
    return rc;
}
