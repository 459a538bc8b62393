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

double ModelSpec::cachedLayerPositions(double positions, double layerCount) const
{
    if (!hasSlidingWindow()) return positions * layerCount;
    // Windowed layers keep only the window (serving engines free the blocks that slid out).
    const double windowed = layerCount * double(slidingWindowLayers) / layers;
    return windowed * std::min<double>(positions, slidingWindow) + (layerCount - windowed) * positions;
}

void ModelSpec::validate(const std::string& file) const
{
    auto within = [&](int v, const char* field, int maximum) {
        if (v <= 0) throw InputError(file, field, "must be a positive whole number, got " + std::to_string(v));
        if (v > maximum)
            throw InputError(file, field, std::to_string(v) + " exceeds the bound of " + std::to_string(maximum) +
                                              " (far above any published model)");
    };
    using B = ModelShapeBounds;
    within(hidden, "hidden_size", B::hidden);
    within(layers, "num_hidden_layers", B::layers);
    within(heads, "num_attention_heads", B::heads);
    within(kvHeads, "num_key_value_heads", B::heads);
    within(headDim, "head_dim", B::headDim);
    within(vocab, "vocab_size", B::vocab);
    if (maxPosition != 0) within(maxPosition, "max_position_embeddings", B::maxPosition);
    if (!isMoe() || intermediate != 0) within(intermediate, "intermediate_size", B::intermediate);
    if (heads % kvHeads != 0)
        throw InputError(file, "num_key_value_heads",
                         std::to_string(kvHeads) + " does not divide num_attention_heads (" + std::to_string(heads) + ")");
    if (experts < 0) throw InputError(file, "num_experts", "must be >= 0, got " + std::to_string(experts));
    if (isMoe()) {
        within(experts, "num_experts", B::experts);
        within(expertsPerToken, "num_experts_per_tok", B::experts);
        within(expertIntermediate, "moe_intermediate_size", B::intermediate);
        if (expertsPerToken > experts)
            throw InputError(file, "num_experts_per_tok",
                             std::to_string(expertsPerToken) + " exceeds the number of experts (" + std::to_string(experts) + ")");
    }
    if (sharedExperts < 0 || sharedExperts > B::experts)
        throw InputError(file, "shared_experts", "must be between 0 and " + std::to_string(B::experts));
    if (sharedExperts > 0) within(sharedExpertIntermediate, "shared_expert_intermediate_size", B::intermediate);
    if (slidingWindow < 0 || slidingWindow > B::maxPosition)
        throw InputError(file, "sliding_window", "must be between 0 and " + std::to_string(B::maxPosition));
    if (slidingWindowLayers < 0 || slidingWindowLayers > layers)
        throw InputError(file, "max_window_layers", "windowed layers (" + std::to_string(slidingWindowLayers) +
                                                         ") must be between 0 and num_hidden_layers");
    if (!(ropeTheta > 0 && ropeTheta <= 1e12)) throw InputError(file, "rope_theta", "must be in (0, 1e12]");
    if (!(ropeFactor > 0 && ropeFactor <= 1e6)) throw InputError(file, "rope_scaling.factor", "must be in (0, 1e6]");
    if (!(normEps > 0 && normEps <= 1)) throw InputError(file, "rms_norm_eps", "must be in (0, 1]");
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
