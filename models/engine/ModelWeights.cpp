#include "models/engine/ModelWeights.h"
#include "core/Errors.h"
#include "core/HostMemory.h"
#include "core/Json.h"
#include "models/HfConfigImporter.h"
#include "models/engine/Safetensors.h"

#include <QFile>
#include <QFileInfo>
#include <cmath>
#include <map>
#include <memory>

namespace llmdse {

namespace {

// Tensor lookup over one or several safetensors shards.
class TensorSource {
public:
    explicit TensorSource(const std::string& folder) : folder_(folder)
    {
        const std::string index = folder + "/model.safetensors.index.json";
        if (QFileInfo::exists(QString::fromStdString(index))) {
            JsonReader r(readJsonObjectFile(index));
            const JsonReader map = r.object("weight_map");
            for (auto it = map.raw().begin(); it != map.raw().end(); ++it) {
                if (!it.value().isString()) map.fail(it.key().toUtf8().constData(), "must be a file name");
                const std::string file = it.value().toString().toStdString();
                if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
                    map.fail(it.key().toUtf8().constData(), "shard file must be a plain name inside the folder");
                owner_[it.key().toStdString()] = file;
            }
        } else {
            const std::string single = folder + "/model.safetensors";
            if (!QFileInfo::exists(QString::fromStdString(single)))
                throw InputError(folder, "", "no model.safetensors or model.safetensors.index.json in the folder");
            single_ = std::make_unique<SafetensorsFile>(single);
        }
    }

    const TensorView* find(const std::string& name)
    {
        if (single_) return single_->find(name);
        auto it = owner_.find(name);
        if (it == owner_.end()) return nullptr;
        auto& f = shards_[it->second];
        if (!f) f = std::make_unique<SafetensorsFile>(folder_ + "/" + it->second);
        return f->find(name);
    }

    const TensorView& require(const std::string& name, std::vector<std::int64_t> shape)
    {
        const TensorView* t = find(name);
        if (!t) throw InputError(folder_, "tensor '" + name + "'", "missing from the checkpoint");
        if (t->shape != shape) {
            auto text = [](const std::vector<std::int64_t>& s) {
                std::string o = "[";
                for (size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
                return o + "]";
            };
            throw InputError(folder_, "tensor '" + name + "'",
                             "has shape " + text(t->shape) + ", config.json implies " + text(shape));
        }
        return *t;
    }

    // The shape is checked against config.json before anything is allocated.
    RowMatrix matrix(const std::string& name, Eigen::Index rows, Eigen::Index cols)
    {
        const TensorView& t = require(name, {rows, cols});
        RowMatrix m(rows, cols);
        t.toFloat(m.data());
        return m;
    }
    Eigen::VectorXf vector(const std::string& name, Eigen::Index n)
    {
        const TensorView& t = require(name, {n});
        Eigen::VectorXf v(n);
        t.toFloat(v.data());
        return v;
    }
    Linear linear(const std::string& prefix, Eigen::Index out, Eigen::Index in, bool bias)
    {
        return Linear(matrix(prefix + ".weight", out, in), bias ? vector(prefix + ".bias", out) : Eigen::VectorXf());
    }
    bool has(const std::string& name) { return find(name) != nullptr; }

private:
    std::string folder_;
    std::unique_ptr<SafetensorsFile> single_;
    std::map<std::string, std::string> owner_;
    std::map<std::string, std::unique_ptr<SafetensorsFile>> shards_;
};

// splitmix64 -> Box-Muller: the same weights on every machine.
class Gaussian {
public:
    explicit Gaussian(std::uint64_t seed) : s_(seed) {}
    float next()
    {
        const double u1 = (double((mix() >> 11) + 1)) / 9007199254740993.0, u2 = double(mix() >> 11) / 9007199254740992.0;
        return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
    }

private:
    std::uint64_t mix()
    {
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t s_;
};

} // namespace

void ModelWeights::quantize(const QuantFormat& q, bool head)
{
    if (q.precision == Precision::FP32) return;
    auto each = [&](Linear& l) { if (l.out() > 0) l.quantize(q); };
    if (head) {
        if (lmHead.out() == 0) lmHead = Linear(embed); // tied: the lookup table stays fp32
        each(lmHead);
        quantizedHead = true;
    }
    for (auto& L : layers) {
        for (Linear* l : {&L.qkv, &L.o, &L.gateUp, &L.down, &L.shared.gateUp, &L.shared.down}) each(*l);
        for (auto& e : L.experts) {
            each(e.gateUp);
            each(e.down);
        }
    }
    format = q;
}

double ModelWeights::bytes() const
{
    double b = double(embed.size()) * 4 + lmHead.weightBytes();
    for (const auto& L : layers) {
        for (const Linear* l : {&L.qkv, &L.o, &L.gateUp, &L.down, &L.router, &L.shared.gateUp, &L.shared.down, &L.sharedGate})
            b += l->weightBytes();
        for (const auto& e : L.experts) b += e.gateUp.weightBytes() + e.down.weightBytes();
    }
    return b;
}

ModelWeights loadCheckpoint(const std::string& folder)
{
    ModelWeights w;
    w.spec = importHfConfigFile(folder + "/config.json");
    const ModelSpec& m = w.spec;
    requireMemory(engineBytes(m), "config.json", m.id + " (fp32 weights)");
    TensorSource src(folder);
    w.embed = src.matrix("model.embed_tokens.weight", m.vocab, m.hidden);
    for (int i = 0; i < m.layers; ++i) {
        const std::string p = "model.layers." + std::to_string(i);
        LayerWeights L;
        L.attnNorm = src.vector(p + ".input_layernorm.weight", m.hidden);
        L.mlpNorm = src.vector(p + ".post_attention_layernorm.weight", m.hidden);
        // Phi-3 stores the stacks the engine uses: qkv_proj = [q; k; v], gate_up_proj = [gate; up].
        const bool fused = m.family == "phi3";
        L.qkv = fused ? src.linear(p + ".self_attn.qkv_proj", m.qDim() + 2 * m.kvDim(), m.hidden, m.qkvBias)
                      : stackRows({src.linear(p + ".self_attn.q_proj", m.qDim(), m.hidden, m.qkvBias),
                                   src.linear(p + ".self_attn.k_proj", m.kvDim(), m.hidden, m.qkvBias),
                                   src.linear(p + ".self_attn.v_proj", m.kvDim(), m.hidden, m.qkvBias)});
        L.o = src.linear(p + ".self_attn.o_proj", m.hidden, m.qDim(), m.outputBias);
        if (m.family == "mixtral") {
            L.router = src.linear(p + ".block_sparse_moe.gate", m.experts, m.hidden, false);
            for (int e = 0; e < m.experts; ++e) {
                const std::string x = p + ".block_sparse_moe.experts." + std::to_string(e);
                L.experts.push_back({stackRows({src.linear(x + ".w1", m.expertIntermediate, m.hidden, false),
                                                src.linear(x + ".w3", m.expertIntermediate, m.hidden, false)}),
                                     src.linear(x + ".w2", m.hidden, m.expertIntermediate, false)});
            }
        } else if (m.isMoe()) {
            L.router = src.linear(p + ".mlp.gate", m.experts, m.hidden, false);
            for (int e = 0; e < m.experts; ++e) {
                const std::string x = p + ".mlp.experts." + std::to_string(e);
                L.experts.push_back({stackRows({src.linear(x + ".gate_proj", m.expertIntermediate, m.hidden, false),
                                                src.linear(x + ".up_proj", m.expertIntermediate, m.hidden, false)}),
                                     src.linear(x + ".down_proj", m.hidden, m.expertIntermediate, false)});
            }
            if (m.sharedExperts > 0) {
                const std::string x = p + ".mlp.shared_expert";
                L.shared = {stackRows({src.linear(x + ".gate_proj", m.sharedExpertIntermediate, m.hidden, false),
                                       src.linear(x + ".up_proj", m.sharedExpertIntermediate, m.hidden, false)}),
                            src.linear(x + ".down_proj", m.hidden, m.sharedExpertIntermediate, false)};
                L.sharedGate = src.linear(p + ".mlp.shared_expert_gate", 1, m.hidden, false);
            }
        } else if (fused) {
            L.gateUp = src.linear(p + ".mlp.gate_up_proj", 2 * m.intermediate, m.hidden, m.mlpBias);
            L.down = src.linear(p + ".mlp.down_proj", m.hidden, m.intermediate, m.mlpBias);
        } else {
            L.gateUp = stackRows({src.linear(p + ".mlp.gate_proj", m.intermediate, m.hidden, m.mlpBias),
                                  src.linear(p + ".mlp.up_proj", m.intermediate, m.hidden, m.mlpBias)});
            L.down = src.linear(p + ".mlp.down_proj", m.hidden, m.intermediate, m.mlpBias);
        }
        w.layers.push_back(std::move(L));
    }
    w.finalNorm = src.vector("model.norm.weight", m.hidden);
    if (!m.tiedEmbeddings) w.lmHead = src.linear("lm_head", m.vocab, m.hidden, false);
    if (m.family == "gemma") { // Gemma's RMSNorm scales by (1 + weight): stored here as the factor itself
        for (auto& L : w.layers) {
            L.attnNorm.array() += 1.0f;
            L.mlpNorm.array() += 1.0f;
        }
        w.finalNorm.array() += 1.0f;
    }
    return w;
}

double engineBytes(const ModelSpec& spec) { return spec.totalParams() * 4.0; }

double generationBytes(const ModelSpec& m, std::int64_t batch, std::int64_t prompt, std::int64_t newTokens)
{
    const double b = double(batch), rows = b * double(prompt);
    const double kv = 2.0 * double(m.layers) * double(m.kvDim()) * b * double(prompt + std::max<std::int64_t>(1, newTokens));
    const double mlp = m.isMoe() ? 2.0 * double(m.expertIntermediate) * std::max(1, m.expertsPerToken) : 2.0 * m.intermediate;
    const double activations = rows * (3.0 * m.hidden + double(m.qDim() + 2 * m.kvDim()) + mlp);
    const double logits = rows * double(m.vocab);
    return 4.0 * (kv + activations + logits);
}

ModelWeights syntheticWeights(const ModelSpec& spec, std::uint64_t seed)
{
    requireMemory(engineBytes(spec), "model", spec.id + " is too large for this machine: its fp32 weights");
    ModelWeights w;
    w.spec = spec;
    const ModelSpec& m = spec;
    Gaussian g(seed);
    auto mat = [&](int r, int c) {
        RowMatrix x(r, c);
        for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = 0.02f * g.next();
        return x;
    };
    auto lin = [&](int out, int in, bool bias) {
        return Linear(mat(out, in), bias ? Eigen::VectorXf(Eigen::VectorXf::Zero(out)) : Eigen::VectorXf());
    };
    w.embed = mat(m.vocab, m.hidden);
    for (int i = 0; i < m.layers; ++i) {
        LayerWeights L;
        L.attnNorm = Eigen::VectorXf::Ones(m.hidden);
        L.mlpNorm = Eigen::VectorXf::Ones(m.hidden);
        L.qkv = lin(m.qDim() + 2 * m.kvDim(), m.hidden, m.qkvBias);
        L.o = lin(m.hidden, m.qDim(), m.outputBias);
        if (m.isMoe()) {
            L.router = lin(m.experts, m.hidden, false);
            for (int e = 0; e < m.experts; ++e)
                L.experts.push_back({lin(2 * m.expertIntermediate, m.hidden, false), lin(m.hidden, m.expertIntermediate, false)});
            if (m.sharedExperts > 0) {
                L.shared = {lin(2 * m.sharedExpertIntermediate, m.hidden, false), lin(m.hidden, m.sharedExpertIntermediate, false)};
                L.sharedGate = lin(1, m.hidden, false);
            }
        } else {
            L.gateUp = lin(2 * m.intermediate, m.hidden, m.mlpBias);
            L.down = lin(m.hidden, m.intermediate, m.mlpBias);
        }
        w.layers.push_back(std::move(L));
    }
    w.finalNorm = Eigen::VectorXf::Ones(m.hidden);
    if (!m.tiedEmbeddings) w.lmHead = lin(m.vocab, m.hidden, false);
    return w;
}

ModelWeights firstLayers(const ModelWeights& w, int layers)
{
    if (layers < 1 || layers > w.spec.layers)
        throw InputError("", "draft_layers", "must be between 1 and the model's " + std::to_string(w.spec.layers) + " layers");
    ModelWeights d;
    d.spec = w.spec;
    d.spec.layers = layers;
    d.spec.id = w.spec.id + "-first-" + std::to_string(layers) + "-layers";
    d.embed = w.embed;
    d.layers.assign(w.layers.begin(), w.layers.begin() + layers);
    d.finalNorm = w.finalNorm;
    d.lmHead = w.lmHead;
    d.format = w.format;
    d.quantizedHead = w.quantizedHead;
    return d;
}

} // namespace llmdse
