#include "core/RecordWriter.h"

namespace llmdse {

namespace {
QString qstring(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
} // namespace

JsonObjectWriter::JsonObjectWriter() { levels_.emplace_back(); }

void JsonObjectWriter::put(std::string_view key, const QJsonValue& v)
{
    Level& top = levels_.back();
    if (top.isArray)
        top.array.append(v);
    else
        top.object.insert(qstring(key), v);
}

void JsonObjectWriter::text(std::string_view key, std::string_view v) { put(key, qstring(v)); }

void JsonObjectWriter::beginObject(std::string_view key)
{
    Level l;
    l.key = qstring(key);
    levels_.push_back(std::move(l));
}

void JsonObjectWriter::beginArray(std::string_view key)
{
    Level l;
    l.key = qstring(key);
    l.isArray = true;
    levels_.push_back(std::move(l));
}

void JsonObjectWriter::close()
{
    Level done = std::move(levels_.back());
    levels_.pop_back();
    Level& parent = levels_.back();
    const QJsonValue v = done.isArray ? QJsonValue(done.array) : QJsonValue(done.object);
    if (parent.isArray)
        parent.array.append(v);
    else
        parent.object.insert(done.key, v);
}

void JsonObjectWriter::endObject() { close(); }
void JsonObjectWriter::endArray() { close(); }

} // namespace llmdse
