#pragma once
// Algorithm-level choices that change the work without changing the model's
// function much: formats, fused attention, weight sparsity, head pruning,
// KV-cache compression and speculative decoding.
#include "core/Precision.h"

#include <array>
#include <string>

namespace llmdse {

// 2:4: two of every four consecutive weights are zero (NVIDIA/AMD sparse matrix units);
// unstructured: any pattern at a given density (stored bitmap-compressed).
enum class SparsityPattern : unsigned char { Dense, Unstructured, TwoFour };

struct WeightSparsity {
    SparsityPattern pattern = SparsityPattern::Dense;
    double density = 1.0; // fraction of weights kept (2:4: 0.5)
    bool enabled() const { return pattern != SparsityPattern::Dense; }
};
// "dense", "2:4" or "unstructured:0.3" (density kept); throws InputError(field).
WeightSparsity parseSparsity(const std::string& text, const std::string& field);
std::string toString(const WeightSparsity& s);

// SnapKV: after prefill each sequence keeps `budget` cached positions per layer and
// KV head (its last `window` positions plus the most attended others).
struct KvCompression {
    int budget = 0; // 0: off
    int window = 32;
    bool enabled() const { return budget > 0; }
    // Cached positions left of a prompt of `prompt` tokens.
    double keptOf(double prompt) const { return enabled() && prompt > budget ? budget : prompt; }
};

// Draft model: a smaller model proposes k tokens one by one; Medusa: k extra
// decoding heads on the target propose them in its own step; prompt tokens
// (parallel prompt decoding): k trained prompt tokens appended to the input
// guess them. The target verifies all k in one step either way.
enum class SpecKind : unsigned char { None, DraftModel, Medusa, PromptTokens };
const char* toString(SpecKind k);
SpecKind parseSpecKind(const std::string& s, const std::string& field);

constexpr int kMaxDraftLength = 16;
constexpr int kMaxTreeNodes = 1024;

struct SpeculativeDecoding {
    SpecKind kind = SpecKind::None;
    int draftLength = 4;     // k: tokens proposed per verification step
    double acceptance = 0.7; // P(position i accepted | positions before it were), when no list is given
    std::array<double, kMaxDraftLength> perPosition{}; // the same per position (e.g. Medusa's per-head rates)
    int perPositionCount = 0;
    int draftLayers = 0;     // draft model = the target's first N layers (self-speculation); 0: a separate model
    // Medusa's candidate tree (Cai et al. 2024, sec. 2.1.2): the target verifies `treeNodes` candidates of
    // depth up to draftLength at once with tree attention; the acceptance rates are then per depth of
    // the tree (the chance some candidate at that depth is right). 0: a single chain of draftLength.
    int treeNodes = 0;

    bool enabled() const { return kind != SpecKind::None; }
    double acceptedAt(int i) const; // position i in 1..k
    // Tokens each verification step yields on average: 1 + sum_i prod_{j<=i} a_j
    // (the accepted prefix plus the target's own token at the first rejection).
    double expectedTokensPerStep() const;
    // Query tokens per sequence the target processes in one verification step.
    int verifyTokens() const;

    // Expected work to generate `tokens` tokens after the first: verification steps, draft
    // forwards, and the draft forwards that must also take in the previous step's bonus token
    // (after a fully accepted step the draft has not seen its own k-th proposal nor the bonus).
    // Near the end fewer than k tokens are worth proposing, so short outputs take more steps
    // than tokens / expectedTokensPerStep().
    struct Schedule {
        double steps = 0, draftForwards = 0, catchUps = 0;
    };
    Schedule schedule(double tokens) const;
};

struct Optimizations {
    QuantFormat weights{Precision::FP16, 128};
    Precision activations = Precision::FP16;
    QuantFormat kvCache{Precision::FP16, 64};
    bool fusedAttention = true; // FlashAttention-style: scores never reach main memory
    // With 8-bit activations only the projections' inputs are 8-bit; attention runs at 16 bits unless an
    // FP8 attention kernel (FlashAttention-3, TensorRT-LLM's FP8 context FMHA) is chosen.
    bool fp8Attention = false;
    // The output head (and the embedding table) stored in the weight format too, as
    // llama.cpp's pure quantisations store them; false: kept at the activation precision.
    bool quantizedHead = false;
    // Attention's projections (QKV and output) stored in the weight format too; false: kept at 16 bits with
    // 16-bit GEMMs, as Meta's FP8 Llama 3.1 checkpoints keep them (only the feed-forward layers are FP8).
    bool quantizedAttention = true;
    WeightSparsity sparsity;
    double headPruning = 0;     // fraction of query heads removed, evenly across KV groups
    KvCompression kvCompression;
    SpeculativeDecoding spec;
};

} // namespace llmdse
