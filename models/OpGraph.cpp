#include "models/OpGraph.h"
#include "models/DecoderLayerOps.h"

#include <algorithm>

namespace llmdse {

const char* toString(Phase p) { return p == Phase::Prefill ? "prefill" : "decode"; }

double OpGraph::totalFlops(double c) const
{
    double s = 0;
    for (const auto& op : ops) s += op.count * op.flops.at(c);
    return s;
}

double OpGraph::totalBytes(double c) const
{
    double s = 0;
    for (const auto& op : ops) s += op.count * op.bytes().at(c);
    return s;
}

namespace {

void build(const ModelSpec& m, const Optimizations& o, const Parallelism& p, SparseSupport sparse, OpGraph& out)
{
    if (o.headPruning > 0) {
        const ModelSpec pruned = withHeadsPruned(m, o.headPruning);
        DecoderOpsBuilder(pruned, o, p, out, sparse).build();
    } else {
        DecoderOpsBuilder(m, o, p, out, sparse).build();
    }
}

} // namespace

void buildPrefill(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, int prompt, OpGraph& out,
                  SparseSupport sparse, int groupBatch)
{
    out.ops.clear();
    out.phase = Phase::Prefill;
    out.batch = batch;
    out.groupBatch = groupBatch;
    out.tokensPerSequence = prompt;
    build(m, o, p, sparse, out);
}

void buildDecode(const ModelSpec& m, const Optimizations& o, const Parallelism& p, int batch, OpGraph& out,
                 SparseSupport sparse, int tokens, int groupBatch)
{
    out.ops.clear();
    out.phase = Phase::Decode;
    out.batch = batch;
    out.groupBatch = groupBatch;
    out.tokensPerSequence = std::max(1, tokens);
    build(m, o, p, sparse, out);
}

void buildEncoder(const VisionEncoderSpec& e, const Optimizations& o, const Parallelism& p, int images, int llmHidden,
                  OpGraph& out)
{
    ModelSpec vit;
    vit.id = e.id;
    vit.layers = e.layers;
    vit.hidden = e.hidden;
    vit.heads = vit.kvHeads = e.heads;
    vit.headDim = e.hidden / e.heads;
    vit.intermediate = e.intermediate;
    vit.mlp = MlpKind::Plain;
    vit.norm = NormKind::LayerNorm;
    vit.qkvBias = vit.outputBias = vit.mlpBias = true;
    Optimizations eo; // encoders run unquantised at the activation precision, whatever the LLM's weights
    eo.activations = o.activations;
    eo.weights = {o.activations, 128};
    eo.kvCache = {o.activations, 64};
    eo.fusedAttention = o.fusedAttention;
    out.ops.clear();
    out.phase = Phase::Prefill;
    out.batch = images;
    out.groupBatch = 0;
    out.tokensPerSequence = e.patches();
    DecoderOpsBuilder(vit, eo, p, out).buildEncoder(e, llmHidden);
}

OpGraph strided(const OpGraph& g, double stride)
{
    OpGraph s = g;
    for (Op& op : s.ops) {
        op.flops.x1 *= stride;
        op.actBytes.x1 *= stride;
        op.kvBytes.x1 *= stride;
    }
    return s;
}

void saturateWindows(const OpGraph& g, OpGraph& out)
{
    out = g;
    for (Op& op : out.ops) {
        if (op.window <= 0) continue;
        for (Affine* a : {&op.flops, &op.actBytes, &op.kvBytes}) {
            a->x0 += a->x1 * op.window;
            a->x1 = 0;
        }
    }
}

int smallestWindow(const OpGraph& g)
{
    int w = 0;
    for (const Op& op : g.ops)
        if (op.window > 0 && (w == 0 || op.window < w)) w = op.window;
    return w;
}

} // namespace llmdse
