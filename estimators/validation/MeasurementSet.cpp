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

namespace {

constexpr OperatorKind kOperatorKinds[] = {OperatorKind::Matmul, OperatorKind::Softmax, OperatorKind::LayerNorm,
                                           OperatorKind::RmsNorm, OperatorKind::Gelu};

// Largest extent of one dimension: microbenchmarks stay far below it, and products of three stay finite.
constexpr double kMaxExtent = 1 << 24;

double extent(const JsonReader& row, const char* key, double fallback)
{
    const double v = row.has(key) ? double(row.positiveInt(key)) : fallback;
    if (v > kMaxExtent) row.fail(key, "is too large (at most 16,777,216)");
    return v;
}

OperatorMeasurement parseOperator(const JsonReader& row)
{
    OperatorMeasurement o;
    o.device = row.string("device");
    resolveHardware(o.device, row.field("device"));
    const std::string kind = row.string("op");
    bool known = false;
    for (OperatorKind k : kOperatorKinds)
        if (kind == toString(k)) o.kind = k, known = true;
    if (!known) row.fail("op", "unknown operator '" + kind + "' (matmul, softmax, layernorm, rmsnorm or gelu)");
    o.m = extent(row, "m", 0);
    o.n = extent(row, "n", 0);
    if (o.kind == OperatorKind::Matmul) o.k = extent(row, "k", 0);
    else if (row.has("k")) row.fail("k", "belongs to matmul rows only (vector operators have m rows of n)");
    o.batch = extent(row, "batch", 1);
    o.precision = parsePrecision(row.string("precision", "fp16"), row.field("precision"));
    o.latencyS = row.positive("latency_ms") * 1e-3;
    o.source = row.string("source", "");
    o.design = designOverrides(row, {"model", "hardware", "batch", "prompt", "output", "context"});
    return o;
}

} // namespace

QJsonObject designOverrides(const JsonReader& row, std::initializer_list<const char*> own)
{
    auto d = row.optionalObject("design");
    if (!d) return {};
    for (const char* root : own)
        if (d->raw().contains(root)) d->fail(root, "is the row's own field, not a design override");
    for (auto it = d->raw().begin(); it != d->raw().end(); ++it)
        requireDesignField(it.key().toStdString(), d->field(it.key().toUtf8().constData()));
    return d->raw();
}

void applyDesignOverrides(Design& d, const QJsonObject& overrides)
{
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        const std::string key = it.key().toStdString();
        const DesignField& f = requireDesignField(key, "design." + key);
        f.apply(d, f.parse(it.value(), "design." + key));
    }
}

const char* toString(OperatorKind k)
{
    switch (k) {
    case OperatorKind::Matmul: return "matmul";
    case OperatorKind::Softmax: return "softmax";
    case OperatorKind::LayerNorm: return "layernorm";
    case OperatorKind::RmsNorm: return "rmsnorm";
    case OperatorKind::Gelu: return "gelu";
    }
    return "matmul";
}

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
        if (!r.has("runs") && !r.has("ops")) r.fail("runs", "needs whole-model 'runs' or per-operator 'ops' rows");
        const QJsonArray runs = r.has("runs") ? r.array("runs") : QJsonArray();
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
            m.design = designOverrides(row, {"model", "hardware", "runtime", "batch", "prompt", "output", "context"});
            set.rows.push_back(m);
        }
        const QJsonArray ops = r.has("ops") ? r.array("ops") : QJsonArray();
        for (int i = 0; i < ops.size(); ++i) {
            const std::string where = "ops[" + std::to_string(i) + "]";
            if (!ops[i].isObject()) throw InputError("", where, "must be an object");
            set.ops.push_back(parseOperator(JsonReader(ops[i].toObject(), where)));
        }
    } catch (const InputError& e) {
        rethrowWithFile(e, path);
    }
    if (set.rows.empty() && set.ops.empty()) throw InputError(path, "runs", "no measurement rows");
    return set;
}

} // namespace llmdse
