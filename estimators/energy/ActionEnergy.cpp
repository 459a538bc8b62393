#include "estimators/energy/ActionEnergy.h"
#include "core/Errors.h"
#include "core/Json.h"
#include "core/ResourceFiles.h"
#include "estimators/area/AreaModel.h"
#include "estimators/area/AreaTable.h"
#include "estimators/energy/TechnologyTable.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace llmdse {

namespace {

const std::string kPath = ":/energy/actions.json";

struct ActionTable {
    std::vector<std::pair<double, double>> sramPj45; // (bank bytes, pJ per 64-bit read), ascending
    double globalBankBytes = 1 << 20;
    std::map<std::string, double> dramPjPerBit;
    double pimFraction = 0.3;
    double leakageWPerMm2 = 0, leakageNm = 40;
    std::string source;

    static const ActionTable& instance()
    {
        static const ActionTable t;
        return t;
    }

private:
    ActionTable()
    {
        try {
            JsonReader r(parseJsonObject(readBundled(kPath), kPath));
            source = r.string("source") + " MAC and vector energy: " + TechnologyTable::instance().source() +
                     " Leakage area: " + areaModelSource();
            const JsonReader sram = r.object("sram_pj_per_64bit_read_45nm");
            for (auto it = sram.raw().begin(); it != sram.raw().end(); ++it)
                sramPj45.emplace_back(it.key().toDouble(), sram.positive(it.key().toStdString().c_str()));
            std::sort(sramPj45.begin(), sramPj45.end());
            if (sramPj45.size() < 2) sram.fail("8192", "needs at least two capacities");
            globalBankBytes = r.positive("global_buffer_bank_bytes");
            const JsonReader dram = r.object("dram_pj_per_bit_default");
            for (auto it = dram.raw().begin(); it != dram.raw().end(); ++it)
                dramPjPerBit[it.key().toStdString()] = dram.positive(it.key().toStdString().c_str());
            pimFraction = r.fraction("pim_fraction_of_offchip", pimFraction);
            leakageWPerMm2 = r.positive("leakage_w_per_mm2");
            leakageNm = r.positive("leakage_node_nm");
        } catch (const InputError& e) {
            rethrowWithFile(e, kPath);
        }
    }
};

double slopeExtrapolate(const std::vector<std::pair<double, double>>& c, size_t i, double x)
{
    // Power law through points i and i+1, evaluated at x (outside the table).
    const double k = std::log(c[i + 1].second / c[i].second) / std::log(c[i + 1].first / c[i].first);
    return c[i].second * std::pow(x / c[i].first, k);
}

double offChipPjPerBit(const OffChipMemory& m)
{
    if (m.energyPjPerBit > 0) return m.energyPjPerBit;
    const auto& d = ActionTable::instance().dramPjPerBit;
    auto it = d.find(m.kind);
    if (it == d.end()) {
        std::string known;
        for (const auto& [k, v] : d) known += (known.empty() ? "" : ", ") + k;
        throw InputError("", "template.memory.kind",
                         "no default energy for memory kind '" + m.kind + "' (known: " + known + "); give energy_pj_per_bit");
    }
    return it->second;
}

} // namespace

ActionCounts& ActionCounts::operator+=(const ActionCounts& o)
{
    for (int i = 0; i < kPrecisionCount; ++i) macs[i] += o.macs[i];
    vectorOps += o.vectorOps;
    localSramBytes += o.localSramBytes;
    globalBufferBytes += o.globalBufferBytes;
    dramBytes += o.dramBytes;
    pimBytes += o.pimBytes;
    return *this;
}

ActionCounts ActionCounts::scaled(double f) const
{
    ActionCounts a = *this;
    for (double& m : a.macs) m *= f;
    a.vectorOps *= f;
    a.localSramBytes *= f;
    a.globalBufferBytes *= f;
    a.dramBytes *= f;
    a.pimBytes *= f;
    return a;
}

double sramPjPerByte(double bankBytes, double nm)
{
    // Log-log between Horowitz's three sizes; beyond them, the nearest segment's power law.
    const auto& c = ActionTable::instance().sramPj45;
    double pj64;
    if (bankBytes < c.front().first) pj64 = slopeExtrapolate(c, 0, bankBytes);
    else if (bankBytes > c.back().first) pj64 = slopeExtrapolate(c, c.size() - 2, bankBytes);
    else pj64 = area::logLogInterpolate(c, bankBytes);
    return pj64 / 8 * TechnologyTable::instance().nodeFactor(nm);
}

ActionEnergy::ActionEnergy(const AcceleratorTemplate& t)
{
    const TechnologyTable& tech = TechnologyTable::instance();
    const ActionTable& table = ActionTable::instance();
    const double nm = t.processNm;
    for (int i = 0; i < kPrecisionCount; ++i) pjMac_[i] = 2 * tech.pjPerFlop(static_cast<Precision>(i), nm);
    pjVector_ = 2 * tech.pjPerFlop(Precision::FP32, nm);
    pjLocal_ = sramPjPerByte(t.localSramBytes / std::max(1, t.localSramBanks), nm);
    pjGlobal_ = sramPjPerByte(std::min(t.globalBufferBytes, table.globalBankBytes), nm);
    const double dramPjPerBit = offChipPjPerBit(t.memory);
    pjDram_ = dramPjPerBit * 8;
    const double pimPjPerBit = t.pim && t.pim->energyPjPerBit > 0 ? t.pim->energyPjPerBit : table.pimFraction * dramPjPerBit;
    pjPim_ = pimPjPerBit * 8;
    // Leakage per mm^2 moves with node as (energy per device) / (area per device).
    const double density = table.leakageWPerMm2 * (tech.nodeFactor(nm) / tech.nodeFactor(table.leakageNm)) /
                           (areaNodeFactor(nm) / areaNodeFactor(table.leakageNm));
    leakageW_ = density * estimateArea(t).acceleratorDieMm2();
}

double ActionEnergy::pjPerMac(Precision p) const { return pjMac_[int(p)]; }

double ActionEnergy::leakageW() const { return leakageW_; }

const std::string& ActionEnergy::source() const { return ActionTable::instance().source; }
const std::string& ActionEnergy::constantsSource() { return ActionTable::instance().source; }

double ActionEnergy::dynamicJ(const ActionCounts& a) const
{
    double pj = a.vectorOps * pjVector_ + a.localSramBytes * pjLocal_ + a.globalBufferBytes * pjGlobal_ +
                a.dramBytes * pjDram_ + a.pimBytes * pjPim_;
    for (int i = 0; i < kPrecisionCount; ++i) pj += a.macs[i] * pjMac_[i];
    return pj * 1e-12;
}

} // namespace llmdse
