#pragma once

// Steward actions on exceptions. Each one checks the acting user's role in the core, runs in one transaction
// and writes a lineage event for the object and an audit entry with the reason.

#include "util/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

class Workspace;

// Why an exception is discarded (mandatory). "other" needs a text.
enum class DiscardReason { Superseded, ObsoleteObject, Duplicate, TargetDecommissioned, Other };
std::string_view discardReasonName(DiscardReason r); // "superseded", "obsolete_object", ...
bool discardReasonFromName(std::string_view name, DiscardReason& out);

class ExceptionActions
{
public:
    explicit ExceptionActions(Workspace& ws);

    Result<void> assign(
        const std::string& actor, std::int64_t exceptionId, const std::string& assignee, const std::string& note = {});
    Result<void> unassign(const std::string& actor, std::int64_t exceptionId, const std::string& note = {});
    Result<void> comment(const std::string& actor, std::int64_t exceptionId, const std::string& text);
    // Closes the exception as discarded; a failed delivery behind it is discarded too (it will not be sent).
    Result<void> discard(
        const std::string& actor, std::int64_t exceptionId, DiscardReason reason, const std::string& text);
    // Closes an exception fixed elsewhere (e.g. an inbound event corrected at the source and re-sent).
    Result<void> resolve(const std::string& actor, std::int64_t exceptionId, const std::string& text);
    // Resolves the exception a correction fixed, as part of applying it (Corrections): under the login applying
    // the correction, whose permission the caller checked (steward: correct; approver: approve).
    Result<void> resolveByCorrection(const std::string& actor, std::int64_t exceptionId, const std::string& text);
    // Sends the failed delivery behind a delivery exception again (same idempotency key, attempts from zero);
    // the dispatcher picks it up, honouring order and dependencies. The exception becomes "replayed"; a new
    // failure opens a new exception.
    Result<void> replay(const std::string& actor, std::int64_t exceptionId, const std::string& note = {});

    // "Not a duplicate" (docs/DUPLICATES.md "Deciding a suspect"): records the decision on the pair of objects of a
    // duplicate_suspect exception (table duplicate_decision; the duplicate check never raises the pair again),
    // resolves the open duplicate_suspect exceptions of that pair (reason code not_a_duplicate), writes a lineage
    // event on both objects and one audit entry `duplicate.dismiss`. Steward or admin; the reason is required.
    Result<void> dismissDuplicate(const std::string& actor, std::int64_t exceptionId, const std::string& reason);
    // The same for two objects of a domain named by their keys (with or without an open suspect between them).
    Result<void> dismissDuplicatePair(const std::string& actor, const std::string& domain, const std::string& keyA,
        const std::string& keyB, const std::string& reason);

private:
    Workspace& m_ws;
};

// Resolves the open duplicate_suspect exceptions between two objects (either way round), in the caller's transaction
// (a "not a duplicate" decision, a merge); returns their ids.
Result<std::vector<std::int64_t>> resolvePairSuspects(Workspace& ws, std::int64_t a, std::int64_t b);

} // namespace mdsync
