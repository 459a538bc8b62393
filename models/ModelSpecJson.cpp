#include "models/ModelSpecJson.h"

namespace llmdse {

QJsonObject toHfConfig(const ModelSpec& m)
{
    QJsonObject o;
    o["llmdse_id"] = QString::fromStdString(m.id);
    o["llmdse_source"] = QString::fromStdString(m.source);
    o["model_type"] = QString::fromStdString(m.family);
    o["hidden_size"] = m.hidden;
    o["num_hidden_layers"] = m.layers;
    o["num_attention_heads"] = m.heads;
    o["num_key_value_heads"] = m.kvHeads;
    o["head_dim"] = m.headDim;
    o["vocab_size"] = m.vocab;
    o["max_position_embeddings"] = m.maxPosition;
    o["rope_theta"] = m.ropeTheta;
    if (m.ropeType != "default") {
        QJsonObject s{{"rope_type", QString::fromStdString(m.ropeType)}, {"factor", m.ropeFactor}};
        if (m.ropeType == "llama3") {
            s["low_freq_factor"] = m.ropeLowFreqFactor;
            s["high_freq_factor"] = m.ropeHighFreqFactor;
            s["original_max_position_embeddings"] = m.ropeOriginalMaxPosition;
        }
        o["rope_scaling"] = s;
    }
    o["rms_norm_eps"] = m.normEps;
    if (m.family == "qwen2" || m.family == "qwen2_moe") {
        o["use_sliding_window"] = m.hasSlidingWindow();
        if (m.hasSlidingWindow()) {
            o["sliding_window"] = m.slidingWindow;
            o["max_window_layers"] = m.layers - m.slidingWindowLayers;
        }
    } else if (m.hasSlidingWindow() && m.slidingWindowLayers == m.layers) {
        o["sliding_window"] = m.slidingWindow;
    }
    o["tie_word_embeddings"] = m.tiedEmbeddings;
    o["mlp_bias"] = m.mlpBias;
    if (m.family != "qwen2" && m.family != "qwen2_moe") o["attention_bias"] = m.qkvBias;
    if (m.family == "mixtral") {
        o["num_local_experts"] = m.experts;
        o["num_experts_per_tok"] = m.expertsPerToken;
        o["intermediate_size"] = m.expertIntermediate;
    } else if (m.family == "qwen2_moe") {
        o["num_experts"] = m.experts;
        o["num_experts_per_tok"] = m.expertsPerToken;
        o["moe_intermediate_size"] = m.expertIntermediate;
        o["intermediate_size"] = m.intermediate;
        o["shared_expert_intermediate_size"] = m.sharedExpertIntermediate;
        o["norm_topk_prob"] = m.normTopK;
    } else {
        o["intermediate_size"] = m.intermediate;
    }
    return o;
}

} // namespace llmdse
