#include "estimators/sweep/PointEvaluator.h"
#include "core/Errors.h"
#include "estimators/uncertainty/Uncertainty.h"

#include <cmath>

namespace llmdse {

namespace {

void extractIntervals(const Uncertainty& u, SweepRow& row)
{
    for (int m = 0; m < kIntervalCount; ++m) {
        const MetricInterval* i = u.find(metricName(static_cast<MetricId>(m)));
        row.lo[m] = i ? i->lo : std::nan("");
        row.hi[m] = i ? i->hi : std::nan("");
    }
}

} // namespace

PointEvaluator::PointEvaluator(const Study& s)
{
    if (s.estimator == AnalyticalEstimator::kId) return;
    try {
        other_ = createEstimator(s.estimator);
    } catch (const InputError& e) {
        throw InputError(s.file, "estimator", e.reason());
    }
}

void PointEvaluator::evaluate(Worker& w, std::int64_t index, SweepRow& row, bool intervals) const
{
    row.index = index;
    try {
        const Design& d = w.points.at(index, row.params.data());
        d.validate();
        if (other_) w.metrics = other_->evaluate(d, false);
        else analytical_.evaluate(d, w.metrics, w.scratch, false);
        extractMetrics(w.metrics, d, row.metrics);
        if (intervals)
            extractIntervals(estimateUncertainty(other_ ? *other_ : static_cast<const Estimator&>(analytical_), d, w.metrics), row);
    } catch (const InputError& e) {
        row.error = e.what();
    }
}

} // namespace llmdse
