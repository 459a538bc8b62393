#pragma once
// A StepCostModel backed by an Estimator, evaluated on a grid and interpolated
// (evaluating the estimator every step would be far too slow for a million
// requests). Grid: batch and context at powers of two (plus the maxima),
// prefill tokens at powers of two; each grid point is evaluated the first time
// a step needs it and memoised by its bucket key.
//
// Approximation of a mixed step (b decodes at mean context c, p prefill tokens):
//   step(b, c, 0) = decode(b, c)                  the estimator's decode step at context c
//   step(0, -, p) = prefill(p)                    one p-token prefill
//   step(b, c, p) = decode(b, c) + max(0, prefill(b + p) - prefill(b))
// i.e. the prefill tokens cost what they add to the matrix products when they
// ride along with the decode rows: nearly nothing while the step is bound by
// streaming the weights (those are read once per step, not twice), their full
// compute cost once it is compute bound. It ignores the attention of a chunk
// over the earlier chunks of its prompt (prefill(p) treats the p tokens as one
// fresh prompt), which underestimates late chunks of very long prompts. Decode
// time is linear between grid points in b and in c (it is affine in both for a
// fixed kernel mapping), prefill linear in p; energy the same way.
#include "core/Design.h"
#include "estimators/Estimator.h"
#include "estimators/serving/StepCostModel.h"

#include <vector>

namespace llmdse {

class StepCostTable : public StepCostModel {
public:
    // maxBatch, maxContext and maxPrefillTokens bound the grid (beyond them: linear extrapolation).
    StepCostTable(const Estimator& estimator, Design design, int maxBatch, int maxContext, int maxPrefillTokens);

    StepCost step(int decodeSeqs, double meanContext, int prefillTokens) override;
    StepCost decode(int batch, double context);
    StepCost prefill(double tokens);
    int evaluations() const { return evaluations_; } // estimator calls so far
    void addEvaluations(int n) { evaluations_ += n; } // a study's earlier grids

private:
    StepCost decodeAt(size_t bi, size_t ci);
    StepCost prefillAt(size_t pi);

    const Estimator& estimator_;
    Design design_;
    std::vector<double> batches_, contexts_, prefills_;
    std::vector<StepCost> decodeMemo_, prefillMemo_; // timeS < 0: not evaluated yet
    int evaluations_ = 0;
};

} // namespace llmdse
