#pragma once
// `llmdse check --runtime llama.cpp`: the model exported to GGUF (cached by content),
// run by llama.cpp on this CPU, and predicted for the `host` preset with the llama.cpp
// runtime profile (the host's calibrated one when `calibrate --runtime llama.cpp --host`
// has made it). Prefill and mean decode step, predicted beside measured, per run; with
// `pairedHost` the host is re-measured before each run, as the reference-engine check does.
#include "core/Design.h"
#include "estimators/measured/LlamaCpp.h"
#include "models/engine/ModelWeights.h"
#include "models/gguf/GgmlBlocks.h"

#include <functional>
#include <string>
#include <vector>

namespace llmdse {

// Where a model comes from: a checkpoint folder, or a shape with synthetic weights of a seed.
struct ModelSource {
    std::string checkpoint;   // non-empty: this folder
    ModelSpec spec;           // otherwise: this shape
    std::uint64_t seed = 1;   // the seed `llmdse run --model` uses
    ModelSpec shape() const;  // the spec (read from the checkpoint's config.json when one is named)
};

// The GGUF file of `source` in `type`, exported on first use into the cache folder
// ($XDG_CACHE_HOME/llmdse/gguf/) under a name that hashes everything it depends on. The folder
// keeps the most recently used files within $LLMDSE_GGUF_CACHE_GB (default 32 GB).
std::string cachedGguf(const ModelSource& source, GgmlType type);

// The llmdse weight format a GGUF format corresponds to (q8_0 -> int8 in groups of 32, ...).
QuantFormat quantFormatOf(GgmlType t);
// The design llama.cpp runs on this computer: host hardware with `threads`, the llama.cpp profile.
Design llamaCppHostDesign(const ModelSpec& m, GgmlType weights, int threads, int prompt, int output);

struct LlamaCppCheckRequest {
    GgmlType weights = GgmlType::F16;
    int threads = 0;          // 0: every core
    int prompt = 128, output = 64, repeat = 3;
    bool pairedHost = true;
};

struct LlamaCppCheckRun {
    double prefillPredictedS = 0, prefillMeasuredS = 0, decodePredictedS = 0, decodeMeasuredS = 0;
    double othersCpuShare = 0; // other processes' share of the CPUs during the kept llama.cpp run (-1: unknown)
    double stateDeviation = 0; // how far the machine's speed around it departed from the host measurement's
    int discarded = 0;         // runs thrown away before it (others used the CPUs, or the machine ran at another speed)
    MachineState reference, before, after; // the host measurement's probe, and the probes around the run
};

struct LlamaCppCheckResult {
    std::string model, gguf, hardwareName, runtimeProvenance;
    LlamaCppInfo library;
    int threads = 0;
    std::vector<LlamaCppCheckRun> runs;
    double prefillPredictedS = 0, prefillMeasuredS = 0, prefillErrorPercent = 0; // medians over runs
    double decodePredictedS = 0, decodeMeasuredS = 0, decodeErrorPercent = 0;
};

LlamaCppCheckResult runLlamaCppCheck(const ModelSource& source, const LlamaCppCheckRequest& req,
                                     const std::function<void(int run, int of)>& progress = {});

} // namespace llmdse
