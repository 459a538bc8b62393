// Sweep throughput: a 2^20-point grid written to SQLite, CSV and JSON in one run.
#include "bench/BenchMain.h"
#include "estimators/sweep/SweepRunner.h"

#include <cstdio>
#include <filesystem>

using namespace llmdse;

static int runBench(int argc, char** argv)
{
    const std::string study = argc > 1 ? argv[1] : "bench/studies/grid-1m.json";
    const Study s = readStudyFile(study);
    std::printf("study %s: %lld points\n", study.c_str(), static_cast<long long>(s.totalPoints()));
    for (const char* ext : {"sqlite", "csv", "json"}) {
        const std::string out = (std::filesystem::temp_directory_path() / ("llmdse-bench-sweep." + std::string(ext))).string();
        auto sink = openSink(out, SinkMode::Overwrite);
        SweepOptions opts;
        const SweepSummary r = runSweep(s, *sink, false, opts);
        std::printf("%-7s %8.2f s  %10.0f points/s  %6.1f MB\n", ext, r.seconds, r.evaluated / r.seconds,
                    std::filesystem::file_size(out) / 1e6);
        std::filesystem::remove(out);
    }
    return 0;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_sweep [study (bench/studies/grid-1m.json)]", [&] { return runBench(argc, argv); });
}
