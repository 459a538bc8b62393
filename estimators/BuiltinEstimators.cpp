// The estimators that ship with the tool. Each lives in its own folder; this
// is the one place that lists them (static libraries drop self-registering
// objects nobody references, so registration is explicit).
#include "estimators/Estimator.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/fpga/FpgaPlanEstimator.h"
#include "estimators/simulation/SimulationEstimator.h"

namespace llmdse {

void registerBuiltinEstimators()
{
    registerEstimator(AnalyticalEstimator::kId, [] { return std::make_unique<AnalyticalEstimator>(); });
    registerEstimator(SimulationEstimator::kId, [] { return std::make_unique<SimulationEstimator>(); });
    registerFpgaEstimators();
}

} // namespace llmdse
