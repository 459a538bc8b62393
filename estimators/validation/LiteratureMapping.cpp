#include "estimators/validation/LiteratureMapping.h"
#include "core/Errors.h"
#include "core/Json.h"

#include <QJsonArray>
#include <algorithm>
#include <cctype>

namespace llmdse {

namespace {

// Checks one rule list: every entry an object whose `required` keys are strings.
void requireRuleList(const QJsonObject& root, const char* key, const std::string& file,
                     std::initializer_list<const char*> oneOf)
{
    if (!root.value(key).isArray()) throw InputError(file, key, "must be an array");
    const QJsonArray list = root.value(key).toArray();
    for (int i = 0; i < list.size(); ++i) {
        const std::string where = std::string(key) + "[" + std::to_string(i) + "]";
        if (!list[i].isObject()) throw InputError(file, where, "must be an object");
        const QJsonObject o = list[i].toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            if (!it.value().isString() && it.key() != "row" && it.key() != "threads")
                throw InputError(file, where + "." + it.key().toStdString(), "must be a string");
        bool any = oneOf.size() == 0;
        for (const char* k : oneOf) any = any || o.contains(QLatin1String(k));
        if (!any) {
            std::string names;
            for (const char* k : oneOf) names += (names.empty() ? "" : ", ") + std::string(k);
            throw InputError(file, where, "needs one of: " + names);
        }
    }
}

std::string str(const QJsonObject& o, const char* key) { return o.value(key).toString().toStdString(); }

bool contains(const std::string& text, const std::string& part)
{
    return !part.empty() && text.find(part) != std::string::npos;
}

// The value of `key=` in the row's notes ("method=Quantization; year=2024; ...").
std::string noteField(const std::string& notes, const std::string& key)
{
    const std::string tag = key + "=";
    size_t at = notes.find(tag);
    if (at == std::string::npos) return "";
    at += tag.size();
    const size_t end = notes.find(';', at);
    return notes.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

const QJsonObject* firstMatch(const QJsonArray& list, const std::string& text, const std::string& cls,
                              std::vector<QJsonObject>& keep)
{
    for (const auto& v : list) {
        const QJsonObject o = v.toObject();
        if (o.contains("class") && str(o, "class") != cls) continue;
        if (!contains(text, str(o, "match"))) continue;
        keep.push_back(o);
        return &keep.back();
    }
    return nullptr;
}

void add(std::string& mapping, const std::string& part)
{
    if (!part.empty()) mapping += (mapping.empty() ? "" : "; ") + part;
}

} // namespace

LiteratureMappingRules loadLiteratureMapping(const std::string& path)
{
    LiteratureMappingRules r{path, readJsonObjectFile(path)};
    const QJsonObject& o = r.rules;
    JsonReader top(o);
    try {
        JsonReader def = top.object("defaults");
        def.string("model");
        def.positiveInt("batch");
        def.positiveInt("prompt");
        def.positiveInt("output");
        def.string("why");
        for (const auto& m : top.array("plain_methods"))
            if (!m.isString()) top.fail("plain_methods", "must list method names");
        top.object("methods");
    } catch (const InputError& e) {
        throw InputError(path, e.field(), e.reason());
    }
    requireRuleList(o, "devices", path, {"unmapped", "hardware"});
    requireRuleList(o, "precisions", path, {"unmapped", "weights"});
    requireRuleList(o, "runtimes", path, {"runtime"});
    requireRuleList(o, "rows", path, {"row"});
    const QJsonArray rows = o.value("rows").toArray();
    for (int i = 0; i < rows.size(); ++i) {
        const QJsonObject row = rows[i].toObject();
        const std::string where = "rows[" + std::to_string(i) + "]";
        if (!row.value("row").isDouble() || row.value("row").toDouble() < 1)
            throw InputError(path, where + ".row", "must be a data row number (1 or more)");
        if (row.contains("threads") && !(row.value("threads").isDouble() && row.value("threads").toDouble() >= 1))
            throw InputError(path, where + ".threads", "must be a thread count (1 or more)");
        const bool changesDesign = row.contains("model") || row.contains("weights") || row.contains("threads") ||
                                   row.contains("activations") || row.contains("kv");
        if (changesDesign && !row.contains("source"))
            throw InputError(path, where + ".source", "a row fact that changes the design needs its source");
    }
    for (const char* list : {"devices", "precisions"})
        for (const auto& v : o.value(list).toArray())
            if (str(v.toObject(), "match").empty())
                throw InputError(path, std::string(list) + ".match", "every rule needs a non-empty match text");
    return r;
}

const LiteratureMappingRules& bundledLiteratureMapping()
{
    static const LiteratureMappingRules rules = loadLiteratureMapping(":/literature/mapping.json");
    return rules;
}

std::string literatureClass(const LiteraturePoint& p)
{
    std::string c = p.platform.substr(0, p.platform.find('/'));
    std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
    return c;
}

std::vector<MappedLiteratureRow> mapLiterature(const std::vector<LiteraturePoint>& points,
                                               const LiteratureMappingRules& rules)
{
    const QJsonObject& R = rules.rules;
    const QJsonObject defaults = R.value("defaults").toObject();
    const QJsonObject methods = R.value("methods").toObject();
    std::vector<std::string> plain;
    for (const auto& m : R.value("plain_methods").toArray()) plain.push_back(m.toString().toStdString());
    const std::string guessTag = R.contains("device_guess") ? str(R, "device_guess") : "device guess from power: ";

    std::vector<MappedLiteratureRow> out;
    for (const LiteraturePoint& p : points) {
        MappedLiteratureRow m;
        m.point = &p;
        m.cls = literatureClass(p);
        m.method = noteField(p.notes, "method");
        if (std::find(plain.begin(), plain.end(), m.method) == plain.end())
            m.notPlain = methods.contains(QString::fromStdString(m.method))
                             ? str(methods, m.method.c_str())
                             : "method '" + m.method + "' is not plain decoding";

        QJsonObject fact;
        for (const auto& v : R.value("rows").toArray())
            if (v.toObject().value("row").toInt() == p.row) fact = v.toObject();
        std::vector<QJsonObject> keep;
        keep.reserve(4);

        // Device: the row's own, else the survey's guess from its power.
        std::string device = p.device;
        bool guessed = false;
        if (device.empty() || device.front() == '(') {
            const size_t at = p.notes.find(guessTag);
            if (at != std::string::npos) {
                device = p.notes.substr(at + guessTag.size());
                device = device.substr(0, device.find(';'));
                guessed = true;
            }
        }
        const QJsonObject* dev = device.empty() ? nullptr : firstMatch(R.value("devices").toArray(), device, m.cls, keep);
        const QJsonObject* prec = firstMatch(R.value("precisions").toArray(), p.precision, "", keep);

        if (fact.contains("unmapped")) m.unmapped = str(fact, "unmapped");
        else if (device.empty()) m.unmapped = "no device named (a design or prototype)";
        else if (!dev) m.unmapped = "no preset for device '" + device + "'";
        else if (dev->contains("unmapped")) m.unmapped = str(*dev, "unmapped");
        else if (!fact.contains("weights") && (!prec || prec->contains("unmapped")))
            m.unmapped = prec ? str(*prec, "unmapped") : "precision '" + p.precision + "' matches no rule";

        std::string runtime;
        for (const auto& v : R.value("runtimes").toArray()) {
            const QJsonObject o = v.toObject();
            if ((o.contains("work") && str(o, "work") == p.work) ||
                (!o.contains("work") && o.contains("class") && str(o, "class") == m.cls)) {
                runtime = str(o, "runtime");
                add(m.mapping, o.contains("note") ? str(o, "note") : "");
                break;
            }
        }
        if (m.unmapped.empty() && runtime.empty()) m.unmapped = "no runtime rule for work '" + p.work + "'";

        if (dev && dev->contains("hardware")) {
            const std::string model = fact.contains("model") ? str(fact, "model") : str(defaults, "model");
            QJsonObject d{{"model", QString::fromStdString(model)},
                          {"hardware", dev->value("hardware")},
                          {"batch", defaults.value("batch")},
                          {"prompt", defaults.value("prompt")},
                          {"output", defaults.value("output")}};
            if (!runtime.empty()) d["runtime"] = QString::fromStdString(runtime);
            for (const char* key : {"weights", "activations", "kv"}) {
                if (fact.contains(key)) d[key] = fact.value(key);
                else if (prec && prec->contains(key)) d[key] = prec->value(key);
            }
            if (fact.contains("threads")) d["hardware.threads"] = fact.value("threads");
            if (m.unmapped.empty()) {
                m.design = d;
            } else if (prec && prec->contains("reach_check")) {
                d["weights"] = prec->value("reach_check");
                m.reachCheck = d;
            }
            std::string head = str(*dev, "hardware") + (guessed ? " (survey's guess: " + device + ")" : "") + ", " +
                               model + ", weights " +
                               (d.contains("weights") ? d.value("weights").toString().toStdString() : "?") + ", " +
                               (runtime.empty() ? "no runtime" : runtime);
            if (fact.contains("threads")) head += ", " + std::to_string(fact.value("threads").toInt()) + " threads";
            m.mapping = head + (m.mapping.empty() ? "" : "; " + m.mapping);
            add(m.mapping, dev->contains("note") ? str(*dev, "note") : "");
            if (dev->contains("power_assumed")) m.powerAssumed = str(*dev, "power_assumed");
        }
        add(m.mapping, fact.contains("source") ? str(fact, "source") : "");
        if (fact.contains("power_assumed")) m.powerAssumed = str(fact, "power_assumed");
        if (guessed && m.powerAssumed.empty()) m.powerAssumed = "the survey guessed the device from this power";
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace llmdse
