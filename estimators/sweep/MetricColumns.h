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

const char* metricName(MetricId id);
const char* metricUnit(MetricId id);
// InputError(where) for an unknown name.
MetricId parseMetric(const std::string& name, const std::string& where);

using MetricRow = std::array<double, kMetricCount>;
void extractMetrics(const Metrics& m, MetricRow& out);

} // namespace llmdse
