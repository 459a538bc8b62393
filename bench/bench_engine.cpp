// Reference-engine throughput on this CPU: prefill and decode tokens/s for a
// 0.5B-1.5B shape at fp32 and int8, batch 1 and 8, beside the memory-bandwidth
// roofline (bytes a decode step streams / bandwidth measured in the same run, right
// after the generation it is compared with). int8: every projection in groups of 128,
// the tied output head / embedding table left fp32 (the engine's default).
// Prints one JSON object per line for bench/engine_vs_torch.sh.
// Usage: bench_engine [model] [formats, comma-separated (fp32,int8)] [batches (1,8)] [prompt (128)] [new tokens (33)]
#include "bench/BenchMain.h"
#include "core/Errors.h"
#include "estimators/measured/MachineState.h"
#include "models/ModelZoo.h"
#include "models/engine/Generation.h"
#include "models/engine/OpCounters.h"

#include <QString>
#include <QStringList>

#include <chrono>
#include <cstdio>

using namespace llmdse;

namespace {

// Multiply-adds a second of the engine's own products (Linear::apply, all workers) for `rows`
// activation rows against a matrix small enough to stay in the caches: the compute ceiling of a
// product in that weight format, without the memory stream.
double cachedMacsPerS(Precision precision, const QuantFormat& fmt, int in, int rows)
{
    const int out = precision == Precision::FP32 ? 256 : 1024; // about 1 MB: half in each core's L2
    RowMatrix w(out, in), x(rows, in), y;
    for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = float((i * 37) % 29 - 14) * 0.01f;
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = float((i * 11) % 17 - 8) * 0.1f;
    Linear lin(std::move(w));
    if (precision != Precision::FP32) lin.quantize(fmt);
    for (int i = 0; i < 20; ++i) lin.apply(x, y);
    double best = 1e30;
    for (int round = 0; round < 5; ++round) { // best of 5: the ceiling, not the VM's bad moments
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < 100; ++i) lin.apply(x, y);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 100);
    }
    return double(out) * in * rows / best;
}

// Where a decode step's time goes: the engine's own per-operator wall times over 16 steps after
// the same prompts, beside each operator's floor: the longer of its bytes over the measured
// bandwidth and, for products, its multiply-adds over the cached rate of its weight format (one
// JSON line; milliseconds a step, operators named as in the op graph).
void printDecodeOps(ReferenceEngine& engine, const ModelSpec& spec, const std::vector<std::vector<int>>& prompts,
                    const std::string& model, const QuantFormat& fmt, const char* fmtText, double bandwidth)
{
    constexpr int kSteps = 16;
    const int B = static_cast<int>(prompts.size());
    KvCache cache(spec, B, static_cast<int>(prompts.front().size()) + kSteps + 1);
    engine.forward(prompts, cache);
    const std::vector<std::vector<int>> step(static_cast<size_t>(B), std::vector<int>(1, 1));
    OpCounters counters;
    engine.counters = &counters;
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < kSteps; ++s) engine.forward(step, cache);
    const double stepMs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 1e3 / kSteps;
    engine.counters = nullptr;
    const double layerRate = cachedMacsPerS(fmt.precision, fmt, spec.hidden, B);
    const Precision headPrecision = engine.weights().lmHead.precision();
    const double headRate = headPrecision == fmt.precision ? layerRate : cachedMacsPerS(headPrecision, fmt, spec.hidden, B);
    std::string ops, floors;
    double floorMs = 0;
    for (const auto& [op, c] : counters.ops()) {
        const bool product = op.size() > 5 && (op.compare(op.size() - 5, 5, "_proj") == 0 || op == "lm_head");
        const double macs = c.flops / 2 / kSteps;
        const double floor = std::max(c.bytes / kSteps / bandwidth, product ? macs / (op == "lm_head" ? headRate : layerRate) : 0.0) * 1e3;
        floorMs += floor;
        const auto field = [&](double v) { return (",\"" + op + "\":") + QString::number(v, 'f', 2).toStdString(); };
        ops += field(c.seconds * 1e3 / kSteps);
        floors += field(floor);
    }
    std::printf("{\"model\":\"%s\",\"weights\":\"%s\",\"batch\":%d,\"decode_step_ms\":%.2f,\"floor_step_ms\":%.2f,"
                "\"fraction_of_floor\":%.3f,\"cached_gmac_s\":%.1f,\"head_cached_gmac_s\":%.1f,\"op_ms\":{%s},\"op_floor_ms\":{%s}}\n",
                model.c_str(), fmtText, B, stepMs, floorMs, floorMs / stepMs, layerRate / 1e9, headRate / 1e9, ops.c_str() + 1,
                floors.c_str() + 1);
    std::fflush(stdout);
}

int run(int argc, char** argv)
{
    const std::string model = argc > 1 ? argv[1] : "qwen2.5-0.5b";
    const QStringList formats = QString(argc > 2 ? argv[2] : "fp32,int8").split(',');
    std::vector<int> batches;
    for (const QString& b : QString(argc > 3 ? argv[3] : "1,8").split(',')) {
        bool ok = false;
        batches.push_back(b.toInt(&ok));
        if (!ok || batches.back() < 1 || batches.back() > 256)
            throw InputError("", "batches", "'" + b.toStdString() + "' is not a batch size from 1 to 256");
    }
    const int S = int(bench::countArg(argc, argv, 4, 128, 2, 4096, "prompt")), N = int(bench::countArg(argc, argv, 5, 33, 2, 4096, "new tokens"));
    const ModelSpec spec = resolveModel(model);
    const std::vector<float> probe(size_t(1) << 27, 1.0f); // 512 MB: far beyond any cache
    for (const QString& format : formats) {
        const std::string fmtString = format.toStdString();
        const char* fmtText = fmtString.c_str();
        const QuantFormat fmt = parseQuantFormat(fmtText, "weights");
        ModelWeights w = syntheticWeights(spec);
        w.quantize(fmt);
        // A step streams every layer's weights and the output head (a tied head: the embedding
        // table); of an untied table it reads only the looked-up rows.
        const double weightBytes = w.bytes() - (w.lmHead.out() > 0 ? double(w.embed.size()) * 4 : 0.0);
        ReferenceEngine engine(std::move(w));
        for (int B : batches) {
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
            printDecodeOps(engine, spec, prompts, model, fmt, fmtText, bandwidth);
        }
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return llmdse::bench::benchMain(argc, argv, "Usage: bench_engine [model (qwen2.5-0.5b)] [formats (fp32,int8)] [batches (1,8)] [prompt (128)] [new tokens (33)]",
                                    [&] { return run(argc, argv); });
}
