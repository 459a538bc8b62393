#include "models/engine/Linear.h"
#include "core/Errors.h"
#include "models/engine/Safetensors.h"
#include "models/engine/WeightKernels.h"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <cmath>
#include <immintrin.h>
#include <cstring>
#include <numeric>

namespace llmdse {

std::uint16_t floatToHalf(float f)
{
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    const int exp = int((x >> 23) & 0xff) - 127 + 15;
    std::uint32_t mant = x & 0x7fffffu;
    if (exp <= 0) {
        if (exp < -10) return static_cast<std::uint16_t>(sign);
        mant |= 0x800000u;
        const int shift = 14 - exp;
        std::uint32_t h = mant >> shift;
        if ((mant >> (shift - 1)) & 1u) ++h; // round half up
        return static_cast<std::uint16_t>(sign | h);
    }
    if (exp >= 31) return static_cast<std::uint16_t>(sign | 0x7c00u);
    std::uint32_t h = sign | (std::uint32_t(exp) << 10) | (mant >> 13);
    if (mant & 0x1000u) ++h; // round to nearest
    return static_cast<std::uint16_t>(h);
}

Linear stackRows(const std::vector<Linear>& parts)
{
    int rows = 0;
    bool bias = false;
    for (const auto& p : parts) {
        rows += p.out();
        bias = bias || p.hasBias();
    }
    RowMatrix w(rows, parts.front().in());
    Eigen::VectorXf b = bias ? Eigen::VectorXf(Eigen::VectorXf::Zero(rows)) : Eigen::VectorXf();
    int r = 0;
    for (const auto& p : parts) {
        w.middleRows(r, p.out()) = p.dense();
        if (p.hasBias()) b.segment(r, p.out()) = p.bias();
        r += p.out();
    }
    return Linear(std::move(w), std::move(b));
}

Linear::Linear(RowMatrix w, Eigen::VectorXf bias)
    : in_(static_cast<int>(w.cols())), out_(static_cast<int>(w.rows())), w_(std::move(w)), bias_(std::move(bias))
{
}

namespace {

std::uint16_t floatToBf16(float f) // round to nearest even (weights are finite)
{
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

} // namespace

void Linear::quantize(const QuantFormat& q)
{
    if (q.precision == Precision::FP32) return;
    if (format_.precision != Precision::FP32)
        throw InputError("", "weights", std::string("the weights are already stored as ") + toString(format_.precision));
    if (q.precision == Precision::FP16 || q.precision == Precision::BF16) {
        h16_.resize(size_t(out_) * in_);
        const float* w = w_.data();
        for (size_t i = 0; i < h16_.size(); ++i) h16_[i] = q.precision == Precision::FP16 ? floatToHalf(w[i]) : floatToBf16(w[i]);
        format_ = {q.precision, 0};
        w_.resize(0, 0);
        return;
    }
    if (q.precision != Precision::INT8 && q.precision != Precision::INT4)
        throw InputError("", "weights", std::string("the reference engine runs fp32, fp16, bf16, int8 or int4 weights, not ") +
                                            toString(q.precision));
    // A group that does not divide the width shrinks to the largest one that does (gcd).
    const int g = q.groupSize > 0 ? std::gcd(std::min(q.groupSize, in_), in_) : in_;
    if (q.precision == Precision::INT4 && (in_ % 2 != 0 || g % 2 != 0))
        throw InputError("", "weights", "int4 packing needs an even input width and group size");
    if (in_ % g != 0)
        throw InputError("", "weights", "group size " + std::to_string(g) + " does not divide the input width " +
                                            std::to_string(in_));
    format_ = {q.precision, g};
    groups_ = in_ / g;
    const int qmax = q.precision == Precision::INT8 ? 127 : 7;
    scales_.assign(static_cast<size_t>(out_) * groups_, 0);
    if (q.precision == Precision::INT8) q8_.assign(static_cast<size_t>(out_) * in_, 0);
    else q4_.assign(static_cast<size_t>(out_) * in_ / 2 + 1, 0);
    // Whole activation blocks go to the integer kernels' own layout (kernels::packInt8 / packInt4).
    const bool packed = g % kernels::kBlock == 0;
    std::vector<std::int8_t> values(packed ? size_t(out_) * in_ : 0);
    for (int r = 0; r < out_; ++r) {
        for (int gi = 0; gi < groups_; ++gi) {
            float amax = 0;
            for (int c = gi * g; c < (gi + 1) * g; ++c) amax = std::max(amax, std::fabs(w_(r, c)));
            const std::uint16_t hs = floatToHalf(amax / qmax);
            scales_[size_t(r) * groups_ + gi] = hs;
            const float s = halfToFloat(hs);
            for (int c = gi * g; c < (gi + 1) * g; ++c) {
                const int v = s > 0 ? std::max(-qmax, std::min(qmax, int(std::lround(w_(r, c) / s)))) : 0;
                const size_t idx = size_t(r) * in_ + c;
                if (packed) {
                    values[idx] = static_cast<std::int8_t>(v);
                } else if (q.precision == Precision::INT8) {
                    q8_[idx] = static_cast<std::int8_t>(v);
                } else {
                    const std::uint8_t nib = static_cast<std::uint8_t>(v & 0xf);
                    q4_[idx / 2] |= (idx % 2 == 0) ? nib : std::uint8_t(nib << 4);
                }
            }
        }
    }
    if (packed) {
        const int blocks = in_ / kernels::kBlock, perGroup = g / kernels::kBlock;
        std::vector<std::uint16_t> blockScales(size_t(out_) * blocks);
        for (size_t i = 0; i < blockScales.size(); ++i) blockScales[i] = scales_[i / size_t(perGroup)];
        if (q.precision == Precision::INT8) kernels::packInt8(values.data(), blockScales.data(), out_, in_, q8_, packedScales_);
        else kernels::packInt4(values.data(), blockScales.data(), out_, in_, q4_, packedScales_);
    }
    w_.resize(0, 0);
}

double Linear::weightBytes() const
{
    double values = double(out_) * in_ * bytesPerElement(format_.precision);
    double scales = double(scales_.size()) * 2.0;
    return values + scales + double(bias_.size()) * 4.0;
}

namespace {

// One quantised row . x with the unpacking inside the loop (decode: each weight
// is used once, so streaming it once at full bandwidth is what matters). Each kernel
// has a portable version and an AVX2+FMA one; the binary is built for any x86-64 and
// picks the variant the CPU has once, at start-up (function multiversioning by hand:
// the AVX2 bodies are compiled with a target attribute, not with -mavx2 for the file).
float dotInt8Portable(const std::int8_t* q, const float* x, int n)
{
    float s = 0;
    for (int c = 0; c < n; ++c) s += float(q[c]) * x[c];
    return s;
}

__attribute__((target("avx2,fma"))) float dotInt8Avx2(const std::int8_t* q, const float* x, int n)
{
    int c = 0;
    float s = 0;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    for (; c + 16 <= n; c += 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + c));
        a0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(b)), _mm256_loadu_ps(x + c), a0);
        a1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(b, 8))), _mm256_loadu_ps(x + c + 8), a1);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(a0, a1));
    for (float l : lanes) s += l;
    for (; c < n; ++c) s += float(q[c]) * x[c];
    return s;
}

float dotInt4Portable(const std::uint8_t* p, const float* x, int n) // n even, p at an even element
{
    float s = 0;
    for (int c = 0; c < n; c += 2) {
        const std::int8_t b = static_cast<std::int8_t>(p[c / 2]);
        s += float(std::int8_t(b << 4) >> 4) * x[c] + float(b >> 4) * x[c + 1];
    }
    return s;
}

__attribute__((target("avx2,fma"))) float dotInt4Avx2(const std::uint8_t* p, const float* x, int n)
{
    int c = 0;
    float s = 0;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    const __m128i mask = _mm_set1_epi8(0x0f), eight = _mm_set1_epi8(8);
    for (; c + 16 <= n; c += 16) {
        const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + c / 2)); // 8 bytes = 16 nibbles
        const __m128i lo = _mm_and_si128(b, mask), hi = _mm_and_si128(_mm_srli_epi16(b, 4), mask);
        // Interleave back to element order, then map 0..15 to -8..7.
        const __m128i v = _mm_sub_epi8(_mm_xor_si128(_mm_unpacklo_epi8(lo, hi), eight), eight);
        a0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)), _mm256_loadu_ps(x + c), a0);
        a1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(v, 8))), _mm256_loadu_ps(x + c + 8), a1);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, _mm256_add_ps(a0, a1));
    for (float l : lanes) s += l;
    return s + dotInt4Portable(p + c / 2, x + c, n - c);
}

bool cpuHasAvx2()
{
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
}

float dotInt8(const std::int8_t* q, const float* x, int n)
{
    static const auto kernel = cpuHasAvx2() ? dotInt8Avx2 : dotInt8Portable;
    return kernel(q, x, n);
}

float dotInt4(const std::uint8_t* p, const float* x, int n)
{
    static const auto kernel = cpuHasAvx2() ? dotInt4Avx2 : dotInt4Portable;
    return kernel(p, x, n);
}

// Elementwise unpacking (no reductions): the compiler vectorises it, once per target.
__attribute__((target_clones("avx2", "default"))) void unpackInt8(const std::int8_t* q, float s, float* out, int n)
{
    for (int c = 0; c < n; ++c) out[c] = float(q[c]) * s;
}

__attribute__((target_clones("avx2", "default"))) void unpackInt4(const std::uint8_t* p, float s, float* out, int pairs)
{
    for (int c = 0; c < pairs; ++c) {
        const std::int8_t b = static_cast<std::int8_t>(p[c]);
        out[2 * c] = float(std::int8_t(b << 4) >> 4) * s; // low nibble, sign-extended
        out[2 * c + 1] = float(b >> 4) * s;               // high nibble
    }
}

} // namespace

float Linear::dotRow(int r, const float* x) const
{
    const int g = format_.groupSize;
    const std::uint16_t* sc = scales_.data() + size_t(r) * groups_;
    float acc = 0;
    for (int gi = 0; gi < groups_; ++gi) {
        const float d = format_.precision == Precision::INT8
                            ? dotInt8(q8_.data() + size_t(r) * in_ + size_t(gi) * g, x + gi * g, g)
                            : dotInt4(q4_.data() + (size_t(r) * in_ + size_t(gi) * g) / 2, x + gi * g, g);
        acc += d * halfToFloat(sc[gi]);
    }
    return acc;
}

void Linear::dequantizeRows(int r0, int n, float* out) const
{
    if (format_.precision == Precision::FP16) return kernels::halfToFloat(h16_.data() + size_t(r0) * in_, out, n * in_);
    if (format_.precision == Precision::BF16) return kernels::bf16ToFloat(h16_.data() + size_t(r0) * in_, out, n * in_);
    const int g = format_.groupSize;
    for (int r = r0; r < r0 + n; ++r, out += in_) {
        const std::uint16_t* sc = scales_.data() + size_t(r) * groups_;
        if (format_.precision == Precision::INT8) {
            const std::int8_t* q = q8_.data() + size_t(r) * in_;
            for (int gi = 0; gi < groups_; ++gi) unpackInt8(q + gi * g, halfToFloat(sc[gi]), out + gi * g, g);
        } else {
            const std::uint8_t* p = q4_.data() + size_t(r) * in_ / 2; // rows start on even elements
            for (int gi = 0; gi < groups_; ++gi) unpackInt4(p + gi * g / 2, halfToFloat(sc[gi]), out + gi * g, g / 2);
        }
    }
}

bool Linear::integerProducts() const
{
    return (format_.precision == Precision::INT8 || format_.precision == Precision::INT4) &&
           format_.groupSize % kernels::kBlock == 0;
}

void Linear::applyInteger(const RowMatrix& x, RowMatrix& y) const
{
    const int rows = static_cast<int>(x.rows());
    y.resize(rows, out_);
    kernels::QuantizedRows xq; // once per call, shared by every worker
    xq.assign(x.data(), rows, in_, in_);
    const int blocks = in_ / kernels::kBlock;
    const int threads = oneapi::tbb::this_task_arena::max_concurrency();
    // Groups of 8 rows; a prompt gives each much work, so panels of 3 groups balance the workers.
    const int groups = (out_ + 7) / 8;
    const int grain = rows > 1 ? 3 : std::max(8, groups / (4 * threads));
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int>(0, groups, grain), [&](const auto& r) {
        const int o = r.begin() * 8, k = std::min(out_, r.end() * 8) - o;
        const std::uint16_t* wd = packedScales_.data() + size_t(r.begin()) * blocks * 8;
        if (format_.precision == Precision::INT4)
            kernels::gemmInt4(q4_.data() + size_t(r.begin()) * kernels::int4GroupBytes(in_), wd, k, xq, y.data() + o, out_);
        else
            kernels::gemmInt8(q8_.data() + size_t(r.begin()) * kernels::int8GroupBytes(in_), wd, k, xq, y.data() + o, out_);
        if (hasBias()) y.middleCols(o, k).rowwise() += bias_.segment(o, k).transpose();
    });
}

void Linear::apply(const RowMatrix& x, RowMatrix& y) const
{
    if (integerProducts()) return applyInteger(x, y);
    const int rows = static_cast<int>(x.rows());
    y.resize(rows, out_);
    // Split the output features; each block streams its slice of W once for all rows.
    // Blocks of at least 64 outputs keep each task's GEMM efficient; a few per thread balance the load.
    const int threads = oneapi::tbb::this_task_arena::max_concurrency();
    const int grain = std::max(64, out_ / (4 * threads));
    // The AVX2 dot-product kernels where the CPU has them (Eigen's GEMM is built for the
    // portable baseline, SSE2); Eigen elsewhere.
    const bool vector = kernels::vectorKernels();
    // A batch step's 6-8 rows: interleaved once, then broadcast against each weight value (one
    // pass over the weights, no horizontal sums; see kernels::gemmF32Interleaved8). Fewer rows
    // leave too many lanes idle; a prompt's many rows reuse the tiles' panels from L2.
    std::vector<float> interleaved;
    if (vector && format_.precision == Precision::FP32 && rows >= 6 && rows <= 8) {
        interleaved.resize(size_t(in_) * 8);
        kernels::interleaveRows8(x.data(), in_, rows, in_, interleaved.data());
    }
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<int>(0, out_, grain), [&](const auto& r) {
        const int n = r.end() - r.begin();
        // Weight panels of kPanel rows stay in L1/L2 while every activation row passes them.
        constexpr int kPanel = 24;
        if (!interleaved.empty()) {
            kernels::gemmF32Interleaved8(w_.data() + size_t(r.begin()) * in_, in_, n, interleaved.data(), rows, in_, y.data() + r.begin(), out_);
        } else if (format_.precision == Precision::FP32 && vector) {
            for (int o = r.begin(); o < r.end(); o += kPanel) {
                const int k = std::min(kPanel, r.end() - o);
                kernels::gemmF32(w_.data() + size_t(o) * in_, in_, k, x.data(), in_, rows, in_, y.data() + o, out_);
            }
        } else if (rows > 1 && rows <= 64 && format_.precision == Precision::FP32) {
            // Small weight panels keep GEMM packing inside the L1/L2 caches (about 2x faster up to 64 rows; larger blocks win beyond).
            for (int o = r.begin(); o < r.end(); o += kPanel) {
                const int k = std::min(kPanel, r.end() - o);
                y.middleCols(o, k).noalias() = x * w_.middleRows(o, k).transpose();
            }
        } else if (format_.precision == Precision::FP32) {
            y.middleCols(r.begin(), n).noalias() = x * w_.middleRows(r.begin(), n).transpose();
        } else if (rows == 1 && format_.precision == Precision::FP16) {
            kernels::rowsHalf(h16_.data() + size_t(r.begin()) * in_, n, in_, x.data(), y.data() + r.begin());
        } else if (rows == 1 && format_.precision == Precision::BF16) {
            kernels::rowsBf16(h16_.data() + size_t(r.begin()) * in_, n, in_, x.data(), y.data() + r.begin());
        } else if (rows == 1) {
            for (int o = r.begin(); o < r.end(); ++o) y(0, o) = dotRow(o, x.data());
        } else {
            // Unpack a panel into a cache-resident fp32 buffer, then a dense product:
            // the stored weights are read from memory once, the panel is reused by every row.
            thread_local RowMatrix tile;
            if (tile.rows() != kPanel || tile.cols() != in_) tile.resize(kPanel, in_);
            for (int o = r.begin(); o < r.end(); o += kPanel) {
                const int k = std::min(kPanel, r.end() - o);
                dequantizeRows(o, k, tile.data());
                if (vector) kernels::gemmF32(tile.data(), in_, k, x.data(), in_, rows, in_, y.data() + o, out_);
                else y.middleCols(o, k).noalias() = x * tile.topRows(k).transpose();
            }
        }
        if (hasBias()) y.middleCols(r.begin(), n).rowwise() += bias_.segment(r.begin(), n).transpose();
    });
}

} // namespace llmdse
