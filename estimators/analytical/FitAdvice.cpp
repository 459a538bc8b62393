#include "estimators/analytical/FitAdvice.h"
#include "core/Units.h"
#include "estimators/analytical/MemoryModel.h"

#include <cstdio>

namespace llmdse {

namespace {

bool fits(const Design& d)
{
    try {
        d.validate();
    } catch (const std::exception&) {
        return false; // not a design (tp beyond the heads ...): no remedy
    }
    return memoryFootprint(d).fits;
}

} // namespace

bool designFits(const Metrics& m) { return m.memory.fits && !(m.fpgaUtilisation > 1); }

std::string infeasibility(const Metrics& m)
{
    char buf[200];
    if (!m.memory.fits) {
        std::snprintf(buf, sizeof buf, "needs %s per device, has %s", formatBytes(m.memory.totalBytes()).c_str(),
                      formatBytes(m.memory.capacityBytes).c_str());
        return buf;
    }
    if (m.fpgaUtilisation > 1) {
        std::snprintf(buf, sizeof buf, "needs %.0f%% of the FPGA part's resources", 100 * m.fpgaUtilisation);
        return buf;
    }
    return "";
}

std::vector<std::string> fitRemedies(const Design& d)
{
    std::vector<std::string> out;
    if (memoryFootprint(d).fits) return out;
    // More devices: tensor parallel first (splits weights and KV cache), then pipeline stages.
    bool found = false;
    for (int tp = d.parallel.tensor * 2; tp <= 1024 && tp <= d.model.heads && !found; tp *= 2) {
        Design e = d;
        e.parallel.tensor = tp;
        if (fits(e)) {
            out.push_back("tensor parallel " + std::to_string(tp) + " (" + std::to_string(e.parallel.devices()) + " devices)");
            found = true;
        }
    }
    for (int pp = d.parallel.pipeline * 2; pp <= d.model.layers && !found; pp *= 2) {
        Design e = d;
        e.parallel.pipeline = pp;
        if (fits(e)) {
            out.push_back("pipeline parallel " + std::to_string(pp) + " (" + std::to_string(e.parallel.devices()) + " devices)");
            found = true;
        }
    }
    // Smaller formats, on the devices as they are.
    for (const char* w : {"int8:g128", "int4:g128"}) {
        Design e = d;
        e.opts.weights = parseQuantFormat(w, "weights");
        if (e.opts.weights.bytesPerElementWithScales() >= d.opts.weights.bytesPerElementWithScales()) continue;
        if (fits(e)) {
            out.push_back(std::string(w) + " weights");
            break;
        }
    }
    for (const char* kv : {"fp8", "int4:g64"}) {
        Design e = d;
        e.opts.kvCache = parseQuantFormat(kv, "kv");
        if (e.opts.kvCache.bytesPerElementWithScales() >= d.opts.kvCache.bytesPerElementWithScales()) continue;
        if (fits(e)) {
            out.push_back(std::string(kv) + " KV cache");
            break;
        }
    }
    // A smaller batch (the KV cache and activations shrink with it).
    for (int b = d.workload.batch / 2; b >= 1; b /= 2) {
        Design e = d;
        e.workload.batch = b;
        if (fits(e)) {
            out.push_back("batch " + std::to_string(b) + " or less");
            break;
        }
    }
    return out;
}

} // namespace llmdse
