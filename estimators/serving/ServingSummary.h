#pragma once
// What a serving simulation means for its users: latency percentiles, throughput,
// goodput under a latency SLO, energy. Units are in the names.
#include "estimators/serving/Request.h"
#include "estimators/serving/ServingSimulator.h"

#include <limits>
#include <vector>

namespace llmdse {

struct LatencySlo {
    double ttftS = std::numeric_limits<double>::infinity();
    double tpotS = std::numeric_limits<double>::infinity();
};

struct Distribution {
    double mean = 0, p50 = 0, p90 = 0, p99 = 0;
    long long count = 0;
};

// Percentiles by linear interpolation between order statistics (numpy's default). Reorders `v`.
Distribution distributionOf(std::vector<double>& v);

struct ServingSummary {
    long long requests = 0, completed = 0, rejected = 0, preemptions = 0, steps = 0, sloMet = 0;
    Distribution ttftS, tpotS, e2eS;  // TPOT over requests with >= 2 output tokens: (last - first) / (output - 1)
    double simulatedS = 0;            // first arrival at 0 .. last step's end
    double requestsPerS = 0, outputTokensPerS = 0, goodputRequestsPerS = 0;
    double energyJ = 0, energyPerRequestJ = 0, avgPowerW = 0;  // steps + idle
    double meanBatch = 0;             // sequences per step
    double busyFraction = 0;
    long long outputTokens = 0, prefillTokens = 0;
};

ServingSummary summarise(const std::vector<Request>& requests, const ServingRun& run, const LatencySlo& slo);

} // namespace llmdse
