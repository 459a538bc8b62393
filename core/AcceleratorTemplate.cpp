#include "core/AcceleratorTemplate.h"
#include "core/Errors.h"

namespace llmdse {

const char* toString(Dataflow d)
{
    return d == Dataflow::WeightStationary ? "weight_stationary" : "output_stationary";
}

Dataflow parseDataflow(const std::string& s, const std::string& field)
{
    if (s == "weight_stationary" || s == "ws") return Dataflow::WeightStationary;
    if (s == "output_stationary" || s == "os") return Dataflow::OutputStationary;
    throw InputError("", field, "unknown dataflow '" + s + "' (expected weight_stationary or output_stationary)");
}

void AcceleratorTemplate::validate(const std::string& file) const
{
    auto need = [&](bool ok, const char* field, const char* reason) {
        if (!ok) throw InputError(file, std::string("template.") + field, reason);
    };
    need(cores >= 1, "cores", "must be a positive whole number");
    need(arrayRows >= 1 && arrayRows <= 65536, "array_rows", "must be between 1 and 65536");
    need(arrayCols >= 1 && arrayCols <= 65536, "array_cols", "must be between 1 and 65536");
    need(arraysPerCore >= 1 && arraysPerCore <= 4096, "arrays_per_core", "must be between 1 and 4096");
    bool anyMac = false;
    for (double v : macsPerPe) anyMac = anyMac || v > 0;
    need(anyMac, "macs_per_pe", "needs at least one precision with MACs per PE > 0");
    need(vectorLanes >= 1, "vector_lanes", "must be a positive whole number");
    need(localSramBytes >= 4096, "local_sram_kib", "must be at least 4 KiB");
    need(localSramBanks >= 1, "local_sram_banks", "must be a positive whole number");
    need(localBytesPerCycle > 0, "local_bytes_per_cycle", "must be > 0");
    need(globalBufferBytes >= 0, "global_buffer_mib", "must be >= 0");
    need(globalBytesPerCycle > 0, "global_bytes_per_cycle", "must be > 0");
    static const char* kKinds[] = {"hbm2", "hbm2e", "hbm3", "hbm3e", "gddr6", "lpddr4", "lpddr5", "ddr3", "ddr4", "ddr5", "sram"};
    bool knownKind = false;
    for (const char* k : kKinds) knownKind = knownKind || memory.kind == k;
    if (!knownKind)
        throw InputError(file, "template.memory.kind",
                         "unknown memory kind '" + memory.kind +
                             "' (known: hbm2, hbm2e, hbm3, hbm3e, gddr6, lpddr4, lpddr5, ddr3, ddr4, ddr5, sram)");
    need(memory.channels >= 1, "memory.channels", "must be a positive whole number");
    need(memory.channelBandwidthBytesPerS > 0, "memory.channel_gb_s", "must be > 0");
    need(memory.capacityBytes > 0, "memory.capacity_gb", "must be > 0");
    need(memory.efficiency > 0 && memory.efficiency <= 1, "memory.efficiency", "must be in (0, 1]");
    if (feed) {
        need(feed->bytes >= 64, "operand_feed.kib", "must be at least 64 bytes");
        need(feed->bytesPerCycle > 0, "operand_feed.bytes_per_cycle", "must be > 0");
    }
    need(fixed.kernelS >= 0 && fixed.kernelS < 1, "fixed_costs.kernel_us", "must be in [0, 1e6) us");
    need(fixed.layerS >= 0 && fixed.layerS < 1, "fixed_costs.layer_us", "must be in [0, 1e6) us");
    need(processNm >= 1 && processNm <= 180, "process_nm", "must be between 1 and 180 nm");
    need(arrayEfficiency > 0 && arrayEfficiency <= 1, "array_efficiency", "must be in (0, 1]");
    need(clockGhz > 0 && clockGhz <= 10, "clock_ghz", "must be in (0, 10] GHz");
    if (pim) {
        need(pim->unitsPerChannel >= 1, "pim.units_per_channel", "must be a positive whole number");
        need(pim->unitFlopsPerCycle > 0, "pim.unit_flops_per_cycle", "must be > 0");
        need(pim->unitClockGhz > 0, "pim.unit_clock_ghz", "must be > 0");
        need(pim->internalBandwidthMultiplier >= 1, "pim.internal_bandwidth_multiplier", "must be >= 1");
    }
}

} // namespace llmdse
