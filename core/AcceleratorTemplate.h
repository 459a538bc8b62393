#pragma once
// A custom accelerator described by its parts rather than by its peaks: cores,
// each with a systolic matrix engine, a vector unit and a local SRAM; a shared
// global buffer; off-chip memory channels; process node and clock. The
// HardwareSpec peaks and bandwidths are derived from it (deriveFromTemplate), so
// the analytical estimator sees the same chip the simulator models.
#include "core/Precision.h"

#include <array>
#include <optional>
#include <string>

namespace llmdse {

enum class Dataflow : unsigned char { WeightStationary, OutputStationary };
const char* toString(Dataflow d);
Dataflow parseDataflow(const std::string& s, const std::string& field);

struct OffChipMemory {
    // hbm2, hbm2e, hbm3, hbm3e, gddr6, lpddr5, ddr4, ddr5; "sram": no off-chip memory at all (weights
    // and KV cache live in the chip's own SRAM banks, as on Groq's LPU), `channels` are then SRAM slices.
    std::string kind = "hbm3";
    int channels = 8;               // stacks (HBM) or channels/chips (others)
    double channelBandwidthBytesPerS = 0;
    double capacityBytes = 0;       // all channels
    double energyPjPerBit = 0;
    // Fraction of the pin bandwidth that streaming kernels reach (refresh, bank and page conflicts,
    // controller queues): a STREAM-like microbenchmark's figure over the datasheet's.
    double efficiency = 1;

    bool onChip() const { return kind == "sram"; }
};

// The level between the local SRAM and a matrix array: register files or operand buffers that hold a
// block of accumulators and the operand fragments the array consumes. With it, the local SRAM is read
// once per register block instead of once per array fold, and partial sums never leave the array's side.
struct OperandFeed {
    double bytes = 0;               // per array
    double bytesPerCycle = 0;       // per array, to the array
};

// Costs that do not scale with the work: a kernel's dispatch (launch, set-up, the pipeline filling and
// draining), or for statically scheduled chips the synchronisation at each layer.
struct FixedCosts {
    double kernelS = 0;             // per kernel the runtime launches
    double layerS = 0;              // per layer per forward pass (statically scheduled dataflow chips)
};

// An FPGA part's budget: the template's arrays and buffers must fit in it.
struct FpgaPart {
    std::string id;                 // "u280"
    std::string name;
    int dsp = 0;
    int bram36 = 0;                 // 36 Kb block RAMs
    int uram = 0;                   // 288 Kb UltraRAMs
    double lutK = 0;                // thousands of LUTs
    double fmaxGhz = 0.3;           // achievable user clock for a large design
    std::string source;
};

// Processing-in-memory: compute units beside the DRAM banks for weight-streaming
// work (decode GEMV and attention); the template's cores are the host for the rest.
struct PimUnits {
    int unitsPerChannel = 16;       // one per bank (group)
    double unitFlopsPerCycle = 32;  // e.g. 16 fp16 MACs per cycle
    double unitClockGhz = 1.0;
    double internalBandwidthMultiplier = 8; // internal (all banks) / external bandwidth
    double energyPjPerBit = 0;      // in-bank access (no I/O); 0: 30% of the off-chip figure
};

struct AcceleratorTemplate {
    int cores = 1;
    int arrayRows = 128;            // systolic array rows (K dimension under weight-stationary)
    int arrayCols = 128;            // columns (N dimension)
    int arraysPerCore = 1;          // matrix arrays sharing a core's local SRAM (an SM's tensor cores, a TensorCore's MXUs)
    Dataflow dataflow = Dataflow::WeightStationary;
    // MACs per processing element per cycle by precision (fp16 = 1); 0: not supported natively.
    std::array<double, kPrecisionCount> macsPerPe{};
    int vectorLanes = 128;          // per core, one fp32 FMA per lane per cycle
    double localSramBytes = 1 << 20;       // per core
    int localSramBanks = 16;
    double localBytesPerCycle = 512;       // per core
    double globalBufferBytes = 32 << 20;   // shared
    double globalBytesPerCycle = 2048;
    std::optional<OperandFeed> feed; // absent: arrays read the local SRAM directly
    // Fraction of the arrays' peak MAC rate a tuned GEMM kernel sustains once tiling, operand feeds and
    // memory are accounted for: the clock the chip holds under matrix load and the issue slots the
    // kernel's loads, address arithmetic and barriers take between matrix instructions. A measured
    // best-shape GEMM rate over the peak (the analytical estimator's runtime efficiency.gemm plays
    // this role there). 1: the arrays issue every cycle.
    double arrayEfficiency = 1;
    FixedCosts fixed;
    OffChipMemory memory;
    double processNm = 7;
    double clockGhz = 1.0;
    std::optional<FpgaPart> fpga;
    std::optional<PimUnits> pim;

    double pesPerCore() const { return double(arrayRows) * arrayCols * arraysPerCore; }
    double memoryBandwidthBytesPerS() const { return memory.channels * memory.channelBandwidthBytesPerS; }
    // Throws InputError naming the field (hardware.<field>) when a value is impossible.
    void validate(const std::string& file = "") const;
};

} // namespace llmdse
