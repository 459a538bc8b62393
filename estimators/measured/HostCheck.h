#pragma once
// Runs a model on this CPU with the reference engine and predicts the same
// design for the `host` preset and `reference-engine` profile: per operator
// and per phase, predicted beside measured. One warm-up run, then `repeat`
// runs; with `pairedHost` each run is predicted from host microbenchmarks
// taken just before it (shared machines drift). Used by `llmdse check` and
// the workbench's Check view.
#include "core/Design.h"
#include "core/Precision.h"
#include "models/engine/ModelWeights.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace llmdse {

struct HostCheckRequest {
    int batch = 1, prompt = 128, output = 16, repeat = 3;
    QuantFormat weights{Precision::FP32, 0};
    bool pairedHost = true;
    // Set from another thread to stop: checked before each run and each decode step, then the
    // check throws InputError on "cancel".
    const std::atomic<bool>* cancel = nullptr;
};

struct HostCheckOp {
    std::string phase, op;
    double predictedS = 0, measuredS = 0, predictedFlops = 0, measuredFlops = 0;
};

struct HostCheckRun {
    double prefillPredictedS = 0, prefillMeasuredS = 0, decodePredictedS = 0, decodeMeasuredS = 0;
};

struct HostCheckResult {
    std::string model, hardwareName, profileProvenance;
    std::vector<HostCheckOp> ops;   // per op: mean prediction over the runs' profiles, mean measurement
    std::vector<HostCheckRun> runs;
    double prefillPredictedS = 0, prefillMeasuredS = 0, prefillErrorPercent = 0; // medians over runs
    double decodePredictedS = 0, decodeMeasuredS = 0, decodeErrorPercent = 0;
};

struct HostMeasurements;
// The design the check predicts: `spec` on the measured host with the reference-engine profile, fp32
// activations and KV cache, weights in `weights`.
Design hostCheckDesign(const ModelSpec& spec, const HostMeasurements& host, int batch, int prompt, int output,
                       const QuantFormat& weights);

// `weights` are the model's (synthetic or a checkpoint), not yet quantised. Throws InputError on bad input.
HostCheckResult runHostCheck(ModelWeights weights, const HostCheckRequest& req,
                             const std::function<void(int run, int of)>& progress = {});

} // namespace llmdse
