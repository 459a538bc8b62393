#pragma once
// Predicts an operator timed alone (OperatorMeasurement) as the estimators cost that operator inside a
// model: the same Op the operator graph would emit, costed by the analytical estimator's timeOp or by the
// simulator's OpSimulator (a template is needed), fixed per-kernel cost included.
#include "core/Design.h"
#include "estimators/validation/MeasurementSet.h"
#include "models/OpGraph.h"

#include <string>

namespace llmdse {

// The design an operator row runs on: its device, the runtime, and the row's design overrides.
Design designForOperator(const OperatorMeasurement& m, const RuntimeProfile& runtime);
// The operator as the graph would describe it (one repetition, one device).
Op operatorFor(const OperatorMeasurement& m);
// Seconds `estimator` ("analytical" or "simulation") predicts for the row.
double predictOperator(const std::string& estimator, const Design& d, const OperatorMeasurement& m);

} // namespace llmdse
