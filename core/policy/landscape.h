#pragma once

#include "model/canonicalmodel.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

struct SystemDef
{
    std::string id; // "PLM", "ERP", "WMS-P100" — the envelope's "source" and a subscription's "target"
    std::string name; // "Teamcenter PLM"
    std::string kind; // PLM, ERP, MES, WMS, CRM, QMS, Analytics, SupplierPortal, SaaS
    std::vector<std::string> plants; // plants the system serves; empty = all
    int maxConcurrency = 4; // in-flight deliveries to this target
    double rateLimitPerSecond = 0; // token bucket refill; 0 = unlimited
    int rateBurst = 0; // token bucket size; 0 = same as rate
    bool inbound = true; // may send change events
    // How far an event's occurred_at may lie in the future of MDSync's clock before the event is rejected
    // ("max_clock_skew_minutes", 1..525600; default 24 h).
    int maxClockSkewMinutes = 24 * 60;
    nlohmann::json connector; // connector configuration (kind + settings), opaque here
    // Circuit breaker ("circuit": {"failures": 5, "probe_initial_s": 5, "probe_max_s": 300}): this many
    // consecutive transport failures or timeouts open the target's circuit; while open, one probe goes out after
    // probeInitialMs, then at doubling intervals up to probeMaxMs (docs/DISPATCHER.md "Circuit breaker").
    int circuitFailures = 5; // 1..1000
    std::int64_t probeInitialMs = 5000; // 0.01..86400 s
    std::int64_t probeMaxMs = 300000; // probe_initial_s..86400 s
    // Initial loads to this target ("initial_load": {"chunk": 500, "max_open": 2000}, docs/ONBOARDING.md): each
    // step queues at most `chunk` objects, and only while fewer than `max_open` of the load's deliveries are open,
    // so a load never floods the outbox and the target's live changes keep flowing.
    int initialLoadChunk = 500; // 1..100000
    int initialLoadMaxOpen = 2000; // chunk..1000000
};

struct OwnershipRule
{
    std::string domain;
    std::string group; // attribute group of the domain
    std::string system; // system of record for (domain, group) in [validFrom, validTo)
    TimeMs validFrom = 0;
    TimeMs validTo = kForever;
};

struct SubscriptionDef
{
    enum class Pattern { Event, ScheduledBatch, Hybrid };
    enum class Criticality { Low, Medium, High, Critical };

    std::string id; // "item->MES" unless given
    std::string domain;
    std::string target; // system id
    Pattern pattern = Pattern::Event;
    std::vector<std::string> plants; // filter: object plant(s) must intersect; empty = all
    std::vector<std::string> lifecycleStates; // filter: object lifecycle state in list; empty = all
    int slaMinutes = 60; // max propagation time, revision received -> target ack
    Criticality criticality = Criticality::Medium;
    std::string contractVersion = "1"; // contract (mapping) version used for deliveries
    // ScheduledBatch: daily window in UTC minutes after midnight [windowStart, windowEnd)
    int windowStartMinute = 0;
    int windowEndMinute = 0;
    // Reconciliation of this target's copy of the domain every N minutes while the core runs ("reconcile_minutes",
    // 1..10080); 0 = only on demand (mdsyncctl reconcile).
    int reconcileMinutes = 0;
    // A delivery held for a referenced object longer than this after it became due raises a dependency_timeout
    // exception that names what it waits for ("hold_timeout_minutes", 1..10080; default 60).
    int holdTimeoutMinutes = 60;
};

std::string_view patternName(SubscriptionDef::Pattern p); // "event", "scheduled_batch", "hybrid"
std::string_view criticalityName(SubscriptionDef::Criticality c); // "low", ...

// Rule-based derived attributes and defaults, applied after merge, recorded in lineage as enrichment.
struct EnrichmentRule
{
    enum class Mode { Default, Derive }; // Default: only when the attribute is absent; Derive: always
    std::string id;
    std::string domain;
    std::string system; // the system on whose behalf the rule sets values; must own the groups it sets
    std::string description;
    std::map<std::string, nlohmann::json> when; // attribute -> required value (all must equal); empty = always
    std::map<std::string, nlohmann::json> set; // attribute -> value (validated against the model at load)
    Mode mode = Mode::Default;
};

// One attribute set by enrichment (result of Landscape::enrich).
struct Enrichment
{
    std::string attribute;
    std::string ruleId;
    std::string system;
    nlohmann::json oldValue; // null when absent
    nlohmann::json newValue;
};

// Systems, ownership, subscriptions and enrichment rules. Immutable once loaded.
class Landscape
{
public:
    // Parses and cross-checks against the model: every domain, group, attribute, system and lifecycle
    // state named must exist; enrichment values must validate; a rule's system must own the groups it
    // sets for the whole validity of the rule. Errors name origin and JSON path.
    static Result<Landscape> fromJson(const nlohmann::json& doc, const QString& origin, const CanonicalModel& model);
    static Result<Landscape> fromFile(const QString& path, const CanonicalModel& model);
    static Result<Landscape> builtin(const CanonicalModel& model); // ":/mdsync/landscape/default-landscape.json"

    const std::string& version() const { return m_version; }
    const std::string& contentHash() const { return m_hash; } // SHA-256 hex of the canonical JSON dump
    const nlohmann::json& document() const { return m_doc; }
    const std::string& name() const { return m_name; }
    const std::vector<std::string>& plants() const { return m_plants; }

    const std::vector<SystemDef>& systems() const { return m_systems; }
    const SystemDef* system(std::string_view id) const;
    const std::vector<OwnershipRule>& ownership() const { return m_ownership; }
    const std::vector<SubscriptionDef>& subscriptions() const { return m_subscriptions; }
    const std::vector<EnrichmentRule>& enrichmentRules() const { return m_rules; }

    // The system of record for (domain, group) at time `at`; nullptr when no rule covers it (then
    // nobody may send that group: every sender is a policy violation).
    const SystemDef* owner(std::string_view domain, std::string_view group, TimeMs at) const;

    // Subscriptions of a domain, in file order.
    std::vector<const SubscriptionDef*> subscriptionsFor(std::string_view domain) const;

    // Whether an object state passes a subscription's plant and lifecycle filters.
    bool matches(const SubscriptionDef& sub, const DomainDef& domain, const nlohmann::json& state) const;

    // When a delivery created at `now` becomes due: now for Event/Hybrid; the next window start for
    // ScheduledBatch (now if inside the window).
    TimeMs dueAt(const SubscriptionDef& sub, TimeMs now) const;

    // Applies the domain's enrichment rules to a merged state in file order, at time `at` (rules whose
    // system is not the owner at `at` are skipped). Returns what was set; no entry when a value would not
    // change.
    std::vector<Enrichment> enrich(const DomainDef& domain, nlohmann::json& state, TimeMs at) const;

private:
    friend class LandscapeParser;
    // Lookup indexes built once after loading; positions into the vectors above, so copies stay valid.
    struct OwnerInterval
    {
        TimeMs from = 0;
        TimeMs to = kForever;
        size_t system = 0; // index into m_systems
    };
    template<typename V> using ByName = std::map<std::string, V, std::less<>>; // heterogeneous lookup with string_view
    void buildIndexes();

    ByName<ByName<std::vector<OwnerInterval>>> m_ownerIndex; // domain -> group -> intervals sorted by from
    ByName<std::vector<size_t>> m_subscriptionsByDomain; // domain -> indexes into m_subscriptions
    ByName<std::vector<size_t>> m_rulesByDomain; // domain -> indexes into m_rules

    std::string m_version;
    std::string m_hash;
    std::string m_name;
    nlohmann::json m_doc;
    std::vector<std::string> m_plants;
    std::vector<SystemDef> m_systems;
    std::vector<OwnershipRule> m_ownership;
    std::vector<SubscriptionDef> m_subscriptions;
    std::vector<EnrichmentRule> m_rules;
};

} // namespace mdsync
