#pragma once
// Architecture of a decoder-only transformer, as far as cost is concerned.
#include <cstdint>
#include <string>

namespace llmdse {

enum class MlpKind : unsigned char { Gated, Plain }; // gated: gate+up+down (SwiGLU/GeGLU); plain: up+down
enum class NormKind : unsigned char { RMSNorm, LayerNorm };

struct ModelSpec {
    std::string id;       // zoo id or the config file's name
    std::string family;   // Hugging Face model_type (llama, mistral, qwen2, mixtral, gemma, phi3, qwen2_moe)
    std::string source;   // where the shape came from

    int hidden = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;
    int intermediate = 0; // dense MLP width
    int vocab = 0;
    int maxPosition = 0;
    double ropeTheta = 10000.0;
    // rope_scaling: "default" (none), "linear" or "llama3" (Llama 3.1/3.2 frequency bands).
    std::string ropeType = "default";
    double ropeFactor = 1.0;
    double ropeLowFreqFactor = 1.0;
    double ropeHighFreqFactor = 4.0;
    int ropeOriginalMaxPosition = 8192;
    double normEps = 1e-5;
    // Pre-training tokens, for the proxy_loss quality objective only (0: 20 per parameter, Chinchilla-optimal).
    double trainingTokens = 0;

    // Sliding-window attention (Mistral, Phi-3; Qwen2 when use_sliding_window): the last
    // `slidingWindow` tokens are attended and cached in `slidingWindowLayers` layers (0: none).
    int slidingWindow = 0;
    int slidingWindowLayers = 0;

    bool tiedEmbeddings = false;
    bool qkvBias = false;
    bool outputBias = false;
    bool mlpBias = false;
    MlpKind mlp = MlpKind::Gated;
    NormKind norm = NormKind::RMSNorm;

    // Mixture of experts: experts > 0 replaces the dense MLP in MoE layers.
    int experts = 0;
    int expertsPerToken = 0;
    int expertIntermediate = 0;
    int sharedExperts = 0;            // always-active experts (Qwen-MoE / DeepSeek style)
    int sharedExpertIntermediate = 0;
    bool normTopK = true;             // renormalise the top-k gate weights

    bool isMoe() const { return experts > 0; }
    bool hasSlidingWindow() const { return slidingWindow > 0 && slidingWindowLayers > 0; }
    // Cached positions summed over the layers when each sequence has seen `positions` tokens.
    double cachedLayerPositions(double positions, double layers) const;
    // 64-bit: the bounds below keep these far inside int, but buffers are sized from them.
    std::int64_t qDim() const { return std::int64_t(heads) * headDim; }
    std::int64_t kvDim() const { return std::int64_t(kvHeads) * headDim; }

    // Parameters per layer and in total (embeddings included, lm_head once if tied).
    double attentionParamsPerLayer() const;
    double denseMlpParamsPerLayer() const;
    double expertParams() const;       // one routed expert
    double moeParamsPerLayer() const;  // router + all routed experts + shared experts
    double mlpParamsPerLayer() const;  // dense or MoE, whichever the model has
    double normParamsPerLayer() const;
    double embeddingParams() const;
    double lmHeadParams() const;       // 0 when tied
    double totalParams() const;
    double activeParamsPerToken() const;

    // Throws InputError naming the offending field (for file `file`): every size must be
    // positive and within the physical bounds below.
    void validate(const std::string& file = "") const;
};

// Upper bounds on a model's shape, far above any published model (the largest have hidden
// 16-25K, 126-160 layers, 128 heads, head_dim 256, MLP width 73K, vocabulary 256K, 256
// experts, 10M-token context) yet low enough that every product of them used to size
// buffers or count bytes stays exact in 64-bit integers and doubles.
struct ModelShapeBounds {
    static constexpr int hidden = 1 << 17;          // 131,072
    static constexpr int layers = 4096;
    static constexpr int heads = 4096;
    static constexpr int headDim = 4096;
    static constexpr int intermediate = 1 << 20;    // 1,048,576
    static constexpr int vocab = 1 << 23;           // 8,388,608
    static constexpr int experts = 65536;
    static constexpr int maxPosition = 1 << 30;     // 1,073,741,824 tokens
};

// The model with a fraction of its attention heads pruned: query heads go evenly
// from every KV group (GQA keeps its KV heads); with one query head per KV head
// (MHA) the KV heads go with them. At least one head per group stays.
ModelSpec withHeadsPruned(const ModelSpec& m, double fraction);

} // namespace llmdse
