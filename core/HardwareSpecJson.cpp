#include "core/HardwareSpecJson.h"
#include "core/AcceleratorTemplateJson.h"
#include "core/Errors.h"
#include "core/Json.h"

#include <QJsonArray>
#include <cmath>

namespace llmdse {

static constexpr double kGB = 1e9;

namespace {

// "topology": switch (default), ring or torus with "torus_dims"; "link_gb_s" states one link's rate
// instead of the device's total (a ring has two links per device, a torus two per dimension).
void interconnectTopologyFromJson(const JsonReader& ic, Interconnect& out)
{
    out.topology = parseTopology(ic.string("topology", "switch"), ic.field("topology"));
    int dims = 0;
    if (ic.has("torus_dims")) {
        if (out.topology != Topology::Torus) ic.fail("torus_dims", "belongs to a torus topology");
        const QJsonArray list = ic.array("torus_dims");
        if (list.isEmpty() || list.size() > kMaxTorusDims)
            ic.fail("torus_dims", "needs 1 to " + std::to_string(kMaxTorusDims) + " dimensions");
        double devices = 1;
        for (int i = 0; i < list.size(); ++i) {
            const double v = list[i].toDouble(-1);
            if (!list[i].isDouble() || v != std::floor(v) || v < 2 || v > 65536)
                ic.fail("torus_dims", "dimension " + std::to_string(i) + " must be a whole number of devices from 2 to 65536");
            out.torusDims[i] = int(v);
            devices *= v;
            ++dims;
        }
        if (devices > (1 << 20)) ic.fail("torus_dims", "has more than 1,048,576 devices");
    } else if (out.topology == Topology::Torus) {
        ic.fail("torus_dims", "a torus needs its dimensions, e.g. [4, 4, 4]");
    }
    if (ic.has("link_gb_s")) {
        if (ic.has("bandwidth_gb_s")) ic.fail("link_gb_s", "give bandwidth_gb_s (all links) or link_gb_s (one link), not both");
        if (out.topology == Topology::Switch) ic.fail("link_gb_s", "needs a ring or torus topology (links per device)");
        const int links = out.topology == Topology::Ring ? 2 : 2 * dims;
        out.bandwidthBytesPerS = ic.positive("link_gb_s") * kGB * links;
    }
}

QJsonObject interconnectToJson(const Interconnect& ic)
{
    QJsonObject o{{"name", QString::fromStdString(ic.name)},
                  {"bandwidth_gb_s", ic.bandwidthBytesPerS / kGB},
                  {"latency_us", ic.latencyS * 1e6},
                  {"peer_access", ic.peerAccess},
                  {"switch_reduction", ic.switchReduction},
                  {"topology", toString(ic.topology)}};
    if (ic.topology == Topology::Torus) {
        QJsonArray dims;
        for (int d : ic.torusDims)
            if (d > 0) dims.append(d);
        o["torus_dims"] = dims;
    }
    return o;
}

} // namespace

HardwareSpec hardwareFromJson(const QJsonObject& obj, const std::string& file)
{
    try {
        JsonReader r(obj);
        HardwareSpec hw;
        hw.id = r.string("id");
        hw.name = r.string("name", hw.id);
        hw.cls = parseHardwareClass(r.string("class"), "class");
        hw.vendor = r.string("vendor", "");
        if (auto t = r.optionalObject("template")) {
            // A custom accelerator: everything below is derived from its parts.
            for (const char* k : {"process_nm", "clock_ghz", "peak_tflops", "vector_tflops", "memory", "sram", "pim"})
                if (r.has(k)) r.fail(k, "is derived from 'template'; set it there instead");
            hw.accel = templateFromJson(*t);
            deriveFromTemplate(hw);
        } else {
            hw.processNm = r.positive("process_nm");
            hw.clockGhz = r.positive("clock_ghz", 1.0);
            auto peaks = r.object("peak_tflops");
            for (int i = 0; i < kPrecisionCount; ++i)
                hw.peakFlops[i] = peaks.nonNegative(toString(static_cast<Precision>(i)), 0.0) * 1e12;
            for (auto it = peaks.raw().begin(); it != peaks.raw().end(); ++it)
                parsePrecision(it.key().toStdString(), peaks.field(it.key().toUtf8().constData()));
            hw.vectorFlops = r.nonNegative("vector_tflops", 0.0) * 1e12;
            auto mem = r.array("memory");
            for (int i = 0; i < mem.size(); ++i) {
                std::string path = "memory[" + std::to_string(i) + "]";
                if (!mem[i].isObject()) throw InputError("", path, "must be an object");
                JsonReader m(mem[i].toObject(), path);
                MemoryLevel lvl;
                lvl.name = m.string("name");
                lvl.kind = m.string("kind", lvl.name);
                lvl.capacityBytes = m.positive("capacity_gb") * kGB;
                lvl.bandwidthBytesPerS = m.positive("bandwidth_gb_s") * kGB;
                lvl.energyPjPerBit = m.nonNegative("energy_pj_per_bit", 4.0);
                hw.memory.push_back(lvl);
            }
            // Checked here, not only in validate(): the pim defaults below read memory.front().
            if (hw.memory.empty()) r.fail("memory", "needs at least one memory level");
            if (auto s = r.optionalObject("sram")) {
                hw.sramBytes = s->nonNegative("capacity_mb", 0.0) * 1e6;
                hw.sramBandwidthBytesPerS = s->nonNegative("bandwidth_gb_s", 0.0) * kGB;
                hw.sramEnergyPjPerBit = s->nonNegative("energy_pj_per_bit", 0.5);
            }
        }
        auto p = r.object("power");
        hw.tdpW = p.positive("tdp_w");
        hw.idleW = p.nonNegative("idle_w", 0.1 * hw.tdpW);
        if (auto ic = r.optionalObject("interconnect")) {
            hw.interconnect.name = ic->string("name", "");
            hw.interconnect.bandwidthBytesPerS = ic->nonNegative("bandwidth_gb_s", 0.0) * kGB;
            hw.interconnect.latencyS = ic->nonNegative("latency_us", 0.0) * 1e-6;
            hw.interconnect.peerAccess = ic->boolean("peer_access", false);
            hw.interconnect.switchReduction = ic->boolean("switch_reduction", false);
            interconnectTopologyFromJson(*ic, hw.interconnect);
        }
        if (auto pim = r.optionalObject("pim")) {
            hw.pimInternalBandwidthBytesPerS = pim->positive("internal_bandwidth_gb_s") * kGB;
            hw.pimComputeFlops = pim->nonNegative("compute_tflops", 0.0) * 1e12;
            // Default [U]: in-bank access skips the I/O interface, about 30% of an off-chip access.
            hw.pimEnergyPjPerBit = pim->nonNegative("internal_energy_pj_per_bit", 0.3 * hw.memory.front().energyPjPerBit);
        }
        if (auto cpu = r.optionalObject("cpu")) {
            hw.cpuCores = cpu->positiveInt("cores");
            hw.threads = cpu->nonNegativeInt("threads", 0);
            hw.perCoreBandwidthBytesPerS = cpu->nonNegative("per_core_bandwidth_gb_s", 0.0) * kGB;
        }
        if (auto sp = r.optionalObject("sparsity")) {
            hw.sparse24 = sp->boolean("two_four", false);
            hw.sparseUnstructured = sp->boolean("unstructured", false);
        }
        hw.source = r.string("source");
        hw.notes = r.string("notes", "");
        hw.validate();
        return hw;
    } catch (const InputError& e) {
        rethrowWithFile(e, file);
    }
}

QJsonObject toJson(const HardwareSpec& hw)
{
    QJsonObject o;
    o["id"] = QString::fromStdString(hw.id);
    o["name"] = QString::fromStdString(hw.name);
    o["class"] = toString(hw.cls);
    o["vendor"] = QString::fromStdString(hw.vendor);
    if (hw.cpuCores > 0)
        o["cpu"] = QJsonObject{{"cores", hw.cpuCores}, {"threads", hw.threads},
                               {"per_core_bandwidth_gb_s", hw.perCoreBandwidthBytesPerS / kGB}};
    if (hw.sparse24 || hw.sparseUnstructured)
        o["sparsity"] = QJsonObject{{"two_four", hw.sparse24}, {"unstructured", hw.sparseUnstructured}};
    if (hw.accel) {
        o["template"] = toJson(*hw.accel);
        o["power"] = QJsonObject{{"tdp_w", hw.tdpW}, {"idle_w", hw.idleW}};
        o["interconnect"] = interconnectToJson(hw.interconnect);
        o["source"] = QString::fromStdString(hw.source);
        if (!hw.notes.empty()) o["notes"] = QString::fromStdString(hw.notes);
        return o;
    }
    o["process_nm"] = hw.processNm;
    o["clock_ghz"] = hw.clockGhz;
    QJsonObject peaks;
    for (int i = 0; i < kPrecisionCount; ++i) peaks[toString(static_cast<Precision>(i))] = hw.peakFlops[i] / 1e12;
    o["peak_tflops"] = peaks;
    o["vector_tflops"] = hw.vectorFlops / 1e12;
    QJsonArray mem;
    for (auto& m : hw.memory) {
        QJsonObject mo;
        mo["name"] = QString::fromStdString(m.name);
        mo["kind"] = QString::fromStdString(m.kind);
        mo["capacity_gb"] = m.capacityBytes / kGB;
        mo["bandwidth_gb_s"] = m.bandwidthBytesPerS / kGB;
        mo["energy_pj_per_bit"] = m.energyPjPerBit;
        mem.append(mo);
    }
    o["memory"] = mem;
    o["sram"] = QJsonObject{{"capacity_mb", hw.sramBytes / 1e6},
                            {"bandwidth_gb_s", hw.sramBandwidthBytesPerS / kGB},
                            {"energy_pj_per_bit", hw.sramEnergyPjPerBit}};
    o["power"] = QJsonObject{{"tdp_w", hw.tdpW}, {"idle_w", hw.idleW}};
    o["interconnect"] = interconnectToJson(hw.interconnect);
    if (hw.isPim())
        o["pim"] = QJsonObject{{"internal_bandwidth_gb_s", hw.pimInternalBandwidthBytesPerS / kGB},
                               {"compute_tflops", hw.pimComputeFlops / 1e12},
                               {"internal_energy_pj_per_bit", hw.pimEnergyPjPerBit}};
    o["source"] = QString::fromStdString(hw.source);
    if (!hw.notes.empty()) o["notes"] = QString::fromStdString(hw.notes);
    return o;
}

} // namespace llmdse
