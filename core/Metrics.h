#pragma once
// What an estimator returns. Units are in the names (_s, _j, _w, bytes).
#include "core/OpClass.h"
#include "core/Precision.h"

#include <string>
#include <vector>

namespace llmdse {

enum class Bound : unsigned char { Compute, Memory, Overhead, Communication };
const char* toString(Bound b);

// Time split by what limits it; the parts add up to the total.
struct TimeBreakdown {
    double compute = 0, memory = 0, overhead = 0, communication = 0;
    double total() const { return compute + memory + overhead + communication; }
    TimeBreakdown& operator+=(const TimeBreakdown& o);
    TimeBreakdown scaled(double f) const;
};

// Of a phase's time, what only the first pipeline stage does (embedding), only the last (final norm,
// lm_head and what follows it) and the hand-offs between stages; the rest is the layers' work.
struct StageTimes {
    double firstS = 0, lastS = 0, handoffS = 0;
    StageTimes scaled(double f) const { return {firstS * f, lastS * f, handoffS * f}; }
};

struct PhaseCost {
    double timeS = 0;
    double energyJ = 0;
    double flops = 0;
    double bytes = 0;   // main-memory bytes moved
    TimeBreakdown breakdown;
    StageTimes stages;
    PhaseCost& operator+=(const PhaseCost& o);
    PhaseCost scaled(double f) const;
};

struct OpCost {
    std::string name;
    std::string phase;  // prefill | decode
    OpClass cls = OpClass::Matmul;
    Precision precision = Precision::FP16;
    int count = 1;      // repetitions (layers) included in the figures
    double flops = 0;
    double bytes = 0;          // main-memory bytes moved, all classes
    double weightBytes = 0;    // of which weights (with quantisation scales)
    double activationBytes = 0;
    double kvBytes = 0;
    double commBytes = 0;      // over the interconnect
    long long m = 0, n = 0, k = 0; // GEMM shape per device shard (m rows), or elements
    double timeS = 0;
    double energyJ = 0;
    Bound bound = Bound::Memory;
    std::string detail;        // estimator-specific, e.g. the simulator's mapping and utilisation
};

struct MemoryFootprint {
    double weightsBytes = 0;     // per device
    double kvCacheBytes = 0;     // per device, at prompt + output tokens
    double activationBytes = 0;  // per device, peak transient
    double capacityBytes = 0;    // per device
    bool fits = true;
    double totalBytes() const { return weightsBytes + kvCacheBytes + activationBytes; }
    std::string fitMessage() const; // "fits: 15.2 GB of 80 GB" / "does not fit: needs 152.3 GB, has 80 GB"
};

struct Metrics {
    PhaseCost prefill;        // one prefill of B x S tokens
    PhaseCost decodeStep;     // one decode step (at workload.context, or the mean over N steps)
    PhaseCost decodeTotal;    // all N decode steps
    PhaseCost encoder;        // the image encoder (multimodal prompts; included in prefill)
    PhaseCost draft;          // draft-model speculation: the draft's share of decodeTotal
    double tokensPerStep = 1; // speculative decoding: expected tokens per verification step
    double timeToAnswerS = 0; // TTFT plus the reasoning tokens' decode time
    double ttftS = 0;
    double tpotS = 0;
    double e2eS = 0;
    double decodeTokensPerS = 0;
    double energyPerTokenJ = 0;   // decode, per sequence-token
    double tokensPerJ = 0;
    double avgPowerW = 0;         // whole request, all devices
    double prefillEnergyJ = 0;
    double totalEnergyJ = 0;
    double areaMm2 = -1;          // < 0: unknown
    double fpgaUtilisation = -1;  // FPGA templates: the most used fraction of the part's DSP/BRAM/URAM/LUT; < 0: n/a
    int devices = 1;
    MemoryFootprint memory;
    std::vector<OpCost> ops;      // filled only when asked for
};

} // namespace llmdse
