#pragma once
// Discrete-event simulation of inference servers under a request stream, with
// iteration-level (continuous) batching as vLLM, SGLang and TensorRT-LLM do it.
// One server (a replica):
//  - a scheduling decision forms the next step: every running sequence that has
//    finished its prefill decodes one token and, with mixed batches, prompt
//    tokens ride along up to the step's token budget (maxBatchedTokens less the
//    decodes, at most `chunk` of them; chunk 0: whole prompts only, at least one
//    per step). Without mixed batches a step either prefills (when a waiting or
//    partially prefilled request can run: prefill first) or decodes;
//  - with stepsPerSchedule N > 1 a decision without prefill runs N decode steps
//    for the same sequences and delivers their tokens together at the end (as
//    vLLM's multi-step scheduling streams them); a new request waits for the
//    block to end. Each decision costs scheduleOverheadS of host time;
//  - the KV cache is `kvBlocks` blocks of `blockSize` tokens (BlockPool, with
//    prefix caching when enabled): a request is admitted when the blocks of its
//    whole prompt are free and at most maxBatch sequences run; when a decode
//    needs a block that is not there the most recently admitted sequence is
//    preempted: recomputed later (its blocks freed, prefilled again with the
//    tokens it had generated) or swapped (its KV copied to the host and back at
//    swapBytesPerS, the copy time added to the step that does it);
//  - waiting requests are admitted first come first served or shortest prompt
//    first; a preempted one goes back to the head of the queue;
//  - requests that could never fit (prompt + output over the whole cache) are
//    rejected on arrival.
// Around the servers (ServingLoad):
//  - open loop: requests are sent at their arrival times; closed loop
//    (concurrency C): C clients each send a request as soon as their previous
//    one completes, and with both a rate and C the rate's arrivals wait for a
//    free client; a conversation's next turn is sent `thinkS` after the
//    previous one's last token; a request reaches its server requestOverheadS
//    after it is sent (front end, tokenisation), which its latencies include;
//  - several replicas behind a router (round-robin or least outstanding
//    requests), or prefill/decode disaggregation: prefill replicas compute the
//    prompt and first token, then the KV moves over the interconnect (a FIFO
//    link per prefill replica) to the least-loaded decode replica;
//  - the first `warmup` requests are not measured; the measured window runs
//    from the first measured request's send (0 without warm-up) to the last
//    measured token, and a closed loop keeps its clients busy with the
//    cool-down requests after the measured ones until then.
// Time advances by the StepCostModel's cost of each step; requests that arrive
// during a step join at the next decision. Work per step is O(running sequences).
#include "core/SchedulerProfile.h"
#include "estimators/serving/LatencyHistogram.h"
#include "estimators/serving/Request.h"
#include "estimators/serving/StepCostModel.h"

#include <cstdint>
#include <vector>

namespace llmdse {

struct SchedulerConfig {
    int maxBatch = 256;          // running sequences (prefilling or decoding)
    int chunk = 2048;            // prefill tokens per step; 0: whole prompts only
    int prefillBudget = 8192;    // tokens per step, decodes and prefill together (max batched tokens)
    bool mixed = true;           // prefill rides with decodes; false: prefill steps and decode steps
    int stepsPerSchedule = 1;    // decode steps per scheduling decision
    Preemption preemption = Preemption::Recompute;
    AdmissionOrder order = AdmissionOrder::Fcfs;
    double scheduleOverheadS = 0;
    double swapBytesPerS = 25e9;
    double kvBytesPerToken = 0;  // per device: swap and disaggregation transfers
    int blockSize = 16;          // tokens per KV block
    long long kvBlocks = 1 << 20;
    bool prefixCaching = false;
    double idlePowerW = 0;       // drawn by one replica while it has nothing to run
};

enum class Router : unsigned char { RoundRobin, LeastLoaded };
const char* toString(Router r);

constexpr int kMaxReplicas = 4096;
constexpr long long kMaxConcurrency = 10'000'000;

struct ServingLoad {
    long long concurrency = 0;   // closed loop: clients; 0: open loop only
    double thinkS = 0;           // a conversation's pause between an answer and its next turn
    double requestOverheadS = 0; // send to scheduler
    long long warmup = 0;        // requests[0, warmup) are not measured
    long long measured = -1;     // requests[warmup, warmup + measured) are; -1: all the rest
    int replicas = 1;            // aggregated servers; with disaggregation, the prefill pool
    int decodeReplicas = 0;      // > 0: prefill/decode disaggregation with this many decode servers
    Router router = Router::LeastLoaded;
    double linkBytesPerS = 0;    // disaggregation: KV transfer bandwidth per device
    double linkLatencyS = 0;
};

// Per-request times (NaN for requests never sent, rejected or unfinished) and totals.
struct ServingRun {
    std::vector<double> sentS;        // absolute simulated time the request was sent
    std::vector<double> firstTokenS;  // absolute simulated time of token 1
    std::vector<double> finishS;      // absolute simulated time of the last token
    std::int64_t measureBegin = 0, measureEnd = 0;
    LatencyHistogram itlS;            // gaps between deliveries of measured requests' tokens
    long long steps = 0, decisions = 0, preemptions = 0, rejected = 0, swaps = 0, handoffs = 0;
    long long outputTokens = 0, prefillTokens = 0; // prefill includes recomputation after preemption
    long long promptTokens = 0, cachedPromptTokens = 0; // admissions' prompts and what the prefix cache served
    double startS = 0, endS = 0;      // the measured window
    double busyS = 0, idleS = 0;      // summed over replicas, 0 .. endS
    double stepEnergyJ = 0, idleEnergyJ = 0;
    double sumBatch = 0;              // sequences in each step, summed over steps
    long long completedAll = 0;       // every finished request (warm-up and cool-down too)
    // Tokens delivered and requests completed inside the measured window, of any request: what a
    // benchmark that counts over a time window (genai-perf, perf_analyzer) sees at steady state.
    long long windowOutputTokens = 0, windowCompleted = 0;
};

// `requests` with open-loop requests (parent -1) sorted by arrival and a follow-up turn after its
// parent. Throws InputError naming the option for an impossible configuration.
ServingRun simulateServing(const std::vector<Request>& requests, StepCostModel& cost, const SchedulerConfig& config,
                           const ServingLoad& load = {});

} // namespace llmdse
