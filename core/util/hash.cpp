#include "util/hash.h"

#include "util/fastsha256.h"

#include <QUuid>

namespace mdsync {

std::string sha256Hex(std::string_view bytes)
{
    // FastSha256, not QCryptographicHash: Qt 6.4's portable SHA-256 cost 6.5 µs for an ingest event's 424 bytes
    // against 0.5 µs (docs/BENCHMARKS.md "bench_sha256").
    FastSha256 h;
    h.addData(bytes);
    std::string hex(64, '\0');
    h.resultHex(std::span<char, 64>(hex.data(), 64));
    return hex;
}

std::string newUuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
}

} // namespace mdsync
