#include "estimators/analytical/MemoryModel.h"
#include "models/OpConventions.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

// Bytes per stored projection weight under the design's sparsity (as the operator graph streams them).
double projectionBytesPerWeight(const Design& d)
{
    const double b = d.opts.weights.bytesPerElementWithScales();
    const WeightSparsity& s = d.opts.sparsity;
    if (s.pattern == SparsityPattern::TwoFour)
        return d.hardware.sparse24 ? 0.5 * b + 0.5 * conventions::kTwoFourIndexBytes : b;
    if (s.pattern == SparsityPattern::Unstructured) {
        const double compressed = s.density * b + conventions::kBitmapBytesPerElement;
        return d.hardware.sparseUnstructured || compressed < b ? compressed : b;
    }
    return b;
}

double weightsOf(const ModelSpec& m, const Design& d, double projectionBytes, double tp, double pp, double ep)
{
    // Embeddings and lm_head stay at activation precision; projections use the weight format.
    const double routed = m.isMoe() ? double(m.layers) * m.experts * m.expertParams() : 0.0;
    const double tables = m.embeddingParams() + m.lmHeadParams();
    const double dense = m.totalParams() - routed - tables;
    return (dense / (tp * pp) + routed / (tp * pp * ep)) * projectionBytes +
           tables / (tp * pp) * bytesPerElement(d.opts.activations);
}

} // namespace

MemoryFootprint memoryFootprint(const Design& d)
{
    ModelSpec pruned; // copied only when pruning: this runs once per sweep point
    const ModelSpec& m = d.opts.headPruning > 0 ? (pruned = withHeadsPruned(d.model, d.opts.headPruning)) : d.model;
    const auto& w = d.workload;
    const auto& p = d.parallel;
    const double tp = p.tensor, pp = p.pipeline, ep = std::max(1, p.expert);
    const double a = bytesPerElement(d.opts.activations);
    const double kvB = d.opts.kvCache.bytesPerElementWithScales();
    MemoryFootprint f;
    f.weightsBytes = weightsOf(m, d, projectionBytesPerWeight(d), tp, pp, ep);

    // Cached positions at the end: what compression keeps of the prompt, then every generated
    // token (reasoning included) and, when speculating, the k candidates being verified.
    const int prompt = d.promptTokens();
    const auto& spec = d.opts.spec;
    const double perSequence = d.opts.kvCompression.keptOf(prompt) + w.output + w.reasoning +
                               (spec.enabled() ? spec.draftLength : 0);
    const double kvHeadsPerDevice = std::ceil(double(m.kvHeads) / tp);
    f.kvCacheBytes = double(w.batch) * perSequence * std::ceil(m.layers / pp) * 2.0 * kvHeadsPerDevice * m.headDim * kvB;

    // Speculation's extra weights: the draft model and its cache, or Medusa's heads.
    if (spec.kind == SpecKind::DraftModel && !d.draftHardware) {
        const ModelSpec dm = d.draft();
        if (spec.draftLayers <= 0) f.weightsBytes += weightsOf(dm, d, d.opts.weights.bytesPerElementWithScales(), 1, 1, 1);
        // A self-draft shares the target's weights; its cache is its own.
        f.kvCacheBytes += double(w.batch) * (prompt + w.output + w.reasoning + spec.draftLength) * dm.layers * 2.0 *
                          dm.kvHeads * dm.headDim * kvB;
    } else if (spec.kind == SpecKind::Medusa) {
        f.weightsBytes += spec.draftLength * (double(m.hidden) * m.hidden + double(m.hidden) * m.vocab) * a / tp;
    }
    if (d.encoder && w.images > 0) f.weightsBytes += d.encoder->params(m.hidden) * a;

    // Prefill holds the residual stream, one projection output and the logits at once.
    const double rows = double(w.batch) * prompt;
    const double heads = std::ceil(double(m.heads) / tp);
    const double widest = std::max({(heads + 2.0 * kvHeadsPerDevice) * m.headDim,
                                    2.0 * std::ceil(double(m.intermediate) / tp),
                                    m.isMoe() ? 2.0 * m.expertIntermediate * m.expertsPerToken : 0.0});
    f.activationBytes = rows * (3.0 * m.hidden + widest) * a + double(w.batch) * std::ceil(m.vocab / tp) * 4.0;
    if (!d.opts.fusedAttention) f.activationBytes += double(w.batch) * heads * double(prompt) * prompt * a;

    f.capacityBytes = d.hardware.mainMemory().capacityBytes;
    f.fits = f.totalBytes() <= f.capacityBytes;
    return f;
}

} // namespace llmdse
