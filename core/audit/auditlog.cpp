#include "audit/auditlog.h"

#include "store/sqlstatement.h"
#include "store/workspace.h"
#include "util/hash.h"
#include "util/text.h"
#include "util/timeutil.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>

namespace mdsync {

namespace {

const QString kHeadKey = QStringLiteral("audit_head");

nlohmann::json optionalText(const std::optional<std::string>& s)
{
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

QVariant toVariant(const std::optional<std::string>& s)
{
    return s ? QVariant(QString::fromStdString(*s)) : QVariant(QMetaType(QMetaType::QString));
}

struct InvalidText
{
};

void appendString(std::string& out, std::string_view s)
{
    if (!appendJsonString(out, s))
        throw InvalidText {};
}

void appendOptional(std::string& out, AuditHasher::Text s)
{
    if (s)
        appendString(out, *s);
    else
        out += "null";
}

AuditHasher::Text view(const std::optional<std::string>& s)
{
    return s ? AuditHasher::Text(std::string_view(*s)) : std::nullopt;
}

} // namespace

struct AuditLog::Prepared
{
    QSqlQuery head, insert, setHead;
};

AuditLog::AuditLog(const QSqlDatabase& db)
    : m_db(db)
{ }

AuditLog::~AuditLog() = default;
AuditLog::AuditLog(AuditLog&& other) noexcept = default;
AuditLog& AuditLog::operator=(AuditLog&& other) noexcept = default;

const std::string& AuditLog::genesisHash()
{
    static const std::string zeros(64, '0');
    return zeros;
}

std::string AuditLog::canonicalReference(const AuditEntry& e)
{
    const nlohmann::json canonical = nlohmann::json::array({ e.seq, e.at, e.actor, e.action, e.subject,
        optionalText(e.before), optionalText(e.after), optionalText(e.reason) });
    return canonical.dump();
}

std::string AuditLog::canonical(const AuditEntry& e)
{
    std::string out;
    AuditHasher::appendCanonical(
        out, e.seq, e.at, e.actor, e.action, e.subject, view(e.before), view(e.after), view(e.reason));
    return out;
}

std::string AuditLog::computeHash(const AuditEntry& e)
{
    AuditHasher h;
    return std::string(h.hash(e));
}

void AuditHasher::appendCanonical(std::string& out, std::int64_t seq, std::string_view at, std::string_view actor,
    std::string_view action, std::string_view subject, Text before, Text after, Text reason)
{
    const auto start = out.size();
    try {
        std::array<char, 24> num {};
        out += '[';
        out.append(num.data(), std::to_chars(num.data(), num.data() + num.size(), seq).ptr);
        out += ',';
        appendString(out, at);
        out += ',';
        appendString(out, actor);
        out += ',';
        appendString(out, action);
        out += ',';
        appendString(out, subject);
        out += ',';
        appendOptional(out, before);
        out += ',';
        appendOptional(out, after);
        out += ',';
        appendOptional(out, reason);
        out += ']';
    } catch (const InvalidText&) {
        // Not valid UTF-8: let the definition decide (nlohmann's strict dump throws type_error 316).
        out.resize(start);
        auto opt = [](Text t) { return t ? nlohmann::json(std::string(*t)) : nlohmann::json(nullptr); };
        out += nlohmann::json::array({ seq, std::string(at), std::string(actor), std::string(action),
                                         std::string(subject), opt(before), opt(after), opt(reason) })
                   .dump();
    }
}

std::string_view AuditHasher::hash(std::int64_t seq, std::string_view at, std::string_view actor,
    std::string_view action, std::string_view subject, Text before, Text after, Text reason, std::string_view prevHash)
{
    m_buf.clear();
    appendCanonical(m_buf, seq, at, actor, action, subject, before, after, reason);
    m_buf.append(prevHash);
    return digest();
}

std::string_view AuditHasher::digest()
{
    m_sha.reset();
    m_sha.addData(m_buf);
    m_sha.resultHex(m_hex);
    return { m_hex.data(), m_hex.size() };
}

std::string_view AuditHasher::hashLiterals(std::span<const std::string_view, 8> literals, std::string_view prevHash)
{
    m_buf.clear();
    m_buf += '[';
    for (size_t i = 0; i < literals.size(); ++i) {
        if (i)
            m_buf += ',';
        m_buf.append(literals[i]);
    }
    m_buf += ']';
    m_buf.append(prevHash);
    return digest();
}

std::string_view AuditHasher::hash(const AuditEntry& e)
{
    return hash(e.seq, e.at, e.actor, e.action, e.subject, view(e.before), view(e.after), view(e.reason), e.prevHash);
}

Result<std::int64_t> AuditLog::append(const std::string& actor, const std::string& action, const std::string& subject,
    const std::optional<nlohmann::json>& before, const std::optional<nlohmann::json>& after,
    const std::optional<std::string>& reason)
{
    if (!m_prepared) {
        auto p = std::make_unique<Prepared>();
        p->head = QSqlQuery(m_db);
        p->insert = QSqlQuery(m_db);
        p->setHead = QSqlQuery(m_db);
        if (!p->head.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?")))
            return makeError(sqlError(p->head, QStringLiteral("audit log head")));
        if (!p->insert.prepare(QStringLiteral(
                "INSERT INTO audit_log(seq, at, actor, action, subject, before, after, reason, prev_hash, hash)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")))
            return makeError(sqlError(p->insert, QStringLiteral("audit log append")));
        if (!p->setHead.prepare(QStringLiteral("INSERT INTO meta(key, value) VALUES (?, ?)"
                                               " ON CONFLICT(key) DO UPDATE SET value = excluded.value")))
            return makeError(sqlError(p->setHead, QStringLiteral("audit log head")));
        m_prepared = std::move(p);
    }
    AuditEntry e;
    e.seq = 1;
    e.prevHash = genesisHash();
    {
        // The chain continues from the recorded head, not from whatever row is last now: if the newest
        // rows were deleted, the gap stays visible to verify() instead of being papered over.
        QSqlQuery& q = m_prepared->head;
        q.bindValue(0, kHeadKey);
        if (!q.exec())
            return makeError(sqlError(q, QStringLiteral("audit log head")));
        const bool found = q.next();
        const QString head = found ? q.value(0).toString() : QString();
        q.finish(); // no statement stays open on the connection between entries
        if (found) {
            const auto colon = head.indexOf(QLatin1Char(':'));
            bool ok = false;
            const qint64 seq = head.left(colon).toLongLong(&ok);
            if (colon <= 0 || !ok)
                return makeError(QStringLiteral("audit log head '%1' is malformed; run verify-audit").arg(head));
            e.seq = seq + 1;
            e.prevHash = head.mid(colon + 1).toStdString();
        } else if (QSqlQuery n(m_db); !n.exec(QStringLiteral("SELECT count(*) FROM audit_log")) || !n.next()
                   || n.value(0).toLongLong() != 0) {
            return makeError(QStringLiteral("audit log has entries but no recorded head; run verify-audit"));
        }
    }
    e.at = formatRfc3339(nowMs());
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    if (before)
        e.before = before->dump();
    if (after)
        e.after = after->dump();
    e.reason = reason;
    e.hash = computeHash(e);

    QSqlQuery& ins = m_prepared->insert;
    ins.bindValue(0, QVariant::fromValue<qlonglong>(e.seq));
    ins.bindValue(1, QString::fromStdString(e.at));
    ins.bindValue(2, QString::fromStdString(e.actor));
    ins.bindValue(3, QString::fromStdString(e.action));
    ins.bindValue(4, QString::fromStdString(e.subject));
    ins.bindValue(5, toVariant(e.before));
    ins.bindValue(6, toVariant(e.after));
    ins.bindValue(7, toVariant(e.reason));
    ins.bindValue(8, QString::fromStdString(e.prevHash));
    ins.bindValue(9, QString::fromStdString(e.hash));
    if (!ins.exec())
        return makeError(sqlError(ins, QStringLiteral("audit log append")));

    QSqlQuery& head = m_prepared->setHead;
    head.bindValue(0, kHeadKey);
    head.bindValue(1, QStringLiteral("%1:%2").arg(e.seq).arg(QString::fromStdString(e.hash)));
    if (!head.exec())
        return makeError(sqlError(head, QStringLiteral("audit log head")));
    return e.seq;
}

namespace {

// Rows copied out of SQLite for the hashing thread: texts in one arena, fields by offset.
struct VerifyBatch
{
    struct Item
    {
        std::int64_t seq = 0;
        // Offset and length in the arena of: at, actor, action, subject, before, after, reason, prev_hash, hash.
        std::array<std::uint32_t, 9> off {};
        std::array<std::uint32_t, 9> len {};
        std::uint16_t nulls = 0; // bit i: field i is NULL
    };
    std::string arena;
    std::vector<Item> items;

    std::string_view field(const Item& it, int i) const { return std::string_view(arena).substr(it.off[i], it.len[i]); }
    AuditHasher::Text text(const Item& it, int i) const
    {
        return (it.nulls >> i) & 1 ? AuditHasher::Text() : AuditHasher::Text(field(it, i));
    }
};

// Hash mismatches found by the hashing thread: (seq, message), the first kMaxProblems in seq order.
struct HashWorker
{
    static constexpr std::size_t kMaxProblems = 100;
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::unique_ptr<VerifyBatch>> queue;
    bool done = false;
    std::vector<std::pair<std::int64_t, std::string>> problems;
    bool failed = false;

    void check(const VerifyBatch& b, AuditHasher& hasher)
    {
        for (const auto& it : b.items) {
            std::string text;
            try {
                if (hasher.hash(it.seq, b.field(it, 0), b.field(it, 1), b.field(it, 2), b.field(it, 3), b.text(it, 4),
                        b.text(it, 5), b.text(it, 6), b.field(it, 7))
                    != b.field(it, 8))
                    text = "seq " + std::to_string(it.seq) + ": content does not match its hash (entry modified)";
            } catch (const std::exception&) {
                text = "seq " + std::to_string(it.seq) + ": text is not valid UTF-8 (entry modified)";
            }
            if (!text.empty()) {
                failed = true;
                if (problems.size() < kMaxProblems)
                    problems.emplace_back(it.seq, std::move(text));
            }
        }
    }

    void run()
    {
        AuditHasher hasher;
        for (;;) {
            std::unique_ptr<VerifyBatch> b;
            {
                std::unique_lock lock(mutex);
                cv.wait(lock, [this] { return done || !queue.empty(); });
                if (queue.empty())
                    return;
                b = std::move(queue.front());
                queue.pop_front();
            }
            cv.notify_all();
            check(*b, hasher);
        }
    }
};

} // namespace

AuditVerification AuditLog::verify() const
{
    AuditVerification v;
    // (seq, rank, text): problems of the sequential checks here and of the hashing thread, merged by seq.
    std::vector<std::tuple<std::int64_t, int, std::string>> found;
    auto problem = [&v, &found](std::int64_t seq, int rank, std::string text) {
        v.ok = false;
        if (found.size() < 100)
            found.emplace_back(seq, rank, std::move(text));
    };

    // Columns by index straight from SQLite (no QVariant/QString round trip per value): the same bytes the
    // QSQLITE driver would decode, as UTF-8.
    SqlStatement q;
    if (!q.prepare(m_db,
            "SELECT seq, at, actor, action, subject, before, after, reason, prev_hash, hash FROM audit_log ORDER BY "
            "seq")) {
        v.ok = false;
        v.problems.push_back("cannot read audit_log: " + q.error().toStdString());
        return v;
    }
    // This thread reads rows and checks seq and links; a second thread recomputes the hashes (the bulk of the
    // work), batch by batch, with at most a few batches in flight.
    constexpr std::size_t kBatch = 2048;
    constexpr std::size_t kInFlight = 4;
    HashWorker worker;
    std::thread hashing([&worker] { worker.run(); });
    auto submit = [&worker](std::unique_ptr<VerifyBatch> b) {
        std::unique_lock lock(worker.mutex);
        worker.cv.wait(lock, [&worker] { return worker.queue.size() < kInFlight; });
        worker.queue.push_back(std::move(b));
        lock.unlock();
        worker.cv.notify_all();
    };
    auto batch = std::make_unique<VerifyBatch>();
    std::int64_t expectedSeq = 1;
    std::string prevHash = genesisHash();
    while (q.next()) {
        const std::int64_t seq = q.int64(0);
        const std::string_view storedPrev = q.text(8);
        const std::string_view storedHash = q.text(9);
        ++v.entries;

        if (seq != expectedSeq) {
            if (seq > expectedSeq)
                problem(seq, 0,
                    "seq " + std::to_string(expectedSeq) + (seq - expectedSeq > 1 ? "-" + std::to_string(seq - 1) : "")
                        + ": missing (deleted entries)");
            else
                problem(seq, 0, "seq " + std::to_string(seq) + ": out of order");
        }
        if (storedPrev != prevHash)
            problem(seq, 1,
                "seq " + std::to_string(seq)
                    + ": prev_hash does not link to the previous entry (entry inserted, "
                      "deleted or re-chained)");
        VerifyBatch::Item it;
        it.seq = seq;
        for (int i = 0; i < 9; ++i) {
            if (q.isNull(i + 1))
                it.nulls = static_cast<std::uint16_t>(it.nulls | (1U << i));
            const std::string_view t = q.text(i + 1);
            it.off[i] = static_cast<std::uint32_t>(batch->arena.size());
            it.len[i] = static_cast<std::uint32_t>(t.size());
            batch->arena.append(t);
        }
        batch->items.push_back(it);
        if (batch->items.size() >= kBatch || batch->arena.size() >= (1U << 30)) {
            submit(std::move(batch));
            batch = std::make_unique<VerifyBatch>();
        }
        prevHash.assign(storedHash);
        expectedSeq = seq + 1;
    }
    if (!batch->items.empty())
        submit(std::move(batch));
    {
        std::lock_guard lock(worker.mutex);
        worker.done = true;
    }
    worker.cv.notify_all();
    hashing.join();
    if (q.failed())
        problem(std::numeric_limits<std::int64_t>::max(), 0, "cannot read audit_log: " + q.error().toStdString());
    q.reset();
    if (worker.failed)
        v.ok = false;
    for (auto& [seq, text] : worker.problems)
        found.emplace_back(seq, 2, std::move(text));
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    });
    for (auto& f : found)
        if (v.problems.size() < 100)
            v.problems.push_back(std::move(std::get<2>(f)));
    auto problemText = [&v](std::string text) {
        v.ok = false;
        if (v.problems.size() < 100)
            v.problems.push_back(std::move(text));
    };
    v.headHash = v.entries ? prevHash : std::string();

    QSqlQuery head(m_db);
    head.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?"));
    head.addBindValue(kHeadKey);
    if (head.exec() && head.next()) {
        const std::string recorded = head.value(0).toString().toStdString();
        const std::string actual = std::to_string(expectedSeq - 1) + ":" + prevHash;
        if (recorded != actual)
            problemText("head: the log ends at seq " + std::to_string(expectedSeq - 1) + " but the recorded head is "
                + recorded.substr(0, recorded.find(':')) + " (newest entries deleted or head altered)");
    } else if (v.entries > 0) {
        problemText("head: no recorded head although the log has entries");
    }
    return v;
}

} // namespace mdsync
