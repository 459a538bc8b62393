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

Distribution distributionOf(const LatencyHistogram& h)
{
    Distribution d;
    d.count = h.count();
    if (d.count == 0) return d;
    d.mean = h.mean();
    d.p50 = h.quantile(0.50);
    d.p90 = h.quantile(0.90);
    d.p99 = h.quantile(0.99);
    return d;
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
    // A run recorded by hand (tests) may leave the measured range and send times unset: all, sent at arrival.
    const size_t begin = size_t(run.measureBegin);
    const size_t end = run.measureEnd > 0 ? size_t(run.measureEnd) : requests.size();
    const bool sent = run.sentS.size() == requests.size();
    s.requests = (long long)(end - begin);
    s.rejected = run.rejected;
    s.preemptions = run.preemptions;
    s.swaps = run.swaps;
    s.steps = run.steps;
    s.decisions = run.decisions;
    s.handoffs = run.handoffs;
    std::vector<double> ttft, tpot, e2e, prompt, output;
    ttft.reserve(end - begin);
    e2e.reserve(end - begin);
    tpot.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
        if (std::isnan(run.finishS[i])) continue;
        const Request& q = requests[i];
        const double at = sent ? run.sentS[i] : q.arrivalS;
        const double first = run.firstTokenS[i] - at;
        ttft.push_back(first);
        e2e.push_back(run.finishS[i] - at);
        prompt.push_back(q.prompt);
        output.push_back(q.output);
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
    s.itlS = distributionOf(run.itlS);
    s.promptTokens = distributionOf(prompt);
    s.outputTokensPerRequest = distributionOf(output);
    const double window = run.endS - run.startS;
    s.simulatedS = window;
    s.outputTokens = run.outputTokens;
    s.prefillTokens = run.prefillTokens;
    s.energyJ = run.stepEnergyJ + run.idleEnergyJ;
    if (window > 0) {
        // Everything completed and delivered in the window: with a warm-up the server is already full
        // of warm-up requests when it opens, and of cool-down ones when it closes.
        s.requestsPerS = double(run.windowCompleted) / window;
        s.outputTokensPerS = double(run.windowOutputTokens) / window;
        s.goodputRequestsPerS = s.sloMet / window;
    }
    if (run.endS > 0) {
        s.avgPowerW = s.energyJ / run.endS;
        const double servers = run.busyS + run.idleS;
        s.busyFraction = servers > 0 ? run.busyS / servers : 0;
    }
    const long long all = run.completedAll > 0 ? run.completedAll : s.completed;
    if (all > 0) s.energyPerRequestJ = s.energyJ / all;
    if (run.steps > 0) s.meanBatch = run.sumBatch / run.steps;
    if (run.promptTokens > 0) s.prefixHitRate = double(run.cachedPromptTokens) / double(run.promptTokens);
    return s;
}

} // namespace llmdse
