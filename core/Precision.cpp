#include "core/Precision.h"
#include "core/Errors.h"

#include <charconv>

namespace llmdse {

const char* toString(Precision p)
{
    switch (p) {
    case Precision::FP32: return "fp32";
    case Precision::FP16: return "fp16";
    case Precision::BF16: return "bf16";
    case Precision::FP8: return "fp8";
    case Precision::INT8: return "int8";
    case Precision::INT4: return "int4";
    }
    return "fp16";
}

bool isInteger(Precision p) { return p == Precision::INT8 || p == Precision::INT4; }

Precision parsePrecision(std::string_view name, const std::string& field)
{
    for (int i = 0; i < kPrecisionCount; ++i) {
        auto p = static_cast<Precision>(i);
        if (name == toString(p)) return p;
    }
    if (name == "float32") return Precision::FP32;
    if (name == "float16") return Precision::FP16;
    if (name == "bfloat16") return Precision::BF16;
    throw InputError("", field,
                     "unknown precision '" + std::string(name) + "' (expected fp32, fp16, bf16, fp8, int8 or int4)");
}

double QuantFormat::bytesPerElementWithScales() const
{
    double b = bytesPerElement(precision);
    if (isInteger(precision) && groupSize > 0) {
        b += 2.0 / groupSize;
        // Asymmetric schemes (AWQ, GPTQ with zero points) store a zero point per group at the weight's width.
        if (asymmetric) b += bytesPerElement(precision) / groupSize;
    }
    return b;
}

QuantFormat parseQuantFormat(std::string_view text, const std::string& field)
{
    QuantFormat q;
    auto colon = text.find(':');
    q.precision = parsePrecision(text.substr(0, colon), field);
    std::string_view rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1);
    constexpr std::string_view asym = "asym";
    if (rest.size() >= asym.size() && rest.substr(rest.size() - asym.size()) == asym) {
        if (!isInteger(q.precision))
            throw InputError("", field, "zero points (':asym') exist only for integer formats (int8, int4)");
        q.asymmetric = true;
        rest = rest.substr(0, rest.size() - asym.size());
        if (!rest.empty()) {
            if (rest.back() != ':') throw InputError("", field, "write the zero points last, e.g. int4:g128:asym");
            rest.remove_suffix(1);
            if (rest.empty()) throw InputError("", field, "group size must be written as ':g<N>', e.g. int4:g128:asym");
        }
    }
    if (colon != std::string_view::npos && !rest.empty()) {
        if (rest[0] != 'g')
            throw InputError("", field, "group size must be written as ':g<N>', e.g. int4:g128");
        int g = 0;
        auto r = std::from_chars(rest.data() + 1, rest.data() + rest.size(), g);
        if (r.ec != std::errc() || r.ptr != rest.data() + rest.size() || g <= 0)
            throw InputError("", field, "group size must be a positive integer, got '" + std::string(rest.substr(1)) + "'");
        q.groupSize = g;
    } else if (colon != std::string_view::npos && !q.asymmetric) {
        throw InputError("", field, "group size must be written as ':g<N>', e.g. int4:g128");
    }
    return q;
}

std::string toString(const QuantFormat& q)
{
    std::string s = toString(q.precision);
    if (isInteger(q.precision)) s += ":g" + std::to_string(q.groupSize);
    if (q.asymmetric) s += ":asym";
    return s;
}

} // namespace llmdse
