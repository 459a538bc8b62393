// Validation data (validate --data, calibrate --data): measured runs and model shapes.
#include "core/Json.h"
#include "estimators/validation/MeasurementSet.h"
#include "fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        (void)llmdse::parseMeasurements(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "data.json"), "data.json");
    });
    return 0;
}
