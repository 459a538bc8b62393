#include "estimators/sweep/PointEvaluator.h"
#include "core/Errors.h"

namespace llmdse {

PointEvaluator::PointEvaluator(const Study& s)
{
    if (s.estimator == AnalyticalEstimator::kId) return;
    try {
        other_ = createEstimator(s.estimator);
    } catch (const InputError& e) {
        throw InputError(s.file, "estimator", e.reason());
    }
}

void PointEvaluator::evaluate(Worker& w, std::int64_t index, SweepRow& row) const
{
    row.index = index;
    try {
        const Design& d = w.points.at(index, row.params.data());
        d.validate();
        if (other_) w.metrics = other_->evaluate(d, false);
        else analytical_.evaluate(d, w.metrics, w.scratch, false);
        extractMetrics(w.metrics, d, row.metrics);
    } catch (const InputError& e) {
        row.error = e.what();
    }
}

} // namespace llmdse
