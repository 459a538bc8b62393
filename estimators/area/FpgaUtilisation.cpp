// FPGA resource use of a template: DSPs and LUTs for the PEs and vector lanes,
// UltraRAM then BRAM36 for the SRAMs, as fractions of the part's budget.
#include "core/Errors.h"
#include "core/FpgaParts.h"
#include "estimators/area/AreaModel.h"
#include "estimators/area/AreaTable.h"

#include <algorithm>
#include <cmath>

namespace llmdse {

double FpgaUtilisation::max() const { return std::max({dsp, bram, uram, lut}); }

std::string FpgaUtilisation::limiting() const
{
    const double m = max();
    if (dsp == m) return "dsp";
    if (uram == m) return "uram";
    if (bram == m) return "bram";
    return "lut";
}

FpgaUtilisation fpgaUtilisation(const AcceleratorTemplate& t)
{
    if (!t.fpga) throw InputError("", "template.fpga", "FPGA utilisation needs an FPGA part");
    const FpgaPart& part = *t.fpga;
    const area::AreaTable& a = area::AreaTable::instance();
    const area::FpgaCosts& c = a.fpgaCosts(fpgaDspFamily(part));
    const area::PeDatapath pe = area::peDatapath(t);
    const int fp32 = int(area::Datapath::Fp32); // vector lanes are fp32 FMAs

    const double peMacs = double(t.cores) * t.pesPerCore() * pe.macs;
    const double lanes = double(t.cores) * t.vectorLanes;
    const double dsps = peMacs * c.dspPerMac[int(pe.kind)] + lanes * c.dspPerMac[fp32];
    const double luts = peMacs * c.lutPerMac[int(pe.kind)] + lanes * c.lutPerMac[fp32] + t.cores * a.fpgaLutPerCore();

    // Capacity in aggregate (buffers packed into whole blocks), UltraRAM first.
    const double bytes = double(t.cores) * t.localSramBytes + t.globalBufferBytes;
    const double uramWanted = std::ceil(bytes / a.uramBytes());
    const double uramUsed = std::min(uramWanted, double(part.uram));
    const double spill = std::max(0.0, bytes - uramUsed * a.uramBytes());
    const double bramUsed = std::ceil(spill / a.bram36Bytes());

    FpgaUtilisation u;
    u.dsp = dsps / part.dsp;
    u.lut = luts / (part.lutK * 1000);
    u.uram = part.uram > 0 ? uramUsed / part.uram : 0;
    u.bram = part.bram36 > 0 ? bramUsed / part.bram36 : (bramUsed > 0 ? INFINITY : 0);
    return u;
}

} // namespace llmdse
