#pragma once
// Evaluates a study's points in parallel (oneTBB pipeline: generate chunks,
// evaluate chunks on all cores, write chunks in order), streaming to a sink
// with bounded memory, optionally keeping the Pareto front.
#include "estimators/sweep/Pareto.h"
#include "estimators/sweep/ResultSink.h"
#include "estimators/sweep/Study.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace llmdse {

struct SweepOptions {
    int threads = 0;               // 0: all cores
    int shardIndex = 0, shardCount = 1; // evaluate slice shardIndex of shardCount (0-based)
    bool pareto = false;
    bool intervals = false;        // each point's metrics with their intervals (lo/hi columns), as evaluate gives them
    std::int64_t chunk = 8192;
    std::atomic<bool>* cancel = nullptr;
    // Called from the writer with (points done, points in this run).
    std::function<void(std::int64_t, std::int64_t)> progress;
};

struct SweepSummary {
    std::int64_t evaluated = 0, skipped = 0, invalid = 0, infeasible = 0;
    std::int64_t begin = 0, end = 0;
    bool cancelled = false;
    std::vector<ParetoPoint> front; // objectives as stored (maximised ones negated)
    double seconds = 0;
};

// The index range [begin, end) of shard k of n over `total` points.
std::pair<std::int64_t, std::int64_t> shardRange(std::int64_t total, int k, int n);
SweepSchema schemaFor(const Study& s, const std::string& estimatorVersion, std::int64_t begin, std::int64_t end);

SweepSummary runSweep(const Study& study, ResultSink& sink, bool resume, const SweepOptions& opts);

} // namespace llmdse
