#pragma once
// GGUF, the file format of llama.cpp (version 3, little-endian): a header, typed
// metadata key/values, a table of tensors (name, dimensions innermost first, ggml
// type, offset) and the aligned tensor data. GgufFile is what a file holds, as
// written (GgufWriter) or read back (readGguf, which checks every field).
#include "models/gguf/GgmlBlocks.h"

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace llmdse {

enum class GgufValueType : std::uint32_t {
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12
};

// A metadata value. Integers of every width are kept as (type, 64-bit value) so a
// file reads back field for field; arrays hold one element type.
struct GgufValue {
    GgufValueType type = GgufValueType::UInt32;
    std::variant<std::int64_t, std::uint64_t, double, bool, std::string> scalar;
    GgufValueType elementType = GgufValueType::UInt32; // arrays
    std::vector<GgufValue> elements;                   // arrays

    static GgufValue u32(std::uint32_t v) { return {GgufValueType::UInt32, std::uint64_t(v), {}, {}}; }
    static GgufValue i32(std::int32_t v) { return {GgufValueType::Int32, std::int64_t(v), {}, {}}; }
    static GgufValue u64(std::uint64_t v) { return {GgufValueType::UInt64, v, {}, {}}; }
    static GgufValue f32(float v) { return {GgufValueType::Float32, double(v), {}, {}}; }
    static GgufValue boolean(bool v) { return {GgufValueType::Bool, v, {}, {}}; }
    static GgufValue string(std::string v) { return {GgufValueType::String, std::move(v), {}, {}}; }
    static GgufValue array(GgufValueType element, std::vector<GgufValue> v)
    {
        return {GgufValueType::Array, std::uint64_t(0), element, std::move(v)};
    }

    std::int64_t asInt() const;     // any integer type
    double asNumber() const;        // integers and floats
    const std::string& asString() const;
    bool operator==(const GgufValue& o) const;
};

struct GgufTensor {
    std::string name;
    std::vector<std::int64_t> dims; // innermost (contiguous) first, as GGUF stores them
    GgmlType type = GgmlType::F32;
    std::uint64_t offset = 0;       // from the start of the data section
    std::vector<std::uint8_t> data; // encoded bytes (the reader fills them only on request)

    std::int64_t elements() const;
};

struct GgufFile {
    std::uint32_t version = 3;
    std::uint32_t alignment = 32;
    std::vector<std::pair<std::string, GgufValue>> metadata; // in file order
    std::vector<GgufTensor> tensors;

    const GgufValue* find(const std::string& key) const;
    const GgufTensor* tensor(const std::string& name) const;
};

} // namespace llmdse
