#include "models/gguf/GgufExport.h"
#include "core/Errors.h"
#include "models/engine/Rope.h"
#include "models/gguf/GgufWriter.h"

#include <cstdio>
#include <functional>

namespace llmdse {

GgmlType parseGgufWeights(const std::string& text, const std::string& field)
{
    for (auto t : {GgmlType::F32, GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0})
        if (text == toString(t)) return t;
    throw InputError("", field, "unknown GGUF weight format '" + text + "' (f32, f16, q8_0 or q4_0)");
}

std::string ggufArchitecture(const std::string& family)
{
    if (family == "llama" || family == "mistral") return "llama";
    if (family == "qwen2") return "qwen2";
    return "";
}

namespace {

// GGUF general.file_type (llama_ftype): what most of the file's weights are.
std::uint32_t fileType(GgmlType t)
{
    switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q4_0: return 2;
    case GgmlType::Q8_0: return 7;
    }
    return 0;
}

// Hugging Face stores each head's rotary pairs as (i, i + d/2); GGML's `llama` RoPE
// rotates adjacent (2i, 2i + 1). Within every head, row t * d/2 + j moves to 2j + t.
RowMatrix interleaveRotaryRows(const RowMatrix& w, int heads, int headDim)
{
    RowMatrix out(w.rows(), w.cols());
    const int half = headDim / 2;
    for (int h = 0; h < heads; ++h)
        for (int t = 0; t < 2; ++t)
            for (int j = 0; j < half; ++j) out.row(h * headDim + 2 * j + t) = w.row(h * headDim + t * half + j);
    return out;
}

// A rows x cols matrix ({cols, rows} in GGUF), made by `source` only while the file is
// written, so a slice or permutation of the model never exists for all tensors at once.
void addMatrix(GgufWriter& g, const std::string& name, Eigen::Index rows, Eigen::Index cols, GgmlType type,
               std::function<RowMatrix()> source)
{
    if ((type == GgmlType::Q8_0 || type == GgmlType::Q4_0) && cols % kGgmlBlock != 0)
        throw InputError("", "weights", "tensor " + name + " has rows of " + std::to_string(cols) + " values; " +
                                            toString(type) + " needs a multiple of 32 (use f16 or f32)");
    g.addTensor(name, {std::int64_t(cols), std::int64_t(rows)}, type, [source = std::move(source), type](std::vector<std::uint8_t>& out) {
        const RowMatrix m = source();
        out.reserve(ggmlBytes(type, m.size()));
        for (Eigen::Index r = 0; r < m.rows(); ++r) encodeRow(type, m.row(r).data(), m.cols(), out);
    });
}

void addMatrix(GgufWriter& g, const std::string& name, const RowMatrix& m, GgmlType type)
{
    addMatrix(g, name, m.rows(), m.cols(), type, [&m] { return m; });
}

void addVector(GgufWriter& g, const std::string& name, const Eigen::VectorXf& v)
{
    g.addTensor(name, {std::int64_t(v.size())}, GgmlType::F32,
                [v](std::vector<std::uint8_t>& out) { encodeRow(GgmlType::F32, v.data(), v.size(), out); });
}

void addTokenizer(GgufWriter& g, int vocab)
{
    // A SentencePiece vocabulary with the pieces llama.cpp requires (unknown, BOS, EOS, the 256
    // byte fallbacks) and numbered fillers: llmdse drives llama.cpp with token ids, not text.
    if (vocab < 259) throw InputError("", "vocab_size", "a GGUF SentencePiece vocabulary needs at least 259 tokens, the model has " +
                                                            std::to_string(vocab));
    std::vector<GgufValue> tokens, scores, types;
    auto add = [&](std::string text, float score, std::int32_t type) {
        tokens.push_back(GgufValue::string(std::move(text)));
        scores.push_back(GgufValue::f32(score));
        types.push_back(GgufValue::i32(type));
    };
    add("<unk>", 0, 2); // UNKNOWN
    add("<s>", 0, 3);   // CONTROL
    add("</s>", 0, 3);
    char buf[16];
    for (int b = 0; b < 256; ++b) {
        std::snprintf(buf, sizeof buf, "<0x%02X>", b);
        add(buf, 0, 6); // BYTE
    }
    for (int i = 259; i < vocab; ++i) add("[t" + std::to_string(i) + "]", -float(i), 1); // NORMAL
    g.add("tokenizer.ggml.model", GgufValue::string("llama"));
    g.add("tokenizer.ggml.tokens", GgufValue::array(GgufValueType::String, std::move(tokens)));
    g.add("tokenizer.ggml.scores", GgufValue::array(GgufValueType::Float32, std::move(scores)));
    g.add("tokenizer.ggml.token_type", GgufValue::array(GgufValueType::Int32, std::move(types)));
    g.add("tokenizer.ggml.bos_token_id", GgufValue::u32(1));
    g.add("tokenizer.ggml.eos_token_id", GgufValue::u32(2));
    g.add("tokenizer.ggml.unknown_token_id", GgufValue::u32(0));
    g.add("tokenizer.ggml.add_bos_token", GgufValue::boolean(false));
}

} // namespace

void exportGguf(const ModelWeights& w, GgmlType type, const std::string& path)
{
    const ModelSpec& m = w.spec;
    const std::string arch = ggufArchitecture(m.family);
    if (arch.empty())
        throw InputError("", "model", "no llama.cpp architecture for '" + m.family + "' here (llama, mistral and qwen2 export)");
    if (w.format.precision != Precision::FP32)
        throw InputError("", "weights", "export takes the fp32 weights; the GGUF format is chosen by --weights");
    if (m.isMoe()) throw InputError("", "model", "mixture-of-experts export is not implemented");
    if (m.mlpBias || m.outputBias) throw InputError("", "model", "MLP or output-projection biases have no tensor in llama.cpp's " + arch);
    if (m.ropeType != "default" && m.ropeType != "linear" && m.ropeType != "llama3")
        throw InputError("", "rope_scaling", "'" + m.ropeType + "' RoPE scaling is not exported");

    GgufWriter g;
    const std::string p = arch + ".";
    g.add("general.architecture", GgufValue::string(arch));
    g.add("general.name", GgufValue::string(m.id));
    g.add("general.file_type", GgufValue::u32(fileType(type)));
    g.add("general.quantization_version", GgufValue::u32(2));
    g.add(p + "context_length", GgufValue::u32(std::uint32_t(m.maxPosition > 0 ? m.maxPosition : 4096)));
    g.add(p + "embedding_length", GgufValue::u32(std::uint32_t(m.hidden)));
    g.add(p + "block_count", GgufValue::u32(std::uint32_t(m.layers)));
    g.add(p + "feed_forward_length", GgufValue::u32(std::uint32_t(m.intermediate)));
    g.add(p + "attention.head_count", GgufValue::u32(std::uint32_t(m.heads)));
    g.add(p + "attention.head_count_kv", GgufValue::u32(std::uint32_t(m.kvHeads)));
    g.add(p + "attention.key_length", GgufValue::u32(std::uint32_t(m.headDim)));
    g.add(p + "attention.value_length", GgufValue::u32(std::uint32_t(m.headDim)));
    g.add(p + "rope.dimension_count", GgufValue::u32(std::uint32_t(m.headDim)));
    g.add(p + "rope.freq_base", GgufValue::f32(float(m.ropeTheta)));
    g.add(p + "attention.layer_norm_rms_epsilon", GgufValue::f32(float(m.normEps)));
    g.add(p + "vocab_size", GgufValue::u32(std::uint32_t(m.vocab)));
    if (m.ropeType == "linear") {
        g.add(p + "rope.scaling.type", GgufValue::string("linear"));
        g.add(p + "rope.scaling.factor", GgufValue::f32(float(m.ropeFactor)));
    }
    addTokenizer(g, m.vocab);

    addMatrix(g, "token_embd.weight", w.embed, type);
    if (m.ropeType == "llama3") {
        // llama.cpp divides each frequency by a stored factor: the unscaled over the scaled one.
        const auto base = ropeInverseFrequencies(m, false), scaled = ropeInverseFrequencies(m, true);
        Eigen::VectorXf factors(Eigen::Index(base.size()));
        for (size_t i = 0; i < base.size(); ++i) factors[Eigen::Index(i)] = float(base[i] / scaled[i]);
        addVector(g, "rope_freqs.weight", factors);
    }
    const bool permute = arch == "llama";
    const Eigen::Index q = m.qDim(), kv = m.kvDim();
    for (int i = 0; i < m.layers; ++i) {
        const LayerWeights& L = w.layers[size_t(i)];
        const std::string b = "blk." + std::to_string(i) + ".";
        addVector(g, b + "attn_norm.weight", L.attnNorm);
        const RowMatrix& qkv = L.qkv.dense();
        const Eigen::Index in = qkv.cols();
        addMatrix(g, b + "attn_q.weight", q, in, type, [&qkv, &m, q, permute] {
            RowMatrix x = qkv.topRows(q);
            return permute ? interleaveRotaryRows(x, m.heads, m.headDim) : x;
        });
        addMatrix(g, b + "attn_k.weight", kv, in, type, [&qkv, &m, q, kv, permute] {
            RowMatrix x = qkv.middleRows(q, kv);
            return permute ? interleaveRotaryRows(x, m.kvHeads, m.headDim) : x;
        });
        addMatrix(g, b + "attn_v.weight", kv, in, type, [&qkv, kv] { return RowMatrix(qkv.bottomRows(kv)); });
        if (L.qkv.hasBias()) {
            const Eigen::VectorXf& bias = L.qkv.bias();
            addVector(g, b + "attn_q.bias", bias.head(q));
            addVector(g, b + "attn_k.bias", bias.segment(q, kv));
            addVector(g, b + "attn_v.bias", bias.tail(kv));
        }
        addMatrix(g, b + "attn_output.weight", L.o.dense(), type);
        addVector(g, b + "ffn_norm.weight", L.mlpNorm);
        const RowMatrix& gu = L.gateUp.dense();
        const Eigen::Index f = m.intermediate;
        addMatrix(g, b + "ffn_gate.weight", f, gu.cols(), type, [&gu, f] { return RowMatrix(gu.topRows(f)); });
        addMatrix(g, b + "ffn_up.weight", f, gu.cols(), type, [&gu, f] { return RowMatrix(gu.bottomRows(f)); });
        addMatrix(g, b + "ffn_down.weight", L.down.dense(), type);
    }
    addVector(g, "output_norm.weight", w.finalNorm);
    if (!m.tiedEmbeddings) addMatrix(g, "output.weight", w.lmHead.dense(), type);
    g.write(path);
}

} // namespace llmdse
