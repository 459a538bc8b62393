#include "estimators/validation/MeasurementSet.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/Json.h"
#include "models/HfConfigImporter.h"
#include "models/DesignFields.h"
#include "models/ModelZoo.h"

namespace llmdse {

const ModelSpec& MeasurementSet::model(const std::string& name) const
{
    auto it = models.find(name);
    if (it == models.end()) throw InputError(file, "models", "no shape for model '" + name + "'");
    return it->second;
}

MeasurementSet loadMeasurements(const std::string& path) { return parseMeasurements(readJsonObjectFile(path), path); }

MeasurementSet parseMeasurements(const QJsonObject& obj, const std::string& path)
{
    MeasurementSet set;
    set.file = path;
    JsonReader r(obj);
    try {
        if (auto models = r.optionalObject("models")) {
            for (auto it = models->raw().begin(); it != models->raw().end(); ++it) {
                QJsonObject cfg = it.value().toObject();
                // The measurement script builds plain Llama-shaped decoders.
                if (!cfg.contains("model_type")) cfg["model_type"] = "llama";
                std::string name = it.key().toStdString();
                try {
                    set.models[name] = importHfConfig(cfg, path, name);
                } catch (const InputError& e) {
                    throw InputError(path, "models." + name + "." + e.field(), e.reason());
                }
            }
        }
        auto runs = r.array("runs");
        for (int i = 0; i < runs.size(); ++i) {
            std::string where = "runs[" + std::to_string(i) + "]";
            if (!runs[i].isObject()) throw InputError("", where, "must be an object");
            JsonReader row(runs[i].toObject(), where);
            Measurement m;
            m.device = row.string("device");
            resolveHardware(m.device, where + ".device"); // fail here, where the file and row are known
            m.model = row.string("model");
            std::string phase = row.string("phase");
            if (phase != "prefill" && phase != "decode") row.fail("phase", "must be 'prefill' or 'decode'");
            m.phase = phase == "prefill" ? Phase::Prefill : Phase::Decode;
            m.batch = row.positiveInt("batch");
            m.tokens = m.phase == Phase::Prefill ? row.positiveInt("prompt") : row.positiveInt("context");
            m.latencyS = row.positive("latency_ms") * 1e-3;
            m.energyJ = row.nonNegative("energy_j", 0.0);
            m.powerW = row.nonNegative("avg_power_w", 0.0);
            if (!set.models.count(m.model)) set.models[m.model] = resolveModel(m.model, where + ".model");
            if (auto d = row.optionalObject("design")) {
                m.design = d->raw();
                for (const char* root : {"model", "hardware", "runtime", "batch", "prompt", "output", "context"})
                    if (m.design.contains(root)) d->fail(root, "is the row's own field, not a design override");
                for (auto it = m.design.begin(); it != m.design.end(); ++it) requireDesignField(it.key().toStdString(), d->field(it.key().toUtf8().constData()));
            }
            set.rows.push_back(m);
        }
    } catch (const InputError& e) {
        rethrowWithFile(e, path);
    }
    if (set.rows.empty()) throw InputError(path, "runs", "no measurement rows");
    return set;
}

} // namespace llmdse
