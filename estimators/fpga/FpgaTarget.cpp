#include "estimators/fpga/FpgaTarget.h"
#include "core/Errors.h"
#include "core/FpgaParts.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "core/RuntimeZoo.h"
#include "estimators/area/AreaTable.h"

#include <algorithm>
#include <map>

namespace llmdse {

namespace {

const std::string kPath = ":/fpga/compile.json";

// A card without AXI ports of its own is shared out in this many equal slices of its stream.
constexpr int kBandwidthSlices = 32;

struct CompileConstants {
    FpgaResources ceiling; // fractions
    double latencyCycles = 0, lutPerStage = 0, lutPerDequantLane = 0;
    int vectorLanes = 16, overlayLanes = 64;
    std::map<std::string, double> clocks;       // part -> GHz
    std::map<std::string, std::string> presets; // preset -> part
    std::string source;
};

const CompileConstants& constants()
{
    static const CompileConstants c = [] {
        CompileConstants k;
        try {
            JsonReader r(parseJsonObject(readBundled(kPath), kPath));
            k.source = r.string("source");
            const JsonReader u = r.object("utilisation_ceiling");
            k.ceiling = {u.fraction("dsp", 1), u.fraction("bram", 1), u.fraction("uram", 1), u.fraction("lut", 1)};
            k.latencyCycles = r.nonNegative("memory_latency_cycles", 0);
            k.vectorLanes = r.positiveInt("vector_lanes_per_stage");
            k.overlayLanes = r.positiveInt("overlay_vector_lanes");
            k.lutPerStage = r.nonNegative("lut_per_stage", 0);
            k.lutPerDequantLane = r.nonNegative("lut_per_dequant_lane", 0);
            const JsonReader parts = r.object("parts");
            for (auto it = parts.raw().begin(); it != parts.raw().end(); ++it) {
                const std::string id = it.key().toStdString();
                k.clocks[id] = parts.object(id.c_str()).positive("clock_ghz");
            }
            const JsonReader presets = r.object("presets");
            for (auto it = presets.raw().begin(); it != presets.raw().end(); ++it)
                k.presets[it.key().toStdString()] = presets.string(it.key().toStdString().c_str());
        } catch (const InputError& e) {
            rethrowWithFile(e, kPath);
        }
        return k;
    }();
    return c;
}

area::Datapath datapathOf(Precision p)
{
    switch (p) {
    case Precision::FP32: return area::Datapath::Fp32;
    case Precision::FP16: return area::Datapath::Fp16;
    case Precision::BF16: return area::Datapath::Bf16;
    default: return area::Datapath::Int8;
    }
}

} // namespace

double FpgaTarget::dspPerLane(Precision datapath) const
{
    return area::AreaTable::instance().fpgaCosts(fpgaDspFamily(part)).dspPerMac[int(datapathOf(datapath))];
}

double FpgaTarget::lutPerLane(Precision datapath) const
{
    return area::AreaTable::instance().fpgaCosts(fpgaDspFamily(part)).lutPerMac[int(datapathOf(datapath))];
}

bool fpgaTargetKnown(const HardwareSpec& hw)
{
    return (hw.accel && hw.accel->fpga) || (hw.cls == HardwareClass::FPGA && constants().presets.count(hw.id));
}

FpgaTarget resolveFpgaTarget(const HardwareSpec& hw, double clockGhz)
{
    const CompileConstants& k = constants();
    FpgaTarget t;
    t.hardware = hw;
    if (hw.accel && hw.accel->fpga) {
        t.part = *hw.accel->fpga;
    } else {
        auto it = k.presets.find(hw.id);
        if (hw.cls != HardwareClass::FPGA || it == k.presets.end()) {
            std::string known;
            for (const auto& [id, part] : k.presets) known += (known.empty() ? "" : ", ") + id;
            throw InputError("", "hardware",
                             "'" + hw.id + "' is " + (hw.cls == HardwareClass::FPGA ? "an FPGA card with no part the compiler knows"
                                                                                   : std::string("not an FPGA (class ") + toString(hw.cls) + ")") +
                                 "; compile needs an FPGA card (" + known + ") or an accelerator template with an FPGA part");
        }
        t.part = resolveFpgaPart(it->second, "hardware");
    }
    const auto clock = k.clocks.find(t.part.id);
    t.clockGhz = clockGhz > 0 ? clockGhz : clock != k.clocks.end() ? clock->second : t.part.fmaxGhz;
    t.budget = {double(t.part.dsp), double(t.part.bram36), double(t.part.uram), t.part.lutK * 1000};
    t.ceiling = {k.ceiling.dsp * t.budget.dsp, k.ceiling.bram36 * t.budget.bram36, k.ceiling.uram * t.budget.uram,
                 k.ceiling.lut * t.budget.lut};
    // The ports at the design's clock (the preset's AXI width bounds them), each at its share of the
    // memory's rate, times the sustained fraction of long bursts (the fpga runtime profile's).
    t.hardware.clockGhz = t.clockGhz;
    const double efficiency = resolveRuntime(defaultRuntimeId(HardwareClass::FPGA)).bandwidthEfficiency;
    const double stream = t.hardware.streamBandwidthBytesPerS() * efficiency;
    t.ports = hw.memoryPorts > 0 ? hw.memoryPorts : kBandwidthSlices;
    t.portBytesPerCycle = stream / t.ports / (t.clockGhz * 1e9);
    t.memoryLatencyCycles = k.latencyCycles;
    t.vectorLanesPerStage = k.vectorLanes;
    t.overlayVectorLanes = k.overlayLanes;
    t.lutPerStage = k.lutPerStage;
    t.lutPerDequantLane = k.lutPerDequantLane;
    t.uramBytes = area::AreaTable::instance().uramBytes();
    t.bramBytes = area::AreaTable::instance().bram36Bytes();
    t.source = k.source;
    return t;
}

} // namespace llmdse
