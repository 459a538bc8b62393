#pragma once
#include "estimators/sweep/MetricColumns.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace llmdse {

constexpr int kMaxAxes = 32;

// One evaluated point. Text parameters are stored as indices into the axis values.
struct SweepRow {
    std::int64_t index = 0;
    std::array<double, kMaxAxes> params{};
    MetricRow metrics{};
    IntervalRow lo{}, hi{}; // the metrics' intervals, when the schema has them
    std::string error; // non-empty: the point is invalid (e.g. tp exceeds heads)
};

// What the output files need to know about the columns.
struct SweepSchema {
    std::vector<std::string> paramNames;
    std::vector<std::vector<std::string>> paramText; // per axis: text values (empty for numeric axes)
    std::string studyJson;
    std::string fingerprint;
    std::string estimatorVersion;
    double intervalLevel = 0; // > 0: each point carries its metrics' intervals at this level (lo/hi columns)
    std::int64_t totalPoints = 0;
    std::int64_t shardBegin = 0, shardEnd = 0;
    int shardIndex = 0, shardCount = 1; // slice shardIndex (0-based) of a shardCount-way split
};

} // namespace llmdse
