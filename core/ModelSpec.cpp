#include "core/ModelSpec.h"

#include <algorithm>
#include <cmath>
#include "core/Errors.h"

namespace llmdse {

double ModelSpec::attentionParamsPerLayer() const
{
    double d = hidden;
    double p = d * qDim() + 2.0 * d * kvDim() + double(qDim()) * d;
    if (qkvBias) p += qDim() + 2.0 * kvDim();
    if (outputBias) p += d;
    return p;
}

double ModelSpec::denseMlpParamsPerLayer() const
{
    double mats = mlp == MlpKind::Gated ? 3.0 : 2.0;
    double p = mats * double(hidden) * intermediate;
    if (mlpBias) p += (mats - 1.0) * intermediate + hidden;
    return p;
}

double ModelSpec::expertParams() const
{
    double mats = mlp == MlpKind::Gated ? 3.0 : 2.0;
    return mats * double(hidden) * expertIntermediate;
}

double ModelSpec::moeParamsPerLayer() const
{
    double mats = mlp == MlpKind::Gated ? 3.0 : 2.0;
    double p = double(hidden) * experts + experts * expertParams();
    if (sharedExperts > 0) p += mats * double(hidden) * sharedExpertIntermediate + hidden; // + shared gate
    return p;
}

double ModelSpec::mlpParamsPerLayer() const { return isMoe() ? moeParamsPerLayer() : denseMlpParamsPerLayer(); }

double ModelSpec::normParamsPerLayer() const { return (norm == NormKind::LayerNorm ? 4.0 : 2.0) * hidden; }

double ModelSpec::embeddingParams() const { return double(vocab) * hidden; }

double ModelSpec::lmHeadParams() const { return tiedEmbeddings ? 0.0 : double(vocab) * hidden; }

double ModelSpec::totalParams() const
{
    double perLayer = attentionParamsPerLayer() + mlpParamsPerLayer() + normParamsPerLayer();
    double finalNorm = (norm == NormKind::LayerNorm ? 2.0 : 1.0) * hidden;
    return layers * perLayer + embeddingParams() + lmHeadParams() + finalNorm;
}

double ModelSpec::activeParamsPerToken() const
{
    if (!isMoe()) return totalParams();
    double mats = mlp == MlpKind::Gated ? 3.0 : 2.0;
    double activeMlp = double(hidden) * experts + expertsPerToken * expertParams();
    if (sharedExperts > 0) activeMlp += mats * double(hidden) * sharedExpertIntermediate + hidden;
    double perLayer = attentionParamsPerLayer() + activeMlp + normParamsPerLayer();
    return layers * perLayer + embeddingParams() + lmHeadParams() + hidden;
}

void ModelSpec::validate(const std::string& file) const
{
    auto need = [&](int v, const char* field) {
        if (v <= 0) throw InputError(file, field, "must be a positive whole number, got " + std::to_string(v));
    };
    need(hidden, "hidden_size");
    need(layers, "num_hidden_layers");
    need(heads, "num_attention_heads");
    need(kvHeads, "num_key_value_heads");
    need(headDim, "head_dim");
    need(vocab, "vocab_size");
    if (!isMoe()) need(intermediate, "intermediate_size");
    if (heads % kvHeads != 0)
        throw InputError(file, "num_key_value_heads",
                         std::to_string(kvHeads) + " does not divide num_attention_heads (" + std::to_string(heads) + ")");
    if (isMoe()) {
        need(expertsPerToken, "num_experts_per_tok");
        need(expertIntermediate, "moe_intermediate_size");
        if (expertsPerToken > experts)
            throw InputError(file, "num_experts_per_tok",
                             std::to_string(expertsPerToken) + " exceeds the number of experts (" + std::to_string(experts) + ")");
    }
    if (ropeTheta <= 0) throw InputError(file, "rope_theta", "must be > 0");
}

ModelSpec withHeadsPruned(const ModelSpec& m, double fraction)
{
    if (fraction <= 0 || m.kvHeads <= 0) return m;
    ModelSpec p = m;
    const int group = m.heads / m.kvHeads;
    if (group > 1) {
        const int keep = std::max(1, int(std::lround(group * (1.0 - fraction))));
        p.heads = keep * m.kvHeads;
    } else {
        p.heads = p.kvHeads = std::max(1, int(std::lround(m.heads * (1.0 - fraction))));
    }
    return p;
}

} // namespace llmdse
