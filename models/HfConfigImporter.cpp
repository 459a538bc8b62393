#include "models/HfConfigImporter.h"
#include "core/Errors.h"
#include "core/Json.h"

#include <QDir>
#include <algorithm>
#include <optional>
#include <QFileInfo>

namespace llmdse {

namespace {

struct Family {
    const char* modelType;
    const char* architecture;
    bool qkvBias;
    bool tiedDefault;
};

const Family kFamilies[] = {
    {"llama", "LlamaForCausalLM", false, false},
    {"mistral", "MistralForCausalLM", false, false},
    {"qwen2", "Qwen2ForCausalLM", true, false},
    {"mixtral", "MixtralForCausalLM", false, false},
    {"qwen2_moe", "Qwen2MoeForCausalLM", true, false},
    {"gemma", "GemmaForCausalLM", false, true},
    {"phi3", "Phi3ForCausalLM", false, false},
};

const Family& findFamily(const JsonReader& r)
{
    std::string type = r.string("model_type", "");
    if (type.empty() && r.has("architectures")) {
        auto arch = r.array("architectures");
        if (!arch.isEmpty() && arch[0].isString())
            for (const auto& f : kFamilies)
                if (arch[0].toString().toStdString() == f.architecture) return f;
    }
    if (type.empty()) r.fail("model_type", "missing required field (and no known 'architectures' entry)");
    for (const auto& f : kFamilies)
        if (type == f.modelType) return f;
    std::string list;
    for (const auto& f : kFamilies) list += std::string(list.empty() ? "" : ", ") + f.modelType;
    r.fail("model_type", "unsupported architecture '" + type + "' (supported: " + list + ")");
}

double ropeTheta(const JsonReader& r)
{
    if (r.has("rope_theta")) return r.positive("rope_theta");
    if (auto rp = r.optionalObject("rope_parameters")) return rp->positive("rope_theta", 10000.0);
    return 10000.0;
}

// rope_scaling (transformers 4) or rope_parameters (transformers 5); null means none.
void ropeScaling(const JsonReader& r, ModelSpec& m)
{
    std::optional<JsonReader> s = r.optionalObject("rope_scaling");
    if (!s) s = r.optionalObject("rope_parameters");
    if (!s) return;
    m.ropeType = s->string("rope_type", s->string("type", "default"));
    if (m.ropeType == "default") return;
    m.ropeFactor = s->positive("factor");
    if (m.ropeType == "llama3") {
        m.ropeLowFreqFactor = s->positive("low_freq_factor");
        m.ropeHighFreqFactor = s->positive("high_freq_factor");
        m.ropeOriginalMaxPosition = s->positiveInt("original_max_position_embeddings");
        if (m.ropeHighFreqFactor <= m.ropeLowFreqFactor)
            s->fail("high_freq_factor", "must exceed low_freq_factor");
    }
}

// Sliding-window attention as Hugging Face applies it: Mistral, Mixtral and Phi-3 window every layer
// whenever `sliding_window` is set (null: none); Qwen2 only with use_sliding_window, and then only the
// layers from max_window_layers on.
void slidingWindow(const JsonReader& r, const std::string& type, ModelSpec& m)
{
    if (!r.has("sliding_window") || r.raw().value("sliding_window").isNull()) return;
    const int window = r.positiveInt("sliding_window");
    int windowed = 0;
    if (type == "qwen2" || type == "qwen2_moe") {
        if (r.boolean("use_sliding_window", false))
            windowed = std::max(0, m.layers - r.nonNegativeInt("max_window_layers", m.layers));
    } else if (type == "mistral" || type == "mixtral" || type == "phi3") {
        windowed = m.layers;
    }
    if (windowed == 0) return;
    m.slidingWindow = window;
    m.slidingWindowLayers = windowed;
}

} // namespace

std::vector<std::string> supportedModelTypes()
{
    std::vector<std::string> v;
    for (const auto& f : kFamilies) v.push_back(f.modelType);
    return v;
}

ModelSpec importHfConfig(const QJsonObject& config, const std::string& file, const std::string& id)
{
    try {
        JsonReader r(config);
        const Family& fam = findFamily(r);
        ModelSpec m;
        m.id = r.string("llmdse_id", id);
        m.family = fam.modelType;
        m.source = r.string("llmdse_source", file);
        m.hidden = r.positiveInt("hidden_size");
        m.layers = r.positiveInt("num_hidden_layers");
        m.heads = r.positiveInt("num_attention_heads");
        m.kvHeads = r.positiveInt("num_key_value_heads", m.heads);
        if (r.has("head_dim")) {
            m.headDim = r.positiveInt("head_dim");
        } else {
            if (m.hidden % m.heads != 0)
                r.fail("num_attention_heads", std::to_string(m.heads) + " does not divide hidden_size (" +
                                                  std::to_string(m.hidden) + ") and no head_dim is given");
            m.headDim = m.hidden / m.heads;
        }
        m.vocab = r.positiveInt("vocab_size");
        m.maxPosition = r.positiveInt("max_position_embeddings", 4096);
        m.ropeTheta = ropeTheta(r);
        ropeScaling(r, m);
        m.normEps = r.positive("rms_norm_eps", 1e-5);
        m.tiedEmbeddings = r.boolean("tie_word_embeddings", fam.tiedDefault);
        m.qkvBias = fam.qkvBias || r.boolean("attention_bias", false);
        m.outputBias = fam.qkvBias ? false : r.boolean("attention_bias", false);
        m.mlpBias = r.boolean("mlp_bias", false);
        m.mlp = MlpKind::Gated;
        m.norm = NormKind::RMSNorm;

        std::string type = fam.modelType;
        if (type == "mixtral") {
            m.experts = r.positiveInt("num_local_experts");
            m.expertsPerToken = r.positiveInt("num_experts_per_tok");
            m.expertIntermediate = r.positiveInt("intermediate_size");
            m.intermediate = m.expertIntermediate;
        } else if (type == "qwen2_moe") {
            m.experts = r.positiveInt("num_experts");
            m.expertsPerToken = r.positiveInt("num_experts_per_tok");
            m.expertIntermediate = r.positiveInt("moe_intermediate_size");
            m.intermediate = r.positiveInt("intermediate_size", m.expertIntermediate);
            m.sharedExpertIntermediate = r.nonNegativeInt("shared_expert_intermediate_size", 0);
            m.sharedExperts = m.sharedExpertIntermediate > 0 ? 1 : 0;
            m.normTopK = r.boolean("norm_topk_prob", false);
            if (r.nonNegativeInt("decoder_sparse_step", 1) > 1)
                r.fail("decoder_sparse_step", "only every-layer MoE (decoder_sparse_step = 1) is supported");
        } else {
            m.intermediate = r.positiveInt("intermediate_size");
        }
        slidingWindow(r, type, m);
        m.validate();
        return m;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

ModelSpec importHfConfigFile(const std::string& path)
{
    std::string id = QFileInfo(QString::fromStdString(path)).completeBaseName().toStdString();
    if (id == "config") id = QFileInfo(QString::fromStdString(path)).dir().dirName().toStdString();
    return importHfConfig(readJsonObjectFile(path), path, id);
}

} // namespace llmdse
