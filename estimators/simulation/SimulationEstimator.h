#pragma once
// The cached-simulation estimator: every operator of prefill and of decode (at
// the first and last context, decode cost being affine in it between) is
// simulated on the design's accelerator template by OpSimulator, memoised in a
// SimCache by content hash. Energy is per-action counts x per-action energy
// plus leakage; area comes from the template's parts.
#include "estimators/Estimator.h"
#include "estimators/simulation/SimCache.h"

#include <memory>

namespace llmdse {

class SimulationEstimator : public Estimator {
public:
    static constexpr const char* kId = "simulation";
    static constexpr const char* kVersion = "simulation-2";

    explicit SimulationEstimator(std::shared_ptr<SimCache> cache = defaultSimCache());
    std::string id() const override { return kId; }
    std::string version() const override { return kVersion; }

protected:
    Metrics estimate(const Design& d, bool withOps) const override;

public:
    std::string provenance() const override;
    SimCache& cache() const { return *cache_; }

private:
    std::shared_ptr<SimCache> cache_;
};

} // namespace llmdse
