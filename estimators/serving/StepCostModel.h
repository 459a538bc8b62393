#pragma once
// Contract: the cost of one engine step of a continuously batched server that
// decodes `decodeSeqs` sequences whose attention spans `meanContext` tokens on
// average and, in the same step, prefills `prefillTokens` prompt tokens.
// Either count may be 0 (not both). Called once per simulated step, so it must
// be cheap; the simulator owns no estimator, only this.
namespace llmdse {

struct StepCost {
    double timeS = 0;
    double energyJ = 0; // all devices, during the step
};

class StepCostModel {
public:
    virtual ~StepCostModel() = default;
    virtual StepCost step(int decodeSeqs, double meanContext, int prefillTokens) = 0;
};

} // namespace llmdse
