#pragma once

// The mapping editor's preview (issue 17, docs/CONTRACTS.md "Mapping editor"): what an edited contract makes of a
// real object's current state — the payload and every issue, lossy or blocking, per target field — next to the
// payload the target last acknowledged for that object, field by field. Reads only; any thread with its own
// connection (the GUI runs it on a reader thread).

#include "contract/contract.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync {

class Workspace;

// One top-level field of the payloads compared.
struct PreviewDiffRow
{
    std::string field;
    nlohmann::json edited; // null when the edited contract leaves the field out
    nlohmann::json acked; // null when the acknowledged payload had no such field
    bool inEdited = false;
    bool inAcked = false;
    bool changed() const { return inEdited != inAcked || edited != acked; }
};

struct ContractPreview
{
    std::string domain, target, contractVersion, key;
    std::int64_t revisionNo = 0; // the object's current revision, which the edited contract maps
    bool deleted = false;
    nlohmann::json payload = nlohmann::json::object(); // what could be mapped (blocking issues leave fields out)
    std::vector<MappingIssue> issues; // every issue; lossy ones have `lossy` set
    bool blocked = false; // the edited contract would not send this payload (see blocks())
    // What the target last acknowledged for the object (the newest acked delivery).
    bool hasAcked = false;
    std::int64_t ackedRevisionNo = 0;
    TimeMs ackedAt = 0;
    bool ackedCorrected = false; // a steward's corrected payload was sent
    std::string ackedContracts; // the contracts document version that mapped it ("" for a corrected payload)
    nlohmann::json ackedPayload = nlohmann::json::object();
    std::vector<PreviewDiffRow> diff; // the edited payload's fields, then those only the acknowledged one had

    // Whether `issue` blocks under the edited contract: every non-lossy issue, lossy ones under on_loss "block".
    bool blocks(const MappingIssue& issue) const { return !issue.lossy || blockOnLoss; }
    bool blockOnLoss = true;
};

// The preview of the contract (domain, target, contractVersion) of `contractsDocument` (a whole contracts document,
// checked against the model and landscape in force as a stored one is) for the object `key`. The acknowledged
// payload is the acked delivery's corrected payload if one was sent, else its revision's state mapped by the
// contracts version that was in force when it was acknowledged. Errors: the document does not load (the loader's
// messages, by JSON path), it has no such contract, or there is no such object.
Result<ContractPreview> previewContract(Workspace& ws, const nlohmann::json& contractsDocument,
    const std::string& domain, const std::string& target, const std::string& contractVersion, const std::string& key);

// The payloads' top-level fields side by side (edited first, in its order, then the acknowledged-only fields).
std::vector<PreviewDiffRow> diffPayloads(const nlohmann::json& edited, const nlohmann::json& acked);

} // namespace mdsync
