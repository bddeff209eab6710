#include "widgets/exceptionproblem.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string_view>

namespace mdsync::ui {

namespace {

using json = nlohmann::json;

json parseJson(const QByteArray& text)
{
    return text.isEmpty() ? json() : json::parse(text.constData(), text.constData() + text.size(), nullptr, false);
}

// A JSON value as a steward reads it: strings without quotes, lists of plain values joined, numbers as written.
QString valueText(const json& v)
{
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_array()) {
        QStringList parts;
        for (const json& e : v) {
            if (e.is_structured())
                return QString::fromStdString(v.dump());
            parts << valueText(e);
        }
        return parts.join(QStringLiteral(", "));
    }
    return QString::fromStdString(v.dump());
}

} // namespace

// The words for the keys the core writes into exception details; any other key is shown as written.
static QString factLabel(const std::string& key)
{
    static const std::map<std::string_view, const char*> labels = {
        { "acked_revision_no", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Acknowledged revision") },
        { "attempts", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Attempts") },
        { "contract_version", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Contract version") },
        { "detected_by", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Detected by") },
        { "error", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Error") },
        { "http_status", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "HTTP status") },
        { "idempotency_key", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Idempotency key") },
        { "issues", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Problem") },
        { "outcome", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Outcome") },
        { "response", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "The target's answer") },
        { "subscription", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Subscription") },
        { "target", QT_TRANSLATE_NOOP("mdsync::ui::ExceptionProblem", "Target") },
    };
    if (auto it = labels.find(key); it != labels.end())
        return ExceptionProblem::tr(it->second);
    return QString::fromStdString(key);
}

static void addFact(ProblemTable& t, const std::string& key, const json& v)
{
    const QString label = factLabel(key);
    if (key == "issues" && v.is_array()) {
        // Validation: one row per issue, named by the attribute (path) it is about.
        for (const json& issue : v) {
            if (issue.is_object() && issue.contains("message"))
                t.rows.push_back(
                    { { issue.contains("path") ? valueText(issue["path"]) : label, valueText(issue["message"]) }, false,
                        false });
            else
                t.rows.push_back({ { label, valueText(issue) }, false, false });
        }
        return;
    }
    if (key == "differences" && v.is_array()) {
        // Drift: one row per field the target holds differently from what it acknowledged.
        for (const json& x : v) {
            if (x.is_object() && x.contains("field"))
                t.rows.push_back({ { valueText(x["field"]),
                                       ExceptionProblem::tr("expected %1, the target has %2")
                                           .arg(QString::fromStdString(x.value("expected", json()).dump()),
                                               QString::fromStdString(x.value("actual", json()).dump())) },
                    false, false });
            else
                t.rows.push_back({ { label, valueText(x) }, false, false });
        }
        return;
    }
    if (key == "response" && v.is_object()) {
        // A target's rejection: its error text first, then what else it said.
        if (auto e = v.find("error"); e != v.end())
            t.rows.push_back({ { label, valueText(*e) }, false, false });
        for (auto it = v.begin(); it != v.end(); ++it)
            if (it.key() != "error")
                t.rows.push_back({ { ExceptionProblem::tr("%1: %2").arg(label, QString::fromStdString(it.key())),
                                       valueText(it.value()) },
                    false, false });
        return;
    }
    t.rows.push_back({ { label, valueText(v) }, false, false });
}

// A duplicate suspect: the exception's object (or the held event) and the existing object it looks like.
static ProblemTable duplicateTable(const read::ExceptionDetail& d, const json& suspect)
{
    ProblemTable t;
    const QString otherKey = QString::fromStdString(suspect.value("key", std::string("?")));
    QStringList compared;
    if (auto c = suspect.find("compared"); c != suspect.end() && c->is_array())
        for (const json& a : *c)
            if (a.is_string())
                compared << QString::fromStdString(a.get<std::string>());
    const double score = suspect.value("score", 0.0);

    // One side: an object at its current revision (its state and "KEY / revision N, from SOURCE").
    const auto current = [](const read::ExceptionDetail::ObjectSide& o, json& state, QString& label) {
        state = parseJson(o.state.toUtf8());
        label = ExceptionProblem::tr("%1\nrevision %2, from %3").arg(o.key).arg(o.revisionNo).arg(o.source);
    };
    json left = json::object();
    QString leftLabel;
    if (d.object.exists) {
        current(d.object, left, leftLabel);
    } else {
        const json raw = parseJson(d.raw);
        if (raw.is_object() && raw.contains("attributes"))
            left = raw["attributes"];
        leftLabel = ExceptionProblem::tr("%1\nthe held event").arg(d.key);
    }
    json right = json::object();
    QString rightLabel;
    if (d.suspect.exists)
        current(d.suspect, right, rightLabel);
    else
        rightLabel = ExceptionProblem::tr("%1\nno longer in the workspace").arg(otherKey);
    if (!left.is_object())
        left = json::object();
    if (!right.is_object())
        right = json::object();

    t.heading
        = ExceptionProblem::tr("%1 %2 looks like %1 %3: similarity %4 on %5. The compared attributes are in "
                               "bold; values that differ are marked ≠.")
              .arg(d.domain, d.key, otherKey, QString::number(score, 'f', 2),
                  compared.isEmpty() ? ExceptionProblem::tr("(not recorded)") : compared.join(QStringLiteral(", ")));
    t.columns = { ExceptionProblem::tr("Attribute"), leftLabel, rightLabel };

    // The compared attributes first, in the matcher's order, then every other attribute either side holds.
    std::vector<std::string> order;
    std::set<std::string> seen;
    for (const QString& a : compared)
        if (seen.insert(a.toStdString()).second)
            order.push_back(a.toStdString());
    std::set<std::string> rest;
    for (const json* side : { &left, &right })
        for (auto it = side->begin(); it != side->end(); ++it)
            if (!seen.count(it.key()))
                rest.insert(it.key());
    order.insert(order.end(), rest.begin(), rest.end());

    const QString missing = QStringLiteral("—");
    for (const std::string& a : order) {
        const auto l = left.find(a);
        const auto r = right.find(a);
        ProblemTable::Row row;
        row.compared = seen.count(a) > 0;
        row.differs = d.suspect.exists && (l == left.end() || r == right.end() || *l != *r)
            && !(l == left.end() && r == right.end());
        row.cells = { (row.differs ? QStringLiteral("≠ ") : QString()) + QString::fromStdString(a),
            l == left.end() ? missing : valueText(*l), r == right.end() ? missing : valueText(*r) };
        t.rows.push_back(std::move(row));
    }
    // Where each came from and who holds it: what a merge or a "not a duplicate" decision is weighed on.
    const auto history = [&missing](const read::ExceptionDetail::ObjectSide& o, int what) {
        if (!o.exists)
            return missing;
        if (what == 0)
            return QString::number(o.revisions);
        if (what == 1)
            return o.sources.join(QStringLiteral(", "));
        return o.ackedTargets.isEmpty() ? ExceptionProblem::tr("none yet") : o.ackedTargets.join(QStringLiteral(", "));
    };
    const QString labels[] = { ExceptionProblem::tr("(revisions)"), ExceptionProblem::tr("(sent by)"),
        ExceptionProblem::tr("(acknowledged by targets)") };
    for (int what = 0; what < 3; ++what)
        t.rows.push_back({ { labels[what], history(d.object, what), history(d.suspect, what) }, false, false });
    return t;
}

ProblemTable ExceptionProblem::build(const read::ExceptionDetail& d)
{
    const json details = parseJson(d.details.toUtf8());
    if (d.category == QLatin1String("duplicate_suspect") && details.is_object() && details.contains("suspect")
        && details["suspect"].is_object())
        return duplicateTable(d, details["suspect"]);

    ProblemTable t;
    t.columns = { tr("What"), tr("Detail") };
    if (details.is_object()) {
        for (auto it = details.begin(); it != details.end(); ++it)
            addFact(t, it.key(), it.value());
    } else if (details.is_discarded()) {
        t.rows.push_back({ { tr("Details"), d.details }, false, false }); // not JSON: as stored
    } else if (!details.is_null()) {
        t.rows.push_back({ { tr("Details"), valueText(details) }, false, false });
    }
    if (!t.rows.empty()) {
        t.heading = tr("What went wrong");
        return t;
    }
    // Nothing recorded beyond the message: what the source sent, when the raw payload is an event.
    const json raw = parseJson(d.raw);
    if (raw.is_object() && raw.contains("attributes") && raw["attributes"].is_object()) {
        const QString source = raw.contains("source") ? valueText(raw["source"]) : tr("the source");
        t.heading = tr("What %1 sent (the message above says what went wrong)").arg(source);
        t.columns = { tr("Attribute"), tr("Value sent") };
        for (auto it = raw["attributes"].begin(); it != raw["attributes"].end(); ++it)
            t.rows.push_back({ { QString::fromStdString(it.key()), valueText(it.value()) }, false, false });
        return t;
    }
    t.heading = tr("Nothing was recorded beyond the message above.");
    return t;
}

} // namespace mdsync::ui
