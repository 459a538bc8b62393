// The safetensors header and tensor table of a checkpoint, then every tensor converted to
// float as the loader does (bounded by the file's own size).
#include "fuzz/FuzzSupport.h"
#include "models/engine/Safetensors.h"

#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string path = llmdse::fuzz::asFile(data, size, ".safetensors");
    llmdse::fuzz::expectInputErrorsOnly([&] {
        llmdse::SafetensorsFile f(path);
        std::vector<float> out;
        for (const auto& t : f.tensors()) {
            out.resize(static_cast<std::size_t>(t.elements()));
            t.toFloat(out.data());
        }
    });
    return 0;
}
