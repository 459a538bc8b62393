#pragma once
// Tile-level, cycle-approximate simulation of C[m x n] = A[m x k] . B[k x n] on
// an accelerator template. A mapping search tries tile sizes that fit the
// double-buffered local SRAM, two loop orders (which operand the global buffer
// keeps) and the engines (the systolic array in the template's dataflow, or the
// vector unit), and keeps the fastest. Each tile's time is the slowest of its
// compute (array folds, with fill and drain), local-SRAM reads, global-buffer
// fills and its share of off-chip traffic, which double buffering overlaps.
// Tiles of equal shape are costed once (closed form), so a 4096^3 product takes
// microseconds to simulate.
#include "estimators/simulation/OpSim.h"
#include "estimators/simulation/TemplateRates.h"

namespace llmdse {

struct MatmulShape {
    double m = 1, n = 1, k = 1;     // per instance
    double instances = 1;           // independent products (heads, experts)
    double aBytes = 2, bBytes = 2, oBytes = 2; // per element; B is the weight (or K / V) operand
    Precision precision = Precision::FP16;     // requested MAC precision
    double causal = 1;              // fraction of (m, n) output tiles computed (causal attention)
    bool aOnChip = false;           // A already sits in the global buffer (no off-chip read)
    bool oOnChip = false;           // C stays in the global buffer (no off-chip write)
};

OpSim simulateMatmul(const MatmulShape& s, const TemplateRates& r);

} // namespace llmdse
