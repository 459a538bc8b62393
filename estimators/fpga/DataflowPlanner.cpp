// Dataflow style: one stage per operator group, lanes and ports balanced by DataflowAllocation.
#include "estimators/fpga/DataflowAllocation.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "estimators/fpga/StageCost.h"

#include <algorithm>

namespace llmdse {

namespace {

class DataflowPlanner final : public FpgaPlanner {
public:
    FpgaStyle style() const override { return FpgaStyle::Dataflow; }

    FpgaPlan plan(const FpgaTarget& t, const FpgaWorkload& w, const FpgaCompileRequest& r) const override
    {
        const int vl = t.vectorLanesPerStage;
        const DataflowAllocation a = allocateDataflow(t, w.decode, vl);
        FpgaPlan p;
        p.optimalityGap = a.gap;
        p.pipelineIiCycles = a.tokenCycles;
        double layerSum = 0, layerMax = 0, head = 0, prefillLayer = 0, prefillHead = 0, fill = 0;
        for (size_t i = 0; i < w.decode.size(); ++i) {
            FpgaStage s = makeStage(t, w.decode[i], a.lanes[i], a.channels[i], vl);
            p.used += s.resources;
            const StageWork& pf = w.prefill[i];
            const double pfCycles = std::max(stageComputeCycles(pf, s.lanes, vl), stageMemoryCycles(t, pf, s.channels));
            if (s.work.perToken == 1) {
                head = s.iiCycles;
                prefillHead = pfCycles;
            } else {
                layerSum += s.iiCycles;
                layerMax = std::max(layerMax, s.iiCycles);
                prefillLayer = std::max(prefillLayer, pfCycles);
                fill += s.iiCycles / std::max(1, r.prompt); // one token's pass fills the chain
            }
            p.stages.push_back(std::move(s));
        }
        const int layers = r.model.layers;
        // A sequence's next layer waits for its previous one: with fewer sequences in flight than
        // stages the chain, not the slowest stage, sets the pace.
        const double stepCycles = layers * std::max(layerSum, r.batch * layerMax) + r.batch * head;
        p.decodeStepS = stepCycles / (t.clockGhz * 1e9);
        // Prompt tokens stream through a layer's stages (norms are per token); the layers follow in turn.
        p.prefillS = (layers * (r.batch * prefillLayer + fill) + r.batch * prefillHead) / (t.clockGhz * 1e9);
        p.notes.push_back("stages share the memory by partition: each streams through its own ports");
        p.notes.push_back("a decode step of one sequence runs the stages of each layer in turn (each layer needs the "
                          "previous one), so batch 1 reaches only its ports' share of the bandwidth per stage; "
                          "the balanced interval pays off with as many sequences in flight as stages, or in prefill");
        return p;
    }
};

} // namespace

std::unique_ptr<FpgaPlanner> makeDataflowPlanner() { return std::make_unique<DataflowPlanner>(); }

} // namespace llmdse
