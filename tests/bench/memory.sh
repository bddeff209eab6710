#!/bin/sh
# Peak RSS (VmHWM, /usr/bin/time -v "Maximum resident set size") of the headless core through an N-event run on
# an embedded SQLite workspace (issue 16: below 150 MB at 1M events). docs/BENCHMARKS.md "Memory" has the figures.
#
#   tests/bench/memory.sh BUILD_DIR N [RUN_SECONDS]
#
# 1. bench_ingest --write-events: N item create events, the generator bench_ingest times (unique keys and part
#    numbers, realistic descriptions);
# 2. bench_sink: 5 loopback targets on 127.0.0.1 (SimulatedSystem, no faults), the same sink bench_propagate uses;
# 3. mdsyncctl init with the built-in landscape plus the 5 sinks (micro-batching on) subscribed to items;
# 4. mdsyncctl ingest of the N events (5 N deliveries queued);
# 5. mdsyncctl run --until-idle --timeout RUN_SECONDS (default 600): propagation to the sinks, bounded in time.
# Every mdsyncctl process runs under /usr/bin/time -v; the script prints its peak RSS and wall time.
# Work files go to $TMPDIR (default /tmp) and are deleted at the end.
set -eu
BUILD=${1:?build directory (with app/mdsyncctl and tests/bench/bench_ingest, bench_sink)}
N=${2:?number of events}
RUN_S=${3:-600}
CTL=$BUILD/app/mdsyncctl
DIR=$(mktemp -d "${TMPDIR:-/tmp}/mdsync-memory.XXXXXX")
SINK_PID=
cleanup() {
    if [ -n "$SINK_PID" ]; then kill "$SINK_PID" 2>/dev/null || true; wait "$SINK_PID" 2>/dev/null || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

peak() { # label, time -v output file
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$2")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$2")
    echo "$1: peak RSS $((kb / 1024)) MB ($kb kB), wall $wall"
}

"$BUILD/tests/bench/bench_ingest" --events "$N" --write-events "$DIR/events.jsonl"

mkfifo "$DIR/sink.out"
"$BUILD/tests/bench/bench_sink" >"$DIR/sink.out" &
SINK_PID=$!
exec 3<"$DIR/sink.out"
read -r PORTS <&3
python3 - "$PORTS" "$(dirname "$0")/../../resources/landscape/default-landscape.json" "$DIR/landscape.json" <<'EOF'
import json, sys
ports = json.loads(sys.argv[1])["ports"]
land = json.load(open(sys.argv[2]))
land["subscriptions"] = []
for i, port in enumerate(ports[:5]):
    sid = "SINK-%d" % (i + 1)
    land["systems"].append({"id": sid, "name": "Bench sink %d" % (i + 1), "kind": "SaaS", "plants": [],
        "max_concurrency": 8, "inbound": False,
        "connector": {"kind": "rest", "base_url": "http://127.0.0.1:%d" % port, "timeout_ms": 30000,
                      "batch_path": "/api/{domain}/_batch", "micro_batch": True}})
    land["subscriptions"].append({"domain": "item", "target": sid, "pattern": "event", "sla_minutes": 15,
        "criticality": "high", "contract_version": "1"})
json.dump(land, open(sys.argv[3], "w"))
EOF

WS=$DIR/ws.mdsync
"$CTL" init --workspace "$WS" --landscape "$DIR/landscape.json" >/dev/null
/usr/bin/time -v -o "$DIR/ingest.time" "$CTL" ingest "$DIR/events.jsonl" --workspace "$WS" >"$DIR/ingest.out"
tail -n 3 "$DIR/ingest.out"
peak "mdsyncctl ingest of $N events" "$DIR/ingest.time"
ls -l "$WS" | awk '{print "workspace bytes: " $5}'

/usr/bin/time -v -o "$DIR/run.time" "$CTL" run --until-idle --timeout "$RUN_S" --workspace "$WS" >"$DIR/run.out" 2>&1 \
    || echo "run: not drained within $RUN_S s (bounded propagation phase)"
tail -n 1 "$DIR/run.out"
peak "mdsyncctl run (propagation, at most $RUN_S s)" "$DIR/run.time"
"$CTL" overview --workspace "$WS" 2>/dev/null | head -n 12 || true
