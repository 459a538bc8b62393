// Serving simulation speed: 1,000,000 Poisson requests (Llama-3-8B on an H100,
// analytical step costs, chunked prefill) through the continuous-batching
// simulator; prints the wall time of stream generation, simulation and summary.
// Usage: bench_serving [requests] [rate/s]
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

} // namespace

int main(int argc, char** argv)
{
    const long long n = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    const double rate = argc > 2 ? std::atof(argv[2]) : 12.0; // about 3/4 of what this server sustains
    const Design d = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
    AnalyticalEstimator est;
    SchedulerConfig c;  // max batch 256, chunk 2048, block 16
    c.kvBlocks = kvCacheBudget(est, d, c.blockSize, c.chunk, 0.9).blocks;
    c.idlePowerW = d.hardware.idleW;

    auto t0 = std::chrono::steady_clock::now();
    const auto requests = poissonRequests(rate, n, LengthDistribution::parse("uniform:128:2048", "prompt"),
                                          LengthDistribution::parse("lognormal:256:0.8", "output"), 1);
    const double genS = since(t0);
    int maxContext = 1;
    for (const auto& r : requests) maxContext = std::max(maxContext, r.prompt + r.output);
    StepCostTable table(est, d, c.maxBatch, maxContext, c.chunk);

    t0 = std::chrono::steady_clock::now();
    const ServingRun run = simulateServing(requests, table, c);
    const double simS = since(t0);
    t0 = std::chrono::steady_clock::now();
    const ServingSummary s = summarise(requests, run, LatencySlo{0.5, 0.05});
    const double sumS = since(t0);

    std::printf("bench_serving: %lld requests at %g requests/s (prompt uniform 128..2048, output lognormal mean 256 "
                "sigma 0.8), llama-3-8b on h100-sxm, analytical, %lld KV blocks\n", n, rate, c.kvBlocks);
    std::printf("  generate %.3f s, simulate %.3f s (%lld steps, %d estimator evaluations), summarise %.3f s: "
                "total %.3f s (target < 10 s)\n", genS, simS, s.steps, table.evaluations(), sumS, genS + simS + sumS);
    std::printf("  %.4g output tokens, mean batch %.1f, preemptions %lld, TTFT p50 %.4g s p99 %.4g s, "
                "TPOT p50 %.4g s p99 %.4g s, %.2f requests/s, simulated %.1f s\n",
                double(s.outputTokens), s.meanBatch, s.preemptions, s.ttftS.p50, s.ttftS.p99, s.tpotS.p50,
                s.tpotS.p99, s.requestsPerS, s.simulatedS);
    return 0;
}
