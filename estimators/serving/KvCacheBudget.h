#pragma once
// How many KV-cache blocks a device holds: the memory left after the weights
// and the peak activations of one step, times the fraction the server may use
// (vLLM's gpu_memory_utilization; with MemoryBasis::Free a fraction of what the
// weights and activations leave, as TensorRT-LLM counts it), divided by the bytes of one block. Uses the
// estimator's MemoryFootprint so quantised KV, tensor/pipeline sharding and
// the device capacity are the estimator's own.
#include "core/Design.h"
#include "estimators/Estimator.h"

namespace llmdse {

struct KvCacheBudget {
    long long blocks = 0;
    double bytesPerToken = 0;  // per device
    double freeBytes = 0;      // per device, for the cache
    double capacityBytes = 0;  // per device
    double weightsBytes = 0;   // per device
};

// stepTokens: the most tokens one step processes (sizes the activations).
// Throws InputError("--memory-fraction") when the weights leave no room and `required`
// (otherwise blocks is 0 and only the per-token figures are filled in).
KvCacheBudget kvCacheBudget(const Estimator& estimator, const Design& d, int blockSize, int stepTokens,
                            double memoryFraction, bool required = true, MemoryBasis basis = MemoryBasis::Device);

} // namespace llmdse
