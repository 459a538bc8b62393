// serve-validate data (published serving results) and serve-sim's empirical length tables.
#include "core/Json.h"
#include "estimators/serving/LengthDistribution.h"
#include "estimators/validation/PublishedServing.h"
#include "fuzz/FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        (void)llmdse::parsePublishedServing(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "published.json"),
                                            "published.json");
    });
    llmdse::fuzz::expectInputErrorsOnly([&] {
        (void)llmdse::parseLengthTable(std::string(reinterpret_cast<const char*>(data), size), "lengths.csv", "prompt");
    });
    return 0;
}
