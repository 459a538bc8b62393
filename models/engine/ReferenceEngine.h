#pragma once
// A CPU inference engine (Eigen + oneTBB) for Llama, Mistral, Qwen2, Gemma and
// Mixtral-style checkpoints: KV cache, prefill and decode, batches of equal-
// length or left-padded prompts, per-op counters. fp32 activations; weights fp32/int8/int4.
#include "models/engine/ModelWeights.h"
#include "models/engine/OpCounters.h"

#include <vector>

namespace llmdse {

// Slots hold keys (RoPE applied) and values; every (layer, sequence, kv head)
// has its own run of slots, so eviction may keep a different set per head.
// length() counts slots in use; position() is the absolute position of the
// next token, which exceeds length() once slots have been evicted.
class KvCache {
public:
    KvCache(const ModelSpec& m, int batch, int capacity);
    int length() const { return length_; }
    int position() const { return length_ + evicted_; }
    int capacity() const { return capacity_; }
    int layers() const { return layers_; }
    int batch() const { return batch_; }
    int kvHeads() const { return kvHeads_; }
    // Layer l, sequence b, kv head h, slot p -> hd floats.
    float* k(int l, int b, int h, int p) { return &k_[index(l, b, h, p)]; }
    float* v(int l, int b, int h, int p) { return &v_[index(l, b, h, p)]; }
    void advance(int n) { length_ += n; }
    // Left padding of a batch of unequal prompts: sequence b's first padding(b) slots hold
    // no token and are never attended.
    int padding(int b) const { return padding_.empty() ? 0 : padding_[size_t(b)]; }
    void setPadding(std::vector<int> p) { padding_ = std::move(p); }
    // Rollback: forgets the slots from n on (speculative decoding's rejected tokens).
    void truncate(int n);
    // Moves slots `keep` (ascending) of one head to the front. After every head
    // of every layer and sequence has kept the same count, evictTo(count).
    void gather(int l, int b, int h, const std::vector<int>& keep);
    void evictTo(int n);

private:
    size_t index(int l, int b, int h, int p) const
    {
        return ((((size_t(l) * batch_ + b) * kvHeads_ + h) * capacity_) + p) * headDim_;
    }
    int layers_, batch_, kvHeads_, headDim_, capacity_, length_ = 0, evicted_ = 0;
    std::vector<float> k_, v_;
    std::vector<int> padding_;
};

// Per layer, sequence and kv head: sum over the last `window` queries of the
// forward and over the query heads sharing that kv head of the softmax weight
// given to each key slot. Sized by the engine on the forward that fills it.
struct AttentionCapture {
    int window = 0;
    int keys = 0; // key slots of that forward (cache length after it)
    int layers = 0, batch = 0, kvHeads = 0;
    std::vector<float> scores; // [layer][sequence][kv head][key]
    float* at(int l, int b, int h) { return &scores[((size_t(l) * batch + b) * kvHeads + h) * size_t(keys)]; }
    const float* at(int l, int b, int h) const { return &scores[((size_t(l) * batch + b) * kvHeads + h) * size_t(keys)]; }
};

class ReferenceEngine {
public:
    explicit ReferenceEngine(ModelWeights weights);
    const ModelSpec& spec() const { return w_.spec; }
    const ModelWeights& weights() const { return w_; }

    // Runs `tokens` (batch x n) after what the cache holds. Prompts of unequal lengths (an
    // empty cache only) are left-padded to the longest, the padding masked out of attention
    // (RoPE scores depend only on distances, so each sequence computes as if alone).
    // Returns logits: one row per sequence (last position), or per position if allPositions
    // (n rows per sequence, padded ones included).
    RowMatrix forward(const std::vector<std::vector<int>>& tokens, KvCache& cache, bool allPositions = false);

    OpCounters* counters = nullptr; // set to collect per-op counts and times
    // Set to collect, during the next forward, the attention that the last
    // `window` positions give to each key (SnapKV's observation window).
    struct AttentionCapture* capture = nullptr;

private:
    void attention(const RowMatrix& qkv, KvCache& cache, int layer, int batch, int n, RowMatrix& out);
    void moe(const LayerWeights& L, const RowMatrix& h, RowMatrix& x);
    ModelWeights w_;
    std::vector<float> invFreq_;
    bool gelu_ = false; // GeGLU (Gemma) instead of SwiGLU
};

std::vector<std::string> engineFamilies();

} // namespace llmdse
