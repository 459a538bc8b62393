// The analytical estimator against physics worked out from the operator graph:
// roofline limits, monotonic trends, energy bookkeeping, closed-form sums.
#include "estimators/analytical/AffineSum.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/MemoryModel.h"
#include "estimators/analytical/OpTiming.h"
#include "estimators/energy/EnergyModel.h"
#include "models/DesignFields.h"
#include "models/DesignJson.h"
#include "models/OpGraph.h"

#include <QRegularExpression>
#include <QtTest>
#include <random>
#include <set>

using namespace llmdse;

namespace {

Design design(const QJsonObject& o) { return designFromJson(o); }

Design roofline(int batch, int prompt, int context)
{
    return design({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"runtime", "roofline"}, {"batch", batch},
                   {"prompt", prompt}, {"output", 128}, {"context", context}});
}

Metrics evaluate(const Design& d, bool ops = false) { return AnalyticalEstimator().evaluate(d, ops); }

bool relEq(double a, double b, double tol) { return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b)); }

void setField(Design& d, const char* key, const QJsonValue& v)
{
    const DesignField& f = requireDesignField(key, key);
    f.apply(d, f.parse(v, key));
}

} // namespace

#define QVERIFY_REL(a, b, tol) \
    QVERIFY2(relEq((a), (b), (tol)), qPrintable(QString("%1 vs %2").arg(a, 0, 'g', 15).arg(b, 0, 'g', 15)))

class TestEstimator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void memoryBoundDecodeIsBytesOverBandwidth_data()
    {
        QTest::addColumn<int>("context");
        QTest::newRow("c=1") << 1;
        QTest::newRow("c=700") << 700;
        QTest::newRow("c=4096") << 4096;
    }

    // Batch-1 decode moves ~13.5 GB for ~13.5 GFLOP: every op is far below the
    // H100's ridge point (~295 FLOP/byte), so the step takes bytes / bandwidth.
    void memoryBoundDecodeIsBytesOverBandwidth()
    {
        QFETCH(int, context);
        const Design d = roofline(1, 512, context);
        OpGraph g;
        buildDecode(d.model, d.opts, d.parallel, 1, g);
        const double bytes = g.totalBytes(context);
        const Metrics m = evaluate(d, true);
        QVERIFY_REL(m.tpotS, bytes / d.hardware.mainMemory().bandwidthBytesPerS, 1e-9);
        QVERIFY_REL(m.decodeStep.bytes, bytes, 1e-12);
        QVERIFY_REL(m.decodeStep.flops, g.totalFlops(context), 1e-12);
        for (const OpCost& op : m.ops)
            if (op.phase == "decode") QVERIFY2(op.bound == Bound::Memory, op.name.c_str());
        QCOMPARE(m.decodeStep.breakdown.compute, 0.0);
        QCOMPARE(m.decodeStep.breakdown.overhead, 0.0); // roofline: no kernel costs
    }

    // Quantised weights on a CPU-like profile, worked by hand: a batch-1 GEMV pays per-weight and
    // per-scale-group unpacking (overlapped with the weight stream), a multi-row GEMM pays a repack
    // per weight element whatever the format.
    void weightUnpackAndRepackCosts()
    {
        Design d = design({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"runtime", "roofline"},
                           {"batch", 1}, {"prompt", 16}, {"output", 4}, {"weights", "int4:g32"}});
        d.runtime.gemvUnpackSPerWeight[int(Precision::INT4)] = 40e-12;
        d.runtime.gemvUnpackSPerGroup = 2e-9;
        d.runtime.gemmPackWeightsPerS = 8e9;
        d.runtime.impl(OpClass::Matmul).kernels = 1; // the roofline profile has no kernels to pay set-up for
        OpGraph dec, pre;
        buildDecode(d.model, d.opts, d.parallel, 1, dec);
        buildPrefill(d.model, d.opts, d.parallel, 1, 16, pre);
        const Op& gemv = dec.ops[size_t(std::find_if(dec.ops.begin(), dec.ops.end(), [](const Op& o) {
                                            return std::string(o.name) == "mlp.down_proj";
                                        }) - dec.ops.begin())];
        const double elements = double(d.model.hidden) * d.model.intermediate;
        QCOMPARE(gemv.weightElements, elements);
        QCOMPARE(gemv.weightGroup, 32);
        Design plain = d;
        plain.runtime.gemvUnpackSPerWeight = {};
        plain.runtime.gemvUnpackSPerGroup = 0;
        plain.runtime.gemmPackWeightsPerS = 0;
        const OpTime t = timeOp(gemv, TargetRates(d, Phase::Decode));
        const OpTime t0 = timeOp(gemv, TargetRates(plain, Phase::Decode));
        const double unpack = elements * (40e-12 + 2e-9 / 32); // 4.6 ms: far above the 0.03 ms weight stream
        QVERIFY_REL(t.compute.x0, t0.compute.x0 + unpack, 1e-12);
        QVERIFY_REL(t.at(0), t.compute.x0, 1e-12);
        QCOMPARE(t.overhead, t0.overhead);
        for (const Op& op : pre.ops)
            if (std::string(op.name) == "mlp.down_proj") {
                const OpTime p = timeOp(op, TargetRates(d, Phase::Prefill));
                const OpTime p0 = timeOp(op, TargetRates(plain, Phase::Prefill));
                QVERIFY_REL(p.overhead, p0.overhead + elements / 8e9, 1e-12);
                QCOMPARE(p.compute.x0, p0.compute.x0); // no GEMV unpacking in a 16-row GEMM
            }
        // lm_head stays unquantised: nothing to unpack.
        for (const Op& op : dec.ops)
            if (std::string(op.name) == "lm_head")
                QCOMPARE(timeOp(op, TargetRates(d, Phase::Decode)).compute.x0,
                         timeOp(op, TargetRates(plain, Phase::Decode)).compute.x0);
    }

    // 32 x 2048 tokens: the GEMMs see 65536 rows, far above the ridge point.
    void computeBoundPrefillIsFlopsOverPeak()
    {
        const Design d = roofline(32, 2048, 0);
        OpGraph g;
        buildPrefill(d.model, d.opts, d.parallel, 32, 2048, g);
        const double peak = d.hardware.peakFor(Precision::FP16);
        const double bw = d.hardware.mainMemory().bandwidthBytesPerS;
        double matrixFlops = 0, roofline = 0;
        for (const Op& op : g.ops) {
            const bool matrix = op.cls == OpClass::Matmul || op.cls == OpClass::Attention;
            const double rate = matrix ? peak : d.hardware.vectorFlops;
            roofline += op.count * std::max(op.flops.x0 / rate, op.bytes().x0 / bw);
            if (matrix) matrixFlops += op.count * op.flops.x0;
        }
        const Metrics m = evaluate(d, true);
        // Exactly the per-op roofline; matrix FLOPs at peak are most of it (the rest is the
        // elementwise traffic of 65536 rows, ~13%, and the memory-bound 32-row lm_head).
        QVERIFY_REL(m.ttftS, roofline, 1e-9);
        QVERIFY(m.ttftS >= matrixFlops / peak);
        QVERIFY2(matrixFlops / peak > 0.85 * m.ttftS, qPrintable(QString::number(matrixFlops / peak / m.ttftS)));
        QVERIFY_REL(m.prefill.flops, g.totalFlops(), 1e-12);
        for (const OpCost& op : m.ops)
            if (op.phase == "prefill" && op.cls == OpClass::Matmul && op.name != "lm_head")
                QVERIFY2(op.bound == Bound::Compute, op.name.c_str());
    }

    void decodeTimeGrowsWithContext()
    {
        double last = 0;
        for (int c : {128, 1024, 4096, 16384}) {
            const Metrics m = evaluate(design({{"model", "llama-3-8b"}, {"hardware", "h100-sxm"}, {"batch", 8}, {"context", c}}));
            QVERIFY2(m.tpotS > last, qPrintable(QString::number(c)));
            last = m.tpotS;
        }
    }

    void int4DecodesFasterThanFp16_data()
    {
        QTest::addColumn<QString>("hardware");
        for (const char* hw : {"h100-sxm", "a100-80gb", "l4", "jetson-agx-orin", "epyc-9654", "xeon-8480-amx", "m2-ultra"})
            QTest::newRow(hw) << hw;
    }

    void int4DecodesFasterThanFp16()
    {
        QFETCH(QString, hardware);
        QJsonObject o{{"model", "llama-2-7b"}, {"hardware", hardware}, {"batch", 1}, {"weights", "fp16"}};
        const double fp16 = evaluate(design(o)).tpotS;
        o["weights"] = "int4";
        const Metrics int4 = evaluate(design(o));
        QVERIFY2(int4.tpotS < fp16, qPrintable(QString("int4 %1 s vs fp16 %2 s").arg(int4.tpotS).arg(fp16)));
        QVERIFY(int4.memory.weightsBytes < 0.3 * 2 * 6738415616.0);
    }

    void moreBandwidthDecodesFaster()
    {
        Design d = design({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"batch", 1}});
        const double base = evaluate(d).tpotS;
        setField(d, "hardware.memory_bandwidth", 2 * 3350.0); // GB/s
        QCOMPARE(d.hardware.mainMemory().bandwidthBytesPerS, 6.7e12);
        const double faster = evaluate(d).tpotS;
        QVERIFY(faster < base);
        QVERIFY(faster > base / 2); // kernel overheads do not shrink with bandwidth

        // Pure roofline and memory-bound: twice the bandwidth, exactly half the time.
        Design r = roofline(1, 512, 1000);
        const double t1 = evaluate(r).tpotS;
        r.hardware.memory.front().bandwidthBytesPerS *= 2;
        QVERIFY_REL(evaluate(r).tpotS, t1 / 2, 1e-12);
    }

    void energyIsDynamicPlusStatic_data()
    {
        QTest::addColumn<QString>("runtime");
        QTest::addColumn<int>("batch");
        QTest::newRow("torch-cudagraph b1") << "torch-cudagraph" << 1;
        QTest::newRow("torch-cudagraph b64") << "torch-cudagraph" << 64;
        QTest::newRow("roofline b8") << "roofline" << 8;
    }

    void energyIsDynamicPlusStatic()
    {
        QFETCH(QString, runtime);
        QFETCH(int, batch);
        const Design d = design({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"runtime", runtime},
                                 {"batch", batch}, {"prompt", 1024}, {"output", 64}, {"context", 1500}});
        const Metrics m = evaluate(d);
        const EnergyModel e(d);
        // One device, everything fp16, no communication: per-op dynamic energy is linear, so the
        // phase total is the dynamic energy of its FLOPs and bytes plus static power x time (the busy
        // part partly shed during the phase's fixed overhead time).
        for (const PhaseCost* p : {&m.prefill, &m.decodeStep}) {
            const double dynamic = e.dynamicJ(Precision::FP16, p->flops, p->bytes, 0, 0);
            QVERIFY(dynamic > 0);
            QVERIFY_REL(p->energyJ, dynamic + e.staticJ(p->timeS, p->breakdown.overhead), 1e-9);
            QVERIFY(e.staticJ(p->timeS) >= d.hardware.idleW * p->timeS);
        }
        // Average power falls out of energy / time: above idle, and at most TDP where the
        // runtime models power capping (the ideal roofline does not).
        QVERIFY2(m.avgPowerW > d.hardware.idleW, qPrintable(QString::number(m.avgPowerW)));
        if (d.runtime.powerCapped) QVERIFY2(m.avgPowerW <= d.hardware.tdpW * m.devices, qPrintable(QString::number(m.avgPowerW)));
        QVERIFY_REL(m.avgPowerW, m.totalEnergyJ / m.e2eS, 1e-12);
        QVERIFY_REL(m.tokensPerJ * m.energyPerTokenJ, 1.0, 1e-12);
        QVERIFY_REL(m.energyPerTokenJ, m.decodeStep.energyJ / batch, 1e-12);
    }

    void averagePowerWithinDeviceLimits()
    {
        for (int tp : {1, 2, 4}) {
            const Design d = design({{"model", "llama-2-13b"}, {"hardware", "h100-sxm"}, {"batch", 16}, {"tp", tp}});
            const Metrics m = evaluate(d);
            QCOMPARE(m.devices, tp);
            QVERIFY2(m.avgPowerW > d.hardware.idleW * tp, qPrintable(QString::number(m.avgPowerW)));
            QVERIFY2(m.avgPowerW <= d.hardware.tdpW * tp, qPrintable(QString::number(m.avgPowerW)));
        }
    }

    // sumMaxAffine's closed form against the obvious loop.
    void affineMaxSumMatchesLoop()
    {
        std::mt19937_64 rng(12345);
        std::uniform_real_distribution<double> x0(0, 10), x1(-0.05, 0.05);
        std::uniform_int_distribution<int> c0s(0, 2000), ns(0, 600);
        auto check = [](const Affine& a, const Affine& b, double c0, double n) {
            double total = 0, aDominant = 0;
            for (double c = c0; c < c0 + n; ++c) {
                const double va = a.at(c), vb = b.at(c);
                total += std::max(va, vb);
                if (va >= vb) aDominant += va;
            }
            const MaxSum s = sumMaxAffine(a, b, c0, n);
            const double scale = std::max(1.0, total);
            QVERIFY2(std::abs(s.total - total) <= 1e-9 * scale, qPrintable(QString("%1 vs %2").arg(s.total, 0, 'g', 17).arg(total, 0, 'g', 17)));
            QVERIFY2(std::abs(s.aDominant - aDominant) <= 1e-9 * scale,
                     qPrintable(QString("a part %1 vs %2").arg(s.aDominant, 0, 'g', 17).arg(aDominant, 0, 'g', 17)));
            QVERIFY(std::abs(sumAffine(a, c0, n) - [&] { double t = 0; for (double c = c0; c < c0 + n; ++c) t += a.at(c); return t; }()) <= 1e-9 * std::max(1.0, std::abs(total)));
        };
        for (int i = 0; i < 2000; ++i) {
            check({x0(rng), x1(rng)}, {x0(rng), x1(rng)}, c0s(rng), ns(rng));
            if (QTest::currentTestFailed()) return;
        }
        // Edges: parallel lines, identical lines, a crossing exactly on an integer context, empty range.
        check({1, 0.5}, {2, 0.5}, 0, 100);
        check({3, 0.1}, {3, 0.1}, 5, 50);
        check({0, 1}, {10, 0}, 0, 20);   // a == b at c = 10
        check({10, 0}, {0, 1}, 0, 20);
        check({1, 1}, {2, 2}, 0, 0);
    }

    // The mean over N decode steps (context 0) is the mean of the steps evaluated one by one.
    void meanTpotIsMeanOfSteps_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("prompt");
        QTest::addColumn<double>("peakTflops"); // 0: the preset's
        QTest::newRow("llama-2-7b b1") << "llama-2-7b" << 1 << 300 << 0.0;
        QTest::newRow("llama-3-8b b16") << "llama-3-8b" << 16 << 1 << 0.0;
        // A weak fp16 engine (2.5x the bandwidth in FLOP/s) makes decode attention switch from
        // memory- to compute-bound at c ~ 6.7, inside the range: exercises the split of the sum.
        QTest::newRow("llama-3-8b crossing") << "llama-3-8b" << 16 << 1 << 2.5 * 3.35;
    }

    void meanTpotIsMeanOfSteps()
    {
        QFETCH(QString, model);
        QFETCH(int, batch);
        QFETCH(int, prompt);
        QFETCH(double, peakTflops);
        Design d = design({{"model", model}, {"hardware", "h100-sxm"}, {"batch", batch}, {"prompt", prompt}, {"output", 40}});
        if (peakTflops > 0) {
            d.runtime = designFromJson({{"model", model}, {"hardware", "h100-sxm"}, {"runtime", "roofline"}}).runtime;
            d.hardware.peakFlops.fill(0);
            d.hardware.peakFlops[int(Precision::FP16)] = peakTflops * 1e12;
        }
        const Metrics mean = evaluate(d);
        // Steps 2..N attend over prompt+1 .. prompt+N-1 tokens (token 1 came from prefill).
        double sum = 0;
        std::set<int> bounds;
        for (int c = prompt + 1; c <= prompt + 39; ++c) {
            Design step = d;
            step.workload.context = c;
            const Metrics s = evaluate(step, true);
            sum += s.tpotS;
            for (const OpCost& op : s.ops)
                if (op.name == "attn.flash") bounds.insert(int(op.bound));
        }
        QVERIFY_REL(mean.tpotS, sum / 39, 1e-9);
        QVERIFY_REL(mean.decodeTotal.timeS, sum, 1e-9);
        QVERIFY_REL(mean.e2eS, mean.ttftS + sum, 1e-9);
        if (peakTflops > 0) QCOMPARE(bounds.size(), size_t(2)); // really crossed
    }

    void memoryFootprint()
    {
        const Design big = design({{"model", "llama-3-70b"}, {"hardware", "l4"}, {"weights", "fp16"}});
        const MemoryFootprint f = llmdse::memoryFootprint(big);
        QVERIFY(!f.fits);
        static const QRegularExpression notFit(R"(^does not fit: needs (\d+\.\d) GB, has (\d+\.\d) GB$)");
        const auto match = notFit.match(QString::fromStdString(f.fitMessage()));
        QVERIFY2(match.hasMatch(), f.fitMessage().c_str());
        QCOMPARE(match.captured(1), QString::number(f.totalBytes() / 1e9, 'f', 1));
        QCOMPARE(match.captured(2), QString("24.0"));

        // Llama-2-7B, fp16, batch 2 x (512 + 128) tokens on an 80 GB H100.
        const Design small = design({{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}, {"batch", 2}, {"prompt", 512}, {"output", 128}});
        const MemoryFootprint s = llmdse::memoryFootprint(small);
        QVERIFY(s.fits);
        QCOMPARE(s.weightsBytes, 2.0 * 6738415616.0);
        QCOMPARE(s.kvCacheBytes, 2.0 * 640 * 32 * 2 * 32 * 128 * 2); // B (S+N) L (k,v) kvHeads hd bytes
        QVERIFY(QString::fromStdString(s.fitMessage()).startsWith("fits: needs"));
        // Tensor parallelism splits weights and KV heads across devices.
        Design tp2 = small;
        tp2.parallel.tensor = 2;
        QCOMPARE(llmdse::memoryFootprint(tp2).weightsBytes, s.weightsBytes / 2);
        QCOMPARE(llmdse::memoryFootprint(tp2).kvCacheBytes, s.kvCacheBytes / 2);
    }
};

QTEST_GUILESS_MAIN(TestEstimator)
#include "tst_estimator.moc"
