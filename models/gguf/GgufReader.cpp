#include "models/gguf/GgufReader.h"
#include "core/Errors.h"
#include "core/InputFile.h"

#include <QFile>
#include <algorithm>
#include <cstring>
#include <set>

namespace llmdse {

namespace {

constexpr std::uint64_t kMaxCount = 1u << 20;        // tensors or metadata keys
constexpr std::uint64_t kMaxString = 1u << 20;       // one key or string value
constexpr std::uint32_t kMaxDims = 4;                // ggml tensors have at most four dimensions
constexpr std::int64_t kMaxElements = std::int64_t(1) << 48;

class Cursor {
public:
    Cursor(const std::uint8_t* p, std::size_t n, std::string file) : p_(p), n_(n), file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& why) const
    {
        throw InputError(file_, field, why + " (at byte " + std::to_string(at_) + ")");
    }
    void need(std::uint64_t bytes, const std::string& field) const
    {
        if (bytes > n_ - at_) fail(field, "runs past the end of the file (" + std::to_string(n_) + " bytes)");
    }
    template <class T> T pod(const std::string& field)
    {
        need(sizeof(T), field);
        T v;
        std::memcpy(&v, p_ + at_, sizeof v);
        at_ += sizeof v;
        return v;
    }
    std::string string(const std::string& field)
    {
        const auto len = pod<std::uint64_t>(field + " length");
        if (len > kMaxString) fail(field, "a string of " + std::to_string(len) + " bytes exceeds the bound of 1 MiB");
        need(len, field);
        std::string s(reinterpret_cast<const char*>(p_ + at_), len);
        at_ += len;
        return s;
    }
    std::size_t at() const { return at_; }
    std::size_t size() const { return n_; }

private:
    const std::uint8_t* p_;
    std::size_t n_, at_ = 0;
    std::string file_;
};

std::size_t scalarBytes(GgufValueType t)
{
    switch (t) {
    case GgufValueType::UInt8: case GgufValueType::Int8: case GgufValueType::Bool: return 1;
    case GgufValueType::UInt16: case GgufValueType::Int16: return 2;
    case GgufValueType::UInt32: case GgufValueType::Int32: case GgufValueType::Float32: return 4;
    case GgufValueType::UInt64: case GgufValueType::Int64: case GgufValueType::Float64: return 8;
    case GgufValueType::String: return 8; // at least its length
    case GgufValueType::Array: return 12;
    }
    return 1;
}

GgufValueType valueType(std::uint32_t raw, Cursor& c, const std::string& field)
{
    if (raw > static_cast<std::uint32_t>(GgufValueType::Float64)) c.fail(field, "unknown value type " + std::to_string(raw));
    return static_cast<GgufValueType>(raw);
}

GgufValue readValue(Cursor& c, GgufValueType type, const std::string& field, int depth)
{
    GgufValue v;
    v.type = type;
    switch (type) {
    case GgufValueType::UInt8: v.scalar = std::uint64_t(c.pod<std::uint8_t>(field)); break;
    case GgufValueType::Int8: v.scalar = std::int64_t(c.pod<std::int8_t>(field)); break;
    case GgufValueType::UInt16: v.scalar = std::uint64_t(c.pod<std::uint16_t>(field)); break;
    case GgufValueType::Int16: v.scalar = std::int64_t(c.pod<std::int16_t>(field)); break;
    case GgufValueType::UInt32: v.scalar = std::uint64_t(c.pod<std::uint32_t>(field)); break;
    case GgufValueType::Int32: v.scalar = std::int64_t(c.pod<std::int32_t>(field)); break;
    case GgufValueType::UInt64: v.scalar = c.pod<std::uint64_t>(field); break;
    case GgufValueType::Int64: v.scalar = c.pod<std::int64_t>(field); break;
    case GgufValueType::Float32: v.scalar = double(c.pod<float>(field)); break;
    case GgufValueType::Float64: v.scalar = c.pod<double>(field); break;
    case GgufValueType::Bool: {
        const auto b = c.pod<std::uint8_t>(field);
        if (b > 1) c.fail(field, "a boolean must be 0 or 1, got " + std::to_string(b));
        v.scalar = b == 1;
        break;
    }
    case GgufValueType::String: v.scalar = c.string(field); break;
    case GgufValueType::Array: {
        if (depth > 2) c.fail(field, "arrays nested deeper than 2");
        v.scalar = std::uint64_t(0);
        v.elementType = valueType(c.pod<std::uint32_t>(field + " element type"), c, field);
        const auto count = c.pod<std::uint64_t>(field + " count");
        // Every element takes at least scalarBytes: a count the rest of the file cannot hold is refused before reserving.
        if (count > (c.size() - c.at()) / scalarBytes(v.elementType))
            c.fail(field, std::to_string(count) + " elements cannot fit in the rest of the file");
        v.elements.reserve(count);
        for (std::uint64_t i = 0; i < count; ++i) v.elements.push_back(readValue(c, v.elementType, field, depth + 1));
        break;
    }
    }
    return v;
}

GgmlType tensorType(std::uint32_t raw, Cursor& c, const std::string& field)
{
    for (auto t : {GgmlType::F32, GgmlType::F16, GgmlType::Q4_0, GgmlType::Q8_0})
        if (raw == static_cast<std::uint32_t>(t)) return t;
    c.fail(field, "ggml type " + std::to_string(raw) + " is not one llmdse reads (f32, f16, q8_0, q4_0)");
}

} // namespace

GgufFile parseGguf(const std::uint8_t* bytes, std::size_t size, const std::string& file, bool withData)
{
    Cursor c(bytes, size, file);
    GgufFile g;
    if (c.pod<std::uint32_t>("magic") != 0x46554747u) c.fail("magic", "not a GGUF file (no 'GGUF' magic)");
    g.version = c.pod<std::uint32_t>("version");
    if (g.version != 2 && g.version != 3) c.fail("version", "GGUF version " + std::to_string(g.version) + " (2 and 3 are read)");
    const auto tensorCount = c.pod<std::uint64_t>("tensor_count");
    const auto kvCount = c.pod<std::uint64_t>("metadata_kv_count");
    if (tensorCount > kMaxCount) c.fail("tensor_count", std::to_string(tensorCount) + " exceeds the bound of 2^20");
    if (kvCount > kMaxCount) c.fail("metadata_kv_count", std::to_string(kvCount) + " exceeds the bound of 2^20");
    std::set<std::string> keys;
    for (std::uint64_t i = 0; i < kvCount; ++i) {
        const std::string key = c.string("metadata[" + std::to_string(i) + "] key");
        if (!keys.insert(key).second) c.fail(key, "duplicate metadata key");
        GgufValue v = readValue(c, valueType(c.pod<std::uint32_t>(key + " type"), c, key), key, 0);
        if (key == "general.alignment") {
            const std::int64_t a = v.asInt();
            if (v.type != GgufValueType::UInt32 || a < 1 || a > 65536 || (a & (a - 1)) != 0)
                c.fail(key, "must be a power of two up to 65536 (uint32)");
            g.alignment = static_cast<std::uint32_t>(a);
        }
        g.metadata.emplace_back(key, std::move(v));
    }
    std::set<std::string> names;
    for (std::uint64_t i = 0; i < tensorCount; ++i) {
        GgufTensor t;
        t.name = c.string("tensor[" + std::to_string(i) + "] name");
        const std::string field = "tensor '" + t.name + "'";
        if (!names.insert(t.name).second) c.fail(field, "duplicate tensor name");
        const auto nDims = c.pod<std::uint32_t>(field + ".n_dims");
        if (nDims < 1 || nDims > kMaxDims) c.fail(field + ".n_dims", "must be 1 to 4, got " + std::to_string(nDims));
        std::int64_t n = 1;
        for (std::uint32_t d = 0; d < nDims; ++d) {
            const auto dim = c.pod<std::uint64_t>(field + ".dims");
            if (dim < 1 || dim > std::uint64_t(kMaxElements) || __builtin_mul_overflow(n, std::int64_t(dim), &n) || n > kMaxElements)
                c.fail(field + ".dims", "dimensions must be positive and hold at most 2^48 elements");
            t.dims.push_back(std::int64_t(dim));
        }
        t.type = tensorType(c.pod<std::uint32_t>(field + ".type"), c, field + ".type");
        if ((t.type == GgmlType::Q8_0 || t.type == GgmlType::Q4_0) && t.dims[0] % kGgmlBlock != 0)
            c.fail(field + ".dims", "a quantised row must be a whole number of 32-weight blocks, got " + std::to_string(t.dims[0]));
        t.offset = c.pod<std::uint64_t>(field + ".offset");
        if (t.offset % g.alignment != 0) c.fail(field + ".offset", "not aligned to " + std::to_string(g.alignment));
        g.tensors.push_back(std::move(t));
    }
    const std::uint64_t dataStart = (std::uint64_t(c.at()) + g.alignment - 1) / g.alignment * g.alignment;
    if (dataStart > size && !g.tensors.empty()) c.fail("data", "the tensor data section is missing");
    const std::uint64_t dataSize = dataStart <= size ? size - dataStart : 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;
    for (auto& t : g.tensors) {
        const std::uint64_t length = ggmlBytes(t.type, t.elements());
        if (t.offset > dataSize || length > dataSize - t.offset)
            throw InputError(file, "tensor '" + t.name + "'.offset", "its " + std::to_string(length) + " bytes at offset " +
                                                                       std::to_string(t.offset) + " run past the data section (" +
                                                                       std::to_string(dataSize) + " bytes)");
        spans.emplace_back(t.offset, t.offset + length);
        if (withData) t.data.assign(bytes + dataStart + t.offset, bytes + dataStart + t.offset + length);
    }
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second) throw InputError(file, "tensors", "tensor data overlap");
    return g;
}

GgufFile readGguf(const std::string& path, bool withData)
{
    requireRegularFile(path);
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw InputError(path, "", "cannot open: " + f.errorString().toStdString());
    const qint64 size = f.size();
    if (size < 24) throw InputError(path, "header", "truncated: " + std::to_string(size) + " bytes");
    const std::uint8_t* map = f.map(0, size);
    if (!map) throw InputError(path, "", "cannot memory-map the file");
    return parseGguf(map, static_cast<std::size_t>(size), path, withData);
}

} // namespace llmdse
