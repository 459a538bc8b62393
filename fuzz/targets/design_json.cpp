// Design JSON (evaluate --design, the workbench's design files), then the analytical
// estimate of whatever it accepts: a design that parses must also evaluate without a crash.
#include "core/Json.h"
#include "estimators/Estimator.h"
#include "fuzz/FuzzSupport.h"
#include "models/DesignJson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const auto estimator = llmdse::createEstimator("analytical");
    llmdse::fuzz::expectInputErrorsOnly([&] {
        const llmdse::Design d =
            llmdse::designFromJson(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "design.json"), "design.json");
        (void)estimator->evaluate(d, true);
    });
    return 0;
}
