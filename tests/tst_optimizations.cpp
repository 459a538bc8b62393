// Algorithm-level optimisations against hand-computed cases: speculative
// decoding (expected tokens per step, draft + verification composition, the
// verification graph), SnapKV (kept positions, selection cost, cache size),
// weight sparsity (bytes and FLOPs by hardware support), head pruning,
// reasoning tokens and image encoders; their design keys and errors.
#include "core/Errors.h"
#include "estimators/Estimator.h"
#include "estimators/RequestComposer.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/MemoryModel.h"
#include "estimators/sweep/Study.h"
#include "estimators/sweep/SweepRow.h"
#include "models/DesignJson.h"
#include "models/OpGraph.h"

#include <QJsonArray>
#include <QtTest>
#include <array>
#include <map>

using namespace llmdse;

namespace {

Design design(QJsonObject o)
{
    if (!o.contains("model")) o["model"] = "llama-3-8b";
    if (!o.contains("hardware")) o["hardware"] = "h100-sxm";
    return designFromJson(o);
}

Metrics evaluate(const Design& d, bool ops = false) { return AnalyticalEstimator().evaluate(d, ops); }

bool relEq(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

const Op* find(const OpGraph& g, const char* name)
{
    for (const Op& op : g.ops)
        if (std::string(op.name) == name) return &op;
    return nullptr;
}

// A stand-in estimator: every decode step of the target costs 10 ms whatever its tokens, a draft
// step 2 ms, prefill 50 ms; energy 1 J per ms. Lets the composition be checked by hand.
class FakeCoster : public PhaseCoster {
public:
    explicit FakeCoster(int targetLayers) : targetLayers_(targetLayers) {}
    PhaseCost cost(const OpGraph& g, double, double, double n, std::vector<OpCost>*) const override
    {
        const bool draft = find(g, "attn.flash") && find(g, "attn.flash")->count != targetLayers_;
        const double ms = g.phase == Phase::Prefill ? 50 : draft ? 2 : 10;
        PhaseCost c;
        c.timeS = n * ms * 1e-3;
        c.energyJ = n * ms;
        c.breakdown.memory = c.timeS;
        return c;
    }
    double idlePowerW() const override { return 0; }

private:
    int targetLayers_;
};

} // namespace

#define QVERIFY_REL(a, b, tol) \
    QVERIFY2(relEq((a), (b), (tol)), qPrintable(QString("%1 vs %2").arg(a, 0, 'g', 15).arg(b, 0, 'g', 15)))

class TestOptimizations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // E = 1 + a1 + a1 a2 + ... : a constant 0.5 over 3 positions gives 1.875; [0.8, 0.5] over 3
    // (the last rate carries on) gives 1 + 0.8 + 0.4 + 0.2 = 2.4.
    void expectedTokensPerStep()
    {
        SpeculativeDecoding s;
        s.kind = SpecKind::DraftModel;
        s.draftLength = 3;
        s.acceptance = 0.5;
        QCOMPARE(s.expectedTokensPerStep(), 1.875);
        s.perPosition[0] = 0.8;
        s.perPosition[1] = 0.5;
        s.perPositionCount = 2;
        QCOMPARE(s.expectedTokensPerStep(), 2.4);
        s.kind = SpecKind::None;
        QCOMPARE(s.expectedTokensPerStep(), 1.0);
        s.kind = SpecKind::PromptTokens;
        QCOMPARE(s.verifyTokens(), 7); // 3 candidates + the last token + 3 prompt tokens
    }

    // The schedule by hand. k = 4 at 0.8 with 3 tokens to make: 2 proposals are worth making;
    // P(0 accepted) = 0.2 leaves 2 tokens (one more step with 1 proposal, then 0.2 x one more),
    // P(1) = 0.16 leaves 1 (one plain step), P(2) = 0.64 leaves none: 1 + 0.2 x 1.2 + 0.16 = 1.4 steps
    // and 2 + 0.2 x 1 = 2.2 draft forwards. Long outputs approach tokens / E.
    void speculationSchedule()
    {
        SpeculativeDecoding s;
        s.kind = SpecKind::DraftModel;
        s.draftLength = 4;
        s.acceptance = 0.8;
        QVERIFY_REL(s.schedule(3).steps, 1.4, 1e-12);
        QVERIFY_REL(s.schedule(3).draftForwards, 2.2, 1e-12);
        const double E = s.expectedTokensPerStep();
        QVERIFY_REL(s.schedule(1e6).steps, 1e6 / E, 1e-4);
        s.acceptance = 1;
        QCOMPARE(s.schedule(100).steps, 20.0);
        QCOMPARE(s.schedule(100).draftForwards, 80.0);
        QCOMPARE(s.schedule(100).catchUps, 19.0);
    }

    // Draft-model speculation composed by hand: with every proposal accepted, k = 4 and 100 tokens
    // after prefill's take 20 verification steps (10 ms each) and 80 draft forwards (2 ms each, 19 of
    // them taking in the previous bonus token too): (200 + 160) ms / 100 tokens = 3.6 ms per token.
    void speculationComposesDraftAndVerification()
    {
        Design d = design({{"spec", "draft"}, {"spec.draft_model", "self:4"}, {"spec.draft_len", 4},
                           {"spec.acceptance", 1.0}, {"output", 101}, {"prompt", 64}});
        Metrics m;
        RequestGraphs g;
        const FakeCoster fake(d.model.layers);
        composeRequest(d, fake, {}, m, g, false);
        QCOMPARE(m.tokensPerStep, 5.0);
        QVERIFY_REL(m.tpotS, 3.6e-3, 1e-12);
        QVERIFY_REL(m.decodeTotal.timeS, 0.36, 1e-12);
        QVERIFY_REL(m.draft.timeS, 0.16, 1e-12);
        QVERIFY_REL(m.ttftS, 100e-3, 1e-12); // target prefill + the draft's own prefill
        // Without speculation the same stand-in gives 10 ms per token.
        Design plain = design({{"output", 101}, {"prompt", 64}});
        composeRequest(plain, fake, {}, m, g, false);
        QVERIFY_REL(m.tpotS, 10e-3, 1e-12);
    }

    // The verification graph: T = k + 1 query tokens per sequence each attend over the context (and
    // causally over each other), the KV cache is still read once, and every token gets logits.
    void verificationStepGraph()
    {
        const Design d = design({{"batch", 2}});
        OpGraph one, five;
        buildDecode(d.model, d.opts, d.parallel, 2, one);
        buildDecode(d.model, d.opts, d.parallel, 2, five, {}, 5);
        const Op *a = find(one, "attn.flash"), *b = find(five, "attn.flash");
        QCOMPARE(b->flops.x1, 5 * a->flops.x1);
        QCOMPARE(b->flops.x0, 4.0 * 2 * 32 * 128 * (5 * 4 / 2)); // 10 new pairs per head
        QCOMPARE(b->kvBytes.x1, a->kvBytes.x1);
        QCOMPARE(find(five, "lm_head")->m, std::int64_t(10));
        QCOMPARE(find(five, "mlp.down_proj")->weightBytes, find(one, "mlp.down_proj")->weightBytes);
        QCOMPARE(find(five, "mlp.down_proj")->flops.x0, 5 * find(one, "mlp.down_proj")->flops.x0);
    }

    // On the real estimator: batch-1 decode streams weights, so verifying 5 tokens costs about one
    // step and Medusa (0.8, 4 heads) cuts TPOT. At batch 512 with short contexts decode is compute-bound:
    // verifying 5 tokens is ~5x the work and speculation loses. With 8K contexts the same batch is
    // bound by reading the KV cache, which verification reads once for all 5 tokens: it wins again
    // (the MagicDec observation, Chen et al. 2024).
    void speculationHelpsMemoryBoundDecodeOnly()
    {
        const QJsonObject medusa{{"spec", "medusa"}, {"spec.draft_len", 4}, {"spec.acceptance", 0.8}};
        auto with = [&](int batch, int prompt, bool spec) {
            QJsonObject o{{"batch", batch}, {"prompt", prompt}, {"output", 64}};
            if (spec)
                for (auto it = medusa.begin(); it != medusa.end(); ++it) o[it.key()] = it.value();
            return evaluate(design(o)).tpotS;
        };
        const double speedup1 = with(1, 1024, false) / with(1, 1024, true);
        QVERIFY2(speedup1 > 1.8 && speedup1 < 3.3616, qPrintable(QString::number(speedup1)));
        const double shortContext = with(512, 128, false) / with(512, 128, true);
        QVERIFY2(shortContext < 1.0, qPrintable(QString::number(shortContext)));
        const double longContext = with(512, 8192, false) / with(512, 8192, true);
        QVERIFY2(longContext > 1.5, qPrintable(QString::number(longContext)));
        // Medusa's heads: 4 x (h^2 + h V) fp16 weights on top of the model.
        const Metrics plain = evaluate(design({})), heads = evaluate(design(medusa));
        QCOMPARE(heads.memory.weightsBytes - plain.memory.weightsBytes, 4 * (4096.0 * 4096 + 4096.0 * 128256) * 2);
    }

    // SnapKV keeps 1024 of 8192 prompt positions: the cache holds (1024 + 128) tokens x 131,072 B
    // (32 layers x 2 x 8 KV heads x 128 x 2 B); decode attends over 1025 onwards; prefill pays the
    // selection: 2 B H W S d + 7 B H W S per layer.
    void snapKvKeepsTheBudget()
    {
        const Design d = design({{"prompt", 8192}, {"output", 128}, {"kv_budget", 1024}, {"kv_window", 32}});
        QCOMPARE(memoryFootprint(d).kvCacheBytes, (1024.0 + 128) * 131072);
        QCOMPARE(memoryFootprint(design({{"prompt", 8192}, {"output", 128}})).kvCacheBytes, (8192.0 + 128) * 131072);
        OpGraph pre;
        buildPrefill(d.model, d.opts, d.parallel, 1, 8192, pre);
        const Op* sel = find(pre, "kv.snap_select");
        QVERIFY(sel);
        QCOMPARE(sel->flops.x0, 2.0 * 32 * 32 * 8192 * 128 + 7.0 * 32 * 32 * 8192);
        QCOMPARE(sel->count, 32);
        // A prompt within the budget is left alone.
        buildPrefill(d.model, d.opts, d.parallel, 1, 512, pre);
        QVERIFY(!find(pre, "kv.snap_select"));
        // Decode reads the compressed cache: at batch 64 (KV-heavy) TPOT drops.
        const Metrics full = evaluate(design({{"prompt", 8192}, {"batch", 64}}));
        const Metrics snap = evaluate(design({{"prompt", 8192}, {"batch", 64}, {"kv_budget", 1024}}));
        QVERIFY(snap.tpotS < 0.6 * full.tpotS);
        QVERIFY(snap.ttftS > full.ttftS);
    }

    // 2:4 on sparse tensor cores: half the multiplies, half the values plus a 2-bit index each
    // (1.125 B per fp16 weight); without them the pruned weights run dense. Unstructured at 30%:
    // 0.3 x 2 + 1/8 = 0.725 B per weight plus the expansion work; int4 at 90% is smaller dense.
    void sparsityByHardwareSupport()
    {
        auto downProj = [](const Design& d) {
            OpGraph g;
            buildDecode(d.model, d.opts, d.parallel, 1, g, {d.hardware.sparse24, d.hardware.sparseUnstructured});
            return *find(g, "mlp.down_proj");
        };
        const double nk = 4096.0 * 14336;
        const Op dense = downProj(design({}));
        QVERIFY(design({}).hardware.sparse24);
        const Op s24 = downProj(design({{"sparsity", "2:4"}}));
        QCOMPARE(s24.weightBytes, nk * 1.125);
        QCOMPARE(s24.flops.x0, 0.5 * dense.flops.x0);
        const Op cpu = downProj(design({{"sparsity", "2:4"}, {"hardware", "xeon-8480-amx"}}));
        QCOMPARE(cpu.weightBytes, nk * 2);
        QCOMPARE(cpu.flops.x0, dense.flops.x0);
        const Op un = downProj(design({{"sparsity", "unstructured:0.3"}}));
        QCOMPARE(un.weightBytes, nk * 0.725);
        QCOMPARE(un.flops.x0, dense.flops.x0);
        QCOMPARE(un.dequantFlops, 2 * nk);
        const Op int4 = downProj(design({{"sparsity", "unstructured:0.9"}, {"weights", "int4:g128"}}));
        QCOMPARE(int4.weightBytes, nk * (0.5 + 2.0 / 128));
        // Batch-1 decode on the bare roofline takes bytes / bandwidth: TPOT shrinks with the bytes
        // moved (the lm_head and embeddings stay dense).
        const Metrics d0 = evaluate(design({{"runtime", "roofline"}})), d1 = evaluate(design({{"runtime", "roofline"}, {"sparsity", "2:4"}}));
        QVERIFY_REL(d1.tpotS / d0.tpotS, d1.decodeStep.bytes / d0.decodeStep.bytes, 0.01);
        QVERIFY(d1.decodeStep.bytes < 0.62 * d0.decodeStep.bytes);
    }

    // Pruning half the heads of Llama-3-8B (4 query heads per KV head) keeps 2 per group: 16 query heads,
    // the 8 KV heads. MHA (Llama-2-7B) loses KV heads with its query heads.
    void headPruning()
    {
        const Design d = design({{"head_pruning", 0.5}});
        OpGraph g;
        buildDecode(d.model, d.opts, d.parallel, 1, g);
        QCOMPARE(find(g, "attn.qkv_proj")->n, std::int64_t((16 + 2 * 8) * 128));
        QCOMPARE(find(g, "attn.o_proj")->k, std::int64_t(16 * 128));
        QCOMPARE(find(g, "attn.flash")->flops.x1, 4.0 * 16 * 128);
        QCOMPARE(memoryFootprint(d).kvCacheBytes, memoryFootprint(design({})).kvCacheBytes);
        const ModelSpec mha = withHeadsPruned(design({{"model", "llama-2-7b"}}).model, 0.25);
        QCOMPARE(mha.heads, 24);
        QCOMPARE(mha.kvHeads, 24);
        QVERIFY(memoryFootprint(d).weightsBytes < memoryFootprint(design({})).weightsBytes);
    }

    // FP8 feed-forward with 16-bit attention projections (Meta's FP8 Llama 3.1): the projections stream
    // and are stored at 2 bytes, run 16-bit GEMMs, and the feed-forward keeps its FP8 weights.
    void unquantisedAttentionProjections()
    {
        const QJsonObject fp8{{"weights", "fp8"}, {"activations", "fp8"}};
        QJsonObject keep = fp8;
        keep["quantized_attention"] = false;
        const Design q = design(fp8), k = design(keep);
        OpGraph gq, gk;
        buildDecode(q.model, q.opts, q.parallel, 1, gq);
        buildDecode(k.model, k.opts, k.parallel, 1, gk);
        for (const char* name : {"attn.qkv_proj", "attn.o_proj"}) {
            QCOMPARE(find(gk, name)->weightBytes, 2 * find(gq, name)->weightBytes);
            QCOMPARE(bytesPerElement(find(gk, name)->precision), 2.0);
            QCOMPARE(bytesPerElement(find(gq, name)->precision), 1.0);
        }
        QCOMPARE(find(gk, "mlp.down_proj")->weightBytes, find(gq, "mlp.down_proj")->weightBytes);
        const double attention = double(q.model.layers) * q.model.attentionParamsPerLayer();
        QVERIFY(relEq(memoryFootprint(k).weightsBytes - memoryFootprint(q).weightsBytes, attention, 1e-9));
        QVERIFY(evaluate(k).tpotS > evaluate(q).tpotS);
        QCOMPARE(toJson(k)["quantized_attention"].toBool(true), false);
        QVERIFY(!toJson(q).contains("quantized_attention"));
    }

    // Reasoning tokens decode before the answer: the answer starts after TTFT + R x TPOT.
    void reasoningTokensPrecedeTheAnswer()
    {
        const Metrics m = evaluate(design({{"output", 100}, {"reasoning", 1000}}));
        QVERIFY_REL(m.timeToAnswerS, m.ttftS + 1000 * m.tpotS, 1e-12);
        QVERIFY_REL(m.e2eS, m.ttftS + 1099 * m.tpotS, 1e-9);
        QCOMPARE(memoryFootprint(design({{"output", 100}, {"reasoning", 1000}})).kvCacheBytes, (512.0 + 1100) * 131072);
    }

    // One 336 px image through CLIP ViT-L/14: 576 patches; the patch embedding is a 576 x 1024 x 588
    // product; the LLM sees 576 more prompt tokens and TTFT includes the encoder.
    void imageEncoderAddsItsCostAndTokens()
    {
        const Design d = design({{"images", 1}, {"encoder", "clip-vit-l-336"}, {"prompt", 100}});
        QCOMPARE(d.promptTokens(), 676);
        OpGraph g;
        buildEncoder(*d.encoder, d.opts, d.parallel, 1, d.model.hidden, g);
        QCOMPARE(find(g, "vision.patch_embed")->flops.x0, 2.0 * 576 * 1024 * 588 + 576.0 * 1024);
        QCOMPARE(find(g, "attn.flash")->flops.x0, 4.0 * 16 * 64 * 576 * 576); // bidirectional
        QVERIFY(!find(g, "attn.rope") && !find(g, "lm_head"));
        QCOMPARE(find(g, "vision.projector_2")->n, std::int64_t(4096));
        const Metrics m = evaluate(d, true);
        QVERIFY(m.encoder.timeS > 0);
        const Metrics text = evaluate(design({{"prompt", 676}}));
        QVERIFY_REL(m.ttftS, text.ttftS + m.encoder.timeS, 1e-9);
        bool labelled = false;
        for (const auto& op : m.ops) labelled = labelled || op.phase == "encoder";
        QVERIFY(labelled);
    }

    // Every key reads back; design files keep only what is switched on; bad values name the field.
    void designKeysRoundTripAndErrors()
    {
        const QJsonObject o{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"spec", "draft"},
                            {"spec.draft_model", "llama-3.2-1b"}, {"spec.draft_len", 5},
                            {"spec.acceptance", QJsonArray{0.9, 0.7, 0.5}}, {"kv_budget", 2048}, {"kv_window", 64},
                            {"sparsity", "unstructured:0.5"}, {"head_pruning", 0.25}, {"reasoning", 4096},
                            {"images", 2}, {"encoder", "siglip-so400m-384"}};
        const QJsonObject back = toJson(designFromJson(o));
        for (auto it = o.begin(); it != o.end(); ++it) QVERIFY2(back.value(it.key()) == it.value(), qPrintable(it.key()));
        QVERIFY(!toJson(design({})).contains("spec"));
        auto fails = [](QJsonObject bad, const char* field) {
            bad["model"] = "llama-3-8b";
            bad["hardware"] = "h100-sxm";
            try {
                designFromJson(bad);
            } catch (const InputError& e) {
                return e.field() == field;
            }
            return false;
        };
        QVERIFY(fails({{"spec", "draft"}}, "spec.draft_model"));
        QVERIFY(fails({{"spec", "draft"}, {"spec.draft_model", "qwen2.5-0.5b"}}, "spec.draft_model")); // vocabulary
        QVERIFY(fails({{"spec", "eagle"}}, "spec"));
        QVERIFY(fails({{"spec.acceptance", 1.5}}, "spec.acceptance"));
        QVERIFY(fails({{"kv_budget", 16}, {"kv_window", 32}}, "kv_window"));
        QVERIFY(fails({{"images", 1}}, "encoder"));
        QVERIFY(fails({{"sparsity", "3:4"}}, "sparsity"));
        QVERIFY(fails({{"sparsity", "unstructured:0"}}, "sparsity"));
        QVERIFY(fails({{"head_pruning", 1.0}}, "head_pruning"));
        QVERIFY(fails({{"encoder", "vit-huge"}}, "encoder"));
    }

    // Study files sweep the optimisation keys like any other: higher acceptance, lower TPOT; a SnapKV
    // budget shrinks the cache.
    void studiesSweepOptimizationKeys()
    {
        const Study study = parseStudy(
            QJsonObject{{"base", QJsonObject{{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"spec", "medusa"}, {"prompt", 8192}}},
                        {"grid", QJsonObject{{"spec.acceptance", QJsonArray{0.5, 0.7, 0.9}}, {"kv_budget", QJsonArray{0, 1024}},
                                             {"sparsity", QJsonArray{"dense", "2:4"}}}}},
            "study.json");
        QCOMPARE(study.totalPoints(), std::int64_t(12));
        PointGenerator gen(study);
        std::array<double, kMaxAxes> params{};
        std::map<std::vector<double>, Metrics> byPoint;
        for (std::int64_t i = 0; i < study.totalPoints(); ++i) {
            const Design d = gen.at(i, params.data());
            byPoint[{params[2], params[0], params[1]}] = evaluate(d); // axes in key order: kv_budget, sparsity, spec.acceptance
        }
        auto at = [&](double acceptance, double budget, double sparsity) { return byPoint.at({acceptance, budget, sparsity}); };
        for (double budget : {0.0, 1024.0})
            for (double sp : {0.0, 1.0}) {
                QVERIFY(at(0.9, budget, sp).tpotS < at(0.7, budget, sp).tpotS);
                QVERIFY(at(0.7, budget, sp).tpotS < at(0.5, budget, sp).tpotS);
            }
        QVERIFY(at(0.7, 1024, 0).memory.kvCacheBytes < 0.2 * at(0.7, 0, 0).memory.kvCacheBytes);
        QVERIFY(at(0.7, 0, 1).memory.weightsBytes < at(0.7, 0, 0).memory.weightsBytes);
    }

    // A separate draft on a second device is costed there; the simulation estimator runs spec on a template.
    void draftOnAnotherDeviceAndSimulation()
    {
        const Design same = design({{"spec", "draft"}, {"spec.draft_model", "llama-3.2-1b"}});
        const Design other = design({{"spec", "draft"}, {"spec.draft_model", "llama-3.2-1b"}, {"spec.draft_hardware", "l4"}});
        const Metrics a = evaluate(same), b = evaluate(other);
        QVERIFY(b.draft.timeS > a.draft.timeS); // an L4 streams the 1B draft slower than the H100
        QVERIFY(b.memory.weightsBytes < a.memory.weightsBytes); // the draft's weights live on the L4
        qputenv("LLMDSE_SIM_CACHE", "none");
        const Design t = design({{"hardware", "template-systolic"}, {"model", "llama-3.2-1b"}, {"spec", "medusa"}});
        const Metrics s = createEstimator("simulation")->evaluate(t);
        QVERIFY(s.tpotS > 0 && s.tokensPerStep > 1);
    }
};

QTEST_MAIN(TestOptimizations)
#include "tst_optimizations.moc"
