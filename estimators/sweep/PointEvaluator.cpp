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
    if (s.estimator.empty()) {
        perClass_ = std::make_unique<EstimatorChoice>();
        return;
    }
    try {
        other_ = createEstimator(s.estimator);
    } catch (const InputError& e) {
        throw InputError(s.file, "estimator", e.reason());
    }
}

std::string PointEvaluator::version() const
{
    if (other_) return other_->version();
    if (!perClass_) return analytical_.version();
    return analytical_.version() + " (" + perClass_->describe() + ")";
}

const Estimator* PointEvaluator::estimatorFor(const Design& d) const
{
    if (other_) return other_.get();
    return perClass_ ? perClass_->classEstimator(d) : nullptr;
}

void PointEvaluator::evaluate(Worker& w, std::int64_t index, SweepRow& row, bool intervals) const
{
    row.index = index;
    try {
        const Design& d = w.points.at(index, row.params.data());
        d.validate();
        const Estimator* est = estimatorFor(d);
        if (est) w.metrics = est->evaluate(d, false);
        else analytical_.evaluate(d, w.metrics, w.scratch, false);
        extractMetrics(w.metrics, d, row.metrics);
        if (intervals)
            extractIntervals(estimateUncertainty(est ? *est : static_cast<const Estimator&>(analytical_), d, w.metrics), row);
    } catch (const InputError& e) {
        row.error = e.what();
    }
}

} // namespace llmdse
