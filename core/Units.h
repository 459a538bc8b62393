#pragma once
// Human-readable quantities with units (for tables, messages and reports).
#include <string>

namespace llmdse {

std::string formatBytes(double bytes);        // "15.2 GB"
std::string formatSeconds(double s);          // "7.57 ms"
std::string formatNumber(double v);          // shortest round-trip text: "0", "2.5", "1e-05"
std::string formatSi(double v, const char* unit, int digits = 3); // "989 TFLOP/s"

} // namespace llmdse
