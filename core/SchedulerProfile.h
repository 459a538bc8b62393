#pragma once
// How a serving stack schedules requests onto its engine steps: data in the
// runtime profile (its "scheduler" object), used by the serving simulation.
// The per-forward-pass host cost is the profile's stepOverheadS (charged by the
// estimator in every step's cost); the costs here are the ones a step does not
// see: a request's front end and the host work of one scheduling decision.
#include <string>

namespace llmdse {

// What happens to a running sequence evicted for lack of KV-cache blocks.
enum class Preemption : unsigned char {
    Recompute, // blocks freed; prefilled again (prompt + generated tokens) when readmitted
    Swap,      // its KV copied to host memory and back when readmitted
    // Never preempts: a request is admitted only when the blocks of its whole output are free too
    // (TensorRT-LLM's GUARANTEED_NO_EVICT).
    Reserve,
};
const char* toString(Preemption p);

// Order in which waiting requests are admitted.
enum class AdmissionOrder : unsigned char { Fcfs, ShortestPromptFirst };
const char* toString(AdmissionOrder a);

// What the KV-cache memory fraction is a fraction of: the device's memory, weights and activations
// included (vLLM gpu_memory_utilization, SGLang mem_fraction_static), or what is free after them
// (TensorRT-LLM kv_cache_free_gpu_mem_fraction).
enum class MemoryBasis : unsigned char { Device, Free };

struct SchedulerProfile {
    bool set = false;                 // the profile has a "scheduler" object
    std::string provenance;           // where the figures come from
    int maxSequences = 256;           // running sequences (vLLM max_num_seqs, TensorRT-LLM max_batch_size)
    int maxBatchedTokens = 8192;      // tokens one step processes, decodes and prefill together
    int chunkTokens = 2048;           // prefill tokens of one step; 0: whole prompts only
    bool mixedBatches = true;         // prefill rides with decodes in one step; false: a step prefills or decodes
    int stepsPerSchedule = 1;         // decode steps per scheduling decision (vLLM 0.6 --num-scheduler-steps)
    Preemption preemption = Preemption::Recompute;
    AdmissionOrder order = AdmissionOrder::Fcfs;
    bool prefixCaching = false;       // reuses the KV blocks of shared prompt prefixes
    double requestOverheadS = 0;      // per request before the scheduler sees it: HTTP, tokenisation
    double scheduleOverheadS = 0;     // host time of one scheduling decision, serial with the device
    double swapBytesPerS = 25e9;      // host link for swapped KV (both directions)
    MemoryBasis memoryBasis = MemoryBasis::Device;
};

} // namespace llmdse
