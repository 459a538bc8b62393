#pragma once
// The error model's bands for a fitted profile, from its held-out residuals: measured / predicted per
// phase for latency, energy and power (resources/uncertainty/error-model.json records them).
#include "estimators/uncertainty/ErrorModel.h"
#include "estimators/validation/MeasurementSet.h"
#include "estimators/validation/Prediction.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace llmdse {

// ln(measured / predicted) of every row of `set` that has `key` (one of kErrorBandKeys); rows whose model
// is `leaveOut` are skipped.
std::vector<double> logResiduals(const MeasurementSet& set, const std::vector<RowPrediction>& predictions,
                                 const std::string& key, const std::string& leaveOut = "");
// Whether row `i` lies inside `band` for `key` (false when the row has no such measurement).
bool covered(const Measurement& m, const RowPrediction& p, const std::string& key, const ErrorBand& band,
             bool& has);
// All six bands, as the error model's "bands" object.
QJsonObject residualBandsJson(const MeasurementSet& set, const std::vector<RowPrediction>& predictions, double level);

} // namespace llmdse
