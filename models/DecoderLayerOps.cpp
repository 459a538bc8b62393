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
    // W8A8 / FP8 deployments quantise the projections' inputs only: the residual stream, norms,
    // collectives and lm_head stay at 16 bits (and attention too, unless an FP8 kernel is chosen).
    stream_ = bytesPerElement(o.activations) >= 2 ? o.activations : Precision::FP16;
    attn_ = o.fp8Attention ? Precision::FP8 : stream_;
    actB_ = bytesPerElement(o.activations);
    streamB_ = bytesPerElement(stream_);
    attnB_ = bytesPerElement(attn_);
    kvB_ = o.kvCache.bytesPerElementWithScales();
    wB_ = o.weights.bytesPerElementWithScales();
    compute_ = computePrecision(o.weights.precision, o.activations);
    tokens_ = double(out.batch) * out.tokensPerSequence;
    int tp = std::max(1, p.tensor);
    // 1D splits heads and the MLP width over all tp devices; 2D over y of them, the hidden dimension
    // of every projection over x, and attention's sequences over x.
    grid_ = tensorGrid(p, m.hidden, m.intermediate);
    twoD_ = grid_.x > 1;
    heads_ = ceilDiv(m.heads, grid_.y);
    kvHeads_ = ceilDiv(m.kvHeads, grid_.y); // fewer KV heads than ranks: replicated
    ffn_ = ceilDiv(m.intermediate, grid_.y);
    vocab_ = ceilDiv(m.vocab, tp);
    hiddenIn_ = std::ceil(double(m.hidden) / grid_.x);
    const AttentionShards shards = attentionShards(p, grid_, m.kvHeads);
    attnHeads_ = ceilDiv(m.heads, shards.heads);
    attnKvHeads_ = ceilDiv(m.kvHeads, shards.heads);
    attnBatch_ = ceilDiv(out.batch, shards.batch);
    reshard_ = twoD_ ? grid_.y / shards.heads : 1;
    attnTokens_ = double(attnBatch_) * out.tokensPerSequence;
    streamShare_ = twoD_ ? 1.0 / tp : 1.0; // 2D keeps the residual stream sharded between blocks
    gathered_ = p.layout == TensorLayout::WeightGathered && tp > 1;
    if (gathered_) {
        tokens_ = attnTokens_; // each device runs its own sequences through whole matrices
        vocab_ = m.vocab;
    }
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
    op.weightBytes = n * k * wB_ + (bias ? n * streamB_ : 0.0);
    op.weightElements = n * k;
    op.weightGroup = isInteger(o_.weights.precision) ? o_.weights.groupSize : 0;
    op.actBytes.x0 = m * k * actB_ + m * n * streamB_;
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
        op.sparse24 = true;
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
    op.precision = stream_;
    op.count = count;
    op.m = static_cast<std::int64_t>(elems);
    op.n = 1;
    op.flops.x0 = flopsPerElem * elems;
    op.actBytes.x0 = (readsPerElem + writesPerElem) * elems * streamB_;
    g_.ops.push_back(op);
    return g_.ops.back();
}

void DecoderOpsBuilder::embedding()
{
    elementwise("embedding", OpClass::Embedding, tokens_ * m_.hidden, 0, 1, 1, 1).placement = Placement::FirstStage;
    // A vocabulary-parallel table (Megatron, vLLM): each rank looks up its rows, then an all-reduce.
    allReduce("embedding.all_reduce", 1, Placement::FirstStage);
}

void DecoderOpsBuilder::norm(const char* name, double rows, int count)
{
    double flopsPerElem = m_.norm == NormKind::RMSNorm ? conventions::kRmsNormFlops : conventions::kLayerNormFlops;
    Op& op = elementwise(name, OpClass::Norm, rows * m_.hidden, flopsPerElem, 1, 1, count);
    op.weightBytes = m_.hidden * streamB_;
}

void DecoderOpsBuilder::residual(const char* name)
{
    elementwise(name, OpClass::Residual, tokens_ * streamShare_ * m_.hidden, conventions::kResidualFlops, 2, 1, m_.layers);
}

void DecoderOpsBuilder::communication(const char* name, Collective c, double bytes, int devices, int count,
                                      Placement where)
{
    Op op;
    op.name = name;
    op.cls = OpClass::Communication;
    op.precision = stream_;
    op.count = count;
    op.m = static_cast<std::int64_t>(tokens_);
    op.n = m_.hidden;
    op.commBytes = bytes;
    op.commParticipants = devices;
    op.collective = c;
    op.placement = where;
    g_.ops.push_back(op);
}

void DecoderOpsBuilder::allReduce(const char* name, int count, Placement where)
{
    if (p_.tensor <= 1 || gathered_) return; // weight-gathered: no partial sums to combine
    communication(name, Collective::AllReduce, tokens_ * m_.hidden * streamB_, p_.tensor, count, where);
}

void DecoderOpsBuilder::gatherWeights(const char* name, const Op& matrix)
{
    // The whole matrix (as stored, scales included) assembled from every device's 1/tp share.
    if (gathered_) communication(name, Collective::AllGather, matrix.weightBytes, p_.tensor, matrix.count, matrix.placement);
}

void DecoderOpsBuilder::alongAxis(const char* name, Collective c, double bytes, int devices)
{
    if (devices > 1) communication(name, c, bytes, devices, m_.layers, Placement::Layer);
}

namespace {

// Query-key pairs of causal attention over S tokens when each attends at most `window` (0: all).
double causalPairs(double S, double window)
{
    if (window <= 0 || S <= window) return S * (S + 1) / 2.0;
    return window * (window + 1) / 2.0 + (S - window) * window;
}

} // namespace

void DecoderOpsBuilder::attention()
{
    const int L = m_.layers;
    const double hd = m_.headDim;
    const double qkv = (heads_ + 2.0 * kvHeads_) * hd;
    norm("attn.norm", tokens_ * streamShare_, L);
    // 2D: gather this x-slice of the hidden vector along y, project (partial sums over x), reduce-scatter
    // the partial q/k/v along x so each device attends its share of the sequences.
    if (twoD_) alongAxis("attn.gather_in", Collective::AllGather, tokens_ * hiddenIn_ * streamB_, grid_.y);
    projection("attn.qkv_proj", tokens_, qkv, hiddenIn_, L, m_.qkvBias).projections = 3;
    gatherWeights("attn.qkv_proj.gather_weights", g_.ops.back());
    if (twoD_) alongAxis("attn.reduce_qkv", Collective::ReduceScatter, tokens_ * qkv * streamB_, grid_.x);
    // Attention split by sequences beyond the KV heads: q/k/v regrouped from heads to sequences (all-to-all).
    const double rows = tokens_ / grid_.x;
    if (reshard_ > 1) alongAxis("attn.reshard_in", Collective::AllToAll, rows * qkv * streamB_, reshard_);
    if (causal_) { // a decoder: rotary positions, and k/v kept for later steps (an encoder needs neither)
        elementwise("attn.rope", OpClass::Rope, attnTokens_ * (attnHeads_ + attnKvHeads_) * hd, conventions::kRopeFlops, 1, 1, L);
        // New k and v appended to the cache, converted to the cache's format.
        const bool convert = o_.kvCache.precision != stream_;
        Op& kv = elementwise("attn.kv_write", OpClass::KvWrite, attnTokens_ * 2.0 * attnKvHeads_ * hd,
                             convert ? conventions::kKvQuantiseFlops : 0.0, 1, 0, L);
        kv.kvBytes.x0 = attnTokens_ * 2.0 * attnKvHeads_ * hd * kvB_;
    }
    // Sliding windows may cover only some layers (Qwen2's max_window_layers): each part gets its own ops.
    const int windowed = causal_ && m_.hasSlidingWindow() ? std::min(m_.slidingWindowLayers, L) : 0;
    if (L - windowed > 0) attentionCore(L - windowed, 0);
    if (windowed > 0) attentionCore(windowed, m_.slidingWindow);
    if (reshard_ > 1) alongAxis("attn.reshard_out", Collective::AllToAll, rows * heads_ * hd * streamB_, reshard_);
    if (twoD_) alongAxis("attn.gather_ctx", Collective::AllGather, tokens_ * heads_ * hd * streamB_, grid_.x);
    projection("attn.o_proj", tokens_, m_.hidden / double(grid_.x), heads_ * hd, L, m_.outputBias);
    gatherWeights("attn.o_proj.gather_weights", g_.ops.back());
    if (twoD_) alongAxis("attn.reduce_out", Collective::ReduceScatter, tokens_ * hiddenIn_ * streamB_, grid_.y);
    else allReduce("attn.all_reduce", L);
    residual("attn.residual");
}

void DecoderOpsBuilder::attentionCore(int L, int window)
{
    const double hd = m_.headDim;
    const double B = attnBatch_;
    const double S = g_.tokensPerSequence;
    const bool decode = g_.phase == Phase::Decode;
    const bool windowed = window > 0;
    // Decode: T query tokens per sequence (T > 1 verifies speculated tokens) over c cached ones,
    // plus attention among the T themselves: causal for a chain, along the ancestors for a
    // Medusa tree (each node sees its path, depth/2 earlier nodes on average).
    const double T = decode ? S : 1;
    const auto& spec = o_.spec;
    const bool tree = decode && spec.kind == SpecKind::Medusa && spec.treeNodes > 0 && T > 1;
    const double newPairs = tree ? T * spec.draftLength / 2.0 : T * (T - 1) / 2;
    const double qo = attnTokens_ * 2.0 * attnHeads_ * hd * attnB_; // q read, output written
    auto attentionOp = [&](const char* name, const char* windowedName) {
        Op op;
        op.name = windowed ? windowedName : name;
        op.cls = OpClass::Attention;
        op.precision = attn_;
        op.count = L;
        op.m = static_cast<std::int64_t>(attnTokens_);
        op.n = attnHeads_;
        op.k = static_cast<std::int64_t>(hd);
        op.attnBatch = attnBatch_;
        op.attnKvHeads = static_cast<int>(attnKvHeads_);
        op.window = window;
        return op;
    };
    if (o_.fusedAttention) {
        Op op = attentionOp("attn.flash", "attn.flash.window");
        op.actBytes.x0 = qo;
        if (decode) {
            op.flops.x1 = 4.0 * B * T * attnHeads_ * hd;         // QK^T and PV over c cached tokens
            op.flops.x0 = 4.0 * B * attnHeads_ * hd * newPairs;
            op.kvBytes.x1 = 2.0 * B * attnKvHeads_ * hd * kvB_;  // each KV head read once (GQA-aware)
        } else {
            op.flops.x0 = 4.0 * B * attnHeads_ * hd * (causal_ ? causalPairs(S, window) : S * S);
            op.kvBytes.x0 = 2.0 * B * attnKvHeads_ * hd * S * attnB_;
        }
        g_.ops.push_back(op);
        return;
    }
    // Scores go through main memory: QK^T, softmax, PV as separate kernels.
    auto scores = [&](Affine& a, double perC, double prefillPairs) {
        if (decode) a.x1 += perC * T; else a.x0 += prefillPairs;
    };
    // Unfused prefill materialises every score, masked or not.
    const double pairsPerHead = decode ? newPairs : S * S;
    Op qk = attentionOp("attn.scores", "attn.scores.window");
    scores(qk.flops, 2.0 * B * attnHeads_ * hd, 2.0 * B * attnHeads_ * hd * pairsPerHead);
    scores(qk.kvBytes, B * attnKvHeads_ * hd * kvB_, 0);
    if (!decode) qk.actBytes.x0 += B * attnKvHeads_ * hd * S * attnB_;
    qk.actBytes.x0 += qo / 2;
    scores(qk.actBytes, B * attnHeads_ * attnB_, B * attnHeads_ * pairsPerHead * attnB_);
    g_.ops.push_back(qk);
    Op sm = qk;
    sm.name = windowed ? "attn.softmax.window" : "attn.softmax";
    sm.cls = OpClass::Softmax;
    sm.flops = {};
    sm.kvBytes = {};
    sm.actBytes = {};
    scores(sm.flops, 5.0 * B * attnHeads_, 5.0 * B * attnHeads_ * pairsPerHead);
    scores(sm.actBytes, 2.0 * B * attnHeads_ * attnB_, 2.0 * B * attnHeads_ * pairsPerHead * attnB_);
    g_.ops.push_back(sm);
    Op pv = qk;
    pv.name = windowed ? "attn.context.window" : "attn.context";
    g_.ops.push_back(pv);
}

void DecoderOpsBuilder::mlp()
{
    const int L = m_.layers;
    norm("mlp.norm", tokens_ * streamShare_, L);
    const bool gated = m_.mlp == MlpKind::Gated;
    const double up = (gated ? 2.0 : 1.0) * ffn_;
    // 2D: as attention, the up projection's partial sums are reduce-scattered along x (the activation
    // runs on 1/x of the rows) and gathered back before the down projection.
    if (twoD_) alongAxis("mlp.gather_in", Collective::AllGather, tokens_ * hiddenIn_ * streamB_, grid_.y);
    matmul(gated ? "mlp.gate_up_proj" : "mlp.up_proj", tokens_, up, hiddenIn_, L, m_.mlpBias).projections = gated ? 2 : 1;
    gatherWeights("mlp.up_proj.gather_weights", g_.ops.back());
    if (twoD_) alongAxis("mlp.reduce_up", Collective::ReduceScatter, tokens_ * up * streamB_, grid_.x);
    elementwise("mlp.act", OpClass::Activation, tokens_ / grid_.x * ffn_, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
    if (twoD_) alongAxis("mlp.gather_act", Collective::AllGather, tokens_ * ffn_ * streamB_, grid_.x);
    matmul("mlp.down_proj", tokens_, m_.hidden / double(grid_.x), ffn_, L, m_.mlpBias);
    gatherWeights("mlp.down_proj.gather_weights", g_.ops.back());
    if (twoD_) alongAxis("mlp.reduce_out", Collective::ReduceScatter, tokens_ * hiddenIn_ * streamB_, grid_.y);
    else allReduce("mlp.all_reduce", L);
    residual("mlp.residual");
}

void DecoderOpsBuilder::moe()
{
    const int L = m_.layers;
    const int ep = std::max(1, p_.expert);
    const double k = m_.expertsPerToken;
    norm("mlp.norm", tokens_, L);
    unquantisedMatmul("moe.router", tokens_, m_.experts, m_.hidden, L);
    elementwise("moe.topk", OpClass::Router, tokens_ * m_.experts, conventions::kRouterFlops, 1, 0, L);

    // Expert parallelism as serving engines lay it out: attention data-parallel across the EP group
    // (this graph is one group member's share of the batch), experts sharded, and each member's
    // token copies sent to the members holding their experts and back (two all-to-alls).
    // Expected distinct experts a member touches (uniform routing over every member's tokens): the
    // weights the mean member streams; the busiest streams at least one, which sets the pace.
    const double globalTokens = g_.groupBatch > 0 ? double(g_.groupBatch) * g_.tokensPerSequence : tokens_ * ep;
    const double expertsHere = std::ceil(double(m_.experts) / ep);
    const double pUnused = std::pow(1.0 - k / m_.experts, globalTokens);
    const double meanTouched = expertsHere * (1.0 - pUnused);
    const double touched = std::min(expertsHere, std::max(1.0, meanTouched));
    const double rows = globalTokens * k / ep; // token copies a member computes on average
    // The busiest member's load over the mean when N copies land at random on ep members: about
    // 1 + sqrt(2 ln(ep) (ep - 1) / N) (the expected maximum of ep binomials, Gaussian tail).
    const double copies = globalTokens * k;
    const double spread = ep > 1 ? 1.0 + std::sqrt(2.0 * std::log(double(ep)) * (ep - 1) / copies) : 1.0;
    const double eFfn = ceilDiv(m_.expertIntermediate, std::max(1, p_.tensor));
    const bool gated = m_.mlp == MlpKind::Gated;
    const double upN = (gated ? 2.0 : 1.0) * eFfn;
    auto expertMatmul = [&](const char* name, double n, double kk) {
        Op& op = matmul(name, rows / touched, n, kk, L, false, false);
        op.flops.x0 = 2.0 * rows * n * kk;
        op.weightBytes = touched * n * kk * wB_;
        op.weightElements = touched * n * kk;
        op.weightShare = meanTouched / touched;
        op.actBytes.x0 = rows * (kk * actB_ + n * streamB_);
        op.dequantFlops *= touched;
        op.routed = true;
        op.imbalance = spread;
        sparsify(op);
    };
    auto allToAll = [&](const char* name) {
        if (ep <= 1) return;
        // Each tensor-parallel rank sends its slice of the hidden vector of its token copies.
        communication(name, Collective::AllToAll, rows * m_.hidden * streamB_ / std::max(1, p_.tensor), ep, L,
                      Placement::Layer);
        g_.ops.back().routed = true;
        g_.ops.back().imbalance = spread;
    };
    allToAll("moe.dispatch");
    expertMatmul("moe.experts_gate_up", upN, m_.hidden);
    elementwise("moe.experts_act", OpClass::Activation, rows * eFfn, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
    expertMatmul("moe.experts_down", m_.hidden, eFfn);
    allToAll("moe.gather");
    elementwise("moe.combine", OpClass::Residual, tokens_ * k * m_.hidden, conventions::kCombineFlops, 1, 0, L);
    if (m_.sharedExperts > 0) {
        const double sFfn = ceilDiv(m_.sharedExpertIntermediate, std::max(1, p_.tensor));
        matmul("moe.shared_gate_up", tokens_, (gated ? 2.0 : 1.0) * sFfn + 1.0, m_.hidden, L);
        elementwise("moe.shared_act", OpClass::Activation, tokens_ * sFfn, conventions::kGatedActFlops, gated ? 2 : 1, 1, L);
        matmul("moe.shared_down", tokens_, m_.hidden, sFfn, L);
    }
    allReduce("mlp.all_reduce", L);
    residual("mlp.residual");
}

Op& DecoderOpsBuilder::unquantisedMatmul(const char* name, double m, double n, double k, int count, bool bias)
{
    Op& op = matmul(name, m, n, k, count, bias, false);
    op.precision = op.weightPrecision = stream_;
    op.weightBytes = n * k * streamB_ + (bias ? n * streamB_ : 0.0);
    op.weightGroup = 0;
    op.actBytes.x0 = (m * k + m * n) * streamB_;
    op.dequantFlops = 0;
    return op;
}

Op& DecoderOpsBuilder::projection(const char* name, double m, double n, double k, int count, bool bias)
{
    return o_.quantizedAttention ? matmul(name, m, n, k, count, bias) : unquantisedMatmul(name, m, n, k, count, bias);
}

void DecoderOpsBuilder::lmHead()
{
    // Only the last position of each sequence produces logits. Quantisation
    // schemes (GPTQ, AWQ, llama.cpp's defaults aside) keep lm_head unquantised.
    // A verification step scores every query token; otherwise one row per sequence.
    const double rows = g_.phase == Phase::Decode ? tokens_ : gathered_ ? attnBatch_ : g_.batch;
    norm("final_norm", rows, 1);
    g_.ops.back().placement = Placement::LastStage;
    // Stored like every other matrix with llama.cpp's pure quantisations, else kept at 16 bits.
    Op& head = o_.quantizedHead ? matmul("lm_head", rows, vocab_, m_.hidden, 1, false, false)
                                : unquantisedMatmul("lm_head", rows, vocab_, m_.hidden, 1);
    head.placement = Placement::LastStage;
    gatherWeights("lm_head.gather_weights", head);
    // Each tensor-parallel rank holds a slice of the vocabulary; the sampler needs every logit.
    if (p_.tensor > 1 && !gathered_)
        communication("lm_head.gather_logits", Collective::AllGather, rows * double(vocab_) * p_.tensor * streamB_,
                      p_.tensor, 1, Placement::LastStage);
}

void DecoderOpsBuilder::build()
{
    g_.ops.reserve(40);
    embedding();
    attention();
    if (m_.isMoe()) moe(); else mlp();
    if (p_.pipeline > 1)
        communication("pipeline.send", Collective::Send, tokens_ * m_.hidden * streamB_, 2, p_.pipeline - 1,
                      Placement::Handoff);
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
    matmul("medusa.heads", g_.batch, m_.hidden, m_.hidden, heads, true, false).placement = Placement::LastStage;
    unquantisedMatmul("medusa.lm_heads", g_.batch, vocab_, m_.hidden, heads).placement = Placement::LastStage;
    elementwise("medusa.topk", OpClass::Softmax, double(g_.batch) * vocab_, conventions::kRouterFlops, 1, 0, heads)
        .placement = Placement::LastStage;
}

void DecoderOpsBuilder::kvSelection()
{
    // SnapKV (Li et al. 2024): the last `window` prompt queries score every cached key per head,
    // the scores are pooled over the query heads of each KV group, and the top positions are
    // gathered into a compact cache of `budget` positions.
    const double B = attnBatch_, S = g_.tokensPerSequence, W = o_.kvCompression.window, keep = o_.kvCompression.budget;
    const double hd = m_.headDim;
    Op op;
    op.name = "kv.snap_select";
    op.cls = OpClass::Attention;
    op.precision = attn_;
    op.count = m_.layers;
    op.m = static_cast<std::int64_t>(B * W);
    op.n = attnHeads_;
    op.k = static_cast<std::int64_t>(hd);
    op.attnBatch = attnBatch_;
    op.attnKvHeads = attnKvHeads_;
    op.flops.x0 = 2.0 * B * attnHeads_ * W * S * hd + conventions::kSnapScoreFlops * B * attnHeads_ * W * S;
    op.kvBytes.x0 = B * attnKvHeads_ * hd * S * kvB_ + 2.0 * 2.0 * B * attnKvHeads_ * hd * keep * kvB_; // keys read; kept KV moved
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
