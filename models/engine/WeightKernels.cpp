#include "models/engine/WeightKernels.h"
#include "models/engine/Avx2.h"
#include "models/engine/Safetensors.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cpuid.h>
#include <cstring>
#include <immintrin.h>

namespace llmdse::kernels {

namespace {

// Function multiversioning by hand: the AVX2 bodies carry a target attribute instead of
// the file being built with -mavx2, and the variant is picked once, on first use.
bool cpuHasAvx2()
{
    // F16C from CPUID itself: clang's __builtin_cpu_supports does not know "f16c".
    static const bool has = [] {
        unsigned a = 0, b = 0, c = 0, d = 0;
        const bool f16c = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C);
        return f16c && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }();
    return has;
}

// ---- activations -> int8 blocks (round to nearest even, as cvtps_epi32 does) ----

void quantizeBlocksPortable(const float* x, std::int8_t* q, float* d, int blocks)
{
    for (int b = 0; b < blocks; ++b, x += kBlock, q += kBlock) {
        float amax = 0;
        for (int c = 0; c < kBlock; ++c) amax = std::max(amax, std::fabs(x[c]));
        const float s = amax / 127.f, inv = s > 0 ? 1.f / s : 0.f;
        d[b] = s;
        for (int c = 0; c < kBlock; ++c) q[c] = static_cast<std::int8_t>(std::nearbyint(x[c] * inv));
    }
}

using avx2::hmax;
using avx2::hsum;

LLMDSE_AVX2 void quantizeBlocksAvx2(const float* x, std::int8_t* q, float* d, int blocks)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7); // undoes packs' lane interleaving
    for (int b = 0; b < blocks; ++b, x += kBlock, q += kBlock) {
        const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                     v3 = _mm256_loadu_ps(x + 24);
        const __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                                       _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
        const float s = hmax(m) / 127.f, inv = s > 0 ? 1.f / s : 0.f;
        d[b] = s;
        const __m256 k = _mm256_set1_ps(inv);
        const __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(v0, k)), i1 = _mm256_cvtps_epi32(_mm256_mul_ps(v1, k));
        const __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(v2, k)), i3 = _mm256_cvtps_epi32(_mm256_mul_ps(v3, k));
        const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(q), _mm256_permutevar8x32_epi32(p, order));
    }
}

// ---- int8 weights x int8 activations ----
// Layout (packInt8): groups of 8 weight rows, per block of 32 values 256 bytes = eight 32-byte
// vectors; in vector t, 32-bit lane k holds row k's values 4t..4t+3. As for int4 below, one
// broadcast activation quad meets eight rows at once and the outputs build up in lanes. maddubs
// takes |w| and x with w's sign (|w|, |x| <= 127 keep its int16 pair sums exact).

constexpr int kGroupBytes8 = 8 * kBlock; // one block of a group of 8 rows

void gemmInt8Portable(const std::int8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    const int nb = x.blocks;
    for (int g = 0; g * 8 < rows; ++g)
        for (int j = 0; j < x.rows; ++j) {
            float acc[8] = {};
            for (int b = 0; b < nb; ++b) {
                const std::int8_t* blk = w + (std::size_t(g) * nb + b) * kGroupBytes8;
                const std::int8_t* xq = x.row(j) + b * kBlock;
                for (int k = 0; k < 8; ++k) {
                    int s = 0;
                    for (int t = 0; t < 8; ++t)
                        for (int m = 0; m < 4; ++m) s += int(blk[t * 32 + k * 4 + m]) * xq[4 * t + m];
                    acc[k] += float(s) * llmdse::halfToFloat(wd[(std::size_t(g) * nb + b) * 8 + k]) * x.scales(j)[b];
                }
            }
            for (int k = 0; k < 8 && g * 8 + k < rows; ++k) y[j * ldy + g * 8 + k] = acc[k];
        }
}

LLMDSE_AVX2 __m256i quad(const std::int8_t* p)
{
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

LLMDSE_AVX2 void storeLanes(__m256 v, float* y, int valid)
{
    if (valid == 8) return _mm256_storeu_ps(y, v);
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, v);
    std::copy_n(lanes, valid, y);
}

template <int RX>
LLMDSE_AVX2 void groupInt8Avx2(const std::int8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y,
                               std::ptrdiff_t ldy, int valid, std::uintptr_t pf)
{
    __m256 acc[RX];
    for (int j = 0; j < RX; ++j) acc[j] = _mm256_setzero_ps();
    const std::int8_t* xr[RX];
    for (int j = 0; j < RX; ++j) xr[j] = x.row(j0 + j);
    const __m256i ones = _mm256_set1_epi16(1);
    for (int b = 0; b < nb; ++b, w += kGroupBytes8) {
        if (pf)
            for (int line = 0; line < kGroupBytes8; line += 64)
                _mm_prefetch(reinterpret_cast<const char*>(pf + std::uintptr_t(b * kGroupBytes8 + line)), _MM_HINT_T1);
        __m256i sum[RX];
        for (int j = 0; j < RX; ++j) sum[j] = _mm256_setzero_si256();
        // Not unrolled: GCC would regroup the unrolled sums into a tree of additions whose
        // partial sums no longer fit the 16 registers (spilled to the stack, 30% slower).
#pragma GCC unroll 1
        for (int t = 0; t < 8; ++t) {
            const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + t * 32));
            const __m256i aw = _mm256_sign_epi8(wv, wv);
            for (int j = 0; j < RX; ++j) {
                const __m256i p = _mm256_maddubs_epi16(aw, _mm256_sign_epi8(quad(xr[j] + b * kBlock + 4 * t), wv));
                sum[j] = _mm256_add_epi32(sum[j], _mm256_madd_epi16(p, ones));
            }
        }
        const __m256 ws = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wd + std::size_t(b) * 8)));
        for (int j = 0; j < RX; ++j)
            acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[j]), _mm256_mul_ps(ws, _mm256_broadcast_ss(x.scales(j0 + j) + b)), acc[j]);
    }
    for (int j = 0; j < RX; ++j) storeLanes(acc[j], y + (j0 + j) * ldy, valid);
}

// One activation row's quad against eight weight rows' (aw = |wv|), added to its integer sums.
LLMDSE_AVX2 inline __m256i int8Step(__m256i sum, __m256i aw, __m256i wv, const std::int8_t* xq, __m256i ones)
{
    return _mm256_add_epi32(sum, _mm256_madd_epi16(_mm256_maddubs_epi16(aw, _mm256_sign_epi8(quad(xq), wv)), ones));
}

// Eight activation rows in one pass over a group (a batch-8 decode step): each weight vector is
// loaded and its absolute value taken once for all eight, where two passes of four do both twice.
// The eight integer sums take eight registers, so the float sums live in memory, updated once a
// block. Same operations per row and in the same order as groupInt8Avx2, so the same results.
// Against two passes of four, alternated: 1.03-1.04x on 24 layers' gate/up and down products
// through Linear::apply, with or without the barrier below, and 1.08-1.09x on 87 MB of int8
// weights on both cores (a harness built from this source; 1.04-1.05x without the next group's
// prefetch, 1.02-1.03x from cache). The barrier itself gave the bare kernel 1.04x from cache and
// 1.055x on the 87 MB, nothing measurable through Linear::apply.
LLMDSE_AVX2 void groupInt8x8Avx2(const std::int8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y,
                                 std::ptrdiff_t ldy, int valid, std::uintptr_t pf)
{
    alignas(32) float acc[8][8] = {};
    const std::int8_t* xr[8];
    for (int j = 0; j < 8; ++j) xr[j] = x.row(j0 + j);
    const __m256i ones = _mm256_set1_epi16(1);
    for (int b = 0; b < nb; ++b, w += kGroupBytes8) {
        if (pf)
            for (int line = 0; line < kGroupBytes8; line += 64)
                _mm_prefetch(reinterpret_cast<const char*>(pf + std::uintptr_t(b * kGroupBytes8 + line)), _MM_HINT_T1);
        __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
#pragma GCC unroll 1
        for (int t = 0; t < 8; ++t) {
            const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + t * 32));
            const __m256i aw = _mm256_sign_epi8(wv, wv);
            const int o = b * kBlock + 4 * t;
            s0 = int8Step(s0, aw, wv, xr[0] + o, ones), s1 = int8Step(s1, aw, wv, xr[1] + o, ones);
            s2 = int8Step(s2, aw, wv, xr[2] + o, ones), s3 = int8Step(s3, aw, wv, xr[3] + o, ones);
            // A barrier between the halves: without it GCC issues all eight broadcasts first and
            // keeps three of the sums on the stack, a load and a store each per step.
            __asm__ volatile("" : "+x"(s0), "+x"(s1), "+x"(s2), "+x"(s3) : : "memory");
            s4 = int8Step(s4, aw, wv, xr[4] + o, ones), s5 = int8Step(s5, aw, wv, xr[5] + o, ones);
            s6 = int8Step(s6, aw, wv, xr[6] + o, ones), s7 = int8Step(s7, aw, wv, xr[7] + o, ones);
        }
        const __m256 ws = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wd + std::size_t(b) * 8)));
        const __m256i sums[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
        for (int j = 0; j < 8; ++j) {
            const __m256 scale = _mm256_mul_ps(ws, _mm256_broadcast_ss(x.scales(j0 + j) + b));
            _mm256_store_ps(acc[j], _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[j]), scale, _mm256_load_ps(acc[j])));
        }
    }
    for (int j = 0; j < 8; ++j) storeLanes(_mm256_load_ps(acc[j]), y + (j0 + j) * ldy, valid);
}

// ---- int4 weights x int8 activations ----
// Layout (packInt4): groups of 8 weight rows, per block of 32 values 128 bytes = four 32-byte
// vectors; in vector t, 32-bit lane k holds row k's values 4t..4t+3 (low nibbles) and
// 16+4t..16+4t+3 (high nibbles), each plus 8. One activation quad broadcast to all lanes then
// gives, through maddubs, partial dot products of eight rows at once: the eight outputs build up
// in the lanes of one register (no horizontal sums), and the nibbles are unpacked in registers.
// The +8 offset makes the weights maddubs's unsigned operand (8 products of 2 * 15 * 127 fit an
// int16 lane); it comes back out as 8 * (sum of the activation block) per lane.

constexpr int kGroupBytes = 8 * kBlock / 2; // one block of a group of 8 rows

void gemmInt4Portable(const std::uint8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    const int nb = x.blocks;
    for (int g = 0; g * 8 < rows; ++g)
        for (int j = 0; j < x.rows; ++j) {
            float acc[8] = {};
            for (int b = 0; b < nb; ++b) {
                const std::uint8_t* blk = w + (std::size_t(g) * nb + b) * kGroupBytes;
                const std::int8_t* xq = x.row(j) + b * kBlock;
                for (int k = 0; k < 8; ++k) {
                    int s = 0;
                    for (int t = 0; t < 4; ++t)
                        for (int m = 0; m < 4; ++m) {
                            const std::uint8_t v = blk[t * 32 + k * 4 + m];
                            s += int(v & 0xf) * xq[4 * t + m] + int(v >> 4) * xq[16 + 4 * t + m];
                        }
                    s -= 8 * x.blockSums(j)[b];
                    acc[k] += float(s) * llmdse::halfToFloat(wd[(std::size_t(g) * nb + b) * 8 + k]) * x.scales(j)[b];
                }
            }
            for (int k = 0; k < 8 && g * 8 + k < rows; ++k) y[j * ldy + g * 8 + k] = acc[k];
        }
}

template <int RX>
LLMDSE_AVX2 void groupInt4Avx2(const std::uint8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y,
                               std::ptrdiff_t ldy, int valid, std::uintptr_t pf)
{
    __m256 acc[RX];
    for (int j = 0; j < RX; ++j) acc[j] = _mm256_setzero_ps();
    const std::int8_t* xr[RX];
    for (int j = 0; j < RX; ++j) xr[j] = x.row(j0 + j);
    const __m256i mask = _mm256_set1_epi8(0x0f), ones = _mm256_set1_epi16(1);
    for (int b = 0; b < nb; ++b, w += kGroupBytes) {
        if (pf)
            for (int line = 0; line < kGroupBytes; line += 64)
                _mm_prefetch(reinterpret_cast<const char*>(pf + std::uintptr_t(b * kGroupBytes + line)), _MM_HINT_T1);
        __m256i sum[RX];
        for (int j = 0; j < RX; ++j) sum[j] = _mm256_setzero_si256();
        for (int t = 0; t < 4; ++t) {
            const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + t * 32));
            const __m256i lo = _mm256_and_si256(raw, mask), hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), mask);
            for (int j = 0; j < RX; ++j) {
                std::int32_t a, c;
                std::memcpy(&a, xr[j] + b * kBlock + 4 * t, 4);
                std::memcpy(&c, xr[j] + b * kBlock + 16 + 4 * t, 4);
                sum[j] = _mm256_add_epi16(sum[j], _mm256_add_epi16(_mm256_maddubs_epi16(lo, _mm256_set1_epi32(a)),
                                                                   _mm256_maddubs_epi16(hi, _mm256_set1_epi32(c))));
            }
        }
        const __m256 ws = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wd + std::size_t(b) * 8)));
        for (int j = 0; j < RX; ++j) {
            const __m256i p = _mm256_sub_epi32(_mm256_madd_epi16(sum[j], ones), _mm256_set1_epi32(8 * x.blockSums(j0 + j)[b]));
            acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(ws, _mm256_broadcast_ss(x.scales(j0 + j) + b)), acc[j]);
        }
    }
    for (int j = 0; j < RX; ++j) storeLanes(acc[j], y + (j0 + j) * ldy, valid);
}

// Every group of 8 rows against the activation rows, eight at a time where the kernel has an
// eight-row pass (int8), then four and the rest (a batch-8 decode step reads each group once). A
// few activation rows leave the kernels compute-bound, so, as gemmF32's tiles do, they pull the
// next group into L2 while they compute; a prompt's many rows reuse each group long enough for
// the hardware prefetcher.
template <typename W, int GroupBytes, template <int> class Kernel>
LLMDSE_AVX2 void gemmGroupsAvx2(const W* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    const int nb = x.blocks;
    const bool prefetch = x.rows > 1 && x.rows <= 8;
    for (int g = 0; g * 8 < rows; ++g) {
        const W* wg = w + std::size_t(g) * nb * GroupBytes;
        const std::uintptr_t next = prefetch ? reinterpret_cast<std::uintptr_t>(wg + std::size_t(nb) * GroupBytes) : 0;
        const std::uint16_t* sg = wd + std::size_t(g) * nb * 8;
        float* yg = y + g * 8;
        const int valid = std::min(8, rows - g * 8);
        int j = 0;
        if constexpr (Kernel<8>::kEightRows)
            for (; j + 8 <= x.rows; j += 8) Kernel<8>::run(wg, sg, nb, x, j, yg, ldy, valid, j == 0 ? next : 0);
        for (; j + 4 <= x.rows; j += 4) Kernel<4>::run(wg, sg, nb, x, j, yg, ldy, valid, j == 0 ? next : 0);
        switch (x.rows - j) {
        case 3: Kernel<3>::run(wg, sg, nb, x, j, yg, ldy, valid, j == 0 ? next : 0); break;
        case 2: Kernel<2>::run(wg, sg, nb, x, j, yg, ldy, valid, j == 0 ? next : 0); break;
        case 1: Kernel<1>::run(wg, sg, nb, x, j, yg, ldy, valid, 0); break;
        default: break;
        }
    }
}

template <int RX>
struct Int8Group {
    static constexpr bool kEightRows = false;
    static void run(const std::int8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y, std::ptrdiff_t ldy,
                    int valid, std::uintptr_t pf)
    {
        groupInt8Avx2<RX>(w, wd, nb, x, j0, y, ldy, valid, pf);
    }
};
template <>
struct Int8Group<8> {
    static constexpr bool kEightRows = true;
    static void run(const std::int8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y, std::ptrdiff_t ldy,
                    int valid, std::uintptr_t pf)
    {
        groupInt8x8Avx2(w, wd, nb, x, j0, y, ldy, valid, pf);
    }
};
template <int RX>
struct Int4Group {
    static constexpr bool kEightRows = false;
    static void run(const std::uint8_t* w, const std::uint16_t* wd, int nb, const QuantizedRows& x, int j0, float* y, std::ptrdiff_t ldy,
                    int valid, std::uintptr_t pf)
    {
        groupInt4Avx2<RX>(w, wd, nb, x, j0, y, ldy, valid, pf);
    }
};

LLMDSE_AVX2 void gemmInt8Avx2(const std::int8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    gemmGroupsAvx2<std::int8_t, kGroupBytes8, Int8Group>(w, wd, rows, x, y, ldy);
}

LLMDSE_AVX2 void gemmInt4Avx2(const std::uint8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    gemmGroupsAvx2<std::uint8_t, kGroupBytes, Int4Group>(w, wd, rows, x, y, ldy);
}

// ---- fp32 weights x fp32 activations (dot-product form: both operands row-major along k) ----

// With Prefetch, the tile also pulls the same rows of the next panel (pf) into L2 as it goes: a
// few activation rows make the tile compute-bound, and without it the core's DRAM stream idles
// while it computes (batch-8 decode about 9% faster on the development machine).
template <int RW, int RX, bool Prefetch>
LLMDSE_AVX2 void tileF32Avx2(const float* w, std::ptrdiff_t ldw, const float* x, std::ptrdiff_t ldx, int n, float* y,
                             std::ptrdiff_t ldy, std::uintptr_t pf)
{
    __m256 acc[RW][RX];
    for (int i = 0; i < RW; ++i)
        for (int j = 0; j < RX; ++j) acc[i][j] = _mm256_setzero_ps();
    int c = 0;
    for (; c + 8 <= n; c += 8) {
        if (Prefetch && c % 16 == 0) // one 64-byte line per row every other step
            for (int i = 0; i < RW; ++i)
                _mm_prefetch(reinterpret_cast<const char*>(pf + std::uintptr_t(i * ldw + c) * sizeof(float)), _MM_HINT_T1);
        __m256 wv[RW];
        for (int i = 0; i < RW; ++i) wv[i] = _mm256_loadu_ps(w + i * ldw + c);
        for (int j = 0; j < RX; ++j) {
            const __m256 xv = _mm256_loadu_ps(x + j * ldx + c);
            for (int i = 0; i < RW; ++i) acc[i][j] = _mm256_fmadd_ps(wv[i], xv, acc[i][j]);
        }
    }
    for (int i = 0; i < RW; ++i)
        for (int j = 0; j < RX; ++j) {
            float s = hsum(acc[i][j]);
            for (int k = c; k < n; ++k) s += w[i * ldw + k] * x[j * ldx + k];
            y[j * ldy + i] = s;
        }
}

// next: the address of the rows that follow the panel, to prefetch while it computes (0: none). An
// address, not a pointer: past the matrix's last panel it points at nothing (prefetches never fault).
template <int RX>
LLMDSE_AVX2 void rowsF32Avx2(const float* w, std::ptrdiff_t ldw, int wRows, const float* x, std::ptrdiff_t ldx, int n, float* y,
                             std::ptrdiff_t ldy, std::uintptr_t next)
{
    constexpr int RW = 3; // 12 accumulators + 3 weight vectors fill the 16 registers
    int i = 0;
    for (; i + RW <= wRows; i += RW) {
        if (next)
            tileF32Avx2<RW, RX, true>(w + i * ldw, ldw, x, ldx, n, y + i, ldy, next + std::uintptr_t(i * ldw) * sizeof(float));
        else tileF32Avx2<RW, RX, false>(w + i * ldw, ldw, x, ldx, n, y + i, ldy, 0);
    }
    for (; i < wRows; ++i) tileF32Avx2<1, RX, false>(w + i * ldw, ldw, x, ldx, n, y + i, ldy, 0);
}

// One weight row . x, four accumulators of 8 lanes: a single activation row streams the weights
// in memory order, row after row. Reading several rows side by side (the tiles above) splits the
// stream into as many strided ones, which one core reads from DRAM a few per cent slower
// (18.0 against 18.9 GB/s for four rows side by side on the development machine's EPYC).
LLMDSE_AVX2 float dotF32Avx2(const float* w, const float* x, int n)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    int c = 0;
    for (; c + 32 <= n; c += 32) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + c), _mm256_loadu_ps(x + c), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + c + 8), _mm256_loadu_ps(x + c + 8), a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(w + c + 16), _mm256_loadu_ps(x + c + 16), a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(w + c + 24), _mm256_loadu_ps(x + c + 24), a3);
    }
    for (; c + 8 <= n; c += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + c), _mm256_loadu_ps(x + c), a0);
    float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; c < n; ++c) s += w[c] * x[c];
    return s;
}

LLMDSE_AVX2 void gemmF32Avx2(const float* w, std::ptrdiff_t ldw, int wRows, const float* x, std::ptrdiff_t ldx, int xRows, int n,
                             float* y, std::ptrdiff_t ldy)
{
    if (xRows == 1) {
        for (int i = 0; i < wRows; ++i) y[i] = dotF32Avx2(w + i * ldw, x, n);
        return;
    }
    // Batched decode: prefetch the next panel (prefetches never fault, so past the matrix's end is
    // harmless). A prompt's many rows reuse each panel long enough for the hardware prefetcher.
    const std::uintptr_t next =
        xRows <= 8 ? reinterpret_cast<std::uintptr_t>(w) + std::uintptr_t(wRows * ldw) * sizeof(float) : 0;
    int j = 0;
    for (; j + 4 <= xRows; j += 4) rowsF32Avx2<4>(w, ldw, wRows, x + j * ldx, ldx, n, y + j * ldy, ldy, next);
    switch (xRows - j) {
    case 3: rowsF32Avx2<3>(w, ldw, wRows, x + j * ldx, ldx, n, y + j * ldy, ldy, next); break;
    case 2: rowsF32Avx2<2>(w, ldw, wRows, x + j * ldx, ldx, n, y + j * ldy, ldy, next); break;
    case 1: rowsF32Avx2<1>(w, ldw, wRows, x + j * ldx, ldx, n, y + j * ldy, ldy, next); break;
    default: break;
    }
}

// ---- fp32 weights, activation rows interleaved (broadcast form) ----

// Eight weight rows against the interleaved activations: accumulator i holds row i's products
// with the 8 activation rows in its lanes. (Named accumulators: GCC keeps an array of them in
// memory as well, a store after every multiply-add.) As it computes, it pulls the next eight rows
// (next: an address, as in rowsF32Avx2) into L2, one line a row every 16 columns: the hardware
// prefetcher alone leaves the DRAM stream idle while these compute-heavy rows run. Alternated on
// the same data, both cores: 1.16-1.20x on the 544 MB output head of qwen2.5-0.5b, 1.19x on a
// 35 MB matrix, no change from cache; prefetching the rows being read instead costs 6%.
LLMDSE_AVX2 void rows8Broadcast(const float* w, std::ptrdiff_t ldw, const float* xp, int xRows, int n, float* y, std::ptrdiff_t ldy,
                                std::uintptr_t next)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const float *w0 = w, *w1 = w + ldw, *w2 = w + 2 * ldw, *w3 = w + 3 * ldw, *w4 = w + 4 * ldw, *w5 = w + 5 * ldw,
                *w6 = w + 6 * ldw, *w7 = w + 7 * ldw;
    // A macro, not a lambda: a lambda does not take the function's target attribute everywhere.
#define LLMDSE_COLUMN(k)                                                                                                   \
    do {                                                                                                                   \
        const __m256 xv = _mm256_loadu_ps(xp + std::size_t(k) * 8);                                                        \
        a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w0 + (k)), xv, a0), a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(w1 + (k)), xv, a1); \
        a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(w2 + (k)), xv, a2), a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(w3 + (k)), xv, a3); \
        a4 = _mm256_fmadd_ps(_mm256_broadcast_ss(w4 + (k)), xv, a4), a5 = _mm256_fmadd_ps(_mm256_broadcast_ss(w5 + (k)), xv, a5); \
        a6 = _mm256_fmadd_ps(_mm256_broadcast_ss(w6 + (k)), xv, a6), a7 = _mm256_fmadd_ps(_mm256_broadcast_ss(w7 + (k)), xv, a7); \
    } while (false)
    const std::uintptr_t rowBytes = std::uintptr_t(ldw) * sizeof(float);
    int k = 0;
    for (; k + 16 <= n; k += 16) {
        const std::uintptr_t line = next + std::uintptr_t(k) * sizeof(float);
        for (int i = 0; i < 8; ++i) _mm_prefetch(reinterpret_cast<const char*>(line + i * rowBytes), _MM_HINT_T1);
#pragma GCC unroll 16
        for (int c = k; c < k + 16; ++c) LLMDSE_COLUMN(c);
    }
    for (; k < n; ++k) LLMDSE_COLUMN(k);
#undef LLMDSE_COLUMN
    alignas(32) float t[8][8];
    _mm256_store_ps(t[0], a0), _mm256_store_ps(t[1], a1), _mm256_store_ps(t[2], a2), _mm256_store_ps(t[3], a3);
    _mm256_store_ps(t[4], a4), _mm256_store_ps(t[5], a5), _mm256_store_ps(t[6], a6), _mm256_store_ps(t[7], a7);
    for (int i = 0; i < 8; ++i)
        for (int j = 0; j < xRows; ++j) y[j * ldy + i] = t[i][j];
}

LLMDSE_AVX2 void gemmF32Interleaved8Avx2(const float* w, std::ptrdiff_t ldw, int wRows, const float* xp, int xRows, int n, float* y,
                                         std::ptrdiff_t ldy)
{
    int i = 0;
    const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(w);
    for (; i + 8 <= wRows; i += 8)
        rows8Broadcast(w + i * ldw, ldw, xp, xRows, n, y + i, ldy, base + std::uintptr_t((i + 8) * ldw) * sizeof(float));
    for (; i < wRows; ++i) { // the last few rows, one at a time, in four chains (one would wait on each FMA)
        const float* wi = w + i * ldw;
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        int k = 0;
        for (; k + 4 <= n; k += 4) {
            a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + k), _mm256_loadu_ps(xp + std::size_t(k) * 8), a0);
            a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + k + 1), _mm256_loadu_ps(xp + std::size_t(k + 1) * 8), a1);
            a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + k + 2), _mm256_loadu_ps(xp + std::size_t(k + 2) * 8), a2);
            a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + k + 3), _mm256_loadu_ps(xp + std::size_t(k + 3) * 8), a3);
        }
        for (; k < n; ++k) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(wi + k), _mm256_loadu_ps(xp + std::size_t(k) * 8), a0);
        alignas(32) float t[8];
        _mm256_store_ps(t, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        for (int j = 0; j < xRows; ++j) y[j * ldy + i] = t[j];
    }
}

// ---- fp32 a (row-major) times fp32 b (row-major): attention's probabilities against values ----

// Two rows of a at a time against 32 columns of b: each b vector is loaded once for both rows,
// each a value broadcast once per 4 vectors (Eigen's GEMM, built for SSE2 in the portable build,
// took 1.2-1.6x as long on a decode step's 7 x 150 by 150 x 64).
template <int Rows, int Vectors>
LLMDSE_AVX2 void rowsTimesColumns(const float* a, int k, const float* b, int n, float* y)
{
    __m256 acc[Rows][Vectors];
    for (int r = 0; r < Rows; ++r)
        for (int v = 0; v < Vectors; ++v) acc[r][v] = _mm256_setzero_ps();
    for (int i = 0; i < k; ++i) {
        const float* bi = b + std::size_t(i) * n;
        __m256 bv[Vectors];
        for (int v = 0; v < Vectors; ++v) bv[v] = _mm256_loadu_ps(bi + 8 * v);
        for (int r = 0; r < Rows; ++r) {
            const __m256 s = _mm256_broadcast_ss(a + std::size_t(r) * k + i);
            for (int v = 0; v < Vectors; ++v) acc[r][v] = _mm256_fmadd_ps(s, bv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < Rows; ++r)
        for (int v = 0; v < Vectors; ++v) _mm256_storeu_ps(y + std::size_t(r) * n + 8 * v, acc[r][v]);
}

template <int Rows>
LLMDSE_AVX2 void rowsTimesMatrixAvx2(const float* a, int k, const float* b, int n, float* y)
{
    int c = 0;
    for (; c + 32 <= n; c += 32) rowsTimesColumns<Rows, 4>(a, k, b + c, n, y + c);
    for (; c < n; c += 8) rowsTimesColumns<Rows, 1>(a, k, b + c, n, y + c);
}

// ---- fp16 / bf16 ----

float dotHalfPortable(const std::uint16_t* w, const float* x, int n)
{
    float s = 0;
    for (int c = 0; c < n; ++c) s += llmdse::halfToFloat(w[c]) * x[c];
    return s;
}

float dotBf16Portable(const std::uint16_t* w, const float* x, int n)
{
    float s = 0;
    for (int c = 0; c < n; ++c) s += bfloat16ToFloat(w[c]) * x[c];
    return s;
}

LLMDSE_AVX2 __m256 loadHalf(const std::uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }

LLMDSE_AVX2 __m256 loadBf16(const std::uint16_t* p)
{
    const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
}

template <bool Bf16>
LLMDSE_AVX2 __m256 load(const std::uint16_t* p)
{
    return Bf16 ? loadBf16(p) : loadHalf(p);
}

// Consecutive rows . x, read in memory order (the rows are contiguous) with a software prefetch
// 1 KiB ahead of the loads. Half the bytes of fp32 per value, the hardware prefetcher alone keeps
// too few lines in flight for one core: 12.5 GB/s without the prefetch, about 14 with it for
// qwen2.5-0.5b's shapes on the development machine's EPYC (fp32 streams at 15-19).
template <bool Bf16>
LLMDSE_AVX2 void rows16Avx2(const std::uint16_t* w, int rows, int n, const float* x, float* y)
{
    constexpr int kAhead = 1024; // bytes
    for (int r = 0; r < rows; ++r, w += n) {
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        int c = 0;
        for (; c + 32 <= n; c += 32) { // 64 bytes of weights: one line, one prefetch
            // An address, not a pointer: near the matrix's end it lies past it (prefetches never fault).
            _mm_prefetch(reinterpret_cast<const char*>(reinterpret_cast<std::uintptr_t>(w + c) + kAhead), _MM_HINT_T0);
            a0 = _mm256_fmadd_ps(load<Bf16>(w + c), _mm256_loadu_ps(x + c), a0);
            a1 = _mm256_fmadd_ps(load<Bf16>(w + c + 8), _mm256_loadu_ps(x + c + 8), a1);
            a2 = _mm256_fmadd_ps(load<Bf16>(w + c + 16), _mm256_loadu_ps(x + c + 16), a2);
            a3 = _mm256_fmadd_ps(load<Bf16>(w + c + 24), _mm256_loadu_ps(x + c + 24), a3);
        }
        for (; c + 8 <= n; c += 8) a0 = _mm256_fmadd_ps(load<Bf16>(w + c), _mm256_loadu_ps(x + c), a0);
        const float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
        y[r] = s + (Bf16 ? dotBf16Portable(w + c, x + c, n - c) : dotHalfPortable(w + c, x + c, n - c));
    }
}

template <bool Bf16>
void rows16Portable(const std::uint16_t* w, int rows, int n, const float* x, float* y)
{
    for (int r = 0; r < rows; ++r, w += n) y[r] = Bf16 ? dotBf16Portable(w, x, n) : dotHalfPortable(w, x, n);
}

template <bool Bf16>
LLMDSE_AVX2 void convert16Avx2(const std::uint16_t* w, float* out, int n)
{
    int c = 0;
    for (; c + 8 <= n; c += 8) _mm256_storeu_ps(out + c, load<Bf16>(w + c));
    for (; c < n; ++c) out[c] = Bf16 ? bfloat16ToFloat(w[c]) : llmdse::halfToFloat(w[c]);
}

} // namespace

void QuantizedRows::assign(const float* x, int r, int c, std::ptrdiff_t stride)
{
    rows = r, cols = c, blocks = c / kBlock;
    q.resize(std::size_t(r) * c);
    d.resize(std::size_t(r) * blocks);
    static const auto kernel = cpuHasAvx2() ? quantizeBlocksAvx2 : quantizeBlocksPortable;
    for (int i = 0; i < r; ++i) kernel(x + i * stride, q.data() + std::size_t(i) * c, d.data() + std::size_t(i) * blocks, blocks);
    sums.resize(d.size());
    for (std::size_t b = 0; b < d.size(); ++b) {
        std::int32_t s = 0;
        for (int k = 0; k < kBlock; ++k) s += q[b * kBlock + std::size_t(k)];
        sums[b] = s;
    }
}

bool vectorKernels() { return cpuHasAvx2(); }

void gemmF32(const float* w, std::ptrdiff_t ldw, int wRows, const float* x, std::ptrdiff_t ldx, int xRows, int n, float* y,
             std::ptrdiff_t ldy)
{
    gemmF32Avx2(w, ldw, wRows, x, ldx, xRows, n, y, ldy);
}

void interleaveRows8(const float* x, std::ptrdiff_t ldx, int xRows, int n, float* xp)
{
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < 8; ++j) xp[std::size_t(k) * 8 + j] = j < xRows ? x[j * ldx + k] : 0.0f;
}

void gemmF32Interleaved8(const float* w, std::ptrdiff_t ldw, int wRows, const float* xp, int xRows, int n, float* y, std::ptrdiff_t ldy)
{
    gemmF32Interleaved8Avx2(w, ldw, wRows, xp, xRows, n, y, ldy); // callers check vectorKernels() first, as for gemmF32
}

void rowsTimesMatrix(const float* a, int rows, int k, const float* b, int n, float* y)
{
    // Callers check vectorKernels() and n % 8 == 0 first.
    int r = 0;
    for (; r + 2 <= rows; r += 2) rowsTimesMatrixAvx2<2>(a + std::size_t(r) * k, k, b, n, y + std::size_t(r) * n);
    if (r < rows) rowsTimesMatrixAvx2<1>(a + std::size_t(r) * k, k, b, n, y + std::size_t(r) * n);
}

void packInt8(const std::int8_t* v, const std::uint16_t* d, int rows, int cols, std::vector<std::int8_t>& w, std::vector<std::uint16_t>& wd)
{
    const int nb = cols / kBlock, groups = (rows + 7) / 8;
    w.assign(std::size_t(groups) * nb * kGroupBytes8, 0); // padding rows: zeros
    wd.assign(std::size_t(groups) * nb * 8, 0);
    for (int r = 0; r < rows; ++r)
        for (int b = 0; b < nb; ++b) {
            std::int8_t* blk = w.data() + (std::size_t(r / 8) * nb + b) * kGroupBytes8;
            wd[(std::size_t(r / 8) * nb + b) * 8 + std::size_t(r % 8)] = d[std::size_t(r) * nb + b];
            const std::int8_t* src = v + std::size_t(r) * cols + b * kBlock;
            for (int t = 0; t < 8; ++t)
                for (int m = 0; m < 4; ++m) blk[t * 32 + (r % 8) * 4 + m] = src[4 * t + m];
        }
}

void gemmInt8(const std::int8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    static const auto kernel = cpuHasAvx2() ? gemmInt8Avx2 : gemmInt8Portable;
    kernel(w, wd, rows, x, y, ldy);
}

void packInt4(const std::int8_t* v, const std::uint16_t* d, int rows, int cols, std::vector<std::uint8_t>& w,
              std::vector<std::uint16_t>& wd)
{
    const int nb = cols / kBlock, groups = (rows + 7) / 8;
    w.assign(std::size_t(groups) * nb * kGroupBytes, 0x88); // padding rows: zeros
    wd.assign(std::size_t(groups) * nb * 8, 0);
    for (int r = 0; r < rows; ++r)
        for (int b = 0; b < nb; ++b) {
            std::uint8_t* blk = w.data() + (std::size_t(r / 8) * nb + b) * kGroupBytes;
            wd[(std::size_t(r / 8) * nb + b) * 8 + std::size_t(r % 8)] = d[std::size_t(r) * nb + b];
            const std::int8_t* src = v + std::size_t(r) * cols + b * kBlock;
            for (int t = 0; t < 4; ++t)
                for (int m = 0; m < 4; ++m)
                    blk[t * 32 + (r % 8) * 4 + m] =
                        std::uint8_t((src[4 * t + m] + 8) | ((src[16 + 4 * t + m] + 8) << 4));
        }
}

void gemmInt4(const std::uint8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy)
{
    static const auto kernel = cpuHasAvx2() ? gemmInt4Avx2 : gemmInt4Portable;
    kernel(w, wd, rows, x, y, ldy);
}

void rowsHalf(const std::uint16_t* w, int rows, int n, const float* x, float* y)
{
    static const auto kernel = cpuHasAvx2() ? rows16Avx2<false> : rows16Portable<false>;
    kernel(w, rows, n, x, y);
}

void rowsBf16(const std::uint16_t* w, int rows, int n, const float* x, float* y)
{
    static const auto kernel = cpuHasAvx2() ? rows16Avx2<true> : rows16Portable<true>;
    kernel(w, rows, n, x, y);
}

void halfToFloat(const std::uint16_t* w, float* out, int n)
{
    static const auto kernel = cpuHasAvx2() ? convert16Avx2<false> : +[](const std::uint16_t* v, float* o, int k) {
        for (int c = 0; c < k; ++c) o[c] = llmdse::halfToFloat(v[c]);
    };
    kernel(w, out, n);
}

void bf16ToFloat(const std::uint16_t* w, float* out, int n)
{
    static const auto kernel = cpuHasAvx2() ? convert16Avx2<true> : +[](const std::uint16_t* v, float* o, int k) {
        for (int c = 0; c < k; ++c) o[c] = bfloat16ToFloat(v[c]);
    };
    kernel(w, out, n);
}

} // namespace llmdse::kernels
