#pragma once
// SnapKV-style KV-cache compression (Li et al., 2024): after prefill, each kv
// head keeps the prompt slots that the last `window` prompt queries attend to
// most (their votes max-pooled over neighbouring slots), plus the window
// itself; decode then attends over the compacted cache. Keys keep the RoPE
// rotation of their original position, so compaction is a gather.
#include "models/engine/ReferenceEngine.h"

#include <vector>

namespace llmdse {

struct SnapKvOptions {
    int budget = 0;     // slots kept per layer and kv head; 0 = no compression
    int window = 8;     // observation window: the last prompt positions, always kept
    int poolKernel = 7; // 1-D max-pool of the votes (odd; 1 = none)
};

// The slots (ascending) one head keeps, from `votes` over the prompt's S slots:
// the last `window`, and the budget - window highest pooled votes among the rest
// (ties to the earlier slot). Every slot when budget >= S.
std::vector<int> snapKvSelect(const std::vector<float>& votes, const SnapKvOptions& o);

// Compacts `cache` (just filled by a prefill run with `capture` set, window =
// o.window) to the selected slots. Returns them per [layer][sequence][kv head].
std::vector<std::vector<int>> compressSnapKv(KvCache& cache, const AttentionCapture& capture, const SnapKvOptions& o);

// Greedy decoding of one prompt, plain and with a compressed cache.
struct SnapKvReport {
    int promptLength = 0;
    int keptSlots = 0;        // per layer and kv head
    double keptFraction = 1;  // keptSlots / promptLength
    std::vector<int> referenceTokens;  // plain greedy
    std::vector<int> compressedTokens; // greedy with the compressed cache (free-running)
    // Teacher-forced on referenceTokens: the compressed cache's logits at each
    // decode position (tokens 2..N; token 1 comes from the prefill, which is untouched).
    int compared = 0;
    double maxAbsLogitDelta = 0;
    double maxAbsLogit = 0;   // of the plain logits at those positions: the scale of the delta
    double top1Agreement = 1;
};

SnapKvReport evaluateSnapKv(ReferenceEngine& engine, const std::vector<int>& prompt, int maxNewTokens, const SnapKvOptions& o);

} // namespace llmdse
