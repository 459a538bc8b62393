#include "estimators/serving/ServingStudy.h"

#include <algorithm>
#include <chrono>

namespace llmdse {

SchedulerConfig schedulerFor(const RuntimeProfile& runtime)
{
    SchedulerConfig c;
    const SchedulerProfile& p = runtime.scheduler;
    if (!p.set) {
        c.mixed = c.chunk > 0;
        return c;
    }
    c.maxBatch = p.maxSequences;
    c.prefillBudget = p.maxBatchedTokens;
    c.chunk = p.chunkTokens;
    c.mixed = p.mixedBatches;
    c.stepsPerSchedule = p.stepsPerSchedule;
    c.preemption = p.preemption;
    c.order = p.order;
    c.prefixCaching = p.prefixCaching;
    c.scheduleOverheadS = p.scheduleOverheadS;
    c.swapBytesPerS = p.swapBytesPerS;
    return c;
}

ServingOutcome ServingStudy::run(ServingSetup su)
{
    ServingOutcome out;
    SchedulerConfig& c = su.config;
    int maxPrompt = 1, maxContext = 1;
    for (const auto& r : su.requests) {
        maxPrompt = std::max(maxPrompt, r.prompt);
        maxContext = std::max(maxContext, r.prompt + r.output);
    }
    // A step prefills at most a chunk (within the token budget), or whole prompts (after a preemption:
    // prompt + generated tokens).
    const int stepPrefill = c.chunk > 0 ? std::min(c.chunk, c.prefillBudget) : std::max(c.prefillBudget, maxContext);
    const int activationTokens = c.chunk > 0 ? std::min(c.chunk, c.prefillBudget) : std::max(c.prefillBudget, maxPrompt);
    out.kv = kvCacheBudget(est_, d_, c.blockSize, activationTokens, su.memoryFraction, !su.kvBlocksGiven,
                           su.memoryBasis);
    if (!su.kvBlocksGiven) c.kvBlocks = out.kv.blocks;
    c.kvBytesPerToken = out.kv.bytesPerToken;
    c.idlePowerW = d_.hardware.idleW * d_.parallel.devices();
    su.load.linkBytesPerS = d_.hardware.interconnect.bandwidthBytesPerS;
    su.load.linkLatencyS = d_.hardware.interconnect.latencyS;
    if (!table_ || c.maxBatch > batch_ || maxContext > context_ || stepPrefill > prefill_) {
        batch_ = std::max(batch_, c.maxBatch);
        context_ = std::max(context_, maxContext);
        prefill_ = std::max(prefill_, stepPrefill);
        const int before = table_ ? table_->evaluations() : 0;
        table_ = std::make_unique<StepCostTable>(est_, d_, batch_, context_, prefill_);
        table_->addEvaluations(before);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const ServingRun run = simulateServing(su.requests, *table_, c, su.load);
    out.summary = summarise(su.requests, run, su.slo);
    out.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.config = c;
    out.load = su.load;
    out.estimatorEvaluations = table_->evaluations();
    return out;
}

ServingOutcome runServing(const Estimator& est, const Design& d, ServingSetup setup)
{
    return ServingStudy(est, d).run(std::move(setup));
}

int kneeOf(const std::vector<LoadPoint>& points)
{
    if (points.empty() || points[0].outcome.summary.ttftS.count == 0) return -1;
    const double base = points[0].outcome.summary.ttftS.p50;
    for (size_t i = 1; i < points.size(); ++i) {
        const Distribution& t = points[i].outcome.summary.ttftS;
        if (t.count == 0 || t.p50 >= 2 * base) return int(i);
    }
    return -1;
}

} // namespace llmdse
