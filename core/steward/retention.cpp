#include "steward/retention.h"

#include "access/roles.h"
#include "audit/auditlog.h"
#include "model/canonicalmodel.h"
#include "store/archive.h"
#include "store/workspace.h"
#include "util/hash.h"
#include "util/qtext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <zlib.h>

#include <array>
#include <cerrno>
#include <set>
#include <system_error>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#include <unistd.h>
#endif

namespace mdsync {

namespace {

using json = nlohmann::json;

constexpr TimeMs kDayMs = 24LL * 3600 * 1000;
const QLatin1String kArchiveSuffix(".jsonl.gz");
const QLatin1String kManifestSuffix(".manifest.json");

// Real gzip (RFC 1952: windowBits 15 + 16), so `zcat` reads the file.
Result<QByteArray> gzip(const QByteArray& data)
{
    z_stream z {};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return makeError(QStringLiteral("archive: cannot start gzip compression"));
    QByteArray out(static_cast<qsizetype>(deflateBound(&z, static_cast<uLong>(data.size()))), Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData())); // NOLINT: zlib's API is not const
    z.avail_in = static_cast<uInt>(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const auto written = static_cast<qsizetype>(z.total_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        return makeError(QStringLiteral("archive: gzip compression failed (zlib %1)").arg(rc));
    out.truncate(written);
    return out;
}

Result<QByteArray> gunzip(const QByteArray& data, const QString& where)
{
    z_stream z {};
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return makeError(where + QStringLiteral(": cannot start gzip decompression"));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData())); // NOLINT: zlib's API is not const
    z.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    std::array<char, 65536> buf {};
    int rc = Z_OK;
    while (rc == Z_OK) {
        z.next_out = reinterpret_cast<Bytef*>(buf.data());
        z.avail_out = static_cast<uInt>(buf.size());
        rc = inflate(&z, Z_NO_FLUSH);
        out.append(buf.data(), static_cast<qsizetype>(buf.size() - z.avail_out));
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break;
    }
    inflateEnd(&z);
    if (rc != Z_STREAM_END)
        return makeError(where + QStringLiteral(": not a complete gzip file (zlib %1)").arg(rc));
    return out;
}

QString osError(const char* what, const QString& path, int err)
{
    return QStringLiteral("archive: %1 %2: %3")
        .arg(QLatin1String(what), path, QString::fromStdString(std::system_category().message(err)));
}

// Writes `content` to `path` durably: "<path>.tmp", fsync, rename (never over an existing file), fsync of the folder.
Result<void> writeDurably(const QString& path, const QByteArray& content)
{
    if (QFileInfo::exists(path))
        return makeError(QStringLiteral("archive: %1 exists already; archives are never overwritten").arg(path));
    const QString tmpPath = path + QStringLiteral(".tmp");
    QFile f(tmpPath);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(QStringLiteral("archive: cannot create %1: %2").arg(tmpPath, f.errorString()));
    if (f.write(content) != content.size() || !f.flush()) {
        const QString why = f.errorString();
        f.remove();
        return makeError(QStringLiteral("archive: cannot write %1: %2").arg(tmpPath, why));
    }
#ifdef Q_OS_UNIX
    if (::fsync(f.handle()) != 0) {
        const int err = errno;
        f.remove();
        return makeError(osError("cannot sync", tmpPath, err));
    }
#endif
    f.close();
    if (!QFile::rename(tmpPath, path)) {
        QFile::remove(tmpPath);
        return makeError(QStringLiteral("archive: cannot rename %1 to %2").arg(tmpPath, path));
    }
#ifdef Q_OS_UNIX
    const QString dir = QFileInfo(path).absolutePath();
    if (const int dfd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
#endif
    return {};
}

Result<QByteArray> readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("%1: cannot read: %2").arg(path, f.errorString()));
    return f.readAll();
}

std::string hashOf(const QByteArray& bytes)
{
    return sha256Hex(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())));
}

// Archive files in `dir` (by their manifests, and archive files without one) that have no archive record.
Result<std::vector<QString>> orphansIn(const QSqlDatabase& db, const QString& dir)
{
    std::vector<QString> out;
    if (dir.isEmpty() || !QFileInfo(dir).isDir())
        return out;
    auto recorded = store::archives(db);
    if (!recorded)
        return makeError(recorded.error());
    std::set<QString> names;
    for (const store::ArchiveRow& a : recorded.value())
        names.insert(qs(a.fileName));
    const QStringList files = QDir(dir).entryList({ QStringLiteral("*") + kArchiveSuffix }, QDir::Files, QDir::Name);
    for (const QString& f : files)
        if (!names.contains(f))
            out.push_back(QDir(dir).filePath(f));
    return out;
}

QString nextArchiveName(const QSqlDatabase& db, const QString& dir, const std::string& scope, TimeMs now)
{
    const QString stem = qs(scope) + QLatin1Char('-') + qs(formatRfc3339(now).substr(0, 10)) + QLatin1Char('-');
    for (int n = 1;; ++n) {
        QString name = stem + QStringLiteral("%1").arg(n, 4, 10, QLatin1Char('0')) + kArchiveSuffix;
        if (QFileInfo::exists(QDir(dir).filePath(name)))
            continue;
        // Unreadable records: the insert reports the error with its context.
        if (auto recorded = store::archives(db, name.toStdString()); !recorded || recorded->empty())
            return name;
    }
}

} // namespace

QString defaultArchiveDir(const Workspace& ws)
{
    if (ws.isPostgres())
        return {};
    const QFileInfo fi(ws.path());
    return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral("-archive"));
}

std::string archivedRevisionMessage(const std::string& domain, const std::string& key, qint64 revisionNo,
    const std::string& file, const std::string& manifestSha256)
{
    return "revision " + std::to_string(revisionNo) + " of " + domain + " " + key + " is archived in " + file
        + " (manifest sha256 " + manifestSha256.substr(0, 12)
        + "…): its payload is no longer in the workspace, so it cannot be replayed; correct the object at its source "
          "or send its current revision";
}

json ArchiveResult::toJson() const
{
    json d = json::array();
    for (const ArchiveDomainCount& c : domains)
        d.push_back({ { "domain", c.domain }, { "archive_superseded_after_days", c.days ? json(*c.days) : json() },
            { "archivable", c.archivable }, { "skipped_open_delivery", c.skippedOpen }, { "bytes", c.bytes } });
    json orphanList = json::array();
    for (const QString& o : orphans)
        orphanList.push_back(o.toStdString());
    return { { "dry_run", dryRun }, { "domains", d }, { "revisions", revisions }, { "payload_bytes", payloadBytes },
        { "workspace_bytes_before", workspaceBytesBefore }, { "workspace_bytes_after", workspaceBytesAfter },
        { "file", file.toStdString() }, { "file_sha256", fileSha256 }, { "manifest", manifest.toStdString() },
        { "manifest_sha256", manifestSha256 }, { "archive_id", archiveId }, { "orphans", orphanList } };
}

Result<ArchiveResult> archiveRevisions(
    Workspace& ws, const CanonicalModel& model, const std::string& actor, const ArchiveOptions& options)
{
    QSqlDatabase db = ws.db();
    if (!options.dryRun) {
        if (auto r = requirePermission(db, actor, Action::Archive); !r)
            return makeError(r.error());
        if (options.reason.empty())
            return makeError(QStringLiteral("archive: a reason is required (archiving is audited)"));
    }
    const TimeMs now = options.now.value_or(nowMs());
    ArchiveResult result;
    result.dryRun = options.dryRun;

    std::vector<const DomainDef*> domains;
    if (!options.domain.empty()) {
        const DomainDef* d = model.domain(options.domain);
        if (!d) {
            std::vector<std::string> names;
            for (const DomainDef& dd : model.domains())
                names.push_back(dd.name);
            std::string list;
            for (const std::string& n : names)
                list += (list.empty() ? "" : ", ") + n;
            return makeError(QStringLiteral("archive --domain %1: no such domain in the model in force (%2)")
                                 .arg(qs(options.domain), qs(list)));
        }
        if (!d->archiveSupersededAfterDays)
            return makeError(QStringLiteral("archive --domain %1: the domain has no retention policy (\"retention\": "
                                            "{\"archive_superseded_after_days\": N} in the canonical model), so its "
                                            "revisions are kept forever")
                                 .arg(qs(options.domain)));
        domains.push_back(d);
    } else {
        for (const DomainDef& d : model.domains())
            domains.push_back(&d);
    }

    QString dir = options.dir;
    if (dir.isEmpty())
        dir = defaultArchiveDir(ws);
    if (dir.isEmpty() && !options.dryRun)
        return makeError(QStringLiteral("archive: a PostgreSQL workspace needs --dir FOLDER (where the archive files "
                                        "go; there is no workspace file to put them beside)"));

    auto before = store::workspaceBytesInUse(db, ws.isPostgres());
    if (!before)
        return makeError(before.error());
    result.workspaceBytesBefore = before.value();
    result.workspaceBytesAfter = before.value();
    auto orphans = orphansIn(db, dir);
    if (!orphans)
        return makeError(orphans.error());
    result.orphans = orphans.value();

    std::vector<store::ArchiveCandidate> chosen;
    std::vector<std::string> chosenDomains;
    for (const DomainDef* d : domains) {
        ArchiveDomainCount count { d->name, d->archiveSupersededAfterDays, 0, 0, 0 };
        if (d->archiveSupersededAfterDays) {
            const TimeMs cutoff = now - static_cast<TimeMs>(*d->archiveSupersededAfterDays) * kDayMs;
            // States are read in a dry run too: it reports the payload bytes that would move.
            auto candidates = store::archiveCandidates(db, d->name, cutoff, true);
            if (!candidates)
                return makeError(candidates.error());
            for (store::ArchiveCandidate& c : candidates.value()) {
                if (c.openDelivery) {
                    ++count.skippedOpen;
                    continue;
                }
                ++count.archivable;
                count.bytes += static_cast<qint64>(c.state.size());
                if (!options.dryRun)
                    chosen.push_back(std::move(c));
            }
            if (count.archivable > 0)
                chosenDomains.push_back(d->name);
        }
        result.revisions += count.archivable;
        result.payloadBytes += count.bytes;
        result.domains.push_back(std::move(count));
    }
    if (options.dryRun || chosen.empty())
        return result;

    // The file: one JSON line per revision, the payload as JSON (canonical text = its dump()).
    QByteArray lines;
    json entries = json::array();
    for (const store::ArchiveCandidate& c : chosen) {
        json state = json::parse(c.state, nullptr, false);
        if (state.is_discarded())
            return makeError(QStringLiteral("archive: revision %1 of %2 %3: its stored state is not JSON; nothing was "
                                            "archived")
                                 .arg(c.revisionNo)
                                 .arg(qs(c.domain), qs(c.key)));
        const json line = { { "revision_id", c.revisionId }, { "domain", c.domain }, { "key", c.key },
            { "revision_no", c.revisionNo }, { "op", c.deleted ? "delete" : "upsert" },
            { "content_hash", c.contentHash }, { "received_at", formatRfc3339(c.receivedAt) },
            { "superseded_at", formatRfc3339(c.supersededAt) }, { "state", std::move(state) },
            { "changed",
                json::parse(c.changed, nullptr, false).is_discarded() ? json(c.changed) : json::parse(c.changed) } };
        lines += QByteArray::fromStdString(line.dump()) + '\n';
        entries.push_back({ { "revision_id", c.revisionId }, { "domain", c.domain }, { "key", c.key },
            { "revision_no", c.revisionNo }, { "content_hash", c.contentHash } });
    }
    auto gz = gzip(lines);
    if (!gz)
        return makeError(gz.error());

    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("archive: cannot create the folder %1").arg(dir));
    const QString name
        = nextArchiveName(db, dir, chosenDomains.size() == 1 ? chosenDomains.front() : std::string("all"), now);
    const QString manifestName = name.left(name.size() - kArchiveSuffix.size()) + kManifestSuffix;
    result.file = QDir(dir).filePath(name);
    result.manifest = QDir(dir).filePath(manifestName);
    result.fileSha256 = hashOf(gz.value());

    json policy = json::array();
    for (const ArchiveDomainCount& c : result.domains)
        if (c.archivable > 0)
            policy.push_back({ { "domain", c.domain }, { "archive_superseded_after_days", *c.days },
                { "superseded_before", formatRfc3339(now - static_cast<TimeMs>(*c.days) * kDayMs) },
                { "revisions", c.archivable } });
    const json manifest = { { "format", "mdsync-archive" }, { "format_version", 1 },
        { "workspace_instance_id", ws.instanceId().toStdString() }, { "created_at", formatRfc3339(now) },
        { "created_by", actor }, { "reason", options.reason }, { "file", name.toStdString() },
        { "file_sha256", result.fileSha256 }, { "file_bytes", gz->size() }, { "revisions", chosen.size() },
        { "payload_bytes", result.payloadBytes }, { "domains", policy }, { "entries", entries } };
    const QByteArray manifestBytes = QByteArray::fromStdString(manifest.dump(1)) + '\n';
    result.manifestSha256 = hashOf(manifestBytes);

    // 1. the files, durable before anything in the workspace refers to them
    if (auto w = writeDurably(result.file, gz.value()); !w)
        return makeError(w.error());
    if (auto w = writeDurably(result.manifest, manifestBytes); !w)
        return makeError(w.error());

    // 2. one transaction: the record, the revisions, the audit entry. A failure leaves the files as orphans (the next
    // run reports them): deleting them could lose the only copy if a PostgreSQL COMMIT did go through unseen.
    Workspace::Transaction tx(ws);
    if (!tx)
        return tx.error();
    store::ArchiveRow row;
    row.fileName = name.toStdString();
    row.fileSha256 = result.fileSha256;
    row.manifestName = manifestName.toStdString();
    row.manifestSha256 = result.manifestSha256;
    row.domains = chosenDomains;
    row.revisions = static_cast<qint64>(chosen.size());
    row.bytes = result.payloadBytes;
    row.createdAt = now;
    row.actor = actor;
    row.reason = options.reason;
    auto id = store::insertArchive(db, row);
    if (!id)
        return makeError(id.error());
    result.archiveId = id.value();
    if (auto m = store::markArchived(db, id.value(), chosen); !m)
        return makeError(m.error());
    AuditLog audit(db);
    if (auto a = audit.append(actor, "archive.create", "archive/" + row.fileName, std::nullopt,
            json { { "file", row.fileName }, { "file_sha256", row.fileSha256 }, { "manifest", row.manifestName },
                { "manifest_sha256", row.manifestSha256 }, { "revisions", row.revisions },
                { "payload_bytes", row.bytes }, { "domains", policy } },
            options.reason);
        !a)
        return makeError(a.error());
    if (auto c = tx.commit(); !c)
        return makeError(c.error());
    if (options.compact)
        if (auto c = store::compactWorkspace(db, ws.isPostgres()); !c)
            return makeError(c.error());
    auto after = store::workspaceBytesInUse(db, ws.isPostgres());
    if (!after)
        return makeError(after.error());
    result.workspaceBytesAfter = after.value();
    return result;
}

json ArchiveVerification::toJson() const
{
    return { { "ok", ok() }, { "file", file.toStdString() }, { "manifest", manifest.toStdString() },
        { "file_sha256", fileSha256 }, { "manifest_sha256", manifestSha256 }, { "revisions", revisions },
        { "problems", problems } };
}

Result<ArchiveVerification> verifyArchive(const QString& path)
{
    ArchiveVerification v;
    if (path.endsWith(kManifestSuffix)) {
        v.manifest = path;
    } else if (path.endsWith(kArchiveSuffix)) {
        v.manifest = path.left(path.size() - kArchiveSuffix.size()) + kManifestSuffix;
    } else {
        return makeError(QStringLiteral("verify-archive %1: expected an archive file (*%2) or its manifest (*%3)")
                             .arg(path, kArchiveSuffix, kManifestSuffix));
    }
    auto manifestBytes = readAll(v.manifest);
    if (!manifestBytes)
        return makeError(manifestBytes.error());
    v.manifestSha256 = hashOf(manifestBytes.value());
    const json manifest = json::parse(manifestBytes->toStdString(), nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object() || manifest.value("format", "") != "mdsync-archive"
        || !manifest.contains("file") || !manifest["file"].is_string() || !manifest.contains("entries")
        || !manifest["entries"].is_array())
        return makeError(QStringLiteral("verify-archive %1: not an MDSync archive manifest (format, file, entries)")
                             .arg(v.manifest));
    v.file = QFileInfo(v.manifest).absoluteDir().filePath(qs(manifest["file"].get<std::string>()));
    auto fileBytes = readAll(v.file);
    if (!fileBytes) {
        v.problems.push_back(fileBytes.error().toStdString());
        return v;
    }
    v.fileSha256 = hashOf(fileBytes.value());
    if (v.fileSha256 != manifest.value("file_sha256", ""))
        v.problems.push_back(v.file.toStdString() + ": SHA-256 " + v.fileSha256 + " differs from the manifest's "
            + manifest.value("file_sha256", ""));
    auto content = gunzip(fileBytes.value(), v.file);
    if (!content) {
        v.problems.push_back(content.error().toStdString());
        return v;
    }
    const json& entries = manifest["entries"];
    const QList<QByteArray> lines = content->split('\n');
    size_t lineNo = 0;
    for (const QByteArray& text : lines) {
        if (text.isEmpty())
            continue;
        ++lineNo;
        const std::string where = v.file.toStdString() + ":" + std::to_string(lineNo);
        const json line = json::parse(text.toStdString(), nullptr, false);
        if (line.is_discarded() || !line.is_object() || !line.contains("state")) {
            v.problems.push_back(where + ": not a JSON object with a state");
            continue;
        }
        if (lineNo > entries.size()) {
            v.problems.push_back(
                where + ": more lines than the manifest's " + std::to_string(entries.size()) + " entries");
            continue;
        }
        const json& e = entries[lineNo - 1];
        for (const char* field : { "revision_id", "domain", "key", "revision_no", "content_hash" })
            if (line.value(field, json()) != e.value(field, json()))
                v.problems.push_back(where + ": " + field + " " + line.value(field, json()).dump()
                    + " differs from the manifest's " + e.value(field, json()).dump());
        const std::string stateText = line["state"].dump();
        const std::string hash
            = line.value("op", "") == "delete" ? sha256Hex("deleted:" + stateText) : sha256Hex(stateText);
        if (hash != line.value("content_hash", ""))
            v.problems.push_back(where + ": the payload of revision " + line.value("revision_no", json()).dump()
                + " of " + line.value("key", "") + " does not match its revision hash");
        ++v.revisions;
    }
    if (lineNo < entries.size())
        v.problems.push_back(v.file.toStdString() + ": " + std::to_string(lineNo) + " lines, the manifest lists "
            + std::to_string(entries.size()));
    return v;
}

} // namespace mdsync
