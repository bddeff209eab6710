// Load generator of the Node-RED peer benchmark: POSTs N event envelopes over C keep-alive connections and prints
// one JSON line. Plain Node (>= 18), no npm packages.
//
//   node loadgen.mjs --url http://127.0.0.1:PORT/event [--events N] [--concurrency C] [--warmup W]
//                    [--run-id ID] [--timeout-ms T] [--deadline-s S]
//
// --events N       measured events (default 20000), each with a unique event_id and key
// --concurrency C  requests in flight = keep-alive connections (http.Agent keepAlive, maxSockets C; default 32)
// --warmup W       events sent first with the same concurrency, not measured (default 0; other keys)
// --run-id ID      prefix of event ids and keys, so several runs against one sink never collide (default: pid)
// --timeout-ms T   per-request timeout (default 15000); a timeout counts as an error
// --deadline-s S   stop issuing new requests after S seconds of the measured phase (default 150; the warm-up
//                  phase stops after min(S, 25) s); a cut-short run reports "deadline_hit":true
//
// Measures: events_per_s = 200 answers / wall time of the measured phase; p50/p99/max of the request latency
// (POST sent -> answer complete; for the Node-RED flow that is event -> all targets acked, since the answer waits
// for the join); errors = non-200 answers + transport errors + timeouts.
// Exit 0 when every measured event got a 200, 1 otherwise, 2 on a usage error.
import http from "node:http";
import process from "node:process";

function usage(message) {
    process.stderr.write(`loadgen: ${message}\nusage: node loadgen.mjs --url URL [--events N] [--concurrency C] ` +
        "[--warmup W] [--run-id ID] [--timeout-ms T] [--deadline-s S]\n");
    process.exit(2);
}

const opts = { url: "", events: 20000, concurrency: 32, warmup: 0, runId: String(process.pid), timeoutMs: 15000,
    deadlineS: 150 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
        if (i + 1 >= argv.length) usage(`${a} needs a value`);
        return argv[++i];
    };
    const int = (min) => {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < min) usage(`${a}: expected an integer >= ${min}, got '${v}'`);
        return n;
    };
    if (a === "--url") opts.url = value();
    else if (a === "--events") opts.events = int(1);
    else if (a === "--concurrency") opts.concurrency = int(1);
    else if (a === "--warmup") opts.warmup = int(0);
    else if (a === "--run-id") opts.runId = value();
    else if (a === "--timeout-ms") opts.timeoutMs = int(1);
    else if (a === "--deadline-s") opts.deadlineS = int(1);
    else usage(`unknown argument '${a}'`);
}
if (!opts.url) usage("--url is required");
const target = new URL(opts.url);
if (target.protocol !== "http:") usage("--url must be http://");

const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });

function envelope(phase, n) {
    const seq = String(n + 1).padStart(7, "0");
    return JSON.stringify({
        source: "PLM",
        event_id: `PLM-${opts.runId}-${phase}-${seq}`,
        domain: "item",
        key: `RM-${opts.runId}-${phase}-${seq}`,
        op: "upsert",
        occurred_at: "2026-11-28T08:00:00Z",
        attributes: {
            description: "Hex bolt M12x80",
            item_type: "raw_material",
            base_uom: "EA",
            net_weight: "12.5 kg",
            plants: ["P100"],
            lifecycle_status: "released",
        },
    });
}

function post(body) {
    return new Promise((resolve) => {
        const start = process.hrtime.bigint();
        const done = (status, error) => resolve({ status, error, ms: Number(process.hrtime.bigint() - start) / 1e6 });
        const req = http.request({
            agent,
            host: target.hostname,
            port: target.port,
            path: target.pathname + target.search,
            method: "POST",
            headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
            timeout: opts.timeoutMs,
        }, (res) => {
            res.on("data", () => {});
            res.on("end", () => done(res.statusCode, null));
            res.on("error", (e) => done(0, e.code || String(e)));
        });
        req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
        req.on("error", (e) => done(0, e.code || String(e)));
        req.end(body);
    });
}

async function phase(name, count, deadlineMs) {
    const latencies = [];
    const statuses = {};
    const errors = {};
    let next = 0;
    let ok = 0;
    const t0 = process.hrtime.bigint();
    const deadline = Date.now() + deadlineMs;
    async function worker() {
        while (next < count && Date.now() < deadline) {
            const r = await post(envelope(name, next++));
            statuses[r.status] = (statuses[r.status] || 0) + 1;
            if (r.status === 200) {
                ++ok;
                latencies.push(r.ms);
            } else {
                const k = r.error || `http_${r.status}`;
                errors[k] = (errors[k] || 0) + 1;
            }
        }
    }
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, count) }, worker));
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    latencies.sort((a, b) => a - b);
    const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : null);
    const round = (x, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
    return {
        sent: next,
        ok,
        errors: next - ok,
        error_kinds: errors,
        statuses,
        seconds: round(seconds, 3),
        events_per_s: round(ok / seconds, 1),
        p50_ms: round(pct(0.5)),
        p99_ms: round(pct(0.99)),
        max_ms: round(latencies.length ? latencies[latencies.length - 1] : null),
    };
}

let warmup = null;
if (opts.warmup > 0) warmup = await phase("w", opts.warmup, Math.min(25, opts.deadlineS) * 1000);
const measured = await phase("m", opts.events, opts.deadlineS * 1000);
agent.destroy();
const out = { url: opts.url, events: opts.events, concurrency: opts.concurrency, warmup: opts.warmup, ...measured,
    deadline_hit: measured.sent < opts.events || (warmup !== null && warmup.sent < opts.warmup) };
if (warmup) {
    out.warmup_result = { sent: warmup.sent, ok: warmup.ok, errors: warmup.errors, error_kinds: warmup.error_kinds,
        events_per_s: warmup.events_per_s };
}
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(measured.ok === opts.events ? 0 : 1);
