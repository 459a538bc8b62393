#include "models/gguf/GgufWriter.h"
#include "core/Errors.h"

#include <QSaveFile>
#include <cstring>

namespace llmdse {

namespace {

class Buffer {
public:
    std::vector<std::uint8_t> bytes;
    template <class T> void pod(T v)
    {
        const auto* p = reinterpret_cast<const std::uint8_t*>(&v); // GGUF is little-endian, as x86 is
        bytes.insert(bytes.end(), p, p + sizeof v);
    }
    void string(const std::string& s)
    {
        pod<std::uint64_t>(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
    }
    void value(const GgufValue& v, bool withType)
    {
        if (withType) pod<std::uint32_t>(static_cast<std::uint32_t>(v.type));
        switch (v.type) {
        case GgufValueType::UInt8: pod<std::uint8_t>(static_cast<std::uint8_t>(v.asInt())); break;
        case GgufValueType::Int8: pod<std::int8_t>(static_cast<std::int8_t>(v.asInt())); break;
        case GgufValueType::UInt16: pod<std::uint16_t>(static_cast<std::uint16_t>(v.asInt())); break;
        case GgufValueType::Int16: pod<std::int16_t>(static_cast<std::int16_t>(v.asInt())); break;
        case GgufValueType::UInt32: pod<std::uint32_t>(static_cast<std::uint32_t>(v.asInt())); break;
        case GgufValueType::Int32: pod<std::int32_t>(static_cast<std::int32_t>(v.asInt())); break;
        case GgufValueType::UInt64: pod<std::uint64_t>(static_cast<std::uint64_t>(v.asInt())); break;
        case GgufValueType::Int64: pod<std::int64_t>(v.asInt()); break;
        case GgufValueType::Float32: pod<float>(static_cast<float>(v.asNumber())); break;
        case GgufValueType::Float64: pod<double>(v.asNumber()); break;
        case GgufValueType::Bool: pod<std::uint8_t>(v.asInt() ? 1 : 0); break;
        case GgufValueType::String: string(v.asString()); break;
        case GgufValueType::Array:
            pod<std::uint32_t>(static_cast<std::uint32_t>(v.elementType));
            pod<std::uint64_t>(v.elements.size());
            for (const auto& e : v.elements) value(e, false);
            break;
        }
    }
    void pad(std::size_t alignment)
    {
        while (bytes.size() % alignment) bytes.push_back(0);
    }
};

std::uint64_t aligned(std::uint64_t n, std::uint64_t a) { return (n + a - 1) / a * a; }

} // namespace

void GgufWriter::add(const std::string& key, GgufValue value) { metadata_.emplace_back(key, std::move(value)); }

void GgufWriter::addTensor(const std::string& name, std::vector<std::int64_t> dims, GgmlType type, Producer produce)
{
    tensors_.push_back({name, std::move(dims), type, std::move(produce)});
}

void GgufWriter::write(const std::string& path, std::uint32_t alignment) const
{
    Buffer head;
    head.pod<std::uint32_t>(0x46554747u); // "GGUF"
    head.pod<std::uint32_t>(3);
    head.pod<std::uint64_t>(tensors_.size());
    const bool customAlignment = alignment != 32;
    head.pod<std::uint64_t>(metadata_.size() + (customAlignment ? 1 : 0));
    for (const auto& [k, v] : metadata_) {
        head.string(k);
        head.value(v, true);
    }
    if (customAlignment) {
        head.string("general.alignment");
        head.value(GgufValue::u32(alignment), true);
    }
    std::uint64_t offset = 0;
    for (const auto& t : tensors_) {
        head.string(t.name);
        head.pod<std::uint32_t>(static_cast<std::uint32_t>(t.dims.size()));
        std::int64_t n = 1;
        for (auto d : t.dims) {
            head.pod<std::uint64_t>(static_cast<std::uint64_t>(d));
            n *= d;
        }
        head.pod<std::uint32_t>(static_cast<std::uint32_t>(t.type));
        head.pod<std::uint64_t>(offset);
        offset = aligned(offset + ggmlBytes(t.type, n), alignment);
    }
    head.pad(alignment);

    QSaveFile f(QString::fromStdString(path));
    auto fail = [&](const std::string& why) { return InputError(path, "", why + ": " + f.errorString().toStdString()); };
    if (!f.open(QIODevice::WriteOnly)) throw fail("cannot write the GGUF file");
    auto put = [&](const std::vector<std::uint8_t>& b) {
        if (f.write(reinterpret_cast<const char*>(b.data()), qint64(b.size())) != qint64(b.size()))
            throw fail("cannot write the GGUF file (disk full?)");
    };
    put(head.bytes);
    std::vector<std::uint8_t> data;
    for (const auto& t : tensors_) {
        data.clear();
        t.produce(data);
        std::int64_t n = 1;
        for (auto d : t.dims) n *= d;
        if (data.size() != ggmlBytes(t.type, n))
            throw InputError(path, "tensor '" + t.name + "'", "produced " + std::to_string(data.size()) + " bytes, its shape needs " +
                                                                 std::to_string(ggmlBytes(t.type, n)));
        while (data.size() % alignment) data.push_back(0);
        put(data);
    }
    if (!f.commit()) throw fail("cannot write the GGUF file");
}

} // namespace llmdse
