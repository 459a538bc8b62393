#include "estimators/serving/KvCacheBudget.h"
#include "core/Errors.h"
#include "core/Units.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

KvCacheBudget kvCacheBudget(const Estimator& estimator, const Design& d, int blockSize, int stepTokens,
                            double memoryFraction, bool required, MemoryBasis basis)
{
    Design probe = d;
    probe.workload.batch = 1;
    probe.workload.prompt = std::max(1, stepTokens);
    probe.workload.output = 1;
    probe.workload.context = 0;
    const MemoryFootprint f = estimator.evaluate(probe).memory;
    KvCacheBudget b;
    b.bytesPerToken = f.kvCacheBytes / (probe.workload.prompt + probe.workload.output);
    b.capacityBytes = f.capacityBytes;
    b.weightsBytes = f.weightsBytes;
    b.freeBytes = basis == MemoryBasis::Free ? (f.capacityBytes - f.weightsBytes - f.activationBytes) * memoryFraction
                                             : f.capacityBytes * memoryFraction - f.weightsBytes - f.activationBytes;
    if (!required) return b;
    if (b.freeBytes <= 0 || b.bytesPerToken <= 0)
        throw InputError("", "--memory-fraction",
                         "no room for the KV cache: " + formatSi(memoryFraction * 100, "%") + " of " +
                             formatBytes(f.capacityBytes) + " per device, weights " + formatBytes(f.weightsBytes) +
                             ", activations " + formatBytes(f.activationBytes) + " (give --kv-blocks, or more devices with --tp)");
    b.blocks = static_cast<long long>(std::floor(b.freeBytes / (b.bytesPerToken * blockSize)));
    return b;
}

} // namespace llmdse
