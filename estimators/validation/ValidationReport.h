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

// An operator timed alone and its prediction.
struct OperatorRow {
    OperatorMeasurement measured;
    double predictedS = 0;
};

struct ValidationReport {
    std::string estimator;            // the estimator's id
    std::vector<ValidationRow> rows;
    ValidationSummary summary;
    std::vector<OperatorRow> ops;
    double opsMedianAbsPercent = 0, opsMeanAbsPercent = 0;
};

// runtimeId empty: each row's hardware class default; otherwise a profile id or file
// (errors name `runtimeField`). Operator rows are costed by `est` alone (OperatorPrediction); their
// errors name the file and ops[i].
ValidationReport validateMeasurements(const MeasurementSet& set, const Estimator& est, const std::string& runtimeId,
                                      const std::string& runtimeField = "--runtime");
// The `validate --format json` shape: {"estimator", "rows": [...], "mape_percent": {...}}, and with operator
// rows "ops": [...], "ops_error_percent": {"median_abs", "mean_abs"}.
QJsonObject toJson(const ValidationReport& report);

} // namespace llmdse
