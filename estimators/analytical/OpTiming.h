#pragma once
// Time of one operator on a target under a runtime profile: roofline
// (compute vs main memory, affine in the decode context) plus fixed
// per-kernel cost plus interconnect time for communication ops.
#include "core/Design.h"
#include "estimators/communication/CollectiveModel.h"
#include "models/OpGraph.h"

namespace llmdse {

// Rates derived once per design; cheap to use per op.
struct TargetRates {
    double matrixPeak[kPrecisionCount]{};
    Precision executed[kPrecisionCount]{};
    double vector = 1;             // FLOP/s reached on vector work
    double streamBw = 1;           // bytes/s for weights/KV streaming kernels
    double memoryBw = 1;           // bytes/s the memory delivers to the threads used (before efficiencies)
    double elementwiseBw = 1;      // bytes/s for elementwise kernels
    double pimBw = 0, pimFlops = 0;
    CollectiveLink link;
    double kernelS = 0;            // fixed cost per kernel launch (kernelFixedS)
    double passS = 0;              // fixed cost per forward pass (passFixedS)
    int expertDevices = 1;         // routed work is paced by the busiest of these
    const RuntimeProfile* runtime = nullptr;
    bool decode = false;

    TargetRates(const Design& d, Phase phase);
};

struct OpTime {
    Affine compute;     // seconds, per repetition
    Affine memory;      // seconds, per repetition
    double overhead = 0;
    double communication = 0;
    double serial = 0;  // passes over memory that run before the kernel (activation conversion, eager quantisation)
    int launches = 0;   // kernels issued per repetition
    Precision precision = Precision::FP16;
    bool nearMemory = false; // ran beside the DRAM banks (PIM)

    double at(double c) const;
};

OpTime timeOp(const Op& op, const TargetRates& r);

// Fixed costs both estimators charge alike. Per kernel: an accelerator template's own dispatch cost when it
// states one (fixed_costs.kernel_us), else the runtime profile's. Per forward pass: the runtime's host-side
// step cost, the wait for the slowest parallel rank's launch (rankSkewS), plus the template's per-layer cost
// (statically scheduled chips synchronise at each layer).
double kernelFixedS(const Design& d);
double passFixedS(const Design& d);
// Kernels one repetition of `op` launches under the runtime (projections launched separately count each).
int kernelLaunches(const Op& op, const RuntimeProfile& rt);

} // namespace llmdse
