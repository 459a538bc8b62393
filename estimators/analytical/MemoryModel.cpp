#include "estimators/analytical/MemoryModel.h"
#include "estimators/PipelineSchedule.h"
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

// The 16-bit format tables, norms and lm_head stay in when activations are 8-bit.
double streamBytes(Precision activations) { return std::max(2.0, bytesPerElement(activations)); }

// Weights on the busiest device: its stage's share of the layers (ceil(layers / pp)), dense parts split
// over tp, routed experts over tp x ep; the embedding on the first stage and lm_head on the last (a tied
// lm_head is a copy of the embedding there), both split over tp.
double weightsOf(const ModelSpec& m, const Design& d, double projectionBytes, double tp, double pp, double ep)
{
    const double routed = m.isMoe() ? double(m.layers) * m.experts * m.expertParams() : 0.0;
    const double embedding = m.embeddingParams(), head = m.lmHeadParams();
    // Attention projections kept at 16 bits (quantized_attention off) are stored as the tables are.
    const double attention = d.opts.quantizedAttention ? 0.0 : double(m.layers) * m.attentionParamsPerLayer();
    const double dense = m.totalParams() - routed - embedding - head - attention;
    const double stageShare = std::ceil(m.layers / pp) / m.layers;
    const double tables = pp > 1 ? std::max(embedding, m.tiedEmbeddings ? embedding : head) : embedding + head;
    // (pp > 1 with tied embeddings: the last stage holds its own copy of the table as lm_head.)
    return stageShare * (dense / tp + routed / (tp * ep)) * projectionBytes +
           (stageShare * attention + tables) / tp * streamBytes(d.opts.activations);
}

} // namespace

MemoryFootprint memoryFootprint(const Design& d)
{
    ModelSpec pruned; // copied only when pruning: this runs once per sweep point
    const ModelSpec& m = d.opts.headPruning > 0 ? (pruned = withHeadsPruned(d.model, d.opts.headPruning)) : d.model;
    const auto& w = d.workload;
    const auto& p = d.parallel;
    const double tp = p.tensor, pp = p.pipeline, ep = std::max(1, p.expert);
    const double a = streamBytes(d.opts.activations);
    const double kvB = d.opts.kvCache.bytesPerElementWithScales();
    const PipelinePlan plan = planPipeline(d);
    // Attention is data-parallel across the expert-parallel group: each member caches its share.
    // A 2D tensor layout also shards attention's sequences, and its heads over fewer devices (attentionShards).
    const TensorGrid grid = tensorGrid(p, m.hidden, m.intermediate);
    const AttentionShards shards = attentionShards(p, grid, m.kvHeads);
    const double sequences = std::ceil(std::ceil(w.batch / ep) / shards.batch);
    MemoryFootprint f;
    f.weightsBytes = weightsOf(m, d, projectionBytesPerWeight(d), tp, pp, ep);

    // Cached positions at the end: what compression keeps of the prompt, then every generated token
    // (reasoning included) and the candidates being verified when speculating; or the context the
    // design reports a step at, when that is longer. Windowed layers keep at most their window.
    const int prompt = d.promptTokens();
    const auto& spec = d.opts.spec;
    const double candidates = spec.verifyTokens() - 1;
    const double generated = d.opts.kvCompression.keptOf(prompt) + w.output + w.reasoning;
    const double positions = std::max(generated, double(w.context) + 1) + candidates;
    const double kvHeadsPerDevice = std::ceil(double(m.kvHeads) / shards.heads);
    const double layersHere = std::ceil(m.layers / pp);
    f.kvCacheBytes = sequences * m.cachedLayerPositions(positions, layersHere) * 2.0 * kvHeadsPerDevice * m.headDim * kvB;

    // Speculation's extra weights: the draft model and its cache, or Medusa's heads.
    if (spec.kind == SpecKind::DraftModel && !d.draftHardware) {
        const ModelSpec dm = d.draft();
        // A self-draft is the target's first layers: it shares their weights and their cache.
        if (spec.draftLayers <= 0) {
            f.weightsBytes += weightsOf(dm, d, d.opts.weights.bytesPerElementWithScales(), 1, 1, 1);
            f.kvCacheBytes += double(w.batch) * dm.cachedLayerPositions(positions, dm.layers) *
                              2.0 * dm.kvHeads * dm.headDim * kvB;
        }
    } else if (spec.kind == SpecKind::Medusa) {
        f.weightsBytes += spec.draftLength * (double(m.hidden) * m.hidden + double(m.hidden) * m.vocab) * a / tp;
    }
    if (d.encoder && w.images > 0) f.weightsBytes += d.encoder->params(m.hidden) * a;

    // Prefill holds the residual stream, one projection output and the logits of one microbatch at once.
    const double rows = double(plan.microbatch) * prompt;
    const double heads = std::ceil(double(m.heads) / grid.y);
    const double widest = std::max({(heads + 2.0 * kvHeadsPerDevice) * m.headDim,
                                    2.0 * std::ceil(double(m.intermediate) / tp),
                                    m.isMoe() ? 2.0 * m.expertIntermediate * m.expertsPerToken : 0.0});
    f.activationBytes = rows * (3.0 * m.hidden + widest) * a + double(plan.microbatch) * std::ceil(m.vocab / tp) * 4.0;
    if (!d.opts.fusedAttention) f.activationBytes += double(plan.microbatch) * heads * double(prompt) * prompt * a;

    f.capacityBytes = d.hardware.mainMemory().capacityBytes;
    f.fits = f.totalBytes() <= f.capacityBytes;
    return f;
}

} // namespace llmdse
