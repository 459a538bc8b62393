#include "core/Units.h"
#include "core/Metrics.h"

#include <cmath>
#include <cstdio>

namespace llmdse {

std::string magnitudeProblem(double v)
{
    const double a = std::fabs(v);
    if (a > kMaxInputMagnitude) return formatNumber(v) + " exceeds the bound of 1e15 (check the unit)";
    if (a > 0 && a < kMinInputMagnitude) return formatNumber(v) + " is below the bound of 1e-15 (check the unit)";
    return "";
}

std::string formatNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

std::string formatSi(double v, const char* unit, int digits)
{
    static const char* prefixes[] = {"p", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    if (v == 0 || !std::isfinite(v)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%g %s", v, unit);
        return buf;
    }
    int exp3 = static_cast<int>(std::floor(std::log10(std::fabs(v)) / 3.0));
    exp3 = std::max(-4, std::min(6, exp3));
    double scaled = v / std::pow(10.0, 3 * exp3);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g %s%s", digits, scaled, prefixes[exp3 + 4], unit);
    return buf;
}

std::string formatBytes(double bytes) { return formatSi(bytes, "B"); }
std::string formatSeconds(double s) { return formatSi(s, "s"); }

const char* toString(Bound b)
{
    switch (b) {
    case Bound::Compute: return "compute";
    case Bound::Memory: return "memory";
    case Bound::Overhead: return "overhead";
    case Bound::Communication: return "communication";
    }
    return "memory";
}

TimeBreakdown& TimeBreakdown::operator+=(const TimeBreakdown& o)
{
    compute += o.compute;
    memory += o.memory;
    overhead += o.overhead;
    communication += o.communication;
    return *this;
}

TimeBreakdown TimeBreakdown::scaled(double f) const { return {compute * f, memory * f, overhead * f, communication * f}; }

PhaseCost& PhaseCost::operator+=(const PhaseCost& o)
{
    timeS += o.timeS;
    energyJ += o.energyJ;
    flops += o.flops;
    bytes += o.bytes;
    breakdown += o.breakdown;
    stages.firstS += o.stages.firstS;
    stages.lastS += o.stages.lastS;
    stages.handoffS += o.stages.handoffS;
    return *this;
}

PhaseCost PhaseCost::scaled(double f) const
{
    PhaseCost r = *this;
    r.timeS *= f;
    r.energyJ *= f;
    r.flops *= f;
    r.bytes *= f;
    r.breakdown = breakdown.scaled(f);
    r.stages = stages.scaled(f);
    return r;
}

std::string MemoryFootprint::fitMessage() const
{
    char buf[160];
    if (fits)
        std::snprintf(buf, sizeof buf, "fits: needs %.1f GB of %.1f GB", totalBytes() / 1e9, capacityBytes / 1e9);
    else
        std::snprintf(buf, sizeof buf, "does not fit: needs %.1f GB, has %.1f GB", totalBytes() / 1e9, capacityBytes / 1e9);
    return buf;
}

} // namespace llmdse
