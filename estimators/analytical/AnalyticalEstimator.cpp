#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/PhaseCosting.h"

namespace llmdse {

namespace {

// Roofline + profile costs of a phase graph on one design's device.
class AnalyticalCoster : public PhaseCoster {
public:
    explicit AnalyticalCoster(const Design& d) : prefill_(d, Phase::Prefill), decode_(d, Phase::Decode), energy_(d) {}
    PhaseCost cost(const OpGraph& g, double cFirst, double cLast, double n, std::vector<OpCost>* ops) const override
    {
        const TargetRates& rates = g.phase == Phase::Prefill ? prefill_ : decode_;
        // Steps spaced `stride` tokens apart: the same graph with its context terms stretched.
        const double stride = n > 1 ? (cLast - cFirst) / (n - 1) : 1.0;
        if (stride == 1.0 || stride <= 0) return costPhase(g, rates, energy_, cFirst, n, ops);
        return costPhase(strided(g, stride), rates, energy_, cFirst / stride, n, ops);
    }
    double idlePowerW() const override { return energy_.idlePowerW(); }

private:
    TargetRates prefill_, decode_;
    EnergyModel energy_;
};

} // namespace

Metrics AnalyticalEstimator::estimate(const Design& d, bool withOps) const
{
    Metrics m;
    Scratch s;
    evaluate(d, m, s, withOps);
    return m;
}

void AnalyticalEstimator::evaluate(const Design& d, Metrics& out, Scratch& s, bool withOps) const
{
    const AnalyticalCoster coster(d);
    composeRequest(d, coster, [](const Design& other) { return std::make_unique<AnalyticalCoster>(other); }, out, s,
                   withOps);
    requireFiniteMetrics(out);
}

} // namespace llmdse
