// llmdse check: run a model on this CPU with the reference engine and compare
// every operator with what the analytical estimator predicts for `host`.
#include "app/Command.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "estimators/measured/CpuContention.h"
#include "estimators/measured/MachineState.h"
#include "models/gguf/GgufExport.h"
#include "core/Design.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeZoo.h"
#include "core/Units.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/measured/HostCheck.h"
#include "estimators/measured/SpeculativeCheck.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace llmdse {

namespace {


int positiveOption(const QCommandLineParser& p, const char* name)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v <= 0 || v > kMaxTokens)
        throw InputError("", std::string("--") + name, "must be a whole number between 1 and " + std::to_string(kMaxTokens));
    return v;
}

ModelWeights weightsFrom(const QString& what, const char* option)
{
    if (QFileInfo(what).isDir()) return loadCheckpoint(what.toStdString());
    return syntheticWeights(resolveModel(what.toStdString(), option), 2);
}

int speculativeCheck(const QCommandLineParser& parser, OutputFormat format)
{
    SpeculativeCheckRequest req;
    req.prompt = positiveOption(parser, "prompt");
    req.output = positiveOption(parser, "output");
    req.draftLength = positiveOption(parser, "draft-len");
    req.repeat = positiveOption(parser, "repeat");
    req.weights = parseQuantFormat(parser.isSet("weights") ? parser.value("weights").toStdString() : "fp32", "--weights");
    req.pairedHost = !parser.isSet("cached-host");
    if (positiveOption(parser, "batch") != 1) throw InputError("", "--batch", "speculative decoding is checked at batch 1");
    ModelWeights target;
    if (parser.isSet("checkpoint")) target = loadCheckpoint(parser.value("checkpoint").toStdString());
    else if (parser.isSet("model")) target = syntheticWeights(resolveModel(parser.value("model").toStdString(), "--model"));
    else throw InputError("", "--model", "missing: give a model (or --checkpoint)");
    const int layers = parser.isSet("draft-layers") ? positiveOption(parser, "draft-layers") : 0;
    ModelWeights draft = layers > 0 ? ModelWeights{} : weightsFrom(parser.value("draft"), "--draft");
    const SpeculativeCheckResult r = runSpeculativeCheck(std::move(target), std::move(draft), layers, req, [&](int run, int of) {
        if (run > 0) std::fprintf(stderr, "llmdse: run %d of %d\n", run, of);
    });
    QJsonArray acceptance, runs;
    for (double a : r.acceptanceAt) acceptance.append(a);
    for (const auto& x : r.runs)
        runs.append(QJsonObject{{"plain_measured_s", x.plainMeasuredS}, {"speculative_measured_s", x.specMeasuredS},
                                {"plain_predicted_s", x.plainPredictedS}, {"speculative_predicted_s", x.specPredictedS},
                                {"measured_speedup", x.measuredSpeedup()}, {"predicted_speedup", x.predictedSpeedup()}});
    if (format == OutputFormat::Json) {
        const QJsonObject o{{"target", QString::fromStdString(r.target)}, {"draft", QString::fromStdString(r.draft)},
                            {"draft_len", req.draftLength}, {"identical_to_plain", r.identical},
                            {"acceptance_per_position", acceptance},
                            {"tokens_per_step", QJsonObject{{"measured", r.measuredTokensPerStep}, {"predicted", r.predictedTokensPerStep}}},
                            {"speedup", QJsonObject{{"measured", r.measuredSpeedup}, {"predicted", r.predictedSpeedup},
                                                    {"error_percent", r.errorPercent}}},
                            {"runs", runs}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        return r.identical ? 0 : 2;
    }
    std::printf("Speculative decoding check: target %s, draft %s, k = %d, prompt %d, %d tokens\n", r.target.c_str(),
                r.draft.c_str(), req.draftLength, req.prompt, req.output);
    std::printf("tokens identical to plain greedy: %s\nmeasured acceptance per position:", r.identical ? "yes" : "NO");
    for (double a : r.acceptanceAt) std::printf(" %.3f", a);
    std::printf("\ntokens per verification: measured %.2f, predicted from that acceptance %.2f\n", r.measuredTokensPerStep,
                r.predictedTokensPerStep);
    for (size_t i = 0; i < r.runs.size(); ++i) {
        const auto& x = r.runs[i];
        std::printf("  run %zu: plain %s / speculative %s measured = %.2fx; predicted %s / %s = %.2fx\n", i + 1,
                    formatSeconds(x.plainMeasuredS).c_str(), formatSeconds(x.specMeasuredS).c_str(), x.measuredSpeedup(),
                    formatSeconds(x.plainPredictedS).c_str(), formatSeconds(x.specPredictedS).c_str(), x.predictedSpeedup());
    }
    std::printf("speedup (plain / speculative decode time): measured %.2fx, predicted %.2fx, error %+.1f%% (median of runs)\n",
                r.measuredSpeedup, r.predictedSpeedup, r.errorPercent);
    return r.identical ? 0 : 2;
}

// `check --runtime llama.cpp`: the same model exported to GGUF and run by llama.cpp.
int llamaCppCheck(const QCommandLineParser& parser, OutputFormat format)
{
    ModelSource source;
    if (parser.isSet("checkpoint")) source.checkpoint = parser.value("checkpoint").toStdString();
    else if (parser.isSet("model")) source.spec = resolveModel(parser.value("model").toStdString(), "--model");
    else throw InputError("", "--model", "missing: give a model (or --checkpoint)");
    if (positiveOption(parser, "batch") != 1) throw InputError("", "--batch", "llama.cpp is checked at batch 1");
    LlamaCppCheckRequest req;
    req.weights = parseGgufWeights(parser.isSet("weights") ? parser.value("weights").toStdString() : "f16", "--weights");
    req.prompt = positiveOption(parser, "prompt");
    req.output = positiveOption(parser, "output");
    req.repeat = positiveOption(parser, "repeat");
    req.pairedHost = !parser.isSet("cached-host");
    if (parser.isSet("threads")) req.threads = positiveOption(parser, "threads");
    const LlamaCppCheckResult r = runLlamaCppCheck(source, req, [&](int run, int of) {
        std::fprintf(stderr, "llmdse: llama.cpp run %d of %d\n", run, of);
    });
    auto err = [](double p, double m) { return m > 0 ? 100.0 * (p / m - 1.0) : 0.0; };
    auto state = [](const MachineState& s) { return QJsonObject{{"gemm_gflops", s.gemmFlops / 1e9}, {"stream_gb_s", s.streamBytesPerS / 1e9}}; };
    if (format == OutputFormat::Json) {
        QJsonArray runs;
        for (const auto& x : r.runs)
            runs.append(QJsonObject{{"prefill_predicted_s", x.prefillPredictedS}, {"prefill_measured_s", x.prefillMeasuredS},
                                    {"decode_step_predicted_s", x.decodePredictedS}, {"decode_step_measured_s", x.decodeMeasuredS},
                                    {"others_cpu_share", x.othersCpuShare}, {"machine_state_deviation", x.stateDeviation},
                                    {"runs_discarded", x.discarded},
                                    {"machine_state", QJsonObject{{"host_measurement", state(x.reference)},
                                                                  {"before", state(x.before)}, {"after", state(x.after)}}}});
        const QJsonObject o{{"model", QString::fromStdString(r.model)},
                            {"runtime", "llama.cpp"},
                            {"llama_cpp_version", QString::fromStdString(r.library.version)},
                            {"gguf", QString::fromStdString(r.gguf)},
                            {"weights", toString(req.weights)},
                            {"threads", r.threads},
                            {"prompt", req.prompt},
                            {"output", req.output},
                            {"prefill", QJsonObject{{"predicted_s", r.prefillPredictedS}, {"measured_s", r.prefillMeasuredS},
                                                    {"error_percent", r.prefillErrorPercent},
                                                    {"measured_tokens_per_s", req.prompt / r.prefillMeasuredS}}},
                            {"decode_step", QJsonObject{{"predicted_s", r.decodePredictedS}, {"measured_s", r.decodeMeasuredS},
                                                        {"error_percent", r.decodeErrorPercent},
                                                        {"measured_tokens_per_s", 1.0 / r.decodeMeasuredS}}},
                            {"runs", runs},
                            {"runtime_provenance", QString::fromStdString(r.runtimeProvenance)}};
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
        return 0;
    }
    std::printf("Check: %s (%s) run by llama.cpp %s, %d thread(s), prompt %d, output %d on %s\nGGUF: %s\n\n", r.model.c_str(),
                toString(req.weights), r.library.version.c_str(), r.threads, req.prompt, req.output, r.hardwareName.c_str(),
                r.gguf.c_str());
    TextTable t({"run", "prefill predicted", "measured", "error", "decode step predicted", "measured", "error", "others' CPU",
                 "speed vs host", "retried"});
    int contended = 0, drifted = 0;
    for (size_t i = 0; i < r.runs.size(); ++i) {
        const auto& x = r.runs[i];
        contended += x.othersCpuShare > quietShareLimit();
        drifted += x.stateDeviation > stateTolerance();
        t.add({std::to_string(i + 1), formatSeconds(x.prefillPredictedS), formatSeconds(x.prefillMeasuredS),
               fmt(err(x.prefillPredictedS, x.prefillMeasuredS), 3) + "%", formatSeconds(x.decodePredictedS),
               formatSeconds(x.decodeMeasuredS), fmt(err(x.decodePredictedS, x.decodeMeasuredS), 3) + "%",
               x.othersCpuShare < 0 ? "n/a" : fmt(100.0 * x.othersCpuShare, 2) + "%",
               "within " + fmt(100.0 * x.stateDeviation, 2) + "%", std::to_string(x.discarded)});
    }
    std::fputs(t.render().c_str(), stdout);
    if (contended || drifted)
        std::printf("\nnote: in %d run(s) other processes used more than %.0f%% of the CPUs, in %d the machine's compute or "
                    "memory rate around the run was more than %.0f%% away from the host measurement's, even after "
                    "retrying: those timings describe this computer in another state than the prediction.\n",
                    contended, 100.0 * quietShareLimit(), drifted, 100.0 * stateTolerance());
    std::printf("\nprefill:     predicted %s, measured %s (%.1f tokens/s), error %+.1f%%\n",
                formatSeconds(r.prefillPredictedS).c_str(), formatSeconds(r.prefillMeasuredS).c_str(),
                req.prompt / r.prefillMeasuredS, r.prefillErrorPercent);
    std::printf("decode step: predicted %s, measured %s (%.1f tokens/s), error %+.1f%%\n",
                formatSeconds(r.decodePredictedS).c_str(), formatSeconds(r.decodeMeasuredS).c_str(), 1.0 / r.decodeMeasuredS,
                r.decodeErrorPercent);
    std::printf("(median of the runs' errors%s)\nruntime profile: %s\n",
                req.pairedHost ? ", each run predicted from the host measured just before it" : "", r.runtimeProvenance.c_str());
    return 0;
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Run a model on this CPU with the reference engine (synthetic weights unless --checkpoint) and compare each\n"
        "operator's measured time with the analytical estimate for the `host` preset and `reference-engine` profile.\n"
        "Example: llmdse check --model qwen2.5-0.5b --prompt 128 --output 16");
    parser.addHelpOption();
    parser.addOption({"model", "Zoo id or config.json (shape for synthetic weights).", "id"});
    parser.addOption({"checkpoint", "Run real weights from this checkpoint folder instead.", "dir"});
    parser.addOption({"runtime", "Engine measured: reference-engine (default, llmdse's own) or llama.cpp (the model exported\n"
                                 "to GGUF, cached by content in $XDG_CACHE_HOME/llmdse/gguf, at most $LLMDSE_GGUF_CACHE_GB\n"
                                 "(default 32) GB, least recently used removed first, and run through llama.cpp's libraries;\n"
                                 "$LLMDSE_LLAMACPP names a llama.cpp build).", "name", "reference-engine"});
    parser.addOption({"weights", "Reference engine: fp32, fp16, bf16, int8 or int4 (group-wise, :g<N>; default fp32).\n"
                                 "llama.cpp: f32, f16, q8_0 or q4_0 (default f16).", "fmt"});
    parser.addOption({"quantize-head", "Reference engine: store the output projection in --weights too (the prediction follows)."});
    parser.addOption({"threads", "llama.cpp threads (default: every core).", "n"});
    parser.addOption({"batch", "Sequences (default 1).", "n", "1"});
    parser.addOption({"prompt", "Prompt tokens (default 128).", "n", "128"});
    parser.addOption({"output", "Generated tokens (default 16).", "n", "16"});
    parser.addOption({"repeat", "Runs after one warm-up; phases report the median run (default 3).", "n", "3"});
    parser.addOption({"cached-host", "Predict every run from the cached host profile (`llmdse host`) instead of re-measuring\n"
                                     "the host just before each run (default). Faster; on a shared machine whose speed\n"
                                     "drifts, the profile and the runs then see different machine states."});
    parser.addOption({"draft-layers", "Check draft-model speculative decoding with the target's first N layers as the draft:\n"
                                      "plain vs speculative speedup measured and predicted (batch 1).", "n"});
    parser.addOption({"draft", "Check speculative decoding with this draft (checkpoint folder, or a zoo id: synthetic weights).", "dir"});
    parser.addOption({"draft-len", "Tokens the draft proposes per verification (default 4).", "k", "4"});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const QString runtime = parser.value("runtime");
        if (runtime == "llama.cpp") return llamaCppCheck(parser, format);
        if (runtime != "reference-engine")
            throw InputError("", "--runtime", "unknown engine '" + runtime.toStdString() + "' (reference-engine or llama.cpp)");
        if (parser.isSet("threads")) throw InputError("", "--threads", "the reference engine runs on every core; --threads is for llama.cpp");
        if (parser.isSet("draft-layers") || parser.isSet("draft")) return speculativeCheck(parser, format);
        const int B = positiveOption(parser, "batch"), S = positiveOption(parser, "prompt"), N = positiveOption(parser, "output");
        if (N < 2) throw InputError("", "--output", "needs at least 2 tokens to measure decode");
        HostCheckRequest req;
        req.batch = B, req.prompt = S, req.output = N;
        req.weights = parseQuantFormat(parser.isSet("weights") ? parser.value("weights").toStdString() : "fp32", "--weights");
        req.quantizedHead = parser.isSet("quantize-head");
        req.repeat = positiveOption(parser, "repeat");
        req.pairedHost = !parser.isSet("cached-host");
        ModelWeights w;
        if (parser.isSet("checkpoint")) w = loadCheckpoint(parser.value("checkpoint").toStdString());
        else if (parser.isSet("model")) w = syntheticWeights(resolveModel(parser.value("model").toStdString(), "--model"));
        else throw InputError("", "--model", "missing: give a model (or --checkpoint)");
        const HostCheckResult res = runHostCheck(std::move(w), req, [&](int run, int of) {
            if (req.pairedHost && run > 0) std::fprintf(stderr, "llmdse: run %d of %d\n", run, of);
        });
        const bool paired = req.pairedHost;
        const QuantFormat wf = req.weights;
        auto err = [](double p, double m) { return m > 0 ? 100.0 * (p / m - 1.0) : 0.0; };
        QJsonArray runsJson;
        for (const auto& x : res.runs)
            runsJson.append(QJsonObject{{"prefill_predicted_s", x.prefillPredictedS}, {"prefill_measured_s", x.prefillMeasuredS},
                                        {"decode_step_predicted_s", x.decodePredictedS}, {"decode_step_measured_s", x.decodeMeasuredS}});
        if (format == OutputFormat::Json) {
            QJsonArray ops;
            for (const auto& r : res.ops)
                ops.append(QJsonObject{{"phase", QString::fromStdString(r.phase)}, {"op", QString::fromStdString(r.op)},
                                       {"predicted_s", r.predictedS}, {"measured_s", r.measuredS},
                                       {"predicted_flops", r.predictedFlops}, {"measured_flops", r.measuredFlops}});
            QJsonObject o{{"model", QString::fromStdString(res.model)},
                          {"weights", QString::fromStdString(toString(wf))},
                          {"paired_host_measurements", paired},
                          {"prefill", QJsonObject{{"predicted_s", res.prefillPredictedS}, {"measured_s", res.prefillMeasuredS},
                                                  {"error_percent", res.prefillErrorPercent}}},
                          {"decode_step", QJsonObject{{"predicted_s", res.decodePredictedS}, {"measured_s", res.decodeMeasuredS},
                                                      {"error_percent", res.decodeErrorPercent}}},
                          {"ops", ops},
                          {"runs", runsJson}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        std::printf("Check: %s (weights %s), batch %d, prompt %d, output %d on %s\n\n", res.model.c_str(),
                    toString(wf).c_str(), B, S, N, res.hardwareName.c_str());
        TextTable t({"phase", "op", "predicted", "measured", "error", "FLOPs predicted", "FLOPs counted"});
        for (const auto& r : res.ops)
            t.add({r.phase, r.op, formatSeconds(r.predictedS), formatSeconds(r.measuredS),
                   fmt(err(r.predictedS, r.measuredS), 3) + "%", formatSi(r.predictedFlops, ""), formatSi(r.measuredFlops, "")});
        std::fputs(t.render().c_str(), stdout);
        std::printf("\nruns (predicted / measured):\n");
        for (size_t i = 0; i < res.runs.size(); ++i) {
            const auto& x = res.runs[i];
            std::printf("  %zu: prefill %s / %s (%+.1f%%), decode step %s / %s (%+.1f%%)\n", i + 1,
                        formatSeconds(x.prefillPredictedS).c_str(), formatSeconds(x.prefillMeasuredS).c_str(),
                        err(x.prefillPredictedS, x.prefillMeasuredS), formatSeconds(x.decodePredictedS).c_str(),
                        formatSeconds(x.decodeMeasuredS).c_str(), err(x.decodePredictedS, x.decodeMeasuredS));
        }
        const char* how = paired ? "median of the runs' errors, each run predicted from the host measured just before it"
                                 : "median of the runs' errors against the cached host profile";
        std::printf("\nprefill:     predicted %s, measured %s, error %+.1f%%\n", formatSeconds(res.prefillPredictedS).c_str(),
                    formatSeconds(res.prefillMeasuredS).c_str(), res.prefillErrorPercent);
        std::printf("decode step: predicted %s, measured %s, error %+.1f%%\n", formatSeconds(res.decodePredictedS).c_str(),
                    formatSeconds(res.decodeMeasuredS).c_str(), res.decodeErrorPercent);
        std::printf("(%s)\nhost profile: %s\n", how, res.profileProvenance.c_str());
        return 0;
    });
}

const bool registered = registerCommand({"check", "Run a model on this CPU and compare with the estimate per op.", run});

} // namespace
} // namespace llmdse
