#include "estimators/fpga/FpgaStageWork.h"
#include "core/Errors.h"
#include "models/OpGraph.h"

#include <cstring>

namespace llmdse {

namespace {

struct Group {
    const char* stage;
    const char* prefixes[6];
};

// Op names (models/DecoderLayerOps.cpp) by prefix; sliding-window variants share their prefix.
const Group kGroups[] = {
    {"attn_in", {"attn.norm", "attn.qkv_proj", "attn.rope", "attn.kv_write", nullptr}},
    {"attention", {"attn.flash", "attn.scores", "attn.softmax", "attn.context", nullptr}},
    {"attn_out", {"attn.o_proj", "attn.residual", nullptr}},
    {"mlp_in", {"mlp.norm", "mlp.gate_up_proj", "mlp.up_proj", nullptr}},
    {"mlp_out", {"mlp.act", "mlp.down_proj", "mlp.residual", nullptr}},
    {"head", {"embedding", "final_norm", "lm_head", nullptr}},
};
constexpr int kStages = int(std::size(kGroups));

int groupOf(const char* op)
{
    for (int g = 0; g < kStages; ++g)
        for (const char* const* p = kGroups[g].prefixes; *p; ++p)
            if (std::strncmp(op, *p, std::strlen(*p)) == 0) return g;
    return -1;
}

std::vector<StageWork> group(const OpGraph& g, const ModelSpec& m, const Optimizations& o, double context)
{
    std::vector<StageWork> out(kStages);
    for (int i = 0; i < kStages; ++i) {
        out[size_t(i)].name = kGroups[i].stage;
        out[size_t(i)].perToken = i == kStages - 1 ? 1 : m.layers;
        out[size_t(i)].datapath = fpgaDatapath(o.weights.precision);
    }
    for (const Op& op : g.ops) {
        const int gi = groupOf(op.name);
        if (gi < 0) continue; // communication and pipeline hand-offs: one device has none
        StageWork& s = out[size_t(gi)];
        s.ops += (s.ops.empty() ? "" : " + ") + std::string(op.name);
        const double flops = op.flops.at(context);
        if (op.cls == OpClass::Matmul || op.cls == OpClass::Attention) {
            s.macs += flops / 2;
            if (op.cls == OpClass::Matmul) {
                s.reductionWidth = int(op.k);
                s.outputWidth += int(op.n);
                if (s.inputWidth == 0) s.inputWidth = int(op.k);
                if (op.weightPrecision != o.weights.precision || std::strcmp(op.name, "lm_head") == 0)
                    s.datapath = fpgaDatapath(op.weightPrecision);
            }
        } else {
            s.vectorElements += flops;
        }
        s.weightBytes += op.weightBytes;
        s.streamBytes += op.weightBytes + op.kvBytes.at(context);
        // The embedding row comes from off-chip memory; other activations stay on chip.
        if (op.cls == OpClass::Embedding) s.streamBytes += op.actBytes.at(context) / 2;
    }
    StageWork& att = out[1];
    att.datapath = Precision::FP16; // q.k and p.v on 16-bit activations and KV
    att.inputWidth = int(m.qDim());
    att.outputWidth = int(m.qDim());
    att.reductionWidth = m.headDim;
    return out;
}

} // namespace

Precision fpgaDatapath(Precision weights)
{
    switch (weights) {
    case Precision::FP32: return Precision::FP32;
    case Precision::FP16:
    case Precision::BF16: return Precision::FP16;
    default: return Precision::INT8;
    }
}

FpgaWorkload fpgaWorkload(const ModelSpec& m, const Optimizations& o, int prompt, int context)
{
    if (m.isMoe())
        throw InputError("", "model", "'" + m.id + "' is a mixture of experts; compile maps dense decoders only");
    Parallelism one;
    OpGraph g;
    FpgaWorkload w;
    buildDecode(m, o, one, 1, g);
    w.decode = group(g, m, o, context);
    buildPrefill(m, o, one, 1, prompt, g);
    w.prefill = group(g, m, o, 0);
    return w;
}

} // namespace llmdse
