#include "ui/HeadlineMetrics.h"
#include "estimators/Estimator.h"

#include <cmath>

namespace llmdse {

std::vector<Headline> headlineMetrics(const Metrics& m, const Uncertainty* u)
{
    MetricRow r;
    extractMetrics(m, r);
    auto h = [&r, u](const char* key, MetricId id, bool card) {
        Headline x{key, id, r[size_t(id)], {}, card};
        if (const MetricInterval* i = u ? u->find(metricName(id)) : nullptr) x.interval = std::make_pair(i->lo, i->hi);
        return x;
    };
    return {h("ttft", MetricId::TtftS, true),          h("tpot", MetricId::TpotS, true),
            h("e2e", MetricId::E2eS, false),           h("tps", MetricId::DecodeTokensPerS, true),
            h("ept", MetricId::EnergyPerTokenJ, false), h("tpj", MetricId::TokensPerJ, true),
            h("power", MetricId::AvgPowerW, true),     h("memory", MetricId::MemoryBytes, false),
            h("area", MetricId::AreaMm2, true)};
}

Uncertainty headlineUncertainty(const Design& d, const Metrics& m, const QString& estimatorId)
{
    try {
        return estimateUncertainty(*createEstimator(estimatorId.toStdString()), d, m);
    } catch (const std::exception&) {
        return {}; // the estimate itself shows the failure; no interval is better than an invented one
    }
}

QString intervalTip(const Headline& h, const Uncertainty& u)
{
    if (!h.interval) return {};
    return QString("%1% interval %2 – %3\nbasis: %4")
        .arg(100 * u.level, 0, 'g', 3)
        .arg(formatHeadline(h, h.interval->first), formatHeadline(h, h.interval->second), QString::fromStdString(u.basis));
}

QString formatHeadline(const Headline& h, double v) { return QString::fromStdString(formatMetric(h.metric, v)); }

QString headlineText(const Headline& h)
{
    const std::string shown = formatMetric(h.metric, h.value);
    if (!h.interval || std::isnan(h.value)) return QString::fromStdString(shown);
    return QString::fromStdString(withInterval(shown, {metricName(h.metric), h.value, h.interval->first, h.interval->second}));
}

} // namespace llmdse
