// How a runtime runs each stored weight format, CPU thread counts and the per-pass cost,
// each against a cost worked out by hand for one matmul on a simple target:
// fp32 peak 1 TFLOP/s, int8 peak 4 TOP/s, vector 0.5 TFLOP/s, 100 GB/s memory.
#include "core/Design.h"
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/Json.h"
#include "core/RuntimeProfileJson.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/analytical/OpTiming.h"
#include "models/DesignJson.h"
#include "models/OpGraph.h"

#include <QtTest>

using namespace llmdse;

namespace {

HardwareSpec simpleCpu(int cores = 0, int threads = 0, double perCoreGbS = 0)
{
    QJsonObject cpu{{"cores", cores}, {"threads", threads}, {"per_core_bandwidth_gb_s", perCoreGbS}};
    QJsonObject o{{"id", "simple"}, {"class", "cpu"}, {"process_nm", 7},
                  {"peak_tflops", QJsonObject{{"fp32", 1.0}, {"int8", 4.0}}}, {"vector_tflops", 0.5},
                  {"memory", QJsonArray{QJsonObject{{"name", "DRAM"}, {"capacity_gb", 64}, {"bandwidth_gb_s", 100}}}},
                  {"power", QJsonObject{{"tdp_w", 100}}}, {"source", "test"}};
    if (cores > 0) o["cpu"] = cpu;
    return hardwareFromJson(o, "simple.json");
}

RuntimeProfile profile(const QJsonObject& extra)
{
    QJsonObject o{{"id", "test"}, {"efficiency", QJsonObject{{"gemm", 0.8}, {"bandwidth", 0.5}, {"elementwise_bandwidth", 0.25}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it) o[it.key()] = it.value();
    return runtimeFromJson(o, "test.json");
}

// One decode GEMV: 1 x 1024 activations (fp32) times a 1024 x 1024 int8 weight in groups of 32.
Op gemv(Precision act = Precision::FP32, std::int64_t m = 1)
{
    Op op;
    op.name = "w";
    op.cls = OpClass::Matmul;
    op.precision = act;
    op.weightPrecision = Precision::INT8;
    op.m = m, op.n = 1024, op.k = 1024;
    op.flops.x0 = 2.0 * m * 1024 * 1024;
    op.weightElements = 1024.0 * 1024;
    op.weightBytes = op.weightElements * (1 + 2.0 / 32);
    op.weightGroup = 32;
    op.dequantFlops = 2.0 * 1024 * 1024;
    return op;
}

OpTime time(const Op& op, const RuntimeProfile& rt, const HardwareSpec& hw)
{
    Design d;
    d.hardware = hw;
    d.runtime = rt;
    const TargetRates r(d, Phase::Decode);
    return timeOp(op, r);
}

} // namespace

class TestWeightKernels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dequantizeChargesTheVectorUnits()
    {
        const OpTime t = time(gemv(), profile({}), simpleCpu());
        // compute: 2.1 MFLOP at 0.8 TFLOP/s (fp32: the activations' precision) + 2.1 MFLOP of unpacking at 0.5 TFLOP/s
        QCOMPARE(t.compute.x0, 2.0 * 1024 * 1024 / 0.8e12 + 2.0 * 1024 * 1024 / 0.5e12);
        QCOMPARE(t.memory.x0, 1024.0 * 1024 * 1.0625 / (100e9 * 0.5));
        QCOMPARE(t.serial, 0.0);
    }

    void convertActivationsRunsAtTheFormatsRate()
    {
        const RuntimeProfile rt = profile({{"weight_formats", QJsonObject{{"int8", QJsonObject{{"kernel", "convert_activations"},
                                                                                                {"gemm", 0.5}, {"bandwidth", 0.75}}}}}});
        const OpTime t = time(gemv(), rt, simpleCpu());
        QCOMPARE(t.compute.x0, 2.0 * 1024 * 1024 / (4e12 * 0.5));          // int8 peak x the format's efficiency, no unpacking
        QCOMPARE(t.memory.x0, 1024.0 * 1024 * 1.0625 / (100e9 * 0.75));    // the format's own streaming efficiency
        // The activation row (1024 fp32) is read once and written as int8 blocks with a 2-byte scale per 32.
        QCOMPARE(t.serial, 1024.0 * (4 + 1 + 2.0 / 32) / (100e9 * 0.25));
    }

    void fabricUnpacksForFree()
    {
        const RuntimeProfile rt = profile({{"weight_formats", QJsonObject{{"int8", QJsonObject{{"kernel", "fabric"}}}}}});
        const OpTime t = time(gemv(), rt, simpleCpu());
        QCOMPARE(t.compute.x0, 2.0 * 1024 * 1024 / 0.8e12); // the profile's efficiency at the activation precision
        QCOMPARE(t.memory.x0, 1024.0 * 1024 * 1.0625 / (100e9 * 0.5));
        QCOMPARE(t.serial, 0.0);
    }

    void eagerActivationQuantisationIsTwoPasses()
    {
        Op op = gemv(Precision::INT8, 16);
        op.dequantFlops = 0;
        const OpTime fused = time(op, profile({}), simpleCpu());
        const OpTime eager = time(op, profile({{"activation_quantization", "eager"}}), simpleCpu());
        QCOMPARE(fused.serial, 0.0);
        // 16 x 1024 inputs: read in 16 bits for the amax, read again and written in 8 bits.
        QCOMPARE(eager.serial, 16.0 * 1024 * (2 + 2 + 1) / (100e9 * 0.25));
        QCOMPARE(eager.compute.x0, fused.compute.x0);
    }

    void threadsShareTheCores()
    {
        // 4 cores, 1 thread: a quarter of the peaks; one core streams at most 20 of the 100 GB/s.
        const OpTime one = time(gemv(), profile({}), simpleCpu(4, 1, 20));
        QCOMPARE(one.compute.x0, 2.0 * 1024 * 1024 / (0.25 * 0.8e12) + 2.0 * 1024 * 1024 / (0.25 * 0.5e12));
        QCOMPARE(one.memory.x0, 1024.0 * 1024 * 1.0625 / (20e9 * 0.5));
        const OpTime all = time(gemv(), profile({}), simpleCpu(4, 0, 20));
        QCOMPARE(all.memory.x0, 1024.0 * 1024 * 1.0625 / (100e9 * 0.5));
        const OpTime three = time(gemv(), profile({}), simpleCpu(4, 3, 20));
        QCOMPARE(three.memory.x0, 1024.0 * 1024 * 1.0625 / (60e9 * 0.5));
    }

    void threadsNeedACoreCount()
    {
        Design d = designFromJson({{"model", "llama-3-8b"}, {"hardware", "xeon-8480-amx"}, {"prompt", 2048}});
        QCOMPARE(d.hardware.cpuCores, 56);
        QVERIFY_THROWS_EXCEPTION(InputError, designFromJson({{"model", "smollm-135m"}, {"hardware", "h100-sxm"}, {"hardware.threads", 4}}));
        const Metrics all = AnalyticalEstimator().evaluate(d);
        d.hardware.threads = 28;
        const Metrics half = AnalyticalEstimator().evaluate(d);
        QVERIFY(half.ttftS > 1.5 * all.ttftS); // prefill is compute-bound: half the cores, about twice the time
    }

    void everyForwardPassPaysTheStepCost()
    {
        Design d = designFromJson({{"model", "smollm-135m"}, {"hardware", "xeon-8480-amx"}, {"prompt", 64}, {"output", 11}});
        d.runtime.stepOverheadS = 0;
        const Metrics base = AnalyticalEstimator().evaluate(d);
        d.runtime.stepOverheadS = 1e-3;
        const Metrics stepped = AnalyticalEstimator().evaluate(d);
        QVERIFY(std::abs(stepped.ttftS - base.ttftS - 1e-3) < 1e-9);           // one prefill pass
        QVERIFY(std::abs(stepped.tpotS - base.tpotS - 1e-3) < 1e-9);           // one pass per decode step
        QVERIFY(std::abs(stepped.e2eS - base.e2eS - 11 * 1e-3) < 1e-9);        // the prefill and 10 steps
    }

    void quantisedHeadStreamsItsFormat()
    {
        Design d = designFromJson({{"model", "smollm-135m"}, {"hardware", "xeon-8480-amx"}, {"weights", "int8:g32"}});
        const Metrics plain = AnalyticalEstimator().evaluate(d, true);
        d.opts.quantizedHead = true;
        const Metrics quantised = AnalyticalEstimator().evaluate(d, true);
        auto headBytes = [](const Metrics& m) {
            for (const auto& op : m.ops)
                if (op.name == "lm_head" && op.phase == "decode") return op.weightBytes;
            return 0.0;
        };
        const double elements = double(d.model.vocab) * d.model.hidden;
        QCOMPARE(headBytes(plain), elements * 2.0);                // fp16 activations: fp16 head
        QCOMPARE(headBytes(quantised), elements * (1 + 2.0 / 32)); // int8 values and an fp16 scale per 32
    }

    void profileJsonRoundTrips()
    {
        const RuntimeProfile rt = profile({{"step_overhead_us", 250}, {"activation_quantization", "eager"},
                                           {"weight_formats", QJsonObject{{"int4", QJsonObject{{"kernel", "convert_activations"},
                                                                                               {"gemm", 1.7}, {"bandwidth", 0.6}}}}}});
        const RuntimeProfile back = runtimeFromJson(toJson(rt), "back.json");
        QCOMPARE(back.stepOverheadS, 250e-6);
        QVERIFY(back.activationQuantization == ActivationQuantization::Eager);
        const auto& k = back.weightKernels[int(Precision::INT4)];
        QVERIFY(k.set && k.kind == WeightKernel::ConvertActivations);
        QCOMPARE(k.gemmEfficiency, 1.7);
        QCOMPARE(k.bandwidthEfficiency, 0.6);
        QVERIFY_THROWS_EXCEPTION(InputError, profile({{"weight_formats", QJsonObject{{"int4", QJsonObject{{"kernel", "magic"}}}}}}));
        QVERIFY_THROWS_EXCEPTION(InputError, profile({{"weight_formats", QJsonObject{{"int3", QJsonObject{}}}}}));
    }
};

QTEST_GUILESS_MAIN(TestWeightKernels)
#include "tst_weight_kernels.moc"
