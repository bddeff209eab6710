// mdsyncctl steward commands: correct, approve/reject, corrections, replay (one, by filter, dry run), rule.
#include "clicommands.h"

#include "config/configstore.h"
#include "contract/contract.h"
#include "steward/corrections.h"
#include "steward/exceptionactions.h"
#include "steward/fixrules.h"
#include "steward/replayjob.h"
#include "steward/steward.h"
#include "store/duplicatedecisions.h"
#include "sync/ingestpipeline.h"
#include "util/timeutil.h"

namespace mdsync::cli {

namespace {

// The writer side a steward command needs: the workspace, the configuration in force, the ingest pipeline (a
// steward revision goes through it like any change) and the steward facade over them.
struct StewardCore
{
    std::unique_ptr<Workspace> ws;
    ActiveConfig config;
    std::unique_ptr<IngestPipeline> pipeline;
    std::unique_ptr<Steward> steward;

    ~StewardCore()
    {
        steward.reset();
        pipeline.reset();
        ws.reset();
    }
};

Result<std::unique_ptr<StewardCore>> openSteward(const Args& a, Workspace::Mode mode = Workspace::Mode::ReadWrite)
{
    auto c = std::make_unique<StewardCore>();
    auto ws = openWorkspace(a, mode);
    if (!ws)
        return makeError(ws.error());
    c->ws = std::move(ws).value();
    auto cfg = loadActiveConfig(*c->ws);
    if (!cfg)
        return makeError(cfg.error());
    c->config = cfg.value();
    c->pipeline = std::make_unique<IngestPipeline>(*c->ws, c->config);
    c->steward = std::make_unique<Steward>(*c->ws, c->config, *c->pipeline);
    return c;
}

// "value" as JSON when it parses (numbers, true/false/null, quoted strings, objects), else as a plain string.
nlohmann::json valueOf(const QString& text)
{
    auto j = nlohmann::json::parse(text.toStdString(), nullptr, false);
    return j.is_discarded() ? nlohmann::json(text.toStdString()) : j;
}

// --set name=value (repeatable) into an object; error names the bad one.
Result<nlohmann::json> assignments(const Args& a)
{
    nlohmann::json out = nlohmann::json::object();
    auto it = a.repeated.find(QStringLiteral("set"));
    if (it == a.repeated.end())
        return out;
    for (const QString& s : it->second) {
        const auto eq = s.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return makeError(QStringLiteral("--set takes name=value, got '%1'").arg(s));
        out[s.left(eq).trimmed().toStdString()] = valueOf(s.mid(eq + 1));
    }
    return out;
}

std::int64_t idOption(const Args& a)
{
    bool ok = false;
    const qint64 id = a.value(QStringLiteral("id")).toLongLong(&ok);
    return ok && id > 0 ? id : 0;
}

QString changesText(const nlohmann::json& before, const nlohmann::json& after)
{
    QStringList parts;
    for (auto it = after.begin(); it != after.end(); ++it) {
        const auto b = before.find(it.key());
        parts << QStringLiteral("%1: %2 → %3")
                     .arg(q(it.key()), b == before.end() ? QStringLiteral("-") : jstr(*b), jstr(it.value()));
    }
    return parts.join(QStringLiteral("; "));
}

void printCorrection(const CorrectionResult& c)
{
    out() << "correction #" << c.id << " (" << q(c.kind) << ") " << q(c.domain) << '/' << q(c.key)
          << (c.target.empty() ? QString() : QStringLiteral(" at ") + q(c.target)) << ": "
          << changesText(c.before, c.changes) << '\n';
    if (c.status == "awaiting_approval") {
        QStringList groups;
        for (const auto& g : c.criticalGroups)
            groups << q(g);
        out() << "  awaiting approval: it touches the critical group(s) " << groups.join(QStringLiteral(", "))
              << "; another user with the approver role must approve it (mdsyncctl approve --id " << c.id << ")\n";
    } else if (c.status == "applied" && c.kind == "attributes") {
        out() << "  applied as revision " << c.revisionNo << " on behalf of " << q(c.onBehalfOf)
              << "; it is queued for every subscriber (mdsyncctl run sends it)\n";
    } else if (c.status == "applied") {
        out() << "  applied to the failed delivery; replay exception #" << c.exceptionId << " to send it\n";
    } else {
        out() << "  " << q(c.status) << '\n';
    }
}

int reportCorrection(const Args& a, const Result<CorrectionResult>& r)
{
    if (!r)
        return fail(r.error());
    if (a.has(QStringLiteral("json")))
        printJson(r->toJson());
    else
        printCorrection(r.value());
    return Ok;
}

} // namespace

int cmdExceptionAction(const Args& a)
{
    bool ok = false;
    const std::int64_t id = a.value(QStringLiteral("id")).toLongLong(&ok);
    if (!ok || id <= 0)
        return fail(QStringLiteral("%1 needs --id N (an exception id, see mdsyncctl exceptions)").arg(a.command));
    auto core = openSteward(a);
    if (!core)
        return fail(core.error());
    Steward& actions = *core.value()->steward;
    const std::string who = actor(a);
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    const QString& c = a.command;
    Result<void> r;
    if (c == QLatin1String("assign")) {
        r = actions.assign(who, id, a.value(QStringLiteral("to")).toStdString(), reason);
    } else if (c == QLatin1String("unassign")) {
        r = actions.unassign(who, id, reason);
    } else if (c == QLatin1String("comment")) {
        r = actions.comment(who, id, a.value(QStringLiteral("text")).toStdString());
    } else if (c == QLatin1String("discard")) {
        DiscardReason code;
        if (!discardReasonFromName(a.value(QStringLiteral("reason-code")).toStdString(), code))
            return fail(QStringLiteral("discard needs --reason-code superseded|obsolete_object|duplicate|"
                                       "target_decommissioned|other (got '%1')")
                            .arg(a.value(QStringLiteral("reason-code"))));
        r = actions.discard(who, id, code, reason);
    } else if (c == QLatin1String("resolve")) {
        r = actions.resolve(who, id, reason);
    } else {
        r = actions.replay(who, id, reason);
    }
    if (!r)
        return fail(r.error());
    out() << c << " #" << id << ": done\n";
    return Ok;
}

int cmdCorrect(const Args& a)
{
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    const std::int64_t exceptionId = idOption(a);
    auto c = openSteward(a);
    if (!c)
        return fail(c.error());
    Result<CorrectionResult> r = makeError(QString());
    if (a.options.count(QStringLiteral("payload"))) {
        if (!exceptionId)
            return fail(QStringLiteral("correct --payload needs --id N (the exception of the failed delivery)"));
        auto fields = nlohmann::json::parse(a.value(QStringLiteral("payload")).toStdString(), nullptr, false);
        if (fields.is_discarded() || !fields.is_object())
            return fail(QStringLiteral("--payload takes a JSON object of payload fields, e.g. '{\"uom\":\"EA\"}'"));
        r = c.value()->steward->correctPayload(actor(a), exceptionId, fields, reason);
    } else {
        auto changes = assignments(a);
        if (!changes)
            return fail(changes.error());
        std::string domain, key;
        if (requireObject(a, domain, key))
            r = c.value()->steward->correctAttributes(actor(a), domain, key, changes.value(), reason, exceptionId);
        else if (exceptionId)
            r = c.value()->steward->correctExceptionObject(actor(a), exceptionId, changes.value(), reason);
        else
            return fail(QStringLiteral("correct needs --domain D --key K (or --id N of an exception about the"
                                       " object) and --set attribute=value ..., or --id N --payload JSON"));
    }
    return reportCorrection(a, r);
}

int cmdDecide(const Args& a)
{
    const std::int64_t id = idOption(a);
    if (!id)
        return fail(QStringLiteral("%1 needs --id N (a correction, see mdsyncctl corrections)").arg(a.command));
    auto c = openSteward(a);
    if (!c)
        return fail(c.error());
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    auto r = a.command == QLatin1String("approve") ? c.value()->steward->approve(actor(a), id, reason)
                                                   : c.value()->steward->reject(actor(a), id, reason);
    return reportCorrection(a, r);
}

int cmdCorrections(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    std::string domain, key;
    requireObject(a, domain, key);
    bool ok = false;
    const int limit = a.value(QStringLiteral("limit"), QStringLiteral("100")).toInt(&ok);
    auto list = listCorrections(
        ws.value()->db(), a.value(QStringLiteral("status")).toStdString(), domain, key, ok && limit > 0 ? limit : 100);
    if (!list)
        return fail(list.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(list.value());
        return Ok;
    }
    std::vector<QStringList> rows;
    for (const auto& j : list.value())
        rows.push_back({ QString::number(j["id"].get<std::int64_t>()), jstr(j["status"]), jstr(j["kind"]),
            jstr(j["domain"]) + QLatin1Char('/') + jstr(j["key"]), jstr(j.value("target", nlohmann::json())),
            changesText(j["before"], j["changes"]), jstr(j["proposed_by"]),
            jstr(j.value("decided_by", nlohmann::json())) });
    printTable(
        { QStringLiteral("ID"), QStringLiteral("STATUS"), QStringLiteral("KIND"), QStringLiteral("OBJECT"),
            QStringLiteral("TARGET"), QStringLiteral("CHANGE"), QStringLiteral("BY"), QStringLiteral("DECIDED BY") },
        rows);
    return Ok;
}

namespace {

// --filter EXPR plus the single options (--target, --category, --domain, --older-than, --error).
Result<ReplayFilter> replayFilter(const Args& a)
{
    auto f = ReplayFilter::parse(a.value(QStringLiteral("filter")).toStdString());
    if (!f)
        return f;
    QStringList extra;
    for (const char* k : { "target", "category", "domain", "older-than", "error" })
        if (a.options.count(QString::fromLatin1(k)))
            extra << QStringLiteral("%1=%2").arg(QString::fromLatin1(k), a.value(QString::fromLatin1(k)));
    if (extra.isEmpty())
        return f;
    auto more = ReplayFilter::parse(extra.join(QLatin1Char(',')).toStdString());
    if (!more)
        return more;
    ReplayFilter r = f.value();
    const ReplayFilter& m = more.value();
    if (!m.target.empty())
        r.target = m.target;
    if (!m.category.empty())
        r.category = m.category;
    if (!m.domain.empty())
        r.domain = m.domain;
    if (!m.errorText.empty())
        r.errorText = m.errorText;
    if (m.olderThanMs)
        r.olderThanMs = m.olderThanMs;
    return r;
}

} // namespace

int cmdReplay(const Args& a)
{
    const std::int64_t id = idOption(a);
    const bool dry = a.has(QStringLiteral("dry-run"));
    const bool json = a.has(QStringLiteral("json"));
    auto filter = replayFilter(a);
    if (!filter)
        return fail(QStringLiteral("replay: ") + filter.error());
    ReplayFilter f = filter.value();
    if (id && f.empty() && !dry) {
        // One exception: the action itself, so that what is wrong with it (not a failed delivery, already
        // closed, ...) is said rather than an empty job.
        auto c = openSteward(a);
        if (!c)
            return fail(c.error());
        if (auto r = c.value()->steward->replay(actor(a), id, a.value(QStringLiteral("reason")).toStdString()); !r)
            return fail(r.error());
        out() << "replay #" << id << ": requeued (the dispatcher sends it in order, after its dependencies)\n";
        return Ok;
    }
    if (id)
        f.exceptionIds = { id };
    if (f.empty())
        return fail(QStringLiteral("replay needs --id N (one exception) or --filter "
                                   "target=T,category=C,domain=D,older-than=2h,error=TEXT"));
    auto c = openSteward(a, dry ? Workspace::Mode::ReadOnly : Workspace::Mode::ReadWrite);
    if (!c)
        return fail(c.error());
    Steward& steward = *c.value()->steward;
    if (dry) {
        auto r = steward.replayDryRun(actor(a), f);
        if (!r)
            return fail(r.error());
        if (json) {
            printJson(r->toJson());
            return Ok;
        }
        out() << "dry run: " << r->total << " failed deliveries match; nothing was changed\n";
        for (const ReplayItem& i : r->items) {
            out() << "#" << i.exceptionId << ' ' << q(i.domain) << '/' << q(i.key) << " → " << q(i.target) << " rev "
                  << i.revisionNo << " (" << q(i.category) << "): " << q(i.result)
                  << (i.message.empty() ? QString() : QStringLiteral(" — ") + q(i.message)) << '\n';
            if (i.payload.is_null())
                continue;
            out() << "  last acknowledged: "
                  << (i.lastAckedRevisionNo ? QStringLiteral("revision %1").arg(i.lastAckedRevisionNo)
                                            : QStringLiteral("never"))
                  << '\n';
            for (const auto& d : i.diff)
                out() << "  "
                      << (d["change"] == "added"            ? '+'
                                 : d["change"] == "removed" ? '-'
                                                            : '~')
                      << ' ' << jstr(d["field"]) << ": " << jstr(d["before"]) << " → " << jstr(d["after"]) << '\n';
            if (i.diff.empty())
                out() << "  (same payload as the last acknowledged one)\n";
        }
        return Ok;
    }
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    auto r = steward.replayJob(actor(a), f, reason, [&](std::int64_t done, std::int64_t total, const ReplayItem& i) {
        if (!json) {
            out() << QStringLiteral("[%1/%2] #%3 %4/%5 → %6: %7")
                         .arg(done)
                         .arg(total)
                         .arg(i.exceptionId)
                         .arg(q(i.domain), q(i.key), q(i.target), q(i.result))
                  << (i.message.empty() ? QString() : QStringLiteral(" — ") + q(i.message)) << '\n';
            out().flush();
        }
        return true;
    });
    if (!r)
        return fail(r.error());
    if (json)
        printJson(r->toJson());
    else
        out() << "replay job " << r->jobId << ": " << r->succeeded << " of " << r->total
              << " requeued (the dispatcher sends them in order, after their dependencies), " << r->failed
              << " could not be requeued\n";
    return r->failed ? DataProblems : Ok;
}

int cmdRule(const Args& a)
{
    const bool preview = a.has(QStringLiteral("preview"));
    const bool apply = a.has(QStringLiteral("apply"));
    auto c = openSteward(a, apply ? Workspace::Mode::ReadWrite : Workspace::Mode::ReadOnly);
    if (!c)
        return fail(c.error());
    Steward& steward = *c.value()->steward;
    if (!preview && !apply) {
        auto list = steward.rules();
        if (!list)
            return fail(list.error());
        printJson(list.value());
        return Ok;
    }
    FixRule rule;
    rule.name = a.value(QStringLiteral("name")).toStdString();
    rule.kind = a.value(QStringLiteral("kind"), QStringLiteral("payload")).toStdString();
    rule.reason = a.value(QStringLiteral("reason")).toStdString();
    auto scope = replayFilter(a);
    if (!scope)
        return fail(QStringLiteral("rule: ") + scope.error());
    rule.scope = scope.value();
    // --match FIELD=VALUE (optional: only where the field has this value) and --set FIELD=VALUE.
    auto set = assignments(a);
    if (!set)
        return fail(set.error());
    if (set->size() != 1)
        return fail(QStringLiteral("rule needs exactly one --set FIELD=VALUE (what the rule changes)"));
    rule.field = set->begin().key();
    rule.setTo = set->begin().value();
    if (a.options.count(QStringLiteral("match"))) {
        const QString m = a.value(QStringLiteral("match"));
        const auto eq = m.indexOf(QLatin1Char('='));
        if (eq <= 0 || m.left(eq).trimmed().toStdString() != rule.field)
            return fail(
                QStringLiteral("--match takes %1=VALUE (the same field as --set), got '%2'").arg(q(rule.field), m));
        rule.equals = valueOf(m.mid(eq + 1));
    }
    auto r = apply ? steward.applyRule(actor(a), rule) : steward.previewRule(actor(a), rule);
    if (!r)
        return fail(r.error());
    if (a.has(QStringLiteral("json"))) {
        printJson(r->toJson());
        return Ok;
    }
    if (apply)
        out() << "rule #" << r->ruleId << " '" << q(rule.name) << "': " << r->applied << " applied, "
              << r->awaitingApproval << " awaiting approval, " << r->failed << " not applied\n";
    else
        out() << "preview of rule '" << q(rule.name) << "': " << r->matches.size()
              << " open exceptions match (nothing was changed)\n";
    for (const RuleMatch& m : r->matches)
        out() << "  #" << m.exceptionId << ' ' << q(m.domain) << '/' << q(m.key)
              << (m.target.empty() ? QString() : QStringLiteral(" at ") + q(m.target)) << ": "
              << changesText(m.before, m.after) << " [" << q(m.result) << "]"
              << (m.message.empty() ? QString() : QStringLiteral(" — ") + q(m.message)) << '\n';
    return apply && r->failed ? DataProblems : Ok;
}

namespace {

// "42s", "17m", "3h", "2d": how long ago `at` (ms) was.
QString age(qint64 at)
{
    const qint64 s = std::max<qint64>(0, (nowMs() - at) / 1000);
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1m").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1h").arg(s / 3600);
    return QStringLiteral("%1d").arg(s / 86400);
}

nlohmann::json suspectJson(const read::DuplicateSuspect& s)
{
    nlohmann::json compared = nlohmann::json::array();
    for (const QString& c : s.compared)
        compared.push_back(c.toStdString());
    return { { "exception_id", s.exceptionId }, { "domain", s.domain.toStdString() }, { "key", s.key.toStdString() },
        { "object_id", s.objectId }, { "suspect_key", s.suspectKey.toStdString() }, { "suspect_id", s.suspectId },
        { "score", s.score }, { "compared", compared }, { "status", s.status.toStdString() },
        { "created_at", formatRfc3339(s.createdAt) },
        { "age_seconds", std::max<qint64>(0, (nowMs() - s.createdAt) / 1000) } };
}

// --exception N, or --domain D --keys A B (the second key as a positional, or --keys A,B): the pair's domain and keys.
Result<std::array<QString, 3>> pairOption(const Args& a, const QSqlDatabase& db, std::int64_t& exceptionId)
{
    bool ok = false;
    exceptionId = a.value(QStringLiteral("exception")).toLongLong(&ok);
    if (a.options.count(QStringLiteral("exception"))) {
        if (!ok || exceptionId <= 0)
            return makeError(QStringLiteral("--exception takes an exception id (see mdsyncctl duplicates list)"));
        auto s = read::duplicateSuspect(db, exceptionId);
        if (!s)
            return makeError(s.error());
        if (!s->objectId)
            return makeError(QStringLiteral("exception #%1 is a held event: nothing was created, there is no pair"
                                            " to compare (discard it or re-send it)")
                                 .arg(exceptionId));
        return std::array<QString, 3> { s->domain, s->key, s->suspectKey };
    }
    exceptionId = 0;
    QStringList keys = a.value(QStringLiteral("keys")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    keys << a.positionals.mid(1);
    if (a.value(QStringLiteral("domain")).isEmpty() || keys.size() != 2)
        return makeError(
            QStringLiteral("duplicates %1 needs --exception N or --domain D --keys A B").arg(a.positionals.value(0)));
    return std::array<QString, 3> { a.value(QStringLiteral("domain")), keys[0].trimmed(), keys[1].trimmed() };
}

nlohmann::json sideJson(const read::DuplicateSide& s)
{
    nlohmann::json sources = nlohmann::json::array(), acked = nlohmann::json::array();
    for (const QString& x : s.sources)
        sources.push_back(x.toStdString());
    for (const QString& x : s.ackedTargets)
        acked.push_back(x.toStdString());
    return { { "object_id", s.objectId }, { "key", s.object.key.toStdString() }, { "revision_no", s.object.revisionNo },
        { "revisions", s.revisions }, { "current_source", s.object.source.toStdString() }, { "sources", sources },
        { "acknowledged_by", acked },
        { "attributes", nlohmann::json::parse(s.object.state.toStdString(), nullptr, false) } };
}

// One line about a merge: what it is now and what applying it did.
void printMerge(const store::ObjectMerge& m)
{
    out() << "merge #" << m.id << ": " << m.domain << " '" << m.mergedKey << "' into '" << m.survivorKey << "': ";
    if (m.status == QLatin1String("awaiting_approval")) {
        out() << "awaiting approval (four-eyes: another user with the approver role runs mdsyncctl duplicates"
                 " approve-merge --merge "
              << m.id << ")\n";
        return;
    }
    if (m.status == QLatin1String("rejected")) {
        out() << "rejected by " << m.decidedBy << " (" << m.decisionReason << ")\n";
        return;
    }
    const auto detail = nlohmann::json::parse(m.detail.toStdString(), nullptr, false);
    QStringList redirected;
    if (detail.is_object() && detail.contains("redirected"))
        for (const auto& r : detail["redirected"])
            redirected << QStringLiteral("%1 '%2' (revision %3)")
                              .arg(jstr(r["domain"]), jstr(r["key"]))
                              .arg(r["revision_no"].get<std::int64_t>());
    out() << "applied" << (m.decidedBy.isEmpty() ? QString() : QStringLiteral(", approved by %1").arg(m.decidedBy))
          << "; '" << m.mergedKey << "' retired (revision "
          << (detail.is_object() ? jstr(detail.value("retired_revision_no", nlohmann::json())) : QStringLiteral("?"))
          << ") and now an alias of '" << m.survivorKey << "'; references redirected: "
          << (redirected.isEmpty() ? QStringLiteral("none") : redirected.join(QStringLiteral(", "))) << '\n';
}

int duplicatesCompare(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    std::int64_t exceptionId = 0;
    auto pair = pairOption(a, ws.value()->db(), exceptionId);
    if (!pair)
        return fail(pair.error());
    const auto& [domain, keyA, keyB] = pair.value();
    auto c = read::compareDuplicates(ws.value()->db(), domain, keyA, keyB);
    if (!c)
        return fail(c.error());
    nlohmann::json decision;
    if (c->decision)
        decision = { { "decision", c->decision->decision.toStdString() }, { "by", c->decision->actor.toStdString() },
            { "at", formatRfc3339(c->decision->at) }, { "reason", c->decision->reason.toStdString() } };
    if (a.has(QStringLiteral("json"))) {
        nlohmann::json merges = nlohmann::json::array();
        for (const store::ObjectMerge& m : c->merges)
            merges.push_back(mergeToJson(m));
        printJson({ { "domain", domain.toStdString() }, { "a", sideJson(c->a) }, { "b", sideJson(c->b) },
            { "decision", decision }, { "merges", merges } });
        return Ok;
    }
    const auto stateA = nlohmann::json::parse(c->a.object.state.toStdString(), nullptr, false);
    const auto stateB = nlohmann::json::parse(c->b.object.state.toStdString(), nullptr, false);
    const auto cell = [](const nlohmann::json& state, const QString& name) {
        if (!state.is_object() || !state.contains(name.toStdString()))
            return QStringLiteral("-");
        return jstr(state[name.toStdString()]);
    };
    std::vector<QStringList> rows;
    for (const QString& name : c->attributes) {
        const QString va = cell(stateA, name), vb = cell(stateB, name);
        rows.push_back({ va == vb ? QString() : QStringLiteral("≠"), name, va, vb });
    }
    const auto list
        = [](const QStringList& l) { return l.isEmpty() ? QStringLiteral("-") : l.join(QStringLiteral(", ")); };
    rows.push_back(
        { {}, QStringLiteral("(revisions)"), QString::number(c->a.revisions), QString::number(c->b.revisions) });
    rows.push_back({ {}, QStringLiteral("(sources)"), list(c->a.sources), list(c->b.sources) });
    rows.push_back({ {}, QStringLiteral("(acknowledged by)"), list(c->a.ackedTargets), list(c->b.ackedTargets) });
    out() << domain << " '" << keyA << "' (object " << c->a.objectId << ") and '" << keyB << "' (object "
          << c->b.objectId << ")" << (exceptionId ? QStringLiteral(", exception #%1").arg(exceptionId) : QString())
          << '\n';
    printTable({ QString(), QStringLiteral("ATTRIBUTE"), keyA, keyB }, rows);
    if (c->decision)
        out() << "decided: not a duplicate, by " << c->decision->actor << " at " << q(formatRfc3339(c->decision->at))
              << " (" << c->decision->reason << ")\n";
    for (const store::ObjectMerge& m : c->merges)
        printMerge(m);
    return Ok;
}

int duplicatesDismiss(const Args& a)
{
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    auto core = openSteward(a);
    if (!core)
        return fail(core.error());
    Steward& steward = *core.value()->steward;
    Result<void> r;
    QString what;
    if (a.options.count(QStringLiteral("exception"))) {
        bool ok = false;
        const qint64 id = a.value(QStringLiteral("exception")).toLongLong(&ok);
        if (!ok || id <= 0)
            return fail(QStringLiteral("--exception takes an exception id (see mdsyncctl duplicates list)"));
        r = steward.dismissDuplicate(actor(a), id, reason);
        what = QStringLiteral("exception #%1").arg(id);
    } else {
        std::int64_t unused = 0;
        auto pair = pairOption(a, core.value()->ws->db(), unused);
        if (!pair)
            return fail(pair.error());
        const auto& [domain, keyA, keyB] = pair.value();
        r = steward.dismissDuplicatePair(
            actor(a), domain.toStdString(), keyA.toStdString(), keyB.toStdString(), reason);
        what = QStringLiteral("%1 '%2' and '%3'").arg(domain, keyA, keyB);
    }
    if (!r)
        return fail(r.error());
    out() << "duplicates dismiss " << what
          << ": not a duplicate; the pair will not be raised again (its open suspects are resolved)\n";
    return Ok;
}

int duplicatesMerge(const Args& a)
{
    MergeRequest req;
    req.reason = a.value(QStringLiteral("reason")).toStdString();
    req.survivorKey = a.value(QStringLiteral("into")).toStdString();
    auto core = openSteward(a);
    if (!core)
        return fail(core.error());
    if (a.options.count(QStringLiteral("exception"))) {
        bool ok = false;
        req.exceptionId = a.value(QStringLiteral("exception")).toLongLong(&ok);
        if (!ok || req.exceptionId <= 0)
            return fail(QStringLiteral("--exception takes an exception id (see mdsyncctl duplicates list)"));
    } else {
        std::int64_t unused = 0;
        auto pair = pairOption(a, core.value()->ws->db(), unused);
        if (!pair)
            return fail(pair.error());
        req.domain = pair.value()[0].toStdString();
        req.keyA = pair.value()[1].toStdString();
        req.keyB = pair.value()[2].toStdString();
    }
    auto m = core.value()->steward->mergeDuplicate(actor(a), req);
    if (!m)
        return fail(m.error());
    if (a.has(QStringLiteral("json")))
        printJson(mergeToJson(m.value()));
    else
        printMerge(m.value());
    return Ok;
}

int duplicatesDecideMerge(const Args& a, bool approve)
{
    bool ok = false;
    const qint64 id = a.value(QStringLiteral("merge")).toLongLong(&ok);
    if (!ok || id <= 0)
        return fail(QStringLiteral("duplicates %1 needs --merge N (see mdsyncctl duplicates merges)")
                        .arg(a.positionals.value(0)));
    auto core = openSteward(a);
    if (!core)
        return fail(core.error());
    const std::string reason = a.value(QStringLiteral("reason")).toStdString();
    Steward& steward = *core.value()->steward;
    auto m = approve ? steward.approveMerge(actor(a), id, reason) : steward.rejectMerge(actor(a), id, reason);
    if (!m)
        return fail(m.error());
    if (a.has(QStringLiteral("json")))
        printJson(mergeToJson(m.value()));
    else
        printMerge(m.value());
    return Ok;
}

int duplicatesMerges(const Args& a)
{
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto list
        = store::objectMerges(ws.value()->db(), a.value(QStringLiteral("status")), a.value(QStringLiteral("domain")));
    if (!list)
        return fail(list.error());
    if (a.has(QStringLiteral("json"))) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& m : list.value())
            j.push_back(mergeToJson(m));
        printJson(j);
        return Ok;
    }
    std::vector<QStringList> rows;
    for (const auto& m : list.value())
        rows.push_back({ QString::number(m.id), m.domain, m.mergedKey, m.survivorKey, m.status, m.proposedBy,
            m.decidedBy.isEmpty() ? QStringLiteral("-") : m.decidedBy, age(m.proposedAt) });
    if (rows.empty()) {
        out() << "no merges\n";
        return Ok;
    }
    printTable(
        { QStringLiteral("MERGE"), QStringLiteral("DOMAIN"), QStringLiteral("MERGED"), QStringLiteral("INTO"),
            QStringLiteral("STATUS"), QStringLiteral("BY"), QStringLiteral("DECIDED BY"), QStringLiteral("AGE") },
        rows);
    return Ok;
}

} // namespace

int cmdDuplicates(const Args& a)
{
    const QString sub = a.positionals.value(0);
    if (sub == QLatin1String("compare"))
        return duplicatesCompare(a);
    if (sub == QLatin1String("dismiss"))
        return duplicatesDismiss(a);
    if (sub == QLatin1String("merge"))
        return duplicatesMerge(a);
    if (sub == QLatin1String("approve-merge") || sub == QLatin1String("reject-merge"))
        return duplicatesDecideMerge(a, sub == QLatin1String("approve-merge"));
    if (sub == QLatin1String("merges"))
        return duplicatesMerges(a);
    if (sub != QLatin1String("list"))
        return fail(
            QStringLiteral("duplicates needs list, compare, merge, approve-merge, reject-merge, merges or dismiss"
                           " (got '%1')")
                .arg(sub));
    if (a.positionals.size() > 1)
        return fail(QStringLiteral("'duplicates list' takes no argument '%1'").arg(a.positionals[1]));
    auto ws = openWorkspace(a, Workspace::Mode::ReadOnly);
    if (!ws)
        return fail(ws.error());
    auto list = read::openDuplicateSuspects(ws.value()->db(), a.value(QStringLiteral("domain")));
    if (!list)
        return fail(list.error());
    if (a.has(QStringLiteral("json"))) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& s : list.value())
            j.push_back(suspectJson(s));
        printJson(j);
        return Ok;
    }
    std::vector<QStringList> rows;
    for (const auto& s : list.value())
        rows.push_back({ QString::number(s.exceptionId), s.domain, s.key, s.suspectKey,
            QString::number(s.score, 'f', 2), s.compared.join(QStringLiteral(", ")), age(s.createdAt) });
    if (!rows.empty())
        printTable({ QStringLiteral("EXCEPTION"), QStringLiteral("DOMAIN"), QStringLiteral("KEY"),
                       QStringLiteral("LOOKS LIKE"), QStringLiteral("SCORE"), QStringLiteral("COMPARED"),
                       QStringLiteral("AGE") },
            rows);
    out() << list->size() << " open duplicate suspect(s)\n";
    return Ok;
}

} // namespace mdsync::cli
