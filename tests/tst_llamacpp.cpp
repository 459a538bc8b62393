// llama.cpp as a measured runtime: an exported model gives llama.cpp the engine's logits,
// runs are timed, and every way it can be missing or wrong is exit 1 with a message.
// Skipped (with the reason) where llama.cpp is not installed: scripts/setup.sh --with-llamacpp.
#include "testsupport/TestSupport.h"
#include "core/Errors.h"
#include "estimators/measured/LlamaCpp.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "estimators/measured/LlamaCppCalibration.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/measured/MachineState.h"
#include "estimators/measured/CpuContention.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "core/RuntimeZoo.h"
#include "models/ModelZoo.h"
#include "models/engine/ReferenceEngine.h"
#include "models/gguf/GgufExport.h"
#include "models/gguf/GgufWriter.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace llmdse;

namespace {

test::RunResult runWithEnv(const QStringList& args, const QString& key, const QString& value)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(key, value);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LLMDSE_BINARY), args);
    test::RunResult r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace

class TestLlamaCpp : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    bool available_ = false;
    QString why_;

private Q_SLOTS:
    void initTestCase()
    {
        if (!llamaCppSupported()) {
            why_ = "built without llama.cpp's headers (scripts/setup.sh --with-llamacpp)";
            return;
        }
        try {
            llamaCppInfo();
            available_ = true;
        } catch (const InputError& e) {
            why_ = e.what();
        }
    }

    void exportedModelGivesTheEnginesLogits()
    {
        if (!available_) QSKIP(qPrintable(why_));
        const ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
        const std::string gguf = dir_.filePath("tiny.gguf").toStdString();
        exportGguf(w, GgmlType::F32, gguf);
        const std::vector<int> tokens{60, 115, 290, 100, 7, 33};
        const std::vector<float> lc = llamaCppLogits(gguf, tokens, 2);
        ReferenceEngine engine(loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString()));
        KvCache cache(engine.spec(), 1, 16);
        const RowMatrix ours = engine.forward({tokens}, cache);
        QCOMPARE(lc.size(), size_t(ours.cols()));
        double worst = 0, scale = 0;
        for (size_t i = 0; i < lc.size(); ++i) {
            worst = std::max(worst, double(std::fabs(lc[i] - ours(0, Eigen::Index(i)))));
            scale = std::max(scale, double(std::fabs(ours(0, Eigen::Index(i)))));
        }
        // Same weights, same RoPE order after the Q/K permutation; llama.cpp keeps its KV cache in f16.
        QVERIFY2(worst < 2e-3 * std::max(1.0, scale) + 1e-3, qPrintable(QString("max |dlogit| %1 (max |logit| %2)").arg(worst).arg(scale)));
    }

    void runsAreTimed()
    {
        if (!available_) QSKIP(qPrintable(why_));
        const ModelWeights w = loadCheckpoint((test::dataDir() + "/fixtures/tiny-llama-gqa").toStdString());
        const std::string gguf = dir_.filePath("tiny-q8.gguf").toStdString();
        exportGguf(w, GgmlType::Q8_0, gguf);
        const auto runs = measureLlamaCpp({gguf, 1, 16, 5, 2});
        QCOMPARE(runs.size(), size_t(2));
        for (const auto& r : runs) {
            QVERIFY(r.prefillS > 0 && r.prefillS < 10);
            QCOMPARE(r.steps, 4);
            QVERIFY(r.decodeStepS() > 0);
        }
    }

    void modelLlamaCppRefusesIsAMessage()
    {
        if (!available_) QSKIP(qPrintable(why_));
        GgufWriter g;
        g.add("general.architecture", GgufValue::string("no-such-architecture"));
        const std::string path = dir_.filePath("bad-arch.gguf").toStdString();
        g.write(path);
        try {
            llamaCppLogits(path, {1, 2}, 1);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("refused"), e.what());
        }
    }

    void modelLargerThanMemoryIsRefusedBeforeLoading()
    {
        if (!available_) QSKIP(qPrintable(why_));
        const QString path = dir_.filePath("huge.gguf");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF");
        QVERIFY(f.resize(qint64(1) << 42)); // 4 TB, sparse
        f.close();
        try {
            llamaCppLogits(path.toStdString(), {1}, 1);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("GB of RAM"), e.what());
        }
    }

    void missingLibrarySaysHowToGetIt()
    {
        if (!llamaCppSupported()) QSKIP(qPrintable(why_));
        QTemporaryDir empty;
        const auto r = runWithEnv({"check", "--runtime", "llama.cpp", "--model", "smollm-135m"}, "LLMDSE_LLAMACPP", empty.path());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no libllama") && r.err.contains("setup-llamacpp"), qPrintable(r.err));
    }

    void wrongLibrarySaysWhichRelease()
    {
        if (!available_) QSKIP(qPrintable(why_));
        // A shared library that is not llama.cpp's under libllama's name.
        QTemporaryDir fake;
        const QString base = QString::fromStdString(llamaCppInfo().libraryDir) + "/libggml-base.so";
        QVERIFY(QFile::copy(base, fake.filePath("libllama.so")));
        const auto r = runWithEnv({"check", "--runtime", "llama.cpp", "--model", "smollm-135m"}, "LLMDSE_LLAMACPP", fake.path());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("llama_version") && r.err.contains("release"), qPrintable(r.err));
    }

    // Needs no llama.cpp: exports of tiny models (about 80 KB each) into a cache that holds two.
    void ggufCacheKeepsTheMostRecentlyUsed()
    {
        QTemporaryDir cache;
        const QByteArray oldHome = qgetenv("XDG_CACHE_HOME");
        qputenv("XDG_CACHE_HOME", cache.path().toUtf8());
        qputenv("LLMDSE_GGUF_CACHE_GB", "0.0002");
        ModelSource src;
        src.spec.id = "cache-probe", src.spec.family = "llama";
        src.spec.hidden = 64, src.spec.layers = 1, src.spec.heads = 4, src.spec.kvHeads = 2, src.spec.headDim = 16;
        src.spec.intermediate = 128, src.spec.vocab = 512, src.spec.maxPosition = 256, src.spec.tiedEmbeddings = true;
        src.spec.validate();
        auto exportSeed = [&](std::uint64_t seed) {
            src.seed = seed;
            const std::string path = cachedGguf(src, GgmlType::Q8_0);
            QTest::qWait(30); // file times order the uses
            return QString::fromStdString(path);
        };
        const QString a = exportSeed(1), b = exportSeed(2);
        QVERIFY(QFile::exists(a) && QFile::exists(b));
        QCOMPARE(exportSeed(1), a); // a used again: b is now the oldest use
        const QString c = exportSeed(3);
        QVERIFY2(QFile::exists(a) && QFile::exists(c), "the recently used files stay");
        QVERIFY2(!QFile::exists(b), "the least recently used file goes");
        qunsetenv("LLMDSE_GGUF_CACHE_GB");
        if (oldHome.isEmpty()) qunsetenv("XDG_CACHE_HOME");
        else qputenv("XDG_CACHE_HOME", oldHome);
    }

    // Needs no llama.cpp. A fitted profile keeps the absolute rates it measured: a later host
    // measurement that comes out twice as fast (a shared machine's quiet second) must not make
    // llama.cpp predictions twice as fast; an old fit without its host snapshot still follows.
    void calibratedRatesDoNotFollowAHostRemeasurement()
    {
        QTemporaryDir data;
        const QByteArray oldData = qgetenv("XDG_DATA_HOME");
        qputenv("XDG_DATA_HOME", data.path().toUtf8());
        HostMeasurements then;
        then.cpu = "test CPU", then.cores = 2, then.memoryBytes = 16e9;
        then.gemmFlops[0] = 100e9, then.gemmFlops[1] = 120e9, then.gemmFlops[2] = 130e9;
        then.packWeightsPerS = 10e9, then.streamAllCores = 20e9, then.streamOneCore = 12e9, then.gemvBytesPerS = 25e9;
        then.attentionFlops = 10e9, then.elementwiseBytesPerS = 10e9, then.vectorFlops = 4e9, then.opOverheadS = 1e-6;
        then.measuredAt = "2026-01-01T00:00:00Z";
        HostMeasurements now = then;
        for (double& g : now.gemmFlops) g *= 2;
        now.streamAllCores *= 2, now.streamOneCore *= 2, now.vectorFlops *= 2;

        LlamaCppCalibration c;
        c.threads = 2;
        c.profile = resolveRuntime("llama.cpp");
        c.host = toJson(then);
        saveLlamaCppCalibration(c);
        registerLlamaCppHostCalibration();
        auto tpot = [](const HostMeasurements& h, const std::string& weights) {
            Design d;
            d.model = resolveModel("smollm-135m");
            d.hardware = hostHardware(h);
            d.hardware.threads = 2;
            d.runtime = runtimeFor(resolveRuntime("llama.cpp"), d.hardware);
            d.opts.weights = parseQuantFormat(weights, "weights");
            d.opts.quantizedHead = true;
            d.workload.batch = 1, d.workload.prompt = 64, d.workload.output = 16;
            d.validate();
            const Metrics m = AnalyticalEstimator().evaluate(d);
            return std::make_pair(m.ttftS, m.tpotS);
        };
        for (const char* w : {"fp32", "fp16", "int8:g32", "int4:g32"}) {
            const auto a = tpot(then, w), b = tpot(now, w);
            QVERIFY2(std::fabs(b.first / a.first - 1) < 1e-6, w);
            QVERIFY2(std::fabs(b.second / a.second - 1) < 1e-6, w);
        }
        const auto anchored = tpot(now, "fp16");
        c.host = QJsonObject{};
        saveLlamaCppCalibration(c); // an old fit: relative to whatever the host measures now
        QTest::qWait(20);
        const auto relative = tpot(now, "fp16");
        const auto relativeThen = tpot(then, "fp16");
        QVERIFY2(std::fabs(relativeThen.second / anchored.second - 1) < 1e-6, "the same fit, read as a fit");
        QVERIFY2(relative.second < 0.75 * anchored.second, "without a snapshot the rates follow the host");
        if (oldData.isEmpty()) qunsetenv("XDG_DATA_HOME");
        else qputenv("XDG_DATA_HOME", oldData);
    }

    void machineStateAndContentionAreMeasured()
    {
        QCOMPARE(stateDeviation({100e9, 10e9}, {80e9, 10e9}), 0.25);
        QCOMPARE(stateDeviation({80e9, 12e9}, {80e9, 10e9}), 0.2);
        QCOMPARE(stateDeviation({}, {80e9, 10e9}), 0.0); // unknown: nothing to compare
        const MachineState s = probeMachineState();
        QVERIFY(s.known() && s.gemmFlops > 1e8 && s.streamBytesPerS > 1e8);
        CpuContentionWindow w;
        QTest::qWait(50);
        const double share = w.othersShare();
        QVERIFY(share == -1 || (share >= 0 && share <= 1));
    }

    void exportOptionsAreChecked()
    {
        const auto r = test::runLlmdse({"export-gguf", "--model", "mixtral-8x7b", "--weights", "q8_0", "--out", dir_.filePath("x.gguf")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("mixtral"), qPrintable(r.err));
        const auto f = test::runLlmdse({"export-gguf", "--model", "smollm-135m", "--weights", "q5_k", "--out", dir_.filePath("y.gguf")});
        QCOMPARE(f.exitCode, 1);
        QVERIFY2(f.err.contains("--weights") && f.err.contains("q5_k"), qPrintable(f.err));
    }
};

QTEST_GUILESS_MAIN(TestLlamaCpp)
#include "tst_llamacpp.moc"
