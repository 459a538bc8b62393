#include "estimators/fpga/HlsEmitter.h"
#include "core/Errors.h"
#include "estimators/fpga/StageCost.h"
#include "models/engine/ModelWeights.h"
#include "models/engine/Rope.h"
#include "models/engine/Safetensors.h"

#include <QDir>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <sstream>

namespace llmdse {

namespace {

// Unroll factors of one stage: U over the reduction, R output rows at once.
struct Unroll {
    int u = 1, r = 1, lanes = 1, ports = 1;
};

Unroll unrollOf(const FpgaPlan& plan, const std::string& stage, int reduction)
{
    for (const FpgaStage& s : plan.stages)
        if (s.work.name == stage) {
            StageWork w = s.work;
            w.reductionWidth = reduction;
            const int u = reductionUnroll(w, s.lanes);
            return {u, std::max(1, s.lanes / u), s.lanes, s.channels};
        }
    throw InputError("", "plan.stages", "the plan has no stage '" + stage + "'");
}

void requireExportable(const ModelSpec& m, const QuantFormat& q)
{
    auto need = [&](bool ok, const char* field, const std::string& why) {
        if (!ok) throw InputError("", field, "HLS export covers Llama-style decoder layers: " + why);
    };
    need(!m.isMoe(), "model", "no mixture of experts");
    need(!m.qkvBias && !m.outputBias && !m.mlpBias, "model", "no projection biases");
    need(m.norm == NormKind::RMSNorm && m.mlp == MlpKind::Gated && m.family != "gemma", "model",
         "RMSNorm and SwiGLU only");
    need(!m.hasSlidingWindow(), "model", "no sliding-window attention");
    need(m.heads % m.kvHeads == 0 && m.headDim % 2 == 0, "model", "whole query groups and an even head size");
    need(q.precision == Precision::FP32 || q.precision == Precision::INT8 || q.precision == Precision::INT4, "weights",
         std::string("weights fp32, int8 or int4, not ") + toString(q.precision));
}

// A C++ floating literal (always with a point or an exponent, so an 'f' suffix may follow).
std::string str(double v)
{
    char b[40];
    std::snprintf(b, sizeof b, "%.9g", v);
    std::string s = b;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
}

void write(const std::string& path, const std::string& text, std::vector<std::string>& files)
{
    std::ofstream f(path, std::ios::binary);
    f << text;
    if (!f) throw InputError(path, "--emit-hls", "cannot write the file");
    files.push_back(path);
}

const char* kHeader = R"(#pragma once
// Stands in for the vendor's ap_int.h / hls_math.h in a C simulation: the exported layer uses
// only plain C++ types (float, signed char), so g++ compiles it as it is. The #pragma HLS lines
// are for the vendor's HLS compiler, and the loop labels name loops for its reports; g++ ignores
// both (-Wno-unknown-pragmas -Wno-unused-label).
#include <cmath>
#include <cstdint>

namespace hls_sim {
inline float silu(float x) { return x / (1.0f + std::exp(-x)); }
} // namespace hls_sim
)";

// y[n] = sum_g s[n][g] * sum_{k in g} w[n][k] x[k], with the stage's pragmas.
std::string matvecFunction(const std::string& name, int n, int k, int g, const Unroll& un)
{
    std::ostringstream o;
    o << "// " << name << ": " << un.lanes << " MAC lanes = " << un.u << " along the reduction x " << un.r
      << " rows (whole rows: a remainder of lanes goes unused); " << un.ports << " memory port(s)\n"
      << "static void matvec_" << name << "(const float x[" << k << "], const wq_t w[" << n << "][" << k
      << "], const float s[" << n << "][" << k / g << "], float y[" << n << "]) {\n"
      << "#pragma HLS ARRAY_PARTITION variable=x cyclic factor=" << un.u << "\n"
      << "#pragma HLS ARRAY_PARTITION variable=w cyclic factor=" << un.u << " dim=2\n"
      << "  rows: for (int n = 0; n < " << n << "; ++n) {\n"
      << "#pragma HLS UNROLL factor=" << un.r << "\n"
      << "    float acc = 0;\n"
      << "    groups: for (int g = 0; g < " << k / g << "; ++g) {\n"
      << "#pragma HLS UNROLL factor=" << std::max(1, un.u / g) << "\n"
      << "      float part = 0;\n"
      << "      dot: for (int k = 0; k < " << g << "; ++k) {\n"
      << "#pragma HLS PIPELINE II=1\n"
      << "#pragma HLS UNROLL factor=" << std::min(un.u, g) << "\n"
      << "        part += float(w[n][g * " << g << " + k]) * x[g * " << g << " + k];\n"
      << "      }\n"
      << "      acc += part * s[n][g];\n"
      << "    }\n"
      << "    y[n] = acc;\n"
      << "  }\n"
      << "}\n\n";
    return o.str();
}

// The overlay's one engine: every projection of every layer runs through this instance.
// `group`: the weight elements per scale of the widest projection (the dot loop's trip count).
std::string engineFunction(int maxK, int group, const Unroll& un)
{
    std::ostringstream o;
    o << "// The overlay engine: " << un.lanes << " MAC lanes = " << un.u << " along the reduction x " << un.r
      << " rows, shared by every projection (INLINE off keeps one instance).\n"
      << "static void engine_matvec(const float* x, const wq_t* w, const float* s, float* y, int n_out, int k_in, int g) {\n"
      << "#pragma HLS INLINE off\n"
      << "  float xb[" << maxK << "];\n"
      << "#pragma HLS ARRAY_PARTITION variable=xb cyclic factor=" << un.u << "\n"
      << "  load: for (int k = 0; k < k_in; ++k) {\n"
      << "#pragma HLS PIPELINE II=1\n"
      << "    xb[k] = x[k];\n"
      << "  }\n"
      << "  rows: for (int n = 0; n < n_out; ++n) {\n"
      << "#pragma HLS UNROLL factor=" << un.r << "\n"
      << "    float acc = 0;\n"
      << "    groups: for (int gi = 0; gi < k_in / g; ++gi) {\n"
      << "#pragma HLS UNROLL factor=" << std::max(1, un.u / std::max(1, group)) << "\n"
      << "      float part = 0;\n"
      << "      dot: for (int k = 0; k < g; ++k) {\n"
      << "#pragma HLS PIPELINE II=1\n"
      << "#pragma HLS UNROLL factor=" << std::min(un.u, std::max(1, group)) << "\n"
      << "        part += float(w[n * k_in + gi * g + k]) * xb[gi * g + k];\n"
      << "      }\n"
      << "      acc += part * s[n * (k_in / g) + gi];\n"
      << "    }\n"
      << "    y[n] = acc;\n"
      << "  }\n"
      << "}\n\n";
    return o.str();
}

std::string layerHeader(const ModelSpec& m, const QuantFormat& q, int maxContext)
{
    std::ostringstream o;
    o << "#pragma once\n// One " << m.id << " decoder layer for HLS, written by llmdse compile --emit-hls.\n"
      << "#include \"llmdse_hls.h\"\n\n"
      << "constexpr int HIDDEN = " << m.hidden << ", HEADS = " << m.heads << ", KV_HEADS = " << m.kvHeads
      << ", HEAD_DIM = " << m.headDim << ", FFN = " << m.intermediate << ";\n"
      << "constexpr int LAYERS = " << m.layers << ", VOCAB = " << m.vocab << ", MAX_CTX = " << maxContext << ";\n"
      << "constexpr int Q_DIM = HEADS * HEAD_DIM, KV_DIM = KV_HEADS * HEAD_DIM, QKV_OUT = Q_DIM + 2 * KV_DIM;\n"
      << "// Weight elements per scale of each projection (fp32: one group, scale 1).\n"
      << "constexpr int G_QKV = " << hlsGroupSize(q, m.hidden) << ", G_O = " << hlsGroupSize(q, int(m.qDim()))
      << ", G_GU = " << hlsGroupSize(q, m.hidden) << ", G_DOWN = " << hlsGroupSize(q, m.intermediate) << ";\n"
      << "constexpr float NORM_EPS = " << str(m.normEps) << "f;\n"
      << "constexpr int WEIGHT_BITS = " << (q.precision == Precision::FP32 ? 32 : q.precision == Precision::INT8 ? 8 : 4)
      << ";\n"
      << (q.precision == Precision::FP32 ? "typedef float wq_t;\n"
                                          : "typedef signed char wq_t; // int4 values are held one per byte in C simulation\n")
      << "\nvoid decoder_layer(const float x_in[HIDDEN], float x_out[HIDDEN], int pos,\n"
      << "                   const float attn_norm[HIDDEN], const wq_t w_qkv[QKV_OUT][HIDDEN], const float s_qkv[QKV_OUT][HIDDEN / G_QKV],\n"
      << "                   const wq_t w_o[HIDDEN][Q_DIM], const float s_o[HIDDEN][Q_DIM / G_O],\n"
      << "                   const float mlp_norm[HIDDEN], const wq_t w_gu[2 * FFN][HIDDEN], const float s_gu[2 * FFN][HIDDEN / G_GU],\n"
      << "                   const wq_t w_down[HIDDEN][FFN], const float s_down[HIDDEN][FFN / G_DOWN],\n"
      << "                   float k_cache[KV_HEADS][MAX_CTX][HEAD_DIM], float v_cache[KV_HEADS][MAX_CTX][HEAD_DIM]);\n";
    return o.str();
}

std::string layerSource(const FpgaPlan& plan, const ModelSpec& m, const QuantFormat& q)
{
    const bool dataflow = plan.style == FpgaStyle::Dataflow;
    const int qkvOut = int(m.qDim() + 2 * m.kvDim());
    std::ostringstream o;
    o << "// " << m.id << " decoder layer, " << toString(plan.style) << " plan for " << plan.part << " at "
      << str(plan.clockGhz * 1e3) << " MHz, " << toString(q) << " weights (llmdse compile --emit-hls).\n"
      << "// C simulation: g++ -std=c++17 -O2 -Wno-unknown-pragmas -Wno-unused-label decoder_layer.cpp testbench.cpp -o csim\n"
      << "// Synthesis needs the vendor's HLS tools (Vitis HLS) and is not run by llmdse.\n"
      << "#include \"decoder_layer.h\"\n#include <algorithm>\n\n";
    const std::vector<double> inv = ropeInverseFrequencies(m);
    o << "static const float INV_FREQ[HEAD_DIM / 2] = {";
    for (size_t j = 0; j < inv.size(); ++j) o << (j ? ", " : "") << str(float(inv[j])) << "f";
    o << "};\n\n";
    o << "static void rms_norm(const float x[HIDDEN], const float w[HIDDEN], float y[HIDDEN]) {\n"
      << "  float ss = 0;\n"
      << "  sum: for (int i = 0; i < HIDDEN; ++i) {\n#pragma HLS PIPELINE II=1\n    ss += x[i] * x[i];\n  }\n"
      << "  const float inv = 1.0f / std::sqrt(ss / float(HIDDEN) + NORM_EPS);\n"
      << "  scale: for (int i = 0; i < HIDDEN; ++i) {\n#pragma HLS PIPELINE II=1\n    y[i] = x[i] * inv * w[i];\n  }\n}\n\n";
    const Unroll uIn = unrollOf(plan, "attn_in", m.hidden), uOut = unrollOf(plan, "attn_out", int(m.qDim()));
    const Unroll uMlpIn = unrollOf(plan, "mlp_in", m.hidden), uMlpOut = unrollOf(plan, "mlp_out", m.intermediate);
    const Unroll uAtt = unrollOf(plan, "attention", m.headDim);
    auto call = [&](const char* stage, const char* x, const char* w, const char* s, const char* y, const std::string& n,
                    const std::string& k, const char* g) {
        return dataflow ? std::string("  matvec_") + stage + "(" + x + ", " + w + ", " + s + ", " + y + ");\n"
                        : std::string("  engine_matvec(") + x + ", &" + w + "[0][0], &" + s + "[0][0], " + y + ", " + n +
                              ", " + k + ", " + g + ");\n";
    };
    if (dataflow) {
        o << matvecFunction("attn_in", qkvOut, m.hidden, hlsGroupSize(q, m.hidden), uIn)
          << matvecFunction("attn_out", m.hidden, int(m.qDim()), hlsGroupSize(q, int(m.qDim())), uOut)
          << matvecFunction("mlp_in", 2 * m.intermediate, m.hidden, hlsGroupSize(q, m.hidden), uMlpIn)
          << matvecFunction("mlp_out", m.hidden, m.intermediate, hlsGroupSize(q, m.intermediate), uMlpOut);
    } else {
        o << engineFunction(std::max({m.hidden, int(m.qDim()), m.intermediate}), hlsGroupSize(q, m.hidden), uIn);
    }
    // Stage 1: norm, q/k/v, RoPE (rotate-half pairs j and j + HEAD_DIM / 2).
    o << "static void attn_in(const float x[HIDDEN], int pos, const float attn_norm[HIDDEN],\n"
      << "                    const wq_t w_qkv[QKV_OUT][HIDDEN], const float s_qkv[QKV_OUT][HIDDEN / G_QKV],\n"
      << "                    float qkv[QKV_OUT], float x_skip[HIDDEN]) {\n"
      << "  float h[HIDDEN];\n"
      << "  copy: for (int i = 0; i < HIDDEN; ++i) x_skip[i] = x[i];\n"
      << "  rms_norm(x, attn_norm, h);\n"
      << call("attn_in", "h", "w_qkv", "s_qkv", "qkv", "QKV_OUT", "HIDDEN", "G_QKV")
      << "  rope: for (int head = 0; head < HEADS + KV_HEADS; ++head) {\n"
      << "    for (int j = 0; j < HEAD_DIM / 2; ++j) {\n#pragma HLS PIPELINE II=1\n"
      << "      const double a = double(pos) * double(INV_FREQ[j]);\n"
      << "      const float c = float(std::cos(a)), sn = float(std::sin(a));\n"
      << "      float* v = qkv + head * HEAD_DIM;\n"
      << "      const float x1 = v[j], x2 = v[j + HEAD_DIM / 2];\n"
      << "      v[j] = x1 * c - x2 * sn;\n"
      << "      v[j + HEAD_DIM / 2] = x2 * c + x1 * sn;\n"
      << "    }\n  }\n}\n\n";
    // Stage 2: KV write and attention over the cache.
    o << "// attention: " << uAtt.lanes << " MAC lanes, " << uAtt.u << " along the head dimension; " << uAtt.ports
      << " memory port(s) for the KV cache\n"
      << "static void attention(const float qkv[QKV_OUT], int pos, float k_cache[KV_HEADS][MAX_CTX][HEAD_DIM],\n"
      << "                      float v_cache[KV_HEADS][MAX_CTX][HEAD_DIM], float att[Q_DIM]) {\n"
      << "#pragma HLS ARRAY_PARTITION variable=k_cache cyclic factor=" << uAtt.u << " dim=3\n"
      << "#pragma HLS ARRAY_PARTITION variable=v_cache cyclic factor=" << uAtt.u << " dim=3\n"
      << "  kv_write: for (int kh = 0; kh < KV_HEADS; ++kh)\n"
      << "    for (int d = 0; d < HEAD_DIM; ++d) {\n#pragma HLS PIPELINE II=1\n"
      << "      k_cache[kh][pos][d] = qkv[Q_DIM + kh * HEAD_DIM + d];\n"
      << "      v_cache[kh][pos][d] = qkv[Q_DIM + KV_DIM + kh * HEAD_DIM + d];\n"
      << "    }\n"
      << "  const float scale = 1.0f / std::sqrt(float(HEAD_DIM));\n"
      << "  float scores[MAX_CTX];\n"
      << "  heads: for (int h = 0; h < HEADS; ++h) {\n"
      << "    const int kh = h / (HEADS / KV_HEADS);\n"
      << "    float mx = -INFINITY;\n"
      << "    qk: for (int p = 0; p <= pos; ++p) {\n#pragma HLS PIPELINE II=1\n"
      << "      float dot = 0;\n"
      << "      for (int d = 0; d < HEAD_DIM; ++d) {\n#pragma HLS UNROLL factor=" << uAtt.u << "\n"
      << "        dot += qkv[h * HEAD_DIM + d] * k_cache[kh][p][d];\n      }\n"
      << "      scores[p] = dot * scale;\n"
      << "      mx = std::max(mx, scores[p]);\n"
      << "    }\n"
      << "    float sum = 0;\n"
      << "    softmax: for (int p = 0; p <= pos; ++p) sum += (scores[p] = std::exp(scores[p] - mx));\n"
      << "    const float inv = 1.0f / sum;\n"
      << "    float o[HEAD_DIM];\n"
      << "    for (int d = 0; d < HEAD_DIM; ++d) o[d] = 0;\n"
      << "    pv: for (int p = 0; p <= pos; ++p) {\n#pragma HLS PIPELINE II=1\n"
      << "      for (int d = 0; d < HEAD_DIM; ++d) {\n#pragma HLS UNROLL factor=" << uAtt.u << "\n"
      << "        o[d] += (scores[p] * inv) * v_cache[kh][p][d];\n      }\n"
      << "    }\n"
      << "    for (int d = 0; d < HEAD_DIM; ++d) att[h * HEAD_DIM + d] = o[d];\n"
      << "  }\n}\n\n";
    // Stages 3-5.
    o << "static void attn_out(const float att[Q_DIM], const float x_skip[HIDDEN], const wq_t w_o[HIDDEN][Q_DIM],\n"
      << "                     const float s_o[HIDDEN][Q_DIM / G_O], float x_mid[HIDDEN]) {\n"
      << "  float y[HIDDEN];\n"
      << call("attn_out", "att", "w_o", "s_o", "y", "HIDDEN", "Q_DIM", "G_O")
      << "  residual: for (int i = 0; i < HIDDEN; ++i) x_mid[i] = x_skip[i] + y[i];\n}\n\n"
      << "static void mlp_in(const float x_mid[HIDDEN], const float mlp_norm[HIDDEN], const wq_t w_gu[2 * FFN][HIDDEN],\n"
      << "                   const float s_gu[2 * FFN][HIDDEN / G_GU], float gu[2 * FFN], float x_skip[HIDDEN]) {\n"
      << "  float h[HIDDEN];\n"
      << "  copy: for (int i = 0; i < HIDDEN; ++i) x_skip[i] = x_mid[i];\n"
      << "  rms_norm(x_mid, mlp_norm, h);\n"
      << call("mlp_in", "h", "w_gu", "s_gu", "gu", "2 * FFN", "HIDDEN", "G_GU") << "}\n\n"
      << "static void mlp_out(const float gu[2 * FFN], const float x_skip[HIDDEN], const wq_t w_down[HIDDEN][FFN],\n"
      << "                    const float s_down[HIDDEN][FFN / G_DOWN], float x_out[HIDDEN]) {\n"
      << "  float act[FFN], y[HIDDEN];\n"
      << "  swiglu: for (int i = 0; i < FFN; ++i) {\n#pragma HLS PIPELINE II=1\n"
      << "    act[i] = hls_sim::silu(gu[i]) * gu[FFN + i];\n  }\n"
      << call("mlp_out", "act", "w_down", "s_down", "y", "HIDDEN", "FFN", "G_DOWN")
      << "  residual: for (int i = 0; i < HIDDEN; ++i) x_out[i] = x_skip[i] + y[i];\n}\n\n";
    // Top level.
    o << "void decoder_layer(const float x_in[HIDDEN], float x_out[HIDDEN], int pos,\n"
      << "                   const float attn_norm[HIDDEN], const wq_t w_qkv[QKV_OUT][HIDDEN], const float s_qkv[QKV_OUT][HIDDEN / G_QKV],\n"
      << "                   const wq_t w_o[HIDDEN][Q_DIM], const float s_o[HIDDEN][Q_DIM / G_O],\n"
      << "                   const float mlp_norm[HIDDEN], const wq_t w_gu[2 * FFN][HIDDEN], const float s_gu[2 * FFN][HIDDEN / G_GU],\n"
      << "                   const wq_t w_down[HIDDEN][FFN], const float s_down[HIDDEN][FFN / G_DOWN],\n"
      << "                   float k_cache[KV_HEADS][MAX_CTX][HEAD_DIM], float v_cache[KV_HEADS][MAX_CTX][HEAD_DIM]) {\n";
    // Weights stream from off-chip memory: one AXI bundle per stage (dataflow: its own ports), one for the overlay.
    const char* bundles[][2] = {{"w_qkv", "attn_in"}, {"s_qkv", "attn_in"}, {"w_o", "attn_out"}, {"s_o", "attn_out"},
                                {"w_gu", "mlp_in"},   {"s_gu", "mlp_in"},   {"w_down", "mlp_out"}, {"s_down", "mlp_out"},
                                {"k_cache", "attention"}, {"v_cache", "attention"}};
    for (const auto& b : bundles)
        o << "#pragma HLS INTERFACE m_axi port=" << b[0] << " bundle=" << (dataflow ? std::string("gmem_") + b[1] : "gmem")
          << " max_read_burst_length=64\n";
    if (dataflow) o << "#pragma HLS DATAFLOW\n";
    o << "  float qkv[QKV_OUT], att[Q_DIM], skip1[HIDDEN], mid[HIDDEN], skip2[HIDDEN], gu[2 * FFN];\n"
      << "  attn_in(x_in, pos, attn_norm, w_qkv, s_qkv, qkv, skip1);\n"
      << "  attention(qkv, pos, k_cache, v_cache, att);\n"
      << "  attn_out(att, skip1, w_o, s_o, mid);\n"
      << "  mlp_in(mid, mlp_norm, w_gu, s_gu, gu, skip2);\n"
      << "  mlp_out(gu, skip2, w_down, s_down, x_out);\n"
      << "}\n";
    return o.str();
}

const char* kTestbench = R"(// C-simulation testbench (llmdse compile --emit-hls): runs every layer of the model through
// decoder_layer() token by token, then the final RMSNorm and lm_head, and writes the logits of
// every position. Usage: csim weights.bin tokens.txt logits.bin
#include "decoder_layer.h"
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

namespace {

struct Reader {
    std::ifstream in;
    bool ok = true;
    template <typename T> std::vector<T> take(size_t n) {
        std::vector<T> v(n);
        in.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * sizeof(T)));
        ok = ok && bool(in);
        return v;
    }
};

struct Layer {
    std::vector<float> attn_norm, s_qkv, s_o, mlp_norm, s_gu, s_down;
    std::vector<wq_t> w_qkv, w_o, w_gu, w_down;
    std::vector<float> k, v;
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 4) { std::fprintf(stderr, "usage: csim weights.bin tokens.txt logits.bin\n"); return 2; }
    Reader r;
    r.in.open(argv[1], std::ios::binary);
    const std::vector<int> shape = r.take<int>(8);
    const int expect[8] = {LAYERS, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, FFN, VOCAB, WEIGHT_BITS};
    if (!r.ok || std::memcmp(shape.data(), expect, sizeof expect) != 0) { std::fprintf(stderr, "%s: shape differs from decoder_layer.h\n", argv[1]); return 2; }
    std::vector<Layer> layers(LAYERS);
    for (Layer& l : layers) {
        l.attn_norm = r.take<float>(HIDDEN);
        l.w_qkv = r.take<wq_t>(size_t(QKV_OUT) * HIDDEN); l.s_qkv = r.take<float>(size_t(QKV_OUT) * (HIDDEN / G_QKV));
        l.w_o = r.take<wq_t>(size_t(HIDDEN) * Q_DIM); l.s_o = r.take<float>(size_t(HIDDEN) * (Q_DIM / G_O));
        l.mlp_norm = r.take<float>(HIDDEN);
        l.w_gu = r.take<wq_t>(size_t(2 * FFN) * HIDDEN); l.s_gu = r.take<float>(size_t(2 * FFN) * (HIDDEN / G_GU));
        l.w_down = r.take<wq_t>(size_t(HIDDEN) * FFN); l.s_down = r.take<float>(size_t(HIDDEN) * (FFN / G_DOWN));
        l.k.assign(size_t(KV_HEADS) * MAX_CTX * HEAD_DIM, 0.f);
        l.v.assign(size_t(KV_HEADS) * MAX_CTX * HEAD_DIM, 0.f);
    }
    const std::vector<float> embed = r.take<float>(size_t(VOCAB) * HIDDEN);
    const std::vector<float> final_norm = r.take<float>(HIDDEN);
    const std::vector<float> head = r.take<float>(size_t(VOCAB) * HIDDEN);
    if (!r.ok) { std::fprintf(stderr, "%s: truncated\n", argv[1]); return 2; }
    std::ifstream tf(argv[2]);
    std::vector<int> tokens;
    for (int t; tf >> t;) tokens.push_back(t);
    if (tokens.empty() || int(tokens.size()) > MAX_CTX) { std::fprintf(stderr, "%s: 1..%d tokens\n", argv[2], MAX_CTX); return 2; }
    std::ofstream out(argv[3], std::ios::binary);
    float x[HIDDEN], y[HIDDEN], h[HIDDEN];
    for (size_t pos = 0; pos < tokens.size(); ++pos) {
        if (tokens[pos] < 0 || tokens[pos] >= VOCAB) { std::fprintf(stderr, "token out of range\n"); return 2; }
        std::memcpy(x, &embed[size_t(tokens[pos]) * HIDDEN], sizeof x);
        for (Layer& l : layers) {
            decoder_layer(x, y, int(pos), l.attn_norm.data(),
                          reinterpret_cast<const wq_t(*)[HIDDEN]>(l.w_qkv.data()), reinterpret_cast<const float(*)[HIDDEN / G_QKV]>(l.s_qkv.data()),
                          reinterpret_cast<const wq_t(*)[Q_DIM]>(l.w_o.data()), reinterpret_cast<const float(*)[Q_DIM / G_O]>(l.s_o.data()),
                          l.mlp_norm.data(),
                          reinterpret_cast<const wq_t(*)[HIDDEN]>(l.w_gu.data()), reinterpret_cast<const float(*)[HIDDEN / G_GU]>(l.s_gu.data()),
                          reinterpret_cast<const wq_t(*)[FFN]>(l.w_down.data()), reinterpret_cast<const float(*)[FFN / G_DOWN]>(l.s_down.data()),
                          reinterpret_cast<float(*)[MAX_CTX][HEAD_DIM]>(l.k.data()), reinterpret_cast<float(*)[MAX_CTX][HEAD_DIM]>(l.v.data()));
            std::memcpy(x, y, sizeof x);
        }
        float ss = 0;
        for (int i = 0; i < HIDDEN; ++i) ss += x[i] * x[i];
        const float inv = 1.0f / std::sqrt(ss / float(HIDDEN) + NORM_EPS);
        for (int i = 0; i < HIDDEN; ++i) h[i] = x[i] * inv * final_norm[i];
        std::vector<float> logits(VOCAB);
        for (int t = 0; t < VOCAB; ++t) {
            float acc = 0;
            for (int i = 0; i < HIDDEN; ++i) acc += head[size_t(t) * HIDDEN + i] * h[i];
            logits[size_t(t)] = acc;
        }
        out.write(reinterpret_cast<const char*>(logits.data()), std::streamsize(logits.size() * sizeof(float)));
    }
    return out ? 0 : 2;
}
)";

// Group-wise symmetric quantisation with fp16-rounded scales, as Linear::quantize does it.
void appendProjection(std::ofstream& f, const Linear& l, const QuantFormat& q)
{
    const RowMatrix& w = l.dense();
    const int in = int(w.cols()), out = int(w.rows());
    if (q.precision == Precision::FP32) {
        f.write(reinterpret_cast<const char*>(w.data()), std::streamsize(sizeof(float) * size_t(in) * out));
        const std::vector<float> ones(size_t(out), 1.f);
        f.write(reinterpret_cast<const char*>(ones.data()), std::streamsize(sizeof(float) * ones.size()));
        return;
    }
    const int g = hlsGroupSize(q, in), qmax = q.precision == Precision::INT8 ? 127 : 7;
    std::vector<signed char> values(size_t(in) * out);
    std::vector<float> scales(size_t(out) * (in / g));
    for (int r = 0; r < out; ++r)
        for (int gi = 0; gi < in / g; ++gi) {
            float amax = 0;
            for (int c = gi * g; c < (gi + 1) * g; ++c) amax = std::max(amax, std::fabs(w(r, c)));
            const float s = halfToFloat(floatToHalf(amax / qmax));
            scales[size_t(r) * (in / g) + gi] = s;
            for (int c = gi * g; c < (gi + 1) * g; ++c)
                values[size_t(r) * in + c] =
                    static_cast<signed char>(s > 0 ? std::max(-qmax, std::min(qmax, int(std::lround(w(r, c) / s)))) : 0);
        }
    f.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size()));
    f.write(reinterpret_cast<const char*>(scales.data()), std::streamsize(sizeof(float) * scales.size()));
}

void appendVector(std::ofstream& f, const Eigen::VectorXf& v)
{
    f.write(reinterpret_cast<const char*>(v.data()), std::streamsize(sizeof(float) * size_t(v.size())));
}

} // namespace

int hlsGroupSize(const QuantFormat& weights, int in)
{
    if (weights.precision == Precision::FP32) return in;
    return weights.groupSize > 0 ? std::gcd(std::min(weights.groupSize, in), in) : in;
}

std::vector<std::string> emitHls(const FpgaPlan& plan, const ModelSpec& m, const QuantFormat& weights,
                                 const std::string& dir, int maxContext)
{
    requireExportable(m, weights);
    if (!QDir().mkpath(QString::fromStdString(dir))) throw InputError(dir, "--emit-hls", "cannot create the folder");
    std::vector<std::string> files;
    write(dir + "/llmdse_hls.h", kHeader, files);
    write(dir + "/decoder_layer.h", layerHeader(m, weights, maxContext), files);
    write(dir + "/decoder_layer.cpp", layerSource(plan, m, weights), files);
    write(dir + "/testbench.cpp", kTestbench, files);
    write(dir + "/README.txt",
          "HLS C++ for one " + m.id + " decoder layer, " + toString(plan.style) + " plan on " + plan.part +
              " (llmdse compile --emit-hls).\n\n"
              "decoder_layer.cpp carries the plan's UNROLL / PIPELINE / ARRAY_PARTITION / DATAFLOW pragmas.\n"
              "C simulation (no vendor tools): g++ -std=c++17 -O2 -Wno-unknown-pragmas -Wno-unused-label decoder_layer.cpp testbench.cpp -o csim\n"
              "  ./csim weights.bin tokens.txt logits.bin   (weights.bin as llmdse's writeHlsWeights writes it)\n"
              "Synthesis needs the vendor's HLS tools (AMD Vitis HLS) and is not run by llmdse; the resource and\n"
              "timing figures in the plan are the compiler's model, not a synthesis report.\n",
          files);
    return files;
}

void writeHlsWeights(const ModelWeights& w, const QuantFormat& q, const std::string& path)
{
    const ModelSpec& m = w.spec;
    requireExportable(m, q);
    if (w.format.precision != Precision::FP32)
        throw InputError(path, "weights", "the export quantises fp32 weights itself; these are already stored as " +
                                              toString(w.format));
    std::ofstream f(path, std::ios::binary);
    const int shape[8] = {m.layers, m.hidden, m.heads, m.kvHeads, m.headDim, m.intermediate, m.vocab,
                          q.precision == Precision::FP32 ? 32 : q.precision == Precision::INT8 ? 8 : 4};
    f.write(reinterpret_cast<const char*>(shape), sizeof shape);
    for (const LayerWeights& l : w.layers) {
        appendVector(f, l.attnNorm);
        appendProjection(f, l.qkv, q);
        appendProjection(f, l.o, q);
        appendVector(f, l.mlpNorm);
        appendProjection(f, l.gateUp, q);
        appendProjection(f, l.down, q);
    }
    f.write(reinterpret_cast<const char*>(w.embed.data()), std::streamsize(sizeof(float) * size_t(w.embed.size())));
    appendVector(f, w.finalNorm);
    const RowMatrix& head = w.lmHead.out() > 0 ? w.lmHead.dense() : w.embed;
    f.write(reinterpret_cast<const char*>(head.data()), std::streamsize(sizeof(float) * size_t(head.size())));
    if (!f) throw InputError(path, "weights", "cannot write the file");
}

} // namespace llmdse
