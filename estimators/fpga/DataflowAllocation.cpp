#include "estimators/fpga/DataflowAllocation.h"
#include "core/Errors.h"
#include "estimators/fpga/StageCost.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

double stageTokenCycles(const FpgaTarget& t, const StageWork& w, int lanes, int channels, int vectorLanes)
{
    return w.perToken * std::max(stageComputeCycles(w, lanes, vectorLanes), stageMemoryCycles(t, w, channels));
}

std::optional<DataflowAllocation> leastAllocation(const FpgaTarget& t, const std::vector<StageWork>& stages,
                                                  double tokenCycles, int vectorLanes)
{
    DataflowAllocation a;
    for (const StageWork& w : stages) {
        const double item = tokenCycles / w.perToken;
        const double matrix = item - w.vectorElements / vectorLanes; // cycles left for the MACs
        if (matrix <= 0) return std::nullopt;
        const double lanes = std::max(1.0, std::ceil(w.macs / matrix));
        const double ports = std::max(1.0, std::ceil(stageMemoryCycles(t, w, 1) / item));
        if (lanes > usefulLanes(w) || ports > t.ports) return std::nullopt;
        // ceil() of a quotient can land one above the least whole value that still reaches the target.
        int l = int(lanes), c = int(ports);
        if (l > 1 && stageComputeCycles(w, l - 1, vectorLanes) <= item) --l;
        if (c > 1 && stageMemoryCycles(t, w, c - 1) <= item) --c;
        a.lanes.push_back(l);
        a.channels.push_back(c);
        a.tokenCycles = std::max(a.tokenCycles, stageTokenCycles(t, w, l, c, vectorLanes));
    }
    return a;
}

bool allocationFits(const FpgaTarget& t, const std::vector<StageWork>& stages, const DataflowAllocation& a,
                    int vectorLanes)
{
    FpgaResources used;
    int ports = 0;
    for (size_t i = 0; i < stages.size(); ++i) {
        used += stageResources(t, stages[i], a.lanes[i], a.channels[i], vectorLanes);
        ports += a.channels[i];
    }
    return ports <= t.ports && used.fitsIn(t.ceiling);
}

namespace {

// The interval is set; what the least allocation leaves of the budget goes to the lanes of
// compute-bound stages, up to where their memory stream bounds them. Nothing gets slower, and a
// single sequence's pass (the sum of the stages) gets faster.
void spareLanes(const FpgaTarget& t, const std::vector<StageWork>& stages, int vectorLanes, DataflowAllocation& a)
{
    for (size_t i = 0; i < stages.size(); ++i) {
        const StageWork& w = stages[i];
        const double matrix = stageMemoryCycles(t, w, a.channels[i]) - w.vectorElements / vectorLanes;
        if (matrix <= 0) continue;
        int lo = a.lanes[i], hi = std::min(usefulLanes(w), int(std::min(1e9, std::ceil(w.macs / matrix))));
        while (lo < hi) {
            const int mid = lo + (hi - lo + 1) / 2;
            a.lanes[i] = mid;
            if (allocationFits(t, stages, a, vectorLanes)) lo = mid;
            else hi = mid - 1;
        }
        a.lanes[i] = lo;
    }
    a.tokenCycles = 0;
    for (size_t i = 0; i < stages.size(); ++i)
        a.tokenCycles = std::max(a.tokenCycles, stageTokenCycles(t, stages[i], a.lanes[i], a.channels[i], vectorLanes));
}

} // namespace

DataflowAllocation allocateDataflow(const FpgaTarget& t, const std::vector<StageWork>& stages, int vectorLanes,
                                    double tolerance)
{
    DataflowAllocation least;
    least.lanes.assign(stages.size(), 1);
    least.channels.assign(stages.size(), 1);
    if (int(stages.size()) > t.ports || !allocationFits(t, stages, least, vectorLanes))
        throw InputError("", "hardware",
                         "the part '" + t.part.id + "' cannot hold " + std::to_string(stages.size()) +
                             " dataflow stages with one lane and one memory port each (it has " +
                             std::to_string(t.ports) + " ports); use --style overlay");
    double hi = 0;
    for (size_t i = 0; i < stages.size(); ++i) hi = std::max(hi, stageTokenCycles(t, stages[i], 1, 1, vectorLanes));
    double lo = 0; // no allocation reaches a zero interval
    DataflowAllocation best = *leastAllocation(t, stages, hi, vectorLanes);
    for (int i = 0; i < 200 && hi - lo > tolerance * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        const auto a = leastAllocation(t, stages, mid, vectorLanes);
        if (a && allocationFits(t, stages, *a, vectorLanes)) {
            best = *a;
            hi = a->tokenCycles; // what the allocation reaches, at most mid
        } else {
            lo = mid;
        }
    }
    spareLanes(t, stages, vectorLanes, best);
    best.gap = lo > 0 ? best.tokenCycles / lo - 1 : 0;
    return best;
}

} // namespace llmdse
