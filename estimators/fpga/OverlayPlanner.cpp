// Overlay style (FlightLLM-style): one engine, as large as the part's usable budget allows,
// runs every operator group of every layer in turn through all the memory ports.
#include "core/Errors.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "estimators/fpga/StageCost.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

// Lanes the engine gives an operator group of another arithmetic: the same DSPs, repacked.
int lanesFor(const FpgaTarget& t, const StageWork& w, Precision engine, int lanes)
{
    return std::max(1, int(std::floor(lanes * t.dspPerLane(engine) / t.dspPerLane(w.datapath))));
}

// The engine must run every group: per resource, the most any group needs.
FpgaResources engineResources(const FpgaTarget& t, const std::vector<StageWork>& w, Precision engine, int lanes)
{
    FpgaResources r;
    for (const StageWork& s : w) {
        const FpgaResources g = stageResources(t, s, lanesFor(t, s, engine, lanes), t.ports, t.overlayVectorLanes);
        r.dsp = std::max(r.dsp, g.dsp), r.bram36 = std::max(r.bram36, g.bram36);
        r.uram = std::max(r.uram, g.uram), r.lut = std::max(r.lut, g.lut);
    }
    return r;
}

class OverlayPlanner final : public FpgaPlanner {
public:
    FpgaStyle style() const override { return FpgaStyle::Overlay; }

    FpgaPlan plan(const FpgaTarget& t, const FpgaWorkload& w, const FpgaCompileRequest& r) const override
    {
        const Precision engine = fpgaDatapath(r.opts.weights.precision);
        const int vl = t.overlayVectorLanes;
        // Every resource grows with the lanes: the largest engine that fits is found by bisection.
        int useful = 1;
        for (const StageWork& s : w.decode) useful = std::max(useful, usefulLanes(s));
        int lo = 0, hi = int(std::min<double>(useful, std::floor(t.ceiling.dsp / t.dspPerLane(engine))));
        while (lo < hi) {
            const int mid = lo + (hi - lo + 1) / 2;
            if (engineResources(t, w.decode, engine, mid).fitsIn(t.ceiling)) lo = mid;
            else hi = mid - 1;
        }
        if (lo < 1) throw InputError("", "hardware", "the part '" + t.part.id + "' cannot hold a one-lane engine");
        FpgaPlan p;
        p.used = engineResources(t, w.decode, engine, lo);
        double step = 0, prefill = 0;
        for (size_t i = 0; i < w.decode.size(); ++i) {
            const StageWork& s = w.decode[i];
            const int lanes = lanesFor(t, s, engine, lo);
            FpgaStage st = makeStage(t, s, lanes, t.ports, vl);
            // Each group starts its stream and fills its adder tree before the first result.
            const double startup = t.memoryLatencyCycles + std::ceil(std::log2(double(reductionUnroll(s, lanes))));
            st.computeCycles = stageComputeCycles(s, lanes, vl, r.batch);
            st.memoryCycles = stageMemoryCycles(t, s, t.ports, r.batch);
            st.iiCycles = std::max(st.computeCycles, st.memoryCycles) + startup;
            step += s.perToken * st.iiCycles;
            const StageWork& pf = w.prefill[i];
            prefill += pf.perToken * (std::max(stageComputeCycles(pf, lanes, vl, r.batch),
                                               stageMemoryCycles(t, pf, t.ports, 1) +
                                                   (r.batch - 1) * (pf.streamBytes - pf.weightBytes) /
                                                       (t.ports * t.portBytesPerCycle)) + startup);
            p.stages.push_back(std::move(st));
        }
        p.pipelineIiCycles = step;
        p.decodeStepS = step / (t.clockGhz * 1e9);
        p.prefillS = prefill / (t.clockGhz * 1e9);
        p.optimalityGap = 0; // time only falls with the lanes, and no larger engine fits
        p.notes.push_back("one engine of " + std::to_string(lo) + " " + toString(engine) +
                          " lanes runs the groups in turn; every group streams through all the ports; "
                          "resources are the engine's, shared by all groups");
        return p;
    }
};

} // namespace

std::unique_ptr<FpgaPlanner> makeOverlayPlanner() { return std::make_unique<OverlayPlanner>(); }

} // namespace llmdse
