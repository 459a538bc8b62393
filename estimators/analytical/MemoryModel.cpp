#include "estimators/analytical/MemoryModel.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

MemoryFootprint memoryFootprint(const Design& d)
{
    const auto& m = d.model;
    const auto& w = d.workload;
    const auto& p = d.parallel;
    const double tp = p.tensor, pp = p.pipeline, ep = std::max(1, p.expert);
    MemoryFootprint f;

    // Embeddings and lm_head stay at activation precision; projections use the weight format.
    const double routed = m.isMoe() ? double(m.layers) * m.experts * m.expertParams() : 0.0;
    const double tables = m.embeddingParams() + m.lmHeadParams();
    const double dense = m.totalParams() - routed - tables;
    f.weightsBytes = (dense / (tp * pp) + routed / (tp * pp * ep)) * d.opts.weights.bytesPerElementWithScales() +
                     tables / (tp * pp) * bytesPerElement(d.opts.activations);

    const double kvHeadsPerDevice = std::ceil(double(m.kvHeads) / tp);
    const double tokens = double(w.batch) * (w.prompt + w.output);
    f.kvCacheBytes = tokens * std::ceil(m.layers / pp) * 2.0 * kvHeadsPerDevice * m.headDim *
                     d.opts.kvCache.bytesPerElementWithScales();

    // Prefill holds the residual stream, one projection output and the logits at once.
    const double a = bytesPerElement(d.opts.activations);
    const double rows = double(w.batch) * w.prompt;
    const double heads = std::ceil(double(m.heads) / tp);
    const double widest = std::max({(heads + 2.0 * kvHeadsPerDevice) * m.headDim,
                                    2.0 * std::ceil(double(m.intermediate) / tp),
                                    m.isMoe() ? 2.0 * m.expertIntermediate * m.expertsPerToken : 0.0});
    f.activationBytes = rows * (3.0 * m.hidden + widest) * a + double(w.batch) * std::ceil(m.vocab / tp) * 4.0;
    if (!d.opts.fusedAttention) f.activationBytes += double(w.batch) * heads * double(w.prompt) * w.prompt * a;

    f.capacityBytes = d.hardware.mainMemory().capacityBytes;
    f.fits = f.totalBytes() <= f.capacityBytes;
    return f;
}

} // namespace llmdse
