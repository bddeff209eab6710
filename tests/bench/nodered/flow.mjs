// Writes the Node-RED flow of the peer benchmark (a flows.json) to stdout, for the given sink ports.
//
//   node flow.mjs PORT1 PORT2 PORT3 PORT4 PORT5 > flows.json
//
// The flow is what a user would wire by hand for "receive a master-data event, validate it, push it to 5
// systems, answer when all 5 acknowledged":
//
//   http in POST /event -> function "validate" -(outputs 1..5)-> http request "PUT SINK-i" (x5) -> join "all acked"
//                            \-(output 6: bad event, 400)-> http response        function "respond" <-/
//                                                             http response <-/
//
// validate: the envelope must have non-empty strings source, event_id, domain, key, op ("upsert"|"delete") and an
//   attributes object; otherwise 400 {"error","field"}. A good event becomes one message per target (the same
//   cloning Node-RED does when one output is wired to several nodes) with the target's URL parts,
//   Idempotency-Key "<event_id>:<target>", the attributes as the JSON body and msg.parts = {id: _msgid, count: N}
//   so the join can group the N answers of one HTTP request.
// http request: PUT http://127.0.0.1:<port>/api/<domain>/<key>, keep-alive on, answer parsed as JSON, no retry
//   (Node-RED's http request node never retries), errors passed on as messages (statusCode = error code).
// join: manual mode, builds {target id (msg.topic): msg.statusCode} into msg.statusCode, groups by msg.parts.id
//   with the count from msg.parts.count, 10 s timeout (an incomplete group is sent as is and answered 500).
// respond: 200 {"event_id","acked":N} when all N targets answered 200, else 500 with the per-target statuses.
import process from "node:process";

const ports = process.argv.slice(2).map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
        process.stderr.write(`flow.mjs: bad port '${p}'\n`);
        process.exit(2);
    }
    return n;
});
if (ports.length === 0) {
    process.stderr.write("usage: node flow.mjs PORT... > flows.json\n");
    process.exit(2);
}
const targets = ports.map((port, i) => ({ id: `SINK-${i + 1}`, port }));

const validate = `
const e = msg.payload;
function bad(field, error) {
    msg.statusCode = 400;
    msg.headers = { "Content-Type": "application/json" };
    msg.payload = { error: error, field: field };
    const out = new Array(TARGETS.length + 1).fill(null);
    out[TARGETS.length] = msg;
    return out;
}
if (e === null || typeof e !== "object" || Array.isArray(e)) return bad("", "body must be a JSON object");
for (const f of ["source", "event_id", "domain", "key", "op"]) {
    if (typeof e[f] !== "string" || e[f] === "") return bad(f, "missing or not a non-empty string");
}
if (e.op !== "upsert" && e.op !== "delete") return bad("op", "must be upsert or delete");
if (e.attributes === null || typeof e.attributes !== "object" || Array.isArray(e.attributes))
    return bad("attributes", "must be an object");
const out = [];
TARGETS.forEach((t, i) => {
    const m = i === TARGETS.length - 1 ? msg : RED.util.cloneMessage(msg);
    m.topic = t;
    m.event_id = e.event_id;
    m.path = { domain: encodeURIComponent(e.domain), key: encodeURIComponent(e.key) };
    m.headers = { "Idempotency-Key": e.event_id + ":" + t, "Content-Type": "application/json" };
    m.parts = { id: msg._msgid, count: TARGETS.length };
    m.payload = e.attributes;
    out.push(m);
});
out.push(null);
return out;
`; // TARGETS (the target ids, in output order) is prepended below

const respond = `
// The join wrote the object {target: statusCode} into msg.statusCode (its configured property).
const statuses = msg.statusCode || {};
const acked = Object.keys(statuses).filter((t) => statuses[t] === 200).length;
const ok = acked === ${targets.length};
msg.statusCode = ok ? 200 : 500;
msg.headers = { "Content-Type": "application/json" };
msg.payload = ok ? { event_id: msg.event_id, acked: acked } : { event_id: msg.event_id, acked: acked, statuses: statuses };
delete msg.parts;
return msg;
`;

const tab = "bench-tab";
const nodes = [
    { id: tab, type: "tab", label: "MDSync peer benchmark", disabled: false, info: "" },
    {
        id: "in",
        type: "http in",
        z: tab,
        name: "POST /event",
        url: "/event",
        method: "post",
        upload: false,
        swaggerDoc: "",
        x: 120,
        y: 100,
        wires: [["validate"]],
    },
    {
        id: "validate",
        type: "function",
        z: tab,
        name: "validate",
        func: validate,
        outputs: targets.length + 1,
        timeout: 0,
        noerr: 0,
        initialize: "",
        finalize: "",
        libs: [],
        x: 300,
        y: 100,
        wires: [...targets.map((t) => [`req-${t.id}`]), ["out"]],
    },
    ...targets.map((t, i) => ({
        id: `req-${t.id}`,
        type: "http request",
        z: tab,
        name: `PUT ${t.id}`,
        method: "PUT",
        ret: "obj",
        paytoqs: "ignore",
        url: `http://127.0.0.1:${t.port}/api/{{{path.domain}}}/{{{path.key}}}`,
        tls: "",
        persist: true,
        proxy: "",
        insecureHTTPParser: false,
        authType: "",
        senderr: false,
        headers: [],
        x: 520,
        y: 40 + 40 * i,
        wires: [["join"]],
    })),
    {
        id: "join",
        type: "join",
        z: tab,
        name: "all acked",
        mode: "custom",
        build: "object",
        property: "statusCode",
        propertyType: "msg",
        key: "topic",
        joiner: "\\n",
        joinerType: "str",
        useparts: true,
        accumulate: false,
        timeout: "10",
        count: "",
        reduceRight: false,
        x: 720,
        y: 100,
        wires: [["respond"]],
    },
    {
        id: "respond",
        type: "function",
        z: tab,
        name: "respond",
        func: respond,
        outputs: 1,
        timeout: 0,
        noerr: 0,
        initialize: "",
        finalize: "",
        libs: [],
        x: 880,
        y: 100,
        wires: [["out"]],
    },
    { id: "out", type: "http response", z: tab, name: "", statusCode: "", headers: {}, x: 1040, y: 100, wires: [] },
];

// The validate function needs the target ids; inline them as a constant at the top of its body.
nodes.find((n) => n.id === "validate").func = `const TARGETS = ${JSON.stringify(targets.map((t) => t.id))};\n` + validate.trim() + "\n";

process.stdout.write(JSON.stringify(nodes, null, 2) + "\n");
