#include "estimators/serving/StepCostTable.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

// 1, 2, 4, ... and `top` itself (at least `from`).
std::vector<double> powersUpTo(double from, double top)
{
    std::vector<double> v;
    for (double x = from; x < top; x *= 2) v.push_back(x);
    v.push_back(std::max(from, top));
    return v;
}

// Segment of `xs` to interpolate in for `x` and the weight of its upper end (outside: extrapolate).
struct Segment {
    size_t lo;
    double w;
};

Segment locate(const std::vector<double>& xs, double x)
{
    if (xs.size() == 1) return {0, 0};
    auto it = std::upper_bound(xs.begin(), xs.end(), x);
    size_t hi = std::clamp<size_t>(size_t(it - xs.begin()), 1, xs.size() - 1);
    size_t lo = hi - 1;
    return {lo, (x - xs[lo]) / (xs[hi] - xs[lo])};
}

StepCost lerp(const StepCost& a, const StepCost& b, double w)
{
    return {a.timeS + w * (b.timeS - a.timeS), a.energyJ + w * (b.energyJ - a.energyJ)};
}

} // namespace

StepCostTable::StepCostTable(const Estimator& estimator, Design design, int maxBatch, int maxContext,
                             int maxPrefillTokens)
    : estimator_(estimator), design_(std::move(design))
{
    batches_ = powersUpTo(1, std::max(1, maxBatch));
    contexts_ = powersUpTo(16, std::max(16, maxContext));
    // Prefill of b + p tokens is asked for in mixed steps, so the grid spans both.
    prefills_ = powersUpTo(1, std::max(1, maxPrefillTokens + maxBatch));
    decodeMemo_.assign(batches_.size() * contexts_.size(), StepCost{-1, 0});
    prefillMemo_.assign(prefills_.size(), StepCost{-1, 0});
}

StepCost StepCostTable::decodeAt(size_t bi, size_t ci)
{
    StepCost& c = decodeMemo_[bi * contexts_.size() + ci];
    if (c.timeS < 0) {
        Design d = design_;
        d.workload.batch = int(batches_[bi]);
        d.workload.prompt = 16;
        d.workload.output = 2;
        d.workload.context = int(contexts_[ci]);
        const Metrics m = estimator_.evaluate(d);
        c = {m.decodeStep.timeS, m.decodeStep.energyJ};
        ++evaluations_;
    }
    return c;
}

StepCost StepCostTable::prefillAt(size_t pi)
{
    StepCost& c = prefillMemo_[pi];
    if (c.timeS < 0) {
        Design d = design_;
        d.workload.batch = 1;
        d.workload.prompt = int(prefills_[pi]);
        d.workload.output = 1;
        d.workload.context = 0;
        const Metrics m = estimator_.evaluate(d);
        c = {m.prefill.timeS, m.prefill.energyJ};
        ++evaluations_;
    }
    return c;
}

StepCost StepCostTable::decode(int batch, double context)
{
    const Segment b = locate(batches_, batch), c = locate(contexts_, context);
    const size_t bh = std::min(b.lo + 1, batches_.size() - 1), ch = std::min(c.lo + 1, contexts_.size() - 1);
    const StepCost lo = lerp(decodeAt(b.lo, c.lo), decodeAt(b.lo, ch), c.w);
    const StepCost hi = lerp(decodeAt(bh, c.lo), decodeAt(bh, ch), c.w);
    StepCost r = lerp(lo, hi, b.w);
    r.timeS = std::max(0.0, r.timeS);
    r.energyJ = std::max(0.0, r.energyJ);
    return r;
}

StepCost StepCostTable::prefill(double tokens)
{
    if (tokens <= 0) return {};
    const Segment p = locate(prefills_, tokens);
    const size_t ph = std::min(p.lo + 1, prefills_.size() - 1);
    StepCost r = lerp(prefillAt(p.lo), prefillAt(ph), p.w);
    r.timeS = std::max(0.0, r.timeS);
    r.energyJ = std::max(0.0, r.energyJ);
    return r;
}

StepCost StepCostTable::step(int decodeSeqs, double meanContext, int prefillTokens)
{
    if (decodeSeqs <= 0) return prefill(prefillTokens);
    StepCost s = decode(decodeSeqs, meanContext);
    if (prefillTokens > 0) {
        const StepCost with = prefill(decodeSeqs + prefillTokens), without = prefill(decodeSeqs);
        s.timeS += std::max(0.0, with.timeS - without.timeS);
        s.energyJ += std::max(0.0, with.energyJ - without.energyJ);
    }
    return s;
}

} // namespace llmdse
