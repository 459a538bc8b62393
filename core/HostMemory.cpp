#include "core/HostMemory.h"
#include "core/Errors.h"

#include <cstdio>
#include <fstream>

namespace llmdse {

namespace {

double meminfo(const char* wanted)
{
    std::ifstream f("/proc/meminfo");
    std::string key, unit;
    double kb = 0;
    while (f >> key >> kb >> unit)
        if (key == wanted) return kb * 1024.0;
    return 8e9;
}

} // namespace

double availableMemoryBytes() { return meminfo("MemAvailable:"); }
double totalMemoryBytes() { return meminfo("MemTotal:"); }

void requireMemory(double bytes, const std::string& field, const std::string& what)
{
    const double have = availableMemoryBytes();
    if (!(bytes <= 0.8 * have)) {
        char buf[160];
        std::snprintf(buf, sizeof buf, " needs %.1f GB, more than 80%% of the %.1f GB of RAM available", bytes / 1e9, have / 1e9);
        throw InputError("", field, what + buf);
    }
}

} // namespace llmdse
