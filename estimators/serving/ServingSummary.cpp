#include "estimators/serving/ServingSummary.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace llmdse {

namespace {

double quantile(const std::vector<double>& sorted, double q)
{
    const double pos = q * double(sorted.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (pos - double(lo)) * (sorted[hi] - sorted[lo]);
}

} // namespace

Distribution distributionOf(std::vector<double>& v)
{
    Distribution d;
    d.count = (long long)v.size();
    if (v.empty()) return d;
    std::sort(v.begin(), v.end());
    d.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
    d.p50 = quantile(v, 0.50);
    d.p90 = quantile(v, 0.90);
    d.p99 = quantile(v, 0.99);
    return d;
}

ServingSummary summarise(const std::vector<Request>& requests, const ServingRun& run, const LatencySlo& slo)
{
    ServingSummary s;
    s.requests = (long long)requests.size();
    s.rejected = run.rejected;
    s.preemptions = run.preemptions;
    s.steps = run.steps;
    std::vector<double> ttft, tpot, e2e;
    ttft.reserve(requests.size());
    e2e.reserve(requests.size());
    tpot.reserve(requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
        if (std::isnan(run.finishS[i])) continue;
        const Request& q = requests[i];
        const double first = run.firstTokenS[i] - q.arrivalS;
        ttft.push_back(first);
        e2e.push_back(run.finishS[i] - q.arrivalS);
        double perToken = 0;
        if (q.output > 1) {
            perToken = (run.finishS[i] - run.firstTokenS[i]) / (q.output - 1);
            tpot.push_back(perToken);
        }
        s.sloMet += first <= slo.ttftS && perToken <= slo.tpotS;
    }
    s.completed = (long long)e2e.size();
    s.ttftS = distributionOf(ttft);
    s.tpotS = distributionOf(tpot);
    s.e2eS = distributionOf(e2e);
    s.simulatedS = run.endS;
    s.outputTokens = run.outputTokens;
    s.prefillTokens = run.prefillTokens;
    s.energyJ = run.stepEnergyJ + run.idleEnergyJ;
    if (run.endS > 0) {
        s.requestsPerS = s.completed / run.endS;
        s.outputTokensPerS = run.outputTokens / run.endS;
        s.goodputRequestsPerS = s.sloMet / run.endS;
        s.avgPowerW = s.energyJ / run.endS;
        s.busyFraction = run.busyS / run.endS;
    }
    if (s.completed > 0) s.energyPerRequestJ = s.energyJ / s.completed;
    if (run.steps > 0) s.meanBatch = run.sumBatch / run.steps;
    return s;
}

} // namespace llmdse
