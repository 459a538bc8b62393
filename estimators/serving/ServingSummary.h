#pragma once
// What a serving simulation means for its users: latency percentiles, throughput,
// goodput under a latency SLO, energy. Units are in the names. Figures cover the
// measured requests (after the warm-up) and the measured window.
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
    long long requests = 0, completed = 0, rejected = 0, preemptions = 0, swaps = 0, steps = 0, sloMet = 0;
    long long decisions = 0, handoffs = 0;
    Distribution ttftS, tpotS, e2eS;  // TPOT over requests with >= 2 output tokens: (last - first) / (output - 1)
    Distribution itlS;                // every gap between two deliveries of a request's tokens (from a histogram: within 0.5%)
    Distribution promptTokens, outputTokensPerRequest; // realised lengths of the measured requests
    double simulatedS = 0;            // the measured window: first measured send (0 without warm-up) .. last token
    double requestsPerS = 0, outputTokensPerS = 0, goodputRequestsPerS = 0;
    double energyJ = 0, energyPerRequestJ = 0, avgPowerW = 0;  // steps + idle, all servers, 0 .. window end
    double meanBatch = 0;             // sequences per step
    double busyFraction = 0;          // of the servers' time
    double prefixHitRate = 0;         // prompt tokens the prefix cache served / prompt tokens admitted
    long long outputTokens = 0, prefillTokens = 0;
};

ServingSummary summarise(const std::vector<Request>& requests, const ServingRun& run, const LatencySlo& slo);

} // namespace llmdse
