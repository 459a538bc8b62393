// llmdse compile's speed target: a 7B model's plan in under a second. Times compileFpga (the
// card resolved, the operator graph grouped into stages, the allocation, power) for Llama-2-7B on
// the Alveo U280 in both styles and on a 13B model, median of repeated runs, and says whether
// each is under the target. Exit 1 if one is not.
#include "bench/BenchMain.h"
#include "core/HardwareZoo.h"
#include "estimators/fpga/FpgaPlanner.h"
#include "models/ModelZoo.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace llmdse;

static int runBench(int argc, char** argv)
{
    const int runs = int(bench::countArg(argc, argv, 1, 21, 1, 100000, "runs"));
    const HardwareSpec u280 = resolveHardware("alveo-u280");
    bool ok = true;
    struct Case { const char* model; const char* weights; FpgaStyle style; };
    for (const Case c : {Case{"llama-2-7b", "int4:g128", FpgaStyle::Overlay}, Case{"llama-2-7b", "int4:g128", FpgaStyle::Dataflow},
                         Case{"llama-2-7b", "int8", FpgaStyle::Dataflow}, Case{"llama-2-13b", "int4:g128", FpgaStyle::Dataflow}}) {
        FpgaCompileRequest r;
        r.model = resolveModel(c.model);
        r.opts.weights = parseQuantFormat(c.weights, "weights");
        std::vector<double> ms;
        double tokens = 0;
        for (int i = 0; i < runs; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            tokens = compileFpga(u280, r, c.style).decodeTokensPerS;
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(ms.begin(), ms.end());
        const double median = ms[ms.size() / 2];
        const bool under = median < 1000;
        ok = ok && under;
        std::printf("compile %-12s %-10s %-8s on alveo-u280: median %8.3f ms (min %.3f, max %.3f, %d runs) -> %s; plan %.1f tokens/s\n",
                    c.model, c.weights, toString(c.style), median, ms.front(), ms.back(), runs,
                    under ? "under 1 s" : "OVER 1 s", tokens);
    }
    return ok ? 0 : 1;
}

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_compile [runs (21)]", [&] { return runBench(argc, argv); });
}
