#pragma once
// llama.cpp as a second measured runtime on this computer. llmdse never links it: the
// libraries are loaded at run time (dlopen) from $LLMDSE_LLAMACPP or the folder
// scripts/setup-llamacpp.sh fills, and every other command works without them. Runs
// are driven as llama-bench drives them: one persistent ggml thread pool with the
// threads asked for, a warm-up, then timed repeats.
#include "estimators/measured/MachineState.h"

#include <string>
#include <vector>

namespace llmdse {

struct LlamaCppRun {
    double prefillS = 0;    // the prompt, one llama_decode of `prompt` tokens
    double decodeS = 0;     // `steps` single-token decodes after it
    int steps = 0;
    double othersCpuShare = 0; // CPU time other processes used during the run, share of all cores (-1: unknown)
    double stateDeviation = 0; // how far the machine's speed around the run departed from the reference
    int discarded = 0;         // runs of this repeat thrown away: others used the CPUs, or the machine ran at another speed
    MachineState before, after; // the probes just before and just after it (unknown without a reference)
    double decodeStepS() const { return steps > 0 ? decodeS / steps : 0; }
};

struct LlamaCppRequest {
    std::string gguf;
    int threads = 2;
    int prompt = 128;
    int output = 64;        // tokens generated: 1 from the prompt, output - 1 decode steps
    int repeats = 5;
};

// When a timed run counts: no other job on the cores (CpuContention.h) and, with `enforceState`,
// the machine at the speed of the reference (the host measurement the prediction comes from);
// else it is tried again, up to `attempts` times. The state's departure is always measured and
// reported: on a shared virtual machine it moves by 2-3x within seconds, and insisting on it
// can retry for minutes.
struct LlamaCppGate {
    MachineState reference; // unknown: not probed
    int attempts = 4;
    bool enforceState = false;
};

struct LlamaCppInfo {
    std::string version;    // llama_version() of the loaded library
    std::string libraryDir;
    std::string systemInfo; // llama_print_system_info(): the CPU features its kernels use
};

// Throws InputError (field "llama.cpp") saying how to get llama.cpp when it is not there,
// when the library is a different release than this llmdse was built for, or when llama.cpp
// refuses the model; never crashes on a missing symbol.
LlamaCppInfo llamaCppInfo();
std::vector<LlamaCppRun> measureLlamaCpp(const LlamaCppRequest& req, const LlamaCppGate& gate = {});
// The logits of the last position after `tokens` (a check that an exported model is the same model).
std::vector<float> llamaCppLogits(const std::string& gguf, const std::vector<int>& tokens, int threads);
// Whether this build can drive llama.cpp at all (it was built with llama.cpp's headers).
bool llamaCppSupported();

} // namespace llmdse
