#include "estimators/measured/HostCheck.h"
#include "core/Errors.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/measured/HostBenchmarks.h"
#include "models/engine/ReferenceEngine.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace llmdse {

namespace {

double seconds(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

Design hostCheckDesign(const ModelSpec& spec, const HostMeasurements& host, int batch, int prompt, int output,
                       const QuantFormat& weights)
{
    Design d;
    d.model = spec;
    d.hardware = hostHardware(host);
    d.runtime = referenceEngineProfile(host);
    d.workload = {batch, prompt, output, 0};
    d.opts.weights = weights;
    d.opts.activations = Precision::FP32;
    d.opts.kvCache = {Precision::FP32, 0};
    return d;
}

HostCheckResult runHostCheck(ModelWeights weights, const HostCheckRequest& req,
                             const std::function<void(int, int)>& progress)
{
    const int B = req.batch, S = req.prompt, N = req.output;
    if (B < 1) throw InputError("", "batch", "must be a positive whole number");
    if (S < 1) throw InputError("", "prompt", "must be a positive whole number");
    if (N < 2) throw InputError("", "output", "needs at least 2 tokens to measure decode");
    if (req.repeat < 1) throw InputError("", "repeat", "must be a positive whole number");
    if (B > kMaxBatch || S > kMaxTokens || N > kMaxTokens)
        throw InputError("", "batch", "batch, prompt and output are bounded by " + std::to_string(kMaxBatch) + " sequences and " +
                                          std::to_string(kMaxTokens) + " tokens");
    requireMemory(generationBytes(weights.spec, B, S, N), "batch",
                  "a run of batch " + std::to_string(B) + " x " + std::to_string(S) + " + " + std::to_string(N) + " tokens of " +
                      weights.spec.id + " (KV cache, activations, logits)");
    weights.quantize(req.weights);
    ReferenceEngine engine(std::move(weights));
    const ModelSpec& spec = engine.spec();
    auto predict = [&](const HostMeasurements& host) {
        return AnalyticalEstimator().evaluate(hostCheckDesign(spec, host, B, S, N, req.weights), true);
    };
    // Measured: prefill, then N-1 decode steps, each phase with its own counters.
    std::vector<std::vector<int>> prompts(static_cast<size_t>(B), std::vector<int>(static_cast<size_t>(S)));
    for (int b = 0; b < B; ++b)
        for (int i = 0; i < S; ++i) prompts[size_t(b)][size_t(i)] = (i * 7919 + b * 131 + 1) % spec.vocab;
    OpCounters prefill, decode, warmup;
    std::vector<Metrics> predictions;
    HostCheckResult r;
    r.model = spec.id;
    auto stopIfCancelled = [&req] {
        if (req.cancel && req.cancel->load()) throw InputError("", "cancel", "the check was cancelled");
    };
    for (int run = 0; run <= req.repeat; ++run) {
        stopIfCancelled();
        if (progress) progress(run, req.repeat);
        if (run > 0 && (req.pairedHost || predictions.empty()))
            predictions.push_back(predict(req.pairedHost ? hostMeasurements(true) : hostMeasurements()));
        KvCache cache(spec, B, S + N);
        engine.counters = run == 0 ? &warmup : &prefill;
        auto t0 = std::chrono::steady_clock::now();
        RowMatrix logits = engine.forward(prompts, cache);
        const double p = seconds(t0);
        engine.counters = run == 0 ? &warmup : &decode;
        std::vector<std::vector<int>> step(static_cast<size_t>(B), std::vector<int>(1));
        t0 = std::chrono::steady_clock::now();
        for (int i = 1; i < N; ++i) {
            stopIfCancelled();
            for (int b = 0; b < B; ++b) {
                Eigen::Index best;
                logits.row(b).maxCoeff(&best);
                step[size_t(b)][0] = static_cast<int>(best);
            }
            logits = engine.forward(step, cache);
        }
        const double dstep = seconds(t0) / (N - 1);
        if (run > 0)
            r.runs.push_back({predictions.back().prefill.timeS, p, predictions.back().decodeStep.timeS, dstep});
    }
    // Phases: medians of the runs; each run's error against its own prediction, then their median.
    std::vector<double> pp, pm, dp, dm, pe, de;
    for (const auto& x : r.runs) {
        pp.push_back(x.prefillPredictedS), pm.push_back(x.prefillMeasuredS);
        dp.push_back(x.decodePredictedS), dm.push_back(x.decodeMeasuredS);
        pe.push_back(100.0 * (x.prefillPredictedS / x.prefillMeasuredS - 1.0));
        de.push_back(100.0 * (x.decodePredictedS / x.decodeMeasuredS - 1.0));
    }
    r.prefillPredictedS = median(pp), r.prefillMeasuredS = median(pm), r.prefillErrorPercent = median(pe);
    r.decodePredictedS = median(dp), r.decodeMeasuredS = median(dm), r.decodeErrorPercent = median(de);
    // Per op: the mean prediction over the runs' profiles beside the mean measurement.
    std::map<std::pair<std::string, std::string>, double> meanPredicted;
    for (const auto& pred : predictions)
        for (const auto& op : pred.ops) meanPredicted[{op.phase, op.name}] += op.timeS / double(predictions.size());
    for (const auto& op : predictions.back().ops) {
        const OpCounters& c = op.phase == "prefill" ? prefill : decode;
        const double steps = (op.phase == "prefill" ? 1.0 : N - 1.0) * req.repeat;
        HostCheckOp row{op.phase, op.name, meanPredicted[{op.phase, op.name}], 0, op.flops, 0};
        if (auto it = c.ops().find(op.name); it != c.ops().end()) {
            row.measuredS = it->second.seconds / steps;
            row.measuredFlops = it->second.flops / steps;
        }
        r.ops.push_back(row);
    }
    const HostMeasurements host = hostMeasurements();
    r.hardwareName = hostHardware(host).name;
    r.profileProvenance = referenceEngineProfile(host).provenance;
    return r;
}

} // namespace llmdse
