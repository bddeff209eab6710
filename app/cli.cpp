#include "cli.h"

#include "audit/auditlog.h"
#include "contract/contract.h"
#include "store/configstore.h"
#include "store/readqueries.h"
#include "store/workspace.h"
#include "sync/ingestpipeline.h"
#include "util/jsonfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <map>
#include <set>
#include <vector>

namespace mdsync::cli {

namespace {

QTextStream& out()
{
    static QTextStream s(stdout);
    return s;
}

QTextStream& err()
{
    static QTextStream s(stderr);
    return s;
}

// A user error: one line on stderr, exit code 1.
int fail(const QString& message)
{
    out().flush();
    err() << "mdsyncctl: " << message << Qt::endl;
    return UserError;
}

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString jstr(const nlohmann::json& v)
{
    if (v.is_null())
        return QStringLiteral("-");
    if (v.is_string())
        return q(v.get<std::string>());
    return q(v.dump());
}

const char* kUsage = R"(Usage: mdsyncctl <command> --workspace PATH [options]

Commands:
  init [--landscape FILE] [--model FILE]   create a workspace with a landscape (default: built-in demo landscape)
  ingest FILE|-  [--source-name NAME]      ingest change events (JSON Lines) from a file or stdin
  objects [--domain D] [--prefix K] [--limit N]
  status --domain D --key K                an object's revision and its delivery state per target system
  lineage --domain D --key K               everything that happened to an object, in order
  exceptions [--status S] [--category C] [--domain D] [--key K] [--raw] [--limit N]
  overview                                 objects, deliveries per target and status, open exceptions
  verify-audit                             check the hash chain of the audit log
  demo [--workspace PATH]                  create a demo workspace, ingest the built-in NPI batch, show status
  contract-test [--contracts FILE]         run the sample objects of the contracts through their mappings
                                           (against the workspace's model and landscape, or the built-in ones)

Options:
  --workspace PATH   the workspace file (every command; demo defaults to ./mdsync-demo.mdsync)
  --user LOGIN       acting user (default: the OS login)
  --json             machine-readable output (query commands)
  --help, --version

Exit codes: 0 ok, 1 user error (message on stderr), 2 data problems reported (e.g. rejected events,
a broken audit chain).
)";

struct Args
{
    QString command;
    QStringList positionals;
    std::map<QString, QString> options;
    std::set<QString> flags;

    bool has(const QString& flag) const { return flags.count(flag) > 0; }
    QString value(const QString& name, const QString& fallback = {}) const
    {
        auto it = options.find(name);
        return it == options.end() ? fallback : it->second;
    }
};

const std::set<QString> kValueOptions = { QStringLiteral("workspace"), QStringLiteral("landscape"),
    QStringLiteral("model"), QStringLiteral("source-name"), QStringLiteral("domain"), QStringLiteral("key"),
    QStringLiteral("prefix"), QStringLiteral("limit"), QStringLiteral("status"), QStringLiteral("category"),
    QStringLiteral("user"), QStringLiteral("contracts") };
const std::set<QString> kFlags
    = { QStringLiteral("json"), QStringLiteral("raw"), QStringLiteral("help"), QStringLiteral("version") };

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

std::string actor(const Args& a)
{
    QString user = a.value(QStringLiteral("user"));
    if (user.isEmpty())
        user = qEnvironmentVariable("USER", qEnvironmentVariable("LOGNAME", qEnvironmentVariable("USERNAME")));
    return user.isEmpty() ? std::string("unknown") : user.toStdString();
}

// Prints rows as an aligned text table.
void printTable(const QStringList& headers, const std::vector<QStringList>& rows)
{
    std::vector<qsizetype> width(static_cast<size_t>(headers.size()));
    for (qsizetype c = 0; c < headers.size(); ++c)
        width[static_cast<size_t>(c)] = headers[c].size();
    for (const auto& r : rows)
        for (qsizetype c = 0; c < r.size() && c < headers.size(); ++c)
            width[static_cast<size_t>(c)]
                = std::max(width[static_cast<size_t>(c)], std::min<qsizetype>(r[c].size(), 60));
    auto line = [&](const QStringList& cells) {
        QString text;
        for (qsizetype c = 0; c < headers.size(); ++c) {
            QString cell = c < cells.size() ? cells[c] : QString();
            if (cell.size() > 60)
                cell = cell.left(59) + QChar(0x2026);
            text += c + 1 < headers.size() ? cell.leftJustified(width[static_cast<size_t>(c)] + 2) : cell;
        }
        out() << text << '\n';
    };
    line(headers);
    for (const auto& r : rows)
        line(r);
}

void printJson(const nlohmann::json& j)
{
    out() << q(j.dump(2)) << '\n';
}

Result<std::unique_ptr<Workspace>> openWorkspace(const Args& a, Workspace::Mode mode)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        return makeError(QStringLiteral("--workspace PATH is required for '%1'").arg(a.command));
    return Workspace::open(path, mode);
}

int cmdInit(const Args& a)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        return fail(QStringLiteral("--workspace PATH is required for 'init'"));
    const QString modelFile = a.value(QStringLiteral("model"));
    auto model = modelFile.isEmpty() ? CanonicalModel::builtin() : CanonicalModel::fromFile(modelFile);
    if (!model)
        return fail(model.error());
    const QString landscapeFile = a.value(QStringLiteral("landscape"));
    auto landscape = landscapeFile.isEmpty() ? Landscape::builtin(model.value())
                                             : Landscape::fromFile(landscapeFile, model.value());
    if (!landscape)
        return fail(landscape.error());

    auto ws = Workspace::create(path);
    if (!ws)
        return fail(ws.error());
    Workspace& w = *ws.value();
    const std::string who = actor(a);
    {
        if (auto r = w.begin(); !r)
            return fail(r.error());
        AuditLog audit(w.db());
        auto e = audit.append(who, "workspace.init", "workspace", std::nullopt,
            nlohmann::json { { "path", w.path().toStdString() }, { "schema_version", Workspace::kSchemaVersion } },
            std::nullopt);
        if (!e) {
            w.rollback();
            return fail(e.error());
        }
        if (auto r = w.setMeta(QStringLiteral("created_by"), q(who)); !r)
            return fail(r.error());
        if (auto r = w.commit(); !r)
            return fail(r.error());
    }
    const QString modelOrigin = modelFile.isEmpty() ? QStringLiteral("built-in") : QFileInfo(modelFile).fileName();
    const QString landscapeOrigin
        = landscapeFile.isEmpty() ? QStringLiteral("built-in") : QFileInfo(landscapeFile).fileName();
    if (auto r = installConfig(w, model.value(), modelOrigin, landscape.value(), landscapeOrigin, who); !r)
        return fail(r.error());
    if (a.has(QStringLiteral("json"))) {
        printJson({ { "workspace", w.path().toStdString() }, { "model_version", model->version() },
            { "landscape_version", landscape->version() }, { "systems", landscape->systems().size() },
            { "subscriptions", landscape->subscriptions().size() } });
    } else {
        out() << "Created workspace " << w.path() << "\n  model " << q(model->version()) << " ("
              << model->domains().size() << " domains), landscape " << q(landscape->name()) << ' '
              << q(landscape->version()) << " (" << landscape->systems().size() << " systems, "
              << landscape->subscriptions().size() << " subscriptions)\n";
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

bool requireObject(const Args& a, std::string& domain, std::string& key)
{
    domain = a.value(QStringLiteral("domain")).toStdString();
    key = a.value(QStringLiteral("key")).toStdString();
    return !domain.empty() && !key.empty();
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
            jstr(t["due_at"]), jstr(t["attempts"]), jstr(t["last_error"]) });
    printTable({ QStringLiteral("TARGET"), QStringLiteral("STATUS"), QStringLiteral("REV"), QStringLiteral("PATTERN"),
                   QStringLiteral("DUE"), QStringLiteral("ATTEMPTS"), QStringLiteral("LAST ERROR") },
        rows);
}

int cmdStatus(const Args& a)
{
    std::string domain, key;
    if (!requireObject(a, domain, key))
        return fail(QStringLiteral("status needs --domain D --key K"));
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
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
    read::ExceptionFilter f;
    f.status = a.value(QStringLiteral("status")).toStdString();
    f.category = a.value(QStringLiteral("category")).toStdString();
    f.domain = a.value(QStringLiteral("domain")).toStdString();
    f.key = a.value(QStringLiteral("key")).toStdString();
    f.withRaw = a.has(QStringLiteral("raw")) || a.has(QStringLiteral("json"));
    f.limit = a.value(QStringLiteral("limit"), QStringLiteral("100")).toInt();
    auto rows = read::exceptions(ws.value()->db(), f);
    if (!rows)
        return fail(rows.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(rows.value());
        return Ok;
    }
    for (const auto& r : rows.value()) {
        out() << '#' << jstr(r["id"]) << "  " << jstr(r["category"]) << '/' << jstr(r["severity"]) << "  "
              << jstr(r["status"]) << "  " << jstr(r["created_at"]) << "\n  " << jstr(r["message"]) << '\n';
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
    if (a.has(QStringLiteral("json"))) {
        printJson(o.value());
        return Ok;
    }
    out() << "Objects:";
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

int cmdContractTest(const Args& a)
{
    std::shared_ptr<const CanonicalModel> model;
    std::shared_ptr<const Landscape> landscape;
    if (!a.value(QStringLiteral("workspace")).isEmpty()) {
        auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
        if (!ws)
            return fail(ws.error());
        auto cfg = loadActiveConfig(*ws.value());
        if (!cfg)
            return fail(cfg.error());
        model = cfg->model;
        landscape = cfg->landscape;
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

int cmdDemo(Args a)
{
    QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        path = QDir::current().filePath(QStringLiteral("mdsync-demo.mdsync"));
    a.options[QStringLiteral("workspace")] = path;
    if (QFileInfo::exists(path)) {
        // Only ever replace a previous demo workspace.
        {
            auto old = Workspace::open(path, Workspace::Mode::ReadOnly);
            if (!old || old.value()->meta(QStringLiteral("demo")) != QLatin1String("1"))
                return fail(
                    QStringLiteral("%1 exists and is not a demo workspace; pass another --workspace").arg(path));
        }
        for (const QString& suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(path + suffix);
    }
    out() << "== mdsyncctl demo: a new-product introduction across the demo landscape ==\n\n";
    if (int rc = cmdInit(a); rc != Ok)
        return rc;
    auto ws = Workspace::open(path, Workspace::Mode::ReadWrite);
    if (!ws)
        return fail(ws.error());
    if (auto r = ws.value()->setMeta(QStringLiteral("demo"), QStringLiteral("1")); !r)
        return fail(r.error());
    ensureBuiltinResources();
    QFile batch(QStringLiteral(":/mdsync/demo/npi-batch.jsonl"));
    if (!batch.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("the built-in demo batch is missing from this build"));
    IngestSummary summary;
    if (int rc = ingestInto(*ws.value(), batch, QStringLiteral("npi-batch.jsonl"), a, &summary); rc == UserError)
        return rc;
    out() << "\nIngested the demo batch: " << q(summary.toJson().dump()) << "\n\n";
    cmdOverview(a, ws.value().get());
    for (const char* key : { "FG-1000" }) {
        auto s = read::objectStatus(ws.value()->db(), "item", key);
        if (s) {
            out() << '\n';
            printStatus(s.value());
        }
    }
    out() << "\nExceptions for the steward (mdsyncctl exceptions --workspace " << path << "):\n";
    auto ex = read::exceptions(ws.value()->db(), read::ExceptionFilter {});
    if (ex)
        for (const auto& r : ex.value())
            out() << "  #" << jstr(r["id"]) << ' ' << jstr(r["category"]) << ": " << jstr(r["message"]) << '\n';
    out() << "\nTry: mdsyncctl lineage --workspace " << path << " --domain item --key FG-1000\n";
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
    if (c != QLatin1String("ingest") && !a.positionals.isEmpty())
        return fail(QStringLiteral("'%1' takes no argument '%2'").arg(c, a.positionals.first()));
    int rc;
    if (c == QLatin1String("init"))
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
    else if (c == QLatin1String("contract-test"))
        rc = cmdContractTest(a);
    else
        return fail(QStringLiteral("unknown command '%1' (see mdsyncctl --help)").arg(c));
    out().flush();
    return rc;
}

} // namespace mdsync::cli
