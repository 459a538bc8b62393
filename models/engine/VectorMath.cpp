#include "models/engine/VectorMath.h"
#include "models/engine/Avx2.h"
#include "models/engine/WeightKernels.h"

#include <Eigen/Dense>
#include <algorithm>
#include <limits>

namespace llmdse::kernels {

namespace {

using Row = Eigen::Map<Eigen::ArrayXf>;
using ConstRow = Eigen::Map<const Eigen::ArrayXf>;
constexpr float kSqrt2OverPi = 0.7978845608028654f; // gelu_pytorch_tanh's constants
constexpr float kGeluCubic = 0.044715f;

void siluGatePortable(const float* g, const float* up, float* out, int n)
{
    const ConstRow a(g, n), u(up, n);
    Row(out, n) = a / (1.0f + (-a).exp()) * u;
}

void geluTanhGatePortable(const float* g, const float* up, float* out, int n)
{
    const ConstRow a(g, n), u(up, n);
    Row(out, n) = 0.5f * a * (1.0f + (kSqrt2OverPi * (a + kGeluCubic * a * a * a)).tanh()) * u;
}

void softmaxScaledPortable(float* s, int n, float scale)
{
    Row r(s, n);
    r = ((r - r.maxCoeff()) * scale).exp();
    r /= r.sum();
}

float sumPortable(const float* x, std::size_t n) { return ConstRow(x, Eigen::Index(n)).sum(); }

int argmaxPortable(const float* x, int n)
{
    int best = 0;
    for (int i = 1; i < n; ++i)
        if (x[i] > x[best] || (x[best] != x[best] && x[i] == x[i])) best = i;
    return best;
}

using avx2::hmax;
using avx2::hsum;

// e^x: x = k ln2 + r with |r| <= ln2 / 2, e^r by its Taylor series to r^7 (the next term is
// below 6e-9 relative, under float's rounding), 2^k put into the exponent bits. x is clamped
// to [-87.3, 88.3] so that 2^k stays a normal float; NaN passes through (min/max return their
// second operand, x, when it is NaN).
LLMDSE_AVX2 __m256 exp8(__m256 x)
{
    x = _mm256_max_ps(_mm256_set1_ps(-87.3f), _mm256_min_ps(_mm256_set1_ps(88.3f), x));
    const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln2 in two parts, so that k * ln2's high part is exact.
    __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693145751953125f), x);
    r = _mm256_fnmadd_ps(k, _mm256_set1_ps(1.428606765330187e-06f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

LLMDSE_AVX2 __m256 silu8(__m256 g)
{
    return _mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
}

// 0.5 g (1 + tanh z) = g - g / (e^(2z) + 1): tanh through exp, saturating cleanly at both ends.
LLMDSE_AVX2 __m256 geluTanh8(__m256 g)
{
    const __m256 z = _mm256_mul_ps(_mm256_set1_ps(kSqrt2OverPi), _mm256_fmadd_ps(_mm256_mul_ps(_mm256_set1_ps(kGeluCubic), g), _mm256_mul_ps(g, g), g));
    const __m256 e = exp8(_mm256_add_ps(z, z));
    return _mm256_sub_ps(g, _mm256_div_ps(g, _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
}

template <__m256 (*F)(__m256)>
LLMDSE_AVX2 void gateAvx2(const float* g, const float* up, float* out, int n)
{
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_mul_ps(F(_mm256_loadu_ps(g + i)), _mm256_loadu_ps(up + i)));
    if (i == n) return;
    alignas(32) float a[8] = {}, u[8] = {}, o[8];
    std::copy(g + i, g + n, a);
    std::copy(up + i, up + n, u);
    _mm256_store_ps(o, _mm256_mul_ps(F(_mm256_load_ps(a)), _mm256_load_ps(u)));
    std::copy_n(o, n - i, out + i);
}

LLMDSE_AVX2 void softmaxScaledAvx2(float* s, int n, float scale)
{
    __m256 mx = _mm256_set1_ps(s[0]);
    int j = 0;
    for (; j + 8 <= n; j += 8) mx = _mm256_max_ps(mx, _mm256_loadu_ps(s + j));
    float m = hmax(mx);
    for (; j < n; ++j) m = std::max(m, s[j]);
    const __m256 mv = _mm256_set1_ps(m), sv = _mm256_set1_ps(scale);
    __m256 sum = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(s + i), mv), sv));
        _mm256_storeu_ps(s + i, e);
        sum = _mm256_add_ps(sum, e);
    }
    float total = hsum(sum);
    if (i < n) {
        alignas(32) float t[8];
        std::fill(t, t + 8, m); // padding lanes give e^0, not counted below
        std::copy(s + i, s + n, t);
        _mm256_store_ps(t, exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_load_ps(t), mv), sv)));
        for (int k = 0; k < n - i; ++k) total += s[i + k] = t[k];
    }
    const float inv = 1.0f / total;
    for (i = 0; i + 8 <= n; i += 8) _mm256_storeu_ps(s + i, _mm256_mul_ps(_mm256_loadu_ps(s + i), _mm256_set1_ps(inv)));
    for (; i < n; ++i) s[i] *= inv;
}

// Two passes over a row that is in the caches (the output head just wrote it): the largest value,
// then the first position that holds it.
LLMDSE_AVX2 int argmaxAvx2(const float* x, int n)
{
    __m256 m = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    int i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(_mm256_loadu_ps(x + i), m); // a NaN in x leaves m
    float top = hmax(m);
    for (; i < n; ++i) top = x[i] > top ? x[i] : top;
    if (top == -std::numeric_limits<float>::infinity()) return argmaxPortable(x, n); // all -inf or NaN
    const __m256 t = _mm256_set1_ps(top);
    for (i = 0; i + 8 <= n; i += 8) {
        const int hit = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(x + i), t, _CMP_EQ_OQ));
        if (hit) return i + __builtin_ctz(unsigned(hit));
    }
    for (; i < n; ++i)
        if (x[i] == top) return i;
    return 0;
}

LLMDSE_AVX2 float sumAvx2(const float* x, std::size_t n)
{
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x + i));
        a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x + i + 8));
        a2 = _mm256_add_ps(a2, _mm256_loadu_ps(x + i + 16));
        a3 = _mm256_add_ps(a3, _mm256_loadu_ps(x + i + 24));
    }
    float s = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; i < n; ++i) s += x[i];
    return s;
}

} // namespace

float sumFloats(const float* x, std::size_t n) { return vectorKernels() ? sumAvx2(x, n) : sumPortable(x, n); }

int argmax(const float* x, int n) { return vectorKernels() ? argmaxAvx2(x, n) : argmaxPortable(x, n); }

void siluGate(const float* g, const float* up, float* out, int n)
{
    vectorKernels() ? gateAvx2<silu8>(g, up, out, n) : siluGatePortable(g, up, out, n);
}

void geluTanhGate(const float* g, const float* up, float* out, int n)
{
    vectorKernels() ? gateAvx2<geluTanh8>(g, up, out, n) : geluTanhGatePortable(g, up, out, n);
}

void softmaxScaled(float* s, int n, float scale)
{
    vectorKernels() ? softmaxScaledAvx2(s, n, scale) : softmaxScaledPortable(s, n, scale);
}

} // namespace llmdse::kernels
