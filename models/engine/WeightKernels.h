#pragma once
// The inner loops of Linear for stored weight formats other than fp32. Each has a portable
// body and an AVX2 one (F16C, FMA) chosen once at run time, so the portable build
// (LLMDSE_NATIVE=OFF) runs them at full speed on any x86-64 that has the instructions.
// Integer weights are multiplied against activations quantised to int8 per block of 32
// (as llama.cpp's Q8_0 does): the products are integer dot products (`maddubs`) and one
// float multiply-add per block, activation row and group of 8 weight rows remains. No
// AVX-512 / VNNI bodies: the development machine has neither to test them on.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace llmdse::kernels {

constexpr int kBlock = 32; // values per activation scale

// Rows of fp32 activations quantised per block: int8 values and one float scale a block.
struct QuantizedRows {
    int rows = 0, cols = 0, blocks = 0;
    std::vector<std::int8_t> q; // rows x cols
    std::vector<float> d;       // rows x blocks
    std::vector<std::int32_t> sums; // rows x blocks: sum of the block's int8 values (offset int4 weights subtract 8x it)
    void assign(const float* x, int rows, int cols, std::ptrdiff_t stride); // cols % kBlock == 0
    const std::int8_t* row(int r) const { return q.data() + std::size_t(r) * cols; }
    const float* scales(int r) const { return d.data() + std::size_t(r) * blocks; }
    const std::int32_t* blockSums(int r) const { return sums.data() + std::size_t(r) * blocks; }
};

// Whether this CPU runs the AVX2 bodies (gemmF32 exists only there; elsewhere Eigen's GEMM).
bool vectorKernels();
// y[j * ldy + i] = w row i . x row j (n values each), for wRows weight rows and xRows activation rows.
void gemmF32(const float* w, std::ptrdiff_t ldw, int wRows, const float* x, std::ptrdiff_t ldx, int xRows, int n, float* y,
             std::ptrdiff_t ldy);

// A batch step's 6-8 activation rows against fp32 weights, in broadcast form: the rows are
// interleaved per column once (xp[k * 8 + j] = row j's value k, rows past xRows zero), then each
// weight value is broadcast against all of them in one vector, 8 weight rows at a time. No
// horizontal sums and one pass over the weights. Against gemmF32's tiles on the development
// machine (alternated call by call): 8 rows 1.15-1.25x from cache and 1.08x on a 3.5 MB matrix,
// 6-7 rows 1.03-1.08x, 5 rows slower (0.90-0.96x: idle lanes).
void interleaveRows8(const float* x, std::ptrdiff_t ldx, int xRows, int n, float* xp);
// y[j * ldy + i] = w row i . x row j, for wRows weight rows and the xRows rows interleaved in xp.
void gemmF32Interleaved8(const float* w, std::ptrdiff_t ldw, int wRows, const float* xp, int xRows, int n, float* y,
                         std::ptrdiff_t ldy);

// y (rows x n) = a (rows x k) . b (k x n), all row-major and contiguous, n a multiple of 8:
// attention's probabilities against its value rows.
void rowsTimesMatrix(const float* a, int rows, int k, const float* b, int n, float* y);

// int8 weights for the integer products in the kernels' own layout: groups of 8 rows
// interleaved per block of 32 values (see WeightKernels.cpp), one fp16 scale per row and block.
// packInt8 takes values (rows x cols, cols % kBlock == 0) and scales (rows x cols / kBlock).
void packInt8(const std::int8_t* v, const std::uint16_t* d, int rows, int cols, std::vector<std::int8_t>& w,
              std::vector<std::uint16_t>& wd);
constexpr std::size_t int8GroupBytes(int cols) { return std::size_t(cols) * 8; } // one group of 8 rows
// y[j * ldy + i] = weight row i . x row j for `rows` rows starting at a group of 8 (w, wd point at it).
void gemmInt8(const std::int8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy);

// The same for int4 weights, values -8..7 stored two per byte.
void packInt4(const std::int8_t* v, const std::uint16_t* d, int rows, int cols, std::vector<std::uint8_t>& w,
              std::vector<std::uint16_t>& wd);
constexpr std::size_t int4GroupBytes(int cols) { return std::size_t(cols) / 2 * 8; }
void gemmInt4(const std::uint8_t* w, const std::uint16_t* wd, int rows, const QuantizedRows& x, float* y, std::ptrdiff_t ldy);

// fp16 and bf16 weights: y[i] = row i . fp32 x for `rows` contiguous rows of n values, and
// values converted to fp32.
void rowsHalf(const std::uint16_t* w, int rows, int n, const float* x, float* y);
void rowsBf16(const std::uint16_t* w, int rows, int n, const float* x, float* y);
void halfToFloat(const std::uint16_t* w, float* out, int n);
void bf16ToFloat(const std::uint16_t* w, float* out, int n);

} // namespace llmdse::kernels
