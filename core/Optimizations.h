#pragma once
#include "core/Precision.h"

namespace llmdse {

struct Optimizations {
    QuantFormat weights{Precision::FP16, 128};
    Precision activations = Precision::FP16;
    QuantFormat kvCache{Precision::FP16, 64};
    bool fusedAttention = true; // FlashAttention-style: scores never reach main memory
};

} // namespace llmdse
