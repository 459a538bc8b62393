#include "estimators/measured/CpuContention.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace llmdse {

namespace {

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

#if defined(__linux__)
// Busy time of all CPUs in seconds (the first line of /proc/stat: user nice system idle iowait
// irq softirq steal ...); steal counts as busy because another guest had our core.
bool systemBusySeconds(double& busy)
{
    std::FILE* f = std::fopen("/proc/stat", "r");
    if (!f) return false;
    unsigned long long v[8] = {};
    const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                              &v[6], &v[7]);
    std::fclose(f);
    if (n < 4) return false;
    const double tick = double(sysconf(_SC_CLK_TCK));
    busy = double(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / (tick > 0 ? tick : 100.0);
    return true;
}

double ownSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}
#endif

} // namespace

CpuContentionWindow::CpuContentionWindow()
{
    wall0_ = wallSeconds();
#if defined(__linux__)
    known_ = systemBusySeconds(busy0_);
    own0_ = ownSeconds();
#endif
}

double CpuContentionWindow::othersShare() const
{
#if defined(__linux__)
    double busy = 0;
    if (!known_ || !systemBusySeconds(busy)) return -1;
    const double wall = wallSeconds() - wall0_;
    const double cpus = double(std::max(1u, std::thread::hardware_concurrency()));
    if (wall <= 0) return 0;
    // /proc/stat counts in clock ticks (10 ms): one tick of rounding is not contention.
    const double others = (busy - busy0_) - (ownSeconds() - own0_) - 1.0 / double(sysconf(_SC_CLK_TCK));
    return std::max(0.0, others) / (wall * cpus);
#else
    return -1;
#endif
}

double environmentNumber(const char* name, double lo, double hi, double fallback)
{
    if (const char* e = std::getenv(name)) {
        char* end = nullptr;
        const double v = std::strtod(e, &end);
        if (end != e && v >= lo && v <= hi) return v;
    }
    return fallback;
}

double quietShareLimit() { return environmentNumber("LLMDSE_QUIET_SHARE", 0, 1, 0.05); }

} // namespace llmdse
