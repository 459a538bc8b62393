#include "models/engine/ReferenceEngine.h"
#include "core/Errors.h"
#include "models/OpConventions.h"
#include "models/engine/Rope.h"
#include "models/engine/VectorMath.h"
#include "models/engine/WeightKernels.h"

#include <oneapi/tbb/parallel_for.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace llmdse {

namespace conv = conventions;

std::vector<std::string> engineFamilies() { return {"llama", "mistral", "qwen2", "mixtral", "qwen2_moe", "gemma", "phi3"}; }

KvCache::KvCache(const ModelSpec& m, int batch, int capacity)
    : layers_(m.layers), batch_(batch), kvHeads_(m.kvHeads), headDim_(m.headDim), capacity_(capacity)
{
    if (batch < 1 || capacity < 1) throw InputError("", "kv_cache", "needs at least one sequence and one slot");
    const size_t n = size_t(m.layers) * size_t(batch) * size_t(m.kvHeads) * size_t(capacity) * size_t(m.headDim);
    requireMemory(2.0 * double(n) * sizeof(float), "kv_cache",
                  "a KV cache of " + std::to_string(batch) + " x " + std::to_string(capacity) + " tokens");
    k_.assign(n, 0.f);
    v_.assign(n, 0.f);
}

void KvCache::truncate(int n)
{
    if (n < 0 || n > length_) throw InputError("", "kv_cache", "cannot truncate " + std::to_string(length_) + " slots to " + std::to_string(n));
    length_ = n;
}

void KvCache::gather(int l, int b, int h, const std::vector<int>& keep)
{
    // keep is ascending, so keep[j] >= j: copying forward never overwrites a slot still to be read.
    for (size_t j = 0; j < keep.size(); ++j) {
        const int p = keep[j];
        if (p < 0 || p >= length_ || (j > 0 && p <= keep[j - 1]))
            throw InputError("", "kv_cache", "kept slots must be ascending and below the cache length");
        if (size_t(p) == j) continue;
        std::copy_n(k(l, b, h, p), headDim_, k(l, b, h, int(j)));
        std::copy_n(v(l, b, h, p), headDim_, v(l, b, h, int(j)));
    }
}

void KvCache::evictTo(int n)
{
    if (n < 0 || n > length_) throw InputError("", "kv_cache", "cannot evict down to " + std::to_string(n) + " slots");
    evicted_ += length_ - n;
    length_ = n;
}

ReferenceEngine::ReferenceEngine(ModelWeights weights) : w_(std::move(weights))
{
    // Tied embeddings: the output projection gets its own (parallel) copy of the table.
    if (w_.spec.tiedEmbeddings && w_.lmHead.out() == 0) w_.lmHead = Linear(w_.embed);
    const auto fams = engineFamilies();
    if (std::find(fams.begin(), fams.end(), w_.spec.family) == fams.end())
        throw InputError("", "model_type", "the reference engine runs llama, mistral, qwen2, mixtral, qwen2_moe, gemma and phi3, not '" +
                                               w_.spec.family + "'");
    const ModelSpec& m = w_.spec;
    if (m.ropeType != "default" && m.ropeType != "linear" && m.ropeType != "llama3")
        throw InputError("", "rope_scaling", "the reference engine supports default, linear and llama3 RoPE scaling, not '" +
                                                 m.ropeType + "'");
    for (double inv : ropeInverseFrequencies(m)) invFreq_.push_back(static_cast<float>(inv));
    gelu_ = m.family == "gemma";
}

namespace {

constexpr double kF = 4.0; // bytes per fp32 activation

void rmsNorm(const RowMatrix& x, const Eigen::VectorXf& w, float eps, RowMatrix& y)
{
    y.resize(x.rows(), x.cols());
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
        const float ms = x.row(r).squaredNorm() / float(x.cols());
        y.row(r) = (x.row(r) * (1.0f / std::sqrt(ms + eps))).cwiseProduct(w.transpose());
    }
}

double matmulFlops(const Linear& l, double rows) { return 2.0 * rows * l.out() * l.in() + (l.hasBias() ? rows * l.out() : 0.0); }
double matmulBytes(const Linear& l, double rows) { return l.weightBytes() + rows * (l.in() + l.out()) * kF; }

// act = silu(gate) * up (SwiGLU), or gelu_tanh(gate) * up (Gemma's GeGLU), for the stacked
// [gate | up] rows, rows split across workers (a prompt's MLP width times its length is
// millions of transcendentals).
void gatedActivation(const RowMatrix& gu, int f, bool gelu, RowMatrix& act)
{
    act.resize(gu.rows(), f);
    // Slices of 1024 columns, so that a decode step's few rows also spread over the workers.
    constexpr int kSlice = 1024;
    const int slices = (f + kSlice - 1) / kSlice;
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<Eigen::Index>(0, gu.rows() * slices, 8), [&](const auto& r) {
        for (Eigen::Index job = r.begin(); job < r.end(); ++job) {
            const Eigen::Index i = job / slices, c = job % slices * kSlice;
            const int w = int(std::min<Eigen::Index>(kSlice, f - c));
            const float* g = gu.row(i).data() + c;
            (gelu ? kernels::geluTanhGate : kernels::siluGate)(g, g + f, act.row(i).data() + c, w);
        }
    });
}

} // namespace

void ReferenceEngine::attention(const RowMatrix& qkv, KvCache& cache, int layer, int batch, int n, RowMatrix& out)
{
    const ModelSpec& m = w_.spec;
    const int hd = m.headDim, H = m.heads, KV = m.kvHeads, group = H / KV;
    const int past = cache.length();
    const float scale = 1.0f / std::sqrt(float(hd));
    out.resize(qkv.rows(), m.qDim());
    // Sliding-window layers see the last `slidingWindow` positions (the query's own included),
    // as Hugging Face's mask does; the cache keeps every slot.
    const bool windowed = m.hasSlidingWindow() && layer >= m.layers - m.slidingWindowLayers;
    const int window = windowed ? m.slidingWindow : std::numeric_limits<int>::max();
    AttentionCapture* cap = capture;
    const int firstObserved = cap ? std::max(0, n - cap->window) : n;
    // Each KV head is read once for the query heads that share it (GQA): those heads are
    // contiguous in q, and a kv head's slots are contiguous rows of the cache, so each query
    // meets its keys and values in two small matrix products (AVX2 kernels where the CPU has
    // them, Eigen's GEMM elsewhere; a vectorised exp between), instead of a dot product, a scalar
    // exp and an axpy per key and head: about 2.5x less attention time in qwen2.5-0.5b's batch-8
    // decode, and the AVX2 scores and values about 2x less again (single-thread harness).
    const bool vector = kernels::vectorKernels();
    oneapi::tbb::parallel_for(0, batch * KV, [&](int job) {
        const int b = job / KV, kh = job % KV;
        RowMatrix s; // group x keys
        std::vector<float> qp(size_t(hd) * 8);
        for (int i = 0; i < n; ++i) {
            // Causal, windowed, past the padding (a padding query attends to itself only).
            const int keys = past + i + 1, first = std::min(std::max({0, keys - window, cache.padding(b)}), keys - 1);
            const int nk = keys - first;
            const Eigen::Map<const RowMatrix> q(qkv.row(b * n + i).data() + size_t(kh) * group * hd, group, hd);
            const Eigen::Map<const RowMatrix> k(cache.k(layer, b, kh, first), nk, hd), v(cache.v(layer, b, kh, first), nk, hd);
            s.resize(group, nk);
            if (!vector) {
                s.noalias() = q * k.transpose();
            } else {
                // Query heads 8 at a time in broadcast form (each key value against all of them, no
                // horizontal sums over a head dimension of only 64-128); a single head as a dot product.
                for (int g0 = 0; g0 < group; g0 += 8) {
                    const int rows = std::min(8, group - g0);
                    if (rows == 1) {
                        kernels::gemmF32(k.data(), hd, nk, q.row(g0).data(), hd, 1, hd, s.row(g0).data(), nk);
                    } else {
                        kernels::interleaveRows8(q.row(g0).data(), hd, rows, hd, qp.data());
                        kernels::gemmF32Interleaved8(k.data(), hd, nk, qp.data(), rows, hd, s.row(g0).data(), nk);
                    }
                }
            }
            for (int g = 0; g < group; ++g) kernels::softmaxScaled(s.row(g).data(), nk, scale);
            if (i >= firstObserved) Eigen::Map<Eigen::RowVectorXf>(cap->at(layer, b, kh) + first, nk) += s.colwise().sum();
            float* o = out.row(b * n + i).data() + size_t(kh) * group * hd;
            if (vector && hd % 8 == 0) kernels::rowsTimesMatrix(s.data(), group, nk, v.data(), hd, o);
            else Eigen::Map<RowMatrix>(o, group, hd).noalias() = s * v;
        }
    });
}

void ReferenceEngine::moe(const LayerWeights& L, const RowMatrix& h, RowMatrix& x)
{
    const ModelSpec& m = w_.spec;
    const int T = static_cast<int>(h.rows()), E = m.experts, k = m.expertsPerToken;
    RowMatrix logits;
    {
        OpScope s(counters, "moe.router", matmulFlops(L.router, T), matmulBytes(L.router, T));
        L.router.apply(h, logits);
    }
    std::vector<std::vector<std::pair<int, float>>> chosen(static_cast<size_t>(T));
    {
        OpScope s(counters, "moe.topk", conv::kRouterFlops * T * E, double(T) * E * kF);
        for (int t = 0; t < T; ++t) {
            Eigen::RowVectorXf p = logits.row(t);
            p = (p.array() - p.maxCoeff()).exp();
            p /= p.sum();
            std::vector<int> idx(static_cast<size_t>(E));
            std::iota(idx.begin(), idx.end(), 0);
            std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int a, int b) { return p[a] > p[b]; });
            float norm = 0;
            for (int j = 0; j < k; ++j) norm += p[idx[j]];
            for (int j = 0; j < k; ++j) chosen[t].push_back({idx[j], m.normTopK ? p[idx[j]] / norm : p[idx[j]]});
        }
    }
    // Group tokens by expert so each expert's weights stream once per step.
    std::vector<std::vector<std::pair<int, float>>> byExpert(static_cast<size_t>(E));
    for (int t = 0; t < T; ++t)
        for (auto [e, wgt] : chosen[t]) byExpert[e].push_back({t, wgt});
    RowMatrix acc = RowMatrix::Zero(T, m.hidden);
    for (int e = 0; e < E; ++e) {
        const auto& toks = byExpert[e];
        if (toks.empty()) continue;
        const ExpertWeights& ex = L.experts[size_t(e)];
        const int rows = static_cast<int>(toks.size()), f = ex.down.in();
        RowMatrix in(rows, m.hidden), gu, act(rows, f), y;
        for (int r = 0; r < rows; ++r) in.row(r) = h.row(toks[r].first);
        {
            OpScope s(counters, "moe.experts_gate_up", matmulFlops(ex.gateUp, rows), matmulBytes(ex.gateUp, rows));
            ex.gateUp.apply(in, gu);
        }
        {
            OpScope s(counters, "moe.experts_act", conv::kGatedActFlops * rows * f, 3.0 * rows * f * kF);
            gatedActivation(gu, f, gelu_, act);
        }
        {
            OpScope s(counters, "moe.experts_down", matmulFlops(ex.down, rows), matmulBytes(ex.down, rows));
            ex.down.apply(act, y);
        }
        OpScope s(counters, "moe.combine", conv::kCombineFlops * rows * m.hidden, double(rows) * m.hidden * kF);
        for (int r = 0; r < rows; ++r) acc.row(toks[r].first) += toks[r].second * y.row(r);
    }
    if (m.sharedExperts > 0) {
        const int f = L.shared.down.in();
        RowMatrix gu, act(T, f), y, gate;
        {
            OpScope s(counters, "moe.shared_gate_up", matmulFlops(L.shared.gateUp, T) + matmulFlops(L.sharedGate, T),
                      matmulBytes(L.shared.gateUp, T) + L.sharedGate.weightBytes() + T * kF);
            L.shared.gateUp.apply(h, gu);
            L.sharedGate.apply(h, gate);
        }
        {
            OpScope s(counters, "moe.shared_act", conv::kGatedActFlops * double(T) * f, 3.0 * T * f * kF);
            gatedActivation(gu, f, gelu_, act);
        }
        OpScope s(counters, "moe.shared_down", matmulFlops(L.shared.down, T), matmulBytes(L.shared.down, T));
        L.shared.down.apply(act, y);
        for (int r = 0; r < T; ++r) acc.row(r) += (1.0f / (1.0f + std::exp(-gate(r, 0)))) * y.row(r);
    }
    OpScope s(counters, "mlp.residual", conv::kResidualFlops * double(T) * m.hidden, 3.0 * T * m.hidden * kF);
    x += acc;
}

RowMatrix ReferenceEngine::forward(const std::vector<std::vector<int>>& tokens, KvCache& cache, bool allPositions)
{
    const ModelSpec& m = w_.spec;
    const int B = static_cast<int>(tokens.size());
    if (B == 0) throw InputError("", "input_ids", "no sequences");
    int n = 0;
    bool ragged = false;
    for (const auto& t : tokens) {
        if (t.empty()) throw InputError("", "input_ids", "sequences in a batch must be non-empty");
        ragged = ragged || (n > 0 && int(t.size()) != n);
        n = std::max(n, int(t.size()));
    }
    if (ragged && cache.length() > 0)
        throw InputError("", "input_ids", "sequences may differ in length only in the prompt, not after it");
    if (cache.length() == 0) {
        std::vector<int> pad;
        for (const auto& t : tokens) pad.push_back(n - int(t.size()));
        cache.setPadding(ragged ? pad : std::vector<int>());
    }
    if (cache.length() + n > cache.capacity())
        throw InputError("", "max_new_tokens", "the KV cache holds " + std::to_string(cache.capacity()) + " tokens");
    const int T = B * n, d = m.hidden, hd = m.headDim, H = m.heads, KV = m.kvHeads;
    const int past = cache.length(), pos0 = cache.position();
    if (capture) {
        capture->keys = past + n, capture->layers = m.layers, capture->batch = B, capture->kvHeads = KV;
        capture->scores.assign(size_t(m.layers) * B * KV * size_t(past + n), 0.f);
    }

    RowMatrix x(T, d), h, qkv, att, o, gu, act, y;
    // Rotary angles depend only on the position: one cos/sin table per forward, shared by all layers and heads.
    RowMatrix ropeCos(n, hd / 2), ropeSin(n, hd / 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < hd / 2; ++j) {
            const double a = double(pos0 + i) * invFreq_[size_t(j)];
            ropeCos(i, j) = static_cast<float>(std::cos(a));
            ropeSin(i, j) = static_cast<float>(std::sin(a));
        }
    {
        OpScope s(counters, "embedding", 0, 2.0 * T * d * kF);
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < n; ++i) {
                const int pad = n - int(tokens[b].size());
                const int id = i < pad ? 0 : tokens[b][size_t(i - pad)]; // padding: any valid id, masked below
                if (id < 0 || id >= m.vocab)
                    throw InputError("", "input_ids", "token " + std::to_string(id) + " is outside the vocabulary (0.." +
                                                          std::to_string(m.vocab - 1) + ")");
                x.row(b * n + i) = w_.embed.row(id);
            }
        if (m.family == "gemma") x *= std::sqrt(float(d)); // Gemma scales the embeddings by sqrt(hidden)
    }
    for (int l = 0; l < m.layers; ++l) {
        const LayerWeights& L = w_.layers[size_t(l)];
        {
            OpScope s(counters, "attn.norm", conv::kRmsNormFlops * T * d, (2.0 * T * d + d) * kF);
            rmsNorm(x, L.attnNorm, float(m.normEps), h);
        }
        {
            OpScope s(counters, "attn.qkv_proj", matmulFlops(L.qkv, T), matmulBytes(L.qkv, T));
            L.qkv.apply(h, qkv);
        }
        {
            const double elems = double(T) * (H + KV) * hd;
            OpScope s(counters, "attn.rope", conv::kRopeFlops * elems, 2.0 * elems * kF);
            for (int t = 0; t < T; ++t) {
                const float* c = ropeCos.row(t % n).data();
                const float* sn = ropeSin.row(t % n).data();
                float* row = qkv.row(t).data();
                for (int head = 0; head < H + KV; ++head) {
                    float* v = row + head * hd;
                    for (int j = 0; j < hd / 2; ++j) {
                        const float x1 = v[j], x2 = v[j + hd / 2];
                        v[j] = x1 * c[j] - x2 * sn[j];
                        v[j + hd / 2] = x2 * c[j] + x1 * sn[j];
                    }
                }
            }
        }
        {
            const double elems = double(T) * 2 * KV * hd;
            OpScope s(counters, "attn.kv_write", 0, 2.0 * elems * kF);
            for (int b = 0; b < B; ++b)
                for (int i = 0; i < n; ++i) {
                    const float* row = qkv.row(b * n + i).data();
                    for (int kh = 0; kh < KV; ++kh) {
                        std::copy_n(row + (H + kh) * hd, hd, cache.k(l, b, kh, past + i));
                        std::copy_n(row + (H + KV + kh) * hd, hd, cache.v(l, b, kh, past + i));
                    }
                }
        }
        {
            // Causal pairs: each of the n queries sees past + i + 1 keys.
            const double pairs = double(n) * past + double(n) * (n + 1) / 2.0;
            OpScope s(counters, "attn.flash", 4.0 * B * H * hd * pairs,
                      (2.0 * T * H * hd + 2.0 * B * KV * hd * (past + n)) * kF);
            attention(qkv, cache, l, B, n, att);
        }
        {
            OpScope s(counters, "attn.o_proj", matmulFlops(L.o, T), matmulBytes(L.o, T));
            L.o.apply(att, o);
        }
        {
            OpScope s(counters, "attn.residual", conv::kResidualFlops * T * d, 3.0 * T * d * kF);
            x += o;
        }
        {
            OpScope s(counters, "mlp.norm", conv::kRmsNormFlops * T * d, (2.0 * T * d + d) * kF);
            rmsNorm(x, L.mlpNorm, float(m.normEps), h);
        }
        if (m.isMoe()) {
            moe(L, h, x);
            continue;
        }
        const int f = L.down.in();
        {
            OpScope s(counters, "mlp.gate_up_proj", matmulFlops(L.gateUp, T), matmulBytes(L.gateUp, T));
            L.gateUp.apply(h, gu);
        }
        {
            OpScope s(counters, "mlp.act", conv::kGatedActFlops * double(T) * f, 3.0 * T * f * kF);
            act.resize(T, f);
            gatedActivation(gu, f, gelu_, act);
        }
        {
            OpScope s(counters, "mlp.down_proj", matmulFlops(L.down, T), matmulBytes(L.down, T));
            L.down.apply(act, y);
        }
        OpScope s(counters, "mlp.residual", conv::kResidualFlops * T * d, 3.0 * T * d * kF);
        x += y;
    }
    cache.advance(n);

    // Logits for the last position of each sequence (or every position).
    RowMatrix last;
    if (allPositions) {
        last = x;
    } else {
        last.resize(B, d);
        for (int b = 0; b < B; ++b) last.row(b) = x.row(b * n + n - 1);
    }
    const double rows = double(last.rows());
    {
        OpScope s(counters, "final_norm", conv::kRmsNormFlops * rows * d, (2.0 * rows * d + d) * kF);
        rmsNorm(last, w_.finalNorm, float(m.normEps), h);
    }
    RowMatrix logits;
    {
        OpScope s(counters, "lm_head", matmulFlops(w_.lmHead, rows), matmulBytes(w_.lmHead, rows));
        w_.lmHead.apply(h, logits);
    }
    return logits;
}

} // namespace llmdse
