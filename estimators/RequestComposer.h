#pragma once
// How one request's phases become metrics, the same for every estimator:
// the image encoder and prefill; decode, plain or speculative (the draft's
// steps plus one verification step per expected accepted run); the contexts
// that KV compression leaves and sliding windows bound; reasoning tokens before
// the answer; microbatches through pipeline stages (PipelineSchedule.h). An
// estimator supplies only the cost of a phase's operator graph.
#include "core/Design.h"
#include "core/Metrics.h"
#include "models/OpGraph.h"

#include <functional>
#include <memory>
#include <vector>

namespace llmdse {

class PhaseCoster {
public:
    virtual ~PhaseCoster() = default;
    // The sum of `n` steps of `g` whose contexts run evenly from `cFirst` to `cLast`
    // (prefill: n = 1 at context 0). Per-op costs, when asked for, are per step.
    virtual PhaseCost cost(const OpGraph& g, double cFirst, double cLast, double n, std::vector<OpCost>* ops) const = 0;
    // Static power of every powered device while none of them works: what pipeline stages waiting for
    // a microbatch, or a target waiting for its draft's device, still draw.
    virtual double idlePowerW() const = 0;
};

// A coster for another design (the draft's device when it differs from the target's).
using PhaseCosterFactory = std::function<std::unique_ptr<PhaseCoster>(const Design&)>;

struct RequestGraphs { // reused between evaluations so a sweep thread does not allocate
    OpGraph prefill, decode, encoder, draftPrefill, draftDecode, draftCatchUp;
    OpGraph saturated; // a decode graph past its sliding window
};

// Fills every phase of `out` and the request-level metrics (summarisePhases).
void composeRequest(const Design& d, const PhaseCoster& target, const PhaseCosterFactory& otherDevice, Metrics& out,
                    RequestGraphs& graphs, bool withOps);

} // namespace llmdse
