#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/PhaseSummary.h"
#include "estimators/analytical/PhaseCosting.h"

namespace llmdse {

namespace {

PhaseCost scaled(const PhaseCost& p, double f)
{
    PhaseCost r = p;
    r.timeS *= f;
    r.energyJ *= f;
    r.flops *= f;
    r.bytes *= f;
    r.breakdown = p.breakdown.scaled(f);
    return r;
}

} // namespace

Metrics AnalyticalEstimator::evaluate(const Design& d, bool withOps) const
{
    Metrics m;
    Scratch s;
    evaluate(d, m, s, withOps);
    return m;
}

void AnalyticalEstimator::evaluate(const Design& d, Metrics& out, Scratch& s, bool withOps) const
{
    const auto& w = d.workload;
    out.ops.clear();
    std::vector<OpCost>* ops = withOps ? &out.ops : nullptr;
    EnergyModel energy(d);

    buildPrefill(d.model, d.opts, d.parallel, w.batch, w.prompt, s.prefill);
    out.prefill = costPhase(s.prefill, TargetRates(d, Phase::Prefill), energy, 0, 1, ops);

    // Token 1 comes from prefill; decode steps 2..N attend over S+1 .. S+N-1 tokens.
    buildDecode(d.model, d.opts, d.parallel, w.batch, s.decode);
    const TargetRates decodeRates(d, Phase::Decode);
    const double steps = w.output - 1;
    const double firstContext = w.prompt + 1;
    const bool atContext = w.context > 0;
    out.decodeTotal = costPhase(s.decode, decodeRates, energy, firstContext, steps, atContext ? nullptr : ops);
    if (atContext || steps <= 0)
        out.decodeStep = costPhase(s.decode, decodeRates, energy, atContext ? w.context : firstContext, 1, ops);
    else
        out.decodeStep = scaled(out.decodeTotal, 1.0 / steps);

    summarisePhases(d, out);
}

} // namespace llmdse
