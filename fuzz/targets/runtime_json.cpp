// Runtime profile JSON.
#include "core/Json.h"
#include "core/RuntimeProfileJson.h"
#include "fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        (void)llmdse::runtimeFromJson(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "runtime.json"), "runtime.json");
    });
    return 0;
}
