#include "models/gguf/GgufFile.h"

namespace llmdse {

std::int64_t GgufValue::asInt() const
{
    if (const auto* i = std::get_if<std::int64_t>(&scalar)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&scalar)) return static_cast<std::int64_t>(*u);
    if (const auto* b = std::get_if<bool>(&scalar)) return *b;
    return 0;
}

double GgufValue::asNumber() const
{
    if (const auto* d = std::get_if<double>(&scalar)) return *d;
    return double(asInt());
}

const std::string& GgufValue::asString() const
{
    static const std::string none;
    const auto* s = std::get_if<std::string>(&scalar);
    return s ? *s : none;
}

bool GgufValue::operator==(const GgufValue& o) const
{
    if (type != o.type) return false;
    if (type == GgufValueType::Array) return elementType == o.elementType && elements == o.elements;
    return scalar == o.scalar;
}

std::int64_t GgufTensor::elements() const
{
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
}

const GgufValue* GgufFile::find(const std::string& key) const
{
    for (const auto& [k, v] : metadata)
        if (k == key) return &v;
    return nullptr;
}

const GgufTensor* GgufFile::tensor(const std::string& name) const
{
    for (const auto& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

} // namespace llmdse
