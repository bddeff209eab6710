#pragma once

// Initial loads (docs/ONBOARDING.md): a subscription gets the changes made after it exists; an initial load sends a
// target the current state of every object its subscriptions match that it does not have yet. A job walks the
// target's subscriptions domain by domain in dependency order (a domain after the domains its references point to:
// items before the BOMs and routings that use them) and queues one delivery per object in chunks, each chunk in one
// transaction with the job's cursor, so that a killed core resumes where the last chunk ended: no object is queued
// twice, none is skipped. The dispatcher sends them like any delivery (rate limits, retries, dependency holds,
// idempotency keys), the job keeps at most `window` of its deliveries open, and it is done when everything is queued
// and nothing is open. Stewards and admins start, pause, resume and cancel jobs (audited); `mdsyncctl run` advances
// the running ones.

#include "config/configstore.h"
#include "store/onboardjobs.h"
#include "util/result.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mdsync {

class Workspace;

struct OnboardStep
{
    std::string subscription; // "item->QMS"
    std::string domain;
    std::int64_t matching = 0; // live objects the subscription's filter matches
    std::int64_t current = 0; // of those, the target has (or is sent) the current revision already
    std::int64_t toQueue() const { return matching - current; }
};

// What an initial load of a target would send, per subscription in dependency order (a dry run reads only).
struct OnboardPlan
{
    std::string target;
    std::vector<OnboardStep> steps;
    std::int64_t toQueue() const;
    nlohmann::json toJson() const;
};
Result<OnboardPlan> planOnboarding(Workspace& ws, const ActiveConfig& config, const std::string& target);

struct OnboardJob
{
    store::OnboardJobRow row;
    store::OnboardProgress progress;
    std::int64_t planned() const; // objects to queue when the job started
    nlohmann::json toJson() const; // with "time_to_onboard_ms" (first to last acknowledgement) once done
};

// Starts an initial load of `target` (Action::Onboard; a reason is required). Refused when the target has no
// subscription, when another load of it is running or paused, and when nothing is to be sent. Audited as
// "onboard.start" with the plan.
Result<OnboardJob> startOnboarding(Workspace& ws, const ActiveConfig& config, const std::string& actor,
    const std::string& target, const std::string& reason);

// "pause" (a running job queues nothing more; what it queued is still sent), "resume" (a paused job) or "cancel"
// (a running or paused job stops for good; what it queued is still sent). Action::Onboard, reason required, audited
// as "onboard.<action>".
Result<OnboardJob> controlOnboarding(
    Workspace& ws, const std::string& actor, std::int64_t id, const std::string& action, const std::string& reason);

// Jobs with their progress, newest first (all, one target's, or one).
Result<std::vector<OnboardJob>> onboardingJobs(
    const QSqlDatabase& db, const std::string& target = {}, std::int64_t id = 0);
// The jobs running or paused and those done at or after `doneSince`, with their progress (the dashboard): older
// jobs are not read.
Result<std::vector<OnboardJob>> activeOnboardings(const QSqlDatabase& db, TimeMs doneSince);

struct OnboardAdvance
{
    std::int64_t queued = 0; // deliveries queued by this call
    bool done = false; // the job finished with this call (audited "onboard.done")
    std::string waiting; // why the job cannot go on with this configuration (it waits; nothing is skipped)
};
// Advances a running job (the service's timer, or a test): queues up to `chunk` deliveries while fewer than
// `window` of the job's deliveries are open, in one transaction. 0 takes the target's "initial_load" setting in the
// landscape (default 500 and 2,000). A job whose objects are all queued becomes done once none of its deliveries is
// open. A job that is not running is left alone.
Result<OnboardAdvance> advanceOnboarding(
    Workspace& ws, const ActiveConfig& config, std::int64_t id, int chunk = 0, int window = 0);

// The ids of the running jobs (what the service advances).
Result<std::vector<std::int64_t>> runningOnboardings(const QSqlDatabase& db);

} // namespace mdsync
