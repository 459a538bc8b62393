// The real `llmdse` binary on bad input: exit code 1 and a message naming the
// file and the field; --help for every subcommand; the JSON shape of evaluate.
#include "testsupport/TestSupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

using namespace llmdse;

namespace {

const QByteArray kTinyLlama = R"({"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2,
  "num_attention_heads": 4, "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 100})";

// `kTinyLlama` with `key` replaced (or removed when `value` is undefined).
QByteArray tinyLlamaWith(const char* key, const QJsonValue& value)
{
    QJsonObject o = QJsonDocument::fromJson(kTinyLlama).object();
    if (value.isUndefined()) o.remove(key);
    else o[key] = value;
    return QJsonDocument(o).toJson();
}

const QByteArray kHardware = R"({"id": "test-gpu", "class": "gpu", "process_nm": 5,
  "peak_tflops": {"fp16": 100}, "memory": [{"name": "HBM", "capacity_gb": 80, "bandwidth_gb_s": 2000}],
  "power": {"tdp_w": 300}, "source": "test"})";

const QByteArray kStudyBase = R"("base": {"model": "llama-2-7b", "hardware": "h100-sxm", "prompt": 64, "output": 8})";

QByteArray study(const QByteArray& rest) { return "{" + kStudyBase + (rest.isEmpty() ? "" : ", " + rest) + "}"; }

QByteArray measurements(const QByteArray& run)
{
    return R"({"runs": [{"device": "h100-sxm", "model": "llama-2-7b", "phase": "decode", "batch": 1, "context": 128,
               "latency_ms": 7.5}, )" + run + "]}";
}

} // namespace

class TestCliErrors : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QString file(const QString& name, const QByteArray& content) { return test::writeFile(dir_, name, content); }
    QStringList evaluateModel(const QString& path) { return {"evaluate", "--model", path, "--hardware", "h100-sxm"}; }
    QStringList evaluateHardware(const QString& path) { return {"evaluate", "--model", "llama-2-7b", "--hardware", path}; }
    QStringList sweep(const QString& path) { return {"sweep", "--quiet", "--study", path, "--out", dir_.filePath("out.csv")}; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("mentions"); // every string must appear in stderr
        const QStringList base{"evaluate", "--model", "llama-2-7b", "--hardware", "h100-sxm"};

        // Model config files.
        QTest::newRow("truncated config") << evaluateModel(file("truncated.json", kTinyLlama.left(60)))
                                          << QStringList{"truncated.json", "invalid JSON"};
        QTest::newRow("missing hidden_size") << evaluateModel(file("nohidden.json", tinyLlamaWith("hidden_size", {})))
                                             << QStringList{"nohidden.json", "hidden_size", "missing"};
        QTest::newRow("zero layers") << evaluateModel(file("zero.json", tinyLlamaWith("num_hidden_layers", 0)))
                                     << QStringList{"zero.json", "num_hidden_layers"};
        QTest::newRow("negative layers") << evaluateModel(file("neg.json", tinyLlamaWith("num_hidden_layers", -4)))
                                         << QStringList{"neg.json", "num_hidden_layers", "-4"};
        QTest::newRow("heads do not divide hidden")
            << evaluateModel(file("heads.json", tinyLlamaWith("num_attention_heads", 6)))
            << QStringList{"heads.json", "num_attention_heads", "hidden_size"};
        QTest::newRow("kv heads do not divide heads")
            << evaluateModel(file("kv.json", tinyLlamaWith("num_key_value_heads", 3)))
            << QStringList{"kv.json", "num_key_value_heads"};
        // Projects opened from the command line (the headless build says it has no workbench instead).
        if (LLMDSE_TEST_GUI) {
            QTest::newRow("missing project") << QStringList{file("gone.txt", "x").replace("gone.txt", "gone.llmdse"), "--screenshot", file("shot.png", "")}
                                             << QStringList{"gone.llmdse", "no such project file"};
            QTest::newRow("project not a database") << QStringList{file("junk.llmdse", QByteArray(200, 'x')), "--screenshot", file("shot2.png", "")}
                                                    << QStringList{"junk.llmdse", "not a database"};
        }
        QTest::newRow("bad optimisation key") << (base + QStringList{"--sparsity", "3:4"}) << QStringList{"sparsity", "3:4"};
        QTest::newRow("draft without a draft") << (base + QStringList{"--spec", "draft"}) << QStringList{"spec.draft_model"};
        QTest::newRow("images without encoder") << (base + QStringList{"--images", "2"}) << QStringList{"encoder"};
        QTest::newRow("unknown architecture") << evaluateModel(file("neox.json", tinyLlamaWith("model_type", "gpt_neox")))
                                              << QStringList{"neox.json", "model_type", "gpt_neox"};
        QTest::newRow("string dimension") << evaluateModel(file("str.json", tinyLlamaWith("hidden_size", "64")))
                                          << QStringList{"str.json", "hidden_size"};
        QTest::newRow("missing model file") << evaluateModel(dir_.filePath("absent.json"))
                                            << QStringList{"model", "absent.json"};

        // Options.
        QTest::newRow("unknown preset") << evaluateHardware("nope") << QStringList{"hardware", "nope"};
        QTest::newRow("unknown runtime") << (base + QStringList{"--runtime", "nope"}) << QStringList{"runtime", "nope"};
        QTest::newRow("batch 0") << (base + QStringList{"--batch", "0"}) << QStringList{"batch"};
        QTest::newRow("batch not a number") << (base + QStringList{"--batch", "many"}) << QStringList{"batch", "many"};
        QTest::newRow("weights int3") << (base + QStringList{"--weights", "int3"}) << QStringList{"weights", "int3"};
        QTest::newRow("kv bad group") << (base + QStringList{"--kv", "int8:g0"}) << QStringList{"kv"};
        QTest::newRow("tp above heads") << (base + QStringList{"--tp", "64"}) << QStringList{"tp"};
        QTest::newRow("unknown --set key") << (base + QStringList{"--set", "hardware.bogus=1"})
                                           << QStringList{"hardware.bogus"};
        QTest::newRow("unknown format") << (base + QStringList{"--format", "xml"}) << QStringList{"--format", "xml"};
        QTest::newRow("no model") << QStringList{"evaluate", "--hardware", "h100-sxm"} << QStringList{"--model"};

        // Hardware files.
        QJsonObject hw = QJsonDocument::fromJson(kHardware).object();
        QJsonObject noMemory = hw;
        noMemory.remove("memory");
        QTest::newRow("hardware missing memory") << evaluateHardware(file("nomem.json", QJsonDocument(noMemory).toJson()))
                                                 << QStringList{"nomem.json", "memory"};
        QJsonObject emptyPim = hw;
        emptyPim["memory"] = QJsonArray();
        emptyPim["pim"] = QJsonObject{{"internal_bandwidth_gb_s", 1000}};
        QTest::newRow("hardware empty memory with pim")
            << evaluateHardware(file("emptymem.json", QJsonDocument(emptyPim).toJson())) << QStringList{"emptymem.json", "memory"};
        QJsonObject negBw = hw;
        negBw["memory"] = QJsonArray{QJsonObject{{"name", "HBM"}, {"capacity_gb", 80}, {"bandwidth_gb_s", -5}}};
        QTest::newRow("hardware negative bandwidth") << evaluateHardware(file("negbw.json", QJsonDocument(negBw).toJson()))
                                                     << QStringList{"negbw.json", "memory[0].bandwidth_gb_s"};
        QJsonObject badClass = hw;
        badClass["class"] = "quantum";
        QTest::newRow("hardware unknown class") << evaluateHardware(file("cls.json", QJsonDocument(badClass).toJson()))
                                                << QStringList{"cls.json", "class", "quantum"};
        QJsonObject idleAboveTdp = hw;
        idleAboveTdp["power"] = QJsonObject{{"tdp_w", 100}, {"idle_w", 200}};
        QTest::newRow("hardware idle above tdp") << evaluateHardware(file("idle.json", QJsonDocument(idleAboveTdp).toJson()))
                                                 << QStringList{"idle.json", "idle_w"};
        QTest::newRow("hardware truncated") << evaluateHardware(file("hwtrunc.json", kHardware.left(40)))
                                            << QStringList{"hwtrunc.json", "invalid JSON"};

        // Accelerator templates.
        QFile tf(QString(LLMDSE_SOURCE_DIR) + "/resources/hardware/template-systolic.json");
        QVERIFY(tf.open(QIODevice::ReadOnly));
        const QJsonObject tpl = QJsonDocument::fromJson(tf.readAll()).object();
        auto withTemplate = [&](const char* key, const QJsonValue& v) {
            QJsonObject o = tpl, t = tpl["template"].toObject();
            t[key] = v;
            o["template"] = t;
            return QJsonDocument(o).toJson();
        };
        QTest::newRow("template zero rows") << evaluateHardware(file("t-rows.json", withTemplate("array_rows", 0)))
                                            << QStringList{"t-rows.json", "template.array_rows"};
        QTest::newRow("template bad dataflow") << evaluateHardware(file("t-df.json", withTemplate("dataflow", "diagonal")))
                                               << QStringList{"t-df.json", "dataflow", "diagonal"};
        QJsonObject badMem = tpl["template"].toObject()["memory"].toObject();
        badMem["kind"] = "hbm9";
        QTest::newRow("template unknown memory kind") << evaluateHardware(file("t-mem.json", withTemplate("memory", badMem)))
                                                      << QStringList{"t-mem.json", "template.memory.kind", "hbm9"};
        QTest::newRow("template unknown fpga part")
            << evaluateHardware(file("t-fpga.json", withTemplate("fpga", QJsonObject{{"part", "xc7z020"}})))
            << QStringList{"t-fpga.json", "template.fpga.part", "xc7z020"};
        // FPGA compilation (llmdse compile) and compiled plans.
        QTest::newRow("compile on a GPU") << QStringList{"compile", "--model", "llama-2-7b", "--hardware", "h100-sxm"}
                                          << QStringList{"hardware", "h100-sxm", "not an FPGA"};
        QTest::newRow("compile unknown style")
            << QStringList{"compile", "--model", "llama-2-7b", "--hardware", "alveo-u280", "--weights", "int4", "--style", "spatial"}
            << QStringList{"--style", "spatial"};
        QTest::newRow("compile weights above the card's memory")
            << QStringList{"compile", "--model", "llama-2-7b", "--hardware", "alveo-u280", "--weights", "fp16"}
            << QStringList{"weights", "HBM2"};
        QTest::newRow("compile mixture of experts")
            << QStringList{"compile", "--model", "mixtral-8x7b", "--hardware", "alveo-u280", "--weights", "int4"}
            << QStringList{"model", "mixture of experts"};
        QTest::newRow("fpga plan not a plan")
            << (base + QStringList{"--fpga-plan", file("notplan.json", "{\"style\": \"overlay\"}")})
            << QStringList{"notplan.json", "format"};
        QJsonObject derived = tpl;
        derived["peak_tflops"] = QJsonObject{{"fp16", 100}};
        QTest::newRow("template with explicit peaks") << evaluateHardware(file("t-peak.json", QJsonDocument(derived).toJson()))
                                                      << QStringList{"t-peak.json", "peak_tflops", "template"};
        QTest::newRow("template operand feed without rate")
            << evaluateHardware(file("t-feed.json", withTemplate("operand_feed", QJsonObject{{"kib", 64}})))
            << QStringList{"t-feed.json", "template.operand_feed.bytes_per_cycle"};
        QTest::newRow("template negative kernel cost")
            << evaluateHardware(file("t-fixed.json", withTemplate("fixed_costs", QJsonObject{{"kernel_us", -1}})))
            << QStringList{"t-fixed.json", "template.fixed_costs.kernel_us"};
        QJsonObject effMem = tpl["template"].toObject()["memory"].toObject();
        effMem["efficiency"] = 1.5;
        QTest::newRow("template memory efficiency above 1")
            << evaluateHardware(file("t-eff.json", withTemplate("memory", effMem)))
            << QStringList{"t-eff.json", "template.memory.efficiency"};
        auto withInterconnect = [&](const QJsonObject& ic) {
            QJsonObject o = tpl;
            o["interconnect"] = ic;
            return QJsonDocument(o).toJson();
        };
        QTest::newRow("torus without dimensions")
            << evaluateHardware(file("t-torus.json", withInterconnect({{"name", "x"}, {"bandwidth_gb_s", 100}, {"topology", "torus"}})))
            << QStringList{"t-torus.json", "interconnect.torus_dims"};
        QTest::newRow("torus dimension of one")
            << evaluateHardware(file("t-dim.json", withInterconnect({{"name", "x"}, {"topology", "torus"}, {"link_gb_s", 50},
                                                                     {"torus_dims", QJsonArray{4, 1}}})))
            << QStringList{"t-dim.json", "interconnect.torus_dims", "dimension 1"};
        QTest::newRow("unknown topology")
            << evaluateHardware(file("t-topo.json", withInterconnect({{"name", "x"}, {"bandwidth_gb_s", 100}, {"topology", "mesh"}})))
            << QStringList{"t-topo.json", "interconnect.topology", "mesh"};
        QTest::newRow("link rate on a switch")
            << evaluateHardware(file("t-link.json", withInterconnect({{"name", "x"}, {"link_gb_s", 100}})))
            << QStringList{"t-link.json", "interconnect.link_gb_s"};
        QTest::newRow("bad tp layout") << (base + QStringList{"--tp_layout", "3d"}) << QStringList{"tp_layout", "3d"};
        QTest::newRow("tp beyond heads in 1d")
            << QStringList{"evaluate", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--tp", "64"}
            << QStringList{"tp", "attention heads", "tp_layout 2d"};
        QTest::newRow("simulation without template")
            << (base + QStringList{"--estimator", "simulation"}) << QStringList{"hardware", "template"};
        QTest::newRow("template field on a GPU") << (base + QStringList{"--set", "hardware.array_rows=64"})
                                                 << QStringList{"hardware.array_rows", "not an accelerator template"};

        // Study files for `sweep`.
        QTest::newRow("study truncated") << sweep(file("st-trunc.json", study(R"("grid": {"batch": [1, 2]})").chopped(6)))
                                         << QStringList{"st-trunc.json", "invalid JSON"};
        QTest::newRow("study unknown key") << sweep(file("st-key.json", study(R"("gird": {"batch": [1]})")))
                                           << QStringList{"st-key.json", "gird"};
        QTest::newRow("study empty grid list") << sweep(file("st-empty.json", study(R"("grid": {"batch": []})")))
                                               << QStringList{"st-empty.json", "grid.batch"};
        QTest::newRow("study negative batch") << sweep(file("st-neg.json", study(R"("grid": {"batch": [1, -2]})")))
                                              << QStringList{"st-neg.json", "grid.batch[1]"};
        QTest::newRow("study unknown parameter") << sweep(file("st-param.json", study(R"("grid": {"hardware.speed": [1]})")))
                                                 << QStringList{"st-param.json", "grid.hardware.speed"};
        QTest::newRow("study unknown objective") << sweep(file("st-obj.json", study(R"("objectives": ["speed"])")))
                                                 << QStringList{"st-obj.json", "objectives[0]", "speed"};
        QTest::newRow("study bad range") << sweep(file("st-range.json", study(R"("random": {"samples": 4, "ranges": {"batch": [8, 2]}})")))
                                         << QStringList{"st-range.json", "random.ranges.batch"};
        // Searches: the search block, the space, the constraints.
        const QByteArray space = R"("space": {"batch": [1, 2, 4]}, "objectives": ["tpot_s"])";
        QTest::newRow("search without budget") << sweep(file("se-budget.json", study(R"("search": {"algorithm": "nsga2"}, )" + space)))
                                               << QStringList{"se-budget.json", "search.budget"};
        QTest::newRow("search unknown algorithm")
            << sweep(file("se-alg.json", study(R"("search": {"algorithm": "annealing", "budget": 10}, )" + space)))
            << QStringList{"se-alg.json", "search.algorithm", "annealing"};
        QTest::newRow("search with a grid")
            << sweep(file("se-grid.json", study(R"("search": {"budget": 10}, "grid": {"batch": [1]}, )" + space)))
            << QStringList{"se-grid.json", "search", "grid"};
        QTest::newRow("space real range without step")
            << sweep(file("se-step.json", study(R"("search": {"budget": 10}, "objectives": ["tpot_s"],
                                                   "space": {"hardware.memory_bandwidth": {"min": 100, "max": 200}})")))
            << QStringList{"se-step.json", "space.hardware.memory_bandwidth.step"};
        QTest::newRow("constraint unreadable")
            << sweep(file("se-con.json", study(R"("search": {"budget": 10}, "constraints": ["area_mm2 =< 400"], )" + space)))
            << QStringList{"se-con.json", "constraints[0]", "area_mm2 =< 400"};
        QTest::newRow("constraint bare non-yes/no metric")
            << sweep(file("se-bare.json", study(R"("search": {"budget": 10}, "constraints": ["fits", "tpot_s"], )" + space)))
            << QStringList{"se-bare.json", "constraints[1]", "yes/no"};
        QTest::newRow("constraint unknown metric")
            << sweep(file("se-met.json", study(R"("search": {"budget": 10}, "constraints": ["speed <= 3"], )" + space)))
            << QStringList{"se-met.json", "constraints[0]", "speed"};
        QTest::newRow("study missing base") << sweep(file("st-base.json", R"({"grid": {"batch": [1]}})"))
                                            << QStringList{"st-base.json", "base"};
        QTest::newRow("study bad base model") << sweep(file("st-model.json", R"({"base": {"model": "gpt-9", "hardware": "h100-sxm"}})"))
                                              << QStringList{"st-model.json", "base.model", "gpt-9"};

        // Measurement files for `validate`.
        const auto validate = [&](const char* name, const QByteArray& content) {
            return QStringList{"validate", "--data", file(name, content)};
        };
        QTest::newRow("measurements truncated") << validate("me-trunc.json", measurements("{").chopped(3))
                                                << QStringList{"me-trunc.json", "invalid JSON"};
        QTest::newRow("measurements no latency")
            << validate("me-lat.json", measurements(R"({"device": "h100-sxm", "model": "llama-2-7b", "phase": "decode", "batch": 1, "context": 9})"))
            << QStringList{"me-lat.json", "runs[1].latency_ms"};
        QTest::newRow("measurements bad phase")
            << validate("me-phase.json", measurements(R"({"device": "h100-sxm", "model": "llama-2-7b", "phase": "train", "batch": 1, "context": 9, "latency_ms": 1})"))
            << QStringList{"me-phase.json", "runs[1].phase"};
        QTest::newRow("measurements zero batch")
            << validate("me-batch.json", measurements(R"({"device": "h100-sxm", "model": "llama-2-7b", "phase": "decode", "batch": 0, "context": 9, "latency_ms": 1})"))
            << QStringList{"me-batch.json", "runs[1].batch"};
        QTest::newRow("measurements unknown device")
            << validate("me-dev.json", measurements(R"({"device": "gpu-x", "model": "llama-2-7b", "phase": "decode", "batch": 1, "context": 9, "latency_ms": 1})"))
            << QStringList{"me-dev.json", "runs[1].device", "gpu-x"};
        QTest::newRow("measurements unknown model")
            << validate("me-model.json", measurements(R"({"device": "h100-sxm", "model": "gpt-9", "phase": "decode", "batch": 1, "context": 9, "latency_ms": 1})"))
            << QStringList{"me-model.json", "runs[1].model", "gpt-9"};
        QTest::newRow("operator unknown kind")
            << validate("op-kind.json", R"({"ops": [{"device": "template-a100", "op": "conv", "m": 1, "n": 1, "latency_ms": 1}]})")
            << QStringList{"op-kind.json", "ops[0].op", "conv"};
        QTest::newRow("operator huge extent")
            << validate("op-big.json", R"({"ops": [{"device": "template-a100", "op": "matmul", "m": 1e12, "n": 1, "k": 1, "latency_ms": 1}]})")
            << QStringList{"op-big.json", "ops[0].m"};
        QTest::newRow("operator k on a vector op")
            << validate("op-k.json", R"({"ops": [{"device": "template-a100", "op": "softmax", "m": 4, "n": 8, "k": 2, "latency_ms": 1}]})")
            << QStringList{"op-k.json", "ops[0].k"};
        QTest::newRow("operator without template for simulation")
            << QStringList{"validate", "--estimator", "simulation", "--data",
                           file("op-sim.json", R"({"ops": [{"device": "h100-sxm", "op": "matmul", "m": 8, "n": 8, "k": 8, "latency_ms": 1}]})")}
            << QStringList{"op-sim.json", "ops[0].device", "template"};
        QTest::newRow("measurements no runs") << validate("me-empty.json", R"({"runs": []})")
                                              << QStringList{"me-empty.json", "runs"};
        // validate --literature: its options and its mapping rules.
        QTest::newRow("validate --class without --literature") << QStringList{"validate", "--class", "gpu"}
                                                               << QStringList{"--class", "--literature"};
        QTest::newRow("validate --literature unknown class") << QStringList{"validate", "--literature", "--class", "tpu"}
                                                             << QStringList{"--class", "tpu"};
        QTest::newRow("literature rules devices not a list")
            << QStringList{"validate", "--literature", "--rules",
                           file("rules.json", R"({"defaults": {"model": "llama-2-7b", "batch": 1, "prompt": 8, "output": 8, "why": "x"},
                                                  "plain_methods": [], "methods": {}, "devices": {}})")}
            << QStringList{"rules.json", "devices"};
        {
            // A hardware figure marked uncertain must name a figure the estimator can vary.
            QFile h100(test::sourceDir() + "/resources/hardware/h100-sxm.json");
            QVERIFY(h100.open(QIODevice::ReadOnly));
            QJsonObject hw = QJsonDocument::fromJson(h100.readAll()).object();
            hw["uncertain"] = QJsonArray{QJsonObject{{"field", "power.tdp"}, {"range", QJsonArray{0.5, 2}}, {"why", "x"}}};
            QTest::newRow("hardware uncertain unknown figure")
                << QStringList{"evaluate", "--model", "llama-2-7b", "--hardware", file("hw-unc.json", QJsonDocument(hw).toJson())}
                << QStringList{"hw-unc.json", "uncertain[0].field", "power.tdp"};
        }
        QTest::newRow("calibrate without --out")
            << QStringList{"calibrate", "--data", test::sourceDir() + "/resources/validation/gpu-measurements.json"}
            << QStringList{"--out"};
        QTest::newRow("calibrate host zero rounds")
            << QStringList{"calibrate", "--runtime", "llama.cpp", "--host", "--rounds", "0"} << QStringList{"--rounds"};
        QTest::newRow("merge without inputs") << QStringList{"merge", "--out", dir_.filePath("m.csv")} << QStringList{"inputs"};
        // merge: never over an input; the shards must cover the study.
        const QString shardA = file("m-a.sqlite", "a"), shardB = file("m-b.sqlite", "b");
        QTest::newRow("merge output is an input") << QStringList{"merge", "--out", shardA, "--overwrite", shardA, shardB}
                                                  << QStringList{"m-a.sqlite", "one of the inputs"};
        QTest::newRow("merge bad shard count") << QStringList{"merge", "--shard-count", "0", "--out", dir_.filePath("m.sqlite"), shardA}
                                               << QStringList{"--shard-count"};
        QTest::newRow("merge not a sweep database") << QStringList{"merge", "--out", dir_.filePath("m.sqlite"), file("m-junk.sqlite", QByteArray(300, 'x'))}
                                                    << QStringList{"m-junk.sqlite", "not a database"};
        QTest::newRow("merge gap between CSV shards")
            << QStringList{"merge", "--out", dir_.filePath("m.csv"), file("m-1.csv", "index,a\n0,1\n1,2\n"), file("m-2.csv", "index,a\n3,4\n")}
            << QStringList{"shards", "missing point 2", "--allow-partial"};
        QTest::newRow("merge cut-off CSV shard")
            << QStringList{"merge", "--out", dir_.filePath("m.csv"), file("m-3.csv", "index,a\n0,1\n1,2\n2,")}
            << QStringList{"m-3.csv", "cut off mid-write after point 1"};
        // sweep: where results go.
        const QByteArray objectives = study(R"("grid": {"batch": [1, 2]}, "objectives": ["tpot_s"])");
        const QString dangling = dir_.filePath("dangling.sqlite");
        QFile::link(dir_.filePath("no-such-dir/target.sqlite"), dangling);
        QTest::newRow("sweep --out dangling link")
            << QStringList{"sweep", "--quiet", "--study", file("st-ok.json", objectives), "--out", dangling}
            << QStringList{"--out", "dangling.sqlite", "symbolic link", "target.sqlite"};
        QTest::newRow("sweep Pareto side file exists")
            << QStringList{"sweep", "--quiet", "--pareto", "--study", file("st-ok.json", objectives), "--out", dir_.filePath("ps.csv")}
            << (file("ps.pareto.csv", "old"), QStringList{"--pareto", "ps.pareto.csv", "--overwrite"});
        QDir(dir_.path()).mkpath("busy.sqlite/inside");
        QTest::newRow("sweep --overwrite cannot remove")
            << QStringList{"sweep", "--quiet", "--overwrite", "--study", file("st-ok.json", objectives), "--out", dir_.filePath("busy.sqlite")}
            << QStringList{"busy.sqlite", "--overwrite", "cannot remove"};
        const QString split = dir_.filePath("split.sqlite");
        test::runLlmdse({"sweep", "--quiet", "--study", file("st-ok.json", objectives), "--shard", "1/2", "--out", split});
        QTest::newRow("sweep --resume another split")
            << QStringList{"sweep", "--quiet", "--resume", "--study", file("st-ok.json", objectives), "--shard", "1/4", "--out", split}
            << QStringList{"split.sqlite", "meta.shard", "shard 1/2", "shard 1/4"};
        QJsonArray thousand, hundred;
        for (int i = 1; i <= 1000; ++i) thousand.append(i);
        for (int i = 1; i <= 100; ++i) hundred.append(100 * i);
        const QJsonObject hugeGrid{{"batch", thousand}, {"prompt", thousand}, {"output", thousand}, {"hardware.memory_bandwidth", hundred}};
        QTest::newRow("sweep over 10^10 points")
            << sweep(file("st-huge.json", study("\"grid\": " + QJsonDocument(hugeGrid).toJson(QJsonDocument::Compact))))
            << QStringList{"st-huge.json", "100000000000 points", "--force", "TB"};
        QTest::newRow("zoo unknown list") << QStringList{"zoo", "gadgets"} << QStringList{"what"};

        // serve-sim: the trace file, the request stream and its options.
        const QStringList serve{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm"};
        QTest::newRow("serve-sim bad trace value")
            << serve + QStringList{"--trace", file("trace-bad.csv", "arrival_s,prompt,output\n0,10,2\n1.5,10,-3\n")}
            << QStringList{"trace-bad.csv", "line 3: output", "-3"};
        QTest::newRow("serve-sim trace header")
            << serve + QStringList{"--trace", file("trace-head.csv", "time,in,out\n0,10,2\n")}
            << QStringList{"trace-head.csv", "line 1: header", "arrival_s,prompt,output"};
        QTest::newRow("serve-sim missing trace") << serve + QStringList{"--trace", dir_.filePath("no-trace.csv")}
                                                 << QStringList{"no-trace.csv", "cannot open"};
        QTest::newRow("serve-sim no stream") << serve << QStringList{"--rate", "--trace"};
        QTest::newRow("serve-sim bad length") << serve + QStringList{"--rate", "2", "--prompt", "gauss:1:2"}
                                              << QStringList{"--prompt", "gauss:1:2"};
        QTest::newRow("serve-sim bad rate") << serve + QStringList{"--rate", "-1"} << QStringList{"--rate"};
        QTest::newRow("serve-sim no room for KV")
            << QStringList{"serve-sim", "--model", "llama-3-70b", "--hardware", "h100-sxm", "--rate", "1"}
            << QStringList{"--memory-fraction", "no room for the KV cache"};
        // The closed loop, scheduler, servers and shared prefixes are bounded where they are read.
        QTest::newRow("serve-sim concurrency 0") << serve + QStringList{"--concurrency", "0"} << QStringList{"--concurrency", ">= 1"};
        QTest::newRow("serve-sim concurrency huge")
            << serve + QStringList{"--concurrency", "100000000"} << QStringList{"--concurrency", "10000000"};
        QTest::newRow("serve-sim too many levels")
            << serve + QStringList{"--rate", QString("1,").repeated(70) + "1"} << QStringList{"--rate", "64 load levels"};
        QTest::newRow("serve-sim two sweeps")
            << serve + QStringList{"--rate", "1,2", "--concurrency", "1,2"} << QStringList{"--concurrency", "not both"};
        QTest::newRow("serve-sim replicas") << serve + QStringList{"--rate", "1", "--replicas", "100000"}
                                            << QStringList{"--replicas", "4096"};
        QTest::newRow("serve-sim router") << serve + QStringList{"--rate", "1", "--router", "random"}
                                          << QStringList{"--router", "random"};
        QTest::newRow("serve-sim disaggregate") << serve + QStringList{"--rate", "1", "--disaggregate", "2"}
                                                << QStringList{"--disaggregate", "P:D"};
        QTest::newRow("serve-sim steps") << serve + QStringList{"--rate", "1", "--steps-per-schedule", "0"}
                                         << QStringList{"--steps-per-schedule", ">= 1"};
        QTest::newRow("serve-sim preemption") << serve + QStringList{"--rate", "1", "--preemption", "evict"}
                                              << QStringList{"--preemption", "recompute"};
        QTest::newRow("serve-sim turns") << serve + QStringList{"--rate", "1", "--turns", "0"} << QStringList{"--turns"};
        QTest::newRow("serve-sim shared prefix") << serve + QStringList{"--rate", "1", "--shared-prefix", "512:0"}
                                                 << QStringList{"--shared-prefix"};
        QTest::newRow("serve-sim prefix caching") << serve + QStringList{"--rate", "1", "--prefix-caching", "maybe"}
                                                  << QStringList{"--prefix-caching", "on or off"};
        QTest::newRow("serve-sim warm-up too large")
            << serve + QStringList{"--concurrency", "4", "--warmup", "20000000"} << QStringList{"--warmup"};
        QTest::newRow("serve-sim trace prefix")
            << serve + QStringList{"--trace", file("trace-prefix.csv", "arrival_s,prompt,output,prefix_group,prefix\n0,10,2,1,11\n")}
            << QStringList{"trace-prefix.csv", "line 2: prefix", "11"};
        QTest::newRow("serve-sim empirical column")
            << serve + QStringList{"--rate", "1", "--prompt", "empirical:" + file("lengths.csv", "input,output\n10,2\n")}
            << QStringList{"lengths.csv", "header", "prompt"};
        QTest::newRow("serve-validate data")
            << QStringList{"serve-validate", "--data", file("published.json", "{\"runs\": [{\"id\": \"x\"}]}")}
            << QStringList{"published.json", "runs[0]"};
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, mentions);
        const test::RunResult r = test::runLlmdse(args);
        QVERIFY2(r.exitCode == 1, qPrintable(QString("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.startsWith("llmdse: error: "), qPrintable(r.err));
        for (const QString& m : mentions) QVERIFY2(r.err.contains(m), qPrintable("'" + m + "' not in: " + r.err));
        QVERIFY2(r.out.isEmpty(), qPrintable(r.out)); // nothing half-done on stdout
    }

    // Malformed input that used to crash, hang, allocate without bound or print inf/NaN as
    // null (the hardening issue): each class of defect, refused with exit 1 and a message.
    void hardening_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("mentions");
        const QStringList base{"evaluate", "--model", "llama-2-7b", "--hardware", "h100-sxm"};

        // Integer sizes: q width 65536 x 65536 wrapped a 32-bit int; hidden 1e9 asked for 1.28 TB.
        QJsonObject wide = QJsonDocument::fromJson(kTinyLlama).object();
        wide["num_attention_heads"] = 65536;
        wide["num_key_value_heads"] = 65536;
        wide["head_dim"] = 65536;
        const QString wideFile = file("wide.json", QJsonDocument(wide).toJson());
        QTest::newRow("q width beyond 2^31") << evaluateModel(wideFile) << QStringList{"wide.json", "num_attention_heads", "4096"};
        QTest::newRow("q width beyond 2^31, check")
            << QStringList{"check", "--model", wideFile, "--cached-host"} << QStringList{"wide.json", "num_attention_heads"};
        QTest::newRow("hidden 1e9") << evaluateModel(file("hidden.json", tinyLlamaWith("hidden_size", 1e9)))
                                    << QStringList{"hidden.json", "hidden_size", "131072"};
        QTest::newRow("head_dim bound") << evaluateModel(file("hd.json", tinyLlamaWith("head_dim", 100000)))
                                        << QStringList{"hd.json", "head_dim", "4096"};
        QTest::newRow("vocab bound") << evaluateModel(file("vocab.json", tinyLlamaWith("vocab_size", 2e9)))
                                     << QStringList{"vocab.json", "vocab_size"};
        QTest::newRow("model.hidden by --set") << (base + QStringList{"--set", "model.hidden=1000000"})
                                               << QStringList{"model.hidden", "131072"};
        QTest::newRow("batch bound") << (base + QStringList{"--batch", "2000000000"}) << QStringList{"batch", "1048576"};

        // Sizes from the command line, checked against this machine's memory before allocating.
        QTest::newRow("run max-new-tokens")
            << QStringList{"run", "--model", "smollm-135m", "--input-ids", "1,2", "--max-new-tokens", "200000000"}
            << QStringList{"--max-new-tokens", "GB"};
        QTest::newRow("serve-sim requests")
            << QStringList{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--rate", "1", "--requests", "100000000"}
            << QStringList{"--requests", "10000000"};
        QTest::newRow("serve-sim max-batch")
            << QStringList{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--rate", "1", "--max-batch", "2000000000"}
            << QStringList{"--max-batch"};

        // Input files: regular files only, with a size cap and a line-length limit.
        QTest::newRow("design /dev/zero") << QStringList{"evaluate", "--design", "/dev/zero"}
                                          << QStringList{"/dev/zero", "not a regular file"};
        QTest::newRow("trace /dev/zero")
            << QStringList{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--trace", "/dev/zero"}
            << QStringList{"/dev/zero", "not a regular file"};
        QTest::newRow("hardware is a folder") << evaluateHardware(dir_.path()) << QStringList{"folder"};
        const QString big = dir_.filePath("huge.json");
        {
            QFile f(big);
            f.open(QIODevice::WriteOnly);
            f.resize(qint64(65) << 20); // sparse: 65 MB of zeros
        }
        QTest::newRow("design over the size cap") << QStringList{"evaluate", "--design", big} << QStringList{"huge.json", "larger than"};
        QTest::newRow("trace long line")
            << QStringList{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--trace",
                           file("long.csv", "arrival_s,prompt,output\n0," + QByteArray(5000, '1') + ",2\n")}
            << QStringList{"long.csv", "line 2", "longer than"};

        // No silent nonsense: absurd magnitudes are refused where they are read, naming the field.
        QTest::newRow("trace arrival 1e308")
            << QStringList{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--trace",
                           file("far.csv", "arrival_s,prompt,output\n1e308,10,2\n")}
            << QStringList{"far.csv", "line 2: arrival_s"};
        QTest::newRow("capacity 1e308") << (base + QStringList{"--set", "hardware.memory_capacity=1e308"})
                                        << QStringList{"hardware.memory_capacity", "1e15"};
        QJsonObject hotBits = QJsonDocument::fromJson(kHardware).object();
        hotBits["memory"] = QJsonArray{QJsonObject{{"name", "HBM"}, {"capacity_gb", 80}, {"bandwidth_gb_s", 2000},
                                                   {"energy_pj_per_bit", 1e308}}};
        QTest::newRow("energy per bit 1e308") << evaluateHardware(file("hot.json", QJsonDocument(hotBits).toJson()))
                                              << QStringList{"hot.json", "energy_pj_per_bit"};
        QTest::newRow("energy scale 1e308")
            << (base + QStringList{"--runtime", file("rt.json", R"({"id": "x", "efficiency": {}, "energy": {"flop_energy_scale": 1e308}})")})
            << QStringList{"rt.json", "flop_energy_scale"};
        QTest::newRow("scheduler memory basis")
            << (base + QStringList{"--runtime", file("rt-sched.json", R"({"id": "x", "efficiency": {}, "scheduler": {"memory_fraction_of": "gpu"}})")})
            << QStringList{"rt-sched.json", "memory_fraction_of", "gpu"};
        QTest::newRow("measured latency 1e-308")
            << QStringList{"validate", "--data", file("tiny-lat.json", measurements(R"({"device": "h100-sxm", "model": "llama-2-7b", "phase": "decode", "batch": 1, "context": 9, "latency_ms": 1e-308})"))}
            << QStringList{"tiny-lat.json", "latency_ms"};
        QTest::newRow("temperature nan") << QStringList{"run", "--model", "smollm-135m", "--input-ids", "1", "--temperature", "nan"}
                                         << QStringList{"--temperature", "nan"};
        QTest::newRow("top-p nan") << QStringList{"run", "--model", "smollm-135m", "--input-ids", "1", "--top-p", "nan"}
                                   << QStringList{"--top-p", "nan"};
        QTest::newRow("local sram below 4 KiB")
            << QStringList{"evaluate", "--model", "llama-2-7b", "--hardware", "template-systolic", "--set", "hardware.local_sram_kib=0.001"}
            << QStringList{"hardware.local_sram_kib", ">= 4", "0.001"};
    }

    void hardening()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, mentions);
        QElapsedTimer t;
        t.start();
        const test::RunResult r = test::runLlmdse(args, 60000);
        QVERIFY2(r.exitCode == 1, qPrintable(QString("exit %1, stderr: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.startsWith("llmdse: error: "), qPrintable(r.err));
        for (const QString& m : mentions) QVERIFY2(r.err.contains(m), qPrintable("'" + m + "' not in: " + r.err));
        QVERIFY2(t.elapsed() < 30000, "refusing bad input must take seconds, not minutes");
    }

    // A request stream where nothing completes (every request larger than the KV cache)
    // reports its latencies as n/a (null in JSON), not as 0 s.
    void servingWithoutCompletionsSaysNa()
    {
        const QStringList args{"serve-sim", "--model", "llama-3-8b", "--hardware", "h100-sxm", "--rate", "5",
                               "--requests", "20", "--prompt", "4096", "--kv-blocks", "4"};
        const test::RunResult table = test::runLlmdse(args);
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains("completed requests") && table.out.contains("0 of 20"), qPrintable(table.out));
        QVERIFY2(table.out.contains("n/a"), qPrintable(table.out));
        const test::RunResult json = test::runLlmdse(args + QStringList{"--format", "json"});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject ttft = QJsonDocument::fromJson(json.out.toUtf8()).object().value("ttft_s").toObject();
        QVERIFY(ttft.value("p50").isNull());
        QCOMPARE(ttft.value("count").toDouble(), 0.0);
    }

    void help_data()
    {
        QTest::addColumn<QString>("command");
        for (const char* c : {"evaluate", "sweep", "merge", "zoo", "validate", "calibrate", "serve-sim", "serve-validate"})
            QTest::newRow(c) << c;
    }

    void help()
    {
        QFETCH(QString, command);
        const test::RunResult r = test::runLlmdse({command, "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Options:") && r.out.contains("--help"), qPrintable(r.out));
        QVERIFY(r.err.isEmpty());
    }

    void evaluateHelpListsDesignOptions()
    {
        const test::RunResult r = test::runLlmdse({"evaluate", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* o : {"--model", "--hardware", "--runtime", "--batch", "--weights", "--kv", "--tp", "--set"})
            QVERIFY2(r.out.contains(o), o);
    }

    void unknownSubcommandAndOption()
    {
        test::RunResult r = test::runLlmdse({"frobnicate"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("frobnicate"));
        r = test::runLlmdse({"evaluate", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--no-such-option"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no-such-option"));
    }

    void evaluateJsonShape()
    {
        const test::RunResult r = test::runLlmdse({"evaluate", "--model", "llama-2-7b", "--hardware", "h100-sxm",
                                                   "--batch", "4", "--format", "json"});
        QCOMPARE(r.exitCode, 0);
        QJsonParseError err;
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &err).object();
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
        for (const char* k : {"ttft_s", "tpot_s", "e2e_s", "decode_tokens_per_s", "energy_per_token_j", "tokens_per_j",
                              "avg_power_w", "prefill_energy_j"}) {
            QVERIFY2(o.value(k).isDouble(), k);
            QVERIFY2(o.value(k).toDouble() > 0, k);
        }
        const QJsonObject mem = o.value("memory").toObject();
        for (const char* k : {"weights_bytes", "kv_cache_bytes", "activation_bytes"}) QVERIFY2(mem.value(k).isDouble(), k);
        QVERIFY(mem.value("fits").isBool());
        QVERIFY(mem.value("fits").toBool());
        QCOMPARE(mem.value("weights_bytes").toDouble(), 2.0 * 6738415616.0); // fp16 Llama-2-7B
        const QJsonArray ops = o.value("ops").toArray();
        QVERIFY(ops.size() > 10);
        QSet<QString> phases;
        for (const auto& v : ops) {
            const QJsonObject op = v.toObject();
            QVERIFY(op.value("name").isString());
            QVERIFY(op.value("flops").isDouble() && op.value("bytes").isDouble() && op.value("time_s").isDouble());
            phases.insert(op.value("phase").toString());
            QVERIFY2(QStringList({"compute", "memory", "overhead", "communication"}).contains(op.value("bound").toString()),
                     qPrintable(op.value("bound").toString()));
        }
        QCOMPARE(phases, QSet<QString>({"prefill", "decode"}));
        // Consistency of derived figures: throughput = batch / tpot.
        QVERIFY(qAbs(o.value("decode_tokens_per_s").toDouble() * o.value("tpot_s").toDouble() - 4.0) < 1e-9);
    }

    void evaluateDoesNotFit()
    {
        const test::RunResult r = test::runLlmdse({"evaluate", "--model", "llama-3-70b", "--hardware", "l4", "--weights",
                                                   "fp16", "--format", "json"});
        QCOMPARE(r.exitCode, 0); // a design that does not fit is an answer, not an error
        const QJsonObject mem = QJsonDocument::fromJson(r.out.toUtf8()).object().value("memory").toObject();
        QCOMPARE(mem.value("fits").toBool(true), false);
        QVERIFY2(mem.value("message").toString().startsWith("does not fit: needs"), qPrintable(mem.value("message").toString()));
    }
};

QTEST_GUILESS_MAIN(TestCliErrors)
#include "tst_cli_errors.moc"
