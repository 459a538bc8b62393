#pragma once
// Human-readable quantities with units (for tables, messages and reports).
#include <string>

namespace llmdse {

// Every number a user writes (in the unit the field states) lies within these magnitudes or
// is 0: far outside any physical quantity the tool models, and far enough inside a double's
// range that no product or quotient of a few of them overflows to inf or underflows to 0.
constexpr double kMaxInputMagnitude = 1e15;
constexpr double kMinInputMagnitude = 1e-15;
// "" when |v| is 0 or within the bounds, else the reason ("1e+308 exceeds the bound of 1e15").
std::string magnitudeProblem(double v);

std::string formatBytes(double bytes);        // "15.2 GB"
std::string formatSeconds(double s);          // "7.57 ms"
std::string formatNumber(double v);          // shortest round-trip text: "0", "2.5", "1e-05"
std::string formatSi(double v, const char* unit, int digits = 3); // "989 TFLOP/s"

} // namespace llmdse
