#pragma once
// The weights the reference engine runs: loaded from a Hugging Face
// checkpoint folder (safetensors, sharded or not) or generated
// deterministically for any ModelSpec.
#include "core/HostMemory.h"
#include "core/ModelSpec.h"
#include "models/engine/Linear.h"

#include <string>
#include <vector>

namespace llmdse {

// Projections that read the same input are stored stacked (q|k|v, gate|up)
// so one pass streams the weights once, as fused kernels do.
struct ExpertWeights {
    Linear gateUp, down;
};

struct LayerWeights {
    Eigen::VectorXf attnNorm, mlpNorm;
    Linear qkv, o;
    Linear gateUp, down;                // dense MLP
    Linear router;                      // MoE
    std::vector<ExpertWeights> experts;
    ExpertWeights shared;               // qwen2_moe shared expert
    Linear sharedGate;                  // its 1-output sigmoid gate
};

struct ModelWeights {
    ModelSpec spec;
    RowMatrix embed;                    // vocab x hidden
    std::vector<LayerWeights> layers;
    Eigen::VectorXf finalNorm;
    Linear lmHead;                      // empty (out() == 0) when tied to embed
    QuantFormat format{Precision::FP32, 0};
    bool quantizedHead = false;         // lm_head stored in `format` too (a tied head gets its own copy)

    // fp16 / bf16 / int8 / int4 (group-wise) on every projection and expert; with `head`,
    // on the output projection too, as llama.cpp's quantised files store it.
    void quantize(const QuantFormat& q, bool head = false);
    double bytes() const;
};

// Folder with config.json and model.safetensors or model.safetensors.index.json.
ModelWeights loadCheckpoint(const std::string& folder);
// Deterministic N(0, 0.02) projections, unit norms; InputError if it cannot fit in RAM.
ModelWeights syntheticWeights(const ModelSpec& spec, std::uint64_t seed = 1);
// The first `layers` layers of `w` with its embedding, final norm and lm_head:
// an early-exit ("layer-skip") self-draft for speculative decoding.
ModelWeights firstLayers(const ModelWeights& w, int layers);
// Bytes of RAM the engine would need for `spec` at fp32.
double engineBytes(const ModelSpec& spec);
// Bytes a generation of `batch` sequences of `prompt` + `newTokens` tokens allocates beyond the
// weights: the KV cache for all of them, the prompt's activations (residual, q/k/v, MLP
// intermediates) and the logits of every prompt position.
double generationBytes(const ModelSpec& spec, std::int64_t batch, std::int64_t prompt, std::int64_t newTokens);


} // namespace llmdse
