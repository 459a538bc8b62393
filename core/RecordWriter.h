#pragma once
// A JSON-shaped record written field by field. A shape (the evaluate record:
// metrics, design, provenance) is described once by a write function and lands in
// whatever the writer builds: a QJsonObject for the command line and the
// workbench, a Python dict for the Python module, with no JSON text in between.
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <string_view>
#include <vector>

namespace llmdse {

class RecordWriter {
public:
    virtual ~RecordWriter() = default;
    // Inside an array the key is ignored (pass {}).
    virtual void number(std::string_view key, double v) = 0;
    virtual void integer(std::string_view key, long long v) = 0;
    virtual void boolean(std::string_view key, bool v) = 0;
    virtual void text(std::string_view key, std::string_view v) = 0;
    virtual void value(std::string_view key, const QJsonValue& v) = 0;
    virtual void beginObject(std::string_view key) = 0;
    virtual void endObject() = 0;
    virtual void beginArray(std::string_view key) = 0;
    virtual void endArray() = 0;
};

// Builds a QJsonObject: the root is an object, fields go to the innermost open container.
class JsonObjectWriter : public RecordWriter {
public:
    JsonObjectWriter();
    void number(std::string_view key, double v) override { put(key, v); }
    void integer(std::string_view key, long long v) override { put(key, static_cast<qint64>(v)); }
    void boolean(std::string_view key, bool v) override { put(key, v); }
    void text(std::string_view key, std::string_view v) override;
    void value(std::string_view key, const QJsonValue& v) override { put(key, v); }
    void beginObject(std::string_view key) override;
    void endObject() override;
    void beginArray(std::string_view key) override;
    void endArray() override;
    // The root object; call with every container closed.
    const QJsonObject& object() const { return levels_.front().object; }

private:
    struct Level {
        QString key; // in the parent
        bool isArray = false;
        QJsonObject object;
        QJsonArray array;
    };
    void put(std::string_view key, const QJsonValue& v);
    void close();
    std::vector<Level> levels_;
};

} // namespace llmdse
