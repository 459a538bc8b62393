#include "estimators/measured/HostBenchmarks.h"
#include "estimators/measured/CpuContention.h"
#include "core/HostMemory.h"
#include "estimators/measured/LlamaCppCalibration.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/Json.h"
#include "core/RuntimeZoo.h"
#include "models/engine/ModelWeights.h"
#include "models/engine/ReferenceEngine.h"
#include "models/engine/VectorMath.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_arena.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <thread>

namespace llmdse {

namespace {

std::string cpuName()
{
    std::ifstream f("/proc/cpuinfo");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

double memTotal() { return totalMemoryBytes(); }

double gemmRate(const QuantFormat& q)
{
    const int n = 1024, k = 1024, m = 256;
    RowMatrix w = RowMatrix::Random(n, k) * 0.02f;
    Linear l(w);
    l.quantize(q);
    RowMatrix x = RowMatrix::Random(m, k), y;
    l.apply(x, y);
    return 2.0 * m * n * k / medianSeconds(7, [&] { l.apply(x, y); });
}

// A small model unlike any a user checks: its prefill gives the attention and
// elementwise rates, its decode steps (almost no work per op) the cost per op.
ModelSpec probeModel(int hidden, int layers, int ffn, int vocab)
{
    ModelSpec m;
    m.id = "probe";
    m.family = "llama";
    m.hidden = hidden;
    m.layers = layers;
    m.heads = hidden / 64;
    m.kvHeads = m.heads;
    m.headDim = 64;
    m.intermediate = ffn;
    m.vocab = vocab;
    return m;
}

} // namespace

HostMeasurements measureHost()
{
    HostMeasurements h;
    h.cpu = cpuName();
    h.cores = oneapi::tbb::this_task_arena::max_concurrency();
    h.memoryBytes = memTotal();
    h.gemmFlops[0] = gemmRate({Precision::FP32, 0});
    h.gemmFlops[1] = gemmRate({Precision::INT8, 128});
    h.gemmFlops[2] = gemmRate({Precision::INT4, 128});
    {
        // Weights cycled through 32 separate 16 MB-class matrices, so that every product finds its
        // weights in DRAM as in a model, and one allocation's placement in a VM's memory does not decide.
        const int n = 4096, k = 1024, copies = 32;
        const double elements = double(n) * k;
        auto coldTime = [&](const QuantFormat& q, int m) {
            std::vector<Linear> ls;
            for (int c = 0; c < copies; ++c) {
                ls.emplace_back(RowMatrix(RowMatrix::Random(n, k) * 0.02f));
                ls.back().quantize(q);
            }
            RowMatrix x = RowMatrix::Random(m, k), y;
            return medianSeconds(15, [&] {
                       for (const auto& l : ls) l.apply(x, y);
                   }) / copies;
        };
        // A 16-row GEMM costs more than its FLOPs: the time beyond flops/peak repacks the weights.
        const double extra = coldTime({Precision::FP32, 0}, 16) - 2.0 * 16 * elements / h.gemmFlops[0];
        h.packWeightsPerS = extra > 0 ? elements / extra : 0;
        // Batch-1 GEMVs on integer weights: per-element unpack cost by format, per-group cost of the
        // fp16 scales from int4 at two group sizes. Each is the whole GEMV time per weight, an upper
        // bound on the unpacking that the estimator overlaps with the memory stream.
        const double int4g128 = coldTime({Precision::INT4, 128}, 1) / elements;
        const double int4g32 = coldTime({Precision::INT4, 32}, 1) / elements;
        const double int8g128 = coldTime({Precision::INT8, 128}, 1) / elements;
        h.gemvSPerGroup = std::max(0.0, (int4g32 - int4g128) / (1.0 / 32 - 1.0 / 128));
        h.gemvSPerWeight[0] = std::max(0.0, int8g128 - h.gemvSPerGroup / 128);
        h.gemvSPerWeight[1] = std::max(0.0, int4g128 - h.gemvSPerGroup / 128);
    }

    {
        std::vector<float> a(size_t(1) << 27, 1.0f); // 512 MB: far beyond any cache
        const double bytes = double(a.size()) * 4;
        h.streamAllCores = parallelReadBytesPerS(a, 5);
        volatile float sink = 0;
        h.streamOneCore = bytes / 2 / medianSeconds(3, [&] {
            sink = kernels::sumFloats(a.data(), a.size() / 2);
        });
        (void)sink;
    }
    {
        // 512 MB of fp32 weights in rows of 1024 (the row length of small and mid-size LLM projections),
        // as 32 separate 16 MB matrices like a model's layers: one allocation's placement in a VM's
        // memory can stream faster or slower than the average that a model sees.
        const int rows = 4096, cols = 1024, mats = 32;
        std::vector<Linear> ls;
        for (int i = 0; i < mats; ++i) ls.emplace_back(RowMatrix(RowMatrix::Random(rows, cols) * 0.02f));
        RowMatrix x = RowMatrix::Random(1, cols), y;
        h.gemvBytesPerS = 4.0 * rows * cols * mats / medianSeconds(7, [&] {
                              for (const auto& l : ls) l.apply(x, y);
                          });
    }
    {
        ReferenceEngine e(syntheticWeights(probeModel(512, 2, 1024, 1024)));
        OpCounters c;
        e.counters = &c;
        std::vector<std::vector<int>> prompt(1, std::vector<int>(384, 7));
        KvCache cache(e.spec(), 1, 400);
        e.forward(prompt, cache);
        const auto& ops = c.ops();
        auto rate = [&](std::initializer_list<const char*> names, bool flops) {
            double work = 0, time = 0;
            for (const char* n : names) {
                work += flops ? ops.at(n).flops : ops.at(n).bytes;
                time += ops.at(n).seconds;
            }
            return work / time;
        };
        h.attentionFlops = rate({"attn.flash"}, true);
        h.elementwiseBytesPerS = rate({"attn.kv_write", "embedding"}, false);
        h.vectorFlops = rate({"attn.norm", "mlp.norm"}, true);
        h.ropeFactor = h.vectorFlops / rate({"attn.rope"}, true);
        h.activationFactor = h.vectorFlops / rate({"mlp.act"}, true);
        h.residualFactor = h.vectorFlops / rate({"attn.residual", "mlp.residual"}, true);
    }
    {
        ReferenceEngine e(syntheticWeights(probeModel(64, 2, 128, 256)));
        KvCache cache(e.spec(), 1, 80);
        std::vector<std::vector<int>> tok(1, std::vector<int>(1, 3));
        e.forward(tok, cache);
        OpCounters c;
        e.counters = &c;
        const int steps = 60;
        auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < steps; ++i) e.forward(tok, cache);
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        h.opOverheadS = t / double(c.total().calls);
    }
    h.measuredAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
    return h;
}

QJsonObject toJson(const HostMeasurements& m)
{
    return QJsonObject{{"cpu", QString::fromStdString(m.cpu)},
                       {"cores", m.cores},
                       {"memory_bytes", m.memoryBytes},
                       {"gemm_gflops_fp32", m.gemmFlops[0] / 1e9},
                       {"gemm_gflops_int8", m.gemmFlops[1] / 1e9},
                       {"gemm_gflops_int4", m.gemmFlops[2] / 1e9},
                       {"gemm_pack_gweights_s", m.packWeightsPerS / 1e9},
                       {"gemv_int8_ps_per_weight", m.gemvSPerWeight[0] * 1e12},
                       {"gemv_int4_ps_per_weight", m.gemvSPerWeight[1] * 1e12},
                       {"gemv_ns_per_group", m.gemvSPerGroup * 1e9},
                       {"stream_gb_s_all_cores", m.streamAllCores / 1e9},
                       {"stream_gb_s_one_core", m.streamOneCore / 1e9},
                       {"gemv_gb_s_fp32", m.gemvBytesPerS / 1e9},
                       {"attention_gflops", m.attentionFlops / 1e9},
                       {"elementwise_gb_s", m.elementwiseBytesPerS / 1e9},
                       {"vector_gflops", m.vectorFlops / 1e9},
                       {"rope_factor", m.ropeFactor},
                       {"activation_factor", m.activationFactor},
                       {"residual_factor", m.residualFactor},
                       {"op_overhead_us", m.opOverheadS * 1e6},
                       {"state_gemm_gflops", m.state.gemmFlops / 1e9},
                       {"state_stream_gb_s", m.state.streamBytesPerS / 1e9},
                       {"measured_at", QString::fromStdString(m.measuredAt)}};
}

HostMeasurements hostFromJson(const QJsonObject& o, const std::string& file)
{
    try {
        JsonReader r(o);
        HostMeasurements m;
        m.cpu = r.string("cpu");
        m.cores = r.positiveInt("cores");
        m.memoryBytes = r.positive("memory_bytes");
        m.gemmFlops[0] = r.positive("gemm_gflops_fp32") * 1e9;
        m.gemmFlops[1] = r.positive("gemm_gflops_int8") * 1e9;
        m.gemmFlops[2] = r.positive("gemm_gflops_int4") * 1e9;
        m.packWeightsPerS = r.nonNegative("gemm_pack_gweights_s", 0.0) * 1e9; // 0: no repacking cost measurable
        m.gemvSPerWeight[0] = r.nonNegative("gemv_int8_ps_per_weight", 0.0) * 1e-12;
        m.gemvSPerWeight[1] = r.nonNegative("gemv_int4_ps_per_weight", 0.0) * 1e-12;
        m.gemvSPerGroup = r.nonNegative("gemv_ns_per_group", 0.0) * 1e-9;
        m.streamAllCores = r.positive("stream_gb_s_all_cores") * 1e9;
        m.streamOneCore = r.positive("stream_gb_s_one_core") * 1e9;
        m.gemvBytesPerS = r.positive("gemv_gb_s_fp32") * 1e9;
        m.attentionFlops = r.positive("attention_gflops") * 1e9;
        m.elementwiseBytesPerS = r.positive("elementwise_gb_s") * 1e9;
        m.vectorFlops = r.positive("vector_gflops") * 1e9;
        m.ropeFactor = r.positive("rope_factor");
        m.activationFactor = r.positive("activation_factor");
        m.residualFactor = r.positive("residual_factor");
        m.opOverheadS = r.nonNegative("op_overhead_us", 0.0) * 1e-6;
        m.state.gemmFlops = r.nonNegative("state_gemm_gflops", 0.0) * 1e9;
        m.state.streamBytesPerS = r.nonNegative("state_stream_gb_s", 0.0) * 1e9;
        m.measuredAt = r.string("measured_at", "");
        return m;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

HardwareSpec hostHardware(const HostMeasurements& m)
{
    HardwareSpec hw;
    hw.id = "host";
    hw.name = "This computer: " + m.cpu + " (" + std::to_string(m.cores) + " threads)";
    hw.cls = HardwareClass::CPU;
    hw.processNm = 7;
    hw.peakFlops[int(Precision::FP32)] = m.gemmFlops[0];
    hw.peakFlops[int(Precision::INT8)] = m.gemmFlops[1];
    hw.peakFlops[int(Precision::INT4)] = m.gemmFlops[2];
    hw.vectorFlops = m.vectorFlops;
    hw.memory.push_back({"DRAM", "ddr", m.memoryBytes, m.streamAllCores, 15.0});
    hw.cpuCores = m.cores;
    hw.perCoreBandwidthBytesPerS = m.streamOneCore;
    hw.sramBytes = 32e6;
    hw.tdpW = 10.0 * m.cores;
    hw.idleW = 3.0 * m.cores;
    hw.source = "Microbenchmarks by `llmdse host` at " + m.measuredAt + " (" + hostCachePath() +
                "): peaks are the reference engine's own GEMM rates per weight format, bandwidth a parallel read of 512 MB.";
    hw.notes = "Process node, SRAM, DRAM energy (15 pJ/bit) and power (10 W per thread TDP, 3 W idle) are placeholders [U]; "
               "timing is what the host preset is for.";
    return hw;
}

RuntimeProfile referenceEngineProfile(const HostMeasurements& m)
{
    RuntimeProfile p;
    p.id = "reference-engine";
    p.description = "llmdse's own CPU engine: one dispatched op per logical operator, fp32 activations (quantised to int8 "
                    "blocks for integer weights), weight unpacking inside the GEMM inner loop, single-threaded elementwise "
                    "ops, scalar attention loop.";
    char prov[600];
    std::snprintf(prov, sizeof prov,
                  "From microbenchmarks at %s on %s: GEMV streams %.1f of %.1f GB/s, attention %.1f GFLOP/s, norms %.2f "
                  "GFLOP/s (RoPE x%.2f, SiLU x%.2f, residual x%.2f per FLOP), copies %.1f GB/s, %.2f us per dispatched op. "
                  "Not fitted to any checked model.",
                  m.measuredAt.c_str(), m.cpu.c_str(), m.gemvBytesPerS / 1e9, m.streamAllCores / 1e9,
                  m.attentionFlops / 1e9, m.vectorFlops / 1e9, m.ropeFactor, m.activationFactor, m.residualFactor,
                  m.elementwiseBytesPerS / 1e9, m.opOverheadS * 1e6);
    p.provenance = prov;
    p.kernelOverheadS = m.opOverheadS;
    p.gemmPackWeightsPerS = m.packWeightsPerS;
    p.gemvUnpackSPerWeight[int(Precision::INT8)] = m.gemvSPerWeight[0];
    p.gemvUnpackSPerWeight[int(Precision::INT4)] = m.gemvSPerWeight[1];
    p.gemvUnpackSPerGroup = m.gemvSPerGroup;
    p.gemmEfficiency = 1.0; // the peaks are the engine's measured GEMM rates
    p.attentionEfficiency = std::min(1.0, m.attentionFlops / m.gemmFlops[0]);
    p.bandwidthEfficiency = std::min(1.0, m.gemvBytesPerS / m.streamAllCores);
    p.elementwiseEfficiency = std::min(1.0, m.elementwiseBytesPerS / m.streamAllCores);
    p.vectorEfficiency = 1.0;
    p.powerCapped = false;
    p.weightFormatKernels = true;
    // Integer weights in whole 32-value groups meet activations quantised to int8 blocks once
    // per matmul input (Linear::applyInteger): a conversion pass, then integer dot products at
    // the measured int8 / int4 GEMM rate, nothing unpacked to fp32.
    for (Precision f : {Precision::INT8, Precision::INT4})
        p.weightKernels[int(f)] = {WeightKernel::ConvertActivations, true, 0.0, 0.0};
    for (auto& op : p.ops) op = {1, 1.0, 1.0};
    p.impl(OpClass::Rope).computeFactor = m.ropeFactor;
    p.impl(OpClass::Activation).computeFactor = m.activationFactor;
    p.impl(OpClass::Residual).computeFactor = m.residualFactor;
    return p;
}

std::string hostCachePath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty()) dir = QDir::homePath() + "/.local/share";
    return (dir + "/llmdse/host.json").toStdString();
}

HostMeasurements hostMeasurements(bool refresh, bool* measuredNow)
{
    const std::string path = hostCachePath();
    if (measuredNow) *measuredNow = false;
    if (!refresh && QFileInfo::exists(QString::fromStdString(path))) {
        try {
            return hostFromJson(readJsonObjectFile(path), path);
        } catch (const InputError& e) {
            std::fprintf(stderr, "llmdse: note: ignoring unreadable host cache (%s); measuring again\n", e.what());
        }
    }
    std::fprintf(stderr, "llmdse: measuring this computer for the `host` preset (a few seconds) ...\n");
    // A microbenchmark that shared the cores with another job, or that the machine ran at two
    // different speeds, would set every prediction made from it: measured again (up to three
    // times) until others stayed below the limit and the state probes before and after agree.
    HostMeasurements m;
    double share = 0, drift = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        CpuContentionWindow window;
        const MachineState before = probeMachineState();
        m = measureHost();
        const MachineState after = probeMachineState();
        m.state = {0.5 * (before.gemmFlops + after.gemmFlops), 0.5 * (before.streamBytesPerS + after.streamBytesPerS)};
        share = window.othersShare(), drift = stateDeviation(after, before);
        if (share <= quietShareLimit() && drift <= stateTolerance()) break;
    }
    if (share > quietShareLimit())
        std::fprintf(stderr, "llmdse: note: other processes used %.0f%% of the CPUs while this computer was measured\n",
                     100.0 * share);
    if (drift > stateTolerance())
        std::fprintf(stderr, "llmdse: note: this computer's speed changed by %.0f%% while it was measured\n", 100.0 * drift);
    QDir().mkpath(QFileInfo(QString::fromStdString(path)).absolutePath());
    writeJsonFile(path, toJson(m));
    if (measuredNow) *measuredNow = true;
    return m;
}

void registerHostPresets()
{
    registerHardwareProvider("host", [] { return hostHardware(hostMeasurements()); });
    registerRuntimeProvider("reference-engine", [] { return referenceEngineProfile(hostMeasurements()); });
    registerLlamaCppHostCalibration();
}

} // namespace llmdse
