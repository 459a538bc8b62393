#include "estimators/fpga/FpgaPlanner.h"
#include "core/Design.h"
#include "core/RuntimeZoo.h"
#include "estimators/energy/EnergyModel.h"
#include "models/OpGraph.h"

#include <cstring>

namespace llmdse {

std::unique_ptr<FpgaPlanner> makeDataflowPlanner(); // DataflowPlanner.cpp
std::unique_ptr<FpgaPlanner> makeOverlayPlanner();  // OverlayPlanner.cpp

std::unique_ptr<FpgaPlanner> createFpgaPlanner(FpgaStyle style)
{
    return style == FpgaStyle::Dataflow ? makeDataflowPlanner() : makeOverlayPlanner();
}

namespace {

// Decode power with the fpga runtime profile's model: the card's static power plus every FLOP at
// its format's energy and every off-chip byte at the memory's (estimators/energy/EnergyModel).
void addPower(FpgaPlan& p, const FpgaTarget& t, const FpgaCompileRequest& r)
{
    Design d;
    d.model = r.model;
    d.hardware = t.hardware;
    d.runtime = resolveRuntime(defaultRuntimeId(HardwareClass::FPGA));
    d.opts = r.opts;
    d.workload.batch = r.batch;
    d.workload.prompt = r.prompt;
    d.workload.output = r.output;
    const EnergyModel energy(d);
    OpGraph g;
    buildDecode(r.model, r.opts, Parallelism{}, r.batch, g);
    double joules = 0;
    const Precision dp = fpgaDatapath(r.opts.weights.precision);
    for (const Op& op : g.ops) {
        const double c = r.context();
        const Precision executed = op.cls == OpClass::Matmul && std::strcmp(op.name, "lm_head") != 0 ? dp : op.precision;
        joules += op.count * energy.dynamicJ(executed, op.flops.at(c), op.weightBytes + op.kvBytes.at(c), 0, 0);
    }
    p.staticW = energy.idlePowerW();
    p.dynamicW = p.decodeStepS > 0 ? joules / p.decodeStepS : 0;
    p.powerW = p.staticW + p.dynamicW;
    p.energyPerTokenJ = p.powerW * p.decodeStepS / r.batch;
}

} // namespace

FpgaCompileRequest fpgaRequest(const Design& d)
{
    FpgaCompileRequest r;
    r.model = d.model;
    r.opts = d.opts;
    r.batch = d.workload.batch;
    r.prompt = d.workload.prompt;
    r.output = d.workload.output;
    r.fixedContext = d.workload.context;
    return r;
}

FpgaPlan compileFpga(const HardwareSpec& hw, const FpgaCompileRequest& r, FpgaStyle style)
{
    const FpgaTarget t = resolveFpgaTarget(hw, r.clockGhz);
    const FpgaWorkload w = fpgaWorkload(r.model, r.opts, r.prompt, r.context());
    FpgaPlan p = createFpgaPlanner(style)->plan(t, w, r);
    p.style = style;
    p.model = r.model.id;
    p.hardware = hw.id;
    p.part = t.part.id;
    p.partName = t.part.name;
    p.weights = toString(r.opts.weights);
    p.clockGhz = t.clockGhz;
    p.batch = r.batch;
    p.prompt = r.prompt;
    p.context = r.context();
    p.memoryPorts = t.ports;
    p.portBytesPerCycle = t.portBytesPerCycle;
    p.budget = t.budget;
    p.ceiling = t.ceiling;
    p.decodeTokensPerS = p.decodeStepS > 0 ? r.batch / p.decodeStepS : 0;
    p.prefillTokensPerS = p.prefillS > 0 ? double(r.batch) * r.prompt / p.prefillS : 0;
    addPower(p, t, r);
    p.provenance = "llmdse compile (" + std::string(toString(style)) + "): " + t.source + " Part: " + t.part.source +
                   " Hardware: " + hw.source;
    return p;
}

} // namespace llmdse
