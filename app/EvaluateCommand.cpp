// llmdse evaluate: one design, its metrics with units, per-op breakdown and provenance.
#include "app/Command.h"
#include "app/DesignOptions.h"
#include "app/OutputFormat.h"
#include "estimators/EvaluationRecord.h"
#include "core/Errors.h"
#include "core/MetricsJson.h"
#include "core/Units.h"
#include "estimators/Estimator.h"
#include "estimators/fpga/FpgaPlanEstimator.h"
#include "estimators/fpga/FpgaPlanJson.h"
#include "estimators/simulation/SimCache.h"
#include "estimators/uncertainty/Uncertainty.h"
#include "models/DesignJson.h"

#include <QCommandLineParser>
#include <algorithm>
#include <QJsonDocument>
#include <cstdio>

namespace llmdse {

namespace {

void printTable(const Design& d, const Metrics& m, const Uncertainty& u, const std::string& estimator,
                const std::string& estimatorSource)
{
    auto iv = [&](const std::string& text, const char* key) { return withInterval(text, *u.find(key)); };
    std::printf("Design: %s on %s (%s), runtime %s, estimator %s\n", d.model.id.c_str(), d.hardware.id.c_str(),
                toString(d.hardware.cls), d.runtime.id.c_str(), estimator.c_str());
    std::printf("Workload: batch %d, prompt %d, output %d%s; weights %s, activations %s, KV %s; tp %d pp %d ep %d\n\n",
                d.workload.batch, d.workload.prompt, d.workload.output,
                d.workload.context > 0 ? (", decode at context " + std::to_string(d.workload.context)).c_str() : "",
                toString(d.opts.weights).c_str(), toString(d.opts.activations), toString(d.opts.kvCache).c_str(),
                d.parallel.tensor, d.parallel.pipeline, d.parallel.expert);
    TextTable t({"metric", "value"});
    t.add({"time to first token", iv(formatSeconds(m.ttftS), "ttft_s")});
    t.add({"time per output token", iv(formatSeconds(m.tpotS), "tpot_s")});
    t.add({"end-to-end latency", iv(formatSeconds(m.e2eS), "e2e_s")});
    t.add({"decode throughput", iv(formatSi(m.decodeTokensPerS, "tokens/s"), "decode_tokens_per_s")});
    t.add({"decode energy per token", iv(formatSi(m.energyPerTokenJ, "J"), "energy_per_token_j")});
    t.add({"tokens per joule", iv(fmt(m.tokensPerJ, 4) + " tokens/J", "tokens_per_j")});
    t.add({"average power", iv(formatSi(m.avgPowerW, "W"), "avg_power_w") + " (" + std::to_string(m.devices) + " device(s))"});
    t.add({"prefill energy", iv(formatSi(m.prefillEnergyJ, "J"), "prefill_energy_j")});
    t.add({"weights / device", formatBytes(m.memory.weightsBytes)});
    t.add({"KV cache / device", formatBytes(m.memory.kvCacheBytes)});
    t.add({"activations / device", formatBytes(m.memory.activationBytes)});
    t.add({"memory", m.memory.fitMessage()});
    if (m.tokensPerStep != 1) t.add({"tokens per verification step", fmt(m.tokensPerStep, 4) + " (" + toString(d.opts.spec.kind) + ", k = " + std::to_string(d.opts.spec.draftLength) + ")"});
    if (m.draft.timeS > 0) t.add({"draft share of decode", formatSeconds(m.draft.timeS) + " of " + formatSeconds(m.decodeTotal.timeS)});
    if (m.encoder.timeS > 0) t.add({"image encoder (in TTFT)", formatSeconds(m.encoder.timeS) + ", " + std::to_string(d.promptTokens()) + " prompt tokens in all"});
    if (d.workload.reasoning > 0) t.add({"time to answer", formatSeconds(m.timeToAnswerS) + " (after " + std::to_string(d.workload.reasoning) + " reasoning tokens)"});
    if (m.areaMm2 >= 0) t.add({"area", fmt(m.areaMm2, 4) + " mm2 (all devices)"});
    if (m.fpgaUtilisation >= 0) t.add({"FPGA utilisation", fmt(100 * m.fpgaUtilisation, 3) + "% of the part's most used resource"});
    std::fputs(t.render().c_str(), stdout);
    std::printf("\n(in brackets: the %.0f%% interval; %s)\n", 100 * u.level, u.basis.c_str());

    std::printf("\nPer-operator cost (prefill: whole phase; decode: one step%s), all layers:\n",
                d.opts.spec.enabled() ? "; verify and draft: one verification step with its draft forwards" : "");
    const bool details = std::any_of(m.ops.begin(), m.ops.end(), [](const OpCost& o) { return !o.detail.empty(); });
    std::vector<std::string> head{"phase", "op", "count", "precision", "FLOPs", "bytes", "time", "share", "bound"};
    if (details) head.push_back("mapping");
    TextTable ops(head);
    for (const auto& op : m.ops) {
        // Shares of the phase the op belongs to; speculation's ops are per verification step.
        const bool prefillLike = op.phase == "prefill" || op.phase == "encoder" || op.phase == "draft prefill";
        double phaseTime = prefillLike ? m.prefill.timeS : m.decodeStep.timeS * m.tokensPerStep;
        std::vector<std::string> row{op.phase, op.name, std::to_string(op.count), toString(op.precision),
                                     formatSi(op.flops, ""), formatBytes(op.bytes), formatSeconds(op.timeS),
                                     fmt(100.0 * op.timeS / phaseTime, 3) + "%", toString(op.bound)};
        if (details) row.push_back(op.detail);
        ops.add(row);
    }
    std::fputs(ops.render().c_str(), stdout);
    std::printf("\nProvenance:\n  hardware %s: %s\n  runtime %s: %s\n", d.hardware.id.c_str(), d.hardware.source.c_str(),
                d.runtime.id.c_str(), d.runtime.provenance.c_str());
    std::printf("  model %s: %s\n", d.model.id.c_str(), d.model.source.c_str());
    if (!estimatorSource.empty()) std::printf("  estimator %s: %s\n", estimator.c_str(), estimatorSource.c_str());
}

int run(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Estimate latency, energy and memory of one design.\n"
        "Example: llmdse evaluate --model llama-3-8b --hardware h100-sxm --batch 8 --prompt 2048 --output 256 --weights int4");
    parser.addHelpOption();
    addDesignOptions(parser);
    addFormatOption(parser);
    parser.addOption({"estimator",
                      "Estimator: analytical, simulation (accelerator templates), fpga-overlay or fpga-dataflow. "
                      "Default: the hardware class's (fpga-overlay for FPGA cards it maps, analytical otherwise).",
                      "name"});
    parser.addOption({"sim-cache", "Simulation cache file ('none': memory only).", "file"});
    parser.addOption({"fpga-plan", "Use a compiled FPGA plan (llmdse compile --out) as the FPGA's estimate.", "file"});
    parser.process(args);
    return guarded([&] {
        const OutputFormat format = parseFormat(parser);
        Design d = designFromOptions(parser);
        if (parser.isSet("sim-cache")) setDefaultSimCachePath(parser.value("sim-cache").toStdString());
        if (parser.isSet("fpga-plan") && parser.isSet("estimator"))
            throw InputError("", "--fpga-plan", "not with --estimator (the plan is the estimate)");
        std::unique_ptr<Estimator> plan;
        std::unique_ptr<EstimatorChoice> choice;
        if (parser.isSet("fpga-plan"))
            plan = std::make_unique<FpgaPlanEstimator>(readFpgaPlan(parser.value("fpga-plan").toStdString()),
                                                       parser.value("fpga-plan").toStdString());
        else
            choice = std::make_unique<EstimatorChoice>(parser.value("estimator").toStdString());
        const Estimator* est = plan ? plan.get() : &choice->forDesign(d);
        Metrics m = est->evaluate(d, true);
        if (format == OutputFormat::Json) {
            std::fputs(QJsonDocument(evaluationJson(d, m, *est)).toJson(QJsonDocument::Indented).constData(), stdout);
        } else if (format == OutputFormat::Csv) {
            std::fputs(evaluationCsv(m).c_str(), stdout);
        } else {
            printTable(d, m, estimateUncertainty(*est, d, m), est->version(), est->provenance());
        }
        return 0;
    });
}

const bool registered = registerCommand({"evaluate", "Estimate one design (latency, energy, memory, per-op).", run});

} // namespace
} // namespace llmdse
