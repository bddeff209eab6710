#pragma once

#include "connectors/connector.h"
#include "util/result.h"

#include <QString>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mdsync {

// Drops one file per delivery into a directory that the target (often an MES or a legacy system) polls.
// Configuration (the system's "connector" object):
//   {"kind": "file_drop", "directory": "/var/spool/mdsync/mes",
//    "format": "json" | "csv",                                            // default "json"
//    "file_name": "{domain}-{key}-{revision}-{idempotency_key}.{ext}"}   // the default; must hold {idempotency_key}
// Placeholders: {domain} {key} {revision} {idempotency_key} {op} {ext}; values are percent-encoded (a key
// "FG-1/P100" becomes "FG-1%2FP100"), so a name never leaves the directory.
//
// Each file is written atomically: "<name>.tmp" in the same directory, fsync, rename over "<name>", fsync of
// the directory. Pollers must ignore "*.tmp". As the name holds the idempotency key, a retry or replay of
// the same delivery overwrites the same file: never a second file.
//
// JSON: {"op","domain","key","revision_no","idempotency_key","correlation_id","contract_version","payload"}.
// CSV (RFC 4180, CRLF): a header and one row: op,domain,key,revision_no,idempotency_key,correlation_id,
// contract_version, then the payload's top-level fields (objects/arrays as compact JSON, null empty). A
// payload that is not an object (null for a delete is fine) or has a field named like an envelope column
// is Rejected.
//
// Outcomes: Acked when the file is in place; Retryable when the directory is missing or not writable, the
// disk is full or any other OS error (the message names the path and the OS error); Rejected when the
// delivery cannot be written in the format at all. send() writes synchronously but always calls `done`
// later from the event loop (never inside send()), on this object's thread.
class FileDropConnector final : public Connector
{
    Q_OBJECT
public:
    enum class Format { Json, Csv };

    static Result<std::unique_ptr<FileDropConnector>> create(
        const std::string& systemId, const nlohmann::json& config, QObject* parent = nullptr);
    ~FileDropConnector() override;

    void send(const OutboundDelivery& delivery, Done done) override;
    bool supportsBatch(std::string_view domain) const override; // always: one file per delivery
    void sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done) override;

    QString directory() const { return m_directory; }
    Format format() const { return m_format; }
    // The file name (without directory) a delivery is written to.
    QString fileNameFor(const OutboundDelivery& delivery) const;
    // The file content of a delivery, or an error saying why it cannot be written in this format.
    Result<QByteArray> render(const OutboundDelivery& delivery) const;

private:
    FileDropConnector(std::string systemId, QObject* parent);
    DeliveryOutcome write(const OutboundDelivery& delivery) const; // synchronous

    std::string m_systemId;
    QString m_directory;
    Format m_format = Format::Json;
    QString m_fileName;
};

} // namespace mdsync
