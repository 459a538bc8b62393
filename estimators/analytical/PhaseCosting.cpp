#include "estimators/analytical/PhaseCosting.h"
#include "estimators/analytical/AffineSum.h"

#include <algorithm>

namespace llmdse {

namespace {

Bound dominant(const TimeBreakdown& b)
{
    Bound best = Bound::Compute;
    double v = b.compute;
    if (b.memory > v) { best = Bound::Memory; v = b.memory; }
    if (b.overhead > v) { best = Bound::Overhead; v = b.overhead; }
    if (b.communication > v) best = Bound::Communication;
    return best;
}

} // namespace

PhaseCost costPhase(const OpGraph& g, const TargetRates& rates, const EnergyModel& energy, double c0, double n,
                    std::vector<OpCost>* ops)
{
    PhaseCost phase;
    if (n <= 0) return phase;
    const double traffic = 1.0;
    double dynamic = 0;
    double hostS = 0; // host time issuing the kernels (eager frameworks)
    const size_t firstOp = ops ? ops->size() : 0;
    for (const Op& op : g.ops) {
        const double active = energy.activeDevices(op);
        const OpTime t = timeOp(op, rates);
        const MaxSum ms = sumMaxAffine(t.compute, t.memory, c0, n);
        const double reps = op.count;
        hostS += n * reps * t.launches * rates.runtime->hostDispatchS;
        TimeBreakdown b;
        b.compute = ms.aDominant * reps;
        b.memory = (ms.total - ms.aDominant + n * t.serial) * reps;
        b.overhead = n * t.overhead * reps;
        b.communication = n * t.communication * reps;

        const double tf = rates.runtime->impl(op.cls).trafficFactor * traffic;
        // Energy follows the mean device's bytes; time the busiest device's (routed experts).
        const Affine moved{op.weightBytes * op.weightShare + op.actBytes.x0 * tf + op.kvBytes.x0,
                           op.actBytes.x1 * tf + op.kvBytes.x1};
        const double flops = sumAffine(op.flops, c0, n) * reps;
        const double bytes = sumAffine(moved, c0, n) * reps;
        const double dyn = energy.dynamicJ(t.precision, flops, bytes, op.commBytes * n * reps,
                                           op.dequantFlops * n * reps, t.nearMemory) * active;
        dynamic += dyn;
        phase.breakdown += b;
        if (op.placement != Placement::Layer) addStageTime(phase.stages, op.placement, b.total());
        phase.flops += flops * active;
        phase.bytes += bytes * active;
        if (ops) {
            OpCost c;
            c.name = op.name;
            c.phase = toString(g.phase);
            c.cls = op.cls;
            c.precision = t.precision;
            c.count = op.count;
            c.flops = flops * active / n;
            c.bytes = bytes * active / n;
            c.weightBytes = op.weightBytes * op.weightShare * reps * active;
            c.activationBytes = sumAffine({op.actBytes.x0 * tf, op.actBytes.x1 * tf}, c0, n) * reps * active / n;
            c.kvBytes = sumAffine(op.kvBytes, c0, n) * reps * active / n;
            c.commBytes = op.commBytes * reps * active;
            c.m = op.m;
            c.n = op.n;
            c.k = op.k;
            c.timeS = b.total() / n;
            c.energyJ = dyn / n;
            c.bound = dominant(b);
            ops->push_back(std::move(c));
        }
    }
    // The device waits for a host that issues kernels more slowly than it runs them.
    if (hostS > phase.breakdown.total()) phase.breakdown.overhead += hostS - phase.breakdown.total();
    // Every forward pass (a prefill, each decode step) pays the runtime's fixed host-side cost once (and a
    // statically scheduled template its per-layer synchronisation), plus the runtime's per-sequence part
    // for every sequence the host schedules in it.
    const double sequences = g.groupBatch > 0 ? g.groupBatch : g.batch;
    phase.breakdown.overhead += n * (rates.passS + sequences * rates.runtime->stepOverheadPerSequenceS);
    const double raw = phase.breakdown.total();
    const double time = energy.cappedTime(raw, dynamic);
    phase.breakdown.compute += time - raw; // a power-capped chip slows its busiest (compute) work
    if (raw > 0) phase.stages = phase.stages.scaled(time / raw);
    phase.timeS = time;
    const double staticJ = energy.staticJ(time, phase.breakdown.overhead);
    phase.energyJ = dynamic + staticJ;
    if (ops && raw > 0) {
        // Static energy is shared in proportion to time; capping stretches every op alike.
        for (size_t i = firstOp; i < ops->size(); ++i) {
            (*ops)[i].energyJ += staticJ / n * (*ops)[i].timeS * n / raw;
            (*ops)[i].timeS *= time / raw;
        }
    }
    return phase;
}

} // namespace llmdse
