#include "connectors/filedropconnector.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QThread>
#include <QUrl>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace mdsync {

namespace {

constexpr auto kDefaultFileName = "{domain}-{key}-{revision}-{idempotency_key}.{ext}";
constexpr std::array<const char*, 7> kEnvelopeColumns
    = { "op", "domain", "key", "revision_no", "idempotency_key", "correlation_id", "contract_version" };

std::string dumpJson(const nlohmann::json& value)
{
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

QString osError(const char* what, const QString& path, int err)
{
    return QString::fromLatin1(what) + QStringLiteral(" '") + path + QStringLiteral("': ")
        + QString::fromStdString(std::system_category().message(err));
}

// Writes `content` to dir/name atomically (tmp file, fsync, rename, fsync of the directory). POSIX: the
// errno of the failing call goes into the message, so "disk full" and "permission denied" stay visible.
// Returns an empty string on success.
QString writeAtomically(const QString& dir, const QString& name, const QByteArray& content)
{
    const QString finalPath = dir + QLatin1Char('/') + name;
    const QString tmpPath = finalPath + QStringLiteral(".tmp");
    const QByteArray tmp = QFile::encodeName(tmpPath);
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return osError("cannot create", tmpPath, errno);
    const auto fail = [&](const char* what, const QString& path) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.constData());
        return osError(what, path, err);
    };
    qsizetype written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + written, static_cast<size_t>(content.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO; // no progress on a regular file: do not spin
        if (n <= 0)
            return fail("cannot write", tmpPath);
        written += n;
    }
    if (::fsync(fd) != 0)
        return fail("cannot sync", tmpPath);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return osError("cannot close", tmpPath, err);
    }
    if (::rename(tmp.constData(), QFile::encodeName(finalPath).constData()) != 0) {
        const int err = errno;
        ::unlink(tmp.constData());
        return osError("cannot rename to", finalPath, err);
    }
    // Make the rename itself durable; a failure here does not undo a file that is already in place.
    if (const int dfd = ::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

// RFC 4180: quote a field holding a comma, a quote, CR or LF; double the quotes inside.
QByteArray csvField(const std::string& value)
{
    QByteArray out = QByteArray::fromStdString(value);
    if (out.contains(',') || out.contains('"') || out.contains('\r') || out.contains('\n')) {
        out.replace("\"", "\"\"");
        out = '"' + out + '"';
    }
    return out;
}

std::string csvValue(const nlohmann::json& value)
{
    if (value.is_null())
        return {};
    if (value.is_string())
        return value.get<std::string>();
    return dumpJson(value); // numbers, booleans, objects and arrays (compact JSON)
}

QByteArray csvLine(const std::vector<std::string>& fields)
{
    QByteArray line;
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += ',';
        line += csvField(fields[i]);
    }
    return line + "\r\n";
}

QString encodedName(const std::string& value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(QString::fromStdString(value)));
}

QString describe(const OutboundDelivery& d)
{
    return QStringLiteral("delivery %1 (%2/%3)")
        .arg(QString::number(d.deliveryId), QString::fromStdString(d.domain), QString::fromStdString(d.key));
}

} // namespace

FileDropConnector::FileDropConnector(std::string systemId, QObject* parent)
    : Connector(parent)
    , m_systemId(std::move(systemId))
{ }

FileDropConnector::~FileDropConnector() = default;

Result<std::unique_ptr<FileDropConnector>> FileDropConnector::create(
    const std::string& systemId, const nlohmann::json& config, QObject* parent)
{
    const QString sys = QString::fromStdString(systemId);
    if (!config.is_object() || config.value("kind", std::string()) != "file_drop")
        return makeError(QStringLiteral("%1: connector.kind must be \"file_drop\"").arg(sys));
    std::unique_ptr<FileDropConnector> c(new FileDropConnector(systemId, parent));

    const auto dir = config.find("directory");
    const QString directory
        = dir != config.end() && dir->is_string() ? QString::fromStdString(dir->get<std::string>()) : QString();
    if (directory.isEmpty() || !QDir::isAbsolutePath(directory))
        return makeError(
            QStringLiteral("%1: connector.directory must be an absolute directory path, e.g. \"/var/spool/mdsync/mes\"")
                .arg(sys));
    c->m_directory = QDir::cleanPath(directory);

    const auto format = config.find("format");
    const std::string fmt = format == config.end() ? std::string("json")
        : format->is_string()                      ? format->get<std::string>()
                                                   : std::string();
    if (fmt == "json")
        c->m_format = Format::Json;
    else if (fmt == "csv")
        c->m_format = Format::Csv;
    else
        return makeError(QStringLiteral("%1: connector.format must be \"json\" or \"csv\"").arg(sys));

    const auto name = config.find("file_name");
    if (name != config.end() && !name->is_string())
        return makeError(QStringLiteral("%1: connector.file_name must be a string").arg(sys));
    c->m_fileName = QString::fromUtf8(name == config.end() ? kDefaultFileName : name->get<std::string>().c_str());
    if (!c->m_fileName.contains(QStringLiteral("{idempotency_key}")))
        return makeError(QStringLiteral("%1: connector.file_name must contain {idempotency_key}, so that a retry "
                                        "overwrites the same file instead of adding one")
                             .arg(sys));
    if (c->m_fileName.contains(QLatin1Char('/')) || c->m_fileName.contains(QLatin1Char('\\')))
        return makeError(QStringLiteral("%1: connector.file_name must be a file name, without '/'").arg(sys));
    static const QRegularExpression placeholder(QStringLiteral("\\{([^{}]*)\\}"));
    static const QStringList known { QStringLiteral("domain"), QStringLiteral("key"), QStringLiteral("revision"),
        QStringLiteral("idempotency_key"), QStringLiteral("op"), QStringLiteral("ext") };
    for (auto it = placeholder.globalMatch(c->m_fileName); it.hasNext();) {
        const QString field = it.next().captured(1);
        if (!known.contains(field))
            return makeError(QStringLiteral("%1: connector.file_name: unknown placeholder {%2} (known: {%3})")
                                 .arg(sys, field, known.join(QStringLiteral("} {"))));
    }
    return c;
}

QString FileDropConnector::fileNameFor(const OutboundDelivery& d) const
{
    QString name = m_fileName;
    name.replace(QLatin1String("{domain}"), encodedName(d.domain));
    name.replace(QLatin1String("{key}"), encodedName(d.key));
    name.replace(QLatin1String("{revision}"), QString::number(d.revisionNo));
    name.replace(QLatin1String("{idempotency_key}"), encodedName(d.idempotencyKey));
    name.replace(QLatin1String("{op}"), encodedName(d.op));
    name.replace(QLatin1String("{ext}"), m_format == Format::Csv ? QLatin1String("csv") : QLatin1String("json"));
    return name;
}

Result<QByteArray> FileDropConnector::render(const OutboundDelivery& d) const
{
    if (m_format == Format::Json) {
        nlohmann::ordered_json j;
        j["op"] = d.op;
        j["domain"] = d.domain;
        j["key"] = d.key;
        j["revision_no"] = d.revisionNo;
        j["idempotency_key"] = d.idempotencyKey;
        j["correlation_id"] = d.correlationId;
        j["contract_version"] = d.contractVersion;
        j["payload"] = nlohmann::ordered_json(d.payload);
        QByteArray out
            = QByteArray::fromStdString(j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
        out += '\n';
        return out;
    }
    std::vector<std::string> header(kEnvelopeColumns.begin(), kEnvelopeColumns.end());
    std::vector<std::string> row { d.op, d.domain, d.key, std::to_string(d.revisionNo), d.idempotencyKey,
        d.correlationId, d.contractVersion };
    if (d.payload.is_object()) {
        for (auto it = d.payload.begin(); it != d.payload.end(); ++it) {
            if (std::any_of(kEnvelopeColumns.begin(), kEnvelopeColumns.end(),
                    [&it](const char* column) { return it.key() == column; }))
                return makeError(QStringLiteral("%1: payload field '%2' clashes with the CSV envelope column of "
                                                "that name")
                                     .arg(describe(d), QString::fromStdString(it.key())));
            header.push_back(it.key());
            row.push_back(csvValue(it.value()));
        }
    } else if (!(d.payload.is_null() && d.op == "delete")) {
        return makeError(QStringLiteral("%1: payload is a JSON %2, not an object: it cannot be written as one CSV row")
                             .arg(describe(d), QString::fromLatin1(d.payload.type_name())));
    }
    return QByteArray(csvLine(header) + csvLine(row));
}

DeliveryOutcome FileDropConnector::write(const OutboundDelivery& d) const
{
    QElapsedTimer timer;
    timer.start();
    DeliveryOutcome o;
    if (d.idempotencyKey.empty()) {
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = QString(describe(d) + QStringLiteral(" has no idempotency key: its file name would not be unique"))
                        .toStdString();
        return o;
    }
    const QString name = fileNameFor(d);
    if (name.toUtf8().size() + 4 > 255) { // + ".tmp"; NAME_MAX on Linux file systems
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = QString(describe(d) + QStringLiteral(": file name '") + name
            + QStringLiteral("' is longer than 251 bytes (shorten connector.file_name)"))
                        .toStdString();
        return o;
    }
    const auto content = render(d);
    if (!content) {
        o.kind = DeliveryOutcome::Kind::Rejected;
        o.message = content.error().toStdString();
        return o;
    }
    if (const QString error = writeAtomically(m_directory, name, content.value()); !error.isEmpty()) {
        // Missing or read-only directory, disk full, I/O error: the operator can fix it, so retry later.
        o.kind = DeliveryOutcome::Kind::Retryable;
        o.message = error.toStdString();
        o.latencyMs = timer.elapsed();
        return o;
    }
    o.kind = DeliveryOutcome::Kind::Acked;
    o.response = { { "file", QString(m_directory + QLatin1Char('/') + name).toStdString() } };
    o.latencyMs = timer.elapsed();
    return o;
}

void FileDropConnector::send(const OutboundDelivery& delivery, Done done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    QMetaObject::invokeMethod(
        this, [done = std::move(done), o = write(delivery)]() { done(o); }, Qt::QueuedConnection);
}

bool FileDropConnector::supportsBatch(std::string_view /*domain*/) const
{
    return true;
}

void FileDropConnector::sendBatch(const std::vector<OutboundDelivery>& deliveries, BatchDone done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    std::vector<DeliveryOutcome> outcomes;
    outcomes.reserve(deliveries.size());
    for (const OutboundDelivery& d : deliveries)
        outcomes.push_back(write(d)); // each file independent: one failure does not stop the others
    QMetaObject::invokeMethod(
        this, [done = std::move(done), outcomes = std::move(outcomes)]() { done(outcomes); }, Qt::QueuedConnection);
}

} // namespace mdsync
