#pragma once
// The weight encodings llama.cpp reads from GGUF files: IEEE half floats and the
// Q8_0 / Q4_0 blocks of 32 weights with one half-precision scale. The arithmetic
// follows ggml's reference quantiser (the one its conversion scripts use), so a file
// written here holds the same bytes llama.cpp's own tools would write.
#include <cstdint>
#include <cstddef>
#include <vector>

namespace llmdse {

enum class GgmlType : std::uint32_t { F32 = 0, F16 = 1, Q4_0 = 2, Q8_0 = 8 };
const char* toString(GgmlType t);

constexpr int kGgmlBlock = 32; // weights per Q8_0 / Q4_0 block

// Bytes of `n` values (n a multiple of the block for quantised types).
std::size_t ggmlBytes(GgmlType t, std::int64_t n);

// IEEE 754 binary16, rounding to nearest, ties to even (as numpy and ggml convert).
std::uint16_t fp32ToFp16(float f);
float fp16ToFp32(std::uint16_t h);

// Appends `n` values of `x` in format `t` to `out` (n a multiple of 32 for Q8_0 / Q4_0).
void encodeRow(GgmlType t, const float* x, std::int64_t n, std::vector<std::uint8_t>& out);
// Decodes `n` values from `data` (inverse of encodeRow up to the format's rounding).
void decodeRow(GgmlType t, const std::uint8_t* data, std::int64_t n, float* out);

} // namespace llmdse
