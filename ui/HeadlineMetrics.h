#pragma once
// The headline metrics of one estimate, in one place: the Results view's cards,
// the Compare table and every report read this list, so a metric's name, unit
// and formatting are the same wherever it appears (names, units and formats are
// the sweep's metric columns'). Each carries its interval (lo, hi in the same
// unit) when the estimate comes with one (estimators/uncertainty); none is invented here.
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/sweep/MetricColumns.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <QString>
#include <optional>
#include <utility>
#include <vector>

namespace llmdse {

struct Headline {
    const char* key;   // stable id for widgets: "ttft", "tpot", ...
    MetricId metric;   // its name, title, unit and format
    double value = 0;  // SI; NaN when unknown (area of a GPU)
    std::optional<std::pair<double, double>> interval;
    bool card = false; // shown as a card in the Results view
    QString title() const { return metricTitle(metric); }
    QString unit() const { return metricUnit(metric); }
};

// With `u`, each metric it has an interval for carries it (memory and area have none).
std::vector<Headline> headlineMetrics(const Metrics& m, const Uncertainty* u = nullptr);
// The interval of every headline metric of `m`, the estimate of `d` by estimator `estimatorId`, as
// `evaluate` gives it; empty (no intervals) when the estimator cannot be made or the estimate fails.
Uncertainty headlineUncertainty(const Design& d, const Metrics& m, const QString& estimatorId);
// "90% interval 7.70 ms – 8.30 ms; basis: ...": what a tooltip says of a metric's interval; "" without one.
QString intervalTip(const Headline& h, const Uncertainty& u);
QString formatHeadline(const Headline& h, double v); // one value in the metric's display unit
// "7.97 ms", or with an interval "7.97 ms (7.7-8.3)" as `evaluate`'s table writes it; "-" when unknown.
QString headlineText(const Headline& h);

} // namespace llmdse
