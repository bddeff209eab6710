// SHA-256 implementations side by side (issue 16: "measure OpenSSL's libcrypto and prefer the well-kept library").
//
//   bench_sha256 [--repeat R] [--json]
//
// For each input size (an ingest event's state ~424 bytes, an audit entry ~865 bytes, 4 KiB, 1 MiB) and each
// implementation, hashes the same bytes for about 0.2 s and reports ns per hash and MB/s; R repeats (default 5)
// alternate the implementations, the median is reported, and every implementation's digest is checked against
// OpenSSL's. The baseline is Qt 6.4's QCryptographicHash (what util/hash.cpp used before), so every figure is also
// a ratio to it measured in the same run.

#include "util/fastsha256.h"
#include "util/hash.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace {

using Digest = std::array<unsigned char, 32>;

struct Impl
{
    const char* name;
    std::function<Digest(const std::string&)> hash;
};

Digest qtHash(const std::string& s)
{
    const QByteArray d = QCryptographicHash::hash(
        QByteArrayView(s.data(), static_cast<qsizetype>(s.size())), QCryptographicHash::Sha256);
    Digest out {};
    std::copy(d.begin(), d.end(), out.begin());
    return out;
}

Digest fastHash(const std::string& s)
{
    mdsync::FastSha256 h;
    h.addData(s);
    Digest out {};
    h.result(out);
    return out;
}

// OpenSSL 3 EVP with one context reused (the way a hot path would hold it).
Digest evpHash(const std::string& s)
{
    static EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    static const EVP_MD* md = EVP_sha256();
    Digest out {};
    unsigned int n = 0;
    EVP_DigestInit_ex(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, s.data(), s.size());
    EVP_DigestFinal_ex(ctx, out.data(), &n);
    return out;
}

// OpenSSL 3 EVP with the algorithm fetched once (EVP_MD_fetch: no implicit fetch per init) and one context reused.
Digest evpFetched(const std::string& s)
{
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    static EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    Digest out {};
    unsigned int n = 0;
    EVP_DigestInit_ex2(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, s.data(), s.size());
    EVP_DigestFinal_ex(ctx, out.data(), &n);
    return out;
}

// OpenSSL 3's one-shot EVP_Digest (a context per call inside).
Digest evpOneShot(const std::string& s)
{
    Digest out {};
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), out.data(), &n, EVP_sha256(), nullptr);
    return out;
}

// Nanoseconds per hash of `s` over about 0.2 s.
double measure(const Impl& impl, const std::string& s)
{
    QElapsedTimer t;
    t.start();
    long n = 0;
    unsigned char sink = 0;
    do {
        for (int i = 0; i < 64; ++i, ++n)
            sink ^= impl.hash(s)[0];
    } while (t.nsecsElapsed() < 200'000'000);
    if (sink == 0xFF && n < 0) // keep the loop; never true
        std::puts("");
    return double(t.nsecsElapsed()) / double(n);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int repeat = 5;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (a == "--json")
            json = true;
        else {
            std::fprintf(stderr, "usage: bench_sha256 [--repeat R] [--json]\n");
            return 2;
        }
    }
    std::vector<Impl> impls = { { "qt", qtHash }, { "fastsha256", fastHash }, { "openssl-evp", evpHash },
        { "openssl-evp-fetched", evpFetched }, { "openssl-oneshot", evpOneShot } };
    const bool shaNi = mdsync::FastSha256::accelerated();
    mdsync::FastSha256::setAccelerationAllowed(false);
    impls.push_back({ "fastsha256-portable", fastHash });
    mdsync::FastSha256::setAccelerationAllowed(true);

    nlohmann::json out = { { "sha_ni", shaNi }, { "repeat", repeat }, { "sizes", nlohmann::json::array() } };
    for (const std::size_t size : { std::size_t(424), std::size_t(865), std::size_t(4096), std::size_t(1) << 20 }) {
        std::string s(size, '\0');
        for (std::size_t i = 0; i < size; ++i)
            s[i] = char('a' + (i * 7919) % 26);
        std::map<std::string, std::vector<double>> ns;
        for (int r = 0; r < repeat; ++r) {
            for (std::size_t k = 0; k < impls.size(); ++k) {
                const Impl& impl = impls[(k + std::size_t(r)) % impls.size()]; // rotate the order each repeat
                const bool portable = std::string(impl.name) == "fastsha256-portable";
                mdsync::FastSha256::setAccelerationAllowed(!portable);
                if (impl.hash(s) != evpHash(s)) {
                    std::fprintf(stderr, "bench_sha256: %s gives a different digest for %zu bytes\n", impl.name, size);
                    return 1;
                }
                ns[impl.name].push_back(measure(impl, s));
                mdsync::FastSha256::setAccelerationAllowed(true);
            }
        }
        nlohmann::json row = { { "bytes", size } };
        const auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        const double qt = median(ns["qt"]);
        for (const Impl& impl : impls) {
            const double m = median(ns[impl.name]);
            row[impl.name]
                = { { "ns_per_hash", m }, { "mb_per_s", double(size) / m * 1000.0 }, { "speedup_vs_qt", qt / m } };
        }
        out["sizes"].push_back(row);
    }
    if (json) {
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("SHA-NI on this CPU: %s; medians of %d\n", shaNi ? "yes" : "no", repeat);
    std::printf("%-10s %-22s %12s %10s %10s\n", "bytes", "implementation", "ns/hash", "MB/s", "x qt");
    for (const auto& row : out["sizes"])
        for (const Impl& impl : impls) {
            const auto& x = row[impl.name];
            std::printf("%-10zu %-22s %12.0f %10.0f %10.2f\n", row["bytes"].get<std::size_t>(), impl.name,
                x["ns_per_hash"].get<double>(), x["mb_per_s"].get<double>(), x["speedup_vs_qt"].get<double>());
        }
    return 0;
}
