// llmdse check: run a model on this CPU with the reference engine and compare
// every operator with what the analytical estimator predicts for `host`.
#include "app/Command.h"
#include "app/OutputFormat.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeZoo.h"
#include "core/Units.h"
#include "estimators/measured/HostBenchmarks.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>

namespace llmdse {

namespace {

struct Row {
    std::string phase, op;
    double predictedS = 0, measuredS = 0, predictedFlops = 0, measuredFlops = 0;
};

int positiveOption(const QCommandLineParser& p, const char* name)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v <= 0) throw InputError("", std::string("--") + name, "must be a positive whole number");
    return v;
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
    parser.addOption({"weights", "fp32, int8 or int4 (group-wise, :g<N>).", "fmt", "fp32"});
    parser.addOption({"batch", "Sequences (default 1).", "n", "1"});
    parser.addOption({"prompt", "Prompt tokens (default 128).", "n", "128"});
    parser.addOption({"output", "Generated tokens (default 16).", "n", "16"});
    parser.addOption({"repeat", "Runs after one warm-up; phases report the median run (default 3).", "n", "3"});
    parser.addOption({"cached-host", "Predict every run from the cached host profile (`llmdse host`) instead of re-measuring\n"
                                     "the host just before each run (default). Faster; on a shared machine whose speed\n"
                                     "drifts, the profile and the runs then see different machine states."});
    addFormatOption(parser, false);
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser, false);
        const int B = positiveOption(parser, "batch"), S = positiveOption(parser, "prompt"), N = positiveOption(parser, "output");
        if (N < 2) throw InputError("", "--output", "needs at least 2 tokens to measure decode");
        const QuantFormat wf = parseQuantFormat(parser.value("weights").toStdString(), "--weights");
        ModelWeights w;
        if (parser.isSet("checkpoint")) w = loadCheckpoint(parser.value("checkpoint").toStdString());
        else if (parser.isSet("model")) w = syntheticWeights(resolveModel(parser.value("model").toStdString(), "--model"));
        else throw InputError("", "--model", "missing: give a model (or --checkpoint)");
        w.quantize(wf);
        ReferenceEngine engine(std::move(w));
        const ModelSpec& spec = engine.spec();

        const int repeat = positiveOption(parser, "repeat");
        const bool paired = !parser.isSet("cached-host");
        auto predict = [&](const HostMeasurements& host) {
            Design d;
            d.model = spec;
            d.hardware = hostHardware(host);
            d.runtime = referenceEngineProfile(host);
            d.workload = {B, S, N, 0};
            d.opts.weights = wf;
            d.opts.activations = Precision::FP32;
            d.opts.kvCache = {Precision::FP32, 0};
            return AnalyticalEstimator().evaluate(d, true);
        };
        // Measured: prefill, then N-1 decode steps, each phase with its own counters. One warm-up
        // run, then `repeat` runs; shared machines are noisy, so phases report the median run.
        std::vector<std::vector<int>> prompts(static_cast<size_t>(B), std::vector<int>(static_cast<size_t>(S)));
        for (int b = 0; b < B; ++b)
            for (int i = 0; i < S; ++i) prompts[size_t(b)][size_t(i)] = (i * 7919 + b * 131 + 1) % spec.vocab;
        OpCounters prefill, decode, warmup;
        std::vector<double> prefillRuns, decodeRuns, prefillPred, decodePred;
        std::vector<Metrics> predictions;
        for (int run = 0; run <= repeat; ++run) {
            if (run > 0 && (paired || predictions.empty())) {
                predictions.push_back(predict(paired ? hostMeasurements(true) : hostMeasurements()));
                if (paired) std::fprintf(stderr, "llmdse: run %d of %d\n", run, repeat);
            }
            KvCache cache(spec, B, S + N);
            engine.counters = run == 0 ? &warmup : &prefill;
            auto t0 = std::chrono::steady_clock::now();
            RowMatrix logits = engine.forward(prompts, cache);
            const double p = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            engine.counters = run == 0 ? &warmup : &decode;
            std::vector<std::vector<int>> step(static_cast<size_t>(B), std::vector<int>(1));
            t0 = std::chrono::steady_clock::now();
            for (int i = 1; i < N; ++i) {
                for (int b = 0; b < B; ++b) {
                    Eigen::Index best;
                    logits.row(b).maxCoeff(&best);
                    step[size_t(b)][0] = static_cast<int>(best);
                }
                logits = engine.forward(step, cache);
            }
            const double dstep = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (N - 1);
            if (run > 0) {
                prefillRuns.push_back(p);
                decodeRuns.push_back(dstep);
                prefillPred.push_back(predictions.back().prefill.timeS);
                decodePred.push_back(predictions.back().decodeStep.timeS);
            }
        }
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
        };
        // Each run's error against its own prediction; the phase error is their median.
        auto medianError = [&](const std::vector<double>& pred, const std::vector<double>& meas) {
            std::vector<double> e;
            for (size_t i = 0; i < pred.size(); ++i) e.push_back(100.0 * (pred[i] / meas[i] - 1.0));
            return median(e);
        };
        const double prefillS = median(prefillRuns), decodeS = median(decodeRuns);
        const double prefillPredS = median(prefillPred), decodePredS = median(decodePred);
        const double prefillErr = medianError(prefillPred, prefillRuns), decodeErr = medianError(decodePred, decodeRuns);
        const Metrics& m = predictions.back();
        const std::string hardwareName = hostHardware(hostMeasurements()).name;
        // Per op: the mean prediction over the runs' profiles beside the mean measurement.
        std::map<std::pair<std::string, std::string>, double> meanPredicted;
        for (const auto& pm : predictions)
            for (const auto& op : pm.ops) meanPredicted[{op.phase, op.name}] += op.timeS / double(predictions.size());

        std::vector<Row> rows;
        for (const auto& op : m.ops) {
            const OpCounters& c = op.phase == "prefill" ? prefill : decode;
            const double steps = (op.phase == "prefill" ? 1.0 : N - 1.0) * repeat; // per-op: mean over runs
            auto it = c.ops().find(op.name);
            Row r{op.phase, op.name, meanPredicted[{op.phase, op.name}], 0, op.flops, 0};
            if (it != c.ops().end()) {
                r.measuredS = it->second.seconds / steps;
                r.measuredFlops = it->second.flops / steps;
            }
            rows.push_back(r);
        }
        auto err = [](double p, double m) { return m > 0 ? 100.0 * (p / m - 1.0) : 0.0; };
        QJsonArray runsJson;
        for (size_t i = 0; i < prefillRuns.size(); ++i)
            runsJson.append(QJsonObject{{"prefill_predicted_s", prefillPred[i]}, {"prefill_measured_s", prefillRuns[i]},
                                        {"decode_step_predicted_s", decodePred[i]}, {"decode_step_measured_s", decodeRuns[i]}});
        if (format == OutputFormat::Json) {
            QJsonArray ops;
            for (const auto& r : rows)
                ops.append(QJsonObject{{"phase", QString::fromStdString(r.phase)}, {"op", QString::fromStdString(r.op)},
                                       {"predicted_s", r.predictedS}, {"measured_s", r.measuredS},
                                       {"predicted_flops", r.predictedFlops}, {"measured_flops", r.measuredFlops}});
            QJsonObject o{{"model", QString::fromStdString(spec.id)},
                          {"weights", QString::fromStdString(toString(wf))},
                          {"paired_host_measurements", paired},
                          {"prefill", QJsonObject{{"predicted_s", prefillPredS}, {"measured_s", prefillS},
                                                  {"error_percent", prefillErr}}},
                          {"decode_step", QJsonObject{{"predicted_s", decodePredS}, {"measured_s", decodeS},
                                                      {"error_percent", decodeErr}}},
                          {"ops", ops},
                          {"runs", runsJson}};
            std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
            return 0;
        }
        std::printf("Check: %s (%.3g B params, weights %s), batch %d, prompt %d, output %d on %s\n\n", spec.id.c_str(),
                    spec.totalParams() / 1e9, toString(wf).c_str(), B, S, N, hardwareName.c_str());
        TextTable t({"phase", "op", "predicted", "measured", "error", "FLOPs predicted", "FLOPs counted"});
        for (const auto& r : rows)
            t.add({r.phase, r.op, formatSeconds(r.predictedS), formatSeconds(r.measuredS),
                   fmt(err(r.predictedS, r.measuredS), 3) + "%", formatSi(r.predictedFlops, ""), formatSi(r.measuredFlops, "")});
        std::fputs(t.render().c_str(), stdout);
        std::printf("\nruns (predicted / measured):\n");
        for (size_t i = 0; i < prefillRuns.size(); ++i)
            std::printf("  %zu: prefill %s / %s (%+.1f%%), decode step %s / %s (%+.1f%%)\n", i + 1,
                        formatSeconds(prefillPred[i]).c_str(), formatSeconds(prefillRuns[i]).c_str(),
                        err(prefillPred[i], prefillRuns[i]), formatSeconds(decodePred[i]).c_str(),
                        formatSeconds(decodeRuns[i]).c_str(), err(decodePred[i], decodeRuns[i]));
        const char* how = paired ? "median of the runs' errors, each run predicted from the host measured just before it"
                                 : "median of the runs' errors against the cached host profile";
        std::printf("\nprefill:     predicted %s, measured %s, error %+.1f%%\n", formatSeconds(prefillPredS).c_str(),
                    formatSeconds(prefillS).c_str(), prefillErr);
        std::printf("decode step: predicted %s, measured %s, error %+.1f%%\n", formatSeconds(decodePredS).c_str(),
                    formatSeconds(decodeS).c_str(), decodeErr);
        std::printf("(%s)\nhost profile: %s\n", how, referenceEngineProfile(hostMeasurements()).provenance.c_str());
        return 0;
    });
}

const bool registered = registerCommand({"check", "Run a model on this CPU and compare with the estimate per op.", run});

} // namespace
} // namespace llmdse
