#pragma once
// A model mapped onto an FPGA part (`llmdse compile`): the stages, the parallelism and
// memory channels each gets, its resources and initiation interval, and what the design
// as a whole reaches (clock, throughput, latency, utilisation, power).
#include "core/Precision.h"

#include <array>
#include <string>
#include <vector>

namespace llmdse {

enum class FpgaStyle : unsigned char { Dataflow, Overlay };
const char* toString(FpgaStyle s);
FpgaStyle parseFpgaStyle(const std::string& s, const std::string& field);

// DSP slices, 36 Kb block RAMs, UltraRAMs, LUTs.
struct FpgaResources {
    double dsp = 0, bram36 = 0, uram = 0, lut = 0;
    FpgaResources& operator+=(const FpgaResources& o)
    {
        dsp += o.dsp, bram36 += o.bram36, uram += o.uram, lut += o.lut;
        return *this;
    }
    bool fitsIn(const FpgaResources& budget) const
    {
        return dsp <= budget.dsp && bram36 <= budget.bram36 && uram <= budget.uram && lut <= budget.lut;
    }
};

// The work of one operator group for one item (a token through one layer, or through the head).
struct StageWork {
    std::string name;              // "attn_in", "attention", ...
    std::string ops;               // the operators it fuses, for reports
    double macs = 0;               // multiply-accumulates on its matrix lanes
    double vectorElements = 0;     // elementwise / reduction work on its vector lanes
    double streamBytes = 0;        // off-chip bytes: weights (with scales) and KV cache
    double weightBytes = 0;        // of which weights
    Precision datapath = Precision::INT8; // the lanes' arithmetic
    int inputWidth = 0;            // the vector it reads (buffered on chip)
    int outputWidth = 0;           // the vector it writes
    int reductionWidth = 0;        // a matmul's K (weights per output), for the adder trees
    int perToken = 0;              // items per token: layers (layer stages) or 1 (the head)
};

struct FpgaStage {
    StageWork work;
    int lanes = 0;                 // MACs per clock (the unroll factor)
    int channels = 0;              // memory ports it streams through (dataflow); all of them (overlay)
    FpgaResources resources;
    double bufferBytes = 0;        // on-chip buffers: activations in/out and the weight FIFO
    double computeCycles = 0;      // per item
    double memoryCycles = 0;       // per item
    double iiCycles = 0;           // per item: the longer of the two (+ the overlay's start-up)
    std::string bound() const { return computeCycles >= memoryCycles ? "compute" : "memory"; }
};

struct FpgaPlan {
    FpgaStyle style = FpgaStyle::Overlay;
    std::string model, hardware, part, partName, weights;
    double clockGhz = 0;
    int batch = 1, prompt = 0, context = 0;
    int memoryPorts = 0;
    double portBytesPerCycle = 0;  // one port's sustained stream at the clock
    std::vector<FpgaStage> stages;
    FpgaResources used, budget;    // budget: the part's totals
    FpgaResources ceiling;         // the usable share of the budget the planner filled up to
    double pipelineIiCycles = 0;   // dataflow: the longest stage (per item); overlay: a whole token's pass
    double decodeStepS = 0;        // one decode step for the batch
    double decodeTokensPerS = 0;   // all sequences together
    double prefillS = 0;           // the batch's prompts (time to first token)
    double prefillTokensPerS = 0;
    double powerW = 0, staticW = 0, dynamicW = 0; // decode
    double energyPerTokenJ = 0;
    double optimalityGap = 0;      // proven bound on (II / optimal II - 1) of the allocation
    std::string provenance;
    std::vector<std::string> notes;

    double utilisation() const;    // the most used fraction of the part's budget
    std::string limiting() const;  // "dsp", "bram", "uram" or "lut"
};

} // namespace llmdse
