// libFuzzer target: the CSV inbox reader (FileInbox::csvToLines, docs/INBOUND.md) on arbitrary bytes, with the
// built-in model. Findings: sanitizer reports, uncaught exceptions, and results that break the function's contract:
// lines[i] belongs to line i + 1 of the file, malformed records keep their raw text, built lines are JSON envelopes.

#include "fuzzcommon.h"

#include "sync/fileinbox.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace mdsync;

namespace {

[[noreturn]] void finding(const char* what, const std::string& detail)
{
    std::fprintf(stderr, "fuzz_csvinbox: %s: %s\n", what, detail.c_str());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::env();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto r = FileInbox::csvToLines(text, *fuzz::env().model);
    if (!r) {
        if (r.error().isEmpty())
            finding("error without a message", std::string(text));
        return 0;
    }
    const FileInbox::CsvInput& in = r.value();
    const auto fileLines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (in.lines.size() > fileLines)
        finding("more lines than the file has", std::to_string(in.lines.size()) + " > " + std::to_string(fileLines));
    for (const auto& [lineNo, why] : in.malformed) {
        if (lineNo < 1 || static_cast<std::size_t>(lineNo) > in.lines.size())
            finding("malformed line number out of range", std::to_string(lineNo));
        if (why.empty())
            finding("malformed record without a reason", std::to_string(lineNo));
    }
    for (std::size_t i = 0; i < in.lines.size(); ++i) {
        const std::string& l = in.lines[i];
        if (l.empty() || in.malformed.count(static_cast<std::int64_t>(i + 1)))
            continue;
        const nlohmann::json j = nlohmann::json::parse(l, nullptr, false);
        if (!j.is_object())
            finding("a record that is not malformed did not become a JSON object", l);
    }
    return 0;
}
