// Audit log: the SHA-256 hash chain, its verification, and detection of tampering done the way an attacker
// with the sqlite3 CLI would do it (drop the append-only triggers, then modify, delete or insert rows).

#include "audit/auditlog.h"
#include "store/workspace.h"
#include "util/hash.h"
#include "workspacefixture.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace mdsync;
using namespace mdsync::test;
using nlohmann::json;

namespace {

bool anyProblemContains(const AuditVerification& v, const std::string& needle)
{
    for (const auto& p : v.problems)
        if (p.find(needle) != std::string::npos)
            return true;
    return false;
}

QString problems(const AuditVerification& v)
{
    QString out;
    for (const auto& p : v.problems)
        out += QString::fromStdString(p) + QStringLiteral(" | ");
    return out;
}

} // namespace

class TestAudit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    // A fresh workspace with `n` appended entries (committed).
    bool makeLog(int n)
    {
        m_ws.reset();
        const QString path = m_dir.filePath(QStringLiteral("audit-%1.mdsync").arg(++m_counter));
        auto ws = Workspace::create(path);
        if (!ws) {
            qWarning("%s", qPrintable(ws.error()));
            return false;
        }
        m_ws = std::move(ws).value();
        if (!m_ws->begin())
            return false;
        AuditLog log(m_ws->db());
        for (int i = 1; i <= n; ++i) {
            auto seq = log.append("steward" + std::to_string(i), "exception.correct",
                "item/FG-" + std::to_string(1000 + i), json { { "net_weight", i } }, json { { "net_weight", i + 1 } },
                i % 2 ? std::optional<std::string>("typo in PLM") : std::nullopt);
            if (!seq || seq.value() != i)
                return false;
        }
        return static_cast<bool>(m_ws->commit());
    }

    AuditVerification verify() const { return AuditLog(m_ws->db()).verify(); }

private Q_SLOTS:
    void emptyLogVerifies()
    {
        QVERIFY(makeLog(0));
        const auto v = verify();
        QVERIFY2(v.ok, qPrintable(problems(v)));
        QCOMPARE(v.entries, 0);
        QCOMPARE(qs(v.headHash), QString());
    }

    void appendBuildsAChain()
    {
        QVERIFY(makeLog(5));
        const auto v = verify();
        QVERIFY2(v.ok, qPrintable(problems(v)));
        QCOMPARE(v.entries, 5);
        QVERIFY(v.problems.empty());

        QSqlQuery q(m_ws->db());
        QVERIFY(q.exec(QStringLiteral("SELECT seq, at, actor, action, subject, before, after, reason, prev_hash, hash"
                                      " FROM audit_log ORDER BY seq")));
        std::string prev = AuditLog::genesisHash();
        QCOMPARE(prev, std::string(64, '0'));
        int rows = 0;
        while (q.next()) {
            ++rows;
            AuditEntry e;
            e.seq = q.value(0).toLongLong();
            e.at = q.value(1).toString().toStdString();
            e.actor = q.value(2).toString().toStdString();
            e.action = q.value(3).toString().toStdString();
            e.subject = q.value(4).toString().toStdString();
            if (!q.value(5).isNull())
                e.before = q.value(5).toString().toStdString();
            if (!q.value(6).isNull())
                e.after = q.value(6).toString().toStdString();
            if (!q.value(7).isNull())
                e.reason = q.value(7).toString().toStdString();
            e.prevHash = q.value(8).toString().toStdString();
            e.hash = q.value(9).toString().toStdString();
            QCOMPARE(e.seq, rows);
            QCOMPARE(qs(e.prevHash), qs(prev));
            QCOMPARE(e.hash.size(), size_t(64));
            // The documented formula: SHA-256 of [seq, at, actor, action, subject, before, after, reason] + prev_hash.
            const json canonical
                = json::array({ e.seq, e.at, e.actor, e.action, e.subject, e.before ? json(*e.before) : json(nullptr),
                    e.after ? json(*e.after) : json(nullptr), e.reason ? json(*e.reason) : json(nullptr) });
            QCOMPARE(qs(e.hash), qs(sha256Hex(canonical.dump() + e.prevHash)));
            QCOMPARE(qs(AuditLog::computeHash(e)), qs(e.hash));
            QVERIFY(parseRfc3339(e.at).has_value());
            prev = e.hash;
        }
        QCOMPARE(rows, 5);
        QCOMPARE(qs(v.headHash), qs(prev));
        QCOMPARE(m_ws->meta(QStringLiteral("audit_head")), QStringLiteral("5:") + qs(prev));
        // Entry 2 has no reason, entry 1 has one: absent values stay NULL.
        QCOMPARE(count(m_ws->db(), QStringLiteral("audit_log"), QStringLiteral("reason IS NULL")), 2);
    }

    void rolledBackAppendLeavesNoTrace()
    {
        QVERIFY(makeLog(2));
        QVERIFY(m_ws->begin());
        QVERIFY(AuditLog(m_ws->db()).append("x", "a", "s", std::nullopt, std::nullopt, std::nullopt));
        m_ws->rollback();
        const auto v = verify();
        QVERIFY2(v.ok, qPrintable(problems(v)));
        QCOMPARE(v.entries, 2);
        // The next append continues the chain at 3.
        QVERIFY(m_ws->begin());
        auto seq = AuditLog(m_ws->db()).append("x", "a", "s", std::nullopt, std::nullopt, std::nullopt);
        QVERIFY(m_ws->commit());
        QVERIFY(seq);
        QCOMPARE(seq.value(), 3);
        QVERIFY(verify().ok);
    }

    void triggersRefuseUpdateAndDelete()
    {
        QVERIFY(makeLog(3));
        RawConnection attacker(m_ws->path());
        const QString upd = attacker.exec(QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"));
        QVERIFY2(upd.contains(QStringLiteral("append-only")), qPrintable(upd));
        const QString del = attacker.exec(QStringLiteral("DELETE FROM audit_log WHERE seq = 3"));
        QVERIFY2(del.contains(QStringLiteral("append-only")), qPrintable(del));
        // Through the workspace's own connection as well.
        auto r = m_ws->exec(QStringLiteral("DELETE FROM audit_log"));
        QVERIFY(!r);
        QVERIFY2(r.error().contains(QStringLiteral("append-only")), qPrintable(r.error()));
        QCOMPARE(count(m_ws->db(), QStringLiteral("audit_log")), 3);
        QCOMPARE(count(m_ws->db(), QStringLiteral("audit_log"), QStringLiteral("actor = 'mallory'")), 0);
        QVERIFY(verify().ok);
    }

    void detectsModifiedRow_data()
    {
        QTest::addColumn<QString>("update");
        QTest::newRow("actor") << QStringLiteral("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3");
        QTest::newRow("after value") << QStringLiteral(
            "UPDATE audit_log SET after = '{\"net_weight\":99}' WHERE seq = 3");
        QTest::newRow("reason cleared") << QStringLiteral("UPDATE audit_log SET reason = NULL WHERE seq = 3");
        QTest::newRow("time") << QStringLiteral("UPDATE audit_log SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 3");
    }

    void detectsModifiedRow()
    {
        QFETCH(QString, update);
        QVERIFY(makeLog(5));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        const QString err = attacker.exec(update);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const auto v = verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.entries, 5);
        QVERIFY2(anyProblemContains(v, "seq 3: content does not match its hash"), qPrintable(problems(v)));
        // Only the modified entry is reported: the links of the others still hold.
        QCOMPARE(v.problems.size(), size_t(1));
    }

    void detectsDeletedMiddleRow()
    {
        QVERIFY(makeLog(5));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        QVERIFY(attacker.exec(QStringLiteral("DELETE FROM audit_log WHERE seq = 3")).isEmpty());
        const auto v = verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.entries, 4);
        QVERIFY2(anyProblemContains(v, "seq 3: missing"), qPrintable(problems(v)));
        QVERIFY2(anyProblemContains(v, "seq 4: prev_hash does not link"), qPrintable(problems(v)));
    }

    void detectsDeletedTail()
    {
        QVERIFY(makeLog(5));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        QVERIFY(attacker.exec(QStringLiteral("DELETE FROM audit_log WHERE seq >= 4")).isEmpty());
        const auto v = verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.entries, 3);
        QVERIFY2(
            anyProblemContains(v, "head: the log ends at seq 3 but the recorded head is 5"), qPrintable(problems(v)));
    }

    void deletedTailStaysDetectedAfterNextAppend()
    {
        // The recorded head exists so that deleting the newest entries is detected. The next regular append
        // (e.g. the next ingest run) must not silently re-anchor the chain on the truncated tail.
        QVERIFY(makeLog(5));
        {
            RawConnection attacker(m_ws->path());
            QVERIFY(attacker.dropAuditTriggers());
            QVERIFY(attacker.exec(QStringLiteral("DELETE FROM audit_log WHERE seq >= 4")).isEmpty());
        }
        QVERIFY(!verify().ok);
        QVERIFY(m_ws->begin());
        auto seq = AuditLog(m_ws->db())
                       .append("system", "ingest.run", "ingest run 9", std::nullopt, std::nullopt, std::nullopt);
        QVERIFY(m_ws->commit());
        QVERIFY(seq);
        const auto v = verify();
        QVERIFY2(!v.ok, "deleting seq 4-5 became undetectable after one append");
    }

    void detectsEverythingDeleted()
    {
        QVERIFY(makeLog(3));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        QVERIFY(attacker.exec(QStringLiteral("DELETE FROM audit_log")).isEmpty());
        const auto v = verify();
        QVERIFY2(!v.ok, "an emptied log with a recorded head must not verify");
        QCOMPARE(v.entries, 0);
        QVERIFY2(anyProblemContains(v, "recorded head is 3"), qPrintable(problems(v)));
    }

    void detectsInsertedRowWithWrongPrevHash()
    {
        QVERIFY(makeLog(5));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        const QString err = attacker.exec(QStringLiteral(
            "INSERT INTO audit_log(seq, at, actor, action, subject, before, after, reason, prev_hash, hash)"
            " VALUES (6, '2026-11-28T10:00:00.000Z', 'mallory', 'exception.approve', 'item/FG-1001',"
            " NULL, NULL, NULL, '%1', '%2')")
                                              .arg(QString(64, QLatin1Char('0')), QString(64, QLatin1Char('f'))));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const auto v = verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.entries, 6);
        QVERIFY2(anyProblemContains(v, "seq 6: prev_hash does not link"), qPrintable(problems(v)));
        QVERIFY2(anyProblemContains(v, "seq 6: content does not match its hash"), qPrintable(problems(v)));
        QVERIFY2(
            anyProblemContains(v, "head: the log ends at seq 6 but the recorded head is 5"), qPrintable(problems(v)));
    }

    void detectsInsertedRowWithRecomputedHash()
    {
        // The forger links the new row to the real head and computes its hash with the public formula: the
        // chain itself is consistent, only the recorded head can tell.
        QVERIFY(makeLog(5));
        const std::string head = verify().headHash;
        AuditEntry forged;
        forged.seq = 6;
        forged.at = "2026-11-28T10:00:00.000Z";
        forged.actor = "mallory";
        forged.action = "exception.approve";
        forged.subject = "item/FG-1001";
        forged.after = R"({"approved":true})";
        forged.prevHash = head;
        forged.hash = AuditLog::computeHash(forged);

        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        QSqlQuery ins(attacker.db());
        QVERIFY(
            ins.prepare(QStringLiteral("INSERT INTO audit_log(seq, at, actor, action, subject, before, after, reason,"
                                       " prev_hash, hash) VALUES (?,?,?,?,?,NULL,?,NULL,?,?)")));
        ins.addBindValue(6);
        ins.addBindValue(qs(forged.at));
        ins.addBindValue(qs(forged.actor));
        ins.addBindValue(qs(forged.action));
        ins.addBindValue(qs(forged.subject));
        ins.addBindValue(qs(*forged.after));
        ins.addBindValue(qs(forged.prevHash));
        ins.addBindValue(qs(forged.hash));
        QVERIFY2(ins.exec(), qPrintable(ins.lastError().text()));

        const auto v = verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.entries, 6);
        QVERIFY2(!anyProblemContains(v, "content does not match"), qPrintable(problems(v)));
        QVERIFY2(
            anyProblemContains(v, "head: the log ends at seq 6 but the recorded head is 5"), qPrintable(problems(v)));
    }

    void detectsInsertedRowInTheMiddle()
    {
        // Re-numbering is impossible without UPDATE, so the forger deletes entry 3 and puts a forged one in
        // its place that links to entry 2.
        QVERIFY(makeLog(5));
        RawConnection attacker(m_ws->path());
        QVERIFY(attacker.dropAuditTriggers());
        const QString prev2
            = scalar(attacker.db(), QStringLiteral("SELECT hash FROM audit_log WHERE seq = 2")).toString();
        QVERIFY(attacker.exec(QStringLiteral("DELETE FROM audit_log WHERE seq = 3")).isEmpty());
        AuditEntry forged;
        forged.seq = 3;
        forged.at = "2026-11-28T10:00:00.000Z";
        forged.actor = "mallory";
        forged.action = "exception.discard";
        forged.subject = "item/FG-1003";
        forged.prevHash = prev2.toStdString();
        forged.hash = AuditLog::computeHash(forged);
        QVERIFY(attacker
                    .exec(QStringLiteral("INSERT INTO audit_log(seq, at, actor, action, subject, prev_hash, hash)"
                                         " VALUES (3, '%1', '%2', '%3', '%4', '%5', '%6')")
                              .arg(qs(forged.at), qs(forged.actor), qs(forged.action), qs(forged.subject),
                                  qs(forged.prevHash), qs(forged.hash)))
                    .isEmpty());
        const auto v = verify();
        QVERIFY(!v.ok);
        QVERIFY2(anyProblemContains(v, "seq 4: prev_hash does not link"), qPrintable(problems(v)));
        QVERIFY2(!anyProblemContains(v, "seq 3:"), qPrintable(problems(v)));
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
