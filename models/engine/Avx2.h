#pragma once
// For the engine's hand-dispatched kernels (WeightKernels.cpp, VectorMath.cpp): the target
// attribute their AVX2 bodies carry (the files are built for the portable baseline, and a body
// runs only after kernels::vectorKernels() said yes) and horizontal reductions of one vector.
// Include from those .cpp files only.
#include <immintrin.h>

#define LLMDSE_AVX2 __attribute__((target("avx2,fma,f16c")))

namespace llmdse::kernels::avx2 {

LLMDSE_AVX2 inline float hmax(__m256 v)
{
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
}

LLMDSE_AVX2 inline float hsum(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

} // namespace llmdse::kernels::avx2
