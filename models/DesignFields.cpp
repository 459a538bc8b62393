#include "models/DesignFields.h"
#include "core/AcceleratorTemplateJson.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/ResourceFiles.h"
#include "core/Units.h"
#include "core/RuntimeZoo.h"
#include "models/ModelZoo.h"
#include "models/OptimizationFields.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

namespace {

using Kind = DesignField::Kind;

double parseNumber(const QJsonValue& v, const std::string& where, bool integer, double minimum)
{
    if (!v.isDouble()) throw InputError("", where, "must be a number");
    double d = v.toDouble();
    if (!std::isfinite(d)) throw InputError("", where, "must be finite");
    if (const std::string why = magnitudeProblem(d); !why.empty()) throw InputError("", where, why);
    if (integer && d != std::floor(d)) throw InputError("", where, "must be a whole number, got " + formatNumber(d));
    if (d < minimum) {
        const std::string m = minimum == 0                 ? ">= 0"
                              : (integer && minimum == 1) ? "a positive whole number"
                              : minimum < 1e-200          ? "> 0"
                                                          : ">= " + formatNumber(minimum);
        throw InputError("", where, "must be " + m + ", got " + formatNumber(d));
    }
    if (integer && d > 2.0e9) throw InputError("", where, "is too large");
    return d;
}

std::string parseText(const QJsonValue& v, const std::string& where)
{
    if (!v.isString()) throw InputError("", where, "must be a string");
    return v.toString().toStdString();
}

DesignField integer(std::string key, std::string help, std::function<int&(Design&)> ref, int minimum = 1)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = Kind::Integer;
    f.help = std::move(help);
    f.parse = [minimum](const QJsonValue& v, const std::string& where) {
        return FieldValue{parseNumber(v, where, true, minimum), {}, {}};
    };
    f.apply = [ref](Design& d, const FieldValue& v) { ref(d) = static_cast<int>(v.number); };
    f.read = [ref](const Design& d) { return QJsonValue(ref(const_cast<Design&>(d))); };
    return f;
}

DesignField boolean(std::string key, std::string help, std::function<bool&(Design&)> ref)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = Kind::Boolean;
    f.help = std::move(help);
    f.parse = [](const QJsonValue& val, const std::string& where) {
        if (!val.isBool()) throw InputError("", where, "must be true or false");
        return FieldValue{val.toBool() ? 1.0 : 0.0, {}, {}};
    };
    f.apply = [ref](Design& d, const FieldValue& fv) { ref(d) = fv.number != 0; };
    f.read = [ref](const Design& d) { return QJsonValue(ref(const_cast<Design&>(d))); };
    return f;
}

// A real-valued field stored in SI units but written by users in `unit` (scale converts).
DesignField number(std::string key, std::string unit, std::string help, double scale,
                   std::function<double&(Design&)> ref, double minimum = 1e-300)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = Kind::Number;
    f.unit = std::move(unit);
    f.help = std::move(help);
    f.parse = [minimum](const QJsonValue& v, const std::string& where) {
        return FieldValue{parseNumber(v, where, false, minimum), {}, {}};
    };
    f.apply = [ref, scale](Design& d, const FieldValue& v) { ref(d) = v.number * scale; };
    f.read = [ref, scale](const Design& d) { return QJsonValue(ref(const_cast<Design&>(d)) / scale); };
    return f;
}

// The bundled preset with this id, shared rather than copied: the zoo lists never change
// (a design is parsed per evaluated point, and presets carry long provenance texts).
template <class T>
std::shared_ptr<const T> bundledPreset(const std::vector<T>& zoo, const std::string& id)
{
    for (const T& p : zoo)
        if (p.id == id) return std::shared_ptr<const T>(std::shared_ptr<const T>(), &p);
    return nullptr;
}

template <class T>
DesignField resolvedText(std::string key, std::string help, const std::vector<T>& (*zoo)(),
                         std::function<T(const std::string&)> resolve, std::function<void(Design&, const T&)> assign,
                         std::function<std::string(const Design&)> name)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = Kind::Text;
    f.help = std::move(help);
    f.parse = [zoo, resolve](const QJsonValue& v, const std::string& where) {
        FieldValue fv;
        fv.text = parseText(v, where);
        try {
            fv.resolved = bundledPreset(zoo(), fv.text);
            if (!fv.resolved) fv.resolved = std::make_shared<const T>(resolve(fv.text));
        } catch (const InputError& e) {
            if (!e.file().empty()) throw;
            throw InputError("", where, e.reason());
        }
        return fv;
    };
    f.apply = [assign](Design& d, const FieldValue& v) { assign(d, *static_cast<const T*>(v.resolved.get())); };
    f.read = [name](const Design& d) { return QJsonValue(QString::fromStdString(name(d))); };
    return f;
}

DesignField quant(std::string key, std::string help, std::function<QuantFormat&(Design&)> ref)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = Kind::Text;
    f.help = std::move(help);
    f.parse = [](const QJsonValue& v, const std::string& where) {
        FieldValue fv;
        fv.text = parseText(v, where);
        auto q = parseQuantFormat(fv.text, where);
        fv.number = q.groupSize;
        fv.resolved = std::make_shared<const QuantFormat>(q);
        return fv;
    };
    f.apply = [ref](Design& d, const FieldValue& v) { ref(d) = *static_cast<const QuantFormat*>(v.resolved.get()); };
    f.read = [ref](const Design& d) { return QJsonValue(QString::fromStdString(toString(ref(const_cast<Design&>(d))))); };
    return f;
}

// Template parameters exist only on accelerator-template hardware; setting one re-derives the peaks.
AcceleratorTemplate& requireTemplate(Design& d, const std::string& key)
{
    if (!d.hardware.accel)
        throw InputError("", key, "hardware '" + d.hardware.id +
                                      "' is not an accelerator template (choose one such as template-systolic)");
    return *d.hardware.accel;
}

template <class T>
DesignField templateField(std::string key, DesignField::Kind kind, std::string unit, std::string help, double scale,
                          std::function<T&(AcceleratorTemplate&)> ref, double minimum)
{
    DesignField f;
    f.key = key;
    f.kind = kind;
    f.unit = std::move(unit);
    f.help = std::move(help);
    const bool integral = kind == Kind::Integer;
    f.parse = [minimum, integral](const QJsonValue& v, const std::string& where) {
        return FieldValue{parseNumber(v, where, integral, minimum), {}, {}};
    };
    f.apply = [ref, scale, key](Design& d, const FieldValue& v) {
        ref(requireTemplate(d, key)) = static_cast<T>(v.number * scale);
        deriveFromTemplate(d.hardware);
    };
    f.read = [ref, scale](const Design& d) {
        return d.hardware.accel ? QJsonValue(double(ref(const_cast<AcceleratorTemplate&>(*d.hardware.accel))) / scale)
                                : QJsonValue();
    };
    return f;
}

// A hardware number that a template owns when the hardware is one (then it is set there and re-derived).
DesignField hardwareNumber(std::string key, std::string unit, std::string help, double scale,
                           std::function<double&(Design&)> specRef, std::function<void(AcceleratorTemplate&, double)> toTemplate,
                           double minimum)
{
    DesignField f = number(std::move(key), std::move(unit), std::move(help), scale, specRef, minimum);
    f.apply = [specRef, toTemplate, scale](Design& d, const FieldValue& v) {
        if (d.hardware.accel) {
            toTemplate(*d.hardware.accel, v.number * scale);
            deriveFromTemplate(d.hardware);
        } else {
            specRef(d) = v.number * scale;
        }
    };
    return f;
}

bool bundledModel(const ModelSpec& m)
{
    for (const auto& z : modelZoo())
        if (z.id == m.id && z.source == m.source) return true;
    return false;
}

std::vector<DesignField> makeFields()
{
    std::vector<DesignField> v;
    v.push_back(resolvedText<ModelSpec>(
        "model", "zoo id, config.json path or checkpoint folder", &modelZoo,
        [](const std::string& s) { return resolveModel(s); },
        [](Design& d, const ModelSpec& m) { if (d.model.id != m.id || d.model.source != m.source) d.model = m; },
        // A model read from a file is written back as its path so the design reloads
        // (a bundled one is known without asking the file system: this runs per evaluated design).
        [](const Design& d) { return !bundledModel(d.model) && fileExists(d.model.source) ? d.model.source : d.model.id; }));
    v.push_back(resolvedText<HardwareSpec>(
        "hardware", "zoo id or hardware JSON file", &hardwareZoo, [](const std::string& s) { return resolveHardware(s); },
        [](Design& d, const HardwareSpec& h) { d.hardware = h; }, [](const Design& d) { return d.hardware.id; }));
    {
        DesignField f = resolvedText<RuntimeProfile>(
            "runtime", "runtime profile id or JSON file", &runtimeZoo, [](const std::string& s) { return resolveRuntime(s); },
            [](Design& d, const RuntimeProfile& r) { d.runtime = r; }, [](const Design& d) { return d.runtime.id; });
        // A profile named by its zoo id takes the hardware's calibration of it, when there is one.
        f.apply = [](Design& d, const FieldValue& v) {
            const auto& r = *static_cast<const RuntimeProfile*>(v.resolved.get());
            d.runtime = pathExists(v.text) ? r : runtimeFor(r, d.hardware);
        };
        v.push_back(f);
    }
    v.push_back(integer("batch", "sequences per step", [](Design& d) -> int& { return d.workload.batch; }));
    v.push_back(integer("prompt", "prompt tokens per sequence", [](Design& d) -> int& { return d.workload.prompt; }));
    v.push_back(integer("output", "generated tokens per sequence", [](Design& d) -> int& { return d.workload.output; }));
    v.push_back(integer("context", "cached tokens for the reported decode step (0: mean over the output)",
                        [](Design& d) -> int& { return d.workload.context; }, 0));
    v.push_back(quant("weights", "weight format: fp32 fp16 bf16 fp8 int8 int4, optional :g<group>",
                      [](Design& d) -> QuantFormat& { return d.opts.weights; }));
    {
        DesignField f;
        f.key = "activations";
        f.kind = Kind::Text;
        f.help = "activation precision";
        f.parse = [](const QJsonValue& val, const std::string& where) {
            FieldValue fv;
            fv.text = parseText(val, where);
            fv.number = static_cast<double>(parsePrecision(fv.text, where));
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) { d.opts.activations = static_cast<Precision>(int(fv.number)); };
        f.read = [](const Design& d) { return QJsonValue(toString(d.opts.activations)); };
        v.push_back(f);
    }
    v.push_back(quant("kv", "KV-cache format", [](Design& d) -> QuantFormat& { return d.opts.kvCache; }));
    v.push_back(boolean("fused_attention", "FlashAttention-style fused attention",
                        [](Design& d) -> bool& { return d.opts.fusedAttention; }));
    v.push_back(boolean("quantized_lm_head", "output head and embeddings in the weight format (llama.cpp's pure quantisations)",
                        [](Design& d) -> bool& { return d.opts.quantizedHead; }));
    v.push_back(boolean("quantized_attention",
                        "attention projections in the weight format (off: 16-bit, as Meta's FP8 Llama 3.1 keeps them)",
                        [](Design& d) -> bool& { return d.opts.quantizedAttention; }));
    v.push_back(integer("tp", "tensor-parallel devices", [](Design& d) -> int& { return d.parallel.tensor; }));
    v.push_back(integer("pp", "pipeline-parallel stages", [](Design& d) -> int& { return d.parallel.pipeline; }));
    v.push_back(integer("ep", "expert-parallel devices", [](Design& d) -> int& { return d.parallel.expert; }));
    {
        DesignField f;
        f.key = "tp_layout";
        f.kind = Kind::Text;
        f.help = "tensor-parallel layout: 1d (Megatron), 2d (2D weight-stationary) or weight_gathered (Pope et al. 2022)";
        f.parse = [](const QJsonValue& val, const std::string& where) {
            FieldValue fv;
            fv.text = parseText(val, where);
            bool known = false;
            for (TensorLayout l : {TensorLayout::OneD, TensorLayout::TwoD, TensorLayout::WeightGathered})
                if (fv.text == toString(l)) fv.number = double(l), known = true;
            if (!known) throw InputError("", where, "must be 1d, 2d or weight_gathered, got '" + fv.text + "'");
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) { d.parallel.layout = static_cast<TensorLayout>(int(fv.number)); };
        f.read = [](const Design& d) { return QJsonValue(toString(d.parallel.layout)); };
        v.push_back(f);
    }
    v.push_back(number("link_bandwidth", "GB/s", "interconnect bandwidth per direction (0: the hardware's)", 1e9,
                       [](Design& d) -> double& { return d.parallel.linkBandwidthBytesPerS; }, 0));
    v.push_back(number("link_latency", "us", "interconnect latency per message", 1e-6,
                       [](Design& d) -> double& { return d.parallel.linkLatencyS; }, 0));

    // Hardware parameters.
    v.push_back(hardwareNumber(
        "hardware.memory_bandwidth", "GB/s", "main-memory bandwidth (templates: all channels)", 1e9,
        [](Design& d) -> double& { return d.hardware.memory.front().bandwidthBytesPerS; },
        [](AcceleratorTemplate& t, double v) { t.memory.channelBandwidthBytesPerS = v / t.memory.channels; }, 1e-300));
    v.push_back(hardwareNumber(
        "hardware.memory_capacity", "GB", "main-memory capacity", 1e9,
        [](Design& d) -> double& { return d.hardware.memory.front().capacityBytes; },
        [](AcceleratorTemplate& t, double v) { t.memory.capacityBytes = v; }, 1e-300));
    v.push_back(hardwareNumber(
        "hardware.memory_energy", "pJ/bit", "main-memory access energy", 1,
        [](Design& d) -> double& { return d.hardware.memory.front().energyPjPerBit; },
        [](AcceleratorTemplate& t, double v) { t.memory.energyPjPerBit = v; }, 0));
    for (int i = 0; i < kPrecisionCount; ++i) {
        auto p = static_cast<Precision>(i);
        v.push_back(number(std::string("hardware.peak_tflops.") + toString(p), "TFLOP/s",
                           std::string("dense matrix peak at ") + toString(p), 1e12,
                           [i](Design& d) -> double& { return d.hardware.peakFlops[i]; }, 0));
    }
    v.push_back(number("hardware.vector_tflops", "TFLOP/s", "vector-unit peak", 1e12,
                       [](Design& d) -> double& { return d.hardware.vectorFlops; }, 0));
    v.push_back(number("hardware.sram_mb", "MB", "on-chip SRAM", 1e6, [](Design& d) -> double& { return d.hardware.sramBytes; }, 0));
    v.push_back(number("hardware.tdp_w", "W", "thermal design power", 1, [](Design& d) -> double& { return d.hardware.tdpW; }));
    {
        DesignField f = integer("hardware.threads", "CPU threads the runtime runs (0: one per core)",
                                [](Design& d) -> int& { return d.hardware.threads; }, 0);
        f.apply = [](Design& d, const FieldValue& v) {
            if (d.hardware.cpuCores <= 0 && v.number > 0)
                throw InputError("", "hardware.threads", "hardware '" + d.hardware.id + "' has no CPU core count (cpu.cores)");
            d.hardware.threads = static_cast<int>(v.number);
        };
        v.push_back(f);
    }
    v.push_back(number("hardware.idle_w", "W", "idle power", 1, [](Design& d) -> double& { return d.hardware.idleW; }, 0));
    v.push_back(hardwareNumber(
        "hardware.process_nm", "nm", "logic process node", 1, [](Design& d) -> double& { return d.hardware.processNm; },
        [](AcceleratorTemplate& t, double v) { t.processNm = v; }, 1e-300));
    v.push_back(hardwareNumber(
        "hardware.clock_ghz", "GHz", "core clock", 1, [](Design& d) -> double& { return d.hardware.clockGhz; },
        [](AcceleratorTemplate& t, double v) { t.clockGhz = v; }, 1e-300));

    // Accelerator-template parameters (template-* hardware only).
    using T = AcceleratorTemplate;
    v.push_back(templateField<int>("hardware.cores", Kind::Integer, "", "cores, each with a matrix engine", 1,
                                   [](T& t) -> int& { return t.cores; }, 1));
    v.push_back(templateField<int>("hardware.array_rows", Kind::Integer, "", "systolic array rows per core", 1,
                                   [](T& t) -> int& { return t.arrayRows; }, 1));
    v.push_back(templateField<int>("hardware.array_cols", Kind::Integer, "", "systolic array columns per core", 1,
                                   [](T& t) -> int& { return t.arrayCols; }, 1));
    v.push_back(templateField<int>("hardware.vector_lanes", Kind::Integer, "", "vector lanes per core", 1,
                                   [](T& t) -> int& { return t.vectorLanes; }, 1));
    v.push_back(templateField<double>("hardware.local_sram_kib", Kind::Number, "KiB", "local SRAM per core", 1024,
                                      [](T& t) -> double& { return t.localSramBytes; }, 4));
    v.push_back(templateField<double>("hardware.sram_mib", Kind::Number, "MiB", "shared global buffer", 1024.0 * 1024,
                                      [](T& t) -> double& { return t.globalBufferBytes; }, 0));
    v.push_back(templateField<double>("hardware.local_bytes_per_cycle", Kind::Number, "B/cycle",
                                      "local SRAM bandwidth per core", 1, [](T& t) -> double& { return t.localBytesPerCycle; },
                                      1e-300));
    v.push_back(templateField<double>("hardware.global_bytes_per_cycle", Kind::Number, "B/cycle",
                                      "global buffer bandwidth", 1, [](T& t) -> double& { return t.globalBytesPerCycle; },
                                      1e-300));
    {
        DesignField f = templateField<double>("hardware.array_efficiency", Kind::Number, "",
                                              "share of cycles the matrix arrays issue in a tuned GEMM kernel", 1,
                                              [](T& t) -> double& { return t.arrayEfficiency; }, 1e-300);
        const auto parse = f.parse;
        f.parse = [parse](const QJsonValue& val, const std::string& where) {
            FieldValue fv = parse(val, where);
            if (fv.number > 1) throw InputError("", where, "must be in (0, 1], got " + std::to_string(fv.number));
            return fv;
        };
        v.push_back(f);
    }
    v.push_back(templateField<int>("hardware.memory_channels", Kind::Integer, "",
                                   "off-chip memory channels (stacks for HBM)", 1,
                                   [](T& t) -> int& { return t.memory.channels; }, 1));
    {
        DesignField f;
        f.key = "hardware.dataflow";
        f.kind = Kind::Text;
        f.help = "systolic dataflow: weight_stationary or output_stationary";
        f.parse = [](const QJsonValue& val, const std::string& where) {
            FieldValue fv;
            fv.text = parseText(val, where);
            fv.number = static_cast<double>(parseDataflow(fv.text, where));
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) {
            requireTemplate(d, "hardware.dataflow").dataflow = static_cast<Dataflow>(int(fv.number));
        };
        f.read = [](const Design& d) {
            return d.hardware.accel ? QJsonValue(toString(d.hardware.accel->dataflow)) : QJsonValue();
        };
        v.push_back(f);
    }

    v.push_back(number("hardware.interconnect_bandwidth", "GB/s", "device-to-device bandwidth per direction", 1e9,
                       [](Design& d) -> double& { return d.hardware.interconnect.bandwidthBytesPerS; }, 0));

    // Model shape.
    {
        DesignField f = integer("model.layers", "decoder layers", [](Design& d) -> int& { return d.model.layers; });
        f.apply = [](Design& d, const FieldValue& v) {
            // A model windowed in every layer stays so; a partly windowed one keeps at most its windowed layers.
            ModelSpec& m = d.model;
            const int layers = static_cast<int>(v.number);
            m.slidingWindowLayers = m.slidingWindowLayers > 0 && m.slidingWindowLayers >= m.layers ? layers : std::min(m.slidingWindowLayers, layers);
            m.layers = layers;
        };
        v.push_back(f);
    }
    v.push_back(integer("model.hidden", "hidden size", [](Design& d) -> int& { return d.model.hidden; }));
    v.push_back(integer("model.heads", "attention heads", [](Design& d) -> int& { return d.model.heads; }));
    v.push_back(integer("model.kv_heads", "key/value heads", [](Design& d) -> int& { return d.model.kvHeads; }));
    v.push_back(integer("model.head_dim", "head dimension", [](Design& d) -> int& { return d.model.headDim; }));
    v.push_back(integer("model.intermediate", "MLP width", [](Design& d) -> int& { return d.model.intermediate; }));
    v.push_back(integer("model.vocab", "vocabulary", [](Design& d) -> int& { return d.model.vocab; }));
    v.push_back(number("model.training_tokens", "tokens",
                       "pre-training tokens, used only by the proxy_loss objective (0: 20 per parameter, Chinchilla-optimal)",
                       1, [](Design& d) -> double& { return d.model.trainingTokens; }, 0));
    {
        DesignField f = integer("model.sliding_window", "sliding-window attention span in tokens (0: attend the whole context)",
                                [](Design& d) -> int& { return d.model.slidingWindow; }, 0);
        // Setting a window on a model without one windows every layer; 0 turns it off (vLLM's
        // --disable-sliding-window).
        f.apply = [](Design& d, const FieldValue& v) {
            d.model.slidingWindow = static_cast<int>(v.number);
            if (d.model.slidingWindow == 0) d.model.slidingWindowLayers = 0;
            else if (d.model.slidingWindowLayers == 0) d.model.slidingWindowLayers = d.model.layers;
        };
        v.push_back(f);
    }
    v.push_back(integer("model.experts", "routed experts per MoE layer (0: dense)", [](Design& d) -> int& { return d.model.experts; }, 0));
    v.push_back(integer("model.experts_per_token", "experts each token is routed to",
                        [](Design& d) -> int& { return d.model.expertsPerToken; }, 0));
    v.push_back(integer("model.expert_intermediate", "MLP width of one routed expert",
                        [](Design& d) -> int& { return d.model.expertIntermediate; }, 0));
    v.push_back(integer("model.shared_experts", "always-active experts", [](Design& d) -> int& { return d.model.sharedExperts; }, 0));
    v.push_back(integer("model.shared_expert_intermediate", "MLP width of the shared experts",
                        [](Design& d) -> int& { return d.model.sharedExpertIntermediate; }, 0));

    addOptimizationFields(v);

    // Runtime profile.
    v.push_back(number("runtime.kernel_overhead_us", "us", "fixed cost per kernel", 1e-6,
                       [](Design& d) -> double& { return d.runtime.kernelOverheadS; }, 0));
    v.push_back(number("runtime.host_dispatch_us", "us", "host time to issue one kernel (eager frameworks)", 1e-6,
                       [](Design& d) -> double& { return d.runtime.hostDispatchS; }, 0));
    v.push_back(number("runtime.step_overhead_us", "us", "host cost per forward pass", 1e-6,
                       [](Design& d) -> double& { return d.runtime.stepOverheadS; }, 0));
    v.push_back(number("runtime.step_overhead_per_sequence_us", "us", "host cost per sequence in a forward pass", 1e-6,
                       [](Design& d) -> double& { return d.runtime.stepOverheadPerSequenceS; }, 0));
    v.push_back(number("runtime.rank_skew_us", "us", "spread of each parallel rank's host time per forward pass", 1e-6,
                       [](Design& d) -> double& { return d.runtime.rankSkewS; }, 0));
    v.push_back(number("runtime.gemm_efficiency", "", "fraction of matrix peak", 1,
                       [](Design& d) -> double& { return d.runtime.gemmEfficiency; }));
    v.push_back(number("runtime.bandwidth_efficiency", "", "fraction of memory bandwidth", 1,
                       [](Design& d) -> double& { return d.runtime.bandwidthEfficiency; }));
    return v;
}

} // namespace

const std::vector<DesignField>& designFields()
{
    static const std::vector<DesignField> fields = makeFields();
    return fields;
}

const DesignField* findDesignField(const std::string& key)
{
    for (const auto& f : designFields())
        if (f.key == key) return &f;
    return nullptr;
}

const DesignField& requireDesignField(const std::string& key, const std::string& where)
{
    if (auto f = findDesignField(key)) return *f;
    throw InputError("", where, "unknown design parameter '" + key + "' (`llmdse evaluate --help` lists them)");
}

} // namespace llmdse
