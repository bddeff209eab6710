#include "util/fastsha256.h"

#include <algorithm>
#include <atomic>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define MDSYNC_SHA_X86 1
#endif

namespace mdsync {

namespace {

alignas(16) constexpr std::array<std::uint32_t, 64> K = { 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
    0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc,
    0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1,
    0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
    0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814,
    0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

inline std::uint32_t rotr(std::uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

void blocksPortable(std::array<std::uint32_t, 8>& state, const unsigned char* p, std::size_t count)
{
    std::array<std::uint32_t, 64> w; // every word written before it is read
    for (; count > 0; --count, p += 64) {
        for (std::size_t i = 0; i < 16; ++i)
            w[i] = (std::uint32_t(p[4 * i]) << 24) | (std::uint32_t(p[4 * i + 1]) << 16)
                | (std::uint32_t(p[4 * i + 2]) << 8) | std::uint32_t(p[4 * i + 3]);
        for (std::size_t i = 16; i < 64; ++i) {
            const std::uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            const std::uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        std::uint32_t a = state[0];
        std::uint32_t b = state[1];
        std::uint32_t c = state[2];
        std::uint32_t d = state[3];
        std::uint32_t e = state[4];
        std::uint32_t f = state[5];
        std::uint32_t g = state[6];
        std::uint32_t h = state[7];
        for (std::size_t i = 0; i < 64; ++i) {
            const std::uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
            const std::uint32_t ch = (e & f) ^ (~e & g);
            const std::uint32_t t1 = h + S1 + ch + K[i] + w[i];
            const std::uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
            const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            const std::uint32_t t2 = S0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

#ifdef MDSYNC_SHA_X86
// The SHA-NI block function (after Intel's "New Instructions Supporting the Secure Hash Algorithm on Intel
// Architecture Processors", 2013): four rounds per step, message schedule with sha256msg1/msg2.
__attribute__((target("sha,sse4.1,ssse3"))) void blocksShaNi(
    std::array<std::uint32_t, 8>& state, const unsigned char* data, std::size_t count)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data()));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state.data() + 4));
    tmp = _mm_shuffle_epi32(tmp, 0xB1); // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B); // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0); // CDGH

    for (; count > 0; --count, data += 64) {
        const __m128i abefSave = state0;
        const __m128i cdghSave = state1;
        // std::array<__m128i, N> drops the vector type's attributes (GCC -Wignored-attributes, an error here); a
        // local array of registers is what the intrinsics want.
        __m128i m[4]; // NOLINT(modernize-avoid-c-arrays): see above
        for (std::size_t i = 0; i < 4; ++i)
            m[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), mask);
        for (std::size_t i = 0; i < 16; ++i) {
            __m128i msg = _mm_add_epi32(m[i & 3], _mm_load_si128(reinterpret_cast<const __m128i*>(&K[4 * i])));
            state1 = _mm_sha256rnds2_epu32(state1, state0, msg);
            if (i >= 3 && i <= 14) {
                const __m128i t = _mm_alignr_epi8(m[i & 3], m[(i - 1) & 3], 4);
                m[(i + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(m[(i + 1) & 3], t), m[i & 3]);
            }
            msg = _mm_shuffle_epi32(msg, 0x0E);
            state0 = _mm_sha256rnds2_epu32(state0, state1, msg);
            if (i >= 1 && i <= 12)
                m[(i - 1) & 3] = _mm_sha256msg1_epu32(m[(i - 1) & 3], m[i & 3]);
        }
        state0 = _mm_add_epi32(state0, abefSave);
        state1 = _mm_add_epi32(state1, cdghSave);
    }

    tmp = _mm_shuffle_epi32(state0, 0x1B); // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1); // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0); // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8); // ABEF
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data()), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state.data() + 4), state1);
}

bool cpuHasShaNi()
{
    unsigned a = 0;
    unsigned b = 0;
    unsigned c = 0;
    unsigned d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return false;
    const bool ssse3 = c & (1U << 9);
    const bool sse41 = c & (1U << 19);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return false;
    return ssse3 && sse41 && (b & (1U << 29));
}
#endif

std::atomic<bool> g_allowed { true };

bool useShaNi()
{
#ifdef MDSYNC_SHA_X86
    static const bool has = cpuHasShaNi();
    return has && g_allowed.load(std::memory_order_relaxed);
#else
    return false;
#endif
}

} // namespace

bool FastSha256::accelerated()
{
    return useShaNi();
}

void FastSha256::setAccelerationAllowed(bool allowed)
{
    g_allowed = allowed;
}

void FastSha256::reset()
{
    m_state = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    m_bufLen = 0;
    m_total = 0;
}

void FastSha256::blocks(const unsigned char* data, std::size_t count)
{
#ifdef MDSYNC_SHA_X86
    if (useShaNi()) {
        blocksShaNi(m_state, data, count);
        return;
    }
#endif
    blocksPortable(m_state, data, count);
}

void FastSha256::addData(const void* data, std::size_t size)
{
    const auto* p = static_cast<const unsigned char*>(data);
    m_total += size;
    if (m_bufLen > 0) {
        const std::size_t take = std::min(size, m_buf.size() - m_bufLen);
        std::memcpy(m_buf.data() + m_bufLen, p, take);
        m_bufLen += take;
        p += take;
        size -= take;
        if (m_bufLen < m_buf.size())
            return;
        blocks(m_buf.data(), 1);
        m_bufLen = 0;
    }
    if (size >= 64) {
        blocks(p, size / 64);
        p += size / 64 * 64;
        size %= 64;
    }
    if (size > 0) {
        std::memcpy(m_buf.data(), p, size);
        m_bufLen = size;
    }
}

void FastSha256::result(std::span<unsigned char, 32> digest)
{
    const std::uint64_t bits = m_total * 8;
    std::array<unsigned char, 72> pad { 0x80 };
    const std::size_t padLen = (m_bufLen < 56 ? 56 - m_bufLen : 120 - m_bufLen);
    for (std::size_t i = 0; i < 8; ++i)
        pad[padLen + i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
    addData(pad.data(), padLen + 8);
    for (std::size_t i = 0; i < 8; ++i) {
        digest[4 * i] = static_cast<unsigned char>(m_state[i] >> 24);
        digest[4 * i + 1] = static_cast<unsigned char>(m_state[i] >> 16);
        digest[4 * i + 2] = static_cast<unsigned char>(m_state[i] >> 8);
        digest[4 * i + 3] = static_cast<unsigned char>(m_state[i]);
    }
}

void FastSha256::resultHex(std::span<char, 64> hex)
{
    std::array<unsigned char, 32> d {};
    result(d);
#if defined(__SSE2__)
    // 16 bytes at a time: each nibble n becomes '0' + n, plus ('a' - '0' - 10) where n > 9; high and low nibbles
    // interleaved. (GCC's vectorisation of the loop below spilled to the stack: ~80 ns a digest, in verify-export's
    // profile one digest per audit entry.)
    const __m128i low4 = _mm_set1_epi8(0x0F);
    const __m128i nine = _mm_set1_epi8(9);
    const __m128i zero = _mm_set1_epi8('0');
    const __m128i letters = _mm_set1_epi8('a' - '0' - 10);
    const auto digits = [&](__m128i n) {
        return _mm_add_epi8(_mm_add_epi8(n, zero), _mm_and_si128(_mm_cmpgt_epi8(n, nine), letters));
    };
    for (std::size_t i = 0; i < d.size(); i += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d.data() + i));
        const __m128i hi = digits(_mm_and_si128(_mm_srli_epi16(v, 4), low4));
        const __m128i lo = digits(_mm_and_si128(v, low4));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(hex.data() + 2 * i), _mm_unpacklo_epi8(hi, lo));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(hex.data() + 2 * i + 16), _mm_unpackhi_epi8(hi, lo));
    }
#else
    static const char* const digits = "0123456789abcdef";
    for (std::size_t i = 0; i < 32; ++i) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 0xF];
    }
#endif
}

} // namespace mdsync
