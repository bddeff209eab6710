#pragma once

#include "sync/ingestpipeline.h"
#include "util/result.h"
#include "util/timeutil.h"

#include <QDateTime>
#include <QObject>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QFileInfo;
class QFileSystemWatcher;
class QTimer;

namespace mdsync {

class CanonicalModel;

struct FileInboxOptions
{
    QString folder; // the inbox; done/ and failed/ are created inside it
    int rescanMs = 2000; // periodic rescan beside the file system watcher; 0 = watcher only
    // A file is taken when its size and modification time are the same in two scans, or when it was last
    // modified at least this long ago (a file renamed in after being written elsewhere, or one that was already
    // there when the inbox started).
    int settleMs = 1000;
    qint64 maxFileBytes = qint64(256) * 1024 * 1024; // larger files go to failed/ unread
    std::string actor = "inbox"; // recorded as the actor of the ingest runs
    std::function<TimeMs()> clock; // clock override for tests (UTC ms); nullptr = system clock
};

// A folder that producers drop change-event files into. Accepted: *.jsonl (one envelope per line) and *.csv
// (header row with the envelope columns source,event_id,domain,key,op,occurred_at[,correlation_id] and one
// column per attribute; see docs/INBOUND.md). Hidden files, *.tmp and *.part are ignored (write there, then
// rename). Each file goes through the IngestPipeline as source "inbox/<file name>" and is then moved to done/
// (every line accepted, unchanged or an already accepted duplicate) or failed/ (any line rejected or still
// waiting in an open exception, or the file could not be read: wrong encoding, bad CSV header, too big), with
// <moved name>.report.json beside it. Names never clash: "x.jsonl" becomes "x-1.jsonl", ... in done/ and failed/.
// A storage failure leaves the file in the inbox; it is tried again 30 s later.
// Lives on the thread of the read-write Workspace (the core's writer thread).
class FileInbox : public QObject
{
    Q_OBJECT

public:
    FileInbox(IngestPipeline& pipeline, FileInboxOptions options, QObject* parent = nullptr);
    ~FileInbox() override;
    FileInbox(const FileInbox&) = delete;
    FileInbox& operator=(const FileInbox&) = delete;

    // Checks the folder, creates done/ and failed/, starts watching and scans once.
    Result<void> start();
    void stop();

    // One scan: processes every file that is ready (see FileInboxOptions::settleMs); returns how many files were
    // moved to done/ or failed/. Works without start() (mdsyncctl, tests).
    int scanNow();

    QString folder() const { return m_options.folder; }
    QString doneFolder() const;
    QString failedFolder() const;
    const FileInboxOptions& options() const { return m_options; }

    // Converts a CSV file's text (UTF-8, without BOM) to pipeline input: lines[i] is the envelope built from the
    // record that starts on line i + 1 of the file (other lines empty, so line numbers are the file's), and
    // `malformed` names the records that could not be read (their raw text is in `lines`, kept verbatim).
    // Returns an error only for a problem of the whole file (header row).
    struct CsvInput
    {
        std::vector<std::string> lines;
        std::map<std::int64_t, std::string> malformed;
    };
    static Result<CsvInput> csvToLines(std::string_view text, const CanonicalModel& model);

Q_SIGNALS:
    // A file was moved: `path` is its new place in done/ (ok) or failed/ (not ok); the report is path + ".report.json".
    void fileProcessed(const QString& path, bool ok);
    // A file could not be ingested because the workspace failed (it stays in the inbox, retried later).
    void errorOccurred(const QString& message);

private:
    struct Seen
    {
        qint64 size = -1;
        qint64 mtime = 0;
        bool operator==(const Seen&) const = default;
    };
    bool process(const QFileInfo& file);
    void scheduleScan(int ms);
    TimeMs now() const;

    IngestPipeline& m_pipeline;
    FileInboxOptions m_options;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_rescan = nullptr;
    QTimer* m_soon = nullptr; // a scan shortly after a directory change or while a file settles
    std::map<QString, Seen> m_seen; // files not taken yet, as seen by the last scan
    std::map<QString, std::pair<Seen, qint64>> m_retry; // storage failure: not before this time (ms since epoch)
    bool m_scanning = false;
    bool m_started = false;
};

} // namespace mdsync
