#include "cli.h"
#include "clicommands.h"
#include "clicommon.h"

#include "access/identity.h"
#include "access/roles.h"
#include "audit/auditexport.h"
#include "audit/auditlog.h"
#include "config/configstore.h"
#include "connectors/connectorfactory.h"
#include "connectors/tryton/trytonserver.h"
#include "contract/contract.h"
#include "demo/livedemo.h"
#include "demo/simulatedsystem.h"
#include "engine/corerunner.h"
#include "engine/embeddedcore.h"
#include "engine/simulatedendpoints.h"
#include "metrics/alerts.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "store/backup.h"
#include "store/deliverystatus.h"
#include "store/livestatus.h"
#include "store/readexceptions.h"
#include "store/readqueries.h"
#include "store/workspace.h"
#include "sync/dispatcher.h"
#include "sync/fileinbox.h"
#include "sync/inboundserver.h"
#include "sync/ingestpipeline.h"
#include "util/jsonfile.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <vector>

namespace mdsync::cli {

namespace {

const char* kUsage = R"(Usage: mdsyncctl <command> --workspace PATH [options]

Commands:
  init [--landscape FILE] [--model FILE]   create a workspace with a landscape (default: built-in demo landscape)
       [--asserted-identities]             a demo/test workspace where --user may name any login
  ingest FILE|-  [--source-name NAME]      ingest change events (JSON Lines) from a file or stdin
  objects [--domain D] [--prefix K] [--limit N]
  status --domain D --key K                an object's revision and its delivery state per target system
  lineage --domain D --key K               everything that happened to an object, in order
  exceptions [--status S] [--category C] [--domain D] [--key K] [--raw] [--limit N]
  overview                                 objects, deliveries per target and status, open exceptions
  verify-audit                             check the hash chain of the audit log
  run [--until-idle] [--timeout S]         run the sync core headless: send the outbox to every target system
      [--listen PORT] [--inbox DIR]        (SIGINT/SIGTERM stop it cleanly; --until-idle exits when nothing is
                                           in flight or due within 10 minutes and no initial load runs).
                                           --listen: the inbound webhook on 127.0.0.1:PORT (POST /events, POST
                                           /validate; bearer token from MDSYNC_WEBHOOK_TOKEN). --inbox: ingest
                                           JSONL/CSV files dropped in DIR
  pause --target T --reason TEXT           pause deliveries to a target (events keep queuing); audited
  resume --target T --reason TEXT          resume a paused target
  probe --target T --reason TEXT           probe a target whose circuit is open now (the running dispatcher sends
                                           one probe within a second; an answer closes the circuit); audited
  grant|revoke --login L --role R --reason TEXT
                                           give or take a role (viewer, steward, approver, auditor, admin);
                                           admins only; the creator of a workspace is its first admin
  roles                                    logins and their roles
  assign --id N --to LOGIN | unassign --id N    exception ownership (stewards)
  comment --id N --text TEXT               a note on an exception
  discard --id N --reason-code C [--reason TEXT]
                                           close an exception: superseded, obsolete_object, duplicate,
                                           target_decommissioned, other (other needs --reason)
  resolve --id N --reason TEXT             close an exception fixed elsewhere (e.g. at the source)
  duplicates list [--domain D] [--json]    open duplicate suspects: both keys, similarity, compared attributes, age
  duplicates compare --exception N | --domain D --keys A B [--json]
                                           two objects side by side: attributes, revisions, sources, the targets
                                           that acknowledged each, and any decision on the pair
  duplicates dismiss --exception N --reason TEXT | --domain D --keys A B --reason TEXT
                                           not a duplicate (stewards, admins): remembered for the pair, which is
                                           never raised again; resolves its open suspects; audited
  duplicates merge --exception N --into KEY --reason TEXT | --domain D --keys A B --into KEY --reason TEXT
                                           merge the pair into KEY (stewards): the other key becomes an alias,
                                           references to it are redirected by new revisions, it is retired at the
                                           targets (or redirected, per contract); four-eyes in critical domains
  duplicates approve-merge --merge N [--reason TEXT] | reject-merge --merge N --reason TEXT
                                           an approver (not the proposer) applies or rejects a merge
  duplicates merges [--status S] [--domain D] [--json]
                                           merges: awaiting approval, applied (with what they did), rejected
  correct --domain D --key K --set ATTR=VALUE ... --reason TEXT [--id N]
                                           change attributes of an object: a steward revision on behalf of the
                                           owning system (validated like any change); --id links the exception
  correct --id N --payload JSON --reason TEXT
                                           change editable fields of the failed delivery behind exception N
                                           (corrections touching a critical group wait for approval)
  approve|reject --id N --reason TEXT      decide a correction awaiting approval (approvers; never its author)
  corrections [--status S] [--domain D --key K]
                                           corrections (awaiting_approval, applied, rejected)
  replay --id N | --filter F [--dry-run]   send failed deliveries again; F: target=T,category=C,domain=D,
                                           older-than=2h,error=TEXT,id=4+5 (a bulk replay is a job with a
                                           result per item); --dry-run: the payloads and their difference to
                                           what the target last acknowledged, nothing changes
  rule --name N --set FIELD=VALUE [--match FIELD=VALUE] [--kind payload|attribute] --reason TEXT
       [--target T] [--category C] [--domain D] [--error TEXT] (--preview | --apply)
                                           fix once, apply to every open exception it matches (each as a
                                           correction); without --preview/--apply: the recorded rules
  export-audit --out DIR [--from T] [--to T] [--domain D --key K] [--pdf] [--openlineage]
                                           audit trail and lineage as CSV + JSON Lines with a manifest
                                           (auditors; T in RFC 3339); --pdf adds report.pdf (entries,
                                           lineage, authority at --to), --openlineage adds openlineage.jsonl
  verify-export DIR                        check a received export offline (files, hashes, the chain)
  archive [--dry-run] [--domain D] [--dir DIR] [--compact] --reason TEXT
                                           retention: move the payloads of revisions superseded longer than
                                           their domain's archive_superseded_after_days into a gzip JSON Lines
                                           file with a SHA-256 manifest (admins; audited; --dir: required for
                                           PostgreSQL, default <workspace>-archive/); revisions with a delivery
                                           in the backlog are skipped; archived revisions cannot be replayed;
                                           --compact: VACUUM afterwards (SQLite: the file shrinks)
  verify-archive FILE                      check an archive file (or its manifest) offline: hashes, payloads
  metrics [--window MINUTES] [--target T]  KPIs: backlog, acked/retrying/held/failed, latency p50/p95, SLA breaches,
          [--format kpis|series]           exception aging, retry rate, MTTR, replay success, duplicates prevented
          [--outage-days N]                (window default 60 min); target outages: down now, outage minutes and
                                           MTTR over the last N days (default 30); --format series --target T:
                                           per minute
  alerts [--status open|acknowledged|cleared|all] [--evaluate]
                                           alerts raised by the alert rules (--evaluate runs the rules now;
                                           `run` evaluates them every 30 s)
  alerts --action acknowledge --id N [--reason TEXT]   acknowledge an alert (stewards, approvers, admins)
  alerts --action rules | --action set-rules --file F --reason TEXT
                                           show the alert rules in force / replace them (admins; audited)
  authority --domain D --key K [--at T]    an object at time T (default now): each attribute's value, its owner
                                           by the policy then in force, who supplied it in which revision (system,
                                           steward, rule), the revision each target had acknowledged, approvals
  propose --kind landscape|model|contracts --file F --title TEXT --reason TEXT [--effective T]
                                           propose a configuration change (admins); prints its diff summary
                                           (contracts: also their trial on the newest real objects)
  onboard --target T --dry-run             initial load: the objects each subscription of T matches that T does
                                           not have yet, per domain in dependency order (items before BOMs)
  onboard --target T --reason TEXT         start it (stewards, admins; audited): `run` queues the current state
                                           in chunks within T's rate limit, resumes after a restart
  onboard [--list] [--target T]            initial loads and their progress (planned, queued, acked, open)
  onboard --id N --action pause|resume|cancel --reason TEXT
                                           control one (what it queued is still sent)
  config-show --kind model|landscape|contracts [--at T]
                                           the document in force now (or at T), as JSON: the starting point
                                           of a proposal
  proposals [--status S] [--id N]          configuration proposals (proposed, approved, rejected, withdrawn)
  approve-change|reject-change --id N --reason TEXT
                                           decide a proposal: an admin other than its author approves it (it
                                           takes effect at --effective or now); its author may reject = withdraw
  demo [--workspace PATH] [--duration S]   live demo: a fresh workspace, simulated target systems on 127.0.0.1
       [--seed N] [--tryton] [--force]     and generated traffic with faults for S seconds (default 60),
                                           then a status summary; --tryton: a real Tryton ERP (started on
                                           127.0.0.1 when installed, else the simulated ERP); an existing
                                           demo workspace is replaced only with --force
  simulate [--workspace PATH] [--port P]    serve the demo workspace's target systems (simulated, with the demo's
           [--duration S] [--no-faults]    faults) on 127.0.0.1 until stopped, so that run, correct, replay and
                                           reconcile can be tried on it (ports from P, default any free ones)
  reconcile --target T [--domain D]        read back what T holds for every object it acknowledged and compare it
                                           field by field through the contract; each difference becomes a drift
                                           exception with both values (stewards; exit 2 when drift is found).
                                           `run` also reconciles every subscription with "reconcile_minutes"
  backup --out FILE                        a consistent copy of the workspace while the core keeps running (SQLite
                                           online backup), checked: it opens and its audit chain verifies
  migrate --from FILE --to LOCATION        copy a SQLite workspace with its whole history into an empty PostgreSQL
                                           database (the login that migrates becomes admin; roles become database
                                           role memberships); the copy's audit chain is verified
  upgrade                                  migrate the workspace's schema to this MDSync's (after a package upgrade;
                                           on PostgreSQL run it as the database owner) and nothing else
  contract-test [--contracts FILE]         run the sample objects of the contracts through their mappings
                                           (against the workspace's model and landscape, or the built-in ones;
                                           with --workspace and no FILE: the workspace's contracts in force);
                                           lists each subscription's contract or generic (no contract yet)

Options:
  --workspace PATH   the workspace file (every command; demo defaults to ./mdsync-demo.mdsync), or a PostgreSQL
                     database: postgresql://[user@]host[:port]/db[?param=value...] or service=NAME, never with a
                     password (use ~/.pgpass or a service file; docs/DEPLOYMENT.md)
  --user LOGIN       act as LOGIN: only your own OS login, or any login on a demo/test workspace created with
                     `init --asserted-identities` (its audit trail says that identities there are asserted); on
                     PostgreSQL only the database login you connected as
  --json             machine-readable output (query commands)
  --help, --version

Exit codes: 0 ok, 1 user error (message on stderr), 2 data problems reported (e.g. rejected events,
a broken audit chain).
)";

// Every option of every command. Value options may repeat (e.g. --set); Args::value gives the last.
const std::set<QString> kValueOptions = {
    // clang-format off
    QStringLiteral("workspace"), QStringLiteral("landscape"), QStringLiteral("model"), QStringLiteral("source-name"),
    QStringLiteral("domain"), QStringLiteral("key"), QStringLiteral("prefix"), QStringLiteral("limit"),
    QStringLiteral("status"), QStringLiteral("category"), QStringLiteral("user"), QStringLiteral("contracts"),
    QStringLiteral("timeout"), QStringLiteral("target"), QStringLiteral("reason"), QStringLiteral("duration"),
    QStringLiteral("seed"), QStringLiteral("listen"), QStringLiteral("inbox"), QStringLiteral("login"),
    QStringLiteral("role"), QStringLiteral("id"), QStringLiteral("to"), QStringLiteral("text"),
    QStringLiteral("reason-code"), QStringLiteral("out"), QStringLiteral("from"), QStringLiteral("until"),
    QStringLiteral("at"), QStringLiteral("set"), QStringLiteral("payload"), QStringLiteral("filter"),
    QStringLiteral("older-than"), QStringLiteral("error"), QStringLiteral("job"), QStringLiteral("name"),
    QStringLiteral("match"), QStringLiteral("action"), QStringLiteral("file"), QStringLiteral("kind"),
    QStringLiteral("title"), QStringLiteral("effective"), QStringLiteral("window"), QStringLiteral("format"),
    QStringLiteral("outage-days"), QStringLiteral("exception"), QStringLiteral("keys"), QStringLiteral("dir"),
    QStringLiteral("into"), QStringLiteral("merge"),
    // clang-format on
};
const std::set<QString> kFlags = { QStringLiteral("json"), QStringLiteral("raw"), QStringLiteral("help"),
    QStringLiteral("version"), QStringLiteral("until-idle"), QStringLiteral("dry-run"), QStringLiteral("preview"),
    QStringLiteral("apply"), QStringLiteral("pdf"), QStringLiteral("openlineage"), QStringLiteral("evaluate"),
    QStringLiteral("all"), QStringLiteral("tryton"), QStringLiteral("force"), QStringLiteral("asserted-identities"),
    QStringLiteral("no-faults"), QStringLiteral("list"), QStringLiteral("compact") };

bool parse(const QStringList& argv, Args& a, QString& error)
{
    for (qsizetype i = 0; i < argv.size(); ++i) {
        const QString& s = argv[i];
        if (s.startsWith(QLatin1String("--"))) {
            QString name = s.mid(2);
            QString value;
            bool inlineValue = false;
            if (const auto eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
                value = name.mid(eq + 1);
                name = name.left(eq);
                inlineValue = true;
            }
            if (kFlags.count(name)) {
                a.flags.insert(name);
            } else if (kValueOptions.count(name)) {
                if (!inlineValue) {
                    if (i + 1 >= argv.size()) {
                        error = QStringLiteral("option --%1 needs a value").arg(name);
                        return false;
                    }
                    value = argv[++i];
                }
                a.options[name] = value;
                a.repeated[name] << value;
            } else {
                error = QStringLiteral("unknown option --%1 (see mdsyncctl --help)").arg(name);
                return false;
            }
        } else if (s == QLatin1String("-") || !s.startsWith(QLatin1Char('-'))) {
            if (a.command.isEmpty())
                a.command = s;
            else
                a.positionals << s;
        } else {
            error = QStringLiteral("unknown option %1 (see mdsyncctl --help)").arg(s);
            return false;
        }
    }
    return true;
}

void printCreated(const nlohmann::json& j)
{
    out() << "Created workspace " << jstr(j["workspace"]) << "\n  model " << jstr(j["model_version"]) << " ("
          << jstr(j["domains"]) << " domains), landscape " << jstr(j["landscape"]) << ' '
          << jstr(j["landscape_version"]) << " (" << jstr(j["systems"]) << " systems, " << jstr(j["subscriptions"])
          << " subscriptions)\n  contracts " << jstr(j["contracts_version"]) << " (" << jstr(j["contracts"])
          << " contracts; " << jstr(j["generic_contracts"]) << " subscriptions generic, no contract yet)\n  instance "
          << jstr(j["instance_id"]) << " (part of every idempotency key)\n";
}

int cmdInit(const Args& a)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        return fail(QStringLiteral("--workspace PATH is required for 'init'"));
    const IdentityMode identities
        = a.has(QStringLiteral("asserted-identities")) ? IdentityMode::Asserted : IdentityMode::OsLogin;
    auto summary = initWorkspace(
        path, a.value(QStringLiteral("model")), a.value(QStringLiteral("landscape")), actor(a), identities);
    if (!summary)
        return fail(summary.error());
    const nlohmann::json& j = summary.value();
    if (a.has(QStringLiteral("json"))) {
        printJson({ { "workspace", j["workspace"] }, { "model_version", j["model_version"] },
            { "landscape_version", j["landscape_version"] }, { "systems", j["systems"] },
            { "subscriptions", j["subscriptions"] }, { "contracts_version", j["contracts_version"] } });
    } else {
        printCreated(j);
    }
    return Ok;
}

int ingestInto(Workspace& w, QIODevice& in, const QString& sourceName, const Args& a, IngestSummary* result = nullptr)
{
    auto cfg = loadActiveConfig(w);
    if (!cfg)
        return fail(cfg.error());
    IngestPipeline pipeline(w, cfg.value());
    IngestOptions options;
    options.sourceName = sourceName;
    options.actor = actor(a);
    auto summary = pipeline.ingest(in, options);
    if (!summary)
        return fail(summary.error());
    nlohmann::json j = summary->toJson();
    j["source"] = sourceName.toStdString();
    if (result)
        *result = summary.value();
    else
        out() << q(j.dump()) << '\n';
    return summary->rejected > 0 || summary->exceptions > 0 ? DataProblems : Ok;
}

int cmdIngest(const Args& a)
{
    if (a.positionals.size() != 1)
        return fail(QStringLiteral("ingest takes one input: a JSON Lines file, or - for stdin"));
    const QString input = a.positionals.first();
    QFile file;
    if (input == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read stdin"));
    } else {
        file.setFileName(input);
        if (!file.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: %2").arg(input, file.errorString()));
    }
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    const QString name = a.value(QStringLiteral("source-name"),
        input == QLatin1String("-") ? QStringLiteral("stdin") : QFileInfo(input).fileName());
    return ingestInto(*ws.value(), file, name, a);
}

int cmdObjects(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    read::ObjectFilter f;
    f.domain = a.value(QStringLiteral("domain")).toStdString();
    f.keyPrefix = a.value(QStringLiteral("prefix")).toStdString();
    f.limit = a.value(QStringLiteral("limit"), QStringLiteral("100")).toInt();
    auto rows = read::objects(ws.value()->db(), f);
    if (!rows)
        return fail(rows.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(rows.value());
        return Ok;
    }
    std::vector<QStringList> table;
    for (const auto& r : rows.value())
        table.push_back({ jstr(r["domain"]), jstr(r["key"]), jstr(r["revision"]), jstr(r["lifecycle"]),
            r["deleted"].get<bool>() ? QStringLiteral("(deleted) ") + jstr(r["description"]) : jstr(r["description"]),
            jstr(r["updated_at"]) });
    printTable({ QStringLiteral("DOMAIN"), QStringLiteral("KEY"), QStringLiteral("REV"), QStringLiteral("LIFECYCLE"),
                   QStringLiteral("DESCRIPTION"), QStringLiteral("UPDATED") },
        table);
    return Ok;
}

void printStatus(const nlohmann::json& s)
{
    out() << jstr(s["domain"]) << ' ' << jstr(s["key"]) << "  rev " << jstr(s["revision"]) << "  "
          << jstr(s["lifecycle"]) << (s["deleted"].get<bool>() ? "  (deleted)" : "") << "\n  " << jstr(s["description"])
          << "\n  last change from " << jstr(s["last_source"]) << " at " << jstr(s["received_at"]) << ", correlation "
          << jstr(s["correlation_id"]) << "\n  open exceptions: " << jstr(s["open_exceptions"]) << "\n\n";
    std::vector<QStringList> rows;
    for (const auto& t : s["targets"])
        rows.push_back({ jstr(t["target"]), jstr(t["status"]), jstr(t["revision"]), jstr(t["pattern"]),
            jstr(t["due_at"]), jstr(t["attempts"]), jstr(t["replayable_until"]), jstr(t["last_error"]) });
    printTable({ QStringLiteral("TARGET"), QStringLiteral("STATUS"), QStringLiteral("REV"), QStringLiteral("PATTERN"),
                   QStringLiteral("DUE"), QStringLiteral("ATTEMPTS"), QStringLiteral("REPLAYABLE UNTIL"),
                   QStringLiteral("LAST ERROR") },
        rows);
}

// "unknown domain 'itm' (domains: asset, bom, ...)" when the workspace's model has no such domain; else empty.
QString unknownDomain(Workspace& ws, const std::string& domain)
{
    auto cfg = loadActiveConfig(ws);
    if (!cfg)
        return cfg.error();
    if (cfg->model->domain(domain))
        return {};
    QStringList names;
    for (const auto& d : cfg->model->domains())
        names << q(d.name);
    names.sort();
    return QStringLiteral("unknown domain '%1' (domains: %2)").arg(q(domain), names.join(QStringLiteral(", ")));
}

int cmdStatus(const Args& a)
{
    std::string domain, key;
    if (!requireObject(a, domain, key))
        return fail(QStringLiteral("status needs --domain D --key K"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    if (const QString e = unknownDomain(*ws.value(), domain); !e.isEmpty())
        return fail(e);
    auto s = read::objectStatus(ws.value()->db(), domain, key);
    if (!s)
        return fail(s.error());
    if (a.has(QStringLiteral("json")))
        printJson(s.value());
    else
        printStatus(s.value());
    return Ok;
}

int cmdLineage(const Args& a)
{
    std::string domain, key;
    if (!requireObject(a, domain, key))
        return fail(QStringLiteral("lineage needs --domain D --key K"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    if (const QString e = unknownDomain(*ws.value(), domain); !e.isEmpty())
        return fail(e);
    auto rows = read::lineage(ws.value()->db(), domain, key);
    if (!rows)
        return fail(rows.error());
    if (rows->empty())
        return fail(QStringLiteral("nothing is recorded for %1 '%2'").arg(q(domain), q(key)));
    if (a.has(QStringLiteral("json"))) {
        printJson(rows.value());
        return Ok;
    }
    std::vector<QStringList> table;
    for (const auto& r : rows.value()) {
        const auto& d = r["detail"];
        QString what;
        if (d.contains("changed"))
            what = QStringLiteral("changed ") + jstr(d["changed"]) + QStringLiteral(" queued ") + jstr(d["queued"]);
        else if (d.contains("message"))
            what = jstr(d["message"]);
        else
            what = jstr(d);
        table.push_back({ jstr(r["at"]), jstr(r["kind"]), jstr(r["system"]), jstr(r["revision"]), what });
    }
    printTable({ QStringLiteral("AT"), QStringLiteral("EVENT"), QStringLiteral("SYSTEM"), QStringLiteral("REV"),
                   QStringLiteral("DETAIL") },
        table);
    return Ok;
}

int cmdExceptions(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    read::ExceptionQuery f;
    f.statuses.clear(); // every status unless --status names one
    if (const QString status = a.value(QStringLiteral("status")); !status.isEmpty())
        f.statuses = { status };
    f.category = a.value(QStringLiteral("category"));
    f.domain = a.value(QStringLiteral("domain"));
    f.objectKey = a.value(QStringLiteral("key"));
    f.limit = a.value(QStringLiteral("limit"), QStringLiteral("100")).toInt();
    const bool withRaw = a.has(QStringLiteral("raw")) || a.has(QStringLiteral("json"));
    auto rows = read::exceptions(ws.value()->db(), f, withRaw);
    if (!rows)
        return fail(rows.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(rows.value());
        return Ok;
    }
    for (const auto& r : rows.value()) {
        out() << '#' << jstr(r["id"]) << "  " << jstr(r["category"]) << '/' << jstr(r["severity"]) << "  "
              << jstr(r["status"]) << "  " << jstr(r["created_at"]) << "\n  " << jstr(r["message"]) << '\n';
        if (r.contains("replayable_until"))
            out() << "  replayable until: " << jstr(r["replayable_until"]) << '\n';
        if (r.contains("raw"))
            out() << "  raw: " << jstr(r["raw"]) << '\n';
        else if (r.contains("raw_base64"))
            out() << "  raw (base64, not UTF-8): " << jstr(r["raw_base64"]) << '\n';
    }
    out() << rows->size() << " exception(s)\n";
    return Ok;
}

int cmdOverview(const Args& a, Workspace* open = nullptr)
{
    std::unique_ptr<Workspace> owned;
    if (!open) {
        auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
        if (!ws)
            return fail(ws.error());
        owned = std::move(ws).value();
        open = owned.get();
    }
    auto o = read::overview(open->db());
    if (!o)
        return fail(o.error());
    const IdentityMode identities = identityMode(*open);
    o.value()["identities"] = std::string(toString(identities));
    if (a.has(QStringLiteral("json"))) {
        printJson(o.value());
        return Ok;
    }
    out() << "Workspace instance " << jstr(o->at("instance_id"))
          << "\nIdentities: " << q(std::string(describe(identities))) << "\n\nObjects:";
    for (auto it = o->at("objects").begin(); it != o->at("objects").end(); ++it)
        out() << ' ' << q(it.key()) << ' ' << jstr(it.value());
    out() << "  (revisions " << jstr(o->at("revisions")) << ")\n\nDeliveries per target:\n";
    std::vector<QStringList> rows;
    for (auto it = o->at("deliveries").begin(); it != o->at("deliveries").end(); ++it) {
        QStringList cells { q(it.key()) };
        QString detail;
        for (auto s = it.value().begin(); s != it.value().end(); ++s)
            detail += q(s.key()) + QLatin1Char(' ') + jstr(s.value()) + QLatin1String("  ");
        cells << detail.trimmed();
        rows.push_back(cells);
    }
    printTable({ QStringLiteral("TARGET"), QStringLiteral("DELIVERIES BY STATUS") }, rows);
    if (!o->at("paused_targets").empty()) {
        QStringList paused;
        for (const auto& p : o->at("paused_targets"))
            paused << jstr(p);
        out() << "\nPaused (queuing, sending nothing; mdsyncctl resume --target T): "
              << paused.join(QStringLiteral(", ")) << '\n';
    }
    if (!o->at("open_circuits").empty()) {
        out() << "\nDown (circuit open: deliveries wait, a probe at growing intervals tells when it is back):\n";
        for (const auto& c : o->at("open_circuits"))
            out() << "  " << jstr(c["target"]) << " down since " << jstr(c["since"]) << ", " << jstr(c["waiting"])
                  << " waiting, next probe at " << jstr(c["next_probe_at"]) << ", incident #" << jstr(c["incident_id"])
                  << ", last error: " << jstr(c["last_error"]) << '\n';
    }
    out() << "\nOpen exceptions:";
    if (o->at("open_exceptions").empty())
        out() << " none";
    for (auto it = o->at("open_exceptions").begin(); it != o->at("open_exceptions").end(); ++it)
        out() << ' ' << q(it.key()) << ' ' << jstr(it.value());
    out() << '\n';
    return Ok;
}

int cmdVerifyAudit(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    const AuditVerification v = AuditLog(ws.value()->db()).verify();
    if (a.has(QStringLiteral("json"))) {
        printJson(
            { { "ok", v.ok }, { "entries", v.entries }, { "head_hash", v.headHash }, { "problems", v.problems } });
    } else if (v.ok) {
        out() << "audit log OK: " << v.entries << " entries, head " << q(v.headHash) << '\n';
    } else {
        out() << "audit log BROKEN (" << v.entries << " entries read):\n";
        for (const auto& p : v.problems)
            out() << "  " << q(p) << '\n';
    }
    return v.ok ? Ok : DataProblems;
}

int cmdBackup(const Args& a)
{
    const QString dest = a.value(QStringLiteral("out"));
    if (dest.isEmpty())
        return fail(QStringLiteral("'backup' needs --out FILE (a new file)"));
    BackupSummary b;
    {
        auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
        if (!ws)
            return fail(ws.error());
        auto r = backupWorkspace(*ws.value(), dest);
        if (!r)
            return fail(r.error());
        b = r.value();
    }
    // The restore drill in small: the copy opens as a workspace and its audit chain verifies.
    auto copy = Workspace::open(dest, Workspace::Mode::ReadOnly);
    if (!copy)
        return fail(
            QStringLiteral("backup written to %1, but it does not open as a workspace: %2").arg(dest, copy.error()));
    const AuditVerification v = AuditLog(copy.value()->db()).verify();
    if (a.has(QStringLiteral("json"))) {
        printJson({ { "file", dest.toStdString() }, { "bytes", b.bytes }, { "pages", b.pages },
            { "restarts", b.restarts }, { "ms", b.ms }, { "audit_ok", v.ok }, { "audit_entries", v.entries },
            { "audit_head", v.headHash }, { "instance_id", copy.value()->instanceId().toStdString() } });
    } else {
        out() << "backup " << dest << ": " << b.bytes << " bytes in " << b.ms << " ms"
              << (b.restarts ? QStringLiteral(" (restarted %1x by concurrent commits)").arg(b.restarts) : QString())
              << "\n  audit chain " << (v.ok ? "verified" : "BROKEN") << ": " << v.entries << " entries, head "
              << q(v.headHash) << "\n  restore: stop the core, then replace the workspace file with this one "
              << "(docs/DEPLOYMENT.md)\n";
    }
    return v.ok ? Ok : DataProblems;
}

int cmdContractTest(const Args& a)
{
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
    std::shared_ptr<const ContractSet> inForce;
    if (!a.value(QStringLiteral("workspace")).isEmpty()) {
        auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
        if (!ws)
            return fail(ws.error());
        auto cfg = loadActiveConfig(*ws.value());
        if (!cfg)
            return fail(cfg.error());
        model = cfg->model;
        landscape = cfg->landscape;
        inForce = cfg->contracts;
    } else {
        auto m = CanonicalModel::builtin();
        if (!m)
            return fail(m.error());
        model = std::make_shared<const CanonicalModel>(std::move(m).value());
        auto l = Landscape::builtin(*model);
        if (!l)
            return fail(l.error());
        landscape = std::make_shared<const Landscape>(std::move(l).value());
    }
    const QString file = a.value(QStringLiteral("contracts"));
    Result<ContractSet> contracts = [&]() -> Result<ContractSet> {
        if (file.isEmpty() && inForce)
            return *inForce; // the workspace's contracts in force
        if (file.isEmpty())
            return ContractSet::builtin(*model, *landscape);
        auto doc = readJsonFile(file, QFileInfo(file).fileName());
        if (!doc)
            return makeError(doc.error());
        return ContractSet::fromJson(doc.value(), QFileInfo(file).fileName(), *model, *landscape);
    }();
    if (!contracts)
        return fail(contracts.error());
    const auto results = contracts->runTests(model->units());
    int failed = 0;
    nlohmann::json report = nlohmann::json::array();
    for (const auto& r : results) {
        failed += r.passed ? 0 : 1;
        report.push_back({ { "contract", r.contract }, { "name", r.name }, { "passed", r.passed },
            { "differences", r.differences } });
    }
    if (a.has(QStringLiteral("json"))) {
        printJson(report);
    } else {
        // Every subscription and what its deliveries are mapped with.
        std::vector<QStringList> rows;
        for (const SubscriptionDef& s : landscape->subscriptions()) {
            const bool mapped = contracts->find(s.domain, s.target, s.contractVersion) != nullptr;
            rows.push_back({ q(s.id), q(contractName(s.domain, s.target, s.contractVersion)),
                mapped ? QStringLiteral("contract") : QStringLiteral("generic (no contract yet)") });
        }
        printTable({ QStringLiteral("SUBSCRIPTION"), QStringLiteral("CONTRACT"), QStringLiteral("MAPPING") }, rows);
        out() << '\n';
        for (const auto& r : results) {
            out() << (r.passed ? "PASS  " : "FAIL  ") << q(r.contract) << "  " << q(r.name) << '\n';
            for (const auto& d : r.differences)
                out() << "        " << q(d) << '\n';
        }
        out() << results.size() - static_cast<size_t>(failed) << " of " << results.size()
              << " contract samples match\n";
    }
    return failed ? DataProblems : Ok;
}

// ---- the core, running in this process ------------------------------------------------------------------

std::atomic<int> g_stopSignal { 0 };

extern "C" void onStopSignal(int sig)
{
    g_stopSignal.store(sig);
}

using Core = EmbeddedCore;

Result<std::unique_ptr<Core>> openCore(const QString& path, DispatcherOptions options, bool connectFromLandscape)
{
    return openEmbeddedCore(path, std::move(options), connectFromLandscape);
}

QString statusLine(const nlohmann::json& live, const DispatcherStats& st)
{
    QString line = QStringLiteral("deliveries:");
    for (DeliveryStatus s :
        { DeliveryStatus::Acked, DeliveryStatus::InFlight, DeliveryStatus::Pending, DeliveryStatus::RetryWait,
            DeliveryStatus::Held, DeliveryStatus::BlockedByOutage, DeliveryStatus::Failed, DeliveryStatus::Superseded })
        line += QStringLiteral(" %1 %2").arg(QLatin1String(toString(s))).arg(live["deliveries"].value(toString(s), 0));
    std::int64_t open = 0;
    QString byCategory;
    for (auto it = live["exceptions"].begin(); it != live["exceptions"].end(); ++it) {
        open += it.value().get<std::int64_t>();
        byCategory += QStringLiteral("%1%2 %3")
                          .arg(byCategory.isEmpty() ? QString() : QStringLiteral(", "), q(it.key()))
                          .arg(jstr(it.value()));
    }
    line += QStringLiteral(" | retried attempts %1 | open exceptions %2").arg(st.retried).arg(open);
    if (!byCategory.isEmpty())
        line += QStringLiteral(" (") + byCategory + QLatin1Char(')');
    return line;
}

nlohmann::json statsJson(const DispatcherStats& st)
{
    return { { "calls", st.calls }, { "sent", st.sent }, { "acked", st.acked }, { "retried", st.retried },
        { "failed", st.failed }, { "superseded", st.superseded }, { "held", st.held }, { "recovered", st.recovered } };
}

// Runs the event loop until a stop signal, the timeout, or (untilIdle) the dispatcher is idle.
// Returns false on timeout.
// Runs until a stop signal, the dispatcher's storage failure, the timeout or (untilIdle) two idle checks in a row.
// A standby dispatcher of a shared workspace is never idle: it waits for the lease, then drains.
bool runLoop(CoreRunner& runner, bool untilIdle, qint64 timeoutMs, const std::function<void()>& everyTick = {})
{
    Core& core = runner.core();
    QEventLoop loop;
    QTimer check;
    QElapsedTimer clock;
    clock.start();
    bool timedOut = false;
    int idleChecks = 0;
    check.setInterval(100);
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (everyTick)
            everyTick();
        if (g_stopSignal.load() != 0 || runner.hasFailed()) {
            loop.quit();
            return;
        }
        if (timeoutMs > 0 && clock.elapsed() >= timeoutMs) {
            timedOut = untilIdle;
            loop.quit();
            return;
        }
        // Idle twice in a row: nothing in flight, nothing due within 10 minutes, and no initial load running (the
        // dispatcher is idle between two of its chunks).
        if (untilIdle && runner.isDispatching() && runner.runningOnboardings() == 0
            && core.dispatcher->isIdle(10 * 60 * 1000)) {
            if (++idleChecks >= 2)
                loop.quit();
        } else {
            idleChecks = 0;
        }
    });
    check.start();
    loop.exec();
    return !timedOut;
}

int cmdRun(const Args& a)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        return fail(QStringLiteral("run needs --workspace PATH"));
    bool ok = true;
    const double timeoutS = a.value(QStringLiteral("timeout"), QStringLiteral("0")).toDouble(&ok);
    if (!ok || timeoutS < 0)
        return fail(
            QStringLiteral("--timeout takes a number of seconds, got '%1'").arg(a.value(QStringLiteral("timeout"))));
    auto core = openCore(path, DispatcherOptions {}, true);
    if (!core) {
        // A database server that is not up yet (boot order, a restart) is not a configuration error.
        if (WorkspaceLocation::looksLikePostgres(path) && core.error().contains(QLatin1String(": cannot connect:"))) {
            fail(core.error() + QStringLiteral(" (exit 75: try again later)"));
            return TryLater;
        }
        return fail(core.error());
    }
    Core& c = *core.value();
    const bool json = a.has(QStringLiteral("json"));
    if (!json) {
        for (const QString& n : c.notes)
            err() << "mdsyncctl run: " << n << '\n';
        err().flush();
    }
    // One run loop (core/engine/corerunner.h): the webhook and the file inbox feed the same pipeline and wake
    // the dispatcher; alert rules every 30 s and the scheduled reconciliation run on this thread.
    CoreRunnerOptions ro;
    if (a.options.count(QStringLiteral("listen"))) {
        const uint port = a.value(QStringLiteral("listen")).toUInt(&ok);
        if (!ok || port > 65535)
            return fail(
                QStringLiteral("--listen takes a TCP port (0-65535), got '%1'").arg(a.value(QStringLiteral("listen"))));
        InboundOptions io;
        io.port = static_cast<quint16>(port);
        io.token = qgetenv("MDSYNC_WEBHOOK_TOKEN");
        if (io.token.isEmpty())
            return fail(
                QStringLiteral("--listen needs the webhook token in the environment variable MDSYNC_WEBHOOK_TOKEN"));
        ro.webhook = io;
    }
    if (a.options.count(QStringLiteral("inbox"))) {
        FileInboxOptions fo;
        fo.folder = a.value(QStringLiteral("inbox"));
        fo.actor = actor(a);
        ro.inbox = fo;
    }
    ro.reconcileMinuteMs = reconcileMinuteMs();
    CoreRunner runner(c, ro);
    QObject::connect(&runner, &CoreRunner::message, [json](const QString& line, bool problem) {
        if (json)
            return;
        (problem ? err() : out()) << "mdsyncctl run: " << line << '\n';
    });
    g_stopSignal.store(0);
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    if (auto r = runner.start(); !r)
        return fail(r.error());
    if (!json) {
        out() << "mdsyncctl run: core running on " << path << " (" << c.connectors.size() << " targets connected";
        if (c.simulatedBy)
            out() << ": the demo's simulated systems, served by mdsyncctl simulate (process " << c.simulatedBy << ")";
        if (c.dispatcher->stats().recovered)
            out() << ", " << c.dispatcher->stats().recovered << " in-flight deliveries recovered from the last run";
        out() << ")\n";
        if (!c.generic.empty()) {
            QStringList names;
            for (const GenericContract& g : c.generic)
                names << q(g.subscription);
            out() << "mdsyncctl run: " << c.generic.size() << " of " << c.config.landscape->subscriptions().size()
                  << " subscriptions run on a generic contract (no contract yet; the canonical payload is sent as it"
                     " is): "
                  << names.join(QStringLiteral(", ")) << '\n';
        }
        out().flush();
    }
    // Log lines reach the journal (a pipe under systemd) within a tick, not at exit.
    const bool finished
        = runLoop(runner, a.has(QStringLiteral("until-idle")), static_cast<qint64>(timeoutS * 1000), [] {
              out().flush();
              err().flush();
          });
    const auto stopped = runner.stop();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!stopped)
        return fail(stopped.error());
    const nlohmann::json live = read::liveStatus(c.ws->db()).toJson();
    if (json) {
        nlohmann::json generic = nlohmann::json::array();
        for (const GenericContract& g : c.generic)
            generic.push_back(g.subscription);
        printJson({ { "stats", statsJson(c.dispatcher->stats()) }, { "status", live }, { "idle", finished },
            { "generic_contracts", generic }, { "not_connected", [&] {
                                                   nlohmann::json arr = nlohmann::json::array();
                                                   for (const QString& n : c.notes)
                                                       arr.push_back(n.toStdString());
                                                   return arr;
                                               }() } });
    } else {
        out() << "mdsyncctl run: stopped. " << statusLine(live, c.dispatcher->stats()) << '\n';
    }
    if (!finished)
        return fail(QStringLiteral("run: not idle after --timeout %1 s").arg(timeoutS));
    return Ok; // open exceptions are the steward's work, not a failure of the run (they are in the report)
}

int cmdPause(const Args& a, bool paused)
{
    const std::string target = a.value(QStringLiteral("target")).toStdString();
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    if (target.empty())
        return fail(QStringLiteral("%1 needs --target SYSTEM").arg(a.command));
    if (reason.empty())
        return fail(QStringLiteral("%1 needs --reason TEXT (it goes into the audit log)").arg(a.command));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    if (auto r = setTargetPaused(*ws.value(), target, paused, actor(a), reason); !r)
        return fail(r.error());
    out() << q(target) << (paused ? " paused" : " resumed") << '\n';
    return Ok;
}

int cmdProbe(const Args& a)
{
    const std::string target = a.value(QStringLiteral("target")).toStdString();
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    if (target.empty())
        return fail(QStringLiteral("probe needs --target SYSTEM"));
    if (reason.empty())
        return fail(QStringLiteral("probe needs --reason TEXT (it goes into the audit log)"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    if (auto r = requestProbe(*ws.value(), target, actor(a), reason); !r)
        return fail(r.error());
    out() << "probe of " << q(target)
          << " requested: the dispatcher sends one within a second (mdsyncctl overview shows the circuit)\n";
    return Ok;
}

// ---- roles and steward actions --------------------------------------------------------------------------

int cmdRole(const Args& a, bool grant)
{
    const std::string login = a.value(QStringLiteral("login")).toStdString();
    const auto role = roleFromName(a.value(QStringLiteral("role")).toStdString());
    if (login.empty() || !role)
        return fail(QStringLiteral("%1 needs --login L and --role viewer|steward|approver|auditor|admin (got '%2')")
                        .arg(a.command, a.value(QStringLiteral("role"))));
    auto ws = openWorkspace(a, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    auto r = grant ? grantRole(*ws.value(), actor(a), login, *role, reason)
                   : revokeRole(*ws.value(), actor(a), login, *role, reason);
    if (!r)
        return fail(r.error());
    out() << q(login) << (grant ? " now has the role " : " no longer has the role ") << q(std::string(roleName(*role)))
          << '\n';
    return Ok;
}

int cmdRoles(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto all = allUserRoles(ws.value()->db());
    if (!all)
        return fail(all.error());
    nlohmann::json j = nlohmann::json::object();
    std::vector<QStringList> rows;
    for (const UserRoles& u : all.value()) {
        QStringList names;
        for (Role r : u.roles) {
            names << q(std::string(roleName(r)));
            j[u.login].push_back(roleName(r));
        }
        rows.push_back({ q(u.login), names.join(QStringLiteral(", ")) });
    }
    if (a.has(QStringLiteral("json")))
        printJson(j);
    else
        printTable({ QStringLiteral("LOGIN"), QStringLiteral("ROLES") }, rows);
    return Ok;
}

// What the demo's simulated targets hold, kept next to the demo workspace between `demo` and `simulate` runs.
Result<void> saveSimulatedState(const QString& path, const std::vector<const SimulatedSystem*>& systems)
{
    nlohmann::json state = nlohmann::json::object();
    for (const SimulatedSystem* sys : systems)
        state[sys->id().toStdString()] = sys->state();
    return writeJsonFile(SimulatedEndpoints::stateFilePath(path), state);
}

// Returns the number of records restored (0 without a saved state).
Result<size_t> restoreSimulatedState(const QString& path, const SimulatedLandscape& systems)
{
    QFile f(SimulatedEndpoints::stateFilePath(path));
    if (!f.exists())
        return size_t(0);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("%1: cannot read: %2").arg(f.fileName(), f.errorString()));
    const nlohmann::json state = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
    if (!state.is_object())
        return makeError(QStringLiteral("%1: not a saved state of the simulated systems (delete it to start them "
                                        "empty)")
                             .arg(f.fileName()));
    size_t records = 0;
    for (const QString& id : systems.ids()) {
        auto it = state.find(id.toStdString());
        if (it == state.end())
            continue;
        if (auto r = systems.system(id)->restoreState(*it); !r)
            return makeError(QStringLiteral("%1: %2").arg(f.fileName(), r.error()));
        records += it->value("records", nlohmann::json::array()).size();
    }
    return records;
}

// What a simulated target system received (the demo's and simulate's summary).
void printReceived(const SimulatedSystem& sys)
{
    out() << "  " << sys.id() << ": " << sys.requestsReceived() << " requests, " << sys.totalApplied()
          << " changes applied" << (sys.isDrifted() ? " (schema drifted)" : "") << '\n';
}

int cmdDemo(Args a)
{
    QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        path = QDir::current().filePath(QStringLiteral("mdsync-demo.mdsync"));
    a.options[QStringLiteral("workspace")] = path;
    bool ok = true;
    const double duration = a.value(QStringLiteral("duration"), QStringLiteral("60")).toDouble(&ok);
    if (!ok || duration <= 0 || duration > 24 * 3600)
        return fail(
            QStringLiteral("--duration takes seconds (> 0), got '%1'").arg(a.value(QStringLiteral("duration"))));
    const uint seed = a.value(QStringLiteral("seed"), QStringLiteral("2026")).toUInt(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed takes a number, got '%1'").arg(a.value(QStringLiteral("seed"))));

    auto created = initDemoWorkspace(path, actor(a), a.has(QStringLiteral("force")));
    if (!created)
        return fail(created.error());
    out() << "== mdsyncctl demo: the live demo landscape ==\n\n";
    {
        const nlohmann::json& j = created.value();
        printCreated(j);
    }
    // --tryton: a real Tryton as the ERP when installed (cli_trytondemo.cpp), else the simulated one.
    std::unique_ptr<LocalTrytonServer> tryton;
    if (a.has(QStringLiteral("tryton"))) {
        out() << "Starting Tryton (the first time builds its template database, about 35 s) ...\n";
        out().flush();
        if (auto t = startDemoTryton(path, actor(a)); t) {
            tryton = std::move(t).value();
            out() << "ERP = Tryton on " << tryton->baseUrl() << ", database 'demo' (login admin/admin; stopped when"
                  << " the demo ends)\n";
        } else {
            out() << "No Tryton: " << t.error() << "\n  -> the demo uses the simulated ERP.\n";
        }
    }
    auto core = openCore(path, demoDispatcherOptions(seed), false);
    if (!core)
        return fail(core.error());
    Core& c = *core.value();
    LiveDemoOptions lo;
    lo.seed = seed;
    auto attached = attachLiveDemo(c, lo);
    if (!attached)
        return fail(attached.error());
    LiveDemo& demo = *attached.value();
    if (tryton)
        if (auto r = connectDemoTryton(c); !r)
            return fail(r.error());
    out() << "Simulated target systems on 127.0.0.1:";
    for (const std::string& id : demo.systemIds())
        out() << ' ' << q(id) << ':' << demo.system(id)->port();
    out() << "\n(faults: ERP fails 8 % of calls, MES-P200 has a 20 s outage, WMS-P100 and QMS rate-limit, WMS rejects"
             " blocked items and items without storage class, MES takes released items only, QMS changes its"
             " schema after 150 calls)\n\n";
    QString failure;
    QObject::connect(&demo, &LiveDemo::ingestFailed, &demo, [&failure](const QString& m) { failure = m; });

    // History first: the built-in NPI batch, then live traffic.
    auto first = ingestDemoHistory(c, actor(a));
    if (!first)
        return fail(first.error());
    out() << "Ingested the NPI batch: " << first->accepted << " accepted, " << first->rejected << " rejected, "
          << first->deliveries << " deliveries queued.\n";
    CoreRunnerOptions ro;
    ro.reconcileSchedule = false; // the demo's targets are simulated systems, not the landscape's connectors
    CoreRunner runner(c, ro);
    QObject::connect(&runner, &CoreRunner::message, [](const QString& line, bool problem) {
        if (problem)
            err() << "mdsyncctl demo: " << line << '\n';
    });
    if (auto r = runner.start(); !r)
        return fail(r.error());
    demo.startTraffic();
    out() << "Live traffic for " << duration << " s (Ctrl+C stops early):\n";
    out().flush();

    g_stopSignal.store(0);
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QElapsedTimer clock;
    clock.start();
    qint64 nextReport = 10000;
    runLoop(runner, false, static_cast<qint64>(duration * 1000), [&] {
        if (clock.elapsed() >= nextReport) {
            nextReport += 10000;
            out() << QStringLiteral("  t=%1s events %2 | ").arg(clock.elapsed() / 1000, 3).arg(demo.eventsSent())
                  << statusLine(read::liveStatus(c.ws->db()).toJson(), c.dispatcher->stats()) << '\n';
            out().flush();
        }
        if (!failure.isEmpty())
            g_stopSignal.store(-1);
    });
    demo.stopTraffic();
    const auto stopped = runner.stop();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!failure.isEmpty())
        return fail(QStringLiteral("demo traffic: ") + failure);
    if (!stopped)
        return fail(stopped.error());

    const nlohmann::json live = read::liveStatus(c.ws->db()).toJson();
    const DispatcherStats& st = c.dispatcher->stats();
    out() << "\n== Status after " << clock.elapsed() / 1000 << " s: " << demo.eventsSent() << " live events ==\n"
          << statusLine(live, st) << "\n"
          << "connector calls " << st.calls << ", delivery attempts " << st.sent << ", acked " << st.acked
          << ", retried " << st.retried << ", held (dependency waits) " << st.held << ", superseded " << st.superseded
          << ", failed into exceptions " << st.failed << "\n\n";
    cmdOverview(a, c.ws.get());
    std::vector<const SimulatedSystem*> simulated;
    for (const std::string& id : demo.systemIds())
        if (const auto* sys = demo.system(id); sys && !(tryton && id == "ERP"))
            simulated.push_back(sys);
    if (auto r = saveSimulatedState(path, simulated); !r)
        err() << "mdsyncctl demo: " << r.error() << '\n';
    for (const std::string& id : demo.systemIds()) {
        if (tryton && id == "ERP") {
            out() << "  ERP: Tryton (what it acknowledged or refused: mdsyncctl overview / exceptions)\n";
            continue;
        }
        if (const auto* sys = demo.system(id))
            printReceived(*sys);
    }
    out() << "\nThe workspace stays at " << path << ". Try:\n"
          << "  mdsyncctl exceptions --workspace " << path << "\n"
          << "  mdsyncctl status --workspace " << path << " --domain item --key FG-1000\n"
          << "  mdsyncctl lineage --workspace " << path << " --domain bom --key FG-1000/P100/1\n"
          << "  mdsyncctl simulate --workspace " << path << "   (serves the demo's target systems until stopped;"
          << " then, in another terminal:)\n"
          << "  mdsyncctl run --workspace " << path << " --until-idle\n";
    return Ok;
}

int cmdSimulate(const Args& a)
{
    QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        path = QDir::current().filePath(QStringLiteral("mdsync-demo.mdsync"));
    bool ok = true;
    const double duration = a.value(QStringLiteral("duration"), QStringLiteral("0")).toDouble(&ok);
    if (!ok || duration < 0 || duration > 7 * 24 * 3600)
        return fail(QStringLiteral("--duration takes seconds (0 = until stopped), got '%1'")
                        .arg(a.value(QStringLiteral("duration"))));
    const uint firstPort = a.value(QStringLiteral("port"), QStringLiteral("0")).toUInt(&ok);
    if (!ok || firstPort > 65535)
        return fail(QStringLiteral("--port takes a TCP port (0-65535; 0 = any free ports), got '%1'")
                        .arg(a.value(QStringLiteral("port"))));
    if (WorkspaceLocation::looksLikePostgres(path))
        return fail(QStringLiteral("%1: simulate serves the target systems of a demo workspace, a SQLite file made "
                                   "by 'mdsyncctl demo'")
                        .arg(path));
    if (!QFileInfo::exists(path))
        return fail(
            QStringLiteral("%1 does not exist: 'mdsyncctl demo --workspace %1' makes a demo workspace").arg(path));
    if (auto demo = Workspace::peekMeta(path, QStringLiteral("demo")); !demo || demo.value() != QLatin1String("1"))
        return fail(QStringLiteral("%1 is not a demo workspace: simulate serves the demo landscape's simulated "
                                   "systems; a real landscape's targets are real systems")
                        .arg(path));
    auto running = SimulatedEndpoints::read(path);
    if (!running)
        return fail(running.error());
    if (running.value())
        return fail(QStringLiteral("%1 is served already by mdsyncctl simulate (process %2); stop that one first")
                        .arg(path)
                        .arg(running.value()->pid));

    const bool faults = !a.has(QStringLiteral("no-faults"));
    SimulatedLandscape systems;
    auto ports = systems.start(LiveDemo::systemsConfig(faults), static_cast<quint16>(firstPort));
    if (!ports)
        return fail(QStringLiteral("simulate: ") + ports.error());
    auto restored = restoreSimulatedState(path, systems);
    if (!restored)
        return fail(restored.error());
    SimulatedEndpoints served;
    served.pid = QCoreApplication::applicationPid();
    std::vector<QStringList> rows;
    for (const QString& id : systems.ids()) {
        SimulatedSystem* sys = systems.system(id);
        served.connectors[id.toStdString()] = LiveDemo::connectorConfig(id.toStdString(), sys->port());
        rows.push_back({ id, sys->baseUrl() });
        QObject::connect(sys, &SimulatedSystem::downChanged, sys, [id](bool down) {
            out() << "  " << id << (down ? " is down (a simulated outage)" : " is up again") << '\n';
            out().flush();
        });
    }
    if (auto r = served.write(path); !r)
        return fail(r.error());
    out() << "Serving the demo's target systems on 127.0.0.1 for " << path << ":\n";
    printTable({ QStringLiteral("SYSTEM"), QStringLiteral("ADDRESS") }, rows);
    if (faults)
        out() << "(faults as in the demo: ERP fails 8 % of calls, MES-P200 has a 20 s outage, WMS-P100 and QMS "
                 "rate-limit, WMS rejects blocked items; --no-faults serves them without)\n";
    if (restored.value())
        out() << "They hold what they had acknowledged before (" << restored.value() << " records, "
              << QDir::toNativeSeparators(SimulatedEndpoints::stateFilePath(path)) << ").\n";
    out() << "'mdsyncctl run --workspace " << path
          << "' delivers to them now, 'mdsyncctl reconcile' reads them back. Stop with Ctrl+C.\n";
    out().flush();

    g_stopSignal.store(0);
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QEventLoop loop;
    QTimer check;
    QElapsedTimer clock;
    clock.start();
    check.setInterval(100);
    std::vector<const SimulatedSystem*> all;
    for (const QString& id : systems.ids())
        all.push_back(systems.system(id));
    qint64 nextSave = 30000; // what they hold survives a kill, to the last half minute
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (g_stopSignal.load() != 0 || (duration > 0 && static_cast<double>(clock.elapsed()) >= duration * 1000))
            loop.quit();
        if (clock.elapsed() >= nextSave) {
            nextSave += 30000;
            if (auto r = saveSimulatedState(path, all); !r)
                err() << "mdsyncctl simulate: " << r.error() << '\n';
        }
    });
    check.start();
    loop.exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    SimulatedEndpoints::remove(path, served.pid);
    if (auto r = saveSimulatedState(path, all); !r)
        err() << "mdsyncctl simulate: " << r.error() << '\n';
    out() << "Stopped. What the systems received:\n";
    for (const QString& id : systems.ids())
        printReceived(*systems.system(id));
    return Ok;
}

} // namespace

int run(const QStringList& argv)
{
    Args a;
    QString error;
    if (!parse(argv, a, error))
        return fail(error);
    if (a.has(QStringLiteral("version"))) {
        out() << "mdsyncctl " << MDSYNC_VERSION << '\n';
        return Ok;
    }
    if (a.has(QStringLiteral("help")) || a.command.isEmpty() || a.command == QLatin1String("help")) {
        out() << kUsage;
        return a.command.isEmpty() && !a.has(QStringLiteral("help")) ? UserError : Ok;
    }
    const QString& c = a.command;
    static const std::map<QString, int (*)(const Args&)> areaCommands = {
        { QStringLiteral("correct"), cmdCorrect },
        { QStringLiteral("approve"), cmdDecide },
        { QStringLiteral("reject"), cmdDecide },
        { QStringLiteral("corrections"), cmdCorrections },
        { QStringLiteral("replay"), cmdReplay },
        { QStringLiteral("rule"), cmdRule },
        { QStringLiteral("metrics"), cmdMetrics },
        { QStringLiteral("alerts"), cmdAlerts },
        { QStringLiteral("authority"), cmdAuthority },
        { QStringLiteral("propose"), cmdPropose },
        { QStringLiteral("config-show"), cmdConfigShow },
        { QStringLiteral("onboard"), cmdOnboard },
        { QStringLiteral("approve-change"), cmdDecideChange },
        { QStringLiteral("reject-change"), cmdDecideChange },
        { QStringLiteral("proposals"), cmdProposals },
        { QStringLiteral("export-audit"), cmdExportAudit },
        { QStringLiteral("verify-export"), cmdVerifyExport },
        { QStringLiteral("reconcile"), cmdReconcile },
        { QStringLiteral("duplicates"), cmdDuplicates },
        { QStringLiteral("archive"), cmdArchive },
        { QStringLiteral("verify-archive"), cmdVerifyArchive },
    };
    if (c != QLatin1String("ingest") && c != QLatin1String("verify-export") && c != QLatin1String("duplicates")
        && c != QLatin1String("verify-archive") && !a.positionals.isEmpty())
        return fail(QStringLiteral("'%1' takes no argument '%2'").arg(c, a.positionals.first()));
    if (const QString problem = identityProblem(a); !problem.isEmpty())
        return fail(problem);
    int rc;
    if (auto it = areaCommands.find(c); it != areaCommands.end())
        rc = it->second(a);
    else if (c == QLatin1String("init"))
        rc = cmdInit(a);
    else if (c == QLatin1String("ingest"))
        rc = cmdIngest(a);
    else if (c == QLatin1String("objects"))
        rc = cmdObjects(a);
    else if (c == QLatin1String("status"))
        rc = cmdStatus(a);
    else if (c == QLatin1String("lineage"))
        rc = cmdLineage(a);
    else if (c == QLatin1String("exceptions"))
        rc = cmdExceptions(a);
    else if (c == QLatin1String("overview"))
        rc = cmdOverview(a);
    else if (c == QLatin1String("verify-audit"))
        rc = cmdVerifyAudit(a);
    else if (c == QLatin1String("demo"))
        rc = cmdDemo(a);
    else if (c == QLatin1String("simulate"))
        rc = cmdSimulate(a);
    else if (c == QLatin1String("run"))
        rc = cmdRun(a);
    else if (c == QLatin1String("grant") || c == QLatin1String("revoke"))
        rc = cmdRole(a, c == QLatin1String("grant"));
    else if (c == QLatin1String("roles"))
        rc = cmdRoles(a);
    else if (c == QLatin1String("assign") || c == QLatin1String("unassign") || c == QLatin1String("comment")
        || c == QLatin1String("discard") || c == QLatin1String("resolve"))
        rc = cmdExceptionAction(a);
    else if (c == QLatin1String("pause"))
        rc = cmdPause(a, true);
    else if (c == QLatin1String("resume"))
        rc = cmdPause(a, false);
    else if (c == QLatin1String("probe"))
        rc = cmdProbe(a);
    else if (c == QLatin1String("contract-test"))
        rc = cmdContractTest(a);
    else if (c == QLatin1String("backup"))
        rc = cmdBackup(a);
    else if (c == QLatin1String("migrate"))
        rc = cmdMigrate(a);
    else if (c == QLatin1String("upgrade"))
        rc = cmdUpgrade(a);
    else
        return fail(QStringLiteral("unknown command '%1' (see mdsyncctl --help)").arg(c));
    out().flush();
    return rc;
}

} // namespace mdsync::cli
