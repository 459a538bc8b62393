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
    std::string version() const;
    // Every point on the analytical estimator: thousands of points per ms. A study that names no
    // estimator is fast too; its FPGA points go to the FPGA class's estimator.
    bool fast() const { return !other_; }

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
    // The estimator of a point: null for the analytical fast path.
    const Estimator* estimatorFor(const Design& d) const;

    AnalyticalEstimator analytical_;
    std::unique_ptr<Estimator> other_;          // the study names a non-analytical estimator
    std::unique_ptr<EstimatorChoice> perClass_; // the study names none
};

} // namespace llmdse
