#pragma once
// Numeric formats for weights, activations and the KV cache.
#include <string>
#include <string_view>

namespace llmdse {

enum class Precision : unsigned char { FP32, FP16, BF16, FP8, INT8, INT4 };
constexpr int kPrecisionCount = 6;

// Inline: the operator graph asks for it many times per design point.
inline double bytesPerElement(Precision p)
{
    switch (p) {
    case Precision::FP32: return 4.0;
    case Precision::FP16:
    case Precision::BF16: return 2.0;
    case Precision::FP8:
    case Precision::INT8: return 1.0;
    case Precision::INT4: return 0.5;
    }
    return 2.0;
}
const char* toString(Precision p);
// Throws InputError(field) for an unknown name.
Precision parsePrecision(std::string_view name, const std::string& field = "precision");
bool isInteger(Precision p);

// A stored format: precision plus the group size of its scales (integer formats).
struct QuantFormat {
    Precision precision = Precision::FP16;
    int groupSize = 128; // elements per fp16 scale; only used for integer formats
    bool asymmetric = false; // a zero point per group too (written ":asym")

    // Bytes per element including the amortised scale.
    double bytesPerElementWithScales() const;
};

// "int4", "int4:g64" or "int4:g64:asym" -> QuantFormat.
QuantFormat parseQuantFormat(std::string_view text, const std::string& field);
std::string toString(const QuantFormat& q);

} // namespace llmdse
