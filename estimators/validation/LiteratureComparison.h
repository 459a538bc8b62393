#pragma once
// Estimates for the survey's mapped batch-1 decode rows next to their published figures, and the error
// per platform class (`llmdse validate --literature`, the Literature view).
#include "estimators/Estimator.h"
#include "estimators/validation/LiteratureMapping.h"

#include <string>
#include <vector>

namespace llmdse {

struct LiteratureComparison {
    MappedLiteratureRow row;
    bool compared = false;       // mapped, plain decoding and reachable
    std::string excluded;        // why not compared (unmapped, not plain, unreachable, or the estimate failed)
    double estimatedTokensPerS = 0;
    double estimatedPowerW = 0;  // decode phase, all devices
    double estimatedTokensPerJ = 0;
    bool powerMeasured = false;  // the row's power is a measurement (not a TDP or an assumed figure)
    double tokensPerSError() const;  // estimate / published - 1
    double powerError() const;
    double tokensPerJError() const;
};

std::vector<LiteratureComparison> compareLiterature(const Estimator& est, const std::vector<MappedLiteratureRow>& rows);
// Each row through the estimator `choice` gives its design (with none named: its hardware class's).
std::vector<LiteratureComparison> compareLiterature(const EstimatorChoice& choice,
                                                    const std::vector<MappedLiteratureRow>& rows);

struct LiteratureClassSummary {
    std::string cls;
    int rows = 0, mapped = 0, compared = 0, powerRows = 0;
    double medianAbsError = 0;   // decode tokens/s, |estimate / published - 1|
    double within25 = 0, within2x = 0; // shares of the compared rows
    double medianLogRatio = 0;   // median of ln(estimate / published): the bias
    double medianAbsPowerError = 0, medianAbsTokensPerJError = 0;
};

// One summary per class present in `cmp`, in the order cpu, gpu, fpga, asic, pim.
std::vector<LiteratureClassSummary> summariseLiterature(const std::vector<LiteratureComparison>& cmp);

} // namespace llmdse
