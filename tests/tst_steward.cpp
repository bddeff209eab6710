// Roles and steward actions on exceptions, checked in the core: refusals per role, the admin bootstrap,
// mandatory reasons, and that every action is one transaction with lineage, audit entry and counters.

#include "access/roles.h"
#include "audit/auditlog.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "workspacefixture.h"

#include <QTest>

using namespace mdsync;
using namespace mdsync::test;

namespace {

// A workspace with admin "ada", steward "sam", approver "abe", auditor "aud"; viewer "vic" has nothing granted.
// One inbound exception (a weight in metres) and its id.
struct Fixture
{
    TempWorkspace tw;
    std::int64_t exceptionId = 0;

    bool setUp()
    {
        if (!tw.ok())
            return false;
        if (const QString e
            = tw.makeTeam("ada", { { "sam", Role::Steward }, { "abe", Role::Approver }, { "aud", Role::Auditor } });
            !e.isEmpty()) {
            qWarning("%s", qPrintable(e));
            return false;
        }
        nlohmann::json bad = releasedItem("Bracket", { "P100" });
        bad["net_weight"] = "3 m";
        if (!tw.ingest({ event("PLM", "item", "RM-1", bad) }).ok())
            return false;
        exceptionId
            = scalar(tw.db(), QStringLiteral("SELECT id FROM exception WHERE category = 'validation'")).toLongLong();
        return exceptionId > 0;
    }
    // The steward actions as `who` performs them: on PostgreSQL on that login's own connection.
    ExceptionActions actionsOf(const std::string& who) { return ExceptionActions(tw.as(who)); }
    QString status() const
    {
        return scalar(const_cast<TempWorkspace&>(tw).db(),
            QStringLiteral("SELECT status FROM exception WHERE id = %1").arg(exceptionId))
            .toString();
    }
};

} // namespace

class TestSteward : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roleTable()
    {
        QVERIFY(allows(Role::Steward, Action::Replay));
        QVERIFY(!allows(Role::Viewer, Action::Assign));
        QVERIFY(!allows(Role::Approver, Action::Replay));
        QVERIFY(allows(Role::Approver, Action::Approve));
        QVERIFY(!allows(Role::Steward, Action::Approve)); // four-eyes needs a second person with another role
        QVERIFY(allows(Role::Auditor, Action::ExportAudit));
        QVERIFY(!allows(Role::Admin, Action::Discard));
        for (Role r : { Role::Viewer, Role::Steward, Role::Approver, Role::Auditor, Role::Admin })
            QVERIFY(allows(r, Action::Read));
        QCOMPARE(roleFromName("approver").value_or(Role::Viewer), Role::Approver);
        QVERIFY(!roleFromName("root"));
    }

    void bootstrapAndRoleManagement()
    {
        TempWorkspace tw;
        QVERIFY(tw.ok());
        // Nobody is admin yet: the first grant must make the actor itself admin. The creator of the workspace does
        // that (on PostgreSQL its owner login: no other login may write the roles yet).
        const std::string ada = tw.owner();
        QVERIFY(!grantRole(tw.as("eve"), "eve", "mallory", Role::Admin, "x").ok());
        QVERIFY(!grantRole(tw.as("eve"), "eve", "eve", Role::Steward, "x").ok());
        QVERIFY(grantRole(tw.as(ada), ada, ada, Role::Admin, "created the workspace").ok());
        // Now only admins grant. (leo is this test's own login: on PostgreSQL the revoke below takes the cluster-wide
        // mdsync_steward membership away, which another test's steward would need.)
        const auto refused = grantRole(tw.as("eve"), "eve", "eve", Role::Admin, "me too");
        QVERIFY(!refused.ok());
        QVERIFY2(refused.error().contains(QStringLiteral("may not manage user roles")), qPrintable(refused.error()));
        QVERIFY(!grantRole(tw.as(ada), ada, "leo", Role::Steward, "").ok()); // reason required
        QVERIFY(grantRole(tw.as(ada), ada, "leo", Role::Steward, "joins the MDM team").ok());
        QVERIFY(!grantRole(tw.as(ada), ada, "leo", Role::Steward, "again").ok());
        QVERIFY(!revokeRole(tw.as(ada), ada, ada, Role::Admin, "leaving").ok()); // the last admin stays
        QVERIFY(revokeRole(tw.as(ada), ada, "leo", Role::Steward, "left the team").ok());
        QCOMPARE(
            count(tw.db(), QStringLiteral("audit_log"), QStringLiteral("action IN ('role.grant','role.revoke')")), 3);
        auto roles = rolesOf(tw.db(), "leo");
        QVERIFY(roles.ok());
        QCOMPARE(roles->roles, std::set<Role> { Role::Viewer });
        QVERIFY(AuditLog(tw.db()).verify().ok);
    }

    void everyActionIsRefusedWithoutTheRole()
    {
        Fixture f;
        QVERIFY(f.setUp());
        const std::int64_t id = f.exceptionId;
        for (const char* who : { "vic", "abe", "aud", "ada" }) {
            ExceptionActions x = f.actionsOf(who);
            const auto r = x.assign(who, id, "sam");
            QVERIFY2(!r.ok(), who);
            QVERIFY2(r.error().contains(QStringLiteral("may not assign exceptions")), qPrintable(r.error()));
            QVERIFY(!x.discard(who, id, DiscardReason::Duplicate, "").ok());
            QVERIFY(!x.resolve(who, id, "fixed").ok());
            QVERIFY(!x.replay(who, id).ok());
        }
        QVERIFY(!f.actionsOf("vic").comment("vic", id, "hello").ok());
        QVERIFY(!f.actionsOf("aud").comment("aud", id, "hello").ok());
        QVERIFY(f.actionsOf("abe").comment("abe", id, "approvers may comment").ok());
        QCOMPARE(f.status(), QStringLiteral("open"));
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action LIKE 'exception.%'")), 1);
    }

    void assignCommentResolveAreAuditedWithLineage()
    {
        Fixture f;
        QVERIFY(f.setUp());
        ExceptionActions x = f.actionsOf("sam");
        const std::int64_t id = f.exceptionId;
        QVERIFY(x.assign("sam", id, "sam").ok());
        QVERIFY(!x.assign("sam", id, "sam").ok()); // already
        QCOMPARE(scalar(f.tw.db(), QStringLiteral("SELECT assignee FROM exception WHERE id = %1").arg(id)).toString(),
            QStringLiteral("sam"));
        QVERIFY(x.comment("sam", id, "PLM sends metres for weights again; asked the PLM admin").ok());
        QVERIFY(x.unassign("sam", id).ok());
        QVERIFY(!x.resolve("sam", id, "").ok()); // reason required
        QVERIFY(x.resolve("sam", id, "PLM re-sent the item with 3 kg").ok());
        QCOMPARE(f.status(), QStringLiteral("resolved"));
        QVERIFY(!x.discard("sam", id, DiscardReason::Duplicate, "").ok()); // closed
        // The refusal says who closed it and when (another steward acting on a stale view learns why).
        const auto replayed = x.replay("sam", id);
        QVERIFY(!replayed.ok());
        QVERIFY2(replayed.error().startsWith(QStringLiteral("exception #%1 was already resolved by sam at 20").arg(id)),
            qPrintable(replayed.error()));
        QCOMPARE(count(f.tw.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("object_key = 'RM-1' AND kind LIKE 'exception.%' AND actor = 'sam'")),
            4);
        QCOMPARE(count(f.tw.db(), QStringLiteral("audit_log"),
                     QStringLiteral("subject = 'exception/%1' AND actor = 'sam'").arg(id)),
            4);
        QCOMPARE(scalar(f.tw.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = 'exception.resolve'"))
                     .toString(),
            QStringLiteral("PLM re-sent the item with 3 kg"));
        // Counters follow the status.
        QCOMPARE(scalar(f.tw.db(),
                     QStringLiteral(
                         "SELECT sum(n) FROM exception_counter WHERE category = 'validation' AND status = 'open'"))
                     .toLongLong(),
            0);
        QCOMPARE(scalar(f.tw.db(),
                     QStringLiteral(
                         "SELECT sum(n) FROM exception_counter WHERE category = 'validation' AND status = 'resolved'"))
                     .toLongLong(),
            1);
        QVERIFY(AuditLog(f.tw.db()).verify().ok);
    }

    // PostgreSQL: the core acts only as the connection's login, whatever name a caller passes (the database's grants
    // and triggers hold a psql session to the same, tst_pgroles). SQLite: names are the entry points' business.
    void anotherLoginsNameIsRefusedOnTheConnection()
    {
        Fixture f;
        QVERIFY(f.setUp());
        const auto r = ExceptionActions(f.tw.as("abe")).assign("sam", f.exceptionId, "sam");
        if (!testBackendIsPostgres()) {
            QVERIFY2(r.ok(), qPrintable(r.error()));
            return;
        }
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("user 'sam' may not assign exceptions on a connection authenticated "
                                                   "as the database login 'abe'")),
            qPrintable(r.error()));
        const auto grant = grantRole(f.tw.as("sam"), "ada", "eve", Role::Steward, "not ada's connection");
        QVERIFY(!grant.ok());
        QVERIFY2(grant.error().contains(QStringLiteral("authenticated as the database login 'sam'")),
            qPrintable(grant.error()));
        QCOMPARE(f.status(), QStringLiteral("open"));
    }

    void discardNeedsAReasonCode()
    {
        Fixture f;
        QVERIFY(f.setUp());
        ExceptionActions x = f.actionsOf("sam");
        DiscardReason r;
        QVERIFY(!discardReasonFromName("because", r));
        QVERIFY(discardReasonFromName("obsolete_object", r));
        const auto noText = x.discard("sam", f.exceptionId, DiscardReason::Other, "");
        QVERIFY(!noText.ok());
        QVERIFY2(noText.error().contains(QStringLiteral("'other' needs a text")), qPrintable(noText.error()));
        QVERIFY(x.discard("sam", f.exceptionId, DiscardReason::ObsoleteObject, "RM-1 was cancelled").ok());
        QCOMPARE(f.status(), QStringLiteral("discarded"));
        QCOMPARE(scalar(f.tw.db(), QStringLiteral("SELECT reason FROM audit_log WHERE action = 'exception.discard'"))
                     .toString(),
            QStringLiteral("obsolete_object: RM-1 was cancelled"));
        QVERIFY(!x.replay("sam", 999999).ok()); // unknown id: says so
    }
};

QTEST_GUILESS_MAIN(TestSteward)
#include "tst_steward.moc"
