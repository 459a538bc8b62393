#pragma once
// What a check on this computer will take before it starts: the most RAM it
// allocates, whether that fits (the same rule as the run itself: requireMemory),
// and how long the warm-up and the runs should last, predicted from the host's
// stored measurements. The Check view shows it before anything runs.
#include "core/ModelSpec.h"
#include "core/Precision.h"
#include "models/gguf/GgmlBlocks.h"

#include <string>

namespace llmdse {

enum class CheckEngine { Reference, LlamaCpp };

struct CheckRequestShape {
    int batch = 1, prompt = 64, output = 8, repeat = 3;
    QuantFormat weights{Precision::FP32, 0}; // the reference engine's
    GgmlType ggml = GgmlType::F16;             // llama.cpp's
};

struct CheckPlan {
    double ramBytes = 0;       // the most the check allocates at once
    double availableBytes = 0; // RAM available now
    std::string refusal;       // why it cannot run on this computer; "" when it can
    double expectedS = -1;     // warm-up and runs; < 0 when the host has not been measured yet
};

// Never measures anything itself: the time comes from the host's cached measurements, if any.
CheckPlan planCheck(const ModelSpec& spec, CheckEngine engine, const CheckRequestShape& r);

} // namespace llmdse
