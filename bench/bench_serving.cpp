// Serving simulation speed: 1,000,000 Poisson requests (Llama-3-8B on an H100,
// analytical step costs, chunked prefill) through the continuous-batching
// simulator, first with every option of issue 19 off (target < 10 s on 2
// cores), then with a shared 512-token system prompt (8 of them), prefix
// caching and 8 replicas behind a least-loaded router at 8x the rate
// (target < 30 s). Prints the wall time of stream generation, simulation and
// summary of each, side by side in one run.
// Usage: bench_serving [requests] [rate/s per server]
#include "bench/BenchMain.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/serving/KvCacheBudget.h"
#include "estimators/serving/RequestStream.h"
#include "estimators/serving/ServingSummary.h"
#include "estimators/serving/StepCostTable.h"
#include "models/DesignJson.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace llmdse;

namespace {

double since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void measure(const char* name, const Design& d, const AnalyticalEstimator& est, SchedulerConfig c, const ServingLoad& load,
             const StreamSpec& spec, double target)
{
    auto t0 = std::chrono::steady_clock::now();
    const auto requests = synthesiseRequests(spec);
    const double genS = since(t0);
    int maxContext = 1;
    for (const auto& r : requests) maxContext = std::max(maxContext, r.prompt + r.output);
    StepCostTable table(est, d, c.maxBatch, maxContext, c.chunk);

    t0 = std::chrono::steady_clock::now();
    const ServingRun run = simulateServing(requests, table, c, load);
    const double simS = since(t0);
    t0 = std::chrono::steady_clock::now();
    const ServingSummary s = summarise(requests, run, LatencySlo{0.5, 0.05});
    const double sumS = since(t0);

    std::printf("%s: %lld requests at %g requests/s over %d server(s)%s, %lld KV blocks each\n", name, (long long)spec.count,
                spec.ratePerS, load.replicas, c.prefixCaching ? ", prefix caching" : "", c.kvBlocks);
    std::printf("  generate %.3f s, simulate %.3f s (%lld steps, %d estimator evaluations), summarise %.3f s: "
                "total %.3f s (target < %g s)\n", genS, simS, s.steps, table.evaluations(), sumS, genS + simS + sumS, target);
    std::printf("  %.4g output tokens, mean batch %.1f, preemptions %lld, prefix hits %.1f%%, TTFT p50 %.4g s p99 %.4g s, "
                "ITL p50 %.4g s p99 %.4g s, %.2f requests/s, window %.1f s\n",
                double(s.outputTokens), s.meanBatch, s.preemptions, 100 * s.prefixHitRate, s.ttftS.p50, s.ttftS.p99,
                s.itlS.p50, s.itlS.p99, s.requestsPerS, s.simulatedS);
}

} // namespace

static int runBench(int argc, char** argv)
{
    const long long n = bench::countArg(argc, argv, 1, 1'000'000, 1, 100'000'000, "requests");
    const double rate = bench::numberArg(argc, argv, 2, 12.0, 1e-3, 1e6, "rate"); // about 3/4 of what one server sustains
    const Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
    AnalyticalEstimator est;
    SchedulerConfig c;  // max batch 256, chunk 2048, block 16
    c.kvBlocks = kvCacheBudget(est, d, c.blockSize, c.chunk, 0.9).blocks;
    c.idlePowerW = d.hardware.idleW;

    StreamSpec plain;
    plain.ratePerS = rate;
    plain.count = n;
    plain.prompt = LengthDistribution::parse("uniform:128:2048", "prompt");
    plain.output = LengthDistribution::parse("lognormal:256:0.8", "output");
    measure("plain (every new option off)", d, est, c, ServingLoad{}, plain, 10);

    StreamSpec shared = plain;
    shared.ratePerS = 8 * rate;
    shared.sharedPrefixTokens = 512;
    shared.prefixGroups = 8;
    SchedulerConfig cached = c;
    cached.prefixCaching = true;
    ServingLoad eight;
    eight.replicas = 8;
    measure("prefix caching, 8 replicas", d, est, cached, eight, shared, 30);
    return 0;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_serving [requests (1000000)] [rate, requests/s per server (12)]", [&] { return runBench(argc, argv); });
}
