#pragma once
// Evaluates one point of a study into a row: the same estimator path for a sweep's grid and a
// search's candidates (the analytical estimator's scratch fast path, others through the
// registry, the simulation estimator with its cache). Shared by all threads; each thread
// brings its own Worker.
#include "core/Metrics.h"
#include "estimators/Estimator.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/sweep/Study.h"
#include "estimators/sweep/SweepRow.h"

#include <memory>

namespace llmdse {

class PointEvaluator {
public:
    // Throws InputError(study file, "estimator") for an unknown estimator.
    explicit PointEvaluator(const Study& s);
    std::string version() const { return other_ ? other_->version() : analytical_.version(); }
    bool fast() const { return !other_; } // the analytical estimator: thousands of points per ms

    struct Worker {
        explicit Worker(const Study& s) : points(s) {}
        PointGenerator points;
        AnalyticalEstimator::Scratch scratch;
        Metrics metrics;
    };
    // Fills row.index, params and metrics (with `intervals`, their lo/hi bounds too), or row.error
    // for a design that cannot be estimated.
    void evaluate(Worker& w, std::int64_t index, SweepRow& row, bool intervals = false) const;

private:
    AnalyticalEstimator analytical_;
    std::unique_ptr<Estimator> other_;
};

} // namespace llmdse
