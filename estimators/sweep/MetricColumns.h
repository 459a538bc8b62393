#pragma once
// The metrics a sweep records per point, by name (objectives refer to these).
#include "core/Metrics.h"

#include <array>
#include <string>

namespace llmdse {

enum class MetricId : unsigned char {
    TtftS, TpotS, E2eS, DecodeTokensPerS, EnergyPerTokenJ, TokensPerJ, AvgPowerW, PrefillEnergyJ, TotalEnergyJ,
    WeightsBytes, KvCacheBytes, MemoryBytes, Fits, AreaMm2, FpgaUtilisation
};
constexpr int kMetricCount = 15;

const char* metricName(MetricId id);  // "tpot_s": the name studies, filters and columns use
const char* metricUnit(MetricId id);
const char* metricTitle(MetricId id); // "time per output token": the name people read
// A value with its unit as people read it ("7.97 ms", "141 GB", "yes"); "-" for NaN.
std::string formatMetric(MetricId id, double v);
// InputError(where) for an unknown name.
MetricId parseMetric(const std::string& name, const std::string& where);

using MetricRow = std::array<double, kMetricCount>;
void extractMetrics(const Metrics& m, MetricRow& out);

// The metrics that carry an interval (evaluate's "uncertainty" keys, `sweep --uncertainty`'s lo/hi
// columns): the first kIntervalCount ids, time to first token through energy per request.
constexpr int kIntervalCount = 9;
using IntervalRow = std::array<double, kIntervalCount>;
std::string intervalColumn(MetricId id, bool high); // "tpot_s_lo", "tpot_s_hi"

} // namespace llmdse
