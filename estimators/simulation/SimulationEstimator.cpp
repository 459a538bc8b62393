#include "estimators/simulation/SimulationEstimator.h"
#include "core/Errors.h"
#include "core/Units.h"
#include "estimators/PhaseSummary.h"
#include "estimators/RequestComposer.h"
#include "estimators/area/AreaModel.h"
#include "estimators/energy/ActionEnergy.h"
#include "estimators/energy/EnergyModel.h"
#include "estimators/energy/TechnologyTable.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/simulation/OpSimulator.h"

#include <algorithm>
#include <cstdio>

namespace llmdse {

namespace {

SimKey templateKey(const AcceleratorTemplate& t)
{
    SimKeyBuilder b;
    b.add(std::string(SimulationEstimator::kVersion));
    for (double v : {double(t.cores), double(t.arrayRows), double(t.arrayCols), double(t.arraysPerCore), double(t.dataflow),
                     double(t.vectorLanes), t.localSramBytes, double(t.localSramBanks), t.localBytesPerCycle,
                     t.globalBufferBytes, t.globalBytesPerCycle, double(t.memory.channels), t.memory.channelBandwidthBytesPerS,
                     t.memory.efficiency, t.arrayEfficiency, t.clockGhz, t.feed ? t.feed->bytes : 0.0, t.feed ? t.feed->bytesPerCycle : 0.0})
        b.add(v);
    for (double m : t.macsPerPe) b.add(m);
    if (t.pim)
        for (double v : {double(t.pim->unitsPerChannel), t.pim->unitFlopsPerCycle, t.pim->unitClockGhz,
                         t.pim->internalBandwidthMultiplier})
            b.add(v);
    return b.key();
}

SimKey opKey(const SimKey& tpl, const Op& op, Phase phase, double context, double trafficFactor, double fixedS)
{
    SimKeyBuilder b;
    b.add(&tpl, sizeof tpl);
    b.add(std::string(op.name));
    for (double v : {double(op.cls), double(phase), double(op.precision), double(op.weightPrecision), double(op.m),
                     double(op.n), double(op.k), op.weightBytes, op.weightElements, op.actBytes.at(context),
                     op.kvBytes.at(context), op.flops.at(context), op.dequantFlops, double(op.attnBatch),
                     double(op.attnKvHeads), trafficFactor, fixedS})
        b.add(v);
    if (op.cls == OpClass::Attention) b.add(context);
    return b.key();
}

struct PhaseSim {
    PhaseCost cost;
    std::vector<OpCost> ops;
};

} // namespace

SimulationEstimator::SimulationEstimator(std::shared_ptr<SimCache> cache) : cache_(std::move(cache)) {}

std::string SimulationEstimator::provenance() const
{
    return std::string("tile-level cycle-approximate simulation (") + kVersion +
           ") of the template. Energy per action, leakage and area: " + ActionEnergy::constantsSource();
}

Metrics SimulationEstimator::estimate(const Design& d, bool withOps) const
{
    if (!d.hardware.accel)
        throw InputError("", "hardware",
                         "the simulation estimator needs an accelerator template (template-systolic, template-fpga-u280, "
                         "template-pim, or a hardware file with a \"template\" object); '" + d.hardware.id + "' has none");
    const AcceleratorTemplate& t = *d.hardware.accel;
    const OpSimulator sim(d);
    const ActionEnergy actions(t);
    const EnergyModel devices(d);
    const double powered = devices.poweredDevices();
    const SimKey tplKey = templateKey(t);
    const double linkPjPerBit = TechnologyTable::instance().linkPjPerBit(); // as in the analytical model
    // An FPGA card's static power is the card's idle figure, not an ASIC die's leakage.
    const double staticW = t.fpga ? d.hardware.idleW : actions.leakageW();
    const double passS = passFixedS(d);

    auto simulateOp = [&](const Op& op, Phase phase, double c) {
        if (op.cls == OpClass::Communication) return sim.simulate(op, phase, c);
        const SimKey k = opKey(tplKey, op, phase, c, d.runtime.impl(op.cls).trafficFactor, sim.fixedSeconds(op));
        if (auto hit = cache_->find(k)) return *hit;
        OpSim o = sim.simulate(op, phase, c);
        cache_->insert(k, o);
        return o;
    };
    auto dynamicJ = [&](const OpSim& o, const Op& op) {
        ActionCounts a;
        a.macs = o.macs;
        a.vectorOps = o.vectorOps;
        a.localSramBytes = o.localBytes;
        a.globalBufferBytes = o.globalBytes;
        // Routed experts: the mean device streams only its share of the busiest device's weights.
        a.dramBytes = std::max(0.0, o.dramBytes - op.weightBytes * (1 - op.weightShare));
        a.pimBytes = o.pimBytes;
        return actions.dynamicJ(a) + op.commBytes * 8 * linkPjPerBit * 1e-12;
    };
    // One phase: n steps whose cost is the mean of the two contexts (exact for affine costs).
    auto phaseCost = [&](const OpGraph& g, double c0, double c1, double n, std::vector<OpCost>* ops) {
        PhaseCost pc;
        for (const Op& op : g.ops) {
            OpSim a = simulateOp(op, g.phase, c0);
            if (c1 != c0) {
                const OpSim b = simulateOp(op, g.phase, c1);
                const Bound bound = a.seconds >= b.seconds ? a.bound : b.bound;
                a += b;
                a = a.scaled(0.5);
                a.bound = bound;
            }
            const double reps = op.count * n;
            const double active = devices.activeDevices(op);
            const double seconds = a.seconds * reps;
            const double energy = dynamicJ(a, op) * reps * active;
            addStageTime(pc.stages, op.placement, seconds);
            switch (a.bound) {
            case Bound::Compute: pc.breakdown.compute += seconds; break;
            case Bound::Communication: pc.breakdown.communication += seconds; break;
            case Bound::Overhead: pc.breakdown.overhead += seconds; break;
            default: pc.breakdown.memory += seconds; break;
            }
            pc.energyJ += energy;
            double macs = 0;
            for (double v : a.macs) macs += v;
            const double flops = op.cls == OpClass::Matmul || op.cls == OpClass::Attention ? 2.0 * macs : a.vectorOps;
            pc.flops += flops * reps * active;
            pc.bytes += (a.dramBytes + a.pimBytes) * reps * active;
            if (ops) {
                OpCost oc;
                oc.name = op.name;
                oc.phase = toString(g.phase);
                oc.cls = op.cls;
                oc.precision = op.precision;
                oc.count = op.count;
                oc.flops = flops * op.count * active;
                oc.bytes = (a.dramBytes + a.pimBytes) * op.count * active;
                oc.weightBytes = op.weightBytes * op.count * active;
                oc.commBytes = op.commBytes * op.count * active;
                oc.m = op.m;
                oc.n = op.n;
                oc.k = op.k;
                oc.timeS = a.seconds * op.count;
                oc.energyJ = energy / n;
                oc.bound = a.bound;
                char extra[160];
                std::snprintf(extra, sizeof extra, "%s%.3g cycles; global buffer %s, local SRAM %s",
                              a.utilisation > 0 ? (std::to_string(int(100 * a.utilisation + 0.5)) + "% busy, ").c_str() : "",
                              a.cycles, formatBytes(a.globalBytes).c_str(), formatBytes(a.localBytes).c_str());
                oc.detail = a.mapping + "; " + extra;
                ops->push_back(std::move(oc));
            }
        }
        // The runtime's host cost per forward pass and a statically scheduled template's per-layer cost.
        pc.breakdown.overhead += n * passS;
        pc.timeS = pc.breakdown.total();
        pc.energyJ += staticW * powered * pc.timeS;
        return pc;
    };

    // The simulator costs n steps at the mean of their first and last contexts (exact for affine costs).
    struct Coster : PhaseCoster {
        std::function<PhaseCost(const OpGraph&, double, double, double, std::vector<OpCost>*)> f;
        double idleW = 0;
        PhaseCost cost(const OpGraph& g, double c0, double c1, double n, std::vector<OpCost>* ops) const override
        {
            return f(g, c0, c1, n, ops);
        }
        double idlePowerW() const override { return idleW; }
    } coster;
    coster.f = phaseCost;
    coster.idleW = staticW * powered;
    Metrics m;
    RequestGraphs graphs;
    // The draft's own device would need simulating with a template of its own.
    composeRequest(d, coster, [](const Design& other) -> std::unique_ptr<PhaseCoster> {
        throw InputError("", "spec.draft_hardware", "the simulation estimator runs a draft only on the target device; "
                                                    "'" + other.hardware.id + "' needs the analytical estimator");
    }, m, graphs, withOps);
    if (t.fpga) {
        const FpgaUtilisation u = fpgaUtilisation(t);
        m.fpgaUtilisation = u.max();
    } else {
        m.areaMm2 = estimateArea(t).total() * m.devices;
    }
    return m;
}

} // namespace llmdse
