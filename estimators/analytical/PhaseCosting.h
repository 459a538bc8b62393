#pragma once
// Sums operator costs over a phase: one prefill, or n decode steps at
// contexts c0 .. c0+n-1, in closed form.
#include "core/Metrics.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/energy/EnergyModel.h"

#include <vector>

namespace llmdse {

// Returns the phase total; when `ops` is given, appends the mean per-step cost of each op.
PhaseCost costPhase(const OpGraph& g, const TargetRates& rates, const EnergyModel& energy, double c0, double n,
                    std::vector<OpCost>* ops);

} // namespace llmdse
