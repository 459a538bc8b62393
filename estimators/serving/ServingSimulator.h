#pragma once
// Discrete-event simulation of one inference server under a request stream,
// with iteration-level (continuous) batching as vLLM does it:
//  - each engine step decodes one token for every running sequence that has
//    finished its prefill and, with chunked prefill (chunk > 0), prefills up to
//    `chunk` prompt tokens: first of partially prefilled sequences, then of
//    waiting requests admitted in arrival order (at most maxBatch running);
//  - without chunking (chunk == 0), a step that can admit waiting requests
//    prefills their whole prompts (up to prefillBudget tokens, at least one
//    prompt) and decodes nothing; otherwise it decodes;
//  - the KV cache is `kvBlocks` blocks of `blockSize` tokens: a request is
//    admitted only when the blocks of its whole prompt are free; a decoding
//    sequence takes a new block when its last one is full; when none is free
//    the most recently admitted sequence is preempted (recompute: its blocks
//    are freed and it goes back to the head of the queue, to prefill its
//    prompt and the tokens it had generated again; it keeps those tokens);
//  - requests that could never fit (prompt + output over the whole cache) are
//    rejected on arrival.
// Time advances by the StepCostModel's cost of each step; requests that arrive
// during a step join at the next. Work per step is O(running sequences).
#include "estimators/serving/Request.h"
#include "estimators/serving/StepCostModel.h"

#include <vector>

namespace llmdse {

struct SchedulerConfig {
    int maxBatch = 256;          // running sequences (prefilling or decoding)
    int chunk = 2048;            // prefill tokens per step; 0: whole prompts in prefill-only steps
    int prefillBudget = 8192;    // chunk == 0: prompt tokens per prefill step (at least one prompt)
    int blockSize = 16;          // tokens per KV block
    long long kvBlocks = 1 << 20;
    double idlePowerW = 0;       // drawn while nothing runs (all devices)
};

// Per-request times (NaN for rejected requests) and totals.
struct ServingRun {
    std::vector<double> firstTokenS;  // absolute simulated time of token 1
    std::vector<double> finishS;      // absolute simulated time of the last token
    long long steps = 0, preemptions = 0, rejected = 0;
    long long outputTokens = 0, prefillTokens = 0; // prefill includes recomputation after preemption
    double endS = 0;                  // time of the last step's end (or last arrival)
    double busyS = 0, idleS = 0;
    double stepEnergyJ = 0, idleEnergyJ = 0;
    double sumBatch = 0;              // sequences in each step, summed over steps
};

// `requests` sorted by arrival. Throws InputError naming the option for an impossible configuration.
ServingRun simulateServing(const std::vector<Request>& requests, StepCostModel& cost, const SchedulerConfig& config);

} // namespace llmdse
