#pragma once
// Draft-model speculative decoding run on this CPU by the reference engine
// beside the same generation done plainly, and both predicted for the `host`
// preset: the measured per-position acceptance feeds the estimate, and the
// predicted speedup (plain decode time / speculative decode time) is set
// against the measured one. Used by `llmdse check --draft-layers/--draft`.
#include "core/Precision.h"
#include "models/engine/ModelWeights.h"

#include <functional>
#include <string>
#include <vector>

namespace llmdse {

struct SpeculativeCheckRequest {
    int prompt = 16, output = 32, draftLength = 4, repeat = 3;
    QuantFormat weights{Precision::FP32, 0};
    bool pairedHost = true;
};

struct SpeculativeCheckRun {
    double plainMeasuredS = 0, specMeasuredS = 0;      // decode after the target's prefill
    double plainPredictedS = 0, specPredictedS = 0;
    double measuredSpeedup() const { return specMeasuredS > 0 ? plainMeasuredS / specMeasuredS : 0; }
    double predictedSpeedup() const { return specPredictedS > 0 ? plainPredictedS / specPredictedS : 0; }
};

struct SpeculativeCheckResult {
    std::string target, draft;
    bool identical = true;                 // speculative tokens equal plain greedy in every run
    std::vector<double> acceptanceAt;      // measured, per draft position (given the earlier were accepted)
    double measuredTokensPerStep = 0, predictedTokensPerStep = 0;
    std::vector<SpeculativeCheckRun> runs;
    double measuredSpeedup = 0, predictedSpeedup = 0, errorPercent = 0; // medians over the runs
};

// `draftLayers` > 0 drafts with the target's first layers; otherwise `draft` is the draft's weights.
SpeculativeCheckResult runSpeculativeCheck(ModelWeights target, ModelWeights draft, int draftLayers,
                                           const SpeculativeCheckRequest& req,
                                           const std::function<void(int run, int of)>& progress = {});

} // namespace llmdse
