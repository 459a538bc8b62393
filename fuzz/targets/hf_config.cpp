// Hugging Face config.json import: the file a user downloads from anyone.
#include "core/Json.h"
#include "fuzz/FuzzSupport.h"
#include "models/HfConfigImporter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        const llmdse::ModelSpec m = llmdse::importHfConfig(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "config.json"),
                                                           "config.json", "fuzz");
        (void)m.totalParams();
    });
    return 0;
}
