#pragma once

// Reads behind the control tower's views that are not paged tables: the dashboard's systems and open exceptions
// (its KPIs and series come from core/metrics), the policies in force, an object's revisions for its lineage, and
// the object to show first. Any thread, with that thread's read-only connection; value snapshots.

#include "util/result.h"
#include "util/timeutil.h"

#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mdsync::read {

struct DashboardData
{
    QMap<QString, qint64> openBySeverity; // open or assigned exceptions per severity
    struct System
    {
        QString id, name, kind;
        bool paused = false;
        // An open circuit (the target is down): since when, how many deliveries wait, the last error.
        qint64 downSinceMs = 0, waiting = 0;
        QString lastError;
    };
    std::vector<System> systems; // by id
    QStringList subscribedTargets; // systems with a subscription, by id
};
Result<DashboardData> dashboard(QSqlDatabase& db);

struct PoliciesData
{
    struct Domain
    {
        QString name, label;
        QStringList groups; // attribute groups
    };
    std::vector<Domain> domains; // by name
    QString modelVersion; // of the last domain
    struct Ownership
    {
        QString domain, group, system;
    };
    std::vector<Ownership> ownership; // rules valid at `now`, by domain, group, valid_from
    struct Subscription
    {
        QString domain, target, pattern, criticality, contractVersion, filter, id;
        int slaMinutes = 0;
        std::optional<int> windowStart, windowEnd; // minutes of the UTC day
    };
    std::vector<Subscription> subscriptions; // by domain, target, id
};
Result<PoliciesData> policies(QSqlDatabase& db, TimeMs now);

// An object's latest revisions (newest first): number, canonical state and changed attributes (JSON; null when
// not JSON), source system and actor.
struct RevisionState
{
    qint64 no = 0;
    nlohmann::json state, changed;
    std::string source, actor;
};
Result<std::vector<RevisionState>> revisionStates(
    QSqlDatabase& db, const QString& domain, const QString& key, int limit = 200);

// An object's current revision (the mapping editor's preview); nullopt when there is no such object.
struct CurrentObject
{
    qint64 revisionNo = 0;
    nlohmann::json state; // null when not JSON
    bool deleted = false;
};
Result<std::optional<CurrentObject>> currentObject(QSqlDatabase& db, const QString& domain, const QString& key);

// The newest delivery of an object that `target` acknowledged: its revision and that revision's state, the contract
// version it was sent with, when it was acked, and the steward's corrected payload if one was sent (JSON text, else
// empty). nullopt when the target acknowledged none.
struct AckedDelivery
{
    qint64 deliveryId = 0;
    qint64 revisionNo = 0;
    QString contractVersion;
    TimeMs ackedAt = 0;
    QString payloadOverride;
    nlohmann::json state;
};
Result<std::optional<AckedDelivery>> lastAckedDelivery(
    QSqlDatabase& db, const QString& domain, const QString& key, const QString& target);

// Up to `limit` objects of a domain whose key starts with `prefix` (case-sensitive; empty: all), by key, with
// their descriptions (an object picker).
struct ObjectKey
{
    QString key, description;
};
Result<std::vector<ObjectKey>> objectKeys(QSqlDatabase& db, const QString& domain, const QString& prefix, int limit);

// The busiest object (domain, key) of the latest 2,000 lineage events; nullopt in an empty workspace.
Result<std::optional<std::pair<QString, QString>>> busiestObject(QSqlDatabase& db);

} // namespace mdsync::read
