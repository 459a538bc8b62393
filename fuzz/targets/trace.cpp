// serve-sim request traces (CSV arrival_s,prompt,output).
#include "estimators/serving/RequestStream.h"
#include "fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        (void)llmdse::parseTrace(std::string(reinterpret_cast<const char*>(data), size), "trace.csv");
    });
    return 0;
}
