#include "core/Units.h"
#include "core/Metrics.h"

#include <cmath>
#include <cstdio>
#include <iterator>

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
    static const char* prefixes[] = {"p", "n", "\u00b5", "m", "", "k", "M", "G", "T", "P", "E"};
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
std::string formatSeconds(double s)
{
    if (!std::isfinite(s) || std::fabs(s) < 59.5) return formatSi(s, "s");
    // Long times as a person reads them: two units, the smaller rounded.
    struct Unit {
        double seconds;
        const char* name;
    };
    static const Unit units[] = {{86400, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    const double a = std::fabs(s);
    for (size_t i = 0; i + 1 < std::size(units); ++i) {
        if (a < units[i].seconds) continue;
        const double small = units[i + 1].seconds;
        const double total = std::round(a / small); // in the smaller unit
        const double per = units[i].seconds / small;
        const long long big = static_cast<long long>(total / per), rest = static_cast<long long>(std::fmod(total, per));
        char buf[64];
        if (rest == 0)
            std::snprintf(buf, sizeof buf, "%s%lld %s", s < 0 ? "-" : "", big, units[i].name);
        else
            std::snprintf(buf, sizeof buf, "%s%lld %s %lld %s", s < 0 ? "-" : "", big, units[i].name, rest, units[i + 1].name);
        return buf;
    }
    return formatSi(s, "s");
}

TimeUnit timeUnitFor(double maxSeconds)
{
    const double a = std::fabs(maxSeconds);
    if (!(a > 0) || !std::isfinite(a)) return {1e3, "ms"};
    if (a < 1e-3) return {1e6, "\u00b5s"};
    if (a < 1) return {1e3, "ms"};
    if (a < 180) return {1, "s"};
    if (a < 3 * 3600) return {1.0 / 60, "min"};
    return {1.0 / 3600, "h"};
}

NiceScale niceScale(double lo, double hi, int maxTicks)
{
    NiceScale n;
    if (!std::isfinite(lo) || !std::isfinite(hi)) return n;
    if (hi < lo) std::swap(lo, hi);
    if (hi == lo) hi = lo == 0 ? 1 : lo + std::fabs(lo);
    maxTicks = std::max(1, maxTicks);
    const double raw = (hi - lo) / maxTicks;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * mag;
    for (double m : {1.0, 2.0, 5.0})
        if (m * mag >= raw * (1 - 1e-9)) {
            step = m * mag;
            break;
        }
    n.step = step;
    n.lo = std::floor(lo / step + 1e-9) * step;
    n.hi = std::ceil(hi / step - 1e-9) * step;
    n.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
    return n;
}

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
