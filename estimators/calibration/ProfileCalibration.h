#pragma once
// Fits a runtime profile's physical parameters (per-kernel cost, GEMM and
// attention efficiency, bandwidth efficiencies, busy power and energy scales)
// to measured runs by least squares on log(predicted / measured).
#include "core/RuntimeProfile.h"
#include "estimators/validation/MeasurementSet.h"

#include <string>
#include <vector>

namespace llmdse {

struct CalibrationParameter {
    std::string name;
    double fitted = 0;
};

struct CalibrationResult {
    RuntimeProfile profile;
    std::vector<CalibrationParameter> parameters;
    double latencyMapeBefore = 0, latencyMapeAfter = 0;
    double energyMapeBefore = 0, energyMapeAfter = 0;
    int rows = 0;
    int iterations = 0;
};

// `hardware` empty: use every row, each on its own device; else only that device's rows.
// `fixed`: parameter names held at the start profile's values (e.g. set from microbenchmarks).
CalibrationResult calibrateProfile(const MeasurementSet& data, const RuntimeProfile& start, const std::string& hardware,
                                   const std::vector<std::string>& fixed = {});
std::vector<std::string> calibrationParameterNames();

// A fixed cost (the *_us parameters) fitted to below 1e-9 of its starting value is an absent term:
// it is set to 0. Log-space fits run such a term off towards exp(-inf) (1e-136 s was seen), a value
// that profile files reject as a unit mistake. calibrateProfile applies this to its result.
void dropNegligibleCosts(RuntimeProfile& fitted, const RuntimeProfile& start);

} // namespace llmdse
