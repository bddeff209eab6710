#pragma once

// Merging duplicates (docs/DUPLICATES.md "Merging"): two objects of a domain that are one thing become one. The
// survivor keeps its key; the other (merged) becomes an alias of it. Applying a merge, in one transaction:
// - every object that references the merged key (a BOM line's component, a routing's item) gets a steward revision
//   that references the survivor instead, on behalf of the system that owns the referencing attribute, and is sent to
//   its subscribers like any change (also back to that owner, which still holds the old reference);
// - the merged object gets a retire (delete) revision on behalf of the domain's creator; each target receives what
//   its contract's `on_merge` says (retire, or a redirect naming the survivor);
// - from then on an event for the merged key updates the survivor, and a reference to it in an event is redirected
//   (the ingest pipeline's aliases);
// - the open duplicate suspects between the two are resolved; lineage on both objects and an audit entry.
// In a domain with critical groups (model: critical_groups) a merge waits for a different user with the approver
// role (four-eyes), like a critical correction.
// Thread: the workspace writer's.

#include "store/duplicatedecisions.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace mdsync {

class IngestPipeline;
class Workspace;

struct MergeRequest
{
    std::int64_t exceptionId = 0; // a duplicate_suspect exception names the pair ...
    std::string domain, keyA, keyB; // ... or two keys of a domain
    std::string survivorKey; // one of the pair's keys: the object that stays
    std::string reason;
};

// A merge as stored, with what applying it did.
nlohmann::json mergeToJson(const store::ObjectMerge& m);

class DuplicateMerge
{
public:
    DuplicateMerge(Workspace& ws, IngestPipeline& pipeline);

    // Proposes the merge (steward or admin: Action::DecideDuplicate); applied at once unless the domain has critical
    // groups, then it awaits approval.
    Result<store::ObjectMerge> merge(const std::string& actor, const MergeRequest& request);
    // Four-eyes: an approver other than the proposer applies it, or rejects it (the reason is required).
    Result<store::ObjectMerge> approve(const std::string& actor, std::int64_t mergeId, const std::string& reason);
    Result<store::ObjectMerge> reject(const std::string& actor, std::int64_t mergeId, const std::string& reason);

private:
    Result<store::ObjectMerge> decide(
        const std::string& actor, std::int64_t mergeId, bool approve, const std::string& reason);
    Result<void> apply(const std::string& actor, store::ObjectMerge& m);
    Result<std::int64_t> stewardRevision(const std::string& actor, const std::string& onBehalfOf,
        const std::string& domain, const std::string& key, const nlohmann::json& changes, const std::string& eventId);

    Workspace& m_ws;
    IngestPipeline& m_pipeline;
};

} // namespace mdsync
