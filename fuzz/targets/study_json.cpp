// Study JSON (sweep --study): parse, then generate a few points as a sweep would.
#include "core/Errors.h"
#include "core/Json.h"
#include "fuzz/FuzzSupport.h"
#include "estimators/sweep/Study.h"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    llmdse::fuzz::expectInputErrorsOnly([&] {
        const llmdse::Study s =
            llmdse::parseStudy(llmdse::parseJsonObject(llmdse::fuzz::bytes(data, size), "study.json"), "study.json");
        llmdse::PointGenerator gen(s);
        std::vector<double> params(s.axes.size() + 1);
        const std::int64_t n = s.totalPoints();
        for (std::int64_t i : {std::int64_t(0), n / 2, n - 1}) {
            if (i < 0 || i >= n) continue;
            try {
                gen.at(i, params.data()).validate();
            } catch (const llmdse::InputError&) {
                // an invalid point is a row marked invalid in a sweep, not an error of the study
            }
        }
    });
    return 0;
}
