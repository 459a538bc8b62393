#include "core/Json.h"
#include "core/Errors.h"
#include "core/InputFile.h"
#include "core/Units.h"

#include <QFile>
#include <QSaveFile>
#include <cmath>

namespace llmdse {

QJsonObject parseJsonObject(const QByteArray& data, const std::string& file)
{
    QJsonParseError err;
    auto doc = QJsonDocument::fromJson(data, &err);
    if (err.error != QJsonParseError::NoError)
        throw InputError(file, "", "invalid JSON at byte " + std::to_string(err.offset) + ": " +
                                       err.errorString().toStdString());
    if (!doc.isObject()) throw InputError(file, "", "expected a JSON object at the top level");
    return doc.object();
}

QJsonObject readJsonObjectFile(const std::string& path)
{
    return parseJsonObject(readInputFile(path, kMaxJsonFileBytes), path);
}

void writeJsonFile(const std::string& path, const QJsonObject& obj)
{
    // QSaveFile writes to a temporary and renames, so a crash never leaves half a file.
    QSaveFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::WriteOnly))
        throw InputError(path, "", "cannot write file: " + f.errorString().toStdString());
    f.write(QJsonDocument(obj).toJson(QJsonDocument::Indented));
    if (!f.commit()) throw InputError(path, "", "cannot write file: " + f.errorString().toStdString());
}

std::string JsonReader::field(const char* key) const
{
    return path_.empty() ? std::string(key) : path_ + "." + key;
}

void JsonReader::fail(const char* key, const std::string& reason) const
{
    throw InputError("", field(key), reason);
}

bool JsonReader::has(const char* key) const
{
    auto v = obj_.value(QLatin1String(key));
    return !v.isUndefined() && !v.isNull();
}

QJsonValue JsonReader::value(const char* key) const
{
    auto v = obj_.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) fail(key, "missing required field");
    return v;
}

double JsonReader::number(const char* key) const
{
    auto v = value(key);
    if (!v.isDouble()) fail(key, "must be a number");
    double d = v.toDouble();
    if (!std::isfinite(d)) fail(key, "must be a finite number");
    if (const std::string why = magnitudeProblem(d); !why.empty()) fail(key, why);
    return d;
}

double JsonReader::number(const char* key, double fallback) const
{
    return has(key) ? number(key) : fallback;
}

double JsonReader::positive(const char* key) const
{
    double d = number(key);
    if (!(d > 0)) fail(key, "must be > 0, got " + formatNumber(d));
    return d;
}

double JsonReader::positive(const char* key, double fallback) const
{
    return has(key) ? positive(key) : fallback;
}

double JsonReader::nonNegative(const char* key, double fallback) const
{
    if (!has(key)) return fallback;
    double d = number(key);
    if (d < 0) fail(key, "must be >= 0, got " + formatNumber(d));
    return d;
}

double JsonReader::fraction(const char* key, double fallback) const
{
    if (!has(key)) return fallback;
    double d = number(key);
    if (!(d > 0 && d <= 1)) fail(key, "must be in (0, 1], got " + formatNumber(d));
    return d;
}

int JsonReader::positiveInt(const char* key) const
{
    double d = number(key);
    if (d != std::floor(d)) fail(key, "must be a whole number");
    if (d <= 0) fail(key, "must be a positive whole number, got " + std::to_string(static_cast<long long>(d)));
    if (d > 2.0e9) fail(key, "is too large");
    return static_cast<int>(d);
}

int JsonReader::positiveInt(const char* key, int fallback) const
{
    return has(key) ? positiveInt(key) : fallback;
}

int JsonReader::nonNegativeInt(const char* key, int fallback) const
{
    if (!has(key)) return fallback;
    double d = number(key);
    if (d != std::floor(d) || d < 0 || d > 2.0e9) fail(key, "must be a whole number >= 0");
    return static_cast<int>(d);
}

std::string JsonReader::string(const char* key) const
{
    auto v = value(key);
    if (!v.isString()) fail(key, "must be a string");
    return v.toString().toStdString();
}

std::string JsonReader::string(const char* key, const std::string& fallback) const
{
    return has(key) ? string(key) : fallback;
}

bool JsonReader::boolean(const char* key, bool fallback) const
{
    if (!has(key)) return fallback;
    auto v = obj_.value(QLatin1String(key));
    if (!v.isBool()) fail(key, "must be true or false");
    return v.toBool();
}

JsonReader JsonReader::object(const char* key) const
{
    auto v = value(key);
    if (!v.isObject()) fail(key, "must be an object");
    return JsonReader(v.toObject(), field(key));
}

std::optional<JsonReader> JsonReader::optionalObject(const char* key) const
{
    if (!has(key)) return std::nullopt;
    return object(key);
}

QJsonArray JsonReader::array(const char* key) const
{
    auto v = value(key);
    if (!v.isArray()) fail(key, "must be an array");
    return v.toArray();
}

} // namespace llmdse
