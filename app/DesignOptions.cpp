#include "app/DesignOptions.h"

#include <QJsonArray>
#include "core/Errors.h"
#include "core/Json.h"
#include "models/DesignFields.h"
#include "models/DesignJson.h"

namespace llmdse {

namespace {

// Top-level fields that get an option of their own (dotted ones go through --set).
bool hasOption(const std::string& key, bool withWorkload)
{
    if (key.find('.') != std::string::npos) return false;
    return withWorkload || (key != "batch" && key != "prompt" && key != "output" && key != "context");
}

} // namespace

void addDesignOptions(QCommandLineParser& parser, bool withWorkload)
{
    parser.addOption({"design", "Design file (JSON with the same keys as these options); options override it.", "file"});
    for (const auto& f : designFields()) {
        if (!hasOption(f.key, withWorkload)) continue;
        std::string desc = f.help + (f.unit.empty() ? "" : " [" + f.unit + "]");
        parser.addOption({QString::fromStdString(f.key), QString::fromStdString(desc), "value"});
    }
    parser.addOption({"set", "Set any parameter by dotted path, e.g. hardware.memory_bandwidth=4000 (repeatable).", "key=value"});
}

QJsonValue parseOptionValue(const std::string& key, const QString& text)
{
    const auto& f = requireDesignField(key, key);
    using Kind = DesignField::Kind;
    if (f.kind == Kind::Text) return text;
    if (f.kind == Kind::Boolean) {
        if (text == "true" || text == "1" || text == "on") return true;
        if (text == "false" || text == "0" || text == "off") return false;
        throw InputError("", key, "must be true or false, got '" + text.toStdString() + "'");
    }
    if (text.contains(',')) { // a list, e.g. spec.acceptance=0.6,0.4,0.3 (one rate per position)
        QJsonArray a;
        for (const QString& part : text.split(',')) {
            bool ok = false;
            const double v = part.trimmed().toDouble(&ok);
            if (!ok) throw InputError("", key, "must be numbers, got '" + text.toStdString() + "'");
            a.append(v);
        }
        return a;
    }
    bool ok = false;
    double v = text.toDouble(&ok);
    if (!ok) throw InputError("", key, "must be a number, got '" + text.toStdString() + "'");
    return v;
}

QJsonObject designOptionsToJson(const QCommandLineParser& parser, bool withWorkload)
{
    QJsonObject o;
    for (const auto& f : designFields()) {
        if (!hasOption(f.key, withWorkload)) continue;
        QString name = QString::fromStdString(f.key);
        if (parser.isSet(name)) o[name] = parseOptionValue(f.key, parser.value(name));
    }
    for (const QString& kv : parser.values("set")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw InputError("", "--set", "expected key=value, got '" + kv.toStdString() + "'");
        std::string key = kv.left(eq).toStdString();
        o[kv.left(eq)] = parseOptionValue(key, kv.mid(eq + 1));
    }
    return o;
}

Design designFromOptions(const QCommandLineParser& parser, bool withWorkload)
{
    QJsonObject obj;
    std::string file;
    if (parser.isSet("design")) {
        file = parser.value("design").toStdString();
        obj = readJsonObjectFile(file);
    }
    const QJsonObject opts = designOptionsToJson(parser, withWorkload);
    for (auto it = opts.begin(); it != opts.end(); ++it) obj[it.key()] = it.value();
    if (!obj.contains("model")) throw InputError(file, "--model", "missing: give a zoo id or a config.json path");
    if (!obj.contains("hardware")) throw InputError(file, "--hardware", "missing: give a zoo id or a hardware JSON file");
    return designFromJson(obj, file);
}

} // namespace llmdse
