#pragma once

#include "model/canonicalmodel.h"
#include "util/result.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mdsync {

class Landscape;

// One field of a target payload and how it is made from the canonical state. Steps, in order:
// source value (`from` attribute, "$key" for the object key, constant `value`, or `format` text with placeholders)
// -> `default` when absent -> `map` (canonical code -> target code) -> `unit` (a quantity converted to that unit,
// sent as a number) -> `decimals` (rounding) -> `date_format` (an ISO date or date-time as target text)
// -> `max_length` (strings). `columns` maps each row of a table attribute.
struct FieldMapping
{
    // A piece of a `format`: literal text, or a placeholder naming a canonical attribute or "$key".
    struct FormatPart
    {
        bool placeholder = false;
        std::string text;
    };

    std::string from; // canonical attribute, "$key", or empty with `value` or `format`
    std::string to; // target field name
    std::optional<nlohmann::json> value; // constant
    std::string format; // "{description} ({$key})": concatenation; "{{" and "}}" are literal braces
    std::vector<FormatPart> formatParts; // `format` parsed
    std::string dateFormat; // Qt date pattern, e.g. "dd.MM.yyyy": an ISO-8601 date or date-time as target text
    std::optional<nlohmann::json> defaultValue;
    std::vector<std::pair<std::string, nlohmann::json>> valueMap; // canonical string value -> target value
    std::string unit; // target unit symbol for a quantity
    std::optional<int> decimals; // round numbers to this many decimals
    std::optional<int> maxLength; // target string length (code points)
    bool required = false; // the target rejects the payload without it
    bool editable = false; // a steward may edit this field of a failed delivery (issue 4)
    std::vector<FieldMapping> columns; // table attribute: mapping of each row
};

// A problem found while mapping. Lossy issues (truncation, rounding beyond tolerance, a code without target
// value) block the delivery or pass as warnings, per contract; the others (a required field missing, a value
// of the wrong shape) always block.
struct MappingIssue
{
    std::string field; // target field path, e.g. "lines[2].qty"
    std::string message; // full sentence naming canonical and target field and the values
    bool lossy = false;
};

struct MappedPayload
{
    nlohmann::json payload = nlohmann::json::object();
    std::vector<MappingIssue> warnings; // lossy issues passed under on_loss = "warn"
};

// Parses a `format` text ("{description} ({$key})") into literal and placeholder parts. Error: why not (an
// unclosed or empty placeholder, a lone "}").
Result<std::vector<FieldMapping::FormatPart>> parseFieldFormat(const std::string& format);
// Whether `pattern` is a usable `date_format`: a Qt date/time pattern with at least one of y, M, d, h, m, s.
bool isDateFormatPattern(const std::string& pattern);

// The name of a contract as documents and messages write it: "item->WMS-P100 v1".
std::string contractName(std::string_view domain, std::string_view target, std::string_view version);

// A versioned mapping canonical -> target payload for one (domain, target).
class Contract
{
public:
    std::string domain;
    std::string target;
    std::string version;
    bool blockOnLoss = true; // on_loss: "block" (default) or "warn"
    double tolerance = 1e-9; // relative: rounding/conversion changing a number by more than this is lossy
    // on_merge (docs/DUPLICATES.md "Merging"): what the target gets when an object is merged into another. "retire"
    // (default): the retire (delete) like any deleted object. {"redirect_field": "<field>"}: an upsert of the merged
    // object's payload whose <field> names the survivor's key, for targets that keep a record and point it onwards.
    std::string mergeRedirectField;
    std::vector<FieldMapping> fields;

    // Maps an object's canonical state. Error: every blocking issue, one per line, each naming its field.
    Result<MappedPayload> map(const std::string& key, const nlohmann::json& state, const UnitRegistry& units) const;
    // All issues of a mapping, blocking or not (for dry runs and contract tests).
    MappedPayload mapAll(const std::string& key, const nlohmann::json& state, const UnitRegistry& units,
        std::vector<MappingIssue>& blocking) const;
};

struct ContractTestResult
{
    std::string contract; // "item->WMS-P100 v1"
    std::string name;
    bool passed = false;
    std::vector<std::string> differences; // expected vs actual, per field
};

// A subscription of the landscape that no contract maps: its deliveries carry the canonical state as it is (the
// identity mapping), and it is reported as "generic (no contract yet)" so that a steward sees which targets still
// need a contract.
struct GenericContract
{
    std::string subscription; // "item->LIMS"
    std::string domain;
    std::string target;
    std::string version; // the subscription's contract version
};

// All contracts of a workspace, cross-checked against the model and landscape. A (domain, target, version)
// without a contract is sent as the canonical state (the identity contract); the subscriptions that have none are
// listed by generic().
class ContractSet
{
public:
    // How a contract whose (domain, target) no subscription of the landscape uses is taken.
    enum class Fit {
        Strict, // an error (a contracts file checked on its own)
        AllowDormant, // kept in the document but not used, listed by dormant() (the contracts stored in a workspace:
                      // a landscape change may remove a subscription; adding it back makes the contract live again)
    };

    static Result<ContractSet> fromJson(const nlohmann::json& doc, const QString& origin, const CanonicalModel& model,
        const Landscape& landscape, Fit fit = Fit::Strict);
    // The built-in contracts are defaults: those whose (domain, target) no subscription of the landscape has are
    // left out of the document (a plant's own landscape need not contain the demo's systems). `mdsyncctl init`
    // stores this document as the workspace's first contracts version.
    static Result<ContractSet> builtin(const CanonicalModel& model, const Landscape& landscape);

    // The document as loaded (for builtin(): without the left-out contracts), its "version" and its SHA-256.
    const nlohmann::json& document() const { return m_document; }
    const std::string& version() const { return m_version; }
    const std::string& contentHash() const { return m_hash; }
    // "item->MES-P300 v1" for each contract of the document that no subscription uses (Fit::AllowDormant).
    const std::vector<std::string>& dormant() const { return m_dormant; }

    const Contract* find(std::string_view domain, std::string_view target, std::string_view version) const;
    const std::vector<Contract>& contracts() const { return m_contracts; }
    // The subscriptions of the landscape without a contract for their (domain, target, contract version), in the
    // landscape's order.
    const std::vector<GenericContract>& generic() const { return m_generic; }

    // Runs the sample objects of the document's "tests" section through their contracts.
    std::vector<ContractTestResult> runTests(const UnitRegistry& units) const;

private:
    struct Sample
    {
        std::string contract, name, key;
        nlohmann::json state, expected;
        bool expectBlocked = false;
    };
    std::vector<Contract> m_contracts;
    std::vector<Sample> m_samples;
    std::vector<GenericContract> m_generic;
    std::vector<std::string> m_dormant;
    nlohmann::json m_document = nlohmann::json::object();
    std::string m_version;
    std::string m_hash;
};

// The payload of one delivery: `payloadOverride` (JSON text of a steward's corrected payload) when set, else the
// state mapped through the contract for (domain, target, version), else the state itself (identity). Used by
// the dispatcher to send and by replay dry-runs to show what would be sent. bestEffort: blocking mapping issues do
// not fail, the payload is what could be mapped (a steward's starting point for a payload correction).
Result<MappedPayload> deliveryPayload(const ContractSet& contracts, const UnitRegistry& units, std::string_view domain,
    std::string_view target, std::string_view contractVersion, const std::string& key, const nlohmann::json& state,
    std::string_view payloadOverride = {}, bool bestEffort = false);

} // namespace mdsync
