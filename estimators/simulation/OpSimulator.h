#pragma once
// Maps one operator of the graph (one repetition, at a decode context) onto an
// accelerator template: projections and attention's two products go to
// simulateMatmul, norms, RoPE, activations and softmax to the vector unit;
// activations stay in the global buffer when they fit; on a PIM template,
// decode GEMVs and attention run beside the banks when that is faster.
// Communication is costed as in the analytical estimator.
#include "core/Design.h"
#include "estimators/simulation/OpSim.h"
#include "estimators/simulation/TemplateRates.h"
#include "models/OpGraph.h"

namespace llmdse {

class OpSimulator {
public:
    explicit OpSimulator(const Design& d); // d.hardware.accel must be set
    // One repetition of `op`, its kernels' fixed cost included.
    OpSim simulate(const Op& op, Phase phase, double context) const;
    // The fixed cost `simulate` adds: the op's kernel launches x the per-kernel cost (kernelFixedS).
    double fixedSeconds(const Op& op) const;
    const TemplateRates& rates() const { return rates_; }

private:
    OpSim work(const Op& op, Phase phase, double context) const;
    OpSim matmul(const Op& op, Phase phase) const;
    OpSim attention(const Op& op, Phase phase, double context) const;
    OpSim vector(const Op& op, double context) const;
    OpSim communication(const Op& op, Phase phase) const;
    bool fitsOnChip(double bytes) const { return bytes <= rates_.globalBytes / 4; }
    // Near-bank execution when the template has PIM units and it beats the host.
    void preferPim(OpSim& host, double bankBytes, double flops, double otherBytes) const;

    const Design& design_;
    TemplateRates rates_;
    double pimBw_ = 0, pimFlops_ = 0;
    double kernelS_ = 0;
};

} // namespace llmdse
