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
    Metrics evaluate(const Design& d, bool withOps = false) const override;

    // Reusable buffers so a sweep thread evaluates without allocating.
    using Scratch = RequestGraphs;
    void evaluate(const Design& d, Metrics& out, Scratch& scratch, bool withOps) const;
};

} // namespace llmdse
