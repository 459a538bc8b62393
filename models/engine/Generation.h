#pragma once
// Prefill + decode loop over the reference engine, with timings.
#include "models/engine/ReferenceEngine.h"
#include "models/engine/Sampler.h"

namespace llmdse {

struct GenerationResult {
    std::vector<std::vector<int>> newTokens; // per sequence
    RowMatrix promptLogits;                  // filled when asked: all prompt positions of sequence 0
    double prefillS = 0;
    double decodeS = 0;                      // all decode steps
    int decodeSteps = 0;
    double decodeTokensPerS() const;
};

GenerationResult generate(ReferenceEngine& engine, const std::vector<std::vector<int>>& prompts, int maxNewTokens,
                          const SamplingOptions& sampling, bool keepPromptLogits = false);

} // namespace llmdse
