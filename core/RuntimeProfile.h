#pragma once
// How a software stack turns logical operators into kernels and how close
// each class of work gets to the hardware's peak. Data, fitted by `calibrate`.
#include "core/Collective.h"
#include "core/OpClass.h"
#include "core/Precision.h"
#include "core/SchedulerProfile.h"

#include <array>
#include <string>
#include <vector>

namespace llmdse {

struct OpImplementation {
    int kernels = 1;          // kernel launches (or dispatches) per logical op
    double trafficFactor = 1; // bytes actually moved / minimal bytes (unfused elementwise chains move more)
    double computeFactor = 1; // vector time per counted FLOP relative to the vector peak (transcendentals cost more)
};

// How a runtime's matrix kernels treat a stored weight format.
enum class WeightKernel : unsigned char {
    // Weights unpacked to the activation precision (GPU weight-only kernels; a dequantisation
    // pass on the vector units when the format is narrower than the activations).
    Dequantize,
    // Each activation row converted once per GEMM input to the weight format's blocks (llama.cpp's
    // Q8_0 / Q4_0 / K-quants quantise it to 8-bit blocks, F16 weights take F16 activations), then
    // dot products in that format: no per-weight unpacking, the weight format's integer or half rate.
    ConvertActivations,
    // Unpacked by dedicated logic beside the arrays (FPGA LUTs): no vector time, the bandwidth saving kept.
    Fabric,
};
const char* toString(WeightKernel k);

struct WeightFormatKernel {
    WeightKernel kind = WeightKernel::Dequantize;
    bool set = false;               // listed in the profile (else the profile's own efficiencies)
    double gemmEfficiency = 0;      // of the hardware's peak for the executed format; 0: the profile's
    double bandwidthEfficiency = 0; // weight streaming, of the memory bandwidth; 0: the profile's
};

// Activation quantisation for 8-bit weight-and-activation GEMMs (W8A8, FP8): an amax
// reduction, a scale and a cast per GEMM input, fused into the previous kernel, or eager
// passes over memory of their own.
enum class ActivationQuantization : unsigned char { Fused, Eager };

struct RuntimeProfile {
    std::string id;
    std::string description;
    std::string provenance;   // where the numbers came from (fit data, date, error)

    double kernelOverheadS = 0;       // fixed cost per kernel (launch, ramp-up, tail)
    // Host time to issue one kernel without a captured graph (Python, the framework's dispatcher, the
    // driver call). The host runs ahead of the device, so a pass takes the longer of the two: the
    // device waits only when the host falls behind (eager frameworks at small batch). 0: graphs.
    double hostDispatchS = 0;
    double gemmSetupS = 0;            // extra fixed cost of a multi-row GEMM over a GEMV (split-K reduction, tiling)
    double gemmPackWeightsPerS = 0;   // multi-row GEMMs first repack (or unpack) their weights, elements/s; 0: free
    // Single-row GEMVs (batch-1 decode) on quantised weights unpack them inside the dot product: seconds per
    // weight element by stored format plus seconds per fp16 scale group. On a CPU with few cores this, not
    // the memory stream, can bound decode. 0: unpacking hides under the memory stream.
    std::array<double, kPrecisionCount> gemvUnpackSPerWeight{};
    double gemvUnpackSPerGroup = 0;
    double gemmEfficiency = 1;        // fraction of matrix peak reached by a large GEMM
    double gemmHalfTokens = 0;        // rows (tokens) at which a GEMM reaches half of gemmEfficiency
    double attentionEfficiency = 1;   // fraction of matrix peak in fused attention (prefill)
    double bandwidthEfficiency = 1;   // fraction of memory bandwidth when streaming weights / KV
    double elementwiseEfficiency = 1; // fraction of memory bandwidth for elementwise kernels
    double vectorEfficiency = 1;      // fraction of vector peak (softmax, dequantisation)
    double sparseGemmEfficiency = 1;  // 2:4 sparse GEMMs: fraction of the dense GEMM efficiency they keep
    // Systematic skew of expert popularity across expert-parallel devices (busiest / mean load, beyond
    // the statistical spread of random routing); one device running every expert is not slowed by it.
    double moeImbalance = 1;
    bool powerCapped = true;          // clocks drop when power would exceed TDP
    // Matmuls unpack quantised weights inside their inner loop and run at the
    // hardware's measured rate for the weight format (the reference engine),
    // instead of computing at the activation precision plus a dequantisation pass.
    bool weightFormatKernels = false;

    // Energy, as multipliers on first-principles constants.
    double busyPowerFraction = 0;     // extra static power while busy, fraction of (TDP - idle)
    // Of that busy power, the share the chip sheds during fixed overhead time (kernel launch gaps,
    // GEMM setup, waiting for the host): few SMs run then and the rest are clock-gated. 0: none.
    double overheadIdleFraction = 0;
    double flopEnergyScale = 1;       // system-level energy per 16-bit FLOP / logic-only energy per FLOP
    double memoryEnergyScale = 1;     // energy per main-memory bit / interface figure

    std::array<OpImplementation, kOpClassCount> ops{};
    // The collective algorithms the stack picks from (the fastest that applies, as NCCL's tuner and
    // vLLM's custom all-reduce do). Empty: a plain ring at the link's bandwidth and latency.
    std::vector<CollectiveAlgorithm> collectives;
    // Per stored weight format, how the matrix kernels run it (indexed by Precision).
    std::array<WeightFormatKernel, kPrecisionCount> weightKernels{};
    ActivationQuantization activationQuantization = ActivationQuantization::Fused;
    // Fixed host-side cost of one forward pass (graph build and scheduling, sampling), paid
    // once by a prefill and by every decode step.
    double stepOverheadS = 0;
    // Host work per sequence in a forward pass (its block table and inputs, pythonising and detokenising
    // its sampled token, stop checks), added to stepOverheadS for every sequence the pass runs.
    double stepOverheadPerSequenceS = 0;
    // Spread (standard deviation) of one rank's host time per forward pass, where every tensor- or
    // expert-parallel rank is its own process that prepares and launches the pass: every collective is a
    // barrier, so a pass lasts as long as its slowest rank's launch, on average this spread times the
    // expected largest of p standard normal draws (0 on one device; 0.56, 1.03, 1.42 x at 2, 4, 8).
    double rankSkewS = 0;
    // Projections that read the same input (q, k, v; gate, up) run as kernels of their own
    // (llama.cpp's graph, eager PyTorch) instead of one stacked GEMM.
    bool separateProjections = false;
    // How its server admits, batches and preempts requests (the serving simulation's defaults).
    SchedulerProfile scheduler;

    const OpImplementation& impl(OpClass c) const { return ops[static_cast<int>(c)]; }
    OpImplementation& impl(OpClass c) { return ops[static_cast<int>(c)]; }
};

} // namespace llmdse
