#include "estimators/PipelineSchedule.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

PipelinePlan planPipeline(const Design& d)
{
    PipelinePlan p;
    const int ep = std::max(1, d.parallel.expert);
    const int perMember = (d.workload.batch + ep - 1) / ep;
    p.stages = std::max(1, d.parallel.pipeline);
    p.microbatches = std::max(1, std::min(p.stages, perMember));
    p.microbatch = (perMember + p.microbatches - 1) / p.microbatches;
    p.passSequences = (d.workload.batch + p.microbatches - 1) / p.microbatches;
    p.layers = std::max(1, d.model.layers);
    return p;
}

double busiestStageS(const PhaseCost& pass, const PipelinePlan& plan)
{
    if (plan.stages <= 1) return pass.timeS;
    const StageTimes& s = pass.stages;
    const double handoff = s.handoffS / (plan.stages - 1);
    const double layersS = std::max(0.0, pass.timeS - s.firstS - s.lastS - s.handoffS);
    const double perStage = std::ceil(double(plan.layers) / plan.stages);
    return layersS / plan.layers * perStage + std::max(s.firstS + handoff, s.lastS);
}

PhaseCost pipelined(const PhaseCost& pass, const PipelinePlan& plan, double idleW, bool fill)
{
    const double m = plan.microbatches;
    if (plan.stages <= 1 && m <= 1) return pass;
    const double busiest = busiestStageS(pass, plan);
    const double time = fill ? pass.timeS + (m - 1) * busiest : std::max(pass.timeS, m * busiest);
    PhaseCost r = pass.scaled(m);
    r.energyJ = m * pass.energyJ - (m * pass.timeS - time) * idleW;
    r.timeS = time;
    const double f = pass.timeS > 0 ? time / pass.timeS : 0;
    r.breakdown = pass.breakdown.scaled(f);
    r.stages = pass.stages.scaled(f);
    return r;
}

} // namespace llmdse
