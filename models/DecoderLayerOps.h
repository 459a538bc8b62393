#pragma once
// Emits the operators of a decoder phase into an OpGraph. Internal to OpGraph.cpp.
#include "models/OpGraph.h"

namespace llmdse {

class DecoderOpsBuilder {
public:
    DecoderOpsBuilder(const ModelSpec& m, const Optimizations& o, const Parallelism& p, OpGraph& out,
                      SparseSupport sparse = {});
    void build(); // uses out.phase, out.batch, out.tokensPerSequence
    // A ViT over out.batch images of out.tokensPerSequence patches (the model given is the ViT),
    // then its projector into an LLM `llmHidden` wide.
    void buildEncoder(const VisionEncoderSpec& e, int llmHidden);

private:
    void embedding();
    void norm(const char* name, double rows, int count);
    void attention();
    void mlp();
    void moe();
    void residual(const char* name);
    void allReduce(const char* name);
    void lmHead();
    void medusaHeads();
    void kvSelection();
    void sparsify(Op& op); // applies o_.sparsity to a projection's weights
    Op& matmul(const char* name, double m, double n, double k, int count, bool bias = false, bool sparse = true);
    Op& elementwise(const char* name, OpClass cls, double elems, double flopsPerElem, double readsPerElem,
                    double writesPerElem, int count);

    const ModelSpec& m_;
    const Optimizations& o_;
    const Parallelism& p_;
    OpGraph& g_;
    SparseSupport sparse_;
    bool causal_ = true;
    double actB_, kvB_, wB_;      // bytes per element
    Precision compute_;
    double tokens_;              // rows through the layer: batch x query length
    int heads_, kvHeads_, ffn_, vocab_;
};

} // namespace llmdse
