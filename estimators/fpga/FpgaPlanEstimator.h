#pragma once
// A compiled FPGA plan as the FPGA's estimate: decode and prefill times and power from the
// plan (a fixed plan.json, or one compiled for each design in a given style); the memory
// footprint and the per-operator list from the analytical estimator.
#include "estimators/Estimator.h"
#include "estimators/fpga/FpgaPlan.h"

#include <optional>

namespace llmdse {

class FpgaPlanEstimator final : public Estimator {
public:
    explicit FpgaPlanEstimator(FpgaStyle style); // compiles a plan per design
    FpgaPlanEstimator(FpgaPlan plan, std::string file); // uses this plan for every design it matches
    std::string id() const override;
    std::string version() const override { return id() + "-1"; }
    std::string provenance() const override;

protected:
    Metrics estimate(const Design& d, bool withOps) const override;

private:
    FpgaStyle style_;
    std::optional<FpgaPlan> plan_;
    std::string file_;
};

// Registers fpga-overlay and fpga-dataflow (called from registerBuiltinEstimators).
void registerFpgaEstimators();

} // namespace llmdse
