#include "core/HardwareSpec.h"
#include "core/Errors.h"

#include <algorithm>

namespace llmdse {

const char* toString(HardwareClass c)
{
    switch (c) {
    case HardwareClass::CPU: return "cpu";
    case HardwareClass::GPU: return "gpu";
    case HardwareClass::FPGA: return "fpga";
    case HardwareClass::ASIC: return "asic";
    case HardwareClass::PIM: return "pim";
    }
    return "gpu";
}

HardwareClass parseHardwareClass(const std::string& s, const std::string& field)
{
    for (auto c : {HardwareClass::CPU, HardwareClass::GPU, HardwareClass::FPGA, HardwareClass::ASIC, HardwareClass::PIM})
        if (s == toString(c)) return c;
    throw InputError("", field, "unknown hardware class '" + s + "' (expected cpu, gpu, fpga, asic or pim)");
}

double* hardwareFigure(HardwareSpec& hw, const std::string& field)
{
    if (field == "power.tdp_w") return &hw.tdpW;
    if (field == "power.idle_w") return &hw.idleW;
    if (field == "vector_tflops") return &hw.vectorFlops;
    if (field == "memory.bandwidth_gb_s") return hw.memory.empty() ? nullptr : &hw.memory.front().bandwidthBytesPerS;
    if (field == "memory.energy_pj_per_bit") return hw.memory.empty() ? nullptr : &hw.memory.front().energyPjPerBit;
    if (field == "pim.internal_bandwidth_gb_s") return &hw.pimInternalBandwidthBytesPerS;
    if (field == "pim.internal_energy_pj_per_bit") return &hw.pimEnergyPjPerBit;
    if (field == "cpu.per_core_bandwidth_gb_s") return &hw.perCoreBandwidthBytesPerS;
    const std::string peak = "peak_tflops.";
    if (field.rfind(peak, 0) != 0) return nullptr;
    for (int i = 0; i < kPrecisionCount; ++i)
        if (field.substr(peak.size()) == toString(static_cast<Precision>(i))) return &hw.peakFlops[i];
    return nullptr;
}

bool isUncertainFigureField(const std::string& field)
{
    HardwareSpec probe;
    probe.memory.emplace_back();
    return hardwareFigure(probe, field) != nullptr;
}

Precision HardwareSpec::executedPrecision(Precision p) const
{
    // Widening order when a format has no native support.
    static const Precision order[] = {Precision::INT4, Precision::INT8, Precision::FP8,
                                      Precision::FP16, Precision::BF16, Precision::FP32};
    int start = 0;
    while (order[start] != p) ++start;
    for (int i = start; i < 6; ++i)
        if (peakFlops[static_cast<int>(order[i])] > 0) return order[i];
    return Precision::FP32;
}

double HardwareSpec::peakFor(Precision p) const
{
    double v = peakFlops[static_cast<int>(executedPrecision(p))];
    return v > 0 ? v : vectorFlops;
}

double HardwareSpec::computeShare() const
{
    if (cpuCores <= 0 || threads <= 0) return 1.0;
    if (performanceCores <= 0 || performanceCores >= cpuCores) return std::min(1.0, double(threads) / cpuCores);
    // Performance cores first; work is handed out in chunks, so every thread's rate adds up.
    const int efficiency = cpuCores - performanceCores;
    const double all = performanceCores + efficiencyCoreRate * efficiency;
    const double used = std::min(threads, performanceCores) +
                        efficiencyCoreRate * std::clamp(threads - performanceCores, 0, efficiency);
    return used / all;
}

double HardwareSpec::streamBandwidthBytesPerS() const
{
    double all = mainMemory().bandwidthBytesPerS;
    if (memoryPorts > 0 && memoryPortBytes > 0) all = std::min(all, memoryPorts * memoryPortBytes * clockGhz * 1e9);
    if (cpuCores <= 0 || threads <= 0 || perCoreBandwidthBytesPerS <= 0) return all;
    return std::min(all, perCoreBandwidthBytesPerS * threads);
}

void HardwareSpec::validate(const std::string& file) const
{
    if (memory.empty()) throw InputError(file, "memory", "needs at least one memory level");
    for (size_t i = 0; i < memory.size(); ++i) {
        std::string f = "memory[" + std::to_string(i) + "]";
        if (!(memory[i].bandwidthBytesPerS > 0)) throw InputError(file, f + ".bandwidth_gb_s", "must be > 0");
        if (!(memory[i].capacityBytes > 0)) throw InputError(file, f + ".capacity_gb", "must be > 0");
    }
    bool anyPeak = vectorFlops > 0;
    for (double v : peakFlops) anyPeak = anyPeak || v > 0;
    if (!anyPeak) throw InputError(file, "peak_tflops", "needs at least one precision with peak > 0");
    if (!(tdpW > 0)) throw InputError(file, "power.tdp_w", "must be > 0");
    if (idleW < 0 || idleW > tdpW) throw InputError(file, "power.idle_w", "must be between 0 and tdp_w");
    if (cpuCores < 0 || cpuCores > 65536) throw InputError(file, "cpu.cores", "must be between 0 and 65536");
    if (threads < 0 || threads > 65536) throw InputError(file, "cpu.threads", "must be between 0 and 65536");
    if (threads > 0 && cpuCores == 0)
        throw InputError(file, "cpu.threads", "a thread count needs the CPU's core count (cpu.cores)");
}

} // namespace llmdse
