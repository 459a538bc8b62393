// Operator graph counts checked against arithmetic done by hand from the
// published shapes (Llama-2-7B, Llama-3-8B, Mixtral-8x7B), not against the code.
#include "models/ModelZoo.h"
#include "models/OpGraph.h"

#include <QtTest>
#include <cstring>
#include <string>

using namespace llmdse;

namespace {

// Sums `count * f(op)` over the ops that pass `keep`.
template <class Keep, class F>
double sumOps(const OpGraph& g, Keep keep, F f)
{
    double s = 0;
    for (const Op& op : g.ops)
        if (keep(op)) s += op.count * f(op);
    return s;
}

bool isMatmul(const Op& op) { return op.cls == OpClass::Matmul; }

const Op* findOp(const OpGraph& g, const char* name)
{
    for (const Op& op : g.ops)
        if (std::strcmp(op.name, name) == 0) return &op;
    return nullptr;
}

bool relEq(double a, double b, double tol = 1e-12) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

// Llama-2-7B: L = 32 layers, d = 4096, 32 heads of 128, MLP 11008, vocab 32000, untied.
constexpr double L = 32, d = 4096, ffn = 11008, V = 32000;
// Weights every decode step multiplies by (all projections + lm_head; no norms, no embedding gather):
//   per layer q,k,v,o = 4 d^2 = 67,108,864 and gate,up,down = 3 d ffn = 135,266,304
//   32 x 202,375,168 = 6,476,005,376, plus lm_head V d = 131,072,000 -> 6,607,077,376.
constexpr double kLlama2MatmulParams = L * (4 * d * d + 3 * d * ffn) + V * d;

} // namespace

class TestOpGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void llama2TotalParams()
    {
        const ModelSpec m = resolveModel("llama-2-7b");
        // embedding 32000*4096 = 131,072,000; lm_head the same (untied)
        // per layer: attention 4*4096^2 = 67,108,864; MLP 3*4096*11008 = 135,266,304; 2 RMSNorms 8,192
        //   = 202,383,360 x 32 layers = 6,476,267,520
        // final norm 4,096
        // total = 6,476,267,520 + 2 * 131,072,000 + 4,096 = 6,738,415,616
        const double hand = 32.0 * (4.0 * 4096 * 4096 + 3.0 * 4096 * 11008 + 2.0 * 4096) + 2.0 * 32000 * 4096 + 4096;
        QCOMPARE(hand, 6738415616.0);
        QCOMPARE(m.totalParams(), 6738415616.0);
        QCOMPARE(kLlama2MatmulParams, 6607077376.0);
    }

    void decodeCounts_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("context");
        QTest::newRow("B1 c0") << 1 << 0.0;
        QTest::newRow("B1 c4096") << 1 << 4096.0;
        QTest::newRow("B8 c1000") << 8 << 1000.0;
        QTest::newRow("B64 c333") << 64 << 333.0;
    }

    void decodeCounts()
    {
        QFETCH(int, batch);
        QFETCH(double, context);
        const double B = batch, c = context;
        const ModelSpec m = resolveModel("llama-2-7b");
        OpGraph g;
        buildDecode(m, Optimizations{}, Parallelism{}, batch, g);
        QVERIFY(g.phase == Phase::Decode);

        // Every decode token multiplies each matmul weight once: 2 FLOPs (mul + add) per weight.
        const double matmulFlops = sumOps(g, isMatmul, [&](const Op& op) { return op.flops.at(c); });
        QVERIFY(relEq(matmulFlops, 2.0 * B * kLlama2MatmulParams));

        // Attention reads c cached positions per head: QK^T (2 hd) + PV (2 hd) = 4 hd FLOPs per head
        // per position -> 4 * L * (heads * hd = d) * c per token.
        const Op* flash = findOp(g, "attn.flash");
        QVERIFY(flash);
        QCOMPARE(flash->count, 32);
        QCOMPARE(flash->flops.x0, 0.0);
        QCOMPARE(flash->flops.x1, 4.0 * B * 32 * 128);
        QVERIFY(relEq(flash->count * flash->flops.at(c), 4.0 * L * d * c * B));

        // fp16 weights: 2 bytes per matmul weight, streamed once per step whatever the batch.
        const double weightBytes = sumOps(g, isMatmul, [](const Op& op) { return op.weightBytes; });
        QVERIFY(relEq(weightBytes, 2.0 * kLlama2MatmulParams));

        // KV cache: read k and v (2) for L layers, B sequences, 32 KV heads of 128, c positions, 2 bytes,
        // plus the new token's k and v written once.
        const double kvRead = flash->count * flash->kvBytes.x1 * c;
        QVERIFY(relEq(kvRead, 2.0 * L * B * 32 * 128 * c * 2));
        const double kvAll = sumOps(g, [](const Op&) { return true; }, [&](const Op& op) { return op.kvBytes.at(c); });
        QVERIFY(relEq(kvAll, 2.0 * L * B * 32 * 128 * (c + 1) * 2));
        // No communication on one device.
        QCOMPARE(sumOps(g, [](const Op& op) { return op.cls == OpClass::Communication; }, [](const Op&) { return 1.0; }), 0.0);
    }

    void prefillCausalAttention_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("prompt");
        QTest::newRow("1x1") << 1 << 1;
        QTest::newRow("1x128") << 1 << 128;
        QTest::newRow("4x2048") << 4 << 2048;
    }

    void prefillCausalAttention()
    {
        QFETCH(int, batch);
        QFETCH(int, prompt);
        const double B = batch, S = prompt;
        OpGraph g;
        buildPrefill(resolveModel("llama-2-7b"), Optimizations{}, Parallelism{}, batch, prompt, g);
        QVERIFY(g.phase == Phase::Prefill);
        const Op* flash = findOp(g, "attn.flash");
        QVERIFY(flash);
        // Query i attends to positions 0..i: sum_{i=1..S} i = S(S+1)/2 pairs, 4 hd FLOPs each, per head.
        QVERIFY(relEq(flash->flops.x0, 4.0 * B * 32 * 128 * S * (S + 1) / 2));
        QCOMPARE(flash->flops.x1, 0.0);
        // Projections and MLP see B*S rows; lm_head only the last position of each sequence.
        const double layerMatmul = L * (4 * d * d + 3 * d * ffn);
        const double matmulFlops = sumOps(g, isMatmul, [](const Op& op) { return op.flops.x0; });
        QVERIFY(relEq(matmulFlops, 2.0 * B * S * layerMatmul + 2.0 * B * V * d));
    }

    void gqaKvBytes()
    {
        // Llama-3-8B: 32 layers, 32 query heads but only 8 KV heads of 128.
        const ModelSpec m = resolveModel("llama-3-8b");
        QCOMPARE(m.heads, 32);
        QCOMPARE(m.kvHeads, 8);
        QCOMPARE(m.headDim, 128);
        OpGraph g;
        const int B = 4;
        const double c = 2048;
        buildDecode(m, Optimizations{}, Parallelism{}, B, g);
        const Op* flash = findOp(g, "attn.flash");
        QVERIFY(flash);
        // Reads: 2 (k, v) * 32 layers * B * 8 KV heads * 128 * c * 2 bytes; a quarter of an MHA model's.
        QVERIFY(relEq(flash->count * flash->kvBytes.x1 * c, 2.0 * 32 * B * 8 * 128 * c * 2));
        // Queries still use all 32 heads for FLOPs.
        QVERIFY(relEq(flash->flops.x1, 4.0 * B * 32 * 128));
        // qkv projection width: (32 + 2 * 8) * 128 = 6144 outputs.
        const Op* qkv = findOp(g, "attn.qkv_proj");
        QVERIFY(qkv);
        QCOMPARE(qkv->n, std::int64_t(6144));
        QCOMPARE(qkv->k, std::int64_t(4096));
    }

    void int4WeightBytes()
    {
        Optimizations o;
        o.weights = parseQuantFormat("int4:g128", "weights");
        OpGraph g;
        buildDecode(resolveModel("llama-2-7b"), o, Parallelism{}, 1, g);
        // Layer weights: 4 bits + one fp16 scale per 128 weights = 0.5 + 2/128 = 0.515625 bytes each.
        // lm_head stays fp16 (2 bytes), as weight-only schemes (GPTQ, AWQ) leave it unquantised.
        const double layerParams = L * (4 * d * d + 3 * d * ffn);
        const double weightBytes = sumOps(g, isMatmul, [](const Op& op) { return op.weightBytes; });
        QVERIFY(relEq(weightBytes, layerParams * (0.5 + 2.0 / 128) + V * d * 2));
        // Weight-only quantisation still computes in fp16, so layer weights must be unpacked.
        for (const Op& op : g.ops)
            if (isMatmul(op)) {
                QVERIFY(op.precision == Precision::FP16);
                QVERIFY2((op.dequantFlops > 0) == (std::strcmp(op.name, "lm_head") != 0), op.name);
            }
    }

    void tensorParallelHalvesWeights()
    {
        const ModelSpec m = resolveModel("llama-2-7b");
        OpGraph one, two;
        Parallelism tp2;
        tp2.tensor = 2;
        buildDecode(m, Optimizations{}, Parallelism{}, 8, one);
        buildDecode(m, Optimizations{}, tp2, 8, two);
        const auto weights = [](const OpGraph& g) { return sumOps(g, isMatmul, [](const Op& op) { return op.weightBytes; }); };
        // All of Llama-2-7B's split dimensions (32 heads, 11008, 32000) are even: exactly half per device.
        QVERIFY(relEq(weights(two), weights(one) / 2));
        QVERIFY(relEq(weights(two), kLlama2MatmulParams));  // 2 bytes x params / 2 devices

        // Megatron-style: one all-reduce after o_proj and one after down_proj, in every layer; one after
        // the vocabulary-parallel embedding; the logits of the vocabulary-parallel lm_head gathered once.
        int layerAllReduces = 0, once = 0;
        for (const Op& op : two.ops)
            if (op.cls == OpClass::Communication) {
                QCOMPARE(op.commParticipants, 2);
                if (op.collective == Collective::AllGather) {
                    QCOMPARE(std::string(op.name), std::string("lm_head.gather_logits"));
                    QCOMPARE(op.commBytes, 8.0 * 32000 * 2); // B rows of fp16 logits over the whole vocabulary
                    ++once;
                    continue;
                }
                QVERIFY(op.collective == Collective::AllReduce);
                QCOMPARE(op.commBytes, 8.0 * 4096 * 2);  // B rows of the fp16 hidden state
                if (op.count == 32) ++layerAllReduces;
                else if (op.count == 1 && std::string(op.name) == "embedding.all_reduce") ++once;
            }
        QCOMPARE(layerAllReduces, 2);
        QCOMPARE(once, 2);
        for (const Op& op : one.ops) QVERIFY(op.cls != OpClass::Communication);
    }

    void mixtralExpertsTouched()
    {
        // Mixtral-8x7B: 8 experts per layer, top-2 routing, each expert a SwiGLU MLP 4096 -> 14336.
        const ModelSpec m = resolveModel("mixtral-8x7b");
        QCOMPARE(m.experts, 8);
        QCOMPARE(m.expertsPerToken, 2);
        const double expertBytes = 3.0 * 4096 * 14336 * 2; // one expert's fp16 weights
        const auto expertWeightBytesPerLayer = [&](const OpGraph& g) {
            double s = 0;
            for (const Op& op : g.ops)
                if (op.routed) s += op.weightBytes;
            return s;
        };
        OpGraph decode, prefill;
        buildDecode(m, Optimizations{}, Parallelism{}, 1, decode);
        // One token picks 2 of 8 experts: a step streams exactly 2 experts' weights per layer.
        QVERIFY(relEq(expertWeightBytesPerLayer(decode), 2 * expertBytes));
        // 1024 tokens: P(expert unused) = (6/8)^1024 ~ 1e-128, so all 8 experts are read.
        buildPrefill(m, Optimizations{}, Parallelism{}, 1, 1024, prefill);
        QVERIFY(relEq(expertWeightBytesPerLayer(prefill), 8 * expertBytes, 1e-9));
        // FLOPs follow the routed rows, not the experts touched: 2 experts per token.
        double expertFlops = 0;
        for (const Op& op : decode.ops)
            if (op.routed) expertFlops += op.flops.x0;
        QVERIFY(relEq(expertFlops, 2.0 * 2 * 3 * 4096 * 14336));
    }

    void totalsAreSumsOverOps()
    {
        OpGraph g;
        buildDecode(resolveModel("llama-3-8b"), Optimizations{}, Parallelism{}, 2, g);
        const double c = 777;
        QVERIFY(relEq(g.totalFlops(c), sumOps(g, [](const Op&) { return true; }, [&](const Op& op) { return op.flops.at(c); })));
        QVERIFY(relEq(g.totalBytes(c), sumOps(g, [](const Op&) { return true; },
                                              [&](const Op& op) { return op.weightBytes + op.actBytes.at(c) + op.kvBytes.at(c); })));
        QVERIFY(g.totalBytes(c + 1) > g.totalBytes(c));
    }
};

QTEST_APPLESS_MAIN(TestOpGraph)
#include "tst_opgraph.moc"
