#pragma once
// Small helpers over QJson that report problems by field path, so a bad
// config says "hardware.memory[0].bandwidth_gb_s: must be > 0" and never crashes.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <optional>
#include <string>

namespace llmdse {

// Parses a whole file; throws InputError(file, "", reason) on I/O or syntax errors.
QJsonObject readJsonObjectFile(const std::string& path);
QJsonObject parseJsonObject(const QByteArray& data, const std::string& file);
void writeJsonFile(const std::string& path, const QJsonObject& obj);

// A view of one JSON object that knows its path for error messages.
class JsonReader {
public:
    JsonReader(const QJsonObject& obj, std::string path = "") : obj_(obj), path_(std::move(path)) {}

    bool has(const char* key) const;
    std::string field(const char* key) const;

    double number(const char* key) const;                    // required
    double number(const char* key, double fallback) const;   // optional
    double positive(const char* key) const;                  // required, > 0
    double positive(const char* key, double fallback) const; // optional, > 0 when present
    double nonNegative(const char* key, double fallback) const;
    double fraction(const char* key, double fallback) const; // in (0, 1]
    int positiveInt(const char* key) const;
    int positiveInt(const char* key, int fallback) const;
    int nonNegativeInt(const char* key, int fallback) const;
    std::string string(const char* key) const;
    std::string string(const char* key, const std::string& fallback) const;
    bool boolean(const char* key, bool fallback) const;
    JsonReader object(const char* key) const;                // required
    std::optional<JsonReader> optionalObject(const char* key) const;
    QJsonArray array(const char* key) const;
    const QJsonObject& raw() const { return obj_; }
    const std::string& path() const { return path_; }
    [[noreturn]] void fail(const char* key, const std::string& reason) const;

private:
    QJsonValue value(const char* key) const;
    QJsonObject obj_;
    std::string path_;
};

} // namespace llmdse
