#pragma once
// `llmdse calibrate --runtime llama.cpp --host`: llama.cpp measured on this computer for a
// few model shapes that are not in the zoo (so nothing it is later checked on) and every
// GGUF weight format, and the llama.cpp profile's physical terms fitted to those runs by
// least squares: the fixed cost per forward pass and per graph node, the attention rate,
// and per weight format the GEMM rate of prompt processing and the bandwidth its decode
// kernels stream weights at. The fit is kept beside the host profile, per thread count,
// with its date, the shapes measured and the residuals, and replaces the bundled llama.cpp
// profile whenever a design runs it on the `host` preset with that many threads.
#include "core/ModelSpec.h"
#include "core/RuntimeProfile.h"
#include "models/gguf/GgmlBlocks.h"

#include <QJsonArray>
#include <QJsonObject>
#include <functional>
#include <string>
#include <vector>

namespace llmdse {

struct LlamaCppCalibrationRequest {
    int threads = 0;                       // 0: every core
    int repeats = 2;                       // timed runs per measurement and round, after a warm-up
    int rounds = 2;                        // passes over every measurement, alternately forward and backward (median of all)
    std::vector<GgmlType> formats{GgmlType::F32, GgmlType::F16, GgmlType::Q8_0, GgmlType::Q4_0};
    std::vector<int> prompts{32, 192};     // two prompt lengths separate fixed costs from per-token work
    int output = 33;                       // 32 decode steps after each prompt
};

struct LlamaCppCalibration {
    int threads = 0;
    RuntimeProfile profile;
    QJsonObject host;                      // the host measurement the efficiencies are relative to (HostBenchmarks toJson)
    std::string measuredAt;
    QJsonArray rows;                       // every measurement with its prediction before and after the fit
    double prefillMapeBefore = 0, prefillMapeAfter = 0, decodeMapeBefore = 0, decodeMapeAfter = 0;
};

// The model shapes calibration measures (llama architecture, 60M to 600M parameters).
std::vector<ModelSpec> llamaCppCalibrationShapes();
LlamaCppCalibration calibrateLlamaCppHost(const LlamaCppCalibrationRequest& req,
                                          const std::function<void(const std::string& step)>& progress = {});
// $XDG_DATA_HOME/llmdse/host-llama.cpp.json: the fits, one per thread count.
std::string llamaCppCalibrationPath();
void saveLlamaCppCalibration(const LlamaCppCalibration& c);
// Registers the saved fits as llama.cpp's calibration for the `host` preset.
void registerLlamaCppHostCalibration();

} // namespace llmdse
