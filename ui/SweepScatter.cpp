#include "ui/SweepScatter.h"
#include "estimators/Estimator.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>

namespace llmdse {

namespace {

bool feasibleRow(const SweepResults& r, size_t i)
{
    const double fpga = r.metric(MetricId::FpgaUtilisation, i);
    return r.metric(MetricId::Fits, i) != 0 && !(fpga > 1);
}

// Which colour each row gets: a text axis by its value; a numeric one by value when it has few,
// else by range (log ranges for positive values spanning more than a decade).
struct Colouring {
    std::vector<QString> names;
    std::function<int(size_t)> of;
};

Colouring colouring(const SweepResults& r, int axis)
{
    Colouring c;
    if (axis < 0 || size_t(axis) >= r.schema().paramNames.size()) {
        c.names = {"designs"};
        c.of = [](size_t) { return 0; };
        return c;
    }
    const size_t a = size_t(axis);
    const auto& text = r.schema().paramText[a];
    if (!text.empty()) { // value indices: one colour each, those beyond the palette together as "other"
        for (size_t k = 0; k < text.size() && k < size_t(kMaxColours); ++k) c.names.push_back(QString::fromStdString(text[k]));
        if (text.size() > size_t(kMaxColours)) c.names.back() = "other";
        c.of = [&r, a](size_t i) { return std::clamp(int(r.param(a, i)), 0, kMaxColours - 1); };
        return c;
    }
    std::set<float> values;
    for (size_t i = 0; i < r.size() && values.size() <= size_t(kMaxColours); ++i) values.insert(float(r.param(a, i)));
    if (values.size() <= size_t(kMaxColours)) { // few values: one colour each
        std::vector<float> v(values.begin(), values.end());
        for (float x : v) c.names.push_back(QString::number(x, 'g', 6));
        c.of = [&r, a, v](size_t i) {
            return int(std::lower_bound(v.begin(), v.end(), float(r.param(a, i))) - v.begin());
        };
        return c;
    }
    double lo = 1e300, hi = -1e300;
    for (size_t i = 0; i < r.size(); ++i) lo = std::min(lo, r.param(a, i)), hi = std::max(hi, r.param(a, i));
    const bool log = lo > 0 && hi / lo > 10;
    const int bins = 6;
    auto t = [=](double v) { return log ? (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) : (v - lo) / (hi - lo); };
    auto at = [=](double u) { return log ? lo * std::pow(hi / lo, u) : lo + u * (hi - lo); };
    for (int b = 0; b < bins; ++b)
        c.names.push_back(QString("%1 – %2").arg(at(double(b) / bins), 0, 'g', 3).arg(at(double(b + 1) / bins), 0, 'g', 3));
    c.of = [&r, a, t, bins](size_t i) { return std::clamp(int(t(r.param(a, i)) * bins), 0, bins - 1); };
    return c;
}

} // namespace

ScatterData scatterData(const SweepResults& r, const std::vector<std::int64_t>& front, MetricId mx, MetricId my,
                        const SweepFilter& filter, int colourAxis)
{
    ScatterData d;
    const size_t n = r.size();
    auto finite = [](double v) { return std::isfinite(v) && v > 0; };
    std::vector<char> keep(n, 0);
    for (size_t i = 0; i < n; ++i) {
        if (!filter.terms.empty() && !filter.accepts(r, i)) continue;
        keep[i] = 1;
        ++d.kept;
        const double x = r.metric(mx, i), y = r.metric(my, i);
        if (!finite(x) || !finite(y)) continue;
        d.x0 = std::min(d.x0, x), d.x1 = std::max(d.x1, x), d.y0 = std::min(d.y0, y), d.y1 = std::max(d.y1, y);
    }
    const Colouring colours = colouring(r, colourAxis);
    for (const QString& name : colours.names) d.groups.push_back({name, {}, {}});
    d.infeasible.name = "does not fit";
    d.front.name = "Pareto front";
    // 72 x 48 cells for one colour; with more colours (and the designs that do not fit) a coarser grid
    // each, so the points drawn stay about as many whatever the colouring.
    const double layers = double(colours.names.size() + 1);
    const double coarser = std::sqrt(std::max(1.0, layers - 1));
    const int kCellsX = std::max(12, int(72 / coarser)), kCellsY = std::max(8, int(48 / coarser));
    const size_t cells = size_t(kCellsX) * kCellsY;
    const double lx0 = std::log(d.x0), ly0 = std::log(d.y0);
    const double sx = d.x1 > d.x0 ? (kCellsX - 1) / (std::log(d.x1) - lx0) : 0;
    const double sy = d.y1 > d.y0 ? (kCellsY - 1) / (std::log(d.y1) - ly0) : 0;
    std::vector<char> taken(cells * (colours.names.size() + 1), 0); // the last layer: designs that do not fit
    for (size_t i = 0; i < n && d.x1 > 0; ++i) {
        if (!keep[i]) continue;
        const double x = r.metric(mx, i), y = r.metric(my, i);
        if (!finite(x) || !finite(y)) continue;
        const bool fits = feasibleRow(r, i);
        const size_t layer = fits ? size_t(colours.of(i)) : colours.names.size();
        const size_t cell = layer * cells + size_t((std::log(x) - lx0) * sx) * kCellsY + size_t((std::log(y) - ly0) * sy);
        if (taken[cell]) continue;
        taken[cell] = 1;
        ScatterGroup& g = fits ? d.groups[layer] : d.infeasible;
        g.points.append({x, y});
        g.rows.push_back(i);
    }
    const std::int64_t first = n ? r.index(0) : 0;
    for (std::int64_t idx : front) {
        const size_t i = size_t(idx - first);
        if (i < n && keep[i]) {
            d.front.points.append({r.metric(mx, i), r.metric(my, i)});
            d.front.rows.push_back(i);
        }
    }
    return d;
}

std::vector<ScatterErrorBar> frontErrorBars(const Study& study, const SweepResults& r, const ScatterGroup& front,
                                            MetricId mx, MetricId my, size_t limit)
{
    std::vector<ScatterErrorBar> bars;
    std::unique_ptr<EstimatorChoice> choice;
    try {
        choice = std::make_unique<EstimatorChoice>(study.estimator);
    } catch (const std::exception&) {
        return bars;
    }
    PointGenerator points(study);
    std::vector<double> params(study.axes.size() + 1);
    for (size_t k = 0; k < front.rows.size() && k < limit; ++k) {
        try {
            const Design& d = points.at(r.index(front.rows[k]), params.data());
            const Estimator& est = choice->forDesign(d);
            const Metrics m = est.evaluate(d);
            const Uncertainty u = estimateUncertainty(est, d, m);
            const QPointF at = front.points[qsizetype(k)];
            // Relative to the estimate, placed at the plotted value (stored as a float).
            auto range = [&u](MetricId id, double shown) -> std::optional<std::pair<double, double>> {
                const MetricInterval* i = int(id) < kIntervalCount ? u.find(metricName(id)) : nullptr;
                if (!i || !(i->value > 0)) return std::nullopt;
                return std::make_pair(shown * i->lo / i->value, shown * i->hi / i->value);
            };
            ScatterErrorBar b{at, range(mx, at.x()), range(my, at.y())};
            if (b.x || b.y) bars.push_back(b);
        } catch (const std::exception&) {
            // a point the estimator refuses now has no bar; the scatter still shows it
        }
    }
    return bars;
}

} // namespace llmdse
