#include "estimators/serving/ServingStudy.h"
#include "estimators/serving/StepCostTable.h"

#include <algorithm>
#include <chrono>

namespace llmdse {

ServingOutcome runServing(const Estimator& est, const Design& d, ServingSetup su)
{
    ServingOutcome out;
    SchedulerConfig& c = su.config;
    int maxPrompt = 1, maxContext = 1;
    for (const auto& r : su.requests) {
        maxPrompt = std::max(maxPrompt, r.prompt);
        maxContext = std::max(maxContext, r.prompt + r.output);
    }
    // A step prefills at most a chunk, or whole prompts (after a preemption: prompt + generated tokens).
    const int stepPrefill = c.chunk > 0 ? c.chunk : std::max(c.prefillBudget, maxContext);
    if (!su.kvBlocksGiven) {
        out.kv = kvCacheBudget(est, d, c.blockSize, c.chunk > 0 ? c.chunk : std::max(c.prefillBudget, maxPrompt),
                               su.memoryFraction);
        c.kvBlocks = out.kv.blocks;
    }
    c.idlePowerW = d.hardware.idleW * d.parallel.devices();
    StepCostTable table(est, d, c.maxBatch, maxContext, stepPrefill);
    const auto t0 = std::chrono::steady_clock::now();
    const ServingRun run = simulateServing(su.requests, table, c);
    out.summary = summarise(su.requests, run, su.slo);
    out.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.config = c;
    out.estimatorEvaluations = int(table.evaluations());
    return out;
}

} // namespace llmdse
