// libFuzzer target: change-event envelopes and model validation (docs/RELIABILITY.md).
// The input is JSON Lines fed through the real ingest path (IngestPipeline::ingestLines, dry run: every write is
// rolled back, so the workspace stays empty and runs are independent) on one workspace with the built-in model and
// landscape. Then every JSON value of the input is normalised against every attribute of every domain.
// Findings: sanitizer reports, uncaught exceptions, storage errors of a dry run, broken summary invariants.

#include "fuzzcommon.h"

#include "sync/ingestpipeline.h"
#include "util/timeutil.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using namespace mdsync;

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_ingest: %s: %s\n", what, detail.c_str());
    std::abort();
}

void checkSummary(const IngestSummary& s, const std::vector<LineVerdict>& verdicts)
{
    if (s.received != s.accepted + s.rejected + s.duplicates || s.accepted != s.revisions + s.unchanged
        || s.received != static_cast<std::int64_t>(verdicts.size()))
        finding("summary invariant broken", s.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (s.runId != 0)
        finding("dry run has a run id", s.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    for (const LineVerdict& v : verdicts) {
        if (v.outcome != "accepted" && v.outcome != "unchanged" && v.outcome != "rejected" && v.outcome != "duplicate")
            finding("unknown verdict", v.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (v.outcome == "rejected" && v.message.empty())
            finding("rejected line without a message",
                v.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        // Verdicts keep raw input (possibly invalid UTF-8): the project dumps them with error_handler_t::replace.
        (void)v.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
}

void ingest(std::string_view text)
{
    fuzz::FuzzWorkspace& w = fuzz::workspace();
    static IngestPipeline pipeline(*w.ws, w.config);
    std::vector<std::string> lines;
    for (size_t pos = 0; pos <= text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        lines.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    std::vector<LineVerdict> verdicts;
    IngestOptions options;
    options.sourceName = QStringLiteral("fuzz");
    options.actor = "fuzz";
    options.dryRun = true;
    options.maxLineBytes = 4096;
    options.verdicts = &verdicts;
    static const TimeMs now = *parseRfc3339("2026-11-28T10:00:00Z");
    options.clock = [] { return now; };
    auto r = pipeline.ingestLines(lines, options);
    if (!r)
        finding("storage error in a dry run", r.error().toStdString());
    checkSummary(r.value(), verdicts);
    (void)r.value().toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void normaliseEverywhere(const nlohmann::json& value)
{
    const CanonicalModel& model = *fuzz::env().model;
    for (const DomainDef& d : model.domains()) {
        for (const AttributeDef& a : d.attributes) {
            nlohmann::json v = value;
            std::vector<ValidationIssue> issues;
            const bool ok = model.normalise(d, a.name, v, issues);
            if (ok != issues.empty())
                finding("normalise result and issues disagree",
                    d.name + "." + a.name + " " + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            for (const ValidationIssue& i : issues)
                if (i.message.empty())
                    finding("issue without a message",
                        d.name + "." + a.name + " "
                            + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            if (ok) {
                // A normalised value is valid and stays as it is when normalised again.
                nlohmann::json again = v;
                std::vector<ValidationIssue> issues2;
                if (!model.normalise(d, a.name, again, issues2))
                    finding("normalised value invalid",
                        d.name + "." + a.name + " "
                            + value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + " -> "
                            + v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            }
        }
        if (value.is_string())
            (void)model.checkKey(d, value.get_ref<const std::string&>());
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::workspace();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1; // not added to the corpus
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ingest(text);
    // Each line that is JSON: the value itself and, for envelopes, each attribute value.
    for (size_t pos = 0; pos < text.size();) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        const nlohmann::json j = nlohmann::json::parse(text.substr(pos, end - pos), nullptr, false);
        pos = end + 1;
        if (j.is_discarded())
            continue;
        normaliseEverywhere(j);
        if (j.is_object() && j.contains("attributes") && j["attributes"].is_object())
            for (const auto& [k, v] : j["attributes"].items())
                normaliseEverywhere(v);
    }
    return 0;
}
