#pragma once
// `llmdse validate --literature`: the survey's published batch-1 decode rows against the estimator.
#include "app/OutputFormat.h"

#include <string>

namespace llmdse {

// Prints every row (mapped or why not) and the per-class summary; `cls` empty: all classes. `estimator`:
// the registered estimator that predicts the rows (fpga-overlay: through compiled FPGA plans).
void printLiteratureValidation(OutputFormat format, const std::string& cls, const std::string& rulesFile,
                               const std::string& estimator = "analytical");

} // namespace llmdse
