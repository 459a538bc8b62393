#pragma once
// Rotary position embedding frequencies of a model, with its rope_scaling applied:
// one inverse frequency per pair of a head's dimensions. The engine rotates with them;
// the GGUF export writes llama3-style scaling as per-frequency factors from them.
#include "core/ModelSpec.h"

#include <vector>

namespace llmdse {

std::vector<double> ropeInverseFrequencies(const ModelSpec& m, bool withScaling = true);

} // namespace llmdse
