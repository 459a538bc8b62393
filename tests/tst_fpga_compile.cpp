// llmdse compile: the dataflow allocation against exhaustive enumeration, the overlay and the
// plans' physical bounds, plan.json round trips, and the exported HLS layer's C simulation
// against the reference engine on a fixture checkpoint.
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "estimators/Estimator.h"
#include "estimators/fpga/DataflowAllocation.h"
#include "estimators/fpga/FpgaPlanJson.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "estimators/fpga/HlsEmitter.h"
#include "estimators/fpga/StageCost.h"
#include "estimators/sweep/PointEvaluator.h"
#include "models/DesignJson.h"
#include "models/ModelZoo.h"
#include "models/engine/ModelWeights.h"
#include "models/engine/ReferenceEngine.h"
#include "testsupport/TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <fstream>
#include <limits>
#include <random>

using namespace llmdse;

namespace {

FpgaCompileRequest request(const std::string& model, const char* weights)
{
    FpgaCompileRequest r;
    r.model = resolveModel(model);
    r.opts.weights = parseQuantFormat(weights, "weights");
    r.prompt = 128;
    r.output = 256;
    return r;
}

// Every allocation of lanes (1..) and ports (1..) to the stages, depth first, pruned only where a
// partial allocation already breaks the budget or cannot beat the best found.
struct Exhaustive {
    const FpgaTarget& t;
    const std::vector<StageWork>& stages;
    int vl;
    double best = std::numeric_limits<double>::infinity();
    long long visited = 0;

    void search(size_t i, FpgaResources used, int ports, double worst)
    {
        if (worst >= best) return;
        if (i == stages.size()) {
            best = worst;
            return;
        }
        for (int c = 1; ports + c <= t.ports; ++c)
            for (int l = 1; l <= usefulLanes(stages[i]); ++l) {
                FpgaResources u = used;
                u += stageResources(t, stages[i], l, c, vl);
                if (!u.fitsIn(t.ceiling)) break; // more lanes only need more
                ++visited;
                search(i + 1, u, ports + c, std::max(worst, stageTokenCycles(t, stages[i], l, c, vl)));
            }
    }
};

std::vector<float> readFloats(const QString& path)
{
    std::ifstream f(path.toStdString(), std::ios::binary);
    std::vector<float> v;
    float x;
    while (f.read(reinterpret_cast<char*>(&x), sizeof x)) v.push_back(x);
    return v;
}

} // namespace

class TestFpgaCompile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Small parts (a few DSPs and ports) and a small model: the bisection's allocation reaches the
    // exhaustive optimum within its stated gap.
    // With no estimator named, an FPGA card gets a compiled overlay plan (its engine, ports and clock)
    // wherever one maps the design; every other design, and every other class, the analytical
    // estimator. evaluate, validate --literature and sweeps share the rule.
    void fpgaCardsDefaultToACompiledPlan()
    {
        auto design = [](const char* model, const char* hardware, int tp = 1) {
            return designFromJson(QJsonObject{{"model", model}, {"hardware", hardware}, {"weights", "int4:g128"},
                                              {"batch", 1}, {"prompt", 128}, {"output", 256}, {"tp", tp}},
                                  "design");
        };
        QCOMPARE(defaultEstimatorId(design("llama-2-7b", "alveo-u280")), std::string("fpga-overlay"));
        QCOMPARE(defaultEstimatorId(design("chatglm2-6b", "vcu128")), std::string("fpga-overlay"));
        QCOMPARE(defaultEstimatorId(design("llama-2-7b", "h100-sxm")), std::string("analytical"));
        QCOMPARE(defaultEstimatorId(design("llama-2-7b", "alveo-u280", 2)), std::string("analytical")); // two cards
        QCOMPARE(defaultEstimatorId(design("mixtral-8x7b", "alveo-u280")), std::string("analytical")); // MoE
        QCOMPARE(defaultEstimatorId(design("llama-2-7b", "template-fpga-u280")), std::string("analytical")); // its own engine
        const EstimatorChoice perClass;
        QCOMPARE(perClass.forDesign(design("llama-2-7b", "alveo-u280")).id(), std::string("fpga-overlay"));
        const EstimatorChoice named("analytical");
        QCOMPARE(named.forDesign(design("llama-2-7b", "alveo-u280")).id(), std::string("analytical"));

        // A sweep that names no estimator: its FPGA points through the plan, its GPU points analytical.
        const Study s = parseStudy(QJsonObject{{"base", QJsonObject{{"model", "llama-2-7b"}, {"hardware", "alveo-u280"},
                                                                    {"weights", "int4:g128"}, {"prompt", 128},
                                                                    {"output", 256}}},
                                               {"grid", QJsonObject{{"hardware", QJsonArray{"alveo-u280", "h100-sxm"}}}}},
                                   "study.json");
        const PointEvaluator ev(s);
        QVERIFY(ev.fast());
        PointEvaluator::Worker w(s);
        for (std::int64_t i = 0; i < 2; ++i) {
            SweepRow row;
            ev.evaluate(w, i, row);
            QVERIFY2(row.error.empty(), row.error.c_str());
            const Design& d = w.points.at(i, row.params.data());
            const Metrics m = createEstimator(defaultEstimatorId(d))->evaluate(d);
            QCOMPARE(row.metrics[int(MetricId::TpotS)], m.tpotS);
        }
    }

    void dataflowAllocationIsOptimal()
    {
        const FpgaCompileRequest r = request("smollm-135m", "int8");
        const FpgaWorkload w = fpgaWorkload(r.model, r.opts, r.prompt, r.context());
        const std::vector<std::vector<int>> subsets = {{0, 3}, {1, 2, 4}, {0, 3, 5}, {0, 1, 2}, {2, 3, 4}};
        std::mt19937 rng(17);
        int cases = 0;
        long long listed = 0;
        for (const auto& subset : subsets)
            for (int k = 0; k < 4; ++k) {
                FpgaTarget t = resolveFpgaTarget(resolveHardware("alveo-u280"));
                const int vl = 1;
                t.ports = int(subset.size()) + int(rng() % 4);
                t.portBytesPerCycle = 4 + rng() % 60;
                std::vector<StageWork> stages;
                for (int i : subset) {
                    StageWork s = w.decode[size_t(i)];
                    s.macs = std::min(s.macs, 2000.0 + rng() % 3000); // a small model's stage
                    s.weightBytes = std::min(s.weightBytes, s.macs);
                    s.streamBytes = s.weightBytes + 64;
                    stages.push_back(s);
                }
                // A part a little larger than one lane and one port per stage: up to a few dozen
                // lanes to share out, so every allocation can be listed.
                FpgaResources least;
                for (const StageWork& s : stages) least += stageResources(t, s, 1, 1, vl);
                t.ceiling = {least.dsp + rng() % 12, least.bram36 + rng() % 12, least.uram + rng() % 3, least.lut + rng() % 6000};
                Exhaustive ex{t, stages, vl};
                ex.search(0, {}, 0, 0);
                const DataflowAllocation a = allocateDataflow(t, stages, vl);
                QVERIFY(allocationFits(t, stages, a, vl));
                QVERIFY2(a.tokenCycles <= ex.best * (1 + 1e-9),
                         qPrintable(QString("planner %1, exhaustive %2 (%3 allocations)").arg(a.tokenCycles).arg(ex.best).arg(ex.visited)));
                QVERIFY(a.tokenCycles >= ex.best * (1 - 1e-12)); // nothing beats the optimum
                QVERIFY(a.gap >= 0 && a.gap < 1e-6);
                ++cases;
                listed += ex.visited;
            }
        qInfo("%d parts, %lld allocations listed", cases, listed);
        QVERIFY2(cases == 20, qPrintable(QString::number(cases)));
        QVERIFY(listed > 1000 * cases);
    }

    // Batch-1 decode of a 7B model streams every weight once per token: no plan beats the card's
    // sustained bandwidth, and the overlay, which streams through every port, comes within 10% of it.
    void plansRespectTheMemoryBound()
    {
        const HardwareSpec hw = resolveHardware("alveo-u280");
        const FpgaCompileRequest r = request("llama-2-7b", "int4:g128");
        const FpgaTarget t = resolveFpgaTarget(hw);
        const FpgaWorkload w = fpgaWorkload(r.model, r.opts, r.prompt, r.context());
        double bytes = 0;
        for (const StageWork& s : w.decode) bytes += s.streamBytes * s.perToken;
        const double bound = bytes / t.bandwidthBytesPerS();
        for (FpgaStyle style : {FpgaStyle::Overlay, FpgaStyle::Dataflow}) {
            const FpgaPlan p = compileFpga(hw, r, style);
            QVERIFY(p.used.fitsIn(p.ceiling));
            QVERIFY(p.decodeStepS >= bound * (1 - 1e-9));
            QVERIFY(p.powerW > p.staticW && p.staticW > 0);
            if (style == FpgaStyle::Overlay) QVERIFY2(p.decodeStepS < 1.1 * bound, qPrintable(QString::number(p.decodeStepS / bound)));
        }
        // Batching fills the dataflow pipeline: more tokens per second, never fewer.
        FpgaCompileRequest b = r;
        b.batch = 8;
        QVERIFY(compileFpga(hw, b, FpgaStyle::Dataflow).decodeTokensPerS > compileFpga(hw, r, FpgaStyle::Dataflow).decodeTokensPerS);
    }

    void planJsonRoundTrips()
    {
        const FpgaPlan p = compileFpga(resolveHardware("alveo-u280"), request("llama-3.2-1b", "int8"), FpgaStyle::Dataflow);
        const FpgaPlan q = fpgaPlanFromJson(fpgaPlanJson(p), "plan.json");
        QCOMPARE(q.stages.size(), p.stages.size());
        QCOMPARE(q.stages[3].lanes, p.stages[3].lanes);
        QCOMPARE(q.decodeTokensPerS, p.decodeTokensPerS);
        QCOMPARE(q.style, FpgaStyle::Dataflow);
        QJsonObject bad = fpgaPlanJson(p);
        bad["clock_mhz"] = -5;
        try {
            fpgaPlanFromJson(bad, "bad.json");
            QFAIL("a negative clock was accepted");
        } catch (const InputError& e) {
            QCOMPARE(QString::fromStdString(e.file()), QString("bad.json"));
            QCOMPARE(QString::fromStdString(e.field()), QString("clock_mhz"));
        }
    }

    // The exported layer, compiled by g++ as a C simulation, runs the fixture checkpoint token by
    // token and reproduces the reference engine's logits at every position.
    void hlsLayerMatchesTheEngine_data()
    {
        QTest::addColumn<QString>("weights");
        QTest::addColumn<QString>("style");
        QTest::addColumn<double>("bound");
        // fp32: the same arithmetic in another order. int8/int4: the same stored weights and scales;
        // the engine also rounds activations to 8 bits per block of 32 for its integer dot products
        // (half a step: 1/254 of the block's largest value), the C simulation keeps them in fp32.
        QTest::newRow("fp32 dataflow") << "fp32" << "dataflow" << 1e-5;
        QTest::newRow("int8 overlay") << "int8:g32" << "overlay" << 2e-2;
        QTest::newRow("int4 dataflow") << "int4:g32" << "dataflow" << 2e-2;
    }

    void hlsLayerMatchesTheEngine()
    {
        QFETCH(QString, weights);
        QFETCH(QString, style);
        QFETCH(double, bound);
        const QString fixture = test::dataDir() + "/fixtures/tiny-llama-gqa";
        const ModelWeights w = loadCheckpoint(fixture.toStdString());
        const QuantFormat q = parseQuantFormat(weights.toStdString(), "weights");
        FpgaCompileRequest r;
        r.model = w.spec;
        r.opts.weights = q;
        const FpgaPlan plan = compileFpga(resolveHardware("alveo-u280"), r, parseFpgaStyle(style.toStdString(), "style"));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string d = dir.path().toStdString();
        emitHls(plan, w.spec, q, d, 64);
        writeHlsWeights(w, q, d + "/weights.bin");
        const std::vector<int> tokens = {1, 15, 220, 7, 99, 3, 42, 310, 5, 64, 128, 2};
        {
            std::ofstream f(d + "/tokens.txt");
            for (int t : tokens) f << t << "\n";
        }
        const QString src = QString::fromStdString(d);
        const QString pragmas = QString::fromStdString(std::string(std::istreambuf_iterator<char>(
            *std::make_unique<std::ifstream>(d + "/decoder_layer.cpp")), {}));
        QVERIFY(pragmas.contains("#pragma HLS UNROLL factor="));
        QVERIFY(pragmas.contains("#pragma HLS ARRAY_PARTITION"));
        QVERIFY(pragmas.contains("#pragma HLS PIPELINE II=1"));
        QCOMPARE(pragmas.contains("#pragma HLS DATAFLOW"), style == "dataflow");

        QProcess gxx;
        gxx.setWorkingDirectory(src);
        gxx.start("g++", {"-std=c++17", "-O1", "-Wall", "-Wextra", "-Werror", "-Wno-unknown-pragmas", "-Wno-unused-label", "decoder_layer.cpp",
                          "testbench.cpp", "-o", "csim"});
        QVERIFY2(gxx.waitForFinished(180000), "g++ did not finish");
        QVERIFY2(gxx.exitCode() == 0, gxx.readAllStandardError().constData());
        QProcess sim;
        sim.setWorkingDirectory(src);
        sim.start(src + "/csim", {"weights.bin", "tokens.txt", "logits.bin"});
        QVERIFY(sim.waitForFinished(60000));
        QVERIFY2(sim.exitCode() == 0, sim.readAllStandardError().constData());
        const std::vector<float> got = readFloats(src + "/logits.bin");

        ModelWeights ref = w;
        ref.quantize(q);
        ReferenceEngine engine(std::move(ref));
        KvCache cache(w.spec, 1, 64);
        const RowMatrix want = engine.forward({tokens}, cache, true);
        QCOMPARE(got.size(), size_t(want.size()));
        double diff = 0, scale = 0;
        for (Eigen::Index i = 0; i < want.rows(); ++i)
            for (Eigen::Index j = 0; j < want.cols(); ++j) {
                diff = std::max(diff, double(std::abs(got[size_t(i * want.cols() + j)] - want(i, j))));
                scale = std::max(scale, double(std::abs(want(i, j))));
            }
        qInfo("%s: max |diff| %.3g, max |logit| %.3g", qPrintable(weights), diff, scale);
        QVERIFY(scale > 0);
        QVERIFY2(diff <= bound * scale, qPrintable(QString("max |diff| %1 above %2 x %3").arg(diff).arg(bound).arg(scale)));
    }

    // The command end to end: plan file, HLS folder, and the plan as evaluate's estimate.
    void compileCommandWritesPlanAndHls()
    {
        QTemporaryDir dir;
        const QString plan = dir.filePath("plan.json"), hls = dir.filePath("hls");
        const auto c = test::runLlmdse({"compile", "--model", "llama-2-7b", "--hardware", "alveo-u280", "--weights",
                                        "int4:g128", "--style", "dataflow", "--out", plan, "--emit-hls", hls});
        QVERIFY2(c.exitCode == 0, qPrintable(c.err));
        QVERIFY(c.out.contains("attn_in") && c.out.contains("mlp_out") && c.out.contains("optimality gap"));
        QVERIFY(QFile::exists(hls + "/decoder_layer.cpp") && QFile::exists(hls + "/testbench.cpp") &&
                QFile::exists(hls + "/llmdse_hls.h"));
        const auto e = test::runLlmdse({"evaluate", "--model", "llama-2-7b", "--hardware", "alveo-u280", "--weights",
                                        "int4:g128", "--fpga-plan", plan, "--format", "json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QVERIFY(e.out.contains("compiled FPGA plan"));
        const FpgaPlan p = readFpgaPlan(plan.toStdString());
        const QJsonObject m = QJsonDocument::fromJson(e.out.toUtf8()).object();
        QVERIFY(std::abs(m["tpot_s"].toDouble() / p.decodeStepS - 1) < 1e-9);
    }
};

QTEST_GUILESS_MAIN(TestFpgaCompile)
#include "tst_fpga_compile.moc"
