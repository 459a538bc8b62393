// Simulation estimator speed, side by side in one run: one 4096^3 product; a
// Llama-2-7B decode step on template-systolic uncached and cached; a template
// sweep (default examples/study-template.json, 10,000 points) with a cold cache
// and again with the warm cache it left.
#include "bench/BenchMain.h"
#include "estimators/simulation/MatmulSimulator.h"
#include "estimators/simulation/SimulationEstimator.h"
#include "estimators/sweep/SweepRunner.h"
#include "models/DesignJson.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace llmdse;

namespace {
double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

static int runBench(int argc, char** argv)
{
    const Design d = designFromJson({{"model", "llama-2-7b"}, {"hardware", "template-systolic"}, {"batch", 1},
                                     {"prompt", 1024}, {"output", 128}, {"context", 1024}});
    {
        const TemplateRates r(*d.hardware.accel);
        MatmulShape s;
        s.m = s.n = s.k = 4096;
        const int reps = 200;
        auto t0 = std::chrono::steady_clock::now();
        OpSim o;
        for (int i = 0; i < reps; ++i) o = simulateMatmul(s, r);
        std::printf("4096^3 matmul:              %10.1f us per simulation (%s, %.1f%% utilisation)\n",
                    seconds(t0) / reps * 1e6, o.mapping.c_str(), 100 * o.utilisation);
    }
    {
        const int reps = 50;
        double uncached = 0;
        for (int i = 0; i < reps; ++i) {
            SimulationEstimator fresh(std::make_shared<SimCache>(""));
            auto t0 = std::chrono::steady_clock::now();
            fresh.evaluate(d);
            uncached += seconds(t0);
        }
        SimulationEstimator warm(std::make_shared<SimCache>(""));
        warm.evaluate(d);
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps * 20; ++i) warm.evaluate(d);
        const double cached = seconds(t0) / (reps * 20);
        std::printf("llama-2-7b design (prefill + decode), uncached: %8.1f us\n", uncached / reps * 1e6);
        std::printf("llama-2-7b design (prefill + decode), cached:   %8.1f us  (%.0fx)\n", cached * 1e6,
                    uncached / reps / cached);
    }
    const std::string studyFile = argc > 1 ? argv[1] : "examples/study-template.json";
    const Study study = readStudyFile(studyFile);
    const auto cacheFile = std::filesystem::temp_directory_path() / "llmdse-bench-simcache.sqlite";
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(cacheFile.string() + suffix);
    setDefaultSimCachePath(cacheFile.string());
    double cold = 0;
    for (const char* pass : {"cold cache", "warm cache"}) {
        const std::string out = (std::filesystem::temp_directory_path() / "llmdse-bench-simsweep.sqlite").string();
        auto sink = openSink(out, SinkMode::Overwrite);
        const SweepSummary r = runSweep(study, *sink, false, SweepOptions{});
        sink.reset();
        setDefaultSimCachePath(cacheFile.string()); // flushes, and the next pass reopens the file as a new run would
        std::printf("sweep %s (%lld points), %s: %8.2f s  %8.0f points/s%s\n", studyFile.c_str(),
                    static_cast<long long>(r.evaluated), pass, r.seconds, r.evaluated / r.seconds,
                    cold > 0 ? (" (" + std::to_string(int(cold / r.seconds)) + "x faster)").c_str() : "");
        if (cold == 0) cold = r.seconds;
        std::filesystem::remove(out);
    }
    return 0;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_simulation [template study (examples/study-template.json)]", [&] { return runBench(argc, argv); });
}
