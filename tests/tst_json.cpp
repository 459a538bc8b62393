// JSON codecs read back what they write: hardware, runtime profiles, models
// (as Hugging Face configs), designs; and the quantisation format syntax.
#include "core/Errors.h"
#include "core/HardwareSpecJson.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeProfileJson.h"
#include "core/RuntimeZoo.h"
#include "models/DesignJson.h"
#include "models/HfConfigImporter.h"
#include "models/ModelSpecJson.h"
#include "models/ModelZoo.h"

#include <QJsonDocument>
#include <QtTest>

using namespace llmdse;

namespace {

// Units are scaled on the way out (GB/s, TFLOP/s, us) and back, so allow rounding in the last bits.
bool near(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b)); }

// A JSON text round trip too, so what is compared really went through a file's bytes.
QJsonObject viaText(const QJsonObject& o) { return QJsonDocument::fromJson(QJsonDocument(o).toJson()).object(); }

} // namespace

#define QVERIFY_NEAR(a, b) QVERIFY2(near((a), (b)), qPrintable(QString("%1 vs %2: " #a).arg(a, 0, 'g', 17).arg(b, 0, 'g', 17)))

class TestJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hardwareRoundTrip_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& hw : hardwareZoo()) QTest::newRow(hw.id.c_str()) << QString::fromStdString(hw.id);
    }

    void hardwareRoundTrip()
    {
        QFETCH(QString, id);
        const HardwareSpec a = resolveHardware(id.toStdString());
        const HardwareSpec b = hardwareFromJson(viaText(toJson(a)), "roundtrip.json");
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.name, a.name);
        QVERIFY(b.cls == a.cls);
        QCOMPARE(b.vendor, a.vendor);
        QCOMPARE(b.source, a.source);
        QCOMPARE(b.notes, a.notes);
        QVERIFY_NEAR(b.processNm, a.processNm);
        QVERIFY_NEAR(b.clockGhz, a.clockGhz);
        for (int i = 0; i < kPrecisionCount; ++i) QVERIFY_NEAR(b.peakFlops[i], a.peakFlops[i]);
        QVERIFY_NEAR(b.vectorFlops, a.vectorFlops);
        QCOMPARE(b.memory.size(), a.memory.size());
        for (size_t i = 0; i < a.memory.size(); ++i) {
            QCOMPARE(b.memory[i].name, a.memory[i].name);
            QCOMPARE(b.memory[i].kind, a.memory[i].kind);
            QVERIFY_NEAR(b.memory[i].capacityBytes, a.memory[i].capacityBytes);
            QVERIFY_NEAR(b.memory[i].bandwidthBytesPerS, a.memory[i].bandwidthBytesPerS);
            QVERIFY_NEAR(b.memory[i].energyPjPerBit, a.memory[i].energyPjPerBit);
        }
        QVERIFY_NEAR(b.sramBytes, a.sramBytes);
        QVERIFY_NEAR(b.sramBandwidthBytesPerS, a.sramBandwidthBytesPerS);
        QVERIFY_NEAR(b.sramEnergyPjPerBit, a.sramEnergyPjPerBit);
        QVERIFY_NEAR(b.tdpW, a.tdpW);
        QVERIFY_NEAR(b.idleW, a.idleW);
        QCOMPARE(b.interconnect.name, a.interconnect.name);
        QVERIFY_NEAR(b.interconnect.bandwidthBytesPerS, a.interconnect.bandwidthBytesPerS);
        QVERIFY_NEAR(b.interconnect.latencyS, a.interconnect.latencyS);
        QVERIFY_NEAR(b.pimInternalBandwidthBytesPerS, a.pimInternalBandwidthBytesPerS);
        QVERIFY_NEAR(b.pimComputeFlops, a.pimComputeFlops);
        QVERIFY_NEAR(b.pimEnergyPjPerBit, a.pimEnergyPjPerBit);
    }

    void runtimeRoundTrip_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& r : runtimeZoo()) QTest::newRow(r.id.c_str()) << QString::fromStdString(r.id);
    }

    void runtimeRoundTrip()
    {
        QFETCH(QString, id);
        const RuntimeProfile a = resolveRuntime(id.toStdString());
        const RuntimeProfile b = runtimeFromJson(viaText(toJson(a)), "roundtrip.json");
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.description, a.description);
        QCOMPARE(b.provenance, a.provenance);
        QVERIFY_NEAR(b.kernelOverheadS, a.kernelOverheadS);
        QVERIFY_NEAR(b.gemmSetupS, a.gemmSetupS);
        QVERIFY_NEAR(b.gemmEfficiency, a.gemmEfficiency);
        QVERIFY_NEAR(b.gemmHalfTokens, a.gemmHalfTokens);
        QVERIFY_NEAR(b.attentionEfficiency, a.attentionEfficiency);
        QVERIFY_NEAR(b.bandwidthEfficiency, a.bandwidthEfficiency);
        QVERIFY_NEAR(b.elementwiseEfficiency, a.elementwiseEfficiency);
        QVERIFY_NEAR(b.vectorEfficiency, a.vectorEfficiency);
        QVERIFY_NEAR(b.moeImbalance, a.moeImbalance);
        QCOMPARE(b.powerCapped, a.powerCapped);
        QCOMPARE(b.weightFormatKernels, a.weightFormatKernels);
        QVERIFY_NEAR(b.busyPowerFraction, a.busyPowerFraction);
        QVERIFY_NEAR(b.overheadIdleFraction, a.overheadIdleFraction);
        QVERIFY_NEAR(b.flopEnergyScale, a.flopEnergyScale);
        QVERIFY_NEAR(b.memoryEnergyScale, a.memoryEnergyScale);
        for (int i = 0; i < kOpClassCount; ++i) {
            QCOMPARE(b.ops[i].kernels, a.ops[i].kernels);
            QVERIFY_NEAR(b.ops[i].trafficFactor, a.ops[i].trafficFactor);
            QVERIFY_NEAR(b.ops[i].computeFactor, a.ops[i].computeFactor);
        }
    }

    void modelRoundTrip_data()
    {
        QTest::addColumn<QString>("id");
        for (const auto& m : modelZoo()) QTest::newRow(m.id.c_str()) << QString::fromStdString(m.id);
    }

    void modelRoundTrip()
    {
        QFETCH(QString, id);
        const ModelSpec a = resolveModel(id.toStdString());
        const ModelSpec b = importHfConfig(viaText(toHfConfig(a)), "roundtrip.json", "other-name");
        QCOMPARE(b.id, a.id); // llmdse_id wins over the file name
        QCOMPARE(b.family, a.family);
        QCOMPARE(b.source, a.source);
        QCOMPARE(b.hidden, a.hidden);
        QCOMPARE(b.layers, a.layers);
        QCOMPARE(b.heads, a.heads);
        QCOMPARE(b.kvHeads, a.kvHeads);
        QCOMPARE(b.headDim, a.headDim);
        QCOMPARE(b.intermediate, a.intermediate);
        QCOMPARE(b.vocab, a.vocab);
        QCOMPARE(b.maxPosition, a.maxPosition);
        QCOMPARE(b.ropeTheta, a.ropeTheta);
        QCOMPARE(b.normEps, a.normEps);
        QCOMPARE(b.tiedEmbeddings, a.tiedEmbeddings);
        QCOMPARE(b.qkvBias, a.qkvBias);
        QCOMPARE(b.outputBias, a.outputBias);
        QCOMPARE(b.mlpBias, a.mlpBias);
        QCOMPARE(b.experts, a.experts);
        QCOMPARE(b.expertsPerToken, a.expertsPerToken);
        QCOMPARE(b.expertIntermediate, a.expertIntermediate);
        QCOMPARE(b.sharedExperts, a.sharedExperts);
        QCOMPARE(b.sharedExpertIntermediate, a.sharedExpertIntermediate);
        QCOMPARE(b.normTopK, a.normTopK);
        QCOMPARE(b.totalParams(), a.totalParams());
        QCOMPARE(b.activeParamsPerToken(), a.activeParamsPerToken());
    }

    void designRoundTrip()
    {
        QJsonObject in{{"model", "llama-3-8b"}, {"hardware", "h200-sxm"}, {"runtime", "vllm"},
                       {"batch", 24}, {"prompt", 1000}, {"output", 77}, {"context", 1500},
                       {"weights", "int4:g64"}, {"activations", "bf16"}, {"kv", "int8:g32"},
                       {"fused_attention", false}, {"tp", 4}, {"pp", 2}, {"ep", 1}};
        const Design a = designFromJson(in, "design.json");
        QCOMPARE(a.workload.batch, 24);
        const Design b = designFromJson(viaText(toJson(a)), "roundtrip.json");
        QCOMPARE(b.model.id, a.model.id);
        QCOMPARE(b.hardware.id, a.hardware.id);
        QCOMPARE(b.runtime.id, std::string("vllm"));
        QCOMPARE(b.workload.batch, 24);
        QCOMPARE(b.workload.prompt, 1000);
        QCOMPARE(b.workload.output, 77);
        QCOMPARE(b.workload.context, 1500);
        QVERIFY(b.opts.weights.precision == Precision::INT4);
        QCOMPARE(b.opts.weights.groupSize, 64);
        QVERIFY(b.opts.activations == Precision::BF16);
        QVERIFY(b.opts.kvCache.precision == Precision::INT8);
        QCOMPARE(b.opts.kvCache.groupSize, 32);
        QCOMPARE(b.opts.fusedAttention, false);
        QCOMPARE(b.parallel.tensor, 4);
        QCOMPARE(b.parallel.pipeline, 2);
        QCOMPARE(b.parallel.expert, 1);
        QVERIFY(toJson(b) == toJson(a));
    }

    void designDefaultsRuntimeByClass()
    {
        QCOMPARE(designFromJson(QJsonObject{{"model", "llama-2-7b"}, {"hardware", "h100-sxm"}}).runtime.id,
                 std::string("torch-cudagraph"));
        QCOMPARE(designFromJson(QJsonObject{{"model", "llama-2-7b"}, {"hardware", "epyc-9654"}}).runtime.id,
                 std::string("llama.cpp"));
    }

    void quantFormat_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("precision");
        QTest::addColumn<int>("group");
        QTest::addColumn<double>("bytes");
        QTest::newRow("int4:g64") << "int4:g64" << int(Precision::INT4) << 64 << 0.5 + 2.0 / 64;
        QTest::newRow("int4") << "int4" << int(Precision::INT4) << 128 << 0.5 + 2.0 / 128;
        QTest::newRow("int8:g32") << "int8:g32" << int(Precision::INT8) << 32 << 1.0 + 2.0 / 32;
        QTest::newRow("fp8") << "fp8" << int(Precision::FP8) << 128 << 1.0;   // float formats carry no scales
        QTest::newRow("bf16") << "bf16" << int(Precision::BF16) << 128 << 2.0;
    }

    void quantFormat()
    {
        QFETCH(QString, text);
        QFETCH(int, precision);
        QFETCH(int, group);
        QFETCH(double, bytes);
        const QuantFormat q = parseQuantFormat(text.toStdString(), "weights");
        QCOMPARE(int(q.precision), precision);
        QCOMPARE(q.groupSize, group);
        QCOMPARE(q.bytesPerElementWithScales(), bytes);
        QCOMPARE(parseQuantFormat(toString(q), "weights").groupSize, group);
    }

    void quantFormatErrors_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* bad : {"int3", "int4:64", "int4:g", "int4:g0", "int4:g-8", "int4:g12x", ""})
            QTest::newRow(*bad ? bad : "empty") << bad;
    }

    void quantFormatErrors()
    {
        QFETCH(QString, text);
        try {
            parseQuantFormat(text.toStdString(), "kv");
            QFAIL("accepted a malformed format");
        } catch (const InputError& e) {
            QCOMPARE(e.field(), std::string("kv"));
        }
    }
};

QTEST_GUILESS_MAIN(TestJson)
#include "tst_json.moc"
