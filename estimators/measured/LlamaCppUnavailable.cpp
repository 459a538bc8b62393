// A build made without llama.cpp's headers (scripts/setup.sh without --with-llamacpp):
// the llama.cpp runtime says how to get it; nothing else changes.
#include "estimators/measured/LlamaCpp.h"
#include "core/Errors.h"

namespace llmdse {

namespace {

[[noreturn]] void unavailable()
{
    throw InputError("", "llama.cpp", "this llmdse was built without llama.cpp's headers; run `bash scripts/setup.sh "
                                      "--with-llamacpp` (it installs llama.cpp's prebuilt libraries and headers into "
                                      ".llamacpp/ and rebuilds)");
}

} // namespace

bool llamaCppSupported() { return false; }
LlamaCppInfo llamaCppInfo() { unavailable(); }
std::vector<LlamaCppRun> measureLlamaCpp(const LlamaCppRequest&, const LlamaCppGate&) { unavailable(); }
std::vector<float> llamaCppLogits(const std::string&, const std::vector<int>&, int) { unavailable(); }

} // namespace llmdse
