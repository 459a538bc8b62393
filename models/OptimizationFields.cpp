#include "models/OptimizationFields.h"
#include "core/Errors.h"
#include "core/HardwareZoo.h"
#include "core/ResourceFiles.h"
#include "models/ModelZoo.h"

#include <QJsonArray>
#include <cmath>

namespace llmdse {

namespace {

using Kind = DesignField::Kind;

std::string text(const QJsonValue& v, const std::string& where)
{
    if (!v.isString()) throw InputError("", where, "must be a string");
    return v.toString().toStdString();
}

double number(const QJsonValue& v, const std::string& where, bool integral, double lo, double hi)
{
    if (!v.isDouble()) throw InputError("", where, "must be a number");
    const double x = v.toDouble();
    if (integral && x != std::floor(x)) throw InputError("", where, "must be a whole number");
    if (!(x >= lo && x <= hi))
        throw InputError("", where, "must be between " + QString::number(lo).toStdString() + " and " +
                                        QString::number(hi).toStdString() + ", got " + QString::number(x).toStdString());
    return x;
}

DesignField make(std::string key, Kind kind, std::string unit, std::string help)
{
    DesignField f;
    f.key = std::move(key);
    f.kind = kind;
    f.unit = std::move(unit);
    f.help = std::move(help);
    return f;
}

DesignField count(std::string key, std::string help, double lo, double hi, int& (*ref)(Design&))
{
    DesignField f = make(std::move(key), Kind::Integer, "", std::move(help));
    f.parse = [lo, hi](const QJsonValue& v, const std::string& where) { return FieldValue{number(v, where, true, lo, hi), {}, {}}; };
    f.apply = [ref](Design& d, const FieldValue& v) { ref(d) = int(v.number); };
    f.read = [ref](const Design& d) { return QJsonValue(ref(const_cast<Design&>(d))); };
    return f;
}

DesignField flag(std::string key, std::string help, bool& (*ref)(Design&))
{
    DesignField f = make(std::move(key), Kind::Boolean, "", std::move(help));
    f.parse = [](const QJsonValue& v, const std::string& where) {
        if (!v.isBool()) throw InputError("", where, "must be true or false");
        return FieldValue{v.toBool() ? 1.0 : 0.0, {}, {}};
    };
    f.apply = [ref](Design& d, const FieldValue& v) { ref(d) = v.number != 0; };
    f.read = [ref](const Design& d) { return QJsonValue(ref(const_cast<Design&>(d))); };
    return f;
}

} // namespace

void addOptimizationFields(std::vector<DesignField>& v)
{
    // Inference-time compute.
    v.push_back(count("reasoning", "hidden reasoning tokens generated before the answer", 0, 1 << 22,
                      [](Design& d) -> int& { return d.workload.reasoning; }));
    v.push_back(count("images", "images per sequence (needs an encoder)", 0, 4096,
                      [](Design& d) -> int& { return d.workload.images; }));
    {
        DesignField f = make("encoder", Kind::Text, "", "image encoder: clip-vit-l-336 or siglip-so400m-384");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            fv.text = text(v, where);
            if (fv.text != "none") fv.resolved = std::make_shared<const VisionEncoderSpec>(resolveVisionEncoder(fv.text, where));
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) {
            d.encoder = std::static_pointer_cast<const VisionEncoderSpec>(fv.resolved);
        };
        f.read = [](const Design& d) { return d.encoder ? QJsonValue(QString::fromStdString(d.encoder->id)) : QJsonValue(); };
        v.push_back(f);
    }

    // Sparsity and pruning.
    {
        DesignField f = make("sparsity", Kind::Text, "", "weight sparsity: dense, 2:4 or unstructured:<density kept>");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            fv.text = text(v, where);
            const WeightSparsity s = parseSparsity(fv.text, where);
            fv.number = s.density;
            fv.resolved = std::make_shared<const WeightSparsity>(s);
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) { d.opts.sparsity = *static_cast<const WeightSparsity*>(fv.resolved.get()); };
        f.read = [](const Design& d) { return QJsonValue(QString::fromStdString(toString(d.opts.sparsity))); };
        v.push_back(f);
    }
    {
        DesignField f = make("head_pruning", Kind::Number, "", "fraction of attention heads pruned (evenly per KV group)");
        f.parse = [](const QJsonValue& v, const std::string& where) { return FieldValue{number(v, where, false, 0, 0.99), {}, {}}; };
        f.apply = [](Design& d, const FieldValue& fv) { d.opts.headPruning = fv.number; };
        f.read = [](const Design& d) { return QJsonValue(d.opts.headPruning); };
        v.push_back(f);
    }

    // KV-cache compression.
    v.push_back(count("kv_budget", "SnapKV: cached positions kept per sequence after prefill (0: all)", 0, 1 << 24,
                      [](Design& d) -> int& { return d.opts.kvCompression.budget; }));
    v.push_back(count("kv_window", "SnapKV: observation window (last prompt positions, always kept)", 1, 1 << 20,
                      [](Design& d) -> int& { return d.opts.kvCompression.window; }));

    // Speculative decoding.
    {
        DesignField f = make("spec", Kind::Text, "", "speculative decoding: none, draft, medusa or prompt");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            fv.text = text(v, where);
            fv.number = double(int(parseSpecKind(fv.text, where)));
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) { d.opts.spec.kind = static_cast<SpecKind>(int(fv.number)); };
        f.read = [](const Design& d) { return QJsonValue(toString(d.opts.spec.kind)); };
        v.push_back(f);
    }
    v.push_back(count("spec.draft_len", "tokens proposed per verification step (Medusa: heads)", 1, kMaxDraftLength,
                      [](Design& d) -> int& { return d.opts.spec.draftLength; }));
    {
        DesignField f = make("spec.acceptance", Kind::Number, "",
                             "acceptance per position given the earlier ones: a number, or a list per position");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            if (v.isArray()) {
                const QJsonArray a = v.toArray();
                if (a.isEmpty() || a.size() > kMaxDraftLength)
                    throw InputError("", where, "needs 1 to " + std::to_string(kMaxDraftLength) + " rates");
                auto rates = std::make_shared<std::vector<double>>();
                for (int i = 0; i < a.size(); ++i)
                    rates->push_back(number(a[i], where + "[" + std::to_string(i) + "]", false, 0, 1));
                fv.number = rates->front();
                fv.resolved = rates;
                return fv;
            }
            fv.number = number(v, where, false, 0, 1);
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) {
            auto& s = d.opts.spec;
            s.perPositionCount = 0;
            if (auto rates = static_cast<const std::vector<double>*>(fv.resolved.get())) {
                for (size_t i = 0; i < rates->size(); ++i) s.perPosition[i] = (*rates)[i];
                s.perPositionCount = int(rates->size());
            } else {
                s.acceptance = fv.number;
            }
        };
        f.read = [](const Design& d) {
            const auto& s = d.opts.spec;
            if (s.perPositionCount == 0) return QJsonValue(s.acceptance);
            QJsonArray a;
            for (int i = 0; i < s.perPositionCount; ++i) a.append(s.perPosition[size_t(i)]);
            return QJsonValue(a);
        };
        v.push_back(f);
    }
    v.push_back(count("spec.tree_nodes", "Medusa: candidate-tree nodes verified per step with tree attention (0: one chain)",
                      0, kMaxTreeNodes, [](Design& d) -> int& { return d.opts.spec.treeNodes; }));
    {
        DesignField f = make("spec.draft_model", Kind::Text, "", "draft model: zoo id, config.json, or self:N (the target's first N layers)");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            fv.text = text(v, where);
            if (fv.text.rfind("self:", 0) == 0) {
                bool ok = false;
                fv.number = QString::fromStdString(fv.text.substr(5)).toInt(&ok);
                if (!ok || fv.number < 1) throw InputError("", where, "self:N needs a positive layer count, got '" + fv.text + "'");
                return fv;
            }
            try {
                fv.resolved = std::make_shared<const ModelSpec>(resolveModel(fv.text));
            } catch (const InputError& e) {
                if (!e.file().empty()) throw;
                throw InputError("", where, e.reason());
            }
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) {
            d.draftModel = std::static_pointer_cast<const ModelSpec>(fv.resolved);
            d.opts.spec.draftLayers = d.draftModel ? 0 : int(fv.number);
        };
        f.read = [](const Design& d) {
            if (d.opts.spec.draftLayers > 0) return QJsonValue(QString("self:%1").arg(d.opts.spec.draftLayers));
            if (!d.draftModel) return QJsonValue();
            return QJsonValue(QString::fromStdString(fileExists(d.draftModel->source) ? d.draftModel->source : d.draftModel->id));
        };
        v.push_back(f);
    }
    {
        DesignField f = make("spec.draft_hardware", Kind::Text, "", "device the draft runs on: a hardware id, or same");
        f.parse = [](const QJsonValue& v, const std::string& where) {
            FieldValue fv;
            fv.text = text(v, where);
            if (fv.text == "same") return fv;
            try {
                fv.resolved = std::make_shared<const HardwareSpec>(resolveHardware(fv.text));
            } catch (const InputError& e) {
                if (!e.file().empty()) throw;
                throw InputError("", where, e.reason());
            }
            return fv;
        };
        f.apply = [](Design& d, const FieldValue& fv) { d.draftHardware = std::static_pointer_cast<const HardwareSpec>(fv.resolved); };
        f.read = [](const Design& d) { return d.draftHardware ? QJsonValue(QString::fromStdString(d.draftHardware->id)) : QJsonValue(); };
        v.push_back(f);
    }

    v.push_back(flag("fp8_attention", "with 8-bit activations, attention in FP8 too (else 16-bit)",
                     [](Design& d) -> bool& { return d.opts.fp8Attention; }));

    // What the hardware's matrix units do with sparse weights.
    v.push_back(flag("hardware.sparse_2to4", "matrix units run 2:4 sparse weights at twice the dense rate",
                     [](Design& d) -> bool& { return d.hardware.sparse24; }));
    v.push_back(flag("hardware.sparse_unstructured", "matrix units skip zero weights of any pattern",
                     [](Design& d) -> bool& { return d.hardware.sparseUnstructured; }));
}

const std::vector<std::string>& optimizationKeys()
{
    static const std::vector<std::string> keys = {"quantized_lm_head", "reasoning", "images", "encoder", "sparsity", "head_pruning",
                                                  "kv_budget", "kv_window", "spec", "spec.draft_len",
                                                  "spec.acceptance", "spec.tree_nodes", "spec.draft_model",
                                                  "spec.draft_hardware", "fp8_attention", "quantized_attention"};
    return keys;
}

} // namespace llmdse
