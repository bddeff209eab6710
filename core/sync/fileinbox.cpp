#include "sync/fileinbox.h"

#include "model/canonicalmodel.h"
#include "util/hash.h"
#include "util/text.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

namespace mdsync {

namespace {

constexpr qint64 kRetryAfterStorageFailureMs = 30000;
constexpr qsizetype kFileProblemRawBytes
    = qsizetype(64) * 1024; // raw kept in the exception of a file that was not read

std::string toStd(const QString& s)
{
    return s.toStdString();
}

bool acceptedName(const QString& name)
{
    if (name.startsWith(QLatin1Char('.')))
        return false;
    return name.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive)
        || name.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
}

// Problems that make the whole file unreadable as UTF-8 text (single invalid bytes are the lines' business).
std::string encodingProblem(std::string_view t)
{
    if (t.starts_with(std::string_view("\xFF\xFE\x00\x00", 4))
        || t.starts_with(std::string_view("\x00\x00\xFE\xFF", 4)))
        return "wrong encoding: the file starts with a UTF-32 byte-order mark; save it as UTF-8";
    if (t.starts_with("\xFF\xFE") || t.starts_with("\xFE\xFF"))
        return "wrong encoding: the file starts with a UTF-16 byte-order mark; save it as UTF-8";
    if (const size_t nul = t.find('\0'); nul != std::string_view::npos)
        return "wrong encoding: NUL byte at offset " + std::to_string(nul)
            + " (a binary file, or UTF-16/UTF-32 without byte-order mark); save it as UTF-8";
    return {};
}

// "x.jsonl" in `dir`, or "x-1.jsonl", "x-2.jsonl", ... when the name (or its report) is taken.
QString uniqueName(const QDir& dir, const QString& name)
{
    const QFileInfo fi(name);
    const QString base = fi.completeBaseName();
    const QString suffix = fi.suffix().isEmpty() ? QString() : QString(QLatin1Char('.') + fi.suffix());
    QString candidate = name;
    for (int n = 1; dir.exists(candidate) || dir.exists(candidate + QStringLiteral(".report.json")); ++n)
        candidate = base + QLatin1Char('-') + QString::number(n) + suffix;
    return candidate;
}

// ---- CSV (RFC 4180) ------------------------------------------------------------------------------------------

struct CsvRecord
{
    std::int64_t line = 0; // where the record starts (1-based)
    std::string_view raw; // the record's text without its line ending
    std::vector<std::string> cells;
    std::string error; // why the record cannot be read; empty when fine
};

// Splits CSV text into records: cells separated by ',', records by CRLF or LF, cells in double quotes may hold
// ',', '"' (doubled) and line breaks. A quote that is never closed makes only its record's first line malformed
// and reading goes on with the next line: one bad row must not swallow the rest of the file.
std::vector<CsvRecord> parseCsv(std::string_view t)
{
    std::vector<CsvRecord> out;
    size_t pos = 0;
    std::int64_t line = 1;
    while (pos < t.size()) {
        CsvRecord r;
        r.line = line;
        enum class St { CellStart, Unquoted, Quoted, AfterQuote } st = St::CellStart;
        std::string cell;
        std::int64_t ln = line;
        size_t i = pos;
        size_t recordEnd = 0;
        size_t next = 0;
        std::int64_t quoteLine = 0;
        auto cellNo = [&r] { return std::to_string(r.cells.size() + 1); };
        while (true) {
            if (i >= t.size()) {
                if (st == St::Quoted) {
                    // Unterminated: cut the record at the end of its first line.
                    const size_t nl = t.find('\n', pos);
                    recordEnd = nl == std::string_view::npos ? t.size() : nl;
                    next = nl == std::string_view::npos ? t.size() : nl + 1;
                    if (recordEnd > pos && t[recordEnd - 1] == '\r')
                        --recordEnd;
                    r.error = "cell " + cellNo() + " opens a quote on line " + std::to_string(quoteLine)
                        + " that is never closed";
                    r.cells.clear();
                    ln = line + 1;
                    break;
                }
                r.cells.push_back(std::move(cell));
                recordEnd = next = t.size();
                break;
            }
            const char ch = t[i];
            if (st == St::Quoted) {
                if (ch == '"') {
                    if (i + 1 < t.size() && t[i + 1] == '"') {
                        cell += '"';
                        i += 2;
                    } else {
                        st = St::AfterQuote;
                        ++i;
                    }
                    continue;
                }
                if (ch == '\n')
                    ++ln;
                cell += ch;
                ++i;
                continue;
            }
            if (ch == '\n' || (ch == '\r' && i + 1 < t.size() && t[i + 1] == '\n')) {
                r.cells.push_back(std::move(cell));
                recordEnd = i;
                next = i + (ch == '\r' ? 2 : 1);
                ++ln;
                break;
            }
            if (ch == ',') {
                r.cells.push_back(std::move(cell));
                cell.clear();
                st = St::CellStart;
                ++i;
                continue;
            }
            if (st == St::AfterQuote) {
                if (r.error.empty())
                    r.error = "cell " + cellNo() + " has text after its closing quote";
            } else if (ch == '"') {
                if (st == St::CellStart) {
                    st = St::Quoted;
                    quoteLine = ln;
                    ++i;
                    continue;
                }
                if (r.error.empty())
                    r.error = "cell " + cellNo()
                        + " has a quote inside an unquoted value (quote the whole cell and double the quotes in it)";
            }
            st = St::Unquoted;
            cell += ch;
            ++i;
        }
        r.raw = t.substr(pos, recordEnd - pos);
        pos = next;
        line = ln;
        if (r.raw.find_first_not_of(" \t") == std::string_view::npos)
            continue; // blank line
        out.push_back(std::move(r));
    }
    return out;
}

std::string trimmed(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    const size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// A cell's text as the JSON value the attribute's type expects. Text that does not fit stays a string, so that
// the pipeline's validation names the attribute and the expectation.
nlohmann::json cellValue(const AttributeDef* a, const std::string& cell)
{
    if (!a)
        return cell; // unknown attribute: validation says so
    auto parsed = [&cell] { return nlohmann::json::parse(cell, nullptr, false); };
    switch (a->type) {
    case AttrType::Integer:
    case AttrType::Decimal: {
        nlohmann::json v = parsed();
        return v.is_number() ? v : nlohmann::json(cell);
    }
    case AttrType::Boolean: {
        std::string lower = cell;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        if (lower == "true")
            return true;
        if (lower == "false")
            return false;
        return cell;
    }
    case AttrType::CodeSet: {
        if (cell.starts_with('[')) {
            nlohmann::json v = parsed();
            return v.is_discarded() ? nlohmann::json(cell) : v;
        }
        nlohmann::json list = nlohmann::json::array();
        size_t pos = 0;
        while (pos <= cell.size()) {
            size_t end = cell.find(';', pos);
            if (end == std::string::npos)
                end = cell.size();
            if (std::string code = trimmed(cell.substr(pos, end - pos)); !code.empty())
                list.push_back(std::move(code));
            pos = end + 1;
        }
        return list;
    }
    case AttrType::Quantity:
    case AttrType::Table: {
        if (cell.starts_with('{') || cell.starts_with('[')) {
            nlohmann::json v = parsed();
            return v.is_discarded() ? nlohmann::json(cell) : v;
        }
        return cell; // a quantity may be written "12.5 kg"
    }
    default:
        return cell;
    }
}

} // namespace

Result<FileInbox::CsvInput> FileInbox::csvToLines(std::string_view text, const CanonicalModel& model)
{
    CsvInput out;
    std::vector<CsvRecord> records = parseCsv(text);
    if (records.empty())
        return out;
    const CsvRecord& head = records.front();
    const std::string where = "line " + std::to_string(head.line) + " (header row): ";
    if (!head.error.empty())
        return makeError(QString::fromStdString(where + head.error));
    if (const size_t bad = invalidUtf8Offset(head.raw); bad != std::string_view::npos)
        return makeError(QString::fromStdString(where + "not valid UTF-8 (byte " + std::to_string(bad) + ")"));
    static const std::vector<std::string> required = { "source", "event_id", "domain", "key", "op", "occurred_at" };
    static const std::set<std::string> envelope
        = { "source", "event_id", "domain", "key", "op", "occurred_at", "correlation_id" };
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const std::string& c : head.cells) {
        std::string n = trimmed(c);
        if (n.empty())
            return makeError(QString::fromStdString(
                where + "column " + std::to_string(names.size() + 1) + " has no name (every column needs one)"));
        if (!seen.insert(n).second)
            return makeError(QString::fromStdString(where) + QStringLiteral("column '") + QString::fromStdString(n)
                + QStringLiteral("' appears twice"));
        names.push_back(std::move(n));
    }
    std::vector<std::string> missing;
    for (const std::string& r : required)
        if (!seen.contains(r))
            missing.push_back(r);
    if (!missing.empty())
        return makeError(QString::fromStdString(where + "missing column(s) " + join(missing)
            + " (a CSV inbox file needs the columns source, event_id, domain, key, op, occurred_at, then one column "
              "per attribute)"));

    out.lines.resize(static_cast<size_t>(records.back().line));
    for (size_t ri = 1; ri < records.size(); ++ri) {
        const CsvRecord& r = records[ri];
        const auto slot = static_cast<size_t>(r.line - 1);
        std::string problem = r.error;
        if (problem.empty()
            && std::all_of(r.cells.begin(), r.cells.end(), [](const std::string& c) { return trimmed(c).empty(); }))
            continue; // a row of empty cells (spreadsheet exports add them)
        if (problem.empty() && r.cells.size() != names.size())
            problem = "row has " + std::to_string(r.cells.size()) + " cells, the header has "
                + std::to_string(names.size());
        if (problem.empty()) {
            if (const size_t bad = invalidUtf8Offset(r.raw); bad != std::string_view::npos)
                problem = "not valid UTF-8 (invalid byte at offset " + std::to_string(bad) + " of the row)";
        }
        if (!problem.empty()) {
            out.lines[slot] = std::string(r.raw);
            out.malformed[r.line] = "CSV row: " + problem;
            continue;
        }
        nlohmann::json env = nlohmann::json::object();
        nlohmann::json attributes = nlohmann::json::object();
        const DomainDef* domain = nullptr;
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == "domain")
                domain = model.domain(trimmed(r.cells[i]));
        for (size_t i = 0; i < names.size(); ++i) {
            const std::string& cell = r.cells[i];
            if (cell.empty())
                continue; // absent
            if (envelope.contains(names[i]))
                env[names[i]] = trimmed(cell);
            else
                attributes[names[i]] = cellValue(domain ? domain->attribute(names[i]) : nullptr, cell);
        }
        if (!attributes.empty())
            env["attributes"] = std::move(attributes);
        out.lines[slot] = env.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return out;
}

FileInbox::FileInbox(IngestPipeline& pipeline, FileInboxOptions options, QObject* parent)
    : QObject(parent)
    , m_pipeline(pipeline)
    , m_options(std::move(options))
{ }

FileInbox::~FileInbox() = default;

QString FileInbox::doneFolder() const
{
    return QDir(m_options.folder).filePath(QStringLiteral("done"));
}

QString FileInbox::failedFolder() const
{
    return QDir(m_options.folder).filePath(QStringLiteral("failed"));
}

TimeMs FileInbox::now() const
{
    return m_options.clock ? m_options.clock() : nowMs();
}

Result<void> FileInbox::start()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QFileInfo dir(m_options.folder);
    if (!dir.isDir())
        return makeError(QStringLiteral("inbox folder %1 does not exist or is not a folder").arg(m_options.folder));
    for (const QString& sub : { doneFolder(), failedFolder() }) {
        if (!QDir().mkpath(sub))
            return makeError(QStringLiteral("inbox: cannot create folder %1").arg(sub));
    }
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { scheduleScan(100); });
        m_rescan = new QTimer(this);
        connect(m_rescan, &QTimer::timeout, this, [this] { scanNow(); });
        m_soon = new QTimer(this);
        m_soon->setSingleShot(true);
        connect(m_soon, &QTimer::timeout, this, [this] { scanNow(); });
    }
    if (!m_watcher->directories().contains(dir.absoluteFilePath()) && !m_watcher->addPath(dir.absoluteFilePath()))
        qWarning("inbox: cannot watch %s; relying on the periodic rescan", qUtf8Printable(m_options.folder));
    if (m_options.rescanMs > 0)
        m_rescan->start(m_options.rescanMs);
    m_started = true;
    scheduleScan(0);
    return {};
}

void FileInbox::stop()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_watcher)
        return;
    const QStringList dirs = m_watcher->directories();
    if (!dirs.isEmpty())
        m_watcher->removePaths(dirs);
    m_rescan->stop();
    m_soon->stop();
    m_started = false;
}

void FileInbox::scheduleScan(int ms)
{
    if (!m_started)
        return; // not started (or stopped): only explicit scans
    if (m_soon->isActive() && m_soon->remainingTime() <= ms)
        return;
    m_soon->start(ms);
}

int FileInbox::scanNow()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_scanning)
        return 0;
    m_scanning = true;
    const QDir dir(m_options.folder);
    const QFileInfoList entries = dir.entryInfoList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
    const qint64 wall = QDateTime::currentMSecsSinceEpoch();
    std::map<QString, Seen> seen;
    std::map<QString, std::pair<Seen, qint64>> retry;
    int processed = 0;
    bool settling = false;
    for (const QFileInfo& fi : entries) {
        if (!acceptedName(fi.fileName()))
            continue;
        const QString path = fi.absoluteFilePath();
        const Seen s { fi.size(), fi.lastModified().toMSecsSinceEpoch() };
        if (auto r = m_retry.find(path); r != m_retry.end() && r->second.first == s && wall < r->second.second) {
            retry.insert(*r); // failed recently and unchanged: wait
            continue;
        }
        const auto prev = m_seen.find(path);
        const bool stable = (prev != m_seen.end() && prev->second == s) || wall - s.mtime >= m_options.settleMs;
        if (!stable) {
            seen[path] = s;
            settling = true;
            continue;
        }
        if (process(fi)) {
            ++processed;
        } else {
            retry[path] = { s, wall + kRetryAfterStorageFailureMs };
        }
    }
    m_seen = std::move(seen);
    m_retry = std::move(retry);
    m_scanning = false;
    if (settling)
        scheduleScan(m_options.settleMs);
    return processed;
}

bool FileInbox::process(const QFileInfo& file)
{
    const QString name = file.fileName();
    const QString path = file.absoluteFilePath();
    const bool csv = name.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    const QString sourceName = QStringLiteral("inbox/") + name;

    std::string fileError;
    QByteArray bytes;
    if (file.size() > m_options.maxFileBytes) {
        fileError = "file is " + std::to_string(file.size()) + " bytes, more than the inbox limit of "
            + std::to_string(m_options.maxFileBytes) + " bytes; split it";
    } else {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            fileError = "cannot read the file: " + toStd(f.errorString());
        } else {
            bytes = f.readAll();
            if (f.error() != QFileDevice::NoError)
                fileError = "cannot read the file: " + toStd(f.errorString());
        }
    }
    const std::string sha = sha256Hex(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
    std::string_view text(bytes.constData(), static_cast<size_t>(bytes.size()));
    if (fileError.empty())
        fileError = encodingProblem(text);
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3); // UTF-8 byte-order mark (spreadsheet exports)

    std::vector<std::string> lines;
    std::map<std::int64_t, std::string> malformed;
    if (fileError.empty()) {
        if (csv) {
            auto in = csvToLines(text, *m_pipeline.config().model);
            if (in) {
                lines = std::move(in->lines);
                malformed = std::move(in->malformed);
            } else {
                fileError = "not a readable CSV inbox file: " + toStd(in.error());
            }
        } else {
            for (size_t pos = 0; pos < text.size();) {
                size_t end = text.find('\n', pos);
                if (end == std::string_view::npos)
                    end = text.size();
                std::string_view l = text.substr(pos, end - pos);
                if (l.ends_with('\r'))
                    l.remove_suffix(1);
                lines.emplace_back(l);
                pos = end + 1;
            }
        }
    }

    const QDir failedDir(failedFolder());
    QString failedName; // decided before ingest when the file is known to fail, so the message can name it
    if (!fileError.empty()) {
        if (!QDir().mkpath(failedDir.path())) {
            Q_EMIT errorOccurred(QStringLiteral("inbox: cannot create folder %1").arg(failedDir.path()));
            return false;
        }
        failedName = uniqueName(failedDir, name);
        // One exception keeps the problem visible in the backlog; raw holds the file's bytes (the start of them
        // when it is large, its name when it could not be read). The file itself is kept in failed/.
        std::string raw = bytes.size() > kFileProblemRawBytes
            ? std::string(bytes.constData(), static_cast<size_t>(kFileProblemRawBytes))
            : bytes.toStdString();
        if (raw.find_first_not_of(" \t\r\n") == std::string::npos)
            raw = toStd(name);
        std::string message = "file not ingested: " + fileError + "; it is kept as failed/" + toStd(failedName);
        if (bytes.size() > kFileProblemRawBytes)
            message += " (this exception keeps its first " + std::to_string(kFileProblemRawBytes) + " of "
                + std::to_string(bytes.size()) + " bytes)";
        lines.clear();
        lines.push_back(std::move(raw));
        malformed = { { 1, std::move(message) } };
    }

    std::vector<LineVerdict> verdicts;
    IngestOptions options;
    options.sourceName = sourceName;
    options.actor = m_options.actor;
    options.clock = m_options.clock;
    options.verdicts = &verdicts;
    if (!malformed.empty())
        options.malformed = &malformed;
    auto result = m_pipeline.ingestLines(lines, options);
    if (!result) {
        Q_EMIT errorOccurred(sourceName + QStringLiteral(": the workspace could not store it (") + result.error()
            + QStringLiteral("); the file stays in the inbox and is tried again in %1 s")
                  .arg(kRetryAfterStorageFailureMs / 1000));
        return false;
    }

    const bool ok = fileError.empty()
        && std::none_of(verdicts.begin(), verdicts.end(), [](const LineVerdict& v) { return v.isProblem(); });
    const QDir dest(ok ? doneFolder() : failedFolder());
    if (!QDir().mkpath(dest.path())) {
        Q_EMIT errorOccurred(QStringLiteral("inbox: cannot create folder %1").arg(dest.path()));
        return false;
    }
    const QString target = failedName.isEmpty() || ok ? uniqueName(dest, name) : failedName;
    const QString targetPath = dest.filePath(target);
    if (!QFile::rename(path, targetPath)) {
        Q_EMIT errorOccurred(QStringLiteral("inbox: %1 was ingested (run %2) but cannot be moved to %3; it stays in "
                                            "the inbox and will be ingested again (as duplicates)")
                                 .arg(path)
                                 .arg(result->runId)
                                 .arg(targetPath));
        return false;
    }

    nlohmann::json rejected = nlohmann::json::array();
    nlohmann::json warnings = nlohmann::json::array();
    for (const LineVerdict& v : verdicts) {
        if (v.isProblem())
            rejected.push_back(v.toJson());
        else if (!v.warnings.empty())
            warnings.push_back(v.toJson());
    }
    nlohmann::json report { { "file", toStd(name) }, { "source_name", toStd(sourceName) },
        { "format", csv ? "csv" : "jsonl" }, { "bytes", bytes.size() }, { "sha256", sha },
        { "processed_at", formatRfc3339(now()) }, { "ok", ok },
        { "moved_to", toStd((ok ? QStringLiteral("done/") : QStringLiteral("failed/")) + target) },
        { "summary", result->toJson() }, { "rejected", std::move(rejected) }, { "warnings", std::move(warnings) } };
    if (!fileError.empty())
        report["error"] = fileError;
    QSaveFile out(targetPath + QStringLiteral(".report.json"));
    const std::string doc = report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (!out.open(QIODevice::WriteOnly) || out.write(doc.data(), static_cast<qint64>(doc.size())) < 0 || !out.commit())
        Q_EMIT errorOccurred(
            QStringLiteral("inbox: cannot write the report %1: %2").arg(out.fileName(), out.errorString()));
    Q_EMIT fileProcessed(targetPath, ok);
    return true;
}

} // namespace mdsync
