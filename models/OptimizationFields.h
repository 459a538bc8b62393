#pragma once
// The design parameters of algorithm-level optimisations and inference-time
// compute (speculative decoding, KV compression, sparsity, head pruning,
// reasoning tokens, images), by name as in design and study files.
#include "models/DesignFields.h"

#include <string>
#include <vector>

namespace llmdse {

void addOptimizationFields(std::vector<DesignField>& fields);
// The keys above that design files carry only when they differ from the defaults.
const std::vector<std::string>& optimizationKeys();

} // namespace llmdse
