#include "models/DesignJson.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/HardwareZoo.h"
#include "core/RuntimeZoo.h"
#include "models/ModelZoo.h"
#include "models/DesignFields.h"
#include "models/OptimizationFields.h"

#include <algorithm>

namespace llmdse {

Design designFromValues(DesignValues values, const std::string& file, const std::string& path)
{
    auto where = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
    // Applied in key order, as a JSON object iterates (a template parameter re-derives the hardware in turn).
    std::sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto find = [&](const char* key) -> const QJsonValue* {
        for (const auto& [k, v] : values)
            if (k == key) return &v;
        return nullptr;
    };
    try {
        Design d;
        for (const char* key : {"model", "hardware"}) {
            const QJsonValue* v = find(key);
            if (!v) throw InputError("", where(key), "missing required field");
            const auto& f = requireDesignField(key, where(key));
            f.apply(d, f.parse(*v, where(key)));
        }
        if (const QJsonValue* v = find("runtime")) {
            const auto& f = requireDesignField("runtime", where("runtime"));
            f.apply(d, f.parse(*v, where("runtime")));
        } else {
            d.runtime = runtimeFor(resolveRuntime(defaultRuntimeId(d.hardware.cls), where("runtime")), d.hardware);
        }
        for (const auto& [key, v] : values) {
            if (key == "model" || key == "hardware" || key == "runtime" || key.rfind("_", 0) == 0) continue;
            const auto& f = requireDesignField(key, where(key));
            f.apply(d, f.parse(v, where(key)));
        }
        d.validate();
        return d;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

Design designFromJson(const QJsonObject& obj, const std::string& file, const std::string& path)
{
    DesignValues values;
    values.reserve(static_cast<size_t>(obj.size()));
    for (auto it = obj.begin(); it != obj.end(); ++it) values.emplace_back(it.key().toStdString(), it.value());
    return designFromValues(std::move(values), file, path);
}

Design readDesignFile(const std::string& file) { return designFromJson(readJsonObjectFile(file), file); }

namespace {

constexpr const char* kMainKeys[] = {"model", "hardware", "runtime", "batch", "prompt", "output", "context", "weights",
                                     "activations", "kv", "fused_attention", "tp", "pp", "ep"};
constexpr const char* kTemplateKeys[] = {"hardware.cores", "hardware.array_rows", "hardware.array_cols",
                                         "hardware.dataflow", "hardware.vector_lanes", "hardware.local_sram_kib",
                                         "hardware.sram_mib", "hardware.local_bytes_per_cycle",
                                         "hardware.global_bytes_per_cycle", "hardware.memory_channels",
                                         "hardware.memory_bandwidth", "hardware.memory_capacity",
                                         "hardware.process_nm", "hardware.clock_ghz"};

// The fields a record writes, looked up once (the record is written once per evaluated design).
struct RecordFields {
    std::vector<const DesignField*> main, optimizations, templates;
    std::vector<QJsonValue> optimizationDefaults;
    std::vector<const DesignField*> presetParts; // model.*, hardware.*, runtime.*: written where they differ
    std::vector<bool> presetPartIsTemplate;

    RecordFields()
    {
        for (const char* k : kMainKeys) main.push_back(findDesignField(k));
        const Design defaults;
        for (const std::string& k : optimizationKeys()) {
            optimizations.push_back(findDesignField(k));
            optimizationDefaults.push_back(optimizations.back()->read(defaults));
        }
        for (const char* k : kTemplateKeys) templates.push_back(findDesignField(k));
        for (const DesignField& f : designFields()) {
            if (!(f.key.rfind("model.", 0) == 0 || f.key.rfind("hardware.", 0) == 0 || f.key.rfind("runtime.", 0) == 0))
                continue;
            presetParts.push_back(&f);
            presetPartIsTemplate.push_back(std::find(templates.begin(), templates.end(), &f) != templates.end());
        }
    }
};

const RecordFields& recordFields()
{
    static const RecordFields fields;
    return fields;
}

// QJsonValue's == for the common case of two numbers, without going through QCborValue.
bool same(const QJsonValue& a, const QJsonValue& b)
{
    if (a.isDouble() && b.isDouble()) return a.toDouble() == b.toDouble();
    return a == b;
}

template <class List>
bool bundled(const List& zoo, const QJsonValue& id)
{
    const std::string s = id.toString().toStdString();
    for (const auto& p : zoo)
        if (p.id == s) return true;
    return false;
}

// The presets' values of the preset parts, for the ids a design names, or nothing when they no
// longer resolve. Bundled presets never change, so the values of the last few are kept per thread;
// presets read from files are read again each time (the file may have changed).
const std::vector<QJsonValue>* presetValues(const QJsonValue& model, const QJsonValue& hardware, const QJsonValue& runtime)
{
    struct Cached {
        QJsonValue model, hardware, runtime;
        std::vector<QJsonValue> values;
        bool reusable = false;
    };
    constexpr size_t kKept = 8;
    thread_local std::vector<Cached> kept(kKept);
    thread_local size_t next = 0;
    for (const Cached& c : kept)
        if (c.reusable && c.model == model && c.hardware == hardware && c.runtime == runtime) return &c.values;
    Design preset;
    try {
        const QJsonValue ids[] = {model, hardware, runtime};
        for (int i = 0; i < 3; ++i) {
            const auto* f = recordFields().main[i];
            f->apply(preset, f->parse(ids[i], f->key));
        }
    } catch (const InputError&) {
        return nullptr;
    }
    Cached& c = kept[next];
    next = (next + 1) % kKept;
    c.model = model;
    c.hardware = hardware;
    c.runtime = runtime;
    c.values.clear();
    for (const DesignField* f : recordFields().presetParts) c.values.push_back(f->read(preset));
    c.reusable = bundled(modelZoo(), model) && bundled(hardwareZoo(), hardware) && bundled(runtimeZoo(), runtime);
    return &c.values;
}

} // namespace

void writeDesign(RecordWriter& w, const Design& d)
{
    const RecordFields& fields = recordFields();
    QJsonValue ids[3];
    for (size_t i = 0; i < fields.main.size(); ++i) {
        const QJsonValue v = fields.main[i]->read(d);
        if (i < 3) ids[i] = v;
        w.value(fields.main[i]->key, v);
    }
    if (d.parallel.layout != TensorLayout::OneD) w.value("tp_layout", QJsonValue(toString(d.parallel.layout)));
    for (size_t i = 0; i < fields.optimizations.size(); ++i) { // only what is switched on
        const QJsonValue v = fields.optimizations[i]->read(d);
        if (!v.isNull() && !same(v, fields.optimizationDefaults[i])) w.value(fields.optimizations[i]->key, v);
    }
    if (d.hardware.accel) // a swept template point reloads as itself
        for (const DesignField* f : fields.templates) w.value(f->key, f->read(d));
    // Whatever differs from the presets the ids name (edited in the workbench, or a study's base) is written too,
    // so the file reloads as this design and not as the bare preset. A preset that no longer resolves: the ids
    // are all that can be written.
    const std::vector<QJsonValue>* preset = presetValues(ids[0], ids[1], ids[2]);
    if (!preset) return;
    for (size_t i = 0; i < fields.presetParts.size(); ++i) {
        if (d.hardware.accel && fields.presetPartIsTemplate[i]) continue; // written above
        const QJsonValue v = fields.presetParts[i]->read(d);
        if (!v.isNull() && !same(v, (*preset)[i])) w.value(fields.presetParts[i]->key, v);
    }
}

QJsonObject toJson(const Design& d)
{
    JsonObjectWriter w;
    writeDesign(w, d);
    return w.object();
}

} // namespace llmdse
