#pragma once
// `llmdse validate --literature`: the survey's published batch-1 decode rows against the estimator.
#include "app/OutputFormat.h"

#include <string>

namespace llmdse {

// Prints every row (mapped or why not) and the per-class summary; `cls` empty: all classes. `estimator`:
// the registered estimator that predicts every row; empty: each row's hardware class's default.
void printLiteratureValidation(OutputFormat format, const std::string& cls, const std::string& rulesFile,
                               const std::string& estimator = {});

} // namespace llmdse
