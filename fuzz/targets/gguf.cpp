// GGUF files (llama.cpp's format, read back by the export's tests and the llama.cpp check).
#include "fuzz/FuzzSupport.h"
#include "models/gguf/GgufReader.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        const llmdse::GgufFile g = llmdse::parseGguf(data, size, "fuzz.gguf", true);
        std::vector<float> out;
        for (const auto& t : g.tensors) {
            out.resize(static_cast<std::size_t>(t.elements()));
            llmdse::decodeRow(t.type, t.data.data(), t.elements(), out.data());
        }
    });
    return 0;
}
