#pragma once
// What kind of work an operator is; a runtime profile says how each class is
// implemented (kernels, extra memory traffic, efficiency).
#include <string>

namespace llmdse {

enum class OpClass : unsigned char {
    Embedding,   // token gather
    Norm,        // RMSNorm / LayerNorm
    Matmul,      // projections, MLP, experts, lm_head
    Rope,        // rotary position embedding on q and k
    KvWrite,     // append new k, v to the cache
    Attention,   // fused (flash) attention, or the score/context matmuls when unfused
    Softmax,     // only when attention is unfused
    Activation,  // SiLU/GELU and the gating multiply
    Residual,    // residual add
    Router,      // MoE gate: logits, top-k, renormalise
    Communication
};
constexpr int kOpClassCount = 11;
const char* toString(OpClass c);

} // namespace llmdse
