#include "models/gguf/GgmlBlocks.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace llmdse {

const char* toString(GgmlType t)
{
    switch (t) {
    case GgmlType::F32: return "f32";
    case GgmlType::F16: return "f16";
    case GgmlType::Q4_0: return "q4_0";
    case GgmlType::Q8_0: return "q8_0";
    }
    return "?";
}

std::size_t ggmlBytes(GgmlType t, std::int64_t n)
{
    switch (t) {
    case GgmlType::F32: return std::size_t(n) * 4;
    case GgmlType::F16: return std::size_t(n) * 2;
    case GgmlType::Q8_0: return std::size_t(n / kGgmlBlock) * (2 + 32);
    case GgmlType::Q4_0: return std::size_t(n / kGgmlBlock) * (2 + 16);
    }
    return 0;
}

std::uint16_t fp32ToFp16(float f)
{
    std::uint32_t x;
    std::memcpy(&x, &f, 4);
    const std::uint32_t sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
    if (a >= 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u)); // inf, NaN
    if (a >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u); // from 65520 on, rounds to infinity
    if (a < 0x38800000u) { // below 2^-14: a subnormal half; |f| * 2^24 is exact, rint rounds to even
        float af;
        std::memcpy(&af, &a, 4);
        return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(std::nearbyint(af * 16777216.0f)));
    }
    std::uint32_t h = ((((a >> 23) - 127 + 15) << 10) | ((a & 0x7fffffu) >> 13));
    const std::uint32_t rest = a & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h; // may carry into the exponent: still correct
    return static_cast<std::uint16_t>(sign | h);
}

float fp16ToFp32(std::uint16_t h)
{
    const std::uint32_t sign = std::uint32_t(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0) { // zero or subnormal: mant * 2^-24
        const float v = float(mant) * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    const std::uint32_t bits = exp == 31 ? (sign | 0x7f800000u | (mant << 13)) : (sign | ((exp + 112) << 23) | (mant << 13));
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

namespace {

void putHalf(std::vector<std::uint8_t>& out, float v)
{
    const std::uint16_t h = fp32ToFp16(v);
    out.push_back(static_cast<std::uint8_t>(h & 0xff));
    out.push_back(static_cast<std::uint8_t>(h >> 8));
}

float getHalf(const std::uint8_t* p) { return fp16ToFp32(static_cast<std::uint16_t>(p[0] | (p[1] << 8))); }

// Q8_0: scale = max|x| / 127, q = round(x / scale), ties away from zero (roundf).
void encodeQ8(const float* x, std::vector<std::uint8_t>& out)
{
    float amax = 0.0f;
    for (int j = 0; j < kGgmlBlock; ++j) amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
    putHalf(out, d);
    for (int j = 0; j < kGgmlBlock; ++j) out.push_back(static_cast<std::uint8_t>(static_cast<std::int8_t>(std::roundf(x[j] * id))));
}

// Q4_0: the value of largest magnitude m (its sign kept) maps to -8: scale = m / -8; the
// nibble is x / scale + 8 truncated after adding 0.5, capped at 15. Element j and j + 16 share
// byte j (low, high nibble).
void encodeQ4(const float* x, std::vector<std::uint8_t>& out)
{
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < kGgmlBlock; ++j)
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    const float d = max / -8.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
    putHalf(out, d);
    for (int j = 0; j < kGgmlBlock / 2; ++j) {
        const auto lo = static_cast<std::uint8_t>(std::min(15, int(static_cast<std::int8_t>(x[j] * id + 8.5f))));
        const auto hi = static_cast<std::uint8_t>(std::min(15, int(static_cast<std::int8_t>(x[j + 16] * id + 8.5f))));
        out.push_back(static_cast<std::uint8_t>(lo | (hi << 4)));
    }
}

} // namespace

void encodeRow(GgmlType t, const float* x, std::int64_t n, std::vector<std::uint8_t>& out)
{
    switch (t) {
    case GgmlType::F32: {
        const auto* b = reinterpret_cast<const std::uint8_t*>(x);
        out.insert(out.end(), b, b + n * 4);
        return;
    }
    case GgmlType::F16:
        for (std::int64_t i = 0; i < n; ++i) putHalf(out, x[i]);
        return;
    case GgmlType::Q8_0:
        for (std::int64_t i = 0; i < n; i += kGgmlBlock) encodeQ8(x + i, out);
        return;
    case GgmlType::Q4_0:
        for (std::int64_t i = 0; i < n; i += kGgmlBlock) encodeQ4(x + i, out);
        return;
    }
}

void decodeRow(GgmlType t, const std::uint8_t* p, std::int64_t n, float* out)
{
    switch (t) {
    case GgmlType::F32: std::memcpy(out, p, std::size_t(n) * 4); return;
    case GgmlType::F16:
        for (std::int64_t i = 0; i < n; ++i) out[i] = getHalf(p + 2 * i);
        return;
    case GgmlType::Q8_0:
        for (std::int64_t b = 0; b < n / kGgmlBlock; ++b, p += 34) {
            const float d = getHalf(p);
            for (int j = 0; j < kGgmlBlock; ++j) out[b * kGgmlBlock + j] = d * float(static_cast<std::int8_t>(p[2 + j]));
        }
        return;
    case GgmlType::Q4_0:
        for (std::int64_t b = 0; b < n / kGgmlBlock; ++b, p += 18) {
            const float d = getHalf(p);
            for (int j = 0; j < kGgmlBlock / 2; ++j) {
                out[b * kGgmlBlock + j] = d * float(int(p[2 + j] & 0x0f) - 8);
                out[b * kGgmlBlock + j + 16] = d * float(int(p[2 + j] >> 4) - 8);
            }
        }
        return;
    }
}

} // namespace llmdse
