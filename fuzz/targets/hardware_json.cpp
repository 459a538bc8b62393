// Hardware JSON, including accelerator templates (a "template" object derives the peaks).
#include "core/HardwareSpecJson.h"
#include "core/Json.h"
#include "fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        const llmdse::HardwareSpec hw =
            llmdse::hardwareFromJson(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "hw.json"), "hw.json");
        (void)hw.peakFor(llmdse::Precision::INT4);
    });
    return 0;
}
