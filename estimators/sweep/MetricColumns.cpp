#include "estimators/sweep/MetricColumns.h"
#include "core/Errors.h"
#include "core/TextTable.h"
#include "core/Units.h"

#include <cmath>

namespace llmdse {

namespace {
struct Info {
    const char* name;
    const char* unit;
    const char* title;
};
constexpr Info kInfo[kMetricCount] = {
    {"ttft_s", "s", "time to first token"},
    {"tpot_s", "s", "time per output token"},
    {"e2e_s", "s", "end-to-end latency"},
    {"decode_tokens_per_s", "tokens/s", "decode throughput"},
    {"energy_per_token_j", "J", "energy per token"},
    {"tokens_per_j", "tokens/J", "tokens per joule"},
    {"avg_power_w", "W", "average power"},
    {"prefill_energy_j", "J", "prefill energy"},
    {"total_energy_j", "J", "energy per request"},
    {"weights_bytes", "B", "weights per device"},
    {"kv_cache_bytes", "B", "KV cache per device"},
    {"memory_bytes", "B", "memory per device"},
    {"fits", "bool", "fits in memory"},
    {"area_mm2", "mm2", "area"},
    {"fpga_utilisation", "fraction", "FPGA utilisation"},
};
} // namespace

const char* metricName(MetricId id) { return kInfo[int(id)].name; }
const char* metricUnit(MetricId id) { return kInfo[int(id)].unit; }
const char* metricTitle(MetricId id) { return kInfo[int(id)].title; }

std::string formatMetric(MetricId id, double v)
{
    if (std::isnan(v)) return "-";
    const std::string unit = metricUnit(id);
    if (unit == "s") return formatSeconds(v);
    if (unit == "B") return formatBytes(v);
    if (unit == "bool") return v != 0 ? "yes" : "no";
    if (unit == "fraction") return fmt(100 * v, 3) + " %";
    if (unit == "mm2") return fmt(v, 4) + " mm²";
    if (unit == "tokens/J") return fmt(v, 3) + " tokens/J"; // 0.314 tokens/J, not 314 mtokens/J
    return formatSi(v, unit.c_str());
}

static_assert(int(MetricId::TotalEnergyJ) == kIntervalCount - 1, "the interval metrics are the first ids");

std::string intervalColumn(MetricId id, bool high) { return std::string(metricName(id)) + (high ? "_hi" : "_lo"); }

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
