#pragma once
// Bytes each device must hold: weights (with quantisation scales), the KV
// cache at prompt + output tokens, and the peak transient activations.
#include "core/Design.h"
#include "core/Metrics.h"

namespace llmdse {

MemoryFootprint memoryFootprint(const Design& d);

} // namespace llmdse
