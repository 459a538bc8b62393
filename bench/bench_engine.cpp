// Reference-engine throughput on this CPU: prefill and decode tokens/s for a
// 0.5B-1.5B shape at fp32 and int8, batch 1 and 8, beside the memory-bandwidth
// roofline (bytes a decode step streams / bandwidth measured in the same run, right
// after the generation it is compared with). int8: every projection in groups of 128,
// the tied output head / embedding table left fp32 (the engine's default).
// Prints one JSON object per line for bench/engine_vs_torch.sh.
#include "estimators/measured/MachineState.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"

#include <chrono>
#include <cstdio>

using namespace llmdse;

int main(int argc, char** argv)
{
    const std::string model = argc > 1 ? argv[1] : "qwen2.5-0.5b";
    const int S = 128, N = 33;
    const ModelSpec spec = resolveModel(model);
    const std::vector<float> probe(size_t(1) << 27, 1.0f); // 512 MB: far beyond any cache
    for (const char* fmtText : {"fp32", "int8"}) {
        const QuantFormat fmt = parseQuantFormat(fmtText, "weights");
        ModelWeights w = syntheticWeights(spec);
        w.quantize(fmt);
        // A step streams every layer's weights and the output head (a tied head: the embedding
        // table); of an untied table it reads only the looked-up rows.
        const double weightBytes = w.bytes() - (w.lmHead.out() > 0 ? double(w.embed.size()) * 4 : 0.0);
        ReferenceEngine engine(std::move(w));
        for (int B : {1, 8}) {
            std::vector<std::vector<int>> prompts(static_cast<size_t>(B), std::vector<int>(S));
            for (int b = 0; b < B; ++b)
                for (int i = 0; i < S; ++i) prompts[size_t(b)][size_t(i)] = (i * 31 + b * 7 + 1) % spec.vocab;
            GenerationResult r = generate(engine, prompts, N, SamplingOptions{});
            const double bandwidth = parallelReadBytesPerS(probe, 5);
            // Mean attended context over the decode steps; KV read in fp32.
            const double ctx = S + 1 + (N - 2) / 2.0;
            const double kvBytes = 2.0 * spec.layers * B * spec.kvHeads * spec.headDim * ctx * 4.0;
            const double rooflineTokS = B * bandwidth / (weightBytes + kvBytes);
            std::printf("{\"engine\":\"llmdse\",\"model\":\"%s\",\"weights\":\"%s\",\"batch\":%d,\"prompt\":%d,"
                        "\"prefill_tokens_per_s\":%.2f,\"decode_tokens_per_s\":%.2f,\"roofline_decode_tokens_per_s\":%.2f,"
                        "\"roofline_fraction\":%.3f,\"bandwidth_gb_s\":%.2f,\"weight_bytes\":%.0f}\n",
                        model.c_str(), fmtText, B, S, B * S / r.prefillS, r.decodeTokensPerS(), rooflineTokS,
                        r.decodeTokensPerS() / rooflineTokS, bandwidth / 1e9, weightBytes);
            std::fflush(stdout);
        }
    }
    return 0;
}
