// Reconciliation against the simulated systems (REST read-back, "read_back": true): deliver, change the record
// in the target directly, reconcile -> one drift exception with both values, not duplicated on the next run;
// through the core and through `mdsyncctl reconcile` / the `run` schedule ("reconcile_minutes").

#include "access/roles.h"
#include "contract/contract.h"
#include "demo/simulatedsystem.h"
#include "dispatcherharness.h"
#include "policy/landscape.h"
#include "steward/exceptionactions.h"
#include "steward/rolegrants.h"
#include "sync/reconcile.h"
#include "testutil.h"
#include "util/jsonfile.h"
#include "workspacefixture.h"

#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QTimer>

using namespace mdsync;
using namespace mdsync::test;
using json = nlohmann::json;

namespace {

// Changes a record in a simulated system directly (as someone working in that system would): a PUT that does
// not come from MDSync. Returns the HTTP status.
int editDirectly(SimulatedSystem& sim, const std::string& domain, const std::string& key, const json& changes)
{
    auto rec = sim.record(qs(domain), qs(key));
    if (!rec)
        return -1;
    json payload = rec->payload;
    for (auto it = changes.begin(); it != changes.end(); ++it)
        payload[it.key()] = it.value();
    QNetworkAccessManager nam;
    QNetworkRequest req(QUrl(sim.baseUrl() + QStringLiteral("/api/%1/%2").arg(qs(domain), qs(key))));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    static int n = 0;
    req.setRawHeader("Idempotency-Key", "direct-edit-" + QByteArray::number(++n));
    QNetworkReply* reply = nam.put(req, QByteArray::fromStdString(payload.dump()));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

ReconcileOptions options(const std::string& target)
{
    ReconcileOptions o;
    o.target = target;
    o.actor = "system:reconcile";
    o.checkPermission = false;
    o.fetchTimeoutMs = 5000;
    return o;
}

} // namespace

class TstReconcile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void driftInSimulatedSystemIsFoundOnce()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        SimulatedSystem* mes = h.addTarget("MES-P100", json::object(), { { "read_back", true } });
        QVERIFY(mes);
        QVERIFY(h.start(fastOptions(), true));
        QVERIFY(h.ingest(
            { item("RC-100", "Reconcile pump"), item("RC-200", "Steady pump"), item("RC-300", "Retired pump") }));
        QVERIFY(h.runUntilIdle());
        QVERIFY(h.ingest({ mdsync::test::event("PLM", "item", "RC-300", nullptr, {}, "delete") }));
        QVERIFY(h.runUntilIdle());
        QCOMPARE(h.status(QStringLiteral("item"), QStringLiteral("RC-100"), QStringLiteral("MES-P100"), 1),
            QStringLiteral("acked"));
        QVERIFY(mes->record(QStringLiteral("item"), QStringLiteral("RC-300"))->retired);
        MDSYNC_REQUIRE_OK(contracts, ContractSet::builtin(*h.tw.config().model, *h.tw.config().landscape));
        Connector& connector = *h.connectors.at("MES-P100");

        auto clean = reconcileTarget(h.tw.ws(), h.tw.config(), contracts.value(), connector, options("MES-P100"));
        QVERIFY2(clean.ok(), clean.ok() ? "" : qPrintable(clean.error()));
        QCOMPARE(clean->compared, 3);
        QCOMPARE(clean->inSync, 3);
        QCOMPARE(clean->drifts.size(), size_t(0));

        // Someone edits RC-100 in the MES directly.
        QCOMPARE(editDirectly(*mes, "item", "RC-100", { { "description", "Pump edited in MES" } }), 200);
        QVERIFY(mes->record(QStringLiteral("item"), QStringLiteral("RC-100"))->payload["description"]
            == json("Pump edited in MES"));
        auto found = reconcileTarget(h.tw.ws(), h.tw.config(), contracts.value(), connector, options("MES-P100"));
        QVERIFY2(found.ok(), found.ok() ? "" : qPrintable(found.error()));
        QCOMPARE(found->compared, 3);
        QCOMPARE(found->inSync, 2);
        QCOMPARE(found->exceptionsCreated, 1);
        QCOMPARE(found->drifts.size(), size_t(1));
        const ReconcileDrift& d = found->drifts[0];
        QCOMPARE(d.key, std::string("RC-100"));
        QCOMPARE(d.differences.size(), size_t(1));
        QCOMPARE(d.differences[0].field, std::string("description"));
        QVERIFY(d.differences[0].expected == json("Reconcile pump"));
        QVERIFY(d.differences[0].actual == json("Pump edited in MES"));
        // One drift exception with both values, for the object and the target; lineage and audit.
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'drift'")), 1);
        const QString message = scalar(h.tw.db(),
            QStringLiteral("SELECT message FROM exception WHERE category = 'drift' AND object_key = 'RC-100'"
                           " AND target_id = 'MES-P100' AND status = 'open'"))
                                    .toString();
        QVERIFY2(message.contains(QLatin1String("\"Reconcile pump\""))
                && message.contains(QLatin1String("\"Pump edited in MES\"")),
            qPrintable(message));
        const json details
            = json::parse(scalar(h.tw.db(), QStringLiteral("SELECT details FROM exception WHERE category = 'drift'"))
                              .toString()
                              .toStdString());
        QVERIFY(details["differences"][0]["expected"] == json("Reconcile pump"));
        QVERIFY(details["differences"][0]["actual"] == json("Pump edited in MES"));
        QCOMPARE(count(h.tw.db(), QStringLiteral("lineage_event"),
                     QStringLiteral("kind = 'drift_detected' AND object_key = 'RC-100'")),
            1);

        // Again: the open exception is reported, not duplicated.
        auto again = reconcileTarget(h.tw.ws(), h.tw.config(), contracts.value(), connector, options("MES-P100"));
        QVERIFY(again.ok());
        QCOMPARE(again->exceptionsCreated, 0);
        QVERIFY(again->drifts.size() == 1 && again->drifts[0].alreadyOpen);
        QCOMPARE(again->drifts[0].exceptionId, d.exceptionId);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'drift'")), 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("audit_log"), QStringLiteral("action = 'reconcile.run'")), 3);
        verifyCounters(h.tw.db());

        // The steward replays the drift: the current revision is sent again (with a key of its own, or MES would
        // answer "already applied"), MES holds MDSync's value again and the next reconcile finds it in sync.
        QVERIFY(h.tw.makeAdmin("ada").isEmpty());
        QVERIFY(grantRole(h.tw.as("ada"), "ada", "sam", Role::Steward, "team").ok());
        auto replayed = ExceptionActions(h.tw.as("sam")).replay("sam", d.exceptionId, "re-send what MDSync holds");
        QVERIFY2(replayed.ok(), replayed.ok() ? "" : qPrintable(replayed.error()));
        QCOMPARE(scalar(h.tw.db(), QStringLiteral("SELECT status FROM exception WHERE category = 'drift'")).toString(),
            QStringLiteral("replayed"));
        h.dispatcher->poke();
        QVERIFY(h.runUntilIdle());
        QCOMPARE(count(h.tw.db(), QStringLiteral("delivery"),
                     QStringLiteral("target_id = 'MES-P100' AND status = 'acked' AND object_id ="
                                    " (SELECT id FROM object WHERE key = 'RC-100')")),
            2);
        QVERIFY(mes->record(QStringLiteral("item"), QStringLiteral("RC-100"))->payload["description"]
            == json("Reconcile pump"));
        auto after = reconcileTarget(h.tw.ws(), h.tw.config(), contracts.value(), connector, options("MES-P100"));
        QVERIFY(after.ok());
        QCOMPARE(after->drifts.size(), size_t(0));
        verifyCounters(h.tw.db());
    }

    void targetWithoutReadBackIsSkipped()
    {
        Harness h;
        QVERIFY(h.tw.ok());
        QVERIFY(h.addTarget("MES-P100"));
        QVERIFY(h.start(fastOptions(), true));
        QVERIFY(h.ingest({ item("RS-100", "Skipped pump") }));
        QVERIFY(h.runUntilIdle());
        MDSYNC_REQUIRE_OK(contracts, ContractSet::builtin(*h.tw.config().model, *h.tw.config().landscape));
        auto r = reconcileTarget(
            h.tw.ws(), h.tw.config(), contracts.value(), *h.connectors.at("MES-P100"), options("MES-P100"));
        QVERIFY(r.ok());
        QCOMPARE(r->compared, 0);
        QCOMPARE(r->skipped, 1);
        QCOMPARE(count(h.tw.db(), QStringLiteral("exception"), QStringLiteral("category = 'drift'")), 0);
    }

    void reconcileMinutesIsValidated()
    {
        auto doc = readJsonFile(
            sourcePath(QStringLiteral("resources/landscape/default-landscape.json")), QStringLiteral("landscape"));
        QVERIFY(doc.ok());
        TempWorkspace tw;
        QVERIFY(tw.ok());
        auto withValue = [&](const json& v) {
            json l = doc.value();
            l["subscriptions"][1]["reconcile_minutes"] = v;
            return Landscape::fromJson(l, QStringLiteral("l.json"), *tw.config().model);
        };
        auto good = withValue(30);
        QVERIFY2(good.ok(), good.ok() ? "" : qPrintable(good.error()));
        QCOMPARE(good->subscriptions()[1].reconcileMinutes, 30);
        QCOMPARE(good->subscriptions()[0].reconcileMinutes, 0);
        for (const json& bad : { json(0), json(20000), json("60"), json(1.5) }) {
            auto r = withValue(bad);
            QVERIFY2(!r.ok(), bad.dump().c_str());
            QVERIFY2(r.error().contains(QLatin1String("subscriptions[1].reconcile_minutes")), qPrintable(r.error()));
        }
    }

    void cliReconcileAndSchedule()
    {
        // A simulated MES-P100 in this process; mdsyncctl delivers to it, reads it back, and `run` reconciles it
        // on its schedule (reconcile_minutes 1, a "minute" of 300 ms here).
        auto cfg = SimulatedConfig::fromJson({ { "id", "MES-P100" } });
        QVERIFY(cfg.ok());
        SimulatedSystem mes(cfg.value());
        QVERIFY(mes.start().ok());
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto doc = readJsonFile(
            sourcePath(QStringLiteral("resources/landscape/default-landscape.json")), QStringLiteral("landscape"));
        QVERIFY(doc.ok());
        json l = doc.value();
        for (auto& s : l["systems"])
            if (s["id"] == "MES-P100")
                s["connector"] = { { "kind", "rest" }, { "base_url", mes.baseUrl().toStdString() },
                    { "read_back", true }, { "timeout_ms", 5000 } };
        for (auto& s : l["subscriptions"])
            if (s["target"] == "MES-P100" && s["domain"] == "item")
                s["reconcile_minutes"] = 1;
        const QString landscapeFile = dir.filePath(QStringLiteral("landscape.json"));
        {
            QFile f(landscapeFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(l.dump()));
        }
        const QString ws = dir.filePath(QStringLiteral("w.mdsync"));
        // Asserted identities (a test workspace): the role check below acts as another login.
        QCOMPARE(runCtl({ QStringLiteral("init"), QStringLiteral("--workspace"), ws, QStringLiteral("--landscape"),
                            landscapeFile, QStringLiteral("--asserted-identities") })
                     .exitCode,
            0);
        // The creator is an admin; reconciling is a steward's work.
        QCOMPARE(runCtl({ QStringLiteral("grant"), QStringLiteral("--workspace"), ws, QStringLiteral("--login"),
                            QString::fromStdString(osLogin()), QStringLiteral("--role"), QStringLiteral("steward"),
                            QStringLiteral("--reason"), QStringLiteral("reconcile test") })
                     .exitCode,
            0);
        const std::string events = item("RC-500", "CLI pump") + "\n";
        QCOMPARE(runCtl({ QStringLiteral("ingest"), QStringLiteral("-"), QStringLiteral("--workspace"), ws },
                     QByteArray::fromStdString(events))
                     .exitCode,
            0);
        CtlResult run = runCtl({ QStringLiteral("run"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--until-idle"), QStringLiteral("--timeout"), QStringLiteral("20") });
        QVERIFY2(run.exitCode == 0, run.err.constData());
        QVERIFY(mes.record(QStringLiteral("item"), QStringLiteral("RC-500")).has_value());

        const QStringList reconcile
            = { QStringLiteral("reconcile"), QStringLiteral("--workspace"), ws, QStringLiteral("--target"),
                  QStringLiteral("MES-P100"), QStringLiteral("--domain"), QStringLiteral("item") };
        CtlResult clean = runCtl(reconcile);
        QVERIFY2(clean.exitCode == 0, QByteArray(clean.out + clean.err).constData());
        QVERIFY2(clean.out.contains("1 compared, 1 in sync, 0 drifted"), clean.out.constData());

        QCOMPARE(editDirectly(mes, "item", "RC-500", { { "description", "CLI pump (edited)" } }), 200);
        CtlResult found = runCtl(reconcile + QStringList { QStringLiteral("--json") });
        QCOMPARE(found.exitCode, 2);
        const json j = found.json();
        QCOMPARE(j.value("drifted", 0), 1);
        QCOMPARE(j.value("exceptions_created", 0), 1);
        QVERIFY(j["drifts"][0]["differences"][0]["actual"] == json("CLI pump (edited)"));
        // Only stewards (and admins) reconcile.
        CtlResult denied = runCtl(reconcile + QStringList { QStringLiteral("--user"), QStringLiteral("visitor") });
        QCOMPARE(denied.exitCode, 1);
        QVERIFY2(
            denied.err.contains("visitor") && !denied.err.contains("--asserted-identities"), denied.err.constData());
        // Missing --target.
        QCOMPARE(runCtl({ QStringLiteral("reconcile"), QStringLiteral("--workspace"), ws }).exitCode, 1);

        // The schedule of `run`: reconciles by itself, reports the open drift, does not duplicate it.
        qputenv("MDSYNC_RECONCILE_MINUTE_MS", "300");
        CtlResult scheduled = runCtl({ QStringLiteral("run"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--timeout"), QStringLiteral("1.5") });
        qunsetenv("MDSYNC_RECONCILE_MINUTE_MS");
        QVERIFY2(scheduled.exitCode == 0, scheduled.err.constData());
        QVERIFY2(scheduled.out.contains("reconcile MES-P100 item: 1 compared, 1 drifted, 0 new drift exception(s)"),
            scheduled.out.constData());
        CtlResult ex = runCtl({ QStringLiteral("exceptions"), QStringLiteral("--workspace"), ws,
            QStringLiteral("--category"), QStringLiteral("drift"), QStringLiteral("--json") });
        QCOMPARE(ex.exitCode, 0);
        QCOMPARE(ex.json().size(), size_t(1));
        CtlResult audit = runCtl({ QStringLiteral("verify-audit"), QStringLiteral("--workspace"), ws });
        QCOMPARE(audit.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TstReconcile)
#include "tst_reconcile.moc"
