#pragma once
// Serving simulations end to end, as `llmdse serve-sim` and the workbench's
// Serving view run them: size the KV cache from device memory (unless given),
// build the step-cost grid from the estimator, simulate, summarise. A study
// keeps its grid across runs (a sweep over load levels evaluates it once).
#include "core/Design.h"
#include "estimators/Estimator.h"
#include "estimators/serving/KvCacheBudget.h"
#include "estimators/serving/ServingSummary.h"
#include "estimators/serving/StepCostTable.h"

#include <memory>
#include <string>
#include <vector>

namespace llmdse {

struct ServingSetup {
    std::vector<Request> requests;   // open-loop ones sorted by arrival
    SchedulerConfig config;          // config.kvBlocks is replaced unless kvBlocksGiven
    ServingLoad load;
    bool kvBlocksGiven = false;
    double memoryFraction = 0.9;
    MemoryBasis memoryBasis = MemoryBasis::Device;
    LatencySlo slo;
};

struct ServingOutcome {
    ServingSummary summary;
    SchedulerConfig config;          // as run (KV blocks filled in)
    ServingLoad load;
    KvCacheBudget kv;                // when sized from memory
    double wallS = 0;                // simulation and summary, without building the grid
    int estimatorEvaluations = 0;    // grid points the estimator was asked for (so far in the study)
};

// The scheduler a runtime profile describes (its defaults without a "scheduler" object).
SchedulerConfig schedulerFor(const RuntimeProfile& runtime);

class ServingStudy {
public:
    ServingStudy(const Estimator& est, Design d) : est_(est), d_(std::move(d)) {}
    // Throws InputError naming the option at fault.
    ServingOutcome run(ServingSetup setup);

private:
    const Estimator& est_;
    Design d_;
    std::unique_ptr<StepCostTable> table_;
    int batch_ = 0, context_ = 0, prefill_ = 0; // the grid's bounds
};

ServingOutcome runServing(const Estimator& est, const Design& d, ServingSetup setup);

// One simulation per load level (requests/s or clients) and the knee: the first level at which the
// median time to first token reaches twice its value at the lightest level (queueing dominates); -1: none.
struct LoadPoint {
    double load = 0;
    ServingOutcome outcome;
};
int kneeOf(const std::vector<LoadPoint>& points);

} // namespace llmdse
