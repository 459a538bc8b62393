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
// "7.57 ms", "12 µs"; from a minute up as a human duration: "19 min 10 s", "2 h 5 min", "3 d 4 h".
std::string formatSeconds(double s);
std::string formatNumber(double v);          // shortest round-trip text: "0", "2.5", "1e-05"
std::string formatSi(double v, const char* unit, int digits = 3); // "989 TFLOP/s", "4.2 µs" (UTF-8)

// Chart axes. The unit a time axis whose largest value is `maxSeconds` reads best in:
// seconds are multiplied by `perSecond` ("µs" 1e6, "ms" 1e3, "s" 1, "min" 1/60, "h" 1/3600).
struct TimeUnit {
    double perSecond = 1;
    const char* name = "s";
};
TimeUnit timeUnitFor(double maxSeconds);
// A linear axis from 0 (or `lo`) over [lo, hi] with steps of 1, 2 or 5 times a power of ten and
// at most `maxTicks` intervals: the step and the rounded-out ends.
struct NiceScale {
    double lo = 0, hi = 1, step = 0.2;
    int decimals = 1; // digits after the point the step needs
};
NiceScale niceScale(double lo, double hi, int maxTicks = 6);

} // namespace llmdse
