#pragma once
// One serving simulation end to end, as `llmdse serve-sim` and the workbench's
// Serving view run it: size the KV cache from device memory (unless given),
// build the step-cost grid from the estimator, simulate, summarise.
#include "core/Design.h"
#include "estimators/Estimator.h"
#include "estimators/serving/KvCacheBudget.h"
#include "estimators/serving/ServingSummary.h"

#include <string>
#include <vector>

namespace llmdse {

struct ServingSetup {
    std::vector<Request> requests;   // sorted by arrival
    SchedulerConfig config;          // config.kvBlocks is replaced unless kvBlocksGiven
    bool kvBlocksGiven = false;
    double memoryFraction = 0.9;
    LatencySlo slo;
};

struct ServingOutcome {
    ServingSummary summary;
    SchedulerConfig config;          // as run (KV blocks filled in)
    KvCacheBudget kv;                // when sized from memory
    double wallS = 0;                // simulation and summary, without building the grid
    int estimatorEvaluations = 0;    // grid points the estimator was asked for
};

// Throws InputError naming the option at fault.
ServingOutcome runServing(const Estimator& est, const Design& d, ServingSetup setup);

} // namespace llmdse
