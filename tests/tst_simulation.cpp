// The cycle-approximate simulator against the analytical estimator in the limits
// where both must agree (clearly compute-bound, clearly memory-bound), and where
// the simulator should see more (array fill and drain for few rows, a global
// buffer too small to keep an operand), plus its cache.
#include "core/AcceleratorTemplateJson.h"
#include "core/Errors.h"
#include "core/Parallelism.h"
#include "core/RuntimeZoo.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/MemoryModel.h"
#include "estimators/simulation/MatmulSimulator.h"
#include "estimators/simulation/SimulationEstimator.h"
#include "estimators/communication/CollectiveModel.h"
#include "estimators/sweep/SweepRunner.h"
#include "estimators/validation/OperatorPrediction.h"
#include "estimators/validation/PublishedRuns.h"
#include "models/DesignFields.h"
#include "models/DesignJson.h"
#include "testsupport/ScopedTmpfs.h"
#include "testsupport/TestSupport.h"

#include <QtTest>
#include <thread>

using namespace llmdse;

namespace {

AcceleratorTemplate systolic()
{
    return *designFromJson({{"model", "llama-2-7b"}, {"hardware", "template-systolic"}}).hardware.accel;
}

Design templateDesign(const QJsonObject& extra = {})
{
    QJsonObject o{{"model", "llama-2-7b"}, {"hardware", "template-systolic"}, {"runtime", "roofline"},
                  {"batch", 1}, {"prompt", 512}, {"output", 64}, {"weights", "fp16"}, {"activations", "fp16"},
                  {"kv", "fp16"}};
    for (auto it = extra.begin(); it != extra.end(); ++it) o[it.key()] = it.value();
    return designFromJson(o);
}

bool near(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

// One fp16 GEMM on a template, as a row of operator measurements would give it.
OperatorMeasurement gemm(const char* device, double m, double n, double k, double latencyS = 0)
{
    OperatorMeasurement o;
    o.device = device;
    o.m = m, o.n = n, o.k = k;
    o.latencyS = latencyS;
    return o;
}

double simulated(const OperatorMeasurement& m)
{
    return predictOperator("simulation", designForOperator(m, RuntimeProfile{}), m);
}

} // namespace

#define QVERIFY_NEAR(a, b, tol) \
    QVERIFY2(near((a), (b), (tol)), qPrintable(QString("%1 vs %2").arg(a, 0, 'g', 8).arg(b, 0, 'g', 8)))

class TestSimulation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // 4096^3 at fp16 on 4 x 128x128 PEs: 2^36 MACs / 65536 per cycle = 1.05 M cycles at
    // full use; tiles fill and drain once each, so the simulated time is within a few %.
    void largeGemmIsComputeBound()
    {
        const AcceleratorTemplate t = systolic();
        const TemplateRates r(t);
        MatmulShape s;
        s.m = s.n = s.k = 4096;
        const OpSim o = simulateMatmul(s, r);
        const double ideal = s.m * s.n * s.k / (t.cores * t.pesPerCore()) / r.hz;
        QVERIFY(o.seconds >= ideal);
        QVERIFY_NEAR(o.seconds, ideal, 0.05);
        QCOMPARE(o.bound, Bound::Compute);
        QVERIFY(o.utilisation > 0.95 && o.utilisation <= 1.0);
        QCOMPARE(o.macs[int(Precision::FP16)], s.m * s.n * s.k);
        // Every operand crosses the chip edge at least once.
        QVERIFY(o.dramBytes >= 3 * 4096.0 * 4096 * 2);
    }

    // A GEMV over 256 MiB of weights on one slow DDR-class channel: the weights stream once.
    void gemvOnSlowMemoryIsMemoryBound()
    {
        AcceleratorTemplate t = systolic();
        t.memory.channels = 1;
        t.memory.channelBandwidthBytesPerS = 50e9;
        const TemplateRates r(t);
        MatmulShape s;
        s.m = 1;
        s.n = 16384;
        s.k = 8192;
        const OpSim o = simulateMatmul(s, r);
        const double bytes = s.n * s.k * 2 + (s.k + s.n) * 2;
        QVERIFY_NEAR(o.dramBytes, bytes, 1e-9);
        QVERIFY_NEAR(o.seconds, bytes / 50e9, 0.03);
        QCOMPARE(o.bound, Bound::Memory);
    }

    // Whole designs: the analytical roofline on the derived peaks and the simulator agree
    // where one resource clearly dominates.
    void agreesWithAnalyticalInTheLimits()
    {
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        AnalyticalEstimator ana;
        // Prefill of 16 x 2048 tokens: compute-bound.
        Design d = templateDesign({{"batch", 16}, {"prompt", 2048}});
        QVERIFY_NEAR(sim.evaluate(d).ttftS, ana.evaluate(d).ttftS, 0.15);
        // Batch-1 decode with memory far slower than the array: memory-bound.
        d = templateDesign({{"hardware.memory_bandwidth", 100.0}});
        QVERIFY_NEAR(sim.evaluate(d).tpotS, ana.evaluate(d).tpotS, 0.10);
    }

    // Few rows on a 128-row weight-stationary array: each weight fold costs at least
    // the 128 cycles it takes to shift the next weights in, whatever the row count.
    void fewRowsPayForWeightLoading()
    {
        const AcceleratorTemplate t = systolic();
        const TemplateRates r(t);
        MatmulShape s;
        s.m = 8;
        s.n = 4096;
        s.k = 4096;
        const OpSim o = simulateMatmul(s, r);
        const double roofline = std::max(s.m * s.n * s.k / (t.cores * t.pesPerCore()) / r.hz,
                                         s.n * s.k * 2 / t.memoryBandwidthBytesPerS());
        QVERIFY2(o.seconds > 1.5 * roofline, qPrintable(QString::number(o.seconds / roofline)));
        QVERIFY(o.utilisation < 8.0 / 128 + 1e-9);
    }

    // A 64 MiB activation operand that the global buffer cannot keep is fetched again for
    // every column block; with a large enough buffer it is read once.
    void smallGlobalBufferRefetches()
    {
        AcceleratorTemplate t = systolic();
        MatmulShape s;
        s.m = 8192;
        s.n = 8192;
        s.k = 4096;
        t.globalBufferBytes = 256.0 * 1024 * 1024;
        const OpSim roomy = simulateMatmul(s, TemplateRates(t));
        t.globalBufferBytes = 1.0 * 1024 * 1024;
        const OpSim tight = simulateMatmul(s, TemplateRates(t));
        const double minimal = (s.m * s.k + s.k * s.n + s.m * s.n) * 2;
        QVERIFY_NEAR(roomy.dramBytes, minimal, 1e-9);
        QVERIFY2(tight.dramBytes > 2 * minimal, qPrintable(QString::number(tight.dramBytes / minimal)));
    }

    // ---- Templates of published chips against published measurements ------------------------------

    // Each template's derived peak is its datasheet's figure (nothing else was set to reach it); the MI210's
    // at the 1.4 GHz LLMCompass describes it with instead of the 1.7 GHz peak engine clock.
    void publishedTemplatesHaveDatasheetPeaks()
    {
        auto peak = [](const char* hw, Precision p) {
            return designFromJson({{"model", "llama-2-7b"}, {"hardware", hw}}).hardware.peakFlops[int(p)] / 1e12;
        };
        QVERIFY_NEAR(peak("template-a100", Precision::FP16), 312.0, 0.01);
        QVERIFY_NEAR(peak("template-a100", Precision::INT8), 624.0, 0.01);
        QVERIFY_NEAR(peak("template-mi210", Precision::FP16), 181 * 1.4 / 1.7, 0.01);
        QVERIFY_NEAR(peak("template-tpu-v4", Precision::BF16), 275.0, 0.01);
        QVERIFY_NEAR(peak("template-groq", Precision::FP16), 188.0, 0.03);
        QVERIFY_NEAR(peak("template-groq", Precision::INT8), 750.0, 0.03);
    }

    // A100: the LLMCompass artifact's 8192^3 fp16 GEMM (3.96 ms, 89% of peak) is recovered within 15%
    // because the tensor cores are fed from register files; fed straight from shared memory (128 bytes
    // per clock per SM) the same template runs far below peak.
    void a100RecoversMeasuredGemm()
    {
        const OperatorMeasurement m = gemm("template-a100", 8192, 8192, 8192, 3.9614e-3);
        Design d = designForOperator(m, RuntimeProfile{});
        const double fed = predictOperator("simulation", d, m);
        QVERIFY_NEAR(fed, m.latencyS, 0.15);
        d.hardware.accel->feed.reset();
        const double unfed = predictOperator("simulation", d, m);
        QVERIFY2(unfed > 1.5 * fed, qPrintable(QString("%1 vs %2").arg(unfed).arg(fed)));
        // The fixed per-kernel cost (21 us) dominates a GEMM of 64-wide weights, as measured (29.6 us).
        const double small = simulated(gemm("template-a100", 8192, 64, 64));
        QVERIFY(small > 21e-6 && small < 1.1 * 29.6e-6);
    }

    // array_efficiency stretches only the arrays' issue time: a compute-bound GEMM (8192^3 on the A100
    // template) takes 1/0.859 as long once the kernel's fixed 21 us is set aside.
    void arrayEfficiencyStretchesIssueTime()
    {
        const OperatorMeasurement m = gemm("template-a100", 8192, 8192, 8192);
        Design d = designForOperator(m, RuntimeProfile{});
        QCOMPARE(d.hardware.accel->arrayEfficiency, 0.859);
        const double fixed = d.hardware.accel->fixed.kernelS;
        const double tuned = predictOperator("simulation", d, m) - fixed;
        d.hardware.accel->arrayEfficiency = 1;
        const double ideal = predictOperator("simulation", d, m) - fixed;
        QVERIFY_NEAR(tuned / ideal, 1 / 0.859, 0.01);
    }

    // A published best-shape rate: Bekman's maximum achievable matmul FLOPS on an A100 SXM, 267.9 TFLOP/s
    // at 6912x16384x2048 (ml-engineering, compute/accelerator/README.md; the source of array_efficiency
    // 0.859 = 267.9 / 312). The template's tiling, feeds and memory lose little on that shape: the
    // simulated rate is within 5% of the published one.
    void a100RecoversPublishedMatmulRate()
    {
        const OperatorMeasurement m = gemm("template-a100", 6912, 16384, 2048);
        const double seconds = simulated(m);
        const double tflops = 2 * m.m * m.n * m.k / seconds / 1e12;
        qInfo("A100 template at 6912x16384x2048: %.1f TFLOP/s (published 267.9)", tflops);
        QVERIFY_NEAR(tflops, 267.9, 0.05);
    }

    // MI210: the LLMCompass artifact's 8192^3 fp16 GEMM (9.415 ms) is recovered within 15% with the matrix
    // cores issuing CDNA 2's best-shape share (0.767) at the card's 1.4 GHz; taking that share as measured at
    // 1.4 GHz already (0.931, the clock drop cancelled) makes the card 15% fast. The fixed per-kernel cost
    // (34 us) dominates a GEMM of 64-wide weights, as measured (34.5 us).
    void mi210RecoversMeasuredGemm()
    {
        const OperatorMeasurement m = gemm("template-mi210", 8192, 8192, 8192, 9.415e-3);
        Design d = designForOperator(m, RuntimeProfile{});
        QCOMPARE(d.hardware.accel->arrayEfficiency, 0.767);
        QVERIFY_NEAR(predictOperator("simulation", d, m), m.latencyS, 0.15);
        d.hardware.accel->arrayEfficiency = 0.767 * 1.7 / 1.4;
        const double cancelled = predictOperator("simulation", d, m);
        QVERIFY2(cancelled < 0.87 * m.latencyS, qPrintable(QString::number(cancelled)));
        const double small = simulated(gemm("template-mi210", 8192, 64, 64));
        QVERIFY(small > 34e-6 && small < 1.1 * 34.5e-6);
    }

    // The bundled operator measurements (GEMM sweeps on an A100 and an MI210, a GPT-3 layer's GEMMs):
    // the simulation estimator's median |error| stays within 15% and at most 3 points above the
    // analytical estimator's, overall and on each template.
    void operatorMeasurementsMedianError()
    {
        const MeasurementSet set = loadMeasurements(test::sourceDir().toStdString() + "/resources/validation/operator-measurements.json");
        QVERIFY(set.ops.size() >= 50);
        std::map<std::string, std::vector<double>> byDevice[2];
        std::vector<double> all[2];
        const char* estimators[2] = {"simulation", "analytical"};
        for (const OperatorMeasurement& m : set.ops)
            for (int e = 0; e < 2; ++e) {
                const Design d = designForOperator(m, resolveRuntime(defaultRuntimeId(HardwareClass::GPU)));
                const double err = std::fabs(predictOperator(estimators[e], d, m) / m.latencyS - 1);
                all[e].push_back(err);
                byDevice[e][m.device].push_back(err);
            }
        for (int e = 0; e < 2; ++e)
            for (const auto& [device, errs] : byDevice[e])
                qInfo("%s on %s: median |error| %.1f%% over %zu rows", estimators[e], device.c_str(), 100 * median(errs), errs.size());
        const double sim = median(all[0]), ana = median(all[1]);
        qInfo("all rows: simulation %.1f%%, analytical %.1f%%", 100 * sim, 100 * ana);
        QVERIFY2(sim <= 0.15 && sim <= ana + 0.03, qPrintable(QString("%1 vs %2").arg(sim).arg(ana)));
        QCOMPARE(byDevice[0].size(), size_t(2));
        for (const auto& [device, errs] : byDevice[0]) {
            const double simDevice = median(errs), anaDevice = median(byDevice[1][device]);
            QVERIFY2(simDevice <= 0.15 && simDevice <= anaDevice + 0.03,
                     qPrintable(QString("%1: %2 vs %3").arg(device.c_str()).arg(simDevice).arg(anaDevice)));
        }
    }

    // Whole models on many chips: PaLM 540B on 64 TPU v4 (2D weight-stationary layout over a 4x4x4
    // torus) and Llama-2 70B on Groq chips whose only memory is SRAM. Median |error| within 30%.
    void acceleratorPublishedRows()
    {
        const auto rows = loadPublishedRuns(test::sourceDir().toStdString() + "/resources/validation/accelerator-published.json");
        QVERIFY(rows.size() >= 5);
        const PublishedComparison c = comparePublished(rows, SimulationEstimator(std::make_shared<SimCache>("")));
        for (size_t i = 0; i < rows.size(); ++i)
            qInfo("%-12s %-16s tp %3d pp %2d batch %3d %5d/%-4d %-8s published %9.2f simulated %9.2f  %+6.1f%%",
                  rows[i].model.c_str(), rows[i].hardware.c_str(), rows[i].tp, rows[i].pp, rows[i].batch, rows[i].prompt,
                  rows[i].output, rows[i].metric.c_str(), rows[i].value, c.predicted[i], 100 * c.errors[i]);
        qInfo("median |error| %.1f%% over %zu rows", 100 * c.medianAbsError, rows.size());
        QVERIFY2(c.medianAbsError <= 0.30, qPrintable(QString::number(c.medianAbsError)));
    }

    // ---- Template expressiveness ------------------------------------------------------------------

    // A ring all-reduce over a 4x4x4 torus runs one ring per dimension: 2 x (3 + 3 + 3) hops instead of
    // 2 x 63, each over a third of the chip's links; a group filling two dimensions uses two thirds.
    void torusCollectivesSpanTheirDimensions()
    {
        CollectiveLink torus;
        torus.topology = Topology::Torus;
        torus.torusDims = {4, 4, 4, 0};
        const CollectiveShape s64 = collectiveShape(CollectivePattern::Ring, Collective::AllReduce, 64, torus);
        QCOMPARE(s64.steps, 18.0);
        QCOMPARE(s64.bandwidthShare, 1.0);
        QCOMPARE(collectiveShape(CollectivePattern::Ring, Collective::AllReduce, 64).steps, 126.0);
        const CollectiveShape s16 = collectiveShape(CollectivePattern::Ring, Collective::AllGather, 16, torus);
        QCOMPARE(s16.steps, 6.0);
        QVERIFY_NEAR(s16.bandwidthShare, 2.0 / 3, 1e-12);
        // Beyond the torus, the rest is one more ring.
        QCOMPARE(collectiveShape(CollectivePattern::Ring, Collective::AllGather, 128, torus).steps, 10.0);
        // The same buffer: fewer hops of latency on the torus than on a ring of equal per-chip bandwidth.
        CollectiveLink ring = torus;
        ring.topology = Topology::Ring;
        ring.latencyS = torus.latencyS = 1e-6;
        ring.bandwidthBytesPerS = torus.bandwidthBytesPerS = 270e9;
        const CollectiveAlgorithm plain{"ring", CollectivePattern::Ring};
        QVERIFY(collectiveSeconds(plain, torus, Collective::AllReduce, 1 << 20, 64) <
                collectiveSeconds(plain, ring, Collective::AllReduce, 1 << 20, 64));
        // Parsed from hardware JSON: link_gb_s is per link, six links on a 3D torus.
        const Design tpu = designFromJson({{"model", "llama-2-7b"}, {"hardware", "template-tpu-v4"}});
        QCOMPARE(tpu.hardware.interconnect.topology, Topology::Torus);
        QVERIFY_NEAR(tpu.hardware.interconnect.bandwidthBytesPerS, 6 * 45e9, 1e-12);
    }

    // The 2D weight-stationary layout: tp beyond the head count, and less traffic per device than 1D.
    void twoDLayoutSplitsHiddenAndHeads()
    {
        QJsonObject o{{"model", "palm-540b"}, {"hardware", "template-tpu-v4"}, {"tp", 64}, {"batch", 64}, {"prompt", 128}, {"output", 8}};
        QVERIFY_THROWS_EXCEPTION(InputError, designFromJson(o).validate());
        o["tp_layout"] = "2d";
        const Design d2 = designFromJson(o);
        d2.validate();
        const TensorGrid g = tensorGrid(d2.parallel, d2.model.hidden, d2.model.intermediate);
        QCOMPARE(g.x * g.y, 64);
        QVERIFY(g.x > 1 && g.y > 1 && g.y <= d2.model.heads);
        // Multi-query attention is sharded by sequences over all 64 devices: each caches 1/64 of the KV.
        QJsonObject single = o;
        single["tp"] = 1;
        single.remove("tp_layout");
        QVERIFY_NEAR(memoryFootprint(d2).kvCacheBytes * 64, memoryFootprint(designFromJson(single)).kvCacheBytes, 1e-9);
        auto traffic = [](const Design& d) {
            OpGraph gr;
            buildDecode(d.model, d.opts, d.parallel, d.workload.batch, gr);
            double bytes = 0;
            for (const Op& op : gr.ops)
                if (op.cls == OpClass::Communication)
                    bytes += op.count * op.commBytes *
                             collectiveShape(CollectivePattern::Ring, op.collective, op.commParticipants).traffic;
            return bytes;
        };
        o["tp"] = 32; // 1D is allowed here (48 heads)
        const Design two = designFromJson(o);
        o["tp_layout"] = "1d";
        const Design one = designFromJson(o);
        QVERIFY2(traffic(two) < 0.7 * traffic(one), qPrintable(QString("%1 vs %2").arg(traffic(two)).arg(traffic(one))));
        // Saved and loaded.
        QCOMPARE(designFromJson(toJson(two)).parallel.layout, TensorLayout::TwoD);
    }

    // Weight-gathered (Pope et al. 3.2.3): Llama-2-7B prefill of 8 x 128 tokens on 4 devices. Each device
    // runs its 2 sequences (256 rows) through whole matrices, all-gathered before use: the q/k/v matrix
    // gathers 4096 x 12288 x 2 B = 100,663,296 B per layer; no activation is reduced, no logits gathered;
    // every device stores 1/4 of the weights and caches its own 2 sequences with all 32 heads.
    void weightGatheredLayoutMovesWeightsNotActivations()
    {
        QJsonObject o{{"model", "llama-2-7b"}, {"hardware", "template-tpu-v4"}, {"tp", 4}, {"batch", 8}, {"prompt", 128},
                      {"output", 1}, {"tp_layout", "weight_gathered"}};
        const Design d = designFromJson(o);
        d.validate();
        OpGraph g;
        buildPrefill(d.model, d.opts, d.parallel, 8, 128, g);
        const Op* qkv = nullptr;
        const Op* gather = nullptr;
        for (const Op& op : g.ops) {
            if (std::string(op.name) == "attn.qkv_proj") qkv = &op;
            if (std::string(op.name) == "attn.qkv_proj.gather_weights") gather = &op;
            QVERIFY2(std::string(op.name) != "attn.all_reduce" && std::string(op.name) != "mlp.all_reduce" &&
                         std::string(op.name) != "lm_head.gather_logits",
                     op.name);
            if (op.cls == OpClass::Attention) QCOMPARE(op.attnBatch, 2);
        }
        QVERIFY(qkv && gather);
        QCOMPARE(qkv->m, std::int64_t(256));
        QCOMPARE(qkv->n, std::int64_t(12288));
        QCOMPARE(qkv->k, std::int64_t(4096));
        QCOMPARE(gather->collective, Collective::AllGather);
        QCOMPARE(gather->commParticipants, 4);
        QCOMPARE(gather->commBytes, 4096.0 * 12288 * 2);
        QCOMPARE(gather->count, 32);
        QJsonObject single = o;
        single["tp"] = 1;
        single.remove("tp_layout");
        const MemoryFootprint one = memoryFootprint(designFromJson(single)), four = memoryFootprint(d);
        QVERIFY_NEAR(four.weightsBytes * 4, one.weightsBytes, 1e-9);
        QVERIFY_NEAR(four.kvCacheBytes * 4, one.kvCacheBytes, 1e-9);
        QCOMPARE(designFromJson(toJson(d)).parallel.layout, TensorLayout::WeightGathered);
        // Dense models only, as the 2D layout.
        QJsonObject moe{{"model", "mixtral-8x7b"}, {"hardware", "h100-sxm"}, {"tp", 2}, {"tp_layout", "weight_gathered"}};
        QVERIFY_THROWS_EXCEPTION(InputError, designFromJson(moe).validate());
    }

    // On-chip-only memory: the Groq-like chip's SRAM is its memory, counted as SRAM (no DRAM PHYs), and a
    // model spread over enough chips fits.
    void sramOnlyChipHoldsTheModelAcrossChips()
    {
        const Design one = designFromJson({{"model", "llama-2-70b"}, {"hardware", "template-groq"}, {"weights", "int8"}});
        QVERIFY(one.hardware.accel->memory.onChip());
        QVERIFY(one.hardware.sramBytes >= one.hardware.accel->memory.capacityBytes);
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        QVERIFY(!sim.evaluate(one).memory.fits);
        // 8 chips per layer, one layer per pipeline stage: 640 chips.
        const Design many = designFromJson({{"model", "llama-2-70b"}, {"hardware", "template-groq"}, {"weights", "int8"},
                                            {"tp", 8}, {"pp", 80}, {"batch", 1}, {"prompt", 128}, {"output", 16}});
        const Metrics m = sim.evaluate(many);
        QVERIFY2(m.memory.fits, m.memory.fitMessage().c_str());
        QCOMPARE(m.devices, 640);
    }

    // Fixed costs: a template's per-kernel cost replaces the runtime's in both estimators alike (for the
    // kernels the runtime launches), and a per-layer cost is paid once per layer per forward pass.
    void fixedCostsChargedAlike()
    {
        Design d = templateDesign({{"batch", 1}, {"output", 8}, {"runtime", "dataflow"}}); // one kernel per op
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        AnalyticalEstimator ana;
        const Metrics s0 = sim.evaluate(d), a0 = ana.evaluate(d);
        d.hardware.accel->fixed.kernelS = 20e-6;
        const Metrics s1 = sim.evaluate(d), a1 = ana.evaluate(d);
        QVERIFY_NEAR(s1.tpotS - s0.tpotS, a1.tpotS - a0.tpotS, 0.05);
        // Four projections per layer at least, each now 19.5 us dearer than the runtime's 0.5 us.
        QVERIFY(s1.tpotS - s0.tpotS > 4 * 19.5e-6 * d.model.layers);
        d.hardware.accel->fixed.kernelS = 0;
        d.hardware.accel->fixed.layerS = 10e-6;
        const Metrics s2 = sim.evaluate(d), a2 = ana.evaluate(d);
        QVERIFY_NEAR(s2.tpotS - s0.tpotS, d.model.layers * 10e-6, 0.01);
        QVERIFY_NEAR(a2.tpotS - a0.tpotS, d.model.layers * 10e-6, 0.05);
    }

    void needsATemplate()
    {
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        const Design d = designFromJson({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}});
        try {
            sim.evaluate(d);
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.field()), QString("hardware"));
            QVERIFY(QString(e.what()).contains("template"));
        }
    }

    void templateFieldsRederivePeaks()
    {
        Design d = templateDesign({{"hardware.array_rows", 256}, {"hardware.cores", 2}});
        QCOMPARE(d.hardware.accel->arrayRows, 256);
        QVERIFY_NEAR(d.hardware.peakFlops[int(Precision::FP16)], 2.0 * 2 * 256 * 128 * 1e9, 1e-12);
        QVERIFY_NEAR(d.hardware.peakFlops[int(Precision::INT8)], 2 * d.hardware.peakFlops[int(Precision::FP16)], 1e-12);
        // Saved designs keep the swept template values.
        const Design back = designFromJson(toJson(d));
        QCOMPARE(back.hardware.accel->arrayRows, 256);
        QCOMPARE(back.hardware.accel->cores, 2);
        try {
            designFromJson({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"hardware.array_rows", 64}});
            QFAIL("expected an error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("not an accelerator template"));
        }
    }

    void reportsAreaAndFpgaUtilisation()
    {
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        const Metrics asic = sim.evaluate(templateDesign());
        QVERIFY(asic.areaMm2 > 10 && asic.areaMm2 < 2000);
        QVERIFY(asic.tokensPerJ > 0 && std::isfinite(asic.tokensPerJ));
        const Metrics fpga = sim.evaluate(designFromJson(
            {{"model", "llama-3.2-1b"}, {"hardware", "template-fpga-u280"}, {"weights", "int8"}}));
        QVERIFY(fpga.fpgaUtilisation > 0 && fpga.fpgaUtilisation <= 1);
        QCOMPARE(fpga.areaMm2, -1.0);
        const Metrics big = sim.evaluate(designFromJson({{"model", "llama-3.2-1b"}, {"hardware", "template-fpga-u280"},
                                                         {"weights", "int8"}, {"hardware.array_rows", 512},
                                                         {"hardware.array_cols", 512}}));
        QVERIFY(big.fpgaUtilisation > 1);
    }

    // PIM: batch-1 decode GEMVs run beside the banks at the internal bandwidth (4x the
    // external interface), so decode beats the same system with the units switched off.
    void pimOffloadsDecode()
    {
        SimulationEstimator sim(std::make_shared<SimCache>(""));
        Design pim = designFromJson({{"model", "llama-2-7b"}, {"hardware", "template-pim"}, {"weights", "fp16"}});
        Design host = pim;
        host.hardware.accel->pim.reset();
        deriveFromTemplate(host.hardware);
        const Metrics a = sim.evaluate(pim, true), b = sim.evaluate(host);
        QVERIFY2(a.tpotS < 0.5 * b.tpotS, qPrintable(QString("%1 vs %2").arg(a.tpotS).arg(b.tpotS)));
        QVERIFY_NEAR(a.ttftS, b.ttftS, 1e-9); // prefill stays on the host
    }

    void cacheServesRepeatsAndPersists()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sim.sqlite").toStdString();
        const Design d = templateDesign();
        Metrics first;
        {
            auto cache = std::make_shared<SimCache>(path);
            SimulationEstimator sim(cache);
            first = sim.evaluate(d);
            const auto s1 = cache->stats();
            QVERIFY(s1.misses > 0);
            const Metrics again = sim.evaluate(d);
            QCOMPARE(again.tpotS, first.tpotS);
            QCOMPARE(cache->stats().misses, s1.misses); // all hits
        }
        auto reopened = std::make_shared<SimCache>(path);
        QVERIFY(reopened->stats().loaded > 0);
        SimulationEstimator sim(reopened);
        QCOMPARE(sim.evaluate(d).tpotS, first.tpotS);
        QCOMPARE(reopened->stats().misses, size_t(0));
    }

    // Two writers on one file (as two sweeps sharing a cache): no rows lost, file intact.
    void concurrentWritersShareTheFile()
    {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/sim.sqlite").toStdString();
        auto work = [&](int rowsFrom) {
            SimCache c(path, 7);
            SimulationEstimator sim(std::shared_ptr<SimCache>(&c, [](SimCache*) {}));
            for (int r = rowsFrom; r < rowsFrom + 6; ++r)
                sim.evaluate(templateDesign({{"hardware.array_rows", 32 * r}}));
        };
        std::thread a(work, 1), b(work, 4); // overlapping designs 4..6
        a.join();
        b.join();
        SimCache check(path);
        const size_t entries = check.stats().loaded;
        SimCache solo("");
        SimulationEstimator sim(std::shared_ptr<SimCache>(&solo, [](SimCache*) {}));
        for (int r = 1; r < 10; ++r) sim.evaluate(templateDesign({{"hardware.array_rows", 32 * r}}));
        QCOMPARE(entries, solo.stats().entries);
    }

    // A template sweep through the ordinary sweep runner: area is a metric and an objective,
    // over-budget FPGA points are counted infeasible and kept off the front.
    void templateSweepWithAreaObjective()
    {
        QTemporaryDir dir;
        setDefaultSimCachePath((dir.path() + "/cache.sqlite").toStdString());
        const Study study = parseStudy(
            QJsonObject{{"base", QJsonObject{{"model", "llama-3.2-1b"}, {"hardware", "template-fpga-u280"},
                                             {"weights", "int8"}, {"activations", "int8"}, {"prompt", 256}, {"output", 32}}},
                        {"grid", QJsonObject{{"hardware.array_rows", QJsonArray{16, 64, 256}},
                                             {"hardware.array_cols", QJsonArray{16, 64, 256}}}},
                        {"objectives", QJsonArray{"tpot_s", "fpga_utilisation"}},
                        {"estimator", "simulation"}},
            "inline");
        const std::string out = (dir.path() + "/r.sqlite").toStdString();
        auto sink = openSink(out, SinkMode::Create);
        SweepOptions opts;
        opts.pareto = true;
        const SweepSummary r = runSweep(study, *sink, false, opts);
        QCOMPARE(r.evaluated, std::int64_t(9));
        QCOMPARE(r.invalid, std::int64_t(0));
        QVERIFY(r.infeasible >= 1); // 2 x 256 x 256 int8 PEs need 65,536 DSP slices of 9,024
        QVERIFY(!r.front.empty());
        for (const auto& p : r.front) QVERIFY(p.objectives[1] <= 1.0);
        setDefaultSimCachePath("none");
    }

    // A cache on read-only media (or, for a non-root user, a write-protected file) is read, not
    // written: its entries serve hits, new results stay in memory, `cache stats` works.
    void readOnlyCacheIsReadNotWritten()
    {
        test::ReadOnlyFolder folder;
        if (!folder.usable()) QSKIP(qPrintable(folder.error()));
        const std::string path = folder.path("ro.sqlite").toStdString();
        const Design d = templateDesign();
        Metrics first;
        {
            auto cache = std::make_shared<SimCache>(path);
            first = SimulationEstimator(cache).evaluate(d);
        }
        QVERIFY2(folder.makeReadOnly(), qPrintable(folder.error()));
        auto ro = std::make_shared<SimCache>(path);
        QVERIFY(ro->readOnly());
        QVERIFY(ro->stats().loaded > 0);
        SimulationEstimator sim(ro);
        QCOMPARE(sim.evaluate(d).tpotS, first.tpotS);
        QCOMPARE(ro->stats().misses, size_t(0));
        sim.evaluate(templateDesign({{"hardware.array_rows", 48}})); // new entries: kept in memory
        ro->flush();
        QVERIFY(ro->stats().misses > 0);
        const auto r = test::runLlmdse({"cache", "stats", "--file", QString::fromStdString(path)});
        QVERIFY2(r.exitCode == 0 && r.out.contains("integrity: ok"), qPrintable(r.err));
    }

    void cacheCommand()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + "/c.sqlite";
        auto r = test::runLlmdse({"evaluate", "--model", "llama-2-7b", "--hardware", "template-systolic",
                                  "--estimator", "simulation", "--sim-cache", path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = test::runLlmdse({"cache", "stats", "--file", path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("integrity: ok"));
        QVERIFY(!r.out.contains("entries:   0 "));
        QCOMPARE(test::runLlmdse({"cache", "clear", "--file", path}).exitCode, 0);
        QVERIFY(test::runLlmdse({"cache", "stats", "--file", path}).out.contains("entries:   0 "));
        QCOMPARE(test::runLlmdse({"cache", "vacuum", "--file", path}).exitCode, 0);
        QCOMPARE(test::runLlmdse({"cache", "frobnicate", "--file", path}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestSimulation)
#include "tst_simulation.moc"
