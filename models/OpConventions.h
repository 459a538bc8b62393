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

} // namespace llmdse::conventions
