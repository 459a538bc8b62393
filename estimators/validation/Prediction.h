#pragma once
// Predicts each measured row with an estimator and summarises the error.
#include "core/Design.h"
#include "estimators/Estimator.h"
#include "estimators/validation/MeasurementSet.h"

namespace llmdse {

// The design a measurement row describes (fp16 everything, one device).
Design designForMeasurement(const MeasurementSet& set, const Measurement& m, const RuntimeProfile& runtime);

struct RowPrediction {
    double latencyS = 0;
    double energyJ = 0;
};
RowPrediction predictRow(const Estimator& est, const Design& d, Phase phase);

struct ValidationSummary {
    double prefillLatencyMape = 0, decodeLatencyMape = 0;
    double prefillEnergyMape = 0, decodeEnergyMape = 0, energyMape = 0;
    int prefillRows = 0, decodeRows = 0, energyRows = 0;
};
ValidationSummary summarise(const MeasurementSet& set, const std::vector<RowPrediction>& predictions);

} // namespace llmdse
