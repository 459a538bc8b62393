#pragma once
// Arithmetic counted per element for non-matmul operators. Shared by the
// operator graph (which predicts) and the reference engine (which measures),
// so the two count the same things the same way.
namespace llmdse::conventions {

constexpr double kRmsNormFlops = 4;    // square, accumulate, scale, weight
constexpr double kLayerNormFlops = 7;
constexpr double kRopeFlops = 3;       // x*cos + rot(x)*sin
constexpr double kGatedActFlops = 4;   // silu (exp, add, divide) times up
constexpr double kResidualFlops = 1;
constexpr double kRouterFlops = 5;     // softmax (exp, sum, divide) + top-k compare + renormalise
constexpr double kCombineFlops = 2;    // weighted accumulate of expert outputs
constexpr double kKvQuantiseFlops = 2; // scale and round, only when the cache format differs

// Sparse weights.
constexpr double kTwoFourIndexBytes = 0.25;     // 2-bit position of each kept value in its group of 4
constexpr double kBitmapBytesPerElement = 0.125; // 1-bit occupancy per weight (unstructured)
constexpr double kSparseExpandFlops = 2;         // test the bit, place the value: per weight expanded

// SnapKV selection per (query, key) score beyond the dot product: softmax (3), sum over the
// group's query heads and the window (1), pooling (1), top-k compare (2).
constexpr double kSnapScoreFlops = 7;

} // namespace llmdse::conventions
