#include "ui/HeadlineMetrics.h"

#include <cmath>

namespace llmdse {

std::vector<Headline> headlineMetrics(const Metrics& m)
{
    MetricRow r;
    extractMetrics(m, r);
    auto h = [&r](const char* key, MetricId id, bool card) { return Headline{key, id, r[size_t(id)], {}, card}; };
    return {h("ttft", MetricId::TtftS, true),          h("tpot", MetricId::TpotS, true),
            h("e2e", MetricId::E2eS, false),           h("tps", MetricId::DecodeTokensPerS, true),
            h("ept", MetricId::EnergyPerTokenJ, false), h("tpj", MetricId::TokensPerJ, true),
            h("power", MetricId::AvgPowerW, true),     h("memory", MetricId::MemoryBytes, false),
            h("area", MetricId::AreaMm2, true)};
}

QString formatHeadline(const Headline& h, double v) { return QString::fromStdString(formatMetric(h.metric, v)); }

QString headlineText(const Headline& h)
{
    QString t = formatHeadline(h, h.value);
    if (h.interval) t += QString(" (%1 – %2)").arg(formatHeadline(h, h.interval->first), formatHeadline(h, h.interval->second));
    return t;
}

} // namespace llmdse
