// The reference engine beside llama.cpp on this CPU, one model x weight format x thread
// count per invocation: the same synthetic weights (the engine's seed, exported to GGUF),
// the same prompt length and number of decode steps, runs interleaved (engine, llama.cpp,
// engine, ...) so both see the same machine state; medians of the timed rounds after one
// warm-up each. Prints one JSON object for bench/engine_vs_llamacpp.sh.
// Usage: bench_engine_vs_llamacpp MODEL f32|f16|q8_0|q4_0 THREADS [PROMPT OUTPUT ROUNDS]
#include "bench/BenchMain.h"
#include "core/Errors.h"
#include "core/Statistics.h"
#include "estimators/measured/LlamaCpp.h"
#include "estimators/measured/LlamaCppCheck.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"
#include "models/gguf/GgufExport.h"

#include <oneapi/tbb/task_arena.h>
#include <chrono>
#include <cstdio>

using namespace llmdse;

namespace {

struct Times {
    double prefillS = 0, decodeStepS = 0;
};

// One prefill of `prompt` tokens, then output - 1 single-token steps, greedy as llama-bench
// feeds its own tokens (the ids do not change the work).
Times runEngine(ReferenceEngine& e, int prompt, int output)
{
    std::vector<std::vector<int>> p(1, std::vector<int>(size_t(prompt)));
    for (int i = 0; i < prompt; ++i) p[0][size_t(i)] = 3 + (i * 7919 + 13) % (e.spec().vocab - 3);
    KvCache cache(e.spec(), 1, prompt + output);
    auto t0 = std::chrono::steady_clock::now();
    RowMatrix logits = e.forward(p, cache);
    Times t;
    t.prefillS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<std::vector<int>> step(1, std::vector<int>(1));
    t0 = std::chrono::steady_clock::now();
    for (int i = 1; i < output; ++i) {
        Eigen::Index best;
        logits.row(0).maxCoeff(&best);
        step[0][0] = int(best);
        logits = e.forward(step, cache);
    }
    t.decodeStepS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (output - 1);
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    const char* usage = "usage: bench_engine_vs_llamacpp MODEL f32|f16|q8_0|q4_0 THREADS [PROMPT OUTPUT ROUNDS]";
    return bench::benchMain(argc, argv, usage, [&]() -> int {
        if (argc < 4) throw InputError("", "arguments", std::string("missing; ") + usage);
        const ModelSpec spec = resolveModel(argv[1]);
        const GgmlType type = parseGgufWeights(argv[2], "format");
        const int threads = int(bench::countArg(argc, argv, 3, 1, 1, 1024, "threads"));
        const int prompt = int(bench::countArg(argc, argv, 4, 128, 1, 4096, "prompt"));
        const int output = int(bench::countArg(argc, argv, 5, 64, 2, 4096, "output"));
        const int rounds = int(bench::countArg(argc, argv, 6, 5, 1, 100, "rounds"));
        const std::string gguf = cachedGguf(ModelSource{"", spec, 1}, type);
        ModelWeights w = syntheticWeights(spec, 1);
        const QuantFormat fmt = quantFormatOf(type);
        w.quantize(fmt, true); // every matrix in the format, as the export writes it (--pure)
        ReferenceEngine engine(std::move(w));
        oneapi::tbb::task_arena arena(threads);
        std::vector<double> ep, ed, lp, ld;
        for (int r = 0; r <= rounds; ++r) {
            Times e;
            arena.execute([&] { e = runEngine(engine, prompt, output); });
            const LlamaCppRun l = measureLlamaCpp({gguf, threads, prompt, output, 1}).front();
            if (r == 0) continue; // warm-up
            ep.push_back(e.prefillS), ed.push_back(e.decodeStepS);
            lp.push_back(l.prefillS), ld.push_back(l.decodeStepS());
        }
        const double enginePrefill = prompt / median(ep), engineDecode = 1.0 / median(ed);
        const double llamaPrefill = prompt / median(lp), llamaDecode = 1.0 / median(ld);
        std::printf("{\"model\":\"%s\",\"format\":\"%s\",\"engine_weights\":\"%s\",\"threads\":%d,\"prompt\":%d,\"output\":%d,"
                    "\"rounds\":%d,\"engine_prefill_tok_s\":%.2f,\"engine_decode_tok_s\":%.2f,\"llamacpp_prefill_tok_s\":%.2f,"
                    "\"llamacpp_decode_tok_s\":%.2f,\"prefill_ratio\":%.3f,\"decode_ratio\":%.3f,\"llamacpp_version\":\"%s\"}\n",
                    spec.id.c_str(), argv[2], toString(fmt).c_str(), threads, prompt, output, rounds, enginePrefill, engineDecode,
                    llamaPrefill, llamaDecode, enginePrefill / llamaPrefill, engineDecode / llamaDecode,
                    llamaCppInfo().version.c_str());
        return 0;
    });
}
