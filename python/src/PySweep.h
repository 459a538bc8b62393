#pragma once
// llmdse.sweep: a study run by the same SweepRunner as `llmdse sweep`, its
// columns (named as in the CSV and SQLite outputs) returned as numpy arrays.
#include "estimators/sweep/Study.h"

#include <pybind11/pybind11.h>

namespace llmdse::python {

// Runs with the GIL released; Ctrl-C cancels the sweep and raises KeyboardInterrupt.
// pareto: adds a boolean column "pareto" marking the front of the study's objectives.
pybind11::dict sweepColumns(const Study& study, int threads, bool pareto);

} // namespace llmdse::python
