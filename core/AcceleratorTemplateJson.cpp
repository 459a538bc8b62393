#include "core/AcceleratorTemplateJson.h"
#include "core/Errors.h"
#include "core/FpgaParts.h"

#include <algorithm>
#include <cctype>

namespace llmdse {

namespace {

constexpr double kKiB = 1024.0, kMiB = 1024.0 * 1024.0, kGB = 1e9;

std::array<double, kPrecisionCount> defaultMacsPerPe()
{
    // An fp16 systolic PE, with int8 and fp8 packed two per PE and int4 four (as in recent NPUs).
    std::array<double, kPrecisionCount> m{};
    m[int(Precision::FP16)] = 1;
    m[int(Precision::BF16)] = 1;
    m[int(Precision::FP8)] = 2;
    m[int(Precision::INT8)] = 2;
    m[int(Precision::INT4)] = 4;
    return m;
}

} // namespace

AcceleratorTemplate templateFromJson(const JsonReader& r)
{
    AcceleratorTemplate t;
    t.cores = r.positiveInt("cores", t.cores);
    t.arrayRows = r.positiveInt("array_rows", t.arrayRows);
    t.arrayCols = r.positiveInt("array_cols", t.arrayCols);
    t.arraysPerCore = r.positiveInt("arrays_per_core", t.arraysPerCore);
    t.dataflow = parseDataflow(r.string("dataflow", toString(t.dataflow)), r.field("dataflow"));
    t.macsPerPe = defaultMacsPerPe();
    if (auto m = r.optionalObject("macs_per_pe")) {
        t.macsPerPe = {};
        for (auto it = m->raw().begin(); it != m->raw().end(); ++it) {
            const std::string key = it.key().toStdString();
            const Precision p = parsePrecision(key, m->field(key.c_str()));
            t.macsPerPe[int(p)] = m->nonNegative(key.c_str(), 0.0);
        }
    }
    t.vectorLanes = r.positiveInt("vector_lanes", t.vectorLanes);
    t.localSramBytes = r.positive("local_sram_kib", t.localSramBytes / kKiB) * kKiB;
    t.localSramBanks = r.positiveInt("local_sram_banks", t.localSramBanks);
    t.localBytesPerCycle = r.positive("local_bytes_per_cycle", t.localBytesPerCycle);
    t.globalBufferBytes = r.nonNegative("global_buffer_mib", t.globalBufferBytes / kMiB) * kMiB;
    t.globalBytesPerCycle = r.positive("global_bytes_per_cycle", t.globalBytesPerCycle);
    if (auto f = r.optionalObject("operand_feed")) {
        OperandFeed feed;
        feed.bytes = f->positive("kib") * kKiB;
        feed.bytesPerCycle = f->positive("bytes_per_cycle");
        t.feed = feed;
    }
    t.arrayEfficiency = r.fraction("array_efficiency", 1.0);
    if (auto f = r.optionalObject("fixed_costs")) {
        t.fixed.kernelS = f->nonNegative("kernel_us", 0.0) * 1e-6;
        t.fixed.layerS = f->nonNegative("layer_us", 0.0) * 1e-6;
    }
    const JsonReader mem = r.object("memory");
    t.memory.kind = mem.string("kind");
    t.memory.channels = mem.positiveInt("channels");
    t.memory.channelBandwidthBytesPerS = mem.positive("channel_gb_s") * kGB;
    t.memory.capacityBytes = mem.positive("capacity_gb") * kGB;
    t.memory.energyPjPerBit = mem.positive("energy_pj_per_bit");
    t.memory.efficiency = mem.fraction("efficiency", 1.0);
    if (auto f = r.optionalObject("fpga")) {
        t.fpga = resolveFpgaPart(f->string("part"), f->field("part"));
        t.fpga->fmaxGhz = f->positive("fmax_ghz", t.fpga->fmaxGhz);
    }
    t.processNm = r.positive("process_nm", t.fpga ? 16.0 : t.processNm);
    t.clockGhz = r.positive("clock_ghz", t.fpga ? t.fpga->fmaxGhz : t.clockGhz);
    if (auto p = r.optionalObject("pim")) {
        PimUnits u;
        u.unitsPerChannel = p->positiveInt("units_per_channel", u.unitsPerChannel);
        u.unitFlopsPerCycle = p->positive("unit_flops_per_cycle", u.unitFlopsPerCycle);
        u.unitClockGhz = p->positive("unit_clock_ghz", u.unitClockGhz);
        u.internalBandwidthMultiplier = p->positive("internal_bandwidth_multiplier", u.internalBandwidthMultiplier);
        u.energyPjPerBit = p->nonNegative("energy_pj_per_bit", 0.0);
        t.pim = u;
    }
    t.validate();
    return t;
}

QJsonObject toJson(const AcceleratorTemplate& t)
{
    QJsonObject macs;
    for (int i = 0; i < kPrecisionCount; ++i)
        if (t.macsPerPe[i] > 0) macs[toString(static_cast<Precision>(i))] = t.macsPerPe[i];
    QJsonObject o{{"cores", t.cores},
                  {"array_rows", t.arrayRows},
                  {"array_cols", t.arrayCols},
                  {"arrays_per_core", t.arraysPerCore},
                  {"dataflow", toString(t.dataflow)},
                  {"macs_per_pe", macs},
                  {"vector_lanes", t.vectorLanes},
                  {"local_sram_kib", t.localSramBytes / kKiB},
                  {"local_sram_banks", t.localSramBanks},
                  {"local_bytes_per_cycle", t.localBytesPerCycle},
                  {"global_buffer_mib", t.globalBufferBytes / kMiB},
                  {"global_bytes_per_cycle", t.globalBytesPerCycle},
                  {"memory", QJsonObject{{"kind", QString::fromStdString(t.memory.kind)},
                                         {"channels", t.memory.channels},
                                         {"channel_gb_s", t.memory.channelBandwidthBytesPerS / kGB},
                                         {"capacity_gb", t.memory.capacityBytes / kGB},
                                         {"energy_pj_per_bit", t.memory.energyPjPerBit},
                                         {"efficiency", t.memory.efficiency}}},
                  {"process_nm", t.processNm},
                  {"clock_ghz", t.clockGhz}};
    if (t.arrayEfficiency < 1) o["array_efficiency"] = t.arrayEfficiency;
    if (t.feed) o["operand_feed"] = QJsonObject{{"kib", t.feed->bytes / kKiB}, {"bytes_per_cycle", t.feed->bytesPerCycle}};
    if (t.fixed.kernelS > 0 || t.fixed.layerS > 0)
        o["fixed_costs"] = QJsonObject{{"kernel_us", t.fixed.kernelS * 1e6}, {"layer_us", t.fixed.layerS * 1e6}};
    if (t.fpga) o["fpga"] = QJsonObject{{"part", QString::fromStdString(t.fpga->id)}, {"fmax_ghz", t.fpga->fmaxGhz}};
    if (t.pim)
        o["pim"] = QJsonObject{{"units_per_channel", t.pim->unitsPerChannel},
                               {"unit_flops_per_cycle", t.pim->unitFlopsPerCycle},
                               {"unit_clock_ghz", t.pim->unitClockGhz},
                               {"internal_bandwidth_multiplier", t.pim->internalBandwidthMultiplier},
                               {"energy_pj_per_bit", t.pim->energyPjPerBit}};
    return o;
}

void deriveFromTemplate(HardwareSpec& hw)
{
    if (!hw.accel) return;
    const AcceleratorTemplate& t = *hw.accel;
    const double hz = t.clockGhz * 1e9;
    hw.processNm = t.processNm;
    hw.clockGhz = t.clockGhz;
    for (int i = 0; i < kPrecisionCount; ++i) hw.peakFlops[i] = 2.0 * t.cores * t.pesPerCore() * t.macsPerPe[i] * hz;
    hw.vectorFlops = 2.0 * t.cores * t.vectorLanes * hz;
    std::string upper = t.memory.kind;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    // An SRAM-only chip holds weights and KV cache in its own banks: that SRAM is its main memory.
    MemoryLevel m{upper + (t.memory.onChip() ? " (on chip) x" : " x") + std::to_string(t.memory.channels), t.memory.kind,
                  t.memory.capacityBytes, t.memoryBandwidthBytesPerS(), t.memory.energyPjPerBit};
    if (hw.memory.empty()) hw.memory.push_back(m);
    else hw.memory.front() = m;
    hw.sramBytes = t.cores * t.localSramBytes + t.globalBufferBytes + (t.memory.onChip() ? t.memory.capacityBytes : 0);
    hw.sramBandwidthBytesPerS = t.cores * t.localBytesPerCycle * hz;
    if (t.pim) {
        hw.pimInternalBandwidthBytesPerS = t.memoryBandwidthBytesPerS() * t.pim->internalBandwidthMultiplier;
        hw.pimComputeFlops = double(t.memory.channels) * t.pim->unitsPerChannel * t.pim->unitFlopsPerCycle *
                             t.pim->unitClockGhz * 1e9;
        hw.pimEnergyPjPerBit = t.pim->energyPjPerBit > 0 ? t.pim->energyPjPerBit : 0.3 * t.memory.energyPjPerBit;
    } else {
        hw.pimInternalBandwidthBytesPerS = hw.pimComputeFlops = hw.pimEnergyPjPerBit = 0;
    }
}

} // namespace llmdse
