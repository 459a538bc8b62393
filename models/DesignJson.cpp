#include "models/DesignJson.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/RuntimeZoo.h"
#include "models/DesignFields.h"
#include "models/OptimizationFields.h"

namespace llmdse {

Design designFromJson(const QJsonObject& obj, const std::string& file, const std::string& path)
{
    auto where = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
    try {
        Design d;
        for (const char* key : {"model", "hardware"}) {
            if (!obj.contains(QLatin1String(key))) throw InputError("", where(key), "missing required field");
            const auto& f = requireDesignField(key, where(key));
            f.apply(d, f.parse(obj.value(QLatin1String(key)), where(key)));
        }
        const std::string runtime = obj.contains("runtime") ? obj.value("runtime").toString().toStdString()
                                                            : defaultRuntimeId(d.hardware.cls);
        if (obj.contains("runtime")) {
            const auto& f = requireDesignField("runtime", where("runtime"));
            f.apply(d, f.parse(obj.value("runtime"), where("runtime")));
        } else {
            d.runtime = runtimeFor(resolveRuntime(runtime, where("runtime")), d.hardware);
        }
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            std::string key = it.key().toStdString();
            if (key == "model" || key == "hardware" || key == "runtime" || key.rfind("_", 0) == 0) continue;
            const auto& f = requireDesignField(key, where(key));
            f.apply(d, f.parse(it.value(), where(key)));
        }
        d.validate();
        return d;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

Design readDesignFile(const std::string& file) { return designFromJson(readJsonObjectFile(file), file); }

QJsonObject toJson(const Design& d)
{
    QJsonObject o;
    for (const char* key : {"model", "hardware", "runtime", "batch", "prompt", "output", "context", "weights",
                            "activations", "kv", "fused_attention", "tp", "pp", "ep"})
        o[key] = findDesignField(key)->read(d);
    if (d.parallel.layout != TensorLayout::OneD) o["tp_layout"] = findDesignField("tp_layout")->read(d);
    static const Design defaults;
    for (const std::string& key : optimizationKeys()) { // only what is switched on
        const DesignField* f = findDesignField(key);
        const QJsonValue v = f->read(d);
        if (!v.isNull() && v != f->read(defaults)) o[QString::fromStdString(key)] = v;
    }
    if (d.hardware.accel) // a swept template point reloads as itself
        for (const char* key : {"hardware.cores", "hardware.array_rows", "hardware.array_cols", "hardware.dataflow",
                                "hardware.vector_lanes", "hardware.local_sram_kib", "hardware.sram_mib",
                                "hardware.local_bytes_per_cycle", "hardware.global_bytes_per_cycle",
                                "hardware.memory_channels", "hardware.memory_bandwidth", "hardware.memory_capacity",
                                "hardware.process_nm", "hardware.clock_ghz"})
            o[key] = findDesignField(key)->read(d);
    // Whatever differs from the presets the ids name (edited in the workbench, or a study's base) is written too,
    // so the file reloads as this design and not as the bare preset.
    Design preset;
    try {
        for (const char* key : {"model", "hardware", "runtime"}) {
            const auto* f = findDesignField(key);
            f->apply(preset, f->parse(o.value(QLatin1String(key)), key));
        }
    } catch (const InputError&) {
        return o; // a preset that no longer resolves: the ids are all that can be written
    }
    for (const DesignField& f : designFields()) {
        const QString key = QString::fromStdString(f.key);
        if (o.contains(key) || !(f.key.rfind("model.", 0) == 0 || f.key.rfind("hardware.", 0) == 0 ||
                                 f.key.rfind("runtime.", 0) == 0))
            continue;
        const QJsonValue v = f.read(d);
        if (!v.isNull() && v != f.read(preset)) o[key] = v;
    }
    return o;
}

} // namespace llmdse
