#include "core/RuntimeProfileJson.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/Design.h"

#include <QJsonArray>

namespace llmdse {

namespace {

// Above any buffer a collective library registers (custom all-reduce takes at most tens of MB).
constexpr double kMaxCollectiveBufferMb = 1e9;

// Bounds that keep a simulated server finite: beyond them the figures are unit mistakes.
constexpr int kMaxSchedulerTokens = 100'000'000;
constexpr int kMaxStepsPerSchedule = 1024;
constexpr double kMaxHostOverheadUs = 1e8; // 100 s

SchedulerProfile schedulerFromJson(const JsonReader& s)
{
    SchedulerProfile c;
    c.set = true;
    c.provenance = s.string("provenance", "");
    auto bounded = [&](const char* key, int fallback, int minimum, int maximum) {
        const int v = minimum > 0 ? s.positiveInt(key, fallback) : s.nonNegativeInt(key, fallback);
        if (v < minimum || v > maximum)
            s.fail(key, "must be between " + std::to_string(minimum) + " and " + std::to_string(maximum));
        return v;
    };
    c.maxSequences = bounded("max_sequences", c.maxSequences, 1, kMaxBatch);
    c.maxBatchedTokens = bounded("max_batched_tokens", c.maxBatchedTokens, 1, kMaxSchedulerTokens);
    c.chunkTokens = bounded("chunked_prefill_tokens", c.chunkTokens, 0, kMaxSchedulerTokens);
    c.mixedBatches = s.boolean("mixed_batches", c.mixedBatches);
    c.stepsPerSchedule = bounded("steps_per_schedule", c.stepsPerSchedule, 1, kMaxStepsPerSchedule);
    const std::string pre = s.string("preemption", "recompute");
    if (pre == "swap") c.preemption = Preemption::Swap;
    else if (pre == "reserve") c.preemption = Preemption::Reserve;
    else if (pre != "recompute") s.fail("preemption", "must be 'recompute', 'swap' or 'reserve', got '" + pre + "'");
    const std::string order = s.string("priority", "fcfs");
    if (order == "shortest_prompt_first") c.order = AdmissionOrder::ShortestPromptFirst;
    else if (order != "fcfs") s.fail("priority", "must be 'fcfs' or 'shortest_prompt_first', got '" + order + "'");
    auto micro = [&](const char* key, double fallbackS) {
        const double us = s.nonNegative(key, fallbackS * 1e6);
        if (us > kMaxHostOverheadUs) s.fail(key, "must be at most 1e8 us");
        return us * 1e-6;
    };
    c.prefixCaching = s.boolean("prefix_caching", false);
    c.requestOverheadS = micro("request_overhead_us", 0);
    c.scheduleOverheadS = micro("schedule_overhead_us", 0);
    c.swapBytesPerS = s.positive("swap_gb_per_s", c.swapBytesPerS / 1e9) * 1e9;
    const std::string basis = s.string("memory_fraction_of", "device");
    if (basis == "free") c.memoryBasis = MemoryBasis::Free;
    else if (basis != "device") s.fail("memory_fraction_of", "must be 'device' or 'free', got '" + basis + "'");
    return c;
}

QJsonObject toJson(const SchedulerProfile& c)
{
    return {{"provenance", QString::fromStdString(c.provenance)},
            {"max_sequences", c.maxSequences},
            {"max_batched_tokens", c.maxBatchedTokens},
            {"chunked_prefill_tokens", c.chunkTokens},
            {"mixed_batches", c.mixedBatches},
            {"steps_per_schedule", c.stepsPerSchedule},
            {"preemption", toString(c.preemption)},
            {"priority", toString(c.order)},
            {"prefix_caching", c.prefixCaching},
            {"request_overhead_us", c.requestOverheadS * 1e6},
            {"schedule_overhead_us", c.scheduleOverheadS * 1e6},
            {"swap_gb_per_s", c.swapBytesPerS / 1e9},
            {"memory_fraction_of", c.memoryBasis == MemoryBasis::Free ? "free" : "device"}};
}

CollectiveAlgorithm collectiveFromJson(const JsonReader& c)
{
    CollectiveAlgorithm a;
    a.name = c.string("name");
    a.pattern = parseCollectivePattern(c.string("pattern"), c.field("pattern"));
    if (c.has("collectives")) {
        a.collectives = 0;
        const QJsonArray list = c.array("collectives");
        for (int i = 0; i < list.size(); ++i) {
            const std::string where = c.field("collectives") + "[" + std::to_string(i) + "]";
            const std::string name = list[i].toString().toStdString();
            int found = -1;
            for (int k = 0; k < kCollectiveCount; ++k)
                if (name == toString(static_cast<Collective>(k))) found = k;
            if (found < 0)
                throw InputError("", where, "unknown collective '" + name + "' (send, all_reduce, all_gather, all_to_all, reduce_scatter)");
            a.collectives |= 1u << unsigned(found);
        }
        if (a.collectives == 0) c.fail("collectives", "lists no collective");
    }
    a.baseS = c.nonNegative("base_us", 0.0) * 1e-6;
    a.stepS = c.nonNegative("step_us", 0.0) * 1e-6;
    a.peerS = c.nonNegative("per_peer_us", 0.0) * 1e-6;
    a.busEfficiency = c.fraction("bus_efficiency", 1.0);
    const double maxMb = c.nonNegative("max_mb", 0.0);
    if (maxMb > kMaxCollectiveBufferMb) c.fail("max_mb", "exceeds the bound of 1e9 MB");
    a.maxBytes = maxMb * 1e6;
    a.minDevices = c.positiveInt("min_devices", 2);
    a.maxDevices = c.nonNegativeInt("max_devices", 0);
    if (a.maxDevices > 0 && a.maxDevices < a.minDevices) c.fail("max_devices", "is below min_devices");
    const std::string needs = c.string("needs", "");
    if (needs == "peer_access") a.needsPeerAccess = true;
    else if (needs == "switch_reduction") a.needsPeerAccess = a.needsSwitchReduction = true;
    else if (!needs.empty()) c.fail("needs", "must be 'peer_access' or 'switch_reduction', got '" + needs + "'");
    return a;
}

QJsonObject toJson(const CollectiveAlgorithm& a)
{
    QJsonArray list;
    for (int k = 0; k < kCollectiveCount; ++k)
        if (a.implements(static_cast<Collective>(k))) list.append(toString(static_cast<Collective>(k)));
    QJsonObject o{{"name", QString::fromStdString(a.name)},
                  {"pattern", toString(a.pattern)},
                  {"collectives", list},
                  {"base_us", a.baseS * 1e6},
                  {"step_us", a.stepS * 1e6},
                  {"per_peer_us", a.peerS * 1e6},
                  {"bus_efficiency", a.busEfficiency},
                  {"max_mb", a.maxBytes / 1e6},
                  {"min_devices", a.minDevices},
                  {"max_devices", a.maxDevices}};
    if (a.needsSwitchReduction) o["needs"] = "switch_reduction";
    else if (a.needsPeerAccess) o["needs"] = "peer_access";
    return o;
}

} // namespace

RuntimeProfile runtimeFromJson(const QJsonObject& obj, const std::string& file)
{
    try {
        JsonReader r(obj);
        RuntimeProfile p;
        p.id = r.string("id");
        p.description = r.string("description", "");
        p.provenance = r.string("provenance", "");
        p.kernelOverheadS = r.nonNegative("kernel_overhead_us", 0.0) * 1e-6;
        p.gemmSetupS = r.nonNegative("gemm_setup_us", 0.0) * 1e-6;
        p.hostDispatchS = r.nonNegative("host_dispatch_us", 0.0) * 1e-6;
        p.gemmPackWeightsPerS = r.nonNegative("gemm_pack_gweights_s", 0.0) * 1e9;
        if (auto g = r.optionalObject("gemv_unpack_ps_per_weight")) {
            for (int i = 0; i < kPrecisionCount; ++i)
                p.gemvUnpackSPerWeight[i] = g->nonNegative(toString(static_cast<Precision>(i)), 0.0) * 1e-12;
            for (auto it = g->raw().begin(); it != g->raw().end(); ++it)
                parsePrecision(it.key().toStdString(), g->field(it.key().toStdString().c_str()));
        }
        p.gemvUnpackSPerGroup = r.nonNegative("gemv_unpack_ns_per_group", 0.0) * 1e-9;
        auto e = r.object("efficiency");
        p.gemmEfficiency = e.fraction("gemm", 1.0);
        p.gemmHalfTokens = e.nonNegative("gemm_half_tokens", 0.0);
        p.attentionEfficiency = e.fraction("attention", 1.0);
        p.bandwidthEfficiency = e.fraction("bandwidth", 1.0);
        p.elementwiseEfficiency = e.fraction("elementwise_bandwidth", p.bandwidthEfficiency);
        p.vectorEfficiency = e.fraction("vector", 1.0);
        p.sparseGemmEfficiency = e.fraction("sparse_gemm", 1.0);
        p.moeImbalance = r.positive("moe_imbalance", 1.0);
        if (p.moeImbalance < 1) r.fail("moe_imbalance", "must be >= 1 (busiest expert / mean)");
        p.powerCapped = r.boolean("power_capped", true);
        p.weightFormatKernels = r.boolean("weight_format_kernels", false);
        if (auto en = r.optionalObject("energy")) {
            p.busyPowerFraction = en->nonNegative("busy_power_fraction", 0.0);
            if (p.busyPowerFraction > 1) en->fail("busy_power_fraction", "must be <= 1");
            p.overheadIdleFraction = en->nonNegative("overhead_idle_fraction", 0.0);
            if (p.overheadIdleFraction > 1) en->fail("overhead_idle_fraction", "must be <= 1");
            p.flopEnergyScale = en->positive("flop_energy_scale", 1.0);
            p.memoryEnergyScale = en->positive("memory_energy_scale", 1.0);
        }
        p.stepOverheadS = r.nonNegative("step_overhead_us", 0.0) * 1e-6;
        p.stepOverheadPerSequenceS = r.nonNegative("step_overhead_per_sequence_us", 0.0) * 1e-6;
        p.rankSkewS = r.nonNegative("rank_skew_us", 0.0) * 1e-6;
        p.separateProjections = r.boolean("separate_projections", false);
        if (auto sc = r.optionalObject("scheduler")) p.scheduler = schedulerFromJson(*sc);
        const std::string aq = r.string("activation_quantization", "fused");
        if (aq == "eager") p.activationQuantization = ActivationQuantization::Eager;
        else if (aq != "fused") r.fail("activation_quantization", "must be 'fused' or 'eager', got '" + aq + "'");
        if (auto wf = r.optionalObject("weight_formats")) {
            for (auto it = wf->raw().begin(); it != wf->raw().end(); ++it) {
                const std::string key = it.key().toStdString();
                const Precision prec = parsePrecision(key, wf->field(key.c_str()));
                if (!it.value().isObject()) wf->fail(key.c_str(), "must be an object");
                JsonReader k(it.value().toObject(), wf->field(key.c_str()));
                WeightFormatKernel& w = p.weightKernels[static_cast<int>(prec)];
                w.set = true;
                const std::string kind = k.string("kernel", "dequantize");
                bool known = false;
                for (auto c : {WeightKernel::Dequantize, WeightKernel::ConvertActivations, WeightKernel::Fabric})
                    if (kind == toString(c)) w.kind = c, known = true;
                if (!known) k.fail("kernel", "must be dequantize, convert_activations or fabric, got '" + kind + "'");
                // Relative to the hardware's figures: above 1 where a preset's peak is a measured reference rate.
                w.gemmEfficiency = k.nonNegative("gemm", 0.0);
                w.bandwidthEfficiency = k.nonNegative("bandwidth", 0.0);
                if (w.gemmEfficiency < 0 || w.gemmEfficiency > 10) k.fail("gemm", "must be between 0 and 10");
                if (w.bandwidthEfficiency < 0 || w.bandwidthEfficiency > 10) k.fail("bandwidth", "must be between 0 and 10");
            }
        }
        if (auto ops = r.optionalObject("ops")) {
            for (auto it = ops->raw().begin(); it != ops->raw().end(); ++it) {
                std::string key = it.key().toStdString();
                int found = -1;
                for (int i = 0; i < kOpClassCount; ++i)
                    if (key == toString(static_cast<OpClass>(i))) found = i;
                if (found < 0) ops->fail(key.c_str(), "unknown operator class");
                if (!it.value().isObject()) ops->fail(key.c_str(), "must be an object");
                JsonReader o(it.value().toObject(), ops->field(key.c_str()));
                p.ops[found].kernels = o.nonNegativeInt("kernels", 1);
                p.ops[found].trafficFactor = o.positive("traffic_factor", 1.0);
                p.ops[found].computeFactor = o.positive("compute_factor", 1.0);
            }
        }
        if (r.has("collectives")) {
            const QJsonArray list = r.array("collectives");
            for (int i = 0; i < list.size(); ++i) {
                const std::string where = r.field("collectives") + "[" + std::to_string(i) + "]";
                if (!list[i].isObject()) throw InputError("", where, "must be an object");
                p.collectives.push_back(collectiveFromJson(JsonReader(list[i].toObject(), where)));
            }
        }
        return p;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

QJsonObject toJson(const RuntimeProfile& p)
{
    QJsonObject o;
    o["id"] = QString::fromStdString(p.id);
    o["description"] = QString::fromStdString(p.description);
    o["provenance"] = QString::fromStdString(p.provenance);
    o["kernel_overhead_us"] = p.kernelOverheadS * 1e6;
    o["gemm_setup_us"] = p.gemmSetupS * 1e6;
    o["host_dispatch_us"] = p.hostDispatchS * 1e6;
    o["gemm_pack_gweights_s"] = p.gemmPackWeightsPerS / 1e9;
    QJsonObject unpack;
    for (int i = 0; i < kPrecisionCount; ++i)
        if (p.gemvUnpackSPerWeight[i] > 0)
            unpack[QString::fromStdString(toString(static_cast<Precision>(i)))] = p.gemvUnpackSPerWeight[i] * 1e12;
    o["gemv_unpack_ps_per_weight"] = unpack;
    o["gemv_unpack_ns_per_group"] = p.gemvUnpackSPerGroup * 1e9;
    o["efficiency"] = QJsonObject{{"gemm", p.gemmEfficiency},
                                  {"gemm_half_tokens", p.gemmHalfTokens},
                                  {"attention", p.attentionEfficiency},
                                  {"bandwidth", p.bandwidthEfficiency},
                                  {"elementwise_bandwidth", p.elementwiseEfficiency},
                                  {"vector", p.vectorEfficiency},
                                  {"sparse_gemm", p.sparseGemmEfficiency}};
    o["moe_imbalance"] = p.moeImbalance;
    o["power_capped"] = p.powerCapped;
    o["weight_format_kernels"] = p.weightFormatKernels;
    o["energy"] = QJsonObject{{"busy_power_fraction", p.busyPowerFraction},
                              {"overhead_idle_fraction", p.overheadIdleFraction},
                              {"flop_energy_scale", p.flopEnergyScale},
                              {"memory_energy_scale", p.memoryEnergyScale}};
    o["step_overhead_us"] = p.stepOverheadS * 1e6;
    o["step_overhead_per_sequence_us"] = p.stepOverheadPerSequenceS * 1e6;
    if (p.rankSkewS > 0) o["rank_skew_us"] = p.rankSkewS * 1e6;
    o["separate_projections"] = p.separateProjections;
    if (p.scheduler.set) o["scheduler"] = toJson(p.scheduler);
    o["activation_quantization"] = p.activationQuantization == ActivationQuantization::Eager ? "eager" : "fused";
    QJsonObject formats;
    for (int i = 0; i < kPrecisionCount; ++i) {
        const WeightFormatKernel& w = p.weightKernels[i];
        if (!w.set) continue;
        QJsonObject f{{"kernel", toString(w.kind)}};
        if (w.gemmEfficiency > 0) f["gemm"] = w.gemmEfficiency;
        if (w.bandwidthEfficiency > 0) f["bandwidth"] = w.bandwidthEfficiency;
        formats[QString::fromStdString(toString(static_cast<Precision>(i)))] = f;
    }
    if (!formats.isEmpty()) o["weight_formats"] = formats;
    QJsonObject ops;
    for (int i = 0; i < kOpClassCount; ++i)
        ops[toString(static_cast<OpClass>(i))] =
            QJsonObject{{"kernels", p.ops[i].kernels},
                        {"traffic_factor", p.ops[i].trafficFactor},
                        {"compute_factor", p.ops[i].computeFactor}};
    o["ops"] = ops;
    QJsonArray collectives;
    for (const auto& a : p.collectives) collectives.append(toJson(a));
    o["collectives"] = collectives;
    return o;
}

} // namespace llmdse
