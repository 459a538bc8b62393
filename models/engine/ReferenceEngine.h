#pragma once
// A CPU inference engine (Eigen + oneTBB) for Llama, Mistral, Qwen2 and
// Mixtral-style checkpoints: KV cache, prefill and decode, batches of equal-
// length prompts, per-op counters. fp32 activations; weights fp32/int8/int4.
#include "models/engine/ModelWeights.h"
#include "models/engine/OpCounters.h"

#include <vector>

namespace llmdse {

class KvCache {
public:
    KvCache(const ModelSpec& m, int batch, int capacity);
    int length() const { return length_; }
    int capacity() const { return capacity_; }
    // Layer l, sequence b, kv head h, position p -> hd floats.
    float* k(int l, int b, int h, int p) { return &k_[index(l, b, h, p)]; }
    float* v(int l, int b, int h, int p) { return &v_[index(l, b, h, p)]; }
    void advance(int n) { length_ += n; }

private:
    size_t index(int l, int b, int h, int p) const
    {
        return ((((size_t(l) * batch_ + b) * kvHeads_ + h) * capacity_) + p) * headDim_;
    }
    int batch_, kvHeads_, headDim_, capacity_, length_ = 0;
    std::vector<float> k_, v_;
};

class ReferenceEngine {
public:
    explicit ReferenceEngine(ModelWeights weights);
    const ModelSpec& spec() const { return w_.spec; }
    const ModelWeights& weights() const { return w_; }

    // Runs `tokens` (batch x n, equal lengths) after what the cache holds.
    // Returns logits: one row per sequence (last position), or per position if allPositions.
    RowMatrix forward(const std::vector<std::vector<int>>& tokens, KvCache& cache, bool allPositions = false);

    OpCounters* counters = nullptr; // set to collect per-op counts and times

private:
    void attention(const RowMatrix& qkv, KvCache& cache, int layer, int batch, int n, RowMatrix& out);
    void moe(const LayerWeights& L, const RowMatrix& h, RowMatrix& x);
    ModelWeights w_;
    std::vector<float> invFreq_;
};

std::vector<std::string> engineFamilies();

} // namespace llmdse
