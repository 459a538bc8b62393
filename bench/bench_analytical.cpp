// Analytical evaluation throughput: full design points per second (prefill +
// every decode step of the output), all cores, side by side with a baseline
// that costs each decode step separately (what a per-token loop would do).
#include "bench/BenchMain.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/analytical/PhaseCosting.h"
#include "estimators/energy/EnergyModel.h"
#include "models/DesignJson.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace llmdse;

namespace {

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Varies batch, prompt and output per point so nothing is cached between points.
void vary(Design& d, std::int64_t i)
{
    d.workload.batch = 1 << (i % 7);
    d.workload.prompt = 128 << (i / 7 % 6);
    d.workload.output = 64 << (i / 42 % 4);
}

} // namespace

static int runBench(int argc, char** argv)
{
    const std::int64_t n = bench::countArg(argc, argv, 1, 4'000'000, 1, 4'000'000'000LL, "points");
    const Design base = designFromJson(QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}});
    AnalyticalEstimator est;
    struct Local {
        Design d;
        AnalyticalEstimator::Scratch s;
        Metrics m;
        double sink = 0;
    };

    oneapi::tbb::enumerable_thread_specific<Local> locals([&] { return Local{base, {}, {}, 0}; });
    auto t0 = std::chrono::steady_clock::now();
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::int64_t>(0, n, 4096), [&](auto r) {
        Local& l = locals.local();
        for (std::int64_t i = r.begin(); i != r.end(); ++i) {
            vary(l.d, i);
            est.evaluate(l.d, l.m, l.s, false);
            l.sink += l.m.e2eS;
        }
    });
    const double fast = n / seconds(t0);

    // Baseline: the same points, decode costed one step at a time.
    const std::int64_t nb = n / 50;
    t0 = std::chrono::steady_clock::now();
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::int64_t>(0, nb, 64), [&](auto r) {
        Local& l = locals.local();
        for (std::int64_t i = r.begin(); i != r.end(); ++i) {
            vary(l.d, i);
            EnergyModel energy(l.d);
            buildPrefill(l.d.model, l.d.opts, l.d.parallel, l.d.workload.batch, l.d.workload.prompt, l.s.prefill);
            double t = costPhase(l.s.prefill, TargetRates(l.d, Phase::Prefill), energy, 0, 1, nullptr).timeS;
            buildDecode(l.d.model, l.d.opts, l.d.parallel, l.d.workload.batch, l.s.decode);
            TargetRates rates(l.d, Phase::Decode);
            for (int step = 1; step < l.d.workload.output; ++step)
                t += costPhase(l.s.decode, rates, energy, l.d.workload.prompt + step, 1, nullptr).timeS;
            l.sink += t;
        }
    });
    const double slow = nb / seconds(t0);
    double check = 0;
    for (auto& l : locals) check += l.sink;
    std::printf("analytical full design points/s (closed-form decode): %.0f\n", fast);
    std::printf("baseline per-step decode loop points/s:              %.0f\n", slow);
    std::printf("ratio: %.1fx   (threads: %d, points: %lld, checksum %.3g)\n", fast / slow,
                oneapi::tbb::this_task_arena::max_concurrency(), static_cast<long long>(n), check);
    return 0;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_analytical [design points (4000000)]", [&] { return runBench(argc, argv); });
}
