#include "estimators/sweep/MetricColumns.h"
#include "core/Errors.h"

#include <cmath>

namespace llmdse {

namespace {
struct Info {
    const char* name;
    const char* unit;
};
constexpr Info kInfo[kMetricCount] = {
    {"ttft_s", "s"}, {"tpot_s", "s"}, {"e2e_s", "s"}, {"decode_tokens_per_s", "tokens/s"},
    {"energy_per_token_j", "J"}, {"tokens_per_j", "tokens/J"}, {"avg_power_w", "W"}, {"prefill_energy_j", "J"},
    {"total_energy_j", "J"}, {"weights_bytes", "B"}, {"kv_cache_bytes", "B"}, {"memory_bytes", "B"},
    {"fits", "bool"}, {"area_mm2", "mm2"}, {"fpga_utilisation", "fraction"},
};
} // namespace

const char* metricName(MetricId id) { return kInfo[int(id)].name; }
const char* metricUnit(MetricId id) { return kInfo[int(id)].unit; }

MetricId parseMetric(const std::string& name, const std::string& where)
{
    for (int i = 0; i < kMetricCount; ++i)
        if (name == kInfo[i].name) return static_cast<MetricId>(i);
    std::string list;
    for (const auto& i : kInfo) list += std::string(list.empty() ? "" : ", ") + i.name;
    throw InputError("", where, "unknown metric '" + name + "' (known: " + list + ")");
}

void extractMetrics(const Metrics& m, MetricRow& o)
{
    o[int(MetricId::TtftS)] = m.ttftS;
    o[int(MetricId::TpotS)] = m.tpotS;
    o[int(MetricId::E2eS)] = m.e2eS;
    o[int(MetricId::DecodeTokensPerS)] = m.decodeTokensPerS;
    o[int(MetricId::EnergyPerTokenJ)] = m.energyPerTokenJ;
    o[int(MetricId::TokensPerJ)] = m.tokensPerJ;
    o[int(MetricId::AvgPowerW)] = m.avgPowerW;
    o[int(MetricId::PrefillEnergyJ)] = m.prefillEnergyJ;
    o[int(MetricId::TotalEnergyJ)] = m.totalEnergyJ;
    o[int(MetricId::WeightsBytes)] = m.memory.weightsBytes;
    o[int(MetricId::KvCacheBytes)] = m.memory.kvCacheBytes;
    o[int(MetricId::MemoryBytes)] = m.memory.totalBytes();
    o[int(MetricId::Fits)] = m.memory.fits ? 1.0 : 0.0;
    o[int(MetricId::AreaMm2)] = m.areaMm2 >= 0 ? m.areaMm2 : std::nan("");
    o[int(MetricId::FpgaUtilisation)] = m.fpgaUtilisation >= 0 ? m.fpgaUtilisation : std::nan("");
}

} // namespace llmdse
