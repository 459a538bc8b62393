#pragma once
// The interval around every headline metric of an estimate: the error model's band for the design's
// runtime, class and estimator, widened by the preset figures that have no primary source (each one's
// stated range pushed through the estimator).
#include "core/Design.h"
#include "core/Metrics.h"
#include "estimators/uncertainty/ErrorModel.h"

#include <QJsonObject>
#include <string>
#include <utility>
#include <vector>

namespace llmdse {

class Estimator;

struct MetricInterval {
    std::string key; // as in evaluate's JSON: ttft_s, tpot_s, ...
    double value = 0, lo = 0, hi = 0;
};

struct Uncertainty {
    double level = 0.9;
    std::string basis;
    std::vector<MetricInterval> intervals;
    const MetricInterval* find(const std::string& key) const;
};

// Every headline metric of `m` (the estimate of `d` by `est`) with its interval.
Uncertainty estimateUncertainty(const Estimator& est, const Design& d, const Metrics& m,
                                const ErrorModel& model = bundledErrorModel());

// {"level": 0.9, "basis": "...", "ttft_s": [lo, hi], ...}
QJsonObject toJson(const Uncertainty& u);
// "7.97 ms (7.7-8.3)" for a value formatted by `format`.
std::string withInterval(const std::string& formattedValue, const MetricInterval& i, int digits = 3);

} // namespace llmdse
