#pragma once
// Roofline + runtime profile + fixed overheads + communication, with energy
// and memory. Thousands of times faster than simulation: the sweep workhorse.
#include "estimators/Estimator.h"
#include "estimators/RequestComposer.h"
#include "models/OpGraph.h"

namespace llmdse {

class AnalyticalEstimator : public Estimator {
public:
    static constexpr const char* kId = "analytical";
    std::string id() const override { return kId; }
    std::string version() const override { return "analytical-1.0"; }

    using Estimator::evaluate;
    // Reusable buffers so a sweep thread evaluates without allocating (checked like evaluate()).
    using Scratch = RequestGraphs;
    void evaluate(const Design& d, Metrics& out, Scratch& scratch, bool withOps) const;

protected:
    Metrics estimate(const Design& d, bool withOps) const override;
};

} // namespace llmdse
