#include "models/DecoderLayerOps.h"
#include "models/OpConventions.h"

#include <cmath>

namespace llmdse {

namespace {

int ceilDiv(int a, int b) { return (a + b - 1) / b; }

// Weight-only quantisation computes at the activation precision; W8A8 / FP8
// run natively when both operands share the format.
Precision computePrecision(Precision w, Precision a)
{
    if (w == a) return a;
    return bytesPerElement(w) < bytesPerElement(a) ? a : w;
}

} // namespace

DecoderOpsBuilder::DecoderOpsBuilder(const ModelSpec& m, const Optimizations& o, const Parallelism& p, OpGraph& out,
                                     SparseSupport sparse)
    : m_(m), o_(o), p_(p), g_(out), sparse_(sparse)
{
    actB_ = bytesPerElement(o.activations);
    kvB_ = o.kvCache.bytesPerElementWithScales();
    wB_ = o.weights.bytesPerElementWithScales();
    compute_ = computePrecision(o.weights.precision, o.activations);
    tokens_ = double(out.batch) * out.tokensPerSequence;
    int tp = std::max(1, p.tensor);
    heads_ = ceilDiv(m.heads, tp);
    kvHeads_ = ceilDiv(m.kvHeads, tp); // fewer KV heads than ranks: replicated
    ffn_ = ceilDiv(m.intermediate, tp);
    vocab_ = ceilDiv(m.vocab, tp);
}

Op& DecoderOpsBuilder::matmul(const char* name, double m, double n, double k, int count, bool bias, bool sparse)
{
    Op op;
    op.name = name;
    op.cls = OpClass::Matmul;
    op.precision = compute_;
    op.weightPrecision = o_.weights.precision;
    op.count = count;
    op.m = static_cast<std::int64_t>(m);
    op.n = static_cast<std::int64_t>(n);
    op.k = static_cast<std::int64_t>(k);
    op.flops.x0 = 2.0 * m * n * k + (bias ? m * n : 0.0);
    op.weightBytes = n * k * wB_ + (bias ? n * actB_ : 0.0);
    op.weightElements = n * k;
    op.weightGroup = isInteger(o_.weights.precision) ? o_.weights.groupSize : 0;
    op.actBytes.x0 = (m * k + m * n) * actB_;
    if (bytesPerElement(o_.weights.precision) < bytesPerElement(compute_)) op.dequantFlops = 2.0 * n * k;
    if (sparse) sparsify(op);
    g_.ops.push_back(op);
    return g_.ops.back();
}

void DecoderOpsBuilder::sparsify(Op& op)
{
    const WeightSparsity& s = o_.sparsity;
    if (!s.enabled()) return;
    const double e = op.weightElements;
    const double other = op.weightBytes - e * wB_; // bias
    if (s.pattern == SparsityPattern::TwoFour) {
        if (!sparse_.twoFour) return; // no sparse matrix units: the pruned weights run dense
        // Half the values, each with a 2-bit position in its group of four; half the multiplies.
        op.flops.x0 *= 0.5;
        op.weightBytes = other + e * (0.5 * wB_ + 0.5 * conventions::kTwoFourIndexBytes);
        return;
    }
    // Unstructured: the kept values and a 1-bit occupancy bitmap, when that is smaller than dense.
    const double compressed = e * (s.density * wB_ + conventions::kBitmapBytesPerElement);
    if (sparse_.unstructured) {
        op.flops.x0 *= s.density;
        op.weightBytes = other + compressed;
    } else if (compressed < e * wB_) {
        op.weightBytes = other + compressed;
        op.dequantFlops += conventions::kSparseExpandFlops * e; // expanded to dense tiles before the matrix units
    }
}

Op& DecoderOpsBuilder::elementwise(const char* name, OpClass cls, double elems, double flopsPerElem,
                                   double readsPerElem, double writesPerElem, int count)
{
    Op op;
    op.name = name;
    op.cls = cls;
    op.precision = o_.activations;
    op.count = count;
    op.m = static_cast<std::int64_t>(elems);
    op.n = 1;
    op.flops.x0 = flopsPerElem * elems;
    op.actBytes.x0 = (readsPerElem + writesPerElem) * elems * actB_;
    g_.ops.push_back(op);
    return g_.ops.back();
}

void DecoderOpsBuilder::embedding()
{
    elementwise("embedding", OpClass::Embedding, tokens_ * m_.hidden, 0, 1, 1, 1);
}

void DecoderOpsBuilder::norm(const char* name, double rows, int count)
{
    double flopsPerElem = m_.norm == NormKind::RMSNorm ? conventions::kRmsNormFlops : conventions::kLayerNormFlops;
    Op& op = elementwise(name, OpClass::Norm, rows * m_.hidden, flopsPerElem, 1, 1, count);
    op.weightBytes = m_.hidden * actB_;
}

void DecoderOpsBuilder::residual(const char* name)
{
    elementwise(name, OpClass::Residual, tokens_ * m_.hidden, conventions::kResidualFlops, 2, 1, m_.layers);
}

void DecoderOpsBuilder::allReduce(const char* name)
{
    if (p_.tensor <= 1) return;
    Op op;
    op.name = name;
    op.cls = OpClass::Communication;
    op.precision = o_.activations;
    op.count = m_.layers;
    op.m = static_cast<std::int64_t>(tokens_);
    op.n = m_.hidden;
    op.commBytes = tokens_ * m_.hidden * actB_;
    op.commParticipants = p_.tensor;
    op.allReduce = true;
    g_.ops.push_back(op);
}

void DecoderOpsBuilder::attention()
{
    const int L = m_.layers;
    const double hd = m_.headDim;
    const double B = g_.batch;
    const double S = g_.tokensPerSequence;
    const bool decode = g_.phase == Phase::Decode;
    // Decode: T query tokens per sequence (T > 1 verifies speculated tokens) over c cached ones,
    // plus causal attention among the T themselves.
    const double T = decode ? S : 1;
    const double newPairs = T * (T - 1) / 2;
    norm("attn.norm", tokens_, L);
    matmul("attn.qkv_proj", tokens_, (heads_ + 2.0 * kvHeads_) * hd, m_.hidden, L, m_.qkvBias).projections = 3;
    if (causal_) { // a decoder: rotary positions, and k/v kept for later steps (an encoder needs neither)
        elementwise("attn.rope", OpClass::Rope, tokens_ * (heads_ + kvHeads_) * hd, conventions::kRopeFlops, 1, 1, L);
        // New k and v appended to the cache, converted to the cache's format.
        const bool convert = o_.kvCache.precision != o_.activations;
        Op& kv = elementwise("attn.kv_write", OpClass::KvWrite, tokens_ * 2.0 * kvHeads_ * hd,
                             convert ? conventions::kKvQuantiseFlops : 0.0, 1, 0, L);
        kv.kvBytes.x0 = tokens_ * 2.0 * kvHeads_ * hd * kvB_;
    }
    const double qo = tokens_ * 2.0 * heads_ * hd * actB_; // q read, output written
    if (o_.fusedAttention) {
        Op op;
        op.name = "attn.flash";
        op.cls = OpClass::Attention;
        op.precision = o_.activations;
        op.count = L;
        op.m = static_cast<std::int64_t>(tokens_);
        op.n = heads_;
        op.k = static_cast<std::int64_t>(hd);
        op.attnBatch = g_.batch;
        op.attnKvHeads = static_cast<int>(kvHeads_);
        op.actBytes.x0 = qo;
        if (decode) {
            op.flops.x1 = 4.0 * B * T * heads_ * hd;         // QK^T and PV over c cached tokens
            op.flops.x0 = 4.0 * B * heads_ * hd * newPairs;
            op.kvBytes.x1 = 2.0 * B * kvHeads_ * hd * kvB_;  // each KV head read once (GQA-aware)
        } else {
            op.flops.x0 = 4.0 * B * heads_ * hd * (causal_ ? S * (S + 1) / 2.0 : S * S);
            op.kvBytes.x0 = 2.0 * B * kvHeads_ * hd * S * actB_;
        }
        g_.ops.push_back(op);
    } else {
        // Scores go through main memory: QK^T, softmax, PV as separate kernels.
        auto scores = [&](Affine& a, double perC, double prefillPairs) {
            if (decode) a.x1 += perC * T; else a.x0 += prefillPairs;
        };
        const double pairsPerHead = decode ? newPairs : S * S;
        Op qk;
        qk.name = "attn.scores";
        qk.cls = OpClass::Attention;
        qk.precision = o_.activations;
        qk.count = L;
        qk.m = static_cast<std::int64_t>(tokens_);
        qk.n = heads_;
        qk.k = static_cast<std::int64_t>(hd);
        qk.attnBatch = g_.batch;
        qk.attnKvHeads = static_cast<int>(kvHeads_);
        scores(qk.flops, 2.0 * B * heads_ * hd, 2.0 * B * heads_ * hd * pairsPerHead);
        scores(qk.kvBytes, B * kvHeads_ * hd * kvB_, 0);
        if (!decode) qk.actBytes.x0 += B * kvHeads_ * hd * S * actB_;
        qk.actBytes.x0 += qo / 2;
        scores(qk.actBytes, B * heads_ * actB_, B * heads_ * pairsPerHead * actB_);
        g_.ops.push_back(qk);
        Op sm = qk;
        sm.name = "attn.softmax";
        sm.cls = OpClass::Softmax;
        sm.flops = {};
        sm.kvBytes = {};
        sm.actBytes = {};
        scores(sm.flops, 5.0 * B * heads_, 5.0 * B * heads_ * pairsPerHead);
        scores(sm.actBytes, 2.0 * B * heads_ * actB_, 2.0 * B * heads_ * pairsPerHead * actB_);
        g_.ops.push_back(sm);
        Op pv = qk;
        pv.name = "attn.context";
        g_.ops.push_back(pv);
    }
    matmul("attn.o_proj", tokens_, m_.hidden, heads_ * hd, L, m_.outputBias);
    allReduce("attn.all_reduce");
    residual("attn.residual");
}

void DecoderOpsBuilder::mlp()
{
    const int L = m_.layers;
    norm("mlp.norm", tokens_, L);
    const bool gated = m_.mlp == MlpKind::Gated;
    matmul(gated ? "mlp.gate_up_proj" : "mlp.up_proj", tokens_, (gated ? 2.0 : 1.0) * ffn_, m_.hidden, L, m_.mlpBias).projections =
        gated ? 2 : 1;
    elementwise("mlp.act", OpClass::Activation, tokens_ * ffn_, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
    matmul("mlp.down_proj", tokens_, m_.hidden, ffn_, L, m_.mlpBias);
    allReduce("mlp.all_reduce");
    residual("mlp.residual");
}

void DecoderOpsBuilder::moe()
{
    const int L = m_.layers;
    const int ep = std::max(1, p_.expert);
    norm("mlp.norm", tokens_, L);
    Op& router = matmul("moe.router", tokens_, m_.experts, m_.hidden, L, false, false); // kept at activation precision
    router.weightBytes = double(m_.experts) * m_.hidden * actB_;
    router.weightGroup = 0;
    elementwise("moe.topk", OpClass::Router, tokens_ * m_.experts, conventions::kRouterFlops, 1, 0, L);

    // Expected distinct experts a step touches (uniform routing): the weights
    // that must be streamed; the rows they see set the GEMM efficiency.
    const double expertsHere = std::ceil(double(m_.experts) / ep);
    const double pUnused = std::pow(1.0 - double(m_.expertsPerToken) / m_.experts, tokens_);
    const double touched = std::max(1.0, expertsHere * (1.0 - pUnused));
    const double rows = tokens_ * m_.expertsPerToken / ep;
    const double eFfn = ceilDiv(m_.expertIntermediate, std::max(1, p_.tensor));
    const bool gated = m_.mlp == MlpKind::Gated;
    const double upN = (gated ? 2.0 : 1.0) * eFfn;
    auto expertMatmul = [&](const char* name, double n, double k) {
        Op& op = matmul(name, rows / touched, n, k, L, false, false);
        op.flops.x0 = 2.0 * rows * n * k;
        op.weightBytes = touched * n * k * wB_;
        op.weightElements = touched * n * k;
        op.actBytes.x0 = rows * (n + k) * actB_;
        op.dequantFlops *= touched;
        op.routed = true;
        sparsify(op);
    };
    if (ep > 1) {
        Op a2a;
        a2a.name = "moe.all_to_all";
        a2a.cls = OpClass::Communication;
        a2a.precision = o_.activations;
        a2a.count = L;
        a2a.commBytes = 2.0 * tokens_ * m_.expertsPerToken * m_.hidden * actB_ * (ep - 1) / ep;
        a2a.commParticipants = ep;
        g_.ops.push_back(a2a);
    }
    expertMatmul("moe.experts_gate_up", upN, m_.hidden);
    elementwise("moe.experts_act", OpClass::Activation, rows * eFfn, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
    expertMatmul("moe.experts_down", m_.hidden, eFfn);
    elementwise("moe.combine", OpClass::Residual, tokens_ * m_.expertsPerToken * m_.hidden, conventions::kCombineFlops, 1, 0, L);
    if (m_.sharedExperts > 0) {
        const double sFfn = ceilDiv(m_.sharedExpertIntermediate, std::max(1, p_.tensor));
        matmul("moe.shared_gate_up", tokens_, (gated ? 2.0 : 1.0) * sFfn + 1.0, m_.hidden, L);
        elementwise("moe.shared_act", OpClass::Activation, tokens_ * sFfn, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
        matmul("moe.shared_down", tokens_, m_.hidden, sFfn, L);
    }
    allReduce("mlp.all_reduce");
    residual("mlp.residual");
}

void DecoderOpsBuilder::lmHead()
{
    // Only the last position of each sequence produces logits. Quantisation
    // schemes (GPTQ, AWQ, llama.cpp's defaults aside) keep lm_head unquantised.
    // A verification step scores every query token; otherwise one row per sequence.
    const double rows = g_.phase == Phase::Decode ? tokens_ : g_.batch;
    norm("final_norm", rows, 1);
    Op& head = matmul("lm_head", rows, vocab_, m_.hidden, 1, false, false);
    head.actBytes.x0 = (rows * m_.hidden + rows * vocab_) * actB_;
    if (o_.quantizedHead) return; // stored like every other matrix (llama.cpp's pure formats)
    head.weightBytes = double(vocab_) * m_.hidden * actB_;
    head.weightGroup = 0;
    head.precision = o_.activations;
    head.weightPrecision = o_.activations;
    head.dequantFlops = 0;
}

void DecoderOpsBuilder::build()
{
    g_.ops.reserve(32);
    embedding();
    attention();
    if (m_.isMoe()) moe(); else mlp();
    if (p_.pipeline > 1) {
        Op send;
        send.name = "pipeline.send";
        send.cls = OpClass::Communication;
        send.precision = o_.activations;
        send.count = p_.pipeline - 1;
        send.commBytes = tokens_ * m_.hidden * actB_;
        send.commParticipants = 2;
        g_.ops.push_back(send);
    }
    lmHead();
    if (g_.phase == Phase::Decode && o_.spec.kind == SpecKind::Medusa) medusaHeads();
    if (g_.phase == Phase::Prefill && o_.kvCompression.enabled() && g_.tokensPerSequence > o_.kvCompression.budget)
        kvSelection();
}

void DecoderOpsBuilder::medusaHeads()
{
    // Medusa-1 (Cai et al. 2024): head i is SiLU(W1 h) + h with W1 hidden x hidden, then its own
    // hidden x vocab output layer, on the last hidden state of each sequence.
    const int heads = o_.spec.draftLength;
    matmul("medusa.heads", g_.batch, m_.hidden, m_.hidden, heads, true, false);
    Op& out = matmul("medusa.lm_heads", g_.batch, vocab_, m_.hidden, heads, false, false);
    out.weightBytes = double(vocab_) * m_.hidden * actB_;
    out.weightGroup = 0;
    out.precision = o_.activations;
    out.weightPrecision = o_.activations;
    out.dequantFlops = 0;
    elementwise("medusa.topk", OpClass::Softmax, double(g_.batch) * vocab_, conventions::kRouterFlops, 1, 0, heads);
}

void DecoderOpsBuilder::kvSelection()
{
    // SnapKV (Li et al. 2024): the last `window` prompt queries score every cached key per head,
    // the scores are pooled over the query heads of each KV group, and the top positions are
    // gathered into a compact cache of `budget` positions.
    const double B = g_.batch, S = g_.tokensPerSequence, W = o_.kvCompression.window, keep = o_.kvCompression.budget;
    const double hd = m_.headDim;
    Op op;
    op.name = "kv.snap_select";
    op.cls = OpClass::Attention;
    op.precision = o_.activations;
    op.count = m_.layers;
    op.m = static_cast<std::int64_t>(B * W);
    op.n = heads_;
    op.k = static_cast<std::int64_t>(hd);
    op.attnBatch = g_.batch;
    op.attnKvHeads = kvHeads_;
    op.flops.x0 = 2.0 * B * heads_ * W * S * hd + conventions::kSnapScoreFlops * B * heads_ * W * S;
    op.kvBytes.x0 = B * kvHeads_ * hd * S * kvB_ + 2.0 * 2.0 * B * kvHeads_ * hd * keep * kvB_; // keys read; kept KV moved
    g_.ops.push_back(op);
}

void DecoderOpsBuilder::buildEncoder(const VisionEncoderSpec& e, int llmHidden)
{
    causal_ = false; // every patch sees every other
    g_.ops.reserve(32);
    matmul("vision.patch_embed", tokens_, m_.hidden, 3.0 * e.patchSize * e.patchSize, 1, true, false);
    attention();
    mlp();
    norm("vision.final_norm", tokens_, 1);
    // Projector: each image's tokens into the LLM's width (a 2-layer MLP when it has a hidden width).
    const double out = double(g_.batch) * e.tokensPerImage;
    if (e.projectorHidden > 0) {
        matmul("vision.projector_1", out, e.projectorHidden, m_.hidden, 1, true, false);
        elementwise("vision.projector_act", OpClass::Activation, out * e.projectorHidden, conventions::kGatedActFlops, 1, 1, 1);
        matmul("vision.projector_2", out, llmHidden, e.projectorHidden, 1, true, false);
    } else {
        matmul("vision.projector", out, llmHidden, m_.hidden, 1, true, false);
    }
}

} // namespace llmdse
