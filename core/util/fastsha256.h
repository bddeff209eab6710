#pragma once

// SHA-256 for the hot paths: audit chain hashes, export file hashes, and every hash of util/hash.h (ingest: the
// event's payload hash and the revision's content hash). Uses the x86 SHA extensions (SHA-NI) when the CPU has them,
// else a portable implementation. Qt 6.4's QCryptographicHash runs a portable C SHA-256 at ~100 MB/s on our
// machines, which capped audit verification at ~250k entries/s; SHA-NI is ~10x faster. OpenSSL 3's libcrypto was
// measured beside it (tests/bench/bench_sha256.cpp, docs/BENCHMARKS.md "bench_sha256"): as fast on large inputs,
// 10-37 % slower on the 0.4-4 KB inputs hashed here (the EVP call costs ~150-200 ns), so this stays.
// The result is the standard SHA-256 (tests compare it with QCryptographicHash on both paths).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mdsync {

class FastSha256
{
public:
    FastSha256() { reset(); }
    void reset();
    void addData(const void* data, std::size_t size);
    void addData(std::string_view s) { addData(s.data(), s.size()); }
    // Finishes the hash into `digest` (32 bytes); call reset() before reusing the object.
    void result(std::span<unsigned char, 32> digest);
    // 64 lower-case hex characters into `hex` (not NUL-terminated).
    void resultHex(std::span<char, 64> hex);

    // Whether the SHA-NI path is used on this CPU; tests may switch it off to check the portable path.
    static bool accelerated();
    static void setAccelerationAllowed(bool allowed);

private:
    void blocks(const unsigned char* data, std::size_t count);

    std::array<std::uint32_t, 8> m_state {};
    std::array<unsigned char, 64> m_buf {};
    std::size_t m_bufLen = 0;
    std::uint64_t m_total = 0;
};

} // namespace mdsync
