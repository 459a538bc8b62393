#pragma once
// Every measured row predicted, and the error per phase: what `llmdse validate`
// prints and the Python module returns, in one place.
#include "estimators/validation/Prediction.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace llmdse {

struct ValidationRow {
    Measurement measured;
    RowPrediction predicted;
};

struct ValidationReport {
    std::vector<ValidationRow> rows;
    ValidationSummary summary;
};

// runtimeId empty: each row's hardware class default; otherwise a profile id or file
// (errors name `runtimeField`).
ValidationReport validateMeasurements(const MeasurementSet& set, const Estimator& est, const std::string& runtimeId,
                                      const std::string& runtimeField = "--runtime");
// The `validate --format json` shape: {"rows": [...], "mape_percent": {...}}.
QJsonObject toJson(const ValidationReport& report);

} // namespace llmdse
