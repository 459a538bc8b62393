#pragma once
// The request-level metrics every estimator derives the same way from its
// phase costs: TTFT, TPOT, end-to-end time, throughput, energy per token,
// average power and the memory footprint.
#include "core/Design.h"
#include "core/Metrics.h"

namespace llmdse {

// Needs m.prefill, m.decodeStep and m.decodeTotal filled.
void summarisePhases(const Design& d, Metrics& m);

} // namespace llmdse
