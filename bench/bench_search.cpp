// Co-design search, two targets of issue 17 measured in one run:
//  1. a space small enough to enumerate (>= 1e5 points, three objectives): every point evaluated,
//     then NSGA-II with at most 5% of the evaluations for 10 seeds; the median ratio of its front's
//     hypervolume to the exhaustive front's (target >= 0.98). Reference point: the exhaustive
//     front's worst value per objective pushed out by 1% of its spread (the same for every run).
//  2. a >= 1e10-point space searched with 20,000 evaluations of the analytical estimator, every
//     point written to SQLite (target < 60 s wall).
// Usage: bench_search [small-study] [large-study] (defaults: bench/studies/search-1e5.json, search-1e10.json)
#include "bench/BenchMain.h"
#include "estimators/search/Hypervolume.h"
#include "estimators/sweep/SweepRunner.h"

#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

using namespace llmdse;

namespace {

// Keeps nothing: the fronts come back in the summary.
struct NullSink : ResultSink {
    void begin(const SweepSchema&) override {}
    void write(const std::vector<SweepRow>&) override {}
    void finish() override {}
};

Study withSearch(const Study& base, const char* algorithm, std::int64_t budget, int seed)
{
    QJsonObject json = base.json;
    QJsonObject search = json.value("search").toObject();
    search["algorithm"] = algorithm;
    search["budget"] = double(budget);
    search["seed"] = seed;
    json["search"] = search;
    return parseStudy(json, base.file);
}

double volume(const std::vector<ParetoPoint>& front, const std::vector<double>& ref)
{
    std::vector<std::vector<double>> pts;
    for (const auto& p : front) pts.push_back(p.objectives);
    return hypervolume(pts, ref);
}

} // namespace

static int runBench(int argc, char** argv)
{
    const Study small = readStudyFile(argc > 1 ? argv[1] : "bench/studies/search-1e5.json");
    const Study large = readStudyFile(argc > 2 ? argv[2] : "bench/studies/search-1e10.json");

    // 1. Exhaustive against NSGA-II at <= 5%.
    NullSink sink;
    const SweepSummary all = runSweep(withSearch(small, "random", small.gridSize, 1), sink, false, {});
    std::vector<double> lo(small.objectives.size(), 1e300), hi(small.objectives.size(), -1e300);
    for (const auto& p : all.front)
        for (size_t i = 0; i < lo.size(); ++i) lo[i] = std::min(lo[i], p.objectives[i]), hi[i] = std::max(hi[i], p.objectives[i]);
    std::vector<double> ref(lo.size());
    for (size_t i = 0; i < lo.size(); ++i) ref[i] = hi[i] + 0.01 * (hi[i] - lo[i]);
    const double exact = volume(all.front, ref);
    std::printf("space %s: %lld points enumerated in %.2f s, exhaustive front %zu points, hypervolume %.6g\n",
                small.file.c_str(), static_cast<long long>(all.evaluated), all.seconds, all.front.size(), exact);
    const std::int64_t budget = small.search->budget;
    std::printf("NSGA-II, budget %lld (%.2f%% of the space), population %d:\n", static_cast<long long>(budget),
                100.0 * double(budget) / double(small.gridSize), small.search->population);
    std::set<std::int64_t> exhaustive;
    for (const auto& p : all.front) exhaustive.insert(p.index);
    auto found = [&](const std::vector<ParetoPoint>& f) {
        double n = 0;
        for (const auto& p : f) n += exhaustive.count(p.index);
        return n / double(exhaustive.size());
    };
    std::vector<double> ratios, randomRatios, foundNsga, foundRandom;
    for (int seed = 1; seed <= 10; ++seed) {
        const SweepSummary r = runSweep(withSearch(small, "nsga2", budget, seed), sink, false, {});
        const SweepSummary q = runSweep(withSearch(small, "random", budget, seed), sink, false, {});
        ratios.push_back(volume(r.front, ref) / exact);
        randomRatios.push_back(volume(q.front, ref) / exact);
        foundNsga.push_back(found(r.front));
        foundRandom.push_back(found(q.front));
        std::printf("  seed %2d: %lld evaluations, front %zu, hypervolume ratio %.4f, %.1f%% of the exhaustive front's "
                    "points (random search, same budget: %.4f, %.1f%%)\n",
                    seed, static_cast<long long>(r.evaluated), r.front.size(), ratios.back(), 100 * foundNsga.back(),
                    randomRatios.back(), 100 * foundRandom.back());
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return 0.5 * (v[(v.size() - 1) / 2] + v[v.size() / 2]);
    };
    std::printf("median over 10 seeds: hypervolume ratio NSGA-II %.4f (target >= 0.98), random %.4f; exhaustive front "
                "points found: NSGA-II %.1f%%, random %.1f%%\n",
                median(ratios), median(randomRatios), 100 * median(foundNsga), 100 * median(foundRandom));

    // 2. A 1e10-point space, 20,000 evaluations, every point to SQLite.
    const std::string out = (std::filesystem::temp_directory_path() / "llmdse-bench-search.sqlite").string();
    auto db = openSink(out, SinkMode::Overwrite);
    const auto t0 = std::chrono::steady_clock::now();
    const SweepSummary big = runSweep(large, *db, false, {});
    db.reset();
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("space %s: %.3g points, %lld evaluations in %zu generations, %lld invalid, front %zu: %.2f s wall "
                "(target < 60 s)\n",
                large.file.c_str(), double(large.gridSize), static_cast<long long>(big.evaluated), big.generations.size(),
                static_cast<long long>(big.invalid), big.front.size(), wall);
    std::filesystem::remove(out);
    return 0;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_search [small study (bench/studies/search-1e5.json)] [large study (bench/studies/search-1e10.json)]", [&] { return runBench(argc, argv); });
}
