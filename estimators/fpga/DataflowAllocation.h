#pragma once
// The dataflow allocator: MAC lanes and memory ports per stage that minimise the longest
// stage's time per token (the pipeline's initiation interval) within the part's usable
// DSP, BRAM, URAM and LUT and its ports.
//
// Why it is optimal: a stage's interval only shrinks and every resource it uses only grows
// as its lanes or ports grow. So for a target interval T each stage has a least allocation
// (the fewest lanes and the fewest ports that reach T), and it needs no more of any resource
// than any other allocation reaching T. If any allocation reaches T, the least ones together
// fit. Feasibility is therefore monotone in T, and bisection on T finds the optimum to any
// tolerance; the returned gap bounds (interval / optimum - 1).
#include "estimators/fpga/FpgaTarget.h"

#include <optional>
#include <vector>

namespace llmdse {

struct DataflowAllocation {
    std::vector<int> lanes, channels;
    double tokenCycles = 0; // the longest stage's time per token
    double gap = 0;
};

// A stage's time per token: its items per token x its interval.
double stageTokenCycles(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes);

// The least allocation reaching `tokenCycles` per stage; nothing if some stage cannot reach it.
std::optional<DataflowAllocation> leastAllocation(const FpgaTarget& t, const std::vector<StageWork>& stages,
                                                  double tokenCycles, int vectorLanes);
bool allocationFits(const FpgaTarget& t, const std::vector<StageWork>& stages, const DataflowAllocation& a,
                    int vectorLanes);

// Throws InputError("hardware", ...) when even one lane and one port per stage do not fit.
DataflowAllocation allocateDataflow(const FpgaTarget& t, const std::vector<StageWork>& stages, int vectorLanes,
                                    double tolerance = 1e-9);

} // namespace llmdse
