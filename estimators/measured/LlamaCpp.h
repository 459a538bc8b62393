#pragma once
// llama.cpp as a second measured runtime on this computer. llmdse never links it: the
// libraries are loaded at run time (dlopen) from $LLMDSE_LLAMACPP or the folder
// scripts/setup-llamacpp.sh fills, and every other command works without them. Runs
// are driven as llama-bench drives them: one persistent ggml thread pool with the
// threads asked for, a warm-up, then timed repeats.
#include <string>
#include <vector>

namespace llmdse {

struct LlamaCppRun {
    double prefillS = 0;    // the prompt, one llama_decode of `prompt` tokens
    double decodeS = 0;     // `steps` single-token decodes after it
    int steps = 0;
    double decodeStepS() const { return steps > 0 ? decodeS / steps : 0; }
};

struct LlamaCppRequest {
    std::string gguf;
    int threads = 2;
    int prompt = 128;
    int output = 64;        // tokens generated: 1 from the prompt, output - 1 decode steps
    int repeats = 5;
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
std::vector<LlamaCppRun> measureLlamaCpp(const LlamaCppRequest& req);
// The logits of the last position after `tokens` (a check that an exported model is the same model).
std::vector<float> llamaCppLogits(const std::string& gguf, const std::vector<int>& tokens, int threads);
// Whether this build can drive llama.cpp at all (it was built with llama.cpp's headers).
bool llamaCppSupported();

} // namespace llmdse
