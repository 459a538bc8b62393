#include "estimators/measured/SpeculativeCheck.h"
#include "core/Errors.h"
#include "core/Statistics.h"
#include "estimators/analytical/AnalyticalEstimator.h"
#include "estimators/measured/HostBenchmarks.h"
#include "models/engine/Generation.h"
#include "models/engine/ReferenceEngine.h"
#include "models/engine/SpeculativeGeneration.h"

#include <algorithm>

namespace llmdse {

namespace {

} // namespace

SpeculativeCheckResult runSpeculativeCheck(ModelWeights target, ModelWeights draft, int draftLayers,
                                           const SpeculativeCheckRequest& req,
                                           const std::function<void(int, int)>& progress)
{
    const int S = req.prompt, N = req.output, k = req.draftLength;
    if (S < 1) throw InputError("", "prompt", "must be a positive whole number");
    if (N < 2) throw InputError("", "output", "needs at least 2 tokens to measure decode");
    if (k < 1 || k > kMaxDraftLength) throw InputError("", "draft-len", "must be between 1 and " + std::to_string(kMaxDraftLength));
    if (req.repeat < 1) throw InputError("", "repeat", "must be a positive whole number");
    if (draftLayers > 0) {
        if (draftLayers > target.spec.layers)
            throw InputError("", "draft-layers", "exceeds the target's " + std::to_string(target.spec.layers) + " layers");
        draft = firstLayers(target, draftLayers);
    }
    target.quantize(req.weights);
    draft.quantize(req.weights);
    ReferenceEngine t(std::move(target)), dr(std::move(draft));
    if (dr.spec().vocab != t.spec().vocab) throw InputError("", "draft", "the draft's vocabulary differs from the target's");

    std::vector<int> prompt(static_cast<size_t>(S));
    for (int i = 0; i < S; ++i) prompt[size_t(i)] = (i * 7919 + 1) % t.spec().vocab;
    SpeculativeCheckResult r;
    r.target = t.spec().id;
    r.draft = draftLayers > 0 ? t.spec().id + "[:" + std::to_string(draftLayers) + " layers]" : dr.spec().id;
    auto design = [&](const HostMeasurements& host, const SpeculativeResult* spec) {
        Design d;
        d.model = t.spec();
        d.hardware = hostHardware(host);
        d.runtime = referenceEngineProfile(host);
        d.workload = {1, S, N, 0};
        d.opts.weights = req.weights;
        d.opts.activations = Precision::FP32;
        d.opts.kvCache = {Precision::FP32, 0};
        if (spec) {
            d.opts.spec.kind = SpecKind::DraftModel;
            d.opts.spec.draftLength = k;
            d.opts.spec.draftLayers = draftLayers;
            if (draftLayers <= 0) d.draftModel = std::make_shared<const ModelSpec>(dr.spec());
            // The measured acceptance of each position feeds the estimate.
            for (int i = 0; i < k; ++i) d.opts.spec.perPosition[size_t(i)] = spec->acceptanceAt(i);
            d.opts.spec.perPositionCount = k;
        }
        return d;
    };
    const AnalyticalEstimator est;
    for (int run = 0; run <= req.repeat; ++run) { // run 0 warms caches and allocators
        if (progress) progress(run, req.repeat);
        const HostMeasurements host = run > 0 && req.pairedHost ? hostMeasurements(true) : hostMeasurements();
        const GenerationResult plain = generate(t, {prompt}, N, SamplingOptions{});
        const SpeculativeResult spec = generateSpeculative(t, dr, prompt, N, k);
        if (run == 0) continue;
        r.identical = r.identical && spec.newTokens == plain.newTokens[0];
        const Metrics p = est.evaluate(design(host, nullptr));
        const Design sd = design(host, &spec);
        const Metrics s = est.evaluate(sd);
        // The draft's prefill is part of speculation's cost: predicted as the prefill difference.
        SpeculativeCheckRun x;
        x.plainMeasuredS = plain.decodeS;
        x.specMeasuredS = spec.decodeS();
        x.plainPredictedS = p.decodeTotal.timeS;
        x.specPredictedS = s.decodeTotal.timeS + (s.prefill.timeS - p.prefill.timeS);
        r.runs.push_back(x);
        r.acceptanceAt.assign(size_t(k), 0);
        for (int i = 0; i < k; ++i) r.acceptanceAt[size_t(i)] = spec.acceptanceAt(i);
        r.measuredTokensPerStep = spec.tokensPerStep();
        r.predictedTokensPerStep = double(N - 1) / sd.opts.spec.schedule(N - 1).steps; // with the end of the output
    }
    std::vector<double> ms, ps, es;
    for (const auto& x : r.runs) {
        ms.push_back(x.measuredSpeedup());
        ps.push_back(x.predictedSpeedup());
        es.push_back(100.0 * (x.predictedSpeedup() / x.measuredSpeedup() - 1.0));
    }
    r.measuredSpeedup = median(ms), r.predictedSpeedup = median(ps), r.errorPercent = median(es);
    return r;
}

} // namespace llmdse
