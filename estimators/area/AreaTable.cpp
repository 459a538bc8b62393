#include "estimators/area/AreaTable.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"

#include <algorithm>
#include <cmath>

namespace llmdse::area {

namespace {

const std::string kPath = ":/area/technology-area.json";
const char* const kDatapathNames[kDatapathCount] = {"int8", "fp16", "bf16", "fp32"};

std::vector<std::pair<double, double>> curve(const JsonReader& obj)
{
    std::vector<std::pair<double, double>> c;
    for (auto it = obj.raw().begin(); it != obj.raw().end(); ++it) {
        const std::string key = it.key().toStdString();
        c.emplace_back(it.key().toDouble(), obj.positive(key.c_str()));
    }
    std::sort(c.begin(), c.end());
    if (c.size() < 2) throw InputError("", obj.path(), "needs at least two points");
    return c;
}

} // namespace

const char* toString(Datapath d) { return kDatapathNames[int(d)]; }

PeDatapath peDatapath(const AcceleratorTemplate& t)
{
    auto macs = [&](Precision p) { return t.macsPerPe[int(p)]; };
    if (macs(Precision::FP16) > 0 || macs(Precision::BF16) > 0)
        return {macs(Precision::FP16) > 0 ? Datapath::Fp16 : Datapath::Bf16,
                std::max(macs(Precision::FP16), macs(Precision::BF16))};
    if (macs(Precision::FP32) > 0) return {Datapath::Fp32, macs(Precision::FP32)};
    const double int8 = std::max({macs(Precision::INT8), macs(Precision::FP8), macs(Precision::INT4) / 2});
    if (int8 > 0) return {Datapath::Int8, int8};
    throw InputError("", "template.macs_per_pe", "needs at least one precision with MACs per PE > 0");
}

double logLogInterpolate(const std::vector<std::pair<double, double>>& c, double x)
{
    if (x <= c.front().first) return c.front().second;
    if (x >= c.back().first) return c.back().second;
    size_t i = 1;
    while (c[i].first < x) ++i;
    const double t = std::log(x / c[i - 1].first) / std::log(c[i].first / c[i - 1].first);
    return std::exp(std::log(c[i - 1].second) + t * std::log(c[i].second / c[i - 1].second));
}

const AreaTable& AreaTable::instance()
{
    static const AreaTable t;
    return t;
}

AreaTable::AreaTable()
{
    try {
        JsonReader r(parseJsonObject(readBundled(kPath), kPath));
        source_ = r.string("source");
        refNm_ = r.positive("reference_node_nm");
        refDensity_ = r.positive("reference_transistor_density_mtr_per_mm2");
        nodeFactors_ = curve(r.object("area_factor_vs_45nm"));
        aladdinNm_ = r.positive("aladdin_node_nm");
        registerUm2PerBit_ = r.positive("aladdin_register_um2_per_bit");
        adder32Um2_ = r.positive("aladdin_adder32_um2");
        const JsonReader pe = r.object("pe");
        for (int i = 0; i < kDatapathCount; ++i) {
            const JsonReader d = pe.object(kDatapathNames[i]);
            pe_[i] = {d.positive("transistors"), d.nonNegative("register_bits", 0), d.boolean("accumulator_adder", false)};
        }
        const JsonReader lane = r.object("vector_lane");
        lane_ = {lane.positive("transistors"), lane.nonNegative("register_bits", 0), false};
        controlPerLane_ = r.nonNegative("per_vector_lane_control_transistors", 0);
        interconnectPerCore_ = r.nonNegative("per_core_interconnect_transistors", 0);
        bitcells_ = curve(r.object("sram_bitcell_um2"));
        efficiency_ = curve(r.object("sram_array_efficiency_by_unit_bytes"));
        maxUnitBytes_ = r.positive("sram_max_unit_bytes");
        const JsonReader mem = r.object("memory_interface");
        for (auto it = mem.raw().begin(); it != mem.raw().end(); ++it) {
            const std::string kind = it.key().toStdString();
            const JsonReader m = mem.object(kind.c_str());
            memory_[kind] = {m.positive("bits_per_channel"), m.positive("phy_mm2"), m.positive("controller_transistors")};
        }
        pimNodeNm_ = r.positive("pim_logic_node_nm");
        const JsonReader fpga = r.object("fpga");
        uramBytes_ = fpga.positive("uram_data_bytes");
        bramBytes_ = fpga.positive("bram36_data_bytes");
        lutPerCore_ = fpga.nonNegative("lut_per_core", 0);
        const JsonReader families = fpga.object("families");
        for (auto it = families.raw().begin(); it != families.raw().end(); ++it) {
            const std::string name = it.key().toStdString();
            const JsonReader f = families.object(name.c_str());
            FpgaCosts c;
            for (int i = 0; i < kDatapathCount; ++i) {
                c.dspPerMac[i] = f.object("dsp_per_mac").nonNegative(kDatapathNames[i], 0);
                c.lutPerMac[i] = f.object("lut_per_mac").nonNegative(kDatapathNames[i], 0);
            }
            fpga_[name] = c;
        }
    } catch (const InputError& e) {
        rethrowWithFile(e, kPath);
    }
}

double AreaTable::nodeFactor(double nm) const
{
    // Stillmaker & Baas stop at 7 and 45 nm: linear in node below (Accelergy's
    // rule), and the classic square law above.
    const auto& f = nodeFactors_;
    if (nm < f.front().first) return f.front().second * nm / f.front().first;
    if (nm > f.back().first) return f.back().second * std::pow(nm / f.back().first, 2);
    return logLogInterpolate(f, nm);
}

double AreaTable::logicUm2(double transistors, double nm) const
{
    const double um2AtRef = transistors / refDensity_; // MTr/mm2 == Tr/um2
    return um2AtRef * nodeFactor(nm) / nodeFactor(refNm_);
}

double AreaTable::registerUm2(double bits, double nm) const
{
    return bits * registerUm2PerBit_ * nodeFactor(nm) / nodeFactor(aladdinNm_);
}

double AreaTable::peUm2(Datapath d, double nm) const
{
    const Pe& p = pe_[int(d)];
    double um2 = logicUm2(p.transistors, nm) + registerUm2(p.registerBits, nm);
    if (p.adder) um2 += adder32Um2_ * nodeFactor(nm) / nodeFactor(aladdinNm_);
    return um2;
}

double AreaTable::vectorLaneUm2(double nm) const
{
    return logicUm2(lane_.transistors, nm) + registerUm2(lane_.registerBits, nm);
}

double AreaTable::controlUm2PerLane(double nm) const { return logicUm2(controlPerLane_, nm); }
double AreaTable::interconnectUm2PerCore(double nm) const { return logicUm2(interconnectPerCore_, nm); }

double AreaTable::bitcellUm2(double nm) const
{
    // Bit cells stopped shrinking at 5 -> 3 nm; hold the smallest below the table.
    const auto& b = bitcells_;
    if (nm > b.back().first) return b.back().second * std::pow(nm / b.back().first, 2);
    return logLogInterpolate(b, nm);
}

double AreaTable::arrayEfficiency(double unitBytes) const { return logLogInterpolate(efficiency_, unitBytes); }

double AreaTable::sramMm2(double bytes, double unitBytes, double nm) const
{
    if (bytes <= 0) return 0;
    const double unit = std::clamp(std::min(unitBytes, bytes), 1.0, maxUnitBytes_);
    return bytes * 8 * bitcellUm2(nm) * 1e-6 / arrayEfficiency(unit);
}

double AreaTable::memoryInterfaceMm2(const OffChipMemory& m, double nm) const
{
    auto it = memory_.find(m.kind);
    if (it == memory_.end()) {
        std::string known;
        for (const auto& [k, v] : memory_) known += (known.empty() ? "" : ", ") + k;
        throw InputError("", "template.memory.kind", "no interface area for memory kind '" + m.kind + "' (known: " + known + ")");
    }
    const MemoryInterface& i = it->second;
    // PHYs are analog and bump-limited, so they keep their area; controllers are logic.
    return m.channels * (i.phyMm2 + logicUm2(i.controllerTransistors, nm) * 1e-6);
}

const FpgaCosts& AreaTable::fpgaCosts(const std::string& family) const
{
    auto it = fpga_.find(family);
    if (it == fpga_.end()) throw InputError(kPath, "fpga.families", "no costs for DSP family '" + family + "'");
    return it->second;
}

} // namespace llmdse::area
