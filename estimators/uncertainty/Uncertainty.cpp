#include "estimators/uncertainty/Uncertainty.h"
#include "core/TextTable.h"
#include "estimators/Estimator.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace llmdse {

const MetricInterval* Uncertainty::find(const std::string& key) const
{
    for (const MetricInterval& i : intervals)
        if (i.key == key) return &i;
    return nullptr;
}

namespace {

// The headline metrics, as intervals from the phase bands (errors within a phase taken as fully correlated,
// so sums of a phase's parts move together: e2e = TTFT + the decode steps).
std::vector<MetricInterval> baseIntervals(const Metrics& m, const ErrorModelEntry& e)
{
    const ErrorBand& pl = e.band("prefill_latency");
    const ErrorBand& dl = e.band("decode_latency");
    const ErrorBand& pe = e.band("prefill_energy");
    const ErrorBand& de = e.band("decode_energy");
    const ErrorBand& pp = e.band("prefill_power");
    const ErrorBand& dp = e.band("decode_power");
    const double decodeS = std::max(0.0, m.e2eS - m.ttftS);
    const double decodeE = std::max(0.0, m.totalEnergyJ - m.prefillEnergyJ);
    const double pShare = m.e2eS > 0 ? m.ttftS / m.e2eS : 0;
    std::vector<MetricInterval> v{
        {"ttft_s", m.ttftS, m.ttftS * pl.lo, m.ttftS * pl.hi},
        {"tpot_s", m.tpotS, m.tpotS * dl.lo, m.tpotS * dl.hi},
        {"e2e_s", m.e2eS, m.ttftS * pl.lo + decodeS * dl.lo, m.ttftS * pl.hi + decodeS * dl.hi},
        {"decode_tokens_per_s", m.decodeTokensPerS, m.decodeTokensPerS / dl.hi, m.decodeTokensPerS / dl.lo},
        {"energy_per_token_j", m.energyPerTokenJ, m.energyPerTokenJ * de.lo, m.energyPerTokenJ * de.hi},
        {"tokens_per_j", m.tokensPerJ, m.tokensPerJ / de.hi, m.tokensPerJ / de.lo},
        {"avg_power_w", m.avgPowerW, m.avgPowerW * (pShare * pp.lo + (1 - pShare) * dp.lo),
         m.avgPowerW * (pShare * pp.hi + (1 - pShare) * dp.hi)},
        {"prefill_energy_j", m.prefillEnergyJ, m.prefillEnergyJ * pe.lo, m.prefillEnergyJ * pe.hi},
        {"total_energy_j", m.totalEnergyJ, m.prefillEnergyJ * pe.lo + decodeE * de.lo,
         m.prefillEnergyJ * pe.hi + decodeE * de.hi}};
    return v;
}

double metricValue(const Metrics& m, const std::string& key)
{
    if (key == "ttft_s") return m.ttftS;
    if (key == "tpot_s") return m.tpotS;
    if (key == "e2e_s") return m.e2eS;
    if (key == "decode_tokens_per_s") return m.decodeTokensPerS;
    if (key == "energy_per_token_j") return m.energyPerTokenJ;
    if (key == "tokens_per_j") return m.tokensPerJ;
    if (key == "avg_power_w") return m.avgPowerW;
    if (key == "prefill_energy_j") return m.prefillEnergyJ;
    return m.totalEnergyJ;
}

std::string bandText(const ErrorModelEntry& e)
{
    const ErrorBand& d = e.band("decode_latency");
    return e.basis + " [decode latency x" + fmt(d.lo, 3) + "-" + fmt(d.hi, 3) + ", " + std::to_string(d.rows) +
           " rows]";
}

} // namespace

Uncertainty estimateUncertainty(const Estimator& est, const Design& d, const Metrics& m, const ErrorModel& model)
{
    Uncertainty u;
    u.level = model.level;
    const ErrorModelEntry& e = model.find(d.runtime.id, toString(d.hardware.cls), est.id(), d.hardware.id);
    u.intervals = baseIntervals(m, e);
    u.basis = bandText(e);

    // Figures with no primary source: how far each metric moves across the figure's range, added on the
    // log scale (root sum of squares over the figures) outside the residual band.
    std::vector<double> down(u.intervals.size()), up(u.intervals.size());
    std::string widened;
    for (const UncertainFigure& f : d.hardware.uncertain) {
        for (const double factor : {f.low, f.high}) {
            if (factor == 1) continue;
            Design scaled = d;
            double* figure = hardwareFigure(scaled.hardware, f.field);
            if (!figure || *figure <= 0) continue;
            *figure *= factor;
            Metrics alt;
            try {
                alt = est.evaluate(scaled);
            } catch (const std::exception&) {
                continue; // a figure pushed out of the estimator's domain leaves the band as it is
            }
            for (size_t i = 0; i < u.intervals.size(); ++i) {
                const double base = u.intervals[i].value, moved = metricValue(alt, u.intervals[i].key);
                if (!(base > 0 && moved > 0)) continue;
                const double r = std::log(moved / base);
                (r < 0 ? down[i] : up[i]) += r * r;
            }
        }
        widened += (widened.empty() ? "" : ", ") + f.field + " x" + fmt(f.low, 3) + "-" + fmt(f.high, 3);
    }
    for (size_t i = 0; i < u.intervals.size(); ++i) {
        MetricInterval& iv = u.intervals[i];
        iv.lo *= std::exp(-std::sqrt(down[i]));
        iv.hi *= std::exp(std::sqrt(up[i]));
        iv.lo = std::min(iv.lo, iv.value);
        iv.hi = std::max(iv.hi, iv.value);
    }
    if (!widened.empty())
        u.basis += "; widened for preset figures with no primary source (" + widened + ")";
    return u;
}

QJsonObject toJson(const Uncertainty& u)
{
    QJsonObject o{{"level", u.level}, {"basis", QString::fromStdString(u.basis)}};
    for (const MetricInterval& i : u.intervals) o[QString::fromStdString(i.key)] = QJsonArray{i.lo, i.hi};
    return o;
}

std::string withInterval(const std::string& formattedValue, const MetricInterval& i, int digits)
{
    // The bounds in the value's own unit: scale them by the ratio the formatter applied.
    const size_t numberEnd = formattedValue.find_first_not_of("0123456789.-+e");
    const double shown = std::atof(formattedValue.substr(0, numberEnd).c_str());
    const double scale = i.value != 0 && shown != 0 ? shown / i.value : 1;
    // Enough digits that no bound turns into e-notation (9390, not 9.39e+03).
    const int whole = i.hi * scale >= 1 ? int(std::floor(std::log10(i.hi * scale))) + 1 : 1;
    const int d = std::max(digits, whole);
    return formattedValue + " (" + fmt(i.lo * scale, d) + "-" + fmt(i.hi * scale, d) + ")";
}

} // namespace llmdse
