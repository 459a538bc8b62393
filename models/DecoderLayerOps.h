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
    void allReduce(const char* name, int count, Placement where = Placement::Layer);
    // 2D layout: the collective along one axis of the tensor grid (none when that axis has one device).
    void gatherWeights(const char* name, const Op& matrix);
    void alongAxis(const char* name, Collective c, double bytes, int devices);
    void communication(const char* name, Collective c, double bytes, int devices, int count, Placement where);
    void attentionCore(int layers, int window); // QK^T, softmax, PV for `layers` layers
    void lmHead();
    void medusaHeads();
    void kvSelection();
    void sparsify(Op& op); // applies o_.sparsity to a projection's weights
    Op& matmul(const char* name, double m, double n, double k, int count, bool bias = false, bool sparse = true);
    // Kept at 16 bits whatever the weight format (lm_head, router, Medusa's output layers).
    Op& unquantisedMatmul(const char* name, double m, double n, double k, int count, bool bias = false);
    // An attention projection: in the weight format, or at 16 bits where the design keeps attention unquantised.
    Op& projection(const char* name, double m, double n, double k, int count, bool bias);
    Op& elementwise(const char* name, OpClass cls, double elems, double flopsPerElem, double readsPerElem,
                    double writesPerElem, int count);

    const ModelSpec& m_;
    const Optimizations& o_;
    const Parallelism& p_;
    OpGraph& g_;
    SparseSupport sparse_;
    bool causal_ = true;
    // Bytes per element: projection inputs (the activation format), the residual stream and
    // everything between projections (16-bit when activations are 8-bit), attention, KV cache, weights.
    double actB_, streamB_, attnB_, kvB_, wB_;
    Precision compute_, stream_, attn_;
    double tokens_;              // rows through the layer: batch x query length
    int heads_, kvHeads_, ffn_, vocab_;
    // Tensor grid (1D: 1 x tp). Projections read hiddenIn_ of the hidden vector; attention runs
    // attnBatch_ sequences (attnTokens_ rows); the residual stream holds streamShare_ of each row.
    bool twoD_ = false;
    bool gathered_ = false; // weight-gathered: whole matrices all-gathered before use, sequences split
    TensorGrid grid_;
    double hiddenIn_, attnTokens_, streamShare_;
    int attnBatch_;
    // Attention's own split (attentionShards): heads and KV heads per device, and the devices along y
    // that exchange q/k/v and the context to go from the projections' split to attention's (1: none).
    int attnHeads_, attnKvHeads_, reshard_ = 1;
};

} // namespace llmdse
