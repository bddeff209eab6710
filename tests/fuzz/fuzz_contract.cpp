// libFuzzer target: contract mapping (core/contract). The input is a JSON document {"key": ..., "state": {...}}
// (or just the state); the state is mapped through every built-in contract (Contract::map and mapAll) and
// through deliveryPayload, with the input's "override" as a steward's payload override when present.
// Findings: sanitizer reports, uncaught exceptions, map/mapAll disagreeing, issues without a field or message.

#include "fuzzcommon.h"

#include "contract/contract.h"

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
    std::fprintf(stderr, "fuzz_contract: %s: %s\n", what, detail.c_str());
    std::abort();
}

const ContractSet& contracts()
{
    static const ContractSet set = [] {
        auto r = ContractSet::builtin(*fuzz::env().model, *fuzz::env().landscape);
        if (!r) {
            std::fprintf(stderr, "fuzz set-up failed: %s\n", qPrintable(r.error()));
            std::abort();
        }
        return std::move(r).value();
    }();
    return set;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    contracts();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > 64 * 1024)
        return -1;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded())
        return 0;
    std::string key = "FUZZ-1";
    nlohmann::json state = doc;
    std::string override;
    if (doc.is_object() && doc.contains("state")) {
        state = doc["state"];
        if (doc.contains("key") && doc["key"].is_string())
            key = doc["key"].get<std::string>();
        if (doc.contains("override") && doc["override"].is_string())
            override = doc["override"].get<std::string>();
    }
    const UnitRegistry& units = fuzz::env().model->units();
    for (const Contract& c : contracts().contracts()) {
        std::vector<MappingIssue> blocking;
        const MappedPayload all = c.mapAll(key, state, units, blocking);
        const auto mapped = c.map(key, state, units);
        for (const MappingIssue& i : blocking)
            if (i.field.empty() || i.message.empty())
                finding("blocking issue without field or message",
                    c.domain + "->" + c.target + " "
                        + state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        for (const MappingIssue& i : all.warnings)
            if (i.message.empty())
                finding("warning without a message",
                    c.domain + "->" + c.target + " "
                        + state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (mapped && !blocking.empty() && c.blockOnLoss)
            finding("map() passed what mapAll() blocks",
                c.domain + "->" + c.target + " "
                    + state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (!mapped && mapped.error().isEmpty())
            finding("map() error without a message",
                c.domain + "->" + c.target + " "
                    + state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        (void)all.payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        auto delivered = deliveryPayload(contracts(), units, c.domain, c.target, c.version, key, state, override);
        if (delivered)
            (void)delivered.value().payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        auto best = deliveryPayload(contracts(), units, c.domain, c.target, c.version, key, state, {}, true);
        if (!best)
            finding("best-effort delivery payload failed",
                c.domain + "->" + c.target + " "
                    + state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return 0;
}
